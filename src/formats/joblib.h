#ifndef CU_JOBLIB_H
#define CU_JOBLIB_H
/* joblib: arrays written inline after each NumpyArrayWrapper in the pickle stream, the legacy
 * "ZF" zlib container, NDArrayWrapper side files, compressed dumps. */
#include "formats/pickle.h"

/* The pickle VM's default after_build hook: when obj is a
 * joblib.numpy_pickle.NumpyArrayWrapper (or a legacy/moved spelling of it), consumes the array
 * bytes that follow it (or scans the nested pickle of an object array). Returns 0 when obj is
 * not a wrapper. */
int cu_joblib_after_build(void *ud, struct cu_ctx *ctx, struct cu_stream *st,
                          const struct cu_pv *obj);

extern const struct cu_analyzer cu_analyzer_joblib_zf;

#endif
