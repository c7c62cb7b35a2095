/* Strict TOML 1.0 parser (see toml.h). One pass over the bytes with a recursive-descent value
 * parser bounded by CU_LIMIT_TOML_DEPTH. Lines of keys/items, date-time tags and the
 * table-definition state TOML's redefinition rules need all live in one side hash map keyed by
 * (container pointer, key or index): jansson's booleans are singletons, so the containing
 * object and the key name the place, not the value. */
#include "core/toml.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

/* ---- side map ---- */

enum { M_KEYLINE = 1, M_ITEMLINE, M_KIND, M_FLAGS };

/* table flags */
#define T_IMPLICIT 0x1u  /* created as a prefix of a [header] */
#define T_DEFINED  0x2u  /* [header] or [[header]] entry */
#define T_DOTTED   0x4u  /* created by a dotted key */
#define T_INLINE   0x8u  /* inline table: frozen */
#define A_TABLES   0x10u /* array of tables (appendable by [[header]]) */

struct ment {
    const void *c;
    char *key; /* owned; NULL for index / pointer entries */
    size_t idx;
    uint32_t val;
    uint8_t type;
    uint8_t used;
};

struct cu_toml {
    json_t *root;
    struct ment *tab;
    size_t cap, n;
};

static uint64_t mhash(const void *c, const char *key, size_t idx, uint8_t type)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)c;
    h = (h ^ type) * 1099511628211ull;
    h = (h ^ (uint64_t)idx) * 1099511628211ull;
    if (key)
        for (const unsigned char *s = (const unsigned char *)key; *s; s++)
            h = (h ^ *s) * 1099511628211ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

static struct ment *
mfind(const struct cu_toml *d, const void *c, const char *key, size_t idx, uint8_t type)
{
    if (!d->cap)
        return NULL;
    size_t mask = d->cap - 1;
    for (size_t i = (size_t)mhash(c, key, idx, type) & mask;; i = (i + 1) & mask) {
        struct ment *e = &d->tab[i];
        if (!e->used)
            return e;
        if (e->c == c && e->type == type && e->idx == idx &&
            ((!key && !e->key) || (key && e->key && strcmp(key, e->key) == 0)))
            return e;
    }
}

static int mgrow(struct cu_toml *d)
{
    size_t ncap = d->cap ? d->cap * 2 : 256;
    struct ment *nt = cu_calloc(ncap, sizeof(*nt));
    if (!nt)
        return CUSTODY_ENOMEM;
    struct ment *old = d->tab;
    size_t ocap = d->cap;
    d->tab = nt;
    d->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].used)
            continue;
        struct ment *e = mfind(d, old[i].c, old[i].key, old[i].idx, old[i].type);
        *e = old[i];
    }
    free(old);
    return 0;
}

static int
mset(struct cu_toml *d, const void *c, const char *key, size_t idx, uint8_t type, uint32_t val)
{
    if ((d->n + 1) * 4 >= d->cap * 3 && mgrow(d) != 0)
        return CUSTODY_ENOMEM;
    struct ment *e = mfind(d, c, key, idx, type);
    if (!e->used) {
        char *k = NULL;
        if (key && !(k = cu_strdup(key)))
            return CUSTODY_ENOMEM;
        e->c = c;
        e->key = k;
        e->idx = idx;
        e->type = type;
        e->used = 1;
        d->n++;
    }
    e->val = val;
    return 0;
}

static uint32_t
mget(const struct cu_toml *d, const void *c, const char *key, size_t idx, uint8_t type)
{
    if (!d || !c)
        return 0;
    const struct ment *e = mfind(d, c, key, idx, type);
    return e && e->used ? e->val : 0;
}

/* ---- public accessors ---- */

const json_t *cu_toml_root(const struct cu_toml *doc)
{
    return doc ? doc->root : NULL;
}

uint32_t cu_toml_key_line(const struct cu_toml *doc, const json_t *table, const char *key)
{
    if (!key)
        return 0;
    return mget(doc, table, key, 0, M_KEYLINE);
}

