/* Full verification of a log served as tlog-tiles, from any source. */
#ifndef GT_LOG_VERIFY_H
#define GT_LOG_VERIFY_H

#include "core/buf.h"
#include "core/error.h"
#include "log/checkpoint.h"
#include "log/note.h"

#include <stdint.h>

/* Fetch the resource at path (relative to the log prefix, e.g.
 * "checkpoint" or "tile/0/x001/234"), appending its bytes to out. Returns 0,
 * GT_ENOTFOUND if it does not exist (HTTP 404, ENOENT), or another GT_E*
 * code with err set. */
typedef int (*gt_fetch_fn)(void *ctx, const char *path, gt_buf *out, gt_error *err);

/* Called now and then with the number of entries checked so far. */
typedef void (*gt_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Called with one entry of the log (borrowed for the call). */
typedef int (*gt_entry_fn)(void *ctx, uint64_t index, const uint8_t *data, size_t len,
			   gt_error *err);

typedef struct gt_verify_options {
	gt_fetch_fn fetch;
	void *fetch_ctx;
	const gt_verifier *vkey;
	/* Optional: an earlier signed checkpoint the log must be consistent
	 * with (checked with the same key). */
	const char *since;
	size_t since_len;
	gt_progress_fn progress;
	void *progress_ctx;
	/* Optional: called with every entry, in log order, once it matched its
	 * leaf hash (the tiles above and the root are checked later, so a
	 * verification that fails afterwards still fails as a whole). A
	 * negative return stops the verification with that code (the callback
	 * sets err). */
	gt_entry_fn entry;
	void *entry_ctx;
} gt_verify_options;

/* Verify everything: the checkpoint's signature and origin, every entry
 * against its leaf hash in the level-0 tiles, every full tile against the
 * hash of it in the level above, the root computed from the tiles against
 * the checkpoint, and (with since) that the earlier checkpoint's root is
 * the root of the first since-size entries. Memory stays flat: tiles are
 * streamed. On success returns 0 and sets *ret (if not NULL) to the
 * verified checkpoint. On failure returns GT_ESIG, GT_ECORRUPT, GT_EPROOF,
 * GT_ENOTFOUND, GT_ENET, ... with err saying precisely what failed (which
 * tile or entry, expected and found hashes). */
int gt_verify_log(const gt_verify_options *opt, gt_checkpoint *ret, gt_error *err);

/* Check the part of a tree of size `size` that holds entries [from, size):
 * every entry against its leaf hash, every full tile in that part against
 * its hash in the level above, and the root computed from the tiles against
 * root. from = 0 checks everything; log recovery checks only its tail. */
int gt_verify_tiles(gt_fetch_fn fetch, void *fetch_ctx, uint64_t from, uint64_t size,
		    const gt_hash *root, gt_progress_fn progress, void *progress_ctx,
		    gt_error *err);

/* Fetch tile (level, index) of width hashes (256 = full; level may be
 * GT_TILE_ENTRIES for an entry bundle) into out (appended): the partial
 * resource, or the full one when the partial one is gone (it is then cut to
 * width). For bundles, out receives the bundle bytes of the first width
 * entries. GT_ECORRUPT if the resource is too short or malformed. */
int gt_tile_fetch(gt_fetch_fn fetch, void *fetch_ctx, int level, uint64_t index, unsigned width,
		  gt_buf *out, gt_error *err);

/* Split an entry bundle: each call stores the next entry in *entry and
 * advances *pos; returns 1 while there is one, 0 at the end, GT_ECORRUPT
 * if the bundle is truncated or holds an empty entry. */
int gt_bundle_next(const gt_bytes *bundle, size_t *pos, gt_bytes *entry);

/* A gt_fetch_fn reading files under the directory ctx (a const char *). */
int gt_fetch_dir(void *ctx, const char *path, gt_buf *out, gt_error *err);

#endif
