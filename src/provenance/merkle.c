/* RFC 9162 Merkle proofs: inclusion (§2.1.3.2) and consistency (§2.1.4.2). */
#include "provenance/merkle.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/error.h"
#include "core/banned.h"

#define MERKLE_WHERE "merkle"

int cu_merkle_leaf_hash(uint8_t out[CU_MERKLE_HASH_LEN], const uint8_t *leaf, size_t len)
{
    static const uint8_t prefix = 0x00;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int outlen = 0;
    int rc = CUSTODY_ENOMEM;

    if (md == NULL) {
        return CUSTODY_ENOMEM;
    }
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(md, &prefix, 1) == 1 &&
        (len == 0 || EVP_DigestUpdate(md, leaf, len) == 1) &&
        EVP_DigestFinal_ex(md, out, &outlen) == 1 && outlen == CU_MERKLE_HASH_LEN) {
        rc = 0;
    }
    EVP_MD_CTX_free(md);
    return rc;
}

int cu_merkle_node_hash(uint8_t out[CU_MERKLE_HASH_LEN],
                        const uint8_t left[CU_MERKLE_HASH_LEN],
                        const uint8_t right[CU_MERKLE_HASH_LEN])
{
    uint8_t buf[1 + 2 * CU_MERKLE_HASH_LEN];
    unsigned int outlen = 0;

    buf[0] = 0x01;
    memcpy(buf + 1, left, CU_MERKLE_HASH_LEN);
    memcpy(buf + 1 + CU_MERKLE_HASH_LEN, right, CU_MERKLE_HASH_LEN);
    if (EVP_Digest(buf, sizeof(buf), out, &outlen, EVP_sha256(), NULL) != 1 ||
        outlen != CU_MERKLE_HASH_LEN) {
        return CUSTODY_ENOMEM;
    }
    return 0;
}

static unsigned merkle_bitlen(uint64_t v)
{
    return v == 0 ? 0 : 64u - (unsigned)__builtin_clzll(v);
}

/* Number of nodes in the audit path of leaf `index` in a tree of `size` leaves (index < size):
 * the levels below the point where the paths to `index` and `size - 1` diverge, plus one left
 * sibling for each set bit above it (RFC 9162 §2.1.3.1). Never more than 64. */
static size_t merkle_path_len(uint64_t index, uint64_t size, unsigned *inner_out)
{
    const unsigned inner = merkle_bitlen(index ^ (size - 1));
    const uint64_t above = inner >= 64 ? 0 : index >> inner;
    if (inner_out != NULL) {
        *inner_out = inner;
    }
    return (size_t)inner + (size_t)__builtin_popcountll(above);
}

static int merkle_check_hash(struct cu_bytes h, const char *what, size_t i, custody_error *err)
{
    if (h.len != CU_MERKLE_HASH_LEN || h.p == NULL) {
        return cu_err_set(err, CU_EVERIFY, MERKLE_WHERE, CU_NO_OFFSET, __FILE__, __LINE__,
                          "%s %zu is %zu bytes, not a %d-byte SHA-256 hash", what, i, h.len,
                          CU_MERKLE_HASH_LEN);
    }
    return 0;
}

static bool merkle_equal(const uint8_t a[CU_MERKLE_HASH_LEN], struct cu_bytes b)
{
    return b.len == CU_MERKLE_HASH_LEN && b.p != NULL &&
           CRYPTO_memcmp(a, b.p, CU_MERKLE_HASH_LEN) == 0;
}

#define merkle_fail(err, ...) \
    cu_err_set((err), CU_EVERIFY, MERKLE_WHERE, CU_NO_OFFSET, __FILE__, __LINE__, __VA_ARGS__)

