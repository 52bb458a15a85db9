#!/usr/bin/env bash
# Part of `make soak` (issue 10 §3; not in `make test`): 500 slowloris connections (slowhttptest -H, a header line
# every 2 s) against the release proxy with its default limits, while loadgen plays a normal client at a fixed rate
# (open loop, latency corrected for coordinated omission). Fails unless the normal client's p99 under attack stays
# within 10× its quiet p99 with no error, and the proxy closes the slow connections at its 10 s header timeout
# (its descriptors fall back while slowhttptest is still running). Every load is bounded in time.
set -euo pipefail
binary=$1
bin_dir=$(dirname "$binary")
work=$(mktemp -d "${TMPDIR:-/tmp}/slowloris.XXXXXX")
source "$(dirname "$0")/proxy-lib.sh"
trap cleanup EXIT
start_demo_proxy "$binary" wrr
fds() { ls "/proc/$proxy/fd" | wc -l; }
# p99 (ms) of a normal client: 200 requests/s over 4 keep-alive connections for 5 s.
normal_p99() {
  "$bin_dir/loadgen" -k -c 4 --rate 200 -t 5 --json "http://127.0.0.1:$port/" > "$work/normal.json"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
if r["failures"]["total"] or r["non2xx"]: sys.exit("normal client: %d failures, %d non-2xx" % (r["failures"]["total"], r["non2xx"]))
print(r["latency"]["p99"])' "$work/normal.json"
}
"$bin_dir/loadgen" -k -c 4 -n 2000 "http://127.0.0.1:$port/" >/dev/null  # warm-up
baseline_fds=$(fds)
quiet=$(normal_p99)

timeout 60 slowhttptest -H -c 500 -r 250 -i 2 -x 8 -l 40 -p 5 -u "http://127.0.0.1:$port/" > "$work/slowhttptest.out" 2>&1 &
attacker=$!; pids+=($attacker)
for _ in $(seq 1 100); do [ "$(fds)" -ge $((baseline_fds + 450)) ] && break; sleep 0.1; done
attack_started=$SECONDS
held=$(( $(fds) - baseline_fds ))
[ "$held" -ge 450 ] || { echo "slowloris: only $held attack connections reached the proxy"; exit 1; }
under_attack=$(normal_p99)
# Closed at the header timeout (10 s after their first byte), long before slowhttptest's 40 s are over (it
# stops by itself once the server has closed every connection).
closed_after=""
for _ in $(seq 1 200); do
  if [ "$(fds)" -le $((baseline_fds + 10)) ]; then closed_after=$((SECONDS - attack_started)); break; fi
  sleep 0.1
done
echo "slowloris: $held connections held; normal client p99 ${quiet} ms quiet, ${under_attack} ms under attack"
[ -n "$closed_after" ] || { echo "slowloris: the attack connections were still open 20 s later"; exit 1; }
echo "slowloris: all closed by the proxy ${closed_after} s after the attack was in place (header timeout 10 s)"
awk -v q="$quiet" -v a="$under_attack" 'BEGIN { exit !(a <= 10 * q) }' || { echo "slowloris: p99 over 10x quiet"; exit 1; }
echo "slowloris: p99 within 10x"
