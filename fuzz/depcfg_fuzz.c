/* Fuzzes the registry-configuration, .pth, binding.gyp and GitHub-workflow analyzers
 * (src/deps/npmrc.c, src/deps/trees.c): the first byte picks the file name they sniff by. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = { ".npmrc",      ".pypirc",
                                         "pip.conf",    "hook.pth",
                                         "binding.gyp", ".yarnrc.yml",
                                         "release.yml", "shai-hulud-workflow.yml" };
    if (size < 1) {
        return 0;
    }
    fuzz_scan_named(names[data[0] % (sizeof(names) / sizeof(names[0]))], data + 1, size - 1);
    return 0;
}
