#ifndef CU_REDACT_H
#define CU_REDACT_H
/* Redaction of secrets for output (every report format shows only this form). */
#include <stddef.h>

/* "ghp_…sha256:1a2b3c4d5e6f": the first 4 characters (fewer when the secret is shorter than
 * 8), an ellipsis, and the first 12 hex digits of the SHA-256 of the whole secret, so two
 * findings of the same secret can be matched without showing it. Fresh string, NULL on ENOMEM. */
char *cu_redact(const char *s, size_t len);

#endif
