/* Pull JSON reader (see jpull.h). */
#include "deps/jpull.h"

#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "core/banned.h"

int cu_jp_error(struct cu_jp *p, const char *what)
{
    return cu_err_malformed(p->err, "json", p->pos, "line %u: %s", (unsigned)p->line, what);
}

int cu_jp_init(struct cu_jp *p, const uint8_t *data, size_t len, custody_error *err)
{
    memset(p, 0, sizeof(*p));
    p->s = data;
    p->len = len;
    p->line = 1;
    p->err = err;
    p->kb = (struct cu_buf)CU_BUF_INIT((size_t)CU_LIMIT_NAME_LEN * 4);
    p->vb = (struct cu_buf)CU_BUF_INIT(CU_LIMIT_DEPFILE);
    if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
        p->pos = 3;
    }
    size_t bad = 0;
    if (!cu_utf8_valid(data, len, false, &bad)) {
        for (size_t i = 0; i < bad; i++) {
            p->line += data[i] == '\n';
        }
        p->pos = bad;
        return cu_jp_error(p, "invalid UTF-8");
    }
    return 0;
}

void cu_jp_free(struct cu_jp *p)
{
    cu_buf_free(&p->kb);
    cu_buf_free(&p->vb);
}

static void ws(struct cu_jp *p)
{
    while (p->pos < p->len) {
        uint8_t c = p->s[p->pos];
        if (c == '\n') {
            p->line++;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        p->pos++;
    }
}

int cu_jp_peek(struct cu_jp *p, enum cu_jtok *t)
{
    ws(p);
    if (p->pos >= p->len) {
        return cu_jp_error(p, "unexpected end of input");
    }
    switch (p->s[p->pos]) {
    case '{':
        *t = CU_JT_OBJ;
        return 0;
    case '[':
        *t = CU_JT_ARR;
        return 0;
    case '"':
        *t = CU_JT_STR;
        return 0;
    case 't':
        *t = CU_JT_TRUE;
        return 0;
    case 'f':
        *t = CU_JT_FALSE;
        return 0;
    case 'n':
        *t = CU_JT_NULL;
        return 0;
    default:
        if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9')) {
            *t = CU_JT_NUM;
            return 0;
        }
        return cu_jp_error(p, "unexpected character");
    }
}

static int hex4(struct cu_jp *p, uint32_t *out)
{
    if (4 > p->len - p->pos) {
        return cu_jp_error(p, "short \\u escape");
    }
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = cu_hexval(p->s[p->pos + i]);
        if (h < 0) {
            return cu_jp_error(p, "bad \\u escape");
        }
        v = (v << 4) | (uint32_t)h;
    }
    p->pos += 4;
    *out = v;
    return 0;
}

/* A string at '"' into b (reset first); b == NULL skips it. */
static int str_into(struct cu_jp *p, struct cu_buf *b)
{
    if (b) {
        cu_buf_reset(b);
    }
    p->pos++;
    for (;;) {
        size_t st = p->pos;
        while (p->pos < p->len && p->s[p->pos] != '"' && p->s[p->pos] != '\\' &&
               p->s[p->pos] >= 0x20) {
            p->pos++;
        }
        if (b && p->pos > st) {
            cu_buf_add(b, p->s + st, p->pos - st);
        }
        if (p->pos >= p->len) {
            return cu_jp_error(p, "unterminated string");
        }
        uint8_t c = p->s[p->pos];
        if (c == '"') {
            p->pos++;
            break;
        }
        if (c < 0x20) {
            return cu_jp_error(p, "control character in string");
        }
        if (2 > p->len - p->pos) {
            return cu_jp_error(p, "unterminated escape");
        }
        uint8_t e = p->s[p->pos + 1];
        p->pos += 2;
        char o = 0;
        switch (e) {
        case '"':
            o = '"';
            break;
        case '\\':
            o = '\\';
            break;
        case '/':
            o = '/';
            break;
        case 'b':
            o = '\b';
            break;
        case 'f':
            o = '\f';
            break;
        case 'n':
            o = '\n';
            break;
        case 'r':
            o = '\r';
            break;
        case 't':
            o = '\t';
            break;
        case 'u': {
            uint32_t cp = 0, lo = 0;
            int rc = hex4(p, &cp);
            if (rc) {
                return rc;
            }
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (2 > p->len - p->pos || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    return cu_jp_error(p, "lone surrogate");
                }
                p->pos += 2;
                if ((rc = hex4(p, &lo))) {
                    return rc;
                }
                if (lo < 0xdc00 || lo > 0xdfff) {
                    return cu_jp_error(p, "bad surrogate pair");
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                return cu_jp_error(p, "lone surrogate");
            }
            if (b) {
                cu_buf_add_utf8(b, cp);
            }
            continue;
        }
        default:
            return cu_jp_error(p, "bad escape");
        }
        if (b) {
            cu_buf_addc(b, o);
        }
    }
    if (b && b->oom) {
        return cu_err_nomem(p->err);
    }
    if (b && b->cut) {
        return cu_err_limit(p->err, "json", p->pos, "line %u: string too long", (unsigned)p->line);
    }
    return 0;
}

int cu_jp_string_into(struct cu_jp *p, struct cu_buf *b)
{
    return str_into(p, b);
}

int cu_jp_string(struct cu_jp *p)
{
    ws(p);
    if (p->pos >= p->len || p->s[p->pos] != '"') {
        return cu_jp_error(p, "expected a string");
    }
    return str_into(p, &p->vb);
}

