#!/usr/bin/env bash
# Cost of crawl status polls on a large job: writes a finished 50,000-document crawl into a fresh
# store (build/bench-mkjob, through the store API), serves it with the release build, and times
# status calls with curl over loopback (first page, a page near the end, v2, and a v1 call with
# limit=1). Reports median and p95 milliseconds and the bytes of each answer.
# Usage: bench/status.sh [DOCS] [CALLS]   (defaults 50000 and 200)
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${1:-50000}
CALLS=${2:-200}
[ -x build/cinder ] && [ -x build/bench-mkjob ] || make --no-print-directory build/cinder build/bench-mkjob
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

t0=$(date +%s%N)
id=$(build/bench-mkjob "$work/data" "$DOCS")
t1=$(date +%s%N)
echo "store: $DOCS documents written in $(( (t1 - t0) / 1000000 )) ms ($(du -sh "$work/data" | cut -f1) on disk)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/cinder serve --port "$port" --data "$work/data" --log-level warn >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.05; done

stats() { sort -n | awk '{a[NR]=$1} END {printf "%7.2f %7.2f", a[int((NR+1)/2)], a[int(NR*0.95)]}'; }
probe() { # $1 = label, $2 = path
  local url="http://127.0.0.1:$port$2"
  local bytes docs
  bytes=$(curl -s "$url" | tee "$work/body" | wc -c)
  docs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get("data") or []), "next" in d)' "$work/body")
  local t
  t=$(for _ in $(seq "$CALLS"); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done |
    awk '{print $1 * 1000}' | stats)
  printf '  %-34s %s %9s %s\n' "$1" "$t" "$bytes" "$docs"
}

echo
echo "status calls on one $DOCS-document crawl, $CALLS calls each (curl over loopback):"
printf '  %-34s %7s %7s %9s %s\n' "call" "med ms" "p95 ms" "bytes" "docs next?"
probe "GET /v1/crawl/:id" "/v1/crawl/$id"
probe "GET /v1/crawl/:id?skip=$((DOCS - 100))" "/v1/crawl/$id?skip=$((DOCS - 100))"
probe "GET /v2/crawl/:id" "/v2/crawl/$id"
probe "GET /v1/crawl/:id?limit=1" "/v1/crawl/$id?limit=1"
probe "GET /v1/crawl/:id/errors" "/v1/crawl/$id/errors"
rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo "  server peak RSS after the calls: $((rss / 1024)) MB"
