/* Fuzzes MCP client configurations through the whole engine under the names clients load
 * (.vscode/mcp.json shape, Claude settings with hooks, Continue YAML, tasks.json, Codex TOML): the
 * scan succeeds as an API call and every finding is catalogued and located in the file. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("mcp.json", data, size);
    fuzz_scan_named("settings.json", data, size);
    fuzz_scan_named("tasks.json", data, size);
    fuzz_scan_named("config.yaml", data, size);
    fuzz_scan_named("config.toml", data, size);
    fuzz_scan_named("manifest.json", data, size);
    fuzz_scan_named("plugin.json", data, size);
    return 0;
}
