/* Fuzzes the Keras config walker: a buffer scanned as config.json (JSON analyzer + handler). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("config.json", data, size);
    return 0;
}
