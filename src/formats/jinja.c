/* Jinja2 template analyzer: a tokenizer that follows jinja2/lexer.py (default delimiters, no
 * line statements), then checks over each tag's tokens. See jinja.h.
 *
 * Why tokens and not patterns: a dunder name hides in escapes ('\x5f\x5fclass\x5f\x5f'), in
 * pieces ('__cla' ~ 'ss__', ['_','_']|join, '_'*2), in |attr() and in subscripts; words like
 * 'system' are normal chat roles inside strings but an attack as an attribute. Only the token
 * (name, attribute, filter, test, string value) says which is which.
 *
 * namespace(): real chat templates (Llama 3.1, Qwen 2.5, Mistral, DeepSeek...) call
 * `namespace(...)` to keep loop state, so a call is benign; the gadget is the global used as an
 * object (`namespace.__init__`, `namespace|attr(..)`, `{% set x = namespace %}`). The same
 * holds for cycler, joiner, range and dict. lipsum, self, request, config, url_for and
 * get_flashed_messages have no use in a chat template and are escape gadgets, so any reference
 * is reported. */
#define _GNU_SOURCE /* memmem */
#include "formats/jinja.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

enum { T_NAME, T_STR, T_NUM, T_OP };

#define JINJA_KEY_SCAN 256u /* tokens of a subscript key examined */

struct jtok {
    int type;
    size_t off, len;   /* source bytes */
    size_t soff, slen; /* T_STR: decoded value in the arena */
};

struct jscan {
    const uint8_t *t;
    size_t n;
    cu_jinja_fn fn;
    void *ud;
    unsigned hits;
    int rc;    /* first error or callback stop */
    bool stop; /* hit limit reached or a fatal lexing error */
    struct jtok *tok;
    size_t ntok, tcap;
    uint8_t *ar; /* decoded strings of the current tag */
    size_t an, acap;
    size_t lc_off; /* position of lc_line/lc_col (line and column of the last hit) */
    unsigned lc_line, lc_col;
    /* Strings that begin or end with '_' (pieces of a dunder name kept in variables across
     * tags), in template order, and where the first one was. */
    struct cu_buf frag;
    size_t frag_off;
    bool ssti_seen;
};

/* ---- word lists ---- */

/* Free names that are escape gadgets or code execution wherever they appear. */
static const char *const jinja_bad_names[] = {
    "self",    "request", "config",    "url_for",    "get_flashed_messages",
    "lipsum",  "os",      "sys",       "subprocess", "builtins",
    "eval",    "exec",    "popen",     "getattr",    "setattr",
    "delattr", "globals", "locals",    "vars",       "open",
    "compile", "import",  "importlib",
};
/* Globals that are benign when called but gadgets as objects. */
static const char *const jinja_call_only[] = { "cycler", "joiner", "namespace", "range", "dict" };
/* Attribute names (after '.', in |attr(), as subscript strings) that reach code. */
static const char *const jinja_bad_attrs[] = {
    "mro",        "popen",         "system",      "eval",         "exec",        "os",
    "subprocess", "builtins",      "globals",     "func_globals", "f_globals",   "f_locals",
    "f_back",     "f_builtins",    "f_code",      "gi_frame",     "gi_code",     "cr_frame",
    "cr_code",    "ag_frame",      "tb_frame",    "tb_next",      "co_code",     "im_func",
    "func_code",  "import_module", "load_module", "getattr",      "environment", "module",
    "spawn",      "check_output",  "from_pyfile",
};
/* String values that name code execution even inside a plain literal ('system' and 'open'
 * are left out: they are chat roles and prose). */
static const char *const jinja_bad_strings[] = {
    "os",         "popen",        "eval",       "exec",         "subprocess",
    "__import__", "builtins",     "globals",    "importlib",    "mro",
    "getattr",    "check_output", "subclasses", "getattribute", "class",
};
/* Filters that build or transform strings (a computed attribute or key name). */
static const char *const jinja_builders[] = {
    "join",  "format", "replace",    "reverse",   "string", "attr",   "lower",
    "upper", "title",  "capitalize", "urlencode", "center", "indent", "trim",
};

