#!/usr/bin/env bash
# Smoke-checks the web dashboard of a running proxy with headless Chromium.
#
#   scripts/dashboard-check.sh BASE_URL SCREENSHOT.png
#
# BASE_URL is the API listener (e.g. http://127.0.0.1:8080). The script dumps the rendered DOM of
# BASE_URL/dashboard/ and BASE_URL/dashboard/#/health, saves screenshots of both views
# (SCREENSHOT.png and SCREENSHOT-health.png) plus the dumped DOMs (SCREENSHOT-providers.html,
# SCREENSHOT-health.html), and exits 0 only if the providers view shows at least one .frontend and
# one .backend and the health view has drawn #response-time-chart from at least one /health poll.
# Exit status: 0 pass, 1 a check failed, 2 bad usage or no Chromium.
#
# Environment: CHROMIUM (browser binary), DASHBOARD_CHECK_BUDGET_MS (virtual time per page, default
# 5000), DASHBOARD_CHECK_WINDOW (screenshot size, default 1280,900).
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 BASE_URL SCREENSHOT.png" >&2
    exit 2
fi
base_url="${1%/}"
screenshot="$2"
stem="${screenshot%.png}"
budget_ms="${DASHBOARD_CHECK_BUDGET_MS:-5000}"
window="${DASHBOARD_CHECK_WINDOW:-1280,900}"

browser="${CHROMIUM:-}"
if [[ -z "$browser" ]]; then
    for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
    done
fi
if [[ -z "$browser" ]]; then
    echo "dashboard-check: no Chromium found (set CHROMIUM, or apt-get install chromium)" >&2
    exit 2
fi

# A private profile per run, so parallel runs never fight over Chromium's profile lock.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
mkdir -p "$(dirname "$screenshot")"

run_browser() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --user-data-dir="$profile" \
        --virtual-time-budget="$budget_ms" "$@" 2>>"$stem-chromium.log"
}

providers_url="$base_url/dashboard/"
health_url="$base_url/dashboard/#/health"
: >"$stem-chromium.log"
run_browser --dump-dom "$providers_url" >"$stem-providers.html" || true
run_browser --dump-dom "$health_url" >"$stem-health.html" || true
run_browser --window-size="$window" --screenshot="$screenshot" "$providers_url" >/dev/null || true
run_browser --window-size="$window" --screenshot="$stem-health.png" "$health_url" >/dev/null || true

failures=0
expect() { # description, file, extended regex
    if grep -Eq "$3" "$2"; then
        echo "dashboard-check: ok   $1"
    else
        echo "dashboard-check: FAIL $1 (see $2)" >&2
        failures=$((failures + 1))
    fi
}
expect "a .frontend on $providers_url" "$stem-providers.html" 'class="([^"]* )?frontend( [^"]*)?"'
expect "a .backend on $providers_url" "$stem-providers.html" 'class="([^"]* )?backend( [^"]*)?"'
expect "#response-time-chart drawn on $health_url" "$stem-health.html" \
    'id="response-time-chart"[^>]*data-points="[1-9][0-9]*"'
[[ -s "$screenshot" ]] || { echo "dashboard-check: FAIL no screenshot at $screenshot" >&2; failures=$((failures + 1)); }

if [[ $failures -ne 0 ]]; then exit 1; fi
echo "dashboard-check: passed; screenshots $screenshot and $stem-health.png"
