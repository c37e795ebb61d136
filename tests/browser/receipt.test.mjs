// The receipt page in Chromium against the real server, with the donations,
// payments and refund of give-data.mjs made through the API: a code typed
// as people type it, or given in the address; where the money went, as a
// sentence and a table; a purchase's digital work; the donation's entry
// verified in the browser, and answers tampered with on the way (page.route)
// shown as not verified; a code with no receipt; both languages.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import * as M from '../../web/assets/merkle.js';
import { STRINGS } from '../../web/assets/i18n.js';
import { startServer, launchBrowser, newPage } from './helpers.mjs';
import { seedGive, CAMPAIGN, TITLE } from './give-data.mjs';

const T = { timeout: 60000 }; // each test
const SUITE = { timeout: 600000 }; // all the tests of a describe()

let server;
let browser;
let give;

before(async () => {
	server = await startServer();
	give = await seedGive(server);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

/* ---------- helpers ---------- */

async function open(path = '/receipt', opts = {}) {
	const page = await newPage(browser, opts);
	if (opts.route) await opts.route(page);
	await page.goto(server.url + path);
	await page.waitForSelector('html[data-ready="true"]');
	return page;
}

async function done(page, { problems = [] } = {}) {
	const got = page.problems.filter((p) => !problems.some((re) => re.test(p)));
	await page.context().close();
	assert.deepEqual(got, [], 'no console errors or page errors');
}

/** Type a code into the field and wait for the result of that code. */
async function follow(page, typed, code, label = 'Receipt code') {
	const input = page.getByLabel(label, { exact: true });
	await input.fill(typed);
	await input.press('Enter');
	return result(page, code);
}

/** The result shown for code: { outcome, title, sentence }. */
async function result(page, code) {
	await page.waitForFunction((c) => document.getElementById('receipt-code')?.textContent === c && document.getElementById('receipt-verdict'), code);
	return page.evaluate(() => ({
		outcome: document.getElementById('receipt-verdict').dataset.outcome,
		title: document.querySelector('#receipt-verdict .verdict-title').textContent,
		line: document.querySelector('#receipt-verdict .verdict-line').textContent,
		sentence: document.getElementById('receipt-sentence').textContent,
		proof: document.getElementById('proof-outcome').dataset.outcome,
	}));
}

/** Every check's status: { id: status }. */
const checks = (page) =>
	page.$$eval('#receipt-checks .check', (cs) => Object.fromEntries(cs.map((c) => [c.dataset.check, c.dataset.status])));

/** A day as the page writes it in English (en-GB, UTC). */
const dayEn = (at) => new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(at));
const dayZh = (at) => new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(at));

const isReceiptApi = (url) => new URL(url).pathname.startsWith('/api/v1/receipts/');

/** Intercept the receipt's answer and change it with edit(json) on the way. */
function tamper(edit) {
	return (page) =>
		page.route(isReceiptApi, async (route) => {
			const response = await route.fetch();
			const json = await response.json();
			edit(json);
			await route.fulfill({ response, json });
		});
}

function flipB64(s, byte = 5) {
	const b = M.b64decode(s);
	b[byte % b.length] ^= 0x01;
	return M.b64encode(b);
}

/* ---------- the tests ---------- */

