// Green energy and real trees (/forest): registering as a user (or using a
// key kept elsewhere), the reference to give to partner apps, the energy
// ready to collect with when it expires and the energy on its way, the
// tree growing toward the cost of a species and its redemption, the user's
// trees with their certificates, their recent actions, the sponsor pools
// to unlock from, and the programme's public totals.
//
// A user's {id, key, ref} is kept in localStorage ("goodtrace.green"): the
// key ("gu_…") is their bearer token for their own routes (docs/green.md).

import { initSite, h } from './site.js';
import { t, onLangChange } from './i18n.js';
import { ApiError, getJSON, requestJSON, errText, listOf, str, orgName, orgLabel, money, percent } from './give.js';
import { kindName, grams, num, speciesName, when, dayName, treeBadge, certHref, refusal, entryLink } from './forest-common.js';
import { stageOf, STAGES, treeSvg } from './forest-draw.js';

const STORE = 'goodtrace.green';
const SPECIES_STORE = 'goodtrace.green.species';
const KEY_RE = /^gu_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;
const REF_RE = /^green:[0-9a-f]{64}$/;

const $ = (id) => document.getElementById(id);

const state = {
	me: null, // { id, key, ref } when signed in
	newKey: null, // the key just given, shown until kept
	energy: null, // GET /api/v1/green/me
	energyError: null,
	species: { items: [], error: null },
	chosen: '', // the species the tree grows toward
	pools: { items: [], loading: true, error: null },
	poolForms: new Map(), // pool id -> { campaign, action, grams } as chosen or typed
	totals: { data: null, loading: true, error: null },
	sites: [],
	messages: new Map(), // 'collect' | 'redeem' | 'pool-<id>' -> { ok, text }
	busy: new Set(), // buttons waiting for an answer
};

/* ---------- storage ---------- */

