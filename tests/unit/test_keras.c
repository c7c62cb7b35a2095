/* Keras configs (.keras config.json, metadata.json) and the HDF5 model_config reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

static custody_scan *scan_json(const char *json)
{
    return tu_scan_buffer("config.json", (const uint8_t *)json, strlen(json));
}

static void expect(custody_scan *s, const char *rule, custody_severity min, const char *text)
{
    if (tu_count(s, rule, min) == 0 || (text != NULL && !tu_has_text(s, text, min))) {
        printf("expected %s (%s) >= %s\n", rule, text != NULL ? text : "-",
               custody_severity_name(min));
        tu_dump(s);
        fail();
    }
}

/* ---- fixtures ---- */

static void benign_fixtures(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("keras/benign");
    if (tu_count(s, NULL, CUSTODY_SEV_MEDIUM) != 0) {
        tu_dump(s);
        fail();
    }
    /* Every model was recognised: 2 archives (config + metadata) and 4 HDF5 files. */
    assert_true(tu_count(s, "keras/model", CUSTODY_SEV_INFO) >= 2 * 2 + 4);
    assert_true(tu_has_text(s, "Keras Sequential config (model_config)", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "Keras Functional config (config.json)", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "saved by Keras 3.6.0", CUSTODY_SEV_INFO));
    custody_scan_free(s);
}

