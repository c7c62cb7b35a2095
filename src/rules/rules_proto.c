/* Rules of the graph formats: ONNX, TensorFlow SavedModel / GraphDef, TFLite. */
#include "rules/catalogue.h"

static const custody_rule proto_rules[] = {
    /* ---- ONNX ---- */
    { "onnx/malformed", "Malformed ONNX model", CUSTODY_SEV_MEDIUM,
      "The ModelProto is not valid protobuf (bad varint, field running past its message, "
      "unbalanced group, nesting too deep) or lacks a graph. Loaders reject it or read it "
      "differently; what follows the damage was not analysed.",
      "Re-export the model from a trusted source." },
    { "onnx/external-data-traversal", "ONNX external data outside the model directory",
      CUSTODY_SEV_CRITICAL,
      "A tensor's external data 'location' is an absolute path, climbs out of the model "
      "directory with '..', or resolves through a symlink to a file outside it. The loader "
      "reads that file into the tensor (CVE-2022-25882, CVE-2024-27318, and through symlinks "
      "CVE-2026-27489 in onnx's loader; CVE-2025-51480 is the write direction): "
      "a model can read any file the user can (keys, credentials) and carry it in its outputs.",
      "Do not load the model. External data must be plain relative names inside the model "
      "directory." },
    { "onnx/external-data-missing", "ONNX external data file missing", CUSTODY_SEV_MEDIUM,
      "A tensor's external data file does not exist beside the model (or is a dangling "
      "symlink). The model cannot load as shipped, and what the loader would read was not "
      "scanned.",
      "Obtain the complete model directory and scan it again." },
    { "onnx/external-data", "Inconsistent ONNX external data reference", CUSTODY_SEV_MEDIUM,
      "A tensor's external data reference is unusable: empty location, a NUL byte or an "
      "overlong name, not a regular file, an offset/length outside the file, or a key other "
      "than location/offset/length/checksum/basepath (onnx's ExternalDataInfo sets every key "
      "as a Python attribute: CVE-2026-34445; dunder keys are reported as high).",
      "Re-export the model with onnx.save(..., save_as_external_data=True)." },
    { "onnx/custom-op", "ONNX operator from a non-standard domain", CUSTODY_SEV_LOW,
      "A node uses an operator outside the standard domains (ai.onnx, ai.onnx.ml, "
      "com.microsoft and their preview/experimental variants) and not defined by a function in "
      "the model. Running it needs a custom operator library, which is native code loaded "
      "into the process: that library, not the model, decides what the operator does.",
      "Make sure the custom operator library comes from a trusted source." },
    { "tokenizer/sentencepiece", "SentencePiece tokenizer model", CUSTODY_SEV_INFO,
      "A SentencePiece model (tokenizer.model of Llama, T5, Mistral, Gemma ...): a protobuf of "
      "vocabulary pieces and normalizer rules, data that no loader executes. Its piece count "
      "is a fact for the bill of materials.",
      "None needed." },
    { "onnx/summary", "ONNX model facts", CUSTODY_SEV_INFO,
      "IR version, producer, opsets, node, initializer and parameter counts, for the bill of "
      "materials.",
      "None needed." },

    /* ---- TensorFlow SavedModel / GraphDef ---- */
    { "savedmodel/malformed", "Malformed TensorFlow graph", CUSTODY_SEV_MEDIUM,
      "The SavedModel or GraphDef protobuf is broken (bad varint, field running past its "
      "message, nesting too deep). What follows the damage was not analysed.",
      "Re-export the model from a trusted source." },
    { "savedmodel/python-op", "TensorFlow graph calls Python", CUSTODY_SEV_CRITICAL,
      "The graph holds a PyFunc, PyFuncStateless or EagerPyFunc node: it calls a Python "
      "function of the loading process when it runs. A model has no business calling back "
      "into Python.",
      "Do not run the model." },
    { "savedmodel/file-op", "TensorFlow graph reads or writes files", CUSTODY_SEV_HIGH,
      "The graph holds an operation that reads, lists or writes files (ReadFile, WriteFile, "
      "MatchingFiles, file readers and datasets, summary writers, ImmutableConst, debug or "
      "print ops with file URLs, ...). When it runs, it can read secrets from the loading "
      "machine or overwrite files such as ~/.ssh/authorized_keys (JFrog TFLOW-MALOPS).",
      "Do not run the model; find out why it touches files." },
    { "savedmodel/network-op", "TensorFlow graph talks to the network", CUSTODY_SEV_HIGH,
      "The graph holds an operation that opens network connections (tf.data service, RPC, "
      "SQL and BigQuery readers).",
      "Do not run the model; find out why it uses the network." },
    { "savedmodel/checkpoint-path", "TensorFlow checkpoint op with a fixed path", CUSTODY_SEV_HIGH,
      "A checkpoint, vocabulary or cache operation (SaveV2, RestoreV2, MergeV2Checkpoints, "
      "InitializeTableFromTextFile, CacheDataset, ...) takes its file name from a constant in "
      "the graph instead of from the loader (the saver's filename placeholder, a function "
      "argument, an asset). The model writes or reads a path of its author's choosing.",
      "Do not run the model." },
    { "savedmodel/keras-lambda", "Keras Lambda layer in a SavedModel", CUSTODY_SEV_HIGH,
      "keras_metadata.pb describes a Lambda layer. Its config carries marshalled Python "
      "bytecode that Keras unmarshals and runs when it revives the layer from the SavedModel "
      "(tf.keras.models.load_model); safe_mode does not cover the SavedModel path.",
      "Do not load the model with Keras; rebuild the layer in code from a trusted source." },
    { "savedmodel/summary", "TensorFlow graph facts", CUSTODY_SEV_INFO,
      "Meta graphs, nodes, functions, for the bill of materials.", "None needed." },

    /* ---- TFLite ---- */
    { "tflite/malformed", "Malformed TFLite model", CUSTODY_SEV_MEDIUM,
      "The FlatBuffer is broken: an offset or vector runs outside the file, or a table is "
      "inconsistent. The interpreter may read it differently; it was not fully analysed.",
      "Re-convert the model from a trusted source." },
    { "tflite/custom-op", "TFLite custom operator", CUSTODY_SEV_LOW,
      "The model uses a custom operator: the interpreter needs a resolver that registers it, "
      "which is native code outside the model.",
      "Make sure the custom operator's implementation comes from a trusted source." },
    { "tflite/flex-op", "TFLite Flex operator that touches files, network or Python",
      CUSTODY_SEV_HIGH,
      "A Flex (Select TF ops) custom operator runs a full TensorFlow operation inside the "
      "interpreter; this one reads or writes files, talks to the network or calls Python "
      "(same list as for SavedModel).",
      "Do not run the model with the Flex delegate." },
    { "tflite/summary", "TFLite model facts", CUSTODY_SEV_INFO,
      "Schema version, operator codes, subgraphs, for the bill of materials.", "None needed." },
};

CU_RULE_TABLE(cu_rules_proto, proto_rules);
