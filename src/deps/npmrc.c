/* Registry configuration files: .npmrc (and yarn's .yarnrc.yml), .pypirc, pip.conf/pip.ini.
 * Credentials (tokens, passwords, user:password URLs) are deps/registry-credentials, shown
 * only through cu_redact(); plain-http registries are deps/insecure-transport; every
 * "@scope:registry=URL" mapping of an .npmrc becomes an "npm-scope-registry" component so the
 * dependency-confusion pass (project.c) knows the project's own scope mappings. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/dutil.h"
#include "engine/engine.h"
#include "core/redact.h"
#include "core/util.h"
#include "core/banned.h"

#define CFG_LIMIT (1u << 20)

enum cfg_kind { CFG_NPMRC, CFG_YARNRC, CFG_PYPIRC, CFG_PIP };

static int kind_of(const char *name)
{
    const char *b = cu_basename(name);
    if (strcmp(b, ".npmrc") == 0 || strcmp(b, "npmrc") == 0) {
        return CFG_NPMRC;
    }
    if (strcmp(b, ".yarnrc.yml") == 0 || strcmp(b, ".yarnrc.yaml") == 0) {
        return CFG_YARNRC;
    }
    if (strcmp(b, ".pypirc") == 0) {
        return CFG_PYPIRC;
    }
    if (strcmp(b, "pip.conf") == 0 || strcmp(b, "pip.ini") == 0) {
        return CFG_PIP;
    }
    return -1;
}

static bool cfg_sniff(const struct cu_sniff *in)
{
    if (kind_of(in->name) < 0) {
        return false;
    }
    return memchr(in->head, '\0', in->len) == NULL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    /* quoted values */
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

/* A value that only references the environment is not a secret. */
static bool env_ref(const char *v)
{
    return v[0] == '\0' ||
           (v[0] == '$' && (v[1] == '{' || isalpha((unsigned char)v[1]) || v[1] == '_')) ||
           (v[0] == '%' && strchr(v + 1, '%') != NULL);
}

static void secret(struct cu_ctx *ctx,
                   const struct cu_source *src,
                   uint32_t line,
                   const char *key,
                   const char *value,
                   const char *what)
{
    char *r = cu_redact(value, strlen(value));
    char *ev = cu_asprintf("%s=%s", key, r != NULL ? r : "[redacted]");
    cu_emit_line(ctx, src, line, "deps/registry-credentials", CU_SEV_DEFAULT, ev, "%s in %s", what,
                 cu_basename(src->name));
    free(ev);
    free(r);
}

/* A URL with user:password@ (or a token as the user) before the host. */
static void url_checks(struct cu_ctx *ctx,
                       const struct cu_source *src,
                       uint32_t line,
                       const char *key,
                       const char *url)
{
    char sch[16], host[256];
    bool ui = false;
    if (!cu_dx_url(url, sch, sizeof(sch), host, sizeof(host), NULL, &ui)) {
        return;
    }
    if (ui) {
        const char *p = strstr(url, "://") + 3;
        const char *at = strrchr(p, '@');
        const char *slash = strchr(p, '/');
        if (at != NULL && (slash == NULL || at < slash)) {
            char *cred = cu_asprintf("%.*s", (int)(at - p), p);
            if (cred != NULL && !env_ref(cred) && strstr(cred, "${") == NULL) {
                /* user:password shows the user and the redacted password; a lone user part
                 * is a token and is redacted whole */
                char *colon = strchr(cred, ':');
                const char *pw = colon != NULL ? colon + 1 : cred;
                int ulen = colon != NULL ? (int)(colon - cred) + 1 : 0;
                char *r = cu_redact(pw, strlen(pw));
                char *ev = cu_asprintf("%s=%s://%.*s%s@%s", key, sch, ulen, cred,
                                       r != NULL ? r : "[redacted]", host);
                cu_emit_line(ctx, src, line, "deps/registry-credentials", CU_SEV_DEFAULT, ev,
                             "credentials in the %s URL for %s", key, host);
                free(ev);
                free(r);
            }
            free(cred);
        }
    }
    if (strcmp(sch, "http") == 0) {
        bool local = strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0;
        cu_emit_line(ctx, src, line, "deps/insecure-transport",
                     local ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT, NULL, "%s uses http:// (%s)", key,
                     host);
    }
}

