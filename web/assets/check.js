// The public check of a vaccine or medicine pack: a code typed, pasted,
// given in the address (/check?code=…) or scanned with the camera (where
// the browser has BarcodeDetector) is sent to GET /api/v1/check, and the
// answer is shown as a large status with the product, its batch, the
// recalls and the trail.
//
// The answer is not taken on trust. Every entry it rests on comes with an
// inclusion proof; here, with WebCrypto (merkle.js, checks.js), the
// checkpoint's signature is checked with the log's verifier key, each
// entry's leaf hash is recomputed from its exact text and its root from
// the proof, and what the page shows (product, batch, pack and its state,
// recalls, each custody event of the trail) is compared with what those
// entries record. If anything fails, the status says the answer is not
// verified, whatever the server said.

import { initSite, h } from './site.js';
import { t, locale, onLangChange } from './i18n.js';
import * as M from './merkle.js';
import { checkpointChecks, entryChecks, renderCheck } from './checks.js';

const FORMATS = ['data_matrix', 'qr_code', 'code_128', 'ean_13'];
const SCAN_INTERVAL_MS = 150;
const STATUSES = ['ok', 'recalled', 'suspect', 'already_dispensed', 'expired', 'unknown'];
/** CBV business steps with a name of their own on the page (pack.step.*);
 * any other is shown as recorded. */
const STEPS = ['shipping', 'receiving', 'dispensing', 'destroying', 'packing', 'unpacking', 'commissioning', 'storing', 'inspecting', 'loading', 'unloading'];
const ORG_URN = 'urn:goodtrace:org:';

/* ---------- state (re-rendered on every language switch) ---------- */

const state = {
	vkey: null, // parsed verifier key, fetched once from /log/vkey
	vkeyError: null,
	inputError: null, // { key, vars, detail } shown under the field
	result: null, // { code, loading } | { code, error } | { code, answer, v }
	scan: null, // { phase: 'starting'|'looking', stream } while the camera is on
	scanError: null, // { key, vars }
};

const $ = (id) => document.getElementById(id);

/* ---------- fetching ---------- */

class FetchError extends Error {
	constructor(status, detail, type) {
		super(detail || `HTTP ${status}`);
		this.status = status;
		this.detail = detail;
		this.type = type;
	}
}

async function get(url, kind) {
	let res;
	try {
		res = await fetch(url, { cache: 'no-store', headers: { Accept: kind === 'json' ? 'application/json' : 'text/plain' } });
	} catch {
		throw new FetchError(0, null, null);
	}
	if (!res.ok) {
		let detail = null;
		let type = null;
		try {
			const p = await res.json();
			detail = p.detail || p.title || null;
			type = p.type || null;
		} catch {
			// not problem+json
		}
		throw new FetchError(res.status, detail, type);
	}
	if (kind === 'json') {
		try {
			return await res.json();
		} catch {
			throw new FetchError(res.status, 'the answer is not JSON', null);
		}
	}
	return res.text();
}

function errText(e) {
	if (e instanceof FetchError) return e.status === 0 ? t('error.network') : e.detail || t('error.http', { status: e.status });
	return e && e.message ? e.message : String(e);
}

/** A message { key, vars } with Errors among its vars, as text. */
function msg(m) {
	if (!m) return '';
	const vars = {};
	for (const [k, v] of Object.entries(m.vars || {})) vars[k] = v instanceof Error ? errText(v) : v;
	return t(m.key, vars);
}

async function loadKey() {
	if (state.vkey) return state.vkey;
	try {
		state.vkey = M.parseVkey(await get('/log/vkey', 'text'));
		state.vkeyError = null;
	} catch (e) {
		state.vkeyError = e;
	}
	return state.vkey;
}

/* ---------- verification ---------- */

const str = (v) => (v === null || v === undefined ? '' : String(v));

function parseEntry(raw) {
	try {
		const e = JSON.parse(raw);
		return e && typeof e === 'object' && !Array.isArray(e) ? e : null;
	} catch {
		return null;
	}
}

/** What an EPCIS event (or a trail item) does to a pack, as the server
 * reads it: 'destroyed', 'dispensed' or null. */
function stateOf(ev) {
	if (!ev || typeof ev !== 'object') return null;
	if (ev.bizStep === 'destroying' || ev.disposition === 'destroyed') return 'destroyed';
	if (ev.bizStep === 'dispensing' || ev.disposition === 'dispensed') return 'dispensed';
	return null;
}

/** The organisations (urn:goodtrace:org:<id>) of an event's sources or destinations. */
function orgsOf(list, key) {
	if (!Array.isArray(list)) return [];
	return list.map((x) => str(x && x[key])).filter((v) => v.startsWith(ORG_URN)).map((v) => v.slice(ORG_URN.length));
}

const listText = (v) => (Array.isArray(v) ? v.map(str).join(', ') : str(v));

