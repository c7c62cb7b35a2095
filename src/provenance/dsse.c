/* DSSE PAE and signature verification (ECDSA P-256/384/521, Ed25519) with OpenSSL 3. */
#include "provenance/dsse.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "core/error.h"
#include "core/util.h"
#include "core/banned.h"

#define DSSE_WHERE "signature"

#define sig_fail(err, ...) \
    cu_err_set((err), CU_EVERIFY, DSSE_WHERE, CU_NO_OFFSET, __FILE__, __LINE__, __VA_ARGS__)

int cu_dsse_pae(uint8_t **out,
                size_t *outlen,
                const char *type,
                size_t typelen,
                const uint8_t *body,
                size_t bodylen,
                custody_error *err)
{
    char tl[24], bl[24];
    size_t total = 0;
    uint8_t *p;
    size_t o = 0;
    const int ntl = snprintf(tl, sizeof(tl), "%zu", typelen);
    const int nbl = snprintf(bl, sizeof(bl), "%zu", bodylen);

    *out = NULL;
    *outlen = 0;
    if (ntl <= 0 || nbl <= 0) {
        return cu_err_inval(err, "PAE length formatting failed");
    }
    /* "DSSEv1" SP tl SP type SP bl SP body */
    if (__builtin_add_overflow((size_t)6 + 4, (size_t)ntl, &total) ||
        __builtin_add_overflow(total, (size_t)nbl, &total) ||
        __builtin_add_overflow(total, typelen, &total) ||
        __builtin_add_overflow(total, bodylen, &total)) {
        return cu_err_limit(err, DSSE_WHERE, CU_NO_OFFSET, "DSSE PAE size overflows");
    }
    p = cu_malloc(total);
    if (p == NULL) {
        return cu_err_nomem(err);
    }
    memcpy(p + o, "DSSEv1 ", 7);
    o += 7;
    memcpy(p + o, tl, (size_t)ntl);
    o += (size_t)ntl;
    p[o++] = ' ';
    if (typelen > 0) {
        memcpy(p + o, type, typelen);
        o += typelen;
    }
    p[o++] = ' ';
    memcpy(p + o, bl, (size_t)nbl);
    o += (size_t)nbl;
    p[o++] = ' ';
    if (bodylen > 0) {
        memcpy(p + o, body, bodylen);
        o += bodylen;
    }
    *out = p;
    *outlen = o;
    return 0;
}

/* NID of the key's named curve, or NID_undef. */
static int sig_curve_nid(const EVP_PKEY *key)
{
    char name[64];
    size_t n = 0;

    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        EVP_PKEY_get_group_name(key, name, sizeof(name), &n) != 1) {
        return NID_undef;
    }
    return OBJ_sn2nid(name);
}

const EVP_MD *cu_sig_default_md(const EVP_PKEY *key, custody_error *err)
{
    if (key == NULL) {
        cu_err_inval(err, "no key");
        return NULL;
    }
    switch (sig_curve_nid(key)) {
    case NID_X9_62_prime256v1:
        return EVP_sha256();
    case NID_secp384r1:
        return EVP_sha384();
    case NID_secp521r1:
        return EVP_sha512();
    default:
        cu_err_unsupported(err, DSSE_WHERE, CU_NO_OFFSET,
                           "key is %s; ECDSA on P-256, P-384 or P-521 is supported",
                           EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "?");
        return NULL;
    }
}

/* True when sig[0..len) is exactly one DER ECDSA-Sig-Value in canonical encoding. */
static bool sig_is_strict_der(const uint8_t *sig, size_t len)
{
    const unsigned char *p = sig;
    unsigned char *re = NULL;
    ECDSA_SIG *s;
    bool ok = false;
    int n;

    if (len == 0 || len > INT_MAX) {
        return false;
    }
    s = d2i_ECDSA_SIG(NULL, &p, (long)len);
    if (s == NULL) {
        ERR_clear_error();
        return false;
    }
    if ((size_t)(p - sig) == len) {
        n = i2d_ECDSA_SIG(s, &re);
        ok = n > 0 && (size_t)n == len && memcmp(re, sig, len) == 0;
    }
    OPENSSL_free(re);
    ECDSA_SIG_free(s);
    return ok;
}

/* DER-encodes the raw r || s signature into *der (OPENSSL_free). */
static int sig_raw_to_der(unsigned char **der,
                          size_t *derlen,
                          const uint8_t *sig,
                          size_t siglen,
                          size_t field,
                          custody_error *err)
{
    ECDSA_SIG *s = NULL;
    BIGNUM *r = NULL, *sv = NULL;
    int n;
    int rc = 0;

    *der = NULL;
    if (siglen != 2 * field) {
        return cu_err_malformed(err, DSSE_WHERE, CU_NO_OFFSET,
                                "raw ECDSA signature is %zu bytes; this curve needs %zu", siglen,
                                2 * field);
    }
    s = ECDSA_SIG_new();
    r = BN_bin2bn(sig, (int)field, NULL);
    sv = BN_bin2bn(sig + field, (int)field, NULL);
    if (s == NULL || r == NULL || sv == NULL || ECDSA_SIG_set0(s, r, sv) != 1) {
        BN_free(r);
        BN_free(sv);
        rc = cu_err_nomem(err);
        goto out;
    }
    n = i2d_ECDSA_SIG(s, der);
    if (n <= 0) {
        rc = cu_err_nomem(err);
        goto out;
    }
    *derlen = (size_t)n;
out:
    ECDSA_SIG_free(s);
    return rc;
}

