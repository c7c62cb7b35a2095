#ifndef CU_DEPS_JPULL_H
#define CU_DEPS_JPULL_H
/* A pull (streaming) JSON reader with line numbers, for large lockfiles (package-lock.json
 * holds tens of thousands of packages): no tree is built, values the caller does not need are
 * skipped, strings are decoded into reusable buffers. Strict RFC 8259 (UTF-8 is validated for
 * the whole input up front); nesting is bounded by CU_LIMIT_DEPS_DEPTH. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"
#include "custody/common.h"

enum cu_jtok { CU_JT_OBJ, CU_JT_ARR, CU_JT_STR, CU_JT_NUM, CU_JT_TRUE, CU_JT_FALSE, CU_JT_NULL };

struct cu_jp {
    const uint8_t *s;
    size_t len, pos;
    uint32_t line;
    unsigned depth;
    custody_error *err;
    struct cu_buf kb; /* the last key */
    struct cu_buf vb; /* the last string value */
};

/* Returns 0 or CUSTODY_EMALFORMED (invalid UTF-8). */
int cu_jp_init(struct cu_jp *p, const uint8_t *data, size_t len, custody_error *err);
void cu_jp_free(struct cu_jp *p);
/* The kind of the next value (whitespace skipped; nothing consumed). */
int cu_jp_peek(struct cu_jp *p, enum cu_jtok *t);
/* Consumes '{'. */
int cu_jp_obj_begin(struct cu_jp *p);
/* Next member: *more = false at '}' (consumed); else the key is in p->kb (NUL-terminated),
 * *line its line, and the ':' is consumed. */
int cu_jp_obj_next(struct cu_jp *p, bool first, bool *more, uint32_t *line);
int cu_jp_arr_begin(struct cu_jp *p);
int cu_jp_arr_next(struct cu_jp *p, bool first, bool *more);
/* A string value into p->vb (may hold NUL bytes: check strlen against vb.len). */
int cu_jp_string(struct cu_jp *p);
/* The string at '"' decoded into b (reset first; NULL only checks it): the decoder the
 * tree parser (ltree.c) shares. */
int cu_jp_string_into(struct cu_jp *p, struct cu_buf *b);
/* Skips any value. */
int cu_jp_skip(struct cu_jp *p);
/* Reads any scalar and reports its kind; strings land in vb, numbers as text in vb. */
int cu_jp_scalar(struct cu_jp *p, enum cu_jtok *t);
/* After the top-level value: only whitespace may follow. */
int cu_jp_end(struct cu_jp *p);
int cu_jp_error(struct cu_jp *p, const char *what);

#endif
