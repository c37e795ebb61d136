// Crash test through HTTP: many connections write while the server is killed with
// SIGKILL at random moments. After each restart every write that got a 2xx must be in the
// log with exactly what was sent, and the store must equal a rebuild from the log.
// Usage: GT_GOODTRACE=PATH/TO/goodtrace node tests/crash/http-crash-test.mjs [ROUNDS]
// The last line is "http crash: N passed, N failed" (one check per round, plus the end).
import { api, cleanup, initData, logSize, makeOrg, run, sha256hex, startServer } from '../api/helpers.mjs';

const rounds = Number(process.argv[2] || process.env.GT_CRASH_ROUNDS || 20);
const connections = 32;
let passed = 0, failed = 0;

function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.log(`FAIL ${what}`); }
  return ok;
}

const data = initData('crash');
let server = await startServer(data);
const org = await makeOrg(server, data.adminToken, 'pub', ['publisher']);
const acked = new Map(); // index -> sha256 sent
let seq = 0;

// Hammer the server until it dies; resolves with the number of 2xx answers.
async function hammer() {
  let n = 0;
  await Promise.all(Array.from({ length: connections }, async () => {
    for (;;) {
      const batch = seq % 5 === 0;
      const shas = batch ? [0, 1, 2].map((k) => sha256hex(`crash ${seq} ${k}`)) : [sha256hex(`crash ${seq}`)];
      seq++;
      let r;
      try {
        r = batch
          ? await api(server, 'POST', '/api/v1/attestations/batch', { token: org.token, body: { items: shas.map((s) => ({ sha256: s, kind: 'crash' })) } })
          : await api(server, 'POST', '/api/v1/attestations', { token: org.token, body: { sha256: shas[0], kind: 'crash' } });
      } catch {
        return; // killed: the connection broke
      }
      if (r.status !== 201) {
        check(false, `a write got ${r.status}: ${r.text}`);
        return;
      }
      const first = batch ? r.json.first : r.json.index;
      shas.forEach((s, k) => acked.set(first + k, s));
      n++;
    }
  }));
  return n;
}

// Every acknowledged write is in the log, exactly as sent.
async function verifyAcked(indexes) {
  for (const i of indexes) {
    const r = await api(server, 'GET', `/api/v1/log/entries/${i}`);
    if (r.status !== 200 || r.json.entry.data.sha256 !== acked.get(i) || r.json.entry.type !== 'org.attest') {
      return `acknowledged entry ${i} is ${r.status === 200 ? r.json.raw : `missing (${r.status})`}, not sha256 ${acked.get(i)}`;
    }
  }
  return null;
}

const start = Date.now();
for (let round = 1; round <= rounds; round++) {
  const before = new Set(acked.keys());
  const writes = hammer();
  await new Promise((res) => setTimeout(res, 150 + Math.floor(Math.random() * 1200)));
  await server.kill();
  const n = await writes;
  server = await startServer(data); // replays what the store had not applied
  const fresh = [...acked.keys()].filter((i) => !before.has(i));
  let problem = await verifyAcked(fresh);
  const size = await logSize(server);
  if (!problem && [...acked.keys()].some((i) => i >= size)) problem = `an acknowledged index is beyond the log size ${size}`;
  // The store must equal a rebuild from the log: stop, rebuild (exit 0 = identical).
  if (!problem) {
    const st = await server.stop();
    if (st.code !== 0) problem = `the server exited ${st.code} on SIGTERM`;
    const rb = run(['rebuild', '--data', data.dir]);
    if (!problem && rb.code !== 0) problem = `the store differs from a rebuild of the log: ${rb.stderr}`;
    server = await startServer(data);
  }
  check(!problem, `round ${round}: ${problem}`);
  console.log(`round ${round}: ${n} writes acknowledged before SIGKILL (${fresh.length} entries), log size ${size}${problem ? ' FAIL' : ''}`);
}

// At the end: every acknowledged write of every round, and the log verifies.
const problem = await verifyAcked([...acked.keys()]);
check(!problem, `end: ${problem}`);
await server.stop();
const v = run(['verify', '--log', `${data.dir}/log`, '--vkey', data.vkey]);
check(v.code === 0, `end: the log does not verify: ${v.stderr}`);
console.log(`${acked.size} acknowledged entries checked in ${((Date.now() - start) / 1000).toFixed(0)} s`);
if (failed === 0) cleanup(data);
else console.log(`data directory kept: ${data.dir}`);
console.log(`http crash: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
