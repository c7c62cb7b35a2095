#ifndef CUSTODY_COMMON_H
#define CUSTODY_COMMON_H
/* Shared macros and the error record of the public API. */
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define CUSTODY_API          __attribute__((visibility("default")))
#define CUSTODY_NODISCARD    __attribute__((warn_unused_result))
#define CUSTODY_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CUSTODY_API
#define CUSTODY_NODISCARD
#define CUSTODY_PRINTF(a, b)
#endif

/* Return codes: 0 or one of these negatives. */
#define CUSTODY_OK     0
#define CUSTODY_ENOMEM (-1) /* allocation failed */
#define CUSTODY_EIO    (-2) /* the operating system refused a read or open */
#define CUSTODY_EMALFORMED \
    (-3) /* input breaks its format; becomes a "<format>/malformed" finding */
#define CUSTODY_ELIMIT       (-4) /* input exceeds a safety limit (size, depth, count) */
#define CUSTODY_EUNSUPPORTED (-5) /* valid input we cannot analyse */
#define CUSTODY_EINVAL       (-6) /* caller error: bad argument or option */

/* Details of a failure, filled by the function that detected it. Caller-owned; the library
 * never keeps a "last error" of its own. `where` names the input (file, member, offset). */
typedef struct custody_error {
    int code;
    uint64_t offset; /* byte offset in `where`, or UINT64_MAX when not meaningful */
    char where[512];
    char msg[256];
    const char *file; /* source file and line that detected it (debugging aid) */
    int line;
} custody_error;

/* Static string naming a CUSTODY_E* code ("malformed input", ...). */
CUSTODY_API const char *custody_strerror(int code);

/* Library version string, e.g. "0.1.0". */
CUSTODY_API const char *custody_version(void);

#endif
