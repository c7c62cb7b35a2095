/* src/deps: the package model, file names, each parser's details (lines, sources, scopes,
 * indexes, hashes, versions) and the analyzer's components and fail-closed findings. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/util.h"
#include "deps/deps.h"
#include "testutil.h"

static int run(cu_depfile_parse_fn fn, const char *text, struct cu_depfile *df)
{
    custody_error err;
    memset(&err, 0, sizeof(err));
    memset(df, 0, sizeof(*df));
    return fn(df, (const uint8_t *)text, strlen(text), &err);
}

/* The parser's result code for `text` (what it parsed is freed). */
static int rc_of(cu_depfile_parse_fn fn, const char *text)
{
    struct cu_depfile df;
    int rc = run(fn, text, &df);
    cu_depfile_clear(&df);
    return rc;
}

static const struct cu_pkg *find(const struct cu_depfile *df, const char *name)
{
    for (size_t i = 0; i < df->npkgs; i++)
        if (strcmp(df->pkgs[i].name, name) == 0)
            return &df->pkgs[i];
    return NULL;
}

static void purl_and_names(void **state)
{
    (void)state;
    char *s = cu_pkg_purl(CU_ECO_NPM, "@babel/core", "7.0.0");
    assert_string_equal(s, "pkg:npm/%40babel/core@7.0.0");
    free(s);
    s = cu_pkg_purl(CU_ECO_NPM, "lodash", NULL);
    assert_string_equal(s, "pkg:npm/lodash");
    free(s);
    s = cu_pkg_purl(CU_ECO_PYPI, "Foo_Bar.baz", "1.0+local");
    assert_string_equal(s, "pkg:pypi/foo-bar-baz@1.0%2Blocal");
    free(s);
    s = cu_pypi_normalize("A__b.-.C");
    assert_string_equal(s, "a-b-c");
    free(s);

    const char *fmt = NULL;
    assert_ptr_equal(cu_deps_parser_for_name("a/b/package-lock.json", &fmt), cu_parse_npm_lock);
    assert_string_equal(fmt, "package-lock");
    assert_ptr_equal(cu_deps_parser_for_name("npm-shrinkwrap.json", &fmt), cu_parse_npm_lock);
    assert_string_equal(fmt, "npm-shrinkwrap");
    assert_ptr_equal(cu_deps_parser_for_name("requirements-dev.txt", &fmt), cu_parse_requirements);
    assert_ptr_equal(cu_deps_parser_for_name("dev-requirements.txt", &fmt), cu_parse_requirements);
    assert_ptr_equal(cu_deps_parser_for_name("requirements/base.txt", &fmt), cu_parse_requirements);
    assert_ptr_equal(cu_deps_parser_for_name("constraints.txt", &fmt), cu_parse_requirements);
    assert_ptr_equal(cu_deps_parser_for_name("pylock.dev.toml", &fmt), cu_parse_pylock);
    assert_ptr_equal(cu_deps_parser_for_name("pylock.toml", &fmt), cu_parse_pylock);
    assert_ptr_equal(cu_deps_parser_for_name("sub/pdm.lock", &fmt), cu_parse_pdm_lock);
    assert_string_equal(fmt, "pdm-lock");
    assert_ptr_equal(cu_deps_parser_for_name("Pipfile.lock", &fmt), cu_parse_pipfile_lock);
    assert_null(cu_deps_parser_for_name("notes.txt", &fmt));
    assert_null(fmt);
    assert_null(cu_deps_parser_for_name("requirements.in", &fmt));
    assert_null(cu_deps_parser_for_name("package-lock.json.bak", &fmt));
    assert_null(cu_deps_parser_for_name("docs/base.txt", &fmt));
}

