/* JSONC and YAML into jansson with member lines (jsonc.h). */
#include "agents/jsonc.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/error.h"
#include "core/utf8.h"
#include "core/util.h"
#include "core/banned.h"

#define JSONC_MAX_DEPTH 256u
#define JSONC_MAX_KEYS  200000u
#define YAML_MAX_NODES  200000u

void cu_jsonc_free(struct cu_jsonc *j)
{
    if (j == NULL) {
        return;
    }
    json_decref(j->doc);
    for (size_t i = 0; i < j->nkeys; i++) {
        free(j->keys[i].ptr);
    }
    free(j->keys);
    memset(j, 0, sizeof(*j));
}

static void ptr_add_escaped(struct cu_buf *b, const char *k, size_t n)
{
    cu_buf_addc(b, '/');
    for (size_t i = 0; i < n; i++) {
        if (k[i] == '~') {
            cu_buf_adds(b, "~0");
        } else if (k[i] == '/') {
            cu_buf_adds(b, "~1");
        } else {
            cu_buf_addc(b, k[i]);
        }
    }
}

char *cu_jsonc_ptr(const char *parent, const char *key)
{
    struct cu_buf b = CU_BUF_INIT(1u << 20);
    cu_buf_adds(&b, parent != NULL ? parent : "");
    ptr_add_escaped(&b, key != NULL ? key : "", key != NULL ? strlen(key) : 0);
    char *s = b.oom ? NULL : cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return s;
}

char *cu_jsonc_ptr_index(const char *parent, size_t index)
{
    return cu_asprintf("%s/%zu", parent != NULL ? parent : "", index);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cu_jsonc_key *)a)->ptr, ((const struct cu_jsonc_key *)b)->ptr);
}

void cu_jsonc_sort(struct cu_jsonc *j)
{
    if (j != NULL && j->nkeys > 1) {
        qsort(j->keys, j->nkeys, sizeof(*j->keys), key_cmp);
    }
    if (j != NULL) {
        j->sorted = true;
    }
}

uint32_t cu_jsonc_line(const struct cu_jsonc *j, const char *ptr)
{
    if (j == NULL || ptr == NULL) {
        return 0;
    }
    if (j->sorted) {
        struct cu_jsonc_key k = { (char *)ptr, 0 };
        const struct cu_jsonc_key *hit = bsearch(&k, j->keys, j->nkeys, sizeof(*j->keys), key_cmp);
        return hit != NULL ? hit->line : 0;
    }
    for (size_t i = 0; i < j->nkeys; i++) {
        if (strcmp(j->keys[i].ptr, ptr) == 0) {
            return j->keys[i].line;
        }
    }
    return 0;
}

int cu_jsonc_add(struct cu_jsonc *j, const char *ptr, uint32_t line)
{
    if (j->nkeys >= JSONC_MAX_KEYS) {
        return 0; /* lines are a convenience: past the cap they are 0 */
    }
    if (!cu_grow((void **)&j->keys, &j->cap, j->nkeys + 1, sizeof(*j->keys))) {
        return CUSTODY_ENOMEM;
    }
    char *p = cu_strdup(ptr);
    if (p == NULL) {
        return CUSTODY_ENOMEM;
    }
    j->sorted = false;
    j->keys[j->nkeys].ptr = p;
    j->keys[j->nkeys].line = line;
    j->nkeys++;
    return 0;
}

/* ---- JSONC pre-pass ---- */

/* Blanks comments (keeping newlines) in place; returns false on an unterminated block
 * comment. Strings are skipped with their escapes. */
