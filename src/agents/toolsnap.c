/* Saved MCP tools/list results (agentcfg.h): {"tools":[...]}, a JSON-RPC response wrapping
 * one, or a map server -> tools. Every tool gets an "mcp-tool" component carrying the SHA-256
 * of its canonical definition (sorted keys, compact) for rug-pull pinning, and its texts are
 * checked: hidden Unicode and injection language (shared checks, family "mcp"), poisoning
 * phrases, embedded payloads, requests for secrets, cross-server shadowing. */
#include <ctype.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agentcfg.h"
#include "agents/agents.h"
#include "core/util.h"
#include "core/banned.h"

#define MAX_TOOLS        4096u
#define MAX_OTHER_NAMES  1024u /* tool names of other servers kept for shadowing */
#define MAX_SCHEMA_DEPTH 16u

static bool tool_list(const json_t *a)
{
    if (!json_is_array(a)) {
        return false;
    }
    if (json_array_size(a) == 0) {
        return true;
    }
    const json_t *t = json_array_get(a, 0);
    return json_is_object(t) && json_is_string(json_object_get(t, "name")) &&
           (json_object_get(t, "description") != NULL ||
            json_object_get(t, "inputSchema") != NULL ||
            json_object_get(t, "input_schema") != NULL);
}

/* The tools array of one response-ish object, or NULL. */
static const json_t *tools_of(const json_t *o, const char **ptr_suffix)
{
    if (!json_is_object(o)) {
        return tool_list(o) ? (*ptr_suffix = "", o) : NULL;
    }
    const json_t *t = json_object_get(o, "tools");
    if (tool_list(t) && json_array_size(t) > 0) {
        *ptr_suffix = "/tools";
        return t;
    }
    const json_t *r = json_object_get(o, "result");
    t = json_is_object(r) ? json_object_get(r, "tools") : NULL;
    if (tool_list(t) && json_array_size(t) > 0) {
        *ptr_suffix = "/result/tools";
        return t;
    }
    return NULL;
}

bool cu_toolsnap_match(const json_t *doc)
{
    const char *suf;
    if (tools_of(doc, &suf) != NULL) {
        return true;
    }
    if (!json_is_object(doc) || json_object_size(doc) == 0) {
        return false;
    }
    /* map server -> tools: every value holds tools */
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)doc, k, v)
    {
        if (tools_of(v, &suf) == NULL) {
            return false;
        }
    }
    return true;
}

/* ---- phrase checks ---- */

static char *lower(const char *s, size_t n)
{
    char *l = cu_malloc(n + 1);
    if (l == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        l[i] = (char)(c == '\n' || c == '\t' || c == '\r' ? ' ' : tolower(c));
    }
    l[n] = '\0';
    return l;
}

/* Substring match; a path needle ("/etc/passwd", "~/.ssh") must end at a word boundary so
 * "/etc/passwded" is not /etc/passwd. */
static const char *any_of(const char *l, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *nd = list[i];
        size_t m = strlen(nd);
        bool path = nd[0] == '/' || nd[0] == '~' || nd[0] == '.';
        for (const char *p = strstr(l, nd); p != NULL; p = strstr(p + 1, nd)) {
            if (!path || !(isalnum((unsigned char)p[m]) || p[m] == '_')) {
                return nd;
            }
        }
    }
    return NULL;
}

#define ANY(l, arr) any_of((l), (arr), sizeof(arr) / sizeof((arr)[0]))