static void npm_lock_v3(void **state)
{
    (void)state;
    const char *t =
        "{\n"
        "  \"name\": \"app\",\n"
        "  \"lockfileVersion\": 3,\n"
        "  \"packages\": {\n"
        "    \"\": {\"dependencies\": {\"a\": \"^1\", \"cjs\": \"npm:b@2\"},\n"
        "           \"devDependencies\": {\"@s/d\": \"^1\"}},\n"
        "    \"node_modules/a\": {\"version\": \"1.0.0\", \"resolved\": "
        "\"https://registry.npmjs.org/a/-/a-1.0.0.tgz\", \"integrity\": \"sha512-x\","
        " \"hasInstallScript\": true},\n"
        "    \"node_modules/cjs\": {\"name\": \"b\", \"version\": \"2.0.0\"},\n"
        "    \"node_modules/@s/d\": {\"version\": \"1.2.0\", \"dev\": true},\n"
        "    \"node_modules/a/node_modules/@s/d\": {\"version\": \"0.1.0\", \"resolved\": "
        "\"git+ssh://git@github.com/s/d.git#0123456789abcdef0123456789abcdef01234567\"},\n"
        "    \"node_modules/w\": {\"resolved\": \"packages/w\", \"link\": true},\n"
        "    \"packages/w\": {\"name\": \"w\", \"version\": \"0.0.1\"}\n"
        "  }\n"
        "}\n";
    struct cu_depfile df;
    assert_int_equal(run(cu_parse_npm_lock, t, &df), 0);
    assert_string_equal(df.format_version, "3");
    assert_string_equal(df.project_name, "app");
    assert_int_equal(df.npkgs, 5);
    const struct cu_pkg *a = find(&df, "a");
    assert_non_null(a);
    assert_int_equal(a->line, 7);
    assert_true(a->direct);
    assert_true(a->install_script);
    assert_int_equal(a->source, CU_DEP_REGISTRY);
    assert_string_equal(a->integrity, "sha512-x");
    const struct cu_pkg *b = find(&df, "b"); /* alias: the real name */
    assert_non_null(b);
    assert_string_equal(b->version, "2.0.0");
    assert_int_equal(b->line, 8);
    assert_int_equal(df.pkgs[2].line, 9);
    assert_true(df.pkgs[2].dev);
    assert_string_equal(df.pkgs[3].name, "@s/d");
    assert_false(df.pkgs[3].direct);
    assert_int_equal(df.pkgs[3].source, CU_DEP_GIT);
    assert_string_equal(df.pkgs[4].name, "w"); /* the workspace folder, not the link */
    assert_int_equal(df.pkgs[4].source, CU_DEP_PATH);
    cu_depfile_clear(&df);

    /* fail closed: duplicate keys, unknown versions, wrong shapes */
    assert_int_equal(
        rc_of(cu_parse_npm_lock,
              "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/a\": "
              "{\"version\": \"1.0.0\"}, \"node_modules/a\": {\"version\": \"6.6.6\"}}}"),
        CUSTODY_EMALFORMED);
    assert_int_equal(rc_of(cu_parse_npm_lock, "{\"lockfileVersion\": 4, \"packages\": {}}"),
                     CUSTODY_EUNSUPPORTED);
    assert_int_equal(rc_of(cu_parse_npm_lock, "{\"lockfileVersion\": \"3\"}"),
                     CUSTODY_EUNSUPPORTED);
    assert_int_equal(rc_of(cu_parse_npm_lock, "{\"lockfileVersion\": 2, \"packages\": []}"),
                     CUSTODY_EMALFORMED);
    assert_int_equal(rc_of(cu_parse_npm_lock, ""), CUSTODY_EMALFORMED);
    assert_int_equal(rc_of(cu_parse_npm_lock, "{\"lockfileVersion\": 1,}"), CUSTODY_EMALFORMED);
}

static void npm_lock_v1_tree(void **state)
{
    (void)state;
    const char *t = "{\"lockfileVersion\": 1, \"dependencies\": {\n"
                    "  \"a\": {\"version\": \"1.0.0\", \"dependencies\": {\n"
                    "    \"b\": {\"version\": \"2.0.0\", \"dev\": true}}},\n"
                    "  \"g\": {\"version\": \"github:u/g#abc\"},\n"
                    "  \"f\": {\"version\": \"file:../f\"}\n"
                    "}}\n";
    struct cu_depfile df;
    assert_int_equal(run(cu_parse_npm_lock, t, &df), 0);
    assert_int_equal(df.npkgs, 4);
    assert_string_equal(find(&df, "b")->version, "2.0.0");
    assert_int_equal(find(&df, "b")->line, 3);
    assert_true(find(&df, "b")->dev);
    assert_null(find(&df, "g")->version);
    assert_int_equal(find(&df, "g")->source, CU_DEP_GIT);
    assert_string_equal(find(&df, "g")->resolved, "github:u/g#abc");
    assert_int_equal(find(&df, "f")->source, CU_DEP_PATH);
    cu_depfile_clear(&df);
}