static bool strip_comments(char *t, size_t n, bool *had)
{
    size_t i = 0;
    while (i < n) {
        char c = t[i];
        if (c == '"') {
            i++;
            while (i < n && t[i] != '"') {
                if (t[i] == '\\' && i + 1 < n) {
                    i++;
                }
                if (t[i] == '\n') {
                    break; /* strict parse will reject it */
                }
                i++;
            }
            i++;
            continue;
        }
        if (c == '/' && i + 1 < n && t[i + 1] == '/') {
            *had = true;
            while (i < n && t[i] != '\n') {
                t[i++] = ' ';
            }
            continue;
        }
        if (c == '/' && i + 1 < n && t[i + 1] == '*') {
            *had = true;
            t[i] = ' ';
            t[i + 1] = ' ';
            i += 2;
            while (i < n && !(t[i] == '*' && i + 1 < n && t[i + 1] == '/')) {
                if (t[i] != '\n' && t[i] != '\r') {
                    t[i] = ' ';
                }
                i++;
            }
            if (i >= n) {
                return false;
            }
            t[i] = ' ';
            t[i + 1] = ' ';
            i += 2;
            continue;
        }
        i++;
    }
    return true;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void strip_trailing_commas(char *t, size_t n, bool *had)
{
    size_t i = 0;
    while (i < n) {
        if (t[i] == '"') {
            i++;
            while (i < n && t[i] != '"' && t[i] != '\n') {
                if (t[i] == '\\' && i + 1 < n) {
                    i++;
                }
                i++;
            }
            i++;
            continue;
        }
        if (t[i] == ',') {
            size_t k = i + 1;
            while (k < n && is_ws(t[k])) {
                k++;
            }
            if (k < n && (t[k] == '}' || t[k] == ']')) {
                t[i] = ' ';
                *had = true;
            }
        }
        i++;
    }
}

static bool hex4(const char *t, size_t n, size_t i, uint32_t *v)
{
    if (4 > n - i) {
        return false;
    }
    uint32_t x = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = cu_hexval((uint8_t)t[i + k]);
        if (h < 0) {
            return false;
        }
        x = x * 16u + (uint32_t)h;
    }
    *v = x;
    return true;
}

/* Decodes the string starting at t[i] == '"' into key (escaped for a pointer); returns the
 * index after the closing quote. */
static size_t read_string(const char *t, size_t n, size_t i, struct cu_buf *key)
{
    i++;
    while (i < n && t[i] != '"') {
        char c = t[i];
        if (c == '\\' && i + 1 < n) {
            char e = t[i + 1];
            i += 2;
            switch (e) {
            case 'n':
                cu_buf_addc(key, '\n');
                break;
            case 't':
                cu_buf_addc(key, '\t');
                break;
            case 'r':
                cu_buf_addc(key, '\r');
                break;
            case 'b':
                cu_buf_addc(key, '\b');
                break;
            case 'f':
                cu_buf_addc(key, '\f');
                break;
            case 'u': {
                uint32_t cp = 0;
                if (!hex4(t, n, i, &cp)) {
                    break;
                }
                i += 4;
                if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < n && t[i] == '\\' && t[i + 1] == 'u') {
                    uint32_t lo = 0;
                    if (hex4(t, n, i + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000u + ((cp - 0xd800u) << 10) + (lo - 0xdc00u);
                        i += 6;
                    }
                }
                cu_buf_add_utf8(key, cp);
                break;
            }
            default:
                cu_buf_addc(key, e);
                break;
            }
            continue;
        }
        cu_buf_addc(key, c);
        i++;
    }
    return i < n ? i + 1 : n;
}

static void buf_trunc(struct cu_buf *b, size_t n)
{
    b->len = n;
    if (b->p != NULL) {
        b->p[n] = '\0';
    }
}

struct frame {
    bool obj;
    size_t index;
    size_t plen; /* path length before this frame's member */
};

