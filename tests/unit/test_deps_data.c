/* Data-driven deps/ checks (deps/rules_data.c) on hand-built package lists: fixtures that fire
 * and near misses that must not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "custody/custody.h"
#include "deps/pkglists.h"
#include "deps/rules_data.h"
#include "store/store.h"
#include "testutil.h"

struct hits {
    char rule[32][40];
    char ev[32][200];
    int sev[32];
    uint32_t line[32];
    size_t n;
};

static void on_hit(void *arg, const struct cu_deps_hit *h)
{
    struct hits *hs = arg;
    if (hs->n < 32) {
        snprintf(hs->rule[hs->n], sizeof(hs->rule[0]), "%s", h->rule);
        snprintf(hs->ev[hs->n], sizeof(hs->ev[0]), "%s", h->evidence ? h->evidence : "");
        hs->sev[hs->n] = h->severity;
        hs->line[hs->n] = h->line;
        hs->n++;
    }
}

/* One package in a file; returns the hits. */
static struct hits run1(enum cu_eco eco,
                        const char *name,
                        const char *version,
                        const char *spec,
                        bool direct,
                        bool lockfile,
                        const struct cu_deps_data_opts *o)
{
    struct cu_pkg p;
    memset(&p, 0, sizeof(p));
    p.eco = eco;
    p.name = (char *)name;
    p.version = (char *)version;
    p.spec = (char *)spec;
    p.line = 7;
    p.direct = direct;
    p.source = CU_DEP_REGISTRY;
    struct cu_depfile df;
    memset(&df, 0, sizeof(df));
    df.format = lockfile ? "package-lock" : "package-json";
    df.is_lockfile = lockfile;
    df.pkgs = &p;
    df.npkgs = 1;
    struct hits h;
    memset(&h, 0, sizeof(h));
    cu_deps_data_run(&df, o, on_hit, &h);
    return h;
}

static bool has(const struct hits *h, const char *rule, const char *ev)
{
    for (size_t i = 0; i < h->n; i++) {
        if (strcmp(h->rule[i], rule) == 0 && (ev == NULL || strstr(h->ev[i], ev) != NULL)) {
            return true;
        }
    }
    return false;
}

static void dump(const struct hits *h)
{
    for (size_t i = 0; i < h->n; i++) {
        print_message("  %s [%s] sev %d line %u\n", h->rule[i], h->ev[i], h->sev[i], h->line[i]);
    }
}

#define EXPECT(h, rule, ev)                                   \
    do {                                                      \
        if (!has(&(h), rule, ev)) {                           \
            dump(&(h));                                       \
            fail_msg("expected %s (%s)", rule, ev ? ev : ""); \
        }                                                     \
    } while (0)
#define EXPECT_NONE(h)                       \
    do {                                     \
        if ((h).n != 0) {                    \
            dump(&(h));                      \
            fail_msg("expected no finding"); \
        }                                    \
    } while (0)

