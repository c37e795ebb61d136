// Malformed and oversized input: each gets a clear 4xx problem and writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, cleanup, initData, logSize, makeOrg, sha256hex, startServer } from './helpers.mjs';

let data, server, org;

before(async () => {
  data = initData('limits');
  server = await startServer(data);
  org = await makeOrg(server, data.adminToken, 'pub', ['publisher']);
});

after(async () => {
  assert.equal((await server.stop()).code, 0, server.stderr());
  cleanup(data);
});

// Send body to path as org; expect status and problem type; the log must not move.
async function refused(path, body, status, type, { headers = {}, method = 'POST', detail } = {}) {
  const size = await logSize(server);
  const r = await api(server, method, path, { token: org.token, body, headers });
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/);
  assert.equal(r.json.type, `urn:goodtrace:problem:${type}`);
  if (detail) assert.match(r.json.detail, detail);
  assert.equal(await logSize(server), size, 'a refused request moved the log');
  return r;
}

const good = { sha256: sha256hex('x'), kind: 'report' };

test('malformed JSON: 400 invalid-json with its position', async () => {
  await refused('/api/v1/attestations', '{"sha256": "ab",', 400, 'invalid-json', { detail: /line 1, column/ });
});
test('trailing garbage after the JSON value: 400 invalid-json', async () => {
  await refused('/api/v1/attestations', JSON.stringify(good) + ' x', 400, 'invalid-json');
});
test('a duplicate key: 400 invalid-json', async () => {
  await refused('/api/v1/attestations', `{"kind":"a","kind":"b","sha256":"${good.sha256}"}`, 400, 'invalid-json');
});
test('a body that is not an object: 400', async () => {
  await refused('/api/v1/attestations', '[1,2]', 400, 'invalid');
});
test('a real number: 400 (integers only)', async () => {
  await refused('/api/v1/attestations', { ...good, extra: 1.5 }, 400, 'invalid', { detail: /integer/ });
});
test('an unknown field: 400 naming it', async () => {
  await refused('/api/v1/attestations', { ...good, colour: 'red' }, 400, 'invalid', { detail: /colour/ });
});
test('a missing field: 400 naming it', async () => {
  await refused('/api/v1/attestations', { kind: 'report' }, 400, 'invalid', { detail: /sha256/ });
});
test('a wrong content type: 415', async () => {
  await refused('/api/v1/attestations', JSON.stringify(good), 415, 'unsupported-media-type', { headers: { 'content-type': 'text/plain' } });
});
test('a body over the limit: 413 body-too-large', async () => {
  const big = JSON.stringify({ ...good, title: 'x'.repeat(2 * 1024 * 1024) });
  await refused('/api/v1/attestations', big, 413, 'body-too-large');
});
test('JSON nested too deep: 400 json-too-deep', async () => {
  const deep = '{"a":'.repeat(40) + '1' + '}'.repeat(40);
  await refused('/api/v1/attestations', deep, 400, 'json-too-deep');
});
test('a string over the limit: 400 string-too-long', async () => {
  await refused('/api/v1/attestations', { ...good, title: 'y'.repeat(10000) }, 400, 'string-too-long');
});
test('a title over its field limit: 400 invalid', async () => {
  await refused('/api/v1/attestations', { ...good, title: 'z'.repeat(201) }, 400, 'invalid', { detail: /title/ });
});
test('control characters in a text: 400', async () => {
  await refused('/api/v1/attestations', { ...good, title: 'a\u0007b' }, 400, 'invalid', { detail: /control/ });
});
test('a batch over the limit: 400 batch-too-large', async () => {
  const items = Array.from({ length: 1001 }, (_, i) => ({ sha256: sha256hex(`b${i}`), kind: 'report' }));
  await refused('/api/v1/attestations/batch', { items }, 400, 'batch-too-large');
});
test('a batch with one bad item writes nothing and names the item', async () => {
  const items = Array.from({ length: 10 }, (_, i) => ({ sha256: sha256hex(`c${i}`), kind: 'report' }));
  items[7].sha256 = 'nothex';
  await refused('/api/v1/attestations/batch', { items }, 400, 'invalid', { detail: /items\[7\]/ });
});
test('a page over the limit: 400 page-too-large', async () => {
  const r = await api(server, 'GET', '/api/v1/orgs?limit=100000');
  assert.equal(r.status, 400);
  assert.equal(r.json.type, 'urn:goodtrace:problem:page-too-large');
});
test('a bad integer parameter: 400 invalid-parameter naming it', async () => {
  const r = await api(server, 'GET', '/api/v1/log/proof?index=abc');
  assert.equal(r.status, 400);
  assert.equal(r.json.type, 'urn:goodtrace:problem:invalid-parameter');
  assert.match(r.json.detail, /index/);
});
test('an unknown route: 404; a wrong method: 405 with Allow', async () => {
  let r = await api(server, 'GET', '/api/v1/nothing-here');
  assert.equal(r.status, 404);
  assert.equal(r.json.type, 'urn:goodtrace:problem:not-found');
  r = await api(server, 'PUT', '/api/v1/orgs', { token: org.token, body: {} });
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow'), /POST/);
});
test('the allowed request after all those refusals works and moves the log by one', async () => {
  const size = await logSize(server);
  const r = await api(server, 'POST', '/api/v1/attestations', { token: org.token, body: good });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.index, size);
  assert.equal(await logSize(server), size + 1);
});
test('a body far over the limit on any route ends the connection', async () => {
  const size = await logSize(server);
  await assert.rejects(fetch(server.url + `/api/v1/tokens/${'0'.repeat(16)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${org.token}`, 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(12 * 1024 * 1024, 120),
  }));
  assert.equal(await logSize(server), size);
  // The server is fine afterwards.
  assert.equal((await api(server, 'GET', '/healthz')).status, 200);
});

test('connections from one address over --max-per-ip are refused, the others served', async () => {
  const { connect } = await import('node:net');
  const { initData: init, startServer: start, cleanup: clean } = await import('./helpers.mjs');
  const d = init('perip');
  const s = await start(d, ['--max-per-ip', '3']);
  const { port } = new URL(s.url);
  // Send one request on a new connection; resolve with the status line, or null if closed.
  const ask = (sock) => new Promise((res) => {
    let got = '';
    sock.on('data', (b) => { got += b; if (got.includes('\r\n')) res(got.split('\r\n')[0]); });
    sock.on('close', () => res(got ? got.split('\r\n')[0] : null));
    sock.on('error', () => {});
    sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  });
  const open = () => new Promise((res) => { const c = connect(Number(port), '127.0.0.1', () => res(c)); });
  const held = [await open(), await open(), await open()];
  for (const c of held) assert.match(await ask(c), /^HTTP\/1\.1 200/);
  const extra = await open();
  assert.equal(await ask(extra), null, 'the fourth connection is closed unanswered');
  held[0].destroy();
  await new Promise((r) => setTimeout(r, 100));
  const again = await open();
  assert.match(await ask(again), /^HTTP\/1\.1 200/, 'a slot freed is usable again');
  for (const c of [...held, extra, again]) c.destroy();
  assert.equal((await s.stop()).code, 0);
  clean(d);
});
