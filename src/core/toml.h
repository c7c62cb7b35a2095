#ifndef CU_TOML_H
#define CU_TOML_H
/* A strict TOML 1.0 parser (https://toml.io/en/v1.0.0) producing a jansson tree, with the
 * 1-based line of every key and array element kept beside it.
 *
 * Mapping:
 *   table, inline table, array of tables entry -> json object (keys in document order)
 *   array                                      -> json array
 *   string (all four kinds)                    -> json string (UTF-8, escapes decoded)
 *   integer (dec/hex/oct/bin)                  -> json integer (int64)
 *   float                                      -> json real; inf/nan -> json string "inf",
 *                                                 "+inf", "-inf", "nan", "+nan", "-nan"
 *                                                 tagged CU_TOML_FLOAT_SPECIAL
 *   boolean                                    -> json true / false
 *   offset date-time, local date-time, local date, local time
 *                                              -> json string as written (with 'T' or ' '
 *                                                 between date and time kept as written),
 *                                                 tagged with its CU_TOML_* kind
 * Use cu_toml_kind() to tell a string from a date-time or a special float.
 *
 * Anything that is not valid TOML 1.0 is rejected (CUSTODY_EMALFORMED with the line in the
 * message and the byte offset in err->offset): duplicate keys, redefined tables, invalid
 * UTF-8, control characters, bad escapes, leading zeros, out-of-range integers, invalid dates.
 * Nesting deeper than CU_LIMIT_TOML_DEPTH and input over CU_LIMIT_TOML are CUSTODY_ELIMIT. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

struct cu_toml;

enum cu_toml_kind {
    CU_TOML_OTHER = 0,      /* not a tagged string: a table, array, string, number, bool */
    CU_TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
    CU_TOML_DATETIME_LOCAL, /* 1979-05-27T07:32:00 */
    CU_TOML_DATE_LOCAL,     /* 1979-05-27 */
    CU_TOML_TIME_LOCAL,     /* 07:32:00 */
    CU_TOML_FLOAT_SPECIAL,  /* inf / nan (jansson has no non-finite reals) */
};

/* Parses `len` bytes (no NUL needed; a leading UTF-8 BOM is skipped). On success *out owns
 * the document; free it with cu_toml_free. Returns 0, CUSTODY_EMALFORMED, CUSTODY_ELIMIT or
 * CUSTODY_ENOMEM (err filled; err may be NULL). */
CUSTODY_NODISCARD int
cu_toml_parse(const uint8_t *data, size_t len, struct cu_toml **out, custody_error *err);

/* The root table (borrowed: valid until cu_toml_free). */
const json_t *cu_toml_root(const struct cu_toml *doc);

/* 1-based line where `key` of `table` (an object in this document) was defined: the line of
 * `key = ...`, of the [table] / [[array]] header that created it, or of the first dotted key
 * that implicitly created it. 0 when unknown. */
uint32_t cu_toml_key_line(const struct cu_toml *doc, const json_t *table, const char *key);

/* 1-based line of element `index` of `array` (an array in this document): the line of its
 * [[header]] for an array of tables, else the line where the value starts. 0 when unknown. */
uint32_t cu_toml_item_line(const struct cu_toml *doc, const json_t *array, size_t index);

/* The tag of a json string value from this document (CU_TOML_OTHER for plain strings and
 * every non-string). */
enum cu_toml_kind cu_toml_kind(const struct cu_toml *doc, const json_t *value);

void cu_toml_free(struct cu_toml *doc);

#endif
