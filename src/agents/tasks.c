/* Commands agents and editors run on their own (agentcfg.h): VS Code tasks that run when a
 * folder opens, hooks of Claude Code / Cursor / Gemini CLI, and permission settings. */
#include <stdlib.h>
#include <string.h>

#include "agents/agentcfg.h"
#include "agents/agents.h"
#include "agents/skillcheck.h"
#include "core/util.h"
#include "core/banned.h"

static const char *str_of(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool inline_shell(const char *c)
{
    return strstr(c, "sh -c") != NULL || strstr(c, "bash -c") != NULL ||
           strstr(c, "powershell -") != NULL || strstr(c, "pwsh -") != NULL ||
           strstr(c, "python -c") != NULL || strstr(c, "python3 -c") != NULL ||
           strstr(c, "node -e") != NULL || strstr(c, "base64") != NULL ||
           strstr(c, "eval ") != NULL;
}

/* high when it downloads, reaches the network or runs an inline interpreter */
static int payload_severity(const char *c)
{
    return cu_agent_download_exec(c) || cu_agent_network(c) || inline_shell(c) ? CUSTODY_SEV_HIGH
                                                                               : CU_SEV_DEFAULT;
}

/* What a command the agent or editor runs by itself does (agent/fetch-and-run, ...). */
static void judge(const struct cu_agent_doc *d, uint32_t line, const char *cmd)
{
    if (cmd != NULL) {
        sk_judge_command(d->ctx, d->src, line, "agent", "shell", cmd);
    }
}

static char *command_line(const json_t *t)
{
    struct cu_buf b = CU_BUF_INIT(1u << 14);
    const char *c = str_of(t, "command");
    if (c != NULL) {
        cu_buf_adds(&b, c);
    }
    const json_t *args = json_object_get(t, "args");
    size_t i;
    const json_t *e;
    json_array_foreach(args, i, e)
    {
        const char *s = json_is_string(e) ? json_string_value(e) : str_of(e, "value");
        if (s != NULL) {
            cu_buf_addc(&b, ' ');
            cu_buf_adds(&b, s);
        }
    }
    char *r = cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return r;
}

void cu_agent_tasks(const struct cu_agent_doc *d, const json_t *doc)
{
    const json_t *tasks = json_object_get(doc, "tasks");
    if (!json_is_array(tasks)) {
        if (json_object_size(doc) > 0 && json_object_get(doc, "version") == NULL) {
            cu_emit_line(d->ctx, d->src, 1, "agent/unknown-config-shape", CU_SEV_DEFAULT, NULL,
                         "%s", "tasks.json without a tasks list");
        }
        return;
    }
    size_t i;
    const json_t *t;
    json_array_foreach(tasks, i, t)
    {
        const json_t *ro = json_object_get(t, "runOptions");
        const char *on = json_is_object(ro) ? str_of(ro, "runOn") : NULL;
        if (on == NULL || strcmp(on, "folderOpen") != 0) {
            continue;
        }
        char *p = cu_jsonc_ptr_index("/tasks", i);
        uint32_t line = p != NULL ? cu_agent_line(d, p) : 0;
        free(p);
        const char *label = str_of(t, "label");
        /* the command, or a platform variant's */
        static const char *const plat[] = { NULL, "linux", "osx", "windows" };
        for (size_t k = 0; k < sizeof(plat) / sizeof(plat[0]); k++) {
            const json_t *src = plat[k] == NULL ? t : json_object_get(t, plat[k]);
            if (!json_is_object(src) || (plat[k] != NULL && str_of(src, "command") == NULL)) {
                continue;
            }
            char *cmd = command_line(src);
            char *safe = cu_agent_safe(cmd);
            cu_emit_line(d->ctx, d->src, line, "agent/autorun-task",
                         cmd != NULL ? payload_severity(cmd) : CU_SEV_DEFAULT, safe,
                         "task '%s'%s%s runs when the folder is opened",
                         label != NULL ? label : "?", plat[k] != NULL ? " on " : "",
                         plat[k] != NULL ? plat[k] : "");
            judge(d, line, cmd);
            free(cmd);
            free(safe);
        }
    }
}

static void hook_entry(const struct cu_agent_doc *d,
                       const char *event,
                       const json_t *h,
                       const char *ptr,
                       unsigned depth)
{
    if (!json_is_object(h) || depth > 3) {
        return;
    }
    const char *cmd = str_of(h, "command");
    if (cmd == NULL) {
        cmd = str_of(h, "bash");
    }
    if (cmd == NULL) {
        cmd = str_of(h, "powershell");
    }
    if (cmd != NULL) {
        char *safe = cu_agent_safe(cmd);
        /* hooks that run a script of the plugin/project itself are how hooks are meant to be
         * used (inventory, low); a download, network call or inline interpreter is high */
        cu_emit_line(d->ctx, d->src, cu_agent_line(d, ptr), "agent/hook-command",
                     payload_severity(cmd) == CUSTODY_SEV_HIGH ? CUSTODY_SEV_HIGH : CUSTODY_SEV_LOW,
                     safe, "hook on %s runs a command automatically", event);
        judge(d, cu_agent_line(d, ptr), cmd);
        free(safe);
    }
    const json_t *inner = json_object_get(h, "hooks");
    size_t i;
    const json_t *e;
    char *ip = cu_jsonc_ptr(ptr, "hooks");
    json_array_foreach(inner, i, e)
    {
        char *p = ip != NULL ? cu_jsonc_ptr_index(ip, i) : NULL;
        if (p != NULL) {
            hook_entry(d, event, e, p, depth + 1);
        }
        free(p);
    }
    free(ip);
}

bool cu_agent_kiro_hook_match(const json_t *doc)
{
    const json_t *when = json_object_get(doc, "when");
    const json_t *then = json_object_get(doc, "then");
    return json_is_object(when) && json_is_object(then) &&
           json_is_string(json_object_get(when, "type")) &&
           json_is_string(json_object_get(then, "type"));
}

void cu_agent_kiro_hook(const struct cu_agent_doc *d, const json_t *doc)
{
    const json_t *when = json_object_get(doc, "when");
    const json_t *then = json_object_get(doc, "then");
    const char *ev = str_of(when, "type");
    const char *ty = str_of(then, "type");
    const char *cmd = str_of(then, "command");
    if (ty != NULL && strcmp(ty, "runCommand") == 0 && cmd != NULL) {
        char *safe = cu_agent_safe(cmd);
        cu_emit_line(d->ctx, d->src, cu_agent_line(d, "/then/command"), "agent/hook-command",
                     payload_severity(cmd) == CUSTODY_SEV_HIGH ? CUSTODY_SEV_HIGH : CUSTODY_SEV_LOW,
                     safe, "Kiro hook on %s runs a command automatically", ev != NULL ? ev : "?");
        judge(d, cu_agent_line(d, "/then/command"), cmd);
        free(safe);
    }
    /* askAgent: the prompt is sent to the agent on every event; check its language */
    const char *prompt = str_of(then, "prompt");
    if (prompt != NULL) {
        cu_text_check_language(d->ctx, d->src, prompt, strlen(prompt),
                               cu_agent_line(d, "/then/prompt"), "mcp");
    }
}

void cu_agent_hooks(const struct cu_agent_doc *d, const json_t *hooks, const char *ptr)
{
    if (!json_is_object(hooks)) {
        if (hooks != NULL) {
            cu_emit_line(d->ctx, d->src, cu_agent_line(d, ptr), "agent/unknown-config-shape",
                         CU_SEV_DEFAULT, NULL, "%s", "hooks is not a map of events");
        }
        return;
    }
    const char *ev;
    const json_t *list;
    json_object_foreach((json_t *)hooks, ev, list)
    {
        char *ep = cu_jsonc_ptr(ptr, ev);
        if (json_is_array(list)) {
            size_t i;
            const json_t *h;
            json_array_foreach(list, i, h)
            {
                char *p = ep != NULL ? cu_jsonc_ptr_index(ep, i) : NULL;
                if (p != NULL) {
                    hook_entry(d, ev, h, p, 0);
                }
                free(p);
            }
        } else if (json_is_object(list) && ep != NULL) {
            hook_entry(d, ev, list, ep, 0);
        }
        free(ep);
    }
}

static void env_secrets(const struct cu_agent_doc *d, const json_t *env, const char *ptr)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)env, k, v)
    {
        if (json_is_string(v)) {
            char *p = cu_jsonc_ptr(ptr, k);
            uint32_t line = p != NULL ? cu_agent_line(d, p) : 0;
            cu_agent_check_secret(d, line, "mcp/plaintext-secret", "settings env", k,
                                  json_string_value(v));
            cu_agent_env_redirect(d, line, "settings env", k, json_string_value(v));
            free(p);
        }
    }
}

