// The auth matrix of every write route: no token, a malformed, unknown or revoked token,
// the wrong role, the wrong organisation; each refusal writes nothing (the checkpoint
// size does not move), and the allowed caller succeeds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allEntries, api, assertNoPersonalData, batch, cleanup, gtinOf, initData, logSize, makeOrg,
  personalValue, product, run, sha256hex, startServer,
} from './helpers.mjs';

let data, server, admin, maker, maker2, clinic, revoked, reg, reg2;

before(async () => {
  data = initData('auth');
  server = await startServer(data);
  admin = data.adminToken;
  maker = await makeOrg(server, admin, 'maker', ['manufacturer', 'distributor'], 'manufacturer', {
    contact: { name: personalValue('Li Wei'), email: personalValue('li.wei@example.org'), phone: personalValue('+86 138 0000 1234') },
  });
  clinic = await makeOrg(server, admin, 'clinic', ['clinic']);
  maker2 = await makeOrg(server, admin, 'maker2', ['manufacturer']);
  reg = await makeOrg(server, admin, 'reg', ['regulator']);
  reg2 = await makeOrg(server, admin, 'reg2', ['regulator']);
  revoked = await makeOrg(server, admin, 'gone', ['publisher']);
  const r = await api(server, 'DELETE', `/api/v1/tokens/${revoked.tokenId}`, { token: admin });
  assert.equal(r.status, 200, r.text);
});

after(async () => {
  assertNoPersonalData(await allEntries(server));
  const st = await server.stop();
  assert.equal(st.code, 0, server.stderr());
  cleanup(data);
});

const attest = (n) => ({ sha256: sha256hex(`doc ${n}`), kind: 'report', title: `Report ${n}` });

// A product of maker's (and, with lot, one of its batches) to write batches and packs of.
async function makerProduct(lot) {
  const gtin = gtinOf(++productSeq);
  let r = await api(server, 'POST', '/api/v1/products', { token: maker.token, body: product(gtin) });
  assert.equal(r.status, 201, r.text);
  if (lot) {
    r = await api(server, 'POST', '/api/v1/batches', { token: maker.token, body: batch(gtin, lot, 100) });
    assert.equal(r.status, 201, r.text);
  }
  return { gtin };
}
let productSeq = 500000;

// Every write route: how to call it, and who may.
const routes = [
  { name: 'POST /api/v1/orgs', method: 'POST', path: () => '/api/v1/orgs',
    body: (n) => ({ id: `org-${n}`, name: `Org ${n}`, roles: ['ngo'] }), allowed: () => admin, wrongRole: () => maker.token },
  { name: 'PATCH /api/v1/orgs/{id}', method: 'PATCH', path: () => '/api/v1/orgs/maker',
    body: (n) => ({ name: `Maker ${n}` }), allowed: () => maker.token, wrongOrg: () => clinic.token },
  { name: 'POST /api/v1/tokens', method: 'POST', path: () => '/api/v1/tokens',
    body: () => ({ org: 'clinic', role: 'clinic' }), allowed: () => admin, wrongRole: () => clinic.token },
  { name: 'DELETE /api/v1/tokens/{id}', method: 'DELETE', path: (ctx) => `/api/v1/tokens/${ctx.tokenId}`,
    setup: async () => {
      const r = await api(server, 'POST', '/api/v1/tokens', { token: admin, body: { org: 'maker', role: 'distributor' } });
      assert.equal(r.status, 201, r.text);
      return { tokenId: r.json.id };
    },
    allowed: () => maker.token, wrongOrg: () => clinic.token },
  { name: 'POST /api/v1/attestations', method: 'POST', path: () => '/api/v1/attestations',
    body: (n) => attest(n), allowed: () => clinic.token },
  { name: 'POST /api/v1/attestations/batch', method: 'POST', path: () => '/api/v1/attestations/batch',
    body: (n) => ({ items: [attest(`${n}a`), attest(`${n}b`)] }), allowed: () => maker.token },
  { name: 'POST /api/v1/products', method: 'POST', path: () => '/api/v1/products',
    body: (n) => product(gtinOf(n)), allowed: () => maker.token, wrongRole: () => clinic.token, roles: /manufacturer/ },
  { name: 'POST /api/v1/batches', method: 'POST', path: () => '/api/v1/batches',
    setup: () => makerProduct(), body: (n, ctx) => batch(ctx.gtin, `L${n}`, 10),
    allowed: () => maker.token, wrongRole: () => clinic.token, wrongOrg: () => maker2.token, roles: /manufacturer/ },
  { name: 'POST /api/v1/packs', method: 'POST', path: () => '/api/v1/packs',
    setup: () => makerProduct('P1'), body: (n, ctx) => ({ gtin: ctx.gtin, lot: 'P1', serials: [`S${n}a`, `S${n}b`] }),
    allowed: () => maker.token, wrongRole: () => clinic.token, wrongOrg: () => maker2.token, roles: /manufacturer/ },
  { name: 'POST /api/v1/recalls', method: 'POST', path: () => '/api/v1/recalls',
    setup: () => makerProduct(), body: (n, ctx) => ({ scope: 'product', gtin: ctx.gtin, class: 2, reason: `reason ${n}` }),
    allowed: () => reg.token, wrongRole: () => maker.token, roles: /regulator/ },
  { name: 'POST /api/v1/recalls/{id}/lift', method: 'POST', path: (ctx) => `/api/v1/recalls/${ctx.recall}/lift`,
    setup: async () => {
      const { gtin } = await makerProduct();
      const r = await api(server, 'POST', '/api/v1/recalls', { token: reg.token, body: { scope: 'product', gtin, class: 3, reason: 'test' } });
      assert.equal(r.status, 201, r.text);
      return { recall: r.json.recall };
    },
    body: () => ({ reason: 'lifted' }),
    allowed: () => reg.token, wrongRole: () => clinic.token, wrongOrg: () => reg2.token, roles: /regulator/ },
];

