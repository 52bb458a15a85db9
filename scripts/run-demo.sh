#!/usr/bin/env bash
# `make run`: whoami backends on 127.0.0.1:8081/8082, the proxy on demo/traefik.toml (127.0.0.1:8000, 8001, 8443).
set -u
bin=$1
"$bin/demo-backends" 8081 8082 &
backends=$!
trap 'kill $backends 2>/dev/null; wait $backends 2>/dev/null' EXIT
cat <<TXT

swift-traefik demo — http://127.0.0.1:8000, https://127.0.0.1:8443 (h2), :8001 redirects to https (demo/traefik.toml, watched)
  curl -H 'Host: test.localhost' http://127.0.0.1:8000/      # frontend1 → backend1 (wrr 2:1 over both whoami)
  curl http://127.0.0.1:8000/api/hello                        # frontend2 → backend2 (PathPrefix /api, GET/HEAD)
  curl -X POST http://127.0.0.1:8000/api/hello                # 404: Methods GET,HEAD only
  curl -i http://127.0.0.1:8000//api/../api/x                 # 301 to the cleaned path
  curl 'http://127.0.0.1:8000/api/sse?sse=3&interval=500'     # server-sent events, streamed one by one
  curl --http2 --cacert integration/fixtures/https/snitest.org.cert --resolve snitest.org:8443:127.0.0.1 \\
       https://snitest.org:8443/api/tls                      # HTTP/2 over TLS, SNI picks snitest.org's certificate
  curl -i -H 'Host: test.localhost' http://127.0.0.1:8001/a?b=1  # 302 to https://test.localhost:8443/a?b=1
  open http://127.0.0.1:8080/dashboard/                       # the dashboard (providers, live health charts)
  curl http://127.0.0.1:8080/api/providers                    # the REST API; /health and /metrics beside it
Press Ctrl-C to stop.

TXT
"$bin/traefik" --configFile=demo/traefik.toml
