#ifndef CU_AGENTS_H
#define CU_AGENTS_H
/* Agent configuration, tool snapshots, skills, prompts and rules files (DESIGN §2 src/agents).
 * Shared text checks used by several analyzers of this family. Each check emits findings
 * through the engine with 1-based lines; `family` is the rule-id prefix the caller owns
 * ("prompt", "mcp", "agent", "skill"): the rule "<family>/<check>" must exist in the catalogue.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cu_ctx;
struct cu_source;

/* unicode.c: hidden Unicode in UTF-8 text: tag characters (decoded into the evidence), bidi
 * controls, zero-width and other format characters (ZWJ inside emoji sequences is fine),
 * mixed-script words; invalid UTF-8 is itself reported. `text` need not be NUL-terminated;
 * `first_line` is the line of text[0] in src. Emits <family>/hidden-unicode,
 * <family>/bidi-control, <family>/mixed-script. */
void cu_text_check_unicode(struct cu_ctx *ctx,
                           const struct cu_source *src,
                           const char *text,
                           size_t len,
                           uint32_t first_line,
                           const char *family);

/* language.c: instruction-override, concealment and exfiltration language, remote includes,
 * fetch-and-run one-liners in prose. Emits exactly two ids: <family>/injection-language
 * (override, concealment, exfiltration, tool redirection, secrets in link/image URLs) and
 * <family>/remote-include (remote instructions; fetch-and-run one-liners at critical). A phrase
 * quoted inside warning text drops to info, after warning words alone to low.
 * unicode.c emits exactly <family>/hidden-unicode (also invalid UTF-8, at low),
 * <family>/bidi-control and <family>/mixed-script. Severities are explicit per finding. */
void cu_text_check_language(struct cu_ctx *ctx,
                            const struct cu_source *src,
                            const char *text,
                            size_t len,
                            uint32_t first_line,
                            const char *family);

/* secrets.c: hard-coded credentials (provider token patterns, private keys, URLs with
 * passwords). Fills up to `max` hits, returns the number found (may exceed max). */
struct cu_secret_hit {
    size_t off; /* in text */
    size_t len;
    const char *kind; /* static: "github-token", "openai-key", "aws-access-key", ... */
};
size_t cu_secrets_find(const char *text, size_t len, struct cu_secret_hit *hits, size_t max);
/* Redacted form for output: first 4 characters, then "…" and the first 12 hex digits of the
 * SHA-256 of the whole secret ("ghp_…sha256:1a2b3c4d5e6f"). Fresh string or NULL (ENOMEM). */
char *cu_secret_redact(const char *s, size_t len);

#endif
