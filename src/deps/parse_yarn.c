/* yarn.lock: v1 (yarn's own indented format) and Berry (v2+, YAML with __metadata). */
#include <stdlib.h>
#include <string.h>

#include "deps/parse.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

/* Splits "name@range" (name may be scoped): returns the name length, 0 when there is no '@'
 * after the name. */
static size_t spec_name_len(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (s[i] == '@') {
            return i;
        }
    }
    return 0;
}

/* The package name of an entry specifier "alias@npm:real@range" / "name@range" / "name". */
static char *spec_name(const char *s, size_t n)
{
    size_t nl = spec_name_len(s, n);
    if (nl == 0) {
        return cu_strndup(s, n);
    }
    const char *r = s + nl + 1;
    size_t rl = n - nl - 1;
    if (rl > 4 && strncmp(r, "npm:", 4) == 0) {
        size_t al = spec_name_len(r + 4, rl - 4);
        /* npm:real@range: the real name; npm:1.0.0 (a plain range): the name */
        if (al > 0 || (r[4] < '0' || r[4] > '9')) {
            return cu_strndup(r + 4, al ? al : rl - 4);
        }
    }
    return cu_strndup(s, nl);
}

/* ---- v1 ---- */

struct yl {
    const char *s;
    size_t len, pos;
    uint32_t line;
};

/* Unquotes a v1 value (JSON-ish string escapes kept simple: \" and \\). */
static char *v1_value(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r')) {
        n--;
    }
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        char *o = cu_malloc(n);
        if (!o) {
            return NULL;
        }
        size_t j = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            if (s[i] == '\\' && i + 2 < n) {
                i++;
            }
            o[j++] = s[i];
        }
        o[j] = '\0';
        return o;
    }
    return cu_strndup(s, n);
}

/* A v1 value as yarn's tokenizer reads it: a complete "quoted string" or one bare token. */
static bool v1_value_ok(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r')) {
        n--;
    }
    if (n == 0) {
        return false;
    }
    if (s[0] != '"') {
        return true;
    }
    size_t i = 1;
    for (; i < n; i++) {
        if (s[i] == '\\') {
            i++;
        } else if (s[i] == '"') {
            break;
        }
    }
    return i == n - 1;
}

struct v1entry {
    char *name, *version, *resolved, *integrity, *range, *alias;
    uint32_t line;
};

static void v1_reset(struct v1entry *e)
{
    free(e->name);
    free(e->version);
    free(e->resolved);
    free(e->integrity);
    free(e->range);
    free(e->alias);
    memset(e, 0, sizeof(*e));
}

static int v1_flush(struct cu_depfile *df, struct v1entry *e, custody_error *err)
{
    int rc = 0;
    if (e->name) {
        if (!e->version) {
            rc = cu_err_malformed(err, "yarn.lock", CU_NO_OFFSET,
                                  "line %u: entry \"%s\" has no version", e->line, e->name);
        } else {
            struct cu_pkg p = { .eco = CU_ECO_NPM,
                                .name = e->name,
                                .version = e->version,
                                .resolved = e->resolved,
                                .integrity = e->integrity,
                                .line = e->line,
                                .alias = e->alias,
                                .source = cu_npm_source(e->resolved ? e->resolved : e->range) };
            if (cu_depfile_add(df, &p)) {
                rc = cu_err_nomem(err);
            }
        }
    }
    v1_reset(e);
    return rc;
}

