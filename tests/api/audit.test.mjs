// goodtrace audit against a real server: campaigns, donations (single, batch, anonymous,
// purchases of a work), refunds, disbursements and a confirmation made through the API;
// the audit of the served log agrees with every campaign's accounts and with the
// receipts. Then the store is altered by hand while the server is stopped, and the audit
// names each altered field; after a rebuild from the log it agrees again. Then a green
// programme on a server with its own clock (actions, collecting, expiry, trees planted
// and checked, pools unlocked by an action and by energy): the audit agrees with GET
// /api/v1/green/totals at the server's "as_of", and names what a store altered by hand
// or another server says differently.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  api, cleanup, goodtrace, initData, logSize, makeClock, makeOrg, personalValue, run, sha256hex,
  startServer,
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
  // No green entries: the green totals are all zero, as the server's.
  const greenNow = (await api(server, 'GET', '/api/v1/green/totals')).json;
  assert.deepEqual({ ...doc.green, as_of: undefined }, { ...greenNow, as_of: undefined });
  assert.equal(doc.green.energy.credited, 0);
  assert.deepEqual([doc.green.species, doc.green.pools], [[], []]);

  r = await audit(logArgs(server));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^OK: goodtrace\.test\/audit, \d+ entries, root \S+: 29 campaigns, 47 donations$/m);
  assert.match(r.stdout, /^campaign books-2026 \(CNY\): open$/m);
  assert.match(r.stdout, /^ {2}raised \d+, refunded 800, spent 23000, balance \d+ \(minor units\)$/m);
  assert.match(r.stdout, /^ {2}donations 43, donors 14, anonymous 9, disbursements 4$/m);
  assert.match(r.stdout, /^ {2}category textbooks: amount 21000, count 2$/m);
  assert.match(r.stdout, /^ {2}day \d{4}-\d\d-\d\d: raised \d+, refunded \d+, spent \d+, donations \d+$/m);
  assert.match(r.stdout, /^campaign water-2026 \(CNY\): closed$/m);
  assert.match(r.stdout, /^green: 0 entries, as of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);

  // With --server: the campaigns, the list and every receipt agree.
  r = await audit([...logArgs(server), '--server', server.url]);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^OK: goodtrace\.test\/audit, \d+ entries: the server agrees on 29 campaigns, 47 receipts and the green totals \(0 green entries\)$/m);
  r = await audit([...logArgs(server), '--server', `${server.url}/`, '--receipts', '5']);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /29 campaigns, 5 receipts and the green totals \(0 green entries\)$/m);
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
  assert.match(lines.at(-1), /^audit: \d+ differences? between the log \(\d+ entries\) and http:\/\/127\.0\.0\.1:\d+: 29 campaigns, 47 receipts and the green totals compared$/);
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

// ---- green ----------------------------------------------------------------------------

const DAY = 86400;
const cstDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
const photo = (n) => sha256hex(`audit photo ${n}`);

// A server whose clock starts at noon (China Standard Time) on the 10th of next month.
function noonOffset() {
  const now = Date.now();
  const cst = new Date(now + 8 * 3600e3);
  return Math.ceil((Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth() + 1, 10, 4, 0, 0) - now) / 1000);
}

