// Green energy, real trees and sponsor pools (docs/green.md is the contract): users and
// their keys; partner apps' action reports turned into grams by the rule table, with
// caps, duplicates and every reason for a refusal; energy that appears the next day,
// is collected or expires after 72 hours; trees redeemed, planted first in first out
// and checked for survival, with certificates whose entries prove themselves; sponsor
// pools that turn actions or energy into donations and never overspend. Each test runs
// its own server with its own clock (`serve --clock-file`), moved days or years ahead;
// at the end of each, a rebuild of a copy of the data directory gives the same totals,
// and no personal value ever reaches the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import {
  api, cleanup, goodtrace, initData, leafHash, logSize, makeClock, makeOrg, personalValue,
  rootFromInclusion, run, sha256hex, startServer, verifyCheckpoint,
} from './helpers.mjs';

const DAY = 86400;
const P = 'urn:goodtrace:problem:';

// ---- the programme's days: calendar days in China Standard Time (UTC+08:00) ----------

const cstDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const dayStart = (day) => Date.parse(`${day}T00:00:00Z`) - 8 * 3600e3;
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
const addYears = (day, n) => `${Number(day.slice(0, 4)) + n}${day.slice(4)}`;
const iso = (ms) => new Date(ms).toISOString();
// When energy earned on `day` appears (the start of the next day) and expires (72 h later).
const appears = (day) => iso(dayStart(addDays(day, 1)));
const expires = (day) => iso(dayStart(addDays(day, 4)));

// Every server starts at noon (CST) on the 10th of next month: far from midnight, and
// with room in the month for the monthly caps and the days a test moves through.
function startOffset() {
  const now = Date.now();
  const cst = new Date(now + 8 * 3600e3);
  const target = Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth() + 1, 10, 4, 0, 0);
  return Math.ceil((target - now) / 1000);
}

// ---- one server per test ---------------------------------------------------------------

async function setup(t, name, offset) {
  const chosen = offset !== undefined;
  offset ??= startOffset();
  const data = initData(`green-${name}`);
  const clock = makeClock(data, offset);
  const server = await startServer(data, clock.args);
  const g = { data, clock, server, admin: data.adminToken, name };
  g.today = () => cstDay(clock.now());
  t.after(async () => {
    if (process.env.GT_DEBUG) console.error(g.server.stderr());
    await g.server.kill();
    if (g.copy) await g.copy.kill();
    cleanup(data);
  });
  if (!chosen) assert.equal(g.today().slice(8), '10');
  return g;
}

const call = (g, method, path, body, token) => api(g.server, method, path, { token, body });

// The size of the log once the published checkpoint covers every entry written so far
// (right after a burst of writes, the checkpoint may lag by a few milliseconds).
async function settledSize(server) {
  await published(server);
  return logSize(server);
}

async function refused(g, method, path, body, token, status, type, detail) {
  const size = await settledSize(g.server);
  const r = await call(g, method, path, body, token);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  assert.equal(r.headers.get('content-type')?.split(';')[0], 'application/problem+json', r.text);
  assert.equal(r.json.type, `${P}${type}`, r.text);
  if (detail) assert.match(r.json.detail, detail, r.text);
  assert.equal(await settledSize(g.server), size, `a refusal moved the log: ${method} ${path}`);
  return r;
}

async function ok(g, method, path, body, token, status = 200) {
  const r = await call(g, method, path, body, token);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  return r.json;
}

// A user: { id, ref, key }. Neither the id nor the key may ever be on the log.
async function user(g) {
  const r = await call(g, 'POST', '/api/v1/green/users', {});
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.id, /^u[0-9a-f]{16}$/);
  assert.match(r.json.ref, /^green:[0-9a-f]{64}$/);
  assert.match(r.json.key, /^gu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  personalValue(r.json.id);
  personalValue(r.json.key);
  return r.json;
}

// An app's own id of an action (a UUID): only its hash may be on the log.
const aid = () => personalValue(randomUUID());
const actionRef = (org, id) => sha256hex(`${org}\n${id}`).slice(0, 24);
const act = (u, kind, quantity, extra = {}) => ({ id: aid(), user: u.ref, kind, quantity, ...extra });
const report = (g, app, actions) => call(g, 'POST', '/api/v1/green/actions', { actions }, app.token);

// A report that must be answered 200; returns the answer.
async function reported(g, app, actions) {
  const r = await report(g, app, actions);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.results.length, actions.length);
  // Each result names its action, except an action whose id is not a valid id.
  r.json.results.forEach((x, i) => assert.equal(x.id, x.code === 'invalid' && x.id === null ? null : actions[i].id, JSON.stringify(x)));
  return r.json;
}

const me = async (g, u) => ok(g, 'GET', '/api/v1/green/me', undefined, u.key);
const totals = async (g) => ok(g, 'GET', '/api/v1/green/totals');