/* Records the line of every object member and array element of the (cleaned) text. */
static int record_lines(struct cu_jsonc *j, const char *t, size_t n)
{
    struct frame *st = cu_calloc(JSONC_MAX_DEPTH, sizeof(*st));
    struct cu_buf path = CU_BUF_INIT(1u << 20);
    struct cu_buf key = CU_BUF_INIT(1u << 16);
    int rc = 0;
    size_t depth = 0;
    uint32_t line = 1;
    if (st == NULL) {
        return CUSTODY_ENOMEM;
    }
    bool expect_value = true; /* a value may start here (array element check) */
    for (size_t i = 0; i < n && rc == 0;) {
        char c = t[i];
        if (c == '\n') {
            line++;
            i++;
            continue;
        }
        if (is_ws(c) || c == ':') {
            i++;
            continue;
        }
        /* a value starting inside an array: record its element pointer */
        if (depth > 0 && !st[depth - 1].obj && expect_value && c != ']' && c != ',') {
            buf_trunc(&path, st[depth - 1].plen);
            cu_buf_addf(&path, "/%zu", st[depth - 1].index);
            rc = cu_jsonc_add(j, cu_buf_str(&path), line);
            expect_value = false;
        }
        if (c == '{' || c == '[') {
            if (depth >= JSONC_MAX_DEPTH) {
                break;
            }
            st[depth].obj = c == '{';
            st[depth].index = 0;
            st[depth].plen = path.len;
            depth++;
            expect_value = true;
            i++;
            continue;
        }
        if (c == '}' || c == ']') {
            if (depth > 0) {
                depth--;
                buf_trunc(&path, st[depth].plen);
            }
            expect_value = false;
            i++;
            continue;
        }
        if (c == ',') {
            if (depth > 0 && !st[depth - 1].obj) {
                st[depth - 1].index++;
            }
            expect_value = true;
            i++;
            continue;
        }
        if (c == '"') {
            cu_buf_reset(&key);
            size_t end = read_string(t, n, i, &key);
            size_t k = end;
            while (k < n && is_ws(t[k])) {
                k++;
            }
            bool is_key = depth > 0 && st[depth - 1].obj && k < n && t[k] == ':';
            if (is_key) {
                buf_trunc(&path, st[depth - 1].plen);
                ptr_add_escaped(&path, key.p != NULL ? key.p : "", key.len);
                rc = cu_jsonc_add(j, cu_buf_str(&path), line);
            }
            for (size_t q = i; q < end; q++) {
                line += t[q] == '\n';
            }
            i = end;
            expect_value = false;
            continue;
        }
        i++; /* scalar characters */
    }
    if (rc == 0 && (path.oom || key.oom)) {
        rc = CUSTODY_ENOMEM;
    }
    cu_buf_free(&path);
    cu_buf_free(&key);
    free(st);
    return rc;
}

int cu_jsonc_parse(
    struct cu_jsonc *out, const uint8_t *data, size_t len, uint32_t *bad_line, custody_error *err)
{
    memset(out, 0, sizeof(*out));
    *bad_line = 0;
    size_t skip = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    size_t n = len - skip;
    char *t = cu_malloc(n + 1);
    if (t == NULL) {
        return cu_err_nomem(err);
    }
    memcpy(t, data + skip, n);
    t[n] = '\0';
    if (!strip_comments(t, n, &out->comments)) {
        free(t);
        *bad_line = 1;
        return cu_err_malformed(err, "", 0, "unterminated block comment");
    }
    strip_trailing_commas(t, n, &out->trailing_comma);
    json_error_t jerr;
    out->doc = json_loadb(t, n, JSON_REJECT_DUPLICATES, &jerr);
    if (out->doc == NULL) {
        free(t);
        *bad_line = jerr.line > 0 ? (uint32_t)jerr.line : 0;
        return cu_err_malformed(err, "", (uint64_t)jerr.position, "invalid JSON: %s (line %d)",
                                jerr.text, jerr.line);
    }
    int rc = record_lines(out, t, n);
    free(t);
    if (rc < 0) {
        cu_jsonc_free(out);
        return cu_err_nomem(err);
    }
    cu_jsonc_sort(out);
    return 0;
}

/* ---- YAML ---- */

struct ybuild {
    yaml_document_t *doc;
    struct cu_jsonc *j;
    size_t nodes;
    int rc;
};

static bool scalar_is(const yaml_node_t *n, const char *s)
{
    size_t l = strlen(s);
    return n->data.scalar.length == l && memcmp(n->data.scalar.value, s, l) == 0;
}

static json_t *yaml_scalar(const yaml_node_t *n)
{
    const char *v = (const char *)n->data.scalar.value;
    size_t l = n->data.scalar.length;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        if (scalar_is(n, "true") || scalar_is(n, "True") || scalar_is(n, "TRUE")) {
            return json_true();
        }
        if (scalar_is(n, "false") || scalar_is(n, "False") || scalar_is(n, "FALSE")) {
            return json_false();
        }
        if (l == 0 || scalar_is(n, "null") || scalar_is(n, "~") || scalar_is(n, "Null")) {
            return json_null();
        }
        /* integers: optional sign then digits, short enough for json_int_t */
        size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
        bool digits = i < l && l - i <= 18;
        for (size_t k = i; k < l && digits; k++) {
            digits = v[k] >= '0' && v[k] <= '9';
        }
        if (digits) {
            json_int_t x = 0;
            for (size_t k = i; k < l; k++) {
                x = x * 10 + (v[k] - '0');
            }
            return json_integer(v[0] == '-' ? -x : x);
        }
    }
    return json_stringn_nocheck(v, l);
}

