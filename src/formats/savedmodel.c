/* TensorFlow graphs, walked with the protobuf wire walker (no TensorFlow, no generated code):
 *   SavedModel (tensorflow/core/protobuf/saved_model.proto): saved_model_schema_version 1,
 *     meta_graphs 2 -> MetaGraphDef: graph_def 2, saver_def 3 (SaverDef filename_tensor_name 1);
 *   GraphDef (graph.proto): node 1, library 2 -> FunctionDefLibrary: function 1 -> FunctionDef:
 *     signature 1 (OpDef name 1), node_def 3;
 *   NodeDef (node_def.proto): name 1, op 2, input 3, attr 5 (map entry key 1, value 2) ->
 *     AttrValue: list 1 (ListValue s 2), s 2, tensor 8 -> TensorProto: dtype 1, string_val 8;
 *   FingerprintDef (fingerprint.proto): hashes 1-5 (varint), version 6;
 *   keras_metadata.pb (keras/protobuf/saved_metadata.proto): SavedMetadata nodes 1 ->
 *     SavedObject node_id 2, node_path 3, identifier 4, metadata 5 (JSON), version 6.
 * Every node of the main graph and of every function is classified by op (cu_tf_op_find).
 * String constants are probed as GraphDefs themselves: DatasetFromGraph and similar ops run a
 * graph serialised in a constant, which hides its nodes from scanners that walk one level. */
#include "formats/savedmodel.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/util.h"
#include "formats/protowire.h"
#include "core/banned.h"

#define TF_STR       256u
#define TF_MAX_NEST  4u /* graphs embedded in constants, inside each other */
#define TF_DT_STRING 7u

/* ---- the op table ---- */

#define IN0  1u
#define IN1  2u
#define IN01 3u

