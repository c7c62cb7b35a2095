/* Data-driven deps/ checks: known-malicious versions (embedded OpenSSF list + MAL- advisories of
 * the store), Shai-Hulud worm versions, vulnerable versions (store), typosquats and scope
 * confusion (popular-name index), unknown (hallucinated) direct dependencies (store name list).
 *
 * A lockfile entry has an exact version; a manifest entry has a requested range: a range is
 * reported when some listed malicious version satisfies it (the install may resolve to it) or
 * when every version is malicious. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "deps/pkglists.h"
#include "deps/rules_data.h"
#include "deps/typosquat.h"
#include "deps/versions.h"
#include "engine/engine.h"
#include "store/store.h"
#include "core/banned.h"

#define EVIDENCE_IDS_MAX 8u

static const char *eco_osv(enum cu_eco eco)
{
    return eco == CU_ECO_PYPI ? "PyPI" : "npm";
}

static bool version_eq(enum cu_eco eco, const char *a, const char *b)
{
    int c;
    if (strcmp(a, b) == 0) {
        return true;
    }
    return cu_version_cmp(eco == CU_ECO_PYPI ? 1 : 0, a, b, &c) && c == 0;
}

/* Does the requested range `spec` admit `version`? */
static bool spec_admits(enum cu_eco eco, const char *spec, const char *version)
{
    if (eco == CU_ECO_PYPI) {
        return cu_pep440_contains(spec, version, 1) == 1;
    }
    return cu_semver_satisfies(version, spec, 0) == 1;
}

/* A package's exact version: its resolved version, or the one a manifest pins exactly
 * (npm "1.2.3" / "=1.2.3", PyPI "==1.2.3"). NULL when only a range is known. */
static const char *exact_version(const struct cu_pkg *p, char *buf, size_t cap)
{
    if (p->version != NULL && p->version[0] != '\0') {
        return p->version;
    }
    if (p->spec == NULL) {
        return NULL;
    }
    const char *s = p->spec;
    while (*s == ' ') {
        s++;
    }
    if (p->eco == CU_ECO_PYPI) {
        if (strncmp(s, "==", 2) != 0 || s[2] == '=' || strchr(s, ',') != NULL ||
            strchr(s, '*') != NULL) {
            return NULL;
        }
        s += 2;
    } else if (*s == '=') {
        s++;
    }
    struct cu_semver sv;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') {
        n--;
    }
    if (n == 0 || n >= cap) {
        return NULL;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (p->eco == CU_ECO_NPM && !cu_semver_parse(buf, false, &sv)) {
        return NULL;
    }
    return buf;
}

/* An npm list token that is a node-semver range (">=X", ">=X <Y": an OSV range that does not
 * start at 0 or that ends). An exact version is tested against it (pre-releases included); a
 * requested range matches when it admits the range's first version (an approximation: the
 * install may resolve into the malicious span). */
static bool range_token_matches(const struct cu_pkg *p, const char *ver, const char *token)
{
    if (p->eco != CU_ECO_NPM) {
        return false;
    }
    if (ver != NULL) {
        return cu_semver_satisfies(ver, token, CU_SEMVER_INCLUDE_PRE) == 1;
    }
    if (p->spec == NULL || strncmp(token, ">=", 2) != 0) {
        return false;
    }
    char lo[CU_SEMVER_MAX_LEN + 1];
    size_t n = strcspn(token + 2, " ");
    if (n == 0 || n >= sizeof(lo)) {
        return false;
    }
    memcpy(lo, token + 2, n);
    lo[n] = '\0';
    return spec_admits(p->eco, p->spec, lo);
}

/* Does the requested range admit `version`? A registry requirement with no range at all
 * ("3web" in requirements.txt) admits every version, so it may resolve to a malicious one. */
static bool unpinned_admits(const struct cu_pkg *p, const char *version)
{
    if (p->spec == NULL || p->spec[0] == '\0') {
        return p->source == CU_DEP_REGISTRY || p->source == CU_DEP_UNKNOWN;
    }
    return spec_admits(p->eco, p->spec, version);
}

/* Does a list entry's version set match the package? Sets *via_spec when only the range
 * matched. */
