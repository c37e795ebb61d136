// Donations: campaigns, donations (single, batches, purchases), refunds, disbursements,
// receipts that follow every unit of money, public accounts, reports and files.
// Every refusal writes nothing; the store equals a rebuild from the log alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, cleanup, initData, leafHash, logSize, makeOrg, personalValue, rootFromInclusion, run,
  sha256hex, startServer, verifyCheckpoint,
} from './helpers.mjs';

let data, server, hope, other, proc, school, admin;
const SHA = sha256hex('invoice 1');
const future = new Date(Date.now() + 90 * 86400e3).toISOString();

before(async () => {
  data = initData('give');
  server = await startServer(data);
  admin = data.adminToken;
  hope = await makeOrg(server, admin, 'hope', ['charity']);
  other = await makeOrg(server, admin, 'otherfund', ['charity']);
  proc = await makeOrg(server, admin, 'paynow', ['processor']);
  school = await makeOrg(server, admin, 'hill-school', ['ngo']);
});

after(async () => {
  assert.equal((await server.stop()).code, 0, server.stderr());
  const r = run(['rebuild', '--data', data.dir]);
  assert.equal(r.code, 0, `rebuild differed: ${r.stdout}${r.stderr}`);
  cleanup(data);
});

const post = (path, body, token = hope.token) => api(server, 'POST', path, { token, body });
const get = (path) => api(server, 'GET', path);

async function refused(path, body, status, type, detail, token = hope.token) {
  const size = await logSize(server);
  const r = await post(path, body, token);
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.type, `urn:goodtrace:problem:${type}`);
  if (detail) assert.match(r.json.detail, detail);
  assert.equal(await logSize(server), size, 'a refusal moved the log');
  return r;
}

const campaign = (id, extra = {}) => ({
  id, title: `Books for ${id}`, description: 'Textbooks for a village school.',
  beneficiary: 'Hill Village School', category: 'education', goal: 1000000, currency: 'CNY',
  ends: future, ...extra,
});

let donorSeq = 0;
function donation(campaignId, amount, extra = {}) {
  const donor = `donor-${campaignId}-${++donorSeq}@example.org`;
  personalValue(donor);
  return { campaign: campaignId, amount, channel: 'app', donor, ...extra };
}

const disb = (campaignId, amount, extra = {}) => ({
  campaign: campaignId, payee: 'Xinhua Bookstore', payee_kind: 'supplier', purpose: 'textbooks',
  category: 'textbooks', amount, receipt_sha256: SHA, ...extra,
});

