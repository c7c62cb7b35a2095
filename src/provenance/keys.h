#ifndef CU_KEYS_H
#define CU_KEYS_H
/* Key and certificate files for model signing: loading PEM keys and certificates, the curve
 * policy (ECDSA P-256/P-384/P-521, as the reference), the public-key hint. */
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "custody/common.h"

#define CU_KEYFILE_MAX (1u << 20) /* a key or certificate file read whole */

/* Reads a whole regular file of at most `max` bytes into a fresh NUL-terminated buffer.
 * Returns 0, CUSTODY_EIO or CUSTODY_ELIMIT. */
CUSTODY_NODISCARD int
cu_file_read(const char *path, size_t max, uint8_t **out, size_t *len, custody_error *err);

/* Loads a PEM private key (PKCS#8, encrypted PKCS#8 or SEC1 "EC PRIVATE KEY"); text before the
 * BEGIN line is skipped. Returns 0, CUSTODY_EIO, CUSTODY_EMALFORMED or CUSTODY_EINVAL (wrong or
 * missing passphrase). */
CUSTODY_NODISCARD int
cu_key_load_private(EVP_PKEY **out, const char *path, const char *pass, custody_error *err);

/* Loads a PEM public key (SubjectPublicKeyInfo) from a file. */
CUSTODY_NODISCARD int cu_key_load_public(EVP_PKEY **out, const char *path, custody_error *err);

/* Parses a public key held in a bundle's publicKey.rawBytes: PEM text or DER SPKI. */
CUSTODY_NODISCARD int
cu_key_from_raw(EVP_PKEY **out, const uint8_t *raw, size_t len, custody_error *err);

/* 0 when the key is ECDSA on P-256, P-384 or P-521; CUSTODY_EUNSUPPORTED otherwise. */
CUSTODY_NODISCARD int cu_key_check_ec(const EVP_PKEY *key, const char *where, custody_error *err);

/* publicKey.hint of the reference: hex SHA-256 of the key's PEM SubjectPublicKeyInfo as
 * OpenSSL/cryptography write it (64-column base64, LF line ends). */
CUSTODY_NODISCARD int cu_key_hint(const EVP_PKEY *key, char hex[65], custody_error *err);

/* Every certificate in a PEM file, in order (text between blocks is skipped). At least one,
 * else CUSTODY_EMALFORMED. */
CUSTODY_NODISCARD int cu_certs_load(STACK_OF(X509) * *out, const char *path, custody_error *err);

#endif
