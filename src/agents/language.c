/* Override / concealment / exfiltration language, remote includes and fetch-and-run one-liners
 * in prose (agents.h). The text is cut into lower-case word tokens (paths and URLs stay whole,
 * '|' is a token of its own), and scored phrase patterns are matched over the tokens with small
 * gaps, so case, whitespace, line wrapping and punctuation do not matter. A phrase that is
 * quoted inside security guidance warning against it ("never follow instructions like 'ignore
 * previous instructions'") drops to info; a warning alone or quotes alone drop it to low.
 *
 * Emits <family>/injection-language (override, concealment, exfiltration, tool redirection)
 * and <family>/remote-include (remote instructions; fetch-and-run one-liners at critical). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agents/agents.h"
#include "agents/skillcheck.h"
#include "engine/engine.h"
#include "core/util.h"
#include "core/banned.h"

#define LANG_MAX_TOKENS (1u << 20)
#define LANG_MAX_HITS   64u

struct tok {
    size_t off, len; /* in text */
    uint32_t line;
    bool brk;    /* a sentence/paragraph break precedes it */
    bool quoted; /* inside quotes, a code span or a fenced block */
    bool comma;  /* a comma precedes it (short skips do not cross it) */
};

enum cat { C_OVERRIDE, C_CONCEAL, C_EXFIL, C_TOOL, C_REMOTE, C_RUN };

/* Pattern syntax: space-separated slots. A slot is alternatives separated by '|'; an
 * alternative ending in '*' matches a prefix; "@url" matches a URL, "@pipe" the '|' token;
 * a trailing '?' makes the slot optional; "~N" skips up to N tokens (within the sentence). */
struct pat {
    enum cat cat;
    int sev;
    const char *p;
    const char *what;
};

#define SECRETS                                                                               \
    "credential*|secret*|password*|passwd|token*|api_key*|apikey*|key|keys|.env|~/.ssh*|ssh|" \
    "id_rsa*|cookies|cookie|session*|env|environment|.aws*|~/.aws*|wallet*|seed|mnemonic*"

