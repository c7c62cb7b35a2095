/* NumPy .npy (numpy/lib/format.py): "\x93NUMPY", major, minor, a header length (u16 for 1.0,
 * u32 for 2.0 and 3.0), then a Python dict literal {'descr': ..., 'fortran_order': ...,
 * 'shape': (...)} padded with spaces and ended by '\n'. numpy reads it with ast.literal_eval;
 * we read it with a strict literal parser that evaluates nothing. The payload is
 * prod(shape) * itemsize raw bytes, or a pickle when the dtype holds Python objects
 * (numpy.load(allow_pickle=True) calls pickle.load on it). */
#include "formats/numpy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "formats/pickle.h"
#include "core/banned.h"

#define NPY_MAGIC            "\x93NUMPY"
#define NPY_MAGIC_LEN        6u
#define NPY_LIT_DEPTH        32u
#define NPY_NUMPY_MAX_HEADER 10000u /* numpy's default max_header_size (chars) */

/* ---- a strict Python literal parser (str, int, bool, None, tuple, list, dict) ---- */

enum npy_lit_kind { LIT_STR, LIT_INT, LIT_BOOL, LIT_NONE, LIT_TUPLE, LIT_LIST, LIT_DICT };

struct npy_lit {
    enum npy_lit_kind kind;
    int64_t ival;  /* INT (saturated flag below), BOOL */
    bool big;      /* INT out of int64 range */
    const char *s; /* STR: decoded bytes in the arena */
    size_t slen;
    size_t first; /* containers: index of first child, SIZE_MAX if none */
    size_t n;     /* containers: children (DICT: 2 per pair, key then value) */
    size_t next;  /* next sibling or SIZE_MAX */
};

struct npy_parser {
    const char *p;
    size_t len;
    size_t off;
    bool allow_l_suffix; /* format 1.0/2.0: numpy strips Python 2 'L' suffixes */
    struct npy_lit *nodes;
    size_t nn, cap;
    char *arena;
    size_t an;
    custody_error *err;
    size_t hdr_off; /* offset of the header in the file, for error offsets */
};

static int npy_fail(struct npy_parser *ps, const char *what)
{
    return cu_err_malformed(ps->err, "npy header", ps->hdr_off + ps->off,
                            "header is not a valid literal: %s", what);
}

static void npy_ws(struct npy_parser *ps)
{
    while (ps->off < ps->len) {
        char c = ps->p[ps->off];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') {
            break;
        }
        ps->off++;
    }
}

static int npy_new(struct npy_parser *ps, enum npy_lit_kind kind, size_t *out)
{
    if (ps->nn >= ps->cap) {
        return cu_err_limit(ps->err, "npy header", ps->hdr_off + ps->off,
                            "too many values in the header");
    }
    struct npy_lit *l = &ps->nodes[ps->nn];
    memset(l, 0, sizeof(*l));
    l->kind = kind;
    l->first = SIZE_MAX;
    l->next = SIZE_MAX;
    *out = ps->nn++;
    return 0;
}

static int npy_string(struct npy_parser *ps, size_t idx)
{
    char q = ps->p[ps->off++];
    char *dst = ps->arena + ps->an;
    size_t n = 0;
    for (;;) {
        if (ps->off >= ps->len) {
            return npy_fail(ps, "unterminated string");
        }
        char c = ps->p[ps->off++];
        if (c == q) {
            break;
        }
        if (c == '\n') {
            return npy_fail(ps, "newline in string");
        }
        if (c == '\\') {
            if (ps->off >= ps->len) {
                return npy_fail(ps, "unterminated string");
            }
            char e = ps->p[ps->off++];
            switch (e) {
            case '\\':
            case '\'':
            case '"':
                c = e;
                break;
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case 'r':
                c = '\r';
                break;
            case '0':
                c = '\0';
                break;
            case 'x': {
                if (ps->len - ps->off < 2) {
                    return npy_fail(ps, "bad \\x escape");
                }
                int hi = cu_hexval((uint8_t)ps->p[ps->off]),
                    lo = cu_hexval((uint8_t)ps->p[ps->off + 1]);
                if (hi < 0 || lo < 0) {
                    return npy_fail(ps, "bad \\x escape");
                }
                c = (char)(unsigned char)(hi * 16 + lo);
                ps->off += 2;
                break;
            }
            default:
                return npy_fail(ps, "unsupported string escape");
            }
        }
        dst[n++] = c; /* the arena is as large as the header: decoded <= raw */
    }
    dst[n] = '\0';
    ps->nodes[idx].s = dst;
    ps->nodes[idx].slen = n;
    ps->an += n + 1;
    return 0;
}

