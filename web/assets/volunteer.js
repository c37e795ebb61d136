// Volunteering (/volunteer, /volunteer?code=GTV1.…): the board of open
// opportunities with their slots, registration, signing in with a
// volunteer's key, the matches explained, sign-ups, hours toward the year's
// goal, sessions and disputes, checking in and out with a slot's code, and
// for organisations a slot's check-in code drawn as a QR code.
//
// A volunteer's {id, key, ref} is kept in localStorage ("goodtrace.volunteer"):
// the key ("gv_…") is their bearer token for their own routes. An
// organisation's token is kept in sessionStorage only (this tab).

import { initSite, h } from './site.js';
import { t, onLangChange, locale } from './i18n.js';
import { ApiError, getJSON, requestJSON, errText, listOf, str, orgName, orgLabel } from './give.js';
import { loadTaxonomy, termName, termsSorted, duration, timeRange, clock, signupBadge, sessionBadge } from './vol.js';
import * as QR from './qr.js';
import { openNgo, renderNgo } from './vol-org.js';

const STORE = 'goodtrace.volunteer';
const ORG_TOKEN = 'goodtrace.orgToken';
const PAGE = 20;
const KEY_RE = /^gv_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;
const CODE_RE = /^GTV1\.\d+\.[^.\s]+\.[0-9a-f]{20}$/;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const $ = (id) => document.getElementById(id);

const state = {
	tax: null,
	taxError: null,
	me: null, // { id, key, ref } when signed in
	newKey: null, // the key just given, shown until kept
	profile: null,
	profileError: null,
	filters: { cause: '', remote: '' },
	board: { items: [], next: null, loading: false, error: null },
	matches: { items: [], total: 0, loading: false, error: null },
	signups: { items: [], loading: false, error: null },
	sessions: { items: [], loading: false, error: null },
	messages: new Map(), // list item id -> { ok, text }
	dispute: null, // the session whose dispute form is open
	disputeText: '', // and what is typed in it
	checkin: null, // { kind: 'in'|'out', ok, text }
	qr: null, // { qr, code, url, answer }
};

/* ---------- storage ---------- */

function loadMe() {
	try {
		const v = JSON.parse(localStorage.getItem(STORE) || 'null');
		if (v && typeof v.id === 'string' && KEY_RE.test(v.key) && typeof v.ref === 'string') return v;
	} catch {
		// nothing kept, or storage disabled
	}
	return null;
}

function saveMe(me) {
	try {
		if (me) localStorage.setItem(STORE, JSON.stringify(me));
		else localStorage.removeItem(STORE);
	} catch {
		// signed in for this page only
	}
	state.me = me;
}

const vcall = (method, path, body) => requestJSON(method, path, { token: state.me?.key, body });

/** A refusal or error as the reader sees it: the server's words (in English) after ours. */
function refusal(e) {
	const detail = errText(e);
	return e instanceof ApiError && e.detail ? h('span', null, t('vol.refused'), h('span', { lang: 'en' }, detail)) : detail;
}

/* ---------- the taxonomy in forms ---------- */

function options(select, kind, { any } = {}) {
	const value = select.value;
	const list = termsSorted(state.tax, kind).map((x) => h('option', { value: x.id }, termName(state.tax, kind, x.id)));
	if (any) list.unshift(h('option', { value: '', 'data-i18n': any }, t(any)));
	select.replaceChildren(...list);
	select.value = value;
	if (select.value !== value) select.value = any ? '' : select.options[0]?.value ?? '';
}

function skillRow(skill = '', level = 'intermediate') {
	const n = $('skill-rows').children.length + 1;
	const sid = `skill-${Date.now().toString(36)}-${n}`;
	const skillSel = h('select', { id: `${sid}-skill`, class: 'row-skill' });
	const levelSel = h('select', { id: `${sid}-level`, class: 'row-level' });
	const row = h(
		'li',
		{ class: 'row' },
		h('div', { class: 'field' }, h('label', { for: skillSel.id, class: 'row-label-skill' }), skillSel),
		h('div', { class: 'field' }, h('label', { for: levelSel.id, class: 'row-label-level' }), levelSel),
		h('button', { type: 'button', class: 'secondary row-remove' }),
	);
	options(skillSel, 'skills', { any: 'vol.f.skill.choose' });
	// Levels in their order, not alphabetical.
	levelSel.replaceChildren(...(state.tax?.levels || []).map((x) => h('option', { value: x.id }, termName(state.tax, 'levels', x.id))));
	if (skill) skillSel.value = skill;
	levelSel.value = level;
	row.querySelector('.row-remove').addEventListener('click', () => {
		row.remove();
		labelRows();
		$('skill-add').focus();
	});
	$('skill-rows').append(row);
	labelRows();
	return row;
}

function availRow(day = 'sat', from = '09:00', to = '17:00') {
	const n = $('avail-rows').children.length + 1;
	const aid = `avail-${Date.now().toString(36)}-${n}`;
	const daySel = h('select', { id: `${aid}-day`, class: 'row-day' }, DAYS.map((d) => h('option', { value: d })));
	const fromIn = h('input', { type: 'time', id: `${aid}-from`, class: 'row-from', value: from, required: true });
	const toIn = h('input', { type: 'time', id: `${aid}-to`, class: 'row-to', value: to, required: true, 'aria-describedby': `${aid}-error` });
	const row = h(
		'li',
		{ class: 'row' },
		h('div', { class: 'field' }, h('label', { for: daySel.id, class: 'row-label-day' }), daySel),
		h('div', { class: 'field' }, h('label', { for: fromIn.id, class: 'row-label-from' }), fromIn),
		h('div', { class: 'field' }, h('label', { for: toIn.id, class: 'row-label-to' }), toIn),
		h('button', { type: 'button', class: 'secondary row-remove' }),
		h('p', { class: 'error row-error', id: `${aid}-error` }),
	);
	daySel.value = day;
	row.querySelector('.row-remove').addEventListener('click', () => {
		row.remove();
		labelRows();
		$('avail-add').focus();
	});
	$('avail-rows').append(row);
	labelRows();
	return row;
}

