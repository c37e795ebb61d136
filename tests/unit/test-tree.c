/* Unit tests for roots and proofs over tiles (src/log/tree.c), against an
 * independent recursive RFC 9162 reference and an in-memory tile provider. */
#include <criterion/criterion.h>

#include "core/error.h"
#include "log/hash.h"
#include "log/tilepath.h"
#include "log/tree.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic randomness ------------------------------------------ */

static uint64_t S_rng = 0x243f6a8885a308d3ull;

static void S_random_hash(gt_hash *h)
{
	for (int i = 0; i < GT_HASH_LEN; i += 8) {
		uint64_t v = tu_rand(&S_rng);
		memcpy(h->b + i, &v, 8);
	}
}

/* Flip one random bit of h. */
static void S_flip(gt_hash *h)
{
	uint64_t v = tu_rand(&S_rng);
	h->b[v % GT_HASH_LEN] ^= (uint8_t)(1u << (v >> 8) % 8);
}

static int S_is_pow2(uint64_t n)
{
	return n && (n & (n - 1)) == 0;
}

/* ---- the reference trees ----------------------------------------------
 *
 * Two worlds share one reference implementation, which only needs the
 * hash of every aligned complete subtree (height h, index i):
 *
 *  - the "real" world: S_REAL_MAX leaves, each the leaf hash of its
 *    index, with every complete subtree hashed bottom-up once;
 *  - the "virtual" world: trees of any size up to 2^64 - 1 whose leaf i is
 *    the leaf hash of i mod S_PERIOD, so that a complete subtree of height
 *    h >= log2(S_PERIOD) has the same hash wherever it is.
 *
 * Everything above the subtree hashes (MTH of arbitrary ranges, PATH and
 * SUBPROOF) is the plain recursion of RFC 9162 section 2.1. */

#define S_REAL_MAX 140000u
#define S_HEIGHTS 64
#define S_PERIOD_LOG 9
#define S_PERIOD (1u << S_PERIOD_LOG)

static gt_hash *S_real[S_HEIGHTS]; /* S_real[h][i], i < S_REAL_MAX >> h */
static gt_hash *S_virt[S_HEIGHTS]; /* S_virt[h][i mod max(1, S_PERIOD >> h)] */
static int S_world_virtual;

static void S_leaf_of(uint64_t i, gt_hash *out)
{
	uint8_t b[8];
	for (int k = 0; k < 8; k++)
		b[k] = (uint8_t)(i >> (8 * k));
	gt_hash_leaf(b, sizeof(b), out);
}

static void S_build_worlds(void)
{
	if (S_real[0])
		return;
	S_real[0] = malloc(S_REAL_MAX * sizeof(gt_hash));
	cr_assert_not_null(S_real[0]);
	for (uint64_t i = 0; i < S_REAL_MAX; i++)
		S_leaf_of(i, &S_real[0][i]);
	for (int h = 1; h < S_HEIGHTS && (S_REAL_MAX >> h) > 0; h++) {
		uint64_t n = S_REAL_MAX >> h;
		S_real[h] = malloc(n * sizeof(gt_hash));
		cr_assert_not_null(S_real[h]);
		for (uint64_t i = 0; i < n; i++)
			gt_hash_node(&S_real[h - 1][2 * i], &S_real[h - 1][2 * i + 1],
				     &S_real[h][i]);
	}
	S_virt[0] = malloc(S_PERIOD * sizeof(gt_hash));
	cr_assert_not_null(S_virt[0]);
	for (uint64_t i = 0; i < S_PERIOD; i++)
		S_leaf_of(i, &S_virt[0][i]);
	for (int h = 1; h < S_HEIGHTS; h++) {
		uint64_t n = h >= S_PERIOD_LOG ? 1 : S_PERIOD >> h;
		uint64_t below = h - 1 >= S_PERIOD_LOG ? 1 : S_PERIOD >> (h - 1);
		S_virt[h] = malloc(n * sizeof(gt_hash));
		cr_assert_not_null(S_virt[h]);
		for (uint64_t i = 0; i < n; i++)
			gt_hash_node(&S_virt[h - 1][(2 * i) % below],
				     &S_virt[h - 1][(2 * i + 1) % below], &S_virt[h][i]);
	}
}

/* Hash of the complete subtree of 2^h leaves starting at leaf i << h. */
static const gt_hash *S_sub(int h, uint64_t i)
{
	if (S_world_virtual) {
		uint64_t n = h >= S_PERIOD_LOG ? 1 : S_PERIOD >> h;
		return &S_virt[h][i % n];
	}
	CHECK(h < S_HEIGHTS && S_real[h] && i < (S_REAL_MAX >> h),
	      "subtree %d/%llu outside the real world", h, U(i));
	return &S_real[h][i];
}

/* MTH(D[lo:hi]) per RFC 9162 2.1.1 (complete aligned subtrees memoised). */
static void S_mth(uint64_t lo, uint64_t hi, gt_hash *out)
{
	uint64_t n = hi - lo;
	if (n == 0) {
		gt_hash_empty(out);
		return;
	}
	if (S_is_pow2(n) && lo % n == 0) {
		int h = __builtin_ctzll(n);
		*out = *S_sub(h, lo >> h);
		return;
	}
	uint64_t k = tu_split(n);
	gt_hash a, b;
	S_mth(lo, lo + k, &a);
	S_mth(lo + k, hi, &b);
	gt_hash_node(&a, &b, out);
}

