#!/usr/bin/env bash
# `make bench`: the peer harness (../shared/bench/peers.sh: nginx, HAProxy, Caddy on loopback) with the release
# traefik binary as an extra row, so every ratio to nginx-1w is measured in the same run.
# Knobs are peers.sh's (REPS, AB_N, WRK_D, LOADS, TARGETS, QUICK=1 for a smoke run); results go to
# Benchmarks/results/.
set -euo pipefail
binary=$1
root=$(cd "$(dirname "$0")/.." && pwd)
peers=${PEERS_SH:-$root/../shared/bench/peers.sh}
[ -x "$peers" ] || { echo "bench: $peers not found (the shared bench harness sits beside the project)"; exit 2; }
"$root/scripts/install-deps.sh" curl nginx apache2-utils wrk haproxy caddy
export TARGETS=${TARGETS:-"nginx-1w nginx-auto haproxy-1t caddy"}
export OUT=${OUT:-$root/Benchmarks/results}
export EXTRA=${EXTRA:-"swift-traefik=exec $binary --configFile={CONFIG}"}
exec "$peers"
