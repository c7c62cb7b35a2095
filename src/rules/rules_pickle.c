/* Rules of the pickle analyzer (src/formats/pickle.c). */
#include "rules/catalogue.h"

static const custody_rule pickle_rules[] = {
    { "pickle/malformed", "Malformed pickle stream", CUSTODY_SEV_MEDIUM,
      "The pickle stream breaks the format (truncated, unknown opcode, stack misuse). "
      "pickle.load may still run every opcode before the damage.",
      "Do not load it; obtain the artifact from a trusted source." },
};

CU_RULE_TABLE(cu_rules_pickle, pickle_rules);