describe('receipt page', SUITE, () => {
	test("a donation spent on three payments: the sentence, the parts and the proof verified in the browser", T, async () => {
		const page = await open();
		assert.equal(await page.locator('h1').textContent(), 'Follow your donation');
		assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Follow a donation' }).getAttribute('aria-current'), 'page');
		const { A } = give.donations;
		const [p1, p2, p3] = give.payments;
		// Typed as people type it: lower case, spaces, no dashes.
		const typed = ` ${A.receipt.toLowerCase().replace(/-/g, ' ')} `;
		const r = await follow(page, typed, A.receipt);
		assert.equal(await page.getByLabel('Receipt code', { exact: true }).inputValue(), A.receipt);
		assert.equal(new URL(page.url()).search, `?code=${A.receipt}`);
		assert.equal(
			r.sentence,
			`Your ¥50.00: ¥30.00 to Xinhua Bookstore for textbooks on ${dayEn(p1.at)}, ¥10.00 to Sunshine Canteen for lunches on ${dayEn(p2.at)}, ¥10.00 to Xinhua Bookstore for workbooks on ${dayEn(p3.at)}.`,
		);
		// The donation, checked against its entry.
		assert.equal(r.outcome, 'pass');
		assert.equal(r.proof, 'pass');
		assert.equal(r.title, 'Verified in your browser');
		assert.match(r.line, new RegExp(`^Your donation of ¥50\\.00 to ${TITLE} is entry ${A.index} of the public log, under the checkpoint signed at \\d+ entries\\.$`));
		assert.deepEqual(await checks(page), { signature: 'pass', keyid: 'pass', leaf: 'pass', root: 'pass', agree: 'pass' });
		assert.equal(await page.locator('#receipt-vkey').textContent(), server.vkey);
		assert.match(await page.locator('#proof-section pre.entry-raw').textContent(), /"type":"give\.donation"/);
		const fields = await page.$eval('#donation-h2 + p + dl', (dl) => Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
		assert.deepEqual(fields, {
			'Receipt code': A.receipt,
			Amount: '¥50.00',
			Campaign: TITLE,
			Date: dayEn(A.at),
			'Shown as': '王*',
			'Given through': 'app',
			'On the log': `log entry ${A.index}`,
		});
		assert.equal(await page.getByRole('link', { name: TITLE }).getAttribute('href'), `/campaigns/${CAMPAIGN}`);
		// The parts, as a table that adds up to the donation.
		const rows = await page.$$eval('#parts-table tbody tr', (trs) => trs.map((tr) => ({ cls: tr.className, d: tr.dataset.disbursement ?? null, amount: tr.dataset.amount, text: tr.querySelector('.amount').textContent })));
		assert.deepEqual(rows, [
			{ cls: 'part', d: String(p1.index), amount: '3000', text: '¥30.00' },
			{ cls: 'part', d: String(p2.index), amount: '1000', text: '¥10.00' },
			{ cls: 'part', d: String(p3.index), amount: '1000', text: '¥10.00' },
		]);
		assert.equal(await page.locator('#parts-table tfoot .amount').textContent(), '¥50.00');
		assert.match(await page.locator(`#parts-table tr[data-disbursement="${p1.index}"]`).textContent(), /✓ Confirmed by the payee/);
		assert.match(await page.locator(`#parts-table tr[data-disbursement="${p2.index}"]`).textContent(), /Not confirmed yet/);
		assert.equal(await page.locator(`#parts-table tr[data-disbursement="${p1.index}"] a.file-link`).getAttribute('href'), `/api/v1/files/${p1.sha256}`);
		assert.ok(await page.locator('#work-section').count() === 0, 'no work: not a purchase');
		assert.doesNotMatch(await page.locator('#receipt-result').innerText(), /\b(null|undefined|NaN)\b/);
		// Focus moved to the result; a screen reader hears the outcome.
		assert.equal(await page.evaluate(() => document.activeElement.id), 'donation-h2');
		assert.match(await page.locator('#receipt-status').textContent(), /Verified in your browser/);
		await done(page);
	});

	test('an anonymous donation partly spent, partly refunded, from the address', T, async () => {
		const { B } = give.donations;
		const p3 = give.payments[2];
		const page = await open(`/receipt?code=${encodeURIComponent(B.receipt.toLowerCase().replace(/-/g, ''))}`);
		const r = await result(page, B.receipt);
		assert.equal(r.sentence, `Your ¥20.00: ¥5.00 to Xinhua Bookstore for workbooks on ${dayEn(p3.at)}, ¥10.00 not yet spent, ¥5.00 refunded.`);
		assert.equal(r.outcome, 'pass');
		assert.equal(await page.getByLabel('Receipt code', { exact: true }).inputValue(), B.receipt);
		const rows = await page.$$eval('#parts-table tbody tr', (trs) => trs.map((tr) => [tr.className, tr.querySelector('.amount').textContent]));
		assert.deepEqual(rows, [
			['part', '¥5.00'],
			['unspent', '¥10.00'],
			['refunded', '¥5.00'],
		]);
		assert.equal(await page.locator('#parts-table tfoot .amount').textContent(), '¥20.00');
		assert.match(await page.locator('#parts-table tr.unspent').textContent(), /^Not yet spent/);
		assert.match(await page.locator('#parts-table tr.refunded').textContent(), /^Refunded/);
		const shownAs = await page.$eval('#donation-h2 + p + dl', (dl) => [...dl.querySelectorAll('dt')].find((dt) => dt.textContent === 'Shown as').nextElementSibling.textContent);
		assert.equal(shownAs, 'Anonymous');
		// The focus stays where it was when the page opened with a code.
		assert.notEqual(await page.evaluate(() => document.activeElement.id), 'donation-h2');
		await done(page);
	});

	test('a donation not spent yet, and a purchase with its digital work', T, async () => {
		const { C, D } = give.donations;
		const page = await open();
		let r = await follow(page, C.receipt, C.receipt);
		assert.equal(r.sentence, 'Your ¥1.00 has not been spent yet.');
		assert.equal(r.outcome, 'pass');
		r = await follow(page, D.receipt.replace(/-/g, ''), D.receipt);
		assert.equal(r.outcome, 'pass');
		assert.equal(r.sentence, 'Your ¥8.00 has not been spent yet.');
		assert.equal(await page.locator('#work-title').textContent(), give.work.title);
		const download = page.getByRole('link', { name: 'Download the work' });
		assert.equal(await download.getAttribute('href'), `/api/v1/files/${give.work.sha256}`);
		assert.match(await page.locator('#work-section').textContent(), new RegExp(give.work.sha256));
		await done(page);
	});

	test('a code with no receipt, and text that is no code', T, async () => {
		const page = await open();
		const input = page.getByLabel('Receipt code', { exact: true });
		await input.fill('0000 0000 0000');
		await input.press('Enter');
		await page.waitForFunction(() => document.getElementById('code-error').textContent !== '');
		assert.equal(await page.locator('#code-error').textContent(), 'No receipt with this code (0000-0000-0000). Check the code on your receipt.');
		assert.equal(await input.getAttribute('aria-invalid'), 'true');
		assert.match(await input.getAttribute('aria-describedby'), /\bcode-error\b/);
		assert.equal(await page.locator('#receipt-result').textContent(), '');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'code-input');
		// Not a code at all (U is not in the alphabet, and 11 characters): said without asking.
		let asked = 0;
		page.on('request', (req) => {
			if (isReceiptApi(req.url())) asked++;
		});
		await input.fill('UUUU-1234-567');
		await input.press('Enter');
		await page.waitForFunction(() => /is not a receipt code/.test(document.getElementById('code-error').textContent));
		assert.equal(await page.locator('#code-error').textContent(), '“UUUU-1234-567” is not a receipt code: a receipt code has 12 letters and digits, such as 7KQ2-9MXD-R4TB.');
		await input.fill('');
		await input.press('Enter');
		await page.waitForFunction(() => document.getElementById('code-error').textContent === 'Enter the code printed on your receipt.');
		assert.equal(asked, 0);
		// A good code clears the message.
		await follow(page, give.donations.A.receipt, give.donations.A.receipt);
		assert.equal(await page.locator('#code-error').textContent(), '');
		assert.equal(await input.getAttribute('aria-invalid'), null);
		await done(page, { problems: [/status of 404/] });
	});
});

