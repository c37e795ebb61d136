// The green pages in Chromium against the real server, its clock moved
// ahead with serve --clock-file, with the programme of forest-data.mjs
// made through the API: registration and the key kept; the reference to
// give to apps; the energy an app reports, ready to collect with its
// expiry or on its way; collecting, the server's refusal when there is
// nothing, and the next day's energy once the clock has moved; the tree
// growing toward a species' cost and redeemed when the balance covers it;
// the trees and recent actions; unlocking from sponsor pools (per action,
// per energy) and the server's refusals; the public totals; both
// languages; a phone's width; and a tree's certificate, every entry
// verified in the browser, and answers tampered with by page.route shown
// as not verified.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import * as M from '../../web/assets/merkle.js';
import { STRINGS } from '../../web/assets/i18n.js';
import { stageOf } from '../../web/assets/forest-draw.js';
import { startServer, launchBrowser, newPage, api } from './helpers.mjs';
import { makeClock, seedGreen, makeUser, report, fund, published, FUNDED, DAY, SAXAUL, POPLAR, SITE, POOLS, CAMPAIGNS, PLANTER } from './forest-data.mjs';

const T = { timeout: 90000 }; // each test
const SUITE = { timeout: 900000 }; // all the tests of a describe()

let server;
let browser;
let clock;
let g;

before(async () => {
	clock = makeClock();
	server = await startServer({ args: clock.args });
	g = await seedGreen(server, { clock });
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
	clock?.remove();
});

/* ---------- helpers ---------- */

const ready = (page) => page.waitForSelector('html[data-ready="true"]');

async function open(path = '/forest', opts = {}) {
	const page = await newPage(browser, opts);
	if (opts.route) await opts.route(page);
	if (opts.me)
		// Signed in already: the user's {id, key, ref} kept by the page (once: signing out stays signed out).
		await page.context().addInitScript((me) => {
			if (sessionStorage.getItem('test.seeded')) return;
			sessionStorage.setItem('test.seeded', '1');
			localStorage.setItem('goodtrace.green', me);
		}, JSON.stringify({ id: opts.me.id, key: opts.me.key, ref: opts.me.ref }));
	if (opts.viewport) await page.setViewportSize(opts.viewport);
	const res = await page.goto(server.url + path);
	// /forest/tree is a page under another: src/api/static.c must map it to forest-tree.html (S_sub_pages).
	assert.equal(res.status(), 200, `${path} is not served: ${res.status()}`);
	await ready(page);
	return page;
}

async function done(page, { problems = [] } = {}) {
	const got = page.problems.filter((p) => !problems.some((re) => re.test(p)));
	await page.context().close();
	assert.deepEqual(got, [], 'no console errors or page errors');
}

const text = (page, sel) => page.locator(sel).innerText();

/** Wait until a message element has text, and return it. */
async function message(page, sel) {
	await page.waitForFunction((s) => document.querySelector(s)?.textContent.trim(), sel);
	return (await page.locator(sel).textContent()).trim();
}

const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Grams as the page writes them in English: "1,140 g". */
const gramsEn = (n) => `${new Intl.NumberFormat('en-GB').format(n)} g`;