/** The labels of the rows (numbered) and of the days, in the reader's language. */
function labelRows() {
	[...$('skill-rows').children].forEach((row, i) => {
		const n = i + 1;
		row.querySelector('.row-label-skill').textContent = t('vol.f.skill.n', { n });
		row.querySelector('.row-label-level').textContent = t('vol.f.level.n', { n });
		row.querySelector('.row-remove').textContent = t('vol.f.remove');
		row.querySelector('.row-remove').setAttribute('aria-label', t('vol.f.skill.remove', { n }));
		options(row.querySelector('.row-skill'), 'skills', { any: 'vol.f.skill.choose' });
		for (const o of row.querySelector('.row-level').options) o.textContent = termName(state.tax, 'levels', o.value);
	});
	[...$('avail-rows').children].forEach((row, i) => {
		const n = i + 1;
		row.querySelector('.row-label-day').textContent = t('vol.f.day.n', { n });
		row.querySelector('.row-label-from').textContent = t('vol.f.from');
		row.querySelector('.row-label-to').textContent = t('vol.f.to');
		row.querySelector('.row-remove').textContent = t('vol.f.remove');
		row.querySelector('.row-remove').setAttribute('aria-label', t('vol.f.avail.remove', { n }));
		for (const o of row.querySelector('.row-day').options) o.textContent = t(`vol.day.${o.value}`);
	});
}

function boxes(container, kind, name, checked = []) {
	const kept = new Set([...container.querySelectorAll('input:checked')].map((x) => x.value));
	const want = kept.size ? kept : new Set(checked);
	container.replaceChildren(
		...termsSorted(state.tax, kind).map((x) => {
			const id = `${name}-${x.id}`;
			return h(
				'div',
				{ class: 'box' },
				h('input', { type: 'checkbox', id, name, value: x.id, checked: want.has(x.id) }),
				h('label', { for: id }, termName(state.tax, kind, x.id)),
			);
		}),
	);
}

