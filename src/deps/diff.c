/* custody deps diff (include/custody/deps.h): both sides are scanned with the library's own
 * scanner, their "library" components compared by (ecosystem, name, version). Reasons a
 * change is flagged are documented in docs/deps.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/deps.h"
#include "custody/rules.h"
#include "deps/deps.h"
#include "deps/rules_data.h"
#include "deps/dutil.h"
#include "core/error.h"
#include "core/util.h"
#include "core/banned.h"

struct pkg {
    const char *eco, *name, *version, *integrity, *resolved, *source, *path;
    bool script;
    uint32_t line;
};

struct side {
    custody_scan *scan;
    struct pkg *v;
    size_t n;
};

struct custody_deps_diff {
    struct side old, new;
    custody_dep_change *ch;
    size_t n, cap;
    char **owned; /* reasons strings */
    size_t nowned;
};

static const char *prop(const custody_component *c, const char *key)
{
    for (size_t i = 0; i < c->nprops; i++) {
        if (strcmp(c->props[i].key, key) == 0) {
            return c->props[i].value;
        }
    }
    return NULL;
}

static bool lockish(const char *path)
{
    static const char *const names[] = {
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",         "pnpm-lock.yaml",
        "bun.lock",          "bun.lockb",           "poetry.lock",       "uv.lock",
        "Pipfile.lock",      "pylock.toml",         ".package-lock.json"
    };
    const char *b = cu_basename(path);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(b, names[i]) == 0) {
            return true;
        }
    }
    return (strncmp(b, "pylock.", 7) == 0 && strstr(b, ".toml") != NULL) ||
           (strncmp(b, "requirements", 12) == 0 && strstr(b, ".txt") != NULL);
}

static int pkg_cmp(const void *a, const void *b)
{
    const struct pkg *x = a, *y = b;
    int c = strcmp(x->eco, y->eco);
    if (c == 0) {
        c = strcmp(x->name, y->name);
    }
    if (c == 0) {
        c = strcmp(x->version != NULL ? x->version : "", y->version != NULL ? y->version : "");
    }
    return c;
}

static int
load(struct side *s, const char *path, const custody_scan_options *opts, custody_error *err)
{
    int rc = custody_scan_new(&s->scan, opts, err);
    if (rc < 0) {
        return rc;
    }
    rc = custody_scan_add_path(s->scan, path, err);
    if (rc == 0) {
        rc = custody_scan_run(s->scan, err);
    }
    if (rc < 0) {
        return rc;
    }
    for (size_t i = 0; i < custody_scan_file_count(s->scan); i++) {
        const custody_file *f = custody_scan_file(s->scan, i);
        if (f->status == CUSTODY_FILE_ERROR) {
            return cu_err_io(err, f->path, "cannot read: %s",
                             f->reason != NULL ? f->reason : "error");
        }
    }
    for (size_t i = 0; i < custody_scan_finding_count(s->scan); i++) {
        const custody_finding *f = custody_scan_finding(s->scan, i);
        const char *r = f->rule_id;
        if (strcmp(r, "deps/malformed") == 0 || strcmp(r, "deps/unsupported-version") == 0) {
            return cu_err_io(err, f->path, "cannot parse: %s", f->message);
        }
    }
    size_t nc = custody_scan_component_count(s->scan);
    s->v = calloc(nc > 0 ? nc : 1, sizeof(*s->v));
    if (s->v == NULL) {
        return cu_err_nomem(err);
    }
    bool any_lock = false;
    for (size_t i = 0; i < nc; i++) {
        const custody_component *c = custody_scan_component(s->scan, i);
        if (strcmp(c->kind, "library") == 0 && c->path != NULL && lockish(c->path)) {
            any_lock = true;
        }
    }
    for (size_t i = 0; i < nc; i++) {
        const custody_component *c = custody_scan_component(s->scan, i);
        if (strcmp(c->kind, "library") != 0 || c->name == NULL || c->ecosystem == NULL ||
            (any_lock && (c->path == NULL || !lockish(c->path)))) {
            continue;
        }
        /* the one property name deps.c emits (emit_pkg) */
        const char *is = prop(c, "install-script");
        s->v[s->n++] =
            (struct pkg){ c->ecosystem,
                          c->name,
                          c->version,
                          prop(c, "integrity"),
                          prop(c, "resolved"),
                          prop(c, "source"),
                          c->location != NULL ? c->location : c->path,
                          is != NULL && (strcmp(is, "true") == 0 || strcmp(is, "1") == 0),
                          c->line };
    }
    if (s->n == 0) {
        return cu_err_io(err, path, "no dependency manifest or lockfile with packages found");
    }
    qsort(s->v, s->n, sizeof(*s->v), pkg_cmp);
    /* drop exact duplicates (the same package named by several files) */
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (k > 0 && pkg_cmp(&s->v[k - 1], &s->v[i]) == 0) {
            continue;
        }
        s->v[k++] = s->v[i];
    }
    s->n = k;
    return 0;
}

