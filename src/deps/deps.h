#ifndef CU_DEPS_H
#define CU_DEPS_H
/* Dependency manifests and lockfiles (DESIGN §2 src/deps): the package model every parser
 * fills and every deps/ rule reads. Parsers are pure functions of the bytes (no engine, no
 * I/O); deps.c is the analyzer that names files, runs a parser, emits one "library"
 * component per package and runs the per-file checks below. Cross-file checks (a manifest
 * without a lockfile, lockfile drift, node_modules against the lockfile) are project passes
 * (engine.h) over the components. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

struct cu_ctx;
struct cu_source;

enum cu_eco { CU_ECO_NPM = 0, CU_ECO_PYPI = 1 };

/* Where a package's bytes come from. */
enum cu_dep_source {
    CU_DEP_REGISTRY = 0, /* the ecosystem's registry (or a mirror of it) */
    CU_DEP_GIT,          /* git/VCS URL (commit in `resolved` when pinned) */
    CU_DEP_URL,          /* a tarball / wheel / archive URL outside a registry */
    CU_DEP_PATH,         /* file:, link:, workspace:, a local directory */
    CU_DEP_UNKNOWN
};

struct cu_pkg {
    enum cu_eco eco;
    char *name;    /* as written (npm: with scope "@s/n"; PyPI: as written) */
    char *version; /* resolved exact version; NULL when the file pins none (manifests) */
    char *spec;    /* requested range / specifier (manifests, requirements); NULL if none */
    uint32_t line; /* 1-based line of the package's entry */
    enum cu_dep_source source;
    char *resolved;  /* URL, git URL#commit or path as written; NULL when none */
    char *integrity; /* as written: "sha512-<b64>" (SRI, several space-separated), or
                      * "sha256:<hex>" (pip --hash, poetry/uv/Pipfile), several ' '-separated */
    char *index;     /* PyPI index name/URL this package is pinned to (uv/poetry), NULL = default */
    char *alias;     /* npm alias: the name it is installed under ("x": "npm:real@^1" -> "x"),
                      * `name` holds the real package; NULL when not aliased */
    bool dev, optional, direct;
    bool install_script; /* npm lockfile hasInstallScript, or a manifest with lifecycle scripts */
};

/* One index/registry setting a file declares (pyproject [[tool.uv.index]],
 * [[tool.poetry.source]], requirements --index-url/--extra-index-url, Pipfile [[source]]). */
struct cu_dep_index {
    char *name; /* may be NULL */
    char *url;
    bool explicit_only; /* uv explicit = true, poetry priority = "explicit" */
    bool is_default;    /* replaces the public index (--index-url, default = true) */
    uint32_t line;
};

/* package.json "scripts" entry (lifecycle scripts matter: preinstall, install, postinstall,
 * prepare). */
struct cu_dep_script {
    char *name;
    char *command;
    uint32_t line;
};

struct cu_depfile {
    const char
        *format; /* static: "package-lock", "npm-shrinkwrap", "yarn-v1", "yarn-berry",
                  * "pnpm-lock", "bun-lock", "bun-lockb", "package-json", "requirements",
                  * "conda-env", "pyproject", "poetry-lock", "uv-lock", "pipfile-lock", "pylock" */
    bool is_lockfile;
    char *format_version; /* lockfileVersion etc. as written; NULL when none */
    char *project_name;   /* the manifest's own name, when it has one */
    char *project_version;
    struct cu_pkg *pkgs;
    size_t npkgs, cap_pkgs;
    struct cu_dep_index *indexes;
    size_t nindexes, cap_indexes;
    struct cu_dep_script *scripts;
    size_t nscripts, cap_scripts;
    /* requirements -r / -c includes, as written (not followed by the parser) */
    char **includes;
    size_t nincludes, cap_includes;
};

/* A parser: fills `out` (zeroed by the caller) from the whole file. Returns 0, or
 * CUSTODY_EMALFORMED / CUSTODY_EUNSUPPORTED (an unknown lockfile version) / CUSTODY_ELIMIT with
 * err naming the line (use the offset field for the byte offset), or CUSTODY_ENOMEM. */
