/* Rules of the model-format analyzers: PyTorch, NumPy, joblib. */
#include "rules/catalogue.h"

static const custody_rule model_rules[] = {
    { "numpy/malformed", "Malformed NumPy file", CUSTODY_SEV_MEDIUM,
      "The .npy header or payload is broken.", "Re-create the array file from a trusted source." },

    /* ---- NumPy, joblib, legacy PyTorch (models branch): keep this block last ---- */
    { "numpy/object-array", "NumPy array of Python objects", CUSTODY_SEV_LOW,
      "The array's dtype holds Python objects, so its payload is a pickle that "
      "numpy.load(allow_pickle=True) unpickles: loading it can run code. numpy refuses it by "
      "default; code that passes allow_pickle=True trusts the file completely. The embedded "
      "pickle was analysed and its own findings are reported separately.",
      "Store numeric data with a numeric dtype; never load untrusted files with "
      "allow_pickle=True." },
    { "numpy/trailing-data", "Bytes after the NumPy array data", CUSTODY_SEV_MEDIUM,
      "The file holds more bytes than its header's shape and dtype describe. numpy.load ignores "
      "them, so they are a place to hide content (a second payload, a polyglot).",
      "Re-save the array with numpy.save and compare; find out what the extra bytes are." },
    { "numpy/header-quirk", "Unusual NumPy header", CUSTODY_SEV_LOW,
      "The .npy header loads, but numpy never writes it this way (padding, alignment, size). "
      "The file was probably made by hand or by another tool.",
      "Re-save the array with numpy.save." },
    { "joblib-zf/malformed", "Malformed joblib ZF container", CUSTODY_SEV_MEDIUM,
      "The legacy joblib 'ZF' zlib container (joblib < 0.10) is broken: bad length field, "
      "corrupt zlib stream, or a length that disagrees with the data.",
      "Re-create the file with a current joblib from a trusted source." },
    { "joblib/zf-trailing-data", "Bytes after a joblib ZF zlib stream", CUSTODY_SEV_MEDIUM,
      "zlib.decompress ignores what follows the compressed stream; those bytes are a place to "
      "hide content.",
      "Re-create the file; find out what the extra bytes are." },
    { "joblib/zf-raw-data", "joblib ZF container with raw array data", CUSTODY_SEV_INFO,
      "The ZF container holds raw array bytes (a ZNDArrayWrapper side file), which joblib "
      "copies into an array and never unpickles.",
      "None needed." },
    { "joblib/array-data", "joblib inline array cannot be verified", CUSTODY_SEV_MEDIUM,
      "A joblib NumpyArrayWrapper has a state Custody cannot size (unknown dtype, bad shape, "
      "inconsistent fields) or its array bytes are missing. What joblib reads after it as raw "
      "array data cannot be told apart from pickle opcodes, so the rest of the stream was not "
      "analysed.",
      "Re-create the dump with joblib from a trusted source." },
    { "joblib/array-padding", "Unexpected joblib array padding", CUSTODY_SEV_LOW,
      "joblib >= 1.2 writes 1 to 16 bytes of 0xff padding before each inline array; this file "
      "has other bytes or another length there. joblib skips them unread.",
      "Re-create the dump with joblib." },
    { "joblib/side-file", "joblib array stored in a side file", CUSTODY_SEV_INFO,
      "An old joblib dump (NDArrayWrapper / ZNDArrayWrapper, joblib < 0.10) loads an array from "
      "a separate file next to it with numpy.load(allow_pickle=True); that file must be "
      "scanned too.",
      "Scan the whole directory; re-save with a current joblib." },
    { "joblib/side-file-traversal", "joblib side file outside the dump's directory",
      CUSTODY_SEV_HIGH,
      "An NDArrayWrapper names its side file with a path separator or '..'. joblib joins it to "
      "the dump's directory and opens it with numpy.load(allow_pickle=True): a crafted name "
      "loads (and unpickles) a file the scan did not cover.",
      "Do not load the dump." },
    { "torch-legacy/malformed", "Malformed legacy PyTorch checkpoint", CUSTODY_SEV_MEDIUM,
      "The pre-1.6 sequential torch.save format (magic, protocol, sys_info, object, storage "
      "keys, raw storages) is broken.",
      "Re-save the model with a current PyTorch from a trusted source." },
    { "torch-legacy/trailing-data", "Bytes after the legacy checkpoint's storages",
      CUSTODY_SEV_MEDIUM,
      "torch.load stops after the last storage record; bytes after it are never read and are "
      "a place to hide content.",
      "Re-save the model; find out what the extra bytes are." },
    { "torch-legacy/storage-unverified", "Legacy checkpoint storages not verified", CUSTODY_SEV_LOW,
      "The raw storage section of a legacy checkpoint could not be matched record by record "
      "against its storage keys. Raw storage bytes are never unpickled, so this is no code "
      "path by itself, but content may hide there.",
      "Re-save the model with torch.save (zip format)." },
    { "torch-legacy-records/malformed", "Malformed legacy PyTorch tar member", CUSTODY_SEV_MEDIUM,
      "A 'storages' or 'tensors' member of a pre-0.4 tar checkpoint is broken.",
      "Re-save the model with a current PyTorch from a trusted source." },
    { "torch/checkpoint", "PyTorch zip checkpoint", CUSTODY_SEV_INFO,
      "The archive has the layout torch.save writes (data.pkl, version, byteorder, data/<n>). "
      "The evidence lists its format version, byte order, serialization id and storage count.",
      "None: informational." },
    { "torch/bad-byteorder", "Invalid byteorder record", CUSTODY_SEV_MEDIUM,
      "The checkpoint's byteorder record is neither 'little' nor 'big'. torch.load refuses it; "
      "a crafted record suggests a hand-built file.",
      "Re-save the model with torch.save from a trusted source." },
    { "torch/bad-version", "Invalid version record", CUSTODY_SEV_MEDIUM,
      "A version or alignment record of the checkpoint is not a decimal number. Loaders parse "
      "it differently; a crafted record suggests a hand-built file.",
      "Re-save the model with torch.save from a trusted source." },
    { "torch/missing-data-pkl", "Checkpoint without data.pkl", CUSTODY_SEV_MEDIUM,
      "The archive looks like a torch checkpoint but has no <prefix>/data.pkl, so torch.load "
      "cannot read it as saved: some other member or loader is meant to be used.",
      "Find out how the file is meant to be loaded; re-save it with torch.save." },
    { "torch/foreign-member", "Member outside the checkpoint folder", CUSTODY_SEV_LOW,
      "A member lies outside the checkpoint's top folder. torch.load never reads it, but other "
      "tools that open the archive may. It was analysed.",
      "Remove members that are not part of the checkpoint." },
};

CU_RULE_TABLE(cu_rules_model, model_rules);
