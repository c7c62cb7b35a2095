/* Provenance: the OMS "files" manifest and root digest against model_signing's goldens. */
#define _GNU_SOURCE /* mkdtemp, symlink */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "custody/provenance.h"
#include "provenance/manifest.h"

#define MT_DIR     CUSTODY_SHARED_DIR "/interop/model-transparency"
#define BIG_SHA256 "b01669d77761c4dfdfc8fb927821087bcf5c9ef1f917c4f1f8504e529f19edab"
#define GOLDEN     MT_DIR "/goldens/serialization/file/TestSerializer/"

static void hex(const uint8_t *d, char out[65])
{
    for (size_t i = 0; i < 32; i++) {
        (void)snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

/* The manifest of `model` must list exactly the golden's `name:hex` lines, in order. */
static void check_golden(const char *model, const char *golden, const custody_digest_opts *o)
{
    custody_manifest *m = NULL;
    custody_error err = { 0 };
    int rc = custody_manifest_build(&m, model, o, &err);
    if (rc != 0) {
        print_error("%s: %s: %s\n", model, err.where, err.msg);
    }
    assert_int_equal(rc, 0);
    FILE *f = fopen(golden, "r");
    assert_non_null(f);
    char line[1024];
    size_t i = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == 0) {
            continue;
        }
        char *colon = strrchr(line, ':');
        assert_non_null(colon);
        *colon = 0;
        assert_true(i < custody_manifest_count(m));
        assert_string_equal(custody_manifest_name(m, i), line);
        char h[65];
        hex(custody_manifest_digest(m, i), h);
        assert_string_equal(h, colon + 1);
        i++;
    }
    (void)fclose(f);
    assert_int_equal(i, custody_manifest_count(m));
    custody_manifest_free(m);
}

static void goldens_match_reference(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        { "deep_model", "deep_model_folder" },
        { "empty_file_model", "empty_model_file" },
        { "file_model", "sample_model_file" },
        { "sample_model", "sample_model_folder" },
        { "empty_file_inside_model", "model_folder_with_empty_file" },
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        char model[512], golden[512];
        (void)snprintf(model, sizeof(model), "%s/fixtures/%s", MT_DIR, pairs[i][0]);
        (void)snprintf(golden, sizeof(golden), "%s%s", GOLDEN, pairs[i][1]);
        check_golden(model, golden, NULL);
        /* one thread gives the same manifest */
        custody_digest_opts one = { .threads = 1 };
        check_golden(model, golden, &one);
    }
}

/* ---- temporary trees --------------------------------------------------------------------- */

static char tmp_root[256];

static void put(const char *rel, const char *text)
{
    char p[512];
    (void)snprintf(p, sizeof(p), "%s/%s", tmp_root, rel);
    /* create parent directories */
    for (char *s = p + strlen(tmp_root) + 1; *s != 0; s++) {
        if (*s == '/') {
            *s = 0;
            (void)mkdir(p, 0755);
            *s = '/';
        }
    }
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static int tmp_setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    (void)snprintf(tmp_root, sizeof(tmp_root), "%s/custody-digest-XXXXXX",
                   t != NULL && t[0] != 0 ? t : "/tmp");
    return mkdtemp(tmp_root) != NULL ? 0 : -1;
}

static int tmp_teardown(void **state)
{
    (void)state;
    char cmd[600];
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
    return system(cmd) == 0 ? 0 : -1;
}

static char *sub(const char *rel)
{
    static char p[4][512]; /* a few live at once: symlink(sub(a), sub(b)) */
    static unsigned k;
    char *r = p[k++ % 4];
    (void)snprintf(r, sizeof(p[0]), "%s/%s", tmp_root, rel);
    return r;
}

static void
names_are(const char *model, const custody_digest_opts *o, const char *const *want, size_t n)
{
    custody_manifest *m = NULL;
    custody_error err = { 0 };
    assert_int_equal(custody_manifest_build(&m, model, o, &err), 0);
    assert_int_equal(custody_manifest_count(m), n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(custody_manifest_name(m, i), want[i]);
    }
    assert_null(custody_manifest_name(m, n));
    assert_null(custody_manifest_digest(m, n));
    custody_manifest_free(m);
}

static void empty_folder_lists_nothing_and_has_no_digest(void **state)
{
    (void)state;
    assert_int_equal(mkdir(sub("empty"), 0755), 0);
    check_golden(sub("empty"), GOLDEN "empty_model_folder", NULL);
    uint8_t d[32];
    custody_error err = { 0 };
    assert_int_equal(custody_digest(d, sub("empty"), NULL, &err), CUSTODY_EINVAL);
    assert_non_null(strstr(err.msg, "no files"));
}