function loadMe() {
	try {
		const v = JSON.parse(localStorage.getItem(STORE) || 'null');
		if (v && typeof v.id === 'string' && KEY_RE.test(v.key) && REF_RE.test(v.ref)) return v;
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

function keep(key, value) {
	try {
		localStorage.setItem(key, value);
	} catch {
		// not kept
	}
}

function kept(key) {
	try {
		return localStorage.getItem(key) || '';
	} catch {
		return '';
	}
}

const ucall = (method, path, body) => requestJSON(method, path, { token: state.me?.key, body });

/** The status line of an action (collect, redeem, a pool's unlock), focusable. */
function messageLine(id) {
	const msg = state.messages.get(id);
	return h('p', { class: msg?.ok === false ? 'error' : 'status', role: 'status', id: `${id}-msg`, tabindex: '-1' }, msg ? msg.text : '');
}

/* ---------- registration and signing in ---------- */

async function register(ev) {
	ev.preventDefault();
	$('join-error').textContent = '';
	$('join-submit').disabled = true;
	try {
		const r = await requestJSON('POST', '/api/v1/green/users', { body: {} });
		const { id, key, ref } = r.body || {};
		const m = KEY_RE.exec(str(key));
		if (!m || id !== `u${m[1]}` || !REF_RE.test(str(ref))) throw new Error(t('forest.err.answer'));
		saveMe({ id, key, ref });
		state.newKey = key;
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
	if (!m) return fail(t(key ? 'forest.signin.invalid' : 'forest.signin.empty'));
	input.removeAttribute('aria-invalid');
	$('signin-error').textContent = '';
	$('signin-submit').disabled = true;
	try {
		const r = await requestJSON('GET', '/api/v1/green/me', { token: key });
		const b = r.body || {};
		if (b.id !== `u${m[1]}` || !REF_RE.test(str(b.ref))) throw new Error(t('forest.err.answer'));
		saveMe({ id: b.id, key, ref: b.ref });
		input.value = '';
		state.energy = b;
		await signedIn();
		$('me-h2').focus();
	} catch (e) {
		if (e instanceof ApiError && (e.status === 401 || e.status === 403)) fail(t('forest.signin.refused'));
		else fail(refusal(e));
	} finally {
		$('signin-submit').disabled = false;
	}
}

function signOut() {
	saveMe(null);
	state.newKey = null;
	state.energy = null;
	state.energyError = null;
	state.messages.clear();
	renderAll();
	$('join-h2').focus();
}

async function signedIn() {
	renderAll();
	await loadEnergy();
}

/* ---------- loading ---------- */

async function loadEnergy() {
	if (!state.me) return;
	try {
		state.energy = (await ucall('GET', '/api/v1/green/me')).body;
		state.energyError = null;
	} catch (e) {
		state.energyError = e;
	}
	renderMe();
	renderTree();
	renderPools();
}

async function loadSpecies() {
	try {
		state.species.items = listOf(await getJSON('/api/v1/green/species'), 'species').filter((s) => s && typeof s === 'object' && typeof s.id === 'string');
		state.species.error = null;
		await Promise.all(state.species.items.map(async (s) => (s.planterName = await orgName(s.planter))));
	} catch (e) {
		state.species.error = e;
	}
	const avail = state.species.items.filter((s) => s.available !== false);
	const want = state.chosen || kept(SPECIES_STORE);
	state.chosen = avail.some((s) => s.id === want) ? want : avail[0]?.id ?? '';
	renderTree();
	renderTotals();
}

async function loadPools() {
	state.pools.loading = true;
	try {
		const list = listOf(await getJSON('/api/v1/green/pools'), 'pools').filter((p) => p && typeof p === 'object' && typeof p.id === 'string');
		await Promise.all(
			list.map(async (p) => {
				p.sponsorName = await orgName(p.sponsor);
				p.campaignTitles = Object.fromEntries(await Promise.all(campaignsOf(p).map(async (c) => [c, await campaignTitle(c)])));
			}),
		);
		state.pools.items = list;
		state.pools.error = null;
	} catch (e) {
		state.pools.error = e;
	}
	state.pools.loading = false;
	renderPools();
}

async function loadTotals() {
	try {
		const [totals, sites] = await Promise.all([getJSON('/api/v1/green/totals'), getJSON('/api/v1/green/sites').catch(() => null)]);
		state.totals.data = totals;
		state.sites = listOf(sites, 'sites');
		const planters = new Set([...listOf(totals?.species, 'species'), ...listOf(totals?.sites, 'sites'), ...listOf(totals?.partners, 'partners')].map((x) => x?.planter).filter(Boolean));
		state.totals.names = Object.fromEntries(await Promise.all([...planters].map(async (p) => [p, await orgName(p)])));
		state.totals.error = null;
	} catch (e) {
		state.totals.error = e;
	}
	state.totals.loading = false;
	renderTotals();
}

const campaignTitles = new Map();

/** A campaign's title (GET /api/v1/campaigns/{id}), or its id when unknown. */
function campaignTitle(id) {
	const key = str(id);
	if (!campaignTitles.has(key))
		campaignTitles.set(
			key,
			getJSON(`/api/v1/campaigns/${encodeURIComponent(key)}`)
				.then((c) => (c && typeof c.title === 'string' && c.title ? c.title : key))
				.catch(() => key),
		);
	return campaignTitles.get(key);
}

/* ---------- my energy ---------- */

function ball(c) {
	return h(
		'li',
		{ class: 'energy-ball', dataset: { day: str(c.day), grams: str(c.grams) } },
		h('span', { class: 'ball', 'aria-hidden': 'true' }, num(c.grams)),
		h('span', { class: 'ball-text' }, h('strong', null, grams(c.grams)), h('span', null, t('forest.ball.day', { day: dayName(c.day) })), h('span', { class: 'ball-expires' }, t('forest.ball.expires', { time: when(c.expires) }))),
	);
}

function pendingItem(p) {
	return h(
		'li',
		{ class: 'energy-ball pending', dataset: { day: str(p.day), grams: str(p.grams) } },
		h('span', { class: 'ball', 'aria-hidden': 'true' }, num(p.grams)),
		h('span', { class: 'ball-text' }, h('strong', null, grams(p.grams)), h('span', null, t('forest.ball.day', { day: dayName(p.day) })), h('span', { class: 'ball-appears' }, t('forest.ball.appears', { time: when(p.appears) }))),
	);
}

async function collect() {
	state.busy.add('collect');
	renderMe();
	try {
		const r = await ucall('POST', '/api/v1/green/me/collect', {});
		const b = r.body || {};
		state.messages.set('collect', { ok: true, text: t('forest.collect.done', { grams: grams(b.grams) }) });
	} catch (e) {
		state.messages.set('collect', { ok: false, text: refusal(e) });
	}
	state.busy.delete('collect');
	await loadEnergy();
	$('collect-msg')?.focus();
	loadTotals();
}

function actionsTable(actions) {
	if (!actions.length) return h('p', { class: 'muted', id: 'actions-none' }, t('forest.actions.none'));
	return h(
		'div',
		{ class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'actions-caption' },
		h(
			'table',
			{ id: 'actions-table' },
			h('caption', { id: 'actions-caption' }, t('forest.actions.caption')),
			h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('forest.actions.kind')), h('th', { scope: 'col' }, t('forest.actions.day')), h('th', { scope: 'col', class: 'num' }, t('forest.actions.grams')), h('th', { scope: 'col' }, t('forest.actions.ref')))),
			h(
				'tbody',
				null,
				actions.map((a) =>
					h(
						'tr',
						{ dataset: { ref: str(a.ref), kind: str(a.kind) } },
						h('td', { class: 'kind' }, kindName(a.kind)),
						h('td', { class: 'day' }, h('time', { datetime: str(a.day) }, dayName(a.day))),
						h('td', { class: 'num grams' }, grams(a.grams)),
						h('td', { class: 'ref' }, h('code', { class: 'hash' }, str(a.ref)), a.index !== undefined && a.index !== null ? [' ', entryLink(a.index)] : null),
					),
				),
			),
		),
	);
}