static bool in_list(const char *const *list, size_t n, const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0) {
            return true;
        }
    }
    return false;
}
#define IN_LIST(list, s, len) in_list((list), sizeof(list) / sizeof((list)[0]), (s), (len))

static bool is_ident(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}
static bool is_alpha(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* "__" + a letter + identifier characters ending in "__" somewhere in s. Linear: a maximal run
 * of identifier characters is walked once (a run of underscores would otherwise be
 * quadratic). */
static bool has_dunder(const uint8_t *s, size_t n)
{
    size_t a = 0;
    while (a < n) {
        if (!is_ident(s[a])) {
            a++;
            continue;
        }
        size_t r = a;
        while (r < n && is_ident(s[r])) {
            r++;
        }
        if (r - a >= 5 && s[r - 1] == '_' && s[r - 2] == '_') {
            size_t p = a;
            while (p + 1 < r) {
                if (s[p] != '_' || s[p + 1] != '_') {
                    p++;
                    continue;
                }
                size_t q = p + 2;
                while (q < r && s[q] == '_') {
                    q++;
                }
                if (q < r && is_alpha(s[q]) && r - q >= 3) {
                    return true;
                }
                p = q;
            }
        }
        a = r;
    }
    return false;
}

/* ---- reporting ---- */

static void
jinja_hit(struct jscan *js, enum cu_jinja_kind kind, size_t off, size_t len, const char *why)
{
    if (js->stop) {
        return;
    }
    if (js->hits >= CU_LIMIT_JINJA_HITS) {
        js->stop = true;
        return;
    }
    js->hits++;
    if (kind == CU_JINJA_SSTI) {
        js->ssti_seen = true;
    }
    /* Line and column, counted on from the previous hit when it came before this one. */
    if (off < js->lc_off) {
        js->lc_off = 0;
        js->lc_line = 1;
        js->lc_col = 1;
    }
    for (size_t i = js->lc_off; i < off && i < js->n; i++) {
        if (js->t[i] == '\n') {
            js->lc_line++;
            js->lc_col = 1;
        } else {
            js->lc_col++;
        }
    }
    js->lc_off = off;
    unsigned line = js->lc_line, col = js->lc_col;
    struct cu_buf what = CU_BUF_INIT(120);
    if (off < js->n) {
        size_t l = len < js->n - off ? len : js->n - off;
        cu_buf_add_escaped(&what, js->t + off, l > 100 ? 100 : l);
    }
    struct cu_jinja_hit h = { kind, off, line, col, cu_buf_str(&what), why };
    int rc = what.oom ? CUSTODY_ENOMEM : js->fn(js->ud, &h);
    cu_buf_free(&what);
    if (rc < 0) {
        js->rc = rc;
        js->stop = true;
    }
}

/* ---- lexing ---- */

static bool arena_put(struct jscan *js, const uint8_t *p, size_t n)
{
    if (n > SIZE_MAX - js->an) {
        return false;
    }
    if (!cu_grow((void **)&js->ar, &js->acap, js->an + n, 1)) {
        return false;
    }
    memcpy(js->ar + js->an, p, n);
    js->an += n;
    return true;
}

static bool arena_cp(struct jscan *js, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xc0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xe0 | (cp >> 12));
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 3;
    } else if (cp <= 0x10ffff) {
        b[0] = (uint8_t)(0xf0 | (cp >> 18));
        b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 4;
    } else {
        b[0] = '?';
        n = 1;
    }
    return arena_put(js, b, n);
}

