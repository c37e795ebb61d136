// The log explorer: the verifier key, the current checkpoint, the latest
// entries, and the lookup of one entry with its inclusion proof verified
// here, in the browser, with WebCrypto (merkle.js).
//
// What the server says is never shown as verified unless it was checked:
// the signature is checked with the verifier key, the leaf hash is
// recomputed from the entry's exact text, the root is recomputed from
// that leaf hash and the proof and compared with the signed root, and the
// index and size used are the ones asked for and the ones signed.

import { initSite, h } from './site.js';
import { t, locale, onLangChange } from './i18n.js';
import * as M from './merkle.js';
import { checkpointChecks, entryChecks, renderCheck } from './checks.js';

const PAGE_SIZE = 20;

/* ---------- state (re-rendered on every language switch) ---------- */

const state = {
	vkey: null, // parsed verifier key
	vkeySource: null, // 'server' | 'user'
	vkeyError: null, // FetchError | null
	vkeyFormError: false, // the key typed in is not a key
	cp: { loading: true, text: null, parsed: null, error: null, checks: null },
	entries: { loading: true, list: [], before: null, stack: [], next: null, error: null },
	lookup: null, // { index, loading, error, data, checks, entry, leaf, proof, cp }
	lookupError: null, // { key, vars }
};

/* ---------- fetching ---------- */

class FetchError extends Error {
	constructor(status, detail) {
		super(detail || `HTTP ${status}`);
		this.status = status;
		this.detail = detail;
	}
}

async function get(url, kind) {
	let res;
	try {
		res = await fetch(url, { cache: 'no-store', headers: { Accept: kind === 'json' ? 'application/json' : 'text/plain' } });
	} catch {
		throw new FetchError(0, null);
	}
	if (!res.ok) {
		let detail = null;
		try {
			const p = await res.json();
			detail = p.detail || p.title || null;
		} catch {
			// not problem+json
		}
		throw new FetchError(res.status, detail);
	}
	if (kind === 'json') {
		try {
			return await res.json();
		} catch {
			throw new FetchError(res.status, 'the answer is not JSON');
		}
	}
	return res.text();
}

function errText(e) {
	if (e instanceof FetchError) return e.status === 0 ? t('error.network') : e.detail || t('error.http', { status: e.status });
	return e && e.message ? e.message : String(e);
}

/* ---------- rendering helpers ---------- */

const $ = (id) => document.getElementById(id);
const b64 = (bytes) => M.b64encode(bytes);

function msg(m) {
	if (!m) return '';
	const vars = {};
	for (const [k, v] of Object.entries(m.vars || {})) vars[k] = v instanceof Error ? errText(v) : v;
	return t(m.key, vars);
}

function fmtTime(at) {
	const d = new Date(at);
	if (typeof at !== 'string' || Number.isNaN(d.getTime())) return String(at ?? '');
	const f = new Intl.DateTimeFormat(locale(), {
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
		hourCycle: 'h23',
		timeZone: 'UTC',
	});
	return f.format(d);
}

function fields(pairs) {
	return h(
		'dl',
		{ class: 'fields' },
		pairs.flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)]),
	);
}

/* ---------- checks ---------- */

/** The signature and key id checks of a parsed checkpoint (a) and (b). */
function signatureChecks(cp, cpError) {
	return checkpointChecks(cp, cpError, state.vkey);
}

/**
 * Verify one entry as the server returned it, trusting nothing but the
 * verifier key: returns the four checks and what was recomputed.
 */
async function verifyEntry(index, data) {
	let cp = null;
	let cpError = null;
	try {
		cp = M.parseCheckpoint(data.checkpoint);
	} catch (e) {
		cpError = e.message;
	}
	const checks = await signatureChecks(cp, cpError);

	// (c) the leaf hash, recomputed from the exact entry text, and (d) the
	// root, from that leaf hash, the proof, the index asked for and the size
	// in the signed checkpoint, against the signed root.
	const { checks: cd, leaf } = await entryChecks(index, data.raw, data.leaf_hash, data.hashes, cp, cpError);
	checks.push(...cd);
	return { checks, leaf, cp };
}

/* ---------- verifier key ---------- */

function renderKey() {
	$('vkey-text').textContent = state.vkey ? state.vkey.text : '—';
	const src = $('vkey-source');
	src.classList.toggle('error', !state.vkey);
	if (state.vkey) src.textContent = t(state.vkeySource === 'user' ? 'key.source.user' : 'key.source.server');
	else if (state.vkeyError) src.textContent = t('key.err.load', { detail: errText(state.vkeyError) });
	else src.textContent = t('common.loading');
	const input = $('vkey-input');
	if (state.vkeyFormError) input.setAttribute('aria-invalid', 'true');
	else input.removeAttribute('aria-invalid');
	$('vkey-error').textContent = state.vkeyFormError ? t('key.err.invalid') : '';
}

