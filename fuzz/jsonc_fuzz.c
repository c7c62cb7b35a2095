/* Fuzzes the tolerant JSONC and YAML loaders (src/agents/jsonc.c) directly: they never crash,
 * a success yields a document, every recorded line lies within the input, and a failure sets
 * a malformed/limit error. Then the same bytes go through the agent analyzer as .mcp.json. */
#include "fuzz.h"

#include <stdlib.h>

#include "agents/jsonc.h"

static void check(int rc, struct cu_jsonc *j, const custody_error *err, size_t size)
{
    if (rc == 0) {
        if (j->doc == NULL) {
            abort();
        }
        size_t lines = 1;
        (void)size;
        for (size_t i = 0; i < j->nkeys; i++) {
            if (j->keys[i].line == 0 || j->keys[i].ptr == NULL ||
                cu_jsonc_line(j, j->keys[i].ptr) == 0) {
                abort();
            }
            lines = j->keys[i].line > lines ? j->keys[i].line : lines;
        }
        if (lines > size + 1) {
            abort();
        }
        cu_jsonc_free(j);
    } else if (rc != CUSTODY_EMALFORMED && rc != CUSTODY_ELIMIT && rc != CUSTODY_ENOMEM) {
        abort();
    } else if (err->code != rc) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cu_jsonc j;
    custody_error err;
    uint32_t bad = 0;
    check(cu_jsonc_parse(&j, data, size, &bad, &err), &j, &err, size);
    check(cu_yaml_parse(&j, data, size, &bad, &err), &j, &err, size);
    fuzz_scan_named(".mcp.json", data, size);
    return 0;
}