/** A time as the page writes it, in the browser's own time zone. */
const whenIn = (page, iso, locale = 'en-GB') =>
	page.evaluate(
		([at, loc]) => new Intl.DateTimeFormat(loc, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(new Date(at)),
		[iso, locale],
	);

const me = (u) => api(server, 'GET', '/api/v1/green/me', { token: u.key }).then((r) => r.body);

/* ---------- the page ---------- */

describe('forest page', SUITE, () => {
	test('without a key: registration and a key offered, the pools and the figures public', T, async () => {
		const page = await open();
		assert.equal(await page.locator('h1').textContent(), 'Green energy and real trees');
		assert.equal(await page.title(), STRINGS.en['forest.title']);
		assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forest' }).getAttribute('aria-current'), 'page');
		assert.ok(await page.locator('#join-section').isVisible());
		assert.ok(await page.locator('#signin-section').isVisible());
		assert.ok(await page.locator('#me-section').isHidden());
		assert.ok(await page.locator('#tree-section').isHidden());
		// The pools are shown; unlocking needs a key.
		await page.waitForSelector('#pool-list');
		assert.deepEqual(await page.$$eval('#pool-list > .pool-card', (cs) => cs.map((c) => c.dataset.pool).sort()), [POOLS.energy, POOLS.metro].sort());
		assert.equal(await page.locator('#pool-list form').count(), 0);
		assert.equal(await page.locator(`#pool-${POOLS.metro} .hint`).textContent(), STRINGS.en['forest.pool.signInFirst']);
		await page.waitForSelector('#totals-energy');
		await done(page);
	});

	test('registering keeps the key, says to keep it, and gives the reference to copy for apps', T, async () => {
		const page = await open();
		await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
		await page.bringToFront(); // the clipboard needs a focused document
		await page.getByRole('button', { name: 'Register' }).click();
		await page.waitForSelector('#key-notice:not([hidden])');
		const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('goodtrace.green')));
		assert.match(kept.key, /^gu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
		assert.equal(kept.id, `u${kept.key.slice(3, 19)}`);
		assert.match(kept.ref, /^green:[0-9a-f]{64}$/);
		assert.equal(await page.locator('#key-value').textContent(), kept.key);
		assert.match(await page.locator('#key-notice').innerText(), /shown only this once/);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'key-h3');
		// The key is the user's bearer token, and only theirs.
		const who = await api(server, 'GET', '/api/v1/whoami', { token: kept.key });
		assert.equal(who.status, 200);
		assert.equal(who.body.role, 'user');
		assert.equal(who.body.org, kept.id);
		await page.getByRole('button', { name: 'Copy the key' }).click();
		assert.equal(await message(page, '#key-copied'), 'Copied.');
		assert.equal(await page.evaluate(() => navigator.clipboard.readText()), kept.key);
		await page.getByRole('button', { name: 'I have kept it' }).click();
		assert.ok(await page.locator('#key-notice').isHidden());
		assert.ok(await page.locator('#join-section').isHidden());

		// The reference for apps, and its copy button.
		assert.equal(await page.locator('#my-ref').textContent(), kept.ref);
		await page.getByRole('button', { name: 'Copy the reference' }).click();
		assert.equal(await message(page, '#ref-copied'), 'Copied.');
		assert.equal(await page.evaluate(() => navigator.clipboard.readText()), kept.ref);
		// A new user: nothing yet.
		await page.waitForSelector('#my-balance');
		assert.equal(await page.locator('#my-balance').textContent(), '0 g');
		assert.ok(await page.locator('#balls-none').isVisible());
		assert.ok(await page.locator('#pending-none').isVisible());
		assert.ok(await page.locator('#trees-none').isVisible());
		assert.ok(await page.locator('#actions-none').isVisible());
		await page.waitForSelector('#tree-figure');
		assert.equal(await page.locator('#redeem-btn').isDisabled(), true);

		// A reload keeps them signed in; the key is shown once.
		await page.reload();
		await ready(page);
		assert.ok(await page.locator('#me-section').isVisible());
		assert.ok(await page.locator('#key-notice').isHidden());
		assert.equal(await page.locator('#my-ref').textContent(), kept.ref);
		// Signing out forgets the key; the key signs in again.
		await page.getByRole('button', { name: 'Sign out of this device' }).click();
		assert.equal(await page.evaluate(() => localStorage.getItem('goodtrace.green')), null);
		assert.ok(await page.locator('#join-section').isVisible());
		assert.equal(await page.evaluate(() => document.activeElement.id), 'join-h2');
		const keyField = page.getByLabel('Your key', { exact: true });
		await page.getByRole('button', { name: 'Sign in' }).click();
		assert.equal(await page.locator('#signin-error').textContent(), STRINGS.en['forest.signin.empty']);
		await keyField.fill('gu_nonsense');
		await page.getByRole('button', { name: 'Sign in' }).click();
		assert.equal(await page.locator('#signin-error').textContent(), STRINGS.en['forest.signin.invalid']);
		assert.equal(await keyField.getAttribute('aria-invalid'), 'true');
		await keyField.fill(`${kept.key.slice(0, -2)}${kept.key.endsWith('AA') ? 'BB' : 'AA'}`);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForFunction((t) => document.getElementById('signin-error').textContent === t, STRINGS.en['forest.signin.refused']);
		await keyField.fill(kept.key);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForSelector('#me-section:not([hidden])');
		assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem('goodtrace.green'))), kept);
		assert.equal(await page.locator('#my-ref').textContent(), kept.ref);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'me-h2');
		// A refused key is a 401: a console error.
		await done(page, { problems: [/status of 401/] });
	});

	test('the energy an app reports: ready to collect with its expiry, on its way with when it appears, and the actions', T, async () => {
		const u = await makeUser(server);
		// A kind of action the default rules do not know, added by an admin: shown by its raw name.
		const rule = await api(server, 'PUT', '/api/v1/green/rules/scooter', { token: g.admin, body: { unit: 'rides', grams: 7, per: 1, daily_cap: 70, monthly_cap: 700, active: true } });
		assert.ok(rule.status >= 200 && rule.status < 300, JSON.stringify(rule.body));
		const yesterday = clock.yesterday();
		const today = clock.today();
		const r = await report(server, g.app, [
			{ user: u.ref, kind: 'walk', quantity: 12000, day: yesterday },
			{ user: u.ref, kind: 'metro', quantity: 2, day: yesterday },
			{ user: u.ref, kind: 'bus', quantity: 1, day: today },
			{ user: u.ref, kind: 'paperless_bill', quantity: 2, day: today },
			{ user: u.ref, kind: 'scooter', quantity: 1, day: today },
		]);
		assert.deepEqual(r.results.map((x) => [x.status, x.grams]), [['credited', 200], ['credited', 104], ['credited', 80], ['credited', 10], ['credited', 7]]);
		await published(server);
		const e = await me(u);
		const page = await open('/forest', { me: u });
		await page.waitForSelector('#balls');
		// Ready to collect: yesterday's energy, with when it expires.
		assert.deepEqual(await page.$$eval('#balls > li', (ls) => ls.map((l) => [l.dataset.day, Number(l.dataset.grams)])), [[yesterday, 304]]);
		assert.deepEqual(e.collectable.map((c) => [c.day, c.grams]), [[yesterday, 304]]);
		const ball = page.locator('#balls > li').first();
		assert.equal(await ball.locator('.ball').textContent(), '304');
		assert.equal(await ball.locator('.ball-expires').textContent(), `expires ${await whenIn(page, e.collectable[0].expires)}`);
		assert.match(await ball.innerText(), /304 g[\s\S]*earned on/);
		// On its way: today's, with when it appears.
		assert.deepEqual(await page.$$eval('#pending > li', (ls) => ls.map((l) => [l.dataset.day, Number(l.dataset.grams)])), [[today, 97]]);
		assert.equal(await page.locator('#pending .ball-appears').textContent(), `appears ${await whenIn(page, e.pending[0].appears)}`);
		// Nothing collected yet.
		assert.equal(await page.locator('#my-balance').textContent(), '0 g');
		// The actions, as the server lists them, the kinds named (and the unknown one raw).
		const rows = await page.$$eval('#actions-table tbody tr', (rs) => rs.map((x) => [x.dataset.ref, x.querySelector('.kind').textContent, x.querySelector('.day time').getAttribute('datetime'), x.querySelector('.grams').textContent]));
		const names = { walk: 'Walking', metro: 'Metro ride', bus: 'Bus ride', paperless_bill: 'Paperless bill', scooter: 'scooter' };
		assert.deepEqual(rows, e.actions.map((a) => [a.ref, names[a.kind], a.day, gramsEn(a.grams)]));
		assert.deepEqual(rows.map((x) => x[0]).sort(), r.results.map((x) => x.ref).sort());
		await done(page);
	});

	test('collecting: the energy goes to the balance, the server\'s refusal with nothing to collect, the next day\'s after the clock moves', T, async () => {
		const u = await makeUser(server);
		await report(server, g.app, [
			{ user: u.ref, kind: 'walk', quantity: 6000, day: clock.yesterday() },
			{ user: u.ref, kind: 'online_ticket', quantity: 1, day: clock.today() },
		]);
		const page = await open('/forest', { me: u });
		await page.waitForSelector('#balls');
		await page.getByRole('button', { name: 'Collect my energy' }).click();
		assert.equal(await message(page, '#collect-msg'), 'Collected 100 g. It is in your balance.');
		await page.waitForFunction(() => document.activeElement.id === 'collect-msg');
		await page.waitForFunction(() => document.getElementById('my-balance')?.textContent === '100 g');
		assert.ok(await page.locator('#balls-none').isVisible());
		assert.equal(await page.locator('#my-collected').textContent(), '100 g');
		assert.equal((await me(u)).balance, 100);

		// Nothing left to collect: the server says when the next energy appears, and the page says it in its words.
		await page.getByRole('button', { name: 'Collect my energy' }).click();
		await page.waitForFunction(() => document.getElementById('collect-msg')?.className === 'error');
		const refusal = await message(page, '#collect-msg');
		const server409 = await api(server, 'POST', '/api/v1/green/me/collect', { token: u.key, body: {} });
		assert.equal(server409.status, 409);
		assert.equal(refusal, `Refused: ${server409.body.detail}`);
		assert.equal(await page.locator('#collect-msg span[lang="en"]').textContent(), server409.body.detail);
		assert.equal((await me(u)).balance, 100);

		// A day later, today's energy has appeared.
		const pendingDay = clock.today();
		clock.ahead(DAY);
		await page.reload();
		await ready(page);
		await page.waitForSelector('#balls');
		assert.deepEqual(await page.$$eval('#balls > li', (ls) => ls.map((l) => [l.dataset.day, Number(l.dataset.grams)])), [[pendingDay, 180]]);
		assert.ok(await page.locator('#pending-none').isVisible());
		await page.getByRole('button', { name: 'Collect my energy' }).click();
		assert.equal(await message(page, '#collect-msg'), 'Collected 180 g. It is in your balance.');
		await page.waitForFunction(() => document.getElementById('my-balance')?.textContent === '280 g');
		assert.equal((await me(u)).collected, 280);
		await done(page, { problems: [/status of 409/] });
	});

	test('the tree grows toward the species\' cost, and is redeemed only when the balance covers it', T, async () => {
		// Short of both species: 200 g.
		const short = await makeUser(server);
		await report(server, g.app, [{ user: short.ref, kind: 'walk', quantity: 12000, day: clock.yesterday() }]);
		await api(server, 'POST', '/api/v1/green/me/collect', { token: short.key, body: {} });
		let page = await open('/forest', { me: short });
		await page.waitForSelector('#tree-figure');
		const options = await page.$$eval('#species-select option', (os) => os.map((o) => [o.value, o.textContent]));
		assert.deepEqual(options.sort(), [[POPLAR.id, `${POPLAR.name} — ${gramsEn(POPLAR.cost)}`], [SAXAUL.id, `${SAXAUL.name} — ${gramsEn(SAXAUL.cost)}`]].sort());
		await page.getByLabel('The tree you are growing').selectOption(SAXAUL.id);
		await page.waitForSelector(`#tree-figure[data-species="${SAXAUL.id}"]`);
		assert.equal(await page.locator('#tree-figure svg').getAttribute('data-stage'), String(stageOf(200, SAXAUL.cost)));
		assert.equal(await page.locator('#tree-figure svg').getAttribute('data-stage'), '1');
		assert.equal(await page.locator('#tree-stage').textContent(), 'A sprout');
		assert.equal(await page.locator('#tree-progress-text').textContent(), '200 g of 1,000 g (20%): 800 g to go.');
		assert.equal(await page.locator('#tree-progress').getAttribute('value'), '200');
		assert.equal(await page.locator('#tree-progress').getAttribute('max'), '1000');
		assert.match(await page.locator('#tree-figure svg').getAttribute('aria-label'), /^Your Saxaul: A sprout, stage 1 of 5, 20% grown$/);
		assert.ok(await page.locator('#redeem-btn').isDisabled());
		// The poplar costs less: the same balance grows it further.
		await page.getByLabel('The tree you are growing').selectOption(POPLAR.id);
		await page.waitForSelector(`#tree-figure[data-species="${POPLAR.id}"]`);
		assert.equal(await page.locator('#tree-figure svg').getAttribute('data-stage'), '2');
		assert.equal(await page.locator('#tree-progress-text').textContent(), '200 g of 400 g (50%): 200 g to go.');
		assert.ok(await page.locator('#redeem-btn').isDisabled());
		// The choice is remembered.
		assert.equal(await page.evaluate(() => localStorage.getItem('goodtrace.green.species')), POPLAR.id);
		await page.context().close();

		// Enough: 1,140 g.
		const rich = await makeUser(server);
		await fund(server, g, rich, clock);
		page = await open('/forest', { me: rich });
		await page.waitForSelector('#tree-figure');
		await page.getByLabel('The tree you are growing').selectOption(SAXAUL.id);
		await page.waitForSelector(`#tree-figure[data-species="${SAXAUL.id}"]`);
		assert.equal(await page.locator('#tree-figure svg').getAttribute('data-stage'), '5');
		assert.equal(await page.locator('#tree-stage').textContent(), 'Ready to plant');
		assert.equal(await page.locator('#tree-progress-text').textContent(), 'Your balance of 1,140 g covers the 1,000 g a Saxaul costs: it can be planted.');
		await page.getByRole('button', { name: 'Plant a real Saxaul' }).click();
		const msg = await message(page, '#redeem-msg');
		const m = msg.match(/^Tree (\d+) is yours: a Saxaul, ordered from Desert Green Alliance \(desert-green\), who will record its planting on the log\. Certificate of tree \1$/);
		assert.ok(m, msg);
		const n = Number(m[1]);
		await page.waitForFunction(() => document.activeElement.id === 'redeem-msg');
		// The balance paid for it, the tree is listed as ordered, and the drawing starts again.
		await page.waitForFunction(() => document.getElementById('my-balance')?.textContent === '140 g');
		const e = await me(rich);
		assert.equal(e.balance, FUNDED - SAXAUL.cost);
		assert.deepEqual(e.trees.map((x) => [Number(x.tree), x.species, x.status]), [[n, SAXAUL.id, 'ordered']]);
		await page.waitForSelector(`#tree-${n}[data-status="ordered"]`);
		assert.match(await text(page, `#tree-${n}`), new RegExp(`^Tree ${n}: Saxaul Ordered, waiting to be planted\\s+Certificate of tree ${n}$`));
		assert.equal(await page.locator('#tree-figure svg').getAttribute('data-stage'), '0');
		assert.ok(await page.locator('#redeem-btn').isDisabled());
		// Its certificate: the redemption verified, not planted yet.
		const [nav] = await Promise.all([page.waitForNavigation(), page.locator(`#tree-${n} a`).click()]);
		assert.equal(nav.status(), 200, `${nav.url()} is not served: ${nav.status()}`);
		assert.match(page.url(), new RegExp(`/forest/tree\\?n=${n}$`));
		await ready(page);
		await page.waitForSelector('#tcert-verdict[data-outcome="pass"]');
		assert.equal(await page.locator('#tcert-not-planted').textContent(), STRINGS.en['tcert.planting.none']);
		assert.equal(await page.locator('#tcert-user').textContent(), rich.ref);
		assert.equal(await page.locator('#tcert-summary').textContent(), 'A Saxaul ordered from Desert Green Alliance (desert-green) for 1,000 g of green energy, waiting to be planted.');
		await done(page);
	});

	test('sponsor pools: a donation unlocked with an action and with energy, and the server\'s refusals in its words', T, async () => {
		const u = await makeUser(server);
		const yesterday = clock.yesterday();
		const r = await report(server, g.app, [
			{ user: u.ref, kind: 'metro', quantity: 2, day: yesterday },
			{ user: u.ref, kind: 'walk', quantity: 18000, day: yesterday },
			{ user: u.ref, kind: 'bus', quantity: 1, day: clock.today() },
		]);
		await api(server, 'POST', '/api/v1/green/me/collect', { token: u.key, body: {} });
		const balance = (await me(u)).balance;
		assert.equal(balance, 104 + 296);
		const page = await open('/forest', { me: u });
		const metro = page.locator(`#pool-${POOLS.metro}`);
		await metro.locator('form').waitFor();
		const fields = Object.fromEntries(await metro.locator('dd').evaluateAll((ds) => ds.map((d) => [d.dataset.field, d.textContent])));
		assert.equal(await metro.locator('h3').textContent(), 'Metro rides for school meals');
		assert.equal(fields.sponsor, 'Metro Green Fund (metro-fund)');
		assert.equal(fields.terms, '¥0.10 for each of your actions of these kinds: Metro ride, Bus ride');
		assert.equal(fields.budget, '¥0.00 unlocked of ¥1,000.00, ¥1,000.00 left');
		assert.equal(fields.cap, 'at most ¥5.00');
		// The campaigns by their titles; only the actions of the kinds the pool takes.
		const campaign = page.locator(`#pool-${POOLS.metro}-campaign`);
		assert.deepEqual(await campaign.locator('option').allTextContents(), [`${CAMPAIGNS.meals.title} (${CAMPAIGNS.meals.id})`, `${CAMPAIGNS.river.title} (${CAMPAIGNS.river.id})`]);
		const action = page.locator(`#pool-${POOLS.metro}-action`);
		const metroRef = r.results[0].ref;
		assert.deepEqual((await action.locator('option').evaluateAll((os) => os.map((o) => o.value))).sort(), [metroRef, r.results[2].ref].sort());
		await campaign.selectOption(CAMPAIGNS.river.id);
		await action.selectOption(metroRef);
		await metro.getByRole('button', { name: /^Unlock a donation/ }).click();
		let msg = await message(page, `#pool-${POOLS.metro}-msg`);
		assert.equal(msg, `¥0.10 unlocked for ${CAMPAIGNS.river.title}: a donation from Metro Green Fund (metro-fund). Follow this donation`);
		await page.waitForFunction((id) => document.activeElement.id === id, `pool-${POOLS.metro}-msg`);
		await page.waitForFunction((p) => document.querySelector(`#pool-${p} dd[data-field="budget"]`)?.textContent === '¥0.10 unlocked of ¥1,000.00, ¥999.90 left', POOLS.metro);
		const pool = (await api(server, 'GET', `/api/v1/green/pools/${POOLS.metro}`)).body;
		assert.equal(pool.unlocked, 10);
		// The donation it made: its receipt, linked.
		const receipt = new URL(await page.locator(`#pool-${POOLS.metro}-msg a.pool-receipt`).getAttribute('href'), server.url).searchParams.get('code');
		const donation = (await api(server, 'GET', `/api/v1/receipts/${receipt}`)).body.donation;
		assert.deepEqual([donation.campaign, donation.amount, donation.channel], [CAMPAIGNS.river.id, 10, 'pool']);
		// The same action again: refused by the server, in its words.
		await campaign.selectOption(CAMPAIGNS.meals.id);
		await action.selectOption(metroRef);
		await metro.getByRole('button', { name: /^Unlock a donation/ }).click();
		await page.waitForFunction((id) => document.getElementById(id)?.className === 'error', `pool-${POOLS.metro}-msg`);
		msg = await message(page, `#pool-${POOLS.metro}-msg`);
		const again = await api(server, 'POST', `/api/v1/green/pools/${POOLS.metro}/unlock`, { token: u.key, body: { campaign: CAMPAIGNS.meals.id, action: metroRef } });
		assert.equal(again.status, 409);
		assert.equal(msg, `Refused: ${again.body.detail}`);
		assert.equal((await api(server, 'GET', `/api/v1/green/pools/${POOLS.metro}`)).body.unlocked, 10);

		// Per energy: not a number (said under the field), not a multiple (the server's refusal), then 200 g.
		const energy = page.locator(`#pool-${POOLS.energy}`);
		const gramsField = page.getByLabel('Energy to give, in grams');
		assert.equal(await energy.locator('.hint').first().textContent(), `A multiple of 100 g, from your balance of ${gramsEn(balance)}.`);
		await gramsField.fill('lots');
		await energy.getByRole('button', { name: /^Unlock a donation/ }).click();
		assert.equal(await energy.locator(`#pool-${POOLS.energy}-grams-error`).textContent(), STRINGS.en['forest.pool.gramsBad']);
		assert.equal(await gramsField.getAttribute('aria-invalid'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement.id), `pool-${POOLS.energy}-grams`);
		await gramsField.fill('150');
		await energy.getByRole('button', { name: /^Unlock a donation/ }).click();
		await page.waitForFunction((id) => document.getElementById(id)?.className === 'error', `pool-${POOLS.energy}-msg`);
		msg = await message(page, `#pool-${POOLS.energy}-msg`);
		assert.match(msg, /^Refused: \S/);
		const odd = await api(server, 'POST', `/api/v1/green/pools/${POOLS.energy}/unlock`, { token: u.key, body: { campaign: CAMPAIGNS.river.id, grams: 150 } });
		assert.ok(odd.status === 409 || odd.status === 400, JSON.stringify(odd));
		assert.equal(msg, `Refused: ${odd.body.detail}`);
		await gramsField.fill('200');
		await energy.getByRole('button', { name: /^Unlock a donation/ }).click();
		await page.waitForFunction((id) => document.getElementById(id)?.className === 'status' && document.getElementById(id).textContent, `pool-${POOLS.energy}-msg`);
		assert.equal(await message(page, `#pool-${POOLS.energy}-msg`), `¥0.10 unlocked for ${CAMPAIGNS.river.title}: a donation from Metro Green Fund (metro-fund). Follow this donation`);
		await page.waitForFunction((want) => document.getElementById('my-balance')?.textContent === want, gramsEn(balance - 200));
		assert.equal((await me(u)).balance, balance - 200);
		assert.equal((await api(server, 'GET', `/api/v1/green/pools/${POOLS.energy}`)).body.unlocked, 10);
		await done(page, { problems: [/status of 409/, /status of 400/] });
	});

	test('the public totals: energy, trees, and the tables per kind, species, site and partner, as the server counts them', T, async () => {
		const page = await open();
		await page.waitForSelector('#totals-energy');
		const tt = (await api(server, 'GET', '/api/v1/green/totals')).body;
		const figures = (id) => page.$$eval(`#${id} dd`, (ds) => Object.fromEntries(ds.map((d) => [d.dataset.figure, d.textContent])));
		const n = (x) => new Intl.NumberFormat('en-GB').format(x);
		assert.deepEqual(await figures('totals-energy'), {
			credited: gramsEn(tt.energy.credited),
			collected: gramsEn(tt.energy.collected),
			expired: gramsEn(tt.energy.expired),
			spent: gramsEn(tt.energy.spent),
			pending: gramsEn(tt.energy.pending),
			actions: n(tt.energy.actions),
		});
		assert.ok(tt.energy.credited > 0 && tt.energy.spent >= SAXAUL.cost && tt.trees.ordered >= 1);
		assert.deepEqual(await figures('totals-trees'), { ordered: n(tt.trees.ordered), planted: n(tt.trees.planted), surviving: n(tt.trees.surviving) });
		assert.equal(tt.trees.planted, 1);
		assert.equal(tt.trees.surviving, 1);
		const table = (id) => page.$$eval(`#${id} tbody tr`, (rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
		const kinds = { walk: 'Walking', metro: 'Metro ride', bus: 'Bus ride', bike: 'Cycling', paperless_bill: 'Paperless bill', online_ticket: 'Online ticket', reusable_cup: 'Reusable cup' };
		assert.deepEqual(await table('totals-kinds'), tt.energy.kinds.map((k) => [kinds[k.kind] ?? k.kind, n(k.actions), gramsEn(k.grams)]));
		const partner = 'Desert Green Alliance (desert-green)';
		const names = { [SAXAUL.id]: SAXAUL.name, [POPLAR.id]: POPLAR.name };
		assert.deepEqual(await table('totals-species'), tt.species.map((s) => [names[s.id], partner, n(s.ordered), n(s.planted), n(s.surviving)]));
		assert.ok(tt.species.some((s) => s.id === SAXAUL.id && s.planted === 1));
		assert.deepEqual(await table('totals-sites'), tt.sites.map((s) => [`${SITE.name} (${SITE.id})`, partner, n(s.plantings), n(s.planted), n(s.surviving)]));
		assert.deepEqual(await table('totals-partners'), tt.partners.map((p) => [partner, n(p.ordered), n(p.planted), n(p.surviving)]));
		assert.equal(tt.partners[0].planter, PLANTER);
		await done(page);
	});

	test('in Chinese, and back to English without a reload', T, async () => {
		const u = await makeUser(server);
		await report(server, g.app, [
			{ user: u.ref, kind: 'walk', quantity: 12000, day: clock.yesterday() },
			{ user: u.ref, kind: 'reusable_cup', quantity: 1, day: clock.today() },
		]);
		const page = await open('/forest', { locale: 'zh-CN', me: u });
		assert.equal(await page.locator('h1').textContent(), '绿色能量与真实的树');
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
		assert.equal(await page.getByRole('navigation', { name: STRINGS.zh['site.nav'] }).getByRole('link', { name: '绿色森林' }).getAttribute('aria-current'), 'page');
		await page.waitForSelector('#balls');
		assert.equal(await page.locator('#balls strong').textContent(), '200 克');
		assert.equal(await page.locator('#my-balance').textContent(), '0 克');
		assert.deepEqual(await page.$$eval('#actions-table .kind', (cs) => cs.map((c) => c.textContent).sort()), ['步行', '自带杯'].sort());
		assert.match(await page.locator('#balls .ball-expires').textContent(), /过期$/);
		await page.waitForSelector('#tree-figure');
		assert.deepEqual((await page.$$eval('#species-select option', (os) => os.map((o) => o.textContent))).sort(), ['梭梭（1,000 克）', '胡杨（400 克）'].sort());
		await page.waitForSelector('#pool-list form');
		assert.match(await page.locator(`#pool-${POOLS.metro} dd[data-field="terms"]`).textContent(), /^您每完成一项以下类型的行为，捐出 ¥0\.10：乘地铁、乘公交$/);
		await page.waitForSelector('#totals-energy');
		assert.equal(await page.locator('#totals-h2').textContent(), '计划的数字');
		await page.getByLabel('语言', { exact: true }).selectOption('en');
		assert.equal(await page.locator('h1').textContent(), 'Green energy and real trees');
		assert.equal(await page.locator('#balls strong').textContent(), '200 g');
		assert.deepEqual(await page.$$eval('#actions-table .kind', (cs) => cs.map((c) => c.textContent).sort()), ['Reusable cup', 'Walking']);
		assert.equal(await page.locator('#totals-h2').textContent(), 'The programme in figures');
		await done(page);
	});

	test('a phone screen: nothing scrolls sideways', T, async () => {
		const phone = { width: 390, height: 844 };
		let page = await open('/forest', { me: g.certUser, viewport: phone });
		await page.waitForSelector('#tree-figure');
		await page.waitForSelector('#pool-list form');
		await page.waitForSelector('#totals-energy');
		await page.locator('.my-key summary').click();
		assert.ok((await noSideScroll(page)) <= 0, 'the forest page scrolls sideways');
		const box = await page.locator('#tree-figure svg').boundingBox();
		assert.ok(box.width >= 150 && box.x >= 0 && box.x + box.width <= phone.width, `the tree fits: ${JSON.stringify(box)}`);
		await page.context().close();
		page = await open('/forest', { viewport: phone });
		assert.ok((await noSideScroll(page)) <= 0, 'the registration scrolls sideways');
		await page.context().close();
		page = await open(`/forest/tree?n=${g.tree}`, { viewport: phone });
		await page.waitForSelector('#tcert-verdict');
		await page.locator('.proof-item summary').first().click();
		assert.ok((await noSideScroll(page)) <= 0, 'the certificate scrolls sideways');
		await done(page);
	});
});

