/* Tests for RFC 6962 hashing and RFC 9162 proof verification (src/log/hash.c). */
#include "core/base64.h"
#include "core/error.h"
#include "log/hash.h"
#include "testutil.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_MAX_PROOF (2 * GT_PROOF_MAX + 2)

/* ---- helpers ----------------------------------------------------------- */

/* Deterministic, so failures reproduce. */
static uint64_t S_rng = 0x9e3779b97f4a7c15ull;

/* ---- independent reference implementation (RFC 9162 2.1.1, 2.1.3.1,
 * 2.1.4.1), with SHA-256 straight from EVP ------------------------------ */

/* Fetched once: the implicit fetch of EVP_sha256() on every call is slow. */
static EVP_MD *S_md;

static void S_ref_digest(const void *data, size_t len, gt_hash *out)
{
	if (!S_md)
		S_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	CHECK(S_md, "EVP_MD_fetch failed");
	CHECK(EVP_Digest(data, len, out->b, NULL, S_md, NULL), "EVP_Digest failed");
}

static void S_ref_node(const gt_hash *l, const gt_hash *r, gt_hash *out)
{
	uint8_t buf[65];
	buf[0] = 1;
	memcpy(buf + 1, l->b, 32);
	memcpy(buf + 33, r->b, 32);
	S_ref_digest(buf, sizeof(buf), out);
}

static void S_ref_mth(const gt_hash *d, size_t n, gt_hash *out)
{
	if (n == 0) {
		S_ref_digest("", 0, out);
		return;
	}
	if (n == 1) {
		*out = d[0];
		return;
	}
	size_t k = tu_split(n);
	gt_hash l, r;
	S_ref_mth(d, k, &l);
	S_ref_mth(d + k, n - k, &r);
	S_ref_node(&l, &r, out);
}

/* PATH(m, D[n]), appended to p. */
static void S_ref_path(size_t m, const gt_hash *d, size_t n, gt_hash *p, size_t *np)
{
	if (n <= 1)
		return;
	size_t k = tu_split(n);
	if (m < k) {
		S_ref_path(m, d, k, p, np);
		S_ref_mth(d + k, n - k, &p[(*np)++]);
	} else {
		S_ref_path(m - k, d + k, n - k, p, np);
		S_ref_mth(d, k, &p[(*np)++]);
	}
}

/* SUBPROOF(m, D[n], b), appended to p. */
static void S_ref_subproof(size_t m, const gt_hash *d, size_t n, int b, gt_hash *p, size_t *np)
{
	if (m == n) {
		if (!b)
			S_ref_mth(d, n, &p[(*np)++]);
		return;
	}
	size_t k = tu_split(n);
	if (m <= k) {
		S_ref_subproof(m, d, k, b, p, np);
		S_ref_mth(d + k, n - k, &p[(*np)++]);
	} else {
		S_ref_subproof(m - k, d + k, n - k, 0, p, np);
		S_ref_mth(d, k, &p[(*np)++]);
	}
}

#define S_NLEAVES 4200
static gt_hash S_leaves[S_NLEAVES];

static void S_make_leaves(void)
{
	for (size_t i = 0; i < S_NLEAVES; i++) {
		uint8_t e[16];
		snprintf((char *)e, sizeof(e), "leaf %zu", i);
		gt_hash_leaf(e, strlen((char *)e), &S_leaves[i]);
	}
}

/* ---- known answers ----------------------------------------------------- */

Test(hash, known_answers)
{
	gt_hash h, want;

	gt_hash_leaf(NULL, 0, &h);
	tu_hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", want.b, 32);
	cr_assert(tu_hash_eq(&h, &want), "leaf hash of the empty entry");

	tu_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want.b, 32);
	gt_hash_empty(&h);
	cr_assert(tu_hash_eq(&h, &want), "empty tree root");
	gt_hash_root(NULL, 0, &h);
	cr_assert(tu_hash_eq(&h, &want), "gt_hash_root of nothing");
	memset(h.b, 0xaa, 32);
	gt_sha256((const uint8_t *)"", 0, h.b);
	cr_assert(tu_hash_eq(&h, &want), "sha256 of empty string");

	tu_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want.b, 32);
	gt_sha256((const uint8_t *)"abc", 3, h.b);
	cr_assert(tu_hash_eq(&h, &want), "sha256(abc)");

	gt_hash zero, ones;
	memset(zero.b, 0, 32);
	memset(ones.b, 0xff, 32);
	tu_hex("bc6b943b820c449acf880d293c216a24a8066b153f87f2361fae2beda3a72641", want.b, 32);
	gt_hash_node(&zero, &ones, &h);
	cr_assert(tu_hash_eq(&h, &want), "node hash");

	/* out may alias either input. */
	gt_hash a = zero, b = ones;
	gt_hash_node(&a, &b, &a);
	cr_assert(tu_hash_eq(&a, &want), "node hash, out == left");
	a = zero;
	gt_hash_node(&a, &b, &b);
	cr_assert(tu_hash_eq(&b, &want), "node hash, out == right");

	/* A long leaf (several SHA-256 blocks) against EVP. */
	uint8_t big[1000], pre[1001];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	pre[0] = 0;
	memcpy(pre + 1, big, sizeof(big));
	S_ref_digest(pre, sizeof(pre), &want);
	gt_hash_leaf(big, sizeof(big), &h);
	cr_assert(tu_hash_eq(&h, &want), "long leaf hash");
}