typedef int (*cu_depfile_parse_fn)(struct cu_depfile *out,
                                   const uint8_t *data,
                                   size_t len,
                                   custody_error *err);

/* Appends a package (all strings copied; NULL stays NULL). Returns 0 or CUSTODY_ENOMEM. */
CUSTODY_NODISCARD int cu_depfile_add(struct cu_depfile *df, const struct cu_pkg *p);
void cu_depfile_clear(struct cu_depfile *df);

/* Package URL: pkg:npm/%40scope/name@1.0.0, pkg:pypi/name@1.0 (PEP 503-normalised name).
 * Returns a fresh string or NULL (ENOMEM). */
char *cu_pkg_purl(enum cu_eco eco, const char *name, const char *version);
/* PEP 503 normalisation (lowercase, runs of -_. become -) into a fresh string. */
char *cu_pypi_normalize(const char *name);

/* ---- parsers (src/deps/parse_*.c), one per format family ----
 * npm: package-lock.json / npm-shrinkwrap.json v1-v3, package.json, yarn.lock (v1 and Berry),
 * pnpm-lock.yaml v5-v9, bun.lock. PyPI: requirements*.txt, pyproject.toml, poetry.lock,
 * uv.lock, Pipfile.lock, pylock.toml. Every package gets the line of its entry. */
int cu_parse_npm_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
int cu_parse_package_json(struct cu_depfile *out,
                          const uint8_t *data,
                          size_t len,
                          custody_error *err);
int cu_parse_yarn_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
int cu_parse_pnpm_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
int cu_parse_bun_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
/* bun.lockb, bun's binary lockfile (formats 2 and 3); packages have no lines (0). */
int cu_parse_bun_lockb(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
/* environment.yml / conda.yaml: the `pip:` entries, as requirements lines (format "conda-env"). */
int cu_parse_conda_env(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
int cu_parse_requirements(struct cu_depfile *out,
                          const uint8_t *data,
                          size_t len,
                          custody_error *err);
int cu_parse_pyproject(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
int cu_parse_poetry_lock(struct cu_depfile *out,
                         const uint8_t *data,
                         size_t len,
                         custody_error *err);
int cu_parse_uv_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
int cu_parse_pipfile_lock(struct cu_depfile *out,
                          const uint8_t *data,
                          size_t len,
                          custody_error *err);
int cu_parse_pylock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);
int cu_parse_pdm_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err);

/* The parser for a file name (a path or a base name; "requirements/x.txt" needs the parent
 * directory), with the format id it reports in *format (may be NULL). NULL when the name is no
 * manifest or lockfile we read. */
cu_depfile_parse_fn cu_deps_parser_for_name(const char *path, const char **format);

/* ---- per-file checks, run by deps.c on every parsed file ----
 * rules_data.c: known-malicious, vulnerable, typosquat, unknown/hallucinated, worm indicators
 * (data-driven). rules_struct.c: sources, transport, registry hosts, integrity, pinning,
 * install scripts, confusion (structure-driven). Both emit deps/ findings with lines. */
void cu_deps_check_data(struct cu_ctx *ctx,
                        const struct cu_source *src,
                        const struct cu_depfile *df);
void cu_deps_check_struct(struct cu_ctx *ctx,
                          const struct cu_source *src,
                          const struct cu_depfile *df);

/* ---- typosquat index (typosquat.c), shared with src/agents (MCP server names) ----
 * Looks `name` up among the popular names of `eco` (and, for CU_ECO_NPM, also without the
 * scope). Returns true and the popular name it imitates (static storage) when `name` is not
 * itself popular and lies within the squat distance of one that is. */
bool cu_typosquat_check(enum cu_eco eco, const char *name, const char **target);
/* True when `name` is among the popular names of `eco`. */
bool cu_popular_name(enum cu_eco eco, const char *name);

#endif
