// Operating the service: /healthz, /metrics, graceful shutdown under load, restart,
// rebuild from the log (compared by dumps), and the OpenAPI description kept in step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  allEntries, api, assertNoPersonalData, cleanup, initData, logSize, makeOrg, personalValue,
  repo, run, sha256hex, startServer,
} from './helpers.mjs';

let data, server, org;

before(async () => {
  data = initData('ops');
  server = await startServer(data);
  org = await makeOrg(server, data.adminToken, 'pub', ['publisher'], 'publisher', {
    contact: { email: personalValue('press@pub.example'), phone: personalValue('+86 10 5555 0101') },
  });
});

after(async () => {
  if (server) await server.stop();
  cleanup(data);
});

test('/healthz says ok with the log size and the applied count', async () => {
  const r = await api(server, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.log_size, await logSize(server));
  assert.equal(r.json.applied, r.json.log_size);
});

test('/metrics has requests by route and status, latency, log size, batches, sync time', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await api(server, 'POST', '/api/v1/attestations', { token: org.token, body: { sha256: sha256hex(`m${i}`), kind: 'report' } });
    assert.equal(r.status, 201);
  }
  await api(server, 'GET', '/api/v1/orgs/nobody');
  const r = await fetch(server.url + '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const text = await r.text();
  const value = (re) => {
    const m = text.match(re);
    assert.ok(m, `metrics lack ${re}`);
    return Number(m[1]);
  };
  assert.ok(value(/^goodtrace_http_requests_total\{route="POST \/api\/v1\/attestations",status="201"\} (\d+)$/m) >= 5);
  assert.ok(value(/^goodtrace_http_requests_total\{route="GET \/api\/v1\/orgs\/\{id\}",status="404"\} (\d+)$/m) >= 1);
  assert.ok(value(/^goodtrace_http_request_duration_seconds_count\{route="POST \/api\/v1\/attestations"\} (\d+)$/m) >= 5);
  assert.match(text, /^goodtrace_http_request_duration_seconds_bucket\{route="POST \/api\/v1\/attestations",le="\+Inf"\} \d+$/m);
  assert.equal(value(/^goodtrace_log_size (\d+)$/m), await logSize(server));
  assert.ok(value(/^goodtrace_ledger_batch_size_count (\d+)$/m) >= 1);
  assert.ok(value(/^goodtrace_ledger_sync_seconds_total ([0-9.e+-]+)$/m) > 0);
  assert.ok(value(/^goodtrace_ledger_rejected_total (\d+)$/m) >= 0);
});

