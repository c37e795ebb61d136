// The organisation's part of /volunteer beyond a slot's QR code: with the
// NGO's token (the one typed in the QR form, kept in sessionStorage only),
// its sign-ups to accept or decline, and its sessions whose hours it
// confirms, corrects or closes, with the volunteers' reasons for a dispute.
// Everything goes through the API: whoami, opportunities?org=,
// opportunities/{id}/signups, signups/{n}/decide, sessions, sessions/{n}/hours,
// sessions/{n}/disputes.

import { h } from './site.js';
import { t } from './i18n.js';
import { ApiError, requestJSON, errText, listOf, str } from './give.js';
import { duration, timeRange, signupBadge, sessionBadge, refText } from './vol.js';

const $ = (id) => document.getElementById(id);
const SESSION_KINDS = ['disputed', 'ended', 'open'];

const ngo = {
	token: '',
	org: null, // whoami's org
	error: null,
	opps: [], // the organisation's opportunities
	opp: '', // the one chosen
	signups: { pending: [], confirmed: [], error: null, loading: false },
	sessions: { disputed: [], ended: [], open: [], error: null, loading: false },
	names: new Map(), // sign-up number -> the volunteer's name, from the sign-up lists
	disputes: new Map(), // session -> [{reason, at}] or an error
	form: null, // { session, kind: 'correct'|'close' }
	formValues: { minutes: '', note: '' },
	formError: null, // { field, text }
	note: '', // the note given with decisions
	result: { signups: null, sessions: null }, // { ok, text }
};

const call = (method, path, body) => requestJSON(method, path, { token: ngo.token, body });

function refusal(e) {
	const detail = errText(e);
	return e instanceof ApiError && e.detail ? h('span', null, t('vol.refused'), h('span', { lang: 'en' }, detail)) : detail;
}

/* ---------- loading ---------- */

/** Start with the token typed in the QR form: who it is, its opportunities, its sessions. */
export async function openNgo(token) {
	ngo.token = token;
	ngo.org = null;
	ngo.error = null;
	ngo.opps = [];
	ngo.result = { signups: null, sessions: null };
	renderNgo();
	try {
		const who = (await call('GET', '/api/v1/whoami')).body || {};
		ngo.org = str(who.org);
		const list = (await call('GET', `/api/v1/opportunities?org=${encodeURIComponent(ngo.org)}&status=all&limit=1000`)).body;
		ngo.opps = listOf(list, 'opportunities');
		if (!ngo.opps.some((o) => o.id === ngo.opp)) ngo.opp = ngo.opps.length ? str(ngo.opps[0].id) : '';
	} catch (e) {
		ngo.error = e;
		renderNgo();
		$('ngo-error')?.focus();
		return false;
	}
	renderNgo();
	await Promise.all([loadSignups(), loadSessions()]);
	$('ngo-as')?.focus();
	return true;
}

async function loadSignups() {
	const s = ngo.signups;
	if (!ngo.opp) {
		s.pending = [];
		s.confirmed = [];
		renderNgo();
		return;
	}
	s.loading = true;
	s.error = null;
	renderNgo();
	try {
		const base = `/api/v1/opportunities/${encodeURIComponent(ngo.opp)}/signups?limit=1000&status=`;
		const [p, c] = await Promise.all([call('GET', `${base}pending`), call('GET', `${base}confirmed`)]);
		s.pending = listOf(p.body, 'signups');
		s.confirmed = listOf(c.body, 'signups');
		for (const x of [...s.pending, ...s.confirmed]) if (x.name) ngo.names.set(Number(x.signup), str(x.name));
	} catch (e) {
		s.error = e;
	}
	s.loading = false;
	renderNgo();
}

async function loadSessions() {
	const s = ngo.sessions;
	s.loading = true;
	s.error = null;
	renderNgo();
	try {
		const answers = await Promise.all(SESSION_KINDS.map((k) => call('GET', `/api/v1/sessions?status=${k}&limit=1000`)));
		SESSION_KINDS.forEach((k, i) => (s[k] = listOf(answers[i].body, 'sessions')));
		// Sessions give the volunteer's reference, not their name: the
		// confirmed sign-ups of each opportunity do.
		const opps = new Set(SESSION_KINDS.flatMap((k) => s[k]).filter((x) => !ngo.names.has(Number(x.signup))).map((x) => str(x.opportunity)));
		await Promise.all(
			[...opps].map((id) =>
				call('GET', `/api/v1/opportunities/${encodeURIComponent(id)}/signups?status=confirmed&limit=1000`)
					.then((r) => {
						for (const x of listOf(r.body, 'signups')) if (x.name) ngo.names.set(Number(x.signup), str(x.name));
					})
					.catch(() => {}),
			),
		);
		await Promise.all(
			s.disputed.map((x) =>
				call('GET', `/api/v1/sessions/${encodeURIComponent(str(x.session))}/disputes`)
					.then((r) => ngo.disputes.set(Number(x.session), listOf(r.body, 'disputes')))
					.catch((e) => ngo.disputes.set(Number(x.session), e)),
			),
		);
	} catch (e) {
		s.error = e;
	}
	s.loading = false;
	renderNgo();
}

