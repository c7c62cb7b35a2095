/* OpenSSF model signing (OMS v1.0): signing and verifying models the way the reference
 * `model_signing` does (sigstore/model-transparency), with every historical variant it wrote.
 * SPEC: model_signing/_signing/signing.py (Payload, dsse_payload_to_manifest[_compat]),
 * sign_ec_key.py, sign_certificate.py, sign_sigstore_pb.py (pae, pae_compat), manifest.py
 * (serialization parameters), verifying.py (ignore paths, unsigned files). */
#define _GNU_SOURCE /* O_NOATIME, realpath */
#include "provenance/oms.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/b64.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/pool.h"
#include "core/util.h"
#include "provenance/bundle.h"
#include "provenance/dsse.h"
#include "provenance/keys.h"
#include "provenance/manifest.h"
#include "core/banned.h"

#define OMS_CHUNK      (2u << 20)
#define OMS_MAX_SHARDS 100000000u
#define OMS_MAX_IGNORE 100000u

/* CUSTODY_EVERIFY (public) and CU_EVERIFY (provenance/prov.h) are the same value, -16. */

static const char *const oms_git_paths[] = { ".git", ".gitattributes", ".github", ".gitignore" };

/* ---- JSON text as Python's json.dumps(ensure_ascii=True) writes it ----------------------- */

static size_t oms_utf8(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xe0) == 0xc0) {
        n = 2, v = c & 0x1fu, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3, v = c & 0x0fu, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        v = v << 6 | (s[i] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return 0;
    }
    *cp = v;
    return n;
}

bool cu_oms_json_str(struct cu_buf *b, const char *s)
{
    if (s == NULL) {
        return false;
    }
    const unsigned char *p = (const unsigned char *)s;
    cu_buf_addc(b, '"');
    while (*p != 0) {
        uint32_t cp = 0;
        size_t n = oms_utf8(p, &cp);
        if (n == 0) {
            return false;
        }
        p += n;
        switch (cp) {
        case '"':
            cu_buf_adds(b, "\\\"");
            break;
        case '\\':
            cu_buf_adds(b, "\\\\");
            break;
        case '\n':
            cu_buf_adds(b, "\\n");
            break;
        case '\r':
            cu_buf_adds(b, "\\r");
            break;
        case '\t':
            cu_buf_adds(b, "\\t");
            break;
        case '\b':
            cu_buf_adds(b, "\\b");
            break;
        case '\f':
            cu_buf_adds(b, "\\f");
            break;
        default:
            if (cp >= 0x20 && cp < 0x7f) {
                cu_buf_addc(b, (char)cp);
            } else if (cp < 0x10000) {
                cu_buf_addf(b, "\\u%04x", cp);
            } else {
                uint32_t v = cp - 0x10000;
                cu_buf_addf(b, "\\u%04x\\u%04x", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
            }
        }
    }
    cu_buf_addc(b, '"');
    return true;
}

static bool oms_unhex(uint8_t *out, size_t n, const char *s)
{
    return s != NULL && strlen(s) == 2 * n && cu_hex_decode(s, n, out);
}

/* ---- hashing tasks: a whole file or one shard, on the thread pool ------------------------ */

struct oms_task {
    const char *path;
    bool nofollow;
    bool range; /* hash [start, end) only */
    uint64_t start, end;
    int rc; /* 0, CUSTODY_EIO (sys_errno), CUSTODY_EINVAL (not a regular file), ENOMEM */
    int sys_errno;
    bool short_read;  /* the file ended before `end` */
    uint64_t size;    /* file size at open */
    const EVP_MD *md; /* NULL: SHA-256 */
    uint8_t digest[64];
};

struct oms_tasks {
    struct oms_task *v;
    size_t n, cap;
};

static struct oms_task *oms_task_add(struct oms_tasks *t)
{
    if (!cu_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v))) {
        return NULL;
    }
    struct oms_task *k = &t->v[t->n++];
    memset(k, 0, sizeof(*k));
    return k;
}

static void oms_hash_task(void *ud, size_t i)
{
    struct oms_task *k = &((struct oms_tasks *)ud)->v[i];
    struct cu_mf_hash_job j = { .path = k->path,
                                .nofollow = k->nofollow,
                                .range = k->range,
                                .start = k->start,
                                .end = k->end,
                                .md = k->md,
                                .chunk = OMS_CHUNK,
                                .digest = k->digest };
    cu_mf_hash_file(&j);
    k->rc = j.rc;
    k->sys_errno = j.sys_errno;
    k->short_read = j.short_read;
    k->size = j.size;
}

static void oms_tasks_run(struct oms_tasks *t, unsigned threads)
{
    if (t->n > 0) {
        (void)cu_pool_run(threads, t->n, oms_hash_task, t); /* ENOMEM: ran on this thread */
    }
}

static int oms_task_err(const struct oms_task *k, custody_error *err)
{
    switch (k->rc) {
    case 0:
        return 0;
    case CUSTODY_EIO:
        return cu_err_io(err, k->path, "cannot read: %s", strerror(k->sys_errno));
    case CUSTODY_EINVAL:
        return cu_err_set(err, CU_EVERIFY, k->path, CU_NO_OFFSET, __FILE__, __LINE__,
                          "is no longer a regular file (swapped while reading)");
    default:
        return cu_err_nomem(err);
    }
}

/* ---- paths ------------------------------------------------------------------------------- */

/* Normalised relative path (components joined by '/', "." and empty ones dropped; "" = the
 * model itself). NULL for a path that climbs out ("..") or is absolute. */
static char *oms_norm(const char *p)
{
    bool nomem = false;
    return p[0] == '/' ? NULL : cu_mf_norm(p, &nomem);
}

/* rel lies at or below ig (normalised, "" = everything), by whole components. */
static bool oms_under(const char *rel, const char *ig)
{
    size_t n = strlen(ig);
    if (n == 0) {
        return true;
    }
    return strncmp(rel, ig, n) == 0 && (rel[n] == 0 || rel[n] == '/');
}

/* A resource name a verifier may open: relative, no "..", no empty or "." components; "."
 * alone names a single-file model. */
static bool oms_name_ok(const char *s)
{
    if (s == NULL) {
        return false;
    }
    if (strcmp(s, ".") == 0) {
        return true;
    }
    if (s[0] == 0 || s[0] == '/') {
        return false;
    }
    const char *c = s;
    while (*c != 0) {
        const char *e = strchr(c, '/');
        size_t n = e != NULL ? (size_t)(e - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
            return false;
        }
        c += n;
        if (*c == '/') {
            c++;
            if (*c == 0) {
                return false;
            }
        }
    }
    return true;
}

/* pathlib's Path(model).name, or the resolved directory's name when that is empty or "..". */
static char *oms_model_name(const char *model)
{
    const char *last = NULL;
    size_t lastn = 0;
    for (const char *s = model; *s != 0;) {
        const char *e = strchr(s, '/');
        size_t n = e != NULL ? (size_t)(e - s) : strlen(s);
        if (n > 0 && !(n == 1 && s[0] == '.')) {
            last = s;
            lastn = n;
        }
        s += n;
        if (*s == '/') {
            s++;
        }
    }
    if (last != NULL && !(lastn == 2 && last[0] == '.' && last[1] == '.')) {
        return cu_strndup(last, lastn);
    }
    char *real = realpath(model, NULL);
    char *name = cu_strdup(real != NULL ? cu_basename(real) : "");
    free(real);
    return name;
}

/* ---- the statement ----------------------------------------------------------------------- */

struct oms_res {
    char *name; /* resource name ("path" or "path:start:end") */
    uint8_t digest[32];
};

static void oms_res_free(struct oms_res *r, size_t n)
{
    for (size_t i = 0; r != NULL && i < n; i++) {
        free(r[i].name);
    }
    free(r);
}

