/* OMS signing and verification (provenance/oms, keys): statements byte-identical to the
 * model-transparency signing goldens (files, shards of 1e9 and of 8 bytes), Python-style JSON
 * escaping, the v0.2.0 PAE encoding, and sign -> verify roundtrips on every curve, with
 * tampering, wrong keys and shards. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/b64.h"
#include "core/util.h"
#include "provenance/dsse.h"
#include "custody/provenance.h"
#include "provenance/oms.h"
#include "provenance/prov.h"
#include "testutil.h"

#define MT      CUSTODY_SHARED_DIR "/interop/model-transparency/"
#define GOLDENS MT "goldens/signing/TestPayload/"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    (void)snprintf(tmpdir, sizeof(tmpdir), "%s/custody-oms-XXXXXX",
                   getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
        return -1;
    }
    char p[512], q[512];
    (void)snprintf(p, sizeof(p), "%s/empty_folder_model", tmpdir);
    (void)mkdir(p, 0755);
    (void)snprintf(p, sizeof(p), "%s/symlink_model", tmpdir);
    (void)mkdir(p, 0755);
    (void)snprintf(p, sizeof(p), "%s/outside", tmpdir);
    FILE *f = fopen(p, "w");
    if (f == NULL) {
        return -1;
    }
    (void)fputs("This is a simple model", f);
    (void)fclose(f);
    (void)snprintf(q, sizeof(q), "%s/symlink_model/symlink_file", tmpdir);
    return symlink(p, q);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void golden(const char *gname, const char *model, uint64_t shard)
{
    char gpath[512];
    (void)snprintf(gpath, sizeof(gpath), GOLDENS "%s%s", gname,
                   shard == 0 ? "" : (shard == 8 ? "_small_shards" : "_shard"));
    size_t glen = 0;
    char *want = (char *)tu_slurp(gpath, &glen);
    while (glen > 0 && want[glen - 1] == '\n') {
        want[--glen] = 0; /* the golden files end with a newline; MessageToJson does not */
    }
    custody_digest_opts o = { 0 };
    o.include_git_paths = true; /* the goldens record no ignore paths */
    o.allow_symlinks = true;
    char *got = NULL;
    size_t len = 0, nres = 0;
    custody_error err = { 0 };
    int rc = cu_oms_statement(&got, &len, &nres, model, &o, shard, &err);
    if (rc != 0) {
        print_error("%s: %s\n", gpath, err.msg);
    }
    assert_int_equal(rc, 0);
    if (strcmp(got, want) != 0) {
        print_error("%s differs:\n%s\n", gpath, got);
    }
    assert_string_equal(got, want);
    assert_int_equal(len, glen);
    free(got);
    free(want);
}

static void test_goldens(void **state)
{
    (void)state;
    static const struct {
        const char *golden, *fixture;
        bool tmp;
    } cases[] = {
        { "deep_model_folder", "deep_model", false },
        { "empty_model_file", "empty_file_model", false },
        { "empty_model_folder", "empty_folder_model", true },
        { "model_folder_with_empty_file", "empty_file_inside_model", false },
        { "sample_model_file", "file_model", false },
        { "sample_model_folder", "sample_model", false },
        { "symlink_model_folder", "symlink_model", true },
    };
    static const uint64_t shards[] = { 0, 1000000000, 8 };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char model[512];
        (void)snprintf(model, sizeof(model), "%s/%s", cases[i].tmp ? tmpdir : MT "fixtures",
                       cases[i].fixture);
        for (size_t s = 0; s < 3; s++) {
            golden(cases[i].golden, model, shards[s]);
        }
    }
}

static void test_json_escape(void **state)
{
    (void)state;
    assert_int_equal(CUSTODY_EVERIFY, CU_EVERIFY); /* the public and the library code agree */
    struct cu_buf b = CU_BUF_INIT(4096);
    assert_true(cu_oms_json_str(&b, "\xe6\xa8\xa1\xe5\x9e\x8b.bin"));
    assert_string_equal(cu_buf_str(&b), "\"\\u6a21\\u578b.bin\"");
    cu_buf_reset(&b);
    assert_true(cu_oms_json_str(&b, "a\"b\\c\n\x01\x7f\xf0\x9f\x98\x80"));
    assert_string_equal(cu_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\\u007f\\ud83d\\ude00\"");
    cu_buf_reset(&b);
    assert_false(cu_oms_json_str(&b, "bad\xff"));
    cu_buf_reset(&b);
    assert_false(cu_oms_json_str(&b, "\xc0\xaf")); /* overlong */
    cu_buf_free(&b);
}