static int number(struct cu_jp *p, struct cu_buf *b)
{
    size_t st = p->pos;
    if (p->pos < p->len && p->s[p->pos] == '-') {
        p->pos++;
    }
    if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9') {
        return cu_jp_error(p, "bad number");
    }
    if (p->s[p->pos] == '0') {
        p->pos++;
    } else {
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            p->pos++;
        }
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        size_t d = ++p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            p->pos++;
        }
        if (p->pos == d) {
            return cu_jp_error(p, "bad number");
        }
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) {
            p->pos++;
        }
        size_t d = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            p->pos++;
        }
        if (p->pos == d) {
            return cu_jp_error(p, "bad number");
        }
    }
    if (b) {
        cu_buf_reset(b);
        cu_buf_add(b, p->s + st, p->pos - st);
    }
    return 0;
}

static int literal(struct cu_jp *p, const char *lit)
{
    size_t n = strlen(lit);
    if (n > p->len - p->pos || memcmp(p->s + p->pos, lit, n) != 0) {
        return cu_jp_error(p, "unexpected token");
    }
    p->pos += n;
    return 0;
}

int cu_jp_scalar(struct cu_jp *p, enum cu_jtok *t)
{
    int rc = cu_jp_peek(p, t);
    if (rc) {
        return rc;
    }
    switch (*t) {
    case CU_JT_STR:
        return str_into(p, &p->vb);
    case CU_JT_NUM:
        return number(p, &p->vb);
    case CU_JT_TRUE:
        return literal(p, "true");
    case CU_JT_FALSE:
        return literal(p, "false");
    case CU_JT_NULL:
        return literal(p, "null");
    default:
        return cu_jp_skip(p);
    }
}

int cu_jp_obj_begin(struct cu_jp *p)
{
    ws(p);
    if (p->pos >= p->len || p->s[p->pos] != '{') {
        return cu_jp_error(p, "expected an object");
    }
    if (p->depth >= CU_LIMIT_DEPS_DEPTH) {
        return cu_err_limit(p->err, "json", p->pos, "line %u: nesting too deep", (unsigned)p->line);
    }
    p->depth++;
    p->pos++;
    return 0;
}

/* The next key of an object into `key` (NULL skips it), or the closing '}'. */
static int obj_next(struct cu_jp *p, bool first, bool *more, uint32_t *line, struct cu_buf *key)
{
    ws(p);
    if (p->pos >= p->len) {
        return cu_jp_error(p, "unterminated object");
    }
    if (p->s[p->pos] == '}') {
        p->pos++;
        p->depth--;
        *more = false;
        return 0;
    }
    if (!first) {
        if (p->s[p->pos] != ',') {
            return cu_jp_error(p, "expected ',' or '}'");
        }
        p->pos++;
        ws(p);
    }
    if (p->pos >= p->len || p->s[p->pos] != '"') {
        return cu_jp_error(p, "expected a key");
    }
    *line = p->line;
    int rc = str_into(p, key);
    if (rc) {
        return rc;
    }
    if (key && strlen(cu_buf_str(key)) != key->len) {
        return cu_jp_error(p, "NUL in a key");
    }
    ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':') {
        return cu_jp_error(p, "expected ':'");
    }
    p->pos++;
    *more = true;
    return 0;
}

int cu_jp_obj_next(struct cu_jp *p, bool first, bool *more, uint32_t *line)
{
    return obj_next(p, first, more, line, &p->kb);
}

int cu_jp_arr_begin(struct cu_jp *p)
{
    ws(p);
    if (p->pos >= p->len || p->s[p->pos] != '[') {
        return cu_jp_error(p, "expected an array");
    }
    if (p->depth >= CU_LIMIT_DEPS_DEPTH) {
        return cu_err_limit(p->err, "json", p->pos, "line %u: nesting too deep", (unsigned)p->line);
    }
    p->depth++;
    p->pos++;
    return 0;
}

int cu_jp_arr_next(struct cu_jp *p, bool first, bool *more)
{
    ws(p);
    if (p->pos >= p->len) {
        return cu_jp_error(p, "unterminated array");
    }
    if (p->s[p->pos] == ']') {
        p->pos++;
        p->depth--;
        *more = false;
        return 0;
    }
    if (!first) {
        if (p->s[p->pos] != ',') {
            return cu_jp_error(p, "expected ',' or ']'");
        }
        p->pos++;
    }
    *more = true;
    return 0;
}

int cu_jp_skip(struct cu_jp *p)
{
    enum cu_jtok t;
    int rc = cu_jp_peek(p, &t);
    if (rc) {
        return rc;
    }
    bool more = true, first = true;
    uint32_t line;
    switch (t) {
    case CU_JT_OBJ:
        /* duplicate keys inside skipped objects are not looked for: nothing reads them */
        if ((rc = cu_jp_obj_begin(p))) {
            return rc;
        }
        for (;;) {
            if ((rc = obj_next(p, first, &more, &line, NULL))) {
                return rc;
            }
            if (!more) {
                return 0;
            }
            first = false;
            if ((rc = cu_jp_skip(p))) {
                return rc;
            }
        }
    case CU_JT_ARR:
        if ((rc = cu_jp_arr_begin(p))) {
            return rc;
        }
        for (;;) {
            if ((rc = cu_jp_arr_next(p, first, &more))) {
                return rc;
            }
            if (!more) {
                return 0;
            }
            first = false;
            if ((rc = cu_jp_skip(p))) {
                return rc;
            }
        }
    case CU_JT_STR:
        return str_into(p, NULL);
    case CU_JT_NUM:
        return number(p, NULL);
    case CU_JT_TRUE:
        return literal(p, "true");
    case CU_JT_FALSE:
        return literal(p, "false");
    case CU_JT_NULL:
        return literal(p, "null");
    }
    return cu_jp_error(p, "unexpected value");
}

int cu_jp_end(struct cu_jp *p)
{
    ws(p);
    return p->pos == p->len ? 0 : cu_jp_error(p, "text after the JSON value");
}