static int oms_write_statement(struct cu_buf *b,
                               const char *subject,
                               const struct oms_res *r,
                               size_t n,
                               uint64_t shard_size,
                               bool allow_symlinks,
                               char *const *ign,
                               size_t n_ign,
                               custody_error *err)
{
    uint8_t root[32];
    char hex[65];
    unsigned int dl = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++) {
        ok = EVP_DigestUpdate(ctx, r[i].digest, 32) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx, root, &dl) == 1 && dl == 32;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        return cu_err_nomem(err);
    }
    cu_hex_encode(root, 32, hex);
    cu_buf_adds(b, "{\n  \"_type\": \"" CU_OMS_STATEMENT_V1 "\",\n  \"subject\": [\n    {\n"
                   "      \"name\": ");
    if (!cu_oms_json_str(b, subject)) {
        return cu_err_inval(err, "the model name is not UTF-8");
    }
    cu_buf_addf(b,
                ",\n      \"digest\": {\n        \"sha256\": \"%s\"\n      }\n    }\n  ],\n"
                "  \"predicateType\": \"" CU_OMS_PREDICATE "\",\n  \"predicate\": {\n"
                "    \"serialization\": {\n      \"method\": \"%s\",\n"
                "      \"hash_type\": \"sha256\",\n      \"allow_symlinks\": %s",
                hex, shard_size > 0 ? "shards" : "files", allow_symlinks ? "true" : "false");
    if (shard_size > 0) {
        cu_buf_addf(b, ",\n      \"shard_size\": %llu.0", (unsigned long long)shard_size);
    }
    if (n_ign > 0) {
        cu_buf_adds(b, ",\n      \"ignore_paths\": [");
        for (size_t i = 0; i < n_ign; i++) {
            cu_buf_adds(b, i > 0 ? ",\n        " : "\n        ");
            if (!cu_oms_json_str(b, ign[i])) {
                return cu_err_inval(err, "ignore path '%s' is not UTF-8", ign[i]);
            }
        }
        cu_buf_adds(b, "\n      ]");
    }
    cu_buf_adds(b, "\n    },\n    \"resources\": [");
    char alg[48];
    if (shard_size > 0) {
        (void)snprintf(alg, sizeof(alg), "sha256-sharded-%llu", (unsigned long long)shard_size);
    } else {
        (void)snprintf(alg, sizeof(alg), "sha256");
    }
    for (size_t i = 0; i < n; i++) {
        cu_hex_encode(r[i].digest, 32, hex);
        cu_buf_addf(b,
                    "%s\n      {\n        \"algorithm\": \"%s\",\n        \"digest\": \"%s\",\n"
                    "        \"name\": ",
                    i > 0 ? "," : "", alg, hex);
        if (!cu_oms_json_str(b, r[i].name)) {
            return cu_err_inval(err, "file name '%s' is not UTF-8", r[i].name);
        }
        cu_buf_adds(b, "\n      }");
    }
    cu_buf_adds(b, n > 0 ? "\n    ]\n  }\n}" : "]\n  }\n}");
    if (b->oom) {
        return cu_err_nomem(err);
    }
    if (b->cut) {
        return cu_err_limit(err, NULL, CU_NO_OFFSET, "statement larger than %u bytes",
                            CU_LIMIT_JSON);
    }
    return 0;
}

/* Lists and hashes the model into resources (files or shards). */
static int oms_hash_model(struct oms_res **out,
                          size_t *nout,
                          const char *model,
                          const custody_digest_opts *opts,
                          uint64_t shard_size,
                          custody_error *err)
{
    struct custody_manifest m = { 0 };
    struct oms_tasks t = { 0 };
    struct oms_res *r = NULL;
    size_t nr = 0;
    *out = NULL;
    *nout = 0;
    int rc = cu_mf_list(&m, model, opts, err);
    if (rc != 0) {
        goto out;
    }
    if (shard_size == 0) {
        rc = cu_mf_hash(&m, opts->threads, err);
        if (rc != 0) {
            goto out;
        }
        r = cu_calloc(m.n > 0 ? m.n : 1, sizeof(*r));
        if (r == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        for (; nr < m.n; nr++) {
            r[nr].name = m.v[nr].name;
            m.v[nr].name = NULL;
            memcpy(r[nr].digest, m.v[nr].digest, 32);
        }
        goto out;
    }
    /* shards: [k*size, min((k+1)*size, filesize)) for every file; an empty file has none */
    for (size_t i = 0; i < m.n; i++) {
        struct stat st;
        if ((m.v[i].nofollow ? lstat(m.v[i].path, &st) : stat(m.v[i].path, &st)) != 0) {
            rc = cu_err_io(err, m.v[i].path, "cannot stat: %s", strerror(errno));
            goto out;
        }
        uint64_t size = (uint64_t)st.st_size;
        for (uint64_t off = 0; off < size; off += shard_size) {
            if (t.n >= OMS_MAX_SHARDS) {
                rc = cu_err_limit(err, model, CU_NO_OFFSET, "more than %u shards", OMS_MAX_SHARDS);
                goto out;
            }
            struct oms_task *k = oms_task_add(&t);
            if (k == NULL) {
                rc = cu_err_nomem(err);
                goto out;
            }
            k->path = m.v[i].path;
            k->nofollow = m.v[i].nofollow;
            k->range = true;
            k->start = off;
            k->end = size - off > shard_size ? off + shard_size : size;
        }
    }
    oms_tasks_run(&t, opts->threads);
    r = cu_calloc(t.n > 0 ? t.n : 1, sizeof(*r));
    if (r == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    size_t fi = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct oms_task *k = &t.v[i];
        rc = oms_task_err(k, err);
        if (rc == 0 && (k->short_read ||
                        (k->end == k->size) != (i + 1 == t.n || t.v[i + 1].path != k->path))) {
            rc = cu_err_io(err, k->path, "the file changed size while it was hashed");
        }
        if (rc != 0) {
            goto out;
        }
        while (m.v[fi].path != k->path) {
            fi++;
        }
        r[nr].name = cu_asprintf("%s:%llu:%llu", m.v[fi].name, (unsigned long long)k->start,
                                 (unsigned long long)k->end);
        if (r[nr].name == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        memcpy(r[nr].digest, k->digest, 32);
        nr++;
    }
out:
    free(t.v);
    for (size_t i = 0; i < m.n; i++) {
        free(m.v[i].name);
        free(m.v[i].path);
    }
    free(m.v);
    if (rc != 0) {
        oms_res_free(r, nr);
        return rc;
    }
    *out = r;
    *nout = nr;
    return 0;
}

/* The ignore paths a signature records: the given ones (normalised, deduplicated), then the
 * git paths when they are left out. */
static int
oms_record_ignores(char ***out, size_t *nout, const custody_digest_opts *o, custody_error *err)
{
    size_t cap = o->n_ignore_paths + 4, n = 0;
    char **v = cu_calloc(cap, sizeof(*v));
    if (v == NULL) {
        return cu_err_nomem(err);
    }
    for (size_t i = 0; i < cap; i++) {
        const char *p;
        if (i < o->n_ignore_paths) {
            p = o->ignore_paths[i];
        } else if (!o->include_git_paths) {
            p = oms_git_paths[i - o->n_ignore_paths];
        } else {
            break;
        }
        char *s = p != NULL ? oms_norm(p) : NULL;
        if (s == NULL) {
            continue;
        }
        if (s[0] == 0) {
            free(s);
            s = cu_strdup(".");
            if (s == NULL) {
                break;
            }
        }
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++) {
            dup = strcmp(v[j], s) == 0;
        }
        if (dup) {
            free(s);
        } else {
            v[n++] = s;
        }
    }
    *out = v;
    *nout = n;
    return 0;
}

static void oms_strv_free(char **v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        free(v[i]);
    }
    free(v);
}

