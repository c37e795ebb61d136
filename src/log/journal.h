/* The log's write-ahead journal: records of sequenced entries that are
 * durable but not yet integrated into tiles and a checkpoint.
 *
 * A record is
 *   "gtj1"               4 bytes, the magic
 *   count                uint32, big-endian: entries in the record (>= 1)
 *   first                uint64, big-endian: the log index of the first one
 *   payload length       uint32, big-endian
 *   payload              the entries in entry-bundle form (uint16 big-endian
 *                        length, then the bytes), count of them exactly
 *   SHA-256              of everything above
 * A journal file is records back to back, each starting where the one
 * before it ends. Only the last record can be torn by a crash (the writer
 * syncs each record before it writes the next). */
#ifndef GT_LOG_JOURNAL_H
#define GT_LOG_JOURNAL_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

#define GT_JOURNAL_HEAD 20
#define GT_JOURNAL_TAIL 32
#define GT_JOURNAL_TORN 2 /* gt_journal_next: the rest is a record cut short */

typedef struct gt_journal_rec {
	uint64_t first;	 /* index of the first entry */
	uint32_t count;	 /* entries */
	gt_bytes payload; /* the entries in bundle form (points into the input) */
	size_t len;	 /* bytes of the whole record */
} gt_journal_rec;

/* Append one record of n entries (1 to GT_ENTRY_MAX bytes each, n >= 1)
 * starting at index first to out. 0, GT_EINVAL or GT_ENOMEM. */
int gt_journal_encode(gt_buf *out, uint64_t first, const gt_bytes *entries, size_t n,
		      gt_error *err);

/* Read the record at data[pos..len).
 * Returns 1 with *rec set for a whole, valid record; 0 if nothing is left
 * (pos == len); GT_JOURNAL_TORN if what is left can only be a record cut
 * short by a crash: fewer bytes than a header, a header saying the record
 * ends past len, or a last record (ending exactly at len) whose checksum
 * fails, or only zero bytes; GT_ECORRUPT if the bytes at pos are not a
 * valid record and more follow it (bad magic, bad checksum, payload not
 * count entries). err says what and where in both cases. */
int gt_journal_next(const uint8_t *data, size_t len, size_t pos, gt_journal_rec *rec,
		    gt_error *err);

#endif
