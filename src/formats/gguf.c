/* GGUF (ggml-org/llama.cpp ggml/docs/gguf.md), versions 1 to 3, little-endian:
 *   magic "GGUF", u32 version, tensor_count, kv_count (u32 in v1, u64 from v2),
 *   kv_count x { string key, u32 value_type, value },
 *   tensor_count x { string name, u32 n_dims, n_dims x dim (u32 in v1, u64), u32 ggml_type,
 *                    u64 offset },
 *   padding to general.alignment (default 32), then the tensor data.
 * A string is a length (u32 in v1, u64 from v2) and that many UTF-8 bytes, no NUL; an array is
 * u32 element type, a count and the elements. Everything is read through a stream: tensor
 * data is never touched, and skipped values only move the stream (no reads). Chat templates
 * (tokenizer.chat_template, tokenizer.chat_template.<name>) go to the Jinja analyzer. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "engine/engine.h"
#include "formats/jinja.h"
#include "core/banned.h"

#define GGUF_WINDOW        (64u << 10)
#define GGUF_MAX_KEY       65535u /* SPEC: keys are at most 2^16-1 bytes */
#define GGUF_MAX_NAME      64u    /* SPEC: a tensor name is at most 64 bytes */
#define GGUF_MAX_DIMS      4u     /* SPEC: "currently at most 4" (GGML_MAX_DIMS) */
#define GGUF_DEFAULT_ALIGN 32u    /* SPEC: general.alignment defaults to 32 */

enum {
    GT_U8,
    GT_I8,
    GT_U16,
    GT_I16,
    GT_U32,
    GT_I32,
    GT_F32,
    GT_BOOL,
    GT_STRING,
    GT_ARRAY,
    GT_U64,
    GT_I64,
    GT_F64,
    GT_COUNT
};
static const char *const gguf_vt_name[GT_COUNT] = {
    "uint8", "int8",   "uint16", "int16",  "uint32", "int32",   "float32",
    "bool",  "string", "array",  "uint64", "int64",  "float64",
};
/* Fixed sizes of the scalar value types; 0 for string and array. */
static const uint8_t gguf_vt_size[GT_COUNT] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

/* ggml_type: name, elements per block, bytes per block (ggml-common.h, gguf-py
 * GGML_QUANT_SIZES). Removed types (4, 5, 31-33, 36-38) have block 0. */
struct ggml_type_info {
    const char *name;
    uint32_t block;
    uint32_t size;
};
#define QK_K 256u
static const struct ggml_type_info ggml_types[] = {
    { "F32", 1, 4 },         { "F16", 1, 2 },         { "Q4_0", 32, 18 },
    { "Q4_1", 32, 20 },      { "Q4_2", 0, 0 },        { "Q4_3", 0, 0 },
    { "Q5_0", 32, 22 },      { "Q5_1", 32, 24 },      { "Q8_0", 32, 34 },
    { "Q8_1", 32, 36 },      { "Q2_K", QK_K, 84 },    { "Q3_K", QK_K, 110 },
    { "Q4_K", QK_K, 144 },   { "Q5_K", QK_K, 176 },   { "Q6_K", QK_K, 210 },
    { "Q8_K", QK_K, 292 },   { "IQ2_XXS", QK_K, 66 }, { "IQ2_XS", QK_K, 74 },
    { "IQ3_XXS", QK_K, 98 }, { "IQ1_S", QK_K, 50 },   { "IQ4_NL", 32, 18 },
    { "IQ3_S", QK_K, 110 },  { "IQ2_S", QK_K, 82 },   { "IQ4_XS", QK_K, 136 },
    { "I8", 1, 1 },          { "I16", 1, 2 },         { "I32", 1, 4 },
    { "I64", 1, 8 },         { "F64", 1, 8 },         { "IQ1_M", QK_K, 56 },
    { "BF16", 1, 2 },        { "Q4_0_4_4", 0, 0 },    { "Q4_0_4_8", 0, 0 },
    { "Q4_0_8_8", 0, 0 },    { "TQ1_0", QK_K, 54 },   { "TQ2_0", QK_K, 66 },
    { "IQ4_NL_4_4", 0, 0 },  { "IQ4_NL_4_8", 0, 0 },  { "IQ4_NL_8_8", 0, 0 },
    { "MXFP4", 32, 17 },
};
#define GGML_NTYPES (sizeof(ggml_types) / sizeof(ggml_types[0]))

struct gguf_key {
    size_t name; /* offset in keys */
    size_t len;
    uint64_t off;
};

struct gguf_tensor {
    size_t name; /* offset in names */
    size_t len;
    uint64_t info_off;
    uint64_t off; /* relative to the data section */
    uint64_t size;
    size_t index;
};

