/* Standard base64 with strict, canonical decoding. */
#include "core/base64.h"
#include "core/error.h"

static const char S_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t gt_base64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

size_t gt_base64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = S_alphabet[v >> 18 & 63];
		out[o++] = S_alphabet[v >> 12 & 63];
		out[o++] = S_alphabet[v >> 6 & 63];
		out[o++] = S_alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = S_alphabet[v >> 18 & 63];
		out[o++] = S_alphabet[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = S_alphabet[v >> 18 & 63];
		out[o++] = S_alphabet[v >> 12 & 63];
		out[o++] = S_alphabet[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = 0;
	return o;
}

static int S_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int gt_base64_decode(const char *in, size_t len, uint8_t *out, size_t *ret_n)
{
	if (len % 4)
		return GT_EINVAL;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		for (int j = 0; j < 4; j++) {
			if (in[i + j] == '=' && i + 4 == len && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad)
				return GT_EINVAL; /* data after padding */
			v[j] = S_value(in[i + j]);
			if (v[j] < 0)
				return GT_EINVAL;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
			     (uint32_t)v[3];
		if (pad == 2 && (w & 0xffff))
			return GT_EINVAL;
		if (pad == 1 && (w & 0xff))
			return GT_EINVAL;
		out[o++] = (uint8_t)(w >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(w >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)w;
	}
	*ret_n = o;
	return 0;
}

void gt_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = 0;
}

int gt_hex_decode(const char *in, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < 2 * n; i++) {
		char c = in[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return GT_EINVAL;
		out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] << 4 | d : d);
	}
	return 0;
}
