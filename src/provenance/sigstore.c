/* Offline Sigstore keyless verification. (Placeholder until Step 3 lands.) */
#include "provenance/bundle.h"

#include "core/error.h"
#include "core/banned.h"

int cu_trust_root_load(struct cu_trust_root **out, const char *path, custody_error *err)
{
    *out = NULL;
    return cu_err_set(err, CUSTODY_EUNSUPPORTED, path, CU_NO_OFFSET, __FILE__, __LINE__,
                      "keyless verification is not built yet");
}

void cu_trust_root_free(struct cu_trust_root *tr)
{
    (void)tr;
}

int cu_sigstore_verify(const struct cu_bundle *b,
                       const struct cu_trust_root *tr,
                       const struct cu_identity_policy *pol,
                       const uint8_t *artifact_sha256,
                       int64_t *signing_time,
                       custody_error *err)
{
    (void)b;
    (void)tr;
    (void)pol;
    (void)artifact_sha256;
    *signing_time = 0;
    return cu_err_set(err, CUSTODY_EUNSUPPORTED, NULL, CU_NO_OFFSET, __FILE__, __LINE__,
                      "keyless verification is not built yet");
}
