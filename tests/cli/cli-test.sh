#!/usr/bin/env bash
# End-to-end tests of the goodtrace command line: help and usage errors, init, append, key,
# proofs, verify (local, over HTTP, tampered, wrong key, --since), input limits, tile layout.
# Proofs, roots and tiles are checked against a reference written from RFC 6962/9162 and
# tlog-tiles in Python, independent of the C code.
# Usage: cli-test.sh PATH/TO/goodtrace   Last line: "cli: N passed, N failed".
# Checks are written as `check DESC eval '...'`: the test expands when it runs.
# shellcheck disable=SC2016,SC2034
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 PATH/TO/goodtrace" >&2
	exit 2
fi
gt=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/goodtrace-cli.XXXXXX") || exit 1
servers=()
cleanup() {
	[ ${#servers[@]} -eq 0 ] || kill "${servers[@]}" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ref=$tmp/ref.py
cat >"$ref" <<'PY'
"""Reference computations for the CLI tests, written from RFC 6962/9162 and C2SP tlog-tiles,
independent of the C code: Merkle roots, inclusion and consistency proofs, tiles, bundles.

Usage: python3 ref.py COMMAND ARGS...   (exit 0 when the check holds, 1 with a message if not)
  root LINES N                       print base64 root hash of the first N lines
  proof LINES JSON I N               JSON is `log proof` output for index I in a tree of size N
  consistency LINES JSON M N         JSON is `log consistency` output from M to N
  bundle LINES FILE FIRST COUNT      FILE is an entry bundle holding lines FIRST.. (COUNT of them)
  tile LINES FILE LEVEL N WIDTH      FILE is hash tile LEVEL/N with WIDTH hashes
  checkpoint FILE VKEY ORIGIN SIZE ROOT OUT
                                     FILE is a checkpoint for that origin, size and root,
                                     signed by VKEY: writes OUT.msg, OUT.sig, OUT.pem for openssl
  flip FILE OFFSET                   invert one byte of FILE in place
  freeport                           print a free TCP port on 127.0.0.1
LINES is a file of entries, one per line.
"""
import base64
import hashlib
import json
import socket
import sys


def fail(msg):
    print(msg)
    sys.exit(1)


def read_lines(path):
    data = open(path, "rb").read()
    if data.endswith(b"\n"):
        data = data[:-1]
    return data.split(b"\n")


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n):
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(hashes):
    """Merkle tree hash of a list of leaf hashes (RFC 6962 section 2.1)."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = split_point(len(hashes))
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def inclusion_path(m, hashes):
    if len(hashes) <= 1:
        return []
    k = split_point(len(hashes))
    if m < k:
        return inclusion_path(m, hashes[:k]) + [mth(hashes[k:])]
    return inclusion_path(m - k, hashes[k:]) + [mth(hashes[:k])]


def subproof(m, hashes, complete):
    n = len(hashes)
    if m == n:
        return [] if complete else [mth(hashes)]
    k = split_point(n)
    if m <= k:
        return subproof(m, hashes[:k], complete) + [mth(hashes[k:])]
    return subproof(m - k, hashes[k:], False) + [mth(hashes[:k])]


def b64(b):
    return base64.b64encode(b).decode()


def load_json(path):
    try:
        return json.load(open(path))
    except ValueError as e:
        fail("not JSON (%s): %r" % (e, open(path).read()[:300]))


def expect(what, got, want):
    if got != want:
        fail("%s: got %r, want %r" % (what, got, want))


def cmd_root(lines, n):
    print(b64(mth([leaf_hash(e) for e in read_lines(lines)[: int(n)]])))


def cmd_proof(lines, path, i, n):
    i, n = int(i), int(n)
    hashes = [leaf_hash(e) for e in read_lines(lines)[:n]]
    doc = load_json(path)
    expect("index", doc.get("index"), i)
    expect("tree_size", doc.get("tree_size"), n)
    expect("leaf_hash", doc.get("leaf_hash"), b64(hashes[i]))
    expect("hashes", doc.get("hashes"), [b64(h) for h in inclusion_path(i, hashes)])


def cmd_consistency(lines, path, m, n):
    m, n = int(m), int(n)
    hashes = [leaf_hash(e) for e in read_lines(lines)[:n]]
    doc = load_json(path)
    expect("from", doc.get("from"), m)
    expect("to", doc.get("to"), n)
    expect("hashes", doc.get("hashes"), [b64(h) for h in subproof(m, hashes, True)])


def cmd_bundle(lines, path, first, count):
    first, count = int(first), int(count)
    want = read_lines(lines)[first : first + count]
    data = open(path, "rb").read()
    got, off = [], 0
    while off < len(data):
        if off + 2 > len(data):
            fail("bundle %s: truncated length prefix at byte %d" % (path, off))
        size = int.from_bytes(data[off : off + 2], "big")
        got.append(data[off + 2 : off + 2 + size])
        off += 2 + size
    if off != len(data):
        fail("bundle %s: last entry runs past the end" % path)
    expect("bundle %s entry count" % path, len(got), count)
    for j, (g, w) in enumerate(zip(got, want)):
        expect("bundle %s entry %d" % (path, j), g, w)


def cmd_tile(lines, path, level, n, width):
    level, n, width = int(level), int(n), int(width)
    span = 256**level  # leaves under one hash of this level
    leaves = [leaf_hash(e) for e in read_lines(lines)]
    want = b""
    for j in range(n * 256, n * 256 + width):
        want += mth(leaves[j * span : (j + 1) * span])
    got = open(path, "rb").read()
    if got != want:
        fail("tile %s: %d bytes, not the %d expected hash bytes" % (path, len(got), len(want)))


def cmd_checkpoint(path, vkey, origin, size, root, out):
    """Check the note text and that its signature line names the key and has the right shape;
    then write the signed text, signature and public key (PEM) to OUT.* for openssl."""
    text = open(path, "rb").read().decode()
    body, sep, sigs = text.partition("\n\n")
    expect("checkpoint body", body + "\n", "%s\n%s\n%s\n" % (origin, size, root))
    if not sep:
        fail("checkpoint has no blank line before its signatures")
    name, keyid, key = vkey.split("+", 2)
    key = base64.b64decode(key)
    expect("verifier key algorithm byte", key[:1], b"\x01")
    expect("verifier key length", len(key), 33)
    want_id = hashlib.sha256(name.encode() + b"\n\x01" + key[1:]).digest()[:4]
    expect("verifier key id", keyid, want_id.hex())
    for line in sigs.splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == "\u2014" and parts[1] == name:
            sig = base64.b64decode(parts[2])
            expect("signature key id", sig[:4].hex(), keyid)
            expect("signature length", len(sig), 68)
            open(out + ".msg", "wb").write((body + "\n").encode())
            open(out + ".sig", "wb").write(sig[4:])
            der = bytes.fromhex("302a300506032b6570032100") + key[1:]
            pem = "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % b64(der)
            open(out + ".pem", "w").write(pem)
            return
    fail("no signature line '\u2014 %s <base64>' in %r" % (name, sigs))


def cmd_flip(path, offset):
    offset = int(offset)
    data = bytearray(open(path, "rb").read())
    data[offset] ^= 0x20
    open(path, "wb").write(bytes(data))


def cmd_freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


if __name__ == "__main__":
    commands = {
        "root": cmd_root,
        "proof": cmd_proof,
        "consistency": cmd_consistency,
        "bundle": cmd_bundle,
        "tile": cmd_tile,
        "checkpoint": cmd_checkpoint,
        "flip": cmd_flip,
        "freeport": cmd_freeport,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        fail(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
PY

passed=0 failed=0 n=0
ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	[ $# -lt 2 ] || printf '%s\n' "$2" | head -n 40 | sed 's/^/#   /'
}

# gtr ARGS...: run goodtrace; sets rc, with its output in $tmp/out and $tmp/err.
gtr() {
	timeout 300 "$gt" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	last="goodtrace $*"
}
# what the last gtr did, for a failure report
ctx() {
	echo "$last: exit $rc"
	echo "stdout: $(head -c 1500 "$tmp/out")"
	echo "stderr: $(head -c 1500 "$tmp/err")"
}
# check DESC TEST...: passes when the test command succeeds; reports the last gtr if not.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "$(ctx)"; fi
}
# refc DESC ARGS...: a check by the Python reference.
refc() {
	local desc=$1 out
	shift
	if out=$(python3 "$ref" "$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}
# checkpoint_ok DESC FILE VKEY ORIGIN SIZE ROOT: FILE says ORIGIN, SIZE and ROOT, has a
# signature line for VKEY, and openssl verifies that Ed25519 signature.
checkpoint_ok() {
	local desc=$1 out
	shift
	if out=$(python3 "$ref" checkpoint "$@" "$tmp/sig" 2>&1) &&
		out=$(openssl pkeyutl -verify -pubin -inkey "$tmp/sig.pem" -rawin \
			-in "$tmp/sig.msg" -sigfile "$tmp/sig.sig" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "$out"
	fi
}
# err_has REGEX: the last command's stderr (or stdout) matches REGEX, case-insensitively.
err_has() {
	grep -qiE "$1" "$tmp/err" "$tmp/out"
}
size_of() { # CHECKPOINT: its size line
	sed -n 2p "$1"
}
leaf_b64() { # FILE: base64(SHA-256(0x00 || contents of FILE)) by openssl
	{ printf '\0'; cat "$1"; } | openssl dgst -sha256 -binary | openssl base64 -A
}
json_field() { # FILE FIELD: a top-level field of a JSON document
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null
}
# serve DIR: start a static HTTP server for DIR on a free loopback port; sets port.
serve() {
	local i pid
	for _ in 1 2 3 4 5; do
		port=$(python3 "$ref" freeport) || return 1
		python3 -m http.server --bind 127.0.0.1 --directory "$1" "$port" \
			>"$tmp/http-$port.log" 2>&1 &
		pid=$!
		servers+=("$pid")
		for i in $(seq 50); do
			(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	done
	return 1
}
stop_servers() {
	[ ${#servers[@]} -eq 0 ] || kill "${servers[@]}" 2>/dev/null
	wait 2>/dev/null
	servers=()
}

for tool in python3 openssl; do
	command -v "$tool" >/dev/null || { echo "cli tests need $tool (scripts/deps installs it)"; exit 1; }
done

# Entries: varied lengths (1 to ~350 bytes), UTF-8, tabs, quotes, backslashes, edge spaces.
lines=$tmp/lines
LC_ALL=C awk 'BEGIN {
	pad = "0123456789abcdefghijklmnopqrstuvwxyz"
	for (i = 0; i < 1500; i++) {
		if (i % 50 == 7) { print substr("xyz", 1, 1 + i % 3); continue }
		s = sprintf(" entry %d \"quoted\" back\\slash\ttab \xe7\x96\xab\xe8\x8b\x97 ", i)
		want = length(s) + (i * 37) % 300
		while (length(s) < want) s = s pad
		print substr(s, 1, want) (i % 11 == 0 ? "  " : "")
	}
}' >"$lines"
head -n 1000 "$lines" >"$tmp/lines-1000"
origin=example.org/cli-test

echo "# help and usage errors"
for cmd in "" init log "log append" "log key" "log proof" "log consistency" verify audit bench "bench log" "bench match" \
	serve token "token create" "token list" "token revoke" rebuild "store dump"; do
	# shellcheck disable=SC2086 # the command words are split on purpose
	gtr $cmd --help
	check "goodtrace ${cmd:+$cmd }--help exits 0 with usage on stdout" \
		eval '[ $rc -eq 0 ] && grep -qi usage "$tmp/out"'
	# shellcheck disable=SC2086
	gtr $cmd --no-such-option
	check "goodtrace ${cmd:+$cmd }--no-such-option exits 2 with a message" \
		eval '[ $rc -eq 2 ] && [ -s "$tmp/err" ]'
done
GOODTRACE_DATA= GOODTRACE_LISTEN= gtr serve
check "goodtrace serve without --data exits 2 naming --data" eval '[ $rc -eq 2 ] && grep -q -- "--data" "$tmp/err"'
gtr serve --data "$tmp" --listen nonsense
check "goodtrace serve --listen nonsense exits 2 naming HOST:PORT" eval '[ $rc -eq 2 ] && grep -q "HOST:PORT" "$tmp/err"'
for bad in 0 60001 -5 1x ""; do
	gtr serve --data "$tmp" --checkpoint-interval "$bad"
	check "goodtrace serve --checkpoint-interval '$bad' exits 2 naming the range" eval '[ $rc -eq 2 ] && grep -q "from 1 to 60000" "$tmp/err"'
done
GOODTRACE_CHECKPOINT_INTERVAL=zero gtr serve --data "$tmp"
check "GOODTRACE_CHECKPOINT_INTERVAL=zero is refused like the option" eval '[ $rc -eq 2 ] && grep -q "not .zero." "$tmp/err"'
gtr token create --data "$tmp" --org a --role wizard
check "goodtrace token create with an unknown role exits 2" eval '[ $rc -eq 2 ] && grep -q "not a role" "$tmp/err"'
gtr no-such-command
check "goodtrace no-such-command exits 2" [ $rc -eq 2 ]
gtr log no-such-command
check "goodtrace log no-such-command exits 2" [ $rc -eq 2 ]

echo "# init"
A=$tmp/a
gtr init --log-only --data "$A" --origin "$origin"
check "init exits 0" [ $rc -eq 0 ]
vkey=$(head -n 1 "$tmp/out")
check "init prints the verifier key <name>+<8 hex>+<base64> first" \
	eval '[[ $vkey =~ ^[^+[:space:]]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$ ]]'
check "init prints an admin note on stderr" [ -s "$tmp/err" ]
check "init creates log/checkpoint, log.key, log.vkey, log.state/" \
	eval '[ -f "$A/log/checkpoint" ] && [ -f "$A/log.key" ] && [ -f "$A/log.vkey" ] && [ -d "$A/log.state" ]'
check "log.key has mode 0600" eval '[ "$(stat -c %a "$A/log.key")" = 600 ]'
check "log.vkey holds the key init printed" eval '[ "$(cat "$A/log.vkey")" = "$vkey" ]'
empty_root=$(python3 "$ref" root /dev/null 0)
checkpoint_ok "the new checkpoint is signed and says: origin, size 0, root of the empty tree" \
	"$A/log/checkpoint" "$vkey" "$origin" 0 "$empty_root"
key_sum=$(sha256sum "$A/log.key")
gtr init --log-only --data "$A" --origin "$origin"
check "init on an existing data directory fails" [ $rc -ne 0 ]
check "... and leaves log.key as it was" eval '[ "$(sha256sum "$A/log.key")" = "$key_sum" ]'

echo "# append"
gtr log append --data "$A" <"$tmp/lines-1000"
check "append of 1000 lines exits 0" [ $rc -eq 0 ]
check "append prints the indices 0..999 in order" eval 'seq 0 999 | cmp -s - "$tmp/out"'
check "the checkpoint size becomes 1000" eval '[ "$(size_of "$A/log/checkpoint")" = 1000 ]'
root1000=$(python3 "$ref" root "$lines" 1000)
checkpoint_ok "the checkpoint is signed and its root is the RFC 6962 root of the 1000 entries" \
	"$A/log/checkpoint" "$vkey" "$origin" 1000 "$root1000"

echo "# key and proofs"
gtr log key --data "$A"
check "log key prints the key init printed" eval '[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$vkey" ]'
for i in 0 123 999; do
	gtr log proof --data "$A" --index $i
	cp "$tmp/out" "$tmp/proof-$i.json"
	check "log proof --index $i exits 0" [ $rc -eq 0 ]
	refc "log proof --index $i is the RFC 6962 inclusion proof in a tree of 1000" \
		proof "$lines" "$tmp/proof-$i.json" $i 1000
done
sed -n 124p "$lines" | tr -d '\n' >"$tmp/line-123"
check "leaf_hash of index 123 is base64(SHA-256(0x00 || line)) as openssl computes it" \
	eval '[ "$(json_field "$tmp/proof-123.json" leaf_hash)" = "$(leaf_b64 "$tmp/line-123")" ]'
gtr log proof --data "$A" --index 5 --size 10
cp "$tmp/out" "$tmp/proof-5-10.json"
refc "log proof --index 5 --size 10 is the proof in the tree of the first 10" \
	proof "$lines" "$tmp/proof-5-10.json" 5 10
gtr log proof --data "$A" --index 1000
check "log proof --index 1000 (past the end) fails" [ $rc -ne 0 ]
gtr log consistency --data "$A" --from 10 --to 1000
cp "$tmp/out" "$tmp/cons.json"
check "log consistency --from 10 --to 1000 exits 0" [ $rc -eq 0 ]
refc "log consistency --from 10 --to 1000 is the RFC 6962 consistency proof" \
	consistency "$lines" "$tmp/cons.json" 10 1000
gtr log consistency --data "$A" --from 300
cp "$tmp/out" "$tmp/cons2.json"
refc "log consistency --from 300 goes to the current size" consistency "$lines" "$tmp/cons2.json" 300 1000

echo "# verify"
gtr verify --log "$A/log" --vkey "$vkey"
check "verify passes" [ $rc -eq 0 ]
cp "$A/log/checkpoint" "$tmp/checkpoint-1000"
gtr log append --data "$A" < <(sed -n '1001,1500p' "$lines")
check "a second append prints 1000..1499" eval '[ $rc -eq 0 ] && seq 1000 1499 | cmp -s - "$tmp/out"'
checkpoint_ok "... and the signed checkpoint covers all 1500" \
	"$A/log/checkpoint" "$vkey" "$origin" 1500 "$(python3 "$ref" root "$lines" 1500)"
gtr verify --log "$A/log" --vkey "$vkey" --since "$tmp/checkpoint-1000"
check "verify --since an older checkpoint of the same log passes" [ $rc -eq 0 ]

B=$tmp/b
gtr init --log-only --data "$B" --origin "$origin"
vkey_b=$(head -n 1 "$tmp/out")
printf 'other-1\nother-2\nother-3\n' >"$tmp/other"
gtr log append --data "$B" <"$tmp/other"
check "a second log (same origin, other key) takes 3 entries" [ $rc -eq 0 ]
gtr verify --log "$A/log" --vkey "$vkey_b"
check "verify with another log's key fails with exit 1" [ $rc -eq 1 ]
check "... and says the signature is wrong" err_has signature
gtr verify --log "$A/log" --vkey "$vkey" --since "$B/log/checkpoint"
check "verify --since a checkpoint of another log fails with exit 1" [ $rc -eq 1 ]
gtr verify --log "$tmp/no-such-dir" --vkey "$vkey"
check "verify of a missing directory fails with exit 1" [ $rc -eq 1 ]

echo "# tampering"
T1=$tmp/t1
cp -R "$A/log" "$T1"
offset=$(LC_ALL=C awk 'NR <= 100 { o += 2 + length($0) } NR == 101 { print o + 2 + int(length($0) / 2); exit }' "$lines")
python3 "$ref" flip "$T1/tile/entries/000" "$offset"
gtr verify --log "$T1" --vkey "$vkey"
check "verify fails (exit 1) when a byte of entry 100 in tile/entries/000 is flipped" [ $rc -eq 1 ]
check "... and names the entry or tile" err_has 'entr|tile'
T2=$tmp/t2
cp -R "$A/log" "$T2"
python3 "$ref" flip "$T2/tile/0/001" 1000
gtr verify --log "$T2" --vkey "$vkey"
check "verify fails (exit 1) when a byte of hash tile tile/0/001 is flipped" [ $rc -eq 1 ]
T3=$tmp/t3
cp -R "$A/log" "$T3"
rm "$T3/tile/entries/002"
gtr verify --log "$T3" --vkey "$vkey"
check "verify fails (exit 1) when tile/entries/002 is missing" [ $rc -eq 1 ]
T4=$tmp/t4
cp -R "$A/log" "$T4"
sed -i '2s/.*/1499/' "$T4/checkpoint"
gtr verify --log "$T4" --vkey "$vkey"
check "verify fails (exit 1) when the checkpoint's size is edited" [ $rc -eq 1 ]

echo "# verify over HTTP"
if serve "$A/log"; then
	gtr verify --log "http://127.0.0.1:$port/" --vkey "$vkey"
	check "verify --log http://127.0.0.1:PORT/ (python3 -m http.server) passes" [ $rc -eq 0 ]
	gtr verify --log "http://127.0.0.1:$port/" --vkey "$vkey" --since "$tmp/checkpoint-1000"
	check "... and with --since an older checkpoint" [ $rc -eq 0 ]
	gtr verify --log "http://127.0.0.1:$port/" --vkey "$vkey_b"
	check "... and fails (exit 1) with another key" [ $rc -eq 1 ]
else
	not_ok "start python3 -m http.server on a loopback port" "$(cat "$tmp"/http-*.log)"
fi
if serve "$tmp"; then
	gtr verify --log "http://127.0.0.1:$port/t1/" --vkey "$vkey"
	check "verify over HTTP of the log with a flipped entry byte fails (exit 1)" [ $rc -eq 1 ]
	gtr verify --log "http://127.0.0.1:$port/a/log/" --vkey "$vkey"
	check "verify over HTTP of a log under a path prefix passes" [ $rc -eq 0 ]
else
	not_ok "start python3 -m http.server on a loopback port" "$(cat "$tmp"/http-*.log)"
fi
stop_servers
port=$(python3 "$ref" freeport)
gtr verify --log "http://127.0.0.1:$port/" --vkey "$vkey"
check "verify over HTTP with no server listening fails (exit 1)" [ $rc -eq 1 ]

echo "# audit"
gtr audit --log "$A/log" --vkey "$vkey"
check "audit of a log without give entries passes (exit 0)" eval '[ $rc -eq 0 ] && grep -q "0 campaigns" "$tmp/out"'
gtr audit --log "$T1" --vkey "$vkey"
check "audit of the log with a flipped entry byte fails (exit 1)" [ $rc -eq 1 ]
gtr audit --log "$A/log" --vkey "nobody+00000000+AAAA"
check "audit with a malformed key exits 2" [ $rc -eq 2 ]
gtr audit --log "$A/log" --vkey "$vkey" --receipts 5
check "audit --receipts without --server exits 2" [ $rc -eq 2 ]
printf '%s\n' '{"at":"2026-11-03T09:00:00.000Z","by":"org:hope","data":{"amount":5,"campaign":"nowhere","channel":"app","code":"X"},"type":"give.donation","v":1}' |
	gtr log append --data "$B"
gtr audit --log "$B/log" --vkey "$vkey_b"
check "audit of a donation to a campaign not on the log fails (exit 1) naming entry 3" \
	eval '[ $rc -eq 1 ] && grep -q "entry 3 (give.donation): campaign \"nowhere\"" "$tmp/err"'
G=$tmp/g
gtr init --log-only --data "$G" --origin "$origin"
vkey_g=$(head -n 1 "$tmp/out")
user=green:$(printf '7%.0s' $(seq 64))
collect='{"at":"2027-01-30T03:00:00.000Z","by":"user","data":{"days":[{"day":"2027-01-29","grams":200}],"grams":200,"user":"'"$user"'"},"type":"green.collect","v":1}'
printf '%s\n' \
	'{"at":"2027-01-30T02:00:00.000Z","by":"org:app","data":{"actions":[{"day":"2027-01-29","grams":200,"kind":"walk","quantity":12000,"ref":"0123456789abcdef01234567","user":"'"$user"'"}]},"type":"green.actions","v":1}' \
	"$collect" | gtr log append --data "$G"
gtr audit --log "$G/log" --vkey "$vkey_g"
check "audit of a log with green entries prints the green totals (exit 0)" \
	eval '[ $rc -eq 0 ] && grep -q "^green: 2 entries, as of " "$tmp/out" &&
		grep -q "^  energy: credited 200 g, collected 200 g, expired 0 g, pending 0 g, spent 0 g; 1 actions$" "$tmp/out" &&
		grep -q "^  kind walk: 200 g, 1 actions$" "$tmp/out"'
gtr audit --log "$G/log" --vkey "$vkey_g" --json
check "audit --json has the green totals" \
	eval '[ $rc -eq 0 ] && python3 -c "import json,sys; g=json.load(sys.stdin)[\"green\"]; assert g[\"energy\"][\"collected\"] == 200, g" <"$tmp/out"'
printf '%s\n' "$collect" | gtr log append --data "$G"
gtr audit --log "$G/log" --vkey "$vkey_g"
check "audit of energy collected twice fails (exit 1) naming entry 2" \
	eval '[ $rc -eq 1 ] && grep -q "entry 2 (green.collect): days\[0\]: collects 200 g of 2027-01-29, but the user earned 200 g that day" "$tmp/err"'

echo "# input limits"
E=$tmp/e
gtr init --log-only --data "$E"
gtr log append --data "$E" < <(printf 'first\n\nnever\n')
check "an empty line makes append exit 2 with a message" eval '[ $rc -eq 2 ] && [ -s "$tmp/err" ]'
check "... after committing the lines before it" \
	eval '[ "$(cat "$tmp/out")" = 0 ] && [ "$(size_of "$E/log/checkpoint")" = 1 ]'
python3 -c 'print("y" * 65536)' >"$tmp/line-65536"
gtr log append --data "$E" <"$tmp/line-65536"
check "a 65536-byte line makes append exit 2" eval '[ $rc -eq 2 ] && [ ! -s "$tmp/out" ]'
check "... and appends nothing" eval '[ "$(size_of "$E/log/checkpoint")" = 1 ]'
python3 -c 'print("z" * 65535)' >"$tmp/line-65535"
gtr log append --data "$E" <"$tmp/line-65535"
check "a 65535-byte line is appended as index 1" eval '[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = 1 ]'
gtr log proof --data "$E" --index 1
cp "$tmp/out" "$tmp/proof-big.json"
head -c 65535 "$tmp/line-65535" >"$tmp/line-65535.raw"
check "... and its leaf hash is right" \
	eval '[ "$(json_field "$tmp/proof-big.json" leaf_hash)" = "$(leaf_b64 "$tmp/line-65535.raw")" ]'
gtr verify --log "$E/log" --vkey "$(cat "$E/log.vkey")"
check "verify passes on that log" [ $rc -eq 0 ]

echo "# tile layout after 70000 entries"
F=$tmp/f
gtr init --log-only --data "$F"
awk 'BEGIN { for (i = 0; i < 70000; i++) print "tile-entry-" i }' >"$tmp/lines-70000"
gtr log append --data "$F" --batch 1024 <"$tmp/lines-70000"
check "append of 70000 lines with --batch 1024 prints 0..69999" \
	eval '[ $rc -eq 0 ] && seq 0 69999 | cmp -s - "$tmp/out"'
for f in 0/000 0/272 0/273.p/112 1/000 1/001.p/17 2/000.p/1 entries/000 entries/272 entries/273.p/112; do
	check "tile/$f exists" [ -f "$F/log/tile/$f" ]
done
check "there is no tile/0/273 (it is partial)" [ ! -e "$F/log/tile/0/273" ]
bad=$(find "$F/log/tile/0" -maxdepth 1 -type f ! -size 8192c)
check "each of the 273 full level-0 tiles is 8192 bytes" \
	eval '[ -z "$bad" ] && [ "$(find "$F/log/tile/0" -maxdepth 1 -type f | wc -l)" = 273 ]'
refc "tile/0/272 holds the leaf hashes of entries 69632..69887" \
	tile "$tmp/lines-70000" "$F/log/tile/0/272" 0 272 256
refc "tile/0/273.p/112 holds the leaf hashes of entries 69888..69999" \
	tile "$tmp/lines-70000" "$F/log/tile/0/273.p/112" 0 273 112
refc "tile/1/000 holds the hashes of the first 256 level-0 tiles" \
	tile "$tmp/lines-70000" "$F/log/tile/1/000" 1 0 256
refc "tile/1/001.p/17 holds the hashes of level-0 tiles 256..272" \
	tile "$tmp/lines-70000" "$F/log/tile/1/001.p/17" 1 1 17
refc "tile/2/000.p/1 holds the hash of the first 65536 entries" \
	tile "$tmp/lines-70000" "$F/log/tile/2/000.p/1" 2 0 1
refc "tile/entries/000 holds entries 0..255 with uint16 length prefixes" \
	bundle "$tmp/lines-70000" "$F/log/tile/entries/000" 0 256
refc "tile/entries/273.p/112 holds entries 69888..69999" \
	bundle "$tmp/lines-70000" "$F/log/tile/entries/273.p/112" 69888 112
checkpoint_ok "the signed checkpoint's root is the root of the 70000 entries" \
	"$F/log/checkpoint" "$(cat "$F/log.vkey")" "$(head -n 1 "$F/log/checkpoint")" \
	70000 "$(python3 "$ref" root "$tmp/lines-70000" 70000)"
gtr verify --log "$F/log" --vkey "$(cat "$F/log.vkey")"
check "verify passes on the 70000-entry log" [ $rc -eq 0 ]

echo "# bench"
gtr bench log --entries 2000 --size 64 --batch 100
check "bench log --entries 2000 --size 64 --batch 100 exits 0 and prints figures" \
	eval '[ $rc -eq 0 ] && [ -s "$tmp/out" ]'

gtr bench match --volunteers 2000 --opportunities 200 --queries 100
check "bench match on 2000 volunteers exits 0 and prints p99 for both kinds of query" \
	eval '[ $rc -eq 0 ] && [ "$(grep -c "p99" "$tmp/out")" -ge 2 ]'
gtr bench match --volunteers 0
check "bench match --volunteers 0 exits 2 with a message" eval '[ $rc -eq 2 ] && [ -s "$tmp/err" ]'

echo "# gs1"
gtr gs1 --help
check "goodtrace gs1 --help exits 0 with usage on stdout" eval '[ $rc -eq 0 ] && grep -qi usage "$tmp/out"'
gtr gs1 --no-such-option 0109506000134352
check "goodtrace gs1 --no-such-option exits 2 with a message" eval '[ $rc -eq 2 ] && [ -s "$tmp/err" ]'
gs1_ais='"ais":[{"ai":"01","value":"09506000134352"},{"ai":"17","value":"271231"},{"ai":"10","value":"ABC123"},{"ai":"21","value":"0001"}]'
want='{'$gs1_ais',"expiry":"2027-12-31","format":"element_string","gtin":"09506000134352","lot":"ABC123","serial":"0001"}'
gtr gs1 --year 2026 '(01)09506000134352(17)271231(10)ABC123(21)0001'
check "gs1 of the issue's bracketed example exits 0 and prints its JSON" \
	eval '[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$want" ] && [ ! -s "$tmp/err" ]'
gtr gs1 --year 2026 "$(printf ']d20109506000134352172712311%s\035210001' 0ABC123)"
check "gs1 of the same with ]d2 and a GS separator prints the same JSON" \
	eval '[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$want" ]'
gtr gs1 --year 2026 '0109506000134352172712311''0ABC123^210001'
check "gs1 of the same with ^ as the separator prints the same JSON" \
	eval '[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$want" ]'
want='{"ais":[{"ai":"01","value":"09506000134352"},{"ai":"10","value":"ABC123"},{"ai":"21","value":"0001"},{"ai":"17","value":"271231"}],"expiry":"2027-12-31","format":"digital_link","gtin":"09506000134352","lot":"ABC123","serial":"0001"}'
gtr gs1 --year 2026 'https://example.org/01/09506000134352/10/ABC123/21/0001?17=271231'
check "gs1 of the issue's Digital Link exits 0 and prints its JSON" \
	eval '[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$want" ]'
want='{"ais":[],"cn_product_code":"8123456","format":"cn_drug_code","serial":"012345678"}'
gtr gs1 81234560123456789012
check "gs1 of a 20-digit Chinese drug code prints its product code and serial" \
	eval '[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$want" ]'
gtr gs1 --year 2070 '(01)09506000134352(17)200100'
check "gs1 --year 2070 puts (17)200100 in 2120 (the century rule) on the month's last day" \
	eval '[ $rc -eq 0 ] && grep -q "\"expiry\":\"2120-01-31\"" "$tmp/out"'
gtr gs1 --year 2026 '010950600013435217271341'
check "gs1 of a bad date exits 2 naming the AI, the position and the fault" \
	eval '[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "goodtrace gs1: AI (17) at position 19: \"271341\" is not a date (month 13)" ]'
gtr gs1 '(01)09506000134353'
check "gs1 of a wrong check digit exits 2 with the right digit" \
	eval '[ $rc -eq 2 ] && grep -q "check digit of GTIN 09506000134353 should be 2" "$tmp/err"'
gtr gs1
check "gs1 without a code exits 2" eval '[ $rc -eq 2 ] && [ -s "$tmp/err" ]'
gtr gs1 --year 99 '(01)09506000134352'
check "gs1 --year 99 exits 2 naming --year" eval '[ $rc -eq 2 ] && grep -q -- "--year" "$tmp/err"'

echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
