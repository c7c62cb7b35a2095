/* BOM: facts the analyzers record (docs/facts.md), the model card reader, the renderers with
 * scan components (lockfile dependencies, MCP servers), and the public write/diff API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bom/bom_int.h"
#include "testutil.h"

/* The value of fact `key` of the first file whose path ends with `suffix`, index i. */
static const char *fact(const custody_scan *s, const char *suffix, const char *key, size_t i)
{
    for (size_t f = 0; f < custody_scan_file_count(s); f++) {
        const custody_file *cf = custody_scan_file(s, f);
        size_t n = strlen(cf->path), m = strlen(suffix);
        if (n < m || strcmp(cf->path + n - m, suffix) != 0) {
            continue;
        }
        for (size_t k = 0; k < cf->nfacts; k++) {
            if (strcmp(cf->facts[k].key, key) == 0 && i-- == 0) {
                return cf->facts[k].value;
            }
        }
    }
    return NULL;
}

static void facts_safetensors_config(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("bom/project/models/tiny-llama");
    assert_string_equal(fact(s, "model.safetensors", "format", 0), "safetensors");
    assert_string_equal(fact(s, "model.safetensors", "model.parameters", 0), "12");
    assert_string_equal(fact(s, "model.safetensors", "model.dtype", 0), "F32");
    assert_string_equal(fact(s, "/config.json", "model.architecture", 0), "LlamaForCausalLM");
    assert_string_equal(fact(s, "/config.json", "model.type", 0), "llama");
    assert_string_equal(fact(s, "/config.json", "model.dtype", 0), "bfloat16");
    assert_string_equal(fact(s, "/config.json", "framework", 0), "transformers");
    assert_string_equal(fact(s, "/config.json", "framework.version", 0), "4.44.2");
    /* generation_config.json and tokenizer_config.json are no model configs */
    assert_null(fact(s, "generation_config.json", "model.architecture", 0));
    assert_null(fact(s, "tokenizer_config.json", "model.type", 0));
    assert_string_equal(fact(s, ".gguf", "format", 0), "gguf");
    assert_string_equal(fact(s, ".gguf", "model.architecture", 0), "llama");
    assert_string_equal(fact(s, ".gguf", "model.name", 0), "custody-fixture");
    assert_string_equal(fact(s, ".gguf", "model.quantization", 0), "Q4_K_M");
    assert_string_equal(fact(s, ".gguf", "model.parameters", 0), "968");
    custody_scan_free(s);
}

static void facts_onnx_torch(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("onnx/mlp.onnx");
    assert_string_equal(fact(s, "mlp.onnx", "format", 0), "onnx");
    assert_string_equal(fact(s, "mlp.onnx", "model.parameters", 0), "56");
    assert_string_equal(fact(s, "mlp.onnx", "model.dtype", 0), "float32");
    assert_null(fact(s, "mlp.onnx", "model.quantization", 0));
    custody_scan_free(s);
    s = tu_scan_fixture("hfrepo/pytorch_model.bin");
    assert_string_equal(fact(s, "pytorch_model.bin", "format", 0), "pytorch");
    assert_string_equal(fact(s, "pytorch_model.bin", "framework", 0), "pytorch");
    /* from the storages the checkpoint's persistent ids name (3x3 weight + 3 bias) */
    assert_string_equal(fact(s, "pytorch_model.bin", "model.parameters", 0), "12");
    assert_string_equal(fact(s, "pytorch_model.bin", "model.dtype", 0), "float32");
    custody_scan_free(s);
}

/* Formats whose only facts are format/framework: recorded for a top-level file (analyze runs
 * at depth 1, which a depth-0 test once missed). */
static void facts_format_only(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("benign/np_float.npy");
    assert_string_equal(fact(s, "np_float.npy", "format", 0), "numpy");
    custody_scan_free(s);
    s = tu_scan_fixture("keras/benign/tf2_latest.h5");
    assert_string_equal(fact(s, "tf2_latest.h5", "format", 0), "hdf5");
    custody_scan_free(s);
    s = tu_scan_fixture("tf/benign/saved_model.pb");
    assert_string_equal(fact(s, "saved_model.pb", "format", 0), "tensorflow-savedmodel");
    assert_string_equal(fact(s, "saved_model.pb", "framework", 0), "tensorflow");
    custody_scan_free(s);
}

