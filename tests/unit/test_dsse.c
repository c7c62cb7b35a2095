/* DSSE (provenance/dsse): the protocol.md test vector under shared/interop/dsse (PAE bytes,
 * must_verify with raw and DER signatures, must_fail), signature encodings, curve/digest pairing,
 * Ed25519, and PEM key loading errors. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/b64.h"
#include "core/error.h"
#include "core/util.h"
#include "provenance/dsse.h"

#define VECTOR CUSTODY_SHARED_DIR "/interop/dsse/protocol-test-vector.json"

static json_t *vec;
static EVP_PKEY *spec_key;

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static uint8_t *unhex(const char *h, size_t *n)
{
    const size_t len = strlen(h);
    uint8_t *p = malloc(len / 2 + 1);
    assert_non_null(p);
    assert_int_equal(len % 2, 0);
    for (size_t i = 0; i < len / 2; i++) {
        const int hi = cu_hexval((uint8_t)h[2 * i]), lo = cu_hexval((uint8_t)h[2 * i + 1]);
        assert_true(hi >= 0 && lo >= 0);
        p[i] = (uint8_t)(hi << 4 | lo);
    }
    *n = len / 2;
    return p;
}

static uint8_t *unb64(const char *s, size_t *n)
{
    uint8_t *p = NULL;
    custody_error err;
    assert_int_equal(cu_b64_decode_alloc(&p, n, s, strlen(s), &err), 0);
    return p;
}

static int setup(void **state)
{
    (void)state;
    json_error_t jerr;
    custody_error err;
    vec = json_load_file(VECTOR, 0, &jerr);
    if (vec == NULL) {
        print_error("%s: %s\n", VECTOR, jerr.text);
        return -1;
    }
    const char *pem = str(json_object_get(vec, "derived"), "public_key_spki_pem");
    if (cu_pem_load_pubkey(&spec_key, pem, strlen(pem), "spec key", &err) != 0) {
        print_error("spec key: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(spec_key);
    json_decref(vec);
    return 0;
}

static void pae_matches_spec_and_examples(void **state)
{
    (void)state;
    json_t *spec = json_object_get(vec, "from_spec"), *der = json_object_get(vec, "derived");
    uint8_t *pae = NULL, *want;
    size_t paelen = 0, wantlen = 0;
    custody_error err;
    const char *type = str(spec, "payloadType"), *body = str(spec, "serialized_body");

    assert_int_equal(
        cu_dsse_pae(&pae, &paelen, type, strlen(type), (const uint8_t *)body, strlen(body), &err),
        0);
    want = unhex(str(der, "pae_hex"), &wantlen);
    assert_int_equal(paelen, json_integer_value(json_object_get(der, "pae_length")));
    assert_int_equal(paelen, wantlen);
    assert_memory_equal(pae, want, wantlen);
    assert_memory_equal(pae, str(spec, "pae_text"), paelen);
    free(pae);
    free(want);

    json_t *ex = json_object_get(der, "pae_examples");
    size_t i;
    json_t *e;
    assert_int_equal(json_array_size(ex), 2);
    json_array_foreach(ex, i, e)
    {
        size_t bl = 0;
        uint8_t *b = unhex(str(e, "payload_hex"), &bl);
        const char *t = str(e, "payloadType");
        assert_int_equal(cu_dsse_pae(&pae, &paelen, t, strlen(t), b, bl, &err), 0);
        want = unhex(str(e, "pae_hex"), &wantlen);
        assert_int_equal(paelen, wantlen);
        assert_memory_equal(pae, want, wantlen);
        assert_memory_equal(pae, str(e, "pae_text"), paelen);
        free(pae);
        free(want);
        free(b);
    }
}

static enum cu_sig_encoding enc_of(json_t *c)
{
    const char *e = str(c, "sig_encoding");
    if (strcmp(e, "raw") == 0) {
        return CU_SIG_RAW;
    }
    assert_string_equal(e, "der");
    return CU_SIG_DER;
}

/* Runs one must_verify / must_fail case with its encoding and with CU_SIG_AUTO. */
static int run_case(json_t *c, enum cu_sig_encoding enc, custody_error *err)
{
    size_t pl = 0, sl = 0;
    uint8_t *payload = unb64(str(c, "payload_base64"), &pl);
    uint8_t *sig = unb64(str(c, "sig_base64"), &sl);
    const char *type = str(c, "payloadType");
    int rc = cu_dsse_verify(spec_key, NULL, enc, type, strlen(type), payload, pl, sig, sl, err);
    free(payload);
    free(sig);
    return rc;
}