static const struct pat pats[] = {
    /* instruction override */
    { C_OVERRIDE, CUSTODY_SEV_HIGH,
      "ignore|disregard|forget|override|bypass ~3 previous|prior|above|earlier|preceding|"
      "original|your|system|initial|developer ~2 instruction*|prompt*|rule*|direction*|"
      "guideline*|guardrail*|context|message*|constraint*",
      "instruction override" },
    { C_OVERRIDE, CUSTODY_SEV_HIGH,
      "disregard|ignore|forget|override the|your system|developer prompt|message|instruction*",
      "instruction override" },
    { C_OVERRIDE, CUSTODY_SEV_MEDIUM,
      "you are now|henceforth a|an? unrestricted|unfiltered|jailbroken|evil|uncensored|"
      "different|new",
      "role reassignment" },
    { C_OVERRIDE, CUSTODY_SEV_HIGH, "you are now dan|jailbroken|unrestricted|unfiltered|uncensored",
      "role reassignment" },
    { C_OVERRIDE, CUSTODY_SEV_HIGH,
      "new|updated|real|actual|revised instructions:|instruction:|rules:|task:",
      "new instructions" },
    { C_OVERRIDE, CUSTODY_SEV_HIGH,
      "secret|hidden instructions:|instruction:|task:", "new instructions" },
    { C_OVERRIDE, CUSTODY_SEV_HIGH,
      "do? not|don't|dont|never follow|obey ~2 system|previous|prior|original|user's|user "
      "instruction*|prompt*|rules",
      "instruction override" },
    /* concealment */
    { C_CONCEAL, CUSTODY_SEV_MEDIUM,
      "do|must|should? not|never|don't|dont ~1 tell|inform|mention|reveal|disclose|alert|notify "
      "~4 user|users|human|anyone|operator",
      "concealment from the user" },
    { C_CONCEAL, CUSTODY_SEV_MEDIUM,
      "don't|dont|never mention|tell|reveal|disclose ~1 this|that|it|these ~3 to? user|users|"
      "anyone|human",
      "concealment from the user" },
    { C_CONCEAL, CUSTODY_SEV_MEDIUM, "don't|dont|never mention|reveal this|that", "concealment" },
    { C_CONCEAL, CUSTODY_SEV_MEDIUM,
      "without telling|informing|notifying|alerting ~1 the? user|users|human|them",
      "concealment from the user" },
    { C_CONCEAL, CUSTODY_SEV_MEDIUM, "without showing ~1 the? user|users|human",
      "concealment from the user" },
    { C_CONCEAL, CUSTODY_SEV_MEDIUM,
      "hide|conceal this|it|these|the ~3 from the? user|users|human|output|logs",
      "concealment from the user" },
    { C_CONCEAL, CUSTODY_SEV_MEDIUM,
      "silently|secretly|quietly|covertly|invisibly run|execute|send|upload|install|download|"
      "copy|post|delete|modify|read|add|include|call|exfiltrate",
      "covert action" },
    { C_CONCEAL, CUSTODY_SEV_MEDIUM, "this|it must|should remain|stay|be hidden|secret|invisible",
      "concealment" },
    /* exfiltration */
    { C_EXFIL, CUSTODY_SEV_HIGH,
      "send|upload|post|transmit|exfiltrate|forward|email|leak|copy|submit|share|pipe ~6 " SECRETS
      " ~8 to|into|at|via ~2 @url|url|webhook*|discord|telegram|pastebin*|attacker*|"
      "external|remote",
      "exfiltration of credentials" },
    { C_EXFIL, CUSTODY_SEV_HIGH,
      "include|append|add|embed|put|encode|insert ~6 " SECRETS "|conversation|history|chat ~6 "
      "in|into|as ~3 image|markdown|link|img",
      "secrets in a link or image URL" },
    { C_EXFIL, CUSTODY_SEV_HIGH,
      "read|cat|collect|gather|grab|harvest|dump ~4 " SECRETS " ~8 and ~3 send|upload|post|"
      "transmit|exfiltrate|forward|email|include",
      "credential harvesting" },
    /* tool redirection */
    { C_TOOL, CUSTODY_SEV_MEDIUM,
      "instead of using|calling|invoking ~4 tool|tools ~4 use|call|invoke", "tool redirection" },
    { C_TOOL, CUSTODY_SEV_MEDIUM,
      "always|must|first use|call|invoke this tool ~3 before|instead|first|whenever",
      "tool redirection" },
    { C_TOOL, CUSTODY_SEV_MEDIUM,
      "before using|calling|invoking any|other ~2 tool|tools ~6 must|always|first",
      "tool redirection" },
    { C_TOOL, CUSTODY_SEV_MEDIUM,
      "do? not|don't|dont|never use|call|invoke the|any ~3 tool|tools|server ~6 instead|only",
      "tool redirection" },
    /* remote include */
    { C_REMOTE, CUSTODY_SEV_HIGH,
      "fetch|load|read|download|retrieve|get|pull|import|curl|wget ~6 instruction*|rule*|"
      "prompt*|direction*|command*|task* ~5 from|at @url ~3 and|then follow|obey|execute|apply|"
      "run|do ~2 it|them|the|its|those|these|whatever",
      "remote instructions followed" },
    { C_REMOTE, CUSTODY_SEV_MEDIUM,
      "fetch|load|read|download|retrieve|get|pull|import|curl|wget ~6 instruction*|rule*|"
      "prompt*|direction*|command*|task* ~5 from|at @url",
      "remote instructions" },
    { C_REMOTE, CUSTODY_SEV_MEDIUM,
      "follow|obey|execute|apply|run|do ~6 instruction*|directions|steps|commands|whatever ~6 "
      "at|from|in|on @url",
      "remote instructions" },
    { C_REMOTE, CUSTODY_SEV_HIGH,
      "@url ~6 and follow|obey|execute|apply|run ~2 it|them|the|its|those|these|whatever",
      "remote instructions" },
    /* fetch-and-run one-liners */
    { C_RUN, CUSTODY_SEV_CRITICAL,
      "curl|wget|fetch|iwr|irm|invoke-webrequest|invoke-restmethod ~12 @pipe sudo? ~2 sh|bash|"
      "zsh|dash|ksh|fish|python|python3|perl|ruby|node|php|iex|invoke-expression",
      "download piped to a shell" },
    { C_RUN, CUSTODY_SEV_CRITICAL,
      "base64|b64decode|xxd|certutil ~4 -d|--decode|-r|-decode ~6 @pipe sudo? sh|bash|zsh|"
      "dash|python|python3|perl|iex",
      "decoded data piped to a shell" },
    { C_RUN, CUSTODY_SEV_CRITICAL,
      "iex|invoke-expression ~3 iwr|irm|invoke-webrequest|invoke-restmethod|new-object|"
      "downloadstring*|net.webclient*",
      "PowerShell download-and-run" },
};