static int parse_v1(struct cu_depfile *df, const uint8_t *data, size_t len, custody_error *err)
{
    df->format = "yarn-v1";
    if (!(df->format_version = cu_strdup("1"))) {
        return cu_err_nomem(err);
    }
    const char *s = (const char *)data;
    size_t pos = 0;
    uint32_t line = 0;
    struct v1entry e = { 0 };
    int rc = 0;
    while (pos < len) {
        size_t st = pos;
        while (pos < len && s[pos] != '\n') {
            pos++;
        }
        size_t n = pos - st;
        const char *l = s + st;
        if (pos < len) {
            pos++;
        }
        line++;
        if (n > 0 && l[n - 1] == '\r') {
            n--;
        }
        size_t ind = 0;
        while (ind < n && l[ind] == ' ') {
            ind++;
        }
        if (ind == n || l[ind] == '#') {
            continue;
        }
        if (memchr(l, '\0', n) || l[ind] == '\t') {
            rc = cu_err_malformed(err, "yarn.lock", st, "line %u: bad character", line);
            break;
        }
        if (ind == 0) {
            if ((rc = v1_flush(df, &e, err))) {
                break;
            }
            if (l[n - 1] != ':') {
                rc = cu_err_malformed(err, "yarn.lock", st, "line %u: expected an entry", line);
                break;
            }
            /* first specifier of "a@x, b@y:" */
            size_t k = 0, end;
            if (l[0] == '"') {
                end = 1;
                while (end < n - 1 && l[end] != '"') {
                    end++;
                }
                if (end >= n - 1 && l[end] != '"') {
                    rc = cu_err_malformed(err, "yarn.lock", st, "line %u: bad quote", line);
                    break;
                }
                k = 1;
            } else {
                end = 0;
                while (end < n - 1 && l[end] != ',') {
                    end++;
                }
            }
            if (end <= k) {
                rc = cu_err_malformed(err, "yarn.lock", st, "line %u: empty entry", line);
                break;
            }
            if (!(e.name = spec_name(l + k, end - k))) {
                rc = cu_err_nomem(err);
                break;
            }
            size_t nl = spec_name_len(l + k, end - k);
            if (nl && !(e.range = cu_strndup(l + k + nl + 1, end - k - nl - 1))) {
                rc = cu_err_nomem(err);
                break;
            }
            /* "alias@npm:real@^1": installed as alias, the package is real */
            if (nl && (strlen(e.name) != nl || memcmp(e.name, l + k, nl) != 0) &&
                !(e.alias = cu_strndup(l + k, nl))) {
                rc = cu_err_nomem(err);
                break;
            }
            e.line = line;
            continue;
        }
        if (!e.name) {
            rc = cu_err_malformed(err, "yarn.lock", st, "line %u: field outside an entry", line);
            break;
        }
        const char *f = l + ind;
        size_t fl = n - ind, kl = 0;
        if (f[0] == '"') {
            kl = 1;
            while (kl < fl && f[kl] != '"') {
                kl++;
            }
            kl += kl < fl;
        } else {
            while (kl < fl && f[kl] != ' ' && f[kl] != ':') {
                kl++;
            }
        }
        if (kl < fl && f[kl] == ':' && kl + 1 == fl) {
            continue; /* "dependencies:" block */
        }
        /* yarn's own parser: a key needs a value, a quoted value its closing quote */
        if (kl >= fl || f[kl] != ' ' || !v1_value_ok(f + kl + 1, fl - kl - 1)) {
            rc = cu_err_malformed(err, "yarn.lock", st, "line %u: bad field", line);
            break;
        }
        if (ind != 2) {
            continue; /* dependencies lists */
        }
        const char *val = f + kl + 1; /* the value after the key */
        size_t vl = fl - kl - 1;
        if (kl >= 2 && f[0] == '"' && f[kl - 1] == '"') {
            /* a quoted key: "version" "1.0.0" */
            f++;
            kl -= 2;
        }
        char **dst = NULL;
        if (kl == 7 && memcmp(f, "version", 7) == 0) {
            dst = &e.version;
        } else if (kl == 8 && memcmp(f, "resolved", 8) == 0) {
            dst = &e.resolved;
        } else if (kl == 9 && memcmp(f, "integrity", 9) == 0) {
            dst = &e.integrity;
        }
        if (!dst) {
            continue;
        }
        free(*dst);
        if (!(*dst = v1_value(val, vl))) {
            rc = cu_err_nomem(err);
            break;
        }
    }
    if (!rc) {
        rc = v1_flush(df, &e, err);
    }
    v1_reset(&e);
    return rc;
}

/* ---- Berry ---- */

