/* TFLite models (tensorflow/lite/schema/schema.fbs): a FlatBuffer with the file identifier
 * "TFL3" at offset 4. Read here: the root Model table (version 0, operator_codes 1,
 * subgraphs 2, description 3, buffers 4) and every OperatorCode (deprecated_builtin_code 0:
 * byte, custom_code 1: string, version 2, builtin_code 3: int32). The builtin code is the
 * larger of the two code fields (the schema's GetBuiltinCode); 32 is CUSTOM. Custom codes
 * starting with "Flex" run the TensorFlow op of the same name through the Flex delegate and are
 * classified with the SavedModel op table. Every offset is checked against the file before it
 * is followed; tensor buffers are never read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "engine/engine.h"
#include "formats/savedmodel.h"
#include "core/banned.h"

#define TFL_CUSTOM 32

struct tfl {
    struct cu_ctx *ctx;
    struct cu_source *src;
    custody_error *err;
    struct cu_stream st;
    uint64_t size;
};

static int tfl_bad(struct tfl *t, uint64_t off, const char *what)
{
    (void)cu_err_malformed(t->err, t->src->loc, off, "flatbuffer: %s", what);
    return CUSTODY_EMALFORMED;
}

static int tfl_read(struct tfl *t, uint64_t off, size_t n, const uint8_t **p)
{
    if (off > t->size || n > t->size - off) {
        return tfl_bad(t, off, "offset outside the file");
    }
    int rc = cu_stream_seek(&t->st, off);
    if (rc == 0) {
        rc = cu_stream_need(&t->st, n);
    }
    if (rc == 0) {
        *p = cu_stream_ptr(&t->st);
    }
    return rc;
}

static int tfl_u32(struct tfl *t, uint64_t off, uint32_t *v)
{
    const uint8_t *p;
    int rc = tfl_read(t, off, 4, &p);
    if (rc == 0) {
        *v = cu_load_u32le(p);
    }
    return rc;
}

/* Field `idx` of the table at `tab`: *at = its absolute offset, or 0 when absent. */
static int tfl_field(struct tfl *t, uint64_t tab, unsigned idx, uint64_t *at)
{
    uint32_t so;
    const uint8_t *p;
    *at = 0;
    int rc = tfl_u32(t, tab, &so);
    if (rc != 0) {
        return rc;
    }
    int64_t vt = (int64_t)tab - (int64_t)(int32_t)so;
    if (vt < 0 || (uint64_t)vt > t->size - 4) {
        return tfl_bad(t, tab, "vtable outside the file");
    }
    if ((rc = tfl_read(t, (uint64_t)vt, 4, &p)) != 0) {
        return rc;
    }
    uint16_t vsize = cu_load_u16le(p), tsize = cu_load_u16le(p + 2);
    if (vsize < 4 || (vsize & 1) != 0 || tsize < 4 || (uint64_t)vsize > t->size - (uint64_t)vt ||
        (uint64_t)tsize > t->size - tab) {
        return tfl_bad(t, (uint64_t)vt, "vtable or table size out of range");
    }
    *at = 0;
    if ((uint64_t)idx * 2u + 6u > vsize) {
        return 0;
    }
    if ((rc = tfl_read(t, (uint64_t)vt + 4u + (uint64_t)idx * 2u, 2, &p)) != 0) {
        return rc;
    }
    uint16_t fo = cu_load_u16le(p);
    if (fo == 0) {
        return 0;
    }
    if (fo < 4 || fo > tsize - 1u) {
        return tfl_bad(t, tab, "field offset outside its table");
    }
    *at = tab + fo;
    return 0;
}

/* Follows the uoffset at `at` (a table, vector or string reference). */
static int tfl_deref(struct tfl *t, uint64_t at, uint64_t *out)
{
    uint32_t u;
    int rc = tfl_u32(t, at, &u);
    if (rc != 0) {
        return rc;
    }
    if (u == 0 || u > t->size - at) {
        return tfl_bad(t, at, "reference outside the file");
    }
    *out = at + u;
    return 0;
}

/* A vector at `v`: element count checked against the bytes after it. */
static int tfl_vector(struct tfl *t, uint64_t v, size_t elem, uint32_t *count)
{
    int rc = tfl_u32(t, v, count);
    if (rc != 0) {
        return rc;
    }
    if ((uint64_t)*count > (t->size - v - 4) / elem) {
        return tfl_bad(t, v, "vector longer than the file");
    }
    return 0;
}

static int tfl_string(struct tfl *t, uint64_t s, char *buf, size_t cap)
{
    uint32_t n;
    const uint8_t *p;
    int rc = tfl_vector(t, s, 1, &n);
    if (rc != 0) {
        return rc;
    }
    size_t k = n < cap - 1 ? n : cap - 1;
    buf[0] = '\0';
    if (k > 0) {
        if ((rc = tfl_read(t, s + 4, k, &p)) != 0) {
            return rc;
        }
        memcpy(buf, p, k);
    }
    buf[k] = '\0';
    return 0;
}

