/* Fuzzes the Sigstore trusted_root.json reader (provenance/trustroot.c). Invariant: it returns
 * a root or an error code, never both, never neither. */
#include <stdlib.h>

#include "fuzz.h"
#include "provenance/sigstore_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cu_trust_root *tr = NULL;
    custody_error err = { 0 };
    int rc = cu_trust_root_parse(&tr, data, size, "fuzz", &err);
    if ((rc == 0) != (tr != NULL)) {
        abort();
    }
    cu_trust_root_free(tr);
    return 0;
}
