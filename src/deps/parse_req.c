/* requirements*.txt (pip's requirements file format) and PEP 508 requirement strings, shared
 * with pyproject.toml. */
#include <stdlib.h>
#include <string.h>

#include "deps/parse.h"
#include "deps/pep508.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "core/util.h"
#include "core/banned.h"

static bool alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool sp(char c)
{
    return c == ' ' || c == '\t';
}

static bool verchar(char c)
{
    /* ${VAR}: pip expands environment variables; the version is then unknown here */
    return alnum(c) || c == '.' || c == '*' || c == '+' || c == '!' || c == '-' || c == '_' ||
           c == '$' || c == '{' || c == '}';
}

void cu_req_clear(struct cu_req *r)
{
    free(r->name);
    free(r->spec);
    free(r->version);
    free(r->url);
    memset(r, 0, sizeof(*r));
}

/* The distribution name in a wheel/sdist file name or an #egg= fragment, or NULL. */
static char *name_from_url(const char *u, size_t n)
{
    const char *egg = NULL;
    for (size_t i = 0; i + 5 <= n; i++) {
        if (memcmp(u + i, "#egg=", 5) == 0 || memcmp(u + i, "&egg=", 5) == 0) {
            egg = u + i + 5;
        }
    }
    if (egg) {
        size_t l = 0;
        while (l < n - (size_t)(egg - u) &&
               (alnum(egg[l]) || egg[l] == '.' || egg[l] == '-' || egg[l] == '_')) {
            l++;
        }
        return l ? cu_strndup(egg, l) : NULL;
    }
    /* last path segment: name-version(-...).whl / .tar.gz / .zip */
    size_t end = n;
    for (size_t i = 0; i < n; i++) {
        if (u[i] == '#' || u[i] == '?') {
            end = i;
            break;
        }
    }
    size_t st = end;
    while (st > 0 && u[st - 1] != '/') {
        st--;
    }
    const char *f = u + st;
    size_t fl = end - st;
    bool archive = (fl > 4 && memcmp(f + fl - 4, ".whl", 4) == 0) ||
                   (fl > 7 && memcmp(f + fl - 7, ".tar.gz", 7) == 0) ||
                   (fl > 4 && memcmp(f + fl - 4, ".zip", 4) == 0);
    if (!archive) {
        return NULL;
    }
    size_t l = 0;
    while (l < fl && f[l] != '-') {
        l++;
    }
    return l && l < fl ? cu_strndup(f, l) : NULL;
}

/* The version in a wheel/sdist file name (second '-' field), or NULL. */
static char *version_from_url(const char *u, size_t n)
{
    size_t st = n;
    while (st > 0 && u[st - 1] != '/') {
        st--;
    }
    const char *f = u + st;
    size_t fl = n - st;
    const char *d1 = memchr(f, '-', fl);
    if (!d1) {
        return NULL;
    }
    const char *v = d1 + 1;
    size_t vl = 0;
    size_t vmax = fl - (size_t)(v - f);
    while (vl < vmax && v[vl] != '-' &&
           !(v[vl] == '.' && 4 <= vmax - vl &&
             (memcmp(v + vl, ".tar", 4) == 0 || memcmp(v + vl, ".zip", 4) == 0 ||
              memcmp(v + vl, ".whl", 4) == 0))) {
        vl++;
    }
    return vl && v[0] >= '0' && v[0] <= '9' ? cu_strndup(v, vl) : NULL;
}

static enum cu_dep_source url_source(const char *u)
{
    if (strncmp(u, "git+", 4) == 0 || strncmp(u, "hg+", 3) == 0 || strncmp(u, "svn+", 4) == 0 ||
        strncmp(u, "bzr+", 4) == 0 || strncmp(u, "git://", 6) == 0) {
        return CU_DEP_GIT;
    }
    if (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0 ||
        strncmp(u, "ftp://", 6) == 0) {
        return CU_DEP_URL;
    }
    return CU_DEP_PATH;
}

