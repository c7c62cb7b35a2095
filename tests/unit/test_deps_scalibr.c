/* Acceptance: the package sets our parsers extract from osv-scalibr's lockfile extractor test
 * data equal that project's expected sets (tests/fixtures/deps/scalibr/<format>/expected.tsv,
 * transcribed by transcribe.py). Deliberate differences are listed, with their reason, in
 * <format>/divergences.tsv ("file<TAB>name|*<TAB>reason") and in the rules below:
 *  - manifests (requirements, pyproject) keep a range in `spec`, not `version`: scalibr's
 *    version must then appear in our spec;
 *  - requirements: packages from URLs/paths, which scalibr drops, may be extra;
 *  - package.json has its own comparison (package_json_sets): scalibr reports the manifest's
 *    own name@version as the package and, for dependencies, the lowest version a range
 *    admits; we keep the manifest's name/version as project_name/project_version and each
 *    dependency's range in `spec`, so scalibr's version must satisfy our range. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deps/deps.h"
#include "deps/versions.h"
#include "testutil.h"

struct fmt {
    const char *dir;
    cu_depfile_parse_fn fn;
    bool manifest;
};

static const struct fmt formats[] = {
    { "package-lock", cu_parse_npm_lock, false },    { "yarn", cu_parse_yarn_lock, false },
    { "pnpm", cu_parse_pnpm_lock, false },           { "bun", cu_parse_bun_lock, false },
    { "requirements", cu_parse_requirements, true }, { "pyproject", cu_parse_pyproject, true },
    { "poetry", cu_parse_poetry_lock, false },       { "uv", cu_parse_uv_lock, false },
    { "pipfile", cu_parse_pipfile_lock, false },     { "pylock", cu_parse_pylock, false },
    /* package-json is not compared: scalibr's extractor reports an installed package
     * (the manifest's own name@version), ours a manifest's dependency ranges. */
};

struct row {
    char file[256], name[256], version[128];
    unsigned line;
};

static size_t read_tsv(const char *path, struct row *rows, size_t max, int ncols)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[1024];
    size_t n = 0;
    while (n < max && fgets(buf, sizeof(buf), f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (!buf[0] || buf[0] == '#')
            continue;
        char *cols[4] = { buf, "", "", "" };
        int c = 1;
        for (char *p = buf; *p && c < 4; p++)
            if (*p == '\t') {
                *p = '\0';
                cols[c++] = p + 1;
            }
        (void)ncols;
        memset(&rows[n], 0, sizeof(rows[n]));
        snprintf(rows[n].file, sizeof(rows[n].file), "%s", cols[0]);
        snprintf(rows[n].name, sizeof(rows[n].name), "%s", cols[1]);
        snprintf(rows[n].version, sizeof(rows[n].version), "%s", cols[2]);
        rows[n].line = (unsigned)strtoul(cols[3], NULL, 10);
        n++;
    }
    fclose(f);
    return n;
}

static bool diverges(const struct row *div, size_t ndiv, const char *file, const char *name)
{
    for (size_t i = 0; i < ndiv; i++)
        if (strcmp(div[i].file, file) == 0 &&
            (strcmp(div[i].name, "*") == 0 || strcmp(div[i].name, name) == 0))
            return true;
    return false;
}

static bool pkg_matches(const struct cu_pkg *p, const struct row *r, bool manifest)
{
    if (strcmp(p->name, r->name) != 0)
        return false;
    const char *v = p->version ? p->version : "";
    if (strcmp(v, r->version) == 0)
        return true;
    return manifest && !p->version && r->version[0] && p->spec && strstr(p->spec, r->version);
}

static unsigned g_files, g_passed, g_lines, g_lines_ok;

/* Parses tests/fixtures/deps/scalibr/<dir>/<file> with fn into a fresh *df. */
static int parse_fixture(const char *dir,
                         const char *file,
                         cu_depfile_parse_fn fn,
                         struct cu_depfile *df,
                         custody_error *err)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/deps/scalibr/%s/%s", CUSTODY_FIXTURES, dir, file);
    size_t len = 0;
    uint8_t *data = tu_slurp(path, &len);
    assert_non_null(data);
    memset(df, 0, sizeof(*df));
    memset(err, 0, sizeof(*err));
    int rc = fn(df, data, len, err);
    free(data);
    return rc;
}

