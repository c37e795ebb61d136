// EPCIS 2.0 capture and query: every example document of GS1 is captured whole
// and found again by the standard query parameters, identifiers match in either
// form (EPC URN or Digital Link), and a bad document writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { api, cleanup, initData, logSize, makeOrg, repo, run, startServer } from './helpers.mjs';

const testdata = process.env.GT_TESTDATA || join(repo, '..', 'shared', 'testdata');
const examples = readdirSync(join(testdata, 'epcis')).filter((f) => f.endsWith('.jsonld')).sort();

let data, server, dist, reg;

before(async () => {
  data = initData('epcis');
  server = await startServer(data);
  dist = await makeOrg(server, data.adminToken, 'north-cdc', ['distributor']);
  reg = await makeOrg(server, data.adminToken, 'nmpa', ['regulator']);
});

after(async () => {
  assert.equal((await server.stop()).code, 0, server.stderr());
  const r = run(['rebuild', '--data', data.dir]);
  assert.equal(r.code, 0, `rebuild differed: ${r.stdout}${r.stderr}`);
  cleanup(data);
});

const capture = (doc, token = dist.token, headers = {}) =>
  api(server, 'POST', '/epcis/capture', {
    token, body: typeof doc === 'string' ? doc : JSON.stringify(doc), headers: { 'content-type': 'application/ld+json', ...headers },
  });
