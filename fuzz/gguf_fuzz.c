/* Fuzzes the GGUF analyzer (header, metadata, tensor infos, chat templates) through the public
 * scan API. */
#include "fuzz.h"

#include <stdlib.h>

#include "custody/custody.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    custody_scan *s = NULL;
    custody_error err;
    custody_scan_options o = { .threads = 1, .max_expand = 1u << 26 };
    if (custody_scan_new(&s, &o, &err) != 0) {
        return 0;
    }
    if (custody_scan_buffer(s, "fuzz.gguf", data, size, &err) != 0) {
        custody_scan_free(s);
        return 0;
    }
    custody_scan_free(s);
    return 0;
}