static void symlink_refused_by_default_followed_when_allowed(void **state)
{
    (void)state;
    put("outside", "This is a simple model");
    assert_int_equal(mkdir(sub("symlink_model_folder"), 0755), 0);
    assert_int_equal(symlink(sub("outside"), sub("symlink_model_folder/symlink_file")), 0);
    custody_digest_opts allow = { .allow_symlinks = true };
    check_golden(sub("symlink_model_folder"), GOLDEN "symlink_model_folder", &allow);

    custody_manifest *m = NULL;
    custody_error err = { 0 };
    assert_int_equal(custody_manifest_build(&m, sub("symlink_model_folder"), NULL, &err),
                     CUSTODY_EINVAL);
    assert_null(m);
    assert_non_null(strstr(err.msg, "symlink_file"));
    assert_non_null(strstr(err.msg, "symlink"));

    /* an ignored symlink is no error (the reference checks ignores first) */
    const char *ig[] = { "symlink_file" };
    custody_digest_opts o = { .ignore_paths = ig, .n_ignore_paths = 1 };
    names_are(sub("symlink_model_folder"), &o, NULL, 0);

    /* a dangling symlink is an error even when symlinks are allowed */
    assert_int_equal(symlink(sub("nowhere"), sub("symlink_model_folder/dangling")), 0);
    assert_int_equal(custody_manifest_build(&m, sub("symlink_model_folder"), &allow, &err),
                     CUSTODY_EIO);
    assert_non_null(strstr(err.where, "dangling"));
}

static void fifo_is_an_error(void **state)
{
    (void)state;
    put("fifo_model/w", "x");
    assert_int_equal(mkfifo(sub("fifo_model/pipe"), 0644), 0);
    custody_manifest *m = NULL;
    custody_error err = { 0 };
    custody_digest_opts allow = { .allow_symlinks = true };
    assert_int_equal(custody_manifest_build(&m, sub("fifo_model"), &allow, &err), CUSTODY_EINVAL);
    assert_non_null(strstr(err.msg, "pipe"));
}

static void order_is_component_wise(void **state)
{
    (void)state;
    put("order/a.txt", "1");
    put("order/a/b", "2");
    put("order/ab", "3");
    put("order/a!", "4");
    put("order/a/a.b/c", "5");
    put("order/a/a/c", "6");
    put("order/B", "7");
    static const char *const want[] = { "B", "a/a/c", "a/a.b/c", "a/b", "a!", "a.txt", "ab" };
    names_are(sub("order"), NULL, want, sizeof(want) / sizeof(want[0]));
    assert_true(cu_mf_path_cmp("a/b", "a.txt") < 0);
    assert_true(cu_mf_path_cmp("a.txt", "a/b") > 0);
    assert_true(cu_mf_path_cmp("a", "a/b") < 0);
    assert_true(cu_mf_path_cmp("a/b", "a!") < 0);
    assert_true(cu_mf_path_cmp("a/b", "a/b") == 0);
    /* plain strcmp would put "a.txt" first: the order really differs */
    assert_true(strcmp("a/b", "a.txt") > 0);
}

static void ignore_rules(void **state)
{
    (void)state;
    put("ign/.git/config", "c");
    put("ign/.gitignore", "i");
    put("ign/.gitattributes", "a");
    put("ign/.github/workflows/x.yml", "w");
    put("ign/.gitfoo", "f");
    put("ign/keep", "k");
    put("ign/sub/.gitignore", "s");
    put("ign/sub/deep/f", "d");
    put("ign/subway", "y");
    static const char *const dflt[] = { ".gitfoo", "keep", "sub/.gitignore", "sub/deep/f",
                                        "subway" };
    names_are(sub("ign"), NULL, dflt, 5);

    custody_digest_opts all = { .include_git_paths = true };
    static const char *const every[] = { ".git/config",    ".gitattributes",
                                         ".gitfoo",        ".github/workflows/x.yml",
                                         ".gitignore",     "keep",
                                         "sub/.gitignore", "sub/deep/f",
                                         "subway" };
    names_are(sub("ign"), &all, every, 9);

    const char *ig1[] = { "sub" };
    custody_digest_opts o = { .ignore_paths = ig1, .n_ignore_paths = 1 };
    static const char *const nosub[] = { ".gitfoo", "keep", "subway" };
    names_are(sub("ign"), &o, nosub, 3);

    const char *ig2[] = { "./sub//deep/", "su", "../ign/keep", "missing" };
    o.ignore_paths = ig2;
    o.n_ignore_paths = 4;
    static const char *const nodeep[] = { ".gitfoo", "keep", "sub/.gitignore", "subway" };
    names_are(sub("ign"), &o, nodeep, 4);

    /* nothing left after ignores: listed as empty, refused as a digest */
    const char *ig3[] = { "." };
    o.ignore_paths = ig3;
    o.n_ignore_paths = 1;
    names_are(sub("ign"), &o, NULL, 0);
    uint8_t d[32];
    custody_error err = { 0 };
    assert_int_equal(custody_digest(d, sub("ign"), &o, &err), CUSTODY_EINVAL);
    put("gitonly/.gitignore", "x");
    assert_int_equal(custody_digest(d, sub("gitonly"), NULL, &err), CUSTODY_EINVAL);
}