Test(hash, rfc6962_reference_tree)
{
	/* The eight-leaf tree of the CT reference implementation tests. */
	static const char *const entries[8] = {
		"",
		"00",
		"10",
		"2021",
		"3031",
		"40414243",
		"5051525354555657",
		"606162636465666768696a6b6c6d6e6f",
	};
	static const char *const roots[8] = {
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	gt_hash leaves[8];
	for (int i = 0; i < 8; i++) {
		uint8_t e[16];
		size_t n = strlen(entries[i]) / 2;
		tu_hex(entries[i], e, n);
		gt_hash_leaf(e, n, &leaves[i]);
	}
	for (int n = 1; n <= 8; n++) {
		gt_hash got, want;
		tu_hex(roots[n - 1], want.b, 32);
		gt_hash_root(leaves, (size_t)n, &got);
		cr_assert(tu_hash_eq(&got, &want), "root of the first %d leaves", n);
	}
}

Test(hash, root_matches_reference)
{
	S_make_leaves();
	gt_hash copy[1001];
	memcpy(copy, S_leaves, sizeof(copy));
	for (size_t n = 0; n <= 1000; n++) {
		gt_hash got, want;
		gt_hash_root(S_leaves, n, &got);
		S_ref_mth(S_leaves, n, &want);
		CHECK(tu_hash_eq(&got, &want),
		      "gt_hash_root differs from the reference for n = %zu", n);
	}
	cr_assert(memcmp(copy, S_leaves, sizeof(copy)) == 0, "gt_hash_root modified its input");
}

/* ---- argument and special-case handling -------------------------------- */

Test(hash, special_cases)
{
	gt_hash a, b, p[GT_PROOF_MAX + 2];
	memset(a.b, 1, 32);
	memset(b.b, 2, 32);
	memset(p, 3, sizeof(p));

	/* Inclusion: index out of range, empty tree, single leaf. */
	cr_assert_eq(gt_verify_inclusion(0, 0, &a, NULL, 0, &a), GT_EINVAL);
	cr_assert_eq(gt_verify_inclusion(1, 1, &a, NULL, 0, &a), GT_EINVAL);
	cr_assert_eq(gt_verify_inclusion(UINT64_MAX, UINT64_MAX, &a, p, 64, &a), GT_EINVAL);
	cr_assert_eq(gt_verify_inclusion(0, 1, &a, NULL, 0, &a), 0);
	cr_assert_eq(gt_verify_inclusion(0, 1, &a, NULL, 0, &b), GT_EPROOF);
	cr_assert_eq(gt_verify_inclusion(0, 1, &a, p, 1, &a), GT_EINVAL);
	/* The biggest trees: proofs of 64 hashes are fine, 63 or 65 are not. */
	cr_assert_eq(gt_verify_inclusion(0, UINT64_MAX, &a, p, 64, &a), GT_EPROOF);
	cr_assert_eq(gt_verify_inclusion(0, UINT64_MAX, &a, p, 63, &a), GT_EINVAL);
	cr_assert_eq(gt_verify_inclusion(0, UINT64_MAX, &a, p, 65, &a), GT_EINVAL);
	cr_assert_eq(gt_verify_inclusion(UINT64_MAX - 1, UINT64_MAX, &a, p, 63, &a), GT_EPROOF);

	/* Consistency: sizes in the wrong order, from the empty tree, equal. */
	cr_assert_eq(gt_verify_consistency(2, 1, &a, &a, p, 1), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(1, 0, &a, &a, NULL, 0), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(0, 0, &a, &a, NULL, 0), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(0, 5, &a, &b, NULL, 0), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(0, 5, &a, &b, p, 1), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(3, 3, &a, &a, NULL, 0), 0);
	cr_assert_eq(gt_verify_consistency(3, 3, &a, &b, NULL, 0), GT_EPROOF);
	cr_assert_eq(gt_verify_consistency(3, 3, &a, &a, p, 1), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(1, 2, &a, &b, NULL, 0), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(1, 2, &a, &b, p, 1), GT_EPROOF);
	cr_assert_eq(gt_verify_consistency(1, 2, &a, &b, p, 2), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(3, 4, &a, &b, p, 1), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(3, 4, &a, &b, p, 3), GT_EPROOF);
	cr_assert_eq(gt_verify_consistency(1, UINT64_MAX, &a, &b, p, 64), GT_EPROOF);
	cr_assert_eq(gt_verify_consistency(1, UINT64_MAX, &a, &b, p, 65), GT_EINVAL);
	cr_assert_eq(gt_verify_consistency(UINT64_MAX - 1, UINT64_MAX, &a, &b, p, 64), GT_EPROOF);
}

/* ---- proofs from the reference implementation, good and tampered ------- */

/* Check that the inclusion proof p for index in size verifies and that
 * every kind of tampering makes it fail. */
static void S_check_inclusion(size_t index, size_t size, const gt_hash *p, size_t n)
{
	gt_hash root, leaf = S_leaves[index], q[S_MAX_PROOF];
	S_ref_mth(S_leaves, size, &root);

	int rc = gt_verify_inclusion(index, size, &leaf, p, n, &root);
	CHECK(rc == 0, "inclusion %zu/%zu: %d", index, size, rc);

	/* A bit flipped in any proof hash, in the leaf, in the root. */
	for (size_t j = 0; j < n; j++) {
		memcpy(q, p, n * sizeof(*p));
		unsigned bit = (unsigned)tu_rand(&S_rng) % 256;
		q[j].b[bit / 8] ^= (uint8_t)(1u << bit % 8);
		rc = gt_verify_inclusion(index, size, &leaf, q, n, &root);
		CHECK(rc == GT_EPROOF, "inclusion %zu/%zu, hash %zu flipped: %d", index, size, j,
		      rc);
	}
	gt_hash bad = leaf;
	bad.b[tu_rand(&S_rng) % 32] ^= 0x10;
	CHECK(gt_verify_inclusion(index, size, &bad, p, n, &root) == GT_EPROOF, "bad leaf");
	bad = root;
	bad.b[tu_rand(&S_rng) % 32] ^= 0x01;
	CHECK(gt_verify_inclusion(index, size, &leaf, p, n, &bad) == GT_EPROOF, "bad root");

	/* Another index, same leaf hash and root. */
	size_t others[4] = {index + 1, index - 1, index ^ ((size_t)1 << tu_rand(&S_rng) % 12),
			    (size_t)tu_between(&S_rng, 0, size - 1)};
	for (int k = 0; k < 4; k++) {
		if (others[k] == index)
			continue;
		rc = gt_verify_inclusion(others[k], size, &leaf, p, n, &root);
		CHECK(rc != 0, "inclusion %zu/%zu verified as index %zu", index, size, others[k]);
	}

	/* Another size, with the true root of that size (with the root of
	 * the original size, some sizes have the same proof shape: a proof
	 * does not commit to the size by itself). */
	size_t sizes[4] = {size + 1, size - 1, size * 2, size + (size_t)tu_between(&S_rng, 2, 100)};
	for (int k = 0; k < 4; k++) {
		gt_hash r2;
		if (sizes[k] <= index || sizes[k] > S_NLEAVES)
			continue;
		gt_hash_root(S_leaves, sizes[k], &r2);
		rc = gt_verify_inclusion(index, sizes[k], &leaf, p, n, &r2);
		CHECK(rc != 0, "inclusion %zu/%zu verified with size %zu", index, size, sizes[k]);
	}

	/* Truncated and extended proofs. */
	if (n > 0) {
		rc = gt_verify_inclusion(index, size, &leaf, p, n - 1, &root);
		CHECK(rc == GT_EINVAL, "inclusion %zu/%zu truncated: %d", index, size, rc);
		rc = gt_verify_inclusion(index, size, &leaf, p + 1, n - 1, &root);
		CHECK(rc == GT_EINVAL, "inclusion %zu/%zu head cut: %d", index, size, rc);
	}
	memcpy(q, p, n * sizeof(*p));
	q[n] = n ? p[n - 1] : root;
	rc = gt_verify_inclusion(index, size, &leaf, q, n + 1, &root);
	CHECK(rc == GT_EINVAL, "inclusion %zu/%zu extended: %d", index, size, rc);
	q[0] = root;
	memcpy(q + 1, p, n * sizeof(*p));
	rc = gt_verify_inclusion(index, size, &leaf, q, n + 1, &root);
	CHECK(rc == GT_EINVAL, "inclusion %zu/%zu root prepended: %d", index, size, rc);
}

static void S_inclusion(size_t index, size_t size)
{
	gt_hash p[S_MAX_PROOF];
	size_t n = 0;
	S_ref_path(index, S_leaves, size, p, &n);
	S_check_inclusion(index, size, p, n);
}

static void S_check_consistency(size_t size1, size_t size2, const gt_hash *p, size_t n)
{
	gt_hash r1, r2, q[S_MAX_PROOF];
	S_ref_mth(S_leaves, size1, &r1);
	S_ref_mth(S_leaves, size2, &r2);

	int rc = gt_verify_consistency(size1, size2, &r1, &r2, p, n);
	CHECK(rc == 0, "consistency %zu->%zu: %d", size1, size2, rc);
	if (size1 == size2)
		return;

	for (size_t j = 0; j < n; j++) {
		memcpy(q, p, n * sizeof(*p));
		unsigned bit = (unsigned)tu_rand(&S_rng) % 256;
		q[j].b[bit / 8] ^= (uint8_t)(1u << bit % 8);
		rc = gt_verify_consistency(size1, size2, &r1, &r2, q, n);
		CHECK(rc == GT_EPROOF, "consistency %zu->%zu, hash %zu flipped: %d", size1, size2,
		      j, rc);
	}
	gt_hash bad = r1;
	bad.b[tu_rand(&S_rng) % 32] ^= 0x80;
	CHECK(gt_verify_consistency(size1, size2, &bad, &r2, p, n) == GT_EPROOF, "bad root1");
	bad = r2;
	bad.b[tu_rand(&S_rng) % 32] ^= 0x80;
	CHECK(gt_verify_consistency(size1, size2, &r1, &bad, p, n) == GT_EPROOF, "bad root2");
	CHECK(gt_verify_consistency(size1, size2, &r2, &r1, p, n) != 0, "swapped roots");

	/* Other sizes, with their true roots. */
	size_t s1[3] = {size1 + 1, size1 - 1, (size_t)tu_between(&S_rng, 1, size2)};
	for (int k = 0; k < 3; k++) {
		gt_hash o;
		if (s1[k] == size1 || s1[k] > size2)
			continue;
		gt_hash_root(S_leaves, s1[k], &o);
		rc = gt_verify_consistency(s1[k], size2, &o, &r2, p, n);
		CHECK(rc != 0, "consistency %zu->%zu verified as %zu->%zu", size1, size2, s1[k],
		      size2);
	}
	size_t s2[3] = {size2 + 1, size2 - 1, size2 + (size_t)tu_between(&S_rng, 2, 100)};
	for (int k = 0; k < 3; k++) {
		gt_hash o;
		if (s2[k] < size1 || s2[k] > S_NLEAVES)
			continue;
		gt_hash_root(S_leaves, s2[k], &o);
		rc = gt_verify_consistency(size1, s2[k], &r1, &o, p, n);
		CHECK(rc != 0, "consistency %zu->%zu verified as %zu->%zu", size1, size2, size1,
		      s2[k]);
	}

	/* Truncated and extended proofs. */
	rc = gt_verify_consistency(size1, size2, &r1, &r2, p, n - 1);
	CHECK(rc == GT_EINVAL, "consistency %zu->%zu truncated: %d", size1, size2, rc);
	rc = gt_verify_consistency(size1, size2, &r1, &r2, p + 1, n - 1);
	CHECK(rc == GT_EINVAL, "consistency %zu->%zu head cut: %d", size1, size2, rc);
	memcpy(q, p, n * sizeof(*p));
	q[n] = p[n - 1];
	rc = gt_verify_consistency(size1, size2, &r1, &r2, q, n + 1);
	CHECK(rc == GT_EINVAL, "consistency %zu->%zu extended: %d", size1, size2, rc);
	q[0] = r1;
	memcpy(q + 1, p, n * sizeof(*p));
	rc = gt_verify_consistency(size1, size2, &r1, &r2, q, n + 1);
	CHECK(rc == GT_EINVAL, "consistency %zu->%zu root1 prepended: %d", size1, size2, rc);
}

static void S_consistency(size_t size1, size_t size2)
{
	gt_hash p[S_MAX_PROOF];
	size_t n = 0;
	S_ref_subproof(size1, S_leaves, size2, 1, p, &n);
	S_check_consistency(size1, size2, p, n);
}

Test(hash, proofs_exhaustive_small)
{
	S_make_leaves();
	for (size_t size = 1; size <= 70; size++) {
		for (size_t i = 0; i < size; i++)
			S_inclusion(i, size);
		for (size_t m = 1; m <= size; m++)
			S_consistency(m, size);
	}
}

Test(hash, proofs_random)
{
	S_make_leaves();
	S_rng = 0x243f6a8885a308d3ull;
	for (int iter = 0; iter < 120; iter++) {
		size_t size = (size_t)tu_between(&S_rng, 1, 2000);
		S_inclusion(0, size);
		S_inclusion(size - 1, size);
		for (int k = 0; k < 6; k++)
			S_inclusion((size_t)tu_between(&S_rng, 0, size - 1), size);
		if (size < 2)
			continue;
		S_consistency(1, size);
		S_consistency(size - 1, size);
		for (int k = 0; k < 6; k++)
			S_consistency((size_t)tu_between(&S_rng, 1, size - 1), size);
	}
}

/* ---- the shared RFC 6962 / RFC 9162 test vectors ------------------------ */

typedef struct S_stats {
	int inclusion, consistency, positive, negative;
} S_stats;

/* Jansson integers are signed 64-bit, and the vectors hold 2^64 - 1: put
 * every bare number outside strings in quotes, to be parsed by S_u64. */
static char *S_quote_numbers(const char *s, size_t len)
{
	char *out = malloc(2 * len + 1), *o = out;
	cr_assert_not_null(out);
	int in_str = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			*o++ = c;
			if (c == '\\' && i + 1 < len)
				*o++ = s[++i];
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
			*o++ = c;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			*o++ = '"';
			while (i < len && strchr("+-.eE0123456789", s[i]) && s[i])
				*o++ = s[i++];
			*o++ = '"';
			i--;
		} else {
			*o++ = c;
		}
	}
	*o = 0;
	return out;
}