/** The browser's offset from UTC, as the API writes it: "+08:00". */
function utcOffset() {
	const off = -new Date().getTimezoneOffset();
	const a = Math.abs(off);
	return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

function renderForms() {
	if (!state.tax) return;
	options($('filter-cause'), 'causes', { any: 'vol.filter.anyCause' });
	labelRows();
	boxes($('lang-boxes'), 'languages', 'lang');
	boxes($('cause-boxes'), 'causes', 'cause');
	$('avail-hint').textContent = t('vol.f.avail.hint', { zone: `UTC${utcOffset()}` });
}

/* ---------- registration and signing in ---------- */

function fieldError(id, key, vars) {
	const input = $(id);
	const err = $(`${id}-error`);
	if (key) input.setAttribute('aria-invalid', 'true');
	else input.removeAttribute('aria-invalid');
	if (err) err.textContent = key ? t(key, vars) : '';
	return key ? input : null;
}

/** The registration form as the API's body, or null with the errors shown (focus on the first). */
function readJoinForm() {
	const bad = [];
	const num = (id) => $(id).value.trim().replace(',', '.');
	const year = new Date().getFullYear();
	const body = { utc_offset: utcOffset() };
	const name = $('join-name').value.trim();
	if (name) body.name = name;

	const birth = num('join-birth');
	let e = null;
	if (birth && !(/^\d{4}$/.test(birth) && Number(birth) >= 1900 && Number(birth) <= year)) e = fieldError('join-birth', 'vol.err.birth', { year });
	else fieldError('join-birth', null);
	if (e) bad.push(e);
	if (birth && !e) body.birth_year = Number(birth);

	const lat = num('join-lat');
	const lon = num('join-lon');
	const isNum = (s) => /^[-+]?\d+(\.\d+)?$/.test(s);
	e = lat && !(isNum(lat) && Math.abs(Number(lat)) <= 90) ? fieldError('join-lat', 'vol.err.lat') : !lat && lon ? fieldError('join-lat', 'vol.err.both') : fieldError('join-lat', null);
	if (e) bad.push(e);
	e = lon && !(isNum(lon) && Math.abs(Number(lon)) <= 180) ? fieldError('join-lon', 'vol.err.lon') : lat && !lon ? fieldError('join-lon', 'vol.err.both') : fieldError('join-lon', null);
	if (e) bad.push(e);
	if (lat && lon && !bad.length) body.home = { latitude: Number(lat), longitude: Number(lon) };

	const radius = num('join-radius');
	e = radius && !(/^\d{1,3}$/.test(radius) && Number(radius) <= 500) ? fieldError('join-radius', 'vol.err.radius') : fieldError('join-radius', null);
	if (e) bad.push(e);
	else if (radius) body.radius_km = Number(radius);

	const goal = num('join-goal');
	e = goal && !(/^\d{1,4}$/.test(goal) && Number(goal) >= 1 && Number(goal) <= 2000) ? fieldError('join-goal', 'vol.err.goal') : fieldError('join-goal', null);
	if (e) bad.push(e);
	else if (goal) body.goal_hours = Number(goal);

	// Skills: each once (the last level given wins).
	const skills = new Map();
	for (const row of $('skill-rows').children) skills.set(row.querySelector('.row-skill').value, row.querySelector('.row-level').value);
	body.skills = [...skills].filter(([s]) => s).map(([skill, level]) => ({ skill, level }));

	body.availability = [];
	for (const row of $('avail-rows').children) {
		const from = row.querySelector('.row-from');
		const to = row.querySelector('.row-to');
		const err = row.querySelector('.row-error');
		const ok = /^\d{2}:\d{2}$/.test(from.value) && /^\d{2}:\d{2}$/.test(to.value) && to.value > from.value;
		to.toggleAttribute('aria-invalid', !ok);
		if (!ok) to.setAttribute('aria-invalid', 'true');
		err.textContent = ok ? '' : t('vol.err.avail');
		if (!ok) bad.push(to);
		else body.availability.push({ day: row.querySelector('.row-day').value, from: from.value, to: to.value });
	}
	body.languages = [...$('lang-boxes').querySelectorAll('input:checked')].map((x) => x.value);
	body.causes = [...$('cause-boxes').querySelectorAll('input:checked')].map((x) => x.value);
	body.discoverable = $('join-discoverable').checked;
	if (bad.length) {
		$('join-error').textContent = t('vol.err.form', { n: bad.length });
		bad[0].focus();
		return null;
	}
	return body;
}

async function register(ev) {
	ev.preventDefault();
	$('join-error').textContent = '';
	const body = readJoinForm();
	if (!body) return;
	$('join-submit').disabled = true;
	try {
		const r = await requestJSON('POST', '/api/v1/volunteers', { body });
		const { id, key, ref } = r.body || {};
		if (typeof id !== 'string' || !KEY_RE.test(str(key)) || typeof ref !== 'string') throw new Error(t('vol.err.answer'));
		saveMe({ id, key, ref });
		state.newKey = key;
		$('join-form').reset();
		await signedIn();
		$('key-h3').focus();
	} catch (e) {
		$('join-error').replaceChildren(refusal(e));
	} finally {
		$('join-submit').disabled = false;
	}
}

async function signIn(ev) {
	ev.preventDefault();
	const input = $('signin-key');
	const key = input.value.trim();
	const m = KEY_RE.exec(key);
	const fail = (node) => {
		input.setAttribute('aria-invalid', 'true');
		$('signin-error').replaceChildren(node);
		input.focus();
	};
	if (!m) return fail(t(key ? 'vol.signin.invalid' : 'vol.signin.empty'));
	input.removeAttribute('aria-invalid');
	$('signin-error').textContent = '';
	const id = `v${m[1]}`;
	try {
		const r = await requestJSON('GET', `/api/v1/volunteers/${id}`, { token: key });
		const ref = r.body && r.body.ref;
		if (typeof ref !== 'string') throw new Error(t('vol.err.answer'));
		saveMe({ id, key, ref });
		input.value = '';
		state.profile = r.body;
		await signedIn();
		$('me-h2').focus();
	} catch (e) {
		if (e instanceof ApiError && (e.status === 401 || e.status === 403)) fail(t('vol.signin.refused'));
		else fail(refusal(e));
	}
}

function signOut() {
	saveMe(null);
	state.newKey = null;
	state.profile = null;
	state.matches.items = [];
	state.signups.items = [];
	state.sessions.items = [];
	renderAll();
	$('join-h2').focus();
}

async function signedIn() {
	renderAll();
	await Promise.all([loadProfile(), loadMatches({ more: false }), loadSignups(), loadSessions()]);
}

/* ---------- my volunteering ---------- */

async function loadProfile() {
	if (!state.me) return;
	try {
		state.profile = (await vcall('GET', `/api/v1/volunteers/${encodeURIComponent(state.me.id)}`)).body;
		state.profileError = null;
	} catch (e) {
		state.profileError = e;
	}
	renderMe();
}

async function loadSignups() {
	if (!state.me) return;
	state.signups.loading = true;
	try {
		const r = await vcall('GET', `/api/v1/volunteers/${encodeURIComponent(state.me.id)}/signups?limit=100`);
		state.signups.items = listOf(r.body, 'signups');
		state.signups.error = null;
	} catch (e) {
		state.signups.error = e;
	}
	state.signups.loading = false;
	renderMe();
	renderLists(); // the slots I am signed up for
}

async function loadSessions() {
	if (!state.me) return;
	state.sessions.loading = true;
	try {
		const r = await vcall('GET', `/api/v1/volunteers/${encodeURIComponent(state.me.id)}/sessions?limit=100`);
		// Newest first.
		state.sessions.items = listOf(r.body, 'sessions').sort((a, b) => Number(b.session) - Number(a.session));
		state.sessions.error = null;
	} catch (e) {
		state.sessions.error = e;
	}
	state.sessions.loading = false;
	renderMe();
}

function progressBlock(p) {
	const minutes = Number(p.minutes) || 0;
	const goal = Number(p.goal_minutes) || 0;
	const pct = goal > 0 ? Math.min(100, Math.round((minutes / goal) * 100)) : 0;
	const text = t(p.reached ? 'vol.progress.reached' : 'vol.progress', {
		done: duration(minutes),
		goal: duration(goal),
		percent: new Intl.NumberFormat(locale(), { style: 'percent' }).format(pct / 100),
		n: Number(p.sessions) || 0,
	});
	return h(
		'div',
		{ class: 'goal', id: 'my-progress' },
		h('progress', { max: String(goal || 1), value: String(Math.min(minutes, goal || 1)), 'aria-labelledby': 'hours-h3', 'aria-describedby': 'my-progress-text', class: 'goal-bar' }),
		h('p', { class: 'goal-text', id: 'my-progress-text' }, text),
		h('p', { class: 'muted' }, t('vol.progress.sessions', { n: Number(p.sessions) || 0 })),
	);
}

function signupItem(s) {
	const id = `signup-${s.signup}`;
	const msg = state.messages.get(id);
	// Once checked in, a sign-up can no longer be cancelled.
	const hasSession = state.sessions.items.some((x) => Number(x.signup) === Number(s.signup));
	const cancellable = (s.status === 'pending' || s.status === 'confirmed') && !hasSession;
	const btn = cancellable
		? h('button', { type: 'button', class: 'secondary', dataset: { cancel: str(s.signup) } }, t('vol.signups.cancel'), h('span', { class: 'visually-hidden' }, ` ${str(s.title || s.opportunity)}`))
		: null;
	btn?.addEventListener('click', () => cancelSignup(s, btn));
	return h(
		'li',
		{ class: 'item', id, dataset: { signup: str(s.signup), status: str(s.status) } },
		h('p', { class: 'item-title' }, str(s.title || s.opportunity), ' ', signupBadge(s.status)),
		h('p', { class: 'muted' }, timeRange(s.start, s.end), ' · ', t('vol.signups.n', { n: str(s.signup) })),
		s.note ? h('p', null, t('vol.signups.note', { note: str(s.note) })) : null,
		btn,
		h('p', { class: msg?.ok === false ? 'error' : 'status', role: 'status', id: `${id}-msg`, tabindex: '-1' }, msg ? msg.text : ''),
	);
}

async function cancelSignup(s, btn) {
	btn.disabled = true;
	const id = `signup-${s.signup}`;
	try {
		await vcall('POST', `/api/v1/signups/${encodeURIComponent(str(s.signup))}/cancel`, {});
		state.messages.set(id, { ok: true, text: t('vol.signups.cancelled', { title: str(s.title || s.opportunity) }) });
	} catch (e) {
		state.messages.set(id, { ok: false, text: refusal(e) });
	}
	await loadSignups();
	await reloadShown();
	$(`${id}-msg`)?.focus();
}

function sessionItem(s) {
	const id = `session-${s.session}`;
	const msg = state.messages.get(id);
	const canDispute = ['ended', 'confirmed', 'corrected'].includes(s.status);
	const open = state.dispute === s.session;
	const parts = [
		h('p', { class: 'item-title' }, str(s.title || s.opportunity), ' ', sessionBadge(s.status)),
		h('p', { class: 'muted' }, s.end ? timeRange(s.start, s.end) : t('vol.sessions.since', { time: timeRange(s.start) }), ' · ', t('vol.sessions.n', { n: str(s.session) })),
		h(
			'p',
			{ class: 'session-hours' },
			s.hours !== null && s.hours !== undefined
				? t('vol.sessions.hours', { time: duration(s.hours) })
				: s.minutes !== null && s.minutes !== undefined
					? t('vol.sessions.minutes', { time: duration(s.minutes) })
					: t('vol.sessions.open'),
		),
		s.note ? h('p', null, t('vol.sessions.note', { note: str(s.note) })) : null,
	];
	if (canDispute && !open) {
		const b = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', dataset: { dispute: str(s.session) } }, t('vol.dispute.open'), h('span', { class: 'visually-hidden' }, ` ${t('vol.sessions.n', { n: str(s.session) })}`));
		b.addEventListener('click', () => {
			if (state.dispute !== s.session) state.disputeText = '';
			state.dispute = s.session;
			renderMe();
			$(`dispute-${s.session}-reason`)?.focus();
		});
		parts.push(b);
	}
	if (open) parts.push(disputeForm(s));
	parts.push(h('p', { class: msg?.ok === false ? 'error' : 'status', role: 'status', id: `${id}-msg`, tabindex: '-1' }, msg ? msg.text : ''));
	return h('li', { class: 'item', id, dataset: { session: str(s.session), status: str(s.status) } }, parts);
}

function disputeForm(s) {
	const rid = `dispute-${s.session}-reason`;
	const form = h(
		'form',
		{ class: 'vol-form dispute-form', novalidate: true },
		h('label', { for: rid }, t('vol.dispute.reason')),
		h('p', { class: 'hint', id: `${rid}-hint` }, t('vol.dispute.hint')),
		h('textarea', { id: rid, rows: '3', maxlength: '500', 'aria-describedby': `${rid}-hint ${rid}-error` }),
		h('p', { class: 'error', id: `${rid}-error` }),
		h('div', { class: 'input-row' }, h('button', { type: 'submit' }, t('vol.dispute.submit')), h('button', { type: 'button', class: 'secondary dispute-cancel' }, t('vol.dispute.cancel'))),
	);
	// What is typed survives the list being drawn again (after another action).
	const ta = form.querySelector('textarea');
	ta.value = state.disputeText;
	ta.addEventListener('input', () => (state.disputeText = ta.value));
	form.querySelector('.dispute-cancel').addEventListener('click', () => {
		state.dispute = null;
		state.disputeText = '';
		renderMe();
		document.querySelector(`[data-dispute="${s.session}"]`)?.focus();
	});
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const ta = $(rid);
		const reason = ta.value.trim();
		if (!reason) {
			ta.setAttribute('aria-invalid', 'true');
			$(`${rid}-error`).textContent = t('vol.dispute.empty');
			ta.focus();
			return;
		}
		const id = `session-${s.session}`;
		try {
			await vcall('POST', `/api/v1/sessions/${encodeURIComponent(str(s.session))}/dispute`, { reason });
			state.messages.set(id, { ok: true, text: t('vol.dispute.sent') });
			state.dispute = null;
			state.disputeText = '';
		} catch (e) {
			state.messages.set(id, { ok: false, text: refusal(e) });
		}
		await loadSessions();
		$(`${id}-msg`)?.focus();
	});
	return form;
}

