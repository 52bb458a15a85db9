#!/usr/bin/env bash
# `make bench` (TLS part): HTTPS through swift-traefik vs nginx (1 worker) with the same certificate
# (integration/fixtures/https/snitest.com), both in front of the same nginx backend, measured interleaved in
# one run. Loads: `wrk -t1 -c20` keep-alive over TLS (HTTP/1.1: wrk sends no ALPN), and `ab -c20` over
# https, which opens a new connection, so a full TLS handshake, per request. Prints median req/s, proxy CPU
# µs per request and the ratio to nginx. Knobs: REPS [3], WRK_D [10] seconds, AB_N [3000].
set -euo pipefail
binary=$1
root=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-3}; WRK_D=${WRK_D:-10}; AB_N=${AB_N:-3000}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-tls.XXXXXX")
cert=$root/integration/fixtures/https/snitest.com.cert
key=$root/integration/fixtures/https/snitest.com.key
source "$(dirname "$0")/proxy-lib.sh"
trap cleanup EXIT
backend=$(free_port); nginx_port=$(free_port); traefik_port=$(free_port); traefik_http=$(free_port)

mkdir -p "$work/tmp" "$work/backend"
body=$(printf 'Hostname: backend\n%.0s' {1..16})
common="worker_processes 1; daemon off; events { worker_connections 4096; }"
# The backend and the nginx proxy are separate nginx instances, so the proxy's CPU is measured alone.
cat > "$work/backend/nginx.conf" <<CONF
$common
pid $work/backend/nginx.pid;
error_log $work/backend/error.log warn;
http {
  access_log off; keepalive_requests 1000000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$backend; location / { return 200 "$body"; } }
}
CONF
cat > "$work/nginx.conf" <<CONF
$common
pid $work/nginx.pid;
error_log $work/error.log warn;
http {
  access_log off; keepalive_requests 1000000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  upstream be { server 127.0.0.1:$backend; keepalive 128; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $cert; ssl_certificate_key $key;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache off; ssl_session_tickets off;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -c "$work/backend/nginx.conf" -p "$work/backend" 2>"$work/backend.err" & pids+=($!)
nginx -c "$work/nginx.conf" -p "$work" 2>"$work/nginx.err" & nginx_pid=$!; pids+=($nginx_pid)
cat > "$work/traefik.toml" <<CONF
logLevel = "ERROR"
defaultEntryPoints = ["https"]
[entryPoints]
  [entryPoints.http]
  address = "127.0.0.1:$traefik_http"
  [entryPoints.https]
  address = "127.0.0.1:$traefik_port"
    [entryPoints.https.tls]
      [[entryPoints.https.tls.certificates]]
      CertFile = "$cert"
      KeyFile = "$key"
[file]
[backends]
  [backends.b.servers.s]
  url = "http://127.0.0.1:$backend"
[frontends]
  [frontends.f]
  backend = "b"
CONF
"$binary" --configFile="$work/traefik.toml" 2>"$work/traefik.err" & traefik_pid=$!; pids+=($traefik_pid)
for port in $nginx_port $traefik_port; do
  wait_listening "https://127.0.0.1:$port/"
done

hz=$(getconf CLK_TCK)
results="$work/results"
: > "$results"
run() {  # load target port
  local load=$1 target=$2 port=$3 before after requests rate pid=$nginx_pid
  [ "$target" = swift-traefik ] && pid=$traefik_pid
  before=$(cpu_ticks "$pid")
  case $load in
    wrk-tls)
      out=$(timeout $((WRK_D + 30)) wrk -t1 -c20 -d"${WRK_D}s" "https://127.0.0.1:$port/")
      rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
      requests=$(awk '/requests in/ {print $1}' <<<"$out") ;;
    ab-handshake)
      out=$(timeout 120 ab -q -r -n "$AB_N" -c 20 "https://127.0.0.1:$port/" 2>&1)
      rate=$(awk '/Requests per second/ {print $4}' <<<"$out")
      requests=$AB_N ;;
  esac
  after=$(cpu_ticks "$pid")
  cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$hz" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
  echo "$load $target $rate $cpu" >> "$results"
}
for rep in $(seq 1 "$REPS"); do
  for load in wrk-tls ab-handshake; do
    if [ $((rep % 2)) = 1 ]; then order="nginx-1w swift-traefik"; else order="swift-traefik nginx-1w"; fi
    for target in $order; do
      port=$nginx_port; [ "$target" = swift-traefik ] && port=$traefik_port
      run "$load" "$target" "$port"
    done
  done
done
printf '\nHTTPS (same certificate, same backend), median of %s:\n' "$REPS"
printf '%-14s %-14s %12s %10s %12s\n' load target req/s vs-nginx "CPU µs/req"
for load in wrk-tls ab-handshake; do
  ref=$(awk -v l=$load '$1 == l && $2 == "nginx-1w" {print $3}' "$results" | median)
  for target in nginx-1w swift-traefik; do
    rate=$(awk -v l=$load -v t=$target '$1 == l && $2 == t {print $3}' "$results" | median)
    cpu=$(awk -v l=$load -v t=$target '$1 == l && $2 == t {print $4}' "$results" | median)
    printf '%-14s %-14s %12.0f %9.2fx %12s\n' "$load" "$target" "$rate" "$(awk -v a="$rate" -v b="$ref" 'BEGIN { print a / b }')" "$cpu"
  done
done
mkdir -p "$root/bench/results"
cp "$results" "$root/bench/results/tls-$(date -u +%Y%m%dT%H%M%SZ).txt"