/* Compares one fixture; returns true when it agrees. */
static bool check_file(const struct fmt *f,
                       const char *file,
                       const struct row *exp,
                       size_t nexp,
                       const struct row *div,
                       size_t ndiv)
{
    struct cu_depfile df;
    custody_error err;
    int rc = parse_fixture(f->dir, file, f->fn, &df, &err);
    bool ok = true;
    bool whole = diverges(div, ndiv, file, "*");
    if (nexp == 1 && strcmp(exp[0].name, "!error") == 0) {
        ok = rc == CUSTODY_EMALFORMED || rc == CUSTODY_EUNSUPPORTED;
        if (!ok)
            printf("  %s/%s: accepted, scalibr rejects it\n", f->dir, file);
    } else if (rc != 0) {
        ok = false;
        if (!whole)
            printf("  %s/%s: rejected: %s\n", f->dir, file, err.msg);
    } else if (nexp == 1 && strcmp(exp[0].name, "!empty") == 0) {
        ok = df.npkgs == 0;
        if (!ok)
            printf("  %s/%s: %zu packages, scalibr finds none\n", f->dir, file, df.npkgs);
    } else {
        /* every expected package is ours, every one of ours is expected */
        for (size_t i = 0; i < nexp; i++) {
            if (diverges(div, ndiv, file, exp[i].name))
                continue;
            bool found = false;
            for (size_t j = 0; j < df.npkgs && !found; j++) {
                if (pkg_matches(&df.pkgs[j], &exp[i], f->manifest)) {
                    found = true;
                    if (exp[i].line) {
                        g_lines++;
                        g_lines_ok += df.pkgs[j].line == exp[i].line;
                        if (df.pkgs[j].line != exp[i].line && getenv("SCALIBR_LINES"))
                            printf("  line %s/%s %s: ours %u, scalibr %u\n", f->dir, file,
                                   exp[i].name, df.pkgs[j].line, exp[i].line);
                    }
                }
            }
            if (!found) {
                ok = false;
                if (!whole)
                    printf("  %s/%s: missing %s@%s\n", f->dir, file, exp[i].name, exp[i].version);
            }
        }
        for (size_t j = 0; j < df.npkgs; j++) {
            const struct cu_pkg *p = &df.pkgs[j];
            if (diverges(div, ndiv, file, p->name))
                continue;
            if (f->manifest && p->source != CU_DEP_REGISTRY && strcmp(f->dir, "requirements") == 0)
                continue;
            bool found = false;
            for (size_t i = 0; i < nexp && !found; i++)
                found = pkg_matches(p, &exp[i], f->manifest);
            if (!found) {
                ok = false;
                if (!whole)
                    printf("  %s/%s: extra %s@%s\n", f->dir, file, p->name,
                           p->version ? p->version : "");
            }
        }
    }
    cu_depfile_clear(&df);
    if (whole) {
        /* a listed divergence must still diverge, or the list is stale */
        if (ok)
            printf("  %s/%s: listed as divergent but agrees\n", f->dir, file);
        return !ok;
    }
    return ok;
}

static void scalibr_sets(void **state)
{
    (void)state;
    static struct row exp[4096], div[256];
    unsigned failed = 0;
    for (size_t fi = 0; fi < sizeof(formats) / sizeof(formats[0]); fi++) {
        const struct fmt *f = &formats[fi];
        char path[1024];
        snprintf(path, sizeof(path), "%s/deps/scalibr/%s/expected.tsv", CUSTODY_FIXTURES, f->dir);
        size_t n = read_tsv(path, exp, 4096, 4);
        assert_true(n > 0);
        snprintf(path, sizeof(path), "%s/deps/scalibr/%s/divergences.tsv", CUSTODY_FIXTURES,
                 f->dir);
        size_t nd = read_tsv(path, div, 256, 3);
        unsigned files = 0, passed = 0;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && strcmp(exp[j].file, exp[i].file) == 0)
                j++;
            files++;
            if (check_file(f, exp[i].file, exp + i, j - i, div, nd))
                passed++;
            i = j;
        }
        printf("scalibr %-13s %u/%u fixtures agree\n", f->dir, passed, files);
        g_files += files;
        g_passed += passed;
        failed += files - passed;
    }
    printf("scalibr total: %u/%u fixtures; lines equal to scalibr's: %u/%u\n", g_passed, g_files,
           g_lines_ok, g_lines);
    assert_int_equal(failed, 0);
}