static bool
entry_matches(const struct cu_pkg *p, const char *ver, const char *versions, const char **matched)
{
    if (strcmp(versions, "*") == 0) {
        *matched = "every version";
        return true;
    }
    const char *s = versions;
    static _Thread_local char one[CU_SEMVER_MAX_LEN + 1];
    while (*s != '\0') {
        size_t n = strcspn(s, ",");
        if (n > 0 && n < sizeof(one)) {
            memcpy(one, s, n);
            one[n] = '\0';
            if (one[0] == '>' || one[0] == '<' ? range_token_matches(p, ver, one)
                : ver != NULL                  ? version_eq(p->eco, ver, one)
                                               : unpinned_admits(p, one)) {
                *matched = one;
                return true;
            }
        }
        s += n;
        if (*s == ',') {
            s++;
        }
    }
    return false;
}

static void add_id(struct cu_buf *b, size_t *n, const char *id)
{
    if (*n < EVIDENCE_IDS_MAX) {
        cu_buf_addf(b, "%s%s", *n > 0 ? ", " : "", id);
    } else if (*n == EVIDENCE_IDS_MAX) {
        cu_buf_adds(b, ", ...");
    }
    (*n)++;
}

static void hit(cu_deps_hit_fn fn,
                void *arg,
                const struct cu_pkg *p,
                const char *rule,
                int sev,
                const char *evidence,
                const char *message)
{
    struct cu_deps_hit h = { p->line, rule, sev, evidence, message };
    fn(arg, &h);
}

static void check_list(
    const struct cu_pkg *p, const char *ver, enum cu_pkglist list, cu_deps_hit_fn fn, void *arg)
{
    const struct cu_pkglist_entry *e;
    size_t n = cu_pkglist_find(list, p->eco, p->name, &e);
    struct cu_buf ids = CU_BUF_INIT(1024);
    size_t nid = 0;
    const char *matched = NULL;
    char first[CU_SEMVER_MAX_LEN + 1] = "";
    for (size_t i = 0; i < n; i++) {
        const char *m = NULL;
        if (entry_matches(p, ver, e[i].versions, &m)) {
            add_id(&ids, &nid, e[i].id);
            if (matched == NULL) {
                size_t l = strlen(m);
                if (l < sizeof(first)) {
                    memcpy(first, m, l + 1);
                }
                matched = first;
            }
        }
    }
    if (nid > 0) {
        char *msg;
        const char *what = ver != NULL ? ver : (p->spec != NULL ? p->spec : "any version");
        if (list == CU_LIST_WORM) {
            msg = cu_asprintf("%s@%s is a version published by the Shai-Hulud worm (%s)", p->name,
                              what, cu_buf_str(&ids));
        } else if (ver != NULL || strcmp(matched, "every version") == 0) {
            msg = cu_asprintf("%s@%s is a known malicious package (%s)", p->name, what,
                              cu_buf_str(&ids));
        } else {
            msg = cu_asprintf("%s %s admits the known malicious version %s (%s)", p->name, what,
                              matched, cu_buf_str(&ids));
        }
        /* A range that merely admits a bad version is what a resolver might pick, not what was
         * installed (the exact version, from the lockfile, is judged on its own): medium. */
        bool range_only = ver == NULL && strcmp(matched, "every version") != 0;
        if (msg != NULL) {
            hit(fn, arg, p, list == CU_LIST_WORM ? "deps/worm-indicator" : "deps/known-malicious",
                range_only ? (int)CUSTODY_SEV_MEDIUM : -1, cu_buf_str(&ids), msg);
        }
        free(msg);
    }
    cu_buf_free(&ids);
}

/* ---- OSV ---- */

static int ev_cmp(enum cu_eco eco, const struct cu_osv_event *a, const struct cu_osv_event *b)
{
    bool za = a->type == 'i' && strcmp(a->version, "0") == 0;
    bool zb = b->type == 'i' && strcmp(b->version, "0") == 0;
    if (za != zb) {
        return za ? -1 : 1;
    }
    if (za) {
        return 0;
    }
    int c = 0;
    if (!cu_version_cmp(eco == CU_ECO_PYPI ? 1 : 0, a->version, b->version, &c)) {
        return 0;
    }
    return c;
}

