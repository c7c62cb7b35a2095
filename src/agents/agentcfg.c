/* The agent-configuration analyzer: files that MCP clients and coding agents load by name
 * (.mcp.json, .cursor/mcp.json, .vscode/mcp.json, claude_desktop_config.json, ...), parsed as
 * JSONC or YAML with member lines, routed by name and path, and checked by shape. Strict JSON
 * documents of other names reach the same checks through the json handler at the end. */
#include <stdlib.h>
#include <string.h>

#include "agents/agentcfg.h"
#include "agents/agents.h"
#include "formats/jsonfile.h"
#include "core/toml.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

enum kind {
    K_NONE,
    K_MCP,         /* mcpServers / servers map: .mcp.json, mcp.json, mcp_config.json, ... */
    K_SETTINGS,    /* settings.json: VS Code (mcp), Claude (hooks...), Gemini, Zed */
    K_CLAUDE_JSON, /* ~/.claude.json */
    K_OPENCODE,    /* opencode.json(c) */
    K_TASKS,       /* .vscode/tasks.json */
    K_HOOKS,       /* .cursor/hooks.json */
    K_YAML,        /* Continue config.yaml, .continue/mcpServers/ YAML files, LangChain YAML */
    K_TOML,        /* Codex ~/.codex/config.toml */
};

static bool name_is(const char *n, const char *s)
{
    return strcmp(n, s) == 0;
}

static enum kind kind_of(const char *name)
{
    const char *n = cu_basename(name);
    if (name_is(n, ".mcp.json") || name_is(n, "mcp.json") || name_is(n, "mcp_config.json") ||
        name_is(n, "cline_mcp_settings.json") || name_is(n, "mcp_settings.json") ||
        name_is(n, "claude_desktop_config.json") || name_is(n, "mcp.jsonc")) {
        return K_MCP;
    }
    if (name_is(n, "settings.json") || name_is(n, "settings.local.json") ||
        name_is(n, "settings.jsonc")) {
        return K_SETTINGS;
    }
    if (name_is(n, ".claude.json")) {
        return K_CLAUDE_JSON;
    }
    if (name_is(n, "opencode.json") || name_is(n, "opencode.jsonc") || name_is(n, "crush.json") ||
        name_is(n, ".crush.json")) {
        return K_OPENCODE;
    }
    if (name_is(n, "tasks.json")) {
        return K_TASKS;
    }
    if (name_is(n, "hooks.json")) {
        return K_HOOKS;
    }
    if (cu_has_suffix(n, ".yaml") || cu_has_suffix(n, ".yml")) {
        return K_YAML;
    }
    if (name_is(n, "config.toml")) {
        return K_TOML;
    }
    return K_NONE;
}

static bool head_has(const struct cu_sniff *in, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= in->len; i++) {
        if (memcmp(in->head + i, needle, m) == 0) {
            return true;
        }
    }
    return false;
}

static bool agent_sniff(const struct cu_sniff *in)
{
    enum kind k = kind_of(in->name);
    if (k == K_NONE) {
        return false;
    }
    if (k == K_YAML) {
        /* Continue config / block files and LangChain YAML manifests */
        return head_has(in, "mcpServers:") || head_has(in, "schema: v1") ||
               /* Goose (~/.config/goose/config.yaml): extensions with cmd/args or a type */
               (head_has(in, "extensions:") &&
                (head_has(in, "cmd:") || head_has(in, "type: stdio") ||
                 head_has(in, "type: builtin") || head_has(in, "type: sse") ||
                 head_has(in, "GOOSE_"))) ||
               (head_has(in, "lc: 1") && head_has(in, "type:")) ||
               /* a tools/list result saved as YAML (tool snapshot) */
               (head_has(in, "tools:") &&
                (head_has(in, "inputSchema:") || head_has(in, "input_schema:")));
    }
    if (k == K_TOML) {
        /* Codex: config.toml is a common name, so its own keys must show */
        return head_has(in, "mcp_servers") || head_has(in, "approval_policy") ||
               head_has(in, "sandbox_mode") || head_has(in, "model_provider") ||
               head_has(in, "model_reasoning_effort");
    }
    /* names only MCP clients use (.mcp.json, claude_desktop_config.json, ...): whatever the
     * text, the client will try to load it, so a broken one is agent/malformed, never an
     * unrecognised file */
    if (k == K_MCP && !name_is(cu_basename(in->name), "mcp.json") &&
        memchr(in->head, 0, in->len) == NULL) {
        return true;
    }
    /* JSON-ish: first significant byte is '{' (comments allowed before it) */
    for (size_t i = 0; i < in->len; i++) {
        uint8_t c = in->head[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xef || c == 0xbb ||
            c == 0xbf) {
            continue;
        }
        if (c == '/') {
            return true; /* a comment: JSONC */
        }
        return c == '{';
    }
    return false;
}

