#ifndef CU_DSSE_H
#define CU_DSSE_H
/* DSSE (Dead Simple Signing Envelope) pre-authentication encoding and the signature checks
 * used on it: ECDSA on P-256/P-384/P-521 (and Ed25519, for signed-note checkpoints). */
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "custody/common.h"
#include "provenance/prov.h"

/* SPEC: DSSE protocol.md: PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
 * LEN in ASCII decimal without leading zeros. *out gets a fresh buffer (free()), never NULL on
 * success. Returns 0, CUSTODY_ELIMIT (the sizes overflow) or CUSTODY_ENOMEM. */
CUSTODY_NODISCARD int cu_dsse_pae(uint8_t **out,
                                  size_t *outlen,
                                  const char *type,
                                  size_t typelen,
                                  const uint8_t *body,
                                  size_t bodylen,
                                  custody_error *err);

/* How an ECDSA signature is encoded. */
enum cu_sig_encoding {
    CU_SIG_DER,  /* ASN.1 DER ECDSA-Sig-Value (X.509, Sigstore bundles) */
    CU_SIG_RAW,  /* r || s, each the curve's byte size, big-endian (DSSE spec vector, JWS) */
    CU_SIG_AUTO, /* strict DER if it parses and re-encodes identically, else raw if the length
                  * fits the curve */
};

/* The digest ECDSA pairs with the key's curve: SHA-256 for P-256, SHA-384 for P-384, SHA-512
 * for P-521. NULL (err set, CUSTODY_EUNSUPPORTED) for another key type or curve. */
const EVP_MD *cu_sig_default_md(const EVP_PKEY *key, custody_error *err);

/* Verifies sig over msg[0..len) with the public key: ECDSA with `md` (NULL = the curve's digest,
 * see cu_sig_default_md) and the signature encoding given; Ed25519 (md and enc ignored, the
 * signature is the 64 raw bytes). Returns 0 when it verifies, CU_EVERIFY when it does not,
 * CUSTODY_EMALFORMED (an undecodable signature), CUSTODY_EUNSUPPORTED (key type or curve) or
 * CUSTODY_ENOMEM; err says which. */
CUSTODY_NODISCARD int cu_sig_verify(EVP_PKEY *key,
                                    const EVP_MD *md,
                                    enum cu_sig_encoding enc,
                                    const uint8_t *msg,
                                    size_t len,
                                    const uint8_t *sig,
                                    size_t siglen,
                                    custody_error *err);

/* Verifies a DSSE signature: cu_sig_verify over PAE(type, payload). Returns as cu_sig_verify,
 * plus CUSTODY_ELIMIT from cu_dsse_pae. */
CUSTODY_NODISCARD int cu_dsse_verify(EVP_PKEY *key,
                                     const EVP_MD *md,
                                     enum cu_sig_encoding enc,
                                     const char *type,
                                     size_t typelen,
                                     const uint8_t *payload,
                                     size_t paylen,
                                     const uint8_t *sig,
                                     size_t siglen,
                                     custody_error *err);

/* Loads a PEM public key (SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----") from pem[0..len);
 * text before the BEGIN line is skipped. *out is the caller's (EVP_PKEY_free). Returns 0,
 * CUSTODY_EMALFORMED (no PEM block, or not a public key: the message says which) or
 * CUSTODY_ENOMEM. `where` names the input in err (a file name), may be NULL. */
CUSTODY_NODISCARD int cu_pem_load_pubkey(
    EVP_PKEY **out, const char *pem, size_t len, const char *where, custody_error *err);

#endif
