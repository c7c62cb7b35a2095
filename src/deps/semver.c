/* npm semver: versions, precedence and node-semver ranges (see versions.h). The range parser
 * is a direct reading of the grammar in node-semver's README ("Range Grammar") and of its
 * desugaring rules, written from the specification, not from its code. */
#include <stdlib.h>
#include <string.h>

#include "deps/versions.h"
#include "core/banned.h"

#define SV_MAX_SAFE UINT64_C(9007199254740991) /* Number.MAX_SAFE_INTEGER */
#define SV_MAX_SETS 64u
#define SV_MAX_CMPS 64u

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_ident_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* Reads a numeric identifier at *p; strict forbids leading zeros. */
static bool read_num(const char **p, bool loose, uint64_t *out)
{
    const char *s = *p;
    if (!is_digit(*s)) {
        return false;
    }
    if (!loose && s[0] == '0' && is_digit(s[1])) {
        return false;
    }
    uint64_t v = 0;
    while (is_digit(*s)) {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > SV_MAX_SAFE) {
            return false;
        }
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

/* Reads dot-separated identifiers ([0-9A-Za-z-]+) into out (prerelease: numeric identifiers
 * without leading zeros unless loose; build: anything). */
static bool read_idents(const char **p, bool numeric_rule, bool loose, char *out, size_t cap)
{
    const char *s = *p;
    size_t n = 0;
    for (;;) {
        const char *start = s;
        bool all_digits = true;
        while (is_ident_char(*s)) {
            all_digits = all_digits && is_digit(*s);
            s++;
        }
        size_t len = (size_t)(s - start);
        if (len == 0) {
            return false;
        }
        if (numeric_rule && !loose && all_digits && len > 1 && start[0] == '0') {
            return false;
        }
        if (out != NULL) {
            if (len + 2 > cap - n) {
                return false;
            }
            if (n > 0) {
                out[n++] = '.';
            }
            memcpy(out + n, start, len);
            n += len;
            out[n] = '\0';
        }
        if (*s != '.') {
            break;
        }
        s++;
    }
    *p = s;
    return true;
}

bool cu_semver_parse(const char *s, bool loose, struct cu_semver *out)
{
    memset(out, 0, sizeof(*out));
    if (s == NULL || strlen(s) > CU_SEMVER_MAX_LEN) {
        return false;
    }
    while (is_space(*s)) {
        s++;
    }
    if (loose) {
        while (*s == '=' || *s == 'v' || is_space(*s)) {
            s++;
        }
    } else if (*s == 'v') {
        s++;
    }
    for (int i = 0; i < 3; i++) {
        if (i > 0 && *s++ != '.') {
            return false;
        }
        if (!read_num(&s, loose, &out->num[i])) {
            return false;
        }
    }
    if (*s == '-' || (loose && is_ident_char(*s))) {
        if (*s == '-') {
            s++;
        }
        if (!read_idents(&s, true, loose, out->pre, sizeof(out->pre))) {
            return false;
        }
    }
    if (*s == '+') {
        s++;
        if (!read_idents(&s, false, true, NULL, 0)) {
            return false;
        }
    }
    while (is_space(*s)) {
        s++;
    }
    return *s == '\0';
}

static bool ident_numeric(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) {
            return false;
        }
    }
    return n > 0;
}

int cu_ver_dotted_cmp(const char *a, const char *b, bool num_high)
{
    for (;;) {
        size_t na = strcspn(a, "."), nb = strcspn(b, ".");
        bool da = ident_numeric(a, na), db = ident_numeric(b, nb);
        int c;
        if (da && db) {
            /* compare by length then digits, leading zeros aside */
            const char *pa = a, *pb = b;
            size_t la = na, lb = nb;
            while (la > 1 && *pa == '0') {
                pa++;
                la--;
            }
            while (lb > 1 && *pb == '0') {
                pb++;
                lb--;
            }
            c = la != lb ? (la < lb ? -1 : 1) : memcmp(pa, pb, la);
        } else if (da != db) {
            c = da == num_high ? 1 : -1;
        } else {
            size_t m = na < nb ? na : nb;
            c = memcmp(a, b, m);
            if (c == 0) {
                c = na < nb ? -1 : (na > nb ? 1 : 0);
            }
        }
        if (c != 0) {
            return c < 0 ? -1 : 1;
        }
        a += na;
        b += nb;
        if (*a == '\0' || *b == '\0') {
            return (*a != '\0') - (*b != '\0');
        }
        a++;
        b++;
    }
}

