#ifndef CU_SKILLCHECK_H
#define CU_SKILLCHECK_H
/* Checks of agent skills shared by SKILL.md and the scripts bundled with it (skill.c): a small
 * tokenizer per language (shtok.c: shell, codetok.c: Python and JavaScript) hands words,
 * strings and commands to the judgement here (skillcheck.c). Comments never reach it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cu_ctx;
struct cu_source;

#define SK_MAX_DEPTH 4u /* sh -c, eval, base64 -d, here-docs inside each other */
#define SK_MAX_HITS  200u

struct sk {
    struct cu_ctx *ctx;
    const struct cu_source *src;
    unsigned depth;
    unsigned hits;
    bool prose_seen_archive; /* set by prose checks */
    int rc_sev;              /* severity for a shell start-up file write; 0 = high */
    bool minified_name;      /* the file is named *.min.js: minified by design (low) */
    bool in_prereq;          /* the Markdown section is "Prerequisites"/"Requirements" */
    bool doc;                /* Markdown read by people and agents (SKILL.md, references/),
                              * not a script the skill runs */
    bool pattern;            /* the word is a regular expression (codetok.c): indicators
                              * in it are a detection pattern, reported low */
    const char *family;      /* NULL for skills; "python" when Python source analysis
                              * (pysrc.c) borrows the shell judgement: sk_emit then reports
                              * skill/X as python/X, and drops X that family has no rule for */
    bool key_read;           /* set by the tokenizers around sk_check_word: the word is an
                              * argument of a command or call that reads, copies or sends a
                              * file (cat, cp, curl, open(), readFile...) */
};

/* Flags a shell check returns about what the text does. */
#define SK_FETCH  1u /* a command downloads (curl, wget, iwr...) */
#define SK_DECODE 2u /* a command decodes (base64 -d, xxd -r...) */
#define SK_RAN    4u /* fetch-and-run already reported */

/* shtok.c: shell text. `prose` for Markdown lines: '#' is no comment, backticks separate and
 * apostrophes are letters. */
unsigned sk_check_shell(struct sk *k, const char *text, size_t len, uint32_t line, bool prose);
/* codetok.c */
void sk_check_python(struct sk *k, const char *text, size_t len, uint32_t line);
void sk_check_js(struct sk *k, const char *text, size_t len, uint32_t line);

/* A command or inline script an agent configuration runs (MCP server entries, hooks, editor
 * tasks), judged as a skill's scripts are and reported under `family` ("mcp", "agent"):
 * FAMILY/fetch-and-run, /credential-harvesting, /exfil-endpoint, /persistence. `lang` is
 * "shell", "python" or "js". */
void sk_judge_command(struct cu_ctx *ctx,
                      const struct cu_source *src,
                      uint32_t line,
                      const char *family,
                      const char *lang,
                      const char *code);

/* skillcheck.c: one word or string of code (`code`) or of prose: sensitive paths, exfiltration
 * endpoints, persistence locations, encoded blobs. */
void sk_check_word(struct sk *k, const char *w, size_t n, uint32_t line, bool code);
/* Emits skill/<what> at line (CU_SEV_DEFAULT or a severity), capped per file. */
void sk_emit(struct sk *k,
             uint32_t line,
             const char *rule,
             int sev,
             const char *evidence,
             size_t evlen,
             const char *msg);
/* Whether text can hold a pipeline or a command the shell judgement reports (a cheap filter
 * before tokenizing prose lines and single strings); otherwise sk_check_word is enough. */
bool sk_shell_worthy(const char *t, size_t n);
/* Basename of a command word, lower-cased into buf (size >= 2). */
const char *sk_cmd_name(const char *w, size_t n, char *buf, size_t cap);
bool sk_is_fetcher(const char *cmd);
bool sk_is_runner(const char *cmd);
/* Decodes standard/URL-safe base64 (no whitespace) into a fresh buffer; NULL when invalid. */
char *sk_b64(const char *s, size_t n, size_t *out_len);

/* True when t[0..n) names at least one URL and every URL is https:// to a named host that is not
 * a paste site, file drop, tunnel, request catcher, shortener or dynamic-DNS name, and the text
 * does not decode base64: a vendor installer one-liner ("curl -fsSL https://bun.sh/install |
 * bash"), reported low instead of critical. A raw IP, http://, a URL in a variable or base64
 * keep the one-liner critical. */
bool sk_vendor_url(const char *t, size_t n);

/* prompt.c helpers shared with skill.c */
bool cu_prompt_path(const char *loc);
int cu_agents_read_text(struct cu_ctx *ctx, struct cu_source *src, char **out, size_t *len);
void cu_agents_secrets(struct cu_ctx *ctx,
                       const struct cu_source *src,
                       const char *text,
                       size_t len,
                       uint32_t first_line,
                       const char *rule_id);

#endif
