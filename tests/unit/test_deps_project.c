/* Project passes of the deps/ family (src/deps/project.c) on directory trees made at test
 * time: npm dependency confusion against .npmrc mappings, missing lockfile, lockfile drift,
 * node_modules and site-packages against the lockfile, vendored tarballs/wheels and RECORD
 * hashes, worm workflow/file checks. Lockfiles use the test model of deps_testmodel.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "custody/deps.h"
#include "testutil.h"
#include "deps_testmodel.h"
#include "core/b64.h"
#include "core/banned.h"

extern const struct cu_analyzer cu_analyzer_depcfg, cu_analyzer_pth;
const struct cu_analyzer *const cu_registry[] = { &t_an, &cu_analyzer_depcfg, &cu_analyzer_pth };
const size_t cu_registry_len = 3;

static char root[256];

static void put(const char *rel, const char *text)
{
    char path[512];
    (void)snprintf(path, sizeof(path), "%s/%s", root, rel);
    /* mkdir -p of the parents */
    for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        (void)mkdir(path, 0755);
        *s = '/';
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

static void fresh(const char *name)
{
    (void)snprintf(root, sizeof(root), "/tmp/custody-deps-%ld-%s", (long)getpid(), name);
    char cmd[600];
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(mkdir(root, 0755), 0);
}

static void cleanup(void)
{
    char cmd[600];
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static custody_scan *scan_root(const custody_prop *set, size_t nset)
{
    custody_scan *s = tu_scan_new(set, nset);
    custody_error err;
    assert_int_equal(custody_scan_add_path(s, root, &err), 0);
    assert_int_equal(custody_scan_run(s, &err), 0);
    return s;
}

/* Highest severity of `rule` when scanning the root with these settings (-1 when none). */
static int root_sev(const custody_prop *set, size_t nset, const char *rule)
{
    custody_scan *s = scan_root(set, nset);
    int r = tu_max_severity(s, rule);
    custody_scan_free(s);
    return r;
}

#define LOCK_ACME                                                                               \
    "F|package-lock|1\n"                                                                        \
    "P|npm|@acme/util|1.0.0|reg|https://registry.npmjs.org/@acme/util/-/util-1.0.0.tgz|sha512-" \
    "AAAA|-|-\n"

static void test_confusion_npm(void **state)
{
    (void)state;
    custody_prop set[] = { { "deps.internal-scope", "@acme" } };
    fresh("conf");
    put("package-lock.json", LOCK_ACME);
    assert_int_equal(root_sev(set, 1, "deps/dependency-confusion"), CUSTODY_SEV_CRITICAL);
    /* without the setting: nothing */
    assert_int_equal(root_sev(NULL, 0, "deps/dependency-confusion"), -1);
    /* near-miss: the project's .npmrc maps the scope to the public registry */
    put(".npmrc", "@acme:registry=https://registry.npmjs.org/\n");
    custody_scan *s = scan_root(set, 1);
    assert_int_equal(tu_max_severity(s, "deps/dependency-confusion"), -1);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_HIGH), 0);
    custody_scan_free(s);
    /* mapped to a private registry but resolved from the public one: critical */
    put(".npmrc", "@acme:registry=https://npm.acme.example/\n");
    assert_int_equal(root_sev(set, 1, "deps/dependency-confusion"), CUSTODY_SEV_CRITICAL);
    /* resolved from the mapped private registry: fine */
    put("package-lock.json", "F|package-lock|1\nP|npm|@acme/util|1.0.0|reg|https://npm.acme."
                             "example/@acme/util/-/util-1.0.0.tgz|sha512-AAAA|-|-\n");
    custody_prop set2[] = { { "deps.internal-scope", "@acme" },
                            { "deps.registry-host", "npm.acme.example" } };
    s = scan_root(set2, 2);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
    /* a manifest with no mapping: high */
    fresh("conf2");
    put("package.json", "F|package-json|0\nP|npm|@acme/util|^1.0.0|reg|-|-|-|d\n");
    assert_int_equal(root_sev(set, 1, "deps/dependency-confusion"), CUSTODY_SEV_HIGH);
    cleanup();
}