let counter = 0;
async function refused(route, token, status, type) {
  const ctx = route.setup ? await route.setup() : {};
  const size = await logSize(server);
  const n = ++counter;
  const r = await api(server, route.method, route.path(ctx), { token, body: route.body ? route.body(n, ctx) : undefined });
  assert.equal(r.status, status, `${route.name}: ${r.text}`);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(r.json.type, `urn:goodtrace:problem:${type}`);
  assert.equal(r.json.status, status);
  assert.ok(r.json.detail && r.json.detail.length > 5, 'a precise detail');
  assert.equal(await logSize(server), size, `${route.name}: a refused write moved the log`);
  return r;
}

for (const route of routes) {
  describe(route.name, () => {
    test('without a token: 401 unauthorized, WWW-Authenticate: Bearer', async () => {
      const r = await refused(route, undefined, 401, 'unauthorized');
      assert.match(r.headers.get('www-authenticate') || '', /^Bearer/);
    });
    test('with a malformed token: 401 invalid-token', async () => {
      await refused(route, 'not-a-token', 401, 'invalid-token');
    });
    test('with an unknown token: 401 invalid-token', async () => {
      const fake = `gt_${'0'.repeat(16)}_${'A'.repeat(43)}`;
      await refused(route, fake, 401, 'invalid-token');
    });
    test('with a right id but a wrong secret: 401 invalid-token', async () => {
      const forged = clinic.token.slice(0, 20) + 'B'.repeat(43);
      await refused(route, forged, 401, 'invalid-token');
    });
    test('with a revoked token: 401 invalid-token', async () => {
      const r = await refused(route, revoked.token, 401, 'invalid-token');
      assert.match(r.json.detail, /revoked/);
    });
    if (route.wrongRole) {
      test('with the wrong role: 403 forbidden naming the allowed roles', async () => {
        const r = await refused(route, route.wrongRole(), 403, 'forbidden');
        assert.match(r.json.detail, route.roles || /admin/);
      });
    }
    if (route.wrongOrg) {
      test('for another organisation: 403 forbidden', async () => {
        await refused(route, route.wrongOrg(), 403, 'forbidden');
      });
    }
    test('the allowed caller succeeds', async () => {
      const ctx = route.setup ? await route.setup() : {};
      const r = await api(server, route.method, route.path(ctx), { token: route.allowed(), body: route.body ? route.body(++counter, ctx) : undefined });
      assert.ok(r.status === 200 || r.status === 201, `${route.name}: ${r.status} ${r.text}`);
    });
  });
}

