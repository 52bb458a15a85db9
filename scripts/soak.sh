#!/usr/bin/env bash
# `make soak` (issue 10; not part of `make test`): SOAK_SECONDS [600] of mixed load through the release proxy —
# wrk keep-alive (-c50), ab with a connection per request, and a reload every second (rules file rewritten +
# SIGHUP) — sampling the proxy's RSS and open file descriptors every 10 s. After a 60 s warm-up, the median of
# each over the last minute must be within 10 % of its median over the first minute; exit 1 otherwise. Every
# load is bounded by the duration.
# RELOADS=0 leaves the reloads out (to tell their cost from the load's).
set -euo pipefail
binary=$1
SOAK_SECONDS=${SOAK_SECONDS:-600}; WARMUP=${WARMUP:-60}
[ "$SOAK_SECONDS" -gt "$WARMUP" ] || { echo "soak: SOAK_SECONDS must exceed WARMUP ($WARMUP)"; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
source "$(dirname "$0")/proxy-lib.sh"
trap cleanup EXIT
start_demo_proxy "$binary" drr
rules() { write_rules "$work/rules.toml" "$1" drr "http://127.0.0.1:$b1" "http://127.0.0.1:$b2"; }

timeout $((SOAK_SECONDS + 30)) wrk -t1 -c50 -d"${SOAK_SECONDS}s" "http://127.0.0.1:$port/" > "$work/wrk.out" 2>&1 & pids+=($!)
timeout $((SOAK_SECONDS + 30)) ab -q -r -t "$SOAK_SECONDS" -n 100000000 -c 10 "http://127.0.0.1:$port/" > "$work/ab.out" 2>&1 & pids+=($!)
[ "${RELOADS:-1}" = 1 ] && (generation=1; end=$((SECONDS + SOAK_SECONDS)); while [ $SECONDS -lt $end ]; do
   rules $generation; kill -HUP "$proxy"; generation=$((generation + 1)); sleep 1; done) & pids+=($!)

fds() { ls "/proc/$proxy/fd" | wc -l; }
idle_fds=$(fds)
printf '%6s %10s %6s\n' second "RSS kB" fds
start=$SECONDS; : > "$work/samples"
while [ $((SECONDS - start)) -lt "$SOAK_SECONDS" ]; do
  sleep 10  # the sampling period
  elapsed=$((SECONDS - start)); r=$(rss "$proxy"); f=$(fds)
  printf '%6s %10s %6s\n' "$elapsed" "$r" "$f"
  [ "$elapsed" -ge "$WARMUP" ] && echo "$r $f" >> "$work/samples"
done
wait_for=$(( SOAK_SECONDS + 40 ))
for _ in $(seq 1 $wait_for); do pgrep -x wrk >/dev/null || break; sleep 1; done  # wrk and ab end on their own
echo "wrk: $(grep -E 'Requests/sec|Socket errors|Non-2xx' "$work/wrk.out" | tr -s ' ' | tr '\n' ';')"
echo "ab:  $(grep -E 'Complete requests|Failed requests' "$work/ab.out" | tr -s ' ' | tr '\n' ';')"
# Flat = the median of the last minute within 10 % of the median of the first minute after warm-up. Medians,
# because a single sample catches the load's momentary connections (client churn, upstream pool growing to
# the peak concurrency it has seen, which is bounded).
verdict=$(python3 - "$work/samples" <<'EOF'
import statistics, sys
rows = [tuple(map(int, line.split())) for line in open(sys.argv[1]) if line.strip()]
first, last = rows[:6], rows[-6:]
out = []
ok = True
for column, name, unit in ((0, "RSS", " kB"), (1, "fds", "")):
    a = statistics.median(r[column] for r in first); b = statistics.median(r[column] for r in last)
    growth = (b - a) * 100 / a; ok &= growth <= 10
    out.append("%s %d%s -> %d%s (%+.1f %%, max %d%s)" % (name, a, unit, b, unit, growth, max(r[column] for r in rows), unit))
print("after warm-up, first minute vs last minute (medians): " + ", ".join(out))
print("flat" if ok else "growth over 10 %")
EOF
)
echo "$verdict"
# With the load gone, the proxy's descriptors return to where they were before it, plus its idle upstream pool.
for _ in $(seq 1 100); do pgrep -x ab >/dev/null || break; sleep 0.1; done
echo "descriptors before the load: $idle_fds; after it: $(fds) (pooled upstream connections stay, at most 64 per backend and event loop)"
[ "$(echo "$verdict" | tail -1)" = flat ] || { echo "soak: growth over 10 %"; exit 1; }
echo "soak: flat"