static void test_lockfiles(void **state)
{
    (void)state;
    fresh("lock");
    put("app/package.json",
        "F|package-json|0\nP|npm|a|^1.2.0|reg|-|-|-|d\nP|npm|b|1.0.0|reg|-|-|-|d\n"
        "P|npm|c|~2.1.0|reg|-|-|-|d\nP|npm|w|workspace:*|path|-|-|-|d\n"
        "P|npm|r|1.0.0 - 1.9.9|reg|-|-|-|d\n");
    assert_int_equal(root_sev(NULL, 0, "deps/missing-lockfile"), CUSTODY_SEV_LOW);
    /* a lockfile in a parent directory counts (workspaces) */
    put("package-lock.json", "F|package-lock|1\nP|npm|a|1.2.5|reg|https://registry.npmjs.org/a/-/"
                             "a-1.2.5.tgz|sha512-AAAA|-|-\n");
    assert_int_equal(root_sev(NULL, 0, "deps/missing-lockfile"), -1);
    /* drift: b is missing, c is locked outside ~2.1.0, a is fine */
    put("app/package-lock.json",
        "F|package-lock|1\nP|npm|a|1.3.0|reg|https://registry.npmjs.org/a/-/"
        "a-1.3.0.tgz|sha512-AAAA|-|-\n"
        "P|npm|c|2.2.0|reg|https://registry.npmjs.org/c/-/c-2.2.0.tgz|sha512-AAAA|-|-\n"
        "P|npm|r|2.5.0|reg|https://registry.npmjs.org/r/-/r-2.5.0.tgz|sha512-AAAA|-|-\n");
    custody_scan *s = scan_root(NULL, 0);
    assert_int_equal(tu_max_severity(s, "deps/lockfile-drift"), CUSTODY_SEV_MEDIUM);
    assert_true(tu_has_text(s, "b is not in package-lock.json", CUSTODY_SEV_MEDIUM));
    assert_true(tu_has_text(s, "c ~2.1.0 is locked at 2.2.0", CUSTODY_SEV_MEDIUM));
    assert_false(tu_has_text(s, "a ^1.2.0", CUSTODY_SEV_INFO));
    /* a node-semver hyphen range (beyond the simple check) */
    assert_true(tu_has_text(s, "r 1.0.0 - 1.9.9 is locked at 2.5.0", CUSTODY_SEV_MEDIUM));
    assert_false(tu_has_text(s, "w is not", CUSTODY_SEV_INFO));
    custody_scan_free(s);
    /* pyproject without a lock */
    fresh("lockpy");
    put("pyproject.toml", "F|pyproject|0\nP|pypi|requests|-|reg|-|-|-|d\n");
    assert_int_equal(root_sev(NULL, 0, "deps/missing-lockfile"), CUSTODY_SEV_LOW);
    put("uv.lock",
        "F|uv-lock|1\nP|pypi|requests|2.32.0|reg|-|sha256:00|https://pypi.org/simple|-\n");
    assert_int_equal(root_sev(NULL, 0, "deps/missing-lockfile"), -1);
    cleanup();
}

static void test_node_modules(void **state)
{
    (void)state;
    fresh("nm");
    put("package-lock.json", "F|package-lock|1\nP|npm|a|1.0.0|reg|https://registry.npmjs.org/a/-/"
                             "a-1.0.0.tgz|sha512-AAAA|-|-\nP|npm|@s/b|2.0.0|reg|https://registry."
                             "npmjs.org/@s/b/-/b-2.0.0.tgz|sha512-AAAA|-|-\n");
    put("node_modules/a/package.json", "F|package-json|0\nN|a|1.0.0\n");
    put("node_modules/a/lib/package.json", "F|package-json|0\nN|a-esm|-\n");
    put("node_modules/@s/b/package.json", "F|package-json|0\nN|@s/b|2.0.0\n");
    assert_int_equal(root_sev(NULL, 0, "deps/unlisted-package"), -1);
    put("node_modules/evil/package.json",
        "F|package-json|0\nN|evil|6.6.6\nS|postinstall|node setup_bun.js\n");
    put("node_modules/@s/b/package.json", "F|package-json|0\nN|@s/b|2.0.1\n");
    custody_scan *s = scan_root(NULL, 0);
    assert_int_equal(tu_max_severity(s, "deps/unlisted-package"), CUSTODY_SEV_HIGH);
    assert_true(tu_has_text(s, "evil is installed in node_modules", CUSTODY_SEV_HIGH));
    assert_true(tu_has_text(s, "@s/b@2.0.1 is installed", CUSTODY_SEV_HIGH));
    assert_int_equal(tu_max_severity(s, "deps/install-script-loader"), CUSTODY_SEV_CRITICAL);
    custody_scan_free(s);
    cleanup();
}

