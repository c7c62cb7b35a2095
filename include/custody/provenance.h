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

/* ---- keys, signing and verification (OMS v1.0) ------------------------------------------- */

/* A signature, certificate or model that does not verify: well-formed input that is not
 * authentic or not intact (the CLI's exit 1). Same value as the library's CU_EVERIFY. */
#define CUSTODY_EVERIFY (-16)

typedef enum custody_curve {
    CUSTODY_CURVE_P256 = 0, /* default, as the reference and npm @sigstore/verify */
    CUSTODY_CURVE_P384,
    CUSTODY_CURVE_P521,
} custody_curve;

/* Writes a new ECDSA key: `key_path` (PKCS#8 PEM, mode 0600, encrypted with AES-256-CBC when a
 * passphrase is given) and `pub_path` (SubjectPublicKeyInfo PEM). Refuses to overwrite an
 * existing file unless `force`. Returns 0 or CUSTODY_E*. */
CUSTODY_API CUSTODY_NODISCARD int custody_keygen(const char *key_path,
                                                 const char *pub_path,
                                                 custody_curve curve,
                                                 const char *passphrase,
                                                 bool force,
                                                 custody_error *err);

typedef struct custody_sign_opts {
    custody_digest_opts digest;     /* ignore paths relative to the model, symlinks, threads */
    const char *key_path;           /* PEM private key (PKCS#8, SEC1; encrypted with passphrase) */
    const char *passphrase;         /* NULL: the key is not encrypted */
    const char *cert_path;          /* leaf certificate: certificate method; NULL: key method */
    const char *const *chain_paths; /* PEM files of further certificates, put in the bundle */
    size_t n_chain;
    uint64_t shard_size; /* 0: "files" serialization; else "shards" of this size */
} custody_sign_opts;

/* Signs the model at `model` and writes the OMS bundle to `sig_path`. The caller puts the
 * signature's own path (when inside the model) into opts->digest.ignore_paths, as the
 * reference CLI does. Returns 0 or CUSTODY_E*. */
CUSTODY_API CUSTODY_NODISCARD int custody_sign(const char *model,
                                               const char *sig_path,
                                               const custody_sign_opts *opts,
                                               custody_error *err);

typedef enum custody_verify_method {
    CUSTODY_VERIFY_KEY = 0,
    CUSTODY_VERIFY_CERTIFICATE,
    CUSTODY_VERIFY_SIGSTORE,
} custody_verify_method;

typedef struct custody_verify_opts {
    custody_verify_method method;
    const char *key_path;           /* KEY: PEM public key */
    const char *const *chain_paths; /* CERTIFICATE: PEM trust anchors (and intermediates) */
    size_t n_chain;
    const char *trusted_root; /* SIGSTORE: trusted_root.json */
    const char *identity;     /* SIGSTORE: expected SAN */
    const char *issuer;       /* SIGSTORE: expected OIDC issuer */
    /* verifier's ignore paths (relative to the model; the signature's own path goes here),
     * git paths, symlinks, threads; the statement's ignore_paths are added */
    custody_digest_opts digest;
    bool allow_unsigned_files; /* files on disk the signature does not list are reported,
                                * not fatal */
} custody_verify_opts;

/* What verification found for one file on disk or in the signature. */
typedef enum custody_vfile_status {
    CUSTODY_VFILE_OK = 0,   /* listed and identical */
    CUSTODY_VFILE_CHANGED,  /* listed, content differs */
    CUSTODY_VFILE_REMOVED,  /* listed, missing on disk */
    CUSTODY_VFILE_ADDED,    /* on disk, not listed (fatal) */
    CUSTODY_VFILE_UNSIGNED, /* on disk, not listed, allowed by allow_unsigned_files */
    CUSTODY_VFILE_IGNORED,  /* on disk, left out by an ignore path (see custody_vr_file_why) */
} custody_vfile_status;

typedef struct custody_verify_result custody_verify_result;

/* Verifies the model at `model` against the OMS signature at `sig_path`. Returns 0 when the
 * signature verifies and every file on disk is accounted for (verified, or left out by an
 * ignore path or allow_unsigned_files: each such file is in the result); CUSTODY_EVERIFY when
 * it does not (err names the first cause; the result lists every file finding); another
 * CUSTODY_E* when an input cannot be read. *out is set whenever the signature could be
 * read (also on CUSTODY_EVERIFY) and must be freed. */
CUSTODY_API CUSTODY_NODISCARD int custody_verify(custody_verify_result **out,
                                                 const char *model,
                                                 const char *sig_path,
                                                 const custody_verify_opts *opts,
                                                 custody_error *err);
CUSTODY_API size_t custody_vr_count(const custody_verify_result *r);
CUSTODY_API const char *custody_vr_file_name(const custody_verify_result *r, size_t i);
CUSTODY_API custody_vfile_status custody_vr_file_status(const custody_verify_result *r, size_t i);
/* Why a file is IGNORED ("git path", "signer ignore path 'x'", "verifier ignore path 'x'",
 * "the signature file") or a short detail for other statuses; "" when none. */
CUSTODY_API const char *custody_vr_file_why(const custody_verify_result *r, size_t i);
/* Statement facts: subject name, root digest (hex), predicate type, serialization method,
 * signer (key hint / certificate subject / SAN). NULL when unknown. */
CUSTODY_API const char *custody_vr_get(const custody_verify_result *r, const char *key);
/* Notes on what the signature does not cover (one per line; "" when none). */
CUSTODY_API const char *custody_vr_notes(const custody_verify_result *r);
CUSTODY_API void custody_vr_free(custody_verify_result *r);

#include "custody/sigstore.h"

#endif
