#ifndef CU_ERROR_H
#define CU_ERROR_H
/* Filling custody_error records. Each macro records __FILE__/__LINE__ (SQLite's _BKPT) and
 * returns the code, so a detector reads `return cu_err_malformed(err, where, off, "...");`. */
#include <stdint.h>

#include "custody/common.h"

#define CU_NO_OFFSET UINT64_MAX

int cu_err_set(custody_error *err,
               int code,
               const char *where,
               uint64_t off,
               const char *file,
               int line,
               const char *fmt,
               ...) CUSTODY_PRINTF(7, 8);
void cu_err_clear(custody_error *err);

#define cu_err_malformed(err, where, off, ...) \
    cu_err_set((err), CUSTODY_EMALFORMED, (where), (off), __FILE__, __LINE__, __VA_ARGS__)
#define cu_err_limit(err, where, off, ...) \
    cu_err_set((err), CUSTODY_ELIMIT, (where), (off), __FILE__, __LINE__, __VA_ARGS__)
#define cu_err_io(err, where, ...) \
    cu_err_set((err), CUSTODY_EIO, (where), CU_NO_OFFSET, __FILE__, __LINE__, __VA_ARGS__)
#define cu_err_unsupported(err, where, off, ...) \
    cu_err_set((err), CUSTODY_EUNSUPPORTED, (where), (off), __FILE__, __LINE__, __VA_ARGS__)
#define cu_err_inval(err, ...) \
    cu_err_set((err), CUSTODY_EINVAL, NULL, CU_NO_OFFSET, __FILE__, __LINE__, __VA_ARGS__)
#define cu_err_nomem(err) \
    cu_err_set((err), CUSTODY_ENOMEM, NULL, CU_NO_OFFSET, __FILE__, __LINE__, "out of memory")

#endif