static json_t *yaml_node(struct ybuild *b, yaml_node_t *n, const char *ptr, unsigned depth)
{
    if (n == NULL || b->rc != 0) {
        return NULL;
    }
    if (++b->nodes > YAML_MAX_NODES || depth > JSONC_MAX_DEPTH) {
        b->rc = CUSTODY_ELIMIT;
        return NULL;
    }
    if (ptr[0] != '\0') {
        int r = cu_jsonc_add(b->j, ptr, (uint32_t)n->start_mark.line + 1u);
        if (r < 0) {
            b->rc = r;
            return NULL;
        }
    }
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return yaml_scalar(n);
    case YAML_SEQUENCE_NODE: {
        json_t *a = json_array();
        size_t idx = 0;
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             a != NULL && it < n->data.sequence.items.top; it++, idx++) {
            char *p = cu_jsonc_ptr_index(ptr, idx);
            json_t *v =
                p != NULL ? yaml_node(b, yaml_document_get_node(b->doc, *it), p, depth + 1) : NULL;
            free(p);
            if (v == NULL || json_array_append_new(a, v) != 0) {
                if (b->rc == 0) {
                    b->rc = CUSTODY_ENOMEM;
                }
                json_decref(a);
                return NULL;
            }
        }
        if (a == NULL) {
            b->rc = CUSTODY_ENOMEM;
        }
        return a;
    }
    case YAML_MAPPING_NODE: {
        json_t *o = json_object();
        for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
             o != NULL && pr < n->data.mapping.pairs.top; pr++) {
            yaml_node_t *k = yaml_document_get_node(b->doc, pr->key);
            if (k == NULL || k->type != YAML_SCALAR_NODE) {
                continue; /* complex keys: no agent config uses them */
            }
            char *ks = cu_strndup((const char *)k->data.scalar.value, k->data.scalar.length);
            char *p = ks != NULL ? cu_jsonc_ptr(ptr, ks) : NULL;
            json_t *v = p != NULL
                            ? yaml_node(b, yaml_document_get_node(b->doc, pr->value), p, depth + 1)
                            : NULL;
            int r = v != NULL ? json_object_set_new_nocheck(o, ks, v) : -1;
            free(p);
            free(ks);
            if (r != 0) {
                if (b->rc == 0) {
                    b->rc = CUSTODY_ENOMEM;
                }
                json_decref(o);
                return NULL;
            }
        }
        if (o == NULL) {
            b->rc = CUSTODY_ENOMEM;
        }
        return o;
    }
    default:
        return json_null();
    }
}

int cu_yaml_parse(
    struct cu_jsonc *out, const uint8_t *data, size_t len, uint32_t *bad_line, custody_error *err)
{
    memset(out, 0, sizeof(*out));
    *bad_line = 0;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        return cu_err_nomem(err);
    }
    yaml_parser_set_input_string(&parser, data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        *bad_line = (uint32_t)parser.problem_mark.line + 1u;
        int rc = cu_err_malformed(err, "", (uint64_t)parser.problem_mark.index,
                                  "invalid YAML: %s (line %u)",
                                  parser.problem != NULL ? parser.problem : "error", *bad_line);
        yaml_parser_delete(&parser);
        return rc;
    }
    struct ybuild b = { &doc, out, 0, 0 };
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    out->doc = root != NULL ? yaml_node(&b, root, "", 0) : json_null();
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (b.rc != 0 || out->doc == NULL) {
        int rc = b.rc != 0 ? b.rc : CUSTODY_ENOMEM;
        cu_jsonc_free(out);
        if (rc == CUSTODY_ELIMIT) {
            return cu_err_limit(err, "", 0, "YAML document over %u nodes or too deep",
                                YAML_MAX_NODES);
        }
        return cu_err_nomem(err);
    }
    cu_jsonc_sort(out);
    return 0;
}
