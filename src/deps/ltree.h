#ifndef CU_DEPS_LTREE_H
#define CU_DEPS_LTREE_H
/* A "lined tree": a jansson document plus the 1-based line of every object key and array
 * element, for lockfile parsers that must give every package a line (SARIF). jansson records
 * no positions, so JSON (strict, or JSONC: comments and trailing commas, as bun.lock) is read
 * by our own small parser in one pass; YAML (pnpm-lock.yaml, Berry yarn.lock) through libyaml
 * events. Lines live in a side hash keyed by (container pointer, 64-bit key hash, index).
 * Duplicate keys are rejected in both (a parser differential: tools disagree on which wins). */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

struct cu_lt_ent;
struct cu_ltree {
    json_t *root;
    struct cu_lt_ent *tab;
    size_t cap, n;
};

/* JSON (jsonc = false: RFC 8259 strict; true: also // and block comments, trailing commas).
 * Returns 0, CUSTODY_EMALFORMED (err names the line), CUSTODY_ELIMIT or CUSTODY_ENOMEM. On
 * error the tree is left empty. */
CUSTODY_NODISCARD int cu_lt_parse_json(
    struct cu_ltree *t, const uint8_t *data, size_t len, bool jsonc, custody_error *err);
/* YAML 1.1/1.2 through libyaml: one document; every scalar becomes a json string (lockfile
 * versions such as 5.4 stay text); aliases, anchors used as references and non-string keys
 * are refused. Empty document: root is an empty object. */
CUSTODY_NODISCARD int
cu_lt_parse_yaml(struct cu_ltree *t, const uint8_t *data, size_t len, custody_error *err);

uint32_t cu_lt_key_line(const struct cu_ltree *t, const json_t *obj, const char *key);
uint32_t cu_lt_item_line(const struct cu_ltree *t, const json_t *arr, size_t i);
/* Records a line (for other producers). Returns 0 or CUSTODY_ENOMEM. */
int cu_lt_set(struct cu_ltree *t, const json_t *c, const char *key, size_t i, uint32_t line);
void cu_lt_free(struct cu_ltree *t);

#endif
