/* Offline Sigstore verification (provenance/sigstore.c, trustroot.c): a production bundle from
 * sigstore-conformance verifies; each tampering (identity, issuer, log entry body, SET,
 * inclusion proof, checkpoint signature, expired certificate, trusted-root validity) is refused
 * with CU_EVERIFY and the cause named. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/b64.h"
#include "core/error.h"
#include "provenance/bundle.h"
#include "provenance/sigstore_int.h"

#define SC    CUSTODY_SHARED_DIR "/interop/sigstore-conformance/bundle-verify/"
#define PROD  CUSTODY_SHARED_DIR "/interop/sigstore/trusted_root.json"
#define HAPPY SC "happy-path-v0.3/bundle.sigstore.json"
#define IDENTITY                                                                              \
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/" \
    "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
#define ISSUER "https://token.actions.githubusercontent.com"

static const uint8_t a_txt_sha256[32] = {
    0xa0, 0xcf, 0xc7, 0x12, 0x71, 0xd6, 0xe2, 0x78, 0xe5, 0x7c, 0xd3, 0x32, 0xff, 0x95, 0x7c, 0x3f,
    0x70, 0x43, 0xfd, 0xda, 0x35, 0x4c, 0x4c, 0xbb, 0x19, 0x0a, 0x30, 0xd5, 0x6e, 0xfa, 0x01, 0xbf,
};

typedef void (*mutate_fn)(json_t *bundle);

/* Loads the bundle, applies `mut`, verifies against `root`; returns the code, err filled. */
static int verify_mut(const char *bundle_path,
                      const char *root,
                      mutate_fn mut,
                      const char *san,
                      const char *issuer,
                      custody_error *err)
{
    json_error_t je;
    json_t *j = json_load_file(bundle_path, 0, &je);
    struct cu_trust_root *tr = NULL;
    struct cu_bundle *b = NULL;
    int64_t t = 0;
    assert_non_null(j);
    if (mut != NULL) {
        mut(j);
    }
    char *text = json_dumps(j, JSON_COMPACT);
    assert_non_null(text);
    assert_int_equal(cu_trust_root_load(&tr, root, err), 0);
    int rc = cu_bundle_parse(&b, (const uint8_t *)text, strlen(text), err);
    if (rc == 0) {
        struct cu_identity_policy pol = { san, issuer };
        rc = cu_sigstore_verify(b, tr, &pol, b->content == CU_BUNDLE_DSSE ? NULL : a_txt_sha256, &t,
                                err);
        if (rc == 0) {
            assert_true(t > 1700000000);
        }
    }
    cu_bundle_free(b);
    cu_trust_root_free(tr);
    free(text);
    json_decref(j);
    return rc;
}

static void expect_fail(const char *bundle_path,
                        const char *root,
                        mutate_fn mut,
                        const char *san,
                        const char *issuer,
                        const char *cause)
{
    custody_error err = { 0 };
    int rc = verify_mut(bundle_path, root, mut, san, issuer, &err);
    if (rc != CU_EVERIFY || strstr(err.msg, cause) == NULL) {
        print_error("rc %d, msg '%s', expected '%s'\n", rc, err.msg, cause);
    }
    assert_int_equal(rc, CU_EVERIFY);
    assert_non_null(strstr(err.msg, cause));
}

static json_t *entry0(json_t *b)
{
    return json_array_get(
        json_object_get(json_object_get(b, "verificationMaterial"), "tlogEntries"), 0);
}

/* Flips one base64 character of a string field (keeps it valid base64). */
static void flip_b64(json_t *obj, const char *key, size_t pos)
{
    char *s = strdup(json_string_value(json_object_get(obj, key)));
    assert_non_null(s);
    assert_true(strlen(s) > pos);
    s[pos] = s[pos] == 'A' ? 'B' : 'A';
    assert_int_equal(json_object_set_new(obj, key, json_string(s)), 0);
    free(s);
}

static void m_set(json_t *b)
{
    flip_b64(json_object_get(entry0(b), "inclusionPromise"), "signedEntryTimestamp", 20);
}

