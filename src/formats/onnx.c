/* ONNX models (onnx/onnx.proto, proto2): a ModelProto walked field by field with the protobuf
 * wire walker; nothing is decoded whole and tensor data (raw_data, *_data) is skipped by
 * position. What a loader could be made to do:
 *   - external data: TensorProto.external_data entries ('location', 'offset', 'length') name
 *     a file relative to the model's directory; an absolute location, a '..' component or a
 *     symlink out of the directory reads any file the loader can (onnx's own checker refuses
 *     them since 1.16, onnxruntime did not always);
 *   - operators from domains outside the standard ones need a custom operator library: that
 *     is where native code lives;
 *   - subgraphs (If/Loop/Scan attributes g/graphs), model-local functions and training graphs
 *     are walked like the main graph.
 * Field numbers (onnx.proto): ModelProto ir_version 1, producer_name 2, producer_version 3,
 * domain 4, model_version 5, doc_string 6, graph 7, opset_import 8, metadata_props 14,
 * training_info 20, functions 25. OperatorSetIdProto domain 1, version 2. GraphProto node 1,
 * initializer 5, sparse_initializer 15. NodeProto name 3, op_type 4, attribute 5, domain 7.
 * AttributeProto t 5, g 6, tensors 10, graphs 11, sparse_tensor 22, sparse_tensors 23.
 * TensorProto dims 1, data_type 2, name 8, external_data 13, data_location 14 (EXTERNAL = 1).
 * StringStringEntryProto key 1, value 2. SparseTensorProto values 1, indices 2.
 * FunctionProto name 1, node 7, domain 10. TrainingInfoProto initialization 1, algorithm 2. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "engine/engine.h"
#include "formats/protowire.h"
#include "core/banned.h"

#define ONNX_STR        256u
#define ONNX_MAX_KEEP   4096u /* distinct custom operators / local functions remembered */
#define ONNX_HASH_SLOTS 16384u
#define ONNX_NDTYPES    24u

/* TensorProto.DataType names as BOM dtype facts (index = enum value). */
static const char *const onnx_dtypes[ONNX_NDTYPES] = {
    NULL,
    "float32",
    "uint8",
    "int8",
    "uint16",
    "int16",
    "int32",
    "int64",
    "string",
    "bool",
    "float16",
    "float64",
    "uint32",
    "uint64",
    "complex64",
    "complex128",
    "bfloat16",
    "float8e4m3fn",
    "float8e4m3fnuz",
    "float8e5m2",
    "float8e5m2fnuz",
    "uint4",
    "int4",
    "float4e2m1",
};

struct onnx_custom {
    char *domain;
    char *op;
    char *node; /* first node seen */
    uint64_t off;
    uint64_t count;
};

struct onnx_fn {
    char *domain;
    char *name;
};

struct onnx {
    struct cu_ctx *ctx;
    struct cu_source *src;
    custody_error *err;
    struct cu_stream st;
    const char *disk_path; /* the model file on disk, or NULL */
    char *dir;             /* its directory */
    char *dir_real;        /* realpath of dir, or NULL when it cannot be resolved */
    uint64_t ir_version;
    uint64_t nodes, inits, params, ext_tensors;
    bool params_sat;
    bool has_graph;
    struct cu_buf opsets;
    struct cu_buf producer;
    struct onnx_custom *cust;
    size_t ncust, capcust;
    uint32_t *slots; /* ONNX_HASH_SLOTS */
    struct onnx_fn *fns;
    size_t nfns, capfns;
    uint64_t dtype_elems[ONNX_NDTYPES]; /* initializer elements per TensorProto.DataType */
    uint64_t quant_ops;                 /* QuantizeLinear, QLinear*, MatMulNBits, ... nodes */
};

/* A string field: copied, with `clean` false when it was cut or holds a NUL. */
static int
onnx_str(struct cu_pw *pw, const struct cu_pw_field *f, char *buf, size_t cap, bool *clean)
{
    size_t n;
    bool cut;
    int rc = cu_pw_str(pw, f, buf, cap, &n, &cut);
    if (rc == 0 && clean != NULL) {
        *clean = !cut && strlen(buf) == n;
    }
    return rc;
}

