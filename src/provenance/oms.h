#ifndef CU_OMS_H
#define CU_OMS_H
/* OpenSSF model signing (OMS v1.0): the in-toto statement the reference writes, and the
 * pieces of signing and verification that tests reach directly. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/provenance.h"

#define CU_OMS_PAYLOAD_TYPE  "application/vnd.in-toto+json"
#define CU_OMS_STATEMENT_V1  "https://in-toto.io/Statement/v1"
#define CU_OMS_PREDICATE     "https://model_signing/signature/v1.0"
#define CU_OMS_PREDICATE_V01 "https://model_signing/Digests/v0.1"
#define CU_OMS_BUNDLE_MEDIA  "application/vnd.dev.sigstore.bundle.v0.3+json"

/* Lists and hashes the model (files serialization when shard_size is 0, else shards of that
 * size) and writes the statement JSON exactly as model_signing's MessageToJson does (indent 2,
 * non-ASCII escaped, no final newline). `record_ignore` are the ignore paths to record in the
 * statement (relative to the model); the git paths are added when opts->include_git_paths is
 * false. An empty model gives an empty resource list (custody_sign refuses it). *out is the
 * caller's (free()). */
CUSTODY_NODISCARD int cu_oms_statement(char **out,
                                       size_t *outlen,
                                       size_t *n_resources,
                                       const char *model,
                                       const custody_digest_opts *opts,
                                       uint64_t shard_size,
                                       custody_error *err);

/* The v0.2.0 reference's broken PAE: "DSSEV1 <len(type)> <type> <len(payload)> " followed by
 * Python's repr() of the payload bytes (b'...'). *out is the caller's (free()). */
CUSTODY_NODISCARD int cu_oms_pae_compat(uint8_t **out,
                                        size_t *outlen,
                                        const char *type,
                                        const uint8_t *payload,
                                        size_t len,
                                        custody_error *err);

/* Parses data as a Sigstore bundle and, when it holds a DSSE envelope, its payload as an OMS
 * statement (no signature check, no files): the parsing surface of `custody verify`, for the
 * fuzzer. Returns 0 when both parse, else the first error. */
CUSTODY_NODISCARD int cu_oms_parse_only(const uint8_t *data, size_t len, custody_error *err);

/* Appends s as a JSON string the way Python's json.dumps(ensure_ascii=True) writes it.
 * Returns false when s is not valid UTF-8. */
struct cu_buf;
bool cu_oms_json_str(struct cu_buf *b, const char *s);

#endif
