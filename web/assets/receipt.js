// Follow a donation by its receipt code (/receipt, /receipt?code=…): the
// donation, what it paid for ("Your ¥50.00: ¥30.00 to … for … on …, ¥20.00
// not yet spent"), the parts as a table, the digital work of a purchase,
// and the donation's entry verified in the browser.
//
// GET /api/v1/receipts/{code} answers with the donation's entry and its
// inclusion proof (`entry`, as GET /api/v1/log/entries/{index} gives it).
// With merkle.js and checks.js the checkpoint's signature is checked with
// the log's verifier key (/log/vkey, the one thing taken on trust), the leaf
// hash is recomputed from the exact entry text and the root from the proof,
// and the donation shown (campaign, amount, code, name, time) is compared
// with what the entry records. Where the money went (the parts) is the
// server's reading of the log, which `goodtrace audit` recomputes.

import { initSite, h } from './site.js';
import { t, onLangChange } from './i18n.js';
import * as M from './merkle.js';
import { checkpointChecks, entryChecks, renderCheck } from './checks.js';
import { ApiError, getJSON, getText, errText, str, money, day, dayText, donorText, normalizeCode, fileLink } from './give.js';

const PENDING_TRIES = 8; // an entry not yet in a checkpoint is asked again …
const PENDING_WAIT_MS = 400; // … this often

const state = {
	vkey: null,
	vkeyError: null,
	inputError: null, // { key, vars }
	result: null, // { code, loading } | { code, error } | { code, answer, v }
};

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loadKey() {
	if (state.vkey) return state.vkey;
	try {
		state.vkey = M.parseVkey(await getText('/log/vkey'));
		state.vkeyError = null;
	} catch (e) {
		state.vkeyError = e;
	}
	return state.vkey;
}

/* ---------- the answer ---------- */

function wellFormed(a) {
	if (!a || typeof a !== 'object') return 'not an object';
	if (!a.donation || typeof a.donation !== 'object') return 'no "donation" object';
	if (!a.campaign || typeof a.campaign !== 'object') return 'no "campaign" object';
	if (!Array.isArray(a.parts) || !a.parts.every((p) => p && typeof p === 'object')) return 'no "parts" array';
	return null;
}

/** Whether the answer's entry is not yet in a signed checkpoint. */
const entryPending = (a) => !a.entry || typeof a.entry !== 'object' || a.entry.pending === true;

/** The entry's exact bytes: `raw` (its text) or `entry` (base64). */
function entryBytes(e) {
	if (typeof e.raw === 'string') return new TextEncoder().encode(e.raw);
	if (typeof e.entry === 'string') {
		try {
			return M.b64decode(e.entry);
		} catch {
			return null;
		}
	}
	return null;
}

function parseEntry(bytes) {
	try {
		const e = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
		return e && typeof e === 'object' && !Array.isArray(e) ? e : null;
	} catch {
		return null;
	}
}

/** A field's value as compared: absent, null and false-like empties alike. */
const norm = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Verify the answer's entry. Returns { cp, checks, text, index, outcome }:
 * outcome 'pass' (every check passed), 'fail' or 'pending' (the entry is
 * not yet in a signed checkpoint).
 */
async function verifyReceipt(a, vkey) {
	if (entryPending(a)) return { cp: null, checks: [], text: null, index: null, outcome: 'pending' };
	const e = a.entry;
	let cp = null;
	let cpError = null;
	try {
		cp = M.parseCheckpoint(e.checkpoint);
	} catch (err) {
		cpError = err.message;
	}
	const checks = await checkpointChecks(cp, cpError, vkey);
	const bytes = entryBytes(e);
	const index = M.toU64(e.index);
	const hashes = Array.isArray(e.hashes) ? e.hashes : Array.isArray(e.inclusion) ? e.inclusion : null;
	let entry = null;
	let text = null;
	if (!bytes || index === null || !hashes || !hashes.every((x) => typeof x === 'string')) {
		checks.push({ id: 'root', title: 'check.root.t', status: 'fail', detail: { key: 'check.entry.malformed' } });
	} else {
		checks.push(...(await entryChecks(index, bytes, e.leaf_hash, hashes, cp, cpError)).checks);
		entry = parseEntry(bytes);
		text = entry ? new TextDecoder().decode(bytes) : null;
	}

	// The donation shown is the donation this entry records.
	const d = a.donation;
	const data = entry && entry.data && typeof entry.data === 'object' ? entry.data : {};
	const workId = d.work && typeof d.work === 'object' ? d.work.id : d.work;
	const pairs = [
		['type', 'give.donation', entry?.type],
		['index', d.index, e.index],
		['campaign', d.campaign, data.campaign],
		['campaign', a.campaign.id, data.campaign],
		['amount', d.amount, data.amount],
		['code', normalizeCode(a.receipt) ?? a.receipt, normalizeCode(data.code) ?? data.code],
		['name', d.anonymous === true ? '' : d.name, data.name],
		['anonymous', d.anonymous === true, data.anonymous === true],
		['work', workId, data.work],
		['at', d.at, entry?.at],
	];
	const bad = [...new Set(pairs.filter(([, shown, recorded]) => norm(shown) !== norm(recorded)).map(([n]) => n))];
	checks.push({
		id: 'agree',
		title: 'receipt.check.agree.t',
		status: entry && !bad.length ? 'pass' : 'fail',
		detail: !entry
			? { key: 'receipt.check.agree.noEntry' }
			: bad.length
				? { key: 'check.agree.fail', vars: { fields: bad.join(', ') } }
				: { key: 'check.agree.pass', vars: { fields: [...new Set(pairs.map(([n]) => n))].join(', ') } },
	});
	const failed = checks.filter((c) => c.status !== 'pass').length;
	return { cp, checks, text, index: str(e.index), failed, outcome: vkey && failed === 0 ? 'pass' : 'fail' };
}

