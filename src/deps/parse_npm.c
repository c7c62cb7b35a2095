/* npm: package-lock.json / npm-shrinkwrap.json (lockfileVersion 1-3) and package.json.
 * JSON is read by the lined-tree parser (ltree.c) so every package keeps its line. */
#include <stdlib.h>
#include <string.h>

#include "deps/jpull.h"
#include "deps/parse.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

enum cu_dep_source cu_npm_source(const char *s)
{
    if (!s || !*s) {
        return CU_DEP_REGISTRY;
    }
    if (strncmp(s, "git+", 4) == 0 || strncmp(s, "git:", 4) == 0 || strncmp(s, "github:", 7) == 0 ||
        strncmp(s, "gitlab:", 7) == 0 || strncmp(s, "bitbucket:", 10) == 0 ||
        strncmp(s, "gist:", 5) == 0 || strncmp(s, "git@", 4) == 0 || strncmp(s, "ssh://", 6) == 0) {
        return CU_DEP_GIT;
    }
    if (strncmp(s, "file:", 5) == 0 || strncmp(s, "link:", 5) == 0 ||
        strncmp(s, "workspace:", 10) == 0 || strncmp(s, "portal:", 7) == 0 || s[0] == '.' ||
        s[0] == '/' || strncmp(s, "~/", 2) == 0) {
        /* "~/dir" is a path; "~1.2.3" is a semver tilde range */
        return CU_DEP_PATH;
    }
    if (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0) {
        /* a registry tarball: <registry>/<name>/-/<name>-<version>.tgz */
        if (strstr(s, "/-/") && (cu_has_suffix(s, ".tgz") || strstr(s, ".tgz#"))) {
            return CU_DEP_REGISTRY;
        }
        if (strstr(s, "codeload.github.com/") || strstr(s, ".git#")) {
            return CU_DEP_GIT;
        }
        return CU_DEP_URL;
    }
    if (strncmp(s, "npm:", 4) == 0) {
        return CU_DEP_REGISTRY;
    }
    /* "user/repo" (GitHub shorthand) or "user/repo#ref" */
    if (s[0] != '@' && strchr(s, '/')) {
        return CU_DEP_GIT;
    }
    return CU_DEP_REGISTRY;
}

bool cu_npm_alias(const char *s, char **name, char **version)
{
    *name = *version = NULL;
    if (!s || strncmp(s, "npm:", 4) != 0) {
        return false;
    }
    s += 4;
    const char *at = strrchr(s, '@');
    if (!at || at == s) { /* "npm:name" with no version, or "npm:@scope/x" */
        *name = cu_strdup(s);
        return *name != NULL;
    }
    *name = cu_strndup(s, (size_t)(at - s));
    *version = cu_strdup(at + 1);
    if (!*name || !*version) {
        free(*name);
        free(*version);
        *name = *version = NULL;
        return false;
    }
    return true;
}

