/* Public API over the Sigstore verifier: custody_verify_bundle, custody_sha256_file. */
#include "custody/sigstore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/error.h"
#include "core/limits.h"
#include "provenance/bundle.h"
#include "provenance/dsse.h"
#include "provenance/keys.h"
#include "provenance/manifest.h"
#include "provenance/sigstore_int.h"
#include "core/banned.h"

int custody_sha256_file(const char *path, uint8_t out[32], custody_error *err)
{
    struct cu_mf_hash_job j = { .path = path, .digest = out };
    cu_mf_hash_file(&j);
    switch (j.rc) {
    case 0:
        return 0;
    case CUSTODY_EIO:
        return cu_err_io(err, path, "cannot read: %s", strerror(j.sys_errno));
    case CUSTODY_EINVAL:
        return cu_err_io(err, path, "not a regular file");
    default:
        return cu_err_nomem(err);
    }
}

int custody_verify_bundle(const char *bundle_path,
                          const uint8_t artifact_sha256[32],
                          const custody_bundle_policy *pol,
                          int64_t *signing_time,
                          custody_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    struct cu_bundle *b = NULL;
    struct cu_trust_root *tr = NULL;
    EVP_PKEY *key = NULL;
    int64_t t = 0;
    int rc;

    if (pol == NULL || pol->trusted_root == NULL) {
        return cu_err_inval(err, "a trusted root (trusted_root.json) is required");
    }
    if (pol->public_key == NULL && (pol->identity == NULL || pol->issuer == NULL)) {
        return cu_err_inval(err, "keyless verification needs an identity and an issuer");
    }
    rc = cu_trust_root_load(&tr, pol->trusted_root, err);
    if (rc) {
        goto out;
    }
    if (pol->public_key != NULL) {
        rc = cu_read_pubkey_file(&key, pol->public_key, err);
        if (rc) {
            goto out;
        }
    }
    rc = cu_file_read(bundle_path, CU_LIMIT_JSON, &data, &len, err);
    if (rc) {
        goto out;
    }
    rc = cu_bundle_parse(&b, data, len, err);
    if (rc) {
        if (err->where[0] == 0) {
            (void)snprintf(err->where, sizeof err->where, "%s", bundle_path);
        }
        goto out;
    }
    struct cu_identity_policy ip = { pol->identity, pol->issuer };
    rc = cu_sigstore_verify_ex(b, tr, &ip, key, artifact_sha256, &t, err);
    if (rc == CU_EVERIFY) {
        (void)snprintf(err->where, sizeof err->where, "%s", bundle_path);
    }
    if (!rc && signing_time != NULL) {
        *signing_time = t;
    }
out:
    cu_bundle_free(b);
    cu_trust_root_free(tr);
    EVP_PKEY_free(key);
    free(data);
    return rc;
}
