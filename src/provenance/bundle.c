/* Sigstore bundle parsing (v0.1, v0.2, v0.3 and the old "+json;version=0.3" media type).
 * SPEC: sigstore/protobuf-specs protos/sigstore_bundle.proto (Bundle, VerificationMaterial),
 * sigstore_common.proto (PublicKeyIdentifier, X509CertificateChain, MessageSignature),
 * envelope.proto (DSSE). Protobuf JSON names are camelCase; bytes are standard base64. */
#include "provenance/bundle.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "core/b64.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

#define BUNDLE_MAX_CERTS 16u

static const char bundle_where[] = "bundle";

static int bd_malformed(custody_error *err, const char *what)
{
    return cu_err_malformed(err, bundle_where, CU_NO_OFFSET, "%s", what);
}

/* A required string member; NULL when absent or not a string. */
static const char *bd_str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Decodes the base64 string member `key` of `o` into a fresh buffer. Absent: *out stays NULL
 * and 0 is returned unless `required`. */
static int bd_b64(const json_t *o,
                  const char *key,
                  bool required,
                  uint8_t **out,
                  size_t *outlen,
                  custody_error *err)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    *outlen = 0;
    if (v == NULL) {
        return required ? cu_err_malformed(err, bundle_where, CU_NO_OFFSET, "'%s' is missing", key)
                        : 0;
    }
    if (!json_is_string(v)) {
        return cu_err_malformed(err, bundle_where, CU_NO_OFFSET, "'%s' is not a string", key);
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    int rc = cu_b64_decode_alloc(out, outlen, s, n, err);
    if (rc != 0) {
        (void)cu_err_set(err, rc, bundle_where, CU_NO_OFFSET, __FILE__, __LINE__,
                         "'%s' is not valid base64", key);
    }
    return rc;
}

static int bd_media_type(struct cu_bundle *b, const char *mt, custody_error *err)
{
    static const char pfx[] = "application/vnd.dev.sigstore.bundle";
    static const struct {
        const char *suffix;
        int minor;
    } known[] = {
        { "+json;version=0.1", 1 },
        { "+json;version=0.2", 2 },
        { "+json;version=0.3", 3 },
        { ".v0.3+json", 3 },
    };
    if (mt == NULL) {
        return bd_malformed(err, "'mediaType' is missing or not a string");
    }
    if (strncmp(mt, pfx, sizeof(pfx) - 1) == 0) {
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
            if (strcmp(mt + sizeof(pfx) - 1, known[i].suffix) == 0) {
                b->minor = known[i].minor;
                return 0;
            }
        }
    }
    return cu_err_unsupported(err, bundle_where, CU_NO_OFFSET,
                              "unsupported bundle media type '%.120s'", mt);
}

static int bd_push_cert(struct cu_bundle *b, const json_t *c, custody_error *err)
{
    uint8_t *der = NULL;
    size_t n = 0;
    int rc = bd_b64(c, "rawBytes", true, &der, &n, err);
    if (rc != 0) {
        return rc;
    }
    if (n == 0 || n > CU_LIMIT_SMALL_FILE) {
        free(der);
        return bd_malformed(err, "certificate rawBytes is empty or too large");
    }
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)n);
    if (x == NULL || p != der + n) {
        X509_free(x);
        free(der);
        return bd_malformed(err, "certificate rawBytes is not one DER X.509 certificate");
    }
    free(der);
    if (sk_X509_push(b->certs, x) <= 0) {
        X509_free(x);
        return cu_err_nomem(err);
    }
    return 0;
}