static void test_pae_compat(void **state)
{
    (void)state;
    uint8_t *out = NULL;
    size_t n = 0;
    custody_error err = { 0 };
    const char *p1 = "{\n  \"a\": 'x'\\\t\x01\xc3\xa9}";
    assert_int_equal(cu_oms_pae_compat(&out, &n, "t/x", (const uint8_t *)p1, strlen(p1), &err), 0);
    const char *want1 = "DSSEV1 3 t/x 18 b'{\\n  \"a\": \\'x\\'\\\\\\t\\x01\\xc3\\xa9}'";
    assert_int_equal(n, strlen(want1));
    assert_memory_equal(out, want1, n);
    free(out);
    const char *p2 = "it's";
    assert_int_equal(cu_oms_pae_compat(&out, &n, "t", (const uint8_t *)p2, strlen(p2), &err), 0);
    assert_int_equal(n, strlen("DSSEV1 1 t 4 b\"it's\""));
    assert_memory_equal(out, "DSSEV1 1 t 4 b\"it's\"", n);
    free(out);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[600];
    (void)snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    (void)fputs(text, f);
    fclose(f);
}

static int verify_key(const char *model,
                      const char *sig,
                      const char *pub,
                      bool unsigned_ok,
                      custody_error *err,
                      custody_verify_result **out)
{
    custody_verify_opts v = { 0 };
    v.method = CUSTODY_VERIFY_KEY;
    v.key_path = pub;
    v.allow_unsigned_files = unsigned_ok;
    custody_verify_result *r = NULL;
    int rc = custody_verify(&r, model, sig, &v, err);
    if (out != NULL) {
        *out = r;
    } else {
        custody_vr_free(r);
    }
    return rc;
}

static void roundtrip(custody_curve curve, uint64_t shard)
{
    char model[512], key[512], pub[512], other[512], opub[512], sig[512];
    (void)snprintf(model, sizeof(model), "%s/rt-model", tmpdir);
    (void)snprintf(key, sizeof(key), "%s/rt.key", tmpdir);
    (void)snprintf(pub, sizeof(pub), "%s/rt.key.pub", tmpdir);
    (void)snprintf(other, sizeof(other), "%s/other.key", tmpdir);
    (void)snprintf(opub, sizeof(opub), "%s/other.key.pub", tmpdir);
    (void)snprintf(sig, sizeof(sig), "%s/rt.sig", tmpdir);
    (void)mkdir(model, 0755);
    char sub[600];
    (void)snprintf(sub, sizeof(sub), "%s/d", model);
    (void)mkdir(sub, 0755);
    write_file(model, "a.txt", "alpha alpha alpha alpha");
    write_file(model, "d/b.bin", "beta");
    write_file(model, "empty", "");
    custody_error err = { 0 };
    assert_int_equal(custody_keygen(key, pub, curve, NULL, true, &err), 0);
    assert_int_equal(custody_keygen(other, opub, CUSTODY_CURVE_P256, "pw", true, &err), 0);
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* without force an existing key is kept */
    assert_int_equal(custody_keygen(key, pub, curve, NULL, false, &err), CUSTODY_EIO);

    custody_sign_opts so = { 0 };
    so.key_path = key;
    so.shard_size = shard;
    assert_int_equal(custody_sign(model, sig, &so, &err), 0);
    custody_verify_result *r = NULL;
    int rc = verify_key(model, sig, pub, false, &err, &r);
    if (rc != 0) {
        print_error("%s\n", err.msg);
    }
    assert_int_equal(rc, 0);
    assert_string_equal(custody_vr_get(r, "subject"), "rt-model");
    assert_int_equal(custody_vr_count(r), 3);
    custody_vr_free(r);

    /* wrong key */
    assert_int_equal(verify_key(model, sig, opub, false, &err, NULL), CUSTODY_EVERIFY);
    assert_non_null(strstr(err.msg, "wrong key"));
    /* encrypted key needs its passphrase */
    so.key_path = other;
    assert_int_equal(custody_sign(model, sig, &so, &err), CUSTODY_EINVAL);
    so.passphrase = "wrong";
    assert_int_equal(custody_sign(model, sig, &so, &err), CUSTODY_EINVAL);
    so.passphrase = "pw";
    so.key_path = other;
    char sig2[600];
    (void)snprintf(sig2, sizeof(sig2), "%s.2", sig);
    assert_int_equal(custody_sign(model, sig2, &so, &err), 0);
    assert_int_equal(verify_key(model, sig2, opub, false, &err, NULL), 0);

    /* a changed byte, an added file (allowed only as unsigned), a removed file */
    write_file(model, "a.txt", "alpha alpha alpha alphA");
    assert_int_equal(verify_key(model, sig, pub, false, &err, &r), CUSTODY_EVERIFY);
    assert_non_null(strstr(err.msg, "1 changed"));
    bool seen = false;
    for (size_t i = 0; i < custody_vr_count(r); i++) {
        if (strcmp(custody_vr_file_name(r, i), "a.txt") == 0) {
            seen = custody_vr_file_status(r, i) == CUSTODY_VFILE_CHANGED;
        }
    }
    assert_true(seen);
    custody_vr_free(r);
    write_file(model, "a.txt", "alpha alpha alpha alpha");
    write_file(model, "extra", "x");
    assert_int_equal(verify_key(model, sig, pub, false, &err, NULL), CUSTODY_EVERIFY);
    assert_non_null(strstr(err.msg, "1 added"));
    assert_int_equal(verify_key(model, sig, pub, true, &err, &r), 0);
    seen = false;
    for (size_t i = 0; i < custody_vr_count(r); i++) {
        seen |= custody_vr_file_status(r, i) == CUSTODY_VFILE_UNSIGNED;
    }
    assert_true(seen);
    custody_vr_free(r);
    char p[600];
    (void)snprintf(p, sizeof(p), "%s/extra", model);
    assert_int_equal(unlink(p), 0);
    (void)snprintf(p, sizeof(p), "%s/d/b.bin", model);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(verify_key(model, sig, pub, true, &err, NULL), CUSTODY_EVERIFY);
    assert_non_null(strstr(err.msg, "1 removed"));
    write_file(model, "d/b.bin", "beta");
    assert_int_equal(verify_key(model, sig, pub, false, &err, NULL), 0);
}