void cu_agent_claude_settings(const struct cu_agent_doc *d, const json_t *doc)
{
    const json_t *perm = json_object_get(doc, "permissions");
    const char *mode = json_is_object(perm) ? str_of(perm, "defaultMode") : NULL;
    if (mode != NULL && strcmp(mode, "bypassPermissions") == 0) {
        cu_emit_line(d->ctx, d->src, cu_agent_line(d, "/permissions/defaultMode"),
                     "agent/permissions-bypass", CU_SEV_DEFAULT, mode, "%s",
                     "Claude Code runs every tool without asking (bypassPermissions)");
    }
    const json_t *allow = json_is_object(perm) ? json_object_get(perm, "allow") : NULL;
    size_t i;
    const json_t *e;
    json_array_foreach(allow, i, e)
    {
        const char *a = json_is_string(e) ? json_string_value(e) : "";
        if (strcmp(a, "Bash") == 0 || strcmp(a, "Bash(*)") == 0 || strcmp(a, "Bash(*:*)") == 0) {
            char *p = cu_jsonc_ptr_index("/permissions/allow", i);
            cu_emit_line(d->ctx, d->src, p != NULL ? cu_agent_line(d, p) : 0,
                         "agent/permissions-bypass", CUSTODY_SEV_MEDIUM, a, "%s",
                         "every shell command is pre-approved");
            free(p);
        }
    }
    if (json_is_true(json_object_get(doc, "enableAllProjectMcpServers"))) {
        cu_emit_line(d->ctx, d->src, cu_agent_line(d, "/enableAllProjectMcpServers"),
                     "mcp/auto-approve", CU_SEV_DEFAULT, "enableAllProjectMcpServers", "%s",
                     "every MCP server a cloned project's .mcp.json names starts unasked");
    }
    /* helper commands Claude Code runs by itself (low unless the payload is risky) */
    static const char *const helpers[] = { "apiKeyHelper", "awsAuthRefresh", "awsCredentialExport",
                                           "otelHeadersHelper" };
    for (size_t h = 0; h < sizeof(helpers) / sizeof(helpers[0]); h++) {
        const char *helper = str_of(doc, helpers[h]);
        if (helper == NULL) {
            continue;
        }
        char *hp = cu_jsonc_ptr("", helpers[h]);
        char *safe = cu_agent_safe(helper);
        cu_emit_line(d->ctx, d->src, hp != NULL ? cu_agent_line(d, hp) : 0, "agent/hook-command",
                     payload_severity(helper) == CUSTODY_SEV_HIGH ? CUSTODY_SEV_HIGH
                                                                  : CUSTODY_SEV_LOW,
                     safe, "%s runs a command on its own", helpers[h]);
        judge(d, hp != NULL ? cu_agent_line(d, hp) : 0, helper);
        free(safe);
        free(hp);
    }
    const json_t *sl = json_object_get(doc, "statusLine");
    const char *slc = json_is_object(sl) ? str_of(sl, "command") : NULL;
    if (slc != NULL) {
        char *safe = cu_agent_safe(slc);
        cu_emit_line(d->ctx, d->src, cu_agent_line(d, "/statusLine/command"), "agent/hook-command",
                     payload_severity(slc) == CUSTODY_SEV_HIGH ? CUSTODY_SEV_HIGH : CUSTODY_SEV_LOW,
                     safe, "%s", "statusLine runs a command whenever the status line updates");
        judge(d, cu_agent_line(d, "/statusLine/command"), slc);
        free(safe);
    }
    const json_t *env = json_object_get(doc, "env");
    if (json_is_object(env)) {
        env_secrets(d, env, "/env");
    }
    const json_t *hooks = json_object_get(doc, "hooks");
    if (hooks != NULL) {
        cu_agent_hooks(d, hooks, "/hooks");
    }
}

