/* libFuzzer target: the GS1 code parser. */
#include "trace/gs1.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gt_gs1 g;
	gt_gs1_parse((const char *)data, size, 2026, &g, NULL);
	return 0;
}
