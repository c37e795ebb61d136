// A volunteer's certificate of a year (/volunteer/certificate?ref=volunteer:<hex>&year=YYYY):
// the confirmed sessions of GET /api/v1/certificates/{ref}?year=, each
// with the entries that prove it, every one verified in the browser.
//
// Only the log's verifier key (/log/vkey) is taken on trust. With entry-proof.js
// (merkle.js, checks.js) the page checks the signed checkpoint (/log/checkpoint),
// then for each entry of each session: the leaf hash recomputed from the
// exact entry text (/api/v1/log/entries/{i}) and the root recomputed from
// it and its inclusion proof (/api/v1/log/proof?index=i&tree_size=N) against
// the signed root; and that the entries say what the certificate says (a
// vol.* entry; the sign-up is this volunteer's for this opportunity; the
// session is that sign-up's; the check-out and the hours are that session's;
// the hours were confirmed by the organisation shown, in the minutes shown,
// corrected or not). The titles of the opportunities and the names of the
// organisations are the server's.

import { initSite, h } from './site.js';
import { t, onLangChange } from './i18n.js';
import { renderCheck } from './checks.js';
import { ApiError, getJSON, errText, str, orgName, orgLabel, dayText } from './give.js';
import { duration, timeRange, entryLink } from './vol.js';
import { loadVkey, verifyEntries, failures, sameTime, comparison, agreeCheck, shown, verdictBox, partVerdict, keyAndCheckpoint } from './entry-proof.js';

const REF_RE = /^volunteer:[0-9a-f]{64}$/;

const $ = (id) => document.getElementById(id);

const state = {
	inputError: null, // { key, vars }
	result: null, // { loading } | { error } | { cert, v }
};

/* ---------- verification ---------- */

/** How each entry's checks are titled (entry-proof.js). */
const ENTRY = { titleKey: 'cert.check.entry', fetchKey: 'cert.check.fetch', fetchId: 'entry' };

/**
 * Whether the entries of a session say what the certificate says of it.
 * Returns { bad: [field, …], compared: [field, …] }; entries maps index to
 * the parsed entry (null when it could not be read).
 */
function agreement(cert, item, entries) {
	const cmp = comparison();
	const want = cmp.want;
	const idx = Array.isArray(item.entries) ? item.entries.map(Number) : [];
	const E = idx.map((i) => entries.get(i) || null);
	want('entries', idx.length >= 2 && E.every((e) => e && typeof e.type === 'string' && e.type.startsWith('vol.') && e.data && typeof e.data === 'object'));
	if (cmp.failed) return cmp.result();
	const session = Number(item.session);
	const org = `org:${str(item.org)}`;
	const signup = E[0];
	want('signup', signup.type === 'vol.signup');
	want('volunteer', signup.data.volunteer === cert.volunteer);
	want('opportunity', signup.data.opportunity === item.opportunity);
	const s = entries.get(session);
	want('session', idx.includes(session) && idx.indexOf(session) > 0 && !!s && (s.type === 'vol.checkin' || s.type === 'vol.session'));
	if (s && (s.type === 'vol.checkin' || s.type === 'vol.session')) {
		want('signup', Number(s.data.signup) === idx[0]);
		want('volunteer', s.data.volunteer === cert.volunteer);
		want('start', s.type === 'vol.checkin' ? sameTime(s.at, item.start) : sameTime(s.data.start, item.start));
		if (s.type === 'vol.session') {
			want('end', sameTime(s.data.end, item.end));
			want('organisation', s.by === org);
		}
	}
	const rest = E.slice(1).filter((e) => e !== s);
	const decisions = rest.filter((e) => e.type === 'vol.signup.decide');
	const checkouts = rest.filter((e) => e.type === 'vol.checkout');
	const hours = rest.filter((e) => e.type === 'vol.hours');
	want('entries', rest.every((e) => ['vol.signup.decide', 'vol.checkout', 'vol.hours'].includes(e.type)) && decisions.length <= 1 && checkouts.length <= 1 && hours.length <= 1);
	// The organisation accepted the sign-up.
	want('accepted', decisions.length === 1);
	for (const d of decisions) {
		want('accepted', Number(d.data.signup) === idx[0] && d.data.accept === true);
		want('organisation', d.by === org);
	}
	for (const c of checkouts) {
		want('session', Number(c.data.session) === session);
		want('end', sameTime(c.at, item.end));
	}
	// The hours: the organisation's vol.hours entry, or its vol.session (which confirms itself).
	const confirmed = hours[0] || (s && s.type === 'vol.session' ? s : null);
	want('confirmed', !!confirmed);
	if (hours[0]) {
		want('session', Number(hours[0].data.session) === session);
		want('organisation', hours[0].by === org);
	}
	if (confirmed) {
		want('minutes', Number(confirmed.data.minutes) === Number(item.minutes));
		want('status', (item.status === 'corrected') === (hours[0] ? hours[0].data.corrected === true : false));
	}
	want('year', new Date(item.start).getUTCFullYear() === Number(cert.year));
	return cmp.result();
}

