#!/usr/bin/env bash
# Memory bounds of the crawl engine (release build, against the fixture site on loopback):
#  1. peak RSS of `cinder crawl` over a PAGES-page site (default 100,000) next to a 10,000-page
#     crawl of the same kind: the frontier, seen-set and documents live in the store, so the
#     peak must not grow with the crawl;
#  2. peak RSS of `cinder serve` while it streams a 1,000,000-URL sitemap into a crawl with a
#     2,000,000 limit (the sitemap is never held whole), and how long admitting it took.
# Usage: bench/memory.sh [PAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-100000}
make --no-print-directory -s build/cinder build/fixture-site
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

build/fixture-site --port 0 >"$work/site.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/site.log" && break; sleep 0.05; done
site=$(awk '/listening on/ {print $3}' "$work/site.log")

crawl() { # $1 = pages; prints "seconds peak_kb"
  /usr/bin/time -f "%e %M" -o "$work/time" build/cinder crawl \
    "http://127.0.0.1:$site/crawl/quietmem$1/" --limit $(($1 + 1)) --allow-private \
    --ignore-robots --concurrency 16 --jsonl "$work/out.jsonl" --data "$work/d$1" 2>/dev/null
  local lines
  lines=$(wc -l <"$work/out.jsonl")
  [ "$lines" -eq $(($1 + 1)) ] || { echo "expected $(($1 + 1)) documents, got $lines" >&2; exit 1; }
  cat "$work/time"
}
echo "cinder crawl, quiet fixture site, concurrency 16, JSON lines out:"
for n in 10000 "$PAGES"; do
  read -r secs kb < <(crawl "$n")
  printf '  %7d pages: %6.1f s (%5.0f pages/s), peak RSS %5.1f MB, store %s\n' "$((n + 1))" "$secs" \
    "$(awk -v n="$n" -v s="$secs" 'BEGIN {print (n + 1) / s}')" "$(awk -v k="$kb" 'BEGIN {print k / 1024}')" \
    "$(du -sh "$work/d$n" | cut -f1)"
  rm -rf "$work/d$n"
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/cinder serve --port "$port" --data "$work/serve" --allow-private --log-level warn >"$work/serve.log" 2>&1 &
spid=$!
pids+=($spid)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.05; done
curl -sf -X POST "http://127.0.0.1:$site/_robots" \
  --data-binary $'User-agent: *\nSitemap: http://{host}/crawl/quietsm/sitemap-big.xml?n=1000000\n' >/dev/null
id=$(curl -sf -H 'Content-Type: application/json' "http://127.0.0.1:$port/v1/crawl" \
  -d "{\"url\":\"http://127.0.0.1:$site/crawl/quietsm/\",\"limit\":2000000,\"maxConcurrency\":2}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t0=$(date +%s%N)
total=0
while [ "$total" -lt 1000001 ] && [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 300 ]; do
  sleep 0.5
  total=$(curl -sf "http://127.0.0.1:$port/v1/crawl/$id?limit=1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
done
t1=$(date +%s%N)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$spid/status")
curl -sf -X DELETE "http://127.0.0.1:$port/v1/crawl/$id" >/dev/null
echo
echo "cinder serve streaming a 1,000,000-URL sitemap (limit 2,000,000):"
printf '  %d URLs admitted in %.1f s; server peak RSS %.1f MB\n' "$total" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1e9}')" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
