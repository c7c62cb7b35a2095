/* Hugging Face model metadata for the BOM (docs/facts.md): a JSON handler for transformers'
 * config.json (architectures, model_type, torch_dtype, quantization_config,
 * transformers_version) that records facts only, never findings. A config is recognised by
 * its keys, not its name; Keras configs (class_name/config) are left to keras.c. */
#include <string.h>

#include "core/util.h"
#include "formats/jsonfile.h"
#include "core/banned.h"

#define HFM_MAX_VALUE 256u /* longest string kept as a fact */
#define HFM_MAX_LIST  16u  /* architectures entries kept */

static bool hfm_match(const json_t *doc, const char *name)
{
    (void)name;
    if (!json_is_object(doc) || json_object_get(doc, "class_name") != NULL) {
        return false;
    }
    return json_is_array(json_object_get(doc, "architectures")) ||
           json_is_string(json_object_get(doc, "model_type"));
}

/* A short printable string, or NULL. */
static const char *hfm_str(const json_t *v)
{
    if (!json_is_string(v)) {
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n > HFM_MAX_VALUE || strlen(s) != n) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            return NULL;
        }
    }
    return s;
}

static int hfm_analyze(struct cu_ctx *ctx, struct cu_source *src, const json_t *doc)
{
    (void)src;
    const json_t *arch = json_object_get(doc, "architectures");
    size_t i;
    const json_t *e;
    if (json_is_array(arch)) {
        json_array_foreach(arch, i, e)
        {
            if (i >= HFM_MAX_LIST) {
                break;
            }
            const char *s = hfm_str(e);
            if (s != NULL) {
                cu_fact(ctx, "model.architecture", "%s", s);
            }
        }
    }
    const char *s = hfm_str(json_object_get(doc, "model_type"));
    if (s != NULL) {
        cu_fact(ctx, "model.type", "%s", s);
    }
    s = hfm_str(json_object_get(doc, "torch_dtype"));
    if (s == NULL) {
        s = hfm_str(json_object_get(doc, "dtype")); /* transformers >= 4.56 */
    }
    if (s != NULL) {
        cu_fact(ctx, "model.dtype", "%s", s);
    }
    const json_t *ctxlen = json_object_get(doc, "max_position_embeddings");
    if (json_is_integer(ctxlen) && json_integer_value(ctxlen) > 0) {
        cu_fact(ctx, "model.context_length", "%lld", (long long)json_integer_value(ctxlen));
    }
    const json_t *q = json_object_get(doc, "quantization_config");
    if (json_is_object(q)) {
        s = hfm_str(json_object_get(q, "quant_method"));
        cu_fact(ctx, "model.quantization", "%s", s != NULL ? s : "unknown");
    }
    s = hfm_str(json_object_get(doc, "transformers_version"));
    if (s != NULL) {
        cu_fact(ctx, "framework", "transformers");
        cu_fact(ctx, "framework.version", "%s", s);
    }
    return 0;
}

const struct cu_json_handler cu_json_hf_config = { "hf-config", hfm_match, hfm_analyze };
