/* Tests for C2SP tlog-tiles path encoding, parsing and tile geometry (src/log/tilepath.c). */
#include "core/error.h"
#include "log/tilepath.h"
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static uint64_t S_rng = 0x853c49e6748fea9bull;

static void S_expect_path(int level, uint64_t index, unsigned width, const char *want)
{
	char buf[GT_TILE_PATH_MAX];
	memset(buf, 'Z', sizeof(buf));
	size_t n = gt_tile_path(buf, level, index, width);
	cr_assert_str_eq(buf, want, "level %d index %llu width %u", level,
			 (unsigned long long)index, width);
	cr_assert_eq(n, strlen(want));
}

static int S_parse(const char *s, int *level, uint64_t *index, unsigned *width)
{
	return gt_tile_path_parse(s, strlen(s), level, index, width);
}

Test(tilepath, spec_examples)
{
	S_expect_path(0, 1234067, 0, "tile/0/x001/x234/067");
	S_expect_path(0, 1234067, 256, "tile/0/x001/x234/067");
	S_expect_path(0, 1234067, 8, "tile/0/x001/x234/067.p/8");
	S_expect_path(GT_TILE_ENTRIES, 1234067, 0, "tile/entries/x001/x234/067");
	S_expect_path(GT_TILE_ENTRIES, 1234067, 8, "tile/entries/x001/x234/067.p/8");
	S_expect_path(1, 0, 0, "tile/1/000");
	S_expect_path(0, 0, 1, "tile/0/000.p/1");
	S_expect_path(0, 999, 0, "tile/0/999");
	S_expect_path(0, 1000, 0, "tile/0/x001/000");
	S_expect_path(0, 1000000, 0, "tile/0/x001/x000/000");
	S_expect_path(3, 999999, 255, "tile/3/x999/999.p/255");
	S_expect_path(63, UINT64_MAX, 17, "tile/63/x018/x446/x744/x073/x709/x551/615.p/17");
	S_expect_path(GT_TILE_ENTRIES, UINT64_MAX, 255,
		      "tile/entries/x018/x446/x744/x073/x709/x551/615.p/255");
	S_expect_path(10, 42, 0, "tile/10/042");
}

Test(tilepath, invalid_arguments)
{
	char buf[GT_TILE_PATH_MAX];
	cr_assert_eq(gt_tile_path(buf, 64, 0, 0), 0);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(gt_tile_path(buf, -2, 0, 0), 0);
	cr_assert_eq(gt_tile_path(buf, 0, 0, 257), 0);
	cr_assert_str_eq(buf, "");
}

Test(tilepath, parse_examples)
{
	int level;
	uint64_t index;
	unsigned width;

	cr_assert_eq(S_parse("tile/0/x001/x234/067", &level, &index, &width), 0);
	cr_assert_eq(level, 0);
	cr_assert_eq(index, 1234067);
	cr_assert_eq(width, 0);

	cr_assert_eq(S_parse("tile/entries/x001/x234/067.p/8", &level, &index, &width), 0);
	cr_assert_eq(level, GT_TILE_ENTRIES);
	cr_assert_eq(index, 1234067);
	cr_assert_eq(width, 8);

	cr_assert_eq(
		S_parse("tile/63/x018/x446/x744/x073/x709/x551/615.p/255", &level, &index, &width),
		0);
	cr_assert_eq(level, 63);
	cr_assert_eq(index, UINT64_MAX);
	cr_assert_eq(width, 255);

	cr_assert_eq(S_parse("tile/2/000", &level, &index, &width), 0);
	cr_assert_eq(level, 2);
	cr_assert_eq(index, 0);
	cr_assert_eq(width, 0);

	/* len bounds the input: a longer buffer is fine. */
	const char *s = "tile/1/x001/000.p/3 and more";
	cr_assert_eq(gt_tile_path_parse(s, 19, &level, &index, &width), 0);
	cr_assert_eq(level, 1);
	cr_assert_eq(index, 1000);
	cr_assert_eq(width, 3);
	cr_assert_eq(gt_tile_path_parse(s, 15, &level, &index, &width), 0);
	cr_assert_eq(width, 0);
	cr_assert_eq(gt_tile_path_parse(s, 18, &level, &index, &width), GT_EINVAL);
	cr_assert_eq(gt_tile_path_parse(s, 20, &level, &index, &width), GT_EINVAL);
}

