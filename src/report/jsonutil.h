#ifndef CU_JSONUTIL_H
#define CU_JSONUTIL_H
#include <jansson.h>

/* Sets key to a string, or to null when s is NULL. Bytes that are not UTF-8 (file names can
 * hold anything) are replaced by U+FFFD so the document stays valid. Returns 0 or -1. */
int cu_json_set_str(json_t *obj, const char *key, const char *s);
/* A JSON string from arbitrary bytes, with the same replacement. NULL on ENOMEM. */
json_t *cu_json_str(const char *s);

#endif
