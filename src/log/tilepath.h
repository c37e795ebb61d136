/* C2SP tlog-tiles resource paths and tile geometry. */
#ifndef GT_LOG_TILEPATH_H
#define GT_LOG_TILEPATH_H

#include <stddef.h>
#include <stdint.h>

#define GT_TILE_WIDTH 256
#define GT_TILE_HEIGHT 8
#define GT_TILE_BYTES (GT_TILE_WIDTH * 32)
#define GT_TILE_LEVELS 8     /* 256^8 = 2^64 */
#define GT_TILE_ENTRIES (-1) /* level value that names entry bundles */
#define GT_TILE_PATH_MAX 96

/* Write the path of a tile relative to the log prefix into out (at least
 * GT_TILE_PATH_MAX bytes): "tile/<L>/<N>" or "tile/<L>/<N>.p/<W>" for
 * width 1..255; level GT_TILE_ENTRIES gives "tile/entries/...". width 0 or
 * 256 means a full tile. Returns the length. */
size_t gt_tile_path(char *out, int level, uint64_t index, unsigned width);

/* Parse a path produced by gt_tile_path (strictly: no leading zeros beyond
 * the 3-digit groups, x prefixes on all but the last group, widths 1..255).
 * Returns 0 and sets the outputs (width 0 for a full tile), or GT_EINVAL. */
int gt_tile_path_parse(const char *path, size_t len, int *ret_level, uint64_t *ret_index,
		       unsigned *ret_width);

/* Number of hashes in the rightmost tile at level for a tree of size, i.e.
 * floor(size / 256^level) mod 256 (0 if that tile is full or absent). */
unsigned gt_tile_partial_width(uint64_t size, int level);
/* Number of full tiles at level for a tree of size: size / 256^(level+1). */
uint64_t gt_tile_full_count(uint64_t size, int level);

#endif
