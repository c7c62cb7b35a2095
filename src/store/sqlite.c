/* SQLite inventory backend. (Placeholder until Step 4 lands: every call fails with
 * CUSTODY_EUNSUPPORTED.) */
#include "store/store.h"

#include "core/error.h"
#include "core/banned.h"

int cu_store_open(struct cu_store **out, const char *path, custody_error *err)
{
    *out = NULL;
    return cu_err_set(err, CUSTODY_EUNSUPPORTED, path, CU_NO_OFFSET, __FILE__, __LINE__,
                      "the inventory is not built yet");
}

void cu_store_close(struct cu_store *s)
{
    (void)s;
}

int cu_store_pin(struct cu_store *s,
                 const char *kind,
                 const char *key,
                 const char *digest_hex,
                 char old[129],
                 custody_error *err)
{
    (void)s;
    (void)kind;
    (void)key;
    (void)digest_hex;
    old[0] = '\0';
    return cu_err_set(err, CUSTODY_EUNSUPPORTED, NULL, CU_NO_OFFSET, __FILE__, __LINE__,
                      "the inventory is not built yet");
}

int cu_store_pin_accept(
    struct cu_store *s, const char *kind, const char *key, const char *digest_hex, custody_error *err)
{
    (void)s;
    (void)kind;
    (void)key;
    (void)digest_hex;
    return cu_err_set(err, CUSTODY_EUNSUPPORTED, NULL, CU_NO_OFFSET, __FILE__, __LINE__,
                      "the inventory is not built yet");
}