static void requirements(void **state)
{
    (void)state;
    const char *t = "# pinned\n"
                    "--index-url https://pypi.internal/simple\n"
                    "--extra-index-url=https://extra.example/simple\n"
                    "-r base.txt\n"
                    "-c constraints.txt\n"
                    "requests[socks]==2.31.0 ; python_version >= \"3.8\" \\\n"
                    "    --hash=sha256:aaa \\\n"
                    "    --hash=sha256:bbb\n"
                    "flask>=2,<3  # a range\n"
                    "-e git+https://github.com/o/r.git@0123456789abcdef#egg=mypkg\n"
                    "pkg @ https://example.com/pkg-1.0.tar.gz\n"
                    "https://example.com/wheels/other_pkg-2.0-py3-none-any.whl\n"
                    "--trusted-host pypi.internal\n";
    struct cu_depfile df;
    assert_int_equal(run(cu_parse_requirements, t, &df), 0);
    assert_int_equal(df.nindexes, 2);
    assert_true(df.indexes[0].is_default);
    assert_string_equal(df.indexes[0].url, "https://pypi.internal/simple");
    assert_false(df.indexes[1].is_default);
    assert_string_equal(df.indexes[1].url, "https://extra.example/simple");
    assert_int_equal(df.nincludes, 2);
    assert_string_equal(df.includes[0], "base.txt");
    assert_int_equal(df.npkgs, 5);
    const struct cu_pkg *r = find(&df, "requests");
    assert_string_equal(r->version, "2.31.0");
    assert_int_equal(r->line, 6);
    assert_string_equal(r->integrity, "sha256:aaa sha256:bbb");
    const struct cu_pkg *f = find(&df, "flask");
    assert_null(f->version);
    assert_string_equal(f->spec, ">=2,<3");
    assert_int_equal(f->line, 9);
    const struct cu_pkg *e = find(&df, "mypkg");
    assert_int_equal(e->source, CU_DEP_GIT);
    assert_int_equal(find(&df, "pkg")->source, CU_DEP_URL);
    const struct cu_pkg *w = find(&df, "other_pkg");
    assert_non_null(w);
    assert_string_equal(w->version, "2.0");
    cu_depfile_clear(&df);

    /* UTF-16LE with a BOM (PowerShell redirection), as pip reads it */
    {
        const char u16[] = "\xff\xfe"
                           "a\0=\0=\0"
                           "1\0\n\0"
                           "b\0\n\0";
        custody_error err;
        memset(&df, 0, sizeof(df));
        assert_int_equal(cu_parse_requirements(&df, (const uint8_t *)u16, sizeof(u16) - 1, &err),
                         0);
        assert_int_equal(df.npkgs, 2);
        assert_string_equal(df.pkgs[0].version, "1");
        assert_int_equal(df.pkgs[1].line, 2);
        cu_depfile_clear(&df);
        assert_int_equal(cu_parse_requirements(&df,
                                               (const uint8_t *)"\xff\xfe"
                                                                "a",
                                               3, &err),
                         CUSTODY_EMALFORMED);
        cu_depfile_clear(&df);
    }
    assert_int_equal(rc_of(cu_parse_requirements, "ok==1\nbad line here\n"), CUSTODY_EMALFORMED);
    assert_int_equal(rc_of(cu_parse_requirements, "x==\n"), CUSTODY_EMALFORMED);
    assert_int_equal(rc_of(cu_parse_requirements, "-e\n"), CUSTODY_EMALFORMED);
}

