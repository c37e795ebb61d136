// qr.js in Node (no browser): Reed-Solomon over GF(256) against the worked
// example of ISO/IEC 18004, format and version information against the
// standard's tables, the function patterns where the standard puts them,
// the capacities of versions 1 to 40, whole symbols against another
// encoder's (python-qrcode, with the same version and mask), the penalty
// rules and the choice of mask, and every symbol read back by a small
// decoder written here from the standard (format information, unmasking,
// the zigzag, de-interleaving, syndromes, byte mode).

import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as QR from '../../web/assets/qr.js';

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
const bytesOf = (s) => Uint8Array.from(s.split(' '), (x) => parseInt(x, 16));
const bits = (n, width) => n.toString(2).padStart(width, '0');

/* ---------- GF(256) and Reed-Solomon ---------- */

test('GF(256) with the polynomial 0x11d', () => {
	assert.equal(QR.gfMul(2, 0x80), 0x1d);
	assert.equal(QR.gfMul(0x53, 0xca), QR.gfMul(0xca, 0x53));
	for (let a = 0; a < 256; a++) {
		assert.equal(QR.gfMul(a, 1), a);
		assert.equal(QR.gfMul(a, 0), 0);
	}
	// 2 generates the multiplicative group: its powers are the 255 non-zero elements.
	const seen = new Set();
	for (let i = 0, x = 1; i < 255; i++, x = QR.gfMul(x, 2)) seen.add(x);
	assert.equal(seen.size, 255);
	assert.ok(!seen.has(0));
});

test('the generator polynomial of degree 7: α^0, α^87, α^229, α^146, α^149, α^238, α^102, α^21', () => {
	const exp = [1];
	for (let i = 1; i < 255; i++) exp.push(QR.gfMul(exp[i - 1], 2));
	assert.deepEqual(Array.from(QR.rsGenerator(7)), [87, 229, 146, 149, 238, 102, 21].map((e) => exp[e]));
	// (x - α^0)(x - α^1) = x^2 + 3x + 2
	assert.deepEqual(Array.from(QR.rsGenerator(2)), [3, 2]);
});

test('Reed-Solomon codewords of the "01234567" 1-M symbol of ISO/IEC 18004 (annex I)', () => {
	// The 16 data codewords of the example: 0001 (numeric) 0000001000 (8 digits)
	// 0000001100 0101011001 1000011, the terminator 0000, then the pad bytes.
	// (The list lost the second codeword, 20, and has one EC pad too many.)
	const data = bytesOf('10 20 0C 56 61 80 EC 11 EC 11 EC 11 EC 11 EC 11');
	assert.equal(hex(QR.rsRemainder(data, 10)), 'A5 24 D4 C1 ED 36 C7 87 2C 55');
	// The codeword polynomial (data then EC) is divisible by the generator: its syndromes are 0.
	const all = [...data, ...QR.rsRemainder(data, 10)];
	for (let i = 0, root = 1; i < 10; i++, root = QR.gfMul(root, 2)) assert.equal(evaluate(all, root), 0, `syndrome ${i}`);
});

/* ---------- format and version information ---------- */

// ISO/IEC 18004 table C.1: the format information bit sequences.
const FORMAT = {
	L: ['111011111000100', '111001011110011', '111110110101010', '111100010011101', '110011000101111', '110001100011000', '110110001000001', '110100101110110'],
	M: ['101010000010010', '101000100100101', '101111001111100', '101101101001011', '100010111111001', '100000011001110', '100111110010111', '100101010100000'],
	Q: ['011010101011111', '011000001101000', '011111100110001', '011101000000110', '010010010110100', '010000110000011', '010111011011010', '010101111101101'],
	H: ['001011010001001', '001001110111110', '001110011100111', '001100111010000', '000011101100010', '000001001010101', '000110100001100', '000100000111011'],
};

