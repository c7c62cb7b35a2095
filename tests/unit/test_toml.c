/* core/toml: the public toml-test suite (TOML 1.0.0 cases, tests/fixtures/toml-test) plus
 * line numbers, tags and limits. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/toml.h"
#include "testutil.h"

static int parse(const char *s, struct cu_toml **doc)
{
    custody_error err;
    memset(&err, 0, sizeof(err));
    return cu_toml_parse((const uint8_t *)s, strlen(s), doc, &err);
}

/* Datetimes as toml-test writes them: 'T' and 'Z' upper case, a space becomes 'T'. */
static void norm_dt(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in[i] && i + 1 < cap; i++) {
        char c = in[i];
        if (c == 't' || c == ' ')
            c = 'T';
        if (c == 'z')
            c = 'Z';
        out[i] = c;
    }
    out[i] = '\0';
    /* fractional seconds: trailing zeros are not significant */
    char *dot = strchr(out, '.');
    if (dot) {
        size_t e = 1;
        while (dot[e] >= '0' && dot[e] <= '9')
            e++;
        size_t k = e;
        while (k > 1 && dot[k - 1] == '0')
            k--;
        if (k == 1)
            k = 0;
        memmove(dot + k, dot + e, strlen(dot + e) + 1);
    }
}

static bool same_float(const char *want, const json_t *got, const struct cu_toml *doc)
{
    if (json_is_string(got)) {
        if (cu_toml_kind(doc, got) != CU_TOML_FLOAT_SPECIAL)
            return false;
        const char *g = json_string_value(got);
        if (strstr(g, "nan"))
            return strstr(want, "nan") != NULL;
        bool gneg = g[0] == '-';
        return strstr(want, "inf") && ((want[0] == '-') == gneg);
    }
    if (!json_is_real(got))
        return false;
    double w = strtod(want, NULL), g = json_real_value(got);
    return w == g && signbit(w) == signbit(g);
}

/* Compares our tree with toml-test's tagged JSON. */
static bool
same(const json_t *want, const json_t *got, const struct cu_toml *doc, char *why, size_t whylen)
{
    if (json_is_object(want)) {
        json_t *type = json_object_get(want, "type"), *value = json_object_get(want, "value");
        if (json_is_string(type) && json_is_string(value) && json_object_size(want) == 2) {
            const char *t = json_string_value(type), *v = json_string_value(value);
            if (strcmp(t, "string") == 0)
                return json_is_string(got) && cu_toml_kind(doc, got) == CU_TOML_OTHER &&
                       json_string_length(got) == json_string_length(value) &&
                       memcmp(json_string_value(got), v, json_string_length(got)) == 0;
            if (strcmp(t, "integer") == 0)
                return json_is_integer(got) && json_integer_value(got) == strtoll(v, NULL, 10);
            if (strcmp(t, "float") == 0)
                return same_float(v, got, doc);
            if (strcmp(t, "bool") == 0)
                return json_is_boolean(got) && json_is_true(got) == (strcmp(v, "true") == 0);
            enum cu_toml_kind k = strcmp(t, "datetime") == 0         ? CU_TOML_DATETIME
                                  : strcmp(t, "datetime-local") == 0 ? CU_TOML_DATETIME_LOCAL
                                  : strcmp(t, "date-local") == 0     ? CU_TOML_DATE_LOCAL
                                  : strcmp(t, "time-local") == 0     ? CU_TOML_TIME_LOCAL
                                                                     : CU_TOML_OTHER;
            if (k == CU_TOML_OTHER || !json_is_string(got) || cu_toml_kind(doc, got) != k) {
                snprintf(why, whylen, "type %s", t);
                return false;
            }
            char a[128], b[128];
            norm_dt(v, a, sizeof(a));
            norm_dt(json_string_value(got), b, sizeof(b));
            if (strcmp(a, b) != 0)
                snprintf(why, whylen, "datetime %s vs %s", a, b);
            return strcmp(a, b) == 0;
        }
        /* a table */
        if (!json_is_object(got) || json_object_size(got) != json_object_size(want)) {
            snprintf(why, whylen, "table size");
            return false;
        }
        const char *key;
        json_t *wv;
        json_object_foreach((json_t *)want, key, wv)
        {
            json_t *gv = json_object_get(got, key);
            if (!gv || !same(wv, gv, doc, why, whylen)) {
                if (!why[0])
                    snprintf(why, whylen, "key %s", key);
                return false;
            }
        }
        return true;
    }
    if (json_is_array(want)) {
        if (!json_is_array(got) || json_array_size(got) != json_array_size(want)) {
            snprintf(why, whylen, "array size");
            return false;
        }
        for (size_t i = 0; i < json_array_size(want); i++)
            if (!same(json_array_get(want, i), json_array_get(got, i), doc, why, whylen))
                return false;
        return true;
    }
    return false;
}

