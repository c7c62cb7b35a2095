#ifndef CU_B64_H
#define CU_B64_H
/* Strict standard base64 (RFC 4648 §4, alphabet A-Z a-z 0-9 + /) for bytes from hostile files
 * (Sigstore bundles, DSSE envelopes, JSON test data).
 *
 * Decoding accepts only the canonical form:
 * - the length is a multiple of 4 and padding '=' is required (one or two, only at the end);
 * - no whitespace, no line breaks, no URL-safe '-' '_' (PEM goes through OpenSSL's PEM reader);
 * - the unused low bits of the last symbol before padding must be zero (RFC 4648 §3.5), so each
 *   byte string has exactly one accepted encoding;
 * - the empty string decodes to zero bytes (it is valid, e.g. an empty payload). */
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

/* Upper bound of the decoded size of `inlen` characters (exact when unpadded). */
size_t cu_b64_decoded_max(size_t inlen);

/* Decodes in[0..inlen) into out (capacity `cap` >= cu_b64_decoded_max(inlen)); *outlen gets the
 * byte count. Returns 0, CUSTODY_EMALFORMED (err says which character), or CUSTODY_EINVAL when
 * cap is too small. Writes nothing past cap; out may be partly written on failure. */
CUSTODY_NODISCARD int cu_b64_decode(
    uint8_t *out, size_t cap, size_t *outlen, const char *in, size_t inlen, custody_error *err);

/* As cu_b64_decode into a fresh buffer: *out is the caller's (free()); never NULL on success,
 * even for an empty result. Returns 0, CUSTODY_EMALFORMED or CUSTODY_ENOMEM. */
CUSTODY_NODISCARD int cu_b64_decode_alloc(
    uint8_t **out, size_t *outlen, const char *in, size_t inlen, custody_error *err);

/* Canonical padded base64 of data[0..n) as a NUL-terminated string the caller frees, or NULL on
 * ENOMEM or overflow. */
char *cu_b64_encode(const uint8_t *data, size_t n);

#endif
