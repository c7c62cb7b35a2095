/* The JSON analyzer: strict parse, then the handlers. See jsonfile.h. */
#include "formats/jsonfile.h"

#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "agents/jsonc.h"
#include "formats/keras.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/banned.h"

/* Every handler, in order. Step 2+ modules add theirs here (one line each). */
extern const struct cu_json_handler cu_json_hf_remote_code; /* hfrepo.c: auto_map */
extern const struct cu_json_handler cu_json_chat_template;  /* chat_template.c */
extern const struct cu_json_handler cu_json_hf_config;      /* hfmeta.c: BOM facts */
/* agents/agentcfg.c: tool snapshots, LangChain, mcpServers */
extern const struct cu_json_handler cu_json_agents;

const struct cu_json_handler *const cu_json_handlers[] = {
    &cu_json_handler_keras, /* keras.c: .keras config.json/metadata.json */
    &cu_json_hf_remote_code,
    &cu_json_chat_template, /* tokenizer_config.json chat_template -> Jinja analyzer */
    &cu_json_hf_config,     /* config.json: architectures, model_type -> facts */
    &cu_json_agents,
};
const size_t cu_json_handlers_len = sizeof(cu_json_handlers) / sizeof(cu_json_handlers[0]);

static bool json_sniff(const struct cu_sniff *in)
{
    /* An object or array after optional whitespace (and a UTF-8 BOM); the parse decides. */
    size_t i = 0;
    if (in->len >= 3 && memcmp(in->head, "\xef\xbb\xbf", 3) == 0) {
        i = 3;
    }
    while (i < in->len && (in->head[i] == ' ' || in->head[i] == '\t' || in->head[i] == '\n' ||
                           in->head[i] == '\r')) {
        i++;
    }
    if (i >= in->len || (in->head[i] != '{' && in->head[i] != '[')) {
        return false;
    }
    /* Next significant byte must fit JSON: a string, a value or a close. */
    for (i++; i < in->len; i++) {
        uint8_t c = in->head[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            continue;
        }
        return c == '"' || c == '}' || c == ']' || c == '{' || c == '[' || c == '-' ||
               (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
    }
    return in->len > 1;
}

/* JSON files that model loaders read with a strict parser (transformers, diffusers, peft,
 * sentence-transformers: json.load). */
static bool hf_json_name(const char *name)
{
    static const char *const names[] = { "config.json",
                                         "tokenizer_config.json",
                                         "generation_config.json",
                                         "preprocessor_config.json",
                                         "processor_config.json",
                                         "special_tokens_map.json",
                                         "tokenizer.json",
                                         "adapter_config.json",
                                         "model_index.json",
                                         "config_sentence_transformers.json",
                                         "modules.json",
                                         NULL };
    const char *b = cu_basename(name);
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strcmp(b, names[i]) == 0) {
            return true;
        }
    }
    return cu_has_suffix(b, ".index.json"); /* model.safetensors.index.json */
}

static int json_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    custody_error *err = cu_ctx_err(ctx);
    char *buf = NULL;
    size_t size = 0;
    int rc = cu_source_read_all(src, CU_LIMIT_JSON, "JSON document", &buf, &size, err);
    if (rc < 0) {
        return rc;
    }
    size_t skip = size >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    json_error_t jerr;
    json_t *doc = json_loadb(buf + skip, size - skip, JSON_REJECT_DUPLICATES, &jerr);
    /* "\u0000" is valid JSON (iconv-lite's code-page tables are full of it) but jansson
     * refuses it by default. Data files may hold it; a config a handler reads may not: our
     * C-string view of such a value would stop where the program's does not. */
    bool nul = false;
    if (doc == NULL && strstr(jerr.text, "JSON_ALLOW_NUL") != NULL) {
        json_error_t j2;
        doc = json_loadb(buf + skip, size - skip, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &j2);
        nul = doc != NULL;
    }
    if (doc == NULL && !cu_name_is_model(src->name) && !hf_json_name(src->name)) {
        /* tsconfig.json, .eslintrc.json, devcontainer.json and most tool configs are JSONC
         * by convention (comments, trailing commas): their readers accept it, so it is not
         * damage. A model config stays strict: the loaders' json.loads refuses comments. */
        struct cu_jsonc j;
        uint32_t bad_line = 0;
        custody_error jcerr;
        memset(&jcerr, 0, sizeof(jcerr));
        int jrc = cu_jsonc_parse(&j, (const uint8_t *)buf + skip, size - skip, &bad_line, &jcerr);
        if (jrc == CUSTODY_ENOMEM) {
            free(buf);
            return cu_err_nomem(err);
        }
        if (jrc == 0 && (j.comments || j.trailing_comma)) {
            doc = json_incref(j.doc);
        }
        cu_jsonc_free(&j);
    }
    free(buf);
    if (doc == NULL) {
        /* Not JSON after all is not a finding unless it claimed to be a model config. */
        if (cu_name_is_model(src->name) || cu_has_suffix(src->name, ".json")) {
            return cu_err_malformed(err, src->loc, (uint64_t)jerr.position + skip,
                                    "invalid JSON: %s (line %d)", jerr.text, jerr.line);
        }
        return 0;
    }
    for (size_t i = 0; i < cu_json_handlers_len && rc == 0; i++) {
        const struct cu_json_handler *h = cu_json_handlers[i];
        if (h == NULL || !h->match(doc, src->name)) {
            continue;
        }
        rc = !nul ? h->analyze(ctx, src, doc)
                  : cu_err_malformed(err, src->loc, (uint64_t)jerr.position + skip,
                                     "a string holds \\u0000 (line %d): the program reads "
                                     "past it, this analysis would not",
                                     jerr.line);
    }
    json_decref(doc);
    return rc;
}

static const char *const json_ext[] = { ".json", NULL };

const struct cu_analyzer cu_analyzer_json = { "json", json_ext, json_sniff, json_analyze };
