/* Lined trees: JSON/JSONC and YAML into jansson with the line of every key (see ltree.h). */
#include "deps/ltree.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "deps/jpull.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

struct cu_lt_ent {
    const void *c;
    uint64_t h;
    size_t idx;
    uint32_t line;
    bool used;
};

static uint64_t khash(const char *key, size_t klen)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < klen; i++) {
        h = (h ^ (uint8_t)key[i]) * 1099511628211ull;
    }
    return h;
}

static size_t slot(const void *c, uint64_t h, size_t idx, size_t cap)
{
    uint64_t x = h ^ ((uint64_t)(uintptr_t)c * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)idx << 17);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    return (size_t)x & (cap - 1);
}

static struct cu_lt_ent *lfind(const struct cu_ltree *t, const void *c, uint64_t h, size_t idx)
{
    for (size_t i = slot(c, h, idx, t->cap);; i = (i + 1) & (t->cap - 1)) {
        struct cu_lt_ent *e = &t->tab[i];
        if (!e->used || (e->c == c && e->h == h && e->idx == idx)) {
            return e;
        }
    }
}

static int lset(struct cu_ltree *t, const void *c, uint64_t h, size_t idx, uint32_t line)
{
    if ((t->n + 1) * 2 >= t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 1024;
        struct cu_lt_ent *nt = cu_calloc(ncap, sizeof(*nt)), *old = t->tab;
        if (!nt) {
            return CUSTODY_ENOMEM;
        }
        size_t ocap = t->cap;
        t->tab = nt;
        t->cap = ncap;
        for (size_t i = 0; i < ocap; i++) {
            if (old[i].used) {
                *lfind(t, old[i].c, old[i].h, old[i].idx) = old[i];
            }
        }
        free(old);
    }
    struct cu_lt_ent *e = lfind(t, c, h, idx);
    if (!e->used) {
        t->n++;
    }
    *e = (struct cu_lt_ent){ .c = c, .h = h, .idx = idx, .line = line, .used = true };
    return 0;
}

int cu_lt_set(struct cu_ltree *t, const json_t *c, const char *key, size_t i, uint32_t line)
{
    return lset(t, c, key ? khash(key, strlen(key)) : 0, key ? 0 : i, line);
}

uint32_t cu_lt_key_line(const struct cu_ltree *t, const json_t *obj, const char *key)
{
    if (!t || !t->cap || !obj || !key) {
        return 0;
    }
    const struct cu_lt_ent *e = lfind(t, obj, khash(key, strlen(key)), 0);
    return e->used ? e->line : 0;
}

uint32_t cu_lt_item_line(const struct cu_ltree *t, const json_t *arr, size_t i)
{
    if (!t || !t->cap || !arr) {
        return 0;
    }
    const struct cu_lt_ent *e = lfind(t, arr, 0, i);
    return e->used ? e->line : 0;
}

void cu_lt_free(struct cu_ltree *t)
{
    if (!t) {
        return;
    }
    json_decref(t->root);
    free(t->tab);
    memset(t, 0, sizeof(*t));
}

/* ---- JSON ---- */

struct jp {
    const uint8_t *s;
    size_t len, pos;
    uint32_t line;
    bool jsonc;
    struct cu_ltree *t;
    custody_error *err;
    struct cu_buf sb;
};

static int jerr(struct jp *p, const char *what)
{
    return cu_err_malformed(p->err, "json", p->pos, "line %u: %s", (unsigned)p->line, what);
}

static int jws(struct jp *p)
{
    while (p->pos < p->len) {
        uint8_t c = p->s[p->pos];
        if (c == '\n') {
            p->line++;
            p->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            p->pos++;
        } else if (p->jsonc && c == '/' && p->len - p->pos >= 2 && p->s[p->pos + 1] == '/') {
            while (p->pos < p->len && p->s[p->pos] != '\n') {
                p->pos++;
            }
        } else if (p->jsonc && c == '/' && p->len - p->pos >= 2 && p->s[p->pos + 1] == '*') {
            p->pos += 2;
            for (;;) {
                if (p->len - p->pos < 2) {
                    return jerr(p, "unterminated comment");
                }
                if (p->s[p->pos] == '*' && p->s[p->pos + 1] == '/') {
                    p->pos += 2;
                    break;
                }
                if (p->s[p->pos] == '\n') {
                    p->line++;
                }
                p->pos++;
            }
        } else {
            break;
        }
    }
    return 0;
}