static uint64_t S_u64(json_t *obj, const char *key, const char *file)
{
	const char *s = json_string_value(json_object_get(obj, key));
	cr_assert_not_null(s, "%s: %s is not a number", file, key);
	size_t n = strlen(s);
	CHECK(n >= 1 && n <= 20, "%s: bad %s", file, key);
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		CHECK(s[i] >= '0' && s[i] <= '9', "%s: bad %s", file, key);
		unsigned d = (unsigned)(s[i] - '0');
		CHECK(v <= (UINT64_MAX - d) / 10, "%s: %s overflows", file, key);
		v = v * 10 + d;
	}
	return v;
}

/* Decode a base64 string member into out (room for 3/4 of its length). */
static size_t S_b64(json_t *v, const char *what, const char *file, uint8_t *out, size_t cap)
{
	const char *s = json_string_value(v);
	cr_assert_not_null(s, "%s: %s is not a string", file, what);
	size_t len = strlen(s), n = 0;
	cr_assert(len / 4 * 3 <= cap, "%s: %s too long", file, what);
	cr_assert_eq(gt_base64_decode(s, len, out, &n), 0, "%s: %s is not base64", file, what);
	return n;
}

/* A hash the verifier is given to compare against (a root): the vectors
 * treat roots as opaque byte strings compared for equality, and some are
 * not 32 bytes long. Those are mapped to SHA-256 of their bytes, which
 * keeps equal strings equal and distinct ones distinct. */
