/* Shell tokenizer for skills (skillcheck.h): words with their quotes removed, variables
 * assigned earlier expanded, command substitutions ($(...), `...`, <(...)) analysed
 * recursively, here-doc bodies analysed as scripts, comments dropped; then each pipeline is
 * judged: a download or decoder piped into a shell/interpreter, a shell running a substituted
 * download, sh -c / eval of a string that does so, encoded PowerShell, persistence commands,
 * password-protected archives. Never executes anything. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agents/skillcheck.h"
#include "engine/engine.h"
#include "core/util.h"
#include "core/banned.h"

#define SH_MAX_WORDS  64u
#define SH_MAX_STAGES 16u
#define SH_MAX_VARS   64u
#define SH_WORD_MAX   (64u << 10)

struct sh_word {
    char *v;
    size_t n;
    unsigned flags;
    bool assign;
};

struct sh_var {
    char name[64];
    char *v;
};

struct sh {
    struct sk *k;
    const char *t;
    size_t len, i;
    uint32_t line;
    bool prose;
    unsigned flags; /* returned */
    bool ran;       /* fetch-and-run reported for this statement */
    struct sh_word st[SH_MAX_STAGES][SH_MAX_WORDS];
    size_t nw[SH_MAX_STAGES];
    size_t ns;
    size_t stmt_start;
    uint32_t stmt_line;
    struct sh_var vars[SH_MAX_VARS];
    size_t nvars;
    char *redir[8]; /* redirect targets of the statement, judged with it */
    size_t nredir;
    char dl[256];   /* where a download of an earlier statement was written */
    bool dl_vendor; /* ... from a vendor URL (https, named host) */
    char heredoc[4][64];
    bool heredoc_tabs[4];
    size_t nheredoc;
};

static const char *var_get(const struct sh *s, const char *name, size_t n)
{
    for (size_t i = s->nvars; i > 0; i--) {
        if (strlen(s->vars[i - 1].name) == n && memcmp(s->vars[i - 1].name, name, n) == 0) {
            return s->vars[i - 1].v;
        }
    }
    return NULL;
}

static void var_set(struct sh *s, const char *w, size_t eq)
{
    if (eq == 0 || eq >= sizeof(s->vars[0].name) || s->nvars >= SH_MAX_VARS) {
        return;
    }
    char *v = cu_strdup(w + eq + 1);
    if (v == NULL) {
        return;
    }
    memcpy(s->vars[s->nvars].name, w, eq);
    s->vars[s->nvars].name[eq] = '\0';
    s->vars[s->nvars].v = v;
    s->nvars++;
}

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* The text of a substitution from s->i (just past its opener) to the matching `close`. */
static size_t sub_end(const struct sh *s, size_t i, char close)
{
    int depth = 1;
    char q = 0;
    for (; i < s->len; i++) {
        char c = s->t[i];
        if (q != 0) {
            if (c == '\\' && q == '"' && i + 1 < s->len) {
                i++;
            } else if (c == q) {
                q = 0;
            }
            continue;
        }
        if (c == '\\' && i + 1 < s->len) {
            i++; /* an escaped character */
            continue;
        }
        bool closes = close == '`' ? c == '`' : (c == ')' && --depth == 0);
        if (closes) {
            return i;
        }
        if (close != '`' && (c == '\'' || c == '"')) {
            q = c;
        } else if (close == ')' && c == '(') {
            depth++;
        }
    }
    return s->len;
}

static unsigned substitution(struct sh *s, struct cu_buf *w, char close)
{
    size_t e = sub_end(s, s->i, close);
    unsigned f = 0;
    if (s->k->depth < SK_MAX_DEPTH) {
        s->k->depth++;
        f = sk_check_shell(s->k, s->t + s->i, e - s->i, s->line, false);
        s->k->depth--;
    }
    cu_buf_adds(w, "$(");
    cu_buf_add(w, s->t + s->i, e - s->i);
    cu_buf_addc(w, ')');
    for (size_t j = s->i; j < e; j++) {
        s->line += s->t[j] == '\n';
    }
    s->i = e < s->len ? e + 1 : e;
    return f;
}

static void expand(struct sh *s, struct cu_buf *w)
{
    /* at '$' */
    size_t i = s->i + 1;
    bool brace = i < s->len && s->t[i] == '{';
    if (brace) {
        i++;
    }
    size_t ns = i;
    while (i < s->len && name_char(s->t[i], i == ns)) {
        i++;
    }
    if (i == ns) {
        cu_buf_addc(w, '$');
        s->i++;
        return;
    }
    const char *v = var_get(s, s->t + ns, i - ns);
    if (brace) {
        while (i < s->len && s->t[i] != '}' && s->t[i] != '\n') {
            i++;
        }
        if (i < s->len && s->t[i] == '}') {
            i++;
        }
    }
    if (v != NULL) {
        cu_buf_adds(w, v);
    } else {
        cu_buf_add(w, s->t + s->i, i - s->i);
    }
    s->i = i;
}