/* A string at '"' into p->sb, by the pull reader's decoder (a string holds no raw newline, so
 * the line stays). UTF-8 is validated by jansson on json_stringn. */
static int jstring(struct jp *p)
{
    struct cu_jp v = { .s = p->s, .len = p->len, .pos = p->pos, .line = p->line, .err = p->err };
    int rc = cu_jp_string_into(&v, &p->sb);
    p->pos = v.pos;
    return rc;
}

static int jnumber(struct jp *p, json_t **out)
{
    size_t st = p->pos;
    bool real = false;
    if (p->pos < p->len && p->s[p->pos] == '-') {
        p->pos++;
    }
    if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9') {
        return jerr(p, "bad number");
    }
    if (p->s[p->pos] == '0') {
        p->pos++;
    } else {
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            p->pos++;
        }
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        real = true;
        p->pos++;
        size_t d = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            p->pos++;
        }
        if (p->pos == d) {
            return jerr(p, "bad number");
        }
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        real = true;
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) {
            p->pos++;
        }
        size_t d = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            p->pos++;
        }
        if (p->pos == d) {
            return jerr(p, "bad number");
        }
    }
    char tmp[64];
    if (p->pos - st >= sizeof(tmp)) {
        return jerr(p, "number too long");
    }
    memcpy(tmp, p->s + st, p->pos - st);
    tmp[p->pos - st] = '\0';
    errno = 0;
    if (!real) {
        long long v = strtoll(tmp, NULL, 10);
        if (errno != ERANGE) {
            *out = json_integer((json_int_t)v);
            return *out ? 0 : cu_err_nomem(p->err);
        }
    }
    double d = strtod(tmp, NULL);
    if (!isfinite(d)) {
        return jerr(p, "number out of range");
    }
    *out = json_real(d);
    return *out ? 0 : cu_err_nomem(p->err);
}

static int jvalue(struct jp *p, json_t **out, unsigned depth);

static int jlit(struct jp *p, const char *lit, json_t *v, json_t **out)
{
    size_t n = strlen(lit);
    if (n > p->len - p->pos || memcmp(p->s + p->pos, lit, n) != 0) {
        return jerr(p, "unexpected token");
    }
    p->pos += n;
    *out = v;
    return 0;
}

static int jcontainer(struct jp *p, json_t **out, unsigned depth)
{
    bool obj = p->s[p->pos] == '{';
    uint8_t close = obj ? '}' : ']';
    json_t *c = obj ? json_object() : json_array();
    char *key = NULL;
    int rc = 0;
    if (!c) {
        return cu_err_nomem(p->err);
    }
    p->pos++;
    if ((rc = jws(p))) {
        goto fail;
    }
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        *out = c;
        return 0;
    }
    for (;;) {
        if ((rc = jws(p))) {
            goto fail;
        }
        if (p->jsonc && p->pos < p->len && p->s[p->pos] == close &&
            (obj ? json_object_size(c) : json_array_size(c)) > 0) {
            p->pos++;
            break; /* trailing comma */
        }
        uint32_t line = p->line;
        uint64_t h = 0;
        if (obj) {
            if (p->pos >= p->len || p->s[p->pos] != '"') {
                rc = jerr(p, "expected a key");
                goto fail;
            }
            if ((rc = jstring(p))) {
                goto fail;
            }
            if (strlen(cu_buf_str(&p->sb)) != p->sb.len) {
                rc = jerr(p, "NUL in key");
                goto fail;
            }
            key = cu_strdup(cu_buf_str(&p->sb));
            if (!key) {
                rc = cu_err_nomem(p->err);
                goto fail;
            }
            h = khash(key, strlen(key));
            if ((rc = jws(p))) {
                goto fail;
            }
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                rc = jerr(p, "expected ':'");
                goto fail;
            }
            p->pos++;
            if ((rc = jws(p))) {
                goto fail;
            }
        }
        json_t *v = NULL;
        if ((rc = jvalue(p, &v, depth + 1))) {
            goto fail;
        }
        if (obj) {
            if (json_object_get(c, key)) {
                json_decref(v);
                rc = jerr(p, "duplicate key");
                goto fail;
            }
            if (json_object_set_new_nocheck(c, key, v) || lset(p->t, c, h, 0, line)) {
                rc = cu_err_nomem(p->err);
                goto fail;
            }
            free(key);
            key = NULL;
        } else {
            size_t i = json_array_size(c);
            if (json_array_append_new(c, v) || lset(p->t, c, 0, i, line)) {
                rc = cu_err_nomem(p->err);
                goto fail;
            }
        }
        if ((rc = jws(p))) {
            goto fail;
        }
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            break;
        }
        rc = jerr(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        goto fail;
    }
    *out = c;
    return 0;
