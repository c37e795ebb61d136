// The check page in Chromium against the real server: a maker's product,
// batches and packs, a regulator's recall, and packs shipped, received,
// administered and destroyed (custody events) made through the API; codes
// checked by typing, from the address and by a (stubbed) camera; every
// status with the proofs verified in the browser; the trail as a timeline;
// answers tampered with on the way (page.route) shown as not verified; both
// languages; axe-core.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import * as M from '../../web/assets/merkle.js';
import { STRINGS } from '../../web/assets/i18n.js';
import { startServer, launchBrowser, newPage, api, axeViolations } from './helpers.mjs';

const T = { timeout: 60000 }; // each test
const SUITE = { timeout: 600000 }; // all the tests of a describe()

const GTIN = '09506000134352';
const OK = `(01)${GTIN}(17)401231(10)ABC123(21)0001`;
const RECALLED = `(01)${GTIN}(10)RB2`;
const EXPIRED = `(01)${GTIN}(10)OLD1`;
const UNKNOWN = `(01)${GTIN}(10)NOPE`;
const BAD = '(01)0950600013435'; // 13 digits
const REASON = 'potency below specification';
// Lot TR1 goes maker -> province CDC -> county clinic; T001 is administered,
// T002 destroyed, T003 is still in the clinic's fridge.
const DISPENSED = `(01)${GTIN}(10)TR1(21)T001`;
const DESTROYED = `(01)${GTIN}(10)TR1(21)T002`;
const TRAIL = `(01)${GTIN}(10)TR1(21)T003`;

let server;
let browser;

async function must(method, path, token, body) {
	const r = await api(server, method, path, { token, body });
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
	return r.body;
}

async function org(id, name, role) {
	await must('POST', '/api/v1/orgs', server.adminToken, { id, name, roles: [role] });
	return (await must('POST', '/api/v1/tokens', server.adminToken, { org: id, role })).token;
}

before(async () => {
	server = await startServer();
	const maker = await org('rabivax', 'Rabivax Biologicals', 'manufacturer');
	const regulator = await org('nmpa', 'Medical Products Administration', 'regulator');
	await must('POST', '/api/v1/products', maker, { gtin: GTIN, name: 'Rabies vaccine (Vero cell)', form: 'injection', kind: 'vaccine' });
	const batch = (lot, manufactured, expiry) => must('POST', '/api/v1/batches', maker, { gtin: GTIN, lot, manufactured, expiry, quantity: 100 });
	await batch('ABC123', '2025-01-10', '2040-12-31');
	await batch('RB2', '2025-03-01', '2040-03-01');
	await batch('OLD1', '2020-01-10', '2021-01-10');
	await must('POST', '/api/v1/packs', maker, { gtin: GTIN, lot: 'ABC123', serials: ['0001', '0002'] });
	await must('POST', '/api/v1/recalls', regulator, { scope: 'batch', gtin: GTIN, lot: 'RB2', class: 1, reason: REASON });
	const cdc = await org('province-cdc', 'Province CDC', 'distributor');
	const clinic = await org('county-clinic', 'County Clinic', 'clinic');
	await batch('TR1', '2025-06-01', '2040-06-01');
	const serials = ['T001', 'T002', 'T003'];
	await must('POST', '/api/v1/packs', maker, { gtin: GTIN, lot: 'TR1', serials });
	const custody = (action, token, body) => must('POST', `/api/v1/custody/${action}`, token, { gtin: GTIN, ...body });
	await custody('ship', maker, { lot: 'TR1', quantity: 3, to: 'province-cdc', time: '2026-02-01T08:00:00Z' });
	await custody('receive', cdc, { lot: 'TR1', quantity: 3, from: 'rabivax', time: '2026-02-02T09:30:00Z' });
	await custody('ship', cdc, { serials, to: 'county-clinic', time: '2026-02-05T10:00:00Z' });
	await custody('receive', clinic, { serials, from: 'province-cdc', time: '2026-02-06T11:00:00Z' });
	await custody('administer', clinic, { serials: ['T001'], time: '2026-03-01T09:15:00Z' });
	await custody('destroy', clinic, { serials: ['T002'], time: '2026-03-02T16:00:00Z' });
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

/* ---------- helpers ---------- */

async function open(path = '/check', opts = {}) {
	const page = await newPage(browser, opts);
	if (opts.init) await page.addInitScript(opts.init, opts.arg);
	await page.goto(server.url + path);
	await page.waitForSelector('html[data-ready="true"]');
	return page;
}

async function done(page, { problems = [] } = {}) {
	const got = page.problems.filter((p) => !problems.some((re) => re.test(p)));
	await page.context().close();
	assert.deepEqual(got, [], 'no console errors or page errors');
}

/** Wait for the result of checking code; its status panel. */
async function verdict(page, code) {
	await page.waitForFunction((c) => {
		const v = document.getElementById('verdict');
		return v.dataset.code === c && v.dataset.status && v.dataset.status !== 'loading';
	}, code);
	return page.$eval('#verdict', (v) => ({
		status: v.dataset.status,
		verified: v.dataset.verified ?? null,
		title: v.querySelector('.verdict-title').textContent,
		text: v.innerText,
	}));
}

async function check(page, code, label = 'Code') {
	const input = page.getByLabel(label, { exact: true });
	await input.fill(code);
	await input.press('Enter');
	return verdict(page, code);
}

/** The outcome of every proved entry: { index: outcome }. */
const entryOutcomes = (page) =>
	page.$$eval('#proof-entries .proof-entry', (els) => Object.fromEntries(els.map((e) => [e.dataset.index, e.dataset.outcome])));

/** Every check's status on the page: { 'index:check' or 'checkpoint:check': status }. */
const allChecks = (page) =>
	page.evaluate(() => {
		const out = {};
		for (const c of document.querySelectorAll('#cp-checks .check')) out[`checkpoint:${c.dataset.check}`] = c.dataset.status;
		for (const e of document.querySelectorAll('#proof-entries .proof-entry'))
			for (const c of e.querySelectorAll('.check')) out[`${e.dataset.index}:${c.dataset.check}`] = c.dataset.status;
		for (const c of document.querySelectorAll('#missing-checks .check')) out[`missing:${c.dataset.check}`] = c.dataset.status;
		return out;
	});

const isCheckApi = (url) => new URL(url).pathname === '/api/v1/check';

/** Intercept the check's answer and change it with edit(json) on the way. */
async function tamper(page, edit) {
	await page.route(isCheckApi, async (route) => {
		const response = await route.fetch();
		const json = await response.json();
		edit(json);
		await route.fulfill({ response, json });
	});
}

function flipB64(s, byte = 7) {
	const b = M.b64decode(s);
	b[byte % b.length] ^= 0x01;
	return M.b64encode(b);
}

/* Page scripts standing in for a camera and the Shape Detection API. */
function fakeCamera({ code, refuse, supported }) {
	window.__camera = { calls: [], stopped: 0, formats: null };
	const gum = async (constraints) => {
		window.__camera.calls.push(constraints);
		if (refuse) throw new DOMException('Permission denied', 'NotAllowedError');
		const canvas = document.createElement('canvas');
		canvas.width = 64;
		canvas.height = 48;
		canvas.getContext('2d').fillRect(0, 0, 64, 48);
		const stream = canvas.captureStream(5);
		for (const track of stream.getTracks()) {
			const stop = track.stop.bind(track);
			track.stop = () => {
				window.__camera.stopped++;
				stop();
			};
		}
		return stream;
	};
	if (navigator.mediaDevices) navigator.mediaDevices.getUserMedia = gum;
	else Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia: gum } });
	window.BarcodeDetector = class {
		static async getSupportedFormats() {
			return supported ?? ['aztec', 'code_128', 'data_matrix', 'ean_13', 'qr_code'];
		}
		constructor(opts) {
			window.__camera.formats = opts.formats;
		}
		async detect() {
			return code ? [{ rawValue: code, format: 'data_matrix' }] : [];
		}
	};
}