static bool onnx_std_domain(const char *d)
{
    static const char *const std_domains[] = { "",
                                               "ai.onnx",
                                               "ai.onnx.ml",
                                               "ai.onnx.preview.training",
                                               "com.microsoft",
                                               "com.microsoft.nchwc",
                                               "com.microsoft.experimental",
                                               NULL };
    for (size_t i = 0; std_domains[i] != NULL; i++) {
        if (strcmp(d, std_domains[i]) == 0) {
            return true;
        }
    }
    return false;
}

static int onnx_graph(struct onnx *o, struct cu_pw *pw);

static uint32_t onnx_hash(const char *domain, const char *op)
{
    uint32_t h = 2166136261u; /* FNV-1a over "domain\0op" */
    for (const char *p = domain;; p++) {
        h = (h ^ (uint8_t)*p) * 16777619u;
        if (*p == '\0') {
            break;
        }
    }
    for (const char *p = op; *p != '\0'; p++) {
        h = (h ^ (uint8_t)*p) * 16777619u;
    }
    return h;
}

static int
onnx_custom_add(struct onnx *o, const char *domain, const char *op, const char *node, uint64_t off)
{
    /* open addressing over indexes + 1 into o->cust; ONNX_HASH_SLOTS > 2 * ONNX_MAX_KEEP */
    uint32_t slot = onnx_hash(domain, op) & (ONNX_HASH_SLOTS - 1);
    for (;;) {
        uint32_t idx = o->slots[slot];
        if (idx == 0) {
            break;
        }
        struct onnx_custom *c = &o->cust[idx - 1];
        if (strcmp(c->domain, domain) == 0 && strcmp(c->op, op) == 0) {
            c->count++;
            return 0;
        }
        slot = (slot + 1) & (ONNX_HASH_SLOTS - 1);
    }
    if (o->ncust >= ONNX_MAX_KEEP) {
        return 0; /* the first thousands are reported; the engine caps findings anyway */
    }
    if (!cu_grow((void **)&o->cust, &o->capcust, o->ncust + 1, sizeof(*o->cust))) {
        return cu_err_nomem(o->err);
    }
    struct onnx_custom *c = &o->cust[o->ncust];
    c->domain = cu_strdup(domain);
    c->op = cu_strdup(op);
    c->node = cu_strdup(node);
    c->off = off;
    c->count = 1;
    if (c->domain == NULL || c->op == NULL || c->node == NULL) {
        free(c->domain);
        free(c->op);
        free(c->node);
        return cu_err_nomem(o->err);
    }
    o->ncust++;
    o->slots[slot] = (uint32_t)o->ncust;
    return 0;
}

/* ---- external data ---- */

static bool onnx_abs(const char *loc)
{
    if (loc[0] == '/' || loc[0] == '\\') {
        return true;
    }
    /* "C:..." (drive letter) is absolute or drive-relative on Windows */
    return ((loc[0] >= 'A' && loc[0] <= 'Z') || (loc[0] >= 'a' && loc[0] <= 'z')) && loc[1] == ':';
}

static bool onnx_dotdot(const char *loc)
{
    const char *p = loc;
    for (;;) {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            return true;
        }
        if (p[n] == '\0') {
            return false;
        }
        p += n + 1;
    }
}

/* Lexical checks of one 'location' value; true when it may be resolved on disk. */
static bool
onnx_location_lexical(struct onnx *o, uint64_t off, const char *tensor, const char *loc, bool clean)
{
    if (!clean) {
        cu_emit(o->ctx, o->src, off, "onnx/external-data", CU_SEV_DEFAULT, loc,
                "tensor '%s': external data location holds a NUL byte or is longer than %u "
                "bytes; loaders disagree on what it names",
                tensor, CU_LIMIT_NAME_LEN);
        return false;
    }
    if (loc[0] == '\0') {
        cu_emit(o->ctx, o->src, off, "onnx/external-data", CU_SEV_DEFAULT, NULL,
                "tensor '%s': external data location is empty", tensor);
        return false;
    }
    if (onnx_abs(loc)) {
        cu_emit(o->ctx, o->src, off, "onnx/external-data-traversal", CU_SEV_DEFAULT, loc,
                "tensor '%s': external data location '%s' is an absolute path: the loader reads "
                "that file into the tensor",
                tensor, loc);
        return false;
    }
    if (onnx_dotdot(loc)) {
        cu_emit(o->ctx, o->src, off, "onnx/external-data-traversal", CU_SEV_DEFAULT, loc,
                "tensor '%s': external data location '%s' climbs out of the model directory "
                "with '..'",
                tensor, loc);
        return false;
    }
    return true;
}

