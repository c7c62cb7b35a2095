/* Pickle import policy: allowlist and denylist. PLACEHOLDER during bring-up; the real tables
 * replace this file. (vm branch: a few entries the pickle VM tests rely on.) */
#include <string.h>

#include "custody/rules.h"
#include "core/banned.h"

static const custody_pickle_policy_entry policy[] = {
    { "os", "*", CUSTODY_PICKLE_DANGEROUS, "runs commands" },
    { "posix", "*", CUSTODY_PICKLE_DANGEROUS, "runs commands" },
    { "builtins", "getattr", CUSTODY_PICKLE_DANGEROUS, "reaches any attribute" },
    { "builtins", "eval", CUSTODY_PICKLE_DANGEROUS, "runs Python code" },
    { "builtins", "exec", CUSTODY_PICKLE_DANGEROUS, "runs Python code" },
    { "builtins", "__import__", CUSTODY_PICKLE_DANGEROUS, "imports any module" },
    { "collections", "OrderedDict", CUSTODY_PICKLE_SAFE, NULL },
    { "torch._utils", "_rebuild_tensor_v2", CUSTODY_PICKLE_SAFE, NULL },
};

size_t custody_pickle_policy_count(void)
{
    return sizeof(policy) / sizeof(policy[0]);
}

const custody_pickle_policy_entry *custody_pickle_policy_at(size_t i)
{
    return i < custody_pickle_policy_count() ? &policy[i] : NULL;
}

custody_pickle_class custody_pickle_classify(const char *module, const char *name, const char **why)
{
    if (why != NULL) {
        *why = NULL;
    }
    if (strcmp(module, "__builtin__") == 0) {
        module = "builtins";
    }
    for (size_t i = 0; i < custody_pickle_policy_count(); i++) {
        const custody_pickle_policy_entry *e = &policy[i];
        if (strcmp(e->module, module) == 0 &&
            (strcmp(e->name, "*") == 0 || strcmp(e->name, name) == 0)) {
            if (why != NULL) {
                *why = e->why;
            }
            return e->klass;
        }
    }
    return CUSTODY_PICKLE_UNKNOWN;
}
