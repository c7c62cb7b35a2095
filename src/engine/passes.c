/* The table of project passes: cross-file checks run after every file was scanned (engine.h).
 * Kept apart from registry.c so a test may replace the analyzer table alone. */
#include "engine/engine.h"
#include "core/banned.h"

extern const struct cu_project_pass cu_pass_mcp_toolpin; /* agents/toolpin.c */
/* src/deps/project.c */
extern const struct cu_project_pass cu_pass_deps_confusion, cu_pass_deps_lockfiles,
    cu_pass_deps_trees;

/* Cross-file checks, run in this order after every file was scanned. */
/* clang-format off */
const struct cu_project_pass *const cu_project_passes[] = {
    &cu_pass_mcp_toolpin,
    &cu_pass_deps_confusion,  /* npm internal scopes against .npmrc mappings */
    &cu_pass_deps_lockfiles,  /* manifest without lockfile, lockfile drift */
    &cu_pass_deps_trees,      /* node_modules/site-packages, worm files, package hashes */
    NULL, /* end: keeps the array non-empty while no pass is registered */
};
/* clang-format on */
const size_t cu_project_passes_len = sizeof(cu_project_passes) / sizeof(cu_project_passes[0]) - 1;
