/* PyPI manifests and lockfiles: pyproject.toml (PEP 621, Poetry, uv), poetry.lock, uv.lock,
 * pylock.toml (PEP 751) through core/toml, and Pipfile.lock through the lined JSON parser. */
#include <stdlib.h>
#include <string.h>

#include "deps/parse.h"
#include "deps/pep508.h"
#include "core/toml.h"
#include "core/util.h"
#include "core/banned.h"

static const json_t *jpath(const json_t *o, const char *a, const char *b, const char *c)
{
    o = json_object_get(o, a);
    if (o && b) {
        o = json_object_get(o, b);
    }
    if (o && c) {
        o = json_object_get(o, c);
    }
    return o;
}

/* Adds p, whose resolved and integrity text may borrow `resolved` and h, then frees both. */
static int
add_owned(struct cu_depfile *out, const struct cu_pkg *p, char *resolved, struct cu_buf *h)
{
    int rc = cu_depfile_add(out, p);
    free(resolved);
    cu_buf_free(h);
    return rc;
}

/* "url#commit" for a git source pinned to a commit; NULL when either is missing. */
static char *git_pin(const char *url, const char *commit)
{
    return url && commit ? cu_asprintf("%s#%s", url, commit) : NULL;
}

/* A TOML lockfile parser's exit: frees doc and returns rc, or the out-of-memory error. */
static int toml_done(struct cu_toml *doc, int rc, bool nomem, custody_error *err)
{
    cu_toml_free(doc);
    return nomem ? cu_err_nomem(err) : rc;
}

/* Hashes of a TOML/JSON list [{hash = "sha256:..."}] or {hashes = {sha256 = "..."}} into b. */
static void add_hash(struct cu_buf *b, const char *h)
{
    if (!h || !*h) {
        return;
    }
    if (b->len) {
        cu_buf_addc(b, ' ');
    }
    cu_buf_adds(b, h);
}

static void add_hashes_table(struct cu_buf *b, const json_t *hashes)
{
    const char *alg;
    json_t *v;
    if (!json_is_object(hashes)) {
        return;
    }
    json_object_foreach((json_t *)hashes, alg, v)
    {
        if (!json_is_string(v)) {
            continue;
        }
        if (b->len) {
            cu_buf_addc(b, ' ');
        }
        cu_buf_addf(b, "%s:%s", alg, json_string_value(v));
    }
}

/* The line of a [[package]] entry's name key (what a reader looks for), else its header. */
static uint32_t entry_line(const struct cu_toml *doc, const json_t *arr, size_t i, const json_t *e)
{
    uint32_t l = cu_toml_key_line(doc, e, "name");
    return l ? l : cu_toml_item_line(doc, arr, i);
}

static int toml_open(struct cu_toml **doc, const uint8_t *data, size_t len, custody_error *err)
{
    int rc = cu_toml_parse(data, len, doc, err);
    if (rc == CUSTODY_EUNSUPPORTED) {
        /* valid TOML we cannot represent (a key holding NUL): not a version question */
        if (err) {
            err->code = CUSTODY_EMALFORMED;
        }
        rc = CUSTODY_EMALFORMED;
    }
    return rc;
}

/* ---- pyproject.toml ---- */

static int add_pep508(struct cu_depfile *df,
                      const char *s,
                      uint32_t line,
                      bool optional,
                      bool dev,
                      custody_error *err)
{
    struct cu_req r;
    int rc = cu_pep508_parse(s, strlen(s), &r);
    if (rc == 0) {
        struct cu_pkg p = { .eco = CU_ECO_PYPI,
                            .name = r.name,
                            .version = r.version,
                            .spec = r.spec,
                            .line = line,
                            .source = r.url ? r.source : CU_DEP_REGISTRY,
                            .resolved = r.url,
                            .optional = optional,
                            .dev = dev,
                            .direct = true };
        rc = cu_depfile_add(df, &p) ? cu_err_nomem(err) : 0;
    } else if (rc == CUSTODY_EMALFORMED) {
        rc = cu_err_malformed(err, "pyproject.toml", CU_NO_OFFSET,
                              "line %u: not a valid requirement: %.80s", line, s);
    } else {
        rc = cu_err_nomem(err);
    }
    cu_req_clear(&r);
    return rc;
}