describe('tokens', () => {
  test('a created token is shown once and works; listing never shows secrets', async () => {
    const r = await api(server, 'POST', '/api/v1/tokens', { token: admin, body: { org: 'clinic', role: 'clinic', label: 'front desk' } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const who = await api(server, 'GET', '/api/v1/whoami', { token: r.json.token });
    assert.equal(who.status, 200);
    assert.deepEqual(who.json, { org: 'clinic', role: 'clinic', token_id: r.json.id });
    const list = await api(server, 'GET', '/api/v1/tokens?org=clinic', { token: admin });
    assert.equal(list.status, 200);
    assert.ok(list.json.tokens.some((t) => t.id === r.json.id && t.label === 'front desk'));
    assert.ok(!list.text.includes(r.json.token.slice(20)), 'a listing shows a secret');
  });
  test('an organisation lists only its own tokens', async () => {
    const list = await api(server, 'GET', '/api/v1/tokens', { token: clinic.token });
    assert.equal(list.status, 200);
    assert.ok(list.json.tokens.length > 0);
    assert.ok(list.json.tokens.every((t) => t.org === 'clinic'));
  });
  test('a token for a role the organisation lacks is refused', async () => {
    const size = await logSize(server);
    const r = await api(server, 'POST', '/api/v1/tokens', { token: admin, body: { org: 'clinic', role: 'regulator' } });
    assert.equal(r.status, 400);
    assert.match(r.json.detail, /does not have the role regulator/);
    assert.equal(await logSize(server), size);
  });
  test('revoking twice is a conflict', async () => {
    const r = await api(server, 'DELETE', `/api/v1/tokens/${revoked.tokenId}`, { token: admin });
    assert.equal(r.status, 409);
    assert.equal(r.json.type, 'urn:goodtrace:problem:conflict');
  });
  test('token revoke from the command line takes effect at once, server running', async () => {
    const r = await api(server, 'POST', '/api/v1/tokens', { token: admin, body: { org: 'clinic', role: 'clinic' } });
    assert.equal((await api(server, 'GET', '/api/v1/whoami', { token: r.json.token })).status, 200);
    const cli = run(['token', 'revoke', '--data', data.dir, '--id', r.json.id]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((await api(server, 'GET', '/api/v1/whoami', { token: r.json.token })).status, 401);
  });
  test('token create from the command line works while the server runs', async () => {
    const cli = run(['token', 'create', '--data', data.dir, '--org', 'maker', '--role', 'distributor']);
    assert.equal(cli.code, 0, cli.stderr);
    const who = await api(server, 'GET', '/api/v1/whoami', { token: cli.stdout.trim() });
    assert.equal(who.status, 200);
    assert.equal(who.json.role, 'distributor');
  });
});

describe('organisations', () => {
  test('created with sorted roles, contact kept private, readable by anyone', async () => {
    const r = await api(server, 'GET', '/api/v1/orgs/maker');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.roles, ['distributor', 'manufacturer']);
    assert.match(r.json.contact_ref, /^contact:[0-9a-f]{64}$/);
    assert.ok(!r.text.includes('li.wei'), 'the contact leaked');
  });
  test('a duplicate id is a 409 already-exists', async () => {
    const size = await logSize(server);
    const r = await api(server, 'POST', '/api/v1/orgs', { token: admin, body: { id: 'maker', name: 'Again', roles: ['clinic'] } });
    assert.equal(r.status, 409);
    assert.equal(r.json.type, 'urn:goodtrace:problem:already-exists');
    assert.equal(await logSize(server), size);
  });
  test('an organisation cannot change its own roles', async () => {
    const r = await api(server, 'PATCH', '/api/v1/orgs/maker', { token: maker.token, body: { roles: ['regulator'] } });
    assert.equal(r.status, 403);
  });
  test('listing pages by id', async () => {
    const r = await api(server, 'GET', '/api/v1/orgs?limit=2');
    assert.equal(r.status, 200);
    assert.equal(r.json.orgs.length, 2);
    const next = await api(server, 'GET', `/api/v1/orgs?limit=2&after=${r.json.next_after}`);
    assert.equal(next.status, 200);
    assert.ok(next.json.orgs[0].id > r.json.orgs[1].id);
  });
  test('an unknown organisation is a 404 problem', async () => {
    const r = await api(server, 'GET', '/api/v1/orgs/nobody');
    assert.equal(r.status, 404);
    assert.equal(r.json.type, 'urn:goodtrace:problem:not-found');
  });
});
