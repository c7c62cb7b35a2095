#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "custody/finding.h"
#include "rules/catalogue.h"
#include "core/util.h"
#include "core/banned.h"

/* One table a line: merges stay clean. */
/* clang-format off */
static const struct cu_rule_table *const tables[] = {
    &cu_rules_core,
    &cu_rules_pickle,
    &cu_rules_container,
    &cu_rules_model,
    &cu_rules_keras,
    &cu_rules_safetensors,
    &cu_rules_hfrepo,
    &cu_rules_proto,
    &cu_rules_gguf,
    &cu_rules_mcp,        /* rules_mcp.c: mcp/, agent/ */
    &cu_rules_prompt,     /* rules_prompt.c: prompt/, skill/ */
    &cu_rules_deps_parse, /* rules_deps_parse.c: deps/malformed, deps/unsupported-version */
    &cu_rules_deps,       /* rules_deps.c: structure-driven deps/ */
    &cu_rules_deps_data,  /* rules_deps_data.c: data-driven deps/ */
};
/* clang-format on */

size_t custody_rule_count(void)
{
    size_t n = 0;
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        n += tables[t]->n;
    }
    return n;
}

const custody_rule *custody_rule_at(size_t i)
{
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        if (i < tables[t]->n) {
            return &tables[t]->rules[i];
        }
        i -= tables[t]->n;
    }
    return NULL;
}

/* Every finding looks its rule up: an open-addressing table of the catalogue, built once, instead
 * of a walk over a few hundred ids. */
#define RULE_SLOTS 1024u

static const custody_rule *rule_slots[RULE_SLOTS];
static pthread_once_t rule_once = PTHREAD_ONCE_INIT;
static bool rule_hashed;

static uint32_t rule_hash(const char *id)
{
    return (uint32_t)cu_fnv1a(id, strlen(id));
}

static void rule_index(void)
{
    size_t n = custody_rule_count();
    if (n > RULE_SLOTS / 2) {
        return; /* the catalogue outgrew the table: custody_rule_find() walks it */
    }
    for (size_t i = 0; i < n; i++) {
        const custody_rule *r = custody_rule_at(i);
        uint32_t j = rule_hash(r->id) & (RULE_SLOTS - 1);
        while (rule_slots[j] != NULL) {
            j = (j + 1) & (RULE_SLOTS - 1);
        }
        rule_slots[j] = r;
    }
    rule_hashed = true;
}

const custody_rule *custody_rule_find(const char *id)
{
    (void)pthread_once(&rule_once, rule_index);
    if (rule_hashed) {
        for (uint32_t j = rule_hash(id) & (RULE_SLOTS - 1); rule_slots[j] != NULL;
             j = (j + 1) & (RULE_SLOTS - 1)) {
            if (strcmp(rule_slots[j]->id, id) == 0) {
                return rule_slots[j];
            }
        }
        return NULL;
    }
    for (size_t i = 0, n = custody_rule_count(); i < n; i++) {
        const custody_rule *r = custody_rule_at(i);
        if (strcmp(r->id, id) == 0) {
            return r;
        }
    }
    return NULL;
}

const char *custody_severity_name(custody_severity sev)
{
    switch (sev) {
    case CUSTODY_SEV_INFO:
        return "info";
    case CUSTODY_SEV_LOW:
        return "low";
    case CUSTODY_SEV_MEDIUM:
        return "medium";
    case CUSTODY_SEV_HIGH:
        return "high";
    case CUSTODY_SEV_CRITICAL:
        return "critical";
    }
    return "unknown";
}

int custody_severity_parse(custody_severity *out, const char *name)
{
    static const char *const names[] = { "info", "low", "medium", "high", "critical" };
    for (int i = 0; i < 5; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (custody_severity)i;
            return 0;
        }
    }
    return CUSTODY_EINVAL;
}