static int pep508_list(struct cu_depfile *df,
                       const struct cu_toml *doc,
                       const json_t *arr,
                       bool optional,
                       bool dev,
                       custody_error *err)
{
    if (!arr) {
        return 0;
    }
    if (!json_is_array(arr)) {
        return cu_err_malformed(err, "pyproject.toml", CU_NO_OFFSET,
                                "dependencies is not an array");
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        if (json_is_object(v)) {
            continue; /* PEP 735 {include-group = "..."} */
        }
        if (!json_is_string(v)) {
            return cu_err_malformed(err, "pyproject.toml", CU_NO_OFFSET,
                                    "line %u: dependency is not a string",
                                    cu_toml_item_line(doc, arr, i));
        }
        int rc = add_pep508(df, json_string_value(v), cu_toml_item_line(doc, arr, i), optional, dev,
                            err);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

static bool verchar_ok(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '+' || c == '!' || c == '-' || c == '_';
}

/* Poetry's caret/tilde/exact constraint: "1.2.3" or "==1.2.3" is a pin. */
static char *poetry_pin(const char *c)
{
    if (!c) {
        return NULL;
    }
    if (c[0] == '=' && c[1] == '=') {
        c += 2;
    } else if (c[0] == '=') {
        c += 1;
    }
    if (c[0] < '0' || c[0] > '9') {
        return NULL;
    }
    for (const char *q = c; *q; q++) {
        if (!(verchar_ok(*q))) {
            return NULL;
        }
    }
    return cu_strdup(c);
}

static int poetry_deps(struct cu_depfile *df,
                       const struct cu_toml *doc,
                       const json_t *deps,
                       bool dev,
                       custody_error *err)
{
    const char *name;
    json_t *v;
    if (!json_is_object(deps)) {
        return 0;
    }
    json_object_foreach((json_t *)deps, name, v)
    {
        if (strcmp(name, "python") == 0) {
            continue;
        }
        const json_t *e = json_is_array(v) ? json_array_get(v, 0) : v; /* multiple constraints */
        const char *spec = json_is_string(e) ? json_string_value(e) : cu_jstr(e, "version");
        struct cu_pkg p = { .eco = CU_ECO_PYPI,
                            .name = (char *)name,
                            .spec = (char *)spec,
                            .line = cu_toml_key_line(doc, deps, name),
                            .dev = dev,
                            .optional = cu_jtrue(e, "optional"),
                            .direct = true,
                            .index = (char *)cu_jstr(e, "source") };
        char *gitref = NULL;
        if (cu_jstr(e, "git")) {
            /* "url#rev" so that a pin to a full commit is visible (rev, else tag/branch) */
            const char *ref = cu_jstr(e, "rev")   ? cu_jstr(e, "rev")
                              : cu_jstr(e, "tag") ? cu_jstr(e, "tag")
                                                  : cu_jstr(e, "branch");
            p.source = CU_DEP_GIT;
            p.resolved = (char *)cu_jstr(e, "git");
            if (ref && !(p.resolved = gitref = cu_asprintf("%s#%s", cu_jstr(e, "git"), ref))) {
                return cu_err_nomem(err);
            }
        } else if (cu_jstr(e, "url")) {
            p.source = CU_DEP_URL;
            p.resolved = (char *)cu_jstr(e, "url");
        } else if (cu_jstr(e, "path")) {
            p.source = CU_DEP_PATH;
            p.resolved = (char *)cu_jstr(e, "path");
        }
        char *pin = poetry_pin(spec);
        p.version = pin;
        int rc = cu_depfile_add(df, &p);
        free(pin);
        free(gitref);
        if (rc) {
            return cu_err_nomem(err);
        }
    }
    return 0;
}

int cu_parse_pyproject(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_toml *doc = NULL;
    int rc = toml_open(&doc, data, len, err);
    if (rc) {
        return rc;
    }
    out->format = "pyproject";
    const json_t *root = cu_toml_root(doc);
    const json_t *proj = json_object_get(root, "project");
    const json_t *poetry = jpath(root, "tool", "poetry", NULL);
    const char *pn = cu_jstr(proj, "name") ? cu_jstr(proj, "name") : cu_jstr(poetry, "name");
    const char *pv =
        cu_jstr(proj, "version") ? cu_jstr(proj, "version") : cu_jstr(poetry, "version");
    if ((pn && !(out->project_name = cu_strdup(pn))) ||
        (pv && !(out->project_version = cu_strdup(pv)))) {
        rc = cu_err_nomem(err);
        goto out;
    }
    if ((rc = pep508_list(out, doc, json_object_get(proj, "dependencies"), false, false, err))) {
        goto out;
    }
    const json_t *opt = json_object_get(proj, "optional-dependencies");
    const char *k;
    json_t *v;
    if (json_is_object(opt)) {
        json_object_foreach((json_t *)opt, k, v)
        {
            if ((rc = pep508_list(out, doc, v, true, false, err))) {
                goto out;
            }
        }
    }
    const json_t *groups = json_object_get(root, "dependency-groups"); /* PEP 735 */
    if (json_is_object(groups)) {
        json_object_foreach((json_t *)groups, k, v)
        {
            if ((rc = pep508_list(out, doc, v, false, true, err))) {
                goto out;
            }
        }
    }
    if ((rc = pep508_list(out, doc, jpath(root, "tool", "uv", "dev-dependencies"), false, true,
                          err))) {
        goto out;
    }
    /* Poetry */
    if ((rc = poetry_deps(out, doc, json_object_get(poetry, "dependencies"), false, err)) ||
        (rc = poetry_deps(out, doc, json_object_get(poetry, "dev-dependencies"), true, err))) {
        goto out;
    }
    const json_t *pg = json_object_get(poetry, "group");
    if (json_is_object(pg)) {
        json_object_foreach((json_t *)pg, k, v)
        {
            if ((rc = poetry_deps(out, doc, json_object_get(v, "dependencies"),
                                  strcmp(k, "main") != 0, err))) {
                goto out;
            }
        }
    }
    /* indexes: [[tool.uv.index]], [[tool.poetry.source]], [[tool.pdm.source]] */
    const json_t *uvix = jpath(root, "tool", "uv", "index");
    for (size_t i = 0; json_is_array(uvix) && i < json_array_size(uvix); i++) {
        const json_t *e = json_array_get(uvix, i);
        if (!cu_jstr(e, "url")) {
            continue;
        }
        struct cu_dep_index ix = { .name = (char *)cu_jstr(e, "name"),
                                   .url = (char *)cu_jstr(e, "url"),
                                   .explicit_only = cu_jtrue(e, "explicit"),
                                   .is_default = cu_jtrue(e, "default"),
                                   .line = cu_toml_item_line(doc, uvix, i) };
        if (cu_depfile_add_index(out, &ix)) {
            rc = cu_err_nomem(err);
            goto out;
        }
    }
    const json_t *psrc = json_object_get(poetry, "source");
    for (size_t i = 0; json_is_array(psrc) && i < json_array_size(psrc); i++) {
        const json_t *e = json_array_get(psrc, i);
        const char *prio = cu_jstr(e, "priority");
        if (!cu_jstr(e, "url")) {
            continue;
        }
        struct cu_dep_index ix = { .name = (char *)cu_jstr(e, "name"),
                                   .url = (char *)cu_jstr(e, "url"),
                                   .explicit_only = prio && strcmp(prio, "explicit") == 0,
                                   .is_default = cu_jtrue(e, "default") ||
                                                 (prio && (strcmp(prio, "default") == 0 ||
                                                           strcmp(prio, "primary") == 0)),
                                   .line = cu_toml_item_line(doc, psrc, i) };
        if (cu_depfile_add_index(out, &ix)) {
            rc = cu_err_nomem(err);
            goto out;
        }
    }
    /* [tool.uv.sources] name = { index = "x" } pins a package to an index */
    const json_t *uvs = jpath(root, "tool", "uv", "sources");
    if (json_is_object(uvs)) {
        for (size_t i = 0; i < out->npkgs; i++) {
            const json_t *s = json_object_get(uvs, out->pkgs[i].name);
            const char *ixn = cu_jstr(s, "index");
            if (ixn && !out->pkgs[i].index && !(out->pkgs[i].index = cu_strdup(ixn))) {
                rc = cu_err_nomem(err);
                goto out;
            }
            if (cu_jstr(s, "git") && !out->pkgs[i].resolved) {
                out->pkgs[i].source = CU_DEP_GIT;
                if (!(out->pkgs[i].resolved = cu_strdup(cu_jstr(s, "git")))) {
                    rc = cu_err_nomem(err);
                    goto out;
                }
            }
        }
    }
out:
    cu_toml_free(doc);
    return rc;
}

/* ---- poetry.lock ---- */

/* Opens a TOML lockfile for one of the parsers below: records its format and the version at
 * [table].key (table NULL: the root). Returns 0 with *doc open, or an error with *doc NULL. */
static int lock_open(struct cu_toml **doc,
                     struct cu_depfile *out,
                     const char *format,
                     const char *table,
                     const char *key,
                     const uint8_t *data,
                     size_t len,
                     custody_error *err)
{
    int rc = toml_open(doc, data, len, err);
    if (rc) {
        return rc;
    }
    out->format = format;
    out->is_lockfile = true;
    const json_t *root = cu_toml_root(*doc);
    const json_t *t = table ? json_object_get(root, table) : root;
    if (cu_depfile_set_version(out, json_object_get(t, key))) {
        cu_toml_free(*doc);
        *doc = NULL;
        return cu_err_nomem(err);
    }
    return 0;
}

int cu_parse_poetry_lock(struct cu_depfile *out,
                         const uint8_t *data,
                         size_t len,
                         custody_error *err)
{
    struct cu_toml *doc = NULL;
    int rc = lock_open(&doc, out, "poetry-lock", "metadata", "lock-version", data, len, err);
    if (rc) {
        return rc;
    }
    const json_t *root = cu_toml_root(doc);
    const json_t *meta = json_object_get(root, "metadata");
    const json_t *lv = json_object_get(meta, "lock-version");
    if (lv && (!json_is_string(lv) || (strncmp(json_string_value(lv), "1.", 2) != 0 &&
                                       strncmp(json_string_value(lv), "2.", 2) != 0))) {
        rc = cu_err_unsupported(err, "poetry.lock", 0, "line %u: lock-version %s",
                                cu_toml_key_line(doc, meta, "lock-version"),
                                out->format_version ? out->format_version : "(not a string)");
        goto out;
    }
    const json_t *pk = json_object_get(root, "package");
    if (pk && !json_is_array(pk)) {
        rc = cu_err_malformed(err, "poetry.lock", 0, "package is not an array of tables");
        goto out;
    }
    const json_t *mfiles = json_object_get(meta, "files"); /* lock-version 1.x */
    for (size_t i = 0; i < json_array_size(pk); i++) {
        const json_t *e = json_array_get(pk, i);
        uint32_t line = entry_line(doc, pk, i, e);
        const char *name = cu_jstr(e, "name"), *ver = cu_jstr(e, "version");
        if (!name || !ver) {
            rc = cu_err_malformed(err, "poetry.lock", CU_NO_OFFSET,
                                  "line %u: package without name or version", line);
            goto out;
        }
        const json_t *src = json_object_get(e, "source");
        const char *st = cu_jstr(src, "type"), *url = cu_jstr(src, "url");
        struct cu_buf h = CU_BUF_INIT(1u << 20);
        const json_t *files = json_object_get(e, "files");
        if (!files) {
            files = json_object_get(mfiles, name);
        }
        for (size_t j = 0; json_is_array(files) && j < json_array_size(files); j++) {
            add_hash(&h, cu_jstr(json_array_get(files, j), "hash"));
        }
        /* lock format 1.0 (poetry < 1.0): [metadata.hashes] name = ["<sha256 hex>", ...] */
        const json_t *old = files ? NULL : json_object_get(json_object_get(meta, "hashes"), name);
        for (size_t j = 0; json_is_array(old) && j < json_array_size(old); j++) {
            const json_t *hv = json_array_get(old, j);
            if (json_is_string(hv) && json_string_length(hv) == 64) {
                if (h.len) {
                    cu_buf_addc(&h, ' ');
                }
                cu_buf_adds(&h, "sha256:");
                cu_buf_adds(&h, json_string_value(hv));
            }
        }
        char *resolved = NULL;
        struct cu_pkg p = { .eco = CU_ECO_PYPI,
                            .name = (char *)name,
                            .version = (char *)ver,
                            .line = line,
                            .integrity = h.len ? (char *)cu_buf_str(&h) : NULL,
                            .optional = cu_jtrue(e, "optional") };
        const char *cat = cu_jstr(e, "category");
        p.dev = cat && strcmp(cat, "dev") == 0;
        if (!st || strcmp(st, "legacy") == 0) {
            p.source = CU_DEP_REGISTRY;
            p.index = (char *)(st ? cu_jstr(src, "reference") : NULL);
            p.resolved = (char *)url;
        } else if (strcmp(st, "git") == 0) {
            p.source = CU_DEP_GIT;
            const char *c = cu_jstr(src, "resolved_reference");
            resolved = git_pin(url, c);
            p.resolved = resolved ? resolved : (char *)url;
        } else if (strcmp(st, "url") == 0) {
            p.source = CU_DEP_URL;
            p.resolved = (char *)url;
        } else {
            p.source = CU_DEP_PATH; /* file, directory */
            p.resolved = (char *)url;
        }
        if (add_owned(out, &p, resolved, &h)) {
            goto nomem;
        }
    }
out:
    return toml_done(doc, rc, false, err);
nomem:
    return toml_done(doc, rc, true, err);
}

/* ---- uv.lock ---- */

int cu_parse_uv_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_toml *doc = NULL;
    int rc = lock_open(&doc, out, "uv-lock", NULL, "version", data, len, err);
    if (rc) {
        return rc;
    }
    const json_t *root = cu_toml_root(doc);
    const json_t *lv = json_object_get(root, "version");
    if (json_object_size(root) == 0) {
        goto out;
    }
    if (!json_is_integer(lv) || json_integer_value(lv) != 1) {
        rc = cu_err_unsupported(err, "uv.lock", 0, "line %u: version %s",
                                cu_toml_key_line(doc, root, "version"),
                                out->format_version ? out->format_version : "(none)");
        goto out;
    }
    const json_t *pk = json_object_get(root, "package");
    if (pk && !json_is_array(pk)) {
        rc = cu_err_malformed(err, "uv.lock", 0, "package is not an array of tables");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(pk); i++) {
        const json_t *e = json_array_get(pk, i);
        uint32_t line = entry_line(doc, pk, i, e);
        const char *name = cu_jstr(e, "name"), *ver = cu_jstr(e, "version");
        const json_t *src = json_object_get(e, "source");
        if (!name || (src && !json_is_object(src))) {
            rc = cu_err_malformed(err, "uv.lock", CU_NO_OFFSET,
                                  "line %u: package without a name, or a bad source", line);
            goto out;
        }
        /* the project itself (and its workspace members) */
        if (cu_jstr(src, "editable") || cu_jstr(src, "virtual")) {
            continue;
        }
        struct cu_buf h = CU_BUF_INIT(1u << 20);
        add_hash(&h, cu_jstr(json_object_get(e, "sdist"), "hash"));
        const json_t *wh = json_object_get(e, "wheels");
        for (size_t j = 0; json_is_array(wh) && j < json_array_size(wh); j++) {
            add_hash(&h, cu_jstr(json_array_get(wh, j), "hash"));
        }
        struct cu_pkg p = { .eco = CU_ECO_PYPI,
                            .name = (char *)name,
                            .version = (char *)ver,
                            .line = line,
                            .integrity = h.len ? (char *)cu_buf_str(&h) : NULL };
        if (cu_jstr(src, "registry")) {
            p.source = CU_DEP_REGISTRY;
            p.index = (char *)cu_jstr(src, "registry");
            p.resolved = (char *)cu_jstr(json_object_get(e, "sdist"), "url");
        } else if (cu_jstr(src, "git")) {
            p.source = CU_DEP_GIT;
            p.resolved = (char *)cu_jstr(src, "git");
        } else if (cu_jstr(src, "url")) {
            p.source = CU_DEP_URL;
            p.resolved = (char *)cu_jstr(src, "url");
        } else if (src) {
            p.source = CU_DEP_PATH;
            p.resolved =
                (char *)(cu_jstr(src, "path") ? cu_jstr(src, "path") : cu_jstr(src, "directory"));
        } else {
            p.source = CU_DEP_UNKNOWN;
        }
        if (add_owned(out, &p, NULL, &h)) {
            goto nomem;
        }
    }
out:
    return toml_done(doc, rc, false, err);
nomem:
    return toml_done(doc, rc, true, err);
}

/* ---- pylock.toml (PEP 751) ---- */

int cu_parse_pylock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_toml *doc = NULL;
    int rc = lock_open(&doc, out, "pylock", NULL, "lock-version", data, len, err);
    if (rc) {
        return rc;
    }
    const json_t *root = cu_toml_root(doc);
    const json_t *lv = json_object_get(root, "lock-version");
    if (json_object_size(root) == 0) {
        goto out;
    }
    if (!json_is_string(lv) || strncmp(json_string_value(lv), "1.", 2) != 0) {
        rc = cu_err_unsupported(err, "pylock.toml", 0, "line %u: lock-version %s",
                                cu_toml_key_line(doc, root, "lock-version"),
                                out->format_version ? out->format_version : "(none)");
        goto out;
    }
    const json_t *pk = json_object_get(root, "packages");
    if (pk && !json_is_array(pk)) {
        rc = cu_err_malformed(err, "pylock.toml", 0, "packages is not an array of tables");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(pk); i++) {
        const json_t *e = json_array_get(pk, i);
        uint32_t line = entry_line(doc, pk, i, e);
        const char *name = cu_jstr(e, "name");
        if (!name) {
            rc = cu_err_malformed(err, "pylock.toml", CU_NO_OFFSET,
                                  "line %u: package without a name", line);
            goto out;
        }
        const json_t *vcs = json_object_get(e, "vcs"), *arc = json_object_get(e, "archive"),
                     *dir = json_object_get(e, "directory"), *sd = json_object_get(e, "sdist");
        if (dir && cu_jtrue(dir, "editable")) {
            continue; /* the project itself, installed editable */
        }
        struct cu_buf h = CU_BUF_INIT(1u << 20);
        add_hashes_table(&h, json_object_get(sd, "hashes"));
        add_hashes_table(&h, json_object_get(arc, "hashes"));
        const json_t *wh = json_object_get(e, "wheels");
        for (size_t j = 0; json_is_array(wh) && j < json_array_size(wh); j++) {
            add_hashes_table(&h, json_object_get(json_array_get(wh, j), "hashes"));
        }
        char *resolved = NULL;
        struct cu_pkg p = { .eco = CU_ECO_PYPI,
                            .name = (char *)name,
                            .version = (char *)cu_jstr(e, "version"),
                            .line = line,
                            .index = (char *)cu_jstr(e, "index"),
                            .integrity = h.len ? (char *)cu_buf_str(&h) : NULL };
        if (vcs) {
            p.source = CU_DEP_GIT;
            const char *u = cu_jstr(vcs, "url"), *c = cu_jstr(vcs, "commit-id");
            resolved = git_pin(u, c);
            p.resolved = resolved ? resolved : (char *)u;
        } else if (arc) {
            p.source = cu_jstr(arc, "url") ? CU_DEP_URL : CU_DEP_PATH;
            p.resolved = (char *)(cu_jstr(arc, "url") ? cu_jstr(arc, "url") : cu_jstr(arc, "path"));
        } else if (dir) {
            p.source = CU_DEP_PATH;
            p.resolved = (char *)cu_jstr(dir, "path");
        } else {
            p.source = CU_DEP_REGISTRY;
            p.resolved = (char *)cu_jstr(sd, "url");
        }
        if (add_owned(out, &p, resolved, &h)) {
            goto nomem;
        }
    }
out:
    return toml_done(doc, rc, false, err);
nomem:
    return toml_done(doc, rc, true, err);
}