/* The plain recursion, without memoised subtrees (real world, small n). */
static void S_mth_naive(uint64_t lo, uint64_t hi, gt_hash *out)
{
	uint64_t n = hi - lo;
	if (n == 0) {
		gt_hash_empty(out);
		return;
	}
	if (n == 1) {
		S_leaf_of(lo, out);
		return;
	}
	uint64_t k = tu_split(n);
	gt_hash a, b;
	S_mth_naive(lo, lo + k, &a);
	S_mth_naive(lo + k, hi, &b);
	gt_hash_node(&a, &b, out);
}

/* PATH(m, D[lo:hi]) per RFC 9162 2.1.3.1 (m relative to lo). */
static void S_path(uint64_t m, uint64_t lo, uint64_t hi, gt_hash *out, size_t *n)
{
	if (hi - lo <= 1)
		return;
	uint64_t k = tu_split(hi - lo);
	if (m < k) {
		S_path(m, lo, lo + k, out, n);
		S_mth(lo + k, hi, &out[(*n)++]);
	} else {
		S_path(m - k, lo + k, hi, out, n);
		S_mth(lo, lo + k, &out[(*n)++]);
	}
}

/* SUBPROOF(m, D[lo:hi], b) per RFC 9162 2.1.4.1. */
static void S_subproof(uint64_t m, uint64_t lo, uint64_t hi, int b, gt_hash *out, size_t *n)
{
	uint64_t len = hi - lo;
	if (m == len) {
		if (!b)
			S_mth(lo, hi, &out[(*n)++]);
		return;
	}
	uint64_t k = tu_split(len);
	if (m <= k) {
		S_subproof(m, lo, lo + k, b, out, n);
		S_mth(lo + k, hi, &out[(*n)++]);
	} else {
		S_subproof(m - k, lo + k, hi, 0, out, n);
		S_mth(lo, lo + k, &out[(*n)++]);
	}
}

static size_t S_ref_consistency(uint64_t m, uint64_t size, gt_hash *out)
{
	size_t n = 0;
	if (m > 0 && m < size)
		S_subproof(m, 0, size, 1, out, &n);
	return n;
}

/* Whether MTH(D[lo:hi]) can be assembled from complete aligned subtrees,
 * i.e. every left part of the RFC recursion is one of them. */
static int S_decomposable(uint64_t lo, uint64_t hi)
{
	uint64_t n = hi - lo;
	if (n == 1 || (S_is_pow2(n) && lo % n == 0))
		return 1;
	uint64_t k = tu_split(n);
	return lo % k == 0 && S_decomposable(lo + k, hi);
}

/* ---- the in-memory tile provider --------------------------------------- */

typedef struct {
	uint64_t size; /* the tree being read */
	int minimal;   /* provide only the head and the requested block */
	int fail;      /* fail every fetch with GT_EIO */
	unsigned long calls;
} S_prov;

#define S_POISON 0xee

static int S_fetch(void *ctx, int level, uint64_t index, unsigned width, unsigned block,
		   gt_hash rows[GT_TILE_ROWS_LEN], gt_error *err)
{
	S_prov *p = ctx;
	p->calls++;
	if (p->fail)
		return gt_fail(err, GT_EIO, "injected failure for tile %d/%llu", level, U(index));
	CHECK(level >= 0 && level < GT_TILE_LEVELS, "fetch of level %d", level);
	CHECK(block < GT_TILE_BLOCKS, "fetch of block %u", block);
	uint64_t full = gt_tile_full_count(p->size, level);
	unsigned expect = index < full ? GT_TILE_WIDTH : gt_tile_partial_width(p->size, level);
	CHECK(index <= full && expect > 0, "fetch of tile %d/%llu, absent in a tree of size %llu",
	      level, U(index), U(p->size));
	CHECK(width == expect,
	      "fetch of tile %d/%llu with width %u; it has %u in a tree of size %llu", level,
	      U(index), width, expect, U(p->size));
	if (p->minimal)
		memset(rows, S_POISON, GT_TILE_ROWS_LEN * sizeof(gt_hash));
	for (unsigned r = 0; r < GT_TILE_HEIGHT; r++) {
		unsigned n = width >> r;
		uint64_t first = index * (GT_TILE_WIDTH >> r);
		for (unsigned i = 0; i < n; i++) {
			if (p->minimal && r < GT_TILE_BLOCK_ROWS && gt_tile_block_of(r, i) != block)
				continue;
			rows[GT_TILE_ROW(r) + i] =
				*S_sub(GT_TILE_HEIGHT * level + (int)r, first + i);
		}
	}
	return 0;
}

typedef struct {
	gt_tree_reader *r;
	S_prov p;
} S_ctx;

static void S_ctx_init(S_ctx *c, int minimal)
{
	S_build_worlds();
	c->r = malloc(sizeof(*c->r));
	cr_assert_not_null(c->r);
	memset(&c->p, 0, sizeof(c->p));
	c->p.minimal = minimal;
	gt_tree_reader_init(c->r, S_fetch, &c->p);
}

static void S_ctx_done(S_ctx *c)
{
	free(c->r);
}

/* ---- checks of one root / proof ---------------------------------------- */

static void S_check_root(S_ctx *c, uint64_t size)
{
	gt_hash got, want;
	gt_error err = {0};
	c->p.size = size;
	int rc = gt_tree_root(c->r, size, &got, &err);
	CHECK(rc == 0, "root of size %llu: %d %s", U(size), rc, err.msg);
	S_mth(0, size, &want);
	CHECK(tu_hash_eq(&got, &want), "root of size %llu differs from the reference", U(size));
}

