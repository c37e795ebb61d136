// Shared helpers of the API tests: a real goodtrace server on a random loopback port,
// HTTP with fetch, an independent RFC 6962/9162 verifier, and the privacy check that
// no entry on the log carries a raw personal value that a test sent.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const goodtrace = process.env.GT_GOODTRACE || join(repo, 'build', 'goodtrace');

// Personal values the tests send (contacts of organisations): none may appear on the log.
export const personal = new Set();
export function personalValue(v) {
  personal.add(v);
  return v;
}

export function run(args, opts = {}) {
  const r = spawnSync(goodtrace, args, { encoding: 'utf8', timeout: 120000, ...opts });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(name) {
  return mkdtempSync(join(process.env.TMPDIR || tmpdir(), `gt-api-${name}-`));
}

// A new data directory: { dir, vkey, adminToken }.
export function initData(name) {
  const root = tempDir(name);
  const dir = join(root, 'data');
  const r = run(['init', '--data', dir, '--origin', `goodtrace.test/${name}`]);
  assert.equal(r.code, 0, `init failed: ${r.stderr}`);
  const [vkey, adminToken] = r.stdout.trim().split('\n');
  assert.match(adminToken, /^gt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  return { root, dir, vkey, adminToken };
}

// Start `goodtrace serve` on 127.0.0.1 with a free port; resolves once it listens.
export async function startServer(data, extraArgs = []) {
  const child = spawn(goodtrace, ['serve', '--data', data.dir, '--listen', '127.0.0.1:0',
    ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`server did not start: ${stderr}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening (http:\/\/127\.0\.0\.1:\d+)\n/);
      if (m) { clearTimeout(timer); res(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`server exited ${code}: ${stderr}`)); });
  });
  const exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const server = {
    url, child, exited, data,
    stderr: () => stderr,
    // Graceful stop; resolves with the exit status. Then the privacy check runs over
    // every entry on disk: no test may have put a raw personal value on the log.
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const st = await exited;
      assertNoPersonalData(entriesOnDisk(data.dir));
      return st;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
  return server;
}

// One HTTP request; the body is sent as JSON unless it is a string.
export async function api(server, method, path, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in h)) h['content-type'] = 'application/json';
  }
  const res = await fetch(server.url + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

export async function logSize(server) {
  const r = await fetch(server.url + '/log/checkpoint');
  assert.equal(r.status, 200);
  return Number((await r.text()).split('\n')[1]);
}

// An organisation with a token in one of its roles: { id, token, tokenId }.
export async function makeOrg(server, admin, id, roles, role = roles[0], extra = {}) {
  let r = await api(server, 'POST', '/api/v1/orgs', { token: admin, body: { id, name: `Org ${id}`, roles, ...extra } });
  assert.equal(r.status, 201, r.text);
  r = await api(server, 'POST', '/api/v1/tokens', { token: admin, body: { org: id, role } });
  assert.equal(r.status, 201, r.text);
  return { id, token: r.json.token, tokenId: r.json.id };
}

export function sha256hex(s) {
  return createHash('sha256').update(s).digest('hex');
}

// ---- an independent verifier (RFC 6962 hashing, RFC 9162 proof checks) ----------------

const sha = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
export const leafHash = (entry) => sha(Buffer.from([0]), Buffer.from(entry));
const nodeHash = (l, r) => sha(Buffer.from([1]), l, r);

export function rootFromInclusion(index, size, leaf, proof) {
  if (index >= size) return null;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export function verifyConsistency(size1, size2, root1, root2, proof) {
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (size1 === 0) return proof.length === 0;
  let path = proof;
  if ((size1 & (size1 - 1)) === 0) path = [root1, ...proof];
  let fn = size1 - 1, sn = size2 - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  if (path.length === 0) return false;
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

// Parse and verify a signed checkpoint against a vkey "<name>+<hex id>+<b64(0x01||key)>".
export function verifyCheckpoint(text, vkey) {
  // The name and key id hold no '+'; the base64 key may.
  const p1 = vkey.indexOf('+'), p2 = vkey.indexOf('+', p1 + 1);
  const [name, idhex, keyb64] = [vkey.slice(0, p1), vkey.slice(p1 + 1, p2), vkey.slice(p2 + 1)];
  const keyBytes = Buffer.from(keyb64, 'base64');
  assert.equal(keyBytes[0], 1);
  const sep = text.indexOf('\n\n');
  const body = text.slice(0, sep + 1);
  const [origin, size, root] = body.split('\n');
  const sigLine = text.slice(sep + 2).split('\n').find((l) => l.startsWith(`\u2014 ${name} `));
  assert.ok(sigLine, 'no signature line by the log key');
  const sig = Buffer.from(sigLine.split(' ')[2], 'base64');
  assert.equal(sig.subarray(0, 4).toString('hex'), idhex);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), keyBytes.subarray(1)]);
  const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const ok = edVerify(null, Buffer.from(body), pub, sig.subarray(4));
  return { ok, origin, size: Number(size), root: Buffer.from(root, 'base64') };
}

// Every entry of the log, read through the API.
export async function allEntries(server) {
  const n = await logSize(server);
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await api(server, 'GET', `/api/v1/log/entries/${i}`);
    assert.equal(r.status, 200, r.text);
    out.push(r.json.raw);
  }
  return out;
}

// A tile index as a tlog-tiles path element: 3-digit groups, all but the last with 'x'.
function tileIndex(n) {
  const groups = [];
  do { groups.unshift(String(n % 1000).padStart(3, '0')); n = Math.floor(n / 1000); } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

// Every entry of a data directory's log, read from its entry bundles (as a mirror would).
export function entriesOnDisk(dir) {
  const size = Number(readFileSync(join(dir, 'log', 'checkpoint'), 'utf8').split('\n')[1]);
  const out = [];
  for (let t = 0; t * 256 < size; t++) {
    const width = Math.min(256, size - t * 256);
    const rel = `tile/entries/${tileIndex(t)}${width < 256 ? `.p/${width}` : ''}`;
    const b = readFileSync(join(dir, 'log', rel));
    for (let off = 0; off < b.length && out.length < size;) {
      const len = b.readUInt16BE(off);
      out.push(b.subarray(off + 2, off + 2 + len).toString('utf8'));
      off += 2 + len;
    }
  }
  assert.equal(out.length, size, 'the bundles hold every entry');
  return out;
}

// The privacy check: no entry carries a personal field or a personal value a test sent.
const personalKeys = ['email', 'phone', 'contact', 'name_of_person', 'address', 'id_number'];
export function assertNoPersonalData(raws) {
  for (const raw of raws) {
    const keys = [];
    JSON.parse(raw, (k, v) => { keys.push(k); return v; });
    for (const k of personalKeys) assert.ok(!keys.includes(k), `an entry has a personal field "${k}": ${raw}`);
    for (const v of personal) assert.ok(!raw.toLowerCase().includes(v.toLowerCase()), `an entry carries the personal value "${v}": ${raw}`);
  }
}

// A clock for `serve --clock-file FILE` (tests and drills only): FILE holds a number of
// seconds added to the real time, read again by the server on every use. Pass
// `clock.args` to startServer; `advance` only moves it forward (written whole, by a
// rename, so the server never reads a half-written number); `now()` is the server's
// time in milliseconds.
export function makeClock(data, seconds = 0) {
  const file = join(data.root, 'clock');
  let offset = seconds;
  const write = () => {
    writeFileSync(`${file}.tmp`, `${offset}\n`);
    renameSync(`${file}.tmp`, file);
  };
  write();
  return {
    file,
    args: ['--clock-file', file],
    offset: () => offset,
    now: () => Date.now() + offset * 1000,
    advance(s) {
      assert.ok(s > 0, 'the clock only moves forward');
      offset += s;
      write();
    },
  };
}

export function cleanup(data) {
  rmSync(data.root, { recursive: true, force: true });
}

// A GTIN-14 for the number n (a test company prefix), with its check digit.
export function gtinOf(n) {
  const body = `0950600${String(n).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(body[12 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}
export const product = (gtin, extra = {}) => ({ gtin, name: `Vaccine ${gtin}`, form: 'injection', kind: 'vaccine', ...extra });
export const batch = (gtin, lot, quantity = 100, extra = {}) => ({ gtin, lot, manufactured: '2026-01-10', expiry: '2028-01-09', quantity, ...extra });
