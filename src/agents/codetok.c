/* Python and JavaScript tokenizers for skill scripts (skillcheck.h; the pytok/jstok of the
 * brief, one file as they share the judgement). Comments are dropped; strings are decoded and
 * folded ("cu" + "rl", a = "..."; b = a + " | sh"), and every folded string is judged as a
 * shell command line by tokens (sk_check_shell). Calls that run processes (os.system,
 * subprocess.*, child_process.exec*, spawn) have their list arguments joined into one command
 * line; eval/Function of atob()/Buffer.from(..., 'base64') is decoded code being run. */
#include <stdlib.h>
#include <string.h>

#include "agents/skillcheck.h"
#include "engine/engine.h"
#include "core/util.h"
#include "core/banned.h"

#define CT_MAX_TOKENS (1u << 20)
#define CT_MAX_VARS   256u
#define CT_STR_MAX    (1u << 20)
#define CT_MAX_TAINT  64u

enum ct_kind { CT_NAME, CT_STR, CT_OP };

struct ct_tok {
    enum ct_kind kind;
    size_t off, len; /* source span */
    char *v;         /* decoded string (CT_STR) */
    size_t vn;
    uint32_t line;
};

struct ct {
    struct sk *k;
    const char *t;
    size_t len, i;
    uint32_t line;
    bool js;
    struct ct_tok *tk;
    size_t n, cap;
    struct {
        const char *name;
        size_t nlen;
        char *v;
        size_t vn;
    } vars[CT_MAX_VARS];
    size_t nvars;
    struct {
        const char *name; /* in t */
        size_t nlen;
    } taint[CT_MAX_TAINT]; /* Python names bound to downloaded or decoded data */
    size_t ntaint;
    bool home_ref; /* the script names ".ssh" or the home directory (expanduser, homedir) */
};

static bool id_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
           (unsigned char)c >= 0x80 || (!first && c >= '0' && c <= '9');
}

static int
push(struct ct *c, enum ct_kind kind, size_t off, size_t len, char *v, size_t vn, uint32_t line)
{
    if (c->n >= CT_MAX_TOKENS || !cu_grow((void **)&c->tk, &c->cap, c->n + 1, sizeof(*c->tk))) {
        free(v);
        return -1;
    }
    c->tk[c->n++] = (struct ct_tok){ kind, off, len, v, vn, line };
    return 0;
}

/* A quoted string from c->i (at the quote); `raw` keeps backslashes. */
static int read_str(struct ct *c, char q, bool triple, bool raw, bool tmpl)
{
    size_t start = c->i;
    uint32_t line = c->line;
    c->i += triple ? 3 : 1;
    struct cu_buf b = CU_BUF_INIT(CT_STR_MAX);
    while (c->i < c->len) {
        char ch = c->t[c->i];
        if (triple ? (c->len - c->i >= 3 && ch == q && c->t[c->i + 1] == q && c->t[c->i + 2] == q)
                   : ch == q) {
            c->i += triple ? 3 : 1;
            break;
        }
        if (ch == '\n') {
            c->line++;
            if (!triple && !tmpl) {
                break; /* unterminated: stop at the line end */
            }
        }
        if (ch == '\\' && c->i + 1 < c->len && !raw) {
            char e = c->t[c->i + 1];
            if (e == 'x' && c->i + 3 < c->len && cu_hexval((uint8_t)c->t[c->i + 2]) >= 0 &&
                cu_hexval((uint8_t)c->t[c->i + 3]) >= 0) {
                cu_buf_addc(&b, (char)(cu_hexval((uint8_t)c->t[c->i + 2]) * 16 +
                                       cu_hexval((uint8_t)c->t[c->i + 3])));
                c->i += 4;
                continue;
            }
            cu_buf_addc(&b, (char)(e == 'n' ? '\n' : e == 't' ? '\t' : e));
            c->line += e == '\n';
            c->i += 2;
            continue;
        }
        if (tmpl && ch == '$' && c->i + 1 < c->len && c->t[c->i + 1] == '{') {
            /* ${name}: a known variable's value, else kept */
            size_t e = c->i + 2, depth = 1;
            while (e < c->len && depth > 0) {
                depth += c->t[e] == '{';
                depth -= c->t[e] == '}';
                e++;
            }
            size_t ns = c->i + 2, nl = e > ns ? e - ns - 1 : 0;
            bool done = false;
            for (size_t v = c->nvars; v > 0 && !done; v--) {
                if (c->vars[v - 1].nlen == nl && memcmp(c->vars[v - 1].name, c->t + ns, nl) == 0) {
                    cu_buf_add(&b, c->vars[v - 1].v, c->vars[v - 1].vn);
                    done = true;
                }
            }
            if (!done) {
                cu_buf_add(&b, c->t + c->i, e - c->i);
            }
            c->i = e;
            continue;
        }
        cu_buf_addc(&b, ch);
        c->i++;
    }
    char *v = cu_strndup(cu_buf_str(&b), b.p != NULL ? b.len : 0);
    size_t vn = b.p != NULL ? b.len : 0;
    cu_buf_free(&b);
    if (v == NULL) {
        return -1;
    }
    return push(c, CT_STR, start, c->i - start, v, vn, line);
}

