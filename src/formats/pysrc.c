/* Python source in model repositories (the modeling_*.py files that trust_remote_code=True
 * imports, custom pipelines, any .py shipped with a model). A small tokenizer (names, numbers,
 * strings with every prefix and triple quotes, f-string expressions, comments, operators,
 * logical lines) feeds a statement-level analysis:
 *   - dotted names are resolved through the file's imports ("from os import system as s"
 *     makes s(...) os.system), also through getattr(mod, "name") and __import__("mod").name;
 *   - process execution, exec/eval/compile of non-literal input, dynamic imports, network
 *     access and unsafe deserialisation are reported where they are referenced;
 *   - a decoder (base64, zlib, marshal, bytes.fromhex, ...) or a download feeding a sink
 *     (exec/eval/compile, a process, pickle.loads, ...) in the same statement, or through a
 *     name assigned from one, is the decode-and-run / download-and-run pattern: critical.
 * The literal argument of exec("...") is analysed as Python itself. Nothing is evaluated.
 * Selection: a source named *.py whose first bytes tokenise as Python text (see
 * docs/formats.md); arbitrary text is never claimed. */
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/util.h"
#include "engine/engine.h"
#include "agents/skillcheck.h"
#include "core/banned.h"

#define PY_CHAIN_MAX   512u  /* bytes of a resolved dotted name */
#define PY_STMT_TOKENS 8192u /* tokens analysed together; longer statements are cut */
#define PY_FSTR_NEST   16u   /* strings nested in f-string expressions */
#define PY_EXEC_NEST   3u    /* exec("...") literals analysed as code, nested */
#define PY_KWARG_SCAN  128u  /* tokens of a call searched for a keyword argument */

/* ---- tokenizer ---- */

enum py_kind { PY_NAME, PY_NUMBER, PY_STRING, PY_OP, PY_NEWLINE };

struct py_tok {
    enum py_kind kind;
    bool fstr;                 /* STRING: an f-string (never a literal) */
    size_t off, len;           /* whole token */
    size_t body_off, body_len; /* STRING: between the quotes */
    uint32_t line;
};

struct py_lex {
    const uint8_t *p;
    size_t n;
    size_t pos;
    unsigned depth; /* open brackets */
    uint32_t line;
    bool pending_nl; /* a NEWLINE is owed at the next significant token */
    const char *why; /* error */
    size_t err_off;
};

static bool py_is_name_start(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool py_is_name_char(uint8_t c)
{
    return py_is_name_start(c) || (c >= '0' && c <= '9');
}

static int py_fail(struct py_lex *lx, const char *why, size_t off)
{
    lx->why = why;
    lx->err_off = off;
    return -1;
}

static int py_scan_string(struct py_lex *lx, bool fstr, unsigned nest, struct py_tok *t);

/* Skips an f-string replacement field starting after '{'. */
static int py_scan_fexpr(struct py_lex *lx, unsigned nest)
{
    unsigned d = 1;
    while (lx->pos < lx->n) {
        uint8_t c = lx->p[lx->pos];
        if (c == '\'' || c == '"') {
            struct py_tok sub;
            if (py_scan_string(lx, false, nest + 1, &sub) < 0) {
                return -1;
            }
            continue;
        }
        if (c == '\n') {
            lx->line++;
        } else if (c == '{' || c == '(' || c == '[') {
            d++;
        } else if (c == '}' || c == ')' || c == ']') {
            if (--d == 0) {
                lx->pos++;
                return 0;
            }
        }
        lx->pos++;
    }
    return py_fail(lx, "unterminated f-string expression", lx->pos);
}

/* lx->pos is at the opening quote. Fills the body span of t. */
static int py_scan_string(struct py_lex *lx, bool fstr, unsigned nest, struct py_tok *t)
{
    if (nest > PY_FSTR_NEST) {
        return py_fail(lx, "strings nested too deep in f-strings", lx->pos);
    }
    size_t start = lx->pos;
    uint8_t q = lx->p[lx->pos];
    bool triple = lx->n - lx->pos >= 3 && lx->p[lx->pos + 1] == q && lx->p[lx->pos + 2] == q;
    lx->pos += triple ? 3 : 1;
    t->body_off = lx->pos;
    for (;;) {
        if (lx->pos >= lx->n) {
            return py_fail(lx, "unterminated string", start);
        }
        uint8_t c = lx->p[lx->pos];
        if (c == '\\') {
            if (lx->n - lx->pos >= 2 && lx->p[lx->pos + 1] == '\n') {
                lx->line++;
            }
            lx->pos += lx->n - lx->pos >= 2 ? 2 : 1;
            continue;
        }
        if (c == q) {
            if (!triple) {
                t->body_len = lx->pos - t->body_off;
                lx->pos++;
                return 0;
            }
            if (lx->n - lx->pos >= 3 && lx->p[lx->pos + 1] == q && lx->p[lx->pos + 2] == q) {
                t->body_len = lx->pos - t->body_off;
                lx->pos += 3;
                return 0;
            }
        } else if (c == '\n') {
            if (!triple) {
                return py_fail(lx, "newline in a single-quoted string", lx->pos);
            }
            lx->line++;
        } else if (c == '{' && fstr) {
            if (lx->n - lx->pos >= 2 && lx->p[lx->pos + 1] == '{') {
                lx->pos += 2;
                continue;
            }
            lx->pos++;
            if (py_scan_fexpr(lx, nest) < 0) {
                return -1;
            }
            continue;
        } else if (c == 0) {
            return py_fail(lx, "NUL byte in source", lx->pos);
        }
        lx->pos++;
    }
}

/* Is [p, p+n) a string prefix (r, b, u, f, t and their two-letter mixes)? Sets *f. */
static bool py_string_prefix(const uint8_t *p, size_t n, bool *f)
{
    if (n == 0 || n > 2) {
        return false;
    }
    *f = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)(p[i] | 0x20);
        if (c == 'f' || c == 't') {
            *f = true;
        } else if (c != 'r' && c != 'b' && c != 'u') {
            return false;
        }
    }
    return true;
}

static const char *const py_ops3[] = { "**=", "//=", ">>=", "<<=", "...", NULL };
static const char *const py_ops2[] = { "->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=",
                                       "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", NULL };

