/* joblib (joblib/numpy_pickle.py, numpy_pickle_compat.py, numpy_pickle_utils.py):
 *  - NumpyArrayWrapper (joblib >= 0.10): NumpyUnpickler.load_build replaces the wrapper with
 *    an array read straight from the stream: for joblib >= 1.2 (state key
 *    numpy_array_alignment_bytes) one padding-length byte and that many 0xff bytes, then
 *    prod(shape) * itemsize raw bytes; for an object dtype, a nested pickle (pickle.dump(array,
 *    protocol=2)). Those raw bytes are not pickle opcodes and must be skipped, not parsed.
 *  - NDArrayWrapper / ZNDArrayWrapper (joblib < 0.10): the array lives in a side file named in
 *    the state, joined to the dump's directory.
 *  - "ZF" files (joblib < 0.10 compressed dumps and ZNDArrayWrapper side files): 'ZF', the
 *    decompressed length as '0x...' hex padded to 19 chars, an optional space, a zlib stream.
 * Compressed modern dumps (zlib/gzip/bz2/xz/lzma around the whole stream) are compress.c's. */
#include "formats/joblib.h"
#include "formats/compress.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "core/banned.h"

#define JL_ZF_HDR      21u /* 'ZF' + len(hex(2**64)) */
#define JL_DTYPE_DEPTH 8u

/* ---- the inline array ---- */

int cu_joblib_consume_array(struct cu_ctx *ctx,
                            struct cu_stream *st,
                            const struct cu_joblib_array *a)
{
    custody_error *err = cu_ctx_err(ctx);
    uint64_t at = cu_stream_tell(st);
    if (a->hasobject) {
        /* pickle.load(file_handle): a plain unpickler, so wrappers inside are not expanded */
        static const struct cu_pickle_hooks plain = { NULL, NULL };
        struct cu_pickle_opts po = { .single = true, .hooks = &plain };
        return cu_pickle_scan_stream(ctx, st, &po);
    }
    if (a->aligned) {
        uint8_t plen;
        int rc = cu_stream_getc(st, &plen);
        if (rc <= 0) {
            cu_emit(ctx, st->src, at, "joblib/array-data", CU_SEV_DEFAULT, NULL,
                    "stream ends before the array's padding byte");
            return rc < 0 ? rc : cu_err_malformed(err, "joblib array", at, "truncated");
        }
        uint8_t pad[255];
        if (plen > 0 && (rc = cu_stream_read(st, pad, plen)) < 0) {
            cu_emit(ctx, st->src, at, "joblib/array-data", CU_SEV_DEFAULT, NULL,
                    "stream ends inside the array's %u padding bytes", plen);
            return rc;
        }
        bool ff = true;
        for (unsigned i = 0; i < plen; i++) {
            ff = ff && pad[i] == 0xff;
        }
        uint64_t expect = 0;
        if (a->alignment > 0 && a->alignment <= 255) {
            expect = a->alignment - ((at + 1) % a->alignment);
        }
        if (!ff || (expect != 0 && plen != expect)) {
            cu_emit(ctx, st->src, at, "joblib/array-padding", CU_SEV_DEFAULT, NULL,
                    "%u padding bytes%s where joblib writes %llu bytes of 0xff", plen,
                    ff ? "" : " (not all 0xff)", (unsigned long long)expect);
        }
    }
    uint64_t bytes;
    if (__builtin_mul_overflow(a->count, a->itemsize, &bytes)) {
        cu_emit(ctx, st->src, at, "joblib/array-data", CU_SEV_DEFAULT, NULL,
                "array size overflows 64 bits");
        return cu_err_malformed(err, "joblib array", at, "array size overflows");
    }
    int rc = cu_stream_skip(st, bytes);
    if (rc == CUSTODY_EMALFORMED) {
        cu_emit(ctx, st->src, at, "joblib/array-data", CU_SEV_DEFAULT, NULL,
                "stream ends inside the array data (%llu bytes expected)",
                (unsigned long long)bytes);
    }
    return rc;
}

/* ---- reading the wrapper's state ---- */