static void pyproject(void **state)
{
    (void)state;
    const char *t = "[project]\n"
                    "name = \"app\"\n"
                    "dependencies = [\n"
                    "  \"torch==2.3.0\",\n"
                    "  \"internal-lib>=1\",\n"
                    "]\n"
                    "[project.optional-dependencies]\n"
                    "gpu = [\"triton\"]\n"
                    "[[tool.uv.index]]\n"
                    "name = \"internal\"\n"
                    "url = \"https://pypi.internal/simple\"\n"
                    "explicit = true\n"
                    "[tool.uv.sources]\n"
                    "internal-lib = { index = \"internal\" }\n"
                    "[tool.poetry.dependencies]\n"
                    "python = \"^3.10\"\n"
                    "numpy = \"1.26.4\"\n"
                    "priv = { version = \"^1\", source = \"corp\" }\n"
                    "g = { git = \"https://github.com/o/g.git\", rev = \"0123abc\" }\n"
                    "[[tool.poetry.source]]\n"
                    "name = \"corp\"\n"
                    "url = \"https://corp.example/simple\"\n"
                    "priority = \"explicit\"\n";
    struct cu_depfile df;
    assert_int_equal(run(cu_parse_pyproject, t, &df), 0);
    assert_string_equal(df.project_name, "app");
    assert_int_equal(df.npkgs, 6);
    assert_string_equal(find(&df, "g")->resolved, "https://github.com/o/g.git#0123abc");
    assert_int_equal(find(&df, "g")->source, CU_DEP_GIT);
    assert_string_equal(find(&df, "torch")->version, "2.3.0");
    assert_int_equal(find(&df, "torch")->line, 4);
    assert_string_equal(find(&df, "internal-lib")->index, "internal");
    assert_true(find(&df, "triton")->optional);
    assert_string_equal(find(&df, "numpy")->version, "1.26.4");
    assert_int_equal(find(&df, "numpy")->line, 17);
    assert_string_equal(find(&df, "priv")->index, "corp");
    assert_null(find(&df, "python"));
    assert_int_equal(df.nindexes, 2);
    assert_true(df.indexes[0].explicit_only);
    assert_int_equal(df.indexes[0].line, 9);
    assert_true(df.indexes[1].explicit_only);
    cu_depfile_clear(&df);
    assert_int_equal(rc_of(cu_parse_pyproject, "[project]\ndependencies = [\"a b c\"]\n"),
                     CUSTODY_EMALFORMED);
    assert_int_equal(rc_of(cu_parse_pyproject, "[project\n"), CUSTODY_EMALFORMED);
}