/* Hidden secondary behaviour and coercion of the model. */
static const char *const poison[] = {
    "ignore previous instructions",
    "ignore all previous",
    "ignore the previous",
    "ignore any previous",
    "ignore your instructions",
    "disregard previous",
    "disregard all previous",
    "disregard your",
    "disregard the above",
    "forget all previous",
    "forget everything",
    "do not tell the user",
    "don't tell the user",
    "never tell the user",
    "do not inform the user",
    "do not mention this",
    "don't mention this",
    "do not mention that",
    "without telling the user",
    "without informing the user",
    "without the user knowing",
    "without user knowledge",
    "without the user's knowledge",
    "hide this from the user",
    "tell the user only",
    "tell user only",
    "secretly ",
    "covertly ",
    "silently send",
    "silently upload",
    "silently collect",
    "silently forward",
    "silently copy",
    "silently log",
    "in the background send",
    "<important>",
    "<critical>",
    "<urgent>",
    "[hidden instruction",
    "[system instruction",
    "[internal instruction",
    "system override",
    "system prompt override",
    "admin override",
    "<!-- system",
    "<!--system",
    "before using any other tool",
    "before executing any other tool",
    "before calling any other tool",
    "before invoking any other tool",
    "always use this tool first",
    "always call this tool first",
    "always run this tool first",
    "always use this tool before",
    "always call this tool before",
    "you must use this tool",
    "you must call this tool",
    "you must run this tool",
    "must be called before",
    "tool will not work unless",
    "will not work unless you",
    "sidenote",
    "hidden parameter",
    "hidden argument",
    "secret parameter",
    "share with third part",
    "shares with third part",
    "send to third part",
    "shared with third part",
    "sharing with third part",
    "sold to third part",
    "cached externally",
    "stored externally",
    "machine fingerprint",
    "device fingerprint",
    "browser fingerprint",
    "location history is",
    "controlled by the attacker",
    "attacker-controlled",
    "to the attacker",
    "sent to third part",
    "share with partners",
    "share with advertisers",
    "synced to cloud",
    "sync to cloud",
    "synced to remote",
    "stored remotely",
    "cached remotely",
    "stored on our server",
    "automatically subscribe",
    "auto opt-in",
    "automatically opt",
    "actually sends",
    "actually uploads",
    "actually collects",
    "new instructions: you are",
    "developer mode activated",
    "bypass all security",
    "bypass security checks",
    "grant admin access",
    "disregard safety",
    "indexes all api keys",
    "index all api keys",
    "extracts all api keys",
    "extract all api keys",
    "extracts any credentials",
    "extract any credentials",
    "extracts all credentials",
    "logs all passwords",
    "stores all passwords",
};

/* "Also does X": a secondary action, reported only when what it handles is sensitive or
 * goes elsewhere ("also sends a notification to the assignee" is ordinary). */
static const char *const also[] = {
    "also collect",
    "also send",
    "also upload",
    "also forward",
    "also extract",
    "also capture",
    "also log",
    "also index",
    "also store",
    "also record",
    "also track",
    "additionally send",
    "additionally upload",
    "additionally collect",
    "additionally extract",
    "additionally log",
    "additionally store",
    "in addition, send",
    "in addition send",
};
static const char *const also_objects[] = {
    "key",        "token",      "credential", "password",   "secret",   "conversation", "history",
    "clipboard",  "screenshot", "location",   "cookie",     "http",     "remote",       "external",
    "third part", "analytics",  "attacker",   "our server", "personal", "private",      "sensitive",
};

/* Executable payloads: code, shell, script, SQL, system manipulation. */
static const char *const payload[] = {
    "os.system(",
    "os.popen(",
    "subprocess.",
    "__import__(",
    "eval(",
    "exec(",
    "popen(",
    "child_process",
    "shell_exec(",
    "runinthiscontext",
    "base64.b64decode",
    "b64decode(",
    "atob(",
    "buffer.from(",
    "frombase64string",
    "xxd -r",
    "bash -i",
    "sh -i",
    "/dev/tcp/",
    "nc -e",
    "ncat -e",
    "netcat -e",
    "socat exec",
    "| sh",
    "|sh ",
    "| bash",
    "|bash",
    "curl http",
    "curl -s http",
    "curl -o",
    "wget http",
    "wget -o",
    "rm -rf",
    "rm -fr",
    "shutdown -h",
    "shutdown now",
    "reboot now",
    "mkfs",
    "dd if=",
    "chmod 777",
    "chmod +s",
    "chmod 4755",
    "chown root",
    "/etc/sudoers",
    "sudo -s",
    "sudo -i",
    "sudo su",
    "kill -9",
    "pkill -f",
    "killall ",
    "powershell -",
    "invoke-expression",
    "iex(",
    "cmd /c",
    "cmd.exe /c",
    "wscript.shell",
    "createobject(",
    "shell.application",
    "<script",
    "javascript:",
    "data:text/html;base64",
    "\\x1b[",
    "\\u001b[",
    "\x1b[",
    "' or '1'='1",
    "\" or \"1\"=\"1",
    "or 1=1",
    "' or 1=1",
    "; drop table",
    "';drop table",
    "'; drop table",
    "union select",
    "union all select",
    "waitfor delay",
    "pg_sleep(",
    "sleep(5)",
    "benchmark(",
    "xp_cmdshell",
    "load_file(",
    "into outfile",
    "extractvalue(",
    "updatexml(",
    "nmap -s",
    "/etc/shadow",
    "settimeout(",
    "setinterval(",
    "new function(",
};

