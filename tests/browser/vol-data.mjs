// Volunteering made through the API for the browser tests of the
// volunteering pages (volunteer, a11y): two NGOs with their tokens,
// opportunities (in person in Shanghai with a slot happening now, remote
// with a project, one with a single place, twenty far away in Beijing so
// that the board has a second page), volunteers with their keys, sign-ups
// confirmed by the NGO, a check-in code, and a volunteer whose year has two
// sessions with confirmed hours for the certificate:
//   session A: recorded by the NGO (3 h, ending an hour ago), then corrected to 2 h 30 min;
//   session B: checked in and out now (0 or 1 min), confirmed as it is.

import { api } from './helpers.mjs';

const MIN = 60e3;
const iso = (ms) => new Date(ms).toISOString();

export const SHANGHAI = { latitude: 31.2304, longitude: 121.4737 };
export const HOME = { latitude: 31.2204, longitude: 121.4637 }; // about 1.4 km away
export const BEIJING = { latitude: 39.9042, longitude: 116.4074 };
export const FILLERS = 20;

async function must(server, method, path, token, body) {
	const r = await api(server, method, path, { token, body });
	if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
	return r.body;
}

/** A volunteer made through the API: { id, key, ref, name }. */
export async function makeVolunteer(server, name, extra = {}) {
	const body = {
		name,
		birth_year: 1990,
		skills: [{ skill: 'first-aid', level: 'advanced' }],
		home: HOME,
		radius_km: 20,
		availability: [{ day: 'sat', from: '08:00', to: '18:00' }],
		utc_offset: '+08:00',
		languages: ['zh', 'en'],
		causes: ['environment'],
		goal_hours: 3,
		...extra,
	};
	const r = await must(server, 'POST', '/api/v1/volunteers', null, body);
	return { ...r, name };
}