/* ---------- rendering ---------- */

const cash = (a, amount) => money(amount, a.campaign.currency, a.campaign.minor_unit);

const explorerLink = (index, key = 'give.entryShort') =>
	index === null || index === undefined ? null : h('a', { href: `/explorer?index=${encodeURIComponent(str(index))}` }, t(key, { index: str(index) }));

function fields(rows) {
	return h(
		'dl',
		{ class: 'fields' },
		rows.filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)]),
	);
}

/** "Your ¥50.00: ¥30.00 to … for … on 3 November 2026, ¥20.00 not yet spent." */
function sentence(a) {
	const items = a.parts.map((p) =>
		t('receipt.sentence.part', { amount: cash(a, p.amount), payee: str(p.payee), purpose: str(p.purpose), date: dayText(p.at) }),
	);
	if (a.more_parts === true) items.push(t('receipt.sentence.more'));
	if (Number(a.unspent) > 0) items.push(t('receipt.sentence.unspent', { amount: cash(a, a.unspent) }));
	if (Number(a.refunded) > 0) items.push(t('receipt.sentence.refunded', { amount: cash(a, a.refunded) }));
	const amount = cash(a, a.donation.amount);
	if (!a.parts.length && !(Number(a.refunded) > 0)) return t('receipt.sentence.none', { amount });
	return t('receipt.sentence', { amount, list: items.join(t('receipt.list.sep')) });
}

function verdict(a, v) {
	const amount = cash(a, a.donation.amount);
	const campaign = str(a.campaign.title || a.campaign.id);
	let status;
	let title;
	let line;
	if (v.outcome === 'pass') {
		status = 'ok';
		title = t('receipt.v.pass.t');
		line = t('receipt.v.pass.d', { amount, campaign, index: v.index, size: v.cp.size.toString() });
	} else if (v.outcome === 'pending') {
		status = 'unverified';
		title = t('receipt.v.pending.t');
		line = t('receipt.v.pending.d');
	} else {
		status = 'unverified';
		title = t('receipt.v.fail.t');
		line = state.vkey ? t('receipt.v.fail.d', { failed: v.failed, n: v.checks.length }) : t('receipt.v.nokey', { detail: errText(state.vkeyError) });
	}
	return h(
		'div',
		{ class: 'verdict receipt-verdict', id: 'receipt-verdict', dataset: { status, outcome: v.outcome } },
		h('span', { class: 'verdict-mark', 'aria-hidden': 'true' }, v.outcome === 'pass' ? '✓' : '✗'),
		h('div', { class: 'verdict-text' }, h('p', { class: 'verdict-title' }, title), h('p', { class: 'verdict-line' }, line)),
	);
}

function donationCard(a) {
	const d = a.donation;
	const campaignLink = h('a', { href: `/campaigns/${encodeURIComponent(str(a.campaign.id))}`, id: 'receipt-campaign' }, str(a.campaign.title || a.campaign.id));
	return h(
		'section',
		{ class: 'card', 'aria-labelledby': 'donation-h2' },
		h('h2', { id: 'donation-h2', tabindex: '-1' }, t('receipt.donation.h2')),
		h('p', { class: 'receipt-sentence', id: 'receipt-sentence' }, sentence(a)),
		fields([
			['receipt.f.code', h('code', { id: 'receipt-code' }, str(a.receipt))],
			['receipt.f.amount', h('span', { id: 'receipt-amount' }, cash(a, d.amount))],
			['receipt.f.campaign', campaignLink],
			['receipt.f.date', day(d.at)],
			['receipt.f.donor', donorText(d)],
			['receipt.f.channel', d.channel ? str(d.channel) : null],
			['receipt.f.entry', explorerLink(d.index, 'give.entry')],
		]),
	);
}