static void toml_test_suite(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof(path), "%s/toml-test/files-toml-1.0.0", CUSTODY_FIXTURES);
    FILE *list = fopen(path, "r");
    assert_non_null(list);
    char rel[512];
    unsigned nvalid = 0, ninvalid = 0, failed = 0;
    while (fgets(rel, sizeof(rel), list)) {
        rel[strcspn(rel, "\r\n")] = '\0';
        size_t rl = strlen(rel);
        if (rl < 6 || strcmp(rel + rl - 5, ".toml") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/toml-test/%s", CUSTODY_FIXTURES, rel);
        size_t len = 0;
        uint8_t *data = tu_slurp(path, &len);
        assert_non_null(data);
        struct cu_toml *doc = NULL;
        custody_error err;
        memset(&err, 0, sizeof(err));
        int rc = cu_toml_parse(data, len, &doc, &err);
        if (strcmp(rel, "valid/key/quoted-unicode.toml") == 0) {
            /* a key "\u0000": jansson keys are C strings, so it is refused, never truncated */
            assert_int_equal(rc, CUSTODY_EUNSUPPORTED);
        } else if (strncmp(rel, "valid/", 6) == 0) {
            nvalid++;
            char jpath[1024];
            snprintf(jpath, sizeof(jpath), "%.*s.json", (int)(strlen(path) - 5), path);
            json_error_t jerr;
            json_t *want = json_load_file(jpath, JSON_ALLOW_NUL, &jerr);
            if (!want)
                printf("bad json %s: %s\n", jpath, jerr.text);
            assert_non_null(want);
            char why[256] = "";
            if (rc != 0) {
                printf("FAIL valid %s: rejected: %s\n", rel, err.msg);
                failed++;
            } else if (!same(want, cu_toml_root(doc), doc, why, sizeof(why))) {
                printf("FAIL valid %s: differs (%s)\n", rel, why);
                failed++;
            }
            json_decref(want);
        } else {
            ninvalid++;
            if (rc == 0) {
                printf("FAIL invalid %s: accepted\n", rel);
                failed++;
            } else {
                assert_true(rc == CUSTODY_EMALFORMED || rc == CUSTODY_ELIMIT);
            }
        }
        cu_toml_free(doc);
        free(data);
    }
    fclose(list);
    printf("toml-test: %u valid, %u invalid, %u failed\n", nvalid, ninvalid, failed);
    assert_true(nvalid >= 200);
    assert_true(ninvalid >= 400);
    assert_int_equal(failed, 0);
}

