/* PEP 440 versions and specifiers (see versions.h), written from the PEP's text ("Version
 * scheme", "Normalization", "Version specifiers") and the behaviour its reference
 * implementation's tests pin down. Numbers above 2^64-1, more than 32 release segments or a
 * local label over 127 bytes are refused (invalid), never truncated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/versions.h"
#include "core/banned.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Byte length of a whitespace character at s as Python's str.strip() sees it (ASCII
 * whitespace, \x1c-\x1f and the Unicode spaces in UTF-8), 0 when none. */
static size_t space_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (is_space(s[0]) || (u[0] >= 0x1c && u[0] <= 0x1f)) {
        return 1;
    }
    if (u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0)) {
        return 2;
    }
    if ((u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) ||
        (u[0] == 0xe2 && u[1] == 0x80 &&
         (u[2] <= 0x8a || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf) && u[2] >= 0x80) ||
        (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) ||
        (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)) {
        return 3;
    }
    return 0;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_alnum_lc(char c)
{
    c = lower(c);
    return is_digit(c) || (c >= 'a' && c <= 'z');
}

static bool is_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}

static bool read_u64(const char **p, uint64_t *out)
{
    const char *s = *p;
    if (!is_digit(*s)) {
        return false;
    }
    uint64_t v = 0;
    while (is_digit(*s)) {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10) {
            return false;
        }
        v = v * 10 + d;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

/* Case-insensitive prefix match of a label; returns its length or 0. */
static size_t match_label(const char *s, const char *label)
{
    size_t n = strlen(label);
    for (size_t i = 0; i < n; i++) {
        if (lower(s[i]) != label[i]) {
            return 0;
        }
    }
    return n;
}

/* Optional "[-_.]?LABEL[-_.]?N?" at *p: sets *kind from the label table, *num (0 when
 * implicit). Returns false (nothing consumed) when absent. */
static bool
read_suffix(const char **p, const char *const *labels, const char *kinds, int *kind, uint64_t *num)
{
    const char *s = *p;
    if (is_sep(*s)) {
        s++;
    }
    size_t n = 0;
    size_t li = 0;
    for (; labels[li] != NULL; li++) {
        n = match_label(s, labels[li]);
        if (n > 0) {
            break;
        }
    }
    if (n == 0) {
        return false;
    }
    s += n;
    *num = 0;
    const char *t = s;
    if (is_sep(*t)) {
        t++;
    }
    if (is_digit(*t)) {
        if (!read_u64(&t, num)) {
            return false;
        }
        s = t;
    }
    *kind = kinds[li];
    *p = s;
    return true;
}

static const char *const pre_labels[] = { "alpha", "a", "beta", "b", "preview",
                                          "pre",   "c", "rc",   NULL };
static const char pre_kinds[] = { 'a', 'a', 'b', 'b', 'c', 'c', 'c', 'c' };
static const char *const post_labels[] = { "post", "rev", "r", NULL };
static const char post_kinds[] = { 'p', 'p', 'p' };
static const char *const dev_labels[] = { "dev", NULL };
static const char dev_kinds[] = { 'd' };

/* Parses the public part at *p (no surrounding space); `release_only` stops after the
 * release (for "==X.*"). */
static bool parse_public(const char **p, struct cu_pep440 *v)
{
    const char *s = *p;
    if (lower(*s) == 'v') {
        s++;
    }
    /* epoch: digits followed by '!' */
    const char *t = s;
    uint64_t n;
    if (read_u64(&t, &n) && *t == '!') {
        v->epoch = n;
        s = t + 1;
    }
    for (;;) {
        if (v->nrelease >= CU_PEP440_MAX_RELEASE || !read_u64(&s, &v->release[v->nrelease])) {
            return false;
        }
        v->nrelease++;
        if (s[0] == '.' && is_digit(s[1])) {
            s++;
            continue;
        }
        break;
    }
    *p = s;
    return true;
}

static bool parse_suffixes(const char **p, struct cu_pep440 *v)
{
    const char *s = *p;
    int kind;
    uint64_t num;
    if (read_suffix(&s, pre_labels, pre_kinds, &kind, &num)) {
        v->pre_kind = kind;
        v->pre = num;
    }
    if (s[0] == '-' && is_digit(s[1])) {
        s++;
        if (!read_u64(&s, &v->post)) {
            return false;
        }
        v->has_post = true;
    } else if (read_suffix(&s, post_labels, post_kinds, &kind, &num)) {
        v->has_post = true;
        v->post = num;
    }
    if (read_suffix(&s, dev_labels, dev_kinds, &kind, &num)) {
        v->has_dev = true;
        v->dev = num;
    }
    *p = s;
    return true;
}

/* "+label": lowercase, separators become '.', numeric segments lose leading zeros. */
static bool parse_local(const char **p, struct cu_pep440 *v)
{
    const char *s = *p;
    if (*s != '+') {
        return true;
    }
    s++;
    size_t n = 0;
    for (;;) {
        const char *start = s;
        bool digits = true;
        while (is_alnum_lc(*s)) {
            digits = digits && is_digit(*s);
            s++;
        }
        size_t len = (size_t)(s - start);
        if (len == 0) {
            return false;
        }
        if (digits) {
            while (len > 1 && *start == '0') {
                start++;
                len--;
            }
        }
        if (len + 2 > sizeof(v->local) - n) {
            return false;
        }
        if (n > 0) {
            v->local[n++] = '.';
        }
        for (size_t i = 0; i < len; i++) {
            v->local[n++] = lower(start[i]);
        }
        v->local[n] = '\0';
        if (is_sep(s[0]) && is_alnum_lc(s[1])) {
            s++;
            continue;
        }
        break;
    }
    *p = s;
    return true;
}

bool cu_pep440_parse(const char *s, struct cu_pep440 *out)
{
    memset(out, 0, sizeof(*out));
    if (s == NULL) {
        return false;
    }
    for (size_t k; (k = space_len(s)) > 0;) {
        s += k;
    }
    if (!parse_public(&s, out) || !parse_suffixes(&s, out) || !parse_local(&s, out)) {
        return false;
    }
    for (size_t k; (k = space_len(s)) > 0;) {
        s += k;
    }
    return *s == '\0';
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : (a > b ? 1 : 0);
}

static int cmp_release(const struct cu_pep440 *a, const struct cu_pep440 *b)
{
    size_t n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = i < a->nrelease ? a->release[i] : 0;
        uint64_t y = i < b->nrelease ? b->release[i] : 0;
        if (x != y) {
            return cmp_u64(x, y);
        }
    }
    return 0;
}

