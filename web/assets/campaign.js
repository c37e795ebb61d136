// One campaign (/campaigns/<id>): what it is for, who runs it and how it
// was verified, its accounts (raised, spent, balance, donors), spending by
// category as a chart with the same figures in a table, raised and spent
// over time, the latest donations (masked names) and the payments out of it
// with their receipts; and a form to report the campaign to the reviewers.
//
// Everything comes from GET /api/v1/campaigns/{id}, …/donations and
// …/disbursements; the report goes to POST …/reports.

import { initSite, h } from './site.js';
import { t, onLangChange } from './i18n.js';
import {
	ApiError,
	getJSON,
	postJSON,
	errText,
	listOf,
	str,
	money,
	count,
	percent,
	day,
	dayText,
	orgName,
	orgLabel,
	statusBadge,
	verificationBadge,
	donorText,
	progress,
	fileLink,
} from './give.js';

const DONATIONS_PAGE = 20;
const DISBURSEMENTS_PAGE = 50;
const SVG = 'http://www.w3.org/2000/svg';

const state = {
	id: null,
	campaign: null,
	error: null, // an ApiError or Error while loading the campaign
	orgName: null,
	donations: { items: [], next: null, loading: false, error: null },
	disbursements: { items: [], next: null, loading: false, error: null },
	report: { open: false, sending: false, error: null, sent: false },
};

const $ = (id) => document.getElementById(id);

/** The campaign id in the address: /campaigns/<id> (or /campaign?id=<id>). */
function idFromAddress() {
	const m = globalThis.location.pathname.match(/^\/campaigns\/([^/]+)\/?$/);
	if (m) {
		try {
			return decodeURIComponent(m[1]);
		} catch {
			return m[1];
		}
	}
	return new URLSearchParams(globalThis.location.search).get('id');
}

const api = (suffix = '') => `/api/v1/campaigns/${encodeURIComponent(state.id)}${suffix}`;

/** An amount in the campaign's currency. */
const cash = (amount) => money(amount, state.campaign?.currency, state.campaign?.minor_unit);

const explorerLink = (index, key = 'give.entry') =>
	index === null || index === undefined
		? null
		: h('a', { href: `/explorer?index=${encodeURIComponent(str(index))}` }, t(key, { index: str(index) }));

function fields(rows, cls = 'fields') {
	return h(
		'dl',
		{ class: cls },
		rows.filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)]),
	);
}

/* ---------- loading ---------- */

async function loadCampaign() {
	try {
		state.campaign = await getJSON(api());
		if (!state.campaign || typeof state.campaign !== 'object') throw new Error('the answer is not a campaign');
	} catch (e) {
		state.campaign = null;
		state.error = e;
		return;
	}
	state.orgName = await orgName(state.campaign.org);
}

/** Load a page of donations or disbursements (more: the next, older page). */
async function loadList(which, { more }) {
	const s = state[which];
	const limit = which === 'donations' ? DONATIONS_PAGE : DISBURSEMENTS_PAGE;
	const params = new URLSearchParams({ limit: String(limit) });
	if (more && s.next !== null) params.set('before', s.next);
	s.loading = true;
	s.error = null;
	if (state.campaign) renderList(which);
	try {
		const body = await getJSON(`${api(`/${which}`)}?${params}`);
		const list = listOf(body, which).filter((x) => x && typeof x === 'object');
		s.items = more ? [...s.items, ...list] : list;
		let next = body && !Array.isArray(body) && 'next_before' in body ? body.next_before : undefined;
		if (next === undefined) next = list.length === limit ? list[list.length - 1].index : null;
		s.next = next === null || next === undefined ? null : str(next);
	} catch (e) {
		s.error = e;
	}
	s.loading = false;
	if (state.campaign) renderList(which);
}

/* ---------- the charts ---------- */

function svg(tag, attrs, ...children) {
	const el = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
	for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	return el;
}

