/* RFC 6962 / RFC 9162 Merkle tree hashing and proof verification. */
#ifndef GT_LOG_HASH_H
#define GT_LOG_HASH_H

#include <stddef.h>
#include <stdint.h>

#define GT_HASH_LEN 32

typedef struct gt_hash {
	uint8_t b[GT_HASH_LEN];
} gt_hash;

/* leaf hash = SHA-256(0x00 || entry) */
void gt_hash_leaf(const uint8_t *entry, size_t len, gt_hash *out);
/* node hash = SHA-256(0x01 || left || right); out may alias left or right. */
void gt_hash_node(const gt_hash *left, const gt_hash *right, gt_hash *out);
/* SHA-256 of arbitrary bytes (the root of the empty tree is gt_sha256("")). */
void gt_sha256(const uint8_t *data, size_t len, uint8_t out[32]);
/* The root of the empty tree. */
void gt_hash_empty(gt_hash *out);

/* MTH over n leaf-level hashes (already leaf-hashed), computed in place of a
 * scratch copy: hashes[] is left unchanged. n may be 0 (empty-tree root).
 * Used for tiles and small trees; cost n-1 node hashes. */
void gt_hash_root(const gt_hash *hashes, size_t n, gt_hash *out);

/* A proof: a list of sibling hashes, owned by the caller. */
typedef struct gt_proof {
	gt_hash *hashes;
	size_t n;
} gt_proof;

/* Most hashes a proof can have: an inclusion proof has at most 64 (one per
 * level of a tree of up to 2^64 - 1 leaves), a consistency proof one more. */
#define GT_PROOF_MAX 65

/* RFC 9162 2.1.3.2: verify that leaf_hash is at index in a tree of size
 * tree_size with the given root. Returns 0, GT_EPROOF if it does not hold,
 * or GT_EINVAL if index >= tree_size or the proof has the wrong length. */
int gt_verify_inclusion(uint64_t index, uint64_t tree_size, const gt_hash *leaf_hash,
			const gt_hash *proof, size_t n, const gt_hash *root);

/* RFC 9162 2.1.4.2: verify that the tree of size size1 with root1 is a prefix
 * of the tree of size size2 with root2. Returns 0, GT_EPROOF, or GT_EINVAL
 * (size1 > size2, or a proof that cannot be right for these sizes). */
int gt_verify_consistency(uint64_t size1, uint64_t size2, const gt_hash *root1,
			  const gt_hash *root2, const gt_hash *proof, size_t n);

#endif