fail:
    free(key);
    json_decref(c);
    return rc;
}

static int jvalue(struct jp *p, json_t **out, unsigned depth)
{
    if (depth > CU_LIMIT_DEPS_DEPTH) {
        return cu_err_limit(p->err, "json", p->pos, "line %u: nesting too deep", (unsigned)p->line);
    }
    if (p->pos >= p->len) {
        return jerr(p, "unexpected end");
    }
    switch (p->s[p->pos]) {
    case '{':
    case '[':
        return jcontainer(p, out, depth);
    case '"': {
        int rc = jstring(p);
        if (rc) {
            return rc;
        }
        *out = json_stringn(cu_buf_str(&p->sb), p->sb.len);
        return *out ? 0 : jerr(p, "invalid UTF-8 in string");
    }
    case 't':
        return jlit(p, "true", json_true(), out);
    case 'f':
        return jlit(p, "false", json_false(), out);
    case 'n':
        return jlit(p, "null", json_null(), out);
    default:
        return jnumber(p, out);
    }
}

int cu_lt_parse_json(
    struct cu_ltree *t, const uint8_t *data, size_t len, bool jsonc, custody_error *err)
{
    memset(t, 0, sizeof(*t));
    struct jp p = { .s = data,
                    .len = len,
                    .line = 1,
                    .jsonc = jsonc,
                    .t = t,
                    .err = err,
                    .sb = CU_BUF_INIT(CU_LIMIT_DEPFILE) };
    if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
        p.pos = 3;
    }
    json_t *root = NULL;
    int rc = jws(&p);
    if (!rc) {
        rc = jvalue(&p, &root, 0);
    }
    if (!rc) {
        rc = jws(&p);
    }
    if (!rc && p.pos != p.len) {
        rc = jerr(&p, "text after the JSON value");
    }
    cu_buf_free(&p.sb);
    if (rc) {
        json_decref(root);
        cu_lt_free(t);
        return rc;
    }
    t->root = root;
    return 0;
}

/* ---- YAML ---- */

struct yframe {
    json_t *c;
    char *key; /* pending key of a mapping */
    uint32_t key_line;
};

static int
yattach(struct cu_ltree *t, struct yframe *f, json_t *v, uint32_t line, custody_error *err)
{
    if (json_is_object(f->c)) {
        if (json_object_get(f->c, f->key)) {
            json_decref(v);
            return cu_err_malformed(err, "yaml", CU_NO_OFFSET, "line %u: duplicate key '%s'",
                                    (unsigned)f->key_line, f->key);
        }
        if (json_object_set_new_nocheck(f->c, f->key, v) ||
            lset(t, f->c, khash(f->key, strlen(f->key)), 0, f->key_line)) {
            return cu_err_nomem(err);
        }
        free(f->key);
        f->key = NULL;
        return 0;
    }
    size_t i = json_array_size(f->c);
    if (json_array_append_new(f->c, v) || lset(t, f->c, 0, i, line)) {
        return cu_err_nomem(err);
    }
    return 0;
}