static bool jl_is(const char *m, const char *n, const char *want_n)
{
    if (strcmp(n, want_n) != 0) {
        return false;
    }
    return strcmp(m, "joblib.numpy_pickle") == 0 || strcmp(m, "joblib.numpy_pickle_compat") == 0 ||
           strcmp(m, "sklearn.externals.joblib.numpy_pickle") == 0 ||
           strcmp(m, "sklearn.externals.joblib.numpy_pickle_compat") == 0;
}

/* The class a CALL instantiates: the callable itself, or args[0] of copyreg.__newobj__ /
 * copyreg._reconstructor (protocols 0-1 and some NEWOBJ spellings). */
static bool jl_class(const struct cu_pv *obj, const char **m, const char **n)
{
    const struct cu_pv *c = cu_pv_call_callable(obj);
    if (c == NULL || !cu_pv_global(c, m, n)) {
        return false;
    }
    if ((strcmp(*m, "copyreg") == 0 || strcmp(*m, "copy_reg") == 0) &&
        (strcmp(*n, "__newobj__") == 0 || strcmp(*n, "_reconstructor") == 0)) {
        const struct cu_pv *args = cu_pv_call_args(obj);
        const struct cu_pv *cls = args != NULL ? cu_pv_item(args, 0) : NULL;
        return cls != NULL && cu_pv_global(cls, m, n);
    }
    return true;
}

static bool jl_str_is(const struct cu_pv *v, const char *s)
{
    const uint8_t *p;
    size_t len;
    uint64_t full;
    return v != NULL && cu_pv_kind(v) == CU_PV_STR && cu_pv_bytes(v, &p, &len, &full) &&
           full == len && len == strlen(s) && memcmp(p, s, len) == 0;
}

/* Size and object-ness of a pickled numpy.dtype: CALL numpy.dtype(typestr, False, True) with
 * BUILD state (version, byteorder, subarray, names, fields, elsize, alignment, flags[, meta]). */
static bool jl_dtype(const struct cu_pv *dt, unsigned depth, uint64_t *itemsize, bool *hasobject)
{
    const char *m, *n;
    if (depth > JL_DTYPE_DEPTH || dt == NULL || cu_pv_kind(dt) != CU_PV_CALL) {
        return false;
    }
    const struct cu_pv *c = cu_pv_call_callable(dt);
    if (c == NULL || !cu_pv_global(c, &m, &n) || strcmp(n, "dtype") != 0 ||
        (strcmp(m, "numpy") != 0 && strcmp(m, "numpy.core.multiarray") != 0)) {
        return false;
    }
    const struct cu_pv *args = cu_pv_call_args(dt);
    const struct cu_pv *ts = args != NULL ? cu_pv_item(args, 0) : NULL;
    const uint8_t *p;
    size_t len;
    uint64_t full;
    if (ts == NULL || cu_pv_kind(ts) != CU_PV_STR || !cu_pv_bytes(ts, &p, &len, &full) ||
        len != full || len < 1 || len > 32) {
        return false;
    }
    char kind = (char)p[0];
    uint64_t size = 0;
    size_t i = 1;
    for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
        size = size * 10u + (uint64_t)(p[i] - '0'); /* len <= 32 bounds nothing: check */
        if (size > (1ull << 40)) {
            return false;
        }
    }
    if (i < len && p[i] != '[') { /* "M8[ns]" keeps a unit, nothing else may follow */
        return false;
    }
    *hasobject = kind == 'O';
    if (kind == 'U') {
        size *= 4;
    } else if (strchr("biufcSaVMmO?", kind) == NULL || kind == '\0') {
        return false;
    }
    const struct cu_pv *state = cu_pv_call_state(dt);
    if (state != NULL && cu_pv_kind(state) == CU_PV_TUPLE && cu_pv_len(state) >= 8) {
        int64_t elsize;
        if (cu_pv_int(cu_pv_item(state, 5), &elsize) && elsize > 0) {
            size = (uint64_t)elsize; /* flexible and structured types carry their size */
        }
        /* objects inside a subarray or a structured field */
        const struct cu_pv *sub = cu_pv_item(state, 2);
        if (sub != NULL && cu_pv_kind(sub) == CU_PV_TUPLE && cu_pv_len(sub) >= 1) {
            uint64_t s2;
            bool o2 = false;
            if (!jl_dtype(cu_pv_item(sub, 0), depth + 1, &s2, &o2)) {
                return false;
            }
            *hasobject |= o2;
        }
        const struct cu_pv *names = cu_pv_item(state, 3);
        const struct cu_pv *fields = cu_pv_item(state, 4);
        if (names != NULL && cu_pv_kind(names) == CU_PV_TUPLE) {
            if (fields == NULL || cu_pv_kind(fields) != CU_PV_DICT) {
                return false;
            }
            for (size_t k = 0; k < cu_pv_len(names); k++) {
                const struct cu_pv *nm = cu_pv_item(names, k);
                const uint8_t *np;
                size_t nl;
                uint64_t nf;
                char key[256];
                if (nm == NULL || !cu_pv_bytes(nm, &np, &nl, &nf) || nl != nf ||
                    nl >= sizeof(key) || memchr(np, 0, nl) != NULL) {
                    return false;
                }
                memcpy(key, np, nl);
                key[nl] = '\0';
                const struct cu_pv *f = cu_pv_dict_get(fields, key);
                uint64_t s2;
                bool o2 = false;
                if (f == NULL || cu_pv_kind(f) != CU_PV_TUPLE ||
                    !jl_dtype(cu_pv_item(f, 0), depth + 1, &s2, &o2)) {
                    return false;
                }
                *hasobject |= o2;
            }
        }
    }
    *itemsize = size;
    return size > 0 || *hasobject;
}

