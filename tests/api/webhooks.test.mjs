// Webhooks for recall notices: holders register them (the signing secret is shown
// once), list and delete them; the server POSTs each notice of the holder's to each of
// its webhooks, signed, one at a time in id order, retrying with backoff and giving a
// notice up after the last attempt. A receiver on 127.0.0.1 checks what arrives
// exactly as a real one would (HMAC-SHA256 with node:crypto).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import {
  api, batch, cleanup, gtinOf, initData, logSize, makeOrg, product, startServer,
} from './helpers.mjs';

const RETRY_MS = 50;
const ATTEMPTS = 3;
const G1 = gtinOf(31001);
const G2 = gtinOf(31002);
const G3 = gtinOf(31003);

let data, server, receiver, base, maker, reg, distA, distOther, distFlaky, distDown;
const post = (path, token, body) => api(server, 'POST', path, { token, body });

// The receiver: every request by path, with its raw body and arrival time; each path
// answers with the statuses queued for it (then 200).
const got = new Map();
const answers = new Map();
function received(path) {
  if (!got.has(path)) got.set(path, []);
  return got.get(path);
}

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Verify a delivery as a receiver would: the signature over "<t>.<raw body>" with the
// secret, compared in constant time, and a timestamp within five minutes.
function verifySignature(req, secret) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(req.headers['goodtrace-signature'] || '');
  assert.ok(m, `a signature header: ${req.headers['goodtrace-signature']}`);
  const expected = createHmac('sha256', secret).update(`${m[1]}.${req.raw}`).digest();
  assert.ok(timingSafeEqual(expected, Buffer.from(m[2], 'hex')), 'the signature verifies');
  assert.ok(Math.abs(Date.now() / 1000 - Number(m[1])) < 300, 'a fresh timestamp');
  const wrong = createHmac('sha256', 'whsec_wrong').update(`${m[1]}.${req.raw}`).digest();
  assert.ok(!timingSafeEqual(wrong, Buffer.from(m[2], 'hex')), 'another key does not verify');
}

async function hooks(org) {
  const r = await api(server, 'GET', '/api/v1/webhooks', { token: org.token });
  assert.equal(r.status, 200, r.text);
  return r.json.webhooks;
}

