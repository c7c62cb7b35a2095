/* Rules of agent configuration: MCP server configs and tool snapshots (src/agents, mcp/), and
 * the other agent-side files: editor auto-run tasks, agent hooks, permission settings,
 * LangChain serialized manifests (agent/). prompt/ and skill/ live in their own table. */
#include "rules/catalogue.h"

#define MCP_REVIEW "Review the server entry; remove it or fix it as described."

static const custody_rule mcp_rules[] = {
    { "agent/malformed", "Agent configuration that does not parse", CUSTODY_SEV_MEDIUM,
      "A file named like an MCP/agent configuration (mcp.json, claude_desktop_config.json, "
      ".vscode/tasks.json, ...) is not valid JSON/JSONC/YAML. The client refuses or "
      "half-reads it; a scanner that skips it would miss what a repaired version does.",
      "Fix the file and scan it again." },
    { "agent/unknown-config-shape", "Agent configuration of unknown shape", CUSTODY_SEV_LOW,
      "A file with the name of a known agent configuration has a shape this scanner does not "
      "know (no mcpServers/servers map where one is expected, a server entry that is not an "
      "object). It was not analysed in full.",
      "Check that the file is what its name says; review its entries by hand." },
    { "mcp/unpinned-server", "MCP server not pinned to a version", CUSTODY_SEV_LOW,
      "The server is started from a package runner (npx, bunx, pnpm dlx, uvx, pipx) or a "
      "container image without an exact version (or with the tag latest): whatever the "
      "registry serves at the next start runs with the agent's privileges. npx -y installs "
      "without asking.",
      "Pin the package to an exact version (name@1.2.3, name==1.2.3) or the image to a "
      "digest (image@sha256:...)." },
    { "mcp/remote-fetch", "MCP server fetches code from a URL", CUSTODY_SEV_MEDIUM,
      "The command downloads code at start: a script or archive URL given to a runner (npx "
      "https://..., uvx --from git+https://..., deno run https://...), or a download piped "
      "into a shell (curl ... | sh: high). The code can change between starts and is never "
      "reviewed.",
      "Install a reviewed, pinned release and point the command at it." },
    { "mcp/inline-shell", "MCP server command is an inline shell script", CUSTODY_SEV_MEDIUM,
      "The server is started through sh/bash/zsh/cmd/PowerShell with a script on the command "
      "line (-c, /c with operators, -Command). Anything can hide in the script; clients show "
      "only the shell name when asking for approval.",
      "Start the server binary directly with plain arguments." },
    { "mcp/fetch-and-run", "MCP server's inline script downloads and runs code",
      CUSTODY_SEV_CRITICAL,
      "The script a server entry starts with (sh -c, node -e, python -c, ...) pipes a download "
      "or decoded data into a shell or interpreter.",
      "Remove the server; run a pinned, reviewed package instead." },
    { "mcp/credential-harvesting", "MCP server's inline script reads credentials", CUSTODY_SEV_HIGH,
      "The script a server entry starts with reads SSH keys, cloud credentials, .env files, "
      "browser profiles or wallets.",
      "Remove the server unless its purpose explains it." },
    { "mcp/exfil-endpoint", "MCP server's inline script names an exfiltration endpoint",
      CUSTODY_SEV_HIGH,
      "The script a server entry starts with sends data to, or names, a request catcher, drop "
      "site, tunnel, chat webhook or a raw IP address.",
      "Remove the server; check what it sent there." },
    { "mcp/persistence", "MCP server's inline script installs persistence", CUSTODY_SEV_HIGH,
      "The script a server entry starts with adds a cron job, launch agent, systemd unit, "
      "scheduled task or shell start-up line.",
      "Remove the server and what it installed." },
    { "mcp/plaintext-secret", "Credential written in an agent configuration", CUSTODY_SEV_HIGH,
      "A token or key (OpenAI, Anthropic, GitHub, AWS, Google, Slack, Stripe, Hugging Face, "
      "GitLab, npm, a private key, a JWT, a password in a URL, or a high-entropy value of a "
      "*_KEY/*TOKEN/*SECRET variable or Authorization header) is written in the file. Config "
      "files are committed, synced and read by every extension. Shown redacted: first 4 "
      "characters and a SHA-256 prefix.",
      "Revoke the credential, then reference it (${env:NAME}, ${input:id}, $NAME) instead." },
    { "mcp/insecure-transport", "MCP server over plain HTTP", CUSTODY_SEV_MEDIUM,
      "A remote (SSE / streamable HTTP) server URL uses http:// to a host that is not the "
      "loopback: tool calls, results and any Authorization header cross the network in "
      "clear text (high when headers carry credentials).",
      "Use https:// (or a loopback address for a local server)." },
    { "mcp/bind-all-interfaces", "MCP server listens on all interfaces", CUSTODY_SEV_MEDIUM,
      "The server is told to bind 0.0.0.0 / :: (--host 0.0.0.0, HOST=0.0.0.0, a URL to "
      "0.0.0.0): anyone on the network can call its tools (DNS rebinding and unauthenticated "
      "local MCP servers have been exploited).",
      "Bind 127.0.0.1 and require authentication." },
    { "mcp/auto-approve", "Tool calls approved without asking", CUSTODY_SEV_MEDIUM,
      "The configuration approves tool calls without a prompt (autoApprove/alwaysAllow lists, "
      "Gemini \"trust\": true, Claude Code bypassPermissions / enableAllProjectMcpServers, "
      "--dangerously-skip-permissions, --yolo: high). A poisoned tool result can then act "
      "with no human in the loop.",
      "Remove the auto-approval; approve individual read-only tools at most." },
    { "mcp/broad-filesystem", "Filesystem server rooted at / or home", CUSTODY_SEV_HIGH,
      "A filesystem MCP server is given the root directory, the home directory or a whole "
      "drive: the agent (and any prompt injection it reads) can read SSH keys, cloud "
      "credentials and browser profiles.",
      "Give the server only the project directory it needs." },
    { "mcp/docker-privileged", "MCP server container with host privileges", CUSTODY_SEV_HIGH,
      "The server runs in a container with --privileged, added capabilities, the Docker socket, "
      "the host root mounted, or the host's network/PID namespace (medium): the container "
      "boundary is gone.",
      "Run the container unprivileged with only the mounts it needs." },
    { "mcp/env-passthrough", "Whole environment passed to an MCP server", CUSTODY_SEV_MEDIUM,
      "Every environment variable of the client (cloud keys, tokens) is forwarded to the "
      "server (--env-host, env files outside the project, inherit-all settings).",
      "Pass only the variables the server needs." },
    { "mcp/known-malicious", "Known malicious MCP server package", CUSTODY_SEV_CRITICAL,
      "The server package is on Custody's short list of MCP packages reported as malicious "
      "(postmark-mcp 1.0.16 and later BCC'd every e-mail to its author: Koi Security, "
      "September 2025).",
      "Remove the server, rotate every credential it saw, review mail sent through it." },
    { "mcp/known-vulnerable", "MCP package with a known vulnerability", CUSTODY_SEV_HIGH,
      "The server or proxy package is pinned to a version with a published remote code "
      "execution flaw (mcp-remote before 0.1.16: CVE-2025-6514; @modelcontextprotocol/inspector "
      "before 0.14.1: CVE-2025-49596).",
      "Upgrade to a fixed version." },
    { "mcp/typosquat", "MCP server package name imitates a popular one", CUSTODY_SEV_HIGH,
      "The package name is within typo distance of a popular package without being it.",
      "Check the exact package name against the vendor's documentation." },
    { "mcp/hidden-unicode", "Hidden Unicode in a tool description", CUSTODY_SEV_HIGH,
      "A tool or parameter description contains invisible characters (Unicode tags, zero-width "
      "characters): the model reads text the user never sees.",
      "Reject the server; descriptions have no reason to hide text." },
    { "mcp/bidi-control", "Bidirectional control in a tool description", CUSTODY_SEV_HIGH,
      "Bidi override/isolate characters make the displayed text differ from what the model "
      "reads.",
      "Reject the server or remove the characters." },
    { "mcp/mixed-script", "Mixed-script word in a tool description", CUSTODY_SEV_MEDIUM,
      "A word mixes scripts (Cyrillic letters inside a Latin word): a homoglyph disguise of a "
      "tool or command name.",
      "Review the description." },
    { "mcp/injection-language", "Instructions to the model in a tool description", CUSTODY_SEV_HIGH,
      "A tool description or parameter text tells the model to ignore instructions, keep "
      "something from the user, read secrets, call other tools or send data elsewhere: tool "
      "poisoning.",
      "Reject the server; report it to its maintainers." },
    { "mcp/remote-include", "Tool description pulls remote content", CUSTODY_SEV_MEDIUM,
      "A tool description tells the model to fetch and follow a URL or run a download.",
      "Review the URL and the server." },
    { "mcp/tool-shadowing", "Tool description redirects to another server's tools",
      CUSTODY_SEV_HIGH,
      "A tool description names tools of another server (or of the client) and tells the "
      "model to use this one instead, or to change how the other is called: cross-server "
      "shadowing lets one server hijack another's calls.",
      "Remove the server whose description names other servers' tools." },
    { "mcp/tool-sensitive-data", "Tool description asks for secrets or sensitive files",
      CUSTODY_SEV_HIGH,
      "A tool description or parameter asks for credentials or private files (~/.ssh, .env, "
      "id_rsa, /etc/passwd, API keys, conversation history) or embeds executable payloads "
      "(shell one-liners, SQL injection, script tags).",
      "Reject the server." },
    { "mcp/tool-poisoning", "Hidden or coercive instruction in a tool description",
      CUSTODY_SEV_HIGH,
      "A tool description or parameter text hides a secondary behaviour (also sends, silently "
      "uploads, shares with third parties) or coerces the model (ignore previous instructions, "
      "do not tell the user, always call this tool first, <IMPORTANT> blocks, sidenotes).",
      "Reject the server; report it to its maintainers." },
    { "mcp/tool-payload", "Executable payload in a tool description", CUSTODY_SEV_HIGH,
      "A tool description or parameter text carries code or commands for the model to pass "
      "on or run: shell one-liners and reverse shells, eval/exec/subprocess calls, script "
      "tags, SQL injection, destructive or privilege-changing system commands, ANSI escapes.",
      "Reject the server." },
    { "mcp/tool-changed", "MCP tool definition changed since it was pinned", CUSTODY_SEV_HIGH,
      "The SHA-256 of the tool's canonical definition differs from the digest pinned in the "
      "store: the server changed the tool after it was approved (rug pull).",
      "Review the new definition; accept it explicitly only if the change is expected." },
    { "agent/store-unavailable", "Tool pinning asked for but the store is unavailable",
      CUSTODY_SEV_LOW,
      "The scan was given an inventory (store.path) to pin MCP tool digests, but it could not "
      "be opened or written: rug pulls cannot be detected in this run.",
      "Check the store path and permissions." },
    { "agent/autorun-task", "Editor task runs when the folder is opened", CUSTODY_SEV_MEDIUM,
      "A .vscode/tasks.json task has runOptions.runOn \"folderOpen\": VS Code, Cursor and "
      "Windsurf run it as soon as the folder is opened (once automatic tasks are allowed); "
      "high when it downloads, runs a shell one-liner or reaches the network.",
      "Remove runOn folderOpen; run the task by hand." },
    { "agent/hook-command", "Agent hook runs a command automatically", CUSTODY_SEV_LOW,
      "A hook in .claude/settings.json, .cursor/hooks.json, a plugin's hooks.json or Gemini "
      "settings runs a command on agent events without asking (low: an inventory of what runs); "
      "high when it downloads, pipes into a shell, decodes base64 or sends data.",
      "Review every hook; keep hooks in files you own, not in cloned projects." },
    { "agent/fetch-and-run", "Agent hook or task downloads and runs code", CUSTODY_SEV_CRITICAL,
      "A command the agent or editor runs by itself (a hook, apiKeyHelper, statusLine, a "
      "folder-open task) pipes a download or decoded data into a shell or interpreter: it runs "
      "whatever the server sends, at every session.",
      "Remove the command; install tools from pinned, reviewed packages." },
    { "agent/credential-harvesting", "Agent hook or task reads credentials", CUSTODY_SEV_HIGH,
      "A command the agent or editor runs by itself reads SSH keys, cloud credentials, .env "
      "files, browser profiles or wallets.",
      "Remove the command unless its purpose explains it." },
    { "agent/exfil-endpoint", "Agent hook or task names an exfiltration endpoint", CUSTODY_SEV_HIGH,
      "A command the agent or editor runs by itself sends data to, or names, a request catcher, "
      "drop site, tunnel, chat webhook or a raw IP address.",
      "Remove the command; check what it sent there." },
    { "agent/persistence", "Agent hook or task installs persistence", CUSTODY_SEV_HIGH,
      "A command the agent or editor runs by itself adds a cron job, launch agent, systemd "
      "unit, scheduled task or shell start-up line.",
      "Remove the command and what it installed." },
    { "agent/permissions-bypass", "Agent permission checks disabled", CUSTODY_SEV_HIGH,
      "The agent settings turn off approval (Claude Code defaultMode bypassPermissions, "
      "Gemini autoAccept/yolo, Codex approval_policy never with danger-full-access): every "
      "command the model decides on runs.",
      "Use the default approval mode." },
    { "agent/langchain-untrusted-class", "LangChain manifest builds a class outside LangChain",
      CUSTODY_SEV_HIGH,
      "A serialized LangChain object (lc: 1, type constructor) names a class outside the "
      "langchain namespaces: loading it with a permissive valid_namespaces imports and "
      "constructs arbitrary code.",
      "Load only manifests you produced; keep valid_namespaces at its default." },
    { "agent/langchain-custom-endpoint", "LangChain model points at a custom endpoint",
      CUSTODY_SEV_HIGH,
      "A model constructor sets base_url / openai_api_base / api_base / endpoint_url to a "
      "host that is not the provider's: a shared manifest can route every prompt and the API "
      "key (sent as a header) to a proxy that keeps them.",
      "Remove the endpoint or check that it is your own gateway." },
    { "agent/traffic-redirect", "Agent or MCP server traffic sent to another host",
      CUSTODY_SEV_HIGH,
      "An environment variable the agent or MCP server starts with sends its traffic somewhere "
      "else: a model provider's endpoint variable (ANTHROPIC_BASE_URL, OPENAI_BASE_URL, ...) "
      "naming a host that is not the provider's API (high: every prompt and the API key go "
      "there, the hidden-proxy attack on shared agent configurations), HF_ENDPOINT naming a "
      "mirror, an HTTP(S) proxy that is not local, or TLS verification turned off or a "
      "certificate bundle replaced (medium).",
      "Remove the variable unless the host is your own gateway; keep endpoint and proxy "
      "settings out of shared configuration files." },
    { "agent/langchain-secret", "LangChain manifest holds a literal key", CUSTODY_SEV_HIGH,
      "A *_api_key (or similar) field holds a literal credential instead of a "
      "{\"lc\":1,\"type\":\"secret\"} reference. Shown redacted.",
      "Revoke the key; serialize with secrets as references." },
    { "agent/langchain-not-implemented", "LangChain manifest entry that cannot be loaded",
      CUSTODY_SEV_LOW,
      "A manifest entry has type not_implemented or an unknown type: it was serialized from "
      "an object LangChain cannot rebuild.",
      "Review the manifest." },
};

CU_RULE_TABLE(cu_rules_mcp, mcp_rules);