static int jl_bad_state(struct cu_ctx *ctx, struct cu_stream *st, const char *why)
{
    uint64_t at = cu_stream_tell(st);
    cu_emit(ctx, st->src, at, "joblib/array-data", CU_SEV_DEFAULT, NULL,
            "NumpyArrayWrapper state %s; the array bytes that follow cannot be sized, so the "
            "rest of the stream is not analysed",
            why);
    return cu_err_malformed(cu_ctx_err(ctx), "joblib array", at, "NumpyArrayWrapper state %s", why);
}

static int jl_numpy_wrapper(struct cu_ctx *ctx, struct cu_stream *st, const struct cu_pv *obj)
{
    const struct cu_pv *state = cu_pv_call_state(obj);
    if (state == NULL || cu_pv_kind(state) != CU_PV_DICT) {
        return jl_bad_state(ctx, st, "is not a dict");
    }
    struct cu_joblib_array a;
    memset(&a, 0, sizeof(a));
    const struct cu_pv *shape = cu_pv_dict_get(state, "shape");
    if (shape == NULL || (cu_pv_kind(shape) != CU_PV_TUPLE && cu_pv_kind(shape) != CU_PV_LIST)) {
        return jl_bad_state(ctx, st, "has no shape tuple");
    }
    a.count = 1;
    for (size_t i = 0; i < cu_pv_len(shape); i++) {
        int64_t d;
        if (!cu_pv_int(cu_pv_item(shape, i), &d) || d < 0) {
            return jl_bad_state(ctx, st, "has a bad shape dimension");
        }
        if (__builtin_mul_overflow(a.count, (uint64_t)d, &a.count)) {
            return jl_bad_state(ctx, st, "has a shape whose product overflows");
        }
    }
    const struct cu_pv *order = cu_pv_dict_get(state, "order");
    if (!jl_str_is(order, "C") && !jl_str_is(order, "F")) {
        return jl_bad_state(ctx, st, "has an order other than 'C' or 'F'");
    }
    if (!jl_dtype(cu_pv_dict_get(state, "dtype"), 0, &a.itemsize, &a.hasobject)) {
        return jl_bad_state(ctx, st, "has a dtype Custody cannot size");
    }
    const struct cu_pv *al = cu_pv_dict_get(state, "numpy_array_alignment_bytes");
    if (al != NULL && cu_pv_kind(al) != CU_PV_NONE) {
        int64_t v;
        if (!cu_pv_int(al, &v) || v < 0) {
            return jl_bad_state(ctx, st, "has a non-integer numpy_array_alignment_bytes");
        }
        a.aligned = true;
        a.alignment = (uint64_t)v;
    }
    return cu_joblib_consume_array(ctx, st, &a);
}