int cu_oms_statement(char **out,
                     size_t *outlen,
                     size_t *n_resources,
                     const char *model,
                     const custody_digest_opts *opts,
                     uint64_t shard_size,
                     custody_error *err)
{
    static const custody_digest_opts defaults = { 0 };
    struct oms_res *r = NULL;
    size_t nr = 0, n_ign = 0;
    char **ign = NULL;
    char *name = NULL;
    struct cu_buf b = CU_BUF_INIT(CU_LIMIT_JSON);
    *out = NULL;
    *outlen = 0;
    if (opts == NULL) {
        opts = &defaults;
    }
    if (shard_size >= 10000000000000000ull) {
        return cu_err_inval(err, "shard size must be below 10^16 bytes");
    }
    int rc = oms_hash_model(&r, &nr, model, opts, shard_size, err);
    if (rc == 0) {
        rc = oms_record_ignores(&ign, &n_ign, opts, err);
    }
    if (rc == 0) {
        name = oms_model_name(model);
        rc = name == NULL ? cu_err_nomem(err) : 0;
    }
    if (rc == 0) {
        rc =
            oms_write_statement(&b, name, r, nr, shard_size, opts->allow_symlinks, ign, n_ign, err);
    }
    if (rc == 0) {
        *out = cu_strndup(b.p != NULL ? b.p : "", b.len);
        *outlen = b.len;
        *n_resources = nr;
        rc = *out == NULL ? cu_err_nomem(err) : 0;
    }
    cu_buf_free(&b);
    free(name);
    oms_strv_free(ign, n_ign);
    oms_res_free(r, nr);
    return rc;
}

/* ---- PAE as the v0.2.0 reference wrote it ------------------------------------------------ */

int cu_oms_pae_compat(uint8_t **out,
                      size_t *outlen,
                      const char *type,
                      const uint8_t *payload,
                      size_t len,
                      custody_error *err)
{
    struct cu_buf b = CU_BUF_INIT(4 * (size_t)CU_LIMIT_JSON + 256);
    *out = NULL;
    *outlen = 0;
    bool sq = memchr(payload, '\'', len) != NULL, dq = memchr(payload, '"', len) != NULL;
    char quote = sq && !dq ? '"' : '\'';
    cu_buf_addf(&b, "DSSEV1 %zu %s %zu b%c", strlen(type), type, len, quote);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = payload[i];
        if (c == (uint8_t)quote || c == '\\') {
            cu_buf_addc(&b, '\\');
            cu_buf_addc(&b, (char)c);
        } else if (c == '\t') {
            cu_buf_adds(&b, "\\t");
        } else if (c == '\n') {
            cu_buf_adds(&b, "\\n");
        } else if (c == '\r') {
            cu_buf_adds(&b, "\\r");
        } else if (c < 0x20 || c >= 0x7f) {
            cu_buf_addf(&b, "\\x%02x", c);
        } else {
            cu_buf_addc(&b, (char)c);
        }
    }
    cu_buf_addc(&b, quote);
    int rc = 0;
    if (b.oom || b.cut) {
        rc = b.oom ? cu_err_nomem(err) : cu_err_limit(err, NULL, CU_NO_OFFSET, "payload too big");
        cu_buf_free(&b);
        return rc;
    }
    *outlen = b.len;
    *out = (uint8_t *)b.p; /* handed over */
    return 0;
}

/* ---- signing ----------------------------------------------------------------------------- */

static const EVP_MD *oms_md(const EVP_PKEY *key)
{
    switch (EVP_PKEY_get_bits(key)) {
    case 256:
        return EVP_sha256();
    case 384:
        return EVP_sha384();
    default:
        return EVP_sha512(); /* P-521 */
    }
}

static int oms_write_file(const char *path, const char *data, size_t len, custody_error *err)
{
    char *tmp = cu_asprintf("%s.tmp.%ld", path, (long)getpid());
    if (tmp == NULL) {
        return cu_err_nomem(err);
    }
    int rc = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        rc = cu_err_io(err, path, "cannot create: %s", strerror(errno));
        goto out;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            rc = cu_err_io(err, path, "cannot write: %s", strerror(errno));
            break;
        }
        off += (size_t)n;
    }
    if (close(fd) != 0 && rc == 0) {
        rc = cu_err_io(err, path, "cannot write: %s", strerror(errno));
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = cu_err_io(err, path, "cannot write: %s", strerror(errno));
    }
    if (rc != 0) {
        (void)unlink(tmp);
    }
out:
    free(tmp);
    return rc;
}

static int oms_add_cert_b64(struct cu_buf *b, X509 *x, bool first, custody_error *err)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    if (n <= 0) {
        return cu_err_nomem(err);
    }
    char *s = cu_b64_encode(der, (size_t)n);
    OPENSSL_free(der);
    if (s == NULL) {
        return cu_err_nomem(err);
    }
    cu_buf_addf(b, "%s{\"rawBytes\":\"%s\"}", first ? "" : ",", s);
    free(s);
    return 0;
}

int custody_sign(const char *model,
                 const char *sig_path,
                 const custody_sign_opts *opts,
                 custody_error *err)
{
    EVP_PKEY *key = NULL;
    STACK_OF(X509) *leafs = NULL;
    STACK_OF(X509) *chain = NULL;
    char *stmt = NULL;
    uint8_t *pae = NULL;
    unsigned char *sig = NULL;
    char *p64 = NULL, *s64 = NULL;
    EVP_MD_CTX *ctx = NULL;
    struct cu_buf b = CU_BUF_INIT(4 * (size_t)CU_LIMIT_JSON);
    size_t stmt_len = 0, pae_len = 0, n_res = 0, sig_len = 0;
    int rc;
    if (model == NULL || sig_path == NULL || opts == NULL || opts->key_path == NULL) {
        return cu_err_inval(err, "custody_sign: missing argument");
    }
    rc = cu_key_load_private(&key, opts->key_path, opts->passphrase, err);
    if (rc == 0) {
        rc = cu_key_check_ec(key, opts->key_path, err);
    }
    if (rc == 0 && opts->cert_path != NULL) {
        rc = cu_certs_load(&leafs, opts->cert_path, err);
        if (rc == 0 && EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(leafs, 0)), key) != 1) {
            rc = cu_err_inval(err,
                              "%s: the certificate's public key does not match the private "
                              "key",
                              opts->cert_path);
        }
        chain = rc == 0 ? sk_X509_new_null() : NULL;
        if (rc == 0 && chain == NULL) {
            rc = cu_err_nomem(err);
        }
        for (size_t i = 0; rc == 0 && i < opts->n_chain; i++) {
            STACK_OF(X509) *more = NULL;
            rc = cu_certs_load(&more, opts->chain_paths[i], err);
            while (rc == 0 && sk_X509_num(more) > 0) {
                X509 *x = sk_X509_shift(more);
                if (sk_X509_push(chain, x) <= 0) {
                    X509_free(x);
                    rc = cu_err_nomem(err);
                }
            }
            sk_X509_pop_free(more, X509_free);
        }
    } else if (rc == 0 && opts->n_chain > 0) {
        rc = cu_err_inval(err, "a certificate chain needs the signing certificate (--cert)");
    }
    if (rc != 0) {
        goto out;
    }
    rc = cu_oms_statement(&stmt, &stmt_len, &n_res, model, &opts->digest, opts->shard_size, err);
    if (rc != 0) {
        goto out;
    }
    if (n_res == 0) {
        rc = cu_err_inval(err,
                          "%s: nothing to sign (the model is empty, or every file in it is "
                          "ignored)",
                          model);
        goto out;
    }
    rc = cu_dsse_pae(&pae, &pae_len, CU_OMS_PAYLOAD_TYPE, strlen(CU_OMS_PAYLOAD_TYPE),
                     (const uint8_t *)stmt, stmt_len, err);
    if (rc != 0) {
        goto out;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, oms_md(key), NULL, key) != 1 ||
        EVP_DigestSign(ctx, NULL, &sig_len, pae, pae_len) != 1) {
        rc = cu_err_nomem(err);
        goto out;
    }
    sig = OPENSSL_malloc(sig_len);
    if (sig == NULL || EVP_DigestSign(ctx, sig, &sig_len, pae, pae_len) != 1) {
        rc = cu_err_nomem(err);
        goto out;
    }
    p64 = cu_b64_encode((const uint8_t *)stmt, stmt_len);
    s64 = cu_b64_encode(sig, sig_len);
    if (p64 == NULL || s64 == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    cu_buf_adds(&b, "{\"mediaType\":\"" CU_OMS_BUNDLE_MEDIA "\",\"verificationMaterial\":{");
    if (leafs == NULL) {
        char hint[65];
        rc = cu_key_hint(key, hint, err);
        if (rc != 0) {
            goto out;
        }
        cu_buf_addf(&b, "\"publicKey\":{\"hint\":\"%s\"}", hint);
    } else {
        cu_buf_adds(&b, "\"x509CertificateChain\":{\"certificates\":[");
        rc = oms_add_cert_b64(&b, sk_X509_value(leafs, 0), true, err);
        for (int i = 0; rc == 0 && i < sk_X509_num(chain); i++) {
            rc = oms_add_cert_b64(&b, sk_X509_value(chain, i), false, err);
        }
        if (rc != 0) {
            goto out;
        }
        cu_buf_adds(&b, "]}");
    }
    cu_buf_addf(&b,
                ",\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\"%s\",\"payloadType\":"
                "\"" CU_OMS_PAYLOAD_TYPE "\",\"signatures\":[{\"sig\":\"%s\",\"keyid\":\"\"}]}}",
                p64, s64);
    if (b.oom || b.cut) {
        rc = cu_err_nomem(err);
        goto out;
    }
    rc = oms_write_file(sig_path, b.p, b.len, err);
out:
    ERR_clear_error();
    cu_buf_free(&b);
    free(p64);
    free(s64);
    OPENSSL_free(sig);
    EVP_MD_CTX_free(ctx);
    free(pae);
    free(stmt);
    sk_X509_pop_free(leafs, X509_free);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
    return rc;
}