static bool yolo(const json_t *o)
{
    const char *m = str_of(o, "approvalMode");
    const char *dm = str_of(o, "defaultApprovalMode");
    return json_is_true(json_object_get(o, "autoAccept")) ||
           json_is_true(json_object_get(o, "yolo")) || (m != NULL && strcmp(m, "yolo") == 0) ||
           (dm != NULL && strcmp(dm, "yolo") == 0);
}

void cu_agent_gemini_settings(const struct cu_agent_doc *d, const json_t *doc)
{
    static const char *const sect[] = { NULL, "general", "tools", "security" };
    for (size_t i = 0; i < sizeof(sect) / sizeof(sect[0]); i++) {
        const json_t *o = sect[i] == NULL ? doc : json_object_get(doc, sect[i]);
        if (json_is_object(o) && yolo(o)) {
            char *p = cu_jsonc_ptr("", sect[i] != NULL ? sect[i] : "autoAccept");
            cu_emit_line(d->ctx, d->src, p != NULL ? cu_agent_line(d, p) : 0,
                         "agent/permissions-bypass", CU_SEV_DEFAULT, sect[i], "%s",
                         "Gemini CLI accepts tool calls without asking (autoAccept/yolo)");
            free(p);
        }
    }
    const json_t *hooks = json_object_get(doc, "hooks");
    if (hooks != NULL) {
        cu_agent_hooks(d, hooks, "/hooks");
    }
}
