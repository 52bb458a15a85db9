#!/usr/bin/env bash
# Part of `make bench` (issue 9 §5): IDLE_CONNECTIONS [10000] keep-alive client connections, each having made
# one request, held open against the release proxy. Prints the proxy's RSS before and after (memory per idle
# connection), the CPU it burns over IDLE_SECONDS [10] while they sit idle, and wrk's rate beside them. First,
# the proxy's peak RSS under wrk -c100.
set -euo pipefail
binary=$1
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}; IDLE_SECONDS=${IDLE_SECONDS:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-idle.XXXXXX")
source "$(dirname "$0")/proxy-lib.sh"
trap cleanup EXIT
ulimit -n $((IDLE_CONNECTIONS + 1000)) 2>/dev/null || { echo "bench-idle: needs an open-file limit above $IDLE_CONNECTIONS"; exit 2; }
start_demo_proxy "$binary" wrr
# Warm-up (pools, allocator arenas) that is also the RSS measure under load: peak RSS during wrk -c100.
wrk -t2 -c100 -d5s "http://127.0.0.1:$port/" > "$work/wrk100.out" &
wrk_pid=$!; pids+=($wrk_pid)
peak=0
while kill -0 "$wrk_pid" 2>/dev/null; do r=$(rss "$proxy"); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.2; done
echo "load: peak RSS under wrk -c100: $(awk -v p="$peak" 'BEGIN { printf "%.1f", p / 1024 }') MB ($(awk '/Requests\/sec/ {print $2}' "$work/wrk100.out") req/s)"
before=$(rss "$proxy")

# The holder: opens the connections, one request each, then keeps them until stdin closes.
mkfifo "$work/hold"
cat > "$work/holder.py" <<'EOF'
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
held = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: idle\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk: sys.exit("connection %d closed before its answer" % i)
        data += chunk
    if not data.startswith(b"HTTP/1.1 200"): sys.exit("connection %d: %r" % (i, data[:40]))
    held.append(s)
print("held", len(held), flush=True)
sys.stdin.read()
EOF
python3 "$work/holder.py" "$port" "$IDLE_CONNECTIONS" < "$work/hold" > "$work/holder.out" 2>&1 &
holder=$!; pids+=($holder)
exec 3>"$work/hold"
for _ in $(seq 1 1200); do grep -q '^held' "$work/holder.out" 2>/dev/null && break
  kill -0 "$holder" 2>/dev/null || { cat "$work/holder.out"; exit 1; }; sleep 0.1; done
grep -q '^held' "$work/holder.out" || { echo "bench-idle: the holder did not finish opening"; exit 1; }
after=$(rss "$proxy")
ticks_start=$(cpu_ticks "$proxy"); sleep "$IDLE_SECONDS"; ticks_end=$(cpu_ticks "$proxy")
hz=$(getconf CLK_TCK)
wrk_rate=$(wrk -t1 -c20 -d3s "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}')
open_fds=$(ls "/proc/$proxy/fd" | wc -l)
exec 3>&-
awk -v n="$IDLE_CONNECTIONS" -v b="$before" -v a="$after" -v t=$((ticks_end - ticks_start)) -v hz="$hz" \
  -v s="$IDLE_SECONDS" -v w="$wrk_rate" -v f="$open_fds" 'BEGIN {
  printf "idle: %d keep-alive connections held (%d descriptors open)\n", n, f
  printf "idle: RSS %.1f MB -> %.1f MB, %.2f KiB per idle connection\n", b / 1024, a / 1024, (a - b) / n
  printf "idle: CPU over %d s idle: %.1f %% of one core\n", s, t * 100 / hz / s
  printf "idle: wrk -c20 beside them: %s req/s\n", w }'