static char *sri(const char *alg, const EVP_MD *md, const char *data)
{
    uint8_t d[64];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(data, strlen(data), d, &n, md, NULL), 1);
    char *b = cu_b64_encode(d, n);
    char *out = malloc(strlen(b) + 16);
    (void)snprintf(out, strlen(b) + 16, "%s-%s", alg, b);
    free(b);
    return out;
}

static void hexd(const EVP_MD *md, const char *data, char *out)
{
    uint8_t d[64];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(data, strlen(data), d, &n, md, NULL), 1);
    for (unsigned int i = 0; i < n; i++) {
        (void)snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

static void test_verification(void **state)
{
    (void)state;
    fresh("verify");
    char *good = sri("sha512", EVP_sha512(), "tarball-bytes");
    char lock[1024];
    (void)snprintf(lock, sizeof(lock),
                   "F|package-lock|1\nP|npm|a|1.0.0|reg|https://registry.npmjs.org/a/-/"
                   "a-1.0.0.tgz|%s|-|-\n",
                   good);
    put("package-lock.json", lock);
    put("mirror/a-1.0.0.tgz", "tarball-bytes");
    assert_int_equal(root_sev(NULL, 0, "deps/integrity-mismatch"), -1);
    put("mirror/a-1.0.0.tgz", "tampered-bytes");
    assert_int_equal(root_sev(NULL, 0, "deps/integrity-mismatch"), CUSTODY_SEV_CRITICAL);
    free(good);
    /* wheels against uv/poetry-style sha256 lists */
    fresh("verify-py");
    char hx[129], other[129];
    hexd(EVP_sha256(), "wheel-bytes", hx);
    hexd(EVP_sha256(), "sdist-bytes", other);
    (void)snprintf(lock, sizeof(lock),
                   "F|uv-lock|1\nP|pypi|acme-utils|1.0|reg|-|sha256:%s sha256:%s|"
                   "https://pypi.acme.example/simple|-\n",
                   other, hx);
    put("uv.lock", lock);
    put("wheels/acme_utils-1.0-py3-none-any.whl", "wheel-bytes");
    assert_int_equal(root_sev(NULL, 0, "deps/integrity-mismatch"), -1);
    put("wheels/acme_utils-1.0-py3-none-any.whl", "evil-bytes");
    assert_int_equal(root_sev(NULL, 0, "deps/integrity-mismatch"), CUSTODY_SEV_CRITICAL);
    cleanup();
}

static void test_record(void **state)
{
    (void)state;
    fresh("record");
    uint8_t d[32];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest("x = 1\n", 6, d, &n, EVP_sha256(), NULL), 1);
    char *b = cu_b64_encode(d, 32);
    for (char *q = b; *q != '\0'; q++) {
        *q = *q == '+' ? '-' : (*q == '/' ? '_' : *q);
    }
    b[strcspn(b, "=")] = '\0';
    char rec[512];
    (void)snprintf(rec, sizeof(rec),
                   "pkg/__init__.py,sha256=%s,6\npkg-1.0.dist-info/RECORD,,\n"
                   "../../../bin/tool,sha256=AAAA,1\n",
                   b);
    free(b);
    put("uv.lock", "F|uv-lock|1\nP|pypi|pkg|1.0|reg|-|sha256:00|https://pypi.org/simple|-\n");
    put("venv/lib/python3.12/site-packages/pkg/__init__.py", "x = 1\n");
    put("venv/lib/python3.12/site-packages/pkg-1.0.dist-info/RECORD", rec);
    custody_scan *s = scan_root(NULL, 0);
    assert_int_equal(tu_max_severity(s, "deps/integrity-mismatch"), -1);
    assert_int_equal(tu_max_severity(s, "deps/unlisted-package"), -1);
    custody_scan_free(s);
    put("venv/lib/python3.12/site-packages/pkg/__init__.py", "import os; os.system('id')\n");
    put("venv/lib/python3.12/site-packages/extra-2.0.dist-info/RECORD", "extra.py,,\n");
    s = scan_root(NULL, 0);
    assert_int_equal(tu_max_severity(s, "deps/integrity-mismatch"), CUSTODY_SEV_CRITICAL);
    assert_true(tu_has_text(s, "pkg/__init__.py was changed", CUSTODY_SEV_CRITICAL));
    assert_true(tu_has_text(s, "extra 2.0 is installed", CUSTODY_SEV_HIGH));
    custody_scan_free(s);
    /* Debian's installed RECORDs spell the same digest in hex: a match, and a change still
     * is one */
    char hexrec[512];
    int o = snprintf(hexrec, sizeof(hexrec), "pkg/__init__.py,sha256=");
    for (size_t k = 0; k < 32; k++) {
        o += snprintf(hexrec + o, sizeof(hexrec) - (size_t)o, "%02x", d[k]);
    }
    (void)snprintf(hexrec + o, sizeof(hexrec) - (size_t)o, ",6\n");
    put("venv/lib/python3.12/site-packages/pkg/__init__.py", "x = 1\n");
    put("venv/lib/python3.12/site-packages/pkg-1.0.dist-info/RECORD", hexrec);
    put("venv/lib/python3.12/site-packages/extra-2.0.dist-info/RECORD", "extra.py,,\n");
    assert_int_equal(root_sev(NULL, 0, "deps/integrity-mismatch"), -1);
    put("venv/lib/python3.12/site-packages/pkg/__init__.py", "x = 2\n");
    assert_int_equal(root_sev(NULL, 0, "deps/integrity-mismatch"), CUSTODY_SEV_CRITICAL);
    /* a RECORD entry through a directory symlink out of site-packages is not followed */
    char link[600];
    (void)snprintf(link, sizeof(link), "%s/venv/lib/python3.12/site-packages/out", root);
    assert_int_equal(symlink("/etc", link), 0);
    put("venv/lib/python3.12/site-packages/pkg/__init__.py", "x = 1\n");
    put("venv/lib/python3.12/site-packages/extra-2.0.dist-info/RECORD",
        "out/hostname,sha256=AAAA,1\n");
    assert_int_equal(root_sev(NULL, 0, "deps/integrity-mismatch"), -1);
    cleanup();
}

