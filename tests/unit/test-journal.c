/* Unit tests for the write-ahead journal's record format (src/log/journal.c):
 * gt_journal_encode and gt_journal_next, the exact byte layout, alignment,
 * refusals, every truncation, zero tails, flipped bits (in records and in
 * their padding) and hand-made records whose checksums are right but whose
 * contents are not. */
#include <criterion/criterion.h>

#include "core/buf.h"
#include "core/error.h"
#include "log/journal.h"
#include "log/log.h"
#include "testutil.h"

#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN GT_JOURNAL_ALIGN

/* ---- helpers ------------------------------------------------------------ */

static void S_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* n rounded up to a multiple of GT_JOURNAL_ALIGN. */
static size_t S_align(size_t n)
{
	return (n + ALIGN - 1) / ALIGN * ALIGN;
}

/* Bytes of the bundle form of n entries. */
static size_t S_bundle_len(const gt_bytes *e, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += 2 + e[i].len;
	return len;
}

/* Append the bundle form of n entries (uint16 big-endian length, bytes) to out. */
static void S_bundle(gt_buf *out, const gt_bytes *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t len[2] = {(uint8_t)(e[i].len >> 8), (uint8_t)e[i].len};
		cr_assert_eq(gt_buf_add(out, len, 2), 0);
		cr_assert_eq(gt_buf_add(out, e[i].data, e[i].len), 0);
	}
}

/* Append n zero bytes to out. */
static void S_zeros(gt_buf *out, size_t n)
{
	cr_assert_eq(gt_buf_reserve(out, n), 0);
	memset(out->data + out->len, 0, n);
	out->len += n;
	out->data[out->len] = 0;
}

/* A record header made by hand: magic, count, first, payload length and the
 * header check (computed with OpenSSL). */
static void S_header(uint8_t head[GT_JOURNAL_HEAD], uint32_t count, uint64_t first, uint32_t plen)
{
	uint8_t sum[SHA256_DIGEST_LENGTH];
	memcpy(head, "gtj2", 4);
	S_be32(head + 4, count);
	S_be32(head + 8, (uint32_t)(first >> 32));
	S_be32(head + 12, (uint32_t)first);
	S_be32(head + 16, plen);
	SHA256(head, 20, sum);
	memcpy(head + 20, sum, 4);
}

/* Append a record made by hand (any header, any payload, right checksums
 * computed with OpenSSL, zero padding) to out, at an aligned offset. */
static void S_handmade(gt_buf *out, uint32_t count, uint64_t first, const void *payload,
		       uint32_t plen)
{
	cr_assert_eq(out->len % ALIGN, 0);
	size_t start = out->len;
	uint8_t head[GT_JOURNAL_HEAD], sum[SHA256_DIGEST_LENGTH];
	S_header(head, count, first, plen);
	cr_assert_eq(gt_buf_add(out, head, sizeof(head)), 0);
	cr_assert_eq(gt_buf_add(out, payload, plen), 0);
	SHA256(out->data + start, GT_JOURNAL_HEAD + (size_t)plen, sum);
	cr_assert_eq(gt_buf_add(out, sum, sizeof(sum)), 0);
	S_zeros(out, S_align(out->len) - out->len);
}

/* Append a record of the old format ("gtj1", a 20-byte header, no header
 * check, no padding) to out. */
static void S_old_record(gt_buf *out, uint32_t count, uint64_t first, const void *payload,
			 uint32_t plen)
{
	size_t start = out->len;
	uint8_t head[20], sum[SHA256_DIGEST_LENGTH];
	memcpy(head, "gtj1", 4);
	S_be32(head + 4, count);
	S_be32(head + 8, (uint32_t)(first >> 32));
	S_be32(head + 12, (uint32_t)first);
	S_be32(head + 16, plen);
	cr_assert_eq(gt_buf_add(out, head, sizeof(head)), 0);
	cr_assert_eq(gt_buf_add(out, payload, plen), 0);
	SHA256(out->data + start, 20 + (size_t)plen, sum);
	cr_assert_eq(gt_buf_add(out, sum, sizeof(sum)), 0);
}

/* Append the record gt_journal_encode makes of n entries at first; its
 * length, which is checked to be the aligned length of its contents. */
static size_t S_encode(gt_buf *out, uint64_t first, const gt_bytes *e, size_t n)
{
	size_t before = out->len;
	gt_error err = {0};
	int rc = gt_journal_encode(out, first, e, n, &err);
	cr_assert_eq(rc, 0, "gt_journal_encode: %d %s", rc, err.msg);
	size_t len = out->len - before;
	cr_assert_eq(len, S_align(GT_JOURNAL_HEAD + S_bundle_len(e, n) + GT_JOURNAL_TAIL),
		     "a record of %zu bytes", len);
	cr_assert_eq(out->data[out->len], 0, "gt_buf stays NUL-terminated");
	return len;
}

/* Whether msg says "offset <pos>" (and not, say, offset <pos>0). */
static int S_names_offset(const char *msg, size_t pos)
{
	for (const char *p = msg; (p = strstr(p, "offset ")) != NULL; p++) {
		char *end;
		unsigned long long v = strtoull(p + 7, &end, 10);
		if (end != p + 7 && v == pos)
			return 1;
	}
	return 0;
}

/* Expect gt_journal_next(data, len, pos) to fail with want, saying where. */
static void S_expect(const uint8_t *data, size_t len, size_t pos, int want, const char *what)
{
	gt_journal_rec rec;
	gt_error err = {0};
	int rc = gt_journal_next(data, len, pos, &rec, &err);
	CHECK(rc == want, "%s: gt_journal_next at %zu of %zu returned %d, not %d (%s)", what, pos,
	      len, rc, want, err.msg);
	CHECK(err.code == want, "%s: err->code %d, not %d", what, err.code, want);
	CHECK(strstr(err.msg, "offset") != NULL, "%s: no offset in \"%s\"", what, err.msg);
	CHECK(S_names_offset(err.msg, pos), "%s: offset %zu not named in \"%s\"", what, pos,
	      err.msg);
	/* And with err NULL. */
	CHECK(gt_journal_next(data, len, pos, &rec, NULL) == want, "%s: err NULL", what);
}

/* Expect a whole record at pos: first, count, the payload (in data, in bundle
 * form) and its length (to the next aligned offset, or to len if that comes
 * first); returns the position after it. */