describe('receipt answers tampered with', SUITE, () => {
	const A = () => give.donations.A;

	async function notVerified(edit, failing) {
		const page = await open(`/receipt?code=${A().receipt}`, { route: tamper(edit) });
		const r = await result(page, A().receipt);
		assert.equal(r.outcome, 'fail');
		assert.equal(r.proof, 'fail');
		assert.equal(r.title, 'Not verified — do not rely on this answer');
		assert.match(r.line, /^\d of 5 checks failed: this answer may have been changed on its way to you\.$/);
		const got = await checks(page);
		for (const id of failing) assert.equal(got[id], 'fail', `${id}: ${JSON.stringify(got)}`);
		assert.equal(await page.locator('#receipt-verdict').getAttribute('data-status'), 'unverified');
		await done(page);
		return got;
	}

	test('the entry text changed (a larger amount)', T, async () => {
		const got = await notVerified((j) => {
			j.entry.raw = j.entry.raw.replace('"amount":5000', '"amount":9000');
			j.donation.amount = 9000;
		}, ['leaf']);
		assert.equal(got.signature, 'pass');
	});

	test('a proof hash changed', T, async () => {
		const got = await notVerified((j) => {
			j.entry.hashes[0] = flipB64(j.entry.hashes[0]);
		}, ['root']);
		assert.equal(got.leaf, 'pass');
	});

	test('the donation shown differs from its entry', T, async () => {
		await notVerified((j) => {
			j.donation.amount = 50000;
		}, ['agree']);
	});

	test("another donation's entry offered as this one's", T, async () => {
		await notVerified((j) => {
			j.donation.index = give.donations.C.index;
		}, ['agree']);
	});

	test('the checkpoint signature changed', T, async () => {
		await notVerified((j) => {
			const lines = j.entry.checkpoint.split('\n');
			const i = lines.findIndex((l) => l.startsWith('\u2014 '));
			const [dash, name, sig] = lines[i].split(' ');
			lines[i] = `${dash} ${name} ${flipB64(sig, 20)}`;
			j.entry.checkpoint = lines.join('\n');
		}, ['signature']);
	});

	test('an entry not yet in a checkpoint is not shown as verified', T, async () => {
		const page = await open(`/receipt?code=${A().receipt}`, {
			route: tamper((j) => {
				j.entry = { index: j.entry.index, pending: true };
			}),
		});
		await page.waitForFunction(() => document.getElementById('receipt-verdict')?.dataset.outcome === 'pending', null, { timeout: 15000 });
		assert.equal(await page.locator('#receipt-verdict .verdict-title').textContent(), 'Not verified yet');
		assert.equal(await page.locator('#proof-outcome').getAttribute('data-outcome'), 'pending');
		await done(page);
	});
});

