/* The one table that names every analyzer, in sniffing order: specific magic first,
 * containers before their contents, pickle (the loosest sniff) last. */
#include <string.h>

#include "engine/engine.h"
#include "core/banned.h"

extern const struct cu_analyzer cu_analyzer_pickle;

const struct cu_analyzer *const cu_registry[] = {
    &cu_analyzer_pickle, /* last: the loosest sniff */
};
const size_t cu_registry_len = sizeof(cu_registry) / sizeof(cu_registry[0]);

const struct cu_analyzer *cu_registry_find(const char *name)
{
    for (size_t i = 0; i < cu_registry_len; i++) {
        if (strcmp(cu_registry[i]->name, name) == 0) {
            return cu_registry[i];
        }
    }
    return NULL;
}