/* On-disk checks of a lexically clean location beside a model read from disk: lstat and
 * realpath only; the file is never opened. */
static void onnx_location_disk(struct onnx *o,
                               uint64_t off,
                               const char *tensor,
                               const char *loc,
                               bool has_range,
                               uint64_t ext_off,
                               uint64_t ext_len)
{
    if (o->dir == NULL) {
        return;
    }
    char *path = cu_asprintf("%s/%s", o->dir, loc);
    if (path == NULL) {
        return;
    }
    struct stat st;
    if (lstat(path, &st) != 0) {
        cu_emit(o->ctx, o->src, off, "onnx/external-data-missing", CU_SEV_DEFAULT, loc,
                "tensor '%s': external data file '%s' does not exist beside the model (%s)", tensor,
                loc, strerror(errno));
        free(path);
        return;
    }
    char *real = realpath(path, NULL);
    if (real == NULL) {
        cu_emit(o->ctx, o->src, off, "onnx/external-data-missing", CU_SEV_DEFAULT, loc,
                "tensor '%s': external data file '%s' cannot be resolved (%s): a dangling "
                "symlink?",
                tensor, loc, strerror(errno));
        free(path);
        return;
    }
    size_t dl = o->dir_real != NULL ? strlen(o->dir_real) : 0;
    bool inside = o->dir_real != NULL && strncmp(real, o->dir_real, dl) == 0 &&
                  (real[dl] == '/' || (dl == 1 && o->dir_real[0] == '/'));
    if (!inside) {
        cu_emit(o->ctx, o->src, off, "onnx/external-data-traversal", CU_SEV_DEFAULT, real,
                "tensor '%s': external data location '%s' resolves through a symlink to '%s', "
                "outside the model directory",
                tensor, loc, real);
    } else if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        cu_emit(o->ctx, o->src, off, "onnx/external-data", CU_SEV_DEFAULT, loc,
                "tensor '%s': external data location '%s' is not a regular file", tensor, loc);
    } else if (has_range &&
               (ext_off > (uint64_t)st.st_size || ext_len > (uint64_t)st.st_size - ext_off)) {
        cu_emit(o->ctx, o->src, off, "onnx/external-data", CU_SEV_DEFAULT, loc,
                "tensor '%s': external data range %llu+%llu lies outside '%s' (%llu bytes)", tensor,
                (unsigned long long)ext_off, (unsigned long long)ext_len, loc,
                (unsigned long long)st.st_size);
    }
    free(real);
    free(path);
}

static bool onnx_parse_dec(const char *s, uint64_t *out)
{
    const char *p = s;
    return s[0] != '\0' && cu_parse_u64(&p, s + strlen(s), UINT64_MAX, out) && *p == '\0';
}

/* ---- messages ---- */

static int
onnx_entry(struct onnx *o, struct cu_pw *pw, char *key, char *val, size_t vcap, bool *vclean)
{
    struct cu_pw_field f;
    int rc;
    key[0] = val[0] = '\0';
    *vclean = true;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        if (f.no == 1) {
            bool kclean;
            rc = onnx_str(pw, &f, key, 32, &kclean);
            if (rc == 0 && !kclean) {
                memcpy(key, "(unprintable)", sizeof("(unprintable)"));
            }
        } else if (f.no == 2) {
            rc = onnx_str(pw, &f, val, vcap, vclean);
        }
        if (rc < 0) {
            return rc;
        }
    }
    (void)o;
    return rc;
}