/* A config with quantization_config, and a Keras config (not an HF one). */
static void facts_config_variants(void **state)
{
    (void)state;
    static const char q[] = "{\"architectures\": [\"MistralForCausalLM\"], \"model_type\": "
                            "\"mistral\", \"dtype\": \"float16\", \"quantization_config\": "
                            "{\"quant_method\": \"awq\", \"bits\": 4}}";
    custody_scan *s = tu_scan_buffer("config.json", (const uint8_t *)q, sizeof(q) - 1);
    assert_string_equal(fact(s, "config.json", "model.quantization", 0), "awq");
    assert_string_equal(fact(s, "config.json", "model.dtype", 0), "float16");
    assert_null(fact(s, "config.json", "framework", 0)); /* no transformers_version */
    custody_scan_free(s);
    static const char k[] = "{\"class_name\": \"Sequential\", \"config\": {}, \"model_type\": "
                            "\"x\"}";
    s = tu_scan_buffer("config.json", (const uint8_t *)k, sizeof(k) - 1);
    assert_null(fact(s, "config.json", "model.type", 0));
    custody_scan_free(s);
    /* hostile values: control bytes and overlong strings are not facts */
    static const char h[] = "{\"model_type\": \"a\\u0001b\", \"architectures\": [1, \"Ok\"]}";
    s = tu_scan_buffer("config.json", (const uint8_t *)h, sizeof(h) - 1);
    assert_null(fact(s, "config.json", "model.type", 0));
    assert_string_equal(fact(s, "config.json", "model.architecture", 0), "Ok");
    custody_scan_free(s);
}

