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
#include "deps/data.h"
#include "deps/pkglists.h"
#include "deps/rules_data.h"
#include "deps/typosquat.h"
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
    /* famous npm compromises no feed carries (make_lists.py HISTORIC_NPM); the neighbouring
     * versions are clean */
    static const char *const hist[][4] = {
        { "ua-parser-js", "0.7.29", "0.7.30", "GHSA-pjwm-rvh2-c87w" },
        { "event-stream", "3.3.6", "3.3.5", "GHSA-mh6f-8j2x-4483" },
        { "flatmap-stream", "0.1.1", NULL, "GHSA-mh6f-8j2x-4483" },
        { "nx", "21.5.0", "21.4.0", "GHSA-cxm3-wv7p-598c" },
    };
    for (size_t i = 0; i < sizeof(hist) / sizeof(hist[0]); i++) {
        h = run1(CU_ECO_NPM, hist[i][0], hist[i][1], NULL, false, true, NULL);
        EXPECT(h, "deps/known-malicious", hist[i][3]);
        assert_int_equal(h.sev[0], -1);
        if (hist[i][2] != NULL) {
            h = run1(CU_ECO_NPM, hist[i][0], hist[i][2], NULL, false, true, NULL);
            EXPECT_NONE(h);
        }
    }
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

/* Real OpenSSF malicious-packages npm reports (data/malicious/npm.txt, from the 2025-06-04
 * snapshot) and a Leitwacht 2026 report: the MAL- id reaches the evidence; another version of a
 * version-specific report does not fire. */
static void openssf_npm_reports(void **state)
{
    (void)state;
    assert_true(cu_pkglist_count(CU_LIST_MALICIOUS, CU_ECO_NPM) > 20000);
    /* every version (OSV range introduced "0") */
    struct hits h = run1(CU_ECO_NPM, "@0xengine/xmlrpc", "1.3.4", NULL, false, true, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2024-11182");
    assert_int_equal(h.sev[0], -1);
    /* explicit versions: the hijacked @lottiefiles/lottie-player 2.0.5-2.0.7 */
    h = run1(CU_ECO_NPM, "@lottiefiles/lottie-player", "2.0.7", NULL, false, true, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2024-10301");
    h = run1(CU_ECO_NPM, "@lottiefiles/lottie-player", "2.0.8", NULL, false, true, NULL);
    EXPECT_NONE(h);
    h = run1(CU_ECO_NPM, "@afound/common", "10.10.12", NULL, false, true, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2024-11252");
    h = run1(CU_ECO_NPM, "@afound/common", "10.10.10", NULL, false, true, NULL);
    EXPECT_NONE(h);
    /* OSV ranges that do not start at 0 are node-semver tokens: fsevents >=1.0.0 <1.2.11 and
     * @solana/web3.js >=1.95.6 <1.95.8 (popular names: hijacked versions only) */
    h = run1(CU_ECO_NPM, "fsevents", "1.2.10", NULL, false, true, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2023-462");
    h = run1(CU_ECO_NPM, "fsevents", "1.2.11", NULL, false, true, NULL);
    EXPECT_NONE(h);
    h = run1(CU_ECO_NPM, "fsevents", "2.3.3", NULL, false, true, NULL);
    EXPECT_NONE(h);
    h = run1(CU_ECO_NPM, "@solana/web3.js", "1.95.7", NULL, false, true, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2024-11183");
    h = run1(CU_ECO_NPM, "@solana/web3.js", "1.95.8", NULL, false, true, NULL);
    EXPECT_NONE(h);
    /* a manifest range that admits the span's first version: what a resolver might pick */
    h = run1(CU_ECO_NPM, "@solana/web3.js", NULL, "~1.95.0", true, false, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2024-11183");
    assert_int_equal(h.sev[0], CUSTODY_SEV_MEDIUM);
    h = run1(CU_ECO_NPM, "@solana/web3.js", NULL, "^1.98.0", true, false, NULL);
    EXPECT_NONE(h);
    /* Leitwacht (2026): its OSV MAL- id, one version */
    h = run1(CU_ECO_NPM, "bandkit", "1.0.7", NULL, false, true, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2026-4496");
    h = run1(CU_ECO_NPM, "bandkit", "1.0.6", NULL, false, true, NULL);
    EXPECT_NONE(h);
    /* an unpinned registry requirement may resolve to the malicious version */
    h = run1(CU_ECO_PYPI, "3web", NULL, NULL, true, false, NULL);
    EXPECT(h, "deps/known-malicious", "MAL-2024-9933");
    assert_int_equal(h.sev[0], CUSTODY_SEV_MEDIUM);
}

/* No popular name is listed as malicious in every version: its hijacks are specific versions. */
static void popular_names_never_every_version(void **state)
{
    (void)state;
    struct {
        enum cu_eco eco;
        const unsigned char *data;
        size_t len;
    } sets[] = {
        { CU_ECO_NPM, cu_data_npm_popular, cu_data_npm_popular_len },
        { CU_ECO_PYPI, cu_data_pypi_popular, cu_data_pypi_popular_len },
    };
    size_t listed = 0;
    for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
        const char *d = (const char *)sets[k].data;
        size_t off = 0, names = 0;
        while (off < sets[k].len) {
            size_t n = strcspn(d + off, "\n");
            char name[256];
            if (n > 0 && n < sizeof(name)) {
                memcpy(name, d + off, n);
                name[n] = '\0';
                names++;
                const struct cu_pkglist_entry *e;
                size_t m = cu_pkglist_find(CU_LIST_MALICIOUS, sets[k].eco, name, &e);
                for (size_t i = 0; i < m; i++) {
                    if (strcmp(e[i].versions, "*") == 0) {
                        fail_msg("popular %s listed as malicious in every version", name);
                    }
                    assert_true(strchr(e[i].versions, '*') == NULL);
                }
                listed += m;
            }
            off += n + 1;
        }
        assert_true(names >= 15000);
    }
    /* the check ran over real hijacks (chalk, debug, @lottiefiles/lottie-player, litellm, ...) */
    assert_true(listed > 20);
    assert_true(cu_popular_rank(CU_ECO_NPM, "fsevents") >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_malicious_from_embedded_lists),
        cmocka_unit_test(worm_versions),
        cmocka_unit_test(typosquats_and_scopes),
        cmocka_unit_test(store_checks),
        cmocka_unit_test(openssf_npm_reports),
        cmocka_unit_test(popular_names_never_every_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