async function verify(cert, vkey, vkeyError) {
	const items = Array.isArray(cert.items) ? cert.items.filter((x) => x && typeof x === 'object') : [];
	const { cp, cpChecks, results } = await verifyEntries(items.flatMap((x) => (Array.isArray(x.entries) ? x.entries : [])).map(Number), vkey, ENTRY);
	const entries = new Map([...results].map(([i, r]) => [i, r.entry]));
	const sessions = items.map((item) => {
		const idx = Array.isArray(item.entries) ? item.entries.map(Number) : [];
		const checks = idx.flatMap((i) => results.get(i)?.checks ?? []);
		const a = agreement(cert, item, entries);
		checks.push({
			id: `agree-${str(item.session)}`,
			title: 'cert.check.agree.t',
			...agreeCheck(a),
		});
		const pending = idx.some((i) => results.get(i)?.pending);
		const failed = failures(checks) + failures(cpChecks);
		return { item, checks, failed, pending, outcome: vkey && !failed ? 'pass' : pending ? 'pending' : 'fail', raws: idx.map((i) => [i, results.get(i)?.raw]) };
	});
	// The total is the sum of the sessions.
	const sum = items.reduce((n, x) => n + (Number(x.minutes) || 0), 0);
	const totalOk = sum === Number(cert.minutes) && items.length === Number(cert.sessions);
	const total = { ok: totalOk, sum, n: items.length };
	const failed = failures(cpChecks) + sessions.reduce((n, s) => n + failures(s.checks), 0) + (totalOk ? 0 : 1);
	const n = cpChecks.length + sessions.reduce((k, s) => k + s.checks.length, 0) + 1;
	const pending = sessions.some((s) => s.pending);
	return {
		cp,
		vkey,
		vkeyError,
		cpChecks,
		total,
		sessions,
		failed,
		n,
		outcome: !vkey ? 'fail' : failed === 0 ? (items.length ? 'pass' : 'empty') : pending && sessions.every((s) => s.outcome !== 'fail') ? 'pending' : 'fail',
	};
}

/* ---------- rendering ---------- */

/** The string of key, or of key.one when n is 1 ("in 1 session"). */
const tn = (key, n, vars) => t(Number(n) === 1 ? `${key}.one` : key, { ...vars, n });

/** The check that the total is the sum of the sessions. */
function totalCheck(cert, v) {
	return {
		id: 'total',
		title: 'cert.check.total.t',
		status: v.total.ok ? 'pass' : 'fail',
		detail: {
			key: v.total.ok ? `cert.check.total.pass${v.total.n === 1 ? '.one' : ''}` : 'cert.check.total.fail',
			vars: { sum: duration(v.total.sum), n: v.total.n, total: duration(cert.minutes), sessions: str(cert.sessions) },
		},
	};
}

function verdict(cert, v) {
	let status = 'unverified';
	let title;
	let line;
	if (v.outcome === 'pass') {
		status = 'ok';
		title = t('cert.v.pass.t');
		line = tn('cert.v.pass.d', v.sessions.length, { total: duration(cert.minutes), year: str(cert.year), size: v.cp.size.toString() });
	} else if (v.outcome === 'empty') {
		status = 'ok';
		title = t('cert.v.empty.t');
		line = t('cert.v.empty.d', { year: str(cert.year) });
	} else if (v.outcome === 'pending') {
		title = t('cert.v.pending.t');
		line = t('cert.v.pending.d');
	} else {
		title = t('cert.v.fail.t');
		line = v.vkey ? t('cert.v.fail.d', { failed: v.failed, n: v.n }) : t('receipt.v.nokey', { detail: errText(v.vkeyError) });
	}
	return verdictBox('cert-verdict', status, v.outcome, title, line);
}