struct gguf {
    struct cu_ctx *ctx;
    struct cu_source *src;
    custody_error *err;
    struct cu_stream st;
    uint64_t fsize;
    uint32_t version;
    uint32_t alignment;
    char arch[64];
    struct gguf_key *keys;
    size_t nkeys, kcap;
    char *kbuf;
    size_t klen, kbcap;
    struct gguf_tensor *tens;
    size_t ntens, tcap;
    char *names;
    size_t nlen, ncap;
    uint64_t params;
    bool params_big;
    uint64_t type_count[GGML_NTYPES];
    unsigned templates;
    bool ftype; /* general.file_type gave the quantization fact */
};

static uint64_t gguf_left(const struct gguf *g)
{
    uint64_t at = cu_stream_tell(&g->st);
    return at < g->fsize ? g->fsize - at : 0;
}

static int gguf_u32(struct gguf *g, uint32_t *out)
{
    int rc = cu_stream_need(&g->st, 4);
    if (rc == 0) {
        *out = cu_load_u32le(cu_stream_ptr(&g->st));
        cu_stream_advance(&g->st, 4);
    }
    return rc;
}

static int gguf_u64(struct gguf *g, uint64_t *out)
{
    int rc = cu_stream_need(&g->st, 8);
    if (rc == 0) {
        *out = cu_load_u64le(cu_stream_ptr(&g->st));
        cu_stream_advance(&g->st, 8);
    }
    return rc;
}

/* A count or length: u32 in v1, u64 from v2. */
static int gguf_len(struct gguf *g, uint64_t *out)
{
    if (g->version == 1) {
        uint32_t v = 0;
        int rc = gguf_u32(g, &v);
        *out = v;
        return rc;
    }
    return gguf_u64(g, out);
}

static unsigned gguf_lenw(const struct gguf *g)
{
    return g->version == 1 ? 4u : 8u;
}

/* Reads a string length and checks it against the bytes that remain. */
static int gguf_strlen(struct gguf *g, const char *what, uint64_t *out)
{
    uint64_t at = cu_stream_tell(&g->st);
    int rc = gguf_len(g, out);
    if (rc < 0) {
        return rc;
    }
    if (*out > gguf_left(g)) {
        return cu_err_malformed(g->err, g->src->loc, at,
                                "%s: string of %llu bytes runs past the end of the file", what,
                                (unsigned long long)*out);
    }
    return 0;
}

/* Reads n bytes (n already bounded by a limit) into a new NUL-terminated buffer. */
static int gguf_read_str(struct gguf *g, uint64_t n, char **out)
{
    char *s = cu_malloc((size_t)n + 1);
    if (s == NULL) {
        return cu_err_nomem(g->err);
    }
    int rc = cu_stream_read(&g->st, s, (size_t)n);
    if (rc < 0) {
        free(s);
        return rc;
    }
    s[n] = '\0';
    *out = s;
    return 0;
}

static int gguf_skip_value(struct gguf *g, uint32_t type, unsigned depth, const char *key);

static int gguf_skip_array(struct gguf *g, unsigned depth, const char *key)
{
    uint64_t at = cu_stream_tell(&g->st);
    uint32_t et = 0;
    uint64_t count = 0;
    int rc = gguf_u32(g, &et);
    if (rc == 0) {
        rc = gguf_len(g, &count);
    }
    if (rc < 0) {
        return rc;
    }
    if (et >= GT_COUNT) {
        return cu_err_malformed(g->err, g->src->loc, at, "%s: array of unknown type %u", key, et);
    }
    if (depth + 1 > CU_LIMIT_GGUF_NEST) {
        return cu_err_limit(g->err, g->src->loc, at, "%s: arrays nested deeper than %u", key,
                            CU_LIMIT_GGUF_NEST);
    }
    /* SPEC: every element takes at least its fixed size, a string its length field, an array
     * its type and count: the count is bounded by the bytes that remain. */
    uint64_t min = gguf_vt_size[et];
    if (et == GT_STRING) {
        min = gguf_lenw(g);
    } else if (et == GT_ARRAY) {
        min = 4u + gguf_lenw(g);
    }
    if (count > gguf_left(g) / min) {
        return cu_err_malformed(g->err, g->src->loc, at,
                                "%s: array of %llu %s elements runs past the end of the file", key,
                                (unsigned long long)count, gguf_vt_name[et]);
    }
    if (count > CU_LIMIT_GGUF_ARRAY) {
        return cu_err_limit(g->err, g->src->loc, at, "%s: array of %llu elements", key,
                            (unsigned long long)count);
    }
    if (gguf_vt_size[et] != 0) {
        return cu_stream_skip(&g->st, count * min); /* no overflow: bounded by gguf_left */
    }
    for (uint64_t i = 0; i < count; i++) {
        rc = gguf_skip_value(g, et, depth + 1, key);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

static int gguf_skip_value(struct gguf *g, uint32_t type, unsigned depth, const char *key)
{
    uint64_t n = 0;
    int rc;
    if (type == GT_STRING) {
        rc = gguf_strlen(g, key, &n);
        return rc < 0 ? rc : cu_stream_skip(&g->st, n);
    }
    if (type == GT_ARRAY) {
        return gguf_skip_array(g, depth, key);
    }
    if (type == GT_BOOL) {
        uint64_t at = cu_stream_tell(&g->st);
        uint8_t b;
        rc = cu_stream_read(&g->st, &b, 1);
        if (rc == 0 && b > 1 && depth == 0) {
            /* SPEC: "1-byte value where 0 is false and 1 is true. Anything else is invalid" */
            cu_emit(g->ctx, g->src, at, "gguf/invalid-value", CU_SEV_DEFAULT, key,
                    "boolean %s holds %u (only 0 and 1 are valid)", key, b);
        }
        return rc;
    }
    return cu_stream_skip(&g->st, gguf_vt_size[type]);
}

static bool gguf_key_ok(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)k[i];
        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
    }
    return true;
}