int cu_lt_parse_yaml(struct cu_ltree *t, const uint8_t *data, size_t len, custody_error *err)
{
    memset(t, 0, sizeof(*t));
    yaml_parser_t yp;
    yaml_event_t ev;
    struct yframe *st = cu_calloc(CU_LIMIT_DEPS_DEPTH + 1, sizeof(*st));
    size_t depth = 0;
    json_t *doc = NULL;
    int rc = 0;
    bool done = false;
    if (!st) {
        return cu_err_nomem(err);
    }
    if (!yaml_parser_initialize(&yp)) {
        free(st);
        return cu_err_nomem(err);
    }
    yaml_parser_set_input_string(&yp, data, len);
    while (!done) {
        if (!yaml_parser_parse(&yp, &ev)) {
            rc = cu_err_malformed(err, "yaml", yp.problem_mark.index, "line %zu: %s",
                                  yp.problem_mark.line + 1,
                                  yp.problem ? yp.problem : "YAML syntax error");
            break;
        }
        uint32_t line = (uint32_t)(ev.start_mark.line + 1);
        json_t *v = NULL;
        bool push = false;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            /* several documents (pnpm 10 writes an env document first): the last one wins */
            json_decref(doc);
            doc = NULL;
            if (t->tab) {
                memset(t->tab, 0, t->cap * sizeof(*t->tab));
            }
            t->n = 0;
            break;
        case YAML_ALIAS_EVENT:
            rc = cu_err_unsupported(err, "yaml", ev.start_mark.index,
                                    "line %u: YAML alias (not written by lockfile tools)",
                                    (unsigned)line);
            break;
        case YAML_SCALAR_EVENT:
            if (depth > 0 && json_is_object(st[depth - 1].c) && !st[depth - 1].key) {
                if (strlen((const char *)ev.data.scalar.value) != ev.data.scalar.length) {
                    rc = cu_err_malformed(err, "yaml", ev.start_mark.index, "line %u: NUL in key",
                                          (unsigned)line);
                    break;
                }
                st[depth - 1].key = cu_strdup((const char *)ev.data.scalar.value);
                st[depth - 1].key_line = line;
                if (!st[depth - 1].key) {
                    rc = cu_err_nomem(err);
                }
                break;
            }
            if (ev.data.scalar.length == 0 && ev.data.scalar.plain_implicit) {
                v = json_null();
            } else {
                v = json_stringn((const char *)ev.data.scalar.value, ev.data.scalar.length);
            }
            if (!v) {
                rc = cu_err_malformed(err, "yaml", ev.start_mark.index, "line %u: invalid scalar",
                                      (unsigned)line);
            }
            break;
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            if (depth > 0 && json_is_object(st[depth - 1].c) && !st[depth - 1].key) {
                rc = cu_err_unsupported(err, "yaml", ev.start_mark.index,
                                        "line %u: complex mapping key", (unsigned)line);
                break;
            }
            if (depth >= CU_LIMIT_DEPS_DEPTH) {
                rc = cu_err_limit(err, "yaml", ev.start_mark.index, "line %u: nesting too deep",
                                  (unsigned)line);
                break;
            }
            v = ev.type == YAML_MAPPING_START_EVENT ? json_object() : json_array();
            if (!v) {
                rc = cu_err_nomem(err);
            }
            push = true;
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            if (depth > 0) {
                depth--;
                free(st[depth].key);
                st[depth].key = NULL;
            }
            break;
        default:
            break;
        }
        if (!rc && v) {
            if (depth == 0) {
                json_decref(doc);
                doc = json_incref(v);
                json_decref(v);
            } else {
                rc = yattach(t, &st[depth - 1], json_incref(v), line, err);
                json_decref(v);
            }
            if (!rc && push) {
                st[depth++] = (struct yframe){ .c = v };
            }
        } else if (v) {
            json_decref(v);
        }
        yaml_event_delete(&ev);
        if (rc) {
            break;
        }
    }
    for (size_t i = 0; i < depth; i++) {
        free(st[i].key);
    }
    free(st);
    yaml_parser_delete(&yp);
    if (rc) {
        json_decref(doc);
        cu_lt_free(t);
        return rc;
    }
    if (!doc || json_is_null(doc)) {
        json_decref(doc);
        doc = json_object();
        if (!doc) {
            return cu_err_nomem(err);
        }
    }
    t->root = doc;
    return 0;
}
