/* Fuzzes the NumPy analyzer (and whatever it dispatches) through the public scan API. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("fuzz.npy", data, size);
    return 0;
}
