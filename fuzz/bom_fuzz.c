/* Fuzzes what custody bom reads that the scan does not: README.md front matter (libyaml) and
 * the BOM documents bom diff reads (CycloneDX / SPDX JSON). First byte picks the parser.
 * Invariants: no crash, no leak, an error code from the documented set. */
#include <stdlib.h>
#include <string.h>

#include "bom/bom_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    if (data[0] & 1) {
        int rc = cu_bom_diff_parse(data + 1, size - 1);
        if (rc != 0 && rc != CUSTODY_EMALFORMED && rc != CUSTODY_ENOMEM) {
            abort();
        }
        return 0;
    }
    char *text = malloc(size);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    struct cu_bom_item it;
    memset(&it, 0, sizeof(it));
    int rc = cu_bom_parse_card(&it, text, size - 1);
    if (rc != 0 && rc != CUSTODY_ENOMEM) {
        abort();
    }
    for (size_t i = 0; i < it.nfacts; i++) {
        if (it.facts[i].value[0] == '\0') {
            abort(); /* empty values are never facts */
        }
        free(it.facts[i].key);
        free(it.facts[i].value);
    }
    free(it.facts);
    free(text);
    return 0;
}
