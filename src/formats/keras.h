#ifndef CU_KERAS_H
#define CU_KERAS_H
/* Keras model configurations (docs/formats.md, "Keras"): the config.json of a .keras archive
 * (reached through the zip and JSON analyzers), its metadata.json, and the model_config /
 * training_config attributes of a legacy HDF5 model (hdf5.c). One walker visits the whole
 * object tree: Lambda bytecode, objects from outside Keras' namespaces, known safe_mode
 * bypass gadgets and layers that open external files. */
#include <jansson.h>

#include "engine/engine.h"
#include "formats/jsonfile.h"

/* Nesting of JSON containers the walker follows; deeper documents are reported. */
#define CU_KERAS_MAX_DEPTH 96u

/* Walks a parsed Keras config found in `src` (what produced it; findings point there) and
 * emits findings. `what` names the document in messages ("config.json", "model_config").
 * Returns 0 (findings are the result) or CUSTODY_ENOMEM. */
int cu_keras_analyze_config(struct cu_ctx *ctx,
                            struct cu_source *src,
                            const json_t *doc,
                            const char *what);

/* The JSON handler (jsonfile.c's table). */
extern const struct cu_json_handler cu_json_handler_keras;

#endif
