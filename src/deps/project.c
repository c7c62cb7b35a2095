/* Project passes of the deps/ family (engine.h): checks that need more than one file.
 *   deps-confusion   npm internal scopes against the project's .npmrc scope mappings
 *   deps-lockfiles   manifests without a lockfile; package.json against its lockfile (drift)
 *   deps-trees       node_modules / site-packages against the lockfile, worm files by hash,
 *                    vendored tarballs/wheels and RECORD files against recorded hashes
 * Components come from the deps analyzer ("library", props integrity/resolved/source/...)
 * and from npmrc.c ("npm-scope-registry"). Files on disk are inspected with lstat and hashed
 * (never executed); a file scanned from a buffer has no disk path and is skipped. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "deps/deps.h"
#include "deps/dutil.h"
#include "deps/hashfile.h"
#include "deps/pkglists.h"
#include "deps/versions.h"
#include "engine/engine.h"
#include "core/b64.h"
#include "core/util.h"
#include "core/banned.h"

#define HASH_LIMIT   (4ull << 30) /* one vendored package */
#define RECORD_LIMIT (16u << 20)  /* a RECORD file */
#define RECORD_BYTES (2ull << 30) /* bytes hashed for all RECORD entries of one package */

/* ---- helpers ---- */

static const char *prop(const custody_component *c, const char *key)
{
    for (size_t i = 0; i < c->nprops; i++) {
        if (c->props[i].key != NULL && strcmp(c->props[i].key, key) == 0) {
            return c->props[i].value;
        }
    }
    return NULL;
}

static bool is_library(const custody_component *c)
{
    return c->kind != NULL && strcmp(c->kind, "library") == 0 && c->name != NULL;
}

static bool eco_is(const custody_component *c, const char *eco)
{
    return c->ecosystem != NULL && strcmp(c->ecosystem, eco) == 0;
}

static const char *const npm_locks[] = {
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
    "bun.lock",          "bun.lockb",           NULL
};
static const char *const py_locks[] = { "poetry.lock", "uv.lock",     "Pipfile.lock",
                                        "pdm.lock",    "pylock.toml", NULL };

static bool name_in(const char *name, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(name, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_npm_lock(const char *path)
{
    const char *b = cu_basename(path);
    return name_in(b, npm_locks) || strcmp(b, ".package-lock.json") == 0;
}

static bool is_py_lock(const char *path)
{
    const char *b = cu_basename(path);
    return name_in(b, py_locks) || (strncmp(b, "pylock.", 7) == 0 && strstr(b, ".toml") != NULL) ||
           (strncmp(b, "requirements", 12) == 0 && strstr(b, ".txt") != NULL);
}

/* Length of the directory part of path (0 for a bare name). */
static size_t dir_len(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL ? (size_t)(s - path) : 0;
}

static bool same_dir(const char *a, const char *b)
{
    size_t la = dir_len(a), lb = dir_len(b);
    return la == lb && strncmp(a, b, la) == 0;
}

static bool exists(const char *dir, size_t dlen, const char *name)
{
    char *p = cu_asprintf("%.*s%s%s", (int)dlen, dir, dlen > 0 ? "/" : "", name);
    struct stat st;
    bool ok = p != NULL && lstat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return ok;
}

static bool has_prefix_file(const char *dir, size_t dlen, const char *prefix, const char *suffix)
{
    char *p = cu_asprintf("%.*s", (int)dlen, dlen > 0 ? dir : ".");
    DIR *d = p != NULL ? opendir(dlen > 0 ? p : ".") : NULL;
    bool ok = false;
    struct dirent *e;
    while (d != NULL && !ok && (e = readdir(d)) != NULL) {
        ok = strncmp(e->d_name, prefix, strlen(prefix)) == 0 && strstr(e->d_name, suffix) != NULL;
    }
    if (d != NULL) {
        closedir(d);
    }
    free(p);
    return ok;
}

/* PEP 503 name (lower case, runs of -_. become '-'): a local copy so the passes need nothing
 * of the parsers. */
static char *pep503(const char *name)
{
    size_t n = strlen(name);
    char *o = malloc(n + 1);
    if (o == NULL) {
        return NULL;
    }
    size_t k = 0;
    bool sep = false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '-' || c == '_' || c == '.') {
            sep = true;
            continue;
        }
        if (sep && k > 0) {
            o[k++] = '-';
        }
        sep = false;
        o[k++] = (char)tolower((unsigned char)c);
    }
    o[k] = '\0';
    return o;
}

/* ---- an index of library components by (ecosystem, name) ---- */

struct lib {
    const custody_component *c;
    size_t file;
    char *key; /* npm: name; pypi: normalised name */
};

struct libs {
    struct lib *v;
    size_t n;
};

