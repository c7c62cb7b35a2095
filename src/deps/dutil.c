/* String helpers of the structure-driven deps/ checks. See dutil.h. */
#include "deps/dutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/source.h"
#include "core/banned.h"

static char lower(char c)
{
    return (char)tolower((unsigned char)c);
}

static void copy_lower(char *dst, size_t cap, const char *s, size_t n)
{
    if (cap == 0) {
        return;
    }
    if (n >= cap) {
        n = cap - 1;
    }
    for (size_t i = 0; i < n; i++) {
        dst[i] = lower(s[i]);
    }
    dst[n] = '\0';
}

bool cu_dx_url(const char *url,
               char *scheme,
               size_t scap,
               char *host,
               size_t hcap,
               const char **path,
               bool *has_userinfo)
{
    const char *p = strstr(url, "://");
    bool ui = false;
    if (p == NULL) {
        /* scp-like git: user@host:path */
        const char *at = strchr(url, '@');
        const char *colon = at != NULL ? strchr(at, ':') : NULL;
        if (at == NULL || colon == NULL || strchr(url, '/') < at) {
            return false;
        }
        copy_lower(scheme, scap, "ssh", 3);
        copy_lower(host, hcap, at + 1, (size_t)(colon - at - 1));
        if (path != NULL) {
            *path = colon + 1;
        }
        if (has_userinfo != NULL) {
            *has_userinfo = false;
        }
        return true;
    }
    for (const char *s = url; s < p; s++) {
        if (!isalnum((unsigned char)*s) && *s != '+' && *s != '-' && *s != '.') {
            return false;
        }
    }
    copy_lower(scheme, scap, url, (size_t)(p - url));
    const char *h = p + 3;
    const char *end = h + strcspn(h, "/?#");
    const char *at = NULL;
    for (const char *s = h; s < end; s++) {
        if (*s == '@') {
            at = s;
        }
    }
    if (at != NULL) {
        ui = true;
        h = at + 1;
    }
    const char *hend = h;
    if (*h == '[') { /* IPv6 literal */
        while (hend < end && *hend != ']') {
            hend++;
        }
        if (hend < end) {
            hend++;
        }
    } else {
        while (hend < end && *hend != ':') {
            hend++;
        }
    }
    copy_lower(host, hcap, h, (size_t)(hend - h));
    if (path != NULL) {
        *path = end;
    }
    if (has_userinfo != NULL) {
        *has_userinfo = ui;
    }
    return true;
}

bool cu_dx_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0) {
        return true;
    }
    for (const char *s = hay; *s != '\0'; s++) {
        size_t i = 0;
        while (i < n && s[i] != '\0' && lower(s[i]) == lower(needle[i])) {
            i++;
        }
        if (i == n) {
            return true;
        }
    }
    return false;
}

static bool wordc(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

bool cu_dx_word(const char *hay, const char *word)
{
    size_t n = strlen(word);
    if (n == 0) {
        return false;
    }
    for (const char *s = hay; *s != '\0'; s++) {
        if (s > hay && wordc(s[-1]) && wordc(word[0])) {
            continue;
        }
        size_t i = 0;
        while (i < n && s[i] != '\0' && lower(s[i]) == lower(word[i])) {
            i++;
        }
        if (i == n && !(wordc(word[n - 1]) && wordc(s[n]))) {
            return true;
        }
    }
    return false;
}

bool cu_dx_is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return n > 0;
}

static bool full_commit(const char *s)
{
    size_t n = strlen(s);
    return (n == 40 || n == 64) && cu_dx_is_hex(s, n);
}

bool cu_dx_git_pinned(const char *s)
{
    if (s == NULL) {
        return false;
    }
    const char *hash = strrchr(s, '#');
    if (hash != NULL) {
        /* "#<sha>" or "#commit=<sha>" / "#semver:..." (only a sha pins) */
        const char *ref = hash + 1;
        const char *eq = strrchr(ref, '=');
        if (eq != NULL) {
            ref = eq + 1;
        }
        /* yarn berry: "...#commit=<sha>" may be followed by "&..." parameters */
        char buf[80];
        size_t n = strcspn(ref, "&");
        if (n < sizeof(buf)) {
            memcpy(buf, ref, n);
            buf[n] = '\0';
            if (full_commit(buf)) {
                return true;
            }
        }
    }
    /* pip VCS: git+https://host/repo.git@<sha> (before any '#') */
    const char *slash = strrchr(s, '/');
    const char *at = slash != NULL ? strchr(slash, '@') : NULL;
    if (at != NULL) {
        char buf[80];
        size_t n = strcspn(at + 1, "#&");
        if (n < sizeof(buf)) {
            memcpy(buf, at + 1, n);
            buf[n] = '\0';
            return full_commit(buf);
        }
    }
    /* codeload / archive URLs ending in the commit: .../tar.gz/<sha> */
    if (slash != NULL && full_commit(slash + 1)) {
        return true;
    }
    return false;
}

