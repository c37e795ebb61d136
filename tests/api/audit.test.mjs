// goodtrace audit against a real server: campaigns, donations (single, batch, anonymous,
// purchases of a work), refunds, disbursements and a confirmation made through the API;
// the audit of the served log agrees with every campaign's accounts and with the
// receipts. Then the store is altered by hand while the server is stopped, and the audit
// names each altered field; after a rebuild from the log it agrees again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  api, cleanup, goodtrace, initData, logSize, makeOrg, personalValue, run, sha256hex, startServer,
} from './helpers.mjs';

let data, server, hope, proc, school;
const SHA = sha256hex('invoice for textbooks');
const future = new Date(Date.now() + 90 * 86400e3).toISOString();
const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;

before(async () => {
  data = initData('audit');
  server = await startServer(data);
  hope = await makeOrg(server, data.adminToken, 'hope', ['charity']);
  proc = await makeOrg(server, data.adminToken, 'paynow', ['processor']);
  school = await makeOrg(server, data.adminToken, 'hill-school', ['ngo']);
});

after(async () => {
  if (server) await server.stop();
  cleanup(data);
});

const post = (path, body, token = hope.token) => api(server, 'POST', path, { token, body });

async function created(path, body, token) {
  const r = await post(path, body, token);
  assert.ok(r.status === 200 || r.status === 201, `${path}: ${r.status} ${r.text}`);
  return r.json;
}

const campaign = (id, extra = {}) => ({
  id, title: `Books for ${id}`, description: 'Textbooks for a village school.',
  beneficiary: 'Hill Village School', category: 'education', goal: 1000000, currency: 'CNY',
  ends: future, ...extra,
});

let donorSeq = 0;
function donation(campaignId, amount, extra = {}) {
  const donor = personalValue(`audit-donor-${++donorSeq}@example.org`);
  return { campaign: campaignId, amount, channel: 'app', donor, name: '王小明', ...extra };
}

const disb = (campaignId, amount, category, extra = {}) => ({
  campaign: campaignId, payee: 'Xinhua Bookstore', payee_kind: 'supplier', purpose: category,
  category, amount, receipt_sha256: SHA, ...extra,
});

