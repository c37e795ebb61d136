// Donations made through the API for the browser tests of the donation
// pages (campaigns, receipt, a11y): a charity with a campaign, three
// donations (a named donor, an anonymous one, another named one), three
// payments out of it with their receipt files, a refund, a verification, a
// payee's confirmation, a digital work bought, and a second campaign that
// its charity closed.
//
// The campaign's money, first in, first out (docs/give.md):
//   donations  A 王小明 ¥50.00 | B anonymous ¥20.00 | C Alice ¥1.00 | D (a purchase) ¥8.00
//   payments   1 ¥30.00 textbooks | 2 ¥10.00 meals | 3 ¥15.00 textbooks
//   A: ¥30.00 to 1, ¥10.00 to 2, ¥10.00 to 3;  B: ¥5.00 to 3, ¥10.00 unspent,
//   ¥5.00 refunded;  C and D: unspent.

import crypto from 'node:crypto';

import { api } from './helpers.mjs';

export const CAMPAIGN = 'books-2026';
export const CLOSED = 'water-2025';
export const TITLE = 'Textbooks for Hope School';
export const CLOSED_TITLE = 'Clean water for Shuanghe village';

async function must(server, method, path, token, body) {
	const r = await api(server, method, path, { token, body });
	if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
	return r.body;
}

/** Store a file (a receipt, an invoice, a work) by its SHA-256; returns the hash. */
async function putFile(server, token, text, type = 'application/pdf') {
	const body = Buffer.from(text);
	const sha = crypto.createHash('sha256').update(body).digest('hex');
	const res = await fetch(`${server.url}/api/v1/files/${sha}`, {
		method: 'PUT',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
		body,
		signal: AbortSignal.timeout(15000),
	});
	if (res.status < 200 || res.status > 299) throw new Error(`PUT /api/v1/files/${sha}: ${res.status} ${await res.text()}`);
	return sha;
}

/** Wait until the log's published checkpoint covers every entry made so far. */
async function published(server) {
	const want = await must(server, 'GET', '/api/v1/log/entries?limit=1');
	const last = want.entries.length ? want.entries[0].index : -1;
	for (let i = 0; i < 100; i++) {
		const cp = await fetch(`${server.url}/log/checkpoint`).then((r) => r.text());
		if (Number(cp.split('\n')[1]) > last) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error('the checkpoint did not reach the last entry');
}

/**
 * Seed the donations. Returns { charity (token), donations: {A, B, C, D}
 * (the POST answers: receipt, index, at, …), payments: [1, 2, 3] (the
 * POST answers, with sha256), work }.
 */
export async function seedGive(server) {
	const admin = server.adminToken;
	await must(server, 'POST', '/api/v1/orgs', admin, { id: 'hope', name: 'Hope Foundation', roles: ['charity'] });
	const charity = (await must(server, 'POST', '/api/v1/tokens', admin, { org: 'hope', role: 'charity' })).token;
	// The bookshop paid by the campaign has an account, so it can confirm.
	await must(server, 'POST', '/api/v1/orgs', admin, { id: 'xinhua', name: 'Xinhua Bookstore', roles: ['sponsor'] });
	const bookshop = (await must(server, 'POST', '/api/v1/tokens', admin, { org: 'xinhua', role: 'sponsor' })).token;

	const ends = new Date(Date.now() + 120 * 86400e3).toISOString();
	const registration = await putFile(server, charity, 'Hope Foundation: registration certificate');
	await must(server, 'POST', '/api/v1/campaigns', charity, {
		id: CAMPAIGN,
		title: TITLE,
		description: 'Every pupil of Hope School gets this year’s textbooks. What is left buys workbooks.',
		beneficiary: 'Hope School',
		category: 'education',
		goal: 5000000,
		currency: 'CNY',
		ends,
		documents: [{ name: 'registration.pdf', sha256: registration }],
	});
	await must(server, 'POST', '/api/v1/campaigns', charity, {
		id: CLOSED,
		title: CLOSED_TITLE,
		description: 'A well and pipes.',
		beneficiary: 'Shuanghe village',
		category: 'water',
		goal: 2000000,
		currency: 'CNY',
		ends,
	});
	await must(server, 'POST', `/api/v1/campaigns/${CAMPAIGN}/verify`, admin, { status: 'verified', note: 'registration checked' });

	const donate = (body) => must(server, 'POST', '/api/v1/donations', charity, { campaign: CAMPAIGN, ...body });
	const A = await donate({ amount: 5000, channel: 'app', donor: 'user-8812', name: '王小明', reference: 'pay-0001' });
	const B = await donate({ amount: 2000, channel: 'web', anonymous: true, reference: 'pay-0002' });
	const C = await donate({ amount: 100, channel: 'web', donor: 'user-17', name: 'Alice Smith', reference: 'pay-0003' });

	const pay = async (body, text) => {
		const sha256 = await putFile(server, charity, text);
		const r = await must(server, 'POST', '/api/v1/disbursements', charity, { campaign: CAMPAIGN, receipt_sha256: sha256, ...body });
		return { ...r, sha256, ...body };
	};
	const payments = [
		await pay({ payee: 'Xinhua Bookstore', payee_kind: 'supplier', payee_org: 'xinhua', purpose: 'textbooks', category: 'textbooks', amount: 3000 }, 'invoice 1: textbooks'),
		await pay({ payee: 'Sunshine Canteen', payee_kind: 'supplier', purpose: 'lunches', category: 'meals', amount: 1000 }, 'invoice 2: lunches'),
		await pay({ payee: 'Xinhua Bookstore', payee_kind: 'supplier', payee_org: 'xinhua', purpose: 'workbooks', category: 'textbooks', amount: 1500 }, 'invoice 3: workbooks'),
	];
	await must(server, 'POST', `/api/v1/disbursements/${payments[0].index}/confirm`, bookshop, { note: 'books delivered' });
	await must(server, 'POST', '/api/v1/refunds', charity, { receipt: B.receipt, amount: 500, reason: 'asked by the donor' });

	// A digital work, and a purchase of it.
	const workSha = await putFile(server, charity, 'a drawing by a pupil', 'image/png');
	const work = { id: 'drawing-1', title: 'The school garden, drawn by a pupil', price: 800, sha256: workSha };
	await must(server, 'POST', `/api/v1/campaigns/${CAMPAIGN}/works`, charity, work);
	const D = await donate({ work: work.id, channel: 'app', donor: 'user-99', name: '李雷', reference: 'pay-0004' });

	await must(server, 'POST', `/api/v1/campaigns/${CLOSED}/close`, charity, { reason: 'the well is dug' });
	await published(server);
	return { charity, donations: { A, B, C, D }, payments, work };
}