static void m_proof(json_t *b)
{
    json_t *hashes = json_object_get(json_object_get(entry0(b), "inclusionProof"), "hashes");
    json_t *h = json_array_get(hashes, 0);
    char *s = strdup(json_string_value(h));
    s[3] = s[3] == 'A' ? 'B' : 'A';
    assert_int_equal(json_array_set_new(hashes, 0, json_string(s)), 0);
    free(s);
}

static void m_checkpoint_sig(json_t *b)
{
    json_t *cp = json_object_get(json_object_get(entry0(b), "inclusionProof"), "checkpoint");
    char *s = strdup(json_string_value(json_object_get(cp, "envelope")));
    /* the signature line ends "...<base64>\n": change a character inside its signature part */
    size_t n = strlen(s);
    assert_true(n > 20);
    s[n - 10] = s[n - 10] == 'A' ? 'B' : 'A';
    assert_int_equal(json_object_set_new(cp, "envelope", json_string(s)), 0);
    free(s);
}

/* Replaces the hashedrekord body's signature with another valid base64 value. */
static void m_body(json_t *b)
{
    json_t *e = entry0(b);
    const char *b64 = json_string_value(json_object_get(e, "canonicalizedBody"));
    uint8_t *body = NULL;
    size_t len = 0;
    custody_error err;
    json_error_t je;
    assert_int_equal(cu_b64_decode_alloc(&body, &len, b64, strlen(b64), &err), 0);
    json_t *bj = json_loadb((const char *)body, len, 0, &je);
    assert_non_null(bj);
    json_t *sig = json_object_get(json_object_get(bj, "spec"), "signature");
    assert_int_equal(json_object_set_new(sig, "content", json_string("AAAA")), 0);
    char *nb = json_dumps(bj, JSON_COMPACT);
    char *enc = cu_b64_encode((const uint8_t *)nb, strlen(nb));
    assert_int_equal(json_object_set_new(e, "canonicalizedBody", json_string(enc)), 0);
    free(enc);
    free(nb);
    json_decref(bj);
    free(body);
}

static void m_no_entries(json_t *b)
{
    assert_int_equal(json_object_set_new(json_object_get(b, "verificationMaterial"), "tlogEntries",
                                         json_array()),
                     0);
}

static void happy(void **state)
{
    (void)state;
    custody_error err = { 0 };
    int rc = verify_mut(HAPPY, PROD, NULL, IDENTITY, ISSUER, &err);
    if (rc != 0) {
        print_error("%s\n", err.msg);
    }
    assert_int_equal(rc, 0);
}

static void wrong_identity(void **state)
{
    (void)state;
    expect_fail(HAPPY, PROD, NULL, "https://github.com/evil/repo/.github/workflows/x.yml@main",
                ISSUER, "identity mismatch");
}

static void wrong_issuer(void **state)
{
    (void)state;
    expect_fail(HAPPY, PROD, NULL, IDENTITY, "https://accounts.google.com", "issuer mismatch");
}

static void bad_set(void **state)
{
    (void)state;
    expect_fail(HAPPY, PROD, m_set, IDENTITY, ISSUER, "SET");
}

static void bad_inclusion_proof(void **state)
{
    (void)state;
    expect_fail(HAPPY, PROD, m_proof, IDENTITY, ISSUER, "inclusion proof does not verify");
}

static void bad_checkpoint_sig(void **state)
{
    (void)state;
    expect_fail(HAPPY, PROD, m_checkpoint_sig, IDENTITY, ISSUER, "checkpoint");
}

static void entry_mismatch(void **state)
{
    (void)state;
    expect_fail(HAPPY, PROD, m_body, IDENTITY, ISSUER, "tlog entry does not match");
}

static void no_entries(void **state)
{
    (void)state;
    expect_fail(HAPPY, PROD, m_no_entries, IDENTITY, ISSUER, "no transparency log entry");
}

static void expired_cert(void **state)
{
    (void)state;
    expect_fail(SC "intoto-expired-certificate_fail/bundle.sigstore.json",
                SC "intoto-expired-certificate_fail/trusted_root.json", NULL, NULL, NULL,
                "does not chain to a trusted CA at the signing time");
}

static void wrong_root(void **state)
{
    (void)state;
    /* a root with other logs: the entry's log is unknown */
    expect_fail(HAPPY, SC "rekor2-happy-path/trusted_root.json", NULL, IDENTITY, ISSUER,
                "not a transparency log of the trusted root");
}