static const struct cu_tf_op tf_ops[] = {
    /* Python */
    { "PyFunc", CU_TF_PYTHON, 0, "calls a Python function" },
    { "PyFuncStateless", CU_TF_PYTHON, 0, "calls a Python function" },
    { "EagerPyFunc", CU_TF_PYTHON, 0, "calls a Python function" },
    /* files */
    { "ReadFile", CU_TF_FILE, IN0, "reads a file" },
    { "WriteFile", CU_TF_FILE, IN0, "writes a file" },
    { "MatchingFiles", CU_TF_FILE, IN0, "lists files" },
    { "MatchingFilesDataset", CU_TF_FILE, IN0, "lists files" },
    { "ExperimentalMatchingFilesDataset", CU_TF_FILE, IN0, "lists files" },
    { "FileSystemSetConfiguration", CU_TF_FILE, 0, "configures file systems" },
    { "ImmutableConst", CU_TF_FILE, 0, "memory-maps a file" },
    { "WholeFileReader", CU_TF_FILE, 0, "reads files" },
    { "WholeFileReaderV2", CU_TF_FILE, 0, "reads files" },
    { "TextLineReader", CU_TF_FILE, 0, "reads files" },
    { "TextLineReaderV2", CU_TF_FILE, 0, "reads files" },
    { "FixedLengthRecordReader", CU_TF_FILE, 0, "reads files" },
    { "FixedLengthRecordReaderV2", CU_TF_FILE, 0, "reads files" },
    { "TFRecordReader", CU_TF_FILE, 0, "reads files" },
    { "TFRecordReaderV2", CU_TF_FILE, 0, "reads files" },
    { "LMDBReader", CU_TF_FILE, 0, "reads files" },
    { "TextLineDataset", CU_TF_FILE, IN0, "reads files" },
    { "TFRecordDataset", CU_TF_FILE, IN0, "reads files" },
    { "TFRecordDatasetV2", CU_TF_FILE, IN0, "reads files" },
    { "FixedLengthRecordDataset", CU_TF_FILE, IN0, "reads files" },
    { "FixedLengthRecordDatasetV2", CU_TF_FILE, IN0, "reads files" },
    { "LMDBDataset", CU_TF_FILE, IN0, "reads files" },
    { "ExperimentalLMDBDataset", CU_TF_FILE, IN0, "reads files" },
    { "CSVDataset", CU_TF_FILE, IN0, "reads files" },
    { "CSVDatasetV2", CU_TF_FILE, IN0, "reads files" },
    { "ExperimentalCSVDataset", CU_TF_FILE, IN0, "reads files" },
    { "LoadDataset", CU_TF_FILE, IN0, "reads a saved dataset" },
    { "SaveDataset", CU_TF_FILE, IN1, "writes files" },
    { "SaveDatasetV2", CU_TF_FILE, IN1, "writes files" },
    { "DatasetToTFRecord", CU_TF_FILE, IN1, "writes a file" },
    { "ExperimentalDatasetToTFRecord", CU_TF_FILE, IN1, "writes a file" },
    { "SnapshotDataset", CU_TF_FILE, IN1, "writes files" },
    { "SnapshotDatasetV2", CU_TF_FILE, IN1, "writes files" },
    { "SnapshotDatasetReader", CU_TF_FILE, IN0, "reads files" },
    { "SnapshotChunkDataset", CU_TF_FILE, IN0, "reads files" },
    { "CreateSummaryFileWriter", CU_TF_FILE, IN1, "writes event files" },
    { "CreateSummaryDbWriter", CU_TF_FILE, IN1, "writes a database" },
    /* network */
    { "SqlDataset", CU_TF_NETWORK, 0, "queries a database" },
    { "ExperimentalSqlDataset", CU_TF_NETWORK, 0, "queries a database" },
    { "DataServiceDataset", CU_TF_NETWORK, 0, "connects to a tf.data service" },
    { "DataServiceDatasetV2", CU_TF_NETWORK, 0, "connects to a tf.data service" },
    { "DataServiceDatasetV3", CU_TF_NETWORK, 0, "connects to a tf.data service" },
    { "DataServiceDatasetV4", CU_TF_NETWORK, 0, "connects to a tf.data service" },
    { "RegisterDataset", CU_TF_NETWORK, 0, "connects to a tf.data service" },
    { "RegisterDatasetV2", CU_TF_NETWORK, 0, "connects to a tf.data service" },
    { "Rpc", CU_TF_NETWORK, 0, "makes RPC calls" },
    { "TryRpc", CU_TF_NETWORK, 0, "makes RPC calls" },
    { "RpcClient", CU_TF_NETWORK, 0, "makes RPC calls" },
    { "RpcCall", CU_TF_NETWORK, 0, "makes RPC calls" },
    { "RpcServer", CU_TF_NETWORK, 0, "starts an RPC server" },
    { "RpcServerStart", CU_TF_NETWORK, 0, "starts an RPC server" },
    { "RpcServerRegister", CU_TF_NETWORK, 0, "starts an RPC server" },
    { "BigQueryReader", CU_TF_NETWORK, 0, "reads from BigQuery" },
    { "GenerateBigQueryReaderPartitions", CU_TF_NETWORK, 0, "reads from BigQuery" },
    /* checkpoints and caches: normal when the loader supplies the path */
    { "Save", CU_TF_PATH_CONST, IN0, "writes a checkpoint" },
    { "SaveSlices", CU_TF_PATH_CONST, IN0, "writes a checkpoint" },
    { "SaveV2", CU_TF_PATH_CONST, IN0, "writes a checkpoint" },
    { "Restore", CU_TF_PATH_CONST, IN0, "reads a checkpoint" },
    { "RestoreSlice", CU_TF_PATH_CONST, IN0, "reads a checkpoint" },
    { "RestoreV2", CU_TF_PATH_CONST, IN0, "reads a checkpoint" },
    { "MergeV2Checkpoints", CU_TF_PATH_CONST, IN01, "writes and deletes checkpoint files" },
    { "ShardedFilename", CU_TF_PATH_CONST, IN0, "names checkpoint files" },
    { "ShardedFilespec", CU_TF_PATH_CONST, IN0, "names checkpoint files" },
    { "LoadAndRemapMatrix", CU_TF_PATH_CONST, IN0, "reads a checkpoint" },
    { "CacheDataset", CU_TF_PATH_CONST, IN1, "writes cache files" },
    { "CacheDatasetV2", CU_TF_PATH_CONST, IN1, "writes cache files" },
    /* assets */
    { "InitializeTableFromTextFile", CU_TF_PATH_ESCAPE, IN1, "reads a vocabulary file" },
    { "InitializeTableFromTextFileV2", CU_TF_PATH_ESCAPE, IN1, "reads a vocabulary file" },
    { "GenerateVocabRemapping", CU_TF_PATH_ESCAPE, IN01, "reads vocabulary files" },
    /* only through attributes */
    { "DebugIdentity", CU_TF_ATTR, 0, "dumps tensors to debug URLs" },
    { "DebugIdentityV2", CU_TF_ATTR, 0, "dumps tensors to a debug directory" },
    { "DebugIdentityV3", CU_TF_ATTR, 0, "dumps tensors to debug URLs" },
    { "DebugNanCount", CU_TF_ATTR, 0, "dumps tensors to debug URLs" },
    { "DebugNumericSummary", CU_TF_ATTR, 0, "dumps tensors to debug URLs" },
    { "DebugNumericSummaryV2", CU_TF_ATTR, 0, "dumps tensors to debug URLs" },
    { "PrintV2", CU_TF_ATTR, 0, "prints to an output stream" },
    { "DecodeProtoV2", CU_TF_ATTR, 0, "loads a protobuf descriptor file" },
    { "EncodeProto", CU_TF_ATTR, 0, "loads a protobuf descriptor file" },
};

const struct cu_tf_op *cu_tf_op_find(const char *op)
{
    for (size_t i = 0; i < sizeof(tf_ops) / sizeof(tf_ops[0]); i++) {
        if (strcmp(tf_ops[i].op, op) == 0) {
            return &tf_ops[i];
        }
    }
    return NULL;
}

/* ---- walker state ---- */

/* Attributes kept per node (any op: attributes may come before the op field). */
enum { A_DEBUG_URLS, A_DUMP_ROOT, A_OUTPUT_STREAM, A_DESCRIPTOR, A_REGION, A_COUNT };
static const char *const tf_attr_keys[A_COUNT] = { "debug_urls", "dump_root", "output_stream",
                                                   "descriptor_source", "memory_region_name" };

struct tf_node {
    char name[TF_STR];
    char op[TF_STR];
    char in[2][TF_STR];
    unsigned nin;
    bool str_const; /* a DT_STRING "value" tensor was seen */
    char cval[TF_STR];
    char attr[A_COUNT][TF_STR];
};

