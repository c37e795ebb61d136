/* Unit tests for strict, canonical standard base64 (src/core/base64.c). */
#include <criterion/criterion.h>

#include "core/base64.h"
#include "core/error.h"

#include <string.h>

struct vector {
	const char *raw;
	const char *b64;
};

/* RFC 4648 section 10. */
static const struct vector S_rfc4648[] = {
	{"", ""},
	{"f", "Zg=="},
	{"fo", "Zm8="},
	{"foo", "Zm9v"},
	{"foob", "Zm9vYg=="},
	{"fooba", "Zm9vYmE="},
	{"foobar", "Zm9vYmFy"},
};

/* Decode s (as a whole) and report the result code. */
static int S_decode(const char *s, uint8_t *out, size_t *n)
{
	return gt_base64_decode(s, strlen(s), out, n);
}

Test(base64, rfc4648_encode)
{
	for (size_t i = 0; i < sizeof(S_rfc4648) / sizeof(S_rfc4648[0]); i++) {
		const struct vector *v = &S_rfc4648[i];
		char out[16];
		size_t n = gt_base64_encode((const uint8_t *)v->raw, strlen(v->raw), out);
		cr_assert_eq(n, strlen(v->b64), "length for \"%s\"", v->raw);
		cr_assert_str_eq(out, v->b64);
		cr_assert_eq(gt_base64_len(strlen(v->raw)), n);
	}
}

Test(base64, rfc4648_decode)
{
	for (size_t i = 0; i < sizeof(S_rfc4648) / sizeof(S_rfc4648[0]); i++) {
		const struct vector *v = &S_rfc4648[i];
		uint8_t out[16];
		size_t n = 99;
		cr_assert_eq(S_decode(v->b64, out, &n), 0, "decoding \"%s\"", v->b64);
		cr_assert_eq(n, strlen(v->raw));
		cr_assert_eq(memcmp(out, v->raw, n), 0);
	}
}

Test(base64, lengths)
{
	cr_assert_eq(gt_base64_len(0), 0);
	cr_assert_eq(gt_base64_len(1), 4);
	cr_assert_eq(gt_base64_len(2), 4);
	cr_assert_eq(gt_base64_len(3), 4);
	cr_assert_eq(gt_base64_len(4), 8);
	cr_assert_eq(gt_base64_len(32), 44);
	cr_assert_eq(gt_base64_len(33), 44);
	cr_assert_eq(gt_base64_len(68), 92);
}

Test(base64, all_bytes_round_trip)
{
	uint8_t raw[256], back[256];
	char enc[345];
	for (int i = 0; i < 256; i++)
		raw[i] = (uint8_t)i;
	for (size_t len = 0; len <= sizeof(raw); len++) {
		size_t n = gt_base64_encode(raw, len, enc), m = 0;
		cr_assert_eq(n, gt_base64_len(len));
		cr_assert_eq(strlen(enc), n);
		cr_assert_eq(gt_base64_decode(enc, n, back, &m), 0, "length %zu", len);
		cr_assert_eq(m, len);
		cr_assert_eq(memcmp(raw, back, len), 0);
	}
}

Test(base64, alphabet_edges)
{
	uint8_t out[8];
	size_t n;
	cr_assert_eq(S_decode("////", out, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert(out[0] == 0xff && out[1] == 0xff && out[2] == 0xff);
	cr_assert_eq(S_decode("++++", out, &n), 0);
	cr_assert(out[0] == 0xfb && out[1] == 0xef && out[2] == 0xbe);
	cr_assert_eq(S_decode("AAAA", out, &n), 0);
	cr_assert(out[0] == 0 && out[1] == 0 && out[2] == 0);
}

Test(base64, non_canonical_trailing_bits)
{
	uint8_t out[8];
	size_t n;
	/* "f" is Zg==; Zh== .. Zv== differ only in bits that must be zero. */
	cr_assert_eq(S_decode("Zh==", out, &n), GT_EINVAL);
	cr_assert_eq(S_decode("Zv==", out, &n), GT_EINVAL);
	/* "fo" is Zm8=; Zm9= sets a trailing bit. */
	cr_assert_eq(S_decode("Zm9=", out, &n), GT_EINVAL);
	cr_assert_eq(S_decode("Zm/=", out, &n), GT_EINVAL);
	cr_assert_eq(S_decode("AB==", out, &n), GT_EINVAL);
	cr_assert_eq(S_decode("AAB=", out, &n), GT_EINVAL);
}

Test(base64, bad_padding)
{
	static const char *bad[] = {
		"Zg",	    /* missing padding */
		"Zg=",	    /* short padding */
		"Zm8",	    /* missing padding */
		"Z===",	    /* too much padding */
		"====",	    /* only padding */
		"=Zg=",	    /* padding first */
		"Zg=A",	    /* data after padding */
		"Zg==Zg==", /* padding in the middle */
		"Zm8=Zm9v", /* padding in the middle */
		"Zm9v=",    /* length not a multiple of 4 */
		"Zm9v====", /* a block of padding */
		"Zm9vYg===", "A", "AA", "AAA",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t out[16];
		size_t n;
		cr_assert_eq(S_decode(bad[i], out, &n), GT_EINVAL, "\"%s\" decoded", bad[i]);
	}
}

Test(base64, bad_characters)
{
	static const char *bad[] = {
		"Zm9-", /* URL-safe alphabet */
		"Zm9_", "Zm 9v", "Zm9v\n", " Zm9v", "Zm9v\r\n", "Zm.v", "Zm9\x80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t out[16];
		size_t n;
		cr_assert_eq(S_decode(bad[i], out, &n), GT_EINVAL, "\"%s\" decoded", bad[i]);
	}
	uint8_t out[8];
	size_t n;
	cr_assert_eq(gt_base64_decode("Zm\0v", 4, out, &n), GT_EINVAL, "NUL decoded");
}

Test(base64, exact_length_only)
{
	/* Only len characters are read: a valid prefix decodes on its own. */
	uint8_t out[8];
	size_t n;
	cr_assert_eq(gt_base64_decode("Zm9vYmFy", 4, out, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(memcmp(out, "foo", 3), 0);
	cr_assert_eq(gt_base64_decode("Zm9v", 0, out, &n), 0);
	cr_assert_eq(n, 0);
}

Test(hex, encodes_lower_case_two_digits_a_byte)
{
	const uint8_t in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
	char out[2 * sizeof(in) + 1];
	memset(out, 'x', sizeof(out));
	gt_hex_encode(in, sizeof(in), out);
	cr_assert_str_eq(out, "00017f80abff");
	gt_hex_encode(in, 0, out);
	cr_assert_str_eq(out, "");
}

Test(hex, decodes_lower_case_and_refuses_anything_else)
{
	uint8_t out[6];
	cr_assert_eq(gt_hex_decode("00017f80abff", 6, out), 0);
	const uint8_t want[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
	cr_assert_arr_eq(out, want, sizeof(want));
	cr_assert_eq(gt_hex_decode("abcdef-tail", 3, out), 0); /* only 2n characters are read */
	cr_assert_eq(out[2], 0xef);
	static const char *const bad[] = {"0G", "AB", "0 ", "-1", "0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(gt_hex_decode(bad[i], 1, out), GT_EINVAL, "%s", bad[i]);
}
