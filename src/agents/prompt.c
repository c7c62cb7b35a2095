/* Prompts and agent rules files (issue 7, Deliver 2): the files coding agents load as
 * instructions by their path: .cursorrules, .cursor/rules/<x>.mdc, .windsurfrules, .clinerules
 * (file or folder), CLAUDE.md, AGENTS.md, GEMINI.md, .github/copilot-instructions.md,
 * .github/instructions/<x>.instructions.md, .github/prompts/<x>.prompt.md, <x>.prompt, and the
 * Roo/Kiro/Continue/Junie/aider equivalents. Tools find them by name, so the sniff is by path
 * (on text content); the checks are the shared hidden-Unicode and language checks and
 * hard-coded credentials, each finding with its line. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agents/agents.h"
#include "agents/skillcheck.h"
#include "engine/engine.h"
#include "core/util.h"
#include "core/banned.h"

#define PROMPT_MAX (8u << 20)

/* Last component after '/' or '!' (an archive member). */
static const char *leaf(const char *loc)
{
    const char *b = loc;
    for (const char *p = loc; *p != '\0'; p++) {
        if (*p == '/' || *p == '!') {
            b = p + 1;
        }
    }
    return b;
}

/* True when `loc` has a directory component `dir` (a path such as ".github/prompts") right
 * above the basename, or anywhere above it when `anywhere`. */
static bool under(const char *loc, const char *dir, bool anywhere)
{
    size_t dl = strlen(dir);
    const char *base = leaf(loc);
    for (const char *p = loc; p < base; p++) {
        if ((p == loc || p[-1] == '/' || p[-1] == '!') && strncmp(p, dir, dl) == 0 &&
            p[dl] == '/') {
            if (anywhere || p + dl + 1 == base) {
                return true;
            }
        }
    }
    return false;
}

bool cu_prompt_path(const char *loc)
{
    if (loc == NULL) {
        return false;
    }
    const char *b = leaf(loc);
    static const char *const names[] = { ".cursorrules",
                                         ".windsurfrules",
                                         ".clinerules",
                                         ".roorules",
                                         "claude.md",
                                         "claude.local.md",
                                         "agents.md",
                                         "agent.md",
                                         "gemini.md",
                                         "copilot-instructions.md",
                                         "conventions.md",
                                         ".goosehints",
                                         ".augment-guidelines",
                                         ".rules",
                                         "crush.md",
                                         "qwen.md",
                                         NULL };
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strcasecmp(b, names[i]) == 0) {
            return true;
        }
    }
    if (cu_has_suffix_ci(b, ".mdc") || cu_has_suffix_ci(b, ".prompt") ||
        cu_has_suffix_ci(b, ".prompt.md") || cu_has_suffix_ci(b, ".instructions.md") ||
        cu_has_suffix_ci(b, ".chatmode.md") || cu_has_suffix_ci(b, ".agent.md")) {
        return true;
    }
    /* Every folder below starts with '.': a path without "/." (or "!." or a leading '.')
     * above its basename is under none of them. */
    bool dotdir = loc[0] == '.';
    for (const char *p = loc; !dotdir && p + 1 < b; p++) {
        dotdir = (p[0] == '/' || p[0] == '!') && p[1] == '.';
    }
    bool text = dotdir && (cu_has_suffix_ci(b, ".md") || cu_has_suffix_ci(b, ".txt") ||
                           cu_has_suffix_ci(b, ".mdx") || strchr(b, '.') == NULL);
    /* Gemini CLI custom commands: TOML whose prompt may run !{shell} */
    if (dotdir && cu_has_suffix_ci(b, ".toml") && under(loc, ".gemini/commands", true)) {
        return true;
    }
    static const char *const dirs[] = { ".clinerules",
                                        ".cursor/rules",
                                        ".windsurf/rules",
                                        ".roo",
                                        ".kiro/steering",
                                        ".continue/rules",
                                        ".junie",
                                        ".claude/agents",
                                        ".claude/commands",
                                        ".github/prompts",
                                        ".github/chatmodes",
                                        ".amazonq/rules",
                                        ".trae/rules",
                                        ".cursor/commands",
                                        ".opencode/agent",
                                        ".opencode/agents",
                                        ".opencode/command",
                                        ".opencode/commands",
                                        ".qoder/rules",
                                        ".augment/rules",
                                        ".kilocode/rules",
                                        ".codex/prompts",
                                        ".factory/droids",
                                        ".github/agents",
                                        NULL };
    for (size_t i = 0; text && dirs[i] != NULL; i++) {
        if (under(loc, dirs[i], true)) {
            return true;
        }
    }
    return false;
}

static bool is_text(const uint8_t *p, size_t n)
{
    size_t ctl = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0) {
            return false;
        }
        if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' && p[i] != '\f') {
            ctl++;
        }
    }
    return ctl * 32 <= n;
}

static bool prompt_sniff(const struct cu_sniff *in)
{
    const char *where = in->loc != NULL ? in->loc : in->name;
    return where != NULL && cu_prompt_path(where) && is_text(in->head, in->len);
}

int cu_agents_read_text(struct cu_ctx *ctx, struct cu_source *src, char **out, size_t *len)
{
    return cu_source_read_all(src, PROMPT_MAX, "text file", out, len, cu_ctx_err(ctx));
}

void cu_agents_secrets(struct cu_ctx *ctx,
                       const struct cu_source *src,
                       const char *text,
                       size_t len,
                       uint32_t first_line,
                       const char *rule_id)
{
    struct cu_secret_hit hits[16];
    size_t n = cu_secrets_find(text, len, hits, 16);
    for (size_t i = 0; i < n && i < 16; i++) {
        if (hits[i].off > len || hits[i].len > len - hits[i].off) {
            continue;
        }
        uint32_t line = first_line;
        for (size_t k = 0; k < hits[i].off; k++) {
            line += text[k] == '\n';
        }
        char *red = cu_secret_redact(text + hits[i].off, hits[i].len);
        cu_emit_line(ctx, src, line, rule_id, CU_SEV_DEFAULT, red, "hard-coded %s (%s)",
                     hits[i].kind != NULL ? hits[i].kind : "credential",
                     red != NULL ? red : "redacted");
        free(red);
    }
}

static int prompt_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cu_agents_read_text(ctx, src, &text, &len);
    if (rc < 0) {
        return rc;
    }
    cu_text_check_unicode(ctx, src, text, len, 1, "prompt");
    cu_text_check_language(ctx, src, text, len, 1, "prompt");
    cu_agents_secrets(ctx, src, text, len, 1, "prompt/hardcoded-secret");
    free(text);
    return 0;
}

/* .toml: Gemini CLI custom commands (.gemini/commands/NAME.toml) */
static const char *const prompt_ext[] = { ".mdc",  ".prompt", ".prompt.md", ".instructions.md",
                                          ".toml", NULL };

const struct cu_analyzer cu_analyzer_prompt = { "prompt", prompt_ext, prompt_sniff,
                                                prompt_analyze };
