// The log explorer in Chromium against the real server: the checkpoint,
// the latest entries, lookups verified in the browser, and answers
// tampered with on the way (page.route) caught by the specific check.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';

import * as M from '../../web/assets/merkle.js';
import { startServer, seed, launchBrowser, newPage, api } from './helpers.mjs';

const T = { timeout: 60000 }; // each test
const SUITE = { timeout: 600000 }; // all the tests of a describe()

let server;
let browser;
let size; // entries in the log after seeding
let checkpoint; // its text

before(async () => {
	server = await startServer();
	await seed(server, 25);
	checkpoint = await fetch(`${server.url}/log/checkpoint`).then((r) => r.text());
	size = Number(checkpoint.split('\n')[1]);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

async function open(path = '/explorer', opts = {}) {
	const page = await newPage(browser, opts);
	await page.goto(server.url + path);
	await page.waitForSelector('html[data-ready="true"]');
	return page;
}

async function done(page, { problems = [] } = {}) {
	const got = page.problems.filter((p) => !problems.some((re) => re.test(p)));
	await page.context().close();
	assert.deepEqual(got, [], 'no console errors or page errors');
}

const statuses = (page) =>
	page.$$eval('#lookup-checks .check', (els) => Object.fromEntries(els.map((e) => [e.dataset.check, e.dataset.status])));

async function waitResult(page, index) {
	await page.waitForFunction(
		(i) => {
			const h = document.getElementById('lookup-result-h3');
			return h && h.dataset.index === i && document.getElementById('lookup-outcome');
		},
		String(index),
	);
}

async function lookup(page, index, label = 'Entry index') {
	const input = page.getByLabel(label, { exact: true });
	await input.fill(String(index));
	await input.press('Enter');
	await waitResult(page, index);
	return statuses(page);
}

const ALL_PASS = { signature: 'pass', keyid: 'pass', leaf: 'pass', root: 'pass' };

/** Intercept the entry's JSON and change it with edit(json) on the way. */
async function tamper(page, index, edit) {
	await page.route(`**/api/v1/log/entries/${index}`, async (route) => {
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

function sigBlob(cpText) {
	const cp = M.parseCheckpoint(cpText);
	const s = cp.signatures[0];
	return { cp, s, blob: Uint8Array.from([...s.keyId, ...s.signature]) };
}

describe('explorer', SUITE, () => {
	test('shows the current checkpoint, verified', T, async () => {
		const page = await open();
		const vkey = M.parseVkey(server.vkey);
		assert.equal(await page.locator('#vkey-text').textContent(), vkey.text);
		assert.equal(await page.locator('#cp-size').textContent(), String(size));
		assert.equal(await page.locator('#cp-root').textContent(), checkpoint.split('\n')[2]);
		assert.equal(await page.locator('#cp-text').textContent(), checkpoint);
		assert.match(await page.locator('#cp-body').textContent(), new RegExp(vkey.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
		assert.equal(await page.locator('#cp-outcome').getAttribute('data-outcome'), 'pass');
		assert.deepEqual(
			await page.$$eval('#cp-body .check', (els) => els.map((e) => e.dataset.status)),
			['pass', 'pass'],
		);
		await done(page);
	});

	test('lists the latest entries, newest first, in pages', T, async () => {
		const page = await open();
		const indexes = () => page.$$eval('#entries-table tbody tr td:first-child', (tds) => tds.map((td) => Number(td.textContent)));
		const first = await indexes();
		assert.equal(first.length, 20);
		assert.deepEqual(first, Array.from({ length: 20 }, (_, i) => size - 1 - i));
		const row = await page.$$eval('#entries-table tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
		const top = (await api(server, 'GET', `/api/v1/log/entries/${size - 1}`)).body.entry;
		assert.equal(row[1], top.type);
		assert.equal(row[3], top.by);
		assert.equal(await page.locator('#entries-table tbody tr:first-child time').getAttribute('datetime'), top.at);
		assert.ok(await page.getByRole('button', { name: 'Newer' }).isDisabled());

		await page.getByRole('button', { name: 'Older' }).click();
		await page.waitForFunction((n) => document.querySelector('#entries-table tbody td')?.textContent === String(n), size - 21);
		const second = await indexes();
		assert.deepEqual(second, Array.from({ length: Math.min(20, size - 20) }, (_, i) => size - 21 - i));
		assert.ok(await page.getByRole('button', { name: 'Newer' }).isEnabled());

		await page.getByRole('button', { name: 'Newer' }).click();
		await page.waitForFunction((n) => document.querySelector('#entries-table tbody td')?.textContent === String(n), size - 1);
		assert.deepEqual(await indexes(), first);
		await done(page);
	});

	test('looking up entries shows every check passed', T, async () => {
		const page = await open();
		for (const i of [size - 1, 0, 1, Math.floor(size / 2)]) {
			assert.deepEqual(await lookup(page, i), ALL_PASS, `entry ${i}`);
			assert.equal(await page.locator('#lookup-outcome').getAttribute('data-outcome'), 'pass');
			assert.match(await page.locator('#lookup-outcome').textContent(), new RegExp(`^Verified: entry ${i} is in the log`));
			const { body } = await api(server, 'GET', `/api/v1/log/entries/${i}`);
			assert.equal(await page.locator('#entry-raw').textContent(), body.raw);
			assert.equal(await page.locator('#lookup-status').textContent(), await page.locator('#lookup-outcome').textContent());
			// Focus moves to the result for keyboard and screen-reader users.
			assert.equal(await page.evaluate(() => document.activeElement.id), 'lookup-result-h3');
			assert.match(page.url(), new RegExp(`[?&]index=${i}$`));
		}
		await done(page);
	});

	test('an entry in the table is looked up by keyboard', T, async () => {
		const page = await open();
		const link = page.locator('#entries-table a.entry-link').nth(2);
		const index = await link.textContent();
		await link.focus();
		await page.keyboard.press('Enter');
		await waitResult(page, index);
		assert.deepEqual(await statuses(page), ALL_PASS);
		assert.equal(await page.getByLabel('Entry index', { exact: true }).inputValue(), index);
		await done(page);
	});

	test('?index= in the address looks the entry up on load', T, async () => {
		const page = await open('/explorer?index=3');
		await waitResult(page, 3);
		assert.deepEqual(await statuses(page), ALL_PASS);
		await done(page);
	});

	test('the result follows the language switch', T, async () => {
		const page = await open('/explorer?index=2');
		await waitResult(page, 2);
		await page.getByLabel('Language').selectOption('zh');
		assert.equal(await page.locator('#lookup-result-h3').textContent(), '条目 2');
		assert.match(await page.locator('#lookup-outcome').textContent(), /^核验通过/);
		assert.deepEqual(await page.$$eval('#lookup-checks .check-status', (els) => els.map((e) => e.textContent)), ['通过', '通过', '通过', '通过']);
		assert.equal(await page.getByLabel('条目编号').inputValue(), '2');
		await done(page);
	});

	test('a tampered proof hash fails the root check', T, async () => {
		const page = await open();
		const i = 5;
		await tamper(page, i, (j) => {
			j.hashes[1] = flipB64(j.hashes[1]);
		});
		assert.deepEqual(await lookup(page, i), { ...ALL_PASS, root: 'fail' });
		assert.equal(await page.locator('#lookup-outcome').getAttribute('data-outcome'), 'fail');
		assert.match(await page.locator('#lookup-outcome').textContent(), /^Not verified: 1 of 4 checks failed for entry 5/);
		assert.match(await page.locator('#lookup-checks [data-check=root]').textContent(), /^✗Failed: The root recomputed/);
		await done(page);
	});

	test('a missing or extra proof hash fails the root check', T, async () => {
		const page = await open();
		await tamper(page, 6, (j) => j.hashes.pop());
		assert.deepEqual(await lookup(page, 6), { ...ALL_PASS, root: 'fail' });
		await tamper(page, 7, (j) => j.hashes.push(j.hashes[0]));
		assert.deepEqual(await lookup(page, 7), { ...ALL_PASS, root: 'fail' });
		assert.match(await page.locator('#lookup-checks [data-check=root] .check-detail').textContent(), /does not fit entry 7/);
		await done(page);
	});

	test('a tampered entry text fails the leaf check (and so the root)', T, async () => {
		const page = await open();
		const i = size - 2;
		await tamper(page, i, (j) => {
			j.raw = j.raw.replace('"report"', '"repart"');
			assert.ok(j.raw.includes('repart'), 'the entry was changed');
		});
		assert.deepEqual(await lookup(page, i), { ...ALL_PASS, leaf: 'fail', root: 'fail' });
		assert.match(await page.locator('#entry-raw').textContent(), /repart/);
		await done(page);
	});

	test('a server leaf hash that does not match the text fails the leaf check only', T, async () => {
		const page = await open();
		await tamper(page, 4, (j) => {
			j.leaf_hash = flipB64(j.leaf_hash);
		});
		assert.deepEqual(await lookup(page, 4), { ...ALL_PASS, leaf: 'fail' });
		await done(page);
	});

	test('a tampered checkpoint signature fails the signature check', T, async () => {
		const page = await open();
		await tamper(page, 3, (j) => {
			const { cp, s, blob } = sigBlob(j.checkpoint);
			blob[30] ^= 0x01;
			j.checkpoint = `${cp.body}\n\u2014 ${s.name} ${M.b64encode(blob)}\n`;
		});
		assert.deepEqual(await lookup(page, 3), { ...ALL_PASS, signature: 'fail' });
		assert.match(await page.locator('#lookup-checks [data-check=signature]').textContent(), /does not match the checkpoint text/);
		await done(page);
	});

	test('a checkpoint with another root fails the signature and root checks', T, async () => {
		const page = await open();
		await tamper(page, 2, (j) => {
			const lines = j.checkpoint.split('\n');
			lines[2] = flipB64(lines[2], 0);
			j.checkpoint = lines.join('\n');
		});
		assert.deepEqual(await lookup(page, 2), { ...ALL_PASS, signature: 'fail', root: 'fail' });
		await done(page);
	});

	test('a wrong key id on the signature fails the key id check', T, async () => {
		const page = await open();
		await tamper(page, 1, (j) => {
			const { cp, s, blob } = sigBlob(j.checkpoint);
			blob[0] ^= 0xff;
			j.checkpoint = `${cp.body}\n\u2014 ${s.name} ${M.b64encode(blob)}\n`;
		});
		assert.deepEqual(await lookup(page, 1), { ...ALL_PASS, keyid: 'fail' });
		await done(page);
	});

	test('a tampered current checkpoint is flagged', T, async () => {
		const page = await newPage(browser);
		await page.route('**/log/checkpoint', async (route) => {
			const response = await route.fetch();
			const text = await response.text();
			const lines = text.split('\n');
			lines[1] = String(Number(lines[1]) + 1000);
			await route.fulfill({ response, body: lines.join('\n') });
		});
		await page.goto(`${server.url}/explorer`);
		await page.waitForSelector('html[data-ready="true"]');
		assert.equal(await page.locator('#cp-outcome').getAttribute('data-outcome'), 'fail');
		assert.deepEqual(await page.$$eval('#cp-body .check', (els) => els.map((e) => e.dataset.status)), ['fail', 'pass']);
		await done(page);
	});

	test('a verifier key from elsewhere is used for every check', T, async () => {
		const page = await open('/explorer?index=1');
		await waitResult(page, 1);
		// The same name with another Ed25519 key: nothing verifies any more.
		const pair = await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
		const pub = new Uint8Array(await webcrypto.subtle.exportKey('raw', pair.publicKey));
		const name = M.parseVkey(server.vkey).name;
		const id = M.toHex(await M.computeKeyId(name, pub));
		const other = `${name}+${id}+${M.b64encode(Uint8Array.of(1, ...pub))}`;
		await page.getByText('Use a verifier key from elsewhere').click();
		await page.getByLabel('Verifier key (name+key id+key)').fill(other);
		await page.getByRole('button', { name: 'Use this key' }).click();
		await page.waitForFunction(() => document.getElementById('cp-outcome')?.dataset.outcome === 'fail');
		assert.equal(await page.locator('#vkey-text').textContent(), other);
		await page.waitForFunction(() => document.querySelector('#lookup-checks [data-check=signature]')?.dataset.status === 'fail');
		assert.deepEqual(await statuses(page), { signature: 'fail', keyid: 'fail', leaf: 'pass', root: 'pass' });

		// Not a key at all: a clear message, nothing changed.
		await page.getByLabel('Verifier key (name+key id+key)').fill('not a key');
		await page.getByRole('button', { name: 'Use this key' }).click();
		assert.match(await page.locator('#vkey-error').textContent(), /not a valid verifier key/);
		assert.equal(await page.getByLabel('Verifier key (name+key id+key)').getAttribute('aria-invalid'), 'true');

		// The right key again: all passes.
		await page.getByLabel('Verifier key (name+key id+key)').fill(server.vkey);
		await page.getByRole('button', { name: 'Use this key' }).click();
		await page.waitForFunction(() => document.querySelector('#lookup-checks [data-check=signature]')?.dataset.status === 'pass');
		assert.deepEqual(await statuses(page), ALL_PASS);
		assert.equal(await page.locator('#vkey-error').textContent(), '');
		await done(page);
	});

	test('invalid index input gives a clear message', T, async () => {
		const page = await open();
		const input = page.getByLabel('Entry index', { exact: true });
		const error = page.locator('#lookup-error');
		const cases = [
			['', /^Enter an entry index/],
			['abc', /^“abc” is not an entry index: enter a whole number/],
			['-1', /^“-1” is not an entry index/],
			['1.5', /^“1.5” is not an entry index/],
			[String(size), new RegExp(`^There is no entry ${size}: the log has ${size} entries, numbered 0 to ${size - 1}\\.$`)],
			['99999999999999999999999', /^There is no entry 99999999999999999999999: the log has/],
		];
		for (const [value, want] of cases) {
			await input.fill(value);
			await page.getByRole('button', { name: 'Look up and verify' }).click();
			await page.waitForFunction(() => document.getElementById('lookup-error').textContent !== '');
			assert.match(await error.textContent(), want, JSON.stringify(value));
			assert.equal(await input.getAttribute('aria-invalid'), 'true');
			assert.equal(await page.locator('#lookup-result').textContent(), '');
			assert.equal(await page.evaluate(() => document.activeElement.id), 'lookup-index');
			// A valid lookup clears the message.
			await lookup(page, 0);
			assert.equal(await error.textContent(), '');
			assert.equal(await input.getAttribute('aria-invalid'), null);
		}
		// In Chinese too.
		await page.getByLabel('Language').selectOption('zh');
		const zhInput = page.getByLabel('条目编号', { exact: true });
		await zhInput.fill('x');
		await zhInput.press('Enter');
		await page.waitForFunction(() => document.getElementById('lookup-error').textContent !== '');
		assert.match(await error.textContent(), /^“x”不是条目编号/);
		await done(page);
	});

	test('an entry the server cannot give shows its problem detail', T, async () => {
		const page = await open();
		await page.route('**/api/v1/log/entries/8', (route) =>
			route.fulfill({
				status: 503,
				contentType: 'application/problem+json',
				body: JSON.stringify({ type: 'about:blank', title: 'Unavailable', status: 503, detail: 'the store is busy' }),
			}),
		);
		await page.getByLabel('Entry index', { exact: true }).fill('8');
		await page.getByLabel('Entry index', { exact: true }).press('Enter');
		await page.waitForFunction(() => document.getElementById('lookup-error').textContent !== '');
		assert.equal(await page.locator('#lookup-error').textContent(), 'The server could not give entry 8: the store is busy');
		await done(page, { problems: [/503/] });
	});
});