/** The trail's items (objects or not, as the server sent them). */
const trailOf = (a) => (Array.isArray(a.trail) ? a.trail : []);

/** The latest trail item that gave the pack this state, or null. */
function stateEvent(a, state) {
	const trail = trailOf(a);
	for (let i = trail.length - 1; i >= 0; i--) if (stateOf(trail[i]) === state) return trail[i];
	return null;
}

/** Names of the fields where shown (the answer) and recorded (the entry) differ. */
function differ(pairs) {
	return pairs.filter(([, shown, recorded]) => str(shown) !== str(recorded)).map(([name]) => name);
}

/**
 * What the page shows, each to be backed by an entry of the answer:
 * { id, what, find(entry, proof) → the entry backs it, compare(entry) →
 * [[field, shown, recorded], …] }.
 */
function claims(a) {
	const out = [];
	const gtin = a.product ? a.product.gtin : null;
	if (a.product)
		out.push({
			id: 'product',
			what: { key: 'pack.what.product' },
			find: (e) => e.type === 'trace.product' && str(e.data?.gtin) === str(gtin),
			compare: (e) => [
				['gtin', a.product.gtin, e.data?.gtin],
				['name', a.product.name, e.data?.name],
				['form', a.product.form, e.data?.form],
				['kind', a.product.kind, e.data?.kind],
				['maker', a.maker ? `org:${a.maker.id}` : '', e.by],
			],
		});
	if (a.batch)
		out.push({
			id: 'batch',
			what: { key: 'pack.what.batch' },
			find: (e) => e.type === 'trace.batch' && str(e.data?.gtin) === str(gtin) && str(e.data?.lot) === str(a.batch.lot),
			compare: (e) => [
				['gtin', gtin, e.data?.gtin],
				['lot', a.batch.lot, e.data?.lot],
				['manufactured', a.batch.manufactured, e.data?.manufactured],
				['expiry', a.batch.expiry, e.data?.expiry],
				['maker', a.maker ? `org:${a.maker.id}` : '', e.by],
			],
		});
	if (a.pack)
		out.push({
			id: 'pack',
			what: { key: 'pack.what.pack' },
			find: (e) =>
				e.type === 'trace.packs' &&
				str(e.data?.gtin) === str(gtin) &&
				Array.isArray(e.data?.serials) &&
				e.data.serials.map(str).includes(str(a.pack.serial)),
			compare: (e) => [
				['gtin', gtin, e.data?.gtin],
				['lot', a.pack.lot, e.data?.lot],
				['serial', a.pack.serial, a.pack.serial],
			],
		});
	const recalls = Array.isArray(a.recalls) ? [...a.recalls] : [];
	if (a.recall && !recalls.some((r) => str(r.recall) === str(a.recall.recall))) recalls.push(a.recall);
	for (const r of recalls)
		out.push({
			id: 'recall',
			what: { key: 'pack.what.recall', vars: { index: str(r.recall) } },
			find: (e, p) => e.type === 'trace.recall' && str(p.index) === str(r.recall),
			compare: (e) => [
				['class', r.class, e.data?.class],
				['reason', r.reason, e.data?.reason],
				['effective', r.effective, e.data?.effective],
				['regulator', `org:${str(r.regulator)}`, e.by],
			],
		});
	// The pack's state rests on a custody event that gave it, and an
	// already_dispensed answer on a dispensing one (that the event names
	// this pack, itself or through a container, is the server's reading).
	const state = a.pack ? a.pack.state : null;
	if ((state !== null && state !== undefined) || a.status === 'already_dispensed') {
		const want = a.status === 'already_dispensed' ? 'dispensed' : state;
		out.push({
			id: 'state',
			what: { key: 'pack.what.state' },
			find: (e) => e.type === 'trace.event' && (want === 'dispensed' || want === 'destroyed') && stateOf(e.data?.event) === want,
			compare: (e) => [['state', state, stateOf(e.data?.event)]],
		});
	}
	// Each custody event of the trail, against the trace.event entry of its index.
	for (const item of trailOf(a)) {
		const it = item && typeof item === 'object' ? item : {};
		out.push({
			id: 'trail',
			what: { key: 'pack.what.trail', vars: { index: str(it.index) } },
			find: (e, p) => e.type === 'trace.event' && it.index !== undefined && it.index !== null && str(p.index) === str(it.index),
			compare: (e) => {
				const ev = e.data && e.data.event && typeof e.data.event === 'object' ? e.data.event : {};
				return [
					['eventID', it.eventID, ev.eventID],
					['type', it.type, ev.type],
					['eventTime', it.eventTime, ev.eventTime],
					['action', it.action, ev.action],
					['bizStep', it.bizStep, ev.bizStep],
					['disposition', it.disposition, ev.disposition],
					['readPoint', it.readPoint, ev.readPoint?.id],
					['bizLocation', it.bizLocation, ev.bizLocation?.id],
					['at', it.at, e.at],
					['by', `org:${str(it.by)}`, e.by],
					['from', listText(it.from), orgsOf(ev.sourceList, 'source').join(', ')],
					['to', listText(it.to), orgsOf(ev.destinationList, 'destination').join(', ')],
				];
			},
		});
	}
	// A status that rests on a batch needs the product and the batch.
	if (a.status !== 'unknown') {
		if (!a.product) out.push({ id: 'product', what: { key: 'pack.what.product' }, find: () => false });
		if (!a.batch) out.push({ id: 'batch', what: { key: 'pack.what.batch' }, find: () => false });
	}
	return out;
}

