#define _GNU_SOURCE /* O_NOATIME */
#include "provenance/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/pool.h"
#include "core/util.h"
#include "core/banned.h"

#define MF_CHUNK     (1u << 20) /* read size, as the reference's default chunk */
#define MF_MAX_DEPTH 64u        /* directory nesting (also stops symlinked-directory loops) */
#define MF_MAX_FILES 10000000u  /* files in one model */

/* ---- ordering ---------------------------------------------------------------------------- */

/* pathlib compares paths as lists of components; for '/'-joined names that is byte order with
 * the separator below every other byte (and the end of the name below the separator). */
static unsigned mf_rank(const char *s)
{
    unsigned char c = (unsigned char)*s;
    if (c == 0) {
        return 0;
    }
    return c == '/' ? 1u : (unsigned)c + 2u;
}

int cu_mf_path_cmp(const char *a, const char *b)
{
    while (*a != 0 && *a == *b) {
        a++;
        b++;
    }
    unsigned ra = mf_rank(a), rb = mf_rank(b);
    return ra < rb ? -1 : (ra > rb ? 1 : 0);
}

static int mf_entry_cmp(const void *x, const void *y)
{
    const struct cu_mf_entry *a = x, *b = y;
    return cu_mf_path_cmp(a->name, b->name);
}

/* ---- ignore paths ------------------------------------------------------------------------ */

struct mf_walk {
    struct custody_manifest *m;
    const custody_digest_opts *opts;
    char **ignore; /* normalised: components joined by '/', "" = the whole model */
    size_t n_ignore;
    custody_error *err;
};

/* Normalises like pathlib: drops empty and "." components. Returns NULL (matches nothing) for a
 * path with a ".." component, which the reference keeps lexically and so never matches. */
char *cu_mf_norm(const char *p, bool *nomem)
{
    struct cu_buf b = CU_BUF_INIT(CU_LIMIT_NAME_LEN);
    const char *s = p;
    bool ok = true;
    while (*s != 0) {
        const char *e = strchr(s, '/');
        size_t n = e != NULL ? (size_t)(e - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            ok = false;
            break;
        }
        if (n > 0 && !(n == 1 && s[0] == '.')) {
            if (b.len > 0) {
                cu_buf_addc(&b, '/');
            }
            cu_buf_add(&b, s, n);
        }
        s += n;
        if (*s == '/') {
            s++;
        }
    }
    char *out = NULL;
    if (b.oom) {
        *nomem = true;
        ok = false;
    }
    if (ok && !b.cut) { /* longer than any path: matches nothing */
        out = cu_strdup(cu_buf_str(&b));
        if (out == NULL) {
            *nomem = true;
        }
    }
    cu_buf_free(&b);
    return out;
}

static bool mf_ignored(const struct mf_walk *w, const char *rel)
{
    size_t rlen = strlen(rel);
    for (size_t i = 0; i < w->n_ignore; i++) {
        const char *ig = w->ignore[i];
        size_t n = strlen(ig);
        if (n == 0) {
            return true;
        }
        if (n <= rlen && memcmp(rel, ig, n) == 0 && (n == rlen || rel[n] == '/')) {
            return true;
        }
    }
    return false;
}

/* ---- listing ----------------------------------------------------------------------------- */

static int mf_add(struct mf_walk *w, const char *name, const char *path)
{
    struct custody_manifest *m = w->m;
    if (m->n >= MF_MAX_FILES) {
        return cu_err_limit(w->err, path, CU_NO_OFFSET, "model has more than %u files",
                            MF_MAX_FILES);
    }
    if (!cu_grow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v))) {
        return cu_err_nomem(w->err);
    }
    struct cu_mf_entry *e = &m->v[m->n];
    memset(e, 0, sizeof(*e));
    e->nofollow = !w->opts->allow_symlinks;
    e->name = cu_strdup(name);
    e->path = cu_strdup(path);
    if (e->name == NULL || e->path == NULL) {
        free(e->name);
        free(e->path);
        return cu_err_nomem(w->err);
    }
    m->n++;
    return 0;
}

/* lstat + the reference's check_file_or_directory: returns the followed stat in *st. */
static int mf_check(struct mf_walk *w, const char *path, struct stat *st)
{
    if (lstat(path, st) != 0) {
        return cu_err_io(w->err, path, "cannot stat: %s", strerror(errno));
    }
    if (S_ISLNK(st->st_mode)) {
        if (!w->opts->allow_symlinks) {
            return cu_err_inval(w->err, "'%s' is a symlink (symlinks are refused unless allowed)",
                                path);
        }
        if (stat(path, st) != 0) {
            return cu_err_io(w->err, path, "broken symlink: %s", strerror(errno));
        }
    }
    if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
        return cu_err_inval(w->err, "'%s' is neither a regular file nor a directory", path);
    }
    return 0;
}