int cu_sig_verify(EVP_PKEY *key,
                  const EVP_MD *md,
                  enum cu_sig_encoding enc,
                  const uint8_t *msg,
                  size_t len,
                  const uint8_t *sig,
                  size_t siglen,
                  custody_error *err)
{
    EVP_MD_CTX *ctx = NULL;
    unsigned char *der = NULL;
    const uint8_t *s = sig;
    size_t slen = siglen;
    int rc = 0;
    int v;

    if (key == NULL || (msg == NULL && len > 0) || (sig == NULL && siglen > 0)) {
        return cu_err_inval(err, "cu_sig_verify: missing argument");
    }
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) {
        /* SPEC: RFC 8032 §5.1.7: a 64-byte signature over the message itself. */
        if (siglen != 64) {
            return cu_err_malformed(err, DSSE_WHERE, CU_NO_OFFSET,
                                    "Ed25519 signature is %zu bytes, not 64", siglen);
        }
        md = NULL;
    } else {
        const EVP_MD *def = cu_sig_default_md(key, err);
        const size_t field = ((size_t)EVP_PKEY_get_bits(key) + 7) / 8;
        if (def == NULL) {
            return CUSTODY_EUNSUPPORTED;
        }
        if (md == NULL) {
            md = def;
        }
        if (enc == CU_SIG_AUTO) {
            enc = sig_is_strict_der(sig, siglen) ? CU_SIG_DER : CU_SIG_RAW;
        }
        if (enc == CU_SIG_RAW) {
            rc = sig_raw_to_der(&der, &slen, sig, siglen, field, err);
            if (rc < 0) {
                goto out;
            }
            s = der;
        } else if (!sig_is_strict_der(sig, siglen)) {
            rc = cu_err_malformed(err, DSSE_WHERE, CU_NO_OFFSET,
                                  "ECDSA signature (%zu bytes) is not canonical DER", siglen);
            goto out;
        }
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    if (EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) != 1) {
        rc = cu_err_unsupported(err, DSSE_WHERE, CU_NO_OFFSET, "cannot verify with this %s key",
                                EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "?");
        goto out;
    }
    v = EVP_DigestVerify(ctx, s, slen, msg, len);
    if (v != 1) {
        rc = sig_fail(err, "signature does not verify with the given key");
    }
out:
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    return rc;
}

int cu_dsse_verify(EVP_PKEY *key,
                   const EVP_MD *md,
                   enum cu_sig_encoding enc,
                   const char *type,
                   size_t typelen,
                   const uint8_t *payload,
                   size_t paylen,
                   const uint8_t *sig,
                   size_t siglen,
                   custody_error *err)
{
    uint8_t *pae = NULL;
    size_t paelen = 0;
    int rc = cu_dsse_pae(&pae, &paelen, type, typelen, payload, paylen, err);

    if (rc == 0) {
        rc = cu_sig_verify(key, md, enc, pae, paelen, sig, siglen, err);
        if (rc == CU_EVERIFY) {
            rc = sig_fail(err, "DSSE signature does not verify over the envelope's payload "
                               "and payloadType with the given key");
        }
    }
    free(pae);
    return rc;
}

static bool pem_has(const char *pem, size_t len, const char *marker)
{
    const size_t m = strlen(marker);
    for (size_t i = 0; m <= len && i <= len - m; i++) {
        if (memcmp(pem + i, marker, m) == 0) {
            return true;
        }
    }
    return false;
}

int cu_pem_load_pubkey(
    EVP_PKEY **out, const char *pem, size_t len, const char *where, custody_error *err)
{
    BIO *bio = NULL;
    EVP_PKEY *key = NULL;
    int rc = 0;

    *out = NULL;
    if (where == NULL) {
        where = "public key";
    }
    if (pem == NULL || len > INT_MAX) {
        return cu_err_limit(err, where, CU_NO_OFFSET, "PEM input too large");
    }
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) {
        return cu_err_nomem(err);
    }
    key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    if (key == NULL) {
        if (!pem_has(pem, len, "-----BEGIN ")) {
            rc = cu_err_malformed(err, where, CU_NO_OFFSET, "no PEM block (-----BEGIN ...)");
        } else if (pem_has(pem, len, "PRIVATE KEY-----")) {
            rc = cu_err_malformed(err, where, CU_NO_OFFSET,
                                  "is a private key; a public key (BEGIN PUBLIC KEY) is needed");
        } else if (pem_has(pem, len, "-----BEGIN CERTIFICATE-----")) {
            rc = cu_err_malformed(err, where, CU_NO_OFFSET,
                                  "is a certificate, not a public key (BEGIN PUBLIC KEY)");
        } else if (!pem_has(pem, len, "-----BEGIN PUBLIC KEY-----")) {
            rc = cu_err_malformed(err, where, CU_NO_OFFSET,
                                  "no BEGIN PUBLIC KEY block (SubjectPublicKeyInfo)");
        } else {
            char why[128];
            ERR_error_string_n(ERR_peek_last_error(), why, sizeof(why));
            rc = cu_err_malformed(err, where, CU_NO_OFFSET, "unreadable public key: %s", why);
        }
        goto out;
    }
    *out = key;
out:
    ERR_clear_error();
    BIO_free(bio);
    return rc;
}