static bool looks_like_url_or_path(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++) {
        if (memcmp(s + i, "://", 3) == 0) {
            return true;
        }
    }
    if (n > 5 && memcmp(s, "file:", 5) == 0) {
        return true;
    }
    if (s[0] == '.' || s[0] == '/' || s[0] == '~') {
        return true;
    }
    return (n > 4 && memcmp(s + n - 4, ".whl", 4) == 0) ||
           (n > 7 && memcmp(s + n - 7, ".tar.gz", 7) == 0) ||
           (n > 4 && memcmp(s + n - 4, ".zip", 4) == 0);
}

int cu_pep508_parse(const char *s, size_t n, struct cu_req *r)
{
    memset(r, 0, sizeof(*r));
    while (n > 0 && sp(s[n - 1])) {
        n--;
    }
    while (n > 0 && sp(*s)) {
        s++;
        n--;
    }
    if (n == 0) {
        return CUSTODY_EMALFORMED;
    }
    /* a bare URL or path (pip accepts these on their own) */
    size_t semi = n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ';' && (i + 1 == n || sp(s[i + 1]) || i == 0 || sp(s[i - 1]))) {
            semi = i;
            break;
        }
    }
    /* "name @ url" is PEP 508; anything else holding a URL or path is a bare one */
    bool named_url = false;
    if (alnum(s[0])) {
        size_t j = 0;
        while (j < semi && (alnum(s[j]) || s[j] == '.' || s[j] == '-' || s[j] == '_')) {
            j++;
        }
        while (j < semi && sp(s[j])) {
            j++;
        }
        if (j < semi && s[j] == '[') {
            while (j < semi && s[j] != ']') {
                j++;
            }
        }
        if (j < semi && s[j] == ']') {
            j++;
        }
        while (j < semi && sp(s[j])) {
            j++;
        }
        named_url = j < semi && s[j] == '@';
    }
    if (!named_url && (!alnum(s[0]) || looks_like_url_or_path(s, semi))) {
        size_t ul = semi;
        while (ul > 0 && sp(s[ul - 1])) {
            ul--;
        }
        if (ul == 0 || memchr(s, ' ', ul)) {
            return CUSTODY_EMALFORMED;
        }
        if (!(r->url = cu_strndup(s, ul))) {
            return CUSTODY_ENOMEM;
        }
        r->source = url_source(r->url);
        r->name = name_from_url(s, ul);
        if (r->source != CU_DEP_GIT) {
            r->version = version_from_url(s, ul);
        }
        if (!r->name && !(r->name = cu_strndup(s, ul))) {
            return CUSTODY_ENOMEM;
        }
        return 0;
    }
    size_t i = 0;
    while (i < n && (alnum(s[i]) || s[i] == '.' || s[i] == '-' || s[i] == '_')) {
        i++;
    }
    if (!alnum(s[i - 1])) {
        return CUSTODY_EMALFORMED;
    }
    if (!(r->name = cu_strndup(s, i))) {
        return CUSTODY_ENOMEM;
    }
    while (i < n && sp(s[i])) {
        i++;
    }
    if (i < n && s[i] == '[') {
        while (i < n && s[i] != ']') {
            if (!alnum(s[i]) && s[i] != '[' && s[i] != ',' && s[i] != '-' && s[i] != '_' &&
                s[i] != '.' && !sp(s[i])) {
                return CUSTODY_EMALFORMED;
            }
            i++;
        }
        if (i >= n) {
            return CUSTODY_EMALFORMED;
        }
        i++;
        while (i < n && sp(s[i])) {
            i++;
        }
    }
    if (i < n && s[i] == '@') {
        i++;
        while (i < n && sp(s[i])) {
            i++;
        }
        size_t st = i;
        while (i < n && !sp(s[i])) {
            i++;
        }
        if (i == st) {
            return CUSTODY_EMALFORMED;
        }
        if (!(r->url = cu_strndup(s + st, i - st))) {
            return CUSTODY_ENOMEM;
        }
        r->source = url_source(r->url);
        while (i < n && sp(s[i])) {
            i++;
        }
        if (i < n && s[i] != ';') {
            return CUSTODY_EMALFORMED;
        }
        return 0;
    }
    /* version specifier, up to ';' */
    size_t end = i;
    while (end < n && s[end] != ';') {
        end++;
    }
    size_t se = end;
    while (se > i && sp(s[se - 1])) {
        se--;
    }
    const char *sp0 = s + i;
    size_t sl = se - i;
    if (sl > 0 && sp0[0] == '(') {
        if (sp0[sl - 1] != ')') {
            return CUSTODY_EMALFORMED;
        }
        sp0++;
        sl -= 2;
    }
    if (sl == 0) {
        return 0;
    }
    /* clauses: op version (, op version)* */
    size_t k = 0, clauses = 0;
    const char *pin = NULL;
    size_t pinl = 0;
    bool exact = false;
    while (k < sl) {
        while (k < sl && sp(sp0[k])) {
            k++;
        }
        size_t ost = k;
        while (k < sl && (sp0[k] == '=' || sp0[k] == '<' || sp0[k] == '>' || sp0[k] == '!' ||
                          sp0[k] == '~')) {
            k++;
        }
        size_t ol = k - ost;
        const char *op = sp0 + ost;
        bool okop = (ol == 2 && (memcmp(op, "==", 2) == 0 || memcmp(op, "!=", 2) == 0 ||
                                 memcmp(op, "<=", 2) == 0 || memcmp(op, ">=", 2) == 0 ||
                                 memcmp(op, "~=", 2) == 0)) ||
                    (ol == 1 && (op[0] == '<' || op[0] == '>')) ||
                    (ol == 3 && memcmp(op, "===", 3) == 0);
        if (!okop) {
            return CUSTODY_EMALFORMED;
        }
        while (k < sl && sp(sp0[k])) {
            k++;
        }
        size_t vst = k;
        while (k < sl && verchar(sp0[k])) {
            k++;
        }
        if (k == vst) {
            return CUSTODY_EMALFORMED;
        }
        clauses++;
        if (ol >= 2 && op[0] == '=' && op[1] == '=' && !memchr(sp0 + vst, '*', k - vst) &&
            !memchr(sp0 + vst, '$', k - vst)) {
            pin = sp0 + vst;
            pinl = k - vst;
            exact = true;
        }
        while (k < sl && sp(sp0[k])) {
            k++;
        }
        if (k < sl) {
            if (sp0[k] != ',') {
                return CUSTODY_EMALFORMED;
            }
            k++;
        }
    }
    if (!(r->spec = cu_strndup(sp0, sl))) {
        return CUSTODY_ENOMEM;
    }
    if (exact && clauses == 1 && !(r->version = cu_strndup(pin, pinl))) {
        return CUSTODY_ENOMEM;
    }
    return 0;
}