async function register(org, path) {
  const r = await post('/api/v1/webhooks', org.token, { url: `${base}${path}` });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function recall(gtin, lot) {
  const r = await post('/api/v1/recalls', reg.token, { scope: 'batch', gtin, lot, class: 2, reason: `lot ${lot}: sterility not assured` });
  assert.equal(r.status, 201, r.text);
  return r.json.recall;
}

// The notice an organisation has of a recall.
async function noticeOf(org, recallId) {
  const r = await api(server, 'GET', '/api/v1/notifications', { token: org.token });
  assert.equal(r.status, 200, r.text);
  const n = r.json.notifications.filter((x) => x.recall === recallId);
  assert.equal(n.length, 1, r.text);
  return n[0];
}

before(async () => {
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received(req.url).push({ headers: req.headers, method: req.method, raw: Buffer.concat(chunks).toString('utf8'), t: performance.now() });
      const q = answers.get(req.url) || [];
      const status = q.length ? q.shift() : 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'thanks' : 'not now');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${receiver.address().port}`;

  data = initData('webhooks');
  server = await startServer(data, ['--webhook-retry-ms', String(RETRY_MS), '--webhook-attempts', String(ATTEMPTS)]);
  const admin = data.adminToken;
  maker = await makeOrg(server, admin, 'wh-maker', ['manufacturer']);
  reg = await makeOrg(server, admin, 'wh-regulator', ['regulator']);
  distA = await makeOrg(server, admin, 'wh-dist-a', ['distributor']);
  distOther = await makeOrg(server, admin, 'wh-dist-other', ['distributor']);
  distFlaky = await makeOrg(server, admin, 'wh-dist-flaky', ['distributor']);
  distDown = await makeOrg(server, admin, 'wh-dist-down', ['distributor']);
  for (const g of [G1, G2, G3]) assert.equal((await post('/api/v1/products', maker.token, product(g))).status, 201);
  const ship = [[G1, 'A1', 'wh-dist-a'], [G1, 'A2', 'wh-dist-a'], [G1, 'B1', 'wh-dist-other'], [G2, 'F1', 'wh-dist-flaky'], [G3, 'D1', 'wh-dist-down']];
  for (const [gtin, lot, to] of ship) {
    let r = await post('/api/v1/batches', maker.token, batch(gtin, lot, 100));
    assert.equal(r.status, 201, r.text);
    r = await post('/api/v1/custody/ship', maker.token, { gtin, lot, quantity: 10, to });
    assert.equal(r.status, 201, r.text);
  }
});

after(async () => {
  assert.equal((await server.stop()).code, 0, server.stderr());
  await new Promise((r) => receiver.close(r));
  cleanup(data);
});

test('register: 201 with the secret once; the list never shows it; delete', async () => {
  const size = await logSize(server);
  const w = await register(distOther, '/other');
  assert.match(w.id, /^wh_[0-9a-f]{16}$/);
  assert.match(w.secret, /^whsec_[0-9a-f]{64}$/);
  assert.equal(w.url, `${base}/other`);
  const r = await api(server, 'GET', '/api/v1/webhooks', { token: distOther.token });
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.text.includes(w.secret), 'the secret is shown once');
  assert.equal(r.json.webhooks.length, 1);
  const l = r.json.webhooks[0];
  assert.equal(l.id, w.id);
  assert.equal(l.url, w.url);
  assert.equal(l.secret, undefined);
  assert.equal(l.delivered_through, 0);
  assert.equal(l.delivered, 0);
  assert.equal(l.failures, 0);
  assert.equal(l.last_status, null);
  assert.equal(await logSize(server), size, 'webhooks are private: nothing on the log');

  const x = await register(distOther, '/other-2');
  let d = await api(server, 'DELETE', `/api/v1/webhooks/${x.id}`, { token: distA.token });
  assert.equal(d.status, 404, 'another organisation cannot delete it');
  d = await api(server, 'DELETE', `/api/v1/webhooks/${x.id}`, { token: distOther.token });
  assert.equal(d.status, 200, d.text);
  d = await api(server, 'DELETE', `/api/v1/webhooks/${x.id}`, { token: distOther.token });
  assert.equal(d.status, 404, d.text);
  assert.deepEqual((await hooks(distOther)).map((h) => h.id), [w.id]);
});

test('limits: urls are checked, five per organisation; roles', async () => {
  const org = await makeOrg(server, data.adminToken, 'wh-limits', ['clinic']);
  for (const body of [{}, { url: '' }, { url: 'ftp://example.org/x' }, { url: 'example.org/hook' },
    { url: 'http://example.org/a b' }, { url: `https://example.org/${'x'.repeat(600)}` },
    { url: 'https://example.org/', secret: 'mine' }, { url: 42 }]) {
    const r = await post('/api/v1/webhooks', org.token, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
  }
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await register(org, `/limits-${i}`)).id);
  const r = await post('/api/v1/webhooks', org.token, { url: `${base}/limits-6` });
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.detail, /5 webhooks/);
  assert.equal((await hooks(org)).length, 5);
  for (const id of ids) assert.equal((await api(server, 'DELETE', `/api/v1/webhooks/${id}`, { token: org.token })).status, 200);

  assert.equal((await post('/api/v1/webhooks', reg.token, { url: `${base}/reg` })).status, 403, 'a regulator holds nothing');
  assert.equal((await api(server, 'GET', '/api/v1/webhooks', { token: reg.token })).status, 403);
  assert.equal((await api(server, 'POST', '/api/v1/webhooks', { body: { url: `${base}/anon` } })).status, 401);
  assert.equal((await api(server, 'GET', '/api/v1/webhooks')).status, 401);
});

