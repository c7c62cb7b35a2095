/* Structure-driven deps/ checks of one parsed manifest or lockfile: sources, transport,
 * registry hosts, name/URL agreement, integrity, pinning, install scripts, PyPI dependency
 * confusion and scope confusion. npm dependency confusion needs the project's .npmrc and is a
 * project pass (project.c). Rules: src/rules/rules_deps.c; decisions: docs/deps.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/deps.h"
#include "deps/dutil.h"
#include "deps/struct.h"
#include "engine/engine.h"
#include "core/banned.h"

/* ---- host allowlist ---- */

bool cu_deps_host_allowed(const struct cu_ctx *ctx, const char *host)
{
    const char *h = cu_ctx_setting(ctx, "deps.registry-host", 0);
    if (h == NULL) {
        return cu_dx_public_host(host);
    }
    for (size_t i = 0; (h = cu_ctx_setting(ctx, "deps.registry-host", i)) != NULL; i++) {
        char sch[16], hh[256];
        const char *want = h;
        if (strstr(h, "://") != NULL &&
            cu_dx_url(h, sch, sizeof(sch), hh, sizeof(hh), NULL, NULL)) {
            want = hh;
        }
        /* lockfile-lint style aliases */
        if ((strcmp(want, "npm") == 0 && strcmp(host, "registry.npmjs.org") == 0) ||
            (strcmp(want, "yarn") == 0 && strcmp(host, "registry.yarnpkg.com") == 0)) {
            return true;
        }
        if (strcmp(want, host) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- install scripts ---- */

bool cu_deps_lifecycle(const char *name)
{
    static const char *const names[] = { "preinstall", "install",     "postinstall", "prepare",
                                         "preprepare", "postprepare", "prepublish" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

const char *cu_deps_script_loader(const char *cmd, int *sev)
{
    /* Shai-Hulud 2: "preinstall": "node setup_bun.js" */
    if (cu_dx_contains(cmd, "setup_bun.js") || cu_dx_contains(cmd, "bun_environment.js")) {
        *sev = CUSTODY_SEV_CRITICAL;
        return "runs the Shai-Hulud 2 loader (setup_bun.js)";
    }
    bool fetch = cu_dx_word(cmd, "curl") || cu_dx_word(cmd, "wget") ||
                 cu_dx_contains(cmd, "Invoke-WebRequest") || cu_dx_word(cmd, "iwr") ||
                 cu_dx_contains(cmd, "DownloadString") || cu_dx_contains(cmd, "http://") ||
                 cu_dx_contains(cmd, "https://");
    bool pipe_sh = cu_dx_contains(cmd, "| sh") || cu_dx_contains(cmd, "|sh") ||
                   cu_dx_contains(cmd, "| bash") || cu_dx_contains(cmd, "|bash") ||
                   cu_dx_contains(cmd, "| node") || cu_dx_contains(cmd, "| python") ||
                   cu_dx_word(cmd, "iex") || cu_dx_contains(cmd, "Invoke-Expression");
    if (fetch && pipe_sh) {
        *sev = CUSTODY_SEV_CRITICAL;
        return "downloads code and runs it";
    }
    if (fetch) {
        *sev = CUSTODY_SEV_HIGH;
        return "downloads at install";
    }
    if (cu_dx_contains(cmd, "base64") || cu_dx_contains(cmd, "atob(") ||
        cu_dx_contains(cmd, "Buffer.from(")) {
        *sev = CUSTODY_SEV_HIGH;
        return "decodes data at install";
    }
    if (cu_dx_contains(cmd, "node -e") || cu_dx_contains(cmd, "node --eval") ||
        cu_dx_contains(cmd, "node -p") || cu_dx_contains(cmd, "python -c") ||
        cu_dx_contains(cmd, "python3 -c") || cu_dx_word(cmd, "eval")) {
        *sev = CUSTODY_SEV_HIGH;
        return "evaluates inline code";
    }
    if (cu_dx_word(cmd, "powershell") || cu_dx_word(cmd, "pwsh") ||
        cu_dx_contains(cmd, "-EncodedCommand")) {
        *sev = CUSTODY_SEV_HIGH;
        return "runs PowerShell";
    }
    if (cu_dx_word(cmd, "bun") || cu_dx_word(cmd, "bunx")) {
        *sev = CUSTODY_SEV_MEDIUM;
        return "runs bun (the Shai-Hulud 2 loader installs and runs bun)";
    }
    return NULL;
}

const char *cu_deps_script_propagates(const char *cmd)
{
    if (cu_dx_contains(cmd, "npm publish") || cu_dx_contains(cmd, "yarn publish") ||
        cu_dx_contains(cmd, "pnpm publish") || cu_dx_contains(cmd, "npm token")) {
        return "publishes packages or manages npm tokens";
    }
    if (cu_dx_contains(cmd, "gh auth") || cu_dx_contains(cmd, ".npmrc") ||
        cu_dx_contains(cmd, "NPM_TOKEN") || cu_dx_contains(cmd, "GITHUB_TOKEN") ||
        cu_dx_contains(cmd, "trufflehog")) {
        return "reads registry or GitHub tokens";
    }
    return NULL;
}

static void
check_scripts(struct cu_ctx *ctx, const struct cu_source *src, const struct cu_depfile *df)
{
    bool installed = src->loc != NULL && strstr(src->loc, "node_modules/") != NULL;
    for (size_t i = 0; i < df->nscripts; i++) {
        const struct cu_dep_script *s = &df->scripts[i];
        if (s->name == NULL || s->command == NULL || !cu_deps_lifecycle(s->name)) {
            continue;
        }
        /* prepare/prepublish run for the project itself and for git dependencies, not when
         * a registry package is installed into node_modules */
        bool runs =
            !installed || (strcmp(s->name, "preinstall") == 0 || strcmp(s->name, "install") == 0 ||
                           strcmp(s->name, "postinstall") == 0);
        int sev = CUSTODY_SEV_INFO;
        const char *why = cu_deps_script_loader(s->command, &sev);
        if (!runs && why == NULL && cu_deps_script_propagates(s->command) == NULL) {
            continue;
        }
        const char *prop = cu_deps_script_propagates(s->command);
        if (prop != NULL) {
            cu_emit_line(ctx, src, s->line, "deps/self-propagation", CU_SEV_DEFAULT, s->command,
                         "%s script %s", s->name, prop);
        }
        if (why != NULL) {
            cu_emit_line(ctx, src, s->line, "deps/install-script-loader", sev, s->command,
                         "%s script %s", s->name, why);
        } else if (prop == NULL) {
            cu_emit_line(ctx, src, s->line, "deps/install-script",
                         installed ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT, s->command,
                         "%s %s runs a %s script at install",
                         installed ? "installed package" : "package",
                         df->project_name != NULL ? df->project_name : "(unnamed)", s->name);
        }
    }
}

/* ---- per package ---- */

static bool lockfile_has_integrity(const char *format)
{
    static const char *const f[] = { "package-lock", "npm-shrinkwrap", "yarn-v1",   "yarn-berry",
                                     "pnpm-lock",    "bun-lock",       "bun-lockb", "poetry-lock",
                                     "uv-lock",      "pipfile-lock",   "pylock" };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        if (format != NULL && strcmp(format, f[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* True when `integrity` holds at least one algorithm stronger than SHA-1/MD5. */
static bool strong_hash(const char *integrity)
{
    const char *s = integrity;
    while (*s != '\0') {
        while (*s == ' ' || *s == '\t' || *s == ',') {
            s++;
        }
        size_t n = strcspn(s, " \t,");
        if (n == 0) {
            break;
        }
        bool weak = (n >= 4 && (strncmp(s, "sha1", 4) == 0 || strncmp(s, "md5", 3) == 0)) ||
                    (n >= 3 && strncmp(s, "md5", 3) == 0);
        if (!weak) {
            return true;
        }
        s += n;
    }
    return false;
}

/* npm registry tarball path: /<name>/-/<base>-<version>.tgz where name may be "@s/n" or
 * "@s%2fn" and base is the unscoped name. Writes the package name it names into out. */
static bool npm_tarball_name(const char *path, char *out, size_t cap)
{
    const char *dash = strstr(path, "/-/");
    if (dash == NULL || path[0] != '/') {
        return false;
    }
    size_t n = (size_t)(dash - (path + 1));
    if (n == 0 || n >= cap) {
        return false;
    }
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        const char *c = path + 1 + i;
        if (c[0] == '%' && (c[1] == '2') && (c[2] == 'f' || c[2] == 'F')) {
            out[o++] = '/';
            i += 2;
        } else {
            out[o++] = *c;
        }
    }
    out[o] = '\0';
    /* a mirror may prefix the path (/api/npm/repo/<name>/-/...): keep the last one or two
     * segments ("@s/n" or "n") */
    char *last = strrchr(out, '/');
    if (last != NULL) {
        char *scope = last;
        while (scope > out && scope[-1] != '/') {
            scope--;
        }
        const char *keep = scope[0] == '@' ? scope : last + 1;
        memmove(out, keep, strlen(keep) + 1);
    }
    return out[0] != '\0';
}

static void check_confusion_pypi(struct cu_ctx *ctx,
                                 const struct cu_source *src,
                                 const struct cu_depfile *df,
                                 const struct cu_pkg *p)
{
    const char *prefix = NULL;
    for (size_t i = 0; (prefix = cu_ctx_setting(ctx, "deps.internal-prefix", i)) != NULL; i++) {
        if (cu_dx_has_prefix_pypi(p->name, prefix)) {
            break;
        }
    }
    if (prefix == NULL) {
        return;
    }
    char sch[16], host[256];
    /* Where the lockfile says the package came from. */
    const char *where = p->index != NULL ? p->index : p->resolved;
    if (where != NULL && cu_dx_url(where, sch, sizeof(sch), host, sizeof(host), NULL, NULL)) {
        if (cu_dx_public_host(host)) {
            cu_emit_line(ctx, src, p->line, "deps/dependency-confusion", CU_SEV_DEFAULT, where,
                         "internal package %s (prefix %s) was resolved from the public index %s",
                         p->name, prefix, host);
        }
        return; /* resolved from a private index */
    }
    if (p->index != NULL) {
        /* a named index (uv index = "name", poetry source = "name") */
        for (size_t i = 0; i < df->nindexes; i++) {
            const struct cu_dep_index *ix = &df->indexes[i];
            if (ix->name != NULL && strcmp(ix->name, p->index) == 0) {
                if (ix->url != NULL &&
                    cu_dx_url(ix->url, sch, sizeof(sch), host, sizeof(host), NULL, NULL) &&
                    cu_dx_public_host(host)) {
                    cu_emit_line(ctx, src, p->line, "deps/dependency-confusion", CU_SEV_DEFAULT,
                                 ix->url, "internal package %s is pinned to the public index %s",
                                 p->name, ix->url);
                }
                return; /* pinned to an index by name: not confusable */
            }
        }
        return;
    }
    /* Not pinned: it comes from whichever index serves it. */
    bool extra = false, replaced = false;
    const struct cu_dep_index *ex = NULL;
    for (size_t i = 0; i < df->nindexes; i++) {
        const struct cu_dep_index *ix = &df->indexes[i];
        if (ix->explicit_only) {
            continue; /* explicit indexes serve only packages pinned to them */
        }
        if (ix->is_default) {
            replaced = ix->url == NULL ||
                       !cu_dx_url(ix->url, sch, sizeof(sch), host, sizeof(host), NULL, NULL) ||
                       !cu_dx_public_host(host);
        } else {
            extra = true;
            ex = ix;
        }
    }
    if (extra && !replaced) {
        cu_emit_line(ctx, src, p->line, "deps/dependency-confusion", CUSTODY_SEV_HIGH, ex->url,
                     "internal package %s can be served by the public index: an extra "
                     "index is configured next to PyPI and pip takes the highest version",
                     p->name);
    } else if (!replaced && !df->is_lockfile) {
        cu_emit_line(ctx, src, p->line, "deps/dependency-confusion", CUSTODY_SEV_MEDIUM, NULL,
                     "internal package %s has no index of its own in this file: it resolves "
                     "from PyPI unless pip/uv configuration points elsewhere",
                     p->name);
    }
}

static void check_scope(struct cu_ctx *ctx, const struct cu_source *src, const struct cu_pkg *p)
{
    if (p->name[0] != '@') {
        return;
    }
    char scope[128];
    size_t n = strcspn(p->name + 1, "/");
    if (n == 0 || n >= sizeof(scope) || p->name[1 + n] != '/') {
        return;
    }
    memcpy(scope, p->name + 1, n);
    scope[n] = '\0';
    const char *in = NULL;
    for (size_t i = 0; (in = cu_ctx_setting(ctx, "deps.internal-scope", i)) != NULL; i++) {
        const char *s = in[0] == '@' ? in + 1 : in;
        size_t d = cu_dx_distance(scope, s, 2);
        if (d >= 1 && d <= 2 && strlen(s) >= 3) {
            cu_emit_line(ctx, src, p->line, "deps/scope-confusion", CUSTODY_SEV_HIGH, p->name,
                         "scope @%s is %zu edit%s from the internal scope @%s", scope, d,
                         d == 1 ? "" : "s", s);
            return;
        }
    }
    /* well-known scopes ("@typess" for "@types") are deps/scope-confusion of the
     * popular-name index (rules_data.c) */
}

/* A package the lockfile pins to an index on the same host (uv/poetry source), or an internal
 * package (deps.internal-scope / deps.internal-prefix, judged by the confusion checks): its
 * private host is the project's choice, not a tampered URL. */
static bool own_index(const struct cu_ctx *ctx, const struct cu_pkg *p, const char *host)
{
    char sch[16], ih[256];
    if (p->index != NULL && cu_dx_url(p->index, sch, sizeof(sch), ih, sizeof(ih), NULL, NULL) &&
        strcmp(ih, host) == 0) {
        return true;
    }
    const char *v;
    for (size_t i = 0; (v = cu_ctx_setting(ctx, "deps.internal-scope", i)) != NULL; i++) {
        if (p->eco == CU_ECO_NPM && cu_dx_in_scope(p->name, v)) {
            return true;
        }
    }
    for (size_t i = 0; (v = cu_ctx_setting(ctx, "deps.internal-prefix", i)) != NULL; i++) {
        if (p->eco == CU_ECO_PYPI && cu_dx_has_prefix_pypi(p->name, v)) {
            return true;
        }
    }
    return false;
}

static void check_url(struct cu_ctx *ctx,
                      const struct cu_source *src,
                      const struct cu_pkg *p,
                      const char *url,
                      bool lock)
{
    char sch[16], host[256];
    const char *path = "";
    if (!cu_dx_url(url, sch, sizeof(sch), host, sizeof(host), &path, NULL)) {
        return;
    }
    if (strcmp(sch, "http") == 0 || strcmp(sch, "git") == 0 || strcmp(sch, "git+http") == 0 ||
        strcmp(sch, "ftp") == 0) {
        bool local = strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0;
        cu_emit_line(ctx, src, p->line, "deps/insecure-transport",
                     local ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT, url, "%s is fetched over %s://",
                     p->name, sch);
    }
    if (p->source != CU_DEP_REGISTRY) {
        return;
    }
    if ((strcmp(sch, "http") == 0 || strcmp(sch, "https") == 0) &&
        !cu_deps_host_allowed(ctx, host) && !own_index(ctx, p, host)) {
        cu_emit_line(ctx, src, p->line, "deps/registry-host", CU_SEV_DEFAULT, url,
                     "%s is resolved from %s, which is not an allowed registry host", p->name,
                     host);
    }
    if (p->eco == CU_ECO_NPM && lock) {
        char named[256];
        if (npm_tarball_name(path, named, sizeof(named)) && strcmp(named, p->name) != 0) {
            /* npm aliases such as string-width-cjs -> string-width are common */
            size_t nl = strlen(named);
            bool cjs = strncmp(p->name, named, nl) == 0 && strcmp(p->name + nl, "-cjs") == 0;
            cu_emit_line(ctx, src, p->line, "deps/name-mismatch",
                         cjs ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT, url,
                         "%s resolves to the tarball of %s", p->name, named);
        }
    }
}

/* Integrity findings of one lockfile: the first few name their package and line, the rest
 * become one summary. An old lockfile has the same problem for hundreds of packages and one
 * fix (regenerate it with a current client): hundreds of findings would hide the rest. */
#define INTEG_EACH 3u

struct integ_tally {
    size_t more;    /* findings past the first INTEG_EACH */
    uint32_t first; /* line of the first of those */
    uint32_t last;  /* line of the last of those */
    size_t each;    /* findings emitted one by one */
};

struct integ_tallies {
    struct integ_tally weak, missing;
};

static bool integ_take(struct integ_tally *t, uint32_t line)
{
    if (t->each < INTEG_EACH) {
        t->each++;
        return true;
    }
    if (t->more++ == 0) {
        t->first = line;
    }
    t->last = line;
    return false;
}

static void integ_summary(struct cu_ctx *ctx,
                          const struct cu_source *src,
                          const struct integ_tally *t,
                          const char *rule,
                          const char *what)
{
    if (t->more == 0) {
        return;
    }
    cu_emit_line(ctx, src, t->first, rule, CU_SEV_DEFAULT, NULL,
                 "%zu more package%s %s (lines %u-%u); regenerate the lockfile with a current "
                 "package manager",
                 t->more, t->more == 1 ? "" : "s", what, t->first, t->last);
}

static void check_pkg(struct cu_ctx *ctx,
                      const struct cu_source *src,
                      const struct cu_depfile *df,
                      const struct cu_pkg *p,
                      struct integ_tallies *it)
{
    if (p->name == NULL) {
        return;
    }
    bool lock = df->is_lockfile;
    bool reqs = df->format != NULL &&
                (strcmp(df->format, "requirements") == 0 || strcmp(df->format, "conda-env") == 0);
    const char *where = p->resolved != NULL ? p->resolved : p->spec;
    if (p->resolved != NULL) {
        check_url(ctx, src, p, p->resolved, lock);
    }
    switch (p->source) {
    case CU_DEP_GIT: {
        const char *ref = p->resolved != NULL ? p->resolved : p->spec;
        if (ref != NULL && cu_dx_git_pinned(ref)) {
            cu_emit_line(ctx, src, p->line, "deps/git-source", CU_SEV_DEFAULT, ref,
                         "%s is installed from git at a pinned commit", p->name);
        } else {
            cu_emit_line(ctx, src, p->line, "deps/git-unpinned",
                         (lock || reqs) ? CU_SEV_DEFAULT : CUSTODY_SEV_MEDIUM, ref,
                         "%s is installed from git without a full commit id%s", p->name,
                         (lock || reqs) ? "" : " (a lockfile may pin it)");
        }
        break;
    }
    case CU_DEP_URL:
        cu_emit_line(ctx, src, p->line, "deps/url-source", CU_SEV_DEFAULT, where,
                     "%s is downloaded from a URL outside the registry", p->name);
        break;
    case CU_DEP_PATH:
        cu_emit_line(ctx, src, p->line, "deps/path-source", CU_SEV_DEFAULT, where,
                     "%s is installed from a local path", p->name);
        break;
    case CU_DEP_REGISTRY:
    case CU_DEP_UNKNOWN:
        break;
    }
    /* integrity */
    if (lock && p->source == CU_DEP_REGISTRY && lockfile_has_integrity(df->format)) {
        /* yarn Berry writes no checksum for a platform package it did not fetch */
        bool berry_platform = p->optional && strcmp(df->format, "yarn-berry") == 0;
        if (p->integrity == NULL || p->integrity[0] == '\0') {
            /* old yarn v1 lockfiles carry a sha1 in the resolved URL fragment */
            const char *frag = p->resolved != NULL ? strrchr(p->resolved, '#') : NULL;
            if (frag != NULL && strlen(frag + 1) == 40 && cu_dx_is_hex(frag + 1, 40)) {
                if (integ_take(&it->weak, p->line)) {
                    cu_emit_line(ctx, src, p->line, "deps/weak-integrity", CU_SEV_DEFAULT,
                                 p->resolved, "%s is checked only by the SHA-1 in its URL",
                                 p->name);
                }
            } else if (!berry_platform && integ_take(&it->missing, p->line)) {
                cu_emit_line(ctx, src, p->line, "deps/missing-integrity", CU_SEV_DEFAULT, NULL,
                             "%s has no integrity hash in the lockfile", p->name);
            }
        } else if (!strong_hash(p->integrity) && integ_take(&it->weak, p->line)) {
            cu_emit_line(ctx, src, p->line, "deps/weak-integrity", CU_SEV_DEFAULT, p->integrity,
                         "%s has only a SHA-1/MD5 integrity hash", p->name);
        }
    } else if (p->integrity != NULL && p->integrity[0] != '\0' && !strong_hash(p->integrity) &&
               integ_take(&it->weak, p->line)) {
        cu_emit_line(ctx, src, p->line, "deps/weak-integrity", CU_SEV_DEFAULT, p->integrity,
                     "%s has only a SHA-1/MD5 hash", p->name);
    }
    /* pinning (requirements: what pip installs) */
    if (reqs && p->source == CU_DEP_REGISTRY && (p->integrity == NULL || p->integrity[0] == 0)) {
        bool exact = p->version != NULL && strchr(p->version, '*') == NULL;
        if (!exact) {
            cu_emit_line(ctx, src, p->line, "deps/unpinned", CU_SEV_DEFAULT, p->spec,
                         "%s is not pinned to an exact version or hash", p->name);
        }
    }
    if (lock && p->install_script) {
        cu_emit_line(ctx, src, p->line, "deps/install-script", CU_SEV_DEFAULT, NULL,
                     "%s%s%s runs an install script", p->name, p->version != NULL ? "@" : "",
                     p->version != NULL ? p->version : "");
    }
    if (p->eco == CU_ECO_PYPI) {
        check_confusion_pypi(ctx, src, df, p);
    } else {
        check_scope(ctx, src, p);
    }
}

void cu_deps_check_struct(struct cu_ctx *ctx,
                          const struct cu_source *src,
                          const struct cu_depfile *df)
{
    if (df == NULL) {
        return;
    }
    for (size_t i = 0; i < df->nindexes; i++) {
        const struct cu_dep_index *ix = &df->indexes[i];
        char sch[16], host[256];
        if (ix->url != NULL &&
            cu_dx_url(ix->url, sch, sizeof(sch), host, sizeof(host), NULL, NULL) &&
            strcmp(sch, "http") == 0) {
            cu_emit_line(ctx, src, ix->line, "deps/insecure-transport", CU_SEV_DEFAULT, ix->url,
                         "package index %s is used over http://", host);
        }
    }
    struct integ_tallies it = { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };
    for (size_t i = 0; i < df->npkgs; i++) {
        check_pkg(ctx, src, df, &df->pkgs[i], &it);
    }
    integ_summary(ctx, src, &it.weak, "deps/weak-integrity", "have only SHA-1/MD5 hashes");
    integ_summary(ctx, src, &it.missing, "deps/missing-integrity", "have no integrity hash");
    check_scripts(ctx, src, df);
    /* The manifest's own identity, for the installed-tree pass (trees.c). */
    if (df->format != NULL && strcmp(df->format, "package-json") == 0 && df->project_name != NULL) {
        cu_fact(ctx, "package.name", "%s", df->project_name);
        if (df->project_version != NULL) {
            cu_fact(ctx, "package.version", "%s", df->project_version);
        }
    }
}