static size_t S_expect_rec(const uint8_t *data, size_t len, size_t pos, uint64_t first,
			   const gt_bytes *e, size_t n, const char *what)
{
	gt_buf want = GT_BUF_INIT;
	S_bundle(&want, e, n);
	gt_journal_rec rec;
	gt_error err = {0};
	int rc = gt_journal_next(data, len, pos, &rec, &err);
	CHECK(rc == 1, "%s: gt_journal_next at %zu of %zu returned %d (%s)", what, pos, len, rc,
	      err.msg);
	CHECK(rec.first == first, "%s: first %llu, not %llu", what, U(rec.first), U(first));
	CHECK(rec.count == n, "%s: count %u, not %zu", what, rec.count, n);
	CHECK(rec.payload.len == want.len, "%s: payload %zu bytes, not %zu", what, rec.payload.len,
	      want.len);
	CHECK(rec.payload.data == data + pos + GT_JOURNAL_HEAD, "%s: payload not in the input",
	      what);
	CHECK(memcmp(rec.payload.data, want.data, want.len) == 0, "%s: payload differs", what);
	size_t full = S_align(GT_JOURNAL_HEAD + want.len + GT_JOURNAL_TAIL);
	size_t wantlen = full < len - pos ? full : len - pos;
	CHECK(rec.len == wantlen, "%s: len %zu, not %zu", what, rec.len, wantlen);
	CHECK((pos + rec.len) % ALIGN == 0 || pos + rec.len == len,
	      "%s: the next record at %zu is not aligned", what, pos + rec.len);
	gt_buf_done(&want);
	return pos + rec.len;
}

/* Expect the end (0) at pos. */
static void S_expect_end(const uint8_t *data, size_t len, size_t pos, const char *what)
{
	gt_journal_rec rec;
	gt_error err = {0};
	int rc = gt_journal_next(data, len, pos, &rec, &err);
	CHECK(rc == 0, "%s: gt_journal_next at %zu of %zu returned %d, not 0 (%s)", what, pos, len,
	      rc, err.msg);
}

/* ---- two records back to back, for the damage tests --------------------
 * Two layouts: small records of one block each (the first of two entries at
 * index 7, the second of three at index 9), and large ones spanning blocks
 * (three entries of 3000 bytes at index 100, then two of 2500 at 103). */
static const gt_bytes S_r1[] = {{(const uint8_t *)"first", 5}, {(const uint8_t *)"entry", 5}};
static const gt_bytes S_r2[] = {
	{(const uint8_t *)"a", 1},
	{(const uint8_t *)"second record", 13},
	{(const uint8_t *)"of three entries", 16},
};

typedef struct {
	const char *name;
	gt_buf j;
	uint64_t first1, first2;
	const gt_bytes *e1, *e2;
	size_t n1, n2;
	size_t l1, l2; /* the records' lengths, padding included */
	size_t b1, b2; /* their header, payload and checksum, without padding */
	uint8_t *pool; /* the large entries' bytes */
	gt_bytes big[5];
} S_pair;

#define S_NLAYOUTS 2

static void S_two(S_pair *p, int layout)
{
	memset(p, 0, sizeof(*p));
	if (layout == 0) {
		p->name = "small";
		p->first1 = 7, p->e1 = S_r1, p->n1 = 2;
		p->first2 = 9, p->e2 = S_r2, p->n2 = 3;
	} else {
		p->name = "large";
		uint64_t rs = 0x6c61726765;
		p->pool = malloc(3 * 3000 + 2 * 2500);
		cr_assert_not_null(p->pool);
		for (size_t i = 0; i < 3 * 3000 + 2 * 2500; i++)
			p->pool[i] = (uint8_t)tu_rand(&rs);
		for (size_t i = 0; i < 3; i++)
			p->big[i] = (gt_bytes){p->pool + 3000 * i, 3000};
		for (size_t i = 0; i < 2; i++)
			p->big[3 + i] = (gt_bytes){p->pool + 9000 + 2500 * i, 2500};
		p->first1 = 100, p->e1 = p->big, p->n1 = 3;
		p->first2 = 103, p->e2 = p->big + 3, p->n2 = 2;
	}
	p->l1 = S_encode(&p->j, p->first1, p->e1, p->n1);
	p->l2 = S_encode(&p->j, p->first2, p->e2, p->n2);
	p->b1 = GT_JOURNAL_HEAD + S_bundle_len(p->e1, p->n1) + GT_JOURNAL_TAIL;
	p->b2 = GT_JOURNAL_HEAD + S_bundle_len(p->e2, p->n2) + GT_JOURNAL_TAIL;
	cr_assert_eq(p->j.len, p->l1 + p->l2);
	cr_assert_eq(p->l1, layout == 0 ? ALIGN : 3 * ALIGN);
	cr_assert_eq(p->l2, layout == 0 ? ALIGN : 2 * ALIGN);
}

static void S_two_done(S_pair *p)
{
	gt_buf_done(&p->j);
	free(p->pool);
}

/* Expect the first record of the pair at 0 in data[len); the position after it. */
static size_t S_rec1(const S_pair *p, const uint8_t *data, size_t len, const char *what)
{
	return S_expect_rec(data, len, 0, p->first1, p->e1, p->n1, what);
}

/* Expect the second record of the pair at pos; the position after it. */
static size_t S_rec2(const S_pair *p, const uint8_t *data, size_t len, size_t pos, const char *what)
{
	return S_expect_rec(data, len, pos, p->first2, p->e2, p->n2, what);
}

/* ---- encoding and reading back ----------------------------------------- */

Test(journal, empty_input)
{
	uint8_t b = 0;
	S_expect_end(&b, 0, 0, "nothing");
	S_expect_end(NULL, 0, 0, "NULL, nothing");
}

Test(journal, round_trip_one_entry)
{
	gt_bytes e = {(const uint8_t *)"hello", 5};
	gt_buf j = GT_BUF_INIT;
	cr_assert_eq(S_encode(&j, 0, &e, 1), ALIGN);
	size_t pos = S_expect_rec(j.data, j.len, 0, 0, &e, 1, "one entry");
	cr_assert_eq(pos, ALIGN);
	S_expect_end(j.data, j.len, pos, "one entry");
	gt_buf_done(&j);
}

