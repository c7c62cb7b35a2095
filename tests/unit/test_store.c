/* SQLite store (store/sqlite.c): pins, OSV import (tests/fixtures/osv), advisory queries and
 * OSV range evaluation (deps/rules_data.c cu_osv_affects). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "deps/rules_data.h"
#include "store/store.h"
#include "testutil.h"

static char dbpath[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dbpath, sizeof(dbpath), "/tmp/custody-test-store-%ld.db", (long)getpid());
    unlink(dbpath);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_unlink_db(dbpath);
    return 0;
}

static struct cu_store *open_store(void)
{
    struct cu_store *s = NULL;
    custody_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(cu_store_open(&s, dbpath, &err), 0);
    assert_non_null(s);
    return s;
}

static void pins(void **state)
{
    (void)state;
    struct cu_store *s = open_store();
    custody_error err;
    memset(&err, 0, sizeof(err));
    char old[129];
    assert_int_equal(cu_store_pin(s, "mcp-tool", "srv/tool", "aa11", old, &err), 0);
    assert_int_equal(cu_store_pin(s, "mcp-tool", "srv/tool", "aa11", old, &err), 0);
    assert_int_equal(cu_store_pin(s, "mcp-tool", "srv/tool", "bb22", old, &err), 1);
    assert_string_equal(old, "aa11");
    /* not recorded until accepted */
    assert_int_equal(cu_store_pin(s, "mcp-tool", "srv/tool", "bb22", old, &err), 1);
    assert_int_equal(cu_store_pin_accept(s, "mcp-tool", "srv/tool", "bb22", &err), 0);
    assert_int_equal(cu_store_pin(s, "mcp-tool", "srv/tool", "bb22", old, &err), 0);
    /* kinds are separate namespaces */
    assert_int_equal(cu_store_pin(s, "other", "srv/tool", "cc33", old, &err), 0);
    assert_true(cu_store_pin(s, NULL, "k", "d", old, &err) < 0);
    cu_store_close(s);
    /* persisted */
    s = open_store();
    assert_int_equal(cu_store_pin(s, "mcp-tool", "srv/tool", "aa11", old, &err), 1);
    assert_string_equal(old, "bb22");
    cu_store_close(s);
    cu_store_close(NULL);
}

struct found {
    char ids[16][64];
    bool mal[16];
    size_t n;
    const char *version;
    int eco;
};

static int collect(void *arg, const struct cu_osv_affect *a)
{
    struct found *f = arg;
    if (f->version != NULL && !cu_osv_affects((enum cu_eco)f->eco, a, f->version)) {
        return 0;
    }
    if (f->n < 16) {
        snprintf(f->ids[f->n], sizeof(f->ids[0]), "%s", a->id);
        f->mal[f->n] = a->malicious;
        f->n++;
    }
    return 0;
}

static size_t
affected(struct cu_store *s, const char *eco, const char *name, const char *ver, struct found *f)
{
    custody_error err;
    memset(&err, 0, sizeof(err));
    memset(f, 0, sizeof(*f));
    f->version = ver;
    f->eco = strcmp(eco, "PyPI") == 0 ? CU_ECO_PYPI : CU_ECO_NPM;
    assert_int_equal(cu_store_advisories(s, eco, name, collect, f, &err), 0);
    return f->n;
}

