/* Protobuf wire walker, ONNX, TensorFlow SavedModel / GraphDef and TFLite analyzers.
 * Fixtures: tests/fixtures/make_onnx.py (python3-onnx) and make_tf.py (hand-built). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/source.h"
#include "formats/protowire.h"
#include "testutil.h"

/* ---- helpers ---- */

/* Benign: nothing at or above medium, and the summary fact is there. */
static void expect_clean(const char *rel, const char *summary_rule, const char *summary_text)
{
    custody_scan *s = tu_scan_fixture(rel);
    if (tu_count(s, NULL, CUSTODY_SEV_MEDIUM) != 0 ||
        (summary_rule != NULL && tu_count(s, summary_rule, CUSTODY_SEV_INFO) == 0) ||
        (summary_text != NULL && !tu_has_text(s, summary_text, CUSTODY_SEV_INFO))) {
        tu_dump(s);
        fail_msg("%s: expected clean with %s '%s'", rel, summary_rule ? summary_rule : "-",
                 summary_text ? summary_text : "");
    }
    custody_scan_free(s);
}

/* Malicious: `rule` at `sev` or above with `text` in a finding. */
static void expect_rule(const char *rel, const char *rule, custody_severity sev, const char *text)
{
    custody_scan *s = tu_scan_fixture(rel);
    if (tu_count(s, rule, sev) == 0 || (text != NULL && !tu_has_text(s, text, sev))) {
        tu_dump(s);
        fail_msg("%s: expected %s with '%s'", rel, rule, text ? text : "");
    }
    custody_scan_free(s);
}

