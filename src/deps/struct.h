#ifndef CU_DEPS_STRUCT_H
#define CU_DEPS_STRUCT_H
/* Internal API of the structure-driven deps/ checks, shared by rules_struct.c, project.c
 * and diff.c. */
#include <stdbool.h>

#include "deps/deps.h"

struct cu_ctx;
struct cu_project;

/* True when `host` is an allowed registry host (setting deps.registry-host, which replaces
 * the default public registries; "npm" and "yarn" are accepted as in lockfile-lint). */
bool cu_deps_host_allowed(const struct cu_ctx *ctx, const char *host);
/* True for npm lifecycle script names that run at install. */
bool cu_deps_lifecycle(const char *name);
/* What a lifecycle command does that a loader does (static text) and *sev, or NULL. */
const char *cu_deps_script_loader(const char *cmd, int *sev);
/* What a lifecycle command does to spread (static text), or NULL. */
const char *cu_deps_script_propagates(const char *cmd);

#endif