/* ---------- actions ---------- */

async function decide(s, accept) {
	const who = s.name ? str(s.name) : t('vol.ngo.noName');
	const body = { accept };
	if (ngo.note.trim()) body.note = ngo.note.trim();
	let result;
	try {
		await call('POST', `/api/v1/signups/${encodeURIComponent(str(s.signup))}/decide`, body);
		result = { ok: true, text: t(accept ? 'vol.ngo.accepted' : 'vol.ngo.declined', { name: who, n: str(s.signup) }) };
		ngo.note = '';
	} catch (e) {
		result = { ok: false, text: refusal(e) };
	}
	// The answer is said once the lists show it.
	ngo.result.signups = null;
	await loadSignups();
	ngo.result.signups = result;
	renderNgo();
	$('ngo-signups-result')?.focus();
}

async function hours(x, body) {
	let result;
	try {
		const r = (await call('POST', `/api/v1/sessions/${encodeURIComponent(str(x.session))}/hours`, body)).body || {};
		result = { ok: true, text: t('vol.ngo.hoursDone', { n: str(x.session), time: duration(r.minutes), status: t(`vol.session.status.${r.status === 'corrected' ? 'corrected' : 'confirmed'}`) }) };
		ngo.form = null;
		ngo.formValues = { minutes: '', note: '' };
		ngo.formError = null;
	} catch (e) {
		result = { ok: false, text: refusal(e) };
	}
	ngo.result.sessions = null;
	await loadSessions();
	ngo.result.sessions = result;
	renderNgo();
	$('ngo-sessions-result')?.focus();
}

/* ---------- drawing ---------- */

function signupItem(s) {
	const who = s.name ? str(s.name) : t('vol.ngo.noName');
	const n = str(s.signup);
	const btn = (key, accept, cls) => {
		const b = h('button', { type: 'button', class: cls, dataset: { [accept ? 'accept' : 'decline']: n } }, t(key), h('span', { class: 'visually-hidden' }, ` ${who}, ${t('vol.signups.n', { n })}`));
		b.addEventListener('click', () => {
			b.disabled = true;
			decide(s, accept);
		});
		return b;
	};
	return h(
		'li',
		{ class: 'item', id: `ngo-signup-${n}`, dataset: { signup: n, status: str(s.status) } },
		h('p', { class: 'item-title' }, h('span', { class: 'ngo-name' }, who), ' ', signupBadge(s.status)),
		h('p', { class: 'muted' }, t('vol.ngo.slot', { slot: str(s.slot) }), ' · ', timeRange(s.start, s.end), ' · ', t('vol.signups.n', { n })),
		s.note ? h('p', null, t('vol.signups.note', { note: str(s.note) })) : null,
		h('div', { class: 'input-row' }, s.status === 'pending' ? btn('vol.ngo.accept', true, '') : null, btn('vol.ngo.decline', false, 'secondary')),
	);
}

