// The green programme made through the API for the browser tests of the
// forest pages (forest, a11y): a partner app, a planting partner with two
// species and a site, a charity with two campaigns, a sponsor with two
// pools (per action and per energy), and a user whose tree was redeemed,
// planted and checked at year 1 and year 3, the server's clock moved ahead
// for each step (serve --clock-file).
//
// The server's clock only ever moves forward: a clock file holds the
// seconds added to real time (docs/green.md, "Testing with another clock").

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { api } from './helpers.mjs';

export const DAY = 86400e3;
const CST = 8 * 3600e3;

export const APP = 'stride';
export const PLANTER = 'desert-green';
export const SPONSOR = 'metro-fund';
export const CHARITY = 'river-friends';
export const SITE = { id: 'alxa-1', name: 'Alxa shelterbelt 1', region: 'Alxa League, Inner Mongolia', latitude: 38.8412, longitude: 105.6717 };
export const SAXAUL = { id: 'saxaul', name: 'Saxaul', name_zh: '梭梭', cost: 1000, region: 'Alxa League, Inner Mongolia', description: 'A desert shrub that holds the sand.', available: true };
export const POPLAR = { id: 'poplar', name: 'Desert poplar', name_zh: '胡杨', cost: 400, region: 'Ejin Banner, Inner Mongolia', available: true };
export const CAMPAIGNS = { meals: { id: 'school-meals', title: 'School meals in Gansu' }, river: { id: 'river-cleanup', title: 'Clean up the Yellow River banks' } };
export const POOLS = { metro: 'metro-for-schools', energy: 'energy-for-rivers' };

async function must(server, method, p, token, body) {
	const r = await api(server, method, p, { token, body });
	if (r.status < 200 || r.status > 299) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
	return r.body;
}

/** The programme's day (China Standard Time) of a time in ms: "2026-11-22". */
export const cstDay = (ms) => new Date(ms + CST).toISOString().slice(0, 10);

/** The same month and day, years later ("2027-04-02" + 1 is "2028-04-02"). */
const yearsLater = (day, n) => `${Number(day.slice(0, 4)) + n}${day.slice(4)}`;

/**
 * The server's clock: a file of seconds added to real time, starting at the
 * next noon in China Standard Time (far from the programme's midnight, so
 * that "today" stays today while a test runs). { file, args (for
 * startServer), offsetMs, now() (the server's time in ms), today() and
 * yesterday() (its programme days), ahead(ms) (move it forward), remove() }.
 */
export function makeClock() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-clock-'));
	const file = path.join(dir, 'clock');
	const real = Date.now();
	let noon = Date.parse(`${cstDay(real)}T04:00:00Z`);
	if (noon < real) noon += DAY;
	const start = Math.ceil((noon - real) / 1000);
	fs.writeFileSync(file, `${start}\n`);
	const clock = {
		file,
		args: ['--clock-file', file],
		offsetMs: start * 1000,
		now: () => Date.now() + clock.offsetMs,
		today: () => cstDay(clock.now()),
		yesterday: () => cstDay(clock.now() - DAY),
		ahead(ms) {
			clock.offsetMs += Math.ceil(ms / 1000) * 1000;
			fs.writeFileSync(file, `${clock.offsetMs / 1000}\n`);
		},
		remove: () => fs.rmSync(dir, { recursive: true, force: true }),
	};
	return clock;
}

/** A user registered through the API: { id, ref, key }. */
export async function makeUser(server) {
	return must(server, 'POST', '/api/v1/green/users', null, {});
}

/** The partner app reports actions ([{user, kind, quantity, day?}], ids made up); resolves the answer. */
export async function report(server, app, actions) {
	return must(server, 'POST', '/api/v1/green/actions', app, { actions: actions.map((a) => ({ id: crypto.randomUUID(), ...a })) });
}