static void S_opaque_root(json_t *v, const char *what, const char *file, gt_hash *out)
{
	uint8_t buf[256];
	size_t n = S_b64(v, what, file, buf, sizeof(buf));
	if (n == GT_HASH_LEN)
		memcpy(out->b, buf, GT_HASH_LEN);
	else
		gt_sha256(buf, n, out->b);
}

/* An input hash (leaf hash or proof element): valid only with 32 bytes. */
static int S_input_hash(json_t *v, const char *what, const char *file, gt_hash *out)
{
	uint8_t buf[256];
	size_t n = S_b64(v, what, file, buf, sizeof(buf));
	if (n != GT_HASH_LEN)
		return -1;
	memcpy(out->b, buf, GT_HASH_LEN);
	return 0;
}

/* Read the proof member: null or an array of hashes. Returns -1 if some
 * element is not a valid hash, in which case the proof is invalid. */
static int S_proof(json_t *obj, const char *file, gt_hash *p, size_t *np)
{
	json_t *a = json_object_get(obj, "proof");
	int bad = 0;
	*np = 0;
	cr_assert_not_null(a, "%s: no proof", file);
	if (json_is_null(a))
		return 0;
	cr_assert(json_is_array(a), "%s: proof is not an array", file);
	cr_assert(json_array_size(a) <= S_MAX_PROOF, "%s: proof too long", file);
	for (size_t i = 0; i < json_array_size(a); i++) {
		if (S_input_hash(json_array_get(a, i), "proof element", file, &p[*np]) < 0)
			bad = 1;
		else
			(*np)++;
	}
	return bad ? -1 : 0;
}