/* Next token: 0 and *t, 1 at the end, -1 on an error (lx->why). */
static int py_lex_next(struct py_lex *lx, struct py_tok *t)
{
    memset(t, 0, sizeof(*t));
    for (;;) {
        if (lx->pos >= lx->n) {
            if (lx->pending_nl) {
                lx->pending_nl = false;
                t->kind = PY_NEWLINE;
                t->off = lx->n;
                t->line = lx->line;
                return 0;
            }
            return 1;
        }
        uint8_t c = lx->p[lx->pos];
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
            lx->pos++;
            continue;
        }
        if (c == '\\' && lx->n - lx->pos >= 2 &&
            (lx->p[lx->pos + 1] == '\n' || lx->p[lx->pos + 1] == '\r')) {
            lx->pos += 2; /* line continuation, \n or \r\n */
            if (lx->p[lx->pos - 1] == '\r' && lx->pos < lx->n && lx->p[lx->pos] == '\n') {
                lx->pos++;
            }
            lx->line++;
            continue;
        }
        if (c == '#') {
            while (lx->pos < lx->n && lx->p[lx->pos] != '\n') {
                lx->pos++;
            }
            continue;
        }
        if (c == '\n') {
            lx->pos++;
            lx->line++;
            if (lx->depth == 0 && lx->pending_nl) {
                lx->pending_nl = false;
                t->kind = PY_NEWLINE;
                t->off = lx->pos - 1;
                t->line = lx->line - 1;
                return 0;
            }
            continue;
        }
        if (c == 0) {
            return py_fail(lx, "NUL byte in source", lx->pos);
        }
        break;
    }
    uint8_t c = lx->p[lx->pos];
    t->off = lx->pos;
    t->line = lx->line;
    lx->pending_nl = true;
    if (py_is_name_start(c)) {
        size_t s = lx->pos;
        while (lx->pos < lx->n && py_is_name_char(lx->p[lx->pos])) {
            lx->pos++;
        }
        bool f = false;
        if (lx->pos < lx->n && (lx->p[lx->pos] == '\'' || lx->p[lx->pos] == '"') &&
            py_string_prefix(lx->p + s, lx->pos - s, &f)) {
            t->kind = PY_STRING;
            t->fstr = f;
            if (py_scan_string(lx, f, 0, t) < 0) {
                return -1;
            }
        } else {
            t->kind = PY_NAME;
        }
    } else if (c == '\'' || c == '"') {
        t->kind = PY_STRING;
        if (py_scan_string(lx, false, 0, t) < 0) {
            return -1;
        }
    } else if ((c >= '0' && c <= '9') || (c == '.' && lx->n - lx->pos >= 2 &&
                                          lx->p[lx->pos + 1] >= '0' && lx->p[lx->pos + 1] <= '9')) {
        t->kind = PY_NUMBER;
        lx->pos++;
        while (lx->pos < lx->n) {
            uint8_t d = lx->p[lx->pos];
            uint8_t prev = (uint8_t)(lx->p[lx->pos - 1] | 0x20);
            if (py_is_name_char(d) || d == '.' || ((d == '+' || d == '-') && prev == 'e')) {
                lx->pos++;
            } else {
                break;
            }
        }
    } else {
        t->kind = PY_OP;
        size_t left = lx->n - lx->pos;
        size_t len = 1;
        for (size_t i = 0; py_ops3[i] != NULL && left >= 3 && len == 1; i++) {
            if (memcmp(lx->p + lx->pos, py_ops3[i], 3) == 0) {
                len = 3;
            }
        }
        for (size_t i = 0; py_ops2[i] != NULL && left >= 2 && len == 1; i++) {
            if (memcmp(lx->p + lx->pos, py_ops2[i], 2) == 0) {
                len = 2;
            }
        }
        if (len == 1) {
            if (c == '(' || c == '[' || c == '{') {
                lx->depth++;
            } else if ((c == ')' || c == ']' || c == '}') && lx->depth > 0) {
                lx->depth--;
            }
        }
        lx->pos += len;
        if (len == 1 && c == ';' && lx->depth == 0) {
            t->kind = PY_NEWLINE; /* statement separator */
            lx->pending_nl = false;
        }
    }
    t->len = lx->pos - t->off;
    return 0;
}

/* ---- a small string map (aliases and tainted names) ---- */

struct py_map {
    char **keys;
    char **vals;
    size_t cap, n;
};

static uint64_t py_hash(const char *s)
{
    return cu_fnv1a(s, strlen(s));
}

static const char *py_map_get(const struct py_map *m, const char *key)
{
    if (m->cap == 0) {
        return NULL;
    }
    for (size_t i = (size_t)(py_hash(key) & (m->cap - 1));; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == NULL) {
            return NULL;
        }
        if (strcmp(m->keys[i], key) == 0) {
            return m->vals[i];
        }
    }
}

static void py_map_free(struct py_map *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->keys[i]);
        free(m->vals[i]);
    }
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

static int py_map_slot_put(struct py_map *m, char *key, char *val)
{
    for (size_t i = (size_t)(py_hash(key) & (m->cap - 1));; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == NULL) {
            m->keys[i] = key;
            m->vals[i] = val;
            m->n++;
            return 0;
        }
        if (strcmp(m->keys[i], key) == 0) {
            free(m->vals[i]);
            free(key);
            m->vals[i] = val;
            return 0;
        }
    }
}

/* Sets key -> val (copied). Returns 0 or CUSTODY_ENOMEM. */
static int py_map_put(struct py_map *m, const char *key, const char *val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap == 0 ? 64 : m->cap * 2;
        struct py_map nm = { cu_calloc(ncap, sizeof(char *)), cu_calloc(ncap, sizeof(char *)), ncap,
                             0 };
        if (nm.keys == NULL || nm.vals == NULL || ncap < m->cap) {
            free(nm.keys);
            free(nm.vals);
            return CUSTODY_ENOMEM;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (m->keys[i] != NULL) {
                (void)py_map_slot_put(&nm, m->keys[i], m->vals[i]);
            }
        }
        free(m->keys);
        free(m->vals);
        *m = nm;
    }
    char *k = cu_strdup(key);
    char *v = cu_strdup(val);
    if (k == NULL || v == NULL) {
        free(k);
        free(v);
        return CUSTODY_ENOMEM;
    }
    return py_map_slot_put(m, k, v);
}

/* ---- what names mean ---- */

enum py_class {
    PYC_NONE = 0,
    PYC_PROC,    /* runs a process */
    PYC_EXEC,    /* exec / eval / compile */
    PYC_IMPORT,  /* dynamic import */
    PYC_NET,     /* network access (also a taint source) */
    PYC_DECODE,  /* decoder: taint source only */
    PYC_DESER,   /* unsafe deserialisation (also a sink) */
    PYC_CODEOBJ, /* builds functions from code objects: sink only */
};

struct py_name_rule {
    const char *name; /* exact, or a prefix when it ends in '.' or '*' */
    enum py_class cls;
};

