/* Compressed streams (see compress.h): lazy, restartable decoders and the analyzers that
 * unwrap a stream and hand its content back to the engine. */
#include "formats/compress.h"

#include <bzlib.h>
#include <limits.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

#define CZ_CHUNK     (64u << 10)
#define CZ_HINT_BASE "cu.compress.ratio_base"

static const uint8_t cz_gzip_magic[2] = { 0x1f, 0x8b };
static const uint8_t cz_xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t cz_lz4_magic[4] = { 0x04, 0x22, 0x4d, 0x18 };

enum cz_phase { CZ_START, CZ_BODY, CZ_DONE };

struct cz {
    struct cu_source *parent;
    uint64_t off;
    uint64_t len; /* CU_SIZE_UNKNOWN: to the end of the parent */
    int kind;
    uint64_t ratio_base;
    struct cu_compress_info *info;
    struct cu_compress_info own_info;
    char *loc;
    uint8_t *in;
    size_t in_len;
    size_t in_pos;
    uint64_t in_base; /* stream offset of in[0] */
    bool in_eof;
    union {
        z_stream z;
        bz_stream bz;
        lzma_stream lz;
        LZ4F_dctx *lz4;
    } s;
    bool s_init;
    enum cz_phase phase;
    uint64_t out_total;
    int pend_rc;
    custody_error pend_err;
};

const char *cu_compress_kind_name(int kind)
{
    switch (kind) {
    case CU_COMPRESS_GZIP:
        return "gzip";
    case CU_COMPRESS_ZLIB:
        return "zlib";
    case CU_COMPRESS_RAW_DEFLATE:
        return "deflate";
    case CU_COMPRESS_BZ2:
        return "bzip2";
    case CU_COMPRESS_XZ:
        return "xz";
    case CU_COMPRESS_LZMA_ALONE:
        return "lzma";
    case CU_COMPRESS_LZ4:
        return "lz4";
    default:
        return "none";
    }
}

bool cu_compress_ratio_ok(uint64_t out, uint64_t in)
{
    return out <= CU_LIMIT_EXPAND_FLOOR || out / CU_LIMIT_EXPAND_RATIO <= in;
}

/* ---- input window ---- */

static uint64_t cz_consumed(const struct cz *st)
{
    return st->in_base + st->in_pos;
}

/* Makes at least n (<= CZ_CHUNK) unread bytes available, fewer only at the end of input. */
static int cz_ensure(struct cz *st, size_t n, custody_error *err)
{
    while (st->in_len - st->in_pos < n && !st->in_eof) {
        if (st->in_pos > 0) {
            memmove(st->in, st->in + st->in_pos, st->in_len - st->in_pos);
            st->in_base += st->in_pos;
            st->in_len -= st->in_pos;
            st->in_pos = 0;
        }
        uint64_t at = st->in_base + st->in_len;
        size_t want = CZ_CHUNK - st->in_len;
        if (st->len != CU_SIZE_UNKNOWN) {
            if (at >= st->len) {
                st->in_eof = true;
                break;
            }
            if (want > st->len - at) {
                want = (size_t)(st->len - at);
            }
        }
        if (at > UINT64_MAX - st->off) {
            st->in_eof = true;
            break;
        }
        size_t got = 0;
        int rc = cu_source_read(st->parent, st->off + at, st->in + st->in_len, want, &got, err);
        if (rc < 0) {
            return rc;
        }
        if (got == 0) {
            st->in_eof = true;
        }
        st->in_len += got;
    }
    return 0;
}

static size_t cz_avail(const struct cz *st)
{
    return st->in_len - st->in_pos;
}

/* ---- library state ---- */

static void cz_lib_end(struct cz *st)
{
    if (!st->s_init) {
        return;
    }
    switch (st->kind) {
    case CU_COMPRESS_GZIP:
    case CU_COMPRESS_ZLIB:
    case CU_COMPRESS_RAW_DEFLATE:
        (void)inflateEnd(&st->s.z);
        break;
    case CU_COMPRESS_BZ2:
        (void)BZ2_bzDecompressEnd(&st->s.bz);
        break;
    case CU_COMPRESS_LZ4:
        (void)LZ4F_freeDecompressionContext(st->s.lz4);
        break;
    default:
        lzma_end(&st->s.lz);
        break;
    }
    st->s_init = false;
}

