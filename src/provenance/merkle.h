#ifndef CU_MERKLE_H
#define CU_MERKLE_H
/* RFC 6962 / RFC 9162 Merkle tree hashing and proof verification with SHA-256, as used by
 * Certificate Transparency, Rekor v1/v2 and signed-note checkpoints.
 *
 * Hashes come in as (pointer, length) pairs because they are decoded from hostile bundles:
 * the functions check every length themselves (a hash is CU_MERKLE_HASH_LEN bytes). */
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"
#include "provenance/prov.h"

#define CU_MERKLE_HASH_LEN 32

/* A borrowed byte string. */
struct cu_bytes {
    const uint8_t *p;
    size_t len;
};

/* SPEC: RFC 9162 §2.1.1: leaf hash = SHA-256(0x00 || leaf). Returns 0 or CUSTODY_ENOMEM. */
CUSTODY_NODISCARD int
cu_merkle_leaf_hash(uint8_t out[CU_MERKLE_HASH_LEN], const uint8_t *leaf, size_t len);
/* SPEC: RFC 9162 §2.1.1: node hash = SHA-256(0x01 || left || right). Returns 0 or ENOMEM. */
CUSTODY_NODISCARD int cu_merkle_node_hash(uint8_t out[CU_MERKLE_HASH_LEN],
                                          const uint8_t left[CU_MERKLE_HASH_LEN],
                                          const uint8_t right[CU_MERKLE_HASH_LEN]);

/* Verifies that leaf_hash is leaf number `index` of the tree of `size` leaves whose root is
 * `root`, with the audit path proof[0..nproof) (RFC 9162 §2.1.3.2). The proof must have exactly
 * the number of nodes the index and size require. Returns 0 when it verifies; CU_EVERIFY when it
 * does not (err says why: index out of range, wrong proof length, a hash of the wrong size, root
 * mismatch); CUSTODY_ENOMEM. */
CUSTODY_NODISCARD int cu_merkle_verify_inclusion(uint64_t index,
                                                 uint64_t size,
                                                 struct cu_bytes leaf_hash,
                                                 const struct cu_bytes *proof,
                                                 size_t nproof,
                                                 struct cu_bytes root,
                                                 custody_error *err);

/* Verifies that the tree of size2 leaves with root2 extends the tree of size1 leaves with root1,
 * with the consistency proof proof[0..nproof) (RFC 9162 §2.1.4.2). Requires 0 < size1 <= size2
 * (a proof from the empty tree proves nothing and is refused); equal sizes need an empty proof
 * and equal roots. Returns 0, CU_EVERIFY (err says why) or CUSTODY_ENOMEM. */
CUSTODY_NODISCARD int cu_merkle_verify_consistency(uint64_t size1,
                                                   uint64_t size2,
                                                   const struct cu_bytes *proof,
                                                   size_t nproof,
                                                   struct cu_bytes root1,
                                                   struct cu_bytes root2,
                                                   custody_error *err);

#endif