/**
 * Verify an answer of /api/v1/check against the verifier key. Returns
 * { cp, cpChecks, entries: [{ index, type, raw, pending, checks }],
 *   missing: [checks], failed, total, pending, outcome }, where outcome is
 * 'pass' (every check passed), 'fail', 'pending' (nothing failed, but
 * some entries are not yet in a checkpoint) or 'none' (nothing to prove).
 */
async function verifyAnswer(a, vkey) {
	let cp = null;
	let cpError = null;
	try {
		cp = M.parseCheckpoint(a.checkpoint);
	} catch (e) {
		cpError = e.message;
	}
	const cpChecks = await checkpointChecks(cp, cpError, vkey);
	const entries = [];
	for (const p of a.proofs) {
		const index = M.toU64(p.index);
		if (p.pending === true) {
			entries.push({ index: str(p.index), type: null, raw: null, pending: true, checks: [] });
			continue;
		}
		const raw = typeof p.raw === 'string' ? p.raw : '';
		const hashes = Array.isArray(p.hashes) && p.hashes.every((x) => typeof x === 'string') ? p.hashes : [];
		const entry = parseEntry(raw);
		let checks;
		if (index === null || typeof p.raw !== 'string' || !Array.isArray(p.hashes)) {
			checks = [{ id: 'root', title: 'check.root.t', status: 'fail', detail: { key: 'check.entry.malformed' } }];
		} else {
			checks = (await entryChecks(index, raw, p.leaf_hash, hashes, cp, cpError)).checks;
		}
		entries.push({ index: str(p.index), type: entry ? str(entry.type) : null, raw, entry, proof: p, pending: false, checks });
	}

	// What the page shows, against the entries that record it.
	const missing = [];
	const anyPending = entries.some((e) => e.pending);
	for (const c of claims(a)) {
		const e = entries.find((x) => x.entry && c.find(x.entry, x.proof)) || null;
		if (!e) {
			// Not backed by any entry: a failure, unless an entry that may
			// back it is not yet in a checkpoint.
			missing.push({
				id: `missing-${c.id}`,
				title: 'check.missing.t',
				what: c.what,
				status: anyPending ? 'skip' : 'fail',
				waiting: anyPending,
				detail: { key: anyPending ? 'check.missing.pending' : 'check.missing.detail' },
			});
			continue;
		}
		const pairs = c.compare(e.entry);
		const bad = differ(pairs);
		e.checks.push({
			id: `agree-${c.id}`,
			title: 'check.agree.t',
			what: c.what,
			status: bad.length ? 'fail' : 'pass',
			detail: bad.length
				? { key: 'check.agree.fail', vars: { fields: bad.join(', ') } }
				: { key: 'check.agree.pass', vars: { fields: pairs.map(([n]) => n).join(', ') } },
		});
	}

	// A check not passed fails the answer, except one that waits for an
	// entry to reach a checkpoint.
	const all = [...cpChecks, ...entries.flatMap((e) => e.checks), ...missing];
	const failed = all.filter((c) => c.status !== 'pass' && !c.waiting).length;
	const pending = entries.filter((e) => e.pending).length;
	let outcome;
	if (!vkey || failed > 0) outcome = 'fail';
	else if (pending > 0) outcome = 'pending';
	else if (entries.length === 0) outcome = 'none';
	else outcome = 'pass';
	return { cp, cpChecks, entries, missing, failed, total: all.length, pending, outcome };
}

/** A check with the thing it is about named in the reader's language. */
function shown(c) {
	return c.what ? { ...c, titleVars: { what: t(c.what.key, c.what.vars) } } : c;
}

/* ---------- rendering helpers ---------- */

const SVG = 'http://www.w3.org/2000/svg';