static bool regex_may_start(const struct ct *c)
{
    if (c->n == 0) {
        return true;
    }
    const struct ct_tok *p = &c->tk[c->n - 1];
    if (p->kind != CT_OP) {
        return p->kind == CT_NAME && p->len == 6 && memcmp(c->t + p->off, "return", 6) == 0;
    }
    char o = c->t[p->off];
    return o != ')' && o != ']' && o != '}';
}

static int lex(struct ct *c)
{
    while (c->i < c->len) {
        char ch = c->t[c->i];
        if (ch == '\n') {
            c->line++;
            c->i++;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f') {
            c->i++;
            continue;
        }
        if (!c->js && ch == '#') {
            while (c->i < c->len && c->t[c->i] != '\n') {
                c->i++;
            }
            continue;
        }
        if (c->js && ch == '/' && c->i + 1 < c->len && c->t[c->i + 1] == '/') {
            while (c->i < c->len && c->t[c->i] != '\n') {
                c->i++;
            }
            continue;
        }
        if (c->js && ch == '/' && c->i + 1 < c->len && c->t[c->i + 1] == '*') {
            c->i += 2;
            while (c->i + 1 < c->len && !(c->t[c->i] == '*' && c->t[c->i + 1] == '/')) {
                c->line += c->t[c->i] == '\n';
                c->i++;
            }
            c->i = c->i + 2 <= c->len ? c->i + 2 : c->len;
            continue;
        }
        if (c->js && ch == '/' && regex_may_start(c)) {
            size_t e = c->i + 1;
            bool cls = false;
            while (e < c->len && c->t[e] != '\n' && (cls || c->t[e] != '/')) {
                if (c->t[e] == '\\') {
                    e++;
                } else if (c->t[e] == '[') {
                    cls = true;
                } else if (c->t[e] == ']') {
                    cls = false;
                }
                e++;
            }
            c->i = e < c->len ? e + 1 : e;
            continue;
        }
        if (ch == '"' || ch == '\'' || (c->js && ch == '`')) {
            bool triple =
                !c->js && c->len - c->i >= 3 && c->t[c->i + 1] == ch && c->t[c->i + 2] == ch;
            if (read_str(c, ch, triple, false, ch == '`') < 0) {
                return -1;
            }
            continue;
        }
        if (id_char(ch, true)) {
            size_t s = c->i;
            while (c->i < c->len && (id_char(c->t[c->i], false) || c->t[c->i] == '.')) {
                c->i++;
            }
            /* Python string prefixes */
            size_t n = c->i - s;
            if (!c->js && n <= 2 && c->i < c->len && (c->t[c->i] == '\'' || c->t[c->i] == '"')) {
                bool raw = false, ok = true;
                for (size_t j = s; j < c->i; j++) {
                    char p = (char)(c->t[j] | 0x20);
                    raw |= p == 'r';
                    ok &= p == 'r' || p == 'b' || p == 'u' || p == 'f';
                }
                if (ok) {
                    char q = c->t[c->i];
                    bool triple = c->len - c->i >= 3 && c->t[c->i + 1] == q && c->t[c->i + 2] == q;
                    if (read_str(c, q, triple, raw, false) < 0) {
                        return -1;
                    }
                    continue;
                }
            }
            if (push(c, CT_NAME, s, n, NULL, 0, c->line) < 0) {
                return -1;
            }
            continue;
        }
        if (push(c, CT_OP, c->i, 1, NULL, 0, c->line) < 0) {
            return -1;
        }
        c->i++;
    }
    return 0;
}