static int gguf_keep_key(struct gguf *g, const char *k, size_t n, uint64_t off)
{
    if (n > CU_LIMIT_GGUF_KEYS_BYTES - g->klen) {
        return cu_err_limit(g->err, g->src->loc, off, "more than %u bytes of key names",
                            CU_LIMIT_GGUF_KEYS_BYTES);
    }
    if (!cu_grow((void **)&g->kbuf, &g->kbcap, g->klen + n, 1) ||
        !cu_grow((void **)&g->keys, &g->kcap, g->nkeys + 1, sizeof(*g->keys))) {
        return cu_err_nomem(g->err);
    }
    memcpy(g->kbuf + g->klen, k, n);
    g->keys[g->nkeys++] = (struct gguf_key){ g->klen, n, off };
    g->klen += n;
    return 0;
}

/* llama_ftype names (llama.h), indexed by general.file_type; NULL for unused values. */
static const char *const gguf_ftypes[] = {
    "F32",    "F16",    "Q4_0",  "Q4_1",    "Q4_1_SOME_F16", NULL,     NULL,        "Q8_0",
    "Q5_0",   "Q5_1",   "Q2_K",  "Q3_K_S",  "Q3_K_M",        "Q3_K_L", "Q4_K_S",    "Q4_K_M",
    "Q5_K_S", "Q5_K_M", "Q6_K",  "IQ2_XXS", "IQ2_XS",        "Q2_K_S", "IQ3_XS",    "IQ3_XXS",
    "IQ1_S",  "IQ4_NL", "IQ3_S", "IQ3_M",   "IQ2_S",         "IQ2_M",  "IQ4_XS",    "IQ1_M",
    "BF16",   NULL,     NULL,    NULL,      "TQ1_0",         "TQ2_0",  "MXFP4_MOE",
};
#define GGUF_FACT_MAX 1024u /* longest metadata string kept as a BOM fact */

/* The BOM fact a string metadata key gives (docs/facts.md), NULL for none. */
static const char *gguf_fact_key(const char *key)
{
    static const char bm[] = "general.base_model.";
    if (strcmp(key, "general.name") == 0) {
        return "model.name";
    }
    if (strcmp(key, "general.license") == 0) {
        return "model.license";
    }
    if (strcmp(key, "tokenizer.ggml.model") == 0) {
        return "model.tokenizer";
    }
    if (strncmp(key, bm, sizeof(bm) - 1) == 0) {
        const char *dot = strrchr(key, '.');
        if (strcmp(dot, ".name") == 0) {
            return "model.base_model";
        }
        if (strcmp(dot, ".repo_url") == 0) {
            return "model.base_model.url";
        }
    }
    return NULL;
}

/* A string value kept as a fact: bounded, control bytes shown as '?'. */
static int gguf_string_fact(struct gguf *g, const char *key, const char *fact)
{
    uint64_t n = 0;
    int rc = gguf_strlen(g, key, &n);
    if (rc < 0) {
        return rc;
    }
    if (n > GGUF_FACT_MAX) {
        return cu_stream_skip(&g->st, n);
    }
    char *t = NULL;
    rc = gguf_read_str(g, n, &t);
    if (rc < 0) {
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        if ((uint8_t)t[i] < 0x20 || t[i] == 0x7f) {
            t[i] = '?';
        }
    }
    if (n > 0) {
        cu_fact(g->ctx, fact, "%s", t);
    }
    free(t);
    return 0;
}