struct lang {
    struct cu_ctx *ctx;
    const struct cu_source *src;
    const char *t;
    size_t len;
    const char *family;
    struct tok *tk;
    size_t n;
    size_t hits;
};

static bool word_byte(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '\'' || c == '.' || c == '~' || c == '/' || c == '-' || c == ':' || c == '@' ||
           c == '$' || c == '%' || c == '?' || c == '=' || c == '&' || c == '#' || c == '+' ||
           c == ')' || c >= 0x80;
}

static bool is_url(const char *s, size_t n)
{
    return (n > 8 && strncmp(s, "https://", 8) == 0) || (n > 7 && strncmp(s, "http://", 7) == 0);
}

/* Lower-case comparison of a token with an alternative (prefix when it ends in '*'). */
static bool alt_match(const struct lang *L, const struct tok *t, const char *a, size_t alen)
{
    const char *s = L->t + t->off;
    if (alen == 4 && memcmp(a, "@url", 4) == 0) {
        return is_url(s, t->len);
    }
    if (alen == 5 && memcmp(a, "@pipe", 5) == 0) {
        return t->len == 1 && s[0] == '|';
    }
    bool prefix = alen > 1 && a[alen - 1] == '*';
    bool colon = alen > 1 && a[alen - 1] == ':';
    if (colon && (t->off + t->len >= L->len || L->t[t->off + t->len] != ':')) {
        return false;
    }
    size_t want = prefix || colon ? alen - 1 : alen;
    if (prefix ? t->len < want : t->len != want) {
        return false;
    }
    for (size_t i = 0; i < want; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c == '\'' && a[i] == '\'') {
            continue;
        }
        if (c != a[i]) {
            return false;
        }
    }
    return true;
}

static bool slot_match(const struct lang *L, const struct tok *t, const char *s, size_t slen)
{
    size_t i = 0;
    while (i < slen) {
        size_t j = i;
        while (j < slen && s[j] != '|') {
            j++;
        }
        if (alt_match(L, t, s + i, j - i)) {
            return true;
        }
        i = j + 1;
    }
    return false;
}

/* Matches pattern text p (from its slot at p) at token k; on success *end is one past the last
 * token used. Depth-first with bounded gaps. */
