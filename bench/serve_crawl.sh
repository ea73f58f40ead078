#!/usr/bin/env bash
# Crawl through the API as a user does: `cinder serve`, then POST /v1/crawl (markdown, main
# content, documents stored) of a real documentation site served by nginx on loopback, polled
# until completed; beside wget2 --recursive fetching and saving the same site, alternating
# rounds. Reports medians of pages/s, the server's CPU ms per page (user+sys from /proc, from the
# POST to completion) and its peak RSS, and the ratio cinder/wget2.
# Usage: bench/serve_crawl.sh [ROUNDS]           (default 5)
# Environment:
#   SITE=/usr/share/doc/python3.11/html   the site (python3.11-doc: 530 pages, ~93 KB each);
#                                           /usr/share/doc/postgresql-doc-15/html is the other
#   START=index.html   CONC=16   CINDER=build/cinder   WGET2_THREADS=5
# Needs (scripts/install-deps.sh --test): nginx-light, wget2, time, curl, python3-doc packages.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
SITE=${SITE:-/usr/share/doc/python3.11/html}
START=${START:-index.html}
CONC=${CONC:-16}
CINDER=${CINDER:-build/cinder}
WGET2_THREADS=${WGET2_THREADS:-5}
[ -f "$SITE/$START" ] || { echo "serve_crawl.sh: $SITE/$START missing (scripts/install-deps.sh --test)" >&2; exit 1; }
[ -x "$CINDER" ] || make --no-print-directory build/cinder
work=$(mktemp -d)
spid=""
. bench/nginx.sh
cleanup() {
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
  nginx_stop
  rm -rf "$work"
  [ "${out_root:-$work}" = "$work" ] || rm -rf "$out_root"
}
trap cleanup EXIT
out_root=$work
[ -d /dev/shm ] && [ -w /dev/shm ] && out_root=$(mktemp -d -p /dev/shm cinder-bench-XXXXXX)
nginx_start "$SITE" "$work/nginx"
base="http://127.0.0.1:$nginx_port/$START"
tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One cinder round: appends "pages wall_s cpu_s hwm_kb" to $work/cinder.
cinder_round() {
  local port data="$work/data-$1"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$CINDER" serve --allow-private -p "$port" -d "$data" --log-level warn &
  spid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.05; done
  local c0 t0 id st
  c0=$(cpu_ticks "$spid")
  t0=$(date +%s.%N)
  id=$(curl -fs -X POST "http://127.0.0.1:$port/v1/crawl" -H 'content-type: application/json' \
    -d "{\"url\":\"$base\",\"limit\":100000,\"maxConcurrency\":$CONC,\"scrapeOptions\":{\"formats\":[\"markdown\"],\"onlyMainContent\":true}}" |
    sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  [ -n "$id" ] || { echo "serve_crawl.sh: the crawl did not start" >&2; exit 1; }
  until curl -fs "http://127.0.0.1:$port/v1/crawl/$id?limit=1" | grep -q '"status":"completed"'; do sleep 0.05; done
  local t1 c1 hwm pages
  t1=$(date +%s.%N)
  c1=$(cpu_ticks "$spid")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$spid/status")
  pages=$(curl -fs "http://127.0.0.1:$port/v1/crawl/$id?limit=1" | sed -n 's/.*"completed":\([0-9]*\).*/\1/p')
  kill "$spid"
  wait "$spid" 2>/dev/null || true
  spid=""
  rm -rf "$data"
  awk -v p="$pages" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v k="$tck" -v h="$hwm" \
    'BEGIN {print p, t1 - t0, (c1 - c0) / k, h}' >>"$work/cinder"
}

# One wget2 round: appends "pages wall_s cpu_s hwm_kb" to $work/wget2.
wget2_round() {
  local out="$out_root/w2" # a tmpfs when there is one: file creation costs on disk vary 2x
  rm -rf "$out"
  /usr/bin/time -f '%e %U %S %M' -o "$work/t" wget2 --no-config --quiet --recursive --level=inf \
    --no-parent --max-threads="$WGET2_THREADS" -P "$out" "$base" || true
  local pages
  pages=$(find "$out" -name '*.html' | wc -l)
  read -r wall user sys rss < <(tail -n 1 "$work/t")
  awk -v p="$pages" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {print p, w, u + s, r}' >>"$work/wget2"
  rm -rf "$out"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
col() { awk "{print $2}" "$work/$1" | median; }

echo "site: $SITE ($(find "$SITE" -name '*.html' | wc -l) HTML files, $(du -sh "$SITE" | cut -f1)), $(nproc) cores, cinder -c $CONC, wget2 $WGET2_THREADS threads"
for r in $(seq "$ROUNDS"); do
  cinder_round "$r"
  wget2_round
  printf '  round %d  cinder %s  wget2 %s\n' "$r" "$(tail -n 1 "$work/cinder")" "$(tail -n 1 "$work/wget2")"
done
c_pps=$(col cinder '$1 / $2')
w_pps=$(col wget2 '$1 / $2')
printf 'cinder (POST /v1/crawl, markdown, main content): %s pages, %.0f pages/s, %.2f ms CPU/page, peak RSS %.1f MB\n' \
  "$(col cinder '$1')" "$c_pps" "$(col cinder '$3 * 1000 / $1')" "$(col cinder '$4 / 1024')"
printf 'wget2 (fetch and save):                          %s pages, %.0f pages/s, %.2f ms CPU/page, peak RSS %.1f MB\n' \
  "$(col wget2 '$1')" "$w_pps" "$(col wget2 '$3 * 1000 / $1')" "$(col wget2 '$4 / 1024')"
printf 'ratio cinder/wget2 pages/s: %.2f (medians of %d alternating rounds)\n' "$(awk -v a="$c_pps" -v b="$w_pps" 'BEGIN {print a / b}')" "$ROUNDS"
