/* Fuzzes the HDF5 reader (legacy Keras .h5 model_config) through the public scan API. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("fuzz.h5", data, size);
    return 0;
}