static bool match_at(const struct lang *L, const char *p, size_t k, size_t *end, unsigned depth)
{
    while (*p == ' ') {
        p++;
    }
    if (*p == '\0') {
        *end = k;
        return true;
    }
    if (depth > 64) {
        return false;
    }
    const char *e = p;
    while (*e != '\0' && *e != ' ') {
        e++;
    }
    size_t slen = (size_t)(e - p);
    if (p[0] == '~') {
        unsigned gap = (unsigned)(p[1] - '0');
        if (slen > 2) {
            gap = gap * 10 + (unsigned)(p[2] - '0');
        }
        for (unsigned g = 0; g <= gap && k + g <= L->n; g++) {
            if (g > 0 && k + g < L->n && (L->tk[k + g].brk || (gap <= 2 && L->tk[k + g].comma))) {
                break;
            }
            if (match_at(L, e, k + g, end, depth + 1)) {
                return true;
            }
        }
        return false;
    }
    bool opt = slen > 1 && p[slen - 1] == '?';
    size_t plen = opt ? slen - 1 : slen;
    if (k < L->n && (depth == 0 || !L->tk[k].brk) && slot_match(L, &L->tk[k], p, plen) &&
        match_at(L, e, k + 1, end, depth + 1)) {
        return true;
    }
    return opt && match_at(L, e, k, end, depth + 1);
}

/* Warning words in the same sentence before token k. */
static bool warned(const struct lang *L, size_t k)
{
    static const char *const w[] = {
        "never",    "not",      "don't",      "dont",       "avoid",     "refuse",    "reject",
        "beware",   "warn*",    "attack*",    "malicious",  "adversar*", "injection", "example*",
        "e.g",      "e.g.",     "such",       "suspicious", "phishing",  "untrusted", "watch",
        "detect*",  "block*",   "resist",     "defend*",    "mitigat*",  "threat*",   "prevent*",
        "sanitiz*", "exploit*", "jailbreak*", "hostile",    "scam*",     "fake",      NULL
    };
    size_t back = 0;
    while (k > 0 && back < 20) {
        if (L->tk[k].brk) {
            break;
        }
        k--;
        back++;
        for (size_t i = 0; w[i] != NULL; i++) {
            if (alt_match(L, &L->tk[k], w[i], strlen(w[i]))) {
                return true;
            }
        }
    }
    return false;
}

static bool tok_eq(const struct lang *L, size_t k, const char *w)
{
    size_t n = strlen(w);
    return k < L->n && L->tk[k].len == n && strncasecmp(L->t + L->tk[k].off, w, n) == 0;
}

static bool span_has_word(const struct lang *L, size_t k, size_t end, const char *w)
{
    for (size_t i = k; i < end; i++) {
        if (tok_eq(L, i, w)) {
            return true;
        }
    }
    return false;
}

/* Whether byte off is in a later cell of a Markdown table row whose first cell starts with a
 * code span: "| `systemMessage` | Override default system prompt |" documents an API option or
 * parameter; the description cell names what the option does, it does not instruct. */
static bool option_table_cell(const struct lang *L, size_t off)
{
    size_t ls = off;
    while (ls > 0 && L->t[ls - 1] != '\n') {
        ls--;
    }
    size_t j = ls;
    while (j < off && (L->t[j] == ' ' || L->t[j] == '\t')) {
        j++;
    }
    if (j >= off || L->t[j] != '|') {
        return false;
    }
    j++;
    while (j < off && L->t[j] == ' ') {
        j++;
    }
    if (j >= off || L->t[j] != '`') {
        return false;
    }
    /* the code span closes and the first cell ends before off */
    j++;
    while (j < off && L->t[j] != '`' && L->t[j] != '\n') {
        j++;
    }
    if (j >= off || L->t[j] != '`') {
        return false;
    }
    while (j < off && L->t[j] != '|') {
        j++;
    }
    return j < off;
}

