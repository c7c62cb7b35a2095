/* Core: cursor, number parsing, sources, streams, decoded sources, walk. */
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

#include "core/crc32.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/rd.h"
#include "core/source.h"
#include "core/util.h"
#include "custody/custody.h"

static void u32le_truncated_fails_without_moving(void **state)
{
    (void)state;
    const uint8_t b[3] = { 1, 2, 3 };
    struct cu_rd rd = CU_RD_INIT(b, sizeof(b));
    uint32_t v = 0;
    assert_false(cu_rd_u32le(&rd, &v));
    assert_int_equal(rd.off, 0);
    uint16_t h;
    assert_true(cu_rd_u16le(&rd, &h));
    assert_int_equal(h, 0x0201);
    assert_int_equal(cu_rd_left(&rd), 1);
    assert_false(cu_rd_skip(&rd, 2));
    assert_true(cu_rd_skip(&rd, 1));
}

static void parse_u64_rejects_overflow_and_moves_only_on_success(void **state)
{
    (void)state;
    const char *s = "18446744073709551616x";
    const char *p = s;
    uint64_t v;
    assert_false(cu_parse_u64(&p, s + strlen(s), UINT64_MAX, &v));
    assert_ptr_equal(p, s);
    const char *t = "123abc";
    p = t;
    assert_true(cu_parse_u64(&p, t + 6, 1000, &v));
    assert_int_equal(v, 123);
    assert_ptr_equal(p, t + 3);
    p = t;
    assert_false(cu_parse_u64(&p, t + 6, 100, &v));
    const char *e = "x";
    p = e;
    assert_false(cu_parse_u64(&p, e + 1, 10, &v));
}

/* Files are probed with one 64 KiB read: shorter is the whole file; up to the small-file limit
 * the probe is kept and the rest appended (read once, counted once); larger files are read on
 * demand. Every size reads back its bytes. */
static void open_file_reads_every_size_once(void **state)
{
    (void)state;
    static const size_t sizes[] = { 0,
                                    1,
                                    (64u << 10) - 1,
                                    64u << 10,
                                    (64u << 10) + 1,
                                    150000,
                                    CU_LIMIT_SMALL_FILE,
                                    CU_LIMIT_SMALL_FILE + 1 };
    char path[] = "/tmp/custody-open-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    (void)close(fd);
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k];
        uint8_t *data = malloc(n > 0 ? n : 1);
        assert_non_null(data);
        for (size_t i = 0; i < n; i++) {
            data[i] = (uint8_t)(i * 31u + (i >> 9));
        }
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, n, f), n);
        assert_int_equal(fclose(f), 0);
        custody_error err;
        memset(&err, 0, sizeof(err));
        uint64_t counter = 0;
        struct cu_source *s = NULL;
        assert_int_equal(cu_source_open_file(&s, path, "f", &counter, &err), 0);
        uint64_t size = 0;
        assert_int_equal(cu_source_size(s, &size, &err), 0);
        assert_int_equal(size, n);
        uint8_t *back = malloc(n > 0 ? n : 1);
        assert_non_null(back);
        assert_int_equal(cu_source_read_exact(s, 0, back, n, &err), 0);
        assert_memory_equal(back, data, n);
        if (n <= CU_LIMIT_SMALL_FILE) {
            assert_int_equal(counter, n); /* read whole at open, each byte once */
        }
        cu_source_free(s);
        free(back);
        free(data);
    }
    (void)unlink(path);
}

static void range_outside_parent_is_malformed(void **state)
{
    (void)state;
    static const uint8_t data[16] = { 0 };
    struct cu_source *m = NULL, *r = NULL;
    custody_error err;
    assert_int_equal(cu_source_from_mem(&m, data, sizeof(data), false, "m", "m", &err), 0);
    assert_int_equal(cu_source_range(&r, m, 10, 7, "m!r", "r", &err), CUSTODY_EMALFORMED);
    assert_null(r);
    assert_int_equal(cu_source_range(&r, m, UINT64_MAX, 2, "m!r", "r", &err), CUSTODY_EMALFORMED);
    assert_int_equal(cu_source_range(&r, m, 10, 6, "m!r", "r", &err), 0);
    uint8_t buf[8];
    size_t got;
    assert_int_equal(cu_source_read(r, 0, buf, sizeof(buf), &got, &err), 0);
    assert_int_equal(got, 6);
    assert_int_equal(cu_source_read_exact(r, 2, buf, 5, &err), CUSTODY_EMALFORMED);
    cu_source_free(r);
    cu_source_free(m);
}