/* pre key: -1 = "-inf" (dev-only release), 1 = "+inf" (no pre), 0 = compare kind/number */
static int pre_class(const struct cu_pep440 *v)
{
    if (v->pre_kind == 0) {
        return !v->has_post && v->has_dev ? -1 : 1;
    }
    return 0;
}

static int cmp_local(const char *a, const char *b)
{
    if (a[0] == '\0' || b[0] == '\0') {
        return (a[0] != '\0') - (b[0] != '\0');
    }
    /* segments are non-empty and lose leading zeros when parsed; a number ranks above a label */
    return cu_ver_dotted_cmp(a, b, true);
}

static int cmp_public(const struct cu_pep440 *a, const struct cu_pep440 *b)
{
    int c = cmp_u64(a->epoch, b->epoch);
    if (c == 0) {
        c = cmp_release(a, b);
    }
    if (c == 0) {
        int pa = pre_class(a), pb = pre_class(b);
        c = pa != pb ? (pa < pb ? -1 : 1) : 0;
        if (c == 0 && pa == 0) {
            c = a->pre_kind != b->pre_kind ? (a->pre_kind < b->pre_kind ? -1 : 1)
                                           : cmp_u64(a->pre, b->pre);
        }
    }
    if (c == 0 && a->has_post != b->has_post) {
        c = a->has_post ? 1 : -1;
    }
    if (c == 0 && a->has_post) {
        c = cmp_u64(a->post, b->post);
    }
    if (c == 0 && a->has_dev != b->has_dev) {
        c = a->has_dev ? -1 : 1;
    }
    if (c == 0 && a->has_dev) {
        c = cmp_u64(a->dev, b->dev);
    }
    return c;
}

int cu_pep440_cmp(const struct cu_pep440 *a, const struct cu_pep440 *b)
{
    int c = cmp_public(a, b);
    return c != 0 ? c : cmp_local(a->local, b->local);
}