function renderMe() {
	const body = $('me-body');
	if (!state.me) {
		body.replaceChildren();
		return;
	}
	const p = state.profile;
	const year = p?.progress?.year ?? new Date().getUTCFullYear();
	const certHref = `/volunteer/certificate?ref=${encodeURIComponent(state.me.ref)}&year=${year}`;
	const signOutBtn = h('button', { type: 'button', class: 'secondary', id: 'sign-out' }, t('vol.me.signout'));
	signOutBtn.addEventListener('click', signOut);
	const copyKey = h('button', { type: 'button', class: 'secondary', id: 'key-copy-again' }, t('vol.key.copy'));
	copyKey.addEventListener('click', () => copy(state.me.key, 'key-again-status'));
	const list = (what, items, item, emptyKey) => {
		if (what.loading && !items.length) return h('p', { class: 'muted' }, t('common.loading'));
		if (what.error) return h('p', { class: 'error' }, refusal(what.error));
		if (!items.length) return h('p', { class: 'muted' }, t(emptyKey));
		return h('ul', { class: 'items' }, items.map(item));
	};
	body.replaceChildren(
		h('p', null, p?.name ? t('vol.me.hello', { name: str(p.name) }) : t('vol.me.helloAnon')),
		h('dl', { class: 'fields compact' }, h('dt', null, t('vol.me.ref')), h('dd', null, h('code', { class: 'hash', id: 'my-ref' }, state.me.ref))),
		h(
			'details',
			{ class: 'my-key' },
			h('summary', null, t('vol.me.key.show')),
			h('p', { class: 'muted' }, t('vol.me.key.note')),
			h('p', { class: 'keyline' }, h('code', { class: 'hash' }, state.me.key)),
			copyKey,
			h('p', { class: 'status', role: 'status', id: 'key-again-status' }),
		),
		h('p', { class: 'hint' }, t('vol.me.signout.hint')),
		signOutBtn,
		h('h3', { id: 'hours-h3' }, t('vol.hours.h3', { year })),
		state.profileError ? h('p', { class: 'error' }, refusal(state.profileError)) : p?.progress ? progressBlock(p.progress) : h('p', { class: 'muted' }, t('common.loading')),
		h('p', null, h('a', { href: certHref, id: 'cert-link' }, t('vol.cert.link', { year }))),
		h('h3', { id: 'signups-h3' }, t('vol.signups.h3')),
		list(state.signups, state.signups.items, signupItem, 'vol.signups.none'),
		h('h3', { id: 'sessions-h3' }, t('vol.sessions.h3')),
		list(state.sessions, state.sessions.items, sessionItem, 'vol.sessions.none'),
	);
}

