// The campaign pages in Chromium against the real server, with donations,
// payments, a refund, a verification and a payee's confirmation made through
// the API (give-data.mjs): the list with each campaign's charity, category,
// verification, status and progress, and its status filter; one campaign's
// accounts, its spending by category as a chart (one bar per category, the
// amounts in its text alternative and in a table), raised and spent over
// time, the latest donations with masked names, the payments with their
// receipts and confirmations, its documents; the report form; a campaign
// that does not exist; both languages.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { STRINGS } from '../../web/assets/i18n.js';
import { startServer, launchBrowser, newPage, api } from './helpers.mjs';
import { seedGive, CAMPAIGN, CLOSED, TITLE, CLOSED_TITLE } from './give-data.mjs';

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

async function open(path, opts = {}) {
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

/** The <dt>/<dd> pairs of the dl in root. */
const fieldsOf = (page, selector) =>
	page.$eval(selector, (dl) => Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));

/** The cells of a table's body rows, as text. */
const rowsOf = (page, selector) =>
	page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));

/** English texts of i18n.js left on a Chinese page (longer ones, without placeholders). */
function englishLeft(text) {
	return Object.entries(STRINGS.en)
		.filter(([k, v]) => v.length > 12 && STRINGS.zh[k] !== v && !v.includes('{'))
		.filter(([, v]) => text.includes(v))
		.map(([k]) => k);
}

/* ---------- the tests ---------- */

describe('campaign list', SUITE, () => {
	test('each campaign with its charity, category, verification, status and progress', T, async () => {
		const page = await open('/campaigns');
		assert.equal(await page.locator('h1').textContent(), 'Campaigns');
		assert.equal(await page.title(), 'Campaigns — goodtrace');
		// In the navigation, marked as the current page.
		const nav = page.getByRole('navigation', { name: 'Main' });
		assert.equal(await nav.getByRole('link', { name: 'Campaigns' }).getAttribute('aria-current'), 'page');
		assert.equal(await nav.getByRole('link', { name: 'Follow a donation' }).getAttribute('href'), '/receipt');

		const cards = page.locator('#campaign-list .campaign-card');
		assert.equal(await cards.count(), 2);
		const card = page.locator(`.campaign-card[data-id="${CAMPAIGN}"]`);
		const link = card.getByRole('link', { name: TITLE });
		assert.equal(await link.getAttribute('href'), `/campaigns/${CAMPAIGN}`);
		assert.deepEqual(await fieldsOf(page, `.campaign-card[data-id="${CAMPAIGN}"] dl`), {
			Charity: 'Hope Foundation (hope)',
			Category: 'education',
			Verification: 'Verified',
			Status: 'Open for donations',
		});
		// ¥79.00 of ¥50,000.00: the bar and the same in words.
		assert.equal(await card.locator('.goal-text').textContent(), '¥79.00 raised of ¥50,000.00 (0.2%)');
		assert.equal(Number(await card.locator('progress').getAttribute('value')).toFixed(3), '0.158');
		assert.equal(await card.locator('progress').getAttribute('aria-label'), 'Progress toward the goal');

		const closed = page.locator(`.campaign-card[data-id="${CLOSED}"]`);
		assert.ok(await closed.getByRole('link', { name: CLOSED_TITLE }).isVisible());
		assert.deepEqual(await fieldsOf(page, `.campaign-card[data-id="${CLOSED}"] dl`), {
			Charity: 'Hope Foundation (hope)',
			Category: 'water',
			Verification: 'Verification pending',
			Status: 'Closed',
		});
		assert.equal(await closed.locator('.goal-text').textContent(), '¥0.00 raised of ¥20,000.00 (0%)');

		// Following the link opens the campaign.
		await link.click();
		await page.waitForURL(`**/campaigns/${CAMPAIGN}`);
		await page.waitForSelector('html[data-ready="true"]');
		assert.equal(await page.locator('h1').textContent(), TITLE);
		await done(page);
	});

	test('the status filter asks the server and is kept in the address', T, async () => {
		const page = await open('/campaigns');
		await page.getByLabel('Show').selectOption('closed');
		await page.waitForFunction(() => document.querySelectorAll('#campaign-list .campaign-card').length === 1);
		assert.deepEqual(await page.$$eval('.campaign-card', (cs) => cs.map((c) => c.dataset.id)), [CLOSED]);
		assert.equal(new URL(page.url()).search, '?status=closed');
		await page.getByLabel('Show').selectOption('suspended');
		await page.waitForSelector('#campaigns-empty');
		assert.equal(await page.locator('#campaigns-empty').textContent(), 'No campaigns with this status.');
		// From the address.
		await page.goto(`${server.url}/campaigns?status=open`);
		await page.waitForSelector('html[data-ready="true"]');
		assert.equal(await page.getByLabel('Show').inputValue(), 'open');
		assert.deepEqual(await page.$$eval('.campaign-card', (cs) => cs.map((c) => c.dataset.id)), [CAMPAIGN]);
		await done(page);
	});
});