function noBarcodeDetector() {
	delete window.BarcodeDetector;
}

/* ---------- the tests ---------- */

describe('check page', SUITE, () => {
	test('a registered pack is safe to use, and every proof verifies in the browser', T, async () => {
		const page = await open();
		const v = await check(page, OK);
		assert.equal(v.status, 'ok');
		assert.equal(v.verified, 'pass');
		assert.equal(v.title, 'Safe to use');
		assert.match(v.text, /not been recalled and has not expired/);
		assert.match(v.text, /Verified in your browser: every log entry this answer rests on \(3\)/);
		// Screen readers hear it: the panel is a polite, atomic live region.
		assert.equal(await page.locator('#verdict').getAttribute('role'), 'status');
		assert.equal(await page.locator('#verdict').getAttribute('aria-live'), 'polite');
		assert.equal(await page.locator('#verdict').getAttribute('aria-busy'), 'false');
		// The product, maker, batch and pack.
		const fields = await page.$$eval('#check-result dl.fields', (dls) =>
			Object.fromEntries([...dls[0].querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])),
		);
		assert.deepEqual(fields, {
			Product: 'Rabies vaccine (Vero cell) (vaccine, injection)',
			GTIN: GTIN,
			Maker: 'Rabivax Biologicals (rabivax)',
			'Batch (lot)': 'ABC123',
			Manufactured: '10 January 2025',
			Expires: '31 December 2040',
			'Pack serial number': '0001',
		});
		assert.equal(await page.locator('#recalls-none').textContent(), 'No recall covers this batch.');
		assert.equal(await page.locator('#trail-empty').textContent(), 'No custody events recorded yet.');
		// What was checked: the checkpoint, then each entry with its type.
		const types = await page.$$eval('#proof-entries .proof-entry h4 code', (els) => els.map((e) => e.textContent).sort());
		assert.deepEqual(types, ['trace.batch', 'trace.packs', 'trace.product']);
		assert.ok(Object.values(await entryOutcomes(page)).every((o) => o === 'pass'));
		const checks = await allChecks(page);
		assert.equal(Object.keys(checks).length, 2 + 3 * 3, JSON.stringify(checks));
		assert.ok(Object.values(checks).every((s) => s === 'pass'), JSON.stringify(checks));
		assert.equal(await page.locator('#proofs-outcome').getAttribute('data-outcome'), 'pass');
		assert.equal(await page.locator('#check-vkey').textContent(), server.vkey);
		// The address now names the code, so the result can be shared.
		assert.equal(new URL(page.url()).search, `?code=${encodeURIComponent(OK)}`);
		await done(page);
	});

	test('a recalled batch says do not use, with the class and the reason', T, async () => {
		const page = await open();
		const v = await check(page, RECALLED);
		assert.equal(v.status, 'recalled');
		assert.equal(v.verified, 'pass');
		assert.equal(v.title, 'Recalled — do not use');
		assert.match(v.text, new RegExp(`Class 1 recall: ${REASON}`));
		const recalls = page.locator('#recalls .recall');
		assert.equal(await recalls.count(), 1);
		assert.equal(await recalls.first().getAttribute('data-class'), '1');
		assert.match(await recalls.first().textContent(), new RegExp(`^Class 1: ${REASON}In effect since .* · by nmpa · log entry \\d+$`));
		const types = await page.$$eval('#proof-entries .proof-entry h4 code', (els) => els.map((e) => e.textContent).sort());
		assert.deepEqual(types, ['trace.batch', 'trace.product', 'trace.recall']);
		const checks = await allChecks(page);
		assert.ok(Object.values(checks).every((s) => s === 'pass'), JSON.stringify(checks));
		assert.ok(Object.keys(checks).some((k) => k.endsWith(':agree-recall')), 'the recall is compared with its entry');
		await done(page);
	});

	test('an expired batch says do not use', T, async () => {
		const page = await open();
		const v = await check(page, EXPIRED);
		assert.equal(v.status, 'expired');
		assert.equal(v.verified, 'pass');
		assert.equal(v.title, 'Expired — do not use');
		assert.match(v.text, /This batch expired on 10 January 2021\./);
		await done(page);
	});

	test('a lot never registered is unknown, possibly counterfeit, with the reason', T, async () => {
		const page = await open();
		let v = await check(page, UNKNOWN);
		assert.equal(v.status, 'unknown');
		assert.equal(v.title, 'Unknown — possibly counterfeit');
		assert.match(v.text, /Why: lot NOPE was never registered for GTIN 09506000134352: it may be counterfeit/);
		assert.equal(await page.locator('#verdict [lang="en"]').textContent(), `lot NOPE was never registered for GTIN ${GTIN}: it may be counterfeit`);
		// The product it names is proved all the same.
		assert.equal(v.verified, 'pass');
		assert.deepEqual(await page.$$eval('#proof-entries .proof-entry h4 code', (els) => els.map((e) => e.textContent)), ['trace.product']);
		assert.equal(
			await page.locator('#recalls-none').textContent(),
			'No registered batch matches this code, so no recall can be looked up.',
		);
		// A product never registered: nothing to prove.
		v = await check(page, '(01)09506000134369(10)X1');
		assert.equal(v.status, 'unknown');
		assert.equal(v.verified, 'none');
		assert.match(v.text, /no product with GTIN 09506000134369 is registered/);
		assert.match(v.text, /No log entry matches this code, so there is no proof to check\./);
		await done(page);
	});

	test("a code the parser refuses shows its message, tied to the field", T, async () => {
		const page = await open();
		const input = page.getByLabel('Code', { exact: true });
		await input.fill(BAD);
		await page.getByRole('button', { name: 'Check', exact: true }).click();
		await page.waitForFunction(() => document.getElementById('code-error').textContent !== '');
		const error = await page.locator('#code-error').textContent();
		assert.match(error, /^This code cannot be read: AI \(01\) at position 5: "0950600013435" must be exactly 14 digits, not 13$/);
		assert.equal(await input.getAttribute('aria-invalid'), 'true');
		// The message is part of the field's accessible description.
		const description = await input.evaluate((el) =>
			el.getAttribute('aria-describedby').split(/\s+/).map((id) => document.getElementById(id).textContent).join(' '),
		);
		assert.ok(description.includes(error), description);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'code-input');
		assert.equal(await page.locator('#verdict').textContent(), '');
		assert.equal(await page.locator('#check-result').textContent(), '');
		// Nothing typed: said without asking the server.
		await input.fill('  ');
		await input.press('Enter');
		await page.waitForFunction(() => /^Enter the code/.test(document.getElementById('code-error').textContent));
		// A good code clears the message.
		await check(page, OK);
		assert.equal(await page.locator('#code-error').textContent(), '');
		assert.equal(await input.getAttribute('aria-invalid'), null);
		await done(page, { problems: [/status of 400/] });
	});

	test('/check?code=… fills the field and checks at once', T, async () => {
		const page = await open(`/check?code=${encodeURIComponent(RECALLED)}`);
		const v = await verdict(page, RECALLED);
		assert.equal(v.status, 'recalled');
		assert.equal(await page.getByLabel('Code', { exact: true }).inputValue(), RECALLED);
		// A code written into the address by hand, unencoded, works too.
		await page.goto(`${server.url}/check?code=${OK}`);
		await page.waitForSelector('html[data-ready="true"]');
		assert.equal((await verdict(page, OK)).status, 'ok');
		await done(page);
	});

	test('in Chinese, the status and the rest are Chinese, and the choice is remembered', T, async () => {
		const page = await open(`/check?code=${encodeURIComponent(RECALLED)}`, { locale: 'en-GB' });
		await verdict(page, RECALLED);
		await page.getByLabel('Language').selectOption('zh');
		let v = await verdict(page, RECALLED);
		assert.equal(v.title, STRINGS.zh['pack.v.recalled.t']);
		assert.match(v.text, new RegExp(`1 级召回：${REASON}`));
		assert.match(v.text, /已在您的浏览器中核验/);
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
		assert.equal(await page.locator('h1').textContent(), STRINGS.zh['pack.h1']);
		assert.deepEqual(
			[...new Set(await page.$$eval('#proof-entries .check-status', (els) => els.map((e) => e.textContent)))],
			['通过'],
		);
		// Remembered: a new check after a reload is in Chinese from the start.
		await page.reload();
		await page.waitForSelector('html[data-ready="true"]');
		assert.equal(await page.getByLabel('语言').inputValue(), 'zh');
		v = await check(page, OK, '代码');
		assert.equal(v.title, STRINGS.zh['pack.v.ok.t']);
		// No English left, but for the server's own words (none here) and codes.
		const body = await page.locator('body').innerText();
		const left = Object.entries(STRINGS.en)
			.filter(([k, s]) => s.length > 12 && STRINGS.zh[k] !== s && !s.includes('{'))
			.filter(([, s]) => body.includes(s))
			.map(([k]) => k);
		assert.deepEqual(left, []);
		await done(page);
	});

	test('the scan button is there only where the browser has BarcodeDetector', T, async () => {
		let page = await open('/check', { init: noBarcodeDetector });
		assert.equal(await page.evaluate(() => 'BarcodeDetector' in window), false);
		assert.ok(await page.locator('#scan-button').isHidden());
		assert.equal(await page.getByRole('button', { name: 'Scan with the camera' }).count(), 0);
		await done(page);
		page = await open('/check', { init: fakeCamera, arg: { code: null } });
		assert.ok(await page.getByRole('button', { name: 'Scan with the camera' }).isVisible());
		await done(page);
	});

	test('scanning fills the field, checks the code and stops the camera', T, async () => {
		const page = await open('/check', { init: fakeCamera, arg: { code: OK } });
		await page.getByRole('button', { name: 'Scan with the camera' }).click();
		const v = await verdict(page, OK);
		assert.equal(v.status, 'ok');
		assert.equal(v.verified, 'pass');
		assert.equal(await page.getByLabel('Code', { exact: true }).inputValue(), OK);
		const cam = await page.evaluate(() => window.__camera);
		assert.equal(cam.calls.length, 1);
		assert.deepEqual(cam.calls[0], { video: { facingMode: 'environment' }, audio: false });
		assert.deepEqual(cam.formats, ['data_matrix', 'qr_code', 'code_128', 'ean_13']);
		assert.equal(cam.stopped, 1, 'the camera is stopped after a read');
		assert.ok(await page.locator('#scanner').isHidden());
		assert.equal(await page.evaluate(() => document.getElementById('scan-video').srcObject), null);
		assert.equal(new URL(page.url()).search, `?code=${encodeURIComponent(OK)}`);
		await done(page);
	});

	test('scanning can be cancelled, and stops the camera', T, async () => {
		const page = await open('/check', { init: fakeCamera, arg: { code: null } });
		await page.getByRole('button', { name: 'Scan with the camera' }).click();
		await page.waitForFunction(() => /^Hold the barcode/.test(document.getElementById('scan-status').textContent));
		assert.ok(await page.locator('#scanner').isVisible());
		assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-cancel');
		await page.getByRole('button', { name: 'Stop the camera' }).click();
		assert.ok(await page.locator('#scanner').isHidden());
		assert.equal(await page.evaluate(() => window.__camera.stopped), 1);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-button');
		// And with Escape.
		await page.getByRole('button', { name: 'Scan with the camera' }).click();
		await page.waitForFunction(() => /^Hold the barcode/.test(document.getElementById('scan-status').textContent));
		await page.keyboard.press('Escape');
		assert.ok(await page.locator('#scanner').isHidden());
		assert.equal(await page.evaluate(() => window.__camera.stopped), 2);
		assert.equal(await page.locator('#verdict').textContent(), '');
		await done(page);
	});

	test('a refused camera permission is said clearly', T, async () => {
		const page = await open('/check', { init: fakeCamera, arg: { code: OK, refuse: true } });
		await page.getByRole('button', { name: 'Scan with the camera' }).click();
		await page.waitForFunction(() => document.getElementById('scan-error').textContent !== '');
		assert.match(await page.locator('#scan-error').textContent(), /^The camera was not allowed, so nothing can be scanned\./);
		assert.equal(await page.locator('#scan-error').getAttribute('role'), 'alert');
		assert.ok(await page.locator('#scanner').isHidden());
		assert.ok(await page.getByRole('button', { name: 'Scan with the camera' }).isEnabled());
		assert.equal(await page.locator('#verdict').textContent(), '');
		await done(page);
	});

	test('a browser that reads none of the formats says so', T, async () => {
		const page = await open('/check', { init: fakeCamera, arg: { code: OK, supported: [] } });
		await page.getByRole('button', { name: 'Scan with the camera' }).click();
		await page.waitForFunction(() => document.getElementById('scan-error').textContent !== '');
		assert.match(await page.locator('#scan-error').textContent(), /^This browser cannot read these barcodes/);
		assert.equal(await page.evaluate(() => window.__camera.calls.length), 0, 'the camera was not opened');
		assert.ok(await page.locator('#scanner').isHidden());
		await done(page);
	});

	test('a tampered proof hash makes the page say the proofs do not verify', T, async () => {
		const page = await open();
		let tampered = null;
		await tamper(page, (j) => {
			const p = j.proofs.find((x) => x.hashes.length > 1);
			p.hashes[1] = flipB64(p.hashes[1]);
			tampered = String(p.index);
		});
		const v = await check(page, OK);
		assert.equal(v.status, 'unverified', 'not shown as ok');
		assert.equal(v.verified, 'fail');
		assert.equal(v.title, 'Not verified — do not rely on this answer');
		assert.doesNotMatch(v.text, /Safe to use/);
		assert.match(v.text, /The proofs do not verify: 1 of 11 checks did not pass\./);
		assert.match(v.text, /The server's answer was: safe to use\./);
		const checks = await allChecks(page);
		assert.equal(checks[`${tampered}:root`], 'fail');
		assert.equal(Object.values(checks).filter((s) => s !== 'pass').length, 1, JSON.stringify(checks));
		assert.equal((await entryOutcomes(page))[tampered], 'fail');
		assert.equal(await page.locator('#proofs-outcome').getAttribute('data-outcome'), 'fail');
		await done(page);
	});

	test('answers changed in other ways are caught too', T, async () => {
		const page = await open();
		// A product name that its entry does not record.
		await tamper(page, (j) => {
			j.product.name = 'Rabies vaccine (genuine)';
		});
		let v = await check(page, OK);
		assert.equal(v.status, 'unverified');
		let checks = await allChecks(page);
		const product = Object.keys(checks).find((k) => k.endsWith(':agree-product'));
		assert.equal(checks[product], 'fail');
		assert.match(await page.locator(`#proof-entries [data-check="agree-product"] .check-detail`).textContent(), /differs from this entry in: name/);
		await page.unroute(isCheckApi);

		// A recall dropped from the proofs, still shown.
		await tamper(page, (j) => {
			j.proofs = j.proofs.filter((p) => JSON.parse(p.raw).type !== 'trace.recall');
		});
		v = await check(page, RECALLED);
		assert.equal(v.status, 'unverified');
		checks = await allChecks(page);
		assert.equal(checks['missing:missing-recall'], 'fail');
		await page.unroute(isCheckApi);

		// An entry's text changed: its leaf and root fail.
		await tamper(page, (j) => {
			const p = j.proofs.find((x) => JSON.parse(x.raw).type === 'trace.batch');
			p.raw = p.raw.replace('2040-12-31', '2041-12-31');
		});
		v = await check(page, `(01)${GTIN}(10)ABC123`);
		assert.equal(v.status, 'unverified');
		checks = await allChecks(page);
		const failed = Object.entries(checks).filter(([, s]) => s !== 'pass').map(([k]) => k.split(':')[1]).sort();
		assert.deepEqual(failed, ['agree-batch', 'leaf', 'root']);
		await page.unroute(isCheckApi);

		// A checkpoint signed by someone else.
		await tamper(page, (j) => {
			const cp = M.parseCheckpoint(j.checkpoint);
			const s = cp.signatures[0];
			const blob = Uint8Array.from([...s.keyId, ...s.signature]);
			blob[20] ^= 0x01;
			j.checkpoint = `${cp.body}\n\u2014 ${s.name} ${M.b64encode(blob)}\n`;
		});
		v = await check(page, OK);
		assert.equal(v.status, 'unverified');
		assert.equal((await allChecks(page))['checkpoint:signature'], 'fail');
		await done(page);
	});

	test('an entry not yet in a checkpoint leaves the answer not verified yet', T, async () => {
		const page = await open();
		await tamper(page, (j) => {
			const i = j.proofs.findIndex((p) => JSON.parse(p.raw).type === 'trace.packs');
			j.proofs[i] = { index: j.proofs[i].index, pending: true };
		});
		const v = await check(page, OK);
		assert.equal(v.status, 'unverified');
		assert.equal(v.verified, 'pending');
		assert.equal(v.title, 'Not verified yet');
		assert.match(v.text, /Entries not yet in a signed checkpoint: 1\./);
		assert.match(v.text, /The server's answer was: safe to use\./);
		const checks = await allChecks(page);
		assert.equal(checks['missing:missing-pack'], 'skip');
		assert.ok(Object.values(await entryOutcomes(page)).includes('pending'));
		await done(page);
	});

	test('a trail of shipments and receipts is a timeline in order, in both languages, each event proved', T, async () => {
		const page = await open('/check', { locale: 'en-GB' });
		const v = await check(page, TRAIL);
		assert.equal(v.status, 'ok');
		assert.equal(v.verified, 'pass');
		assert.equal(await page.locator('#trail-empty').count(), 0);
		const items = page.locator('ol#trail > li.timeline-item');
		assert.equal(await items.count(), 4);
		const trail = () =>
			page.$$eval('ol#trail > li', (lis) =>
				lis.map((li) => ({
					index: li.dataset.index,
					step: li.dataset.step,
					time: li.querySelector('time').getAttribute('datetime'),
					what: li.querySelector('.timeline-what').textContent,
					fields: [...li.querySelectorAll('dl.timeline-fields dt')].map((dt) => `${dt.textContent}=${dt.nextElementSibling.textContent}`),
					link: li.querySelector('a').getAttribute('href'),
				})),
			);
		let got = await trail();
		assert.deepEqual(
			got.map((x) => [x.step, x.time, x.what]),
			[
				['shipping', '2026-02-01T08:00:00Z', 'Shipped'],
				['receiving', '2026-02-02T09:30:00Z', 'Received'],
				['shipping', '2026-02-05T10:00:00Z', 'Shipped'],
				['receiving', '2026-02-06T11:00:00Z', 'Received'],
			],
		);
		assert.deepEqual(
			got.map((x) => x.fields),
			[
				['Recorded by=rabivax', 'From=rabivax', 'To=province-cdc'],
				['Recorded by=province-cdc', 'From=rabivax', 'To=province-cdc'],
				['Recorded by=province-cdc', 'From=province-cdc', 'To=county-clinic'],
				['Recorded by=county-clinic', 'From=province-cdc', 'To=county-clinic'],
			],
		);
		assert.match(await items.nth(0).locator('.timeline-time').textContent(), /^01\/02\/2026, 08:00 UTC$/);
		// Oldest first, each linking to its entry in the explorer; and each is
		// an entry the browser proved and compared.
		const indexes = got.map((x) => Number(x.index));
		assert.deepEqual([...indexes].sort((a, b) => a - b), indexes);
		assert.deepEqual(got.map((x) => x.link), indexes.map((i) => `/explorer?index=${i}`));
		const checks = await allChecks(page);
		for (const i of indexes) assert.equal(checks[`${i}:agree-trail`], 'pass', JSON.stringify(checks));
		assert.ok(Object.values(checks).every((s) => s === 'pass'), JSON.stringify(checks));
		const types = await page.$$eval('#proof-entries .proof-entry h4 code', (els) => els.map((e) => e.textContent));
		assert.equal(types.filter((t) => t === 'trace.event').length, 4);
		// In Chinese: the steps and the labels too.
		await page.getByLabel('Language').selectOption('zh');
		await verdict(page, TRAIL);
		got = await trail();
		assert.deepEqual(got.map((x) => x.what), ['发运', '接收', '发运', '接收']);
		assert.deepEqual(got[2].fields, ['记录机构=province-cdc', '来源=province-cdc', '去向=county-clinic']);
		assert.equal(await page.locator('#trail-h2').textContent(), STRINGS.zh['pack.trail.h2']);
		assert.match(await items.nth(3).locator('a').textContent(), /^日志条目 \d+$/);
		await done(page);
	});

	test('a pack already administered says so, with when and by whom', T, async () => {
		const page = await open('/check', { locale: 'en-GB' });
		let v = await check(page, DISPENSED);
		assert.equal(v.status, 'already_dispensed');
		assert.equal(v.verified, 'pass');
		assert.equal(v.title, 'Already used — do not use again');
		assert.match(v.text, /This pack was recorded as administered or dispensed on 01\/03\/2026, 09:15 UTC by county-clinic\./);
		assert.match(v.text, /If you were given this pack as new, do not use it/);
		// The last step of its trail is the administration, shown and proved.
		const last = page.locator('ol#trail > li').last();
		assert.equal(await last.getAttribute('data-state'), 'dispensed');
		assert.equal(await last.locator('.timeline-what').textContent(), 'Administered/dispensed');
		assert.equal(await last.locator('.trail-by').textContent(), 'county-clinic');
		const checks = await allChecks(page);
		assert.ok(Object.keys(checks).some((k) => k.endsWith(':agree-state')), "the pack's state is compared with its event");
		assert.ok(Object.values(checks).every((s) => s === 'pass'), JSON.stringify(checks));
		// Amber, like a warning, with an icon of its own.
		const look = await page.$eval('#verdict', (el) => ({ border: getComputedStyle(el).borderTopColor, icon: el.querySelector('svg').innerHTML }));
		assert.equal(look.border, 'rgb(138, 97, 0)');
		await page.getByLabel('Language').selectOption('zh');
		v = await verdict(page, DISPENSED);
		assert.equal(v.title, STRINGS.zh['pack.v.dispensed.t']);
		assert.match(v.text, /由 county-clinic 记录为已接种\/已发药/);
		assert.equal(await last.locator('.timeline-what').textContent(), '接种/发药');
		await done(page);
	});

	test('a destroyed pack is suspect: do not use, as strongly as a recall', T, async () => {
		const page = await open('/check', { locale: 'en-GB' });
		const recalled = await check(page, RECALLED);
		const recalledLook = await page.$eval('#verdict', (el) => ({ border: getComputedStyle(el).borderTopColor, bg: getComputedStyle(el).backgroundColor, icon: el.querySelector('svg').innerHTML }));
		assert.equal(recalled.status, 'recalled');
		let v = await check(page, DESTROYED);
		assert.equal(v.status, 'suspect');
		assert.equal(v.verified, 'pass');
		assert.equal(v.title, 'Suspect — do not use');
		assert.match(v.text, /This pack was recorded as destroyed on 02\/03\/2026, 16:00 UTC by county-clinic\. A pack with this code should no longer exist/);
		assert.match(v.text, /Do not use it\. Keep it, and report it/);
		const look = await page.$eval('#verdict', (el) => ({ border: getComputedStyle(el).borderTopColor, bg: getComputedStyle(el).backgroundColor, icon: el.querySelector('svg').innerHTML }));
		assert.equal(look.border, recalledLook.border, 'red, as a recall');
		assert.equal(look.bg, recalledLook.bg);
		assert.notEqual(look.icon, recalledLook.icon, 'but an icon of its own');
		assert.equal(await page.locator('ol#trail > li').last().getAttribute('data-state'), 'destroyed');
		assert.equal(await page.locator('ol#trail > li').last().locator('.timeline-what').textContent(), 'Destroyed');
		const checks = await allChecks(page);
		assert.ok(Object.values(checks).every((s) => s === 'pass'), JSON.stringify(checks));
		await page.getByLabel('Language').selectOption('zh');
		v = await verdict(page, DESTROYED);
		assert.equal(v.title, STRINGS.zh['pack.v.suspect.t']);
		assert.match(v.text, /由 county-clinic 记录为已销毁/);
		await page.getByLabel('语言').selectOption('en');
		// Suspect because checked from many places (the server's count, as the
		// status is its reading: changed here on the way), it says how many.
		await tamper(page, (j) => {
			j.status = 'suspect';
			j.places_checked = 6;
			j.reason = "this pack's code was checked from 6 different places in the last 30 days: it may have been copied";
		});
		v = await check(page, TRAIL);
		assert.equal(v.status, 'suspect');
		assert.match(v.text, /checked from 6 different places in the last 30 days/);
		await done(page);
	});

	test('a trail event changed, or shown without its entry, fails verification', T, async () => {
		const page = await open();
		let index = null;
		// A receipt shown as a shipment.
		await tamper(page, (j) => {
			const it = j.trail.find((x) => x.bizStep === 'receiving');
			it.bizStep = 'shipping';
			index = String(it.index);
		});
		let v = await check(page, TRAIL);
		assert.equal(v.status, 'unverified');
		assert.equal(v.verified, 'fail');
		assert.match(v.text, /The server's answer was: safe to use\./);
		let checks = await allChecks(page);
		assert.deepEqual(Object.entries(checks).filter(([, s]) => s !== 'pass').map(([k]) => k), [`${index}:agree-trail`]);
		assert.match(await page.locator(`#proof-entries [data-index="${index}"] [data-check="agree-trail"] .check-detail`).textContent(), /differs from this entry in: bizStep/);
		await page.unroute(isCheckApi);

		// Another time.
		await tamper(page, (j) => {
			j.trail[0].eventTime = '2026-01-15T08:00:00Z';
			index = String(j.trail[0].index);
		});
		await check(page, TRAIL);
		checks = await allChecks(page);
		assert.deepEqual(Object.entries(checks).filter(([, s]) => s !== 'pass').map(([k]) => k), [`${index}:agree-trail`]);
		await page.unroute(isCheckApi);

		// An event's entry dropped from the proofs, the event still shown.
		await tamper(page, (j) => {
			j.proofs = j.proofs.filter((p) => String(p.index) !== String(j.trail[1].index));
		});
		v = await check(page, TRAIL);
		assert.equal(v.status, 'unverified');
		checks = await allChecks(page);
		assert.equal(checks['missing:missing-trail'], 'fail');
		await page.unroute(isCheckApi);

		// An event made up, with no entry at all.
		await tamper(page, (j) => {
			j.trail.push({ at: '2026-02-08T08:00:00.000Z', eventTime: '2026-02-08T08:00:00Z', bizStep: 'receiving', by: 'far-away', from: [], to: [] });
		});
		v = await check(page, TRAIL);
		assert.equal(v.status, 'unverified');
		assert.equal((await allChecks(page))['missing:missing-trail'], 'fail');
		assert.equal(await page.locator('ol#trail > li').count(), 5);
		await page.unroute(isCheckApi);

		// A pack shown as administered with no event that did it.
		await tamper(page, (j) => {
			j.status = 'already_dispensed';
			j.pack.state = 'dispensed';
		});
		v = await check(page, TRAIL);
		assert.equal(v.status, 'unverified');
		assert.match(v.text, /The server's answer was: already used\./);
		assert.equal((await allChecks(page))['missing:missing-state'], 'fail');
		await done(page);
	});

	test('a server that cannot be reached is said, not swallowed', T, async () => {
		const page = await open();
		await page.route(isCheckApi, (route) => route.abort('connectionrefused'));
		const v = await check(page, OK);
		assert.equal(v.status, 'error');
		assert.equal(v.title, 'Could not check');
		assert.match(v.text, /The check could not be made: the server could not be reached\./);
		await page.unroute(isCheckApi);
		await page.route(isCheckApi, (route) =>
			route.fulfill({
				status: 503,
				contentType: 'application/problem+json',
				body: JSON.stringify({ type: 'urn:goodtrace:problem:unavailable', title: 'Unavailable', status: 503, detail: 'the store is busy' }),
			}),
		);
		assert.match((await check(page, RECALLED)).text, /The check could not be made: the store is busy\./);
		await done(page, { problems: [/ERR_CONNECTION_REFUSED|ERR_FAILED/, /status of 503/] });
	});

	test('the layout fits a phone screen', T, async () => {
		const page = await newPage(browser);
		await page.setViewportSize({ width: 360, height: 740 });
		for (const [code, lang] of [[RECALLED, 'en'], [DISPENSED, 'en'], [OK, 'zh'], [DESTROYED, 'zh']]) {
			await page.goto(`${server.url}/check?code=${encodeURIComponent(code)}`);
			await page.waitForSelector('html[data-ready="true"]');
			if (lang === 'zh') await page.getByLabel(/^(Language|语言)$/).selectOption('zh');
			await verdict(page, code);
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
			assert.ok(overflow <= 0, `${code} (${lang}): the page scrolls sideways by ${overflow}px`);
		}
		await done(page);
	});
});

describe('check page accessibility', SUITE, () => {
	async function axe(page, what) {
		const v = await axeViolations(page);
		assert.deepEqual(v, [], `${what}: serious or critical axe violations:\n${JSON.stringify(v, null, 2)}`);
		const levels = await page.$$eval('h1, h2, h3, h4, h5, h6', (hs) => hs.map((x) => Number(x.tagName[1])));
		assert.equal(levels.filter((l) => l === 1).length, 1, `${what}: one h1`);
		for (let i = 1; i < levels.length; i++) assert.ok(levels[i] <= levels[i - 1] + 1, `${what}: h${levels[i]} after h${levels[i - 1]}`);
	}

	for (const locale of ['en-US', 'zh-CN']) {
		test(`axe-core: ok, recalled, unknown, a trail, already dispensed, suspect, not verified and input errors (${locale})`, T, async () => {
			const page = await open('/check', { locale, bypassCSP: true, init: fakeCamera, arg: { code: null } });
			await axe(page, `empty (${locale})`);
			for (const code of [OK, RECALLED, UNKNOWN, TRAIL, DISPENSED, DESTROYED]) {
				await page.goto(`${server.url}/check?code=${encodeURIComponent(code)}`);
				await page.waitForSelector('html[data-ready="true"]');
				await verdict(page, code);
				await page.locator('#proof-entries details summary').first().click();
				await axe(page, `${code} (${locale})`);
			}
			await tamper(page, (j) => {
				j.proofs[0].hashes[0] = flipB64(j.proofs[0].hashes[0]);
			});
			await page.goto(`${server.url}/check?code=${encodeURIComponent(OK)}`);
			await page.waitForSelector('html[data-ready="true"]');
			assert.equal((await verdict(page, OK)).status, 'unverified');
			await axe(page, `not verified (${locale})`);
			await page.unroute(isCheckApi);

			await page.locator('#code-input').fill(BAD);
			await page.locator('#code-input').press('Enter');
			await page.waitForFunction(() => document.getElementById('code-error').textContent !== '');
			await page.locator('#scan-button').click();
			await page.waitForFunction(() => document.getElementById('scan-status').textContent !== '');
			await axe(page, `input error, camera on (${locale})`);
			await page.setViewportSize({ width: 360, height: 740 });
			await axe(page, `phone (${locale})`);
			await page.context().close();
		});
	}
});