/* ---- requirements.txt ---- */

/* Next whitespace-separated token from *p (bounded by end). */
static bool token(const char **p, const char *end, const char **t, size_t *tl)
{
    const char *s = *p;
    while (s < end && sp(*s)) {
        s++;
    }
    if (s >= end) {
        return false;
    }
    const char *st = s;
    while (s < end && !sp(*s)) {
        s++;
    }
    *t = st;
    *tl = (size_t)(s - st);
    *p = s;
    return true;
}

static bool opt_is(const char *t, size_t tl, const char *name, const char **val)
{
    size_t nl = strlen(name);
    *val = NULL;
    if (tl == nl && memcmp(t, name, nl) == 0) {
        return true;
    }
    if (tl > nl && memcmp(t, name, nl) == 0 && t[nl] == '=') {
        *val = t + nl + 1;
        return true;
    }
    /* short options glued to their value: -rfile.txt */
    if (nl == 2 && name[0] == '-' && name[1] != '-' && tl > 2 && memcmp(t, name, 2) == 0) {
        *val = t + 2;
        return true;
    }
    return false;
}

struct reqline {
    struct cu_depfile *df;
    custody_error *err;
    uint32_t line;
};

/* The value of an option: glued (--x=v) or the next token. */
static int opt_value(struct reqline *rl,
                     const char **p,
                     const char *end,
                     const char *glued,
                     const char *t,
                     size_t tl,
                     char **out)
{
    if (glued) {
        *out = cu_strndup(glued, tl - (size_t)(glued - t));
    } else {
        const char *v;
        size_t vl;
        if (!token(p, end, &v, &vl)) {
            return cu_err_malformed(rl->err, "requirements", CU_NO_OFFSET,
                                    "line %u: option %.*s needs a value", rl->line, (int)tl, t);
        }
        *out = cu_strndup(v, vl);
    }
    return *out ? 0 : cu_err_nomem(rl->err);
}

