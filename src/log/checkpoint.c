/* C2SP tlog-checkpoint note bodies: format, parse, sign and open. */
#include "log/checkpoint.h"
#include "core/base64.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#define S_ROOT_B64 44 /* base64 of a 32-byte hash */

/* An origin: non-empty, at most GT_NOTE_NAME_MAX bytes, no control bytes. */
static bool S_origin_valid(const char *p, size_t n)
{
	if (n == 0 || n > GT_NOTE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((uint8_t)p[i] < 0x20)
			return false;
	}
	return true;
}

int gt_checkpoint_format(const gt_checkpoint *c, gt_buf *out)
{
	char b64[S_ROOT_B64 + 1];
	size_t n = strnlen(c->origin, sizeof(c->origin));
	if (n == sizeof(c->origin) || !S_origin_valid(c->origin, n))
		return GT_EINVAL;
	gt_base64_encode(c->root.b, GT_HASH_LEN, b64);
	return gt_buf_addf(out, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, b64);
}

/* Parse a tree size: decimal digits, no leading zeros, at most 2^64-1. */
static bool S_size(const char *p, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	if (n == 0 || (n > 1 && p[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		uint64_t d = (uint64_t)(p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

/* The next line of text[*pos..len) without its '\n'; false if none is left or
 * the last one is unterminated. */
static bool S_line(const char *text, size_t len, size_t *pos, const char **ret, size_t *ret_n)
{
	if (*pos >= len)
		return false;
	const char *p = text + *pos;
	const char *nl = memchr(p, '\n', len - *pos);
	if (!nl)
		return false;
	*ret = p;
	*ret_n = (size_t)(nl - p);
	*pos += *ret_n + 1;
	return true;
}

int gt_checkpoint_parse(const char *text, size_t len, gt_checkpoint *out, gt_error *err)
{
	gt_checkpoint c;
	const char *line;
	size_t n, pos = 0, got;
	if (len == 0 || text[len - 1] != '\n')
		return gt_fail(err, GT_EINVAL, "checkpoint does not end in a newline");
	if (!S_line(text, len, &pos, &line, &n))
		return gt_fail(err, GT_EINVAL, "checkpoint has no origin line");
	if (n == 0)
		return gt_fail(err, GT_EINVAL, "checkpoint origin is empty");
	if (!S_origin_valid(line, n))
		return gt_fail(err, GT_EINVAL,
			       "checkpoint origin is too long or has a control byte");
	memcpy(c.origin, line, n);
	c.origin[n] = 0;
	if (!S_line(text, len, &pos, &line, &n))
		return gt_fail(err, GT_EINVAL, "checkpoint has no size line");
	if (!S_size(line, n, &c.size))
		return gt_fail(err, GT_EINVAL,
			       "checkpoint size is not canonical decimal below 2^64");
	if (!S_line(text, len, &pos, &line, &n))
		return gt_fail(err, GT_EINVAL, "checkpoint has no root hash line");
	/* 44 characters without padding decode to 33 bytes: leave room for them. */
	uint8_t root[S_ROOT_B64 / 4 * 3];
	if (n != S_ROOT_B64 || gt_base64_decode(line, n, root, &got) < 0 || got != GT_HASH_LEN)
		return gt_fail(err, GT_EINVAL, "checkpoint root hash is not base64 of 32 bytes");
	memcpy(c.root.b, root, GT_HASH_LEN);
	for (size_t i = 4; S_line(text, len, &pos, &line, &n); i++) {
		if (n == 0)
			return gt_fail(err, GT_EINVAL,
				       "checkpoint line %zu is an empty extension line", i);
	}
	*out = c;
	return 0;
}

int gt_checkpoint_sign(const gt_checkpoint *c, const gt_signer *s, gt_buf *out, gt_error *err)
{
	gt_buf text = GT_BUF_INIT;
	if (strcmp(c->origin, gt_signer_name(s)) != 0)
		return gt_fail(err, GT_EINVAL, "checkpoint origin differs from key name %s",
			       gt_signer_name(s));
	int rc = gt_checkpoint_format(c, &text);
	if (rc < 0) {
		gt_fail(err, rc, "cannot format checkpoint");
		goto fail;
	}
	rc = gt_note_sign(s, (const char *)text.data, text.len, out, err);
fail:
	gt_buf_done(&text);
	return rc;
}

int gt_checkpoint_open(const gt_verifier *v, const char *note, size_t len, gt_checkpoint *out,
		       gt_error *err)
{
	gt_checkpoint c;
	size_t text_len;
	int rc = gt_note_verify(v, note, len, &text_len, err);
	if (rc < 0)
		return rc;
	rc = gt_checkpoint_parse(note, text_len, &c, err);
	if (rc < 0)
		return rc;
	if (strcmp(c.origin, gt_verifier_name(v)) != 0)
		return gt_fail(err, GT_EINVAL, "checkpoint origin %s differs from key name %s",
			       c.origin, gt_verifier_name(v));
	*out = c;
	return 0;
}