static int npy_value(struct npy_parser *ps, unsigned depth, size_t *out);

/* Parses items up to `close`; DICT items come in key ':' value pairs. */
static int npy_items(
    struct npy_parser *ps, unsigned depth, size_t idx, char close, bool dict, bool *trailing_comma)
{
    size_t last = SIZE_MAX;
    *trailing_comma = false;
    for (;;) {
        npy_ws(ps);
        if (ps->off >= ps->len) {
            return npy_fail(ps, "unterminated container");
        }
        if (ps->p[ps->off] == close) {
            ps->off++;
            return 0;
        }
        for (int part = 0; part < (dict ? 2 : 1); part++) {
            size_t child;
            int rc = npy_value(ps, depth + 1, &child);
            if (rc < 0) {
                return rc;
            }
            if (last == SIZE_MAX) {
                ps->nodes[idx].first = child;
            } else {
                ps->nodes[last].next = child;
            }
            last = child;
            ps->nodes[idx].n++;
            npy_ws(ps);
            if (dict && part == 0) {
                if (ps->off >= ps->len || ps->p[ps->off] != ':') {
                    return npy_fail(ps, "expected ':' in dict");
                }
                ps->off++;
            }
        }
        npy_ws(ps);
        if (ps->off >= ps->len) {
            return npy_fail(ps, "unterminated container");
        }
        if (ps->p[ps->off] == ',') {
            ps->off++;
            *trailing_comma = true;
            continue;
        }
        *trailing_comma = false;
        if (ps->p[ps->off] != close) {
            return npy_fail(ps, "expected ',' or closing bracket");
        }
        ps->off++;
        return 0;
    }
}

static bool npy_word(struct npy_parser *ps, const char *w)
{
    size_t n = strlen(w);
    if (ps->len - ps->off < n || memcmp(ps->p + ps->off, w, n) != 0) {
        return false;
    }
    if (ps->len - ps->off > n) {
        char c = ps->p[ps->off + n];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_') {
            return false;
        }
    }
    ps->off += n;
    return true;
}

static int npy_value(struct npy_parser *ps, unsigned depth, size_t *out)
{
    if (depth > NPY_LIT_DEPTH) {
        return cu_err_limit(ps->err, "npy header", ps->hdr_off + ps->off,
                            "header literal nested too deeply");
    }
    npy_ws(ps);
    if (ps->off >= ps->len) {
        return npy_fail(ps, "value expected");
    }
    char c = ps->p[ps->off];
    int rc;
    if (c == '\'' || c == '"') {
        if ((rc = npy_new(ps, LIT_STR, out)) < 0) {
            return rc;
        }
        return npy_string(ps, *out);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        if ((rc = npy_new(ps, LIT_INT, out)) < 0) {
            return rc;
        }
        bool neg = c == '-';
        if (neg) {
            ps->off++;
        }
        size_t start = ps->off;
        uint64_t v = 0;
        bool big = false;
        while (ps->off < ps->len && ps->p[ps->off] >= '0' && ps->p[ps->off] <= '9') {
            unsigned d = (unsigned)(ps->p[ps->off] - '0');
            if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, d, &v)) {
                big = true;
            }
            ps->off++;
        }
        if (ps->off == start) {
            return npy_fail(ps, "digits expected");
        }
        if (ps->p[start] == '0' && ps->off - start > 1) {
            return npy_fail(ps, "integer with leading zero");
        }
        if (ps->allow_l_suffix && ps->off < ps->len &&
            (ps->p[ps->off] == 'L' || ps->p[ps->off] == 'l')) {
            ps->off++;
        }
        if (v > (uint64_t)INT64_MAX) {
            big = true;
        }
        struct npy_lit *l = &ps->nodes[*out];
        l->big = big;
        l->ival = big ? 0 : (neg ? -(int64_t)v : (int64_t)v);
        return 0;
    }
    if (c == '(' || c == '[' || c == '{') {
        enum npy_lit_kind k = c == '(' ? LIT_TUPLE : c == '[' ? LIT_LIST : LIT_DICT;
        if ((rc = npy_new(ps, k, out)) < 0) {
            return rc;
        }
        ps->off++;
        bool trailing = false;
        char close = c == '(' ? ')' : c == '[' ? ']' : '}';
        rc = npy_items(ps, depth, *out, close, k == LIT_DICT, &trailing);
        if (rc < 0) {
            return rc;
        }
        /* "(x)" is x itself, not a tuple: only "(x,)" makes a 1-tuple. */
        if (k == LIT_TUPLE && ps->nodes[*out].n == 1 && !trailing) {
            *out = ps->nodes[*out].first;
        }
        return 0;
    }
    if (npy_word(ps, "True") || npy_word(ps, "False")) {
        bool t = ps->p[ps->off - 1] == 'e' && ps->p[ps->off - 2] == 'u';
        if ((rc = npy_new(ps, LIT_BOOL, out)) < 0) {
            return rc;
        }
        ps->nodes[*out].ival = t ? 1 : 0;
        return 0;
    }
    if (npy_word(ps, "None")) {
        return npy_new(ps, LIT_NONE, out);
    }
    return npy_fail(ps, "unsupported token");
}