/* Secrets and private files, and sending data away. */
static const char *const sensitive[] = {
    "~/.ssh",
    "/.ssh/",
    ".ssh/id_",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "authorized_keys",
    ".aws/credentials",
    "/.aws/",
    "aws_secret_access_key",
    "aws_access_key_id",
    ".kube/config",
    "/.kube/",
    ".netrc",
    ".pgpass",
    ".git-credentials",
    "/etc/passwd",
    "credentials.json",
    "service_account.json",
    "wallet.dat",
    "claude_desktop_config.json",
    ".cursor/mcp.json",
    "~/.cursor/",
    "docker/config.json",
    "private key",
    "private_key",
    "begin rsa private",
    "begin openssh private",
    "openai_api_key",
    "anthropic_api_key",
    "github_token",
    "hf_token",
    "slack_token",
    "stripe_secret_key",
    "database_password",
    "db_password",
    "process.env",
    "os.environ",
    "getenv(",
    "conversation history",
    "conversation_history",
    "chat history",
    "entire conversation",
    "full conversation",
    "system prompt",
    "system_prompt",
    "chain of thought",
    "chain_of_thought",
    "all api keys",
    "list all keys",
    "show all passwords",
    "all passwords",
    "all credentials",
    "all tokens",
    "clipboard content",
    "keystroke",
    "keylog",
    "screenshot and send",
    "send screenshots",
    "attacker.com",
    "evil.com",
    "exfil",
    "steal",
    "malicious.com",
    "c2 server",
    "contents of the .env",
    "contents of .env",
    "read the .env",
    ".env file",
    "harvested",
    "to a remote server",
    "to an external server",
    "to remote endpoint",
    "to a remote endpoint",
    "to an external endpoint",
};

/* Personal data, reported only with verbs that move or keep it (a payment tool may name a
 * credit card; one that extracts and logs it is not ordinary). */
static const char *const pii[] = {
    "credit card",  "social security", "account number", "passwords",
    "bank account", "phi record",      "medical record", "full name",
};
static const char *const pii_verbs[] = {
    "extract", "harvest", "logged", "log ",        "collect", "sync",   "send",   "upload",
    "forward", "steal",   "leak",   "shared with", "exfil",   "includ", "captur", "record",
};

/* Sending verbs that turn a mention of secret data into a request for it. */
static const char *const send_verbs[] = {
    "send",     "upload",      "transmit", "forward", "post ",   "pass ",   "include",
    "read",     "cat ",        "provide",  "add ",    "attach",  "leak",    "exfil",
    "steal",    "copy",        "dump",     "collect", "extract", "harvest", "share",
    "retrieve", "concatenate", "append",   "stream",
};

/* Redirect / precedence language for shadowing. */
static const char *const redirect[] = {
    "instead",
    "rather than",
    "do not use",
    "don't use",
    "never use",
    "must not use",
    "must",
    "always",
    "before",
    "whenever",
    "redirect",
    "override",
    "replace",
    "all emails",
    "all messages",
    "bcc",
    "change the recipient",
    "send all",
    "forward all",
};

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct tctx {
    const struct cu_agent_doc *d;
    const char *server;
    const char *tool;
    char **others; /* tool names of other servers */
    size_t nothers;
};