function myTrees(trees) {
	if (!trees.length) return h('p', { class: 'muted', id: 'trees-none' }, t('forest.trees.none'));
	const byId = new Map(state.species.items.map((s) => [s.id, s]));
	return h(
		'ul',
		{ class: 'items', id: 'my-trees' },
		trees.map((x) =>
			h(
				'li',
				{ class: 'item', id: `tree-${str(x.tree)}`, dataset: { tree: str(x.tree), status: str(x.status) } },
				h('p', { class: 'item-title' }, t('forest.trees.item', { n: str(x.tree), species: speciesName(byId.get(x.species), x.species) }), ' ', treeBadge(x.status)),
				h('p', null, h('a', { href: certHref(x.tree), class: 'cert-link' }, t('forest.trees.cert', { n: str(x.tree) }))),
			),
		),
	);
}

function renderMe() {
	const body = $('me-body');
	if (!state.me) {
		body.replaceChildren();
		return;
	}
	const e = state.energy;
	const signOutBtn = h('button', { type: 'button', class: 'secondary', id: 'sign-out' }, t('forest.me.signout'));
	signOutBtn.addEventListener('click', signOut);
	const copyRef = h('button', { type: 'button', class: 'secondary', id: 'ref-copy' }, t('forest.ref.copy'));
	copyRef.addEventListener('click', () => copy(state.me.ref, 'ref-copied', 'my-ref'));
	const copyKey = h('button', { type: 'button', class: 'secondary', id: 'key-copy-again' }, t('forest.key.copy'));
	copyKey.addEventListener('click', () => copy(state.me.key, 'key-again-status', 'my-key-value'));
	const parts = [
		h('h3', { id: 'ref-h3' }, t('forest.ref.h3')),
		h('p', { class: 'hint', id: 'ref-hint' }, t('forest.ref.hint')),
		h('p', { class: 'keyline' }, h('code', { class: 'hash', id: 'my-ref' }, state.me.ref)),
		h('div', { class: 'input-row' }, copyRef),
		h('p', { class: 'status', role: 'status', id: 'ref-copied' }),
		h(
			'details',
			{ class: 'my-key' },
			h('summary', null, t('forest.me.key.show')),
			h('p', { class: 'muted' }, t('forest.me.key.note')),
			h('p', { class: 'keyline' }, h('code', { class: 'hash', id: 'my-key-value' }, state.me.key)),
			copyKey,
			h('p', { class: 'status', role: 'status', id: 'key-again-status' }),
		),
		h('p', { class: 'hint' }, t('forest.me.signout.hint')),
		signOutBtn,
	];
	if (state.energyError) parts.push(h('p', { class: 'error', id: 'energy-error' }, refusal(state.energyError)));
	else if (!e) parts.push(h('p', { class: 'muted' }, t('common.loading')));
	else {
		const collectable = Array.isArray(e.collectable) ? e.collectable : [];
		const pending = Array.isArray(e.pending) ? e.pending : [];
		const collectBtn = h('button', { type: 'button', id: 'collect-btn', disabled: state.busy.has('collect') }, t('forest.collect'));
		collectBtn.addEventListener('click', collect);
		parts.push(
			h('h3', { id: 'balance-h3' }, t('forest.balance.h3')),
			h(
				'dl',
				{ class: 'fields figures', id: 'my-figures' },
				h('dt', null, t('forest.balance')),
				h('dd', { id: 'my-balance', dataset: { grams: str(e.balance) } }, grams(e.balance)),
				h('dt', null, t('forest.collected')),
				h('dd', { id: 'my-collected' }, grams(e.collected)),
				h('dt', null, t('forest.spent')),
				h('dd', { id: 'my-spent' }, grams(e.spent)),
			),
			h('h3', { id: 'collect-h3' }, t('forest.collectable.h3')),
			collectable.length
				? h('ul', { class: 'energy-balls', id: 'balls', 'aria-labelledby': 'collect-h3' }, collectable.map(ball))
				: h('p', { class: 'muted', id: 'balls-none' }, t('forest.collectable.none')),
			h('p', { class: 'hint' }, t('forest.collectable.hint')),
			collectBtn,
			messageLine('collect'),
			h('h3', { id: 'pending-h3' }, t('forest.pending.h3')),
			pending.length
				? h('ul', { class: 'energy-balls', id: 'pending', 'aria-labelledby': 'pending-h3' }, pending.map(pendingItem))
				: h('p', { class: 'muted', id: 'pending-none' }, t('forest.pending.none')),
			h('h3', { id: 'trees-h3' }, t('forest.trees.h3')),
			myTrees(Array.isArray(e.trees) ? e.trees : []),
			h('h3', { id: 'actions-h3' }, t('forest.actions.h3')),
			h('p', { class: 'hint' }, t('forest.actions.hint')),
			actionsTable(Array.isArray(e.actions) ? e.actions : []),
		);
	}
	body.replaceChildren(...parts);
}

