/* Pickle import policy: allowlist and denylist. PLACEHOLDER during bring-up; the real tables
 * replace this file. */
#include <string.h>

#include "custody/rules.h"
#include "core/banned.h"

static const custody_pickle_policy_entry policy[] = {
    { "os", "*", CUSTODY_PICKLE_DANGEROUS, "runs commands" },
};

size_t custody_pickle_policy_count(void)
{
    return sizeof(policy) / sizeof(policy[0]);
}

const custody_pickle_policy_entry *custody_pickle_policy_at(size_t i)
{
    return i < custody_pickle_policy_count() ? &policy[i] : NULL;
}

custody_pickle_class custody_pickle_classify(const char *module, const char *name,
                                             const char **why)
{
    (void)name;
    if (why != NULL) {
        *why = NULL;
    }
    return strcmp(module, "os") == 0 ? CUSTODY_PICKLE_DANGEROUS : CUSTODY_PICKLE_UNKNOWN;
}
