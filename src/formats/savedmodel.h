#ifndef CU_SAVEDMODEL_H
#define CU_SAVEDMODEL_H
/* TensorFlow graphs: SavedModel (saved_model.pb), frozen GraphDef (.pb) and the SavedModel
 * fingerprint. The table of TensorFlow operations that touch files, the network or Python is
 * shared with the TFLite analyzer (Flex ops run TensorFlow operations). */
#include <stdbool.h>

#include "engine/engine.h"

enum cu_tf_risk {
    CU_TF_PYTHON = 1,  /* calls into the loading Python process: always critical */
    CU_TF_FILE,        /* reads/writes files: always high */
    CU_TF_NETWORK,     /* opens connections: always high */
    CU_TF_PATH_CONST,  /* checkpoint/cache ops: high when a path input is a graph constant */
    CU_TF_PATH_ESCAPE, /* asset ops (vocabularies): high when a constant path is absolute or
                          climbs with '..' */
    CU_TF_ATTR,        /* file/network only through an attribute (debug URLs, print stream) */
};

struct cu_tf_op {
    const char *op;
    enum cu_tf_risk risk;
    unsigned paths;   /* bitmask of the inputs that are file names (bit 0 = input 0) */
    const char *what; /* "reads a file", for messages */
};

/* The entry for a TensorFlow op name, or NULL when the op is not one of the listed ones. */
const struct cu_tf_op *cu_tf_op_find(const char *op);

extern const struct cu_analyzer cu_analyzer_savedmodel;

#endif