// Wait until the published checkpoint covers every entry written so far.
async function published(server) {
  const h = await api(server, 'GET', '/healthz');
  for (let i = 0; i < 400; i++) {
    if (await logSize(server) >= h.json.applied) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('the log was not published');
}

// One entry, with its inclusion in the signed checkpoint verified independently.
async function provenEntry(g, index) {
  assert.equal(typeof index, 'number', `not an entry index: ${index}`);
  let r;
  for (let i = 0; i < 200; i++) {
    r = await call(g, 'GET', `/api/v1/log/entries/${index}`);
    if (r.status !== 503) break;
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.equal(r.status, 200, r.text);
  g.vkey ??= (await call(g, 'GET', '/log/vkey')).text.trim();
  const cp = verifyCheckpoint(r.json.checkpoint, g.vkey);
  assert.ok(cp.ok, 'the checkpoint is signed by the log key');
  assert.equal(cp.size, r.json.tree_size);
  const root = rootFromInclusion(index, r.json.tree_size, leafHash(r.json.raw),
    r.json.hashes.map((h) => Buffer.from(h, 'base64')));
  assert.ok(root && root.equals(cp.root), `entry ${index} is not in the checkpoint`);
  return JSON.parse(r.json.raw);
}

function audit(args) {
  return new Promise((res) => {
    const child = spawn(goodtrace, ['audit', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}
const auditKnowsGreen = /green/i.test(run(['audit', '--help']).stdout);

// The type of every entry on the log, oldest first (the API's list pages newest first).
async function allEntryTypes(server) {
  const types = [];
  let before = await logSize(server);
  while (before > 0) {
    const r = await api(server, 'GET', `/api/v1/log/entries?before=${before}&limit=1000`);
    assert.equal(r.status, 200, r.text);
    if (!r.json.entries.length) break;
    for (const e of r.json.entries) types.unshift(e.type);
    before = r.json.entries.at(-1).index;
  }
  return types;
}

const withoutAsOf = (t) => ({ ...t, as_of: undefined });

// The end of every test: the audit (when it replays green entries) agrees with the
// server; the server stops cleanly with no personal value on its log; a copy of the
// data directory, rebuilt from the log alone, is identical and serves the same totals.
async function finish(g) {
  await published(g.server);
  const before = await totals(g);
  if (auditKnowsGreen) {
    const r = await audit(['--log', `${g.server.url}/log/`, '--vkey', g.data.vkey, '--server', g.server.url]);
    assert.equal(r.code, 0, `audit: ${r.stdout}${r.stderr}`);
    const greenEntries = (await allEntryTypes(g.server)).filter((t) => t.startsWith('green.')).length;
    assert.match(r.stdout, new RegExp(`and the green totals \\(${greenEntries} green entries\\)$`, 'm'), r.stdout);
  }
  assert.equal((await g.server.stop()).code, 0, g.server.stderr());
  const copy = { ...g.data, dir: join(g.data.root, 'copy') };
  cpSync(g.data.dir, copy.dir, { recursive: true });
  const rb = run(['rebuild', '--data', copy.dir]);
  assert.equal(rb.code, 0, `rebuild differed: ${rb.stdout}${rb.stderr}`);
  g.copy = await startServer(copy, g.clock.args);
  const after = (await api(g.copy, 'GET', '/api/v1/green/totals')).json;
  assert.deepEqual(withoutAsOf(after), withoutAsOf(before), 'the rebuilt store gives other totals');
  assert.equal((await g.copy.stop()).code, 0, g.copy.stderr());
}

// ---- users -------------------------------------------------------------------------------

test('users register without a token, are who their key says, replace a leaked key, and reach only their own routes', async (t) => {
  const g = await setup(t, 'users');
  const size = await settledSize(g.server);
  const a = await user(g);
  const b = await user(g);
  assert.notEqual(a.id, b.id);
  assert.notEqual(a.ref, b.ref);
  assert.equal(await settledSize(g.server), size, 'registering writes nothing on the log');
  await refused(g, 'POST', '/api/v1/green/users', { name: 'x' }, undefined, 400, 'invalid', /name/);

  let r = await call(g, 'GET', '/api/v1/whoami', undefined, a.key);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.org, a.id);
  assert.equal(r.json.role, 'user');
  const m = await me(g, a);
  assert.equal(m.id, a.id);
  assert.equal(m.ref, a.ref);
  assert.equal(m.balance, 0);
  assert.equal(m.spent, 0);
  assert.equal(m.collected, 0);
  assert.deepEqual([m.collectable, m.pending, m.actions, m.trees], [[], [], [], []]);

  // Unauthenticated and wrong keys.
  await refused(g, 'GET', '/api/v1/green/me', undefined, undefined, 401, 'unauthorized');
  await refused(g, 'POST', '/api/v1/green/me/collect', {}, undefined, 401, 'unauthorized');
  await refused(g, 'POST', '/api/v1/green/actions', { actions: [act(a, 'walk', 600)] }, undefined, 401, 'unauthorized');
  await refused(g, 'PUT', '/api/v1/green/rules/walk', { unit: 'steps', grams: 1, per: 60, daily_cap: 296, monthly_cap: 9176, active: true }, undefined, 401, 'unauthorized');
  await refused(g, 'GET', '/api/v1/green/me', undefined, a.key.slice(0, -2) + (a.key.endsWith('AA') ? 'BB' : 'AA'), 401, 'invalid-token');

  // A user's key is allowed nothing an organisation's token is: "*" never includes people.
  await refused(g, 'POST', '/api/v1/green/actions', { actions: [act(a, 'walk', 600)] }, a.key, 403, 'forbidden');
  await refused(g, 'PUT', '/api/v1/green/species/saxaul', { name: 'Saxaul', cost: 17900, region: 'Alxa', available: true }, a.key, 403, 'forbidden');
  await refused(g, 'PUT', '/api/v1/green/rules/walk', { unit: 'steps', grams: 9, per: 1, daily_cap: 9, monthly_cap: 9, active: true }, a.key, 403, 'forbidden');
  await refused(g, 'POST', '/api/v1/green/pools', { id: 'p' }, a.key, 403, 'forbidden');
  await refused(g, 'POST', '/api/v1/attestations', { sha256: 'a'.repeat(64), kind: 'report' }, a.key, 403, 'forbidden');
  await refused(g, 'GET', '/api/v1/tokens', undefined, a.key, 403, 'forbidden');
  // And an organisation's token is no user.
  const app = await makeOrg(g.server, g.admin, 'walkapp', ['app']);
  await refused(g, 'GET', '/api/v1/green/me', undefined, app.token, 403, 'forbidden');
  await refused(g, 'POST', '/api/v1/green/me/collect', {}, g.admin, 403, 'forbidden');
  await refused(g, 'PUT', '/api/v1/green/rules/walk', { unit: 'steps', grams: 9, per: 1, daily_cap: 9, monthly_cap: 9, active: true }, app.token, 403, 'forbidden');

  // Replacing the key: the old one stops at once, the user stays the same.
  r = await call(g, 'POST', '/api/v1/green/me/key', {}, a.key);
  assert.equal(r.status, 200, r.text);
  const key = personalValue(r.json.key);
  assert.match(key, /^gu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(key, a.key);
  await refused(g, 'GET', '/api/v1/green/me', undefined, a.key, 401, 'invalid-token');
  await refused(g, 'GET', '/api/v1/whoami', undefined, a.key, 401, 'invalid-token');
  await refused(g, 'POST', '/api/v1/green/me/key', {}, a.key, 401, 'invalid-token');
  const m2 = await me(g, { key });
  assert.equal(m2.id, a.id);
  assert.equal(m2.ref, a.ref);
  assert.equal((await call(g, 'GET', '/api/v1/whoami', undefined, key)).json.org, a.id);
  // b's key still works.
  assert.equal((await me(g, b)).id, b.id);

  // The public reads need no token.
  for (const path of ['/api/v1/green/rules', '/api/v1/green/species', '/api/v1/green/sites', '/api/v1/green/pools', '/api/v1/green/totals'])
    assert.equal((await call(g, 'GET', path)).status, 200, path);
  assert.equal((await call(g, 'GET', '/api/v1/green/trees/999999')).status, 404);
  await finish(g);
});

test('the auth matrix of every green write route: no token 401, any other role or a user\'s key 403, nothing written', async (t) => {
  const g = await setup(t, 'matrix');
  const tokens = { admin: g.admin };
  for (const role of ['app', 'planter', 'sponsor', 'charity', 'ngo', 'manufacturer'])
    tokens[role] = (await makeOrg(g.server, g.admin, `org-${role}`, [role])).token;
  tokens.user = (await user(g)).key;
  const routes = [
    ['PUT', '/api/v1/green/rules/walk', 'admin'],
    ['POST', '/api/v1/green/actions', 'app'],
    ['PUT', '/api/v1/green/species/saxaul', 'planter'],
    ['PUT', '/api/v1/green/sites/alxa-1', 'planter'],
    ['POST', '/api/v1/green/plantings', 'planter'],
    ['POST', '/api/v1/green/plantings/1/checks', 'planter'],
    ['POST', '/api/v1/green/pools', 'sponsor'],
    ['POST', '/api/v1/green/pools/p/close', 'sponsor'],
    ['POST', '/api/v1/green/pools/p/unlock', 'user'],
    ['POST', '/api/v1/green/me/collect', 'user'],
    ['POST', '/api/v1/green/me/trees', 'user'],
    ['POST', '/api/v1/green/me/key', 'user'],
    ['GET', '/api/v1/green/me', 'user'],
  ];
  for (const [method, path, allowed] of routes) {
    const body = method === 'GET' ? undefined : {};
    await refused(g, method, path, body, undefined, 401, 'unauthorized');
    for (const [role, token] of Object.entries(tokens)) {
      if (role === allowed) continue;
      await refused(g, method, path, body, token, 403, 'forbidden', role === 'user' ? undefined : new RegExp(allowed));
    }
    if (path !== '/api/v1/green/me/key') {
      const r = await call(g, method, path, body, tokens[allowed]);
      assert.ok(![401, 403].includes(r.status), `${method} ${path} as ${allowed}: ${r.text}`);
    }
  }
  await finish(g);
});

// ---- energy: rules, grams, caps, refusals ------------------------------------------------

const DEFAULTS = [
  ['walk', 'steps', 1, 60, 296, 9176],
  ['metro', 'rides', 52, 1, 260, 5200],
  ['bus', 'rides', 80, 1, 320, 6400],
  ['bike', 'metres', 1, 100, 150, 3000],
  ['paperless_bill', 'bills', 5, 1, 15, 60],
  ['online_ticket', 'tickets', 180, 1, 360, 1800],
  ['reusable_cup', 'cups', 20, 1, 60, 600],
];

const rulesOf = async (g) => {
  const r = await ok(g, 'GET', '/api/v1/green/rules');
  assert.ok(Array.isArray(r.items), JSON.stringify(r));
  return r.items;
};

test('actions earn floor(quantity × grams / per) up to the caps; every refusal says why and writes nothing', async (t) => {
  const g = await setup(t, 'energy');
  const D = g.today(), Y = addDays(D, -1);
  const rules = await rulesOf(g);
  assert.equal(rules.length, DEFAULTS.length);
  for (const [kind, unit, grams, per, daily, monthly] of DEFAULTS) {
    const rule = rules.find((x) => x.kind === kind);
    assert.ok(rule, kind);
    assert.deepEqual(
      { unit: rule.unit, grams: rule.grams, per: rule.per, daily_cap: rule.daily_cap, monthly_cap: rule.monthly_cap, active: rule.active, source: rule.source },
      { unit, grams, per, daily_cap: daily, monthly_cap: monthly, active: true, source: 'default' }, kind);
  }
  const app = await makeOrg(g.server, g.admin, 'stepapp', ['app']);
  const metroApp = await makeOrg(g.server, g.admin, 'metroapp', ['app']);
  const a = await user(g), b = await user(g);
  let credited = 0, accepted = 0;
  const count = (ans) => { credited += ans.grams; accepted += ans.results.filter((x) => x.status !== 'refused').length; };

  // Grams are rounded down: 12345 steps / 60 = 205.75.
  const first = [act(a, 'walk', 12345, { day: D }), act(a, 'metro', 2), act(a, 'bike', 1499), act(a, 'paperless_bill', 1)];
  let ans = await reported(g, app, first);
  count(ans);
  const firstIndex = ans.index;
  assert.deepEqual(ans.results.map((x) => [x.status, x.grams]), [['credited', 205], ['credited', 104], ['credited', 14], ['credited', 5]]);
  assert.equal(ans.grams, 328);
  assert.equal(ans.credited, 4);
  first.forEach((x, i) => assert.equal(ans.results[i].ref, actionRef('stepapp', x.id)));
  // The log: one entry green.actions by the app, with the refs and never the app's ids.
  const entry = await provenEntry(g, firstIndex);
  assert.equal(entry.type, 'green.actions');
  assert.equal(entry.by, 'org:stepapp');
  assert.deepEqual(entry.data.actions, first.map((x, i) => ({
    ref: actionRef('stepapp', x.id), user: a.ref, kind: x.kind, day: D, quantity: x.quantity, grams: ans.results[i].grams,
  })));
  for (const x of first) assert.ok(!JSON.stringify(entry).includes(x.id), 'the app\'s own id is on the log');

  // The daily cap (walk: 296 g a day): 205 so far, 100 more earns only the 91 left, then nothing.
  ans = await reported(g, app, [act(a, 'walk', 6000)]);
  count(ans);
  assert.equal(ans.results[0].status, 'capped');
  assert.equal(ans.results[0].grams, 91);
  assert.match(ans.results[0].reason, /daily/);
  ans = await reported(g, app, [act(a, 'walk', 60)]);
  assert.equal(ans.index, null);
  assert.equal(ans.credited, 0);
  assert.equal(ans.grams, 0);
  assert.equal(ans.results[0].status, 'refused');
  assert.equal(ans.results[0].code, 'daily-cap');
  assert.match(ans.results[0].reason, /296/);
  // Caps are per user, kind and day: b walks, a rides the metro, a's yesterday is another day.
  ans = await reported(g, app, [act(b, 'walk', 18000), act(a, 'metro', 1), act(a, 'walk', 6000, { day: Y })]);
  count(ans);
  assert.deepEqual(ans.results.map((x) => [x.status, x.grams]), [['capped', 296], ['credited', 52], ['credited', 100]]);

  // Duplicates: an id already reported by this app (its entry named), twice in one report;
  // the same id from another app is another action.
  const again = await report(g, app, [{ ...first[0] }]);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.results[0].status, 'refused');
  assert.equal(again.json.results[0].code, 'duplicate');
  assert.match(again.json.results[0].reason, new RegExp(`\\b${firstIndex}\\b`));
  const twice = act(b, 'metro', 1);
  ans = await reported(g, app, [twice, { ...twice }]);
  count(ans);
  assert.deepEqual(ans.results.map((x) => [x.status, x.code]), [['credited', undefined], ['refused', 'duplicate']]);
  assert.equal(ans.credited, 1);
  ans = await reported(g, metroApp, [{ ...first[1] }]);
  count(ans);
  assert.equal(ans.results[0].status, 'credited');
  assert.equal(ans.results[0].ref, actionRef('metroapp', first[1].id));
  assert.notEqual(ans.results[0].ref, actionRef('stepapp', first[1].id));

  // Every other reason, in one report with one good action: results in order, only the
  // good one on the log.
  const inactive = await ok(g, 'PUT', '/api/v1/green/rules/reusable_cup', { unit: 'cups', grams: 20, per: 1, daily_cap: 60, monthly_cap: 600, active: false }, g.admin);
  const cup = (await rulesOf(g)).find((x) => x.kind === 'reusable_cup');
  assert.equal(cup.active, false);
  assert.equal(cup.source, inactive.index);
  const mixed = [
    act({ ref: `green:${'0'.repeat(64)}` }, 'walk', 600),
    act(b, 'skydiving', 1),
    act(b, 'reusable_cup', 1),
    act(b, 'bus', 1, { day: addDays(D, -2) }),
    act(b, 'bus', 1, { day: addDays(D, 1) }),
    act(b, 'bike', 99),
    act(b, 'bus', -1),
    act(b, 'bus', 0),
    act(b, 'bus', 1, { day: '2026-02-30' }),
    { ...act(b, 'bus', 1), id: 'not an id!' },
    { ...act(b, 'bus', 1), id: 'x'.repeat(65) },
    (({ kind, ...rest }) => rest)(act(b, 'bus', 1)),
    act(b, 'bus', 1, { colour: 'green' }),
    act(b, 'bus', 2),
  ];
  ans = await reported(g, app, mixed);
  count(ans);
  assert.deepEqual(ans.results.map((x) => x.status === 'refused' ? x.code : x.status), [
    'unknown-user', 'unknown-kind', 'inactive-kind', 'too-late', 'future', 'too-small',
    'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'credited']);
  const reasons = ans.results.map((x) => x.reason);
  for (const [i, re] of [[6, /quantity/], [7, /quantity/], [8, /day/], [9, /id/], [10, /id/], [11, /kind/], [12, /colour/]])
    assert.match(reasons[i], re, JSON.stringify(ans.results[i]));
  assert.match(reasons[1], /skydiving/);
  assert.match(reasons[2], /reusable_cup/);
  for (const x of ans.results.slice(0, -1)) assert.equal(x.grams ?? 0, 0);
  assert.equal(ans.results.at(-1).grams, 160);
  assert.equal(ans.grams, 160);
  assert.equal(ans.credited, 1);
  const mixedEntry = await provenEntry(g, ans.index);
  assert.deepEqual(mixedEntry.data.actions.map((x) => x.ref), [actionRef('stepapp', mixed.at(-1).id)]);

  // A report with every action refused writes nothing.
  const size = await settledSize(g.server);
  ans = await reported(g, app, [act(b, 'skydiving', 1), act(b, 'walk', 1)]);
  assert.equal(ans.index, null);
  assert.equal(ans.credited, 0);
  assert.equal(await settledSize(g.server), size);

  // A malformed report is 400 and writes nothing: none of its actions is remembered.
  const many = Array.from({ length: 257 }, () => act(b, 'bike', 100));
  await refused(g, 'POST', '/api/v1/green/actions', { actions: [] }, app.token, 400, 'invalid', /actions/);
  await refused(g, 'POST', '/api/v1/green/actions', { actions: many }, app.token, 400, 'invalid', /256/);
  await refused(g, 'POST', '/api/v1/green/actions', { actions: act(b, 'bike', 100) }, app.token, 400, 'invalid', /actions/);
  await refused(g, 'POST', '/api/v1/green/actions', {}, app.token, 400, 'invalid', /actions/);
  await refused(g, 'POST', '/api/v1/green/actions', [act(b, 'bike', 100)], app.token, 400, 'invalid');
  ans = await reported(g, app, many.slice(0, 256));
  count(ans);
  assert.equal(ans.results[0].status, 'credited', 'an action of a refused report was remembered');
  assert.equal(ans.results[0].grams, 1);
  assert.equal(ans.grams, 150, 'the bike\'s daily cap');
  assert.equal(ans.results.filter((x) => x.status === 'credited').length, 150);
  assert.equal(ans.results.filter((x) => x.code === 'daily-cap').length, 106);

  // A rule change applies to the actions reported after it.
  const walkRule = await ok(g, 'PUT', '/api/v1/green/rules/walk', { unit: 'steps', grams: 2, per: 60, daily_cap: 1000, monthly_cap: 9176, active: true }, g.admin);
  const ruleEntry = await provenEntry(g, walkRule.index);
  assert.equal(ruleEntry.type, 'green.rule');
  assert.deepEqual(ruleEntry.data, { kind: 'walk', unit: 'steps', grams: 2, per: 60, daily_cap: 1000, monthly_cap: 9176, active: true });
  ans = await reported(g, app, [act(a, 'walk', 600)]);
  count(ans);
  assert.equal(ans.results[0].grams, 20);
  assert.equal(ans.results[0].status, 'credited', '296 g so far today, under the new cap of 1000');

  // What a's energy looks like: yesterday's 100 g collectable, today's pending.
  const m = await me(g, a);
  assert.deepEqual(m.collectable, [{ day: Y, grams: 100, expires: expires(Y) }]);
  const todayA = 205 + 104 + 14 + 5 + 91 + 52 + 104 + 20; // 104: the metro ride metroapp reported
  assert.deepEqual(m.pending, [{ day: D, grams: todayA, appears: appears(D) }]);
  assert.equal(m.actions.length, 9);
  assert.deepEqual(m.actions[0], { ref: ans.results[0].ref, day: D, kind: 'walk', grams: 20, index: ans.index, state: 'pending' });
  assert.deepEqual(m.actions.filter((x) => x.day === Y).map((x) => [x.grams, x.state]), [[100, 'collectable']]);
  assert.equal(m.actions.reduce((s, x) => s + x.grams, 0), todayA + 100);
  const tot = await totals(g);
  assert.equal(tot.energy.credited, credited);
  assert.equal(tot.energy.actions, accepted);
  assert.equal(tot.energy.collected, 0);
  assert.equal(tot.energy.spent, 0);
  assert.equal(tot.energy.expired, 0);
  assert.equal(tot.energy.pending, credited, 'nothing collected or expired yet');
  assert.equal(tot.energy.kinds.find((k) => k.kind === 'bike').grams, 14 + 150);
  assert.equal(tot.energy.kinds.reduce((s, k) => s + k.grams, 0), credited);
  assert.equal(tot.energy.kinds.reduce((s, k) => s + k.actions, 0), accepted);
  await finish(g);
});

test('the rule table: an admin changes or adds rules within the limits; a monthly cap holds over several days', async (t) => {
  const g = await setup(t, 'monthly');
  const D = g.today();
  const rule = (extra = {}) => ({ unit: 'taps', grams: 10, per: 1, daily_cap: 30, monthly_cap: 70, active: true, ...extra });
  const planter = await makeOrg(g.server, g.admin, 'desert-green', ['planter']);
  await refused(g, 'PUT', '/api/v1/green/rules/tap_card', rule(), planter.token, 403, 'forbidden');
  await refused(g, 'PUT', '/api/v1/green/rules/Tap', rule(), g.admin, 400, 'invalid', /kind/);
  await refused(g, 'PUT', `/api/v1/green/rules/${'k'.repeat(33)}`, rule(), g.admin, 400, 'invalid', /kind/);
  await refused(g, 'PUT', '/api/v1/green/rules/tap_card', rule({ grams: 0 }), g.admin, 400, 'invalid', /grams/);
  await refused(g, 'PUT', '/api/v1/green/rules/tap_card', rule({ grams: 100001 }), g.admin, 400, 'invalid', /grams/);
  await refused(g, 'PUT', '/api/v1/green/rules/tap_card', rule({ per: 1000001 }), g.admin, 400, 'invalid', /per/);
  await refused(g, 'PUT', '/api/v1/green/rules/tap_card', rule({ daily_cap: 0 }), g.admin, 400, 'invalid', /daily_cap/);
  await refused(g, 'PUT', '/api/v1/green/rules/tap_card', rule({ monthly_cap: 10000001 }), g.admin, 400, 'invalid', /monthly_cap/);
  await refused(g, 'PUT', '/api/v1/green/rules/tap_card', rule({ daily_cap: 80 }), g.admin, 400, 'invalid', /monthly_cap/);
  await refused(g, 'PUT', '/api/v1/green/rules/tap_card', (({ unit, ...r }) => r)(rule()), g.admin, 400, 'invalid', /unit/);
  const r = await ok(g, 'PUT', '/api/v1/green/rules/tap_card', rule(), g.admin);
  const added = (await rulesOf(g)).find((x) => x.kind === 'tap_card');
  const fields = ['kind', 'unit', 'grams', 'per', 'daily_cap', 'monthly_cap', 'active'];
  assert.deepEqual(Object.fromEntries(fields.map((k) => [k, added[k]])), { kind: 'tap_card', ...rule() });
  assert.equal(added.source, r.index);

  const app = await makeOrg(g.server, g.admin, 'busapp', ['app']);
  const a = await user(g), b = await user(g);
  // Day D: 30 g (the daily cap). D+1: 30 g. D+2: the 10 g left of the month. D+3: nothing.
  let ans = await reported(g, app, [act(a, 'tap_card', 5)]);
  assert.deepEqual(ans.results.map((x) => [x.status, x.grams]), [['capped', 30]]);
  assert.match(ans.results[0].reason, /daily/);
  g.clock.advance(DAY);
  ans = await reported(g, app, [act(a, 'tap_card', 3)]);
  assert.deepEqual(ans.results.map((x) => [x.status, x.grams]), [['credited', 30]]);
  g.clock.advance(DAY);
  assert.equal(g.today(), addDays(D, 2));
  ans = await reported(g, app, [act(a, 'tap_card', 3), act(b, 'tap_card', 3)]);
  assert.deepEqual(ans.results.map((x) => [x.status, x.grams]), [['capped', 10], ['credited', 30]]);
  assert.match(ans.results[0].reason, /month/);
  g.clock.advance(DAY);
  ans = await reported(g, app, [act(a, 'tap_card', 1), act(a, 'tap_card', 1, { day: addDays(D, 2) })]);
  assert.deepEqual(ans.results.map((x) => x.code), ['monthly-cap', 'monthly-cap']);
  assert.match(ans.results[0].reason, /70/);
  assert.equal(ans.index, null);

  // At most 32 kinds: 7 defaults and tap_card, 24 more, then no more.
  for (let i = 0; i < 24; i++) await ok(g, 'PUT', `/api/v1/green/rules/kind_${i}`, rule(), g.admin);
  assert.equal((await rulesOf(g)).length, 32);
  const over = await call(g, 'PUT', '/api/v1/green/rules/kind_24', rule(), g.admin);
  assert.ok(over.status === 400 || over.status === 409, over.text);
  assert.match(over.json.detail, /32/);
  // Changing an existing one is still fine.
  await ok(g, 'PUT', '/api/v1/green/rules/kind_0', rule({ grams: 11 }), g.admin);
  await finish(g);
});

test('the programme\'s day is China\'s: at 00:30 in Beijing it is already the next day, and the next month', async (t) => {
  // 00:30 CST on the 1st of the month after next: 16:30 UTC on the last day of the month before.
  const now = Date.now();
  const cst = new Date(now + 8 * 3600e3);
  const target = Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth() + 2, 1, 0, 30) - 8 * 3600e3;
  const g = await setup(t, 'china-day', Math.ceil((target - now) / 1000));
  const D = g.today(), Y = addDays(D, -1);
  assert.equal(D.slice(8), '01');
  assert.equal(iso(g.clock.now()).slice(0, 10), Y, 'UTC is still on the day before');
  await ok(g, 'PUT', '/api/v1/green/rules/tap_card', { unit: 'taps', grams: 10, per: 1, daily_cap: 50, monthly_cap: 50, active: true }, g.admin);
  const app = await makeOrg(g.server, g.admin, 'busapp', ['app']);
  const a = await user(g);
  // Yesterday (last month) reaches last month's cap; today, without a day, is the 1st of
  // a new month with a cap of its own.
  const ans = await reported(g, app, [act(a, 'tap_card', 5, { day: Y }), act(a, 'tap_card', 1, { day: Y }), act(a, 'tap_card', 5)]);
  assert.deepEqual(ans.results.map((x) => x.status === 'refused' ? x.code : x.status), ['credited', 'daily-cap', 'credited']);
  assert.deepEqual((await provenEntry(g, ans.index)).data.actions.map((x) => [x.day, x.grams]), [[Y, 50], [D, 50]]);
  // Yesterday's energy appeared at the start of the 1st in Beijing (16:00 UTC the day before).
  let m = await me(g, a);
  assert.deepEqual(m.collectable, [{ day: Y, grams: 50, expires: expires(Y) }]);
  assert.deepEqual(m.pending, [{ day: D, grams: 50, appears: `${D}T16:00:00.000Z` }]);
  let r = await call(g, 'POST', '/api/v1/green/me/collect', {}, a.key);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.days, [{ day: Y, grams: 50 }]);
  // 15:50 in Beijing: still the 1st, today's energy still on its way.
  g.clock.advance(15 * 3600 + 20 * 60);
  assert.equal(g.today(), D);
  await refused(g, 'POST', '/api/v1/green/me/collect', {}, a.key, 409, 'conflict', new RegExp(`${D}T16:00:00`));
  // 00:10 on the 2nd: it has appeared.
  g.clock.advance(8 * 3600 + 20 * 60);
  assert.equal(g.today(), addDays(D, 1));
  r = await call(g, 'POST', '/api/v1/green/me/collect', {}, a.key);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.days, [{ day: D, grams: 50 }]);
  assert.equal((await me(g, a)).balance, 100);
  await finish(g);
});

test('at once: caps, duplicates, collects and redemptions hold under concurrent requests, and the energy book survives a restart', async (t) => {
  const g = await setup(t, 'concurrent');
  const Y = addDays(g.today(), -1);
  const app = await makeOrg(g.server, g.admin, 'stepapp', ['app']);
  const planter = await makeOrg(g.server, g.admin, 'desert-green', ['planter']);
  await ok(g, 'PUT', '/api/v1/green/species/shrub', { name: 'Shrub', cost: 100, region: 'Alxa', available: true }, planter.token);
  const a = await user(g), b = await user(g);
  // Twenty reports of 100 g at once against a daily cap of 296: 100 + 100 + 96, never more.
  let answers = await Promise.all(Array.from({ length: 20 }, () => reported(g, app, [act(a, 'walk', 6000)])));
  const results = answers.map((x) => x.results[0]);
  assert.equal(results.reduce((sum, x) => sum + x.grams, 0), 296);
  assert.deepEqual(results.map((x) => x.status === 'refused' ? x.code : `${x.status} ${x.grams}`).sort(),
    ['capped 96', 'credited 100', 'credited 100', ...Array(17).fill('daily-cap')].sort());
  // The same id in ten reports at once: credited once.
  const once = act(b, 'bus', 1);
  answers = await Promise.all(Array.from({ length: 10 }, () => reported(g, app, [{ ...once }])));
  assert.deepEqual(answers.map((x) => x.results[0].status === 'refused' ? x.results[0].code : x.results[0].status).sort(),
    ['credited', ...Array(9).fill('duplicate')].sort());
  // Five collects at once: one collects, four find nothing; the balance counts it once.
  await reported(g, app, [act(b, 'walk', 15000, { day: Y })]);
  const collects = await Promise.all(Array.from({ length: 5 }, () => call(g, 'POST', '/api/v1/green/me/collect', {}, b.key)));
  assert.deepEqual(collects.map((x) => x.status).sort(), [200, 409, 409, 409, 409]);
  assert.equal(collects.find((x) => x.status === 200).json.grams, 250);
  assert.equal((await me(g, b)).balance, 250);
  // Six redemptions at once with the balance for two.
  const buys = await Promise.all(Array.from({ length: 6 }, () => call(g, 'POST', '/api/v1/green/me/trees', { species: 'shrub' }, b.key)));
  assert.deepEqual(buys.map((x) => x.status).sort(), [201, 201, 409, 409, 409, 409]);
  let mb = await me(g, b);
  assert.deepEqual([mb.balance, mb.spent, mb.trees.length], [50, 200, 2]);

  // A restart: the book is made again from the store; caps, duplicates and balances hold.
  await published(g.server);
  const before = await totals(g);
  assert.equal((await g.server.stop()).code, 0, g.server.stderr());
  g.server = await startServer(g.data, g.clock.args);
  assert.deepEqual(withoutAsOf(await totals(g)), withoutAsOf(before));
  let ans = await reported(g, app, [{ ...once }, act(a, 'walk', 60), act(b, 'walk', 6000)]);
  assert.deepEqual(ans.results.map((x) => x.status === 'refused' ? x.code : `${x.status} ${x.grams}`), ['duplicate', 'daily-cap', 'credited 100']);
  mb = await me(g, b);
  assert.deepEqual([mb.balance, mb.spent, mb.collected], [50, 200, 250]);
  assert.deepEqual(mb.pending.map((x) => x.grams), [180]);
  await refused(g, 'POST', '/api/v1/green/me/collect', {}, b.key, 409, 'conflict');
  await finish(g);
});

// ---- energy: appearing, collecting, expiring --------------------------------------------

test('energy appears the next day, is collected into the balance, and expires after 72 hours', async (t) => {
  const g = await setup(t, 'collect');
  const D = g.today(), Y = addDays(D, -1);
  const app = await makeOrg(g.server, g.admin, 'stepapp', ['app']);
  const a = await user(g), b = await user(g), c = await user(g), e = await user(g);
  const dup = act(a, 'bus', 1);
  await reported(g, app, [act(a, 'walk', 12000), act(a, 'metro', 1, { day: Y }), act(b, 'walk', 6000), act(c, 'walk', 3000), dup,
    act(e, 'paperless_bill', 1, { day: Y }), act(e, 'paperless_bill', 2)]);

  // Yesterday's energy has appeared: collected now.
  let r = await call(g, 'POST', '/api/v1/green/me/collect', {}, a.key);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.grams, 52);
  const collectEntry = await provenEntry(g, r.json.index);
  assert.equal(collectEntry.type, 'green.collect');
  assert.deepEqual(collectEntry.data, { user: a.ref, grams: 52, days: [{ day: Y, grams: 52 }] });
  let m = await me(g, a);
  assert.equal(m.balance, 52);
  assert.equal(m.collected, 52);
  assert.deepEqual(m.collectable, []);
  assert.deepEqual(m.pending, [{ day: D, grams: 280, appears: appears(D) }]);
  // Today's has not: 409, saying when it appears.
  const at = appears(D).slice(0, 19);
  await refused(g, 'POST', '/api/v1/green/me/collect', {}, a.key, 409, 'conflict', new RegExp(at));
  await refused(g, 'POST', '/api/v1/green/me/collect', {}, b.key, 409, 'conflict', new RegExp(at));
  let tot = await totals(g);
  assert.deepEqual({ ...tot.energy, kinds: undefined }, {
    credited: 52 + 280 + 100 + 50 + 15, collected: 52, expired: 0, spent: 0, pending: 280 + 100 + 50 + 15, actions: 7, kinds: undefined,
  });
  assert.deepEqual((await me(g, e)).actions.map((x) => [x.day, x.grams, x.state]), [[D, 10, 'pending'], [Y, 5, 'collectable']]);

  // The next day: collectable until the start of D+4.
  g.clock.advance(DAY);
  m = await me(g, b);
  assert.deepEqual(m.collectable, [{ day: D, grams: 100, expires: expires(D) }]);
  assert.deepEqual(m.pending, []);
  r = await call(g, 'POST', '/api/v1/green/me/collect', {}, a.key);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.grams, 280);
  assert.equal((await me(g, a)).balance, 332);
  assert.deepEqual((await me(g, a)).actions.map((x) => x.state), ['collected', 'collected', 'collected']);
  // e collects two days at once, oldest first.
  r = await call(g, 'POST', '/api/v1/green/me/collect', {}, e.key);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.grams, r.json.days], [15, [{ day: Y, grams: 5 }, { day: D, grams: 10 }]]);
  assert.deepEqual((await provenEntry(g, r.json.index)).data, { user: e.ref, grams: 15, days: [{ day: Y, grams: 5 }, { day: D, grams: 10 }] });
  // Still there on the third day after.
  g.clock.advance(2 * DAY);
  r = await call(g, 'POST', '/api/v1/green/me/collect', {}, b.key);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.grams, 100);
  // Gone on the fourth: c never collected.
  g.clock.advance(DAY);
  assert.equal(g.today(), addDays(D, 4));
  await refused(g, 'POST', '/api/v1/green/me/collect', {}, c.key, 409, 'conflict');
  m = await me(g, c);
  assert.deepEqual([m.balance, m.collected, m.collectable, m.pending], [0, 0, [], []]);
  assert.deepEqual(m.actions.map((x) => [x.day, x.grams, x.state]), [[D, 50, 'expired']]);
  tot = await totals(g);
  assert.deepEqual({ ...tot.energy, kinds: undefined }, {
    credited: 497, collected: 447, expired: 50, spent: 0, pending: 0, actions: 7, kinds: undefined,
  });
  assert.deepEqual(tot.energy.kinds.filter((k) => k.grams > 0).sort((x, y) => x.kind.localeCompare(y.kind)), [
    { kind: 'bus', grams: 80, actions: 1 }, { kind: 'metro', grams: 52, actions: 1 }, { kind: 'paperless_bill', grams: 15, actions: 2 },
    { kind: 'walk', grams: 350, actions: 3 },
  ]);

  // An id is remembered for 8 days after the day it names (through D+8), then forgotten.
  let ans = await reported(g, app, [{ ...dup, day: undefined }]);
  assert.equal(ans.results[0].code, 'duplicate');
  g.clock.advance(4 * DAY);
  assert.equal(g.today(), addDays(D, 8));
  ans = await reported(g, app, [{ ...dup, day: undefined }]);
  assert.equal(ans.results[0].code, 'duplicate');
  g.clock.advance(DAY);
  assert.equal(g.today(), addDays(D, 9));
  ans = await reported(g, app, [{ ...dup, day: undefined }]);
  assert.equal(ans.results[0].status, 'credited', JSON.stringify(ans.results[0]));
  await finish(g);
});