uint32_t cu_toml_item_line(const struct cu_toml *doc, const json_t *array, size_t index)
{
    return mget(doc, array, NULL, index, M_ITEMLINE);
}

enum cu_toml_kind cu_toml_kind(const struct cu_toml *doc, const json_t *value)
{
    if (!value || !json_is_string(value))
        return CU_TOML_OTHER;
    return (enum cu_toml_kind)mget(doc, value, NULL, 0, M_KIND);
}

void cu_toml_free(struct cu_toml *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->cap; i++)
        if (doc->tab[i].used)
            free(doc->tab[i].key);
    free(doc->tab);
    json_decref(doc->root);
    free(doc);
}

/* ---- parser ---- */

struct ps {
    const uint8_t *s;
    size_t len, pos;
    uint32_t line;
    struct cu_toml *doc;
    custody_error *err;
};

#define MAXKEYS CU_LIMIT_TOML_DEPTH

static int perr(struct ps *p, const char *what)
{
    return cu_err_malformed(p->err, "toml", p->pos, "line %u: %s", (unsigned)p->line, what);
}

static int peek(const struct ps *p)
{
    return p->pos < p->len ? p->s[p->pos] : -1;
}

static int peek_at(const struct ps *p, size_t k)
{
    return k < p->len - p->pos ? p->s[p->pos + k] : -1;
}

static void skip_ws(struct ps *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
        p->pos++;
}

/* A comment from '#' to the end of the line (not consuming the newline). */
static int skip_comment(struct ps *p)
{
    if (peek(p) != '#')
        return 0;
    p->pos++;
    while (p->pos < p->len) {
        uint8_t c = p->s[p->pos];
        if (c == '\n' || (c == '\r' && peek_at(p, 1) == '\n'))
            return 0;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return perr(p, "control character in comment");
        p->pos++;
    }
    return 0;
}

/* Consumes one newline if there is one; returns 1 when consumed, 0 at none, <0 on bare CR. */
static int eat_newline(struct ps *p)
{
    int c = peek(p);
    if (c == '\n') {
        p->pos++;
        p->line++;
        return 1;
    }
    if (c == '\r') {
        if (peek_at(p, 1) != '\n')
            return perr(p, "bare carriage return");
        p->pos += 2;
        p->line++;
        return 1;
    }
    return 0;
}

/* Whitespace, comments and newlines (inside arrays). */
static int skip_wscnl(struct ps *p)
{
    for (;;) {
        skip_ws(p);
        int rc = skip_comment(p);
        if (rc)
            return rc;
        rc = eat_newline(p);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return 0;
    }
}

/* UTF-8 validation of the whole document (overlongs, surrogates, > U+10FFFF rejected). */
static bool utf8_valid(const uint8_t *s, size_t n, size_t *bad)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            k = 1;
            cp = c & 0x1fu;
        } else if (c >= 0xe0 && c <= 0xef) {
            k = 2;
            cp = c & 0x0fu;
        } else if (c >= 0xf0 && c <= 0xf4) {
            k = 3;
            cp = c & 0x07u;
        } else {
            *bad = i;
            return false;
        }
        if (k > n - i - 1) {
            *bad = i;
            return false;
        }
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80) {
                *bad = i;
                return false;
            }
            cp = (cp << 6) | (s[i + j] & 0x3fu);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff)) {
            *bad = i;
            return false;
        }
        i += k + 1;
    }
    return true;
}

