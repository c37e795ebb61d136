// A tree's certificate (/forest/tree?n=N): GET /api/v1/green/trees/{n},
// the species and planting partner, the owner's reference, the energy
// spent, the planting and the survival checks, with every entry they cite
// verified in the browser.
//
// Only the log's verifier key (/log/vkey) is taken on trust. With entry-proof.js
// (merkle.js, checks.js) the page checks the signed checkpoint (/log/checkpoint),
// then for each entry: the leaf hash recomputed from the exact entry text
// (/api/v1/log/entries/{i}) and the root recomputed from it and its
// inclusion proof (/api/v1/log/proof?index=i&tree_size=N) against the
// signed root; and that the entry says what the certificate says (the
// redemption is the entry whose index is the tree's number, by this user,
// of this species from this partner, at this cost; the planting names this
// tree among its trees, with the site, date, place, count and photos
// shown, written by the partner; each survival check is that planting's,
// with the year, date, figure alive and photos shown, written by the
// partner). The names of species, sites and partners are the server's.

import { initSite, h } from './site.js';
import { t, onLangChange } from './i18n.js';
import { renderCheck } from './checks.js';
import { ApiError, getJSON, errText, listOf, str, orgName, orgLabel } from './give.js';
import { grams, num, speciesName, when, dayName, treeBadge, entryLink } from './forest-common.js';
import { loadVkey, verifyEntries, failures, sameTime, comparison, agreeCheck, shown, verdictBox, partVerdict, keyAndCheckpoint } from './entry-proof.js';

const N_RE = /^[0-9]{1,19}$/;

const $ = (id) => document.getElementById(id);

const state = {
	inputError: null, // { key, vars }
	result: null, // { loading } | { error } | { cert, v }
};

/* ---------- the certificate's parts ---------- */

const isObj = (x) => x && typeof x === 'object' && !Array.isArray(x);
/** An id given as itself or as an object { id, … }. */
const idOf = (x) => (isObj(x) ? x.id : x);
const numOrNull = (x) => (x === null || x === undefined || x === '' ? null : Number(x));

/** The redemption's { index, at } ("redeemed" in the answer; "redemption" accepted too). */
const redemptionOf = (cert) => [cert.redeemed, cert.redemption].find(isObj) || null;

/**
 * The entries a certificate cites, each with what it should say:
 * [{ role: 'redeem' | 'planting' | 'survival', index, check? }].
 */
function partsOf(cert) {
	const parts = [];
	parts.push({ role: 'redeem', index: numOrNull(redemptionOf(cert)?.index ?? cert.tree) });
	const p = isObj(cert.planting) ? cert.planting : null;
	if (p) parts.push({ role: 'planting', index: numOrNull(p.index ?? p.planting) });
	const checks = Array.isArray(cert.checks) ? cert.checks : Array.isArray(cert.survival) ? cert.survival : [];
	for (const c of checks) if (isObj(c)) parts.push({ role: 'survival', index: numOrNull(c.index), check: c });
	return parts;
}

/* ---------- verification ---------- */

/** How each entry's checks are titled (entry-proof.js). */
const ENTRY = { titleKey: 'tcert.check.entry', fetchKey: 'tcert.check.fetch', fetchId: 'leaf' };

const sameList = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
const e6 = (deg) => Math.round(Number(deg) * 1e6);

/**
 * Whether an entry says what the certificate says of it. Returns
 * { bad: [field, …], compared: [field, …] }.
 */
function agreement(cert, part, entry, plantingIndex) {
	const cmp = comparison();
	const want = cmp.want;
	want('entry', !!entry && isObj(entry.data) && typeof entry.type === 'string');
	if (cmp.failed) return cmp.result();
	const d = entry.data;
	const org = `org:${str(cert.planter)}`;
	if (part.role === 'redeem') {
		want('type', entry.type === 'green.redeem');
		want('tree', part.index === Number(cert.tree));
		want('user', d.user === cert.user);
		want('species', d.species === cert.species);
		want('partner', d.planter === cert.planter);
		want('cost', Number(d.cost) === Number(cert.cost));
		const at = redemptionOf(cert)?.at;
		if (at !== undefined && at !== null) want('time', sameTime(entry.at, at));
	} else if (part.role === 'planting') {
		const p = cert.planting;
		want('type', entry.type === 'green.planting');
		want('tree', Array.isArray(d.trees) && d.trees.map(Number).includes(Number(cert.tree)));
		want('species', d.species === cert.species);
		want('partner', entry.by === org);
		want('site', d.site === p.site);
		want('date', d.date === p.date);
		want('count', Number(d.count) === Number(p.count));
		want('place', Number(d.latitude_e6) === e6(p.latitude) && Number(d.longitude_e6) === e6(p.longitude));
		want('photos', sameList(d.photos, p.photos));
		want('note', (d.note ?? null) === (p.note ?? null));
		want('order', part.index > Number(cert.tree));
	} else {
		const c = part.check;
		want('type', entry.type === 'green.survival');
		want('planting', plantingIndex !== null && Number(d.planting) === plantingIndex);
		want('partner', entry.by === org);
		want('year', Number(d.year) === Number(c.year));
		want('date', d.date === c.date);
		want('alive', Number(d.alive) === Number(c.alive));
		want('photos', sameList(d.photos, c.photos));
	}
	return cmp.result();
}

