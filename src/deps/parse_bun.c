/* bun.lock (text lockfile, bun >= 1.1.39): JSON with trailing commas. "packages" maps a key
 * to a tuple [ "name@version", registry, {deps...}, integrity ]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/parse.h"
#include "core/b64.h"
#include "core/rd.h"
#include "core/util.h"
#include "core/banned.h"

int cu_parse_bun_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_json(&t, data, len, true, err);
    if (rc) {
        return rc;
    }
    out->format = "bun-lock";
    out->is_lockfile = true;
    const json_t *root = t.root;
    if (!json_is_object(root)) {
        rc = cu_err_malformed(err, "bun.lock", 0, "not a JSON object");
        goto out;
    }
    if (json_object_size(root) == 0) {
        goto out; /* "{}" */
    }
    const json_t *lv = json_object_get(root, "lockfileVersion");
    if ((rc = cu_depfile_set_version(out, lv))) {
        goto nomem;
    }
    if (!json_is_integer(lv) || json_integer_value(lv) < 0 || json_integer_value(lv) > 1) {
        rc = cu_err_unsupported(err, "bun.lock", 0, "line %u: lockfileVersion %s",
                                cu_lt_key_line(&t, root, "lockfileVersion"),
                                out->format_version ? out->format_version : "(none)");
        goto out;
    }
    const json_t *pk = json_object_get(root, "packages");
    if (!pk) {
        goto out;
    }
    if (!json_is_object(pk)) {
        rc = cu_err_malformed(err, "bun.lock", CU_NO_OFFSET, "packages is not an object");
        goto out;
    }
    const char *key;
    json_t *e;
    json_object_foreach((json_t *)pk, key, e)
    {
        uint32_t line = cu_lt_key_line(&t, pk, key);
        const char *id = json_is_array(e) ? json_string_value(json_array_get(e, 0)) : NULL;
        if (!id) {
            rc = cu_err_malformed(err, "bun.lock", CU_NO_OFFSET,
                                  "line %u: package \"%s\" is not a [\"name@version\", ...] tuple",
                                  line, key);
            goto out;
        }
        const char *at = strchr(id + (id[0] == '@'), '@');
        if (!at || at == id) {
            rc = cu_err_malformed(err, "bun.lock", CU_NO_OFFSET, "line %u: bad package id \"%s\"",
                                  line, id);
            goto out;
        }
        const char *spec = at + 1;
        if (strncmp(spec, "workspace:", 10) == 0) {
            continue; /* the project's own workspaces */
        }
        char *name = cu_strndup(id, (size_t)(at - id));
        if (!name) {
            goto nomem;
        }
        struct cu_pkg p = { .eco = CU_ECO_NPM, .name = name, .line = line, .spec = (char *)key };
        p.source = cu_npm_source(spec);
        if (spec[0] >= '0' && spec[0] <= '9') {
            p.version = (char *)spec;
            p.source = CU_DEP_REGISTRY;
            const char *reg = json_string_value(json_array_get(e, 1));
            if (reg && *reg) {
                p.resolved = (char *)reg;
            }
            const json_t *last = json_array_get(e, json_array_size(e) - 1);
            if (json_array_size(e) >= 4 && json_is_string(last)) {
                p.integrity = (char *)json_string_value(last);
            }
        } else {
            if (strncmp(spec, "npm:", 4) == 0) {
                p.version = (char *)spec + 4;
            }
            p.resolved = (char *)spec;
        }
        rc = cu_depfile_add(out, &p);
        free(name);
        if (rc) {
            goto nomem;
        }
    }
    /* direct dependencies and their scope: the workspaces' dependency maps name packages by
     * their top-level key (kept in spec until here; bun.lock holds no range per package) */
    struct cu_hset prod = { 0 }, dev = { 0 }, opt = { 0 };
    const json_t *ws = json_object_get(root, "workspaces");
    const char *wk;
    json_t *w;
    if (json_is_object(ws)) {
        json_object_foreach((json_t *)ws, wk, w)
        {
            static const char *const groups[] = { "dependencies", "peerDependencies",
                                                  "optionalDependencies", "devDependencies" };
            for (size_t g = 0; g < 4; g++) {
                const json_t *deps = json_object_get(w, groups[g]);
                const char *dn;
                json_t *dv;
                if (!json_is_object(deps)) {
                    continue;
                }
                json_object_foreach((json_t *)deps, dn, dv)
                {
                    struct cu_hset *set = g == 3 ? &dev : g == 2 ? &opt : &prod;
                    if (cu_hset_add(set, cu_strhash(dn)) < 0) {
                        free(prod.v);
                        free(dev.v);
                        free(opt.v);
                        goto nomem;
                    }
                }
            }
        }
    }
    for (size_t i = 0; i < out->npkgs; i++) {
        struct cu_pkg *p = &out->pkgs[i];
        if (p->spec) {
            uint64_t h = cu_strhash(p->spec);
            bool inp = cu_hset_has(&prod, h), ind = cu_hset_has(&dev, h),
                 ino = cu_hset_has(&opt, h);
            p->direct = inp || ind || ino;
            p->dev = ind && !inp && !ino;
            p->optional = ino && !inp;
        }
        free(p->spec);
        p->spec = NULL;
    }
    free(prod.v);
    free(dev.v);
    free(opt.v);