test('format information of every level and mask (M with mask 0 is 101010000010010)', () => {
	assert.equal(bits(QR.formatBits('M', 0), 15), '101010000010010');
	for (const [level, list] of Object.entries(FORMAT)) list.forEach((want, mask) => assert.equal(bits(QR.formatBits(level, mask), 15), want, `${level} ${mask}`));
	// BCH(15,5): any two differ in at least 7 bits.
	const all = Object.values(FORMAT).flat().map((b) => parseInt(b, 2));
	for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.ok(popcount(all[i] ^ all[j]) >= 7);
	assert.throws(() => QR.formatBits('X', 0), QR.QrError);
	assert.throws(() => QR.formatBits('M', 8), QR.QrError);
});

test('version information (version 7 is 000111110010010100)', () => {
	assert.equal(bits(QR.versionBits(7), 18), '000111110010010100');
	// ISO/IEC 18004 table D.1.
	const want = { 8: 0x085bc, 9: 0x09a99, 10: 0x0a4d3, 20: 0x149a6, 32: 0x209d5, 40: 0x28c69 };
	for (const [v, b] of Object.entries(want)) assert.equal(QR.versionBits(Number(v)), b, `version ${v}`);
	assert.throws(() => QR.versionBits(6), QR.QrError);
});

/* ---------- where things are ---------- */

test('alignment pattern positions (ISO/IEC 18004 table E.1)', () => {
	const want = {
		1: [],
		2: [6, 18],
		6: [6, 34],
		7: [6, 22, 38],
		10: [6, 28, 50],
		14: [6, 26, 46, 66],
		15: [6, 26, 48, 70],
		32: [6, 34, 60, 86, 112, 138],
		36: [6, 24, 50, 76, 102, 128, 154],
		40: [6, 30, 58, 86, 114, 142, 170],
	};
	for (const [v, p] of Object.entries(want)) assert.deepEqual(QR.alignmentPositions(Number(v)), p, `version ${v}`);
});

const FINDER = ['1111111', '1000001', '1011101', '1011101', '1011101', '1000001', '1111111'];

test('finder, separator, timing and alignment patterns, the dark module and version information in place', () => {
	for (const version of [1, 2, 6, 7, 10, 14, 40]) {
		const { modules: m, isFunction: f } = QR.functionPatterns(version);
		const n = QR.sizeOf(version);
		assert.equal(m.length, n);
		const at = (x, y) => (m[y][x] ? '1' : '0');
		// The three finder patterns, with a light separator around each.
		for (const [x0, y0] of [
			[0, 0],
			[n - 7, 0],
			[0, n - 7],
		]) {
			for (let dy = 0; dy < 7; dy++) assert.equal([0, 1, 2, 3, 4, 5, 6].map((dx) => at(x0 + dx, y0 + dy)).join(''), FINDER[dy], `v${version} finder at ${x0},${y0}`);
			for (let i = -1; i <= 7; i++)
				for (const [x, y] of [
					[x0 + i, y0 - 1],
					[x0 + i, y0 + 7],
					[x0 - 1, y0 + i],
					[x0 + 7, y0 + i],
				])
					if (x >= 0 && y >= 0 && x < n && y < n) assert.equal(at(x, y), '0', `v${version} separator ${x},${y}`);
		}
		// Timing patterns: alternate, starting dark, between the finders.
		for (let i = 8; i < n - 8; i++) {
			assert.equal(at(i, 6), i % 2 ? '0' : '1');
			assert.equal(at(6, i), i % 2 ? '0' : '1');
			assert.ok(f[6][i] && f[i][6]);
		}
		// The dark module.
		assert.equal(at(8, 4 * version + 9), '1');
		// Alignment patterns: 5 x 5, dark ring, light ring, dark centre; none over a finder.
		const pos = QR.alignmentPositions(version);
		let count = 0;
		for (const cy of pos)
			for (const cx of pos) {
				const overFinder = (cx < 9 && cy < 9) || (cx > n - 10 && cy < 9) || (cx < 9 && cy > n - 10);
				if (overFinder) continue;
				count++;
				for (let dy = -2; dy <= 2; dy++)
					for (let dx = -2; dx <= 2; dx++) assert.equal(at(cx + dx, cy + dy), Math.max(Math.abs(dx), Math.abs(dy)) === 1 ? '0' : '1', `v${version} alignment at ${cx},${cy}`);
			}
		assert.equal(count, pos.length ? pos.length * pos.length - 3 : 0);
		// Version information: 6 x 3 above the bottom left finder and 3 x 6 left of the top right one.
		if (version >= 7) {
			const v = QR.versionBits(version);
			for (let i = 0; i < 18; i++) {
				const bit = (v >>> i) & 1 ? '1' : '0';
				assert.equal(at(n - 11 + (i % 3), Math.floor(i / 3)), bit);
				assert.equal(at(Math.floor(i / 3), n - 11 + (i % 3)), bit);
			}
		} else assert.ok(!f[0][n - 11], 'no version information below version 7');
		// The function modules leave exactly the raw data modules.
		const free = f.flat().filter((x) => !x).length;
		assert.equal(free, QR.rawDataModules(version), `v${version} data modules`);
	}
});

