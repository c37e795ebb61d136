/* The log's write-ahead journal: records of sequenced entries that are
 * durable but not yet integrated into tiles and a checkpoint.
 *
 * A record starts at a multiple of GT_JOURNAL_ALIGN bytes and is
 *   "gtj2"               4 bytes, the magic
 *   count                uint32, big-endian: entries in the record (>= 1)
 *   first                uint64, big-endian: the log index of the first one
 *   payload length       uint32, big-endian
 *   header check         the first 4 bytes of the SHA-256 of the 20 above
 *   payload              the entries in entry-bundle form (uint16 big-endian
 *                        length, then the bytes), count of them exactly
 *   SHA-256              of everything above
 * followed by zero bytes up to the next multiple of GT_JOURNAL_ALIGN.
 *
 * Only the last record of a file can be torn by a crash: the writer syncs
 * each record before it writes the next. So damage followed by a valid
 * record header is damage, and damage with none after it is a torn tail.
 * Aligning records to file-system blocks keeps a header from straddling
 * two blocks, so a torn write leaves it whole or missing (zeros). */
#ifndef GT_LOG_JOURNAL_H
#define GT_LOG_JOURNAL_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

#define GT_JOURNAL_ALIGN 4096
#define GT_JOURNAL_HEAD 24
#define GT_JOURNAL_TAIL 32
#define GT_JOURNAL_TORN 2 /* gt_journal_next: the rest is a record cut short */

typedef struct gt_journal_rec {
	uint64_t first;	  /* index of the first entry */
	uint32_t count;	  /* entries */
	gt_bytes payload; /* the entries in bundle form (points into the input) */
	size_t len;	  /* bytes from the record's start to the next record's */
} gt_journal_rec;

/* Append one record of n entries (1 to GT_ENTRY_MAX bytes each, n >= 1,
 * first + n within uint64) starting at index first to out, with its zero
 * padding; out->len must be a multiple of GT_JOURNAL_ALIGN (records are
 * appended at aligned offsets). 0, GT_EINVAL or GT_ENOMEM. */
int gt_journal_encode(gt_buf *out, uint64_t first, const gt_bytes *entries, size_t n,
		      gt_error *err);

/* Read the record at data[pos..len), pos a multiple of GT_JOURNAL_ALIGN.
 * Returns 1 with *rec set for a whole, valid record; 0 if nothing is left
 * (pos >= len); GT_JOURNAL_TORN if what is left can only be a record cut
 * short by a crash: a damaged, missing or incomplete record with no valid
 * record header at a later aligned offset (past the record's end when its
 * own header is valid: the header check covers its length); GT_ECORRUPT if
 * the record at pos is damaged and a valid header follows, or if its
 * checksums hold but its content does not (count, entries, indices). err
 * says what and at which offset in both cases. */
int gt_journal_next(const uint8_t *data, size_t len, size_t pos, gt_journal_rec *rec,
		    gt_error *err);

#endif
