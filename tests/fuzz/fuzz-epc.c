/* libFuzzer target: EPCIS identifiers and CBV vocabulary. The first byte
 * picks the mode and an output size; the rest is the value. Whatever is
 * accepted must be printable ASCII within the limit, stable when normalised
 * again, and, when it is a Digital Link on id.gs1.org, canonical by rules
 * checked here apart from the library's code; whatever is refused must come
 * with a message and leave the output untouched. */
#include "trace/epc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool S_unreserved(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static bool S_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static int S_hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* The GS1 check digit of the n digits d, as the General Specifications state it. */
static bool S_check_ok(const char *d, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (d[i] < '0' || d[i] > '9')
			return false;
		sum += (d[i] - '0') * ((n - 1 - i) % 2 == 1 ? 3 : 1);
	}
	return d[n - 1] - '0' == (10 - sum % 10) % 10;
}

/* abort() unless out (not a prefix) is a canonical Digital Link on
 * id.gs1.org: /AI/value pairs, values encoded canonically, a GTIN of 14
 * digits with its check digit. */
static void S_check_canonical(const char *out)
{
	const char *p = out + strlen("https://id.gs1.org");
	if (*p != '/')
		abort();
	size_t pairs = 0;
	while (*p) {
		if (*p++ != '/')
			abort();
		const char *ai = p;
		while (*p >= '0' && *p <= '9')
			p++;
		size_t an = (size_t)(p - ai);
		if (an < 2 || an > 4 || *p++ != '/')
			abort();
		const char *v = p;
		while (*p && *p != '/') {
			if (*p == '%') {
				if (!S_upper_hex(p[1]) || !S_upper_hex(p[2]))
					abort();
				char dec = (char)(S_hexval(p[1]) * 16 + S_hexval(p[2]));
				if (S_unreserved(dec))
					abort(); /* an unreserved character is never encoded */
				p += 3;
			} else if (S_unreserved(*p)) {
				p++;
			} else {
				abort();
			}
		}
		if (p == v)
			abort();
		if (pairs == 0 && an == 2 && memcmp(ai, "01", 2) == 0 &&
		    (p - v != 14 || !S_check_ok(v, 14)))
			abort();
		pairs++;
	}
	if (pairs == 0 || pairs > 4)
		abort();
}

static void S_normalise(const char *in, gt_epc_mode mode)
{
	char out[GT_EPC_MAX + 1], again[GT_EPC_MAX + 1];
	bool pre = true;
	gt_error err = {0};
	memset(out, 0x5a, sizeof(out));
	int rc = gt_epc_normalise(in, mode, out, &pre, &err);
	if (rc < 0) {
		if (rc != GT_EINVAL || !err.msg[0] || !pre)
			abort();
		for (size_t i = 0; i < sizeof(out); i++)
			if (out[i] != 0x5a)
				abort(); /* out is unchanged on failure */
		return;
	}
	size_t n = strlen(out);
	if (n > GT_EPC_MAX || strlen(in) > GT_EPC_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] <= 0x20 || (unsigned char)out[i] >= 0x7f)
			abort();
	if (mode == GT_EPC_DATA && pre)
		abort();
	if (pre)
		return;
	if (n == 0)
		abort();
	/* Stable: the normalised identifier normalises to itself. */
	if (gt_epc_normalise(out, GT_EPC_DATA, again, &pre, &err) < 0) {
		fprintf(stderr, "%s -> %s refused: %s\n", in, out, err.msg);
		abort();
	}
	if (strcmp(again, out) != 0 || pre)
		abort();
	bool gs1 = strncmp(out, "https://id.gs1.org/", 19) == 0;
	bool epc = strncasecmp(in, "urn:epc:", 8) == 0;
	bool web = strncasecmp(in, "http://", 7) == 0 || strncasecmp(in, "https://", 8) == 0;
	if (gs1)
		S_check_canonical(out);
	/* Neither an EPC URN nor a web URI: kept as given. */
	if (!epc && !web && strcmp(in, out) != 0)
		abort();
	/* A trade item's parts, when it is one. */
	char g[15], l[21], s[21];
	if (gt_epc_item(out, g, l, s)) {
		if (strncmp(out, "https://id.gs1.org/01/", 22) != 0 || strlen(g) != 14 ||
		    memcmp(out + 22, g, 14) != 0 || !S_check_ok(g, 14) || strlen(l) > 20 ||
		    strlen(s) > 20)
			abort();
	} else if (strncmp(out, "https://id.gs1.org/01/", 22) == 0) {
		abort(); /* every canonical GTIN identifier is a trade item */
	}
}

static void S_cbv(gt_cbv v, const char *in, size_t outlen)
{
	char out[512], again[512];
	gt_error err = {0};
	memset(out, 0x5a, sizeof(out));
	int rc = gt_epc_cbv(v, in, out, outlen, &err);
	if (rc < 0) {
		if (rc != GT_EINVAL || !err.msg[0])
			abort();
		for (size_t i = 0; i < sizeof(out); i++)
			if (out[i] != 0x5a)
				abort();
		return;
	}
	size_t n = strlen(out);
	if (n == 0 || n >= outlen || strlen(in) >= outlen)
		abort();
	/* Either kept as given or a bare term (no scheme), which is stable. */
	if (strcmp(out, in) != 0 && (strchr(out, ':') || strlen(out) > strlen(in)))
		abort();
	if (gt_epc_cbv(v, out, again, sizeof(again), &err) < 0 || strcmp(again, out) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	char *in = malloc(size);
	if (!in)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = 0; /* the value ends at its first NUL, as a C string does */
	uint8_t sel = data[0];
	S_normalise(in, (sel & 1) ? GT_EPC_QUERY : GT_EPC_DATA);
	S_cbv((gt_cbv)((sel >> 1) % 5), in, (size_t)(sel >> 4) * 32 + 1);
	S_cbv((gt_cbv)((sel >> 1) % 5), in, 512);
	free(in);
	return 0;
}