static void test_roundtrip(void **state)
{
    (void)state;
    roundtrip(CUSTODY_CURVE_P256, 0);
    roundtrip(CUSTODY_CURVE_P384, 0);
    roundtrip(CUSTODY_CURVE_P521, 0);
    roundtrip(CUSTODY_CURVE_P256, 5);
}

static void test_refusals(void **state)
{
    (void)state;
    char key[512], pub[512], sig[512];
    (void)snprintf(key, sizeof(key), "%s/rt.key", tmpdir);
    (void)snprintf(pub, sizeof(pub), "%s/rt.key.pub", tmpdir);
    (void)snprintf(sig, sizeof(sig), "%s/x.sig", tmpdir);
    custody_error err = { 0 };
    assert_int_equal(custody_keygen(key, pub, CUSTODY_CURVE_P256, NULL, true, &err), 0);
    custody_sign_opts so = { 0 };
    so.key_path = key;
    char model[512];
    (void)snprintf(model, sizeof(model), "%s/empty_folder_model", tmpdir);
    assert_int_equal(custody_sign(model, sig, &so, &err), CUSTODY_EINVAL); /* empty */
    (void)snprintf(model, sizeof(model), "%s/symlink_model", tmpdir);
    assert_int_equal(custody_sign(model, sig, &so, &err), CUSTODY_EINVAL); /* symlink */
    so.digest.allow_symlinks = true;
    assert_int_equal(custody_sign(model, sig, &so, &err), 0);
    /* verify refuses the symlink unless allowed */
    assert_int_equal(verify_key(model, sig, pub, false, &err, NULL), CUSTODY_EVERIFY);
    assert_non_null(strstr(err.msg, "symlink"));
    /* a missing signature file is an I/O error, garbage is a failed verification */
    assert_int_equal(verify_key(model, "/nonexistent/sig", pub, false, &err, NULL), CUSTODY_EIO);
    char garbage[512];
    (void)snprintf(garbage, sizeof(garbage), "%s/garbage.sig", tmpdir);
    write_file(tmpdir, "garbage.sig", "{not json");
    assert_int_equal(verify_key(model, garbage, pub, false, &err, NULL), CUSTODY_EVERIFY);
}

