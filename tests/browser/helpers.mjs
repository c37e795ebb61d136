// Shared helpers of the browser tests: the real goodtrace server on a
// random loopback port with a fresh data directory, seeding it through the
// API, and Debian's Chromium driven by playwright-core.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const GOODTRACE = process.env.GT_GOODTRACE ? path.resolve(process.env.GT_GOODTRACE) : path.join(REPO, 'build/goodtrace');
export const TESTDATA = process.env.GT_TESTDATA ? path.resolve(process.env.GT_TESTDATA) : path.join(REPO, '../shared/testdata');
export const CHROMIUM = process.env.GT_CHROMIUM || '/usr/bin/chromium';
export const AXE = path.join(REPO, 'node_modules/axe-core/axe.min.js');

/** Run a command to its end (with a time limit); resolves { code, stdout, stderr }. */
export function run(cmd, args, { input = null, timeoutMs = 30000 } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${cmd} ${args.join(' ')}: no end after ${timeoutMs} ms`));
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
		child.stdin.end(input ?? undefined);
	});
}

export function requireGoodtrace() {
	if (!fs.existsSync(GOODTRACE))
		throw new Error(`${GOODTRACE} does not exist: build goodtrace first, or set GT_GOODTRACE`);
}

/** A fresh data directory made by `goodtrace init`: { dir, vkey, adminToken }. */
export async function initData() {
	requireGoodtrace();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-browser-'));
	const r = await run(GOODTRACE, ['init', '--data', path.join(dir, 'data')]);
	if (r.code !== 0) throw new Error(`goodtrace init failed (${r.code}): ${r.stderr}`);
	const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
	return { dir, data: path.join(dir, 'data'), vkey: lines[0], adminToken: lines[1] ?? null };
}

/**
 * Start `goodtrace serve` on 127.0.0.1 with any free port, with any more
 * arguments in args (["--clock-file", file]). Resolves
 * { url, vkey, adminToken, stop() } once it prints "listening http://…".
 */
export async function startServer({ timeoutMs = 20000, args = [] } = {}) {
	const d = await initData();
	const child = spawn(GOODTRACE, ['serve', '--data', d.data, '--listen', '127.0.0.1:0', '--web', path.join(REPO, 'web'), ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (x) => (stderr += x));
	const exited = once(child, 'exit');
	const url = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`goodtrace serve: not listening after ${timeoutMs} ms\n${stderr}`)), timeoutMs);
		const rl = readline.createInterface({ input: child.stdout });
		rl.on('line', (line) => {
			const m = line.match(/listening (http:\/\/127\.0\.0\.1:\d+)/);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`goodtrace serve exited (${code}) before listening\n${stderr}`));
		});
	});
	let stopped = false;
	return {
		url,
		vkey: d.vkey,
		adminToken: d.adminToken,
		data: d.data,
		get stderr() {
			return stderr;
		},
		async stop() {
			if (stopped) return;
			stopped = true;
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				const t = setTimeout(() => child.kill('SIGKILL'), 10000);
				await exited;
				clearTimeout(t);
			}
			fs.rmSync(d.dir, { recursive: true, force: true });
		},
	};
}

/** One API call; resolves { status, body } (body parsed when JSON). */
export async function api(server, method, p, { token = null, body = undefined } = {}) {
	const headers = { Accept: 'application/json' };
	if (token) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const res = await fetch(server.url + p, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(15000),
	});
	const text = await res.text();
	let parsed = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: res.status, body: parsed };
}

async function must(server, method, p, opts) {
	const r = await api(server, method, p, opts);
	if (r.status < 200 || r.status > 299) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
	return r.body;
}

/** Register org "acme", a manufacturer token for it, and n attestations. */
export async function seed(server, n) {
	const admin = server.adminToken;
	await must(server, 'POST', '/api/v1/orgs', {
		token: admin,
		body: { id: 'acme', name: 'Acme Vaccines', roles: ['manufacturer'] },
	});
	const { token } = await must(server, 'POST', '/api/v1/tokens', {
		token: admin,
		body: { org: 'acme', role: 'manufacturer' },
	});
	for (let i = 0; i < n; i++) {
		const sha256 = (i + 1).toString(16).padStart(64, '0');
		await must(server, 'POST', '/api/v1/attestations', {
			token,
			body: { sha256, kind: 'report', title: `Batch test report ${i + 1}` },
		});
	}
	const cp = await fetch(`${server.url}/log/checkpoint`).then((r) => r.text());
	return { token, size: Number(cp.split('\n')[1]) };
}

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

export async function launchBrowser() {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
	const { chromium } = await import('playwright-core');
	return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
}

/**
 * A new page in its own context (fresh localStorage) with the given
 * browser language. Console errors and page errors (a CSP violation, an
 * exception) are collected in page.problems.
 */
export async function newPage(browser, { locale = 'en-US', bypassCSP = false } = {}) {
	const context = await browser.newContext({ locale, bypassCSP });
	context.setDefaultTimeout(15000);
	const page = await context.newPage();
	page.problems = [];
	page.on('console', (m) => {
		if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
	});
	page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
	return page;
}

/** Run axe-core on the page; returns the serious and critical violations.
 * Its script is injected inline, so the page must come from a context
 * made with newPage(browser, { bypassCSP: true }). */
export async function axeViolations(page) {
	await page.addScriptTag({ path: AXE });
	const result = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
		}));
	});
	return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
