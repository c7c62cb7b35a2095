/* The zip analyzer and torch zip checkpoints: every differential gives its finding, clean
 * archives give none, members are analysed whatever is wrong around them, and a checkpoint's
 * tensor data is not read. Fixtures: tests/fixtures/make_zip_fixtures.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <zlib.h>

#include "testutil.h"

static custody_scan *scan_zip(const char *name)
{
    char rel[256];
    int n = snprintf(rel, sizeof(rel), "zip/%s", name);
    assert_true(n > 0 && (size_t)n < sizeof(rel));
    return tu_scan_fixture(rel);
}

/* A finding of `rule` whose location ends with `suffix`. */
static bool has_at(const custody_scan *s, const char *rule, const char *suffix)
{
    size_t sl = strlen(suffix);
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        size_t ll = strlen(f->location);
        if (strcmp(f->rule_id, rule) == 0 && ll >= sl &&
            strcmp(f->location + ll - sl, suffix) == 0) {
            return true;
        }
    }
    return false;
}

static size_t count_prefix(const custody_scan *s, const char *prefix, custody_severity min)
{
    size_t n = 0;
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        if (f->severity >= min && strncmp(f->rule_id, prefix, strlen(prefix)) == 0) {
            n++;
        }
    }
    return n;
}

/* Scans the fixture and checks `rule` appears at least `min_count` times at >= medium. */
static void expect_rule(const char *fixture, const char *rule, size_t min_count)
{
    custody_scan *s = scan_zip(fixture);
    size_t n = tu_count(s, rule, CUSTODY_SEV_LOW);
    if (n < min_count) {
        tu_dump(s);
    }
    assert_true(n >= min_count);
    assert_int_equal(custody_scan_file(s, 0)->status, CUSTODY_FILE_SCANNED);
    assert_string_equal(custody_scan_file(s, 0)->format, "zip");
    custody_scan_free(s);
}

static void normal_zip_has_no_findings(void **state)
{
    (void)state;
    const char *clean[] = { "normal.zip", "empty.zip", "methods_ok.zip", "zip64.zip", "lzma.zip" };
    for (size_t i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
        custody_scan *s = scan_zip(clean[i]);
        if (tu_count(s, NULL, CUSTODY_SEV_INFO) != 0) {
            printf("%s:\n", clean[i]);
            tu_dump(s);
        }
        assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_INFO), 0);
        assert_int_equal(custody_scan_file(s, 0)->status, CUSTODY_FILE_SCANNED);
        assert_string_equal(custody_scan_file(s, 0)->format, "zip");
        custody_scan_free(s);
    }
}

static void bad_crc_is_reported_and_member_still_analysed(void **state)
{
    (void)state;
    custody_scan *s = scan_zip("crc.zip");
    assert_int_equal(tu_count(s, "zip/crc-mismatch", CUSTODY_SEV_HIGH), 1);
    assert_true(has_at(s, "zip/crc-mismatch", "crc.zip!data.pkl"));
    assert_true(has_at(s, "file/unrecognised-model", "crc.zip!data.pkl"));
    custody_scan_free(s);
}

static void duplicate_names_are_reported_and_both_analysed(void **state)
{
    (void)state;
    custody_scan *s = scan_zip("duplicate.zip");
    assert_int_equal(tu_count(s, "zip/duplicate-name", CUSTODY_SEV_HIGH), 1);
    assert_true(has_at(s, "file/unrecognised-model", "duplicate.zip!model.pkl"));
    assert_true(has_at(s, "file/unrecognised-model", "duplicate.zip!model.pkl!y.pkl"));
    custody_scan_free(s);
}

