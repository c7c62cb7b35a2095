#ifndef CU_DEPS_PARSE_H
#define CU_DEPS_PARSE_H
/* Helpers shared by the parsers in src/deps/parse_*.c (internal to src/deps). */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "deps/deps.h"
#include "deps/ltree.h"
#include "core/error.h"

int cu_depfile_add_index(struct cu_depfile *df, const struct cu_dep_index *ix);
int cu_depfile_add_script(struct cu_depfile *df, const char *name, const char *cmd, uint32_t line);
int cu_depfile_add_include(struct cu_depfile *df, const char *path);

/* The string value of obj[key], or NULL when absent or not a string. */
static inline const char *cu_jstr(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* true when obj[key] is JSON true or the YAML/TOML text "true". */
static inline bool cu_jtrue(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_true(v))
        return true;
    return json_is_string(v) && strcmp(json_string_value(v), "true") == 0;
}

/* A small decimal number ("1", "9"), -1 when s is not one. */
static inline long cu_small_uint(const char *s)
{
    long v = 0;
    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* Classifies an npm "resolved"/version/spec string. */
enum cu_dep_source cu_npm_source(const char *s);
/* Splits "npm:<name>@<version>" (an alias); returns false when s is no alias. The outputs
 * are fresh strings. */
bool cu_npm_alias(const char *s, char **name, char **version);

/* Sets df->format_version from a JSON/TOML/YAML scalar (string or integer). 0 or ENOMEM. */
int cu_depfile_set_version(struct cu_depfile *df, const json_t *v);

#endif