struct tf_ref {
    char *name;
    char *value; /* Const: the string; Identity: its input's node name */
    bool ident;
};

struct tf_pend {
    char *name;
    char *in[2];
    const struct cu_tf_op *k;
    uint64_t off;
    char *attr; /* CU_TF_ATTR: the offending attribute, "key=value" */
};

struct tf_scope {
    char label[TF_STR + 32];
    struct tf_ref *refs;
    size_t nrefs, caprefs;
    struct tf_pend *pend;
    size_t npend, cappend;
};

struct tf {
    struct cu_ctx *ctx;
    struct cu_source *src;
    custody_error *err;
    struct cu_stream st;
    unsigned nest;
    bool quiet;              /* probing a constant: no findings */
    char where[TF_STR + 64]; /* "graph embedded in constant 'x' of ..." prefix, or "" */
    uint64_t nodes, functions, metagraphs, probe_nodes;
};

static void tf_scope_free(struct tf_scope *s)
{
    for (size_t i = 0; i < s->nrefs; i++) {
        free(s->refs[i].name);
        free(s->refs[i].value);
    }
    free(s->refs);
    for (size_t i = 0; i < s->npend; i++) {
        free(s->pend[i].name);
        free(s->pend[i].in[0]);
        free(s->pend[i].in[1]);
        free(s->pend[i].attr);
    }
    free(s->pend);
    memset(s, 0, sizeof(*s));
}

/* Node name of an input: "^ctrl" -> "ctrl", "node:0" / "node:out:0" -> "node". */
static void tf_input_node(char *s)
{
    if (s[0] == '^') {
        memmove(s, s + 1, strlen(s));
    }
    char *c = strchr(s, ':');
    if (c != NULL) {
        *c = '\0';
    }
}

static bool tf_path_escapes(const char *p)
{
    if (p[0] == '/' || p[0] == '\\' || strstr(p, "://") != NULL ||
        (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':')) {
        return true;
    }
    for (const char *q = p; (q = strstr(q, "..")) != NULL; q += 2) {
        bool left = q == p || q[-1] == '/' || q[-1] == '\\';
        bool right = q[2] == '\0' || q[2] == '/' || q[2] == '\\';
        if (left && right) {
            return true;
        }
    }
    return false;
}

static int
tf_scope_add_ref(struct tf *o, struct tf_scope *s, const char *name, const char *value, bool ident)
{
    if (s->nrefs >= CU_LIMIT_PROTO_ENTRIES) {
        return cu_err_limit(o->err, o->src->loc, CU_NO_OFFSET,
                            "more than %u constants in one TensorFlow graph",
                            CU_LIMIT_PROTO_ENTRIES);
    }
    if (!cu_grow((void **)&s->refs, &s->caprefs, s->nrefs + 1, sizeof(*s->refs))) {
        return cu_err_nomem(o->err);
    }
    struct tf_ref *r = &s->refs[s->nrefs];
    r->name = cu_strdup(name);
    r->value = cu_strdup(value);
    r->ident = ident;
    if (r->name == NULL || r->value == NULL) {
        free(r->name);
        free(r->value);
        return cu_err_nomem(o->err);
    }
    s->nrefs++;
    return 0;
}

static int tf_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tf_ref *)a)->name, ((const struct tf_ref *)b)->name);
}

/* The constant string an input reduces to through Identity nodes, or NULL; *cname gets the
 * Const node's name. The refs are sorted by name (tf_resolve_scope). */
static const char *tf_resolve(const struct tf_scope *s, const char *input, const char **cname)
{
    const char *cur = input;
    for (unsigned hop = 0; hop < 16; hop++) {
        struct tf_ref key = { (char *)(uintptr_t)cur, NULL, false };
        const struct tf_ref *r =
            s->nrefs == 0 ? NULL : bsearch(&key, s->refs, s->nrefs, sizeof(*s->refs), tf_ref_cmp);
        if (r == NULL) {
            return NULL;
        }
        if (!r->ident) {
            *cname = r->name;
            return r->value;
        }
        cur = r->value;
    }
    return NULL;
}

