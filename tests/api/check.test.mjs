// Recalls and the public check: a regulator flags batches (by batch, product, or maker
// and date range) and lifts flags; anyone checks a scanned code and gets a status with
// inclusion proofs that an independent verifier accepts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, batch, cleanup, gtinOf, initData, leafHash, logSize, makeOrg, product, rootFromInclusion,
  run, startServer, verifyCheckpoint,
} from './helpers.mjs';

let data, server, maker, regulator, other;
const G = gtinOf(13435); // 09506000134352
const G2 = gtinOf(13436);

before(async () => {
  data = initData('check');
  server = await startServer(data);
  maker = await makeOrg(server, data.adminToken, 'rabivax', ['manufacturer']);
  regulator = await makeOrg(server, data.adminToken, 'nmpa', ['regulator']);
  other = await makeOrg(server, data.adminToken, 'cdc', ['regulator']);
  const w = async (path, body) => {
    const r = await api(server, 'POST', path, { token: maker.token, body });
    assert.equal(r.status, 201, r.text);
  };
  await w('/api/v1/products', product(G, { name: 'Rabies vaccine (Vero cell)', cn_prefix: '8612345' }));
  await w('/api/v1/products', product(G2));
  await w('/api/v1/batches', batch(G, 'ABC123', 10, { expiry: '2027-12-31' }));
  await w('/api/v1/batches', batch(G, 'OLD1', 10, { manufactured: '2023-01-10', expiry: '2025-12-31' }));
  await w('/api/v1/batches', batch(G, 'RB2', 10, { manufactured: '2026-03-01', expiry: '2028-03-01' }));
  await w('/api/v1/batches', batch(G2, 'M1', 10, { manufactured: '2026-05-01', expiry: '2028-05-01' }));
  await w('/api/v1/packs', { gtin: G, lot: 'ABC123', serials: ['0001', '0002'] });
});

after(async () => {
  assert.equal((await server.stop()).code, 0, server.stderr());
  cleanup(data);
});

const check = async (code) => {
  const r = await api(server, 'GET', `/api/v1/check?code=${encodeURIComponent(code)}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};

// Every proof of a check verifies against its signed checkpoint, independently.
function verifyProofs(c) {
  const cp = verifyCheckpoint(c.checkpoint, data.vkey);
  assert.ok(cp.ok, 'the checkpoint signature');
  assert.equal(cp.size, c.tree_size);
  assert.ok(c.proofs.length > 0);
  for (const p of c.proofs) {
    assert.ok(!p.pending, `entry ${p.index} is pending`);
    assert.deepEqual(Buffer.from(p.leaf_hash, 'base64'), leafHash(p.raw));
    const root = rootFromInclusion(p.index, c.tree_size, leafHash(p.raw), p.hashes.map((h) => Buffer.from(h, 'base64')));
    assert.ok(root && root.equals(cp.root), `entry ${p.index} is not in the checkpoint`);
    assert.equal(p.entry, undefined, 'raw alone: the entry is not sent twice');
  }
  return c.proofs.map((p) => JSON.parse(p.raw).type);
}

test('a registered, unexpired, unrecalled pack is ok, in every code form', async () => {
  const forms = [
    `(01)${G}(17)271231(10)ABC123(21)0001`,
    `]d201${G}1727123110ABC123\u001d210001`,
    `01${G}17271231^10ABC123^210001`,
    `https://id.example.org/01/${G}/10/ABC123/21/0001?17=271231`,
  ];
  for (const code of forms) {
    const c = await check(code);
    assert.equal(c.status, 'ok', `${code}: ${c.reason}`);
    assert.equal(c.product.gtin, G);
    assert.equal(c.product.name, 'Rabies vaccine (Vero cell)');
    assert.deepEqual(c.maker, { id: 'rabivax', name: 'Org rabivax' });
    assert.equal(c.batch.lot, 'ABC123');
    assert.equal(c.batch.expiry, '2027-12-31');
    assert.deepEqual(c.pack, { serial: '0001', lot: 'ABC123', state: null });
    assert.deepEqual(verifyProofs(c).sort(), ['trace.batch', 'trace.packs', 'trace.product']);
  }
});

test('unknown: never registered, a wrong lot, serial or expiry (possible counterfeits)', async () => {
  const cases = [
    [`(01)${gtinOf(99)}(10)X`, /no product with GTIN/],
    [`(01)${G}(10)NOPE`, /lot NOPE was never registered/],
    [`(01)${G}(10)ABC123(21)0099`, /serial 0099 was never registered in lot ABC123/],
    [`(01)${G}(10)RB2(21)0001`, /serial 0001 belongs to lot ABC123, not RB2/],
    [`(01)${G}(17)291231(10)ABC123`, /expires 2029-12-31 but the batch expires 2027-12-31/],
    [`(01)${G}`, /has no lot/],
  ];
  for (const [code, why] of cases) {
    const c = await check(code);
    assert.equal(c.status, 'unknown', code);
    assert.match(c.reason, why);
  }
});