// goodtrace audit, without blocking the event loop (the server is our child too).
function audit(args) {
  return new Promise((res) => {
    const child = spawn(goodtrace, ['audit', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

const logArgs = (s) => ['--log', `${s.url}/log/`, '--vkey', data.vkey];

// Wait until the published checkpoint covers every entry written so far.
async function published(s) {
  const h = await api(s, 'GET', '/healthz');
  for (let i = 0; i < 200; i++) {
    if (await logSize(s) >= h.json.applied) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('the log was not published');
}

let donations = 0, lastDonation;

test('the audit of the served log agrees with the server', async () => {
  // books-2026: verified, single and batch donations (some anonymous, some from the
  // same donor), refunds, disbursements in three categories, one confirmed.
  await created('/api/v1/campaigns', campaign('books-2026', {
    documents: [{ name: 'registration.pdf', sha256: sha256hex('registration') }],
  }));
  await created('/api/v1/campaigns/books-2026/verify', { status: 'verified', note: 'checked' },
    data.adminToken);
  const a = await created('/api/v1/donations', donation('books-2026', 5000));
  const b = await created('/api/v1/donations', donation('books-2026', 2000));
  await created('/api/v1/donations', { campaign: 'books-2026', amount: 100, channel: 'cash', anonymous: true });
  const same = personalValue('audit-regular@example.org');
  const items = [];
  for (let i = 0; i < 40; i++) {
    items.push(i % 5 === 0 ?
      { campaign: 'books-2026', amount: 100 + i, channel: 'bank', anonymous: true, reference: `pay-${i}` } :
      { ...donation('books-2026', 1000 + 37 * i), donor: i % 3 ? same : `audit-batch-${i}@example.org`, reference: `pay-${i}` });
  }
  for (const it of items) if (it.donor) personalValue(it.donor);
  const batch = await created('/api/v1/donations/batch', { items }, proc.token);
  assert.equal(batch.count, 40);
  donations += 43;
  await created('/api/v1/refunds', { receipt: b.receipt, amount: 500, reason: 'asked back' });
  const d1 = await created('/api/v1/disbursements', disb('books-2026', 6000, 'textbooks', { payee_org: 'hill-school' }));
  await created('/api/v1/disbursements', disb('books-2026', 1200, 'uniforms'));
  await created('/api/v1/refunds', { receipt: batch.items[39].receipt, amount: 300 });
  await created('/api/v1/disbursements', disb('books-2026', 15000, 'textbooks'));
  await created('/api/v1/disbursements', disb('books-2026', 800, 'bus-fares'));
  await created(`/api/v1/disbursements/${d1.index}/confirm`, { note: 'received' }, school.token);
  // water-2026: a cap, reached: closed.
  await created('/api/v1/campaigns', campaign('water-2026', { cap: 3000, category: 'water' }));
  await created('/api/v1/donations', donation('water-2026', 1000));
  await created('/api/v1/donations', donation('water-2026', 2000));
  donations += 2;
  // art-2026: a work sold twice, one purchase refunded, then closed by its charity.
  await created('/api/v1/campaigns', campaign('art-2026', { category: 'arts' }));
  await created('/api/v1/campaigns/art-2026/works', { id: 'poster', title: 'A poster', price: 1500, sha256: sha256hex('poster'), edition: 10 });
  const p1 = await created('/api/v1/donations', { campaign: 'art-2026', work: 'poster', channel: 'web', anonymous: true });
  lastDonation = await created('/api/v1/donations', donation('art-2026', undefined, { work: 'poster' }));
  donations += 2;
  await created('/api/v1/refunds', { receipt: p1.receipt, amount: 1500 });
  await created('/api/v1/campaigns/art-2026/close', { reason: 'sold out' });
  // empty-2026: nothing happened; and more campaigns than a page of the server's list
  // (20 by default): the last ones, by id, are on the second page.
  await created('/api/v1/campaigns', campaign('empty-2026'));
  for (let i = 0; i < 25; i++) await created('/api/v1/campaigns', campaign(`more-${String(i).padStart(2, '0')}`));
  await published(server);

  // Without --server: every campaign's accounts, as the server gives them.
  let r = await audit([...logArgs(server), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.size, await logSize(server));
  assert.equal(doc.campaigns.length, 29);
  assert.deepEqual(doc.campaigns.slice(0, 4).map((c) => c.id), ['books-2026', 'water-2026', 'art-2026', 'empty-2026']);
  for (const c of doc.campaigns) {
    const s = await api(server, 'GET', `/api/v1/campaigns/${c.id}`);
    assert.equal(s.status, 200);
    assert.deepEqual(c.accounts, s.json.accounts, c.id);
    assert.equal(c.status, s.json.status, c.id);
  }
  const books = doc.campaigns[0].accounts;
  assert.equal(books.raised, 5000 + 2000 + 100 + items.reduce((t, i) => t + i.amount, 0));
  assert.equal(books.refunded, 800);
  assert.equal(books.spent, 23000);
  assert.equal(books.donations, 43);
  assert.equal(books.anonymous, 9);
  assert.deepEqual(books.by_category.map((x) => x.category), ['bus-fares', 'textbooks', 'uniforms']);
  assert.deepEqual(doc.campaigns.slice(0, 4).map((c) => c.status), ['open', 'closed', 'closed', 'open']);

  r = await audit(logArgs(server));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^OK: goodtrace\.test\/audit, \d+ entries, root \S+: 29 campaigns, 47 donations$/m);
  assert.match(r.stdout, /^campaign books-2026 \(CNY\): open$/m);
  assert.match(r.stdout, /^ {2}raised \d+, refunded 800, spent 23000, balance \d+ \(minor units\)$/m);
  assert.match(r.stdout, /^ {2}donations 43, donors 14, anonymous 9, disbursements 4$/m);
  assert.match(r.stdout, /^ {2}category textbooks: amount 21000, count 2$/m);
  assert.match(r.stdout, /^ {2}day \d{4}-\d\d-\d\d: raised \d+, refunded \d+, spent \d+, donations \d+$/m);
  assert.match(r.stdout, /^campaign water-2026 \(CNY\): closed$/m);

  // With --server: the campaigns, the list and every receipt agree.
  r = await audit([...logArgs(server), '--server', server.url]);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^OK: goodtrace\.test\/audit, \d+ entries: the server agrees on 29 campaigns and 47 receipts$/m);
  r = await audit([...logArgs(server), '--server', `${server.url}/`, '--receipts', '5']);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /29 campaigns and 5 receipts$/m);
  // The log from the data directory itself gives the same.
  r = await audit(['--log', join(data.dir, 'log'), '--vkey', join(data.dir, 'log.vkey'), '--server', server.url]);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
});

test('usage errors, a bad key and an unreachable server', async () => {
  let r = await audit(['--log', `${server.url}/log/`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--log and --vkey are required/);
  r = await audit([...logArgs(server), '--receipts', 'many', '--server', server.url]);
  assert.equal(r.code, 2);
  r = await audit([...logArgs(server), '--server', 'ftp://example.org']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--server must be an http/);
  r = await audit(['--log', `${server.url}/log/`, '--vkey', 'not a key']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad --vkey/);
  const other = initData('audit-other');
  r = await audit(['--log', `${server.url}/log/`, '--vkey', other.vkey]);
  cleanup(other);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /verification failed: the checkpoint is not validly signed/);
  r = await audit([...logArgs(server), '--server', 'http://127.0.0.1:9']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /audit: cannot ask the server: cannot fetch http:\/\/127\.0\.0\.1:9\/api\/v1\/campaigns\/books-2026/);
});

test('a store altered by hand is caught, field by field, until rebuilt', { skip: !hasSqlite && 'the sqlite3 command is not installed (scripts/deps)' }, async () => {
  const before = (await api(server, 'GET', '/api/v1/campaigns/books-2026')).json.accounts;
  const receipt = lastDonation.receipt;
  assert.equal((await server.stop()).code, 0, server.stderr());
  server = null;
  const sql = [
    "UPDATE give_campaigns SET spent = spent + 100 WHERE id = 'books-2026';",
    `UPDATE give_donations SET refunded = refunded + 25 WHERE idx = ${lastDonation.index};`,
    "DELETE FROM give_campaigns WHERE id = 'more-13';",
    `INSERT INTO give_campaigns (id, org, title, description, beneficiary, category, goal,
       currency, starts, ends, idx, at)
     SELECT 'zz-ghost-2026', org, title, description, beneficiary, category, goal, currency,
       starts, ends, 1000000, at FROM give_campaigns WHERE id = 'books-2026';`,
  ].join('\n');
  const q = spawnSync('sqlite3', [join(data.dir, 'store.db')], { input: sql, encoding: 'utf8' });
  assert.equal(q.status, 0, q.stderr);
  server = await startServer(data);

  let r = await audit([...logArgs(server), '--server', server.url]);
  assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.includes(`campaign books-2026: accounts.spent: log says ${before.spent}, server says ${before.spent + 100}`), r.stdout);
  assert.ok(lines.includes(`campaign books-2026: accounts.balance: log says ${before.balance}, server says ${before.balance - 100}`), r.stdout);
  assert.ok(lines.includes(`receipt ${receipt} (entry ${lastDonation.index}): refunded: log says 0, server says 25`), r.stdout);
  assert.ok(lines.includes('campaign more-13: on the log, but the server does not have it (404)'), r.stdout);
  assert.ok(lines.includes('campaign zz-ghost-2026: the server lists it, but the log does not have it'), r.stdout);
  assert.match(lines.at(-1), /^audit: \d+ differences? between the log \(\d+ entries\) and http:\/\/127\.0\.0\.1:\d+: 29 campaigns and 47 receipts compared$/);
  // Every line is a difference, except the last.
  for (const l of lines.slice(0, -1)) assert.match(l, /^(campaign|receipt) \S+.*: (log says .*, server says |on the log, but the server does not have it|the server lists it, but the log does not have it)/);

  // Rebuilt from the log alone, the store agrees again.
  assert.equal((await server.stop()).code, 0, server.stderr());
  server = null;
  const rb = run(['rebuild', '--data', data.dir]);
  assert.equal(rb.code, 1, 'the rebuild reports that the old store differed');
  server = await startServer(data);
  r = await audit([...logArgs(server), '--server', server.url]);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
});
