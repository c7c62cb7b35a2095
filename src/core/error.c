#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

const char *custody_strerror(int code)
{
    switch (code) {
    case CUSTODY_OK:
        return "success";
    case CUSTODY_ENOMEM:
        return "out of memory";
    case CUSTODY_EIO:
        return "input/output error";
    case CUSTODY_EMALFORMED:
        return "malformed input";
    case CUSTODY_ELIMIT:
        return "safety limit exceeded";
    case CUSTODY_EUNSUPPORTED:
        return "unsupported input";
    case CUSTODY_EINVAL:
        return "invalid argument";
    default:
        return "unknown error";
    }
}

const char *custody_version(void)
{
    return CUSTODY_VERSION;
}

void cu_err_clear(custody_error *err)
{
    if (err != NULL) {
        memset(err, 0, sizeof(*err));
        err->offset = CU_NO_OFFSET;
    }
}

int cu_err_set(custody_error *err,
               int code,
               const char *where,
               uint64_t off,
               const char *file,
               int line,
               const char *fmt,
               ...)
{
    if (err == NULL) {
        return code;
    }
    err->code = code;
    err->offset = off;
    err->file = file;
    err->line = line;
    if (where != NULL) {
        (void)snprintf(err->where, sizeof(err->where), "%s", where);
    } else {
        err->where[0] = '\0';
    }
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}
