# Shared by the benchmark and soak scripts (sourced): ports, cleanup of what they started, a rules file whose
# `probe` frontend path changes with a generation number (so every rewrite is a real reload), the proxy's
# launch file, a bounded wait for a listener, and a process's CPU ticks and RSS, and the median of numbers.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Processes the script started; `cleanup` (the EXIT trap) ends them and removes $work.
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }

# write_rules FILE GENERATION METHOD URL...: backend b (wrr or drr) over the URLs; frontend main answers `/`
# only, frontend probe answers `/probe-GENERATION`. Written beside and renamed over, as editors do.
write_rules() {
  local file=$1 generation=$2 method=$3 index=0 url
  shift 3
  {
    printf '[backends]\n  [backends.b]\n    [backends.b.loadBalancer]\n    method = "%s"\n' "$method"
    for url in "$@"; do
      index=$((index + 1))
      printf '    [backends.b.servers.s%d]\n    url = "%s"\n' "$index" "$url"
    done
    printf '[frontends]\n  [frontends.main]\n  backend = "b"\n    [frontends.main.routes.r]\n'
    printf '    rule = "Path"\n    value = "/"\n'
    printf '  [frontends.probe]\n  backend = "b"\n  priority = 10\n    [frontends.probe.routes.r]\n'
    printf '    rule = "Path"\n    value = "/probe-%s"\n' "$generation"
  } > "$file.new"
  mv "$file.new" "$file"
}

# write_launch FILE PORT RULES: entry point http on 127.0.0.1:PORT, routes from RULES, no throttle.
write_launch() {
  printf 'logLevel = "ERROR"\nprovidersThrottleDuration = "0s"\n[entryPoints]\n  [entryPoints.http]\n' > "$1"
  printf '  address = "127.0.0.1:%s"\n[file]\nfilename = "%s"\n' "$2" "$3" >> "$1"
}

# start_demo_proxy BINARY METHOD: two demo backends (beside BINARY), rules over both with METHOD (wrr or drr) in
# $work/rules.toml, the proxy on a free port; sets b1 b2 port proxy, and waits until it answers.
start_demo_proxy() {
  local binary=$1 method=$2
  b1=$(free_port); b2=$(free_port); port=$(free_port)
  "$(dirname "$binary")/demo-backends" "$b1" "$b2" >/dev/null 2>&1 & pids+=($!)
  write_rules "$work/rules.toml" 0 "$method" "http://127.0.0.1:$b1" "http://127.0.0.1:$b2"
  write_launch "$work/traefik.toml" "$port" "$work/rules.toml"
  "$binary" --configFile="$work/traefik.toml" 2>"$work/traefik.err" & proxy=$!; pids+=($proxy)
  wait_listening "http://127.0.0.1:$port/"
}

# cpu_ticks PID: utime + stime of a process and of its children still running (nginx's master and its worker).
cpu_ticks() {
  local total=0 pid
  for pid in $1 $(pgrep -P "$1"); do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo $total
}

# rss PID: resident memory in KiB.
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# median: the median of the numbers on stdin, one per line.
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# wait_listening URL: up to 10 s for URL to answer (https without checking the test certificate).
wait_listening() {
  local _
  for _ in $(seq 1 100); do curl -sfk -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "nothing answers on $1" >&2
  return 1
}