static void check_text(const struct tctx *t, const char *text, const char *ptr, const char *what)
{
    if (text == NULL || text[0] == '\0') {
        return;
    }
    size_t n = strlen(text);
    uint32_t line = cu_agent_line(t->d, ptr);
    cu_text_check_unicode(t->d->ctx, t->d->src, text, n, line, "mcp");
    cu_text_check_language(t->d->ctx, t->d->src, text, n, line, "mcp");
    cu_agent_check_secret(t->d, line, "mcp/plaintext-secret", t->tool, NULL, text);
    char *l = lower(text, n);
    if (l == NULL) {
        return;
    }
    char *ev = cu_agent_safe(text);
    const char *hit;
    if ((hit = ANY(l, poison)) != NULL ||
        ((hit = ANY(l, also)) != NULL && ANY(l, also_objects) != NULL)) {
        cu_emit_line(t->d->ctx, t->d->src, line, "mcp/tool-poisoning", CU_SEV_DEFAULT, ev,
                     "tool '%s' %s: hidden or coercive instruction (\"%s\")", t->tool, what, hit);
    }
    if ((hit = ANY(l, payload)) != NULL) {
        cu_emit_line(t->d->ctx, t->d->src, line, "mcp/tool-payload", CU_SEV_DEFAULT, ev,
                     "tool '%s' %s embeds an executable payload (\"%s\")", t->tool, what, hit);
    }
    if ((hit = ANY(l, sensitive)) != NULL && ANY(l, send_verbs) != NULL) {
        cu_emit_line(t->d->ctx, t->d->src, line, "mcp/tool-sensitive-data", CU_SEV_DEFAULT, ev,
                     "tool '%s' %s asks for secrets or private data (\"%s\")", t->tool, what, hit);
    }
    if ((hit = ANY(l, pii)) != NULL && ANY(l, pii_verbs) != NULL) {
        cu_emit_line(t->d->ctx, t->d->src, line, "mcp/tool-sensitive-data", CU_SEV_DEFAULT, ev,
                     "tool '%s' %s collects personal data (\"%s\")", t->tool, what, hit);
    }
    /* cross-server shadowing */
    bool redir = ANY(l, redirect) != NULL;
    /* identifier-like words of the text looked up among the other servers' tool names
     * (sorted): linear in the text, not in the number of tools */
    for (const char *p = l; redir && *p;) {
        while (*p && !(isalnum((unsigned char)*p) || *p == '_')) {
            p++;
        }
        const char *w = p;
        while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.')) {
            p++;
        }
        size_t wn = (size_t)(p - w);
        while (wn > 0 && (w[wn - 1] == '.' || w[wn - 1] == '-')) {
            wn--; /* sentence punctuation */
        }
        if (wn < 4 || wn > 127 || t->nothers == 0) {
            continue;
        }
        char word[128];
        memcpy(word, w, wn);
        word[wn] = '\0';
        const char *key = word;
        char *const *found = bsearch(&key, t->others, t->nothers, sizeof(char *), name_cmp);
        if (found != NULL) {
            cu_emit_line(t->d->ctx, t->d->src, line, "mcp/tool-shadowing", CU_SEV_DEFAULT, ev,
                         "tool '%s' %s names '%s' of another server and redirects its use", t->tool,
                         what, *found);
            break;
        }
    }
    if (strstr(l, "other tool") != NULL || strstr(l, "other server") != NULL ||
        strstr(l, "another tool") != NULL || strstr(l, "other mcp") != NULL) {
        if (strstr(l, "instead") != NULL || strstr(l, "do not use") != NULL ||
            strstr(l, "don't use") != NULL || strstr(l, "never use") != NULL ||
            strstr(l, "when using") != NULL || strstr(l, "when calling") != NULL ||
            strstr(l, "highest priority") != NULL || strstr(l, "shadow") != NULL ||
            strstr(l, "override") != NULL || strstr(l, "redirect") != NULL) {
            cu_emit_line(t->d->ctx, t->d->src, line, "mcp/tool-shadowing", CU_SEV_DEFAULT, ev,
                         "tool '%s' %s tells the model how to use other tools", t->tool, what);
        }
    }
    free(ev);
    free(l);
}