static int cz_lib_begin(struct cz *st, custody_error *err)
{
    cz_lib_end(st);
    memset(&st->s, 0, sizeof(st->s));
    int zrc = Z_OK;
    switch (st->kind) {
    case CU_COMPRESS_GZIP:
        zrc = inflateInit2(&st->s.z, 15 + 16);
        break;
    case CU_COMPRESS_ZLIB:
        zrc = inflateInit2(&st->s.z, 15);
        break;
    case CU_COMPRESS_RAW_DEFLATE:
        zrc = inflateInit2(&st->s.z, -15);
        break;
    case CU_COMPRESS_BZ2:
        if (BZ2_bzDecompressInit(&st->s.bz, 0, 0) != BZ_OK) {
            return cu_err_nomem(err);
        }
        st->s_init = true;
        return 0;
    case CU_COMPRESS_XZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        st->s.lz = init;
        if (lzma_stream_decoder(&st->s.lz, CU_LIMIT_XZ_MEM, 0) != LZMA_OK) {
            return cu_err_nomem(err);
        }
        st->s_init = true;
        return 0;
    }
    case CU_COMPRESS_LZMA_ALONE: {
        lzma_stream init = LZMA_STREAM_INIT;
        st->s.lz = init;
        if (lzma_alone_decoder(&st->s.lz, CU_LIMIT_XZ_MEM) != LZMA_OK) {
            return cu_err_nomem(err);
        }
        st->s_init = true;
        return 0;
    }
    case CU_COMPRESS_LZ4:
        if (LZ4F_isError(LZ4F_createDecompressionContext(&st->s.lz4, LZ4F_VERSION))) {
            return cu_err_nomem(err);
        }
        st->s_init = true;
        return 0;
    default:
        return cu_err_inval(err, "unknown compression kind %d", st->kind);
    }
    if (zrc != Z_OK) {
        return cu_err_nomem(err);
    }
    st->s_init = true;
    return 0;
}

/* ---- member boundaries ---- */

