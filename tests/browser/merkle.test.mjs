// web/assets/merkle.js in Node (no browser): the RFC 6962 inclusion test
// vectors, and checkpoints and verifier keys made by the real program.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as M from '../../web/assets/merkle.js';
import { GOODTRACE, TESTDATA, run, requireGoodtrace } from './helpers.mjs';

/* ---------- the RFC 6962 vectors ---------- */

function walk(dir) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...walk(p));
		else if (e.name.endsWith('.json')) out.push(p);
	}
	return out.sort();
}

// Integers in the vectors go up to 2^64 - 1: keep them exact as strings.
function parseVector(text) {
	return JSON.parse(text.replace(/("(?:leafIdx|treeSize)"\s*:\s*)(\d+)/g, '$1"$2"'));
}

// Roots are compared as opaque strings by the vectors (some are not 32
// bytes); inputs (leaf, proof hashes) must be 32 bytes.
function decode(s) {
	return M.b64decode(s);
}

describe('RFC 6962 inclusion vectors', () => {
	const dir = path.join(TESTDATA, 'rfc6962', 'inclusion');
	const files = fs.existsSync(dir) ? walk(dir) : [];

	test('the vectors are there', () => {
		assert.ok(files.length > 50, `too few vectors under ${dir} (set GT_TESTDATA)`);
	});

	let positive = 0;
	let negative = 0;
	for (const file of files) {
		const name = path.relative(dir, file);
		test(name, async () => {
			const v = parseVector(fs.readFileSync(file, 'utf8'));
			const leaf = decode(v.leafHash);
			const proof = (v.proof ?? []).map(decode);
			const root = decode(v.root);
			const ok = await M.verifyInclusion(v.leafIdx, v.treeSize, leaf, proof, root);
			assert.equal(ok, !v.wantErr, `${v.desc}: got ${ok ? 'valid' : 'invalid'}`);
			if (v.wantErr) negative++;
			else positive++;

			if (!v.wantErr) {
				// Every single-bit change of a proof hash, the leaf or the root fails.
				for (let i = 0; i < proof.length; i++) {
					const p = proof.map((x) => x.slice());
					p[i][i % 32] ^= 0x01;
					assert.equal(await M.verifyInclusion(v.leafIdx, v.treeSize, leaf, p, root), false, `proof[${i}] flipped`);
				}
				const badLeaf = leaf.slice();
				badLeaf[31] ^= 0x80;
				assert.equal(await M.verifyInclusion(v.leafIdx, v.treeSize, badLeaf, proof, root), false, 'leaf flipped');
				const badRoot = root.slice();
				badRoot[0] ^= 0x01;
				assert.equal(await M.verifyInclusion(v.leafIdx, v.treeSize, leaf, proof, badRoot), false, 'root flipped');
				if (proof.length > 0)
					assert.equal(await M.verifyInclusion(v.leafIdx, v.treeSize, leaf, proof.slice(1), root), false, 'hash removed');
				assert.equal(await M.verifyInclusion(v.leafIdx, v.treeSize, leaf, [...proof, leaf], root), false, 'hash added');
			}
		});
	}

	after(() => {
		if (files.length) {
			assert.ok(positive > 0, 'no positive vectors ran');
			assert.ok(negative > 0, 'no negative vectors ran');
		}
	});
});

/* ---------- hashing basics ---------- */

const hex = (b) => M.toHex(b);