/* The value of one key/value pair, with the keys that matter read and checked. */
static int gguf_value(struct gguf *g, const char *key, size_t klen, uint32_t type, uint64_t koff)
{
    int rc;
    bool tmpl = strcmp(key, "tokenizer.chat_template") == 0 ||
                (klen > 24 && memcmp(key, "tokenizer.chat_template.", 24) == 0);
    if (strcmp(key, "general.alignment") == 0) {
        /* SPEC: general.alignment is a uint32, a non-zero power of two (multiple of 8). */
        uint32_t a = 0;
        if (type != GT_U32) {
            return cu_err_malformed(g->err, g->src->loc, koff,
                                    "general.alignment has type %s, not uint32",
                                    type < GT_COUNT ? gguf_vt_name[type] : "unknown");
        }
        rc = gguf_u32(g, &a);
        if (rc < 0) {
            return rc;
        }
        if (a == 0 || (a & (a - 1)) != 0) {
            return cu_err_malformed(g->err, g->src->loc, koff,
                                    "general.alignment %u is not a power of two", a);
        }
        g->alignment = a;
        return 0;
    }
    if (strcmp(key, "general.file_type") == 0 && type == GT_U32) {
        uint32_t ft = 0;
        rc = gguf_u32(g, &ft);
        if (rc == 0 && ft < sizeof(gguf_ftypes) / sizeof(gguf_ftypes[0]) &&
            gguf_ftypes[ft] != NULL) {
            cu_fact(g->ctx, "model.quantization", "%s", gguf_ftypes[ft]);
            g->ftype = true;
        }
        return rc;
    }
    if (klen > 15 && strcmp(key + klen - 15, ".context_length") == 0 &&
        (type == GT_U32 || type == GT_U64)) {
        uint64_t v = 0;
        if (type == GT_U32) {
            uint32_t v32 = 0;
            rc = gguf_u32(g, &v32);
            v = v32;
        } else {
            rc = gguf_u64(g, &v);
        }
        if (rc == 0) {
            cu_fact(g->ctx, "model.context_length", "%llu", (unsigned long long)v);
        }
        return rc;
    }
    const char *fact = type == GT_STRING ? gguf_fact_key(key) : NULL;
    if (fact != NULL) {
        return gguf_string_fact(g, key, fact);
    }
    if ((tmpl || strcmp(key, "general.architecture") == 0) && type != GT_STRING) {
        cu_emit(g->ctx, g->src, koff, "gguf/invalid-value", CU_SEV_DEFAULT, key,
                "%s has type %s, not string", key,
                type < GT_COUNT ? gguf_vt_name[type] : "unknown");
        return gguf_skip_value(g, type, 0, key);
    }
    if (strcmp(key, "general.architecture") == 0) {
        uint64_t n = 0;
        rc = gguf_strlen(g, key, &n);
        if (rc < 0) {
            return rc;
        }
        size_t keep = n < sizeof(g->arch) - 1 ? (size_t)n : sizeof(g->arch) - 1;
        rc = cu_stream_read(&g->st, g->arch, keep);
        if (rc < 0) {
            return rc;
        }
        g->arch[keep] = '\0';
        for (size_t i = 0; i < keep; i++) {
            if ((uint8_t)g->arch[i] < 0x20 || (uint8_t)g->arch[i] >= 0x7f) {
                g->arch[i] = '?';
            }
        }
        return cu_stream_skip(&g->st, n - keep);
    }
    if (tmpl) {
        uint64_t n = 0;
        rc = gguf_strlen(g, key, &n);
        if (rc < 0) {
            return rc;
        }
        uint64_t at = cu_stream_tell(&g->st);
        g->templates++;
        if (n > CU_LIMIT_TEMPLATE) {
            cu_emit(g->ctx, g->src, at, "template/too-large", CU_SEV_DEFAULT, key,
                    "%s: chat template of %llu bytes exceeds %u and was not analysed", key,
                    (unsigned long long)n, CU_LIMIT_TEMPLATE);
            return cu_stream_skip(&g->st, n);
        }
        char *t = NULL;
        rc = gguf_read_str(g, n, &t);
        if (rc < 0) {
            return rc;
        }
        rc = cu_jinja_check(g->ctx, g->src, at, key, (const uint8_t *)t, (size_t)n);
        free(t);
        return rc < 0 ? cu_err_nomem(g->err) : 0;
    }
    return gguf_skip_value(g, type, 0, key);
}