static int lib_cmp(const void *a, const void *b)
{
    return strcmp(((const struct lib *)a)->key, ((const struct lib *)b)->key);
}

static void libs_free(struct libs *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int libs_build(struct cu_project *p, const char *eco, struct libs *out)
{
    size_t n = cu_project_component_count(p);
    out->v = calloc(n > 0 ? n : 1, sizeof(*out->v));
    out->n = 0;
    if (out->v == NULL) {
        return CUSTODY_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        size_t f = 0;
        const custody_component *c = cu_project_component(p, i, &f);
        if (c == NULL || !is_library(c) || !eco_is(c, eco)) {
            continue;
        }
        char *key = strcmp(eco, "pypi") == 0 ? pep503(c->name) : cu_strdup(c->name);
        if (key == NULL) {
            libs_free(out);
            return CUSTODY_ENOMEM;
        }
        out->v[out->n++] = (struct lib){ c, f, key };
    }
    qsort(out->v, out->n, sizeof(*out->v), lib_cmp);
    return 0;
}

/* First entry with `key`, or NULL; entries with the same key follow it. */
static const struct lib *libs_find(const struct libs *l, const char *key, size_t *count)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(l->v[mid].key, key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    size_t k = lo;
    while (k < l->n && strcmp(l->v[k].key, key) == 0) {
        k++;
    }
    *count = k - lo;
    return k > lo ? &l->v[lo] : NULL;
}

static bool under_node_modules(const char *path)
{
    return strstr(path, "node_modules/") != NULL;
}

/* ---- deps-confusion (npm) ---- */

static const char *scope_registry(struct cu_project *p, const char *scope)
{
    for (size_t i = 0; i < cu_project_component_count(p); i++) {
        const custody_component *c = cu_project_component(p, i, NULL);
        if (c != NULL && c->kind != NULL && strcmp(c->kind, "npm-scope-registry") == 0 &&
            c->name != NULL && strcasecmp(c->name, scope) == 0) {
            return prop(c, "registry");
        }
    }
    return NULL;
}

static int pass_confusion(struct cu_project *p)
{
    const char *scope0 = cu_project_setting(p, "deps.internal-scope", 0);
    if (scope0 == NULL) {
        return 0;
    }
    const char *defreg = scope_registry(p, "*");
    for (size_t i = 0; i < cu_project_component_count(p); i++) {
        size_t f = 0;
        const custody_component *c = cu_project_component(p, i, &f);
        if (c == NULL || !is_library(c) || !eco_is(c, "npm") || c->name[0] != '@' ||
            (c->path != NULL && under_node_modules(c->path))) {
            continue; /* an installed package's own entry: its lockfile entry is checked */
        }
        const char *scope = NULL;
        for (size_t k = 0; (scope = cu_project_setting(p, "deps.internal-scope", k)) != NULL; k++) {
            if (cu_dx_in_scope(c->name, scope)) {
                break;
            }
        }
        if (scope == NULL) {
            continue;
        }
        char sname[256];
        (void)snprintf(sname, sizeof(sname), "@%s", scope[0] == '@' ? scope + 1 : scope);
        const char *mapped = scope_registry(p, sname);
        const char *resolved = prop(c, "resolved");
        char sch[16], rhost[256], mhost[256];
        bool rurl = resolved != NULL &&
                    cu_dx_url(resolved, sch, sizeof(sch), rhost, sizeof(rhost), NULL, NULL) &&
                    (strcmp(sch, "https") == 0 || strcmp(sch, "http") == 0);
        bool murl =
            mapped != NULL && cu_dx_url(mapped, sch, sizeof(sch), mhost, sizeof(mhost), NULL, NULL);
        if (rurl) {
            if (murl && strcmp(rhost, mhost) == 0) {
                continue; /* resolved from the registry the project maps the scope to */
            }
            if (cu_dx_public_host(rhost)) {
                cu_project_emit(
                    p, f, c->location, c->line, "deps/dependency-confusion", CU_SEV_DEFAULT,
                    resolved, "internal package %s was resolved from the public registry %s%s",
                    c->name, rhost, murl ? " although .npmrc maps the scope elsewhere" : "");
            }
            continue;
        }
        if (murl || resolved != NULL) {
            continue; /* the mapping decides, or a non-URL source (git, path) */
        }
        char dh[256];
        if (defreg != NULL && cu_dx_url(defreg, sch, sizeof(sch), dh, sizeof(dh), NULL, NULL) &&
            !cu_dx_public_host(dh)) {
            continue; /* the default registry is private */
        }
        cu_project_emit(p, f, c->location, c->line, "deps/dependency-confusion", CUSTODY_SEV_HIGH,
                        NULL,
                        "internal package %s resolves from the public npm registry: no .npmrc "
                        "in the scan maps %s to a registry",
                        c->name, sname);
    }
    return 0;
}

/* ---- deps-lockfiles: missing lockfile and drift ---- */

/* Looks for a lockfile of the ecosystem in the manifest's directory and its parents (up to a
 * .git directory or 8 levels): workspaces keep one lockfile at the root. */
static bool lockfile_near(const char *path, bool npm)
{
    size_t dl = dir_len(path);
    for (int level = 0; level < 8; level++) {
        const char *const *list = npm ? npm_locks : py_locks;
        for (size_t i = 0; list[i] != NULL; i++) {
            if (exists(path, dl, list[i])) {
                return true;
            }
        }
        if (!npm && (has_prefix_file(path, dl, "pylock.", ".toml") ||
                     has_prefix_file(path, dl, "requirements", ".txt"))) {
            return true;
        }
        char *g = cu_asprintf("%.*s%s.git", (int)dl, path, dl > 0 ? "/" : "");
        struct stat st;
        bool top = g != NULL && lstat(g, &st) == 0;
        free(g);
        if (top || dl == 0) {
            break;
        }
        /* parent directory */
        size_t k = dl;
        while (k > 0 && path[k - 1] != '/') {
            k--;
        }
        if (k == 0) {
            break;
        }
        dl = k - 1;
        if (dl == 0 && path[0] == '/') {
            break;
        }
    }
    return false;
}

/* Fallback npm range check for what node-semver (versions.h) calls invalid: exact versions, ^
 * and ~ on x.y.z, >= . Returns -1 when the range is beyond this check (then only presence is
 * checked), 1 when `v` satisfies it, 0 when not. */
static int parse3(const char *s, long v[3])
{
    char *end;
    for (int i = 0; i < 3; i++) {
        if (!isdigit((unsigned char)*s)) {
            return i;
        }
        v[i] = strtol(s, &end, 10);
        s = end;
        if (*s == '.') {
            s++;
        } else {
            return i + 1;
        }
    }
    return 3;
}

static int range_ok(const char *spec, const char *version)
{
    long r[3] = { 0, 0, 0 }, v[3] = { 0, 0, 0 };
    if (spec == NULL || version == NULL) {
        return -1;
    }
    while (*spec == ' ' || *spec == 'v' || *spec == '=') {
        spec++;
    }
    char op = 0;
    if (*spec == '^' || *spec == '~') {
        op = *spec++;
    } else if (strncmp(spec, ">=", 2) == 0) {
        op = '>';
        spec += 2;
    }
    if (strpbrk(spec, " |<>xX*:/") != NULL || strchr(version, '-') != NULL ||
        strchr(spec, '-') != NULL) {
        return -1;
    }
    int nr = parse3(spec, r);
    if (nr == 0 || parse3(version, v) != 3) {
        return -1;
    }
    long cmp = 0;
    for (int i = 0; i < 3 && cmp == 0; i++) {
        cmp = v[i] - r[i];
    }
    if (op == 0) {
        if (nr < 3) {
            return v[0] == r[0] && (nr < 2 || v[1] == r[1]); /* "1" / "1.2" are ranges */
        }
        return cmp == 0;
    }
    if (cmp < 0) {
        return 0;
    }
    if (op == '>') {
        return 1;
    }
    if (op == '~') {
        return v[0] == r[0] && (nr < 2 || v[1] == r[1]);
    }
    /* caret: the left-most non-zero part is fixed */
    if (r[0] != 0 || nr == 1) {
        return v[0] == r[0];
    }
    if (r[1] != 0 || nr == 2) {
        return v[0] == 0 && v[1] == r[1];
    }
    return v[0] == 0 && v[1] == 0 && v[2] == r[2];
}

static int pass_lockfiles(struct cu_project *p)
{
    struct libs npm = { NULL, 0 };
    int rc = libs_build(p, "npm", &npm);
    if (rc < 0) {
        return rc;
    }
    size_t nf = cu_project_file_count(p);
    for (size_t fi = 0; fi < nf; fi++) {
        const custody_file *f = cu_project_file(p, fi);
        const char *open = cu_project_open_path(p, fi);
        if (f == NULL || open == NULL || f->status != CUSTODY_FILE_SCANNED) {
            continue;
        }
        const char *b = cu_basename(f->path);
        bool pj = strcmp(b, "package.json") == 0;
        bool pp = strcmp(b, "pyproject.toml") == 0;
        if ((!pj && !pp) || under_node_modules(f->path)) {
            continue;
        }
        size_t ndeps = 0;
        for (size_t i = 0; i < cu_project_component_count(p); i++) {
            size_t cf = 0;
            const custody_component *c = cu_project_component(p, i, &cf);
            if (cf == fi && c != NULL && is_library(c)) {
                ndeps++;
            }
        }
        if (ndeps == 0) {
            continue;
        }
        if (!lockfile_near(open, pj)) {
            cu_project_emit(p, fi, NULL, 0, "deps/missing-lockfile", CU_SEV_DEFAULT, NULL,
                            "%s declares %zu dependenc%s but no lockfile was found beside it "
                            "or in a parent directory",
                            b, ndeps, ndeps == 1 ? "y" : "ies");
            continue;
        }
        if (!pj) {
            continue;
        }
        /* drift: the lockfile scanned beside this package.json */
        size_t lock = SIZE_MAX;
        for (size_t k = 0; k < nf && lock == SIZE_MAX; k++) {
            const custody_file *g = cu_project_file(p, k);
            if (g != NULL && g->status == CUSTODY_FILE_SCANNED && is_npm_lock(g->path) &&
                strcmp(cu_basename(g->path), ".package-lock.json") != 0 &&
                same_dir(g->path, f->path)) {
                lock = k;
            }
        }
        if (lock == SIZE_MAX) {
            continue;
        }
        bool lock_has_any = false;
        for (size_t i = 0; i < npm.n && !lock_has_any; i++) {
            lock_has_any = npm.v[i].file == lock;
        }
        if (!lock_has_any) {
            continue; /* a lockfile we could not read is deps/malformed already */
        }
        for (size_t i = 0; i < cu_project_component_count(p); i++) {
            size_t cf = 0;
            const custody_component *c = cu_project_component(p, i, &cf);
            if (cf != fi || c == NULL || !is_library(c) || !eco_is(c, "npm")) {
                continue;
            }
            const char *spec = prop(c, "spec");
            if (spec == NULL) {
                spec = c->version;
            }
            const char *src = prop(c, "source");
            if ((spec != NULL &&
                 (strncmp(spec, "workspace:", 10) == 0 || strncmp(spec, "file:", 5) == 0 ||
                  strncmp(spec, "link:", 5) == 0)) ||
                (src != NULL && strcmp(src, "path") == 0)) {
                continue;
            }
            size_t cnt = 0;
            const struct lib *e = libs_find(&npm, c->name, &cnt);
            bool present = false, satisfied = false, checkable = false;
            const char *seen = NULL;
            for (size_t k = 0; e != NULL && k < cnt; k++) {
                if (e[k].file != lock) {
                    continue;
                }
                present = true;
                seen = e[k].c->version;
                int r = -1;
                if (spec != NULL && e[k].c->version != NULL && strchr(spec, ':') == NULL &&
                    strchr(spec, '/') == NULL) {
                    r = cu_semver_satisfies(e[k].c->version, spec, CU_SEMVER_LOOSE);
                    r = r < 0 ? range_ok(spec, e[k].c->version) : r;
                }
                if (r >= 0) {
                    checkable = true;
                }
                if (r != 0) {
                    satisfied = true;
                }
            }
            if (!present) {
                cu_project_emit(p, fi, c->location, c->line, "deps/lockfile-drift", CU_SEV_DEFAULT,
                                spec, "%s is not in %s", c->name,
                                cu_basename(cu_project_file(p, lock)->path));
            } else if (checkable && !satisfied) {
                cu_project_emit(p, fi, c->location, c->line, "deps/lockfile-drift", CU_SEV_DEFAULT,
                                spec, "%s %s is locked at %s, outside the range", c->name, spec,
                                seen != NULL ? seen : "?");
            }
        }
    }
    libs_free(&npm);
    return 0;
}

/* ---- deps-trees ---- */

/* One file's hashes, computed on first use: the worm and vendored checks share them. */
struct lazy_hashes {
    const char *open;
    bool done;
    int rc;
    struct cu_dx_hashes h;
};

static const struct cu_dx_hashes *file_hashes(struct lazy_hashes *lh)
{
    if (!lh->done) {
        lh->rc = cu_dx_hash_file(lh->open, &lh->h, HASH_LIMIT);
        lh->done = true;
    }
    return lh->rc == 0 ? &lh->h : NULL;
}

/* Is a 64-hex-digit SHA-256 (any case) one of the extra indicators of the scan setting
 * deps.worm-sha256 (scan --ioc-sha256; repeatable)? */
static bool extra_sha256(struct cu_project *p, const char *hx)
{
    const char *v;
    for (size_t k = 0; (v = cu_project_setting(p, "deps.worm-sha256", k)) != NULL; k++) {
        size_t i = 0;
        while (i < 64 && v[i] != '\0' && cu_hexval((uint8_t)v[i]) >= 0 && (v[i] | 0x20) == hx[i]) {
            i++;
        }
        if (i == 64 && v[64] == '\0') {
            return true;
        }
    }
    return false;
}

/* The one SHA-256 matcher: the published indicators (data/shai-hulud/indicators.txt through
 * cu_worm_indicator) and the extra ones of deps.worm-sha256. Sets *what to a description. */
static bool worm_sha256(struct cu_project *p, const char *hx, const char **what)
{
    if (cu_worm_indicator("sha256", hx, what)) {
        return true;
    }
    if (extra_sha256(p, hx)) {
        *what = "an indicator given with deps.worm-sha256 (--ioc-sha256)";
        return true;
    }
    return false;
}

/* Files whose SHA-256 is an indicator: a file named like a published worm payload is hashed
 * and matched; with extra indicators (deps.worm-sha256) every file is, since an indicator of
 * compromise says nothing about the name. */
static void
check_worm_file(struct cu_project *p, size_t fi, const char *path, struct lazy_hashes *lh)
{
    const char *b = cu_basename(path);
    const char *what = NULL;
    if (!cu_worm_indicator("file", b, &what) &&
        cu_project_setting(p, "deps.worm-sha256", 0) == NULL) {
        return;
    }
    const struct cu_dx_hashes *h = file_hashes(lh);
    if (h == NULL) {
        return;
    }
    char hx[65];
    cu_hex_encode(h->sha256, 32, hx);
    if (worm_sha256(p, hx, &what)) {
        cu_project_emit(p, fi, NULL, 0, "deps/worm-file", CU_SEV_DEFAULT, hx,
                        "%s has the SHA-256 of a known worm payload: %s", b,
                        what != NULL ? what : "Shai-Hulud");
    }
}

/* Integrity strings: SRI "alg-b64 alg-b64", or "alg:hex" entries separated by spaces or
 * commas. Returns 1 when some entry of an algorithm we computed matches, 0 when entries of
 * computed algorithms exist and none match, -1 when there is nothing to compare. */
static int integrity_match(const char *integrity, const struct cu_dx_hashes *h)
{
    static const struct {
        const char *alg;
        size_t off, n;
    } algs[] = { { "sha512", offsetof(struct cu_dx_hashes, sha512), 64 },
                 { "sha256", offsetof(struct cu_dx_hashes, sha256), 32 },
                 { "sha1", offsetof(struct cu_dx_hashes, sha1), 20 } };
    int result = -1;
    const char *s = integrity;
    while (s != NULL && *s != '\0') {
        while (*s == ' ' || *s == ',' || *s == '\t') {
            s++;
        }
        size_t n = strcspn(s, " ,\t");
        if (n == 0) {
            break;
        }
        for (size_t a = 0; a < 3; a++) {
            size_t al = strlen(algs[a].alg);
            if (n <= al + 1 || strncmp(s, algs[a].alg, al) != 0 || (s[al] != '-' && s[al] != ':')) {
                continue;
            }
            const uint8_t *d = (const uint8_t *)h + algs[a].off;
            const char *val = s + al + 1;
            size_t vn = n - al - 1;
            bool ok;
            if (s[al] == ':') {
                char hx[129];
                cu_hex_encode(d, algs[a].n, hx);
                ok = vn == 2 * algs[a].n && strncasecmp(val, hx, vn) == 0;
            } else {
                char *b64 = cu_b64_encode(d, algs[a].n);
                ok = b64 != NULL && strlen(b64) == vn && strncmp(val, b64, vn) == 0;
                free(b64);
            }
            if (ok) {
                return 1;
            }
            result = 0;
        }
        s += n;
    }
    return result;
}

/* "name-1.0.0.tgz" of a resolved URL or path, the file name npm pack writes. */
static bool resolved_base_is(const char *resolved, const char *fname)
{
    if (resolved == NULL) {
        return false;
    }
    size_t n = strcspn(resolved, "?#");
    const char *b = resolved;
    for (size_t i = 0; i < n; i++) {
        if (resolved[i] == '/' || resolved[i] == ':') {
            b = resolved + i + 1;
        }
    }
    size_t bl = n - (size_t)(b - resolved);
    return bl == strlen(fname) && strncmp(b, fname, bl) == 0;
}

static void check_vendored(struct cu_project *p,
                           size_t fi,
                           const char *path,
                           struct lazy_hashes *lh,
                           const struct libs *npm,
                           const struct libs *py)
{
    const char *b = cu_basename(path);
    size_t bl = strlen(b);
    bool tgz = bl > 4 && strcmp(b + bl - 4, ".tgz") == 0;
    bool whl = bl > 4 && strcmp(b + bl - 4, ".whl") == 0;
    bool sdist = (bl > 7 && strcmp(b + bl - 7, ".tar.gz") == 0) ||
                 (bl > 4 && strcmp(b + bl - 4, ".zip") == 0);
    if (!tgz && !whl && !sdist) {
        return;
    }
    const struct cu_dx_hashes *h = NULL;
    if (tgz || sdist) {
        /* npm: every lockfile entry whose resolved file name is this file */
        for (size_t i = 0; i < npm->n; i++) {
            const custody_component *c = npm->v[i].c;
            const char *integ = prop(c, "integrity");
            if (integ == NULL || !resolved_base_is(prop(c, "resolved"), b)) {
                continue;
            }
            if (h == NULL && (h = file_hashes(lh)) == NULL) {
                return;
            }
            if (integrity_match(integ, h) == 0) {
                cu_project_emit(p, fi, NULL, 0, "deps/integrity-mismatch", CU_SEV_DEFAULT, integ,
                                "%s does not match the integrity the lockfile records for "
                                "%s@%s",
                                b, c->name, c->version != NULL ? c->version : "?");
            }
        }
    }
    if (whl || sdist) {
        /* PyPI file names: name-version(-tags).whl / name-version.tar.gz */
        char name[256];
        size_t n = strcspn(b, "-");
        if (n == 0 || n >= sizeof(name) || b[n] != '-') {
            return;
        }
        memcpy(name, b, n);
        name[n] = '\0';
        const char *ver = b + n + 1;
        size_t vl =
            whl ? strcspn(ver, "-") : strlen(ver) - (strcmp(b + bl - 7, ".tar.gz") == 0 ? 7u : 4u);
        char *key = pep503(name);
        if (key == NULL) {
            return;
        }
        size_t cnt = 0;
        const struct lib *e = libs_find(py, key, &cnt);
        free(key);
        int verdict = -1;
        const custody_component *which = NULL;
        for (size_t k = 0; e != NULL && k < cnt && verdict != 1; k++) {
            const custody_component *c = e[k].c;
            const char *integ = prop(c, "integrity");
            if (integ == NULL || c->version == NULL || strlen(c->version) != vl ||
                strncmp(c->version, ver, vl) != 0) {
                continue;
            }
            if (h == NULL && (h = file_hashes(lh)) == NULL) {
                return;
            }
            int r = integrity_match(integ, h);
            if (r >= 0) {
                verdict = r;
                which = c;
            }
        }
        if (verdict == 0) {
            char hx[65];
            cu_hex_encode(h->sha256, 32, hx);
            cu_project_emit(p, fi, NULL, 0, "deps/integrity-mismatch", CU_SEV_DEFAULT, hx,
                            "%s: sha256 is not among the hashes the lockfile records for %s==%s", b,
                            which->name, which->version);
        }
    }
}

/* site-packages/<name>-<version>.dist-info/RECORD: every listed file's sha256. */
static void check_record(struct cu_project *p, size_t fi, const char *open)
{
    FILE *fp = NULL;
    struct stat st;
    if (lstat(open, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)RECORD_LIMIT ||
        (fp = fopen(open, "re")) == NULL) {
        return;
    }
    size_t dl = dir_len(open); /* .../x.dist-info */
    size_t sl = dir_len(open) > 0 ? dl : 0;
    while (sl > 0 && open[sl - 1] != '/') {
        sl--;
    }
    size_t sp = sl > 0 ? sl - 1 : 0; /* site-packages directory length */
    char *spdir = cu_asprintf("%.*s", (int)sp, open);
    char *spreal = spdir != NULL ? realpath(spdir, NULL) : NULL;
    free(spdir);
    /* Installed by the operating system's packages (Debian/Ubuntu dist-packages, no INSTALLER
     * file: pip always writes one): dh_strip strips native libraries and the packaging swaps
     * vendored CA bundles after the RECORD was written, so those differences are expected
     * there (low, with the way to verify); any other changed file stays critical. */
    bool managed = false;
    {
        char *inst = cu_asprintf("%.*s/INSTALLER", (int)dl, open);
        struct stat ist;
        managed = inst != NULL && lstat(inst, &ist) != 0 && errno == ENOENT &&
                  strstr(spreal != NULL ? spreal : "", "/dist-packages") != NULL;
        free(inst);
    }
    char line[8192];
    uint32_t lineno = 0;
    uint64_t budget = RECORD_BYTES;
    while (fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        /* path,sha256=<urlsafe b64 nopad>,size (a path with a comma is quoted: skipped) */
        if (line[0] == '"' || line[0] == '/' || line[0] == '\0') {
            continue;
        }
        char *c1 = strchr(line, ',');
        if (c1 == NULL) {
            continue;
        }
        *c1 = '\0';
        char *hv = c1 + 1;
        char *c2 = strchr(hv, ',');
        if (c2 != NULL) {
            *c2 = '\0';
        }
        if (strncmp(hv, "sha256=", 7) != 0 || strstr(line, "..") != NULL) {
            continue;
        }
        char *fpth = cu_asprintf("%.*s/%s", (int)sp, open, line);
        struct cu_dx_hashes h;
        struct stat fst;
        /* stay inside site-packages: no directory symlink may lead out of it */
        char *real = fpth != NULL ? realpath(fpth, NULL) : NULL;
        bool inside = real != NULL && spreal != NULL &&
                      strncmp(real, spreal, strlen(spreal)) == 0 && real[strlen(spreal)] == '/';
        free(real);
        if (!inside) {
            free(fpth);
            continue;
        }
        if (fpth == NULL || lstat(fpth, &fst) != 0 || !S_ISREG(fst.st_mode) ||
            (uint64_t)fst.st_size > budget || cu_dx_hash_file(fpth, &h, budget) != 0) {
            free(fpth);
            continue;
        }
        budget -= h.size;
        free(fpth);
        char *b64 = cu_b64_encode(h.sha256, 32);
        if (b64 == NULL) {
            break;
        }
        for (char *q = b64; *q != '\0'; q++) {
            if (*q == '+') {
                *q = '-';
            } else if (*q == '/') {
                *q = '_';
            }
        }
        b64[strcspn(b64, "=")] = '\0';
        /* PEP 376/627 say urlsafe base64; Debian's installed RECORDs (dh_python3) write the
         * same digest in hex. Either spelling of the digest matches. */
        char hex[65];
        for (size_t k = 0; k < 32; k++) {
            (void)snprintf(hex + 2 * k, 3, "%02x", h.sha256[k]);
        }
        if (strcmp(b64, hv + 7) != 0 && strcasecmp(hex, hv + 7) != 0) {
            bool expected =
                managed && (cu_has_suffix(line, ".so") || strstr(line, ".so.") != NULL ||
                            cu_has_suffix(line, ".pem"));
            cu_project_emit(p, fi, NULL, lineno, "deps/integrity-mismatch",
                            expected ? (int)CUSTODY_SEV_LOW : CU_SEV_DEFAULT, line,
                            "%s was changed after installation: its sha256 differs from "
                            "the one RECORD lists%s",
                            line,
                            expected ? " (an operating-system package: native libraries are "
                                       "stripped and CA bundles replaced after RECORD is "
                                       "written; check it with dpkg --verify)"
                                     : "");
        }
        free(b64);
    }
    free(spreal);
    (void)fclose(fp);
}

/* The lockfiles of the project rooted at path[0..root): npm files in that directory. */
static bool lock_for_root(const char *lockpath, const char *path, size_t root)
{
    size_t dl = dir_len(lockpath);
    if (strcmp(cu_basename(lockpath), ".package-lock.json") == 0) {
        /* <root>/node_modules/.package-lock.json */
        size_t want = root > 0 ? root + 1 + strlen("node_modules") : strlen("node_modules");
        return dl == want && strncmp(lockpath, path, root) == 0;
    }
    return dl == root && strncmp(lockpath, path, root) == 0;
}

static void check_installed_npm(struct cu_project *p, size_t fi, const struct libs *npm)
{
    const custody_file *f = cu_project_file(p, fi);
    const char *path = f->path;
    const char *first = strstr(path, "node_modules/");
    if (first == NULL || strcmp(cu_basename(path), "package.json") != 0) {
        return;
    }
    /* the name: what follows the last node_modules/ up to /package.json */
    const char *last = first;
    const char *q;
    while ((q = strstr(last + 13, "node_modules/")) != NULL) {
        last = q;
    }
    const char *nm = last + 13;
    size_t nl = strlen(nm) - strlen("/package.json");
    if (strlen(nm) <= strlen("/package.json")) {
        return;
    }
    char name[256];
    if (nl >= sizeof(name)) {
        return;
    }
    memcpy(name, nm, nl);
    name[nl] = '\0';
    size_t slashes = 0;
    for (size_t i = 0; i < nl; i++) {
        slashes += name[i] == '/';
    }
    if (!((name[0] == '@' && slashes == 1) || (name[0] != '@' && slashes == 0)) || name[0] == '.') {
        return; /* a nested package.json inside a package (lib/, esm/) */
    }
    size_t root = first > path ? (size_t)(first - path) - 1 : 0;
    /* the project's lockfile must be in the scan and have packages */
    bool have_lock = false, listed = false, version_ok = false;
    const char *ver = NULL;
    for (size_t i = 0; i < f->nfacts; i++) {
        if (strcmp(f->facts[i].key, "package.version") == 0) {
            ver = f->facts[i].value;
        }
    }
    for (size_t i = 0; i < npm->n; i++) {
        const custody_file *lf = cu_project_file(p, npm->v[i].file);
        if (lf == NULL || !is_npm_lock(lf->path) || !lock_for_root(lf->path, path, root)) {
            continue;
        }
        have_lock = true;
        if (strcmp(npm->v[i].c->name, name) == 0) {
            listed = true;
            if (ver == NULL ||
                (npm->v[i].c->version != NULL && strcmp(npm->v[i].c->version, ver) == 0)) {
                version_ok = true;
            }
        }
    }
    if (!have_lock) {
        return;
    }
    if (!listed) {
        cu_project_emit(p, fi, NULL, 0, "deps/unlisted-package", CU_SEV_DEFAULT, name,
                        "%s is installed in node_modules but the lockfile does not list it", name);
    } else if (!version_ok) {
        cu_project_emit(p, fi, NULL, 0, "deps/unlisted-package", CU_SEV_DEFAULT, ver,
                        "%s@%s is installed but the lockfile lists other versions", name, ver);
    }
}

static void check_installed_py(struct cu_project *p, size_t fi, const struct libs *py)
{
    const custody_file *f = cu_project_file(p, fi);
    if (strcmp(cu_basename(f->path), "RECORD") != 0 || py->n == 0) {
        return;
    }
    size_t dl = dir_len(f->path);
    size_t s = dl;
    while (s > 0 && f->path[s - 1] != '/') {
        s--;
    }
    const char *dir = f->path + s; /* name-version.dist-info/RECORD */
    size_t dn = dl - s;
    if (dn < 11 || strncmp(dir + dn - 10, ".dist-info", 10) != 0) {
        return;
    }
    char nv[512];
    if (dn - 10 >= sizeof(nv)) {
        return;
    }
    memcpy(nv, dir, dn - 10);
    nv[dn - 10] = '\0';
    char *dash = strchr(nv, '-');
    if (dash == NULL) {
        return;
    }
    *dash = '\0';
    const char *version = dash + 1;
    char *key = pep503(nv);
    if (key == NULL) {
        return;
    }
    bool any_lock = false;
    for (size_t i = 0; i < py->n && !any_lock; i++) {
        const custody_file *lf = cu_project_file(p, py->v[i].file);
        any_lock = lf != NULL && is_py_lock(lf->path) &&
                   strncmp(cu_basename(lf->path), "requirements", 12) != 0;
    }
    size_t cnt = 0;
    const struct lib *e = libs_find(py, key, &cnt);
    bool vok = false;
    for (size_t k = 0; e != NULL && k < cnt; k++) {
        vok = vok || (e[k].c->version != NULL && strcmp(e[k].c->version, version) == 0);
    }
    if (any_lock && e == NULL) {
        cu_project_emit(p, fi, NULL, 0, "deps/unlisted-package", CU_SEV_DEFAULT, nv,
                        "%s %s is installed in site-packages but no lockfile lists it", nv,
                        version);
    } else if (any_lock && !vok) {
        cu_project_emit(p, fi, NULL, 0, "deps/unlisted-package", CU_SEV_DEFAULT, version,
                        "%s %s is installed but the lockfile lists other versions", nv, version);
    }
    free(key);
}

static int pass_trees(struct cu_project *p)
{
    struct libs npm = { NULL, 0 }, py = { NULL, 0 };
    int rc = libs_build(p, "npm", &npm);
    if (rc == 0) {
        rc = libs_build(p, "pypi", &py);
    }
    if (rc < 0) {
        libs_free(&npm);
        return rc;
    }
    for (size_t fi = 0; fi < cu_project_file_count(p); fi++) {
        const custody_file *f = cu_project_file(p, fi);
        const char *open = cu_project_open_path(p, fi);
        if (f == NULL || open == NULL || f->status == CUSTODY_FILE_ERROR) {
            continue;
        }
        struct lazy_hashes lh = { .open = open };
        check_worm_file(p, fi, f->path, &lh);
        check_vendored(p, fi, f->path, &lh, &npm, &py);
        if (strcmp(cu_basename(f->path), "RECORD") == 0) {
            check_installed_py(p, fi, &py);
            check_record(p, fi, open);
        }
        if (f->status == CUSTODY_FILE_SCANNED) {
            check_installed_npm(p, fi, &npm);
        }
    }
    libs_free(&npm);
    libs_free(&py);
    return 0;
}

const struct cu_project_pass cu_pass_deps_confusion = { "deps-confusion", pass_confusion };
const struct cu_project_pass cu_pass_deps_lockfiles = { "deps-lockfiles", pass_lockfiles };
const struct cu_project_pass cu_pass_deps_trees = { "deps-trees", pass_trees };