static void S_vector(const char *file, S_stats *st)
{
	gt_buf raw = GT_BUF_INIT;
	tu_read_path(file, &raw);
	char *text = S_quote_numbers((const char *)raw.data, raw.len);
	json_error_t jerr;
	json_t *obj = json_loads(text, 0, &jerr);
	cr_assert_not_null(obj, "%s:%d: %s", file, jerr.line, jerr.text);
	json_t *want = json_object_get(obj, "wantErr");
	cr_assert(json_is_boolean(want), "%s: no wantErr", file);
	int want_err = json_is_true(want);

	gt_hash p[S_MAX_PROOF];
	size_t n;
	int bad = S_proof(obj, file, p, &n) < 0;
	int rc;
	if (json_object_get(obj, "leafIdx")) {
		uint64_t index = S_u64(obj, "leafIdx", file);
		uint64_t size = S_u64(obj, "treeSize", file);
		gt_hash root, leaf;
		S_opaque_root(json_object_get(obj, "root"), "root", file, &root);
		if (S_input_hash(json_object_get(obj, "leafHash"), "leafHash", file, &leaf) < 0)
			bad = 1;
		rc = bad ? GT_EINVAL : gt_verify_inclusion(index, size, &leaf, p, n, &root);
		st->inclusion++;
	} else {
		uint64_t size1 = S_u64(obj, "size1", file);
		uint64_t size2 = S_u64(obj, "size2", file);
		gt_hash r1, r2;
		S_opaque_root(json_object_get(obj, "root1"), "root1", file, &r1);
		S_opaque_root(json_object_get(obj, "root2"), "root2", file, &r2);
		rc = bad ? GT_EINVAL : gt_verify_consistency(size1, size2, &r1, &r2, p, n);
		st->consistency++;
	}
	cr_expect_eq(rc != 0, want_err, "%s: got %d (%s), want %s", file, rc, gt_strerror(rc),
		     want_err ? "an error" : "success");
	cr_expect(rc == 0 || rc == GT_EINVAL || rc == GT_EPROOF, "%s: unexpected code %d", file,
		  rc);
	if (want_err)
		st->negative++;
	else
		st->positive++;
	json_decref(obj);
	free(text);
	gt_buf_done(&raw);
}