static void utf8_put(struct cu_buf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        o[0] = (char)(0xf0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    cu_buf_add(b, o, n);
}

/* Parses a string starting at a quote into `b` (NUL-terminated via cu_buf_str). `allow_multi`:
 * values may be multi-line; keys may not. */
static int parse_string(struct ps *p, struct cu_buf *b, bool allow_multi)
{
    uint8_t q = p->s[p->pos];
    bool multi = false;
    if (allow_multi && peek_at(p, 1) == q && peek_at(p, 2) == q) {
        multi = true;
        p->pos += 3;
        /* a newline right after the opening delimiter is trimmed */
        int rc = eat_newline(p);
        if (rc < 0)
            return rc;
    } else {
        p->pos++;
    }
    for (;;) {
        if (p->pos >= p->len)
            return perr(p, "unterminated string");
        uint8_t c = p->s[p->pos];
        if (c == q) {
            if (!multi) {
                p->pos++;
                break;
            }
            size_t run = 0;
            while (peek_at(p, run) == q)
                run++;
            if (run >= 3) {
                if (run > 5)
                    return perr(p, "too many quotes closing a multi-line string");
                for (size_t i = 0; i < run - 3; i++)
                    cu_buf_addc(b, (char)q);
                p->pos += run;
                break;
            }
            for (size_t i = 0; i < run; i++)
                cu_buf_addc(b, (char)q);
            p->pos += run;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (!multi)
                return perr(p, "newline in a single-line string");
            int rc = eat_newline(p);
            if (rc < 0)
                return rc;
            cu_buf_addc(b, '\n');
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return perr(p, "control character in string");
        if (c == '\\' && q == '"') {
            int e = peek_at(p, 1);
            p->pos += 2;
            switch (e) {
            case 'b':
                cu_buf_addc(b, '\b');
                break;
            case 't':
                cu_buf_addc(b, '\t');
                break;
            case 'n':
                cu_buf_addc(b, '\n');
                break;
            case 'f':
                cu_buf_addc(b, '\f');
                break;
            case 'r':
                cu_buf_addc(b, '\r');
                break;
            case '"':
                cu_buf_addc(b, '"');
                break;
            case '\\':
                cu_buf_addc(b, '\\');
                break;
            case 'u':
            case 'U': {
                size_t nd = e == 'u' ? 4 : 8;
                if (nd > p->len - p->pos)
                    return perr(p, "short unicode escape");
                uint32_t cp = 0;
                for (size_t i = 0; i < nd; i++) {
                    int h = cu_hexval(p->s[p->pos + i]);
                    if (h < 0)
                        return perr(p, "bad unicode escape");
                    if (cp > 0x10ffffu)
                        return perr(p, "unicode escape out of range");
                    cp = (cp << 4) | (uint32_t)h;
                }
                if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                    return perr(p, "unicode escape is not a scalar value");
                p->pos += nd;
                utf8_put(b, cp);
                break;
            }
            case ' ':
            case '\t':
            case '\n':
            case '\r': {
                if (!multi)
                    return perr(p, "bad escape");
                /* line-ending backslash: only whitespace may follow it on its line */
                p->pos--;
                skip_ws(p);
                int rc = eat_newline(p);
                if (rc < 0)
                    return rc;
                if (rc == 0)
                    return perr(p, "backslash followed by text on the line");
                for (;;) {
                    skip_ws(p);
                    rc = eat_newline(p);
                    if (rc < 0)
                        return rc;
                    if (rc == 0)
                        break;
                }
                break;
            }
            default:
                return perr(p, "bad escape");
            }
            continue;
        }
        cu_buf_addc(b, (char)c);
        p->pos++;
    }
    if (b->oom || b->cut)
        return cu_err_nomem(p->err);
    return 0;
}

static bool is_bare(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

struct keypath {
    char *k[MAXKEYS];
    size_t n;
};

static void keypath_free(struct keypath *kp)
{
    for (size_t i = 0; i < kp->n; i++)
        free(kp->k[i]);
    kp->n = 0;
}

/* Parses a (dotted) key; stops after trailing whitespace. */
static int parse_key(struct ps *p, struct keypath *kp)
{
    kp->n = 0;
    for (;;) {
        skip_ws(p);
        if (kp->n >= MAXKEYS)
            return cu_err_limit(p->err, "toml", p->pos, "line %u: too many dotted key parts",
                                (unsigned)p->line);
        int c = peek(p);
        char *k = NULL;
        if (c == '"' || c == '\'') {
            struct cu_buf b = CU_BUF_INIT(CU_LIMIT_TOML);
            int rc = parse_string(p, &b, false);
            if (rc) {
                cu_buf_free(&b);
                return rc;
            }
            if (strlen(cu_buf_str(&b)) != b.len) {
                /* jansson keys are C strings: refuse rather than silently truncate */
                cu_buf_free(&b);
                return cu_err_unsupported(p->err, "toml", p->pos, "line %u: key with a NUL",
                                          (unsigned)p->line);
            }
            k = cu_strdup(cu_buf_str(&b));
            cu_buf_free(&b);
        } else if (is_bare(c)) {
            size_t st = p->pos;
            while (is_bare(peek(p)))
                p->pos++;
            k = cu_strndup((const char *)p->s + st, p->pos - st);
        } else {
            return perr(p, "expected a key");
        }
        if (!k)
            return cu_err_nomem(p->err);
        kp->k[kp->n++] = k;
        skip_ws(p);
        if (peek(p) != '.')
            return 0;
        p->pos++;
    }
}

static uint32_t flags_of(struct ps *p, const json_t *t)
{
    return mget(p->doc, t, NULL, 0, M_FLAGS);
}

static int set_flags(struct ps *p, const json_t *t, uint32_t f)
{
    if (mset(p->doc, t, NULL, 0, M_FLAGS, f))
        return cu_err_nomem(p->err);
    return 0;
}

/* Adds `v` (reference stolen) under `key` of object `t`, recording its line. */
static int put_key(struct ps *p, json_t *t, const char *key, json_t *v, uint32_t line)
{
    if (!v)
        return cu_err_nomem(p->err);
    if (json_object_set_new(t, key, v) != 0)
        return cu_err_nomem(p->err);
    if (mset(p->doc, t, key, 0, M_KEYLINE, line))
        return cu_err_nomem(p->err);
    return 0;
}

static int append_item(struct ps *p, json_t *a, json_t *v, uint32_t line)
{
    if (!v)
        return cu_err_nomem(p->err);
    size_t i = json_array_size(a);
    if (json_array_append_new(a, v) != 0)
        return cu_err_nomem(p->err);
    if (mset(p->doc, a, NULL, i, M_ITEMLINE, line))
        return cu_err_nomem(p->err);
    return 0;
}

static int parse_value(struct ps *p, json_t **out, unsigned depth);

static bool all_digits(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

static unsigned dig2(const uint8_t *s)
{
    return (unsigned)(s[0] - '0') * 10u + (unsigned)(s[1] - '0');
}

/* Date "YYYY-MM-DD" at s (10 bytes available, checked by caller). */
static bool valid_date(const uint8_t *s)
{
    if (!all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
        !all_digits(s + 8, 2))
        return false;
    unsigned y = dig2(s) * 100u + dig2(s + 2), m = dig2(s + 5), d = dig2(s + 8);
    static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m < 1 || m > 12 || d < 1)
        return false;
    unsigned md = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        md = 29;
    return d <= md;
}

/* Time "HH:MM:SS(.frac)?" at s, n bytes; returns length consumed or 0. */
static size_t valid_time(const uint8_t *s, size_t n)
{
    if (n < 8 || !all_digits(s, 2) || s[2] != ':' || !all_digits(s + 3, 2) || s[5] != ':' ||
        !all_digits(s + 6, 2))
        return 0;
    if (dig2(s) > 23 || dig2(s + 3) > 59 || dig2(s + 6) > 60)
        return 0;
    size_t i = 8;
    if (i < n && s[i] == '.') {
        i++;
        size_t st = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == st)
            return 0;
    }
    return i;
}

/* Decimal digits with single underscores between digits; returns false on a bad layout. */
static bool digits_us(const uint8_t *s, size_t n, bool (*isd)(uint8_t))
{
    if (n == 0 || !isd(s[0]) || !isd(s[n - 1]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (s[i] == '_' ? (s[i - 1] == '_') : !isd(s[i]))
            return false;
    return true;
}

static bool isdec(uint8_t c)
{
    return c >= '0' && c <= '9';
}
static bool ishex(uint8_t c)
{
    return cu_hexval(c) >= 0;
}
static bool isoct(uint8_t c)
{
    return c >= '0' && c <= '7';
}
static bool isbin(uint8_t c)
{
    return c == '0' || c == '1';
}

static int
tag_string(struct ps *p, json_t **out, const uint8_t *s, size_t n, enum cu_toml_kind kind)
{
    json_t *v = json_stringn((const char *)s, n);
    if (!v)
        return cu_err_nomem(p->err);
    if (mset(p->doc, v, NULL, 0, M_KIND, (uint32_t)kind)) {
        json_decref(v);
        return cu_err_nomem(p->err);
    }
    *out = v;
    return 0;
}

/* Numbers, booleans, inf/nan, date-times. */
static int parse_scalar(struct ps *p, json_t **out)
{
    const uint8_t *s = p->s + p->pos;
    size_t avail = p->len - p->pos, n = 0;
    while (n < avail && (is_bare(s[n]) || s[n] == '+' || s[n] == '.' || s[n] == ':'))
        n++;
    if (n == 0)
        return perr(p, "expected a value");
    /* date / date-time / time */
    if (n >= 10 && s[4] == '-' && valid_date(s)) {
        size_t i = 10;
        enum cu_toml_kind kind = CU_TOML_DATE_LOCAL;
        /* "T"/"t" or a single space followed by a time */
        if (i < avail && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
            size_t tl = valid_time(s + i + 1, avail - i - 1);
            if (tl) {
                i += 1 + tl;
                kind = CU_TOML_DATETIME_LOCAL;
                if (i < avail && (s[i] == 'Z' || s[i] == 'z')) {
                    i++;
                    kind = CU_TOML_DATETIME;
                } else if (i < avail && (s[i] == '+' || s[i] == '-')) {
                    if (6 > avail - i || !all_digits(s + i + 1, 2) || s[i + 3] != ':' ||
                        !all_digits(s + i + 4, 2) || dig2(s + i + 1) > 23 || dig2(s + i + 4) > 59)
                        return perr(p, "bad time offset");
                    i += 6;
                    kind = CU_TOML_DATETIME;
                }
            } else if (s[i] != ' ') {
                return perr(p, "bad date-time");
            }
        }
        if (i < avail && (is_bare(s[i]) || s[i] == '.' || s[i] == ':' || s[i] == '+'))
            return perr(p, "bad date-time");
        p->pos += i;
        return tag_string(p, out, s, i, kind);
    }
    if (n >= 3 && s[2] == ':') {
        size_t tl = valid_time(s, avail);
        if (!tl || tl != n)
            return perr(p, "bad time");
        p->pos += tl;
        return tag_string(p, out, s, tl, CU_TOML_TIME_LOCAL);
    }
    p->pos += n;
    if (n == 4 && memcmp(s, "true", 4) == 0) {
        *out = json_true();
        return 0;
    }
    if (n == 5 && memcmp(s, "false", 5) == 0) {
        *out = json_false();
        return 0;
    }
    {
        size_t o = (s[0] == '+' || s[0] == '-') ? 1 : 0;
        if (n - o == 3 && (memcmp(s + o, "inf", 3) == 0 || memcmp(s + o, "nan", 3) == 0))
            return tag_string(p, out, s, n, CU_TOML_FLOAT_SPECIAL);
    }
    /* integers in base 16/8/2 */
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
        bool (*isd)(uint8_t) = s[1] == 'x' ? ishex : s[1] == 'o' ? isoct : isbin;
        unsigned base = s[1] == 'x' ? 16u : s[1] == 'o' ? 8u : 2u;
        if (!digits_us(s + 2, n - 2, isd))
            return perr(p, "bad integer");
        uint64_t v = 0;
        for (size_t i = 2; i < n; i++) {
            if (s[i] == '_')
                continue;
            uint64_t d = (uint64_t)cu_hexval(s[i]);
            if (v > (UINT64_C(0x7fffffffffffffff) - d) / base)
                return perr(p, "integer out of range");
            v = v * base + d;
        }
        *out = json_integer((json_int_t)v);
        return *out ? 0 : cu_err_nomem(p->err);
    }
    /* decimal integer or float */
    size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    size_t ist = i;
    while (i < n && (isdec(s[i]) || s[i] == '_'))
        i++;
    if (!digits_us(s + ist, i - ist, isdec))
        return perr(p, "bad number");
    if (i - ist > 1 && s[ist] == '0')
        return perr(p, "leading zero");
    bool isfloat = false;
    if (i < n && s[i] == '.') {
        isfloat = true;
        size_t fst = ++i;
        while (i < n && (isdec(s[i]) || s[i] == '_'))
            i++;
        if (!digits_us(s + fst, i - fst, isdec))
            return perr(p, "bad fraction");
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        isfloat = true;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t est = i;
        while (i < n && (isdec(s[i]) || s[i] == '_'))
            i++;
        if (!digits_us(s + est, i - est, isdec))
            return perr(p, "bad exponent");
    }
    if (i != n)
        return perr(p, "bad value");
    char tmp[128];
    size_t t = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '_')
            continue;
        if (t + 1 >= sizeof(tmp))
            return perr(p, "number too long");
        tmp[t++] = (char)s[k];
    }
    tmp[t] = '\0';
    if (isfloat) {
        errno = 0;
        double d = strtod(tmp, NULL);
        if (!isfinite(d))
            return perr(p, "float out of range");
        *out = json_real(d);
    } else {
        errno = 0;
        long long v = strtoll(tmp, NULL, 10);
        if (errno == ERANGE)
            return perr(p, "integer out of range");
        *out = json_integer((json_int_t)v);
    }
    return *out ? 0 : cu_err_nomem(p->err);
}

static int parse_array(struct ps *p, json_t **out, unsigned depth)
{
    json_t *a = json_array();
    int rc;
    if (!a)
        return cu_err_nomem(p->err);
    p->pos++; /* [ */
    for (;;) {
        if ((rc = skip_wscnl(p)))
            goto fail;
        if (peek(p) == ']') {
            p->pos++;
            break;
        }
        uint32_t line = p->line;
        json_t *v = NULL;
        if ((rc = parse_value(p, &v, depth + 1)))
            goto fail;
        if ((rc = append_item(p, a, v, line)))
            goto fail;
        if ((rc = skip_wscnl(p)))
            goto fail;
        if (peek(p) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p) == ']') {
            p->pos++;
            break;
        }
        rc = perr(p, "expected ',' or ']' in array");
        goto fail;
    }
    *out = a;
    return 0;
fail:
    json_decref(a);
    return rc;
}

