/* Unit tests for the write-ahead journal's record format (src/log/journal.c):
 * gt_journal_encode and gt_journal_next, the exact byte layout, refusals,
 * every truncation, zero tails, flipped bits and hand-made records whose
 * checksum is right but whose contents are not. */
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

/* ---- helpers ------------------------------------------------------------ */

static void S_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
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

/* Append a record made by hand (any header, any payload, a right checksum
 * computed with OpenSSL) to out. */
static void S_handmade(gt_buf *out, uint32_t count, uint64_t first, const void *payload,
		       uint32_t plen)
{
	size_t start = out->len;
	uint8_t head[GT_JOURNAL_HEAD], sum[SHA256_DIGEST_LENGTH];
	memcpy(head, "gtj1", 4);
	S_be32(head + 4, count);
	S_be32(head + 8, (uint32_t)(first >> 32));
	S_be32(head + 12, (uint32_t)first);
	S_be32(head + 16, plen);
	cr_assert_eq(gt_buf_add(out, head, sizeof(head)), 0);
	cr_assert_eq(gt_buf_add(out, payload, plen), 0);
	SHA256(out->data + start, GT_JOURNAL_HEAD + (size_t)plen, sum);
	cr_assert_eq(gt_buf_add(out, sum, sizeof(sum)), 0);
}

/* Append the record gt_journal_encode makes of n entries at first; its length. */
static size_t S_encode(gt_buf *out, uint64_t first, const gt_bytes *e, size_t n)
{
	size_t before = out->len;
	gt_error err = {0};
	int rc = gt_journal_encode(out, first, e, n, &err);
	cr_assert_eq(rc, 0, "gt_journal_encode: %d %s", rc, err.msg);
	return out->len - before;
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
}

/* Expect a whole record at pos: first, count, the payload (in data, in bundle
 * form) and its length; returns the position after it. */
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
	CHECK(rec.len == GT_JOURNAL_HEAD + want.len + GT_JOURNAL_TAIL, "%s: len %zu", what,
	      rec.len);
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

/* Two small records back to back, for the damage tests: the first of two
 * entries at index 7, the second of three at index 9. */
static const gt_bytes S_r1[] = {{(const uint8_t *)"first", 5}, {(const uint8_t *)"entry", 5}};
static const gt_bytes S_r2[] = {
	{(const uint8_t *)"a", 1},
	{(const uint8_t *)"second record", 13},
	{(const uint8_t *)"of three entries", 16},
};

static void S_two(gt_buf *j, size_t *l1, size_t *l2)
{
	*l1 = S_encode(j, 7, S_r1, 2);
	*l2 = S_encode(j, 9, S_r2, 3);
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
	cr_assert_eq(S_encode(&j, 0, &e, 1), GT_JOURNAL_HEAD + 2 + 5 + GT_JOURNAL_TAIL);
	size_t pos = S_expect_rec(j.data, j.len, 0, 0, &e, 1, "one entry");
	cr_assert_eq(pos, j.len);
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
	struct {
		uint64_t first;
		const gt_bytes *e;
		size_t n;
	} recs[] = {
		{0, &one, 1},
		{1, many, MANY},
		{1001, max, 1},
		{1002, max, 3},
		{UINT64_MAX - 3, three, 3}, /* the last entry at UINT64_MAX - 1 */
		{UINT64_MAX - 1, &one, 1},
		{42, three, 2}, /* records need not follow on */
	};
	size_t nrecs = sizeof(recs) / sizeof(recs[0]);
	gt_buf j = GT_BUF_INIT;
	for (size_t i = 0; i < nrecs; i++) {
		size_t prev = j.len;
		size_t len = S_encode(&j, recs[i].first, recs[i].e, recs[i].n);
		/* Each record on its own is the same bytes. */
		gt_buf alone = GT_BUF_INIT;
		cr_assert_eq(S_encode(&alone, recs[i].first, recs[i].e, recs[i].n), len);
		cr_assert_eq(memcmp(alone.data, j.data + prev, len), 0, "record %zu", i);
		gt_buf_done(&alone);
	}
	size_t pos = 0;
	for (size_t i = 0; i < nrecs; i++) {
		char what[32];
		snprintf(what, sizeof(what), "record %zu", i);
		pos = S_expect_rec(j.data, j.len, pos, recs[i].first, recs[i].e, recs[i].n, what);
	}
	cr_assert_eq(pos, j.len);
	S_expect_end(j.data, j.len, pos, "after all");
	gt_buf_done(&j);
	free(many);
	free(pool);
}