static int mf_dir(struct mf_walk *w, const char *dir, const char *rel, unsigned depth)
{
    if (depth > MF_MAX_DEPTH) {
        return cu_err_limit(w->err, dir, CU_NO_OFFSET, "directories nested deeper than %u",
                            MF_MAX_DEPTH);
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        return cu_err_io(w->err, dir, "cannot list directory: %s", strerror(errno));
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (de == NULL) {
            if (errno != 0) {
                rc = cu_err_io(w->err, dir, "cannot list directory: %s", strerror(errno));
            }
            break;
        }
        const char *nm = de->d_name;
        if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) {
            continue;
        }
        char *crel = rel[0] != 0 ? cu_asprintf("%s/%s", rel, nm) : cu_strdup(nm);
        char *cpath = cu_asprintf("%s/%s", dir, nm);
        if (crel == NULL || cpath == NULL) {
            rc = cu_err_nomem(w->err);
        } else if (!mf_ignored(w, crel)) {
            struct stat st;
            rc = mf_check(w, cpath, &st);
            if (rc == 0) {
                rc = S_ISDIR(st.st_mode) ? mf_dir(w, cpath, crel, depth + 1)
                                         : mf_add(w, crel, cpath);
            }
        }
        free(crel);
        free(cpath);
        if (rc != 0) {
            break;
        }
    }
    (void)closedir(d);
    return rc;
}

int cu_mf_list(struct custody_manifest *m,
               const char *path,
               const custody_digest_opts *opts,
               custody_error *err)
{
    static const char *const git_paths[] = { ".git", ".gitattributes", ".github", ".gitignore" };
    static const custody_digest_opts defaults = { 0 };
    struct mf_walk w = { m, opts != NULL ? opts : &defaults, NULL, 0, err };
    int rc = 0;
    size_t cap = w.opts->n_ignore_paths + 4;
    w.ignore = cu_calloc(cap, sizeof(*w.ignore));
    if (w.ignore == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < cap; i++) {
        const char *p;
        if (i < w.opts->n_ignore_paths) {
            p = w.opts->ignore_paths[i];
        } else if (!w.opts->include_git_paths) {
            p = git_paths[i - w.opts->n_ignore_paths];
        } else {
            break;
        }
        if (p == NULL) {
            rc = cu_err_inval(err, "ignore path %zu is NULL", i);
            goto out;
        }
        bool nomem = false;
        char *n = cu_mf_norm(p, &nomem);
        if (nomem) {
            rc = cu_err_nomem(err);
            goto out;
        }
        if (n != NULL) {
            w.ignore[w.n_ignore++] = n;
        }
    }
    if (mf_ignored(&w, "")) {
        goto out; /* the whole model is ignored */
    }
    struct stat st;
    rc = mf_check(&w, path, &st);
    if (rc != 0) {
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = mf_dir(&w, path, "", 0);
    } else {
        rc = mf_add(&w, ".", path);
    }
    if (rc == 0 && m->n > 1) {
        qsort(m->v, m->n, sizeof(*m->v), mf_entry_cmp);
    }
out:
    if (w.ignore != NULL) {
        for (size_t i = 0; i < w.n_ignore; i++) {
            free(w.ignore[i]);
        }
        free(w.ignore);
    }
    return rc;
}

/* ---- hashing ----------------------------------------------------------------------------- */

static int mf_open(const char *path, bool nofollow)
{
    /* O_NONBLOCK: never block on a FIFO swapped in after listing (fstat rejects it) */
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0);
    int fd = open(path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM) {
        fd = open(path, flags);
    }
    return fd;
}

/* A large whole file is read by a helper thread into a small ring of buffers while this thread
 * hashes: the kernel's copy out of the page cache (about an eighth of the work) then runs on
 * another core instead of lengthening the one SHA-256 stream that bounds the wall time. */
#define MF_PIPE_MIN   (64u << 20)
#define MF_PIPE_BUFS  4u
#define MF_PIPE_CHUNK (4u << 20)

struct mf_pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int fd;
    uint8_t *buf[MF_PIPE_BUFS];
    size_t len[MF_PIPE_BUFS];
    size_t head, tail; /* chunks produced, consumed */
    bool eof, stop;
    int err; /* errno of a failed read */
};

