#ifndef CU_PROTOWIRE_H
#define CU_PROTOWIRE_H
/* A protobuf wire-format walker (protobuf.dev/programming-guides/encoding) over a cu_stream.
 * No schema, no code generation, no message is ever held whole: a cursor covers the byte range
 * of one message and returns its fields one by one; the caller enters the length-delimited
 * fields it understands (a cursor one level deeper, bounded by the field) and every other
 * field is skipped by position. Nested cursors share one stream; each seeks where it left off.
 *
 * Checked: varints of at most 10 bytes with no overflow past 64 bits, tags that fit 32 bits,
 * field number 0, wire types 6 and 7, fixed and length-delimited fields that run past their
 * message, unbalanced groups, nesting deeper than CU_LIMIT_PROTO_DEPTH (protobuf's own default
 * recursion limit is 100). Groups (deprecated wire types 3/4) are skipped whole and never
 * returned, the way protobuf keeps them as unknown fields. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/source.h"

enum {
    CU_PW_VARINT = 0,
    CU_PW_I64 = 1,
    CU_PW_LEN = 2,
    CU_PW_SGROUP = 3,
    CU_PW_EGROUP = 4,
    CU_PW_I32 = 5,
};

struct cu_pw {
    struct cu_stream *st;
    uint64_t pos; /* next tag */
    uint64_t end; /* end of this message */
    unsigned depth;
};

struct cu_pw_field {
    uint32_t no;
    unsigned wt;
    uint64_t off;   /* offset of the tag */
    uint64_t v;     /* VARINT, I32, I64: the value; LEN: the payload length */
    uint64_t start; /* LEN: offset of the payload */
};

/* A cursor over the message at [start, end) of the stream's source, at nesting depth 0. */
void cu_pw_init(struct cu_pw *pw, struct cu_stream *st, uint64_t start, uint64_t end);
/* Next field: returns 1 with *f set, 0 at the end of the message, or a negative error
 * (EMALFORMED / ELIMIT with the stream's error record set). */
int cu_pw_next(struct cu_pw *pw, struct cu_pw_field *f);
/* A cursor over the payload of LEN field f, one level deeper; ELIMIT past the depth limit. */
int cu_pw_enter(const struct cu_pw *pw, const struct cu_pw_field *f, struct cu_pw *sub);
/* Copies the first min(len, cap - 1) payload bytes of LEN field f into buf, NUL-terminated;
 * *n gets the bytes copied (a NUL inside shows as strlen(buf) < *n), *cut whether the payload
 * was longer. cap >= 1. */
int cu_pw_str(
    struct cu_pw *pw, const struct cu_pw_field *f, char *buf, size_t cap, size_t *n, bool *cut);
/* Reads the next varint of a packed repeated field (a cursor from cu_pw_enter): 1 with *v,
 * 0 at the end, or a negative error. */
int cu_pw_packed_varint(struct cu_pw *pw, uint64_t *v);

/* True when the bytes [p, p+len) start like a message whose every field is allowed by
 * `ok(ud, field_no, wire_type, payload, avail, value)` (LEN: the payload seen so far and the
 * declared length; VARINT/I32/I64: the value as far as read): tags walked in order until the
 * buffer ends (a field cut by the end of the buffer is accepted) and at least `min_fields`
 * whole or cut fields seen. For sniffers; `ud` lets a check keep state (field order, a field
 * seen). */
typedef bool (*cu_pw_head_fn)(
    void *ud, uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v);
bool cu_pw_head_walk(const uint8_t *p, size_t len, cu_pw_head_fn ok, void *ud, unsigned min_fields);
/* cu_pw_head_walk with a stateless check. */
bool cu_pw_head_ok(
    const uint8_t *p,
    size_t len,
    bool (*ok)(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v),
    unsigned min_fields);
/* A varint from memory; false on a truncated or overlong one. */
bool cu_pw_mem_varint(const uint8_t *p, size_t len, size_t *used, uint64_t *v);

/* Walks the top-level fields of the message that is the whole of `src`, calling `field` for
 * each; a negative return from `field` (an error record set) stops the walk and is returned.
 * Returns 0 at the end of the message, or the first error (EMALFORMED with *err set, ...). */
int cu_pw_walk_source(struct cu_source *src,
                      custody_error *err,
                      int (*field)(void *ud, const struct cu_pw_field *f),
                      void *ud);

#endif