static uint8_t *read_fixture(const char *rel, size_t *len)
{
    char path[4096];
    (void)snprintf(path, sizeof(path), "%s/%s", CUSTODY_FIXTURES, rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* ---- protobuf wire walker ---- */

struct pw_env {
    struct cu_source *src;
    struct cu_stream st;
    custody_error err;
    struct cu_pw pw;
};

static void pw_open(struct pw_env *e, const uint8_t *p, size_t n)
{
    assert_int_equal(cu_source_from_mem(&e->src, p, n, false, "t", "t", &e->err), 0);
    assert_int_equal(cu_stream_init(&e->st, e->src, 0, 64, &e->err), 0);
    cu_pw_init(&e->pw, &e->st, 0, n);
}

static void pw_close(struct pw_env *e)
{
    cu_stream_free(&e->st);
    cu_source_free(e->src);
}

/* Walks every field of a buffer; returns the first non-positive result. */
static int pw_walk(const uint8_t *p, size_t n, unsigned *fields)
{
    struct pw_env e;
    struct cu_pw_field f;
    int rc;
    pw_open(&e, p, n);
    *fields = 0;
    while ((rc = cu_pw_next(&e.pw, &f)) > 0) {
        (*fields)++;
    }
    pw_close(&e);
    return rc;
}

static void test_pw_fields(void **state)
{
    (void)state;
    /* 1: varint 300, 2: "hi", 3: fixed32, 4: fixed64, 5: group {6: varint} skipped, 7: varint */
    static const uint8_t msg[] = { 0x08, 0xac, 0x02, 0x12, 0x02, 'h',  'i',  0x1d, 1,
                                   2,    3,    4,    0x21, 1,    2,    3,    4,    5,
                                   6,    7,    8,    0x2b, 0x30, 0x01, 0x2c, 0x38, 0x05 };
    struct pw_env e;
    struct cu_pw_field f;
    pw_open(&e, msg, sizeof(msg));
    assert_int_equal(cu_pw_next(&e.pw, &f), 1);
    assert_int_equal(f.no, 1);
    assert_int_equal(f.wt, CU_PW_VARINT);
    assert_int_equal(f.v, 300);
    assert_int_equal(cu_pw_next(&e.pw, &f), 1);
    assert_int_equal(f.no, 2);
    assert_int_equal(f.wt, CU_PW_LEN);
    char s[8];
    size_t n;
    bool cut;
    assert_int_equal(cu_pw_str(&e.pw, &f, s, sizeof(s), &n, &cut), 0);
    assert_string_equal(s, "hi");
    assert_false(cut);
    assert_int_equal(cu_pw_str(&e.pw, &f, s, 2, &n, &cut), 0);
    assert_string_equal(s, "h");
    assert_true(cut);
    assert_int_equal(cu_pw_next(&e.pw, &f), 1);
    assert_int_equal(f.v, 0x04030201u);
    assert_int_equal(cu_pw_next(&e.pw, &f), 1);
    assert_int_equal(f.v, 0x0807060504030201ull);
    assert_int_equal(cu_pw_next(&e.pw, &f), 1); /* the group was skipped */
    assert_int_equal(f.no, 7);
    assert_int_equal(f.v, 5);
    assert_int_equal(cu_pw_next(&e.pw, &f), 0);
    pw_close(&e);
}

static void test_pw_errors(void **state)
{
    (void)state;
    unsigned nf;
    static const uint8_t overlong[] = { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80,
                                        0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
    assert_int_equal(pw_walk(overlong, sizeof(overlong), &nf), CUSTODY_EMALFORMED);
    static const uint8_t overflow[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0x02 };
    assert_int_equal(pw_walk(overflow, sizeof(overflow), &nf), CUSTODY_EMALFORMED);
    static const uint8_t max64[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0x01 };
    assert_int_equal(pw_walk(max64, sizeof(max64), &nf), 0);
    assert_int_equal(nf, 1);
    static const uint8_t field0[] = { 0x02, 0x00 };
    assert_int_equal(pw_walk(field0, sizeof(field0), &nf), CUSTODY_EMALFORMED);
    static const uint8_t wt7[] = { 0x0f, 0x00 };
    assert_int_equal(pw_walk(wt7, sizeof(wt7), &nf), CUSTODY_EMALFORMED);
    static const uint8_t len_past[] = { 0x12, 0x05, 'a', 'b' };
    assert_int_equal(pw_walk(len_past, sizeof(len_past), &nf), CUSTODY_EMALFORMED);
    static const uint8_t fixed_past[] = { 0x1d, 1, 2 };
    assert_int_equal(pw_walk(fixed_past, sizeof(fixed_past), &nf), CUSTODY_EMALFORMED);
    static const uint8_t trunc_varint[] = { 0x08, 0x80 };
    assert_int_equal(pw_walk(trunc_varint, sizeof(trunc_varint), &nf), CUSTODY_EMALFORMED);
    static const uint8_t open_group[] = { 0x0b, 0x10, 0x01 };
    assert_int_equal(pw_walk(open_group, sizeof(open_group), &nf), CUSTODY_EMALFORMED);
    static const uint8_t stray_end[] = { 0x0c };
    assert_int_equal(pw_walk(stray_end, sizeof(stray_end), &nf), CUSTODY_EMALFORMED);
    static const uint8_t wrong_end[] = { 0x0b, 0x14 };
    assert_int_equal(pw_walk(wrong_end, sizeof(wrong_end), &nf), CUSTODY_EMALFORMED);
    static const uint8_t big_tag[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00 };
    assert_int_equal(pw_walk(big_tag, sizeof(big_tag), &nf), CUSTODY_EMALFORMED);
    /* groups nested past the limit */
    uint8_t deep[2 * 200];
    for (size_t i = 0; i < 200; i++) {
        deep[i] = 0x0b;
        deep[399 - i] = 0x0c;
    }
    assert_int_equal(pw_walk(deep, sizeof(deep), &nf), CUSTODY_ELIMIT);
}

static void test_pw_nesting(void **state)
{
    (void)state;
    /* 150 messages nested in field 1, built from the inside out: entering stops at the
     * depth limit */
    uint8_t buf[1024];
    size_t start = sizeof(buf), depth = 150;
    for (size_t i = 0; i < depth; i++) {
        size_t inner = sizeof(buf) - start;
        uint8_t lenb[2];
        size_t nl = 0;
        lenb[nl++] = (uint8_t)(inner < 128 ? inner : (inner & 0x7f) | 0x80);
        if (inner >= 128) {
            lenb[nl++] = (uint8_t)(inner >> 7);
        }
        start -= nl;
        memcpy(buf + start, lenb, nl);
        buf[--start] = 0x0a;
    }
    struct pw_env e;
    pw_open(&e, buf + start, sizeof(buf) - start);
    struct cu_pw cur = e.pw, sub;
    struct cu_pw_field f;
    int rc = 0;
    unsigned levels = 0;
    while ((rc = cu_pw_next(&cur, &f)) > 0) {
        if ((rc = cu_pw_enter(&cur, &f, &sub)) < 0) {
            break;
        }
        cur = sub;
        levels++;
    }
    assert_int_equal(rc, CUSTODY_ELIMIT);
    assert_true(levels < depth);
    pw_close(&e);
}

static void test_pw_packed(void **state)
{
    (void)state;
    static const uint8_t msg[] = { 0x0a, 0x04, 0x03, 0x8e, 0x02, 0x05 };
    struct pw_env e;
    struct cu_pw_field f;
    struct cu_pw sub;
    uint64_t v, got[4];
    size_t k = 0;
    pw_open(&e, msg, sizeof(msg));
    assert_int_equal(cu_pw_next(&e.pw, &f), 1);
    assert_int_equal(cu_pw_enter(&e.pw, &f, &sub), 0);
    while (cu_pw_packed_varint(&sub, &v) > 0 && k < 4) {
        got[k++] = v;
    }
    assert_int_equal(k, 3);
    assert_int_equal(got[0], 3);
    assert_int_equal(got[1], 270);
    assert_int_equal(got[2], 5);
    pw_close(&e);
}

/* ---- ONNX ---- */

/* A lone TensorProto is claimed only when it looks like one, and checked to its end. */
static void test_onnx_tensor_edges(void **state)
{
    (void)state;
    /* dims 2, 3; data_type 11; raw_data 600 bytes (past the sniffed head); then field 8
     * (name) as a varint: claimed, and the walk to the end finds the damage */
    uint8_t t[700] = { 0x08, 0x02, 0x08, 0x03, 0x10, 0x0b, 0x4a, 0xd8, 0x04 };
    size_t n = 9 + 600;
    t[n++] = 0x40; /* field 8, wire type 0: not ONNX's */
    t[n++] = 0x01;
    custody_scan *s = tu_scan_buffer("input_0.pb", t, n);
    const char *fmt = custody_scan_file(s, 0)->format;
    assert_non_null(fmt);
    assert_string_equal(fmt, "onnx-tensor");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    /* the same damage inside the head: not claimed, an unrecognised .pb (medium either way) */
    s = tu_scan_buffer("input_0.pb", t, 9);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    /* without data_type it is not a tensor: an unrecognised .pb */
    static const uint8_t nodt[] = { 0x08, 0x02, 0x08, 0x03, 0x4a, 0x02, 0x00, 0x00 };
    s = tu_scan_buffer("input_0.pb", nodt, sizeof(nodt));
    assert_null(custody_scan_file(s, 0)->format);
    assert_int_equal(tu_count(s, "file/unrecognised-model", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    /* fields out of order (raw_data before dims) is no writer's output */
    static const uint8_t order[] = { 0x10, 0x0b, 0x4a, 0x00, 0x08, 0x02 };
    s = tu_scan_buffer("input_0.pb", order, sizeof(order));
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
}

/* tokenizer.model: claimed only with two SentencePiece pieces in the head, walked to its end */
static void test_sentencepiece(void **state)
{
    (void)state;
    expect_clean("benign/tokenizer.model", "tokenizer/sentencepiece", "40 pieces");
    size_t len = 0;
    uint8_t *buf = read_fixture("benign/tokenizer.model", &len);
    /* cut inside the pieces: claimed (the head still shows two), reported as damaged */
    custody_scan *s = tu_scan_buffer("tokenizer.model", buf, len - 7);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(tu_count(s, "tokenizer/sentencepiece", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    /* one piece only, or text: not claimed; named like a model, so a medium finding */
    s = tu_scan_buffer("tokenizer.model", buf, 12);
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
    static const char txt[] = "just some text, not a tokenizer\n";
    s = tu_scan_buffer("tokenizer.model", (const uint8_t *)txt, sizeof(txt) - 1);
    assert_int_equal(tu_count(s, "file/unrecognised-model", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    free(buf);
}

static void test_onnx_benign(void **state)
{
    (void)state;
    expect_clean("onnx/mlp.onnx", "onnx/summary", "4 nodes, 3 initializers, 56 parameters");
    /* the If branches' nodes are counted: 5 in the main graph, one per branch */
    expect_clean("onnx/if_subgraph.onnx", "onnx/summary", "7 nodes");
    expect_clean("onnx/external", "onnx/summary", "3 externally stored tensors");
    /* lone TensorProto files (numpy_helper.from_array): data, no "unrecognised model" */
    expect_clean("onnx/tensor/input_0.pb", "onnx/summary", "data type 1, 4 dimension(s), 192");
    expect_clean("onnx/tensor/labels.pb", "onnx/summary", "data type 7, 1 dimension(s), 80");
    expect_clean("onnx/tensor/scalar.pb", "onnx/summary", "data type 11, 0 dimension(s), 8");
    /* a custom-domain node that a model-local function defines needs no library */
    custody_scan *s = tu_scan_fixture("onnx/function.onnx");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
}

static void test_onnx_external_traversal(void **state)
{
    (void)state;
    expect_rule("onnx/traversal.onnx", "onnx/external-data-traversal", CUSTODY_SEV_CRITICAL,
                "../../etc/passwd");
    expect_rule("onnx/absolute.onnx", "onnx/external-data-traversal", CUSTODY_SEV_CRITICAL,
                "'/etc/passwd' is an absolute path");
    expect_rule("onnx/missing/model.onnx", "onnx/external-data-missing", CUSTODY_SEV_MEDIUM,
                "weights.data");
    expect_rule("onnx/attr_key/model.onnx", "onnx/external-data", CUSTODY_SEV_HIGH,
                "unknown key '__dict__'");
    /* a buffer has no directory: the lexical checks still apply, existence is not judged */
    size_t len;
    uint8_t *buf = read_fixture("onnx/traversal.onnx", &len);
    custody_scan *s = tu_scan_buffer("model.onnx", buf, len);
    assert_int_equal(tu_count(s, "onnx/external-data-traversal", CUSTODY_SEV_CRITICAL), 1);
    custody_scan_free(s);
    free(buf);
    buf = read_fixture("onnx/missing/model.onnx", &len);
    s = tu_scan_buffer("model.onnx", buf, len);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    custody_scan_free(s);
    free(buf);
}

/* A plain relative location that is a symlink out of the model directory, and one whose
 * range does not fit its file. */
static void test_onnx_external_symlink(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/custody-onnx-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char model_dir[512], model[600], data[600], secret[600];
    (void)snprintf(model_dir, sizeof(model_dir), "%s/model", dir);
    (void)snprintf(model, sizeof(model), "%s/model.onnx", model_dir);
    (void)snprintf(data, sizeof(data), "%s/weights.data", model_dir);
    (void)snprintf(secret, sizeof(secret), "%s/secret", dir);
    assert_int_equal(mkdir(model_dir, 0700), 0);
    size_t len;
    uint8_t *buf = read_fixture("onnx/external/model.onnx", &len);
    write_file(model, buf, len);
    free(buf);
    write_file(secret, "custody-test secret\n", 20);
    assert_int_equal(symlink(secret, data), 0);

    custody_scan *s = tu_scan_path(model);
    if (tu_count(s, "onnx/external-data-traversal", CUSTODY_SEV_CRITICAL) == 0 ||
        !tu_has_text(s, "symlink", CUSTODY_SEV_CRITICAL)) {
        tu_dump(s);
        fail_msg("symlinked external data not reported");
    }
    custody_scan_free(s);

    /* a regular file that is too short for the declared offset + length */
    assert_int_equal(unlink(data), 0);
    write_file(data, "short", 5);
    s = tu_scan_path(model);
    if (tu_count(s, "onnx/external-data", CUSTODY_SEV_MEDIUM) == 0) {
        tu_dump(s);
        fail_msg("external data range not checked");
    }
    assert_int_equal(tu_count(s, "onnx/external-data-traversal", CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);

    assert_int_equal(unlink(data), 0);
    assert_int_equal(unlink(secret), 0);
    assert_int_equal(unlink(model), 0);
    assert_int_equal(rmdir(model_dir), 0);
    assert_int_equal(rmdir(dir), 0);
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* A 10 GiB ONNX model (sparse file): one uint8 initializer of 10 GiB inline raw_data, then the
 * opset after it. The walk skips the data by position: it reads less than 1 MiB. */
static void test_onnx_huge_sparse(void **state)
{
    (void)state;
    const uint64_t big = 10ull << 30;
    uint8_t init[64], graph_hdr[32], head[64];
    size_t ni = 0, ng = 0, nh = 0;
    init[ni++] = 0x08; /* dims */
    ni += put_varint(init + ni, big);
    init[ni++] = 0x10; /* data_type uint8 */
    init[ni++] = 0x02;
    init[ni++] = 0x42; /* name "w" */
    init[ni++] = 0x01;
    init[ni++] = 'w';
    init[ni++] = 0x4a; /* raw_data */
    ni += put_varint(init + ni, big);
    uint64_t init_len = ni + big;
    graph_hdr[ng++] = 0x2a; /* initializer */
    ng += put_varint(graph_hdr + ng, init_len);
    uint64_t graph_len = ng + init_len;
    head[nh++] = 0x08; /* ir_version 8 */
    head[nh++] = 0x08;
    head[nh++] = 0x3a; /* graph */
    nh += put_varint(head + nh, graph_len);
    static const uint8_t tail[] = { 0x42, 0x04, 0x0a, 0x00, 0x10, 0x0d }; /* opset "" 13 */
    /* head, graph header and initializer header at 0; the opset entry after the raw data */
    uint8_t lead[160];
    size_t nl = 0;
    memcpy(lead + nl, head, nh);
    nl += nh;
    memcpy(lead + nl, graph_hdr, ng);
    nl += ng;
    memcpy(lead + nl, init, ni);
    nl += ni;
    custody_scan *s = tu_scan_sparse(lead, nl, nl + big + sizeof(tail), tail, sizeof(tail));
    const custody_file *f = custody_scan_file(s, 0);
    assert_non_null(f);
    if (f->format == NULL || strcmp(f->format, "onnx") != 0 ||
        !tu_has_text(s, "10737418240 parameters", CUSTODY_SEV_INFO) ||
        !tu_has_text(s, "opsets [ai.onnx 13]", CUSTODY_SEV_INFO)) {
        tu_dump(s);
        fail_msg("huge sparse ONNX not analysed");
    }
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    assert_true(f->size > big);
    assert_true(f->bytes_read < (1u << 20));
    custody_scan_free(s);
}

static void test_onnx_custom_and_malformed(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("onnx/custom_op.onnx");
    /* the custom op sits in the If's else branch */
    assert_int_equal(tu_count(s, "onnx/custom-op", CUSTODY_SEV_LOW), 1);
    assert_true(tu_has_text(s, "com.example.evil::ShellOut", CUSTODY_SEV_LOW));
    assert_true(tu_has_text(s, "else_node", CUSTODY_SEV_LOW));
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    custody_scan_free(s);
    expect_rule("onnx/truncated.onnx", "onnx/malformed", CUSTODY_SEV_MEDIUM, NULL);
    expect_rule("onnx/garbled.onnx", "onnx/malformed", CUSTODY_SEV_MEDIUM, NULL);
}

static void test_onnx_sniff(void **state)
{
    (void)state;
    /* starts like a ModelProto (ir_version) but field 2 is not a string: not ONNX */
    static const uint8_t notonnx[] = { 0x08, 0x07, 0x10, 0x01, 0xff, 0xfe, 0x00, 0x01 };
    custody_scan *s = tu_scan_buffer("blob.dat", notonnx, sizeof(notonnx));
    const custody_file *f = custody_scan_file(s, 0);
    assert_non_null(f);
    assert_true(f->format == NULL || strcmp(f->format, "onnx") != 0);
    custody_scan_free(s);
    /* starts like a SavedModel (meta_graphs, then meta_info_def) but the MetaInfoDef is not */
    static const uint8_t notsm[] = { 0x12, 0x05, 0x0a, 0x01, 0x02, 0x03, 0x04, 0x00 };
    s = tu_scan_buffer("blob.dat", notsm, sizeof(notsm));
    f = custody_scan_file(s, 0);
    assert_true(f->format == NULL);
    custody_scan_free(s);
    size_t len;
    uint8_t *buf = read_fixture("onnx/mlp.onnx", &len);
    s = tu_scan_buffer("whatever.bin", buf, len);
    f = custody_scan_file(s, 0);
    assert_non_null(f->format);
    assert_string_equal(f->format, "onnx");
    custody_scan_free(s);
    free(buf);
}

/* ---- TensorFlow ---- */

static void test_tf_benign(void **state)
{
    (void)state;
    /* TF1 saver ops fed by saver_def's filename constant, TF2 traced save/restore functions
     * fed by their argument, PrintV2 to stderr, an inert DebugIdentity: all clean */
    expect_clean("tf/benign", "savedmodel/summary", "2 functions");
    expect_clean("tf/frozen_graph.pb", "savedmodel/summary", "4 nodes");
}

static void test_tf_malicious(void **state)
{
    (void)state;
    expect_rule("tf/readfile/saved_model.pb", "savedmodel/file-op", CUSTODY_SEV_HIGH,
                "../../../../etc/passwd");
    expect_rule("tf/readfile/saved_model.pb", "savedmodel/file-op", CUSTODY_SEV_HIGH,
                "function '__inference___call___11'");
    expect_rule("tf/writefile/saved_model.pb", "savedmodel/file-op", CUSTODY_SEV_HIGH,
                "node 'write' (WriteFile)");
    expect_rule("tf/pyfunc/saved_model.pb", "savedmodel/python-op", CUSTODY_SEV_CRITICAL,
                "node 'py' (PyFunc)");
    expect_rule("tf/savev2_const/saved_model.pb", "savedmodel/checkpoint-path", CUSTODY_SEV_HIGH,
                "/tmp/custody-test/ckpt");
    expect_rule("tf/nested/saved_model.pb", "savedmodel/file-op", CUSTODY_SEV_HIGH,
                "serialised in constant 'graph_def'");
    expect_rule("tf/debug/frozen_graph.pb", "savedmodel/file-op", CUSTODY_SEV_HIGH,
                "debug_urls=file:///tmp/custody-test/dump");
    expect_rule("tf/lambda/keras_metadata.pb", "savedmodel/keras-lambda", CUSTODY_SEV_HIGH,
                "Lambda layer 'lambda' (object 'root.layer-1')");
    expect_rule("tf/truncated/saved_model.pb", "savedmodel/malformed", CUSTODY_SEV_MEDIUM, NULL);
}

/* ---- TFLite ---- */

static void test_tflite(void **state)
{
    (void)state;
    expect_clean("tflite/benign.tflite", "tflite/summary", "3 operator codes");
    custody_scan *s = tu_scan_fixture("tflite/custom.tflite");
    assert_int_equal(tu_count(s, "tflite/custom-op", CUSTODY_SEV_LOW), 1);
    assert_true(tu_has_text(s, "MyCustomOp", CUSTODY_SEV_LOW));
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    custody_scan_free(s);
    expect_rule("tflite/flex.tflite", "tflite/flex-op", CUSTODY_SEV_HIGH, "FlexWriteFile");
    expect_rule("tflite/flex_pyfunc.tflite", "tflite/flex-op", CUSTODY_SEV_CRITICAL, "FlexPyFunc");
    expect_rule("tflite/truncated.tflite", "tflite/malformed", CUSTODY_SEV_MEDIUM, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pw_fields),
        cmocka_unit_test(test_pw_errors),
        cmocka_unit_test(test_pw_nesting),
        cmocka_unit_test(test_pw_packed),
        cmocka_unit_test(test_onnx_benign),
        cmocka_unit_test(test_onnx_tensor_edges),
        cmocka_unit_test(test_sentencepiece),
        cmocka_unit_test(test_onnx_external_traversal),
        cmocka_unit_test(test_onnx_external_symlink),
        cmocka_unit_test(test_onnx_huge_sparse),
        cmocka_unit_test(test_onnx_custom_and_malformed),
        cmocka_unit_test(test_onnx_sniff),
        cmocka_unit_test(test_tf_benign),
        cmocka_unit_test(test_tf_malicious),
        cmocka_unit_test(test_tflite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
