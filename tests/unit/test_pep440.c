/* PEP 440 (deps/pep440.c) against pypa/packaging's test tables (tests/unit/data). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "deps/versions.h"

struct pep_pair {
    const char *a;
    const char *b;
    int expect;
};

#include "data/pep440_cases.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void versions_parse_and_sort(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N(pep_versions_sorted); i++) {
        struct cu_pep440 v;
        if (!cu_pep440_parse(pep_versions_sorted[i], &v)) {
            print_message("valid version refused: %s\n", pep_versions_sorted[i]);
            bad++;
        }
    }
    /* VERSIONS is listed in PEP 440 order: every pair compares as its positions do */
    for (size_t i = 0; i < N(pep_versions_sorted); i++) {
        for (size_t j = 0; j < N(pep_versions_sorted); j++) {
            int c = 0;
            if (!cu_pep440_compare_str(pep_versions_sorted[i], pep_versions_sorted[j], &c)) {
                continue;
            }
            int want = i < j ? -1 : (i > j ? 1 : 0);
            if (c != want) {
                print_message("%s vs %s: got %d want %d\n", pep_versions_sorted[i],
                              pep_versions_sorted[j], c, want);
                bad++;
            }
        }
    }
    assert_int_equal(bad, 0);
}

static void invalid_versions(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N(pep_invalid); i++) {
        struct cu_pep440 v;
        if (cu_pep440_parse(pep_invalid[i], &v)) {
            print_message("invalid version accepted: %s\n", pep_invalid[i]);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void normalization(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N(pep_normalized); i++) {
        struct cu_pep440 v;
        char out[256];
        if (!cu_pep440_parse(pep_normalized[i].a, &v)) {
            print_message("refused: %s\n", pep_normalized[i].a);
            bad++;
            continue;
        }
        cu_pep440_format(&v, out, sizeof(out));
        if (strcmp(out, pep_normalized[i].b) != 0) {
            print_message("%s normalised to %s, want %s\n", pep_normalized[i].a, out,
                          pep_normalized[i].b);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void specifiers(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N(pep_specifiers); i++) {
        int r = cu_pep440_contains(pep_specifiers[i].b, pep_specifiers[i].a, 1);
        if (r != pep_specifiers[i].expect) {
            print_message("%s in %s: got %d want %d\n", pep_specifiers[i].a, pep_specifiers[i].b, r,
                          pep_specifiers[i].expect);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void invalid_specifiers(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N(pep_invalid_specifiers); i++) {
        if (cu_pep440_contains(pep_invalid_specifiers[i], "1.0", 1) != -1) {
            print_message("invalid specifier accepted: %s\n", pep_invalid_specifiers[i]);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void specifier_sets_and_prereleases(void **state)
{
    (void)state;
    /* PEP 440 examples */
    assert_int_equal(cu_pep440_contains("~=2.2", "2.3", -1), 1);
    assert_int_equal(cu_pep440_contains("~=2.2", "3.0", -1), 0);
    assert_int_equal(cu_pep440_contains("~=1.4.5a4", "1.4.9", -1), 1);
    assert_int_equal(cu_pep440_contains("~=1.4.5a4", "1.5.0", -1), 0);
    assert_int_equal(cu_pep440_contains("~=2.2.post3", "2.9", -1), 1);
    assert_int_equal(cu_pep440_contains("~=2.2.post3", "2.2", -1), 0);
    assert_int_equal(cu_pep440_contains(">=1.0, !=1.3.4.*, <2.0", "1.3.4.2", -1), 0);
    assert_int_equal(cu_pep440_contains(">=1.0, !=1.3.4.*, <2.0", "1.3.5", -1), 1);
    assert_int_equal(cu_pep440_contains("==1.1.*", "1.1.post1", -1), 1);
    assert_int_equal(cu_pep440_contains("==1.1.*", "1.10", -1), 0);
    assert_int_equal(cu_pep440_contains("===foobar", "FooBar", -1), 1);
    assert_int_equal(cu_pep440_contains("===1.0", "1.0.0", -1), 0);
    /* pre-releases: excluded unless a specifier names one or they are allowed */
    assert_int_equal(cu_pep440_contains(">=1.0", "2.0a1", -1), 0);
    assert_int_equal(cu_pep440_contains(">=1.0", "2.0a1", 1), 1);
    assert_int_equal(cu_pep440_contains(">=1.0a1", "2.0a1", -1), 1);
    assert_int_equal(cu_pep440_contains("", "2.0a1", -1), 0);
    assert_int_equal(cu_pep440_contains("", "2.0", -1), 1);
    assert_int_equal(cu_pep440_contains("<2.0", "2.0rc1", 1), 0);
    assert_int_equal(cu_pep440_contains(">1.7", "1.7.post2", 1), 0);
    assert_int_equal(cu_pep440_contains(">1.7", "1.7.1", 1), 1);
    assert_int_equal(cu_pep440_contains(">=1.0,", "1.5", -1), 1);
    assert_int_equal(cu_pep440_contains(">=1.0", "not a version", -1), 0);
    assert_int_equal(cu_pep440_contains("=>1.0", "1.0", -1), -1);
    assert_int_equal(cu_pep440_contains(NULL, "1.0", -1), -1);
    /* an epoch orders first */
    int c = 0;
    assert_true(cu_pep440_compare_str("1!0.1", "2024.1", &c));
    assert_int_equal(c, 1);
    assert_false(cu_pep440_compare_str("99999999999999999999999.0", "1.0", &c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(versions_parse_and_sort), cmocka_unit_test(invalid_versions),
        cmocka_unit_test(normalization),           cmocka_unit_test(specifiers),
        cmocka_unit_test(invalid_specifiers),      cmocka_unit_test(specifier_sets_and_prereleases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
