/* libFuzzer target: note key parsing, note verification and sign/verify round trips. */
#include "log/note.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A fixed key (the Go signed-note example key), so that seed inputs can carry
 * valid signatures for the fuzzer to mutate. */
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

/* The input without trailing ASCII whitespace, which key parsers ignore. */
static size_t S_rtrim(const uint8_t *data, size_t size)
{
	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r' ||
			    data[size - 1] == ' ' || data[size - 1] == '\t'))
		size--;
	return size;
}

/* Whatever parses as a key re-encodes to the same bytes. */
static void S_keys(const uint8_t *data, size_t size)
{
	gt_verifier *v = NULL;
	gt_signer *s = NULL;
	gt_buf b = GT_BUF_INIT;
	size_t trimmed = S_rtrim(data, size);
	if (gt_verifier_parse((const char *)data, size, &v, NULL) == 0) {
		if (gt_verifier_encode(v, &b) < 0 || b.len != trimmed ||
		    memcmp(b.data, data, b.len))
			abort();
		gt_buf_reset(&b);
	}
	if (gt_signer_parse((const char *)data, size, &s, NULL) == 0) {
		gt_verifier *sv = NULL;
		if (gt_signer_encode(s, &b) < 0 || b.len != trimmed || memcmp(b.data, data, b.len))
			abort();
		if (gt_signer_verifier(s, &sv) < 0 ||
		    strcmp(gt_verifier_name(sv), gt_signer_name(s)))
			abort();
		gt_verifier_free(sv);
	}
	gt_buf_done(&b);
	gt_signer_free(s);
	gt_verifier_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gt_buf b = GT_BUF_INIT;
	size_t text_len = 0;
	S_setup();
	S_keys(data, size);

	/* Verification: on success the text is a proper prefix ending in "\n\n". */
	if (gt_note_verify(S_verifier, (const char *)data, size, &text_len, NULL) == 0) {
		if (text_len == 0 || text_len + 1 >= size || data[text_len - 1] != '\n' ||
		    data[text_len] != '\n')
			abort();
		/* The verified text is valid note text, so it can be signed again. */
		if (gt_note_sign(S_signer, (const char *)data, text_len, &b, NULL) < 0)
			abort();
		gt_buf_reset(&b);
	}

	/* Any text that can be signed verifies, with the same text length. */
	if (gt_note_sign(S_signer, (const char *)data, size, &b, NULL) == 0) {
		size_t n = 0;
		if (b.len <= size || memcmp(b.data, data, size) != 0)
			abort();
		if (gt_note_verify(S_verifier, (const char *)b.data, b.len, &n, NULL) != 0 ||
		    n != size)
			abort();
	}
	gt_buf_done(&b);
	return 0;
}
