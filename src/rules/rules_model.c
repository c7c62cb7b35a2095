/* Rules of the model-format analyzers: PyTorch, NumPy, joblib. */
#include "rules/catalogue.h"

static const custody_rule model_rules[] = {
    { "numpy/malformed", "Malformed NumPy file", CUSTODY_SEV_MEDIUM,
      "The .npy header or payload is broken.",
      "Re-create the array file from a trusted source." },
    { "torch/checkpoint", "PyTorch zip checkpoint", CUSTODY_SEV_INFO,
      "The archive has the layout torch.save writes (data.pkl, version, byteorder, data/<n>). "
      "The evidence lists its format version, byte order, serialization id and storage count.",
      "None: informational." },
    { "torch/bad-byteorder", "Invalid byteorder record", CUSTODY_SEV_MEDIUM,
      "The checkpoint's byteorder record is neither 'little' nor 'big'. torch.load refuses it; "
      "a crafted record suggests a hand-built file.",
      "Re-save the model with torch.save from a trusted source." },
    { "torch/bad-version", "Invalid version record", CUSTODY_SEV_MEDIUM,
      "A version or alignment record of the checkpoint is not a decimal number. Loaders parse "
      "it differently; a crafted record suggests a hand-built file.",
      "Re-save the model with torch.save from a trusted source." },
    { "torch/missing-data-pkl", "Checkpoint without data.pkl", CUSTODY_SEV_MEDIUM,
      "The archive looks like a torch checkpoint but has no <prefix>/data.pkl, so torch.load "
      "cannot read it as saved: some other member or loader is meant to be used.",
      "Find out how the file is meant to be loaded; re-save it with torch.save." },
    { "torch/foreign-member", "Member outside the checkpoint folder", CUSTODY_SEV_LOW,
      "A member lies outside the checkpoint's top folder. torch.load never reads it, but other "
      "tools that open the archive may. It was analysed.",
      "Remove members that are not part of the checkpoint." },
};

CU_RULE_TABLE(cu_rules_model, model_rules);