static bool cz_zlib_header_ok(const uint8_t *p)
{
    return (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && (p[1] & 0x20) == 0 &&
           ((unsigned)p[0] * 256u + p[1]) % 31u == 0;
}

static bool cz_bz2_magic(const uint8_t *p, size_t n)
{
    return n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9';
}

static bool cz_lzma_alone_header_ok(const uint8_t *p, size_t n)
{
    if (n < 13 || p[0] >= 9 * 5 * 5) {
        return false;
    }
    uint32_t dict =
        (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
    /* 2^b or 2^b + 2^(b-1), 12 <= b <= 30: what lzma_alone writes. */
    uint32_t low = dict & (0u - dict); /* lowest set bit */
    uint32_t rest = dict - low;
    bool dict_ok = dict >= (1u << 12) && dict <= (1u << 30) + (1u << 29) &&
                   (rest == 0 || (rest == low * 2 && low >= (1u << 11)));
    if (!dict_ok) {
        return false;
    }
    uint64_t usize = 0;
    for (int i = 7; i >= 0; i--) {
        usize = usize << 8 | p[5 + i];
    }
    return usize == UINT64_MAX || usize < (1ull << 38);
}

/* At a member boundary: starts the next member, or ends the stream (clean end of input or
 * trailing bytes that are not another member). */
static int cz_start(struct cz *st, custody_error *err)
{
    bool first = st->info->members == 0;
    int rc = cz_ensure(st, 16, err);
    if (rc < 0) {
        return rc;
    }
    /* gzip (as Python reads it) and xz allow zero padding between and after members. */
    if (!first && (st->kind == CU_COMPRESS_GZIP || st->kind == CU_COMPRESS_XZ)) {
        for (;;) {
            while (cz_avail(st) > 0 && st->in[st->in_pos] == 0) {
                st->in_pos++;
            }
            if (cz_avail(st) > 0 || st->in_eof) {
                break;
            }
            rc = cz_ensure(st, 16, err);
            if (rc < 0) {
                return rc;
            }
        }
        rc = cz_ensure(st, 16, err);
        if (rc < 0) {
            return rc;
        }
    }
    size_t n = cz_avail(st);
    const uint8_t *p = st->in + st->in_pos;
    if (n == 0) {
        if (first) {
            return cu_err_malformed(err, st->loc, 0, "empty %s stream",
                                    cu_compress_kind_name(st->kind));
        }
        st->phase = CZ_DONE;
        st->info->complete = true;
        return 0;
    }
    bool ok;
    switch (st->kind) {
    case CU_COMPRESS_GZIP:
        ok = n >= 2 && memcmp(p, cz_gzip_magic, 2) == 0;
        break;
    case CU_COMPRESS_ZLIB:
        ok = n >= 2 && cz_zlib_header_ok(p);
        break;
    case CU_COMPRESS_BZ2:
        ok = cz_bz2_magic(p, n);
        break;
    case CU_COMPRESS_XZ:
        ok = n >= 6 && memcmp(p, cz_xz_magic, 6) == 0;
        break;
    case CU_COMPRESS_LZMA_ALONE:
        ok = first && cz_lzma_alone_header_ok(p, n);
        break;
    case CU_COMPRESS_LZ4:
        ok = n >= 4 && memcmp(p, cz_lz4_magic, 4) == 0;
        break;
    default: /* raw deflate: one stream, no magic */
        ok = first;
        break;
    }
    if (!ok) {
        if (first) {
            return cu_err_malformed(err, st->loc, 0, "not a %s stream",
                                    cu_compress_kind_name(st->kind));
        }
        st->info->trailing_off = cz_consumed(st);
        st->phase = CZ_DONE;
        st->info->complete = true;
        return 0;
    }
    rc = cz_lib_begin(st, err);
    if (rc < 0) {
        return rc;
    }
    st->phase = CZ_BODY;
    return 0;
}

/* One library call. *produced bytes land in out; *ended when the member ended. */
static int cz_step(struct cz *st, uint8_t *out, size_t cap, size_t *produced, custody_error *err)
{
    *produced = 0;
    int rc = cz_ensure(st, 1, err);
    if (rc < 0) {
        return rc;
    }
    size_t avail = cz_avail(st);
    unsigned in_n = avail > UINT_MAX ? UINT_MAX : (unsigned)avail;
    unsigned out_n = cap > UINT_MAX ? UINT_MAX : (unsigned)cap;
    bool ended = false;
    const char *bad = NULL;
    int code = CUSTODY_EMALFORMED;
    size_t used = 0;

    switch (st->kind) {
    case CU_COMPRESS_GZIP:
    case CU_COMPRESS_ZLIB:
    case CU_COMPRESS_RAW_DEFLATE: {
        z_stream *z = &st->s.z;
        z->next_in = st->in + st->in_pos;
        z->avail_in = in_n;
        z->next_out = out;
        z->avail_out = out_n;
        int zr = inflate(z, Z_NO_FLUSH);
        used = in_n - z->avail_in;
        *produced = out_n - z->avail_out;
        if (zr == Z_STREAM_END) {
            ended = true;
        } else if (zr == Z_MEM_ERROR) {
            return cu_err_nomem(err);
        } else if (zr == Z_NEED_DICT) {
            bad = "stream needs a preset dictionary";
            code = CUSTODY_EUNSUPPORTED;
        } else if (zr == Z_DATA_ERROR || zr == Z_STREAM_ERROR) {
            bad = z->msg != NULL ? z->msg : "corrupt deflate data";
        }
        break;
    }
    case CU_COMPRESS_BZ2: {
        bz_stream *bz = &st->s.bz;
        bz->next_in = (char *)(st->in + st->in_pos);
        bz->avail_in = in_n;
        bz->next_out = (char *)out;
        bz->avail_out = out_n;
        int br = BZ2_bzDecompress(bz);
        used = in_n - bz->avail_in;
        *produced = out_n - bz->avail_out;
        if (br == BZ_STREAM_END) {
            ended = true;
        } else if (br == BZ_MEM_ERROR) {
            return cu_err_nomem(err);
        } else if (br == BZ_DATA_ERROR) {
            bad = "corrupt bzip2 data (bad block CRC or structure)";
        } else if (br == BZ_DATA_ERROR_MAGIC) {
            bad = "bad bzip2 magic";
        } else if (br != BZ_OK) {
            bad = "bzip2 decoder error";
        }
        break;
    }
    case CU_COMPRESS_LZ4: {
        size_t dst = cap, src = avail;
        size_t r = LZ4F_decompress(st->s.lz4, out, &dst, st->in + st->in_pos, &src, NULL);
        if (LZ4F_isError(r)) {
            bad = LZ4F_getErrorName(r);
        } else {
            used = src;
            *produced = dst;
            ended = r == 0;
        }
        break;
    }
    default: {
        lzma_stream *lz = &st->s.lz;
        lz->next_in = st->in + st->in_pos;
        lz->avail_in = avail;
        lz->next_out = out;
        lz->avail_out = cap;
        lzma_ret lr = lzma_code(lz, st->in_eof ? LZMA_FINISH : LZMA_RUN);
        used = avail - lz->avail_in;
        *produced = cap - lz->avail_out;
        if (lr == LZMA_STREAM_END) {
            ended = true;
        } else if (lr == LZMA_MEM_ERROR) {
            return cu_err_nomem(err);
        } else if (lr == LZMA_MEMLIMIT_ERROR) {
            bad = "stream needs more decoder memory than the limit";
            code = CUSTODY_ELIMIT;
        } else if (lr == LZMA_OPTIONS_ERROR) {
            bad = "unsupported lzma options";
            code = CUSTODY_EUNSUPPORTED;
        } else if (lr == LZMA_DATA_ERROR || lr == LZMA_FORMAT_ERROR) {
            bad = "corrupt lzma data";
        } else if (lr == LZMA_BUF_ERROR) {
            bad = "truncated stream";
        } else if (lr != LZMA_OK && lr != LZMA_UNSUPPORTED_CHECK && lr != LZMA_GET_CHECK &&
                   lr != LZMA_NO_CHECK) {
            bad = "lzma decoder error";
        }
        break;
    }
    }
    st->in_pos += used;
    if (bad != NULL) {
        return cu_err_set(err, code, st->loc, cz_consumed(st), __FILE__, __LINE__,
                          "%s stream broken at input byte %llu: %s",
                          cu_compress_kind_name(st->kind), (unsigned long long)cz_consumed(st),
                          bad);
    }
    if (ended) {
        cz_lib_end(st);
        st->info->members++;
        st->phase = CZ_START;
        if (st->kind == CU_COMPRESS_RAW_DEFLATE || st->kind == CU_COMPRESS_LZMA_ALONE) {
            /* Single-stream formats: anything left is trailing data. */
            rc = cz_ensure(st, 1, err);
            if (rc < 0) {
                return rc;
            }
            if (cz_avail(st) > 0) {
                st->info->trailing_off = cz_consumed(st);
            }
            st->phase = CZ_DONE;
            st->info->complete = true;
        }
        return 0;
    }
    if (used == 0 && *produced == 0) {
        if (st->in_eof && cz_avail(st) == 0) {
            return cu_err_malformed(
                err, st->loc, cz_consumed(st), "%s stream truncated after %llu input bytes",
                cu_compress_kind_name(st->kind), (unsigned long long)cz_consumed(st));
        }
        return cu_err_malformed(err, st->loc, cz_consumed(st), "%s decoder made no progress",
                                cu_compress_kind_name(st->kind));
    }
    return 0;
}

/* ---- cu_decoder_ops ---- */

static int cz_reset(void *state, custody_error *err)
{
    struct cz *st = state;
    (void)err;
    cz_lib_end(st);
    st->in_len = 0;
    st->in_pos = 0;
    st->in_base = 0;
    st->in_eof = false;
    st->phase = CZ_START;
    st->out_total = 0;
    st->pend_rc = 0;
    st->info->trailing_off = CU_NO_OFFSET;
    st->info->in_used = 0;
    st->info->members = 0;
    st->info->complete = false;
    return 0;
}

static int cz_next(void *state, uint8_t *buf, size_t cap, size_t *got, custody_error *err)
{
    struct cz *st = state;
    *got = 0;
    if (st->pend_rc < 0) {
        *err = st->pend_err;
        return st->pend_rc;
    }
    size_t total = 0;
    int rc = 0;
    while (total < cap && st->phase != CZ_DONE) {
        if (st->phase == CZ_START) {
            rc = cz_start(st, &st->pend_err);
            if (rc < 0) {
                break;
            }
            continue;
        }
        size_t produced = 0;
        rc = cz_step(st, buf + total, cap - total, &produced, &st->pend_err);
        total += produced;
        st->out_total += produced;
        st->info->in_used = cz_consumed(st);
        if (rc < 0) {
            break;
        }
        uint64_t base = cz_consumed(st);
        if (st->ratio_base != 0 && st->ratio_base < base) {
            base = st->ratio_base;
        }
        if (!cu_compress_ratio_ok(st->out_total, base)) {
            rc = cu_err_limit(&st->pend_err, st->loc, st->out_total,
                              "%s stream expands more than %u:1 (%llu bytes from %llu): "
                              "possible decompression bomb",
                              cu_compress_kind_name(st->kind), CU_LIMIT_EXPAND_RATIO,
                              (unsigned long long)st->out_total, (unsigned long long)base);
            break;
        }
    }
    if (rc == CUSTODY_ENOMEM || rc == CUSTODY_EIO) {
        *err = st->pend_err;
        return rc; /* not sticky: the machine failed, not the stream */
    }
    if (rc < 0) {
        st->pend_rc = rc;
        if (total == 0) {
            *err = st->pend_err;
            return rc;
        }
    }
    *got = total;
    return 0;
}

static void cz_free(void *state)
{
    struct cz *st = state;
    if (st == NULL) {
        return;
    }
    cz_lib_end(st);
    free(st->in);
    free(st->loc);
    free(st);
}

static const struct cu_decoder_ops cz_ops = { cz_reset, cz_next, cz_free };

int cu_compress_source_ex(struct cu_source **out,
                          struct cu_source *parent,
                          uint64_t off,
                          uint64_t len,
                          const struct cu_compress_opts *opts,
                          const char *loc,
                          const char *name,
                          custody_error *err)
{
    *out = NULL;
    if (opts->kind <= CU_COMPRESS_NONE || opts->kind > CU_COMPRESS_LZ4) {
        return cu_err_inval(err, "unknown compression kind %d", opts->kind);
    }
    struct cz *st = cu_calloc(1, sizeof(*st));
    if (st == NULL) {
        return cu_err_nomem(err);
    }
    st->in = cu_malloc(CZ_CHUNK);
    st->loc = cu_strdup(loc != NULL ? loc : "");
    if (st->in == NULL || st->loc == NULL) {
        cz_free(st);
        return cu_err_nomem(err);
    }
    st->parent = parent;
    st->off = off;
    st->len = len;
    st->kind = opts->kind;
    st->ratio_base = opts->ratio_base;
    st->info = opts->info != NULL ? opts->info : &st->own_info;
    (void)cz_reset(st, err);
    return cu_source_decoded(out, &cz_ops, st, opts->size_hint, opts->budget, loc, name, err);
}

int cu_compress_source(struct cu_source **out,
                       struct cu_source *parent,
                       uint64_t off,
                       uint64_t len,
                       int kind,
                       uint64_t size_hint,
                       uint64_t *budget,
                       const char *loc,
                       const char *name,
                       custody_error *err)
{
    struct cu_compress_opts o = { kind, size_hint, budget, 0, NULL };
    return cu_compress_source_ex(out, parent, off, len, &o, loc, name, err);
}

/* ---- sniffing ---- */

/* A zlib header is only 2 bytes with a 5-bit check: text such as "x^..." passes it. Require
 * that the head also inflates without error. */
static bool cz_zlib_head_inflates(const uint8_t *p, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15) != Z_OK) {
        return false;
    }
    uint8_t scratch[4096];
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (unsigned)n;
    bool ok = true;
    for (int i = 0; i < 16 && z.avail_in > 0; i++) {
        z.next_out = scratch;
        z.avail_out = sizeof(scratch);
        int zr = inflate(&z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            ok = false;
            break;
        }
    }
    (void)inflateEnd(&z);
    return ok;
}