const query = async (q) => {
  const r = await api(server, 'GET', `/epcis/events?${q}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.type, 'EPCISQueryDocument');
  assert.equal(r.headers.get('gs1-epcis-version'), '2.0.0');
  return r;
};
const events = async (q) => (await query(q)).json.epcisBody.queryResults.resultsBody.eventList;
const ids = async (q) => (await events(q)).map((e) => e.eventID);

const doc = (eventList) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://example.org/ns/' }],
  type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-23T08:00:00Z', epcisBody: { eventList },
});
const object = (extra = {}) => ({
  type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-11-20T10:00:00.000+08:00', eventTimeZoneOffset: '+08:00',
  epcList: ['urn:epc:id:sgtin:9506000.013435.A1'], bizStep: 'shipping', disposition: 'in_transit', ...extra,
});

test('every GS1 example document is captured whole, with a finished capture job', async () => {
  for (const f of examples) {
    const text = readFileSync(join(testdata, 'epcis', f), 'utf8');
    const n = JSON.parse(text).epcisBody.eventList.length;
    const before = await logSize(server);
    const r = await capture(text);
    assert.equal(r.status, 202, `${f}: ${r.text}`);
    assert.match(r.headers.get('location'), /^\/epcis\/capture\/\d+$/);
    assert.equal(r.json.success, true);
    assert.equal(r.json.running, false);
    assert.equal(r.json.events, n);
    assert.equal(await logSize(server), before + n, `${f}: one entry per event`);
    const job = await api(server, 'GET', r.headers.get('location'));
    assert.equal(job.status, 200, job.text);
    assert.equal(job.json.captureID, r.json.captureID);
    assert.equal(job.json.events, n);
    assert.equal(job.json.success, true);
    // Each event is found again by its eventID.
    for (const id of r.json.eventIDs) {
      const e = await api(server, 'GET', `/epcis/events/${encodeURIComponent(id)}`);
      assert.equal(e.status, 200, `${f} ${id}: ${e.text}`);
      assert.equal(e.json.eventID, id);
      assert.ok(e.json.recordTime);
    }
  }
  assert.equal((await api(server, 'GET', '/epcis/capture/999999')).status, 404);
});

test('query by epc finds an item in either identifier form, in epcList and childEPCs', async () => {
  const urn = await ids('MATCH_epc=urn:epc:id:sgtin:0614141.107346.2018');
  const dl = await ids(`MATCH_epc=${encodeURIComponent('https://example.com/01/10614141073464/21/2018')}`);
  assert.deepEqual(urn, dl);
  assert.deepEqual(urn, [
    'ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0',
    'ni:///sha-256;00e1e6eba3a7cc6125be4793a631f0af50f8322e0ab5f2c0bab994a11cec1d79?ver=CBV2.0',
    'ni:///sha-256;87b5f18a69993f0052046d4687dfacdf48f7c988cfabda2819688c86b4066a49?ver=CBV2.0',
  ]);
  // Identifiers come back normalised to Digital Link.
  const [shipping] = await events('MATCH_epc=urn:epc:id:sgtin:0614141.107346.2017&eventType=ObjectEvent');
  assert.deepEqual(shipping.epcList, ['https://id.gs1.org/01/10614141073464/21/2017', 'https://id.gs1.org/01/10614141073464/21/2018']);
  assert.equal(shipping.readPoint.id, 'https://id.gs1.org/414/0614141073467/254/1234');
  assert.equal(shipping.bizStep, 'shipping');
  // A pattern: every serial of the GTIN.
  assert.equal((await ids('MATCH_epc=urn:epc:idpat:sgtin:0614141.107346.*')).length, 3);
  assert.equal((await ids('MATCH_parentID=urn:epc:id:sscc:0614141.1234567890')).length, 1);
  assert.equal((await ids('MATCH_anyEPC=urn:epc:id:sscc:0614141.1234567890')).length, 1);
  assert.equal((await ids('MATCH_anyEPC=urn:epc:id:giai:952005385.w2')).length, 1);
});

test('query by class, type, step, disposition, place and time', async () => {
  const lgtin = 'urn:epc:class:lgtin:4012345.012345.998877';
  const byClass = await events(`MATCH_epcClass=${lgtin}`);
  assert.deepEqual(byClass.map((e) => e.type), ['ObjectEvent', 'AggregationEvent']);
  // A quantity that is not an integer comes back as the number it was.
  assert.equal(byClass[0].quantityList[0].quantity, 200);
  assert.equal(byClass[1].childQuantityList[1].quantity, 200.5);
  assert.equal(byClass[1].childQuantityList[1].uom, 'KGM');
  // Extension fields are kept, with the prefixes they need.
  assert.equal(byClass[0]['example:myField'], 'Example of a vendor/user extension');
  assert.ok(JSON.stringify(byClass[0]['@context']).includes('http://ns.example.com/epcis/'));
  assert.equal((await events('eventType=AggregationEvent')).length, 1);
  assert.equal((await events('eventType=TransactionEvent')).length, 2);
  assert.equal((await events('eventType=TransactionEvent|AggregationEvent')).length, 3);
  assert.equal((await events('EQ_bizStep=receiving')).length, 3);
  assert.equal((await events('EQ_bizStep=urn:epcglobal:cbv:bizstep:receiving')).length, 3);
  assert.equal((await events(`EQ_bizStep=${encodeURIComponent('https://ref.gs1.org/cbv/BizStep-shipping')}`)).length, 1);
  assert.equal((await events('EQ_disposition=in_progress')).length, 3);
  assert.equal((await events('EQ_bizLocation=urn:epc:id:sgln:0614141.00888.0')).length, 2);
  assert.equal((await events('EQ_readPoint=urn:epc:id:sgln:0614141.07346.1234')).length, 1);
  const rail = await events('EQ_bizStep=transporting');
  assert.equal(rail.length, 1);
  assert.equal(rail[0]['rail:vehicle'].length, 3);
  assert.equal(rail[0].sourceList[0].source, 'https://id.gs1.org/414/9520053854814');
  // 2005-04-03T20:33:31.116-06:00 is 2005-04-04T02:33:31.116Z.
  assert.equal((await events('GE_eventTime=2005-04-04T02:33:31.116Z&LT_eventTime=2005-04-04T02:33:31.117Z')).length, 1);
  assert.equal((await events('LT_eventTime=2006-01-01T00:00:00Z')).length, 2);
  assert.equal((await events('GE_eventTime=2019-01-01T00:00:00Z')).length, 1);
  assert.equal((await events('GE_recordTime=2000-01-01T00:00:00Z&eventType=ObjectEvent')).length, 3);
});

test('pages follow nextPageToken and the Link header to the end', async () => {
  const all = await ids('perPage=100');
  const seen = [];
  let q = 'perPage=2';
  for (let i = 0; i < 10 && q; i++) {
    const r = await query(q);
    seen.push(...r.json.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID));
    const link = r.headers.get('link');
    if (!link) break;
    assert.match(link, /rel="next"/);
    q = link.match(/<\/epcis\/events\?([^>]*)>/)[1];
    assert.match(q, /perPage=2/);
  }
  assert.deepEqual(seen, all);
  assert.equal(all.length, 6);
});

test('bad query parameters are refused by name', async () => {
  for (const [q, re] of [
    ['eventType=Event', /eventType: "Event" is not an EPCIS 2.0 event type/],
    ['GE_eventTime=yesterday', /GE_eventTime/],
    ['EQ_bizStep=shiping', /EQ_bizStep/],
    ['MATCH_epc=urn:epc:id:sgtin:0614141.10734.1', /MATCH_epc/],
    ['EQ_fancy=1', /EQ_fancy is not a query parameter/],
    ['nextPageToken=zzz', /nextPageToken/],
    ['perPage=100000', /perPage/],
  ]) {
    const r = await api(server, 'GET', `/epcis/events?${q}`);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assert.match(r.json.detail, re, q);
  }
});

test('a document is captured whole or not at all, and an eventID only once', async () => {
  const before = await logSize(server);
  let r = await capture(doc([object({ eventID: 'urn:uuid:11111111-1111-4111-8111-111111111111' }), object({ epcList: ['urn:epc:id:sgtin:9506000.01343.A1'] })]));
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.detail, /^event 1: epcList\[0\]: /);
  assert.equal(await logSize(server), before);
  assert.deepEqual(await ids('MATCH_epc=urn:epc:id:sgtin:9506000.013435.A1'), []);
  r = await capture(doc([object({ eventID: 'urn:uuid:11111111-1111-4111-8111-111111111111' })]));
  assert.equal(r.status, 202, r.text);
  r = await capture(doc([object({ eventID: 'urn:uuid:22222222-2222-4222-8222-222222222222' }), object({ eventID: 'urn:uuid:11111111-1111-4111-8111-111111111111' })]));
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.detail, /event 1: eventID urn:uuid:1111.* was already captured/);
  // Twice in one document is a duplicate too.
  r = await capture(doc([object({ eventID: 'urn:uuid:33333333-3333-4333-8333-333333333333' }), object({ eventID: 'urn:uuid:33333333-3333-4333-8333-333333333333' })]));
  assert.equal(r.status, 409, r.text);
  assert.equal(await logSize(server), before + 1);
  for (const [bad, re] of [
    [{ type: 'EPCISDocument', schemaVersion: '1.2', epcisBody: { eventList: [] } }, /schemaVersion/],
    [{ type: 'Nope' }, /type: must be "EPCISDocument"/],
    [doc([]), /no events/],
    [doc([object({ type: 'ObjectEvent', action: 'MOVE' })]), /event 0: action/],
    [doc([object({ eventTime: '2026-13-01T00:00:00Z' })]), /event 0: eventTime/],
    [doc([object({ epcList: [], quantityList: [] })]), /at least one identifier/],
    [doc([{ type: 'AggregationEvent', action: 'ADD', eventTime: '2026-11-20T10:00:00Z', eventTimeZoneOffset: '+00:00', childEPCs: [] }]), /parentID: required/],
    [doc([{ type: 'TransactionEvent', action: 'ADD', eventTime: '2026-11-20T10:00:00Z', eventTimeZoneOffset: '+00:00', epcList: ['urn:epc:id:sgtin:9506000.013435.A1'] }]), /bizTransactionList: required/],
    [doc([object({ bizStep: 'shiping' })]), /event 0: bizStep: .*not a CBV business step/],
    [doc([object({ color: 'red' })]), /event 0: color: not a field of ObjectEvent/],
    [doc([object({ destinationList: [{ type: 'owning_party', destination: 'urn:goodtrace:org:nobody' }] })]), /no organisation "nobody"/],
  ]) {
    r = await capture(bad);
    assert.ok(r.status === 400 || r.status === 404, `${JSON.stringify(bad).slice(0, 80)}: ${r.status} ${r.text}`);
    assert.match(r.json.detail, re);
  }
  assert.equal(await logSize(server), before + 1);
  r = await capture(doc([object()]), dist.token, { 'gs1-capture-error-behaviour': 'proceed' });
  assert.equal(r.status, 501, r.text);
});

test('one event by POST /epcis/events, read back at its Location', async () => {
  const r = await api(server, 'POST', '/epcis/events', {
    token: dist.token, body: object({ eventID: 'ni:///sha-256;abc?ver=CBV2.0', epcList: ['https://example.org/01/09506000134352/21/Z%2F1'] }),
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), '/epcis/events/ni%3A%2F%2F%2Fsha-256%3Babc%3Fver%3DCBV2.0');
  const e = await api(server, 'GET', r.headers.get('location'));
  assert.equal(e.status, 200, e.text);
  assert.deepEqual(e.json.epcList, ['https://id.gs1.org/01/09506000134352/21/Z%2F1']);
  assert.equal(e.json.eventTime, '2026-11-20T10:00:00.000+08:00');
  assert.equal(r.json.index + 1, await logSize(server));
});

test('capture is for the supply chain, with a token', async () => {
  assert.equal((await capture(doc([object()]), null)).status, 401);
  assert.equal((await capture(doc([object()]), reg.token)).status, 403);
  const r = await api(server, 'POST', '/epcis/capture', { token: dist.token, body: 'x', headers: { 'content-type': 'text/plain' } });
  assert.equal(r.status, 415);
});
