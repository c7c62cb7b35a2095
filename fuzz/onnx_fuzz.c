/* Fuzzes the onnx analyzer (and whatever it dispatches) through the public scan API. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("fuzz.onnx", data, size);
    return 0;
}
