/* Fuzzes the Sigstore bundle parser and the OMS statement parser behind `custody verify`
 * (provenance/bundle.c, provenance/oms.c). Invariant: no crash, no leak, no sanitizer report;
 * every outcome is 0 or a CUSTODY_E* / CU_EVERIFY code. */
#include <stdlib.h>

#include "fuzz.h"
#include "custody/provenance.h"
#include "provenance/oms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    custody_error err;
    int rc = cu_oms_parse_only(data, size, &err);
    if (rc > 0 || rc < CUSTODY_EVERIFY) {
        abort();
    }
    return 0;
}
