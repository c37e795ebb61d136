/* Full verification of a tiled log: signature, entries, tiles, root, history. */
#include "log/verify.h"
#include "core/base64.h"
#include "core/fs.h"
#include "log/log.h"
#include "log/tilepath.h"
#include "log/tree.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_CHECKPOINT_MAX 16384
#define S_BUNDLE_MAX (256 * (GT_ENTRY_MAX + 2))

int gt_fetch_dir(void *ctx, const char *path, gt_buf *out, gt_error *err)
{
	char full[PATH_MAX];
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", (const char *)ctx, path) >= sizeof(full))
		return gt_fail(err, GT_EINVAL, "path too long");
	return gt_fs_read(full, S_BUNDLE_MAX, out, err);
}

int gt_bundle_next(const gt_bytes *bundle, size_t *pos, gt_bytes *entry)
{
	if (*pos == bundle->len)
		return 0;
	if (bundle->len - *pos < 2)
		return GT_ECORRUPT;
	size_t len = (size_t)bundle->data[*pos] << 8 | bundle->data[*pos + 1];
	if (len == 0 || bundle->len - *pos - 2 < len)
		return GT_ECORRUPT;
	entry->data = bundle->data + *pos + 2;
	entry->len = len;
	*pos += 2 + len;
	return 1;
}

/* Cut out, into out, the first width entries of the bundle in b. */
static int S_bundle_prefix(const gt_buf *b, unsigned width, gt_buf *out, const char *path,
			   gt_error *err)
{
	gt_bytes all = {b->data, b->len}, e;
	size_t pos = 0;
	for (unsigned i = 0; i < width; i++) {
		int rc = gt_bundle_next(&all, &pos, &e);
		if (rc <= 0)
			return gt_fail(err, GT_ECORRUPT,
				       "%s holds %u entries or is malformed; %u expected", path, i,
				       width);
	}
	if (width == 256 && pos != all.len)
		return gt_fail(err, GT_ECORRUPT, "%s has trailing bytes after 256 entries", path);
	return gt_buf_add(out, b->data, pos) < 0 ? gt_fail(err, GT_ENOMEM, "out of memory") : 0;
}

int gt_tile_fetch(gt_fetch_fn fetch, void *fetch_ctx, int level, uint64_t index, unsigned width,
		  gt_buf *out, gt_error *err)
{
	char path[GT_TILE_PATH_MAX];
	gt_buf b = GT_BUF_INIT;
	int rc = GT_ENOTFOUND;
	bool partial = width < 256;
	if (partial) {
		gt_tile_path(path, level, index, width);
		rc = fetch(fetch_ctx, path, &b, err);
	}
	if (rc == GT_ENOTFOUND) {
		/* The partial tile may have been removed once the full one
		 * existed: the full tile starts with the same hashes. */
		gt_buf_reset(&b);
		gt_tile_path(path, level, index, 0);
		rc = fetch(fetch_ctx, path, &b, err);
		if (rc == GT_ENOTFOUND && partial) {
			char p2[GT_TILE_PATH_MAX];
			gt_tile_path(p2, level, index, width);
			rc = gt_fail(err, GT_ENOTFOUND, "%s is missing (and so is %s)", p2, path);
		} else if (rc == GT_ENOTFOUND) {
			rc = gt_fail(err, GT_ENOTFOUND, "%s is missing", path);
		}
	}
	if (rc < 0)
		goto done;
	if (level == GT_TILE_ENTRIES) {
		rc = S_bundle_prefix(&b, width, out, path, err);
		goto done;
	}
	if (b.len < width * 32u || (!partial && b.len != GT_TILE_BYTES) ||
	    (partial && b.len % 32 != 0)) {
		rc = gt_fail(err, GT_ECORRUPT, "%s is %zu bytes; %u hashes expected", path, b.len,
			     width);
		goto done;
	}
	rc = gt_buf_add(out, b.data, width * 32u) < 0 ? gt_fail(err, GT_ENOMEM, "out of memory") :
							0;
done:
	gt_buf_done(&b);
	return rc;
}

/* ---- streaming verification ---- */

typedef struct {
	gt_fetch_fn fetch;
	void *ctx;
	uint64_t size;
	/* The current tile at each level >= 1, to check lower tiles against. */
	struct {
		bool valid;
		uint64_t index;
		unsigned width;
		gt_hash hashes[GT_TILE_WIDTH];
	} up[GT_TILE_LEVELS];
	gt_buf buf;
} S_verifier;

static unsigned S_width(uint64_t size, int level, uint64_t index)
{
	return index < gt_tile_full_count(size, level) ? 256 : gt_tile_partial_width(size, level);
}

