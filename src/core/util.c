#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"

void *cu_malloc(size_t n)
{
    return malloc(n == 0 ? 1 : n);
}

void *cu_calloc(size_t count, size_t size)
{
    return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}

void *cu_realloc(void *p, size_t n)
{
    return realloc(p, n == 0 ? 1 : n);
}

bool cu_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return true;
    }
    size_t ncap = *cap < 8 ? 8 : *cap;
    while (ncap < need) {
        if (__builtin_mul_overflow(ncap, 2, &ncap)) {
            return false;
        }
    }
    size_t bytes;
    if (__builtin_mul_overflow(ncap, elem, &bytes)) {
        return false;
    }
    void *np = realloc(*p, bytes);
    if (np == NULL) {
        return false;
    }
    *p = np;
    *cap = ncap;
    return true;
}

char *cu_strdup(const char *s)
{
    return s == NULL ? NULL : cu_strndup(s, strlen(s));
}

char *cu_concat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    if (la > SIZE_MAX - 1 - lb || lc > SIZE_MAX - 1 - la - lb) {
        return NULL;
    }
    char *d = malloc(la + lb + lc + 1);
    if (d != NULL) {
        memcpy(d, a, la);
        memcpy(d + la, b, lb);
        memcpy(d + la + lb, c, lc + 1);
    }
    return d;
}

char *cu_strndup(const char *s, size_t n)
{
    if (n == SIZE_MAX) {
        return NULL;
    }
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *cu_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (s == NULL) {
        return NULL;
    }
    (void)vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *cu_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = cu_vasprintf(fmt, ap);
    va_end(ap);
    return s;
}

bool cu_has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool cu_has_suffix_ci(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

void cu_hex_encode(const uint8_t *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = '\0';
}

uint64_t cu_fnv1a(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 1099511628211ull;
    }
    return h;
}

int cu_hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool cu_hex_decode(const char *s, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = cu_hexval((uint8_t)s[2 * i]), lo = cu_hexval((uint8_t)s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

const char *cu_basename(const char *s)
{
    const char *slash = strrchr(s, '/');
    return slash != NULL ? slash + 1 : s;
}

static bool buf_reserve(struct cu_buf *b, size_t more)
{
    size_t need;
    if (b->oom || __builtin_add_overflow(b->len, more, &need) ||
        __builtin_add_overflow(need, 1, &need)) {
        b->oom = true;
        return false;
    }
    if (!cu_grow((void **)&b->p, &b->cap, need, 1)) {
        b->oom = true;
        return false;
    }
    return true;
}

void cu_buf_add(struct cu_buf *b, const void *data, size_t n)
{
    if (b->len >= b->max) {
        b->cut = b->cut || n > 0;
        return;
    }
    if (n > b->max - b->len) {
        n = b->max - b->len;
        b->cut = true;
    }
    if (!buf_reserve(b, n)) {
        return;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void cu_buf_adds(struct cu_buf *b, const char *s)
{
    cu_buf_add(b, s, strlen(s));
}

void cu_buf_addc(struct cu_buf *b, char c)
{
    cu_buf_add(b, &c, 1);
}

void cu_buf_addf(struct cu_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = cu_vasprintf(fmt, ap);
    va_end(ap);
    if (s == NULL) {
        b->oom = true;
        return;
    }
    cu_buf_adds(b, s);
    free(s);
}

void cu_buf_add_escaped(struct cu_buf *b, const uint8_t *data, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n && b->len < b->max; i++) {
        uint8_t c = data[i];
        char esc[4];
        switch (c) {
        case '\\':
            cu_buf_add(b, "\\\\", 2);
            break;
        case '\'':
            cu_buf_add(b, "\\'", 2);
            break;
        case '\n':
            cu_buf_add(b, "\\n", 2);
            break;
        case '\r':
            cu_buf_add(b, "\\r", 2);
            break;
        case '\t':
            cu_buf_add(b, "\\t", 2);
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                cu_buf_addc(b, (char)c);
            } else {
                esc[0] = '\\';
                esc[1] = 'x';
                esc[2] = hex[c >> 4];
                esc[3] = hex[c & 15];
                cu_buf_add(b, esc, 4);
            }
        }
    }
}

const char *cu_buf_str(const struct cu_buf *b)
{
    return (b->p != NULL) ? b->p : "";
}

void cu_buf_reset(struct cu_buf *b)
{
    b->len = 0;
    b->cut = false;
    if (b->p != NULL) {
        b->p[0] = '\0';
    }
}

void cu_buf_free(struct cu_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
