#ifndef CU_AGENTCFG_H
#define CU_AGENTCFG_H
/* Internal interface of the agent-configuration analyzers (src/agents): one parsed document
 * with member lines, and the checks each kind of file runs on it. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agents/jsonc.h"
#include "engine/engine.h"

struct cu_agent_doc {
    struct cu_ctx *ctx;
    const struct cu_source *src;
    const struct cu_jsonc *j; /* may be NULL (strict JSON from the json analyzer: no lines) */
};

/* secrets.c: documentation placeholders ("xxxx", "your-key", "<token>", "${...}"). */
bool cu_secret_is_placeholder(const char *s, size_t n);

/* mcp.c */
/* Line of a member (0 when unknown). */
uint32_t cu_agent_line(const struct cu_agent_doc *d, const char *ptr);
/* Copy of `s` with every secret replaced by its redacted form (also values of KEY=, TOKEN=,
 * Bearer ...). Fresh string or NULL. */
char *cu_agent_safe(const char *s);
/* True when a value is a reference resolved by the client (${env:X}, ${input:x}, $X, {env:X},
 * %X%, ${{ secrets.X }}). */
bool cu_agent_is_reference(const char *v);
/* Checks a literal value for secrets; `name` is the variable/header/field name (may be NULL)
 * used for the generic high-entropy check. Emits `rule` (mcp/plaintext-secret, ...). */
void cu_agent_check_secret(const struct cu_agent_doc *d,
                           uint32_t line,
                           const char *rule,
                           const char *where,
                           const char *name,
                           const char *value);
/* Map of servers (name -> entry) or list of entries with "name"; `ptr` is its pointer. */
void cu_mcp_servers(const struct cu_agent_doc *d, const json_t *servers, const char *ptr);
/* One server entry. */
void cu_mcp_server(const struct cu_agent_doc *d,
                   const char *name,
                   const json_t *srv,
                   const char *ptr);
/* The host of a URL (or of host[:port]), userinfo skipped: a pointer into url and its length
 * (an IPv6 literal keeps its brackets). */
const char *cu_agent_url_host(const char *url, size_t *n);
/* The URL's host is this machine: localhost, 127.x.x.x, [::1], host.docker.internal. */
bool cu_agent_loopback(const char *url);
/* True when a command line (joined) downloads and runs code (curl|sh, iwr|iex, ...). */
bool cu_agent_download_exec(const char *cmd);
/* True when a command line reaches the network (curl, wget, nc, Invoke-WebRequest, URLs). */
bool cu_agent_network(const char *cmd);

/* tasks.c: .vscode/tasks.json, hooks (Claude, Cursor, Gemini), permission settings. */
void cu_agent_tasks(const struct cu_agent_doc *d, const json_t *doc);
void cu_agent_hooks(const struct cu_agent_doc *d, const json_t *hooks, const char *ptr);
/* Kiro agent hook (.kiro/hooks/NAME.kiro.hook): {when: {type, patterns}, then: {type: runCommand,
 * command}}. True when doc has that shape. */
bool cu_agent_kiro_hook_match(const json_t *doc);
void cu_agent_kiro_hook(const struct cu_agent_doc *d, const json_t *doc);
void cu_agent_claude_settings(const struct cu_agent_doc *d, const json_t *doc);
void cu_agent_gemini_settings(const struct cu_agent_doc *d, const json_t *doc);

/* toolsnap.c: a saved tools/list result. True when `doc` has that shape. */
bool cu_toolsnap_match(const json_t *doc);
int cu_toolsnap_analyze(const struct cu_agent_doc *d, const json_t *doc);

/* langchain.c */
/* One environment variable an agent or an MCP server is started with: reports values that
 * send its traffic elsewhere (agent/traffic-redirect): a model provider's endpoint variable
 * (ANTHROPIC_BASE_URL, OPENAI_BASE_URL, ...) naming another host, HF_ENDPOINT, a proxy that is
 * not local, TLS verification turned off. `who` names the agent or server. */
void cu_agent_env_redirect(
    const struct cu_agent_doc *d, uint32_t line, const char *who, const char *key, const char *val);
bool cu_langchain_match(const json_t *doc);
int cu_langchain_analyze(const struct cu_agent_doc *d, const json_t *doc);

#endif
