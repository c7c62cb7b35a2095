/* NumPy header parser, joblib ZF container, legacy torch checkpoints, benign fixture tables. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "engine/engine.h"
#include "formats/joblib.h"
#include "formats/numpy.h"
#include "formats/torch_legacy.h"
#include "testutil.h"

/* ---- helpers ---- */

/* Builds a .npy with `hdr` padded the way numpy pads (spaces, '\n', 64-byte aligned) unless
 * raw, followed by `dlen` bytes of data. */
static size_t mk_npy(uint8_t *out,
                     size_t cap,
                     unsigned major,
                     const char *hdr,
                     bool raw,
                     const void *data,
                     size_t dlen)
{
    size_t pre = major == 1 ? 10 : 12;
    size_t hl = strlen(hdr);
    size_t total = raw ? pre + hl : ((pre + hl + 1 + 63) / 64) * 64;
    size_t hlen = total - pre;
    assert_true(total + dlen <= cap);
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (uint8_t)major;
    out[7] = 0;
    if (major == 1) {
        out[8] = (uint8_t)(hlen & 0xff);
        out[9] = (uint8_t)(hlen >> 8);
    } else {
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (uint8_t)(hlen >> (8 * i));
        }
    }
    memcpy(out + pre, hdr, hl);
    if (!raw) {
        memset(out + pre + hl, ' ', hlen - hl);
        out[total - 1] = '\n';
    }
    if (dlen > 0) {
        memcpy(out + total, data, dlen);
    }
    return total + dlen;
}

static int parse(const char *hdr, struct cu_npy_header *h)
{
    uint8_t buf[4096];
    size_t n = mk_npy(buf, sizeof(buf), 1, hdr, false, NULL, 0);
    custody_error err;
    return cu_npy_parse_header(buf, n, h, &err);
}

static const char good_hdr[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }";

/* ---- npy header parser ---- */

static void test_npy_good(void **state)
{
    (void)state;
    struct cu_npy_header h;
    assert_int_equal(parse(good_hdr, &h), 0);
    assert_int_equal(h.ndim, 2);
    assert_int_equal(h.count, 12);
    assert_int_equal(h.itemsize, 8);
    assert_int_equal(h.nbytes, 96);
    assert_false(h.hasobject);
    assert_false(h.fortran_order);
    assert_false(h.bad_padding);
    assert_int_equal(h.data_off, 128); /* 10 + 60 + newline, rounded up to 64 */

    assert_int_equal(parse("{\"shape\": (), \"fortran_order\": True, \"descr\": \"<U5\"}", &h), 0);
    assert_int_equal(h.count, 1);
    assert_int_equal(h.itemsize, 20);
    assert_true(h.fortran_order);

    assert_int_equal(parse("{'descr': '|b1', 'fortran_order': False, 'shape': (7,)}", &h), 0);
    assert_int_equal(h.nbytes, 7);
    assert_int_equal(parse("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,)}", &h), 0);
    assert_int_equal(h.nbytes, 16);
    /* Python 2 longs in a 1.0 header */
    assert_int_equal(parse("{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 3L)}", &h), 0);
    assert_int_equal(h.count, 6);
    assert_int_equal(parse("{'descr': '<i4', 'fortran_order': False, 'shape': (0, 3)}", &h), 0);
    assert_int_equal(h.nbytes, 0);
}

static void test_npy_structured(void **state)
{
    (void)state;
    struct cu_npy_header h;
    assert_int_equal(parse("{'descr': [('x', '<f8'), ('y', '<i4', (2,)), ('s', '|S4'), "
                           "('n', [('a', '<u2'), ('b', '|b1')])], 'fortran_order': False, "
                           "'shape': (5,), }",
                           &h),
                     0);
    assert_int_equal(h.itemsize, 8 + 8 + 4 + 3);
    assert_false(h.hasobject);
    assert_int_equal(parse("{'descr': [('a', '<f8'), (('title', 'o'), '|O')], "
                           "'fortran_order': False, 'shape': (2,)}",
                           &h),
                     0);
    assert_true(h.hasobject);
    assert_int_equal(parse("{'descr': ('<f4', (3,)), 'fortran_order': False, 'shape': (2,)}", &h),
                     0);
    assert_int_equal(h.nbytes, 24);
}

