/* safetensors analyzer: benign fixtures are clean and summarised, every malicious twin is high
 * with its rule, every broken twin gives its medium (or low) rule, and a 10 GB sparse file is
 * judged from its header alone. Fixtures: tests/fixtures/make_safetensors.py. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

static custody_scan *scan_st(const char *dir, const char *name)
{
    char rel[256];
    int n = snprintf(rel, sizeof(rel), "safetensors/%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < sizeof(rel));
    return tu_scan_fixture(rel);
}

static void expect(const char *dir, const char *name, const char *rule, custody_severity min)
{
    custody_scan *s = scan_st(dir, name);
    if (tu_count(s, rule, min) == 0) {
        tu_dump(s);
        fail_msg("%s/%s: expected %s at >= %s", dir, name, rule, custody_severity_name(min));
    }
    assert_string_equal(custody_scan_file(s, 0)->format, "safetensors");
    custody_scan_free(s);
}

static void test_benign(void **state)
{
    (void)state;
    static const char *const files[] = { "model.safetensors", "nometa.safetensors",
                                         "empty.safetensors", "scalar_and_zero.safetensors" };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        custody_scan *s = scan_st("benign", files[i]);
        if (tu_count(s, NULL, CUSTODY_SEV_LOW) != 0) {
            tu_dump(s);
            fail_msg("benign %s has findings", files[i]);
        }
        assert_int_equal(tu_count(s, "safetensors/summary", CUSTODY_SEV_INFO), 1);
        assert_string_equal(custody_scan_file(s, 0)->format, "safetensors");
        custody_scan_free(s);
    }
}

static void test_summary_facts(void **state)
{
    (void)state;
    custody_scan *s = scan_st("benign", "model.safetensors");
    /* 6 + 3 + 4 + 2 + 3 + 4 elements */
    assert_true(tu_has_text(s, "6 tensors, 22 parameters", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "F4=1", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "BF16=1", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "F32=2", CUSTODY_SEV_INFO));
    custody_scan_free(s);
    s = scan_st("benign", "empty.safetensors");
    assert_true(tu_has_text(s, "0 tensors, 0 parameters; dtypes: none", CUSTODY_SEV_INFO));
    custody_scan_free(s);
}

static void test_malicious(void **state)
{
    (void)state;
    expect("malicious", "overlap.safetensors", "safetensors/overlap", CUSTODY_SEV_HIGH);
    expect("malicious", "duplicate_key.safetensors", "safetensors/duplicate-key", CUSTODY_SEV_HIGH);
    expect("malicious", "out_of_bounds.safetensors", "safetensors/out-of-bounds", CUSTODY_SEV_HIGH);
    expect("malicious", "shape_overflow.safetensors", "safetensors/size-overflow",
           CUSTODY_SEV_HIGH);
    /* the duplicate is still analysed after the finding (last entry wins): the first 'w' at
     * [0,8] is dropped, so the second leaves a gap at the start */
    custody_scan *s = scan_st("malicious", "duplicate_key.safetensors");
    assert_int_equal(tu_count(s, "safetensors/gap", CUSTODY_SEV_MEDIUM), 1);
    assert_true(tu_has_text(s, "1 tensors, 2 parameters", CUSTODY_SEV_INFO));
    custody_scan_free(s);
    s = scan_st("malicious", "overlap.safetensors");
    assert_true(tu_has_text(s, "tensor 'b' [8, 16] overlaps tensor 'a'", CUSTODY_SEV_HIGH));
    custody_scan_free(s);
}

