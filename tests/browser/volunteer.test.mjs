// The volunteering pages in Chromium against the real server, with the
// organisations, opportunities, volunteers, sign-ups and sessions of
// vol-data.mjs made through the API: the board and its filters and pages;
// registration (the key kept, shown once, and the matches explained in
// words and numbers); signing in with a key; sign-ups and the server's
// refusals (overlapping, minimum age, full); cancelling; check-in and
// check-out from /volunteer?code=…; a dispute; the hours toward the year's
// goal; an organisation's QR code of a slot (an SVG of the right size,
// the same modules as qr.js makes in Node); both languages; a phone's
// width; and the certificate, every entry verified in the browser, and
// answers tampered with by page.route shown as not verified.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import * as M from '../../web/assets/merkle.js';
import * as QR from '../../web/assets/qr.js';
import { STRINGS } from '../../web/assets/i18n.js';
import { startServer, launchBrowser, newPage, api } from './helpers.mjs';
import { seedVolunteer, makeVolunteer, FILLERS } from './vol-data.mjs';

const T = { timeout: 90000 }; // each test
const SUITE = { timeout: 900000 }; // all the tests of a describe()

let server;
let browser;
let vol;

before(async () => {
	server = await startServer();
	vol = await seedVolunteer(server);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

/* ---------- helpers ---------- */

const ready = (page) => page.waitForSelector('html[data-ready="true"]');

async function open(path = '/volunteer', opts = {}) {
	const page = await newPage(browser, opts);
	if (opts.route) await opts.route(page);
	if (opts.me)
		// Signed in as a volunteer already: their {id, key, ref} kept by the page (once: signing out stays signed out).
		await page.context().addInitScript((me) => {
			if (sessionStorage.getItem('test.seeded')) return;
			sessionStorage.setItem('test.seeded', '1');
			localStorage.setItem('goodtrace.volunteer', me);
		}, JSON.stringify({ id: opts.me.id, key: opts.me.key, ref: opts.me.ref }));
	if (opts.viewport) await page.setViewportSize(opts.viewport);
	await page.goto(server.url + path);
	await ready(page);
	return page;
}

async function done(page, { problems = [] } = {}) {
	const got = page.problems.filter((p) => !problems.some((re) => re.test(p)));
	await page.context().close();
	assert.deepEqual(got, [], 'no console errors or page errors');
}

/** The ids of the opportunities listed in a list (#board-list, #match-list). */
const ids = (page, list) => page.$$eval(`${list} > .opp-card`, (cs) => cs.map((c) => c.dataset.id));

const text = (page, sel) => page.locator(sel).innerText();

/** Wait until a message element has text, and return it. */
async function message(page, sel) {
	await page.waitForFunction((s) => document.querySelector(s)?.textContent.trim(), sel);
	return (await page.locator(sel).textContent()).trim();
}

const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/* ---------- the tests ---------- */

describe('volunteering page', SUITE, () => {
	test('the board lists open opportunities with their slots, filters them and pages through them', T, async () => {
		const page = await open();
		assert.equal(await page.locator('h1').textContent(), 'Volunteering');
		assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Volunteering' }).getAttribute('aria-current'), 'page');
		// Not signed in: the registration and the key, no matches.
		assert.ok(await page.locator('#join-section').isVisible());
		assert.ok(await page.locator('#signin-section').isVisible());
		assert.ok(!(await page.locator('#me-section').isVisible()));
		assert.ok(!(await page.locator('#matches-block').isVisible()));

		// Newest first, 20 to a page.
		await page.waitForSelector('#board-list');
		const first = await ids(page, '#board-list');
		assert.equal(first.length, 20);
		assert.deepEqual(first.slice(0, 5), ['creek', 'website', 'library', 'one-place', 'archive']);
		const creek = page.locator('#b-creek');
		assert.equal(await creek.locator('h4').textContent(), 'River clean-up');
		const fields = await creek.locator('dl').innerText();
		for (const want of ['Green River Trust (green-river)', 'Environment', 'People’s Square, Shanghai', 'First aid (Basic)', 'Photography and video', 'Chinese', '16 years'])
			assert.ok(fields.includes(want), `creek's card shows ${want}: ${fields}`);
		assert.equal(await creek.locator('.slot').count(), 2);
		assert.equal(await creek.locator('.slot[data-slot="now"] .slot-places').textContent(), '1 of 3 places taken');
		assert.equal(await creek.locator('.slot[data-slot="later"] .slot-places').textContent(), '0 of 5 places taken');
		// Without a key, no sign-up buttons: the page says to register first.
		assert.equal(await page.locator('#board-list .slot-signup').count(), 0);
		assert.equal(await creek.locator('.hint').textContent(), STRINGS.en['vol.opp.signInFirst']);
		const website = await page.locator('#b-website dl').innerText();
		assert.ok(website.includes('Remote') && website.includes('A static site with a donation page, in 6 weeks') && website.includes('Software development (Advanced)'), website);

		// More: the rest of the far-away ones.
		await page.getByRole('button', { name: 'More opportunities' }).click();
		await page.waitForFunction((n) => document.querySelectorAll('#board-list > .opp-card').length === n, FILLERS + 5);
		assert.ok(await page.locator('#board-more').isHidden());

		// Filters: remote; a cause; in person and a cause; written into the address.
		await page.getByLabel('Where', { exact: true }).selectOption('true');
		await page.waitForFunction(() => document.getElementById('board-body').getAttribute('aria-busy') === 'false' && document.getElementById('board-list'));
		assert.deepEqual(await ids(page, '#board-list'), ['website', 'one-place']);
		assert.equal(new URL(page.url()).searchParams.get('remote'), 'true');
		await page.getByLabel('Where', { exact: true }).selectOption('');
		await page.getByLabel('Cause', { exact: true }).selectOption('education');
		await page.waitForFunction(() => document.getElementById('board-body').getAttribute('aria-busy') === 'false' && document.getElementById('board-list'));
		assert.deepEqual(await ids(page, '#board-list'), ['library', 'one-place']);
		await page.getByLabel('Where', { exact: true }).selectOption('false');
		await page.waitForFunction(() => document.getElementById('board-body').getAttribute('aria-busy') === 'false' && document.querySelectorAll('#board-list > .opp-card').length === 1);
		assert.deepEqual(await ids(page, '#board-list'), ['library']);
		await page.getByLabel('Cause', { exact: true }).selectOption('animals');
		await page.waitForSelector('#board-empty');
		// The filters are read back from the address.
		await page.goto(`${server.url}/volunteer?cause=culture`);
		await ready(page);
		assert.equal(await page.getByLabel('Cause', { exact: true }).inputValue(), 'culture');
		assert.deepEqual(await ids(page, '#board-list'), ['archive']);
		await done(page);
	});

	test('registering keeps the key, says to keep it, and shows matches explained in words and numbers', T, async () => {
		const page = await open();
		await page.getByLabel('Name (optional)').fill('李雷');
		await page.getByLabel('Birth year (optional)').fill('1995');
		await page.getByLabel('Skill 1', { exact: true }).selectOption('first-aid');
		await page.getByLabel('Level of skill 1').selectOption('advanced');
		await page.getByRole('button', { name: 'Add a skill' }).click();
		await page.getByLabel('Skill 2', { exact: true }).selectOption('software');
		await page.getByLabel('Level of skill 2').selectOption('expert');
		await page.getByLabel('Latitude').fill('31.2204');
		await page.getByLabel('Longitude').fill('121.4637');
		await page.getByLabel('How far you travel (km)').fill('20');
		await page.getByLabel('Day 1').selectOption('sat');
		await page.getByLabel('From').fill('08:00');
		await page.getByLabel('To', { exact: true }).fill('18:00');
		await page.getByLabel('Chinese', { exact: true }).check();
		await page.getByLabel('English', { exact: true }).check();
		await page.getByLabel('Environment', { exact: true }).check();
		await page.getByLabel('Your goal for the year, in hours').fill('4');

		// A mistake first: said under its field, tied to it, focused.
		await page.getByLabel('Latitude').fill('95');
		await page.getByRole('button', { name: 'Register' }).click();
		assert.equal(await page.locator('#join-lat-error').textContent(), STRINGS.en['vol.err.lat']);
		assert.equal(await page.getByLabel('Latitude').getAttribute('aria-invalid'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'join-lat');
		await page.getByLabel('Latitude').fill('31.2204');
		await page.getByRole('button', { name: 'Register' }).click();

		// The key: kept in localStorage, shown once with the advice to keep it.
		await page.waitForSelector('#key-notice:not([hidden])');
		const me = await page.evaluate(() => JSON.parse(localStorage.getItem('goodtrace.volunteer')));
		assert.match(me.key, /^gv_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
		assert.equal(me.id, `v${me.key.slice(3, 19)}`);
		assert.match(me.ref, /^volunteer:[0-9a-f]{64}$/);
		assert.equal(await page.locator('#key-value').textContent(), me.key);
		assert.match(await page.locator('#key-notice').innerText(), /shown only this once/);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'key-h3');
		await page.getByRole('button', { name: 'Copy the key' }).click();
		await page.waitForFunction(() => document.getElementById('key-copied').textContent !== '');
		await page.getByRole('button', { name: 'I have kept it' }).click();
		assert.ok(await page.locator('#key-notice').isHidden());
		assert.ok(await page.locator('#join-section').isHidden());
		assert.equal(await page.locator('#my-ref').textContent(), me.ref);
		assert.match(await text(page, '#me-body'), /Signed in as 李雷\./);

		// The server has the profile as given.
		const profile = await api(server, 'GET', `/api/v1/volunteers/${me.id}`, { token: me.key });
		assert.equal(profile.status, 200);
		assert.deepEqual(profile.body.skills, [{ skill: 'first-aid', level: 'advanced' }, { skill: 'software', level: 'expert' }]);
		assert.deepEqual(profile.body.availability, [{ day: 'sat', from: '08:00', to: '18:00' }]);
		assert.equal(profile.body.goal_hours, 4);
		assert.equal(profile.body.birth_year, 1995);

		// Matches, in the server's order, each with its score and why.
		await page.waitForSelector('#match-list');
		const got = await api(server, 'GET', `/api/v1/volunteers/${me.id}/matches?limit=20`, { token: me.key });
		assert.deepEqual(await ids(page, '#match-list'), got.body.matches.map((m) => m.opportunity.id));
		const creekMatch = got.body.matches.find((m) => m.opportunity.id === 'creek');
		const card = page.locator('#m-creek');
		assert.equal(await card.locator('.match-score').textContent(), `Match: ${creekMatch.score} out of 100`);
		const why = Object.fromEntries(await card.locator('.explain-list li').evaluateAll((lis) => lis.map((li) => [li.dataset.part, li.textContent])));
		assert.equal(why.skill, 'Skills 100/100, weight 40%: you have 1 of the 1 skills asked for, at the level asked');
		assert.equal(why.distance, `Distance ${creekMatch.explain.distance.score}/100, weight 20%: ${creekMatch.explain.distance.km} km from your home`);
		assert.equal(
			why.availability,
			`Time ${creekMatch.explain.availability.score}/100, weight 20%: you are free for ${creekMatch.explain.availability.fit_hours} of the ${creekMatch.explain.availability.slot_hours} hours its times take`,
		);
		assert.equal(why.cause, 'Cause 100/100, weight 10%: Environment is one of your causes');
		assert.equal(why.language, 'Language 100/100, weight 10%: you share a language, or it needs none in particular');
		const web = page.locator('#m-website .explain-list');
		assert.match(await web.locator('[data-part="distance"]').textContent(), /remote: no travel$/);
		assert.match(await web.locator('[data-part="skill"]').textContent(), /you have 1 of the 2 skills asked for/);
		assert.match(await web.locator('[data-part="cause"]').textContent(), /Cause 0\/100, weight 10%: Technology for good is not one of your causes$/);
		// The same filters apply to the matches.
		await page.getByLabel('Where', { exact: true }).selectOption('true');
		await page.waitForFunction(() => document.getElementById('matches-body').getAttribute('aria-busy') === 'false' && document.querySelectorAll('#match-list > .opp-card').length === 1);
		assert.deepEqual(await ids(page, '#match-list'), ['website']);
		await page.getByLabel('Where', { exact: true }).selectOption('');
		await page.waitForFunction(() => document.getElementById('matches-body').getAttribute('aria-busy') === 'false' && document.querySelectorAll('#match-list > .opp-card').length > 1);

		// A reload keeps them signed in; signing out forgets the key.
		await page.reload();
		await ready(page);
		assert.ok(await page.locator('#me-section').isVisible());
		assert.ok(await page.locator('#key-notice').isHidden(), 'the key is shown once');
		await page.getByRole('button', { name: 'Sign out of this device' }).click();
		assert.equal(await page.evaluate(() => localStorage.getItem('goodtrace.volunteer')), null);
		assert.ok(await page.locator('#join-section').isVisible());
		// And the key signs them in again.
		await page.getByLabel('Your key', { exact: true }).fill('gv_nonsense');
		await page.getByRole('button', { name: 'Sign in' }).click();
		assert.equal(await page.locator('#signin-error').textContent(), STRINGS.en['vol.signin.invalid']);
		assert.equal(await page.getByLabel('Your key', { exact: true }).getAttribute('aria-invalid'), 'true');
		await page.getByLabel('Your key', { exact: true }).fill(`${me.key.slice(0, -2)}AA`);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForFunction((t) => document.getElementById('signin-error').textContent === t, STRINGS.en['vol.signin.refused']);
		await page.getByLabel('Your key', { exact: true }).fill(me.key);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForSelector('#me-section:not([hidden])');
		assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem('goodtrace.volunteer'))), me);
		await page.waitForSelector('#match-list');
		// A bad key is refused by the server: its 401 is a console error.
		await done(page, { problems: [/status of 401/] });
	});

	test('signing up for a slot, the refusals in the server\'s words, and cancelling', T, async () => {
		const v = await makeVolunteer(server, '赵强');
		const page = await open('/volunteer', { me: v });
		await page.waitForSelector('#match-list');
		// Sign up for creek's slot happening now, from the matches.
		const creek = page.locator('#m-creek');
		await creek.getByRole('button', { name: /^Sign up River clean-up/ }).first().click();
		let msg = await message(page, '#m-creek-msg');
		assert.match(msg, /^You are signed up for River clean-up, .* \(sign-up \d+\)\. The organisation will confirm it\.$/);
		await page.waitForFunction(() => document.activeElement.id === 'm-creek-msg');
		const signup = Number(msg.match(/sign-up (\d+)/)[1]);
		await page.waitForSelector(`#signup-${signup}[data-status="pending"]`);
		assert.match(await text(page, `#signup-${signup}`), /River clean-up\s+Waiting for confirmation/);
		// The slot now says so, with the places taken counted again.
		await page.waitForFunction(() => document.querySelector('#b-creek .slot[data-slot="now"] .slot-places')?.textContent === '2 of 3 places taken');
		assert.match(await text(page, '#b-creek .slot[data-slot="now"]'), /You are signed up:\s*Waiting for confirmation/);

		// Overlapping: the library's reading hour is at the same time.
		await page.locator('#b-library .slot[data-slot="now"] button').click();
		msg = await message(page, '#b-library-msg');
		assert.match(msg, /^Refused: you are already signed up for another slot at that time \(sign-up \d+\)$/);
		assert.equal(await page.locator('#b-library-msg').getAttribute('class'), 'error');
		assert.equal(await page.locator('#b-library-msg span[lang="en"]').count(), 1, 'the server\'s words are marked as English');

		// Full: the single place of the translation goes to someone else meanwhile.
		const other = await makeVolunteer(server, '孙悦', { skills: [{ skill: 'translation', level: 'expert' }] });
		const taken = await api(server, 'POST', '/api/v1/opportunities/one-place/signups', { token: other.key, body: { slot: 'week' } });
		assert.equal(taken.status, 201);
		await page.locator('#b-one-place .slot[data-slot="week"] button').click();
		msg = await message(page, '#b-one-place-msg');
		assert.equal(msg, 'Refused: slot "week" is full (1 of 1 places taken)');
		await page.waitForFunction(() => document.querySelector('#b-one-place .slot-places')?.textContent === 'Full: 1 of 1 places taken');

		// Cancelling gives the place back.
		await page.locator(`#signup-${signup} button`).click();
		msg = await message(page, `#signup-${signup}-msg`);
		assert.equal(msg, 'Your sign-up for River clean-up is cancelled.');
		await page.waitForSelector(`#signup-${signup}[data-status="cancelled"]`);
		await page.waitForFunction(() => document.querySelector('#b-creek .slot[data-slot="now"] .slot-places')?.textContent === '1 of 3 places taken');
		assert.equal(await page.locator(`#signup-${signup} button`).count(), 0);
		await done(page, { problems: [/status of 409/] });
	});

	test('too young for an opportunity with a minimum age: refused with the reason', T, async () => {
		const young = await makeVolunteer(server, '周小', { birth_year: new Date().getUTCFullYear() - 12 });
		const page = await open('/volunteer', { me: young });
		await page.waitForSelector('#b-creek .slot-signup');
		await page.locator('#b-creek .slot[data-slot="later"] button').click();
		assert.equal(await message(page, '#b-creek-msg'), 'Refused: opportunity "creek" has a minimum age of 16');
		await done(page, { problems: [/status of 409/] });
	});

	test('check-in and check-out from the address a slot\'s QR code opens, and a dispute', T, async () => {
		// Not signed in: the page says how to.
		let page = await open(`/volunteer?code=${vol.code}`);
		assert.equal(await page.locator('#checkin-code').textContent(), vol.code);
		assert.ok(await page.locator('#checkin-signin').isVisible());
		assert.equal(await page.locator('#checkin-btn').count(), 0);
		await page.context().close();
		// Not a code.
		page = await open('/volunteer?code=hello');
		assert.equal(await page.locator('#checkin-invalid').textContent(), STRINGS.en['vol.checkin.invalid']);
		await page.context().close();

		page = await open(`/volunteer?code=${encodeURIComponent(vol.code)}`, { me: vol.checker });
		assert.equal(await page.locator('h2#checkin-h2').textContent(), 'Check in');
		await page.getByRole('button', { name: 'Check out' }).click();
		assert.equal(await message(page, '#checkin-result'), 'Refused: you have not checked in for this slot');
		await page.getByRole('button', { name: 'Check in', exact: true }).click();
		await page.waitForSelector('#checkin-result[data-outcome="in-ok"]');
		const inText = await page.locator('#checkin-result').textContent();
		assert.match(inText, /^Checked in at \d\d:\d\d \(session (\d+)\)\. Check out here when you leave\.$/);
		const session = Number(inText.match(/session (\d+)/)[1]);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'checkin-result');
		await page.waitForSelector(`#session-${session}[data-status="open"]`);
		assert.match(await text(page, `#session-${session}`), /Still checked in/);
		// Twice: refused.
		await page.getByRole('button', { name: 'Check in', exact: true }).click();
		await page.waitForSelector('#checkin-result[data-outcome="in-refused"]');
		assert.match(await page.locator('#checkin-result').textContent(), /^Refused: you checked in for this slot at /);
		await page.getByRole('button', { name: 'Check out' }).click();
		await page.waitForSelector('#checkin-result[data-outcome="out-ok"]');
		assert.match(await page.locator('#checkin-result').textContent(), new RegExp(`^Checked out at \\d\\d:\\d\\d: [01] min recorded for session ${session}\\. The organisation confirms your hours\\.$`));
		await page.waitForSelector(`#session-${session}[data-status="ended"]`);

		// The volunteer disputes the session: the reason is needed, and stays private.
		await page.locator(`#session-${session} button[data-dispute]`).click();
		const reason = page.getByLabel('What is wrong with these hours?');
		assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
		await page.getByRole('button', { name: 'Send the dispute' }).click();
		assert.equal(await page.locator(`#dispute-${session}-reason-error`).textContent(), STRINGS.en['vol.dispute.empty']);
		assert.equal(await reason.getAttribute('aria-invalid'), 'true');
		await reason.fill('I stayed two hours and checked out late');
		await page.getByRole('button', { name: 'Send the dispute' }).click();
		assert.equal(await message(page, `#session-${session}-msg`), STRINGS.en['vol.dispute.sent']);
		await page.waitForSelector(`#session-${session}[data-status="disputed"]`);
		const seen = await api(server, 'GET', '/api/v1/sessions?status=disputed', { token: vol.ngo });
		assert.ok(seen.body.sessions.some((s) => s.session === session));
		await done(page, { problems: [/status of 409/] });
	});

	test('my hours this year toward the goal, and a link to my certificate', T, async () => {
		const page = await open('/volunteer', { me: vol.certVol });
		await page.waitForSelector('#my-progress');
		const p = (await api(server, 'GET', `/api/v1/volunteers/${vol.certVol.id}`, { token: vol.certVol.key })).body.progress;
		const progress = page.locator('#my-progress progress');
		assert.equal(await progress.getAttribute('max'), String(p.goal_minutes));
		assert.equal(await progress.getAttribute('value'), String(p.minutes));
		const pct = Math.round((p.minutes / p.goal_minutes) * 100);
		const done_ = p.minutes === 150 ? '2 h 30 min' : '2 h 31 min';
		assert.equal(await page.locator('#my-progress-text').textContent(), `${done_} of 3 h (${pct}%)`);
		assert.equal(await page.locator('#hours-h3').textContent(), `My hours in ${p.year}`);
		const href = await page.locator('#cert-link').getAttribute('href');
		assert.equal(href, `/volunteer/certificate?ref=${encodeURIComponent(vol.certVol.ref)}&year=${p.year}`);
		// The sessions: one corrected, one confirmed.
		await page.waitForSelector(`#session-${vol.sessions.A}`);
		assert.equal(await page.locator(`#session-${vol.sessions.A}`).getAttribute('data-status'), 'corrected');
		assert.match(await text(page, `#session-${vol.sessions.A}`), /Hours corrected by the organisation[\s\S]*Hours confirmed: 2 h 30 min[\s\S]*left half an hour early/);
		assert.equal(await page.locator(`#session-${vol.sessions.B}`).getAttribute('data-status'), 'confirmed');
		await page.locator('#cert-link').click();
		await page.waitForURL(/\/volunteer\/certificate\?/);
		await ready(page);
		await page.waitForSelector('#cert-verdict');
		await done(page);
	});

	test('an organisation draws a slot\'s check-in QR code', T, async () => {
		const page = await open();
		await page.getByLabel('Your organisation’s API token').fill(vol.other);
		await page.getByLabel('Opportunity id').fill('creek');
		await page.getByLabel('Slot id').fill('now');
		await page.getByRole('button', { name: 'Show the QR code' }).click();
		// Another organisation's slot: refused.
		await page.waitForFunction(() => document.getElementById('qr-error').textContent !== '');
		assert.match(await page.locator('#qr-error').textContent(), /^Refused: /);
		assert.equal(await page.getByLabel('Your organisation’s API token').getAttribute('aria-invalid'), 'true');
		await page.getByLabel('Your organisation’s API token').fill(vol.ngo);
		await page.getByRole('button', { name: 'Show the QR code' }).click();
		await page.waitForSelector('#qr-figure svg');
		const code = (await api(server, 'GET', '/api/v1/opportunities/creek/slots/now/code', { token: vol.ngo })).body.code;
		assert.equal(await page.locator('#qr-code-text').textContent(), code);
		const url = `${server.url}/volunteer?code=${code}`;
		assert.equal(await page.locator('#qr-url').getAttribute('href'), url);
		const svg = await page.locator('#qr-figure svg').evaluate((s) => ({
			version: Number(s.dataset.version),
			modules: Number(s.dataset.modules),
			viewBox: s.getAttribute('viewBox'),
			role: s.getAttribute('role'),
			label: s.getAttribute('aria-label'),
			d: s.querySelector('path').getAttribute('d'),
			title: s.querySelector('title').textContent,
		}));
		// The module count matches the version, plus the quiet zone of 4 on each side.
		assert.equal(svg.modules, 17 + 4 * svg.version);
		assert.equal(svg.viewBox, `0 0 ${svg.modules + 8} ${svg.modules + 8}`);
		// The smallest version holding the URL at level M, and the same modules qr.js makes.
		const qr = QR.encode(url, { level: 'M' });
		assert.equal(svg.version, qr.version);
		assert.equal(svg.version, QR.versionFor(new TextEncoder().encode(url).length, 'M'));
		assert.equal(svg.d, QR.svgPath(qr, 4));
		assert.equal(svg.role, 'img');
		assert.ok(svg.label.includes(url) && svg.title === svg.label);
		// The token is kept for this tab only.
		assert.equal(await page.evaluate(() => sessionStorage.getItem('goodtrace.orgToken')), vol.ngo);
		assert.equal(await page.evaluate(() => Object.keys(localStorage).some((k) => localStorage.getItem(k).includes('gt_'))), false);
		await page.reload();
		await ready(page);
		assert.equal(await page.getByLabel('Your organisation’s API token').inputValue(), vol.ngo);
		// Missing fields are said before asking.
		await page.getByLabel('Slot id').fill('');
		await page.getByRole('button', { name: 'Show the QR code' }).click();
		assert.equal(await page.locator('#qr-error').textContent(), STRINGS.en['vol.qr.missing']);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'qr-opportunity');
		await done(page, { problems: [/status of 403/] });
	});

	test('in Chinese, and back to English without a reload', T, async () => {
		const page = await open('/volunteer', { locale: 'zh-CN', me: vol.certVol });
		assert.equal(await page.locator('h1').textContent(), '志愿服务');
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
		await page.waitForSelector('#b-creek');
		// The taxonomy's names in Chinese; durations and explanations too.
		assert.ok((await text(page, '#b-creek dl')).includes('急救（初级）'));
		assert.ok((await text(page, '#b-creek dl')).includes('环境保护'));
		await page.waitForSelector('#my-progress');
		assert.match(await page.locator('#my-progress-text').textContent(), /^已完成 2 小时 3[01] 分钟，目标 3 小时（83%）$/);
		await page.waitForSelector('#match-list');
		assert.match(await page.locator('#m-archive [data-part="skill"]').textContent(), /^技能/);
		assert.equal(await page.getByLabel('领域', { exact: true }).locator('option').first().textContent(), '所有领域');
		await page.getByLabel('语言', { exact: true }).selectOption('en');
		assert.equal(await page.locator('h1').textContent(), 'Volunteering');
		assert.ok((await text(page, '#b-creek dl')).includes('First aid (Basic)'));
		assert.match(await page.locator('#my-progress-text').textContent(), /^2 h 3[01] min of 3 h/);
		await done(page);
	});

	test('a phone screen: nothing scrolls sideways', T, async () => {
		const phone = { width: 390, height: 844 };
		let page = await open(`/volunteer?code=${vol.code}`, { me: vol.certVol, viewport: phone });
		await page.waitForSelector('#match-list');
		await page.getByLabel('Your organisation’s API token').fill(vol.ngo);
		await page.getByLabel('Opportunity id').fill('creek');
		await page.getByLabel('Slot id').fill('now');
		await page.getByRole('button', { name: 'Show the QR code' }).click();
		await page.waitForSelector('#qr-figure svg');
		assert.ok((await noSideScroll(page)) <= 0, 'the volunteer page scrolls sideways');
		const box = await page.locator('#qr-figure svg').boundingBox();
		assert.ok(box.width >= 200 && box.x >= 0 && box.x + box.width <= phone.width, `the QR code fits: ${JSON.stringify(box)}`);
		await page.context().close();
		page = await open('/volunteer', { viewport: phone });
		assert.ok((await noSideScroll(page)) <= 0, 'the registration form scrolls sideways');
		await page.context().close();
		page = await open(`/volunteer/certificate?ref=${vol.certVol.ref}&year=${vol.year}`, { viewport: phone });
		await page.waitForSelector('#cert-verdict');
		assert.ok((await noSideScroll(page)) <= 0, 'the certificate scrolls sideways');
		await done(page);
	});
});