static bool tok_is(const struct ct *c, size_t i, const char *s)
{
    size_t n = strlen(s);
    return i < c->n && c->tk[i].len == n && memcmp(c->t + c->tk[i].off, s, n) == 0;
}

/* The value of term i (a string or a known name); NULL otherwise. */
static const char *term(const struct ct *c, size_t i, size_t *n)
{
    if (i >= c->n) {
        return NULL;
    }
    if (c->tk[i].kind == CT_STR) {
        *n = c->tk[i].vn;
        return c->tk[i].v;
    }
    if (c->tk[i].kind == CT_NAME) {
        for (size_t v = c->nvars; v > 0; v--) {
            if (c->vars[v - 1].nlen == c->tk[i].len &&
                memcmp(c->vars[v - 1].name, c->t + c->tk[i].off, c->tk[i].len) == 0) {
                *n = c->vars[v - 1].vn;
                return c->vars[v - 1].v;
            }
        }
    }
    return NULL;
}

/* Folds term ('+' term | adjacent string)* from i into b; returns the index after it and the
 * number of terms. */
static size_t fold(const struct ct *c, size_t i, struct cu_buf *b, size_t *terms)
{
    *terms = 0;
    for (;;) {
        size_t n = 0;
        const char *v = term(c, i, &n);
        if (v == NULL) {
            return i;
        }
        cu_buf_add(b, v, n);
        (*terms)++;
        i++;
        if (tok_is(c, i, "+") && term(c, i + 1, &n) != NULL) {
            i++;
        } else if (!(i < c->n && c->tk[i].kind == CT_STR && c->tk[i - 1].kind == CT_STR)) {
            return i;
        }
    }
}

static void set_var(struct ct *c, size_t name_tok, const char *v, size_t vn)
{
    if (c->nvars >= CT_MAX_VARS) {
        return;
    }
    char *d = cu_strndup(v, vn);
    if (d == NULL) {
        return;
    }
    c->vars[c->nvars].name = c->t + c->tk[name_tok].off;
    c->vars[c->nvars].nlen = c->tk[name_tok].len;
    c->vars[c->nvars].v = d;
    c->vars[c->nvars].vn = vn;
    c->nvars++;
}

static bool exec_name(const char *s, size_t n)
{
    static const char *const names[] = {
        "system",          "popen",        "run",          "call",
        "check_call",      "check_output", "Popen",        "getoutput",
        "getstatusoutput", "exec",         "execSync",     "spawn",
        "spawnSync",       "execFile",     "execFileSync", "execa",
        "execaCommand",    "execaSync",    "shell",        NULL
    };
    size_t s0 = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            s0 = i + 1;
        }
    }
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strlen(names[i]) == n - s0 && memcmp(s + s0, names[i], n - s0) == 0) {
            return true;
        }
    }
    return false;
}