static bool word_end(const struct sh *s, char c)
{
    if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
        c == '>' || c == '(' || c == ')' || c == '\r') {
        return true;
    }
    return s->prose && (c == '`' || c == ',' || c == '*');
}

/* Reads one word at s->i into w; returns flags of its substitutions. */
static unsigned read_word(struct sh *s, struct cu_buf *w)
{
    unsigned f = 0;
    while (s->i < s->len) {
        char c = s->t[s->i];
        if (word_end(s, c)) {
            break;
        }
        if (c == '\\' && s->i + 1 < s->len) {
            if (s->t[s->i + 1] == '\n') {
                s->line++;
            } else {
                cu_buf_addc(w, s->t[s->i + 1]);
            }
            s->i += 2;
        } else if (c == '\'' && !s->prose) {
            size_t e = s->i + 1;
            while (e < s->len && s->t[e] != '\'') {
                s->line += s->t[e] == '\n';
                e++;
            }
            cu_buf_add(w, s->t + s->i + 1, e - s->i - 1);
            s->i = e < s->len ? e + 1 : e;
        } else if (c == '$' && s->i + 1 < s->len && s->t[s->i + 1] == '\'') {
            s->i += 2;
            while (s->i < s->len && s->t[s->i] != '\'') {
                char d = s->t[s->i];
                if (d == '\\' && s->i + 1 < s->len) {
                    char e = s->t[s->i + 1];
                    if (e == 'x' && s->i + 3 < s->len && cu_hexval((uint8_t)s->t[s->i + 2]) >= 0 &&
                        cu_hexval((uint8_t)s->t[s->i + 3]) >= 0) {
                        cu_buf_addc(w, (char)(cu_hexval((uint8_t)s->t[s->i + 2]) * 16 +
                                              cu_hexval((uint8_t)s->t[s->i + 3])));
                        s->i += 4;
                        continue;
                    }
                    cu_buf_addc(w, (char)(e == 'n' ? '\n' : e == 't' ? '\t' : e));
                    s->i += 2;
                    continue;
                }
                cu_buf_addc(w, d);
                s->i++;
            }
            s->i = s->i < s->len ? s->i + 1 : s->i;
        } else if (c == '"') {
            s->i++;
            while (s->i < s->len && s->t[s->i] != '"') {
                char d = s->t[s->i];
                if (d == '\\' && s->i + 1 < s->len) {
                    cu_buf_addc(w, s->t[s->i + 1]);
                    s->i += 2;
                } else if (d == '$' && s->i + 1 < s->len && s->t[s->i + 1] == '(') {
                    s->i += 2;
                    f |= substitution(s, w, ')');
                } else if (d == '`') {
                    s->i++;
                    f |= substitution(s, w, '`');
                } else if (d == '$') {
                    expand(s, w);
                } else {
                    s->line += d == '\n';
                    cu_buf_addc(w, d);
                    s->i++;
                }
            }
            s->i = s->i < s->len ? s->i + 1 : s->i;
        } else if (c == '$' && s->i + 1 < s->len && s->t[s->i + 1] == '(') {
            s->i += 2;
            f |= substitution(s, w, ')');
        } else if (c == '`' && !s->prose) {
            s->i++;
            f |= substitution(s, w, '`');
        } else if (c == '$') {
            expand(s, w);
        } else {
            cu_buf_addc(w, c);
            s->i++;
        }
    }
    return f;
}

static void add_word(struct sh *s, char *v, size_t n, unsigned f)
{
    if (s->ns == 0) {
        s->ns = 1;
        s->nw[0] = 0;
    }
    size_t st = s->ns - 1;
    if (s->nw[st] >= SH_MAX_WORDS) {
        free(v);
        return;
    }
    struct sh_word *w = &s->st[st][s->nw[st]++];
    w->v = v;
    w->n = n;
    w->flags = f;
    /* NAME=value before the command name */
    size_t eq = 0;
    while (eq < n && name_char(v[eq], eq == 0)) {
        eq++;
    }
    w->assign = eq > 0 && eq < n && v[eq] == '=';
    for (size_t i = 0; w->assign && i + 1 < s->nw[st]; i++) {
        if (!s->st[st][i].assign) {
            w->assign = false;
        }
    }
    if (w->assign) {
        var_set(s, v, eq);
    }
}

/* Index of the command name in a stage, skipping assignments, prompts and wrappers. */
static size_t argv0(const struct sh *s, size_t st, char *name, size_t cap)
{
    static const char *const wrap[] = { "sudo", "env", "exec",  "nohup", "command", "time", "nice",
                                        "$",    "%",   ">",     "ps>",   "doas",    "then", "do",
                                        "else", "!",   "xargs", "run",   "&",       "call", NULL };
    bool after_sudo = false;
    for (size_t i = 0; i < s->nw[st]; i++) {
        const struct sh_word *w = &s->st[st][i];
        if (w->assign) {
            continue;
        }
        sk_cmd_name(w->v, w->n, name, cap);
        if (after_sudo && name[0] == '-') {
            continue;
        }
        bool wrapped = false;
        for (size_t j = 0; wrap[j] != NULL; j++) {
            wrapped |= strcmp(name, wrap[j]) == 0;
        }
        if (wrapped) {
            after_sudo = true;
            continue;
        }
        return i;
    }
    name[0] = '\0';
    return SIZE_MAX;
}

