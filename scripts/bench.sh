#!/usr/bin/env bash
# `make bench`: the peer harness (../shared/bench/peers.sh: nginx, HAProxy, Caddy on loopback) with the release
# traefik binary as an extra row, so every ratio to nginx-1w is measured in the same run.
# Knobs are peers.sh's (REPS, AB_N, WRK_D, LOADS, TARGETS, QUICK=1 for a smoke run); results go to
# bench/results/. Also prints the peak RSS of every target over the run (scripts/peak-rss.py).
set -euo pipefail
binary=$(realpath "$1")  # peers.sh runs the row from its own folder
root=$(cd "$(dirname "$0")/.." && pwd)
peers=${PEERS_SH:-$root/../shared/bench/peers.sh}
[ -x "$peers" ] || { echo "bench: $peers not found (the shared bench harness sits beside the project)"; exit 2; }
"$root/scripts/install-deps.sh" curl nginx apache2-utils wrk haproxy caddy
export TARGETS=${TARGETS:-"direct nginx-1w nginx-auto haproxy-1t caddy"}
export OUT=${OUT:-$root/bench/results}
export EXTRA=${EXTRA:-"swift-traefik=exec $binary --configFile={CONFIG}"}
export WORK=${WORK:-${TMPDIR:-/tmp}/peers-bench}
# peers.sh's table has no memory column: sample each target's peak RSS beside it.
"$root/scripts/peak-rss.py" "$WORK" > "$OUT/peak-rss.txt" & sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT
"$peers"
kill -TERM "$sampler"; wait "$sampler" || true
echo
echo "Peak RSS over the run (MB, each target's processes summed; backends = the two nginx backends, the direct row):"
awk '{ printf "  %-16s %8s\n", $1, $2 }' "$OUT/peak-rss.txt"
