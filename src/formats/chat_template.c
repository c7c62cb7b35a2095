/* tokenizer_config.json (and chat_template.json / processor_config.json): the `chat_template`
 * that transformers renders with Jinja, either one string or a list of {"name", "template"}
 * (named templates such as "default", "tool_use", "rag"). Each goes to the Jinja analyzer. */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "formats/jinja.h"
#include "formats/jsonfile.h"
#include "core/banned.h"

static bool chat_template_match(const json_t *doc, const char *name)
{
    (void)name;
    return json_is_object(doc) && json_object_get(doc, "chat_template") != NULL;
}

static int
chat_template_one(struct cu_ctx *ctx, struct cu_source *src, const char *where, const json_t *t)
{
    const char *s = json_string_value(t);
    size_t n = json_string_length(t);
    int rc = cu_jinja_check(ctx, src, CU_NO_OFFSET, where, (const uint8_t *)s, n);
    return rc < 0 ? cu_err_nomem(cu_ctx_err(ctx)) : 0;
}

static int chat_template_analyze(struct cu_ctx *ctx, struct cu_source *src, const json_t *doc)
{
    const json_t *ct = json_object_get(doc, "chat_template");
    if (json_is_string(ct)) {
        return chat_template_one(ctx, src, "chat_template", ct);
    }
    if (!json_is_array(ct)) {
        cu_emit(ctx, src, CU_NO_OFFSET, "template/malformed", CU_SEV_DEFAULT, NULL,
                "chat_template is neither a string nor a list of {name, template}");
        return 0;
    }
    size_t i;
    const json_t *e;
    json_array_foreach(ct, i, e)
    {
        const json_t *nm = json_object_get(e, "name");
        const json_t *tp = json_object_get(e, "template");
        if (!json_is_string(tp)) {
            cu_emit(ctx, src, CU_NO_OFFSET, "template/malformed", CU_SEV_DEFAULT, NULL,
                    "chat_template[%zu] has no string 'template'", i);
            continue;
        }
        char where[160];
        struct cu_buf b = CU_BUF_INIT(100);
        if (json_is_string(nm)) {
            cu_buf_add_escaped(&b, (const uint8_t *)json_string_value(nm), json_string_length(nm));
        }
        (void)snprintf(where, sizeof(where), "chat_template[%zu] '%s'", i, cu_buf_str(&b));
        cu_buf_free(&b);
        int rc = chat_template_one(ctx, src, where, tp);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

const struct cu_json_handler cu_json_chat_template = { "chat_template", chat_template_match,
                                                       chat_template_analyze };