/** The status icon: a shape and a mark, drawn (no font needed). */
function icon(kind) {
	const svg = document.createElementNS(SVG, 'svg');
	svg.setAttribute('viewBox', '0 0 48 48');
	svg.setAttribute('width', '56');
	svg.setAttribute('height', '56');
	svg.setAttribute('aria-hidden', 'true');
	svg.setAttribute('focusable', 'false');
	svg.setAttribute('class', 'verdict-icon');
	const add = (tag, attrs) => {
		const el = document.createElementNS(SVG, tag);
		for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
		svg.append(el);
	};
	const stroke = { fill: 'none', stroke: 'currentColor', 'stroke-width': '5', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' };
	if (kind === 'ok') {
		add('circle', { cx: '24', cy: '24', r: '22', fill: 'currentColor' });
		add('path', { d: 'M13 25 l7 7 l15 -16', ...stroke, stroke: '#fff' });
	} else if (kind === 'recalled' || kind === 'expired') {
		// A stop sign.
		add('path', { d: 'M15 2 h18 l13 13 v18 l-13 13 h-18 l-13 -13 v-18 z', fill: 'currentColor' });
		add('path', { d: 'M16 16 l16 16 M32 16 l-16 16', ...stroke, stroke: '#fff' });
	} else if (kind === 'suspect') {
		// A diamond with an exclamation mark.
		add('path', { d: 'M24 1 L47 24 L24 47 L1 24 z', fill: 'currentColor', 'stroke-linejoin': 'round' });
		add('path', { d: 'M24 13 v14', ...stroke, stroke: '#fff' });
		add('circle', { cx: '24', cy: '35', r: '3', fill: '#fff' });
	} else if (kind === 'already_dispensed') {
		// A clock: it has happened already.
		add('circle', { cx: '24', cy: '24', r: '22', fill: 'currentColor' });
		add('path', { d: 'M24 11 v13 l9 6', ...stroke, stroke: '#fff' });
	} else if (kind === 'unknown') {
		add('circle', { cx: '24', cy: '24', r: '22', fill: 'currentColor' });
		add('path', { d: 'M17 18 a7 7 0 1 1 10 6 c-2 1 -3 2.5 -3 5', ...stroke, stroke: '#fff' });
		add('circle', { cx: '24', cy: '37', r: '3', fill: '#fff' });
	} else {
		// A warning triangle (not verified, could not check).
		add('path', { d: 'M24 3 l22 40 h-44 z', fill: 'currentColor', 'stroke-linejoin': 'round' });
		add('path', { d: 'M24 17 v13', ...stroke, stroke: '#fff' });
		add('circle', { cx: '24', cy: '37', r: '3', fill: '#fff' });
	}
	return svg;
}

function fields(pairs) {
	return h(
		'dl',
		{ class: 'fields' },
		pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)]),
	);
}

function fmt(at, opts) {
	const d = new Date(at);
	if (typeof at !== 'string' || Number.isNaN(d.getTime())) return str(at);
	return new Intl.DateTimeFormat(locale(), { ...opts, timeZone: 'UTC' }).format(d);
}

/** A date (YYYY-MM-DD) in the reader's language, as text. */
function dateText(d) {
	if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return str(d);
	return fmt(`${d}T00:00:00Z`, { year: 'numeric', month: 'long', day: 'numeric' });
}

/** A date as a <time> element. */
const date = (d) => h('time', { datetime: str(d) }, dateText(d));