// ---- trees -------------------------------------------------------------------------------

const SITE = { name: 'Alxa planting site 1', region: 'Alxa League, Inner Mongolia', latitude: 38.8412, longitude: 105.6717 };
const photo = (s) => sha256hex(`photo ${s}`);

test('trees: a catalogue per partner, redemption from the balance, plantings first in first out, survival checks, certificates and totals', async (t) => {
  const g = await setup(t, 'trees');
  const D = g.today();
  const desert = await makeOrg(g.server, g.admin, 'desert-green', ['planter']);
  const oasis = await makeOrg(g.server, g.admin, 'oasis', ['planter']);
  const app = await makeOrg(g.server, g.admin, 'treeapp', ['app']);
  // A rule that earns a lot at once, so that users can afford trees.
  await ok(g, 'PUT', '/api/v1/green/rules/big_deed', { unit: 'deeds', grams: 100000, per: 1, daily_cap: 10000000, monthly_cap: 10000000, active: true }, g.admin);
  const u1 = await user(g), u2 = await user(g), u3 = await user(g);
  await reported(g, app, [act(u1, 'big_deed', 1, { day: addDays(D, -1) }), act(u2, 'big_deed', 1, { day: addDays(D, -1) }),
    act(u3, 'walk', 12000, { day: addDays(D, -1) })]);
  for (const u of [u1, u2, u3]) assert.equal((await call(g, 'POST', '/api/v1/green/me/collect', {}, u.key)).status, 200);

  // The catalogue.
  const saxaul = { name: 'Saxaul', name_zh: '梭梭', cost: 17900, region: 'Alxa League, Inner Mongolia', description: 'A desert shrub that holds the sand.', available: true };
  const sp = await call(g, 'PUT', '/api/v1/green/species/saxaul', saxaul, desert.token);
  assert.ok(sp.status === 200 || sp.status === 201, sp.text);
  const spEntry = await provenEntry(g, sp.json.index);
  assert.equal(spEntry.type, 'green.species');
  assert.equal(spEntry.by, 'org:desert-green');
  assert.deepEqual(spEntry.data, { id: 'saxaul', ...saxaul });
  await ok(g, 'PUT', '/api/v1/green/species/closed-pine', { name: 'Pine', cost: 500, region: 'Alxa', available: false }, desert.token);
  await ok(g, 'PUT', '/api/v1/green/species/sea-buckthorn', { name: 'Sea buckthorn', cost: 100, region: 'Ordos', available: true }, oasis.token);
  const st = await call(g, 'PUT', '/api/v1/green/sites/alxa-1', SITE, desert.token);
  assert.ok(st.status === 200 || st.status === 201, st.text);
  const stEntry = await provenEntry(g, st.json.index);
  assert.equal(stEntry.type, 'green.site');
  assert.deepEqual(stEntry.data, { id: 'alxa-1', name: SITE.name, region: SITE.region, latitude_e6: 38841200, longitude_e6: 105671700 });
  const bad = (extra) => ({ ...saxaul, ...extra });
  await refused(g, 'PUT', '/api/v1/green/species/cheap', bad({ cost: 99 }), desert.token, 400, 'invalid', /cost/);
  await refused(g, 'PUT', '/api/v1/green/species/dear', bad({ cost: 1000001 }), desert.token, 400, 'invalid', /cost/);
  await refused(g, 'PUT', '/api/v1/green/species/Bad_Id', bad(), desert.token, 400, 'invalid', /id/);
  await refused(g, 'PUT', '/api/v1/green/sites/north-pole', { ...SITE, latitude: 91 }, desert.token, 400, 'invalid', /latitude/);
  await refused(g, 'PUT', '/api/v1/green/species/x', bad(), app.token, 403, 'forbidden');
  // Another partner changes neither the species nor the site of the first.
  await refused(g, 'PUT', '/api/v1/green/species/saxaul', bad({ cost: 100 }), oasis.token, 403, 'forbidden', /desert-green/);
  await refused(g, 'PUT', '/api/v1/green/sites/alxa-1', { ...SITE, name: 'Ours now' }, oasis.token, 403, 'forbidden', /desert-green/);
  const species = (await ok(g, 'GET', '/api/v1/green/species')).items;
  const sx = species.find((s) => s.id === 'saxaul');
  assert.equal(sx.cost, 17900);
  assert.equal(sx.planter, 'desert-green');
  assert.equal(sx.name_zh, '梭梭');
  assert.deepEqual((await ok(g, 'GET', '/api/v1/green/sites')).items.map((s) => [s.id, s.planter, s.latitude, s.longitude]),
    [['alxa-1', 'desert-green', 38.8412, 105.6717]]);

  // Redeeming: the balance pays the cost; the tree is the entry's index.
  const trees = [];
  const redeem = async (u, speciesId = 'saxaul') => {
    const r = await call(g, 'POST', '/api/v1/green/me/trees', { species: speciesId }, u.key);
    assert.equal(r.status, 201, r.text);
    assert.equal(typeof r.json.tree, 'number', r.text);
    assert.equal(r.json.species, speciesId);
    assert.equal(typeof r.json.at, 'string');
    return r.json.tree;
  };
  for (const u of [u1, u2, u1, u1, u2, u1]) trees.push(await redeem(u));
  const redeemEntry = await provenEntry(g, trees[0]);
  assert.equal(redeemEntry.type, 'green.redeem');
  assert.deepEqual(redeemEntry.data, { user: u1.ref, species: 'saxaul', planter: 'desert-green', cost: 17900 });
  let m1 = await me(g, u1);
  assert.equal(m1.balance, 100000 - 4 * 17900);
  assert.equal(m1.spent, 4 * 17900);
  assert.deepEqual(m1.trees.map((x) => [x.tree, x.species, x.status]).sort((x, y) => x[0] - y[0]),
    [trees[0], trees[2], trees[3], trees[5]].map((n) => [n, 'saxaul', 'ordered']));
  const buckthorn = await redeem(u3, 'sea-buckthorn');
  assert.equal((await me(g, u3)).balance, 100);
  await refused(g, 'POST', '/api/v1/green/me/trees', { species: 'saxaul' }, u3.key, 409, 'conflict', /17900/);
  await refused(g, 'POST', '/api/v1/green/me/trees', { species: 'baobab' }, u2.key, 404, 'not-found', /baobab/);
  await refused(g, 'POST', '/api/v1/green/me/trees', { species: 'closed-pine' }, u2.key, 409, 'conflict', /not available/);
  await refused(g, 'POST', '/api/v1/green/me/trees', { species: 'saxaul' }, desert.token, 403, 'forbidden');
  // A species withdrawn takes no more orders; back again, it does.
  await ok(g, 'PUT', '/api/v1/green/species/saxaul', { ...saxaul, available: false }, desert.token);
  await refused(g, 'POST', '/api/v1/green/me/trees', { species: 'saxaul' }, u2.key, 409, 'conflict', /not available/);
  await ok(g, 'PUT', '/api/v1/green/species/saxaul', saxaul, desert.token);
  let tot = await totals(g);
  assert.deepEqual(tot.trees, { ordered: 7, planted: 0, surviving: 0 });
  assert.equal(tot.energy.spent, 6 * 17900 + 100);

  // Planting: refusals first, each writing nothing.
  const planting = (extra = {}) => ({
    site: 'alxa-1', species: 'saxaul', count: 4, date: D, latitude: 38.9, longitude: 105.7,
    photos: [photo(1), photo(2)], note: 'spring planting, first row', ...extra,
  });
  const plant = (body, token = desert.token) => call(g, 'POST', '/api/v1/green/plantings', body, token);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ count: 7 }), desert.token, 409, 'conflict', /6/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ count: 0 }), desert.token, 400, 'invalid', /count/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ count: 1001 }), desert.token, 400, 'invalid', /count/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ date: addDays(D, 1) }), desert.token, 400, 'invalid', /future/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ date: addDays(D, -1) }), desert.token, 400, 'invalid', new RegExp(`before the last of these trees was ordered \\(${D}\\)`));
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ latitude: 39.35 }), desert.token, 400, 'invalid', /56\.\d km from site "alxa-1".*50 km/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ photos: [] }), desert.token, 400, 'invalid', /photos/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ photos: Array.from({ length: 21 }, (_, i) => photo(i)) }), desert.token, 400, 'invalid', /photos/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ photos: ['not a hash'] }), desert.token, 400, 'invalid', /photos/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ photos: [photo(1).slice(0, 63)] }), desert.token, 400, 'invalid', /photos/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ site: 'nowhere' }), desert.token, 404, 'not-found', /nowhere/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting(), oasis.token, 403, 'forbidden');
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ species: 'sea-buckthorn', count: 1 }), desert.token, 403, 'forbidden', /oasis/);
  await refused(g, 'POST', '/api/v1/green/plantings', planting(), app.token, 403, 'forbidden');
  // 44 km north of the site is within 50 km: the four oldest trees, in order.
  let r = await plant(planting({ latitude: 39.24 }));
  assert.equal(r.status, 201, r.text);
  const p1 = r.json.planting;
  assert.deepEqual(r.json.trees, trees.slice(0, 4));
  const p1Entry = await provenEntry(g, p1);
  assert.equal(p1Entry.type, 'green.planting');
  assert.deepEqual(p1Entry.data, {
    site: 'alxa-1', species: 'saxaul', count: 4, date: D, latitude_e6: 39240000, longitude_e6: 105700000,
    photos: [photo(1), photo(2)], trees: trees.slice(0, 4), note: 'spring planting, first row',
  });
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ count: 3 }), desert.token, 409, 'conflict', /2/);
  r = await plant(planting({ count: 2, photos: [photo(3)], note: undefined }));
  assert.equal(r.status, 201, r.text);
  const p2 = r.json.planting;
  assert.deepEqual((await provenEntry(g, p2)).data.trees, trees.slice(4, 6));
  await refused(g, 'POST', '/api/v1/green/plantings', planting({ count: 1 }), desert.token, 409, 'conflict');
  m1 = await me(g, u1);
  assert.deepEqual(m1.trees.map((x) => [x.tree, x.status, x.planting, x.cost]).sort((x, y) => x[0] - y[0]),
    [[trees[0], 'planted', p1, 17900], [trees[2], 'planted', p1, 17900], [trees[3], 'planted', p1, 17900], [trees[5], 'planted', p2, 17900]]);
  const shown = await ok(g, 'GET', `/api/v1/green/plantings/${p2}`);
  assert.deepEqual([shown.planting, shown.planter, shown.site, shown.species, shown.count, shown.date, shown.trees],
    [p2, 'desert-green', 'alxa-1', 'saxaul', 2, D, trees.slice(4, 6)]);
  assert.equal((await call(g, 'GET', `/api/v1/green/plantings/${trees[0]}`)).status, 404);
  tot = await totals(g);
  assert.deepEqual(tot.trees, { ordered: 7, planted: 6, surviving: 0 }, 'planted trees survive only once checked');

  // Survival checks: too early, in the future, by another partner.
  const check = (n, body, token = desert.token) => call(g, 'POST', `/api/v1/green/plantings/${n}/checks`, body, token);
  const A1 = addYears(D, 1), A3 = addYears(D, 3);
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 1, date: D, alive: 4, photos: [photo(10)] }, desert.token, 409, 'conflict', new RegExp(`year-1 check of planting ${p1} is due from`));
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 1, date: A1, alive: 4, photos: [photo(10)] }, desert.token, 400, 'invalid', /future/);
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 2, date: D, alive: 4, photos: [photo(10)] }, desert.token, 400, 'invalid', /year/);
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 1, date: D, alive: 4, photos: [photo(10)] }, oasis.token, 403, 'forbidden');
  await refused(g, 'POST', `/api/v1/green/plantings/${trees[0]}/checks`, { year: 1, date: D, alive: 4, photos: [photo(10)] }, desert.token, 404, 'not-found');

  // A year later (and a few days: leap years): due from 30 days before the anniversary
  // (the exact boundary, across a 29 February, has a test of its own below).
  g.clock.advance(370 * DAY);
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 1, date: addDays(A1, -40), alive: 3, photos: [photo(11)] }, desert.token, 409, 'conflict', /is due from/);
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 1, date: addDays(A1, -30), alive: 5, photos: [photo(11)] }, desert.token, 400, 'invalid', /alive \(5\).*4 trees planted/);
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 1, date: A1, alive: 3, photos: [] }, desert.token, 400, 'invalid', /photos/);
  r = await check(p1, { year: 1, date: addDays(A1, -30), alive: 3, photos: [photo(11)] });
  assert.equal(r.status, 201, r.text);
  const c1 = r.json.index;
  assert.deepEqual((await provenEntry(g, c1)).data, { planting: p1, year: 1, date: addDays(A1, -30), alive: 3, photos: [photo(11)] });
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 1, date: A1, alive: 3, photos: [photo(12)] }, desert.token, 409, 'already-exists');
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 3, date: g.today(), alive: 3, photos: [photo(12)] }, desert.token, 409, 'conflict', /year-3 check .* is due from/);
  tot = await totals(g);
  assert.deepEqual(tot.trees, { ordered: 7, planted: 6, surviving: 3 }, 'the year-1 check of p1; p2 is unchecked');

  // Three years on: year 3 needs year 1 first, and at most its figure.
  g.clock.advance((3 * 366 + 5 - 370) * DAY);
  assert.ok(g.today() >= A3);
  await refused(g, 'POST', `/api/v1/green/plantings/${p2}/checks`, { year: 3, date: A3, alive: 2, photos: [photo(20)] }, desert.token, 409, 'conflict', /no year-1 check/);
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 3, date: A3, alive: 4, photos: [photo(21)] }, desert.token, 400, 'invalid', /alive \(4\).*3 alive at the year-1 check/);
  r = await check(p1, { year: 3, date: A3, alive: 2, photos: [photo(21), photo(22)] });
  assert.equal(r.status, 201, r.text);
  const c3 = r.json.index;
  await refused(g, 'POST', `/api/v1/green/plantings/${p1}/checks`, { year: 3, date: A3, alive: 2, photos: [photo(23)] }, desert.token, 409, 'already-exists');
  r = await check(p2, { year: 1, date: A1, alive: 2, photos: [photo(24)] });
  assert.equal(r.status, 201, r.text);

  // Totals: ordered when redeemed, planted when named by a planting, surviving as the
  // latest check of each planting says (p1: 2 at year 3; p2: 2 at year 1).
  tot = await totals(g);
  assert.deepEqual(tot.trees, { ordered: 7, planted: 6, surviving: 4 });
  const pick = (xs, keys) => xs.map((x) => Object.fromEntries(keys.map((k) => [k, x[k]])));
  assert.deepEqual(pick(tot.species, ['id', 'planter', 'ordered', 'planted', 'surviving']).sort((x, y) => x.id.localeCompare(y.id)).filter((x) => x.ordered), [
    { id: 'saxaul', planter: 'desert-green', ordered: 6, planted: 6, surviving: 4 },
    { id: 'sea-buckthorn', planter: 'oasis', ordered: 1, planted: 0, surviving: 0 },
  ]);
  assert.deepEqual(pick(tot.sites, ['id', 'planter', 'plantings', 'planted', 'surviving']), [
    { id: 'alxa-1', planter: 'desert-green', plantings: 2, planted: 6, surviving: 4 },
  ]);
  assert.deepEqual(pick(tot.partners, ['planter', 'ordered', 'planted', 'surviving']).sort((x, y) => x.planter.localeCompare(y.planter)), [
    { planter: 'desert-green', ordered: 6, planted: 6, surviving: 4 },
    { planter: 'oasis', ordered: 1, planted: 0, surviving: 0 },
  ]);

  // The certificate of u1's first tree: every entry it names is on the log, proven, and
  // says what the certificate says.
  r = await call(g, 'GET', `/api/v1/green/trees/${trees[0]}`);
  assert.equal(r.status, 200, r.text);
  const cert = r.json;
  assert.equal(cert.tree, trees[0]);
  assert.deepEqual([cert.species.id, cert.species.name, cert.species.name_zh], ['saxaul', 'Saxaul', '梭梭']);
  assert.equal(cert.planter, 'desert-green');
  assert.equal(cert.user, u1.ref);
  assert.equal(cert.cost, 17900);
  assert.equal(cert.status, 'planted');
  assert.equal(cert.redeemed.index, trees[0]);
  assert.equal(cert.planting.planting, p1);
  assert.equal(cert.planting.site, 'alxa-1');
  assert.equal(cert.planting.site_name, SITE.name);
  assert.equal(cert.planting.date, D);
  assert.deepEqual([cert.planting.latitude, cert.planting.longitude], [39.24, 105.7]);
  assert.deepEqual(cert.planting.photos, [photo(1), photo(2)]);
  assert.equal(cert.planting.surviving, 2);
  assert.deepEqual(cert.checks.map((x) => [x.index, x.year, x.date, x.alive]), [[c1, 1, addDays(A1, -30), 3], [c3, 3, A3, 2]]);
  const red = await provenEntry(g, cert.redeemed.index);
  assert.equal(red.type, 'green.redeem');
  assert.equal(red.data.user, cert.user);
  assert.equal(red.data.cost, cert.cost);
  assert.equal(red.data.planter, cert.planter);
  const pl = await provenEntry(g, cert.planting.planting);
  assert.equal(pl.type, 'green.planting');
  assert.ok(pl.data.trees.includes(trees[0]));
  assert.equal(pl.data.date, cert.planting.date);
  assert.equal(pl.data.site, cert.planting.site);
  assert.deepEqual([pl.data.latitude_e6, pl.data.longitude_e6], [cert.planting.latitude * 1e6, cert.planting.longitude * 1e6]);
  assert.deepEqual(pl.data.photos, cert.planting.photos);
  assert.equal(pl.by, 'org:desert-green');
  for (const c of cert.checks) {
    const e = await provenEntry(g, c.index);
    assert.equal(e.type, 'green.survival');
    assert.deepEqual([e.data.planting, e.data.year, e.data.date, e.data.alive], [p1, c.year, c.date, c.alive]);
  }
  // An ordered tree not planted yet has a certificate with no planting; a number that is
  // no tree is 404.
  r = await call(g, 'GET', `/api/v1/green/trees/${buckthorn}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.planting, null);
  assert.deepEqual(r.json.checks, []);
  assert.equal(r.json.status, 'ordered');
  assert.equal((await call(g, 'GET', `/api/v1/green/trees/${p1}`)).status, 404);
  assert.equal((await call(g, 'GET', '/api/v1/green/trees/abc')).status, 404);
  await finish(g);
});

// ---- sponsor pools -----------------------------------------------------------------------

test('sponsor pools turn actions and energy into donations to campaigns, and never overspend', async (t) => {
  const g = await setup(t, 'pools');
  const D = g.today();
  const hope = await makeOrg(g.server, g.admin, 'hope', ['charity']);
  const sponsor = await makeOrg(g.server, g.admin, 'metro-co', ['sponsor']);
  const rival = await makeOrg(g.server, g.admin, 'rival-co', ['sponsor']);
  const app = await makeOrg(g.server, g.admin, 'metroapp', ['app']);
  const ends = iso(g.clock.now() + 200 * 86400e3);
  for (const [id, currency] of [['school-meals', 'CNY'], ['river-cleanup', 'CNY'], ['not-pooled', 'CNY'], ['yen-fund', 'JPY']]) {
    await ok(g, 'POST', '/api/v1/campaigns', {
      id, title: `Campaign ${id}`, description: 'A campaign for the pool tests.', beneficiary: 'Hill Village School',
      category: 'education', goal: 1000000, currency, ends,
      // Open by the real clock too, on which goodtrace audit judges statuses.
      starts: iso(Date.now() - 60e3),
    }, hope.token, 201);
    await ok(g, 'POST', `/api/v1/campaigns/${id}/verify`, { status: 'verified' }, g.admin);
    assert.equal((await ok(g, 'GET', `/api/v1/campaigns/${id}`)).status, 'open');
  }
  const pool = (extra = {}) => ({
    id: 'metro-for-schools', name: 'Metro rides for schools', currency: 'CNY', budget: 35,
    campaigns: ['school-meals', 'river-cleanup'], per_action: { kinds: ['metro', 'bus'], amount: 10 },
    user_cap: 20, ends: iso(g.clock.now() + 60 * 86400e3), ...extra,
  });
  await refused(g, 'POST', '/api/v1/green/pools', pool(), hope.token, 403, 'forbidden');
  await refused(g, 'POST', '/api/v1/green/pools', pool({ budget: 0 }), sponsor.token, 400, 'invalid', /budget/);
  await refused(g, 'POST', '/api/v1/green/pools', pool({ per_energy: { grams: 100, amount: 5 } }), sponsor.token, 400, 'invalid', /per_action|per_energy/);
  await refused(g, 'POST', '/api/v1/green/pools', pool({ per_action: undefined }), sponsor.token, 400, 'invalid', /per_action|per_energy/);
  await refused(g, 'POST', '/api/v1/green/pools', pool({ per_action: { kinds: ['metro', 'skydiving'], amount: 10 } }), sponsor.token, 400, 'invalid', /per_action\.kinds\[1\]: no rule for the kind "skydiving"/);
  await refused(g, 'POST', '/api/v1/green/pools', pool({ campaigns: ['school-meals', 'yen-fund'] }), sponsor.token, 400, 'invalid', /yen-fund.*JPY/);
  let r = await call(g, 'POST', '/api/v1/green/pools', pool(), sponsor.token);
  assert.equal(r.status, 201, r.text);
  const poolEntry = await provenEntry(g, r.json.index);
  assert.equal(poolEntry.type, 'green.pool');
  assert.equal(poolEntry.by, 'org:metro-co');
  assert.equal(poolEntry.data.id, 'metro-for-schools');
  assert.deepEqual(poolEntry.data.per_action, { kinds: ['metro', 'bus'], amount: 10 });
  assert.deepEqual(poolEntry.data.campaigns, ['school-meals', 'river-cleanup']);
  await refused(g, 'POST', '/api/v1/green/pools', pool(), sponsor.token, 409, 'already-exists');
  await refused(g, 'POST', '/api/v1/green/pools', pool(), rival.token, 409, 'already-exists');

  const a = await user(g), b = await user(g), c = await user(g);
  const acts = {
    a1: act(a, 'metro', 1), a2: act(a, 'bus', 1), a3: act(a, 'metro', 1), aw: act(a, 'walk', 6000),
    b1: act(b, 'metro', 1), c1: act(c, 'bus', 1), c2: act(c, 'metro', 1),
  };
  const ans = await reported(g, app, Object.values(acts));
  assert.ok(ans.results.every((x) => x.status === 'credited'));
  const ref = Object.fromEntries(Object.entries(acts).map(([k, x]) => [k, actionRef('metroapp', x.id)]));
  const unlockPath = (id) => `/api/v1/green/pools/${id}/unlock`;
  const raised = async (id) => (await ok(g, 'GET', `/api/v1/campaigns/${id}`)).accounts.raised;

  // An unlock: a donation from the sponsor (channel "pool"), then green.unlock naming it.
  r = await call(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', action: ref.a1 }, a.key);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.amount, 10);
  const unlock = await provenEntry(g, r.json.index);
  assert.equal(unlock.type, 'green.unlock');
  assert.deepEqual(unlock.data, { pool: 'metro-for-schools', user: a.ref, campaign: 'school-meals', amount: 10, donation: unlock.data.donation, action: ref.a1 });
  assert.equal(unlock.data.donation, r.json.index - 1, 'the donation comes just before the unlock');
  const don = await provenEntry(g, unlock.data.donation);
  assert.equal(don.type, 'give.donation');
  // Made by the user's command: "user" (their id never reaches the log); from the sponsor.
  assert.equal(don.by, 'user');
  assert.equal(unlock.by, 'user');
  assert.equal(don.data.sponsor, 'org:metro-co');
  assert.equal(don.data.campaign, 'school-meals');
  assert.equal(don.data.amount, 10);
  assert.equal(don.data.channel, 'pool');
  assert.equal(don.data.pool, 'metro-for-schools');
  assert.equal(don.data.user, a.ref);
  assert.equal(don.data.action, ref.a1);
  assert.equal(await raised('school-meals'), 10);

  // Each action once per pool (another pool may take it too); only a kind the pool names;
  // only one's own actions.
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'river-cleanup', action: ref.a1 }, a.key, 409, 'already-exists', /already unlocked/);
  r = await call(g, 'POST', '/api/v1/green/pools', pool({ id: 'second', budget: 10, user_cap: undefined }), rival.token);
  assert.equal(r.status, 201, r.text);
  r = await call(g, 'POST', unlockPath('second'), { campaign: 'river-cleanup', action: ref.a1 }, a.key);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.left, 0);
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', action: ref.aw }, a.key, 409, 'conflict', /walk/);
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', action: ref.b1 }, a.key, 403, 'forbidden', /not yours/);
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', action: 'f'.repeat(24) }, a.key, 404, 'not-found');
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', grams: 100 }, a.key, 400, 'invalid', /action/);
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'not-pooled', action: ref.a2 }, a.key, 409, 'conflict', /not-pooled/);
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', action: ref.a2 }, sponsor.token, 403, 'forbidden');
  await refused(g, 'POST', unlockPath('no-such-pool'), { campaign: 'school-meals', action: ref.a2 }, a.key, 404, 'not-found');
  r = await call(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'river-cleanup', action: ref.a2 }, a.key);
  assert.equal(r.status, 201, r.text);
  // a has reached the user cap of 20.
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'river-cleanup', action: ref.a3 }, a.key, 409, 'conflict', /20/);
  r = await call(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', action: ref.b1 }, b.key);
  assert.equal(r.status, 201, r.text);
  // 30 of 35 unlocked: 5 left, less than an action's 10.
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', action: ref.c1 }, c.key, 409, 'conflict', /5/);
  let p = await ok(g, 'GET', '/api/v1/green/pools/metro-for-schools');
  assert.equal(p.budget, 35);
  assert.equal(p.unlocked, 30);
  assert.equal(p.left, 5);
  assert.deepEqual(p.campaigns, ['school-meals', 'river-cleanup']);
  assert.deepEqual(p.by_campaign.map((x) => [x.campaign, x.amount, x.unlocks]).sort(), [['river-cleanup', 10, 1], ['school-meals', 20, 2]]);
  assert.equal(await raised('school-meals'), 20);
  assert.equal(await raised('river-cleanup'), 20, 'metro-for-schools 10, second 10');

  // Closing: only by its sponsor, once; a closed pool unlocks nothing.
  await refused(g, 'POST', '/api/v1/green/pools/metro-for-schools/close', {}, rival.token, 403, 'forbidden');
  r = await call(g, 'POST', '/api/v1/green/pools/metro-for-schools/close', {}, sponsor.token);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await provenEntry(g, r.json.index)).data, { id: 'metro-for-schools' });
  await refused(g, 'POST', '/api/v1/green/pools/metro-for-schools/close', {}, sponsor.token, 409, 'conflict', /closed/);
  await refused(g, 'POST', unlockPath('metro-for-schools'), { campaign: 'school-meals', action: ref.c2 }, c.key, 409, 'conflict', /closed/);

  // per_energy: grams in multiples of the pool's, spent from the balance.
  r = await call(g, 'POST', '/api/v1/green/pools', {
    id: 'energy-for-rivers', name: 'Energy for rivers', currency: 'CNY', budget: 1000,
    campaigns: ['school-meals', 'river-cleanup'], per_energy: { grams: 100, amount: 5 }, user_cap: 15,
  }, sponsor.token);
  assert.equal(r.status, 201, r.text);
  await reported(g, app, [act(a, 'walk', 12000, { day: addDays(D, -1) }), act(b, 'walk', 18000, { day: addDays(D, -1) }),
    act(b, 'metro', 5, { day: addDays(D, -1) })]);
  for (const u of [a, b]) assert.equal((await call(g, 'POST', '/api/v1/green/me/collect', {}, u.key)).status, 200);
  assert.equal((await me(g, a)).balance, 200);
  assert.equal((await me(g, b)).balance, 556);
  await refused(g, 'POST', unlockPath('energy-for-rivers'), { campaign: 'river-cleanup', grams: 150 }, a.key, 400, 'invalid', /100/);
  await refused(g, 'POST', unlockPath('energy-for-rivers'), { campaign: 'river-cleanup', grams: 300 }, a.key, 409, 'conflict', /balance/);
  await refused(g, 'POST', unlockPath('energy-for-rivers'), { campaign: 'river-cleanup', action: ref.c2 }, a.key, 400, 'invalid', /grams/);
  r = await call(g, 'POST', unlockPath('energy-for-rivers'), { campaign: 'river-cleanup', grams: 200 }, a.key);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.amount, 10);
  const eu = await provenEntry(g, r.json.index);
  assert.deepEqual(eu.data, { pool: 'energy-for-rivers', user: a.ref, campaign: 'river-cleanup', amount: 10, donation: r.json.index - 1, grams: 200 });
  let ma = await me(g, a);
  assert.equal(ma.balance, 0);
  assert.equal(ma.spent, 200);
  // A campaign that cannot take the donation (suspended): refused, nothing spent.
  await ok(g, 'POST', '/api/v1/campaigns/school-meals/verify', { status: 'suspended' }, g.admin);
  await refused(g, 'POST', unlockPath('energy-for-rivers'), { campaign: 'school-meals', grams: 100 }, b.key, 409, 'conflict', /suspended/);
  assert.equal((await me(g, b)).balance, 556);
  await ok(g, 'POST', '/api/v1/campaigns/school-meals/verify', { status: 'verified' }, g.admin);
  r = await call(g, 'POST', unlockPath('energy-for-rivers'), { campaign: 'school-meals', grams: 200 }, b.key);
  assert.equal(r.status, 201, r.text);
  // b's cap of 15: 10 unlocked, 5 more would fit, 10 would not.
  await refused(g, 'POST', unlockPath('energy-for-rivers'), { campaign: 'school-meals', grams: 200 }, b.key, 409, 'conflict', /at most 15 per user/);
  assert.equal((await me(g, b)).balance, 356);
  assert.equal(await raised('school-meals'), 30);
  assert.equal(await raised('river-cleanup'), 30);

  // Many users at once on a pool of 50: exactly five unlocks of 10.
  r = await call(g, 'POST', '/api/v1/green/pools', pool({ id: 'race', budget: 50, user_cap: undefined, campaigns: ['river-cleanup'] }), sponsor.token);
  assert.equal(r.status, 201, r.text);
  const racers = [];
  for (let i = 0; i < 9; i++) racers.push(await user(g));
  const raceActs = racers.map((u) => act(u, 'metro', 1));
  await reported(g, app, raceActs);
  const before = await raised('river-cleanup');
  const tries = await Promise.all(racers.map((u, i) =>
    call(g, 'POST', unlockPath('race'), { campaign: 'river-cleanup', action: actionRef('metroapp', raceActs[i].id) }, u.key)));
  assert.equal(tries.filter((x) => x.status === 201).length, 5, tries.map((x) => x.status).join());
  assert.ok(tries.every((x) => x.status === 201 || (x.status === 409 && x.json.type === `${P}conflict`)), tries.map((x) => x.text).join('\n'));
  assert.equal(await raised('river-cleanup'), before + 50);
  p = await ok(g, 'GET', '/api/v1/green/pools/race');
  assert.deepEqual([p.unlocked, p.left], [50, 0]);

  // A pool that ends: nothing after its end.
  r = await call(g, 'POST', '/api/v1/green/pools', pool({ id: 'short', budget: 100, ends: iso(g.clock.now() + 2 * 86400e3) }), sponsor.token);
  assert.equal(r.status, 201, r.text);
  g.clock.advance(3 * DAY);
  await refused(g, 'POST', unlockPath('short'), { campaign: 'school-meals', action: ref.c2 }, c.key, 409, 'conflict', /ended/);
  // Only actions of the last 8 days unlock: c's ride of day D, until D+8.
  r = await call(g, 'POST', '/api/v1/green/pools', pool({ id: 'late', budget: 100, user_cap: undefined }), sponsor.token);
  assert.equal(r.status, 201, r.text);
  g.clock.advance(6 * DAY);
  assert.equal(g.today(), addDays(D, 9));
  await refused(g, 'POST', unlockPath('late'), { campaign: 'school-meals', action: ref.c2 }, c.key, 404, 'not-found', /last 8 days/);
  const fresh = act(c, 'metro', 1);
  await reported(g, app, [fresh]);
  r = await call(g, 'POST', unlockPath('late'), { campaign: 'school-meals', action: actionRef('metroapp', fresh.id) }, c.key);
  assert.equal(r.status, 201, r.text);

  // The public figures.
  const list = (await ok(g, 'GET', '/api/v1/green/pools')).items;
  assert.deepEqual(list.map((x) => [x.id, x.status]).sort(), [['energy-for-rivers', 'open'], ['late', 'open'], ['metro-for-schools', 'closed'], ['race', 'exhausted'], ['second', 'exhausted'], ['short', 'ended']]);
  const tot = await totals(g);
  const pick = (x) => ({ id: x.id, sponsor: x.sponsor, currency: x.currency, budget: x.budget, unlocked: x.unlocked, unlocks: x.unlocks });
  assert.deepEqual(tot.pools.map(pick).sort((x, y) => x.id.localeCompare(y.id)), [
    { id: 'energy-for-rivers', sponsor: 'metro-co', currency: 'CNY', budget: 1000, unlocked: 20, unlocks: 2 },
    { id: 'late', sponsor: 'metro-co', currency: 'CNY', budget: 100, unlocked: 10, unlocks: 1 },
    { id: 'metro-for-schools', sponsor: 'metro-co', currency: 'CNY', budget: 35, unlocked: 30, unlocks: 3 },
    { id: 'race', sponsor: 'metro-co', currency: 'CNY', budget: 50, unlocked: 50, unlocks: 5 },
    { id: 'second', sponsor: 'rival-co', currency: 'CNY', budget: 10, unlocked: 10, unlocks: 1 },
    { id: 'short', sponsor: 'metro-co', currency: 'CNY', budget: 100, unlocked: 0, unlocks: 0 },
  ]);
  assert.equal(tot.energy.spent, 400);
  await finish(g);
});

// ---- smaller contracts, each on its own server --------------------------------------------

test('a pool names only campaigns that exist', async (t) => {
  const g = await setup(t, 'pool-campaigns');
  const hope = await makeOrg(g.server, g.admin, 'hope', ['charity']);
  const sponsor = await makeOrg(g.server, g.admin, 'metro-co', ['sponsor']);
  await ok(g, 'POST', '/api/v1/campaigns', {
    id: 'school-meals', title: 'School meals', description: 'Lunches.', beneficiary: 'Hill Village School',
    category: 'education', goal: 100000, currency: 'CNY', ends: iso(g.clock.now() + 90 * 86400e3),
    starts: iso(Date.now() - 60e3),
  }, hope.token, 201);
  const pool = { id: 'p1', name: 'P', currency: 'CNY', budget: 100, campaigns: ['school-meals', 'nowhere'], per_energy: { grams: 100, amount: 5 } };
  await refused(g, 'POST', '/api/v1/green/pools', pool, sponsor.token, 404, 'not-found', /nowhere/);
  assert.equal((await call(g, 'GET', '/api/v1/green/pools/p1')).status, 404);
  await finish(g);
});

test('a report of anything but 1 to 256 objects is 400 and writes nothing', async (t) => {
  const g = await setup(t, 'not-objects');
  const app = await makeOrg(g.server, g.admin, 'stepapp', ['app']);
  const a = await user(g);
  await refused(g, 'POST', '/api/v1/green/actions', { actions: [1] }, app.token, 400, 'invalid', /actions/);
  await refused(g, 'POST', '/api/v1/green/actions', { actions: [act(a, 'bus', 1), 'walk'] }, app.token, 400, 'invalid', /actions/);
  await finish(g);
});

test('a malformed action is one refused result, even with a fractional quantity', async (t) => {
  const g = await setup(t, 'fraction');
  const app = await makeOrg(g.server, g.admin, 'stepapp', ['app']);
  const a = await user(g);
  const r = await report(g, app, [act(a, 'bus', 1.5), act(a, 'bus', 1)]);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.results.map((x) => x.status === 'refused' ? x.code : x.status), ['invalid', 'credited']);
  assert.match(r.json.results[0].reason, /quantity/);
  await finish(g);
});

test('collecting and replacing a key take the body {} and nothing else', async (t) => {
  const g = await setup(t, 'bodies');
  const a = await user(g);
  await refused(g, 'POST', '/api/v1/green/me/collect', { days: [g.today()] }, a.key, 400, 'invalid', /days/);
  await refused(g, 'POST', '/api/v1/green/me/key', { key: 'mine' }, a.key, 400, 'invalid', /key/);
  assert.equal((await me(g, a)).id, a.id, 'the key was not replaced');
  await finish(g);
});

test('survival checks are due from 30 days before the calendar anniversary, across a 29 February', async (t) => {
  // Start on 10 March of a year before a leap year: the first anniversary is 366 days on.
  const now = Date.now();
  let y = new Date(now + 8 * 3600e3).getUTCFullYear();
  const leap = (n) => (n % 4 === 0 && n % 100 !== 0) || n % 400 === 0;
  while (!leap(y + 1) || Date.UTC(y, 2, 10, 4) <= now) y++;
  const g = await setup(t, 'anniversary', Math.ceil((Date.UTC(y, 2, 10, 4) - now) / 1000));
  const D = g.today(), A1 = addYears(D, 1);
  assert.equal(D, `${y}-03-10`);
  const planter = await makeOrg(g.server, g.admin, 'desert-green', ['planter']);
  await ok(g, 'PUT', '/api/v1/green/species/saxaul', { name: 'Saxaul', cost: 100, region: 'Alxa', available: true }, planter.token);
  await ok(g, 'PUT', '/api/v1/green/sites/alxa-1', SITE, planter.token);
  const app = await makeOrg(g.server, g.admin, 'stepapp', ['app']);
  const u = await user(g);
  await reported(g, app, [act(u, 'walk', 12000, { day: addDays(D, -1) })]);
  assert.equal((await call(g, 'POST', '/api/v1/green/me/collect', {}, u.key)).status, 200);
  assert.equal((await call(g, 'POST', '/api/v1/green/me/trees', { species: 'saxaul' }, u.key)).status, 201);
  const r = await call(g, 'POST', '/api/v1/green/plantings', { site: 'alxa-1', species: 'saxaul', count: 1, date: D, latitude: SITE.latitude, longitude: SITE.longitude, photos: [photo(1)] }, planter.token);
  assert.equal(r.status, 201, r.text);
  const n = r.json.planting;
  g.clock.advance(370 * DAY);
  const due = addDays(A1, -30);
  await refused(g, 'POST', `/api/v1/green/plantings/${n}/checks`, { year: 1, date: addDays(A1, -31), alive: 1, photos: [photo(2)] }, planter.token, 409, 'conflict', new RegExp(`due from ${due}`));
  const c = await call(g, 'POST', `/api/v1/green/plantings/${n}/checks`, { year: 1, date: due, alive: 1, photos: [photo(2)] }, planter.token);
  assert.equal(c.status, 201, c.text);
  await finish(g);
});
