// Traceability: products, batches and serialised packs. A maker registers only its own;
// GTINs, lots and serials are never reused; every refusal writes nothing; anyone reads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, batch, cleanup, gtinOf, initData, logSize, makeOrg, product, run, startServer,
} from './helpers.mjs';

let data, server, maker, other;

before(async () => {
  data = initData('trace');
  server = await startServer(data);
  maker = await makeOrg(server, data.adminToken, 'rabivax', ['manufacturer']);
  other = await makeOrg(server, data.adminToken, 'othervax', ['manufacturer']);
});

after(async () => {
  assert.equal((await server.stop()).code, 0, server.stderr());
  // The store equals a rebuild from the log alone.
  const r = run(['rebuild', '--data', data.dir]);
  assert.equal(r.code, 0, `rebuild differed: ${r.stdout}${r.stderr}`);
  cleanup(data);
});

const post = (path, body, token = maker.token) => api(server, 'POST', path, { token, body });

// A refusal with status and problem type, and the log does not move.
async function refused(path, body, status, type, detail, token = maker.token) {
  const size = await logSize(server);
  const r = await post(path, body, token);
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.type, `urn:goodtrace:problem:${type}`);
  if (detail) assert.match(r.json.detail, detail);
  assert.equal(await logSize(server), size, 'a refusal moved the log');
  return r;
}

test('a product is registered once, by its maker, and read by anyone', async () => {
  const gtin = gtinOf(13435);
  const r = await post('/api/v1/products', product(gtin, { name: 'Rabies vaccine (Vero cell)', cn_prefix: '8612345' }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.gtin, gtin);
  assert.ok(Number.isInteger(r.json.index));
  const g = await api(server, 'GET', `/api/v1/products/${gtin}`);
  assert.equal(g.status, 200);
  assert.deepEqual({ ...g.json, index: 0, at: '' }, {
    gtin, maker: 'rabivax', name: 'Rabies vaccine (Vero cell)', form: 'injection', kind: 'vaccine',
    cn_prefix: '8612345', index: 0, at: '',
  });
  const e = await api(server, 'GET', `/api/v1/log/entries/${r.json.index}`);
  assert.equal(e.json.entry.type, 'trace.product');
  assert.equal(e.json.entry.by, 'org:rabivax');
  await refused('/api/v1/products', product(gtin), 409, 'already-exists', /already registered \(by rabivax\)/, other.token);
  await refused('/api/v1/products', product(gtinOf(13436), { cn_prefix: '8612345' }), 409, 'already-exists', /cn_prefix 8612345 already belongs/);
});

test('product input is checked precisely', async () => {
  const bad = gtinOf(777).slice(0, 13) + String((Number(gtinOf(777)[13]) + 1) % 10);
  await refused('/api/v1/products', product(bad), 400, 'invalid', /check digit should be/);
  await refused('/api/v1/products', product('0950600000001'), 400, 'invalid', /gtin/);
  await refused('/api/v1/products', product(gtinOf(778), { kind: 'herb' }), 400, 'invalid', /vaccine.*medicine/);
  await refused('/api/v1/products', product(gtinOf(779), { cn_prefix: '12345' }), 400, 'invalid', /cn_prefix/);
  await refused('/api/v1/products', product(gtinOf(780), { name: 'a\u0001b' }), 400, 'invalid', /control characters/);
  await refused('/api/v1/products', product(gtinOf(781), { colour: 'red' }), 400, 'invalid', /colour/);
});

test('batches: only of the maker\'s own products, lots never reused, dates checked', async () => {
  const gtin = gtinOf(2001);
  assert.equal((await post('/api/v1/products', product(gtin))).status, 201);
  const r = await post('/api/v1/batches', batch(gtin, 'RB2026-01', 3));
  assert.equal(r.status, 201, r.text);
  await refused('/api/v1/batches', batch(gtin, 'RB2026-01', 5), 409, 'already-exists', /never reused/);
  await refused('/api/v1/batches', batch(gtin, 'X1'), 403, 'forbidden', /registered by rabivax/, other.token);
  await refused('/api/v1/batches', batch(gtinOf(2002), 'X1'), 404, 'not-found', /no product/);
  await refused('/api/v1/batches', batch(gtin, 'X2', 1, { expiry: '2025-01-01' }), 400, 'invalid', /expiry .* must come after/);
  await refused('/api/v1/batches', batch(gtin, 'X3', 1, { manufactured: '2026-02-30' }), 400, 'invalid', /manufactured must be a date/);
  await refused('/api/v1/batches', batch(gtin, 'bad lot', 1), 400, 'invalid', /lot must be 1 to 20 characters of the GS1 set/);
  await refused('/api/v1/batches', batch(gtin, 'X4', 0), 400, 'invalid', /quantity/);
  const g = await api(server, 'GET', `/api/v1/batches?gtin=${gtin}&lot=RB2026-01`);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.quantity, 3);
  assert.equal(g.json.packs, 0);
  assert.equal(g.json.maker, 'rabivax');
  assert.equal((await api(server, 'GET', `/api/v1/batches?gtin=${gtin}&lot=nope`)).status, 404);
  // A lot with GS1 punctuation round-trips through the query string.
  assert.equal((await post('/api/v1/batches', batch(gtin, 'A/B%C?1', 2))).status, 201);
  const p = await api(server, 'GET', `/api/v1/batches?gtin=${gtin}&lot=${encodeURIComponent('A/B%C?1')}`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.lot, 'A/B%C?1');
});