Test(journal, round_trip_back_to_back)
{
	/* Entries of random bytes and sizes, one of GT_ENTRY_MAX bytes. */
	uint64_t rs = 0x6a6f75726e616c;
	size_t poolsize = 2 * (size_t)GT_ENTRY_MAX + 100000;
	uint8_t *pool = malloc(poolsize);
	cr_assert_not_null(pool);
	for (size_t i = 0; i < poolsize; i++)
		pool[i] = (uint8_t)tu_rand(&rs);
	enum {
		MANY = 1000
	};
	gt_bytes *many = malloc(MANY * sizeof(*many));
	cr_assert_not_null(many);
	size_t off = 0;
	for (size_t i = 0; i < MANY; i++) {
		size_t n = (size_t)tu_between(&rs, 1, 90);
		many[i] = (gt_bytes){pool + off, n};
		off += n;
	}
	gt_bytes max[3] = {
		{pool, GT_ENTRY_MAX}, {pool + 1, 1}, {pool + GT_ENTRY_MAX, GT_ENTRY_MAX}};
	gt_bytes one = {pool + 5, 1}, three[3] = {{pool, 3}, {pool + 3, 300}, {pool + 303, 256}};
	/* Records of a block exactly, one byte short of it and one byte past:
	 * one entry of 4096 - 24 - 2 - 32 bytes, minus or plus one. */
	enum {
		FIT = ALIGN - GT_JOURNAL_HEAD - 2 - GT_JOURNAL_TAIL
	};
	gt_bytes fit[3] = {{pool + 7, FIT}, {pool + 9, FIT - 1}, {pool + 11, FIT + 1}};
	struct {
		uint64_t first;
		const gt_bytes *e;
		size_t n;
		size_t len; /* the record's length with its padding */
	} recs[] = {
		{0, &one, 1, ALIGN},
		{1, many, MANY,
		 S_align(GT_JOURNAL_HEAD + S_bundle_len(many, MANY) + GT_JOURNAL_TAIL)},
		{1001, max, 1, 17 * ALIGN},
		{1002, max, 3, 33 * ALIGN},
		{1005, fit, 1, ALIGN},
		{1006, fit + 1, 1, ALIGN},
		{1007, fit + 2, 1, 2 * ALIGN},
		{1008, fit + 2, 1, 2 * ALIGN},
		{UINT64_MAX - 3, three, 3, ALIGN}, /* the last entry at UINT64_MAX - 1 */
		{UINT64_MAX - 1, &one, 1, ALIGN},
		{42, three, 2, ALIGN}, /* records need not follow on */
	};
	size_t nrecs = sizeof(recs) / sizeof(recs[0]);
	size_t *at = malloc(nrecs * sizeof(*at));
	cr_assert_not_null(at);
	gt_buf j = GT_BUF_INIT;
	for (size_t i = 0; i < nrecs; i++) {
		at[i] = j.len;
		size_t len = S_encode(&j, recs[i].first, recs[i].e, recs[i].n);
		cr_assert_eq(len, recs[i].len, "record %zu: %zu bytes, not %zu", i, len,
			     recs[i].len);
		/* Each record on its own is the same bytes, its padding zeros. */
		gt_buf alone = GT_BUF_INIT;
		cr_assert_eq(S_encode(&alone, recs[i].first, recs[i].e, recs[i].n), len);
		cr_assert_eq(memcmp(alone.data, j.data + at[i], len), 0, "record %zu", i);
		size_t body =
			GT_JOURNAL_HEAD + S_bundle_len(recs[i].e, recs[i].n) + GT_JOURNAL_TAIL;
		for (size_t k = body; k < len; k++)
			CHECK(alone.data[k] == 0, "record %zu: padding byte %zu is %d", i, k,
			      alone.data[k]);
		gt_buf_done(&alone);
	}
	size_t pos = 0;
	for (size_t i = 0; i < nrecs; i++) {
		char what[32];
		snprintf(what, sizeof(what), "record %zu", i);
		cr_assert_eq(pos, at[i], "%s at %zu, not %zu", what, at[i], pos);
		size_t next =
			S_expect_rec(j.data, j.len, pos, recs[i].first, recs[i].e, recs[i].n, what);
		cr_assert_eq(next - pos, recs[i].len, "%s: len %zu", what, next - pos);
		cr_assert_eq(next % ALIGN, 0);
		pos = next;
	}
	cr_assert_eq(pos, j.len);
	S_expect_end(j.data, j.len, pos, "after all");
	/* Reading can start at any record. */
	for (size_t i = nrecs; i-- > 0;) {
		size_t next = S_expect_rec(j.data, j.len, at[i], recs[i].first, recs[i].e,
					   recs[i].n, "from its start");
		cr_assert_eq(next, i + 1 < nrecs ? at[i + 1] : j.len);
	}
	gt_buf_done(&j);
	free(at);
	free(many);
	free(pool);
}

Test(journal, exact_layout)
{
	gt_bytes e[2] = {{(const uint8_t *)"abc", 3}, {(const uint8_t *)"x", 1}};
	/* encode appends, at an aligned offset: after a block of anything. */
	gt_buf j = GT_BUF_INIT;
	uint8_t prefix[ALIGN];
	memset(prefix, 0xa5, sizeof(prefix));
	memcpy(prefix, "prefix", 6);
	cr_assert_eq(gt_buf_add(&j, prefix, sizeof(prefix)), 0);
	cr_assert_eq(S_encode(&j, 0x0102030405060708ull, e, 2), ALIGN);
	cr_assert_eq(j.len, 2 * ALIGN);
	cr_assert_eq(memcmp(j.data, prefix, sizeof(prefix)), 0, "the prefix is kept");
	/* magic, count, first, payload length */
	static const uint8_t head[20] = "gtj2"
					"\0\0\0\2"
					"\1\2\3\4\5\6\7\10"
					"\0\0\0\10";
	static const uint8_t payload[8] = "\0\3abc\0\1x";
	const uint8_t *r = j.data + ALIGN;
	cr_assert_eq(memcmp(r, head, 20), 0);
	/* The header check: the first 4 bytes of the SHA-256 of the 20 above. */
	uint8_t sum[32], fixed[32];
	SHA256(head, 20, sum);
	cr_assert_eq(memcmp(r + 20, sum, 4), 0);
	tu_hex("af951628", fixed, 4); /* fixed: sha256 of the 20 bytes above */
	cr_assert_eq(memcmp(r + 20, fixed, 4), 0);
	cr_assert_eq(memcmp(r + 24, payload, 8), 0);
	/* The checksum: the SHA-256 of the header (with its check) and payload. */
	SHA256(r, 32, sum);
	cr_assert_eq(memcmp(r + 32, sum, 32), 0);
	tu_hex("ce863054207c4bd18cbe91dca957fb315f7b4db6df9424c9dd14d40034b97fd1", fixed, 32);
	cr_assert_eq(memcmp(r + 32, fixed, 32), 0);
	/* Then zeros to the next block. */
	for (size_t k = 64; k < ALIGN; k++)
		CHECK(r[k] == 0, "padding byte %zu is %d", k, r[k]);
	cr_assert_eq(j.data[j.len], 0, "gt_buf stays NUL-terminated");
	size_t pos = S_expect_rec(j.data, j.len, ALIGN, 0x0102030405060708ull, e, 2, "layout");
	cr_assert_eq(pos, 2 * ALIGN);
	S_expect_end(j.data, j.len, pos, "layout");
	/* The prefix is no record, and a record follows it. */
	S_expect(j.data, j.len, 0, GT_ECORRUPT, "the prefix");
	gt_buf_done(&j);
}