static char *write_tmp(const char *name, const char *text)
{
    char buf[512];
    (void)snprintf(buf, sizeof(buf), "%s/custody-bom-%d-%s", P_tmpdir, (int)getpid(), name);
    char *path = strdup(buf);
    assert_non_null(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void card_front_matter(void **state)
{
    (void)state;
    struct cu_bom_item it;
    memset(&it, 0, sizeof(it));
    char *p = write_tmp("README.md", "---\nlicense: other\nlicense_name: llama3\n"
                                     "base_model:\n- a/b\n- c/d\ndatasets: x/y\n"
                                     "pipeline_tag: image-classification\ntags: [t]\n"
                                     "nested: {license: mit}\n---\n# body\nlicense: gpl\n");
    assert_int_equal(cu_bom_read_card(&it, p), 0);
    assert_string_equal(cu_bom_fact(&it, "model.license"), "other");
    assert_string_equal(cu_bom_fact(&it, "model.license.name"), "llama3");
    assert_int_equal(cu_bom_fact_count(&it, "model.base_model"), 2);
    assert_string_equal(cu_bom_fact_at(&it, "model.base_model", 1), "c/d");
    assert_string_equal(cu_bom_fact(&it, "model.datasets"), "x/y");
    assert_string_equal(cu_bom_fact(&it, "model.task"), "image-classification");
    assert_int_equal(cu_bom_fact_count(&it, "model.license"), 1); /* not the body's, nested */
    unlink(p);
    free(p);
    /* no front matter, unterminated, or not YAML: no facts, no error */
    static const char *const bad[] = { "# title\nlicense: mit\n", "---\nlicense: mit\n",
                                       "---\nlicense: [mit\n---\n", "---\n- a\n- b\n---\n" };
    for (size_t i = 0; i < 4; i++) {
        struct cu_bom_item e;
        memset(&e, 0, sizeof(e));
        p = write_tmp("README.md", bad[i]);
        assert_int_equal(cu_bom_read_card(&e, p), 0);
        assert_int_equal(e.nfacts, 0);
        unlink(p);
        free(p);
    }
    for (size_t i = 0; i < it.nfacts; i++) {
        free(it.facts[i].key);
        free(it.facts[i].value);
    }
    free(it.facts);
}

static void license_text(void **state)
{
    (void)state;
    static const struct {
        const char *text, *id;
    } cases[] = {
        { "                 Apache License\n           Version 2.0, January 2004\n", "Apache-2.0" },
        { "MIT License\n\nPermission is hereby granted, free of charge, to any person\n"
          "...The above copyright notice and this permission notice...",
          "MIT" },
        { "GNU LESSER GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007", "LGPL-3.0-only" },
        { "LLAMA 3 COMMUNITY LICENSE AGREEMENT", "llama3" },
        { "Redistribution and use in source and binary forms ... Neither the name of",
          "BSD-3-Clause" },
        { "All rights reserved. Do not copy.", NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cu_bom_item it;
        memset(&it, 0, sizeof(it));
        char *p = write_tmp("LICENSE", cases[i].text);
        assert_int_equal(cu_bom_read_license(&it, p), 0);
        if (cases[i].id == NULL) {
            assert_null(cu_bom_fact(&it, "model.license.file"));
        } else {
            assert_string_equal(cu_bom_fact(&it, "model.license.file"), cases[i].id);
        }
        unlink(p);
        free(p);
        for (size_t k = 0; k < it.nfacts; k++) {
            free(it.facts[k].key);
            free(it.facts[k].value);
        }
        free(it.facts);
    }
    assert_string_equal(cu_spdx_id("apache-2.0"), "Apache-2.0");
    assert_string_equal(cu_spdx_id("MIT"), "MIT");
    assert_null(cu_spdx_id("llama3"));
    assert_null(cu_spdx_id(""));
}

/* Library and MCP components render with purl, version and properties, in both formats; the
 * documents are written for validate/bom-components-* (schemas) to check. */
static void components_render(void **state)
{
    (void)state;
    custody_prop props[] = { { "integrity", "sha512-abc" }, { "license", "MIT" } };
    custody_component c[2];
    memset(c, 0, sizeof(c));
    c[0] = (custody_component){ "library",
                                "npm",
                                "left-pad",
                                "1.3.0",
                                "pkg:npm/left-pad@1.3.0",
                                "package-lock.json",
                                "package-lock.json",
                                12,
                                props,
                                2 };
    c[1] = (custody_component){ "mcp-server", NULL,        "files", NULL, NULL,
                                ".mcp.json",  ".mcp.json", 3,       NULL, 0 };
    struct cu_bom b;
    memset(&b, 0, sizeof(b));
    struct cu_bom_comp comps[2] = { { &c[1], (char *)"mcp-server:-/files@", 1 },
                                    { &c[0], (char *)"pkg:npm/left-pad@1.3.0", 0 } };
    b.comps = comps;
    b.ncomps = 2;
    b.spec = "1.6";
    (void)snprintf(b.created, sizeof(b.created), "2023-11-14T22:13:20Z");
    (void)snprintf(b.uuid, sizeof(b.uuid), "01234567-89ab-5def-8123-456789abcdef");
    json_t *cdx = cu_bom_cyclonedx(&b);
    assert_non_null(cdx);
    json_t *lib = json_array_get(json_object_get(cdx, "components"), 1);
    assert_string_equal(json_string_value(json_object_get(lib, "type")), "library");
    assert_string_equal(json_string_value(json_object_get(lib, "purl")), "pkg:npm/left-pad@1.3.0");
    assert_string_equal(json_string_value(json_object_get(lib, "version")), "1.3.0");
    json_t *mcp = json_array_get(json_object_get(cdx, "components"), 0);
    assert_string_equal(json_string_value(json_object_get(mcp, "type")), "application");
    assert_null(json_object_get(mcp, "purl"));
    json_t *spdx = cu_bom_spdx(&b);
    assert_non_null(spdx);
    size_t npk = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(spdx, "@graph"), i, e)
    {
        const char *t = json_string_value(json_object_get(e, "type"));
        if (strcmp(t, "software_Package") == 0) {
            npk++;
        }
        if (strcmp(t, "software_Package") == 0 &&
            strcmp(json_string_value(json_object_get(e, "name")), "left-pad") == 0) {
            assert_string_equal(json_string_value(json_object_get(e, "software_packageUrl")),
                                "pkg:npm/left-pad@1.3.0");
        }
    }
    assert_int_equal(npk, 2);
    const char *dir = getenv("CUSTODY_BOM_OUT");
    if (dir != NULL) {
        char p[4096];
        (void)snprintf(p, sizeof(p), "%s/components.cdx.json", dir);
        assert_int_equal(json_dump_file(cdx, p, JSON_INDENT(2)), 0);
        (void)snprintf(p, sizeof(p), "%s/components.spdx.json", dir);
        assert_int_equal(json_dump_file(spdx, p, JSON_INDENT(2)), 0);
    }
    json_decref(cdx);
    json_decref(spdx);
}

static void api_errors(void **state)
{
    (void)state;
    custody_error err;
    memset(&err, 0, sizeof(err));
    custody_scan *s = tu_scan_fixture("onnx/mlp.onnx");
    custody_bom_options o = { CUSTODY_BOM_CYCLONEDX, "1.5", 0, 1, "subject" };
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(custody_bom_write(f, s, &o, &err), CUSTODY_EINVAL);
    o.spec_version = NULL;
    assert_int_equal(custody_bom_write(f, s, &o, &err), 0);
    assert_true(ftell(f) > 100);
    (void)fclose(f);
    assert_int_equal(custody_bom_write(NULL, s, &o, &err), CUSTODY_EINVAL);
    custody_scan_free(s);
    /* a scan with an unreadable file gives no BOM */
    s = tu_scan_path("/nonexistent/custody-bom");
    f = tmpfile();
    assert_int_equal(custody_bom_write(f, s, NULL, &err), CUSTODY_EINVAL);
    assert_int_equal(ftell(f), 0);
    (void)fclose(f);
    custody_scan_free(s);
    custody_bom_diff *d = NULL;
    assert_true(custody_bom_diff_files(&d, "/nonexistent/a", "/nonexistent/b", &err) < 0);
    assert_null(d);
    assert_int_equal(custody_bom_diff_count(NULL), 0);
    assert_null(custody_bom_diff_entry_at(NULL, 0));
    custody_bom_diff_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(facts_safetensors_config), cmocka_unit_test(facts_onnx_torch),
        cmocka_unit_test(facts_format_only),        cmocka_unit_test(facts_config_variants),
        cmocka_unit_test(card_front_matter),        cmocka_unit_test(license_text),
        cmocka_unit_test(components_render),        cmocka_unit_test(api_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
