/* Per-user agent configuration locations (include/custody/agents.h). Only existence is
 * checked here (lstat): the scan itself opens, classifies and reports symlinks. */
#include "custody/agents.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/util.h"
#include "core/banned.h"

/* Relative to $HOME. "C/" = under the XDG config directory (~/.config unless
 * XDG_CONFIG_HOME), "M/" = under ~/Library/Application Support (macOS). */
static const char *const candidates[] = {
    ".claude.json",
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".mcp.json",
    ".cursor/mcp.json",
    ".cursor/hooks.json",
    ".codeium/windsurf/mcp_config.json",
    ".gemini/settings.json",
    ".codex/config.toml",
    ".continue/config.yaml",
    ".continue/config.json",
    ".aws/amazonq/mcp.json",
    ".kiro/settings/mcp.json",
    "C/Claude/claude_desktop_config.json",
    "M/Claude/claude_desktop_config.json",
    "C/Code/User/settings.json",
    "C/Code/User/mcp.json",
    "C/Code/User/tasks.json",
    "C/Code - Insiders/User/settings.json",
    "C/Code - Insiders/User/mcp.json",
    "M/Code/User/settings.json",
    "M/Code/User/mcp.json",
    "M/Code/User/tasks.json",
    "M/Code - Insiders/User/settings.json",
    "M/Code - Insiders/User/mcp.json",
    "C/Cursor/User/settings.json",
    "M/Cursor/User/settings.json",
    "C/Windsurf/User/settings.json",
    "M/Windsurf/User/settings.json",
    "C/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
    "M/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
    "C/Cursor/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
    "M/Cursor/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
    "C/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json",
    "M/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json",
    "C/opencode/opencode.json",
    "C/opencode/opencode.jsonc",
    "C/zed/settings.json",
};

void custody_agent_host_paths_free(char **paths, size_t n)
{
    if (paths == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(paths[i]);
    }
    free(paths);
}

int custody_agent_host_paths(const char *home, char ***out, size_t *n, custody_error *err)
{
    *out = NULL;
    *n = 0;
    if (home == NULL) {
        home = getenv("HOME");
    }
    if (home == NULL || home[0] != '/') {
        return cu_err_inval(err, "no home directory (HOME is not an absolute path)");
    }
    const char *xdg = getenv("XDG_CONFIG_HOME");
    char *cfg = xdg != NULL && xdg[0] == '/' ? cu_strdup(xdg) : cu_asprintf("%s/.config", home);
    if (cfg == NULL) {
        return cu_err_nomem(err);
    }
    char **list = NULL;
    size_t cap = 0;
    size_t cnt = 0;
    int rc = 0;
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        const char *c = candidates[i];
        char *p;
        if (strncmp(c, "C/", 2) == 0) {
            p = cu_asprintf("%s/%s", cfg, c + 2);
        } else if (strncmp(c, "M/", 2) == 0) {
            p = cu_asprintf("%s/Library/Application Support/%s", home, c + 2);
        } else {
            p = cu_asprintf("%s/%s", home, c);
        }
        if (p == NULL) {
            rc = cu_err_nomem(err);
            break;
        }
        struct stat st;
        if (lstat(p, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) {
            free(p);
            continue;
        }
        if (!cu_grow((void **)&list, &cap, cnt + 1, sizeof(*list))) {
            free(p);
            rc = cu_err_nomem(err);
            break;
        }
        list[cnt++] = p;
    }
    free(cfg);
    if (rc < 0) {
        custody_agent_host_paths_free(list, cnt);
        return rc;
    }
    *out = list;
    *n = cnt;
    return 0;
}