/* Sets `kp` = value in table `t`, creating dotted tables; `inl`: inside an inline table. */
static int set_dotted(struct ps *p, json_t *t, struct keypath *kp, json_t *v, uint32_t line)
{
    for (size_t i = 0; i + 1 < kp->n; i++) {
        json_t *c = json_object_get(t, kp->k[i]);
        if (!c) {
            c = json_object();
            int rc = put_key(p, t, kp->k[i], c, line);
            if (rc) {
                json_decref(v);
                return rc;
            }
            if ((rc = set_flags(p, c, T_DOTTED))) {
                json_decref(v);
                return rc;
            }
        } else if (!json_is_object(c) || (flags_of(p, c) & (T_INLINE | T_DEFINED | T_IMPLICIT)) ||
                   !(flags_of(p, c) & T_DOTTED)) {
            json_decref(v);
            return perr(p, "dotted key redefines a value or table");
        }
        t = c;
    }
    if (json_object_get(t, kp->k[kp->n - 1])) {
        json_decref(v);
        return perr(p, "duplicate key");
    }
    return put_key(p, t, kp->k[kp->n - 1], v, line);
}

static int parse_inline_table(struct ps *p, json_t **out, unsigned depth)
{
    json_t *t = json_object();
    struct keypath kp = { 0 };
    int rc;
    if (!t)
        return cu_err_nomem(p->err);
    p->pos++; /* { */
    skip_ws(p);
    if (peek(p) == '}') {
        p->pos++;
        goto done;
    }
    for (;;) {
        uint32_t line = p->line;
        if ((rc = parse_key(p, &kp)))
            goto fail;
        if (depth + kp.n > CU_LIMIT_TOML_DEPTH) {
            rc = cu_err_limit(p->err, "toml", p->pos, "line %u: nesting too deep",
                              (unsigned)p->line);
            goto fail;
        }
        if (peek(p) != '=') {
            rc = perr(p, "expected '=' after key");
            goto fail;
        }
        p->pos++;
        skip_ws(p);
        json_t *v = NULL;
        if ((rc = parse_value(p, &v, depth + (unsigned)kp.n)))
            goto fail;
        if ((rc = set_dotted(p, t, &kp, v, line)))
            goto fail;
        keypath_free(&kp);
        skip_ws(p);
        if (peek(p) == ',') {
            p->pos++;
            skip_ws(p);
            if (peek(p) == '}') {
                rc = perr(p, "trailing comma in inline table");
                goto fail;
            }
            continue;
        }
        if (peek(p) == '}') {
            p->pos++;
            break;
        }
        rc = perr(p, "expected ',' or '}' in inline table");
        goto fail;
    }
done:
    if ((rc = set_flags(p, t, T_INLINE)))
        goto fail;
    *out = t;
    return 0;
fail:
    keypath_free(&kp);
    json_decref(t);
    return rc;
}