static void yarn_and_pnpm(void **state)
{
    (void)state;
    const char *berry = "__metadata:\n"
                        "  version: 8\n"
                        "  cacheKey: 10c0\n"
                        "\n"
                        "\"left-pad@npm:^1.3.0\":\n"
                        "  version: 1.3.0\n"
                        "  resolution: \"left-pad@npm:1.3.0\"\n"
                        "  checksum: 10c0/abcd\n"
                        "\n"
                        "\"p@patch:p@npm%3A1.0.0#./x.patch::locator=app\":\n"
                        "  version: 1.0.0\n"
                        "  resolution: \"p@patch:p@npm%3A1.0.0#./x.patch::version=1.0.0\"\n"
                        "\n"
                        "\"app@workspace:.\":\n"
                        "  version: 0.0.0-use.local\n"
                        "  resolution: \"app@workspace:.\"\n";
    struct cu_depfile df;
    assert_int_equal(run(cu_parse_yarn_lock, berry, &df), 0);
    assert_string_equal(df.format, "yarn-berry");
    assert_int_equal(df.npkgs, 2);
    assert_string_equal(df.pkgs[1].name, "p");
    assert_int_equal(df.pkgs[1].source, CU_DEP_REGISTRY); /* a patched registry package */
    assert_int_equal(df.pkgs[0].line, 5);
    assert_string_equal(df.pkgs[0].integrity, "10c0/abcd");
    cu_depfile_clear(&df);
    assert_int_equal(rc_of(cu_parse_yarn_lock, "__metadata:\n  version: 42\n"),
                     CUSTODY_EUNSUPPORTED);
    assert_int_equal(run(cu_parse_yarn_lock,
                         "# yarn lockfile v1\n\n\"f@file:../f\":\n  version \"1.0.0\"\n", &df),
                     0);
    assert_int_equal(df.npkgs, 1);
    assert_int_equal(df.pkgs[0].line, 3);
    assert_int_equal(df.pkgs[0].source, CU_DEP_PATH);
    cu_depfile_clear(&df);
    assert_int_equal(run(cu_parse_yarn_lock, "a@^1:\n  resolved \"x\"\n", &df),
                     CUSTODY_EMALFORMED); /* v1 entry without a version */
    cu_depfile_clear(&df);

    const char *v9 = "lockfileVersion: '9.0'\n"
                     "packages:\n"
                     "  '@s/a@1.0.0':\n"
                     "    resolution: {integrity: sha512-q}\n"
                     "  b@2.0.0:\n"
                     "    resolution: {tarball: https://example.com/b.tgz}\n"
                     "  loc@file:../loc:\n"
                     "    resolution: {directory: ../loc, type: directory}\n"
                     "snapshots:\n"
                     "  '@s/a@1.0.0(b@2.0.0)': {}\n";
    assert_int_equal(run(cu_parse_pnpm_lock, v9, &df), 0);
    assert_int_equal(df.npkgs, 3);
    assert_string_equal(df.pkgs[2].name, "loc");
    assert_null(df.pkgs[2].version);
    assert_int_equal(df.pkgs[2].source, CU_DEP_PATH);
    assert_string_equal(df.pkgs[0].name, "@s/a");
    assert_string_equal(df.pkgs[0].integrity, "sha512-q");
    assert_int_equal(df.pkgs[0].line, 3);
    assert_int_equal(df.pkgs[1].source, CU_DEP_URL);
    cu_depfile_clear(&df);
    const char *imp = "lockfileVersion: '9.0'\n"
                      "importers:\n"
                      "  .:\n"
                      "    dependencies:\n"
                      "      a: {specifier: ^1.0.0, version: 1.0.0(b@2.0.0)}\n"
                      "    devDependencies:\n"
                      "      b: {specifier: ^2.0.0, version: 2.0.0}\n"
                      "packages:\n"
                      "  a@1.0.0: {resolution: {integrity: sha512-a}}\n"
                      "  b@2.0.0: {resolution: {integrity: sha512-b}}\n"
                      "  c@3.0.0: {resolution: {integrity: sha512-c}}\n";
    assert_int_equal(run(cu_parse_pnpm_lock, imp, &df), 0);
    assert_int_equal(df.npkgs, 3);
    assert_true(find(&df, "a")->direct);
    assert_false(find(&df, "a")->dev);
    assert_true(find(&df, "b")->direct);
    assert_true(find(&df, "b")->dev);
    assert_false(find(&df, "c")->direct);
    cu_depfile_clear(&df);
    const char *v6 = "lockfileVersion: '6.0'\npackages:\n  /x@1.0.0(y@2.0.0):\n    dev: true\n";
    assert_int_equal(run(cu_parse_pnpm_lock, v6, &df), 0);
    assert_int_equal(df.npkgs, 1);
    assert_string_equal(df.pkgs[0].version, "1.0.0");
    assert_true(df.pkgs[0].dev);
    cu_depfile_clear(&df);
    assert_int_equal(rc_of(cu_parse_pnpm_lock, "lockfileVersion: '10.0'\n"), CUSTODY_EUNSUPPORTED);
    assert_int_equal(rc_of(cu_parse_pnpm_lock, "a: &x 1\nb: *x\n"), CUSTODY_EUNSUPPORTED);
    assert_int_equal(rc_of(cu_parse_pnpm_lock, "a: 1\na: 2\n"), CUSTODY_EMALFORMED);
}