static bool seg_in(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strlen(list[i]) == n && memcmp(s, list[i], n) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether a Python dotted name calls a download or decoding function of a real module:
 * base64.b64decode, binascii.unhexlify, bytes.fromhex, urllib.request.urlopen, requests.get,
 * httpx.post, zlib.decompress, marshal.loads, codecs.decode. Not any method named get, read,
 * decode or loads (request.args.get is Flask's query string, f.read() a local file). */
static bool py_fetch_decode(const char *x, size_t n)
{
    static const char *const fn[] = {
        "b64decode",    "b32decode",         "b16decode",          "b85decode",
        "a85decode",    "urlsafe_b64decode", "standard_b64decode", "decodebytes",
        "decodestring", "unhexlify",         "a2b_base64",         "a2b_hex",
        "fromhex",      "urlopen",           "urlretrieve",        NULL
    };
    static const char *const net[] = { "requests", "httpx",   "urllib3", "aiohttp",
                                       "urllib",   "urllib2", "pycurl",  NULL };
    static const char *const comp[] = { "zlib", "gzip", "bz2", "lzma", NULL };
    size_t first = n, last = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] == '.') {
            first = first == n ? i : first;
            last = i + 1;
        }
    }
    const char *l = x + last;
    size_t ln = n - last;
    if (seg_in(l, ln, fn)) {
        return true;
    }
    if (first == n) {
        return false; /* a bare get(), loads(), decompress() */
    }
    if (seg_in(x, first, net)) {
        return true;
    }
    if (seg_in(x, first, comp)) {
        return ln == 10 && memcmp(l, "decompress", 10) == 0;
    }
    if (first == 7 && memcmp(x, "marshal", 7) == 0) {
        return ln == 5 && memcmp(l, "loads", 5) == 0;
    }
    return first == 6 && memcmp(x, "codecs", 6) == 0 && ln == 6 && memcmp(l, "decode", 6) == 0;
}

/* JavaScript: atob, Buffer.from, fetch, axios.*, got, http(s).get/request. */
static bool js_fetch_decode(const char *x, size_t n)
{
    static const char *const fn[] = { "atob",      "Buffer.from", "fetch",         "got",
                                      "https.get", "http.get",    "https.request", "http.request",
                                      "axios",     NULL };
    if (seg_in(x, n, fn)) {
        return true;
    }
    return n > 6 && memcmp(x, "axios.", 6) == 0;
}

/* eval, Function, vm.runInThisContext / runInNewContext / runInContext. */
static bool js_eval_name(const char *x, size_t n)
{
    static const char *const ev[] = {
        "eval", "Function", "runInThisContext", "runInNewContext", "runInContext", NULL
    };
    size_t s0 = 0;
    for (size_t q = 0; q < n; q++) {
        s0 = x[q] == '.' ? q + 1 : s0;
    }
    return seg_in(x + s0, n - s0, ev);
}

/* Whether a name (or a dotted name starting with one: r.text) is bound to downloaded or decoded
 * data. */
static bool tainted(const struct ct *c, const char *x, size_t n)
{
    for (size_t i = 0; i < c->ntaint; i++) {
        size_t tn = c->taint[i].nlen;
        if (tn <= n && memcmp(x, c->taint[i].name, tn) == 0 && (tn == n || x[tn] == '.')) {
            return true;
        }
    }
    return false;
}

/* The tokens of the call whose name is token i, through its closing bracket (at most 64
 * tokens): does `pred` hold for one of them? */
static bool args_any(const struct ct *c, size_t i, bool (*pred)(const struct ct *c, size_t j))
{
    int depth = 0;
    for (size_t j = i + 1; j < c->n && j < i + 64; j++) {
        if (tok_is(c, j, "(") || tok_is(c, j, "[")) {
            depth++;
        } else if (tok_is(c, j, ")") || tok_is(c, j, "]")) {
            if (--depth <= 0) {
                break;
            }
        }
        if (pred(c, j)) {
            return true;
        }
    }
    return false;
}

