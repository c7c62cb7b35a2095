/* Fuzz target: archives (libarchive) and compressed streams through the whole engine.
 * Invariants: the scan of a memory buffer never fails as a scan, the file is recorded, every
 * finding names a catalogued rule at a location inside the input, with a valid severity, and
 * the file's summary agrees with its findings. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"

#define FUZZ_NAME "fuzz.pkl.gz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    custody_scan *s = NULL;
    custody_error err;
    /* A small expansion budget keeps each run fast; the ratio bound is exercised too. */
    custody_scan_options o = { .threads = 1, .max_expand = 64u << 20 };
    if (custody_scan_new(&s, &o, &err) != 0) {
        return 0;
    }
    if (custody_scan_buffer(s, FUZZ_NAME, data, size, &err) != 0) {
        abort();
    }
    if (custody_scan_file_count(s) != 1) {
        abort();
    }
    const custody_file *f = custody_scan_file(s, 0);
    if (f->status == CUSTODY_FILE_ERROR &&
        (f->reason == NULL || strstr(f->reason, "memory") == NULL)) {
        abort(); /* a buffer cannot fail to read; only allocation may fail */
    }
    custody_severity max = CUSTODY_SEV_INFO;
    size_t n = custody_scan_finding_count(s);
    if (n != f->finding_count) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        const custody_finding *fd = custody_scan_finding(s, i);
        if (fd == NULL || custody_rule_find(fd->rule_id) == NULL || fd->message == NULL ||
            strncmp(fd->location, FUZZ_NAME, strlen(FUZZ_NAME)) != 0 ||
            fd->severity < CUSTODY_SEV_INFO || fd->severity > CUSTODY_SEV_CRITICAL) {
            abort();
        }
        if (fd->severity > max) {
            max = fd->severity;
        }
    }
    if (max != f->max_severity) {
        abort();
    }
    custody_scan_free(s);
    return 0;
}