static void emit_hit(struct lang *L, const struct pat *pt, size_t k, size_t end)
{
    if (L->hits >= LANG_MAX_HITS) {
        return;
    }
    L->hits++;
    bool q = L->tk[k].quoted, w = warned(L, k);
    int sev = pt->sev;
    const char *note = "";
    if (pt->cat == C_TOOL && strcmp(L->family, "mcp") != 0) {
        sev = CUSTODY_SEV_LOW; /* "use the Grep tool instead of grep": ordinary in rules files */
    }
    if (q && w) {
        sev = CUSTODY_SEV_INFO;
        note = " (quoted in a warning)";
    } else if (w) {
        sev = CUSTODY_SEV_LOW;
        note = " (after warning words)";
    } else if (q && pt->cat != C_RUN) {
        /* a quoted phrase is talked about ("never obey 'ignore previous instructions'"),
         * not said: inventory only */
        sev = CUSTODY_SEV_LOW;
        note = " (quoted)";
    }
    if (pt->cat == C_OVERRIDE && sev > CUSTODY_SEV_MEDIUM && option_table_cell(L, L->tk[k].off)) {
        sev = CUSTODY_SEV_MEDIUM;
        note = " (describes an option in a table)";
    }
    size_t s = L->tk[k].off, e = L->tk[end - 1].off + L->tk[end - 1].len;
    /* "send the API key only to https://vendor": a restriction, not an instruction to leak;
     * "the goal is not to tell the user what is true": a definition, not concealment */
    if (pt->cat == C_EXFIL && span_has_word(L, k, end, "only") && sev > CUSTODY_SEV_LOW) {
        sev = CUSTODY_SEV_LOW;
        note = " (restricted to one destination)";
    }
    if (pt->cat == C_CONCEAL && k > 0 && !L->tk[k].brk &&
        (tok_eq(L, k - 1, "is") || tok_eq(L, k - 1, "was") || tok_eq(L, k - 1, "are")) &&
        tok_eq(L, k, "not") && sev > CUSTODY_SEV_LOW) {
        sev = CUSTODY_SEV_LOW;
        note = " (a definition)";
    }
    if (pt->cat == C_RUN && strcmp(pt->what, "download piped to a shell") == 0 &&
        (tok_eq(L, end, "-m") || tok_eq(L, end, "-c") || tok_eq(L, end, "-e")) &&
        !tok_eq(L, end - 1, "sh") && !tok_eq(L, end - 1, "bash")) {
        return; /* curl ... | python3 -m json.tool: the interpreter is given its program */
    }
    if (pt->cat == C_RUN && strcmp(pt->what, "download piped to a shell") == 0 &&
        sk_vendor_url(L->t + s, e - s)) {
        sev = CUSTODY_SEV_LOW;
        note = " (vendor installer: https, named host)";
    }
    struct cu_buf ev = CU_BUF_INIT(300);
    cu_buf_add_escaped(&ev, (const uint8_t *)L->t + s, e - s);
    char id[80];
    bool remote = pt->cat == C_REMOTE || pt->cat == C_RUN;
    (void)snprintf(id, sizeof(id), "%s/%s", L->family,
                   remote ? "remote-include" : "injection-language");
    cu_emit_line(L->ctx, L->src, L->tk[k].line, id, sev, cu_buf_str(&ev), "%s%s: '%s'", pt->what,
                 note, cu_buf_str(&ev));
    cu_buf_free(&ev);
}

/* Markdown image/link whose URL carries a template placeholder or a secret-looking query:
 * ![x](https://host/?d={api_key}) renders as a request that sends the data. */