/* ---------- the tree ---------- */

async function redeem() {
	const s = state.species.items.find((x) => x.id === state.chosen);
	if (!s) return;
	state.busy.add('redeem');
	renderTree();
	try {
		const r = await ucall('POST', '/api/v1/green/me/trees', { species: s.id });
		const b = r.body || {};
		const n = b.tree ?? b.index;
		state.messages.set('redeem', {
			ok: true,
			text: h('span', null, t('forest.redeem.done', { n: str(n), species: speciesName(s), partner: orgLabel(s.planter, s.planterName) }), ' ', h('a', { href: certHref(n), id: 'redeem-cert' }, t('forest.trees.cert', { n: str(n) }))),
		});
	} catch (e) {
		state.messages.set('redeem', { ok: false, text: refusal(e) });
	}
	state.busy.delete('redeem');
	await loadEnergy();
	$('redeem-msg')?.focus();
	loadTotals();
}

function renderTree() {
	$('tree-section').hidden = !state.me;
	const body = $('tree-body');
	if (!state.me) {
		body.replaceChildren();
		return;
	}
	if (state.species.error) {
		body.replaceChildren(h('p', { class: 'error' }, t('forest.species.err', { detail: errText(state.species.error) })));
		return;
	}
	const avail = state.species.items.filter((s) => s.available !== false);
	if (!avail.length) {
		body.replaceChildren(h('p', { class: 'muted', id: 'species-none' }, t('forest.species.none')), messageLine('redeem'));
		return;
	}
	const s = avail.find((x) => x.id === state.chosen) || avail[0];
	const select = h(
		'select',
		{ id: 'species-select', 'aria-describedby': 'species-about' },
		avail.map((x) => h('option', { value: x.id, selected: x.id === s.id }, t('forest.species.option', { name: speciesName(x), cost: grams(x.cost) }))),
	);
	select.value = s.id;
	select.addEventListener('change', () => {
		state.chosen = select.value;
		keep(SPECIES_STORE, select.value);
		state.messages.delete('redeem');
		renderTree();
		$('species-select').focus();
	});
	const balance = Number(state.energy?.balance) || 0;
	const cost = Number(s.cost) || 0;
	const stage = stageOf(balance, cost);
	const p = percent(Math.min(balance, cost), cost);
	const ready = cost > 0 && balance >= cost;
	const progressText = ready
		? t('forest.tree.ready', { balance: grams(balance), cost: grams(cost), species: speciesName(s) })
		: t('forest.tree.progress', { balance: grams(balance), cost: grams(cost), percent: p.text || '0%', missing: grams(cost - balance) });
	const label = t('forest.tree.alt', { species: speciesName(s), stage, stages: STAGES, percent: p.text || '0%', stageName: t(`forest.tree.stage.${stage}`) });
	const btn = h('button', { type: 'button', id: 'redeem-btn', disabled: !ready || !state.energy || state.busy.has('redeem'), 'aria-describedby': 'tree-progress-text' }, t('forest.redeem', { species: speciesName(s) }));
	btn.addEventListener('click', redeem);
	const about = [
		s.region ? t('forest.species.region', { region: str(s.region) }) : null,
		t('forest.species.partner', { partner: orgLabel(s.planter, s.planterName) }),
		s.description ? str(s.description) : null,
	].filter(Boolean);
	body.replaceChildren(
		h('div', { class: 'field' }, h('label', { for: 'species-select' }, t('forest.species.label')), select),
		h('p', { class: 'muted', id: 'species-about' }, about.join(' · ')),
		h(
			'figure',
			{ class: 'tree-figure', id: 'tree-figure', dataset: { stage: String(stage), species: s.id } },
			treeSvg(document, stage, label),
			h(
				'figcaption',
				null,
				h('p', { class: 'tree-stage', id: 'tree-stage' }, t(`forest.tree.stage.${stage}`)),
				h('progress', { id: 'tree-progress', class: 'goal-bar', max: String(cost || 1), value: String(Math.min(balance, cost || 1)), 'aria-labelledby': 'tree-h2', 'aria-describedby': 'tree-progress-text' }),
				h('p', { class: 'goal-text', id: 'tree-progress-text' }, progressText),
			),
		),
		btn,
		messageLine('redeem'),
	);
}