static bool same_char(char x, char y, bool fold)
{
    return fold ? lower(x) == lower(y) : x == y;
}

size_t cu_dx_osa(const char *a, size_t la, const char *b, size_t lb, size_t max, bool fold)
{
    /* optimal string alignment: insert, delete, substitute, swap two neighbours */
    if ((la > lb ? la - lb : lb - la) > max || lb > 255 || la > 255) {
        return max + 1;
    }
    size_t r0[256], r1[256], r2[256];
    size_t *pp = r0, *p = r1, *c = r2;
    for (size_t j = 0; j <= lb; j++) {
        p[j] = j;
        pp[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        c[0] = i;
        size_t best = c[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t v = p[j - 1] + (same_char(a[i - 1], b[j - 1], fold) ? 0u : 1u);
            if (p[j] + 1 < v) {
                v = p[j] + 1;
            }
            if (c[j - 1] + 1 < v) {
                v = c[j - 1] + 1;
            }
            if (i > 1 && j > 1 && same_char(a[i - 1], b[j - 2], fold) &&
                same_char(a[i - 2], b[j - 1], fold) && pp[j - 2] + 1 < v) {
                v = pp[j - 2] + 1;
            }
            c[j] = v;
            if (v < best) {
                best = v;
            }
        }
        if (best > max) {
            return max + 1;
        }
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[lb] > max ? max + 1 : p[lb];
}

size_t cu_dx_distance(const char *a, const char *b, size_t max)
{
    return cu_dx_osa(a, strlen(a), b, strlen(b), max, true);
}

bool cu_dx_public_host(const char *host)
{
    static const char *const hosts[] = { "registry.npmjs.org",     "registry.yarnpkg.com",
                                         "registry.npmjs.com",     "pypi.org",
                                         "files.pythonhosted.org", "pypi.python.org" };
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        if (strcmp(host, hosts[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool cu_dx_in_scope(const char *name, const char *scope)
{
    if (name[0] != '@') {
        return false;
    }
    if (scope[0] == '@') {
        scope++;
    }
    size_t n = strlen(scope);
    while (n > 0 && scope[n - 1] == '/') {
        n--;
    }
    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (lower(name[1 + i]) != lower(scope[i])) {
            return false;
        }
    }
    return name[1 + n] == '/';
}

/* Next normalised character of a PEP 503 name: lower case, runs of -_. become '-'. */
static size_t norm(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    bool sep = false;
    for (; *s != '\0' && o + 1 < cap; s++) {
        if (*s == '-' || *s == '_' || *s == '.') {
            sep = true;
            continue;
        }
        if (sep && o > 0) {
            out[o++] = '-';
            if (o + 1 >= cap) {
                break;
            }
        }
        sep = false;
        out[o++] = lower(*s);
    }
    if (sep && o + 1 < cap) {
        out[o++] = '-'; /* a trailing separator of a prefix ("acme-") matters */
    }
    out[o] = '\0';
    return o;
}

bool cu_dx_has_prefix_pypi(const char *name, const char *prefix)
{
    char a[256], b[256];
    norm(name, a, sizeof(a));
    size_t n = norm(prefix, b, sizeof(b));
    return n > 0 && strncmp(a, b, n) == 0;
}

uint32_t cu_dx_line_of(const uint8_t *data, size_t len, size_t off)
{
    uint32_t line = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (data[i] == '\n' && line < UINT32_MAX) {
            line++;
        }
    }
    return line;
}

int cu_dx_read_text(
    struct cu_source *src, size_t limit, char **out, size_t *len, custody_error *err)
{
    char *buf = NULL;
    size_t size = 0;
    *out = NULL;
    *len = 0;
    int rc = cu_source_read_all(src, limit, "text file", &buf, &size, err);
    if (rc < 0) {
        return rc;
    }
    const char *nul = memchr(buf, '\0', size);
    if (nul != NULL) {
        uint64_t off = (uint64_t)(nul - buf);
        free(buf);
        return cu_err_malformed(err, src->loc, off, "NUL byte in a text file");
    }
    *out = buf;
    *len = size;
    return 0;
}