test('expired batches say so', async () => {
  const c = await check(`(01)${G}(10)OLD1`);
  assert.equal(c.status, 'expired');
  verifyProofs(c);
});

test('proofs are the same when asked again, and follow the log as it grows', async () => {
  const code = `(01)${G}(10)ABC123(21)0003`;
  const a = await check(code);
  const b = await check(code); // proofs of the same tree size, kept from the first
  assert.equal(b.tree_size, a.tree_size);
  assert.deepEqual(b.proofs, a.proofs);
  verifyProofs(b);
  // A new entry: the next answer is proved against the larger tree.
  const size = await logSize(server);
  const r = await api(server, 'POST', '/api/v1/products', { token: maker.token,
    body: { gtin: gtinOf(13499), name: 'Another vaccine', form: 'injection', kind: 'vaccine' } });
  assert.equal(r.status, 201, r.text);
  let c;
  for (let i = 0; i < 100; i++) {
    c = await check(code);
    if (c.tree_size > size) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.ok(c.tree_size > a.tree_size, 'the log grew');
  assert.notDeepEqual(c.proofs.map((p) => p.hashes), a.proofs.map((p) => p.hashes));
  verifyProofs(c);
});

test('a batch recall flags only that batch; lifting it restores ok', async () => {
  const size = await logSize(server);
  const r = await api(server, 'POST', '/api/v1/recalls', { token: regulator.token,
    body: { scope: 'batch', gtin: G, lot: 'ABC123', class: 1, reason: 'potency below specification' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.batches, 1);
  assert.equal(r.json.recall, size);
  const c = await check(`(01)${G}(10)ABC123(21)0002`);
  assert.equal(c.status, 'recalled');
  assert.equal(c.recall.class, 1);
  assert.equal(c.recall.reason, 'potency below specification');
  assert.ok(verifyProofs(c).includes('trace.recall'));
  assert.equal((await check(`(01)${G}(10)RB2`)).status, 'ok');
  // Only the regulator that made it lifts it, once.
  let l = await api(server, 'POST', `/api/v1/recalls/${r.json.recall}/lift`, { token: other.token, body: {} });
  assert.equal(l.status, 403, l.text);
  l = await api(server, 'POST', `/api/v1/recalls/${r.json.recall}/lift`, { token: regulator.token, body: { reason: 'retested: within specification' } });
  assert.equal(l.status, 200, l.text);
  l = await api(server, 'POST', `/api/v1/recalls/${r.json.recall}/lift`, { token: regulator.token, body: {} });
  assert.equal(l.status, 409, l.text);
  assert.equal((await check(`(01)${G}(10)ABC123(21)0002`)).status, 'ok');
  const g = await api(server, 'GET', `/api/v1/recalls/${r.json.recall}`);
  assert.equal(g.json.lift_reason, 'retested: within specification');
  assert.ok(g.json.lifted_at);
});

test('product and maker-and-date-range recalls; the most serious class wins', async () => {
  let r = await api(server, 'POST', '/api/v1/recalls', { token: regulator.token,
    body: { scope: 'product', gtin: G2, class: 3, reason: 'label misprint' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.batches, 1);
  let c = await check(`(01)${G2}(10)M1`);
  assert.equal(c.status, 'recalled');
  assert.equal(c.recall.class, 3);
  r = await api(server, 'POST', '/api/v1/recalls', { token: other.token,
    body: { scope: 'maker', maker: 'rabivax', manufactured_from: '2026-02-01', manufactured_to: '2026-06-30', class: 2, reason: 'cold chain breach at the plant' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.batches, 2, 'RB2 and M1 were made in that range');
  c = await check(`(01)${G2}(10)M1`);
  assert.equal(c.recall.class, 2);
  assert.equal(c.recalls.length, 2);
  assert.equal((await check(`(01)${G}(10)RB2`)).status, 'recalled');
  assert.equal((await check(`(01)${G}(10)ABC123`)).status, 'ok', 'made before the range');
  const list = await api(server, 'GET', '/api/v1/recalls?limit=2');
  assert.equal(list.json.recalls.length, 2);
  assert.equal(list.json.recalls[0].scope, 'maker');
});

test('recall input is checked and refusals write nothing', async () => {
  const bad = [
    [{ scope: 'batch', gtin: G, lot: 'NOPE', class: 1, reason: 'x' }, 404, /no batch NOPE/],
    [{ scope: 'product', gtin: gtinOf(5), class: 1, reason: 'x' }, 404, /no product/],
    [{ scope: 'maker', maker: 'nobody', manufactured_from: '2026-01-01', manufactured_to: '2026-02-01', class: 1, reason: 'x' }, 404, /no organisation/],
    [{ scope: 'batch', gtin: G, lot: 'ABC123', class: 4, reason: 'x' }, 400, /class/],
    [{ scope: 'everything', class: 1, reason: 'x' }, 400, /scope must be/],
    [{ scope: 'product', gtin: G, lot: 'ABC123', class: 1, reason: 'x' }, 400, /lot is not part of a product recall/],
    [{ scope: 'maker', maker: 'rabivax', manufactured_from: '2026-03-01', manufactured_to: '2026-01-01', class: 1, reason: 'x' }, 400, /is after/],
    [{ scope: 'batch', gtin: G, lot: 'ABC123', class: 1, reason: 'x', effective: 'soon' }, 400, /effective must be a time/],
  ];
  for (const [body, status, why] of bad) {
    const size = await logSize(server);
    const r = await api(server, 'POST', '/api/v1/recalls', { token: regulator.token, body });
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.match(r.json.detail, why);
    assert.equal(await logSize(server), size);
  }
  const r = await api(server, 'POST', '/api/v1/recalls', { token: maker.token, body: { scope: 'product', gtin: G, class: 1, reason: 'x' } });
  assert.equal(r.status, 403);
  assert.match(r.json.detail, /regulator/);
});

test('a recall that takes effect later does not flag yet', async () => {
  const r = await api(server, 'POST', '/api/v1/recalls', { token: regulator.token,
    body: { scope: 'batch', gtin: G, lot: 'ABC123', class: 2, reason: 'planned withdrawal', effective: '2099-01-01T00:00:00Z' } });
  assert.equal(r.status, 201, r.text);
  const c = await check(`(01)${G}(10)ABC123`);
  assert.equal(c.status, 'ok');
  assert.ok(c.recalls.some((x) => x.effective === '2099-01-01T00:00:00.000Z'));
});

test('malformed codes are 400 with the parser\'s precise message', async () => {
  let r = await api(server, 'GET', '/api/v1/check?code=garbage');
  assert.equal(r.status, 400);
  assert.equal(r.json.type, 'urn:goodtrace:problem:invalid-code');
  assert.match(r.json.detail, /position 1/);
  r = await api(server, 'GET', '/api/v1/check');
  assert.equal(r.status, 400);
  r = await api(server, 'GET', `/api/v1/check?code=${encodeURIComponent('(00)106141411234567897')}`);
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /no GTIN/);
});

test('a 20-digit Chinese drug code finds its product by its 7-digit code', async () => {
  const c = await check('86123450000000011234');
  assert.equal(c.product.gtin, G);
  assert.equal(c.status, 'unknown', 'its serial was never registered as a pack');
});

test('goodtrace check asks the server and verifies the proofs itself', () => {
  const ok = run(['check', '--server', server.url, '--vkey', data.vkey, `(01)${G}(10)ABC123(21)0001`]);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.match(ok.stdout, /^OK\n/);
  assert.match(ok.stdout, /product {2}Rabies vaccine \(Vero cell\) \(vaccine\), GTIN 09506000134352, by Org rabivax \(rabivax\)/);
  assert.match(ok.stdout, /proofs {3}\d entries verified against the signed checkpoint of size \d+\n$/);
  const recalled = run(['check', '--server', server.url, `(01)${G2}(10)M1`]);
  assert.equal(recalled.code, 1, recalled.stderr);
  assert.match(recalled.stdout, /^RECALLED \(class 2\): cold chain breach at the plant\n/);
  assert.match(recalled.stdout, /with the key the server publishes; pin it with --vkey/);
  const json = run(['check', '--server', server.url, '--json', `(01)${G}(10)OLD1`]);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stdout).status, 'expired');
  // A key that is not the log's: nothing is believed.
  const other = initData('check-otherkey');
  const wrong = run(['check', '--server', server.url, '--vkey', other.vkey, `(01)${G}(10)ABC123`]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stdout, /^NOT VERIFIED: the checkpoint does not verify with the log's key/);
  cleanup(other);
  const bad = run(['check', '--server', server.url, '(01)0950600013435']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /AI \(01\) at position 5/);
  const down = run(['check', '--server', 'http://127.0.0.1:9', `(01)${G}(10)ABC123`]);
  assert.equal(down.code, 2);
  assert.match(down.stderr, /cannot fetch/);
});
