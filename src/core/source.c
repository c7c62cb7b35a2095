#define _GNU_SOURCE /* O_NOATIME */
#include "core/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

enum { SRC_FILE = 1, SRC_MEM, SRC_RANGE, SRC_DECODED };

#define DECODE_WINDOW     (64u << 10) /* below glibc's mmap threshold */
#define DECODE_WINDOW_MIN (16u << 10)
#define SMALL_PROBE       (64u << 10) /* first read of every file, below the mmap threshold */

struct cu_decoded {
    const struct cu_decoder_ops *ops;
    void *state;
    uint64_t *budget;
    uint64_t size_hint;
    uint8_t *win;
    size_t wcap;
    uint64_t wstart; /* output offset of win[0] */
    size_t wlen;
    bool started;
    bool ended;
};

static int file_read(
    struct cu_source *s, uint64_t off, uint8_t *buf, size_t n, size_t *got, custody_error *err);

static struct cu_source *source_new(int kind, const char *loc, const char *name)
{
    struct cu_source *s = cu_calloc(1, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    s->kind = kind;
    s->fd = -1;
    s->size = CU_SIZE_UNKNOWN;
    s->loc = cu_strdup(loc != NULL ? loc : "");
    s->name = cu_strdup(name != NULL ? name : "");
    if (s->loc == NULL || s->name == NULL) {
        free(s->loc);
        free(s->name);
        free(s);
        return NULL;
    }
    return s;
}

int cu_source_open_file(struct cu_source **out,
                        const char *path,
                        const char *loc,
                        uint64_t *counter,
                        custody_error *err)
{
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO must not hang the scan; we refuse it just below. */
    /* O_NOATIME: a scan is not a use; it keeps a read-only scan from writing inode updates.
     * It needs ownership (or CAP_FOWNER), so EPERM retries without it. */
    int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
    int fd = open(path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM) {
        fd = open(path, flags);
    }
    if (fd < 0) {
        return cu_err_io(err, loc, "cannot open: %s", strerror(errno));
    }
    /* Most files in a model tree are small: one read that comes back short is the whole file
     * and saves the fstat. pread fails on a directory (EISDIR) and a FIFO (ESPIPE); a device
     * swapped in after the walk fills the buffer and meets the fstat check below. */
    uint8_t *probe = NULL; /* a full first read, kept for a file read whole below */
    {
        uint8_t *buf = cu_malloc(SMALL_PROBE);
        ssize_t r;
        do {
            r = buf != NULL ? pread(fd, buf, SMALL_PROBE, 0) : -1;
        } while (r < 0 && errno == EINTR);
        if (buf == NULL || r < 0) {
            int e = errno;
            free(buf);
            (void)close(fd);
            return buf == NULL ? cu_err_nomem(err)
                               : cu_err_io(err, loc, "read failed: %s", strerror(e));
        }
        if ((size_t)r < SMALL_PROBE) {
            (void)close(fd);
            if (counter != NULL) {
                *counter += (uint64_t)r;
            }
            return cu_source_from_mem(out, buf, (size_t)r, true, loc, cu_basename(path), err);
        }
        probe = buf;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        free(probe);
        (void)close(fd);
        return cu_err_io(err, loc, "cannot stat: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        free(probe);
        (void)close(fd);
        return cu_err_io(err, loc, "not a regular file");
    }
    struct cu_source *s = source_new(SRC_FILE, loc, cu_basename(path));
    if (s == NULL) {
        free(probe);
        (void)close(fd);
        return cu_err_nomem(err);
    }
    s->fd = fd;
    s->size = (uint64_t)st.st_size;
    s->counter = counter;
    if (s->size <= CU_LIMIT_SMALL_FILE && s->size >= SMALL_PROBE) {
        /* Small files (most model files in a repository) are read once, whole: every later
         * read is a memcpy and streams read them in place. The probe is their first 64 KiB. */
        uint8_t *buf = cu_realloc(probe, (size_t)s->size);
        if (buf == NULL) {
            free(probe);
        }
        probe = NULL;
        size_t got = 0;
        if (buf != NULL && counter != NULL) {
            *counter += SMALL_PROBE;
        }
        int rc = buf != NULL ? file_read(s, SMALL_PROBE, buf + SMALL_PROBE,
                                         (size_t)s->size - SMALL_PROBE, &got, err)
                             : CUSTODY_ENOMEM;
        got += SMALL_PROBE;
        if (rc < 0) {
            free(buf);
            cu_source_free(s);
            return rc == CUSTODY_ENOMEM ? cu_err_nomem(err) : rc;
        }
        (void)close(fd);
        s->fd = -1;
        s->kind = SRC_MEM;
        s->owned = buf;
        s->mem = buf;
        s->size = got; /* a file that shrank under us is what we read */
    }
    free(probe); /* a larger file is read on demand */
    *out = s;
    return 0;
}

int cu_source_from_mem(struct cu_source **out,
                       const uint8_t *data,
                       size_t len,
                       bool take,
                       const char *loc,
                       const char *name,
                       custody_error *err)
{
    *out = NULL;
    struct cu_source *s = source_new(SRC_MEM, loc, name);
    if (s == NULL) {
        if (take) {
            free((void *)(uintptr_t)data);
        }
        return cu_err_nomem(err);
    }
    s->mem = data;
    s->size = len;
    if (take) {
        s->owned = (uint8_t *)(uintptr_t)data;
    }
    *out = s;
    return 0;
}

int cu_source_range(struct cu_source **out,
                    struct cu_source *parent,
                    uint64_t base,
                    uint64_t len,
                    const char *loc,
                    const char *name,
                    custody_error *err)
{
    *out = NULL;
    if (parent->size != CU_SIZE_UNKNOWN && (base > parent->size || len > parent->size - base)) {
        return cu_err_malformed(
            err, parent->loc, base, "range of %llu bytes at %llu exceeds the %llu-byte source",
            (unsigned long long)len, (unsigned long long)base, (unsigned long long)parent->size);
    }
    struct cu_source *s = source_new(SRC_RANGE, loc, name);
    if (s == NULL) {
        return cu_err_nomem(err);
    }
    s->parent = parent;
    s->base = base;
    s->size = len;
    s->counter = parent->counter;
    *out = s;
    return 0;
}

int cu_source_decoded(struct cu_source **out,
                      const struct cu_decoder_ops *ops,
                      void *state,
                      uint64_t size_hint,
                      uint64_t *budget,
                      const char *loc,
                      const char *name,
                      custody_error *err)
{
    *out = NULL;
    struct cu_source *s = source_new(SRC_DECODED, loc, name);
    struct cu_decoded *d = cu_calloc(1, sizeof(*d));
    /* Size the window to a small declared output: a 256 KiB buffer is an mmap, a munmap and
     * page faults per member, which dominates scans of many small compressed files. */
    size_t wcap = DECODE_WINDOW;
    if (size_hint != CU_SIZE_UNKNOWN && size_hint < DECODE_WINDOW) {
        wcap = size_hint < DECODE_WINDOW_MIN ? DECODE_WINDOW_MIN : (size_t)size_hint;
    }
    uint8_t *win = cu_malloc(wcap);
    if (s == NULL || d == NULL || win == NULL) {
        cu_source_free(s);
        free(d);
        free(win);
        ops->free(state);
        return cu_err_nomem(err);
    }
    d->ops = ops;
    d->state = state;
    d->budget = budget;
    d->size_hint = size_hint;
    d->win = win;
    d->wcap = wcap;
    s->dec = d;
    *out = s;
    return 0;
}

void cu_source_free(struct cu_source *src)
{
    if (src == NULL) {
        return;
    }
    if (src->fd >= 0) {
        (void)close(src->fd);
    }
    if (src->dec != NULL) {
        src->dec->ops->free(src->dec->state);
        free(src->dec->win);
        free(src->dec);
    }
    free(src->owned);
    free(src->loc);
    free(src->name);
    free(src);
}

char *cu_source_member_loc(const struct cu_source *parent, const char *member)
{
    return cu_concat3(parent->loc, "!", member);
}

static int file_read(
    struct cu_source *s, uint64_t off, uint8_t *buf, size_t n, size_t *got, custody_error *err)
{
    size_t total = 0;
    while (total < n) {
        uint64_t pos = off + total;
        if (pos >= s->size) {
            break;
        }
        size_t want = n - total;
        if (want > s->size - pos) {
            want = (size_t)(s->size - pos);
        }
        ssize_t r = pread(s->fd, buf + total, want, (off_t)pos);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return cu_err_set(err, CUSTODY_EIO, s->loc, pos, __FILE__, __LINE__, "read failed: %s",
                              strerror(errno));
        }
        if (r == 0) {
            /* The file shrank while we read it: treat the rest as absent. */
            break;
        }
        total += (size_t)r;
        if (s->counter != NULL) {
            *s->counter += (uint64_t)r;
        }
    }
    *got = total;
    return 0;
}

static int decoded_end(struct cu_source *s, uint64_t end, custody_error *err)
{
    struct cu_decoded *d = s->dec;
    d->ended = true;
    s->size = end;
    if (d->size_hint != CU_SIZE_UNKNOWN && end != d->size_hint) {
        return cu_err_malformed(err, s->loc, end, "decoded %llu bytes but %llu were declared",
                                (unsigned long long)end, (unsigned long long)d->size_hint);
    }
    return 0;
}

static int decoded_step(struct cu_source *s, custody_error *err)
{
    struct cu_decoded *d = s->dec;
    size_t got = 0;
    int rc;
    if (d->wstart == 0 && d->wlen > 0 && d->wlen < d->wcap) {
        /* A short first window usually holds the whole stream. Probe for more output into
         * scratch so that it survives the end: readers go back to the head (the appended-zip
         * check reads the tail, then analyzers the start), and a window dropped at the end
         * would mean decoding the stream again from byte 0 for every small member. */
        uint8_t probe[4096];
        rc = d->ops->next(d->state, probe, sizeof(probe), &got, err);
        if (rc == 0 && got == 0) {
            return decoded_end(s, d->wstart + d->wlen, err);
        }
        d->wstart += d->wlen;
        d->wlen = 0;
        if (rc < 0) {
            return rc;
        }
        memcpy(d->win, probe, got);
    } else {
        d->wstart += d->wlen;
        d->wlen = 0;
        rc = d->ops->next(d->state, d->win, d->wcap, &got, err);
        if (rc < 0) {
            return rc;
        }
        if (got == 0) {
            return decoded_end(s, d->wstart, err);
        }
    }
    if (d->budget != NULL) {
        if (got > *d->budget) {
            return cu_err_limit(err, s->loc, d->wstart,
                                "decompression budget exhausted (possible decompression bomb)");
        }
        *d->budget -= got;
    }
    if (d->size_hint != CU_SIZE_UNKNOWN &&
        (d->wstart > d->size_hint || got > d->size_hint - d->wstart)) {
        return cu_err_malformed(err, s->loc, d->size_hint,
                                "decoder produced more than the %llu bytes declared",
                                (unsigned long long)d->size_hint);
    }
    d->wlen = got;
    return 0;
}

static int decoded_read(
    struct cu_source *s, uint64_t off, uint8_t *buf, size_t n, size_t *got, custody_error *err)
{
    struct cu_decoded *d = s->dec;
    size_t total = 0;
    while (total < n) {
        uint64_t cur = off + total;
        if (d->started && cur >= d->wstart && cur - d->wstart < d->wlen) {
            size_t in = (size_t)(cur - d->wstart);
            size_t take = d->wlen - in;
            if (take > n - total) {
                take = n - total;
            }
            memcpy(buf + total, d->win + in, take);
            total += take;
            continue;
        }
        if (d->started && d->ended && cur >= d->wstart) {
            break;
        }
        if (!d->started || cur < d->wstart) {
            int rc = d->ops->reset(d->state, err);
            if (rc < 0) {
                return rc;
            }
            d->started = true;
            d->ended = false;
            d->wstart = 0;
            d->wlen = 0;
        }
        int rc = decoded_step(s, err);
        if (rc < 0) {
            if (total > 0) {
                /* Deliver what was decoded before the damage; the next read (at the
                 * damage) gets the error, which decoders keep until reset. */
                break;
            }
            return rc;
        }
    }
    *got = total;
    return 0;
}

int cu_source_read(
    struct cu_source *src, uint64_t off, void *buf, size_t n, size_t *got, custody_error *err)
{
    *got = 0;
    switch (src->kind) {
    case SRC_FILE:
        return file_read(src, off, buf, n, got, err);
    case SRC_MEM:
        if (off < src->size) {
            size_t take = (size_t)(src->size - off) < n ? (size_t)(src->size - off) : n;
            memcpy(buf, src->mem + off, take);
            *got = take;
        }
        return 0;
    case SRC_RANGE:
        if (off < src->size) {
            uint64_t left = src->size - off;
            size_t take = left < n ? (size_t)left : n;
            return cu_source_read(src->parent, src->base + off, buf, take, got, err);
        }
        return 0;
    case SRC_DECODED:
        return decoded_read(src, off, buf, n, got, err);
    default:
        return cu_err_inval(err, "bad source kind");
    }
}

int cu_source_read_exact(
    struct cu_source *src, uint64_t off, void *buf, size_t n, custody_error *err)
{
    size_t got = 0;
    while (got < n) {
        size_t step;
        int rc = cu_source_read(src, off + got, (uint8_t *)buf + got, n - got, &step, err);
        if (rc < 0) {
            return rc;
        }
        if (step == 0) {
            break;
        }
        got += step;
    }
    if (got != n) {
        return cu_err_malformed(err, src->loc, off + got, "truncated: wanted %zu bytes at %llu", n,
                                (unsigned long long)off);
    }
    return 0;
}

int cu_source_size(struct cu_source *src, uint64_t *out, custody_error *err)
{
    if (src->size == CU_SIZE_UNKNOWN && src->kind == SRC_DECODED) {
        uint8_t b;
        size_t got;
        /* Reading past any plausible end forces the decoder to finish. */
        int rc = cu_source_read(src, UINT64_MAX - 1, &b, 1, &got, err);
        if (rc < 0) {
            return rc;
        }
    } else if (src->size == CU_SIZE_UNKNOWN && src->kind == SRC_RANGE) {
        uint64_t ps;
        int rc = cu_source_size(src->parent, &ps, err);
        if (rc < 0) {
            return rc;
        }
        src->size = ps > src->base ? ps - src->base : 0;
    }
    *out = src->size;
    return 0;
}

int cu_source_read_all(struct cu_source *src,
                       uint64_t limit,
                       const char *what,
                       char **out,
                       size_t *len,
                       custody_error *err)
{
    uint64_t size;
    *out = NULL;
    *len = 0;
    int rc = cu_source_size(src, &size, err);
    if (rc < 0) {
        return rc;
    }
    if (size > limit) {
        return cu_err_limit(err, src->loc, 0, "%s of %llu bytes exceeds %llu", what,
                            (unsigned long long)size, (unsigned long long)limit);
    }
    char *buf = cu_malloc((size_t)size + 1);
    if (buf == NULL) {
        return cu_err_nomem(err);
    }
    rc = cu_source_read_exact(src, 0, buf, (size_t)size, err);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[size] = '\0';
    *out = buf;
    *len = (size_t)size;
    return 0;
}

/* ---- stream ---- */

/* A memory source (or a range chain ending in one) is read in place, without a copy. */
static const uint8_t *source_direct(struct cu_source *src, uint64_t off, uint64_t *len)
{
    uint64_t base = 0;
    uint64_t size = src->size;
    while (src->kind == SRC_RANGE) {
        base += src->base;
        src = src->parent;
    }
    if (src->kind != SRC_MEM || size == CU_SIZE_UNKNOWN || off > size) {
        return NULL;
    }
    *len = size - off;
    return src->mem + base + off;
}

int cu_source_view(struct cu_source *src,
                   uint64_t off,
                   size_t n,
                   const uint8_t **out,
                   size_t *got,
                   uint8_t **owned,
                   custody_error *err)
{
    *out = NULL;
    *got = 0;
    *owned = NULL;
    uint64_t dlen;
    const uint8_t *direct = source_direct(src, off, &dlen);
    if (direct != NULL) {
        *out = direct;
        *got = dlen < n ? (size_t)dlen : n;
        return 0;
    }
    uint8_t *buf = cu_malloc(n > 0 ? n : 1);
    if (buf == NULL) {
        return cu_err_nomem(err);
    }
    int rc = cu_source_read(src, off, buf, n, got, err);
    if (rc < 0) {
        free(buf);
        *got = 0;
        return rc;
    }
    *out = buf;
    *owned = buf;
    return 0;
}

int cu_stream_init(
    struct cu_stream *st, struct cu_source *src, uint64_t off, size_t cap, custody_error *err)
{
    memset(st, 0, sizeof(*st));
    st->src = src;
    st->err = err;
    st->base = off;
    uint64_t dlen;
    const uint8_t *direct = source_direct(src, off, &dlen);
    if (direct != NULL && dlen <= SIZE_MAX) {
        st->buf = (uint8_t *)(uintptr_t)direct;
        st->len = (size_t)dlen;
        st->cap = 0; /* marks a borrowed window */
        st->eof = true;
        return 0;
    }
    /* No bigger than what the source can hold (plus one byte to see its end). */
    if (src->size != CU_SIZE_UNKNOWN && src->size >= off && src->size - off < cap) {
        cap = (size_t)(src->size - off) + 1;
    }
    if (cap < 64) {
        cap = 64;
    }
    st->buf = cu_malloc(cap);
    if (st->buf == NULL) {
        return cu_err_nomem(err);
    }
    st->cap = cap;
    return 0;
}

void cu_stream_free(struct cu_stream *st)
{
    if (st->cap != 0) {
        free(st->buf);
    }
    st->buf = NULL;
}

int cu_stream_need(struct cu_stream *st, size_t n)
{
    if (st->len - st->pos >= n) {
        return 0;
    }
    if (st->cap == 0 || st->eof) {
        return cu_err_malformed(st->err, st->src->loc, st->base + st->len,
                                "truncated: %zu more bytes needed at offset %llu", n,
                                (unsigned long long)(st->base + st->pos));
    }
    if (n > st->cap) {
        return cu_err_limit(st->err, st->src->loc, st->base + st->pos,
                            "a read of %zu bytes exceeds the stream window", n);
    }
    if (st->pos > 0) {
        memmove(st->buf, st->buf + st->pos, st->len - st->pos);
        st->base += st->pos;
        st->len -= st->pos;
        st->pos = 0;
    }
    while (st->len < n && !st->eof) {
        size_t got;
        int rc = cu_source_read(st->src, st->base + st->len, st->buf + st->len, st->cap - st->len,
                                &got, st->err);
        if (rc < 0) {
            return rc;
        }
        if (got == 0) {
            st->eof = true;
        }
        st->len += got;
    }
    if (st->len < n) {
        return cu_err_malformed(st->err, st->src->loc, st->base + st->len,
                                "truncated: %zu more bytes needed at offset %llu", n,
                                (unsigned long long)(st->base + st->pos));
    }
    return 0;
}

int cu_stream_getc(struct cu_stream *st, uint8_t *c)
{
    if (st->pos < st->len) {
        *c = st->buf[st->pos++];
        return 1;
    }
    if (st->cap == 0 || st->eof) {
        return 0;
    }
    int rc = cu_stream_need(st, 1);
    if (rc == CUSTODY_EMALFORMED && st->eof && st->len == st->pos) {
        return 0;
    }
    if (rc < 0) {
        return rc;
    }
    *c = st->buf[st->pos++];
    return 1;
}

int cu_stream_read(struct cu_stream *st, void *dst, size_t n)
{
    uint8_t *d = dst;
    while (n > 0) {
        size_t have = st->len - st->pos;
        if (have == 0) {
            size_t want = (st->cap != 0 && n > st->cap) ? st->cap : n;
            int rc = cu_stream_need(st, want);
            if (rc < 0) {
                return rc;
            }
            have = st->len - st->pos;
        }
        size_t take = have < n ? have : n;
        memcpy(d, st->buf + st->pos, take);
        st->pos += take;
        d += take;
        n -= take;
    }
    return 0;
}

int cu_stream_skip(struct cu_stream *st, uint64_t n)
{
    size_t have = st->len - st->pos;
    if (n <= have) {
        st->pos += (size_t)n;
        return 0;
    }
    uint64_t target;
    if (__builtin_add_overflow(cu_stream_tell(st), n, &target)) {
        return cu_err_malformed(st->err, st->src->loc, cu_stream_tell(st), "skip overflows");
    }
    if (st->cap == 0) {
        return cu_err_malformed(st->err, st->src->loc, st->base + st->len,
                                "truncated: skipping %llu bytes at offset %llu",
                                (unsigned long long)n, (unsigned long long)cu_stream_tell(st));
    }
    if (st->src->size != CU_SIZE_UNKNOWN) {
        if (target > st->src->size) {
            return cu_err_malformed(st->err, st->src->loc, st->src->size,
                                    "truncated: skipping %llu bytes at offset %llu",
                                    (unsigned long long)n, (unsigned long long)cu_stream_tell(st));
        }
        st->base = target;
        st->pos = st->len = 0;
        st->eof = false;
        return 0;
    }
    /* Unknown size (a decoder): read through. */
    st->pos = st->len;
    n -= have;
    while (n > 0) {
        size_t step = n > st->cap ? st->cap : (size_t)n;
        int rc = cu_stream_need(st, step);
        if (rc < 0) {
            return rc;
        }
        st->pos += step;
        n -= step;
    }
    return 0;
}

int cu_stream_seek(struct cu_stream *st, uint64_t off)
{
    if (off >= st->base && off - st->base <= st->len) {
        st->pos = (size_t)(off - st->base);
        return 0;
    }
    if (st->cap == 0) {
        return cu_err_malformed(st->err, st->src->loc, off, "seek past the end");
    }
    st->base = off;
    st->pos = st->len = 0;
    st->eof = false;
    return 0;
}

int cu_stream_line(struct cu_stream *st, size_t max, const uint8_t **line, size_t *len)
{
    size_t scanned = 0;
    for (;;) {
        size_t have = st->len - st->pos;
        const uint8_t *start = st->buf + st->pos;
        const uint8_t *nl = have > scanned ? memchr(start + scanned, '\n', have - scanned) : NULL;
        if (nl != NULL) {
            size_t l = (size_t)(nl - start);
            if (l > max) {
                break;
            }
            *line = start;
            *len = l;
            st->pos += l + 1;
            return 0;
        }
        scanned = have;
        if (have > max) {
            break;
        }
        if (st->cap == 0 || st->eof) {
            return cu_err_malformed(st->err, st->src->loc, st->base + st->len,
                                    "truncated: unterminated line at offset %llu",
                                    (unsigned long long)cu_stream_tell(st));
        }
        int rc = cu_stream_need(st, have + 1);
        if (rc < 0) {
            return rc;
        }
    }
    return cu_err_limit(st->err, st->src->loc, cu_stream_tell(st), "line longer than %zu bytes",
                        max);
}