struct reasons {
    char buf[512];
    custody_severity sev;
    bool any;
};

static void add_reason(struct reasons *r, custody_severity sev, const char *text)
{
    size_t used = strlen(r->buf);
    if (used + 3 >= sizeof(r->buf)) {
        return;
    }
    /* a long reason is cut to the room left (the result is used, so GCC does not warn) */
    if (snprintf(r->buf + used, sizeof(r->buf) - used, "%s%s", r->any ? "; " : "", text) < 0) {
        r->buf[used] = '\0';
    }
    if (!r->any || sev > r->sev) {
        r->sev = sev;
    }
    r->any = true;
}

/* add_reason with a formatted text */
#define REASON(r, sev, ...)                                    \
    do {                                                       \
        char reason_[600];                                     \
        (void)snprintf(reason_, sizeof(reason_), __VA_ARGS__); \
        add_reason((r), (sev), reason_);                       \
    } while (0)

static bool off_registry(const struct pkg *p)
{
    return p->source != NULL && strcmp(p->source, "registry") != 0;
}

/* Same-algorithm integrity tokens that differ: "sha512-A" vs "sha512-B". */
static bool integrity_changed(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return false;
    }
    static const char *const algs[] = { "sha512-", "sha384-", "sha256-", "sha256:", "sha1-" };
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        const char *x = strstr(a, algs[i]);
        const char *y = strstr(b, algs[i]);
        if (x != NULL && y != NULL) {
            /* compare the sets loosely: every token of this algorithm in b must be in a */
            for (const char *t = y; t != NULL; t = strstr(t + 1, algs[i])) {
                size_t n = strcspn(t, " ,");
                bool found = false;
                for (const char *u = x; u != NULL && !found; u = strstr(u + 1, algs[i])) {
                    found = strcspn(u, " ,") == n && strncmp(u, t, n) == 0;
                }
                if (!found) {
                    return true;
                }
            }
            return false;
        }
    }
    return false;
}

static int push(custody_deps_diff *d,
                custody_dep_change_kind kind,
                const struct pkg *o,
                const struct pkg *n,
                const struct reasons *r)
{
    if (d->n == d->cap) {
        size_t cap = d->cap > 0 ? d->cap * 2 : 64;
        custody_dep_change *v = realloc(d->ch, cap * sizeof(*v));
        if (v == NULL) {
            return CUSTODY_ENOMEM;
        }
        d->ch = v;
        char **w = realloc(d->owned, cap * sizeof(*w));
        if (w == NULL) {
            return CUSTODY_ENOMEM; /* d->ch keeps the larger block; cap stays */
        }
        d->owned = w;
        d->cap = cap;
    }
    const struct pkg *p = n != NULL ? n : o;
    char *why = NULL;
    if (r != NULL && r->any) {
        why = cu_strdup(r->buf);
        if (why == NULL) {
            return CUSTODY_ENOMEM;
        }
    }
    d->owned[d->nowned++] = why;
    d->ch[d->n++] = (custody_dep_change){ kind,
                                          p->eco,
                                          p->name,
                                          o != NULL ? o->version : NULL,
                                          n != NULL ? n->version : NULL,
                                          p->path,
                                          p->line,
                                          why != NULL,
                                          why != NULL ? r->sev : CUSTODY_SEV_INFO,
                                          why };
    return 0;
}

/* The version now in the lockfile is on the known-malicious or worm lists (the same data and
 * matcher as a scan's deps/known-malicious and deps/worm-indicator): a dependency update that
 * pulls in a hijacked release is the change a reviewer must not miss. */