static void *mf_reader(void *arg)
{
    struct mf_pipe *p = arg;
    for (;;) {
        (void)pthread_mutex_lock(&p->mu);
        while (p->head - p->tail == MF_PIPE_BUFS && !p->stop) {
            (void)pthread_cond_wait(&p->cv, &p->mu);
        }
        bool stop = p->stop;
        size_t slot = p->head % MF_PIPE_BUFS;
        (void)pthread_mutex_unlock(&p->mu);
        if (stop) {
            return NULL;
        }
        ssize_t got;
        do {
            got = read(p->fd, p->buf[slot], MF_PIPE_CHUNK);
        } while (got < 0 && errno == EINTR);
        int e = errno;
        (void)pthread_mutex_lock(&p->mu);
        if (got <= 0) {
            p->err = got < 0 ? e : 0;
            p->eof = true;
        } else {
            p->len[slot] = (size_t)got;
            p->head++;
        }
        (void)pthread_cond_broadcast(&p->cv);
        (void)pthread_mutex_unlock(&p->mu);
        if (got <= 0) {
            return NULL;
        }
    }
}

/* Hashes the rest of fd through a reader thread. Returns 0, CUSTODY_EIO (k->sys_errno set),
 * CUSTODY_ENOMEM, or 1 when no thread could be started (nothing consumed: hash serially). */
static int mf_hash_piped(int fd, EVP_MD_CTX *ctx, struct cu_mf_hash_job *k)
{
    struct mf_pipe p;
    memset(&p, 0, sizeof(p));
    p.fd = fd;
    int rc = 1;
    uint8_t *mem = malloc((size_t)MF_PIPE_BUFS * MF_PIPE_CHUNK);
    if (mem == NULL) {
        return 1;
    }
    for (size_t i = 0; i < MF_PIPE_BUFS; i++) {
        p.buf[i] = mem + i * MF_PIPE_CHUNK;
    }
    if (pthread_mutex_init(&p.mu, NULL) != 0) {
        free(mem);
        return 1;
    }
    if (pthread_cond_init(&p.cv, NULL) != 0) {
        (void)pthread_mutex_destroy(&p.mu);
        free(mem);
        return 1;
    }
    pthread_t th;
    if (pthread_create(&th, NULL, mf_reader, &p) != 0) {
        goto out;
    }
    rc = 0;
    for (;;) {
        (void)pthread_mutex_lock(&p.mu);
        while (p.head == p.tail && !p.eof) {
            (void)pthread_cond_wait(&p.cv, &p.mu);
        }
        bool done = p.head == p.tail;
        size_t slot = p.tail % MF_PIPE_BUFS;
        (void)pthread_mutex_unlock(&p.mu);
        if (done) {
            break;
        }
        if (EVP_DigestUpdate(ctx, p.buf[slot], p.len[slot]) != 1) {
            rc = CUSTODY_ENOMEM;
            break;
        }
        (void)pthread_mutex_lock(&p.mu);
        p.tail++;
        (void)pthread_cond_broadcast(&p.cv);
        (void)pthread_mutex_unlock(&p.mu);
    }
    (void)pthread_mutex_lock(&p.mu);
    p.stop = true;
    (void)pthread_cond_broadcast(&p.cv);
    (void)pthread_mutex_unlock(&p.mu);
    (void)pthread_join(th, NULL);
    if (rc == 0 && p.err != 0) {
        rc = CUSTODY_EIO;
        k->sys_errno = p.err;
    }
out:
    (void)pthread_cond_destroy(&p.cv);
    (void)pthread_mutex_destroy(&p.mu);
    free(mem);
    return rc;
}

void cu_mf_hash_file(struct cu_mf_hash_job *k)
{
    const EVP_MD *md = k->md != NULL ? k->md : EVP_sha256();
    size_t chunk = k->chunk != 0 ? k->chunk : MF_CHUNK;
    uint8_t *buf = NULL;
    EVP_MD_CTX *ctx = NULL;
    int fd = mf_open(k->path, k->nofollow);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        k->rc = CUSTODY_EIO;
        k->sys_errno = errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        k->rc = CUSTODY_EINVAL; /* replaced after listing */
        goto out;
    }
    k->size = (uint64_t)st.st_size;
    uint64_t off = k->range ? k->start : 0;
    uint64_t end = k->range ? k->end : UINT64_MAX;
    if (!k->range) {
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    buf = malloc(chunk);
    ctx = EVP_MD_CTX_new();
    if (buf == NULL || ctx == NULL || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        k->rc = CUSTODY_ENOMEM;
        goto out;
    }
    if (!k->range && k->size >= MF_PIPE_MIN) {
        int prc = mf_hash_piped(fd, ctx, k);
        if (prc < 0) {
            k->rc = prc;
            goto out;
        }
        if (prc == 0) {
            end = off; /* consumed: skip the serial loop */
        }
    }
    while (off < end) {
        size_t want = chunk;
        if (end - off < want) {
            want = (size_t)(end - off);
        }
        ssize_t got = k->range ? pread(fd, buf, want, (off_t)off) : read(fd, buf, want);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            k->rc = CUSTODY_EIO;
            k->sys_errno = errno;
            goto out;
        }
        if (got == 0) {
            k->short_read = k->range;
            break;
        }
        if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1) {
            k->rc = CUSTODY_ENOMEM;
            goto out;
        }
        off += (uint64_t)got;
    }
    unsigned int dl = 0;
    if (EVP_DigestFinal_ex(ctx, k->digest, &dl) != 1 || dl != (unsigned int)EVP_MD_get_size(md)) {
        k->rc = CUSTODY_ENOMEM;
    }
