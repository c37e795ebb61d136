/* The log's write-ahead journal records (format in journal.h). */
#include "log/journal.h"
#include "log/hash.h"
#include "log/log.h"
#include "log/verify.h"

#include <string.h>

static const uint8_t S_magic[4] = {'g', 't', 'j', '2'};

static void S_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t S_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t S_align(size_t n)
{
	return (n + GT_JOURNAL_ALIGN - 1) / GT_JOURNAL_ALIGN * GT_JOURNAL_ALIGN;
}

/* The check of a header's first 20 bytes. */
static void S_head_check(const uint8_t *head, uint8_t out[4])
{
	uint8_t sum[GT_HASH_LEN];
	gt_sha256(head, GT_JOURNAL_HEAD - 4, sum);
	memcpy(out, sum, 4);
}

/* A whole header with the right magic and check at p (len bytes left). */
static int S_head_ok(const uint8_t *p, size_t len)
{
	uint8_t check[4];
	if (len < GT_JOURNAL_HEAD || memcmp(p, S_magic, 4) != 0)
		return 0;
	S_head_check(p, check);
	return memcmp(check, p + GT_JOURNAL_HEAD - 4, 4) == 0;
}

int gt_journal_encode(gt_buf *out, uint64_t first, const gt_bytes *entries, size_t n, gt_error *err)
{
	if (n == 0 || n > UINT32_MAX)
		return gt_fail(err, GT_EINVAL, "a journal record holds 1 to %u entries, not %zu",
			       UINT32_MAX, n);
	if (first > UINT64_MAX - n)
		return gt_fail(err, GT_EINVAL, "entries past the largest index");
	if (out->len % GT_JOURNAL_ALIGN != 0)
		return gt_fail(err, GT_EINVAL, "journal records start at multiples of %d bytes",
			       GT_JOURNAL_ALIGN);
	uint64_t payload = 0;
	for (size_t i = 0; i < n; i++) {
		if (entries[i].len == 0 || entries[i].len > GT_ENTRY_MAX)
			return gt_fail(err, GT_EINVAL,
				       "entry %zu is %zu bytes; entries must be 1 to %d bytes", i,
				       entries[i].len, GT_ENTRY_MAX);
		payload += 2 + entries[i].len;
	}
	if (payload > UINT32_MAX - GT_JOURNAL_HEAD - GT_JOURNAL_TAIL - GT_JOURNAL_ALIGN)
		return gt_fail(err, GT_EINVAL, "a journal record holds less than 4 GiB of entries");
	size_t body = GT_JOURNAL_HEAD + (size_t)payload;
	size_t total = S_align(body + GT_JOURNAL_TAIL);
	size_t start = out->len;
	if (gt_buf_reserve(out, total) < 0)
		return gt_fail(err, GT_ENOMEM, "out of memory for a journal record");
	uint8_t *p = out->data + start;
	memcpy(p, S_magic, 4);
	S_put32(p + 4, (uint32_t)n);
	S_put32(p + 8, (uint32_t)(first >> 32));
	S_put32(p + 12, (uint32_t)first);
	S_put32(p + 16, (uint32_t)payload);
	S_head_check(p, p + 20);
	uint8_t *q = p + GT_JOURNAL_HEAD;
	for (size_t i = 0; i < n; i++) {
		q[0] = (uint8_t)(entries[i].len >> 8);
		q[1] = (uint8_t)entries[i].len;
		memcpy(q + 2, entries[i].data, entries[i].len);
		q += 2 + entries[i].len;
	}
	gt_sha256(p, body, p + body);
	memset(p + body + GT_JOURNAL_TAIL, 0, total - body - GT_JOURNAL_TAIL);
	out->len = start + total;
	out->data[out->len] = 0;
	return 0;
}

/* A whole record with a valid header and checksum at p (len bytes left). */
static int S_record_ok(const uint8_t *p, size_t len)
{
	if (!S_head_ok(p, len))
		return 0;
	uint64_t body = (uint64_t)GT_JOURNAL_HEAD + S_get32(p + 16);
	if (body + GT_JOURNAL_TAIL > len)
		return 0;
	uint8_t sum[GT_HASH_LEN];
	gt_sha256(p, (size_t)body, sum);
	return memcmp(sum, p + body, GT_JOURNAL_TAIL) == 0;
}

/* Damage in the record at pos: a torn tail unless a record follows it.
 * Past `from` (the record's end when its own header is valid, since the
 * header check covers the length; otherwise the next block) a valid header
 * is enough. Before it, where a torn record's entries may hold bytes that
 * look like a header, only a whole record with a right checksum counts. */
static int S_damaged(const uint8_t *data, size_t len, size_t pos, size_t from, gt_error *err,
		     const char *what)
{
	for (size_t at = pos + GT_JOURNAL_ALIGN; at < len; at += GT_JOURNAL_ALIGN)
		if (at >= from ? S_head_ok(data + at, len - at) : S_record_ok(data + at, len - at))
			return gt_fail(err, GT_ECORRUPT,
				       "journal offset %zu: %s, and a record follows at offset %zu",
				       pos, what, at);
	return gt_fail(err, GT_JOURNAL_TORN, "journal offset %zu: %s (the last record: torn)", pos,
		       what);
}

int gt_journal_next(const uint8_t *data, size_t len, size_t pos, gt_journal_rec *rec, gt_error *err)
{
	if (pos >= len)
		return 0;
	if (pos % GT_JOURNAL_ALIGN != 0)
		return gt_fail(err, GT_EINVAL, "journal offset %zu: not a record boundary", pos);
	const uint8_t *p = data + pos;
	size_t left = len - pos;
	if (!S_head_ok(p, left))
		return S_damaged(data, len, pos, pos + GT_JOURNAL_ALIGN, err,
				 left < GT_JOURNAL_HEAD ? "a header cut short" :
							  "not a record header");
	uint32_t count = S_get32(p + 4);
	uint64_t first = (uint64_t)S_get32(p + 8) << 32 | S_get32(p + 12);
	uint32_t payload = S_get32(p + 16);
	uint64_t body = (uint64_t)GT_JOURNAL_HEAD + payload;
	size_t end = pos + S_align((size_t)body + GT_JOURNAL_TAIL);
	if (body + GT_JOURNAL_TAIL > left)
		return S_damaged(data, len, pos, end, err, "a record cut short");
	uint8_t sum[GT_HASH_LEN];
	gt_sha256(p, (size_t)body, sum);
	if (memcmp(sum, p + body, GT_JOURNAL_TAIL) != 0)
		return S_damaged(data, len, pos, end, err, "the record's checksum does not match");
	/* From here the bytes are what the writer wrote: a mismatch is a bug
	 * or tampering, never a crash. */
	gt_bytes bundle = {p + GT_JOURNAL_HEAD, payload}, e;
	size_t bpos = 0;
	uint64_t n = 0;
	int rc;
	while ((rc = gt_bundle_next(&bundle, &bpos, &e)) == 1)
		n++;
	if (rc < 0 || n != count || count == 0)
		return gt_fail(err, GT_ECORRUPT,
			       "journal offset %zu: the record says %u entries but holds %llu%s",
			       pos, count, (unsigned long long)n,
			       rc < 0 ? " and a malformed one" : "");
	if (first > UINT64_MAX - count)
		return gt_fail(err, GT_ECORRUPT,
			       "journal offset %zu: entries past the largest index", pos);
	size_t total = S_align((size_t)body + GT_JOURNAL_TAIL);
	rec->first = first;
	rec->count = count;
	rec->payload = bundle;
	rec->len = total < left ? total : left;
	return 1;
}