const sessionVerdict = (s) => partVerdict(s.outcome, { verified: 'cert.session.verified', pending: 'cert.session.pending', unverified: 'cert.session.unverified' });

function summaryCard(cert, v) {
	const rows = v.sessions.map((s) => {
		const x = s.item;
		return h(
			'tr',
			{ class: 'session', dataset: { session: str(x.session), outcome: s.outcome } },
			h('td', null, h('time', { datetime: str(x.start) }, dayText(x.start))),
			h('td', { class: 'title' }, str(x.title || x.opportunity)),
			h('td', null, orgLabel(x.org, x.orgName)),
			h('td', null, timeRange(x.start, x.end, { utc: true })),
			h('td', { class: 'num minutes' }, duration(x.minutes)),
			h('td', { class: 'status' }, t(x.status === 'corrected' ? 'cert.status.corrected' : 'cert.status.confirmed')),
			h('td', null, (Array.isArray(x.entries) ? x.entries : []).flatMap((i, k) => (k ? [', ', entryLink(i)] : [entryLink(i)]))),
			h('td', null, sessionVerdict(s)),
		);
	});
	return h(
		'section',
		{ class: 'card', 'aria-labelledby': 'cert-h2' },
		h('h2', { id: 'cert-h2', tabindex: '-1' }, t('cert.h2', { year: str(cert.year) })),
		h('p', { class: 'cert-total', id: 'cert-total' }, v.sessions.length ? tn('cert.total', v.sessions.length, { total: duration(cert.minutes), year: str(cert.year) }) : t('cert.none', { year: str(cert.year) })),
		h('dl', { class: 'fields' }, h('dt', null, t('cert.f.ref')), h('dd', null, h('code', { class: 'hash', id: 'cert-ref-shown' }, str(cert.volunteer))), h('dt', null, t('cert.f.year')), h('dd', null, str(cert.year))),
		v.sessions.length
			? h(
					'div',
					{ class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'cert-caption' },
					h(
						'table',
						{ id: 'cert-table' },
						h('caption', { id: 'cert-caption' }, t('cert.caption')),
						h(
							'thead',
							null,
							h(
								'tr',
								null,
								['cert.col.date', 'cert.col.opportunity', 'cert.col.org', 'cert.col.time'].map((k) => h('th', { scope: 'col' }, t(k))),
								h('th', { scope: 'col', class: 'num' }, t('cert.col.hours')),
								['cert.col.status', 'cert.col.entries', 'cert.col.verified'].map((k) => h('th', { scope: 'col' }, t(k))),
							),
						),
						h('tbody', null, rows),
						h('tfoot', null, h('tr', null, h('th', { scope: 'row', colspan: '4' }, t('cert.col.total')), h('td', { class: 'num' }, duration(cert.minutes)), h('td', { colspan: '3' }))),
					),
				)
			: null,
		h('p', { class: 'muted' }, t('cert.names.note')),
	);
}

function proofCard(cert, v) {
	return h(
		'section',
		{ class: 'card', id: 'proof-section', 'aria-labelledby': 'proof-h2' },
		h('h2', { id: 'proof-h2' }, t('receipt.proof.h2')),
		h('p', null, t('cert.proof.intro')),
		h('p', { class: v.outcome === 'pass' || v.outcome === 'empty' ? 'outcome outcome-pass' : 'outcome outcome-fail', id: 'proof-outcome', dataset: { outcome: v.outcome } }, v.outcome === 'pass' || v.outcome === 'empty' ? t('cert.proof.pass', { n: v.n }) : t('cert.v.fail.d', { failed: v.failed, n: v.n })),
		keyAndCheckpoint(v, { vkeyId: 'cert-vkey', cpKey: 'cert.proof.cp' }),
		h('ul', { class: 'checks', id: 'cp-checks' }, [...v.cpChecks, totalCheck(cert, v)].map(renderCheck)),
		v.sessions.map((s) =>
			h(
				'div',
				{ class: 'proof-session', dataset: { session: str(s.item.session) } },
				h('h3', null, t('cert.proof.session', { n: str(s.item.session), title: str(s.item.title || s.item.opportunity) }), ' ', sessionVerdict(s)),
				h('ul', { class: 'checks' }, s.checks.map((c) => renderCheck(shown(c)))),
				h(
					'details',
					null,
					h('summary', null, t('cert.proof.raw', { n: str(s.item.session) })),
					s.raws.map(([i, raw]) => [h('p', null, entryLink(i)), h('pre', { class: 'entry-raw' }, raw ?? '—')]),
				),
			),
		),
		h('p', { class: 'muted' }, t('cert.proof.limits')),
	);
}

