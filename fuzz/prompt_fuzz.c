/* Fuzzes the prompt/rules-file analyzer: the hidden-Unicode (UTF-8 decoder, tag, bidi,
 * zero-width, mixed-script) and language checks, through the public scan API. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("AGENTS.md", data, size);
    return 0;
}
