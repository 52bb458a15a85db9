#!/usr/bin/env bash
# `make soak` (issue 10; not part of `make test`): SOAK_SECONDS [600] of mixed load through the release proxy —
# wrk keep-alive (-c50), ab with a connection per request, and a reload every second (rules file rewritten +
# SIGHUP) — sampling the proxy's RSS and open file descriptors every 10 s. After a 60 s warm-up both must stay
# within 10 % of their value at the end of the warm-up; exit 1 otherwise. Every load is bounded by the duration.
# RELOADS=0 leaves the reloads out (to tell their cost from the load's).
set -euo pipefail
binary=$1
bin_dir=$(dirname "$binary")
SOAK_SECONDS=${SOAK_SECONDS:-600}; WARMUP=${WARMUP:-60}
[ "$SOAK_SECONDS" -gt "$WARMUP" ] || { echo "soak: SOAK_SECONDS must exceed WARMUP ($WARMUP)"; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
source "$(dirname "$0")/proxy-lib.sh"
trap cleanup EXIT
b1=$(free_port); b2=$(free_port); port=$(free_port)
"$bin_dir/demo-backends" "$b1" "$b2" >/dev/null 2>&1 & pids+=($!)
rules() { write_rules "$work/rules.toml" "$1" drr "http://127.0.0.1:$b1" "http://127.0.0.1:$b2"; }
rules 0
write_launch "$work/traefik.toml" "$port" "$work/rules.toml"
"$binary" --configFile="$work/traefik.toml" 2>"$work/traefik.err" & proxy=$!; pids+=($proxy)
wait_listening "http://127.0.0.1:$port/"

timeout $((SOAK_SECONDS + 30)) wrk -t1 -c50 -d"${SOAK_SECONDS}s" "http://127.0.0.1:$port/" > "$work/wrk.out" 2>&1 & pids+=($!)
timeout $((SOAK_SECONDS + 30)) ab -q -r -t "$SOAK_SECONDS" -n 100000000 -c 10 "http://127.0.0.1:$port/" > "$work/ab.out" 2>&1 & pids+=($!)
[ "${RELOADS:-1}" = 1 ] && (generation=1; end=$((SECONDS + SOAK_SECONDS)); while [ $SECONDS -lt $end ]; do
   rules $generation; kill -HUP "$proxy"; generation=$((generation + 1)); sleep 1; done) & pids+=($!)

rss() { awk '/VmRSS/ {print $2}' "/proc/$proxy/status"; }
fds() { ls "/proc/$proxy/fd" | wc -l; }
printf '%6s %10s %6s\n' second "RSS kB" fds
start=$SECONDS; baseline_rss=""; baseline_fds=""; worst_rss=0; worst_fds=0
while [ $((SECONDS - start)) -lt "$SOAK_SECONDS" ]; do
  sleep 10  # the sampling period
  elapsed=$((SECONDS - start)); r=$(rss); f=$(fds)
  printf '%6s %10s %6s\n' "$elapsed" "$r" "$f"
  if [ "$elapsed" -ge "$WARMUP" ]; then
    if [ -z "$baseline_rss" ]; then baseline_rss=$r; baseline_fds=$f; fi
    [ "$r" -gt "$worst_rss" ] && worst_rss=$r
    [ "$f" -gt "$worst_fds" ] && worst_fds=$f
  fi
done
wait_for=$(( SOAK_SECONDS + 40 ))
for _ in $(seq 1 $wait_for); do pgrep -x wrk >/dev/null || break; sleep 1; done  # wrk ends on its own at -d
echo "wrk: $(grep -E 'Requests/sec|Socket errors|Non-2xx' "$work/wrk.out" | tr -s ' ' | tr '\n' ';')"
echo "ab:  $(grep -E 'Complete requests|Failed requests' "$work/ab.out" | tr -s ' ' | tr '\n' ';')"
rss_growth=$(awk -v w="$worst_rss" -v b="$baseline_rss" 'BEGIN { printf "%.1f", (w - b) * 100 / b }')
fd_growth=$(awk -v w="$worst_fds" -v b="$baseline_fds" 'BEGIN { printf "%.1f", (w - b) * 100 / b }')
echo "after warm-up: RSS $baseline_rss kB -> max $worst_rss kB (+$rss_growth %), fds $baseline_fds -> max $worst_fds (+$fd_growth %)"
awk -v r="$rss_growth" -v f="$fd_growth" 'BEGIN { exit !(r <= 10 && f <= 10) }' || { echo "soak: growth over 10 %"; exit 1; }
echo "soak: flat"