/* A decoder that emits `total` bytes of a counting pattern in small steps. */
struct count_dec {
    uint64_t pos, total;
    int resets;
};
static int count_reset(void *st, custody_error *err)
{
    (void)err;
    struct count_dec *d = st;
    d->pos = 0;
    d->resets++;
    return 0;
}
static int count_next(void *st, uint8_t *buf, size_t cap, size_t *got, custody_error *err)
{
    (void)err;
    struct count_dec *d = st;
    size_t n = cap > 1000 ? 1000 : cap;
    if (n > d->total - d->pos) {
        n = (size_t)(d->total - d->pos);
    }
    for (size_t i = 0; i < n; i++) {
        buf[i] = (uint8_t)((d->pos + i) % 251);
    }
    d->pos += n;
    *got = n;
    return 0;
}
static void count_free(void *st)
{
    free(st);
}
static const struct cu_decoder_ops count_ops = { count_reset, count_next, count_free };

static void decoded_source_reads_forward_restarts_backward(void **state)
{
    (void)state;
    struct count_dec *d = calloc(1, sizeof(*d));
    d->total = 5000;
    uint64_t budget = 1 << 20;
    struct cu_source *s = NULL;
    custody_error err;
    assert_int_equal(cu_source_decoded(&s, &count_ops, d, CU_SIZE_UNKNOWN, &budget, "x", "x", &err),
                     0);
    uint8_t b[10];
    assert_int_equal(cu_source_read_exact(s, 4000, b, 10, &err), 0);
    assert_int_equal(b[0], 4000 % 251);
    assert_int_equal(cu_source_read_exact(s, 10, b, 10, &err), 0);
    assert_int_equal(b[9], 19);
    assert_int_equal(d->resets, 2);
    uint64_t size;
    assert_int_equal(cu_source_size(s, &size, &err), 0);
    assert_int_equal(size, 5000);
    assert_int_equal(cu_source_read_exact(s, 4995, b, 10, &err), CUSTODY_EMALFORMED);
    cu_source_free(s);
}

static void decoded_source_enforces_budget_and_declared_size(void **state)
{
    (void)state;
    struct count_dec *d = calloc(1, sizeof(*d));
    d->total = 5000;
    uint64_t budget = 3000;
    struct cu_source *s = NULL;
    custody_error err;
    assert_int_equal(cu_source_decoded(&s, &count_ops, d, CU_SIZE_UNKNOWN, &budget, "x", "x", &err),
                     0);
    uint8_t b[4];
    assert_int_equal(cu_source_read_exact(s, 4500, b, 4, &err), CUSTODY_ELIMIT);
    cu_source_free(s);

    d = calloc(1, sizeof(*d));
    d->total = 5000;
    budget = 1 << 20;
    assert_int_equal(cu_source_decoded(&s, &count_ops, d, 4096, &budget, "y", "y", &err), 0);
    uint64_t size;
    assert_int_equal(cu_source_size(s, &size, &err), CUSTODY_EMALFORMED);
    cu_source_free(s);
}

static void stream_lines_skip_and_truncation(void **state)
{
    (void)state;
    const char *text = "cos\nsystem\n(S'x'\ntR.";
    struct cu_source *m = NULL;
    custody_error err;
    assert_int_equal(
        cu_source_from_mem(&m, (const uint8_t *)text, strlen(text), false, "t", "t", &err), 0);
    struct cu_stream st;
    assert_int_equal(cu_stream_init(&st, m, 1, 4096, &err), 0);
    const uint8_t *line;
    size_t len;
    assert_int_equal(cu_stream_line(&st, 100, &line, &len), 0);
    assert_int_equal(len, 2);
    assert_memory_equal(line, "os", 2);
    assert_int_equal(cu_stream_line(&st, 3, &line, &len), CUSTODY_ELIMIT);
    assert_int_equal(cu_stream_skip(&st, 7), 0);
    uint8_t c;
    assert_int_equal(cu_stream_getc(&st, &c), 1);
    assert_int_equal(c, '(');
    assert_int_equal(cu_stream_skip(&st, 100), CUSTODY_EMALFORMED);
    cu_stream_free(&st);
    cu_source_free(m);
}