static void image_exfil(struct lang *L, uint32_t first_line)
{
    uint32_t line = first_line;
    for (size_t i = 0; i + 4 < L->len; i++) {
        if (L->t[i] == '\n') {
            line++;
        }
        if (L->t[i] != ']' || L->t[i + 1] != '(' || !is_url(L->t + i + 2, L->len - i - 2)) {
            continue;
        }
        size_t e = i + 2;
        bool tmpl = false;
        while (e < L->len && L->t[e] != ')' && L->t[e] != '\n' && L->t[e] != ' ') {
            if (L->t[e] == '{' || L->t[e] == '$' ||
                (L->t[e] == '<' && e + 1 < L->len && L->t[e + 1] != '/')) {
                tmpl = true;
            }
            e++;
        }
        if (tmpl && L->hits < LANG_MAX_HITS) {
            L->hits++;
            char id[80];
            (void)snprintf(id, sizeof(id), "%s/injection-language", L->family);
            struct cu_buf ev = CU_BUF_INIT(300);
            cu_buf_add_escaped(&ev, (const uint8_t *)L->t + i + 2, e - i - 2);
            /* an image loads by itself when rendered; a link needs a click. A placeholder
             * named like a secret is high either way. */
            size_t b = i;
            int depth = 0;
            while (b > 0 && L->t[b - 1] != '\n') {
                b--;
                if (L->t[b] == ']') {
                    depth++;
                } else if (L->t[b] == '[' && depth-- == 0) {
                    break;
                }
            }
            bool image = b > 0 && L->t[b] == '[' && L->t[b - 1] == '!';
            static const char *const secretish[] = {
                "key",     "token",   "secret",       "passw",  "credent", "cookie",  "session",
                "env",     "history", "conversation", "chat",   "data",    "content", "context",
                "summary", "message", "output",       "result", "payload", "info",    NULL
            };
            bool secret = false;
            size_t ph = i + 2; /* the placeholder part of the URL */
            while (ph < e && L->t[ph] != '{' && L->t[ph] != '$' && L->t[ph] != '<') {
                ph++;
            }
            for (size_t q = 0; secretish[q] != NULL && !secret; q++) {
                size_t ql = strlen(secretish[q]);
                for (size_t j = ph; j + ql <= e && !secret; j++) {
                    secret = strncasecmp(L->t + j, secretish[q], ql) == 0;
                }
            }
            /* an image is high when its placeholder rides in the query string; a badge or
             * a path template (https://img.shields.io/badge/status-<status>-<color>,
             * https://github.com/{owner}/{repo}/raw/...) carries no conversation data */
            bool query = false;
            for (size_t j = i + 2; j < ph && !query; j++) {
                query = L->t[j] == '?' || L->t[j] == '#';
            }
            cu_emit_line(
                L->ctx, L->src, line, id,
                (image && query) || secret ? CUSTODY_SEV_HIGH : CUSTODY_SEV_LOW, cu_buf_str(&ev),
                "%s URL with a placeholder the agent fills in: %s sends the data to "
                "that host ('%s')",
                image ? "image" : "link", image ? "rendering it" : "following it", cu_buf_str(&ev));
            cu_buf_free(&ev);
        }
    }
}

/* A shell running a command substitution of a download: bash <(curl ...), sh -c "$(wget ...)",
 * eval `curl ...`. */
/* The word before byte i on its line, skipping spaces, quotes and options (-c, -s, --). */
static bool runner_before(const struct lang *L, size_t ls, size_t i)
{
    static const char *const runners[] = { "sh",   "bash",   "zsh",  "dash",   "ksh",
                                           "eval", "source", ".",    "python", "python3",
                                           "perl", "ruby",   "node", "iex",    NULL };
    size_t j = i;
    for (int words = 0; words < 4; words++) {
        while (j > ls && (L->t[j - 1] == ' ' || L->t[j - 1] == '\t' || L->t[j - 1] == '"' ||
                          L->t[j - 1] == '\'')) {
            j--;
        }
        size_t e = j;
        while (j > ls && L->t[j - 1] != ' ' && L->t[j - 1] != '\t' && L->t[j - 1] != '`' &&
               L->t[j - 1] != '(') {
            j--;
        }
        if (e == j) {
            return false;
        }
        if (L->t[j] == '-') {
            continue; /* an option: look further back */
        }
        for (size_t r = 0; runners[r] != NULL; r++) {
            size_t rl = strlen(runners[r]);
            if (e - j >= rl && memcmp(L->t + e - rl, runners[r], rl) == 0 &&
                (e - j == rl || L->t[e - rl - 1] == '/')) {
                return true;
            }
        }
        return false;
    }
    return false;
}

