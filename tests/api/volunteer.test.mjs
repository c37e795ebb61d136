// Volunteering: opportunities, profiles, ranked and explained matching, sign-ups within
// capacity, check-in and check-out by a signed code, hours confirmed or corrected,
// disputes, certificates whose entries prove themselves. Every refusal writes nothing,
// no personal detail reaches the log, and the store equals a rebuild from the log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, cleanup, initData, leafHash, logSize, makeOrg, personalValue, rootFromInclusion, run,
  startServer, verifyCheckpoint,
} from './helpers.mjs';

let data, server, admin, ngo, other, charity;
const MIN = 60e3;
const iso = (ms) => new Date(ms).toISOString();
const now = Date.now();

before(async () => {
  data = initData('volunteer');
  server = await startServer(data);
  admin = data.adminToken;
  ngo = await makeOrg(server, admin, 'green-river', ['ngo']);
  other = await makeOrg(server, admin, 'code-for-good', ['ngo']);
  charity = await makeOrg(server, admin, 'hope-fund', ['charity']);
});

after(async () => {
  if (process.env.GT_DEBUG) console.error(server.stderr());
  assert.equal((await server.stop()).code, 0, server.stderr());
  const r = run(['rebuild', '--data', data.dir]);
  assert.equal(r.code, 0, `rebuild differed: ${r.stdout}${r.stderr}`);
  cleanup(data);
});

const call = (method, path, body, token) => api(server, method, path, { token, body });

async function refused(method, path, body, token, status, type, detail) {
  const size = await logSize(server);
  const r = await call(method, path, body, token);
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.type, `urn:goodtrace:problem:${type}`, r.text);
  if (detail) assert.match(r.json.detail, detail);
  assert.equal(await logSize(server), size, 'a refusal moved the log');
  return r;
}

// Shanghai People's Square, and places near and far.
const PLACE = { latitude: 31.2304, longitude: 121.4737, venue: 'People\'s Square, Shanghai' };
function opportunity(id, extra = {}) {
  return {
    id, title: `River clean-up ${id}`, description: 'Litter picking along the Suzhou Creek.',
    cause: 'environment', skills: [{ skill: 'first-aid', level: 'basic' }],
    welcome: ['photography-video'], place: PLACE, languages: ['zh'],
    slots: [
      { id: 'now', start: iso(now - 10 * MIN), end: iso(now + 120 * MIN), capacity: 2 },
      { id: 'later', start: iso(now + 3 * 86400e3), end: iso(now + 3 * 86400e3 + 180 * MIN), capacity: 5 },
    ],
    ...extra,
  };
}

async function volunteer(name, extra = {}) {
  personalValue(name);
  const body = {
    name, birth_year: 1995, skills: [{ skill: 'first-aid', level: 'advanced' }, { skill: 'software', level: 'expert' }],
    home: { latitude: 31.2204, longitude: 121.4637 }, radius_km: 20,
    availability: [{ day: 'sat', from: '08:00', to: '18:00' }], utc_offset: '+08:00',
    languages: ['zh', 'en'], causes: ['environment'], ...extra,
  };
  const r = await call('POST', '/api/v1/volunteers', body);
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.key, /^gv_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.match(r.json.ref, /^volunteer:[0-9a-f]{64}$/);
  return { id: r.json.id, key: r.json.key, ref: r.json.ref, name };
}