static int onnx_tensor(struct onnx *o, struct cu_pw *pw, uint64_t toff, bool initializer)
{
    struct cu_pw_field f;
    int rc;
    char name[ONNX_STR] = "";
    char key[32];
    char *val = cu_malloc(CU_LIMIT_NAME_LEN + 1);
    char *loc = cu_malloc(CU_LIMIT_NAME_LEN + 1);
    if (val == NULL || loc == NULL) {
        rc = cu_err_nomem(o->err);
        goto out;
    }
    loc[0] = '\0';
    bool have_loc = false, loc_clean = true, has_off = false, has_len = false;
    uint64_t ext_off = 0, ext_len = 0, loc_off = toff, location = 0, count = 1, dtype = 0;
    bool count_sat = false;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.no == 1 && (f.wt == CU_PW_VARINT || f.wt == CU_PW_LEN)) { /* dims */
            struct cu_pw sub;
            uint64_t d = f.v;
            if (f.wt == CU_PW_LEN) {
                if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
                    goto out;
                }
                while ((rc = cu_pw_packed_varint(&sub, &d)) > 0) {
                    if (__builtin_mul_overflow(count, d, &count)) {
                        count_sat = true;
                    }
                }
                if (rc < 0) {
                    goto out;
                }
            } else if (__builtin_mul_overflow(count, d, &count)) {
                count_sat = true;
            }
        } else if (f.no == 8 && f.wt == CU_PW_LEN) {
            if ((rc = onnx_str(pw, &f, name, sizeof(name), NULL)) < 0) {
                goto out;
            }
        } else if (f.no == 13 && f.wt == CU_PW_LEN) {
            struct cu_pw sub;
            bool vclean;
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0 ||
                (rc = onnx_entry(o, &sub, key, val, CU_LIMIT_NAME_LEN + 1, &vclean)) < 0) {
                goto out;
            }
            if (strcmp(key, "location") == 0) {
                /* every value is checked; the last one is what protobuf-based loaders use */
                memcpy(loc, val, CU_LIMIT_NAME_LEN + 1);
                have_loc = true;
                loc_clean = vclean;
                loc_off = f.off;
                if (!onnx_location_lexical(o, f.off, name[0] ? name : "?", loc, loc_clean)) {
                    loc_clean = false;
                }
            } else if (strcmp(key, "offset") == 0) {
                has_off = onnx_parse_dec(val, &ext_off);
            } else if (strcmp(key, "length") == 0) {
                has_len = onnx_parse_dec(val, &ext_len);
            } else if (strcmp(key, "checksum") != 0 && strcmp(key, "basepath") != 0) {
                /* onnx's ExternalDataInfo does setattr(self, key, value) for every entry */
                bool dunder = key[0] == '_';
                cu_emit(o->ctx, o->src, f.off, "onnx/external-data",
                        dunder ? (int)CUSTODY_SEV_HIGH : CU_SEV_DEFAULT, key,
                        "tensor '%s': external data entry with the unknown key '%s'%s",
                        name[0] ? name : "?", key,
                        dunder ? ", which overwrites a Python attribute of onnx's loader" : "");
            }
        } else if (f.no == 14 && f.wt == CU_PW_VARINT) {
            location = f.v;
        } else if (f.no == 2 && f.wt == CU_PW_VARINT) {
            dtype = f.v;
        }
    }
    if (rc < 0) {
        goto out;
    }
    if (location == 1 && !have_loc) {
        cu_emit(o->ctx, o->src, toff, "onnx/external-data", CU_SEV_DEFAULT, NULL,
                "tensor '%s' is stored externally but names no location", name);
    }
    if (have_loc) {
        o->ext_tensors++;
        if (loc_clean) {
            onnx_location_disk(o, loc_off, name[0] ? name : "?", loc, has_off || has_len, ext_off,
                               has_len ? ext_len : 0);
        }
    }
    if (initializer) {
        o->inits++;
        if (count_sat || __builtin_add_overflow(o->params, count, &o->params)) {
            o->params_sat = true;
        }
        if (dtype < ONNX_NDTYPES && !count_sat &&
            __builtin_add_overflow(o->dtype_elems[dtype], count, &o->dtype_elems[dtype])) {
            o->dtype_elems[dtype] = UINT64_MAX;
        }
    }
out:
    free(val);
    free(loc);
    return rc;
}

static int onnx_sparse(struct onnx *o, struct cu_pw *pw, bool initializer)
{
    struct cu_pw_field f;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if ((f.no == 1 || f.no == 2) && f.wt == CU_PW_LEN) {
            struct cu_pw sub;
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0 ||
                (rc = onnx_tensor(o, &sub, f.off, initializer && f.no == 1)) < 0) {
                return rc;
            }
        }
    }
    return rc;
}

