// Verification of the goodtrace log in the browser (and in Node): RFC 6962 /
// RFC 9162 hashing and inclusion proofs, C2SP tlog-checkpoint, C2SP
// signed-note with Ed25519 keys. Pure functions over WebCrypto
// (crypto.subtle) and standard APIs only; no DOM.
//
// Hashes and keys are Uint8Arrays. Indexes and sizes may be given as
// Numbers (safe integers), BigInts or decimal strings, and are handled as
// BigInts, so trees of up to 2^64 - 1 entries work.

const HASH_LEN = 32;
const MAX_PROOF = 64; // an inclusion proof in a tree of < 2^64 leaves
const SIG_PREFIX = '\u2014 '; // "— " starts every signature line of a note
const ALG_ED25519 = 0x01;
const U64_MAX = (1n << 64n) - 1n;

const enc = new TextEncoder();

function subtle() {
	const s = globalThis.crypto && globalThis.crypto.subtle;
	if (!s) {
		const e = new Error('WebCrypto (crypto.subtle) is not available: use https or localhost');
		e.code = 'no-webcrypto';
		throw e;
	}
	return s;
}

/** A verification error with a stable code the pages translate. */
export class VerifyError extends Error {
	constructor(code, message) {
		super(message);
		this.name = 'VerifyError';
		this.code = code;
	}
}

/* ---------- bytes ---------- */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding, as the log uses. */
export function b64encode(bytes) {
	let out = '';
	let i = 0;
	for (; i + 2 < bytes.length; i += 3) {
		const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
		out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
	}
	if (i + 1 === bytes.length) {
		const n = bytes[i] << 16;
		out += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
	} else if (i + 2 === bytes.length) {
		const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
		out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
	}
	return out;
}

/** Strict standard base64 (padding required, no whitespace, canonical
 * trailing bits); throws VerifyError('bad-base64') otherwise. */
export function b64decode(s) {
	if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s))
		throw new VerifyError('bad-base64', 'not valid base64');
	const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
	const out = new Uint8Array((s.length / 4) * 3 - pad);
	let o = 0;
	for (let i = 0; i < s.length; i += 4) {
		const c = [0, 1, 2, 3].map((k) => (s[i + k] === '=' ? 0 : B64.indexOf(s[i + k])));
		const n = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
		if (o < out.length) out[o++] = n >> 16;
		if (o < out.length) out[o++] = (n >> 8) & 255;
		if (o < out.length) out[o++] = n & 255;
	}
	// Reject non-canonical encodings (bits set in the padding).
	if (b64encode(out) !== s) throw new VerifyError('bad-base64', 'not canonical base64');
	return out;
}