static void
jl_side_file(struct cu_ctx *ctx, struct cu_stream *st, const struct cu_pv *obj, const char *cls)
{
    const struct cu_pv *state = cu_pv_call_state(obj);
    const struct cu_pv *fn =
        state != NULL && cu_pv_kind(state) == CU_PV_DICT ? cu_pv_dict_get(state, "filename") : NULL;
    const uint8_t *p;
    size_t len;
    uint64_t full;
    uint64_t at = cu_stream_tell(st);
    if (fn == NULL || !cu_pv_bytes(fn, &p, &len, &full)) {
        cu_emit(ctx, st->src, at, "joblib/side-file", CUSTODY_SEV_MEDIUM, NULL,
                "%s without a readable filename: the side file it loads is unknown", cls);
        return;
    }
    struct cu_buf b = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
    cu_buf_add_escaped(&b, p, len);
    bool bad = len != full || len == 0 || memchr(p, '/', len) != NULL ||
               memchr(p, '\\', len) != NULL || memchr(p, 0, len) != NULL ||
               (len >= 2 && memcmp(p, "..", 2) == 0) || (len >= 2 && p[1] == ':');
    if (bad) {
        cu_emit(ctx, st->src, at, "joblib/side-file-traversal", CU_SEV_DEFAULT, cu_buf_str(&b),
                "%s loads its array from '%s', a name with a path separator, '..' or a drive", cls,
                cu_buf_str(&b));
    } else {
        cu_emit(ctx, st->src, at, "joblib/side-file", CU_SEV_DEFAULT, cu_buf_str(&b),
                "%s loads its array from side file '%s' (numpy.load with allow_pickle=True)", cls,
                cu_buf_str(&b));
    }
    cu_buf_free(&b);
}

int cu_joblib_after_build(void *ud,
                          struct cu_ctx *ctx,
                          struct cu_stream *st,
                          const struct cu_pv *obj)
{
    (void)ud;
    const char *m, *n;
    if (obj == NULL || cu_pv_kind(obj) != CU_PV_CALL || !jl_class(obj, &m, &n)) {
        return 0;
    }
    if (jl_is(m, n, "NumpyArrayWrapper")) {
        return jl_numpy_wrapper(ctx, st, obj);
    }
    if (jl_is(m, n, "NDArrayWrapper") || jl_is(m, n, "ZNDArrayWrapper")) {
        jl_side_file(ctx, st, obj, n);
    }
    return 0;
}

/* ---- the ZF container ---- */

bool cu_joblib_zf_header(const uint8_t *p, size_t n, uint64_t *length)
{
    if (n < JL_ZF_HDR || p[0] != 'Z' || p[1] != 'F') {
        return false;
    }
    /* Python int(s, 16): optional whitespace, optional 0x, hex digits (with single '_'
     * between digits), optional whitespace. joblib writes '0x...' then spaces. */
    size_t i = 2, end = JL_ZF_HDR;
    while (i < end && (p[i] == ' ' || p[i] == '\t')) {
        i++;
    }
    if (end - i >= 2 && p[i] == '0' && (p[i + 1] == 'x' || p[i + 1] == 'X')) {
        i += 2;
    }
    uint64_t v = 0;
    size_t digits = 0;
    for (; i < end; i++) {
        uint8_t c = p[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            d = (unsigned)(c - 'A' + 10);
        } else {
            break;
        }
        if (v > (UINT64_MAX >> 4)) {
            return false;
        }
        v = (v << 4) | d;
        digits++;
    }
    for (; i < end; i++) {
        if (p[i] != ' ' && p[i] != '\t') {
            return false;
        }
    }
    if (digits == 0) {
        return false;
    }
    *length = v;
    return true;
}

