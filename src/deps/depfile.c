/* The package model: cu_depfile storage, package URLs, PyPI name normalisation, and the
 * file-name table that picks a parser. */
#include <stdlib.h>
#include <string.h>

#include "deps/deps.h"
#include "deps/parse.h"
#include "core/util.h"
#include "core/banned.h"

static int dup_opt(char **dst, const char *s)
{
    *dst = NULL;
    if (s && !(*dst = cu_strdup(s))) {
        return CUSTODY_ENOMEM;
    }
    return 0;
}

static void pkg_free(struct cu_pkg *p)
{
    free(p->name);
    free(p->version);
    free(p->spec);
    free(p->resolved);
    free(p->integrity);
    free(p->index);
    free(p->alias);
}

int cu_depfile_add(struct cu_depfile *df, const struct cu_pkg *p)
{
    if (!cu_grow((void **)&df->pkgs, &df->cap_pkgs, df->npkgs + 1, sizeof(*df->pkgs))) {
        return CUSTODY_ENOMEM;
    }
    struct cu_pkg *q = &df->pkgs[df->npkgs];
    *q = *p;
    q->name = q->version = q->spec = q->resolved = q->integrity = q->index = q->alias = NULL;
    if (dup_opt(&q->name, p->name) || dup_opt(&q->version, p->version) ||
        dup_opt(&q->spec, p->spec) || dup_opt(&q->resolved, p->resolved) ||
        dup_opt(&q->integrity, p->integrity) || dup_opt(&q->index, p->index) ||
        dup_opt(&q->alias, p->alias)) {
        pkg_free(q);
        return CUSTODY_ENOMEM;
    }
    df->npkgs++;
    return 0;
}

int cu_depfile_add_index(struct cu_depfile *df, const struct cu_dep_index *ix)
{
    if (!cu_grow((void **)&df->indexes, &df->cap_indexes, df->nindexes + 1, sizeof(*df->indexes))) {
        return CUSTODY_ENOMEM;
    }
    struct cu_dep_index *q = &df->indexes[df->nindexes];
    *q = *ix;
    if (dup_opt(&q->name, ix->name) || dup_opt(&q->url, ix->url)) {
        free(q->name);
        free(q->url);
        return CUSTODY_ENOMEM;
    }
    df->nindexes++;
    return 0;
}

int cu_depfile_add_script(struct cu_depfile *df, const char *name, const char *cmd, uint32_t line)
{
    if (!cu_grow((void **)&df->scripts, &df->cap_scripts, df->nscripts + 1, sizeof(*df->scripts))) {
        return CUSTODY_ENOMEM;
    }
    struct cu_dep_script *q = &df->scripts[df->nscripts];
    q->line = line;
    if (dup_opt(&q->name, name) || dup_opt(&q->command, cmd)) {
        free(q->name);
        free(q->command);
        return CUSTODY_ENOMEM;
    }
    df->nscripts++;
    return 0;
}

int cu_depfile_add_include(struct cu_depfile *df, const char *path)
{
    if (!cu_grow((void **)&df->includes, &df->cap_includes, df->nincludes + 1,
                 sizeof(*df->includes))) {
        return CUSTODY_ENOMEM;
    }
    if (!(df->includes[df->nincludes] = cu_strdup(path))) {
        return CUSTODY_ENOMEM;
    }
    df->nincludes++;
    return 0;
}

void cu_depfile_clear(struct cu_depfile *df)
{
    if (!df) {
        return;
    }
    for (size_t i = 0; i < df->npkgs; i++) {
        pkg_free(&df->pkgs[i]);
    }
    free(df->pkgs);
    for (size_t i = 0; i < df->nindexes; i++) {
        free(df->indexes[i].name);
        free(df->indexes[i].url);
    }
    free(df->indexes);
    for (size_t i = 0; i < df->nscripts; i++) {
        free(df->scripts[i].name);
        free(df->scripts[i].command);
    }
    free(df->scripts);
    for (size_t i = 0; i < df->nincludes; i++) {
        free(df->includes[i]);
    }
    free(df->includes);
    free(df->format_version);
    free(df->project_name);
    free(df->project_version);
    memset(df, 0, sizeof(*df));
}

char *cu_pypi_normalize(const char *name)
{
    if (!name) {
        return NULL;
    }
    size_t n = strlen(name);
    char *o = cu_malloc(n + 1);
    if (!o) {
        return NULL;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '-' || c == '_' || c == '.') {
            if (j == 0 || o[j - 1] != '-') {
                o[j++] = '-';
            }
            continue;
        }
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        o[j++] = c;
    }
    o[j] = '\0';
    return o;
}

/* purl percent-encoding: unreserved characters and '.', '-', '_', '~' kept. */
static void purl_enc(struct cu_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '_' || c == '~') {
            cu_buf_addc(b, (char)c);
        } else {
            cu_buf_addc(b, '%');
            cu_buf_addc(b, hex[c >> 4]);
            cu_buf_addc(b, hex[c & 15]);
        }
    }
}