bool cu_pep440_compare_str(const char *a, const char *b, int *out)
{
    struct cu_pep440 va, vb;
    if (!cu_pep440_parse(a, &va) || !cu_pep440_parse(b, &vb)) {
        return false;
    }
    *out = cu_pep440_cmp(&va, &vb);
    return true;
}

void cu_pep440_format(const struct cu_pep440 *v, char *out, size_t n)
{
    size_t k = 0;
#define PUT(...)                                                    \
    do {                                                            \
        int w_ = snprintf(out + k, n > k ? n - k : 0, __VA_ARGS__); \
        if (w_ > 0) {                                               \
            k += (size_t)w_;                                        \
        }                                                           \
    } while (0)
    if (n == 0) {
        return;
    }
    out[0] = '\0';
    if (v->epoch != 0) {
        PUT("%llu!", (unsigned long long)v->epoch);
    }
    for (size_t i = 0; i < v->nrelease; i++) {
        PUT(i > 0 ? ".%llu" : "%llu", (unsigned long long)v->release[i]);
    }
    if (v->pre_kind != 0) {
        PUT("%s%llu", v->pre_kind == 'a' ? "a" : (v->pre_kind == 'b' ? "b" : "rc"),
            (unsigned long long)v->pre);
    }
    if (v->has_post) {
        PUT(".post%llu", (unsigned long long)v->post);
    }
    if (v->has_dev) {
        PUT(".dev%llu", (unsigned long long)v->dev);
    }
    if (v->local[0] != '\0') {
        PUT("+%s", v->local);
    }
#undef PUT
}

static bool is_prerelease(const struct cu_pep440 *v)
{
    return v->pre_kind != 0 || v->has_dev;
}

/* ---- specifiers ---- */

enum pep_op { P_COMPAT, P_EQ, P_NE, P_LE, P_GE, P_LT, P_GT, P_ARB };

struct pep_spec {
    enum pep_op op;
    bool wildcard;
    struct cu_pep440 v;
    char arb[256]; /* === operand */
};

static bool parse_spec(const char *s, size_t n, struct pep_spec *sp)
{
    char buf[512];
    while (n > 0 && is_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1])) {
        n--;
    }
    if (n == 0 || n >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    memset(sp, 0, sizeof(*sp));
    static const struct {
        const char *tok;
        enum pep_op op;
    } ops[] = { { "===", P_ARB }, { "~=", P_COMPAT }, { "==", P_EQ }, { "!=", P_NE },
                { "<=", P_LE },   { ">=", P_GE },     { "<", P_LT },  { ">", P_GT } };
    const char *p = NULL;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        size_t l = strlen(ops[i].tok);
        if (strncmp(buf, ops[i].tok, l) == 0) {
            sp->op = ops[i].op;
            p = buf + l;
            break;
        }
    }
    if (p == NULL) {
        return false;
    }
    while (is_space(*p)) {
        p++;
    }
    if (sp->op == P_ARB) {
        size_t l = strlen(p);
        if (l == 0 || l >= sizeof(sp->arb)) {
            return false;
        }
        for (size_t i = 0; i < l; i++) {
            if (is_space(p[i]) || p[i] == ';' || p[i] == ')') {
                return false;
            }
        }
        memcpy(sp->arb, p, l + 1);
        return true;
    }
    if (!parse_public(&p, &sp->v)) {
        return false;
    }
    if ((sp->op == P_EQ || sp->op == P_NE) && p[0] == '.' && p[1] == '*' && p[2] == '\0') {
        sp->wildcard = true;
        return true;
    }
    if (!parse_suffixes(&p, &sp->v)) {
        return false;
    }
    if (p[0] == '+') {
        if (sp->op != P_EQ && sp->op != P_NE) {
            return false; /* local versions only with == and != */
        }
        if (!parse_local(&p, &sp->v)) {
            return false;
        }
    }
    if (*p != '\0') {
        return false;
    }
    if (sp->op == P_COMPAT && sp->v.nrelease < 2) {
        return false;
    }
    return true;
}

static bool spec_prereleases(const struct pep_spec *sp)
{
    if (sp->op == P_NE) {
        return false;
    }
    if (sp->op == P_ARB) {
        struct cu_pep440 v;
        return cu_pep440_parse(sp->arb, &v) && is_prerelease(&v);
    }
    return !sp->wildcard && is_prerelease(&sp->v);
}