/* A decoding call: child_process.exec(Buffer.from('...', 'base64').toString()),
 * os.system(base64.b64decode(...)). */
static bool arg_decodes(const struct ct *c, size_t j)
{
    static const char *const dec[] = { "atob",        "Buffer.from", "b64decode",
                                       "decodebytes", "fromhex",     "unhexlify",
                                       "a85decode",   "b32decode",   NULL };
    if (c->tk[j].kind != CT_NAME) {
        return false;
    }
    const char *x = c->t + c->tk[j].off;
    size_t xl = c->tk[j].len;
    for (size_t d = 0; dec[d] != NULL; d++) {
        size_t dl = strlen(dec[d]);
        if (xl >= dl && memcmp(x + xl - dl, dec[d], dl) == 0 &&
            (xl == dl || x[xl - dl - 1] == '.')) {
            return true;
        }
    }
    return false;
}

static bool arg_py_fetched(const struct ct *c, size_t j)
{
    return c->tk[j].kind == CT_NAME && (py_fetch_decode(c->t + c->tk[j].off, c->tk[j].len) ||
                                        tainted(c, c->t + c->tk[j].off, c->tk[j].len));
}

static bool arg_js_fetched(const struct ct *c, size_t j)
{
    return tok_is(c, j, "require") ||
           (c->tk[j].kind == CT_NAME && (js_fetch_decode(c->t + c->tk[j].off, c->tk[j].len) ||
                                         tainted(c, c->t + c->tk[j].off, c->tk[j].len)));
}

/* NAME = <expression with a download or decode> (or `... as NAME` on such a line): NAME holds
 * downloaded or decoded data. The expression is the rest of the line and any bracketed
 * continuation. */
static void bind_taint(struct ct *c, size_t name_tok, size_t from, size_t to)
{
    if (c->ntaint >= CT_MAX_TAINT) {
        return;
    }
    int depth = 0;
    for (size_t j = from; j < to && j < c->n; j++) {
        if (depth <= 0 && c->tk[j].line != c->tk[from].line) {
            break;
        }
        if (tok_is(c, j, "(") || tok_is(c, j, "[") || tok_is(c, j, "{")) {
            depth++;
        } else if (tok_is(c, j, ")") || tok_is(c, j, "]") || tok_is(c, j, "}")) {
            depth--;
        }
        const char *x = c->t + c->tk[j].off;
        size_t xl = c->tk[j].len;
        if (c->tk[j].kind == CT_NAME &&
            ((c->js ? js_fetch_decode(x, xl) : py_fetch_decode(x, xl)) || tainted(c, x, xl))) {
            c->taint[c->ntaint].name = c->t + c->tk[name_tok].off;
            c->taint[c->ntaint].nlen = c->tk[name_tok].len;
            c->ntaint++;
            return;
        }
    }
}

/* Whether string i is read, copied or sent on its line: a reading call (open, read_text,
 * readFileSync, copyfile, expanduser, homedir...), a ".ssh" string beside it, or a path join
 * (Path.home() / ".ssh" / "id_rsa"). A bare "id_rsa" in a list of names is none of these. */