static bool has_arg(const struct sh *s, size_t st, size_t from, const char *a)
{
    for (size_t i = from; i < s->nw[st]; i++) {
        if (strcasecmp(s->st[st][i].v, a) == 0) {
            return true;
        }
    }
    return false;
}

static bool stage_has(const struct sh *s, size_t st, const char *needle)
{
    size_t nn = strlen(needle);
    for (size_t i = 0; i < s->nw[st]; i++) {
        const char *w = s->st[st][i].v;
        for (size_t j = 0; s->st[st][i].n >= nn && j <= s->st[st][i].n - nn; j++) {
            if (strncasecmp(w + j, needle, nn) == 0) {
                return true;
            }
        }
    }
    return false;
}

static bool has_prefix_arg(const struct sh *s, size_t st, size_t from, const char *a)
{
    size_t n = strlen(a);
    for (size_t i = from; i < s->nw[st]; i++) {
        if (s->st[st][i].n > n && strncmp(s->st[st][i].v, a, n) == 0) {
            return true;
        }
    }
    return false;
}

static void stmt_evidence(const struct sh *s, struct cu_buf *b)
{
    size_t e = s->i < s->len ? s->i : s->len;
    size_t st = s->stmt_start < e ? s->stmt_start : e;
    while (st < e && (s->t[st] == ' ' || s->t[st] == '\n' || s->t[st] == '\t')) {
        st++;
    }
    while (e > st && (s->t[e - 1] == '\r' || s->t[e - 1] == ' ' || s->t[e - 1] == '\n' ||
                      s->t[e - 1] == '\t' || s->t[e - 1] == ';')) {
        e--;
    }
    cu_buf_add(b, s->t + st, e - st > 200 ? 200 : e - st);
}

static void report(struct sh *s, const char *rule, int sev, const char *msg)
{
    struct cu_buf b = CU_BUF_INIT(256);
    stmt_evidence(s, &b);
    sk_emit(s->k, s->stmt_line, rule, sev, b.p, b.len, msg);
    cu_buf_free(&b);
}

static unsigned recurse(struct sh *s, const char *v, size_t n)
{
    if (s->k->depth >= SK_MAX_DEPTH) {
        return 0;
    }
    s->k->depth++;
    unsigned f = sk_check_shell(s->k, v, n, s->stmt_line, false);
    s->k->depth--;
    return f;
}

/* UTF-16LE bytes to ASCII (PowerShell -EncodedCommand). */
static void utf16_ascii(char *p, size_t *n)
{
    size_t o = 0;
    for (size_t i = 0; i + 1 < *n; i += 2) {
        p[o++] = (char)(p[i + 1] == 0 ? p[i] : '?');
    }
    *n = o;
}

/* Whether an interpreter stage is given its program (-c CODE, -m MODULE, -e CODE) that does
 * not execute its standard input. */
static bool program_given(const struct sh *s, size_t st, size_t a0)
{
    for (size_t i = a0 + 1; i + 1 < s->nw[st]; i++) {
        const char *w = s->st[st][i].v;
        if (strcmp(w, "-c") == 0 || strcmp(w, "-m") == 0 || strcmp(w, "-e") == 0 ||
            strcmp(w, "-E") == 0 || strcmp(w, "--eval") == 0 || strcmp(w, "-lc") == 0) {
            const struct sh_word *p = &s->st[st][i + 1];
            static const char *const runs[] = { "exec",   "eval",          "source", "| sh",
                                                "| bash", "spawn",         "system", "popen",
                                                "runpy",  "child_process", "$(cat",  NULL };
            for (size_t r = 0; runs[r] != NULL; r++) {
                size_t rl = strlen(runs[r]);
                for (size_t j = 0; p->n >= rl && j <= p->n - rl; j++) {
                    if (memcmp(p->v + j, runs[r], rl) == 0) {
                        return false;
                    }
                }
            }
            return true;
        }
        if (w[0] != '-') {
            return false; /* a script file name: the pipe is its input */
        }
    }
    return false;
}