test('an NGO posts opportunities; anyone lists and reads them; the taxonomy names every term', async () => {
  const tax = await call('GET', '/api/v1/volunteer/taxonomy');
  assert.equal(tax.status, 200);
  for (const id of ['software', 'data', 'design', 'medicine', 'law', 'teaching'])
    assert.ok(tax.json.skills.some((s) => s.id === id && s.zh && s.en), id);
  let r = await call('POST', '/api/v1/opportunities', opportunity('creek-1'), ngo.token);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.id, 'creek-1');
  r = await call('POST', '/api/v1/opportunities', {
    id: 'ngo-website', title: 'Rebuild our website', cause: 'technology', remote: true,
    skills: [{ skill: 'software', level: 'advanced' }, { skill: 'design', level: 'intermediate' }],
    languages: ['zh', 'en'], project: { deliverable: 'A static site with a donation page', weeks: 6 },
    slots: [{ id: 'project', start: iso(now + 86400e3), end: iso(now + 43 * 86400e3), capacity: 1 }],
  }, other.token);
  assert.equal(r.status, 201, r.text);
  r = await call('GET', '/api/v1/opportunities/creek-1');
  assert.equal(r.status, 200);
  assert.equal(r.json.org, 'green-river');
  assert.equal(r.json.status, 'open');
  assert.equal(r.json.place.latitude, 31.2304);
  assert.deepEqual(r.json.skills, [{ skill: 'first-aid', level: 'basic' }]);
  assert.deepEqual(r.json.slots.map((s) => [s.id, s.capacity, s.taken]), [['now', 2, 0], ['later', 5, 0]]);
  r = await call('GET', '/api/v1/opportunities?remote=true');
  assert.deepEqual(r.json.opportunities.map((o) => o.id), ['ngo-website']);
  r = await call('GET', '/api/v1/opportunities?cause=environment');
  assert.deepEqual(r.json.opportunities.map((o) => o.id), ['creek-1']);
  assert.deepEqual(r.json.opportunities[0].slots.map((s) => [s.id, s.capacity, s.taken]), [['now', 2, 0], ['later', 5, 0]]);
  await refused('GET', '/api/v1/opportunities?remote=maybe', undefined, undefined, 400, 'invalid-parameter', /^remote must be true or false$/);
  await refused('GET', '/api/v1/opportunities?status=x', undefined, undefined, 400, 'invalid-parameter', /^status must be open or all$/);
  await refused('GET', '/api/v1/sessions?status=x', undefined, ngo.token, 400, 'invalid-parameter', /^status must be open, ended, confirmed, corrected or disputed$/);
  await refused('GET', '/api/v1/campaigns?status=x', undefined, undefined, 400, 'invalid-parameter', /^status must be open, upcoming, ended, closed or suspended$/);
  r = await call('GET', '/api/v1/opportunities?limit=1');
  assert.equal(r.json.opportunities.length, 1);
  assert.equal(typeof r.json.next_before, 'number');
});

test('opportunities are refused with a reason, writing nothing', async () => {
  const o = (extra) => opportunity('bad-1', extra);
  await refused('POST', '/api/v1/opportunities', o(), charity.token, 403, 'forbidden', /ngo/);
  await refused('POST', '/api/v1/opportunities', opportunity('creek-1'), ngo.token, 409, 'already-exists');
  await refused('POST', '/api/v1/opportunities', o({ cause: 'golf' }), ngo.token, 400, 'invalid', /cause/);
  await refused('POST', '/api/v1/opportunities', o({ skills: [{ skill: 'juggling' }] }), ngo.token, 400, 'invalid', /skills\[0\]/);
  await refused('POST', '/api/v1/opportunities', o({ skills: [{ skill: 'law', level: 'guru' }] }), ngo.token, 400, 'invalid', /level/);
  await refused('POST', '/api/v1/opportunities', o({ place: null }), ngo.token, 400, 'invalid', /place is required/);
  await refused('POST', '/api/v1/opportunities', o({ place: { latitude: 91, longitude: 0 } }), ngo.token, 400, 'invalid', /latitude/);
  await refused('POST', '/api/v1/opportunities', o({ remote: true }), ngo.token, 400, 'invalid', /remote opportunity has no place/);
  await refused('POST', '/api/v1/opportunities', o({ slots: [] }), ngo.token, 400, 'invalid', /slots/);
  await refused('POST', '/api/v1/opportunities', o({ slots: [{ id: 'a', start: iso(now + MIN), end: iso(now), capacity: 1 }] }), ngo.token, 400, 'invalid', /end must be after start/);
  await refused('POST', '/api/v1/opportunities', o({ slots: [{ id: 'a', start: iso(now - 3 * MIN), end: iso(now - MIN), capacity: 1 }] }), ngo.token, 400, 'invalid', /already ended/);
  await refused('POST', '/api/v1/opportunities', o({ slots: [{ id: 'a', start: iso(now), end: iso(now + 8 * 86400e3), capacity: 1 }] }), ngo.token, 400, 'invalid', /at most 7 days/);
  await refused('POST', '/api/v1/opportunities', o({ slots: [{ id: 'a', start: iso(now + MIN), end: iso(now + 9 * MIN), capacity: 0 }] }), ngo.token, 400, 'invalid', /capacity/);
  const twice = { id: 'a', start: iso(now + MIN), end: iso(now + 9 * MIN), capacity: 1 };
  await refused('POST', '/api/v1/opportunities', o({ slots: [twice, twice] }), ngo.token, 400, 'invalid', /used twice/);
  await refused('POST', '/api/v1/opportunities', o({ languages: ['xx'] }), ngo.token, 400, 'invalid', /languages/);
  await refused('POST', '/api/v1/opportunities', o({ min_age: 101 }), ngo.token, 400, 'invalid', /min_age/);
});