function hoursForm(x, kind) {
	const id = `ngo-hours-${x.session}`;
	const err = ngo.formError;
	const minutes = h('input', { type: 'text', id: `${id}-minutes`, inputmode: 'numeric', maxlength: '4', class: 'short', 'aria-describedby': `${id}-minutes-error`, 'aria-invalid': err?.field === 'minutes' ? 'true' : null });
	const note = h('textarea', { id: `${id}-note`, rows: '2', maxlength: '500', 'aria-describedby': `${id}-note-hint ${id}-note-error`, 'aria-invalid': err?.field === 'note' ? 'true' : null });
	minutes.value = ngo.formValues.minutes;
	note.value = ngo.formValues.note;
	minutes.addEventListener('input', () => (ngo.formValues.minutes = minutes.value));
	note.addEventListener('input', () => (ngo.formValues.note = note.value));
	const cancel = h('button', { type: 'button', class: 'secondary' }, t('vol.dispute.cancel'));
	cancel.addEventListener('click', () => {
		ngo.form = null;
		ngo.formError = null;
		renderNgo();
		document.querySelector(`[data-${kind}="${x.session}"]`)?.focus();
	});
	const form = h(
		'form',
		{ class: 'vol-form ngo-hours-form', id, novalidate: true },
		h('div', { class: 'field' }, h('label', { for: `${id}-minutes` }, t('vol.ngo.minutes')), minutes, h('p', { class: 'error', id: `${id}-minutes-error` }, err?.field === 'minutes' ? err.text : '')),
		h(
			'div',
			{ class: 'field' },
			h('label', { for: `${id}-note` }, t('vol.ngo.note')),
			h('p', { class: 'hint', id: `${id}-note-hint` }, t('vol.ngo.note.hint')),
			note,
			h('p', { class: 'error', id: `${id}-note-error` }, err?.field === 'note' ? err.text : ''),
		),
		h('div', { class: 'input-row' }, h('button', { type: 'submit' }, t(kind === 'close' ? 'vol.ngo.close.submit' : 'vol.ngo.correct.submit')), cancel),
	);
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const m = minutes.value.trim();
		const text = note.value.trim();
		let bad = null;
		if (!/^\d{1,4}$/.test(m) || Number(m) > 1440) bad = { field: 'minutes', text: t('vol.ngo.minutes.bad') };
		else if (!text) bad = { field: 'note', text: t('vol.ngo.note.required') };
		if (bad) {
			ngo.formError = bad;
			renderNgo();
			$(`${id}-${bad.field}`)?.focus();
			return;
		}
		ngo.formError = null;
		hours(x, { minutes: Number(m), note: text });
	});
	return form;
}

function sessionItem(x) {
	const n = str(x.session);
	const name = ngo.names.get(Number(x.signup));
	const parts = [
		h('p', { class: 'item-title' }, str(x.title || x.opportunity), ' ', sessionBadge(x.status)),
		h('p', null, name ? h('span', { class: 'ngo-name' }, name) : t('vol.ngo.noName'), ' · ', refText(x.volunteer)),
		h('p', { class: 'muted' }, x.end ? timeRange(x.start, x.end) : t('vol.sessions.since', { time: timeRange(x.start) }), ' · ', t('vol.sessions.n', { n }), ' · ', t('vol.signups.n', { n: str(x.signup) })),
		x.minutes !== null && x.minutes !== undefined ? h('p', { class: 'session-hours' }, t('vol.ngo.checkedOut', { time: duration(x.minutes) })) : h('p', { class: 'session-hours' }, t('vol.sessions.open')),
		x.hours !== null && x.hours !== undefined ? h('p', null, t('vol.ngo.granted', { time: duration(x.hours) })) : null,
		x.note ? h('p', null, t('vol.ngo.yourNote', { note: str(x.note) })) : null,
	];
	if (x.status === 'disputed') {
		const d = ngo.disputes.get(Number(x.session));
		parts.push(
			h('p', { class: 'slots-label' }, t('vol.ngo.reasons')),
			d instanceof Error
				? h('p', { class: 'error' }, refusal(d))
				: d
					? h('ul', { class: 'ngo-reasons' }, d.map((r) => h('li', null, h('q', { class: 'ngo-reason' }, str(r.reason)), ' ', h('span', { class: 'muted' }, timeRange(r.at)))))
					: h('p', { class: 'muted' }, t('common.loading')),
		);
	}
	const open = ngo.form && ngo.form.session === x.session ? ngo.form.kind : null;
	const toggle = (kind, key) => {
		const b = h('button', { type: 'button', class: 'secondary', 'aria-expanded': open === kind ? 'true' : 'false', dataset: { [kind]: n } }, t(key), h('span', { class: 'visually-hidden' }, ` ${t('vol.sessions.n', { n })}`));
		b.addEventListener('click', () => {
			if (open === kind) ngo.form = null;
			else {
				ngo.form = { session: x.session, kind };
				ngo.formValues = { minutes: x.minutes !== null && x.minutes !== undefined ? String(x.minutes) : '', note: '' };
			}
			ngo.formError = null;
			renderNgo();
			if (ngo.form) $(`ngo-hours-${n}-minutes`)?.focus();
			else document.querySelector(`[data-${kind}="${n}"]`)?.focus();
		});
		return b;
	};
	const row = [];
	if (x.status === 'open') row.push(toggle('close', 'vol.ngo.close'));
	else {
		const c = h('button', { type: 'button', dataset: { confirm: n } }, t('vol.ngo.confirm', { time: duration(x.minutes) }), h('span', { class: 'visually-hidden' }, ` ${t('vol.sessions.n', { n })}`));
		c.addEventListener('click', () => {
			c.disabled = true;
			hours(x, {});
		});
		row.push(c, toggle('correct', 'vol.ngo.correct'));
	}
	parts.push(h('div', { class: 'input-row' }, row));
	if (open) parts.push(hoursForm(x, open));
	return h('li', { class: 'item', id: `ngo-session-${n}`, dataset: { session: n, status: str(x.status) } }, parts);
}

