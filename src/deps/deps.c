/* The `deps` analyzer: names a manifest or lockfile by its file name (tools load these by
 * name), reads it whole, runs its parser, emits the format facts and one "library" component
 * per package, then the per-file deps/ checks. An unparseable file or an unknown lockfile
 * version is an error the engine turns into deps/malformed or deps/unsupported-version: never an
 * empty result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/deps.h"
#include "engine/engine.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

/* The parser for a file: by its name, else by its display location, which keeps the folder of
 * a top-level file (pip-compile's requirements/dev.txt: the name alone is "dev.txt"). */
static cu_depfile_parse_fn parser_for(const char *name, const char *loc, const char **format)
{
    cu_depfile_parse_fn fn = name ? cu_deps_parser_for_name(name, format) : NULL;
    if (!fn && loc) {
        fn = cu_deps_parser_for_name(loc, format);
    }
    return fn;
}

static bool deps_sniff(const struct cu_sniff *in)
{
    /* Package managers open these files by name whatever they hold, so the name decides:
     * binary formats with a magic were offered to their analyzers first (registry order), and
     * anything else under a lockfile name that is not text of its format is deps/malformed,
     * never skipped. */
    return parser_for(in->name, in->loc, NULL) != NULL;
}

static const char *source_name(enum cu_dep_source s)
{
    switch (s) {
    case CU_DEP_REGISTRY:
        return "registry";
    case CU_DEP_GIT:
        return "git";
    case CU_DEP_URL:
        return "url";
    case CU_DEP_PATH:
        return "path";
    default:
        return "unknown";
    }
}

static void emit_pkg(struct cu_ctx *ctx, const struct cu_source *src, const struct cu_pkg *p)
{
    custody_prop props[9];
    size_t n = 0;
    if (p->integrity) {
        props[n++] = (custody_prop){ "integrity", p->integrity };
    }
    if (p->resolved) {
        props[n++] = (custody_prop){ "resolved", p->resolved };
    }
    props[n++] = (custody_prop){ "source", source_name(p->source) };
    props[n++] = (custody_prop){ "scope", p->dev ? "dev" : p->optional ? "optional" : "required" };
    if (p->index) {
        props[n++] = (custody_prop){ "index", p->index };
    }
    props[n++] = (custody_prop){ "direct", p->direct ? "true" : "false" };
    if (p->spec) {
        props[n++] = (custody_prop){ "spec", p->spec };
    }
    if (p->alias && (!p->name || strcmp(p->alias, p->name) != 0)) {
        props[n++] = (custody_prop){ "alias", p->alias };
    }
    if (p->install_script) {
        props[n++] = (custody_prop){ "install-script", "true" };
    }
    char *purl = cu_pkg_purl(p->eco, p->name, p->version);
    struct cu_component_desc d = { .kind = "library",
                                   .ecosystem = p->eco == CU_ECO_NPM ? "npm" : "pypi",
                                   .name = p->name,
                                   .version = p->version,
                                   .purl = purl,
                                   .line = p->line,
                                   .props = props,
                                   .nprops = n };
    cu_component(ctx, src, &d);
    free(purl);
}

static bool in_node_modules(const char *path)
{
    return path && (strstr(path, "/node_modules/") || strncmp(path, "node_modules/", 13) == 0);
}