/* ---- dtype descriptors ---- */

struct npy_dt {
    uint64_t itemsize;
    bool hasobject;
    bool unknown;
};

static uint64_t npy_typecode_size(char c)
{
    switch (c) {
    case '?':
    case 'b':
    case 'B':
    case 'c': /* 'c' alone is S1 */
        return 1;
    case 'h':
    case 'H':
    case 'e':
        return 2;
    case 'i':
    case 'I':
    case 'f':
        return 4;
    case 'l':
    case 'L':
    case 'q':
    case 'Q':
    case 'p':
    case 'P':
    case 'd':
    case 'F':
        return 8;
    case 'g':
    case 'D':
        return 16;
    case 'G':
        return 32;
    case 'O':
        return 8;
    case 'M':
    case 'm':
        return 8; /* generic datetime: numpy refuses it in .npy, sized anyway */
    default:
        return 0;
    }
}

/* A dtype string as numpy.dtype() would take it. Covers what numpy writes (dtype.str: an
 * optional byte-order char, a kind, a size, an optional [unit]) plus single-char codes and the
 * common names; anything else is "unknown" (never guessed). */
static void npy_dtype_str(const char *s, size_t n, struct npy_dt *dt)
{
    static const struct {
        const char *name;
        uint64_t size;
        bool obj;
    } names[] = {
        { "bool", 1, false },      { "int8", 1, false },        { "uint8", 1, false },
        { "int16", 2, false },     { "uint16", 2, false },      { "float16", 2, false },
        { "int32", 4, false },     { "uint32", 4, false },      { "float32", 4, false },
        { "int64", 8, false },     { "uint64", 8, false },      { "float64", 8, false },
        { "complex64", 8, false }, { "complex128", 16, false }, { "float", 8, false },
        { "int", 8, false },       { "complex", 16, false },    { "object", 8, true },
        { "object0", 8, true },    { "O8", 8, true },           { "bool8", 1, false },
    };
    dt->itemsize = 0;
    dt->hasobject = false;
    dt->unknown = false;
    if (n > 0 && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=')) {
        s++;
        n--;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i].name) == n && memcmp(names[i].name, s, n) == 0) {
            dt->itemsize = names[i].size;
            dt->hasobject = names[i].obj;
            return;
        }
    }
    if (n == 0) {
        dt->unknown = true;
        return;
    }
    char kind = s[0];
    if (kind == 'O') {
        /* "O", "O8", "O4": any object dtype means a pickle payload */
        dt->hasobject = true;
        dt->itemsize = 8;
        return;
    }
    if (n == 1) {
        dt->itemsize = npy_typecode_size(kind);
        if (dt->itemsize == 0) {
            dt->unknown = true;
        }
        return;
    }
    /* kind + decimal size (+ "[unit]" for M/m) */
    size_t i = 1;
    uint64_t size = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (size > 1000000000u) {
            dt->unknown = true;
            return;
        }
        size = size * 10u + (uint64_t)(s[i] - '0');
        i++;
    }
    if (i == 1) {
        dt->unknown = true;
        return;
    }
    if (i < n) {
        if ((kind != 'M' && kind != 'm') || s[i] != '[' || s[n - 1] != ']') {
            dt->unknown = true;
            return;
        }
    }
    switch (kind) {
    case 'b':
    case 'i':
    case 'u':
    case 'f':
    case 'c':
    case 'S':
    case 'a':
    case 'V':
    case 'M':
    case 'm':
        dt->itemsize = size;
        return;
    case 'U':
        if (size > UINT64_MAX / 4) {
            dt->unknown = true;
            return;
        }
        dt->itemsize = size * 4;
        return;
    default:
        dt->unknown = true;
        return;
    }
}