test('a volunteer registers, reads and updates their own profile only; personal details stay off the log', async () => {
  const v = await volunteer('张伟');
  let r = await call('GET', `/api/v1/volunteers/${v.id}`, undefined, v.key);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '张伟');
  assert.equal(r.json.home.latitude, 31.2204);
  assert.deepEqual(r.json.availability, [{ day: 'sat', from: '08:00', to: '18:00' }]);
  assert.equal(r.json.utc_offset, '+08:00');
  assert.deepEqual(r.json.progress, { year: new Date().getUTCFullYear(), minutes: 0, sessions: 0, goal_minutes: 180, reached: false });
  const w = await volunteer('李娜');
  await refused('GET', `/api/v1/volunteers/${v.id}`, undefined, w.key, 403, 'forbidden');
  await refused('GET', `/api/v1/volunteers/${v.id}`, undefined, ngo.token, 403, 'forbidden', /volunteer/);
  await refused('GET', `/api/v1/volunteers/${v.id}`, undefined, v.key.slice(0, -2) + 'AA', 401, 'invalid-token');
  r = await call('PUT', `/api/v1/volunteers/${v.id}`, { name: '张伟', goal_hours: 10, skills: [{ skill: 'law', level: 'expert' }] }, v.key);
  assert.equal(r.status, 200, r.text);
  r = await call('GET', `/api/v1/volunteers/${v.id}`, undefined, v.key);
  assert.equal(r.json.progress.goal_minutes, 600);
  assert.deepEqual(r.json.skills, [{ skill: 'law', level: 'expert' }]);
  assert.equal(r.json.home, undefined);
  // Volunteers' keys do nothing an organisation's token does.
  await refused('POST', '/api/v1/opportunities', opportunity('by-volunteer'), v.key, 403, 'forbidden');
  await refused('POST', '/api/v1/attestations', { sha256: 'a'.repeat(64), kind: 'report' }, v.key, 403, 'forbidden', /any organisation's role \(not a person's key\)/);
  await refused('POST', '/api/v1/volunteers', { skills: [{ skill: 'nope' }] }, undefined, 400, 'invalid', /skills/);
  await refused('POST', '/api/v1/volunteers', { availability: [{ day: 'mon', from: '10:00', to: '09:00' }] }, undefined, 400, 'invalid', /to must be after from/);
  await refused('POST', '/api/v1/volunteers', { birth_year: 1800 }, undefined, 400, 'invalid', /birth_year/);
  await refused('POST', '/api/v1/volunteers', { utc_offset: '+15:00' }, undefined, 400, 'invalid', /utc_offset/);
});