static void S_check_range(S_ctx *c, uint64_t size, uint64_t lo, uint64_t hi)
{
	gt_hash got, want;
	gt_error err = {0};
	c->p.size = size;
	int rc = gt_tree_range_hash(c->r, size, lo, hi, &got, &err);
	if (S_decomposable(lo, hi)) {
		CHECK(rc == 0, "range [%llu, %llu) of size %llu: %d %s", U(lo), U(hi), U(size), rc,
		      err.msg);
		S_mth(lo, hi, &want);
		CHECK(tu_hash_eq(&got, &want),
		      "range [%llu, %llu) of size %llu differs from the reference", U(lo), U(hi),
		      U(size));
	} else {
		CHECK(rc == GT_ERANGE && err.code == GT_ERANGE && err.msg[0],
		      "range [%llu, %llu) is not made of tree nodes but gave %d", U(lo), U(hi), rc);
	}
}

static void S_check_inclusion(S_ctx *c, uint64_t index, uint64_t size)
{
	gt_hash got[GT_PROOF_MAX], want[GT_PROOF_MAX], root, leaf;
	gt_proof proof = {got, 0};
	size_t n = 0;
	gt_error err = {0};
	c->p.size = size;
	int rc = gt_tree_inclusion_proof(c->r, index, size, &proof, &err);
	CHECK(rc == 0, "inclusion %llu in %llu: %d %s", U(index), U(size), rc, err.msg);
	S_path(index, 0, size, want, &n);
	CHECK(proof.n == n, "inclusion %llu in %llu: %zu hashes, reference %zu", U(index), U(size),
	      proof.n, n);
	CHECK(memcmp(got, want, n * sizeof(gt_hash)) == 0,
	      "inclusion %llu in %llu differs from the reference", U(index), U(size));
	S_mth(0, size, &root);
	S_mth(index, index + 1, &leaf);
	rc = gt_verify_inclusion(index, size, &leaf, got, n, &root);
	CHECK(rc == 0, "inclusion %llu in %llu does not verify: %d", U(index), U(size), rc);
	if (n > 0) {
		size_t j = tu_rand(&S_rng) % n;
		S_flip(&got[j]);
		rc = gt_verify_inclusion(index, size, &leaf, got, n, &root);
		CHECK(rc == GT_EPROOF, "inclusion %llu in %llu verifies with hash %zu flipped (%d)",
		      U(index), U(size), j, rc);
		got[j] = want[j];
	}
	S_flip(&leaf);
	rc = gt_verify_inclusion(index, size, &leaf, got, n, &root);
	CHECK(rc == GT_EPROOF, "inclusion %llu in %llu verifies a flipped leaf (%d)", U(index),
	      U(size), rc);
}

static void S_check_consistency(S_ctx *c, uint64_t size1, uint64_t size2)
{
	/* Room for more than GT_PROOF_MAX: see consistency_proof_fits below. */
	gt_hash got[GT_PROOF_MAX + 8], want[GT_PROOF_MAX + 8], root1, root2;
	gt_proof proof = {got, 12345};
	gt_error err = {0};
	c->p.size = size2;
	int rc = gt_tree_consistency_proof(c->r, size1, size2, &proof, &err);
	CHECK(rc == 0, "consistency %llu -> %llu: %d %s", U(size1), U(size2), rc, err.msg);
	size_t n = S_ref_consistency(size1, size2, want);
	CHECK(proof.n == n, "consistency %llu -> %llu: %zu hashes, reference %zu", U(size1),
	      U(size2), proof.n, n);
	CHECK(memcmp(got, want, n * sizeof(gt_hash)) == 0,
	      "consistency %llu -> %llu differs from the reference", U(size1), U(size2));
	if (size1 == 0)
		return; /* the empty tree is a prefix of every tree: nothing to verify */
	S_mth(0, size1, &root1);
	S_mth(0, size2, &root2);
	rc = gt_verify_consistency(size1, size2, &root1, &root2, got, n);
	CHECK(rc == 0, "consistency %llu -> %llu does not verify: %d", U(size1), U(size2), rc);
	if (n > 0) {
		size_t j = tu_rand(&S_rng) % n;
		S_flip(&got[j]);
		rc = gt_verify_consistency(size1, size2, &root1, &root2, got, n);
		CHECK(rc == GT_EPROOF,
		      "consistency %llu -> %llu verifies with hash %zu flipped (%d)", U(size1),
		      U(size2), j, rc);
		got[j] = want[j];
	}
	S_flip(&root1);
	rc = gt_verify_consistency(size1, size2, &root1, &root2, got, n);
	CHECK(rc == GT_EPROOF, "consistency %llu -> %llu verifies a flipped first root (%d)",
	      U(size1), U(size2), rc);
	S_mth(0, size1, &root1);
	S_flip(&root2);
	rc = gt_verify_consistency(size1, size2, &root1, &root2, got, n);
	CHECK(rc == GT_EPROOF, "consistency %llu -> %llu verifies a flipped second root (%d)",
	      U(size1), U(size2), rc);
}

/* Indexes and sizes that matter for tiles: around every multiple of 256^k. */
static const uint64_t S_marks[] = {
	0,     1,     2,     3,	     127,    128,    254,    255,   256,   257,
	258,   511,   512,   513,    767,    768,    1023,   1024,  1025,  4095,
	4096,  4097,  65279, 65280,  65281,  65534,  65535,  65536, 65537, 65791,
	65792, 65793, 98304, 131070, 131071, 131072, 131073,
};
#define S_NMARKS (sizeof(S_marks) / sizeof(S_marks[0]))

