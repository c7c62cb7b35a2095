/* Registry configuration files, .pth hooks, binding.gyp and GitHub workflows through the real
 * analyzer table: fixtures under tests/fixtures/deps/ that fire and near-misses that stay
 * below high (or silent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "core/banned.h"

static void test_credentials(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("deps/cfg-secrets");
    assert_int_equal(tu_count(s, "deps/registry-credentials", CUSTODY_SEV_HIGH), 4);
    assert_int_equal(tu_count(s, "deps/insecure-transport", CUSTODY_SEV_HIGH), 1);
    /* secrets never appear in clear */
    assert_false(tu_has_text(s, "FAKEFAKEFAKE", CUSTODY_SEV_INFO));
    assert_false(tu_has_text(s, "s3cretpass", CUSTODY_SEV_INFO));
    assert_false(tu_has_text(s, "hunter22", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "sha256:", CUSTODY_SEV_HIGH));
    /* the scope mapping is a component */
    bool mapped = false;
    for (size_t i = 0; i < custody_scan_component_count(s); i++) {
        const custody_component *c = custody_scan_component(s, i);
        mapped = mapped || (strcmp(c->kind, "npm-scope-registry") == 0 &&
                            strcmp(c->name, "@acme") == 0 && c->line == 3);
    }
    assert_true(mapped);
    custody_scan_free(s);
    s = tu_scan_fixture("deps/cfg-clean");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_INFO), 0);
    assert_int_equal(custody_scan_file_count(s), 3);
    assert_int_equal((int)custody_scan_file(s, 0)->status, CUSTODY_FILE_SCANNED);
    custody_scan_free(s);
}

static void test_pth(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("deps/pth");
    assert_int_equal(tu_count(s, "deps/pth-startup-hook", CUSTODY_SEV_CRITICAL), 1);
    assert_int_equal(tu_count(s, "deps/pth-startup-hook", CUSTODY_SEV_MEDIUM), 2);
    /* setuptools' distutils-precedence.pth and plain path lines stay below low */
    assert_int_equal(tu_count(s, "deps/pth-startup-hook", CUSTODY_SEV_INFO), 3);
    custody_scan_free(s);
}

static void test_gyp(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("deps/gyp-plain");
    assert_int_equal(tu_count(s, "deps/native-build", CUSTODY_SEV_LOW), 1);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    custody_scan_free(s);
    s = tu_scan_fixture("deps/gyp-curl");
    assert_int_equal(tu_count(s, "deps/native-build", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
}

static void test_workflows(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("deps/wf-worm");
    assert_true(tu_count(s, "deps/worm-workflow", CUSTODY_SEV_CRITICAL) >= 3);
    assert_true(tu_has_text(s, "discussion on a self-hosted runner", CUSTODY_SEV_CRITICAL));
    custody_scan_free(s);
    s = tu_scan_fixture("deps/wf-clean");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

static void test_malformed(void **state)
{
    (void)state;
    static const uint8_t nul[] = "registry=https://x\n\0\0_authToken=abc\n";
    /* a NUL past the sniff window: the analyzer refuses the file instead of passing it */
    uint8_t big[2048];
    memset(big, '#', sizeof(big));
    big[sizeof(big) - 1] = '\n';
    memcpy(big + 1000, nul, sizeof(nul));
    custody_scan *s = tu_scan_buffer(".npmrc", big, sizeof(big));
    assert_int_equal(tu_count(s, "depcfg/malformed", CUSTODY_SEV_INFO), 1);
    custody_scan_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_credentials), cmocka_unit_test(test_pth),
        cmocka_unit_test(test_gyp),         cmocka_unit_test(test_workflows),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