test('matches and candidates are ranked, explained, filtered and paged', async () => {
  const near = await volunteer('王芳');
  const far = await volunteer('赵强', { home: { latitude: 39.9042, longitude: 116.4074 }, radius_km: 30 });
  let r = await call('GET', `/api/v1/volunteers/${near.id}/matches`, undefined, near.key);
  assert.equal(r.status, 200, r.text);
  const ids = r.json.matches.map((m) => m.opportunity.id);
  assert.ok(ids.includes('creek-1') && ids.includes('ngo-website'), ids.join());
  const creek = r.json.matches.find((m) => m.opportunity.id === 'creek-1');
  assert.equal(creek.explain.skill.score, 100);
  assert.equal(creek.explain.skill.covered, 1);
  assert.ok(creek.explain.distance.km >= 1 && creek.explain.distance.km <= 2, JSON.stringify(creek.explain));
  assert.equal(creek.explain.cause.score, 100);
  assert.equal(creek.explain.language.score, 100);
  const total = (e) => Math.round((40 * e.skill.score + 20 * e.distance.score + 20 * e.availability.score + 10 * e.cause.score + 10 * e.language.score) / 100);
  for (const m of r.json.matches) assert.ok(Math.abs(m.score - total(m.explain)) <= 1, JSON.stringify(m));
  for (let i = 1; i < r.json.matches.length; i++) assert.ok(r.json.matches[i - 1].score >= r.json.matches[i].score);
  r = await call('GET', `/api/v1/volunteers/${near.id}/matches?remote=true`, undefined, near.key);
  assert.deepEqual(r.json.matches.map((m) => m.opportunity.id), ['ngo-website']);
  assert.equal(r.json.matches[0].explain.distance.km, null);
  r = await call('GET', `/api/v1/volunteers/${near.id}/matches?limit=1&offset=1`, undefined, near.key);
  assert.equal(r.json.matches.length, 1);
  assert.ok(r.json.total >= 2);
  // Beijing is 1,000 km away: only the remote project.
  r = await call('GET', `/api/v1/volunteers/${far.id}/matches`, undefined, far.key);
  assert.deepEqual(r.json.matches.map((m) => m.opportunity.id), ['ngo-website']);
  await refused('GET', `/api/v1/volunteers/${near.id}/matches?cause=golf`, undefined, near.key, 400, 'invalid-parameter');
  await refused('GET', `/api/v1/volunteers/${near.id}/matches?limit=101`, undefined, near.key, 400, 'invalid-parameter');
  await refused('GET', `/api/v1/volunteers/${far.id}/matches`, undefined, near.key, 403, 'forbidden');
  // Candidates: the NGO sees references and masked names, never homes or birth years.
  r = await call('GET', '/api/v1/opportunities/creek-1/candidates', undefined, ngo.token);
  assert.equal(r.status, 200, r.text);
  const refs = r.json.candidates.map((c) => c.volunteer.ref);
  assert.ok(refs.includes(near.ref));
  assert.ok(!refs.includes(far.ref));
  const c = r.json.candidates.find((x) => x.volunteer.ref === near.ref);
  assert.equal(c.volunteer.name, '王*');
  assert.equal(c.explain.distance.km % 5, 0, 'candidates\' distances are rounded to 5 km');
  assert.equal(c.volunteer.home, undefined);
  assert.equal(c.volunteer.birth_year, undefined);
  await refused('GET', '/api/v1/opportunities/creek-1/candidates', undefined, other.token, 403, 'forbidden');
  r = await call('GET', '/api/v1/opportunities/creek-1/candidates?min_score=101', undefined, admin);
  assert.equal(r.status, 400);
});