static bool zf_sniff(const struct cu_sniff *in)
{
    uint64_t len;
    return cu_joblib_zf_header(in->head, in->len, &len);
}

static int zf_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    custody_error *err = cu_ctx_err(ctx);
    uint8_t hdr[JL_ZF_HDR + 1];
    size_t got = 0;
    uint64_t length, size;
    int rc = cu_source_size(src, &size, err);
    if (rc < 0 || (rc = cu_source_read(src, 0, hdr, sizeof(hdr), &got, err)) < 0) {
        return rc;
    }
    if (!cu_joblib_zf_header(hdr, got, &length)) {
        return cu_err_malformed(err, "joblib ZF", 2, "bad ZF length field");
    }
    uint64_t start = got > JL_ZF_HDR && hdr[JL_ZF_HDR] == ' ' ? JL_ZF_HDR + 1 : JL_ZF_HDR;
    struct cu_compress_info info;
    memset(&info, 0, sizeof(info));
    struct cu_compress_opts copts = { CU_COMPRESS_ZLIB, length, cu_ctx_budget(ctx), 0, &info };
    char *loc = cu_source_member_loc(src, "zlib");
    struct cu_source *dec = NULL;
    if (loc == NULL) {
        return cu_err_nomem(err);
    }
    /* the name without a compression suffix: a .pkl whose content nothing recognises stays a
     * finding, and a .gz (how joblib < 0.10 named ZF files) says nothing about the pickle */
    char *inner = cu_compress_inner_name(src->name);
    if (inner == NULL) {
        free(loc);
        return cu_err_nomem(err);
    }
    rc = cu_compress_source_ex(&dec, src, start, size - start, &copts, loc, inner, err);
    free(inner);
    free(loc);
    if (rc < 0) {
        return rc;
    }
    uint8_t head[CU_LIMIT_SNIFF];
    got = 0;
    rc = cu_source_read(dec, 0, head, sizeof(head), &got, err);
    if (rc < 0) {
        goto out;
    }
    struct cu_sniff sn = { head, got, length, dec->name, cu_ctx_depth(ctx), NULL, NULL };
    bool known = false;
    for (size_t i = 0; i < cu_registry_len && !known; i++) {
        known = cu_registry[i]->sniff(&sn);
    }
    if (known || cu_pickle_sniff(head, got)) {
        if ((rc = cu_dispatch(ctx, dec)) < 0) {
            goto out;
        }
    } else {
        cu_emit(ctx, src, start, "joblib/zf-raw-data", CU_SEV_DEFAULT, NULL,
                "ZF container of %llu bytes that are no known format: raw array data of a "
                "ZNDArrayWrapper side file, which joblib never unpickles",
                (unsigned long long)length);
    }
    uint64_t out_size;
    if ((rc = cu_source_size(dec, &out_size, err)) < 0) {
        goto out;
    }
    if (out_size != length) {
        rc = cu_err_malformed(err, "joblib ZF", 2,
                              "ZF header declares %llu bytes, the zlib stream holds %llu",
                              (unsigned long long)length, (unsigned long long)out_size);
        goto out;
    }
    if (info.trailing_off != CU_NO_OFFSET && start + info.trailing_off < size) {
        uint64_t end_off = start + info.trailing_off;
        cu_emit(ctx, src, end_off, "joblib/zf-trailing-data", CU_SEV_DEFAULT, NULL,
                "%llu bytes after the zlib stream are ignored by joblib",
                (unsigned long long)(size - end_off));
    }
out:
    cu_source_free(dec);
    return rc;
}

/* Old joblib wrote ZF containers as the main file and as "<name>_01.npy.z" side files. */
/* joblib < 0.10 named its ZF files .gz */
static const char *const zf_extensions[] = { ".z", ".gz", ".pkl", ".pickle", ".joblib", NULL };

const struct cu_analyzer cu_analyzer_joblib_zf = { "joblib-zf", zf_extensions, zf_sniff,
                                                   zf_analyze };
