/* The goodtrace log: an append-only RFC 6962 Merkle tree stored as C2SP
 * tlog-tiles in a directory, with signed checkpoints and proofs.
 *
 * On disk a log has two directories:
 *   public_dir  exactly the files served under /log/: "checkpoint",
 *               "tile/<L>/<N>[.p/<W>]" and "tile/entries/<N>[.p/<W>]".
 *   state_dir   private: a lock file, two staged checkpoints (the commit
 *               records that make a batch durable with a single sync), a
 *               write-ahead journal of sequenced entries (journal.h), and
 *               a proof index holding every full tile's inner hashes so that
 *               proofs need no hashing. The index is derived data: if it is
 *               missing it is rebuilt from the tiles.
 * The tree itself is never held in memory: a writer keeps only the
 * rightmost partial tile of each level and the rightmost partial entry
 * bundle, so memory stays flat as the log grows.
 *
 * Threads: any thread may call any function on the same gt_log; appends
 * and integrations are serialised, sequence calls go on while another
 * thread integrates, and reads (size, checkpoint, proofs, entries) never
 * wait for a sync. */
#ifndef GT_LOG_LOG_H
#define GT_LOG_LOG_H

#include "core/buf.h"
#include "core/error.h"
#include "log/hash.h"
#include "log/note.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GT_ENTRY_MAX 65535 /* the bundle format's uint16 length prefix */

typedef struct gt_log gt_log;

enum gt_log_sync {
	/* One syncfs(2) of the log's filesystem per batch (default): the
	 * fastest way to make many new files durable at once. */
	GT_LOG_SYNC_FS = 0,
	/* fdatasync(2) of every written file and fsync(2) of every touched
	 * directory: for filesystems shared with heavy unrelated writers. */
	GT_LOG_SYNC_FILES = 1,
};

typedef struct gt_log_options {
	const char *public_dir;
	const char *state_dir;
	/* Writers pass their signer (its name is the log's origin); readers
	 * pass NULL and a verifier instead. One of the two is required. */
	const gt_signer *signer;
	const gt_verifier *verifier;
	enum gt_log_sync sync;
} gt_log_options;

/* Create an empty log: both directories (with parents, mode 0755 and 0700),
 * and a signed checkpoint of size 0. Fails with GT_EEXIST if public_dir
 * already holds a checkpoint. Needs opt->signer. */
int gt_log_create(const gt_log_options *opt, gt_error *err);

/* Open a log. With a signer the log is opened for appending: it takes an
 * exclusive lock (GT_EBUSY if another process holds it) and recovers: the
 * newest checkpoint (published or staged) whose tiles hash to it is chosen,
 * anything written beyond it is removed, it is republished, and the
 * entries the journal holds beyond it are integrated (a torn last journal
 * record is dropped; other journal damage is refused with GT_ECORRUPT). A published
 * checkpoint whose tiles do not hash to it is refused with GT_ECORRUPT and
 * nothing is changed. Without a signer the log is opened read-only at its
 * published checkpoint and nothing on disk is touched. */
int gt_log_open(const gt_log_options *opt, gt_log **ret, gt_error *err);

/* Close and free; accepts NULL. Nothing is lost: every append and every
 * sequence call was durable when it returned, and entries sequenced but
 * not integrated are integrated by the next writable open. */
void gt_log_free(gt_log *log);

/* Append entries to the log and make them durable: entry bundles and tiles
 * are written, synced (see enum gt_log_sync) together with a signed
 * checkpoint, then the checkpoint is published. On success returns 0 and
 * sets *ret_first to the index of entries[0]. Each entry must be 1 to
 * GT_ENTRY_MAX bytes (GT_EINVAL otherwise, nothing written). On an I/O
 * failure returns GT_EIO; the log is then unusable (further appends fail
 * with GT_EIO) and the next open recovers it to its last checkpoint. */
int gt_log_append(gt_log *log, const gt_bytes *entries, size_t n, uint64_t *ret_first,
		  gt_error *err);

/* Sequence entries: make them durable with one record appended to the
 * write-ahead journal and one fdatasync(2), and give them the next indices
 * (*ret_first is the index of entries[0]), without writing tiles or a
 * checkpoint. They are not readable, and not in the published checkpoint,
 * until gt_log_integrate (or gt_log_append, which integrates first) puts
 * them there; if the process dies first, the next writable open does. So a
 * writer can acknowledge entries at the cost of one small sync and
 * integrate many batches with one checkpoint. At most 65,536 entries or
 * 32 MiB wait for integration: a call that would pass that integrates
 * first, and a call larger than that is integrated at once. Errors as for
 * gt_log_append. */
int gt_log_sequence(gt_log *log, const gt_bytes *entries, size_t n, uint64_t *ret_first,
		    gt_error *err);

/* Integrate every sequenced entry: bundles, tiles and a signed checkpoint,
 * synced and published as gt_log_append does, then empty the journal.
 * 0 when nothing is pending. */
int gt_log_integrate(gt_log *log, gt_error *err);

/* Entries sequenced and not yet integrated (or being integrated now), and
 * the index the next sequenced or appended entry gets. */
size_t gt_log_pending(gt_log *log);
uint64_t gt_log_end(gt_log *log);

/* Any thread: the published size plus the entries sequenced since (the
 * entries below it are durable; those at or above gt_log_size are not yet
 * readable). */
uint64_t gt_log_sequenced(gt_log *log);

/* Size and root of the current published checkpoint. */
uint64_t gt_log_size(gt_log *log);
void gt_log_root(gt_log *log, gt_hash *out);
/* The log's origin (its key name). */
const char *gt_log_origin(const gt_log *log);

/* The current signed checkpoint, appended to out. */
int gt_log_checkpoint(gt_log *log, gt_buf *out);

/* Root of the tree of size (<= current size), computed from tiles. */
int gt_log_root_at(gt_log *log, uint64_t size, gt_hash *out, gt_error *err);

/* Read entry index (< current size) into out (appended). */
int gt_log_entry(gt_log *log, uint64_t index, gt_buf *out, gt_error *err);
/* Leaf hash of entry index (< current size), from the tiles. */
int gt_log_leaf_hash(gt_log *log, uint64_t index, gt_hash *out, gt_error *err);

/* Inclusion proof of index in the tree of tree_size (index < tree_size <=
 * current size). out->hashes must hold GT_PROOF_MAX hashes; out->n is set.
 * GT_ERANGE if the sizes are out of range. */
int gt_log_inclusion_proof(gt_log *log, uint64_t index, uint64_t tree_size, gt_proof *out,
			   gt_error *err);

/* Consistency proof from size1 to size2 (size1 <= size2 <= current size).
 * out->hashes must hold GT_PROOF_MAX hashes. Empty when size1 is 0 or
 * equals size2. */
int gt_log_consistency_proof(gt_log *log, uint64_t size1, uint64_t size2, gt_proof *out,
			     gt_error *err);

#endif
