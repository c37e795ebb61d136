/* libFuzzer target: the write-ahead journal's records (src/log/journal.c), as
 * read by recovery from a file a crash or a disk may have damaged. */
#include "core/buf.h"
#include "core/error.h"
#include "log/hash.h"
#include "log/journal.h"
#include "log/verify.h"

#include <stdlib.h>
#include <string.h>

#define ALIGN GT_JOURNAL_ALIGN

static size_t S_align(size_t n)
{
	return (n + ALIGN - 1) / ALIGN * ALIGN;
}

static uint32_t S_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The format's rules, written again here: a valid header (magic and header
 * check) at data[at..len). */
static int S_head_ok(const uint8_t *data, size_t len, size_t at)
{
	uint8_t sum[32];
	if (len - at < GT_JOURNAL_HEAD || memcmp(data + at, "gtj2", 4) != 0)
		return 0;
	gt_sha256(data + at, 20, sum);
	return memcmp(sum, data + at + 20, 4) == 0;
}

static int S_sums_ok(const uint8_t *data, size_t len, size_t pos);

/* A record after the damaged one at pos: at an aligned offset past the end
 * its header claims (when that header is valid; else past pos's block), a
 * valid header; before that end, a whole record with its checksum right. */
static int S_head_after(const uint8_t *data, size_t len, size_t pos)
{
	size_t from = pos + ALIGN;
	if (S_head_ok(data, len, pos)) {
		uint64_t claimed =
			GT_JOURNAL_HEAD + (uint64_t)S_get32(data + pos + 16) + GT_JOURNAL_TAIL;
		uint64_t end = pos + (claimed + ALIGN - 1) / ALIGN * ALIGN;
		from = end < len ? (size_t)end : len;
	}
	for (size_t at = pos + ALIGN; at < len; at += ALIGN)
		if (at >= from ? S_head_ok(data, len, at) : S_sums_ok(data, len, at))
			return 1;
	return 0;
}

/* Whether the record at pos has a valid header and is whole with its
 * checksum right (whatever its contents). */
static int S_sums_ok(const uint8_t *data, size_t len, size_t pos)
{
	if (!S_head_ok(data, len, pos))
		return 0;
	uint64_t body = GT_JOURNAL_HEAD + (uint64_t)S_get32(data + pos + 16);
	if (body + GT_JOURNAL_TAIL > len - pos)
		return 0;
	uint8_t sum[32];
	gt_sha256(data + pos, (size_t)body, sum);
	return memcmp(sum, data + pos + body, 32) == 0;
}

/* Split a record's payload into its entries (malloc'd, *n of them), checking
 * each lies inside the payload; NULL if it does not split cleanly. */
static gt_bytes *S_split(const gt_bytes *payload, size_t *n)
{
	size_t cap = payload->len / 3 + 1, pos = 0;
	gt_bytes *v = malloc(cap * sizeof(*v)), e;
	if (!v)
		abort();
	*n = 0;
	int rc;
	while ((rc = gt_bundle_next(payload, &pos, &e)) == 1) {
		if (e.len == 0 || e.data < payload->data ||
		    e.data + e.len > payload->data + payload->len || *n == cap)
			abort();
		v[(*n)++] = e;
	}
	if (rc != 0 || pos != payload->len) {
		free(v);
		return NULL;
	}
	return v;
}

/* Whether err names "offset <pos>". */
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

/* The checks of a failure at pos in data[len): the code the rules give (torn
 * only with no record after it, S_head_after; damage only with one, or with
 * the checksums right), and err says where. */
static void S_check_fail(const uint8_t *data, size_t len, size_t pos, int rc, const gt_error *err)
{
	if (rc != GT_JOURNAL_TORN && rc != GT_ECORRUPT)
		abort();
	if (err->code != rc || !strstr(err->msg, "offset") || !S_names_offset(err->msg, pos))
		abort();
	int after = S_head_after(data, len, pos), sums = S_sums_ok(data, len, pos);
	if (rc == GT_JOURNAL_TORN && (after || sums))
		abort();
	if (rc == GT_ECORRUPT && !after && !sums)
		abort();
}