static bool key_context(const struct ct *c, size_t i)
{
    static const char *const calls[] = { "open",
                                         "read",
                                         "read_text",
                                         "read_bytes",
                                         "readFile",
                                         "readFileSync",
                                         "createReadStream",
                                         "copy",
                                         "copyfile",
                                         "copy2",
                                         "copyFile",
                                         "copyFileSync",
                                         "expanduser",
                                         "homedir",
                                         "home",
                                         "upload",
                                         "upload_file",
                                         "post",
                                         "put",
                                         "send",
                                         "sendfile",
                                         "b64encode",
                                         "glob",
                                         "iterdir",
                                         "listdir",
                                         "walk",
                                         "exists",
                                         "isfile",
                                         NULL };
    uint32_t line = c->tk[i].line;
    if (c->home_ref) {
        /* KEYS = ["id_rsa", ...] and a loop that opens ~/.ssh/<key> further down */
        return true;
    }
    if ((i > 0 && tok_is(c, i - 1, "/")) || tok_is(c, i + 1, "/")) {
        return true;
    }
    size_t b = i;
    while (b > 0 && c->tk[b - 1].line == line && i - b < 64) {
        b--;
    }
    for (size_t j = b; j < c->n && c->tk[j].line == line && j < i + 64; j++) {
        const struct ct_tok *x = &c->tk[j];
        if (x->kind == CT_STR && j != i && x->v != NULL) {
            for (size_t q = 0; q + 4 <= x->vn; q++) {
                if (memcmp(x->v + q, ".ssh", 4) == 0) {
                    return true;
                }
            }
        }
        if (x->kind != CT_NAME || !tok_is(c, j + 1, "(")) {
            continue;
        }
        const char *nm = c->t + x->off;
        size_t s0 = 0;
        for (size_t q = 0; q < x->len; q++) {
            s0 = nm[q] == '.' ? q + 1 : s0;
        }
        if (seg_in(nm + s0, x->len - s0, calls)) {
            return true;
        }
    }
    return false;
}

/* Whether string i is a regular expression: 2 for an argument of re.compile/re.search/...,
 * regex.*, RegExp(); 1 for a string with regex escapes (\\b, \\s, (?:, [^...): a raw Python
 * string needs one, any other string two; 0 otherwise. The indicators in it are what a scanner
 * looks for (a skill that inventories risky patterns), not paths the code touches. */
static int regex_str(const struct ct *c, size_t i)
{
    size_t b = i;
    while (b > 0 && (c->tk[b - 1].kind == CT_STR || tok_is(c, b - 1, "+"))) {
        b--;
    }
    if (b >= 2 && tok_is(c, b - 1, "(") && c->tk[b - 2].kind == CT_NAME) {
        const char *nm = c->t + c->tk[b - 2].off;
        size_t n = c->tk[b - 2].len;
        if ((n > 3 && memcmp(nm, "re.", 3) == 0) || (n > 6 && memcmp(nm, "regex.", 6) == 0) ||
            (n == 6 && memcmp(nm, "RegExp", 6) == 0)) {
            return 2;
        }
    }
    const struct ct_tok *t = &c->tk[i];
    size_t o = t->off;
    bool raw = !c->js && o > 0 && (c->t[o - 1] == 'r' || c->t[o - 1] == 'R');
    static const char *const syn[] = { "\\b", "\\s", "\\d", "\\w", "\\S", "\\W",
                                       "(?:", "(?i", "[^",  "\\.", NULL };
    unsigned hits = 0;
    for (size_t q = 0; syn[q] != NULL; q++) {
        size_t sl = strlen(syn[q]);
        for (size_t x = 0; x + sl <= t->vn; x++) {
            if (memcmp(t->v + x, syn[q], sl) == 0) {
                hits++;
                break;
            }
        }
    }
    return hits >= (raw ? 1u : 2u) ? 1 : 0;
}