Test(journal, encode_refusals)
{
	static uint8_t big[GT_ENTRY_MAX + 1];
	gt_bytes ok = {(const uint8_t *)"ok", 2};
	struct {
		const char *what;
		uint64_t first;
		gt_bytes e[3];
		size_t n;
	} bad[] = {
		{"no entries", 1, {{0}}, 0},
		{"no entries at 0", 0, {{0}}, 0},
		{"an empty entry", 1, {{(const uint8_t *)"", 0}}, 1},
		{"an empty entry after one", 1, {ok, {(const uint8_t *)"x", 0}}, 2},
		{"an empty entry with NULL data", 1, {ok, ok, {NULL, 0}}, 3},
		{"an entry of GT_ENTRY_MAX + 1 bytes", 1, {{big, GT_ENTRY_MAX + 1}}, 1},
		{"a large entry after one", 1, {ok, {big, GT_ENTRY_MAX + 1}}, 2},
		{"a huge entry", 1, {{big, SIZE_MAX}}, 1},
		{"one entry at UINT64_MAX", UINT64_MAX, {ok}, 1},
		{"two entries at UINT64_MAX - 1", UINT64_MAX - 1, {ok, ok}, 2},
		{"three entries at UINT64_MAX - 2", UINT64_MAX - 2, {ok, ok, ok}, 3},
		{"three entries at UINT64_MAX", UINT64_MAX, {ok, ok, ok}, 3},
	};
	/* out empty, or holding a record already. */
	gt_buf kept = GT_BUF_INIT;
	S_encode(&kept, 0, &ok, 1);
	for (int full = 0; full < 2; full++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			gt_buf out = GT_BUF_INIT;
			if (full)
				cr_assert_eq(gt_buf_add(&out, kept.data, kept.len), 0);
			size_t before = out.len;
			gt_error err = {0};
			int rc = gt_journal_encode(&out, bad[i].first, bad[i].e, bad[i].n, &err);
			cr_assert_eq(rc, GT_EINVAL, "%s: %d", bad[i].what, rc);
			cr_assert_eq(err.code, GT_EINVAL, "%s", bad[i].what);
			cr_assert_neq(err.msg[0], 0, "%s: no message", bad[i].what);
			cr_assert_eq(out.len, before, "%s: out changed to %zu bytes", bad[i].what,
				     out.len);
			if (full)
				cr_assert_eq(memcmp(out.data, kept.data, kept.len + 1), 0, "%s",
					     bad[i].what);
			/* And with err NULL. */
			cr_assert_eq(
				gt_journal_encode(&out, bad[i].first, bad[i].e, bad[i].n, NULL),
				GT_EINVAL);
			cr_assert_eq(out.len, before);
			gt_buf_done(&out);
		}
	}
	/* The last index that fits is fine: first + n == UINT64_MAX. */
	gt_buf out = GT_BUF_INIT;
	gt_bytes two[2] = {ok, ok};
	S_encode(&out, UINT64_MAX - 1, &ok, 1);
	S_encode(&out, UINT64_MAX - 2, two, 2);
	size_t pos = S_expect_rec(out.data, out.len, 0, UINT64_MAX - 1, &ok, 1, "at the limit");
	S_expect_rec(out.data, out.len, pos, UINT64_MAX - 2, two, 2, "at the limit");
	gt_buf_done(&out);
	/* More than 4 GiB of entries (the same bytes many times): refused
	 * before anything is allocated. */
	size_t nmax = ((size_t)UINT32_MAX / (2 + GT_ENTRY_MAX)) + 1;
	gt_bytes *huge = malloc(nmax * sizeof(*huge));
	cr_assert_not_null(huge);
	for (size_t i = 0; i < nmax; i++)
		huge[i] = (gt_bytes){big, GT_ENTRY_MAX};
	gt_error err = {0};
	cr_assert_eq(gt_journal_encode(&out, 0, huge, nmax, &err), GT_EINVAL);
	cr_assert_eq(out.len, 0);
	free(huge);
	gt_buf_done(&kept);
}

Test(journal, encode_unaligned_out)
{
	/* Records start at multiples of GT_JOURNAL_ALIGN: out must end at one. */
	gt_bytes e = {(const uint8_t *)"entry", 5};
	static const size_t lens[] = {1, 4, 23, 24, 70, ALIGN - 1, ALIGN + 1, 2 * ALIGN - 1};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		gt_buf out = GT_BUF_INIT;
		S_encode(&out, 0, &e, 1);
		out.len = lens[i];
		out.data[out.len] = 0;
		gt_buf copy = GT_BUF_INIT;
		cr_assert_eq(gt_buf_add(&copy, out.data, out.len), 0);
		gt_error err = {0};
		int rc = gt_journal_encode(&out, 1, &e, 1, &err);
		cr_assert_eq(rc, GT_EINVAL, "out of %zu bytes: %d", lens[i], rc);
		cr_assert_eq(err.code, GT_EINVAL);
		cr_assert_neq(err.msg[0], 0);
		cr_assert_eq(out.len, lens[i], "out changed to %zu bytes", out.len);
		cr_assert_eq(memcmp(out.data, copy.data, copy.len + 1), 0, "out of %zu bytes",
			     lens[i]);
		cr_assert_eq(gt_journal_encode(&out, 1, &e, 1, NULL), GT_EINVAL);
		cr_assert_eq(out.len, lens[i]);
		gt_buf_done(&copy);
		gt_buf_done(&out);
	}
}

/* ---- reading at a position ------------------------------------------------ */

Test(journal, unaligned_pos)
{
	S_pair p;
	S_two(&p, 0);
	static const size_t bad[] = {1,		2,	   4,	       20,
				     23,	24,	   70,	       ALIGN / 2,
				     ALIGN - 1, ALIGN + 1, ALIGN + 24, 2 * ALIGN - 1};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[48];
		snprintf(what, sizeof(what), "pos %zu", bad[i]);
		S_expect(p.j.data, p.j.len, bad[i], GT_EINVAL, what);
	}
	/* At or past the end is the end. */
	S_expect_end(p.j.data, p.j.len, p.j.len, "at the end");
	S_expect_end(p.j.data, p.j.len, p.j.len + 1, "past the end");
	S_expect_end(p.j.data, p.j.len, p.j.len + ALIGN, "a block past the end");
	S_two_done(&p);
}

/* ---- torn tails ----------------------------------------------------------- */

Test(journal, every_truncation)
{
	for (int layout = 0; layout < S_NLAYOUTS; layout++) {
		S_pair p;
		S_two(&p, layout);
		const uint8_t *d = p.j.data;
		for (size_t cut = 0; cut <= p.j.len; cut++) {
			char what[64];
			snprintf(what, sizeof(what), "%s: cut at %zu", p.name, cut);
			if (cut == 0) {
				S_expect_end(d, cut, 0, what);
			} else if (cut < p.b1) {
				/* Inside the first record, the second gone. */
				S_expect(d, cut, 0, GT_JOURNAL_TORN, what);
			} else if (cut <= p.l1) {
				/* Inside the first record's padding. */
				size_t pos = S_rec1(&p, d, cut, what);
				cr_assert_eq(pos, cut);
				S_expect_end(d, cut, pos, what);
			} else if (cut < p.l1 + p.b2) {
				/* Inside the second record. */
				size_t pos = S_rec1(&p, d, cut, what);
				cr_assert_eq(pos, p.l1);
				S_expect(d, cut, pos, GT_JOURNAL_TORN, what);
			} else {
				/* Inside the second record's padding. */
				size_t pos = S_rec1(&p, d, cut, what);
				pos = S_rec2(&p, d, cut, pos, what);
				cr_assert_eq(pos, cut);
				S_expect_end(d, cut, pos, what);
			}
		}
		S_two_done(&p);
	}
}