test('sign-up, confirmation, check-in and check-out by code, hours confirmed and corrected, disputes, certificate', async () => {
  const a = await volunteer('陈静');
  const b = await volunteer('刘洋');
  const c = await volunteer('黄磊');
  const young = await volunteer('周小', { birth_year: new Date().getUTCFullYear() - 12 });
  await call('POST', '/api/v1/opportunities', opportunity('creek-2', { min_age: 16 }), ngo.token);
  const signup = (v, slot, id = 'creek-2') => call('POST', `/api/v1/opportunities/${id}/signups`, { slot }, v.key);
  let r = await signup(a, 'now');
  assert.equal(r.status, 201, r.text);
  const sa = r.json.signup;
  assert.equal(r.json.status, 'pending');
  await refused('POST', '/api/v1/opportunities/creek-2/signups', { slot: 'now' }, a.key, 409, 'already-exists');
  // No double-booking: creek-1's slot "now" overlaps.
  await refused('POST', '/api/v1/opportunities/creek-1/signups', { slot: 'now' }, a.key, 409, 'conflict', /another slot at that time/);
  await refused('POST', '/api/v1/opportunities/creek-2/signups', { slot: 'now' }, young.key, 409, 'conflict', /minimum age of 16/);
  await refused('POST', '/api/v1/opportunities/creek-2/signups', { slot: 'nope' }, a.key, 404, 'not-found');
  await refused('POST', '/api/v1/opportunities/creek-2/signups', { slot: 'now' }, ngo.token, 403, 'forbidden');
  r = await signup(b, 'now');
  assert.equal(r.status, 201, r.text);
  const sb = r.json.signup;
  await refused('POST', '/api/v1/opportunities/creek-2/signups', { slot: 'now' }, c.key, 409, 'conflict', /full \(2 of 2/);
  r = await call('GET', '/api/v1/opportunities/creek-2');
  assert.equal(r.json.slots[0].taken, 2);
  // b cancels: c gets the place.
  r = await call('POST', `/api/v1/signups/${sb}/cancel`, {}, b.key);
  assert.equal(r.status, 200, r.text);
  await refused('POST', `/api/v1/signups/${sa}/cancel`, {}, b.key, 403, 'forbidden', /not yours/);
  r = await signup(c, 'now');
  assert.equal(r.status, 201, r.text);
  const sc = r.json.signup;
  // The organisation confirms a and c; another organisation cannot.
  await refused('POST', `/api/v1/signups/${sa}/decide`, { accept: true }, other.token, 403, 'forbidden');
  const codeUrl = '/api/v1/opportunities/creek-2/slots/now/code';
  r = await call('GET', codeUrl, undefined, ngo.token);
  assert.equal(r.status, 200, r.text);
  const code = r.json.code;
  assert.match(code, /^GTV1\.\d+\.now\.[0-9a-f]{20}$/);
  await refused('GET', codeUrl, undefined, other.token, 403, 'forbidden');
  await refused('POST', '/api/v1/checkins', { code }, a.key, 409, 'conflict', /not confirmed/);
  r = await call('POST', `/api/v1/signups/${sa}/decide`, { accept: true }, ngo.token);
  assert.equal(r.status, 200, r.text);
  r = await call('POST', `/api/v1/signups/${sc}/decide`, { accept: true }, ngo.token);
  assert.equal(r.status, 200, r.text);
  await refused('POST', `/api/v1/signups/${sa}/decide`, { accept: true }, ngo.token, 409, 'conflict', /confirmed/);
  // Forged and foreign codes.
  await refused('POST', '/api/v1/checkins', { code: code.slice(0, -1) + (code.endsWith('0') ? '1' : '0') }, a.key, 400, 'invalid', /signature/);
  await refused('POST', '/api/v1/checkins', { code: 'hello' }, a.key, 400, 'invalid');
  await refused('POST', '/api/v1/checkins', { code }, b.key, 409, 'conflict', /not signed up/);
  r = await call('POST', '/api/v1/checkins', { code }, a.key);
  assert.equal(r.status, 201, r.text);
  const session = r.json.session;
  assert.equal(r.json.index, session, 'the session is the check-in entry');
  assert.equal(typeof r.json.at, 'string');
  await refused('POST', '/api/v1/checkins', { code }, a.key, 409, 'already-exists');
  r = await call('POST', '/api/v1/checkouts', { code }, a.key);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.minutes >= 0 && r.json.minutes <= 1, r.text);
  await refused('POST', '/api/v1/checkouts', { code }, a.key, 409, 'conflict', /checked out/);
  // Hours: a correction needs a note and cannot run into the future.
  await refused('POST', `/api/v1/sessions/${session}/hours`, { minutes: 90 }, ngo.token, 400, 'invalid', /no hours in the future/);
  await refused('POST', `/api/v1/sessions/${session}/hours`, {}, other.token, 403, 'forbidden');
  r = await call('POST', `/api/v1/sessions/${session}/hours`, {}, ngo.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'confirmed');
  // The volunteer disputes; the reason stays private; the organisation answers.
  const reason = 'I stayed until the end, 陈静 phone 13800000000';
  personalValue('13800000000');
  r = await call('POST', `/api/v1/sessions/${session}/dispute`, { reason }, a.key);
  assert.equal(r.status, 200, r.text);
  await refused('POST', `/api/v1/sessions/${session}/dispute`, { reason }, a.key, 409, 'conflict', /already disputed/);
  await refused('POST', `/api/v1/sessions/${session}/dispute`, { reason }, c.key, 403, 'forbidden');
  r = await call('GET', '/api/v1/sessions?status=disputed', undefined, ngo.token);
  assert.deepEqual(r.json.sessions.map((s) => s.session), [session]);
  r = await call('GET', `/api/v1/sessions/${session}/disputes`, undefined, ngo.token);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.disputes.map((d) => d.reason), [reason]);
  await refused('GET', `/api/v1/sessions/${session}/disputes`, undefined, other.token, 403, 'forbidden');
  // c checks in too and never checks out: the organisation records their hours, closing it.
  r = await call('POST', '/api/v1/checkins', { code }, c.key);
  assert.equal(r.status, 201, r.text);
  const open = r.json.session;
  await refused('POST', `/api/v1/sessions/${open}/hours`, {}, ngo.token, 409, 'conflict', /still open/);
  await refused('POST', `/api/v1/sessions/${open}/dispute`, { reason: 'x' }, c.key, 409, 'conflict', /still open/);
  r = await call('POST', `/api/v1/sessions/${open}/hours`, { minutes: 0, note: 'left at once' }, ngo.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'corrected');
  // A session recorded by the organisation: not in the future, not overlapping, at most a day.
  r = await signup(a, 'later');
  const later = r.json.signup;
  await call('POST', `/api/v1/signups/${later}/decide`, { accept: true }, ngo.token);
  await refused('POST', '/api/v1/sessions', { signup: later, start: iso(now - 60 * MIN), end: iso(now + 60 * MIN) }, ngo.token, 400, 'invalid', /future/);
  await refused('POST', '/api/v1/sessions', { signup: later, start: iso(now - 30 * 60 * MIN), end: iso(now - 60 * MIN) }, ngo.token, 400, 'invalid', /24 hours/);
  // a's checked-in session lies between the test's start and now.
  const overlapping = { signup: later, start: iso(now - 5 * MIN), end: iso(Date.now() - 5) };
  await refused('POST', '/api/v1/sessions', overlapping, ngo.token, 409, 'conflict', /another session/);
  await refused('POST', '/api/v1/sessions', overlapping, other.token, 403, 'forbidden');
  r = await call('POST', '/api/v1/sessions', { signup: later, start: iso(now - 26 * 60 * MIN), end: iso(now - 23 * 60 * MIN), note: 'training day' }, ngo.token);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.minutes, 180);
  await refused('POST', '/api/v1/sessions', { signup: later, start: iso(now - 50 * 60 * MIN), end: iso(now - 49 * 60 * MIN) }, ngo.token, 409, 'already-exists');
  // The organisation answers the dispute by correcting it.
  // (The session is minutes old: no more than those minutes can be granted.)
  r = await call('POST', `/api/v1/sessions/${session}/hours`, { minutes: 0, note: 'agreed with the volunteer' }, ngo.token);
  assert.equal(r.status, 200, r.text);
  r = await call('GET', `/api/v1/volunteers/${a.id}/sessions`, undefined, a.key);
  assert.equal(r.json.sessions.find((s) => s.session === session).hours, 0);
  // Progress and certificate.
  const year = new Date(now - 26 * 60 * MIN).getUTCFullYear();
  r = await call('GET', `/api/v1/volunteers/${a.id}?year=${year}`, undefined, a.key);
  const expected = 180;
  assert.equal(r.json.progress.minutes, expected, r.text);
  assert.equal(r.json.progress.reached, true);
  r = await call('GET', `/api/v1/volunteers/${a.id}/sessions`, undefined, a.key);
  assert.equal(r.json.sessions.length, 2);
  r = await call('GET', `/api/v1/certificates/${a.ref}?year=${year}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.minutes, expected);
  const cp = await (await fetch(server.url + '/log/checkpoint')).text();
  const vkey = await (await fetch(server.url + '/log/vkey')).text();
  const { size, root } = verifyCheckpoint(cp, vkey);
  for (const item of r.json.items) {
    for (const index of item.entries) {
      const p = await call('GET', `/api/v1/log/proof?index=${index}&tree_size=${size}`);
      assert.equal(p.status, 200, p.text);
      const e = await call('GET', `/api/v1/log/entries/${index}`);
      assert.equal(e.status, 200, e.text);
      const entry = Buffer.from(e.json.raw);
      const got = rootFromInclusion(index, size, leafHash(entry), p.json.hashes.map((h) => Buffer.from(h, 'base64')));
      assert.ok(got && got.equals(root), `entry ${index} is not in the checkpoint`);
      const text = entry.toString();
      assert.ok(!text.includes(a.id), 'the volunteer id is on the log');
    }
  }
  // The certificate of a stranger is empty, a malformed reference is 404.
  r = await call('GET', `/api/v1/certificates/volunteer:${'0'.repeat(64)}`);
  assert.equal(r.json.minutes, 0);
  r = await call('GET', '/api/v1/certificates/nobody');
  assert.equal(r.status, 404);
});

test('a volunteer replaces a key that may have leaked, and erases their details; their hours stay', async () => {
  const v = await volunteer('吴敏');
  let r = await call('POST', `/api/v1/volunteers/${v.id}/key`, {}, v.key);
  assert.equal(r.status, 200, r.text);
  const key = r.json.key;
  assert.notEqual(key, v.key);
  assert.equal(key.slice(0, 20), v.key.slice(0, 20), 'the same id');
  await refused('GET', `/api/v1/volunteers/${v.id}`, undefined, v.key, 401, 'invalid-token');
  r = await call('GET', `/api/v1/volunteers/${v.id}`, undefined, key);
  assert.equal(r.status, 200, r.text);
  await refused('POST', `/api/v1/volunteers/${v.id}/key`, { x: 1 }, key, 400, 'invalid');
  r = await call('GET', '/api/v1/opportunities/creek-2/candidates', undefined, ngo.token);
  assert.ok(r.json.candidates.some((c) => c.volunteer.ref === v.ref));
  r = await call('DELETE', `/api/v1/volunteers/${v.id}`, undefined, key);
  assert.equal(r.status, 200, r.text);
  await refused('GET', `/api/v1/volunteers/${v.id}`, undefined, key, 401, 'invalid-token');
  r = await call('GET', '/api/v1/opportunities/creek-2/candidates', undefined, ngo.token);
  assert.ok(!r.json.candidates.some((c) => c.volunteer.ref === v.ref), 'an erased volunteer is no candidate');
  const dump = run(['store', 'dump', '--data', data.dir, '--private']);
  assert.ok(!dump.stdout.includes('吴敏'), 'the name is still in the store');
});

test('closing an opportunity stops sign-ups and matching', async () => {
  const v = await volunteer('孙悦');
  let r = await call('POST', '/api/v1/opportunities/creek-1/close', { reason: 'season over' }, ngo.token);
  assert.equal(r.status, 200, r.text);
  await refused('POST', '/api/v1/opportunities/creek-1/close', {}, ngo.token, 409, 'conflict');
  // What the path names, the body may not name again; a number in the path must be one.
  await refused('POST', '/api/v1/opportunities/creek-2/close', { opportunity: 'creek-1' }, ngo.token, 400, 'invalid', /comes from the path/);
  await refused('POST', '/api/v1/signups/abc/cancel', {}, v.key, 404, 'not-found');
  await refused('POST', '/api/v1/sessions/1/hours', { session: 2 }, ngo.token, 400, 'invalid', /comes from the path/);
  await refused('POST', '/api/v1/reports/0/resolve', { outcome: 'x' }, admin, 404, 'not-found', /no report 0/);
  await refused('POST', '/api/v1/opportunities/creek-2/close', {}, other.token, 403, 'forbidden');
  await refused('POST', '/api/v1/opportunities/creek-1/signups', { slot: 'later' }, v.key, 409, 'conflict', /closed/);
  r = await call('GET', `/api/v1/volunteers/${v.id}/matches`, undefined, v.key);
  assert.ok(!r.json.matches.some((m) => m.opportunity.id === 'creek-1'));
  r = await call('GET', '/api/v1/opportunities');
  assert.ok(!r.json.opportunities.some((o) => o.id === 'creek-1'));
  r = await call('GET', '/api/v1/opportunities?status=all');
  assert.ok(r.json.opportunities.some((o) => o.id === 'creek-1' && o.status === 'closed'));
  r = await call('GET', '/api/v1/volunteer/totals');
  assert.equal(r.status, 200);
  assert.ok(r.json.confirmed_minutes >= 180);
});
