#ifndef CU_CATALOGUE_H
#define CU_CATALOGUE_H
/* The rule catalogue is split by family so each family owns its own table file:
 * rules_core.c (scan/, file/, fs/), rules_pickle.c (pickle/), rules_container.c (zip/, archive/,
 * compress/), rules_model.c (torch/, numpy/, joblib/). catalogue.c joins them. */
#include <stddef.h>

#include "custody/rules.h"

struct cu_rule_table {
    const custody_rule *rules;
    size_t n;
};

#define CU_RULE_TABLE(name, arr) \
    const struct cu_rule_table name = { (arr), sizeof(arr) / sizeof((arr)[0]) }

extern const struct cu_rule_table cu_rules_core;
extern const struct cu_rule_table cu_rules_pickle;
extern const struct cu_rule_table cu_rules_container;
extern const struct cu_rule_table cu_rules_model;
extern const struct cu_rule_table cu_rules_keras;
extern const struct cu_rule_table cu_rules_safetensors; /* rules_safetensors.c */
extern const struct cu_rule_table cu_rules_hfrepo;      /* rules_hfrepo.c: hf/, python/ */
extern const struct cu_rule_table cu_rules_proto;       /* onnx/, savedmodel/, tflite/ */
extern const struct cu_rule_table cu_rules_gguf;        /* gguf/, template/ */
extern const struct cu_rule_table cu_rules_mcp;         /* rules_mcp.c: mcp/, agent/ */
extern const struct cu_rule_table cu_rules_prompt;      /* rules_prompt.c: prompt/, skill/ */
extern const struct cu_rule_table cu_rules_deps_parse;  /* deps/malformed, unsupported-version */
extern const struct cu_rule_table cu_rules_deps;        /* rules_deps.c: deps/ structure */
extern const struct cu_rule_table cu_rules_deps_data;   /* rules_deps_data.c: data-driven deps/ */

#endif