static void known_malicious_from_embedded_lists(void **state)
{
    (void)state;
    assert_true(cu_pkglist_count(CU_LIST_MALICIOUS, CU_ECO_PYPI) > 10000);
    assert_true(cu_pkglist_count(CU_LIST_WORM, CU_ECO_NPM) > 1000);
    /* the 2025-09-08 chalk/debug hijack */
    struct hits h = run1(CU_ECO_NPM, "debug", "4.4.2", NULL, false, true, NULL);
    EXPECT(h, "deps/known-malicious", "chalk-debug");
    assert_int_equal(h.line[0], 7);
    assert_int_equal(h.sev[0], -1); /* the installed version: the rule's critical */
    h = run1(CU_ECO_NPM, "debug", "4.4.1", NULL, false, true, NULL);
    EXPECT_NONE(h);
    /* a manifest range that admits the malicious version */
    h = run1(CU_ECO_NPM, "chalk", NULL, "^5.6.0", true, false, NULL);
    EXPECT(h, "deps/known-malicious", NULL);
    /* only a range: what a resolver might pick, not what was installed */
    assert_int_equal(h.sev[0], CUSTODY_SEV_MEDIUM);
    h = run1(CU_ECO_NPM, "chalk", NULL, "~5.5.0", true, false, NULL);
    EXPECT_NONE(h);
    /* PyPI: hijacked versions of a popular package, and a package malicious in every version
     * (OpenSSF MAL- report), PEP 503 names */
    h = run1(CU_ECO_PYPI, "LiteLLM", "1.82.7", NULL, true, true, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2026-2144");
    h = run1(CU_ECO_PYPI, "litellm", "1.82.6", NULL, true, true, NULL);
    EXPECT_NONE(h);
    h = run1(CU_ECO_PYPI, "litellm", NULL, "==1.82.8", true, false, NULL);
    EXPECT(h, "deps/known-malicious", NULL);
    h = run1(CU_ECO_PYPI, "litellm", NULL, ">=1.80,<1.82.7", true, false, NULL);
    EXPECT_NONE(h);
    h = run1(CU_ECO_PYPI, "3web", "1.0", NULL, true, true, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-");
    h = run1(CU_ECO_PYPI, "3Web", NULL, NULL, true, false, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-");
}

static void worm_versions(void **state)
{
    (void)state;
    struct hits h = run1(CU_ECO_NPM, "@ctrl/tinycolor", "4.1.1", NULL, false, true, NULL);
    EXPECT(h, "deps/worm-indicator", "shai-hulud");
    h = run1(CU_ECO_NPM, "@ctrl/tinycolor", "4.1.0", NULL, false, true, NULL);
    EXPECT_NONE(h);
    h = run1(CU_ECO_NPM, "@postman/tunnel-agent", "0.6.7", NULL, false, true, NULL);
    EXPECT(h, "deps/worm-indicator", NULL);
    const char *what = NULL;
    assert_true(cu_worm_indicator("runner", "SHA1HULUD", &what));
    assert_non_null(what);
    assert_true(cu_worm_indicator("workflow", "shai-hulud-workflow.yml", &what));
    assert_true(cu_worm_indicator(
        "sha256", "a3894003ad1d293ba96d77881ccd2071446dc3f65f434669b49b3da92421901a", &what));
    assert_true(cu_worm_indicator(
        "webhook", "https://webhook.site/bb8ca5f6-4175-45d2-b042-fc9ebb8170b7", &what));
    assert_false(cu_worm_indicator("runner", "ubuntu-latest", &what));
}

static void typosquats_and_scopes(void **state)
{
    (void)state;
    struct hits h = run1(CU_ECO_NPM, "expresss", "4.18.2", NULL, true, true, NULL);
    EXPECT(h, "deps/typosquat", "expresss imitates express");
    assert_int_equal(h.sev[0], -1); /* catalogue severity: high */
    /* deep in a lockfile: below high */
    h = run1(CU_ECO_NPM, "expresss", "4.18.2", NULL, false, true, NULL);
    EXPECT(h, "deps/typosquat", NULL);
    assert_int_equal(h.sev[0], CUSTODY_SEV_MEDIUM);
    h = run1(CU_ECO_PYPI, "reqeusts", NULL, ">=2", true, false, NULL);
    EXPECT(h, "deps/typosquat", "reqeusts imitates requests");
    h = run1(CU_ECO_NPM, "@typess/node", "20.0.0", NULL, true, true, NULL);
    EXPECT(h, "deps/scope-confusion", "@types/node");
    h = run1(CU_ECO_NPM, "types-node", "1.0.0", NULL, true, true, NULL);
    EXPECT(h, "deps/scope-confusion", "@types/node");
    /* an old unscoped family that a scope replaced is not confusion */
    h = run1(CU_ECO_NPM, "babel-helper-module-imports", "6.0.0", NULL, true, true, NULL);
    EXPECT_NONE(h);
    h = run1(CU_ECO_NPM, "rollup-rollup-linux-x64-musl", "1.0.0", NULL, true, true, NULL);
    EXPECT_NONE(h);
    /* near misses: popular packages close to each other, private scopes */
    static const char *const npm_ok[] = { "react",
                                          "preact",
                                          "request",
                                          "lodash",
                                          "lodash-es",
                                          "colors",
                                          "color",
                                          "@types/node",
                                          "@babel/core",
                                          "babel-core",
                                          "@acme-corp/internal-widgets" };
    for (size_t i = 0; i < sizeof(npm_ok) / sizeof(npm_ok[0]); i++) {
        h = run1(CU_ECO_NPM, npm_ok[i], "1.0.0", NULL, true, true, NULL);
        if (h.n != 0) {
            dump(&h);
            fail_msg("%s fired", npm_ok[i]);
        }
    }
    static const char *const pypi_ok[] = { "requests", "urllib3",         "pyyaml",         "pyaml",
                                           "Django",   "python-dateutil", "my-company-tool" };
    for (size_t i = 0; i < sizeof(pypi_ok) / sizeof(pypi_ok[0]); i++) {
        h = run1(CU_ECO_PYPI, pypi_ok[i], "1.0", NULL, true, true, NULL);
        if (h.n != 0) {
            dump(&h);
            fail_msg("%s fired", pypi_ok[i]);
        }
    }
    /* an internal scope is never a squat */
    const char *internal[] = { "@typess" };
    struct cu_deps_data_opts o = { .internal = internal, .ninternal = 1 };
    h = run1(CU_ECO_NPM, "@typess/node", "1.0.0", NULL, true, true, &o);
    EXPECT_NONE(h);
    /* git and path packages are named by the project */
    struct cu_pkg p;
    memset(&p, 0, sizeof(p));
    p.eco = CU_ECO_NPM;
    p.name = (char *)"expresss";
    p.direct = true;
    p.source = CU_DEP_GIT;
    struct cu_depfile df;
    memset(&df, 0, sizeof(df));
    df.pkgs = &p;
    df.npkgs = 1;
    memset(&h, 0, sizeof(h));
    cu_deps_data_run(&df, NULL, on_hit, &h);
    EXPECT_NONE(h);
    cu_deps_data_run(NULL, NULL, on_hit, &h);
}

static void store_checks(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/custody-test-depsdata-%ld.db", (long)getpid());
    unlink(path);
    struct cu_store *s = NULL;
    custody_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(cu_store_open(&s, path, &err), 0);
    struct cu_osv_import_stats st;
    assert_int_equal(cu_store_import_osv(s, CUSTODY_FIXTURES "/osv/mini-osv.zip", &st, &err), 0);
    struct cu_deps_data_opts o = { .store = s };
    struct hits h = run1(CU_ECO_NPM, "lodash", "4.17.20", NULL, true, true, &o);
    EXPECT(h, "deps/vulnerable", "GHSA-test-lodash");
    h = run1(CU_ECO_NPM, "lodash", "4.17.21", NULL, true, true, &o);
    EXPECT_NONE(h);
    h = run1(CU_ECO_NPM, "evil-helper", "1.0.0", NULL, true, true, &o);
    EXPECT(h, "deps/known-malicious", "MAL-2099-0001");
    /* a manifest with only a range: every-version MAL advisories still fire */
    h = run1(CU_ECO_NPM, "evil-helper", NULL, "^1.0.0", true, false, &o);
    EXPECT(h, "deps/known-malicious", "MAL-2099-0001");
    h = run1(CU_ECO_NPM, "hijacked-lib", "2.0.2", NULL, true, true, &o);
    EXPECT(h, "deps/known-malicious", "MAL-2099-0002");
    h = run1(CU_ECO_PYPI, "django", "4.1.3", NULL, true, true, &o);
    EXPECT(h, "deps/vulnerable", "PYSEC-test-django");
    /* unknown names: only once the store has a name list */
    h = run1(CU_ECO_NPM, "totally-made-up-helper", "1.0.0", NULL, true, true, &o);
    EXPECT_NONE(h);
    size_t n;
    assert_int_equal(
        cu_store_import_names(s, "npm", CUSTODY_FIXTURES "/osv/names-npm.txt", &n, &err), 0);
    h = run1(CU_ECO_NPM, "totally-made-up-helper", "1.0.0", NULL, true, true, &o);
    EXPECT(h, "deps/unknown-package", "totally-made-up-helper");
    /* transitive and popular names are not reported as unknown */
    h = run1(CU_ECO_NPM, "totally-made-up-helper", "1.0.0", NULL, false, true, &o);
    EXPECT_NONE(h);
    h = run1(CU_ECO_NPM, "chalk", "5.3.0", NULL, true, true, &o);
    EXPECT_NONE(h);
    /* PyPI has no name list in this store: no unknown findings there */
    h = run1(CU_ECO_PYPI, "totally-made-up-helper", "1.0", NULL, true, true, &o);
    EXPECT_NONE(h);
    cu_store_close(s);
    tu_unlink_db(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_malicious_from_embedded_lists),
        cmocka_unit_test(worm_versions),
        cmocka_unit_test(typosquats_and_scopes),
        cmocka_unit_test(store_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