static int parse_value(struct ps *p, json_t **out, unsigned depth)
{
    if (depth > CU_LIMIT_TOML_DEPTH)
        return cu_err_limit(p->err, "toml", p->pos, "line %u: nesting too deep", (unsigned)p->line);
    int c = peek(p);
    if (c == '"' || c == '\'') {
        struct cu_buf b = CU_BUF_INIT(CU_LIMIT_TOML);
        int rc = parse_string(p, &b, true);
        if (rc == 0) {
            *out = json_stringn(cu_buf_str(&b), b.len);
            if (!*out)
                rc = cu_err_nomem(p->err);
        }
        cu_buf_free(&b);
        return rc;
    }
    if (c == '[')
        return parse_array(p, out, depth);
    if (c == '{')
        return parse_inline_table(p, out, depth);
    return parse_scalar(p, out);
}

/* After a keyval or header: whitespace, optional comment, newline or end. */
static int end_of_line(struct ps *p)
{
    skip_ws(p);
    int rc = skip_comment(p);
    if (rc)
        return rc;
    if (p->pos >= p->len)
        return 0;
    rc = eat_newline(p);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return perr(p, "expected end of line");
    return 0;
}

/* [a.b.c] or [[a.b.c]]: returns the table to fill in *cur. */
static int parse_header(struct ps *p, json_t **cur)
{
    bool aot = peek_at(p, 1) == '[';
    uint32_t line = p->line;
    struct keypath kp = { 0 };
    int rc;
    p->pos += aot ? 2 : 1;
    if ((rc = parse_key(p, &kp)))
        goto out; /* keypath_free at out */
    if (peek(p) != ']' || (aot && peek_at(p, 1) != ']')) {
        rc = perr(p, "expected ']' closing a table header");
        goto out;
    }
    p->pos += aot ? 2 : 1;
    json_t *t = p->doc->root;
    for (size_t i = 0; i + 1 < kp.n; i++) {
        json_t *c = json_object_get(t, kp.k[i]);
        if (!c) {
            c = json_object();
            if ((rc = put_key(p, t, kp.k[i], c, line)) || (rc = set_flags(p, c, T_IMPLICIT)))
                goto out;
        } else if (json_is_array(c)) {
            if (!(flags_of(p, c) & A_TABLES) || json_array_size(c) == 0) {
                rc = perr(p, "table header goes through a static array");
                goto out;
            }
            c = json_array_get(c, json_array_size(c) - 1);
        } else if (!json_is_object(c) || (flags_of(p, c) & T_INLINE)) {
            rc = perr(p, "table header goes through a value or inline table");
            goto out;
        }
        t = c;
    }
    const char *last = kp.k[kp.n - 1];
    json_t *c = json_object_get(t, last);
    if (aot) {
        if (!c) {
            c = json_array();
            if ((rc = put_key(p, t, last, c, line)) || (rc = set_flags(p, c, A_TABLES)))
                goto out;
        } else if (!json_is_array(c) || !(flags_of(p, c) & A_TABLES)) {
            rc = perr(p, "array of tables redefines a value");
            goto out;
        }
        json_t *e = json_object();
        if ((rc = append_item(p, c, e, line)) || (rc = set_flags(p, e, T_DEFINED)))
            goto out;
        *cur = e;
    } else {
        if (!c) {
            c = json_object();
            if ((rc = put_key(p, t, last, c, line)) || (rc = set_flags(p, c, T_DEFINED)))
                goto out;
        } else {
            uint32_t f = json_is_object(c) ? flags_of(p, c) : 0;
            if (!json_is_object(c) || (f & (T_DEFINED | T_DOTTED | T_INLINE)) ||
                !(f & T_IMPLICIT)) {
                rc = perr(p, "table redefined");
                goto out;
            }
            if ((rc = set_flags(p, c, f | T_DEFINED)))
                goto out;
            /* the key now names the line where the table is defined */
            if (mset(p->doc, t, last, 0, M_KEYLINE, line)) {
                rc = cu_err_nomem(p->err);
                goto out;
            }
        }
        *cur = c;
    }
    rc = end_of_line(p);
out:
    keypath_free(&kp);
    return rc;
}