/* ---- verification result ----------------------------------------------------------------- */

struct vr_file {
    char *name;
    custody_vfile_status st;
    char *why;
};

struct custody_verify_result {
    struct vr_file *f;
    size_t n, cap;
    char *facts[8];
    struct cu_buf notes;
};

static const char *const vr_keys[] = { "subject", "root_digest", "predicate_type", "method",
                                       "signer",  "media_type",  "serialization",  "signed_at" };

enum { VR_SUBJECT, VR_ROOT, VR_PREDICATE, VR_METHOD, VR_SIGNER, VR_MEDIA, VR_SER, VR_TIME };

static int vr_set(custody_verify_result *r, int k, const char *v, custody_error *err)
{
    free(r->facts[k]);
    r->facts[k] = cu_strdup(v);
    return r->facts[k] == NULL ? cu_err_nomem(err) : 0;
}

static int vr_add(custody_verify_result *r,
                  const char *name,
                  custody_vfile_status st,
                  const char *why,
                  custody_error *err)
{
    if (!cu_grow((void **)&r->f, &r->cap, r->n + 1, sizeof(*r->f))) {
        return cu_err_nomem(err);
    }
    struct vr_file *f = &r->f[r->n];
    f->name = cu_strdup(name);
    f->why = cu_strdup(why != NULL ? why : "");
    f->st = st;
    if (f->name == NULL || f->why == NULL) {
        free(f->name);
        free(f->why);
        return cu_err_nomem(err);
    }
    r->n++;
    return 0;
}

static void vr_note(custody_verify_result *r, const char *fmt, ...) CUSTODY_PRINTF(2, 3);
static void vr_note(custody_verify_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = cu_vasprintf(fmt, ap);
    va_end(ap);
    if (s != NULL) {
        cu_buf_adds(&r->notes, s);
        cu_buf_addc(&r->notes, '\n');
        free(s);
    }
}

size_t custody_vr_count(const custody_verify_result *r)
{
    return r != NULL ? r->n : 0;
}

const char *custody_vr_file_name(const custody_verify_result *r, size_t i)
{
    return r != NULL && i < r->n ? r->f[i].name : NULL;
}

custody_vfile_status custody_vr_file_status(const custody_verify_result *r, size_t i)
{
    return r != NULL && i < r->n ? r->f[i].st : CUSTODY_VFILE_OK;
}

const char *custody_vr_file_why(const custody_verify_result *r, size_t i)
{
    return r != NULL && i < r->n ? r->f[i].why : "";
}

const char *custody_vr_get(const custody_verify_result *r, const char *key)
{
    for (size_t i = 0; r != NULL && key != NULL && i < sizeof(vr_keys) / sizeof(vr_keys[0]); i++) {
        if (strcmp(vr_keys[i], key) == 0) {
            return r->facts[i];
        }
    }
    return NULL;
}

const char *custody_vr_notes(const custody_verify_result *r)
{
    return r != NULL ? cu_buf_str(&r->notes) : "";
}

void custody_vr_free(custody_verify_result *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        free(r->f[i].name);
        free(r->f[i].why);
    }
    free(r->f);
    for (size_t i = 0; i < sizeof(r->facts) / sizeof(r->facts[0]); i++) {
        free(r->facts[i]);
    }
    cu_buf_free(&r->notes);
    free(r);
}

/* ---- verification: the signature --------------------------------------------------------- */

static int vfail(custody_error *err, const char *fmt, ...) CUSTODY_PRINTF(2, 3);
static int vfail(custody_error *err, const char *fmt, ...)
{
    char msg[sizeof(err->msg)];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return cu_err_set(err, CU_EVERIFY, NULL, CU_NO_OFFSET, __FILE__, __LINE__, "%s", msg);
}

/* Verifies the DSSE signature with `key` (PAE, then the v0.2.0 compat encoding with
 * `compat_md`). */
static int oms_check_dsse(const struct cu_bundle *b,
                          EVP_PKEY *key,
                          const EVP_MD *compat_md,
                          custody_verify_result *r,
                          custody_error *err)
{
    custody_error e2 = { 0 };
    int rc = cu_dsse_verify(key, NULL, CU_SIG_DER, b->payload_type, strlen(b->payload_type),
                            b->payload, b->payload_len, b->sig, b->sig_len, &e2);
    if (rc == 0) {
        return 0;
    }
    if (rc != CU_EVERIFY && rc != CUSTODY_EMALFORMED) {
        *err = e2;
        return rc;
    }
    uint8_t *pae = NULL;
    size_t n = 0;
    int rc2 = cu_oms_pae_compat(&pae, &n, b->payload_type, b->payload, b->payload_len, &e2);
    if (rc2 != 0) {
        *err = e2;
        return rc2;
    }
    rc2 = cu_sig_verify(key, compat_md, CU_SIG_DER, pae, n, b->sig, b->sig_len, &e2);
    free(pae);
    if (rc2 == 0) {
        vr_note(r, "signed over the v0.2.0 reference's escaped PAE encoding (accepted for "
                   "compatibility)");
        return 0;
    }
    return vfail(err, "the signature does not verify with %s",
                 rc == CUSTODY_EMALFORMED ? "that key (undecodable ECDSA signature)" : "that key");
}