test('a recall reaches the holder\'s webhook, signed, in id order; never another org\'s', async () => {
  const w = await register(distA, '/a');
  const first = await recall(G1, 'A1');
  const n1 = await noticeOf(distA, first);
  const req = await until('the delivery', () => received('/a')[0]);
  assert.equal(req.method, 'POST');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.match(req.headers['user-agent'], /^goodtrace-webhook\/\d+\.\d+\.\d+$/);
  assert.equal(req.headers['goodtrace-webhook'], w.id);
  assert.equal(req.headers['goodtrace-delivery'], `${w.id}-${n1.id}`);
  verifySignature(req, w.secret);
  const body = JSON.parse(req.raw);
  assert.deepEqual(Object.keys(body), ['type', 'webhook', 'delivery', 'notification']);
  assert.equal(body.type, 'recall.notice');
  assert.equal(body.webhook, w.id);
  assert.equal(body.delivery, `${w.id}-${n1.id}`);
  assert.deepEqual(body.notification, n1, 'the notice as GET /api/v1/notifications shows it');
  assert.equal(body.notification.holder, 'wh-dist-a');
  assert.equal(body.notification.lot, 'A1');
  assert.equal(body.notification.recall_detail.reason, 'lot A1: sterility not assured');

  let l = await until('the delivery recorded', async () => (await hooks(distA)).find((h) => h.delivered === 1));
  assert.equal(l.delivered_through, n1.id);
  assert.equal(l.failures, 0);
  assert.equal(l.last_status, 200);
  assert.equal(l.last_error, null);
  assert.match(l.last_at, /^\d{4}-\d\d-\d\dT/);

  const second = await recall(G1, 'A2');
  const n2 = await noticeOf(distA, second);
  assert.ok(n2.id > n1.id);
  const req2 = await until('the second delivery', () => received('/a')[1]);
  assert.equal(JSON.parse(req2.raw).notification.id, n2.id);
  verifySignature(req2, w.secret);
  l = await until('the second delivery recorded', async () => (await hooks(distA)).find((h) => h.delivered === 2));
  assert.equal(l.delivered_through, n2.id);

  await new Promise((r) => setTimeout(r, 300));
  assert.equal(received('/a').length, 2, 'each notice once');
  assert.equal(received('/other').length, 0, 'the other organisation\'s webhook never hears of it');
  assert.equal(received('/other-2').length, 0);
  assert.equal((await hooks(distOther))[0].delivered_through, 0);
});

test('retries with backoff: 500 twice, then 200', async () => {
  const w = await register(distFlaky, '/flaky');
  answers.set('/flaky', [500, 500]);
  const id = await recall(G2, 'F1');
  const n = await noticeOf(distFlaky, id);
  const l = await until('the delivery after two failures', async () => (await hooks(distFlaky)).find((h) => h.delivered === 1));
  assert.equal(l.delivered_through, n.id);
  assert.equal(l.failures, 2);
  assert.equal(l.last_status, 200);
  const reqs = received('/flaky');
  assert.equal(reqs.length, 3);
  for (const r of reqs) {
    assert.equal(r.headers['goodtrace-delivery'], `${w.id}-${n.id}`, 'the same delivery each time');
    verifySignature(r, w.secret);
  }
  assert.ok(reqs[1].t - reqs[0].t >= RETRY_MS - 5, `waited ${reqs[1].t - reqs[0].t} ms, not ${RETRY_MS}`);
  assert.ok(reqs[2].t - reqs[1].t >= 2 * RETRY_MS - 5, `waited ${reqs[2].t - reqs[1].t} ms, not ${2 * RETRY_MS}`);
});

test('after the last attempt the notice is given up (and stays readable)', async () => {
  await register(distDown, '/down');
  answers.set('/down', Array(100).fill(500));
  const id = await recall(G3, 'D1');
  const n = await noticeOf(distDown, id);
  const l = await until('giving up', async () => (await hooks(distDown)).find((h) => h.delivered_through === n.id));
  assert.equal(l.delivered, 0);
  assert.equal(l.failures, ATTEMPTS);
  assert.equal(l.last_status, 500);
  assert.equal(l.last_error, `gave up after ${ATTEMPTS} attempts: HTTP 500`);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(received('/down').length, ATTEMPTS, 'no attempt after giving up');
  assert.equal((await noticeOf(distDown, id)).acknowledged, null, 'still at GET /api/v1/notifications');
});

