// What the certificate pages (forest-tree.js, volunteer-certificate.js)
// share to verify the log entries a certificate cites, in the browser.
//
// Only the log's verifier key (/log/vkey) is taken on trust: the signed
// checkpoint (/log/checkpoint) is checked against it, asked again a few
// times while an entry is not yet in it; then for each entry the leaf hash
// recomputed from the exact entry text (/api/v1/log/entries/{i}) and the
// root recomputed from it and its inclusion proof
// (/api/v1/log/proof?index=i&tree_size=N) against the signed root. What
// each entry must say is the page's; this module gives the checks rows
// (as checks.js shows them) and how a page shows its verdicts.

import { h } from './site.js';
import { t } from './i18n.js';
import * as M from './merkle.js';
import { checkpointChecks, entryChecks } from './checks.js';
import { ApiError, getJSON, getText, errText } from './give.js';

/** How many entries are fetched and checked at a time. */
export const PARALLEL = 6;
/** How many times the checkpoint is fetched while an entry is not in it yet, and how long apart. */
export const PENDING_TRIES = 8;
export const PENDING_WAIT_MS = 400;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---------- verification ---------- */

/** An entry's text parsed: an object, or null. */
export function parseEntry(raw) {
	try {
		const e = JSON.parse(raw);
		return e && typeof e === 'object' && !Array.isArray(e) ? e : null;
	} catch {
		return null;
	}
}

/** Run fn over items, at most parallel at a time; the answers in the items' order. */
export async function pool(items, fn, parallel = PARALLEL) {
	const out = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
	return out;
}

/** The verifier key: { vkey } or { vkey: null, vkeyError }. */
export async function loadVkey() {
	try {
		return { vkey: M.parseVkey(await getText('/log/vkey')), vkeyError: null };
	} catch (e) {
		return { vkey: null, vkeyError: e };
	}
}

/**
 * The signed checkpoint, { cp, cpError }: fetched again (tries times,
 * waitMs apart) while it does not hold the entry maxIndex (-1: none).
 */
export async function loadCheckpoint(maxIndex, { tries = PENDING_TRIES, waitMs = PENDING_WAIT_MS } = {}) {
	let cp = null;
	let cpError = null;
	for (let i = 0; ; i++) {
		try {
			cp = M.parseCheckpoint(await getText('/log/checkpoint'));
			cpError = null;
		} catch (e) {
			cp = null;
			cpError = e instanceof ApiError ? errText(e) : e.message;
		}
		// An entry not yet in a signed checkpoint: ask again a few times.
		if (!cp || maxIndex < 0 || cp.size > BigInt(maxIndex) || i + 1 >= tries) return { cp, cpError };
		await sleep(waitMs);
	}
}

/**
 * One entry: its checks (leaf, root) and its parsed text, against the
 * checkpoint cp: { index, entry, raw?, pending?, checks }. Each check's
 * title is titleKey ("Entry {index}: {what}", what from whatKey, see
 * shown()); an entry that could not be fetched is a failed check with the
 * id fetchId-index and the text fetchKey.
 */
export async function checkEntry(index, cp, cpError, { titleKey, fetchKey, fetchId = 'leaf' }) {
	const titleVars = { index: String(index) };
	const title = (c) => ({ ...c, id: `${c.id}-${index}`, title: titleKey, titleVars: { ...titleVars }, whatKey: c.title });
	const one = (id, whatKey, detail, extra = {}) => ({ index, entry: null, ...extra, checks: [{ id: `${id}-${index}`, title: titleKey, titleVars: { ...titleVars }, whatKey, status: 'fail', detail }] });
	if (cp && BigInt(index) >= cp.size) return one('pending', 'check.entry.pending.t', { key: 'check.entry.pending.d' }, { pending: true });
	let e;
	try {
		e = await getJSON(`/api/v1/log/entries/${index}`);
	} catch (err) {
		return one(fetchId, 'check.leaf.t', { key: fetchKey, vars: { detail: errText(err) } });
	}
	let hashes = null;
	if (cp) {
		try {
			const p = await getJSON(`/api/v1/log/proof?index=${index}&tree_size=${cp.size}`);
			hashes = Array.isArray(p.hashes) ? p.hashes : null;
		} catch {
			hashes = null;
		}
	}
	if (typeof e.raw !== 'string' || (cp && (!hashes || !hashes.every((x) => typeof x === 'string')))) return one('root', 'check.root.t', { key: 'check.entry.malformed' });
	const r = await entryChecks(BigInt(index), new TextEncoder().encode(e.raw), e.leaf_hash, hashes || [], cp, cpError);
	return { index, entry: parseEntry(e.raw), raw: e.raw, checks: r.checks.map(title) };
}