char *cu_pkg_purl(enum cu_eco eco, const char *name, const char *version)
{
    if (!name) {
        return NULL;
    }
    struct cu_buf b = CU_BUF_INIT(1u << 16);
    char *norm = NULL;
    if (eco == CU_ECO_NPM) {
        cu_buf_adds(&b, "pkg:npm/");
        const char *slash = name[0] == '@' ? strchr(name, '/') : NULL;
        if (slash) {
            char *scope = cu_strndup(name, (size_t)(slash - name));
            if (!scope) {
                cu_buf_free(&b);
                return NULL;
            }
            purl_enc(&b, scope); /* '@' -> %40 */
            free(scope);
            cu_buf_addc(&b, '/');
            purl_enc(&b, slash + 1);
        } else {
            purl_enc(&b, name);
        }
    } else {
        cu_buf_adds(&b, "pkg:pypi/");
        if (!(norm = cu_pypi_normalize(name))) {
            cu_buf_free(&b);
            return NULL;
        }
        purl_enc(&b, norm);
        free(norm);
    }
    if (version && *version) {
        cu_buf_addc(&b, '@');
        purl_enc(&b, version);
    }
    char *r = (b.oom || b.cut) ? NULL : cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return r;
}

/* ---- hash sets ---- */

uint64_t cu_strhash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    }
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
    return h ? h : 1;
}

/* Adds h; returns 1 when it was new, 0 when present, CUSTODY_ENOMEM. */
int cu_hset_add(struct cu_hset *s, uint64_t h)
{
    if ((s->n + 1) * 2 >= s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 256;
        uint64_t *nv = cu_calloc(ncap, sizeof(*nv));
        if (!nv) {
            return CUSTODY_ENOMEM;
        }
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->v[i]) {
                continue;
            }
            size_t j = (size_t)s->v[i] & (ncap - 1);
            while (nv[j]) {
                j = (j + 1) & (ncap - 1);
            }
            nv[j] = s->v[i];
        }
        free(s->v);
        s->v = nv;
        s->cap = ncap;
    }
    size_t j = (size_t)h & (s->cap - 1);
    while (s->v[j]) {
        if (s->v[j] == h) {
            return 0;
        }
        j = (j + 1) & (s->cap - 1);
    }
    s->v[j] = h;
    s->n++;
    return 1;
}

bool cu_hset_has(const struct cu_hset *s, uint64_t h)
{
    if (!s->cap) {
        return false;
    }
    for (size_t j = (size_t)h & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1)) {
        if (s->v[j] == h) {
            return true;
        }
    }
    return false;
}

/* ---- file names ---- */

static bool eq_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z') {
            x = (char)(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = (char)(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return *a == *b;
}

cu_depfile_parse_fn cu_deps_parser_for_name(const char *path, const char **format)
{
    static const struct {
        const char *name, *format;
        cu_depfile_parse_fn fn;
    } exact[] = {
        { "package-lock.json", "package-lock", cu_parse_npm_lock },
        { "npm-shrinkwrap.json", "npm-shrinkwrap", cu_parse_npm_lock },
        { "yarn.lock", "yarn", cu_parse_yarn_lock },
        { "pnpm-lock.yaml", "pnpm-lock", cu_parse_pnpm_lock },
        { "bun.lock", "bun-lock", cu_parse_bun_lock },
        { "bun.lockb", "bun-lockb", cu_parse_bun_lockb },
        { "package.json", "package-json", cu_parse_package_json },
        { "pyproject.toml", "pyproject", cu_parse_pyproject },
        { "poetry.lock", "poetry-lock", cu_parse_poetry_lock },
        { "uv.lock", "uv-lock", cu_parse_uv_lock },
        { "Pipfile.lock", "pipfile-lock", cu_parse_pipfile_lock },
        { "pylock.toml", "pylock", cu_parse_pylock },
        { "pdm.lock", "pdm-lock", cu_parse_pdm_lock },
        { "constraints.txt", "requirements", cu_parse_requirements },
        { "environment.yml", "conda-env", cu_parse_conda_env },
        { "environment.yaml", "conda-env", cu_parse_conda_env },
        { "conda.yaml", "conda-env", cu_parse_conda_env },
        { "conda.yml", "conda-env", cu_parse_conda_env },
    };
    if (format) {
        *format = NULL;
    }
    if (!path) {
        return NULL;
    }
    const char *base = cu_basename(path);
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
        if (strcmp(base, exact[i].name) == 0) {
            if (format) {
                *format = exact[i].format;
            }
            return exact[i].fn;
        }
    }
    size_t bl = strlen(base);
    /* pylock.<name>.toml (PEP 751) */
    if (bl > 12 && strncmp(base, "pylock.", 7) == 0 && cu_has_suffix(base, ".toml")) {
        if (format) {
            *format = "pylock";
        }
        return cu_parse_pylock;
    }
    /* requirements*.txt, *requirements.txt, *requirements*.in is not read (not pinned) */
    if (cu_has_suffix_ci(base, ".txt")) {
        bool req = (bl >= 16 && strncmp(base, "requirements", 12) == 0) ||
                   cu_has_suffix_ci(base, "requirements.txt") ||
                   cu_has_suffix_ci(base, "constraints.txt");
        /* requirements/<anything>.txt */
        if (!req && base != path) {
            size_t dl = (size_t)(base - path) - 1; /* the '/' before base */
            const char *d = path + dl;
            const char *ds = d;
            while (ds > path && ds[-1] != '/' && ds[-1] != '\\') {
                ds--;
            }
            char dir[32];
            size_t n = (size_t)(d - ds);
            if (n > 0 && n < sizeof(dir)) {
                memcpy(dir, ds, n);
                dir[n] = '\0';
                req = eq_ci(dir, "requirements");
            }
        }
        if (req) {
            if (format) {
                *format = "requirements";
            }
            return cu_parse_requirements;
        }
    }
    return NULL;
}