int cu_toml_parse(const uint8_t *data, size_t len, struct cu_toml **out, custody_error *err)
{
    int rc;
    *out = NULL;
    if (len > CU_LIMIT_TOML)
        return cu_err_limit(err, "toml", 0, "TOML document of %zu bytes over the limit", len);
    struct cu_toml *doc = cu_calloc(1, sizeof(*doc));
    if (!doc || !(doc->root = json_object())) {
        free(doc);
        return cu_err_nomem(err);
    }
    struct ps p = { .s = data, .len = len, .line = 1, .doc = doc, .err = err };
    size_t bad = 0;
    if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
        p.pos = 3;
    if (!utf8_valid(data, len, &bad)) {
        p.pos = bad;
        for (size_t i = 0; i < bad; i++)
            if (data[i] == '\n')
                p.line++;
        rc = perr(&p, "invalid UTF-8");
        goto fail;
    }
    json_t *cur = doc->root;
    struct keypath kp = { 0 };
    while (p.pos < p.len) {
        skip_ws(&p);
        if ((rc = skip_comment(&p)))
            goto fail;
        rc = eat_newline(&p);
        if (rc < 0)
            goto fail;
        if (rc == 1 || p.pos >= p.len)
            continue;
        if (peek(&p) == '[') {
            if ((rc = parse_header(&p, &cur)))
                goto fail;
            continue;
        }
        uint32_t line = p.line;
        if ((rc = parse_key(&p, &kp))) {
            keypath_free(&kp);
            goto fail;
        }
        if (peek(&p) != '=') {
            keypath_free(&kp);
            rc = perr(&p, "expected '=' after key");
            goto fail;
        }
        p.pos++;
        skip_ws(&p);
        json_t *v = NULL;
        if ((rc = parse_value(&p, &v, (unsigned)kp.n)) ||
            (rc = set_dotted(&p, cur, &kp, v, line))) {
            keypath_free(&kp);
            goto fail;
        }
        keypath_free(&kp);
        if ((rc = end_of_line(&p)))
            goto fail;
    }
    *out = doc;
    return 0;
fail:
    cu_toml_free(doc);
    return rc;
}