/* ---- pdm.lock ---- */

/* pdm.lock, lock_version 3.x (PDM 1.x: hashes under [metadata.files]."name version", groups
 * as `sections`) and 4.x (PDM 2.x: `files` and `groups` on each package). Sources: `git` +
 * `revision`, `url`, `path` (`editable` is the project or a local checkout); otherwise the
 * index. A package in no "default" group is a development dependency. */
static bool pdm_dev(const json_t *e)
{
    const json_t *g = json_object_get(e, "groups");
    if (!g) {
        g = json_object_get(e, "sections");
    }
    if (!json_is_array(g) || json_array_size(g) == 0) {
        return false;
    }
    for (size_t i = 0; i < json_array_size(g); i++) {
        const char *v = json_string_value(json_array_get(g, i));
        if (v && strcmp(v, "default") == 0) {
            return false;
        }
    }
    return true;
}

int cu_parse_pdm_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_toml *doc = NULL;
    int rc = lock_open(&doc, out, "pdm-lock", "metadata", "lock_version", data, len, err);
    if (rc) {
        return rc;
    }
    const json_t *root = cu_toml_root(doc);
    const json_t *meta = json_object_get(root, "metadata");
    const json_t *lv = json_object_get(meta, "lock_version");
    if (json_object_size(root) == 0) {
        goto out;
    }
    if (!json_is_string(lv) || (strncmp(json_string_value(lv), "3.", 2) != 0 &&
                                strncmp(json_string_value(lv), "4.", 2) != 0)) {
        rc = cu_err_unsupported(err, "pdm.lock", 0, "line %u: lock_version %s",
                                cu_toml_key_line(doc, meta, "lock_version"),
                                out->format_version ? out->format_version : "(none)");
        goto out;
    }
    const json_t *pk = json_object_get(root, "package");
    if (pk && !json_is_array(pk)) {
        rc = cu_err_malformed(err, "pdm.lock", 0, "package is not an array of tables");
        goto out;
    }
    const json_t *mfiles = json_object_get(meta, "files"); /* lock_version 3.x */
    for (size_t i = 0; i < json_array_size(pk); i++) {
        const json_t *e = json_array_get(pk, i);
        uint32_t line = entry_line(doc, pk, i, e);
        const char *name = cu_jstr(e, "name"), *ver = cu_jstr(e, "version");
        if (!name) {
            rc = cu_err_malformed(err, "pdm.lock", CU_NO_OFFSET, "line %u: package without a name",
                                  line);
            goto out;
        }
        if (cu_jtrue(e, "editable") && cu_jstr(e, "path")) {
            continue; /* the project itself, or a local checkout installed editable */
        }
        struct cu_buf h = CU_BUF_INIT(1u << 20);
        const json_t *files = json_object_get(e, "files");
        char *key = files || !ver ? NULL : cu_asprintf("%s %s", name, ver);
        if (!files && key) {
            files = json_object_get(mfiles, key);
        }
        free(key);
        for (size_t j = 0; json_is_array(files) && j < json_array_size(files); j++) {
            add_hash(&h, cu_jstr(json_array_get(files, j), "hash"));
        }
        char *resolved = NULL;
        struct cu_pkg p = { .eco = CU_ECO_PYPI,
                            .name = (char *)name,
                            .version = (char *)ver,
                            .line = line,
                            .dev = pdm_dev(e),
                            .integrity = h.len ? (char *)cu_buf_str(&h) : NULL };
        const char *git = cu_jstr(e, "git"), *url = cu_jstr(e, "url"), *path = cu_jstr(e, "path");
        if (git) {
            p.source = CU_DEP_GIT;
            const char *c = cu_jstr(e, "revision");
            resolved = git_pin(git, c);
            p.resolved = resolved ? resolved : (char *)git;
        } else if (url) {
            p.source = CU_DEP_URL;
            p.resolved = (char *)url;
        } else if (path) {
            p.source = CU_DEP_PATH;
            p.resolved = (char *)path;
        } else {
            p.source = CU_DEP_REGISTRY;
        }
        if (add_owned(out, &p, resolved, &h)) {
            goto nomem;
        }
    }
