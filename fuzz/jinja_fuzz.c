/* Fuzzes the Jinja tokenizer and checks directly, without the engine (the GGUF target covers
 * the emitting path through chat templates in metadata). */
#include "fuzz.h"

#include "formats/jinja.h"

static int jinja_fuzz_hit(void *ud, const struct cu_jinja_hit *h)
{
    size_t *n = ud;
    /* Touch what the callback gets, so ASan sees a bad pointer. */
    for (const char *p = h->what; *p != '\0'; p++) {
        (*n)++;
    }
    for (const char *p = h->why; *p != '\0'; p++) {
        (*n)++;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    (void)cu_jinja_scan(data, size, jinja_fuzz_hit, &n);
    return 0;
}
