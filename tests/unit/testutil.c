#include "testutil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

custody_scan *tu_scan_new(const custody_prop *set, size_t nset)
{
    custody_scan *s = NULL;
    custody_error err;
    custody_scan_options o;
    memset(&o, 0, sizeof(o));
    o.threads = 1;
    o.settings = set;
    o.nsettings = nset;
    assert_int_equal(custody_scan_new(&s, &o, &err), 0);
    return s;
}

custody_scan *tu_scan_buffer(const char *name, const uint8_t *data, size_t len)
{
    custody_scan *s = NULL;
    custody_error err;
    custody_scan_options o = { .threads = 1 };
    assert_int_equal(custody_scan_new(&s, &o, &err), 0);
    assert_int_equal(custody_scan_buffer(s, name, data, len, &err), 0);
    return s;
}

custody_scan *tu_scan_path(const char *path)
{
    custody_scan *s = NULL;
    custody_error err;
    assert_int_equal(custody_scan_new(&s, NULL, &err), 0);
    assert_int_equal(custody_scan_add_path(s, path, &err), 0);
    assert_int_equal(custody_scan_run(s, &err), 0);
    return s;
}

custody_scan *tu_scan_fixture(const char *rel)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", CUSTODY_FIXTURES, rel);
    assert_true(n > 0 && (size_t)n < sizeof(path));
    return tu_scan_path(path);
}

custody_scan *
tu_scan_sparse(const uint8_t *head, size_t hlen, uint64_t total, const uint8_t *tail, size_t tlen)
{
    char path[] = "/tmp/custody-sparse-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(hlen <= total && tlen <= total - hlen);
    bool ok = write(fd, head, hlen) == (ssize_t)hlen;
    if (ok && tail != NULL) {
        ok = pwrite(fd, tail, tlen, (off_t)(total - tlen)) == (ssize_t)tlen;
    } else if (ok) {
        ok = ftruncate(fd, (off_t)total) == 0;
    }
    assert_int_equal(close(fd), 0);
    if (!ok) {
        (void)unlink(path);
        fail_msg("cannot write the sparse file %s", path);
    }
    custody_scan *s = tu_scan_path(path);
    (void)unlink(path);
    return s;
}

size_t tu_count(const custody_scan *s, const char *rule_id, custody_severity min)
{
    size_t n = 0;
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        if (f->severity >= min && (rule_id == NULL || strcmp(f->rule_id, rule_id) == 0)) {
            n++;
        }
    }
    return n;
}

bool tu_has_text(const custody_scan *s, const char *needle, custody_severity min)
{
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        if (f->severity < min) {
            continue;
        }
        if (strstr(f->message, needle) != NULL ||
            (f->evidence != NULL && strstr(f->evidence, needle) != NULL)) {
            return true;
        }
    }
    return false;
}

int tu_max_severity(const custody_scan *s, const char *rule_id)
{
    int best = -1;
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        if (strcmp(f->rule_id, rule_id) == 0 && (int)f->severity > best) {
            best = (int)f->severity;
        }
    }
    return best;
}

uint8_t *tu_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, n = 0;
    uint8_t *b = malloc(cap);
    assert_non_null(b);
    for (;;) {
        if (cap - n < 2) {
            assert_true(cap <= SIZE_MAX / 2);
            cap *= 2;
            uint8_t *nb = realloc(b, cap);
            assert_non_null(nb);
            b = nb;
        }
        size_t r = fread(b + n, 1, cap - n - 1, f);
        if (r == 0) {
            break;
        }
        n += r;
    }
    assert_int_equal(ferror(f), 0);
    fclose(f);
    b[n] = 0;
    *len = n;
    return b;
}

void tu_unlink_db(const char *path)
{
    char p[4200];
    (void)unlink(path);
    (void)snprintf(p, sizeof(p), "%s-wal", path);
    (void)unlink(p);
    (void)snprintf(p, sizeof(p), "%s-shm", path);
    (void)unlink(p);
}

void tu_dump(const custody_scan *s)
{
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        printf("  [%s] %s %s@%llu: %s | %s\n", custody_severity_name(f->severity), f->rule_id,
               f->location, (unsigned long long)f->offset, f->message,
               f->evidence != NULL ? f->evidence : "-");
    }
    for (size_t i = 0; i < custody_scan_file_count(s); i++) {
        const custody_file *f = custody_scan_file(s, i);
        printf("  file %s status=%d format=%s reason=%s\n", f->path, (int)f->status,
               f->format ? f->format : "-", f->reason ? f->reason : "-");
    }
}
