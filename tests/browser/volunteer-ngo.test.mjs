// The organisation's panel of /volunteer in Chromium against the real
// server, with the volunteering of vol-data.mjs and more made through the
// API: sign-ups waiting (accepted and declined on the page, the lists
// changing), a sign-up with a session (declining it refused in the
// server's words), sessions checked out (confirmed; a correction's note
// required before anything is sent), a disputed session (the volunteer's
// reason shown, then corrected), a session still open (closed with
// minutes, too many refused), in Chinese, and on a phone's width.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { STRINGS } from '../../web/assets/i18n.js';
import { startServer, launchBrowser, newPage, api } from './helpers.mjs';
import { seedVolunteer, makeVolunteer } from './vol-data.mjs';

const T = { timeout: 90000 };
const SUITE = { timeout: 600000 };

let server;
let browser;
let vol;
const more = {};

async function must(method, path, token, body) {
	const r = await api(server, method, path, { token, body });
	if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
	return r.body;
}

/**
 * Seed more for the organisation green-river (vol.ngo): on creek's later
 * slot, two sign-ups waiting (Li Lei, Han Meimei); on library's slot
 * happening now, two volunteers checked in and out (sessions ended); the
 * certificate's session A disputed by its volunteer; and creek's checker
 * checked in (a session open).
 */
async function seedNgo(server, vol) {
	const ngo = vol.ngo;
	const out = {};
	out.p1 = await makeVolunteer(server, 'Li Lei');
	out.p2 = await makeVolunteer(server, 'Han Meimei');
	out.s1 = (await must('POST', '/api/v1/opportunities/creek/signups', out.p1.key, { slot: 'later' })).signup;
	out.s2 = (await must('POST', '/api/v1/opportunities/creek/signups', out.p2.key, { slot: 'later' })).signup;
	const libCode = (await must('GET', '/api/v1/opportunities/library/slots/now/code', ngo)).code;
	out.ended = [];
	for (const name of ['Zhang Wei', 'Liu Yang']) {
		const v = await makeVolunteer(server, name);
		const s = (await must('POST', '/api/v1/opportunities/library/signups', v.key, { slot: 'now' })).signup;
		await must('POST', `/api/v1/signups/${s}/decide`, ngo, { accept: true });
		const session = (await must('POST', '/api/v1/checkins', v.key, { code: libCode })).session;
		await must('POST', '/api/v1/checkouts', v.key, { code: libCode });
		out.ended.push({ name, session, signup: s });
	}
	out.reason = 'I stayed until the end: three hours, not two and a half.';
	await must('POST', `/api/v1/sessions/${vol.sessions.A}/dispute`, vol.certVol.key, { reason: out.reason });
	out.open = (await must('POST', '/api/v1/checkins', vol.checker.key, { code: vol.code })).session;
	return out;
}