test('capacities: codewords of versions 1 to 10, bytes at level M', () => {
	assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => Math.floor(QR.rawDataModules(v) / 8)), [26, 44, 70, 100, 134, 172, 196, 242, 292, 346]);
	assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => QR.dataCodewords(v, 'M')), [16, 28, 44, 64, 86, 108, 124, 154, 182, 216]);
	assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => QR.byteCapacity(v, 'M')), [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]);
	assert.equal(QR.dataCodewords(40, 'L'), 2956);
	assert.equal(QR.byteCapacity(40, 'L'), 2953);
	assert.equal(QR.byteCapacity(40, 'H'), 1273);
	assert.equal(QR.versionFor(14, 'M'), 1);
	assert.equal(QR.versionFor(15, 'M'), 2);
	assert.throws(() => QR.encode('x'.repeat(2332), { level: 'M' }), QR.QrError);
	assert.throws(() => QR.encode('x'.repeat(300), { level: 'M', maxVersion: 10 }), /too long/);
	assert.equal(QR.encode('x'.repeat(200), { level: 'M', maxVersion: 10 }).version, 10);
});

/* ---------- whole symbols ---------- */

// Made by python-qrcode 7 (Debian's python3-qrcode), byte mode, level M, with
// the version and mask given: each row as a hexadecimal number.
const GOLDEN = [
	{
		text: 'goodtrace',
		version: 1,
		mask: 0,
		rows: ['1fc47f', '105b41', '17455d', '17495d', '17595d', '104141', '1fd57f', '000b00', '154612', '1f94b7', '0351bb', '1c9401', '024913', '001e37', '1fc2fb', '1043b0', '175a50', '174852', '175d35', '104862', '1fd17b'],
	},
	{
		text: 'z'.repeat(120),
		version: 7,
		mask: 1,
		rows: [
			'1fd0d186617f', '1040756dd241', '175fda688a5d', '174f3bd66b5d', '1741a1f6675d', '10535d1dd841', '1fd55555557f', '000b55177500', '146581f99825',
			'090891799a97', '0c74ab922229', '0cb354977579', '19d9b6299892', '0c8fad799a97', '087118922229', '0f2bb6977579', '14c156299892', '1f976d799a97',
			'1d5118922229', '1eab46977579', '07f377f999f2', '0917bf199b17', '11590f522159', '0b1e1b177519', '17f6fdf99bf2', '09b53bd99a67', '10540f822069',
			'0a881a6777d8', '154ee8699b82', '0f9e23d99a67', '08461b822069', '089d2a6777d9', '01c630699b82', '0692e3d99a67', '0146db822069', '0f1dda6777d9',
			'136701f99bf2', '001053199917', '1fd571522159', '104e5b177519', '174b83f999f2', '17475d999b77', '175672222199', '104c5f777598', '1fda99999a21',
		],
	},
];

test('whole symbols equal another encoder\'s, module for module', () => {
	for (const g of GOLDEN) {
		const qr = QR.encode(g.text, { level: 'M', mask: g.mask });
		assert.equal(qr.version, g.version);
		const rows = qr.modules.map((r) => BigInt(`0b${r.map((x) => (x ? 1 : 0)).join('')}`).toString(16).padStart(Math.ceil(qr.size / 4), '0'));
		assert.deepEqual(rows, g.rows, `${g.text.slice(0, 12)}: version ${g.version}, mask ${g.mask}`);
	}
});