static void bun_lock(void **state)
{
    (void)state;
    const char *t = "{\n  \"lockfileVersion\": 1,\n"
                    "  \"workspaces\": {\"\": {\"devDependencies\": {\"a\": \"^1\"}}},\n"
                    "  \"packages\": {\n"
                    "    \"a\": [\"a@1.0.0\", \"\", {}, \"sha512-z\"],\n"
                    "    \"g\": [\"g@github:u/g#abc\", {}, \"u-g-abc\"],\n"
                    "  },\n}\n";
    struct cu_depfile df;
    assert_int_equal(run(cu_parse_bun_lock, t, &df), 0);
    assert_int_equal(df.npkgs, 2);
    assert_int_equal(df.pkgs[0].line, 5);
    assert_string_equal(df.pkgs[0].integrity, "sha512-z");
    assert_true(df.pkgs[0].direct);
    assert_true(df.pkgs[0].dev);
    assert_null(df.pkgs[0].spec);
    assert_false(df.pkgs[1].direct);
    assert_int_equal(df.pkgs[1].source, CU_DEP_GIT);
    assert_null(df.pkgs[1].version);
    cu_depfile_clear(&df);
}

/* 20,000 packages (nested and scoped): linear work, nothing quadratic. The bound is loose
 * (sanitizer builds, loaded CI machines); a quadratic parser takes minutes. bench/deps.sh
 * gives the real figure. */
