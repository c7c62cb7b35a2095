#ifndef CU_MANIFEST_H
#define CU_MANIFEST_H
/* OMS "files" manifest: listing a model the way model_signing does, and hashing it. */
#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

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

/* `p` with empty and "." components dropped (a fresh string, "" for the root itself); NULL for
 * a path with a ".." component, one too long to be a path, or on ENOMEM (then *nomem is set). */
char *cu_mf_norm(const char *p, bool *nomem);

/* Frees the entries of `m` and empties it (the struct itself stays). */
void cu_mf_clear(struct custody_manifest *m);

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

/* One file to hash with cu_mf_hash_file, and the outcome. */
struct cu_mf_hash_job {
    const char *path;
    bool nofollow; /* open with O_NOFOLLOW */
    bool range;    /* hash [start, end) only (pread), else the whole file */
    uint64_t start, end;
    const EVP_MD *md; /* NULL: SHA-256 */
    size_t chunk;     /* read size; 0: 1 MiB */
    uint8_t *digest;  /* room for md's digest */
    int rc;           /* 0, CUSTODY_EIO (sys_errno), CUSTODY_EINVAL (not a regular file), ENOMEM */
    int sys_errno;
    bool short_read; /* a range: the file ended before `end` */
    uint64_t size;   /* file size at open */
};

/* Hashes one regular file (never blocks on a FIFO, falls back without O_NOATIME). */
void cu_mf_hash_file(struct cu_mf_hash_job *job);

#endif