/* Where the file lives: the display path's directories. */
static bool in_dir(const char *loc, const char *dir)
{
    const char *p = strstr(loc, dir);
    return p != NULL && (p == loc || p[-1] == '/' || p[-1] == '\\');
}

static void unknown_shape(const struct cu_agent_doc *d, const char *what)
{
    cu_emit_line(d->ctx, d->src, 1, "agent/unknown-config-shape", CU_SEV_DEFAULT, NULL,
                 "%s: no server map of a known shape", what);
}

/* An object that looks like a server entry. */
static bool server_like(const json_t *v)
{
    return json_is_object(v) &&
           (json_object_get(v, "command") != NULL || json_object_get(v, "cmd") != NULL ||
            json_object_get(v, "url") != NULL || json_object_get(v, "serverUrl") != NULL ||
            json_object_get(v, "httpUrl") != NULL || json_object_get(v, "args") != NULL ||
            json_object_get(v, "executable") != NULL);
}

/* A top-level value that is a map or list of server-like entries. */
static bool server_like_anywhere(const json_t *doc)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)doc, k, v)
    {
        const char *k2;
        const json_t *e;
        size_t i;
        if (server_like(v)) {
            return true;
        }
        json_object_foreach((json_t *)v, k2, e)
        {
            if (server_like(e)) {
                return true;
            }
        }
        json_array_foreach(v, i, e)
        {
            if (server_like(e)) {
                return true;
            }
        }
    }
    return false;
}

/* Documents with mcpServers / servers / mcp keys: true when something was found. */
static bool mcp_maps(const struct cu_agent_doc *d, const json_t *doc)
{
    bool any = false;
    const json_t *v;
    if ((v = json_object_get(doc, "mcpServers")) != NULL) {
        cu_mcp_servers(d, v, "/mcpServers");
        any = true;
    }
    if ((v = json_object_get(doc, "servers")) != NULL) { /* VS Code mcp.json */
        cu_mcp_servers(d, v, "/servers");
        any = true;
    }
    if ((v = json_object_get(doc, "mcp_servers")) != NULL) {
        cu_mcp_servers(d, v, "/mcp_servers");
        any = true;
    }
    if ((v = json_object_get(doc, "context_servers")) != NULL) { /* Zed */
        cu_mcp_servers(d, v, "/context_servers");
        any = true;
    }
    const json_t *mcp = json_object_get(doc, "mcp");
    if (json_is_object(mcp)) {
        const json_t *s = json_object_get(mcp, "servers"); /* VS Code settings.json */
        if (s != NULL) {
            cu_mcp_servers(d, s, "/mcp/servers");
        } else {
            cu_mcp_servers(d, mcp, "/mcp"); /* opencode */
        }
        any = true;
    }
    const json_t *exp = json_object_get(doc, "experimental"); /* Continue config.json */
    if (json_is_object(exp) && (v = json_object_get(exp, "modelContextProtocolServers")) != NULL) {
        cu_mcp_servers(d, v, "/experimental/modelContextProtocolServers");
        any = true;
    }
    return any;
}

/* Codex approval/sandbox settings, at the top and in [profiles.*]. */
static void codex_policy(const struct cu_agent_doc *d, const json_t *t, const char *ptr)
{
    const char *ap = json_string_value(json_object_get(t, "approval_policy"));
    const char *sb = json_string_value(json_object_get(t, "sandbox_mode"));
    if ((ap != NULL && strcmp(ap, "never") == 0 && sb != NULL &&
         strcmp(sb, "danger-full-access") == 0) ||
        (sb != NULL && strcmp(sb, "danger-full-access") == 0 && ap == NULL)) {
        char *p = cu_jsonc_ptr(ptr, "sandbox_mode");
        cu_emit_line(d->ctx, d->src, p != NULL ? cu_agent_line(d, p) : 0,
                     "agent/permissions-bypass", ap != NULL ? CU_SEV_DEFAULT : CUSTODY_SEV_MEDIUM,
                     sb, "Codex runs commands without a sandbox%s",
                     ap != NULL ? " and without asking (approval_policy never)" : "");
        free(p);
    }
}

