// Custody and recalls as the supply chain lives them: a maker ships to a provincial
// CDC, which ships packs (loose and on a pallet) to clinics; a clinic administers
// one and destroys another; a regulator recalls the batch and every holder, and only
// the holders, is told; holders acknowledge and the regulator sees who has not.
// The public check follows: already_dispensed, suspect, the trail, and proofs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, batch, cleanup, gtinOf, initData, logSize, makeOrg, product, rootFromInclusion, leafHash, run, startServer,
} from './helpers.mjs';

let data, server, maker, cdc, clinic, clinic2, far, reg;
const gtin = gtinOf(24680);
const lot = 'L2026-01';
const serials = ['S001', 'S002', 'S003', 'S004', 'S/005'];
const code = (serial, l = lot) => `(01)${gtin}(17)280109(10)${l}(21)${serial}`;
const post = (path, token, body) => api(server, 'POST', path, { token, body });
const check = async (c, headers = {}) => {
  const r = await api(server, 'GET', `/api/v1/check?code=${encodeURIComponent(c)}`, { headers });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

before(async () => {
  data = initData('custody');
  server = await startServer(data, ['--trust-forwarded', '--suspect-places', '3']);
  const admin = data.adminToken;
  maker = await makeOrg(server, admin, 'rabies-maker', ['manufacturer']);
  cdc = await makeOrg(server, admin, 'province-cdc', ['distributor']);
  clinic = await makeOrg(server, admin, 'county-clinic', ['clinic']);
  clinic2 = await makeOrg(server, admin, 'river-clinic', ['clinic']);
  far = await makeOrg(server, admin, 'far-clinic', ['clinic']);
  reg = await makeOrg(server, admin, 'nmpa-demo', ['regulator']);
  let r = await post('/api/v1/products', maker.token, product(gtin));
  assert.equal(r.status, 201, r.text);
  r = await post('/api/v1/batches', maker.token, batch(gtin, lot, 1000));
  assert.equal(r.status, 201, r.text);
  r = await post('/api/v1/batches', maker.token, batch(gtin, 'L2026-02', 1000));
  assert.equal(r.status, 201, r.text);
  r = await post('/api/v1/packs', maker.token, { gtin, lot, serials });
  assert.equal(r.status, 201, r.text);
});

after(async () => {
  assert.equal((await server.stop()).code, 0, server.stderr());
  const r = run(['rebuild', '--data', data.dir]);
  assert.equal(r.code, 0, `rebuild differed: ${r.stdout}${r.stderr}`);
  cleanup(data);
});

test('plain custody routes make EPCIS events, checked precisely', async () => {
  let r = await post('/api/v1/custody/ship', maker.token, { gtin, lot, quantity: 500, to: 'province-cdc' });
  assert.equal(r.status, 201, r.text);
  const ev = await api(server, 'GET', `/epcis/events/${encodeURIComponent(r.json.eventID)}`);
  assert.equal(ev.status, 200, ev.text);
  assert.equal(ev.json.bizStep, 'shipping');
  assert.equal(ev.json.disposition, 'in_transit');
  assert.deepEqual(ev.json.quantityList, [{ epcClass: `https://id.gs1.org/01/${gtin}/10/${lot}`, quantity: 500 }]);
  assert.deepEqual(ev.json.destinationList, [{ type: 'owning_party', destination: 'urn:goodtrace:org:province-cdc' }]);
  assert.deepEqual(ev.json.sourceList, [{ type: 'owning_party', source: 'urn:goodtrace:org:rabies-maker' }]);
  r = await post('/api/v1/custody/receive', cdc.token, { gtin, lot, quantity: 500, from: 'rabies-maker' });
  assert.equal(r.status, 201, r.text);
  const before = await logSize(server);
  for (const [path, body, status, re] of [
    ['ship', { gtin, lot, quantity: 5 }, 400, /to is required/],
    ['ship', { gtin, lot, quantity: 5, to: 'nobody' }, 404, /no organisation "nobody"/],
    ['ship', { gtin, lot }, 400, /quantity is required/],
    ['ship', { gtin, serials: [], to: 'county-clinic' }, 400, /serials must be a list/],
    ['ship', { gtin, lot, quantity: 5, to: 'county-clinic', from: 'x' }, 400, /from is not a field of ship/],
    ['administer', { gtin: '123', serials: ['S001'] }, 400, /gtin is required/],
    ['teleport', { gtin, lot, quantity: 1 }, 404, /no custody action teleport/],
    ['ship', { gtin, lot, quantity: 5, to: 'county-clinic', time: 'noon' }, 400, /eventTime/],
  ]) {
    r = await post(`/api/v1/custody/${path}`, cdc.token, body);
    assert.equal(r.status, status, `${path} ${JSON.stringify(body)}: ${r.text}`);
    assert.match(r.json.detail, re);
  }
  r = await post('/api/v1/custody/ship', reg.token, { gtin, lot, quantity: 1, to: 'county-clinic' });
  assert.equal(r.status, 403, r.text);
  assert.equal(await logSize(server), before);
});

test('packs shipped loose and on a pallet reach their holders', async () => {
  let r = await post('/api/v1/custody/ship', cdc.token, { gtin, serials: ['S001', 'S002', 'S/005'], to: 'county-clinic' });
  assert.equal(r.status, 201, r.text);
  // A pallet (SSCC) packed with S003 and S004, then shipped as a whole.
  const sscc = 'urn:epc:id:sscc:9506000.0000000042';
  const packs = ['S003', 'S004'].map((s) => `https://id.gs1.org/01/${gtin}/21/${s}`);
  r = await api(server, 'POST', '/epcis/capture', {
    token: cdc.token,
    body: {
      type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-23T08:00:00Z',
      epcisBody: {
        eventList: [
          { type: 'AggregationEvent', action: 'ADD', eventTime: '2026-11-21T08:00:00Z', eventTimeZoneOffset: '+08:00', parentID: sscc, childEPCs: packs, bizStep: 'packing' },
          {
            type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-11-21T09:00:00Z', eventTimeZoneOffset: '+08:00', epcList: [sscc], bizStep: 'shipping',
            disposition: 'in_transit', destinationList: [{ type: 'possessing_party', destination: 'urn:goodtrace:org:river-clinic' }],
          },
        ],
      },
    },
  });
  assert.equal(r.status, 202, r.text);
  // S003's trail shows the maker's shipment of the lot, the packing and the pallet's shipment.
  const c = await check(code('S003'));
  assert.equal(c.status, 'ok', JSON.stringify(c));
  assert.deepEqual(c.trail.map((t) => t.bizStep), ['shipping', 'receiving', 'packing', 'shipping']);
  assert.deepEqual(c.trail[3].to, ['river-clinic']);
  assert.equal(c.trail[3].by, 'province-cdc');
  // Every trail entry is proved against the checkpoint.
  for (const t of c.trail) {
    const p = c.proofs.find((x) => x.index === t.index);
    assert.ok(p, `no proof for trail entry ${t.index}`);
    if (p.pending) continue;
    const root = rootFromInclusion(p.index, c.tree_size, leafHash(p.raw), p.hashes.map((h) => Buffer.from(h, 'base64')));
    assert.equal(root.toString('base64'), c.checkpoint.split('\n')[2]);
    assert.equal(JSON.parse(p.raw).data.event.eventID, t.eventID);
  }
});

test('an administered pack is already_dispensed; a destroyed one is suspect', async () => {
  let r = await post('/api/v1/custody/administer', clinic.token, { gtin, serials: ['S001'] });
  assert.equal(r.status, 201, r.text);
  let c = await check(code('S001'));
  assert.equal(c.status, 'already_dispensed', JSON.stringify(c));
  assert.match(c.reason, /already dispensed at .* by county-clinic/);
  assert.equal(c.pack.state, 'dispensed');
  assert.ok(c.proofs.some((p) => p.index === r.json.index), 'the dispensing event is proved');
  // The command line says the same, with the trail, and exits 1.
  const cli = run(['check', '--server', server.url, code('S001')]);
  assert.equal(cli.code, 1, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /^ALREADY DISPENSED: this pack was already dispensed at .* by county-clinic/);
  assert.match(cli.stdout, /trail +2026-.* shipping by rabies-maker to province-cdc\n/);
  assert.match(cli.stdout, / dispensing by county-clinic\n/);
  r = await post('/api/v1/custody/destroy', clinic.token, { gtin, serials: ['S002'] });
  assert.equal(r.status, 201, r.text);
  c = await check(code('S002'));
  assert.equal(c.status, 'suspect');
  assert.match(c.reason, /recorded destroyed/);
  // A batch-level code is not a pack: no pack state.
  c = await check(`(01)${gtin}(10)${lot}`);
  assert.equal(c.status, 'ok');
});

test('a serial checked from many networks becomes suspect', async () => {
  const from = (ip) => ({ 'x-forwarded-for': ip });
  assert.equal((await check(code('S004'), from('10.0.1.7'))).status, 'ok');
  assert.equal((await check(code('S004'), from('10.0.1.9'))).status, 'ok', 'the same /24 is one place');
  assert.equal((await check(code('S004'), from('10.0.2.7'))).status, 'ok');
  const c = await check(code('S004'), from('10.0.3.7'));
  assert.equal(c.status, 'suspect');
  assert.match(c.reason, /checked from 3 different places/);
  assert.equal((await check(code('S003'), from('10.0.3.7'))).status, 'ok', 'another serial is not affected');
});

test('a recall tells every holder, and only holders; they acknowledge; the regulator sees who has not', async () => {
  let r = await post('/api/v1/recalls', reg.token, { scope: 'batch', gtin, lot, class: 1, reason: 'potency below specification' });
  assert.equal(r.status, 201, r.text);
  const recall = r.json.recall;
  const mine = async (who, q = '') => {
    const l = await api(server, 'GET', `/api/v1/notifications${q}`, { token: who.token });
    assert.equal(l.status, 200, l.text);
    return l.json.notifications.filter((n) => n.recall === recall);
  };
  for (const who of [cdc, clinic, clinic2]) {
    const n = await mine(who);
    assert.equal(n.length, 1, who.id);
    assert.equal(n[0].holder, who.id);
    assert.deepEqual([n[0].gtin, n[0].lot, n[0].acknowledged], [gtin, lot, null]);
    assert.equal(n[0].recall_detail.class, 1);
    assert.equal(n[0].recall_detail.reason, 'potency below specification');
  }
  assert.equal((await mine(far)).length, 0, 'a clinic that never held the batch is not told');
  assert.equal((await api(server, 'GET', '/api/v1/notifications', { token: maker.token })).json.notifications.length, 0, 'the maker is not a downstream holder');
  const [n] = await mine(clinic);
  r = await post(`/api/v1/notifications/${n.id}/ack`, clinic2.token, { action: 'quarantined' });
  assert.equal(r.status, 404, 'another holder cannot acknowledge it');
  r = await post(`/api/v1/notifications/${n.id}/ack`, clinic.token, { action: 'hidden' });
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /action must be/);
  r = await post(`/api/v1/notifications/${n.id}/ack`, clinic.token, { action: 'quarantined', quantity: 1, note: '1 pack in the fridge, taped' });
  assert.equal(r.status, 200, r.text);
  r = await post(`/api/v1/notifications/${n.id}/ack`, clinic.token, { action: 'destroyed' });
  assert.equal(r.status, 409, r.text);
  assert.equal((await mine(clinic, '?pending=true')).length, 0);
  assert.equal((await mine(clinic))[0].acknowledged.action, 'quarantined');
  // The regulator's view.
  let h = await api(server, 'GET', `/api/v1/recalls/${recall}/holders`, { token: reg.token });
  assert.equal(h.status, 200, h.text);
  assert.deepEqual([h.json.notices, h.json.acknowledged, h.json.not_acknowledged, h.json.holders, h.json.holders_not_done], [3, 1, 2, 3, 2]);
  h = await api(server, 'GET', `/api/v1/recalls/${recall}/holders?pending=true`, { token: reg.token });
  assert.deepEqual(h.json.notifications.map((x) => x.holder).sort(), ['province-cdc', 'river-clinic']);
  assert.equal((await api(server, 'GET', `/api/v1/recalls/${recall}/holders`, { token: clinic.token })).status, 403);
  assert.equal((await api(server, 'GET', '/api/v1/recalls/999999/holders', { token: reg.token })).status, 404);
  // A holder that receives the batch after the recall is told too.
  r = await post('/api/v1/custody/ship', cdc.token, { gtin, lot, quantity: 10, to: 'far-clinic' });
  assert.equal(r.status, 201, r.text);
  assert.equal((await mine(far)).length, 1);
  // The public check of a pack says recalled, whatever else it is.
  const c = await check(code('S001'));
  assert.equal(c.status, 'recalled');
  assert.equal(c.recall.class, 1);
  // Lifted: no longer pending for anyone.
  r = await post(`/api/v1/recalls/${recall}/lift`, reg.token, { reason: 'retested: within specification' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await mine(cdc, '?pending=true')).length, 0);
  assert.ok((await mine(cdc))[0].recall_detail.lifted_at);
});

test('notifications need a token of a holder role', async () => {
  assert.equal((await api(server, 'GET', '/api/v1/notifications')).status, 401);
  assert.equal((await api(server, 'GET', '/api/v1/notifications', { token: reg.token })).status, 403);
  assert.equal((await api(server, 'GET', '/api/v1/notifications?pending=maybe', { token: cdc.token })).status, 400);
});