async function verify(cert, vkey, vkeyError) {
	const parts = partsOf(cert);
	const { cp, cpChecks, results } = await verifyEntries(parts.map((p) => p.index), vkey, ENTRY);
	const plantingIndex = parts.find((p) => p.role === 'planting')?.index ?? null;
	// What the certificate says beyond its entries: the status follows from them.
	const status = str(cert.status);
	const planted = parts.some((p) => p.role === 'planting');
	const statusOk = planted ? status !== 'ordered' : status === 'ordered';
	const items = parts.map((part, k) => {
		const ok = Number.isSafeInteger(part.index) && part.index >= 0;
		const r = ok ? results.get(part.index) : null;
		const checks = r ? [...r.checks] : [];
		const a = agreement(cert, part, r?.entry ?? null, plantingIndex);
		checks.push({
			id: `agree-${k}`,
			title: 'tcert.check.agree.t',
			titleVars: { what: t(`tcert.role.${part.role}`) },
			...agreeCheck(a),
		});
		const failed = failures(checks) + failures(cpChecks);
		return { part, k, checks, failed, pending: !!r?.pending, raw: r?.raw, outcome: vkey && !failed ? 'pass' : r?.pending ? 'pending' : 'fail' };
	});
	const statusCheck = {
		id: 'status',
		title: 'tcert.check.status.t',
		status: statusOk ? 'pass' : 'fail',
		detail: { key: statusOk ? 'tcert.check.status.pass' : 'tcert.check.status.fail', vars: { status } },
	};
	const failed = failures(cpChecks) + items.reduce((n, x) => n + failures(x.checks), 0) + (statusOk ? 0 : 1);
	const n = cpChecks.length + items.reduce((m, x) => m + x.checks.length, 0) + 1;
	const pending = items.some((x) => x.pending);
	return {
		cp,
		vkey,
		vkeyError,
		cpChecks,
		statusCheck,
		items,
		failed,
		n,
		outcome: !vkey ? 'fail' : failed === 0 ? 'pass' : pending && items.every((x) => x.outcome !== 'fail') && statusOk ? 'pending' : 'fail',
	};
}

/* ---------- rendering ---------- */

function verdict(cert, v) {
	let status = 'unverified';
	let title;
	let line;
	if (v.outcome === 'pass') {
		status = 'ok';
		title = t('tcert.v.pass.t');
		line = t('tcert.v.pass.d', { n: v.items.length, size: v.cp.size.toString() });
	} else if (v.outcome === 'pending') {
		title = t('tcert.v.pending.t');
		line = t('tcert.v.pending.d');
	} else {
		title = t('tcert.v.fail.t');
		line = v.vkey ? t('tcert.v.fail.d', { failed: v.failed, n: v.n }) : t('receipt.v.nokey', { detail: errText(v.vkeyError) });
	}
	return verdictBox('tcert-verdict', status, v.outcome, title, line);
}

const itemVerdict = (x) => partVerdict(x.outcome, { verified: 'tcert.item.verified', pending: 'tcert.item.pending', unverified: 'tcert.item.unverified' });

const photoList = (photos) => (Array.isArray(photos) && photos.length ? h('ul', { class: 'photo-hashes' }, photos.map((p) => h('li', null, h('code', { class: 'hash' }, str(p))))) : '—');

const place = (lat, lon) => (lat === undefined || lat === null ? '—' : t('tcert.place', { lat: str(lat), lon: str(lon) }));