static int onnx_attribute(struct onnx *o, struct cu_pw *pw)
{
    struct cu_pw_field f;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        struct cu_pw sub;
        switch (f.no) {
        case 5:  /* t */
        case 10: /* tensors */
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0 ||
                (rc = onnx_tensor(o, &sub, f.off, false)) < 0) {
                return rc;
            }
            break;
        case 6:  /* g */
        case 11: /* graphs */
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0 || (rc = onnx_graph(o, &sub)) < 0) {
                return rc;
            }
            break;
        case 22: /* sparse_tensor */
        case 23: /* sparse_tensors */
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0 || (rc = onnx_sparse(o, &sub, false)) < 0) {
                return rc;
            }
            break;
        default:
            break;
        }
    }
    return rc;
}

static int onnx_node(struct onnx *o, struct cu_pw *pw, uint64_t noff)
{
    struct cu_pw_field f;
    int rc;
    char name[ONNX_STR] = "", op[ONNX_STR] = "", domain[ONNX_STR] = "";
    bool dclean = true;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        if (f.no == 3) {
            rc = onnx_str(pw, &f, name, sizeof(name), NULL);
        } else if (f.no == 4) {
            rc = onnx_str(pw, &f, op, sizeof(op), NULL);
        } else if (f.no == 7) {
            rc = onnx_str(pw, &f, domain, sizeof(domain), &dclean);
        } else if (f.no == 5) {
            struct cu_pw sub;
            if ((rc = cu_pw_enter(pw, &f, &sub)) == 0) {
                rc = onnx_attribute(o, &sub);
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc < 0) {
        return rc;
    }
    o->nodes++;
    if (strstr(op, "Quantize") != NULL || strncmp(op, "QLinear", 7) == 0 ||
        strcmp(op, "MatMulNBits") == 0 || strcmp(op, "MatMulInteger") == 0 ||
        strcmp(op, "ConvInteger") == 0) {
        o->quant_ops++;
    }
    if (!dclean || !onnx_std_domain(domain)) {
        return onnx_custom_add(o, domain, op, name, noff);
    }
    return 0;
}

static int onnx_graph(struct onnx *o, struct cu_pw *pw)
{
    struct cu_pw_field f;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        struct cu_pw sub;
        if (f.no == 1 || f.no == 5 || f.no == 15) {
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
                return rc;
            }
        }
        if (f.no == 1) {
            rc = onnx_node(o, &sub, f.off);
        } else if (f.no == 5) {
            rc = onnx_tensor(o, &sub, f.off, true);
        } else if (f.no == 15) {
            rc = onnx_sparse(o, &sub, true);
        }
        if (rc < 0) {
            return rc;
        }
    }
    return rc;
}

static int onnx_function(struct onnx *o, struct cu_pw *pw)
{
    struct cu_pw_field f;
    int rc;
    char name[ONNX_STR] = "", domain[ONNX_STR] = "";
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        if (f.no == 1) {
            rc = onnx_str(pw, &f, name, sizeof(name), NULL);
        } else if (f.no == 10) {
            rc = onnx_str(pw, &f, domain, sizeof(domain), NULL);
        } else if (f.no == 7) {
            struct cu_pw sub;
            if ((rc = cu_pw_enter(pw, &f, &sub)) == 0) {
                rc = onnx_node(o, &sub, f.off);
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc < 0 || o->nfns >= ONNX_MAX_KEEP) {
        return rc;
    }
    if (!cu_grow((void **)&o->fns, &o->capfns, o->nfns + 1, sizeof(*o->fns))) {
        return cu_err_nomem(o->err);
    }
    o->fns[o->nfns].domain = cu_strdup(domain);
    o->fns[o->nfns].name = cu_strdup(name);
    o->nfns++;
    if (o->fns[o->nfns - 1].domain == NULL || o->fns[o->nfns - 1].name == NULL) {
        return cu_err_nomem(o->err);
    }
    return 0;
}

static int onnx_opset(struct onnx *o, struct cu_pw *pw)
{
    struct cu_pw_field f;
    int rc;
    char domain[64] = "";
    uint64_t version = 0;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.no == 1 && f.wt == CU_PW_LEN) {
            if ((rc = onnx_str(pw, &f, domain, sizeof(domain), NULL)) < 0) {
                return rc;
            }
        } else if (f.no == 2 && f.wt == CU_PW_VARINT) {
            version = f.v;
        }
    }
    if (rc == 0) {
        cu_buf_addf(&o->opsets, "%s%s %llu", o->opsets.len ? ", " : "",
                    domain[0] ? domain : "ai.onnx", (unsigned long long)version);
    }
    return rc;
}