test('green: the audit agrees with the totals at the server\'s as_of, and names what differs', async (t) => {
  const g = { data: initData('audit-green') };
  g.clock = makeClock(g.data, noonOffset());
  g.server = await startServer(g.data, g.clock.args);
  t.after(async () => {
    if (g.server) await g.server.kill();
    if (g.other) await g.other.kill();
    cleanup(g.data);
    if (g.otherData) cleanup(g.otherData);
  });
  const s = g.server, admin = g.data.adminToken;
  const call = async (method, path, body, token, want = [200, 201]) => {
    const r = await api(s, method, path, { token, body });
    assert.ok(want.includes(r.status), `${method} ${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  const D = cstDay(g.clock.now());
  const app = await makeOrg(s, admin, 'stepapp', ['app']);
  const desert = await makeOrg(s, admin, 'desert-green', ['planter']);
  const sponsor = await makeOrg(s, admin, 'metro-co', ['sponsor']);
  const charity = await makeOrg(s, admin, 'hope', ['charity']);
  await call('PUT', '/api/v1/green/rules/big_deed', { unit: 'deeds', grams: 100000, per: 1, daily_cap: 10000000, monthly_cap: 10000000, active: true }, admin);
  const users = [];
  for (let i = 0; i < 3; i++) {
    const u = await call('POST', '/api/v1/green/users', {});
    personalValue(u.id);
    personalValue(u.key);
    users.push(u);
  }
  const [u1, u2, u3] = users;
  const act = (u, kind, quantity, day) => ({ id: personalValue(randomUUID()), user: u.ref, kind, quantity, ...(day ? { day } : {}) });
  const report = await call('POST', '/api/v1/green/actions', { actions: [
    act(u1, 'big_deed', 1, addDays(D, -1)), act(u2, 'walk', 6000, addDays(D, -1)), act(u2, 'metro', 1),
    act(u3, 'bus', 2, addDays(D, -1)), act(u1, 'walk', 30000),
  ] }, app.token);
  assert.equal(report.credited, 5);
  const metroRef = report.results[2].ref;
  await call('POST', '/api/v1/green/me/collect', {}, u1.key);
  await call('POST', '/api/v1/green/me/collect', {}, u3.key);

  // Trees: a species, a site, two redeemed and planted.
  await call('PUT', '/api/v1/green/species/saxaul', { name: 'Saxaul', name_zh: '梭梭', cost: 17900, region: 'Alxa League', available: true }, desert.token);
  await call('PUT', '/api/v1/green/sites/alxa-1', { name: 'Alxa 1', region: 'Alxa League', latitude: 38.84, longitude: 105.67 }, desert.token);
  for (let i = 0; i < 2; i++) await call('POST', '/api/v1/green/me/trees', { species: 'saxaul' }, u1.key);
  const planting = await call('POST', '/api/v1/green/plantings', {
    site: 'alxa-1', species: 'saxaul', count: 2, date: D, latitude: 38.9, longitude: 105.7, photos: [photo(1)],
  }, desert.token);

  // Pools: one unlocked by u2's metro ride, one by u1's energy, then closed.
  // The campaign starts before this machine's clock too: a campaign's status is compared
  // at the clock of the machine running the audit (docs/give.md), a year behind the
  // server's at the end.
  const ends = new Date(g.clock.now() + 2000 * 86400e3).toISOString();
  await call('POST', '/api/v1/campaigns', {
    id: 'school-meals', title: 'School meals', description: 'Lunch for a village school.', beneficiary: 'Hill Village School',
    category: 'education', goal: 1000000, currency: 'CNY', starts: new Date(Date.now() - 86400e3).toISOString(), ends,
  }, charity.token);
  await call('POST', '/api/v1/campaigns/school-meals/verify', { status: 'verified' }, admin);
  await call('POST', '/api/v1/green/pools', {
    id: 'metro-for-schools', name: 'Metro rides for schools', currency: 'CNY', budget: 1000,
    campaigns: ['school-meals'], per_action: { kinds: ['metro', 'bus'], amount: 10 }, user_cap: 100, ends,
  }, sponsor.token);
  await call('POST', '/api/v1/green/pools', {
    id: 'energy-for-meals', name: 'Energy for meals', currency: 'CNY', budget: 500,
    campaigns: ['school-meals'], per_energy: { grams: 100, amount: 5 },
  }, sponsor.token);
  await call('POST', '/api/v1/green/pools/metro-for-schools/unlock', { campaign: 'school-meals', action: metroRef }, u2.key);
  await call('POST', '/api/v1/green/pools/energy-for-meals/unlock', { campaign: 'school-meals', grams: 300 }, u1.key);
  await call('POST', '/api/v1/green/pools/energy-for-meals/close', {}, sponsor.token);

  // Five days on, u2's energy has expired; a year on, the planting is checked.
  g.clock.advance(5 * DAY);
  await call('POST', '/api/v1/green/actions', { actions: [act(u3, 'metro', 2)] }, app.token);
  g.clock.advance(370 * DAY);
  await call('POST', `/api/v1/green/plantings/${planting.planting}/checks`, { year: 1, date: cstDay(g.clock.now()), alive: 1, photos: [photo(2)] }, desert.token);
  await published(s);

  const server = (await api(s, 'GET', '/api/v1/green/totals')).json;
  assert.ok(server.energy.expired > 0, JSON.stringify(server.energy));
  assert.deepEqual(server.trees, { ordered: 2, planted: 2, surviving: 1 });
  const args = ['--log', `${s.url}/log/`, '--vkey', g.data.vkey];

  // Without --server: the same figures, but expired and pending as of this machine's
  // clock (a year before the server's): nothing has expired yet.
  let r = await audit([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const mine = JSON.parse(r.stdout).green;
  const strip = (x) => ({ ...x, as_of: undefined, energy: { ...x.energy, expired: undefined, pending: undefined } });
  assert.deepEqual(strip(mine), strip(server));
  assert.equal(mine.energy.expired, 0);
  assert.equal(mine.energy.pending, server.energy.expired + server.energy.pending);
  r = await audit(args);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^green: \d+ entries, as of \S+$/m);
  assert.match(r.stdout, /^ {2}energy: credited \d+ g, collected \d+ g, expired 0 g, pending \d+ g, spent 36100 g; 6 actions$/m);
  assert.match(r.stdout, /^ {2}kind big_deed: 100000 g, 1 actions$/m);
  assert.match(r.stdout, /^ {2}trees: ordered 2, planted 2, surviving 1$/m);
  assert.match(r.stdout, /^ {2}species saxaul \(desert-green\): ordered 2, planted 2, surviving 1$/m);
  assert.match(r.stdout, /^ {2}site alxa-1 \(desert-green\): plantings 1, planted 2, surviving 1$/m);
  assert.match(r.stdout, /^ {2}partner desert-green: ordered 2, planted 2, surviving 1$/m);
  assert.match(r.stdout, /^ {2}pool energy-for-meals \(metro-co, CNY\): budget 500, unlocked 15, left 485, unlocks 1, closed$/m);

  // With --server: every figure agrees, expired and pending at the server's as_of.
  r = await audit([...args, '--server', s.url]);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^OK: goodtrace\.test\/audit-green, \d+ entries: the server agrees on 1 campaigns, 2 receipts and the green totals \(\d+ green entries\)$/m);

  // Another server (a fresh one) says otherwise about everything.
  g.otherData = initData('audit-green-other');
  g.other = await startServer(g.otherData);
  r = await audit([...args, '--server', g.other.url]);
  assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
  let lines = r.stdout.trim().split('\n');
  assert.ok(lines.includes(`green: energy.credited: log says ${server.energy.credited}, server says 0`), r.stdout);
  assert.ok(lines.includes('green: trees.planted: log says 2, server says 0'), r.stdout);
  assert.ok(lines.some((l) => l.startsWith('green: species saxaul: log says {"id":"saxaul",') && l.endsWith(', server says nothing')), r.stdout);
  assert.ok(lines.some((l) => l.startsWith('green: pools metro-for-schools: log says {') && l.endsWith(', server says nothing')), r.stdout);
  assert.match(lines.at(-1), /^audit: \d+ differences between the log \(\d+ entries\) and http:\/\/127\.0\.0\.1:\d+: 1 campaigns, 0 receipts and the green totals compared$/);

  // A store altered by hand: the audit names the species, its partner and the trees.
  if (!hasSqlite) return;
  assert.equal((await g.server.stop()).code, 0, g.server.stderr());
  g.server = null;
  const sql = "UPDATE green_species SET planted = planted - 1 WHERE id = 'saxaul';\n" +
    "UPDATE green_pools SET unlocked = unlocked + 7 WHERE id = 'metro-for-schools';";
  const q = spawnSync('sqlite3', [join(g.data.dir, 'store.db')], { input: sql, encoding: 'utf8' });
  assert.equal(q.status, 0, q.stderr);
  g.server = await startServer(g.data, g.clock.args);
  r = await audit(['--log', `${g.server.url}/log/`, '--vkey', g.data.vkey, '--server', g.server.url]);
  assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
  lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, -1).sort(), [
    'green: partners desert-green.planted: log says 2, server says 1',
    'green: pools metro-for-schools.left: log says 990, server says 983',
    'green: pools metro-for-schools.unlocked: log says 10, server says 17',
    'green: species saxaul.planted: log says 2, server says 1',
    'green: trees.planted: log says 2, server says 1',
  ], r.stdout);
  assert.match(lines.at(-1), /^audit: 5 differences between/);
});