static void judge(struct ct *c)
{
    struct sk *k = c->k;
    for (size_t i = 0; i < c->n && !c->home_ref; i++) {
        const struct ct_tok *x = &c->tk[i];
        if (x->kind == CT_STR && x->v != NULL && regex_str(c, i) == 0) {
            for (size_t q = 0; q + 4 <= x->vn && !c->home_ref; q++) {
                c->home_ref = memcmp(x->v + q, ".ssh", 4) == 0;
            }
        } else if (x->kind == CT_NAME) {
            static const char *const home[] = { "expanduser", "homedir", "home", "HOME", NULL };
            const char *nm = c->t + x->off;
            size_t s0 = 0;
            for (size_t q = 0; q < x->len; q++) {
                s0 = nm[q] == '.' ? q + 1 : s0;
            }
            c->home_ref = seg_in(nm + s0, x->len - s0, home) &&
                          (s0 > 0 || x->len == 10 || x->len == 7); /* expanduser, homedir */
        }
    }
    for (size_t i = 0; i < c->n; i++) {
        struct ct_tok *t = &c->tk[i];
        /* NAME = folded strings */
        if (t->kind == CT_NAME && tok_is(c, i + 1, "=") && !tok_is(c, i + 2, "=")) {
            bind_taint(c, i, i + 2, i + 256);
            struct cu_buf b = CU_BUF_INIT(CT_STR_MAX);
            size_t terms = 0;
            size_t e = fold(c, i + 2, &b, &terms);
            if (terms > 0 &&
                (e >= c->n || c->tk[e].kind == CT_OP || c->tk[e].line != c->tk[e - 1].line)) {
                set_var(c, i, b.p != NULL ? b.p : "", b.len);
            }
            cu_buf_free(&b);
        }
        /* with urlopen(u) as r: */
        if (t->kind == CT_NAME && tok_is(c, i, "as") && i + 1 < c->n &&
            c->tk[i + 1].kind == CT_NAME) {
            size_t b = i;
            while (b > 0 && c->tk[b - 1].line == t->line) {
                b--;
            }
            bind_taint(c, i + 1, b, i);
        }
        int pattern = t->kind == CT_STR ? regex_str(c, i) : 0;
        /* folded expressions of two or more terms (or a name) are judged whole */
        if (pattern == 0 && (t->kind == CT_STR || t->kind == CT_NAME) &&
            !(i > 0 &&
              (tok_is(c, i - 1, "+") || (c->tk[i - 1].kind == CT_STR && t->kind == CT_STR)))) {
            struct cu_buf b = CU_BUF_INIT(CT_STR_MAX);
            size_t terms = 0;
            (void)fold(c, i, &b, &terms);
            if (terms >= 2 || (terms == 1 && t->kind == CT_NAME && tok_is(c, i - 1, "("))) {
                (void)sk_check_shell(k, cu_buf_str(&b), b.len, t->line, false);
            }
            cu_buf_free(&b);
        }
        if (pattern != 0) {
            /* a string that only looks like a regex (escapes, no regex call) still goes
             * through the shell judgement: a command cannot hide behind a "\\s" */
            k->pattern = true;
            if (pattern == 1 && sk_shell_worthy(t->v, t->vn)) {
                (void)sk_check_shell(k, t->v, t->vn, t->line, false);
            } else {
                sk_check_word(k, t->v, t->vn, t->line, true);
            }
            k->pattern = false;
        } else if (t->kind == CT_STR) {
            if (sk_shell_worthy(t->v, t->vn)) {
                (void)sk_check_shell(k, t->v, t->vn, t->line, false);
            } else {
                k->key_read = key_context(c, i);
                sk_check_word(k, t->v, t->vn, t->line, true);
                k->key_read = false;
            }
        }
        if (t->kind == CT_NAME && tok_is(c, i + 1, "(")) {
            const char *nm = c->t + t->off;
            /* exec-like call with a list: ["sh", "-c", "..."] */
            if (exec_name(nm, t->len) && (tok_is(c, i + 2, "[") || c->js)) {
                struct cu_buf b = CU_BUF_INIT(CT_STR_MAX);
                size_t items = 0;
                for (size_t j = i + 2; j < c->n && j < i + 64; j++) {
                    if (tok_is(c, j, ")")) {
                        break;
                    }
                    size_t n = 0;
                    const char *v = term(c, j, &n);
                    if (v != NULL) {
                        if (items++ > 0) {
                            cu_buf_addc(&b, ' ');
                        }
                        bool q = memchr(v, ' ', n) != NULL;
                        if (q) {
                            cu_buf_addc(&b, '\'');
                        }
                        cu_buf_add(&b, v, n);
                        if (q) {
                            cu_buf_addc(&b, '\'');
                        }
                    }
                }
                if (items >= 2) {
                    (void)sk_check_shell(k, cu_buf_str(&b), b.len, t->line, false);
                }
                cu_buf_free(&b);
            }
            /* exec-like call whose command is decoded at run time:
             * child_process.exec(Buffer.from('...', 'base64').toString()),
             * os.system(base64.b64decode(...)) */
            if (exec_name(nm, t->len) && !(!c->js && t->len == 4 && memcmp(nm, "exec", 4) == 0) &&
                args_any(c, i, arg_decodes)) {
                sk_emit(k, t->line, "skill/fetch-and-run", CU_SEV_DEFAULT, nm, t->len,
                        "a command is decoded at run time and executed");
            }
            /* Python: exec/eval/compile of decoded or downloaded text: a call of a download
             * or decoding module inside the arguments, or a name bound to one's result */
            if (!c->js &&
                ((t->len == 4 && (memcmp(nm, "exec", 4) == 0 || memcmp(nm, "eval", 4) == 0)) ||
                 (t->len == 7 && memcmp(nm, "compile", 7) == 0)) &&
                args_any(c, i, arg_py_fetched)) {
                sk_emit(k, t->line, "skill/fetch-and-run", CU_SEV_DEFAULT, nm, t->len,
                        "Python executes decoded or downloaded code");
            }
            /* JS: eval/Function/vm.runIn* of decoded or downloaded text, in the arguments or
             * through a name bound to it */
            if (c->js && js_eval_name(nm, t->len) && args_any(c, i, arg_js_fetched)) {
                sk_emit(k, t->line, "skill/fetch-and-run", CU_SEV_DEFAULT, nm, t->len,
                        "JavaScript evaluates decoded or downloaded code");
            }
        }
    }
}