/* Goose's extensions: stdio ones (cmd/args/envs) and sse/streamable ones (uri) are MCP
 * servers; builtin/platform extensions ship with Goose and run nothing of their own. */
static void goose_extensions(const struct cu_agent_doc *d, const json_t *ext)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)ext, k, v)
    {
        const char *type = json_string_value(json_object_get(v, "type"));
        if (type != NULL && (strcmp(type, "builtin") == 0 || strcmp(type, "platform") == 0 ||
                             strcmp(type, "frontend") == 0)) {
            continue;
        }
        char *p = cu_jsonc_ptr("/extensions", k);
        if (p != NULL) {
            cu_mcp_server(d, k, v, p);
        }
        free(p);
    }
}

/* The mcpServers map inside each member of `parent` (at pointer `ptr`): ~/.claude.json's
 * projects.*.mcpServers, an extension's section of VS Code settings. */
static void nested_mcp_servers(const struct cu_agent_doc *d, const json_t *parent, const char *ptr)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)parent, k, v)
    {
        const json_t *ms = json_is_object(v) ? json_object_get(v, "mcpServers") : NULL;
        if (ms == NULL) {
            continue;
        }
        char *p1 = cu_jsonc_ptr(ptr, k);
        char *p2 = p1 != NULL ? cu_jsonc_ptr(p1, "mcpServers") : NULL;
        if (p2 != NULL) {
            cu_mcp_servers(d, ms, p2);
        }
        free(p1);
        free(p2);
    }
}

static int route(const struct cu_agent_doc *d, enum kind k, const json_t *doc)
{
    const char *loc = d->src->loc;
    if (cu_langchain_match(doc)) {
        return cu_langchain_analyze(d, doc);
    }
    if (!json_is_object(doc)) {
        if (k == K_MCP || k == K_OPENCODE || k == K_CLAUDE_JSON) {
            unknown_shape(d, "document is not an object");
        }
        return 0;
    }
    switch (k) {
    case K_MCP:
        if (!mcp_maps(d, doc)) {
            if (cu_toolsnap_match(doc)) {
                return cu_toolsnap_analyze(d, doc);
            }
            /* Claude Desktop's file may hold only preferences (globalShortcut, ...): that is
             * fine; server-like entries under a key no client reads are not */
            if (server_like_anywhere(doc)) {
                unknown_shape(d, cu_basename(d->src->name));
            }
        }
        return 0;
    case K_CLAUDE_JSON: {
        mcp_maps(d, doc);
        nested_mcp_servers(d, json_object_get(doc, "projects"), "/projects");
        return 0;
    }
    case K_OPENCODE:
        mcp_maps(d, doc);
        return 0;
    case K_SETTINGS: {
        bool claude = in_dir(loc, ".claude/");
        bool gemini = in_dir(loc, ".gemini/");
        mcp_maps(d, doc);
        /* extensions' sections of VS Code settings ("augment.advanced": {"mcpServers": ...}) */
        nested_mcp_servers(d, doc, "");
        if (claude || json_object_get(doc, "permissions") != NULL) {
            cu_agent_claude_settings(d, doc);
        } else if (gemini) {
            cu_agent_gemini_settings(d, doc);
        } else if (json_object_get(doc, "hooks") != NULL) {
            cu_agent_hooks(d, json_object_get(doc, "hooks"), "/hooks");
        }
        return 0;
    }
    case K_TASKS:
        if (json_object_get(doc, "tasks") != NULL || in_dir(loc, ".vscode/")) {
            cu_agent_tasks(d, doc);
        }
        return 0;
    case K_HOOKS:
        if (json_object_get(doc, "hooks") != NULL) {
            cu_agent_hooks(d, json_object_get(doc, "hooks"), "/hooks");
        } else if (in_dir(loc, ".cursor/")) {
            unknown_shape(d, "hooks.json");
        }
        return 0;
    case K_YAML: {
        if (mcp_maps(d, doc)) {
            return 0;
        }
        const json_t *ext = json_object_get(doc, "extensions");
        if (json_is_object(ext)) {
            goose_extensions(d, ext);
            return 0;
        }
        if (cu_toolsnap_match(doc)) {
            return cu_toolsnap_analyze(d, doc);
        }
        return 0;
    }
    case K_TOML: {
        mcp_maps(d, doc);
        codex_policy(d, doc, "");
        const char *pk;
        const json_t *pv;
        json_object_foreach((json_t *)json_object_get(doc, "profiles"), pk, pv)
        {
            char *p1 = cu_jsonc_ptr("/profiles", pk);
            if (p1 != NULL && json_is_object(pv)) {
                codex_policy(d, pv, p1);
            }
            free(p1);
        }
        return 0;
    }
    case K_NONE:
        break;
    }
    return 0;
}

