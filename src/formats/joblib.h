#ifndef CU_JOBLIB_H
#define CU_JOBLIB_H
/* joblib: arrays written inline after each NumpyArrayWrapper in the pickle stream, the legacy
 * "ZF" zlib container, NDArrayWrapper side files, compressed dumps. */
#include "formats/pickle.h"

/* The pickle VM's default after_build hook: when obj is a
 * joblib.numpy_pickle.NumpyArrayWrapper (or a legacy/moved spelling of it), consumes the array
 * bytes that follow it (or scans the nested pickle of an object array). Returns 0 when obj is
 * not a wrapper. */
int cu_joblib_after_build(void *ud,
                          struct cu_ctx *ctx,
                          struct cu_stream *st,
                          const struct cu_pv *obj);

/* What a NumpyArrayWrapper's state says about the bytes that follow it. */
struct cu_joblib_array {
    uint64_t count; /* prod(shape), 1 for a 0-d array */
    uint64_t itemsize;
    bool hasobject; /* a nested pickle follows instead of raw bytes */
    bool aligned;   /* numpy_array_alignment_bytes set (joblib >= 1.2): padding first */
    uint64_t alignment;
};
/* Consumes what joblib's read_array reads after a wrapper. Emits findings; returns 0, or
 * EMALFORMED (err set) when the stream cannot be followed past it. */
int cu_joblib_consume_array(struct cu_ctx *ctx,
                            struct cu_stream *st,
                            const struct cu_joblib_array *a);

/* Parses the 21-byte "ZF" header: 'ZF', then Python int(x, 16) of 19 space-padded chars.
 * Returns false when it is not one. */
bool cu_joblib_zf_header(const uint8_t *p, size_t n, uint64_t *length);

extern const struct cu_analyzer cu_analyzer_joblib_zf;

#endif