/* ---------- the certificate ---------- */

const certPath = () => `/forest/tree?n=${g.tree}`;

const checks = (page) => page.$$eval('#proof-section .check', (cs) => Object.fromEntries(cs.map((c) => [c.dataset.check, c.dataset.status])));

function tamper(match, edit) {
	return (page) =>
		page.route(
			(url) => match(new URL(url)),
			async (route) => {
				const response = await route.fetch();
				const json = await response.json();
				edit(json, new URL(route.request().url()));
				await route.fulfill({ response, json });
			},
		);
}

const isCert = (u) => /^\/api\/v1\/green\/trees\/\d+$/.test(u.pathname);

describe('tree certificate page', SUITE, () => {
	test('the redemption, the planting and both survival checks verified in the browser', T, async () => {
		const page = await open(certPath());
		assert.equal(await page.locator('h1').textContent(), 'Certificate of a tree');
		assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forest' }).getAttribute('aria-current'), 'true');
		await page.waitForSelector('#tcert-verdict[data-outcome="pass"]');
		const cert = (await api(server, 'GET', `/api/v1/green/trees/${g.tree}`)).body;
		assert.equal(await page.locator('#tcert-verdict .verdict-title').textContent(), 'Verified in your browser');
		assert.match(await page.locator('#tcert-verdict .verdict-line').textContent(), /^The 4 entries behind this tree are in the log of \d+ entries signed by its key, and say what this certificate says\.$/);
		assert.equal(await page.locator('#tcert-h2').textContent(), `Tree ${g.tree}`);
		assert.equal(await page.locator('#tcert-user').textContent(), g.certUser.ref);
		assert.equal(await page.locator('#tcert-cost').textContent(), '1,000 g');
		const fields = Object.fromEntries(await page.locator('#tcert-fields dd').evaluateAll((ds) => ds.map((d) => [d.dataset.field, d.textContent])));
		assert.equal(fields.species, 'Saxaul (saxaul)');
		assert.equal(fields.partner, 'Desert Green Alliance (desert-green)');
		assert.match(fields.status, /^(Planted|Surviving)$/);
		const planting = Object.fromEntries(await page.locator('#tcert-planting dd').evaluateAll((ds) => ds.map((d) => [d.dataset.field, d.innerText])));
		assert.equal(planting.site, `${SITE.name} (${SITE.id})`);
		assert.equal(planting.date, new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${g.plantingDate}T00:00:00Z`)));
		assert.equal(planting.place, 'latitude 38.8399, longitude 105.6801');
		assert.equal(planting.count, '1');
		assert.equal(planting.photos.split('\n').length, 2);
		assert.equal(planting.note, 'Planted with the spring rains.');
		// The survival checks: year 1 and year 3, one of one alive.
		const rows = await page.$$eval('#survival-table tbody tr', (rs) => rs.map((r) => [r.dataset.year, r.querySelector('.alive').textContent, r.dataset.outcome]));
		assert.deepEqual(rows, [['1', '1 of 1', 'pass'], ['3', '1 of 1', 'pass']]);
		// Every check passed: the checkpoint, the status, each entry's leaf and root and its agreement.
		const c = await checks(page);
		const entries = [g.tree, g.planting, ...g.checks];
		const want = { signature: 'pass', keyid: 'pass', status: 'pass' };
		entries.forEach((i, k) => Object.assign(want, { [`leaf-${i}`]: 'pass', [`root-${i}`]: 'pass', [`agree-${k}`]: 'pass' }));
		assert.deepEqual(c, want);
		assert.ok(cert && typeof cert === 'object');
		assert.match(await page.locator('#proof-outcome').textContent(), /^All \d+ checks passed\.$/);
		await page.locator(`.proof-item[data-role="planting"] summary`).click();
		assert.match(await text(page, '.proof-item[data-role="planting"] details'), /"type":"green\.planting"/);
		await done(page);
	});

	test('the form: not a number, no such tree', T, async () => {
		const page = await open('/forest/tree');
		await page.getByLabel('Tree number').fill('nine');
		await page.getByRole('button', { name: 'Show the certificate' }).click();
		assert.equal(await page.locator('#tcert-error').textContent(), STRINGS.en['tcert.err.n']);
		assert.equal(await page.getByLabel('Tree number').getAttribute('aria-invalid'), 'true');
		// Entry 0 is no tree.
		await page.getByLabel('Tree number').fill('0');
		await page.getByRole('button', { name: 'Show the certificate' }).click();
		await page.waitForFunction(() => document.getElementById('tcert-error').textContent.startsWith('No tree with this number'));
		await page.getByLabel('Tree number').fill(String(g.tree));
		await page.getByRole('button', { name: 'Show the certificate' }).click();
		await page.waitForSelector('#tcert-verdict[data-outcome="pass"]');
		assert.equal(new URL(page.url()).searchParams.get('n'), String(g.tree));
		assert.equal(await page.evaluate(() => document.activeElement.id), 'tcert-h2');
		await done(page, { problems: [/status of 404/] });
	});

	test('in Chinese', T, async () => {
		const page = await open(certPath(), { locale: 'zh-CN' });
		await page.waitForSelector('#tcert-verdict[data-outcome="pass"]');
		assert.equal(await page.locator('h1').textContent(), '树木证书');
		assert.equal(await page.locator('#tcert-verdict .verdict-title').textContent(), '已在您的浏览器中核验');
		assert.match(await page.locator('#tcert-summary').textContent(), /^一棵梭梭，用 1,000 克绿色能量换来，由Desert Green Alliance \(desert-green\)于 .+ 种下。$/);
		assert.deepEqual(await page.$$eval('#survival-table .alive', (cs) => cs.map((c) => c.textContent)), ['1 棵中 1 棵', '1 棵中 1 棵']);
		await done(page);
	});

	const another = () => g.checks[0];
	for (const [what, route, failed] of [
		['the energy spent changed in the answer', () => tamper(isCert, (j) => (j.cost += 1)), (c) => c['agree-0'] === 'fail'],
		['another user named as the owner', () => tamper(isCert, (j) => (j.user = `green:${'0'.repeat(64)}`)), (c) => c['agree-0'] === 'fail'],
		['another species named', () => tamper(isCert, (j) => (j.species = POPLAR.id)), (c) => c['agree-0'] === 'fail' && c['agree-1'] === 'fail'],
		['the planting site changed', () => tamper(isCert, (j) => (j.planting.site = 'elsewhere')), (c) => c['agree-1'] === 'fail'],
		['the planting\'s photos changed', () => tamper(isCert, (j) => j.planting.photos.reverse()), (c) => c['agree-1'] === 'fail'],
		['the partner\'s note changed', () => tamper(isCert, (j) => (j.planting.note = 'Planted in the autumn.')), (c) => c['agree-1'] === 'fail'],
		['the time of the redemption changed', () => tamper(isCert, (j) => (j.redeemed.at = new Date(Date.parse(j.redeemed.at) - DAY).toISOString())), (c) => c['agree-0'] === 'fail'],
		['the tree\'s number changed in the answer', () => tamper(isCert, (j) => (j.tree = g.planting)), (c) => c['agree-0'] === 'fail'],
		['a survival check\'s figure alive changed', () => tamper(isCert, (j) => (j.checks[0].alive = 2)), (c) => c['agree-2'] === 'fail'],
		['a survival check given another entry', () => tamper(isCert, (j) => (j.checks[1].index = another())), (c) => c['agree-3'] === 'fail'],
		['the status said ordered although planted', () => tamper(isCert, (j) => (j.status = 'ordered')), (c) => c.status === 'fail'],
		[
			'an entry\'s text changed',
			() =>
				tamper(
					(u) => u.pathname === `/api/v1/log/entries/${g.planting}`,
					(j) => {
						j.raw = j.raw.replace('"count":1', '"count":2');
					},
				),
			(c) => c[`leaf-${g.planting}`] === 'fail',
		],
		[
			'a proof hash changed',
			() =>
				tamper(
					(u) => u.pathname === '/api/v1/log/proof',
					(j) => {
						const b = M.b64decode(j.hashes[0]);
						b[3] ^= 1;
						j.hashes[0] = M.b64encode(b);
					},
				),
			(c) => Object.entries(c).filter(([k, s]) => k.startsWith('root-') && s === 'fail').length === 4,
		],
	])
		test(`not verified when ${what}`, T, async () => {
			const page = await open(certPath(), { route: route() });
			await page.waitForSelector('#tcert-verdict[data-outcome="fail"]');
			assert.equal(await page.locator('#tcert-verdict .verdict-title').textContent(), 'Not verified — do not rely on this certificate');
			assert.match(await page.locator('#tcert-verdict .verdict-line').textContent(), /^\d+ of \d+ checks failed: see below\.$/);
			const c = await checks(page);
			assert.ok(failed(c), JSON.stringify(c));
			assert.equal(await page.locator('#proof-outcome').getAttribute('data-outcome'), 'fail');
			await done(page);
		});

	test('not verified when the checkpoint\'s signature is wrong', T, async () => {
		const page = await open(certPath(), {
			route: (p) =>
				p.route('**/log/checkpoint', async (route) => {
					const response = await route.fetch();
					const body = (await response.text()).replace(/— (\S+) (\S+)\n/, (m, name, sig) => {
						const b = M.b64decode(sig);
						b[10] ^= 1;
						return `— ${name} ${M.b64encode(b)}\n`;
					});
					await route.fulfill({ response, body });
				}),
		});
		await page.waitForSelector('#tcert-verdict[data-outcome="fail"]');
		assert.equal((await checks(page)).signature, 'fail');
		assert.deepEqual(await page.$$eval('#survival-table tbody tr', (rs) => rs.map((r) => r.dataset.outcome)), ['fail', 'fail']);
		assert.match(await text(page, '#survival-table'), /✗ Not verified/);
		await done(page);
	});
});