/* ---------- sponsor pools ---------- */

function campaignsOf(p) {
	const list = Array.isArray(p.campaigns) ? p.campaigns : [];
	return list.map((c) => (c && typeof c === 'object' ? str(c.campaign ?? c.id) : str(c))).filter(Boolean);
}

/** The number of decimal places of a currency, as the browser knows it. */
function minorUnit(currency) {
	try {
		return new Intl.NumberFormat('en', { style: 'currency', currency: str(currency) }).resolvedOptions().maximumFractionDigits;
	} catch {
		return 2;
	}
}

const poolMoney = (p, amount) => money(amount, p.currency, minorUnit(p.currency));

function poolOpen(p) {
	if (typeof p.status === 'string') return p.status === 'open';
	if (p.closed === true) return false;
	return !p.ends || !(Date.parse(p.ends) <= Date.now());
}

function poolForm(p) {
	const f = state.poolForms.get(p.id) || {};
	state.poolForms.set(p.id, f);
	const id = `pool-${p.id}`;
	const campaigns = campaignsOf(p);
	const cSel = h(
		'select',
		{ id: `${id}-campaign` },
		campaigns.map((c) => h('option', { value: c }, p.campaignTitles?.[c] && p.campaignTitles[c] !== c ? `${p.campaignTitles[c]} (${c})` : c)),
	);
	if (campaigns.includes(f.campaign)) cSel.value = f.campaign;
	f.campaign = cSel.value;
	cSel.addEventListener('change', () => (f.campaign = cSel.value));
	const fields = [h('div', { class: 'field' }, h('label', { for: cSel.id }, t('forest.pool.campaign')), cSel)];
	let usable = campaigns.length > 0;
	if (p.per_action) {
		const kinds = Array.isArray(p.per_action.kinds) ? p.per_action.kinds : [];
		const mine = (Array.isArray(state.energy?.actions) ? state.energy.actions : []).filter((a) => kinds.includes(a.kind));
		if (mine.length) {
			const aSel = h(
				'select',
				{ id: `${id}-action` },
				mine.map((a) => h('option', { value: str(a.ref) }, t('forest.pool.actionOption', { kind: kindName(a.kind), day: dayName(a.day), grams: grams(a.grams), ref: str(a.ref).slice(0, 8) }))),
			);
			if (mine.some((a) => a.ref === f.action)) aSel.value = f.action;
			f.action = aSel.value;
			aSel.addEventListener('change', () => (f.action = aSel.value));
			fields.push(h('div', { class: 'field' }, h('label', { for: aSel.id }, t('forest.pool.action')), aSel));
		} else {
			usable = false;
			fields.push(h('p', { class: 'muted', id: `${id}-noaction` }, t('forest.pool.noAction')));
		}
	} else if (p.per_energy) {
		const gIn = h('input', { type: 'text', id: `${id}-grams`, inputmode: 'numeric', maxlength: '9', class: 'short', 'aria-describedby': `${id}-grams-hint ${id}-grams-error`, value: f.grams ?? str(p.per_energy.grams) });
		f.grams = gIn.value;
		gIn.addEventListener('input', () => (f.grams = gIn.value));
		fields.push(
			h(
				'div',
				{ class: 'field' },
				h('label', { for: gIn.id }, t('forest.pool.grams')),
				h('p', { class: 'hint', id: `${id}-grams-hint` }, t('forest.pool.gramsHint', { grams: grams(p.per_energy.grams), balance: grams(state.energy?.balance ?? 0) })),
				gIn,
				h('p', { class: 'error', id: `${id}-grams-error` }),
			),
		);
	}
	const btn = h('button', { type: 'submit', id: `${id}-unlock`, disabled: !usable || state.busy.has(id) }, t('forest.pool.unlock'), h('span', { class: 'visually-hidden' }, ` ${str(p.name || p.id)}`));
	const form = h('form', { class: 'vol-form pool-form', novalidate: true }, fields, btn);
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		unlock(p);
	});
	return form;
}