bool cu_osv_affects(enum cu_eco eco, const struct cu_osv_affect *a, const char *version)
{
    for (size_t i = 0; i < a->nversions; i++) {
        if (version_eq(eco, version, a->versions[i])) {
            return true;
        }
    }
    const struct cu_osv_event *ev = a->events;
    for (size_t r = 0; r < a->nranges; r++) {
        size_t n = a->range_len[r];
        /* insertion sort of the range's events by version (ranges are short) */
        const struct cu_osv_event **ord = cu_calloc(n + 1, sizeof(*ord));
        if (ord == NULL) {
            return true; /* fail closed */
        }
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            int c;
            bool zero = ev[i].type == 'i' && strcmp(ev[i].version, "0") == 0;
            if (!zero &&
                !cu_version_cmp(eco == CU_ECO_PYPI ? 1 : 0, ev[i].version, ev[i].version, &c)) {
                continue; /* an event version of another scheme: ignored */
            }
            size_t k = m++;
            while (k > 0 && ev_cmp(eco, ord[k - 1], &ev[i]) > 0) {
                ord[k] = ord[k - 1];
                k--;
            }
            ord[k] = &ev[i];
        }
        bool affected = false;
        for (size_t i = 0; i < m; i++) {
            const struct cu_osv_event *e = ord[i];
            int c = 0;
            bool zero = e->type == 'i' && strcmp(e->version, "0") == 0;
            if (!zero && !cu_version_cmp(eco == CU_ECO_PYPI ? 1 : 0, version, e->version, &c)) {
                continue;
            }
            if (e->type == 'i' && (zero || c >= 0)) {
                affected = true;
            } else if (e->type == 'f' && !zero && c >= 0) {
                affected = false;
            } else if (e->type == 'l' && c > 0) {
                affected = false;
            }
        }
        free(ord);
        ev += n;
        if (affected) {
            return true;
        }
    }
    return false;
}

/* Every version affected: one range introduced at "0" with no fix. */
static bool osv_all_versions(const struct cu_osv_affect *a)
{
    const struct cu_osv_event *ev = a->events;
    for (size_t r = 0; r < a->nranges; r++) {
        bool zero = false, end = false;
        for (size_t i = 0; i < a->range_len[r]; i++) {
            zero = zero || (ev[i].type == 'i' && strcmp(ev[i].version, "0") == 0);
            end = end || ev[i].type != 'i';
        }
        if (zero && !end) {
            return true;
        }
        ev += a->range_len[r];
    }
    return false;
}

struct osv_q {
    const struct cu_pkg *p;
    const char *ver;
    struct cu_buf mal, vuln;
    size_t nmal, nvuln;
};

static int osv_cb(void *arg, const struct cu_osv_affect *a)
{
    struct osv_q *q = arg;
    bool hit_ = q->ver != NULL ? cu_osv_affects(q->p->eco, a, q->ver)
                               : (a->malicious && osv_all_versions(a));
    if (hit_) {
        if (a->malicious) {
            add_id(&q->mal, &q->nmal, a->id);
        } else {
            add_id(&q->vuln, &q->nvuln, a->id);
        }
    }
    return 0;
}

static void check_store(
    const struct cu_pkg *p, const char *ver, struct cu_store *store, cu_deps_hit_fn fn, void *arg)
{
    struct osv_q q = { .p = p, .ver = ver, .mal = CU_BUF_INIT(1024), .vuln = CU_BUF_INIT(1024) };
    custody_error err;
    memset(&err, 0, sizeof(err));
    if (cu_store_advisories(store, eco_osv(p->eco), p->name, osv_cb, &q, &err) == 0) {
        const char *what = ver != NULL ? ver : "any version";
        if (q.nmal > 0) {
            char *msg = cu_asprintf("%s@%s is a known malicious package (%s)", p->name, what,
                                    cu_buf_str(&q.mal));
            if (msg != NULL) {
                hit(fn, arg, p, "deps/known-malicious", -1, cu_buf_str(&q.mal), msg);
            }
            free(msg);
        }
        if (q.nvuln > 0) {
            char *msg = cu_asprintf("%s@%s has %zu known vulnerabilit%s (%s)", p->name, what,
                                    q.nvuln, q.nvuln == 1 ? "y" : "ies", cu_buf_str(&q.vuln));
            if (msg != NULL) {
                hit(fn, arg, p, "deps/vulnerable", -1, cu_buf_str(&q.vuln), msg);
            }
            free(msg);
        }
    }
    cu_buf_free(&q.mal);
    cu_buf_free(&q.vuln);
}