static int onnx_model(struct onnx *o, struct cu_pw *pw)
{
    struct cu_pw_field f;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        struct cu_pw sub;
        if (f.no == 1 && f.wt == CU_PW_VARINT) {
            o->ir_version = f.v;
            continue;
        }
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        switch (f.no) {
        case 2: {
            char prod[64];
            if ((rc = onnx_str(pw, &f, prod, sizeof(prod), NULL)) < 0) {
                return rc;
            }
            cu_buf_reset(&o->producer);
            cu_buf_adds(&o->producer, prod);
            break;
        }
        case 7:
            o->has_graph = true;
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0 || (rc = onnx_graph(o, &sub)) < 0) {
                return rc;
            }
            break;
        case 8:
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0 || (rc = onnx_opset(o, &sub)) < 0) {
                return rc;
            }
            break;
        case 20: { /* training_info: initialization 1, algorithm 2 */
            struct cu_pw_field g;
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
                return rc;
            }
            while ((rc = cu_pw_next(&sub, &g)) > 0) {
                struct cu_pw gg;
                if ((g.no == 1 || g.no == 2) && g.wt == CU_PW_LEN &&
                    ((rc = cu_pw_enter(&sub, &g, &gg)) < 0 || (rc = onnx_graph(o, &gg)) < 0)) {
                    return rc;
                }
            }
            if (rc < 0) {
                return rc;
            }
            break;
        }
        case 25:
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0 || (rc = onnx_function(o, &sub)) < 0) {
                return rc;
            }
            break;
        default:
            break;
        }
    }
    return rc;
}

/* Custom operators are reported even when the walk stopped early (found before the damage);
 * those a model-local function defines need no library. */
static void onnx_report(struct onnx *o, bool complete)
{
    for (size_t i = 0; i < o->ncust; i++) {
        const struct onnx_custom *c = &o->cust[i];
        bool local = false;
        for (size_t j = 0; j < o->nfns && !local; j++) {
            local = strcmp(o->fns[j].domain, c->domain) == 0 && strcmp(o->fns[j].name, c->op) == 0;
        }
        if (local) {
            continue;
        }
        char ev[ONNX_STR * 2 + 4];
        (void)snprintf(ev, sizeof(ev), "%s::%s", c->domain, c->op);
        cu_emit(o->ctx, o->src, c->off, "onnx/custom-op", CU_SEV_DEFAULT, ev,
                "operator '%s' from domain '%s' (node '%s'%s%llu more) is not a standard ONNX "
                "operator: running it needs a custom operator library",
                c->op, c->domain, c->node, c->count > 1 ? " and " : ", ",
                (unsigned long long)(c->count - 1));
    }
    if (!complete) {
        return;
    }
    cu_emit(o->ctx, o->src, CU_NO_OFFSET, "onnx/summary", CU_SEV_DEFAULT, NULL,
            "ONNX ir_version %llu, producer '%s', opsets [%s]; %llu nodes, %llu initializers, "
            "%s%llu parameters, %llu externally stored tensors",
            (unsigned long long)o->ir_version, cu_buf_str(&o->producer), cu_buf_str(&o->opsets),
            (unsigned long long)o->nodes, (unsigned long long)o->inits,
            o->params_sat ? "more than " : "", (unsigned long long)o->params,
            (unsigned long long)o->ext_tensors);
    /* BOM facts (docs/facts.md) */
    cu_fact(o->ctx, "format", "onnx");
    cu_fact(o->ctx, "framework", "onnx");
    if (!o->params_sat) {
        cu_fact(o->ctx, "model.parameters", "%llu", (unsigned long long)o->params);
    }
    size_t best = 0;
    for (size_t i = 1; i < ONNX_NDTYPES; i++) {
        if (onnx_dtypes[i] != NULL && o->dtype_elems[i] > o->dtype_elems[best]) {
            best = i;
        }
    }
    if (best > 0) {
        cu_fact(o->ctx, "model.dtype", "%s", onnx_dtypes[best]);
    }
    if (o->quant_ops > 0) {
        cu_fact(o->ctx, "model.quantization", "onnx-qdq (%llu quantization nodes)",
                (unsigned long long)o->quant_ops);
    }
    if (o->producer.len > 0) {
        cu_fact(o->ctx, "model.producer", "%s", cu_buf_str(&o->producer));
    }
}

