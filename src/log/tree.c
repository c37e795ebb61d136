/* Roots and proofs over a tiled Merkle tree (RFC 9162 algorithms on tiles). */
#include "log/tree.h"
#include "log/tilepath.h"

#include <string.h>

void gt_tile_rows_compute(gt_hash rows[GT_TILE_ROWS_LEN], unsigned width)
{
	for (unsigned r = 1; r < GT_TILE_HEIGHT; r++) {
		gt_hash *below = rows + GT_TILE_ROW(r - 1);
		gt_hash *row = rows + GT_TILE_ROW(r);
		unsigned count = width >> r;
		for (unsigned i = 0; i < count; i++)
			gt_hash_node(&below[2 * i], &below[2 * i + 1], &row[i]);
	}
}

void gt_tile_rows_copy_block(gt_hash dst[GT_TILE_ROWS_LEN], const gt_hash src[GT_TILE_ROWS_LEN],
			     unsigned block)
{
	for (unsigned r = 0; r < GT_TILE_BLOCK_ROWS; r++) {
		unsigned n = 32u >> r, at = GT_TILE_ROW(r) + block * n;
		memcpy(&dst[at], &src[at], n * sizeof(gt_hash));
	}
	unsigned head = GT_TILE_ROW(GT_TILE_BLOCK_ROWS);
	memcpy(&dst[head], &src[head], (GT_TILE_ROWS_LEN - head) * sizeof(gt_hash));
}

void gt_tree_reader_init(gt_tree_reader *r, gt_tile_fn fetch, void *ctx)
{
	r->fetch = fetch;
	r->ctx = ctx;
	r->edge = NULL;
	r->node = NULL;
	for (int i = 0; i < GT_TILE_LEVELS; i++)
		r->cache[i].valid = 0;
}

/* Largest power of two strictly less than n (n >= 2). */
static uint64_t S_split(uint64_t n)
{
	uint64_t k = 1;
	while (k < n - k) /* k * 2 < n, without overflow past 2^63 */
		k <<= 1;
	return k;
}

/* The hash of the complete subtree of 2^height leaves starting at leaf
 * index << height, in a tree of tree_size leaves. */
static int S_node(gt_tree_reader *r, uint64_t tree_size, int height, uint64_t index, gt_hash *out,
		  gt_error *err)
{
	int level = height / GT_TILE_HEIGHT;
	int row = height % GT_TILE_HEIGHT;
	uint64_t first = index << row; /* index of the first level-`level` hash */
	uint64_t tile = first >> 8;
	unsigned pos = (unsigned)(first & 255);
	unsigned width = 256;
	if (tile >= gt_tile_full_count(tree_size, level))
		width = gt_tile_partial_width(tree_size, level);
	if (width == 0 || ((pos >> row) + 1) << row > width)
		return gt_fail(err, GT_ERANGE,
			       "subtree %d/%llu is not complete in a tree of size %llu", height,
			       (unsigned long long)index, (unsigned long long)tree_size);
	unsigned at = pos >> row, block = gt_tile_block_of((unsigned)row, at);
	if (r->node && width == 256 && r->node(r->ctx, level, tile, (unsigned)row, at, out) == 1)
		return 0;
	typeof(r->cache[0]) *c = &r->cache[level];
	if (!c->valid || c->index != tile || c->width < width ||
	    (row < GT_TILE_BLOCK_ROWS && c->block != block)) {
		c->valid = 0;
		int rc = r->fetch(r->ctx, level, tile, width, block, c->rows, err);
		if (rc < 0)
			return rc;
		c->valid = 1;
		c->index = tile;
		c->width = width;
		c->block = block;
	}
	*out = c->rows[GT_TILE_ROW(row) + at];
	return 0;
}