before(async () => {
	server = await startServer();
	vol = await seedVolunteer(server);
	Object.assign(more, await seedNgo(server, vol));
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

const ready = (page) => page.waitForSelector('html[data-ready="true"]');

async function open({ locale = 'en-US', viewport } = {}) {
	const page = await newPage(browser, { locale });
	if (viewport) await page.setViewportSize(viewport);
	await page.goto(`${server.url}/volunteer`);
	await ready(page);
	return page;
}

/** Type the token and open the panel; wait for its lists. */
async function openPanel(page, token = vol.ngo, L = STRINGS.en) {
	await page.getByLabel(L['vol.qr.token']).fill(token);
	await page.getByRole('button', { name: L['vol.ngo.open'] }).click();
	await page.waitForSelector('#ngo-body[aria-busy="false"] #ngo-sessions-ended');
}

async function done(page, { problems = [] } = {}) {
	const got = page.problems.filter((p) => !problems.some((re) => re.test(p)));
	await page.context().close();
	assert.deepEqual(got, [], 'no console errors or page errors');
}

const signupsIn = (page, list) => page.$$eval(`${list} li.item`, (ls) => ls.map((l) => Number(l.dataset.signup)));
const sessionsIn = (page, list) => page.$$eval(`${list} li.item`, (ls) => ls.map((l) => Number(l.dataset.session)));

async function resultOf(page, id, before = '') {
	await page.waitForFunction(([i, b]) => {
		const t = document.getElementById(i)?.textContent.trim();
		return t && t !== b;
	}, [id, before]);
	return (await page.locator(`#${id}`).textContent()).trim();
}

describe('an organisation runs its opportunities on /volunteer', SUITE, () => {
	test('accepting and declining sign-ups; a refusal in the server\'s words', T, async () => {
		const page = await open();
		await openPanel(page);
		assert.equal(await page.locator('#ngo-as').textContent(), 'Signed in as the organisation green-river.');
		// creek is the newest, so chosen first.
		assert.equal(await page.getByLabel('Opportunity', { exact: true }).inputValue(), 'creek');
		assert.deepEqual(await signupsIn(page, '#ngo-pending'), [more.s1, more.s2]);
		assert.deepEqual(await signupsIn(page, '#ngo-confirmed'), [vol.checkerSignup]);
		const p1 = page.locator(`#ngo-signup-${more.s1}`);
		assert.equal(await p1.locator('.ngo-name').textContent(), 'Li Lei');
		assert.match(await p1.innerText(), /slot later/);
		await page.getByRole('button', { name: `Accept Li Lei, sign-up ${more.s1}` }).click();
		assert.equal(await resultOf(page, 'ngo-signups-result'), `Accepted: Li Lei (sign-up ${more.s1}). They can now check in with the slot’s code.`);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'ngo-signups-result');
		assert.deepEqual(await signupsIn(page, '#ngo-pending'), [more.s2]);
		assert.deepEqual(await signupsIn(page, '#ngo-confirmed'), [vol.checkerSignup, more.s1]);
		// Declining with a note: the note goes with it, and the sign-up leaves both lists.
		await page.getByLabel('Note with your next decision (optional)').fill('Only five places on that day, sorry.');
		await page.getByRole('button', { name: `Decline Han Meimei, sign-up ${more.s2}` }).click();
		assert.equal(await resultOf(page, 'ngo-signups-result', `Accepted: Li Lei (sign-up ${more.s1}). They can now check in with the slot’s code.`), `Declined: Han Meimei (sign-up ${more.s2}). Their place is free again.`);
		assert.deepEqual(await signupsIn(page, '#ngo-pending'), []);
		assert.deepEqual(await signupsIn(page, '#ngo-confirmed'), [vol.checkerSignup, more.s1]);
		const declined = (await api(server, 'GET', '/api/v1/opportunities/creek/signups?status=declined', { token: vol.ngo })).body.signups;
		assert.deepEqual(declined.map((s) => [s.signup, s.note]), [[more.s2, 'Only five places on that day, sorry.']]);
		// Another opportunity: the archive's sign-ups have sessions, so declining one is refused.
		await page.getByLabel('Opportunity', { exact: true }).selectOption('archive');
		await page.waitForSelector('#ngo-body[aria-busy="false"] #ngo-confirmed li.item:has-text("王芳")');
		const first = (await signupsIn(page, '#ngo-confirmed'))[0];
		await page.getByRole('button', { name: `Decline 王芳, sign-up ${first}` }).click();
		const said = (await api(server, 'POST', `/api/v1/signups/${first}/decide`, { token: vol.ngo, body: { accept: false } })).body.detail;
		assert.match(said, /already has a session/);
		await page.waitForSelector('#ngo-signups-result.error');
		assert.equal(await page.locator('#ngo-signups-result').textContent(), `Refused: ${said}`);
		assert.equal(await page.locator('#ngo-signups-result [lang="en"]').textContent(), said);
		await done(page, { problems: [/status of 409/] });
	});

	test('confirming a session, a correction\'s note required, a dispute\'s reason, closing an open session', T, async () => {
		const page = await open();
		let hoursPosts = 0;
		page.on('request', (r) => {
			if (r.method() === 'POST' && /\/hours$/.test(r.url())) hoursPosts++;
		});
		await openPanel(page);
		const [e1, e2] = more.ended;
		assert.deepEqual(await sessionsIn(page, '#ngo-sessions-ended'), [e1.session, e2.session]);
		assert.deepEqual(await sessionsIn(page, '#ngo-sessions-disputed'), [vol.sessions.A]);
		assert.deepEqual(await sessionsIn(page, '#ngo-sessions-open'), [more.open]);
		// Names come from the sign-ups (sessions give only a reference).
		assert.equal(await page.locator(`#ngo-session-${e1.session} .ngo-name`).textContent(), 'Zhang Wei');
		assert.equal(await page.locator(`#ngo-session-${more.open} .ngo-name`).textContent(), '陈静');

		// Confirm the first as checked out.
		await page.locator(`[data-confirm="${e1.session}"]`).click();
		const r1 = await resultOf(page, 'ngo-sessions-result');
		assert.match(r1, new RegExp(`^Session ${e1.session}: Hours confirmed, \\d+ min\\.$`));
		assert.deepEqual(await sessionsIn(page, '#ngo-sessions-ended'), [e2.session]);
		const s1 = (await api(server, 'GET', '/api/v1/sessions?status=confirmed&limit=1000', { token: vol.ngo })).body.sessions.find((s) => s.session === e1.session);
		assert.ok(s1, 'confirmed on the server');

		// A correction without a note: said before sending.
		const correct = page.getByRole('button', { name: `Correct session ${e2.session}` });
		await correct.click();
		assert.equal(await correct.getAttribute('aria-expanded'), 'true');
		await page.locator(`#ngo-hours-${e2.session}-minutes`).fill('0');
		await page.getByRole('button', { name: 'Send the correction' }).click();
		assert.equal(await page.locator(`#ngo-hours-${e2.session}-note-error`).textContent(), 'A correction needs a note saying why.');
		assert.equal(await page.evaluate(() => document.activeElement.id), `ngo-hours-${e2.session}-note`);
		assert.equal(await page.locator(`#ngo-hours-${e2.session}-note`).getAttribute('aria-invalid'), 'true');
		assert.equal(hoursPosts, 1, 'nothing sent without a note');
		await page.getByRole('button', { name: 'Cancel' }).click();

		// The disputed session: the volunteer's reason, then a correction.
		const a = page.locator(`#ngo-session-${vol.sessions.A}`);
		assert.equal(await a.locator('.ngo-reason').textContent(), more.reason);
		await page.getByRole('button', { name: `Correct session ${vol.sessions.A}` }).click();
		await page.locator(`#ngo-hours-${vol.sessions.A}-minutes`).fill('165');
		await page.getByLabel('Note saying why (required)').fill('Checked with the team leader: three hours.');
		await page.getByRole('button', { name: 'Send the correction' }).click();
		assert.equal(await resultOf(page, 'ngo-sessions-result', r1), `Session ${vol.sessions.A}: Hours corrected by the organisation, 2 h 45 min.`);
		assert.deepEqual(await sessionsIn(page, '#ngo-sessions-disputed'), []);
		const sa = (await api(server, 'GET', '/api/v1/sessions?status=corrected&limit=1000', { token: vol.ngo })).body.sessions.find((s) => s.session === vol.sessions.A);
		assert.equal(sa.hours, 165);
		assert.equal(sa.note, 'Checked with the team leader: three hours.');

		// The open session: too many minutes refused in the server's words, then closed.
		await page.getByRole('button', { name: `Close with minutes session ${more.open}` }).click();
		await page.locator(`#ngo-hours-${more.open}-minutes`).fill('600');
		await page.locator(`#ngo-hours-${more.open}-note`).fill('Forgot to check out.');
		await page.getByRole('button', { name: 'Close the session' }).click();
		await page.waitForSelector('#ngo-sessions-result.error');
		assert.match(await page.locator('#ngo-sessions-result').textContent(), /^Refused: minutes 600 is more than the \d+ since the session started: no hours in the future$/);
		// The form stays open with what was typed.
		assert.equal(await page.locator(`#ngo-hours-${more.open}-note`).inputValue(), 'Forgot to check out.');
		await page.locator(`#ngo-hours-${more.open}-minutes`).fill('0');
		await page.getByRole('button', { name: 'Close the session' }).click();
		await page.waitForSelector('#ngo-sessions-result.status:not(:empty)');
		assert.match(await page.locator('#ngo-sessions-result').textContent(), new RegExp(`^Session ${more.open}: `));
		assert.deepEqual(await sessionsIn(page, '#ngo-sessions-open'), []);
		await done(page, { problems: [/status of 400/] });
	});

	test('without a token, with another kind of token, in Chinese, and on a phone', T, async () => {
		let page = await open({ viewport: { width: 390, height: 844 } });
		await page.getByRole('button', { name: 'Show my sign-ups and sessions' }).click();
		assert.equal(await page.locator('#ngo-form-error').textContent(), 'Fill in your organisation’s API token above first.');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'qr-token');
		// A volunteer's key is no organisation's token: refused in the server's words.
		await page.getByLabel('Your organisation’s API token').fill('gt_nonsense');
		await page.getByRole('button', { name: 'Show my sign-ups and sessions' }).click();
		await page.waitForSelector('#ngo-error');
		assert.match(await page.locator('#ngo-error').textContent(), /^Refused: /);
		await openPanel(page);
		await page.getByRole('button', { name: /^Correct session / }).first().click();
		assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)) <= 0, 'the panel scrolls sideways');
		await done(page, { problems: [/status of 401/] });

		const Z = STRINGS.zh;
		page = await open({ locale: 'zh-CN' });
		await openPanel(page, vol.ngo, Z);
		assert.equal(await page.locator('#ngo-as').textContent(), '已作为机构 green-river 登录。');
		assert.equal(await page.locator('#ngo-signups-h4').textContent(), Z['vol.ngo.signups.h4']);
		assert.ok(await page.getByLabel(Z['vol.ngo.opp'], { exact: true }).isVisible());
		assert.match(await page.locator('#ngo-sessions-h4').textContent(), /服务记录和时长/);
		assert.ok((await page.getByRole('button', { name: /^确认 / }).count()) >= 1);
		// Back to English without a reload: the panel too.
		await page.getByLabel('语言', { exact: true }).selectOption('en');
		assert.equal(await page.locator('#ngo-as').textContent(), 'Signed in as the organisation green-river.');
		assert.equal(await page.locator('#ngo-sessions-h4').textContent(), 'Sessions and hours');
		await done(page);
	});
});