static int gguf_kv(struct gguf *g)
{
    uint64_t koff = cu_stream_tell(&g->st);
    uint64_t n = 0;
    uint32_t type = 0;
    char *key = NULL;
    int rc = gguf_strlen(g, "key", &n);
    if (rc < 0) {
        goto out;
    }
    /* SPEC: a key is a non-empty ASCII string of at most 2^16-1 bytes. */
    if (n == 0 || n > GGUF_MAX_KEY) {
        rc =
            cu_err_malformed(g->err, g->src->loc, koff, "key of %llu bytes", (unsigned long long)n);
        goto out;
    }
    rc = gguf_read_str(g, n, &key);
    if (rc < 0) {
        goto out;
    }
    struct cu_buf shown = CU_BUF_INIT(200);
    cu_buf_add_escaped(&shown, (const uint8_t *)key, (size_t)n);
    if (!gguf_key_ok(key, (size_t)n) || strlen(key) != n) {
        cu_emit(g->ctx, g->src, koff, "gguf/bad-key", CU_SEV_DEFAULT, cu_buf_str(&shown),
                "metadata key '%s' has bytes outside printable ASCII", cu_buf_str(&shown));
    }
    cu_buf_free(&shown);
    rc = gguf_keep_key(g, key, (size_t)n, koff);
    if (rc < 0) {
        goto out;
    }
    uint64_t toff = cu_stream_tell(&g->st);
    rc = gguf_u32(g, &type);
    if (rc < 0) {
        goto out;
    }
    if (type >= GT_COUNT) {
        rc =
            cu_err_malformed(g->err, g->src->loc, toff, "key %s: unknown value type %u", key, type);
        goto out;
    }
    rc = gguf_value(g, key, (size_t)n, type, koff);
out:
    free(key);
    return rc;
}

static int gguf_tensor_info(struct gguf *g, size_t index)
{
    uint64_t ioff = cu_stream_tell(&g->st);
    uint64_t n = 0, dims[GGUF_MAX_DIMS] = { 0 };
    uint32_t nd = 0, type = 0;
    char name[GGUF_MAX_NAME + 1];
    int rc = gguf_strlen(g, "tensor name", &n);
    if (rc < 0) {
        return rc;
    }
    if (n > GGUF_MAX_NAME) {
        return cu_err_malformed(g->err, g->src->loc, ioff,
                                "tensor %zu: name of %llu bytes (at most %u)", index,
                                (unsigned long long)n, GGUF_MAX_NAME);
    }
    rc = cu_stream_read(&g->st, name, (size_t)n);
    if (rc < 0) {
        return rc;
    }
    name[n] = '\0';
    struct cu_buf shown = CU_BUF_INIT(160);
    cu_buf_add_escaped(&shown, (const uint8_t *)name, (size_t)n);
    rc = gguf_u32(g, &nd);
    if (rc < 0) {
        goto out;
    }
    if (nd > GGUF_MAX_DIMS) {
        rc = cu_err_malformed(g->err, g->src->loc, ioff, "tensor '%s': %u dimensions (max %u)",
                              cu_buf_str(&shown), nd, GGUF_MAX_DIMS);
        goto out;
    }
    uint64_t nelem = 1;
    for (uint32_t d = 0; d < nd; d++) {
        rc = gguf_len(g, &dims[d]);
        if (rc < 0) {
            goto out;
        }
        /* ggml keeps dimensions in int64_t: the product must fit. */
        if (dims[d] > INT64_MAX || (dims[d] != 0 && nelem > (uint64_t)INT64_MAX / dims[d])) {
            rc = cu_err_malformed(g->err, g->src->loc, ioff, "tensor '%s': element count overflows",
                                  cu_buf_str(&shown));
            goto out;
        }
        nelem *= dims[d];
    }
    uint64_t toff = cu_stream_tell(&g->st);
    rc = gguf_u32(g, &type);
    if (rc < 0) {
        goto out;
    }
    if (type >= GGML_NTYPES || ggml_types[type].block == 0) {
        rc = cu_err_malformed(g->err, g->src->loc, toff, "tensor '%s': unknown ggml type %u",
                              cu_buf_str(&shown), type);
        goto out;
    }
    const struct ggml_type_info *ti = &ggml_types[type];
    uint64_t ne0 = nd > 0 ? dims[0] : 1;
    if (ne0 % ti->block != 0) {
        rc = cu_err_malformed(g->err, g->src->loc, toff,
                              "tensor '%s': first dimension %llu is not a multiple of the %s "
                              "block size %u",
                              cu_buf_str(&shown), (unsigned long long)ne0, ti->name, ti->block);
        goto out;
    }
    /* size = nelem / block * block bytes; nelem is a multiple of the block. */
    uint64_t size;
    if (__builtin_mul_overflow(nelem / ti->block, (uint64_t)ti->size, &size)) {
        rc = cu_err_malformed(g->err, g->src->loc, toff, "tensor '%s': byte size overflows",
                              cu_buf_str(&shown));
        goto out;
    }
    uint64_t off = 0;
    rc = gguf_u64(g, &off);
    if (rc < 0) {
        goto out;
    }
    /* Names are kept escaped (for messages and the duplicate check): up to 4 bytes a byte. */
    size_t sl = strlen(cu_buf_str(&shown));
    if (shown.oom || !cu_grow((void **)&g->names, &g->ncap, g->nlen + sl + 1, 1) ||
        !cu_grow((void **)&g->tens, &g->tcap, g->ntens + 1, sizeof(*g->tens))) {
        rc = cu_err_nomem(g->err);
        goto out;
    }
    memcpy(g->names + g->nlen, cu_buf_str(&shown), sl + 1);
    g->tens[g->ntens++] = (struct gguf_tensor){ g->nlen, sl, ioff, off, size, index };
    g->nlen += sl + 1;
    if (__builtin_add_overflow(g->params, nelem, &g->params)) {
        g->params_big = true;
    }
    g->type_count[type]++;
out:
    cu_buf_free(&shown);
    return rc;
}