static void tf_resolve_scope(struct tf *o, struct tf_scope *s, const char *saver)
{
    if (s->npend == 0 || o->quiet) {
        return;
    }
    if (s->nrefs > 1) {
        qsort(s->refs, s->nrefs, sizeof(*s->refs), tf_ref_cmp);
    }
    for (size_t i = 0; i < s->npend && !o->quiet; i++) {
        const struct tf_pend *p = &s->pend[i];
        const char *path = NULL, *cname = NULL;
        for (unsigned b = 0; b < 2 && path == NULL; b++) {
            if ((p->k->paths & (1u << b)) != 0 && p->in[b] != NULL) {
                path = tf_resolve(s, p->in[b], &cname);
            }
        }
        const char *in_what = o->where[0] ? o->where : "";
        switch (p->k->risk) {
        case CU_TF_PYTHON:
            cu_emit(o->ctx, o->src, p->off, "savedmodel/python-op", CU_SEV_DEFAULT, p->k->op,
                    "node '%s' (%s) %s when the graph runs, in %s%s", p->name, p->k->op, p->k->what,
                    in_what, s->label);
            break;
        case CU_TF_FILE:
        case CU_TF_NETWORK:
            cu_emit(o->ctx, o->src, p->off,
                    p->k->risk == CU_TF_FILE ? "savedmodel/file-op" : "savedmodel/network-op",
                    CU_SEV_DEFAULT, path != NULL ? path : p->k->op,
                    "node '%s' (%s) %s%s%s%s, in %s%s", p->name, p->k->op, p->k->what,
                    path != NULL ? " (path constant '" : "", path != NULL ? path : "",
                    path != NULL ? "')" : "", in_what, s->label);
            break;
        case CU_TF_PATH_CONST:
        case CU_TF_PATH_ESCAPE: {
            if (path == NULL) {
                break; /* the path comes from the loader: a placeholder, argument or asset */
            }
            bool escapes = tf_path_escapes(path);
            bool fed = saver != NULL && cname != NULL && strcmp(cname, saver) == 0;
            if (escapes || (p->k->risk == CU_TF_PATH_CONST && !fed)) {
                cu_emit(o->ctx, o->src, p->off, "savedmodel/checkpoint-path", CU_SEV_DEFAULT, path,
                        "node '%s' (%s) %s at the fixed path '%s'%s, in %s%s", p->name, p->k->op,
                        p->k->what, path, escapes ? " outside the model directory" : "", in_what,
                        s->label);
            }
            break;
        }
        case CU_TF_ATTR:
            if (p->attr != NULL) {
                cu_emit(o->ctx, o->src, p->off, "savedmodel/file-op", CU_SEV_DEFAULT, p->attr,
                        "node '%s' (%s) %s: %s, in %s%s", p->name, p->k->op, p->k->what, p->attr,
                        in_what, s->label);
            }
            break;
        }
    }
}

/* ---- messages ---- */

static int tf_graphdef(struct tf *o, struct cu_pw *pw, struct tf_scope *scope);

static int tf_str(struct cu_pw *pw, const struct cu_pw_field *f, char *buf, size_t cap)
{
    size_t n;
    bool cut;
    return cu_pw_str(pw, f, buf, cap, &n, &cut);
}

/* Is the string at f a serialised GraphDef? Probe quietly; walk it for real if so. */
static int
tf_probe_graph(struct tf *o, struct cu_pw *pw, const struct cu_pw_field *f, const char *cname)
{
    if (o->nest >= TF_MAX_NEST || f->v < 4) {
        return 0;
    }
    uint8_t first = 0;
    int rc = cu_stream_seek(pw->st, f->start);
    if (rc == 0) {
        rc = cu_stream_getc(pw->st, &first); /* 1: a byte, 0: end (not a graph) */
    }
    if (rc < 0) {
        return rc;
    }
    if (rc == 0 || first != 0x0a) { /* GraphDef starts with a node (field 1, LEN) */
        return 0;
    }
    struct cu_pw sub;
    if ((rc = cu_pw_enter(pw, f, &sub)) < 0) {
        return rc;
    }
    bool was_quiet = o->quiet;
    uint64_t before = o->probe_nodes;
    o->quiet = true;
    o->nest++;
    struct tf_scope scope;
    memset(&scope, 0, sizeof(scope));
    struct cu_pw probe = sub;
    rc = tf_graphdef(o, &probe, &scope);
    tf_scope_free(&scope);
    o->nest--;
    o->quiet = was_quiet;
    bool graph = rc == 0 && o->probe_nodes > before;
    if (rc == CUSTODY_EMALFORMED || rc == CUSTODY_ELIMIT) {
        cu_err_clear(o->err);
        rc = 0;
    }
    if (rc < 0 || !graph || o->quiet) {
        return rc;
    }
    char saved[sizeof(o->where)];
    memcpy(saved, o->where, sizeof(saved));
    (void)snprintf(o->where, sizeof(o->where), "a graph serialised in constant '%s' of ", cname);
    o->nest++;
    memset(&scope, 0, sizeof(scope));
    (void)snprintf(scope.label, sizeof(scope.label), "%s", "that graph");
    rc = tf_graphdef(o, &sub, &scope);
    tf_resolve_scope(o, &scope, NULL);
    tf_scope_free(&scope);
    o->nest--;
    memcpy(o->where, saved, sizeof(saved));
    return rc;
}

/* TensorProto: dtype 1, string_val 8 (first kept). */
static int tf_tensor(struct tf *o, struct cu_pw *pw, const char *cname, char *first, bool *isstr)
{
    struct cu_pw_field f;
    int rc;
    bool got = false;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.no == 1 && f.wt == CU_PW_VARINT) {
            *isstr = f.v == TF_DT_STRING;
        } else if (f.no == 8 && f.wt == CU_PW_LEN) {
            if (!got && (rc = tf_str(pw, &f, first, TF_STR)) < 0) {
                return rc;
            }
            got = true;
            if ((rc = tf_probe_graph(o, pw, &f, cname)) < 0) {
                return rc;
            }
        }
    }
    return rc;
}

