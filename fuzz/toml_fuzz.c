/* Fuzzes core/toml directly. Invariants: a parse either fails with a TOML error code and no
 * document, or succeeds with a root table whose every key has a line within the input. */
#include "fuzz.h"

#include <stdlib.h>

#include "core/toml.h"

static void check(const struct cu_toml *doc, const json_t *v, uint32_t maxline)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach((json_t *)v, k, c)
        {
            uint32_t l = cu_toml_key_line(doc, v, k);
            if (l == 0 || l > maxline)
                abort();
            check(doc, c, maxline);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            uint32_t l = cu_toml_item_line(doc, v, i);
            if (l == 0 || l > maxline)
                abort();
            check(doc, json_array_get(v, i), maxline);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cu_toml *doc = NULL;
    custody_error err;
    int rc = cu_toml_parse(data, size, &doc, &err);
    if (rc != 0) {
        if (doc != NULL || (rc != CUSTODY_EMALFORMED && rc != CUSTODY_ELIMIT &&
                            rc != CUSTODY_EUNSUPPORTED && rc != CUSTODY_ENOMEM))
            abort();
        return 0;
    }
    uint32_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (!json_is_object(cu_toml_root(doc)))
        abort();
    check(doc, cu_toml_root(doc), lines);
    cu_toml_free(doc);
    return 0;
}