static int gguf_cmp_keys(const void *a, const void *b, void *ud)
{
    const struct gguf *g = ud;
    const struct gguf_key *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(g->kbuf + x->name, g->kbuf + y->name, n);
    if (c != 0) {
        return c;
    }
    return x->len < y->len ? -1 : x->len > y->len ? 1 : (x->off < y->off ? -1 : 1);
}

static int gguf_cmp_names(const void *a, const void *b, void *ud)
{
    const struct gguf *g = ud;
    const struct gguf_tensor *x = a, *y = b;
    int c = strcmp(g->names + x->name, g->names + y->name);
    return c != 0 ? c : (x->index < y->index ? -1 : 1);
}

static int gguf_cmp_off(const void *a, const void *b, void *ud)
{
    (void)ud;
    const struct gguf_tensor *x = a, *y = b;
    if (x->off != y->off) {
        return x->off < y->off ? -1 : 1;
    }
    return x->index < y->index ? -1 : 1;
}

static int gguf_cmp_index(const void *a, const void *b, void *ud)
{
    (void)ud;
    const struct gguf_tensor *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void gguf_duplicates(struct gguf *g)
{
    if (g->nkeys > 1) {
        qsort_r(g->keys, g->nkeys, sizeof(*g->keys), gguf_cmp_keys, g);
    }
    for (size_t i = 1; i < g->nkeys; i++) {
        const struct gguf_key *a = &g->keys[i - 1], *b = &g->keys[i];
        if (a->len == b->len && memcmp(g->kbuf + a->name, g->kbuf + b->name, a->len) == 0) {
            struct cu_buf k = CU_BUF_INIT(200);
            cu_buf_add_escaped(&k, (const uint8_t *)g->kbuf + b->name, b->len);
            cu_emit(g->ctx, g->src, b->off, "gguf/duplicate-key", CU_SEV_DEFAULT, cu_buf_str(&k),
                    "metadata key '%s' appears again (first at offset %llu): readers disagree "
                    "on which value wins",
                    cu_buf_str(&k), (unsigned long long)a->off);
            cu_buf_free(&k);
        }
    }
    if (g->ntens > 1) {
        qsort_r(g->tens, g->ntens, sizeof(*g->tens), gguf_cmp_names, g);
    }
    for (size_t i = 1; i < g->ntens; i++) {
        const struct gguf_tensor *a = &g->tens[i - 1], *b = &g->tens[i];
        if (strcmp(g->names + a->name, g->names + b->name) == 0) {
            cu_emit(g->ctx, g->src, b->info_off, "gguf/duplicate-tensor", CU_SEV_DEFAULT,
                    g->names + b->name, "tensor '%s' is declared twice", g->names + b->name);
        }
    }
}

/* Offsets aligned, every tensor inside the file, no two overlapping; llama.cpp also wants
 * them in order and packed (each at the previous end rounded up to the alignment). */
static void gguf_layout(struct gguf *g, uint64_t data)
{
    uint64_t room = data < g->fsize ? g->fsize - data : 0;
    uint64_t expect = 0;
    bool packed = true;
    if (g->ntens > 1) {
        qsort_r(g->tens, g->ntens, sizeof(*g->tens), gguf_cmp_index, g);
    }
    for (size_t i = 0; i < g->ntens; i++) {
        struct gguf_tensor *t = &g->tens[i];
        const char *nm = g->names + t->name;
        if (t->off % g->alignment != 0) {
            cu_emit(g->ctx, g->src, t->info_off, "gguf/tensor-layout", CU_SEV_DEFAULT, nm,
                    "tensor '%s' at data offset %llu is not aligned to %u", nm,
                    (unsigned long long)t->off, g->alignment);
        }
        if (t->off > room || t->size > room - t->off) {
            cu_emit(g->ctx, g->src, t->info_off, "gguf/tensor-layout", CU_SEV_DEFAULT, nm,
                    "tensor '%s' (%llu bytes at data offset %llu) ends past the end of the "
                    "file (data section of %llu bytes)",
                    nm, (unsigned long long)t->size, (unsigned long long)t->off,
                    (unsigned long long)room);
            t->size = UINT64_MAX; /* excluded from the overlap check */
        }
        if (packed && t->off != expect) {
            packed = false;
            cu_emit(g->ctx, g->src, t->info_off, "gguf/tensor-order", CU_SEV_DEFAULT, nm,
                    "tensor '%s' is at data offset %llu where llama.cpp expects %llu (gap or "
                    "out of order): readers disagree on this file",
                    nm, (unsigned long long)t->off, (unsigned long long)expect);
        }
        uint64_t pad = t->size % g->alignment ? g->alignment - t->size % g->alignment : 0;
        if (t->size == UINT64_MAX || __builtin_add_overflow(t->off, t->size, &expect) ||
            __builtin_add_overflow(expect, pad, &expect)) {
            packed = false;
        }
    }
    if (g->ntens > 1) {
        qsort_r(g->tens, g->ntens, sizeof(*g->tens), gguf_cmp_off, g);
    }
    const struct gguf_tensor *prev = NULL;
    for (size_t i = 0; i < g->ntens; i++) {
        const struct gguf_tensor *t = &g->tens[i];
        if (t->size == UINT64_MAX) {
            continue;
        }
        if (prev != NULL && t->off - prev->off < prev->size) {
            cu_emit(g->ctx, g->src, t->info_off, "gguf/tensor-layout", CU_SEV_DEFAULT,
                    g->names + t->name, "tensor '%s' overlaps tensor '%s' in the data section",
                    g->names + t->name, g->names + prev->name);
        }
        if (prev == NULL || t->off + t->size > prev->off + prev->size) {
            prev = t; /* in bounds: no overflow */
        }
    }
}

static void gguf_facts(struct gguf *g, uint64_t nkv)
{
    struct cu_buf b = CU_BUF_INIT(1024);
    cu_buf_addf(&b, "GGUF v%u, architecture %s, %zu tensors, %llu key/values, ", g->version,
                g->arch[0] != '\0' ? g->arch : "(none)", g->ntens, (unsigned long long)nkv);
    if (g->params_big) {
        cu_buf_adds(&b, "over 2^64 parameters");
    } else {
        cu_buf_addf(&b, "%llu parameters", (unsigned long long)g->params);
    }
    bool first = true;
    for (size_t t = 0; t < GGML_NTYPES; t++) {
        if (g->type_count[t] != 0) {
            cu_buf_addf(&b, "%s%s x%llu", first ? ", types " : " ", ggml_types[t].name,
                        (unsigned long long)g->type_count[t]);
            first = false;
        }
    }
    cu_buf_addf(&b, ", %u chat template%s", g->templates, g->templates == 1 ? "" : "s");
    cu_emit(g->ctx, g->src, CU_NO_OFFSET, "gguf/facts", CU_SEV_DEFAULT, NULL, "%s", cu_buf_str(&b));
    cu_buf_free(&b);
    /* BOM facts (docs/facts.md) */
    cu_fact(g->ctx, "format", "gguf");
    cu_fact(g->ctx, "framework", "gguf");
    cu_fact(g->ctx, "gguf.version", "%u", g->version);
    cu_fact(g->ctx, "gguf.tensor_count", "%zu", g->ntens);
    cu_fact(g->ctx, "gguf.kv_count", "%llu", (unsigned long long)nkv);
    if (g->arch[0] != '\0') {
        cu_fact(g->ctx, "model.architecture", "%s", g->arch);
    }
    if (!g->params_big) {
        cu_fact(g->ctx, "model.parameters", "%llu", (unsigned long long)g->params);
    }
    size_t best = GGML_NTYPES;
    for (size_t t = 0; t < GGML_NTYPES; t++) {
        if (g->type_count[t] != 0 &&
            (best == GGML_NTYPES || g->type_count[t] > g->type_count[best])) {
            best = t;
        }
        /* Without general.file_type, every block-quantized tensor type is listed. */
        if (!g->ftype && g->type_count[t] != 0 && ggml_types[t].block > 1) {
            cu_fact(g->ctx, "model.quantization", "%s", ggml_types[t].name);
        }
    }
    if (best < GGML_NTYPES) {
        cu_fact(g->ctx, "model.dtype", "%s", ggml_types[best].name);
    }
    if (g->templates > 0) {
        cu_fact(g->ctx, "model.chat_template", "present");
    }
}

static bool gguf_sniff(const struct cu_sniff *in)
{
    return in->len >= 4 && memcmp(in->head, "GGUF", 4) == 0;
}

static int gguf_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct gguf g;
    memset(&g, 0, sizeof(g));
    g.ctx = ctx;
    g.src = src;
    g.err = cu_ctx_err(ctx);
    g.alignment = GGUF_DEFAULT_ALIGN;
    uint64_t ntens = 0, nkv = 0;
    int rc = cu_source_size(src, &g.fsize, g.err);
    if (rc < 0) {
        return rc;
    }
    rc = cu_stream_init(&g.st, src, 0, GGUF_WINDOW, g.err);
    if (rc < 0) {
        return rc;
    }
    uint8_t hdr[8];
    rc = cu_stream_read(&g.st, hdr, sizeof(hdr));
    if (rc < 0) {
        goto out;
    }
    g.version = cu_load_u32le(hdr + 4);
    if (g.version != 1 && g.version != 2 && g.version != 3) {
        uint32_t be = __builtin_bswap32(g.version);
        if (be >= 1 && be <= 3) {
            rc = cu_err_unsupported(g.err, src->loc, 4, "big-endian GGUF v%u", be);
        } else {
            rc = cu_err_malformed(g.err, src->loc, 4, "unknown GGUF version %u", g.version);
        }
        goto out;
    }
    rc = gguf_len(&g, &ntens);
    if (rc == 0) {
        rc = gguf_len(&g, &nkv);
    }
    if (rc < 0) {
        goto out;
    }
    /* SPEC: counts bounded by the bytes that remain (a key/value takes at least a length, one
     * key byte, a type and a one-byte value; a tensor info a length, n_dims, type, offset). */
    uint64_t min_kv = gguf_lenw(&g) + 1u + 4u + 1u;
    uint64_t min_ti = gguf_lenw(&g) + 4u + 4u + 8u;
    if (nkv > gguf_left(&g) / min_kv || ntens > gguf_left(&g) / min_ti ||
        nkv * min_kv > gguf_left(&g) - ntens * min_ti) {
        rc = cu_err_malformed(g.err, src->loc, 8,
                              "header claims %llu tensors and %llu key/values: more than the "
                              "%llu bytes that follow can hold",
                              (unsigned long long)ntens, (unsigned long long)nkv,
                              (unsigned long long)gguf_left(&g));
        goto out;
    }
    if (nkv > CU_LIMIT_GGUF_KV || ntens > CU_LIMIT_GGUF_TENSORS) {
        rc = cu_err_limit(g.err, src->loc, 8, "%llu tensors, %llu key/values",
                          (unsigned long long)ntens, (unsigned long long)nkv);
        goto out;
    }
    for (uint64_t i = 0; i < nkv; i++) {
        rc = gguf_kv(&g);
        if (rc < 0) {
            goto out;
        }
    }
    for (uint64_t i = 0; i < ntens; i++) {
        rc = gguf_tensor_info(&g, (size_t)i);
        if (rc < 0) {
            goto out;
        }
    }
    /* SPEC: the data section starts at the next multiple of the alignment. */
    uint64_t end = cu_stream_tell(&g.st), data;
    uint64_t pad = end % g.alignment ? g.alignment - end % g.alignment : 0;
    if (__builtin_add_overflow(end, pad, &data) || (g.ntens > 0 && data > g.fsize)) {
        rc = cu_err_malformed(g.err, src->loc, end,
                              "tensor data section (aligned to %u) starts past the end of the file",
                              g.alignment);
        goto out;
    }
    gguf_duplicates(&g);
    gguf_layout(&g, data);
    gguf_facts(&g, nkv);
out:
    if (rc < 0 && g.nkeys > 0) {
        gguf_duplicates(&g); /* what was read before the damage is still reported */
    }
    cu_stream_free(&g.st);
    free(g.keys);
    free(g.kbuf);
    free(g.tens);
    free(g.names);
    return rc;
}

static const char *const gguf_ext[] = { "*.gguf", "*.ggml", NULL };
const struct cu_analyzer cu_analyzer_gguf = { "gguf", gguf_ext, gguf_sniff, gguf_analyze };
