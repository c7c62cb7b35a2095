/* Fuzzes the skill tokenizers (shell, Python, JavaScript): the input becomes the body of a
 * fenced code block of SKILL.md; its first byte picks the language. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const head[] = { "---\nname: f\ndescription: d\n---\n```sh\n",
                                        "---\nname: f\ndescription: d\n---\n```python\n",
                                        "---\nname: f\ndescription: d\n---\n```js\n",
                                        "---\nname: f\ndescription: d\n---\n" };
    size_t pick = size > 0 ? data[0] % 4u : 0;
    const char *h = head[pick];
    size_t hl = strlen(h);
    uint8_t *buf = malloc(hl + size + 1);
    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, h, hl);
    if (size > 0) {
        memcpy(buf + hl, data, size);
    }
    fuzz_scan_named("SKILL.md", buf, hl + size);
    free(buf);
    return 0;
}
