// The site shell shared by every page: skip link, header with the
// navigation and the language switch, footer.
//
// NAV is the one list of pages: to add a page, add web/<name>.html (with
// <header id="site-header"> and <footer id="site-footer"> and a script that
// calls initSite()), one line here, and its strings in i18n.js.

import { LANGS, applyI18n, lang, setLang, t } from './i18n.js';

export const NAV = [
	{ href: '/', key: 'nav.home' },
	{ href: '/check', key: 'nav.check' },
	{ href: '/explorer', key: 'nav.explorer' },
	{ href: '/campaigns', key: 'nav.campaigns' },
	{ href: '/receipt', key: 'nav.receipt' },
	{ href: '/volunteer', key: 'nav.volunteer' },
	{ href: '/forest', key: 'nav.forest' },
];

/** Whether a page is on the site (used to show modules as "coming"). */
export function pageExists(href) {
	return NAV.some((p) => p.href === href);
}

/** The NAV href of the page at pathname ("/", "/index.html", "/explorer.html" …). */
export function currentHref(pathname = globalThis.location.pathname) {
	let p = pathname.replace(/\.html$/, '').replace(/\/+$/, '');
	if (p === '' || p === '/index') p = '/';
	return p;
}

/** aria-current of the NAV link href on the page here: "page" on that
 * page, "true" on a page under it (/campaigns/<id> under /campaigns). */
function navCurrent(href, here) {
	if (href === here) return 'page';
	return href !== '/' && here.startsWith(`${href}/`) ? 'true' : null;
}

/** Create an element: h('a', {href: '/', class: 'x'}, child, 'text', …). */
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false) continue;
		if (k === 'class') el.className = v;
		else if (k === 'dataset') Object.assign(el.dataset, v);
		else el.setAttribute(k, v === true ? '' : String(v));
	}
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false) continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

function renderHeader(header) {
	const here = currentHref();
	const skip = h('a', { class: 'skip-link', href: '#main', 'data-i18n': 'site.skip' });
	const brand = h(
		'a',
		{ class: 'brand', href: '/' },
		h('img', { src: '/assets/favicon.svg', alt: '', width: 28, height: 28 }),
		h('span', { class: 'brand-name' }, 'goodtrace'),
	);
	const tagline = h('span', { class: 'brand-tagline', 'data-i18n': 'site.tagline' });
	const list = h(
		'ul',
		{ class: 'nav-list' },
		NAV.map((p) =>
			h('li', null, h('a', { href: p.href, 'data-i18n': p.key, 'aria-current': navCurrent(p.href, here) })),
		),
	);
	const nav = h('nav', { class: 'site-nav', 'data-i18n-attr': 'aria-label:site.nav' }, list);

	const select = h(
		'select',
		{ id: 'lang-select', name: 'lang', autocomplete: 'off' },
		Object.entries(LANGS).map(([code, l]) => h('option', { value: code, lang: l.htmlLang }, l.label)),
	);
	select.value = lang();
	select.addEventListener('change', () => setLang(select.value));
	const switcher = h(
		'div',
		{ class: 'lang-switch' },
		h('label', { for: 'lang-select', 'data-i18n': 'site.lang' }),
		select,
	);

	header.replaceChildren(
		skip,
		h('div', { class: 'header-inner' }, h('div', { class: 'brand-block' }, brand, tagline), nav, switcher),
	);
}

function renderFooter(footer) {
	footer.replaceChildren(
		h(
			'div',
			{ class: 'footer-inner' },
			h('p', { 'data-i18n': 'site.footer.about' }),
			h(
				'p',
				null,
				h('span', { 'data-i18n': 'site.footer.links' }),
				h('span', { 'data-i18n': 'common.colon' }),
				h('a', { href: '/log/checkpoint', 'data-i18n': 'site.footer.checkpoint' }),
				' · ',
				h('a', { href: '/log/vkey', 'data-i18n': 'site.footer.vkey' }),
			),
			h('p', { 'data-i18n': 'site.footer.licence' }),
		),
	);
}

/** Build the shell and translate the page. Call once per page. */
export function initSite() {
	const header = document.getElementById('site-header');
	const footer = document.getElementById('site-footer');
	if (header) renderHeader(header);
	if (footer) renderFooter(footer);
	applyI18n();
	// The skip link moves focus to <main tabindex="-1">.
	const skip = document.querySelector('.skip-link');
	const main = document.getElementById('main');
	if (skip && main)
		skip.addEventListener('click', (ev) => {
			ev.preventDefault();
			main.focus();
		});
	document.documentElement.classList.add('js');
}

export { t };