static void S_b64(const gt_hash *h, char out[48])
{
	gt_base64_encode(h->b, GT_HASH_LEN, out);
}

static int S_load(S_verifier *v, int level, uint64_t index, unsigned width, gt_hash *out,
		  gt_error *err)
{
	gt_buf_reset(&v->buf);
	int rc = gt_tile_fetch(v->fetch, v->ctx, level, index, width, &v->buf, err);
	if (rc == 0)
		memcpy(out, v->buf.data, width * sizeof(gt_hash));
	return rc;
}

/* The full tile (level - 1, index) hashes to h: check it against its entry
 * in the tile above, and go up when that tile is complete. */
static int S_check_up(S_verifier *v, int level, uint64_t index, const gt_hash *h, gt_error *err)
{
	if (level >= GT_TILE_LEVELS)
		return 0;
	uint64_t tile = index >> 8;
	unsigned pos = (unsigned)(index & 255);
	typeof(v->up[0]) *u = &v->up[level];
	if (!u->valid || u->index != tile) {
		u->valid = false;
		u->width = S_width(v->size, level, tile);
		int rc = S_load(v, level, tile, u->width, u->hashes, err);
		if (rc < 0)
			return rc;
		u->valid = true;
		u->index = tile;
	}
	if (pos >= u->width || memcmp(&u->hashes[pos], h, sizeof(*h)) != 0) {
		char p[GT_TILE_PATH_MAX], q[GT_TILE_PATH_MAX], a[48], b[48];
		gt_tile_path(p, level - 1, index, 0);
		gt_tile_path(q, level, tile, u->width);
		S_b64(h, a);
		if (pos < u->width)
			S_b64(&u->hashes[pos], b);
		else
			strcpy(b, "(none)");
		return gt_fail(err, GT_ECORRUPT, "%s hashes to %s but %s holds %s for it", p, a, q,
			       b);
	}
	if (pos == 255) {
		gt_hash root;
		gt_hash_root(u->hashes, GT_TILE_WIDTH, &root);
		return S_check_up(v, level + 1, tile, &root, err);
	}
	return 0;
}

static int S_root_fetch(void *ctx, int level, uint64_t index, unsigned width, unsigned block,
			gt_hash rows[GT_TILE_ROWS_LEN], gt_error *err)
{
	S_verifier *v = ctx;
	(void)block;
	int rc = S_load(v, level, index, width, rows, err);
	if (rc == 0)
		gt_tile_rows_compute(rows, width);
	return rc;
}

static int S_verify_tiles(gt_fetch_fn fetch, void *fetch_ctx, uint64_t from, uint64_t size,
			  const gt_hash *root, gt_progress_fn progress, void *progress_ctx,
			  gt_entry_fn entry, void *entry_ctx, gt_error *err)
{
	S_verifier *v = calloc(1, sizeof(*v));
	if (!v)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	v->fetch = fetch;
	v->ctx = fetch_ctx;
	v->size = size;
	gt_buf bundle = GT_BUF_INIT;
	gt_hash leaves[GT_TILE_WIDTH], tile[GT_TILE_WIDTH];
	int rc = 0;
	if (from > size)
		from = size;
	for (uint64_t b = from >> 8; (b << 8) < size; b++) {
		unsigned width = S_width(size, 0, b);
		gt_buf_reset(&bundle);
		rc = gt_tile_fetch(fetch, fetch_ctx, GT_TILE_ENTRIES, b, width, &bundle, err);
		if (rc < 0)
			goto done;
		gt_bytes all = {bundle.data, bundle.len}, e;
		size_t pos = 0;
		for (unsigned i = 0; i < width; i++) {
			gt_bundle_next(&all, &pos, &e); /* counted by gt_tile_fetch */
			gt_hash_leaf(e.data, e.len, &leaves[i]);
		}
		rc = S_load(v, 0, b, width, tile, err);
		if (rc < 0)
			goto done;
		for (unsigned i = 0; i < width; i++) {
			if (memcmp(&leaves[i], &tile[i], sizeof(gt_hash)) == 0)
				continue;
			char p[GT_TILE_PATH_MAX], x[48], y[48];
			gt_tile_path(p, 0, b, width);
			S_b64(&leaves[i], x);
			S_b64(&tile[i], y);
			rc = gt_fail(
				err, GT_ECORRUPT,
				"entry %llu does not match its leaf hash: the entry hashes to %s, %s holds %s",
				(unsigned long long)((b << 8) + i), x, p, y);
			goto done;
		}
		pos = 0;
		for (unsigned i = 0; entry && i < width; i++) {
			gt_bundle_next(&all, &pos, &e);
			rc = entry(entry_ctx, (b << 8) + i, e.data, e.len, err);
			if (rc < 0)
				goto done;
		}
		if (width == 256) {
			gt_hash h;
			gt_hash_root(tile, GT_TILE_WIDTH, &h);
			rc = S_check_up(v, 1, b, &h, err);
			if (rc < 0)
				goto done;
		}
		if (progress)
			progress(progress_ctx, (b << 8) + width, size);
	}
	gt_tree_reader *r = malloc(sizeof(*r));
	if (!r) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto done;
	}
	gt_tree_reader_init(r, S_root_fetch, v);
	gt_hash got;
	rc = gt_tree_root(r, size, &got, err);
	free(r);
	if (rc == 0 && memcmp(&got, root, sizeof(got)) != 0) {
		char x[48], y[48];
		S_b64(&got, x);
		S_b64(root, y);
		rc = gt_fail(err, GT_ECORRUPT,
			     "the tiles hash to root %s for size %llu, but the checkpoint says %s",
			     x, (unsigned long long)size, y);
	}
