// What the green pages (/forest, /forest/tree) share: grams of energy in
// the reader's language, the kinds of low-carbon action by name, the
// species' names, times in the reader's time zone, trees' statuses as
// badges, and refusals in the server's words.

import { h } from './site.js';
import { t, lang, locale } from './i18n.js';
import { ApiError, errText, str } from './give.js';

/** The kinds of action the default rule table knows (docs/green.md); others show their raw name. */
export const KINDS = ['walk', 'metro', 'bus', 'bike', 'paperless_bill', 'online_ticket', 'reusable_cup'];

/** A kind of action in the reader's language, or its raw name when unknown. */
export function kindName(kind) {
	return KINDS.includes(kind) ? t(`forest.kind.${kind}`) : str(kind);
}

/** A number in the reader's language: 18200 is "18,200". */
export function num(n) {
	const x = Number(n);
	return Number.isFinite(x) ? new Intl.NumberFormat(locale()).format(x) : str(n);
}

/** Grams of energy: "18,200 g", "18,200 克". */
export function grams(n) {
	return t('forest.g', { n: num(n) });
}

/** A species' name in the reader's language: name_zh in Chinese when there is one. */
export function speciesName(s, id) {
	if (!s || typeof s !== 'object') return str(id);
	if (lang() === 'zh' && typeof s.name_zh === 'string' && s.name_zh) return s.name_zh;
	return str(s.name || s.id || id);
}

const valid = (d) => d instanceof Date && !Number.isNaN(d.getTime());

/** A time (RFC 3339) in the reader's time zone, with the zone's name: "24 Nov 2026, 00:00 GMT+8". */
export function when(at) {
	const d = new Date(at);
	if (typeof at !== 'string' || !valid(d)) return str(at);
	return new Intl.DateTimeFormat(locale(), {
		year: 'numeric',
		month: 'short',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
		timeZoneName: 'short',
	}).format(d);
}

/** A programme day (YYYY-MM-DD, a calendar day in China Standard Time) as the reader writes it: "21 Nov 2026". */
export function dayName(day) {
	const s = str(day);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
	const d = new Date(`${s}T00:00:00Z`);
	if (!valid(d)) return s;
	return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}

const TREE_TONES = { ordered: 'coming', planted: 'open', surviving: 'open', dead: 'fail', lost: 'fail' };

/** A tree's status (ordered, planted, surviving, …) as a badge: its words, and a colour that repeats them. */
export function treeBadge(status) {
	const known = Object.hasOwn(TREE_TONES, status);
	return h('span', { class: `badge badge-${known ? TREE_TONES[status] : 'muted'}`, dataset: { status: str(status) } }, known ? t(`forest.tree.status.${status}`) : str(status));
}

/** The address of a tree's certificate. */
export const certHref = (n) => `/forest/tree?n=${encodeURIComponent(str(n))}`;

/** A refusal or error as the reader sees it: the server's words (in English) after ours. */
export function refusal(e) {
	const detail = errText(e);
	return e instanceof ApiError && e.detail ? h('span', null, t('forest.refused'), h('span', { lang: 'en' }, detail)) : detail;
}

/** A log entry's index as a link to the explorer: "entry 12". */
export function entryLink(index) {
	if (index === null || index === undefined) return null;
	return h('a', { href: `/explorer?index=${encodeURIComponent(str(index))}` }, t('give.entryShort', { index: str(index) }));
}