test('every version and mask reads back: format, unmasking, zigzag, blocks, syndromes, byte mode', () => {
	const enc = new TextEncoder();
	for (let version = 1; version <= 40; version++)
		for (const level of version <= 10 ? ['L', 'M', 'Q', 'H'] : ['M']) {
			const n = QR.byteCapacity(version, level);
			const text = `https://example.org/volunteer?code=GTV1.${version}.${level}.` + '0123456789abcdef'.repeat(200);
			const bytes = enc.encode(text).slice(0, n - (version % 3)); // full, or nearly
			const mask = (version + level.charCodeAt(0)) % 8;
			const qr = QR.encode(bytes, { level, mask, minVersion: version, maxVersion: version });
			const got = decode(qr.modules);
			assert.equal(got.level, level);
			assert.equal(got.mask, mask);
			assert.equal(got.version, version);
			assert.deepEqual(got.bytes, Array.from(bytes), `version ${version}-${level}`);
		}
	// UTF-8 text, the automatic mask.
	const qr = QR.encode('志愿服务 GTV1.2.now.5d5ef1ec2044058b736e');
	assert.equal(new TextDecoder().decode(Uint8Array.from(decode(qr.modules).bytes)), '志愿服务 GTV1.2.now.5d5ef1ec2044058b736e');
});

/* ---------- penalty and mask ---------- */

test('the penalty rules', () => {
	const blank = Array.from({ length: 21 }, () => new Array(21).fill(false));
	// Runs: 42 lines of 21 light modules, 3 + 16 each; blocks: 20 x 20 of 3; no finder-like pattern; 0% dark: 10 steps of 5%.
	assert.deepEqual(QR.penalty(blank), { total: 798 + 1200 + 0 + 100, n1: 798, n2: 1200, n3: 0, n4: 100 });
	// One 1:1:3:1:1 pattern in a row with light on both sides counts twice.
	const one = blank.map((r) => [...r]);
	[1, 0, 1, 1, 1, 0, 1].forEach((b, i) => (one[10][7 + i] = b === 1));
	assert.equal(QR.penalty(one).n3, 80);
	// Half dark: no N4.
	const checker = blank.map((r, y) => r.map((_, x) => (x + y) % 2 === 0));
	const p = QR.penalty(checker);
	assert.deepEqual([p.n1, p.n2, p.n4], [0, 0, 0]);
});

test('the mask chosen has the lowest penalty of the eight', () => {
	for (const text of ['goodtrace', 'https://volunteer.example.org/volunteer?code=GTV1.2.now.5d5ef1ec2044058b736e', 'z'.repeat(150)]) {
		const auto = QR.encode(text);
		const scores = [0, 1, 2, 3, 4, 5, 6, 7].map((mask) => QR.penalty(QR.encode(text, { mask }).modules).total);
		assert.equal(auto.mask, scores.indexOf(Math.min(...scores)), `${text.slice(0, 12)}: ${scores}`);
		assert.deepEqual(auto.modules, QR.encode(text, { mask: auto.mask }).modules);
	}
});

test('the SVG path draws the dark modules, inside the quiet zone', () => {
	const qr = QR.encode('goodtrace');
	const d = QR.svgPath(qr, 4);
	assert.match(d, /^M4,4h7v1h-7z/); // the top left finder's first row
	let dark = 0;
	for (const m of d.matchAll(/M(\d+),(\d+)h(\d+)v1h-\3z/g)) {
		const [x, y, w] = [Number(m[1]) - 4, Number(m[2]) - 4, Number(m[3])];
		for (let i = 0; i < w; i++) assert.ok(qr.modules[y][x + i]);
		dark += w;
	}
	assert.equal(dark, qr.modules.flat().filter(Boolean).length);
});

/* ---------- a small decoder, from the standard ---------- */