/* ---------- the certificate ---------- */

const certPath = () => `/volunteer/certificate?ref=${vol.certVol.ref}&year=${vol.year}`;

/** The outcome of each session's row: { session: outcome }. */
const rows = (page) => page.$$eval('#cert-table tbody tr', (rs) => Object.fromEntries(rs.map((r) => [r.dataset.session, r.dataset.outcome])));

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

const isCert = (u) => u.pathname.startsWith('/api/v1/certificates/');

describe('certificate page', SUITE, () => {
	test('every entry of every session verified in the browser', T, async () => {
		const page = await open(certPath());
		assert.equal(await page.locator('h1').textContent(), 'Certificate of volunteering');
		assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Volunteering' }).getAttribute('aria-current'), 'true');
		await page.waitForSelector('#cert-verdict[data-outcome="pass"]');
		const cert = (await api(server, 'GET', `/api/v1/certificates/${vol.certVol.ref}?year=${vol.year}`)).body;
		assert.equal(cert.minutes, vol.minutes);
		assert.equal(await page.locator('#cert-verdict .verdict-title').textContent(), 'Verified in your browser');
		const total = vol.minutes === 150 ? '2 h 30 min' : '2 h 31 min';
		assert.equal(await page.locator('#cert-total').textContent(), `${total} of volunteering in ${vol.year}, in 2 sessions.`);
		assert.equal(await page.locator('#cert-ref-shown').textContent(), vol.certVol.ref);
		assert.deepEqual(await rows(page), { [vol.sessions.A]: 'pass', [vol.sessions.B]: 'pass' });
		const a = page.locator(`#cert-table tr[data-session="${vol.sessions.A}"]`);
		assert.equal(await a.locator('.title').textContent(), 'Digitise the river archive');
		assert.equal(await a.locator('.minutes').textContent(), '2 h 30 min');
		assert.equal(await a.locator('.status').textContent(), 'Corrected by the organisation');
		assert.match(await a.innerText(), /Green River Trust \(green-river\)/);
		assert.match(await a.innerText(), /✓ Verified/);
		const b = page.locator(`#cert-table tr[data-session="${vol.sessions.B}"]`);
		assert.equal(await b.locator('.status').textContent(), 'Confirmed');
		// Every check passed: the checkpoint, the total, the leaf and root of every entry, each session's agreement.
		const c = await checks(page);
		const entries = cert.items.flatMap((x) => x.entries);
		assert.equal(entries.length, 9); // A: sign-up, its acceptance, session, hours; B: sign-up, acceptance, check-in, check-out, hours
		const want = { signature: 'pass', keyid: 'pass', total: 'pass', [`agree-${vol.sessions.A}`]: 'pass', [`agree-${vol.sessions.B}`]: 'pass' };
		for (const i of entries) Object.assign(want, { [`leaf-${i}`]: 'pass', [`root-${i}`]: 'pass' });
		assert.deepEqual(c, want);
		assert.match(await page.locator('#proof-outcome').textContent(), /^All \d+ checks passed\.$/);
		// The exact entry texts are there to read.
		await page.locator(`.proof-session[data-session="${vol.sessions.A}"] summary`).click();
		assert.match(await text(page, `.proof-session[data-session="${vol.sessions.A}"] details`), /"type":"vol\.hours"/);
		await done(page);
	});

	test('the form, an unknown reference, and another year', T, async () => {
		const page = await open('/volunteer/certificate');
		await page.getByLabel('Volunteer reference').fill('volunteer:xyz');
		await page.getByRole('button', { name: 'Show the certificate' }).click();
		assert.equal(await page.locator('#cert-error').textContent(), STRINGS.en['cert.err.ref']);
		assert.equal(await page.getByLabel('Volunteer reference').getAttribute('aria-invalid'), 'true');
		// Nobody's reference: no hours, nothing to verify.
		await page.getByLabel('Volunteer reference').fill(`volunteer:${'0'.repeat(64)}`);
		await page.getByRole('button', { name: 'Show the certificate' }).click();
		await page.waitForSelector('#cert-verdict[data-outcome="empty"]');
		assert.equal(await page.locator('#cert-total').textContent(), `No confirmed hours in ${vol.year}.`);
		assert.equal(new URL(page.url()).searchParams.get('ref'), `volunteer:${'0'.repeat(64)}`);
		// The volunteer's hours of another year: none.
		await page.getByLabel('Volunteer reference').fill(vol.certVol.ref);
		await page.getByLabel('Year').fill(String(vol.year - 1));
		await page.getByRole('button', { name: 'Show the certificate' }).click();
		await page.waitForFunction((y) => document.getElementById('cert-total')?.textContent === `No confirmed hours in ${y}.`, vol.year - 1);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'cert-h2');
		await done(page);
	});

	test('in Chinese', T, async () => {
		const page = await open(certPath(), { locale: 'zh-CN' });
		await page.waitForSelector('#cert-verdict[data-outcome="pass"]');
		assert.equal(await page.locator('h1').textContent(), '志愿服务证书');
		assert.equal(await page.locator('#cert-verdict .verdict-title').textContent(), '已在您的浏览器中核验');
		assert.match(await page.locator('#cert-total').textContent(), new RegExp(`^${vol.year} 年志愿服务共 2 小时 3[01] 分钟，2 次。$`));
		assert.match(await text(page, '#proof-section'), /记录 \d+：由条目文本重新计算的叶哈希/);
		await done(page);
	});

	for (const [what, route, failed] of [
		[
			'a session\'s minutes changed in the answer',
			tamper(isCert, (j) => {
				j.items[0].minutes += 60;
				j.minutes += 60;
			}),
			(c) => c[`agree-${vol.sessions.A}`] === 'fail' && c.total === 'pass',
		],
		['the total changed in the answer', tamper(isCert, (j) => (j.minutes += 600)), (c) => c.total === 'fail'],
		[
			'a corrected session shown as confirmed',
			tamper(isCert, (j) => (j.items[0].status = 'confirmed')),
			(c) => c[`agree-${vol.sessions.A}`] === 'fail',
		],
		[
			'another volunteer\'s sign-up given as this one\'s',
			tamper(isCert, (j) => (j.items[0].entries[0] = vol.checkerSignup)),
			(c) => c[`agree-${vol.sessions.A}`] === 'fail',
		],
		[
			'the organisation\'s acceptance of the sign-up left out',
			tamper(isCert, (j) => j.items[0].entries.splice(1, 1)),
			(c) => c[`agree-${vol.sessions.A}`] === 'fail',
		],
		[
			'an entry\'s text changed',
			tamper(
				(u) => /^\/api\/v1\/log\/entries\/\d+$/.test(u.pathname),
				(j) => {
					j.raw = j.raw.replace(/"minutes":(\d+)/, (m, n) => `"minutes":${Number(n) + 1}`);
				},
			),
			(c) => Object.entries(c).some(([k, s]) => k.startsWith('leaf-') && s === 'fail'),
		],
		[
			'a proof hash changed',
			tamper(
				(u) => u.pathname === '/api/v1/log/proof',
				(j) => {
					const b = M.b64decode(j.hashes[0]);
					b[3] ^= 1;
					j.hashes[0] = M.b64encode(b);
				},
			),
			(c) => Object.entries(c).filter(([k, s]) => k.startsWith('root-') && s === 'fail').length === 9,
		],
	])
		test(`not verified when ${what}`, T, async () => {
			const page = await open(certPath(), { route });
			await page.waitForSelector('#cert-verdict[data-outcome="fail"]');
			assert.equal(await page.locator('#cert-verdict .verdict-title').textContent(), 'Not verified — do not rely on this certificate');
			assert.match(await page.locator('#cert-verdict .verdict-line').textContent(), /^\d+ of \d+ checks failed: /);
			const c = await checks(page);
			assert.ok(failed(c), JSON.stringify(c));
			assert.ok(Object.values(await rows(page)).includes('fail') || c.total === 'fail');
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
		await page.waitForSelector('#cert-verdict[data-outcome="fail"]');
		assert.equal((await checks(page)).signature, 'fail');
		assert.deepEqual(Object.values(await rows(page)), ['fail', 'fail']);
		assert.match(await text(page, '#cert-table'), /✗ Not verified/);
		await done(page);
	});
});