async function unlock(p) {
	const id = `pool-${p.id}`;
	const f = state.poolForms.get(p.id) || {};
	const body = { campaign: f.campaign };
	if (p.per_action) body.action = f.action;
	else if (p.per_energy) {
		const g = str(f.grams).trim();
		if (!/^\d{1,9}$/.test(g) || Number(g) <= 0) {
			const input = $(`${id}-grams`);
			input.setAttribute('aria-invalid', 'true');
			$(`${id}-grams-error`).textContent = t('forest.pool.gramsBad');
			input.focus();
			return;
		}
		body.grams = Number(g);
	}
	state.busy.add(id);
	renderPools();
	try {
		const r = await ucall('POST', `/api/v1/green/pools/${encodeURIComponent(p.id)}/unlock`, body);
		const b = r.body || {};
		const campaign = p.campaignTitles?.[f.campaign] || f.campaign;
		state.messages.set(id, {
			ok: true,
			text: h(
				'span',
				null,
				t('forest.pool.done', { amount: poolMoney(p, b.amount), campaign, sponsor: orgLabel(p.sponsor, p.sponsorName) }),
				b.receipt ? [' ', h('a', { href: `/receipt?code=${encodeURIComponent(str(b.receipt))}`, class: 'pool-receipt' }, t('forest.pool.receipt'))] : null,
			),
		});
	} catch (e) {
		state.messages.set(id, { ok: false, text: refusal(e) });
	}
	state.busy.delete(id);
	await Promise.all([loadPools(), loadEnergy()]);
	$(`${id}-msg`)?.focus();
	loadTotals();
}