function summaryCard(cert, v) {
	const byRole = (role) => v.items.filter((x) => x.part.role === role);
	const redeem = byRole('redeem')[0];
	const planting = byRole('planting')[0];
	const p = isObj(cert.planting) ? cert.planting : null;
	const sp = cert.speciesInfo;
	const rows = [
		['tcert.f.species', sp ? `${speciesName(sp, cert.species)} (${str(cert.species)})` : str(cert.species)],
		['tcert.f.partner', orgLabel(cert.planter, cert.planterName)],
		['tcert.f.status', treeBadge(cert.status)],
		['tcert.f.user', h('code', { class: 'hash', id: 'tcert-user' }, str(cert.user))],
		['tcert.f.cost', h('span', { id: 'tcert-cost' }, grams(cert.cost))],
		['tcert.f.redeemed', [redemptionOf(cert)?.at ? `${when(redemptionOf(cert).at)} · ` : null, entryLink(redeem?.part.index), ' ', redeem ? itemVerdict(redeem) : null]],
	];
	const checks = byRole('survival');
	return h(
		'section',
		{ class: 'card', 'aria-labelledby': 'tcert-h2' },
		h('h2', { id: 'tcert-h2', tabindex: '-1' }, t('tcert.h2', { n: str(cert.tree) })),
		h('p', { class: 'cert-total', id: 'tcert-summary' }, t(p ? 'tcert.summary.planted' : 'tcert.summary.ordered', { species: sp ? speciesName(sp, cert.species) : str(cert.species), partner: orgLabel(cert.planter, cert.planterName), cost: grams(cert.cost), date: p ? dayName(p.date) : '' })),
		h('dl', { class: 'fields', id: 'tcert-fields' }, rows.flatMap(([k, val]) => [h('dt', null, t(k)), h('dd', { dataset: { field: k.split('.').pop() } }, val)])),
		h('h3', { id: 'planting-h3' }, t('tcert.planting.h3')),
		p
			? h(
					'dl',
					{ class: 'fields', id: 'tcert-planting' },
					[
						['tcert.f.site', cert.siteName ? `${cert.siteName} (${str(p.site)})` : str(p.site)],
						['tcert.f.date', dayName(p.date)],
						['tcert.f.place', place(p.latitude, p.longitude)],
						['tcert.f.count', num(p.count)],
						['tcert.f.photos', photoList(p.photos)],
						['tcert.f.note', p.note ? str(p.note) : null],
						['tcert.f.entry', [entryLink(planting?.part.index), ' ', planting ? itemVerdict(planting) : null]],
					]
						.filter(([, val]) => val !== null)
						.flatMap(([k, val]) => [h('dt', null, t(k)), h('dd', { dataset: { field: k.split('.').pop() } }, val)]),
				)
			: h('p', { class: 'muted', id: 'tcert-not-planted' }, t('tcert.planting.none')),
		h('h3', { id: 'survival-h3' }, t('tcert.survival.h3')),
		checks.length
			? h(
					'div',
					{ class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'survival-caption' },
					h(
						'table',
						{ id: 'survival-table' },
						h('caption', { id: 'survival-caption' }, t('tcert.survival.caption')),
						h(
							'thead',
							null,
							h(
								'tr',
								null,
								h('th', { scope: 'col' }, t('tcert.col.year')),
								h('th', { scope: 'col' }, t('tcert.col.date')),
								h('th', { scope: 'col', class: 'num' }, t('tcert.col.alive')),
								h('th', { scope: 'col' }, t('tcert.col.photos')),
								h('th', { scope: 'col' }, t('tcert.col.entry')),
								h('th', { scope: 'col' }, t('tcert.col.verified')),
							),
						),
						h(
							'tbody',
							null,
							checks.map((x) => {
								const c = x.part.check;
								return h(
									'tr',
									{ class: 'survival', dataset: { year: str(c.year), outcome: x.outcome } },
									h('td', null, t('tcert.year', { year: str(c.year) })),
									h('td', null, dayName(c.date)),
									h('td', { class: 'num alive' }, p ? t('tcert.alive', { alive: num(c.alive), count: num(p.count) }) : num(c.alive)),
									h('td', null, t('tcert.photos', { n: Array.isArray(c.photos) ? c.photos.length : 0 })),
									h('td', null, entryLink(x.part.index)),
									h('td', null, itemVerdict(x)),
								);
							}),
						),
					),
				)
			: h('p', { class: 'muted', id: 'tcert-no-checks' }, t(p ? 'tcert.survival.none' : 'tcert.survival.notYet')),
		h('p', { class: 'muted' }, t('tcert.names.note')),
	);
}