out:
    EVP_MD_CTX_free(ctx);
    free(buf);
    if (fd >= 0) {
        (void)close(fd);
    }
}

static void mf_hash_one(void *ud, size_t i)
{
    struct cu_mf_entry *e = &((struct custody_manifest *)ud)->v[i];
    struct cu_mf_hash_job k = { .path = e->path, .nofollow = e->nofollow, .digest = e->digest };
    cu_mf_hash_file(&k);
    e->rc = k.rc;
    e->sys_errno = k.sys_errno;
}

int cu_mf_hash(struct custody_manifest *m, unsigned threads, custody_error *err)
{
    if (m->n > 0) {
        (void)cu_pool_run(threads, m->n, mf_hash_one, m); /* ENOMEM: ran on this thread */
    }
    for (size_t i = 0; i < m->n; i++) {
        const struct cu_mf_entry *e = &m->v[i];
        switch (e->rc) {
        case 0:
            break;
        case CUSTODY_EIO:
            return cu_err_io(err, e->path, "cannot read: %s", strerror(e->sys_errno));
        case CUSTODY_EINVAL:
            return cu_err_inval(err, "'%s' is no longer a regular file", e->path);
        default:
            return cu_err_nomem(err);
        }
    }
    return 0;
}

/* ---- public API -------------------------------------------------------------------------- */

int custody_manifest_build(custody_manifest **out,
                           const char *path,
                           const custody_digest_opts *opts,
                           custody_error *err)
{
    if (out == NULL || path == NULL) {
        return cu_err_inval(err, "custody_manifest_build: NULL argument");
    }
    *out = NULL;
    struct custody_manifest *m = cu_calloc(1, sizeof(*m));
    if (m == NULL) {
        return cu_err_nomem(err);
    }
    int rc = cu_mf_list(m, path, opts, err);
    if (rc == 0) {
        rc = cu_mf_hash(m, opts != NULL ? opts->threads : 0, err);
    }
    if (rc != 0) {
        custody_manifest_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

size_t custody_manifest_count(const custody_manifest *m)
{
    return m != NULL ? m->n : 0;
}

const char *custody_manifest_name(const custody_manifest *m, size_t i)
{
    return m != NULL && i < m->n ? m->v[i].name : NULL;
}

const uint8_t *custody_manifest_digest(const custody_manifest *m, size_t i)
{
    return m != NULL && i < m->n ? m->v[i].digest : NULL;
}

int custody_manifest_root(const custody_manifest *m, uint8_t out[32], custody_error *err)
{
    if (m == NULL || out == NULL) {
        return cu_err_inval(err, "custody_manifest_root: NULL argument");
    }
    if (m->n == 0) {
        return cu_err_inval(err, "the model has no files to hash (empty, or all ignored)");
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = 0;
    unsigned int dlen = 0;
    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        rc = cu_err_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < m->n; i++) {
        if (EVP_DigestUpdate(ctx, m->v[i].digest, sizeof(m->v[i].digest)) != 1) {
            rc = cu_err_nomem(err);
            goto out;
        }
    }
    if (EVP_DigestFinal_ex(ctx, out, &dlen) != 1 || dlen != 32) {
        rc = cu_err_nomem(err);
    }
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

void cu_mf_clear(struct custody_manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].name);
        free(m->v[i].path);
    }
    free(m->v);
    memset(m, 0, sizeof(*m));
}

void custody_manifest_free(custody_manifest *m)
{
    if (m == NULL) {
        return;
    }
    cu_mf_clear(m);
    free(m);
}

int custody_digest(uint8_t out[32],
                   const char *path,
                   const custody_digest_opts *opts,
                   custody_error *err)
{
    custody_manifest *m = NULL;
    int rc = custody_manifest_build(&m, path, opts, err);
    if (rc == 0) {
        rc = custody_manifest_root(m, out, err);
    }
    custody_manifest_free(m);
    return rc;
}