/* Walk the records of data[size) from 0 as recovery does, checking each;
 * the number of records, with the last return code in *last and the
 * position it was at in *end. */
static size_t S_walk(const uint8_t *data, size_t size, int *last, size_t *end)
{
	size_t pos = 0, nrecs = 0;
	gt_journal_rec rec;
	gt_error err;
	int rc;
	gt_buf out = GT_BUF_INIT;
	while ((rc = gt_journal_next(data, size, pos, &rec, &err)) == 1) {
		nrecs++;
		/* The record and its payload lie inside what is left; the next
		 * one starts at the next aligned offset, or the input ends. */
		size_t body = GT_JOURNAL_HEAD + rec.payload.len + GT_JOURNAL_TAIL;
		size_t full = S_align(body);
		if (rec.len == 0 || rec.len > size - pos || body > rec.len)
			abort();
		if (rec.len != (full < size - pos ? full : size - pos))
			abort();
		if (rec.len % ALIGN != 0 && pos + rec.len != size)
			abort();
		if (rec.payload.data != data + pos + GT_JOURNAL_HEAD)
			abort();
		if (rec.count == 0 || rec.first > UINT64_MAX - rec.count)
			abort();
		if (!S_sums_ok(data, size, pos))
			abort();

		/* The payload holds exactly count entries. */
		size_t n;
		gt_bytes *v = S_split(&rec.payload, &n);
		if (!v || n != rec.count)
			abort();

		/* Encoding them again at the same index gives the same bytes up
		 * to where the record or the input ends, its padding zeros (the
		 * padding read is not looked at). */
		gt_buf_reset(&out);
		if (gt_journal_encode(&out, rec.first, v, n, NULL) != 0)
			abort();
		free(v);
		if (out.len != full || memcmp(out.data, data + pos, body) != 0)
			abort();
		for (size_t k = body; k < full; k++)
			if (out.data[k] != 0)
				abort();

		/* The record ending right after its checksum: the same record;
		 * one byte shorter: cut short. */
		gt_journal_rec again;
		if (gt_journal_next(data, pos + body, pos, &again, &err) != 1 ||
		    again.first != rec.first || again.count != rec.count ||
		    again.payload.data != rec.payload.data ||
		    again.payload.len != rec.payload.len || again.len != body)
			abort();
		rc = gt_journal_next(data, pos + body - 1, pos, &again, &err);
		S_check_fail(data, pos + body - 1, pos, rc, &err);

		pos += rec.len;
	}
	gt_buf_done(&out);
	if (rc == 0) {
		if (pos != size)
			abort();
	} else {
		if (pos >= size)
			abort();
		S_check_fail(data, size, pos, rc, &err);
	}
	*last = rc;
	*end = pos;
	return nrecs;
}

/* An unaligned position inside the input is refused. */
static void S_unaligned(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	size_t pos = 1 + (size_t)data[0] * 131 % (size - 1);
	if (pos % ALIGN == 0)
		pos--;
	gt_journal_rec rec;
	gt_error err;
	if (gt_journal_next(data, size, pos, &rec, &err) != GT_EINVAL || err.code != GT_EINVAL ||
	    !S_names_offset(err.msg, pos))
		abort();
}

/* Make records of entries taken from the input (an 8-byte first index, then
 * a bundle), read them back whole, then cut at a point and flip a bit at a
 * point the input picks. */