test('an address that does not answer counts as a failure with a reason', async () => {
  const org = await makeOrg(server, data.adminToken, 'wh-dist-gone', ['distributor']);
  let r = await post('/api/v1/batches', maker.token, batch(G3, 'G1', 100));
  assert.equal(r.status, 201, r.text);
  r = await post('/api/v1/custody/ship', maker.token, { gtin: G3, lot: 'G1', quantity: 1, to: org.id });
  assert.equal(r.status, 201, r.text);
  // A port that was free a moment ago: connections are refused.
  const probe = createServer();
  await new Promise((res) => probe.listen(0, '127.0.0.1', res));
  const port = probe.address().port;
  await new Promise((res) => probe.close(res));
  r = await post('/api/v1/webhooks', org.token, { url: `http://127.0.0.1:${port}/hook` });
  assert.equal(r.status, 201, r.text);
  await recall(G3, 'G1');
  const l = await until('giving up', async () => (await hooks(org)).find((h) => h.delivered_through > 0));
  assert.equal(l.failures, ATTEMPTS);
  assert.equal(l.last_status, 0, 'no status without an answer');
  assert.match(l.last_error, new RegExp(`^gave up after ${ATTEMPTS} attempts: .*(onnect|refused)`));
});

test('a receiver that never answers holds up no other webhook; the server stops promptly in a retry wait and with a request in flight', async (t) => {
  const d2 = initData('webhooks-stop');
  const s2 = await startServer(d2, ['--webhook-retry-ms', '3600000']);
  const hanging = [];
  const slow = createServer((req) => { hanging.push(req); }); // never answers
  await new Promise((r) => slow.listen(0, '127.0.0.1', r));
  try {
    const p = (path, token, body) => api(s2, 'POST', path, { token, body });
    const mk = await makeOrg(s2, d2.adminToken, 'stop-maker', ['manufacturer']);
    const rg = await makeOrg(s2, d2.adminToken, 'stop-reg', ['regulator']);
    const waiting = await makeOrg(s2, d2.adminToken, 'stop-waiting', ['distributor']);
    const stuck = await makeOrg(s2, d2.adminToken, 'stop-stuck', ['distributor']);
    assert.equal((await p('/api/v1/products', mk.token, product(G1))).status, 201);
    assert.equal((await p('/api/v1/batches', mk.token, batch(G1, 'S1', 100))).status, 201);
    for (const to of [waiting.id, stuck.id]) assert.equal((await p('/api/v1/custody/ship', mk.token, { gtin: G1, lot: 'S1', quantity: 1, to })).status, 201);
    answers.set('/stop-waiting', Array(10).fill(503));
    assert.equal((await p('/api/v1/webhooks', waiting.token, { url: `${base}/stop-waiting` })).status, 201);
    assert.equal((await p('/api/v1/webhooks', stuck.token, { url: `http://127.0.0.1:${slow.address().port}/` })).status, 201);
    assert.equal((await p('/api/v1/recalls', rg.token, { scope: 'batch', gtin: G1, lot: 'S1', class: 1, reason: 'stop test' })).status, 201);
    // Well within the 10 s a request may take: the hanging one holds up nothing.
    await until('the first attempts', async () => hanging.length === 1 && received('/stop-waiting').length === 1, 5000);
    await until('the failure recorded', async () => {
      const r = await api(s2, 'GET', '/api/v1/webhooks', { token: waiting.token });
      return r.json.webhooks[0].failures === 1;
    }, 5000);
    const t0 = performance.now();
    assert.equal((await s2.stop()).code, 0, s2.stderr());
    const ms = performance.now() - t0;
    t.diagnostic(`stopped in ${Math.round(ms)} ms`);
    assert.ok(ms < 2500, `stopping took ${Math.round(ms)} ms`);
  } finally {
    await s2.kill();
    for (const req of hanging) req.socket.destroy();
    await new Promise((r) => slow.close(r));
    cleanup(d2);
  }
});