static void listed_hit(void *arg, const struct cu_deps_hit *h)
{
    const custody_rule *def = custody_rule_find(h->rule);
    custody_severity sev = h->severity >= 0 ? (custody_severity)h->severity
                           : def != NULL    ? def->severity
                                            : CUSTODY_SEV_CRITICAL;
    REASON((struct reasons *)arg, sev, "%s", h->message);
}

static void flag_listed(const struct pkg *n, struct reasons *r)
{
    if (n->version == NULL || n->version[0] == '\0') {
        return;
    }
    struct cu_pkg p = { .eco = strcmp(n->eco, "pypi") == 0 ? CU_ECO_PYPI : CU_ECO_NPM,
                        .name = (char *)n->name,
                        .version = (char *)n->version,
                        .source = CU_DEP_REGISTRY };
    cu_deps_data_lists(&p, listed_hit, r);
}

static void flag_new(const struct pkg *n, struct reasons *r)
{
    flag_listed(n, r);
    enum cu_eco eco = strcmp(n->eco, "pypi") == 0 ? CU_ECO_PYPI : CU_ECO_NPM;
    const char *target = NULL;
    if (cu_typosquat_check(eco, n->name, &target) && target != NULL) {
        REASON(r, CUSTODY_SEV_HIGH, "new package close to the popular name %s", target);
    } else if (!cu_popular_name(eco, n->name)) {
        REASON(r, CUSTODY_SEV_LOW, "new package not among the popular names");
    }
    if (n->script) {
        REASON(r, CUSTODY_SEV_MEDIUM, "new package runs an install script");
    }
    if (off_registry(n)) {
        bool git = strcmp(n->source, "git") == 0;
        bool pinned = git && cu_dx_git_pinned(n->resolved);
        custody_severity sev = git && !pinned                   ? CUSTODY_SEV_HIGH
                               : strcmp(n->source, "path") == 0 ? CUSTODY_SEV_LOW
                                                                : CUSTODY_SEV_MEDIUM;
        REASON(r, sev, "new package from outside the registry (%s%s)", n->source,
               git && !pinned ? ", not pinned to a commit" : "");
    }
}

static void flag_pair(const struct pkg *o, const struct pkg *n, struct reasons *r)
{
    if (o->version == NULL || n->version == NULL || strcmp(o->version, n->version) != 0) {
        flag_listed(n, r);
    }
    if (n->script && !o->script) {
        REASON(r, CUSTODY_SEV_HIGH, "gained an install script");
    }
    if (off_registry(n) && !off_registry(o)) {
        REASON(r, CUSTODY_SEV_HIGH, "source moved off the registry (%s)", n->source);
    }
    char s1[16], h1[256], s2[16], h2[256];
    if (o->resolved != NULL && n->resolved != NULL &&
        cu_dx_url(o->resolved, s1, sizeof(s1), h1, sizeof(h1), NULL, NULL) &&
        cu_dx_url(n->resolved, s2, sizeof(s2), h2, sizeof(h2), NULL, NULL)) {
        if (strcmp(h1, h2) != 0 && cu_dx_public_host(h1) && !cu_dx_public_host(h2)) {
            REASON(r, CUSTODY_SEV_HIGH, "now resolved from %s instead of the registry", h2);
        }
        if (strcmp(s2, "http") == 0 && strcmp(s1, "http") != 0) {
            REASON(r, CUSTODY_SEV_HIGH, "now fetched over plain http");
        }
    }
    if (o->version != NULL && n->version != NULL && strcmp(o->version, n->version) == 0 &&
        integrity_changed(o->integrity, n->integrity)) {
        REASON(r, CUSTODY_SEV_CRITICAL,
               "integrity changed for the same version %s (a registry never republishes "
               "a version)",
               n->version);
    }
}

static bool same_name(const struct pkg *a, const struct pkg *b)
{
    return strcmp(a->eco, b->eco) == 0 && strcmp(a->name, b->name) == 0;
}