/* A shell running a command substitution of a download: bash <(curl ...), sh -c "$(wget ...)",
 * eval `curl ...`: the runner must be the word right before (options aside). */
static void subst_run(struct lang *L, uint32_t first_line)
{
    static const char *const opens[] = { "<(curl", "<(wget", "$(curl", "$(wget",
                                         "`curl",  "`wget",  "<(iwr",  "$(iwr" };
    uint32_t line = first_line;
    size_t ls = 0;
    for (size_t i = 0; i < L->len && L->hits < LANG_MAX_HITS; i++) {
        if (L->t[i] == '\n') {
            line++;
            ls = i + 1;
            continue;
        }
        for (size_t o = 0; o < sizeof(opens) / sizeof(opens[0]); o++) {
            size_t ol = strlen(opens[o]);
            if (L->len - i < ol || memcmp(L->t + i, opens[o], ol) != 0) {
                continue;
            }
            if (runner_before(L, ls, i)) {
                L->hits++;
                char id[80];
                (void)snprintf(id, sizeof(id), "%s/remote-include", L->family);
                size_t from = i - ls > 40 ? i - 40 : ls;
                size_t e = i;
                while (e < L->len && L->t[e] != '\n' && e - i < 120) {
                    e++;
                }
                struct cu_buf ev = CU_BUF_INIT(300);
                cu_buf_add_escaped(&ev, (const uint8_t *)L->t + from, e - from);
                bool vendor = sk_vendor_url(L->t + from, e - from);
                cu_emit_line(
                    L->ctx, L->src, line, id, vendor ? CUSTODY_SEV_LOW : CUSTODY_SEV_CRITICAL,
                    cu_buf_str(&ev), "a shell runs a downloaded script%s: '%s'",
                    vendor ? " (vendor installer: https, named host)" : "", cu_buf_str(&ev));
                cu_buf_free(&ev);
            }
            break;
        }
    }
}

