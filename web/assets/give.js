// What the donation pages (/campaigns, /campaigns/<id>, /receipt) share,
// and the volunteering pages with them: calling the API (with a token or
// not), amounts of money in the reader's language, dates, the names of
// statuses, organisations' names, receipt codes and the progress bar
// toward a goal.

import { h } from './site.js';
import { t, locale } from './i18n.js';

/* ---------- the API ---------- */

/** A failed request: status 0 when the server could not be reached. */
export class ApiError extends Error {
	constructor(status, detail, type) {
		super(detail || `HTTP ${status}`);
		this.status = status;
		this.detail = detail;
		this.type = type;
	}
}

async function call(url, init) {
	let res;
	try {
		res = await fetch(url, { cache: 'no-store', ...init });
	} catch {
		throw new ApiError(0, null, null);
	}
	let body = null;
	const text = await res.text().catch(() => '');
	if (text !== '') {
		try {
			body = JSON.parse(text);
		} catch {
			body = null;
		}
	}
	if (!res.ok) {
		const p = body && typeof body === 'object' ? body : {};
		throw new ApiError(res.status, p.detail || p.title || null, p.type || null);
	}
	return { status: res.status, body };
}

/** GET a JSON answer; throws ApiError. */
export async function getJSON(url) {
	const r = await call(url, { headers: { Accept: 'application/json' } });
	if (r.body === null) throw new ApiError(r.status, 'the answer is not JSON', null);
	return r.body;
}

/** GET text (the verifier key). */
export async function getText(url) {
	let res;
	try {
		res = await fetch(url, { cache: 'no-store', headers: { Accept: 'text/plain' } });
	} catch {
		throw new ApiError(0, null, null);
	}
	if (!res.ok) throw new ApiError(res.status, null, null);
	return res.text();
}