Test(journal, exact_layout)
{
	gt_bytes e[2] = {{(const uint8_t *)"abc", 3}, {(const uint8_t *)"x", 1}};
	gt_buf j = GT_BUF_INIT;
	cr_assert_eq(gt_buf_add(&j, "prefix", 6), 0); /* encode appends */
	cr_assert_eq(S_encode(&j, 0x0102030405060708ull, e, 2), 60);
	cr_assert_eq(j.len, 66);
	cr_assert_eq(memcmp(j.data, "prefix", 6), 0);
	/* magic, count, first, payload length, payload */
	static const uint8_t body[29] = "gtj1"
					"\0\0\0\2"
					"\1\2\3\4\5\6\7\10"
					"\0\0\0\10"
					"\0\3abc\0\1x";
	const uint8_t *r = j.data + 6;
	cr_assert_eq(memcmp(r, body, 28), 0);
	uint8_t sum[32];
	SHA256(body, 28, sum);
	cr_assert_eq(memcmp(r + 28, sum, 32), 0);
	/* The checksum, fixed (sha256 of the 28 bytes above). */
	uint8_t fixed[32];
	tu_hex("9bf1cfe7b32bca9cdcbf8224af1309eea1d209fa84fe357762d2c409356776ab", fixed, 32);
	cr_assert_eq(memcmp(r + 28, fixed, 32), 0);
	cr_assert_eq(j.data[j.len], 0, "gt_buf stays NUL-terminated");
	S_expect_rec(j.data, j.len, 6, 0x0102030405060708ull, e, 2, "layout");
	S_expect_end(j.data, j.len, 66, "layout");
	gt_buf_done(&j);
}

Test(journal, encode_refusals)
{
	static uint8_t big[GT_ENTRY_MAX + 1];
	gt_bytes ok = {(const uint8_t *)"ok", 2};
	struct {
		const char *what;
		gt_bytes e[3];
		size_t n;
	} bad[] = {
		{"no entries", {{0}}, 0},
		{"an empty entry", {{(const uint8_t *)"", 0}}, 1},
		{"an empty entry after one", {ok, {(const uint8_t *)"x", 0}}, 2},
		{"an empty entry with NULL data", {ok, ok, {NULL, 0}}, 3},
		{"an entry of GT_ENTRY_MAX + 1 bytes", {{big, GT_ENTRY_MAX + 1}}, 1},
		{"a large entry after one", {ok, {big, GT_ENTRY_MAX + 1}}, 2},
		{"a huge entry", {{big, SIZE_MAX}}, 1},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gt_buf out = GT_BUF_INIT;
		cr_assert_eq(gt_buf_add(&out, "kept", 4), 0);
		gt_error err = {0};
		int rc = gt_journal_encode(&out, 1, bad[i].e, bad[i].n, &err);
		cr_assert_eq(rc, GT_EINVAL, "%s: %d", bad[i].what, rc);
		cr_assert_eq(err.code, GT_EINVAL, "%s", bad[i].what);
		cr_assert_neq(err.msg[0], 0, "%s: no message", bad[i].what);
		cr_assert_eq(out.len, 4, "%s: out changed to %zu bytes", bad[i].what, out.len);
		cr_assert_eq(memcmp(out.data, "kept\0", 5), 0, "%s", bad[i].what);
		/* And with err NULL. */
		cr_assert_eq(gt_journal_encode(&out, 1, bad[i].e, bad[i].n, NULL), GT_EINVAL);
		cr_assert_eq(out.len, 4);
		gt_buf_done(&out);
	}
}

/* ---- torn tails ----------------------------------------------------------- */

Test(journal, every_truncation)
{
	gt_buf j = GT_BUF_INIT;
	size_t l1, l2;
	S_two(&j, &l1, &l2);
	cr_assert_eq(j.len, l1 + l2);
	for (size_t cut = 0; cut <= j.len; cut++) {
		char what[48];
		snprintf(what, sizeof(what), "cut at %zu", cut);
		if (cut == 0) {
			S_expect_end(j.data, cut, 0, what);
		} else if (cut < l1) {
			S_expect(j.data, cut, 0, GT_JOURNAL_TORN, what);
		} else {
			size_t pos = S_expect_rec(j.data, cut, 0, 7, S_r1, 2, what);
			if (cut == l1) {
				S_expect_end(j.data, cut, pos, what);
			} else if (cut < l1 + l2) {
				S_expect(j.data, cut, pos, GT_JOURNAL_TORN, what);
			} else {
				pos = S_expect_rec(j.data, cut, pos, 9, S_r2, 3, what);
				S_expect_end(j.data, cut, pos, what);
			}
		}
	}
	gt_buf_done(&j);
}

