/* npm: package-lock.json / npm-shrinkwrap.json (lockfileVersion 1-3) and package.json.
 * JSON is read by the lined-tree parser (ltree.c) so every package keeps its line. */
#include <stdlib.h>
#include <string.h>

#include "deps/parse.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

enum cu_dep_source cu_npm_source(const char *s)
{
    if (!s || !*s)
        return CU_DEP_REGISTRY;
    if (strncmp(s, "git+", 4) == 0 || strncmp(s, "git:", 4) == 0 || strncmp(s, "github:", 7) == 0 ||
        strncmp(s, "gitlab:", 7) == 0 || strncmp(s, "bitbucket:", 10) == 0 ||
        strncmp(s, "gist:", 5) == 0 || strncmp(s, "git@", 4) == 0 || strncmp(s, "ssh://", 6) == 0)
        return CU_DEP_GIT;
    if (strncmp(s, "file:", 5) == 0 || strncmp(s, "link:", 5) == 0 ||
        strncmp(s, "workspace:", 10) == 0 || strncmp(s, "portal:", 7) == 0 || s[0] == '.' ||
        s[0] == '/' || s[0] == '~')
        return CU_DEP_PATH;
    if (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0) {
        /* a registry tarball: <registry>/<name>/-/<name>-<version>.tgz */
        if (strstr(s, "/-/") && (cu_has_suffix(s, ".tgz") || strstr(s, ".tgz#")))
            return CU_DEP_REGISTRY;
        if (strstr(s, "codeload.github.com/") || strstr(s, ".git#"))
            return CU_DEP_GIT;
        return CU_DEP_URL;
    }
    if (strncmp(s, "npm:", 4) == 0)
        return CU_DEP_REGISTRY;
    /* "user/repo" (GitHub shorthand) or "user/repo#ref" */
    if (s[0] != '@' && strchr(s, '/'))
        return CU_DEP_GIT;
    return CU_DEP_REGISTRY;
}