describe('campaign page', SUITE, () => {
	test('what it is, who runs it, its verification and its accounts', T, async () => {
		const page = await open(`/campaigns/${CAMPAIGN}`);
		assert.equal(await page.locator('h1').textContent(), TITLE);
		assert.equal(await page.title(), `${TITLE} — goodtrace`);
		// The list is the current section of the navigation.
		assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).getAttribute('aria-current'), 'true');
		assert.match(await page.locator('#campaign-description').textContent(), /^Every pupil of Hope School/);
		const about = await fieldsOf(page, '#about-section dl');
		assert.equal(about['Run by'], 'Hope Foundation (hope)');
		assert.equal(about.Beneficiary, 'Hope School');
		assert.equal(about.Category, 'education');
		assert.equal(about.Goal, '¥50,000.00');
		assert.match(about['Recorded in'], /^log entry \d+$/);
		assert.deepEqual(await page.$$eval('#about-section .badge', (bs) => bs.map((b) => b.textContent)), ['Open for donations', 'Verified']);

		// The accounts: ¥79.00 given, ¥5.00 refunded, ¥55.00 spent.
		assert.equal(await page.locator('#campaign-progress .goal-text').textContent(), '¥79.00 raised of ¥50,000.00 (0.2%)');
		assert.deepEqual(await fieldsOf(page, '#money-section dl'), {
			Raised: '¥79.00',
			Refunded: '¥5.00',
			Spent: '¥55.00',
			'Balance (not yet spent)': '¥19.00',
			Donations: '4',
			Donors: '3',
			'Anonymous donations': '1',
			'Payments made': '3',
		});

		// Verification, with the documents' hashes.
		assert.match(await page.locator('#verification-section').textContent(), /An administrator reviewed the campaign's documents and verified it\./);
		assert.equal((await fieldsOf(page, '#verification-section dl')).Note, 'registration checked');
		const doc = page.locator('#documents li');
		assert.equal(await doc.count(), 1);
		const sha = await doc.getAttribute('data-sha256');
		assert.match(sha, /^[0-9a-f]{64}$/);
		assert.match(await doc.textContent(), new RegExp(`^registration\\.pdfSHA-256: ${sha} · log entry \\d+$`));
		const file = await fetch(`${server.url}${await doc.locator('a.hash').getAttribute('href')}`);
		assert.equal(file.status, 200);
		assert.equal(await file.text(), 'Hope Foundation: registration certificate');
		await done(page);
	});

	test('spending by category: one bar per category, the same amounts in its text alternative and in a table', T, async () => {
		const page = await open(`/campaigns/${CAMPAIGN}`);
		const chart = page.locator('#category-chart');
		assert.equal(await chart.getAttribute('role'), 'img');
		const alt = 'Spending by category: meals: ¥10.00 (payments: 1); textbooks: ¥45.00 (payments: 2).';
		assert.equal(await chart.getAttribute('aria-label'), alt);
		assert.equal(await chart.locator('title').textContent(), alt);
		assert.ok(await page.getByRole('img', { name: alt }).isVisible());
		// One bar per category, longest for the most money.
		const bars = await page.$$eval('#category-chart rect.chart-bar', (rs) =>
			rs.map((r) => ({ category: r.dataset.category, amount: r.dataset.amount, width: Number(r.getAttribute('width')) })),
		);
		assert.deepEqual(bars.map((b) => [b.category, b.amount]), [['meals', '1000'], ['textbooks', '4500']]);
		assert.ok(bars[1].width > 200, `${bars[1].width}`);
		assert.equal(bars[0].width, Math.round((bars[1].width * 1000) / 4500));
		assert.deepEqual(await page.$$eval('#category-chart .chart-value', (ts) => ts.map((x) => x.textContent)), ['¥10.00', '¥45.00']);
		// The table says the same.
		assert.deepEqual(await rowsOf(page, '#category-table'), [
			['meals', '¥10.00', '1', '18%'],
			['textbooks', '¥45.00', '2', '82%'],
		]);
		// Raised and spent over time (all today): the totals in its text alternative.
		const today = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(give.donations.A.at));
		assert.equal(
			await page.locator('#time-chart').getAttribute('aria-label'),
			`Money raised (less refunds) and spent, added up day by day from ${today} to ${today}: by the end, ¥74.00 raised and ¥55.00 spent.`,
		);
		assert.deepEqual(await page.$$eval('#time-chart .chart-end', (ts) => ts.map((x) => x.textContent)), ['Raised ¥74.00', 'Spent ¥55.00']);
		await page.locator('#time-section summary').click();
		assert.deepEqual(await rowsOf(page, '#time-table'), [[today, '¥79.00', '¥5.00', '¥55.00', '4']]);
		await done(page);
	});

	test('the latest donations, newest first, with masked names and anonymous donors unnamed', T, async () => {
		const page = await open(`/campaigns/${CAMPAIGN}`);
		const { A, B, C, D } = give.donations;
		const rows = await page.$$eval('#donations-table tbody tr', (trs) =>
			trs.map((tr) => ({ index: tr.dataset.index, anonymous: tr.dataset.anonymous, donor: tr.querySelector('.donor').textContent, amount: tr.querySelector('.amount').textContent })),
		);
		assert.deepEqual(rows, [
			{ index: String(D.index), anonymous: 'false', donor: '李*', amount: '¥8.00' },
			{ index: String(C.index), anonymous: 'false', donor: 'A*', amount: '¥1.00' },
			{ index: String(B.index), anonymous: 'true', donor: 'Anonymous', amount: '¥20.00¥5.00 refunded' },
			{ index: String(A.index), anonymous: 'false', donor: '王*', amount: '¥50.00' },
		]);
		assert.equal(await page.locator('#donations-table tbody tr').first().locator('td').nth(3).textContent(), 'purchase of a work');
		// Nobody's full name reaches the page.
		const body = await page.locator('body').innerText();
		for (const name of ['王小明', 'Alice Smith', '李雷', 'user-8812']) assert.ok(!body.includes(name), name);
		assert.ok(await page.locator('#donations-more').isHidden(), 'no older page');
		await done(page);
	});

	test('the payments out of the campaign, with their receipts and confirmations', T, async () => {
		const page = await open(`/campaigns/${CAMPAIGN}`);
		const rows = await page.$$eval('#disbursements-table tbody tr', (trs) =>
			trs.map((tr) => ({
				index: tr.dataset.index,
				confirmed: tr.dataset.confirmed,
				payee: tr.querySelector('.payee').textContent,
				purpose: tr.querySelector('.purpose').textContent,
				category: tr.querySelector('.category').textContent,
				amount: tr.querySelector('.amount').textContent,
				receipt: tr.querySelector('.receipt a').getAttribute('href'),
				status: tr.querySelector('.confirmed').textContent,
			})),
		);
		const [p1, p2, p3] = give.payments;
		const row = (p, confirmed) => ({
			index: String(p.index),
			confirmed: String(confirmed),
			payee: `${p.payee} (supplier)`,
			purpose: p.purpose,
			category: p.category,
			amount: `¥${(p.amount / 100).toFixed(2)}`,
			receipt: `/api/v1/files/${p.sha256}`,
			status: confirmed ? '✓ Confirmed by the payee' : '… Not confirmed yet',
		});
		assert.deepEqual(rows, [row(p3, false), row(p2, false), row(p1, true)]);
		// The receipt link names what it is, and gives the file.
		const link = page.locator(`#disbursements-table tr[data-index="${p1.index}"] .receipt a`);
		assert.match(await link.locator('code').textContent(), /^[0-9a-f]{12}…$/);
		assert.equal(await link.getAttribute('title'), p1.sha256);
		assert.ok(await page.getByRole('link', { name: `Receipt file, SHA-256: ${p1.sha256.slice(0, 12)}…` }).isVisible());
		const res = await fetch(server.url + rows[2].receipt);
		assert.equal(res.status, 200);
		assert.equal(await res.text(), 'invoice 1: textbooks');
		await done(page);
	});

	test('the report form sends a report to the reviewers and thanks', T, async () => {
		const page = await open(`/campaigns/${CAMPAIGN}`);
		const open_ = page.getByRole('button', { name: 'Report this campaign' });
		assert.equal(await open_.getAttribute('aria-expanded'), 'false');
		assert.ok(await page.locator('#report-form').isHidden());
		await open_.click();
		assert.equal(await open_.getAttribute('aria-expanded'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'report-reason');
		// No reason: said, nothing sent.
		await page.getByRole('button', { name: 'Send the report' }).click();
		assert.equal(await page.locator('#report-error').textContent(), 'Choose a reason for the report.');
		assert.equal(await page.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
		await page.getByLabel('Reason').selectOption('not-delivered');
		await page.getByLabel('Details (optional)').fill('The pupils say no books arrived.');
		const sent = page.waitForResponse((r) => r.url().endsWith(`/api/v1/campaigns/${CAMPAIGN}/reports`));
		await page.getByRole('button', { name: 'Send the report' }).click();
		const res = await sent;
		assert.equal(res.status(), 202);
		assert.equal(res.request().method(), 'POST');
		assert.deepEqual(JSON.parse(res.request().postData()), { reason: 'not-delivered', details: 'The pupils say no books arrived.' });
		await page.waitForFunction(() => document.getElementById('report-thanks').textContent !== '');
		assert.equal(await page.locator('#report-thanks').textContent(), 'Thank you: your report was received and will be reviewed.');
		assert.equal(await page.locator('#report-thanks').getAttribute('role'), 'status');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'report-thanks');
		assert.ok(await page.locator('#report-form').isHidden());
		assert.ok(await open_.isHidden());
		// It reached the review queue (sent without a token).
		assert.equal(res.request().headers().authorization, undefined);
		const queue = await api(server, 'GET', '/api/v1/reports', { token: server.adminToken });
		assert.equal(queue.status, 200);
		const mine = JSON.stringify(queue.body);
		assert.ok(mine.includes('The pupils say no books arrived.') && mine.includes('not-delivered'), mine);
		await done(page);
	});

	test('a campaign that does not exist', T, async () => {
		const page = await open('/campaigns/no-such-campaign');
		assert.equal(await page.locator('h1').textContent(), 'Campaign not found');
		assert.equal(await page.locator('#campaign-error').textContent(), 'There is no campaign with the id “no-such-campaign”.');
		assert.ok(await page.locator('#report-section').isHidden());
		assert.equal(await page.getByRole('link', { name: 'All campaigns' }).first().getAttribute('href'), '/campaigns');
		// /campaigns/<id>/more is not a campaign page.
		const res = await fetch(`${server.url}/campaigns/${CAMPAIGN}/more`, { headers: { Accept: 'text/html' } });
		assert.equal(res.status, 404);
		await done(page, { problems: [/status of 404/] });
	});
});