static int cmp_pre(const char *a, const char *b)
{
    if (a[0] == '\0' || b[0] == '\0') {
        return (a[0] == '\0') - (b[0] == '\0'); /* no prerelease ranks higher */
    }
    return cu_ver_dotted_cmp(a, b, false);
}

int cu_semver_cmp(const struct cu_semver *a, const struct cu_semver *b)
{
    for (int i = 0; i < 3; i++) {
        if (a->num[i] != b->num[i]) {
            return a->num[i] < b->num[i] ? -1 : 1;
        }
    }
    return cmp_pre(a->pre, b->pre);
}

bool cu_semver_compare_str(const char *a, const char *b, int *out)
{
    struct cu_semver va, vb;
    if (!cu_semver_parse(a, false, &va) || !cu_semver_parse(b, false, &vb)) {
        return false;
    }
    *out = cu_semver_cmp(&va, &vb);
    return true;
}

/* ---- ranges ---- */

enum sv_op { OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };

struct sv_cmp {
    enum sv_op op;
    struct cu_semver v;
};

struct sv_set {
    struct sv_cmp c[SV_MAX_CMPS];
    size_t n;
    bool never;   /* "<0.0.0-0": nothing matches */
    bool removed; /* loose: no comparator parsed; the alternative is dropped */
};

/* A partial version: up to three parts, each a number or X (missing parts are X). */
struct sv_partial {
    bool x[3];
    uint64_t num[3];
    char pre[CU_SEMVER_MAX_LEN + 1];
};

static bool read_partial(const char **p, bool loose, struct sv_partial *out)
{
    const char *s = *p;
    memset(out, 0, sizeof(*out));
    while (*s == 'v' || *s == '=' || is_space(*s)) {
        s++;
    }
    int parts = 0;
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            if (*s != '.') {
                break;
            }
            s++;
        }
        if (*s == 'x' || *s == 'X' || *s == '*') {
            out->x[i] = true;
            s++;
        } else if (!read_num(&s, loose, &out->num[i])) {
            return false;
        }
        parts++;
    }
    for (int i = parts; i < 3; i++) {
        out->x[i] = true;
    }
    if (parts == 3 && (*s == '-' || (loose && is_ident_char(*s)))) {
        if (*s == '-') {
            s++;
        }
        if (!read_idents(&s, true, loose, out->pre, sizeof(out->pre))) {
            return false;
        }
    }
    if (*s == '+') { /* build metadata is ignored wherever it appears */
        s++;
        if (!read_idents(&s, false, true, NULL, 0)) {
            return false;
        }
    }
    /* an X may only be followed by X (node-semver: invalid x-range order) */
    if ((out->x[0] && !out->x[1]) || (out->x[1] && !out->x[2])) {
        return false;
    }
    *p = s;
    return true;
}

static bool
set_add(struct sv_set *st, enum sv_op op, uint64_t M, uint64_t m, uint64_t pt, const char *pre)
{
    if (st->n >= SV_MAX_CMPS || M > SV_MAX_SAFE || m > SV_MAX_SAFE || pt > SV_MAX_SAFE) {
        return false;
    }
    struct sv_cmp *c = &st->c[st->n++];
    c->op = op;
    c->v.num[0] = M;
    c->v.num[1] = m;
    c->v.num[2] = pt;
    size_t n = strlen(pre);
    if (n >= sizeof(c->v.pre)) {
        return false;
    }
    memcpy(c->v.pre, pre, n + 1);
    return true;
}