/* ---------- opportunities: the board and the matches ---------- */

/** The opportunity with its slots: the list does not give them, GET /api/v1/opportunities/{id} does. */
async function withSlots(o) {
	if (Array.isArray(o.slots) && o.slots.every((s) => s && s.taken !== undefined)) return o;
	try {
		return { ...o, ...(await getJSON(`/api/v1/opportunities/${encodeURIComponent(str(o.id))}`)) };
	} catch {
		return { ...o, slots: Array.isArray(o.slots) ? o.slots : [] };
	}
}

async function named(o) {
	o.orgName = await orgName(o.org);
	return o;
}

function filterParams() {
	const p = new URLSearchParams();
	if (state.filters.cause) p.set('cause', state.filters.cause);
	if (state.filters.remote) p.set('remote', state.filters.remote);
	return p;
}

let boardSeq = 0;
async function loadBoard({ more, keep = false }) {
	const my = ++boardSeq;
	const b = state.board;
	const params = filterParams();
	// Again (keep): as many as shown, the list staying in place meanwhile.
	params.set('limit', String(keep ? Math.min(100, Math.max(PAGE, b.items.length)) : PAGE));
	if (more && b.next !== null) params.set('before', String(b.next));
	b.loading = !keep;
	b.error = null;
	if (!more && !keep) b.items = [];
	renderLists();
	try {
		const body = await getJSON(`/api/v1/opportunities?${params}`);
		const list = await Promise.all(listOf(body, 'opportunities').filter((o) => o && typeof o === 'object').map((o) => withSlots(o).then(named)));
		if (my !== boardSeq) return;
		b.items = more ? [...b.items, ...list] : list;
		const next = body && !Array.isArray(body) ? body.next_before : null;
		b.next = next !== null && next !== undefined ? next : null;
	} catch (e) {
		if (my !== boardSeq) return;
		b.error = e;
	}
	b.loading = false;
	renderLists();
}

let matchSeq = 0;
async function loadMatches({ more, keep = false }) {
	if (!state.me) return;
	const my = ++matchSeq;
	const m = state.matches;
	const params = filterParams();
	params.set('limit', String(keep ? Math.min(100, Math.max(PAGE, m.items.length)) : PAGE));
	params.set('offset', String(more ? m.items.length : 0));
	m.loading = !keep;
	m.error = null;
	if (!more && !keep) m.items = [];
	renderLists();
	try {
		const r = await vcall('GET', `/api/v1/volunteers/${encodeURIComponent(state.me.id)}/matches?${params}`);
		const list = await Promise.all(listOf(r.body, 'matches').filter((x) => x && x.opportunity).map(async (x) => ({ ...x, opportunity: await named(await withSlots(x.opportunity)) })));
		if (my !== matchSeq) return;
		m.items = more ? [...m.items, ...list] : list;
		m.total = Number(r.body?.total) || m.items.length;
	} catch (e) {
		if (my !== matchSeq) return;
		m.error = e;
	}
	m.loading = false;
	renderLists();
}

/** Reload the lists that show places taken (after a sign-up or a cancellation). */
async function reloadShown() {
	await Promise.all([loadBoard({ more: false, keep: true }), loadMatches({ more: false, keep: true })]);
}

/** My active sign-up for a slot, if any. */
function mySignup(opp, slot) {
	return state.signups.items.find((s) => s.opportunity === opp && s.slot === slot && (s.status === 'pending' || s.status === 'confirmed'));
}

function slotItem(o, s, prefix) {
	const taken = Number(s.taken) || 0;
	const cap = Number(s.capacity) || 0;
	const ended = new Date(s.end).getTime() <= Date.now();
	const mine = state.me ? mySignup(o.id, s.id) : null;
	const when = timeRange(s.start, s.end);
	let action = null;
	if (mine) action = h('span', { class: 'slot-mine' }, t('vol.slot.mine'), ' ', signupBadge(mine.status));
	else if (ended) action = h('span', { class: 'muted' }, t('vol.slot.ended'));
	else if (state.me && o.status !== 'closed') {
		action = h('button', { type: 'button', class: 'slot-signup', dataset: { opportunity: str(o.id), slot: str(s.id) } }, t('vol.slot.signup'), h('span', { class: 'visually-hidden' }, ` ${str(o.title)}, ${when}`));
		action.addEventListener('click', () => signUp(o, s, `${prefix}-${o.id}`, action));
	}
	return h(
		'li',
		{ class: 'slot', dataset: { slot: str(s.id) } },
		h('span', { class: 'slot-when' }, when),
		h('span', { class: 'slot-places' }, t(taken >= cap ? 'vol.slot.full' : 'vol.slot.places', { taken, capacity: cap })),
		action,
	);
}

function skillsText(o) {
	const list = Array.isArray(o.skills) ? o.skills : [];
	return list.map((s) => t('vol.opp.skill', { skill: termName(state.tax, 'skills', s.skill), level: termName(state.tax, 'levels', s.level) })).join(t('vol.list.sep'));
}