/* AttrValue: list 1 (ListValue s 2), s 2, tensor 8. `sval` gets the first non-empty string. */
static int
tf_attrvalue(struct tf *o, struct cu_pw *pw, const char *cname, char *sval, char *tval, bool *tstr)
{
    struct cu_pw_field f;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        struct cu_pw sub;
        if (f.no == 2 && sval[0] == '\0') {
            rc = tf_str(pw, &f, sval, TF_STR);
        } else if (f.no == 1) {
            struct cu_pw_field g;
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
                return rc;
            }
            while ((rc = cu_pw_next(&sub, &g)) > 0) {
                if (g.no == 2 && g.wt == CU_PW_LEN && sval[0] == '\0' &&
                    (rc = tf_str(&sub, &g, sval, TF_STR)) < 0) {
                    return rc;
                }
            }
        } else if (f.no == 8) {
            if ((rc = cu_pw_enter(pw, &f, &sub)) == 0) {
                rc = tf_tensor(o, &sub, cname, tval, tstr);
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    return rc;
}

static int tf_nodedef(struct tf *o, struct cu_pw *pw, struct tf_scope *scope, uint64_t off)
{
    struct tf_node *n = cu_calloc(1, sizeof(*n));
    char *key = cu_malloc(TF_STR), *sval = cu_malloc(TF_STR), *tval = cu_malloc(TF_STR);
    int rc = 0;
    if (n == NULL || key == NULL || sval == NULL || tval == NULL) {
        rc = cu_err_nomem(o->err);
        goto out;
    }
    struct cu_pw_field f;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        if (f.no == 1) {
            rc = tf_str(pw, &f, n->name, TF_STR);
        } else if (f.no == 2) {
            rc = tf_str(pw, &f, n->op, TF_STR);
        } else if (f.no == 3 && n->nin < 2) {
            rc = tf_str(pw, &f, n->in[n->nin++], TF_STR);
        } else if (f.no == 5) {
            struct cu_pw sub;
            struct cu_pw_field g;
            bool tstr = false;
            key[0] = sval[0] = tval[0] = '\0';
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
                goto out;
            }
            while ((rc = cu_pw_next(&sub, &g)) > 0) {
                struct cu_pw vv;
                if (g.wt != CU_PW_LEN) {
                    continue;
                }
                if (g.no == 1) {
                    rc = tf_str(&sub, &g, key, TF_STR);
                } else if (g.no == 2 && (rc = cu_pw_enter(&sub, &g, &vv)) == 0) {
                    rc = tf_attrvalue(o, &vv, n->name[0] ? n->name : "?", sval, tval, &tstr);
                }
                if (rc < 0) {
                    goto out;
                }
            }
            if (rc < 0) {
                goto out;
            }
            if (strcmp(key, "value") == 0 && tstr) {
                n->str_const = true;
                memcpy(n->cval, tval, TF_STR);
            }
            for (unsigned a = 0; a < A_COUNT; a++) {
                if (strcmp(key, tf_attr_keys[a]) == 0) {
                    memcpy(n->attr[a], sval, TF_STR);
                }
            }
        }
        if (rc < 0) {
            goto out;
        }
    }
    if (rc < 0) {
        goto out;
    }
    o->nodes++;
    o->probe_nodes++;
    for (unsigned i = 0; i < n->nin; i++) {
        tf_input_node(n->in[i]);
    }
    if ((strcmp(n->op, "Const") == 0 || strcmp(n->op, "HostConst") == 0) && n->str_const) {
        rc = tf_scope_add_ref(o, scope, n->name, n->cval, false);
        goto out;
    }
    if ((strcmp(n->op, "Identity") == 0 || strcmp(n->op, "Snapshot") == 0) && n->nin > 0) {
        rc = tf_scope_add_ref(o, scope, n->name, n->in[0], true);
        goto out;
    }
    const struct cu_tf_op *k = cu_tf_op_find(n->op);
    if (k == NULL || o->quiet) {
        goto out;
    }
    char *attr = NULL;
    if (k->risk == CU_TF_ATTR) {
        const char *stream = n->attr[A_OUTPUT_STREAM];
        const char *desc = n->attr[A_DESCRIPTOR];
        if (n->attr[A_DEBUG_URLS][0] != '\0') {
            attr = cu_asprintf("debug_urls=%s", n->attr[A_DEBUG_URLS]);
        } else if (n->attr[A_DUMP_ROOT][0] != '\0') {
            attr = cu_asprintf("dump_root=%s", n->attr[A_DUMP_ROOT]);
        } else if (stream[0] != '\0' && strcmp(stream, "stderr") != 0 &&
                   strcmp(stream, "stdout") != 0 && strncmp(stream, "log(", 4) != 0) {
            attr = cu_asprintf("output_stream=%s", stream);
        } else if (desc[0] != '\0' && strcmp(desc, "local://") != 0) {
            attr = cu_asprintf("descriptor_source=%s", desc);
        } else {
            goto out; /* nothing leaves the process */
        }
        if (attr == NULL) {
            rc = cu_err_nomem(o->err);
            goto out;
        }
    } else if (k->op[0] == 'I' && strcmp(k->op, "ImmutableConst") == 0 &&
               n->attr[A_REGION][0] != '\0') {
        attr = cu_strdup(n->attr[A_REGION]);
    }
    if (scope->npend >= CU_LIMIT_PROTO_ENTRIES) {
        free(attr);
        rc = cu_err_limit(o->err, o->src->loc, off, "more than %u file operations in one graph",
                          CU_LIMIT_PROTO_ENTRIES);
        goto out;
    }
    if (!cu_grow((void **)&scope->pend, &scope->cappend, scope->npend + 1, sizeof(*scope->pend))) {
        free(attr);
        rc = cu_err_nomem(o->err);
        goto out;
    }
    struct tf_pend *p = &scope->pend[scope->npend++];
    memset(p, 0, sizeof(*p));
    p->k = k;
    p->off = off;
    p->attr = attr;
    p->name = cu_strdup(n->name);
    for (unsigned i = 0; i < n->nin; i++) {
        p->in[i] = cu_strdup(n->in[i]);
    }
    if (p->name == NULL || (n->nin > 0 && p->in[0] == NULL) || (n->nin > 1 && p->in[1] == NULL)) {
        rc = cu_err_nomem(o->err);
    }
