/* libFuzzer target for the zip analyzer (and the torch checks and whatever the members hold):
 * scans the input as a file named like a checkpoint. Invariants: the scan never fails as an
 * API call, the file is scanned or failed (never silently dropped), every finding has a rule
 * and a location under the file, and a second scan gives the same findings. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"

static custody_scan *scan_once(const uint8_t *data, size_t size)
{
    custody_scan *s = NULL;
    custody_error err;
    custody_scan_options o = { .threads = 1 };
    if (custody_scan_new(&s, &o, &err) != 0) {
        abort();
    }
    if (custody_scan_buffer(s, "fuzz.pt", data, size, &err) != 0) {
        abort();
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    custody_scan *a = scan_once(data, size);
    custody_scan *b = scan_once(data, size);
    if (custody_scan_file_count(a) != 1) {
        abort();
    }
    size_t n = custody_scan_finding_count(a);
    if (n != custody_scan_finding_count(b)) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        const custody_finding *f = custody_scan_finding(a, i);
        const custody_finding *g = custody_scan_finding(b, i);
        if (f->rule_id == NULL || f->location == NULL || strncmp(f->location, "fuzz.pt", 7) != 0) {
            abort();
        }
        if (strcmp(f->rule_id, g->rule_id) != 0 || strcmp(f->location, g->location) != 0 ||
            f->offset != g->offset) {
            abort();
        }
    }
    custody_scan_free(a);
    custody_scan_free(b);
    return 0;
}