static void test_npy_object(void **state)
{
    (void)state;
    struct cu_npy_header h;
    assert_int_equal(parse("{'descr': '|O', 'fortran_order': False, 'shape': (4,)}", &h), 0);
    assert_true(h.hasobject);
    assert_int_equal(parse("{'descr': 'object', 'fortran_order': False, 'shape': (4,)}", &h), 0);
    assert_true(h.hasobject);
    assert_int_equal(parse("{'descr': '>O8', 'fortran_order': False, 'shape': (4,)}", &h), 0);
    assert_true(h.hasobject);
}

static void test_npy_malformed(void **state)
{
    (void)state;
    struct cu_npy_header h;
    static const char *const bad[] = {
        "{'descr': '<f8', 'fortran_order': False}",                               /* missing */
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}",        /* extra */
        "{'descr': '<f8', 'descr': '|O', 'fortran_order': False, 'shape': (1,)}", /* dup */
        "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}",                    /* bool */
        "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}",               /* neg */
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3)}",                 /* not tuple */
        "{'descr': '<f8', 'fortran_order': False, 'shape': [3]}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} junk",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)",
        "{'descr': '<f8', 'fortran_order': __import__('os'), 'shape': (1,)}", /* no eval */
        "{'descr': '<f8' 'fortran_order': False, 'shape': (1,)}",
        "{'descr': 7, 'fortran_order': False, 'shape': (1,)}",
        "{'descr': [], 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
        "['descr', '<f8']",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (01,)}",
        "{'descr': '<f8\\q', 'fortran_order': False, 'shape': (1,)}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse(bad[i], &h);
        if (rc != CUSTODY_EMALFORMED) {
            printf("case %zu: rc %d\n", i, rc);
        }
        assert_int_equal(rc, CUSTODY_EMALFORMED);
    }
    /* huge shape: the product overflows */
    assert_int_equal(parse("{'descr': '<f8', 'fortran_order': False, "
                           "'shape': (4294967296, 4294967296, 2)}",
                           &h),
                     CUSTODY_EMALFORMED);
    /* count fits, bytes do not */
    assert_int_equal(parse("{'descr': '<f8', 'fortran_order': False, "
                           "'shape': (4294967296, 1073741824)}",
                           &h),
                     CUSTODY_EMALFORMED);
    /* an unknown dtype is never guessed */
    assert_int_equal(parse("{'descr': 'mystery', 'fortran_order': False, 'shape': (1,)}", &h),
                     CUSTODY_EUNSUPPORTED);
    /* nesting */
    char deep[512];
    size_t n = 0;
    n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{'descr': ");
    for (int i = 0; i < 40; i++) {
        deep[n++] = '[';
    }
    deep[n] = '\0';
    assert_int_equal(parse(deep, &h), CUSTODY_ELIMIT);

    uint8_t buf[256];
    custody_error err;
    /* magic, version, length past the end, non-ASCII */
    size_t len = mk_npy(buf, sizeof(buf), 1, good_hdr, false, NULL, 0);
    buf[1] = 'X';
    assert_int_equal(cu_npy_parse_header(buf, len, &h, &err), CUSTODY_EMALFORMED);
    len = mk_npy(buf, sizeof(buf), 1, good_hdr, false, NULL, 0);
    buf[6] = 4;
    assert_int_equal(cu_npy_parse_header(buf, len, &h, &err), CUSTODY_EMALFORMED);
    len = mk_npy(buf, sizeof(buf), 1, good_hdr, false, NULL, 0);
    assert_int_equal(cu_npy_parse_header(buf, len - 1, &h, &err), CUSTODY_EMALFORMED);
    assert_int_equal(cu_npy_parse_header(buf, 9, &h, &err), CUSTODY_EMALFORMED);
    buf[20] = 0xe9;
    assert_int_equal(cu_npy_parse_header(buf, len, &h, &err), CUSTODY_EMALFORMED);
    /* but UTF-8 is allowed in 3.0 */
    len = mk_npy(buf, sizeof(buf), 3,
                 "{'descr': [('\xc3\xa9', '<f4')], 'fortran_order': False, 'shape': (1,)}", false,
                 NULL, 0);
    assert_int_equal(cu_npy_parse_header(buf, len, &h, &err), 0);
    assert_int_equal(h.itemsize, 4);
    /* a header length over the limit */
    memcpy(buf, "\x93NUMPY\x02\x00\xff\xff\xff\x00", 12);
    assert_int_equal(cu_npy_parse_header(buf, 12, &h, &err), CUSTODY_ELIMIT);
    /* bad padding is a quirk, not an error */
    len = mk_npy(buf, sizeof(buf), 1, good_hdr, true, NULL, 0);
    assert_int_equal(cu_npy_parse_header(buf, len, &h, &err), 0);
    assert_true(h.bad_padding);
    assert_true(h.unaligned);
}

