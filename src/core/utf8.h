#ifndef CU_UTF8_H
#define CU_UTF8_H
/* UTF-8 validation and encoding shared by the text parsers (TOML, JSON, JSONC/YAML trees, the
 * pickle VM's names). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/* True when s[0..n) is well-formed UTF-8: no overlong forms, nothing above U+10FFFF, and no
 * UTF-16 surrogates unless `allow_surrogates` (Python's "surrogatepass", which pickle's
 * BINUNICODE accepts). On false, *bad (may be NULL) is the offset of the offending sequence. */
bool cu_utf8_valid(const uint8_t *s, size_t n, bool allow_surrogates, size_t *bad);

/* Encodes cp (at most U+10FFFF) into out; returns the byte count, 1 to 4. */
size_t cu_utf8_encode(uint8_t out[4], uint32_t cp);

/* Appends cp, UTF-8 encoded, to b. */
void cu_buf_add_utf8(struct cu_buf *b, uint32_t cp);

#endif
