/* The one table that names every analyzer, in sniffing order: specific magic first,
 * containers before their contents, pickle (the loosest sniff) last. */
#include "engine/engine.h"
#include "formats/joblib.h"
#include "formats/jsonfile.h"
#include "formats/numpy.h"
#include "formats/pickle.h"
#include "formats/torch_legacy.h"
#include "core/banned.h"

extern const struct cu_analyzer cu_analyzer_zip;
extern const struct cu_analyzer cu_analyzer_gguf; /* gguf.c */
/* archive.c, compress.c */
extern const struct cu_analyzer cu_analyzer_tar, cu_analyzer_7z, cu_analyzer_ar, cu_analyzer_rar;
extern const struct cu_analyzer cu_analyzer_gzip, cu_analyzer_bzip2, cu_analyzer_xz,
    cu_analyzer_lzma, cu_analyzer_zlib, cu_analyzer_lz4;

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
    &cu_analyzer_gguf,         /* "GGUF" magic; chat templates -> Jinja analyzer */
    &cu_analyzer_numpy,
    &cu_analyzer_joblib_zf,
    &cu_analyzer_torch_legacy,
    &cu_analyzer_torch_legacy_records,
    &cu_analyzer_zlib,         /* loosest magic of the streams */
    &cu_analyzer_json,         /* text: after every binary magic */
    &cu_analyzer_pickle,       /* loosest sniff of all: last */
};
/* clang-format on */
const size_t cu_registry_len = sizeof(cu_registry) / sizeof(cu_registry[0]);