describe('campaign pages in Chinese', SUITE, () => {
	test('the list and a campaign, with amounts in yuan and nothing left in English', T, async () => {
		const page = await open('/campaigns', { locale: 'zh-CN' });
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
		assert.equal(await page.locator('h1').textContent(), '公益项目');
		assert.deepEqual(await fieldsOf(page, `.campaign-card[data-id="${CAMPAIGN}"] dl`), {
			发起机构: 'Hope Foundation (hope)',
			类别: 'education',
			审核: '已审核',
			状态: '正在募捐',
		});
		assert.equal(await page.locator(`.campaign-card[data-id="${CAMPAIGN}"] .goal-text`).textContent(), '已筹 ¥79.00，目标 ¥50,000.00（0.2%）');
		assert.deepEqual(englishLeft(await page.locator('body').innerText()), []);

		await page.goto(`${server.url}/campaigns/${CAMPAIGN}`);
		await page.waitForSelector('html[data-ready="true"]');
		assert.equal(await page.locator('#category-chart').getAttribute('aria-label'), '按类别的支出：meals：¥10.00（1 笔）；textbooks：¥45.00（2 笔）。');
		assert.deepEqual(await rowsOf(page, '#category-table'), [
			['meals', '¥10.00', '1', '18%'],
			['textbooks', '¥45.00', '2', '82%'],
		]);
		const donors = await page.$$eval('#donations-table .donor', (ds) => ds.map((d) => d.textContent));
		assert.deepEqual(donors, ['李*', 'A*', '匿名', '王*']);
		assert.equal((await fieldsOf(page, '#money-section dl'))['余额（尚未使用）'], '¥19.00');
		assert.deepEqual(englishLeft(await page.locator('body').innerText()), []);

		// Switched back to English without a reload: every built text follows.
		await page.getByLabel('语言').selectOption('en');
		assert.equal(await page.locator('#category-chart').getAttribute('aria-label'), 'Spending by category: meals: ¥10.00 (payments: 1); textbooks: ¥45.00 (payments: 2).');
		assert.deepEqual(await page.$$eval('#donations-table .donor', (ds) => ds.map((d) => d.textContent)), ['李*', 'A*', 'Anonymous', '王*']);
		assert.equal(await page.locator('h2#report-h2').textContent(), 'Something wrong with this campaign?');
		await done(page);
	});

	test('the report form in Chinese', T, async () => {
		const page = await open(`/campaigns/${CAMPAIGN}`, { locale: 'zh-CN' });
		await page.getByRole('button', { name: '举报此项目' }).click();
		await page.getByLabel('原因').selectOption('misleading');
		await page.getByRole('button', { name: '提交举报' }).click();
		await page.waitForFunction(() => document.getElementById('report-thanks').textContent !== '');
		assert.equal(await page.locator('#report-thanks').textContent(), STRINGS.zh['report.thanks']);
		await done(page);
	});
});