/* ---- names ---- */

static bool is_internal(const struct cu_pkg *p, const struct cu_deps_data_opts *o)
{
    for (size_t i = 0; i < o->ninternal; i++) {
        const char *s = o->internal[i];
        size_t n = strlen(s);
        if (n == 0) {
            continue;
        }
        if (s[0] == '@' && s[n - 1] != '/') {
            /* a scope: "@acme" matches "@acme/..." */
            if (strncmp(p->name, s, n) == 0 && p->name[n] == '/') {
                return true;
            }
        } else if (strncmp(p->name, s, n) == 0) {
            return true;
        }
    }
    return false;
}

/* "types-node" for "@types/node": an unscoped name made of a popular scoped one. */
static const char *scope_joined(const struct cu_pkg *p, char *buf, size_t cap)
{
    if (p->eco != CU_ECO_NPM || p->name[0] == '@') {
        return NULL;
    }
    size_t n = strlen(p->name);
    if (n + 3 > cap) {
        return NULL;
    }
    for (size_t i = 1; i + 1 < n; i++) {
        if (p->name[i] != '-') {
            continue;
        }
        buf[0] = '@';
        memcpy(buf + 1, p->name, i);
        buf[i + 1] = '/';
        memcpy(buf + i + 2, p->name + i + 1, n - i);
        if (!cu_popular_name(CU_ECO_NPM, buf)) {
            continue;
        }
        /* a scope that replaced a family of unscoped packages (babel-core and @babel/core,
         * rollup-plugin-*, jest-*) is not imitated by the old names; @types always is */
        char prefix[256];
        if (i + 2 > sizeof(prefix)) {
            continue;
        }
        memcpy(prefix, p->name, i + 1);
        prefix[i + 1] = '\0';
        if (strcmp(prefix, "types-") != 0 && cu_popular_prefix_count(CU_ECO_NPM, prefix) >= 3) {
            continue;
        }
        return buf;
    }
    return NULL;
}

static void check_names(const struct cu_pkg *p,
                        const struct cu_depfile *df,
                        const struct cu_deps_data_opts *o,
                        const bool has_names[2],
                        cu_deps_hit_fn fn,
                        void *arg)
{
    if (p->source != CU_DEP_REGISTRY && p->source != CU_DEP_UNKNOWN) {
        return; /* git, URL and local packages are named by the project */
    }
    if (is_internal(p, o) || cu_popular_name(p->eco, p->name)) {
        return;
    }
    /* a squat deep in a lockfile is reported below high: the project did not choose it */
    bool chosen = p->direct || !df->is_lockfile;
    const char *target = NULL;
    if (cu_typosquat_check(p->eco, p->name, &target)) {
        const char *slash = strchr(p->name, '/');
        bool scope_squat = p->name[0] == '@' && target[0] == '@' && slash != NULL &&
                           strncmp(p->name, target, (size_t)(slash - p->name) + 1) != 0;
        char *ev = cu_asprintf("%s imitates %s", p->name, target);
        char *msg = cu_asprintf(scope_squat ? "%s uses a scope that imitates the popular %s"
                                            : "%s looks like a typosquat of the popular package %s",
                                p->name, target);
        if (ev != NULL && msg != NULL) {
            hit(fn, arg, p, scope_squat ? "deps/scope-confusion" : "deps/typosquat",
                chosen ? -1 : CUSTODY_SEV_MEDIUM, ev, msg);
        }
        free(ev);
        free(msg);
        return;
    }
    char buf[512];
    const char *scoped = scope_joined(p, buf, sizeof(buf));
    if (scoped != NULL) {
        char *ev = cu_asprintf("%s imitates %s", p->name, scoped);
        char *msg =
            cu_asprintf("%s is an unscoped copy of the name of the popular %s", p->name, scoped);
        if (ev != NULL && msg != NULL) {
            hit(fn, arg, p, "deps/scope-confusion", CUSTODY_SEV_MEDIUM, ev, msg);
        }
        free(ev);
        free(msg);
        return;
    }
    if (o->store != NULL && p->direct && has_names[p->eco] &&
        cu_store_known(o->store, eco_osv(p->eco), p->name) == 0) {
        char *msg = cu_asprintf("%s is not a known %s package (hallucinated or unpublished name)",
                                p->name, eco_osv(p->eco));
        if (msg != NULL) {
            hit(fn, arg, p, "deps/unknown-package", -1, p->name, msg);
        }
        free(msg);
    }
}