function explainList(m) {
	const e = m.explain || {};
	const sk = e.skill || {};
	const di = e.distance || {};
	const av = e.availability || {};
	const row = (key, weight, score, why) =>
		h('li', { dataset: { part: key } }, h('strong', null, t(`vol.explain.${key}`)), ' ', h('span', { class: 'explain-score' }, t('vol.explain.score', { score: str(score), weight })), t('common.colon'), why);
	let skillWhy;
	if (Number(sk.required) > 0) {
		skillWhy = t('vol.explain.skill.covered', { covered: str(sk.covered), required: str(sk.required) });
		if (Number(sk.below_level) > 0) skillWhy += t('vol.explain.skill.below', { n: str(sk.below_level) });
	} else skillWhy = t(Number(sk.welcome_held) > 0 ? 'vol.explain.skill.welcome' : 'vol.explain.skill.none');
	if (Number(sk.required) > 0 && Number(sk.welcome_held) > 0) skillWhy += t('vol.explain.skill.alsoWelcome', { n: str(sk.welcome_held) });
	const distWhy = di.km === null || di.km === undefined ? t('vol.explain.distance.remote') : t('vol.explain.distance.km', { km: str(di.km) });
	const availWhy = Number(av.slot_hours) > 0 ? t('vol.explain.availability.fit', { fit: str(av.fit_hours), slot: str(av.slot_hours) }) : t('vol.explain.availability.none');
	const cs = Number(e.cause?.score);
	const causeWhy = t(cs >= 100 ? 'vol.explain.cause.yes' : cs >= 50 ? 'vol.explain.cause.none' : 'vol.explain.cause.no', { cause: termName(state.tax, 'causes', m.opportunity.cause) });
	const langWhy = t(Number(e.language?.score) >= 100 ? 'vol.explain.language.yes' : 'vol.explain.language.no');
	return h(
		'div',
		{ class: 'explain' },
		h('p', { class: 'match-score' }, h('strong', null, t('vol.match.score', { score: str(m.score) }))),
		h(
			'ul',
			{ class: 'explain-list', 'aria-label': t('vol.explain.label', { score: str(m.score) }) },
			row('skill', 40, sk.score, skillWhy),
			row('distance', 20, di.score, distWhy),
			row('availability', 20, av.score, availWhy),
			row('cause', 10, e.cause?.score, causeWhy),
			row('language', 10, e.language?.score, langWhy),
		),
	);
}

function oppCard(o, prefix, match) {
	const id = `${prefix}-${o.id}`;
	const msg = state.messages.get(id);
	const welcome = Array.isArray(o.welcome) && o.welcome.length ? o.welcome.map((s) => termName(state.tax, 'skills', s)).join(t('vol.list.sep')) : null;
	const langs = Array.isArray(o.languages) && o.languages.length ? o.languages.map((l) => termName(state.tax, 'languages', l)).join(t('vol.list.sep')) : null;
	const where = o.remote ? t('vol.opp.remote') : o.place ? str(o.place.venue || t('vol.opp.place', { lat: str(o.place.latitude), lon: str(o.place.longitude) })) : null;
	const rows = [
		['vol.opp.org', orgLabel(o.org, o.orgName)],
		['vol.opp.cause', o.cause ? termName(state.tax, 'causes', o.cause) : null],
		['vol.opp.where', where],
		['vol.opp.skills', skillsText(o) || t('vol.opp.noSkills')],
		['vol.opp.welcome', welcome],
		['vol.opp.languages', langs],
		['vol.opp.minAge', o.min_age ? t('vol.opp.years', { n: str(o.min_age) }) : null],
		['vol.opp.project', o.project ? t('vol.opp.projectText', { deliverable: str(o.project.deliverable), weeks: str(o.project.weeks) }) : null],
	].filter(([, v]) => v !== null && v !== '');
	const slots = Array.isArray(o.slots) ? o.slots : [];
	return h(
		'li',
		{ class: 'opp-card', id, dataset: { id: str(o.id) } },
		h('h4', { class: 'opp-title' }, str(o.title || o.id)),
		match ? explainList(match) : null,
		o.description ? h('p', { class: 'opp-description' }, str(o.description)) : null,
		h('dl', { class: 'fields compact' }, rows.flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)])),
		h('p', { class: 'slots-label', id: `${id}-slots` }, t('vol.opp.slots')),
		slots.length ? h('ul', { class: 'slots', 'aria-labelledby': `${id}-slots` }, slots.map((s) => slotItem(o, s, prefix))) : h('p', { class: 'muted' }, t('vol.opp.noSlots')),
		!state.me ? h('p', { class: 'hint' }, t('vol.opp.signInFirst')) : null,
		h('p', { class: msg?.ok === false ? 'error' : 'status', role: 'status', id: `${id}-msg`, tabindex: '-1' }, msg ? msg.text : ''),
	);
}

async function signUp(o, s, msgId, btn) {
	btn.disabled = true;
	try {
		const r = await vcall('POST', `/api/v1/opportunities/${encodeURIComponent(str(o.id))}/signups`, { slot: s.id });
		state.messages.set(msgId, { ok: true, text: t('vol.signup.done', { title: str(o.title), when: timeRange(s.start, s.end), n: str(r.body?.signup) }) });
	} catch (e) {
		state.messages.set(msgId, { ok: false, text: refusal(e) });
	}
	await loadSignups();
	await reloadShown();
	$(`${msgId}-msg`)?.focus();
}

