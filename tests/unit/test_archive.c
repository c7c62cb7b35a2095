/* Archives (libarchive) and compressed streams: dispatch of members, hostile entries, broken
 * streams (content before the damage still analysed), nesting, bombs, strict sniffing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "core/source.h"
#include "formats/archive.h"
#include "formats/compress.h"
#include "testutil.h"

/* Number of findings of `rule` (at least `min`) whose location ends with `suffix`. */
static size_t
count_at(const custody_scan *s, const char *rule, const char *suffix, custody_severity min)
{
    size_t n = 0;
    size_t sl = strlen(suffix);
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        size_t ll = strlen(f->location);
        if (f->severity >= min && strcmp(f->rule_id, rule) == 0 && ll >= sl &&
            strcmp(f->location + ll - sl, suffix) == 0) {
            n++;
        }
    }
    return n;
}

static void expect_at(const char *fixture, const char *rule, const char *suffix)
{
    custody_scan *s = tu_scan_fixture(fixture);
    if (count_at(s, rule, suffix, CUSTODY_SEV_MEDIUM) != 1) {
        printf("%s: expected %s at ...%s\n", fixture, rule, suffix);
        tu_dump(s);
    }
    assert_int_equal(count_at(s, rule, suffix, CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(custody_scan_had_errors(s), 0);
    custody_scan_free(s);
}

static void tar_member_is_dispatched(void **state)
{
    (void)state;
    expect_at("archive/plain.tar", "file/unrecognised-model", "plain.tar!data.pkl");
    expect_at("archive/gnu.tar", "file/unrecognised-model", "gnu.tar!data.pkl");
    expect_at("archive/v7.tar", "file/unrecognised-model", "v7.tar!data.pkl");
    custody_scan *s = tu_scan_fixture("archive/plain.tar");
    assert_string_equal(custody_scan_file(s, 0)->format, "tar");
    assert_int_equal(custody_scan_finding_count(s), 1);
    custody_scan_free(s);
}

static void other_archive_formats(void **state)
{
    (void)state;
    expect_at("archive/member.7z", "file/unrecognised-model", "member.7z!data.pkl");
    /* cpio is deliberately not read (see archive.c): not claimed, so only the name speaks */
    custody_scan *s = tu_scan_fixture("archive/data.cpio");
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
    expect_at("archive/data.a", "file/unrecognised-model", "data.a!data.pkl");
}

static void each_stream_kind_is_unwrapped(void **state)
{
    (void)state;
    expect_at("archive/data.pkl.gz", "file/unrecognised-model", "data.pkl.gz!data.pkl");
    expect_at("archive/data.pkl.bz2", "file/unrecognised-model", "data.pkl.bz2!data.pkl");
    expect_at("archive/data.pkl.xz", "file/unrecognised-model", "data.pkl.xz!data.pkl");
    expect_at("archive/data.pkl.lzma", "file/unrecognised-model", "data.pkl.lzma!data.pkl");
    expect_at("archive/data.pkl.zlib", "file/unrecognised-model", "data.pkl.zlib!data.pkl");
    expect_at("archive/model.tar.gz", "file/unrecognised-model", "model.tar.gz!model.tar!data.pkl");
    expect_at("archive/model.tgz", "file/unrecognised-model", "model.tgz!model.tar!data.pkl");
    custody_scan *s = tu_scan_fixture("archive/data.pkl.lzma");
    assert_string_equal(custody_scan_file(s, 0)->format, "lzma");
    custody_scan_free(s);
}

/* Each fixture is a tar split across two members/streams: the member is only found when
 * they are joined as Python's readers join them. */
static void multi_member_streams_are_joined(void **state)
{
    (void)state;
    static const char *const kinds[] = { "gz", "bz2", "xz", "zlib" };
    for (size_t i = 0; i < 4; i++) {
        char path[64], loc[64];
        (void)snprintf(path, sizeof(path), "archive/multi.tar.%s", kinds[i]);
        (void)snprintf(loc, sizeof(loc), "multi.tar.%s!multi.tar!data.pkl", kinds[i]);
        custody_scan *s = tu_scan_fixture(path);
        if (custody_scan_finding_count(s) != 1) {
            tu_dump(s);
        }
        assert_int_equal(count_at(s, "file/unrecognised-model", loc, CUSTODY_SEV_MEDIUM), 1);
        assert_int_equal(custody_scan_finding_count(s), 1);
        custody_scan_free(s);
    }
}

static void trailing_garbage_is_reported(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("archive/trailing.pkl.gz");
    assert_int_equal(count_at(s, "compress/trailing-data", "trailing.pkl.gz", CUSTODY_SEV_MEDIUM),
                     1);
    assert_int_equal(
        count_at(s, "file/unrecognised-model", "trailing.pkl.gz!trailing.pkl", CUSTODY_SEV_MEDIUM),
        1);
    custody_scan_free(s);
}

/* A stream broken after its first bytes: a decode finding, and the tar member that came
 * before the damage was still dispatched. */
static void broken_stream_keeps_content_before_damage(void **state)
{
    (void)state;
    static const struct {
        const char *fixture, *rule, *rule_loc, *member;
    } cases[] = {
        { "archive/broken.tar.gz", "compress/malformed", "broken.tar.gz",
          "broken.tar.gz!broken.tar!data.pkl" },
        { "archive/broken.tar.bz2", "compress/malformed", "broken.tar.bz2",
          "broken.tar.bz2!broken.tar!data.pkl" },
        { "archive/broken.tar.xz", "compress/malformed", "broken.tar.xz",
          "broken.tar.xz!broken.tar!data.pkl" },
        { "archive/truncated.tar.gz", "compress/malformed", "truncated.tar.gz",
          "truncated.tar.gz!truncated.tar!data.pkl" },
        { "archive/broken.7z", "archive/malformed", "broken.7z!inner.tar",
          "broken.7z!inner.tar!data.pkl" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        custody_scan *s = tu_scan_fixture(cases[i].fixture);
        bool ok = count_at(s, cases[i].rule, cases[i].rule_loc, CUSTODY_SEV_MEDIUM) == 1 &&
                  count_at(s, "file/unrecognised-model", cases[i].member, CUSTODY_SEV_MEDIUM) == 1;
        if (!ok) {
            printf("%s\n", cases[i].fixture);
            tu_dump(s);
        }
        assert_true(ok);
        assert_int_equal(custody_scan_had_errors(s), 0);
        custody_scan_free(s);
    }
}

static void traversal_names(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("archive/traversal.tar");
    assert_int_equal(tu_count(s, "archive/path-traversal", CUSTODY_SEV_HIGH), 3);
    assert_int_equal(
        count_at(s, "archive/path-traversal", "traversal.tar!../evil.pkl", CUSTODY_SEV_HIGH), 1);
    assert_int_equal(
        count_at(s, "archive/path-traversal", "traversal.tar!/abs/x.pkl", CUSTODY_SEV_HIGH), 1);
    assert_int_equal(
        count_at(s, "archive/path-traversal", "traversal.tar!ok/../../up.txt", CUSTODY_SEV_HIGH),
        1);
    assert_int_equal(count_at(s, "archive/path-traversal", "fine/name.txt", CUSTODY_SEV_INFO), 0);
    /* the members are still analysed */
    assert_int_equal(
        count_at(s, "file/unrecognised-model", "traversal.tar!../evil.pkl", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

static void links_special_and_duplicate_entries(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("archive/links.tar");
    assert_int_equal(count_at(s, "archive/symlink", "links.tar!etc.pkl", CUSTODY_SEV_HIGH), 1);
    assert_true(tu_has_text(s, "/etc/passwd", CUSTODY_SEV_HIGH));
    assert_int_equal(count_at(s, "archive/symlink", "links.tar!sub/up", CUSTODY_SEV_HIGH), 1);
    /* a link that stays inside the archive is reported, but not as high */
    assert_int_equal(count_at(s, "archive/symlink", "links.tar!sub/rel", CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(count_at(s, "archive/symlink", "links.tar!sub/rel", CUSTODY_SEV_HIGH), 0);
    assert_int_equal(count_at(s, "archive/hardlink", "links.tar!hard", CUSTODY_SEV_HIGH), 1);
    assert_int_equal(count_at(s, "archive/special-entry", "links.tar!fifo", CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(count_at(s, "archive/special-entry", "links.tar!dev", CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(
        count_at(s, "archive/duplicate-entry", "links.tar!dup.txt", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

static void encrypted_7z(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("archive/encrypted.7z");
    assert_int_equal(
        count_at(s, "archive/encrypted-entry", "encrypted.7z!data.pkl", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    s = tu_scan_fixture("archive/encrypted-header.7z");
    assert_int_equal(tu_count(s, "archive/encrypted-entry", CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(tu_count(s, "archive/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

/* tar in gz in tar ... 10 times: 20 containers, beyond the default depth of 16. */
static void nesting_stops_at_the_depth_limit(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("archive/deep.tar");
    assert_int_equal(tu_count(s, "scan/nesting-too-deep", CUSTODY_SEV_HIGH), 1);
    assert_int_equal(tu_count(s, "file/unrecognised-model", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    /* with a deeper limit, the innermost member is reached */
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/archive/deep.tar", CUSTODY_FIXTURES);
    assert_true(n > 0 && (size_t)n < sizeof(path));
    custody_scan_options o = { .threads = 1, .max_depth = 32 };
    custody_error err;
    assert_int_equal(custody_scan_new(&s, &o, &err), 0);
    assert_int_equal(custody_scan_add_path(s, path, &err), 0);
    assert_int_equal(custody_scan_run(s, &err), 0);
    assert_int_equal(tu_count(s, "scan/nesting-too-deep", CUSTODY_SEV_INFO), 0);
    assert_int_equal(
        count_at(s, "file/unrecognised-model", "level0.tar!data.pkl", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

/* 1 GiB of zeros gzip'd twice (under 2 KiB): the ratio bound stops it long before. */
static void decompression_bomb_is_stopped(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("archive/bomb.gz.gz");
    assert_int_equal(tu_count(s, "scan/limit-exceeded", CUSTODY_SEV_HIGH), 1);
    assert_true(tu_has_text(s, "decompression bomb", CUSTODY_SEV_HIGH));
    assert_int_equal(custody_scan_had_errors(s), 0);
    custody_scan_free(s);
}

/* A 7z inside a tar inside gzip: libarchive reads the 7z's end first and seeks back, so the
 * tar member reopens the archive (restart) and the gzip restarts under it. */
static void member_restart_reopens_the_archive(void **state)
{
    (void)state;
    expect_at("archive/restart.tar.gz", "file/unrecognised-model",
              "restart.tar.gz!restart.tar!big.7z!data.pkl");
}

static void plain_text_is_not_claimed(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "hello world\n",
        "x^abcdefghijklmnopqrstuvwxyz this looks like a zlib header\n",
        "BZh9 is not a bzip2 stream\n",
        "]\x00\x00\x80\x00 not lzma either",
        "!<arch is not ar\n",
        "070701 but not hex after it............................................"
        "...............................................",
        "7z is a program name\n",
        "Rar! archive? no\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        size_t len = strlen(texts[i]);
        if (i == 3) {
            len = 22; /* embedded NULs: the literal's own length */
        }
        custody_scan *s = tu_scan_buffer("notes.txt", (const uint8_t *)texts[i], len);
        const custody_file *f = custody_scan_file(s, 0);
        if (f->format != NULL) {
            printf("text %zu claimed as %s\n", i, f->format);
        }
        assert_null(f->format);
        assert_int_equal(f->status, CUSTODY_FILE_SKIPPED);
        assert_int_equal(custody_scan_finding_count(s), 0);
        custody_scan_free(s);
    }
    /* 2 KiB of text: long enough for a tar header, without a checksum */
    char big[2048];
    for (size_t i = 0; i < sizeof(big); i++) {
        big[i] = (char)('a' + i % 26);
    }
    assert_false(cu_archive_tar_header_ok((const uint8_t *)big, sizeof(big)));
    static const uint8_t zeros[512] = { 0 };
    assert_false(cu_archive_tar_header_ok(zeros, sizeof(zeros)));
    custody_scan *s = tu_scan_buffer("notes.txt", (const uint8_t *)big, sizeof(big));
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
}

static void sniff_magic(void **state)
{
    (void)state;
    const uint8_t gz[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
    assert_int_equal(cu_compress_sniff(gz, sizeof(gz)), CU_COMPRESS_GZIP);
    const uint8_t xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    assert_int_equal(cu_compress_sniff(xz, sizeof(xz)), CU_COMPRESS_XZ);
    const uint8_t lz[13] = { 0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    assert_int_equal(cu_compress_sniff(lz, sizeof(lz)), CU_COMPRESS_LZMA_ALONE);
    uint8_t bad[13];
    memcpy(bad, lz, sizeof(bad));
    bad[3] = 0x81; /* a dictionary size no encoder writes */
    assert_int_equal(cu_compress_sniff(bad, sizeof(bad)), CU_COMPRESS_NONE);
    uint8_t zl[64];
    uLongf zlen = sizeof(zl);
    assert_int_equal(compress2(zl, &zlen, (const Bytef *)"abcabcabc", 9, 6), Z_OK);
    assert_int_equal(cu_compress_sniff(zl, zlen), CU_COMPRESS_ZLIB);
    zl[1] ^= 1; /* header checksum */
    assert_int_equal(cu_compress_sniff(zl, zlen), CU_COMPRESS_NONE);
}

/* gzip of n pattern bytes; the caller frees. */
static uint8_t *make_gzip(size_t n, size_t *out_len)
{
    uint8_t *plain = malloc(n);
    assert_non_null(plain);
    for (size_t i = 0; i < n; i++) {
        plain[i] = (uint8_t)(i * 7 + i / 251);
    }
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    z.next_in = plain;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = cap - z.avail_out;
    (void)deflateEnd(&z);
    free(plain);
    return out;
}

/* The decoder contract: bytes before the damage first, the error on the next read, sticky
 * until a restart, which decodes the good part again. */
static void decoder_delivers_bytes_before_the_error(void **state)
{
    (void)state;
    size_t glen;
    uint8_t *g = make_gzip(100000, &glen);
    g[glen - 6] ^= 0xff; /* CRC32 in the trailer */
    struct cu_source *mem = NULL, *dec = NULL;
    custody_error err;
    uint64_t budget = 1u << 30;
    assert_int_equal(cu_source_from_mem(&mem, g, glen, false, "m.gz", "m.gz", &err), 0);
    assert_int_equal(cu_compress_source(&dec, mem, 0, CU_SIZE_UNKNOWN, CU_COMPRESS_GZIP,
                                        CU_SIZE_UNKNOWN, &budget, "m.gz!m", "m", &err),
                     0);
    uint8_t *buf = malloc(200000);
    assert_non_null(buf);
    size_t got = 0;
    assert_int_equal(cu_source_read(dec, 0, buf, 200000, &got, &err), 0);
    assert_int_equal(got, 100000);
    assert_int_equal(buf[99999], (uint8_t)(99999u * 7u + 99999u / 251u));
    assert_int_equal(cu_source_read(dec, 100000, buf, 10, &got, &err), CUSTODY_EMALFORMED);
    assert_non_null(strstr(err.msg, "incorrect data check"));
    assert_int_equal(cu_source_read(dec, 100000, buf, 10, &got, &err), CUSTODY_EMALFORMED);
    uint64_t size;
    assert_int_equal(cu_source_size(dec, &size, &err), CUSTODY_EMALFORMED);
    /* read_exact across the damage reports the decoder's error, not "truncated" */
    assert_int_equal(cu_source_read_exact(dec, 99990, buf, 20, &err), CUSTODY_EMALFORMED);
    assert_non_null(strstr(err.msg, "incorrect data check"));
    cu_source_free(dec);

    /* the same stream intact, with a declared size that lies */
    g[glen - 6] ^= 0xff;
    assert_int_equal(cu_compress_source(&dec, mem, 0, CU_SIZE_UNKNOWN, CU_COMPRESS_GZIP, 5000,
                                        &budget, "m.gz!m", "m", &err),
                     0);
    assert_int_equal(cu_source_size(dec, &size, &err), CUSTODY_EMALFORMED);
    cu_source_free(dec);
    /* and with no declared size it decodes cleanly */
    struct cu_compress_info info;
    struct cu_compress_opts o = { CU_COMPRESS_GZIP, CU_SIZE_UNKNOWN, &budget, 0, &info };
    assert_int_equal(cu_compress_source_ex(&dec, mem, 0, CU_SIZE_UNKNOWN, &o, "m.gz!m", "m", &err),
                     0);
    assert_int_equal(cu_source_size(dec, &size, &err), 0);
    assert_int_equal(size, 100000);
    assert_true(info.complete);
    assert_int_equal(info.members, 1);
    assert_int_equal(info.trailing_off, CU_NO_OFFSET);
    /* the budget is charged per decoded byte */
    assert_true(budget <= (1u << 30) - 100000);
    cu_source_free(dec);

    /* a raw deflate window of the gzip (header 10 bytes, trailer 8) */
    assert_int_equal(cu_compress_source(&dec, mem, 10, glen - 18, CU_COMPRESS_RAW_DEFLATE, 100000,
                                        &budget, "m!raw", "raw", &err),
                     0);
    assert_int_equal(cu_source_size(dec, &size, &err), 0);
    assert_int_equal(size, 100000);
    cu_source_free(dec);
    cu_source_free(mem);
    free(buf);
    free(g);
}

/* One ar member: 60-byte header (name/, mtime, uid, gid, mode, size, `\n) and even padding. */
static size_t ar_add(uint8_t *out, size_t at, const char *name, const char *data)
{
    size_t n = strlen(data);
    assert_true(n < 1000 && strlen(name) <= 16);
    char hdr[96];
    int hn = snprintf(hdr, sizeof(hdr), "%-16s%-12s%-6s%-6s%-8s%-10u`\n", name, "0", "0", "0",
                      "644", (unsigned)n);
    assert_int_equal(hn, 60);
    memcpy(out + at, hdr, 60);
    memcpy(out + at + 60, data, n);
    at += 60 + n;
    if (n % 2 != 0) {
        out[at++] = '\n';
    }
    return at;
}

/* A GNU static library's symbol table ("/") and long-name table ("//") are the format's own
 * index, not absolute paths; a real absolute member name still is one. */
static void ar_index_members_are_not_paths(void **state)
{
    (void)state;
    uint8_t a[1024];
    memcpy(a, "!<arch>\n", 8);
    size_t n = 8;
    n = ar_add(a, n, "/", "\0\0\0\0");
    n = ar_add(a, n, "//", "a_very_long_object_file_name.o/\n");
    n = ar_add(a, n, "x.o/", "ELF-ish bytes");
    custody_scan *s = tu_scan_buffer("libx.a", a, n);
    assert_int_equal(tu_count(s, "archive/path-traversal", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    n = ar_add(a, n, "/etc/passwd/", "root");
    s = tu_scan_buffer("libx.a", a, n);
    assert_int_equal(tu_count(s, "archive/path-traversal", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
}

static void empty_and_wrong_streams_are_errors(void **state)
{
    (void)state;
    static const uint8_t junk[16] = "not compressed!";
    struct cu_source *mem = NULL, *dec = NULL;
    custody_error err;
    assert_int_equal(cu_source_from_mem(&mem, junk, sizeof(junk), false, "j", "j", &err), 0);
    static const int kinds[] = {
        CU_COMPRESS_GZIP, CU_COMPRESS_ZLIB,       CU_COMPRESS_BZ2,
        CU_COMPRESS_XZ,   CU_COMPRESS_LZMA_ALONE, CU_COMPRESS_RAW_DEFLATE
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        assert_int_equal(cu_compress_source(&dec, mem, 0, CU_SIZE_UNKNOWN, kinds[i],
                                            CU_SIZE_UNKNOWN, NULL, "j!x", "x", &err),
                         0);
        uint64_t size;
        assert_int_equal(cu_source_size(dec, &size, &err), CUSTODY_EMALFORMED);
        cu_source_free(dec);
        assert_int_equal(
            cu_compress_source(&dec, mem, 0, 0, kinds[i], CU_SIZE_UNKNOWN, NULL, "j!x", "x", &err),
            0);
        assert_int_equal(cu_source_size(dec, &size, &err), CUSTODY_EMALFORMED);
        cu_source_free(dec);
    }
    assert_int_equal(
        cu_compress_source(&dec, mem, 0, 0, 99, CU_SIZE_UNKNOWN, NULL, "j!x", "x", &err),
        CUSTODY_EINVAL);
    assert_null(dec);
    cu_source_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tar_member_is_dispatched),
        cmocka_unit_test(other_archive_formats),
        cmocka_unit_test(each_stream_kind_is_unwrapped),
        cmocka_unit_test(multi_member_streams_are_joined),
        cmocka_unit_test(trailing_garbage_is_reported),
        cmocka_unit_test(broken_stream_keeps_content_before_damage),
        cmocka_unit_test(traversal_names),
        cmocka_unit_test(links_special_and_duplicate_entries),
        cmocka_unit_test(encrypted_7z),
        cmocka_unit_test(nesting_stops_at_the_depth_limit),
        cmocka_unit_test(decompression_bomb_is_stopped),
        cmocka_unit_test(member_restart_reopens_the_archive),
        cmocka_unit_test(plain_text_is_not_claimed),
        cmocka_unit_test(sniff_magic),
        cmocka_unit_test(decoder_delivers_bytes_before_the_error),
        cmocka_unit_test(empty_and_wrong_streams_are_errors),
        cmocka_unit_test(ar_index_members_are_not_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