int cu_depfile_set_version(struct cu_depfile *df, const json_t *v)
{
    free(df->format_version);
    df->format_version = NULL;
    if (json_is_string(v)) {
        df->format_version = cu_strdup(json_string_value(v));
    } else if (json_is_integer(v)) {
        df->format_version = cu_asprintf("%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        df->format_version = cu_asprintf("%g", json_real_value(v));
    } else {
        return 0;
    }
    return df->format_version ? 0 : CUSTODY_ENOMEM;
}

/* ---- package-lock.json / npm-shrinkwrap.json: streamed (deps/jpull.h) ----
 * A 10,000-package lockfile is read without building a tree: each "packages" entry (v2/v3)
 * or "dependencies" entry (v1, recursively) is read field by field, unused values skipped. */

struct npm {
    struct cu_jp p;
    custody_error *err;
    struct cu_hset paths, rootdeps;
};

struct entry {
    char *version, *resolved, *integrity, *name;
    bool dev, optional, devopt, install, link;
};

static void entry_clear(struct entry *e)
{
    free(e->version);
    free(e->resolved);
    free(e->integrity);
    free(e->name);
    memset(e, 0, sizeof(*e));
}

/* The current string value (vb) as a fresh string; a NUL inside is malformed. */
static int take_str(struct npm *n, char **dst)
{
    if (strlen(cu_buf_str(&n->p.vb)) != n->p.vb.len) {
        return cu_jp_error(&n->p, "NUL in a string");
    }
    free(*dst);
    *dst = cu_strdup(cu_buf_str(&n->p.vb));
    return *dst ? 0 : cu_err_nomem(n->err);
}

static int walk_deps_v1(struct npm *n, struct cu_depfile *df, unsigned depth, bool top);

/* Reads one entry object. v1: a nested "dependencies" object is walked into df. */
static int read_entry(struct npm *n, struct entry *e, struct cu_depfile *v1df, unsigned depth)
{
    static const char *const strs[] = { "version", "resolved", "integrity", "name" };
    static const char *const bools[] = { "dev", "optional", "devOptional", "hasInstallScript",
                                         "link" };
    static const size_t slen[] = { 7, 8, 9, 4 }, blen[] = { 3, 8, 11, 16, 4 };
    unsigned seen = 0;
    bool more, first = true;
    uint32_t line;
    int rc = cu_jp_obj_begin(&n->p);
    while (!rc && !(rc = cu_jp_obj_next(&n->p, first, &more, &line)) && more) {
        first = false;
        const char *k = cu_buf_str(&n->p.kb);
        size_t kl = n->p.kb.len;
        int hit = -1;
        for (int i = 0; i < 4 && hit < 0; i++) {
            if (kl == slen[i] && memcmp(k, strs[i], kl) == 0) {
                hit = i;
            }
        }
        for (int i = 0; i < 5 && hit < 0; i++) {
            if (kl == blen[i] && memcmp(k, bools[i], kl) == 0) {
                hit = 4 + i;
            }
        }
        bool deps = v1df && strcmp(k, "dependencies") == 0;
        if (deps) {
            hit = 9;
        }
        if (hit < 0) {
            rc = cu_jp_skip(&n->p);
            continue;
        }
        if (seen & (1u << hit)) {
            return cu_jp_error(&n->p, "duplicate key in a package entry");
        }
        seen |= 1u << hit;
        enum cu_jtok t;
        if (deps) {
            rc = walk_deps_v1(n, v1df, depth + 1, false);
            continue;
        }
        if ((rc = cu_jp_scalar(&n->p, &t))) {
            return rc;
        }
        if (hit < 4) {
            if (t == CU_JT_NULL) {
                continue;
            }
            if (t != CU_JT_STR) {
                return cu_jp_error(&n->p, "package field is not a string");
            }
            char **dst = hit == 0   ? &e->version
                         : hit == 1 ? &e->resolved
                         : hit == 2 ? &e->integrity
                                    : &e->name;
            rc = take_str(n, dst);
        } else {
            if (t != CU_JT_TRUE && t != CU_JT_FALSE) {
                return cu_jp_error(&n->p, "package flag is not a boolean");
            }
            bool v = t == CU_JT_TRUE;
            switch (hit) {
            case 4:
                e->dev = v;
                break;
            case 5:
                e->optional = v;
                break;
            case 6:
                e->devopt = v;
                break;
            case 7:
                e->install = v;
                break;
            default:
                e->link = v;
                break;
            }
        }
    }
    return rc;
}

/* One package from an entry. `key_name` is the name it is installed under; e->version may be
 * an alias ("npm:real@1.0.0"), a git URL or a file: path (v1). */
static int
add_npm(struct cu_depfile *df, const char *key_name, const struct entry *e, uint32_t line, bool top)
{
    const char *ver = e->version, *resolved = e->resolved;
    char *aname = NULL, *aver = NULL;
    struct cu_pkg p = { .eco = CU_ECO_NPM, .line = line, .direct = top };
    p.name = (char *)(e->name && *e->name ? e->name : key_name);
    if (key_name && strcmp(p.name, key_name) != 0) {
        p.alias = (char *)key_name; /* v2/v3: "node_modules/x": { "name": "real" } */
    }
    if (cu_npm_alias(ver, &aname, &aver)) {
        p.alias = (char *)key_name;
        p.name = aname;
        p.version = aver;
    } else if (ver && cu_npm_source(ver) != CU_DEP_REGISTRY) {
        /* v1: the version field holds the git URL or file: path */
        if (!resolved) {
            resolved = ver;
        }
        p.source = cu_npm_source(ver);
    } else {
        p.version = (char *)ver;
    }
    if (p.source == CU_DEP_REGISTRY) {
        p.source = cu_npm_source(resolved);
    }
    p.resolved = (char *)resolved;
    p.integrity = e->integrity;
    p.dev = e->dev || e->devopt;
    p.optional = e->optional || e->devopt;
    p.install_script = e->install;
    int rc = p.name && *p.name ? cu_depfile_add(df, &p) : 0;
    free(aname);
    free(aver);
    return rc;
}

static int walk_deps_v1(struct npm *n, struct cu_depfile *df, unsigned depth, bool top)
{
    if (depth > CU_LIMIT_DEPS_DEPTH) {
        return cu_err_limit(n->err, "package-lock", n->p.pos, "dependency tree too deep");
    }
    struct cu_hset keys = { 0 };
    bool more, first = true;
    uint32_t line;
    int rc = cu_jp_obj_begin(&n->p);
    while (!rc && !(rc = cu_jp_obj_next(&n->p, first, &more, &line)) && more) {
        first = false;
        char *key = cu_strdup(cu_buf_str(&n->p.kb));
        if (!key) {
            rc = cu_err_nomem(n->err);
            break;
        }
        int added = cu_hset_add(&keys, cu_strhash(key));
        struct entry e = { 0 };
        if (added < 0) {
            rc = cu_err_nomem(n->err);
        } else if (added == 0) {
            rc = cu_jp_error(&n->p, "duplicate dependency");
        } else if (!(rc = read_entry(n, &e, df, depth)) && add_npm(df, key, &e, line, top)) {
            rc = cu_err_nomem(n->err);
        }
        entry_clear(&e);
        free(key);
    }
    free(keys.v);
    return rc;
}

/* The installed name from a "packages" path: after the last "node_modules/", else the last
 * path segment (workspace folders). */
static const char *name_from_path(const char *path)
{
    const char *nm = NULL, *s = path;
    while ((s = strstr(s, "node_modules/")) != NULL) {
        nm = s + 13;
        s = nm;
    }
    if (nm) {
        return nm;
    }
    return cu_basename(path);
}

/* The root entry "": its dependency names decide which packages are direct. */
static int read_root(struct npm *n)
{
    bool more, first = true;
    uint32_t line;
    int rc = cu_jp_obj_begin(&n->p);
    while (!rc && !(rc = cu_jp_obj_next(&n->p, first, &more, &line)) && more) {
        first = false;
        const char *k = cu_buf_str(&n->p.kb);
        enum cu_jtok t;
        if (strcmp(k, "dependencies") != 0 && strcmp(k, "devDependencies") != 0 &&
            strcmp(k, "optionalDependencies") != 0 && strcmp(k, "peerDependencies") != 0) {
            rc = cu_jp_skip(&n->p);
            continue;
        }
        if ((rc = cu_jp_peek(&n->p, &t))) {
            break;
        }
        if (t != CU_JT_OBJ) {
            rc = cu_jp_error(&n->p, "root dependencies are not an object");
            break;
        }
        bool m2, f2 = true;
        rc = cu_jp_obj_begin(&n->p);
        while (!rc && !(rc = cu_jp_obj_next(&n->p, f2, &m2, &line)) && m2) {
            f2 = false;
            if (cu_hset_add(&n->rootdeps, cu_strhash(cu_buf_str(&n->p.kb))) < 0) {
                return cu_err_nomem(n->err);
            }
            rc = cu_jp_skip(&n->p);
        }
    }
    return rc;
}

static int read_packages(struct npm *n, struct cu_depfile *df)
{
    bool more, first = true;
    uint32_t line;
    enum cu_jtok t;
    int rc = cu_jp_peek(&n->p, &t);
    if (!rc && t != CU_JT_OBJ) {
        return cu_jp_error(&n->p, "\"packages\" is not an object");
    }
    if (!rc) {
        rc = cu_jp_obj_begin(&n->p);
    }
    while (!rc && !(rc = cu_jp_obj_next(&n->p, first, &more, &line)) && more) {
        first = false;
        char *key = cu_strdup(cu_buf_str(&n->p.kb));
        if (!key) {
            return cu_err_nomem(n->err);
        }
        int added = cu_hset_add(&n->paths, cu_strhash(key));
        if (added <= 0) {
            free(key);
            return added < 0 ? cu_err_nomem(n->err) : cu_jp_error(&n->p, "duplicate package");
        }
        if ((rc = cu_jp_peek(&n->p, &t)) == 0 && t != CU_JT_OBJ) {
            rc = cu_jp_error(&n->p, "package entry is not an object");
        }
        if (!rc && key[0] == '\0') {
            rc = read_root(n);
        } else if (!rc) {
            struct entry e = { 0 };
            rc = read_entry(n, &e, NULL, 0);
            /* a link (its target is listed too) adds nothing */
            if (!rc && !e.link) {
                bool top =
                    strncmp(key, "node_modules/", 13) == 0 && !strstr(key + 13, "/node_modules/");
                if (add_npm(df, name_from_path(key), &e, line, top)) {
                    rc = cu_err_nomem(n->err);
                } else if (!strstr(key, "node_modules/") && !e.resolved) {
                    /* a workspace folder ("packages/foo"): local source */
                    df->pkgs[df->npkgs - 1].source = CU_DEP_PATH;
                }
            }
            entry_clear(&e);
        }
        free(key);
    }
    return rc;
}

int cu_parse_npm_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct npm n = { .err = err };
    struct cu_depfile v1 = { 0 };
    bool have_pk = false, have_deps = false, have_lv = false;
    uint32_t lv_line = 0;
    long v = -1;
    out->format = "package-lock";
    out->is_lockfile = true;
    int rc = cu_jp_init(&n.p, data, len, err);
    enum cu_jtok t;
    if (!rc && !(rc = cu_jp_peek(&n.p, &t)) && t != CU_JT_OBJ) {
        rc = cu_jp_error(&n.p, "not a JSON object");
    }
    if (!rc) {
        rc = cu_jp_obj_begin(&n.p);
    }
    bool more, first = true;
    uint32_t line;
    unsigned seen = 0;
    while (!rc && !(rc = cu_jp_obj_next(&n.p, first, &more, &line)) && more) {
        first = false;
        const char *k = cu_buf_str(&n.p.kb);
        int which = strcmp(k, "lockfileVersion") == 0 ? 0
                    : strcmp(k, "name") == 0          ? 1
                    : strcmp(k, "version") == 0       ? 2
                    : strcmp(k, "packages") == 0      ? 3
                    : strcmp(k, "dependencies") == 0  ? 4
                                                      : -1;
        if (which < 0) {
            rc = cu_jp_skip(&n.p);
            continue;
        }
        if (seen & (1u << which)) {
            rc = cu_jp_error(&n.p, "duplicate key");
            break;
        }
        seen |= 1u << which;
        if (which == 3) {
            have_pk = true;
            rc = read_packages(&n, out);
        } else if (which == 4) {
            have_deps = true;
            if (!(rc = cu_jp_peek(&n.p, &t)) && t != CU_JT_OBJ) {
                rc = cu_jp_error(&n.p, "\"dependencies\" is not an object");
            }
            if (!rc) {
                rc = walk_deps_v1(&n, &v1, 0, true);
            }
        } else if (!(rc = cu_jp_scalar(&n.p, &t))) {
            const char *val = cu_buf_str(&n.p.vb);
            if (which == 0) {
                have_lv = true;
                lv_line = line;
                free(out->format_version);
                out->format_version = cu_strdup(t == CU_JT_NUM || t == CU_JT_STR ? val : "?");
                if (!out->format_version) {
                    rc = cu_err_nomem(err);
                }
                v = t == CU_JT_NUM ? cu_small_uint(val) : -1;
            } else if (t == CU_JT_STR) {
                char **dst = which == 1 ? &out->project_name : &out->project_version;
                rc = take_str(&n, dst);
            }
        }
    }
    if (!rc) {
        rc = cu_jp_end(&n.p);
    }
    if (!rc && !have_lv) {
        /* npm 5 shrinkwraps before lockfileVersion: a v1 dependency tree */
        if (have_deps) {
            v = 1;
        } else {
            rc = cu_err_malformed(err, "package-lock", 0, "no lockfileVersion");
        }
    }
    if (!rc && (v < 1 || v > 3)) {
        rc = cu_err_unsupported(err, "package-lock", 0, "line %u: lockfileVersion %s", lv_line,
                                out->format_version ? out->format_version : "(none)");
    }
    if (!rc && (v == 1 || !have_pk)) {
        /* the v1 tree is the package set; drop anything a stray "packages" added */
        struct cu_pkg *pk = out->pkgs;
        size_t np = out->npkgs, cp = out->cap_pkgs;
        out->pkgs = v1.pkgs;
        out->npkgs = v1.npkgs;
        out->cap_pkgs = v1.cap_pkgs;
        v1.pkgs = pk;
        v1.npkgs = np;
        v1.cap_pkgs = cp;
        /* v1 top-level entries are the hoisted tree, not the project's own dependencies (only
         * package.json names those): a v1 lockfile says nothing about which are direct */
        for (size_t i = 0; i < out->npkgs; i++) {
            out->pkgs[i].direct = false;
        }
    }
    if (!rc && v >= 2 && have_pk) {
        for (size_t i = 0; i < out->npkgs; i++) {
            if (out->pkgs[i].direct) {
                /* root dependencies are keyed by the install name (an alias, when aliased) */
                const struct cu_pkg *q = &out->pkgs[i];
                out->pkgs[i].direct =
                    cu_hset_has(&n.rootdeps, cu_strhash(q->alias ? q->alias : q->name));
            }
        }
    }
    cu_depfile_clear(&v1);
    free(n.paths.v);
    free(n.rootdeps.v);
    cu_jp_free(&n.p);
    return rc;
}