static int compare(custody_deps_diff *d)
{
    size_t i = 0, j = 0;
    const struct side *O = &d->old, *N = &d->new;
    while (i < O->n || j < N->n) {
        int c;
        if (i >= O->n) {
            c = 1;
        } else if (j >= N->n) {
            c = -1;
        } else {
            c = strcmp(O->v[i].eco, N->v[j].eco);
            if (c == 0) {
                c = strcmp(O->v[i].name, N->v[j].name);
            }
        }
        /* the group of one name on each side */
        size_t ie = i, je = j;
        if (c <= 0) {
            while (ie < O->n && same_name(&O->v[ie], &O->v[i])) {
                ie++;
            }
        }
        if (c >= 0) {
            while (je < N->n && same_name(&N->v[je], &N->v[j])) {
                je++;
            }
        }
        int rc = 0;
        if (c < 0) {
            for (size_t k = i; k < ie && rc == 0; k++) {
                rc = push(d, CUSTODY_DEP_REMOVED, &O->v[k], NULL, NULL);
            }
        } else if (c > 0) {
            for (size_t k = j; k < je && rc == 0; k++) {
                struct reasons r = { "", CUSTODY_SEV_INFO, false };
                flag_new(&N->v[k], &r);
                rc = push(d, CUSTODY_DEP_ADDED, NULL, &N->v[k], &r);
            }
        } else {
            for (size_t k = j; k < je && rc == 0; k++) {
                const struct pkg *n = &N->v[k];
                const struct pkg *o = NULL;
                for (size_t m = i; m < ie; m++) {
                    const char *ov = O->v[m].version != NULL ? O->v[m].version : "";
                    if (strcmp(ov, n->version != NULL ? n->version : "") == 0) {
                        o = &O->v[m];
                    }
                }
                struct reasons r = { "", CUSTODY_SEV_INFO, false };
                if (o != NULL) {
                    flag_pair(o, n, &r);
                    if (r.any) {
                        rc = push(d, CUSTODY_DEP_CHANGED, o, n, &r);
                    }
                    continue;
                }
                /* a new version of a known name: compare with the old side's last version */
                o = &O->v[ie - 1];
                flag_pair(o, n, &r);
                rc = push(d, CUSTODY_DEP_CHANGED, o, n, &r);
            }
            /* old versions no longer present when the new side has none of them */
            for (size_t m = i; m < ie && rc == 0; m++) {
                bool kept = false;
                for (size_t k = j; k < je; k++) {
                    kept = kept || pkg_cmp(&O->v[m], &N->v[k]) == 0;
                }
                bool replaced = false;
                for (size_t k = j; k < je && !kept; k++) {
                    bool had = false;
                    for (size_t q = i; q < ie; q++) {
                        had = had || pkg_cmp(&O->v[q], &N->v[k]) == 0;
                    }
                    replaced = replaced || !had;
                }
                if (!kept && !replaced) {
                    rc = push(d, CUSTODY_DEP_REMOVED, &O->v[m], NULL, NULL);
                }
            }
        }
        if (rc < 0) {
            return rc;
        }
        i = ie;
        j = je;
    }
    return 0;
}

int custody_deps_diff_run(custody_deps_diff **out,
                          const char *old_path,
                          const char *new_path,
                          const custody_scan_options *opts,
                          custody_error *err)
{
    if (out == NULL || old_path == NULL || new_path == NULL) {
        return cu_err_inval(err, "custody_deps_diff_run: NULL argument");
    }
    *out = NULL;
    custody_deps_diff *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return cu_err_nomem(err);
    }
    int rc = load(&d->old, old_path, opts, err);
    if (rc == 0) {
        rc = load(&d->new, new_path, opts, err);
    }
    if (rc == 0) {
        rc = compare(d);
        if (rc < 0) {
            rc = cu_err_nomem(err);
        }
    }
    if (rc < 0) {
        custody_deps_diff_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void custody_deps_diff_free(custody_deps_diff *d)
{
    if (d == NULL) {
        return;
    }
    for (size_t i = 0; i < d->nowned; i++) {
        free(d->owned[i]);
    }
    free(d->owned);
    free(d->ch);
    free(d->old.v);
    free(d->new.v);
    custody_scan_free(d->old.scan);
    custody_scan_free(d->new.scan);
    free(d);
}

size_t custody_deps_diff_count(const custody_deps_diff *d)
{
    return d != NULL ? d->n : 0;
}

const custody_dep_change *custody_deps_diff_change(const custody_deps_diff *d, size_t i)
{
    return d != NULL && i < d->n ? &d->ch[i] : NULL;
}

custody_severity custody_deps_diff_max_severity(const custody_deps_diff *d)
{
    custody_severity m = CUSTODY_SEV_INFO;
    for (size_t i = 0; d != NULL && i < d->n; i++) {
        if (d->ch[i].flagged && d->ch[i].severity > m) {
            m = d->ch[i].severity;
        }
    }
    return m;
}

static void json_str(FILE *f, const char *s)
{
    if (s == NULL) {
        (void)fputs("null", f);
        return;
    }
    (void)fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            (void)fprintf(f, "\\%c", *p);
        } else if (*p < 0x20 || *p == 0x7f) {
            (void)fprintf(f, "\\u%04x", *p);
        } else {
            (void)fputc(*p, f);
        }
    }
    (void)fputc('"', f);
}