/* The output file of a download stage (curl -o F, curl -sLo F, wget -O F, a redirect). */
static void remember_download(struct sh *s, size_t st, size_t a0, const char *name)
{
    const char *out = NULL;
    /* curl -o FILE (-O takes no value: the remote name), wget -O FILE, iwr -OutFile FILE */
    char o = strcmp(name, "curl") == 0 ? 'o' : 'O';
    for (size_t i = a0 + 1; i + 1 < s->nw[st] && out == NULL; i++) {
        const char *w = s->st[st][i].v;
        size_t n = s->st[st][i].n;
        bool opt = (n == 2 && w[0] == '-' && w[1] == o) || strcmp(w, "--output") == 0 ||
                   strcmp(w, "--output-document") == 0 || strcasecmp(w, "-OutFile") == 0 ||
                   (n > 2 && w[0] == '-' && w[1] != '-' && w[n - 1] == o);
        if (opt && strcmp(s->st[st][i + 1].v, "-") != 0) {
            out = s->st[st][i + 1].v;
        }
    }
    if (out == NULL && s->nredir > 0) {
        out = s->redir[s->nredir - 1];
    }
    bool digits = out != NULL && out[0] != '\0';
    for (const char *q = out; digits && *q != '\0'; q++) {
        digits = *q >= '0' && *q <= '9';
    }
    if (out != NULL &&
        (strncmp(out, "/dev/", 5) == 0 || out[0] == '&' || out[0] == '-' || digits)) {
        out = NULL; /* >/dev/null, 2>&1, -o - : nothing kept */
    }
    if (out != NULL && strlen(out) < sizeof(s->dl) && out[0] != '\0') {
        memcpy(s->dl, out, strlen(out) + 1);
        struct cu_buf vb = CU_BUF_INIT(1024);
        stmt_evidence(s, &vb);
        s->dl_vendor = vb.p != NULL && sk_vendor_url(vb.p, vb.len);
        cu_buf_free(&vb);
    }
}

/* Whether stage st runs the remembered download (as argv0, through a shell or source) or
 * makes it executable. The base names are compared: "./u" and "/tmp/u" after "cd /tmp". */
static bool runs_download(const struct sh *s, size_t st, size_t a0, const char *name)
{
    if (a0 == SIZE_MAX) {
        return false;
    }
    const char *base = strrchr(s->dl, '/');
    base = base != NULL ? base + 1 : s->dl;
    if (base[0] == '\0') {
        return false;
    }
    bool chmod = strcmp(name, "chmod") == 0 &&
                 (has_arg(s, st, a0 + 1, "+x") || has_arg(s, st, a0 + 1, "755") ||
                  has_arg(s, st, a0 + 1, "777") || has_arg(s, st, a0 + 1, "u+x") ||
                  has_arg(s, st, a0 + 1, "a+x"));
    bool runner = sk_is_runner(name) || strcmp(name, "source") == 0 || strcmp(name, ".") == 0 ||
                  strcmp(name, "open") == 0 || strcmp(name, "start") == 0;
    for (size_t i = a0; i < s->nw[st]; i++) {
        if (i > a0 && !chmod && !runner) {
            break;
        }
        const char *w = s->st[st][i].v;
        const char *wb = strrchr(w, '/');
        wb = wb != NULL ? wb + 1 : w;
        if (strcmp(wb, base) == 0 && (i > a0 || (!chmod && !runner))) {
            return true;
        }
    }
    return false;
}

