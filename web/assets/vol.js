// What the volunteering pages (/volunteer, /volunteer/certificate) share:
// the taxonomy's names in the reader's language, durations ("1 h 30 min"),
// the times of slots and sessions, and the statuses of sign-ups and
// sessions as badges.

import { h } from './site.js';
import { t, lang, locale } from './i18n.js';
import { getJSON, str } from './give.js';

/* ---------- the taxonomy ---------- */

let taxonomy = null;

/**
 * GET /api/v1/volunteer/taxonomy once: { skills, levels, causes, languages },
 * each a list of { id, en, zh }. Rejects with an ApiError.
 */
export function loadTaxonomy() {
	if (!taxonomy)
		taxonomy = getJSON('/api/v1/volunteer/taxonomy').catch((e) => {
			taxonomy = null;
			throw e;
		});
	return taxonomy;
}

/** The name of a term (kind: skills, levels, causes, languages) in the reader's language, or its id. */
export function termName(tax, kind, id) {
	const list = tax && Array.isArray(tax[kind]) ? tax[kind] : [];
	const term = list.find((x) => x && x.id === id);
	return term ? str(term[lang()] || term.en || id) : str(id);
}

/** The terms of a kind, sorted by their names in the reader's language. */
export function termsSorted(tax, kind) {
	const list = tax && Array.isArray(tax[kind]) ? [...tax[kind]] : [];
	const collator = new Intl.Collator(locale());
	return list.sort((a, b) => collator.compare(termName(tax, kind, a.id), termName(tax, kind, b.id)));
}

/* ---------- durations and times ---------- */

/** Minutes as hours and minutes: "1 h 30 min", "3 h", "45 min". */
export function duration(minutes) {
	const m = Number(minutes);
	if (!Number.isFinite(m) || m < 0) return str(minutes);
	const hours = Math.floor(m / 60);
	const rest = Math.round(m % 60);
	if (hours && rest) return t('vol.dur.hm', { h: hours, m: rest });
	if (hours) return t('vol.dur.h', { h: hours });
	return t('vol.dur.m', { m: rest });
}

const valid = (d) => d instanceof Date && !Number.isNaN(d.getTime());

/**
 * A span of time, start and end RFC 3339 times: "Sat 28 Nov 2026,
 * 14:45–16:55 GMT+8" in the reader's time zone, or in UTC with utc.
 */
export function timeRange(start, end, { utc = false } = {}) {
	const a = new Date(start);
	const b = new Date(end);
	if (!valid(a)) return str(start);
	const opts = {
		weekday: 'short',
		year: 'numeric',
		month: 'short',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
		timeZoneName: 'short',
	};
	if (utc) opts.timeZone = 'UTC';
	const f = new Intl.DateTimeFormat(locale(), opts);
	if (!valid(b)) return f.format(a);
	return typeof f.formatRange === 'function' ? f.formatRange(a, b) : `${f.format(a)} – ${f.format(b)}`;
}

/** One time, in the reader's time zone: "14:55". */
export function clock(at) {
	const d = new Date(at);
	if (!valid(d)) return str(at);
	return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/* ---------- statuses ---------- */

const SIGNUP_TONES = { pending: 'coming', confirmed: 'open', declined: 'fail', cancelled: 'muted' };
const SESSION_TONES = { open: 'coming', ended: 'coming', confirmed: 'open', corrected: 'open', disputed: 'fail' };

/** A sign-up's status (pending, confirmed, declined, cancelled) as a badge. */
export function signupBadge(status) {
	const known = Object.hasOwn(SIGNUP_TONES, status);
	return h('span', { class: `badge badge-${known ? SIGNUP_TONES[status] : 'muted'}`, dataset: { status: str(status) } }, known ? t(`vol.signup.status.${status}`) : str(status));
}

/** A session's status (open, ended, confirmed, corrected, disputed) as a badge. */
export function sessionBadge(status) {
	const known = Object.hasOwn(SESSION_TONES, status);
	return h('span', { class: `badge badge-${known ? SESSION_TONES[status] : 'muted'}`, dataset: { status: str(status) } }, known ? t(`vol.session.status.${status}`) : str(status));
}

/** A link to a log entry in the explorer: "entry 12". */
export function entryLink(index) {
	if (index === null || index === undefined) return null;
	return h('a', { href: `/explorer?index=${encodeURIComponent(str(index))}` }, t('give.entryShort', { index: str(index) }));
}

/** A volunteer's pseudonymous reference shortened for display, whole in its title. */
export function refText(ref) {
	const r = str(ref);
	return h('code', { class: 'hash', title: r }, r.length > 26 ? `${r.slice(0, 26)}…` : r);
}
