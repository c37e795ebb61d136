/* libFuzzer target: the write-ahead journal's records (src/log/journal.c), as
 * read by recovery from a file a crash or a disk may have damaged. */
#include "core/buf.h"
#include "core/error.h"
#include "log/journal.h"
#include "log/verify.h"

#include <stdlib.h>
#include <string.h>

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

/* Whether two records read from the same bytes are the same. */
static int S_same(const gt_journal_rec *a, const gt_journal_rec *b)
{
	return a->first == b->first && a->count == b->count && a->payload.data == b->payload.data &&
	       a->payload.len == b->payload.len && a->len == b->len;
}

/* The checks of a failure: one of the codes, and err says where. */
static void S_check_fail(int rc, const gt_error *err)
{
	if (rc != GT_JOURNAL_TORN && rc != GT_ECORRUPT)
		abort();
	if (err->code != rc || !strstr(err->msg, "offset"))
		abort();
}

/* Walk the records of data[size) from 0 as recovery does. */
static void S_walk(const uint8_t *data, size_t size)
{
	size_t pos = 0;
	gt_journal_rec rec;
	gt_error err;
	int rc;
	gt_buf out = GT_BUF_INIT;
	while ((rc = gt_journal_next(data, size, pos, &rec, &err)) == 1) {
		/* The record and its payload lie inside what is left. */
		if (rec.len == 0 || rec.len > size - pos)
			abort();
		if (rec.len != GT_JOURNAL_HEAD + rec.payload.len + GT_JOURNAL_TAIL)
			abort();
		if (rec.payload.data != data + pos + GT_JOURNAL_HEAD)
			abort();
		if (rec.count == 0 || rec.first > UINT64_MAX - rec.count)
			abort();

		/* The payload holds exactly count entries. */
		size_t n;
		gt_bytes *v = S_split(&rec.payload, &n);
		if (!v || n != rec.count)
			abort();

		/* Encoding them again at the same index gives the same bytes. */
		gt_buf_reset(&out);
		if (gt_journal_encode(&out, rec.first, v, n, NULL) != 0)
			abort();
		if (out.len != rec.len || memcmp(out.data, data + pos, rec.len) != 0)
			abort();
		free(v);

		/* The record ends the file: read the same; cut short: torn. */
		gt_journal_rec again;
		if (gt_journal_next(data, pos + rec.len, pos, &again, &err) != 1 ||
		    !S_same(&rec, &again))
			abort();
		rc = gt_journal_next(data, pos + rec.len - 1, pos, &again, &err);
		if (rc != GT_JOURNAL_TORN)
			abort();
		S_check_fail(rc, &err);

		pos += rec.len;
	}
	gt_buf_done(&out);
	if (rc == 0) {
		if (pos != size)
			abort();
	} else {
		S_check_fail(rc, &err);
		if (pos >= size)
			abort();
	}
}

/* Make records of entries taken from the input (an 8-byte first index, then
 * a bundle), and read them back whole, then cut at a point the input picks. */
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
	if (n == 0 || first > UINT64_MAX - n) {
		free(v);
		return;
	}
	/* Two records: the first half of the entries and the rest. */
	size_t half = (n + 1) / 2;
	gt_buf j = GT_BUF_INIT;
	if (gt_journal_encode(&j, first, v, half, NULL) != 0)
		abort();
	size_t l1 = j.len;
	if (half < n && gt_journal_encode(&j, first + half, v + half, n - half, NULL) != 0)
		abort();
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

	/* A cut anywhere: the whole records before it, then a torn tail. */
	size_t cut = (size_t)(first % (j.len + 1));
	size_t pos = 0;
	int rc;
	while ((rc = gt_journal_next(j.data, cut, pos, &rec, &err)) == 1)
		pos += rec.len;
	if (cut == 0 || cut == l1 || cut == j.len) {
		if (rc != 0)
			abort();
	} else if (rc != GT_JOURNAL_TORN || pos != (cut < l1 ? 0 : l1)) {
		abort();
	}
	free(v);
	gt_buf_done(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	S_walk(data, size);
	S_build(data, size);
	return 0;
}
