/* A test stand-in for the deps analyzer (the real parsers are another module's): reads a
 * small line format into a struct cu_depfile, runs cu_deps_check_struct and emits one
 * "library" component per package as the deps analyzer does. Format, one record a line
 * (fields separated by '|', '-' = NULL):
 *   F|format|is_lockfile          P|eco|name|version|source|resolved|integrity|index|flags
 *   S|name|command                I|name|url|explicit|default        N|name|version
 * flags: s = install script, d = direct. */
#ifndef DEPS_TESTMODEL_H
#define DEPS_TESTMODEL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/deps.h"
#include "engine/engine.h"

static char *field(char **s)
{
    char *f = *s;
    char *bar = strchr(f, '|');
    if (bar != NULL) {
        *bar = '\0';
        *s = bar + 1;
    } else {
        *s = f + strlen(f);
    }
    return strcmp(f, "-") == 0 ? NULL : f;
}

static enum cu_dep_source src_of(const char *s)
{
    if (s == NULL || strcmp(s, "reg") == 0) {
        return CU_DEP_REGISTRY;
    }
    if (strcmp(s, "git") == 0) {
        return CU_DEP_GIT;
    }
    if (strcmp(s, "url") == 0) {
        return CU_DEP_URL;
    }
    return CU_DEP_PATH;
}

static int t_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    uint64_t size;
    custody_error *err = cu_ctx_err(ctx);
    int rc = cu_source_size(src, &size, err);
    if (rc < 0) {
        return rc;
    }
    char *text = calloc(1, (size_t)size + 1);
    if (text == NULL) {
        return CUSTODY_ENOMEM;
    }
    rc = cu_source_read_exact(src, 0, text, (size_t)size, err);
    struct cu_depfile df;
    memset(&df, 0, sizeof(df));
    df.format = "package-lock";
    char *strings[64];
    size_t nstr = 0;
    uint32_t line = 0;
    for (char *l = text; rc == 0 && l != NULL && *l != '\0';) {
        char *nl = strchr(l, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        line++;
        char *s = l;
        char *kind = field(&s);
        if (kind != NULL && kind[0] == 'F') {
            static char fmt[64];
            snprintf(fmt, sizeof(fmt), "%s", field(&s));
            df.format = fmt;
            df.is_lockfile = strcmp(field(&s), "1") == 0;
        } else if (kind != NULL && kind[0] == 'N') {
            df.project_name = field(&s);
            df.project_version = field(&s);
        } else if (kind != NULL && kind[0] == 'P') {
            struct cu_pkg p;
            memset(&p, 0, sizeof(p));
            p.eco = strcmp(field(&s), "pypi") == 0 ? CU_ECO_PYPI : CU_ECO_NPM;
            p.name = field(&s);
            p.version = field(&s);
            p.source = src_of(field(&s));
            p.resolved = field(&s);
            p.integrity = field(&s);
            p.index = field(&s);
            const char *fl = field(&s);
            p.install_script = fl != NULL && strchr(fl, 's') != NULL;
            p.direct = fl != NULL && strchr(fl, 'd') != NULL;
            p.line = line;
            if (df.npkgs < 16) {
                if (df.pkgs == NULL) {
                    df.pkgs = calloc(16, sizeof(*df.pkgs));
                }
                df.pkgs[df.npkgs++] = p; /* strings borrowed from text */
            }
        } else if (kind != NULL && kind[0] == 'S' && df.nscripts < 8) {
            if (df.scripts == NULL) {
                df.scripts = calloc(8, sizeof(*df.scripts));
            }
            struct cu_dep_script *sc = &df.scripts[df.nscripts++];
            sc->name = field(&s);
            sc->command = s; /* the rest of the line: commands hold '|' */
            sc->line = line;
        } else if (kind != NULL && kind[0] == 'I' && df.nindexes < 8) {
            if (df.indexes == NULL) {
                df.indexes = calloc(8, sizeof(*df.indexes));
            }
            struct cu_dep_index *ix = &df.indexes[df.nindexes++];
            ix->name = field(&s);
            ix->url = field(&s);
            ix->explicit_only = strcmp(field(&s), "1") == 0;
            ix->is_default = strcmp(field(&s), "1") == 0;
            ix->line = line;
        }
        (void)strings;
        (void)nstr;
        l = nl != NULL ? nl + 1 : NULL;
    }
    if (rc == 0) {
        cu_deps_check_struct(ctx, src, &df);
        for (size_t i = 0; i < df.npkgs; i++) {
            const struct cu_pkg *p = &df.pkgs[i];
            static const char *const srcs[] = { "registry", "git", "url", "path", "unknown" };
            custody_prop props[5];
            size_t np = 0;
            props[np++] = (custody_prop){ "source", srcs[p->source] };
            if (p->integrity != NULL) {
                props[np++] = (custody_prop){ "integrity", p->integrity };
            }
            if (p->resolved != NULL) {
                props[np++] = (custody_prop){ "resolved", p->resolved };
            }
            if (p->index != NULL) {
                props[np++] = (custody_prop){ "index", p->index };
            }
            if (p->install_script) {
                props[np++] = (custody_prop){ "install-script", "true" };
            }
            struct cu_component_desc d = { .kind = "library",
                                           .ecosystem = p->eco == CU_ECO_PYPI ? "pypi" : "npm",
                                           .name = p->name,
                                           .version = p->version,
                                           .line = p->line,
                                           .props = props,
                                           .nprops = np };
            cu_component(ctx, src, &d);
        }
    }
    /* borrowed strings: detach before clear */
    free(df.scripts);
    df.scripts = NULL;
    df.nscripts = 0;
    free(df.indexes);
    df.indexes = NULL;
    df.nindexes = 0;
    free(df.pkgs);
    free(text);
    return rc;
}

static bool t_sniff(const struct cu_sniff *in)
{
    return in->len > 2 && (in->head[0] == 'F' || in->head[0] == 'P') && in->head[1] == '|';
}

static const struct cu_analyzer t_an = { "deps", NULL, t_sniff, t_analyze };

#endif