static int add_req(struct reqline *rl, struct cu_req *r, const char *hashes, bool editable)
{
    struct cu_pkg p = { .eco = CU_ECO_PYPI,
                        .name = r->name,
                        .version = r->version,
                        .spec = r->spec,
                        .line = rl->line,
                        .source = r->url ? r->source : CU_DEP_REGISTRY,
                        .resolved = r->url,
                        .integrity = hashes && *hashes ? (char *)hashes : NULL,
                        .direct = true };
    (void)editable;
    return cu_depfile_add(rl->df, &p) ? cu_err_nomem(rl->err) : 0;
}

/* One logical line (continuations joined, comment removed). */
static int req_line(struct reqline *rl, const char *s, size_t n)
{
    const char *p = s, *end = s + n, *t;
    size_t tl;
    int rc = 0;
    if (!token(&p, end, &t, &tl)) {
        return 0;
    }
    if (t[0] == '-') {
        const char *g;
        char *val = NULL;
        if (opt_is(t, tl, "-r", &g) || opt_is(t, tl, "--requirement", &g) ||
            opt_is(t, tl, "-c", &g) || opt_is(t, tl, "--constraint", &g)) {
            if ((rc = opt_value(rl, &p, end, g, t, tl, &val))) {
                return rc;
            }
            rc = cu_depfile_add_include(rl->df, val) ? cu_err_nomem(rl->err) : 0;
        } else if (opt_is(t, tl, "-i", &g) || opt_is(t, tl, "--index-url", &g) ||
                   opt_is(t, tl, "--extra-index-url", &g)) {
            bool def = t[1] == 'i' || (tl >= 11 && memcmp(t, "--index-url", 11) == 0);
            if ((rc = opt_value(rl, &p, end, g, t, tl, &val))) {
                return rc;
            }
            struct cu_dep_index ix = { .url = val, .is_default = def, .line = rl->line };
            rc = cu_depfile_add_index(rl->df, &ix) ? cu_err_nomem(rl->err) : 0;
        } else if (opt_is(t, tl, "-e", &g) || opt_is(t, tl, "--editable", &g)) {
            if ((rc = opt_value(rl, &p, end, g, t, tl, &val))) {
                return rc;
            }
            struct cu_req r;
            if (!val) {
                return cu_err_nomem(rl->err);
            }
            rc = cu_pep508_parse(val, strlen(val), &r);
            if (rc == 0 && !r.url) {
                /* "-e name" is invalid; pip needs a path or VCS URL */
                rc = CUSTODY_EMALFORMED;
            }
            if (rc == 0) {
                rc = add_req(rl, &r, NULL, true);
            } else if (rc == CUSTODY_EMALFORMED) {
                rc = cu_err_malformed(rl->err, "requirements", CU_NO_OFFSET,
                                      "line %u: bad editable requirement", rl->line);
            } else {
                rc = cu_err_nomem(rl->err);
            }
            cu_req_clear(&r);
        }
        /* other options (-f, --pre, --trusted-host, --no-binary, ...) carry no package */
        free(val);
        return rc;
    }
    /* requirement, then per-requirement options (--hash, --global-option, -C, ...) */
    const char *q = s;
    while (q < end && sp(*q)) {
        q++;
    }
    const char *req_end = end;
    for (const char *c = q; c < end; c++) {
        if (sp(*c) && end - c > 2 && c[1] == '-' &&
            (c[2] == '-' || (c[2] == 'C' && (end - c == 3 || sp(c[3]) || c[3] == '=')))) {
            req_end = c;
            break;
        }
    }
    struct cu_buf hashes = CU_BUF_INIT(1u << 20);
    const char *op = req_end;
    while (token(&op, end, &t, &tl)) {
        const char *g;
        if (opt_is(t, tl, "--hash", &g)) {
            const char *v = g;
            size_t vl = g ? tl - (size_t)(g - t) : 0;
            if (!g && !token(&op, end, &v, &vl)) {
                cu_buf_free(&hashes);
                return cu_err_malformed(rl->err, "requirements", CU_NO_OFFSET,
                                        "line %u: --hash needs a value", rl->line);
            }
            if (vl == 0) {
                continue;
            }
            if (hashes.len) {
                cu_buf_addc(&hashes, ' ');
            }
            cu_buf_add(&hashes, v, vl);
        } else if (t[0] != '-') {
            /* a value of a preceding option such as "-C bar" */
            continue;
        }
    }
    struct cu_req r;
    rc = cu_pep508_parse(q, (size_t)(req_end - q), &r);
    if (rc == CUSTODY_EMALFORMED) {
        rc = cu_err_malformed(rl->err, "requirements", CU_NO_OFFSET,
                              "line %u: not a valid requirement: %.*s", rl->line,
                              (int)(req_end - q > 80 ? 80 : req_end - q), q);
    } else if (rc) {
        rc = cu_err_nomem(rl->err);
    } else {
        rc = add_req(rl, &r, cu_buf_str(&hashes), false);
    }
    cu_req_clear(&r);
    cu_buf_free(&hashes);
    return rc;
}