/* ---- sniff ---- */

static bool onnx_text(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') {
            return false;
        }
        if (p[i] == 0x7f) {
            return false;
        }
    }
    return true;
}

static bool
onnx_head_field(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    (void)v;
    switch (no) {
    case 1:
    case 5:
        return wt == CU_PW_VARINT;
    case 2:
    case 3:
    case 4:
    case 6:
        return wt == CU_PW_LEN && onnx_text(payload, avail);
    case 7: /* GraphProto: node 1, name 2, initializer 5, doc 10, input 11 .. sparse 15 */
        if (wt != CU_PW_LEN) {
            return false;
        }
        if (avail > 0) {
            unsigned t = payload[0];
            unsigned fno = t >> 3;
            return (t & 7) == CU_PW_LEN &&
                   (fno == 1 || fno == 2 || fno == 5 || (fno >= 10 && fno <= 15));
        }
        return true;
    case 8: /* OperatorSetIdProto: domain 1 (LEN), version 2 (VARINT) */
        return wt == CU_PW_LEN && (avail == 0 || payload[0] == 0x0a || payload[0] == 0x10);
    case 14:
    case 20:
    case 25:
    case 26:
        return wt == CU_PW_LEN;
    default:
        return false;
    }
}

static bool onnx_sniff(const struct cu_sniff *in)
{
    /* ModelProto as every writer serialises it: ir_version (field 1, 1..64) first */
    if (in->len < 4 || in->head[0] != 0x08 || in->head[1] == 0 || in->head[1] > 64) {
        return false;
    }
    return cu_pw_head_ok(in->head, in->len, onnx_head_field, 2);
}

/* ---- analyzer ---- */

static int onnx_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct onnx o;
    memset(&o, 0, sizeof(o));
    o.ctx = ctx;
    o.src = src;
    o.err = cu_ctx_err(ctx);
    o.opsets = (struct cu_buf)CU_BUF_INIT(1024);
    o.producer = (struct cu_buf)CU_BUF_INIT(128);
    uint64_t size;
    int rc = cu_source_size(src, &size, o.err);
    if (rc < 0) {
        return rc;
    }
    o.disk_path = cu_ctx_disk_path(ctx, src);
    if (o.disk_path != NULL) {
        const char *slash = strrchr(o.disk_path, '/');
        o.dir = slash == NULL ? cu_strdup(".")
                              : (slash == o.disk_path
                                     ? cu_strdup("/")
                                     : cu_strndup(o.disk_path, (size_t)(slash - o.disk_path)));
        if (o.dir == NULL) {
            return cu_err_nomem(o.err);
        }
        o.dir_real = realpath(o.dir, NULL);
    }
    o.slots = cu_calloc(ONNX_HASH_SLOTS, sizeof(*o.slots));
    if (o.slots == NULL) {
        rc = cu_err_nomem(o.err);
        goto out;
    }
    /* a small window: skipping a tensor's data costs one refill where the next field is */
    if ((rc = cu_stream_init(&o.st, src, 0, 16u << 10, o.err)) < 0) {
        goto out;
    }
    struct cu_pw pw;
    cu_pw_init(&pw, &o.st, 0, size);
    rc = onnx_model(&o, &pw);
    if (rc == 0 && !o.has_graph) {
        rc = cu_err_malformed(o.err, src->loc, CU_NO_OFFSET, "ONNX model has no graph");
    }
    onnx_report(&o, rc == 0);
out:
    cu_stream_free(&o.st);
    for (size_t i = 0; i < o.ncust; i++) {
        free(o.cust[i].domain);
        free(o.cust[i].op);
        free(o.cust[i].node);
    }
    free(o.cust);
    free(o.slots);
    for (size_t i = 0; i < o.nfns; i++) {
        free(o.fns[i].domain);
        free(o.fns[i].name);
    }
    free(o.fns);
    cu_buf_free(&o.opsets);
    cu_buf_free(&o.producer);
    free(o.dir);
    free(o.dir_real);
    return rc;
}

