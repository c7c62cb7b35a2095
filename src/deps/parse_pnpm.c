/* pnpm-lock.yaml, lockfileVersion 5.x (keys "/name/1.0.0_peer"), 6.x ("/name@1.0.0(peer)"),
 * 7.x/9.x ("name@1.0.0(peer)", packages + snapshots). */
#include <stdlib.h>
#include <string.h>

#include "deps/parse.h"
#include "core/util.h"
#include "core/banned.h"

static bool starts_digit(const char *s)
{
    return s && s[0] >= '0' && s[0] <= '9';
}

/* Name and version from a package key; false when the key names no versioned package. */
static bool key_parts(const char *key, int major, char **name, char **version)
{
    *name = *version = NULL;
    const char *k = key;
    if (major >= 6) {
        if (*k == '/') {
            k++;
        }
        size_t kl = strcspn(k, "(");
        const char *at = NULL;
        for (size_t i = 1; i < kl; i++) {
            if (k[i] == '@') {
                at = k + i;
                break;
            }
        }
        if (!at) {
            return false;
        }
        *name = cu_strndup(k, (size_t)(at - k));
        *version = cu_strndup(at + 1, kl - (size_t)(at - k) - 1);
        return *name && *version;
    }
    /* v5: [host]/name/version[_peers] or /@scope/name/version */
    if (*k == '/') {
        k++;
    } else {
        const char *sl = strchr(k, '/');
        if (!sl) {
            return false;
        }
        k = sl + 1; /* drop the registry host */
    }
    const char *s1 = strchr(k, '/');
    if (!s1) {
        return false;
    }
    const char *vs = s1 + 1;
    if (k[0] == '@') {
        const char *s2 = strchr(vs, '/');
        if (!s2) {
            return false;
        }
        vs = s2 + 1;
    }
    if (!starts_digit(vs) || strchr(vs, '/')) {
        return false;
    }
    *name = cu_strndup(k, (size_t)(vs - 1 - k));
    *version = cu_strndup(vs, strcspn(vs, "_("));
    return *name && *version;
}

static enum cu_dep_source pnpm_source(const char *key, const json_t *res, const char **resolved)
{
    const char *tb = cu_jstr(res, "tarball"), *repo = cu_jstr(res, "repo"),
               *dir = cu_jstr(res, "directory");
    *resolved = NULL;
    if (repo || json_object_get(res, "commit") ||
        (cu_jstr(res, "type") && strcmp(cu_jstr(res, "type"), "git") == 0)) {
        *resolved = repo ? repo : tb;
        return CU_DEP_GIT;
    }
    if (dir) {
        *resolved = dir;
        return CU_DEP_PATH;
    }
    if (tb) {
        *resolved = tb;
        if (strncmp(tb, "file:", 5) == 0) {
            return CU_DEP_PATH;
        }
        enum cu_dep_source s = cu_npm_source(tb);
        return s;
    }
    if (strncmp(key, "file:", 5) == 0 || strncmp(key, "link:", 5) == 0) {
        return CU_DEP_PATH;
    }
    return CU_DEP_REGISTRY;
}

/* "name@version" hash; the version is cut at a peer suffix ("(...)", "_..."). */
static uint64_t nv_hash(const char *name, const char *ver, size_t vl)
{
    struct cu_buf b = CU_BUF_INIT(8192);
    cu_buf_adds(&b, name);
    cu_buf_addc(&b, '@');
    cu_buf_add(&b, ver, vl);
    uint64_t h = cu_strhash(cu_buf_str(&b));
    cu_buf_free(&b);
    return h;
}

/* Marks direct dependencies (root "dependencies"... in v5, importers.* in v6+) and dev-only
 * ones, through hash sets (a monorepo has hundreds of importers). */
static int mark_direct(struct cu_depfile *df, const json_t *root)
{
    static const char *const groups[] = { "dependencies", "optionalDependencies",
                                          "devDependencies" };
    struct cu_hset prod = { 0 }, dev = { 0 };
    const json_t *imp = json_object_get(root, "importers");
    size_t nimp = json_is_object(imp) ? json_object_size(imp) : 1;
    void *it = json_is_object(imp) ? json_object_iter((json_t *)imp) : NULL;
    int rc = 0;
    for (size_t i = 0; i < nimp && !rc; i++) {
        const json_t *o = it ? json_object_iter_value(it) : root;
        if (it) {
            it = json_object_iter_next((json_t *)imp, it);
        }
        for (size_t g = 0; g < 3 && !rc; g++) {
            const json_t *deps = json_object_get(o, groups[g]);
            const char *name;
            json_t *v;
            if (!json_is_object(deps)) {
                continue;
            }
            json_object_foreach((json_t *)deps, name, v)
            {
                const char *ver = json_is_string(v) ? json_string_value(v) : cu_jstr(v, "version");
                if (!ver) {
                    continue;
                }
                if (cu_hset_add(g == 2 ? &dev : &prod, nv_hash(name, ver, strcspn(ver, "(_"))) <
                    0) {
                    rc = CUSTODY_ENOMEM;
                    break;
                }
            }
        }
    }
    for (size_t k = 0; k < df->npkgs && !rc; k++) {
        struct cu_pkg *p = &df->pkgs[k];
        if (!p->version) {
            continue;
        }
        uint64_t h = nv_hash(p->name, p->version, strlen(p->version));
        bool inp = cu_hset_has(&prod, h), ind = cu_hset_has(&dev, h);
        if (inp || ind) {
            p->direct = true;
            p->dev = !inp;
        }
    }
    free(prod.v);
    free(dev.v);
    return rc;
}

