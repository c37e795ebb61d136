// QR codes (ISO/IEC 18004), written here so that pages load nothing from
// elsewhere: byte mode, error correction level L, M, Q or H, versions 1 to
// 40, the mask chosen by the standard's penalty rules (or given), format and
// version information, Reed-Solomon error correction over GF(256) with the
// polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d). Pure functions, no DOM:
// usable from Node too (tests/browser/qr.test.mjs).
//
// A symbol is { version, size, level, mask, modules }: modules[y][x] is true
// for a dark module, y the row from the top and x the column from the left,
// without the quiet zone (4 light modules around it, which the reader must
// leave: svgPath() draws only the dark modules, at an offset).

/** The error correction levels and the two bits the format information gives them. */
export const LEVELS = { L: 1, M: 0, Q: 3, H: 2 };

const LEVEL_INDEX = { L: 0, M: 1, Q: 2, H: 3 };

// Error correction codewords per block, and the number of blocks, for each
// level (L, M, Q, H) and version (index 0 unused): ISO/IEC 18004 table 9.
const ECC_PER_BLOCK = [
	[-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
	[-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
	[-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
	[-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];
const BLOCKS = [
	[-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
	[-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
	[-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
	[-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];

export const MIN_VERSION = 1;
export const MAX_VERSION = 40;

/** A QR code that cannot be made (the data is too long, an argument is wrong). */
export class QrError extends Error {
	constructor(message) {
		super(message);
		this.name = 'QrError';
	}
}

function checkLevel(level) {
	if (!Object.hasOwn(LEVELS, level)) throw new QrError(`unknown error correction level ${level}`);
}

function checkVersion(version) {
	if (!Number.isInteger(version) || version < MIN_VERSION || version > MAX_VERSION) throw new QrError(`version must be 1 to 40, not ${version}`);
}

/** The side of a symbol of a version, in modules: 21 for version 1. */
export const sizeOf = (version) => 17 + 4 * version;

/* ---------- GF(256) and Reed-Solomon ---------- */

/** The product of two elements of GF(256) modulo x^8 + x^4 + x^3 + x^2 + 1. */
export function gfMul(a, b) {
	let r = 0;
	for (let i = 7; i >= 0; i--) {
		r = (r << 1) ^ ((r >>> 7) * 0x11d);
		r ^= ((b >>> i) & 1) * a;
	}
	return r & 0xff;
}

/**
 * The generator polynomial of degree n, (x - α^0)(x - α^1)…(x - α^(n-1))
 * with α = 2, as its n coefficients below the leading 1, highest first.
 */
export function rsGenerator(degree) {
	if (!Number.isInteger(degree) || degree < 1 || degree > 255) throw new QrError('degree must be 1 to 255');
	const g = new Uint8Array(degree);
	g[degree - 1] = 1; // the polynomial 1, as x^0
	let root = 1;
	for (let i = 0; i < degree; i++) {
		// Multiply by (x - root), which over GF(2^8) is (x + root).
		for (let j = 0; j < degree; j++) {
			g[j] = gfMul(g[j], root);
			if (j + 1 < degree) g[j] ^= g[j + 1];
		}
		root = gfMul(root, 0x02);
	}
	return g;
}

/** The error correction codewords of data: the remainder of data·x^n divided by the generator. */
export function rsRemainder(data, degree) {
	const g = rsGenerator(degree);
	const r = new Uint8Array(degree);
	for (const b of data) {
		const factor = b ^ r[0];
		r.copyWithin(0, 1);
		r[degree - 1] = 0;
		for (let i = 0; i < degree; i++) r[i] ^= gfMul(g[i], factor);
	}
	return r;
}

/* ---------- format and version information ---------- */

/** The 15 bits of format information of a level and mask (BCH(15,5), masked with 101010000010010). */
export function formatBits(level, mask) {
	checkLevel(level);
	if (!Number.isInteger(mask) || mask < 0 || mask > 7) throw new QrError('mask must be 0 to 7');
	const data = (LEVELS[level] << 3) | mask;
	let rem = data;
	for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
	return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

/** The 18 bits of version information of a version of 7 or more (BCH(18,6)). */
export function versionBits(version) {
	checkVersion(version);
	if (version < 7) throw new QrError('versions below 7 have no version information');
	let rem = version;
	for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
	return (version << 12) | (rem & 0xfff);
}

/** The row and column coordinates of the centres of alignment patterns: [6, 22, 38] for version 7. */
export function alignmentPositions(version) {
	checkVersion(version);
	if (version === 1) return [];
	const n = Math.floor(version / 7) + 2;
	const step = Math.floor((version * 8 + n * 3 + 5) / (n * 4 - 4)) * 2;
	const out = [6];
	for (let pos = sizeOf(version) - 7; out.length < n; pos -= step) out.splice(1, 0, pos);
	return out;
}

/* ---------- capacity ---------- */

/** Modules left for data and error correction once the function patterns are placed. */
export function rawDataModules(version) {
	checkVersion(version);
	let n = (16 * version + 128) * version + 64;
	if (version >= 2) {
		const align = Math.floor(version / 7) + 2;
		n -= (25 * align - 10) * align - 55;
		if (version >= 7) n -= 36;
	}
	return n;
}

/** Data codewords of a version at a level: 16 for version 1-M. */
export function dataCodewords(version, level) {
	checkLevel(level);
	const l = LEVEL_INDEX[level];
	return Math.floor(rawDataModules(version) / 8) - ECC_PER_BLOCK[l][version] * BLOCKS[l][version];
}

/** The error correction blocks of a version and level: { blocks, eccPerBlock }. */
export function blockInfo(version, level) {
	checkLevel(level);
	checkVersion(version);
	const l = LEVEL_INDEX[level];
	return { blocks: BLOCKS[l][version], eccPerBlock: ECC_PER_BLOCK[l][version] };
}

const countBits = (version) => (version <= 9 ? 8 : 16); // byte mode

/** Bytes that fit a version and level in byte mode. */
export function byteCapacity(version, level) {
	return Math.floor((dataCodewords(version, level) * 8 - 4 - countBits(version)) / 8);
}

/* ---------- codewords ---------- */

/** The data codewords of bytes in byte mode, with terminator and padding. */
export function dataCodewordsOf(bytes, version, level) {
	const capacity = dataCodewords(version, level);
	if (bytes.length > byteCapacity(version, level)) throw new QrError(`${bytes.length} bytes do not fit version ${version}-${level}`);
	const bits = [];
	const put = (value, n) => {
		for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1);
	};
	put(0b0100, 4); // byte mode
	put(bytes.length, countBits(version));
	for (const b of bytes) put(b, 8);
	put(0, Math.min(4, capacity * 8 - bits.length)); // terminator
	while (bits.length % 8) bits.push(0);
	const out = new Uint8Array(capacity);
	for (let i = 0; i < bits.length; i += 8) {
		let b = 0;
		for (let j = 0; j < 8; j++) b = (b << 1) | bits[i + j];
		out[i / 8] = b;
	}
	for (let i = bits.length / 8, pad = 0xec; i < capacity; i++, pad ^= 0xec ^ 0x11) out[i] = pad;
	return out;
}

/** Split data codewords into blocks, add each block's error correction and interleave. */
export function interleave(data, version, level) {
	const { blocks, eccPerBlock } = blockInfo(version, level);
	const raw = Math.floor(rawDataModules(version) / 8);
	if (data.length !== raw - blocks * eccPerBlock) throw new QrError('wrong number of data codewords');
	const shortBlocks = blocks - (raw % blocks);
	const shortLen = Math.floor(raw / blocks); // data and ecc of a short block
	const dataBlocks = [];
	const eccBlocks = [];
	for (let i = 0, k = 0; i < blocks; i++) {
		const len = shortLen - eccPerBlock + (i < shortBlocks ? 0 : 1);
		const d = data.subarray(k, k + len);
		k += len;
		dataBlocks.push(d);
		eccBlocks.push(rsRemainder(d, eccPerBlock));
	}
	const out = [];
	for (let i = 0; i <= shortLen - eccPerBlock; i++)
		for (const d of dataBlocks) if (i < d.length) out.push(d[i]);
	for (let i = 0; i < eccPerBlock; i++) for (const e of eccBlocks) out.push(e[i]);
	return Uint8Array.from(out);
}

/* ---------- the matrix ---------- */

const grid = (size) => Array.from({ length: size }, () => new Array(size).fill(false));

/**
 * The function patterns of a version: { modules, isFunction }, with the
 * finder patterns and their separators, the timing patterns, the alignment
 * patterns, the dark module, and the format (all light here) and version
 * information areas reserved.
 */
export function functionPatterns(version) {
	checkVersion(version);
	const size = sizeOf(version);
	const modules = grid(size);
	const isFunction = grid(size);
	const set = (x, y, dark) => {
		modules[y][x] = dark;
		isFunction[y][x] = true;
	};
	// Timing patterns.
	for (let i = 0; i < size; i++) {
		set(6, i, i % 2 === 0);
		set(i, 6, i % 2 === 0);
	}
	// Finder patterns with their separators.
	for (const [cx, cy] of [
		[3, 3],
		[size - 4, 3],
		[3, size - 4],
	])
		for (let dy = -4; dy <= 4; dy++)
			for (let dx = -4; dx <= 4; dx++) {
				const x = cx + dx;
				const y = cy + dy;
				if (x < 0 || y < 0 || x >= size || y >= size) continue;
				const d = Math.max(Math.abs(dx), Math.abs(dy));
				set(x, y, d !== 2 && d !== 4);
			}
	// Alignment patterns, except where they would overlap a finder.
	const pos = alignmentPositions(version);
	const last = pos.length - 1;
	for (let i = 0; i <= last; i++)
		for (let j = 0; j <= last; j++) {
			if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
			for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) set(pos[i] + dx, pos[j] + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
		}
	// Format information (reserved), and the dark module.
	for (let i = 0; i <= 8; i++) {
		if (i !== 6) {
			set(8, i, false);
			set(i, 8, false);
		}
	}
	for (let i = 0; i < 8; i++) {
		set(size - 1 - i, 8, false);
		set(8, size - 1 - i, false);
	}
	set(8, size - 8, true);
	// Version information.
	if (version >= 7) placeVersion(modules, isFunction, version);
	return { modules, isFunction };
}

function placeVersion(modules, isFunction, version) {
	const size = sizeOf(version);
	const bits = versionBits(version);
	for (let i = 0; i < 18; i++) {
		const dark = ((bits >>> i) & 1) === 1;
		const a = size - 11 + (i % 3);
		const b = Math.floor(i / 3);
		modules[b][a] = dark; // top right, x = a
		modules[a][b] = dark; // bottom left, y = a
		isFunction[b][a] = isFunction[a][b] = true;
	}
}

/** Write the format information of level and mask into both of its places. */
export function placeFormat(modules, level, mask) {
	const size = modules.length;
	const bits = formatBits(level, mask);
	const bit = (i) => ((bits >>> i) & 1) === 1;
	// Around the top left finder: bits 0-7 down column 8, 8-14 along row 8 (right to left).
	for (let i = 0; i <= 5; i++) modules[i][8] = bit(i);
	modules[7][8] = bit(6);
	modules[8][8] = bit(7);
	modules[8][7] = bit(8);
	for (let i = 9; i < 15; i++) modules[8][14 - i] = bit(i);
	// Split between the other two finders.
	for (let i = 0; i < 8; i++) modules[8][size - 1 - i] = bit(i);
	for (let i = 8; i < 15; i++) modules[size - 15 + i][8] = bit(i);
	modules[size - 8][8] = true; // the dark module
}

/** Place the codewords in the two-column zigzag from the bottom right, skipping the function patterns. */
export function placeData(modules, isFunction, codewords) {
	const size = modules.length;
	let i = 0;
	const total = codewords.length * 8;
	for (let right = size - 1; right >= 1; right -= 2) {
		if (right === 6) right = 5; // the vertical timing pattern
		const upward = ((right + 1) & 2) === 0;
		for (let v = 0; v < size; v++) {
			const y = upward ? size - 1 - v : v;
			for (let j = 0; j < 2; j++) {
				const x = right - j;
				if (isFunction[y][x]) continue;
				// Remainder bits (past the codewords) are light.
				modules[y][x] = i < total && ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
				i++;
			}
		}
	}
}

/** Whether mask k inverts the module in row y, column x. */
export function maskBit(k, x, y) {
	switch (k) {
		case 0:
			return (x + y) % 2 === 0;
		case 1:
			return y % 2 === 0;
		case 2:
			return x % 3 === 0;
		case 3:
			return (x + y) % 3 === 0;
		case 4:
			return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
		case 5:
			return ((x * y) % 2) + ((x * y) % 3) === 0;
		case 6:
			return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
		case 7:
			return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
		default:
			throw new QrError('mask must be 0 to 7');
	}
}

/** Apply (or undo: it is its own inverse) mask k to the modules that are not function patterns. */
export function applyMask(modules, isFunction, k) {
	const size = modules.length;
	for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (!isFunction[y][x] && maskBit(k, x, y)) modules[y][x] = !modules[y][x];
}

/**
 * The penalty score of a symbol (ISO/IEC 18004 section 7.8.3):
 *  N1 = 3 + (n - 5) for each run of n >= 5 modules of one colour in a row or column;
 *  N2 = 3 for each 2 x 2 block of one colour (blocks may overlap);
 *  N3 = 40 for each 1:1:3:1:1 dark-light-dark-light-dark pattern with 4 light
 *       modules before or after it in a row or column (the quiet zone around
 *       the symbol counts as light; with light on both sides it counts twice);
 *  N4 = 10 for each full 5% by which the share of dark modules is off 50%.
 * Returns { total, n1, n2, n3, n4 }.
 */
export function penalty(modules) {
	const size = modules.length;
	let n1 = 0;
	let n2 = 0;
	let n3 = 0;
	const lines = [];
	for (let y = 0; y < size; y++) lines.push(modules[y]);
	for (let x = 0; x < size; x++) lines.push(modules.map((row) => row[x]));
	const A = [true, false, true, true, true, false, true];
	for (const line of lines) {
		let run = 1;
		for (let i = 1; i <= size; i++) {
			if (i < size && line[i] === line[i - 1]) {
				run++;
				continue;
			}
			if (run >= 5) n1 += 3 + (run - 5);
			run = 1;
		}
		// With the quiet zone: 4 light modules on each side.
		const ext = [false, false, false, false, ...line, false, false, false, false];
		for (let i = 0; i + 7 <= ext.length; i++) {
			if (!A.every((v, k) => ext[i + k] === v)) continue;
			const lightBefore = i >= 4 && !ext[i - 1] && !ext[i - 2] && !ext[i - 3] && !ext[i - 4];
			const lightAfter = i + 11 <= ext.length && !ext[i + 7] && !ext[i + 8] && !ext[i + 9] && !ext[i + 10];
			n3 += (lightBefore ? 40 : 0) + (lightAfter ? 40 : 0);
		}
	}
	for (let y = 0; y + 1 < size; y++)
		for (let x = 0; x + 1 < size; x++) {
			const c = modules[y][x];
			if (modules[y][x + 1] === c && modules[y + 1][x] === c && modules[y + 1][x + 1] === c) n2 += 3;
		}
	let dark = 0;
	for (const row of modules) for (const m of row) if (m) dark++;
	const total = size * size;
	const n4 = Math.floor(Math.abs(20 * dark - 10 * total) / total) * 10;
	return { total: n1 + n2 + n3 + n4, n1, n2, n3, n4 };
}

/* ---------- encoding ---------- */

const utf8 = new TextEncoder();

/** The smallest version from min to max whose byte mode holds n bytes at level, or 0. */
export function versionFor(n, level, min = MIN_VERSION, max = MAX_VERSION) {
	for (let v = min; v <= max; v++) if (byteCapacity(v, level) >= n) return v;
	return 0;
}

/**
 * Encode text (a string, as UTF-8) or bytes (a Uint8Array) in byte mode.
 * Options: level ('M'), minVersion (1), maxVersion (40), mask (-1: the one
 * with the lowest penalty, the first of equals). Returns { version, size,
 * level, mask, modules }; throws QrError when it does not fit.
 */
export function encode(input, { level = 'M', minVersion = MIN_VERSION, maxVersion = MAX_VERSION, mask = -1 } = {}) {
	checkLevel(level);
	checkVersion(minVersion);
	checkVersion(maxVersion);
	if (!(mask === -1 || (Number.isInteger(mask) && mask >= 0 && mask <= 7))) throw new QrError('mask must be -1 (automatic) or 0 to 7');
	const bytes = typeof input === 'string' ? utf8.encode(input) : input;
	if (!(bytes instanceof Uint8Array)) throw new QrError('encode takes a string or a Uint8Array');
	const version = versionFor(bytes.length, level, minVersion, maxVersion);
	if (!version) throw new QrError(`${bytes.length} bytes are too long for a QR code of version ${maxVersion}-${level} at most`);
	const codewords = interleave(dataCodewordsOf(bytes, version, level), version, level);
	const { modules, isFunction } = functionPatterns(version);
	placeData(modules, isFunction, codewords);
	let best = mask;
	if (best === -1) {
		let lowest = Infinity;
		for (let k = 0; k < 8; k++) {
			applyMask(modules, isFunction, k);
			placeFormat(modules, level, k);
			const p = penalty(modules).total;
			if (p < lowest) {
				lowest = p;
				best = k;
			}
			applyMask(modules, isFunction, k); // undo
		}
	}
	applyMask(modules, isFunction, best);
	placeFormat(modules, level, best);
	return { version, size: sizeOf(version), level, mask: best, modules };
}

/**
 * An SVG path of the dark modules of a symbol, one unit per module, offset
 * by border modules (the quiet zone): "M4,4h1v1h-1z…", runs in a row drawn
 * as one rectangle.
 */
export function svgPath(qr, border = 4) {
	const parts = [];
	qr.modules.forEach((row, y) => {
		for (let x = 0; x < row.length; x++) {
			if (!row[x]) continue;
			let n = 1;
			while (x + n < row.length && row[x + n]) n++;
			parts.push(`M${x + border},${y + border}h${n}v1h-${n}z`);
			x += n - 1;
		}
	});
	return parts.join('');
}