/* Check a tree of size thoroughly but in O(log) work per check: its root,
 * inclusion of marks and random indexes, consistency from marks and random
 * sizes. */
static void S_check_size_sampled(S_ctx *c, uint64_t size, int samples)
{
	S_check_root(c, size);
	if (size == 0)
		return;
	S_check_inclusion(c, 0, size);
	S_check_inclusion(c, size - 1, size);
	S_check_inclusion(c, size / 2, size);
	S_check_consistency(c, 0, size);
	S_check_consistency(c, size, size);
	S_check_consistency(c, size - 1, size);
	S_check_consistency(c, 1, size);
	for (size_t i = 0; i < S_NMARKS; i++) {
		if (S_marks[i] < size) {
			S_check_inclusion(c, S_marks[i], size);
			S_check_consistency(c, S_marks[i], size);
		}
		if (S_marks[i] <= size)
			S_check_consistency(c, size - S_marks[i], size);
	}
	for (int i = 0; i < samples; i++) {
		S_check_inclusion(c, tu_between(&S_rng, 0, size - 1), size);
		S_check_consistency(c, tu_between(&S_rng, 0, size), size);
	}
}

/* ---- tile rows ---------------------------------------------------------- */

Test(tree, row_layout)
{
	cr_assert_eq(GT_TILE_ROW(0), 0);
	cr_assert_eq(GT_TILE_ROW(1), 256);
	cr_assert_eq(GT_TILE_ROW(2), 384);
	cr_assert_eq(GT_TILE_ROW(5), 496);
	cr_assert_eq(GT_TILE_ROW(7), 508);
	cr_assert_eq(GT_TILE_ROW(7) + 2, GT_TILE_ROWS_LEN);
	for (unsigned r = 0; r < GT_TILE_HEIGHT; r++)
		for (unsigned i = 0; i < (256u >> r); i++) {
			unsigned b = gt_tile_block_of(r, i);
			if (r >= GT_TILE_BLOCK_ROWS)
				cr_assert_eq(b, 0);
			else
				/* Entry i of row r covers row-0 hashes [i << r, (i + 1) << r). */
				cr_assert_eq(b, (i << r) / 32, "row %u pos %u", r, i);
		}
}

Test(tree, rows_compute)
{
	static gt_hash rows[GT_TILE_ROWS_LEN], row0[GT_TILE_WIDTH];
	for (unsigned width = 1; width <= GT_TILE_WIDTH; width++) {
		memset(rows, S_POISON, sizeof(rows));
		for (unsigned i = 0; i < width; i++)
			S_random_hash(&row0[i]);
		memcpy(rows, row0, width * sizeof(gt_hash));
		gt_tile_rows_compute(rows, width);
		CHECK(memcmp(rows, row0, width * sizeof(gt_hash)) == 0, "row 0 changed (width %u)",
		      width);
		for (unsigned r = 1; r < GT_TILE_HEIGHT; r++)
			for (unsigned i = 0; i < (width >> r); i++) {
				gt_hash want;
				gt_hash_root(&row0[i << r], (size_t)1 << r, &want);
				CHECK(tu_hash_eq(&rows[GT_TILE_ROW(r) + i], &want),
				      "width %u row %u pos %u", width, r, i);
			}
		/* Nothing below row 0's width is read: a different tail of
		 * row 0 gives the same rows. */
		static gt_hash again[GT_TILE_ROWS_LEN];
		memset(again, 0x11, sizeof(again));
		memcpy(again, row0, width * sizeof(gt_hash));
		gt_tile_rows_compute(again, width);
		for (unsigned r = 1; r < GT_TILE_HEIGHT; r++)
			CHECK(memcmp(&again[GT_TILE_ROW(r)], &rows[GT_TILE_ROW(r)],
				     (width >> r) * sizeof(gt_hash)) == 0,
			      "width %u row %u depends on hashes past the width", width, r);
	}
	/* A full tile: its two top hashes make the tile's root. */
	gt_hash root, top;
	gt_hash_root(row0, GT_TILE_WIDTH, &root);
	gt_hash_node(&rows[GT_TILE_ROW(7)], &rows[GT_TILE_ROW(7) + 1], &top);
	cr_assert(tu_hash_eq(&root, &top));
}

Test(tree, rows_copy_block)
{
	static gt_hash src[GT_TILE_ROWS_LEN], dst[GT_TILE_ROWS_LEN];
	for (unsigned i = 0; i < GT_TILE_ROWS_LEN; i++)
		S_random_hash(&src[i]);
	for (unsigned block = 0; block < GT_TILE_BLOCKS; block++) {
		memset(dst, S_POISON, sizeof(dst));
		gt_tile_rows_copy_block(dst, src, block);
		gt_hash poison;
		memset(&poison, S_POISON, sizeof(poison));
		unsigned copied = 0;
		for (unsigned r = 0; r < GT_TILE_HEIGHT; r++)
			for (unsigned i = 0; i < (256u >> r); i++) {
				unsigned at = GT_TILE_ROW(r) + i;
				int in = r >= GT_TILE_BLOCK_ROWS || (i << r) / 32 == block;
				if (in) {
					copied++;
					CHECK(tu_hash_eq(&dst[at], &src[at]),
					      "block %u row %u pos %u not copied", block, r, i);
				} else {
					CHECK(tu_hash_eq(&dst[at], &poison),
					      "block %u row %u pos %u copied", block, r, i);
				}
			}
		/* 32 + 16 + 8 + 4 + 2 of the block, 8 + 4 + 2 of the head. */
		cr_assert_eq(copied, 62 + 14);
	}
	/* Copying every block rebuilds the whole tile. */
	memset(dst, 0, sizeof(dst));
	for (unsigned block = 0; block < GT_TILE_BLOCKS; block++)
		gt_tile_rows_copy_block(dst, src, block);
	cr_assert_eq(memcmp(dst, src, sizeof(src)), 0);
}