static void hidden_local_entry_is_found_and_analysed(void **state)
{
    (void)state;
    custody_scan *s = scan_zip("hidden.zip");
    assert_int_equal(tu_count(s, "zip/hidden-entry", CUSTODY_SEV_HIGH), 1);
    assert_true(tu_has_text(s, "hidden.pkl", CUSTODY_SEV_HIGH));
    assert_true(has_at(s, "file/unrecognised-model", "hidden.zip!hidden.pkl"));
    assert_int_equal(tu_count(s, "zip/unaccounted-data", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

static void structural_differentials_give_their_findings(void **state)
{
    (void)state;
    expect_rule("overlap.zip", "zip/overlapping-entries", 1);
    expect_rule("name_mismatch.zip", "zip/header-mismatch", 1);
    expect_rule("size_mismatch.zip", "zip/header-mismatch", 1);
    expect_rule("appended.zip", "zip/appended-data", 1);
    expect_rule("prepended.zip", "zip/prepended-data", 1);
    expect_rule("concat.zip", "zip/prepended-data", 1);
    expect_rule("concat.zip", "zip/hidden-entry", 1);
    expect_rule("multi_eocd.zip", "zip/multiple-eocd", 1);
    expect_rule("multi_eocd.zip", "zip/hidden-entry", 1);
    expect_rule("traversal.zip", "zip/path-traversal", 3);
    expect_rule("nul_name.zip", "zip/suspicious-name", 1);
    expect_rule("encrypted.zip", "zip/encrypted", 1);
    expect_rule("flags.zip", "zip/flag-bits", 1);
    expect_rule("method.zip", "zip/unsupported-method", 1);
    expect_rule("zip64_bad.zip", "zip/zip64-inconsistent", 1);
    expect_rule("corrupt_deflate.zip", "scan/decode-error", 1);
    expect_rule("count_mismatch.zip", "zip/eocd-inconsistent", 2);
    expect_rule("bad_extra.zip", "zip/bad-extra-field", 1);
    expect_rule("descriptor_mismatch.zip", "zip/header-mismatch", 1);
}

static void nested_zip_is_analysed_with_member_locations(void **state)
{
    (void)state;
    custody_scan *s = scan_zip("nested.zip");
    assert_true(has_at(s, "file/unrecognised-model", "nested.zip!inner.zip!data.pkl"));
    assert_int_equal(count_prefix(s, "zip/", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

static void bomb_ratio_hits_the_limit(void **state)
{
    (void)state;
    custody_scan *s = scan_zip("bomb.zip");
    assert_true(tu_count(s, "scan/limit-exceeded", CUSTODY_SEV_HIGH) >= 1);
    assert_true(tu_has_text(s, "2000:1", CUSTODY_SEV_HIGH));
    custody_scan_free(s);
}

static void truncated_zip_reports_and_recovers_members(void **state)
{
    (void)state;
    custody_scan *s = scan_zip("truncated.zip");
    assert_true(tu_count(s, "zip/truncated", CUSTODY_SEV_MEDIUM) >= 1);
    assert_true(has_at(s, "file/unrecognised-model", "truncated.zip!a.pkl"));
    custody_scan_free(s);

    /* torch writes data descriptors (flag 0x808): recovery ends each member at its
     * descriptor, so the storage after data.pkl is found too. */
    s = scan_zip("torch_truncated.pt");
    assert_true(tu_count(s, "zip/truncated", CUSTODY_SEV_MEDIUM) >= 1);
    assert_true(has_at(s, "torch/checkpoint", "torch_truncated.pt"));
    assert_true(tu_has_text(s, "version=3 storages=1", CUSTODY_SEV_INFO));
    assert_int_equal(tu_count(s, "zip/hidden-entry", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

static void huge_declared_counts_and_sizes_fail_cleanly(void **state)
{
    (void)state;
    expect_rule("huge_counts.zip", "zip/truncated", 1);
    expect_rule("zip64_huge.zip", "zip/truncated", 1);
}

static void torch_checkpoint_facts_and_checks(void **state)
{
    (void)state;
    custody_scan *s = scan_zip("torch_min.zip");
    assert_int_equal(tu_count(s, "torch/checkpoint", CUSTODY_SEV_INFO), 1);
    assert_true(tu_has_text(s,
                            "version=3 byteorder=little serialization_id=1234567890 "
                            "storages=1",
                            CUSTODY_SEV_INFO));
    assert_int_equal(count_prefix(s, "zip/", CUSTODY_SEV_INFO), 0);
    assert_int_equal(count_prefix(s, "torch/", CUSTODY_SEV_LOW), 0);
    /* the storage (bytes 0..255 repeated) raises nothing */
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        assert_null(strstr(custody_scan_finding(s, i)->location, "data/0"));
    }
    custody_scan_free(s);

    s = scan_zip("torch_real.pt");
    assert_int_equal(tu_count(s, "torch/checkpoint", CUSTODY_SEV_INFO), 1);
    assert_true(tu_has_text(s, "prefix=archive version=3", CUSTODY_SEV_INFO));
    assert_int_equal(count_prefix(s, "zip/", CUSTODY_SEV_INFO), 0);
    assert_int_equal(count_prefix(s, "torch/", CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);

    expect_rule("torch_byteorder.zip", "torch/bad-byteorder", 1);
    expect_rule("torch_version.zip", "torch/bad-version", 1);
    expect_rule("torch_nodata.zip", "torch/missing-data-pkl", 1);
    expect_rule("torch_foreign.zip", "torch/foreign-member", 1);
}

static void unrecognisable_data_pkl_is_a_finding(void **state)
{
    (void)state;
    custody_scan *s = scan_zip("torch_badpkl.zip");
    assert_true(has_at(s, "file/unrecognised-model", "torch_badpkl.zip!archive/data.pkl"));
    custody_scan_free(s);
}

/* ---- a checkpoint with 4 MiB of tensor data, built here ---- */

struct zb {
    uint8_t *p;
    size_t len, cap;
};

static void zb_add(struct zb *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void zb_u16(struct zb *b, unsigned v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    zb_add(b, x, 2);
}

static void zb_u32(struct zb *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    zb_add(b, x, 4);
}

struct member {
    const char *name;
    const uint8_t *data;
    size_t len;
};

/* A stored-only archive. */
static struct zb build_stored(const struct member *m, size_t n)
{
    struct zb b = { NULL, 0, 0 };
    struct zb cd = { NULL, 0, 0 };
    for (size_t i = 0; i < n; i++) {
        uint32_t crc = (uint32_t)crc32(0, m[i].data, (uInt)m[i].len);
        uint32_t off = (uint32_t)b.len;
        uint16_t nl = (uint16_t)strlen(m[i].name);
        zb_u32(&b, 0x04034b50u);
        zb_u16(&b, 20);
        zb_u16(&b, 0);
        zb_u16(&b, 0);
        zb_u32(&b, 0);
        zb_u32(&b, crc);
        zb_u32(&b, (uint32_t)m[i].len);
        zb_u32(&b, (uint32_t)m[i].len);
        zb_u16(&b, nl);
        zb_u16(&b, 0);
        zb_add(&b, m[i].name, nl);
        zb_add(&b, m[i].data, m[i].len);
        zb_u32(&cd, 0x02014b50u);
        zb_u16(&cd, 20);
        zb_u16(&cd, 20);
        zb_u16(&cd, 0);
        zb_u16(&cd, 0);
        zb_u32(&cd, 0);
        zb_u32(&cd, crc);
        zb_u32(&cd, (uint32_t)m[i].len);
        zb_u32(&cd, (uint32_t)m[i].len);
        zb_u16(&cd, nl);
        zb_u16(&cd, 0);
        zb_u16(&cd, 0);
        zb_u16(&cd, 0);
        zb_u16(&cd, 0);
        zb_u32(&cd, 0);
        zb_u32(&cd, off);
        zb_add(&cd, m[i].name, nl);
    }
    uint32_t cd_off = (uint32_t)b.len;
    zb_add(&b, cd.p, cd.len);
    zb_u32(&b, 0x06054b50u);
    zb_u16(&b, 0);
    zb_u16(&b, 0);
    zb_u16(&b, (unsigned)n);
    zb_u16(&b, (unsigned)n);
    zb_u32(&b, (uint32_t)cd.len);
    zb_u32(&b, cd_off);
    zb_u16(&b, 0);
    free(cd.p);
    return b;
}

static void checkpoint_scan_reads_pickles_not_tensor_data(void **state)
{
    (void)state;
    size_t big = 4u << 20;
    uint8_t *tensor = malloc(big);
    assert_non_null(tensor);
    for (size_t i = 0; i < big; i++) {
        tensor[i] = (uint8_t)(i * 2654435761u >> 13); /* float-like noise */
    }
    static const uint8_t pkl[] = { 0x80, 0x02, 'K', 0x01, '.' };
    struct member m[] = {
        { "archive/data.pkl", pkl, sizeof(pkl) },
        { "archive/version", (const uint8_t *)"3\n", 2 },
        { "archive/byteorder", (const uint8_t *)"little", 6 },
        { "archive/data/0", tensor, big },
    };
    struct zb b = build_stored(m, sizeof(m) / sizeof(m[0]));
    free(tensor);

    char path[] = "/tmp/custody-zip-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.p, b.len), (ssize_t)b.len);
    assert_int_equal(close(fd), 0);

    custody_scan *s = NULL;
    custody_error err;
    assert_int_equal(custody_scan_new(&s, NULL, &err), 0);
    assert_int_equal(custody_scan_add_path(s, path, &err), 0);
    assert_int_equal(custody_scan_run(s, &err), 0);
    const custody_file *f = custody_scan_file(s, 0);
    printf("checkpoint of %llu bytes: read %llu\n", (unsigned long long)f->size,
           (unsigned long long)f->bytes_read);
    assert_int_equal(f->size, b.len);
    assert_true(f->bytes_read < f->size / 16); /* well under 256 KiB of a 4 MiB file */
    assert_int_equal(tu_count(s, "torch/checkpoint", CUSTODY_SEV_INFO), 1);
    assert_int_equal(count_prefix(s, "zip/", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    (void)unlink(path);
    free(b.p);
}

/* Every prefix and every single-byte corruption of a small archive scans without a crash,
 * and a damaged archive is never silently clean unless the damage hit nothing structural. */
/* Torch mode: data.pkl is read with torch's persistent_load in mind (storage references are
 * expected, anything else is not), and storages are raw bytes: random data raises nothing, a
 * complete pickle hidden in one is still analysed. */
static custody_scan *scan_members(const struct member *m, size_t n)
{
    struct zb b = build_stored(m, n);
    custody_scan *s = tu_scan_buffer("ckpt.pt", b.p, b.len);
    free(b.p);
    return s;
}

static void torch_mode_persistent_ids_and_storage_probe(void **state)
{
    (void)state;
    static const char good[] = "\x80\x02}q\x00X\x01\x00\x00\x00wq\x01(X\x07\x00\x00\x00storage"
                               "ctorch\nFloatStorage\nX\x01\x00\x00\x00"
                               "0X\x03\x00\x00\x00"
                               "cpuK\x04tQs.";
    static const char odd[] = "\x80\x02X\x03\x00\x00\x00"
                              "abcQ.";
    static const char evil[] = "\x80\x02"
                               "cos\nsystem\nX\x11\x00\x00\x00"
                               "echo custody-test\x85R.";
    uint8_t noise[4096];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof(noise); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise[i] = (uint8_t)x;
    }
    noise[0] = 0x80; /* looks like a protocol-2 pickle header, then garbage */
    noise[1] = 0x02;
    const struct member ok[] = {
        { "archive/data.pkl", (const uint8_t *)good, sizeof(good) - 1 },
        { "archive/version", (const uint8_t *)"3\n", 2 },
        { "archive/data/0", noise, sizeof(noise) },
    };
    custody_scan *s = scan_members(ok, 3);
    if (tu_count(s, NULL, CUSTODY_SEV_LOW) != 0) {
        tu_dump(s);
    }
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    assert_int_equal(tu_count(s, "torch/checkpoint", CUSTODY_SEV_INFO), 1);
    custody_scan_free(s);

    /* a persistent id that is not a storage reference is unusual in a checkpoint */
    const struct member odd_m[] = {
        { "archive/data.pkl", (const uint8_t *)odd, sizeof(odd) - 1 },
        { "archive/version", (const uint8_t *)"3\n", 2 },
    };
    s = scan_members(odd_m, 2);
    assert_int_equal(tu_count(s, "pickle/persistent-id", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);

    /* a clean, complete pickle in a storage is analysed */
    const struct member hid[] = {
        { "archive/data.pkl", (const uint8_t *)good, sizeof(good) - 1 },
        { "archive/version", (const uint8_t *)"3\n", 2 },
        { "archive/data/0", (const uint8_t *)evil, sizeof(evil) - 1 },
    };
    s = scan_members(hid, 3);
    assert_true(tu_has_text(s, "os.system('echo custody-test')", CUSTODY_SEV_CRITICAL));
    custody_scan_free(s);
}

static void damaged_archives_never_crash(void **state)
{
    (void)state;
    static const uint8_t pkl[] = { 'n', 'o', 't', ' ', 'p', 'k', 'l' };
    struct member m[] = { { "a/data.pkl", pkl, sizeof(pkl) }, { "a/version", pkl, 2 } };
    struct zb b = build_stored(m, 2);
    for (size_t cut = 0; cut < b.len; cut++) {
        custody_scan *s = tu_scan_buffer("t.zip", b.p, cut);
        custody_scan_free(s);
    }
    uint8_t *copy = malloc(b.len);
    assert_non_null(copy);
    for (size_t i = 0; i < b.len; i++) {
        memcpy(copy, b.p, b.len);
        copy[i] ^= 0xA5;
        custody_scan *s = tu_scan_buffer("t.zip", copy, b.len);
        custody_scan_free(s);
    }
    /* a cut inside the central directory is always a finding */
    custody_scan *s = tu_scan_buffer("t.zip", b.p, b.len - 30);
    assert_true(tu_count(s, "zip/truncated", CUSTODY_SEV_MEDIUM) >= 1);
    custody_scan_free(s);
    free(copy);
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normal_zip_has_no_findings),
        cmocka_unit_test(bad_crc_is_reported_and_member_still_analysed),
        cmocka_unit_test(duplicate_names_are_reported_and_both_analysed),
        cmocka_unit_test(hidden_local_entry_is_found_and_analysed),
        cmocka_unit_test(structural_differentials_give_their_findings),
        cmocka_unit_test(nested_zip_is_analysed_with_member_locations),
        cmocka_unit_test(bomb_ratio_hits_the_limit),
        cmocka_unit_test(truncated_zip_reports_and_recovers_members),
        cmocka_unit_test(huge_declared_counts_and_sizes_fail_cleanly),
        cmocka_unit_test(torch_checkpoint_facts_and_checks),
        cmocka_unit_test(unrecognisable_data_pkl_is_a_finding),
        cmocka_unit_test(checkpoint_scan_reads_pickles_not_tensor_data),
        cmocka_unit_test(torch_mode_persistent_ids_and_storage_probe),
        cmocka_unit_test(damaged_archives_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
