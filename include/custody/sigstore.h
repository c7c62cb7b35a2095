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

/* ---- SLSA provenance ---- */

/* custody attest: an in-toto Statement v1 with a SLSA provenance v1 predicate over the
 * artifacts, signed with a private key as a DSSE Sigstore bundle v0.3 (publicKey.hint = hex
 * SHA-256 of the PEM SubjectPublicKeyInfo). */
typedef struct custody_attest_opts {
    const char *const *artifacts; /* files; each becomes a subject (basename, sha256) */
    size_t n_artifacts;
    const char *private_key; /* PEM private key file (ECDSA P-256/384/521 or Ed25519) */
    const char *builder_id;  /* runDetails.builder.id (required) */
    const char *build_type;  /* buildDefinition.buildType; NULL = custody's generic type */
    const char *const *external_params; /* "key=value" into externalParameters */
    size_t n_external_params;
    const char *const *resolved_deps; /* "uri@sha256:<64 hex>" into resolvedDependencies */
    size_t n_resolved_deps;
    const char *started_on, *finished_on; /* RFC 3339 or NULL (runDetails.metadata) */
} custody_attest_opts;

/* Writes the bundle JSON into *out (fresh, free()). Returns 0, CUSTODY_EINVAL (a bad option:
 * err says which), CUSTODY_EIO, CUSTODY_EMALFORMED (unreadable key) or CUSTODY_ENOMEM. */
CUSTODY_API CUSTODY_NODISCARD int
custody_attest(const custody_attest_opts *opts, char **out, custody_error *err);

/* custody verify-attestation: the policy of slsa-verifier verify-artifact. */
typedef struct custody_slsa_policy {
    const char *provenance;   /* Sigstore bundle, or .intoto.jsonl DSSE envelope (key only) */
    const char *public_key;   /* PEM public key file; NULL = keyless (GitHub Actions builders) */
    const char *trusted_root; /* trusted_root.json (keyless; optional with a key) */
    const char *builder_id;   /* expected builder id, "URI" or "URI@version" */
    const char *source_uri;   /* "github.com/owner/repo" */
    const char *source_ref;   /* full ref ("refs/heads/main") or short name */
    const char *source_branch, *source_tag, *source_versioned_tag;
    bool bundle_only; /* signature and log checks only: no builder/source policy */
} custody_slsa_policy;

/* Verifies provenance for an artifact (artifact_sha256 NULL: no subject check). On success
 * *summary (may be NULL) gets a fresh one-line description. Returns 0, CUSTODY_EVERIFY (err
 * names the failed check) or another CUSTODY_E*. */
CUSTODY_API CUSTODY_NODISCARD int custody_verify_attestation(const uint8_t *artifact_sha256,
                                                             const custody_slsa_policy *pol,
                                                             char **summary,
                                                             custody_error *err);

#endif
