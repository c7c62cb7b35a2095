#ifndef CUSTODY_DEPS_H
#define CUSTODY_DEPS_H
/* custody deps diff: compares the dependencies of two lockfiles (or two directories) and flags
 * the changes a reviewer must look at: a new install script, a source that moved off the
 * registry, a changed integrity for the same version, a new package that is unknown or close
 * to a popular name. Both sides are read with `custody scan` (so every format the scanner
 * parses is compared); an unreadable or unparseable side is an error, never an empty diff. */
#include <stdbool.h>
#include <stdio.h>

#include "custody/scan.h"

typedef struct custody_deps_diff custody_deps_diff; /* opaque */

typedef enum custody_dep_change_kind {
    CUSTODY_DEP_ADDED = 0,
    CUSTODY_DEP_REMOVED = 1,
    CUSTODY_DEP_CHANGED = 2 /* new version of a known name, or the same version changed */
} custody_dep_change_kind;

typedef struct custody_dep_change {
    custody_dep_change_kind kind;
    const char *ecosystem; /* "npm", "pypi" */
    const char *name;
    const char *old_version; /* NULL for ADDED (and when the old side pins none) */
    const char *new_version; /* NULL for REMOVED */
    const char *path;        /* the file that names it (NEW side; OLD for REMOVED) */
    uint32_t line;
    bool flagged;
    custody_severity severity; /* highest flag; INFO when not flagged */
    const char *reasons;       /* "; "-separated reasons, NULL when not flagged */
} custody_dep_change;

/* Scans OLD and NEW (files or directories) with `opts` (settings such as
 * deps.registry-host reach the analyzers) and compares their packages. Returns 0,
 * CUSTODY_EIO (a side could not be read, or holds no dependency file that parsed:
 * err->where names it), CUSTODY_ENOMEM or CUSTODY_EINVAL. */
CUSTODY_API CUSTODY_NODISCARD int custody_deps_diff_run(custody_deps_diff **out,
                                                        const char *old_path,
                                                        const char *new_path,
                                                        const custody_scan_options *opts,
                                                        custody_error *err);
CUSTODY_API void custody_deps_diff_free(custody_deps_diff *d); /* NULL is a no-op */

/* Changes sorted by (ecosystem, name, kind); borrowed until custody_deps_diff_free(). */
CUSTODY_API size_t custody_deps_diff_count(const custody_deps_diff *d);
CUSTODY_API const custody_dep_change *custody_deps_diff_change(const custody_deps_diff *d,
                                                               size_t i);
/* Highest severity among flagged changes (INFO when none is flagged). */
CUSTODY_API custody_severity custody_deps_diff_max_severity(const custody_deps_diff *d);

/* Writes the diff as text (json = 0) or JSON (json = 1, schema "custody-deps-diff/1");
 * `fail_on` decides the verdict line. Returns 0 or CUSTODY_EIO. */
CUSTODY_API CUSTODY_NODISCARD int custody_deps_diff_write(
    FILE *f, const custody_deps_diff *d, int json, custody_severity fail_on, custody_error *err);

#endif