int custody_deps_diff_write(
    FILE *f, const custody_deps_diff *d, int json, custody_severity fail_on, custody_error *err)
{
    static const char *const kinds[] = { "added", "removed", "changed" };
    size_t cnt[3] = { 0, 0, 0 }, flagged = 0, failing = 0;
    for (size_t i = 0; i < d->n; i++) {
        cnt[d->ch[i].kind]++;
        flagged += d->ch[i].flagged;
        failing += d->ch[i].flagged && d->ch[i].severity >= fail_on;
    }
    if (json) {
        (void)fputs("{\"schema\":\"custody-deps-diff/1\",\"changes\":[", f);
        for (size_t i = 0; i < d->n; i++) {
            const custody_dep_change *c = &d->ch[i];
            (void)fputs(i > 0 ? ",\n{" : "\n{", f);
            (void)fprintf(f, "\"kind\":\"%s\",\"ecosystem\":", kinds[c->kind]);
            json_str(f, c->ecosystem);
            (void)fputs(",\"name\":", f);
            json_str(f, c->name);
            (void)fputs(",\"old_version\":", f);
            json_str(f, c->old_version);
            (void)fputs(",\"new_version\":", f);
            json_str(f, c->new_version);
            (void)fputs(",\"path\":", f);
            json_str(f, c->path);
            (void)fprintf(f,
                          ",\"line\":%u,\"flagged\":%s,\"severity\":\"%s\",\"reasons\":", c->line,
                          c->flagged ? "true" : "false", custody_severity_name(c->severity));
            json_str(f, c->reasons);
            (void)fputc('}', f);
        }
        (void)fprintf(
            f,
            "],\n\"summary\":{\"added\":%zu,\"removed\":%zu,\"changed\":%zu,\"flagged\":%zu,"
            "\"max_severity\":\"%s\",\"fail_on\":\"%s\",\"verdict\":\"%s\"}}\n",
            cnt[0], cnt[1], cnt[2], flagged,
            custody_severity_name(custody_deps_diff_max_severity(d)),
            custody_severity_name(fail_on), failing > 0 ? "fail" : "pass");
    } else {
        for (size_t i = 0; i < d->n; i++) {
            const custody_dep_change *c = &d->ch[i];
            const char *mark = c->kind == CUSTODY_DEP_ADDED     ? "+"
                               : c->kind == CUSTODY_DEP_REMOVED ? "-"
                                                                : "~";
            (void)fprintf(f, "%s %s %s", mark, c->ecosystem, c->name);
            if (c->kind == CUSTODY_DEP_CHANGED) {
                (void)fprintf(f, " %s -> %s", c->old_version != NULL ? c->old_version : "?",
                              c->new_version != NULL ? c->new_version : "?");
            } else {
                const char *v = c->kind == CUSTODY_DEP_ADDED ? c->new_version : c->old_version;
                if (v != NULL) {
                    (void)fprintf(f, " %s", v);
                }
            }
            if (c->flagged) {
                (void)fprintf(f, "  [%s] %s", custody_severity_name(c->severity), c->reasons);
            }
            (void)fputc('\n', f);
        }
        (void)fprintf(f, "%zu added, %zu removed, %zu changed, %zu flagged (max %s): %s\n", cnt[0],
                      cnt[1], cnt[2], flagged,
                      custody_severity_name(custody_deps_diff_max_severity(d)),
                      failing > 0 ? "FAIL" : "PASS");
    }
    if (fflush(f) != 0 || ferror(f)) {
        return cu_err_io(err, "output", "write failed");
    }
    return 0;
}