/* ---- package.json ---- */

static bool lifecycle(const char *name)
{
    static const char *const l[] = { "preinstall", "install",    "postinstall", "prepare",
                                     "prepublish", "preprepare", "postprepare" };
    for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
        if (strcmp(name, l[i]) == 0) {
            return true;
        }
    }
    return false;
}

int cu_parse_package_json(struct cu_depfile *out,
                          const uint8_t *data,
                          size_t len,
                          custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_json(&t, data, len, false, err);
    if (rc) {
        return rc;
    }
    const json_t *root = t.root;
    out->format = "package-json";
    if (!json_is_object(root)) {
        rc = cu_err_malformed(err, "package.json", 0, "not a JSON object");
        goto out;
    }
    const char *pn = cu_jstr(root, "name"), *pv = cu_jstr(root, "version");
    if ((pn && !(out->project_name = cu_strdup(pn))) ||
        (pv && !(out->project_version = cu_strdup(pv)))) {
        rc = cu_err_nomem(err);
        goto out;
    }
    bool has_lifecycle = false;
    const json_t *scripts = json_object_get(root, "scripts");
    if (json_is_object(scripts)) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)scripts, key, v)
        {
            if (!json_is_string(v)) {
                continue;
            }
            if (lifecycle(key)) {
                has_lifecycle = true;
            }
            if (cu_depfile_add_script(out, key, json_string_value(v),
                                      cu_lt_key_line(&t, scripts, key))) {
                rc = cu_err_nomem(err);
                goto out;
            }
        }
    }
    (void)has_lifecycle;
    static const char *const fields[] = { "dependencies", "devDependencies", "optionalDependencies",
                                          "peerDependencies" };
    for (size_t f = 0; f < 4; f++) {
        const json_t *deps = json_object_get(root, fields[f]);
        if (!deps) {
            continue;
        }
        if (!json_is_object(deps)) {
            rc = cu_err_malformed(err, "package.json", CU_NO_OFFSET,
                                  "line %u: \"%s\" is not an object",
                                  cu_lt_key_line(&t, root, fields[f]), fields[f]);
            goto out;
        }
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)deps, key, v)
        {
            const char *spec = json_is_string(v) ? json_string_value(v) : NULL;
            char *aname = NULL, *aver = NULL;
            struct cu_pkg p = { .eco = CU_ECO_NPM,
                                .name = (char *)key,
                                .spec = (char *)spec,
                                .line = cu_lt_key_line(&t, deps, key),
                                .direct = true,
                                .dev = f == 1,
                                .optional = f == 2 };
            p.source = cu_npm_source(spec);
            if (p.source != CU_DEP_REGISTRY) {
                p.resolved = (char *)spec;
            }
            if (cu_npm_alias(spec, &aname, &aver)) {
                p.alias = (char *)key;
                p.name = aname;
                p.spec = aver;
            }
            rc = cu_depfile_add(out, &p);
            free(aname);
            free(aver);
            if (rc) {
                rc = cu_err_nomem(err);
                goto out;
            }
        }
    }
out:
    cu_lt_free(&t);
    return rc;
}
