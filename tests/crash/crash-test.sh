#!/usr/bin/env bash
# Crash test: kill `goodtrace log append` with SIGKILL at random moments, then check that the log
# recovers and verifies, and that every entry whose index was printed is in it, intact.
# Usage: crash-test.sh PATH/TO/goodtrace   (GT_CRASH_RUNS sets the number of kills, default 50)
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 PATH/TO/goodtrace" >&2
	exit 2
fi
gt=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
runs=${GT_CRASH_RUNS:-50}
batches=(1 7 256 1000)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/goodtrace-crash.XXXXXX") || exit 1
trap 'kill -KILL $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
data=$tmp/data

fail() {
	echo "crash test: FAILED: $*"
	exit 1
}

# The entry generator. Line n of run r is a pure function of (r, n), so the line that an index
# must hold can be computed again when checking. Lengths vary from 1 to 300 bytes.
entry_awk='
function entry(r, n,    p, len, s) {
	if (n % 97 == 13)
		return substr("abcde", 1, 1 + int(n / 97) % 5)
	p = "entry-" r "-" n "-"
	len = 1 + (n * 7919 + r * 104729) % 300
	s = p
	while (length(s) < len)
		s = s "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	return length(p) >= len ? p : substr(s, 1, len)
}'

generate() { # RUN: endless stream of entries; ends on SIGPIPE once the reader is gone
	awk -v r="$1" "$entry_awk"' BEGIN { for (n = 0; ; n++) print entry(r, n) }'
}

checkpoint_size() {
	sed -n 2p "$data/log/checkpoint"
}

# check_index I RUN N: the entry at index I is line N of run RUN.
check_index() {
	local proof got want
	proof=$(timeout 60 "$gt" log proof --data "$data" --index "$1" 2>&1) ||
		fail "log proof --index $1 failed: $proof"
	got=$(sed -n 's/.*"leaf_hash" *: *"\([^"]*\)".*/\1/p' <<<"$proof")
	want=$({ printf '\0'; awk -v r="$2" -v n="$3" "$entry_awk"' BEGIN { printf "%s", entry(r, n) }'; } |
		openssl dgst -sha256 -binary | openssl base64 -A)
	[ "$got" = "$want" ] ||
		fail "index $1 should hold line $3 of run $2 (leaf hash $want), but its leaf hash is '$got' ($proof)"
}

# run_of I: the run whose lines start at the highest start <= I (sets r_run, r_start).
run_of() {
	local r
	for ((r = ${#starts[@]} - 1; r >= 1; r--)); do
		if [ "${starts[r]}" -le "$1" ]; then
			r_run=$r r_start=${starts[r]}
			return
		fi
	done
	fail "index $1 belongs to no run"
}

init_out=$(timeout 60 "$gt" init --log-only --data "$data" 2>&1) || fail "goodtrace init failed: $init_out"
vkey=$(timeout 60 "$gt" log key --data "$data" 2>&1) || fail "goodtrace log key failed: $vkey"

acked=0
starts=(0) # starts[r]: the log size when run r began (runs count from 1)
size=$(checkpoint_size)
[ "$size" = 0 ] || fail "a new log has size '$size' in its checkpoint, not 0"

for ((run = 1; run <= runs; run++)); do
	batch=${batches[run % ${#batches[@]}]}
	before=$size
	starts[run]=$before
	idx=$tmp/run.idx err=$tmp/run.err

	generate "$run" | "$gt" log append --data "$data" --batch "$batch" >"$idx" 2>"$err" &
	pid=$!
	ms=$((20 + RANDOM % 481))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	status=$?
	wait 2>/dev/null
	[ $status -eq 137 ] ||
		fail "run $run: log append --batch $batch ended before the kill, exit $status: $(head -c 2000 "$err")"

	# Acknowledged: the complete lines printed; a torn last line is not an acknowledgement.
	lines=$(tr -cd '\n' <"$idx" | wc -c)
	bad=$(head -n "$lines" "$idx" |
		awk -v s="$before" '$0 "" != (s + NR - 1) "" { print "line " NR " is \"" $0 "\", want " s + NR - 1; exit }')
	[ -z "$bad" ] || fail "run $run: the indices printed are not $before, $((before + 1)), ...: $bad"

	# Reopen for writing (this recovers the log), then verify it as an outsider would.
	out=$(printf '' | timeout 120 "$gt" log append --data "$data" 2>&1) ||
		fail "run $run: reopening the log after the kill failed: $out"
	out=$(timeout 600 "$gt" verify --log "$data/log" --vkey "$vkey" 2>&1) ||
		fail "run $run: verify failed after the kill: $out"
	size=$(checkpoint_size)
	[[ $size =~ ^[0-9]+$ ]] || fail "run $run: checkpoint size line is '$size'"
	[ "$size" -ge $((before + lines)) ] ||
		fail "run $run: $lines entries acknowledged up to index $((before + lines - 1)), but the log has only $size entries after recovery"

	# The entries of this run: first and last acknowledged, last present, a few at random;
	# and one of an earlier run, which must not have changed.
	if [ "$size" -gt "$before" ]; then
		n=$((size - before))
		for i in 0 $((lines > 0 ? lines - 1 : 0)) $((n - 1)) $((RANDOM % n)) $((RANDOM % n)); do
			check_index $((before + i)) "$run" "$i"
		done
	fi
	if [ "$before" -gt 0 ]; then
		i=$(((RANDOM * 32768 + RANDOM) % before))
		run_of "$i"
		check_index "$i" "$r_run" $((i - r_start))
	fi

	acked=$((acked + lines))
	printf 'run %2d/%d: batch %4d, killed after %3d ms, %6d acknowledged, log size %8d, verified\n' \
		"$run" "$runs" "$batch" "$ms" "$lines" "$size"
done

[ "$acked" -gt 0 ] || fail "no entry was acknowledged in $runs runs, so nothing was tested"
echo "crash test: $runs kills, $acked entries acknowledged, all present"
