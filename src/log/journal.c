/* The log's write-ahead journal records (format in journal.h). */
#include "log/journal.h"
#include "log/hash.h"
#include "log/log.h"
#include "log/verify.h"

#include <string.h>

static const uint8_t S_magic[4] = {'g', 't', 'j', '1'};

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

int gt_journal_encode(gt_buf *out, uint64_t first, const gt_bytes *entries, size_t n,
		      gt_error *err)
{
	if (n == 0 || n > UINT32_MAX)
		return gt_fail(err, GT_EINVAL, "a journal record holds 1 to %u entries, not %zu",
			       UINT32_MAX, n);
	uint64_t payload = 0;
	for (size_t i = 0; i < n; i++) {
		if (entries[i].len == 0 || entries[i].len > GT_ENTRY_MAX)
			return gt_fail(err, GT_EINVAL,
				       "entry %zu is %zu bytes; entries must be 1 to %d bytes", i,
				       entries[i].len, GT_ENTRY_MAX);
		payload += 2 + entries[i].len;
	}
	if (payload > UINT32_MAX)
		return gt_fail(err, GT_EINVAL, "a journal record holds at most 4 GiB of entries");
	size_t start = out->len;
	if (gt_buf_reserve(out, GT_JOURNAL_HEAD + (size_t)payload + GT_JOURNAL_TAIL) < 0)
		return gt_fail(err, GT_ENOMEM, "out of memory for a journal record");
	uint8_t *p = out->data + start;
	memcpy(p, S_magic, 4);
	S_put32(p + 4, (uint32_t)n);
	S_put32(p + 8, (uint32_t)(first >> 32));
	S_put32(p + 12, (uint32_t)first);
	S_put32(p + 16, (uint32_t)payload);
	p += GT_JOURNAL_HEAD;
	for (size_t i = 0; i < n; i++) {
		p[0] = (uint8_t)(entries[i].len >> 8);
		p[1] = (uint8_t)entries[i].len;
		memcpy(p + 2, entries[i].data, entries[i].len);
		p += 2 + entries[i].len;
	}
	size_t body = GT_JOURNAL_HEAD + (size_t)payload;
	gt_sha256(out->data + start, body, out->data + start + body);
	out->len = start + body + GT_JOURNAL_TAIL;
	out->data[out->len] = 0;
	return 0;
}

static int S_all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int gt_journal_next(const uint8_t *data, size_t len, size_t pos, gt_journal_rec *rec,
		    gt_error *err)
{
	if (pos >= len)
		return 0;
	const uint8_t *p = data + pos;
	size_t left = len - pos;
	/* A crash can leave a file longer than what was written into it
	 * (zeros): that is a torn tail, not damage. */
	if (S_all_zero(p, left))
		return gt_fail(err, GT_JOURNAL_TORN, "journal offset %zu: %zu zero bytes at the end",
			       pos, left);
	if (left < GT_JOURNAL_HEAD)
		return gt_fail(err, GT_JOURNAL_TORN,
			       "journal offset %zu: a record cut short (%zu bytes)", pos, left);
	if (memcmp(p, S_magic, 4) != 0)
		return gt_fail(err, GT_ECORRUPT, "journal offset %zu: not a record (bad magic)",
			       pos);
	uint32_t count = S_get32(p + 4);
	uint64_t first = (uint64_t)S_get32(p + 8) << 32 | S_get32(p + 12);
	uint32_t payload = S_get32(p + 16);
	uint64_t total = (uint64_t)GT_JOURNAL_HEAD + payload + GT_JOURNAL_TAIL;
	if (total > left)
		return gt_fail(err, GT_JOURNAL_TORN,
			       "journal offset %zu: a record of %llu bytes cut short at %zu", pos,
			       (unsigned long long)total, left);
	uint8_t sum[GT_HASH_LEN];
	gt_sha256(p, GT_JOURNAL_HEAD + payload, sum);
	if (memcmp(sum, p + GT_JOURNAL_HEAD + payload, GT_JOURNAL_TAIL) != 0)
		return gt_fail(err, total == left ? GT_JOURNAL_TORN : GT_ECORRUPT,
			       "journal offset %zu: the record's checksum does not match%s", pos,
			       total == left ? " (the last record: torn by a crash)" : "");
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
	rec->first = first;
	rec->count = count;
	rec->payload = bundle;
	rec->len = (size_t)total;
	return 1;
}
