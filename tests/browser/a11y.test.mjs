// Accessibility: axe-core on every page in both languages, in the states a
// visitor sees (results, failures, errors), with no serious or critical
// violations; and headings that go in order. (axe is injected as an inline
// script, so these pages bypass the CSP; the other tests keep it.)

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import * as M from '../../web/assets/merkle.js';
import { NAV } from '../../web/assets/site.js';
import { startServer, seed, launchBrowser, newPage, axeViolations, api } from './helpers.mjs';
import { seedGive, CAMPAIGN } from './give-data.mjs';
import { seedVolunteer } from './vol-data.mjs';
import { seedGreen, makeUser, report, cstDay, DAY, POOLS } from './forest-data.mjs';

const T = { timeout: 90000 }; // each test
const SUITE = { timeout: 600000 }; // all the tests of a describe()

let server;
let browser;
let give;
let vol;
let green;

before(async () => {
	server = await startServer();
	await seed(server, 3);
	give = await seedGive(server);
	vol = await seedVolunteer(server);
	green = await seedGreen(server);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

async function check(page, what) {
	const v = await axeViolations(page);
	assert.deepEqual(v, [], `${what}: serious or critical axe violations:\n${JSON.stringify(v, null, 2)}`);
	// One h1, and no level skipped on the way down.
	const levels = await page.$$eval('h1, h2, h3, h4, h5, h6', (hs) => hs.map((x) => Number(x.tagName[1])));
	assert.equal(levels.filter((l) => l === 1).length, 1, `${what}: one h1`);
	for (let i = 1; i < levels.length; i++)
		assert.ok(levels[i] <= levels[i - 1] + 1, `${what}: heading h${levels[i]} after h${levels[i - 1]}`);
}

const ready = (page) => page.waitForSelector('html[data-ready="true"]');

for (const locale of ['en-US', 'zh-CN']) {
	describe(`axe-core, ${locale}`, SUITE, () => {
		test('every page in the navigation', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			for (const p of NAV) {
				await page.goto(server.url + p.href);
				if (p.href !== '/') await ready(page);
				await check(page, `${p.href} (${locale})`);
			}
			await page.context().close();
		});

		test('the page for an address with no page (404)', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			const res = await page.goto(`${server.url}/no-such-page`);
			assert.equal(res.status(), 404);
			await check(page, `404 page (${locale})`);
			await page.context().close();
		});

		test('the explorer with a verified entry, a key form and a phone screen', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			await page.goto(`${server.url}/explorer?index=1`);
			await ready(page);
			await page.waitForSelector('#lookup-outcome');
			await page.locator('#vkey-details summary').click();
			await check(page, `explorer with a result (${locale})`);
			await page.setViewportSize({ width: 360, height: 740 });
			await check(page, `explorer on a phone (${locale})`);
			await page.context().close();
		});

		test('a campaign with its charts and tables, the report form open, sent, and on a phone', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			await page.goto(`${server.url}/campaigns/${CAMPAIGN}`);
			await ready(page);
			await page.locator('#time-section summary').click();
			await page.locator('#report-open').click();
			await check(page, `campaign with the report form (${locale})`);
			await page.locator('#report-submit').click();
			await page.waitForFunction(() => document.getElementById('report-error').textContent !== '');
			await check(page, `campaign with a report error (${locale})`);
			await page.locator('#report-reason').selectOption('other');
			await page.locator('#report-submit').click();
			await page.waitForFunction(() => document.getElementById('report-thanks').textContent !== '');
			await check(page, `campaign with the report sent (${locale})`);
			await page.setViewportSize({ width: 360, height: 740 });
			await check(page, `campaign on a phone (${locale})`);
			await page.goto(`${server.url}/campaigns/no-such-campaign`);
			await ready(page);
			await check(page, `a campaign that does not exist (${locale})`);
			await page.context().close();
		});

		test('the receipt page verified, not verified, with no receipt, and on a phone', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			const { A, B } = give.donations;
			await page.goto(`${server.url}/receipt?code=${B.receipt}`);
			await ready(page);
			await page.waitForSelector('#receipt-verdict[data-outcome="pass"]');
			await page.locator('#proof-section summary').click();
			await check(page, `receipt verified (${locale})`);
			await page.setViewportSize({ width: 360, height: 740 });
			await check(page, `receipt on a phone (${locale})`);
			await page.route(
				(url) => new URL(url).pathname.startsWith('/api/v1/receipts/'),
				async (route) => {
					const response = await route.fetch();
					const json = await response.json();
					if (json.entry) json.entry.raw = `${json.entry.raw} `;
					await route.fulfill({ response, json });
				},
			);
			await page.goto(`${server.url}/receipt?code=${A.receipt}`);
			await ready(page);
			await page.waitForSelector('#receipt-verdict[data-outcome="fail"]');
			await check(page, `receipt not verified (${locale})`);
			await page.locator('#code-input').fill('0000-0000-0000');
			await page.locator('#code-input').press('Enter');
			await page.waitForFunction(() => document.getElementById('code-error').textContent !== '');
			await check(page, `no receipt with this code (${locale})`);
			await page.context().close();
		});

		test('the volunteering page: the registration with errors, a new key and matches, check-in, a QR code, on a phone', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			await page.goto(`${server.url}/volunteer`);
			await ready(page);
			await page.locator('#join-lat').fill('95');
			await page.locator('#join-submit').click();
			await page.waitForFunction(() => document.getElementById('join-lat-error').textContent !== '');
			await check(page, `volunteer page with form errors (${locale})`);
			await page.locator('#join-lat').fill('31.2204');
			await page.locator('#join-lon').fill('121.4637');
			await page.locator('#skill-rows .row-skill').selectOption('first-aid');
			await page.locator('#join-submit').click();
			await page.waitForSelector('#key-notice:not([hidden])');
			await page.waitForSelector('#match-list');
			await page.locator('.my-key summary').click();
			await check(page, `volunteer page with a new key and matches (${locale})`);
			await page.locator('#m-creek .slot-signup').first().click();
			await page.waitForFunction(() => document.getElementById('m-creek-msg').textContent !== '');
			await page.locator('#b-library .slot-signup').first().click();
			await page.waitForFunction(() => document.getElementById('b-library-msg').textContent !== '');
			await check(page, `volunteer page with a sign-up and a refusal (${locale})`);
			await page.goto(`${server.url}/volunteer?code=${vol.code}`);
			await ready(page);
			await page.locator('#checkin-btn').click();
			await page.waitForFunction(() => document.getElementById('checkin-result').textContent !== '');
			await page.locator('#qr-token').fill(vol.ngo);
			await page.locator('#qr-opportunity').fill('creek');
			await page.locator('#qr-slot').fill('now');
			await page.locator('#qr-submit').click();
			await page.waitForSelector('#qr-figure svg');
			await check(page, `volunteer page with a check-in and a QR code (${locale})`);
			// The organisation's sign-ups and sessions, with a session still open (the checker checked in;
			// already, for the second language) and its form sent without a note.
			await api(server, 'POST', '/api/v1/checkins', { token: vol.checker.key, body: { code: vol.code } });
			await page.locator('#ngo-open').click();
			await page.waitForSelector('#ngo-body[aria-busy="false"] #ngo-sessions-open button[data-close]');
			await page.locator('button[data-close]').first().click();
			await page.locator('.ngo-hours-form button[type="submit"]').click();
			await page.waitForSelector('.ngo-hours-form [aria-invalid="true"]');
			await check(page, `volunteer page with an organisation's sign-ups and sessions (${locale})`);
			await page.setViewportSize({ width: 360, height: 740 });
			await check(page, `volunteer page on a phone (${locale})`);
			await page.context().close();
		});

		test('the volunteering page with a dispute form, and the certificate verified, not verified and on a phone', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			await page.goto(`${server.url}/volunteer`);
			await ready(page);
			await page.locator('#signin-key').fill(vol.checker.key);
			await page.locator('#signin-submit').click();
			await page.waitForSelector('#me-section:not([hidden])');
			await page.waitForSelector('#sessions-h3');
			await page.waitForSelector('#match-list');
			const dispute = page.locator('button[data-dispute]');
			if (await dispute.count()) {
				await dispute.first().click();
				await page.locator('.dispute-form button[type="submit"]').click();
				await page.waitForFunction(() => document.querySelector('.dispute-form .error')?.textContent !== '');
			}
			await check(page, `volunteer page signed in with sessions (${locale})`);
			const cert = `${server.url}/volunteer/certificate?ref=${vol.certVol.ref}&year=${vol.year}`;
			await page.goto(cert);
			await ready(page);
			await page.waitForSelector('#cert-verdict[data-outcome="pass"]');
			await page.locator('.proof-session summary').first().click();
			await check(page, `certificate verified (${locale})`);
			await page.setViewportSize({ width: 360, height: 740 });
			await check(page, `certificate on a phone (${locale})`);
			await page.route(
				(url) => new URL(url).pathname.startsWith('/api/v1/certificates/'),
				async (route) => {
					const response = await route.fetch();
					const json = await response.json();
					json.items[0].minutes += 60;
					await route.fulfill({ response, json });
				},
			);
			await page.goto(cert);
			await ready(page);
			await page.waitForSelector('#cert-verdict[data-outcome="fail"]');
			await check(page, `certificate not verified (${locale})`);
			await page.locator('#cert-ref').fill('nobody');
			await page.locator('#cert-submit').click();
			await page.waitForFunction(() => document.getElementById('cert-error').textContent !== '');
			await check(page, `certificate with a wrong reference (${locale})`);
			await page.context().close();
		});

		test('the forest page: a new key, energy to collect and on its way, a collection and a refusal, pools, on a phone', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			await page.goto(`${server.url}/forest`);
			await ready(page);
			await page.locator('#join-submit').click();
			await page.waitForSelector('#key-notice:not([hidden])');
			await page.waitForSelector('#tree-figure');
			await page.locator('.my-key summary').click();
			await check(page, `forest page with a new key (${locale})`);
			// Signed in as a user with energy reported yesterday and today.
			const u = await makeUser(server);
			await report(server, green.app, [
				{ user: u.ref, kind: 'walk', quantity: 12000, day: cstDay(Date.now() - DAY) },
				{ user: u.ref, kind: 'metro', quantity: 2, day: cstDay(Date.now() - DAY) },
				{ user: u.ref, kind: 'bus', quantity: 1 },
			]);
			await page.evaluate((me) => localStorage.setItem('goodtrace.green', me), JSON.stringify({ id: u.id, key: u.key, ref: u.ref }));
			await page.reload();
			await ready(page);
			await page.waitForSelector('#balls');
			await page.waitForSelector('#pending');
			await page.waitForSelector('#pool-list form');
			await check(page, `forest page with energy to collect (${locale})`);
			await page.locator('#collect-btn').click();
			await page.waitForFunction(() => document.getElementById('collect-msg')?.textContent !== '');
			await page.locator('#collect-btn').click();
			await page.waitForFunction(() => document.getElementById('collect-msg')?.className === 'error');
			await page.locator(`#pool-${POOLS.metro}-unlock`).click();
			await page.waitForFunction((id) => document.getElementById(id)?.textContent !== '', `pool-${POOLS.metro}-msg`);
			await page.locator(`#pool-${POOLS.metro}-unlock`).click();
			await page.waitForFunction((id) => document.getElementById(id)?.className === 'error', `pool-${POOLS.metro}-msg`);
			await page.locator(`#pool-${POOLS.energy}-grams`).fill('x');
			await page.locator(`#pool-${POOLS.energy}-unlock`).click();
			await page.waitForFunction((id) => document.getElementById(id)?.textContent !== '', `pool-${POOLS.energy}-grams-error`);
			await check(page, `forest page with a collection, refusals and a form error (${locale})`);
			await page.setViewportSize({ width: 360, height: 740 });
			await check(page, `forest page on a phone (${locale})`);
			await page.context().close();
		});

		test('a tree\'s certificate verified, not verified, with no such tree, and on a phone', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			const cert = `${server.url}/forest/tree?n=${green.tree}`;
			await page.goto(cert);
			await ready(page);
			await page.waitForSelector('#tcert-verdict[data-outcome="pass"]');
			await page.locator('.proof-item summary').first().click();
			await check(page, `tree certificate verified (${locale})`);
			await page.setViewportSize({ width: 360, height: 740 });
			await check(page, `tree certificate on a phone (${locale})`);
			await page.route(
				(url) => /^\/api\/v1\/green\/trees\/\d+$/.test(new URL(url).pathname),
				async (route) => {
					const response = await route.fetch();
					const json = await response.json();
					json.cost += 1;
					await route.fulfill({ response, json });
				},
			);
			await page.goto(cert);
			await ready(page);
			await page.waitForSelector('#tcert-verdict[data-outcome="fail"]');
			await check(page, `tree certificate not verified (${locale})`);
			await page.locator('#tcert-n').fill('nine');
			await page.locator('#tcert-submit').click();
			await page.waitForFunction(() => document.getElementById('tcert-error').textContent !== '');
			await check(page, `tree certificate with a wrong number (${locale})`);
			await page.context().close();
		});

		test('the explorer with failed checks and input errors', T, async () => {
			const page = await newPage(browser, { locale, bypassCSP: true });
			await page.route('**/api/v1/log/entries/2', async (route) => {
				const response = await route.fetch();
				const json = await response.json();
				const b = M.b64decode(json.hashes[0]);
				b[0] ^= 1;
				json.hashes[0] = M.b64encode(b);
				json.raw = `${json.raw} `;
				await route.fulfill({ response, json });
			});
			await page.goto(`${server.url}/explorer?index=2`);
			await ready(page);
			await page.waitForSelector('#lookup-outcome[data-outcome="fail"]');
			await check(page, `explorer with failed checks (${locale})`);

			await page.locator('#lookup-index').fill('nope');
			await page.locator('#lookup-index').press('Enter');
			await page.waitForFunction(() => document.getElementById('lookup-error').textContent !== '');
			await page.locator('#vkey-details summary').click();
			await page.locator('#vkey-input').fill('bad key');
			await page.locator('#vkey-input').press('Enter');
			await page.waitForFunction(() => document.getElementById('vkey-error').textContent !== '');
			await check(page, `explorer with input errors (${locale})`);
			await page.context().close();
		});
	});
}