/* Desugars one comparator token (operator + partial) into st. */
static bool add_token(struct sv_set *st, const char *tok, unsigned flags)
{
    bool loose = (flags & CU_SEMVER_LOOSE) != 0;
    const char *z = (flags & CU_SEMVER_INCLUDE_PRE) ? "0" : "";
    const char *s = tok;
    enum { K_PLAIN, K_TILDE, K_CARET } kind = K_PLAIN;
    const char *gtlt = "";
    if (s[0] == '~') {
        kind = K_TILDE;
        s += s[1] == '>' ? 2 : 1;
    } else if (s[0] == '^') {
        kind = K_CARET;
        s++;
    } else if (s[0] == '<' || s[0] == '>') {
        gtlt = s[1] == '=' ? (s[0] == '<' ? "<=" : ">=") : (s[0] == '<' ? "<" : ">");
        s += s[1] == '=' ? 2 : 1;
    } else if (s[0] == '=') {
        gtlt = "=";
        s++;
    }
    struct sv_partial pv;
    if (!read_partial(&s, loose, &pv) || *s != '\0') {
        return false;
    }
    uint64_t M = pv.num[0], m = pv.num[1], p = pv.num[2];
    bool xM = pv.x[0], xm = pv.x[1], xp = pv.x[2];
    if (kind == K_TILDE || kind == K_CARET) {
        if (xM) {
            return true; /* any */
        }
        if (xm) {
            return set_add(st, OP_GE, M, 0, 0, z) && set_add(st, OP_LT, M + 1, 0, 0, "0");
        }
        if (xp) {
            if (kind == K_TILDE || M == 0) {
                return set_add(st, OP_GE, M, m, 0, z) && set_add(st, OP_LT, M, m + 1, 0, "0");
            }
            return set_add(st, OP_GE, M, m, 0, z) && set_add(st, OP_LT, M + 1, 0, 0, "0");
        }
        if (!set_add(st, OP_GE, M, m, p, pv.pre)) {
            return false;
        }
        if (kind == K_TILDE || (M == 0 && m != 0)) {
            return set_add(st, OP_LT, M, m + 1, 0, "0");
        }
        if (M == 0) {
            return set_add(st, OP_LT, M, m, p + 1, "0");
        }
        return set_add(st, OP_LT, M + 1, 0, 0, "0");
    }
    bool anyx = xp;
    if (strcmp(gtlt, "=") == 0 && anyx) {
        gtlt = "";
    }
    if (xM) {
        if (strcmp(gtlt, ">") == 0 || strcmp(gtlt, "<") == 0) {
            st->never = true;
        }
        return true;
    }
    if (gtlt[0] != '\0' && anyx) {
        if (xm) {
            m = 0;
        }
        p = 0;
        const char *pre = z;
        if (strcmp(gtlt, ">") == 0) {
            gtlt = ">=";
            if (xm) {
                M++;
                m = 0;
            } else {
                m++;
            }
        } else if (strcmp(gtlt, "<=") == 0) {
            gtlt = "<";
            if (xm) {
                M++;
            } else {
                m++;
            }
        }
        if (strcmp(gtlt, "<") == 0) {
            pre = "0";
        }
        return set_add(st, strcmp(gtlt, "<") == 0 ? OP_LT : OP_GE, M, m, p, pre);
    }
    if (xm) {
        return set_add(st, OP_GE, M, 0, 0, z) && set_add(st, OP_LT, M + 1, 0, 0, "0");
    }
    if (xp) {
        return set_add(st, OP_GE, M, m, 0, z) && set_add(st, OP_LT, M, m + 1, 0, "0");
    }
    enum sv_op op = OP_EQ;
    if (strcmp(gtlt, "<") == 0) {
        op = OP_LT;
    } else if (strcmp(gtlt, "<=") == 0) {
        op = OP_LE;
    } else if (strcmp(gtlt, ">") == 0) {
        op = OP_GT;
    } else if (strcmp(gtlt, ">=") == 0) {
        op = OP_GE;
    }
    return set_add(st, op, M, m, p, pv.pre);
}

/* Hyphen range "A - B". */
static bool add_hyphen(struct sv_set *st, const char *a, const char *b, unsigned flags)
{
    bool loose = (flags & CU_SEMVER_LOOSE) != 0;
    bool inc = (flags & CU_SEMVER_INCLUDE_PRE) != 0;
    struct sv_partial f, t;
    const char *pa = a, *pb = b;
    if (!read_partial(&pa, loose, &f) || *pa != '\0' || !read_partial(&pb, loose, &t) ||
        *pb != '\0') {
        return false;
    }
    if (!f.x[0]) {
        if (f.x[1] || f.x[2]) {
            if (!set_add(st, OP_GE, f.num[0], f.x[1] ? 0 : f.num[1], 0, inc ? "0" : "")) {
                return false;
            }
        } else if (!set_add(st, OP_GE, f.num[0], f.num[1], f.num[2],
                            f.pre[0] != '\0' ? f.pre : (inc ? "0" : ""))) {
            return false;
        }
    }
    if (t.x[0]) {
        return true;
    }
    if (t.x[1]) {
        return set_add(st, OP_LT, t.num[0] + 1, 0, 0, "0");
    }
    if (t.x[2]) {
        return set_add(st, OP_LT, t.num[0], t.num[1] + 1, 0, "0");
    }
    if (t.pre[0] != '\0') {
        return set_add(st, OP_LE, t.num[0], t.num[1], t.num[2], t.pre);
    }
    if (inc) {
        return set_add(st, OP_LT, t.num[0], t.num[1], t.num[2] + 1, "0");
    }
    return set_add(st, OP_LE, t.num[0], t.num[1], t.num[2], "");
}