static const struct py_name_rule py_rules[] = {
    { "os.system", PYC_PROC },
    { "os.popen", PYC_PROC },
    { "os.popen2", PYC_PROC },
    { "os.popen3", PYC_PROC },
    { "os.popen4", PYC_PROC },
    { "os.exec*", PYC_PROC },
    { "os.spawn*", PYC_PROC },
    { "os.posix_spawn", PYC_PROC },
    { "os.posix_spawnp", PYC_PROC },
    { "os.startfile", PYC_PROC },
    { "posix.system", PYC_PROC },
    { "nt.system", PYC_PROC },
    { "subprocess.Popen", PYC_PROC },
    { "subprocess.call", PYC_PROC },
    { "subprocess.run", PYC_PROC },
    { "subprocess.check_call", PYC_PROC },
    { "subprocess.check_output", PYC_PROC },
    { "subprocess.getoutput", PYC_PROC },
    { "subprocess.getstatusoutput", PYC_PROC },
    { "pty.spawn", PYC_PROC },
    { "commands.getoutput", PYC_PROC },
    { "commands.getstatusoutput", PYC_PROC },
    { "platform.popen", PYC_PROC },
    { "asyncio.create_subprocess_exec", PYC_PROC },
    { "asyncio.create_subprocess_shell", PYC_PROC },
    { "exec", PYC_EXEC },
    { "eval", PYC_EXEC },
    { "compile", PYC_EXEC },
    { "execfile", PYC_EXEC },
    { "__import__", PYC_IMPORT },
    { "importlib.import_module", PYC_IMPORT },
    { "importlib.__import__", PYC_IMPORT },
    { "importlib.util.spec_from_file_location", PYC_IMPORT },
    { "importlib.machinery.SourceFileLoader", PYC_IMPORT },
    { "imp.load_source", PYC_IMPORT },
    { "imp.load_module", PYC_IMPORT },
    { "imp.load_compiled", PYC_IMPORT },
    { "runpy.run_path", PYC_IMPORT },
    { "runpy.run_module", PYC_IMPORT },
    { "urllib.request.", PYC_NET },
    { "urllib.urlopen", PYC_NET },
    { "urllib.urlretrieve", PYC_NET },
    { "urllib2.", PYC_NET },
    { "urllib3.", PYC_NET },
    { "requests.", PYC_NET },
    { "http.client.", PYC_NET },
    { "httplib.", PYC_NET },
    { "httpx.", PYC_NET },
    { "aiohttp.", PYC_NET },
    { "socket.socket", PYC_NET },
    { "socket.create_connection", PYC_NET },
    { "socket.fromfd", PYC_NET },
    { "ftplib.", PYC_NET },
    { "telnetlib.", PYC_NET },
    { "smtplib.", PYC_NET },
    { "paramiko.", PYC_NET },
    { "pycurl.", PYC_NET },
    { "websocket.", PYC_NET },
    { "websockets.", PYC_NET },
    { "base64.b64decode", PYC_DECODE },
    { "base64.b32decode", PYC_DECODE },
    { "base64.b32hexdecode", PYC_DECODE },
    { "base64.b16decode", PYC_DECODE },
    { "base64.a85decode", PYC_DECODE },
    { "base64.b85decode", PYC_DECODE },
    { "base64.z85decode", PYC_DECODE },
    { "base64.decodebytes", PYC_DECODE },
    { "base64.decodestring", PYC_DECODE },
    { "base64.standard_b64decode", PYC_DECODE },
    { "base64.urlsafe_b64decode", PYC_DECODE },
    { "binascii.a2b_base64", PYC_DECODE },
    { "binascii.a2b_hex", PYC_DECODE },
    { "binascii.unhexlify", PYC_DECODE },
    { "binascii.a2b_uu", PYC_DECODE },
    { "codecs.decode", PYC_DECODE },
    { "zlib.decompress", PYC_DECODE },
    { "zlib.decompressobj", PYC_DECODE },
    { "gzip.decompress", PYC_DECODE },
    { "bz2.decompress", PYC_DECODE },
    { "lzma.decompress", PYC_DECODE },
    { "bytes.fromhex", PYC_DECODE },
    { "bytearray.fromhex", PYC_DECODE },
    { "marshal.loads", PYC_DESER },
    { "marshal.load", PYC_DESER },
    { "pickle.loads", PYC_DESER },
    { "pickle.load", PYC_DESER },
    { "pickle.Unpickler", PYC_DESER },
    { "cPickle.loads", PYC_DESER },
    { "cPickle.load", PYC_DESER },
    { "_pickle.loads", PYC_DESER },
    { "_pickle.load", PYC_DESER },
    { "dill.loads", PYC_DESER },
    { "dill.load", PYC_DESER },
    { "cloudpickle.loads", PYC_DESER },
    { "cloudpickle.load", PYC_DESER },
    { "joblib.load", PYC_DESER },
    { "shelve.open", PYC_DESER },
    { "torch.load", PYC_DESER },
    { "numpy.load", PYC_DESER },
    { "types.FunctionType", PYC_CODEOBJ },
    { "types.CodeType", PYC_CODEOBJ },
};

static enum py_class py_classify_one(const char *q)
{
    for (size_t i = 0; i < sizeof(py_rules) / sizeof(py_rules[0]); i++) {
        const char *r = py_rules[i].name;
        size_t rl = strlen(r);
        if (r[rl - 1] == '*') {
            if (strncmp(q, r, rl - 1) == 0 && q[rl - 1] != '\0' &&
                strchr(q + rl - 1, '.') == NULL) {
                return py_rules[i].cls;
            }
        } else if (r[rl - 1] == '.') {
            if (strncmp(q, r, rl) == 0 && q[rl] != '\0') {
                return py_rules[i].cls;
            }
        } else if (strcmp(q, r) == 0) {
            return py_rules[i].cls;
        }
    }
    return PYC_NONE;
}

/* Classifies a resolved name or any of its dotted prefixes ("os.system.__call__"). Writes the
 * matching prefix length to *plen. "builtins.exec" and "__builtins__.exec" mean exec. */
static enum py_class py_classify(const char *q, size_t *plen)
{
    char buf[PY_CHAIN_MAX];
    size_t n = strlen(q);
    size_t skipped = 0;
    if (n >= sizeof(buf)) {
        return PYC_NONE;
    }
    for (const char *pre = "builtins."; pre != NULL;
         pre = strcmp(pre, "builtins.") == 0 ? "__builtins__." : NULL) {
        size_t pl = strlen(pre);
        if (strncmp(q, pre, pl) == 0) {
            q += pl;
            n -= pl;
            skipped = pl;
            break;
        }
    }
    memcpy(buf, q, n + 1);
    for (;;) {
        enum py_class c = py_classify_one(buf);
        if (c != PYC_NONE) {
            *plen = skipped + strlen(buf);
            return c;
        }
        char *dot = strrchr(buf, '.');
        if (dot == NULL) {
            return PYC_NONE;
        }
        *dot = '\0';
    }
}

/* ---- analysis ---- */

static const char *const py_rule_ids[] = {
    "python/process-exec", "python/dynamic-exec",           "python/dynamic-import",
    "python/network",      "python/unsafe-deserialization", "python/decode-and-exec"
};
#define PY_NRULES   (sizeof(py_rule_ids) / sizeof(py_rule_ids[0]))
#define PY_RULE_MAX 100u
#define SK_JOIN_MAX (16u << 10) /* bytes of joined command words judged at once */