static int oms_by_key(const struct cu_bundle *b,
                      const custody_verify_opts *o,
                      custody_verify_result *r,
                      custody_error *err)
{
    EVP_PKEY *key = NULL, *raw = NULL;
    int rc = cu_key_load_public(&key, o->key_path, err);
    if (rc == 0) {
        rc = cu_key_check_ec(key, o->key_path, err);
    }
    if (rc != 0) {
        goto out;
    }
    char hint[65];
    rc = cu_key_hint(key, hint, err);
    if (rc != 0) {
        goto out;
    }
    char *signer = cu_asprintf("public key sha256:%s", hint);
    rc = signer == NULL ? cu_err_nomem(err) : vr_set(r, VR_SIGNER, signer, err);
    free(signer);
    if (rc != 0) {
        goto out;
    }
    if (b->key_hint != NULL && strcmp(b->key_hint, hint) != 0) {
        rc = vfail(err, "wrong key: the signature names key %.64s, the given key is %s",
                   b->key_hint, hint);
        goto out;
    }
    if (b->raw_key != NULL) {
        custody_error e2 = { 0 };
        if (cu_key_from_raw(&raw, b->raw_key, b->raw_key_len, &e2) == 0 &&
            EVP_PKEY_eq(raw, key) != 1) {
            rc = vfail(err, "wrong key: the signature carries a different public key");
            goto out;
        }
        vr_note(r, "older bundle format: the key is carried in publicKey.rawBytes, no hint");
    }
    if (b->certs != NULL) {
        vr_note(r, "the bundle carries a certificate chain; verified with the given key only "
                   "(the chain is not checked by the key method)");
    }
    rc = oms_check_dsse(b, key, oms_md(key), r, err);
out:
    ERR_clear_error();
    EVP_PKEY_free(raw);
    EVP_PKEY_free(key);
    return rc;
}

static int oms_chain_at(X509_STORE *store,
                        X509 *leaf,
                        STACK_OF(X509) * untrusted,
                        const time_t *when,
                        const char *label,
                        custody_error *err)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (ctx == NULL || X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
        X509_STORE_CTX_free(ctx);
        return cu_err_nomem(err);
    }
    if (when != NULL) {
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), *when);
    }
    int rc = 0;
    if (X509_verify_cert(ctx) != 1) {
        int e = X509_STORE_CTX_get_error(ctx);
        int depth = X509_STORE_CTX_get_error_depth(ctx);
        char subj[160] = "";
        X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
        if (cur != NULL) {
            (void)X509_NAME_oneline(X509_get_subject_name(cur), subj, (int)sizeof(subj));
        }
        rc = vfail(err, "certificate chain does not verify %s: %s (depth %d, %s)", label,
                   X509_verify_cert_error_string(e), depth, subj);
    }
    X509_STORE_CTX_free(ctx);
    return rc;
}

static int oms_by_cert(const struct cu_bundle *b,
                       const custody_verify_opts *o,
                       custody_verify_result *r,
                       custody_error *err)
{
    if (b->certs == NULL || sk_X509_num(b->certs) == 0) {
        return vfail(err, "the signature carries no certificate (signed with a bare key: "
                          "verify with --key)");
    }
    if (o->n_chain == 0) {
        return cu_err_inval(err, "the certificate method needs trust anchors (--cert-chain)");
    }
    int rc = 0;
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    if (store == NULL || untrusted == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < o->n_chain; i++) {
        STACK_OF(X509) *sk = NULL;
        rc = cu_certs_load(&sk, o->chain_paths[i], err);
        for (int j = 0; rc == 0 && j < sk_X509_num(sk); j++) {
            if (X509_STORE_add_cert(store, sk_X509_value(sk, j)) != 1) {
                ERR_clear_error(); /* a duplicate anchor */
            }
        }
        sk_X509_pop_free(sk, X509_free);
        if (rc != 0) {
            goto out;
        }
    }
    X509 *leaf = sk_X509_value(b->certs, 0);
    for (int i = 1; i < sk_X509_num(b->certs); i++) {
        if (sk_X509_push(untrusted, sk_X509_value(b->certs, i)) <= 0) {
            rc = cu_err_nomem(err);
            goto out;
        }
    }
    char subj[200] = "";
    (void)X509_NAME_oneline(X509_get_subject_name(leaf), subj, (int)sizeof(subj));
    char *signer = cu_asprintf("certificate %s", subj);
    rc = signer == NULL ? cu_err_nomem(err) : vr_set(r, VR_SIGNER, signer, err);
    free(signer);
    if (rc != 0) {
        goto out;
    }
    /* as the reference: the chain as it stood when the leaf was issued (the signing time is
     * not proven without a timestamp) ... */
    struct tm tm;
    if (ASN1_TIME_to_tm(X509_get0_notBefore(leaf), &tm) != 1) {
        rc = vfail(err, "the signing certificate has an unreadable notBefore");
        goto out;
    }
    time_t issued = timegm(&tm);
    rc = oms_chain_at(store, leaf, untrusted, &issued, "at the leaf's issue time", err);
    /* ... and, since nothing proves it was used then, now as well (fails an expired leaf) */
    if (rc == 0) {
        rc = oms_chain_at(store, leaf, untrusted, NULL, "now", err);
    }
    if (rc != 0) {
        goto out;
    }
    uint32_t flags = X509_get_extension_flags(leaf);
    bool can_sign =
        (flags & EXFLAG_KUSAGE) != 0 && (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) != 0;
    if (!can_sign && (flags & EXFLAG_XKUSAGE) != 0) {
        can_sign = (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN) != 0;
    }
    if (!can_sign) {
        rc = vfail(err, "the signing certificate may not sign (no digitalSignature key usage, "
                        "no codeSigning extended key usage)");
        goto out;
    }
    EVP_PKEY *key = X509_get0_pubkey(leaf);
    if (key == NULL) {
        rc = vfail(err, "the signing certificate's public key is unreadable");
        goto out;
    }
    rc = cu_key_check_ec(key, "signing certificate", err);
    if (rc == CUSTODY_EUNSUPPORTED) {
        rc = vfail(err, "%s", err->msg);
    }
    if (rc == 0) {
        rc = oms_check_dsse(b, key, EVP_sha256(), r, err);
    }
    if (rc == 0) {
        vr_note(r, "no trusted timestamp: the certificate chain was checked at the leaf's issue "
                   "time and now, not at the (unproven) signing time");
    }
out:
    ERR_clear_error();
    sk_X509_free(untrusted);
    X509_STORE_free(store);
    return rc;
}

static int oms_by_sigstore(const struct cu_bundle *b,
                           const custody_verify_opts *o,
                           custody_verify_result *r,
                           custody_error *err)
{
    if (o->trusted_root == NULL || o->identity == NULL || o->issuer == NULL) {
        return cu_err_inval(err, "the sigstore method needs --trusted-root, --identity and "
                                 "--issuer");
    }
    struct cu_trust_root *tr = NULL;
    int rc = cu_trust_root_load(&tr, o->trusted_root, err);
    if (rc != 0) {
        return rc;
    }
    struct cu_identity_policy pol = { o->identity, o->issuer };
    int64_t when = 0;
    rc = cu_sigstore_verify(b, tr, &pol, NULL, &when, err);
    cu_trust_root_free(tr);
    if (rc != 0) {
        return rc;
    }
    char *who = cu_asprintf("%s (issuer %s)", o->identity, o->issuer);
    rc = who == NULL ? cu_err_nomem(err) : vr_set(r, VR_SIGNER, who, err);
    free(who);
    char ts[32] = "";
    time_t t = (time_t)when;
    struct tm tm;
    if (rc == 0 && gmtime_r(&t, &tm) != NULL &&
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0) {
        rc = vr_set(r, VR_TIME, ts, err);
    }
    return rc;
}

/* ---- verification: the statement --------------------------------------------------------- */

struct oms_exp {
    char *name; /* file name (shards: the path part) */
    bool shard;
    uint64_t start, end;
    uint8_t digest[64];
    size_t task; /* index in tasks, or SIZE_MAX */
    size_t disk; /* index in the disk listing, or SIZE_MAX */
};