Test(journal, torn_and_zero_filled)
{
	/* A crash can leave the file at its full length with zeros where the
	 * last record's bytes never arrived, its header whole or not. */
	for (int layout = 0; layout < S_NLAYOUTS; layout++) {
		S_pair p;
		S_two(&p, layout);
		uint8_t *copy = malloc(p.j.len);
		cr_assert_not_null(copy);
		for (size_t cut = 0; cut < p.l1; cut++) {
			char what[64];
			snprintf(what, sizeof(what), "%s: only record zeroed from %zu", p.name,
				 cut);
			memcpy(copy, p.j.data, p.l1);
			memset(copy + cut, 0, p.l1 - cut);
			if (cut < p.b1) {
				S_expect(copy, p.l1, 0, GT_JOURNAL_TORN, what);
				/* A whole record after it: damage, not a tear. */
				memcpy(copy + p.l1, p.j.data + p.l1, p.l2);
				snprintf(what, sizeof(what), "%s: first record zeroed from %zu",
					 p.name, cut);
				S_expect(copy, p.j.len, 0, GT_ECORRUPT, what);
			} else {
				S_expect_end(copy, p.l1, S_rec1(&p, copy, p.l1, what), what);
			}
		}
		for (size_t cut = p.l1; cut < p.j.len; cut++) {
			char what[64];
			snprintf(what, sizeof(what), "%s: second record zeroed from %zu", p.name,
				 cut);
			memcpy(copy, p.j.data, p.j.len);
			memset(copy + cut, 0, p.j.len - cut);
			size_t pos = S_rec1(&p, copy, p.j.len, what);
			if (cut < p.l1 + p.b2)
				S_expect(copy, p.j.len, pos, GT_JOURNAL_TORN, what);
			else
				S_expect_end(copy, p.j.len, S_rec2(&p, copy, p.j.len, pos, what),
					     what);
		}
		free(copy);
		S_two_done(&p);
	}
}

Test(journal, trailing_zeros)
{
	/* Zeros after the last record: a record that never arrived. */
	S_pair p;
	S_two(&p, 0);
	size_t valid = p.j.len;
	for (size_t k = 1; k <= 3 * ALIGN + 1; k++) {
		S_zeros(&p.j, 1);
		if (k > 300 && k % ALIGN > 1 && k % ALIGN < ALIGN - 1)
			continue;
		char what[48];
		snprintf(what, sizeof(what), "%zu zero bytes after two records", k);
		size_t pos = S_rec1(&p, p.j.data, p.j.len, what);
		pos = S_rec2(&p, p.j.data, p.j.len, pos, what);
		cr_assert_eq(pos, valid);
		S_expect(p.j.data, p.j.len, pos, GT_JOURNAL_TORN, what);
	}
	S_two_done(&p);
}

Test(journal, only_zeros)
{
	static uint8_t zeros[70000];
	static const size_t sizes[] = {1,     2,	 3,	     4,		23,   24,
				       25,    55,	 56,	     57,	100,  ALIGN - 1,
				       ALIGN, ALIGN + 1, ALIGN + 24, 2 * ALIGN, 70000};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char what[48];
		snprintf(what, sizeof(what), "%zu zero bytes", sizes[i]);
		S_expect(zeros, sizes[i], 0, GT_JOURNAL_TORN, what);
		if (sizes[i] > ALIGN)
			S_expect(zeros, sizes[i], ALIGN, GT_JOURNAL_TORN, what);
	}
}

/* A short remainder is a cut header, not damage. */
Test(journal, short_garbage_tail)
{
	S_pair p;
	S_two(&p, 0);
	size_t valid = p.j.len;
	gt_bytes e = {(const uint8_t *)"third", 5};
	gt_buf third = GT_BUF_INIT;
	size_t b3 = GT_JOURNAL_HEAD + 2 + 5 + GT_JOURNAL_TAIL;
	S_encode(&third, 11, &e, 1);
	struct {
		const char *what;
		const void *bytes;
		size_t len;
	} tails[] = {
		{"3 bytes of a magic", "gtj", 3},
		{"6 bytes, not all zero", "\0\0\0\0\0x", 6},
		{"the old magic and more", "gtj1 and then some more bytes", 29},
		{"a header without its check", third.data, 20},
		{"a header only", third.data, GT_JOURNAL_HEAD},
		{"a header and a byte", third.data, GT_JOURNAL_HEAD + 1},
		{"all but the checksum", third.data, GT_JOURNAL_HEAD + 7},
		{"all but a byte", third.data, b3 - 1},
	};
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		p.j.len = valid;
		cr_assert_eq(gt_buf_add(&p.j, tails[i].bytes, tails[i].len), 0);
		size_t pos = S_rec1(&p, p.j.data, p.j.len, tails[i].what);
		pos = S_rec2(&p, p.j.data, p.j.len, pos, tails[i].what);
		cr_assert_eq(pos, valid);
		S_expect(p.j.data, p.j.len, pos, GT_JOURNAL_TORN, tails[i].what);
	}
	/* The whole third record, without its padding, is whole. */
	p.j.len = valid;
	cr_assert_eq(gt_buf_add(&p.j, third.data, b3), 0);
	size_t pos = S_rec2(&p, p.j.data, p.j.len, ALIGN, "third");
	pos = S_expect_rec(p.j.data, p.j.len, pos, 11, &e, 1, "third");
	cr_assert_eq(pos, p.j.len);
	gt_buf_done(&third);
	S_two_done(&p);
}

/* ---- damage ----------------------------------------------------------------- */

/* Flip bits of data[from, to) one at a time (all 8 of each byte, or one
 * bit per byte, a different one each time, when sparse) and call check. */
static void S_flips(S_pair *p, size_t from, size_t to, int sparse,
		    void (*check)(S_pair *p, size_t at, int bit, const char *what))
{
	for (size_t at = from; at < to; at++) {
		for (int bit = 0; bit < 8; bit++) {
			if (sparse && bit != (int)(at % 8))
				continue;
			p->j.data[at] ^= (uint8_t)(1u << bit);
			char what[96];
			snprintf(what, sizeof(what), "%s: bit %d of byte %zu", p->name, bit, at);
			check(p, at, bit, what);
			p->j.data[at] ^= (uint8_t)(1u << bit);
		}
	}
	/* Restored. */
	size_t pos = S_rec1(p, p->j.data, p->j.len, "restored");
	S_expect_end(p->j.data, p->j.len, S_rec2(p, p->j.data, p->j.len, pos, "restored"),
		     "restored");
}

