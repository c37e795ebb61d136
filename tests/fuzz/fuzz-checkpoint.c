/* libFuzzer target: checkpoint parsing, formatting and opening. */
#include "log/checkpoint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A fixed key named like the seed checkpoints' origin. */
static const char S_skey[] =
	"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

static gt_signer *S_signer;
static gt_verifier *S_verifier;

static void S_setup(void)
{
	if (S_signer)
		return;
	if (gt_signer_parse(S_skey, strlen(S_skey), &S_signer, NULL) < 0 ||
	    gt_signer_verifier(S_signer, &S_verifier) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gt_checkpoint c, d;
	gt_buf b = GT_BUF_INIT, note = GT_BUF_INIT;
	S_setup();

	if (gt_checkpoint_parse((const char *)data, size, &c, NULL) == 0) {
		/* The first three lines re-format to exactly the input's bytes. */
		if (gt_checkpoint_format(&c, &b) < 0 || b.len > size || memcmp(b.data, data, b.len))
			abort();
		/* The formatted body parses back to the same checkpoint. */
		if (gt_checkpoint_parse((const char *)b.data, b.len, &d, NULL) < 0 ||
		    memcmp(&c.root, &d.root, sizeof(c.root)) || c.size != d.size ||
		    strcmp(c.origin, d.origin))
			abort();
		/* With our key's name as origin it signs and opens again. */
		strcpy(c.origin, gt_signer_name(S_signer));
		if (gt_checkpoint_sign(&c, S_signer, &note, NULL) < 0)
			abort();
		if (gt_checkpoint_open(S_verifier, (const char *)note.data, note.len, &d, NULL) <
			    0 ||
		    memcmp(&c.root, &d.root, sizeof(c.root)) || c.size != d.size)
			abort();
	}

	/* Opening: success implies the body parses and the origin is the key name. */
	if (gt_checkpoint_open(S_verifier, (const char *)data, size, &c, NULL) == 0) {
		if (strcmp(c.origin, gt_verifier_name(S_verifier)) != 0)
			abort();
	}
	gt_buf_done(&b);
	gt_buf_done(&note);
	return 0;
}
