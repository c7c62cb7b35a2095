/* Fuzzes offline bundle verification (provenance/sigstore.c over bundle.c): the input is a
 * trusted_root.json, a NUL byte, then a Sigstore bundle. The bundle is verified keyless with
 * and without an artifact digest. Invariants: no crash; a verification that succeeds reports a
 * signing time. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "provenance/bundle.h"
#include "provenance/sigstore_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    struct cu_trust_root *tr = NULL;
    struct cu_bundle *b = NULL;
    custody_error err = { 0 };
    static const uint8_t digest[32] = { 0xa0, 0xcf, 0xc7, 0x12 };
    if (nul == NULL) {
        return 0;
    }
    size_t rl = (size_t)(nul - data);
    if (cu_trust_root_parse(&tr, data, rl, "fuzz", &err) == 0 &&
        cu_bundle_parse(&b, nul + 1, size - rl - 1, &err) == 0) {
        struct cu_identity_policy pol = { NULL, NULL };
        int64_t t = -1;
        if (cu_sigstore_verify(b, tr, &pol, digest, &t, &err) == 0 && t <= 0) {
            abort();
        }
        if (cu_sigstore_verify(b, tr, &pol, NULL, &t, &err) == 0 && t <= 0) {
            abort();
        }
    }
    cu_bundle_free(b);
    cu_trust_root_free(tr);
    return 0;
}