static int bd_material(struct cu_bundle *b, const json_t *vm, custody_error *err)
{
    if (!json_is_object(vm)) {
        return bd_malformed(err, "'verificationMaterial' is missing or not an object");
    }
    const json_t *pk = json_object_get(vm, "publicKey");
    const json_t *chain = json_object_get(vm, "x509CertificateChain");
    const json_t *cert = json_object_get(vm, "certificate");
    int kinds = (pk != NULL) + (chain != NULL) + (cert != NULL);
    if (kinds != 1) {
        return bd_malformed(err, kinds == 0 ? "verificationMaterial has no key or certificate"
                                            : "verificationMaterial has more than one of "
                                              "publicKey, x509CertificateChain, certificate");
    }
    int rc = 0;
    if (pk != NULL) {
        if (!json_is_object(pk)) {
            return bd_malformed(err, "'publicKey' is not an object");
        }
        b->vm = CU_BUNDLE_VM_PUBLIC_KEY;
        const json_t *h = json_object_get(pk, "hint");
        if (h != NULL && !json_is_string(h) && !json_is_null(h)) {
            return bd_malformed(err, "'publicKey.hint' is not a string");
        }
        if (json_is_string(h) && json_string_length(h) > 0) {
            if (json_string_length(h) > 1024 ||
                strlen(json_string_value(h)) != json_string_length(h)) {
                return bd_malformed(err, "'publicKey.hint' is too long or holds NUL");
            }
            b->key_hint = cu_strdup(json_string_value(h));
            if (b->key_hint == NULL) {
                return cu_err_nomem(err);
            }
        }
        rc = bd_b64(pk, "rawBytes", false, &b->raw_key, &b->raw_key_len, err);
        if (rc == 0 && b->raw_key != NULL && b->raw_key_len == 0) {
            free(b->raw_key);
            b->raw_key = NULL;
        }
        return rc;
    }
    b->certs = sk_X509_new_null();
    if (b->certs == NULL) {
        return cu_err_nomem(err);
    }
    if (cert != NULL) {
        if (!json_is_object(cert)) {
            return bd_malformed(err, "'certificate' is not an object");
        }
        b->vm = CU_BUNDLE_VM_CERTIFICATE;
        return bd_push_cert(b, cert, err);
    }
    b->vm = CU_BUNDLE_VM_X509_CHAIN;
    const json_t *list = json_is_object(chain) ? json_object_get(chain, "certificates") : NULL;
    if (!json_is_array(list) || json_array_size(list) == 0) {
        return bd_malformed(err, "'x509CertificateChain.certificates' is missing or empty");
    }
    if (json_array_size(list) > BUNDLE_MAX_CERTS) {
        return cu_err_limit(err, bundle_where, CU_NO_OFFSET,
                            "more than %u certificates in the chain", BUNDLE_MAX_CERTS);
    }
    for (size_t i = 0; i < json_array_size(list) && rc == 0; i++) {
        const json_t *c = json_array_get(list, i);
        if (!json_is_object(c)) {
            return bd_malformed(err, "a chain certificate is not an object");
        }
        rc = bd_push_cert(b, c, err);
    }
    return rc;
}

static int bd_dsse(struct cu_bundle *b, const json_t *env, custody_error *err)
{
    if (!json_is_object(env)) {
        return bd_malformed(err, "'dsseEnvelope' is not an object");
    }
    b->content = CU_BUNDLE_DSSE;
    const json_t *pt = json_object_get(env, "payloadType");
    if (!json_is_string(pt) || json_string_length(pt) == 0 ||
        strlen(json_string_value(pt)) != json_string_length(pt)) {
        return bd_malformed(err, "'dsseEnvelope.payloadType' is missing or not a string");
    }
    b->payload_type = cu_strdup(json_string_value(pt));
    if (b->payload_type == NULL) {
        return cu_err_nomem(err);
    }
    int rc = bd_b64(env, "payload", true, &b->payload, &b->payload_len, err);
    if (rc != 0) {
        return rc;
    }
    const json_t *sigs = json_object_get(env, "signatures");
    if (!json_is_array(sigs) || json_array_size(sigs) != 1) {
        return bd_malformed(err, "'dsseEnvelope.signatures' must hold exactly one signature");
    }
    const json_t *s = json_array_get(sigs, 0);
    if (!json_is_object(s)) {
        return bd_malformed(err, "the DSSE signature is not an object");
    }
    rc = bd_b64(s, "sig", true, &b->sig, &b->sig_len, err);
    if (rc != 0) {
        return rc;
    }
    const json_t *kid = json_object_get(s, "keyid");
    if (kid != NULL && !json_is_string(kid) && !json_is_null(kid)) {
        return bd_malformed(err, "the DSSE signature's 'keyid' is not a string");
    }
    if (json_is_string(kid) && json_string_length(kid) > 0) {
        b->keyid = cu_strndup(json_string_value(kid), json_string_length(kid));
        if (b->keyid == NULL) {
            return cu_err_nomem(err);
        }
    }
    return 0;
}