static void test_broken(void **state)
{
    (void)state;
    static const struct {
        const char *file, *rule;
        custody_severity sev;
    } cases[] = {
        { "gap.safetensors", "safetensors/gap", CUSTODY_SEV_MEDIUM },
        { "trailing.safetensors", "safetensors/trailing-data", CUSTODY_SEV_MEDIUM },
        { "size_mismatch.safetensors", "safetensors/size-mismatch", CUSTODY_SEV_MEDIUM },
        { "unknown_dtype.safetensors", "safetensors/invalid-tensor", CUSTODY_SEV_MEDIUM },
        { "negative_shape.safetensors", "safetensors/invalid-tensor", CUSTODY_SEV_MEDIUM },
        { "bad_offsets.safetensors", "safetensors/invalid-tensor", CUSTODY_SEV_MEDIUM },
        { "bad_metadata.safetensors", "safetensors/bad-metadata", CUSTODY_SEV_MEDIUM },
        { "unknown_key.safetensors", "safetensors/unknown-key", CUSTODY_SEV_MEDIUM },
        { "extra_field.safetensors", "safetensors/extra-field", CUSTODY_SEV_LOW },
        { "bad_utf8.safetensors", "safetensors/malformed", CUSTODY_SEV_MEDIUM },
        { "bad_json.safetensors", "safetensors/malformed", CUSTODY_SEV_MEDIUM },
        { "truncated_header.safetensors", "safetensors/malformed", CUSTODY_SEV_MEDIUM },
        { "leading_space.safetensors", "safetensors/header-quirk", CUSTODY_SEV_LOW },
        { "subbyte_misaligned.safetensors", "safetensors/size-mismatch", CUSTODY_SEV_MEDIUM },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        expect("broken", cases[i].file, cases[i].rule, cases[i].sev);
    }
    /* the extra field and the leading space are quirks only: nothing at medium */
    custody_scan *s = scan_st("broken", "extra_field.safetensors");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    custody_scan_free(s);
    s = scan_st("broken", "leading_space.safetensors");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    custody_scan_free(s);
    s = scan_st("broken", "bad_utf8.safetensors");
    assert_true(tu_has_text(s, "UTF-8", CUSTODY_SEV_MEDIUM));
    custody_scan_free(s);
}

/* Builds a file: u64 length, header text padded with spaces to 8, then `data`. */
static size_t mk(uint8_t *out, size_t cap, const char *hdr, const void *data, size_t dlen)
{
    size_t hl = strlen(hdr);
    size_t padded = (hl + 7) / 8 * 8;
    assert_true(8 + padded + dlen <= cap);
    for (int i = 0; i < 8; i++) {
        out[i] = (uint8_t)((uint64_t)padded >> (8 * i));
    }
    memcpy(out + 8, hdr, hl);
    memset(out + 8 + hl, ' ', padded - hl);
    if (dlen > 0) {
        memcpy(out + 8 + padded, data, dlen);
    }
    return 8 + padded + dlen;
}

static custody_scan *scan_hdr(const char *name, const char *hdr, size_t dlen)
{
    static uint8_t buf[8192];
    uint8_t data[1024] = { 0 };
    assert_true(dlen <= sizeof(data));
    size_t n = mk(buf, sizeof(buf), hdr, data, dlen);
    return tu_scan_buffer(name, buf, n);
}