struct py_state {
    struct cu_ctx *ctx;
    struct cu_source *src;
    const uint8_t *text; /* the whole file */
    size_t text_len;
    struct py_map alias;                   /* local name -> qualified name */
    struct py_map taint;                   /* names assigned from a decoder or a download */
    struct py_map blobs;                   /* names assigned a literal long enough for a
                                            * payload (PY_BLOB_MIN) */
    struct py_tok *toks[PY_EXEC_NEST + 1]; /* statement buffers, one per exec nesting */
    unsigned per_rule[PY_NRULES];          /* findings emitted per rule */
    int rc;                                /* ENOMEM */
    int model_code; /* code a model loader may import (py_is_model_code); -1: not yet asked */
};

/* One statement being analysed: tokens of one logical line of some text. */
struct py_stmt {
    const uint8_t *p; /* the text the tokens index (file, or an exec literal) */
    size_t base;      /* offset of p[0] in the file */
    const struct py_tok *t;
    size_t n;
    unsigned nest; /* exec-literal depth */
};

static bool py_tok_is(const struct py_stmt *s, size_t i, enum py_kind k, const char *text)
{
    if (i >= s->n || s->t[i].kind != k) {
        return false;
    }
    size_t l = strlen(text);
    return s->t[i].len == l && memcmp(s->p + s->t[i].off, text, l) == 0;
}

static bool py_op(const struct py_stmt *s, size_t i, const char *text)
{
    return py_tok_is(s, i, PY_OP, text);
}

/* Appends token i's text to b. */
static void py_add_tok(struct cu_buf *b, const struct py_stmt *s, size_t i)
{
    cu_buf_add(b, s->p + s->t[i].off, s->t[i].len);
}

/* Evidence: the statement's source from token i, escaped and cut. */
static char *py_evidence(const struct py_stmt *s, size_t i)
{
    struct cu_buf b = CU_BUF_INIT(200);
    size_t from = s->t[i].off;
    size_t to = s->t[s->n - 1].off + s->t[s->n - 1].len;
    if (i > 0 && s->t[0].off < from) {
        from = s->t[0].off; /* whole statement: "x = exec(...)" reads better */
    }
    cu_buf_add_escaped(&b, s->p + from, to - from);
    char *e = cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return e;
}

static bool py_model_code(struct py_state *st);

static void py_emit(struct py_state *st,
                    const struct py_stmt *s,
                    size_t i,
                    const char *rule,
                    int sev,
                    const char *what)
{
    /* At most PY_RULE_MAX findings per rule and file, so that a flood of one kind can
     * neither hide a later, worse one behind the per-file cap nor cost time. */
    size_t r = 0;
    while (r < PY_NRULES - 1 && strcmp(py_rule_ids[r], rule) != 0) {
        r++;
    }
    if (st->per_rule[r] >= PY_RULE_MAX) {
        return;
    }
    if (++st->per_rule[r] == PY_RULE_MAX) {
        cu_emit(st->ctx, st->src, s->base + s->t[i].off, rule, sev, NULL,
                "line %u: %u findings of this rule; later ones in this file are not listed",
                (unsigned)s->t[i].line, PY_RULE_MAX);
        return;
    }
    /* Outside model code, processes, sockets and dynamic imports are what applications do:
     * still listed, at low (exec of computed code at medium); running decoded or downloaded
     * data stays critical anywhere. */
    const char *scope = "";
    if (strcmp(rule, "python/decode-and-exec") != 0 && !py_model_code(st)) {
        int cap = strcmp(rule, "python/dynamic-exec") == 0 ? (int)CUSTODY_SEV_MEDIUM
                                                           : (int)CUSTODY_SEV_LOW;
        const custody_rule *def = custody_rule_find(rule);
        int eff = sev >= 0 ? sev : (def != NULL ? (int)def->severity : cap);
        sev = eff < cap ? eff : cap;
        scope = cu_ctx_disk_path(st->ctx, st->src) == NULL
                    ? " (library code of a Python distribution, not a model's code)"
                    : " (not model code: no model files beside it)";
    }
    char *ev = py_evidence(s, i);
    cu_emit(st->ctx, st->src, s->base + s->t[i].off, rule, sev, ev, "line %u%s: %s%s",
            (unsigned)s->t[i].line, s->nest > 0 ? " (inside an exec'd string)" : "", what, scope);
    free(ev);
}

/* Reads a dotted chain NAME ('.' NAME)* at i into b (raw), returns the index after it. */
static size_t py_chain(const struct py_stmt *s, size_t i, struct cu_buf *b)
{
    py_add_tok(b, s, i);
    i++;
    while (i + 1 < s->n && py_op(s, i, ".") && s->t[i + 1].kind == PY_NAME) {
        cu_buf_addc(b, '.');
        py_add_tok(b, s, i + 1);
        i += 2;
    }
    return i;
}

/* Resolves the first component of a raw chain through the aliases into out. */
static void py_resolve(const struct py_state *st, const char *raw, struct cu_buf *out)
{
    const char *dot = strchr(raw, '.');
    size_t hl = dot != NULL ? (size_t)(dot - raw) : strlen(raw);
    char head[PY_CHAIN_MAX];
    if (hl >= sizeof(head)) {
        cu_buf_adds(out, raw);
        return;
    }
    memcpy(head, raw, hl);
    head[hl] = '\0';
    const char *q = py_map_get(&st->alias, head);
    cu_buf_adds(out, q != NULL ? q : head);
    if (dot != NULL) {
        cu_buf_adds(out, dot);
    }
}

/* A simple string literal's body (no escapes) as a name, or false. */
static bool py_plain_string(const struct py_stmt *s, size_t i, struct cu_buf *b)
{
    if (i >= s->n || s->t[i].kind != PY_STRING || s->t[i].fstr) {
        return false;
    }
    const uint8_t *q = s->p + s->t[i].body_off;
    size_t n = s->t[i].body_len;
    if (n == 0 || n >= PY_CHAIN_MAX) {
        return false;
    }
    for (size_t k = 0; k < n; k++) {
        if (!py_is_name_char(q[k]) && q[k] != '.') {
            return false;
        }
    }
    cu_buf_add(b, q, n);
    return true;
}

/* Index of the ')' closing the '(' at i, or s->n. */
static size_t py_close(const struct py_stmt *s, size_t i)
{
    unsigned d = 0;
    for (; i < s->n; i++) {
        if (s->t[i].kind != PY_OP || s->t[i].len != 1) {
            continue;
        }
        uint8_t c = s->p[s->t[i].off];
        if (c == '(' || c == '[' || c == '{') {
            d++;
        } else if ((c == ')' || c == ']' || c == '}') && d > 0 && --d == 0) {
            return i;
        }
    }
    return s->n;
}

/* A process call's constant command line, judged like a skill's shell text (shtok.c): a
 * download or decoded data piped into a shell is python/fetch-and-run, critical wherever the
 * file is (the capability itself is capped outside model code, this is not). Each string
 * argument is judged, and with two or more the words joined (["sh", "-c", "curl ..|sh"]);
 * f-strings too, their {fields} standing in as words. */