/* An operating system's dist-packages (no INSTALLER file): a stripped native library is
 * expected (low); a changed Python file is not; with pip's INSTALLER the library is critical. */
static void test_record_os_managed(void **state)
{
    (void)state;
    fresh("record-os");
    const char *dp = "usr/lib/python3/dist-packages";
    char path[256], rec[256];
    (void)snprintf(rec, sizeof(rec),
                   "pkg/_ext.cpython-311-x86_64-linux-gnu.so,sha256=AAAA,3\n"
                   "pkg/__init__.py,sha256=AAAA,6\npkg-1.0.dist-info/RECORD,,\n");
    (void)snprintf(path, sizeof(path), "%s/pkg/_ext.cpython-311-x86_64-linux-gnu.so", dp);
    put(path, "ELF");
    (void)snprintf(path, sizeof(path), "%s/pkg/__init__.py", dp);
    put(path, "x = 1\n");
    (void)snprintf(path, sizeof(path), "%s/pkg-1.0.dist-info/RECORD", dp);
    put(path, rec);
    custody_scan *s = scan_root(NULL, 0);
    assert_true(
        tu_has_text(s, "_ext.cpython-311-x86_64-linux-gnu.so was changed", CUSTODY_SEV_LOW));
    assert_true(tu_has_text(s, "dpkg --verify", CUSTODY_SEV_LOW));
    assert_true(tu_has_text(s, "pkg/__init__.py was changed", CUSTODY_SEV_CRITICAL));
    custody_scan_free(s);
    (void)snprintf(path, sizeof(path), "%s/pkg-1.0.dist-info/INSTALLER", dp);
    put(path, "pip\n");
    s = scan_root(NULL, 0);
    assert_true(
        tu_has_text(s, "_ext.cpython-311-x86_64-linux-gnu.so was changed", CUSTODY_SEV_CRITICAL));
    custody_scan_free(s);
    cleanup();
}