static void minified(struct ct *c)
{
    size_t ls = 0;
    uint32_t line = c->line;
    for (size_t i = 0; i <= c->len; i++) {
        if (i == c->len || c->t[i] == '\n') {
            size_t n = i - ls, sp = 0;
            for (size_t j = ls; j < i; j++) {
                sp += c->t[j] == ' ';
            }
            /* a line that is one long string literal is data (an embedded icon, a table row):
             * the literal itself goes through the blob check, which decodes it */
            size_t last = SIZE_MAX, gap = 0;
            for (size_t j = ls; j < i; j++) {
                if (c->t[j] == '"' || c->t[j] == '\'') {
                    if (last != SIZE_MAX && j - last > gap) {
                        gap = j - last;
                    }
                    last = j;
                }
            }
            bool literal = gap * 10 >= n * 9;
            if (n > 1000 && sp * 30 < n && !literal) {
                sk_emit(c->k, line, "skill/obfuscation",
                        c->k->minified_name ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT, c->t + ls, 80,
                        "minified or packed code line");
                return;
            }
            ls = i + 1;
            line++;
        }
    }
}

static void run(struct sk *k, const char *text, size_t len, uint32_t line, bool js)
{
    struct ct *c = cu_calloc(1, sizeof(*c));
    if (c == NULL) {
        return;
    }
    c->k = k;
    c->t = text;
    c->len = len;
    c->line = line;
    c->js = js;
    if (lex(c) == 0) {
        judge(c);
    } else {
        sk_emit(k, line, "skill/obfuscation", CUSTODY_SEV_LOW, NULL, 0,
                "script too large to tokenise completely");
    }
    c->line = line;
    minified(c);
    for (size_t i = 0; i < c->n; i++) {
        free(c->tk[i].v);
    }
    for (size_t i = 0; i < c->nvars; i++) {
        free(c->vars[i].v);
    }
    free(c->tk);
    free(c);
}

void sk_check_python(struct sk *k, const char *text, size_t len, uint32_t line)
{
    run(k, text, len, line, false);
}

void sk_check_js(struct sk *k, const char *text, size_t len, uint32_t line)
{
    run(k, text, len, line, true);
}
