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

/* A gt_fetch_fn reading files under the directory ctx (a const char *). */
int gt_fetch_dir(void *ctx, const char *path, gt_buf *out, gt_error *err);

#endif