Test(tilepath, round_trip)
{
	static const uint64_t fixed[] = {
		0,
		1,
		9,
		10,
		99,
		100,
		255,
		256,
		999,
		1000,
		1001,
		65535,
		65536,
		999999,
		1000000,
		1234067,
		999999999999ull,
		1000000000000ull,
		UINT64_MAX / 1000,
		UINT64_MAX - 1,
		UINT64_MAX,
	};
	char buf[GT_TILE_PATH_MAX];
	int level;
	uint64_t index;
	unsigned width;
	size_t checked = 0;

	for (int l = GT_TILE_ENTRIES; l <= 63; l++) {
		for (unsigned w = 0; w <= GT_TILE_WIDTH; w++) {
			for (int k = 0; k < 40; k++) {
				uint64_t i;
				if (k < (int)(sizeof(fixed) / sizeof(fixed[0])))
					i = fixed[k];
				else /* random magnitude too */
					i = tu_rand(&S_rng) >> (tu_rand(&S_rng) % 64);
				size_t n = gt_tile_path(buf, l, i, w);
				CHECK(n > 0 && n < GT_TILE_PATH_MAX && n == strlen(buf), "%s", buf);
				int rc = gt_tile_path_parse(buf, n, &level, &index, &width);
				CHECK(rc == 0, "%s: %d", buf, rc);
				CHECK(level == l && index == i, "%s: %d %llu", buf, level,
				      (unsigned long long)index);
				CHECK(width == (w == GT_TILE_WIDTH ? 0 : w), "%s: width %u", buf,
				      width);
				checked++;
			}
		}
	}
	cr_assert_eq(checked, 65 * 257 * 40);
}

Test(tilepath, strict_rejection)
{
	static const char *const bad[] = {
		"",
		"tile",
		"tile/",
		"tile/0",
		"tile/0/",
		"tile/0/1",
		"tile/0/01",
		"tile/0/0000",
		"tile/0/abc",
		"tile/0/12a",
		"tile/0/-12",
		"tile/0/+12",
		"tile/0/ 12",
		"tile/0/x000",
		"tile/0/x001",
		"tile/0/x001/",
		"tile/0/x001/67",
		"tile/0/x001/0067",
		"tile/0/001/067",
		"tile/0/x001/x234",
		"tile/0/x1/067",
		"tile/0/x0001/067",
		"tile/0/X001/067",
		"tile/0/x000/067",
		"tile/0/x000/x001/067",
		"tile/0/xx001/067",
		"tile/0/x001//067",
		"tile/0/x001/x234/067/",
		"tile/0/000/",
		"tile/0//000",
		"/tile/0/000",
		"tile//000",
		"tiles/0/000",
		"Tile/0/000",
		"tile/00/000",
		"tile/01/000",
		"tile/64/000",
		"tile/100/000",
		"tile/-1/000",
		"tile/+1/000",
		"tile/x/000",
		"tile/99999999999999999999/000",
		"tile/entry/000",
		"tile/entries/",
		"tile/entriesx/000",
		"tile/data/000",
		"tile/0/000.p/",
		"tile/0/000.p/0",
		"tile/0/000.p/00",
		"tile/0/000.p/01",
		"tile/0/000.p/256",
		"tile/0/000.p/1000",
		"tile/0/000.p/-1",
		"tile/0/000.p/1/",
		"tile/0/000.p/1.p/1",
		"tile/0/000.p",
		"tile/0/000.",
		"tile/0/000.q/1",
		"tile/0/000.P/1",
		"tile/0/000.p1",
		"tile/0/000p/1",
		"tile/0/.p/1",
		"tile/0/x001.p/1/000",
		"tile/0/x018/x446/x744/x073/x709/x551/616",
		"tile/0/x018/x446/x744/x073/x709/x552/000",
		"tile/0/x999/x999/x999/x999/x999/x999/999",
		"tile/0/x018/x446/x744/x073/x709/x551/x999/000",
		"tile/0/x018/x446/x744/x073/x709/x551/x616/000",
		"tile/0/x001/x000/x000/x000/x000/x000/x000/x000/x000/000",
		"tile/0/x001/x000/x000/x000/x000/x000/x000/000",
		"tile/0/000\n",
	};
	int level = 7;
	uint64_t index = 7;
	unsigned width = 7;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(S_parse(bad[i], &level, &index, &width), GT_EINVAL, "accepted \"%s\"",
			     bad[i]);
	/* Outputs are left alone on failure. */
	cr_assert_eq(level, 7);
	cr_assert_eq(index, 7);
	cr_assert_eq(width, 7);

	/* An embedded NUL is not the end of the path. */
	cr_assert_eq(gt_tile_path_parse("tile/0/000\0", 11, &level, &index, &width), GT_EINVAL);
	cr_assert_eq(gt_tile_path_parse("tile/0/0\0"
					"0",
					10, &level, &index, &width),
		     GT_EINVAL);
}

