/* Fuzzes the JSON analyzer and its handlers (model configs, tokenizer configs, Keras configs)
 * through the public scan API, as a file named config.json. Invariants: the scan succeeds as an
 * API call, the file is recorded, and every finding has a rule and a location under the file. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    custody_scan *s = NULL;
    custody_error err;
    custody_scan_options o = { 1, 0, 1u << 26, NULL, NULL };
    if (custody_scan_new(&s, &o, &err) != 0) {
        abort();
    }
    if (custody_scan_buffer(s, "config.json", data, size, &err) != 0 ||
        custody_scan_file_count(s) != 1) {
        abort();
    }
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        if (f->rule_id == NULL || strncmp(f->location, "config.json", 11) != 0) {
            abort();
        }
    }
    custody_scan_free(s);
    return 0;
}