static void lines_and_tags(void **state)
{
    (void)state;
    struct cu_toml *doc = NULL;
    assert_int_equal(parse("# c\n"
                           "name = \"x\"\n"
                           "\n"
                           "[tool.poetry.dependencies]\n"
                           "python = \"^3.9\"\n"
                           "flag = true\n"
                           "[[package]]\n"
                           "name = \"a\"\n"
                           "[[package]]\n"
                           "name = \"b\"\n"
                           "when = 1979-05-27T07:32:00Z\n"
                           "day = 1979-05-27\n"
                           "big = -inf\n"
                           "deps = [\n"
                           "  \"one\",\n"
                           "  \"two\",\n"
                           "]\n",
                           &doc),
                     0);
    const json_t *root = cu_toml_root(doc);
    assert_int_equal(cu_toml_key_line(doc, root, "name"), 2);
    const json_t *tool = json_object_get(root, "tool");
    assert_int_equal(cu_toml_key_line(doc, root, "tool"), 4);
    const json_t *deps = json_object_get(json_object_get(tool, "poetry"), "dependencies");
    assert_non_null(deps);
    assert_int_equal(cu_toml_key_line(doc, deps, "python"), 5);
    assert_int_equal(cu_toml_key_line(doc, deps, "flag"), 6);
    assert_true(json_is_true(json_object_get(deps, "flag")));
    const json_t *pk = json_object_get(root, "package");
    assert_int_equal(json_array_size(pk), 2);
    assert_int_equal(cu_toml_item_line(doc, pk, 0), 7);
    assert_int_equal(cu_toml_item_line(doc, pk, 1), 9);
    const json_t *b = json_array_get(pk, 1);
    assert_int_equal(cu_toml_key_line(doc, b, "name"), 10);
    assert_int_equal(cu_toml_kind(doc, json_object_get(b, "when")), CU_TOML_DATETIME);
    assert_int_equal(cu_toml_kind(doc, json_object_get(b, "day")), CU_TOML_DATE_LOCAL);
    assert_int_equal(cu_toml_kind(doc, json_object_get(b, "big")), CU_TOML_FLOAT_SPECIAL);
    assert_int_equal(cu_toml_kind(doc, json_object_get(b, "name")), CU_TOML_OTHER);
    const json_t *arr = json_object_get(b, "deps");
    assert_int_equal(cu_toml_item_line(doc, arr, 0), 15);
    assert_int_equal(cu_toml_item_line(doc, arr, 1), 16);
    assert_int_equal(cu_toml_key_line(doc, b, "missing"), 0);
    cu_toml_free(doc);
}

static void limits_and_errors(void **state)
{
    (void)state;
    struct cu_toml *doc = NULL;
    /* deep arrays: limit, not a crash */
    size_t n = 100000;
    char *s = malloc(n * 2 + 8);
    memcpy(s, "a = ", 4);
    for (size_t i = 0; i < n; i++)
        s[4 + i] = '[';
    for (size_t i = 0; i < n; i++)
        s[4 + n + i] = ']';
    s[4 + 2 * n] = '\0';
    custody_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(cu_toml_parse((const uint8_t *)s, strlen(s), &doc, &err), CUSTODY_ELIMIT);
    assert_null(doc);
    /* deep dotted keys */
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = 'a';
        s[2 * i + 1] = '.';
    }
    memcpy(s + 2 * n - 1, "=1", 3);
    assert_int_equal(cu_toml_parse((const uint8_t *)s, strlen(s), &doc, &err), CUSTODY_ELIMIT);
    free(s);
    /* error messages carry the line */
    memset(&err, 0, sizeof(err));
    assert_int_equal(cu_toml_parse((const uint8_t *)"a = 1\nb = 2\na = 3\n", 18, &doc, &err),
                     CUSTODY_EMALFORMED);
    assert_non_null(strstr(err.msg, "line 3"));
    /* truncated inputs never crash */
    const char *full = "[a]\nb = \"\"\"x\ny\"\"\"\nc = [1, {d = 2}]\ne = 1979-05-27T07:32:00Z\n";
    for (size_t i = 0; i < strlen(full); i++) {
        int rc = cu_toml_parse((const uint8_t *)full, i, &doc, &err);
        if (rc == 0)
            cu_toml_free(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(toml_test_suite),
        cmocka_unit_test(lines_and_tags),
        cmocka_unit_test(limits_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