static void S_check_first(S_pair *p, size_t at, int bit, const char *what)
{
	(void)at, (void)bit;
	S_expect(p->j.data, p->j.len, 0, GT_ECORRUPT, what);
	S_rec2(p, p->j.data, p->j.len, p->l1, what); /* still there */
}

static void S_check_last(S_pair *p, size_t at, int bit, const char *what)
{
	(void)at, (void)bit;
	size_t pos = S_rec1(p, p->j.data, p->j.len, what);
	S_expect(p->j.data, p->j.len, pos, GT_JOURNAL_TORN, what);
}

static void S_check_both(S_pair *p, size_t at, int bit, const char *what)
{
	(void)at, (void)bit;
	size_t pos = S_rec1(p, p->j.data, p->j.len, what);
	pos = S_rec2(p, p->j.data, p->j.len, pos, what);
	S_expect_end(p->j.data, p->j.len, pos, what);
}

Test(journal, flipped_bit_in_first_record)
{
	/* Any bit of the header (the payload length too), payload or checksum
	 * of a record with a record after it: damage, never a torn tail. */
	for (int layout = 0; layout < S_NLAYOUTS; layout++) {
		S_pair p;
		S_two(&p, layout);
		S_flips(&p, 0, p.b1, layout > 0, S_check_first);
		S_two_done(&p);
	}
}

Test(journal, flipped_bit_in_last_record)
{
	/* Any bit of the last record: a torn tail (the magic and payload
	 * length too: nothing valid follows). */
	for (int layout = 0; layout < S_NLAYOUTS; layout++) {
		S_pair p;
		S_two(&p, layout);
		S_flips(&p, p.l1, p.l1 + p.b2, layout > 0, S_check_last);
		S_two_done(&p);
	}
}

Test(journal, flipped_bit_in_padding)
{
	/* The padding is not read: both records are still whole. */
	for (int layout = 0; layout < S_NLAYOUTS; layout++) {
		S_pair p;
		S_two(&p, layout);
		S_flips(&p, p.b1, p.l1, layout > 0, S_check_both);
		S_flips(&p, p.l1 + p.b2, p.j.len, layout > 0, S_check_both);
		S_two_done(&p);
	}
}

Test(journal, flipped_bit_in_only_record)
{
	gt_bytes e = {(const uint8_t *)"alone", 5};
	gt_buf j = GT_BUF_INIT;
	S_encode(&j, 3, &e, 1);
	size_t b = GT_JOURNAL_HEAD + 2 + 5 + GT_JOURNAL_TAIL;
	for (size_t at = 0; at < j.len; at++) {
		for (int bit = 0; bit < 8; bit++) {
			j.data[at] ^= (uint8_t)(1u << bit);
			char what[64];
			snprintf(what, sizeof(what), "bit %d of byte %zu of the only record", bit,
				 at);
			if (at < b)
				S_expect(j.data, j.len, 0, GT_JOURNAL_TORN, what);
			else
				S_expect_end(j.data, j.len,
					     S_expect_rec(j.data, j.len, 0, 3, &e, 1, what), what);
			j.data[at] ^= (uint8_t)(1u << bit);
		}
	}
	gt_buf_done(&j);
}

Test(journal, zeroed_header)
{
	/* A header missing (zeros): torn when last, damage when a record follows. */
	for (int layout = 0; layout < S_NLAYOUTS; layout++) {
		S_pair p;
		S_two(&p, layout);
		uint8_t *copy = malloc(p.j.len);
		cr_assert_not_null(copy);
		char what[64];
		memcpy(copy, p.j.data, p.j.len);
		memset(copy, 0, GT_JOURNAL_HEAD);
		snprintf(what, sizeof(what), "%s: the first header zeroed", p.name);
		S_expect(copy, p.j.len, 0, GT_ECORRUPT, what);
		S_expect(copy, p.l1, 0, GT_JOURNAL_TORN, what); /* alone */
		S_rec2(&p, copy, p.j.len, p.l1, what);
		memcpy(copy, p.j.data, p.j.len);
		memset(copy + p.l1, 0, GT_JOURNAL_HEAD);
		snprintf(what, sizeof(what), "%s: the second header zeroed", p.name);
		size_t pos = S_rec1(&p, copy, p.j.len, what);
		S_expect(copy, p.j.len, pos, GT_JOURNAL_TORN, what);
		/* Each field of a header zeroed on its own. */
		static const size_t field[][2] = {{0, 4}, {4, 4}, {8, 8}, {16, 4}, {20, 4}};
		for (size_t f = 0; f < 5; f++) {
			snprintf(what, sizeof(what), "%s: header bytes %zu+%zu zeroed", p.name,
				 field[f][0], field[f][1]);
			memcpy(copy, p.j.data, p.j.len);
			memset(copy + field[f][0], 0, field[f][1]);
			S_expect(copy, p.j.len, 0, GT_ECORRUPT, what);
			memcpy(copy, p.j.data, p.j.len);
			memset(copy + p.l1 + field[f][0], 0, field[f][1]);
			S_expect(copy, p.j.len, S_rec1(&p, copy, p.j.len, what), GT_JOURNAL_TORN,
				 what);
		}
		free(copy);
		S_two_done(&p);
	}
}

Test(journal, missing_block_between_records)
{
	/* A record whose blocks are all zeros (or garbage), a record after it. */
	S_pair p;
	S_two(&p, 0);
	gt_buf g = GT_BUF_INIT;
	cr_assert_eq(gt_buf_add(&g, p.j.data, p.l1), 0);
	S_zeros(&g, ALIGN);
	cr_assert_eq(gt_buf_add(&g, p.j.data + p.l1, p.l2), 0);
	size_t pos = S_rec1(&p, g.data, g.len, "before the zeros");
	S_expect(g.data, g.len, pos, GT_ECORRUPT, "a block of zeros");
	S_expect(g.data, g.len - p.l2, pos, GT_JOURNAL_TORN, "a block of zeros at the end");
	S_rec2(&p, g.data, g.len, pos + ALIGN, "after the zeros");
	/* Garbage, with the right magic or not. */
	static const char *junk[] = {"GTJ2 not a record at all", "gtj2 not a record at all"};
	for (size_t i = 0; i < 2; i++) {
		memset(g.data + pos, 0, ALIGN);
		memcpy(g.data + pos, junk[i], strlen(junk[i]));
		S_expect(g.data, g.len, pos, GT_ECORRUPT, junk[i]);
		S_expect(g.data, g.len - p.l2, pos, GT_JOURNAL_TORN, junk[i]);
	}
	/* A valid header two blocks on counts as much as one block on. */
	gt_buf_reset(&g);
	cr_assert_eq(gt_buf_add(&g, p.j.data, p.l1), 0);
	S_zeros(&g, 5 * ALIGN);
	cr_assert_eq(gt_buf_add(&g, p.j.data + p.l1, p.l2), 0);
	S_expect(g.data, g.len, p.l1, GT_ECORRUPT, "five blocks of zeros");
	S_expect(g.data, g.len, 2 * ALIGN, GT_ECORRUPT, "four blocks of zeros");
	gt_buf_done(&g);
	S_two_done(&p);
}