struct oms_stmt {
    struct oms_exp *e;
    size_t n;
    bool shards;
    uint64_t shard_size;
    bool compat;
    const EVP_MD *md; /* the per-file hash: SHA-256, or BLAKE2b-512 ("blake2b") */
    size_t dlen;      /* its size */
    const char *alg;  /* its name in resources: "sha256" or "blake2b" */
    char **ign;       /* the signer's ignore paths, normalised */
    size_t n_ign;
};

static void oms_stmt_free(struct oms_stmt *s)
{
    for (size_t i = 0; s->e != NULL && i < s->n; i++) {
        free(s->e[i].name);
    }
    free(s->e);
    oms_strv_free(s->ign, s->n_ign);
}

static const char *js_str(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v)
               ? json_string_value(v)
               : NULL;
}

static int oms_parse_shard(struct oms_exp *e, const char *name, custody_error *err)
{
    const char *c2 = strrchr(name, ':');
    const char *c1 = NULL;
    for (const char *p = name; c2 != NULL && p < c2; p++) {
        if (*p == ':') {
            c1 = p;
        }
    }
    if (c1 == NULL || c1 == name) {
        return vfail(err, "statement: shard name '%.200s' is not path:start:end", name);
    }
    uint64_t v[2] = { 0, 0 };
    const char *parts[2] = { c1 + 1, c2 + 1 };
    const char *ends[2] = { c2, name + strlen(name) };
    for (int k = 0; k < 2; k++) {
        if (parts[k] == ends[k] || ends[k] - parts[k] > 19) {
            return vfail(err, "statement: shard name '%.200s' has a bad offset", name);
        }
        for (const char *p = parts[k]; p < ends[k]; p++) {
            if (*p < '0' || *p > '9') {
                return vfail(err, "statement: shard name '%.200s' has a bad offset", name);
            }
            v[k] = v[k] * 10 + (uint64_t)(*p - '0');
        }
    }
    if (v[0] > v[1]) {
        return vfail(err, "statement: shard '%.200s' ends before it starts", name);
    }
    e->name = cu_strndup(name, (size_t)(c1 - name));
    e->shard = true;
    e->start = v[0];
    e->end = v[1];
    return e->name == NULL ? cu_err_nomem(err) : 0;
}

static int oms_parse_statement(struct oms_stmt *s,
                               const struct cu_bundle *b,
                               custody_verify_result *r,
                               custody_error *err)
{
    if (b->content != CU_BUNDLE_DSSE) {
        return vfail(err, "the bundle holds a message signature, not a DSSE envelope");
    }
    if (strcmp(b->payload_type, CU_OMS_PAYLOAD_TYPE) != 0) {
        return vfail(err, "wrong payload type '%.100s' (expected " CU_OMS_PAYLOAD_TYPE ")",
                     b->payload_type);
    }
    s->md = EVP_sha256();
    s->dlen = 32;
    s->alg = "sha256";
    json_error_t je;
    json_t *st = json_loadb((const char *)b->payload, b->payload_len, JSON_REJECT_DUPLICATES, &je);
    int rc = 0;
    if (!json_is_object(st)) {
        rc = vfail(err, "statement: not a JSON object (%s)", st == NULL ? je.text : "");
        goto out;
    }
    const char *type = js_str(st, "_type");
    if (type == NULL || strcmp(type, CU_OMS_STATEMENT_V1) != 0) {
        rc = vfail(err, "statement: _type is '%.100s', expected " CU_OMS_STATEMENT_V1,
                   type != NULL ? type : "(missing)");
        goto out;
    }
    const char *pt = js_str(st, "predicateType");
    if (pt == NULL ||
        (strcmp(pt, CU_OMS_PREDICATE) != 0 && strcmp(pt, CU_OMS_PREDICATE_V01) != 0)) {
        rc = vfail(err, "statement: unsupported predicateType '%.120s'",
                   pt != NULL ? pt : "(missing)");
        goto out;
    }
    if ((rc = vr_set(r, VR_PREDICATE, pt, err)) != 0) {
        goto out;
    }
    s->compat = strcmp(pt, CU_OMS_PREDICATE_V01) == 0;
    const json_t *subj = json_object_get(st, "subject");
    if (!json_is_array(subj) || json_array_size(subj) == 0) {
        rc = vfail(err, "statement: no subject");
        goto out;
    }
    if (json_array_size(subj) > OMS_MAX_SHARDS) {
        rc = vfail(err, "statement: too many subjects");
        goto out;
    }
    const json_t *list = subj;
    const json_t *pred = json_object_get(st, "predicate");
    uint8_t want_root[32];
    if (!s->compat) {
        if (json_array_size(subj) != 1) {
            rc = vfail(err, "statement: expected one subject, got %zu", json_array_size(subj));
            goto out;
        }
        const json_t *s0 = json_array_get(subj, 0);
        const char *sname = js_str(s0, "name");
        const json_t *dg = json_object_get(s0, "digest");
        if (sname == NULL || !oms_unhex(want_root, 32, js_str(dg, "sha256"))) {
            rc = vfail(err, "statement: the subject lacks a name or a sha256 digest");
            goto out;
        }
        if ((rc = vr_set(r, VR_SUBJECT, sname, err)) != 0 ||
            (rc = vr_set(r, VR_ROOT, js_str(dg, "sha256"), err)) != 0) {
            goto out;
        }
        const json_t *ser = json_object_get(pred, "serialization");
        if (!json_is_object(pred) || !json_is_object(ser)) {
            rc = vfail(err, "statement: no predicate.serialization");
            goto out;
        }
        const char *method = js_str(ser, "method");
        const char *ht = js_str(ser, "hash_type");
        const json_t *as = json_object_get(ser, "allow_symlinks");
        if (method == NULL || (strcmp(method, "files") != 0 && strcmp(method, "shards") != 0)) {
            rc = vfail(err, "statement: unknown serialization method '%.40s'",
                       method != NULL ? method : "(missing)");
            goto out;
        }
        if (ht != NULL && (strcmp(ht, "blake2b") == 0 || strcmp(ht, "blake2") == 0)) {
            s->md = EVP_blake2b512(); /* Python's hashlib.blake2b(): 64-byte digests */
            s->dlen = 64;
            s->alg = "blake2b";
        } else if (ht == NULL || strcmp(ht, "sha256") != 0) {
            rc = cu_err_unsupported(err, NULL, CU_NO_OFFSET,
                                    "statement: hash_type '%.40s' is not supported (sha256 and "
                                    "blake2b are)",
                                    ht != NULL ? ht : "(missing)");
            goto out;
        }
        if (as == NULL) {
            rc = vfail(err, "statement: serialization lacks allow_symlinks");
            goto out;
        }
        s->shards = strcmp(method, "shards") == 0;
        if (s->shards) {
            const json_t *ss = json_object_get(ser, "shard_size");
            double d = json_is_number(ss) ? json_number_value(ss) : 0.0;
            if (!(d >= 1.0 && d < 1e16) || d != (double)(uint64_t)d) {
                rc = vfail(err, "statement: bad shard_size");
                goto out;
            }
            s->shard_size = (uint64_t)d;
        }
        char sdesc[80];
        (void)snprintf(sdesc, sizeof(sdesc), "%s%s%llu", method, s->shards ? " of " : "",
                       (unsigned long long)s->shard_size);
        if (!s->shards) {
            (void)snprintf(sdesc, sizeof(sdesc), "files");
        }
        if ((rc = vr_set(r, VR_SER, sdesc, err)) != 0) {
            goto out;
        }
        const json_t *ig = json_object_get(ser, "ignore_paths");
        if (ig != NULL && !json_is_array(ig)) {
            rc = vfail(err, "statement: ignore_paths is not a list");
            goto out;
        }
        size_t nig = json_array_size(ig);
        if (nig > OMS_MAX_IGNORE) {
            rc = vfail(err, "statement: too many ignore_paths");
            goto out;
        }
        s->ign = cu_calloc(nig > 0 ? nig : 1, sizeof(*s->ign));
        if (s->ign == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        for (size_t i = 0; i < nig; i++) {
            const json_t *v = json_array_get(ig, i);
            if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
                rc = vfail(err, "statement: an ignore path is not a string");
                goto out;
            }
            char *nrm = oms_norm(json_string_value(v)); /* outside the model: ignores nothing */
            if (nrm != NULL) {
                s->ign[s->n_ign++] = nrm;
            }
        }
        list = json_object_get(pred, "resources");
        if (!json_is_array(list) || json_array_size(list) == 0) {
            rc = vfail(err, "statement: predicate.resources is missing or empty");
            goto out;
        }
        if (json_array_size(list) > OMS_MAX_SHARDS) {
            rc = vfail(err, "statement: too many resources");
            goto out;
        }
    } else {
        if ((rc = vr_set(r, VR_SER, "files (v0.2 digests)", err)) != 0) {
            goto out;
        }
        vr_note(r, "v0.2 signature format (predicate " CU_OMS_PREDICATE_V01
                   "): one subject per file, no root digest, no serialization record");
    }
    size_t n = json_array_size(list);
    s->e = cu_calloc(n, sizeof(*s->e));
    if (s->e == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        rc = cu_err_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        const json_t *it = json_array_get(list, i);
        struct oms_exp *e = &s->e[s->n];
        e->task = SIZE_MAX;
        e->disk = SIZE_MAX;
        const char *name = js_str(it, "name");
        const char *hex =
            s->compat ? js_str(json_object_get(it, "digest"), "sha256") : js_str(it, "digest");
        const char *alg = s->compat ? "sha256" : js_str(it, "algorithm");
        if (name == NULL || alg == NULL || !oms_unhex(e->digest, s->dlen, hex)) {
            rc = vfail(err, "statement: resource %zu lacks a name, algorithm or digest", i);
            break;
        }
        if (strncmp(alg, s->alg, strlen(s->alg)) != 0) {
            rc = cu_err_unsupported(err, NULL, CU_NO_OFFSET,
                                    "statement: resource algorithm '%.40s' is not supported", alg);
            break;
        }
        if (s->shards) {
            rc = oms_parse_shard(e, name, err);
        } else {
            e->name = cu_strdup(name);
            rc = e->name == NULL ? cu_err_nomem(err) : 0;
        }
        if (rc != 0) {
            break;
        }
        s->n++;
        if (!oms_name_ok(e->name)) {
            rc = vfail(err, "statement: resource name '%.200s' is not a plain relative path",
                       e->name);
            break;
        }
        if (EVP_DigestUpdate(ctx, e->digest, s->dlen) != 1) {
            rc = cu_err_nomem(err);
        }
    }
    uint8_t got[32];
    unsigned int dl = 0;
    if (rc == 0 && !s->compat &&
        (EVP_DigestFinal_ex(ctx, got, &dl) != 1 || memcmp(got, want_root, 32) != 0)) {
        rc = vfail(err, "statement: the subject digest is not the digest of the listed "
                        "resources (inconsistent statement)");
    }
    EVP_MD_CTX_free(ctx);
out:
    json_decref(st);
    return rc;
}