static const struct npy_lit *
npy_child(const struct npy_parser *ps, const struct npy_lit *l, size_t i)
{
    size_t c = l->first;
    while (c != SIZE_MAX && i > 0) {
        c = ps->nodes[c].next;
        i--;
    }
    return c == SIZE_MAX ? NULL : &ps->nodes[c];
}

static int npy_shape_count(const struct npy_parser *ps,
                           const struct npy_lit *t,
                           uint64_t *count,
                           uint64_t *dims,
                           unsigned *ndim,
                           custody_error *err,
                           uint64_t off)
{
    if (t->kind != LIT_TUPLE) {
        return cu_err_malformed(err, "npy header", off, "shape is not a tuple");
    }
    if (t->n > CU_NPY_MAX_DIMS) {
        return cu_err_malformed(err, "npy header", off,
                                "shape has %zu dimensions (numpy: at most %u)", t->n,
                                CU_NPY_MAX_DIMS);
    }
    uint64_t c = 1;
    for (size_t i = 0; i < t->n; i++) {
        const struct npy_lit *d = npy_child(ps, t, i);
        if (d == NULL || d->kind != LIT_INT) {
            return cu_err_malformed(err, "npy header", off, "shape holds a non-integer");
        }
        if (d->big || d->ival < 0) {
            return cu_err_malformed(err, "npy header", off,
                                    "shape holds a negative or oversized dimension");
        }
        if (__builtin_mul_overflow(c, (uint64_t)d->ival, &c)) {
            return cu_err_malformed(err, "npy header", off,
                                    "shape product overflows 64 bits (huge shape)");
        }
        if (dims != NULL) {
            dims[i] = (uint64_t)d->ival;
        }
    }
    if (ndim != NULL) {
        *ndim = (unsigned)t->n;
    }
    *count = c;
    return 0;
}

static int npy_descr(const struct npy_parser *ps,
                     const struct npy_lit *d,
                     unsigned depth,
                     struct npy_dt *dt,
                     custody_error *err,
                     uint64_t off);

/* A list-of-fields descr: [(name, dtype[, shape]), ...]; names may be (title, name). */
static int npy_descr_fields(const struct npy_parser *ps,
                            const struct npy_lit *d,
                            unsigned depth,
                            struct npy_dt *dt,
                            custody_error *err,
                            uint64_t off)
{
    dt->itemsize = 0;
    dt->hasobject = false;
    dt->unknown = false;
    if (d->n == 0) {
        return cu_err_malformed(err, "npy header", off, "structured descr has no fields");
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct npy_lit *f = npy_child(ps, d, i);
        if (f == NULL || f->kind != LIT_TUPLE || f->n < 2 || f->n > 3) {
            return cu_err_malformed(err, "npy header", off,
                                    "structured descr field is not (name, dtype[, shape])");
        }
        const struct npy_lit *name = npy_child(ps, f, 0);
        if (name->kind != LIT_STR && !(name->kind == LIT_TUPLE && name->n == 2)) {
            return cu_err_malformed(err, "npy header", off, "structured field name is not a str");
        }
        struct npy_dt sub;
        int rc = npy_descr(ps, npy_child(ps, f, 1), depth + 1, &sub, err, off);
        if (rc < 0) {
            return rc;
        }
        uint64_t mult = 1;
        if (f->n == 3) {
            const struct npy_lit *shp = npy_child(ps, f, 2);
            if (shp->kind == LIT_INT) {
                if (shp->big || shp->ival < 0) {
                    return cu_err_malformed(err, "npy header", off, "bad field shape");
                }
                mult = (uint64_t)shp->ival;
            } else if ((rc = npy_shape_count(ps, shp, &mult, NULL, NULL, err, off)) < 0) {
                return rc;
            }
        }
        uint64_t fsz;
        if (__builtin_mul_overflow(sub.itemsize, mult, &fsz) ||
            __builtin_add_overflow(dt->itemsize, fsz, &dt->itemsize)) {
            return cu_err_malformed(err, "npy header", off, "structured itemsize overflows");
        }
        dt->hasobject |= sub.hasobject;
        dt->unknown |= sub.unknown;
    }
    return 0;
}