static void trust_root_missing_start(void **state)
{
    (void)state;
    struct cu_trust_root *tr = NULL;
    custody_error err = { 0 };
    assert_int_equal(
        cu_trust_root_load(&tr, SC "trust-root-tlog-missing-validity-start_fail/trusted_root.json",
                           &err),
        CUSTODY_EMALFORMED);
    assert_null(tr);
    assert_non_null(strstr(err.msg, "validFor.start missing"));
    assert_int_equal(cu_trust_root_load(&tr, PROD, &err), 0);
    assert_int_equal(tr->n_tlogs, 2);
    assert_int_equal(tr->n_ctlogs, 2);
    assert_int_equal(tr->n_cas, 2);
    assert_int_equal(tr->n_tsas, 1);
    assert_int_equal(tr->tlogs[0].start, 1610452407); /* 2021-01-12T11:53:27Z */
    cu_trust_root_free(tr);
    cu_trust_root_free(NULL);
}

static void trust_root_malformed(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",
        "[]",
        "{\"tlogs\": 3}",
        "{\"tlogs\": [{\"publicKey\": {\"rawBytes\": \"AAAA\", \"validFor\": {\"start\": "
        "\"2021-01-01T00:00:00Z\"}}, \"logId\": {\"keyId\": \"AAAA\"}}]}",
        "{\"certificateAuthorities\": [{\"certChain\": {\"certificates\": [{\"rawBytes\": "
        "\"AAAA\"}]}, \"validFor\": {\"start\": \"2021-01-01T00:00:00Z\"}}]}",
        "{\"certificateAuthorities\": [{\"certChain\": {\"certificates\": []}, \"validFor\": "
        "{\"start\": \"2021-01-01T00:00:00Z\"}}]}",
        "{\"mediaType\": \"application/x-other\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct cu_trust_root *tr = NULL;
        custody_error err = { 0 };
        int rc = cu_trust_root_parse(&tr, (const uint8_t *)bad[i], strlen(bad[i]), "t", &err);
        assert_true(rc == CUSTODY_EMALFORMED || rc == CUSTODY_EUNSUPPORTED);
        assert_null(tr);
    }
}

static void rfc3339(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(cu_rfc3339_parse("1970-01-01T00:00:00Z", false, &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(cu_rfc3339_parse("2021-01-12T11:53:27Z", false, &t), 0);
    assert_int_equal(t, 1610452407);
    assert_int_equal(cu_rfc3339_parse("2021-01-12T11:53:27.5Z", false, &t), 0);
    assert_int_equal(t, 1610452407);
    assert_int_equal(cu_rfc3339_parse("2021-01-12T11:53:27.5Z", true, &t), 0);
    assert_int_equal(t, 1610452408);
    assert_int_equal(cu_rfc3339_parse("2021-01-12T12:53:27+01:00", false, &t), 0);
    assert_int_equal(t, 1610452407);
    assert_int_equal(cu_rfc3339_parse("2000-02-29T00:00:00Z", false, &t), 0);
    assert_int_equal(t, 951782400);
    assert_int_equal(cu_rfc3339_parse("2021-01-12 11:53:27Z", false, &t), -1);
    assert_int_equal(cu_rfc3339_parse("2021-01-12T11:53:27", false, &t), -1);
    assert_int_equal(cu_rfc3339_parse("2021-13-12T11:53:27Z", false, &t), -1);
    assert_int_equal(cu_rfc3339_parse("2021-01-12T11:53:27.Z", false, &t), -1);
    assert_int_equal(cu_rfc3339_parse("", false, &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(happy),
        cmocka_unit_test(wrong_identity),
        cmocka_unit_test(wrong_issuer),
        cmocka_unit_test(bad_set),
        cmocka_unit_test(bad_inclusion_proof),
        cmocka_unit_test(bad_checkpoint_sig),
        cmocka_unit_test(entry_mismatch),
        cmocka_unit_test(no_entries),
        cmocka_unit_test(expired_cert),
        cmocka_unit_test(wrong_root),
        cmocka_unit_test(trust_root_missing_start),
        cmocka_unit_test(trust_root_malformed),
        cmocka_unit_test(rfc3339),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