int cu_parse_pnpm_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_yaml(&t, data, len, err);
    if (rc) {
        return rc;
    }
    out->format = "pnpm-lock";
    out->is_lockfile = true;
    const json_t *root = t.root;
    if (!json_is_object(root)) {
        rc = cu_err_malformed(err, "pnpm-lock.yaml", 0, "not a mapping");
        goto out;
    }
    const json_t *lv = json_object_get(root, "lockfileVersion");
    if ((rc = cu_depfile_set_version(out, lv))) {
        goto nomem;
    }
    if (json_object_size(root) == 0) {
        goto out; /* an empty file */
    }
    const char *v = out->format_version;
    long major = v ? cu_small_uint((char[]){ v[0], '\0' }) : -1;
    if (!v || major < 5 || major > 9 || (v[1] != '\0' && v[1] != '.')) {
        rc = cu_err_unsupported(err, "pnpm-lock.yaml", 0, "line %u: lockfileVersion %s",
                                cu_lt_key_line(&t, root, "lockfileVersion"), v ? v : "(none)");
        goto out;
    }
    const json_t *pk = json_object_get(root, "packages");
    if (!pk || json_is_null(pk)) {
        goto out;
    }
    if (!json_is_object(pk)) {
        rc = cu_err_malformed(err, "pnpm-lock.yaml", CU_NO_OFFSET,
                              "line %u: packages is not a mapping",
                              cu_lt_key_line(&t, root, "packages"));
        goto out;
    }
    const char *key;
    json_t *e;
    json_object_foreach((json_t *)pk, key, e)
    {
        uint32_t line = cu_lt_key_line(&t, pk, key);
        if (!json_is_object(e) && !json_is_null(e)) {
            rc = cu_err_malformed(err, "pnpm-lock.yaml", CU_NO_OFFSET,
                                  "line %u: package entry is not a mapping", line);
            goto out;
        }
        char *kname = NULL, *kver = NULL;
        bool ok = key_parts(key, (int)major, &kname, &kver);
        const char *name = cu_jstr(e, "name"), *ver = cu_jstr(e, "version");
        if (!name) {
            name = kname;
        }
        if (!ver && kver && starts_digit(kver)) {
            ver = kver;
        }
        /* v6+: "name@file:../x" / "name@https://..." without a version field is still a
         * package (a local or URL one); v5 keys without a version are skipped, as pnpm does */
        bool unversioned = !ver && ok && major >= 6 && kver && *kver;
        if (!name || (!ver && !unversioned) || (!ok && !cu_jstr(e, "name"))) {
            free(kname);
            free(kver);
            continue; /* a key that names no versioned package (pnpm skips it too) */
        }
        const json_t *res = json_object_get(e, "resolution");
        const char *resolved = NULL;
        struct cu_pkg p = { .eco = CU_ECO_NPM,
                            .name = (char *)name,
                            .version = (char *)ver,
                            .line = line,
                            .integrity = (char *)cu_jstr(res, "integrity"),
                            .dev = cu_jtrue(e, "dev"),
                            .optional = cu_jtrue(e, "optional"),
                            .install_script = cu_jtrue(e, "requiresBuild") };
        p.source = pnpm_source(key, res, &resolved);
        p.resolved = (char *)resolved;
        if (unversioned && !resolved) {
            p.resolved = kver;
            p.source = cu_npm_source(kver);
        }
        /* pnpm 10 runtimes ("node@runtime:22.0.0"): resolution {type: variations, variants:
         * [{resolution: {integrity, url}, targets}]}, one archive per platform, each pinned */
        struct cu_buf vh = CU_BUF_INIT(1u << 20);
        const char *rtype = cu_jstr(res, "type");
        const json_t *vars = json_object_get(res, "variants");
        if (!p.integrity && rtype && strcmp(rtype, "variations") == 0 && json_is_array(vars)) {
            for (size_t j = 0; j < json_array_size(vars); j++) {
                const char *vi =
                    cu_jstr(json_object_get(json_array_get(vars, j), "resolution"), "integrity");
                if (vi && *vi) {
                    if (vh.len) {
                        cu_buf_addc(&vh, ' ');
                    }
                    cu_buf_adds(&vh, vi);
                }
            }
            if (vh.len) {
                p.integrity = (char *)cu_buf_str(&vh);
            }
        }
        rc = cu_depfile_add(out, &p);
        cu_buf_free(&vh);
        free(kname);
        free(kver);
        if (rc) {
            goto nomem;
        }
    }
    /* v9 packages carry no dev flag: take it (and directness) from the importers */
    if (mark_direct(out, root)) {
        goto nomem;
    }
out:
    cu_lt_free(&t);
    return rc;
nomem:
    cu_lt_free(&t);
    return cu_err_nomem(err);
}