/** A time (RFC 3339) in the reader's language, in UTC, as text. */
function timeText(at) {
	const text = fmt(at, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
	return t('pack.utc', { time: text });
}

/** A time as a <time> element. */
const time = (at) => h('time', { datetime: str(at) }, timeText(at));

/** Server-made English text (a reason, a parser message) inside a page. */
const english = (s) => h('span', { lang: 'en' }, str(s));

/* ---------- the status panel ---------- */

function verdictParts(r) {
	if (r.loading) return { status: 'loading', title: t('pack.loading', { code: r.code }) };
	if (r.error) return { status: 'error', title: t('pack.v.error.t'), lines: [msg(r.error)] };
	const a = r.answer;
	const v = r.v;
	const lines = [];
	let status = a.status;
	let title;
	if (a.status === 'ok') {
		title = t('pack.v.ok.t');
		lines.push(t('pack.v.ok.d'));
	} else if (a.status === 'recalled') {
		title = t('pack.v.recalled.t');
		const rc = a.recall || {};
		lines.push([t('pack.v.recalled.d', { class: str(rc.class) }), h('span', { class: 'verdict-reason' }, str(rc.reason))]);
		lines.push(t('pack.v.recalled.advice'));
	} else if (a.status === 'suspect') {
		title = t('pack.v.suspect.t');
		const ev = stateEvent(a, 'destroyed');
		if (a.pack && a.pack.state === 'destroyed')
			lines.push(ev ? t('pack.v.suspect.destroyed', { time: timeText(ev.eventTime), by: str(ev.by) }) : t('pack.v.suspect.destroyedNoTime'));
		else if (Number.isInteger(a.places_checked)) lines.push(t('pack.v.suspect.places', { n: a.places_checked }));
		else if (a.reason) lines.push([t('pack.v.unknown.reason'), english(a.reason)]);
		lines.push(t('pack.v.suspect.advice'));
	} else if (a.status === 'already_dispensed') {
		title = t('pack.v.dispensed.t');
		const ev = stateEvent(a, 'dispensed');
		if (ev) lines.push(t('pack.v.dispensed.d', { time: timeText(ev.eventTime), by: str(ev.by) }));
		else {
			lines.push(t('pack.v.dispensed.noTime'));
			if (a.reason) lines.push([t('pack.v.unknown.reason'), english(a.reason)]);
		}
		lines.push(t('pack.v.dispensed.advice'));
	} else if (a.status === 'expired') {
		title = t('pack.v.expired.t');
		lines.push(t('pack.v.expired.d', { date: dateText(a.batch?.expiry) }));
	} else {
		status = 'unknown';
		title = t('pack.v.unknown.t');
		lines.push(t('pack.v.unknown.d'));
		if (a.reason) lines.push([t('pack.v.unknown.reason'), english(a.reason)]);
	}
	if (v.outcome === 'fail' || v.outcome === 'pending') {
		// Whatever the server said, an answer that does not verify is not
		// shown as its status: it is shown as not verified.
		const said = t(`pack.said.${STATUSES.includes(a.status) ? a.status : 'unknown'}`);
		return {
			status: 'unverified',
			title: t(v.outcome === 'pending' ? 'pack.v.pending.t' : 'pack.v.unverified.t'),
			lines: [
				v.outcome === 'pending'
					? t('pack.verify.pending', { n: v.pending })
					: state.vkey
						? t('pack.verify.fail', { failed: v.failed, total: v.total })
						: t('pack.verify.nokey', { detail: errText(state.vkeyError) }),
				t('pack.v.said', { status: said }),
				t(v.outcome === 'pending' ? 'pack.v.pending.d' : 'pack.v.unverified.d'),
			],
		};
	}
	lines.push(
		h(
			'span',
			{ class: 'verdict-verified' },
			v.outcome === 'none' ? t('pack.verify.none') : t('pack.verify.pass', { n: v.entries.length, size: v.cp.size.toString() }),
		),
	);
	return { status, title, lines };
}

function renderVerdict() {
	const el = $('verdict');
	const r = state.result;
	if (!r) {
		el.replaceChildren();
		el.removeAttribute('data-status');
		el.removeAttribute('data-code');
		el.removeAttribute('data-verified');
		el.setAttribute('aria-busy', 'false');
		return;
	}
	const p = verdictParts(r);
	el.setAttribute('aria-busy', r.loading ? 'true' : 'false');
	el.dataset.status = p.status;
	el.dataset.code = r.code;
	if (r.v) el.dataset.verified = r.v.outcome;
	else el.removeAttribute('data-verified');
	el.replaceChildren(
		p.status === 'loading' ? null : icon(p.status),
		h(
			'div',
			{ class: 'verdict-text' },
			h('p', { class: 'verdict-title', id: 'verdict-title' }, p.title),
			(p.lines || []).map((l) => h('p', { class: 'verdict-line' }, l)),
		),
	);
}

/* ---------- the details ---------- */

function renderProduct(a) {
	const kind = a.product && ['vaccine', 'medicine'].includes(a.product.kind) ? t(`pack.kind.${a.product.kind}`) : str(a.product?.kind);
	const product = a.product
		? [h('strong', null, str(a.product.name)), ' ', t('pack.product.kindForm', { kind, form: str(a.product.form) })]
		: null;
	return [
		h('h2', { id: 'product-h2' }, t('pack.product.h2')),
		a.product || a.batch || a.pack
			? fields([
					['pack.f.product', product],
					['pack.f.gtin', a.product ? h('code', null, str(a.product.gtin)) : null],
					['pack.f.maker', a.maker ? `${str(a.maker.name)} (${str(a.maker.id)})` : null],
					['pack.f.lot', a.batch ? h('code', null, str(a.batch.lot)) : null],
					['pack.f.manufactured', a.batch ? date(a.batch.manufactured) : null],
					['pack.f.expiry', a.batch ? date(a.batch.expiry) : null],
					['pack.f.serial', a.pack ? h('code', null, str(a.pack.serial)) : null],
				])
			: h('p', { class: 'muted' }, t('pack.product.none')),
	];
}

function renderRecalls(a) {
	const list = Array.isArray(a.recalls) ? a.recalls : [];
	return [
		h('h2', { id: 'recalls-h2' }, t('pack.recalls.h2')),
		list.length === 0
			? h('p', { class: 'muted', id: 'recalls-none' }, a.batch ? t('pack.recalls.none') : t('pack.recalls.nobatch'))
			: h(
					'ul',
					{ class: 'recalls', id: 'recalls' },
					list.map((r) => {
						const future = typeof r.effective === 'string' && typeof a.checked_at === 'string' && r.effective > a.checked_at;
						return h(
							'li',
							{ class: 'recall', dataset: { recall: str(r.recall), class: str(r.class) } },
							h('p', { class: 'recall-head' }, h('strong', null, t('pack.recall.class', { class: str(r.class) })), t('common.colon'), str(r.reason)),
							h(
								'p',
								{ class: 'muted' },
								t(future ? 'pack.recall.future' : 'pack.recall.since', { time: timeText(r.effective) }),
								' · ',
								t('pack.recall.by', { regulator: str(r.regulator) }),
								' · ',
								h('a', { href: `/explorer?index=${encodeURIComponent(str(r.recall))}` }, t('pack.recall.entry', { index: str(r.recall) })),
							),
						);
					}),
				),
	];
}

/** A business step in the reader's language, or as recorded. */
function stepText(ev) {
	if (STEPS.includes(ev.bizStep)) return t(`pack.step.${ev.bizStep}`);
	return h('code', null, str(ev.bizStep ?? ev.type));
}

function renderTrail(a) {
	const trail = trailOf(a);
	return [
		h('h2', { id: 'trail-h2' }, t('pack.trail.h2')),
		trail.length === 0
			? h('p', { class: 'muted', id: 'trail-empty' }, t('pack.trail.empty'))
			: [
					h('p', { class: 'muted', id: 'trail-intro' }, t('pack.trail.intro')),
					h(
						'ol',
						{ class: 'timeline', id: 'trail', 'aria-labelledby': 'trail-h2' },
						trail.map((item) => {
							const ev = item && typeof item === 'object' ? item : {};
							const when = ev.eventTime ?? ev.at ?? null;
							const from = Array.isArray(ev.from) ? ev.from.map(str) : [];
							const to = Array.isArray(ev.to) ? ev.to.map(str) : [];
							const place = ev.bizLocation ?? ev.readPoint ?? null;
							const rows = [
								ev.by !== undefined && ev.by !== null ? [h('dt', null, t('pack.trail.by')), h('dd', { class: 'trail-by' }, str(ev.by))] : null,
								from.length ? [h('dt', null, t('pack.trail.from')), h('dd', { class: 'trail-from' }, from.join(', '))] : null,
								to.length ? [h('dt', null, t('pack.trail.to')), h('dd', { class: 'trail-to' }, to.join(', '))] : null,
								place ? [h('dt', null, t('pack.trail.place')), h('dd', null, h('code', null, str(place)))] : null,
							].filter(Boolean);
							const data = { index: str(ev.index), step: str(ev.bizStep) };
							if (stateOf(ev)) data.state = stateOf(ev);
							return h(
								'li',
								{ class: 'timeline-item', dataset: data },
								when ? h('p', { class: 'timeline-time' }, time(when)) : null,
								h('p', { class: 'timeline-what' }, stepText(ev)),
								rows.length ? h('dl', { class: 'timeline-fields' }, rows) : null,
								ev.index !== undefined && ev.index !== null
									? h('p', { class: 'timeline-entry' }, h('a', { href: `/explorer?index=${encodeURIComponent(str(ev.index))}` }, t('pack.trail.entry', { index: str(ev.index) })))
									: null,
							);
						}),
					),
				],
	];
}

function renderProofs(a, v) {
	const summary =
		v.outcome === 'pass'
			? t('pack.verify.pass', { n: v.entries.length, size: v.cp.size.toString() })
			: v.outcome === 'none'
				? t('pack.verify.none')
				: v.outcome === 'pending'
					? t('pack.verify.pending', { n: v.pending })
					: state.vkey
						? t('pack.verify.fail', { failed: v.failed, total: v.total })
						: t('pack.verify.nokey', { detail: errText(state.vkeyError) });
	const ok = v.outcome === 'pass' || v.outcome === 'none';
	return [
		h('h2', { id: 'proofs-h2' }, t('pack.proofs.h2')),
		h('p', null, t('pack.proofs.intro')),
		h('p', { class: ok ? 'outcome outcome-pass' : 'outcome outcome-fail', id: 'proofs-outcome', dataset: { outcome: v.outcome } }, summary),
		h('h3', null, t('pack.proofs.key.h3')),
		h('p', { class: 'keyline' }, h('code', { class: 'hash', id: 'check-vkey' }, state.vkey ? state.vkey.text : '—')),
		h('p', { class: 'muted' }, t('pack.proofs.key.note'), ' ', h('a', { href: '/explorer' }, t('pack.proofs.key.explorer'))),
		h('h3', null, t('pack.proofs.cp.h3')),
		v.cp ? fields([['cp.size', v.cp.size.toString()], ['cp.root', h('code', { class: 'hash' }, v.cp.rootB64)]]) : null,
		h('ul', { class: 'checks', id: 'cp-checks' }, v.cpChecks.map(renderCheck)),
		h('h3', null, t('pack.proofs.entries.h3')),
		v.entries.length === 0 ? h('p', { class: 'muted' }, t('pack.proofs.noentries')) : null,
		h(
			'ol',
			{ class: 'proof-entries', id: 'proof-entries' },
			v.entries.map((e) => {
				const ok = !e.pending && e.checks.every((c) => c.status === 'pass');
				return h(
					'li',
					{ class: 'proof-entry', dataset: { index: e.index, outcome: e.pending ? 'pending' : ok ? 'pass' : 'fail' } },
					h(
						'h4',
						null,
						t('pack.entry.h4', { index: e.index }),
						e.type ? [t('common.colon'), h('code', null, e.type)] : null,
					),
					e.pending
						? h('ul', { class: 'checks' }, renderCheck({ id: 'pending', title: 'check.entry.pending.t', status: 'skip', detail: { key: 'check.entry.pending.d' } }))
						: [
								h('ul', { class: 'checks' }, e.checks.map((c) => renderCheck(shown(c)))),
								h('details', null, h('summary', null, t('lookup.entry.raw')), h('pre', { class: 'entry-raw' }, e.raw)),
							],
					h('p', null, h('a', { href: `/explorer?index=${encodeURIComponent(e.index)}` }, t('pack.entry.explorer', { index: e.index }))),
				);
			}),
		),
		v.missing.length
			? [h('h3', null, t('pack.missing.h3')), h('ul', { class: 'checks', id: 'missing-checks' }, v.missing.map((c) => renderCheck(shown(c))))]
			: null,
	];
}

function renderResult() {
	const out = $('check-result');
	const r = state.result;
	if (!r || !r.answer) {
		out.replaceChildren();
		return;
	}
	const a = r.answer;
	out.replaceChildren(
		h(
			'section',
			{ class: 'card', 'aria-labelledby': 'product-h2' },
			h('p', { class: 'muted checked-line' }, t('pack.checked'), ' ', h('code', { class: 'hash' }, r.code), ' · ', time(a.checked_at)),
			renderProduct(a),
			renderRecalls(a),
		),
		h('section', { class: 'card', 'aria-labelledby': 'trail-h2' }, renderTrail(a)),
		h('section', { class: 'card', 'aria-labelledby': 'proofs-h2', id: 'proofs-section' }, renderProofs(a, r.v)),
	);
}

function renderInputError() {
	const input = $('code-input');
	const err = $('code-error');
	const e = state.inputError;
	if (!e) {
		input.removeAttribute('aria-invalid');
		err.replaceChildren();
		return;
	}
	input.setAttribute('aria-invalid', 'true');
	// The parser's message is the server's, in English.
	err.replaceChildren(t(e.key, e.vars), e.detail ? english(e.detail) : null);
}

/* ---------- checking ---------- */

function wellFormed(a) {
	if (!a || typeof a !== 'object') return 'not an object';
	if (!STATUSES.includes(a.status)) return 'no known "status"';
	if (typeof a.checkpoint !== 'string') return 'no "checkpoint" string';
	if (!Array.isArray(a.proofs) || !a.proofs.every((p) => p && typeof p === 'object')) return 'no "proofs" array';
	return null;
}

let seq = 0;

/** Check code: ask the server, verify the answer, show it, and put the
 * code in the address so that the result can be shared. */
async function runCheck(raw) {
	const my = ++seq;
	const code = raw.trim();
	state.inputError = null;
	if (code === '') {
		state.inputError = { key: 'pack.err.empty' };
		state.result = null;
		renderAll();
		$('code-input').focus();
		return;
	}
	state.result = { code, loading: true };
	renderAll();
	const url = new URL(globalThis.location.href);
	url.search = `?code=${encodeURIComponent(code)}`;
	history.replaceState(null, '', url);

	let answer;
	let vkey;
	try {
		[answer, vkey] = await Promise.all([get(`/api/v1/check?code=${encodeURIComponent(code)}`, 'json'), loadKey()]);
	} catch (e) {
		if (my !== seq) return;
		if (e instanceof FetchError && e.status === 400) {
			// The parser says what is wrong (which AI, which position).
			state.inputError = e.detail ? { key: 'pack.err.invalid', detail: e.detail } : { key: 'pack.err.invalidNoDetail' };
			state.result = null;
		} else {
			state.result = { code, error: { key: 'pack.err.server', vars: { detail: e } } };
		}
		renderAll();
		if (state.inputError) $('code-input').focus();
		return;
	}
	const bad = wellFormed(answer);
	if (bad) {
		if (my !== seq) return;
		state.result = { code, error: { key: 'pack.err.malformed', vars: { detail: bad } } };
		renderAll();
		return;
	}
	const v = await verifyAnswer(answer, vkey);
	if (my !== seq) return;
	state.result = { code, answer, v };
	renderAll();
}

/* ---------- scanning with the camera ---------- */

const canScan = () =>
	'BarcodeDetector' in globalThis && !!(globalThis.navigator.mediaDevices && globalThis.navigator.mediaDevices.getUserMedia);

function renderScan() {
	$('scan-button').hidden = !canScan();
	const s = state.scan;
	$('scanner').hidden = !s;
	$('scan-button').disabled = !!s;
	$('scan-status').textContent = s ? t(s.phase === 'starting' ? 'pack.scan.starting' : 'pack.scan.looking') : '';
	$('scan-error').textContent = msg(state.scanError);
}

function stopCamera() {
	const s = state.scan;
	state.scan = null;
	if (s) {
		s.stopped = true;
		clearTimeout(s.timer);
		if (s.stream) for (const track of s.stream.getTracks()) track.stop();
	}
	const video = $('scan-video');
	video.pause();
	video.srcObject = null;
	renderScan();
}

async function startScan() {
	if (state.scan) return;
	state.scanError = null;
	const s = { phase: 'starting', stream: null, stopped: false, timer: null };
	state.scan = s;
	renderScan();
	$('scan-cancel').focus();

	let detector;
	try {
		let formats = FORMATS;
		if (typeof globalThis.BarcodeDetector.getSupportedFormats === 'function') {
			// Some browsers have the interface but read no format at all.
			const supported = await globalThis.BarcodeDetector.getSupportedFormats();
			formats = FORMATS.filter((f) => supported.includes(f));
			if (formats.length === 0) return scanFailed(s, { key: 'pack.scan.noformats' });
		}
		detector = new globalThis.BarcodeDetector({ formats });
	} catch (e) {
		return scanFailed(s, { key: 'pack.scan.unsupported', vars: { detail: str(e && (e.message || e.name)) } });
	}
	if (s.stopped) return;
	let stream;
	try {
		stream = await globalThis.navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
	} catch (e) {
		const name = e && e.name;
		if (name === 'NotAllowedError' || name === 'SecurityError') return scanFailed(s, { key: 'pack.scan.denied' });
		if (name === 'NotFoundError' || name === 'OverconstrainedError') return scanFailed(s, { key: 'pack.scan.nocamera' });
		return scanFailed(s, { key: 'pack.scan.failed', vars: { detail: str(name || e) } });
	}
	if (s.stopped) {
		// Cancelled while the browser asked for permission.
		for (const track of stream.getTracks()) track.stop();
		return;
	}
	s.stream = stream;
	s.phase = 'looking';
	const video = $('scan-video');
	video.srcObject = stream;
	video.play().catch(() => {
		// A frame may still be read; the loop below keeps trying.
	});
	renderScan();

	const look = async () => {
		if (s.stopped) return;
		let found = null;
		try {
			const codes = await detector.detect(video);
			found = (codes || []).find((c) => c && typeof c.rawValue === 'string' && c.rawValue !== '');
		} catch {
			// No frame yet, or a frame that could not be read: try the next.
		}
		if (s.stopped) return;
		if (found) {
			stopCamera();
			const input = $('code-input');
			input.value = found.rawValue;
			input.focus();
			runCheck(found.rawValue);
			return;
		}
		s.timer = setTimeout(look, SCAN_INTERVAL_MS);
	};
	look();
}

function scanFailed(s, error) {
	if (s.stopped) return;
	stopCamera();
	state.scanError = error;
	renderScan();
	$('scan-button').focus();
}

/* ---------- start ---------- */

function renderAll() {
	renderInputError();
	renderVerdict();
	renderResult();
	renderScan();
}

/** The code in the address: decoded as it was encoded, a '+' staying '+'
 * (GS1 codes may hold one; none holds a space). */
function codeFromAddress() {
	for (const part of globalThis.location.search.replace(/^\?/, '').split('&')) {
		const i = part.indexOf('=');
		if (i < 0 || part.slice(0, i) !== 'code') continue;
		try {
			return decodeURIComponent(part.slice(i + 1));
		} catch {
			return part.slice(i + 1);
		}
	}
	return null;
}

async function main() {
	initSite();
	onLangChange(renderAll);
	$('check-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		runCheck($('code-input').value);
	});
	$('scan-button').addEventListener('click', () => startScan());
	$('scan-cancel').addEventListener('click', () => {
		stopCamera();
		$('scan-button').focus();
	});
	document.addEventListener('keydown', (ev) => {
		if (ev.key === 'Escape' && state.scan) {
			stopCamera();
			$('scan-button').focus();
		}
	});
	globalThis.addEventListener('pagehide', () => stopCamera());
	renderAll();
	const want = codeFromAddress();
	if (want !== null && want.trim() !== '') {
		$('code-input').value = want;
		await runCheck(want);
	} else {
		await loadKey();
	}
	document.documentElement.dataset.ready = 'true';
}

main();
