/* libFuzzer target for the pickle VM: scans the input as a file named like a pickle and checks
 * invariants of the result. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "custody/custody.h"

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    custody_scan *s = NULL;
    custody_error err;
    custody_scan_options o = { .threads = 1 };
    if (custody_scan_new(&s, &o, &err) != 0) {
        return 0;
    }
    check(custody_scan_buffer(s, "fuzz.pkl", data, size, &err) == 0);
    size_t n = custody_scan_finding_count(s);
    check(n <= CU_LIMIT_FINDINGS_PER_FILE + 1);
    check(custody_scan_file_count(s) == 1);
    const custody_file *file = custody_scan_file(s, 0);
    check(file->size == size);
    for (size_t i = 0; i < n; i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        check(f->rule_id != NULL && f->message != NULL && f->location != NULL);
        check(f->severity >= CUSTODY_SEV_INFO && f->severity <= CUSTODY_SEV_CRITICAL);
        check(custody_rule_find(f->rule_id) != NULL);
        check(f->evidence == NULL || strlen(f->evidence) <= CU_LIMIT_EVIDENCE);
        /* A finding about the top-level file points inside it. */
        if (strcmp(f->location, "fuzz.pkl") == 0) {
            check(f->offset == UINT64_MAX || f->offset <= size);
        }
        /* A payload can never be judged less than what it is: a call of a dangerous import
         * is critical. */
        if (strcmp(f->rule_id, "pickle/dangerous-call") == 0) {
            check(f->severity == CUSTODY_SEV_CRITICAL);
        }
    }
    /* Nothing claimed as a pickle passes silently if it is malformed: the format is set. */
    check(custody_scan_max_severity(s) <= CUSTODY_SEV_CRITICAL);
    custody_scan_free(s);
    return 0;
}
