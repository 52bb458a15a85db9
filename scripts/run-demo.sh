#!/usr/bin/env bash
# `make run`: whoami backends on 127.0.0.1:8081/8082, the proxy on demo/traefik.toml (127.0.0.1:8000).
set -u
bin=$1
"$bin/demo-backends" 8081 8082 &
backends=$!
trap 'kill $backends 2>/dev/null; wait $backends 2>/dev/null' EXIT
cat <<TXT

swift-traefik demo — proxy on http://127.0.0.1:8000 (routes: demo/traefik.toml, watched for changes)
  curl -H 'Host: test.localhost' http://127.0.0.1:8000/      # frontend1 → backend1 (wrr 2:1 over both whoami)
  curl http://127.0.0.1:8000/api/hello                        # frontend2 → backend2 (PathPrefix /api, GET/HEAD)
  curl -X POST http://127.0.0.1:8000/api/hello                # 404: Methods GET,HEAD only
  curl -i http://127.0.0.1:8000//api/../api/x                 # 301 to the cleaned path
  curl 'http://127.0.0.1:8000/api/sse?sse=3&interval=500'     # server-sent events, streamed one by one
Press Ctrl-C to stop.

TXT
"$bin/traefik" --configFile=demo/traefik.toml