static bool hexn(const uint8_t *p, size_t avail, size_t digits, uint32_t *out)
{
    uint32_t v = 0;
    if (avail < digits) {
        return false;
    }
    for (size_t i = 0; i < digits; i++) {
        int h = cu_hexval(p[i]);
        if (h < 0) {
            return false;
        }
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return true;
}

/* Decodes a string literal body [b, e) as Python's unicode-escape does (Jinja's
 * lexer: value.encode("ascii", "backslashreplace").decode("unicode-escape")). */
static bool decode_string(struct jscan *js, size_t b, size_t e)
{
    const uint8_t *t = js->t;
    size_t i = b;
    while (i < e) {
        uint8_t c = t[i];
        if (c != '\\' || i + 1 >= e) {
            if (!arena_put(js, &t[i], 1)) {
                return false;
            }
            i++;
            continue;
        }
        uint8_t d = t[i + 1];
        size_t rest = e - (i + 2);
        const uint8_t *p = t + i + 2;
        uint32_t cp;
        bool ok = true;
        static const char simple_in[] = "\\'\"abfnrtv";
        static const char simple_out[] = "\\'\"\a\b\f\n\r\t\v";
        const char *sp = d != 0 ? strchr(simple_in, d) : NULL;
        if (d == '\n') {
            i += 2;
        } else if (sp != NULL) {
            ok = arena_cp(js, (uint8_t)simple_out[sp - simple_in]);
            i += 2;
        } else if (d >= '0' && d <= '7') {
            cp = (uint32_t)(d - '0');
            size_t k = 0;
            while (k < 2 && k < rest && p[k] >= '0' && p[k] <= '7') {
                cp = cp * 8 + (uint32_t)(p[k] - '0');
                k++;
            }
            ok = arena_cp(js, cp);
            i += 2 + k;
        } else if ((d == 'x' && hexn(p, rest, 2, &cp)) || (d == 'u' && hexn(p, rest, 4, &cp)) ||
                   (d == 'U' && hexn(p, rest, 8, &cp))) {
            ok = arena_cp(js, cp);
            i += 2 + (d == 'x' ? 2u : d == 'u' ? 4u : 8u);
        } else if (d == 'N' && rest > 0 && p[0] == '{') {
            const uint8_t *close = memchr(p, '}', rest < 128 ? rest : 128);
            if (close == NULL) {
                ok = arena_put(js, t + i, 2);
                i += 2;
            } else {
                size_t nl = (size_t)(close - p) - 1;
                bool low = nl == 8 && strncasecmp((const char *)p + 1, "LOW LINE", 8) == 0;
                ok = arena_cp(js, low ? '_' : '?');
                i += 2 + nl + 2;
            }
        } else {
            ok = arena_put(js, t + i, 2); /* unknown escapes stay as written */
            i += 2;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

static bool push_tok(struct jscan *js, int type, size_t off, size_t len, size_t soff, size_t slen)
{
    if (js->ntok >= CU_LIMIT_JINJA_TOKENS) {
        jinja_hit(js, CU_JINJA_LIMIT, off, len, "too many tokens in one tag");
        js->stop = true;
        return false;
    }
    if (!cu_grow((void **)&js->tok, &js->tcap, js->ntok + 1, sizeof(*js->tok))) {
        js->rc = CUSTODY_ENOMEM;
        js->stop = true;
        return false;
    }
    js->tok[js->ntok++] = (struct jtok){ type, off, len, soff, slen };
    return true;
}

/* ---- checks over one tag ---- */

static bool tok_op(const struct jscan *js, size_t i, const char *op)
{
    return i < js->ntok && js->tok[i].type == T_OP && js->tok[i].len == strlen(op) &&
           memcmp(js->t + js->tok[i].off, op, js->tok[i].len) == 0;
}
static bool tok_name(const struct jscan *js, size_t i, const char *name)
{
    return i < js->ntok && js->tok[i].type == T_NAME && js->tok[i].len == strlen(name) &&
           memcmp(js->t + js->tok[i].off, name, js->tok[i].len) == 0;
}

/* An attribute name (after '.', or a literal given to |attr() or a subscript). */
static const char *attr_problem(const uint8_t *s, size_t n)
{
    if (n > 0 && s[0] == '_') {
        return has_dunder(s, n) ? "dunder attribute access (sandbox escape)"
                                : "private attribute access (sandbox escape)";
    }
    if (IN_LIST(jinja_bad_attrs, s, n)) {
        return "attribute that reaches code execution";
    }
    return NULL;
}

static bool all_ident(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_ident(s[i])) {
            return false;
        }
    }
    return n > 0;
}

/* The decoded value of a T_STR token (never NULL). */
static const uint8_t *str_of(const struct jscan *js, const struct jtok *tk)
{
    return js->ar != NULL ? js->ar + tk->soff : (const uint8_t *)"";
}

static void check_string(struct jscan *js, size_t i, bool fmt_used)
{
    const struct jtok *tk = &js->tok[i];
    const uint8_t *s = str_of(js, tk);
    size_t n = tk->slen;
    size_t k = 0;
    while (k < n && s[k] == '_') {
        k++;
    }
    /* '__', or '_' repeated with '*': a lone '_' is ordinary (replace(' ', '_')), and one
     * joined with others is caught by the tag-wide join below. */
    if (n > 0 && k == n && (n >= 2 || tok_op(js, i + 1, "*"))) {
        jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len,
                  "string of underscores (builds a dunder name)");
    } else if (has_dunder(s, n)) {
        jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len, "string names a dunder attribute");
    } else if (n >= 2 && s[0] == '_' && all_ident(s, n)) {
        jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len, "string names a private attribute");
    } else if (IN_LIST(jinja_bad_strings, s, n)) {
        jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len, "string names a code execution primitive");
    } else if (fmt_used && memmem(s, n, "%c", 2) != NULL) {
        jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len,
                  "'%c' formatting builds a name from character codes");
    } else if (n > 0 && (s[0] == '_' || s[n - 1] == '_')) {
        if (js->frag.len == 0) {
            js->frag_off = tk->off;
        }
        cu_buf_add(&js->frag, s, n);
    }
}

