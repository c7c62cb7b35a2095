#include "report/jsonutil.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/banned.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        n = 2;
        cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3;
        cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n > left) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return n;
}

json_t *cu_json_str(const char *s)
{
    size_t len = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    bool clean = true;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0) {
            clean = false;
            break;
        }
        i += n;
    }
    if (clean) {
        return json_stringn(s, len);
    }
    struct cu_buf b = CU_BUF_INIT(len * 3 + 1);
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0) {
            cu_buf_add(&b, "\xef\xbf\xbd", 3);
            i++;
        } else {
            cu_buf_add(&b, p + i, n);
            i += n;
        }
    }
    json_t *j = b.oom ? NULL : json_stringn(cu_buf_str(&b), b.len);
    cu_buf_free(&b);
    return j;
}

int cu_json_set_str(json_t *obj, const char *key, const char *s)
{
    if (obj == NULL) {
        return -1;
    }
    json_t *v = s == NULL ? json_null() : cu_json_str(s);
    if (v == NULL) {
        return -1;
    }
    return json_object_set_new(obj, key, v);
}

struct jw {
    FILE *f;
    char buf[64u << 10];
    size_t len;
    bool failed;
};

static int jw_flush(struct jw *w)
{
    if (w->len > 0 && fwrite(w->buf, 1, w->len, w->f) != w->len) {
        w->failed = true;
    }
    w->len = 0;
    return w->failed ? -1 : 0;
}

static int jw_put(const char *data, size_t n, void *ud)
{
    struct jw *w = ud;
    if (n > sizeof(w->buf) - w->len && jw_flush(w) < 0) {
        return -1;
    }
    if (n > sizeof(w->buf)) {
        if (fwrite(data, 1, n, w->f) != n) {
            w->failed = true;
            return -1;
        }
        return 0;
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
    return 0;
}

int cu_json_write(const json_t *root, FILE *f, size_t flags)
{
    struct jw *w = malloc(sizeof(*w));
    if (w == NULL) {
        return -1;
    }
    w->f = f;
    w->len = 0;
    w->failed = false;
    int rc = json_dump_callback(root, jw_put, w, flags);
    if (rc == 0) {
        rc = jw_put("\n", 1, w);
    }
    if (jw_flush(w) < 0) {
        rc = -1;
    }
    free(w);
    return rc;
}
