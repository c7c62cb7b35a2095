#ifndef CU_MANIFEST_H
#define CU_MANIFEST_H
/* OMS "files" manifest: listing a model the way model_signing does, and hashing it. */
#include <stdbool.h>
#include <stdint.h>

#include "custody/provenance.h"

struct cu_mf_entry {
    char *name;    /* relative, '/'-separated; "." for a single-file model */
    char *path;    /* what to open */
    int rc;        /* hashing outcome: 0 or CUSTODY_E* */
    int sys_errno; /* errno behind an EIO */
    bool nofollow; /* open with O_NOFOLLOW: symlinks were refused when listing */
    uint8_t digest[32];
};

struct custody_manifest {
    struct cu_mf_entry *v;
    size_t n, cap;
};

/* Component-wise order of two relative paths (pathlib's PurePosixPath order): "a/b" < "a.txt". */
int cu_mf_path_cmp(const char *a, const char *b);

/* Lists the files of the model at `path` into `m` (sorted), without hashing them. */
int cu_mf_list(struct custody_manifest *m,
               const char *path,
               const custody_digest_opts *opts,
               custody_error *err);

/* Hashes every entry of `m` (one pool task per file, 1 MiB reads). Returns the first error in
 * manifest order, naming its file. */
int cu_mf_hash(struct custody_manifest *m, unsigned threads, custody_error *err);

#endif
