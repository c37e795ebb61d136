/* libFuzzer target: the volunteer module's readers of untrusted text. The
 * first byte picks what to read: a check-in code (what a volunteer's phone
 * sends), or JSON as a stored profile or opportunity reaches the matching
 * engine and the API. A code accepted must print back to the very same text;
 * anything read must leave the engine's values within their ranges. */
#include "core/json.h"
#include "volunteer/volunteer.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void S_code(const char *s)
{
	int64_t num = -1;
	char slot[41], mac[21], back[GT_VOL_CODE_MAX + 64];
	if (gt_vol_code_parse(s, &num, slot, mac) < 0)
		return;
	if (num < 0 || strlen(mac) != 20 || !slot[0] || strlen(slot) > 40)
		abort();
	snprintf(back, sizeof(back), "GTV1.%" PRId64 ".%s.%s", num, slot, mac);
	if (strcmp(back, s) != 0)
		abort(); /* one text per code */
}

static void S_json(const json_t *v)
{
	gt_match_volunteer mv;
	gt_match_opportunity mo;
	gt_vol_profile_to_match(v, 1990, 1, &mv);
	if (mv.nskills > GT_MATCH_SKILLS)
		abort();
	gt_vol_opportunity_to_match(v, true, 2, 0, &mo);
	if (mo.nrequired > GT_MATCH_REQUIRED || (mo.slot_hours[2] >> 40) != 0 ||
	    (mv.avail[2] >> 40) != 0)
		abort(); /* 168 hours: bits 128..167 of the third word only */
	json_decref(gt_vol_profile_public(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	if (data[0] & 1) {
		S_code(s);
	} else {
		json_t *v = NULL;
		if (gt_json_parse(s, size - 1, NULL, &v, NULL, NULL) == 0)
			S_json(v);
		json_decref(v);
	}
	free(s);
	return 0;
}