/* Index of the token closing the bracket opened at i, or where the search stopped (at most
 * `max` tokens on, or ntok). */
static size_t match_close(const struct jscan *js, size_t i, size_t max)
{
    size_t depth = 0;
    size_t stop = js->ntok - i > max ? i + max : js->ntok;
    for (size_t k = i; k < stop; k++) {
        if (tok_op(js, k, "(") || tok_op(js, k, "[") || tok_op(js, k, "{")) {
            depth++;
        } else if (tok_op(js, k, ")") || tok_op(js, k, "]") || tok_op(js, k, "}")) {
            if (--depth == 0) {
                return k;
            }
        }
    }
    return stop;
}

static void check_tag(struct jscan *js, bool block, size_t tag_off)
{
    size_t nt = js->ntok;
    bool fmt_used = false;
    for (size_t i = 0; i < nt; i++) {
        if (tok_op(js, i, "%") || (tok_name(js, i, "format") && i > 0 && tok_op(js, i - 1, "|"))) {
            fmt_used = true;
        }
    }
    if (block && nt > 0) {
        if (tok_name(js, 0, "import") || tok_name(js, 0, "from")) {
            jinja_hit(js, CU_JINJA_SSTI, js->tok[0].off, js->tok[0].len,
                      "import statement in a chat template");
        } else if (tok_name(js, 0, "include") || tok_name(js, 0, "extends")) {
            jinja_hit(js, CU_JINJA_INCLUDE, js->tok[0].off, js->tok[0].len,
                      "loads another template through the environment's loader");
        }
    }
    for (size_t i = 0; i < nt && !js->stop; i++) {
        const struct jtok *tk = &js->tok[i];
        const uint8_t *s = js->t + tk->off;
        if (tk->type == T_STR) {
            check_string(js, i, fmt_used);
            continue;
        }
        if (tk->type == T_OP) {
            /* A postfix subscript whose key is computed from strings. */
            bool postfix =
                i > 0 && (js->tok[i - 1].type == T_NAME || js->tok[i - 1].type == T_STR ||
                          tok_op(js, i - 1, ")") || tok_op(js, i - 1, "]"));
            if (tok_op(js, i, "[") && postfix) {
                /* Only the first tokens of the key: nested subscripts stay linear. */
                size_t end = match_close(js, i, JINJA_KEY_SCAN);
                for (size_t k = i + 1; k < end; k++) {
                    if (tok_op(js, k, "~") ||
                        (tok_op(js, k - 1, "|") && js->tok[k].type == T_NAME &&
                         IN_LIST(jinja_builders, js->t + js->tok[k].off, js->tok[k].len))) {
                        jinja_hit(js, CU_JINJA_SSTI, tk->off,
                                  js->tok[k].off + js->tok[k].len - tk->off,
                                  "subscript with a computed key (builds an attribute name)");
                        break;
                    }
                }
            }
            continue;
        }
        if (tk->type != T_NAME) {
            continue;
        }
        if (i > 0 && tok_op(js, i - 1, ".")) {
            const char *why = attr_problem(s, tk->len);
            if (why != NULL) {
                jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len, why);
            }
            continue;
        }
        if (i > 0 && tok_op(js, i - 1, "|")) {
            if (tk->len == 4 && memcmp(s, "attr", 4) == 0) {
                if (tok_op(js, i + 1, "(") && i + 3 < nt && js->tok[i + 2].type == T_STR &&
                    tok_op(js, i + 3, ")")) {
                    const struct jtok *a = &js->tok[i + 2];
                    const char *why = attr_problem(str_of(js, a), a->slen);
                    if (why != NULL) {
                        jinja_hit(js, CU_JINJA_SSTI, tk->off, a->off + a->len + 1 - tk->off, why);
                    }
                } else {
                    jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len + 16,
                              "attr() with a computed attribute name");
                }
            } else if (tk->len == 6 && memcmp(s, "string", 6) == 0 &&
                       (tok_op(js, i + 1, "[") ||
                        (tok_op(js, i + 1, ")") && tok_op(js, i + 2, "[")) ||
                        (tok_op(js, i + 1, "|") && tok_name(js, i + 2, "list")))) {
                /* (()|select|string)[24] is '_': characters harvested from an object's
                 * repr build names that appear nowhere as literals. */
                jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len + 4,
                          "indexes into an object's string form (harvests characters)");
            }
            continue; /* a filter name, not a variable */
        }
        if (i > 0 && (tok_name(js, i - 1, "is") ||
                      (tok_name(js, i - 1, "not") && i > 1 && tok_name(js, i - 2, "is")))) {
            continue; /* a test name */
        }
        if (tk->len >= 2 && s[0] == '_' && s[1] == '_') {
            jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len, "dunder name");
        } else if (IN_LIST(jinja_bad_names, s, tk->len)) {
            if (!(block && i == 0)) { /* 'import' as the statement is handled above */
                jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len,
                          "sandbox-escape gadget or code execution name");
            }
        } else if (IN_LIST(jinja_call_only, s, tk->len) && !tok_op(js, i + 1, "(") &&
                   !tok_op(js, i + 1, "=")) {
            jinja_hit(js, CU_JINJA_SSTI, tk->off, tk->len + 1,
                      "global used as an object, not called (sandbox-escape gadget)");
        }
    }
    /* Pieces: every string of the tag joined in order ('_'*2 repeated), forwards and
     * reversed, must not spell a dunder name. */
    if (js->stop) {
        return;
    }
    struct cu_buf j = CU_BUF_INIT(64u << 10);
    bool single = false;
    for (size_t i = 0; i < nt; i++) {
        const struct jtok *tk = &js->tok[i];
        if (tk->type != T_STR) {
            continue;
        }
        if (has_dunder(str_of(js, tk), tk->slen)) {
            single = true;
        }
        size_t rep = 1;
        if (tok_op(js, i + 1, "*") && i + 2 < nt && js->tok[i + 2].type == T_NUM &&
            js->tok[i + 2].len <= 2) {
            rep = 0;
            for (size_t k = 0; k < js->tok[i + 2].len; k++) {
                uint8_t c = js->t[js->tok[i + 2].off + k];
                rep = c >= '0' && c <= '9' ? rep * 10 + (size_t)(c - '0') : 1;
            }
        }
        for (size_t r = 0; r < rep; r++) {
            cu_buf_add(&j, str_of(js, tk), tk->slen);
        }
    }
    if (!single && j.len > 0) {
        uint8_t *rev = cu_malloc(j.len);
        if (rev == NULL) {
            js->rc = CUSTODY_ENOMEM;
            js->stop = true;
        } else {
            for (size_t k = 0; k < j.len; k++) {
                rev[k] = (uint8_t)j.p[j.len - 1 - k];
            }
            if (has_dunder((const uint8_t *)j.p, j.len) || has_dunder(rev, j.len)) {
                jinja_hit(js, CU_JINJA_SSTI, tag_off, 2,
                          "string pieces in this tag join into a dunder name");
            }
            free(rev);
        }
    }
    if (j.oom) {
        js->rc = CUSTODY_ENOMEM;
        js->stop = true;
    }
    cu_buf_free(&j);
}

