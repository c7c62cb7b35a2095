#ifndef CU_BUNDLE_H
#define CU_BUNDLE_H
/* Sigstore bundles (v0.1, v0.2, v0.3; media types "application/vnd.dev.sigstore.bundle+json;
 * version=0.N" and "application/vnd.dev.sigstore.bundle.v0.3+json"): parsed once, strictly,
 * into what the verifiers need. bundle.c parses (and writes v0.3); sigstore.c verifies the
 * keyless parts (Fulcio chain, SCTs, Rekor entries, RFC 3161 timestamps) against a trusted
 * root; oms.c checks OMS model signatures on top. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "custody/common.h"
#include "provenance/prov.h"

enum cu_bundle_vm {
    CU_BUNDLE_VM_PUBLIC_KEY,  /* publicKey {hint | rawBytes}: verify with a given key */
    CU_BUNDLE_VM_X509_CHAIN,  /* x509CertificateChain (v0.1, v0.2): leaf first */
    CU_BUNDLE_VM_CERTIFICATE, /* certificate (v0.3): the leaf alone */
};

enum cu_bundle_content { CU_BUNDLE_MESSAGE_SIGNATURE, CU_BUNDLE_DSSE };

struct cu_bundle {
    json_t *root; /* the whole document (owned); tlog entries and timestamps are read from
                   * it by sigstore.c */
    int minor;    /* 1, 2 or 3 */
    enum cu_bundle_vm vm;
    char *key_hint;   /* publicKey.hint, NULL when absent */
    uint8_t *raw_key; /* publicKey.rawBytes decoded (historical: PEM or DER), NULL if absent */
    size_t raw_key_len;
    STACK_OF(X509) * certs; /* leaf first; NULL for a public-key bundle */
    enum cu_bundle_content content;
    /* dsseEnvelope (exactly one signature is accepted, as the reference) */
    char *payload_type;
    uint8_t *payload;
    size_t payload_len;
    char *keyid; /* the signature's keyid, NULL when empty */
    /* messageSignature */
    const char *digest_alg; /* "SHA2_256", "SHA2_384", "SHA2_512" or NULL */
    uint8_t digest[64];
    size_t digest_len;
    /* both */
    uint8_t *sig;
    size_t sig_len;
    const json_t *tlog_entries; /* verificationMaterial.tlogEntries, borrowed; may be NULL */
    const json_t *timestamps;   /* timestampVerificationData.rfc3161Timestamps, borrowed */
};

/* Parses a bundle; rejects unknown media types and versions, missing or mistyped fields,
 * bad base64, more than one DSSE signature. Returns 0 or CUSTODY_EMALFORMED /
 * CUSTODY_EUNSUPPORTED / CUSTODY_ENOMEM with err saying what is wrong. */
CUSTODY_NODISCARD int
cu_bundle_parse(struct cu_bundle **out, const uint8_t *data, size_t len, custody_error *err);
void cu_bundle_free(struct cu_bundle *b);

/* The bytes the signature covers: PAE(payloadType, payload) for DSSE (fresh buffer), or NULL
 * for a message signature (the artifact itself is signed). */

/* ---- keyless verification (sigstore.c) ---- */
struct cu_trust_root;
CUSTODY_NODISCARD int
cu_trust_root_load(struct cu_trust_root **out, const char *path, custody_error *err);
void cu_trust_root_free(struct cu_trust_root *tr);

struct cu_identity_policy {
    const char *san;    /* exact SAN (email or URI) required of the leaf; NULL = any */
    const char *issuer; /* exact OIDC issuer (OID 1.3.6.1.4.1.57264.1.8, or legacy .1.1) */
};

/* Verifies a certificate-based bundle offline: the leaf chains to a Fulcio CA of `tr` valid at
 * the signing time (from the tlog integrated time or an RFC 3161 timestamp); SCTs; every tlog
 * entry (SET and/or inclusion proof with a signed checkpoint; the entry body matches the
 * bundle's signature, key and artifact / payload); the identity policy; the signature itself
 * over the artifact digest (message signature: `artifact_sha256`, which may be NULL for DSSE)
 * or over the DSSE PAE. On success *signing_time is the verified time (Unix seconds).
 * Returns 0, CU_EVERIFY (with err naming the failed check) or another CUSTODY_E*. */
CUSTODY_NODISCARD int cu_sigstore_verify(const struct cu_bundle *b,
                                         const struct cu_trust_root *tr,
                                         const struct cu_identity_policy *pol,
                                         const uint8_t *artifact_sha256,
                                         int64_t *signing_time,
                                         custody_error *err);

#endif
