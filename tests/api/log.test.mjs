// The log over HTTP: static files with their headers, the signed checkpoint, and the
// proof endpoints checked against an independent verifier.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  api, cleanup, initData, leafHash, logSize, makeOrg, rootFromInclusion, sha256hex,
  startServer, verifyCheckpoint, verifyConsistency,
} from './helpers.mjs';

let data, server, org;
const checkpoints = []; // signed checkpoints seen at growing sizes

const b64 = (s) => Buffer.from(s, 'base64');

before(async () => {
  data = initData('log');
  server = await startServer(data);
  org = await makeOrg(server, data.adminToken, 'pub', ['publisher']);
  // Grow the log past a full tile (256 entries) in uneven batches, keeping checkpoints.
  let n = 0;
  for (const size of [1, 5, 60, 200, 300]) {
    const items = Array.from({ length: size }, () => ({ sha256: sha256hex(`e${n++}`), kind: 'report' }));
    const r = await api(server, 'POST', '/api/v1/attestations/batch', { token: org.token, body: { items } });
    assert.equal(r.status, 201, r.text);
    checkpoints.push(await (await fetch(server.url + '/log/checkpoint')).text());
  }
});

after(async () => {
  assert.equal((await server.stop()).code, 0, server.stderr());
  cleanup(data);
});

test('/log/checkpoint is signed by the log key, short-cached, text/plain', async () => {
  const r = await fetch(server.url + '/log/checkpoint');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  assert.match(r.headers.get('cache-control'), /max-age=\d+/);
  assert.doesNotMatch(r.headers.get('cache-control'), /immutable/);
  const cp = verifyCheckpoint(await r.text(), data.vkey);
  assert.ok(cp.ok, 'the checkpoint signature does not verify');
  assert.equal(cp.origin, 'goodtrace.test/log');
  assert.equal(cp.size, await logSize(server));
});

test('/log/vkey is the verifier key init printed', async () => {
  const r = await fetch(server.url + '/log/vkey');
  assert.equal(r.status, 200);
  assert.equal((await r.text()).trim(), data.vkey);
});

test('full tiles and bundles are immutable, partial ones short-cached, all octet-stream', async () => {
  let r = await fetch(server.url + '/log/tile/0/000');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/octet-stream');
  assert.match(r.headers.get('cache-control'), /immutable/);
  assert.equal((await r.arrayBuffer()).byteLength, 256 * 32);
  r = await fetch(server.url + '/log/tile/entries/000');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('cache-control'), /immutable/);
  const size = await logSize(server);
  const full = Math.floor(size / 256), width = size % 256;
  assert.ok(full >= 2 && width > 0, `the test wants a partial tile, size ${size}`);
  r = await fetch(server.url + `/log/tile/0/${String(full).padStart(3, '0')}.p/${width}`);
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.headers.get('cache-control'), /immutable/);
  assert.equal((await r.arrayBuffer()).byteLength, width * 32);
});

test('paths outside the log are not served', async () => {
  for (const p of ['/log/../log.key', '/log/tile/0/../../../log.key', '/log/log.state/lock', '/log/tile/0/1', '/log/%2e%2e/log.key']) {
    const r = await fetch(server.url + p);
    assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
    assert.doesNotMatch(await r.text(), /PRIVATE\+KEY/);
  }
});