static void py_proc_payload(struct py_state *st, const struct py_stmt *s, size_t open)
{
    size_t close = py_close(s, open);
    struct sk k = { 0 };
    k.ctx = st->ctx;
    k.src = st->src;
    k.family = "python";
    struct cu_buf all = CU_BUF_INIT(SK_JOIN_MAX);
    size_t nstr = 0;
    uint32_t line = s->t[open].line;
    for (size_t i = open + 1; i < close && i < s->n; i++) {
        const struct py_tok *t = &s->t[i];
        if (t->kind != PY_STRING) {
            continue;
        }
        const char *w = (const char *)s->p + t->body_off;
        if (sk_shell_worthy(w, t->body_len)) {
            (void)sk_check_shell(&k, w, t->body_len, t->line, false);
        }
        if (nstr++ > 0) {
            cu_buf_addc(&all, ' ');
        }
        cu_buf_add(&all, w, t->body_len);
    }
    if (nstr > 1 && !all.cut && sk_shell_worthy(cu_buf_str(&all), all.len) && k.hits == 0) {
        (void)sk_check_shell(&k, cu_buf_str(&all), all.len, line, false);
    }
    cu_buf_free(&all);
}

/* Is the call's argument list at '(' i a keyword set to a NAME value? Looks at the first
 * PY_KWARG_SCAN tokens only, so nested calls cannot make a statement quadratic. */
static bool py_kwarg(const struct py_stmt *s, size_t i, const char *kw, const char *val)
{
    struct py_stmt w = *s;
    if (w.n - i > PY_KWARG_SCAN) {
        w.n = i + PY_KWARG_SCAN;
    }
    s = &w;
    size_t end = py_close(s, i);
    for (size_t k = i + 1; k + 2 < end; k++) {
        if (py_tok_is(s, k, PY_NAME, kw) && py_op(s, k + 1, "=") &&
            py_tok_is(s, k + 2, PY_NAME, val)) {
            return true;
        }
    }
    return false;
}

static int py_run(struct py_state *st, const uint8_t *p, size_t n, size_t base, unsigned nest);

static void py_import(struct py_state *st, const struct py_stmt *s)
{
    struct cu_buf mod = CU_BUF_INIT(PY_CHAIN_MAX);
    struct cu_buf name = CU_BUF_INIT(PY_CHAIN_MAX);
    struct cu_buf q = CU_BUF_INIT(PY_CHAIN_MAX * 2);
    size_t i = 0;
    if (py_tok_is(s, 0, PY_NAME, "from")) {
        i = 1;
        while (i < s->n && py_op(s, i, ".")) {
            cu_buf_addc(&mod, '.');
            i++;
        }
        if (i < s->n && s->t[i].kind == PY_NAME && !py_tok_is(s, i, PY_NAME, "import")) {
            i = py_chain(s, i, &mod);
        }
        if (!py_tok_is(s, i, PY_NAME, "import")) {
            goto out;
        }
        for (i++; i < s->n; i++) {
            if (s->t[i].kind != PY_NAME) {
                continue;
            }
            /* NAME [as LOCAL]: LOCAL (or NAME) means module.NAME */
            size_t local = i;
            size_t after = i + 1;
            if (py_tok_is(s, after, PY_NAME, "as") && after + 1 < s->n &&
                s->t[after + 1].kind == PY_NAME) {
                local = after + 1;
                after += 2;
            }
            cu_buf_reset(&q);
            cu_buf_adds(&q, cu_buf_str(&mod));
            cu_buf_addc(&q, '.');
            py_add_tok(&q, s, i);
            cu_buf_reset(&name);
            py_add_tok(&name, s, local);
            if (!mod.cut && !q.cut && !name.cut && cu_buf_str(&mod)[0] != '.' &&
                py_map_put(&st->alias, cu_buf_str(&name), cu_buf_str(&q)) < 0) {
                st->rc = CUSTODY_ENOMEM;
            }
            i = after - 1;
        }
        goto out;
    }
    /* import a.b.c [as x], d */
    for (i = 1; i < s->n; i++) {
        if (s->t[i].kind != PY_NAME) {
            continue;
        }
        cu_buf_reset(&mod);
        size_t after = py_chain(s, i, &mod);
        if (py_tok_is(s, after, PY_NAME, "as") && after + 1 < s->n &&
            s->t[after + 1].kind == PY_NAME) {
            cu_buf_reset(&name);
            py_add_tok(&name, s, after + 1);
            if (!mod.cut && !name.cut &&
                py_map_put(&st->alias, cu_buf_str(&name), cu_buf_str(&mod)) < 0) {
                st->rc = CUSTODY_ENOMEM;
            }
            after += 2;
        }
        i = after - 1;
    }
out:
    cu_buf_free(&mod);
    cu_buf_free(&name);
    cu_buf_free(&q);
}

static const char *py_class_text(enum py_class c)
{
    switch (c) {
    case PYC_NET:
        return "downloaded data";
    case PYC_DECODE:
        return "decoded data";
    default:
        return "a value assigned from a decoder or a download";
    }
}

/* Where a statement's taint sources are: the first, and any other. */
struct py_flow {
    size_t first, other;
    enum py_class cls; /* the first NET or DECODE source, for the message */
    bool payload;      /* a download, or a decoder fed by a blob written in the file */
};

#define PY_BLOB_MIN 24u /* a string literal this long can hold an encoded payload */

/* A literal that reads as encoded data: long, escaped bytes, or base64/hex text with a digit,
 * '+', '/' or '=' (a dict key or a word has none of them). */
static bool py_blob_literal(const uint8_t *b, size_t n)
{
    if (n >= PY_BLOB_MIN) {
        return true;
    }
    bool mark = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = b[i];
        if (c == '\\' && i + 1 < n && (b[i + 1] == 'x' || (b[i + 1] >= '0' && b[i + 1] <= '7'))) {
            return true;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=' || c == '_' || c == '-')) {
            return false;
        }
        mark = mark || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    }
    return n >= 4 && mark;
}

/* The statement holds a literal string long enough to be an encoded payload, a name that was
 * assigned one, or reads a file (a payload kept beside the code: open(...), read_text(),
 * read_bytes(), __file__). */
static bool py_stmt_blob(const struct py_state *st, const struct py_stmt *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct py_tok *t = &s->t[i];
        if (t->kind == PY_STRING && !t->fstr && py_blob_literal(s->p + t->body_off, t->body_len)) {
            return true;
        }
        if (py_tok_is(s, i, PY_NAME, "__file__") ||
            (py_op(s, i + 1, "(") &&
             (py_tok_is(s, i, PY_NAME, "open") || py_tok_is(s, i, PY_NAME, "read_text") ||
              py_tok_is(s, i, PY_NAME, "read_bytes")))) {
            return true;
        }
        if (t->kind == PY_NAME && !(i > 0 && py_op(s, i - 1, "."))) {
            char nm[PY_CHAIN_MAX];
            size_t l = t->len < sizeof(nm) - 1 ? t->len : sizeof(nm) - 1;
            memcpy(nm, s->p + t->off, l);
            nm[l] = '\0';
            if (py_map_get(&st->blobs, nm) != NULL) {
                return true;
            }
        }
    }
    return false;
}