/* ---- the reference itself ---------------------------------------------- */

Test(tree, reference_self_check)
{
	S_build_worlds();
	/* The memoised recursion, the plain recursion and gt_hash_root agree. */
	for (uint64_t n = 0; n <= 1100; n++) {
		gt_hash a, b, c;
		S_mth(0, n, &a);
		if (n <= 300)
			S_mth_naive(0, n, &b);
		else
			b = a;
		gt_hash_root(S_real[0], n, &c);
		CHECK(tu_hash_eq(&a, &b) && tu_hash_eq(&a, &c),
		      "reference roots disagree at size %llu", U(n));
	}
	for (int i = 0; i < 2000; i++) {
		uint64_t lo = tu_between(&S_rng, 0, 600), hi = tu_between(&S_rng, lo + 1, lo + 300);
		gt_hash a, b;
		S_mth(lo, hi, &a);
		S_mth_naive(lo, hi, &b);
		CHECK(tu_hash_eq(&a, &b), "reference ranges disagree at [%llu, %llu)", U(lo),
		      U(hi));
	}
	static const uint64_t big[] = {65535, 65536, 65537, 131071, 131072, 131073, S_REAL_MAX};
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		gt_hash a, c;
		S_mth(0, big[i], &a);
		gt_hash_root(S_real[0], big[i], &c);
		cr_assert(tu_hash_eq(&a, &c), "reference root of %llu", U(big[i]));
	}
	/* The virtual world is a real tree: its leaves repeat with the period. */
	static gt_hash leaves[4 * S_PERIOD + 77];
	for (uint64_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		S_leaf_of(i % S_PERIOD, &leaves[i]);
	S_world_virtual = 1;
	for (uint64_t n = 1; n <= sizeof(leaves) / sizeof(leaves[0]); n += 1 + n / 16) {
		gt_hash a, c;
		S_mth(0, n, &a);
		gt_hash_root(leaves, n, &c);
		CHECK(tu_hash_eq(&a, &c), "virtual root of %llu", U(n));
	}
	S_world_virtual = 0;
	/* RFC 9162 examples (section 2.1.5): the tree of 7 leaves d0..d6. */
	gt_hash p[GT_PROOF_MAX], h;
	size_t n = 0;
	S_path(0, 0, 7, p, &n); /* b = [c, g, l] */
	cr_assert_eq(n, 3);
	S_mth(1, 2, &h);
	cr_assert(tu_hash_eq(&p[0], &h));
	S_mth(2, 4, &h);
	cr_assert(tu_hash_eq(&p[1], &h));
	S_mth(4, 7, &h);
	cr_assert(tu_hash_eq(&p[2], &h));
	n = 0;
	S_path(6, 0, 7, p, &n); /* f = [i, k] */
	cr_assert_eq(n, 2);
	S_mth(4, 6, &h);
	cr_assert(tu_hash_eq(&p[0], &h));
	S_mth(0, 4, &h);
	cr_assert(tu_hash_eq(&p[1], &h));
	n = S_ref_consistency(3, 7, p); /* [c, d, g, l] */
	cr_assert_eq(n, 4);
	S_mth(2, 3, &h);
	cr_assert(tu_hash_eq(&p[0], &h));
	S_mth(3, 4, &h);
	cr_assert(tu_hash_eq(&p[1], &h));
	S_mth(0, 2, &h);
	cr_assert(tu_hash_eq(&p[2], &h));
	S_mth(4, 7, &h);
	cr_assert(tu_hash_eq(&p[3], &h));
	n = S_ref_consistency(4, 7, p); /* [l] */
	cr_assert_eq(n, 1);
	S_mth(4, 7, &h);
	cr_assert(tu_hash_eq(&p[0], &h));
	n = S_ref_consistency(6, 7, p); /* [i, j, k] */
	cr_assert_eq(n, 3);
	S_mth(4, 6, &h);
	cr_assert(tu_hash_eq(&p[0], &h));
	S_mth(6, 7, &h);
	cr_assert(tu_hash_eq(&p[1], &h));
	S_mth(0, 4, &h);
	cr_assert(tu_hash_eq(&p[2], &h));
}

/* ---- roots and ranges --------------------------------------------------- */

Test(tree, roots_every_size)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	gt_hash empty, got;
	gt_hash_empty(&empty);
	c.p.size = 0;
	cr_assert_eq(gt_tree_root(c.r, 0, &got, NULL), 0);
	cr_assert(tu_hash_eq(&got, &empty));
	cr_assert_eq(c.p.calls, 0, "the empty tree needs no tiles");
	for (uint64_t size = 0; size <= S_REAL_MAX; size++)
		S_check_root(&c, size);
	/* And downwards, with fresh readers now and then. */
	for (uint64_t size = S_REAL_MAX; size > 100; size -= 1 + size % 97) {
		if (size % 5 == 0)
			gt_tree_reader_init(c.r, S_fetch, &c.p);
		S_check_root(&c, size);
	}
	S_ctx_done(&c);
}