/** POST a JSON body; resolves { status, body }; throws ApiError. */
export function postJSON(url, body) {
	return call(url, {
		method: 'POST',
		headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
}

/**
 * A request with an optional JSON body and an optional bearer token (an
 * organisation's token, a volunteer's key); resolves { status, body };
 * throws ApiError.
 */
export function requestJSON(method, url, { token = null, body } = {}) {
	const headers = { Accept: 'application/json' };
	if (token) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	return call(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** An error as a sentence for the reader. */
export function errText(e) {
	if (e instanceof ApiError) return e.status === 0 ? t('error.network') : e.detail || t('error.http', { status: e.status });
	return e && e.message ? e.message : String(e);
}

/** The list in a paged answer: body[key], or body itself when it is a list. */
export function listOf(body, key) {
	if (Array.isArray(body)) return body;
	if (body && Array.isArray(body[key])) return body[key];
	if (body && Array.isArray(body.items)) return body.items;
	return [];
}

export const str = (v) => (v === null || v === undefined ? '' : String(v));

/* ---------- money ---------- */

/**
 * An amount in minor units (5000) of a currency (CNY) with minor_unit
 * decimal places (2) as the reader's language writes it (¥50.00). The
 * amount is split into units and decimals as digits, never divided, so no
 * rounding creeps in.
 */
export function money(amount, currency, minorUnit) {
	const mu = Number.isInteger(minorUnit) && minorUnit >= 0 && minorUnit <= 8 ? minorUnit : 0;
	let n;
	try {
		n = BigInt(amount);
	} catch {
		return str(amount);
	}
	const neg = n < 0n;
	const digits = (neg ? -n : n).toString().padStart(mu + 1, '0');
	const decimal = (neg ? '-' : '') + (mu ? `${digits.slice(0, -mu)}.${digits.slice(-mu)}` : digits);
	try {
		return new Intl.NumberFormat(locale(), {
			style: 'currency',
			currency: str(currency),
			currencyDisplay: 'narrowSymbol',
			minimumFractionDigits: mu,
			maximumFractionDigits: mu,
		}).format(decimal);
	} catch {
		return `${decimal} ${str(currency)}`;
	}
}

/** A count (donors, donations) in the reader's language. */
export function count(n) {
	return typeof n === 'number' ? new Intl.NumberFormat(locale()).format(n) : str(n);
}

/** part / whole as a percentage for the bar (0–100) and as text. */
export function percent(part, whole) {
	const p = Number(part);
	const w = Number(whole);
	if (!(w > 0) || !(p >= 0)) return { value: 0, text: '' };
	const ratio = p / w;
	const text = new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: ratio < 0.1 ? 1 : 0 }).format(ratio);
	return { value: Math.min(100, ratio * 100), text };
}

/* ---------- dates ---------- */

function format(at, opts) {
	const d = new Date(at);
	if (typeof at !== 'string' || Number.isNaN(d.getTime())) return str(at);
	return new Intl.DateTimeFormat(locale(), { ...opts, timeZone: 'UTC' }).format(d);
}

/** The day of a time (RFC 3339) or a date (YYYY-MM-DD), in UTC: "3 November 2026". */
export function dayText(at) {
	const s = typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T00:00:00Z` : at;
	return format(s, { year: 'numeric', month: 'long', day: 'numeric' });
}

/** A day as a <time> element. */
export const day = (at) => h('time', { datetime: str(at) }, dayText(at));

/** A time (RFC 3339) to the minute, in UTC. */
export function timeText(at) {
	return t('give.utc', { time: format(at, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) });
}

/* ---------- names of things ---------- */

const CAMPAIGN_STATUSES = ['open', 'closed', 'suspended', 'upcoming', 'ended'];
const VERIFICATION_STATUSES = ['pending', 'verified', 'rejected', 'suspended'];

/** A campaign's status as a badge: its words, and a colour that repeats them. */
export function statusBadge(status) {
	const known = CAMPAIGN_STATUSES.includes(status);
	const tone = status === 'open' ? 'open' : status === 'suspended' ? 'fail' : 'muted';
	return h(
		'span',
		{ class: `badge badge-${tone}`, dataset: { status: str(status) } },
		known ? t(`give.status.${status}`) : str(status),
	);
}

/** A campaign's verification as a badge. */
export function verificationBadge(status) {
	const known = VERIFICATION_STATUSES.includes(status);
	const tone = status === 'verified' ? 'open' : status === 'pending' ? 'coming' : 'fail';
	return h(
		'span',
		{ class: `badge badge-${tone}`, dataset: { verification: str(status) } },
		known ? t(`give.verification.${status}`) : str(status),
	);
}

/** How a donor is shown: the masked name, or "Anonymous". */
export function donorText(d) {
	if (!d || d.anonymous === true || d.name === null || d.name === undefined || d.name === '') return t('give.anonymous');
	return str(d.name);
}

const orgNames = new Map();

/** An organisation's name (GET /api/v1/orgs/{id}), or its id when unknown. */
export function orgName(id) {
	const key = str(id);
	if (!orgNames.has(key))
		orgNames.set(
			key,
			getJSON(`/api/v1/orgs/${encodeURIComponent(key)}`)
				.then((o) => (o && typeof o.name === 'string' && o.name !== '' ? o.name : key))
				.catch(() => key),
		);
	return orgNames.get(key);
}

/** "Name (id)", or the id alone when the name is not known. */
export function orgLabel(id, name) {
	return name && name !== str(id) ? `${name} (${str(id)})` : str(id);
}

/**
 * A link to a stored file (/api/v1/files/{sha256}) showing the start of its
 * hash; the whole hash is in its title, and its name says what it is.
 */
export function fileLink(sha256) {
	const sha = str(sha256);
	if (!sha) return '—';
	return h(
		'a',
		{ class: 'file-link', href: `/api/v1/files/${encodeURIComponent(sha)}`, title: sha },
		h('span', { class: 'visually-hidden' }, t('give.receiptFile'), ' '),
		h('code', null, sha.length > 12 ? `${sha.slice(0, 12)}…` : sha),
	);
}

/* ---------- receipt codes ---------- */

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/**
 * A receipt code as typed (lower case, spaces, dashes or none; O for 0
 * and I or L for 1, as Crockford's base32 reads them) in its written form
 * XXXX-XXXX-XXXX, or null when it cannot be one.
 */
export function normalizeCode(raw) {
	const s = str(raw)
		.toUpperCase()
		.replace(/[\s\-\u2010-\u2015\u2212]+/g, '')
		.replace(/O/g, '0')
		.replace(/[IL]/g, '1');
	if (!CROCKFORD.test(s)) return null;
	return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/* ---------- progress toward the goal ---------- */

/**
 * A bar of raised against goal with the same in words beside it:
 * "¥100.00 raised of ¥50,000.00 (0.2%)".
 */
export function progress(raised, goal, currency, minorUnit, { id } = {}) {
	const p = percent(raised, goal);
	const text = t(p.text ? 'give.progress' : 'give.progress.noGoal', {
		raised: money(raised, currency, minorUnit),
		goal: money(goal, currency, minorUnit),
		percent: p.text,
	});
	const bar = h('progress', { max: '100', value: String(p.value), 'aria-label': t('give.progress.label'), class: 'goal-bar' });
	return h('div', { class: 'goal', id }, bar, h('p', { class: 'goal-text' }, text));
}