/* Does the head start a stream of this kind? The cheap magic checks come first in
 * cu_compress_sniff's order; zlib (a 2-byte header) last, confirmed by inflating the head. */
static bool cz_head_is(const uint8_t *p, size_t n, int kind)
{
    /* "BZh" level, then a block magic (pi) or the end-of-stream magic (sqrt pi). */
    static const uint8_t blk[6] = { 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };
    static const uint8_t eos[6] = { 0x17, 0x72, 0x45, 0x38, 0x50, 0x90 };
    switch (kind) {
    case CU_COMPRESS_GZIP:
        return n >= 10 && memcmp(p, cz_gzip_magic, 2) == 0 && p[2] == 8;
    case CU_COMPRESS_XZ:
        return n >= 6 && memcmp(p, cz_xz_magic, 6) == 0;
    case CU_COMPRESS_BZ2:
        return n >= 10 && cz_bz2_magic(p, n) &&
               (memcmp(p + 4, blk, 6) == 0 || memcmp(p + 4, eos, 6) == 0);
    case CU_COMPRESS_LZMA_ALONE:
        return n >= 13 && cz_lzma_alone_header_ok(p, n);
    case CU_COMPRESS_LZ4:
        /* LZ4 frame: magic, then FLG with version bits 01 (lz4_Frame_format.md). */
        return n >= 7 && memcmp(p, cz_lz4_magic, 4) == 0 && (p[4] & 0xc0) == 0x40;
    case CU_COMPRESS_ZLIB:
        return n >= 3 && cz_zlib_header_ok(p) && cz_zlib_head_inflates(p, n);
    default:
        return false;
    }
}