/* UTF-16 with a BOM (PowerShell's `pip freeze > requirements.txt` writes UTF-16LE; pip
 * decodes it) into UTF-8. Returns 0, CUSTODY_EMALFORMED (odd length, lone surrogate) or
 * CUSTODY_ENOMEM. */
static int utf16_to_utf8(const uint8_t *d, size_t len, char **out, size_t *olen)
{
    bool le = d[0] == 0xff;
    if ((len - 2) % 2 != 0) {
        return CUSTODY_EMALFORMED;
    }
    struct cu_buf b = CU_BUF_INIT((size_t)CU_LIMIT_DEPFILE * 2);
    for (size_t i = 2; i < len; i += 2) {
        uint32_t u = le ? (uint32_t)(d[i] | (d[i + 1] << 8)) : (uint32_t)((d[i] << 8) | d[i + 1]);
        if (u >= 0xd800 && u <= 0xdbff) {
            if (4 > len - i) {
                cu_buf_free(&b);
                return CUSTODY_EMALFORMED;
            }
            uint32_t lo = le ? (uint32_t)(d[i + 2] | (d[i + 3] << 8))
                             : (uint32_t)((d[i + 2] << 8) | d[i + 3]);
            if (lo < 0xdc00 || lo > 0xdfff) {
                cu_buf_free(&b);
                return CUSTODY_EMALFORMED;
            }
            u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
            i += 2;
        } else if (u >= 0xdc00 && u <= 0xdfff) {
            cu_buf_free(&b);
            return CUSTODY_EMALFORMED;
        }
        cu_buf_add_utf8(&b, u);
    }
    if (b.oom || b.cut) {
        cu_buf_free(&b);
        return CUSTODY_ENOMEM;
    }
    *olen = b.len;
    *out = b.p ? b.p : cu_strdup("");
    return *out ? 0 : CUSTODY_ENOMEM;
}

static int parse_requirements_utf8(struct cu_depfile *out,
                                   const uint8_t *data,
                                   size_t len,
                                   custody_error *err);

int cu_parse_requirements(struct cu_depfile *out,
                          const uint8_t *data,
                          size_t len,
                          custody_error *err)
{
    if (len >= 2 &&
        ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff))) {
        char *u8 = NULL;
        size_t n = 0;
        int rc = utf16_to_utf8(data, len, &u8, &n);
        if (rc == CUSTODY_EMALFORMED) {
            return cu_err_malformed(err, "requirements", 0, "invalid UTF-16");
        }
        if (rc) {
            return cu_err_nomem(err);
        }
        rc = parse_requirements_utf8(out, (const uint8_t *)u8, n, err);
        free(u8);
        return rc;
    }
    return parse_requirements_utf8(out, data, len, err);
}

