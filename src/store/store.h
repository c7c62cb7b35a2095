#ifndef CU_STORE_H
#define CU_STORE_H
/* The inventory (DESIGN §8): one interface; sqlite.c is the embedded backend. Holds imported
 * advisories (OSV), digests and verdicts, and pins (a digest remembered per key, e.g. an MCP
 * tool definition, so a later change — a rug pull — is reported). */
#include <stdbool.h>
#include <stddef.h>

#include "custody/common.h"

struct cu_store;

/* Opens (creating when missing) the store at `path`. Returns 0 or CUSTODY_E*. */
CUSTODY_NODISCARD int cu_store_open(struct cu_store **out, const char *path, custody_error *err);
void cu_store_close(struct cu_store *s);

/* Pins: records `digest_hex` for (kind, key). Returns 1 and copies the previously pinned digest
 * into old (NUL-terminated) when a DIFFERENT digest was pinned before (the new one is NOT
 * recorded: approval is explicit, see cu_store_pin_accept); 0 when new or unchanged; negative
 * CUSTODY_E* on failure. */
CUSTODY_NODISCARD int cu_store_pin(struct cu_store *s,
                                   const char *kind,
                                   const char *key,
                                   const char *digest_hex,
                                   char old[129],
                                   custody_error *err);
/* Replaces the pinned digest (an approved change). */
CUSTODY_NODISCARD int cu_store_pin_accept(struct cu_store *s,
                                          const char *kind,
                                          const char *key,
                                          const char *digest_hex,
                                          custody_error *err);

#endif
