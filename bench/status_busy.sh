#!/usr/bin/env bash
# Status polls while the server crawls: a finished DOCS-document crawl is written into a fresh
# store (build/bench-mkjob), the server (CINDER, the release build by default) serves it, a crawl
# of a generated N-page site on nginx is started through POST /v1/crawl, and while it runs the
# big job's first status page (GET /v1/crawl/:id: 100 documents, about 215 KB; and ?limit=10) is
# polled back to back by one client. Reports the polls' median and p95 ms during the crawl, the same polls with the server
# idle, and the crawl's pages/s (so both "status latency" and "crawl throughput under status
# load" are measured in one run). Run it for two binaries to compare them:
#   CINDER=/path/to/old/cinder bench/status_busy.sh; bench/status_busy.sh
# Usage: bench/status_busy.sh [DOCS] [N]   (defaults 50000 and 20000)
# Needs: nginx-light, curl, python3 (scripts/install-deps.sh --test).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${1:-50000}
N=${2:-20000}
CINDER=${CINDER:-build/cinder}
[ -x build/cinder ] && [ -x build/bench-mkjob ] || make --no-print-directory build/cinder build/bench-mkjob
work=$(mktemp -d)
pid=""
. bench/nginx.sh
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  nginx_stop
  rm -rf "$work"
}
trap cleanup EXIT

id=$(build/bench-mkjob "$work/data" "$DOCS")
python3 bench/gen_site.py "$work/site" "$N" 1
nginx_start "$work/site" "$work/nginx"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$CINDER" serve --port "$port" --data "$work/data" --allow-private --log-level warn >"$work/log" 2>&1 &
pid=$!
api="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$api/health" >/dev/null && break; sleep 0.05; done

stats() { sort -n | awk '{a[NR]=$1} END {printf "%7.2f %7.2f %5d", a[int((NR+1)/2)], a[int(NR*0.95)], NR}'; }
poll() { curl -s -o /dev/null -w '%{time_total}\n' "$1" | awk '{print $1 * 1000}'; }
idle() { for _ in $(seq 50); do poll "$1"; done | stats; }

status="$api/v1/crawl/$id"
idle_first=$(idle "$status")
idle_10=$(idle "$status?limit=10")

crawl=$(curl -s -X POST "$api/v1/crawl" -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$nginx_port/\",\"limit\":$((N + 1000)),\"maxConcurrency\":64,\"sitemap\":\"skip\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t0=$(date +%s%N)
: >"$work/first"
: >"$work/ten"
(while [ ! -e "$work/stop" ]; do
  poll "$status" >>"$work/first"
  poll "$status?limit=10" >>"$work/ten"
done) &
poller=$!
while :; do
  state=$(curl -s "$api/v1/crawl/$crawl?limit=1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["completed"])')
  [ "${state%% *}" = scraping ] || break
  sleep 0.2
done
touch "$work/stop"
wait "$poller"
t1=$(date +%s%N)
pages=${state##* }
ms=$(((t1 - t0) / 1000000))

echo "status polls of a $DOCS-document crawl ($CINDER):"
printf '  %-44s %7s %7s %5s\n' "" "med ms" "p95 ms" "calls"
printf '  %-44s %s\n' "idle: GET /v1/crawl/:id" "$idle_first"
printf '  %-44s %s\n' "idle: GET /v1/crawl/:id?limit=10" "$idle_10"
printf '  %-44s %s\n' "during the crawl: GET /v1/crawl/:id" "$(stats <"$work/first")"
printf '  %-44s %s\n' "during the crawl: GET /v1/crawl/:id?limit=10" "$(stats <"$work/ten")"
echo "  the crawl: $pages pages in $ms ms ($(python3 -c "print(round($pages * 1000 / max($ms, 1)))") pages/s) while polled"
