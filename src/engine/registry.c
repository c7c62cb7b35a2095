/* The one table that names every analyzer, in sniffing order: specific magic first,
 * containers before their contents, pickle (the loosest sniff) last. */
#include "engine/engine.h"
#include "formats/joblib.h"
#include "formats/hdf5.h"
#include "formats/jsonfile.h"
#include "formats/numpy.h"
#include "formats/pickle.h"
#include "formats/torch_legacy.h"
#include "core/banned.h"

extern const struct cu_analyzer cu_analyzer_zip;
extern const struct cu_analyzer cu_analyzer_safetensors; /* safetensors.c */
extern const struct cu_analyzer cu_analyzer_python;      /* pysrc.c */
extern const struct cu_analyzer cu_analyzer_gguf;        /* gguf.c */
/* archive.c, compress.c */
extern const struct cu_analyzer cu_analyzer_tar, cu_analyzer_7z, cu_analyzer_ar, cu_analyzer_rar;
extern const struct cu_analyzer cu_analyzer_gzip, cu_analyzer_bzip2, cu_analyzer_xz,
    cu_analyzer_lzma, cu_analyzer_zlib, cu_analyzer_lz4;
/* onnx.c, savedmodel.c, tflite.c: protobuf / FlatBuffers graphs */
extern const struct cu_analyzer cu_analyzer_onnx, cu_analyzer_savedmodel, cu_analyzer_tflite,
    cu_analyzer_onnx_tensor, cu_analyzer_sentencepiece;
extern const struct cu_analyzer cu_analyzer_deps; /* deps/deps.c: manifests and lockfiles */
/* src/agents/agentcfg.c: MCP/agent configs by name */
extern const struct cu_analyzer cu_analyzer_agent;
/* src/agents: skills, their scripts, prompts and agent rules files (by name/path) */
extern const struct cu_analyzer cu_analyzer_skill, cu_analyzer_skill_script, cu_analyzer_prompt,
    cu_analyzer_agent_code;

/* src/deps: registry configs (npmrc.c), .pth / binding.gyp / workflows (trees.c) */
extern const struct cu_analyzer cu_analyzer_depcfg, cu_analyzer_pth, cu_analyzer_binding_gyp,
    cu_analyzer_gh_workflow;

/* One entry per line keeps the order readable and merges clean. */
/* clang-format off */
const struct cu_analyzer *const cu_registry[] = {
    &cu_analyzer_zip,          /* before pickle: data.pkl lives inside */
    /* containers after zip (which owns PK\x03\x04) */
    &cu_analyzer_tar,
    &cu_analyzer_7z,
    &cu_analyzer_ar,
    &cu_analyzer_rar,
    &cu_analyzer_gzip,
    &cu_analyzer_bzip2,
    &cu_analyzer_xz,
    &cu_analyzer_lzma,
    &cu_analyzer_lz4,
    /* models: specific magics, then member names */
    &cu_analyzer_safetensors,  /* u64 length + '{': before pickle/zlib magics */
    &cu_analyzer_gguf,         /* "GGUF" magic; chat templates -> Jinja analyzer */
    &cu_analyzer_numpy,
    &cu_analyzer_joblib_zf,
    &cu_analyzer_torch_legacy,
    &cu_analyzer_torch_legacy_records,
    &cu_analyzer_hdf5,         /* hdf5.c: legacy Keras .h5 (\x89HDF magic) */
    &cu_analyzer_tflite,       /* "TFL3" at offset 4 */
    &cu_analyzer_onnx,         /* protobuf: ModelProto field walk from ir_version */
    &cu_analyzer_savedmodel,   /* protobuf: SavedModel / GraphDef / fingerprint field walk */
    &cu_analyzer_onnx_tensor,  /* protobuf: a lone TensorProto (dims, data_type first) */
    &cu_analyzer_sentencepiece, /* protobuf: tokenizer.model, two pieces in the head */
    &cu_analyzer_zlib,         /* loosest magic of the streams */
    &cu_analyzer_deps,         /* lockfiles/manifests by file name: before generic JSON */
    &cu_analyzer_agent,        /* MCP/agent configs by name (JSONC, YAML): before json */
    &cu_analyzer_skill,        /* SKILL.md by name: before json/python */
    &cu_analyzer_prompt,       /* agent rules files and prompts by path */
    &cu_analyzer_skill_script, /* scripts in a folder with SKILL.md (lstat) */
    &cu_analyzer_agent_code,   /* plugins and hook scripts an agent runs by itself */
    &cu_analyzer_depcfg,       /* .npmrc, .pypirc, pip.conf by name (npmrc.c) */
    &cu_analyzer_pth,          /* text *.pth (torch .pth are zip/pickle: claimed above) */
    &cu_analyzer_binding_gyp,  /* binding.gyp by name */
    &cu_analyzer_gh_workflow,  /* *.yml with on:/jobs:, shai-hulud*.yml */
    &cu_analyzer_json,         /* text: after every binary magic */
    &cu_analyzer_python,       /* *.py that tokenises as Python */
    &cu_analyzer_pickle,       /* loosest sniff of all: last */
};
/* clang-format on */
const size_t cu_registry_len = sizeof(cu_registry) / sizeof(cu_registry[0]);