/* ---- npy through the engine ---- */

static void test_npy_scan(void **state)
{
    (void)state;
    uint8_t buf[4096], data[100];
    memset(data, 0x41, sizeof(data));
    size_t n = mk_npy(buf, sizeof(buf), 1, good_hdr, false, data, 96);
    custody_scan *s = tu_scan_buffer("a.npy", buf, n);
    assert_int_equal(custody_scan_finding_count(s), 0);
    assert_string_equal(custody_scan_file(s, 0)->format, "numpy");
    custody_scan_free(s);

    n = mk_npy(buf, sizeof(buf), 2, good_hdr, false, data, 100);
    s = tu_scan_buffer("a.npy", buf, n);
    assert_int_equal(tu_count(s, "numpy/trailing-data", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);

    n = mk_npy(buf, sizeof(buf), 1, good_hdr, false, data, 95);
    s = tu_scan_buffer("a.npy", buf, n);
    assert_int_equal(tu_count(s, "numpy/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);

    n = mk_npy(buf, sizeof(buf), 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", true,
               data, 8);
    s = tu_scan_buffer("a.npy", buf, n);
    assert_int_equal(tu_count(s, "numpy/header-quirk", CUSTODY_SEV_LOW), 1);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    custody_scan_free(s);

    /* an object array: pickle payload (here the smallest: None) */
    n = mk_npy(buf, sizeof(buf), 1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", false,
               "\x80\x02N.", 4);
    s = tu_scan_buffer("a.npy", buf, n);
    assert_int_equal(tu_count(s, "numpy/object-array", CUSTODY_SEV_LOW), 1);
    custody_scan_free(s);

    n = mk_npy(buf, sizeof(buf), 1, "{'descr': 'weird', 'fortran_order': False, 'shape': (1,)}",
               false, data, 8);
    s = tu_scan_buffer("a.npy", buf, n);
    assert_int_equal(tu_count(s, "scan/unsupported", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);

    /* extension is a hint only: an .npy named .bin is still numpy */
    n = mk_npy(buf, sizeof(buf), 1, good_hdr, false, data, 96);
    s = tu_scan_buffer("weights.dat", buf, n);
    assert_string_equal(custody_scan_file(s, 0)->format, "numpy");
    custody_scan_free(s);
}

/* ---- joblib ZF ---- */

static size_t
mk_zf(uint8_t *out, size_t cap, const void *data, size_t dlen, uint64_t declare, bool space)
{
    char hdr[32];
    int hn = snprintf(hdr, sizeof(hdr), "ZF0x%llx", (unsigned long long)declare);
    assert_true(hn > 0 && hn <= 21);
    memset(out, ' ', 21);
    memcpy(out, hdr, (size_t)hn);
    size_t off = space ? 22 : 21;
    out[21] = ' ';
    uLongf zl = (uLongf)(cap - off);
    assert_int_equal(compress(out + off, &zl, data, (uLong)dlen), Z_OK);
    return off + zl;
}

static void test_zf_header(void **state)
{
    (void)state;
    uint64_t len;
    assert_true(cu_joblib_zf_header((const uint8_t *)"ZF0x1f               ", 21, &len));
    assert_int_equal(len, 0x1f);
    assert_true(cu_joblib_zf_header((const uint8_t *)"ZF  0XAbC             ", 21, &len));
    assert_int_equal(len, 0xabc);
    assert_false(cu_joblib_zf_header((const uint8_t *)"ZF0x                 ", 21, &len));
    assert_false(cu_joblib_zf_header((const uint8_t *)"ZF0x1g               ", 21, &len));
    assert_false(cu_joblib_zf_header((const uint8_t *)"ZF0x1f", 6, &len));
    assert_false(cu_joblib_zf_header((const uint8_t *)"ZF0xffffffffffffffffff", 21, &len));
    assert_false(cu_joblib_zf_header((const uint8_t *)"PK0x1f               ", 21, &len));
}

static void test_zf_scan(void **state)
{
    (void)state;
    uint8_t raw[3000], buf[8192], npy[512];
    for (size_t i = 0; i < sizeof(raw); i++) {
        raw[i] = (uint8_t)(i * 7u);
    }
    /* raw array bytes (ZNDArrayWrapper side file) */
    size_t n = mk_zf(buf, sizeof(buf), raw, sizeof(raw), sizeof(raw), true);
    custody_scan *s = tu_scan_buffer("x.pkl_01.npy.z", buf, n);
    assert_string_equal(custody_scan_file(s, 0)->format, "joblib-zf");
    assert_int_equal(tu_count(s, "joblib/zf-raw-data", CUSTODY_SEV_INFO), 1);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);

    /* joblib < 0.10 named ZF files .gz and 0.10 its zlib streams too: no mismatch, inside or
     * out (a benign pickle: an empty dict) */
    static const uint8_t dict_pickle[] = { 0x80, 0x02, '}', 'q', 0x00, '.' };
    n = mk_zf(buf, sizeof(buf), dict_pickle, sizeof(dict_pickle), sizeof(dict_pickle), true);
    s = tu_scan_buffer("joblib_0.9.2_compressed_pickle_py27_np16.gz", buf, n);
    assert_string_equal(custody_scan_file(s, 0)->format, "joblib-zf");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
    uLongf zl = (uLongf)sizeof(buf);
    assert_int_equal(compress(buf, &zl, dict_pickle, (uLong)sizeof(dict_pickle)), Z_OK);
    s = tu_scan_buffer("joblib_0.10.0_compressed_pickle_py35_np19.gz", buf, (size_t)zl);
    assert_string_equal(custody_scan_file(s, 0)->format, "zlib");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);

    /* declared length disagrees */
    n = mk_zf(buf, sizeof(buf), raw, sizeof(raw), sizeof(raw) + 1, false);
    s = tu_scan_buffer("x.z", buf, n);
    assert_int_equal(tu_count(s, "joblib-zf/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    n = mk_zf(buf, sizeof(buf), raw, sizeof(raw), sizeof(raw) - 1, false);
    s = tu_scan_buffer("x.z", buf, n);
    assert_true(tu_count(s, NULL, CUSTODY_SEV_MEDIUM) >= 1);
    custody_scan_free(s);

    /* bytes after the zlib stream */
    n = mk_zf(buf, sizeof(buf), raw, sizeof(raw), sizeof(raw), true);
    memcpy(buf + n, "HIDDEN", 6);
    s = tu_scan_buffer("x.z", buf, n + 6);
    assert_int_equal(tu_count(s, "joblib/zf-trailing-data", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);

    /* corrupt zlib */
    n = mk_zf(buf, sizeof(buf), raw, sizeof(raw), sizeof(raw), true);
    buf[40] ^= 0xff;
    buf[41] ^= 0xff;
    s = tu_scan_buffer("x.z", buf, n);
    assert_true(tu_count(s, NULL, CUSTODY_SEV_MEDIUM) >= 1);
    custody_scan_free(s);
    s = tu_scan_buffer("x.z", buf, 30); /* truncated */
    assert_true(tu_count(s, NULL, CUSTODY_SEV_MEDIUM) >= 1);
    custody_scan_free(s);

    /* content is dispatched: a .npy with trailing bytes inside the ZF */
    size_t nn = mk_npy(npy, sizeof(npy), 1, good_hdr, false, raw, 100);
    n = mk_zf(buf, sizeof(buf), npy, nn, nn, true);
    s = tu_scan_buffer("x.z", buf, n);
    assert_int_equal(tu_count(s, "numpy/trailing-data", CUSTODY_SEV_MEDIUM), 1);
    assert_true(tu_has_text(s, "4 bytes after", CUSTODY_SEV_MEDIUM));
    custody_scan_free(s);
}

/* ---- legacy torch ---- */

static const uint8_t magic_p2[] = { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46,
                                    0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e };

static void test_torch_legacy_sniff(void **state)
{
    (void)state;
    assert_true(cu_torch_legacy_sniff_magic(magic_p2, sizeof(magic_p2)));
    static const uint8_t p4[] = { 0x80, 0x04, 0x95, 0x0d, 0,    0,    0,    0,
                                  0,    0,    0,    0x8a, 0x0a, 0x6c, 0xfc, 0x9c,
                                  0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e };
    assert_true(cu_torch_legacy_sniff_magic(p4, sizeof(p4)));
    assert_true(cu_torch_legacy_sniff_magic((const uint8_t *)"L119547037146038801333356L\n.", 28));
    uint8_t bad[sizeof(magic_p2)];
    memcpy(bad, magic_p2, sizeof(bad));
    bad[13] = 0x18;
    assert_false(cu_torch_legacy_sniff_magic(bad, sizeof(bad)));
    assert_false(cu_torch_legacy_sniff_magic(magic_p2, 8));
    bad[13] = 0x19;
    bad[1] = 0x06;
    assert_false(cu_torch_legacy_sniff_magic(bad, sizeof(bad)));

    static const uint8_t keys[] = "\x80\x02]q\x00(X\x01\x00\x00\x00"
                                  "aq\x01X\x01\x00\x00\x00"
                                  "bq\x02e.";
    assert_int_equal(cu_torch_legacy_count_str_list(keys, sizeof(keys) - 1), 2);
    assert_int_equal(cu_torch_legacy_count_str_list((const uint8_t *)"\x80\x02].", 4), 0);
    assert_int_equal(cu_torch_legacy_count_str_list((const uint8_t *)"\x80\x02]K\x01a.", 6), -1);
    assert_int_equal(cu_torch_legacy_count_str_list(keys, sizeof(keys) - 3), -1);
}

/* A sequential checkpoint: magic, 1001, {}, None, ['k0', 'k1'], then records of 3 float32s
 * and 2 int64s. */
static size_t mk_legacy(uint8_t *out, size_t cap)
{
    size_t n = 0;
#define PUT(p, l) (assert_true(n + (l) <= cap), memcpy(out + n, (p), (l)), n += (l))
    PUT(magic_p2, sizeof(magic_p2));
    PUT("\x80\x02M\xe9\x03.", 6);
    PUT("\x80\x02}.", 4);
    PUT("\x80\x02N.", 4);
    static const char keys[] = "\x80\x02](X\x02\x00\x00\x00k0X\x02\x00\x00\x00k1e.";
    PUT(keys, sizeof(keys) - 1);
    uint8_t rec[8] = { 3 };
    PUT(rec, 8);
    PUT("abcdefghijkl", 12);
    rec[0] = 2;
    PUT(rec, 8);
    PUT("0123456789abcdef", 16);
#undef PUT
    return n;
}

static void test_torch_legacy_scan(void **state)
{
    (void)state;
    uint8_t buf[512];
    size_t n = mk_legacy(buf, sizeof(buf));
    custody_scan *s = tu_scan_buffer("old.pt", buf, n);
    assert_string_equal(custody_scan_file(s, 0)->format, "torch-legacy");
    assert_int_equal(tu_count(s, "torch-legacy/trailing-data", CUSTODY_SEV_INFO), 0);
    assert_int_equal(tu_count(s, "torch-legacy/malformed", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);

    memcpy(buf + n,
           "\x80\x02"
           "cos\nsystem\n.",
           14);
    s = tu_scan_buffer("old.pt", buf, n + 14);
    assert_int_equal(tu_count(s, "torch-legacy/trailing-data", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);

    /* cut short: element sizes are unknown, so it reads as a shorter record plus leftovers
     * or as a truncated one; either way a medium finding */
    s = tu_scan_buffer("old.pt", buf, n - 3);
    assert_int_equal(tu_count(s, "torch-legacy/malformed", CUSTODY_SEV_MEDIUM) +
                         tu_count(s, "torch-legacy/trailing-data", CUSTODY_SEV_MEDIUM),
                     1);
    custody_scan_free(s);
    s = tu_scan_buffer("old.pt", buf, n - 30); /* inside the first record */
    assert_int_equal(tu_count(s, "torch-legacy/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);

    s = tu_scan_buffer("old.pt", buf, 20); /* ends inside the pickles */
    assert_true(tu_count(s, NULL, CUSTODY_SEV_MEDIUM) >= 1);
    custody_scan_free(s);
}

static void test_torch_legacy_fixture(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("benign/torch_legacy_mixed_dtypes.pt");
    assert_string_equal(custody_scan_file(s, 0)->format, "torch-legacy");
    assert_int_equal(tu_count(s, "torch-legacy/trailing-data", CUSTODY_SEV_INFO), 0);
    assert_int_equal(tu_count(s, "torch-legacy/malformed", CUSTODY_SEV_INFO), 0);
    assert_int_equal(tu_count(s, "torch-legacy/storage-unverified", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

/* A tar-format 'storages' member: count 1, args pickle naming FloatStorage, 2 floats, views. */
static void test_torch_legacy_records(void **state)
{
    (void)state;
    uint8_t m[256];
    size_t n = 0;
    memcpy(m + n, "\x80\x02K\x01.", 5);
    n += 5;
    static const char args[] = "\x80\x02X\x01\x00\x00\x00kX\x03\x00\x00\x00"
                               "cpuctorch\n"
                               "FloatStorage\n\x87.";
    memcpy(m + n, args, sizeof(args) - 1);
    n += sizeof(args) - 1;
    uint8_t cnt[8] = { 2 };
    memcpy(m + n, cnt, 8);
    n += 8;
    memcpy(m + n, "\x80\x02\x80\x02\x80\x02\x80\x02", 8); /* raw bytes that look like pickle */
    n += 8;
    memcpy(m + n, "\x80\x02].", 4);
    n += 4;
    /* as a depth-1 member we need a container; sniff directly instead */
    struct cu_sniff sn = { m, n, n, "storages", 1, NULL, NULL };
    assert_true(cu_analyzer_torch_legacy_records.sniff(&sn));
    sn.depth = 0;
    assert_false(cu_analyzer_torch_legacy_records.sniff(&sn));
    sn.depth = 1;
    sn.name = "pickle";
    assert_false(cu_analyzer_torch_legacy_records.sniff(&sn));
}

/* ---- benign fixture tables (need the pickle VM, zip and compress analyzers) ---- */

static bool full_engine(void)
{
    return cu_registry_find("zip") != NULL && cu_registry_find("pickle") != NULL &&
           cu_registry_find("pickle")->sniff(
               &(struct cu_sniff){ (const uint8_t *)"\x80\x02N.", 4, 4, "x.pkl", 0, NULL, NULL });
}

static void check_folder(const char *folder, custody_severity expect_max, const char *rule)
{
    custody_scan *s = tu_scan_fixture(folder);
    bool ok = !custody_scan_had_errors(s);
    for (size_t i = 0; i < custody_scan_file_count(s); i++) {
        const custody_file *f = custody_scan_file(s, i);
        if (strstr(f->path, "README.md") != NULL) {
            continue;
        }
        if (f->status != CUSTODY_FILE_SCANNED || f->max_severity != expect_max) {
            printf("unexpected: %s status %d max %s\n", f->path, (int)f->status,
                   custody_severity_name(f->max_severity));
            ok = false;
        }
    }
    if (rule != NULL) {
        for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
            const custody_finding *f = custody_scan_finding(s, i);
            if (f->severity >= CUSTODY_SEV_MEDIUM && strcmp(f->rule_id, rule) != 0) {
                printf("unexpected rule %s in %s\n", f->rule_id, f->location);
                ok = false;
            }
        }
    }
    if (!ok) {
        tu_dump(s);
    }
    custody_scan_free(s);
    assert_true(ok);
}

static void test_benign_tables(void **state)
{
    (void)state;
    if (!full_engine()) {
        skip(); /* runs once the pickle VM, zip and compress analyzers are merged */
    }
    /* no finding >= medium: the worst is low or less, so check file by file */
    custody_scan *s = tu_scan_fixture("benign");
    bool ok = !custody_scan_had_errors(s) && tu_count(s, NULL, CUSTODY_SEV_MEDIUM) == 0;
    for (size_t i = 0; i < custody_scan_file_count(s); i++) {
        const custody_file *f = custody_scan_file(s, i);
        if (strstr(f->path, "README.md") == NULL && f->status != CUSTODY_FILE_SCANNED) {
            printf("not scanned: %s (%s)\n", f->path, f->reason ? f->reason : "-");
            ok = false;
        }
    }
    if (!ok) {
        tu_dump(s);
    }
    custody_scan_free(s);
    assert_true(ok);
    check_folder("benign-unknown", CUSTODY_SEV_MEDIUM, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy_good),
        cmocka_unit_test(test_npy_structured),
        cmocka_unit_test(test_npy_object),
        cmocka_unit_test(test_npy_malformed),
        cmocka_unit_test(test_npy_scan),
        cmocka_unit_test(test_zf_header),
        cmocka_unit_test(test_zf_scan),
        cmocka_unit_test(test_torch_legacy_sniff),
        cmocka_unit_test(test_torch_legacy_scan),
        cmocka_unit_test(test_torch_legacy_fixture),
        cmocka_unit_test(test_torch_legacy_records),
        cmocka_unit_test(test_benign_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