describe('campaign pages on a phone', SUITE, () => {
	test('nothing wider than the screen but the tables, which scroll; the charts fit', T, async () => {
		const page = await newPage(browser);
		await page.setViewportSize({ width: 360, height: 740 });
		await page.goto(`${server.url}/campaigns/${CAMPAIGN}`);
		await page.waitForSelector('html[data-ready="true"]');
		const wide = await page.evaluate(() => document.documentElement.scrollWidth);
		assert.ok(wide <= 360, `the page is ${wide}px wide`);
		// The chart is drawn at the width it is shown at, so its text keeps its size.
		const drawnAt = async () => Number((await page.locator('#category-chart').getAttribute('viewBox')).split(' ')[2]);
		const chart = await page.locator('#category-chart').boundingBox();
		assert.ok(chart.width <= 360);
		assert.ok(Math.abs((await drawnAt()) - chart.width) < 40, `drawn ${await drawnAt()} wide, shown ${chart.width}`);
		// Turned to a wider screen, it is drawn again.
		await page.setViewportSize({ width: 1000, height: 740 });
		await page.waitForFunction(() => Number(document.getElementById('category-chart').getAttribute('viewBox').split(' ')[2]) > 600);
		assert.equal(await page.locator('#category-chart rect.chart-bar').count(), 2);
		await done(page);
	});
});