Test(journal, nearly_a_header_after_damage)
{
	/* What counts after damage is a valid header (magic and header check),
	 * whether or not the rest of its record is whole: a header alone
	 * makes damage of what comes before it, a header with any bit wrong
	 * does not. */
	S_pair p;
	S_two(&p, 0);
	p.j.data[GT_JOURNAL_HEAD] ^= 1; /* the first record's payload */
	S_expect(p.j.data, p.j.len, 0, GT_ECORRUPT, "a record follows");
	S_expect(p.j.data, p.l1 + GT_JOURNAL_HEAD, 0, GT_ECORRUPT, "a header follows");
	S_expect(p.j.data, p.l1 + GT_JOURNAL_HEAD - 1, 0, GT_JOURNAL_TORN,
		 "a header cut short follows");
	for (size_t at = p.l1; at < p.l1 + GT_JOURNAL_HEAD; at++) {
		for (int bit = 0; bit < 8; bit++) {
			char what[64];
			snprintf(what, sizeof(what), "bit %d of byte %zu of the next header", bit,
				 at - p.l1);
			p.j.data[at] ^= (uint8_t)(1u << bit);
			S_expect(p.j.data, p.j.len, 0, GT_JOURNAL_TORN, what);
			S_expect(p.j.data, p.j.len, p.l1, GT_JOURNAL_TORN, what);
			p.j.data[at] ^= (uint8_t)(1u << bit);
		}
	}
	/* Another magic, with a header check that matches it. */
	static const char *magic[] = {"gtj1", "gtj3", "Gtj2", "gtJ2", "\0tj2"};
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++) {
		uint8_t *h = p.j.data + p.l1, sum[SHA256_DIGEST_LENGTH];
		memcpy(h, magic[i], 4);
		SHA256(h, 20, sum);
		memcpy(h + 20, sum, 4);
		S_expect(p.j.data, p.j.len, 0, GT_JOURNAL_TORN, "another magic");
		S_expect(p.j.data, p.j.len, p.l1, GT_JOURNAL_TORN, "another magic");
	}
	S_two_done(&p);
}

Test(journal, unaligned_record_after_damage)
{
	/* Only headers at aligned offsets count: a record that follows damage
	 * at an unaligned offset is not seen. */
	S_pair p;
	S_two(&p, 0);
	gt_buf g = GT_BUF_INIT;
	cr_assert_eq(gt_buf_add(&g, "junk", 4), 0);
	cr_assert_eq(gt_buf_add(&g, p.j.data + p.l1, p.l2), 0);
	S_expect(g.data, g.len, 0, GT_JOURNAL_TORN, "a record at offset 4");
	gt_buf_reset(&g);
	S_zeros(&g, ALIGN + 100);
	cr_assert_eq(gt_buf_add(&g, p.j.data + p.l1, p.l2), 0);
	S_expect(g.data, g.len, 0, GT_JOURNAL_TORN, "a record at offset 4196");
	gt_buf_done(&g);
	S_two_done(&p);
}

Test(journal, old_format)
{
	/* A record of the old format ("gtj1", no header check, no padding) is
	 * not a record. */
	gt_bytes e = {(const uint8_t *)"old", 3};
	gt_buf payload = GT_BUF_INIT;
	S_bundle(&payload, &e, 1);
	gt_buf j = GT_BUF_INIT;
	S_old_record(&j, 1, 0, payload.data, (uint32_t)payload.len);
	S_expect(j.data, j.len, 0, GT_JOURNAL_TORN, "an old record alone");
	S_zeros(&j, ALIGN - j.len);
	S_encode(&j, 1, &e, 1);
	S_expect(j.data, j.len, 0, GT_ECORRUPT, "an old record, then a new one");
	S_expect_rec(j.data, j.len, ALIGN, 1, &e, 1, "the new one");
	gt_buf_done(&j);
	gt_buf_done(&payload);
}

/* ---- a right checksum over wrong contents --------------------------------- */

Test(journal, count_does_not_match_payload)
{
	gt_bytes e[3] = {{(const uint8_t *)"one", 3},
			 {(const uint8_t *)"two", 3},
			 {(const uint8_t *)"three", 5}};
	gt_buf payload = GT_BUF_INIT;
	S_bundle(&payload, e, 3);
	uint32_t plen = (uint32_t)payload.len;
	static const uint32_t counts[] = {0, 1, 2, 4, 5, 255, 65536, UINT32_MAX};
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		char what[64];
		gt_buf j = GT_BUF_INIT;
		/* At the end: still damage, checksums that match are no tear. */
		S_handmade(&j, counts[i], 10, payload.data, plen);
		snprintf(what, sizeof(what), "count %u for 3 entries, at the end", counts[i]);
		S_expect(j.data, j.len, 0, GT_ECORRUPT, what);
		/* After a valid record, and before one. */
		gt_buf k = GT_BUF_INIT;
		size_t l = S_encode(&k, 9, e, 1);
		S_handmade(&k, counts[i], 10, payload.data, plen);
		S_encode(&k, 13, e + 2, 1);
		snprintf(what, sizeof(what), "count %u for 3 entries, in the middle", counts[i]);
		size_t pos = S_expect_rec(k.data, k.len, 0, 9, e, 1, what);
		cr_assert_eq(pos, l);
		S_expect(k.data, k.len, pos, GT_ECORRUPT, what);
		S_expect_rec(k.data, k.len, pos + ALIGN, 13, e + 2, 1, what);
		gt_buf_done(&k);
		gt_buf_done(&j);
	}
	/* The right count made by hand reads back as gt_journal_encode's record. */
	gt_buf j = GT_BUF_INIT, k = GT_BUF_INIT;
	S_handmade(&j, 3, 10, payload.data, plen);
	S_encode(&k, 10, e, 3);
	cr_assert_eq(j.len, k.len);
	cr_assert_eq(memcmp(j.data, k.data, j.len), 0);
	S_expect_rec(j.data, j.len, 0, 10, e, 3, "handmade");
	gt_buf_done(&j);
	gt_buf_done(&k);
	gt_buf_done(&payload);
}

