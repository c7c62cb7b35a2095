/* safetensors (huggingface/safetensors, docs and safetensors/src/tensor.rs): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON, then the data section. The JSON maps
 * tensor names to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
 * data section) plus an optional "__metadata__" string-to-string map. The reference reader
 * accepts a file only when the tensors, sorted by offset, tile the data section exactly:
 * each begins where the previous ends, end - begin = prod(shape) * dtype size, and the last
 * ends at the end of the file. We check the same, say which rule a file breaks, and never read
 * tensor data: only the 8 length bytes and the header leave the disk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "engine/engine.h"
#include "core/banned.h"

#define ST_META_KEY "__metadata__"

struct st_dtype {
    const char *name;
    unsigned bits;
};

/* The reference's Dtype enum (bitsize()), in its order. */
static const struct st_dtype st_dtypes[] = {
    { "BOOL", 8 }, { "F4", 4 },      { "F6_E2M3", 6 }, { "F6_E3M2", 6 }, { "U8", 8 },
    { "I8", 8 },   { "F8_E5M2", 8 }, { "F8_E4M3", 8 }, { "F8_E8M0", 8 }, { "I16", 16 },
    { "U16", 16 }, { "F16", 16 },    { "BF16", 16 },   { "I32", 32 },    { "U32", 32 },
    { "F32", 32 }, { "C64", 64 },    { "F64", 64 },    { "I64", 64 },    { "U64", 64 },
};
#define ST_NDTYPES (sizeof(st_dtypes) / sizeof(st_dtypes[0]))

struct st_tensor {
    const char *name; /* borrowed from the JSON document */
    uint64_t begin, end;
};

struct st_state {
    struct cu_ctx *ctx;
    struct cu_source *src;
    uint64_t hdr_len;  /* N */
    uint64_t data_len; /* bytes after the header */
    struct st_tensor *t;
    size_t nt;
    uint64_t params;
    bool params_overflow;
    size_t dtype_count[ST_NDTYPES];
    uint64_t dtype_params[ST_NDTYPES];
};

static bool st_sniff(const struct cu_sniff *in)
{
    if (in->len < 10) {
        return false;
    }
    uint64_t n = cu_load_u64le(in->head);
    if (n < 2) {
        return false;
    }
    /* The length must fit the file; a truncated file still counts when it is named like one
     * (tiebreaker only: the '{' below is required either way). */
    if (in->size != CU_SIZE_UNKNOWN && n > in->size - 8 &&
        !(in->name != NULL && cu_has_suffix_ci(in->name, ".safetensors"))) {
        return false;
    }
    if (n > (1ull << 40)) {
        return false; /* not a plausible header length: some other format */
    }
    size_t i = 8;
    while (i < in->len && in->head[i] == ' ') {
        i++;
    }
    if (i >= in->len || in->head[i] != '{') {
        return false;
    }
    for (i++; i < in->len; i++) {
        uint8_t c = in->head[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            continue;
        }
        return c == '"' || c == '}';
    }
    return true;
}

static const struct st_dtype *st_find_dtype(const char *s, size_t *idx)
{
    for (size_t i = 0; i < ST_NDTYPES; i++) {
        if (strcmp(st_dtypes[i].name, s) == 0) {
            *idx = i;
            return &st_dtypes[i];
        }
    }
    return NULL;
}

/* A JSON integer in [0, UINT64 range of json_int_t]. */
static bool st_uint(const json_t *v, uint64_t *out)
{
    if (!json_is_integer(v)) {
        return false;
    }
    json_int_t x = json_integer_value(v);
    if (x < 0) {
        return false;
    }
    *out = (uint64_t)x;
    return true;
}

static void st_check_metadata(struct st_state *st, const json_t *meta)
{
    if (json_is_null(meta)) {
        return; /* Option<HashMap>: null is None */
    }
    if (!json_is_object(meta)) {
        cu_emit(st->ctx, st->src, 8, "safetensors/bad-metadata", CU_SEV_DEFAULT, NULL,
                "'__metadata__' is not an object of strings");
        return;
    }
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)meta, k, v)
    {
        if (!json_is_string(v)) {
            cu_emit(st->ctx, st->src, 8, "safetensors/bad-metadata", CU_SEV_DEFAULT, k,
                    "'__metadata__' entry '%s' is not a string", k);
        }
    }
}