static void npmrc_line(struct cu_ctx *ctx, const struct cu_source *src, uint32_t line, char *l)
{
    char *eq = strchr(l, '=');
    if (eq == NULL) {
        return;
    }
    *eq = '\0';
    char *key = trim(l);
    char *val = trim(eq + 1);
    const char *leaf = strrchr(key, ':');
    leaf = leaf != NULL ? leaf + 1 : key;
    if (strcmp(leaf, "_authToken") == 0 || strcmp(leaf, "_auth") == 0 ||
        strcmp(leaf, "_password") == 0 || strcmp(leaf, "certfile") == 0 ||
        strcmp(leaf, "keyfile") == 0) {
        if (!env_ref(val) && strcmp(leaf, "certfile") != 0 && strcmp(leaf, "keyfile") != 0) {
            secret(ctx, src, line, key, val,
                   strcmp(leaf, "_authToken") == 0 ? "npm auth token" : "npm registry password");
        }
        return;
    }
    if (key[0] == '@' && strlen(key) > 9 && strcmp(key + strlen(key) - 9, ":registry") == 0) {
        char scope[256];
        (void)snprintf(scope, sizeof(scope), "%.*s", (int)(strlen(key) - 9), key);
        custody_prop props[] = { { "registry", val } };
        struct cu_component_desc d = { .kind = "npm-scope-registry",
                                       .ecosystem = "npm",
                                       .name = scope,
                                       .line = line,
                                       .props = props,
                                       .nprops = 1 };
        cu_component(ctx, src, &d);
        url_checks(ctx, src, line, key, val);
        return;
    }
    if (strcmp(key, "registry") == 0) {
        custody_prop props[] = { { "registry", val } };
        struct cu_component_desc d = { .kind = "npm-scope-registry",
                                       .ecosystem = "npm",
                                       .name = "*",
                                       .line = line,
                                       .props = props,
                                       .nprops = 1 };
        cu_component(ctx, src, &d);
    }
    url_checks(ctx, src, line, key, val);
}

static void yarnrc_line(struct cu_ctx *ctx, const struct cu_source *src, uint32_t line, char *l)
{
    char *colon = strchr(l, ':');
    if (colon == NULL) {
        return;
    }
    *colon = '\0';
    char *key = trim(l);
    char *val = trim(colon + 1);
    if (strcmp(key, "npmAuthToken") == 0 || strcmp(key, "npmAuthIdent") == 0) {
        if (!env_ref(val)) {
            secret(ctx, src, line, key, val, "yarn registry credentials");
        }
    } else if (strcmp(key, "npmRegistryServer") == 0) {
        url_checks(ctx, src, line, key, val);
    }
}

static void
ini_line(struct cu_ctx *ctx, const struct cu_source *src, uint32_t line, char *l, bool pypirc)
{
    char *eq = strpbrk(l, "=:");
    if (eq == NULL || l[0] == '[') {
        return;
    }
    /* a URL value holds ':' too: split at the first '=' when there is one */
    char *e2 = strchr(l, '=');
    if (e2 != NULL) {
        eq = e2;
    }
    *eq = '\0';
    char *key = trim(l);
    char *val = trim(eq + 1);
    for (char *k = key; *k != '\0'; k++) {
        *k = (char)tolower((unsigned char)*k);
    }
    if (pypirc && strcmp(key, "password") == 0) {
        if (!env_ref(val)) {
            secret(ctx, src, line, key, val, "package index password");
        }
        return;
    }
    if (strcmp(key, "index-url") == 0 || strcmp(key, "extra-index-url") == 0 ||
        strcmp(key, "repository") == 0 || strcmp(key, "index") == 0 ||
        strcmp(key, "find-links") == 0) {
        /* multi-line values keep one URL per line: this sees the first */
        url_checks(ctx, src, line, key, val);
    }
}

static int cfg_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cu_dx_read_text(src, CFG_LIMIT, &text, &len, cu_ctx_err(ctx));
    if (rc < 0) {
        return rc;
    }
    int kind = kind_of(src->name);
    uint32_t line = 0;
    for (char *l = text; l != NULL && l < text + len;) {
        char *nl = strchr(l, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        line++;
        char *t = trim(l);
        if (t[0] != '#' && t[0] != ';' && t[0] != '\0') {
            if (kind == CFG_NPMRC) {
                npmrc_line(ctx, src, line, t);
            } else if (kind == CFG_YARNRC) {
                yarnrc_line(ctx, src, line, t);
            } else {
                ini_line(ctx, src, line, t, kind == CFG_PYPIRC);
            }
        }
        l = nl != NULL ? nl + 1 : NULL;
    }
    free(text);
    return 0;
}

static const char *const cfg_ext[] = { ".npmrc",  ".pypirc",     "pip.conf",
                                       "pip.ini", ".yarnrc.yml", NULL };
const struct cu_analyzer cu_analyzer_depcfg = { "depcfg", cfg_ext, cfg_sniff, cfg_analyze };