function renderLists() {
	const b = state.board;
	const board = $('board-body');
	board.setAttribute('aria-busy', b.loading ? 'true' : 'false');
	const parts = [];
	if (b.items.length) parts.push(h('ul', { class: 'opp-list', id: 'board-list' }, b.items.map((o) => oppCard(o, 'b'))));
	if (b.loading) parts.push(h('p', { class: 'muted' }, t('common.loading')));
	else if (b.error) parts.push(h('p', { class: 'error', id: 'board-error' }, t('vol.board.err', { detail: errText(b.error) })));
	else if (!b.items.length) parts.push(h('p', { class: 'muted', id: 'board-empty' }, t('vol.board.empty')));
	board.replaceChildren(...parts);
	$('board-more').hidden = b.loading || !!b.error || b.next === null;

	const m = state.matches;
	$('matches-block').hidden = !state.me;
	const mb = $('matches-body');
	mb.setAttribute('aria-busy', m.loading ? 'true' : 'false');
	const mp = [];
	if (m.items.length) mp.push(h('ul', { class: 'opp-list', id: 'match-list' }, m.items.map((x) => oppCard(x.opportunity, 'm', x))));
	if (m.loading) mp.push(h('p', { class: 'muted' }, t('common.loading')));
	else if (m.error) mp.push(h('p', { class: 'error', id: 'matches-error' }, refusal(m.error)));
	else if (!m.items.length) mp.push(h('p', { class: 'muted', id: 'matches-empty' }, t('vol.matches.none')));
	mb.replaceChildren(...mp);
	$('matches-more').hidden = m.loading || !!m.error || m.items.length >= m.total;
}

/* ---------- check-in and check-out ---------- */

function codeFromAddress() {
	const c = new URLSearchParams(globalThis.location.search).get('code');
	return c === null ? null : c.trim();
}

function renderCheckin() {
	const code = codeFromAddress();
	const section = $('checkin-section');
	section.hidden = code === null || code === '';
	if (section.hidden) return;
	const body = $('checkin-body');
	const valid = CODE_RE.test(code);
	const parts = [h('p', null, t('vol.checkin.code'), h('code', { class: 'hash', id: 'checkin-code' }, code))];
	if (!valid) parts.push(h('p', { class: 'error', id: 'checkin-invalid' }, t('vol.checkin.invalid')));
	else if (!state.me) parts.push(h('p', { id: 'checkin-signin' }, t('vol.checkin.signin'), ' ', h('a', { href: '#join-h2' }, t('vol.checkin.signinLink'))));
	else {
		parts.push(h('p', null, t('vol.checkin.intro')));
		const inBtn = h('button', { type: 'button', id: 'checkin-btn' }, t('vol.checkin.in'));
		const outBtn = h('button', { type: 'button', id: 'checkout-btn', class: 'secondary' }, t('vol.checkin.out'));
		inBtn.addEventListener('click', () => check('in', code));
		outBtn.addEventListener('click', () => check('out', code));
		parts.push(h('div', { class: 'actions' }, inBtn, outBtn));
	}
	body.replaceChildren(...parts);
	const r = state.checkin;
	const res = $('checkin-result');
	res.className = r && !r.ok ? 'error' : 'status';
	res.replaceChildren(r ? r.text : '');
	res.dataset.outcome = r ? (r.ok ? `${r.kind}-ok` : `${r.kind}-refused`) : '';
}

async function check(kind, code) {
	for (const b of ['checkin-btn', 'checkout-btn']) if ($(b)) $(b).disabled = true;
	try {
		const r = await vcall('POST', kind === 'in' ? '/api/v1/checkins' : '/api/v1/checkouts', { code });
		const a = r.body || {};
		state.checkin =
			kind === 'in'
				? { kind, ok: true, text: t('vol.checkin.inDone', { time: clock(a.checked_in), n: str(a.session) }) }
				: { kind, ok: true, text: t('vol.checkin.outDone', { time: clock(a.checked_out), minutes: duration(a.minutes), n: str(a.session) }) };
	} catch (e) {
		state.checkin = { kind, ok: false, text: refusal(e) };
	}
	renderCheckin();
	$('checkin-result').focus();
	await Promise.all([loadSessions(), loadProfile()]);
}

/* ---------- the QR code of a slot, for organisations ---------- */

function orgToken() {
	try {
		return sessionStorage.getItem(ORG_TOKEN) || '';
	} catch {
		return '';
	}
}

const SVG = 'http://www.w3.org/2000/svg';

function qrSvg(qr, label) {
	const border = 4;
	const n = qr.size + 2 * border;
	const svg = document.createElementNS(SVG, 'svg');
	for (const [k, v] of Object.entries({
		viewBox: `0 0 ${n} ${n}`,
		class: 'qr',
		role: 'img',
		'aria-label': label,
		'shape-rendering': 'crispEdges',
		'data-version': String(qr.version),
		'data-modules': String(qr.size),
		'data-mask': String(qr.mask),
	}))
		svg.setAttribute(k, v);
	const title = document.createElementNS(SVG, 'title');
	title.textContent = label;
	const bg = document.createElementNS(SVG, 'rect');
	for (const [k, v] of Object.entries({ width: String(n), height: String(n), fill: '#ffffff' })) bg.setAttribute(k, v);
	const path = document.createElementNS(SVG, 'path');
	path.setAttribute('d', QR.svgPath(qr, border));
	path.setAttribute('fill', '#000000');
	svg.append(title, bg, path);
	return svg;
}

function renderQr() {
	const out = $('qr-result');
	const r = state.qr;
	if (!r) {
		out.replaceChildren();
		return;
	}
	const a = r.answer;
	const label = t('vol.qr.alt', { slot: str(a.slot), opportunity: str(a.opportunity), url: r.url });
	out.replaceChildren(
		h(
			'figure',
			{ class: 'qr-figure', id: 'qr-figure' },
			qrSvg(r.qr, label),
			h(
				'figcaption',
				null,
				h('p', { class: 'qr-title' }, t('vol.qr.caption', { slot: str(a.slot), opportunity: str(a.opportunity) })),
				h('p', null, h('code', { class: 'hash', id: 'qr-code-text' }, r.code)),
				h('p', { class: 'muted' }, h('span', null, t('vol.qr.opens')), ' ', h('a', { href: r.url, id: 'qr-url' }, r.url)),
				a.valid_from && a.valid_until ? h('p', { class: 'muted' }, t('vol.qr.valid', { when: timeRange(a.valid_from, a.valid_until) })) : null,
				h('p', { class: 'muted' }, t('vol.qr.version', { version: str(r.qr.version), size: str(r.qr.size) })),
			),
		),
	);
}

