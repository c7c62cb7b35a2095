#ifndef CU_SOURCE_H
#define CU_SOURCE_H
/* A source is a readable byte range with a display location (DESIGN §3):
 *   file     - a regular file read with pread (never mapped whole, never slurped)
 *   memory   - a buffer, borrowed or owned
 *   range    - a window [base, base+len) of another source (zip stored member, nested pickle)
 *   decoded  - the output of a sequential decoder (deflate, gzip, bz2, xz, libarchive entry),
 *              produced lazily through a sliding window; seeking backwards restarts the decoder.
 *              Every decoded byte is charged to an expansion budget (zip-bomb guard).
 * Display locations follow DESIGN: "ckpt.pt!archive/data.pkl" ('!' enters a member). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

#define CU_SIZE_UNKNOWN UINT64_MAX

struct cu_source;

/* A sequential decoder for cu_source_decoded(). */
struct cu_decoder_ops {
    /* Restart output from byte 0. Called once before the first next(). */
    int (*reset)(void *state, custody_error *err);
    /* Produce up to cap bytes; *got = 0 means end of output. Returns 0 or CUSTODY_E*. */
    int (*next)(void *state, uint8_t *buf, size_t cap, size_t *got, custody_error *err);
    void (*free)(void *state);
};

struct cu_source {
    char *loc;         /* owned display location */
    char *name;        /* owned name hint: file basename or member name (may contain '/') */
    uint64_t size;     /* bytes, or CU_SIZE_UNKNOWN until a decoder reaches its end */
    uint64_t *counter; /* disk bytes read, shared by everything under one top-level file */
    int kind;
    /* kind-specific */
    int fd;
    const uint8_t *mem;
    uint8_t *owned;
    struct cu_source *parent;
    uint64_t base;
    struct cu_decoded *dec;
};

/* Opens a regular file read-only, refusing a final symlink and anything that is not a
 * regular file. Returns 0, CUSTODY_EIO or CUSTODY_ENOMEM (*err set). */
int cu_source_open_file(struct cu_source **out,
                        const char *path,
                        const char *loc,
                        uint64_t *counter,
                        custody_error *err);
/* A memory source. With `take`, the buffer (from malloc) becomes the source's and is freed
 * with it; otherwise it is borrowed and must outlive the source. */
int cu_source_from_mem(struct cu_source **out,
                       const uint8_t *data,
                       size_t len,
                       bool take,
                       const char *loc,
                       const char *name,
                       custody_error *err);
/* A window of `parent`, which must outlive it. Fails with EMALFORMED when the window does not
 * fit a parent of known size. */
int cu_source_range(struct cu_source **out,
                    struct cu_source *parent,
                    uint64_t base,
                    uint64_t len,
                    const char *loc,
                    const char *name,
                    custody_error *err);
/* Wraps a decoder; the source owns `state` (ops->free). `size_hint` is the declared output
 * size or CU_SIZE_UNKNOWN; output beyond a known hint is an error (the loader would disagree).
 * `budget` points at the remaining expansion allowance, shared per top-level file. */
int cu_source_decoded(struct cu_source **out,
                      const struct cu_decoder_ops *ops,
                      void *state,
                      uint64_t size_hint,
                      uint64_t *budget,
                      const char *loc,
                      const char *name,
                      custody_error *err);
void cu_source_free(struct cu_source *src); /* NULL is a no-op */

/* Reads up to n bytes at off; *got < n only at the end of the source, or when a decoder
 * broke after some of them: those bytes are delivered and the next read returns the error. */
int cu_source_read(
    struct cu_source *src, uint64_t off, void *buf, size_t n, size_t *got, custody_error *err);
/* Reads exactly n bytes at off, or fails with EMALFORMED ("truncated"). */
int cu_source_read_exact(
    struct cu_source *src, uint64_t off, void *buf, size_t n, custody_error *err);
/* The size, decoding to the end if it is not yet known. */
int cu_source_size(struct cu_source *src, uint64_t *out, custody_error *err);
/* Reads the whole source into a fresh buffer (caller frees) with a NUL after its last byte;
 * more than `limit` bytes is ELIMIT "<what> of N bytes exceeds LIMIT". */
int cu_source_read_all(struct cu_source *src,
                       uint64_t limit,
                       const char *what,
                       char **out,
                       size_t *len,
                       custody_error *err);
/* Makes up to n bytes at off readable at *out (*got of them; fewer only at the end): in
 * place for a memory source (*owned = NULL), else read into a fresh buffer that *owned
 * holds for the caller to free. Saves a copy of small files that were read whole. */
int cu_source_view(struct cu_source *src,
                   uint64_t off,
                   size_t n,
                   const uint8_t **out,
                   size_t *got,
                   uint8_t **owned,
                   custody_error *err);
/* Builds "<parent loc>!<member>" (caller frees). */
char *cu_source_member_loc(const struct cu_source *parent, const char *member);

/* ---- Buffered sequential reader over a source (pickle VM, headers, text). ---- */
struct cu_stream {
    struct cu_source *src;
    custody_error *err;
    uint8_t *buf;
    size_t cap;
    size_t pos;    /* next unread byte in buf */
    size_t len;    /* valid bytes in buf */
    uint64_t base; /* source offset of buf[0] */
    bool eof;      /* the source has no bytes past base+len */
};

/* Starts reading src at `off` with a window of `cap` bytes (>= 64). */
int cu_stream_init(
    struct cu_stream *st, struct cu_source *src, uint64_t off, size_t cap, custody_error *err);
void cu_stream_free(struct cu_stream *st);
static inline uint64_t cu_stream_tell(const struct cu_stream *st)
{
    return st->base + st->pos;
}
/* Makes n bytes (n <= cap) contiguous at cu_stream_ptr(). Returns 0, or EMALFORMED
 * ("truncated") when the source ends first; other errors as the source reports them. */
int cu_stream_need(struct cu_stream *st, size_t n);
static inline const uint8_t *cu_stream_ptr(const struct cu_stream *st)
{
    return st->buf + st->pos;
}
static inline void cu_stream_advance(struct cu_stream *st, size_t n)
{
    st->pos += n; /* callers have checked n against cu_stream_need() */
}
/* Reads one byte: returns 1 and sets *c, 0 at end of source, or a negative error. */
int cu_stream_getc(struct cu_stream *st, uint8_t *c);
/* Copies n bytes (any size) into dst, or EMALFORMED when the source ends first. */
int cu_stream_read(struct cu_stream *st, void *dst, size_t n);
/* Skips n bytes without keeping them; EMALFORMED when the source ends first. */
int cu_stream_skip(struct cu_stream *st, uint64_t n);
/* Reads a line ending in '\n' (not included) of at most max bytes (max < cap). *line is
 * borrowed until the next stream call. EMALFORMED if no newline within max or at the end. */
int cu_stream_line(struct cu_stream *st, size_t max, const uint8_t **line, size_t *len);
/* Moves to an absolute offset. */
int cu_stream_seek(struct cu_stream *st, uint64_t off);

#endif
