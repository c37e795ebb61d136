/* libFuzzer target: strict tlog-tiles path parsing and encode/parse round trips. */
#include "core/error.h"
#include "log/tilepath.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[GT_TILE_PATH_MAX];
	int level = 0;
	uint64_t index = 0;
	unsigned width = 0;

	/* Only the canonical encoding parses: it re-encodes to the same text. */
	int rc = gt_tile_path_parse((const char *)data, size, &level, &index, &width);
	if (rc == 0) {
		if (level < GT_TILE_ENTRIES || level > 63 || width >= GT_TILE_WIDTH)
			abort();
		size_t n = gt_tile_path(buf, level, index, width);
		if (n != size || memcmp(buf, data, size) != 0)
			abort();
	} else if (rc != GT_EINVAL) {
		abort();
	}

	/* Any valid tile, taken from the input bytes, survives a round trip. */
	if (size >= 11) {
		int l = (int)(data[0] % 65) - 1;
		unsigned w = ((unsigned)data[1] | (unsigned)data[2] << 8) % (GT_TILE_WIDTH + 1);
		uint64_t i = 0;
		memcpy(&i, data + 3, sizeof(i));
		size_t n = gt_tile_path(buf, l, i, w);
		if (n == 0 || n >= GT_TILE_PATH_MAX || strlen(buf) != n)
			abort();
		if (gt_tile_path_parse(buf, n, &level, &index, &width) != 0)
			abort();
		if (level != l || index != i || width != (w == GT_TILE_WIDTH ? 0 : w))
			abort();
	}
	return 0;
}
