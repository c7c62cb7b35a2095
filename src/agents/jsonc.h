#ifndef CU_JSONC_H
#define CU_JSONC_H
/* Tolerant loading of agent configuration documents into jansson values with the line of
 * every member: JSONC (// and block comments, trailing commas: what VS Code, Cursor, Zed and
 * opencode accept) through a pre-pass into strict jansson, and YAML (libyaml) converted into
 * the same model. Lines are kept per JSON pointer ("/mcpServers/github/env/TOKEN"). */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

struct cu_jsonc_key {
    char *ptr;
    uint32_t line;
};

struct cu_jsonc {
    json_t *doc;
    struct cu_jsonc_key *keys;
    size_t nkeys, cap;
    bool comments;       /* the text had comments */
    bool trailing_comma; /* the text had trailing commas */
    bool sorted;         /* keys sorted by pointer (cu_jsonc_sort): binary search */
};

/* Parses JSON with comments and trailing commas. Returns 0, CUSTODY_EMALFORMED (err names the
 * line; *bad_line gets it), CUSTODY_ELIMIT or CUSTODY_ENOMEM. `out` is zeroed first. */
CUSTODY_NODISCARD int cu_jsonc_parse(
    struct cu_jsonc *out, const uint8_t *data, size_t len, uint32_t *bad_line, custody_error *err);
/* Parses one YAML document (the first) into the same model. Aliases are expanded within a
 * node budget. Same returns. */
CUSTODY_NODISCARD int cu_yaml_parse(
    struct cu_jsonc *out, const uint8_t *data, size_t len, uint32_t *bad_line, custody_error *err);
/* Records the line of a member (for other loaders: TOML). 0 or CUSTODY_ENOMEM. */
CUSTODY_NODISCARD int cu_jsonc_add(struct cu_jsonc *j, const char *ptr, uint32_t line);
/* Sorts the key table for fast lookups (the parsers do it; call after cu_jsonc_add). */
void cu_jsonc_sort(struct cu_jsonc *j);
/* Line of the member at `ptr` (JSON pointer), 0 when unknown. */
uint32_t cu_jsonc_line(const struct cu_jsonc *j, const char *ptr);
/* Appends "/" + escaped key to parent (fresh string, NULL on ENOMEM). */
char *cu_jsonc_ptr(const char *parent, const char *key);
char *cu_jsonc_ptr_index(const char *parent, size_t index);
void cu_jsonc_free(struct cu_jsonc *j);

#endif