describe('receipt page in Chinese', SUITE, () => {
	test('the sentence, the verdict and the parts in Chinese, and back to English without a reload', T, async () => {
		const { B } = give.donations;
		const p3 = give.payments[2];
		const page = await open(`/receipt?code=${B.receipt}`, { locale: 'zh-CN' });
		let r = await result(page, B.receipt);
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
		assert.equal(r.sentence, `您的 ¥20.00：¥5.00 于 ${dayZh(p3.at)} 支付给 Xinhua Bookstore，用于 workbooks；¥10.00 尚未使用；¥5.00 已退还。`);
		assert.equal(r.title, '已在您的浏览器中核验');
		assert.equal(await page.locator('#parts-table tr.unspent td').first().textContent(), '尚未使用');
		assert.deepEqual([...new Set(await page.$$eval('#receipt-checks .check-status', (els) => els.map((e) => e.textContent)))], ['通过']);
		const body = await page.locator('body').innerText();
		const left = Object.entries(STRINGS.en)
			.filter(([k, s]) => s.length > 12 && STRINGS.zh[k] !== s && !s.includes('{'))
			.filter(([, s]) => body.includes(s))
			.map(([k]) => k);
		assert.deepEqual(left, []);
		await page.getByLabel('语言').selectOption('en');
		r = await result(page, B.receipt);
		assert.equal(r.title, 'Verified in your browser');
		assert.match(r.sentence, /^Your ¥20\.00: ¥5\.00 to Xinhua Bookstore/);
		await done(page);
	});

	test('a code typed in Chinese, and no receipt said in Chinese', T, async () => {
		const page = await open('/receipt', { locale: 'zh-CN' });
		const r = await follow(page, give.donations.A.receipt.toLowerCase(), give.donations.A.receipt, '凭据码');
		assert.equal(r.outcome, 'pass');
		assert.match(r.sentence, /^您的 ¥50\.00：¥30\.00 于 /);
		const input = page.getByLabel('凭据码', { exact: true });
		await input.fill('ZZZZ-ZZZZ-ZZZZ');
		await input.press('Enter');
		await page.waitForFunction(() => document.getElementById('code-error').textContent !== '');
		assert.equal(await page.locator('#code-error').textContent(), '没有此代码（ZZZZ-ZZZZ-ZZZZ）的凭据。请核对凭据上的代码。');
		await done(page, { problems: [/status of 404/] });
	});
});