static void large_lockfile(void **state)
{
    (void)state;
    struct cu_buf b = CU_BUF_INIT(64u << 20);
    cu_buf_adds(&b, "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"dependencies\": {}}");
    for (unsigned i = 0; i < 20000; i++)
        cu_buf_addf(&b,
                    ",\n\"node_modules/%s%u%s\": {\"version\": \"1.%u.0\", \"resolved\": "
                    "\"https://registry.npmjs.org/p/-/p-1.0.0.tgz\", \"integrity\": "
                    "\"sha512-AAAA\", \"dependencies\": {\"x\": \"^1\"}}",
                    i % 5 ? "" : "@s/", i, i % 10 == 3 ? "/node_modules/n" : "", i % 7);
    cu_buf_adds(&b, "}}");
    assert_false(b.oom || b.cut);
    struct cu_depfile df;
    memset(&df, 0, sizeof(df));
    custody_error err;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(cu_parse_npm_lock(&df, (const uint8_t *)b.p, b.len, &err), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("20000-package package-lock.json: %.1f ms\n", ms);
    assert_int_equal(df.npkgs, 20000);
    assert_int_equal(df.pkgs[19999].line, 20001);
    assert_true(ms < 10000.0);
    cu_depfile_clear(&df);
    cu_buf_free(&b);
}

static void analyzer(void **state)
{
    (void)state;
    const char *lock = "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/@s/a\": "
                       "{\"version\": \"1.0.0\"}, \"node_modules/b\": {\"version\": \"2.0.0\"}}}";
    custody_scan *s = tu_scan_buffer("package-lock.json", (const uint8_t *)lock, strlen(lock));
    assert_int_equal(custody_scan_component_count(s), 2);
    const custody_component *c = custody_scan_component(s, 0);
    assert_string_equal(c->kind, "library");
    assert_string_equal(c->ecosystem, "npm");
    assert_string_equal(c->name, "@s/a");
    assert_string_equal(c->purl, "pkg:npm/%40s/a@1.0.0");
    assert_int_equal(c->line, 1);
    bool src = false;
    for (size_t i = 0; i < c->nprops; i++)
        src |= strcmp(c->props[i].key, "source") == 0 && strcmp(c->props[i].value, "registry") == 0;
    assert_true(src);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_HIGH), 0);
    custody_scan_free(s);

    /* unparseable / unknown version: a high finding, never an empty pass */
    const char *bad = "{\"lockfileVersion\": 3, \"packages\": {";
    s = tu_scan_buffer("package-lock.json", (const uint8_t *)bad, strlen(bad));
    assert_int_equal(tu_count(s, "deps/malformed", CUSTODY_SEV_HIGH), 1);
    assert_int_equal(custody_scan_component_count(s), 0);
    custody_scan_free(s);
    const char *v9 = "[metadata]\nlock-version = \"9.0\"\n";
    s = tu_scan_buffer("poetry.lock", (const uint8_t *)v9, strlen(v9));
    assert_int_equal(tu_count(s, "deps/unsupported-version", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    /* nesting past the limit: malformed too (fails closed), with the line */
    {
        struct cu_buf deep = CU_BUF_INIT(1u << 20);
        cu_buf_adds(&deep, "{\"lockfileVersion\": 1, \"dependencies\": {\n");
        for (int i = 0; i < 300; i++)
            cu_buf_addf(&deep, "\"p%d\": {\"version\": \"1.0.0\", \"dependencies\": {\n", i);
        s = tu_scan_buffer("package-lock.json", (const uint8_t *)deep.p, deep.len);
        assert_int_equal(tu_count(s, "deps/malformed", CUSTODY_SEV_HIGH), 1);
        assert_true(tu_has_text(s, "limit", CUSTODY_SEV_HIGH));
        custody_scan_free(s);
        cu_buf_free(&deep);
    }
    /* binary bytes under a lockfile name: malformed, not skipped */
    s = tu_scan_buffer("yarn.lock", (const uint8_t *)"\x00\x01\x02", 3);
    assert_int_equal(tu_count(s, "deps/malformed", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    /* the same bytes under another name are not a lockfile */
    s = tu_scan_buffer("notes.txt", (const uint8_t *)v9, strlen(v9));
    assert_int_equal(tu_count(s, "deps/unsupported-version", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    const char *req = "numpy==1.26.4\n";
    s = tu_scan_buffer("requirements.txt", (const uint8_t *)req, strlen(req));
    assert_int_equal(custody_scan_component_count(s), 1);
    assert_string_equal(custody_scan_component(s, 0)->purl, "pkg:pypi/numpy@1.26.4");
    custody_scan_free(s);
}

/* Regressions: "~1.1.4" is a tilde range (only "~/" is a path); GitHub shorthands are git;
 * npm aliases keep the real name in `name` and the install name in `alias`; a yarn v1 field
 * without a value or with an unterminated quote is malformed (yarn's own parser throws). */
static void spec_sources_and_aliases(void **state)
{
    (void)state;
    const char *pj = "{\"name\": \"app\", \"dependencies\": {\n"
                     "  \"tilde\": \"~1.1.4\",\n"
                     "  \"home\": \"~/src/thing\",\n"
                     "  \"gh\": \"user/repo\",\n"
                     "  \"gh2\": \"github:user/repo\",\n"
                     "  \"gh3\": \"user/repo#v1.0\",\n"
                     "  \"sc\": \"^7.0.0\",\n"
                     "  \"myal\": \"npm:lodash@^4.17.21\"\n"
                     "}}\n";
    struct cu_depfile df;
    assert_int_equal(run(cu_parse_package_json, pj, &df), 0);
    assert_int_equal(find(&df, "tilde")->source, CU_DEP_REGISTRY);
    assert_string_equal(find(&df, "tilde")->spec, "~1.1.4");
    assert_null(find(&df, "tilde")->resolved);
    assert_int_equal(find(&df, "home")->source, CU_DEP_PATH);
    assert_int_equal(find(&df, "gh")->source, CU_DEP_GIT);
    assert_int_equal(find(&df, "gh2")->source, CU_DEP_GIT);
    assert_int_equal(find(&df, "gh3")->source, CU_DEP_GIT);
    assert_int_equal(find(&df, "sc")->source, CU_DEP_REGISTRY);
    assert_null(find(&df, "myal"));
    assert_string_equal(find(&df, "lodash")->alias, "myal");
    assert_string_equal(find(&df, "lodash")->spec, "^4.17.21");
    assert_null(find(&df, "tilde")->alias);
    cu_depfile_clear(&df);

    const char *v1 = "{\"lockfileVersion\": 1, \"dependencies\": {\n"
                     "  \"myal\": {\"version\": \"npm:lodash@4.17.21\"},\n"
                     "  \"t\": {\"version\": \"1.1.4\"}\n"
                     "}}\n";
    assert_int_equal(run(cu_parse_npm_lock, v1, &df), 0);
    assert_string_equal(find(&df, "lodash")->alias, "myal");
    assert_string_equal(find(&df, "lodash")->version, "4.17.21");
    assert_null(find(&df, "t")->alias);
    /* v1 top-level entries are hoisted, not direct */
    assert_false(find(&df, "t")->direct);
    cu_depfile_clear(&df);

    const char *v3 =
        "{\"lockfileVersion\": 3, \"packages\": {\n"
        "  \"\": {\"name\": \"app\", \"dependencies\": {\"sw-cjs\": \"npm:string-width@^4\"}},\n"
        "  \"node_modules/sw-cjs\": {\"name\": \"string-width\", \"version\": \"4.2.3\"},\n"
        "  \"node_modules/plain\": {\"version\": \"1.0.0\"}\n"
        "}}\n";
    assert_int_equal(run(cu_parse_npm_lock, v3, &df), 0);
    assert_string_equal(find(&df, "string-width")->alias, "sw-cjs");
    assert_null(find(&df, "plain")->alias);
    assert_true(find(&df, "string-width")->direct); /* via its alias in the root */
    assert_false(find(&df, "plain")->direct);
    cu_depfile_clear(&df);

    const char *y =
        "# yarn lockfile v1\n\n"
        "\"sw-cjs@npm:string-width@^4.2.0\":\n"
        "  version \"4.2.3\"\n"
        "  resolved \"https://registry.yarnpkg.com/string-width/-/string-width-4.2.3.tgz\"\n"
        "  dependencies:\n"
        "    \"emoji-regex\" \"^8.0.0\"\n"
        "    is-fullwidth-code-point \"^3.0.0\"\n";
    assert_int_equal(run(cu_parse_yarn_lock, y, &df), 0);
    assert_int_equal(df.npkgs, 1);
    assert_string_equal(find(&df, "string-width")->alias, "sw-cjs");
    cu_depfile_clear(&df);

    /* pnpm 10 runtime: one pinned archive per platform */
    const char *pn = "lockfileVersion: '9.0'\n"
                     "importers:\n"
                     "  .: {}\n"
                     "packages:\n"
                     "  node@runtime:22.0.0:\n"
                     "    resolution:\n"
                     "      type: variations\n"
                     "      variants:\n"
                     "        - resolution:\n"
                     "            archive: tarball\n"
                     "            integrity: sha256-aiblNEH7fhCX+gsZYWAAoDCpuWFW6xWg/iJoLP3xmtI=\n"
                     "            url: https://nodejs.org/download/release/v22.0.0/x.tar.gz\n"
                     "          targets:\n"
                     "            - cpu: x64\n"
                     "              os: linux\n"
                     "snapshots:\n"
                     "  node@runtime:22.0.0: {}\n";
    assert_int_equal(run(cu_parse_pnpm_lock, pn, &df), 0);
    assert_non_null(find(&df, "node"));
    assert_string_equal(find(&df, "node")->integrity,
                        "sha256-aiblNEH7fhCX+gsZYWAAoDCpuWFW6xWg/iJoLP3xmtI=");
    cu_depfile_clear(&df);

    const char *bad[] = {
        "lodash@^4.17.21:\n  version \"4.17.21\n  resolved\n",
        "lodash@^4.17.21:\n  version \"4.17.21\"\n  resolved\n",
        "lodash@^4.17.21:\n  version \"4.17.21\"\n  dependencies:\n    a \"^1\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(run(cu_parse_yarn_lock, bad[i], &df), CUSTODY_EMALFORMED);
        cu_depfile_clear(&df);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(purl_and_names),   cmocka_unit_test(npm_lock_v3),
        cmocka_unit_test(npm_lock_v1_tree), cmocka_unit_test(requirements),
        cmocka_unit_test(pyproject),        cmocka_unit_test(yarn_and_pnpm),
        cmocka_unit_test(bun_lock),         cmocka_unit_test(analyzer),
        cmocka_unit_test(large_lockfile),   cmocka_unit_test(spec_sources_and_aliases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