describe('hashing', () => {
	test('leafHash and nodeHash follow RFC 6962', async () => {
		// The empty tree's root, and the leaf hash of the empty string.
		assert.equal(hex(await M.sha256('')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		assert.equal(hex(await M.leafHash('')), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
		const a = await M.leafHash('a');
		const b = await M.leafHash(new TextEncoder().encode('b'));
		const n = await M.nodeHash(a, b);
		const manual = await M.sha256(Uint8Array.from([0x01, ...a, ...b]));
		assert.deepEqual(n, manual);
		// A string is hashed as UTF-8.
		assert.deepEqual(await M.leafHash('疫苗'), await M.leafHash(new TextEncoder().encode('疫苗')));
	});

	test('verifyInclusion accepts numbers, BigInts and decimal strings', async () => {
		const leaves = await Promise.all(['0', '1', '2'].map((x) => M.leafHash(x)));
		const n01 = await M.nodeHash(leaves[0], leaves[1]);
		const root = await M.nodeHash(n01, leaves[2]);
		for (const idx of [2, 2n, '2']) assert.equal(await M.verifyInclusion(idx, 3, leaves[2], [n01], root), true);
		assert.equal(await M.verifyInclusion(0, 3, leaves[0], [leaves[1], leaves[2]], root), true);
		assert.equal(await M.verifyInclusion(3, 3, leaves[2], [n01], root), false, 'index = size');
		assert.equal(await M.verifyInclusion(-1, 3, leaves[2], [n01], root), false, 'negative index');
		assert.equal(await M.verifyInclusion(1.5, 3, leaves[2], [n01], root), false, 'fraction');
		assert.equal(await M.verifyInclusion('02', 3, leaves[2], [n01], root), false, 'leading zero');
		await assert.rejects(M.rootFromInclusionProof(2, 3, leaves[2], []), { code: 'bad-proof' });
	});

	test('base64 is strict', () => {
		assert.deepEqual(M.b64decode('AQID'), Uint8Array.of(1, 2, 3));
		assert.equal(M.b64encode(Uint8Array.of(1, 2, 3, 4)), 'AQIDBA==');
		for (const bad of ['AQI', 'AQ=D', 'AQID\n', 'A-_B', 'AR==']) assert.throws(() => M.b64decode(bad), { code: 'bad-base64' }, bad);
	});
});

/* ---------- checkpoints and keys from the real program ---------- */

// A data directory with only the log, so that entries can be appended raw.
async function initLogOnly(dir, extra = []) {
	const r = await run(GOODTRACE, ['init', '--data', dir, '--log-only', ...extra]);
	assert.equal(r.code, 0, r.stderr);
	return r;
}

describe('checkpoints made by goodtrace', () => {
	let tmp;
	let data;
	let vkeyText;
	let cpText;
	const entries = ['{"a":1}', '{"b":"疫苗"}', '{"c":3}', '{"d":4}', '{"e":5}'];

	before(async () => {
		requireGoodtrace();
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-merkle-'));
		data = path.join(tmp, 'data');
		const init = await initLogOnly(data);
		const app = await run(GOODTRACE, ['log', 'append', '--data', data], { input: entries.join('\n') + '\n' });
		assert.equal(app.code, 0, app.stderr);
		vkeyText = fs.readFileSync(path.join(data, 'log.vkey'), 'utf8');
		assert.equal(init.stdout.split('\n')[0].trim(), vkeyText.trim(), 'init prints the verifier key first');
		cpText = fs.readFileSync(path.join(data, 'log', 'checkpoint'), 'utf8');
	});

	after(() => {
		if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
	});

	test('parseVkey and the key id', async () => {
		const k = M.parseVkey(vkeyText);
		assert.equal(k.publicKey.length, 32);
		assert.match(k.keyIdHex, /^[0-9a-f]{8}$/);
		assert.equal(hex(await M.computeKeyId(k.name, k.publicKey)), k.keyIdHex);
		// A key whose base64 holds '+' (the name never does).
		const pub = new Uint8Array(32).fill(0xfb);
		const id = hex(await M.computeKeyId('example.org/log', pub));
		const plus = M.parseVkey(`example.org/log+${id}+${M.b64encode(Uint8Array.of(1, ...pub))}\n`);
		assert.ok(plus.text.split('+').length > 3);
		assert.deepEqual([plus.name, plus.keyIdHex, hex(plus.publicKey)], ['example.org/log', id, hex(pub)]);
		assert.throws(() => M.parseVkey('no-plus-signs'), { code: 'bad-vkey' });
		assert.throws(() => M.parseVkey(vkeyText.replace('+A', '+B')), { code: 'bad-vkey' }, 'not algorithm 0x01');
		assert.throws(() => M.parseVkey(`${k.name}+XYZ+${M.b64encode(Uint8Array.of(1, ...k.publicKey))}`), { code: 'bad-vkey' });
	});

	test('parseCheckpoint', () => {
		const cp = M.parseCheckpoint(cpText);
		const k = M.parseVkey(vkeyText);
		assert.equal(cp.origin, k.name);
		assert.equal(cp.size, BigInt(entries.length));
		assert.equal(cp.root.length, 32);
		assert.equal(cp.body, cpText.split('\n').slice(0, 3).join('\n') + '\n');
		assert.equal(cp.signatures.length, 1);
		assert.equal(cp.signatures[0].name, k.name);
		assert.equal(cp.signatures[0].keyIdHex, k.keyIdHex);
		assert.equal(cp.signatures[0].signature.length, 64);
		for (const bad of [
			cpText.replace('\n\n', '\n'),
			cpText.slice(0, -1),
			cpText.replace(/\n\d+\n/, '\n-1\n'),
			cpText.replace(/\n\d+\n/, '\n05\n'),
			cpText.replace('\u2014 ', '- '),
			cpText.replace(/\n\n.*$/s, '\n\n'),
		])
			assert.throws(() => M.parseCheckpoint(bad), { code: 'bad-checkpoint' }, JSON.stringify(bad));
	});

	test('the signature verifies, and tampering is caught', async () => {
		const good = await M.verifyCheckpointSignature(cpText, vkeyText);
		assert.deepEqual([good.ok, good.signature, good.keyId, good.reason], [true, true, true, null]);

		// Another size or root: the signature fails.
		const lines = cpText.split('\n');
		const resized = [lines[0], String(Number(lines[1]) + 1), ...lines.slice(2)].join('\n');
		let r = await M.verifyCheckpointSignature(resized, vkeyText);
		assert.deepEqual([r.ok, r.signature, r.keyId, r.reason], [false, false, true, 'bad-signature']);
		const rootBytes = M.b64decode(lines[2]);
		rootBytes[5] ^= 0x10;
		const rerooted = [lines[0], lines[1], M.b64encode(rootBytes), ...lines.slice(3)].join('\n');
		r = await M.verifyCheckpointSignature(rerooted, vkeyText);
		assert.equal(r.signature, false);

		// A flipped signature byte.
		const cp = M.parseCheckpoint(cpText);
		const blob = Uint8Array.from([...cp.signatures[0].keyId, ...cp.signatures[0].signature]);
		blob[20] ^= 0x01;
		const sigTampered = `${cp.body}\n\u2014 ${cp.signatures[0].name} ${M.b64encode(blob)}\n`;
		r = await M.verifyCheckpointSignature(sigTampered, vkeyText);
		assert.deepEqual([r.ok, r.signature, r.keyId], [false, false, true]);

		// A wrong key id on the signature line: the signature still verifies,
		// the key id check fails.
		const blob2 = Uint8Array.from([...cp.signatures[0].keyId, ...cp.signatures[0].signature]);
		blob2[0] ^= 0xff;
		const idTampered = `${cp.body}\n\u2014 ${cp.signatures[0].name} ${M.b64encode(blob2)}\n`;
		r = await M.verifyCheckpointSignature(idTampered, vkeyText);
		assert.deepEqual([r.ok, r.signature, r.keyId, r.reason], [false, true, false, 'key-id-mismatch']);

		// Another log's key: no signature by that name.
		const other = await initLogOnly(path.join(tmp, 'other'), ['--origin', 'other.example/log']);
		r = await M.verifyCheckpointSignature(cpText, other.stdout.split('\n')[0]);
		assert.deepEqual([r.ok, r.reason], [false, 'no-signature']);

		// The same name with another public key: the key id and the signature fail.
		const k = M.parseVkey(vkeyText);
		const pub = k.publicKey.slice();
		pub[3] ^= 0x04;
		const forged = `${k.name}+${k.keyIdHex}+${M.b64encode(Uint8Array.of(1, ...pub))}`;
		r = await M.verifyCheckpointSignature(cpText, forged);
		assert.equal(r.ok, false);
		assert.equal(r.keyId, false);
		assert.equal(r.signature, false);
	});

	test('inclusion proofs from `goodtrace log proof` verify against the signed root', async () => {
		const cp = M.parseCheckpoint(cpText);
		for (let i = 0; i < entries.length; i++) {
			const r = await run(GOODTRACE, ['log', 'proof', '--data', data, '--index', String(i)]);
			assert.equal(r.code, 0, r.stderr);
			const p = JSON.parse(r.stdout);
			const leaf = await M.leafHash(entries[i]);
			assert.equal(M.b64encode(leaf), p.leaf_hash, `leaf ${i}`);
			const proof = p.hashes.map((x) => M.b64decode(x));
			assert.equal(await M.verifyInclusion(i, cp.size, leaf, proof, cp.root), true, `entry ${i}`);
			assert.equal(await M.verifyInclusion(i, cp.size, await M.leafHash(entries[i] + ' '), proof, cp.root), false);
			if (proof.length) {
				proof[0][0] ^= 1;
				assert.equal(await M.verifyInclusion(i, cp.size, leaf, proof, cp.root), false);
			}
		}
	});
});