static void test_worm_file_near_miss(void **state)
{
    (void)state;
    fresh("worm");
    put("dist/bundle.js", "console.log('a webpack bundle');\n");
    put("setup_bun.js", "// not the worm\n");
    assert_int_equal(root_sev(NULL, 0, "deps/worm-file"), -1);
    cleanup();
}

/* Extra indicators (setting deps.worm-sha256, scan --ioc-sha256) go through the same matcher as
 * the published hashes: a harmless file whose SHA-256 is given is a critical deps/worm-file
 * naming it, whatever its name; any case of hex; other files and other hashes are not. */
static void test_worm_file_extra_sha256(void **state)
{
    (void)state;
    fresh("wormx");
    put("docs/notes.txt", "harmless notes\n");
    put("dist/bundle.js", "console.log('a webpack bundle');\n");
    const custody_prop set[] = {
        { "deps.worm-sha256", "90032C5193FD773300228055EEA6B12712C4304449F1443FEE99FF7F42F74DF6" },
    };
    custody_scan *s = scan_root(set, 1);
    assert_int_equal(tu_count(s, "deps/worm-file", CUSTODY_SEV_CRITICAL), 1);
    assert_true(tu_has_text(s, "notes.txt has the SHA-256", CUSTODY_SEV_CRITICAL));
    assert_false(tu_has_text(s, "bundle.js has the SHA-256", CUSTODY_SEV_INFO));
    custody_scan_free(s);
    /* a hash one digit off, a prefix, a non-hex value: no match */
    const custody_prop off[] = {
        { "deps.worm-sha256", "90032c5193fd773300228055eea6b12712c4304449f1443fee99ff7f42f74df7" },
        { "deps.worm-sha256", "90032c5193fd773300228055eea6b12712c4304449f1443fee99ff7f42f74df" },
        { "deps.worm-sha256", "90032c5193fd773300228055eea6b12712c4304449f1443fee99ff7f42f74df6x" },
    };
    assert_int_equal(root_sev(off, 3, "deps/worm-file"), -1);
    /* two indicators: both files */
    const custody_prop two[] = {
        { "deps.worm-sha256", "90032c5193fd773300228055eea6b12712c4304449f1443fee99ff7f42f74df6" },
        { "deps.worm-sha256", "36c89ea9504ea127c2a8b41130e2e7b718e709cbc429565b74ebddc0425bfde7" },
    };
    s = scan_root(two, 2);
    assert_int_equal(tu_count(s, "deps/worm-file", CUSTODY_SEV_CRITICAL), 2);
    custody_scan_free(s);
    cleanup();
}

static const custody_dep_change *find_change(const custody_deps_diff *d, const char *name)
{
    for (size_t i = 0; i < custody_deps_diff_count(d); i++) {
        const custody_dep_change *c = custody_deps_diff_change(d, i);
        if (strcmp(c->name, name) == 0) {
            return c;
        }
    }
    return NULL;
}