static int
parse_requirements_utf8(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    out->format = "requirements";
    if (memchr(data, '\0', len)) {
        return cu_err_malformed(err, "requirements", CU_NO_OFFSET, "NUL byte in a text file");
    }
    const char *s = (const char *)data;
    size_t pos = 0;
    uint32_t line = 0;
    struct cu_buf l = CU_BUF_INIT(1u << 20);
    int rc = 0;
    if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
        pos = 3;
    }
    while (pos < len && !rc) {
        cu_buf_reset(&l);
        uint32_t first = line + 1;
        for (;;) {
            size_t st = pos;
            while (pos < len && s[pos] != '\n') {
                pos++;
            }
            size_t n = pos - st;
            if (pos < len) {
                pos++;
            }
            line++;
            if (n > 0 && s[st + n - 1] == '\r') {
                n--;
            }
            /* a comment: '#' at the start or after whitespace */
            for (size_t i = 0; i < n; i++) {
                if (s[st + i] == '#' && (i == 0 || sp(s[st + i - 1]))) {
                    n = i;
                    break;
                }
            }
            if (n > 0 && s[st + n - 1] == '\\' && pos < len) {
                cu_buf_add(&l, s + st, n - 1);
                cu_buf_addc(&l, ' ');
                continue;
            }
            if (n > 0 && s[st + n - 1] == '\\') {
                n--;
            }
            cu_buf_add(&l, s + st, n);
            break;
        }
        if (l.oom) {
            rc = cu_err_nomem(err);
            break;
        }
        if (l.cut) {
            rc = cu_err_limit(err, "requirements", CU_NO_OFFSET, "line %u: too long", first);
            break;
        }
        struct reqline rl = { .df = out, .err = err, .line = first };
        rc = req_line(&rl, l.p ? l.p : "", l.len);
    }
    cu_buf_free(&l);
    return rc;
}

/* Conda environment files (environment.yml, MLflow's conda.yaml): `dependencies` lists conda
 * specs (not read: no conda data behind the checks) and a `{pip: [...]}` entry whose items are
 * requirements lines, judged exactly like a requirements file's (-r includes, URLs, hashes,
 * --index-url), each at its YAML line. */
int cu_parse_conda_env(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_yaml(&t, data, len, err);
    if (rc) {
        return rc;
    }
    out->format = "conda-env"; /* its pip entries get requirements semantics (rules_struct.c) */
    const json_t *root = t.root;
    const json_t *deps = json_is_object(root) ? json_object_get(root, "dependencies") : NULL;
    if (root != NULL && !json_is_null(root) && !json_is_object(root)) {
        rc = cu_err_malformed(err, "conda environment", CU_NO_OFFSET, "not a YAML mapping");
    } else if (deps != NULL && !json_is_null(deps) && !json_is_array(deps)) {
        rc = cu_err_malformed(err, "conda environment", CU_NO_OFFSET,
                              "line %u: dependencies is not a list",
                              cu_lt_key_line(&t, root, "dependencies"));
    }
    for (size_t i = 0; rc == 0 && json_is_array(deps) && i < json_array_size(deps); i++) {
        const json_t *pip = json_object_get(json_array_get(deps, i), "pip");
        if (pip == NULL) {
            continue; /* a conda spec ("numpy=1.26", "pytorch::pytorch") */
        }
        if (!json_is_array(pip)) {
            rc = cu_err_malformed(err, "conda environment", CU_NO_OFFSET,
                                  "line %u: pip is not a list of requirements",
                                  cu_lt_item_line(&t, deps, i));
            break;
        }
        for (size_t j = 0; rc == 0 && j < json_array_size(pip); j++) {
            const json_t *v = json_array_get(pip, j);
            struct reqline rl = { .df = out, .err = err, .line = cu_lt_item_line(&t, pip, j) };
            if (!json_is_string(v)) {
                rc = cu_err_malformed(err, "conda environment", CU_NO_OFFSET,
                                      "line %u: a pip requirement is not a string", rl.line);
                break;
            }
            /* a comment after the requirement is YAML's, already gone */
            rc = req_line(&rl, json_string_value(v), json_string_length(v));
        }
    }
    cu_lt_free(&t);
    return rc;
}