/* Lexes one {{ }} or {% %} tag starting after its opening delimiter; *pos ends after the
 * closing one. Returns false when the template cannot be lexed further. */
static bool lex_tag(struct jscan *js, size_t *pos, bool block, size_t start)
{
    const uint8_t *t = js->t;
    size_t n = js->n, i = *pos;
    size_t depth = 0;
    js->ntok = 0;
    js->an = 0;
    if (i < n && (t[i] == '-' || t[i] == '+')) {
        i++;
    }
    uint8_t close = block ? '%' : '}';
    for (;;) {
        while (i < n && is_space(t[i])) {
            i++;
        }
        if (i >= n) {
            jinja_hit(js, CU_JINJA_MALFORMED, start, 2, "unterminated tag");
            return false;
        }
        if (depth == 0) {
            size_t k = i;
            if ((t[k] == '-' || t[k] == '+') && k + 1 < n && t[k + 1] == close) {
                k++;
            }
            if (t[k] == close && k + 1 < n && t[k + 1] == '}') {
                *pos = k + 2;
                return true;
            }
        }
        uint8_t c = t[i];
        size_t b = i;
        if (c == '\'' || c == '"') {
            size_t k = i + 1;
            while (k < n && t[k] != c) {
                k += t[k] == '\\' ? 2 : 1;
            }
            if (k >= n) {
                jinja_hit(js, CU_JINJA_MALFORMED, b, 1, "unterminated string literal");
                return false;
            }
            size_t soff = js->an;
            if (!decode_string(js, i + 1, k)) {
                js->rc = CUSTODY_ENOMEM;
                js->stop = true;
                return false;
            }
            if (!push_tok(js, T_STR, b, k + 1 - b, soff, js->an - soff)) {
                return false;
            }
            i = k + 1;
        } else if (is_ident(c) && !(c >= '0' && c <= '9')) {
            while (i < n && is_ident(t[i])) {
                i++;
            }
            if (!push_tok(js, T_NAME, b, i - b, 0, 0)) {
                return false;
            }
        } else if (c >= '0' && c <= '9') {
            while (i < n && ((t[i] >= '0' && t[i] <= '9') || t[i] == '_')) {
                i++;
            }
            if (i + 1 < n && t[i] == '.' && t[i + 1] >= '0' && t[i + 1] <= '9') {
                i++;
                while (i < n && ((t[i] >= '0' && t[i] <= '9') || t[i] == '_')) {
                    i++;
                }
            }
            if (i < n && (t[i] == 'e' || t[i] == 'E')) {
                size_t k = i + 1;
                if (k < n && (t[k] == '+' || t[k] == '-')) {
                    k++;
                }
                if (k < n && t[k] >= '0' && t[k] <= '9') {
                    i = k;
                    while (i < n && t[i] >= '0' && t[i] <= '9') {
                        i++;
                    }
                }
            }
            if (!push_tok(js, T_NUM, b, i - b, 0, 0)) {
                return false;
            }
        } else {
            static const char *const two[] = { "**", "//", "==", "!=", "<=", ">=" };
            size_t len = 0;
            for (size_t k = 0; k < sizeof(two) / sizeof(two[0]); k++) {
                if (n - i >= 2 && memcmp(t + i, two[k], 2) == 0) {
                    len = 2;
                }
            }
            if (len == 0 && c != 0 && strchr("+-*/%~[](){}<>=.:|,;", c) != NULL) {
                len = 1;
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    if (depth == 0) {
                        jinja_hit(js, CU_JINJA_MALFORMED, b, 1, "unbalanced bracket");
                    } else {
                        depth--;
                    }
                }
            }
            if (len == 0) {
                jinja_hit(js, CU_JINJA_MALFORMED, b, 1, "unexpected character in a tag");
                i++;
                continue;
            }
            if (!push_tok(js, T_OP, b, len, 0, 0)) {
                return false;
            }
            i += len;
        }
    }
}