async function loadKey() {
	try {
		const text = await get('/log/vkey', 'text');
		state.vkey = M.parseVkey(text);
		state.vkeySource = 'server';
	} catch (e) {
		state.vkeyError = e;
	}
	renderKey();
}

function setupKeyForm() {
	const form = $('vkey-form');
	const input = $('vkey-input');
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		let key;
		try {
			key = M.parseVkey(input.value);
		} catch {
			state.vkeyFormError = true;
			renderKey();
			input.focus();
			return;
		}
		state.vkeyFormError = false;
		state.vkey = key;
		state.vkeySource = 'user';
		renderKey();
		await verifyCheckpoint();
		if (state.lookup && state.lookup.data) await runLookup(state.lookup.index, { focus: false });
	});
}

/* ---------- current checkpoint ---------- */

function renderCheckpoint() {
	const body = $('cp-body');
	const cp = state.cp;
	body.setAttribute('aria-busy', cp.loading ? 'true' : 'false');
	if (cp.loading) {
		body.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
		return;
	}
	if (cp.error) {
		body.replaceChildren(h('p', { class: 'error' }, msg(cp.error)));
		return;
	}
	const p = cp.parsed;
	const ok = cp.checks.every((c) => c.status === 'pass');
	body.replaceChildren(
		fields([
			['cp.origin', h('code', { class: 'hash' }, p.origin)],
			['cp.size', h('span', { id: 'cp-size' }, p.size.toString())],
			['cp.root', h('code', { class: 'hash', id: 'cp-root' }, p.rootB64)],
		]),
		h('p', { class: ok ? 'outcome outcome-pass' : 'outcome outcome-fail', id: 'cp-outcome', dataset: { outcome: ok ? 'pass' : 'fail' } }, t(ok ? 'cp.ok' : 'cp.fail')),
		h('h3', null, t('cp.checks')),
		h('ul', { class: 'checks' }, cp.checks.map(renderCheck)),
		h('h3', null, t('cp.note')),
		h('pre', { id: 'cp-text' }, cp.text),
	);
}

async function verifyCheckpoint() {
	const cp = state.cp;
	if (cp.parsed) cp.checks = await signatureChecks(cp.parsed, null);
	renderCheckpoint();
}

async function loadCheckpoint() {
	const cp = state.cp;
	try {
		cp.text = await get('/log/checkpoint', 'text');
		try {
			cp.parsed = M.parseCheckpoint(cp.text);
			cp.error = null;
		} catch (e) {
			cp.parsed = null;
			cp.error = { key: 'cp.err.malformed', vars: { detail: e.message } };
		}
	} catch (e) {
		cp.error = { key: 'cp.err.load', vars: { detail: e } };
	}
	cp.loading = false;
	await verifyCheckpoint();
}

/* ---------- latest entries ---------- */

function renderEntries() {
	const en = state.entries;
	const body = $('entries-body');
	body.setAttribute('aria-busy', en.loading ? 'true' : 'false');
	$('entries-newer').disabled = en.loading || en.stack.length === 0;
	$('entries-older').disabled = en.loading || en.next === null;
	if (en.loading) {
		body.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
		return;
	}
	if (en.error) {
		body.replaceChildren(h('p', { class: 'error' }, t('entries.err', { detail: errText(en.error) })));
		return;
	}
	if (en.list.length === 0) {
		body.replaceChildren(h('p', { class: 'muted' }, t('entries.empty')));
		return;
	}
	const rows = en.list.map((e) =>
		h(
			'tr',
			null,
			h('td', { class: 'num' }, h('a', { href: `?index=${e.index}`, class: 'entry-link', dataset: { index: String(e.index) } }, String(e.index))),
			h('td', null, h('code', null, String(e.type ?? ''))),
			h('td', null, h('time', { datetime: String(e.at ?? '') }, fmtTime(e.at))),
			h('td', null, String(e.by ?? '')),
		),
	);
	const first = en.list[0].index;
	const last = en.list[en.list.length - 1].index;
	body.replaceChildren(
		h(
			'div',
			{ class: 'table-wrap' },
			h(
				'table',
				{ id: 'entries-table' },
				h('caption', null, t('entries.caption')),
				h(
					'thead',
					null,
					h(
						'tr',
						null,
						h('th', { scope: 'col', class: 'num' }, t('entries.col.index')),
						h('th', { scope: 'col' }, t('entries.col.type')),
						h('th', { scope: 'col' }, t('entries.col.at')),
						h('th', { scope: 'col' }, t('entries.col.by')),
					),
				),
				h('tbody', null, rows),
			),
		),
		h('p', { class: 'muted', id: 'entries-range' }, t('entries.range', { from: last, to: first })),
	);
}