static void judge(struct sh *s)
{
    char name[64], prev[64] = "";
    bool fetch_before = false, decode_before = false;
    size_t echo_stage = SIZE_MAX;
    for (size_t st = 0; st < s->ns; st++) {
        size_t a0 = argv0(s, st, name, sizeof(name));
        if (a0 == SIZE_MAX) {
            continue;
        }
        /* in prose, "HTTP" and "fetch" are words, not httpie and BSD fetch */
        bool fetch = sk_is_fetcher(name) &&
                     !(s->prose && (strcmp(name, "http") == 0 || strcmp(name, "fetch") == 0));
        bool runner = sk_is_runner(name);
        bool decode = (strcmp(name, "base64") == 0 &&
                       (has_arg(s, st, a0 + 1, "-d") || has_arg(s, st, a0 + 1, "--decode") ||
                        has_arg(s, st, a0 + 1, "-D"))) ||
                      (strcmp(name, "xxd") == 0 && has_prefix_arg(s, st, a0 + 1, "-r")) ||
                      (strcmp(name, "openssl") == 0 && has_arg(s, st, a0 + 1, "-d")) ||
                      (strcmp(name, "certutil") == 0 && has_arg(s, st, a0 + 1, "-decode")) ||
                      strcmp(name, "uudecode") == 0;
        if (fetch) {
            s->flags |= SK_FETCH;
            remember_download(s, st, a0, name);
        }
        /* a file an earlier download wrote is made executable or run: curl -o /tmp/u URL &&
         * chmod +x /tmp/u && /tmp/u */
        if (s->dl[0] != '\0' && !fetch && !s->ran && runs_download(s, st, a0, name)) {
            s->ran = true;
            s->flags |= SK_RAN;
            report(s, "skill/fetch-and-run", s->dl_vendor ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT,
                   s->dl_vendor ? "a file downloaded from a vendor URL is made executable or run"
                                : "a downloaded file is made executable or run");
            s->dl[0] = '\0';
        }
        /* macOS Gatekeeper bypass and password prompts, the AMOS stealer's install steps */
        /* in prose the command is a code span inside a sentence: look for it past argv0 */
        size_t gx = a0;
        char gname[64];
        memcpy(gname, name, sizeof(gname));
        for (size_t i = a0; s->prose && i < s->nw[st]; i++) {
            char wn[64];
            sk_cmd_name(s->st[st][i].v, s->st[st][i].n, wn, sizeof(wn));
            if (strcmp(wn, "xattr") == 0 || strcmp(wn, "spctl") == 0 ||
                strcmp(wn, "osascript") == 0) {
                gx = i;
                memcpy(gname, wn, sizeof(gname));
                break;
            }
        }
        bool gatekeeper =
            (strcmp(gname, "xattr") == 0 &&
             (has_arg(s, st, gx + 1, "com.apple.quarantine") || has_arg(s, st, gx + 1, "-c") ||
              has_arg(s, st, gx + 1, "-cr") || has_arg(s, st, gx + 1, "-rc"))) ||
            (strcmp(gname, "spctl") == 0 && (has_arg(s, st, gx + 1, "--master-disable") ||
                                             has_arg(s, st, gx + 1, "--global-disable")));
        bool admin = strcmp(gname, "osascript") == 0 && stage_has(s, st, "administrator") &&
                     stage_has(s, st, "privileges");
        /* clearing the flag of a program a package manager installed (brew) is routine; of a
         * download in /tmp or ~/Downloads, or after a download in the same script, it is the
         * stealer's install step */
        bool fresh = strcmp(gname, "spctl") == 0 || (s->flags & SK_FETCH) != 0 ||
                     stage_has(s, st, "/tmp") || stage_has(s, st, "downloads") ||
                     stage_has(s, st, "tmpdir") || stage_has(s, st, "/var/folders") ||
                     stage_has(s, st, "/volumes/");
        if (gatekeeper || admin) {
            report(s, "skill/fetch-and-run", admin || fresh ? CUSTODY_SEV_HIGH : CUSTODY_SEV_LOW,
                   gatekeeper ? "removes the macOS quarantine flag or turns off Gatekeeper, so a "
                                "downloaded program runs unchecked"
                              : "AppleScript asks for the administrator password to run a "
                                "command (a stealer's password prompt)");
        }
        if (decode) {
            s->flags |= SK_DECODE;
        }
        /* a runner fed by a download or a decoder earlier in the pipeline; an interpreter
         * given its program (python3 -c CODE, python3 -m json.tool, node -e, bash -c) reads the
         * pipe as data, unless that program executes what it reads */
        if (runner && (fetch_before || decode_before) && !s->ran && program_given(s, st, a0)) {
            runner = false;
        }
        if (runner && (fetch_before || decode_before) && !s->ran) {
            s->ran = true;
            s->flags |= SK_RAN;
            struct cu_buf vb = CU_BUF_INIT(1024);
            stmt_evidence(s, &vb);
            bool vendor = s->k->doc && fetch_before && !decode_before && vb.p != NULL &&
                          sk_vendor_url(vb.p, vb.len);
            cu_buf_free(&vb);
            report(s, "skill/fetch-and-run", vendor ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT,
                   vendor         ? "a vendor installer (https, named host) is piped into a shell"
                   : fetch_before ? "a download is piped into a shell or interpreter"
                                  : "decoded data is piped into a shell or interpreter");
        }
        /* echo <base64> | base64 -d: look at what it decodes to */
        if (decode && echo_stage != SIZE_MAX) {
            for (size_t i = 1; i < s->nw[echo_stage]; i++) {
                struct sh_word *w = &s->st[echo_stage][i];
                size_t dn = 0;
                char *d = w->n >= 16 ? sk_b64(w->v, w->n, &dn) : NULL;
                if (d != NULL) {
                    unsigned f = recurse(s, d, dn);
                    if (!(f & SK_RAN)) {
                        report(s, "skill/obfuscation", CU_SEV_DEFAULT,
                               "a command is kept base64-encoded and decoded at run time");
                    }
                    free(d);
                }
            }
        }
        /* a runner whose arguments hold a substituted download, or a -c / eval string */
        for (size_t i = a0 + 1; runner && i < s->nw[st]; i++) {
            struct sh_word *w = &s->st[st][i];
            if ((w->flags & (SK_FETCH | SK_DECODE)) && !s->ran) {
                s->ran = true;
                s->flags |= SK_RAN;
                bool vendor = false;
                if (s->k->doc && !(w->flags & SK_DECODE)) {
                    struct cu_buf vb = CU_BUF_INIT(1024);
                    stmt_evidence(s, &vb);
                    vendor = vb.p != NULL && sk_vendor_url(vb.p, vb.len);
                    cu_buf_free(&vb);
                }
                report(s, "skill/fetch-and-run", vendor ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT,
                       vendor ? "a shell runs a vendor installer (https, named host)"
                              : "a shell runs the output of a download or decoder");
            }
            if ((strcmp(name, "powershell") == 0 || strcmp(name, "pwsh") == 0) &&
                (strcasecmp(w->v, "-enc") == 0 || strcasecmp(w->v, "-e") == 0 ||
                 strcasecmp(w->v, "-encodedcommand") == 0 || strcasecmp(w->v, "-ec") == 0) &&
                i + 1 < s->nw[st]) {
                s->ran = true;
                s->flags |= SK_RAN;
                report(s, "skill/fetch-and-run", CU_SEV_DEFAULT,
                       "PowerShell runs a base64-encoded command");
                size_t dn = 0;
                char *d = sk_b64(s->st[st][i + 1].v, s->st[st][i + 1].n, &dn);
                if (d != NULL) {
                    utf16_ascii(d, &dn);
                    (void)recurse(s, d, dn);
                    free(d);
                }
            }
        }
        if ((runner || strcmp(name, "eval") == 0) && !s->ran) {
            bool is_eval = strcmp(name, "eval") == 0 || strcmp(name, "iex") == 0 ||
                           strcmp(name, "invoke-expression") == 0;
            for (size_t i = a0 + 1; i < s->nw[st]; i++) {
                struct sh_word *w = &s->st[st][i];
                bool script =
                    is_eval || (i > a0 + 1 && (strcmp(s->st[st][i - 1].v, "-c") == 0 ||
                                               strcasecmp(s->st[st][i - 1].v, "-command") == 0));
                if (script) {
                    unsigned f = recurse(s, w->v, w->n);
                    if ((f & SK_FETCH) && is_eval && !(f & SK_RAN)) {
                        s->ran = true;
                        s->flags |= SK_RAN;
                        report(s, "skill/fetch-and-run", CU_SEV_DEFAULT,
                               "eval/iex runs the output of a download");
                    }
                    s->flags |= f & SK_RAN;
                    s->ran |= (f & SK_RAN) != 0;
                }
                char wn[64];
                sk_cmd_name(w->v, w->n, wn, sizeof(wn));
                if ((strcmp(name, "iex") == 0 || strcmp(name, "invoke-expression") == 0) &&
                    (sk_is_fetcher(wn) || strstr(w->v, "DownloadString") != NULL ||
                     strstr(w->v, "downloadstring") != NULL) &&
                    !s->ran) {
                    s->ran = true;
                    s->flags |= SK_RAN;
                    report(s, "skill/fetch-and-run", CU_SEV_DEFAULT,
                           "PowerShell Invoke-Expression runs a download");
                }
            }
        }
        /* persistence */
        if ((strcmp(name, "crontab") == 0 &&
             !(s->nw[st] == a0 + 2 && has_arg(s, st, a0 + 1, "-l"))) ||
            (strcmp(name, "launchctl") == 0 &&
             (has_arg(s, st, a0 + 1, "load") || has_arg(s, st, a0 + 1, "bootstrap") ||
              has_arg(s, st, a0 + 1, "submit") || has_arg(s, st, a0 + 1, "enable"))) ||
            (strcmp(name, "systemctl") == 0 && has_arg(s, st, a0 + 1, "--user") &&
             (has_arg(s, st, a0 + 1, "enable") || has_arg(s, st, a0 + 1, "start"))) ||
            (strcmp(name, "schtasks") == 0 && has_arg(s, st, a0 + 1, "/create")) ||
            (strcmp(name, "reg") == 0 && has_arg(s, st, a0 + 1, "add") &&
             has_prefix_arg(s, st, a0 + 1, "HK")) ||
            strcmp(name, "register-scheduledtask") == 0) {
            report(s, "skill/persistence", s->prose ? CUSTODY_SEV_MEDIUM : CUSTODY_SEV_HIGH,
                   "the command installs something that runs again later (cron, launchd, "
                   "systemd, scheduled task, Run key)");
        }
        /* password-protected archives */
        if ((strcmp(name, "unzip") == 0 && has_arg(s, st, a0 + 1, "-P")) ||
            ((strcmp(name, "7z") == 0 || strcmp(name, "7za") == 0 || strcmp(name, "7zz") == 0 ||
              strcmp(name, "unrar") == 0) &&
             has_prefix_arg(s, st, a0 + 1, "-p"))) {
            report(s, "skill/protected-archive", CU_SEV_DEFAULT,
                   "an archive is unpacked with a password");
        }
        fetch_before |= fetch;
        decode_before |= decode;
        echo_stage = (strcmp(name, "echo") == 0 || strcmp(name, "printf") == 0) ? st : SIZE_MAX;
        memcpy(prev, name, sizeof(prev));
    }
    (void)prev;
    /* redirect targets: appending `export NAME=value` (or an alias) to a shell start-up file
     * is configuration (low; medium when it changes PATH); anything else written there runs
     * in every shell (high) */
    if (s->nredir > 0) {
        int rc_sev = 0;
        size_t a0 = s->ns > 0 ? argv0(s, s->ns - 1, name, sizeof(name)) : SIZE_MAX;
        if (a0 != SIZE_MAX && (strcmp(name, "echo") == 0 || strcmp(name, "printf") == 0)) {
            size_t st = s->ns - 1;
            bool config = a0 + 1 < s->nw[st];
            bool path = false;
            for (size_t i = a0 + 1; i < s->nw[st]; i++) {
                const char *v = s->st[st][i].v;
                if (v[0] == '-') {
                    continue;
                }
                config &= (strncmp(v, "export ", 7) == 0 || strncmp(v, "alias ", 6) == 0) &&
                          strstr(v, "$(") == NULL && strchr(v, '`') == NULL &&
                          strstr(v, "curl") == NULL && strstr(v, "wget") == NULL;
                path |= strstr(v, "PATH=") != NULL;
            }
            if (config) {
                /* PATH changes are medium in a script the skill runs; in documentation
                 * ("add ~/bin to PATH") they are the reader's own configuration */
                rc_sev = path && !s->k->doc ? CUSTODY_SEV_MEDIUM : CUSTODY_SEV_LOW;
            }
        }
        s->k->rc_sev = rc_sev;
        s->k->key_read = true; /* < id_rsa, > id_rsa */
        for (size_t i = 0; i < s->nredir; i++) {
            sk_check_word(s->k, s->redir[i], strlen(s->redir[i]), s->stmt_line, true);
            free(s->redir[i]);
        }
        s->k->rc_sev = 0;
        s->k->key_read = false;
        s->nredir = 0;
    }
    /* word checks (code only: prose lines are checked whole by the caller) */
    for (size_t st = 0; st < s->ns; st++) {
        /* a start-up file named as an argument is written only by a writer (tee, cp, sed -i,
         * ...); `source ~/.zshrc` reads it */
        char wn[64];
        size_t w0 = argv0(s, st, wn, sizeof(wn));
        static const char *const writers[] = { "tee", "cp",    "mv",   "ln",  "install",  "sed",
                                               "dd",  "rsync", "perl", "awk", "truncate", NULL };
        bool writer = w0 == SIZE_MAX;
        for (size_t q = 0; writers[q] != NULL && !writer; q++) {
            writer = strcmp(wn, writers[q]) == 0;
        }
        s->k->rc_sev = writer ? 0 : CUSTODY_SEV_LOW;
        /* an SSH key file by its bare name is read only by a command that reads, copies or
         * sends files (`cat id_rsa`, `curl -F k=@id_rsa`); `ssh -i id_rsa`, `ssh-keygen -f`,
         * or the name alone in a list (a command "id_rsa") are not */
        static const char *const readers[] = { "cat",
                                               "cp",
                                               "scp",
                                               "rsync",
                                               "tar",
                                               "zip",
                                               "7z",
                                               "base64",
                                               "curl",
                                               "wget",
                                               "nc",
                                               "ncat",
                                               "socat",
                                               "head",
                                               "tail",
                                               "less",
                                               "more",
                                               "xxd",
                                               "od",
                                               "hexdump",
                                               "strings",
                                               "mv",
                                               "dd",
                                               "gzip",
                                               "gpg",
                                               "openssl",
                                               "type",
                                               "gc",
                                               "get-content",
                                               "copy-item",
                                               "copy",
                                               "xclip",
                                               "pbcopy",
                                               "tee",
                                               "awk",
                                               "sed",
                                               "grep",
                                               "http",
                                               "iwr",
                                               "irm",
                                               "invoke-webrequest",
                                               "invoke-restmethod",
                                               "python",
                                               "python3",
                                               "node",
                                               "perl",
                                               "ruby",
                                               NULL };
        bool reader = false;
        for (size_t q = 0; w0 != SIZE_MAX && readers[q] != NULL && !reader; q++) {
            reader = strcmp(wn, readers[q]) == 0;
        }
        s->k->key_read = reader;
        for (size_t i = 0; i < s->nw[st]; i++) {
            if (!s->prose) {
                sk_check_word(s->k, s->st[st][i].v, s->st[st][i].n, s->stmt_line, true);
            }
            free(s->st[st][i].v);
            s->st[st][i].v = NULL;
        }
        s->nw[st] = 0;
    }
    s->k->rc_sev = 0;
    s->k->key_read = false;
    s->ns = 0;
}

