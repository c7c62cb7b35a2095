#ifndef CU_JSONUTIL_H
#define CU_JSONUTIL_H
#include <stdio.h>

#include <jansson.h>

/* Sets key to a string, or to null when s is NULL. Bytes that are not UTF-8 (file names can
 * hold anything) are replaced by U+FFFD so the document stays valid. Returns 0 or -1. */
int cu_json_set_str(json_t *obj, const char *key, const char *s);
/* A JSON string from arbitrary bytes, with the same replacement. NULL on ENOMEM. */
json_t *cu_json_str(const char *s);

/* Writes root (json_dumpf flags) and a newline to f through a 64 KiB buffer: jansson's
 * json_dumpf calls fwrite once per token, which dominated the JSON report of a 10,000-package
 * lockfile. Returns 0, or -1 when a write failed or memory ran out. */
int cu_json_write(const json_t *root, FILE *f, size_t flags);

#endif