/**
 * The checkpoint and every entry of indices (those that are no index
 * left out, each once): { cp, cpError, cpChecks, results } with results a
 * Map from index to checkEntry's answer. opts go to checkEntry.
 */
export async function verifyEntries(indices, vkey, opts) {
	const all = [...new Set(indices.filter((n) => Number.isSafeInteger(n) && n >= 0))];
	const { cp, cpError } = await loadCheckpoint(all.length ? Math.max(...all) : -1);
	const cpChecks = await checkpointChecks(cp, cpError, vkey);
	const results = new Map((await pool(all, (i) => checkEntry(i, cp, cpError, opts))).map((r) => [r.index, r]));
	return { cp, cpError, cpChecks, results };
}

/** How many of checks did not pass. */
export const failures = (checks) => checks.filter((c) => c.status !== 'pass').length;

/** Whether a and b are the same instant. */
export const sameTime = (a, b) => {
	const x = Date.parse(a);
	return Number.isFinite(x) && x === Date.parse(b);
};

/**
 * A comparison of an entry's fields with the certificate's: want(name, ok)
 * for each; result() is { bad: [field, …], compared: [field, …] }.
 */
export function comparison() {
	const bad = new Set();
	const compared = new Set();
	return {
		want(name, ok) {
			compared.add(name);
			if (!ok) bad.add(name);
		},
		get failed() {
			return bad.size > 0;
		},
		result: () => ({ bad: [...bad], compared: [...compared] }),
	};
}

/** The status and detail of the check of a comparison's result a. */
export function agreeCheck(a) {
	return {
		status: a.bad.length ? 'fail' : 'pass',
		detail: a.bad.length ? { key: 'check.agree.fail', vars: { fields: a.bad.join(', ') } } : { key: 'check.agree.pass', vars: { fields: a.compared.join(', ') } },
	};
}

/* ---------- rendering ---------- */

/** A check as shown, its texts in the reader's language (they may hold translated parts). */
export function shown(c) {
	return c.whatKey ? { ...c, titleVars: { ...c.titleVars, what: t(c.whatKey) } } : c;
}

/** The verdict box at the top of a certificate: status 'ok' shows ✓, anything else ✗. */
export function verdictBox(id, status, outcome, title, line) {
	return h(
		'div',
		{ class: 'verdict', id, dataset: { status, outcome } },
		h('span', { class: 'verdict-mark', 'aria-hidden': 'true' }, status === 'ok' ? '✓' : '✗'),
		h('div', { class: 'verdict-text' }, h('p', { class: 'verdict-title' }, title), h('p', { class: 'verdict-line' }, line)),
	);
}

/** The verdict of one part of a certificate; keys: { verified, pending, unverified }. */
export function partVerdict(outcome, keys) {
	const ok = outcome === 'pass';
	return h(
		'span',
		{ class: `session-verified ${ok ? 'yes' : 'no'}`, dataset: { outcome } },
		h('span', { 'aria-hidden': 'true' }, ok ? '✓ ' : '✗ '),
		t(ok ? keys.verified : outcome === 'pending' ? keys.pending : keys.unverified),
	);
}

/**
 * The proof card's key and checkpoint: the verifier key (in <code id=vkeyId>)
 * and, when there is one, the checkpoint said with cpKey ({ size, root }).
 */
export function keyAndCheckpoint(v, { vkeyId, cpKey }) {
	return [
		h('h3', null, t('pack.proofs.key.h3')),
		h('p', { class: 'keyline' }, h('code', { class: 'hash', id: vkeyId }, v.vkey ? v.vkey.text : '—')),
		h('p', { class: 'muted' }, t('pack.proofs.key.note'), ' ', h('a', { href: '/explorer' }, t('pack.proofs.key.explorer'))),
		h('h3', null, t('pack.proofs.cp.h3')),
		v.cp ? h('p', { class: 'wrap' }, t(cpKey, { size: v.cp.size.toString(), root: v.cp.rootB64 })) : null,
	];
}