static void S_walk(const char *dir, S_stats *st)
{
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char path[4096];
		int w = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		cr_assert(w > 0 && (size_t)w < sizeof(path));
		struct stat sb;
		cr_assert_eq(stat(path, &sb), 0, "%s: %s", path, strerror(errno));
		size_t nl = strlen(de->d_name);
		if (S_ISDIR(sb.st_mode))
			S_walk(path, st);
		else if (nl > 5 && strcmp(de->d_name + nl - 5, ".json") == 0)
			S_vector(path, st);
	}
	closedir(d);
}

Test(hash, rfc6962_vectors)
{
	const char *td = getenv("GT_TESTDATA");
	cr_assert_not_null(td, "GT_TESTDATA is not set");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/rfc6962", td);
	S_stats st = {0, 0, 0, 0};
	S_walk(dir, &st);
	cr_log_info("rfc6962 vectors: %d inclusion, %d consistency, %d positive, %d negative",
		    st.inclusion, st.consistency, st.positive, st.negative);
	cr_assert_gt(st.inclusion + st.consistency, 100, "too few vectors found under %s", dir);
	cr_assert_gt(st.inclusion, 0);
	cr_assert_gt(st.consistency, 0);
	cr_assert_gt(st.positive, 0, "no positive vectors");
	cr_assert_gt(st.negative, 0, "no negative vectors");
}
