#ifndef CU_COMPRESS_H
#define CU_COMPRESS_H
/* Compressed streams: gzip (multi-member, as Python's gzip reads it), zlib (joblib's "zlib"
 * compressor; concatenated streams as joblib reads them), raw deflate (zip members), bzip2
 * (multi-stream), xz (multi-stream) and legacy lzma-alone (joblib's "lzma" compressor).
 *
 * Each decoder is a lazy, restartable cu_decoder_ops behind a cu_source_decoded. When a
 * stream breaks (bad CRC, corrupt block, truncation) next() first returns every byte decoded
 * before the damage and returns the error only on the following call, so a payload placed
 * before deliberate damage is still analysed. The error is sticky until reset(). */
#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

enum cu_compress_kind {
    CU_COMPRESS_NONE = 0,
    CU_COMPRESS_GZIP,
    CU_COMPRESS_ZLIB,
    CU_COMPRESS_RAW_DEFLATE,
    CU_COMPRESS_BZ2,
    CU_COMPRESS_XZ,
    CU_COMPRESS_LZMA_ALONE,
    CU_COMPRESS_LZ4 /* LZ4 frame format (joblib compress='lz4'), concatenated frames */
};

/* Filled by the decoder as it runs (caller-owned; must outlive the source). */
struct cu_compress_info {
    uint64_t trailing_off; /* input offset (relative to the stream) of bytes after the last
                            * stream end that are not another stream; CU_NO_OFFSET if none */
    uint64_t in_used;      /* input bytes consumed so far */
    unsigned members;      /* streams / members fully decoded */
    bool complete;         /* the decoder reached a clean end of input */
};

struct cu_compress_opts {
    int kind;           /* enum cu_compress_kind */
    uint64_t size_hint; /* declared output size or CU_SIZE_UNKNOWN */
    uint64_t *budget;   /* shared expansion allowance (may be NULL) */
    /* Output beyond CU_LIMIT_EXPAND_RATIO times this many input bytes (and past
     * CU_LIMIT_EXPAND_FLOOR) fails with ELIMIT. 0 = the stream's own consumed input. A nested
     * stream passes the outermost compressed size so that stacked compression is bounded. */
    uint64_t ratio_base;
    struct cu_compress_info *info; /* may be NULL */
};

/* A decoded source over parent bytes [off, off+len) (len may be CU_SIZE_UNKNOWN: to the end
 * of the parent). The parent must outlive the source. */
int cu_compress_source(struct cu_source **out,
                       struct cu_source *parent,
                       uint64_t off,
                       uint64_t len,
                       int kind,
                       uint64_t size_hint,
                       uint64_t *budget,
                       const char *loc,
                       const char *name,
                       custody_error *err);
int cu_compress_source_ex(struct cu_source **out,
                          struct cu_source *parent,
                          uint64_t off,
                          uint64_t len,
                          const struct cu_compress_opts *opts,
                          const char *loc,
                          const char *name,
                          custody_error *err);

/* The stream kind whose magic starts p[0..n), or CU_COMPRESS_NONE (raw deflate has no magic
 * and is never returned). zlib is accepted only with a valid header checksum and a head that
 * inflates without error. */
int cu_compress_sniff(const uint8_t *p, size_t n);
const char *cu_compress_kind_name(int kind);

/* The outermost compressed size recorded by an enclosing compress analyzer (0 if none), for
 * other decoders (7z members) that want the same ratio bound. */
uint64_t cu_compress_ratio_base(const struct cu_ctx *ctx);

/* Checks the ratio bound on `out` decoded bytes from `in` input bytes. */
bool cu_compress_ratio_ok(uint64_t out, uint64_t in);

extern const struct cu_analyzer cu_analyzer_gzip;
extern const struct cu_analyzer cu_analyzer_zlib;
extern const struct cu_analyzer cu_analyzer_bzip2;
extern const struct cu_analyzer cu_analyzer_lz4;
extern const struct cu_analyzer cu_analyzer_xz;
extern const struct cu_analyzer cu_analyzer_lzma;

/* The inner name of a compressed file: the outer name without its compression suffix
 * (model.pkl.gz -> model.pkl, x.tgz -> x.tar), so name hints keep working; a copy of the name
 * when it has none. The caller frees; NULL when out of memory. */
char *cu_compress_inner_name(const char *name);

#endif