test('packs: serials never reused, never more than the batch quantity, all or nothing', async () => {
  const gtin = gtinOf(3001);
  assert.equal((await post('/api/v1/products', product(gtin))).status, 201);
  assert.equal((await post('/api/v1/batches', batch(gtin, 'L1', 3))).status, 201);
  assert.equal((await post('/api/v1/batches', batch(gtin, 'L2', 10))).status, 201);
  const r = await post('/api/v1/packs', { gtin, lot: 'L1', serials: ['0001', '0002'] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.count, 2);
  await refused('/api/v1/packs', { gtin, lot: 'L1', serials: ['0003', '0004'] }, 409, 'conflict', /quantity of 3 and 2 packs/);
  await refused('/api/v1/packs', { gtin, lot: 'L2', serials: ['0009', '0001'] }, 409, 'already-exists', /serials\[1\]: serial 0001 of \d+ is already registered \(batch L1\)/);
  await refused('/api/v1/packs', { gtin, lot: 'L2', serials: ['0010', '0010'] }, 400, 'invalid', /serials\[1\] repeats serials\[0\]/);
  await refused('/api/v1/packs', { gtin, lot: 'L9', serials: ['0011'] }, 404, 'not-found', /no batch L9/);
  await refused('/api/v1/packs', { gtin, lot: 'L2', serials: [] }, 400, 'invalid', /serials/);
  await refused('/api/v1/packs', { gtin, lot: 'L2', serials: Array.from({ length: 1001 }, (_, i) => `s${i}`) }, 400, 'batch-too-large', /1001 .*1000/);
  await refused('/api/v1/packs', { gtin, lot: 'L2', serials: ['0012'] }, 403, 'forbidden', /registered by rabivax/, other.token);
  const p = await api(server, 'GET', `/api/v1/packs?gtin=${gtin}&serial=0002`);
  assert.equal(p.status, 200, p.text);
  assert.deepEqual({ ...p.json, index: 0 }, { gtin, serial: '0002', lot: 'L1', index: 0 });
  assert.equal((await api(server, 'GET', `/api/v1/packs?gtin=${gtin}&serial=0003`)).status, 404);
  assert.equal((await api(server, 'GET', `/api/v1/batches?gtin=${gtin}&lot=L1`)).json.packs, 2);
  // A thousand serials in one request: one entry.
  const big = Array.from({ length: 1000 }, (_, i) => `B${String(i).padStart(4, '0')}`);
  assert.equal((await post('/api/v1/batches', batch(gtin, 'BIG', 1000))).status, 201);
  const size = await logSize(server);
  assert.equal((await post('/api/v1/packs', { gtin, lot: 'BIG', serials: big })).status, 201);
  assert.equal(await logSize(server), size + 1);
});

test('lists page by key; products by maker', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await post('/api/v1/products', product(gtinOf(4000 + i)), other.token)).status, 201);
  const seen = [];
  let after = '';
  for (;;) {
    const r = await api(server, 'GET', `/api/v1/products?maker=othervax&limit=2${after ? `&after=${after}` : ''}`);
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.products.map((p) => p.gtin));
    if (r.json.next_after === null) break;
    after = r.json.next_after;
  }
  assert.deepEqual(seen, Array.from({ length: 5 }, (_, i) => gtinOf(4000 + i)));
  const gtin = gtinOf(4000);
  for (const lot of ['C', 'A', 'B']) assert.equal((await post('/api/v1/batches', batch(gtin, lot), other.token)).status, 201);
  const b = await api(server, 'GET', `/api/v1/batches?gtin=${gtin}&limit=2`);
  assert.deepEqual(b.json.batches.map((x) => x.lot), ['A', 'B']);
  assert.equal(b.json.next_after, 'B');
  assert.equal((await api(server, 'GET', '/api/v1/batches')).status, 400);
  assert.equal((await api(server, 'GET', '/api/v1/products/123')).status, 404);
  assert.equal((await api(server, 'GET', `/api/v1/products/${gtinOf(9999)}`)).status, 404);
});