/* Descriptions, titles, defaults, enums and property names of an input schema. */
static void check_schema(const struct tctx *t, const json_t *s, const char *ptr, unsigned depth)
{
    if (!json_is_object(s) || depth > MAX_SCHEMA_DEPTH) {
        return;
    }
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)s, k, v)
    {
        char *p = cu_jsonc_ptr(ptr, k);
        if (p == NULL) {
            continue;
        }
        if (json_is_string(v) &&
            (strcmp(k, "description") == 0 || strcmp(k, "title") == 0 ||
             strcmp(k, "default") == 0 || strcmp(k, "const") == 0 || strcmp(k, "examples") == 0)) {
            check_text(t, json_string_value(v), p, "parameter text");
        } else if (json_is_array(v) && (strcmp(k, "enum") == 0 || strcmp(k, "examples") == 0)) {
            size_t i;
            const json_t *e;
            json_array_foreach(v, i, e)
            {
                if (json_is_string(e)) {
                    check_text(t, json_string_value(e), p, "parameter value");
                }
            }
        } else if (strcmp(k, "properties") == 0 && json_is_object(v)) {
            const char *pk;
            const json_t *pv;
            json_object_foreach((json_t *)v, pk, pv)
            {
                char *pp = cu_jsonc_ptr(p, pk);
                if (pp != NULL) {
                    uint32_t line = cu_agent_line(t->d, pp);
                    cu_text_check_unicode(t->d->ctx, t->d->src, pk, strlen(pk), line, "mcp");
                    check_text(t, pk, pp, "parameter name");
                    check_schema(t, pv, pp, depth + 1);
                }
                free(pp);
            }
        } else if (json_is_object(v)) {
            check_schema(t, v, p, depth + 1);
        } else if (json_is_array(v)) {
            size_t i;
            const json_t *e;
            json_array_foreach(v, i, e)
            {
                char *ip = cu_jsonc_ptr_index(p, i);
                if (ip != NULL) {
                    check_schema(t, e, ip, depth + 1);
                }
                free(ip);
            }
        }
        free(p);
    }
}

static void digest_hex(const char *s, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    (void)SHA256((const unsigned char *)s, strlen(s), md);
    cu_hex_encode(md, SHA256_DIGEST_LENGTH, out);
}

static int one_tool(const struct tctx *base, const json_t *tool, const char *ptr)
{
    struct tctx t = *base;
    const char *name = json_string_value(json_object_get(tool, "name"));
    uint32_t line = cu_agent_line(t.d, ptr);
    if (!json_is_object(tool) || name == NULL) {
        cu_emit_line(t.d->ctx, t.d->src, line, "agent/unknown-config-shape", CU_SEV_DEFAULT, NULL,
                     "%s", "tool entry without a name");
        return 0;
    }
    t.tool = name;
    char *np = cu_jsonc_ptr(ptr, "name");
    if (np != NULL) {
        cu_text_check_unicode(t.d->ctx, t.d->src, name, strlen(name), cu_agent_line(t.d, np),
                              "mcp");
    }
    free(np);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)tool, k, v)
    {
        char *p = cu_jsonc_ptr(ptr, k);
        if (p == NULL) {
            continue;
        }
        if (strcmp(k, "description") == 0 || strcmp(k, "title") == 0) {
            check_text(&t, json_string_value(v), p, k);
        } else if (strcmp(k, "inputSchema") == 0 || strcmp(k, "input_schema") == 0 ||
                   strcmp(k, "outputSchema") == 0 || strcmp(k, "parameters") == 0) {
            check_schema(&t, v, p, 0);
        } else if (strcmp(k, "annotations") == 0 && json_is_object(v)) {
            char *tp = cu_jsonc_ptr(p, "title");
            check_text(&t, json_string_value(json_object_get(v, "title")), tp, "title");
            free(tp);
        }
        free(p);
    }
    char *canon = json_dumps(tool, JSON_SORT_KEYS | JSON_COMPACT);
    if (canon == NULL) {
        return CUSTODY_ENOMEM;
    }
    char hex[65];
    digest_hex(canon, hex);
    free(canon);
    char *key = cu_asprintf("%s/%s", t.server, name);
    if (key == NULL) {
        return CUSTODY_ENOMEM;
    }
    custody_prop props[3] = { { "sha256", hex }, { "server", t.server }, { "pin-key", key } };
    struct cu_component_desc cd = { 0 };
    cd.kind = "mcp-tool";
    cd.name = name;
    cd.line = line;
    cd.props = props;
    cd.nprops = 3;
    cu_component(t.d->ctx, t.d->src, &cd);
    free(key);
    return 0;
}