static int npy_descr(const struct npy_parser *ps,
                     const struct npy_lit *d,
                     unsigned depth,
                     struct npy_dt *dt,
                     custody_error *err,
                     uint64_t off)
{
    if (depth > NPY_LIT_DEPTH) {
        return cu_err_limit(err, "npy header", off, "descr nested too deeply");
    }
    if (d->kind == LIT_STR) {
        npy_dtype_str(d->s, d->slen, dt);
        return 0;
    }
    if (d->kind == LIT_LIST) {
        return npy_descr_fields(ps, d, depth, dt, err, off);
    }
    if (d->kind == LIT_TUPLE && d->n == 2) {
        /* (base, shape): a subarray dtype */
        int rc = npy_descr(ps, npy_child(ps, d, 0), depth + 1, dt, err, off);
        if (rc < 0) {
            return rc;
        }
        uint64_t mult;
        const struct npy_lit *shp = npy_child(ps, d, 1);
        if (shp->kind == LIT_INT && !shp->big && shp->ival >= 0) {
            mult = (uint64_t)shp->ival;
        } else if ((rc = npy_shape_count(ps, shp, &mult, NULL, NULL, err, off)) < 0) {
            return rc;
        }
        if (__builtin_mul_overflow(dt->itemsize, mult, &dt->itemsize)) {
            return cu_err_malformed(err, "npy header", off, "subarray itemsize overflows");
        }
        return 0;
    }
    return cu_err_malformed(err, "npy header", off, "descr is not a dtype descriptor");
}

static void
npy_descr_summary(const struct npy_parser *ps, const struct npy_lit *d, char *out, size_t cap)
{
    if (d->kind == LIT_STR) {
        struct cu_buf b = CU_BUF_INIT(cap - 1);
        cu_buf_add_escaped(&b, (const uint8_t *)d->s, d->slen);
        (void)snprintf(out, cap, "%s", cu_buf_str(&b));
        cu_buf_free(&b);
    } else if (d->kind == LIT_LIST) {
        (void)snprintf(out, cap, "structured, %zu fields", d->n);
    } else {
        (void)snprintf(out, cap, "subarray");
    }
    (void)ps;
}

