/* Every published scanner bypass in tests/fixtures/malicious/ (EXPECT.tsv, written by
 * make_malicious.py) must produce a CRITICAL finding that names the callable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "custody/custody.h"
#include "custody/rules.h"
#include "testutil.h"

struct expect_line {
    char file[256];
    char callable[256];
};

/* Reads EXPECT.tsv; fails the test on a malformed line. Caller frees *out. */
static size_t read_expect(struct expect_line **out)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/malicious/EXPECT.tsv", CUSTODY_FIXTURES);
    assert_true(n > 0 && (size_t)n < sizeof(path));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    struct expect_line *v = NULL;
    size_t count = 0, cap = 0;
    char line[1024];
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t len = strlen(line);
        assert_true(len > 0 && line[len - 1] == '\n'); /* no overlong or unterminated line */
        len = len > 0 ? len - 1 : 0; /* the assert above; -O2 does not know it holds */
        line[len] = '\0';
        if (len == 0 || line[0] == '#') {
            continue;
        }
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        const char *file = line, *callable = tab + 1;
        assert_true(file[0] != '\0' && callable[0] != '\0');
        assert_null(strchr(callable, '\t'));
        assert_true(strlen(file) < sizeof(v->file) && strlen(callable) < sizeof(v->callable));
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            struct expect_line *nv = realloc(v, cap * sizeof(*v));
            assert_non_null(nv);
            v = nv;
        }
        memcpy(v[count].file, file, strlen(file) + 1);
        memcpy(v[count].callable, callable, strlen(callable) + 1);
        count++;
    }
    assert_int_equal(fclose(f), 0);
    *out = v;
    return count;
}

/* The fixtures only name callables the policy denies (under the split a loader would use). */
static void every_expected_callable_is_denied_by_the_policy(void **state)
{
    (void)state;
    struct expect_line *v = NULL;
    size_t n = read_expect(&v);
    assert_true(n >= 150);
    for (size_t i = 0; i < n; i++) {
        char mod[256];
        bool denied = false;
        const char *c = v[i].callable;
        for (const char *dot = strchr(c, '.'); dot != NULL && !denied; dot = strchr(dot + 1, '.')) {
            (void)snprintf(mod, sizeof(mod), "%.*s", (int)(dot - c), c);
            denied = custody_pickle_classify(mod, dot + 1, NULL) == CUSTODY_PICKLE_DANGEROUS;
        }
        if (!denied) {
            fail_msg("%s: %s is not denied by the policy", v[i].file, c);
        }
    }
    free(v);
}

static void every_fixture_has_a_critical_finding_naming_its_callable(void **state)
{
    (void)state;
    struct expect_line *v = NULL;
    size_t n = read_expect(&v);
    size_t missed = 0;
    for (size_t i = 0; i < n; i++) {
        char rel[300];
        (void)snprintf(rel, sizeof(rel), "malicious/%s", v[i].file);
        custody_scan *s = tu_scan_fixture(rel);
        if (!tu_has_text(s, v[i].callable, CUSTODY_SEV_CRITICAL)) {
            printf("MISSED %s: no CRITICAL finding naming %s\n", v[i].file, v[i].callable);
            tu_dump(s);
            missed++;
        }
        custody_scan_free(s);
    }
    free(v);
    if (missed != 0) {
        fail_msg("%zu of %zu bypass expectations missed", missed, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_expected_callable_is_denied_by_the_policy),
        cmocka_unit_test(every_fixture_has_a_critical_finding_naming_its_callable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
