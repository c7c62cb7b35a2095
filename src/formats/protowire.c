/* Protobuf wire-format walker: see protowire.h. */
#include "formats/protowire.h"

#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/banned.h"

void cu_pw_init(struct cu_pw *pw, struct cu_stream *st, uint64_t start, uint64_t end)
{
    pw->st = st;
    pw->pos = start;
    pw->end = end < start ? start : end;
    pw->depth = 0;
}

static int pw_bad(const struct cu_pw *pw, uint64_t off, const char *what)
{
    (void)cu_err_malformed(pw->st->err, pw->st->src->loc, off, "protobuf: %s", what);
    return CUSTODY_EMALFORMED;
}

/* Reads a varint at *pos, which must end before `end`. */
static int pw_varint(const struct cu_pw *pw, uint64_t *pos, uint64_t end, uint64_t *v)
{
    struct cu_stream *st = pw->st;
    int rc = cu_stream_seek(st, *pos);
    if (rc < 0) {
        return rc;
    }
    uint64_t val = 0;
    for (unsigned i = 0; i < 10; i++) {
        if (*pos + i >= end) {
            return pw_bad(pw, *pos, "varint runs past the end of its message");
        }
        uint8_t c;
        rc = cu_stream_getc(st, &c);
        if (rc < 0) {
            return rc;
        }
        if (rc == 0) {
            return pw_bad(pw, *pos, "truncated varint");
        }
        if (i == 9 && c > 1) {
            return pw_bad(pw, *pos, "varint overflows 64 bits");
        }
        val |= (uint64_t)(c & 0x7f) << (7 * i);
        if ((c & 0x80) == 0) {
            *pos += i + 1;
            *v = val;
            return 0;
        }
    }
    return pw_bad(pw, *pos, "varint longer than 10 bytes");
}

/* Reads one tag and the field body after it; groups are returned as SGROUP with their extent
 * not yet skipped. */
static int pw_field(const struct cu_pw *pw, uint64_t *pos, uint64_t end, struct cu_pw_field *f)
{
    f->off = *pos;
    uint64_t tag;
    int rc = pw_varint(pw, pos, end, &tag);
    if (rc < 0) {
        return rc;
    }
    if (tag > UINT32_MAX) {
        return pw_bad(pw, f->off, "tag does not fit 32 bits");
    }
    f->no = (uint32_t)(tag >> 3);
    f->wt = (unsigned)(tag & 7);
    f->v = 0;
    f->start = *pos;
    if (f->no == 0) {
        return pw_bad(pw, f->off, "field number 0");
    }
    switch (f->wt) {
    case CU_PW_VARINT:
        return pw_varint(pw, pos, end, &f->v);
    case CU_PW_I64:
    case CU_PW_I32: {
        size_t n = f->wt == CU_PW_I64 ? 8 : 4;
        if (n > end - *pos) {
            return pw_bad(pw, f->off, "fixed-size field runs past the end of its message");
        }
        if ((rc = cu_stream_seek(pw->st, *pos)) < 0 || (rc = cu_stream_need(pw->st, n)) < 0) {
            return rc;
        }
        const uint8_t *p = cu_stream_ptr(pw->st);
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++) {
            v |= (uint64_t)p[i] << (8 * i);
        }
        f->v = v;
        *pos += n;
        return 0;
    }
    case CU_PW_LEN:
        if ((rc = pw_varint(pw, pos, end, &f->v)) < 0) {
            return rc;
        }
        f->start = *pos;
        if (f->v > end - *pos) {
            return pw_bad(pw, f->off, "length-delimited field runs past the end of its message");
        }
        *pos += f->v;
        return 0;
    case CU_PW_SGROUP:
    case CU_PW_EGROUP:
        return 0;
    default:
        return pw_bad(pw, f->off, "invalid wire type 6 or 7");
    }
}

/* Skips the body of the group opened by field `no` at depth `depth`. */
static int pw_skip_group(const struct cu_pw *pw, uint64_t *pos, uint32_t no, unsigned depth)
{
    if (depth >= CU_LIMIT_PROTO_DEPTH) {
        return cu_err_limit(pw->st->err, pw->st->src->loc, *pos,
                            "protobuf: groups nested more than %u deep", CU_LIMIT_PROTO_DEPTH);
    }
    for (;;) {
        if (*pos >= pw->end) {
            return pw_bad(pw, *pos, "group not closed before the end of its message");
        }
        struct cu_pw_field f;
        int rc = pw_field(pw, pos, pw->end, &f);
        if (rc != 0) {
            return rc;
        }
        if (f.wt == CU_PW_EGROUP) {
            if (f.no != no) {
                return pw_bad(pw, f.off, "end-group tag does not match its start-group");
            }
            return 0;
        }
        if (f.wt == CU_PW_SGROUP && (rc = pw_skip_group(pw, pos, f.no, depth + 1)) < 0) {
            return rc;
        }
    }
}