static void py_note(struct py_flow *f, size_t i, enum py_class cls)
{
    if (f->first == SIZE_MAX) {
        f->first = i;
    } else if (i != f->first && f->other == SIZE_MAX) {
        f->other = i;
    }
    if (f->cls == PYC_NONE) {
        f->cls = cls;
    }
}

static void py_statement(struct py_state *st, const struct py_stmt *s)
{
    if (s->n == 0) {
        return;
    }
    if (py_tok_is(s, 0, PY_NAME, "import") || py_tok_is(s, 0, PY_NAME, "from")) {
        py_import(st, s);
        return;
    }
    /* Assignment targets: names before the last top-level '=' (or an augmented one). */
    size_t assign = SIZE_MAX;
    unsigned d = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct py_tok *t = &s->t[i];
        if (t->kind != PY_OP) {
            continue;
        }
        uint8_t c = s->p[t->off];
        if (t->len == 1 && (c == '(' || c == '[' || c == '{')) {
            d++;
        } else if (t->len == 1 && (c == ')' || c == ']' || c == '}') && d > 0) {
            d--;
        } else if (d == 0 && (py_op(s, i, "=") || py_op(s, i, "+=") || py_op(s, i, ":=") ||
                              py_op(s, i, "|="))) {
            assign = i;
        }
    }

    struct py_flow src = { SIZE_MAX, SIZE_MAX, PYC_NONE, false };
    size_t sink_at = SIZE_MAX;
    struct cu_buf raw = CU_BUF_INIT(PY_CHAIN_MAX);
    struct cu_buf q = CU_BUF_INIT(PY_CHAIN_MAX * 2);
    for (size_t i = 0; i < s->n && st->rc == 0; i++) {
        if (s->t[i].kind != PY_NAME || (i > 0 && py_op(s, i - 1, "."))) {
            continue;
        }
        if (i > 0 &&
            (py_tok_is(s, i - 1, PY_NAME, "def") || py_tok_is(s, i - 1, PY_NAME, "class"))) {
            continue;
        }
        cu_buf_reset(&raw);
        cu_buf_reset(&q);
        size_t after = py_chain(s, i, &raw);
        /* getattr(mod, "name") and __import__("mod").name / import_module("mod").name */
        bool via_getattr = false;
        if (strcmp(cu_buf_str(&raw), "getattr") == 0 && py_op(s, after, "(") && after + 1 < s->n &&
            s->t[after + 1].kind == PY_NAME) {
            struct cu_buf inner = CU_BUF_INIT(PY_CHAIN_MAX);
            size_t k = py_chain(s, after + 1, &inner);
            struct cu_buf attr = CU_BUF_INIT(PY_CHAIN_MAX);
            if (py_op(s, k, ",") && py_plain_string(s, k + 1, &attr) && !inner.cut) {
                py_resolve(st, cu_buf_str(&inner), &q);
                cu_buf_addc(&q, '.');
                cu_buf_adds(&q, cu_buf_str(&attr));
                via_getattr = true;
            }
            cu_buf_free(&inner);
            cu_buf_free(&attr);
        }
        if (!via_getattr) {
            py_resolve(st, cu_buf_str(&raw), &q);
        }
        struct cu_buf mod = CU_BUF_INIT(PY_CHAIN_MAX);
        size_t dummy;
        if (!via_getattr && py_classify(cu_buf_str(&q), &dummy) == PYC_IMPORT &&
            py_op(s, after, "(") && py_plain_string(s, after + 1, &mod) &&
            py_op(s, after + 2, ")") && py_op(s, after + 3, ".") && after + 4 < s->n &&
            s->t[after + 4].kind == PY_NAME) {
            /* __import__('os').system -> os.system (the import itself is reported too) */
            py_emit(st, s, i, "python/dynamic-import", CU_SEV_DEFAULT,
                    "imports a module by name at run time");
            cu_buf_reset(&raw);
            size_t k = py_chain(s, after + 4, &raw);
            cu_buf_reset(&q);
            cu_buf_adds(&q, cu_buf_str(&mod));
            cu_buf_addc(&q, '.');
            cu_buf_adds(&q, cu_buf_str(&raw));
            after = k;
        }
        cu_buf_free(&mod);
        if (raw.cut || q.cut) {
            i = after - 1;
            continue;
        }
        const char *qs = cu_buf_str(&q);
        size_t plen = 0;
        enum py_class cls = py_classify(qs, &plen);
        bool tainted =
            py_map_get(&st->taint, cu_buf_str(&raw)) != NULL || py_map_get(&st->taint, qs) != NULL;
        bool is_target = assign != SIZE_MAX && i < assign;
        if (tainted && !is_target) {
            py_note(&src, i, PYC_NONE);
            const char *tv = py_map_get(&st->taint, cu_buf_str(&raw));
            tv = tv != NULL ? tv : py_map_get(&st->taint, qs);
            src.payload = src.payload || (tv != NULL && strcmp(tv, "1") == 0);
        }
        bool called = py_op(s, after, "(");
        char what[PY_CHAIN_MAX + 96];
        switch (cls) {
        case PYC_PROC:
            (void)snprintf(what, sizeof(what), "runs a process: %.*s", (int)plen, qs);
            py_emit(st, s, i, "python/process-exec", CU_SEV_DEFAULT, what);
            if (called) {
                py_proc_payload(st, s, after);
            }
            sink_at = sink_at == SIZE_MAX ? i : sink_at;
            break;
        case PYC_EXEC: {
            bool is_compile = strstr(qs, "compile") != NULL;
            if (!called) {
                if (is_compile || py_op(s, after, "=") || is_target) {
                    break; /* a variable called compile, or a keyword argument */
                }
                (void)snprintf(what, sizeof(what), "takes a reference to %.*s", (int)plen, qs);
                py_emit(st, s, i, "python/dynamic-exec", CU_SEV_DEFAULT, what);
                sink_at = sink_at == SIZE_MAX ? i : sink_at;
                break;
            }
            /* A literal argument: string tokens up to ',' or ')'. */
            size_t k = after + 1;
            while (k < s->n && s->t[k].kind == PY_STRING && !s->t[k].fstr) {
                k++;
            }
            bool literal = k > after + 1 && (py_op(s, k, ",") || py_op(s, k, ")"));
            if (literal) {
                /* exec("...") runs that text: analyse it as Python. */
                for (size_t m = after + 1; m < k && s->nest < PY_EXEC_NEST; m++) {
                    int rc = py_run(st, s->p + s->t[m].body_off, s->t[m].body_len,
                                    s->base + s->t[m].body_off, s->nest + 1);
                    if (rc == CUSTODY_ENOMEM) {
                        st->rc = rc;
                    }
                }
                break;
            }
            (void)snprintf(what, sizeof(what), "%.*s() of a value computed at run time", (int)plen,
                           qs);
            py_emit(st, s, i, "python/dynamic-exec", CU_SEV_DEFAULT, what);
            sink_at = sink_at == SIZE_MAX ? i : sink_at;
            break;
        }
        case PYC_IMPORT:
            (void)snprintf(what, sizeof(what), "imports code dynamically: %.*s", (int)plen, qs);
            py_emit(st, s, i, "python/dynamic-import", CU_SEV_DEFAULT, what);
            break;
        case PYC_NET:
            (void)snprintf(what, sizeof(what), "network access: %.*s", (int)plen, qs);
            py_emit(st, s, i, "python/network", CU_SEV_DEFAULT, what);
            if (!is_target) {
                py_note(&src, i, PYC_NET);
                src.payload = true;
            }
            break;
        case PYC_DECODE:
            if (!is_target) {
                py_note(&src, i, PYC_DECODE);
            }
            break;
        case PYC_DESER: {
            int sev = CU_SEV_DEFAULT;
            bool report = true;
            if (strncmp(qs, "torch.load", plen) == 0 && plen == 10 && called) {
                if (py_kwarg(s, after, "weights_only", "True")) {
                    report = false;
                } else if (!py_kwarg(s, after, "weights_only", "False")) {
                    sev = CUSTODY_SEV_LOW; /* the default is safe since torch 2.6 */
                }
            } else if (strncmp(qs, "numpy.load", plen) == 0 && plen == 10) {
                report = called && py_kwarg(s, after, "allow_pickle", "True");
            }
            if (report) {
                (void)snprintf(what, sizeof(what), "unpickles or unmarshals data: %.*s", (int)plen,
                               qs);
                py_emit(st, s, i, "python/unsafe-deserialization", sev, what);
            }
            if (report || called) {
                sink_at = sink_at == SIZE_MAX ? i : sink_at;
            }
            if (strncmp(qs, "marshal.", 8) == 0 && !is_target) {
                py_note(&src, i, PYC_DECODE); /* code objects: a source for exec too */
            }
            break;
        }
        case PYC_CODEOBJ:
            /* building a function or code object runs nothing until called: a sink only when
             * called (isinstance(co, types.CodeType) checks, it does not build) */
            if (called) {
                sink_at = sink_at == SIZE_MAX ? i : sink_at;
            }
            break;
        case PYC_NONE:
            break;
        }
        i = after - 1;
    }
    /* Whether what the sources carry is a payload (only asked when there are sources: the
     * token walk is not for every statement). */
    bool payload = src.first != SIZE_MAX && (src.payload || py_stmt_blob(st, s));
    /* A source other than the sink itself (marshal.loads is both) feeding a sink. */
    bool fed = src.first != SIZE_MAX && (src.first != sink_at || src.other != SIZE_MAX);
    if (st->rc == 0 && sink_at != SIZE_MAX && fed) {
        size_t from = src.first != sink_at ? src.first : src.other;
        cu_buf_reset(&raw);
        if (s->t[from].kind == PY_NAME) {
            (void)py_chain(s, from, &raw);
        }
        char what[PY_CHAIN_MAX + 160];
        if (payload || py_model_code(st)) {
            (void)snprintf(what, sizeof(what), "%s (%.64s) is run, executed or deserialised",
                           py_class_text(src.cls), cu_buf_str(&raw));
            py_emit(st, s, sink_at, "python/decode-and-exec", CU_SEV_DEFAULT, what);
        } else {
            /* outside model code, a decoder applied to data the program receives
             * (pickle.loads(b64decode(arg)) in an RPC library): unsafe deserialisation of its
             * input, not a payload hidden in the file. Model code never does this: there it
             * stays critical. */
            (void)snprintf(what, sizeof(what),
                           "%s (%.64s) is applied to data received at run time and the result "
                           "is run, executed or deserialised; no encoded payload is written in "
                           "the file",
                           py_class_text(src.cls), cu_buf_str(&raw));
            py_emit(st, s, sink_at, "python/decode-and-exec", CUSTODY_SEV_MEDIUM, what);
        }
    }
    /* Names assigned from a source are sources themselves. */
    if (st->rc == 0 && assign != SIZE_MAX && src.first != SIZE_MAX) {
        for (size_t i = 0; i < assign; i++) {
            if (s->t[i].kind != PY_NAME || (i > 0 && py_op(s, i - 1, "."))) {
                continue;
            }
            cu_buf_reset(&raw);
            size_t after = py_chain(s, i, &raw);
            /* "1": a download, or data decoded from a blob written in the file */
            const char *tv = payload ? "1" : "0";
            if (!raw.cut && py_map_put(&st->taint, cu_buf_str(&raw), tv) < 0) {
                st->rc = CUSTODY_ENOMEM;
            }
            i = after - 1;
        }
    }
    /* NAME = "a long literal": the name holds what may be an encoded payload */
    if (st->rc == 0 && assign != SIZE_MAX && assign + 1 < s->n) {
        const struct py_tok *v = &s->t[assign + 1];
        bool lit =
            v->kind == PY_STRING && !v->fstr && py_blob_literal(s->p + v->body_off, v->body_len);
        for (size_t i = 0; lit && i < assign; i++) {
            if (s->t[i].kind == PY_NAME && !(i > 0 && py_op(s, i - 1, "."))) {
                cu_buf_reset(&raw);
                size_t after = py_chain(s, i, &raw);
                if (!raw.cut && py_map_put(&st->blobs, cu_buf_str(&raw), "1") < 0) {
                    st->rc = CUSTODY_ENOMEM;
                }
                i = after - 1;
            }
        }
    }
    cu_buf_free(&raw);
    cu_buf_free(&q);
}