static const int cz_sniff_order[] = { CU_COMPRESS_GZIP,       CU_COMPRESS_XZ,  CU_COMPRESS_BZ2,
                                      CU_COMPRESS_LZMA_ALONE, CU_COMPRESS_LZ4, CU_COMPRESS_ZLIB };

int cu_compress_sniff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < sizeof(cz_sniff_order) / sizeof(cz_sniff_order[0]); i++) {
        if (cz_head_is(p, n, cz_sniff_order[i])) {
            return cz_sniff_order[i];
        }
    }
    return CU_COMPRESS_NONE;
}

/* cu_compress_sniff(p, n) == kind, without testing the kinds after it (the zlib check
 * inflates: each analyzer's sniff would otherwise pay for it on every file). */
static bool cz_sniff_is(const uint8_t *p, size_t n, int kind)
{
    for (size_t i = 0; i < sizeof(cz_sniff_order) / sizeof(cz_sniff_order[0]); i++) {
        bool hit = cz_head_is(p, n, cz_sniff_order[i]);
        if (cz_sniff_order[i] == kind || hit) {
            return hit && cz_sniff_order[i] == kind;
        }
    }
    return false;
}

/* ---- analyzers ---- */

uint64_t cu_compress_ratio_base(const struct cu_ctx *ctx)
{
    const uint64_t *b = cu_ctx_hint(ctx, CZ_HINT_BASE);
    return b != NULL ? *b : 0;
}