static void test_layout_edges(void **state)
{
    (void)state;
    /* empty tensors at the boundaries do not overlap */
    custody_scan *s = scan_hdr("x.safetensors",
                               "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                               "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]},"
                               "\"f\":{\"dtype\":\"U8\",\"shape\":[0,3],\"data_offsets\":[0,0]}}",
                               8);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
    /* an empty tensor inside another: rejected by the reference, not an overlap */
    s = scan_hdr("x.safetensors",
                 "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                 "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}",
                 8);
    assert_int_equal(tu_count(s, "safetensors/gap", CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(tu_count(s, "safetensors/overlap", CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
    /* tensors listed out of order are fine (sorted by offset, like the reference) */
    s = scan_hdr("x.safetensors",
                 "{\"b\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                 "\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                 12);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
    /* missing data: out of bounds; no tensors but data: trailing */
    s = scan_hdr("x.safetensors",
                 "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8);
    assert_int_equal(tu_count(s, "safetensors/out-of-bounds", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    s = scan_hdr("x.safetensors", "{}", 4);
    assert_int_equal(tu_count(s, "safetensors/trailing-data", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    /* metadata: null is accepted (None); a list is not */
    s = scan_hdr("x.safetensors", "{\"__metadata__\":null}", 0);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
    s = scan_hdr("x.safetensors", "{\"__metadata__\":[\"a\"]}", 0);
    assert_int_equal(tu_count(s, "safetensors/bad-metadata", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    /* a non-object header */
    s = scan_hdr("x.safetensors", "{\"a\":1}", 0);
    assert_int_equal(tu_count(s, "safetensors/unknown-key", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    /* shape entries must be integers */
    s = scan_hdr("x.safetensors",
                 "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", 4);
    assert_int_equal(tu_count(s, "safetensors/invalid-tensor", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

static void test_sniff(void **state)
{
    (void)state;
    /* by content, whatever the name */
    uint8_t buf[256];
    size_t n = mk(buf, sizeof(buf),
                  "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", "ab", 2);
    custody_scan *s = tu_scan_buffer("weights.bin", buf, n);
    assert_string_equal(custody_scan_file(s, 0)->format, "safetensors");
    custody_scan_free(s);
    /* a length larger than the file, '{' after it, no .safetensors name: not claimed */
    static const uint8_t notst[] = "\xff\x00\x00\x00\x00\x00\x00\x00{\"x\": 1}";
    s = tu_scan_buffer("data.txt", notst, sizeof(notst) - 1);
    assert_true(custody_scan_file(s, 0)->format == NULL ||
                strcmp(custody_scan_file(s, 0)->format, "safetensors") != 0);
    custody_scan_free(s);
    /* ... but named like one it is, and is malformed */
    s = tu_scan_buffer("m.safetensors", notst, sizeof(notst) - 1);
    assert_int_equal(tu_count(s, "safetensors/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

/* A sparse file of `total` bytes whose first bytes are `head`. */

static void test_10gb_sparse(void **state)
{
    (void)state;
    const uint64_t data = 10ull << 30; /* 10 GiB of F32 */
    char hdr[256];
    int hl = snprintf(hdr, sizeof(hdr),
                      "{\"__metadata__\":{\"format\":\"pt\"},\"huge\":{\"dtype\":\"F32\","
                      "\"shape\":[%llu],\"data_offsets\":[0,%llu]}}",
                      (unsigned long long)(data / 4), (unsigned long long)data);
    assert_true(hl > 0 && (size_t)hl < sizeof(hdr));
    uint8_t head[300];
    size_t n = mk(head, sizeof(head), hdr, NULL, 0);
    custody_scan *s = tu_scan_sparse(head, n, n + data, NULL, 0);
    const custody_file *f = custody_scan_file(s, 0);
    print_message("10 GiB safetensors: size %llu, bytes_read %llu\n", (unsigned long long)f->size,
                  (unsigned long long)f->bytes_read);
    assert_string_equal(f->format, "safetensors");
    assert_true(f->size > data);
    assert_true(f->bytes_read < (1u << 20));
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    assert_true(tu_has_text(s, "1 tensors, 2684354560 parameters", CUSTODY_SEV_INFO));
    custody_scan_free(s);
}

static void test_header_too_large(void **state)
{
    (void)state;
    /* 100,000,008-byte header (over the reference's 100,000,000), sparse: never parsed */
    const uint64_t hlen = 100000008ull;
    uint8_t head[16];
    for (int i = 0; i < 8; i++) {
        head[i] = (uint8_t)(hlen >> (8 * i));
    }
    memcpy(head + 8, "{\"a\":{}}", 8);
    custody_scan *s = tu_scan_sparse(head, sizeof(head), 8 + hlen, NULL, 0);
    const custody_file *f = custody_scan_file(s, 0);
    assert_int_equal(tu_count(s, "safetensors/header-too-large", CUSTODY_SEV_MEDIUM), 1);
    assert_true(f->bytes_read < (1u << 20));
    custody_scan_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_benign),       cmocka_unit_test(test_summary_facts),
        cmocka_unit_test(test_malicious),    cmocka_unit_test(test_broken),
        cmocka_unit_test(test_layout_edges), cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_10gb_sparse),  cmocka_unit_test(test_header_too_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