async function showQr(ev) {
	ev.preventDefault();
	const token = $('qr-token').value.trim();
	const opp = $('qr-opportunity').value.trim();
	const slot = $('qr-slot').value.trim();
	const err = $('qr-error');
	const missing = [!token && 'qr-token', !opp && 'qr-opportunity', !slot && 'qr-slot'].filter(Boolean);
	for (const id of ['qr-token', 'qr-opportunity', 'qr-slot']) $(id).toggleAttribute('aria-invalid', missing.includes(id));
	for (const id of missing) $(id).setAttribute('aria-invalid', 'true');
	if (missing.length) {
		err.textContent = t('vol.qr.missing');
		$(missing[0]).focus();
		return;
	}
	err.textContent = '';
	try {
		sessionStorage.setItem(ORG_TOKEN, token);
	} catch {
		// not kept
	}
	$('qr-submit').disabled = true;
	try {
		const r = await requestJSON('GET', `/api/v1/opportunities/${encodeURIComponent(opp)}/slots/${encodeURIComponent(slot)}/code`, { token });
		const a = r.body || {};
		const code = str(a.code);
		if (!CODE_RE.test(code)) throw new Error(t('vol.err.answer'));
		const url = `${globalThis.location.origin}/volunteer?code=${encodeURIComponent(code)}`;
		state.qr = { qr: QR.encode(url, { level: 'M' }), code, url, answer: a };
		renderQr();
	} catch (e) {
		state.qr = null;
		renderQr();
		if (e instanceof ApiError && (e.status === 401 || e.status === 403)) $('qr-token').setAttribute('aria-invalid', 'true');
		err.replaceChildren(refusal(e));
	} finally {
		$('qr-submit').disabled = false;
	}
}

/* ---------- an organisation's sign-ups and sessions (vol-org.js) ---------- */

async function openOrg(ev) {
	ev.preventDefault();
	const token = $('qr-token').value.trim();
	const err = $('ngo-form-error');
	$('qr-token').toggleAttribute('aria-invalid', !token);
	if (!token) {
		err.textContent = t('vol.ngo.noToken');
		$('qr-token').focus();
		return;
	}
	err.textContent = '';
	try {
		sessionStorage.setItem(ORG_TOKEN, token);
	} catch {
		// not kept
	}
	$('ngo-open').disabled = true;
	try {
		if (!(await openNgo(token))) $('qr-token').setAttribute('aria-invalid', 'true');
	} finally {
		$('ngo-open').disabled = false;
	}
}

/* ---------- copying the key ---------- */

async function copy(text, statusId) {
	const status = $(statusId);
	try {
		await navigator.clipboard.writeText(text);
		status.textContent = t('vol.key.copied');
	} catch {
		// Select it, for the reader to copy.
		const code = statusId === 'key-copied' ? $('key-value') : document.querySelector('.my-key .keyline code');
		if (code) {
			const range = document.createRange();
			range.selectNodeContents(code);
			const sel = getSelection();
			sel.removeAllRanges();
			sel.addRange(range);
		}
		status.textContent = t('vol.key.selected');
	}
}

/* ---------- the page ---------- */

function renderShell() {
	const signed = !!state.me;
	$('me-section').hidden = !signed;
	$('join-section').hidden = signed;
	$('signin-section').hidden = signed;
	$('key-notice').hidden = !(signed && state.newKey);
	if (state.newKey) $('key-value').textContent = state.newKey;
}

function renderAll() {
	renderShell();
	renderForms();
	renderCheckin();
	renderMe();
	renderLists();
	renderQr();
	renderNgo();
}

function setFilters() {
	state.filters.cause = $('filter-cause').value;
	state.filters.remote = $('filter-where').value;
	const url = new URL(globalThis.location.href);
	for (const [k, v] of Object.entries(state.filters)) {
		if (v) url.searchParams.set(k, v);
		else url.searchParams.delete(k);
	}
	history.replaceState(null, '', url);
	loadBoard({ more: false });
	loadMatches({ more: false });
}

async function main() {
	initSite();
	state.me = loadMe();
	const q = new URLSearchParams(globalThis.location.search);
	state.filters.cause = /^[a-z0-9-]{1,40}$/.test(q.get('cause') || '') ? q.get('cause') : '';
	state.filters.remote = ['true', 'false'].includes(q.get('remote')) ? q.get('remote') : '';
	$('filter-where').value = state.filters.remote;
	try {
		state.tax = await loadTaxonomy();
	} catch (e) {
		state.taxError = e;
	}
	if (state.tax) {
		options($('filter-cause'), 'causes', { any: 'vol.filter.anyCause' });
		$('filter-cause').value = state.filters.cause;
		if ($('filter-cause').value !== state.filters.cause) state.filters.cause = '';
		skillRow();
		availRow();
	}
	$('qr-token').value = orgToken();
	onLangChange(renderAll);
	$('filter-cause').addEventListener('change', setFilters);
	$('filter-where').addEventListener('change', setFilters);
	$('filter-form').addEventListener('submit', (ev) => ev.preventDefault());
	$('board-more').addEventListener('click', () => loadBoard({ more: true }));
	$('matches-more').addEventListener('click', () => loadMatches({ more: true }));
	$('skill-add').addEventListener('click', () => skillRow().querySelector('select').focus());
	$('avail-add').addEventListener('click', () => availRow().querySelector('select').focus());
	$('join-form').addEventListener('submit', register);
	$('signin-form').addEventListener('submit', signIn);
	$('qr-form').addEventListener('submit', showQr);
	$('ngo-form').addEventListener('submit', openOrg);
	$('key-copy').addEventListener('click', () => copy(state.newKey, 'key-copied'));
	$('key-done').addEventListener('click', () => {
		state.newKey = null;
		renderShell();
		$('me-h2').focus();
	});
	renderAll();
	if (state.taxError) $('board-body').replaceChildren(h('p', { class: 'error' }, t('vol.board.err', { detail: errText(state.taxError) })));
	await Promise.all([loadBoard({ more: false }), state.me ? signedIn() : null]);
	document.documentElement.dataset.ready = 'true';
}

main();