char *cu_compress_inner_name(const char *name)
{
    static const char *const sfx[][2] = {
        { ".tgz", ".tar" }, { ".taz", ".tar" }, { ".tbz2", ".tar" }, { ".tbz", ".tar" },
        { ".txz", ".tar" }, { ".tlz", ".tar" }, { ".gz", "" },       { ".gzip", "" },
        { ".zz", "" },      { ".zlib", "" },    { ".z", "" },        { ".bz2", "" },
        { ".bz", "" },      { ".xz", "" },      { ".lzma", "" },     { ".lz4", "" },
    };
    size_t nlen = strlen(name);
    for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
        size_t slen = strlen(sfx[i][0]);
        if (nlen > slen && cu_has_suffix_ci(name, sfx[i][0]) && name[nlen - slen - 1] != '/') {
            return cu_asprintf("%.*s%s", (int)(nlen - slen), name, sfx[i][1]);
        }
    }
    return cu_strdup(name);
}

static int cz_analyze(struct cu_ctx *ctx, struct cu_source *src, int kind)
{
    custody_error *err = cu_ctx_err(ctx);
    struct cu_source *inner = NULL;
    char *name = cu_compress_inner_name(src->name);
    char *loc = name != NULL ? cu_source_member_loc(src, name) : NULL;
    int rc = 0;
    if (name == NULL || loc == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    /* Stacked compression is bounded against the outermost compressed size. */
    uint64_t base = src->size != CU_SIZE_UNKNOWN ? src->size : 0;
    uint64_t outer = cu_compress_ratio_base(ctx);
    if (outer != 0 && (base == 0 || outer < base)) {
        base = outer;
    }
    struct cu_compress_info info;
    struct cu_compress_opts o = { kind, CU_SIZE_UNKNOWN, cu_ctx_budget(ctx), base, &info };
    rc = cu_compress_source_ex(&inner, src, 0, CU_SIZE_UNKNOWN, &o, loc, name, err);
    if (rc < 0) {
        goto out;
    }
    const void *old = cu_ctx_set_hint(ctx, CZ_HINT_BASE, base != 0 ? &base : NULL);
    rc = cu_dispatch(ctx, inner);
    (void)cu_ctx_set_hint(ctx, CZ_HINT_BASE, old);
    if (rc < 0) {
        goto out;
    }
    /* Decode to the end even when the content analyzer stopped early: the stream's integrity
     * and what follows it matter (a loader may read past what the analyzer needed). */
    uint64_t size;
    cu_err_clear(err);
    rc = cu_source_size(inner, &size, err);
    if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM) {
        goto out;
    }
    if (rc < 0) {
        const char *rule = rc == CUSTODY_ELIMIT         ? "scan/limit-exceeded"
                           : rc == CUSTODY_EUNSUPPORTED ? "scan/unsupported"
                                                        : "compress/malformed";
        uint64_t at = err->offset;
        if (rc == CUSTODY_EMALFORMED) {
            cu_emit(ctx, src, at, rule, CU_SEV_DEFAULT, NULL, "%s", err->msg);
        } else {
            cu_emit(ctx, inner, at, rule, CU_SEV_DEFAULT, NULL, "%s", err->msg);
        }
        cu_err_clear(err);
        rc = 0;
        goto out;
    }
    if (info.trailing_off != CU_NO_OFFSET) {
        cu_emit(ctx, src, info.trailing_off, "compress/trailing-data", CU_SEV_DEFAULT, NULL,
                "%s data continues after the end of the compressed stream (%u member%s); "
                "loaders may fail or ignore it",
                cu_compress_kind_name(kind), info.members, info.members == 1 ? "" : "s");
    }
out:
    cu_source_free(inner);
    free(name);
    free(loc);
    return rc;
}