/* TOML (core/toml.h) into the JSONC model: the tree, and a pointer -> line table. */
static int toml_lines(
    struct cu_jsonc *j, const struct cu_toml *t, const json_t *v, const char *ptr, unsigned depth)
{
    if (depth > 64) {
        return 0;
    }
    if (json_is_object(v)) {
        const char *k;
        const json_t *c;
        json_object_foreach((json_t *)v, k, c)
        {
            char *p = cu_jsonc_ptr(ptr, k);
            if (p == NULL) {
                return CUSTODY_ENOMEM;
            }
            int rc = cu_jsonc_add(j, p, cu_toml_key_line(t, v, k));
            if (rc == 0) {
                rc = toml_lines(j, t, c, p, depth + 1);
            }
            free(p);
            if (rc < 0) {
                return rc;
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *c;
        json_array_foreach(v, i, c)
        {
            char *p = cu_jsonc_ptr_index(ptr, i);
            if (p == NULL) {
                return CUSTODY_ENOMEM;
            }
            int rc = cu_jsonc_add(j, p, cu_toml_item_line(t, v, i));
            if (rc == 0) {
                rc = toml_lines(j, t, c, p, depth + 1);
            }
            free(p);
            if (rc < 0) {
                return rc;
            }
        }
    }
    return 0;
}

static int
toml_parse(struct cu_jsonc *out, const uint8_t *data, size_t len, uint32_t *bad, custody_error *err)
{
    memset(out, 0, sizeof(*out));
    *bad = 0;
    struct cu_toml *t = NULL;
    int rc = cu_toml_parse(data, len, &t, err);
    if (rc < 0) {
        return rc;
    }
    out->doc = json_incref((json_t *)cu_toml_root(t));
    rc = toml_lines(out, t, out->doc, "", 0);
    cu_toml_free(t);
    if (rc < 0) {
        cu_jsonc_free(out);
        return cu_err_nomem(err);
    }
    cu_jsonc_sort(out);
    return 0;
}

static int agent_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    custody_error *err = cu_ctx_err(ctx);
    char *text = NULL;
    size_t size = 0;
    int rc = cu_source_read_all(src, CU_LIMIT_JSON, "agent configuration", &text, &size, err);
    if (rc < 0) {
        return rc;
    }
    const uint8_t *buf = (const uint8_t *)text;
    enum kind k = kind_of(src->name);
    struct cu_jsonc j;
    uint32_t bad = 0;
    rc = k == K_YAML   ? cu_yaml_parse(&j, buf, size, &bad, err)
         : k == K_TOML ? toml_parse(&j, buf, size, &bad, err)
                       : cu_jsonc_parse(&j, buf, size, &bad, err);
    free(text);
    if (rc < 0) {
        if (rc == CUSTODY_EMALFORMED || rc == CUSTODY_ELIMIT) {
            /* the parser quotes the text near the error: it may be part of a secret */
            char *msg = cu_agent_safe(err->msg);
            cu_emit_line(ctx, src, bad, "agent/malformed", CU_SEV_DEFAULT, NULL, "%s",
                         msg != NULL ? msg : "does not parse");
            free(msg);
            cu_err_clear(err);
            return 0;
        }
        return rc;
    }
    struct cu_agent_doc d = { ctx, src, &j };
    cu_fact(ctx, "agents.format", "%s",
            k == K_YAML ? "agent-config-yaml"
                        : (k == K_TOML ? "agent-config-toml" : "agent-config"));
    rc = route(&d, k, j.doc);
    cu_jsonc_free(&j);
    return rc;
}

static const char *const agent_ext[] = { ".json", ".jsonc", ".yaml", ".yml", ".toml", NULL };

const struct cu_analyzer cu_analyzer_agent = { "agent", agent_ext, agent_sniff, agent_analyze };

/* ---- the json handler: strict JSON of other names ---- */

static int agents_json_doc(struct cu_ctx *ctx,
                           struct cu_source *src,
                           const json_t *doc,
                           const struct cu_jsonc *j);

/* MCP bundle (.mcpb, formerly .dxt) manifest.json: {manifest_version | dxt_version,
 * server: {type, entry_point, mcp_config: {command, args, env}}, user_config}. */
static const json_t *mcpb_config(const json_t *doc)
{
    const json_t *srv = json_object_get(doc, "server");
    if (!json_is_object(srv) || (!json_is_string(json_object_get(doc, "manifest_version")) &&
                                 !json_is_string(json_object_get(doc, "dxt_version")))) {
        return NULL;
    }
    const json_t *c = json_object_get(srv, "mcp_config");
    return json_is_object(c) ? c : NULL;
}

/* Claude Code plugin manifest (.claude-plugin/plugin.json) with inline hooks: {name, hooks:
 * {Event: [...]}}; a string hooks value names a file that is scanned by itself. */
static const json_t *plugin_hooks(const json_t *doc, const char *name)
{
    const json_t *h = json_object_get(doc, "hooks");
    if (!json_is_object(h) || !json_is_string(json_object_get(doc, "name"))) {
        return NULL;
    }
    return name != NULL && strcmp(cu_basename(name), "plugin.json") == 0 ? h : NULL;
}

static bool agents_json_match(const json_t *doc, const char *name)
{
    if (cu_toolsnap_match(doc) || cu_langchain_match(doc)) {
        return true;
    }
    const json_t *exp = json_object_get(doc, "experimental"); /* Continue's old config.json */
    return json_is_object(doc) &&
           (mcpb_config(doc) != NULL || cu_agent_kiro_hook_match(doc) ||
            plugin_hooks(doc, name) != NULL || json_is_object(json_object_get(doc, "mcpServers")) ||
            json_is_array(json_object_get(doc, "mcpServers")) ||
            json_is_array(json_object_get(exp, "modelContextProtocolServers")));
}

static int agents_json_analyze(struct cu_ctx *ctx, struct cu_source *src, const json_t *doc)
{
    /* the strict document has no lines: parse the (small) text again for them */
    struct cu_jsonc j;
    memset(&j, 0, sizeof(j));
    char *buf = NULL;
    size_t size = 0;
    custody_error e2;
    if (cu_source_read_all(src, CU_LIMIT_JSON, "JSON document", &buf, &size, &e2) == 0) {
        uint32_t bad = 0;
        if (cu_jsonc_parse(&j, (const uint8_t *)buf, size, &bad, &e2) < 0) {
            memset(&j, 0, sizeof(j));
        }
    }
    free(buf);
    int rc = agents_json_doc(ctx, src, doc, j.doc != NULL ? &j : NULL);
    cu_jsonc_free(&j);
    return rc;
}

static int agents_json_doc(struct cu_ctx *ctx,
                           struct cu_source *src,
                           const json_t *doc,
                           const struct cu_jsonc *j)
{
    struct cu_agent_doc d = { ctx, src, j };
    if (cu_langchain_match(doc)) {
        return cu_langchain_analyze(&d, doc);
    }
    if (cu_toolsnap_match(doc)) {
        return cu_toolsnap_analyze(&d, doc);
    }
    if (cu_agent_kiro_hook_match(doc)) {
        cu_agent_kiro_hook(&d, doc);
        return 0;
    }
    const json_t *mc = mcpb_config(doc);
    if (mc != NULL) {
        /* the bundle's one server, named after the bundle; its entries sit at /server */
        json_t *map = json_object();
        if (map == NULL || json_object_set(map, "mcp_config", (json_t *)mc) != 0) {
            json_decref(map);
            return CUSTODY_ENOMEM;
        }
        cu_fact(ctx, "agents.format", "%s", "mcp-bundle-manifest");
        cu_mcp_servers(&d, map, "/server");
        json_decref(map);
    }
    const json_t *ph = plugin_hooks(doc, src->name);
    if (ph != NULL) {
        cu_agent_hooks(&d, ph, "/hooks");
    }
    mcp_maps(&d, doc);
    return 0;
}

const struct cu_json_handler cu_json_agents = { "agents", agents_json_match, agents_json_analyze };