/* Signs an arbitrary statement with the PEM key at key_path and writes a bundle: what a hostile
 * signer (or a buggy one) could produce. */
static void sign_raw(const char *key_path, const char *stmt, const char *out)
{
    FILE *f = fopen(key_path, "r");
    assert_non_null(f);
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(key);
    uint8_t *pae = NULL;
    size_t pae_len = 0;
    custody_error err = { 0 };
    assert_int_equal(cu_dsse_pae(&pae, &pae_len, CU_OMS_PAYLOAD_TYPE, strlen(CU_OMS_PAYLOAD_TYPE),
                                 (const uint8_t *)stmt, strlen(stmt), &err),
                     0);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sl = 0;
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(ctx, NULL, &sl, pae, pae_len), 1);
    uint8_t *sig = malloc(sl);
    assert_int_equal(EVP_DigestSign(ctx, sig, &sl, pae, pae_len), 1);
    char *p64 = cu_b64_encode((const uint8_t *)stmt, strlen(stmt));
    char *s64 = cu_b64_encode(sig, sl);
    f = fopen(out, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"mediaType\":\"" CU_OMS_BUNDLE_MEDIA "\",\"verificationMaterial\":{\"publicKey\":"
            "{\"hint\":\"\"}},\"dsseEnvelope\":{\"payload\":\"%s\",\"payloadType\":"
            "\"" CU_OMS_PAYLOAD_TYPE "\",\"signatures\":[{\"sig\":\"%s\"}]}}",
            p64, s64);
    fclose(f);
    free(p64);
    free(s64);
    free(sig);
    free(pae);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
}

/* hex SHA-256 over the concatenated raw digests given in hex */
static void root_of(char out[65], const char *const *hex, size_t n)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestInit_ex(c, EVP_sha256(), NULL), 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t d[64];
        size_t dn = strlen(hex[i]) / 2;
        for (size_t j = 0; j < dn; j++) {
            d[j] = (uint8_t)(cu_hexval((uint8_t)hex[i][2 * j]) << 4 |
                             cu_hexval((uint8_t)hex[i][2 * j + 1]));
        }
        EVP_DigestUpdate(c, d, dn);
    }
    uint8_t r[32];
    unsigned int l = 0;
    EVP_DigestFinal_ex(c, r, &l);
    EVP_MD_CTX_free(c);
    for (size_t i = 0; i < 32; i++) {
        (void)snprintf(out + 2 * i, 3, "%02x", r[i]);
    }
}

/* Statements a signer controls: names that climb out of the model, duplicates, an inconsistent
 * root, a bad shard layout, unknown hash types: all fail verification (exit 1). */