static void must_verify_and_must_fail(void **state)
{
    (void)state;
    json_t *der = json_object_get(vec, "derived");
    json_t *c;
    size_t i, nv = 0, nf = 0;
    custody_error err;

    json_array_foreach(json_object_get(der, "must_verify"), i, c)
    {
        assert_int_equal(run_case(c, enc_of(c), &err), 0);
        assert_int_equal(run_case(c, CU_SIG_AUTO, &err), 0);
        /* with the digest given explicitly, and with a wrong one */
        size_t pl = 0, sl = 0;
        uint8_t *payload = unb64(str(c, "payload_base64"), &pl);
        uint8_t *sig = unb64(str(c, "sig_base64"), &sl);
        const char *type = str(c, "payloadType");
        assert_int_equal(cu_dsse_verify(spec_key, EVP_sha256(), enc_of(c), type, strlen(type),
                                        payload, pl, sig, sl, &err),
                         0);
        assert_int_equal(cu_dsse_verify(spec_key, EVP_sha384(), enc_of(c), type, strlen(type),
                                        payload, pl, sig, sl, &err),
                         CU_EVERIFY);
        /* the wrong encoding is refused: DER is not 64 bytes, raw is not DER */
        const enum cu_sig_encoding other = enc_of(c) == CU_SIG_RAW ? CU_SIG_DER : CU_SIG_RAW;
        assert_int_equal(
            cu_dsse_verify(spec_key, NULL, other, type, strlen(type), payload, pl, sig, sl, &err),
            CUSTODY_EMALFORMED);
        free(payload);
        free(sig);
        nv++;
    }
    json_array_foreach(json_object_get(der, "must_fail"), i, c)
    {
        memset(&err, 0, sizeof(err));
        assert_int_equal(run_case(c, enc_of(c), &err), CU_EVERIFY);
        assert_non_null(strstr(err.msg, "does not verify"));
        assert_int_equal(run_case(c, CU_SIG_AUTO, &err), CU_EVERIFY);
        nf++;
    }
    print_message("dsse vector: %zu must_verify, %zu must_fail\n", nv, nf);
    assert_int_equal(nv, 2);
    assert_int_equal(nf, 3);
}

static void spec_envelope_and_der_forms(void **state)
{
    (void)state;
    json_t *spec = json_object_get(vec, "from_spec"), *der = json_object_get(vec, "derived");
    json_t *env = json_object_get(spec, "envelope");
    size_t pl = 0, sl = 0, dl = 0;
    uint8_t *payload = unb64(str(env, "payload"), &pl);
    json_t *s0 = json_array_get(json_object_get(env, "signatures"), 0);
    uint8_t *sig = unb64(str(s0, "sig"), &sl);
    uint8_t *dsig = unb64(str(der, "signature_der_base64"), &dl);
    const char *type = str(env, "payloadType");
    custody_error err;

    assert_int_equal(sl, 64);
    assert_int_equal(
        cu_dsse_verify(spec_key, NULL, CU_SIG_RAW, type, strlen(type), payload, pl, sig, sl, &err),
        0);
    /* trailing byte after the DER value: not canonical, refused before verifying */
    uint8_t *longer = malloc(dl + 1);
    assert_non_null(longer);
    memcpy(longer, dsig, dl);
    longer[dl] = 0;
    assert_int_equal(cu_dsse_verify(spec_key, NULL, CU_SIG_DER, type, strlen(type), payload, pl,
                                    longer, dl + 1, &err),
                     CUSTODY_EMALFORMED);
    /* raw of the wrong length */
    assert_int_equal(cu_dsse_verify(spec_key, NULL, CU_SIG_RAW, type, strlen(type), payload, pl,
                                    sig, sl - 1, &err),
                     CUSTODY_EMALFORMED);
    assert_int_equal(
        cu_dsse_verify(spec_key, NULL, CU_SIG_AUTO, type, strlen(type), payload, pl, sig, 0, &err),
        CUSTODY_EMALFORMED);
    free(longer);
    free(payload);
    free(sig);
    free(dsig);
}

/* Signs msg with key (DER ECDSA or Ed25519) and returns the signature. */
static uint8_t *sign(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg, size_t len, size_t *sl)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t *sig;
    assert_non_null(ctx);
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, md, NULL, key), 1);
    assert_int_equal(EVP_DigestSign(ctx, NULL, sl, msg, len), 1);
    sig = malloc(*sl);
    assert_non_null(sig);
    assert_int_equal(EVP_DigestSign(ctx, sig, sl, msg, len), 1);
    EVP_MD_CTX_free(ctx);
    return sig;
}