static bool cz_sniff_kind(const struct cu_sniff *in, int kind)
{
    return cz_sniff_is(in->head, in->len, kind);
}

#define CZ_ANALYZER(id, kind, ...)                                                                \
    static const char *const cz_ext_##id[] = { __VA_ARGS__, ".joblib", ".pkl", ".pickle", NULL }; \
    static bool cz_sniff_##id(const struct cu_sniff *in)                                          \
    {                                                                                             \
        return cz_sniff_kind(in, kind);                                                           \
    }                                                                                             \
    static int cz_analyze_##id(struct cu_ctx *ctx, struct cu_source *src)                         \
    {                                                                                             \
        return cz_analyze(ctx, src, kind);                                                        \
    }                                                                                             \
    const struct cu_analyzer cu_analyzer_##id = { #id, cz_ext_##id, cz_sniff_##id, cz_analyze_##id }

CZ_ANALYZER(gzip, CU_COMPRESS_GZIP, ".gz", ".tgz", ".gzip", ".taz");
/* joblib 0.10 wrote its zlib streams as .gz */
CZ_ANALYZER(zlib, CU_COMPRESS_ZLIB, ".z", ".zz", ".zlib", ".gz");
CZ_ANALYZER(bzip2, CU_COMPRESS_BZ2, ".bz2", ".bz", ".tbz2", ".tbz");
CZ_ANALYZER(xz, CU_COMPRESS_XZ, ".xz", ".txz");
CZ_ANALYZER(lzma, CU_COMPRESS_LZMA_ALONE, ".lzma", ".tlz");
CZ_ANALYZER(lz4, CU_COMPRESS_LZ4, ".lz4");