bool cu_npm_alias(const char *s, char **name, char **version)
{
    *name = *version = NULL;
    if (!s || strncmp(s, "npm:", 4) != 0)
        return false;
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
    if (json_is_string(v))
        df->format_version = cu_strdup(json_string_value(v));
    else if (json_is_integer(v))
        df->format_version = cu_asprintf("%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        df->format_version = cu_asprintf("%g", json_real_value(v));
    else
        return 0;
    return df->format_version ? 0 : CUSTODY_ENOMEM;
}

/* One package from a lockfile entry. `key_name` is the name the entry is installed under;
 * `version` may be an alias ("npm:real@1.0.0"), a git URL or file: path (v1). */
static int
add_npm(struct cu_depfile *df, const char *key_name, const json_t *e, uint32_t line, bool direct)
{
    const char *ver = cu_jstr(e, "version");
    const char *resolved = cu_jstr(e, "resolved");
    char *aname = NULL, *aver = NULL;
    struct cu_pkg p = { .eco = CU_ECO_NPM, .line = line, .direct = direct };
    p.name = (char *)key_name;
    const char *n = cu_jstr(e, "name");
    if (n && *n)
        p.name = (char *)n;
    if (cu_npm_alias(ver, &aname, &aver)) {
        p.name = aname;
        p.version = aver;
    } else if (ver && cu_npm_source(ver) != CU_DEP_REGISTRY) {
        /* v1: the version field holds the git URL or file: path */
        if (!resolved)
            resolved = ver;
        p.source = cu_npm_source(ver);
    } else {
        p.version = (char *)ver;
    }
    if (p.source == CU_DEP_REGISTRY)
        p.source = cu_npm_source(resolved);
    p.resolved = (char *)resolved;
    p.integrity = (char *)cu_jstr(e, "integrity");
    p.dev = cu_jtrue(e, "dev") || cu_jtrue(e, "devOptional");
    p.optional = cu_jtrue(e, "optional") || cu_jtrue(e, "devOptional");
    p.install_script = cu_jtrue(e, "hasInstallScript");
    int rc = p.name && *p.name ? cu_depfile_add(df, &p) : 0;
    free(aname);
    free(aver);
    return rc;
}

static int walk_v1(struct cu_depfile *df,
                   const struct cu_ltree *t,
                   const json_t *deps,
                   unsigned depth,
                   bool top,
                   custody_error *err)
{
    if (!deps)
        return 0;
    if (!json_is_object(deps))
        return cu_err_malformed(err, "package-lock", CU_NO_OFFSET,
                                "\"dependencies\" is not an object");
    if (depth > CU_LIMIT_DEPS_DEPTH)
        return cu_err_limit(err, "package-lock", CU_NO_OFFSET, "dependency tree too deep");
    const char *key;
    json_t *e;
    json_object_foreach((json_t *)deps, key, e)
    {
        if (!json_is_object(e))
            return cu_err_malformed(err, "package-lock", CU_NO_OFFSET,
                                    "line %u: dependency \"%s\" is not an object",
                                    cu_lt_key_line(t, deps, key), key);
        int rc = add_npm(df, key, e, cu_lt_key_line(t, deps, key), top);
        if (rc)
            return rc == CUSTODY_ENOMEM ? cu_err_nomem(err) : rc;
        rc = walk_v1(df, t, json_object_get(e, "dependencies"), depth + 1, false, err);
        if (rc)
            return rc;
    }
    return 0;
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
    if (nm)
        return nm;
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool root_lists(const json_t *root, const char *name)
{
    static const char *const fields[] = { "dependencies", "devDependencies", "optionalDependencies",
                                          "peerDependencies" };
    for (size_t i = 0; i < 4; i++)
        if (json_object_get(json_object_get(root, fields[i]), name))
            return true;
    return false;
}

int cu_parse_npm_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_json(&t, data, len, false, err);
    if (rc)
        return rc;
    const json_t *root = t.root;
    out->format = "package-lock";
    out->is_lockfile = true;
    if (!json_is_object(root)) {
        rc = cu_err_malformed(err, "package-lock", 0, "not a JSON object");
        goto out;
    }
    const json_t *lv = json_object_get(root, "lockfileVersion");
    if ((rc = cu_depfile_set_version(out, lv)))
        goto nomem;
    const char *pn = cu_jstr(root, "name"), *pv = cu_jstr(root, "version");
    if ((pn && !(out->project_name = cu_strdup(pn))) ||
        (pv && !(out->project_version = cu_strdup(pv))))
        goto nomem;
    json_int_t v = json_is_integer(lv) ? json_integer_value(lv) : 0;
    if (!lv) {
        /* npm 5 shrinkwraps before lockfileVersion: a v1 dependency tree */
        if (!json_object_get(root, "dependencies")) {
            rc = cu_err_malformed(err, "package-lock", 0, "no lockfileVersion");
            goto out;
        }
        v = 1;
    }
    if (v < 1 || v > 3) {
        rc = cu_err_unsupported(err, "package-lock", 0, "line %u: lockfileVersion %s",
                                cu_lt_key_line(&t, root, "lockfileVersion"),
                                out->format_version ? out->format_version : "(not a number)");
        goto out;
    }
    const json_t *pk = json_object_get(root, "packages");
    if (v == 1 || !pk) {
        if (v >= 3 && !json_object_get(root, "dependencies") && !pk) {
            goto out; /* an empty v3 lockfile */
        }
        rc = walk_v1(out, &t, json_object_get(root, "dependencies"), 0, true, err);
        goto out;
    }
    if (!json_is_object(pk)) {
        rc = cu_err_malformed(err, "package-lock", 0, "\"packages\" is not an object");
        goto out;
    }
    const json_t *rootpkg = json_object_get(pk, "");
    const char *key;
    json_t *e;
    json_object_foreach((json_t *)pk, key, e)
    {
        uint32_t line = cu_lt_key_line(&t, pk, key);
        if (!json_is_object(e)) {
            rc = cu_err_malformed(err, "package-lock", CU_NO_OFFSET,
                                  "line %u: package \"%s\" is not an object", line, key);
            goto out;
        }
        if (key[0] == '\0' || cu_jtrue(e, "link"))
            continue; /* the project itself; a link (its target is listed too) */
        const char *name = name_from_path(key);
        bool top = strncmp(key, "node_modules/", 13) == 0 && !strstr(key + 13, "/node_modules/");
        bool direct = top && root_lists(rootpkg, name);
        if ((rc = add_npm(out, name, e, line, direct)))
            goto nomem_rc;
    }
out:
    cu_lt_free(&t);
    return rc;
nomem_rc:
    if (rc != CUSTODY_ENOMEM)
        goto out;
nomem:
    cu_lt_free(&t);
    return cu_err_nomem(err);
}

/* ---- package.json ---- */

static bool lifecycle(const char *name)
{
    static const char *const l[] = { "preinstall", "install",    "postinstall", "prepare",
                                     "prepublish", "preprepare", "postprepare" };
    for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
        if (strcmp(name, l[i]) == 0)
            return true;
    return false;
}

int cu_parse_package_json(struct cu_depfile *out,
                          const uint8_t *data,
                          size_t len,
                          custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_json(&t, data, len, false, err);
    if (rc)
        return rc;
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
            if (!json_is_string(v))
                continue;
            if (lifecycle(key))
                has_lifecycle = true;
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
        if (!deps)
            continue;
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
            if (p.source != CU_DEP_REGISTRY)
                p.resolved = (char *)spec;
            if (cu_npm_alias(spec, &aname, &aver)) {
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
