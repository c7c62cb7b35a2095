#ifndef CUSTODY_PROVENANCE_H
#define CUSTODY_PROVENANCE_H
/* Model provenance: the OpenSSF model-signing (OMS v1.0) manifest of a model and its root
 * digest, computed the way the reference `model_signing` does with "files" serialization. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

/* Options; all-zero gives the reference defaults (git paths ignored, symlinks refused). */
typedef struct custody_digest_opts {
    /* Extra paths to leave out, relative to the model root ("sub/dir", "README.md"). A path
     * leaves out itself and everything below it, matched by whole path components. Paths
     * that climb out of the model ("..") match nothing. */
    const char *const *ignore_paths;
    size_t n_ignore_paths;
    bool include_git_paths; /* false: leave out .git/, .gitattributes, .github/, .gitignore
                             * at the model root (reference default) */
    bool allow_symlinks;    /* false: a symlink anywhere in the model is an error */
    unsigned threads;       /* hashing threads; 0 = one per online CPU */
} custody_digest_opts;

/* A model's manifest: its files in the reference's order (component-wise by relative path)
 * with their SHA-256 digests. A single-file model has one entry named ".". */
typedef struct custody_manifest custody_manifest;

/* Lists and hashes the model at `path` (a directory or a single file). An empty model gives
 * an empty manifest here (custody_digest refuses it). Returns 0 or CUSTODY_E*; `err` names
 * the offending file. */
CUSTODY_API CUSTODY_NODISCARD int custody_manifest_build(custody_manifest **out,
                                                         const char *path,
                                                         const custody_digest_opts *opts,
                                                         custody_error *err);
CUSTODY_API size_t custody_manifest_count(const custody_manifest *m);
/* Entry i's relative name ('/'-separated), or NULL when i is out of range. */
CUSTODY_API const char *custody_manifest_name(const custody_manifest *m, size_t i);
/* Entry i's raw 32-byte SHA-256, or NULL when i is out of range. */
CUSTODY_API const uint8_t *custody_manifest_digest(const custody_manifest *m, size_t i);
/* Root digest: SHA-256 over the raw entry digests concatenated in order. An empty manifest is
 * CUSTODY_EINVAL (the OMS conformance suite refuses to sign nothing). */
CUSTODY_API CUSTODY_NODISCARD int
custody_manifest_root(const custody_manifest *m, uint8_t out[32], custody_error *err);
CUSTODY_API void custody_manifest_free(custody_manifest *m);

/* custody_manifest_build + custody_manifest_root: the root digest `model_signing digest`
 * prints, and the in-toto subject digest of an OMS signature. */
CUSTODY_API CUSTODY_NODISCARD int custody_digest(uint8_t out[32],
                                                 const char *path,
                                                 const custody_digest_opts *opts,
                                                 custody_error *err);

#include "custody/sigstore.h"

#endif
