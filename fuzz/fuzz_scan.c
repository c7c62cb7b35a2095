/* The scan every simple target runs: the input as one file named `name`, through the public
 * API, with the invariants every analyzer must keep. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"

void fuzz_scan_named(const char *name, const uint8_t *data, size_t size)
{
    custody_scan *s = NULL;
    custody_error err;
    custody_scan_options o = { .threads = 1, .max_expand = 1u << 26 };
    if (custody_scan_new(&s, &o, &err) != 0) {
        abort();
    }
    if (custody_scan_buffer(s, name, data, size, &err) != 0 || custody_scan_file_count(s) != 1) {
        abort();
    }
    size_t nlen = strlen(name);
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        /* every finding has a rule and a location inside this file */
        if (f->rule_id == NULL || strncmp(f->location, name, nlen) != 0) {
            abort();
        }
    }
    custody_scan_free(s);
}
