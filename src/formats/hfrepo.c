/* Hugging Face model repositories: a JSON handler (see jsonfile.h) for the config files that
 * make transformers import the repository's own Python. `auto_map` (config.json,
 * tokenizer_config.json, preprocessor_config.json, ...) maps Auto classes to
 * "module.Class" or "repo_id--module.Class" (tokenizers: a [slow, fast] pair, either may be
 * null); `custom_pipelines` maps tasks to {"impl": "module.Class", ...}. Loading such a model
 * needs trust_remote_code=True, which imports module.py from the repository, or from
 * ANOTHER repository with the "--" form. Each such file is listed; the .py files that are in
 * the scanned directory are analysed by the Python analyzer (pysrc.c) on their own. */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/util.h"
#include "formats/jsonfile.h"
#include "core/banned.h"

#define HF_LIST_MAX 400u /* bytes of the file list in the message */

struct hf_refs {
    struct cu_buf files;    /* "modeling_foo.py, configuration_foo.py" */
    struct cu_buf evidence; /* "AutoModel=modeling_foo.FooModel; ..." */
    size_t n;
};

static bool hf_match(const json_t *doc, const char *name)
{
    (void)name;
    return json_is_object(doc) && (json_object_get(doc, "auto_map") != NULL ||
                                   json_object_get(doc, "custom_pipelines") != NULL);
}

/* Adds one "module.Class" reference found under `key`. */
static void hf_ref(
    struct cu_ctx *ctx, struct cu_source *src, struct hf_refs *r, const char *key, const char *ref)
{
    const char *sep = strstr(ref, "--");
    const char *local = sep != NULL ? sep + 2 : ref;
    const char *dot = strrchr(local, '.');
    if (dot == NULL || dot == local || dot[1] == '\0') {
        cu_emit(ctx, src, CU_NO_OFFSET, "hf/bad-auto-map", CU_SEV_DEFAULT, ref,
                "'%s' maps to '%s', which is not 'module.Class'", key, ref);
        return;
    }
    /* module path: dots become directories, as Python imports them */
    struct cu_buf file = CU_BUF_INIT(1024);
    for (const char *c = local; c < dot; c++) {
        cu_buf_addc(&file, *c == '.' ? '/' : *c);
    }
    cu_buf_adds(&file, ".py");
    const char *f = cu_buf_str(&file);
    if (sep != NULL) {
        char *repo = cu_strndup(ref, (size_t)(sep - ref));
        cu_emit(ctx, src, CU_NO_OFFSET, "hf/remote-code-external", CU_SEV_DEFAULT, ref,
                "'%s' loads %s from another repository, '%s': that code is not in this "
                "directory and was not scanned",
                key, f, repo != NULL ? repo : "?");
        free(repo);
    }
    if (f[0] == '/' || strstr(f, "..") != NULL || strchr(f, '\\') != NULL) {
        cu_emit(ctx, src, CU_NO_OFFSET, "hf/bad-auto-map", CUSTODY_SEV_HIGH, ref,
                "'%s' names a module path that leaves the repository: '%s'", key, f);
    }
    if (strstr(cu_buf_str(&r->files), f) == NULL) {
        cu_buf_addf(&r->files, "%s%s%s", r->files.len > 0 ? ", " : "",
                    sep != NULL ? "(remote) " : "", f);
    }
    cu_buf_addf(&r->evidence, "%s%s=%s", r->evidence.len > 0 ? "; " : "", key, ref);
    r->n++;
    cu_buf_free(&file);
}

static void hf_value(
    struct cu_ctx *ctx, struct cu_source *src, struct hf_refs *r, const char *key, const json_t *v)
{
    if (json_is_string(v)) {
        hf_ref(ctx, src, r, key, json_string_value(v));
        return;
    }
    if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
        {
            if (json_is_string(e)) {
                hf_ref(ctx, src, r, key, json_string_value(e));
            } else if (!json_is_null(e)) {
                cu_emit(ctx, src, CU_NO_OFFSET, "hf/bad-auto-map", CU_SEV_DEFAULT, key,
                        "'%s' holds a list entry that is neither a class reference nor null", key);
            }
        }
        return;
    }
    if (!json_is_null(v)) {
        cu_emit(ctx, src, CU_NO_OFFSET, "hf/bad-auto-map", CU_SEV_DEFAULT, key,
                "'%s' is neither a class reference nor a list of them", key);
    }
}

static int hf_analyze(struct cu_ctx *ctx, struct cu_source *src, const json_t *doc)
{
    struct hf_refs r = { CU_BUF_INIT(HF_LIST_MAX), CU_BUF_INIT(CU_LIMIT_EVIDENCE), 0 };
    const json_t *am = json_object_get(doc, "auto_map");
    const char *k;
    const json_t *v;
    if (am != NULL && !json_is_object(am)) {
        cu_emit(ctx, src, CU_NO_OFFSET, "hf/bad-auto-map", CU_SEV_DEFAULT, NULL,
                "'auto_map' is not an object");
    } else if (am != NULL) {
        json_object_foreach((json_t *)am, k, v)
        {
            hf_value(ctx, src, &r, k, v);
        }
    }
    const json_t *cp = json_object_get(doc, "custom_pipelines");
    if (cp != NULL && !json_is_object(cp)) {
        cu_emit(ctx, src, CU_NO_OFFSET, "hf/bad-auto-map", CU_SEV_DEFAULT, NULL,
                "'custom_pipelines' is not an object");
    } else if (cp != NULL) {
        json_object_foreach((json_t *)cp, k, v)
        {
            const json_t *impl = json_is_object(v) ? json_object_get(v, "impl") : NULL;
            if (json_is_string(impl)) {
                hf_ref(ctx, src, &r, k, json_string_value(impl));
            } else {
                cu_emit(ctx, src, CU_NO_OFFSET, "hf/bad-auto-map", CU_SEV_DEFAULT, k,
                        "custom pipeline '%s' has no 'impl' class reference", k);
            }
        }
    }
    if (r.n > 0) {
        cu_emit(ctx, src, CU_NO_OFFSET, "hf/trust-remote-code", CU_SEV_DEFAULT,
                cu_buf_str(&r.evidence),
                "loading this model needs trust_remote_code=True, which runs the repository's "
                "Python: %s%s",
                cu_buf_str(&r.files), r.files.cut ? ", ..." : "");
    }
    cu_buf_free(&r.files);
    cu_buf_free(&r.evidence);
    return 0;
}

const struct cu_json_handler cu_json_hf_remote_code = { "hf-remote-code", hf_match, hf_analyze };