static void buf_caps_and_escapes(void **state)
{
    (void)state;
    struct cu_buf b = CU_BUF_INIT(8);
    cu_buf_add_escaped(&b, (const uint8_t *)"a'\n\x01", 4);
    assert_string_equal(cu_buf_str(&b), "a\\'\\n\\x0");
    assert_true(b.cut);
    cu_buf_free(&b);
}

/* The folded CRC must agree with zlib at every length, alignment and split point. */
static void crc32_matches_zlib(void **state)
{
    (void)state;
    size_t big = (1u << 20) + 77;
    uint8_t *b = malloc(big);
    assert_non_null(b);
    uint32_t x = 0x12345678u;
    for (size_t i = 0; i < big; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (uint8_t)(x >> 23);
    }
    for (size_t off = 0; off < 16; off++) {
        for (size_t n = 0; n <= 300; n++) {
            assert_int_equal(cu_crc32(0, b + off, n), (uint32_t)crc32_z(0, b + off, n));
            assert_int_equal(cu_crc32(0xdeadbeefu, b + off, n),
                             (uint32_t)crc32_z(0xdeadbeefu, b + off, n));
        }
    }
    uint32_t whole = (uint32_t)crc32_z(0, b, big);
    assert_int_equal(cu_crc32(0, b, big), whole);
    uint32_t c = cu_crc32(0, b, 1000);
    c = cu_crc32(c, b + 1000, 63);
    c = cu_crc32(c, b + 1063, big - 1063);
    assert_int_equal(c, whole);
    /* all-ones and all-zero blocks stress the fold constants */
    memset(b, 0xff, 4096);
    assert_int_equal(cu_crc32(0, b, 4096), (uint32_t)crc32_z(0, b, 4096));
    memset(b, 0, 4096);
    assert_int_equal(cu_crc32(0, b, 4096), (uint32_t)crc32_z(0, b, 4096));
    free(b);
}

static custody_scan *scan_tree(const char *dir, unsigned threads)
{
    custody_scan_options o;
    memset(&o, 0, sizeof(o));
    o.threads = threads;
    custody_scan *s = NULL;
    custody_error err;
    assert_int_equal(custody_scan_new(&s, &o, &err), 0);
    assert_int_equal(custody_scan_add_path(s, dir, &err), 0);
    assert_int_equal(custody_scan_run(s, &err), 0);
    return s;
}

/* Workers scan while the walk still appends records: with many threads the files, their
 * order and every finding are what one thread gives. */
static void threaded_scan_matches_one_thread(void **state)
{
    (void)state;
    const char *dir = CUSTODY_FIXTURES "/malicious";
    custody_scan *one = scan_tree(dir, 1);
    for (unsigned threads = 2; threads <= 16; threads *= 2) {
        custody_scan *many = scan_tree(dir, threads);
        assert_true(custody_scan_file_count(one) > 100);
        assert_int_equal(custody_scan_file_count(many), custody_scan_file_count(one));
        for (size_t i = 0; i < custody_scan_file_count(one); i++) {
            const custody_file *a = custody_scan_file(one, i), *b = custody_scan_file(many, i);
            assert_string_equal(a->path, b->path);
            assert_int_equal(a->status, b->status);
            assert_int_equal(a->bytes_read, b->bytes_read);
        }
        assert_true(custody_scan_finding_count(one) > 100);
        assert_int_equal(custody_scan_finding_count(many), custody_scan_finding_count(one));
        for (size_t i = 0; i < custody_scan_finding_count(one); i++) {
            const custody_finding *a = custody_scan_finding(one, i);
            const custody_finding *b = custody_scan_finding(many, i);
            assert_string_equal(a->rule_id, b->rule_id);
            assert_string_equal(a->path, b->path);
            assert_int_equal(a->offset, b->offset);
            assert_string_equal(a->message, b->message);
        }
        custody_scan_free(many);
    }
    custody_scan_free(one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(u32le_truncated_fails_without_moving),
        cmocka_unit_test(crc32_matches_zlib),
        cmocka_unit_test(threaded_scan_matches_one_thread),
        cmocka_unit_test(parse_u64_rejects_overflow_and_moves_only_on_success),
        cmocka_unit_test(open_file_reads_every_size_once),
        cmocka_unit_test(range_outside_parent_is_malformed),
        cmocka_unit_test(decoded_source_reads_forward_restarts_backward),
        cmocka_unit_test(decoded_source_enforces_budget_and_declared_size),
        cmocka_unit_test(stream_lines_skip_and_truncation),
        cmocka_unit_test(buf_caps_and_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
