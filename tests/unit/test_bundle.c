/* Sigstore bundle parser (provenance/bundle): every model-transparency and sigstore-conformance
 * bundle under shared/interop, the fields each variant carries, and malformed inputs. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "custody/common.h"
#include "provenance/bundle.h"
#include "testutil.h"

#define MT CUSTODY_SHARED_DIR "/interop/model-transparency/scripts-tests/"
#define SC CUSTODY_SHARED_DIR "/interop/sigstore-conformance/"

static int parse_file(const char *path, struct cu_bundle **b, custody_error *err)
{
    size_t n = 0;
    uint8_t *d = tu_slurp(path, &n);
    int rc = cu_bundle_parse(b, d, n, err);
    free(d);
    return rc;
}

/* Parses the model_transparency suite's <name>/model.sig (must succeed). */
static struct cu_bundle *parse_mt(const char *name)
{
    char path[512];
    (void)snprintf(path, sizeof(path), MT "%s/model.sig", name);
    struct cu_bundle *b = NULL;
    custody_error err = { 0 };
    assert_int_equal(parse_file(path, &b, &err), 0);
    return b;
}

static int parse_str(const char *s, struct cu_bundle **b, custody_error *err)
{
    return cu_bundle_parse(b, (const uint8_t *)s, strlen(s), err);
}

static void test_mt_key_hint(void **state)
{
    (void)state;
    struct cu_bundle *b = NULL;
    custody_error err = { 0 };
    assert_int_equal(parse_file(MT "v1.1.0-elliptic-key/model.sig", &b, &err), 0);
    assert_int_equal(b->minor, 3);
    assert_int_equal(b->vm, CU_BUNDLE_VM_PUBLIC_KEY);
    assert_string_equal(b->key_hint,
                        "e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e");
    assert_null(b->raw_key);
    assert_null(b->certs);
    assert_int_equal(b->content, CU_BUNDLE_DSSE);
    assert_string_equal(b->payload_type, "application/vnd.in-toto+json");
    assert_null(b->keyid); /* "" */
    assert_true(b->payload_len > 100 && b->payload[0] == '{');
    assert_true(b->sig_len > 60 && b->sig[0] == 0x30);
    assert_non_null(b->tlog_entries);
    cu_bundle_free(b);
}

static void test_mt_raw_key(void **state)
{
    (void)state;
    struct cu_bundle *b = NULL;
    custody_error err = { 0 };
    assert_int_equal(parse_file(MT "v1.0.0-elliptic-key/model.sig", &b, &err), 0);
    assert_int_equal(b->vm, CU_BUNDLE_VM_PUBLIC_KEY);
    assert_null(b->key_hint);
    assert_non_null(b->raw_key);
    assert_memory_equal(b->raw_key, "-----BEGIN PUBLIC KEY-----", 26);
    cu_bundle_free(b);
}

static void test_mt_chain(void **state)
{
    (void)state;
    static const char *const names[] = { "v0.2.0-certificate", "v0.3.1-certificate",
                                         "v1.0.0-certificate", "v1.0.1-certificate",
                                         "v1.1.0-certificate" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct cu_bundle *b = parse_mt(names[i]);
        assert_int_equal(b->vm, CU_BUNDLE_VM_X509_CHAIN);
        assert_int_equal(sk_X509_num(b->certs), 2); /* leaf + intermediate */
        assert_int_equal(b->content, CU_BUNDLE_DSSE);
        cu_bundle_free(b);
    }
}

static void test_mt_sigstore(void **state)
{
    (void)state;
    static const char *const names[] = { "v0.3.1-sigstore", "v1.0.0-sigstore", "v1.0.1-sigstore",
                                         "v1.1.0-sigstore" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct cu_bundle *b = parse_mt(names[i]);
        assert_true(b->vm == CU_BUNDLE_VM_CERTIFICATE || b->vm == CU_BUNDLE_VM_X509_CHAIN);
        assert_true(sk_X509_num(b->certs) >= 1);
        assert_non_null(b->tlog_entries);
        assert_true(json_array_size(b->tlog_entries) >= 1);
        cu_bundle_free(b);
    }
}