export function toHex(bytes) {
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function bytesEqual(a, b) {
	if (!a || !b || a.length !== b.length) return false;
	let d = 0;
	for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
	return d === 0;
}

function concat(...parts) {
	const n = parts.reduce((s, p) => s + p.length, 0);
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

function asBytes(data) {
	if (typeof data === 'string') return enc.encode(data);
	if (data instanceof Uint8Array) return data;
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	throw new TypeError('expected a string or bytes');
}

/** A non-negative integer below 2^64 as a BigInt, or null. */
export function toU64(v) {
	let n;
	if (typeof v === 'bigint') n = v;
	else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
	else if (typeof v === 'string' && /^(0|[1-9][0-9]*)$/.test(v)) n = BigInt(v);
	else return null;
	return n >= 0n && n <= U64_MAX ? n : null;
}

/* ---------- RFC 6962 hashing ---------- */

export async function sha256(data) {
	return new Uint8Array(await subtle().digest('SHA-256', asBytes(data)));
}

/** SHA-256(0x00 ‖ entry): entry as bytes, or a string taken as UTF-8. */
export async function leafHash(entry) {
	return sha256(concat(Uint8Array.of(0x00), asBytes(entry)));
}

/** SHA-256(0x01 ‖ left ‖ right). */
export async function nodeHash(left, right) {
	return sha256(concat(Uint8Array.of(0x01), left, right));
}

/* ---------- inclusion proofs (RFC 9162 section 2.1.3.2) ---------- */

/**
 * The root that an inclusion proof leads to, following RFC 9162 section
 * 2.1.3.2. Throws VerifyError('bad-proof') when the proof cannot be valid
 * for this index and size whatever the hashes (index out of range, wrong
 * number of hashes, a hash that is not 32 bytes).
 */
export async function rootFromInclusionProof(index, size, leaf, proof) {
	const idx = toU64(index);
	const sz = toU64(size);
	if (idx === null || sz === null) throw new VerifyError('bad-proof', 'index or size is not an integer in range');
	if (idx >= sz) throw new VerifyError('bad-proof', `index ${idx} is not below the tree size ${sz}`);
	if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_LEN)
		throw new VerifyError('bad-proof', 'the leaf hash is not 32 bytes');
	const path = proof == null ? [] : proof;
	if (!Array.isArray(path) || path.length > MAX_PROOF) throw new VerifyError('bad-proof', 'the proof is too long');
	for (const p of path)
		if (!(p instanceof Uint8Array) || p.length !== HASH_LEN)
			throw new VerifyError('bad-proof', 'a proof hash is not 32 bytes');

	let fn = idx;
	let sn = sz - 1n;
	let r = leaf;
	for (const p of path) {
		if (sn === 0n) throw new VerifyError('bad-proof', 'the proof has more hashes than the tree needs');
		if ((fn & 1n) === 1n || fn === sn) {
			r = await nodeHash(p, r);
			if ((fn & 1n) === 0n) {
				while ((fn & 1n) === 0n && fn !== 0n) {
					fn >>= 1n;
					sn >>= 1n;
				}
			}
		} else {
			r = await nodeHash(r, p);
		}
		fn >>= 1n;
		sn >>= 1n;
	}
	if (sn !== 0n) throw new VerifyError('bad-proof', 'the proof has fewer hashes than the tree needs');
	return r;
}

/**
 * True when proof shows that leaf (its leaf hash) is at index in the tree
 * of the given size whose root hash is root; false otherwise.
 */
export async function verifyInclusion(index, size, leaf, proof, root) {
	let computed;
	try {
		computed = await rootFromInclusionProof(index, size, leaf, proof);
	} catch (e) {
		if (e instanceof VerifyError) return false;
		throw e;
	}
	return root instanceof Uint8Array && bytesEqual(computed, root);
}

/* ---------- signed notes, checkpoints, verifier keys ---------- */

function checkKeyName(name) {
	return name.length > 0 && name.length <= 256 && !/[\s+]/u.test(name);
}

/**
 * Parse a C2SP signed note holding a C2SP tlog-checkpoint. Returns
 * { text, body, origin, size (BigInt), rootB64, root (32 bytes),
 *   extensions: [lines], signatures: [{ name, keyId (4 bytes),
 *   keyIdHex, signature (bytes), line }] }.
 * body is the signed text: every line up to the blank line, each with its
 * newline. Throws VerifyError('bad-checkpoint') when malformed.
 */
export function parseCheckpoint(text) {
	const bad = (why) => new VerifyError('bad-checkpoint', `malformed checkpoint: ${why}`);
	if (typeof text !== 'string') throw bad('not text');
	if (text.length > 65536) throw bad('too long');
	if (!text.endsWith('\n')) throw bad('it does not end with a newline');
	const split = text.indexOf('\n\n');
	if (split < 0) throw bad('no blank line before the signatures');
	const body = text.slice(0, split + 1);
	const sigText = text.slice(split + 2);
	const lines = body.slice(0, -1).split('\n');
	if (lines.length < 3) throw bad('fewer than three lines');
	const [origin, sizeLine, rootB64, ...extensions] = lines;
	if (origin.length === 0) throw bad('empty origin');
	if (/[\u0000-\u001f]/u.test(body.replace(/\n/g, ''))) throw bad('control characters');
	const size = toU64(sizeLine);
	if (size === null) throw bad('the size is not a decimal integer');
	let root;
	try {
		root = b64decode(rootB64);
	} catch {
		throw bad('the root hash is not base64');
	}
	if (root.length !== HASH_LEN) throw bad('the root hash is not 32 bytes');
	for (const e of extensions) if (e.length === 0) throw bad('empty extension line');

	const signatures = [];
	const sigLines = sigText.slice(0, -1).split('\n');
	if (sigText.length === 0) throw bad('no signature');
	for (const line of sigLines) {
		if (!line.startsWith(SIG_PREFIX)) throw bad('a signature line does not start with "— "');
		const rest = line.slice(SIG_PREFIX.length);
		const sp = rest.indexOf(' ');
		if (sp <= 0) throw bad('a signature line has no key name');
		const name = rest.slice(0, sp);
		let blob;
		try {
			blob = b64decode(rest.slice(sp + 1));
		} catch {
			throw bad('a signature is not base64');
		}
		if (!checkKeyName(name)) throw bad('bad key name in a signature line');
		if (blob.length < 5) throw bad('a signature is too short');
		const keyId = blob.slice(0, 4);
		signatures.push({ name, keyId, keyIdHex: toHex(keyId), signature: blob.slice(4), line });
	}
	return { text, body, origin, size, rootB64, root, extensions, signatures };
}

/**
 * Parse a verifier key "<name>+<8 hex key id>+<base64(0x01 ‖ 32-byte key)>"
 * (surrounding whitespace is ignored). Returns { text, name, keyId,
 * keyIdHex, publicKey }. Throws VerifyError('bad-vkey') when malformed.
 */
export function parseVkey(text) {
	const bad = (why) => new VerifyError('bad-vkey', `malformed verifier key: ${why}`);
	if (typeof text !== 'string') throw bad('not text');
	const s = text.trim();
	// The name has no '+'; the base64 key may.
	const i = s.indexOf('+');
	const j = i < 0 ? -1 : s.indexOf('+', i + 1);
	if (j < 0) throw bad('it is not name+keyid+key');
	const name = s.slice(0, i);
	const idHex = s.slice(i + 1, j);
	const keyB64 = s.slice(j + 1);
	if (!checkKeyName(name)) throw bad('bad key name');
	if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('the key id is not 8 lowercase hex digits');
	let blob;
	try {
		blob = b64decode(keyB64);
	} catch {
		throw bad('the key is not base64');
	}
	if (blob.length !== 33 || blob[0] !== ALG_ED25519) throw bad('not an Ed25519 key');
	const keyId = Uint8Array.from(idHex.match(/../g), (h) => parseInt(h, 16));
	return { text: s, name, keyId, keyIdHex: idHex, publicKey: blob.slice(1) };
}

/** The signed-note key id: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]. */
export async function computeKeyId(name, publicKey) {
	const h = await sha256(concat(enc.encode(name), Uint8Array.of(0x0a, ALG_ED25519), publicKey));
	return h.slice(0, 4);
}

/**
 * Check a checkpoint against a verifier key (either as text or parsed).
 * Returns {
 *   ok:          both checks below hold,
 *   keyId:       the key id computed from the key's name and bytes equals
 *                the id the verifier key declares and the id on the
 *                signature line,
 *   signature:   the Ed25519 signature on the line carrying the key's
 *                name verifies over the note's body with the key,
 *   computedKeyIdHex, signedKeyIdHex (or null), reason: null or one of
 *   'no-signature', 'key-id-mismatch', 'bad-signature', 'unsupported'
 *   (Ed25519 is missing from this WebCrypto),
 * }. Throws only for malformed input (VerifyError).
 */
export async function verifyCheckpointSignature(checkpoint, vkey) {
	const cp = typeof checkpoint === 'string' ? parseCheckpoint(checkpoint) : checkpoint;
	const key = typeof vkey === 'string' ? parseVkey(vkey) : vkey;
	const computed = await computeKeyId(key.name, key.publicKey);
	const computedKeyIdHex = toHex(computed);
	const named = cp.signatures.filter((s) => s.name === key.name);
	const sig = named.find((s) => bytesEqual(s.keyId, computed)) || named[0];
	const res = { ok: false, keyId: false, signature: false, computedKeyIdHex, signedKeyIdHex: null, reason: null };
	if (!sig) {
		res.reason = 'no-signature';
		return res;
	}
	res.signedKeyIdHex = sig.keyIdHex;
	res.keyId = bytesEqual(computed, key.keyId) && bytesEqual(computed, sig.keyId);
	if (sig.signature.length === 64) {
		let cryptoKey;
		try {
			cryptoKey = await subtle().importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
		} catch (e) {
			if (e && e.code === 'no-webcrypto') throw e;
			res.reason = 'unsupported';
			return res;
		}
		res.signature = await subtle().verify({ name: 'Ed25519' }, cryptoKey, sig.signature, enc.encode(cp.body));
	}
	res.ok = res.keyId && res.signature;
	if (!res.signature) res.reason = 'bad-signature';
	else if (!res.keyId) res.reason = 'key-id-mismatch';
	return res;
}