static enum cu_dep_source berry_source(const char *res)
{
    const char *at = res ? strchr(res + (res[0] == '@'), '@') : NULL;
    if (!at) {
        return CU_DEP_UNKNOWN;
    }
    const char *p = at + 1;
    if (strncmp(p, "npm:", 4) == 0) {
        return CU_DEP_REGISTRY;
    }
    /* patch:name@npm%3A1.0.0#...: a registry package with a local patch applied */
    if (strncmp(p, "patch:", 6) == 0 && strstr(p, "@npm%3A")) {
        return CU_DEP_REGISTRY;
    }
    if (strncmp(p, "workspace:", 10) == 0 || strncmp(p, "file:", 5) == 0 ||
        strncmp(p, "link:", 5) == 0 || strncmp(p, "portal:", 7) == 0 ||
        strncmp(p, "patch:", 6) == 0 || strncmp(p, "exec:", 5) == 0) {
        return CU_DEP_PATH;
    }
    return cu_npm_source(p);
}

static int parse_berry(struct cu_depfile *df, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_yaml(&t, data, len, err);
    if (rc) {
        return rc;
    }
    df->format = "yarn-berry";
    const json_t *root = t.root;
    const json_t *meta = json_object_get(root, "__metadata");
    if (!json_is_object(root) || !json_is_object(meta)) {
        rc = cu_err_malformed(err, "yarn.lock", 0, "no __metadata");
        goto out;
    }
    if ((rc = cu_depfile_set_version(df, json_object_get(meta, "version")))) {
        goto nomem;
    }
    const char *v = df->format_version;
    /* Berry: 4 (yarn 2), 6 (yarn 3), 8 (yarn 4), 10 (yarn 4.10+); the entry shape has not changed
     * across them, so versions up to 19 are read and anything newer is unsupported */
    if (!v || strlen(v) > 3 || cu_small_uint(v) < 2 || cu_small_uint(v) > 19) {
        rc = cu_err_unsupported(err, "yarn.lock", 0, "line %u: __metadata version %s",
                                cu_lt_key_line(&t, meta, "version"), v ? v : "(none)");
        goto out;
    }
    const char *key;
    json_t *e;
    json_object_foreach((json_t *)root, key, e)
    {
        if (strcmp(key, "__metadata") == 0) {
            continue;
        }
        uint32_t line = cu_lt_key_line(&t, root, key);
        if (!json_is_object(e)) {
            rc = cu_err_malformed(err, "yarn.lock", CU_NO_OFFSET, "line %u: entry is not a mapping",
                                  line);
            goto out;
        }
        const char *res = cu_jstr(e, "resolution"), *ver = cu_jstr(e, "version");
        if (!res || !ver) {
            rc = cu_err_malformed(err, "yarn.lock", CU_NO_OFFSET,
                                  "line %u: entry without resolution or version", line);
            goto out;
        }
        size_t nl = spec_name_len(res, strlen(res));
        if (nl == 0) {
            rc = cu_err_malformed(err, "yarn.lock", CU_NO_OFFSET, "line %u: bad resolution \"%s\"",
                                  line, res);
            goto out;
        }
        if (strcmp(res + nl, "@workspace:.") == 0) {
            continue; /* the project root */
        }
        char *name = cu_strndup(res, nl);
        if (!name) {
            goto nomem;
        }
        struct cu_pkg p = { .eco = CU_ECO_NPM,
                            .name = name,
                            .version = (char *)ver,
                            .resolved = (char *)res,
                            .integrity = (char *)cu_jstr(e, "checksum"),
                            .line = line,
                            .source = berry_source(res) };
        /* "conditions: os=aix & cpu=ppc64": a platform package, fetched (and given a checksum)
         * only on that platform */
        p.optional = cu_jstr(e, "conditions") != NULL;
        rc = cu_depfile_add(df, &p);
        free(name);
        if (rc) {
            goto nomem;
        }
    }
out:
    cu_lt_free(&t);
    return rc;
nomem:
    cu_lt_free(&t);
    return cu_err_nomem(err);
}

int cu_parse_yarn_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    out->is_lockfile = true;
    /* Berry files carry a __metadata mapping; v1 files never do */
    const char *s = (const char *)data;
    for (size_t i = 0; i + 11 <= len; i++) {
        if ((i == 0 || s[i - 1] == '\n') && memcmp(s + i, "__metadata:", 11) == 0) {
            return parse_berry(out, data, len, err);
        }
    }
    return parse_v1(out, data, len, err);
}