/* candidate's release matches the first n segments of prefix (zero padded), same epoch */
static bool prefix_match(const struct cu_pep440 *c, const struct cu_pep440 *prefix, size_t n)
{
    if (c->epoch != prefix->epoch) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t x = i < c->nrelease ? c->release[i] : 0;
        if (x != prefix->release[i]) {
            return false;
        }
    }
    return true;
}

static bool base_equal(const struct cu_pep440 *a, const struct cu_pep440 *b)
{
    return a->epoch == b->epoch && cmp_release(a, b) == 0;
}

static bool spec_match(const struct pep_spec *sp, const struct cu_pep440 *c, const char *raw)
{
    switch (sp->op) {
    case P_ARB: {
        /* compared as strings, case-insensitively, with the candidate as written */
        while (is_space(*raw)) {
            raw++;
        }
        size_t n = strlen(raw);
        while (n > 0 && is_space(raw[n - 1])) {
            n--;
        }
        if (n != strlen(sp->arb)) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (lower(raw[i]) != lower(sp->arb[i])) {
                return false;
            }
        }
        return true;
    }
    case P_COMPAT:
        return cmp_public(c, &sp->v) >= 0 && prefix_match(c, &sp->v, sp->v.nrelease - 1);
    case P_EQ:
    case P_NE: {
        bool eq;
        if (sp->wildcard) {
            eq = prefix_match(c, &sp->v, sp->v.nrelease);
        } else if (sp->v.local[0] != '\0') {
            eq = cu_pep440_cmp(c, &sp->v) == 0;
        } else {
            eq = cmp_public(c, &sp->v) == 0;
        }
        return sp->op == P_EQ ? eq : !eq;
    }
    case P_LE:
        return cmp_public(c, &sp->v) <= 0;
    case P_GE:
        return cmp_public(c, &sp->v) >= 0;
    case P_LT:
        if (cu_pep440_cmp(c, &sp->v) >= 0) {
            return false;
        }
        return is_prerelease(&sp->v) || !is_prerelease(c) || !base_equal(c, &sp->v);
    case P_GT:
        /* a local version of V is not above V (public parts compared) */
        if (cmp_public(c, &sp->v) <= 0) {
            return false;
        }
        return sp->v.has_post || !c->has_post || !base_equal(c, &sp->v);
    }
    return false;
}

#define PEP_MAX_SPECS 64u

int cu_pep440_contains(const char *specifiers, const char *version, int prereleases)
{
    if (specifiers == NULL) {
        return -1;
    }
    struct pep_spec *specs = calloc(PEP_MAX_SPECS, sizeof(*specs));
    if (specs == NULL) {
        return -1;
    }
    size_t ns = 0;
    int rc = 0;
    const char *p = specifiers;
    for (;;) {
        size_t n = strcspn(p, ",");
        size_t k = 0;
        while (k < n && is_space(p[k])) {
            k++;
        }
        if (k < n) {
            if (ns >= PEP_MAX_SPECS || !parse_spec(p, n, &specs[ns])) {
                rc = -1;
                goto out;
            }
            ns++;
        }
        if (p[n] == '\0') {
            break;
        }
        p += n + 1;
    }
    struct cu_pep440 c;
    if (version == NULL || !cu_pep440_parse(version, &c)) {
        /* only === can match a string that is not a version */
        rc = version != NULL && ns > 0;
        for (size_t i = 0; i < ns && rc; i++) {
            rc = specs[i].op == P_ARB && spec_match(&specs[i], &c, version);
        }
        goto out;
    }
    bool allow = prereleases == 1;
    if (prereleases < 0) {
        for (size_t i = 0; i < ns; i++) {
            allow = allow || spec_prereleases(&specs[i]);
        }
    }
    if (is_prerelease(&c) && !allow) {
        rc = 0;
        goto out;
    }
    rc = 1;
    for (size_t i = 0; i < ns; i++) {
        if (!spec_match(&specs[i], &c, version)) {
            rc = 0;
            break;
        }
    }
out:
    free(specs);
    return rc;
}

bool cu_version_cmp(int eco, const char *a, const char *b, int *out)
{
    if (eco == 0) {
        struct cu_semver va, vb;
        if (!cu_semver_parse(a, true, &va) || !cu_semver_parse(b, true, &vb)) {
            return false;
        }
        *out = cu_semver_cmp(&va, &vb);
        return true;
    }
    return cu_pep440_compare_str(a, b, out);
}