/* One package.json fixture against scalibr's rows for it. */
static bool package_json_file(
    const char *file, const struct row *exp, size_t nexp, const struct row *div, size_t ndiv)
{
    struct cu_depfile df;
    custody_error err;
    int rc = parse_fixture("package-json", file, cu_parse_package_json, &df, &err);
    bool ok = true;
    bool whole = diverges(div, ndiv, file, "*");
    if (nexp == 1 && strcmp(exp[0].name, "!error") == 0) {
        ok = rc != 0;
    } else if (rc != 0) {
        ok = false;
        printf("  package-json/%s: rejected: %s\n", file, err.msg);
    } else if (nexp == 1 && strcmp(exp[0].name, "!empty") == 0) {
        /* no package of its own: a name or a version is missing */
        ok = df.project_name == NULL || df.project_name[0] == '\0' || df.project_version == NULL ||
             df.project_version[0] == '\0';
        if (!ok && !whole)
            printf("  package-json/%s: own package %s@%s, scalibr none\n", file, df.project_name,
                   df.project_version);
    } else {
        /* the first row is the manifest itself, the rest its dependencies */
        ok = df.project_name != NULL && strcmp(df.project_name, exp[0].name) == 0 &&
             df.project_version != NULL && strcmp(df.project_version, exp[0].version) == 0;
        if (!ok)
            printf("  package-json/%s: own package %s@%s, scalibr %s@%s\n", file,
                   df.project_name ? df.project_name : "-",
                   df.project_version ? df.project_version : "-", exp[0].name, exp[0].version);
        for (size_t i = 1; i < nexp; i++) {
            bool found = false;
            for (size_t j = 0; j < df.npkgs && !found; j++) {
                const struct cu_pkg *p = &df.pkgs[j];
                found = strcmp(p->name, exp[i].name) == 0 && p->spec != NULL &&
                        cu_semver_satisfies(exp[i].version, p->spec, 0) == 1 &&
                        (exp[i].line == 0 || p->line == exp[i].line);
            }
            if (!found) {
                ok = false;
                printf("  package-json/%s: missing %s@%s\n", file, exp[i].name, exp[i].version);
            }
        }
        /* every dependency of ours with a valid range is one scalibr lists (its tests list
         * dependencies only where they ask for them: fixtures with more than one row) */
        for (size_t j = 0; nexp > 1 && j < df.npkgs; j++) {
            const struct cu_pkg *p = &df.pkgs[j];
            if (p->spec == NULL || cu_semver_satisfies("0.0.0", p->spec, 0) < 0)
                continue; /* scalibr drops a dependency whose range does not parse */
            bool found = false;
            for (size_t i = 1; i < nexp && !found; i++)
                found = strcmp(p->name, exp[i].name) == 0;
            if (!found) {
                ok = false;
                printf("  package-json/%s: extra %s %s\n", file, p->name, p->spec);
            }
        }
    }
    cu_depfile_clear(&df);
    if (whole) {
        if (ok)
            printf("  package-json/%s: listed as divergent but agrees\n", file);
        return !ok;
    }
    return ok;
}

static void package_json_sets(void **state)
{
    (void)state;
    static struct row exp[256], div[64];
    char path[1024];
    snprintf(path, sizeof(path), "%s/deps/scalibr/package-json/expected.tsv", CUSTODY_FIXTURES);
    size_t n = read_tsv(path, exp, 256, 4);
    assert_true(n > 0);
    snprintf(path, sizeof(path), "%s/deps/scalibr/package-json/divergences.tsv", CUSTODY_FIXTURES);
    size_t nd = read_tsv(path, div, 64, 3);
    unsigned files = 0, passed = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(exp[j].file, exp[i].file) == 0)
            j++;
        files++;
        if (package_json_file(exp[i].file, exp + i, j - i, div, nd))
            passed++;
        i = j;
    }
    printf("scalibr package-json  %u/%u fixtures agree\n", passed, files);
    assert_int_equal(passed, files);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalibr_sets),
        cmocka_unit_test(package_json_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