function partsCard(a) {
	const row = (cls, cells, data) => h('tr', { class: cls, dataset: data }, cells);
	const confirmed = (p) => p.confirmed === true || (p.confirmed && typeof p.confirmed === 'object');
	const rows = a.parts.map((p) =>
		row(
			'part',
			[
				h('td', null, day(p.at)),
				h('td', { class: 'payee' }, str(p.payee)),
				h('td', { class: 'purpose' }, str(p.purpose)),
				h('td', null, str(p.category)),
				h('td', { class: 'num amount' }, cash(a, p.amount)),
				h(
					'td',
					null,
					fileLink(p.receipt_sha256),
				),
				h('td', null, h('span', { 'aria-hidden': 'true' }, confirmed(p) ? '✓ ' : '… '), t(confirmed(p) ? 'give.confirmed' : 'give.unconfirmed')),
				h('td', null, explorerLink(p.disbursement)),
			],
			{ disbursement: str(p.disbursement), amount: str(p.amount) },
		),
	);
	const rest = (key, amount, cls) =>
		row(cls, [h('td', { colspan: '4' }, t(key)), h('td', { class: 'num amount' }, cash(a, amount)), h('td', { colspan: '3' })], { amount: str(amount) });
	if (Number(a.unspent) > 0) rows.push(rest('receipt.parts.unspent', a.unspent, 'unspent'));
	if (Number(a.refunded) > 0) rows.push(rest('receipt.parts.refunded', a.refunded, 'refunded'));
	return h(
		'section',
		{ class: 'card', 'aria-labelledby': 'parts-h2' },
		h('h2', { id: 'parts-h2' }, t('receipt.parts.h2')),
		h('p', { class: 'muted' }, t('receipt.parts.intro')),
		h(
			'div',
			{ class: 'table-wrap' },
			h(
				'table',
				{ id: 'parts-table' },
				h('caption', null, t('receipt.parts.caption')),
				h(
					'thead',
					null,
					h(
						'tr',
						null,
						['campaign.col.date', 'campaign.col.payee', 'campaign.col.purpose', 'campaign.col.category'].map((k) => h('th', { scope: 'col' }, t(k))),
						h('th', { scope: 'col', class: 'num' }, t('campaign.col.amount')),
						['campaign.col.receipt', 'campaign.col.confirmed', 'campaign.col.entry'].map((k) => h('th', { scope: 'col' }, t(k))),
					),
				),
				h('tbody', null, rows),
				h(
					'tfoot',
					null,
					h('tr', null, h('th', { scope: 'row', colspan: '4' }, t('receipt.parts.total')), h('td', { class: 'num amount' }, cash(a, a.donation.amount)), h('td', { colspan: '3' })),
				),
			),
		),
		a.more_parts === true ? h('p', { class: 'muted' }, t('receipt.parts.more')) : null,
	);
}

function workCard(a) {
	const w = a.work;
	if (!w || typeof w !== 'object') return null;
	const sha = str(w.sha256);
	return h(
		'section',
		{ class: 'card', id: 'work-section', 'aria-labelledby': 'work-h2' },
		h('h2', { id: 'work-h2' }, t('receipt.work.h2')),
		h('p', null, t('receipt.work.intro')),
		fields([
			['receipt.work.title', h('strong', { id: 'work-title' }, str(w.title))],
			['give.sha256', h('code', { class: 'hash' }, sha)],
		]),
		sha ? h('p', null, h('a', { class: 'button secondary', href: `/api/v1/files/${encodeURIComponent(sha)}` }, t('receipt.work.download'))) : null,
	);
}

function proofCard(a, v) {
	const summary =
		v.outcome === 'pass'
			? t('receipt.verify.pass', { index: v.index, size: v.cp.size.toString() })
			: v.outcome === 'pending'
				? t('receipt.v.pending.d')
				: state.vkey
					? t('receipt.v.fail.d', { failed: v.failed, n: v.checks.length })
					: t('receipt.v.nokey', { detail: errText(state.vkeyError) });
	return h(
		'section',
		{ class: 'card', id: 'proof-section', 'aria-labelledby': 'proof-h2' },
		h('h2', { id: 'proof-h2' }, t('receipt.proof.h2')),
		h('p', null, t('receipt.proof.intro')),
		h('p', { class: v.outcome === 'pass' ? 'outcome outcome-pass' : 'outcome outcome-fail', id: 'proof-outcome', dataset: { outcome: v.outcome } }, summary),
		h('h3', null, t('pack.proofs.key.h3')),
		h('p', { class: 'keyline' }, h('code', { class: 'hash', id: 'receipt-vkey' }, state.vkey ? state.vkey.text : '—')),
		h('p', { class: 'muted' }, t('pack.proofs.key.note'), ' ', h('a', { href: '/explorer' }, t('pack.proofs.key.explorer'))),
		v.checks.length ? [h('h3', null, t('receipt.proof.checks.h3')), h('ul', { class: 'checks', id: 'receipt-checks' }, v.checks.map(renderCheck))] : null,
		v.text !== null ? h('details', null, h('summary', null, t('lookup.entry.raw')), h('pre', { class: 'entry-raw' }, v.text)) : null,
		v.index !== null ? h('p', null, h('a', { href: `/explorer?index=${encodeURIComponent(v.index)}` }, t('pack.entry.explorer', { index: v.index }))) : null,
		h('p', { class: 'muted' }, t('receipt.proof.limits')),
	);
}

