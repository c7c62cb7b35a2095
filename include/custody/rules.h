#ifndef CUSTODY_RULES_H
#define CUSTODY_RULES_H
/* The rule catalogue: the single source for docs/rules.md and SARIF rule metadata. */
#include "custody/finding.h"

typedef struct custody_rule {
    const char *id;            /* namespaced, stable: "pickle/dangerous-call" */
    const char *title;         /* short sentence */
    custody_severity severity; /* default severity; a finding may raise or lower it */
    const char *description;   /* what it means and why it matters */
    const char *remediation;   /* what to do */
} custody_rule;

CUSTODY_API size_t custody_rule_count(void);
/* Borrowed pointer to a static entry; NULL when i >= count. */
CUSTODY_API const custody_rule *custody_rule_at(size_t i);
/* Static entry with that id, or NULL. */
CUSTODY_API const custody_rule *custody_rule_find(const char *id);

/* Pickle policy, exposed for docs and tests: how an import module.name is classified. */
typedef enum custody_pickle_class {
    CUSTODY_PICKLE_UNKNOWN = 0,
    CUSTODY_PICKLE_SAFE = 1,
    CUSTODY_PICKLE_DANGEROUS = 2
} custody_pickle_class;

/* Classifies `module`.`name` (name may be a dotted qualname) after Python 2 and moved-module
 * mapping. *why, when not NULL, receives a static reason string (may be NULL). */
CUSTODY_API custody_pickle_class custody_pickle_classify(const char *module,
                                                         const char *name,
                                                         const char **why);

/* One entry of the pickle policy tables (allowlist and denylist), for docs/rules.md. */
typedef struct custody_pickle_policy_entry {
    const char *module; /* e.g. "os" */
    const char *name;   /* e.g. "system", or "*" for every name in the module */
    custody_pickle_class klass;
    const char *why; /* dangerous: what it does / which bypass used it; safe: NULL, or a
                      * limit on how it may be used (rebuilt from saved state only) */
} custody_pickle_policy_entry;

CUSTODY_API size_t custody_pickle_policy_count(void);
/* Borrowed pointer to a static entry; NULL when i >= count. */
CUSTODY_API const custody_pickle_policy_entry *custody_pickle_policy_at(size_t i);

#endif