int cu_merkle_verify_inclusion(uint64_t index,
                               uint64_t size,
                               struct cu_bytes leaf_hash,
                               const struct cu_bytes *proof,
                               size_t nproof,
                               struct cu_bytes root,
                               custody_error *err)
{
    uint8_t r[CU_MERKLE_HASH_LEN];
    uint64_t fn, sn;
    size_t want;
    int rc;

    /* SPEC: RFC 9162 §2.1.3.2 step 1: leaf_index must be below tree_size. */
    if (index >= size) {
        return merkle_fail(err, "leaf index %llu is not below tree size %llu",
                           (unsigned long long)index, (unsigned long long)size);
    }
    rc = merkle_check_hash(leaf_hash, "leaf hash", 0, err);
    if (rc < 0) {
        return rc;
    }
    want = merkle_path_len(index, size, NULL);
    if (nproof != want) {
        return merkle_fail(err, "inclusion proof has %zu nodes; leaf %llu of %llu needs %zu",
                           nproof, (unsigned long long)index, (unsigned long long)size, want);
    }
    for (size_t i = 0; i < nproof; i++) {
        rc = merkle_check_hash(proof[i], "proof node", i, err);
        if (rc < 0) {
            return rc;
        }
    }
    /* SPEC: RFC 9162 §2.1.3.2 steps 2-4. */
    fn = index;
    sn = size - 1;
    memcpy(r, leaf_hash.p, CU_MERKLE_HASH_LEN);
    for (size_t i = 0; i < nproof; i++) {
        if (sn == 0) {
            return merkle_fail(err, "inclusion proof is longer than the tree is high");
        }
        if ((fn & 1) != 0 || fn == sn) {
            rc = cu_merkle_node_hash(r, proof[i].p, r);
            if ((fn & 1) == 0) {
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            rc = cu_merkle_node_hash(r, r, proof[i].p);
        }
        if (rc < 0) {
            return cu_err_nomem(err);
        }
        fn >>= 1;
        sn >>= 1;
    }
    /* SPEC: step 5: sn is 0 and r equals the root. */
    if (sn != 0) {
        return merkle_fail(err, "inclusion proof is shorter than the tree is high");
    }
    if (!merkle_equal(r, root)) {
        return merkle_fail(err, "inclusion proof does not lead to the expected root hash");
    }
    return 0;
}

int cu_merkle_verify_consistency(uint64_t size1,
                                 uint64_t size2,
                                 const struct cu_bytes *proof,
                                 size_t nproof,
                                 struct cu_bytes root1,
                                 struct cu_bytes root2,
                                 custody_error *err)
{
    uint8_t fr[CU_MERKLE_HASH_LEN], sr[CU_MERKLE_HASH_LEN];
    uint64_t fn, sn;
    unsigned inner, shift;
    size_t want, start;
    bool pow2;
    int rc;

    if (size1 > size2) {
        return merkle_fail(err, "consistency from tree size %llu to the smaller %llu",
                           (unsigned long long)size1, (unsigned long long)size2);
    }
    /* SPEC: RFC 9162 §2.1.4: proofs exist for 0 < first <= second; the empty tree is
     * consistent with everything, so a "proof" from it proves nothing. */
    if (size1 == 0) {
        return merkle_fail(err, "consistency proof from the empty tree is meaningless");
    }
    if (size1 == size2) {
        if (nproof != 0) {
            return merkle_fail(err, "equal tree sizes need an empty proof, got %zu nodes", nproof);
        }
        if (root1.len != root2.len ||
            (root1.len != 0 && CRYPTO_memcmp(root1.p, root2.p, root1.len) != 0)) {
            return merkle_fail(err, "equal tree sizes but different root hashes");
        }
        return 0;
    }
    /* SPEC: §2.1.4.2 step 1: an empty path fails. */
    if (nproof == 0) {
        return merkle_fail(err, "empty consistency proof for sizes %llu and %llu",
                           (unsigned long long)size1, (unsigned long long)size2);
    }
    rc = merkle_check_hash(root1, "first root", 0, err);
    if (rc == 0) {
        rc = merkle_check_hash(root2, "second root", 0, err);
    }
    if (rc < 0) {
        return rc;
    }
    /* The path is the audit path of leaf size1 - 1 in the tree of size2, less the levels below
     * the largest complete subtree ending at size1 (`shift` of them), plus that subtree's hash
     * unless it is the whole first tree (size1 a power of 2). */
    shift = (unsigned)__builtin_ctzll(size1);
    pow2 = (size1 & (size1 - 1)) == 0;
    want = merkle_path_len(size1 - 1, size2, &inner);
    /* inner > shift whenever size1 < size2: the paths to size1-1 and size2-1 diverge above the
     * complete subtree. */
    if (inner < shift) {
        return merkle_fail(err, "internal: consistency decomposition");
    }
    want -= shift;
    start = pow2 ? 0 : 1;
    want += start;
    if (nproof != want) {
        return merkle_fail(err, "consistency proof has %zu nodes; sizes %llu and %llu need %zu",
                           nproof, (unsigned long long)size1, (unsigned long long)size2, want);
    }
    for (size_t i = 0; i < nproof; i++) {
        rc = merkle_check_hash(proof[i], "proof node", i, err);
        if (rc < 0) {
            return rc;
        }
    }
    /* SPEC: §2.1.4.2 steps 2-5: a power-of-2 first tree is its own first node. */
    fn = size1 - 1;
    sn = size2 - 1;
    while ((fn & 1) != 0) {
        fn >>= 1;
        sn >>= 1;
    }
    memcpy(fr, pow2 ? root1.p : proof[0].p, CU_MERKLE_HASH_LEN);
    memcpy(sr, fr, CU_MERKLE_HASH_LEN);
    /* SPEC: step 6, over the path after its first node. */
    for (size_t i = start == 0 ? 0 : 1; i < nproof; i++) {
        const uint8_t *c = proof[i].p;
        if (sn == 0) {
            return merkle_fail(err, "consistency proof is longer than the tree is high");
        }
        if ((fn & 1) != 0 || fn == sn) {
            if (cu_merkle_node_hash(fr, c, fr) < 0 || cu_merkle_node_hash(sr, c, sr) < 0) {
                return cu_err_nomem(err);
            }
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else if (cu_merkle_node_hash(sr, sr, c) < 0) {
            return cu_err_nomem(err);
        }
        fn >>= 1;
        sn >>= 1;
    }
    /* SPEC: step 7. */
    if (sn != 0) {
        return merkle_fail(err, "consistency proof is shorter than the tree is high");
    }
    if (!merkle_equal(fr, root1)) {
        return merkle_fail(err, "consistency proof does not lead to the first root hash");
    }
    if (!merkle_equal(sr, root2)) {
        return merkle_fail(err, "consistency proof does not lead to the second root hash");
    }
    return 0;
}