Test(tree, ranges_small_exhaustive)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	for (uint64_t size = 1; size <= 72; size++)
		for (uint64_t lo = 0; lo < size; lo++)
			for (uint64_t hi = lo + 1; hi <= size; hi++)
				S_check_range(&c, size, lo, hi);
	/* Single leaves and tile-aligned ranges of a larger tree. */
	uint64_t size = 1100;
	for (uint64_t i = 0; i < size; i++)
		S_check_range(&c, size, i, i + 1);
	for (uint64_t lo = 0; lo < size; lo += 256)
		for (uint64_t hi = lo + 1; hi <= size; hi++)
			S_check_range(&c, size, lo, hi);
	S_ctx_done(&c);
}

Test(tree, ranges_large)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	for (size_t i = 0; i < S_NMARKS; i++) {
		uint64_t size = S_marks[i];
		if (size == 0)
			continue;
		for (size_t j = 0; j < S_NMARKS; j++)
			for (size_t k = j; k < S_NMARKS; k++)
				if (S_marks[j] < S_marks[k] && S_marks[k] <= size)
					S_check_range(&c, size, S_marks[j], S_marks[k]);
	}
	/* Random decomposable ranges: lo aligned to the split of the length. */
	for (int i = 0; i < 20000; i++) {
		uint64_t size = tu_between(&S_rng, 1, S_REAL_MAX);
		uint64_t n = tu_between(&S_rng, 1, size);
		uint64_t k = n == 1 ? 1 : tu_split(n);
		uint64_t lo = tu_between(&S_rng, 0, (size - n) / k) * k;
		S_check_range(&c, size, lo, lo + n);
		/* And arbitrary ones, which may not be. */
		lo = tu_between(&S_rng, 0, size - 1);
		S_check_range(&c, size, lo, tu_between(&S_rng, lo + 1, size));
	}
	S_ctx_done(&c);
}

/* ---- proofs ------------------------------------------------------------- */

Test(tree, inclusion_small_sizes_every_index)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	for (uint64_t size = 1; size <= 300; size++)
		for (uint64_t i = 0; i < size; i++)
			S_check_inclusion(&c, i, size);
	for (uint64_t size = 512; size <= 513; size++)
		for (uint64_t i = 0; i < size; i++)
			S_check_inclusion(&c, i, size);
	S_ctx_done(&c);
}

Test(tree, consistency_small_sizes_every_pair)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	for (uint64_t size2 = 0; size2 <= 140; size2++)
		for (uint64_t size1 = 0; size1 <= size2; size1++)
			S_check_consistency(&c, size1, size2);
	for (uint64_t size2 = 255; size2 <= 258; size2++)
		for (uint64_t size1 = 0; size1 <= size2; size1++)
			S_check_consistency(&c, size1, size2);
	S_ctx_done(&c);
}

Test(tree, proofs_every_size_to_1100)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	for (uint64_t size = 0; size <= 1100; size++)
		S_check_size_sampled(&c, size, 8);
	S_ctx_done(&c);
}

Test(tree, proofs_tile_boundaries)
{
	static const uint64_t sizes[] = {
		255,   256,	    257,	 511,	      512,    513,    65535,  65536,
		65537, 65536 + 255, 65536 + 256, 65536 + 257, 131071, 131072, 131073,
	};
	S_ctx c;
	S_ctx_init(&c, 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t size = sizes[i];
		S_check_size_sampled(&c, size, 200);
		/* Every pair of boundary sizes. */
		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			if (sizes[j] <= size)
				S_check_consistency(&c, sizes[j], size);
		/* Every index of the last two level-0 tiles. */
		for (uint64_t k = size > 512 ? size - 512 : 0; k < size; k++)
			S_check_inclusion(&c, k, size);
	}
	S_ctx_done(&c);
}

Test(tree, proofs_random_sizes)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	for (int i = 0; i < 1500; i++) {
		uint64_t size = tu_between(&S_rng, 1, S_REAL_MAX);
		if (i % 100 == 0) /* a fresh reader, not only a warm cache */
			gt_tree_reader_init(c.r, S_fetch, &c.p);
		S_check_root(&c, size);
		for (int j = 0; j < 4; j++) {
			S_check_inclusion(&c, tu_between(&S_rng, 0, size - 1), size);
			S_check_consistency(&c, tu_between(&S_rng, 0, size), size);
		}
		S_check_inclusion(&c, size - 1, size);
		S_check_consistency(&c, size & ~(uint64_t)255, size);
		S_check_consistency(&c, tu_between(&S_rng, 1, size) & ~(uint64_t)255, size);
	}
	S_ctx_done(&c);
}

/* A provider that fills every row, and a reader shared between queries of
 * different tree sizes in random order: a cached tile of a larger tree must
 * serve a smaller one, never the other way round. */
Test(tree, proofs_full_rows_shared_reader)
{
	S_ctx c;
	S_ctx_init(&c, 0);
	for (int i = 0; i < 3000; i++) {
		uint64_t size =
			i % 3 ? tu_between(&S_rng, 1, 2000) : tu_between(&S_rng, 1, S_REAL_MAX);
		S_check_inclusion(&c, tu_between(&S_rng, 0, size - 1), size);
		S_check_consistency(&c, tu_between(&S_rng, 0, size), size);
		S_check_root(&c, size);
	}
	S_ctx_done(&c);
}

