/* Fuzzes the JSON analyzer and its handlers (model configs, tokenizer configs, Keras configs)
 * through the public scan API, as a file named config.json (strict, as model loaders read it),
 * or, when the input starts with byte 0x01, the rest as tsconfig.json (a tool config: JSONC is
 * accepted). Invariants: the scan succeeds as an API call, the file is recorded, and every
 * finding has a rule and a location under the file. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0 && data[0] == 0x01) {
        fuzz_scan_named("tsconfig.json", data + 1, size - 1);
    } else {
        fuzz_scan_named("config.json", data, size);
    }
    return 0;
}