function proofCard(cert, v) {
	const pass = v.outcome === 'pass';
	return h(
		'section',
		{ class: 'card', id: 'proof-section', 'aria-labelledby': 'proof-h2' },
		h('h2', { id: 'proof-h2' }, t('receipt.proof.h2')),
		h('p', null, t('tcert.proof.intro')),
		h('p', { class: pass ? 'outcome outcome-pass' : 'outcome outcome-fail', id: 'proof-outcome', dataset: { outcome: v.outcome } }, pass ? t('tcert.proof.pass', { n: v.n }) : t('tcert.v.fail.d', { failed: v.failed, n: v.n })),
		keyAndCheckpoint(v, { vkeyId: 'tcert-vkey', cpKey: 'tcert.proof.cp' }),
		h('ul', { class: 'checks', id: 'cp-checks' }, [...v.cpChecks, v.statusCheck].map(renderCheck)),
		v.items.map((x) =>
			h(
				'div',
				{ class: 'proof-session proof-item', dataset: { role: x.part.role, index: str(x.part.index) } },
				h('h3', null, t('tcert.proof.item', { what: t(`tcert.role.${x.part.role}`), index: str(x.part.index) }), ' ', itemVerdict(x)),
				h('ul', { class: 'checks' }, x.checks.map((c) => renderCheck(shown(c)))),
				h('details', null, h('summary', null, t('tcert.proof.raw', { index: str(x.part.index) })), h('pre', { class: 'entry-raw' }, x.raw ?? '—')),
			),
		),
		h('p', { class: 'muted' }, t('tcert.proof.limits')),
	);
}

function render() {
	const out = $('tcert-result');
	const status = $('tcert-status');
	const r = state.result;
	const e = state.inputError;
	if (e) $('tcert-n').setAttribute('aria-invalid', 'true');
	else $('tcert-n').removeAttribute('aria-invalid');
	$('tcert-error').textContent = e ? t(e.key, e.vars) : '';
	out.setAttribute('aria-busy', r && r.loading ? 'true' : 'false');
	if (!r) {
		out.replaceChildren();
		status.textContent = '';
		return;
	}
	if (r.loading) {
		out.replaceChildren(h('p', { class: 'muted' }, t('tcert.loading')));
		status.textContent = t('tcert.loading');
		return;
	}
	if (r.error) {
		const text = t('tcert.err', { detail: errText(r.error) });
		out.replaceChildren(h('p', { class: 'error', id: 'tcert-load-error' }, text));
		status.textContent = text;
		return;
	}
	out.replaceChildren(verdict(r.cert, r.v), summaryCard(r.cert, r.v), proofCard(r.cert, r.v));
	status.textContent = `${$('tcert-verdict').innerText} ${$('tcert-summary').textContent}`;
}

/* ---------- loading ---------- */

let seq = 0;

async function show(n, { focus }) {
	const my = ++seq;
	state.inputError = null;
	if (!N_RE.test(n)) {
		state.inputError = { key: n ? 'tcert.err.n' : 'tcert.err.empty' };
		state.result = null;
		render();
		$('tcert-n').focus();
		return;
	}
	const url = new URL(globalThis.location.href);
	url.search = `?n=${encodeURIComponent(n)}`;
	history.replaceState(null, '', url);
	state.result = { loading: true };
	render();
	let cert;
	let vkey = null;
	let vkeyError = null;
	try {
		cert = await getJSON(`/api/v1/green/trees/${encodeURIComponent(n)}`);
		if (!isObj(cert)) throw new Error(t('forest.err.answer'));
		({ vkey, vkeyError } = await loadVkey());
	} catch (e) {
		if (my !== seq) return;
		if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
			state.inputError = { key: 'tcert.err.notfound', vars: { detail: errText(e) } };
			state.result = null;
		} else state.result = { error: e };
		render();
		return;
	}
	// Species and site may come as ids or as objects with their names.
	cert.speciesObj = isObj(cert.species) ? cert.species : null;
	cert.species = idOf(cert.species);
	if (isObj(cert.planting)) {
		cert.planting.siteObj = isObj(cert.planting.site) ? cert.planting.site : null;
		cert.planting.site = idOf(cert.planting.site);
	}
	// The names: the server's (the ids are what the entries prove).
	const [planterName, species, sites] = await Promise.all([
		orgName(cert.planter),
		getJSON('/api/v1/green/species').catch(() => null),
		isObj(cert.planting) ? getJSON('/api/v1/green/sites').catch(() => null) : null,
	]);
	cert.planterName = planterName;
	cert.speciesInfo = listOf(species, 'species').find((s) => s && s.id === cert.species) || cert.speciesObj;
	const p = isObj(cert.planting) ? cert.planting : null;
	cert.siteName = p ? (listOf(sites, 'sites').find((s) => s && s.id === p.site) || p.siteObj)?.name || p.site_name || null : null;
	const v = await verify(cert, vkey, vkeyError);
	if (my !== seq) return;
	$('tcert-n').value = str(cert.tree ?? n);
	state.result = { cert, v };
	render();
	if (focus) $('tcert-h2').focus();
}

async function main() {
	initSite();
	onLangChange(render);
	const q = new URLSearchParams(globalThis.location.search);
	const n = (q.get('n') || '').trim();
	$('tcert-n').value = n;
	$('tcert-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		show($('tcert-n').value.trim(), { focus: true });
	});
	render();
	if (n) await show(n, { focus: false });
	document.documentElement.dataset.ready = 'true';
}

main();