static const char *const onnx_ext[] = { ".onnx", ".pb", NULL }; /* old ONNX files are .pb too */
const struct cu_analyzer cu_analyzer_onnx = { "onnx", onnx_ext, onnx_sniff, onnx_analyze };

/* ---- a lone TensorProto (onnx.save_tensor / numpy_helper.from_array, the model zoo's
 * test_data_set_N/input_0.pb): data, never code. Recognised so that such a .pb is not an
 * "unrecognised model"; every field is checked to the end of the file. ---- */

enum { TP_DIMS = 1, TP_TYPE = 2, TP_EXTERNAL = 13, TP_LOCATION = 14 };

/* onnx.proto TensorProto: field -> wire types it may carry (packed repeated scalars as LEN). */
static bool tensor_field_ok(uint32_t no, unsigned wt, uint64_t v)
{
    switch (no) {
    case 1:  /* dims */
    case 5:  /* int32_data */
    case 7:  /* int64_data */
    case 11: /* uint64_data */
        return wt == CU_PW_VARINT || wt == CU_PW_LEN;
    case TP_TYPE:
        return wt == CU_PW_VARINT && v >= 1 && v <= 64;
    case 4: /* float_data */
        return wt == CU_PW_I32 || wt == CU_PW_LEN;
    case 10: /* double_data */
        return wt == CU_PW_I64 || wt == CU_PW_LEN;
    case TP_LOCATION:
        return wt == CU_PW_VARINT && v <= 1;
    case 3:  /* segment */
    case 6:  /* string_data */
    case 8:  /* name */
    case 9:  /* raw_data */
    case 12: /* doc_string */
    case TP_EXTERNAL:
    case 16: /* metadata_props */
        return wt == CU_PW_LEN;
    default:
        return false;
    }
}

/* Writers serialise fields in number order, so a tensor starts with dims or data_type, and
 * data_type (after a few dims) lies in the head. */
struct tensor_head {
    uint32_t last;
    bool dtype;
};

static bool tensor_head_field(
    void *ud, uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    (void)payload;
    (void)avail;
    struct tensor_head *h = ud;
    if ((h->last == 0 && no != TP_DIMS && no != TP_TYPE) || no < h->last ||
        !tensor_field_ok(no, wt, v)) {
        return false;
    }
    h->last = no;
    h->dtype = h->dtype || no == TP_TYPE;
    return true;
}

static bool tensor_sniff(const struct cu_sniff *in)
{
    struct tensor_head h = { 0, false };
    return cu_pw_head_walk(in->head, in->len, tensor_head_field, &h, 2) && h.dtype;
}

struct tensor_walk {
    const struct cu_source *src;
    custody_error *err;
    uint64_t dims, type, raw;
    bool external;
};

static int tensor_field(void *ud, const struct cu_pw_field *f)
{
    struct tensor_walk *t = ud;
    if (!tensor_field_ok(f->no, f->wt, f->v)) {
        return cu_err_malformed(t->err, t->src->loc, f->off,
                                "TensorProto field %u with wire type %u is not ONNX's", f->no,
                                f->wt);
    }
    t->dims += f->no == TP_DIMS;
    t->type = f->no == TP_TYPE ? f->v : t->type;
    t->raw += f->no == 9 ? f->v : 0;
    t->external = t->external || f->no == TP_EXTERNAL || (f->no == TP_LOCATION && f->v == 1);
    return 0;
}

static int tensor_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct tensor_walk t = { src, cu_ctx_err(ctx), 0, 0, 0, false };
    int rc = cu_pw_walk_source(src, t.err, tensor_field, &t);
    if (rc < 0) {
        return rc;
    }
    cu_emit(ctx, src, CU_NO_OFFSET, "onnx/summary", CU_SEV_DEFAULT, NULL,
            "ONNX TensorProto (data, no graph): data type %llu, %llu dimension(s), %llu raw "
            "byte(s)%s",
            (unsigned long long)t.type, (unsigned long long)t.dims, (unsigned long long)t.raw,
            t.external ? "; declares external data, which onnx loads only when asked" : "");
    return 0;
}

static const char *const tensor_ext[] = { ".pb", NULL };
const struct cu_analyzer cu_analyzer_onnx_tensor = { "onnx-tensor", tensor_ext, tensor_sniff,
                                                     tensor_analyze };