async function loadEntries() {
	const en = state.entries;
	en.loading = true;
	renderEntries();
	const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
	if (en.before !== null) q.set('before', String(en.before));
	try {
		const r = await get(`/api/v1/log/entries?${q}`, 'json');
		if (!r || !Array.isArray(r.entries)) throw new Error('malformed answer');
		en.list = r.entries;
		en.next = r.next_before ?? null;
		en.error = null;
	} catch (e) {
		en.list = [];
		en.next = null;
		en.error = e;
	}
	en.loading = false;
	renderEntries();
}

function setupEntries() {
	const newer = $('entries-newer');
	const older = $('entries-older');
	const page = async (btn, other, move) => {
		move();
		await loadEntries();
		if (btn.disabled && !other.disabled) other.focus();
		else if (btn.disabled) $('entries-h2').focus();
	};
	older.addEventListener('click', () =>
		page(older, newer, () => {
			const en = state.entries;
			en.stack.push(en.before);
			en.before = en.next;
		}),
	);
	newer.addEventListener('click', () =>
		page(newer, older, () => {
			const en = state.entries;
			en.before = en.stack.pop() ?? null;
		}),
	);
	$('entries-body').addEventListener('click', (ev) => {
		const a = ev.target.closest('a.entry-link');
		if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
		ev.preventDefault();
		$('lookup-index').value = a.dataset.index;
		runLookup(a.dataset.index, { focus: true });
	});
}

/* ---------- lookup ---------- */

function renderLookupError() {
	const input = $('lookup-index');
	const err = $('lookup-error');
	if (state.lookupError) {
		input.setAttribute('aria-invalid', 'true');
		err.textContent = msg(state.lookupError);
	} else {
		input.removeAttribute('aria-invalid');
		err.textContent = '';
	}
}

function renderLookup() {
	renderLookupError();
	const out = $('lookup-result');
	const status = $('lookup-status');
	const L = state.lookup;
	if (!L) {
		out.replaceChildren();
		status.textContent = '';
		return;
	}
	if (L.loading) {
		status.textContent = t('lookup.loading', { index: L.index });
		out.replaceChildren(h('p', { class: 'muted' }, t('lookup.loading', { index: L.index })));
		out.setAttribute('aria-busy', 'true');
		return;
	}
	out.setAttribute('aria-busy', 'false');
	if (!L.data) {
		status.textContent = '';
		out.replaceChildren();
		return;
	}
	const n = L.checks.length;
	const failed = L.checks.filter((c) => c.status !== 'pass').length;
	const size = L.cp ? L.cp.size.toString() : '?';
	const outcome = failed === 0 ? t('lookup.ok', { index: L.index, size, n }) : t('lookup.fail', { index: L.index, failed, n });
	status.textContent = outcome;

	let entryView;
	try {
		const e = JSON.parse(L.data.raw);
		entryView = [
			fields([
				['lookup.entry.type', h('code', null, String(e.type ?? ''))],
				['lookup.entry.at', h('time', { datetime: String(e.at ?? '') }, `${fmtTime(e.at)} UTC`)],
				['lookup.entry.by', String(e.by ?? '')],
			]),
			e.data !== undefined ? [h('h5', null, t('lookup.entry.data')), h('pre', { id: 'entry-data' }, JSON.stringify(e.data, null, 2))] : null,
		];
	} catch {
		entryView = h('p', { class: 'error' }, t('lookup.entry.notJson'));
	}
	const hashes = L.data.hashes;
	out.replaceChildren(
		h('h3', { id: 'lookup-result-h3', tabindex: '-1', dataset: { index: L.index } }, t('lookup.result.h3', { index: L.index })),
		h('p', { class: failed === 0 ? 'outcome outcome-pass' : 'outcome outcome-fail', id: 'lookup-outcome', dataset: { outcome: failed === 0 ? 'pass' : 'fail' } }, outcome),
		h('h4', null, t('lookup.checks.h4')),
		h('ol', { class: 'checks', id: 'lookup-checks' }, L.checks.map(renderCheck)),
		h('h4', null, t('lookup.entry.h4')),
		...[entryView].flat(Infinity).filter(Boolean),
		h('h5', null, t('lookup.entry.raw')),
		h('pre', { id: 'entry-raw' }, L.data.raw),
		h('h4', null, t('lookup.proof.h4')),
		fields([['lookup.proof.leaf', h('code', { class: 'hash' }, b64(L.leaf))]]),
		h('h5', null, t('lookup.proof.hashes', { n: hashes.length })),
		hashes.length
			? h('ol', { class: 'proof-hashes', start: '1' }, hashes.map((x) => h('li', null, h('code', { class: 'hash' }, String(x)))))
			: h('p', { class: 'muted' }, t('lookup.proof.none')),
		h('h5', null, t('lookup.proof.checkpoint')),
		h('pre', { id: 'entry-checkpoint' }, L.data.checkpoint),
	);
}