/* Parses one "||" alternative (s[0..n)) into st. */
static bool parse_set(const char *s, size_t n, unsigned flags, struct sv_set *st)
{
    char buf[1024];
    /* tokens: whitespace-separated, an operator joined to the version after it */
    static _Thread_local char toks[SV_MAX_CMPS][1024];
    size_t nt = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && is_space(s[i])) {
            i++;
        }
        if (i >= n) {
            break;
        }
        size_t k = 0;
        /* operator characters, then optional spaces, then the version */
        while (i < n && (s[i] == '<' || s[i] == '>' || s[i] == '=' || s[i] == '~' || s[i] == '^')) {
            if (k + 1 >= sizeof(buf)) {
                return false;
            }
            buf[k++] = s[i++];
        }
        if (k > 0) {
            while (i < n && is_space(s[i])) {
                i++;
            }
        }
        while (i < n && !is_space(s[i])) {
            if (k + 1 >= sizeof(buf)) {
                return false;
            }
            buf[k++] = s[i++];
        }
        if (nt >= SV_MAX_CMPS) {
            return false;
        }
        memcpy(toks[nt], buf, k);
        toks[nt][k] = '\0';
        nt++;
    }
    if (nt == 3 && strcmp(toks[1], "-") == 0) {
        return add_hyphen(st, toks[0], toks[2], flags);
    }
    bool loose = (flags & CU_SEMVER_LOOSE) != 0;
    size_t kept = 0;
    for (size_t t = 0; t < nt; t++) {
        struct sv_set probe = *st;
        if (!add_token(&probe, toks[t], flags)) {
            if (loose) {
                continue; /* loose ranges drop comparators that do not parse */
            }
            return false;
        }
        *st = probe;
        kept++;
    }
    if (nt > 0 && kept == 0) {
        st->never = true; /* nothing of this alternative parsed: node-semver drops it */
        st->removed = true;
    }
    return true;
}

static bool cmp_test(const struct sv_cmp *c, const struct cu_semver *v)
{
    int r = cu_semver_cmp(v, &c->v);
    switch (c->op) {
    case OP_EQ:
        return r == 0;
    case OP_LT:
        return r < 0;
    case OP_LE:
        return r <= 0;
    case OP_GT:
        return r > 0;
    case OP_GE:
        return r >= 0;
    }
    return false;
}

static bool set_test(const struct sv_set *st, const struct cu_semver *v, unsigned flags)
{
    if (st->never) {
        return false;
    }
    for (size_t i = 0; i < st->n; i++) {
        if (!cmp_test(&st->c[i], v)) {
            return false;
        }
    }
    if (v->pre[0] != '\0' && !(flags & CU_SEMVER_INCLUDE_PRE)) {
        /* a prerelease satisfies only when a comparator of the same [major, minor, patch]
         * carries a prerelease too */
        for (size_t i = 0; i < st->n; i++) {
            const struct cu_semver *c = &st->c[i].v;
            if (c->pre[0] != '\0' && c->num[0] == v->num[0] && c->num[1] == v->num[1] &&
                c->num[2] == v->num[2]) {
                return true;
            }
        }
        return false;
    }
    return true;
}

int cu_semver_satisfies(const char *version, const char *range, unsigned flags)
{
    if (range == NULL) {
        return -1;
    }
    struct sv_set *st = malloc(sizeof(*st));
    if (st == NULL) {
        return -1;
    }
    struct cu_semver v;
    bool vok = version != NULL && cu_semver_parse(version, (flags & CU_SEMVER_LOOSE) != 0, &v);
    int result = 0;
    bool valid = false;
    const char *p = range;
    for (;;) {
        const char *bar = strstr(p, "||");
        size_t n = bar != NULL ? (size_t)(bar - p) : strlen(p);
        memset(st, 0, sizeof(*st));
        if (!parse_set(p, n, flags, st)) {
            result = -1;
            break;
        }
        valid = valid || !st->removed;
        if (vok && result == 0 && set_test(st, &v, flags)) {
            result = 1;
        }
        if (bar == NULL) {
            break;
        }
        p = bar + 2;
    }
    free(st);
    return valid || result < 0 ? result : -1;
}