static void conformance_simple_root_digest(void **state)
{
    (void)state;
    const char *ig[] = { "ignore-me" };
    custody_digest_opts o = { .ignore_paths = ig, .n_ignore_paths = 1 };
    uint8_t d[32];
    custody_error err = { 0 };
    assert_int_equal(custody_digest(d,
                                    CUSTODY_SHARED_DIR
                                    "/interop/model-signing-conformance/assets/models/simple",
                                    &o, &err),
                     0);
    char h[65];
    hex(d, h);
    assert_string_equal(h, "92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4");
}

static void one_byte_changes_the_digest(void **state)
{
    (void)state;
    put("flip/a", "hello world");
    put("flip/b/c", "second file");
    uint8_t d1[32], d2[32], d3[32];
    custody_error err = { 0 };
    assert_int_equal(custody_digest(d1, sub("flip"), NULL, &err), 0);
    put("flip/b/c", "second filE");
    assert_int_equal(custody_digest(d2, sub("flip"), NULL, &err), 0);
    assert_memory_not_equal(d1, d2, 32);
    put("flip/b/c", "second file");
    assert_int_equal(custody_digest(d3, sub("flip"), NULL, &err), 0);
    assert_memory_equal(d1, d3, 32);
    /* a renamed file changes the digest although every byte is the same */
    assert_int_equal(rename(sub("flip/a"), sub("flip/z")), 0);
    assert_int_equal(custody_digest(d2, sub("flip"), NULL, &err), 0);
    assert_memory_not_equal(d1, d2, 32);
}

static void large_file_streams_in_chunks(void **state)
{
    (void)state;
    /* 3 MiB + 5: several 1 MiB reads and a short tail; digest from `sha256sum` of the same
     * bytes (i % 251). */
    size_t n = (3u << 20) + 5;
    uint8_t *b = malloc(n);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(i % 251);
    }
    FILE *f = fopen(sub("big.bin"), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    free(b);
    custody_manifest *m = NULL;
    custody_error err = { 0 };
    assert_int_equal(custody_manifest_build(&m, sub("big.bin"), NULL, &err), 0);
    assert_int_equal(custody_manifest_count(m), 1);
    assert_string_equal(custody_manifest_name(m, 0), ".");
    char h[65];
    hex(custody_manifest_digest(m, 0), h);
    assert_string_equal(h, BIG_SHA256);
    custody_manifest_free(m);
}

static void missing_model_and_bad_args(void **state)
{
    (void)state;
    uint8_t d[32];
    custody_error err = { 0 };
    assert_int_equal(custody_digest(d, sub("does-not-exist"), NULL, &err), CUSTODY_EIO);
    assert_non_null(strstr(err.where, "does-not-exist"));
    assert_int_equal(custody_digest(d, NULL, NULL, &err), CUSTODY_EINVAL);
    assert_int_equal(custody_manifest_root(NULL, d, &err), CUSTODY_EINVAL);
    custody_manifest_free(NULL);
    assert_int_equal(custody_manifest_count(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(goldens_match_reference),
        cmocka_unit_test(empty_folder_lists_nothing_and_has_no_digest),
        cmocka_unit_test(symlink_refused_by_default_followed_when_allowed),
        cmocka_unit_test(fifo_is_an_error),
        cmocka_unit_test(order_is_component_wise),
        cmocka_unit_test(ignore_rules),
        cmocka_unit_test(conformance_simple_root_digest),
        cmocka_unit_test(one_byte_changes_the_digest),
        cmocka_unit_test(large_file_streams_in_chunks),
        cmocka_unit_test(missing_model_and_bad_args),
    };
    return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