/** Validate the typed index; returns it as a BigInt or sets an error. */
async function validateIndex(raw) {
	const s = raw.trim();
	const fail = (key, vars) => {
		state.lookupError = { key, vars };
		return null;
	};
	if (s === '') return fail('lookup.err.empty');
	if (!/^[0-9]+$/.test(s)) return fail('lookup.err.notNumber', { value: s.length > 40 ? `${s.slice(0, 40)}…` : s });
	const idx = BigInt(s);
	// The log may have grown since the page loaded: look again before refusing.
	let cp = state.cp.parsed;
	if (!cp || idx >= cp.size) {
		await loadCheckpoint();
		cp = state.cp.parsed;
	}
	if (cp && cp.size === 0n) return fail('lookup.err.noEntries', { index: idx.toString() });
	if (cp && idx >= cp.size)
		return fail('lookup.err.range', { index: idx.toString(), size: cp.size.toString(), max: (cp.size - 1n).toString() });
	if (M.toU64(idx) === null) return fail('lookup.err.notNumber', { value: s });
	return idx;
}

function wellFormed(data) {
	if (!data || typeof data !== 'object') return 'not an object';
	for (const k of ['raw', 'leaf_hash', 'checkpoint']) if (typeof data[k] !== 'string') return `no "${k}" string`;
	if (!Array.isArray(data.hashes) || !data.hashes.every((x) => typeof x === 'string')) return 'no "hashes" array of strings';
	return null;
}

let lookupSeq = 0;

async function runLookup(raw, { focus }) {
	const seq = ++lookupSeq;
	state.lookupError = null;
	const idx = await validateIndex(String(raw));
	if (seq !== lookupSeq) return;
	if (idx === null) {
		state.lookup = null;
		renderLookup();
		$('lookup-index').focus();
		return;
	}
	const index = idx.toString();
	state.lookup = { index, loading: true };
	renderLookup();
	let data;
	try {
		data = await get(`/api/v1/log/entries/${index}`, 'json');
	} catch (e) {
		if (seq !== lookupSeq) return;
		state.lookup = null;
		state.lookupError = { key: 'lookup.err.server', vars: { index, detail: e } };
		renderLookup();
		$('lookup-index').focus();
		return;
	}
	const bad = wellFormed(data);
	if (bad) {
		if (seq !== lookupSeq) return;
		state.lookup = null;
		state.lookupError = { key: 'lookup.err.malformed', vars: { index, detail: bad } };
		renderLookup();
		return;
	}
	const { checks, leaf, cp } = await verifyEntry(idx, data);
	if (seq !== lookupSeq) return;
	state.lookup = { index, loading: false, data, checks, leaf, cp };
	renderLookup();
	const url = new URL(globalThis.location.href);
	url.searchParams.set('index', index);
	history.replaceState(null, '', url);
	if (focus) $('lookup-result-h3').focus();
}

function setupLookup() {
	$('lookup-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		runLookup($('lookup-index').value, { focus: true });
	});
}

/* ---------- start ---------- */

function renderAll() {
	renderKey();
	renderCheckpoint();
	renderEntries();
	renderLookup();
}

async function main() {
	initSite();
	onLangChange(renderAll);
	setupKeyForm();
	setupEntries();
	setupLookup();
	renderAll();
	const entries = loadEntries();
	await loadKey();
	await loadCheckpoint();
	const want = new URLSearchParams(globalThis.location.search).get('index');
	if (want !== null) {
		$('lookup-index').value = want;
		await runLookup(want, { focus: false });
	}
	await entries;
	document.documentElement.dataset.ready = 'true';
}

main();