test('inclusion proofs verify against the signed root, for entries across tiles', async () => {
  const cp = verifyCheckpoint(await (await fetch(server.url + '/log/checkpoint')).text(), data.vkey);
  for (const index of [0, 1, 2, 100, 255, 256, 257, cp.size - 1]) {
    const r = await api(server, 'GET', `/api/v1/log/proof?index=${index}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.index, index);
    assert.equal(r.json.tree_size, cp.size);
    const e = await api(server, 'GET', `/api/v1/log/entries/${index}`);
    const leaf = leafHash(e.json.raw);
    assert.deepEqual(b64(r.json.leaf_hash), leaf, 'leaf hash');
    const root = rootFromInclusion(index, cp.size, leaf, r.json.hashes.map(b64));
    assert.ok(root && root.equals(cp.root), `entry ${index}: the proof does not lead to the signed root`);
  }
});

test('inclusion proofs for an older tree size verify against that checkpoint', async () => {
  const old = verifyCheckpoint(checkpoints[2], data.vkey);
  const r = await api(server, 'GET', `/api/v1/log/proof?index=3&tree_size=${old.size}`);
  assert.equal(r.status, 200, r.text);
  const root = rootFromInclusion(3, old.size, b64(r.json.leaf_hash), r.json.hashes.map(b64));
  assert.ok(root.equals(old.root));
});

test('consistency proofs between every pair of seen checkpoints verify', async () => {
  for (let i = 0; i < checkpoints.length; i++) {
    for (let j = i; j < checkpoints.length; j++) {
      const a = verifyCheckpoint(checkpoints[i], data.vkey), b = verifyCheckpoint(checkpoints[j], data.vkey);
      const r = await api(server, 'GET', `/api/v1/log/consistency?from=${a.size}&to=${b.size}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.json.from, r.json.to], [a.size, b.size]);
      assert.ok(verifyConsistency(a.size, b.size, a.root, b.root, r.json.hashes.map(b64)), `${a.size} -> ${b.size}`);
    }
  }
});

test('a tampered proof fails the independent verifier (the test can fail)', async () => {
  const cp = verifyCheckpoint(await (await fetch(server.url + '/log/checkpoint')).text(), data.vkey);
  const r = await api(server, 'GET', `/api/v1/log/proof?index=5`);
  const hashes = r.json.hashes.map(b64);
  hashes[1][0] ^= 1;
  const root = rootFromInclusion(5, cp.size, b64(r.json.leaf_hash), hashes);
  assert.ok(!root || !root.equals(cp.root));
});

test('an entry with its proof and checkpoint, all consistent', async () => {
  const r = await api(server, 'GET', '/api/v1/log/entries/0');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.json.raw), r.json.entry);
  assert.equal(r.json.entry.v, 1);
  assert.equal(r.json.entry.type, 'auth.org');
  assert.equal(r.json.entry.by, 'system');
  assert.match(r.json.entry.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const cp = verifyCheckpoint(r.json.checkpoint, data.vkey);
  assert.ok(cp.ok);
  assert.equal(cp.size, r.json.tree_size);
  const root = rootFromInclusion(0, cp.size, leafHash(r.json.raw), r.json.hashes.map(b64));
  assert.ok(root.equals(cp.root));
});

test('entries are canonical JSON: sorted keys, no whitespace', async () => {
  const r = await api(server, 'GET', '/api/v1/log/entries/3');
  const sortKeys = (v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v);
  assert.equal(r.json.raw, JSON.stringify(sortKeys(JSON.parse(r.json.raw))));
});

test('out of range: 404 for an entry, 400 for proofs', async () => {
  const size = await logSize(server);
  assert.equal((await api(server, 'GET', `/api/v1/log/entries/${size}`)).status, 404);
  let r = await api(server, 'GET', `/api/v1/log/proof?index=${size}`);
  assert.equal(r.status, 400);
  assert.equal(r.json.type, 'urn:goodtrace:problem:out-of-range');
  r = await api(server, 'GET', `/api/v1/log/consistency?from=${size + 1}`);
  assert.equal(r.status, 400);
});

test('latest entries, newest first, paged', async () => {
  const size = await logSize(server);
  const r = await api(server, 'GET', '/api/v1/log/entries?limit=5');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.entries.map((e) => e.index), [size - 1, size - 2, size - 3, size - 4, size - 5]);
  assert.equal(r.json.entries[0].type, 'org.attest');
  assert.equal(r.json.entries[0].by, 'org:pub');
  const next = await api(server, 'GET', `/api/v1/log/entries?limit=5&before=${r.json.next_before}`);
  assert.equal(next.json.entries[0].index, size - 6);
});