/* Trees of up to 2^64 - 1 leaves, whose leaves repeat every S_PERIOD. */
Test(tree, proofs_huge_trees)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	S_world_virtual = 1;
	static const uint64_t sizes[] = {
		1ull << 24,	      (1ull << 24) + 1,
		(1ull << 32) - 1,     (1ull << 32) + 257,
		(1ull << 40) + 12345, (1ull << 48) - 256,
		1ull << 56,	      (1ull << 56) + (1ull << 48) + 3,
		1ull << 63,	      (1ull << 63) + 1,
		UINT64_MAX - 256,     UINT64_MAX - 1,
		UINT64_MAX,
	};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t size = sizes[i];
		S_check_size_sampled(&c, size, 50);
		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			if (sizes[j] <= size)
				S_check_consistency(&c, sizes[j], size);
	}
	for (int i = 0; i < 500; i++) {
		uint64_t size = tu_between(&S_rng, 1, UINT64_MAX) >> (tu_rand(&S_rng) % 64);
		if (size == 0)
			size = 1;
		S_check_root(&c, size);
		S_check_inclusion(&c, tu_between(&S_rng, 0, size - 1), size);
		S_check_consistency(&c, tu_between(&S_rng, 0, size), size);
	}
	/* The longest inclusion proofs: 64 hashes. */
	gt_hash h[GT_PROOF_MAX];
	gt_proof proof = {h, 0};
	c.p.size = UINT64_MAX;
	cr_assert_eq(gt_tree_inclusion_proof(c.r, 0, UINT64_MAX, &proof, NULL), 0);
	cr_assert_eq(proof.n, 64);
	S_world_virtual = 0;
	S_ctx_done(&c);
}

/* Callers give proofs room for GT_PROOF_MAX hashes (tree.h, hash.h). A
 * consistency proof is up to one hash longer than the tree is high:
 * SUBPROOF descends ceil(log2(size2)) levels, adding one hash per level,
 * plus the hash of the subtree it ends on when that is not the old root. So
 * trees of more than 2^63 leaves have consistency proofs of 65 hashes, e.g.
 * 2^63 - 1 -> 2^63 + 1, and nothing may be written past GT_PROOF_MAX. */
Test(tree, consistency_proof_fits)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	S_world_virtual = 1;
	static const uint64_t pairs[][2] = {
		{5, 7}, /* 4 hashes in a tree 3 high */
		{(1ull << 32) - 1, (1ull << 32) + 1},
		{(1ull << 63) - 1, (1ull << 63) + 1},
		{(1ull << 63) - 1, UINT64_MAX},
		{3, UINT64_MAX},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		uint64_t size1 = pairs[i][0], size2 = pairs[i][1];
		struct {
			gt_hash h[GT_PROOF_MAX];
			gt_hash guard[8];
		} buf;
		memset(&buf, 0x5a, sizeof(buf));
		gt_proof proof = {buf.h, 0};
		gt_hash want[GT_PROOF_MAX + 8], guard;
		memset(&guard, 0x5a, sizeof(guard));
		size_t n = S_ref_consistency(size1, size2, want);
		c.p.size = size2;
		int rc = gt_tree_consistency_proof(c.r, size1, size2, &proof, NULL);
		int overrun = 0;
		for (int k = 0; k < 8; k++)
			overrun |= !tu_hash_eq(&buf.guard[k], &guard);
		cr_expect(!overrun, "consistency %llu -> %llu wrote past GT_PROOF_MAX (%d) hashes",
			  U(size1), U(size2), GT_PROOF_MAX);
		cr_expect_leq(n, GT_PROOF_MAX,
			      "consistency %llu -> %llu has %zu hashes; GT_PROOF_MAX is %d",
			      U(size1), U(size2), n, GT_PROOF_MAX);
		cr_expect_eq(rc, 0);
		cr_expect_eq(proof.n, n);
		cr_expect_eq(memcmp(buf.h, want, n * sizeof(gt_hash)), 0);
	}
	cr_assert_geq(GT_PROOF_MAX, 65);
	S_world_virtual = 0;
	S_ctx_done(&c);
}

/* ---- errors ------------------------------------------------------------- */

