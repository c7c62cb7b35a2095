#ifndef CU_SIGSTORE_INT_H
#define CU_SIGSTORE_INT_H
/* Internals shared by trustroot.c and sigstore.c: the loaded trusted root and helpers. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "custody/common.h"
#include "provenance/bundle.h"

#define CU_TR_MAX_ITEMS 64u

/* A transparency log (Rekor) or CT log key. Validity is the closed interval [start, end]. */
struct cu_tr_log {
    char *base_url;
    uint8_t id[32]; /* logId.keyId (SHA-256 of the DER SPKI for Rekor v1 and CT) */
    size_t id_len;
    EVP_PKEY *key;
    int64_t start, end;
};

/* A certificate authority (Fulcio) or timestamp authority: chain leaf first, root last. */
struct cu_tr_ca {
    char *uri;
    STACK_OF(X509) * chain;
    int64_t start, end;
};

struct cu_trust_root {
    struct cu_tr_log *tlogs, *ctlogs;
    size_t n_tlogs, n_ctlogs;
    struct cu_tr_ca *cas, *tsas;
    size_t n_cas, n_tsas;
};

/* SPEC: RFC 3339 date-time ("2021-01-12T11:53:27Z", fractions and offsets allowed) to Unix
 * seconds; round_up rounds a fractional second up (interval starts). 0 or -1. */
int cu_rfc3339_parse(const char *s, bool round_up, int64_t *out);

/* Unix seconds of a UTC calendar time (proleptic Gregorian). */
int64_t cu_civil_to_unix(int y, int mo, int d, int h, int mi, int s);

/* Parses a trusted root from JSON text (what cu_trust_root_load reads from a file). */
CUSTODY_NODISCARD int cu_trust_root_parse(struct cu_trust_root **out,
                                          const uint8_t *data,
                                          size_t len,
                                          const char *where,
                                          custody_error *err);

/* Loads a PEM public key from a small file (at most CU_LIMIT_SMALL_FILE bytes). */
CUSTODY_NODISCARD int cu_read_pubkey_file(EVP_PKEY **out, const char *path, custody_error *err);

/* Verifies a bundle as cu_sigstore_verify does; with `key` non-NULL the bundle is verified
 * against that public key instead of a certificate (then pol is ignored and tr may lack CAs). */
CUSTODY_NODISCARD int cu_sigstore_verify_ex(const struct cu_bundle *b,
                                            const struct cu_trust_root *tr,
                                            const struct cu_identity_policy *pol,
                                            EVP_PKEY *key,
                                            const uint8_t *artifact_sha256,
                                            int64_t *signing_time,
                                            custody_error *err);

/* A Fulcio extension's text (OID dotted): DER UTF8String for 1.3.6.1.4.1.57264.1.8 and later,
 * raw bytes for the legacy .1.1-.1.6. Fresh string or NULL (absent, malformed, NUL inside). */
char *cu_cert_ext_string(X509 *x, const char *oid, bool der_utf8);
/* The first URI or email SAN of a certificate (fresh), or NULL. */
char *cu_cert_san(X509 *x);

#endif