done:
	gt_buf_done(&bundle);
	gt_buf_done(&v->buf);
	free(v);
	return rc;
}

int gt_verify_tiles(gt_fetch_fn fetch, void *fetch_ctx, uint64_t from, uint64_t size,
		    const gt_hash *root, gt_progress_fn progress, void *progress_ctx, gt_error *err)
{
	return S_verify_tiles(fetch, fetch_ctx, from, size, root, progress, progress_ctx, NULL,
			      NULL, err);
}

int gt_verify_log(const gt_verify_options *opt, gt_checkpoint *ret, gt_error *err)
{
	gt_buf note = GT_BUF_INIT;
	gt_checkpoint cp, old;
	gt_error why;
	int rc = opt->fetch(opt->fetch_ctx, "checkpoint", &note, err);
	if (rc == GT_ENOTFOUND)
		rc = gt_fail(err, GT_ENOTFOUND, "the log has no checkpoint");
	if (rc < 0)
		goto done;
	if (note.len > S_CHECKPOINT_MAX) {
		rc = gt_fail(err, GT_ETOOBIG, "the checkpoint is larger than %d bytes",
			     S_CHECKPOINT_MAX);
		goto done;
	}
	rc = gt_checkpoint_open(opt->vkey, (const char *)note.data, note.len, &cp, &why);
	if (rc < 0) {
		rc = gt_fail(err, rc, "the checkpoint is not validly signed by %s: %s",
			     gt_verifier_name(opt->vkey), why.msg);
		goto done;
	}
	if (opt->since) {
		rc = gt_checkpoint_open(opt->vkey, opt->since, opt->since_len, &old, &why);
		if (rc < 0) {
			rc = gt_fail(err, rc,
				     "the earlier checkpoint is not validly signed by %s: %s",
				     gt_verifier_name(opt->vkey), why.msg);
			goto done;
		}
		if (old.size > cp.size) {
			rc = gt_fail(
				err, GT_ECORRUPT,
				"the log went backwards: the earlier checkpoint has %llu entries, the current one %llu",
				(unsigned long long)old.size, (unsigned long long)cp.size);
			goto done;
		}
	}
	rc = S_verify_tiles(opt->fetch, opt->fetch_ctx, 0, cp.size, &cp.root, opt->progress,
			    opt->progress_ctx, opt->entry, opt->entry_ctx, err);
	if (rc < 0 || !opt->since)
		goto done;
	/* The earlier tree must be a prefix: its root is the hash of the first
	 * old.size entries of the (now fully verified) tiles. */
	S_verifier *v = calloc(1, sizeof(*v));
	gt_tree_reader *r = malloc(sizeof(*r));
	if (!v || !r) {
		free(v);
		free(r);
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto done;
	}
	v->fetch = opt->fetch;
	v->ctx = opt->fetch_ctx;
	v->size = cp.size;
	gt_tree_reader_init(r, S_root_fetch, v);
	gt_hash h;
	if (old.size == 0)
		gt_hash_empty(&h);
	else
		rc = gt_tree_range_hash(r, cp.size, 0, old.size, &h, err);
	if (rc == 0 && memcmp(&h, &old.root, sizeof(h)) != 0) {
		char x[48], y[48];
		S_b64(&h, x);
		S_b64(&old.root, y);
		rc = gt_fail(
			err, GT_EPROOF,
			"the log is not consistent with the earlier checkpoint: its first %llu entries hash to %s, the earlier checkpoint says %s",
			(unsigned long long)old.size, x, y);
	}
	gt_buf_done(&v->buf);
	free(v);
	free(r);
done:
	if (rc == 0 && ret)
		*ret = cp;
	gt_buf_done(&note);
	return rc;
}