test('attestations can be looked up by hash and by organisation', async () => {
  const h = sha256hex('e10');
  const r = await api(server, 'GET', `/api/v1/attestations?sha256=${h}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.attestations.length, 1);
  assert.equal(r.json.attestations[0].org, 'pub');
  assert.equal(r.json.attestations[0].sha256, h);
});

test('under concurrent writes every answered entry is durable, then published', async () => {
  // Writes arriving together are sequenced together: each is durable when answered
  // and in a signed checkpoint once the writes pause (a 25th of the interval, here
  // 200 ms) or the interval passes. Meanwhile its route says 503 not-yet-published
  // and the latest entries stop at the published checkpoint.
  const d = initData('log-burst');
  const srv = await startServer(d, ['--checkpoint-interval', '5000']);
  try {
    const o = await makeOrg(srv, d.adminToken, 'burst', ['publisher']);
    const before = await logSize(srv);
    const answers = await Promise.all(Array.from({ length: 64 }, (_, k) => api(srv, 'POST',
      '/api/v1/attestations', { token: o.token, body: { sha256: sha256hex(`burst ${k}`), kind: 'burst' } })));
    const indexes = answers.map((r) => { assert.equal(r.status, 201, r.text); return r.json.index; });
    assert.deepEqual([...indexes].sort((x, y) => x - y), Array.from({ length: 64 }, (_, k) => before + k));
    const last = before + 63;
    const early = await api(srv, 'GET', `/api/v1/log/entries/${last}`);
    assert.equal(early.status, 503, early.text);
    assert.equal(early.json.type, 'urn:goodtrace:problem:not-yet-published');
    assert.equal(early.headers.get('retry-after'), '1');
    assert.match(early.json.detail, /entry \d+ is durable but not yet in a published checkpoint/);
    const published = await logSize(srv);
    assert.ok(published <= last, `published ${published}`);
    const list = await api(srv, 'GET', '/api/v1/log/entries?limit=1');
    assert.equal(list.json.entries[0].index, published - 1, 'the list stops at the checkpoint');
    let metrics = await (await fetch(srv.url + '/metrics')).text();
    assert.match(metrics, new RegExp(`^goodtrace_log_sequenced ${last + 1}$`, 'm'));
    // Published once the writes have paused.
    let size = published;
    for (let i = 0; i < 300 && size <= last; i++) {
      await new Promise((r) => setTimeout(r, 20));
      size = await logSize(srv);
    }
    assert.equal(size, last + 1);
    for (const [k, i] of indexes.entries()) {
      const r = await api(srv, 'GET', `/api/v1/log/entries/${i}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.entry.data.sha256, sha256hex(`burst ${k}`));
    }
    metrics = await (await fetch(srv.url + '/metrics')).text();
    assert.match(metrics, /^goodtrace_ledger_integrations_total [1-9]\d*$/m);
    assert.match(metrics, /^goodtrace_ledger_integrate_seconds_total [0-9.]+$/m);
  } finally {
    assert.equal((await srv.stop()).code, 0, srv.stderr());
    cleanup(d);
  }
});

test('stopping the server publishes what was only durable', async () => {
  const d = initData('log-stop');
  let srv = await startServer(d, ['--checkpoint-interval', '60000']);
  const o = await makeOrg(srv, d.adminToken, 'stop', ['publisher']);
  const answers = await Promise.all(Array.from({ length: 32 }, (_, k) => api(srv, 'POST',
    '/api/v1/attestations', { token: o.token, body: { sha256: sha256hex(`stop ${k}`), kind: 'stop' } })));
  const last = Math.max(...answers.map((r) => { assert.equal(r.status, 201, r.text); return r.json.index; }));
  assert.ok(await logSize(srv) <= last, 'not yet published');
  assert.equal((await srv.stop()).code, 0, srv.stderr());
  const cp = readFileSync(join(d.dir, 'log', 'checkpoint'), 'utf8');
  assert.equal(Number(cp.split('\n')[1]), last + 1, 'SIGTERM published every acknowledged write');
  srv = await startServer(d);
  assert.equal((await api(srv, 'GET', `/api/v1/log/entries/${last}`)).status, 200);
  assert.equal((await srv.stop()).code, 0, srv.stderr());
  cleanup(d);
});
