#ifndef CU_UTIL_H
#define CU_UTIL_H
/* Small allocation and string helpers. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

void *cu_malloc(size_t n);
void *cu_calloc(size_t count, size_t size);
void *cu_realloc(void *p, size_t n);
/* Grows *p (an array of *cap elements of size `elem`) to hold at least `need` elements,
 * doubling. Returns false on overflow or ENOMEM, leaving *p intact. */
bool cu_grow(void **p, size_t *cap, size_t need, size_t elem);
char *cu_strdup(const char *s);
/* a + b + c in a new string (no format parsing: for paths and locations built per file). */
char *cu_concat3(const char *a, const char *b, const char *c);
char *cu_strndup(const char *s, size_t n);
char *cu_asprintf(const char *fmt, ...) CUSTODY_PRINTF(1, 2);
char *cu_vasprintf(const char *fmt, va_list ap) CUSTODY_PRINTF(1, 0);
bool cu_has_suffix(const char *s, const char *suffix);
bool cu_has_suffix_ci(const char *s, const char *suffix);
/* n bytes as 2n lowercase hex digits and a NUL into out (2n + 1 bytes). */
void cu_hex_encode(const uint8_t *p, size_t n, char *out);
/* 64-bit FNV-1a of n bytes (hash tables keyed by strings or byte keys). */
uint64_t cu_fnv1a(const void *p, size_t n);
/* Value of an ASCII hex digit, or -1. */
int cu_hexval(uint8_t c);
/* Decodes the 2*n hex digits at s into out[0..n); false (out partly written) on a non-hex digit. */
bool cu_hex_decode(const char *s, size_t n, uint8_t *out);
/* Last path component after '/' (borrowed from s). */
const char *cu_basename(const char *s);

/* A growable text buffer with a hard cap (curl's dynbuf): appends past the cap are cut and
 * flagged, never an error. */
struct cu_buf {
    char *p;
    size_t len;
    size_t cap;
    size_t max;
    bool oom;
    bool cut;
};
#define CU_BUF_INIT(maxlen)                \
    {                                      \
        NULL, 0, 0, (maxlen), false, false \
    }
void cu_buf_add(struct cu_buf *b, const void *data, size_t n);
void cu_buf_adds(struct cu_buf *b, const char *s);
void cu_buf_addf(struct cu_buf *b, const char *fmt, ...) CUSTODY_PRINTF(2, 3);
void cu_buf_addc(struct cu_buf *b, char c);
/* Appends bytes as a Python-like literal body: printable ASCII kept, \\ \' \n \t \r and \xNN. */
void cu_buf_add_escaped(struct cu_buf *b, const uint8_t *data, size_t n);
/* NUL-terminated contents (never NULL; "" when empty or on ENOMEM). Borrowed. */
const char *cu_buf_str(const struct cu_buf *b);
void cu_buf_reset(struct cu_buf *b);
void cu_buf_free(struct cu_buf *b);

#endif