static void curves_pick_their_digest(void **state)
{
    (void)state;
    static const struct {
        const char *curve;
        const char *md;
    } cases[] = { { "P-256", "SHA256" }, { "P-384", "SHA384" }, { "P-521", "SHA512" } };
    static const uint8_t msg[] = "DSSEv1 2 t 2 {}";
    custody_error err;

    for (size_t i = 0; i < 3; i++) {
        EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", cases[i].curve);
        assert_non_null(key);
        const EVP_MD *md = cu_sig_default_md(key, &err);
        assert_non_null(md);
        assert_true(EVP_MD_is_a(md, cases[i].md));
        size_t sl = 0;
        uint8_t *sig = sign(key, md, msg, sizeof(msg), &sl);
        assert_int_equal(cu_sig_verify(key, NULL, CU_SIG_DER, msg, sizeof(msg), sig, sl, &err), 0);
        assert_int_equal(cu_sig_verify(key, NULL, CU_SIG_AUTO, msg, sizeof(msg), sig, sl, &err), 0);
        /* another digest than the one signed with does not verify */
        const EVP_MD *wrong = i == 0 ? EVP_sha384() : EVP_sha256();
        assert_int_equal(cu_sig_verify(key, wrong, CU_SIG_DER, msg, sizeof(msg), sig, sl, &err),
                         CU_EVERIFY);
        assert_int_equal(cu_sig_verify(key, NULL, CU_SIG_DER, msg, sizeof(msg) - 1, sig, sl, &err),
                         CU_EVERIFY);
        free(sig);
        /* v0.2.0 model-signing bundles: SHA-256 with a P-384 key, chosen by the caller */
        sig = sign(key, EVP_sha256(), msg, sizeof(msg), &sl);
        assert_int_equal(
            cu_sig_verify(key, EVP_sha256(), CU_SIG_DER, msg, sizeof(msg), sig, sl, &err), 0);
        free(sig);
        EVP_PKEY_free(key);
    }
    /* an unsupported curve and a non-EC key */
    EVP_PKEY *k1 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
    assert_non_null(k1);
    assert_null(cu_sig_default_md(k1, &err));
    assert_int_equal(err.code, CUSTODY_EUNSUPPORTED);
    assert_int_equal(cu_sig_verify(k1, NULL, CU_SIG_DER, msg, 1, msg, 1, &err),
                     CUSTODY_EUNSUPPORTED);
    EVP_PKEY_free(k1);
}

static void ed25519_verifies(void **state)
{
    (void)state;
    static const uint8_t msg[] = "checkpoint body\n";
    custody_error err;
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    size_t sl = 0;
    assert_non_null(key);
    uint8_t *sig = sign(key, NULL, msg, sizeof(msg), &sl);
    assert_int_equal(sl, 64);
    assert_int_equal(cu_sig_verify(key, NULL, CU_SIG_AUTO, msg, sizeof(msg), sig, sl, &err), 0);
    sig[10] ^= 1;
    assert_int_equal(cu_sig_verify(key, NULL, CU_SIG_AUTO, msg, sizeof(msg), sig, sl, &err),
                     CU_EVERIFY);
    assert_int_equal(cu_sig_verify(key, NULL, CU_SIG_AUTO, msg, sizeof(msg), sig, 63, &err),
                     CUSTODY_EMALFORMED);
    free(sig);
    EVP_PKEY_free(key);
}

static void pem_loading_errors_are_clear(void **state)
{
    (void)state;
    json_t *der = json_object_get(vec, "derived");
    const char *pub = str(der, "public_key_spki_pem");
    const char *priv = str(der, "private_key_pkcs8_pem");
    EVP_PKEY *k = NULL;
    custody_error err;

    /* text before -----BEGIN is skipped (conformance keys carry a preamble) */
    char *pre = cu_asprintf("Subject: test key\nIssuer: nobody\n%s", pub);
    assert_non_null(pre);
    assert_int_equal(cu_pem_load_pubkey(&k, pre, strlen(pre), "pre.pem", &err), 0);
    assert_non_null(k);
    assert_true(EVP_PKEY_eq(k, spec_key) == 1);
    EVP_PKEY_free(k);
    free(pre);

    assert_int_equal(cu_pem_load_pubkey(&k, priv, strlen(priv), "priv.pem", &err),
                     CUSTODY_EMALFORMED);
    assert_null(k);
    assert_non_null(strstr(err.msg, "private key"));
    assert_string_equal(err.where, "priv.pem");

    assert_int_equal(cu_pem_load_pubkey(&k, "hello", 5, NULL, &err), CUSTODY_EMALFORMED);
    assert_non_null(strstr(err.msg, "no PEM block"));

    static const char cert[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_int_equal(cu_pem_load_pubkey(&k, cert, strlen(cert), NULL, &err), CUSTODY_EMALFORMED);
    assert_non_null(strstr(err.msg, "certificate"));

    /* a damaged body, and the PEM cut before its end line */
    char *bad = cu_strdup(pub);
    assert_non_null(bad);
    bad[40] = '!';
    assert_int_equal(cu_pem_load_pubkey(&k, bad, strlen(bad), NULL, &err), CUSTODY_EMALFORMED);
    assert_int_equal(cu_pem_load_pubkey(&k, pub, strlen(pub) - 20, NULL, &err), CUSTODY_EMALFORMED);
    assert_null(k);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pae_matches_spec_and_examples),
        cmocka_unit_test(must_verify_and_must_fail),
        cmocka_unit_test(spec_envelope_and_der_forms),
        cmocka_unit_test(curves_pick_their_digest),
        cmocka_unit_test(ed25519_verifies),
        cmocka_unit_test(pem_loading_errors_are_clear),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