test('SIGTERM with writes in flight: every acknowledged write is in the log, exit 0', async () => {
  const acked = [];
  let stop = false;
  const writers = Array.from({ length: 16 }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      const sha = sha256hex(`shutdown ${w} ${i}`);
      let r;
      try {
        r = await api(server, 'POST', '/api/v1/attestations', { token: org.token, body: { sha256: sha, kind: 'report' } });
      } catch { return; } // the connection was closed by the stopping server
      if (r.status === 201) acked.push({ index: r.json.index, sha });
      else if (r.status !== 503) assert.fail(`unexpected ${r.status} ${r.text}`);
      else return;
    }
  });
  await new Promise((res) => setTimeout(res, 500));
  const st = await server.stop();
  stop = true;
  await Promise.all(writers);
  assert.equal(st.code, 0, server.stderr());
  assert.ok(acked.length > 0, 'no write was acknowledged before the stop');
  server = await startServer(data);
  for (const a of acked) {
    const r = await api(server, 'GET', `/api/v1/log/entries/${a.index}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.entry.data.sha256, a.sha, `acknowledged entry ${a.index} differs`);
  }
});

test('rebuild from the log alone gives a store that dumps exactly as before', async () => {
  const size = await logSize(server);
  assert.equal((await server.stop()).code, 0);
  server = undefined;
  const before = run(['store', 'dump', '--data', data.dir, '--private']);
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /private_tokens/);
  const r = run(['rebuild', '--data', data.dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /identical/);
  const after = run(['store', 'dump', '--data', data.dir, '--private']);
  assert.equal(after.stdout, before.stdout);
  // Without the old store at all: the projection comes back from the log alone.
  const pub = run(['store', 'dump', '--data', data.dir]).stdout;
  for (const f of ['store.db', 'store.db-wal', 'store.db-shm']) rmSync(join(data.dir, f), { force: true });
  assert.equal(run(['rebuild', '--data', data.dir]).code, 0);
  assert.equal(run(['store', 'dump', '--data', data.dir]).stdout, pub);
  // Tokens are private (not on the log): the admin token must be made again.
  const tok = run(['token', 'create', '--data', data.dir, '--org', 'operator', '--role', 'admin']);
  assert.equal(tok.code, 0, tok.stderr);
  server = await startServer(data);
  assert.equal(await logSize(server), size);
  const who = await api(server, 'GET', '/api/v1/whoami', { token: tok.stdout.trim() });
  assert.equal(who.status, 200);
  assertNoPersonalData(await allEntries(server));
});

test('rebuild refuses while the server runs, and changes nothing', async () => {
  const r = run(['rebuild', '--data', data.dir]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /in use|running/);
  assert.ok(existsSync(join(data.dir, 'store.db')));
});

test('a store that lags the log is caught up at start (replay)', async () => {
  // As after a crash between the log append and the store commit, in the extreme: an
  // empty store. Starting the server replays every entry into it.
  assert.equal((await server.stop()).code, 0);
  const before = run(['store', 'dump', '--data', data.dir]).stdout;
  for (const f of ['store.db', 'store.db-wal', 'store.db-shm']) rmSync(join(data.dir, f), { force: true });
  server = await startServer(data);
  assert.equal((await server.stop()).code, 0);
  const after = run(['store', 'dump', '--data', data.dir]).stdout;
  assert.ok(after.length > 100);
  assert.equal(after, before);
  server = await startServer(data);
});

test('docs/openapi.yaml describes exactly the routes the server has', () => {
  const routes = run(['routes']).stdout.trim().split('\n').map((l) => l.trim()).filter(Boolean).sort();
  assert.ok(routes.length >= 15, `too few routes: ${routes}`);
  const yaml = readFileSync(join(repo, 'docs', 'openapi.yaml'), 'utf8');
  const documented = [];
  let path = null;
  let inPaths = false;
  for (const line of yaml.split('\n')) {
    if (/^paths:\s*$/.test(line)) { inPaths = true; continue; }
    if (inPaths && /^\S/.test(line)) inPaths = false;
    if (!inPaths) continue;
    let m = line.match(/^ {2}(\/\S*):\s*$/);
    if (m) { path = m[1].replace(/^'|'$/g, ''); continue; }
    m = line.match(/^ {4}(get|post|put|patch|delete|head):\s*$/);
    if (m && path) documented.push(`${m[1].toUpperCase()} ${path}`);
  }
  assert.deepEqual(documented.sort(), routes);
});

test('the privacy check itself catches a personal field and a personal value', async () => {
  const { assertNoPersonalData: check, personalValue: mark } = await import('./helpers.mjs');
  mark('wang.fang@example.org');
  assert.throws(() => check(['{"data":{"email":"x@y.z"},"type":"t","v":1}']), /personal field "email"/);
  assert.throws(() => check(['{"data":{"note":"mail Wang.Fang@example.org"},"type":"t","v":1}']), /personal value/);
  assert.doesNotThrow(() => check(['{"data":{"contact_ref":"contact:00"},"type":"t","v":1}']));
});

test('a request whose client goes away mid-upload counts as 499 in /metrics', async () => {
  const { connect } = await import('node:net');
  const metric = /^goodtrace_http_requests_total\{route="POST \/api\/v1\/attestations",status="499"\} (\d+)$/m;
  const count = async () => Number(((await (await fetch(server.url + '/metrics')).text()).match(metric) || [0, 0])[1]);
  const before = await count();
  const { port } = new URL(server.url);
  // (The store was rebuilt from the log above: tokens, being private, were made anew.)
  const tok = run(['token', 'create', '--data', data.dir, '--org', 'pub', '--role', 'publisher']);
  assert.equal(tok.code, 0, tok.stderr);
  await new Promise((res, rej) => {
    const s = connect(Number(port), '127.0.0.1', () => {
      s.write(`POST /api/v1/attestations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tok.stdout.trim()}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sha256":');
      setTimeout(() => { s.destroy(); res(); }, 100);
    });
    s.on('error', rej);
  });
  let after = before;
  for (let i = 0; i < 50 && after === before; i++) {
    await new Promise((res) => setTimeout(res, 20));
    after = await count();
  }
  assert.equal(after, before + 1);
});
