#ifndef CUSTODY_AGENTS_H
#define CUSTODY_AGENTS_H
/* User-level agent configuration (custody scan --host): where MCP clients and coding agents
 * keep their per-user settings on Linux and macOS. */
#include <stddef.h>

#include "custody/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Lists the candidate files that exist under `home` (NULL: $HOME): Claude Desktop, Claude
 * Code, Cursor, VS Code (and Insiders), Cline/Roo, Windsurf, Gemini CLI, Codex, opencode,
 * Continue, Zed, Amazon Q, Kiro. *out gets a fresh array of *n fresh paths (free with
 * custody_agent_host_paths_free). Returns 0, CUSTODY_ENOMEM or CUSTODY_EINVAL (no home). */
CUSTODY_API CUSTODY_NODISCARD int
custody_agent_host_paths(const char *home, char ***out, size_t *n, custody_error *err);
CUSTODY_API void custody_agent_host_paths_free(char **paths, size_t n);

#ifdef __cplusplus
}
#endif

#endif
