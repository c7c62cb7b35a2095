#ifndef CU_DEPS_HASHFILE_H
#define CU_DEPS_HASHFILE_H
#include <stdint.h>

#include "custody/common.h"

struct cu_dx_hashes {
    uint8_t sha512[64], sha256[32], sha1[20];
    uint64_t size;
};

/* SHA-512, SHA-256 and SHA-1 of a regular file (final symlinks refused), streaming. Returns 0,
 * CUSTODY_EIO (cannot open / not a regular file), CUSTODY_ELIMIT (over max_bytes) or
 * CUSTODY_ENOMEM. */
int cu_dx_hash_file(const char *path, struct cu_dx_hashes *out, uint64_t max_bytes);

#endif