int cu_pw_next(struct cu_pw *pw, struct cu_pw_field *f)
{
    for (;;) {
        if (pw->pos >= pw->end) {
            return 0;
        }
        int rc = pw_field(pw, &pw->pos, pw->end, f);
        if (rc < 0) {
            return rc;
        }
        if (f->wt == CU_PW_EGROUP) {
            return pw_bad(pw, f->off, "end-group tag without a start-group");
        }
        if (f->wt != CU_PW_SGROUP) {
            return 1;
        }
        if ((rc = pw_skip_group(pw, &pw->pos, f->no, pw->depth + 1)) < 0) {
            return rc;
        }
    }
}

int cu_pw_enter(const struct cu_pw *pw, const struct cu_pw_field *f, struct cu_pw *sub)
{
    if (pw->depth + 1 >= CU_LIMIT_PROTO_DEPTH) {
        return cu_err_limit(pw->st->err, pw->st->src->loc, f->off,
                            "protobuf: messages nested more than %u deep", CU_LIMIT_PROTO_DEPTH);
    }
    sub->st = pw->st;
    sub->pos = f->start;
    sub->end = f->start + f->v; /* checked against the parent's end by pw_field */
    sub->depth = pw->depth + 1;
    return 0;
}

int cu_pw_str(
    struct cu_pw *pw, const struct cu_pw_field *f, char *buf, size_t cap, size_t *n, bool *cut)
{
    buf[0] = '\0';
    *n = 0;
    *cut = f->v > cap - 1;
    size_t want = *cut ? cap - 1 : (size_t)f->v;
    int rc = cu_stream_seek(pw->st, f->start);
    if (rc == 0 && want > 0) {
        rc = cu_stream_read(pw->st, buf, want);
    }
    if (rc < 0) {
        return rc;
    }
    buf[want] = '\0';
    *n = want;
    return 0;
}

int cu_pw_packed_varint(struct cu_pw *pw, uint64_t *v)
{
    if (pw->pos >= pw->end) {
        return 0;
    }
    int rc = pw_varint(pw, &pw->pos, pw->end, v);
    return rc < 0 ? rc : 1;
}

bool cu_pw_mem_varint(const uint8_t *p, size_t len, size_t *used, uint64_t *v)
{
    uint64_t val = 0;
    for (size_t i = 0; i < 10 && i < len; i++) {
        if (i == 9 && p[i] > 1) {
            return false;
        }
        val |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if ((p[i] & 0x80) == 0) {
            *used = i + 1;
            *v = val;
            return true;
        }
    }
    return false;
}

bool cu_pw_head_walk(const uint8_t *p, size_t len, cu_pw_head_fn ok, void *ud, unsigned min_fields)
{
    size_t off = 0;
    unsigned seen = 0;
    while (off < len) {
        size_t used;
        uint64_t tag, v = 0;
        if (!cu_pw_mem_varint(p + off, len - off, &used, &tag)) {
            return len - off < 10 && seen >= min_fields; /* cut by the end of the buffer */
        }
        off += used;
        if (tag > UINT32_MAX || (tag >> 3) == 0) {
            return false;
        }
        uint32_t no = (uint32_t)(tag >> 3);
        unsigned wt = (unsigned)(tag & 7);
        const uint8_t *payload = NULL;
        size_t avail = 0;
        switch (wt) {
        case CU_PW_VARINT:
            if (!cu_pw_mem_varint(p + off, len - off, &used, &v)) {
                if (len - off >= 10) {
                    return false;
                }
                used = len - off;
            }
            break;
        case CU_PW_I64:
        case CU_PW_I32:
            used = wt == CU_PW_I64 ? 8 : 4;
            break;
        case CU_PW_LEN:
            if (!cu_pw_mem_varint(p + off, len - off, &used, &v)) {
                return len - off < 10 && seen + 1 >= min_fields && ok(ud, no, wt, NULL, 0, 0);
            }
            off += used;
            payload = p + off;
            avail = v < len - off ? (size_t)v : len - off;
            used = avail;
            break;
        default:
            return false; /* groups never start the messages we sniff */
        }
        if (!ok(ud, no, wt, payload, avail, v)) {
            return false;
        }
        seen++;
        if (used >= len - off) {
            break;
        }
        off += used;
    }
    return seen >= min_fields;
}

struct head_adapter {
    bool (*ok)(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v);
};

static bool
head_adapt(void *ud, uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    return ((const struct head_adapter *)ud)->ok(no, wt, payload, avail, v);
}

bool cu_pw_head_ok(
    const uint8_t *p,
    size_t len,
    bool (*ok)(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v),
    unsigned min_fields)
{
    struct head_adapter a = { ok };
    return cu_pw_head_walk(p, len, head_adapt, &a, min_fields);
}

int cu_pw_walk_source(struct cu_source *src,
                      custody_error *err,
                      int (*field)(void *ud, const struct cu_pw_field *f),
                      void *ud)
{
    uint64_t size = 0;
    struct cu_stream st;
    int rc = cu_source_size(src, &size, err);
    if (rc < 0 || (rc = cu_stream_init(&st, src, 0, 16u << 10, err)) < 0) {
        return rc;
    }
    struct cu_pw pw;
    cu_pw_init(&pw, &st, 0, size);
    struct cu_pw_field f;
    while ((rc = cu_pw_next(&pw, &f)) == 1) {
        rc = field(ud, &f);
        if (rc < 0) {
            break;
        }
    }
    cu_stream_free(&st);
    return rc < 0 ? rc : 0;
}
