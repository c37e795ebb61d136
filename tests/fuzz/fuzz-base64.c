/* libFuzzer target: strict base64 decoding and encode/decode round trips. */
#include "core/base64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0, m = 0;
	uint8_t *raw = malloc(size / 4 * 3 + 1);
	char *enc = malloc(gt_base64_len(size) + 1);
	uint8_t *back = malloc(size + 1);
	if (!raw || !enc || !back)
		abort();

	/* Canonical decoding: whatever decodes re-encodes to the same text. */
	if (gt_base64_decode((const char *)data, size, raw, &n) == 0) {
		if (size % 4 != 0 || n > size / 4 * 3 || gt_base64_len(n) != size)
			abort();
		if (gt_base64_encode(raw, n, enc) != size || memcmp(enc, data, size) != 0)
			abort();
	}

	/* Any bytes encode to text that decodes back to them. */
	size_t len = gt_base64_encode(data, size, enc);
	if (len != gt_base64_len(size) || strlen(enc) != len)
		abort();
	if (gt_base64_decode(enc, len, back, &m) != 0 || m != size || memcmp(back, data, size))
		abort();

	free(raw);
	free(enc);
	free(back);
	return 0;
}