out:
    cu_lt_free(&t);
    return rc;
nomem:
    cu_lt_free(&t);
    return cu_err_nomem(err);
}

/* ---- bun.lockb: bun's binary lockfile (format 2: bun 0.6-1.1; format 3: bun >= 1.2 when
 * install.saveTextLockfile = false) ----
 * SPEC: bun's src/install/lockfile.zig (Lockfile.Serializer), read to learn the layout:
 *   "#!/usr/bin/env bun\nbun-lockfile-format-v0\n", u32 format, [32] meta hash, u64 end,
 *   u64 package count N, u64 alignment (8), u64 field count (8), u64 begin, u64 end of the
 *   package table; the table holds each field of all N packages together (name String[8],
 *   name_hash u64, resolution[64; 72 in format 3], dependencies slice[8], resolutions
 *   slice[8], meta[88], bin,
 *   scripts); after it, six (u64 start, u64 end) buffers: trees, hoisted dependencies,
 *   resolutions (u32 package id per dependency), dependencies (26 bytes each), external
 *   strings, string bytes. All little-endian.
 *   A String is 8 bytes: inline text (NUL-padded) unless the top bit of byte 7 is set, then
 *   u32 offset + u31 length into the string bytes. */
#define LOCKB_HEADER     "#!/usr/bin/env bun\nbun-lockfile-format-v0\n"
#define LOCKB_HEADER_LEN 42u
#define LOCKB_RES_LEN2   64u /* format 2: u32 major/minor/patch */
#define LOCKB_RES_LEN3   72u /* format 3: u64 */
#define LOCKB_META_LEN   88u
#define LOCKB_DEP_LEN    26u
#define LOCKB_MAX_PKGS   (1u << 20)

enum {
    BUNB_ROOT = 1,
    BUNB_NPM = 2,
    BUNB_FOLDER = 4,
    BUNB_LOCAL_TARBALL = 8,
    BUNB_GITHUB = 16,
    BUNB_GITLAB = 24,
    BUNB_GIT = 32,
    BUNB_SYMLINK = 64,
    BUNB_WORKSPACE = 72,
    BUNB_REMOTE_TARBALL = 80
};

struct bunb {
    const uint8_t *p;
    size_t len;
    const uint8_t *strings; /* string bytes buffer */
    size_t nstrings;
    custody_error *err;
};

static int bunb_bad(struct bunb *b, uint64_t off, const char *what)
{
    return cu_err_malformed(b->err, "bun.lockb", off, "%s (at byte %llu)", what,
                            (unsigned long long)off);
}

/* A String at p (8 bytes inside the file) as a fresh C string; NULL on ENOMEM, "" when it
 * points outside the string bytes (*bad set). */
static char *bunb_str(struct bunb *b, const uint8_t *p, bool *bad)
{
    if (!(p[7] & 0x80)) {
        size_t n = 0;
        while (n < 8 && p[n] != 0) {
            n++;
        }
        return cu_strndup((const char *)p, n);
    }
    uint32_t off = cu_load_u32le(p), n = cu_load_u32le(p + 4) & 0x7fffffffu;
    if (b->strings == NULL || off > b->nstrings || n > b->nstrings - off) {
        *bad = true;
        return cu_strdup("");
    }
    return cu_strndup((const char *)b->strings + off, n);
}

/* The (start, end) pair at *pos and the bytes it names; *pos moves to end. */
static bool bunb_buffer(struct bunb *b, uint64_t *pos, const uint8_t **out, size_t *n)
{
    if (*pos > b->len || b->len - *pos < 16) {
        return false;
    }
    uint64_t s = cu_load_u64le(b->p + *pos), e = cu_load_u64le(b->p + *pos + 8);
    if (s < *pos + 16 || s > e || e > b->len) {
        return false;
    }
    *out = b->p + s;
    *n = (size_t)(e - s);
    *pos = e;
    return true;
}

