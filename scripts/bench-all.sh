#!/usr/bin/env bash
# `make bench`: every benchmark against the release binary, printed and kept in bench/results/ (the peer table's
# CSV, table and log from peers.sh, and this whole report as bench-<stamp>.txt). Parts: the peer harness with
# nginx, HAProxy and Caddy (bench.sh), HTTPS (bench-tls.sh), reloads under load (bench-reload.sh), 1 000
# frontends (bench-frontends.sh), memory under load and with 10 000 idle connections (bench-idle.sh).
set -euo pipefail
binary=$1
root=$(cd "$(dirname "$0")/.." && pwd)
results=$root/bench/results
mkdir -p "$results"
report=$results/bench-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "make bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $("$binary" version | head -1)"
  for part in bench bench-tls bench-reload bench-frontends bench-idle; do
    "$root/scripts/$part.sh" "$binary"
  done
} 2>&1 | tee "$report"
echo "report: $report"
