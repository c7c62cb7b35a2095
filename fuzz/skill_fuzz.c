/* Fuzzes SKILL.md: YAML front matter (libyaml), Markdown fences, prose checks. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scan_named("SKILL.md", data, size);
    return 0;
}