static int bd_message(struct cu_bundle *b, const json_t *ms, custody_error *err)
{
    if (!json_is_object(ms)) {
        return bd_malformed(err, "'messageSignature' is not an object");
    }
    b->content = CU_BUNDLE_MESSAGE_SIGNATURE;
    const json_t *md = json_object_get(ms, "messageDigest");
    if (md != NULL) {
        if (!json_is_object(md)) {
            return bd_malformed(err, "'messageSignature.messageDigest' is not an object");
        }
        static const struct {
            const char *name;
            size_t len;
        } algs[] = { { "SHA2_256", 32 }, { "SHA2_384", 48 }, { "SHA2_512", 64 } };
        const char *a = bd_str(md, "algorithm");
        size_t want = 0;
        for (size_t i = 0; a != NULL && i < sizeof(algs) / sizeof(algs[0]); i++) {
            if (strcmp(a, algs[i].name) == 0) {
                b->digest_alg = algs[i].name;
                want = algs[i].len;
            }
        }
        if (b->digest_alg == NULL) {
            return cu_err_unsupported(err, bundle_where, CU_NO_OFFSET,
                                      "unsupported message digest algorithm '%.40s'",
                                      a != NULL ? a : "(missing)");
        }
        uint8_t *d = NULL;
        size_t dn = 0;
        int rc = bd_b64(md, "digest", true, &d, &dn, err);
        if (rc != 0) {
            return rc;
        }
        if (d == NULL || dn != want) {
            free(d);
            return bd_malformed(err, "message digest length does not match its algorithm");
        }
        memcpy(b->digest, d, dn);
        b->digest_len = dn;
        free(d);
    }
    return bd_b64(ms, "signature", true, &b->sig, &b->sig_len, err);
}

int cu_bundle_parse(struct cu_bundle **out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_bundle *b = NULL;
    int rc = 0;
    if (out == NULL || (data == NULL && len > 0)) {
        return cu_err_inval(err, "cu_bundle_parse: NULL argument");
    }
    *out = NULL;
    if (len > CU_LIMIT_JSON) {
        return cu_err_limit(err, bundle_where, CU_NO_OFFSET, "bundle larger than %u bytes",
                            CU_LIMIT_JSON);
    }
    b = cu_calloc(1, sizeof(*b));
    if (b == NULL) {
        return cu_err_nomem(err);
    }
    json_error_t jerr;
    b->root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (b->root == NULL) {
        rc = cu_err_malformed(err, bundle_where, (uint64_t)(jerr.position > 0 ? jerr.position : 0),
                              "not JSON: %s", jerr.text);
        goto out;
    }
    if (!json_is_object(b->root)) {
        rc = bd_malformed(err, "not a JSON object");
        goto out;
    }
    rc = bd_media_type(b, bd_str(b->root, "mediaType"), err);
    if (rc != 0) {
        goto out;
    }
    const json_t *vm = json_object_get(b->root, "verificationMaterial");
    rc = bd_material(b, vm, err);
    if (rc != 0) {
        goto out;
    }
    const json_t *tl = json_object_get(vm, "tlogEntries");
    if (tl != NULL && !json_is_array(tl) && !json_is_null(tl)) {
        rc = bd_malformed(err, "'tlogEntries' is not an array");
        goto out;
    }
    b->tlog_entries = json_is_array(tl) ? tl : NULL;
    const json_t *tvd = json_object_get(vm, "timestampVerificationData");
    if (tvd != NULL && !json_is_null(tvd)) {
        const json_t *ts = json_is_object(tvd) ? json_object_get(tvd, "rfc3161Timestamps") : NULL;
        if (!json_is_object(tvd) || (ts != NULL && !json_is_array(ts) && !json_is_null(ts))) {
            rc = bd_malformed(err, "'timestampVerificationData' is malformed");
            goto out;
        }
        b->timestamps = json_is_array(ts) ? ts : NULL;
    }
    const json_t *env = json_object_get(b->root, "dsseEnvelope");
    const json_t *ms = json_object_get(b->root, "messageSignature");
    if ((env != NULL) == (ms != NULL)) {
        rc = bd_malformed(err, env != NULL ? "bundle has both dsseEnvelope and messageSignature"
                                           : "bundle has neither dsseEnvelope nor "
                                             "messageSignature");
        goto out;
    }
    rc = env != NULL ? bd_dsse(b, env, err) : bd_message(b, ms, err);
    if (rc == 0 && b->sig_len == 0) {
        rc = bd_malformed(err, "the signature is empty");
    }
out:
    if (rc != 0) {
        cu_bundle_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

void cu_bundle_free(struct cu_bundle *b)
{
    if (b == NULL) {
        return;
    }
    json_decref(b->root);
    free(b->key_hint);
    free(b->raw_key);
    sk_X509_pop_free(b->certs, X509_free);
    free(b->payload_type);
    free(b->payload);
    free(b->keyid);
    free(b->sig);
    free(b);
}