int cu_npy_parse_header(const uint8_t *p, size_t len, struct cu_npy_header *h, custody_error *err)
{
    memset(h, 0, sizeof(*h));
    struct cu_rd rd = CU_RD_INIT(p, len);
    const uint8_t *magic;
    uint8_t major, minor;
    if (!cu_rd_bytes(&rd, NPY_MAGIC_LEN, &magic) || memcmp(magic, NPY_MAGIC, NPY_MAGIC_LEN) != 0) {
        return cu_err_malformed(err, "npy header", 0, "missing \\x93NUMPY magic");
    }
    if (!cu_rd_u8(&rd, &major) || !cu_rd_u8(&rd, &minor)) {
        return cu_err_malformed(err, "npy header", rd.off, "truncated version");
    }
    h->major = major;
    h->minor = minor;
    if (major < 1 || major > 3 || minor != 0) {
        return cu_err_malformed(err, "npy header", 6, "unknown format version %u.%u", major, minor);
    }
    uint64_t hlen;
    if (major == 1) {
        uint16_t v;
        if (!cu_rd_u16le(&rd, &v)) {
            return cu_err_malformed(err, "npy header", rd.off, "truncated header length");
        }
        hlen = v;
    } else {
        uint32_t v;
        if (!cu_rd_u32le(&rd, &v)) {
            return cu_err_malformed(err, "npy header", rd.off, "truncated header length");
        }
        hlen = v;
    }
    size_t hoff = rd.off;
    if (hlen > CU_LIMIT_NPY_HEADER) {
        return cu_err_limit(err, "npy header", hoff - 4,
                            "header length %llu exceeds the %u-byte limit",
                            (unsigned long long)hlen, CU_LIMIT_NPY_HEADER);
    }
    if (hlen > cu_rd_left(&rd)) {
        return cu_err_malformed(err, "npy header", hoff,
                                "header length %llu runs past the end of the file",
                                (unsigned long long)hlen);
    }
    const char *hp = (const char *)p + hoff;
    size_t hn = (size_t)hlen;
    h->data_off = hoff + hn;
    /* Encoding: latin1 for 1.0/2.0, UTF-8 for 3.0. Everything numpy writes outside field
     * names is ASCII; non-ASCII bytes in 1.0/2.0 are a sign of a hand-made header. */
    for (size_t i = 0; i < hn; i++) {
        unsigned char c = (unsigned char)hp[i];
        if (c == 0 || (c >= 0x80 && major < 3)) {
            return cu_err_malformed(err, "npy header", hoff + i,
                                    "non-ASCII byte 0x%02x in a version %u.0 header", c, major);
        }
    }
    if (hn == 0 || hp[hn - 1] != '\n') {
        h->bad_padding = true;
    }
    if (h->data_off % 16 != 0) {
        h->unaligned = true;
    }
    if (hn > NPY_NUMPY_MAX_HEADER) {
        h->large_header = true;
    }

    struct npy_parser ps;
    memset(&ps, 0, sizeof(ps));
    ps.p = hp;
    ps.len = hn;
    ps.allow_l_suffix = major < 3;
    ps.err = err;
    ps.hdr_off = hoff;
    ps.cap = hn + 1;
    /* npy_new initialises each node it hands out: no zeroing (hn <= CU_LIMIT_NPY_HEADER, so
     * the product cannot overflow). */
    ps.nodes = cu_malloc(ps.cap * sizeof(*ps.nodes));
    ps.arena = cu_malloc(hn + 1);
    int rc = 0;
    if (ps.nodes == NULL || ps.arena == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    size_t root;
    if ((rc = npy_value(&ps, 0, &root)) < 0) {
        goto out;
    }
    npy_ws(&ps);
    if (ps.off != ps.len) {
        rc = npy_fail(&ps, "bytes after the dict");
        goto out;
    }
    /* numpy pads with spaces then '\n'; anything else that literal_eval skips is a quirk */
    for (size_t i = 0; i < hn; i++) {
        if (hp[i] == '\t' || hp[i] == '\r' || hp[i] == '\f' || hp[i] == '\v') {
            h->bad_padding = true;
        }
    }
    const struct npy_lit *d = &ps.nodes[root];
    if (d->kind != LIT_DICT) {
        rc = cu_err_malformed(err, "npy header", hoff, "header is not a dict");
        goto out;
    }
    const struct npy_lit *descr = NULL, *fortran = NULL, *shape = NULL;
    for (size_t i = 0; i + 1 < d->n; i += 2) {
        const struct npy_lit *k = npy_child(&ps, d, i);
        const struct npy_lit *v = npy_child(&ps, d, i + 1);
        const struct npy_lit **slot = NULL;
        if (k->kind == LIT_STR && k->slen == 5 && memcmp(k->s, "descr", 5) == 0) {
            slot = &descr;
        } else if (k->kind == LIT_STR && k->slen == 13 && memcmp(k->s, "fortran_order", 13) == 0) {
            slot = &fortran;
        } else if (k->kind == LIT_STR && k->slen == 5 && memcmp(k->s, "shape", 5) == 0) {
            slot = &shape;
        } else {
            rc = cu_err_malformed(err, "npy header", hoff,
                                  "header has a key other than descr, fortran_order, shape "
                                  "(numpy refuses it)");
            goto out;
        }
        if (*slot != NULL) {
            /* literal_eval keeps the last; a duplicate is a parser-differential trick */
            rc = cu_err_malformed(err, "npy header", hoff, "header repeats a key");
            goto out;
        }
        *slot = v;
    }
    if (descr == NULL || fortran == NULL || shape == NULL) {
        rc = cu_err_malformed(err, "npy header", hoff,
                              "header lacks descr, fortran_order or shape (numpy refuses it)");
        goto out;
    }
    if (fortran->kind != LIT_BOOL) {
        rc = cu_err_malformed(err, "npy header", hoff, "fortran_order is not a bool");
        goto out;
    }
    h->fortran_order = fortran->ival != 0;
    if ((rc = npy_shape_count(&ps, shape, &h->count, h->shape, &h->ndim, err, hoff)) < 0) {
        goto out;
    }
    struct npy_dt dt;
    if ((rc = npy_descr(&ps, descr, 0, &dt, err, hoff)) < 0) {
        goto out;
    }
    npy_descr_summary(&ps, descr, h->descr, sizeof(h->descr));
    h->hasobject = dt.hasobject;
    if (dt.unknown && !dt.hasobject) {
        rc = cu_err_unsupported(err, "npy header", hoff,
                                "dtype descriptor '%s' is not understood; payload not sized",
                                h->descr);
        goto out;
    }
    h->itemsize = dt.hasobject ? 0 : dt.itemsize;
    if (!dt.hasobject && __builtin_mul_overflow(h->count, h->itemsize, &h->nbytes)) {
        rc = cu_err_malformed(err, "npy header", hoff, "array size overflows 64 bits (huge shape)");
        goto out;
    }
out:
    free(ps.nodes);
    free(ps.arena);
    return rc;
}

/* ---- analyzer ---- */

static bool npy_sniff(const struct cu_sniff *in)
{
    return in->len >= NPY_MAGIC_LEN && memcmp(in->head, NPY_MAGIC, NPY_MAGIC_LEN) == 0;
}

static int npy_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    if (cu_ctx_depth(ctx) == 1) { /* the top-level file (analyze runs one level down) */
        cu_fact(ctx, "format", "numpy");
    }
    custody_error *err = cu_ctx_err(ctx);
    uint64_t size;
    int rc = cu_source_size(src, &size, err);
    if (rc < 0) {
        return rc;
    }
    /* magic + version + u32 length + the largest header we accept */
    size_t want = 12u + CU_LIMIT_NPY_HEADER;
    if (size < want) {
        want = (size_t)size;
    }
    const uint8_t *buf;
    uint8_t *owned;
    size_t got = 0;
    rc = cu_source_view(src, 0, want, &buf, &got, &owned, err);
    struct cu_npy_header h;
    if (rc == 0) {
        rc = cu_npy_parse_header(buf, got, &h, err);
    }
    free(owned);
    if (rc < 0) {
        return rc;
    }
    if (h.bad_padding || h.unaligned) {
        cu_emit(ctx, src, 8, "numpy/header-quirk", CU_SEV_DEFAULT, NULL,
                "header %s%s%s; numpy never writes this, a hand-made file is likely",
                h.bad_padding ? "is not space-padded and ended by '\\n'" : "",
                h.bad_padding && h.unaligned ? ", and " : "",
                h.unaligned ? "does not end on a 16-byte boundary" : "");
    }
    if (h.large_header) {
        cu_emit(ctx, src, 8, "numpy/header-quirk", CU_SEV_DEFAULT, NULL,
                "header is larger than numpy's default max_header_size (10000); numpy.load "
                "refuses it unless allow_pickle=True");
    }
    uint64_t left = size - h.data_off; /* data_off <= got <= size */
    if (h.hasobject) {
        cu_emit(ctx, src, h.data_off, "numpy/object-array", CU_SEV_DEFAULT, h.descr,
                "array of Python objects (dtype '%s'): its payload is a pickle that "
                "numpy.load(allow_pickle=True) unpickles",
                h.descr);
        uint64_t end = h.data_off;
        struct cu_pickle_opts po = { .single = true };
        rc = cu_pickle_scan(ctx, src, h.data_off, &po, &end);
        if (rc < 0) {
            return rc;
        }
        if (end > h.data_off && end < size) {
            cu_emit(ctx, src, end, "numpy/trailing-data", CU_SEV_DEFAULT, NULL,
                    "%llu bytes after the object array's pickle are never read by numpy.load",
                    (unsigned long long)(size - end));
        }
        return 0;
    }
    if (left < h.nbytes) {
        return cu_err_malformed(err, "npy data", h.data_off,
                                "array data truncated: shape and dtype '%s' need %llu bytes, "
                                "%llu remain",
                                h.descr, (unsigned long long)h.nbytes, (unsigned long long)left);
    }
    if (left > h.nbytes) {
        cu_emit(ctx, src, h.data_off + h.nbytes, "numpy/trailing-data", CU_SEV_DEFAULT, NULL,
                "%llu bytes after the array data (dtype '%s', %llu elements) are never read by "
                "numpy.load",
                (unsigned long long)(left - h.nbytes), h.descr, (unsigned long long)h.count);
    }
    return 0;
}

static const char *const npy_ext[] = { ".npy", NULL };
const struct cu_analyzer cu_analyzer_numpy = { "numpy", npy_ext, npy_sniff, npy_analyze };