static void test_diff(void **state)
{
    (void)state;
    fresh("diff");
    put("old/package-lock.json",
        "F|package-lock|1\n"
        "P|npm|a|1.0.0|reg|https://registry.npmjs.org/a/-/a-1.0.0.tgz|sha512-AAAA|-|-\n"
        "P|npm|b|1.0.0|reg|https://registry.npmjs.org/b/-/b-1.0.0.tgz|sha512-BBBB|-|-\n"
        "P|npm|c|1.0.0|reg|https://registry.npmjs.org/c/-/c-1.0.0.tgz|sha512-CCCC|-|-\n"
        "P|npm|d|1.0.0|reg|https://registry.npmjs.org/d/-/d-1.0.0.tgz|sha512-DDDD|-|-\n"
        "P|npm|f|1.0.0|reg|https://registry.npmjs.org/f/-/f-1.0.0.tgz|sha1-FFFF|-|-\n");
    put("new/package-lock.json",
        "F|package-lock|1\n"
        "P|npm|a|1.0.0|reg|https://registry.npmjs.org/a/-/a-1.0.0.tgz|sha512-XXXX|-|-\n"
        "P|npm|b|1.1.0|reg|https://registry.npmjs.org/b/-/b-1.1.0.tgz|sha512-BBB2|-|s\n"
        "P|npm|c|1.0.0|git|git+https://github.com/x/c.git#main|-|-|-\n"
        "P|npm|e|0.0.1|reg|https://registry.npmjs.org/e/-/e-0.0.1.tgz|sha512-EEEE|-|-\n"
        "P|npm|f|1.0.0|reg|https://registry.npmjs.org/f/-/f-1.0.0.tgz|sha1-FFFF sha512-GGGG|-|-\n");
    char o[600], n[600];
    (void)snprintf(o, sizeof(o), "%s/old", root);
    (void)snprintf(n, sizeof(n), "%s/new/package-lock.json", root);
    custody_deps_diff *d = NULL;
    custody_error err;
    assert_int_equal(custody_deps_diff_run(&d, o, n, NULL, &err), 0);
    const custody_dep_change *c = find_change(d, "a");
    assert_non_null(c);
    assert_int_equal(c->kind, CUSTODY_DEP_CHANGED);
    assert_int_equal(c->severity, CUSTODY_SEV_CRITICAL);
    c = find_change(d, "b");
    assert_non_null(c);
    assert_string_equal(c->old_version, "1.0.0");
    assert_string_equal(c->new_version, "1.1.0");
    assert_int_equal(c->severity, CUSTODY_SEV_HIGH);
    assert_non_null(strstr(c->reasons, "install script"));
    c = find_change(d, "c");
    assert_non_null(c);
    assert_int_equal(c->severity, CUSTODY_SEV_HIGH);
    assert_non_null(strstr(c->reasons, "off the registry"));
    c = find_change(d, "d");
    assert_non_null(c);
    assert_int_equal(c->kind, CUSTODY_DEP_REMOVED);
    assert_false(c->flagged);
    c = find_change(d, "e");
    assert_non_null(c);
    assert_int_equal(c->kind, CUSTODY_DEP_ADDED);
    assert_true(c->severity <= CUSTODY_SEV_LOW);
    /* sha1 -> sha1+sha512 for the same version is a lockfile upgrade, not a change */
    assert_null(find_change(d, "f"));
    assert_int_equal(custody_deps_diff_max_severity(d), CUSTODY_SEV_CRITICAL);
    FILE *mem = tmpfile();
    assert_non_null(mem);
    assert_int_equal(custody_deps_diff_write(mem, d, 1, CUSTODY_SEV_HIGH, &err), 0);
    fclose(mem);
    custody_deps_diff_free(d);
    /* an unreadable side is an error, not an empty diff */
    put("empty/notes.txt", "nothing\n");
    (void)snprintf(o, sizeof(o), "%s/empty", root);
    d = NULL;
    assert_int_equal(custody_deps_diff_run(&d, o, n, NULL, &err), CUSTODY_EIO);
    assert_null(d);
    cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confusion_npm),
        cmocka_unit_test(test_lockfiles),
        cmocka_unit_test(test_node_modules),
        cmocka_unit_test(test_verification),
        cmocka_unit_test(test_record),
        cmocka_unit_test(test_record_os_managed),
        cmocka_unit_test(test_worm_file_near_miss),
        cmocka_unit_test(test_worm_file_extra_sha256),
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
