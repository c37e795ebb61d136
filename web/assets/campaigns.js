// The list of campaigns (/campaigns, /campaigns?status=open): each with its
// title, charity, category, verification, status and progress toward its
// goal, from GET /api/v1/campaigns, page by page (`after`).

import { initSite, h } from './site.js';
import { t, onLangChange } from './i18n.js';
import {
	getJSON,
	errText,
	listOf,
	str,
	orgName,
	orgLabel,
	statusBadge,
	verificationBadge,
	progress,
} from './give.js';

const PAGE = 20;
const STATUSES = ['open', 'upcoming', 'ended', 'closed', 'suspended'];

const state = {
	status: '', // the filter: '' for all
	items: [], // campaigns shown, with .orgName and .accounts filled in
	nextAfter: null,
	loading: false,
	error: null,
};

const $ = (id) => document.getElementById(id);

/** The verification status of a campaign, whichever way the list gives it. */
const verificationOf = (c) => (c.verification && typeof c.verification === 'object' ? c.verification.status : c.verification);

/** The accounts of a campaign: from the list when it has them, else from its own page. */
async function accountsOf(c) {
	if (c.accounts && typeof c.accounts === 'object') return c.accounts;
	if (c.raised !== undefined) return { raised: c.raised };
	try {
		const full = await getJSON(`/api/v1/campaigns/${encodeURIComponent(str(c.id))}`);
		return full.accounts && typeof full.accounts === 'object' ? full.accounts : {};
	} catch {
		return {};
	}
}

async function load({ more }) {
	const params = new URLSearchParams({ limit: String(PAGE) });
	if (state.status) params.set('status', state.status);
	if (more && state.nextAfter) params.set('after', state.nextAfter);
	state.loading = true;
	state.error = null;
	if (!more) state.items = [];
	render();
	const asked = state.status;
	try {
		const body = await getJSON(`/api/v1/campaigns?${params}`);
		const list = listOf(body, 'campaigns').filter((c) => c && typeof c === 'object');
		await Promise.all(
			list.map(async (c) => {
				const [name, accounts] = await Promise.all([orgName(c.org), accountsOf(c)]);
				c.orgName = name;
				c.accounts = accounts;
			}),
		);
		if (asked !== state.status) return; // the filter changed meanwhile
		state.items = more ? [...state.items, ...list] : list;
		const next = body && !Array.isArray(body) ? body.next_after : null;
		state.nextAfter = next !== null && next !== undefined && next !== '' ? str(next) : null;
	} catch (e) {
		if (asked !== state.status) return;
		state.error = e;
	}
	state.loading = false;
	render();
}

function card(c) {
	const a = c.accounts || {};
	const rows = [
		['campaigns.f.charity', orgLabel(c.org, c.orgName)],
		['campaigns.f.category', c.category ? str(c.category) : null],
		['campaigns.f.verification', verificationBadge(verificationOf(c))],
		['campaigns.f.status', statusBadge(c.status)],
	].filter(([, v]) => v !== null && v !== '');
	return h(
		'li',
		{ class: 'campaign-card', dataset: { id: str(c.id), status: str(c.status) } },
		h('h2', { class: 'campaign-card-title' }, h('a', { href: `/campaigns/${encodeURIComponent(str(c.id))}` }, str(c.title || c.id))),
		h('dl', { class: 'fields compact' }, rows.flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)])),
		progress(a.raised ?? 0, c.goal, c.currency, c.minor_unit),
	);
}

function render() {
	const body = $('campaigns-body');
	body.setAttribute('aria-busy', state.loading ? 'true' : 'false');
	const parts = [];
	if (state.items.length) parts.push(h('ul', { class: 'campaign-list', id: 'campaign-list' }, state.items.map(card)));
	if (state.loading) parts.push(h('p', { class: 'muted' }, t('common.loading')));
	else if (state.error) parts.push(h('p', { class: 'error', id: 'campaigns-error' }, t('campaigns.err', { detail: errText(state.error) })));
	else if (!state.items.length)
		parts.push(h('p', { class: 'muted', id: 'campaigns-empty' }, t(state.status ? 'campaigns.emptyStatus' : 'campaigns.empty')));
	body.replaceChildren(...parts);
	$('campaigns-more').hidden = state.loading || !!state.error || !state.nextAfter;
}

async function main() {
	initSite();
	onLangChange(render);
	const want = new URLSearchParams(globalThis.location.search).get('status');
	state.status = STATUSES.includes(want) ? want : '';
	const select = $('filter-status');
	select.value = state.status;
	select.addEventListener('change', () => {
		state.status = STATUSES.includes(select.value) ? select.value : '';
		const url = new URL(globalThis.location.href);
		if (state.status) url.searchParams.set('status', state.status);
		else url.searchParams.delete('status');
		history.replaceState(null, '', url);
		load({ more: false });
	});
	$('filter-form').addEventListener('submit', (ev) => ev.preventDefault());
	$('campaigns-more').addEventListener('click', () => load({ more: true }));
	await load({ more: false });
	document.documentElement.dataset.ready = 'true';
}

main();
