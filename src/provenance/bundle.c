/* Sigstore bundle parsing. (Placeholder until Step 3 lands.) */
#include "provenance/bundle.h"

#include "core/error.h"
#include "core/banned.h"

int cu_bundle_parse(struct cu_bundle **out, const uint8_t *data, size_t len, custody_error *err)
{
    (void)data;
    (void)len;
    *out = NULL;
    return cu_err_set(err, CUSTODY_EUNSUPPORTED, NULL, CU_NO_OFFSET, __FILE__, __LINE__,
                      "bundle parsing is not built yet");
}

void cu_bundle_free(struct cu_bundle *b)
{
    (void)b;
}