/* Tokenises and analyses text p[0..n) (the file, or an exec'd literal at `base`). Returns 0,
 * CUSTODY_ENOMEM, or CUSTODY_EMALFORMED (err set) for the file itself. */
static int py_run(struct py_state *st, const uint8_t *p, size_t n, size_t base, unsigned nest)
{
    struct py_lex lx = { p, n, 0, 0, 1, false, NULL, 0 };
    if (st->toks[nest] == NULL) {
        st->toks[nest] = cu_calloc(PY_STMT_TOKENS, sizeof(struct py_tok));
        if (st->toks[nest] == NULL) {
            return CUSTODY_ENOMEM;
        }
    }
    struct py_tok *toks = st->toks[nest];
    struct py_stmt s = { p, base, toks, 0, nest };
    int rc = 0;
    for (;;) {
        struct py_tok t;
        int r = py_lex_next(&lx, &t);
        if (r < 0) {
            s.n = 0;
            if (nest == 0) {
                rc = cu_err_malformed(cu_ctx_err(st->ctx), st->src->loc, base + lx.err_off,
                                      "Python source does not tokenise: %s (line %u)", lx.why,
                                      (unsigned)lx.line);
            }
            break;
        }
        if (r == 1 || t.kind == PY_NEWLINE || s.n == PY_STMT_TOKENS) {
            py_statement(st, &s);
            s.n = 0;
            if (st->rc != 0) {
                rc = st->rc;
                break;
            }
            if (r == 1) {
                break;
            }
            if (t.kind == PY_NEWLINE) {
                continue;
            }
        }
        toks[s.n++] = t;
    }
    return rc;
}