function render() {
	const out = $('cert-result');
	const status = $('cert-status');
	const r = state.result;
	const e = state.inputError;
	for (const id of ['cert-ref', 'cert-year']) {
		if (e && (e.field || 'cert-ref') === id) $(id).setAttribute('aria-invalid', 'true');
		else $(id).removeAttribute('aria-invalid');
	}
	$('cert-error').textContent = e ? t(e.key, e.vars) : '';
	out.setAttribute('aria-busy', r && r.loading ? 'true' : 'false');
	if (!r) {
		out.replaceChildren();
		status.textContent = '';
		return;
	}
	if (r.loading) {
		out.replaceChildren(h('p', { class: 'muted' }, t('cert.loading')));
		status.textContent = t('cert.loading');
		return;
	}
	if (r.error) {
		const text = t('cert.err', { detail: errText(r.error) });
		out.replaceChildren(h('p', { class: 'error', id: 'cert-load-error' }, text));
		status.textContent = text;
		return;
	}
	out.replaceChildren(verdict(r.cert, r.v), summaryCard(r.cert, r.v), proofCard(r.cert, r.v));
	status.textContent = `${$('cert-verdict').innerText} ${$('cert-total').textContent}`;
}

/* ---------- loading ---------- */

let seq = 0;

async function show(ref, year, { focus }) {
	const my = ++seq;
	state.inputError = null;
	if (!REF_RE.test(ref)) {
		state.inputError = { key: ref ? 'cert.err.ref' : 'cert.err.empty' };
		state.result = null;
		render();
		$('cert-ref').focus();
		return;
	}
	const url = new URL(globalThis.location.href);
	url.search = `?ref=${encodeURIComponent(ref)}${year ? `&year=${year}` : ''}`;
	history.replaceState(null, '', url);
	state.result = { loading: true };
	render();
	let cert;
	let vkey = null;
	let vkeyError = null;
	try {
		cert = await getJSON(`/api/v1/certificates/${encodeURIComponent(ref)}${year ? `?year=${year}` : ''}`);
		if (!cert || typeof cert !== 'object' || !Array.isArray(cert.items)) throw new Error(t('vol.err.answer'));
		({ vkey, vkeyError } = await loadVkey());
	} catch (e) {
		if (my !== seq) return;
		if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
			state.inputError = { key: 'cert.err.notfound', vars: { detail: errText(e) } };
			state.result = null;
		} else state.result = { error: e };
		render();
		return;
	}
	await Promise.all(
		cert.items.map(async (x) => {
			if (x && typeof x === 'object') x.orgName = await orgName(x.org);
		}),
	);
	const v = await verify(cert, vkey, vkeyError);
	if (my !== seq) return;
	$('cert-year').value = str(cert.year);
	state.result = { cert, v };
	render();
	if (focus) $('cert-h2').focus();
}

async function main() {
	initSite();
	onLangChange(render);
	const q = new URLSearchParams(globalThis.location.search);
	const ref = (q.get('ref') || '').trim();
	const yearParam = (q.get('year') || '').trim();
	const year = /^\d{4}$/.test(yearParam) ? yearParam : '';
	$('cert-ref').value = ref;
	$('cert-year').value = year || String(new Date().getUTCFullYear());
	$('cert-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const y = $('cert-year').value.trim();
		if (!/^\d{4}$/.test(y)) {
			state.inputError = { key: 'cert.err.year', field: 'cert-year' };
			render();
			$('cert-year').focus();
			return;
		}
		show($('cert-ref').value.trim(), y, { focus: true });
	});
	render();
	if (ref) await show(ref, year, { focus: false });
	document.documentElement.dataset.ready = 'true';
}

main();
