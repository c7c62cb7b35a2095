/* Hard-coded credentials (agents.h): provider token patterns, private keys, JWTs and URLs with
 * a password. Documentation placeholders (runs of x, "your", "EXAMPLE", "<...>") are not
 * secrets: a config copied from a README must not be reported. */
#include "agents/agents.h"

#include <string.h>
#include <strings.h>

#include "agents/agentcfg.h"
#include "core/redact.h"
#include "core/banned.h"

static bool is_alnum(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_upper_digit(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_b64url(uint8_t c)
{
    return is_alnum(c) || c == '-' || c == '_';
}

static bool is_letter(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Case-insensitive substring search within [s, s+n). */
static bool has_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    if (m > n) {
        return false;
    }
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m) {
            char a = s[i + j];
            char b = needle[j];
            if (a >= 'A' && a <= 'Z') {
                a = (char)(a - 'A' + 'a');
            }
            if (a != b) {
                break;
            }
            j++;
        }
        if (j == m) {
            return true;
        }
    }
    return false;
}

/* True for documentation placeholders: "xxxx", "XXXX", "your", "example", "<", "...", "1234",
 * a single repeated character. */
bool cu_secret_is_placeholder(const char *s, size_t n)
{
    if (n == 0) {
        return true;
    }
    if (has_ci(s, n, "xxxx") || has_ci(s, n, "your") || has_ci(s, n, "example") ||
        has_ci(s, n, "placeholder") || has_ci(s, n, "redacted") || has_ci(s, n, "changeme") ||
        has_ci(s, n, "****") || has_ci(s, n, "...") || has_ci(s, n, "\xe2\x80\xa6") ||
        has_ci(s, n, "123456") || has_ci(s, n, "abcdef") || has_ci(s, n, "<") ||
        has_ci(s, n, "${") || has_ci(s, n, "{{") || has_ci(s, n, "000000")) {
        return true;
    }
    size_t same = 0;
    for (size_t i = 1; i < n; i++) {
        same += s[i] == s[i - 1];
    }
    return same * 2 >= n;
}

struct pat {
    const char *prefix;
    const char *kind;
    bool (*cls)(uint8_t c);
    size_t min, max; /* body length after the prefix */
};

/* Longer prefixes of the same family first (sk-ant- before sk-). */
static const struct pat pats[] = {
    { "sk-ant-", "anthropic-key", is_b64url, 32, 200 },
    { "sk-proj-", "openai-key", is_b64url, 32, 300 },
    { "sk-svcacct-", "openai-key", is_b64url, 32, 300 },
    { "sk-admin-", "openai-key", is_b64url, 32, 300 },
    { "sk-", "openai-key", is_b64url, 32, 200 },
    { "github_pat_", "github-token", is_b64url, 40, 120 },
    { "ghp_", "github-token", is_alnum, 36, 40 },
    { "gho_", "github-token", is_alnum, 36, 40 },
    { "ghu_", "github-token", is_alnum, 36, 40 },
    { "ghs_", "github-token", is_alnum, 36, 40 },
    { "ghr_", "github-token", is_alnum, 36, 40 },
    { "AKIA", "aws-access-key", is_upper_digit, 16, 16 },
    { "ASIA", "aws-access-key", is_upper_digit, 16, 16 },
    { "AIza", "google-api-key", is_b64url, 35, 35 },
    { "xoxb-", "slack-token", is_b64url, 20, 200 },
    { "xoxp-", "slack-token", is_b64url, 20, 200 },
    { "xoxa-", "slack-token", is_b64url, 20, 200 },
    { "xoxr-", "slack-token", is_b64url, 20, 200 },
    { "xoxs-", "slack-token", is_b64url, 20, 200 },
    { "xoxe-", "slack-token", is_b64url, 20, 200 },
    { "xapp-", "slack-token", is_b64url, 20, 200 },
    { "sk_live_", "stripe-key", is_alnum, 20, 200 },
    { "rk_live_", "stripe-key", is_alnum, 20, 200 },
    { "hf_", "huggingface-token", is_letter, 30, 40 },
    { "glpat-", "gitlab-token", is_b64url, 20, 60 },
    { "npm_", "npm-token", is_alnum, 36, 36 },
    { "pypi-AgE", "pypi-token", is_b64url, 50, 300 },
};