Test(journal, torn_and_zero_filled)
{
	/* A crash can leave the file at its full length with zeros where the
	 * last record's bytes never arrived; with its header whole that is a
	 * torn tail. */
	gt_buf j = GT_BUF_INIT;
	size_t l1, l2;
	S_two(&j, &l1, &l2);
	uint8_t *copy = malloc(j.len);
	cr_assert_not_null(copy);
	for (size_t cut = GT_JOURNAL_HEAD; cut < l1; cut++) {
		memcpy(copy, j.data, l1);
		memset(copy + cut, 0, l1 - cut);
		char what[48];
		snprintf(what, sizeof(what), "only record zeroed from %zu", cut);
		S_expect(copy, l1, 0, GT_JOURNAL_TORN, what);
	}
	for (size_t cut = l1 + GT_JOURNAL_HEAD; cut < j.len; cut++) {
		memcpy(copy, j.data, j.len);
		memset(copy + cut, 0, j.len - cut);
		char what[48];
		snprintf(what, sizeof(what), "second record zeroed from %zu", cut);
		size_t pos = S_expect_rec(copy, j.len, 0, 7, S_r1, 2, what);
		S_expect(copy, j.len, pos, GT_JOURNAL_TORN, what);
	}
	free(copy);
	gt_buf_done(&j);
}

Test(journal, trailing_zeros)
{
	gt_buf j = GT_BUF_INIT;
	size_t l1, l2;
	S_two(&j, &l1, &l2);
	size_t valid = j.len;
	for (size_t k = 1; k <= 300; k++) {
		uint8_t z = 0;
		cr_assert_eq(gt_buf_add(&j, &z, 1), 0);
		char what[48];
		snprintf(what, sizeof(what), "%zu zero bytes after two records", k);
		size_t pos = S_expect_rec(j.data, j.len, 0, 7, S_r1, 2, what);
		pos = S_expect_rec(j.data, j.len, pos, 9, S_r2, 3, what);
		cr_assert_eq(pos, valid);
		S_expect(j.data, j.len, pos, GT_JOURNAL_TORN, what);
	}
	gt_buf_done(&j);
}

Test(journal, only_zeros)
{
	static uint8_t zeros[70000];
	static const size_t sizes[] = {1, 2, 3, 4, 19, 20, 21, 51, 52, 53, 100, 4096, 70000};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char what[48];
		snprintf(what, sizeof(what), "%zu zero bytes", sizes[i]);
		S_expect(zeros, sizes[i], 0, GT_JOURNAL_TORN, what);
	}
}

/* A short non-zero remainder is a cut header, not damage. */
Test(journal, short_garbage_tail)
{
	gt_buf j = GT_BUF_INIT;
	size_t l1, l2;
	S_two(&j, &l1, &l2);
	size_t valid = j.len;
	cr_assert_eq(gt_buf_add(&j, "gtj", 3), 0);
	S_expect(j.data, j.len, valid, GT_JOURNAL_TORN, "3 bytes of a magic");
	j.len = valid;
	cr_assert_eq(gt_buf_add(&j, "\0\0\0\0\0x", 6), 0);
	S_expect(j.data, j.len, valid, GT_JOURNAL_TORN, "6 bytes, not all zero");
	gt_buf_done(&j);
}

/* ---- damage ----------------------------------------------------------------- */

Test(journal, flipped_bit_in_first_record)
{
	gt_buf j = GT_BUF_INIT;
	size_t l1, l2;
	S_two(&j, &l1, &l2);
	for (size_t at = 0; at < l1; at++) {
		for (int bit = 0; bit < 8; bit++) {
			if (at >= 16 && at < 20) {
				/* The payload length. A flip that makes the record
				 * reach past the end of the file reads as a torn tail
				 * (journal.h: "a header saying the record ends past
				 * len"), taking the record after it along; not
				 * checked here. */
				uint32_t plen = (uint32_t)j.data[16] << 24 |
						(uint32_t)j.data[17] << 16 |
						(uint32_t)j.data[18] << 8 | j.data[19];
				plen ^= (uint32_t)1 << (8 * (19 - at) + (size_t)bit);
				if ((uint64_t)GT_JOURNAL_HEAD + plen + GT_JOURNAL_TAIL >= j.len)
					continue;
			}
			j.data[at] ^= (uint8_t)(1u << bit);
			char what[64];
			snprintf(what, sizeof(what), "bit %d of byte %zu of the first record", bit,
				 at);
			S_expect(j.data, j.len, 0, GT_ECORRUPT, what);
			j.data[at] ^= (uint8_t)(1u << bit);
		}
	}
	S_expect_rec(j.data, j.len, 0, 7, S_r1, 2, "restored");
	gt_buf_done(&j);
}

