// The home page and the site shell in Chromium against the real server:
// both languages, the remembered choice, keyboard navigation, the security
// headers the pages live under.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { STRINGS } from '../../web/assets/i18n.js';
import { NAV } from '../../web/assets/site.js';
import { startServer, seed, launchBrowser, newPage } from './helpers.mjs';

const T = { timeout: 60000 }; // each test
const SUITE = { timeout: 600000 }; // all the tests of a describe()

let server;
let browser;

before(async () => {
	server = await startServer();
	await seed(server, 2);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

async function done(page) {
	const problems = page.problems;
	await page.context().close();
	assert.deepEqual(problems, [], 'no console errors (CSP violations) or page errors');
}

const h1 = (page) => page.locator('h1').textContent();
const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);

// English texts that must not show on a Chinese page (long enough not to
// be a name or a code).
function englishLeftOn(text) {
	return Object.entries(STRINGS.en)
		.filter(([k, v]) => v.length > 12 && STRINGS.zh[k] !== v && !v.includes('{'))
		.filter(([, v]) => text.includes(v))
		.map(([k]) => k);
}

describe('home page and shell', SUITE, () => {
	test('the pages are served under a strict content security policy', T, async () => {
		for (const path of ['/', '/explorer', '/check', '/campaigns', '/campaigns/any-id', '/receipt', '/volunteer', '/volunteer/certificate', '/forest', '/forest/tree']) {
			const res = await fetch(server.url + path);
			assert.equal(res.status, 200, path);
			assert.match(res.headers.get('content-type'), /^text\/html/);
			const csp = res.headers.get('content-security-policy') || '';
			assert.match(csp, /default-src 'self'/, `${path}: CSP`);
			const html = await res.text();
			assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, `${path}: no inline script`);
			assert.doesNotMatch(html, /\sstyle=|<style/, `${path}: no inline style`);
			assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, `${path}: nothing from elsewhere`);
		}
		for (const asset of ['/assets/site.css', '/assets/site.js', '/assets/i18n.js', '/assets/merkle.js', '/assets/explorer.js', '/assets/check.js', '/assets/checks.js', '/assets/home.js', '/assets/give.js', '/assets/campaigns.js', '/assets/campaign.js', '/assets/receipt.js', '/assets/vol.js', '/assets/volunteer.js', '/assets/volunteer-certificate.js', '/assets/qr.js', '/assets/forest.js', '/assets/forest-common.js', '/assets/forest-draw.js', '/assets/forest-tree.js', '/assets/entry-proof.js', '/assets/favicon.svg']) {
			const res = await fetch(server.url + asset);
			assert.equal(res.status, 200, asset);
		}
	});

	test('renders in English for an English browser', T, async () => {
		const page = await newPage(browser, { locale: 'en-US' });
		await page.goto(`${server.url}/`);
		assert.equal(await h1(page), STRINGS.en['home.h1']);
		assert.equal(await htmlLang(page), 'en');
		assert.equal(await page.title(), STRINGS.en['home.title']);
		for (const l of ['header', 'nav', 'main', 'footer']) assert.equal(await page.locator(l).count(), 1, l);
		const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
		assert.deepEqual(await links.allTextContents(), NAV.map((p) => STRINGS.en[p.key]));
		assert.equal(await page.getByRole('link', { name: 'Home', exact: true }).getAttribute('aria-current'), 'page');
		// The modules with a page link to it; the others are shown as coming.
		assert.equal(await page.locator('#modules .module').count(), 5);
		assert.deepEqual(await page.locator('#modules .module-status').allTextContents(), ['Open', 'Open', 'Open', 'Open', 'Coming soon']);
		assert.equal(await page.getByRole('link', { name: 'Vaccine & medicine safety check' }).getAttribute('href'), '/check');
		assert.equal(await page.getByRole('link', { name: 'Transparent donations' }).getAttribute('href'), '/campaigns');
		assert.equal(await page.locator('#modules').getByRole('link', { name: 'Volunteering' }).getAttribute('href'), '/volunteer');
		assert.equal(await page.locator('#modules').getByRole('link', { name: 'Green energy & trees' }).getAttribute('href'), '/forest');
		assert.equal(await page.getByRole('link', { name: 'Check a vaccine or medicine' }).getAttribute('href'), '/check');
		assert.equal(await page.getByLabel('Language').inputValue(), 'en');
		await done(page);
	});

	test('renders in Chinese for a Chinese browser, every text translated', T, async () => {
		const page = await newPage(browser, { locale: 'zh-CN' });
		for (const path of ['/', '/explorer', '/check', '/campaigns', '/receipt', '/volunteer', '/volunteer/certificate', '/forest', '/forest/tree']) {
			await page.goto(server.url + path);
			if (path !== '/') await page.waitForSelector('html[data-ready="true"]');
			assert.equal(await htmlLang(page), 'zh-CN');
			const text = await page.locator('body').innerText();
			assert.deepEqual(englishLeftOn(text), [], `${path}: English text left`);
			assert.deepEqual(englishLeftOn(await page.title()), []);
		}
		await page.goto(`${server.url}/`);
		assert.equal(await h1(page), STRINGS.zh['home.h1']);
		assert.deepEqual(await page.locator('#modules .module-status').allTextContents(), ['可以使用', '可以使用', '可以使用', '可以使用', '即将推出']);
		await done(page);
	});

	test('the language choice is remembered across reloads and pages', T, async () => {
		const page = await newPage(browser, { locale: 'en-GB' });
		await page.goto(`${server.url}/`);
		assert.equal(await h1(page), STRINGS.en['home.h1']);
		await page.getByLabel('Language').selectOption('zh');
		assert.equal(await h1(page), STRINGS.zh['home.h1']);
		assert.equal(await htmlLang(page), 'zh-CN');
		assert.equal(await page.title(), STRINGS.zh['home.title']);
		assert.equal(await page.evaluate(() => localStorage.getItem('goodtrace.lang')), 'zh');

		await page.reload();
		assert.equal(await h1(page), STRINGS.zh['home.h1']);
		assert.equal(await page.getByLabel('语言').inputValue(), 'zh');

		await page.getByRole('link', { name: STRINGS.zh['nav.explorer'] }).click();
		await page.waitForURL('**/explorer');
		assert.equal(await h1(page), STRINGS.zh['explorer.h1']);

		await page.getByLabel('语言').selectOption('en');
		await page.reload();
		assert.equal(await h1(page), STRINGS.en['explorer.h1']);
		assert.equal(await htmlLang(page), 'en');
		await done(page);
	});

	test('the navigation works by keyboard, with a visible focus', T, async () => {
		const page = await newPage(browser);
		await page.goto(`${server.url}/`);
		const focused = () =>
			page.evaluate(() => {
				const el = document.activeElement;
				const cs = getComputedStyle(el);
				return { text: el.textContent.trim(), tag: el.tagName, id: el.id, outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
			});

		// First stop: the skip link, shown when focused; it moves focus to main.
		await page.keyboard.press('Tab');
		let f = await focused();
		assert.equal(f.text, 'Skip to main content');
		assert.ok(f.outline, 'focus is visible');
		assert.ok(await page.locator('.skip-link').isVisible());
		await page.keyboard.press('Enter');
		assert.equal((await focused()).id, 'main');

		// Then the brand, every nav link in order, the language switch.
		await page.goto(`${server.url}/`);
		await page.keyboard.press('Tab');
		await page.keyboard.press('Tab');
		assert.equal((await focused()).text, 'goodtrace');
		for (const p of NAV) {
			await page.keyboard.press('Tab');
			f = await focused();
			assert.equal(f.text, STRINGS.en[p.key]);
			assert.ok(f.outline, `focus visible on ${f.text}`);
		}
		await page.keyboard.press('Tab');
		assert.equal((await focused()).id, 'lang-select');

		// Enter on the last nav link opens its page.
		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('Enter');
		await page.waitForURL(`**${NAV[NAV.length - 1].href}`);
		assert.equal(await page.getByRole('link', { name: STRINGS.en[NAV[NAV.length - 1].key], exact: true }).getAttribute('aria-current'), 'page');

		// The language switch works from the keyboard too.
		await page.locator('#lang-select').focus();
		await page.keyboard.press('ArrowDown');
		await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
		await done(page);
	});

	test('an address with no page shows the site\'s 404 page, in the chosen language', T, async () => {
		const page = await newPage(browser, { locale: 'zh-CN' });
		const res = await page.goto(`${server.url}/no-such-page`);
		assert.equal(res.status(), 404);
		assert.match(res.headers()['content-type'], /^text\/html/);
		assert.equal(await h1(page), STRINGS.zh['notfound.h1']);
		assert.deepEqual(englishLeftOn(await page.locator('body').innerText()), []);
		await page.getByRole('link', { name: STRINGS.zh['notfound.home'] }).click();
		await page.waitForURL(`${server.url}/`);
		assert.equal(await h1(page), STRINGS.zh['home.h1']);
		// A client that does not ask for HTML gets problem+json.
		const api = await fetch(`${server.url}/no-such-page`);
		assert.equal(api.status, 404);
		assert.match(api.headers.get('content-type'), /^application\/problem\+json/);
		// The browser logs the 404 of the page itself (once); nothing else may go
		// wrong, and no asset of the 404 page may be missing.
		const notFound = page.problems.filter((p) => /status of 404/.test(p));
		assert.equal(notFound.length, 1, page.problems.join('\n'));
		page.problems = page.problems.filter((p) => !/status of 404/.test(p));
		await done(page);
	});

	test('the layout fits a phone screen', T, async () => {
		const page = await newPage(browser);
		await page.setViewportSize({ width: 360, height: 740 });
		for (const path of ['/', '/explorer?index=1']) {
			await page.goto(server.url + path);
			if (path !== '/') await page.waitForFunction(() => document.getElementById('lookup-outcome'));
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
			assert.ok(overflow <= 0, `${path}: the page scrolls sideways by ${overflow}px`);
		}
		await done(page);
	});
});
