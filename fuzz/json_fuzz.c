/* Fuzzes the JSON analyzer and its handlers (model configs, tokenizer configs, Keras configs)
 * through the public scan API, as a file named config.json. Invariants: the scan succeeds as an
 * API call, the file is recorded, and every finding has a rule and a location under the file. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("config.json", data, size);
    return 0;
}
