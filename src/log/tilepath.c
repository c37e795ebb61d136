/* C2SP tlog-tiles resource paths (canonical encoding, strict parsing) and tile geometry. */
#include "log/tilepath.h"
#include "core/error.h"

#include <string.h>

#define S_LEVEL_MAX 63
#define S_ENTRIES "entries"

/* Write v (< 1000) as three digits. */
static char *S_put3(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 100);
	p[1] = (char)('0' + v / 10 % 10);
	p[2] = (char)('0' + v % 10);
	return p + 3;
}

/* Write v in decimal without leading zeros. */
static char *S_putdec(char *p, unsigned v)
{
	char tmp[10];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

size_t gt_tile_path(char *out, int level, uint64_t index, unsigned width)
{
	if (level < GT_TILE_ENTRIES || level > S_LEVEL_MAX || width > GT_TILE_WIDTH) {
		out[0] = 0;
		return 0;
	}
	char *p = out;
	memcpy(p, "tile/", 5);
	p += 5;
	if (level == GT_TILE_ENTRIES) {
		memcpy(p, S_ENTRIES, strlen(S_ENTRIES));
		p += strlen(S_ENTRIES);
	} else {
		p = S_putdec(p, (unsigned)level);
	}
	*p++ = '/';

	/* Base-1000 digits, most significant first: at most 7 for 2^64. */
	unsigned groups[7];
	size_t ng = 0;
	do {
		groups[ng++] = (unsigned)(index % 1000);
		index /= 1000;
	} while (index);
	while (ng > 1) {
		*p++ = 'x';
		p = S_put3(p, groups[--ng]);
		*p++ = '/';
	}
	p = S_put3(p, groups[0]);

	if (width != 0 && width != GT_TILE_WIDTH) {
		memcpy(p, ".p/", 3);
		p += 3;
		p = S_putdec(p, width);
	}
	*p = 0;
	return (size_t)(p - out);
}

/* Parse a decimal number without leading zeros, at most max, taking all of
 * s[0..len). */
static int S_parse_dec(const char *s, size_t len, unsigned max, unsigned *ret)
{
	if (len == 0 || len > 10 || (s[0] == '0' && len > 1))
		return GT_EINVAL;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return GT_EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return GT_EINVAL;
	*ret = (unsigned)v;
	return 0;
}

/* Parse exactly three digits. */
static int S_parse3(const char *s, unsigned *ret)
{
	unsigned v = 0;
	for (int i = 0; i < 3; i++) {
		if (s[i] < '0' || s[i] > '9')
			return GT_EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

/* Parse the canonical index encoding that is all of s[0..len): "xDDD/"
 * groups (the first one not zero) and a final "DDD". */
static int S_parse_index(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned g;
	for (; len - i > 3; i += 5) {
		if (len - i < 5 || s[i] != 'x' || s[i + 4] != '/' || S_parse3(s + i + 1, &g))
			return GT_EINVAL;
		if (i == 0 && g == 0)
			return GT_EINVAL;
		if (v > (UINT64_MAX - g) / 1000)
			return GT_EINVAL;
		v = v * 1000 + g;
	}
	if (len - i != 3 || S_parse3(s + i, &g))
		return GT_EINVAL;
	if (v > (UINT64_MAX - g) / 1000)
		return GT_EINVAL;
	*ret = v * 1000 + g;
	return 0;
}

int gt_tile_path_parse(const char *path, size_t len, int *ret_level, uint64_t *ret_index,
		       unsigned *ret_width)
{
	const char *end = path + len, *p = path;
	int level;
	unsigned width = 0;
	uint64_t index;

	if (len < 5 || memcmp(p, "tile/", 5) != 0)
		return GT_EINVAL;
	p += 5;

	const char *slash = memchr(p, '/', (size_t)(end - p));
	if (!slash)
		return GT_EINVAL;
	size_t llen = (size_t)(slash - p);
	if (llen == strlen(S_ENTRIES) && memcmp(p, S_ENTRIES, llen) == 0) {
		level = GT_TILE_ENTRIES;
	} else {
		unsigned l;
		if (S_parse_dec(p, llen, S_LEVEL_MAX, &l))
			return GT_EINVAL;
		level = (int)l;
	}
	p = slash + 1;

	/* The index ends at ".p/" if the tile is partial. The index itself
	 * never contains '.', so the first '.' decides. */
	const char *dot = memchr(p, '.', (size_t)(end - p));
	const char *iend = end;
	if (dot) {
		if (end - dot < 3 || memcmp(dot, ".p/", 3) != 0)
			return GT_EINVAL;
		if (S_parse_dec(dot + 3, (size_t)(end - dot - 3), GT_TILE_WIDTH - 1, &width) ||
		    width == 0)
			return GT_EINVAL;
		iend = dot;
	}
	if (S_parse_index(p, (size_t)(iend - p), &index))
		return GT_EINVAL;

	*ret_level = level;
	*ret_index = index;
	*ret_width = width;
	return 0;
}

unsigned gt_tile_partial_width(uint64_t size, int level)
{
	if (level == GT_TILE_ENTRIES) /* entry bundles are laid out like level 0 */
		level = 0;
	if (level < 0 || level >= GT_TILE_LEVELS)
		return 0;
	return (unsigned)(size >> (8 * level) & 0xff);
}

uint64_t gt_tile_full_count(uint64_t size, int level)
{
	if (level == GT_TILE_ENTRIES)
		level = 0;
	if (level < 0 || level + 1 >= GT_TILE_LEVELS)
		return 0;
	return size >> (8 * (level + 1));
}