static int deps_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    custody_error *err = cu_ctx_err(ctx);
    const char *format = NULL;
    cu_depfile_parse_fn parse = parser_for(src->name, src->loc, &format);
    if (!parse) {
        return 0;
    }
    char *data = NULL;
    size_t len = 0;
    int rc = cu_source_read_all(src, CU_LIMIT_DEPFILE, "dependency file", &data, &len, err);
    if (rc) {
        return rc;
    }
    struct cu_depfile df;
    memset(&df, 0, sizeof(df));
    rc = parse(&df, (const uint8_t *)data, len, err);
    free(data);
    if (rc == CUSTODY_EMALFORMED || rc == CUSTODY_EUNSUPPORTED || rc == CUSTODY_ELIMIT) {
        /* a finding with the line the parser named ("line N: ..."), never an empty result */
        const char *l = strncmp(err->msg, "line ", 5) == 0 ? err->msg + 5 : NULL;
        const char *msg = err->msg;
        uint32_t line = 0;
        for (; l && *l >= '0' && *l <= '9' && line < 100000000u; l++) {
            line = line * 10u + (uint32_t)(*l - '0');
        }
        if (l && l[0] == ':' && l[1] == ' ') {
            msg = l + 2; /* the line goes into the location */
        }
        /* a parser limit (nesting, string length) on a lockfile is no benign overflow: it is
         * reported as malformed, so a named file still fails closed */
        cu_emit_line(ctx, src, line,
                     rc == CUSTODY_EUNSUPPORTED ? "deps/unsupported-version" : "deps/malformed",
                     CU_SEV_DEFAULT, NULL, "%s %s: %s", format,
                     rc == CUSTODY_EUNSUPPORTED ? "has an unknown version"
                     : rc == CUSTODY_ELIMIT     ? "exceeds a parser limit"
                                                : "cannot be parsed",
                     msg);
        cu_fact(ctx, "deps.format", "%s", format);
        cu_err_clear(err);
        cu_depfile_clear(&df);
        return 0;
    }
    if (rc) {
        if (err->where[0] == '\0' || strncmp(err->where, src->loc, strlen(src->loc)) != 0) {
            (void)snprintf(err->where, sizeof(err->where), "%s", src->loc);
        }
        cu_depfile_clear(&df);
        return rc;
    }
    if (strcmp(format, "npm-shrinkwrap") == 0) {
        df.format = "npm-shrinkwrap";
    }
    cu_fact(ctx, "deps.format", "%s", df.format);
    if (df.format_version) {
        cu_fact(ctx, "deps.format-version", "%s", df.format_version);
    }
    cu_fact(ctx, "deps.packages", "%zu", df.npkgs);
    const char *disk = cu_ctx_disk_path(ctx, src);
    if (strcmp(df.format, "package-json") == 0 && in_node_modules(disk ? disk : src->loc)) {
        /* An installed package: the package itself is the component and what the data checks
         * judge (an installed flatmap-stream@0.1.1 is found without a lockfile); its manifest's
         * ranges were resolved long ago and its devDependencies were never installed, so
         * "debug ^4.1.1 admits 4.4.2" or a dev tool's look-alike name would be noise. */
        if (df.project_name) {
            struct cu_pkg self = { .eco = CU_ECO_NPM,
                                   .name = df.project_name,
                                   .version = df.project_version,
                                   .line = 1,
                                   .source = CU_DEP_PATH };
            for (size_t i = 0; i < df.nscripts; i++) {
                const char *sn = df.scripts[i].name;
                self.install_script |= strcmp(sn, "preinstall") == 0 ||
                                       strcmp(sn, "install") == 0 || strcmp(sn, "postinstall") == 0;
            }
            emit_pkg(ctx, src, &self);
            struct cu_depfile installed = df;
            struct cu_pkg judged = self;
            judged.source = CU_DEP_UNKNOWN; /* from a registry, as far as anyone knows */
            installed.pkgs = &judged;
            installed.npkgs = 1;
            cu_deps_check_data(ctx, src, &installed);
        }
    } else {
        for (size_t i = 0; i < df.npkgs; i++) {
            emit_pkg(ctx, src, &df.pkgs[i]);
        }
        cu_deps_check_data(ctx, src, &df);
    }
    cu_deps_check_struct(ctx, src, &df);
    cu_depfile_clear(&df);
    return 0;
}

/* The analyzer goes by whole file names (package-lock.json, uv.lock, ...). The extensions those
 * names carry are listed so that a real lockfile is no "file/extension-mismatch" against the
 * generic JSON/YAML/TOML analyzers (the engine only uses this list for that check). */
static const char *const deps_ext[] = { ".json", ".yaml", ".yml", ".toml",
                                        ".txt",  ".lock", ".in",  NULL };

const struct cu_analyzer cu_analyzer_deps = { "deps", deps_ext, deps_sniff, deps_analyze };