out:
    return toml_done(doc, rc, false, err);
nomem:
    return toml_done(doc, rc, true, err);
}

/* ---- Pipfile.lock ---- */

int cu_parse_pipfile_lock(struct cu_depfile *out,
                          const uint8_t *data,
                          size_t len,
                          custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_json(&t, data, len, false, err);
    if (rc) {
        return rc;
    }
    out->format = "pipfile-lock";
    out->is_lockfile = true;
    const json_t *root = t.root;
    const json_t *meta = json_object_get(root, "_meta");
    if (!json_is_object(root) || !json_is_object(meta)) {
        rc = cu_err_malformed(err, "Pipfile.lock", 0, "no _meta object");
        goto out;
    }
    const json_t *spec = json_object_get(meta, "pipfile-spec");
    if ((rc = cu_depfile_set_version(out, spec))) {
        goto nomem;
    }
    if (spec &&
        (!json_is_integer(spec) || json_integer_value(spec) < 1 || json_integer_value(spec) > 6)) {
        rc = cu_err_unsupported(err, "Pipfile.lock", 0, "line %u: pipfile-spec %s",
                                cu_lt_key_line(&t, meta, "pipfile-spec"),
                                out->format_version ? out->format_version : "(not a number)");
        goto out;
    }
    const json_t *srcs = json_object_get(meta, "sources");
    for (size_t i = 0; json_is_array(srcs) && i < json_array_size(srcs); i++) {
        const json_t *s = json_array_get(srcs, i);
        if (!cu_jstr(s, "url")) {
            continue;
        }
        struct cu_dep_index ix = { .name = (char *)cu_jstr(s, "name"),
                                   .url = (char *)cu_jstr(s, "url"),
                                   .is_default = i == 0,
                                   .line = cu_lt_item_line(&t, srcs, i) };
        if (cu_depfile_add_index(out, &ix)) {
            goto nomem;
        }
    }
    static const char *const groups[] = { "default", "develop" };
    for (size_t g = 0; g < 2; g++) {
        const json_t *deps = json_object_get(root, groups[g]);
        if (!deps) {
            continue;
        }
        if (!json_is_object(deps)) {
            rc = cu_err_malformed(err, "Pipfile.lock", CU_NO_OFFSET, "%s is not an object",
                                  groups[g]);
            goto out;
        }
        const char *name;
        json_t *e;
        json_object_foreach((json_t *)deps, name, e)
        {
            uint32_t line = cu_lt_key_line(&t, deps, name);
            if (!json_is_object(e)) {
                rc = cu_err_malformed(err, "Pipfile.lock", CU_NO_OFFSET,
                                      "line %u: package is not an object", line);
                goto out;
            }
            const char *ver = cu_jstr(e, "version");
            if (ver && ver[0] == '=' && ver[1] == '=') {
                ver += 2;
            }
            struct cu_buf h = CU_BUF_INIT(1u << 20);
            const json_t *hs = json_object_get(e, "hashes");
            for (size_t j = 0; json_is_array(hs) && j < json_array_size(hs); j++) {
                add_hash(&h, json_string_value(json_array_get(hs, j)));
            }
            char *resolved = NULL;
            struct cu_pkg p = { .eco = CU_ECO_PYPI,
                                .name = (char *)name,
                                .version = (char *)ver,
                                .line = line,
                                .dev = g == 1,
                                .index = (char *)cu_jstr(e, "index"),
                                .integrity = h.len ? (char *)cu_buf_str(&h) : NULL };
            if (cu_jstr(e, "git")) {
                p.source = CU_DEP_GIT;
                const char *ref = cu_jstr(e, "ref");
                resolved = git_pin(cu_jstr(e, "git"), ref);
                p.resolved = resolved ? resolved : (char *)cu_jstr(e, "git");
            } else if (cu_jstr(e, "file")) {
                p.source = CU_DEP_URL;
                p.resolved = (char *)cu_jstr(e, "file");
            } else if (cu_jstr(e, "path")) {
                p.source = CU_DEP_PATH;
                p.resolved = (char *)cu_jstr(e, "path");
            }
            if (add_owned(out, &p, resolved, &h)) {
                goto nomem;
            }
        }
    }
out:
    cu_lt_free(&t);
    return rc;
nomem:
    cu_lt_free(&t);
    return cu_err_nomem(err);
}