static void test_hostile_statements(void **state)
{
    (void)state;
    char key[512], pub[512], model[512], sig[512];
    (void)snprintf(key, sizeof(key), "%s/h.key", tmpdir);
    (void)snprintf(pub, sizeof(pub), "%s/h.key.pub", tmpdir);
    (void)snprintf(model, sizeof(model), "%s/h-model", tmpdir);
    (void)snprintf(sig, sizeof(sig), "%s/h.sig", tmpdir);
    custody_error err = { 0 };
    assert_int_equal(custody_keygen(key, pub, CUSTODY_CURVE_P256, NULL, true, &err), 0);
    (void)mkdir(model, 0755);
    write_file(model, "a", "hello"); /* sha256 2cf24dba... */
    write_file(tmpdir, "secret", "hello");
    static const char ha[] = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    static const char hb[] = "e4cfa39a3d37be31c59609e807970799caa68a19bfaa15135f165085e01d41a6"
                             "5ba1e1b146aeb6bd0092b49eac214c103ccfa3a365954bbbe52f74a2b3620c94";
    static const char files[] = "{\"method\":\"files\",\"hash_type\":\"sha256\","
                                "\"allow_symlinks\":false}";
    static const struct {
        const char *alg;   /* resource algorithm */
        const char *names; /* resource names, '|'-separated, each with the digest of "hello" */
        const char *ser;   /* serialization JSON (NULL: files, sha256) */
        int n;             /* digests the subject's root is computed over */
        const char *cause; /* expected in err.msg; NULL: verifies */
        bool blake;        /* digests are BLAKE2b-512 of "hello" */
    } cases[] = {
        { "sha256", "a", NULL, 1, NULL, false },
        { "sha256", "../secret", NULL, 1, "not a plain relative path", false },
        { "sha256", "/etc/hostname", NULL, 1, "not a plain relative path", false },
        { "sha256", "./a", NULL, 1, "not a plain relative path", false },
        { "sha256", "a|a", NULL, 2, "listed twice", false },
        { "sha256", "a", NULL, 2, "inconsistent", false },
        { "blake3", "a", "{\"method\":\"files\",\"hash_type\":\"blake3\",\"allow_symlinks\":false}",
          1, "not supported", false },
        { "sha256-sharded-5", "a:0:5",
          "{\"method\":\"shards\",\"hash_type\":\"sha256\",\"allow_symlinks\":false,"
          "\"shard_size\":5.0}",
          1, NULL, false },
        { "sha256-sharded-5", "a:0:5|a:0:5",
          "{\"method\":\"shards\",\"hash_type\":\"sha256\",\"allow_symlinks\":false,"
          "\"shard_size\":5.0}",
          2, "1 changed", false },
        { "sha256-sharded-9", "a:0:5",
          "{\"method\":\"shards\",\"hash_type\":\"sha256\",\"allow_symlinks\":false,"
          "\"shard_size\":9.0}",
          1, NULL, false },
        { "sha256-sharded-4", "a:0:5",
          "{\"method\":\"shards\",\"hash_type\":\"sha256\",\"allow_symlinks\":false,"
          "\"shard_size\":4.0}",
          1, "1 changed", false },
        { "blake2b", "a",
          "{\"method\":\"files\",\"hash_type\":\"blake2b\",\"allow_symlinks\":false}", 1, NULL,
          true },
        { "blake2b-sharded-5", "a:0:5",
          "{\"method\":\"shards\",\"hash_type\":\"blake2b\",\"allow_symlinks\":false,"
          "\"shard_size\":5.0}",
          1, NULL, true },
        { "sha256", "a",
          "{\"method\":\"files\",\"hash_type\":\"blake2b\",\"allow_symlinks\":false}", 1,
          "lacks a name, algorithm", false },
        { "sha256", "a",
          "{\"method\":\"tensors\",\"hash_type\":\"sha256\",\"allow_symlinks\":false}", 1,
          "unknown serialization", false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char res[1024] = "", stmt[4096], root[65];
        const char *dg = cases[i].blake ? hb : ha;
        const char *digs[2] = { dg, dg };
        size_t off = 0;
        for (const char *nm = cases[i].names; nm != NULL && *nm != 0;) {
            const char *bar = strchr(nm, '|');
            int len = (int)(bar != NULL ? (size_t)(bar - nm) : strlen(nm));
            off += (size_t)snprintf(res + off, sizeof(res) - off,
                                    "%s{\"algorithm\":\"%s\",\"digest\":\"%s\",\"name\":\"%.*s\"}",
                                    off > 0 ? "," : "", cases[i].alg, dg, len, nm);
            nm = bar != NULL ? bar + 1 : NULL;
        }
        root_of(root, digs, (size_t)cases[i].n);
        (void)snprintf(stmt, sizeof(stmt),
                       "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":"
                       "\"h-model\",\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":"
                       "\"https://model_signing/signature/v1.0\",\"predicate\":{"
                       "\"serialization\":%s,\"resources\":[%s]}}",
                       root, cases[i].ser != NULL ? cases[i].ser : files, res);
        sign_raw(key, stmt, sig);
        memset(&err, 0, sizeof(err));
        int rc = verify_key(model, sig, pub, false, &err, NULL);
        if (cases[i].cause == NULL) {
            if (rc != 0) {
                print_error("case %zu: %s\n", i, err.msg);
            }
            assert_int_equal(rc, 0);
        } else {
            if (rc != CUSTODY_EVERIFY || strstr(err.msg, cases[i].cause) == NULL) {
                print_error("case %zu: rc %d: %s\n", i, rc, err.msg);
            }
            assert_int_equal(rc, CUSTODY_EVERIFY);
            assert_non_null(strstr(err.msg, cases[i].cause));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_goldens),    cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_pae_compat), cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_refusals),   cmocka_unit_test(test_hostile_statements),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