static void check_lists(const struct cu_pkg *p, const char *ver, cu_deps_hit_fn fn, void *arg)
{
    check_list(p, ver, CU_LIST_MALICIOUS, fn, arg);
    if (p->eco == CU_ECO_NPM) {
        check_list(p, ver, CU_LIST_WORM, fn, arg);
    }
}

void cu_deps_data_lists(const struct cu_pkg *p, cu_deps_hit_fn fn, void *arg)
{
    if (p->name == NULL || p->name[0] == '\0' || (p->eco != CU_ECO_NPM && p->eco != CU_ECO_PYPI)) {
        return;
    }
    char vbuf[CU_SEMVER_MAX_LEN + 1];
    check_lists(p, exact_version(p, vbuf, sizeof(vbuf)), fn, arg);
}

void cu_deps_data_run(const struct cu_depfile *df,
                      const struct cu_deps_data_opts *opts,
                      cu_deps_hit_fn fn,
                      void *arg)
{
    struct cu_deps_data_opts none = { 0 };
    const struct cu_deps_data_opts *o = opts != NULL ? opts : &none;
    if (df == NULL) {
        return;
    }
    /* asked once per file: the name lists can hold millions of rows */
    bool has_names[2] = { false, false };
    if (o->store != NULL) {
        has_names[CU_ECO_NPM] = cu_store_names_count(o->store, "npm") > 0;
        has_names[CU_ECO_PYPI] = cu_store_names_count(o->store, "PyPI") > 0;
    }
    for (size_t i = 0; i < df->npkgs; i++) {
        const struct cu_pkg *p = &df->pkgs[i];
        if (p->name == NULL || p->name[0] == '\0' ||
            (p->eco != CU_ECO_NPM && p->eco != CU_ECO_PYPI)) {
            continue;
        }
        char vbuf[CU_SEMVER_MAX_LEN + 1];
        const char *ver = exact_version(p, vbuf, sizeof(vbuf));
        check_lists(p, ver, fn, arg);
        if (o->store != NULL && (p->source == CU_DEP_REGISTRY || p->source == CU_DEP_UNKNOWN)) {
            check_store(p, ver, o->store, fn, arg);
        }
        check_names(p, df, o, has_names, fn, arg);
    }
}

/* ---- engine glue ---- */

struct emit_arg {
    struct cu_ctx *ctx;
    const struct cu_source *src;
};

static void emit_hit(void *arg, const struct cu_deps_hit *h)
{
    struct emit_arg *e = arg;
    cu_emit_line(e->ctx, e->src, h->line, h->rule, h->severity, h->evidence, "%s", h->message);
}

void cu_deps_check_data(struct cu_ctx *ctx,
                        const struct cu_source *src,
                        const struct cu_depfile *df)
{
    struct cu_deps_data_opts o = { 0 };
    const char *internal[64];
    size_t ni = 0;
    const char *keys[] = { "deps.internal-scope", "deps.internal-prefix" };
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; ni < 64; i++) {
            const char *v = cu_ctx_setting(ctx, keys[k], i);
            if (v == NULL) {
                break;
            }
            internal[ni++] = v;
        }
    }
    o.internal = internal;
    o.ninternal = ni;
    const char *path = cu_ctx_setting(ctx, "store.path", 0);
    struct cu_store *store = NULL;
    if (path != NULL) {
        custody_error err;
        memset(&err, 0, sizeof(err));
        if (cu_store_open_ro(&store, path, &err) != 0) {
            cu_emit_line(ctx, src, 0, "deps/store-unavailable", -1, path,
                         "the advisory store %s could not be read: vulnerable and malicious "
                         "versions from it were not checked",
                         path);
            store = NULL;
        }
    }
    o.store = store;
    struct emit_arg ea = { ctx, src };
    cu_deps_data_run(df, &o, emit_hit, &ea);
    cu_store_close(store);
}