static int tfl_opcode(struct tfl *t, uint64_t tab, uint32_t index)
{
    uint64_t at;
    const uint8_t *p;
    int32_t code = 0;
    int rc = tfl_field(t, tab, 0, &at);
    if (rc == 0 && at != 0 && (rc = tfl_read(t, at, 1, &p)) == 0) {
        code = p[0] >= 128 ? (int32_t)p[0] - 256 : (int32_t)p[0]; /* byte: int8 */
    }
    if (rc == 0 && (rc = tfl_field(t, tab, 3, &at)) == 0 && at != 0) {
        uint32_t v;
        if ((rc = tfl_u32(t, at, &v)) == 0 && (int32_t)v > code) {
            code = (int32_t)v;
        }
    }
    if (rc != 0 || code != TFL_CUSTOM) {
        return rc;
    }
    char name[256] = "";
    if ((rc = tfl_field(t, tab, 1, &at)) != 0) {
        return rc;
    }
    if (at != 0) {
        uint64_t s;
        if ((rc = tfl_deref(t, at, &s)) != 0 || (rc = tfl_string(t, s, name, sizeof(name))) != 0) {
            return rc;
        }
    }
    const struct cu_tf_op *k = strncmp(name, "Flex", 4) == 0 ? cu_tf_op_find(name + 4) : NULL;
    if (k != NULL) {
        cu_emit(t->ctx, t->src, tab, "tflite/flex-op",
                k->risk == CU_TF_PYTHON ? (int)CUSTODY_SEV_CRITICAL : CU_SEV_DEFAULT, name,
                "operator code %u is the Flex op '%s': TensorFlow's %s %s when the model runs",
                index, name, k->op, k->what);
    } else {
        cu_emit(t->ctx, t->src, tab, "tflite/custom-op", CU_SEV_DEFAULT, name,
                "operator code %u is the custom operator '%s'%s", index, name,
                strncmp(name, "Flex", 4) == 0 ? " (a TensorFlow op run by the Flex delegate)"
                                              : ": the interpreter needs its native "
                                                "implementation");
    }
    return 0;
}

static bool tfl_sniff(const struct cu_sniff *in)
{
    return in->len >= 8 && memcmp(in->head + 4, "TFL3", 4) == 0;
}

static int tfl_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct tfl t;
    memset(&t, 0, sizeof(t));
    t.ctx = ctx;
    t.src = src;
    t.err = cu_ctx_err(ctx);
    cu_fact(ctx, "format", "tflite");
    cu_fact(ctx, "framework", "tensorflow-lite");
    int rc = cu_source_size(src, &t.size, t.err);
    if (rc != 0) {
        return rc;
    }
    if ((rc = cu_stream_init(&t.st, src, 0, 4096, t.err)) != 0) {
        return rc;
    }
    uint64_t model, at, vec;
    uint32_t version = 0, nops = 0, nsub = 0;
    if ((rc = tfl_deref(&t, 0, &model)) != 0) {
        goto out;
    }
    if ((rc = tfl_field(&t, model, 0, &at)) != 0 ||
        (at != 0 && (rc = tfl_u32(&t, at, &version)) != 0)) {
        goto out;
    }
    if ((rc = tfl_field(&t, model, 2, &at)) != 0) {
        goto out;
    }
    if (at != 0 &&
        ((rc = tfl_deref(&t, at, &vec)) != 0 || (rc = tfl_vector(&t, vec, 4, &nsub)) != 0)) {
        goto out;
    }
    if ((rc = tfl_field(&t, model, 1, &at)) != 0) {
        goto out;
    }
    if (at != 0) {
        if ((rc = tfl_deref(&t, at, &vec)) != 0 || (rc = tfl_vector(&t, vec, 4, &nops)) != 0) {
            goto out;
        }
        if (nops > CU_LIMIT_PROTO_ENTRIES) {
            rc = cu_err_limit(t.err, src->loc, vec, "more than %u TFLite operator codes",
                              CU_LIMIT_PROTO_ENTRIES);
            goto out;
        }
        for (uint32_t i = 0; i < nops; i++) {
            uint64_t tab;
            if ((rc = tfl_deref(&t, vec + 4 + 4ull * i, &tab)) != 0 ||
                (rc = tfl_opcode(&t, tab, i)) != 0) {
                goto out;
            }
        }
    }
    cu_emit(ctx, src, CU_NO_OFFSET, "tflite/summary", CU_SEV_DEFAULT, NULL,
            "TFLite schema version %u: %u operator codes, %u subgraphs", version, nops, nsub);
out:
    cu_stream_free(&t.st);
    return rc;
}

static const char *const tfl_ext[] = { ".tflite", NULL };
const struct cu_analyzer cu_analyzer_tflite = { "tflite", tfl_ext, tfl_sniff, tfl_analyze };
