/* libFuzzer target: entry bundles and tiles from an untrusted server, as read by verify. */
#include "core/error.h"
#include "log/hash.h"
#include "log/tilepath.h"
#include "log/verify.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	const uint8_t *data;
	size_t size;
} S_input;

/* Serve the fuzz input for every resource; "checkpoint" is never asked. */
static int S_fetch(void *ctx, const char *path, gt_buf *out, gt_error *err)
{
	S_input *in = ctx;
	(void)path;
	if (in->size == 0)
		return gt_fail(err, GT_ENOTFOUND, "empty");
	return gt_buf_add(out, in->data, in->size) < 0 ? GT_ENOMEM : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Splitting: every entry returned lies inside the bundle, is non-empty,
	 * and the entries plus their prefixes account for the bytes read. */
	gt_bytes bundle = {data, size}, e;
	size_t pos = 0, sum = 0;
	int rc;
	while ((rc = gt_bundle_next(&bundle, &pos, &e)) == 1) {
		if (e.len == 0 || e.data < data || e.data + e.len > data + size)
			abort();
		sum += 2 + e.len;
	}
	if (rc != 0 && rc != GT_ECORRUPT)
		abort();
	if (sum != pos)
		abort();

	/* Fetching tiles and bundles of any width from such a server. */
	if (size < 1)
		return 0;
	S_input in = {data + 1, size - 1};
	unsigned width = data[0] ? data[0] : 256;
	gt_buf out = GT_BUF_INIT;
	for (int level = GT_TILE_ENTRIES; level <= 1; level++) {
		gt_buf_reset(&out);
		rc = gt_tile_fetch(S_fetch, &in, level, 3, width, &out, NULL);
		if (rc == 0 && level >= 0 && out.len != width * 32u)
			abort();
	}
	gt_buf_done(&out);

	/* Whole-tree verification against a root that cannot match. */
	gt_hash root;
	memset(&root, 0xab, sizeof(root));
	uint64_t tree = (uint64_t)data[0] * 7 + 1;
	if (gt_verify_tiles(S_fetch, &in, 0, tree, &root, NULL, NULL, NULL) == 0)
		abort();
	return 0;
}