/* ---- verification: the files ------------------------------------------------------------- */

static size_t oms_find(const struct custody_manifest *m, const char *name)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cu_mf_path_cmp(m->v[mid].name, name);
        if (c == 0) {
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return SIZE_MAX;
}

/* Lists what a verifier leaves out (git paths, its own and the signer's ignore paths) so that
 * the report can name each such file. Best effort: a listing error becomes a note. */
static int oms_report_ignored(custody_verify_result *r,
                              const char *model,
                              const char *sig_path,
                              const struct custody_manifest *a,
                              const custody_verify_opts *o,
                              const struct oms_stmt *s,
                              custody_error *err)
{
    struct custody_manifest all = { 0 };
    custody_digest_opts d = { 0 };
    d.include_git_paths = true;
    d.allow_symlinks = o->digest.allow_symlinks; /* as the listing it complements */
    custody_error e2 = { 0 };
    if (cu_mf_list(&all, model, &d, &e2) != 0) {
        vr_note(r, "could not list the ignored files to report them: %s%s%s", e2.where,
                e2.where[0] != 0 ? ": " : "", e2.msg);
        cu_mf_clear(&all);
        return 0;
    }
    int rc = 0;
    char *mreal = realpath(model, NULL), *sreal = realpath(sig_path, NULL);
    const char *sig_rel = NULL;
    if (mreal != NULL && sreal != NULL && strncmp(sreal, mreal, strlen(mreal)) == 0 &&
        sreal[strlen(mreal)] == '/') {
        sig_rel = sreal + strlen(mreal) + 1;
    }
    for (size_t i = 0; i < all.n && rc == 0; i++) {
        const char *nm = all.v[i].name;
        if (oms_find(a, nm) != SIZE_MAX) {
            continue;
        }
        char *why = NULL;
        if (sig_rel != NULL && strcmp(nm, sig_rel) == 0) {
            why = cu_strdup("the signature file");
        }
        for (size_t g = 0; !o->digest.include_git_paths && why == NULL && g < 4; g++) {
            if (oms_under(nm, oms_git_paths[g])) {
                why = cu_asprintf("git path '%s'", oms_git_paths[g]);
            }
        }
        for (size_t k = 0; why == NULL && k < o->digest.n_ignore_paths; k++) {
            char *ig =
                o->digest.ignore_paths[k] != NULL ? oms_norm(o->digest.ignore_paths[k]) : NULL;
            if (ig != NULL && oms_under(nm, ig)) {
                why = cu_asprintf("verifier ignore path '%s'", ig[0] != 0 ? ig : ".");
            }
            free(ig);
        }
        for (size_t k = 0; why == NULL && k < s->n_ign; k++) {
            if (oms_under(nm, s->ign[k])) {
                why = cu_asprintf("signer ignore path '%s'", s->ign[k][0] != 0 ? s->ign[k] : ".");
            }
        }
        if (why == NULL) {
            why = cu_strdup("ignored");
        }
        rc = why == NULL ? cu_err_nomem(err) : vr_add(r, nm, CUSTODY_VFILE_IGNORED, why, err);
        free(why);
    }
    free(mreal);
    free(sreal);
    cu_mf_clear(&all);
    return rc;
}

