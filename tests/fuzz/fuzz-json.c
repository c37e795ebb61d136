/* libFuzzer target: untrusted JSON under limits, canonical encoding, entry
 * envelopes and RFC 3339 times (what the API and replay parse). */
#include "core/json.h"
#include "core/time.h"
#include "ledger/ledger.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void S_check_canonical(const json_t *v)
{
	gt_buf a = GT_BUF_INIT, b = GT_BUF_INIT;
	json_t *again = NULL;
	if (gt_json_canonical(v, &a, NULL) < 0) {
		if (!gt_json_has_real(v))
			abort(); /* only reals may be refused */
		goto out;
	}
	/* Canonical text parses back to a value with the same canonical text. */
	if (gt_json_parse(a.data, a.len, NULL, &again, NULL, NULL) < 0 ||
	    gt_json_canonical(again, &b, NULL) < 0 || a.len != b.len ||
	    memcmp(a.data, b.data, a.len) != 0)
		abort();
out:
	json_decref(again);
	gt_buf_done(&a);
	gt_buf_done(&b);
}

static void S_check_time(const uint8_t *data, size_t size)
{
	char s[64];
	if (size >= sizeof(s))
		return;
	memcpy(s, data, size);
	s[size] = 0;
	int64_t ms;
	if (gt_time_parse(s, &ms) < 0)
		return;
	/* Years 0000-9999 with any offset: the formatted form parses to the same time. */
	if (ms < -62167219200000LL + 86400000LL || ms > 253402300799999LL - 86400000LL)
		return;
	char f[GT_TIME_LEN + 1];
	int64_t back;
	gt_time_format(ms, f);
	if (gt_time_parse(f, &back) < 0 || back != ms)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const gt_json_limits lim = {
		.max_bytes = 1 << 20, .max_depth = 16, .max_string = 4096, .max_items = 1000};
	json_t *v = NULL;
	enum gt_json_over over;
	if (gt_json_parse(data, size, &lim, &v, &over, NULL) == 0) {
		S_check_canonical(v);
		json_decref(v);
	}
	json_t *root = NULL;
	gt_entry e;
	if (gt_entry_parse(data, size, 7, &root, &e, NULL) == 0) {
		int64_t ms;
		if (gt_time_parse(e.at, &ms) < 0 || !json_is_object(e.data))
			abort();
		json_decref(root);
	}
	S_check_time(data, size);
	return 0;
}