/* After {% raw %}: the end of the matching {% endraw %}, or n. */
static size_t skip_raw(const struct jscan *js, size_t i)
{
    const uint8_t *t = js->t;
    size_t n = js->n;
    while (i < n) {
        const uint8_t *p = memmem(t + i, n - i, "{%", 2);
        if (p == NULL) {
            return n;
        }
        size_t k = (size_t)(p - t) + 2;
        if (k < n && (t[k] == '-' || t[k] == '+')) {
            k++;
        }
        while (k < n && is_space(t[k])) {
            k++;
        }
        if (n - k >= 6 && memcmp(t + k, "endraw", 6) == 0) {
            k += 6;
            while (k < n && is_space(t[k])) {
                k++;
            }
            if (k < n && (t[k] == '-' || t[k] == '+')) {
                k++;
            }
            if (n - k >= 2 && t[k] == '%' && t[k + 1] == '}') {
                return k + 2;
            }
        }
        i = (size_t)(p - t) + 2;
    }
    return n;
}

int cu_jinja_scan(const uint8_t *text, size_t n, cu_jinja_fn fn, void *ud)
{
    struct jscan js;
    memset(&js, 0, sizeof(js));
    js.t = text;
    js.n = n;
    js.fn = fn;
    js.ud = ud;
    js.lc_line = 1;
    js.lc_col = 1;
    js.frag = (struct cu_buf)CU_BUF_INIT(64u << 10);
    size_t i = 0;
    while (i < n && !js.stop) {
        const uint8_t *p = text + i;
        const uint8_t *open = NULL;
        while ((p = memchr(p, '{', n - (size_t)(p - text))) != NULL) {
            if ((size_t)(p - text) + 1 < n && (p[1] == '{' || p[1] == '%' || p[1] == '#')) {
                open = p;
                break;
            }
            p++;
        }
        if (open == NULL) {
            break;
        }
        size_t start = (size_t)(open - text);
        i = start + 2;
        if (open[1] == '#') {
            const uint8_t *e = i < n ? memmem(text + i, n - i, "#}", 2) : NULL;
            if (e == NULL) {
                jinja_hit(&js, CU_JINJA_MALFORMED, start, 2, "unterminated comment");
                break;
            }
            i = (size_t)(e - text) + 2;
            continue;
        }
        bool block = open[1] == '%';
        if (!lex_tag(&js, &i, block, start)) {
            break;
        }
        check_tag(&js, block, start);
        if (block && js.ntok == 1 && tok_name(&js, 0, "raw")) {
            i = skip_raw(&js, i);
        }
    }
    if (!js.ssti_seen && !js.stop && js.frag.len > 0 &&
        has_dunder((const uint8_t *)js.frag.p, js.frag.len)) {
        jinja_hit(&js, CU_JINJA_SSTI, js.frag_off, 2,
                  "string pieces across the template join into a dunder name");
    }
    if (js.frag.oom && js.rc == 0) {
        js.rc = CUSTODY_ENOMEM;
    }
    cu_buf_free(&js.frag);
    free(js.tok);
    free(js.ar);
    return js.rc;
}

/* ---- emitting findings ---- */

struct jemit {
    struct cu_ctx *ctx;
    const struct cu_source *src;
    uint64_t base;
    const char *where;
};

static int jinja_emit(void *ud, const struct cu_jinja_hit *h)
{
    struct jemit *e = ud;
    static const char *const rule[] = { "template/ssti", "template/include", "template/malformed",
                                        "template/too-large" };
    uint64_t off = CU_NO_OFFSET;
    if (e->base != CU_NO_OFFSET && h->off <= UINT64_MAX - e->base) {
        off = e->base + h->off;
    }
    cu_emit(e->ctx, e->src, off, rule[h->kind], CU_SEV_DEFAULT, h->what,
            "%s: %s at line %u, column %u of the template", e->where, h->why, h->line, h->col);
    return 0;
}

int cu_jinja_check(struct cu_ctx *ctx,
                   const struct cu_source *src,
                   uint64_t base,
                   const char *where,
                   const uint8_t *text,
                   size_t n)
{
    struct jemit e = { ctx, src, base, where };
    return cu_jinja_scan(text, n, jinja_emit, &e);
}