function poolCard(p) {
	const id = `pool-${p.id}`;
	const terms = p.per_action
		? t('forest.pool.perAction', { amount: poolMoney(p, p.per_action.amount), kinds: (Array.isArray(p.per_action.kinds) ? p.per_action.kinds : []).map(kindName).join(t('forest.list.sep')) })
		: p.per_energy
			? t('forest.pool.perEnergy', { amount: poolMoney(p, p.per_energy.amount), grams: grams(p.per_energy.grams) })
			: '';
	const left = p.left ?? (Number(p.budget) - Number(p.unlocked) || 0);
	const bar = percent(p.unlocked, p.budget);
	const rows = [
		['forest.pool.sponsor', orgLabel(p.sponsor, p.sponsorName)],
		['forest.pool.terms', terms],
		['forest.pool.budget', t('forest.pool.budgetText', { unlocked: poolMoney(p, p.unlocked ?? 0), budget: poolMoney(p, p.budget), left: poolMoney(p, left) })],
		['forest.pool.cap', p.user_cap ? t('forest.pool.capText', { cap: poolMoney(p, p.user_cap) }) : null],
		['forest.pool.ends', p.ends ? when(p.ends) : null],
	].filter(([, v]) => v);
	return h(
		'li',
		{ class: 'opp-card pool-card', id, dataset: { pool: p.id } },
		h('h3', { class: 'opp-title' }, str(p.name || p.id)),
		h('dl', { class: 'fields compact' }, rows.flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', { dataset: { field: k.split('.').pop() } }, v)])),
		h('progress', { class: 'goal-bar', max: '100', value: String(bar.value), 'aria-label': t('forest.pool.barLabel', { name: str(p.name || p.id) }) }),
		state.me && state.energy ? poolForm(p) : !state.me ? h('p', { class: 'hint' }, t('forest.pool.signInFirst')) : null,
		messageLine(id),
	);
}

function renderPools() {
	const body = $('pools-body');
	const ps = state.pools;
	body.setAttribute('aria-busy', ps.loading ? 'true' : 'false');
	if (ps.loading && !ps.items.length) return;
	if (ps.error) {
		body.replaceChildren(h('p', { class: 'error', id: 'pools-error' }, t('forest.pools.err', { detail: errText(ps.error) })));
		return;
	}
	const open = ps.items.filter(poolOpen);
	body.replaceChildren(open.length ? h('ul', { class: 'opp-list', id: 'pool-list' }, open.map(poolCard)) : h('p', { class: 'muted', id: 'pools-none' }, t('forest.pools.none')));
}

/* ---------- the public totals ---------- */

function table(id, captionKey, cols, rows) {
	return h(
		'div',
		{ class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-caption` },
		h(
			'table',
			{ id },
			h('caption', { id: `${id}-caption` }, t(captionKey)),
			h('thead', null, h('tr', null, cols.map(([k, isNum]) => h('th', { scope: 'col', class: isNum ? 'num' : null }, t(k))))),
			h(
				'tbody',
				null,
				rows.length
					? rows.map((r) => h('tr', { dataset: { id: r.id } }, r.cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: cols[i][1] ? 'num' : null }, c)))))
					: h('tr', null, h('td', { colspan: String(cols.length), class: 'muted' }, t('forest.totals.empty'))),
			),
		),
	);
}

function figures(id, items) {
	return h('dl', { class: 'fields figures', id }, items.flatMap(([key, value, name]) => [h('dt', null, t(key)), h('dd', { dataset: { figure: name } }, value)]));
}

function renderTotals() {
	const body = $('totals-body');
	const tt = state.totals;
	body.setAttribute('aria-busy', tt.loading ? 'true' : 'false');
	if (tt.loading) return;
	if (tt.error) {
		body.replaceChildren(h('p', { class: 'error', id: 'totals-error' }, t('forest.totals.err', { detail: errText(tt.error) })));
		return;
	}
	const d = tt.data || {};
	const en = d.energy || {};
	const tr = d.trees || {};
	const names = tt.names || {};
	const partner = (p) => orgLabel(p, names[p]);
	const species = new Map(state.species.items.map((s) => [s.id, s]));
	const sites = new Map(state.sites.filter((s) => s && s.id).map((s) => [s.id, s]));
	const n = (x) => num(x ?? 0);
	body.replaceChildren(
		h('h3', { id: 'totals-energy-h3' }, t('forest.totals.energy')),
		figures('totals-energy', [
			['forest.totals.credited', grams(en.credited ?? 0), 'credited'],
			['forest.totals.collected', grams(en.collected ?? 0), 'collected'],
			['forest.totals.expired', grams(en.expired ?? 0), 'expired'],
			['forest.totals.spent', grams(en.spent ?? 0), 'spent'],
			['forest.totals.pending', grams(en.pending ?? 0), 'pending'],
			['forest.totals.actions', n(en.actions), 'actions'],
		]),
		table(
			'totals-kinds',
			'forest.totals.kinds',
			[['forest.totals.col.kind'], ['forest.totals.col.actions', true], ['forest.totals.col.grams', true]],
			listOf(en.kinds, 'kinds').map((k) => ({ id: str(k.kind), cells: [kindName(k.kind), n(k.actions), grams(k.grams ?? 0)] })),
		),
		h('h3', { id: 'totals-trees-h3' }, t('forest.totals.trees')),
		figures('totals-trees', [
			['forest.totals.ordered', n(tr.ordered), 'ordered'],
			['forest.totals.planted', n(tr.planted), 'planted'],
			['forest.totals.surviving', n(tr.surviving), 'surviving'],
		]),
		table(
			'totals-species',
			'forest.totals.species',
			[['forest.totals.col.species'], ['forest.totals.col.partner'], ['forest.totals.col.ordered', true], ['forest.totals.col.planted', true], ['forest.totals.col.surviving', true]],
			listOf(d.species, 'species').map((s) => ({ id: str(s.id), cells: [speciesName(species.get(s.id), s.id), partner(s.planter), n(s.ordered), n(s.planted), n(s.surviving)] })),
		),
		table(
			'totals-sites',
			'forest.totals.sites',
			[['forest.totals.col.site'], ['forest.totals.col.partner'], ['forest.totals.col.plantings', true], ['forest.totals.col.planted', true], ['forest.totals.col.surviving', true]],
			listOf(d.sites, 'sites').map((s) => {
				const site = sites.get(s.id);
				return { id: str(s.id), cells: [site?.name ? `${site.name} (${s.id})` : str(s.id), partner(s.planter), n(s.plantings), n(s.planted), n(s.surviving)] };
			}),
		),
		table(
			'totals-partners',
			'forest.totals.partners',
			[['forest.totals.col.partner'], ['forest.totals.col.ordered', true], ['forest.totals.col.planted', true], ['forest.totals.col.surviving', true]],
			listOf(d.partners, 'partners').map((p) => ({ id: str(p.planter), cells: [partner(p.planter), n(p.ordered), n(p.planted), n(p.surviving)] })),
		),
		d.as_of ? h('p', { class: 'muted', id: 'totals-as-of' }, t('forest.totals.asOf', { time: when(d.as_of) })) : null,
	);
}

/* ---------- copying ---------- */

async function copy(text, statusId, codeId) {
	const status = $(statusId);
	try {
		await navigator.clipboard.writeText(text);
		status.textContent = t('forest.copied');
	} catch {
		// Select it, for the reader to copy.
		const code = $(codeId);
		if (code) {
			const range = document.createRange();
			range.selectNodeContents(code);
			const sel = getSelection();
			sel.removeAllRanges();
			sel.addRange(range);
		}
		status.textContent = t('forest.selected');
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
	renderMe();
	renderTree();
	renderPools();
	renderTotals();
}

async function main() {
	initSite();
	state.me = loadMe();
	onLangChange(renderAll);
	$('join-form').addEventListener('submit', register);
	$('signin-form').addEventListener('submit', signIn);
	$('key-copy').addEventListener('click', () => copy(state.newKey, 'key-copied', 'key-value'));
	$('key-done').addEventListener('click', () => {
		state.newKey = null;
		renderShell();
		$('me-h2').focus();
	});
	renderAll();
	await Promise.all([loadSpecies(), loadPools(), loadTotals(), state.me ? loadEnergy() : null]);
	document.documentElement.dataset.ready = 'true';
}

main();
