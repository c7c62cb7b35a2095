#ifndef CUSTODY_SIGSTORE_H
#define CUSTODY_SIGSTORE_H
/* Offline Sigstore bundle verification and SLSA provenance (in-toto attestations). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

#ifndef CUSTODY_EVERIFY
/* A signature, proof, digest or policy does not verify (input well-formed, not authentic). */
#define CUSTODY_EVERIFY (-16)
#endif

/* What a bundle must satisfy. Keyless: trusted_root + identity + issuer. Key-signed bundle:
 * public_key (+ trusted_root for its transparency-log entries). */
typedef struct custody_bundle_policy {
    const char *trusted_root; /* trusted_root.json path; required */
    const char *identity;     /* exact certificate SAN (email or URI) */
    const char *issuer;       /* exact OIDC issuer (OID 1.3.6.1.4.1.57264.1.8 or legacy .1.1) */
    const char *public_key;   /* PEM public key file; NULL for keyless */
} custody_bundle_policy;

/* Verifies the Sigstore bundle at bundle_path for an artifact with the given SHA-256 (for a
 * DSSE bundle, a subject digest of its in-toto statement). *signing_time (may be NULL) gets the
 * verified signing time. Returns 0, CUSTODY_EVERIFY (err names the failed check), or another
 * CUSTODY_E* (unreadable or malformed input). */
CUSTODY_API CUSTODY_NODISCARD int custody_verify_bundle(const char *bundle_path,
                                                        const uint8_t artifact_sha256[32],
                                                        const custody_bundle_policy *pol,
                                                        int64_t *signing_time,
                                                        custody_error *err);

/* SHA-256 of a file's contents. Returns 0 or CUSTODY_EIO / CUSTODY_ENOMEM. */
CUSTODY_API CUSTODY_NODISCARD int
custody_sha256_file(const char *path, uint8_t out[32], custody_error *err);

#endif