Test(tree, argument_errors)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	gt_hash h[GT_PROOF_MAX], out;
	gt_proof proof = {h, 0};
	gt_error err = {0};
	c.p.size = 1000;
	cr_assert_eq(gt_tree_inclusion_proof(c.r, 1000, 1000, &proof, &err), GT_ERANGE);
	cr_assert_eq(err.code, GT_ERANGE);
	cr_assert_neq(err.msg[0], 0);
	cr_assert_eq(gt_tree_inclusion_proof(c.r, 0, 0, &proof, NULL), GT_ERANGE);
	cr_assert_eq(gt_tree_inclusion_proof(c.r, UINT64_MAX, 1000, &proof, NULL), GT_ERANGE);
	memset(&err, 0, sizeof(err));
	cr_assert_eq(gt_tree_consistency_proof(c.r, 1001, 1000, &proof, &err), GT_ERANGE);
	cr_assert_eq(err.code, GT_ERANGE);
	cr_assert_neq(err.msg[0], 0);
	cr_assert_eq(gt_tree_range_hash(c.r, 1000, 5, 5, &out, NULL), GT_ERANGE);
	cr_assert_eq(gt_tree_range_hash(c.r, 1000, 6, 5, &out, NULL), GT_ERANGE);
	cr_assert_eq(gt_tree_range_hash(c.r, 1000, 0, 1001, &out, NULL), GT_ERANGE);
	cr_assert_eq(gt_tree_range_hash(c.r, 1000, 999, 1001, &out, NULL), GT_ERANGE);
	cr_assert_eq(gt_tree_range_hash(c.r, 1000, 1, 4, &out, NULL), GT_ERANGE);
	cr_assert_eq(c.p.calls, 0, "invalid arguments fetched tiles");
	/* Consistency with the empty tree or with itself is the empty proof. */
	proof.n = 99;
	cr_assert_eq(gt_tree_consistency_proof(c.r, 0, 1000, &proof, NULL), 0);
	cr_assert_eq(proof.n, 0);
	proof.n = 99;
	cr_assert_eq(gt_tree_consistency_proof(c.r, 1000, 1000, &proof, NULL), 0);
	cr_assert_eq(proof.n, 0);
	proof.n = 99;
	cr_assert_eq(gt_tree_consistency_proof(c.r, 0, 0, &proof, NULL), 0);
	cr_assert_eq(proof.n, 0);
	/* A size-1 tree: the inclusion proof of its only leaf is empty. */
	c.p.size = 1;
	proof.n = 99;
	cr_assert_eq(gt_tree_inclusion_proof(c.r, 0, 1, &proof, NULL), 0);
	cr_assert_eq(proof.n, 0);
	S_ctx_done(&c);
}

Test(tree, provider_errors_propagate)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	gt_hash h[GT_PROOF_MAX], out;
	gt_proof proof = {h, 0};
	static const uint64_t sizes[] = {1, 2, 255, 256, 257, 1000, 65536, 65537};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t size = sizes[i];
		gt_error err = {0};
		gt_tree_reader_init(c.r, S_fetch, &c.p);
		c.p.size = size;
		c.p.fail = 1;
		cr_assert_eq(gt_tree_root(c.r, size, &out, &err), GT_EIO, "size %llu", U(size));
		cr_assert_eq(err.code, GT_EIO);
		cr_assert(strstr(err.msg, "injected"), "%s", err.msg);
		if (size > 1) { /* (the proof for a tree of one leaf is empty) */
			cr_assert_eq(gt_tree_inclusion_proof(c.r, size - 1, size, &proof, NULL),
				     GT_EIO);
			cr_assert_eq(gt_tree_consistency_proof(c.r, 1, size, &proof, NULL), GT_EIO);
		}
		cr_assert_eq(gt_tree_range_hash(c.r, size, 0, 1, &out, NULL), GT_EIO);
		/* A failed fetch is not cached: the reader works afterwards. */
		c.p.fail = 0;
		S_check_root(&c, size);
		S_check_inclusion(&c, size - 1, size);
	}
	S_ctx_done(&c);
}

/* Proofs need few tiles: a query from a cold reader fetches at most a few
 * tiles per level. */
Test(tree, fetch_counts)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	gt_hash h[GT_PROOF_MAX];
	gt_proof proof = {h, 0};
	for (int i = 0; i < 200; i++) {
		uint64_t size = tu_between(&S_rng, 1, S_REAL_MAX),
			 index = tu_between(&S_rng, 0, size - 1);
		c.p.size = size;
		gt_tree_reader_init(c.r, S_fetch, &c.p);
		c.p.calls = 0;
		cr_assert_eq(gt_tree_inclusion_proof(c.r, index, size, &proof, NULL), 0);
		cr_assert_leq(c.p.calls, 4 * 3, "inclusion %llu in %llu: %lu fetches", U(index),
			      U(size), c.p.calls);
	}
	S_ctx_done(&c);
}

/* A right-edge memo kept across proofs, ranges and consistency proofs of one
 * size, then marked as another size's or with its slots poisoned: every
 * answer still equals the reference, and the memo is filled. */
Test(tree, right_edge_memo)
{
	S_ctx c;
	S_ctx_init(&c, 1);
	gt_tree_edge edge = {0};
	for (int i = 0; i < 300; i++) {
		uint64_t size = tu_between(&S_rng, 2, S_REAL_MAX);
		if (i % 2 && (size | 0x5555) <= S_REAL_MAX)
			size |= 0x5555; /* many powers of two: many edge ranges */
		edge = (gt_tree_edge){.size = size};
		c.r->edge = &edge;
		for (int j = 0; j < 20; j++) {
			S_check_inclusion(&c, tu_between(&S_rng, 0, size - 1), size);
			S_check_consistency(&c, tu_between(&S_rng, 0, size), size);
			S_check_range(&c, size, tu_between(&S_rng, 0, size - 1), size);
		}
		cr_assert_neq(edge.have, 0, "size %llu: nothing memoised", U(size));
		/* A memo of another size is not used for this one. */
		uint64_t other = size - 1;
		edge.size = other ? other : 1;
		for (int j = 0; j < 5; j++)
			S_check_inclusion(&c, tu_between(&S_rng, 0, size - 1), size);
		edge.size = size;
		/* Poisoned slots are not used for ranges they do not hold. */
		for (unsigned s = 0; s < 64; s++)
			edge.lo[s] = UINT64_MAX;
		for (int j = 0; j < 5; j++)
			S_check_inclusion(&c, tu_between(&S_rng, 0, size - 1), size);
	}
	c.r->edge = NULL;
	S_ctx_done(&c);
}