Test(tilepath, geometry)
{
	/* A tree of 70000 entries: 273 full level-0 tiles and one of 112,
	 * at level 1 one full tile and one of 17, at level 2 one of 1. */
	cr_assert_eq(gt_tile_full_count(70000, 0), 273);
	cr_assert_eq(gt_tile_partial_width(70000, 0), 112);
	cr_assert_eq(gt_tile_full_count(70000, GT_TILE_ENTRIES), 273);
	cr_assert_eq(gt_tile_partial_width(70000, GT_TILE_ENTRIES), 112);
	cr_assert_eq(gt_tile_full_count(70000, 1), 1);
	cr_assert_eq(gt_tile_partial_width(70000, 1), 17);
	cr_assert_eq(gt_tile_full_count(70000, 2), 0);
	cr_assert_eq(gt_tile_partial_width(70000, 2), 1);
	cr_assert_eq(gt_tile_partial_width(70000, 3), 0);

	cr_assert_eq(gt_tile_full_count(256, 0), 1);
	cr_assert_eq(gt_tile_partial_width(256, 0), 0);
	cr_assert_eq(gt_tile_full_count(256, 1), 0);
	cr_assert_eq(gt_tile_partial_width(256, 1), 1);

	cr_assert_eq(gt_tile_full_count(0, 0), 0);
	cr_assert_eq(gt_tile_partial_width(0, 0), 0);
	cr_assert_eq(gt_tile_full_count(255, 0), 0);
	cr_assert_eq(gt_tile_partial_width(255, 0), 255);
	cr_assert_eq(gt_tile_full_count(65536, 1), 1);
	cr_assert_eq(gt_tile_partial_width(65536, 1), 0);
	cr_assert_eq(gt_tile_partial_width(65536, 2), 1);

	/* Large trees and high levels: 256^8 does not fit in 64 bits. */
	cr_assert_eq(gt_tile_partial_width(UINT64_MAX, 7), 255);
	cr_assert_eq(gt_tile_full_count(UINT64_MAX, 6), 255);
	cr_assert_eq(gt_tile_full_count(UINT64_MAX, 7), 0);
	cr_assert_eq(gt_tile_full_count(UINT64_MAX, 0), UINT64_MAX >> 8);
	for (int l = 8; l <= 63; l++) {
		cr_assert_eq(gt_tile_partial_width(UINT64_MAX, l), 0);
		cr_assert_eq(gt_tile_full_count(UINT64_MAX, l), 0);
	}
	cr_assert_eq(gt_tile_partial_width(1ull << 56, 7), 1);
	cr_assert_eq(gt_tile_full_count(1ull << 56, 6), 1);

	/* Against a direct definition for many sizes. */
	for (int k = 0; k < 100000; k++) {
		uint64_t size = tu_rand(&S_rng) >> (tu_rand(&S_rng) % 64);
		uint64_t div = 1;
		for (int l = 0; l < 8; l++) {
			uint64_t q = size / div;
			CHECK(gt_tile_partial_width(size, l) == q % 256, "width %llu %d",
			      (unsigned long long)size, l);
			uint64_t full = l == 7 ? 0 : q / 256;
			CHECK(gt_tile_full_count(size, l) == full, "count %llu %d",
			      (unsigned long long)size, l);
			div *= 256;
		}
	}
}
