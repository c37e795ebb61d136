// The checks of log proofs, built and shown the same way on every page
// that verifies something (the explorer, the check page).
//
// A check is { id, title, status, detail }: status is 'pass', 'fail' or
// 'skip' (not checked, because an earlier step made it impossible), title
// a key of i18n.js and detail { key, vars } with string vars. The checks
// trust nothing but the verifier key: the verification itself is
// merkle.js's.

import { h } from './site.js';
import { t } from './i18n.js';
import * as M from './merkle.js';

const b64 = (bytes) => M.b64encode(bytes);

/**
 * The signature and key id checks of a parsed checkpoint against vkey (a
 * parsed verifier key, or null when there is none). cp is null when the
 * checkpoint is malformed, and cpError then says why.
 */
export async function checkpointChecks(cp, cpError, vkey) {
	const a = { id: 'signature', title: 'check.signature.t' };
	const b = { id: 'keyid', title: 'check.keyid.t' };
	if (!vkey) {
		a.status = b.status = 'skip';
		a.detail = b.detail = { key: 'check.skip.key' };
		return [a, b];
	}
	if (!cp) {
		a.status = b.status = 'skip';
		a.detail = b.detail = { key: 'check.skip.checkpoint', vars: { detail: cpError } };
		return [a, b];
	}
	const r = await M.verifyCheckpointSignature(cp, vkey);
	a.status = r.signature ? 'pass' : 'fail';
	if (r.signature) a.detail = { key: 'check.signature.pass', vars: { name: vkey.name } };
	else if (r.reason === 'no-signature') a.detail = { key: 'check.signature.none', vars: { name: vkey.name } };
	else if (r.reason === 'unsupported') a.detail = { key: 'check.signature.unsupported' };
	else a.detail = { key: 'check.signature.fail' };
	b.status = r.keyId ? 'pass' : 'fail';
	b.detail = {
		key: 'check.keyid.detail',
		vars: { computed: r.computedKeyIdHex, declared: vkey.keyIdHex, signed: r.signedKeyIdHex ?? '—' },
	};
	return [a, b];
}

/**
 * The leaf hash and root checks of one entry: raw is its exact text,
 * leafHashB64 the server's leaf hash, hashes its inclusion proof (base64
 * strings), index its position (as the caller knows it) and cp the parsed
 * signed checkpoint the proof leads to (null when malformed, with
 * cpError). Returns { checks: [leaf, root], leaf (the recomputed hash) }.
 */
export async function entryChecks(index, raw, leafHashB64, hashes, cp, cpError) {
	// The leaf hash, recomputed from the exact entry text.
	const leaf = await M.leafHash(raw);
	const c = { id: 'leaf', title: 'check.leaf.t' };
	let serverLeaf = null;
	try {
		serverLeaf = M.b64decode(leafHashB64);
	} catch {
		// reported below
	}
	if (serverLeaf) {
		c.status = M.bytesEqual(leaf, serverLeaf) ? 'pass' : 'fail';
		c.detail = { key: 'check.leaf.detail', vars: { computed: b64(leaf), server: leafHashB64 } };
	} else {
		c.status = 'fail';
		c.detail = { key: 'check.leaf.badServer', vars: { computed: b64(leaf), server: String(leafHashB64) } };
	}

	// The root, from that leaf hash, the proof, the index and the size in
	// the signed checkpoint, against the signed root.
	const d = { id: 'root', title: 'check.root.t' };
	if (!cp) {
		d.status = 'skip';
		d.detail = { key: 'check.skip.checkpoint', vars: { detail: cpError } };
	} else {
		const vars = { index: String(index), size: cp.size.toString(), n: hashes.length };
		try {
			const proof = hashes.map((x) => M.b64decode(x));
			const root = await M.rootFromInclusionProof(index, cp.size, leaf, proof);
			d.status = M.bytesEqual(root, cp.root) ? 'pass' : 'fail';
			d.detail = { key: 'check.root.detail', vars: { ...vars, computed: b64(root), signed: cp.rootB64 } };
		} catch (e) {
			if (!(e instanceof M.VerifyError)) throw e;
			d.status = 'fail';
			d.detail = { key: 'check.root.malformed', vars };
		}
	}
	return { checks: [c, d], leaf };
}

const ICON = { pass: '✓', fail: '✗', skip: '–' };

/** One check as a list item: icon, "Passed: title", and the detail. */
export function renderCheck(c) {
	return h(
		'li',
		{ class: 'check', dataset: { check: c.id, status: c.status } },
		h('span', { class: 'check-icon', 'aria-hidden': 'true' }, ICON[c.status]),
		h(
			'span',
			null,
			h('span', { class: 'check-status' }, t(`status.${c.status}`)),
			t('common.colon'),
			h('span', { class: 'check-title' }, t(c.title, c.titleVars)),
		),
		h('p', { class: 'check-detail' }, c.detail ? t(c.detail.key, c.detail.vars) : ''),
	);
}