/**
 * The width to draw a chart at, in CSS pixels, so that its text keeps its
 * size: the width of the page's content, between 300 and 700.
 */
function chartWidth() {
	const main = document.getElementById('main');
	const w = main ? main.clientWidth - 64 : 700;
	return Math.max(300, Math.min(700, w));
}

/** A label cut to n characters for the chart (the table has it whole). */
const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Spending by category as horizontal bars, one per category, drawn here.
 * It is an image (role="img") whose text alternative says every figure;
 * the table after it gives the same figures.
 */
function categoryChart(rows) {
	const summary = t('campaign.chart.alt', {
		list: rows.map((r) => t('campaign.chart.item', { category: r.category, amount: cash(r.amount), n: count(r.count) })).join(t('campaign.chart.sep')),
	});
	const W = chartWidth();
	const ROW = 40;
	const LABEL = Math.round(Math.min(170, W * 0.3));
	const BAR = W - LABEL - 100; // room for the amount after the longest bar
	const H = rows.length * ROW + 10;
	const max = rows.reduce((m, r) => Math.max(m, Number(r.amount) || 0), 0) || 1;
	return svg(
		'svg',
		{ class: 'chart chart-categories', id: 'category-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, focusable: 'false' },
		svg('title', null, summary),
		rows.map((r, i) => {
			const y = 5 + i * ROW;
			const w = Math.max(2, Math.round((BAR * (Number(r.amount) || 0)) / max));
			return svg(
				'g',
				{ class: 'chart-row', 'data-category': r.category, 'data-amount': str(r.amount) },
				svg('text', { x: LABEL - 10, y: y + ROW / 2, class: 'chart-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, cut(r.category, Math.floor(LABEL / 9))),
				svg('rect', { x: LABEL, y: y + 6, width: w, height: ROW - 14, rx: 3, class: 'chart-bar', 'data-category': r.category, 'data-amount': str(r.amount) }),
				svg('text', { x: LABEL + w + 8, y: y + ROW / 2, class: 'chart-value', 'dominant-baseline': 'middle' }, cash(r.amount)),
			);
		}),
	);
}

/** A table's scrolling box: a region that takes the focus, so that a
 * keyboard can scroll it on a narrow screen. */
const scrollBox = (label, table) => h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label }, table);

function categoryTable(rows, spent) {
	return scrollBox(
		t('campaign.categories.h2'),
		h(
			'table',
			{ id: 'category-table' },
			h('caption', null, t('campaign.categories.caption')),
			h(
				'thead',
				null,
				h(
					'tr',
					null,
					h('th', { scope: 'col' }, t('campaign.col.category')),
					h('th', { scope: 'col', class: 'num' }, t('campaign.col.amount')),
					h('th', { scope: 'col', class: 'num' }, t('campaign.col.payments')),
					h('th', { scope: 'col', class: 'num' }, t('campaign.col.share')),
				),
			),
			h(
				'tbody',
				null,
				rows.map((r) =>
					h(
						'tr',
						{ dataset: { category: r.category, amount: str(r.amount) } },
						h('th', { scope: 'row' }, r.category),
						h('td', { class: 'num' }, cash(r.amount)),
						h('td', { class: 'num' }, count(r.count)),
						h('td', { class: 'num' }, percent(r.amount, spent).text),
					),
				),
			),
		),
	);
}

/**
 * Money raised (less refunds) and spent, added up day by day, as two lines
 * (raised solid, spent dashed, each named with its total at its end); a
 * single day is drawn as two stems. The text alternative gives the span
 * and the totals; the table in the <details> has every day.
 */
function timeChart(days) {
	let raised = 0;
	let spent = 0;
	const points = days.map((d) => {
		raised += (Number(d.raised) || 0) - (Number(d.refunded) || 0);
		spent += Number(d.spent) || 0;
		return { day: str(d.day), raised, spent };
	});
	const first = points[0];
	const last = points[points.length - 1];
	const summary = t('campaign.time.alt', {
		from: dayText(first.day),
		to: dayText(last.day),
		raised: cash(last.raised),
		spent: cash(last.spent),
	});
	const W = chartWidth();
	const H = 220;
	const L = 20;
	const R = 150; // room for the lines' names and totals
	const T = 15;
	const B = 30;
	const one = points.length === 1;
	const t0 = Date.parse(`${first.day}T00:00:00Z`);
	const t1 = Date.parse(`${last.day}T00:00:00Z`);
	const span = t1 > t0 ? t1 - t0 : 1;
	const max = Math.max(1, ...points.map((p) => Math.max(p.raised, p.spent)));
	const base = H - B;
	// One day: the two stems side by side in the middle.
	const x = (p, key) =>
		one ? L + (W - L - R) / 2 + (key === 'spent' ? 14 : -14) : L + ((W - L - R) * (Date.parse(`${p.day}T00:00:00Z`) - t0)) / span;
	const y = (v) => T + (base - T) * (1 - v / max);
	const f = (n) => n.toFixed(1);
	const line = (key) =>
		one
			? svg('line', { class: `chart-line ${key}`, x1: f(x(last, key)), y1: base, x2: f(x(last, key)), y2: f(y(last[key])) })
			: svg('polyline', { class: `chart-line ${key}`, points: points.map((p) => `${f(x(p, key))},${f(y(p[key]))}`).join(' ') });
	const dots = (key) => points.map((p) => svg('circle', { class: `chart-dot ${key}`, cx: f(x(p, key)), cy: f(y(p[key])), r: 4 }));
	// The names at the ends, kept apart when the lines end close together.
	const yr = y(last.raised);
	const ys = Math.abs(y(last.spent) - yr) < 18 ? yr + 18 : y(last.spent);
	const end = (key, yy, text) => svg('text', { class: `chart-end ${key}`, x: f(x(last, 'spent') + 12), y: f(yy), 'dominant-baseline': 'middle' }, text);
	return svg(
		'svg',
		{ class: 'chart chart-time', id: 'time-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, focusable: 'false' },
		svg('title', null, summary),
		svg('line', { class: 'chart-axis', x1: L, y1: base, x2: W - R + 10, y2: base }),
		one
			? svg('text', { class: 'chart-tick', x: f(L + (W - L - R) / 2), y: H - 8, 'text-anchor': 'middle' }, dayText(first.day))
			: [
					svg('text', { class: 'chart-tick', x: L, y: H - 8 }, dayText(first.day)),
					svg('text', { class: 'chart-tick', x: W - R + 10, y: H - 8, 'text-anchor': 'end' }, dayText(last.day)),
				],
		line('raised'),
		line('spent'),
		dots('raised'),
		dots('spent'),
		end('raised', yr, t('campaign.time.raised', { amount: cash(last.raised) })),
		end('spent', ys, t('campaign.time.spent', { amount: cash(last.spent) })),
	);
}

function timeTable(days) {
	return h(
		'details',
		null,
		h('summary', null, t('campaign.time.table')),
		scrollBox(
			t('campaign.time.table'),
			h(
				'table',
				{ id: 'time-table' },
				h(
					'thead',
					null,
					h(
						'tr',
						null,
						h('th', { scope: 'col' }, t('campaign.col.day')),
						h('th', { scope: 'col', class: 'num' }, t('campaign.col.raised')),
						h('th', { scope: 'col', class: 'num' }, t('campaign.col.refunded')),
						h('th', { scope: 'col', class: 'num' }, t('campaign.col.spent')),
						h('th', { scope: 'col', class: 'num' }, t('campaign.col.donations')),
					),
				),
				h(
					'tbody',
					null,
					days.map((d) =>
						h(
							'tr',
							null,
							h('th', { scope: 'row' }, day(d.day)),
							h('td', { class: 'num' }, cash(d.raised ?? 0)),
							h('td', { class: 'num' }, cash(d.refunded ?? 0)),
							h('td', { class: 'num' }, cash(d.spent ?? 0)),
							h('td', { class: 'num' }, count(d.donations ?? 0)),
						),
					),
				),
			),
		),
	);
}

/* ---------- the sections ---------- */

function aboutSection(c) {
	const beneficiary = c.beneficiary_org ? [str(c.beneficiary), ' (', h('code', null, str(c.beneficiary_org)), ')'] : str(c.beneficiary);
	const dates = c.starts || c.ends ? t('campaign.dates', { starts: dayText(c.starts), ends: dayText(c.ends) }) : null;
	return h(
		'section',
		{ class: 'card', id: 'about-section', 'aria-labelledby': 'about-h2' },
		h('h2', { id: 'about-h2' }, t('campaign.about.h2')),
		h('p', { class: 'badges' }, statusBadge(c.status), ' ', verificationBadge(c.verification?.status)),
		c.description ? h('p', { class: 'campaign-description', id: 'campaign-description' }, str(c.description)) : null,
		fields([
			['campaign.f.charity', h('span', { id: 'campaign-charity' }, orgLabel(c.org, state.orgName))],
			['campaign.f.beneficiary', h('span', { id: 'campaign-beneficiary' }, beneficiary)],
			['campaign.f.category', c.category ? str(c.category) : null],
			['campaign.f.dates', dates],
			['campaign.f.goal', cash(c.goal)],
			['campaign.f.cap', c.cap === null || c.cap === undefined ? null : cash(c.cap)],
			['campaign.f.closed', c.closed_at ? dayText(c.closed_at) : null],
			['campaign.f.entry', explorerLink(c.index)],
		]),
	);
}

function moneySection(c) {
	const a = c.accounts || {};
	return h(
		'section',
		{ class: 'card', id: 'money-section', 'aria-labelledby': 'money-h2' },
		h('h2', { id: 'money-h2' }, t('campaign.money.h2')),
		progress(a.raised ?? 0, c.goal, c.currency, c.minor_unit, { id: 'campaign-progress' }),
		fields(
			[
				['campaign.f.raised', cash(a.raised ?? 0)],
				['campaign.f.refunded', cash(a.refunded ?? 0)],
				['campaign.f.spent', cash(a.spent ?? 0)],
				['campaign.f.balance', cash(a.balance ?? 0)],
				['campaign.f.donations', count(a.donations ?? 0)],
				['campaign.f.donors', count(a.donors ?? 0)],
				['campaign.f.anonymous', count(a.anonymous ?? 0)],
				['campaign.f.disbursements', count(a.disbursements ?? 0)],
			],
			'fields figures',
		),
		h('p', { class: 'muted' }, t('campaign.money.note')),
	);
}

function verificationSection(c) {
	const v = c.verification && typeof c.verification === 'object' ? c.verification : {};
	const docs = Array.isArray(v.documents) ? v.documents.filter((d) => d && typeof d === 'object') : [];
	const known = ['pending', 'verified', 'rejected', 'suspended'].includes(v.status);
	return h(
		'section',
		{ class: 'card', id: 'verification-section', 'aria-labelledby': 'verification-h2' },
		h('h2', { id: 'verification-h2' }, t('campaign.verification.h2')),
		h('p', null, verificationBadge(v.status), ' ', known ? t(`campaign.verification.${v.status}`) : null),
		fields([
			['campaign.f.note', v.note ? str(v.note) : null],
			['campaign.f.verifiedBy', v.by ? str(v.by) : null],
			['campaign.f.verifiedAt', v.at ? dayText(v.at) : null],
		]),
		h('h3', null, t('campaign.documents.h3')),
		docs.length === 0
			? h('p', { class: 'muted', id: 'documents-none' }, t('campaign.documents.none'))
			: [
					h('p', { class: 'muted' }, t('campaign.documents.intro')),
					h(
						'ul',
						{ class: 'documents', id: 'documents' },
						docs.map((d) =>
							h(
								'li',
								{ dataset: { sha256: str(d.sha256) } },
								h('strong', null, str(d.name)),
								h('br'),
								t('give.sha256'),
								' ',
								h('a', { class: 'hash', href: `/api/v1/files/${encodeURIComponent(str(d.sha256))}` }, h('code', null, str(d.sha256))),
								d.index !== undefined && d.index !== null ? [' · ', explorerLink(d.index)] : null,
							),
						),
					),
				],
	);
}

/** The spending by category of a campaign's accounts. */
function categoryRows(c) {
	const a = c.accounts || {};
	return (Array.isArray(a.by_category) ? a.by_category : [])
		.filter((r) => r && typeof r === 'object')
		.map((r) => ({ category: str(r.category), amount: r.amount ?? 0, count: r.count ?? 0 }));
}

/** The days of a campaign's accounts. */
const daysOf = (c) => (Array.isArray(c.accounts?.days) ? c.accounts.days : []).filter((d) => d && typeof d === 'object' && typeof d.day === 'string');

function categoriesSection(c) {
	const a = c.accounts || {};
	const rows = categoryRows(c);
	return h(
		'section',
		{ class: 'card', id: 'categories-section', 'aria-labelledby': 'categories-h2' },
		h('h2', { id: 'categories-h2' }, t('campaign.categories.h2')),
		rows.length === 0
			? h('p', { class: 'muted', id: 'categories-none' }, t('campaign.categories.none'))
			: [h('figure', { class: 'chart-figure' }, categoryChart(rows)), categoryTable(rows, a.spent)],
	);
}

function timeSection(c) {
	const days = daysOf(c);
	return h(
		'section',
		{ class: 'card', id: 'time-section', 'aria-labelledby': 'time-h2' },
		h('h2', { id: 'time-h2' }, t('campaign.time.h2')),
		days.length === 0
			? h('p', { class: 'muted' }, t('campaign.time.none'))
			: [h('figure', { class: 'chart-figure' }, timeChart(days)), timeTable(days)],
	);
}

function listSection(which) {
	return h(
		'section',
		{ class: 'card', id: `${which}-section`, 'aria-labelledby': `${which}-h2` },
		h('h2', { id: `${which}-h2` }, t(`campaign.${which}.h2`)),
		h('div', { id: `${which}-body`, 'aria-live': 'polite' }),
		h(
			'p',
			{ class: 'pager' },
			h('button', { type: 'button', class: 'secondary', id: `${which}-more`, hidden: true }, t(`campaign.${which}.more`)),
		),
	);
}

function donationsTable(items) {
	return h(
		'div',
		{ class: 'table-wrap' },
		h(
			'table',
			{ id: 'donations-table' },
			h('caption', null, t('campaign.donations.caption')),
			h(
				'thead',
				null,
				h(
					'tr',
					null,
					h('th', { scope: 'col' }, t('campaign.col.donor')),
					h('th', { scope: 'col', class: 'num' }, t('campaign.col.amount')),
					h('th', { scope: 'col' }, t('campaign.col.date')),
					h('th', { scope: 'col' }, t('campaign.col.channel')),
					h('th', { scope: 'col' }, t('campaign.col.entry')),
				),
			),
			h(
				'tbody',
				null,
				items.map((d) =>
					h(
						'tr',
						{ class: 'donation', dataset: { index: str(d.index), anonymous: d.anonymous === true || !d.name ? 'true' : 'false' } },
						h('td', { class: 'donor' }, donorText(d)),
						h(
							'td',
							{ class: 'num amount' },
							cash(d.amount),
							Number(d.refunded) > 0 ? [h('br'), h('span', { class: 'muted refunded' }, t('campaign.donation.refunded', { amount: cash(d.refunded) }))] : null,
						),
						h('td', null, day(d.at)),
						h('td', null, d.work ? t('campaign.donation.purchase') : str(d.channel)),
						h('td', null, explorerLink(d.index, 'give.entryShort')),
					),
				),
			),
		),
	);
}

const isConfirmed = (d) => d.confirmed === true || (d.confirmed && typeof d.confirmed === 'object') || (d.confirmation && typeof d.confirmation === 'object');

function disbursementsTable(items) {
	return h(
		'div',
		{ class: 'table-wrap' },
		h(
			'table',
			{ id: 'disbursements-table' },
			h('caption', null, t('campaign.disbursements.caption')),
			h(
				'thead',
				null,
				h(
					'tr',
					null,
					h('th', { scope: 'col' }, t('campaign.col.date')),
					h('th', { scope: 'col' }, t('campaign.col.payee')),
					h('th', { scope: 'col' }, t('campaign.col.purpose')),
					h('th', { scope: 'col' }, t('campaign.col.category')),
					h('th', { scope: 'col', class: 'num' }, t('campaign.col.amount')),
					h('th', { scope: 'col' }, t('campaign.col.receipt')),
					h('th', { scope: 'col' }, t('campaign.col.confirmed')),
				),
			),
			h(
				'tbody',
				null,
				items.map((d) => {
					const ok = isConfirmed(d);
					const sha = str(d.receipt_sha256);
					return h(
						'tr',
						{ class: 'disbursement', dataset: { index: str(d.index), confirmed: ok ? 'true' : 'false' } },
						h('td', null, day(d.at), h('br'), explorerLink(d.index, 'give.entryShort')),
						h('td', { class: 'payee' }, str(d.payee), d.payee_kind ? h('span', { class: 'muted' }, ` (${t(`give.payee.${d.payee_kind === 'beneficiary' ? 'beneficiary' : 'supplier'}`)})`) : null),
						h('td', { class: 'purpose' }, str(d.purpose)),
						h('td', { class: 'category' }, str(d.category)),
						h('td', { class: 'num amount' }, cash(d.amount)),
						h('td', { class: 'receipt' }, fileLink(sha)),
						h(
							'td',
							{ class: ok ? 'confirmed yes' : 'confirmed no' },
							h('span', { 'aria-hidden': 'true' }, ok ? '✓ ' : '… '),
							t(ok ? 'give.confirmed' : 'give.unconfirmed'),
						),
					);
				}),
			),
		),
	);
}

/* ---------- rendering ---------- */

/** Draw the charts again for a new width (the rest stays as it is). */
function redrawCharts() {
	const c = state.campaign;
	if (!c) return;
	const cat = $('category-chart');
	if (cat) cat.replaceWith(categoryChart(categoryRows(c)));
	const time = $('time-chart');
	if (time) time.replaceWith(timeChart(daysOf(c)));
}

function renderList(which) {
	const s = state[which];
	const body = $(`${which}-body`);
	if (!body) return;
	body.setAttribute('aria-busy', s.loading ? 'true' : 'false');
	const parts = [];
	if (s.items.length) parts.push(which === 'donations' ? donationsTable(s.items) : disbursementsTable(s.items));
	if (s.loading) parts.push(h('p', { class: 'muted' }, t('common.loading')));
	else if (s.error) parts.push(h('p', { class: 'error' }, t('campaign.list.err', { detail: errText(s.error) })));
	else if (!s.items.length) parts.push(h('p', { class: 'muted', id: `${which}-none` }, t(`campaign.${which}.none`)));
	body.replaceChildren(...parts);
	$(`${which}-more`).hidden = s.loading || !!s.error || s.next === null;
}

function renderHead() {
	const h1 = $('campaign-h1');
	const status = $('campaign-status');
	const c = state.campaign;
	h1.removeAttribute('data-i18n');
	if (c) {
		h1.textContent = str(c.title || c.id);
		document.title = t('campaign.titleOf', { title: str(c.title || c.id) });
		status.replaceChildren();
	} else if (state.error) {
		const missing = state.error instanceof ApiError && state.error.status === 404;
		h1.textContent = t(missing ? 'campaign.notfound.h1' : 'campaign.err.h1');
		document.title = t(missing ? 'campaign.notfound.title' : 'campaign.title');
		status.replaceChildren(
			h(
				'p',
				{ class: 'error', id: 'campaign-error' },
				missing ? t('campaign.notfound', { id: str(state.id) }) : t('campaign.err', { detail: errText(state.error) }),
			),
			h('p', null, h('a', { href: '/campaigns' }, t('campaign.back'))),
		);
	} else {
		h1.textContent = t('campaign.h1');
		status.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
	}
	status.setAttribute('aria-busy', !c && !state.error ? 'true' : 'false');
}

function renderBody() {
	const c = state.campaign;
	const body = $('campaign-body');
	if (!c) {
		body.replaceChildren();
		$('report-section').hidden = true;
		return;
	}
	body.replaceChildren(
		aboutSection(c),
		moneySection(c),
		categoriesSection(c),
		timeSection(c),
		listSection('donations'),
		listSection('disbursements'),
		verificationSection(c),
	);
	for (const which of ['donations', 'disbursements']) {
		$(`${which}-more`).addEventListener('click', () => loadList(which, { more: true }));
		renderList(which);
	}
	$('report-section').hidden = false;
}

function renderReport() {
	const r = state.report;
	$('report-open').setAttribute('aria-expanded', r.open ? 'true' : 'false');
	$('report-open').hidden = r.sent;
	$('report-form').hidden = !r.open || r.sent;
	$('report-submit').disabled = r.sending;
	$('report-reason').setAttribute('aria-invalid', r.error && r.error.field === 'reason' ? 'true' : 'false');
	$('report-error').textContent = r.error ? t(r.error.key, r.error.vars) : '';
	$('report-thanks').textContent = r.sent ? t('report.thanks') : '';
}

function renderAll() {
	renderHead();
	renderBody();
	renderReport();
}

/* ---------- the report ---------- */

function setupReport() {
	const r = state.report;
	$('report-open').addEventListener('click', () => {
		r.open = !r.open;
		r.error = null;
		renderReport();
		if (r.open) $('report-reason').focus();
	});
	$('report-cancel').addEventListener('click', () => {
		r.open = false;
		r.error = null;
		renderReport();
		$('report-open').focus();
	});
	$('report-form').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		if (r.sending) return;
		const reason = $('report-reason').value;
		const details = $('report-details').value.trim();
		if (!reason) {
			r.error = { key: 'report.err.reason', field: 'reason' };
			renderReport();
			$('report-reason').focus();
			return;
		}
		r.sending = true;
		r.error = null;
		renderReport();
		try {
			await postJSON(api('/reports'), details ? { reason, details } : { reason });
			r.sent = true;
			r.open = false;
		} catch (e) {
			r.error = { key: 'report.err.send', vars: { detail: errText(e) } };
		}
		r.sending = false;
		renderReport();
		if (r.sent) $('report-thanks').focus();
	});
}

/* ---------- start ---------- */

async function main() {
	initSite();
	onLangChange(renderAll);
	setupReport();
	let drawn = chartWidth();
	let timer = null;
	globalThis.addEventListener('resize', () => {
		clearTimeout(timer);
		timer = setTimeout(() => {
			if (chartWidth() === drawn) return;
			drawn = chartWidth();
			redrawCharts();
		}, 150);
	});
	state.id = idFromAddress();
	if (!state.id) {
		state.error = new ApiError(404, null, null);
		state.id = '';
		renderAll();
		document.documentElement.dataset.ready = 'true';
		return;
	}
	renderAll();
	await loadCampaign();
	renderAll();
	if (state.campaign) await Promise.all([loadList('donations', { more: false }), loadList('disbursements', { more: false })]);
	document.documentElement.dataset.ready = 'true';
}

main();