Test(journal, flipped_bit_in_last_record)
{
	gt_buf j = GT_BUF_INIT;
	size_t l1, l2;
	S_two(&j, &l1, &l2);
	uint32_t plen = (uint32_t)(l2 - GT_JOURNAL_HEAD - GT_JOURNAL_TAIL);
	for (size_t at = l1; at < j.len; at++) {
		for (int bit = 0; bit < 8; bit++) {
			size_t k = at - l1;
			int want = GT_JOURNAL_TORN;
			if (k < 4) {
				want = GT_ECORRUPT; /* not a record at all */
			} else if (k >= 16 && k < 20) {
				/* A longer record is cut short; a shorter one is
				 * followed by more bytes: damage. */
				uint32_t p = plen ^ (uint32_t)1 << (8 * (19 - k) + (size_t)bit);
				want = p > plen ? GT_JOURNAL_TORN : GT_ECORRUPT;
			}
			j.data[at] ^= (uint8_t)(1u << bit);
			char what[64];
			snprintf(what, sizeof(what), "bit %d of byte %zu of the last record", bit,
				 k);
			size_t pos = S_expect_rec(j.data, j.len, 0, 7, S_r1, 2, what);
			S_expect(j.data, j.len, pos, want, what);
			j.data[at] ^= (uint8_t)(1u << bit);
		}
	}
	gt_buf_done(&j);
}

Test(journal, flipped_bit_in_only_record)
{
	gt_bytes e = {(const uint8_t *)"alone", 5};
	gt_buf j = GT_BUF_INIT;
	S_encode(&j, 3, &e, 1);
	/* Any bit of the count, first index, payload or checksum. */
	for (size_t at = 4; at < j.len; at++) {
		if (at >= 16 && at < 20)
			continue;
		for (int bit = 0; bit < 8; bit++) {
			j.data[at] ^= (uint8_t)(1u << bit);
			S_expect(j.data, j.len, 0, GT_JOURNAL_TORN, "a flip in the only record");
			j.data[at] ^= (uint8_t)(1u << bit);
		}
	}
	for (size_t at = 0; at < 4; at++) {
		j.data[at] ^= 0x20;
		S_expect(j.data, j.len, 0, GT_ECORRUPT, "a flip in the magic");
		j.data[at] ^= 0x20;
	}
	gt_buf_done(&j);
}

Test(journal, garbage_between_records)
{
	gt_buf j = GT_BUF_INIT;
	size_t l1, l2;
	S_two(&j, &l1, &l2);
	gt_buf g = GT_BUF_INIT;
	cr_assert_eq(gt_buf_add(&g, j.data, l1), 0);
	cr_assert_eq(gt_buf_add(&g, "GTJ1 not a record at all", 24), 0);
	cr_assert_eq(gt_buf_add(&g, j.data + l1, l2), 0);
	size_t pos = S_expect_rec(g.data, g.len, 0, 7, S_r1, 2, "before the garbage");
	S_expect(g.data, g.len, pos, GT_ECORRUPT, "garbage");
	/* A valid record read from the middle of another is not one. */
	S_expect(j.data, j.len, 1, GT_ECORRUPT, "at offset 1");
	gt_buf_done(&g);
	gt_buf_done(&j);
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
		/* At the end: still damage, a checksum that matches is no tear. */
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
	gt_buf_reset(&j);
	S_handmade(&j, 2, UINT64_MAX - 1, payload.data, (uint32_t)payload.len);
	S_expect(j.data, j.len, 0, GT_ECORRUPT, "one past");
	gt_buf_reset(&j);
	S_handmade(&j, 2, UINT64_MAX, payload.data, (uint32_t)payload.len);
	S_expect(j.data, j.len, 0, GT_ECORRUPT, "at UINT64_MAX");
	gt_buf_done(&j);
	gt_buf_done(&payload);
}

Test(journal, read_from_any_record)
{
	/* Reading can start at any record boundary; a pos at or past the end is the end. */
	gt_buf j = GT_BUF_INIT;
	size_t l1, l2;
	S_two(&j, &l1, &l2);
	size_t pos = S_expect_rec(j.data, j.len, l1, 9, S_r2, 3, "second on its own");
	cr_assert_eq(pos, j.len);
	S_expect_end(j.data, j.len, j.len, "at the end");
	gt_buf_done(&j);
}
