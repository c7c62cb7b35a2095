/* Rules of the Keras config walker (keras.c) and the HDF5 reader (hdf5.c). */
#include "rules/catalogue.h"

static const custody_rule keras_rules[] = {
    { "keras/lambda-bytecode", "Keras Lambda layer with Python bytecode", CUSTODY_SEV_CRITICAL,
      "A Lambda layer (or a lambda used as output_shape/mask) stores a Python function as "
      "base64-encoded marshal bytecode. Keras rebuilds it with marshal.loads and runs it when "
      "the model is loaded with safe_mode=False, always for legacy HDF5 files (CVE-2025-9905) "
      "and for Keras before 2.13 (CVE-2024-3660). The evidence lists the names the bytecode "
      "holds; it was never executed or unmarshalled.",
      "Do not load the model. Rebuild it from source code, or replace the Lambda layer with a "
      "registered custom layer whose code you review." },
    { "keras/custom-object", "Keras object from outside Keras' namespaces", CUSTODY_SEV_HIGH,
      "The config names a class or function (module, class_name or registered_name) outside "
      "keras, tf_keras, tensorflow.keras, keras_hub, keras_nlp and keras_cv. Keras imports it "
      "when it loads the model: Keras before 3.9 imported any module named there even with "
      "safe_mode=True (CVE-2025-1550), and custom objects run their own code. Critical when "
      "the callable is a known dangerous one (os, subprocess, builtins.exec...).",
      "Load only with the reviewed custom_objects you expect; do not load unknown models." },
    { "keras/safe-mode-bypass", "Known Keras safe_mode bypass gadget", CUSTODY_SEV_CRITICAL,
      "The config uses a Keras callable that published exploits used to escape safe_mode: "
      "keras.utils.get_file (CVE-2025-8747), keras.config.enable_unsafe_deserialization or "
      "set_global_attribute (CVE-2025-9906), a nested load_model, TFSMLayer loading an "
      "external SavedModel (CVE-2026-1462) and similar.",
      "Do not load the model; upgrade Keras." },
    { "keras/external-file", "Keras layer reads a file named in the config", CUSTODY_SEV_HIGH,
      "A layer config names a path (a StringLookup/TextVectorization vocabulary, a filepath) "
      "that Keras opens while loading: local files or remote URLs chosen by the model's author "
      "are read (CVE-2025-12058).",
      "Check the path; embed vocabularies in the archive instead." },
    { "keras/function-reference", "Keras config references a Keras function", CUSTODY_SEV_LOW,
      "The config references a Keras function outside the activation, loss, metric and "
      "initializer modules. Such references have been used to chain safe_mode bypasses.",
      "Check that the function is one the model needs." },
    { "keras/config-too-deep", "Keras config nested too deeply", CUSTODY_SEV_HIGH,
      "The model config nests deeper than the walker follows; what lies below was not "
      "analysed and may hide Lambda layers or custom objects.",
      "Do not load the model unless its config is reviewed by hand." },
    { "keras/malformed-config", "Keras model config is not valid JSON", CUSTODY_SEV_MEDIUM,
      "An HDF5 model's model_config or training_config attribute does not parse as strict JSON "
      "(or is not text). Keras would fail or read it differently; it was not analysed.",
      "Re-save the model from a trusted source." },
    { "keras/model", "Keras model", CUSTODY_SEV_INFO,
      "A Keras model config or archive metadata: model class, number of layers, Keras version.",
      "None: informational." },
    { "hdf5/malformed", "Malformed HDF5 file", CUSTODY_SEV_MEDIUM,
      "The HDF5 superblock, root object header or one of its attribute messages is broken "
      "(out of bounds, inconsistent sizes, loops). Loaders built on libhdf5 have a long history "
      "of memory-safety bugs with crafted files.",
      "Re-create the file from a trusted source." },
    { "hdf5/attributes-unread", "HDF5 attributes Custody could not read", CUSTODY_SEV_MEDIUM,
      "The root group keeps attributes where Custody's reader does not look (dense attribute "
      "storage in a fractal heap, shared messages), so a model_config there was not analysed.",
      "Re-save the model with h5py/Keras defaults, or convert it to .keras or safetensors." },
};

CU_RULE_TABLE(cu_rules_keras, keras_rules);