/** Wait until the log's published checkpoint covers every entry made so far. */
export async function published(server) {
	const want = await must(server, 'GET', '/api/v1/log/entries?limit=1');
	const last = want.entries.length ? want.entries[0].index : -1;
	for (let i = 0; i < 200; i++) {
		const cp = await fetch(`${server.url}/log/checkpoint`).then((r) => r.text());
		if (Number(cp.split('\n')[1]) > last) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error('the checkpoint did not reach the last entry');
}

/**
 * Energy for a user, collected: actions reported for the server's
 * yesterday (appeared already) and collected. 1,140 g: a walk of 12,000
 * steps (200 g), 5 metro rides (260 g), 4 bus rides (320 g) and 2 online
 * tickets (360 g). Resolves the actions' answer.
 */
export async function fund(server, g, user, clock) {
	const day = clock ? clock.yesterday() : cstDay(Date.now() - DAY);
	const r = await report(server, g.app, [
		{ user: user.ref, kind: 'walk', quantity: 12000, day },
		{ user: user.ref, kind: 'metro', quantity: 5, day },
		{ user: user.ref, kind: 'bus', quantity: 4, day },
		{ user: user.ref, kind: 'online_ticket', quantity: 2, day },
	]);
	await must(server, 'POST', '/api/v1/green/me/collect', user.key, {});
	return r;
}
export const FUNDED = 1140;

/**
 * Seed the programme. With a clock, the certificate's tree is planted 30
 * days on and checked at year 1 and year 3 (the clock ends about 3 years
 * and 40 days ahead); without one, it is planted today and never checked.
 * The campaigns and pools are made last, so that they are open at the
 * server's time. Returns { app, planter, sponsor, charity, admin (tokens),
 * certUser, tree (its number), planting (index), checks: [index, …],
 * plantingDate }.
 */
export async function seedGreen(server, { clock = null } = {}) {
	const admin = server.adminToken;
	const org = async (id, name, role) => {
		await must(server, 'POST', '/api/v1/orgs', admin, { id, name, roles: [role] });
		return (await must(server, 'POST', '/api/v1/tokens', admin, { org: id, role })).token;
	};
	const g = {
		admin,
		app: await org(APP, 'Stride Steps', 'app'),
		planter: await org(PLANTER, 'Desert Green Alliance', 'planter'),
		sponsor: await org(SPONSOR, 'Metro Green Fund', 'sponsor'),
		charity: await org(CHARITY, 'Friends of the River', 'charity'),
	};
	await must(server, 'PUT', `/api/v1/green/species/${SAXAUL.id}`, g.planter, { ...SAXAUL, id: undefined });
	await must(server, 'PUT', `/api/v1/green/species/${POPLAR.id}`, g.planter, { ...POPLAR, id: undefined });
	await must(server, 'PUT', `/api/v1/green/sites/${SITE.id}`, g.planter, { ...SITE, id: undefined });

	// The certificate's tree: redeemed now, planted, checked.
	g.certUser = await makeUser(server);
	await fund(server, g, g.certUser, clock);
	const redeemed = await must(server, 'POST', '/api/v1/green/me/trees', g.certUser.key, { species: SAXAUL.id });
	g.tree = redeemed.tree ?? redeemed.index;
	g.checks = [];
	const plant = (date) =>
		must(server, 'POST', '/api/v1/green/plantings', g.planter, {
			site: SITE.id,
			species: SAXAUL.id,
			count: 1,
			date,
			latitude: 38.8399,
			longitude: 105.6801,
			photos: [sha('planting photo 1'), sha('planting photo 2')],
			note: 'Planted with the spring rains.',
		});
	if (clock) {
		clock.ahead(30 * DAY);
		g.plantingDate = cstDay(clock.now() - DAY);
		const p = await plant(g.plantingDate);
		g.planting = p.planting ?? p.index;
		clock.ahead(370 * DAY);
		const c1 = await must(server, 'POST', `/api/v1/green/plantings/${g.planting}/checks`, g.planter, { year: 1, date: yearsLater(g.plantingDate, 1), alive: 1, photos: [sha('year 1 photo')] });
		g.checks.push(c1.index);
		clock.ahead((2 * 366 + 10) * DAY);
		const c3 = await must(server, 'POST', `/api/v1/green/plantings/${g.planting}/checks`, g.planter, { year: 3, date: yearsLater(g.plantingDate, 3), alive: 1, photos: [sha('year 3 photo'), sha('year 3 photo, close')] });
		g.checks.push(c3.index);
	} else {
		g.plantingDate = cstDay(Date.now());
		const p = await plant(g.plantingDate);
		g.planting = p.planting ?? p.index;
	}

	// Campaigns and pools, open at the server's time.
	const now = clock ? clock.now() : Date.now();
	for (const c of Object.values(CAMPAIGNS)) {
		await must(server, 'POST', '/api/v1/campaigns', g.charity, {
			id: c.id,
			title: c.title,
			description: 'Funded by sponsors of the green programme.',
			beneficiary: 'The people of the river',
			category: 'environment',
			goal: 10000000,
			currency: 'CNY',
			ends: new Date(now + 200 * DAY).toISOString(),
		});
		await must(server, 'POST', `/api/v1/campaigns/${c.id}/verify`, admin, { status: 'verified', note: 'checked' });
	}
	const ends = new Date(now + 60 * DAY).toISOString();
	await must(server, 'POST', '/api/v1/green/pools', g.sponsor, {
		id: POOLS.metro,
		name: 'Metro rides for school meals',
		currency: 'CNY',
		budget: 100000,
		campaigns: [CAMPAIGNS.meals.id, CAMPAIGNS.river.id],
		per_action: { kinds: ['metro', 'bus'], amount: 10 },
		user_cap: 500,
		ends,
	});
	await must(server, 'POST', '/api/v1/green/pools', g.sponsor, {
		id: POOLS.energy,
		name: 'Energy for the river',
		currency: 'CNY',
		budget: 2000,
		campaigns: [CAMPAIGNS.river.id],
		per_energy: { grams: 100, amount: 5 },
		ends,
	});
	await published(server);
	return g;
}

function sha(text) {
	return crypto.createHash('sha256').update(text).digest('hex');
}