out:
    free(n);
    free(key);
    free(sval);
    free(tval);
    return rc;
}

/* FunctionDef: signature 1 (OpDef name 1), node_def 3. */
static int tf_function(struct tf *o, struct cu_pw *pw)
{
    struct tf_scope scope;
    memset(&scope, 0, sizeof(scope));
    (void)snprintf(scope.label, sizeof(scope.label), "%s", "an unnamed function");
    struct cu_pw_field f;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN) {
            continue;
        }
        struct cu_pw sub;
        if (f.no == 1) {
            struct cu_pw_field g;
            if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
                break;
            }
            while ((rc = cu_pw_next(&sub, &g)) > 0) {
                if (g.no == 1 && g.wt == CU_PW_LEN) {
                    char name[TF_STR];
                    if ((rc = tf_str(&sub, &g, name, sizeof(name))) < 0) {
                        break;
                    }
                    (void)snprintf(scope.label, sizeof(scope.label), "function '%s'", name);
                }
            }
        } else if (f.no == 3) {
            if ((rc = cu_pw_enter(pw, &f, &sub)) == 0) {
                rc = tf_nodedef(o, &sub, &scope, f.off);
            }
        }
        if (rc < 0) {
            break;
        }
    }
    o->functions++;
    tf_resolve_scope(o, &scope, NULL); /* what was found before any damage */
    tf_scope_free(&scope);
    return rc;
}

/* GraphDef: node 1, library 2 (FunctionDefLibrary function 1). Nodes go to `scope`. */
static int tf_graphdef(struct tf *o, struct cu_pw *pw, struct tf_scope *scope)
{
    struct cu_pw_field f;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN || (f.no != 1 && f.no != 2)) {
            continue;
        }
        struct cu_pw sub;
        if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
            return rc;
        }
        if (f.no == 1) {
            rc = tf_nodedef(o, &sub, scope, f.off);
        } else {
            struct cu_pw_field g;
            while ((rc = cu_pw_next(&sub, &g)) > 0) {
                struct cu_pw fn;
                if (g.no == 1 && g.wt == CU_PW_LEN &&
                    ((rc = cu_pw_enter(&sub, &g, &fn)) < 0 || (rc = tf_function(o, &fn)) < 0)) {
                    return rc;
                }
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    return rc;
}

/* MetaGraphDef: graph_def 2, saver_def 3 (filename_tensor_name 1). */
static int tf_metagraph(struct tf *o, struct cu_pw *pw)
{
    struct tf_scope scope;
    memset(&scope, 0, sizeof(scope));
    (void)snprintf(scope.label, sizeof(scope.label), "the graph of meta graph %llu",
                   (unsigned long long)o->metagraphs);
    o->metagraphs++;
    char saver[TF_STR] = "";
    struct cu_pw_field f;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        if (f.wt != CU_PW_LEN || (f.no != 2 && f.no != 3)) {
            continue;
        }
        struct cu_pw sub;
        if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
            break;
        }
        if (f.no == 2) {
            rc = tf_graphdef(o, &sub, &scope);
        } else {
            struct cu_pw_field g;
            while ((rc = cu_pw_next(&sub, &g)) > 0) {
                if (g.no == 1 && g.wt == CU_PW_LEN &&
                    (rc = tf_str(&sub, &g, saver, sizeof(saver))) < 0) {
                    break;
                }
            }
            tf_input_node(saver);
        }
        if (rc < 0) {
            break;
        }
    }
    tf_resolve_scope(o, &scope, saver[0] ? saver : NULL);
    tf_scope_free(&scope);
    return rc;
}

/* ---- keras_metadata.pb ---- */

/* Finds Keras Lambda layers in a layer's JSON metadata: their config carries marshalled Python
 * bytecode that Keras revives when it loads the SavedModel. */
static void
tf_keras_json(struct tf *o, uint64_t off, const char *path, const json_t *j, unsigned depth)
{
    if (depth > 64) {
        return;
    }
    if (json_is_object(j)) {
        const json_t *cls = json_object_get(j, "class_name");
        if (json_is_string(cls) && strcmp(json_string_value(cls), "Lambda") == 0) {
            const json_t *cfg = json_object_get(j, "config");
            const json_t *nm = json_is_object(cfg) ? json_object_get(cfg, "name") : NULL;
            cu_emit(o->ctx, o->src, off, "savedmodel/keras-lambda", CU_SEV_DEFAULT,
                    json_is_string(nm) ? json_string_value(nm) : path,
                    "Keras Lambda layer '%s' (object '%s'): its config holds Python bytecode "
                    "that Keras unmarshals and runs when it loads the model",
                    json_is_string(nm) ? json_string_value(nm) : "?", path);
        }
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)(uintptr_t)j, k, v)
        {
            tf_keras_json(o, off, path, v, depth + 1);
        }
    } else if (json_is_array(j)) {
        size_t i;
        const json_t *v;
        json_array_foreach(j, i, v)
        {
            tf_keras_json(o, off, path, v, depth + 1);
        }
    }
}