static void add_names(const json_t *tools, char ***names, size_t *n, size_t *cap)
{
    size_t i;
    const json_t *tool;
    json_array_foreach(tools, i, tool)
    {
        const char *nm = json_string_value(json_object_get(tool, "name"));
        if (nm == NULL || *n >= MAX_OTHER_NAMES ||
            !cu_grow((void **)names, cap, *n + 1, sizeof(char *))) {
            continue;
        }
        char *l = lower(nm, strlen(nm));
        if (l != NULL) {
            (*names)[(*n)++] = l;
        }
    }
}

static int server_tools(const struct cu_agent_doc *d,
                        const char *server,
                        const json_t *tools,
                        const char *ptr,
                        const json_t *all,
                        const char *skip_server)
{
    struct tctx t = { d, server, NULL, NULL, 0 };
    size_t cap = 0;
    /* tool names of the other servers in the same snapshot */
    if (json_is_object(all)) {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)all, k, v)
        {
            const char *suf;
            const json_t *ot = tools_of(v, &suf);
            if (ot != NULL && (skip_server == NULL || strcmp(k, skip_server) != 0)) {
                add_names(ot, &t.others, &t.nothers, &cap);
            }
        }
        if (t.nothers > 1) {
            qsort(t.others, t.nothers, sizeof(char *), name_cmp);
        }
    }
    int rc = 0;
    size_t i;
    const json_t *tool;
    json_array_foreach(tools, i, tool)
    {
        if (i >= MAX_TOOLS) {
            break;
        }
        char *p = cu_jsonc_ptr_index(ptr, i);
        if (p == NULL) {
            rc = CUSTODY_ENOMEM;
            break;
        }
        rc = one_tool(&t, tool, p);
        free(p);
        if (rc < 0) {
            break;
        }
    }
    for (size_t k = 0; k < t.nothers; k++) {
        free(t.others[k]);
    }
    free(t.others);
    return rc;
}

int cu_toolsnap_analyze(const struct cu_agent_doc *d, const json_t *doc)
{
    const char *suf = NULL;
    const json_t *tools = tools_of(doc, &suf);
    cu_fact(d->ctx, "agents.format", "%s", "mcp-tool-snapshot");
    if (tools != NULL) {
        /* server name: serverInfo.name when saved with the initialize result, else the file */
        const json_t *si = json_object_get(doc, "serverInfo");
        const char *server = json_string_value(json_object_get(si, "name"));
        char *base = NULL;
        if (server == NULL) {
            base = cu_strdup(cu_basename(d->src->name));
            if (base == NULL) {
                return CUSTODY_ENOMEM;
            }
            char *dot = strrchr(base, '.');
            if (dot != NULL && dot != base) {
                *dot = '\0';
            }
            server = base;
        }
        int rc = server_tools(d, server, tools, suf, NULL, NULL);
        free(base);
        return rc;
    }
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)doc, k, v)
    {
        const json_t *st = tools_of(v, &suf);
        char *p0 = cu_jsonc_ptr("", k);
        char *p = p0 != NULL ? cu_asprintf("%s%s", p0, suf) : NULL;
        int rc = p != NULL ? server_tools(d, k, st, p, doc, k) : CUSTODY_ENOMEM;
        free(p0);
        free(p);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}
