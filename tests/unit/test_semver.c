/* npm semver (deps/semver.c) against node-semver's own test tables (tests/unit/data). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "deps/versions.h"

struct sv_case {
    const char *a;
    const char *b;
    unsigned flags;
    int expect;
};

#include "data/semver_cases.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static size_t run_ranges(const struct sv_case *c, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        int r = cu_semver_satisfies(c[i].b, c[i].a, c[i].flags);
        int got = r == 1 ? 1 : 0;
        if (got != c[i].expect) {
            print_message("range '%s' version '%s' flags %u: got %d want %d\n", c[i].a,
                          c[i].b ? c[i].b : "(null)", c[i].flags, r, c[i].expect);
            bad++;
        }
    }
    return bad;
}

static void range_include_table(void **state)
{
    (void)state;
    assert_int_equal(run_ranges(sv_range_include, N(sv_range_include)), 0);
}

static void range_exclude_table(void **state)
{
    (void)state;
    assert_int_equal(run_ranges(sv_range_exclude, N(sv_range_exclude)), 0);
}

static void range_parse_validity(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N(sv_range_parse); i++) {
        int r = cu_semver_satisfies("1.0.0", sv_range_parse[i].a, sv_range_parse[i].flags);
        int valid = r >= 0;
        if (valid != sv_range_parse[i].expect) {
            print_message("range '%s' flags %u: valid=%d want %d\n", sv_range_parse[i].a,
                          sv_range_parse[i].flags, valid, sv_range_parse[i].expect);
            bad++;
        }
    }
    /* `^${MAX_SAFE_INTEGER}.0.0` (a template row of range-parse.js) */
    assert_int_equal(cu_semver_satisfies("1.0.0", "^9007199254740991.0.0", 0), -1);
    assert_int_equal(bad, 0);
}

static void comparisons_table(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N(sv_comparisons); i++) {
        struct cu_semver a, b;
        bool loose = (sv_comparisons[i].flags & CU_SEMVER_LOOSE) != 0;
        if (!cu_semver_parse(sv_comparisons[i].a, loose, &a) ||
            !cu_semver_parse(sv_comparisons[i].b, loose, &b) || cu_semver_cmp(&a, &b) <= 0 ||
            cu_semver_cmp(&b, &a) >= 0 || cu_semver_cmp(&a, &a) != 0) {
            print_message("compare '%s' > '%s' failed\n", sv_comparisons[i].a, sv_comparisons[i].b);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void spec_examples(void **state)
{
    (void)state;
    /* semver 2.0.0 §11 precedence chain */
    static const char *const chain[] = { "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                         "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                                         "1.0.0-rc.1",  "1.0.0",         "2.0.0",
                                         "2.1.0",       "2.1.1" };
    for (size_t i = 0; i + 1 < N(chain); i++) {
        int c = 0;
        assert_true(cu_semver_compare_str(chain[i], chain[i + 1], &c));
        assert_int_equal(c, -1);
    }
    int c = 1;
    assert_true(cu_semver_compare_str("1.0.0+build.1", "1.0.0+build.2", &c));
    assert_int_equal(c, 0);
    /* invalid versions */
    struct cu_semver v;
    assert_false(cu_semver_parse("1.2", false, &v));
    assert_false(cu_semver_parse("01.2.3", false, &v));
    assert_false(cu_semver_parse("1.2.3-01", false, &v));
    assert_false(cu_semver_parse("1.2.3.4", false, &v));
    assert_false(cu_semver_parse("9007199254740992.0.0", false, &v));
    assert_false(cu_semver_parse(NULL, false, &v));
    char longv[300];
    memset(longv, '1', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    assert_false(cu_semver_parse(longv, false, &v));
    assert_int_equal(cu_semver_satisfies("1.2.3", NULL, 0), -1);
    assert_int_equal(cu_semver_satisfies("1.2.3", ">=1.0.0 <1.0.0 <1.0.0 <1.0.0", 0), 0);
    /* many comparators and alternatives do not overflow */
    char big[4096] = "";
    for (int i = 0; i < 100; i++) {
        memcpy(big + (size_t)i * 8, ">=1.0.0 ", 9);
    }
    assert_int_equal(cu_semver_satisfies("1.2.3", big, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(range_include_table),  cmocka_unit_test(range_exclude_table),
        cmocka_unit_test(range_parse_validity), cmocka_unit_test(comparisons_table),
        cmocka_unit_test(spec_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