static int tokenize(struct lang *L, uint32_t first_line)
{
    size_t cap = 0;
    uint32_t line = first_line;
    bool brk = true, fence = false, bt = false, comma = false;
    int dq = 0, sq = 0, cq = 0; /* " ' and curly quotes open */
    size_t i = 0;
    const uint8_t *t = (const uint8_t *)L->t;
    bool line_start = true;
    while (i < L->len) {
        uint8_t c = t[i];
        if (line_start) {
            size_t j = i;
            while (j < L->len && (t[j] == ' ' || t[j] == '\t')) {
                j++;
            }
            if (L->len - j >= 3 && (memcmp(t + j, "```", 3) == 0 || memcmp(t + j, "~~~", 3) == 0)) {
                fence = !fence;
                brk = true;
            }
            line_start = false;
        }
        if (c == '\n') {
            line++;
            line_start = true;
            dq = sq = 0;
            bt = false;
            size_t j = i + 1;
            while (j < L->len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r')) {
                j++;
            }
            if (j >= L->len || t[j] == '\n' || t[j] == '#' || t[j] == '-' || t[j] == '*' ||
                t[j] == '>' || t[j] == '|') {
                brk = true; /* blank line, heading, list item, quote, table row */
            }
            i++;
            continue;
        }
        if (c == '|' && (i == 0 || t[i - 1] != '|') && (i + 1 >= L->len || t[i + 1] != '|')) {
            /* a pipe token */
            if (!cu_grow((void **)&L->tk, &cap, L->n + 1, sizeof(*L->tk))) {
                return CUSTODY_ENOMEM;
            }
            L->tk[L->n++] =
                (struct tok){ i, 1, line, brk, fence || bt || dq || sq || cq > 0, comma };
            comma = false;
            brk = false;
            i++;
            continue;
        }
        if (!word_byte(c) || (c == '\'' && (i + 1 >= L->len || !word_byte(t[i + 1]) || i == 0 ||
                                            !word_byte(t[i - 1])))) {
            if (c == '"') {
                dq = !dq;
            } else if (c == '`') {
                bt = !bt;
            } else if (c == '\'') {
                sq = !sq;
            } else if (c == '!' || c == ';') {
                brk = true;
            } else if (c == ',') {
                comma = true;
            }
            i++;
            continue;
        }
        if (c >= 0x80) {
            /* curly quotes U+2018/2019/201C/201D, guillemets */
            if (L->len - i >= 3 && t[i] == 0xE2 && t[i + 1] == 0x80 &&
                (t[i + 2] == 0x9C || t[i + 2] == 0x98)) {
                cq++;
                i += 3;
                continue;
            }
            if (L->len - i >= 3 && t[i] == 0xE2 && t[i + 1] == 0x80 &&
                (t[i + 2] == 0x9D || t[i + 2] == 0x99)) {
                if (cq > 0) {
                    cq--;
                }
                i += 3;
                continue;
            }
        }
        size_t s = i;
        while (i < L->len && word_byte(t[i]) &&
               !(t[i] >= 0xE2 && L->len - i >= 3 && t[i] == 0xE2 && t[i + 1] == 0x80 &&
                 t[i + 2] >= 0x98 && t[i + 2] <= 0x9D)) {
            if (t[i] == '\'' && (i + 1 >= L->len || !word_byte(t[i + 1]))) {
                break;
            }
            i++;
        }
        if (i == s) {
            i++; /* a byte no branch takes (U+201A/201B low quotes): skip it */
            continue;
        }
        size_t e = i;
        bool end_sentence = false;
        /* trailing punctuation is not part of the word; a final '.', '?' ends a sentence */
        while (e > s && (t[e - 1] == '.' || t[e - 1] == ':' || t[e - 1] == '?' || t[e - 1] == ')' ||
                         t[e - 1] == ',')) {
            if (e - s == 4 && memcmp(t + s, ".env", 4) == 0) {
                break;
            }
            if (t[e - 1] == '.' || t[e - 1] == '?') {
                end_sentence = true;
            }
            if (e - s >= 2 && t[e - 1] == ')' && memchr(t + s, '(', e - s) != NULL) {
                break;
            }
            e--;
        }
        if (e > s) {
            if (L->n >= LANG_MAX_TOKENS) {
                return 1;
            }
            if (!cu_grow((void **)&L->tk, &cap, L->n + 1, sizeof(*L->tk))) {
                return CUSTODY_ENOMEM;
            }
            L->tk[L->n++] =
                (struct tok){ s, e - s, line, brk, fence || bt || dq || sq || cq > 0, comma };
            comma = false;
            brk = false;
        }
        if (end_sentence) {
            brk = true;
        }
    }
    return 0;
}

void cu_text_check_language(struct cu_ctx *ctx,
                            const struct cu_source *src,
                            const char *text,
                            size_t len,
                            uint32_t first_line,
                            const char *family)
{
    if (text == NULL || family == NULL) {
        return;
    }
    struct lang L = { ctx, src, text, len, family, NULL, 0, 0 };
    int rc = tokenize(&L, first_line);
    if (rc == CUSTODY_ENOMEM) {
        free(L.tk);
        char id[80];
        (void)snprintf(id, sizeof(id), "%s/injection-language", family);
        cu_emit_line(ctx, src, first_line, id, CUSTODY_SEV_MEDIUM, NULL,
                     "out of memory: the text was not checked for injection language");
        return;
    }
    for (size_t k = 0; k < L.n; k++) {
        for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
            size_t end = 0;
            if (match_at(&L, pats[p].p, k, &end, 0) && end > k) {
                emit_hit(&L, &pats[p], k, end);
                k = end - 1;
                break;
            }
        }
    }
    image_exfil(&L, first_line);
    subst_run(&L, first_line);
    free(L.tk);
}
