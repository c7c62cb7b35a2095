/* Fuzzes the dependency-file parsers through the whole engine: the first byte picks the file
 * name (and so the parser), the rest is the file. Invariants (fuzz_scan.c): the scan succeeds
 * as an API call, the file is recorded, every finding has a catalogued rule and a location
 * under the file. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",      "pnpm-lock.yaml", "bun.lock",
        "package.json",      "requirements.txt",    "pyproject.toml", "poetry.lock",    "uv.lock",
        "Pipfile.lock",      "pylock.toml",
    };
    if (size == 0)
        return 0;
    /* 0xB0 picks bun.lockb (binary), 0xB1 environment.yml, 0xB2 pdm.lock, leaving the corpus's
     * mapping of the other bytes as it was */
    const char *name = data[0] == 0xB0   ? "bun.lockb"
                       : data[0] == 0xB1 ? "environment.yml"
                       : data[0] == 0xB2 ? "pdm.lock"
                                         : names[data[0] % (sizeof(names) / sizeof(names[0]))];
    fuzz_scan_named(name, data + 1, size - 1);
    return 0;
}