/* Marks the packages the root package (or a workspace) depends on directly. */
static void bunb_direct(struct cu_depfile *out,
                        const uint32_t *pkg_of_row,
                        uint64_t npk,
                        const uint8_t *slice,
                        const uint8_t *deps,
                        size_t ndeps,
                        const uint8_t *res,
                        size_t nres)
{
    uint32_t off = cu_load_u32le(slice), cnt = cu_load_u32le(slice + 4);
    for (uint64_t k = off; k < (uint64_t)off + cnt && k < ndeps && k < nres; k++) {
        uint8_t behavior = deps[k * LOCKB_DEP_LEN + 16];
        uint32_t id = cu_load_u32le(res + k * 4);
        if (id >= npk || pkg_of_row[id] == UINT32_MAX) {
            continue;
        }
        struct cu_pkg *p = &out->pkgs[pkg_of_row[id]];
        bool dev = (behavior & 0x08) != 0, opt = (behavior & 0x04) != 0;
        if (!p->direct) {
            p->dev = dev;
            p->optional = opt;
        } else {
            p->dev = p->dev && dev;
            p->optional = p->optional && opt;
        }
        p->direct = true;
    }
}

int cu_parse_bun_lockb(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct bunb b = { data, len, NULL, 0, err };
    out->format = "bun-lockb";
    out->is_lockfile = true;
    if (len < LOCKB_HEADER_LEN + 4 + 32 + 8 * 6 ||
        memcmp(data, LOCKB_HEADER, LOCKB_HEADER_LEN) != 0) {
        return bunb_bad(&b, 0, "no bun lockfile header");
    }
    const uint8_t *h = data + LOCKB_HEADER_LEN;
    uint32_t fmt = cu_load_u32le(h);
    char vbuf[16];
    (void)snprintf(vbuf, sizeof(vbuf), "%u", fmt);
    out->format_version = cu_strdup(vbuf);
    if (out->format_version == NULL) {
        return cu_err_nomem(err);
    }
    if (fmt != 2 && fmt != 3) {
        return cu_err_unsupported(err, "bun.lockb", LOCKB_HEADER_LEN,
                                  "binary lockfile format %u (formats 2 and 3 are read); "
                                  "`bun install --save-text-lockfile` writes bun.lock",
                                  fmt);
    }
    const size_t res_len = fmt == 2 ? LOCKB_RES_LEN2 : LOCKB_RES_LEN3;
    h += 4 + 32;
    uint64_t end = cu_load_u64le(h), npk = cu_load_u64le(h + 8), align = cu_load_u64le(h + 16),
             fields = cu_load_u64le(h + 24), begin_at = cu_load_u64le(h + 32),
             end_at = cu_load_u64le(h + 40);
    if (end > len || align != 8 || fields != 8 || begin_at > end_at || end_at > len) {
        return bunb_bad(&b, LOCKB_HEADER_LEN + 36, "package table header out of range");
    }
    if (npk > LOCKB_MAX_PKGS) {
        return cu_err_limit(err, "bun.lockb", LOCKB_HEADER_LEN + 44,
                            "%llu packages exceed the limit of %u", (unsigned long long)npk,
                            LOCKB_MAX_PKGS);
    }
    /* name, name_hash, resolution, dependencies, resolutions and meta columns must fit */
    uint64_t row = 8 + 8 + res_len + 8 + 8 + LOCKB_META_LEN;
    if (npk * row > end_at - begin_at) {
        return bunb_bad(&b, begin_at, "package table shorter than its package count");
    }
    const uint8_t *names = data + begin_at;
    const uint8_t *resol = names + npk * 16;
    const uint8_t *dslice = resol + npk * res_len;
    const uint8_t *meta = dslice + npk * 16;

    uint64_t pos = end_at;
    const uint8_t *buf[6];
    size_t nbuf[6];
    for (size_t i = 0; i < 6; i++) {
        if (!bunb_buffer(&b, &pos, &buf[i], &nbuf[i])) {
            return bunb_bad(&b, pos, "lockfile buffer out of range");
        }
    }
    b.strings = buf[5];
    b.nstrings = nbuf[5];
    const uint8_t *res = buf[2], *deps = buf[3];
    size_t nres = nbuf[2] / 4, ndeps = nbuf[3] / LOCKB_DEP_LEN;

    uint32_t *pkg_of_row = cu_malloc((size_t)(npk > 0 ? npk : 1) * sizeof(*pkg_of_row));
    if (pkg_of_row == NULL) {
        return cu_err_nomem(err);
    }
    int rc = 0;
    bool bad = false;
    for (uint64_t i = 0; i < npk && rc == 0; i++) {
        pkg_of_row[i] = UINT32_MAX;
        const uint8_t *r = resol + i * res_len;
        uint8_t tag = r[0];
        if (tag == BUNB_ROOT || tag == BUNB_WORKSPACE || tag == BUNB_SYMLINK || tag == 0) {
            continue; /* the project itself, its workspaces and links */
        }
        char *name = bunb_str(&b, names + i * 8, &bad);
        char *resolved = NULL, *version = NULL, *integrity = NULL;
        struct cu_pkg p = { .eco = CU_ECO_NPM, .name = name };
        if (tag == BUNB_NPM) {
            /* url String, then major, minor, patch (u32, or u64 in format 3), then the
             * prerelease and build tags (ExternalString: String + u64 hash) */
            uint64_t v[3];
            for (size_t k = 0; k < 3; k++) {
                v[k] = fmt == 2 ? cu_load_u32le(r + 16 + 4 * k) : cu_load_u64le(r + 16 + 8 * k);
            }
            size_t tags = fmt == 2 ? 32 : 40;
            char *pre = bunb_str(&b, r + tags, &bad), *build = bunb_str(&b, r + tags + 16, &bad);
            version = pre != NULL && build != NULL
                          ? cu_asprintf("%llu.%llu.%llu%s%s%s%s", (unsigned long long)v[0],
                                        (unsigned long long)v[1], (unsigned long long)v[2],
                                        pre[0] ? "-" : "", pre, build[0] ? "+" : "", build)
                          : NULL;
            free(pre);
            free(build);
            resolved = bunb_str(&b, r + 8, &bad);
            p.source = CU_DEP_REGISTRY;
            const uint8_t *m = meta + i * LOCKB_META_LEN;
            static const char *const algs[] = { NULL, "sha1", "sha256", "sha384", "sha512" };
            static const size_t dlen[] = { 0, 20, 32, 48, 64 };
            if (m[20] >= 1 && m[20] <= 4) {
                char *b64 = cu_b64_encode(m + 21, dlen[m[20]]);
                integrity = b64 != NULL ? cu_asprintf("%s-%s", algs[m[20]], b64) : NULL;
                free(b64);
            }
        } else if (tag == BUNB_GITHUB || tag == BUNB_GITLAB || tag == BUNB_GIT) {
            /* Repository: owner, repo, committish, resolved, package_name */
            char *owner = bunb_str(&b, r + 8, &bad), *repo = bunb_str(&b, r + 16, &bad);
            char *commit = bunb_str(&b, r + 32, &bad);
            if (owner != NULL && repo != NULL && commit != NULL) {
                const char *host = tag == BUNB_GITHUB   ? "github:"
                                   : tag == BUNB_GITLAB ? "gitlab:"
                                                        : "";
                resolved = cu_asprintf("%s%s%s%s%s%s", host, owner, owner[0] && host[0] ? "/" : "",
                                       repo, commit[0] ? "#" : "", commit);
            }
            free(owner);
            free(repo);
            free(commit);
            p.source = CU_DEP_GIT;
        } else {
            char *v = bunb_str(&b, r + 8, &bad);
            if (v != NULL && (tag == BUNB_FOLDER || tag == BUNB_LOCAL_TARBALL)) {
                resolved = cu_asprintf("file:%s", v);
                free(v);
            } else {
                resolved = v;
            }
            p.source = tag == BUNB_REMOTE_TARBALL                          ? CU_DEP_URL
                       : (tag == BUNB_FOLDER || tag == BUNB_LOCAL_TARBALL) ? CU_DEP_PATH
                                                                           : CU_DEP_UNKNOWN;
        }
        p.version = version;
        p.resolved = resolved != NULL && resolved[0] != '\0' ? resolved : NULL;
        p.integrity = integrity;
        if (name == NULL || (tag == BUNB_NPM && version == NULL)) {
            rc = cu_err_nomem(err);
        } else if (bad) {
            rc = bunb_bad(&b, begin_at + i * 8, "a string points outside the string bytes");
        } else if (name[0] == '\0') {
            rc = bunb_bad(&b, begin_at + i * 8, "package without a name");
        } else {
            pkg_of_row[i] = (uint32_t)out->npkgs;
            rc = cu_depfile_add(out, &p) == 0 ? 0 : cu_err_nomem(err);
        }
        free(name);
        free(version);
        free(resolved);
        free(integrity);
    }
    if (rc == 0) {
        for (uint64_t i = 0; i < npk; i++) {
            uint8_t tag = resol[i * res_len];
            if (tag == BUNB_ROOT || tag == BUNB_WORKSPACE) {
                bunb_direct(out, pkg_of_row, npk, dslice + i * 8, deps, ndeps, res, nres);
            }
        }
    }
    free(pkg_of_row);
    return rc;
}