static const struct {
    const char *file;
    const char *rule;
    custody_severity min;
    const char *text;
} malicious[] = {
    { "lambda_keras3.keras", "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "evil_lambda" },
    { "lambda_tuple.keras", "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "evil_tuple" },
    { "custom_module.keras", "keras/custom-object", CUSTODY_SEV_HIGH,
      "custody_test_pkg.layers.EvilLayer" },
    { "cve_2025_1550_subprocess.keras", "keras/custom-object", CUSTODY_SEV_CRITICAL,
      "subprocess.run" },
    { "builtins_exec.keras", "keras/custom-object", CUSTODY_SEV_CRITICAL, "builtins.exec" },
    { "cve_2025_8747_get_file.keras", "keras/safe-mode-bypass", CUSTODY_SEV_CRITICAL,
      "keras.utils.get_file" },
    { "file_utils_get_file.keras", "keras/safe-mode-bypass", CUSTODY_SEV_CRITICAL,
      "keras.src.utils.file_utils.get_file" },
    { "cve_2025_9906_unsafe.keras", "keras/safe-mode-bypass", CUSTODY_SEV_CRITICAL,
      "keras.config.enable_unsafe_deserialization" },
    { "tfsmlayer.keras", "keras/safe-mode-bypass", CUSTODY_SEV_CRITICAL,
      "/tmp/custody-test/saved_model" },
    { "vocabulary_path.keras", "keras/external-file", CUSTODY_SEV_HIGH, "/etc/passwd" },
    { "custom_loss.keras", "keras/custom-object", CUSTODY_SEV_HIGH,
      "custody_test_losses.evil_loss" },
    { "tf2_lambda_fixed.h5", "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "model_config" },
    { "tf2_lambda_vlen.h5", "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "system" },
    { "tf2_lambda_latest.h5", "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "<Lambda 'lambda'>" },
    { "tf2_custom_class.h5", "keras/custom-object", CUSTODY_SEV_HIGH, "custody_test.EvilLayer" },
    { "tf2_custom_loss.h5", "keras/custom-object", CUSTODY_SEV_HIGH, "training_config" },
    { "tf2_dense_attrs.h5", "hdf5/attributes-unread", CUSTODY_SEV_LOW, "Keras config(s) found" },
    { "tf2_dense_attrs.h5", "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "dense_attribute" },
};

static void malicious_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(malicious) / sizeof(malicious[0]); i++) {
        char rel[256];
        snprintf(rel, sizeof(rel), "keras/malicious/%s", malicious[i].file);
        custody_scan *s = tu_scan_fixture(rel);
        printf("%s\n", rel);
        expect(s, malicious[i].rule, malicious[i].min, malicious[i].text);
        custody_scan_free(s);
    }
}

static void location_names_member(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("keras/malicious/lambda_keras3.keras");
    bool found = false;
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        if (strcmp(f->rule_id, "keras/lambda-bytecode") == 0) {
            found = strstr(f->location, "lambda_keras3.keras!config.json") != NULL;
        }
    }
    assert_true(found);
    custody_scan_free(s);
    s = tu_scan_fixture("keras/malicious/tf2_lambda_vlen.h5");
    found = false;
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        if (strcmp(f->rule_id, "keras/lambda-bytecode") == 0) {
            found = strstr(f->location, "tf2_lambda_vlen.h5!model_config") != NULL;
        }
    }
    assert_true(found);
    custody_scan_free(s);
}

/* ---- config walker on buffers ---- */

static void lambda_names_visible(void **state)
{
    (void)state;
    /* marshal of a code object naming 'os' and 'system' (type 'z'/'Z' short strings). */
    /* base64("\xe3...z\x02osZ\x06system") built by hand: */
    static const char json[] =
        "{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"Lambda\","
        "\"config\":{\"name\":\"l\",\"function\":{\"class_name\":\"__lambda__\",\"config\":"
        "{\"code\":\"4wAAAHoCb3NaBnN5c3RlbQ==\\n\",\"defaults\":null,\"closure\":null}}}}]},"
        "\"module\":\"keras\"}";
    custody_scan *s = scan_json(json);
    expect(s, "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "os, system");
    expect(s, "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "code object");
    custody_scan_free(s);
    /* Not base64 at all: still critical. */
    s = scan_json("{\"class_name\":\"Lambda\",\"config\":{\"function\":\"%%%\","
                  "\"function_type\":\"lambda\",\"layers\":[]}}");
    expect(s, "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "not valid base64");
    custody_scan_free(s);
    /* output_shape as a lambda too; "raw" types are data. */
    s = scan_json("{\"class_name\":\"Lambda\",\"config\":{\"function\":\"eA==\","
                  "\"function_type\":\"raw\",\"output_shape\":[\"eA==\",null,null],"
                  "\"output_shape_type\":\"lambda\",\"layers\":[]}}");
    assert_int_equal(tu_count(s, "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL), 1);
    expect(s, "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "'output_shape'");
    custody_scan_free(s);
    /* Keras 3 {"value": [code, defaults, closure]} form. */
    s = scan_json("{\"class_name\":\"Model\",\"module\":\"keras\",\"config\":{\"f\":"
                  "{\"class_name\":\"__lambda__\",\"config\":{\"value\":[\"eA==\",null,null]}}}}");
    expect(s, "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "1 bytes of marshalled");
    custody_scan_free(s);
}

static void namespaces(void **state)
{
    (void)state;
    /* First-party Keras libraries and built-in function modules are not findings. */
    custody_scan *s = scan_json(
        "{\"module\":\"keras_hub.src.models\",\"class_name\":\"GemmaBackbone\",\"config\":"
        "{\"layers\":[{\"module\":\"keras_nlp.layers\",\"class_name\":\"X\",\"config\":{},"
        "\"registered_name\":\"keras_nlp>X\"},{\"module\":\"keras.src.activations.activations\","
        "\"class_name\":\"function\",\"config\":\"gelu\",\"registered_name\":\"function\"},"
        "{\"module\":\"tf_keras.layers\",\"class_name\":\"Dense\",\"config\":{}}]},"
        "\"registered_name\":\"keras_hub>GemmaBackbone\"}");
    if (tu_count(s, NULL, CUSTODY_SEV_LOW) != 0) {
        tu_dump(s);
        fail();
    }
    custody_scan_free(s);
    /* "keras_evil" is not "keras"; registered names and tf.keras "Pkg>Name" class names. */
    s = scan_json("{\"module\":\"keras_evil\",\"class_name\":\"M\",\"config\":{\"layers\":["
                  "{\"class_name\":\"Custom>Thing\",\"config\":{}},"
                  "{\"module\":\"keras.layers\",\"class_name\":\"Dense\",\"config\":{},"
                  "\"registered_name\":\"evilpkg>Dense\"},"
                  "{\"class_name\":\"os.system\",\"config\":{}}]}}");
    expect(s, "keras/custom-object", CUSTODY_SEV_HIGH, "keras_evil.M");
    expect(s, "keras/custom-object", CUSTODY_SEV_HIGH, "Custom.Thing");
    expect(s, "keras/custom-object", CUSTODY_SEV_HIGH, "evilpkg.Dense");
    expect(s, "keras/custom-object", CUSTODY_SEV_CRITICAL, "os.system");
    custody_scan_free(s);
    /* A Keras function outside the benign modules: low; gadgets: critical. */
    s = scan_json("{\"module\":\"keras\",\"class_name\":\"Sequential\",\"config\":{\"layers\":["
                  "{\"module\":\"keras.src.backend\",\"class_name\":\"function\",\"config\":"
                  "\"print_msg\"},{\"module\":\"keras.src.backend.common.global_state\","
                  "\"class_name\":\"function\",\"config\":\"set_global_attribute\"},"
                  "{\"module\":\"keras.models\",\"class_name\":\"function\",\"config\":"
                  "\"load_model\"}]}}");
    expect(s, "keras/function-reference", CUSTODY_SEV_LOW, "keras.src.backend.print_msg");
    expect(s, "keras/safe-mode-bypass", CUSTODY_SEV_CRITICAL, "set_global_attribute");
    expect(s, "keras/safe-mode-bypass", CUSTODY_SEV_CRITICAL, "keras.models.load_model");
    custody_scan_free(s);
}

static void not_keras(void **state)
{
    (void)state;
    /* A Hugging Face config.json is not a Keras config. */
    custody_scan *s = scan_json("{\"architectures\":[\"BertModel\"],\"model_type\":\"bert\","
                                "\"class_name\":\"x\"}");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

static void too_deep(void **state)
{
    (void)state;
    char json[4096];
    size_t n = 0;
    n += (size_t)snprintf(json + n, sizeof(json) - n,
                          "{\"class_name\":\"M\",\"module\":\"keras\",\"config\":{\"layers\":");
    for (int i = 0; i < 200; i++) {
        json[n++] = '[';
    }
    n += (size_t)snprintf(json + n, sizeof(json) - n, "{\"class_name\":\"__lambda__\"}");
    for (int i = 0; i < 200; i++) {
        json[n++] = ']';
    }
    n += (size_t)snprintf(json + n, sizeof(json) - n, "}}");
    json[n] = '\0';
    custody_scan *s = scan_json(json);
    expect(s, "keras/config-too-deep", CUSTODY_SEV_HIGH, NULL);
    custody_scan_free(s);
}

/* ---- hand-built HDF5 (superblock v0, object header v1) ---- */

struct h5b {
    uint8_t b[8192];
    size_t n;
};

static void put(struct h5b *h, const void *p, size_t n)
{
    assert_true(n <= sizeof(h->b) - h->n);
    memcpy(h->b + h->n, p, n);
    h->n += n;
}
static void put_u(struct h5b *h, uint64_t v, unsigned w)
{
    for (unsigned i = 0; i < w; i++) {
        uint8_t c = (uint8_t)(i < 8 ? v >> (8 * i) : 0);
        put(h, &c, 1);
    }
}
static void pad8(struct h5b *h)
{
    while (h->n % 8 != 0) {
        put_u(h, 0, 1);
    }
}

/* Attribute message v1 body: fixed-length string `val` named `name`. */
static void attr_fixed(struct h5b *h, const char *name, const char *val, unsigned klass)
{
    size_t nl = strlen(name) + 1, vl = strlen(val);
    size_t body = 8 + ((nl + 7) & ~(size_t)7) + 8 + 8 + vl;
    size_t size = (body + 7) & ~(size_t)7;
    put_u(h, 0x0c, 2);
    put_u(h, size, 2);
    put_u(h, 0, 4);
    size_t start = h->n;
    put_u(h, 1, 1);
    put_u(h, 0, 1);
    put_u(h, nl, 2);
    put_u(h, 8, 2);
    put_u(h, 8, 2);
    put(h, name, nl);
    pad8(h);
    put_u(h, 0x10u | klass, 1); /* version 1, class */
    put_u(h, 0, 3);
    put_u(h, vl, 4);
    put_u(h, 1, 1); /* dataspace v1, scalar */
    put_u(h, 0, 7);
    put(h, val, vl);
    while (h->n - start < size) {
        put_u(h, 0, 1);
    }
}

/* Superblock v0 + root object header v1 at 96; `msgs` writes the messages. Returns size. */
static size_t mk_h5(struct h5b *h, void (*msgs)(struct h5b *, const void *), const void *arg)
{
    memset(h, 0, sizeof(*h));
    static const uint8_t sig[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };
    put(h, sig, 8);
    put_u(h, 0, 4);          /* versions */
    put_u(h, 0, 1);          /* shared header version */
    put_u(h, 8, 1);          /* size of offsets */
    put_u(h, 8, 1);          /* size of lengths */
    put_u(h, 0, 1);          /* reserved */
    put_u(h, 4, 2);          /* leaf K */
    put_u(h, 16, 2);         /* internal K */
    put_u(h, 0, 4);          /* flags */
    put_u(h, 0, 8);          /* base */
    put_u(h, UINT64_MAX, 8); /* free space */
    put_u(h, 0, 8);          /* eof (not checked) */
    put_u(h, UINT64_MAX, 8); /* driver */
    put_u(h, 0, 8);          /* root: link name offset */
    put_u(h, 96, 8);         /* root: object header address */
    put_u(h, 0, 24);         /* cache type, reserved, scratch (16) */
    assert_int_equal(h->n, 96);
    put_u(h, 1, 1);
    put_u(h, 0, 1);
    put_u(h, 1, 2);
    put_u(h, 1, 4);
    size_t size_at = h->n;
    put_u(h, 0, 4);
    put_u(h, 0, 4);
    size_t start = h->n;
    msgs(h, arg);
    uint32_t sz = (uint32_t)(h->n - start);
    for (int i = 0; i < 4; i++) {
        h->b[size_at + (size_t)i] = (uint8_t)(sz >> (8 * i));
    }
    return h->n;
}

static void m_config(struct h5b *h, const void *arg)
{
    attr_fixed(h, "keras_version", "2.12.0", 3);
    attr_fixed(h, "model_config", (const char *)arg, 3);
}
static void m_not_string(struct h5b *h, const void *arg)
{
    attr_fixed(h, "model_config", (const char *)arg, 0); /* integer class */
}
static void m_cont_loop(struct h5b *h, const void *arg)
{
    (void)arg;
    put_u(h, 0x10, 2); /* continuation to the first chunk itself */
    put_u(h, 16, 2);
    put_u(h, 0, 4);
    put_u(h, 112, 8);
    put_u(h, 24, 8);
}
static void m_cont_out(struct h5b *h, const void *arg)
{
    (void)arg;
    put_u(h, 0x10, 2);
    put_u(h, 16, 2);
    put_u(h, 0, 4);
    put_u(h, 1u << 30, 8);
    put_u(h, 64, 8);
}
static void m_overrun(struct h5b *h, const void *arg)
{
    (void)arg;
    put_u(h, 0x0c, 2);
    put_u(h, 4000, 2); /* more than the chunk holds */
    put_u(h, 0, 4);
    put_u(h, 0, 8);
}
static void m_vlen_missing_heap(struct h5b *h, const void *arg)
{
    (void)arg;
    size_t start;
    put_u(h, 0x0c, 2);
    put_u(h, 72, 2);
    put_u(h, 0, 4);
    start = h->n;
    put_u(h, 1, 1);
    put_u(h, 0, 1);
    put_u(h, 13, 2);
    put_u(h, 16, 2); /* vlen datatype with a 8-byte base type */
    put_u(h, 8, 2);
    put(h, "model_config", 13);
    pad8(h);
    put_u(h, 0x19, 1); /* version 1, class 9 */
    put_u(h, 0x01, 1); /* string */
    put_u(h, 0, 2);
    put_u(h, 16, 4);
    put_u(h, 0x13, 1); /* base: 1-byte string */
    put_u(h, 0, 3);
    put_u(h, 1, 4);
    put_u(h, 1, 1);
    put_u(h, 0, 7);
    put_u(h, 10, 4);       /* length */
    put_u(h, 1u << 20, 8); /* collection address: outside */
    put_u(h, 1, 4);        /* index */
    while (h->n - start < 72) {
        put_u(h, 0, 1);
    }
}

static void hdf5_hand_built(void **state)
{
    (void)state;
    struct h5b *h = malloc(sizeof(*h));
    assert_non_null(h);
    size_t n = mk_h5(h, m_config,
                     "{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":"
                     "\"Lambda\",\"config\":{\"name\":\"hand\",\"function\":[\"eA==\",null,null],"
                     "\"function_type\":\"lambda\"}}]}}");
    custody_scan *s = tu_scan_buffer("m.h5", h->b, n);
    expect(s, "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "'hand'");
    custody_scan_free(s);

    n = mk_h5(h, m_config, "{\"class_name\":\"Sequential\",\"config\":{\"layers\":[]}}");
    s = tu_scan_buffer("m.h5", h->b, n);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    expect(s, "keras/model", CUSTODY_SEV_INFO, "Sequential");
    custody_scan_free(s);

    n = mk_h5(h, m_config, "{\"class_name\": not json");
    s = tu_scan_buffer("m.h5", h->b, n);
    expect(s, "keras/malformed-config", CUSTODY_SEV_MEDIUM, NULL);
    custody_scan_free(s);

    n = mk_h5(h, m_not_string, "1234");
    s = tu_scan_buffer("m.h5", h->b, n);
    expect(s, "keras/malformed-config", CUSTODY_SEV_MEDIUM, "not a string");
    custody_scan_free(s);

    void (*bad[])(struct h5b *, const void *) = { m_cont_loop, m_cont_out, m_overrun,
                                                  m_vlen_missing_heap };
    const char *why[] = { "loops", "outside the file", "overruns", "outside the file" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = mk_h5(h, bad[i], NULL);
        s = tu_scan_buffer("m.h5", h->b, n);
        expect(s, "hdf5/malformed", CUSTODY_SEV_MEDIUM, why[i]);
        custody_scan_free(s);
    }

    /* Every truncation of a valid file fails closed (or is clean only when nothing is left
     * to read), and never crashes. */
    n = mk_h5(h, m_config, "{\"class_name\":\"Sequential\",\"config\":{\"layers\":[]}}");
    for (size_t cut = 8; cut < n; cut += 7) {
        s = tu_scan_buffer("m.h5", h->b, cut);
        assert_true(tu_count(s, NULL, CUSTODY_SEV_MEDIUM) > 0);
        custody_scan_free(s);
    }
    /* Unknown superblock version. */
    n = mk_h5(h, m_config, "{}");
    h->b[8] = 9;
    s = tu_scan_buffer("m.h5", h->b, n);
    assert_true(tu_count(s, NULL, CUSTODY_SEV_MEDIUM) > 0);
    custody_scan_free(s);
    free(h);
}

/* A 10 GB legacy model (the fixture's header, then a sparse hole where weights would be) is
 * judged from its first kilobytes. */
static void hdf5_big_sparse(void **state)
{
    (void)state;
    char src[4096];
    snprintf(src, sizeof(src), "%s/keras/malicious/tf2_lambda_vlen.h5", CUSTODY_FIXTURES);
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    static uint8_t buf[65536];
    size_t n = fread(buf, 1, sizeof(buf), in);
    fclose(in);
    assert_true(n > 0 && n < sizeof(buf));

    custody_scan *s = tu_scan_sparse(buf, n, (uint64_t)10 << 30, NULL, 0);
    const custody_file *f = custody_scan_file(s, 0);
    printf("HDF5 file of %llu bytes: read %llu\n", (unsigned long long)f->size,
           (unsigned long long)f->bytes_read);
    assert_true(f->size == (uint64_t)10 << 30);
    assert_true(f->bytes_read < (1u << 20));
    expect(s, "keras/lambda-bytecode", CUSTODY_SEV_CRITICAL, "system");
    custody_scan_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(benign_fixtures),
        cmocka_unit_test(malicious_fixtures),
        cmocka_unit_test(location_names_member),
        cmocka_unit_test(lambda_names_visible),
        cmocka_unit_test(namespaces),
        cmocka_unit_test(not_keras),
        cmocka_unit_test(too_deep),
        cmocka_unit_test(hdf5_hand_built),
        cmocka_unit_test(hdf5_big_sparse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
