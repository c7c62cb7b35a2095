/* Rules of the model-format analyzers: PyTorch, NumPy, joblib. */
#include "rules/catalogue.h"

static const custody_rule model_rules[] = {
    { "numpy/malformed", "Malformed NumPy file", CUSTODY_SEV_MEDIUM,
      "The .npy header or payload is broken.",
      "Re-create the array file from a trusted source." },
};

CU_RULE_TABLE(cu_rules_model, model_rules);
