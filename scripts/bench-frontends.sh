#!/usr/bin/env bash
# Part of `make bench` (issue 9 §5): what 1 000 frontends cost. Three proxies on the same demo backend, measured
# interleaved with `wrk -t1 -c20` keep-alive: one frontend (Host rule), 1 000 Host-rule frontends (the request
# matches the last one written), and 1 000 PathPrefix frontends (the request matches the last one). Prints median req/s, proxy CPU µs per request and the ratio to the one-frontend proxy.
# Knobs: REPS [3], WRK_D [5] seconds, FRONTENDS [1000].
set -euo pipefail
binary=$1
REPS=${REPS:-3}; WRK_D=${WRK_D:-5}; FRONTENDS=${FRONTENDS:-1000}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-frontends.XXXXXX")
source "$(dirname "$0")/proxy-lib.sh"
trap cleanup EXIT
hz=$(getconf CLK_TCK)
backend=$(free_port)
"$(dirname "$binary")/demo-backends" "$backend" >/dev/null 2>&1 & pids+=($!)

# rules FILE COUNT RULE: COUNT frontends on one backend; frontend i matches `Host: host-i.bench` or
# `PathPrefix: /app-i/`. Numbers are zero-padded, so every rule value has the same length and the last frontend
# is also the last in matching order (priority, routes, value length, then name).
rules() {
  local file=$1 count=$2 rule=$3 i n
  {
    printf '[backends]\n  [backends.b]\n    [backends.b.servers.s1]\n    url = "http://127.0.0.1:%s"\n' "$backend"
    printf '[frontends]\n'
    for i in $(seq 1 "$count"); do
      n=$(printf '%04d' "$i")
      printf '  [frontends.f%s]\n  backend = "b"\n    [frontends.f%s.routes.r]\n' "$n" "$n"
      if [ "$rule" = Host ]; then
        printf '    rule = "Host"\n    value = "host-%s.bench"\n' "$n"
      else
        printf '    rule = "PathPrefix"\n    value = "/app-%s/"\n' "$n"
      fi
    done
  } > "$file"
}
declare -A pid_of url_of host_of
start() {  # name count rule
  local name=$1 count=$2 rule=$3 port
  port=$(free_port)
  rules "$work/$name.rules.toml" "$count" "$rule"
  write_launch "$work/$name.toml" "$port" "$work/$name.rules.toml"
  "$binary" --configFile="$work/$name.toml" 2>"$work/$name.err" & pid_of[$name]=$!; pids+=($!)
  if [ "$rule" = Host ]; then
    url_of[$name]="http://127.0.0.1:$port/"; host_of[$name]="host-$(printf '%04d' "$count").bench"
  else
    url_of[$name]="http://127.0.0.1:$port/app-$(printf '%04d' "$count")/"; host_of[$name]="any.bench"
  fi
  local _
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null -H "Host: ${host_of[$name]}" "${url_of[$name]}" && return 0
    sleep 0.1
  done
  echo "bench-frontends: $name does not answer on ${url_of[$name]}" >&2
  return 1
}
start one-host 1 Host
start "$FRONTENDS-host" "$FRONTENDS" Host
start "$FRONTENDS-pathprefix" "$FRONTENDS" PathPrefix
names=(one-host "$FRONTENDS-host" "$FRONTENDS-pathprefix")

results="$work/results"; : > "$results"
for rep in $(seq 1 "$REPS"); do
  order=("${names[@]}")
  [ $((rep % 2)) = 0 ] && order=("${names[2]}" "${names[1]}" "${names[0]}")
  for name in "${order[@]}"; do
    before=$(cpu_ticks "${pid_of[$name]}")
    out=$(timeout $((WRK_D + 30)) wrk -t1 -c20 -d"${WRK_D}s" -H "Host: ${host_of[$name]}" "${url_of[$name]}")
    after=$(cpu_ticks "${pid_of[$name]}")
    rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    [ -z "$non2xx" ] || { echo "bench-frontends: $name answered $non2xx non-2xx responses" >&2; exit 1; }
    cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
    echo "$name $rate $cpu" >> "$results"
  done
done
printf '\nFrontends (wrk -t1 -c20 keep-alive, %s s, median of %s; the request matches the last frontend):\n' "$WRK_D" "$REPS"
printf '%-22s %10s %10s %12s\n' frontends req/s vs-one "CPU µs/req"
ref=$(awk '$1 == "one-host" {print $2}' "$results" | median)
for name in "${names[@]}"; do
  rate=$(awk -v n="$name" '$1 == n {print $2}' "$results" | median)
  cpu=$(awk -v n="$name" '$1 == n {print $3}' "$results" | median)
  printf '%-22s %10.0f %9.2fx %12s\n' "$name" "$rate" "$(awk -v a="$rate" -v b="$ref" 'BEGIN { print a / b }')" "$cpu"
done