/* ---- the analyzer ---- */

static bool py_sniff(const struct cu_sniff *in)
{
    if (in->name == NULL || !cu_has_suffix(in->name, ".py") || in->len == 0) {
        return false;
    }
    /* Text: no NUL, few control bytes; then the head must tokenise (a string or bracket cut
     * by the end of the head is fine). */
    size_t ctl = 0;
    for (size_t i = 0; i < in->len; i++) {
        uint8_t c = in->head[i];
        if (c == 0) {
            return false;
        }
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
            ctl++;
        }
    }
    if (ctl * 32 > in->len) {
        return false;
    }
    /* ... and look like Python: some logical line starts with a statement keyword, a
     * decorator, a bracket, "NAME =" or a call "a.b(", or the file opens with a docstring. A head
     * of comments only (licence headers) counts too. Prose with paired apostrophes tokenises but
     * has none. */
    static const char *const kw[] = { "import", "from",   "def",  "class", "async", "if",
                                      "for",    "while",  "with", "try",   "raise", "return",
                                      "assert", "global", "del",  "pass",  NULL };
    struct py_lex lx = { in->head, in->len, 0, 0, 1, false, NULL, 0 };
    struct py_tok t;
    size_t tokens = 0, markers = 0, pos = 0;
    bool chain = false; /* the logical line so far is a dotted name */
    for (;;) {
        int r = py_lex_next(&lx, &t);
        if (r == 1) {
            break;
        }
        if (r < 0) {
            /* only a cut at the end of the head is allowed */
            bool cut = in->size != CU_SIZE_UNKNOWN && in->size > in->len &&
                       strcmp(lx.why, "NUL byte in source") != 0 &&
                       strcmp(lx.why, "newline in a single-quoted string") != 0;
            return cut && (markers > 0 || tokens == 0);
        }
        if (t.kind == PY_NEWLINE) {
            pos = 0;
            continue;
        }
        tokens++;
        const char *txt = (const char *)in->head + t.off;
        if (pos == 0) {
            for (size_t k = 0; kw[k] != NULL && t.kind == PY_NAME; k++) {
                if (t.len == strlen(kw[k]) && memcmp(txt, kw[k], t.len) == 0) {
                    markers++;
                }
            }
            if ((t.kind == PY_OP && t.len == 1 &&
                 (txt[0] == '@' || txt[0] == '(' || txt[0] == '[')) ||
                (t.kind == PY_STRING && tokens == 1)) {
                markers++;
            }
            chain = t.kind == PY_NAME;
        } else if (chain && t.kind == PY_OP && t.len == 1 &&
                   (txt[0] == '(' || (txt[0] == '=' && pos == 1))) {
            markers++; /* "NAME = ..." or a call "a.b.c(" */
            chain = false;
        } else if (chain && ((t.kind == PY_OP && t.len == 1 && txt[0] == '.' && pos % 2 == 1) ||
                             (t.kind == PY_NAME && pos % 2 == 0))) {
            /* still in the dotted name */
        } else {
            chain = false;
        }
        pos++;
    }
    return markers > 0 || tokens == 0;
}

/* Is this file code a model loader may import? Transformers' remote code (modeling_*.py, ...),
 * a file beside a model's config, or anything not read from disk directly (a member of an
 * archive or checkpoint: judged at full severity, the conservative side). Sibling files are
 * only lstat()ed, never opened. */
static bool py_is_model_code(struct cu_ctx *ctx, const struct cu_source *src)
{
    static const char *const prefixes[] = { "modeling_",         "configuration_",
                                            "tokenization_",     "processing_",
                                            "image_processing_", "feature_extraction_",
                                            "modular_",          NULL };
    const char *disk = cu_ctx_disk_path(ctx, src);
    if (disk == NULL) {
        /* A member: model code unless it is a module of a wheel or egg. Installed, that is a
         * library like those on disk (transformers' own modeling_*.py included); what such
         * code must never do (run a download, decoded data) stays critical anyway. */
        if (cu_ctx_hint(ctx, CU_HINT_PYDIST) == NULL) {
            return true;
        }
        /* an sdist's setup.py runs at install: judged like a model's code, at full severity */
        return strcmp(cu_basename(src->name), "setup.py") == 0;
    }
    const char *base = cu_basename(disk);
    for (size_t i = 0; prefixes[i] != NULL; i++) {
        if (strncmp(base, prefixes[i], strlen(prefixes[i])) == 0) {
            return true;
        }
    }
    static const char *const siblings[] = { "config.json",
                                            "model_index.json",
                                            "tokenizer_config.json",
                                            "preprocessor_config.json",
                                            "generation_config.json",
                                            NULL };
    size_t dirlen = (size_t)(base - disk);
    for (size_t i = 0; siblings[i] != NULL; i++) {
        char *p = cu_asprintf("%.*s%s", (int)dirlen, disk, siblings[i]);
        if (p == NULL) {
            return true; /* the conservative side */
        }
        struct stat sb;
        bool found = lstat(p, &sb) == 0 && S_ISREG(sb.st_mode);
        free(p);
        if (found) {
            return true;
        }
    }
    return false;
}

/* Asked at the first finding: most files have none, and need no sibling lstat(). */
static bool py_model_code(struct py_state *st)
{
    if (st->model_code < 0) {
        st->model_code = py_is_model_code(st->ctx, st->src) ? 1 : 0;
    }
    return st->model_code != 0;
}

static int py_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    custody_error *err = cu_ctx_err(ctx);
    uint64_t size;
    int rc = cu_source_size(src, &size, err);
    if (rc < 0) {
        return rc;
    }
    if (size > CU_LIMIT_PYSRC) {
        return cu_err_limit(err, src->loc, 0, "Python source of %llu bytes exceeds %u",
                            (unsigned long long)size, CU_LIMIT_PYSRC);
    }
    uint8_t *buf = cu_malloc(size > 0 ? (size_t)size : 1);
    if (buf == NULL) {
        return cu_err_nomem(err);
    }
    struct py_state st = {
        ctx, src, buf, (size_t)size, { 0 }, { 0 }, { 0 }, { NULL }, { 0 }, 0, -1
    };
    rc = cu_source_read_exact(src, 0, buf, (size_t)size, err);
    if (rc == 0) {
        size_t skip = size >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
        rc = py_run(&st, buf + skip, (size_t)size - skip, skip, 0);
        if (rc == CUSTODY_ENOMEM) {
            rc = cu_err_nomem(err);
        }
    }
    py_map_free(&st.alias);
    py_map_free(&st.taint);
    py_map_free(&st.blobs);
    for (size_t i = 0; i <= PY_EXEC_NEST; i++) {
        free(st.toks[i]);
    }
    free(buf);
    return rc;
}

static const char *const py_ext[] = { ".py", NULL };

const struct cu_analyzer cu_analyzer_python = { "python", py_ext, py_sniff, py_analyze };