/* SavedMetadata: nodes 1 -> SavedObject: node_id 2, node_path 3, identifier 4, metadata 5
 * (a JSON string), version 6. */
static int tf_keras_metadata(struct tf *o, struct cu_pw *pw)
{
    struct cu_pw_field f, g;
    int rc;
    while ((rc = cu_pw_next(pw, &f)) > 0) {
        struct cu_pw sub;
        if (f.no != 1 || f.wt != CU_PW_LEN) {
            continue;
        }
        if ((rc = cu_pw_enter(pw, &f, &sub)) < 0) {
            return rc;
        }
        char path[TF_STR] = "";
        while ((rc = cu_pw_next(&sub, &g)) > 0) {
            if (g.no == 3 && g.wt == CU_PW_LEN) {
                if ((rc = tf_str(&sub, &g, path, sizeof(path))) < 0) {
                    return rc;
                }
            } else if (g.no == 5 && g.wt == CU_PW_LEN) {
                if (g.v > CU_LIMIT_JSON) {
                    return cu_err_limit(o->err, o->src->loc, g.off,
                                        "Keras metadata of %llu bytes is over the JSON limit",
                                        (unsigned long long)g.v);
                }
                char *js = cu_malloc((size_t)g.v + 1);
                size_t n;
                bool cut;
                if (js == NULL) {
                    return cu_err_nomem(o->err);
                }
                if ((rc = cu_pw_str(&sub, &g, js, (size_t)g.v + 1, &n, &cut)) < 0) {
                    free(js);
                    return rc;
                }
                json_error_t jerr;
                json_t *doc = json_loadb(js, n, JSON_REJECT_DUPLICATES, &jerr);
                free(js);
                if (doc == NULL) {
                    return cu_err_malformed(o->err, o->src->loc, g.start,
                                            "Keras metadata of '%s' is not valid JSON: %s", path,
                                            jerr.text);
                }
                tf_keras_json(o, g.off, path[0] ? path : "?", doc, 0);
                json_decref(doc);
                o->nodes++;
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    return rc;
}

/* ---- sniff ---- */

enum tf_kind { TF_NONE, TF_SAVEDMODEL, TF_GRAPHDEF, TF_FINGERPRINT, TF_KERAS_META };

static bool
tf_savedobject_field(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    (void)payload;
    (void)avail;
    (void)v;
    return (no == 2 && wt == CU_PW_VARINT) || (no >= 3 && no <= 6 && wt == CU_PW_LEN);
}

static bool
tf_kmeta_field(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    (void)v;
    return no == 1 && wt == CU_PW_LEN &&
           (avail == 0 || cu_pw_head_ok(payload, avail, tf_savedobject_field, 1));
}

static bool tf_ident_text(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x21 || p[i] > 0x7e) {
            return false;
        }
    }
    return true;
}

static bool tf_fp_field(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    (void)payload;
    (void)avail;
    (void)v;
    return (no >= 1 && no <= 5 && wt == CU_PW_VARINT) || (no == 6 && wt == CU_PW_LEN);
}

/* MetaInfoDef: meta_graph_version 1, stripped_op_list 2, any_info 3, tags 4, versions 5-6
 * (strings), stripped_default_attrs 7 (bool), function_aliases 8. */
static bool
tf_metainfo_field(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    (void)payload;
    (void)avail;
    (void)v;
    return (no >= 1 && no <= 8 && no != 7 && wt == CU_PW_LEN) || (no == 7 && wt == CU_PW_VARINT);
}

/* MetaGraphDef: meta_info_def 1 .. object_graph_def 7 are all messages. */
static bool
tf_meta_field(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    (void)v;
    if (no < 1 || no > 9 || wt != CU_PW_LEN) {
        return false;
    }
    return no != 1 || avail == 0 || cu_pw_head_ok(payload, avail, tf_metainfo_field, 1);
}

/* SavedModel: saved_model_schema_version 1, meta_graphs 2. */
static bool
tf_saved_field(uint32_t no, unsigned wt, const uint8_t *payload, size_t avail, uint64_t v)
{
    if (no == 1) {
        return wt == CU_PW_VARINT && v <= 16;
    }
    return no == 2 && wt == CU_PW_LEN &&
           (avail == 0 || cu_pw_head_ok(payload, avail, tf_meta_field, 1));
}

static enum tf_kind tf_kind(const uint8_t *h, size_t len, const char *name)
{
    size_t off = 0, used;
    uint64_t v;
    if (len < 4) {
        return TF_NONE;
    }
    /* SavedModel: [08 <schema version>] 12 <len> MetaGraphDef starting with
     * meta_info_def (0a) or graph_def (12) */
    if (h[0] == 0x08) {
        off = h[1] <= 16 ? 2 : len; /* schema_version 1 (a one-byte varint) */
    }
    if (off < len - 1 && h[off] == 0x12 &&
        cu_pw_mem_varint(h + off + 1, len - off - 1, &used, &v) && v >= 2) {
        size_t p = off + 1 + used;
        if (p < len && (h[p] == 0x0a || h[p] == 0x12) && cu_pw_head_ok(h, len, tf_saved_field, 1)) {
            return TF_SAVEDMODEL;
        }
    }
    /* GraphDef: 0a <len> NodeDef = 0a <len> name 12 <len> op */
    if (h[0] == 0x0a && cu_pw_mem_varint(h + 1, len - 1, &used, &v) && v >= 4) {
        size_t p = 1 + used;
        uint64_t nl, ol;
        size_t u2, u3;
        if (p + 1 < len && h[p] == 0x0a && cu_pw_mem_varint(h + p + 1, len - p - 1, &u2, &nl) &&
            nl > 0 && nl < 256 && nl < len - (p + 1 + u2)) { /* the name and a byte after it */
            size_t q = p + 1 + u2;
            const uint8_t *nm = h + q;
            q += (size_t)nl;
            if (tf_ident_text(nm, (size_t)nl) && q + 2 < len && h[q] == 0x12 &&
                cu_pw_mem_varint(h + q + 1, len - q - 1, &u3, &ol) && ol > 0 && ol < 128) {
                size_t avail = len - q - 1 - u3;
                if (tf_ident_text(h + q + 1 + u3, ol < avail ? (size_t)ol : avail)) {
                    return TF_GRAPHDEF;
                }
            }
        }
    }
    if (name != NULL && strcmp(cu_basename(name), "keras_metadata.pb") == 0 &&
        cu_pw_head_ok(h, len, tf_kmeta_field, 1)) {
        return TF_KERAS_META;
    }
    if (name != NULL && strcmp(cu_basename(name), "fingerprint.pb") == 0 &&
        cu_pw_head_ok(h, len, tf_fp_field, 1)) {
        return TF_FINGERPRINT;
    }
    return TF_NONE;
}

static bool tf_sniff(const struct cu_sniff *in)
{
    return tf_kind(in->head, in->len, in->name) != TF_NONE;
}

/* ---- analyzer ---- */

static int tf_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct tf o;
    memset(&o, 0, sizeof(o));
    o.ctx = ctx;
    o.src = src;
    o.err = cu_ctx_err(ctx);
    if (cu_ctx_depth(ctx) == 1) { /* the top-level file (analyze runs one level down) */
        cu_fact(ctx, "format", "tensorflow-savedmodel");
        cu_fact(ctx, "framework", "tensorflow");
    }
    uint64_t size;
    uint8_t head[CU_LIMIT_SNIFF];
    size_t got = 0;
    int rc = cu_source_size(src, &size, o.err);
    if (rc == 0) {
        rc = cu_source_read(src, 0, head, sizeof(head), &got, o.err);
    }
    if (rc < 0) {
        return rc;
    }
    enum tf_kind kind = tf_kind(head, got, src->name);
    if ((rc = cu_stream_init(&o.st, src, 0, 64u << 10, o.err)) < 0) {
        return rc;
    }
    struct cu_pw pw;
    struct cu_pw_field f;
    cu_pw_init(&pw, &o.st, 0, size);
    uint64_t schema = 0;
    const char *what = "GraphDef";
    if (kind == TF_SAVEDMODEL) {
        what = "SavedModel";
        while ((rc = cu_pw_next(&pw, &f)) > 0) {
            struct cu_pw sub;
            if (f.no == 1 && f.wt == CU_PW_VARINT) {
                schema = f.v;
            } else if (f.no == 2 && f.wt == CU_PW_LEN &&
                       ((rc = cu_pw_enter(&pw, &f, &sub)) < 0 ||
                        (rc = tf_metagraph(&o, &sub)) < 0)) {
                break;
            }
        }
    } else if (kind == TF_GRAPHDEF) {
        struct tf_scope scope;
        memset(&scope, 0, sizeof(scope));
        (void)snprintf(scope.label, sizeof(scope.label), "%s", "the graph");
        rc = tf_graphdef(&o, &pw, &scope);
        tf_resolve_scope(&o, &scope, NULL);
        tf_scope_free(&scope);
    } else if (kind == TF_KERAS_META) {
        what = "Keras metadata";
        rc = tf_keras_metadata(&o, &pw);
    } else { /* fingerprint: hashes only; walked to be sure it is what it says */
        while ((rc = cu_pw_next(&pw, &f)) > 0) {
        }
        cu_stream_free(&o.st);
        return rc;
    }
    cu_stream_free(&o.st);
    if (rc < 0) {
        return rc;
    }
    cu_emit(ctx, src, CU_NO_OFFSET, "savedmodel/summary", CU_SEV_DEFAULT, NULL,
            "TensorFlow %s%s: %llu meta graphs, %llu nodes/objects, %llu functions", what,
            kind == TF_SAVEDMODEL ? (schema == 1 ? " (schema 1)" : " (unusual schema)") : "",
            (unsigned long long)o.metagraphs, (unsigned long long)o.nodes,
            (unsigned long long)o.functions);
    return 0;
}

static const char *const tf_ext[] = { ".pb", NULL };
const struct cu_analyzer cu_analyzer_savedmodel = { "savedmodel", tf_ext, tf_sniff, tf_analyze };