static void end_stmt(struct sh *s)
{
    judge(s);
    s->ran = false;
    s->stmt_start = s->i;
    s->stmt_line = s->line;
}

/* After a newline with pending here-docs: each body up to its delimiter is a script. */
static void heredocs(struct sh *s)
{
    for (size_t h = 0; h < s->nheredoc; h++) {
        size_t body = s->i;
        uint32_t bline = s->line;
        size_t dl = strlen(s->heredoc[h]);
        while (s->i < s->len) {
            size_t ls = s->i;
            while (s->heredoc_tabs[h] && ls < s->len && s->t[ls] == '\t') {
                ls++;
            }
            size_t le = ls;
            while (le < s->len && s->t[le] != '\n') {
                le++;
            }
            if (le - ls == dl && memcmp(s->t + ls, s->heredoc[h], dl) == 0) {
                size_t bend = s->i;
                s->i = le < s->len ? le + 1 : le;
                if (s->k->depth < SK_MAX_DEPTH) {
                    s->k->depth++;
                    s->flags |=
                        sk_check_shell(s->k, s->t + body, bend - body, bline, false) & SK_RAN;
                    s->k->depth--;
                }
                s->line++;
                break;
            }
            s->i = le < s->len ? le + 1 : le;
            s->line++;
        }
    }
    s->nheredoc = 0;
}