/* Every sigstore-conformance bundle parses, except the unparseable one and version=99.9. */
static void test_conformance(void **state)
{
    (void)state;
    FILE *f = fopen(SC "cases.tsv", "r");
    assert_non_null(f);
    char line[8192];
    int parsed = 0, refused = 0, dsse = 0, msg = 0, v[4] = { 0 };
    assert_non_null(fgets(line, sizeof(line), f)); /* header */
    while (fgets(line, sizeof(line), f) != NULL) {
        char *cols[12] = { 0 };
        int nc = 0;
        for (char *p = line; nc < 12;) {
            cols[nc++] = p;
            char *t = strpbrk(p, "\t\n");
            if (t == NULL) {
                break;
            }
            char c = *t;
            *t = 0;
            if (c == '\n') {
                break;
            }
            p = t + 1;
        }
        assert_int_equal(nc, 12);
        char path[1024];
        (void)snprintf(path, sizeof(path), SC "%s", cols[2]);
        struct cu_bundle *b = NULL;
        custody_error err = { 0 };
        int rc = parse_file(path, &b, &err);
        const char *mt = cols[10];
        if (strcmp(mt, "unparseable") == 0 || strstr(mt, "99.9") != NULL) {
            assert_int_not_equal(rc, 0);
            assert_null(b);
            refused++;
            continue;
        }
        if (rc != 0) {
            /* a bundle the parser refuses must be a case that fails */
            print_message("refused %s: %s\n", cols[0], err.msg);
            assert_string_equal(cols[1], "fail");
            refused++;
            continue;
        }
        parsed++;
        v[b->minor]++;
        if (b->content == CU_BUNDLE_DSSE) {
            assert_string_equal(cols[11], "dsseEnvelope");
            dsse++;
        } else {
            assert_string_equal(cols[11], "messageSignature");
            msg++;
        }
        if (strcmp(cols[5], "key") == 0) {
            assert_int_equal(b->vm, CU_BUNDLE_VM_PUBLIC_KEY);
        }
        cu_bundle_free(b);
    }
    fclose(f);
    print_message("parsed %d refused %d dsse %d msg %d v1 %d v2 %d v3 %d\n", parsed, refused, dsse,
                  msg, v[1], v[2], v[3]);
    assert_int_equal(parsed, 66);
    assert_int_equal(refused, 4); /* unparseable, version=99.9, empty chain, bad base64 */
    assert_int_equal(dsse, 14);
    assert_int_equal(msg, 52);
    assert_int_equal(v[1], 13);
    assert_int_equal(v[2], 8);
    assert_int_equal(v[3], 45);
}

static const char good_head[] = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
                                "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"x\"}},";

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "[]",
        "{\"mediaType\":1}",
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}",
        /* no content */
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"x\"}}}",
        /* two signatures */
        "%s\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":"
        "[{\"sig\":\"AAAA\"},{\"sig\":\"AAAA\"}]}}",
        /* no signatures */
        "%s\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[]}}",
        /* bad base64 */
        "%s\"dsseEnvelope\":{\"payload\":\"e30\",\"payloadType\":\"t\",\"signatures\":"
        "[{\"sig\":\"AAAA\"}]}}",
        /* empty signature */
        "%s\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":"
        "[{\"sig\":\"\"}]}}",
        /* both contents */
        "%s\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":"
        "[{\"sig\":\"AAAA\"}]},\"messageSignature\":{\"signature\":\"AAAA\"}}",
        /* digest length */
        "%s\"messageSignature\":{\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":"
        "\"AAAA\"},\"signature\":\"AAAA\"}}",
        /* duplicate keys */
        "%s\"messageSignature\":{\"signature\":\"AAAA\",\"signature\":\"AAAA\"}}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char doc[1024];
        if (strncmp(bad[i], "%s", 2) == 0) {
            (void)snprintf(doc, sizeof(doc), "%s%s", good_head, bad[i] + 2);
        } else {
            (void)snprintf(doc, sizeof(doc), "%s", bad[i]);
        }
        struct cu_bundle *b = (struct cu_bundle *)1;
        custody_error err = { 0 };
        int rc = parse_str(doc, &b, &err);
        if (rc == 0) {
            print_error("case %zu parsed\n", i);
        }
        assert_int_equal(rc, CUSTODY_EMALFORMED);
        assert_null(b);
        assert_true(err.msg[0] != 0);
    }
    /* a certificate that is not DER */
    struct cu_bundle *b = NULL;
    custody_error err = { 0 };
    assert_int_equal(parse_str("{\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;"
                               "version=0.2\",\"verificationMaterial\":{\"x509CertificateChain\":"
                               "{\"certificates\":[{\"rawBytes\":\"AAAA\"}]}},"
                               "\"messageSignature\":{\"signature\":\"AAAA\"}}",
                               &b, &err),
                     CUSTODY_EMALFORMED);
    assert_int_equal(parse_str("{\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;"
                               "version=0.4\"}",
                               &b, &err),
                     CUSTODY_EUNSUPPORTED);
    /* good: message signature with its digest */
    char doc[1024];
    (void)snprintf(doc, sizeof(doc),
                   "%s\"messageSignature\":{\"messageDigest\":{\"algorithm\":\"SHA2_256\","
                   "\"digest\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"},"
                   "\"signature\":\"AAAA\"}}",
                   good_head);
    assert_int_equal(parse_str(doc, &b, &err), 0);
    assert_int_equal(b->content, CU_BUNDLE_MESSAGE_SIGNATURE);
    assert_string_equal(b->digest_alg, "SHA2_256");
    assert_int_equal(b->digest_len, 32);
    assert_int_equal(b->sig_len, 3);
    assert_null(b->tlog_entries);
    cu_bundle_free(b);
    cu_bundle_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mt_key_hint), cmocka_unit_test(test_mt_raw_key),
        cmocka_unit_test(test_mt_chain),    cmocka_unit_test(test_mt_sigstore),
        cmocka_unit_test(test_conformance), cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
