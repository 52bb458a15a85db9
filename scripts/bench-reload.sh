#!/usr/bin/env bash
# `make bench` (reload part, issue 7): req/s through the proxy while its routes are reloaded 10 times a second
# (the rules file rewritten + SIGHUP), against the same load without reloads, in one run; errors counted. Then
# the time from writing the rules file to the new route answering, with the file watch alone (polled every
# 250 ms, throttle 0): p50 and p99 over PROBES edits. Knobs: WRK_D [10] seconds, REPS [3], PROBES [20].
set -euo pipefail
binary=$1
bin_dir=$(dirname "$binary")
WRK_D=${WRK_D:-10}; REPS=${REPS:-3}; PROBES=${PROBES:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-reload.XXXXXX")
source "$(dirname "$0")/proxy-lib.sh"
trap cleanup EXIT
backend=$(free_port); port=$(free_port)
"$bin_dir/demo-backends" "$backend" >/dev/null 2>&1 & pids+=($!)
rules() { write_rules "$work/rules.toml" "$1" wrr "http://127.0.0.1:$backend"; }
rules 0
write_launch "$work/traefik.toml" "$port" "$work/rules.toml"
"$binary" --configFile="$work/traefik.toml" 2>"$work/traefik.err" & traefik=$!; pids+=($traefik)
wait_listening "http://127.0.0.1:$port/"

load() {  # prints "req/s errors"
  local out
  out=$(timeout $((WRK_D + 30)) wrk -t1 -c20 -d"${WRK_D}s" "http://127.0.0.1:$port/")
  local rate errors non2xx
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  errors=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "$rate $(( ${errors:-0} + ${non2xx:-0} ))"
}
reloader() {  # 10 reloads a second for WRK_D seconds
  local generation=1 end=$((SECONDS + WRK_D))
  while [ $SECONDS -lt "$end" ]; do
    rules "$generation"; kill -HUP "$traefik"; generation=$((generation + 1)); sleep 0.1
  done
  echo "$generation" > "$work/reloads"
}
results="$work/results"; : > "$results"
for rep in $(seq 1 "$REPS"); do
  read -r rate errors < <(load); echo "steady $rate $errors" >> "$results"
  reloader & reloader_pid=$!
  read -r rate errors < <(load); echo "reloading $rate $errors" >> "$results"
  wait "$reloader_pid"
done
steady=$(awk '$1 == "steady" {print $2}' "$results" | median)
reloading=$(awk '$1 == "reloading" {print $2}' "$results" | median)
errors=$(awk '{s += $3} END {print s}' "$results")
printf '\nReloads (wrk -t1 -c20, median of %s): steady %.0f req/s, reloading 10/s %.0f req/s = %.2fx, errors %s (%s reloads in the last run)\n' \
  "$REPS" "$steady" "$reloading" "$(awk -v a="$reloading" -v b="$steady" 'BEGIN { print a / b }')" "$errors" "$(cat "$work/reloads")"

# Time from writing the rules file to the new route answering (file watch only, no signal).
: > "$work/latencies"
for probe in $(seq 1000 $((1000 + PROBES - 1))); do
  sleep "0.$(printf '%03d' $((RANDOM % 1000)))"  # a random phase against the poll
  start=$(date +%s%N)
  rules "$probe"
  deadline=$((SECONDS + 10))
  until curl -sf -o /dev/null "http://127.0.0.1:$port/probe-$probe"; do
    [ $SECONDS -lt $deadline ] || { echo "probe $probe never went live" >&2; break; }
    sleep 0.005
  done
  echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/latencies"
done
sort -n "$work/latencies" | awk '{ a[NR] = $1 } END { printf "File write to route live (file watch, %d edits): p50 %d ms, p99 %d ms\n", NR, a[int(NR * 0.5 + 0.5)], a[int(NR * 0.99 + 0.5)] }'