/* Checks one tensor entry; a tensor with usable offsets goes into st->t for the layout check. */
static void st_check_tensor(struct st_state *st, const char *name, const json_t *v)
{
    struct cu_ctx *ctx = st->ctx;
    const json_t *dtype = json_object_get(v, "dtype");
    const json_t *shape = json_object_get(v, "shape");
    const json_t *offs = json_object_get(v, "data_offsets");
    if (!json_is_object(v) || (dtype == NULL && shape == NULL && offs == NULL)) {
        cu_emit(ctx, st->src, 8, "safetensors/unknown-key", CU_SEV_DEFAULT, name,
                "header key '%s' is neither a tensor nor '__metadata__'", name);
        return;
    }
    const char *k;
    const json_t *fv;
    json_object_foreach((json_t *)v, k, fv)
    {
        if (strcmp(k, "dtype") != 0 && strcmp(k, "shape") != 0 && strcmp(k, "data_offsets") != 0) {
            cu_emit(ctx, st->src, 8, "safetensors/extra-field", CU_SEV_DEFAULT, name,
                    "tensor '%s' has an extra field '%s' that loaders ignore", name, k);
        }
    }

    /* Offsets first: the layout check needs them even when the rest is wrong. */
    uint64_t begin = 0, end = 0;
    bool offs_ok = json_is_array(offs) && json_array_size(offs) == 2 &&
                   st_uint(json_array_get(offs, 0), &begin) &&
                   st_uint(json_array_get(offs, 1), &end);
    if (!offs_ok) {
        cu_emit(ctx, st->src, 8, "safetensors/invalid-tensor", CU_SEV_DEFAULT, name,
                "tensor '%s': 'data_offsets' is not a pair of non-negative integers", name);
        return;
    }
    if (end < begin) {
        cu_emit(ctx, st->src, 8, "safetensors/invalid-tensor", CU_SEV_DEFAULT, name,
                "tensor '%s': data_offsets end %llu is before begin %llu", name,
                (unsigned long long)end, (unsigned long long)begin);
        return;
    }
    st->t[st->nt].name = name;
    st->t[st->nt].begin = begin;
    st->t[st->nt].end = end;
    st->nt++;

    size_t di = 0;
    const struct st_dtype *dt = NULL;
    if (!json_is_string(dtype)) {
        cu_emit(ctx, st->src, 8, "safetensors/invalid-tensor", CU_SEV_DEFAULT, name,
                "tensor '%s': 'dtype' is missing or not a string", name);
    } else if ((dt = st_find_dtype(json_string_value(dtype), &di)) == NULL) {
        cu_emit(ctx, st->src, 8, "safetensors/invalid-tensor", CU_SEV_DEFAULT, name,
                "tensor '%s': unknown dtype '%s'", name, json_string_value(dtype));
    }
    if (!json_is_array(shape)) {
        cu_emit(ctx, st->src, 8, "safetensors/invalid-tensor", CU_SEV_DEFAULT, name,
                "tensor '%s': 'shape' is missing or not a list", name);
        return;
    }
    uint64_t count = 1;
    bool overflow = false;
    size_t i;
    const json_t *dim;
    json_array_foreach(shape, i, dim)
    {
        uint64_t d;
        if (!st_uint(dim, &d)) {
            cu_emit(ctx, st->src, 8, "safetensors/invalid-tensor", CU_SEV_DEFAULT, name,
                    "tensor '%s': shape entry %zu is not a non-negative integer", name, i);
            return;
        }
        if (__builtin_mul_overflow(count, d, &count)) {
            overflow = true;
        }
    }
    if (dt == NULL) {
        return;
    }
    uint64_t bits;
    if (overflow || __builtin_mul_overflow(count, (uint64_t)dt->bits, &bits)) {
        cu_emit(ctx, st->src, 8, "safetensors/size-overflow", CU_SEV_DEFAULT, name,
                "tensor '%s': shape times dtype size overflows 64 bits", name);
        return;
    }
    if (bits % 8 != 0) {
        cu_emit(ctx, st->src, 8, "safetensors/size-mismatch", CU_SEV_DEFAULT, name,
                "tensor '%s': %llu elements of %s do not fill whole bytes", name,
                (unsigned long long)count, dt->name);
        return;
    }
    if (bits / 8 != end - begin) {
        cu_emit(ctx, st->src, 8, "safetensors/size-mismatch", CU_SEV_DEFAULT, name,
                "tensor '%s': %llu elements of %s need %llu bytes but data_offsets span %llu", name,
                (unsigned long long)count, dt->name, (unsigned long long)(bits / 8),
                (unsigned long long)(end - begin));
        return;
    }
    st->dtype_count[di]++;
    if (__builtin_add_overflow(st->dtype_params[di], count, &st->dtype_params[di])) {
        st->dtype_params[di] = UINT64_MAX;
    }
    if (__builtin_add_overflow(st->params, count, &st->params)) {
        st->params_overflow = true;
    }
}