static void S_build(const uint8_t *data, size_t size)
{
	if (size < 10)
		return;
	uint64_t first = 0;
	for (int i = 0; i < 8; i++)
		first = first << 8 | data[i];
	gt_bytes bundle = {data + 8, size - 8};
	size_t n;
	gt_bytes *v = S_split(&bundle, &n);
	if (!v)
		return;
	if (n == 0) {
		free(v);
		return;
	}
	gt_buf j = GT_BUF_INIT;
	if (first > UINT64_MAX - n) {
		/* Entries past the largest index: refused, nothing written. */
		if (gt_journal_encode(&j, first, v, n, NULL) != GT_EINVAL || j.len != 0)
			abort();
		free(v);
		gt_buf_done(&j);
		return;
	}
	/* Two records: the first half of the entries and the rest. */
	size_t half = (n + 1) / 2;
	if (gt_journal_encode(&j, first, v, half, NULL) != 0)
		abort();
	size_t l1 = j.len;
	/* Header, payload and checksum of each record, without padding. */
	size_t b1 = GT_JOURNAL_HEAD + GT_JOURNAL_TAIL, b2 = 0;
	for (size_t i = 0; i < half; i++)
		b1 += 2 + v[i].len;
	if (l1 != S_align(b1))
		abort();
	/* Not at an aligned offset: refused, out unchanged. */
	size_t odd = 1 + first % (l1 - 1);
	j.len = odd;
	if (gt_journal_encode(&j, first, v, n, NULL) != GT_EINVAL || j.len != odd)
		abort();
	j.len = l1;
	if (half < n) {
		if (gt_journal_encode(&j, first + half, v + half, n - half, NULL) != 0)
			abort();
		b2 = GT_JOURNAL_HEAD + GT_JOURNAL_TAIL;
		for (size_t i = half; i < n; i++)
			b2 += 2 + v[i].len;
		if (j.len - l1 != S_align(b2))
			abort();
	}
	gt_journal_rec rec;
	gt_error err;
	if (gt_journal_next(j.data, j.len, 0, &rec, &err) != 1 || rec.first != first ||
	    rec.count != half || rec.len != l1)
		abort();
	if (half < n) {
		if (gt_journal_next(j.data, j.len, l1, &rec, &err) != 1 ||
		    rec.first != first + half || rec.count != n - half || rec.len != j.len - l1)
			abort();
	}
	if (gt_journal_next(j.data, j.len, j.len, &rec, &err) != 0)
		abort();
	int last;
	size_t end;
	if (S_walk(j.data, j.len, &last, &end) != (half < n ? 2 : 1) || last != 0)
		abort();

	/* A cut anywhere: the whole records before it (a record cut in its
	 * padding is whole), then a torn tail or the end. */
	size_t cut = (size_t)(first % (j.len + 1));
	size_t want = cut < b1 ? 0 : (half == n || cut < l1 + b2) ? 1 : 2;
	size_t nrecs = S_walk(j.data, cut, &last, &end);
	if (nrecs != want)
		abort();
	if ((cut == 0 || cut >= b1) && (cut <= l1 || cut >= l1 + b2)) {
		if (last != 0)
			abort();
	} else if (last != GT_JOURNAL_TORN && last != GT_ECORRUPT) {
		/* (damage only with a header inside the record, S_walk checks) */
		abort();
	}

	/* A bit flipped anywhere: in a record, damage when a record follows,
	 * else a torn tail; in padding, nothing. */
	size_t at = (size_t)((first >> 16) % j.len);
	j.data[at] ^= (uint8_t)(1u << (first >> 8) % 8);
	nrecs = S_walk(j.data, j.len, &last, &end);
	if (at < b1) {
		if (nrecs != 0 || end != 0 || last == 0 || (half < n && last != GT_ECORRUPT))
			abort();
	} else if (at < l1) {
		if (nrecs != (half < n ? 2 : 1) || last != 0)
			abort();
	} else if (at < l1 + b2) {
		if (nrecs != 1 || end != l1 || last == 0)
			abort();
	} else if (nrecs != 2 || last != 0) {
		abort();
	}
	free(v);
	gt_buf_done(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int last;
	size_t end;
	S_walk(data, size, &last, &end);
	S_unaligned(data, size);
	S_build(data, size);
	return 0;
}
