#ifndef CU_JSONFILE_H
#define CU_JSONFILE_H
/* JSON documents (model configs, tokenizer configs, Keras configs, safetensors indexes, MCP
 * configs later): one analyzer parses them strictly with jansson (duplicate keys and invalid
 * UTF-8 rejected, size-limited) and offers the document to every handler in
 * cu_json_handlers (jsonfile.c), in order. A handler claims what it understands by content
 * (keys), with the file name only as a tiebreaker, and may emit findings. Several handlers may
 * act on one document. */
#include <jansson.h>
#include <stdbool.h>

#include "engine/engine.h"

struct cu_json_handler {
    const char *name; /* for docs and debugging */
    /* True when this handler wants the document. `name` is the member/file name hint. */
    bool (*match)(const json_t *doc, const char *name);
    /* Analyse it; returns 0 or a negative CUSTODY_E* (the engine turns EMALFORMED/ELIMIT into
     * findings). `src` is the JSON file itself. */
    int (*analyze)(struct cu_ctx *ctx, struct cu_source *src, const json_t *doc);
};

extern const struct cu_json_handler *const cu_json_handlers[];
extern const size_t cu_json_handlers_len;

extern const struct cu_analyzer cu_analyzer_json;

#endif