unsigned sk_check_shell(struct sk *k, const char *text, size_t len, uint32_t line, bool prose)
{
    struct sh *s = cu_calloc(1, sizeof(*s));
    if (s == NULL) {
        return 0;
    }
    s->k = k;
    s->t = text;
    s->len = len;
    s->line = line;
    s->stmt_line = line;
    s->prose = prose;
    bool redirect = false;
    while (s->i < s->len) {
        char c = s->t[s->i];
        if (c == ' ' || c == '\t' || c == '\r' || (prose && (c == '`' || c == ',' || c == '*'))) {
            s->i++;
            continue;
        }
        if (c == '\n') {
            end_stmt(s);
            s->i++;
            s->line++;
            s->stmt_start = s->i;
            s->stmt_line = s->line;
            if (s->nheredoc > 0) {
                heredocs(s);
                s->stmt_start = s->i;
                s->stmt_line = s->line;
            }
            continue;
        }
        if (c == '#' && !prose) {
            while (s->i < s->len && s->t[s->i] != '\n') {
                s->i++;
            }
            continue;
        }
        if (c == ';' || c == '&' || (c == '|' && s->i + 1 < s->len && s->t[s->i + 1] == '|')) {
            end_stmt(s);
            s->i += (s->i + 1 < s->len && s->t[s->i + 1] == c) ? 2 : 1;
            s->stmt_start = s->i;
            continue;
        }
        if (c == '|') {
            if (s->ns == 0) {
                s->ns = 1;
                s->nw[0] = 0;
            }
            if (s->ns < SH_MAX_STAGES) {
                s->nw[s->ns++] = 0;
            }
            s->i++;
            continue;
        }
        if (c == '(' || c == ')') {
            s->i++;
            continue;
        }
        if ((c == '<' || c == '>') && s->i + 1 < s->len && s->t[s->i + 1] == '(') {
            struct cu_buf w = CU_BUF_INIT(SH_WORD_MAX);
            s->i += 2;
            unsigned f = substitution(s, &w, ')');
            s->flags |= f & SK_RAN;
            char *v = cu_strndup(cu_buf_str(&w), w.p != NULL ? w.len : 0);
            size_t n = w.p != NULL ? w.len : 0;
            cu_buf_free(&w);
            if (v != NULL) {
                add_word(s, v, n, f);
            }
            continue;
        }
        if (c == '<' && s->len - s->i >= 2 && s->t[s->i + 1] == '<' &&
            (s->len - s->i < 3 || s->t[s->i + 2] != '<')) {
            /* here-doc: <<[-]['"]DELIM */
            s->i += 2;
            bool tabs = s->i < s->len && s->t[s->i] == '-';
            s->i += tabs;
            while (s->i < s->len && (s->t[s->i] == ' ' || s->t[s->i] == '\t')) {
                s->i++;
            }
            struct cu_buf w = CU_BUF_INIT(63);
            (void)read_word(s, &w);
            if (w.len > 0 && s->nheredoc < 4) {
                memcpy(s->heredoc[s->nheredoc], w.p, w.len);
                s->heredoc[s->nheredoc][w.len] = '\0';
                s->heredoc_tabs[s->nheredoc] = tabs;
                s->nheredoc++;
            }
            cu_buf_free(&w);
            continue;
        }
        if (c == '<') {
            /* a documentation placeholder (<id>, <your-token>): text, not two redirects */
            size_t j = s->i + 1;
            while (j < s->len && (isalnum((unsigned char)s->t[j]) || s->t[j] == '_' ||
                                  s->t[j] == '-' || s->t[j] == '.')) {
                j++;
            }
            if (j > s->i + 1 && j < s->len && s->t[j] == '>') {
                s->i = j + 1;
                continue;
            }
        }
        if (c == '<' || c == '>') {
            while (s->i < s->len && (s->t[s->i] == '<' || s->t[s->i] == '>' || s->t[s->i] == '&')) {
                s->i++;
            }
            redirect = true;
            continue;
        }
        struct cu_buf w = CU_BUF_INIT(SH_WORD_MAX);
        size_t before = s->i;
        unsigned f = read_word(s, &w);
        s->flags |= f & SK_RAN;
        if (s->i == before) {
            s->i++; /* a lone character the word reader does not take */
            cu_buf_free(&w);
            continue;
        }
        char *v = cu_strndup(cu_buf_str(&w), w.p != NULL ? w.len : 0);
        size_t n = w.p != NULL ? w.len : 0;
        cu_buf_free(&w);
        if (v == NULL) {
            continue;
        }
        if (!redirect && s->i < s->len && (s->t[s->i] == '>' || s->t[s->i] == '<') && n > 0 &&
            strspn(v, "0123456789") == n) {
            free(v); /* a file descriptor number: 2>/dev/null */
            continue;
        }
        if (redirect) {
            /* a redirect target: judged with its statement, not as an argument */
            if (!prose && s->nredir < 8) {
                s->redir[s->nredir++] = v;
            } else {
                free(v);
            }
            redirect = false;
            continue;
        }
        add_word(s, v, n, f);
    }
    end_stmt(s);
    for (size_t i = 0; i < s->nredir; i++) {
        free(s->redir[i]);
    }
    unsigned flags = s->flags;
    for (size_t i = 0; i < s->nvars; i++) {
        free(s->vars[i].v);
    }
    free(s);
    return flags;
}