static bool boundary_before(const char *t, size_t i)
{
    return i == 0 || !is_b64url((uint8_t)t[i - 1]);
}

/* The body has at least one digit and one letter (real tokens do; prose words do not). */
static bool mixed(const char *s, size_t n)
{
    bool d = false, l = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        d = d || (c >= '0' && c <= '9');
        l = l || is_letter(c);
    }
    return d && l;
}

static size_t
add_hit(struct cu_secret_hit *hits, size_t max, size_t n, size_t off, size_t len, const char *kind)
{
    if (n < max && hits != NULL) {
        hits[n].off = off;
        hits[n].len = len;
        hits[n].kind = kind;
    }
    return n + 1;
}

static size_t match_pat(const char *t, size_t len, size_t i, size_t *hlen, const char **kind)
{
    for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
        size_t pl = strlen(pats[p].prefix);
        if (pl > len - i || memcmp(t + i, pats[p].prefix, pl) != 0) {
            continue;
        }
        size_t j = i + pl;
        while (j < len && j - i - pl <= pats[p].max && pats[p].cls((uint8_t)t[j])) {
            j++;
        }
        size_t body = j - i - pl;
        if (body < pats[p].min || body > pats[p].max) {
            continue;
        }
        /* the token must end at a boundary (an AWS key id is exactly 20 characters) */
        if (j < len && is_b64url((uint8_t)t[j])) {
            continue;
        }
        if (cu_secret_is_placeholder(t + i, j - i) ||
            (pats[p].cls != is_letter && !mixed(t + i + pl, body))) {
            return 0;
        }
        *hlen = j - i;
        *kind = pats[p].kind;
        return 1;
    }
    return 0;
}

/* eyJ<b64url>.eyJ<b64url>.<b64url> */
static size_t match_jwt(const char *t, size_t len, size_t i)
{
    size_t j = i;
    for (int part = 0; part < 3; part++) {
        if (part < 2) {
            if (3 > len - j || memcmp(t + j, "eyJ", 3) != 0) {
                return 0;
            }
        }
        size_t start = j;
        while (j < len && is_b64url((uint8_t)t[j])) {
            j++;
        }
        if (j - start < 10) {
            return 0;
        }
        if (part < 2) {
            if (j >= len || t[j] != '.') {
                return 0;
            }
            j++;
        }
    }
    return j - i;
}

/* -----BEGIN [...] PRIVATE KEY----- through the END line (or to the end of text). */
static size_t match_pem(const char *t, size_t len, size_t i)
{
    static const char begin[] = "-----BEGIN ";
    if (sizeof(begin) - 1 > len - i || memcmp(t + i, begin, sizeof(begin) - 1) != 0) {
        return 0;
    }
    size_t j = i + sizeof(begin) - 1;
    size_t lim = j + 40 < len ? j + 40 : len;
    const char *pk = NULL;
    for (size_t k = j; k + 16 <= lim; k++) {
        if (memcmp(t + k, "PRIVATE KEY-----", 16) == 0) {
            pk = t + k;
            break;
        }
    }
    if (pk == NULL) {
        return 0;
    }
    size_t body = (size_t)(pk - t) + 16;
    /* a header alone (in prose, a regex, `key = "-----BEGIN RSA PRIVATE KEY-----"` in a list
     * of bad examples) is no key: the base64 body must follow it, as lines of base64 (with
     * "\\n" escapes, quotes and string concatenation in code) up to the END line: at least
     * 64 base64 characters, one run of 40 (a PEM line is 64). Traditional encrypted keys have
     * "Proc-Type:" and "DEK-Info:" header lines first. Prose after the header ("goes here"),
     * or the next assignment, ends the body. */
    size_t b64 = 0, run = 0, best = 0;
    size_t k = body;
    for (; k < len && k - body < 8192; k++) {
        char ch = t[k];
        if (ch == '-' && 9 <= len - k && memcmp(t + k, "-----END ", 9) == 0) {
            break;
        }
        if (is_alnum((uint8_t)ch) || ch == '+' || ch == '/') {
            b64++;
            run++;
            best = run > best ? run : best;
            continue;
        }
        run = 0;
        if (ch == '\\' && k + 1 < len && (t[k + 1] == 'n' || t[k + 1] == 'r')) {
            k++;
            continue;
        }
        if (ch == '=' && k > body &&
            (t[k - 1] == '=' || is_alnum((uint8_t)t[k - 1]) || t[k - 1] == '+' ||
             t[k - 1] == '/')) {
            continue; /* padding right after the data; `name = ` ends the body */
        }
        if (ch == ':' && b64 < 40) {
            /* "Proc-Type: 4,ENCRYPTED" / "DEK-Info: AES-128-CBC,<hex>": skip to the line end */
            while (k + 1 < len && t[k + 1] != '\n' && t[k + 1] != '\\') {
                k++;
            }
            b64 = 0;
            continue;
        }
        if (ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t' || ch == '"' || ch == '\'' ||
            ch == ',' || ch == '-' || ch == '|' || ch == '>') {
            continue; /* line breaks, padding, quotes and YAML block markers */
        }
        break;
    }
    if (b64 < 64 || best < 40) {
        return 0;
    }
    while (k < len && k - body < 8192 && t[k] != '\n' && t[k] != '"') {
        k++;
    }
    return k - i;
}