// A receipt once its entry is in a published checkpoint.
async function receipt(code) {
  for (let i = 0; i < 100; i++) {
    const r = await get(`/api/v1/receipts/${code}`);
    assert.equal(r.status, 200, r.text);
    if (!r.json.entry.pending) return r.json;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('the donation was never published');
}

test('a campaign is created by a charity, with checked fields, and read by anyone', async () => {
  const r = await post('/api/v1/campaigns', campaign('books-2026', {
    documents: [{ name: 'registration.pdf', sha256: SHA }],
  }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.id, 'books-2026');
  const c = await get('/api/v1/campaigns/books-2026');
  assert.equal(c.status, 200);
  assert.equal(c.json.org, 'hope');
  assert.equal(c.json.status, 'open');
  assert.equal(c.json.minor_unit, 2);
  assert.equal(c.json.verification.status, 'pending');
  assert.deepEqual(c.json.verification.documents.map((d) => d.sha256), [SHA]);
  assert.deepEqual(c.json.accounts, {
    raised: 0, refunded: 0, spent: 0, balance: 0, donations: 0, donors: 0, anonymous: 0,
    disbursements: 0, by_category: [], days: [],
  });
  await refused('/api/v1/campaigns', campaign('books-2026'), 409, 'already-exists', /already exists/);
  await refused('/api/v1/campaigns', campaign('bad-1', { currency: 'XYZ' }), 400, 'invalid', /currency/);
  await refused('/api/v1/campaigns', campaign('bad-2', { goal: 0 }), 400, 'invalid', /goal/);
  await refused('/api/v1/campaigns', campaign('bad-3', { ends: '2020-01-01T00:00:00Z' }), 400, 'invalid', /must be after starts/);
  await refused('/api/v1/campaigns', campaign('Bad Id'), 400, 'invalid', /id must/);
  await refused('/api/v1/campaigns', campaign('bad-4', { extra: 1 }), 400, 'invalid', /extra/);
  await refused('/api/v1/campaigns', campaign('bad-5'), 403, 'forbidden', undefined, proc.token);
  assert.equal((await get('/api/v1/campaigns/nothing-here')).status, 404);
  const list = await get('/api/v1/campaigns?status=open');
  assert.ok(list.json.campaigns.some((x) => x.id === 'books-2026'));
});

test('the allocation follows the log: first in, first out, refunds skip, receipts prove it', async () => {
  await post('/api/v1/campaigns', campaign('fifo'));
  const name = '王小明';
  personalValue(name);
  const a = await post('/api/v1/donations', donation('fifo', 5000, { name }));
  assert.equal(a.status, 201, a.text);
  assert.match(a.json.receipt, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  const b = await post('/api/v1/donations', donation('fifo', 2000), proc.token);
  assert.equal(b.status, 201, b.text);
  const c = await post('/api/v1/donations', { campaign: 'fifo', amount: 100, channel: 'cash', anonymous: true });
  assert.equal(c.status, 201, c.text);
  const d1 = await post('/api/v1/disbursements', disb('fifo', 3000, { payee_org: 'hill-school', payee_kind: 'beneficiary' }));
  assert.equal(d1.status, 201, d1.text);
  const d2 = await post('/api/v1/disbursements', disb('fifo', 3000, { category: 'uniforms' }));
  assert.equal(d2.status, 201, d2.text);

  let ra = await receipt(a.json.receipt);
  assert.deepEqual(ra.parts.map((p) => [p.disbursement, p.amount]), [[d1.json.index, 3000], [d2.json.index, 2000]]);
  assert.equal(ra.unspent, 0);
  assert.equal(ra.donation.name, '王*');
  assert.equal(ra.campaign.currency, 'CNY');
  let rb = await receipt(b.json.receipt);
  assert.deepEqual(rb.parts.map((p) => [p.disbursement, p.amount]), [[d2.json.index, 1000]]);
  assert.equal(rb.unspent, 1000);

  // Refund 500 of B (its unspent tail); more than what is unspent is refused.
  await refused('/api/v1/refunds', { receipt: b.json.receipt, amount: 1001 }, 409, 'conflict', /at most 1000/);
  await refused('/api/v1/refunds', { receipt: b.json.receipt, amount: 10 }, 403, 'forbidden', undefined, other.token);
  const rf = await post('/api/v1/refunds', { receipt: b.json.receipt.toLowerCase().replaceAll('-', ''), amount: 500, reason: 'asked back' });
  assert.equal(rf.status, 201, rf.text);
  // The next disbursement of 600 takes B's last 500 and C's 100.
  await refused('/api/v1/disbursements', disb('fifo', 601), 409, 'conflict', /balance of 600/);
  const d3 = await post('/api/v1/disbursements', disb('fifo', 600));
  assert.equal(d3.status, 201, d3.text);
  rb = await receipt(b.json.receipt);
  assert.deepEqual(rb.parts.map((p) => [p.disbursement, p.amount]), [[d2.json.index, 1000], [d3.json.index, 500]]);
  assert.equal(rb.unspent, 0);
  assert.equal(rb.refunded, 500);
  const rc = await receipt(c.json.receipt);
  assert.deepEqual(rc.parts.map((p) => [p.disbursement, p.amount]), [[d3.json.index, 100]]);
  assert.equal(rc.donation.anonymous, true);
  assert.equal(rc.donation.name, null);

  // Who funded d2 and d3, in order; pages follow.
  const f2 = await get(`/api/v1/disbursements/${d2.json.index}/funders`);
  assert.deepEqual(f2.json.funders.map((f) => [f.donation, f.amount]), [[a.json.index, 2000], [b.json.index, 1000]]);
  const f3a = await get(`/api/v1/disbursements/${d3.json.index}/funders?limit=1`);
  assert.deepEqual(f3a.json.funders.map((f) => [f.donation, f.amount]), [[b.json.index, 500]]);
  const f3b = await get(`/api/v1/disbursements/${d3.json.index}/funders?limit=1&after=${f3a.json.next_after}`);
  assert.deepEqual(f3b.json.funders.map((f) => [f.donation, f.amount]), [[c.json.index, 100]]);
  assert.equal(f3b.json.next_after, null);

  // Accounts.
  const acc = (await get('/api/v1/campaigns/fifo')).json.accounts;
  assert.equal(acc.raised, 7100);
  assert.equal(acc.refunded, 500);
  assert.equal(acc.spent, 6600);
  assert.equal(acc.balance, 0);
  assert.equal(acc.donations, 3);
  assert.equal(acc.donors, 2);
  assert.equal(acc.anonymous, 1);
  assert.equal(acc.disbursements, 3);
  assert.deepEqual(acc.by_category, [
    { category: 'textbooks', amount: 3600, count: 2 }, { category: 'uniforms', amount: 3000, count: 1 }]);
  assert.equal(acc.days.reduce((s, d) => s + d.raised, 0), 7100);
  assert.equal(acc.days.reduce((s, d) => s + d.spent, 0), 6600);

  // The receipt's proof verifies against the signed checkpoint, and the entry is the donation.
  const vkey = (await get('/log/vkey')).text.trim();
  const cp = verifyCheckpoint(ra.entry.checkpoint, vkey);
  assert.ok(cp.ok);
  const hashes = ra.entry.hashes.map((h) => Buffer.from(h, 'base64'));
  const root = rootFromInclusion(ra.entry.index, ra.entry.tree_size, leafHash(ra.entry.raw), hashes);
  assert.ok(root && root.equals(cp.root), 'the inclusion proof reaches the checkpoint root');
  const entry = JSON.parse(ra.entry.raw);
  assert.equal(entry.type, 'give.donation');
  assert.equal(entry.data.code, a.json.receipt);
  assert.match(entry.data.donor, /^donor:[0-9a-f]{64}$/);
  assert.equal(entry.data.name, '王*');

  // The payee confirms; only it, only once.
  await refused(`/api/v1/disbursements/${d1.json.index}/confirm`, {}, 403, 'forbidden', /only it confirms/, hope.token);
  const conf = await post(`/api/v1/disbursements/${d1.json.index}/confirm`, { note: 'books arrived' }, school.token);
  assert.equal(conf.status, 200, conf.text);
  await refused(`/api/v1/disbursements/${d1.json.index}/confirm`, {}, 409, 'conflict', /already confirmed/, school.token);
  const g = await get(`/api/v1/disbursements/${d1.json.index}`);
  assert.equal(g.json.confirmed.note, 'books arrived');
  ra = await receipt(a.json.receipt);
  assert.equal(ra.parts[0].confirmed, true);
  assert.equal(ra.parts[1].confirmed, false);
  assert.equal((await get('/api/v1/receipts/0000-0000-0000')).status, 404);
  // A code with the right entry index but another keyed part names nothing.
  const forged = (a.json.receipt[0] === 'Z' ? 'Y' : 'Z') + a.json.receipt.slice(1);
  assert.equal((await get(`/api/v1/receipts/${forged}`)).status, 404);
  assert.equal((await get('/api/v1/receipts/not-a-code')).status, 404);
});

test('donations are checked: campaign state, ownership, anonymity, amounts', async () => {
  await post('/api/v1/campaigns', campaign('checks'));
  await post('/api/v1/campaigns', campaign('theirs'), other.token);
  await refused('/api/v1/donations', donation('theirs', 100), 403, 'forbidden', /own campaigns/);
  assert.equal((await post('/api/v1/donations', donation('theirs', 100), proc.token)).status, 201);
  await refused('/api/v1/donations', donation('checks', 0), 400, 'invalid', /amount/);
  await refused('/api/v1/donations', donation('checks', 1.5), 400, 'invalid');
  await refused('/api/v1/donations', { campaign: 'checks', amount: 5, channel: 'app' }, 400, 'invalid', /donor is required/);
  await refused('/api/v1/donations', { campaign: 'checks', amount: 5, channel: 'app', anonymous: true, donor: 'x' }, 400, 'invalid', /anonymous/);
  await refused('/api/v1/donations', donation('nope', 5), 404, 'not-found', /no campaign/);
  await refused('/api/v1/donations', donation('checks', 5, { channel: 'Bad Channel' }), 400, 'invalid', /channel/);
  await refused('/api/v1/donations', donation('checks', 5), 403, 'forbidden', undefined, school.token);
  // Upcoming campaigns take nothing yet.
  await post('/api/v1/campaigns', campaign('later', { starts: new Date(Date.now() + 86400e3).toISOString() }));
  await refused('/api/v1/donations', donation('later', 5), 409, 'conflict', /opens at/);
  assert.equal((await get('/api/v1/campaigns/later')).json.status, 'upcoming');
  // Closed by the charity.
  assert.equal((await post('/api/v1/campaigns/checks/close', { reason: 'done' })).status, 200);
  await refused('/api/v1/donations', donation('checks', 5), 409, 'conflict', /closed/);
  await refused('/api/v1/campaigns/checks/close', {}, 409, 'conflict', /already closed/);
  const c = (await get('/api/v1/campaigns/checks')).json;
  assert.equal(c.status, 'closed');
  assert.equal(c.closed_reason, 'done');
});

test('a hard cap closes the campaign when reached, and nothing goes over it', async () => {
  await post('/api/v1/campaigns', campaign('capped', { cap: 1000 }));
  assert.equal((await post('/api/v1/donations', donation('capped', 600))).status, 201);
  await refused('/api/v1/donations', donation('capped', 401), 409, 'conflict', /can take 400 more/);
  assert.equal((await post('/api/v1/donations', donation('capped', 400))).status, 201);
  const c = (await get('/api/v1/campaigns/capped')).json;
  assert.equal(c.status, 'closed');
  assert.equal(c.closed_reason, 'cap');
  await refused('/api/v1/donations', donation('capped', 1), 409, 'conflict', /closed/);
});

test('batches are all or nothing and idempotent by the processor reference', async () => {
  await post('/api/v1/campaigns', campaign('batch'));
  const items = [];
  for (let i = 0; i < 50; i++) items.push(donation('batch', 100 + i, { reference: `pay-${i}` }));
  // One bad item refuses the whole batch.
  const bad = [...items, donation('batch', -1, { reference: 'pay-bad' })];
  const size0 = await logSize(server);
  const rbad = await api(server, 'POST', '/api/v1/donations/batch', { token: proc.token, body: { items: bad } });
  assert.equal(rbad.status, 400, rbad.text);
  assert.match(rbad.json.detail, /^items\[50\]: amount/);
  assert.equal(await logSize(server), size0);
  assert.equal((await get('/api/v1/campaigns/batch')).json.accounts.donations, 0);

  const r = await api(server, 'POST', '/api/v1/donations/batch', { token: proc.token, body: { items } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.count, 50);
  assert.equal(r.json.items.length, 50);
  assert.ok(r.json.items.every((x) => x.duplicate === false));
  // The same batch again: nothing new, the same receipts.
  const again = await api(server, 'POST', '/api/v1/donations/batch', { token: proc.token, body: { items } });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.count, 0);
  assert.deepEqual(again.json.items.map((x) => x.receipt), r.json.items.map((x) => x.receipt));
  assert.ok(again.json.items.every((x) => x.duplicate === true));
  // A single retry of one of them too.
  const one = await post('/api/v1/donations', items[3], proc.token);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.receipt, r.json.items[3].receipt);
  // The same reference with a different amount is a conflict; the reference is per processor.
  await refused('/api/v1/donations', { ...items[3], amount: 999 }, 409, 'already-exists', /already used/, proc.token);
  assert.equal((await post('/api/v1/donations', items[3])).status, 201, 'another organisation may use the same reference');
  const acc = (await get('/api/v1/campaigns/batch')).json.accounts;
  assert.equal(acc.donations, 51);
  assert.equal(acc.raised, items.reduce((s, x) => s + x.amount, 0) + items[3].amount);
  // Limits.
  const big = { items: Array.from({ length: 10001 }, () => donation('batch', 1)) };
  const rbig = await api(server, 'POST', '/api/v1/donations/batch', { token: proc.token, body: big });
  assert.equal(rbig.status, 400);
  assert.equal(rbig.json.type, 'urn:goodtrace:problem:batch-too-large');
  await refused('/api/v1/donations/batch', { items: [] }, 400, 'invalid', undefined, proc.token);
});

test('a charity sale: a purchase is a donation at the price and a receipt for the copy', async () => {
  await post('/api/v1/campaigns', campaign('paintings'));
  const w = await post('/api/v1/campaigns/paintings/works', { id: 'sunflower', title: 'Sunflower by Li, 9', price: 100, sha256: SHA, edition: 2 });
  assert.equal(w.status, 201, w.text);
  await refused('/api/v1/campaigns/paintings/works', { id: 'x', title: 't', price: 100, sha256: SHA }, 403, 'forbidden', /belongs to hope/, other.token);
  const p = await post('/api/v1/donations', { campaign: 'paintings', work: 'sunflower', channel: 'app', donor: 'buyer-1' });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.amount, 100);
  await refused('/api/v1/donations', { campaign: 'paintings', work: 'sunflower', amount: 50, channel: 'app', donor: 'b2' }, 400, 'invalid', /costs 100/);
  assert.equal((await post('/api/v1/donations', { campaign: 'paintings', work: 'sunflower', channel: 'app', donor: 'b3' })).status, 201);
  await refused('/api/v1/donations', { campaign: 'paintings', work: 'sunflower', channel: 'app', donor: 'b4' }, 409, 'conflict', /sold out/);
  const rc = await receipt(p.json.receipt);
  assert.deepEqual(rc.work, { id: 'sunflower', title: 'Sunflower by Li, 9', price: 100, sha256: SHA });
  const works = (await get('/api/v1/campaigns/paintings/works')).json.works;
  assert.equal(works[0].sold, 2);
});

test('many concurrent disbursements never overdraw', async () => {
  await post('/api/v1/campaigns', campaign('race'));
  await post('/api/v1/donations', donation('race', 10000));
  const tries = await Promise.all(Array.from({ length: 40 }, () => post('/api/v1/disbursements', disb('race', 300))));
  const ok = tries.filter((r) => r.status === 201).length;
  assert.equal(ok, 33);
  assert.ok(tries.every((r) => r.status === 201 || (r.status === 409 && /overdraw/.test(r.json.detail))));
  const acc = (await get('/api/v1/campaigns/race')).json.accounts;
  assert.equal(acc.spent, 9900);
  assert.equal(acc.balance, 100);
});

test('an admin verifies or suspends; anyone reports to the review queue', async () => {
  await post('/api/v1/campaigns', campaign('verify-me'));
  await refused('/api/v1/campaigns/verify-me/verify', { status: 'verified' }, 403, 'forbidden', undefined, hope.token);
  await refused('/api/v1/campaigns/verify-me/verify', { status: 'great' }, 400, 'invalid', /status/, admin);
  assert.equal((await post('/api/v1/campaigns/verify-me/verify', { status: 'verified', note: 'registration checked' }, admin)).status, 200);
  let c = (await get('/api/v1/campaigns/verify-me')).json;
  assert.equal(c.verification.status, 'verified');
  assert.equal(c.verification.note, 'registration checked');
  // New documents make it pending again.
  const d = await post('/api/v1/campaigns/verify-me/documents', { documents: [{ name: 'audit 2026.pdf', sha256: sha256hex('audit') }] });
  assert.equal(d.status, 201, d.text);
  c = (await get('/api/v1/campaigns/verify-me')).json;
  assert.equal(c.verification.status, 'pending');
  assert.equal(c.verification.documents.length, 1);
  // A report: public, not on the log, in the admin's queue.
  const size = await logSize(server);
  const rep = await api(server, 'POST', '/api/v1/campaigns/verify-me/reports', { body: { reason: 'misleading', details: 'photos reused' } });
  assert.equal(rep.status, 202, rep.text);
  assert.equal(await logSize(server), size, 'a report is private');
  assert.equal((await api(server, 'POST', '/api/v1/campaigns/verify-me/reports', { body: { reason: 'nope' } })).status, 400);
  assert.equal((await api(server, 'GET', '/api/v1/reports', { token: hope.token })).status, 403);
  const q = await api(server, 'GET', '/api/v1/reports', { token: admin });
  assert.equal(q.status, 200, q.text);
  const mine = q.json.reports.find((x) => x.campaign === 'verify-me');
  assert.equal(mine.details, 'photos reused');
  const res = await post(`/api/v1/reports/${mine.id}/resolve`, { outcome: 'suspended pending review' }, admin);
  assert.equal(res.status, 200, res.text);
  assert.ok(!(await api(server, 'GET', '/api/v1/reports', { token: admin })).json.reports.some((x) => x.id === mine.id));
  // Suspended: no donations, no disbursements.
  await post('/api/v1/donations', donation('verify-me', 500));
  assert.equal((await post('/api/v1/campaigns/verify-me/verify', { status: 'suspended' }, admin)).status, 200);
  await refused('/api/v1/donations', donation('verify-me', 5), 409, 'conflict', /suspended/);
  await refused('/api/v1/disbursements', disb('verify-me', 5), 409, 'conflict', /suspended/);
});

test('receipts and invoices are stored by their hash', async () => {
  const body = 'INVOICE 2026-11-03: 300 textbooks, 3000.00 CNY';
  const sha = sha256hex(body);
  const put = (h, b, token = hope.token) => api(server, 'PUT', `/api/v1/files/${h}`, { token, body: b, headers: { 'content-type': 'application/pdf' } });
  assert.equal((await put(sha256hex('other'), body)).status, 400);
  assert.equal((await put(sha, body, proc.token)).status, 403);
  const r = await put(sha, body);
  assert.equal(r.status, 201, r.text);
  assert.equal((await put(sha, body)).status, 200);
  const g = await fetch(`${server.url}/api/v1/files/${sha}`);
  assert.equal(g.status, 200);
  assert.equal(g.headers.get('content-disposition'), 'attachment');
  assert.equal(await g.text(), body);
  assert.equal((await get(`/api/v1/files/${sha256hex('missing')}`)).status, 404);
});