int gt_tree_range_hash(gt_tree_reader *r, uint64_t tree_size, uint64_t lo, uint64_t hi,
		       gt_hash *out, gt_error *err)
{
	if (lo >= hi || hi > tree_size)
		return gt_fail(err, GT_ERANGE, "bad range [%llu, %llu) for tree size %llu",
			       (unsigned long long)lo, (unsigned long long)hi,
			       (unsigned long long)tree_size);
	/* A range at the right edge may be known already. */
	gt_tree_edge *edge = r->edge && r->edge->size == tree_size && hi == tree_size && lo > 0 ?
				     r->edge :
				     NULL;
	unsigned slot = edge ? (unsigned)__builtin_popcountll(lo) - 1 : 0;
	if (edge && (edge->have >> slot & 1) && edge->lo[slot] == lo) {
		*out = edge->hash[slot];
		return 0;
	}
	uint64_t lo0 = lo;
	/* Fold the range's decomposition into complete subtrees from the
	 * right: MTH(lo, hi) = node(MTH(lo, lo + k), MTH(lo + k, hi)). */
	gt_hash stack[64];
	int depth = 0;
	while (1) {
		uint64_t n = hi - lo;
		if ((n & (n - 1)) == 0 && lo % n == 0) {
			int h = __builtin_ctzll(n);
			int rc = S_node(r, tree_size, h, lo >> h, &stack[depth], err);
			if (rc < 0)
				return rc;
			break;
		}
		uint64_t k = S_split(n);
		if (lo % k != 0)
			return gt_fail(err, GT_ERANGE, "range [%llu, %llu) is not a subtree",
				       (unsigned long long)lo, (unsigned long long)hi);
		int h = __builtin_ctzll(k);
		int rc = S_node(r, tree_size, h, lo >> h, &stack[depth], err);
		if (rc < 0)
			return rc;
		depth++;
		lo += k;
	}
	for (; depth > 0; depth--)
		gt_hash_node(&stack[depth - 1], &stack[depth], &stack[depth - 1]);
	*out = stack[0];
	if (edge) {
		edge->lo[slot] = lo0;
		edge->hash[slot] = stack[0];
		edge->have |= (uint64_t)1 << slot;
	}
	return 0;
}

int gt_tree_root(gt_tree_reader *r, uint64_t tree_size, gt_hash *out, gt_error *err)
{
	if (tree_size == 0) {
		gt_hash_empty(out);
		return 0;
	}
	return gt_tree_range_hash(r, tree_size, 0, tree_size, out, err);
}

int gt_tree_inclusion_proof(gt_tree_reader *r, uint64_t index, uint64_t tree_size, gt_proof *out,
			    gt_error *err)
{
	if (index >= tree_size)
		return gt_fail(err, GT_ERANGE, "index %llu is not in a tree of size %llu",
			       (unsigned long long)index, (unsigned long long)tree_size);
	uint64_t lo = 0, hi = tree_size;
	size_t n = 0;
	while (hi - lo > 1) {
		uint64_t k = S_split(hi - lo);
		int rc;
		if (index < lo + k) {
			rc = gt_tree_range_hash(r, tree_size, lo + k, hi, &out->hashes[n], err);
			hi = lo + k;
		} else {
			rc = gt_tree_range_hash(r, tree_size, lo, lo + k, &out->hashes[n], err);
			lo += k;
		}
		if (rc < 0)
			return rc;
		n++;
	}
	/* Collected from the root down; proofs list the leaf's sibling first. */
	for (size_t i = 0; i < n / 2; i++) {
		gt_hash t = out->hashes[i];
		out->hashes[i] = out->hashes[n - 1 - i];
		out->hashes[n - 1 - i] = t;
	}
	out->n = n;
	return 0;
}

/* RFC 9162 SUBPROOF(m - lo, D[lo:hi], b), appended to out. */
static int S_subproof(gt_tree_reader *r, uint64_t tree_size, uint64_t m, uint64_t lo, uint64_t hi,
		      int b, gt_proof *out, gt_error *err)
{
	if (m == hi) {
		if (b)
			return 0;
		return gt_tree_range_hash(r, tree_size, lo, hi, &out->hashes[out->n++], err);
	}
	uint64_t k = S_split(hi - lo);
	int rc;
	if (m - lo <= k) {
		rc = S_subproof(r, tree_size, m, lo, lo + k, b, out, err);
		if (rc == 0)
			rc = gt_tree_range_hash(r, tree_size, lo + k, hi, &out->hashes[out->n++],
						err);
	} else {
		rc = S_subproof(r, tree_size, m, lo + k, hi, 0, out, err);
		if (rc == 0)
			rc = gt_tree_range_hash(r, tree_size, lo, lo + k, &out->hashes[out->n++],
						err);
	}
	return rc;
}

int gt_tree_consistency_proof(gt_tree_reader *r, uint64_t size1, uint64_t size2, gt_proof *out,
			      gt_error *err)
{
	if (size1 > size2)
		return gt_fail(err, GT_ERANGE, "size %llu is larger than size %llu",
			       (unsigned long long)size1, (unsigned long long)size2);
	out->n = 0;
	if (size1 == 0 || size1 == size2)
		return 0;
	return S_subproof(r, size2, size1, 0, size2, 1, out, err);
}