/* scheme://user:password@host with a literal password */
static size_t match_url_password(const char *t, size_t len, size_t i, size_t *poff)
{
    if (3 > len - i || memcmp(t + i, "://", 3) != 0) {
        return 0;
    }
    size_t j = i + 3;
    size_t colon = 0;
    size_t k = j;
    for (; k < len && k - j < 256; k++) {
        uint8_t c = (uint8_t)t[k];
        if (c == '@') {
            break;
        }
        if (c == '/' || c == ' ' || c == '"' || c == '\'' || c == '\n' || c == '?' || c == '#') {
            return 0;
        }
        if (c == ':' && colon == 0) {
            colon = k;
        }
    }
    if (k >= len || t[k] != '@' || colon == 0 || colon == j || k - colon - 1 < 3) {
        return 0;
    }
    const char *pw = t + colon + 1;
    size_t pwn = k - colon - 1;
    if (cu_secret_is_placeholder(pw, pwn) || pw[0] == '$' || has_ci(pw, pwn, "pass")) {
        return 0;
    }
    /* guest:guest@, postgres:postgres@: a service's default login, not a secret; the same for
     * any login to a local development host (localhost, 127.0.0.1, example hosts) */
    if (colon - j == pwn && strncasecmp(t + j, pw, pwn) == 0) {
        return 0;
    }
    static const char *const local[] = { "localhost",   "127.0.0.1",   "host.docker.internal",
                                         "example.com", "example.org", "0.0.0.0",
                                         "[::1]",       NULL };
    for (size_t l = 0; local[l] != NULL; l++) {
        size_t ln = strlen(local[l]);
        if (ln <= len - k - 1 && strncasecmp(t + k + 1, local[l], ln) == 0 &&
            (ln == len - k - 1 || t[k + 1 + ln] == ':' || t[k + 1 + ln] == '/' ||
             t[k + 1 + ln] == '"' || t[k + 1 + ln] == '\n' || t[k + 1 + ln] == ' ')) {
            return 0;
        }
    }
    *poff = colon + 1;
    return pwn;
}

size_t cu_secrets_find(const char *text, size_t len, struct cu_secret_hit *hits, size_t max)
{
    size_t n = 0;
    if (text == NULL) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        size_t hl = 0;
        const char *kind = NULL;
        char c = text[i];
        if (c == '-' && (hl = match_pem(text, len, i)) > 0) {
            n = add_hit(hits, max, n, i, hl, "private-key");
            i += hl - 1;
            continue;
        }
        if (c == ':') {
            size_t poff = 0;
            if ((hl = match_url_password(text, len, i, &poff)) > 0) {
                n = add_hit(hits, max, n, poff, hl, "url-password");
                i = poff + hl - 1;
            }
            continue;
        }
        if (!boundary_before(text, i)) {
            continue;
        }
        if (c == 'e' && (hl = match_jwt(text, len, i)) > 0) {
            n = add_hit(hits, max, n, i, hl, "jwt");
            i += hl - 1;
            continue;
        }
        if (match_pat(text, len, i, &hl, &kind)) {
            n = add_hit(hits, max, n, i, hl, kind);
            i += hl - 1;
        }
    }
    return n;
}

char *cu_secret_redact(const char *s, size_t len)
{
    return cu_redact(s, len);
}
