/* Typosquat index (deps/typosquat.c) over the embedded popular-name lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "deps/deps.h"
#include "deps/typosquat.h"

static void expect_clean(enum cu_eco eco, const char *name)
{
    const char *t = NULL;
    if (cu_typosquat_check(eco, name, &t)) {
        fail_msg("%s flagged as imitating %s", name, t);
    }
    assert_null(t);
}

static void expect_squat(enum cu_eco eco, const char *name, const char *want)
{
    const char *t = NULL;
    if (!cu_typosquat_check(eco, name, &t)) {
        fail_msg("%s should imitate %s", name, want);
    }
    assert_non_null(t);
    if (strcmp(t, want) != 0) {
        fail_msg("%s imitates %s, expected %s", name, t, want);
    }
}

static void lists_are_loaded(void **state)
{
    (void)state;
    assert_true(cu_typosquat_count(CU_ECO_NPM) > 15000);
    assert_true(cu_typosquat_count(CU_ECO_PYPI) >= 14900);
    assert_true(cu_popular_name(CU_ECO_NPM, "express"));
    assert_true(cu_popular_name(CU_ECO_NPM, "@types/node"));
    assert_true(cu_popular_name(CU_ECO_PYPI, "requests"));
    /* PEP 503: case and separators do not matter on PyPI */
    assert_true(cu_popular_name(CU_ECO_PYPI, "Python_DateUtil"));
    assert_true(cu_popular_name(CU_ECO_PYPI, "PyYAML"));
    assert_false(cu_popular_name(CU_ECO_NPM, "expresss"));
    assert_false(cu_popular_name(CU_ECO_NPM, NULL));
    assert_false(cu_popular_name(CU_ECO_NPM, ""));
    assert_int_equal(cu_popular_rank(CU_ECO_PYPI, "requests") < 50, 1);
    assert_int_equal(cu_popular_rank(CU_ECO_PYPI, "no-such-package-xyzzy"), -1);
}

static void finds_edit_distance_squats(void **state)
{
    (void)state;
    expect_squat(CU_ECO_NPM, "expresss", "express");   /* doubled letter */
    expect_squat(CU_ECO_NPM, "expres", "express");     /* missing letter */
    expect_squat(CU_ECO_NPM, "axois", "axios");        /* adjacent swap */
    expect_squat(CU_ECO_NPM, "lodahs", "lodash");      /* adjacent swap */
    expect_squat(CU_ECO_NPM, "crossenv", "cross-env"); /* the 2017 squat */
    expect_clean(CU_ECO_NPM, "edn-data");              /* mdn-data: first letter only */
    expect_clean(CU_ECO_NPM, "@types/expresss");       /* inside a scope: its owner published it */
    expect_squat(CU_ECO_PYPI, "reqeusts", "requests");
    expect_squat(CU_ECO_PYPI, "request", "requests");
    expect_squat(CU_ECO_PYPI, "urlib3", "urllib3");
    expect_squat(CU_ECO_PYPI, "beautifulsop4", "beautifulsoup4");
    expect_clean(CU_ECO_PYPI, "beautifulsoup"); /* differs only in a digit (BeautifulSoup 3) */
    expect_squat(CU_ECO_PYPI, "python-dateutils", "python-dateutil");
    expect_squat(CU_ECO_PYPI, "colourama", "colorama");
}

static void finds_transform_squats(void **state)
{
    (void)state;
    expect_squat(CU_ECO_NPM, "c0l0rs", "colors");             /* homoglyphs, two edits */
    expect_squat(CU_ECO_NPM, "1odash", "lodash");             /* 1/l */
    expect_squat(CU_ECO_NPM, "rnoment", "moment");            /* rn/m */
    expect_squat(CU_ECO_NPM, "lodash_merge", "lodash.merge"); /* separator swap */
    expect_squat(CU_ECO_PYPI, "pythondateutil", "python-dateutil");
    expect_squat(CU_ECO_PYPI, "nurnpy", "numpy");
    /* a fake scope that imitates a popular one */
    expect_squat(CU_ECO_NPM, "@typess/node", "@types/node");
    expect_squat(CU_ECO_NPM, "@tyeps/node", "@types/node");
}

static void near_misses_stay_clean(void **state)
{
    (void)state;
    /* popular packages whose names are close to each other */
    static const char *const npm_ok[] = { "react",     "preact",      "request",     "lodash",
                                          "lodash-es", "colors",      "color",       "chalk",
                                          "debug",     "@types/node", "@babel/core", "vue",
                                          "ms",        "qs",          "ws" };
    for (size_t i = 0; i < sizeof(npm_ok) / sizeof(npm_ok[0]); i++) {
        expect_clean(CU_ECO_NPM, npm_ok[i]);
    }
    static const char *const pypi_ok[] = { "requests", "urllib3", "numpy",  "pyyaml",
                                           "pyaml",    "PyYAML",  "Django", "python_dateutil" };
    for (size_t i = 0; i < sizeof(pypi_ok) / sizeof(pypi_ok[0]); i++) {
        expect_clean(CU_ECO_PYPI, pypi_ok[i]);
    }
    /* a private scope, short names, names that differ only in digits, unrelated names */
    expect_clean(CU_ECO_NPM, "@acme-corp/internal-utils");
    expect_clean(CU_ECO_NPM, "@mycompany/logger");
    expect_clean(CU_ECO_NPM, "abc");
    expect_clean(CU_ECO_NPM, "vue9");
    expect_clean(CU_ECO_NPM, "my-totally-unique-package-name");
    expect_clean(CU_ECO_PYPI, "my-internal-tool");
    expect_clean(CU_ECO_NPM, NULL);
    expect_clean(CU_ECO_NPM, "");
    /* an over-long name is handled, not overflowed */
    char longname[600];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    expect_clean(CU_ECO_NPM, longname);
}

static void osa_distance(void **state)
{
    (void)state;
    assert_int_equal(cu_osa_distance("abc", 3, "abc", 3, 2), 0);
    assert_int_equal(cu_osa_distance("abc", 3, "acb", 3, 2), 1);
    assert_int_equal(cu_osa_distance("kitten", 6, "sitting", 7, 5), 3);
    assert_int_equal(cu_osa_distance("kitten", 6, "sitting", 7, 2), 3); /* capped: cap + 1 */
    assert_int_equal(cu_osa_distance("ca", 2, "abc", 3, 5), 3);         /* OSA, not Damerau */
}

static void builds_fast(void **state)
{
    (void)state;
    double ms = cu_typosquat_build_ms();
    size_t n = cu_typosquat_count(CU_ECO_NPM) + cu_typosquat_count(CU_ECO_PYPI);
    print_message("indexed %zu names in %.1f ms (sanitizer build)\n", n, ms);
    assert_true(n > 30000);
    /* generous under ASan; bench/typosquat checks the 50 ms release figure */
    assert_true(ms < 2000.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_are_loaded),       cmocka_unit_test(finds_edit_distance_squats),
        cmocka_unit_test(finds_transform_squats), cmocka_unit_test(near_misses_stay_clean),
        cmocka_unit_test(osa_distance),           cmocka_unit_test(builds_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