static int oms_check_files(custody_verify_result *r,
                           const char *model,
                           const char *sig_path,
                           struct oms_stmt *s,
                           const custody_verify_opts *o,
                           custody_error *err)
{
    struct custody_manifest a = { 0 };
    struct oms_tasks t = { 0 };
    char **ign = NULL;
    size_t n_ign = 0;
    bool *used = NULL;
    int rc = 0;
    /* what a verifier hashes: its own ignore paths, the signer's, the git paths */
    ign = cu_calloc(o->digest.n_ignore_paths + s->n_ign + 1, sizeof(*ign));
    if (ign == NULL) {
        return cu_err_nomem(err);
    }
    for (size_t i = 0; i < o->digest.n_ignore_paths; i++) {
        ign[n_ign++] = (char *)o->digest.ignore_paths[i];
    }
    for (size_t i = 0; i < s->n_ign; i++) {
        ign[n_ign++] = s->ign[i][0] != 0 ? s->ign[i] : ".";
    }
    custody_digest_opts d = o->digest;
    d.ignore_paths = (const char *const *)ign;
    d.n_ignore_paths = n_ign;
    rc = cu_mf_list(&a, model, &d, err);
    if (rc == CUSTODY_EINVAL) { /* a symlink or special file where the model should be */
        rc = vfail(err, "%s", err->msg);
    }
    if (rc != 0) {
        goto out;
    }
    used = cu_calloc(a.n + 1, sizeof(*used));
    if (used == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    /* one task per listed file (or shard), in the listed order; a file listed twice is an
     * inconsistent statement */
    for (size_t i = 0; i < s->n; i++) {
        struct oms_exp *e = &s->e[i];
        e->disk = oms_find(&a, e->name);
        if (e->disk == SIZE_MAX) {
            continue;
        }
        if (!e->shard && used[e->disk]) {
            rc = vfail(err, "statement: '%.200s' is listed twice", e->name);
            goto out;
        }
        used[e->disk] = true;
        struct oms_task *k = oms_task_add(&t);
        if (k == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        k->path = a.v[e->disk].path;
        k->nofollow = a.v[e->disk].nofollow;
        k->range = e->shard;
        k->start = e->start;
        k->end = e->end;
        k->md = s->md;
        e->task = t.n - 1;
    }
    oms_tasks_run(&t, o->digest.threads);
    size_t changed = 0, removed = 0, added = 0;
    const char *first = NULL;
    for (size_t i = 0; i < s->n; i++) {
        struct oms_exp *e = &s->e[i];
        if (e->shard && i > 0 && strcmp(s->e[i - 1].name, e->name) == 0) {
            continue; /* reported with its file's first shard */
        }
        if (e->disk == SIZE_MAX) {
            removed++;
            first = first != NULL ? first : e->name;
            rc = vr_add(r, e->name, CUSTODY_VFILE_REMOVED, "signed, missing on disk", err);
            if (rc != 0) {
                goto out;
            }
            continue;
        }
        /* the file's entries: one, or its consecutive shards */
        size_t j = i + 1;
        while (e->shard && j < s->n && strcmp(s->e[j].name, e->name) == 0) {
            j++;
        }
        bool same = true;
        char why[200] = "";
        uint64_t next = 0, size = 0;
        for (size_t q = i; q < j; q++) {
            const struct oms_task *k = &t.v[s->e[q].task];
            rc = oms_task_err(k, err);
            if (rc != 0) {
                goto out;
            }
            size = k->size;
            if (memcmp(k->digest, s->e[q].digest, s->dlen) != 0 || k->short_read) {
                same = false;
            }
            if (e->shard) {
                uint64_t want_end =
                    size - s->e[q].start > s->shard_size ? s->e[q].start + s->shard_size : size;
                if (s->e[q].start != next || s->e[q].end != want_end) {
                    same = false;
                }
                next = s->e[q].end;
            }
        }
        if (e->shard && next != size) {
            same = false; /* the file grew past its last shard */
        }
        if (!same) {
            char hex[65];
            if (!e->shard) {
                cu_hex_encode(t.v[e->task].digest, 32, hex); /* the first 16 are shown */
                char want[65];
                cu_hex_encode(e->digest, 32, want);
                (void)snprintf(why, sizeof(why), "%s %.16s..., signed %.16s...", s->alg, hex, want);
            } else {
                (void)snprintf(why, sizeof(why), "shard digests or layout differ (size %llu)",
                               (unsigned long long)size);
            }
            changed++;
            first = first != NULL ? first : e->name;
        }
        rc = vr_add(r, e->name, same ? CUSTODY_VFILE_OK : CUSTODY_VFILE_CHANGED, why, err);
        if (rc != 0) {
            goto out;
        }
    }
    for (size_t i = 0; i < a.n; i++) {
        if (used[i]) {
            continue;
        }
        struct stat st;
        if (s->shards && stat(a.v[i].path, &st) == 0 && st.st_size == 0) {
            rc = vr_add(r, a.v[i].name, CUSTODY_VFILE_OK,
                        "empty file (shards serialization lists no shard for it)", err);
        } else if (o->allow_unsigned_files) {
            rc = vr_add(r, a.v[i].name, CUSTODY_VFILE_UNSIGNED, "not signed (allowed)", err);
        } else {
            added++;
            first = first != NULL ? first : a.v[i].name;
            rc = vr_add(r, a.v[i].name, CUSTODY_VFILE_ADDED, "on disk, not signed", err);
        }
        if (rc != 0) {
            goto out;
        }
    }
    rc = oms_report_ignored(r, model, sig_path, &a, o, s, err);
    if (rc == 0 && changed + removed + added > 0) {
        rc = vfail(err,
                   "the model does not match the signature: %zu changed, %zu removed, %zu "
                   "added (first: '%.120s')",
                   changed, removed, added, first != NULL ? first : "");
    }
out:
    free(used);
    free(t.v);
    free(ign);
    cu_mf_clear(&a);
    return rc;
}

int cu_oms_parse_only(const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_bundle *b = NULL;
    struct oms_stmt s = { 0 };
    int rc = cu_bundle_parse(&b, data, len, err);
    if (rc != 0) {
        return rc;
    }
    custody_verify_result *r = cu_calloc(1, sizeof(*r));
    if (r == NULL) {
        cu_bundle_free(b);
        return cu_err_nomem(err);
    }
    r->notes = (struct cu_buf)CU_BUF_INIT(1u << 20);
    rc = oms_parse_statement(&s, b, r, err);
    oms_stmt_free(&s);
    custody_vr_free(r);
    cu_bundle_free(b);
    return rc;
}

int custody_verify(custody_verify_result **out,
                   const char *model,
                   const char *sig_path,
                   const custody_verify_opts *opts,
                   custody_error *err)
{
    if (out == NULL || model == NULL || sig_path == NULL || opts == NULL) {
        return cu_err_inval(err, "custody_verify: missing argument");
    }
    *out = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    struct cu_bundle *b = NULL;
    struct oms_stmt s = { 0 };
    custody_verify_result *r = cu_calloc(1, sizeof(*r));
    if (r == NULL) {
        return cu_err_nomem(err);
    }
    r->notes = (struct cu_buf)CU_BUF_INIT(1u << 20);
    int rc = cu_file_read(sig_path, CU_LIMIT_JSON, &data, &len, err);
    if (rc != 0) {
        goto out;
    }
    rc = cu_bundle_parse(&b, data, len, err);
    if (rc == CUSTODY_EMALFORMED || rc == CUSTODY_EUNSUPPORTED || rc == CUSTODY_ELIMIT) {
        rc = vfail(err, "the signature is not a readable Sigstore bundle: %s", err->msg);
    }
    if (rc != 0) {
        goto out;
    }
    *out = r;
    const char *mt = js_str(b->root, "mediaType");
    static const char *const methods[] = { "key", "certificate", "sigstore" };
    if ((unsigned)opts->method > CUSTODY_VERIFY_SIGSTORE) {
        rc = cu_err_inval(err, "unknown verification method");
        goto out;
    }
    if ((rc = vr_set(r, VR_MEDIA, mt != NULL ? mt : "", err)) != 0 ||
        (rc = vr_set(r, VR_METHOD, methods[opts->method], err)) != 0) {
        goto out;
    }
    switch (opts->method) {
    case CUSTODY_VERIFY_KEY:
        rc = b->content == CU_BUNDLE_DSSE ? oms_by_key(b, opts, r, err)
                                          : vfail(err, "not a model signature (no DSSE envelope)");
        break;
    case CUSTODY_VERIFY_CERTIFICATE:
        rc = b->content == CU_BUNDLE_DSSE ? oms_by_cert(b, opts, r, err)
                                          : vfail(err, "not a model signature (no DSSE envelope)");
        break;
    default:
        rc = oms_by_sigstore(b, opts, r, err);
        break;
    }
    if (rc == 0) {
        rc = oms_parse_statement(&s, b, r, err);
    }
    if (rc == CUSTODY_EUNSUPPORTED && opts->method != CUSTODY_VERIFY_SIGSTORE) {
        rc = vfail(err, "%s", err->msg);
    }
    if (rc == 0) {
        rc = oms_check_files(r, model, sig_path, &s, opts, err);
    }
out:
    oms_stmt_free(&s);
    cu_bundle_free(b);
    free(data);
    if (*out == NULL) {
        custody_vr_free(r);
    }
    return rc;
}