function resultLine(id, r) {
	return h('p', { id, class: r?.ok === false ? 'error' : 'status', role: 'status', tabindex: '-1' }, r ? r.text : '');
}

/** Draw the panel (again: after each answer, and when the language changes). */
export function renderNgo() {
	const out = $('ngo-body');
	if (!out) return;
	if (!ngo.token) {
		out.replaceChildren();
		return;
	}
	if (ngo.error) {
		out.setAttribute('aria-busy', 'false');
		out.replaceChildren(h('p', { class: 'error', id: 'ngo-error', tabindex: '-1' }, refusal(ngo.error)));
		return;
	}
	out.setAttribute('aria-busy', 'true');
	if (!ngo.org) {
		out.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
		return;
	}
	const select = h('select', { id: 'ngo-opp' }, ngo.opps.map((o) => h('option', { value: str(o.id) }, `${str(o.title)} (${str(o.id)})`)));
	select.value = ngo.opp;
	select.addEventListener('change', () => {
		ngo.opp = select.value;
		ngo.result.signups = null;
		loadSignups();
	});
	const note = h('input', { type: 'text', id: 'ngo-note', maxlength: '500', class: 'wide', 'aria-describedby': 'ngo-note-hint' });
	note.value = ngo.note;
	note.addEventListener('input', () => (ngo.note = note.value));
	const su = ngo.signups;
	const se = ngo.sessions;
	out.setAttribute('aria-busy', String(su.loading || se.loading));
	const list = (what, items, item, emptyKey) => {
		if (what.loading && !items.length) return h('p', { class: 'muted' }, t('common.loading'));
		if (what.error) return h('p', { class: 'error' }, refusal(what.error));
		if (!items.length) return h('p', { class: 'muted' }, t(emptyKey));
		return h('ul', { class: 'items' }, items.map(item));
	};
	const parts = [
		h('p', { id: 'ngo-as', class: 'ngo-as', tabindex: '-1' }, t('vol.ngo.as', { org: ngo.org })),
		h('h4', { id: 'ngo-signups-h4' }, t('vol.ngo.signups.h4')),
		ngo.opps.length
			? h(
					'div',
					{ class: 'vol-form' },
					h('div', { class: 'field' }, h('label', { for: 'ngo-opp' }, t('vol.ngo.opp')), select),
					h('div', { class: 'field' }, h('label', { for: 'ngo-note' }, t('vol.ngo.decideNote')), h('p', { class: 'hint', id: 'ngo-note-hint' }, t('vol.ngo.decideNote.hint')), note),
				)
			: h('p', { class: 'muted' }, t('vol.ngo.noOpps')),
		resultLine('ngo-signups-result', ngo.result.signups),
		ngo.opps.length ? [h('h5', { class: 'slots-label' }, t('vol.ngo.pending')), h('div', { id: 'ngo-pending' }, list(su, su.pending, signupItem, 'vol.ngo.none')), h('h5', { class: 'slots-label' }, t('vol.ngo.confirmed')), h('div', { id: 'ngo-confirmed' }, list(su, su.confirmed, signupItem, 'vol.ngo.none'))] : null,
		h('h4', { id: 'ngo-sessions-h4' }, t('vol.ngo.sessions.h4')),
		resultLine('ngo-sessions-result', ngo.result.sessions),
		SESSION_KINDS.map((k) => [h('h5', { class: 'slots-label' }, t(`vol.ngo.sessions.${k}`)), h('div', { id: `ngo-sessions-${k}` }, list(se, se[k], sessionItem, 'vol.ngo.none'))]),
	];
	out.replaceChildren(...parts.flat(Infinity).filter(Boolean));
}