static int st_cmp(const void *a, const void *b)
{
    const struct st_tensor *x = a, *y = b;
    if (x->begin != y->begin) {
        return x->begin < y->begin ? -1 : 1;
    }
    if (x->end != y->end) {
        return x->end < y->end ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

/* The tensors must tile [0, data_len) exactly. */
static void st_check_layout(struct st_state *st)
{
    struct cu_ctx *ctx = st->ctx;
    uint64_t data_off = 8 + st->hdr_len;
    if (st->nt > 1) {
        qsort(st->t, st->nt, sizeof(st->t[0]), st_cmp);
    }
    uint64_t cur = 0;
    const char *prev = NULL;
    for (size_t i = 0; i < st->nt; i++) {
        const struct st_tensor *t = &st->t[i];
        if (t->end > st->data_len) {
            cu_emit(ctx, st->src, 8, "safetensors/out-of-bounds", CU_SEV_DEFAULT, t->name,
                    "tensor '%s': data_offsets [%llu, %llu] reach past the %llu-byte data section",
                    t->name, (unsigned long long)t->begin, (unsigned long long)t->end,
                    (unsigned long long)st->data_len);
        }
        if (t->begin < cur && t->end > t->begin) {
            cu_emit(ctx, st->src, data_off + t->begin, "safetensors/overlap", CU_SEV_DEFAULT,
                    t->name, "tensor '%s' [%llu, %llu] overlaps tensor '%s' (which ends at %llu)",
                    t->name, (unsigned long long)t->begin, (unsigned long long)t->end,
                    prev != NULL ? prev : "?", (unsigned long long)cur);
        } else if (t->begin > cur && cur < st->data_len) {
            cu_emit(ctx, st->src, data_off + cur, "safetensors/gap", CU_SEV_DEFAULT, t->name,
                    "%llu unreferenced bytes before tensor '%s' (offsets %llu to %llu)",
                    (unsigned long long)(t->begin - cur), t->name, (unsigned long long)cur,
                    (unsigned long long)t->begin);
        } else if (t->begin < cur) {
            cu_emit(ctx, st->src, data_off + t->begin, "safetensors/gap", CU_SEV_DEFAULT, t->name,
                    "empty tensor '%s' at offset %llu lies inside another tensor", t->name,
                    (unsigned long long)t->begin);
        }
        if (t->end > cur) {
            cur = t->end;
            prev = t->name;
        }
    }
    if (cur < st->data_len) {
        cu_emit(ctx, st->src, data_off + cur, "safetensors/trailing-data", CU_SEV_DEFAULT, NULL,
                "%llu bytes after the last tensor are not described by the header",
                (unsigned long long)(st->data_len - cur));
    }
}

static void st_summary(struct st_state *st, size_t ntensors)
{
    struct cu_buf b = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
    for (size_t i = 0; i < ST_NDTYPES; i++) {
        if (st->dtype_count[i] > 0) {
            cu_buf_addf(&b, "%s%s=%zu", b.len > 0 ? " " : "", st_dtypes[i].name,
                        st->dtype_count[i]);
        }
    }
    char params[32];
    if (st->params_overflow) {
        (void)snprintf(params, sizeof(params), "more than 2^64");
    } else {
        (void)snprintf(params, sizeof(params), "%llu", (unsigned long long)st->params);
    }
    cu_emit(st->ctx, st->src, CU_NO_OFFSET, "safetensors/summary", CU_SEV_DEFAULT, cu_buf_str(&b),
            "%zu tensors, %s parameters; dtypes: %s", ntensors, params,
            b.len > 0 ? cu_buf_str(&b) : "none");
    cu_buf_free(&b);
    /* BOM facts (docs/facts.md): the dtype holding the most elements is the model's dtype. */
    cu_fact(st->ctx, "format", "safetensors");
    if (!st->params_overflow) {
        cu_fact(st->ctx, "model.parameters", "%llu", (unsigned long long)st->params);
    }
    size_t best = ST_NDTYPES;
    for (size_t i = 0; i < ST_NDTYPES; i++) {
        if (st->dtype_count[i] > 0 &&
            (best == ST_NDTYPES || st->dtype_params[i] > st->dtype_params[best])) {
            best = i;
        }
    }
    if (best < ST_NDTYPES) {
        cu_fact(st->ctx, "model.dtype", "%s", st_dtypes[best].name);
    }
}

static int st_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    custody_error *err = cu_ctx_err(ctx);
    struct st_state st = { 0 };
    st.ctx = ctx;
    st.src = src;
    uint8_t *hdr = NULL;
    json_t *doc = NULL;
    uint64_t size;
    int rc = cu_source_size(src, &size, err);
    if (rc < 0) {
        return rc;
    }
    uint8_t lenb[8];
    rc = cu_source_read_exact(src, 0, lenb, sizeof(lenb), err);
    if (rc < 0) {
        return rc;
    }
    uint64_t n = cu_load_u64le(lenb);
    if (n > size - 8) {
        return cu_err_malformed(err, src->loc, 0,
                                "header length %llu is larger than the %llu bytes that follow",
                                (unsigned long long)n, (unsigned long long)(size - 8));
    }
    if (n < 2) {
        return cu_err_malformed(err, src->loc, 0, "header length %llu cannot hold a JSON object",
                                (unsigned long long)n);
    }
    if (n > CU_LIMIT_ST_HEADER) {
        cu_emit(ctx, src, 0, "safetensors/header-too-large", CU_SEV_DEFAULT, NULL,
                "header of %llu bytes exceeds the reference reader's %u-byte limit; not parsed",
                (unsigned long long)n, CU_LIMIT_ST_HEADER);
        return 0;
    }
    st.hdr_len = n;
    st.data_len = size - 8 - n;
    hdr = cu_malloc((size_t)n + 1);
    if (hdr == NULL) {
        return cu_err_nomem(err);
    }
    rc = cu_source_read_exact(src, 8, hdr, (size_t)n, err);
    if (rc < 0) {
        goto out;
    }
    if (hdr[0] != '{') {
        cu_emit(ctx, src, 8, "safetensors/header-quirk", CU_SEV_DEFAULT, NULL,
                "the header starts with whitespace, not '{' (newer readers reject it)");
    }
    size_t pad = (size_t)n;
    while (pad > 0 && hdr[pad - 1] == ' ') {
        pad--;
    }
    if (pad > 0 && hdr[pad - 1] != '}') {
        cu_emit(ctx, src, 8 + pad - 1, "safetensors/header-quirk", CU_SEV_DEFAULT, NULL,
                "the header is not padded with spaces after its closing '}'");
    }

    json_error_t jerr;
    doc = json_loadb((const char *)hdr, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL && json_error_code(&jerr) == json_error_duplicate_key) {
        cu_emit(ctx, src, 8 + (uint64_t)jerr.position, "safetensors/duplicate-key", CU_SEV_DEFAULT,
                NULL,
                "the header repeats a key (line %d, column %d): readers disagree about which "
                "entry wins",
                jerr.line, jerr.column);
        /* Carry on with the last-wins reading, as serde_json and Python's json do. */
        doc = json_loadb((const char *)hdr, (size_t)n, 0, &jerr);
    }
    if (doc == NULL) {
        rc = cu_err_malformed(
            err, src->loc, 8 + (uint64_t)jerr.position, "header is not valid %s: %s",
            json_error_code(&jerr) == json_error_invalid_utf8 ? "UTF-8" : "JSON", jerr.text);
        goto out;
    }
    if (!json_is_object(doc)) {
        rc = cu_err_malformed(err, src->loc, 8, "header is not a JSON object");
        goto out;
    }
    size_t nkeys = json_object_size(doc);
    st.t = cu_calloc(nkeys > 0 ? nkeys : 1, sizeof(st.t[0]));
    if (st.t == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    size_t ntensors = 0;
    const char *k;
    const json_t *v;
    json_object_foreach(doc, k, v)
    {
        if (strcmp(k, ST_META_KEY) == 0) {
            st_check_metadata(&st, v);
        } else {
            st_check_tensor(&st, k, v);
            ntensors++;
        }
    }
    st_check_layout(&st);
    st_summary(&st, ntensors);
out:
    json_decref(doc);
    free(st.t);
    free(hdr);
    return rc;
}

static const char *const st_ext[] = { ".safetensors", NULL };

const struct cu_analyzer cu_analyzer_safetensors = { "safetensors", st_ext, st_sniff, st_analyze };
