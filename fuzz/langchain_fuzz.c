/* Fuzzes LangChain serialized manifests and MCP tool snapshots (strict JSON through the json
 * analyzer's agents handler, and YAML through the agent analyzer). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("chain.json", data, size);
    fuzz_scan_named("chain.yaml", data, size);
    return 0;
}