function renderResult() {
	const out = $('receipt-result');
	const status = $('receipt-status');
	const r = state.result;
	out.setAttribute('aria-busy', r && r.loading ? 'true' : 'false');
	if (!r) {
		out.replaceChildren();
		status.textContent = '';
		return;
	}
	if (r.loading) {
		out.replaceChildren(h('p', { class: 'muted' }, t('receipt.loading', { code: r.code })));
		status.textContent = t('receipt.loading', { code: r.code });
		return;
	}
	if (r.error) {
		const text = t(r.error.key, { detail: errText(r.error.cause) });
		out.replaceChildren(h('p', { class: 'error', id: 'receipt-error' }, text));
		status.textContent = text;
		return;
	}
	const a = r.answer;
	out.replaceChildren(...[verdict(a, r.v), donationCard(a), partsCard(a), workCard(a), proofCard(a, r.v)].filter(Boolean));
	status.textContent = `${$('receipt-verdict').innerText} ${sentence(a)}`;
}

function renderInputError() {
	const input = $('code-input');
	const e = state.inputError;
	if (e) input.setAttribute('aria-invalid', 'true');
	else input.removeAttribute('aria-invalid');
	$('code-error').textContent = e ? t(e.key, e.vars) : '';
}

function renderAll() {
	renderInputError();
	renderResult();
}

/* ---------- looking up ---------- */

let seq = 0;

async function lookup(raw, { focus }) {
	const my = ++seq;
	state.inputError = null;
	const typed = str(raw).trim();
	const code = normalizeCode(typed);
	if (!code) {
		state.inputError = typed === '' ? { key: 'receipt.err.empty' } : { key: 'receipt.err.invalid', vars: { code: typed } };
		state.result = null;
		renderAll();
		$('code-input').focus();
		return;
	}
	$('code-input').value = code;
	state.result = { code, loading: true };
	renderAll();
	const url = new URL(globalThis.location.href);
	url.search = `?code=${code}`;
	history.replaceState(null, '', url);

	let answer;
	let vkey;
	try {
		for (let i = 0; ; i++) {
			let pending = false;
			try {
				[answer, vkey] = await Promise.all([getJSON(`/api/v1/receipts/${code}`), loadKey()]);
				pending = !wellFormed(answer) && entryPending(answer);
			} catch (e) {
				// 503: recorded, not yet in a published checkpoint.
				if (!(e instanceof ApiError && e.status === 503) || i + 1 >= PENDING_TRIES) throw e;
				pending = true;
			}
			if (!pending || i + 1 >= PENDING_TRIES) break;
			await sleep(PENDING_WAIT_MS);
			if (my !== seq) return;
		}
	} catch (e) {
		if (my !== seq) return;
		if (e instanceof ApiError && e.status === 404) {
			state.inputError = { key: 'receipt.err.notfound', vars: { code } };
			state.result = null;
		} else if (e instanceof ApiError && e.status === 400) {
			state.inputError = { key: 'receipt.err.invalid', vars: { code } };
			state.result = null;
		} else {
			state.result = { code, error: { key: 'receipt.err.server', cause: e } };
		}
		renderAll();
		if (state.inputError) $('code-input').focus();
		return;
	}
	if (my !== seq) return;
	const bad = wellFormed(answer);
	if (bad) {
		state.result = { code, error: { key: 'receipt.err.malformed', cause: new Error(bad) } };
		renderAll();
		return;
	}
	const v = await verifyReceipt(answer, vkey);
	if (my !== seq) return;
	state.result = { code, answer, v };
	renderAll();
	if (focus) $('donation-h2').focus();
}

async function main() {
	initSite();
	onLangChange(renderAll);
	$('receipt-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		lookup($('code-input').value, { focus: true });
	});
	renderAll();
	const want = new URLSearchParams(globalThis.location.search).get('code');
	if (want !== null && want.trim() !== '') {
		$('code-input').value = want;
		await lookup(want, { focus: false });
	} else {
		await loadKey();
	}
	document.documentElement.dataset.ready = 'true';
}

main();