/** Wait until the log's published checkpoint covers every entry made so far. */
export async function published(server) {
	const want = await must(server, 'GET', '/api/v1/log/entries?limit=1');
	const last = want.entries.length ? want.entries[0].index : -1;
	for (let i = 0; i < 100; i++) {
		const cp = await fetch(`${server.url}/log/checkpoint`).then((r) => r.text());
		if (Number(cp.split('\n')[1]) > last) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error('the checkpoint did not reach the last entry');
}

/**
 * Seed the volunteering. Returns { ngo, other (tokens), now, opp (ids),
 * code (creek's "now" slot), checker (a volunteer signed up and confirmed
 * for that slot), certVol (the volunteer of the certificate), year,
 * sessions: { A, B } (session numbers), minutes (the year's total) }.
 */
export async function seedVolunteer(server) {
	const admin = server.adminToken;
	await must(server, 'POST', '/api/v1/orgs', admin, { id: 'green-river', name: 'Green River Trust', roles: ['ngo'] });
	await must(server, 'POST', '/api/v1/orgs', admin, { id: 'code-good', name: 'Code for Good', roles: ['ngo'] });
	const ngo = (await must(server, 'POST', '/api/v1/tokens', admin, { org: 'green-river', role: 'ngo' })).token;
	const other = (await must(server, 'POST', '/api/v1/tokens', admin, { org: 'code-good', role: 'ngo' })).token;
	const now = Date.now();
	const later = now + 3 * 86400e3;

	// Far away, posted first: the second page of the board.
	for (let i = 1; i <= FILLERS; i++)
		await must(server, 'POST', '/api/v1/opportunities', ngo, {
			id: `trees-${i}`,
			title: `Tree planting ${i}`,
			cause: 'environment',
			place: { ...BEIJING, venue: 'Olympic Forest Park, Beijing' },
			slots: [{ id: 'day', start: iso(later + i * 86400e3 / 24), end: iso(later + i * 86400e3 / 24 + 120 * MIN), capacity: 10 }],
		});
	await must(server, 'POST', '/api/v1/opportunities', ngo, {
		id: 'archive',
		title: 'Digitise the river archive',
		cause: 'culture',
		place: { ...SHANGHAI, venue: 'Shanghai Library' },
		slots: [
			{ id: 'now', start: iso(now - 10 * MIN), end: iso(now + 180 * MIN), capacity: 5 },
			{ id: 'later', start: iso(later + 86400e3), end: iso(later + 86400e3 + 120 * MIN), capacity: 5 },
		],
	});
	await must(server, 'POST', '/api/v1/opportunities', other, {
		id: 'one-place',
		title: 'Translate our annual report',
		description: 'Chinese into English, about 20 pages.',
		cause: 'education',
		remote: true,
		skills: [{ skill: 'translation', level: 'intermediate' }],
		languages: ['zh', 'en'],
		slots: [{ id: 'week', start: iso(later), end: iso(later + 3 * 86400e3), capacity: 1 }],
	});
	await must(server, 'POST', '/api/v1/opportunities', ngo, {
		id: 'library',
		title: 'Reading hour at the community library',
		cause: 'education',
		place: { ...SHANGHAI, venue: 'Jing’an community library' },
		languages: ['zh'],
		slots: [{ id: 'now', start: iso(now - 5 * MIN), end: iso(now + 60 * MIN), capacity: 3 }],
	});
	await must(server, 'POST', '/api/v1/opportunities', other, {
		id: 'website',
		title: 'Rebuild our website',
		cause: 'technology',
		remote: true,
		skills: [{ skill: 'software', level: 'advanced' }, { skill: 'design', level: 'intermediate' }],
		languages: ['zh', 'en'],
		project: { deliverable: 'A static site with a donation page', weeks: 6 },
		slots: [{ id: 'project', start: iso(now + 86400e3), end: iso(now + 86400e3 + 180 * MIN), capacity: 1 }],
	});
	await must(server, 'POST', '/api/v1/opportunities', ngo, {
		id: 'creek',
		title: 'River clean-up',
		description: 'Litter picking along the Suzhou Creek.',
		cause: 'environment',
		skills: [{ skill: 'first-aid', level: 'basic' }],
		welcome: ['photography-video'],
		place: { ...SHANGHAI, venue: 'People’s Square, Shanghai' },
		languages: ['zh'],
		min_age: 16,
		slots: [
			{ id: 'now', start: iso(now - 10 * MIN), end: iso(now + 120 * MIN), capacity: 3 },
			{ id: 'later', start: iso(later), end: iso(later + 180 * MIN), capacity: 5 },
		],
	});

	// A volunteer signed up for creek's slot happening now, confirmed: they check in on the page.
	const checker = await makeVolunteer(server, '陈静');
	const signup = (v, opp, slot) => must(server, 'POST', `/api/v1/opportunities/${opp}/signups`, v.key, { slot });
	const s1 = await signup(checker, 'creek', 'now');
	await must(server, 'POST', `/api/v1/signups/${s1.signup}/decide`, ngo, { accept: true });
	const code = (await must(server, 'GET', '/api/v1/opportunities/creek/slots/now/code', ngo)).code;

	// The certificate's volunteer: two sessions of archive.
	const certVol = await makeVolunteer(server, '王芳', { skills: [{ skill: 'research', level: 'expert' }], causes: ['culture'] });
	const a = await signup(certVol, 'archive', 'later');
	await must(server, 'POST', `/api/v1/signups/${a.signup}/decide`, ngo, { accept: true });
	const recorded = await must(server, 'POST', '/api/v1/sessions', ngo, { signup: a.signup, start: iso(now - 240 * MIN), end: iso(now - 60 * MIN), note: 'cataloguing' });
	await must(server, 'POST', `/api/v1/sessions/${recorded.session}/hours`, ngo, { minutes: 150, note: 'left half an hour early' });
	const b = await signup(certVol, 'archive', 'now');
	await must(server, 'POST', `/api/v1/signups/${b.signup}/decide`, ngo, { accept: true });
	const archiveCode = (await must(server, 'GET', '/api/v1/opportunities/archive/slots/now/code', ngo)).code;
	const checkin = await must(server, 'POST', '/api/v1/checkins', certVol.key, { code: archiveCode });
	const out = await must(server, 'POST', '/api/v1/checkouts', certVol.key, { code: archiveCode });
	await must(server, 'POST', `/api/v1/sessions/${checkin.session}/hours`, ngo, {});
	await published(server);
	const yearA = new Date(now - 240 * MIN).getUTCFullYear();
	return {
		ngo,
		other,
		now,
		code,
		checker,
		checkerSignup: s1.signup,
		certVol,
		year: yearA,
		sessions: { A: recorded.session, B: checkin.session },
		// (Session B is in another year only when the tests run in the first hours of 1 January, UTC.)
		minutes: 150 + (new Date(checkin.checked_in).getUTCFullYear() === yearA ? out.minutes : 0),
		bMinutes: out.minutes,
	};
}
