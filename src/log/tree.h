/* Roots and proofs over a tiled Merkle tree, independent of where the tiles
 * come from (a log directory with its proof index, or a remote log). */
#ifndef GT_LOG_TREE_H
#define GT_LOG_TREE_H

#include "core/error.h"
#include "log/hash.h"

#include <stdint.h>

/* All hashes of one tile, as rows: row 0 holds the tile's width hashes (the
 * hashes served in the tile file), row r (0..7) holds the floor(width / 2^r)
 * complete subtrees of 2^r of them. Row r starts at GT_TILE_ROW(r). */
#define GT_TILE_ROWS_LEN 510
#define GT_TILE_ROW(r) (512u - (512u >> (r)))

/* Fill rows[GT_TILE_ROW(1)...] from row 0 for a tile of width hashes. */
void gt_tile_rows_compute(gt_hash rows[GT_TILE_ROWS_LEN], unsigned width);

/* A proof touches, within one tile, rows 5 to 7 (14 hashes, the "head")
 * and, of rows 0 to 4, only the 62 hashes above one aligned run of 32 row-0
 * hashes (a "block": row r entries i with i >> (5 - r) == block). */
#define GT_TILE_BLOCKS 8
#define GT_TILE_BLOCK_ROWS 5
static inline unsigned gt_tile_block_of(unsigned row, unsigned pos)
{
	return row >= GT_TILE_BLOCK_ROWS ? 0 : pos >> (GT_TILE_BLOCK_ROWS - row);
}

/* Copy the head and one block of a tile's rows from src to dst (both in
 * the row layout above). */
void gt_tile_rows_copy_block(gt_hash dst[GT_TILE_ROWS_LEN], const gt_hash src[GT_TILE_ROWS_LEN],
			     unsigned block);

/* Provider of tiles: fill rows (row layout above) of tile (level, index)
 * with width hashes in the tree being read (1..256; 256 = full): at least
 * the head and the given block. Returns 0 or a GT_E* code with err set. */
typedef int (*gt_tile_fn)(void *ctx, int level, uint64_t index, unsigned width, unsigned block,
			  gt_hash rows[GT_TILE_ROWS_LEN], gt_error *err);

/* Optional provider of single hashes of full tiles: the hash at (row, at)
 * of full tile (level, index). 1 with *out set, 0 when it cannot (the
 * reader then fetches the tile), never an error. */
typedef int (*gt_node_fn)(void *ctx, int level, uint64_t index, unsigned row, unsigned at,
			  gt_hash *out);

/* Hashes of the ranges [lo, size) that end at the right edge of a tree of
 * one size. An inclusion proof in that tree needs some of them, and every
 * proof the same ones: a log keeps them for its published size. Slot j
 * holds the range starting at the sum of the j + 1 highest powers of two
 * of size (there is at most one such range per power). */
typedef struct gt_tree_edge {
	uint64_t size;	/* the tree's size; 0: nothing known */
	uint64_t have;	/* bit j: slot j is known */
	uint64_t lo[64];
	gt_hash hash[64];
} gt_tree_edge;

/* A reader caches what it last got for each level; it must not be shared
 * between threads. It is about 130 KiB: fine on a thread's stack (the
 * default is 8 MiB), and cheaper there than from malloc, which maps and
 * unmaps blocks that large on every call. */
typedef struct gt_tree_reader {
	gt_tile_fn fetch;
	void *ctx;
	gt_tree_edge *edge; /* used and filled when its size is the tree's; NULL: none */
	gt_node_fn node;    /* tried first for full tiles; NULL: none */
	struct {
		int valid;
		uint64_t index;
		unsigned width, block;
		gt_hash rows[GT_TILE_ROWS_LEN];
	} cache[8];
} gt_tree_reader;

void gt_tree_reader_init(gt_tree_reader *r, gt_tile_fn fetch, void *ctx);

/* MTH of leaves [lo, hi) of a tree of size tree_size (hi <= tree_size). */
int gt_tree_range_hash(gt_tree_reader *r, uint64_t tree_size, uint64_t lo, uint64_t hi,
		       gt_hash *out, gt_error *err);
/* Root of the tree of size tree_size (empty-tree hash for 0). */
int gt_tree_root(gt_tree_reader *r, uint64_t tree_size, gt_hash *out, gt_error *err);
/* RFC 9162 inclusion proof; out must hold GT_PROOF_MAX hashes. */
int gt_tree_inclusion_proof(gt_tree_reader *r, uint64_t index, uint64_t tree_size, gt_proof *out,
			    gt_error *err);
/* RFC 9162 consistency proof; out must hold GT_PROOF_MAX hashes. */
int gt_tree_consistency_proof(gt_tree_reader *r, uint64_t size1, uint64_t size2, gt_proof *out,
			      gt_error *err);

#endif