static void import_and_query(void **state)
{
    (void)state;
    struct cu_store *s = open_store();
    custody_error err;
    memset(&err, 0, sizeof(err));
    struct cu_osv_import_stats st;
    assert_int_equal(cu_store_import_osv(s, CUSTODY_FIXTURES "/osv/mini-osv.zip", &st, &err), 0);
    assert_int_equal(st.files, 9);
    assert_int_equal(st.advisories, 7);
    assert_int_equal(st.malicious, 3);
    assert_int_equal(st.skipped, 2);
    /* re-import replaces, it does not duplicate */
    assert_int_equal(cu_store_import_osv(s, CUSTODY_FIXTURES "/osv/mini-osv.zip", &st, &err), 0);
    struct cu_store_info info;
    assert_int_equal(cu_store_info(s, &info, &err), 0);
    assert_int_equal(info.advisories, 7);
    assert_int_equal(info.malicious, 3);

    struct found f;
    assert_int_equal(affected(s, "npm", "lodash", "4.17.20", &f), 1);
    assert_string_equal(f.ids[0], "GHSA-test-lodash");
    assert_false(f.mal[0]);
    assert_int_equal(affected(s, "npm", "lodash", "4.17.21", &f), 0);
    assert_int_equal(affected(s, "npm", "lodash", "0.0.1", &f), 1);
    /* two ranges, events listed out of order */
    assert_int_equal(affected(s, "npm", "minimist", "0.2.3", &f), 1);
    assert_int_equal(affected(s, "npm", "minimist", "0.2.4", &f), 0);
    assert_int_equal(affected(s, "npm", "minimist", "1.0.0", &f), 1);
    assert_int_equal(affected(s, "npm", "minimist", "1.2.5", &f), 1);
    assert_int_equal(affected(s, "npm", "minimist", "1.2.6", &f), 0);
    /* explicit versions */
    assert_int_equal(affected(s, "npm", "hijacked-lib", "2.0.1", &f), 1);
    assert_true(f.mal[0]);
    assert_int_equal(affected(s, "npm", "hijacked-lib", "2.0.3", &f), 0);
    assert_int_equal(affected(s, "npm", "evil-helper", "9.9.9", &f), 1);
    /* PyPI: PEP 503 names, PEP 440 ordering, last_affected inclusive */
    assert_int_equal(affected(s, "PyPI", "django", "4.2", &f), 1);
    assert_int_equal(affected(s, "PyPI", "DJANGO", "4.2.1", &f), 0);
    assert_int_equal(affected(s, "PyPI", "django", "4.2.1rc1", &f), 1);
    assert_int_equal(affected(s, "PyPI", "django", "3.2.20", &f), 0);
    assert_int_equal(affected(s, "PyPI", "requests", "2.31.0", &f), 1);
    assert_int_equal(affected(s, "PyPI", "requests", "2.31.0.post1", &f), 0);
    assert_int_equal(affected(s, "PyPI", "requests", "2.0", &f), 0);
    assert_int_equal(affected(s, "PyPI", "re-qeusts", "1.0", &f), 0);
    assert_int_equal(affected(s, "PyPI", "REQEUSTS", "1.0", &f), 1);
    /* withdrawn advisories and other ecosystems are not imported */
    assert_int_equal(affected(s, "npm", "express", "4.0.0", &f), 0);
    assert_int_equal(cu_store_known(s, "npm", "lodash"), 1);
    assert_int_equal(cu_store_known(s, "npm", "express"), 0);
    assert_int_equal(cu_store_names_count(s, "npm"), 0);
    size_t n = 0;
    assert_int_equal(
        cu_store_import_names(s, "npm", CUSTODY_FIXTURES "/osv/names-npm.txt", &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(cu_store_names_count(s, "npm"), 3);
    assert_int_equal(cu_store_known(s, "npm", "express"), 1);
    assert_true(cu_store_import_names(s, "Go", CUSTODY_FIXTURES "/osv/names-npm.txt", &n, &err) <
                0);
    cu_store_close(s);
}

static void broken_dump_commits_nothing(void **state)
{
    (void)state;
    struct cu_store *s = open_store();
    custody_error err;
    memset(&err, 0, sizeof(err));
    struct cu_osv_import_stats st;
    assert_int_equal(cu_store_import_osv(s, CUSTODY_FIXTURES "/osv/bad-osv.zip", &st, &err),
                     CUSTODY_EMALFORMED);
    struct cu_store_info info;
    assert_int_equal(cu_store_info(s, &info, &err), 0);
    assert_int_equal(info.advisories, 0);
    assert_true(cu_store_import_osv(s, CUSTODY_FIXTURES "/osv/missing.zip", &st, &err) < 0);
    assert_true(cu_store_import_osv(s, CUSTODY_FIXTURES "/osv/names-npm.txt", &st, &err) < 0);
    cu_store_close(s);
    /* a read-only open refuses what is not a store */
    assert_true(cu_store_open_ro(&s, CUSTODY_FIXTURES "/osv/names-npm.txt", &err) < 0);
    assert_null(s);
    assert_true(cu_store_open_ro(&s, "/nonexistent/dir/x.db", &err) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pins, setup, teardown),
        cmocka_unit_test_setup_teardown(import_and_query, setup, teardown),
        cmocka_unit_test_setup_teardown(broken_dump_commits_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