Test(journal, malformed_payload)
{
	struct {
		const char *what;
		uint32_t count;
		const char *p;
		uint32_t plen;
	} bad[] = {
		{"no entries, count 0", 0, "", 0},
		{"no entries, count 1", 1, "", 0},
		{"an empty entry", 1, "\0\0", 2},
		{"an empty entry after one", 2, "\0\1a\0\0", 5},
		{"an empty entry before one", 2, "\0\0\0\1a", 5},
		{"an entry cut short", 1, "\0\5abc", 5},
		{"a lone length byte", 1, "\0", 1},
		{"a byte after an entry", 1, "\0\1ab", 4},
		{"a length byte after an entry", 2, "\0\1a\0", 4},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gt_buf j = GT_BUF_INIT;
		S_handmade(&j, bad[i].count, 0, bad[i].p, bad[i].plen);
		S_expect(j.data, j.len, 0, GT_ECORRUPT, bad[i].what);
		gt_bytes e = {(const uint8_t *)"z", 1};
		S_encode(&j, 5, &e, 1); /* followed by a valid record */
		S_expect(j.data, j.len, 0, GT_ECORRUPT, bad[i].what);
		gt_buf_done(&j);
	}
}

Test(journal, index_limits)
{
	gt_bytes e[2] = {{(const uint8_t *)"p", 1}, {(const uint8_t *)"q", 1}};
	gt_buf payload = GT_BUF_INIT;
	S_bundle(&payload, e, 2);
	/* The tree size after the record, first + count, must fit. */
	gt_buf j = GT_BUF_INIT;
	S_handmade(&j, 2, UINT64_MAX - 2, payload.data, (uint32_t)payload.len);
	S_expect_rec(j.data, j.len, 0, UINT64_MAX - 2, e, 2, "ends at UINT64_MAX");
	static const uint64_t past[] = {UINT64_MAX - 1, UINT64_MAX};
	for (size_t i = 0; i < 2; i++) {
		gt_buf_reset(&j);
		S_handmade(&j, 2, past[i], payload.data, (uint32_t)payload.len);
		S_expect(j.data, j.len, 0, GT_ECORRUPT, "past UINT64_MAX, at the end");
		S_encode(&j, 0, e, 1);
		S_expect(j.data, j.len, 0, GT_ECORRUPT, "past UINT64_MAX, a record after");
		/* What encode refuses to make. */
		gt_buf k = GT_BUF_INIT;
		cr_assert_eq(gt_journal_encode(&k, past[i], e, 2, NULL), GT_EINVAL);
		cr_assert_eq(k.len, 0);
		gt_buf_done(&k);
	}
	gt_buf_done(&j);
	gt_buf_done(&payload);
}

Test(journal, handmade_padding_and_lengths)
{
	gt_bytes e = {(const uint8_t *)"entry", 5};
	gt_buf payload = GT_BUF_INIT;
	S_bundle(&payload, &e, 1);
	uint32_t plen = (uint32_t)payload.len;
	/* Padding that is not zeros is not read. */
	gt_buf j = GT_BUF_INIT;
	S_handmade(&j, 1, 4, payload.data, plen);
	memset(j.data + GT_JOURNAL_HEAD + plen + GT_JOURNAL_TAIL, 0xff,
	       j.len - (GT_JOURNAL_HEAD + plen + GT_JOURNAL_TAIL));
	memcpy(j.data + ALIGN - GT_JOURNAL_HEAD, j.data, GT_JOURNAL_HEAD); /* a header copy */
	S_encode(&j, 5, &e, 1);
	size_t pos = S_expect_rec(j.data, j.len, 0, 4, &e, 1, "garbage padding");
	cr_assert_eq(pos, ALIGN);
	S_expect_rec(j.data, j.len, pos, 5, &e, 1, "after garbage padding");
	/* A valid header saying the record is longer than it is (the checksum
	 * elsewhere, or past the end): a torn tail when last, damage when a
	 * record follows. */
	static const uint32_t longer[] = {100, ALIGN, 1000000, UINT32_MAX - 100};
	for (size_t i = 0; i < sizeof(longer) / sizeof(longer[0]); i++) {
		gt_buf_reset(&j);
		S_handmade(&j, 1, 4, payload.data, plen);
		S_header(j.data, 1, 4, longer[i]);
		S_expect(j.data, j.len, 0, GT_JOURNAL_TORN, "a longer header, last");
		S_encode(&j, 5, &e, 1);
		S_expect(j.data, j.len, 0, GT_ECORRUPT, "a longer header, a record after");
	}
	/* Or shorter: the checksum is not where the header says. */
	gt_buf_reset(&j);
	S_handmade(&j, 1, 4, payload.data, plen);
	S_header(j.data, 1, 4, plen - 1);
	S_expect(j.data, j.len, 0, GT_JOURNAL_TORN, "a shorter header, last");
	S_encode(&j, 5, &e, 1);
	S_expect(j.data, j.len, 0, GT_ECORRUPT, "a shorter header, a record after");
	gt_buf_done(&j);
	gt_buf_done(&payload);
}

Test(journal, header_lookalikes_inside_a_torn_record)
{
	/* An entry can hold bytes that look like a record header at an aligned
	 * offset of its record. When that record is torn, only a valid header
	 * past the record's claimed end, or a whole record with its checksum
	 * right, means "a record follows": a lookalike header alone does not
	 * turn a torn tail into damage. */
	gt_buf fake = GT_BUF_INIT, j = GT_BUF_INIT;
	gt_bytes small = {(const uint8_t *)"x", 1};
	S_encode(&fake, 77, &small, 1); /* a whole record, 4096 bytes */
	uint8_t *big = malloc(10000);
	cr_assert_not_null(big);
	memset(big, 'e', 10000);
	/* Record offset 4096 is entry byte 4096 - 24 - 2. */
	memcpy(big + ALIGN - GT_JOURNAL_HEAD - 2, fake.data, GT_JOURNAL_HEAD);
	gt_bytes e = {big, 10000};
	S_encode(&j, 5, &e, 1);
	cr_assert_eq(j.len, 3 * ALIGN);
	S_expect_rec(j.data, j.len, 0, 5, &e, 1, "whole");
	S_expect(j.data, 2 * ALIGN, 0, GT_JOURNAL_TORN, "cut at 8192, a lookalike header inside");
	memset(j.data + 2 * ALIGN, 0, ALIGN);
	S_expect(j.data, j.len, 0, GT_JOURNAL_TORN, "last block lost, a lookalike header inside");
	/* A whole valid record inside the entry does count: damage. */
	gt_buf_reset(&j);
	memcpy(big + ALIGN - GT_JOURNAL_HEAD - 2, fake.data, fake.len);
	S_encode(&j, 5, &e, 1);
	memset(j.data + 2 * ALIGN, 0, ALIGN);
	S_expect(j.data, j.len, 0, GT_ECORRUPT, "last block lost, a whole record inside");
	/* A real record after the torn one's claimed end is damage too. */
	gt_buf_reset(&j);
	memcpy(big + ALIGN - GT_JOURNAL_HEAD - 2, fake.data, GT_JOURNAL_HEAD);
	S_encode(&j, 5, &e, 1);
	S_encode(&j, 6, &small, 1);
	memset(j.data + 2 * ALIGN, 0, ALIGN);
	S_expect(j.data, j.len, 0, GT_ECORRUPT, "a record after the torn one");
	free(big);
	gt_buf_done(&fake);
	gt_buf_done(&j);
}