function popcount(x) {
	let n = 0;
	for (; x; x &= x - 1) n++;
	return n;
}

/** The polynomial with coefficients c (highest first) at x, in GF(256). */
function evaluate(c, x) {
	let y = 0;
	for (const k of c) y = QR.gfMul(y, x) ^ k;
	return y;
}

const LEVEL_OF = { 1: 'L', 0: 'M', 3: 'Q', 2: 'H' };

function decode(modules) {
	const n = modules.length;
	const version = (n - 17) / 4;
	// Format information around the top left finder, bits 14 down to 0.
	const fmtAt = [
		[8, 0], [8, 1], [8, 2], [8, 3], [8, 4], [8, 5], [8, 7], [8, 8], [7, 8], [5, 8], [4, 8], [3, 8], [2, 8], [1, 8], [0, 8],
	];
	let fmt = 0;
	fmtAt.forEach(([x, y], i) => (fmt |= (modules[y][x] ? 1 : 0) << i));
	// The copy split between the other finders.
	let fmt2 = 0;
	for (let i = 0; i < 8; i++) fmt2 |= (modules[8][n - 1 - i] ? 1 : 0) << i;
	for (let i = 8; i < 15; i++) fmt2 |= (modules[n - 15 + i][8] ? 1 : 0) << i;
	assert.equal(fmt, fmt2, 'both copies of the format information agree');
	const info = (fmt ^ 0x5412) >>> 10;
	const level = LEVEL_OF[info >>> 3];
	const mask = info & 7;
	// Unmask and read the codewords in the zigzag, skipping the function patterns.
	const { isFunction } = QR.functionPatterns(version);
	const bitsOut = [];
	for (let right = n - 1; right >= 1; right -= 2) {
		if (right === 6) right = 5;
		for (let v = 0; v < n; v++) {
			const y = ((right + 1) & 2) === 0 ? n - 1 - v : v;
			for (const x of [right, right - 1]) if (!isFunction[y][x]) bitsOut.push(modules[y][x] !== QR.maskBit(mask, x, y) ? 1 : 0);
		}
	}
	const total = Math.floor(QR.rawDataModules(version) / 8);
	const cw = [];
	for (let i = 0; i < total; i++) cw.push(bitsOut.slice(i * 8, i * 8 + 8).reduce((a, b) => (a << 1) | b, 0));
	// De-interleave: data codewords round the blocks (short blocks first), then the EC codewords.
	const { blocks, eccPerBlock } = QR.blockInfo(version, level);
	const short = blocks - (total % blocks);
	const dataLen = (i) => Math.floor(total / blocks) - eccPerBlock + (i < short ? 0 : 1);
	const data = Array.from({ length: blocks }, () => []);
	const ecc = Array.from({ length: blocks }, () => []);
	let k = 0;
	for (let i = 0; i < dataLen(blocks - 1); i++) for (let b = 0; b < blocks; b++) if (i < dataLen(b)) data[b].push(cw[k++]);
	for (let i = 0; i < eccPerBlock; i++) for (let b = 0; b < blocks; b++) ecc[b].push(cw[k++]);
	// Every block is a codeword of the code: its syndromes are all zero.
	for (let b = 0; b < blocks; b++)
		for (let i = 0, root = 1; i < eccPerBlock; i++, root = QR.gfMul(root, 2)) assert.equal(evaluate([...data[b], ...ecc[b]], root), 0, `v${version}-${level} block ${b} syndrome ${i}`);
	// Byte mode: 0100, the count, the bytes.
	const stream = data.flat().flatMap((b) => [7, 6, 5, 4, 3, 2, 1, 0].map((s) => (b >>> s) & 1));
	let pos = 0;
	const read = (w) => {
		let v = 0;
		for (let i = 0; i < w; i++) v = (v << 1) | stream[pos++];
		return v;
	};
	assert.equal(read(4), 0b0100, 'byte mode');
	const count = read(version <= 9 ? 8 : 16);
	const bytes = [];
	for (let i = 0; i < count; i++) bytes.push(read(8));
	return { version, level, mask, bytes };
}
