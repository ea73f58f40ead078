#!/usr/bin/env bash
# Crawl throughput: `cinder crawl` (markdown, main content) beside `wget2 --recursive` (saves
# HTML only), in the same run, on sites served by nginx on loopback. Two workloads:
#   generated  an N-page documentation site from bench/gen_site.py (no sitemap, every page
#              found through links); targets below
#   pgdoc      a real one: the PostgreSQL 15 manual as Debian ships it (postgresql-doc-15,
#              /usr/share/doc/postgresql-doc-15/html, ~1,170 pages of 2-200 KB), crawled from
#              index.html; report only
# Each workload runs RUNS rounds, each one cinder crawl then one wget2 crawl; medians of
# wall-clock pages/s, CPU ms (user+sys) per page and peak RSS, all from /usr/bin/time. Checks
# that each crawler wrote exactly the site's pages and fails if not.
# Targets (generated; PASS/FAIL): cinder >= 1,000 pages/s, within 2x of wget2, peak RSS < 150 MB.
#
# Usage: bench/crawl.sh [RUNS]                  (default 3)
# Environment:
#   WORKLOADS="generated pgdoc"  which workloads run, in this order
#   N=20000 SEED=1        generated: site size (pages, home page included) and generator seed
#   CONCURRENCY=64        generated: cinder --concurrency (and --host-connections)
#   PG_RUNS=RUNS*3        pgdoc: rounds (a crawl of the manual takes well under a second)
#   PG_CONCURRENCY=16     pgdoc: cinder --concurrency (and --host-connections)
#   PG_DOC=/usr/share/doc/postgresql-doc-15/html   pgdoc: the manual's directory
#   WGET2_THREADS=5       wget2 --max-threads (wget2's own default)
#   STRICT=1              exit 1 when a target is missed (default: report only)
#   CINDER=build/cinder   the binary measured (built with `make build/cinder` when it is missing)
#   KEEP=1                keep the work directory (site, outputs, logs) and print its path
#   OUT_TMP=/dev/shm      where the crawlers' output goes (a tmpfs; see below)
# Needs (scripts/install-deps.sh --test): nginx-light, wget2, time, python3, postgresql-doc-15.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
WORKLOADS=${WORKLOADS:-generated pgdoc}
N=${N:-20000}
SEED=${SEED:-1}
# cinder: 64 pages in flight (and --host-connections 64). On the 2-core reference machine
# -c 8/16/32/64/128/256 took 8.5/7.3/6.5/5.9/6.4/5.9 s for the 20,000 pages: with 2 parse
# workers and nginx sharing the 2 cores, more pages in flight keep the workers fed while fetches
# and commits wait; past 64 nothing is gained. (wget2 likewise runs at its fastest setting.)
CONCURRENCY=${CONCURRENCY:-64}
PG_RUNS=${PG_RUNS:-$((RUNS * 3))}
PG_CONCURRENCY=${PG_CONCURRENCY:-16}
PG_DOC=${PG_DOC:-/usr/share/doc/postgresql-doc-15/html}
# wget2: its default of 5 threads, its fastest there (1/2/5/10 threads: 4.1-4.4/3.5-3.8/2.5-3.1/
# 2.6-3.7 s for 20,000 pages into a tmpfs).
WGET2_THREADS=${WGET2_THREADS:-5}

for tool in nginx wget2 /usr/bin/time python3 curl; do
  command -v "$tool" >/dev/null || { echo "crawl.sh: $tool missing (run scripts/install-deps.sh --test)" >&2; exit 1; }
done
case " $WORKLOADS " in
  *" pgdoc "*) [ -f "$PG_DOC/index.html" ] || { echo "crawl.sh: $PG_DOC/index.html missing (run scripts/install-deps.sh --test)" >&2; exit 1; } ;;
esac
CINDER=${CINDER:-build/cinder}
[ -x "$CINDER" ] || [ "$CINDER" != build/cinder ] || make build/cinder
[ -x "$CINDER" ] || { echo "crawl.sh: $CINDER is not an executable" >&2; exit 1; }

work=$(mktemp -d)
# The crawlers' outputs (20,000 files each per run) go to a tmpfs when there is one: on a disk
# file system, creating 20,000 files right after the previous run deleted 20,000 costs the
# crawler seconds of kernel time (ext4 without a journal skips recently deleted inodes one by
# one), which made wget2's times vary 2x between runs. cinder's store (--data) stays on disk.
out_root=${OUT_TMP:-/dev/shm}
if [ -d "$out_root" ] && [ -w "$out_root" ] && [ "$(df -Pk "$out_root" | awk 'NR==2 {print $4}')" -gt 2000000 ]; then
  out_root=$(mktemp -d -p "$out_root" cinder-bench-XXXXXX)
else
  out_root=$work
fi
. bench/nginx.sh
cleanup() {
  nginx_stop
  if [ "${KEEP:-0}" = 1 ]; then
    echo "work directory kept: $work (outputs: $out_root)" >&2
  else
    rm -rf "$work"
    [ "$out_root" = "$work" ] || rm -rf "$out_root"
  fi
}
trap cleanup EXIT

host_conn_opt=0
if "$CINDER" crawl --help 2>&1 | grep -q -- '--host-connections'; then host_conn_opt=1; fi

# One measured run: $1 = name (cinder or wget2); the command follows. Appends "wall user sys
# maxrss_kb" to $work/$wl.$name.times after checking that $pages_want pages were written.
measure() {
  local name=$1; shift
  rm -rf "$out_root/out-$name" "$work/cinder-data"
  sync
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >"$work/$wl.$name.log" 2>&1 || rc=$?
  local ext=html pages
  [ "$name" = cinder ] && ext=md
  pages=$({ find "$out_root/out-$name" -type f -name "*.$ext" 2>/dev/null || true; } | wc -l)
  if [ "$rc" -ne 0 ] || [ "$pages" -ne "$pages_want" ]; then
    echo "crawl.sh: $wl: $name wrote $pages of $pages_want pages (exit $rc); its output:" >&2
    tail -n 20 "$work/$wl.$name.log" >&2
    grep -v '^Command exited' "$work/time.txt" >&2 || true
    exit 1
  fi
  tail -n 1 "$work/time.txt" >>"$work/$wl.$name.times"
  read -r wall user sys rss <<<"$(tail -n 1 "$work/time.txt")"
  printf '  run %d %-7s %7.2f s wall  %6.2f s CPU  %6.1f MB peak RSS\n' "$run" "$name" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" "$(awk -v r="$rss" 'BEGIN {print r / 1024}')"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
metric() { # $1 = name, $2 = awk expression over wall, cpu, rss (KB); n = pages of the workload
  awk -v n="$pages_want" "{wall=\$1; cpu=\$2+\$3; rss=\$4; print $2}" "$work/$wl.$1.times" | median
}

# Crawls the site in $1 (served by nginx) from path $2, $3 rounds, cinder at concurrency $4;
# $pages_want and $wl are set by the caller. Prints the runs and the medians; leaves c_pps,
# c_rss and ratio for the targets.
crawl_workload() {
  local site=$1 start=$2 rounds=$3 conc=$4 host_conn=()
  [ "$host_conn_opt" = 1 ] && host_conn=(--host-connections "$conc")
  nginx_start "$site" "$work/nginx-$wl"
  local base="http://127.0.0.1:$nginx_port/"
  local cinder_cmd=("$CINDER" crawl --allow-private --limit $((pages_want + 1000)) --concurrency "$conc"
    "${host_conn[@]}" --data "$work/cinder-data" -o "$out_root/out-cinder" "$base$start")
  local wget2_cmd=(wget2 --no-config --quiet --recursive --level=inf --no-parent --max-threads="$WGET2_THREADS"
    --no-hsts --no-hpkp --no-netrc --directory-prefix="$out_root/out-wget2" --no-host-directories "$base$start")
  echo "cinder: ${cinder_cmd[*]}" | sed "s|$work|\$WORK|g; s|$out_root|\$OUT|g"
  echo "wget2:  ${wget2_cmd[*]}" | sed "s|$work|\$WORK|g; s|$out_root|\$OUT|g"
  for run in $(seq "$rounds"); do
    measure cinder "${cinder_cmd[@]}"
    measure wget2 "${wget2_cmd[@]}"
  done
  if grep -qv '^$' "$work/nginx-$wl/error.log" 2>/dev/null; then
    echo "nginx error log:" >&2; head -n 5 "$work/nginx-$wl/error.log" >&2
  fi
  nginx_stop
  c_pps=$(metric cinder 'n / wall');   w_pps=$(metric wget2 'n / wall')
  local c_cpu w_cpu w_rss c_wall w_wall
  c_cpu=$(metric cinder 'cpu * 1000 / n'); w_cpu=$(metric wget2 'cpu * 1000 / n')
  c_rss=$(metric cinder 'rss / 1024'); w_rss=$(metric wget2 'rss / 1024')
  c_wall=$(metric cinder 'wall');      w_wall=$(metric wget2 'wall')
  ratio=$(awk -v a="$c_pps" -v b="$w_pps" 'BEGIN {printf "%.2f", a / b}')
  echo
  echo "$wl: crawl of $pages_want pages, median of $rounds runs (alternating):"
  printf '  %-44s %9s %12s %13s %8s\n' "" "pages/s" "CPU ms/page" "peak RSS MB" "wall s"
  row() { printf '  %-44s %9.0f %12.3f %13.1f %8.2f\n' "$@"; }
  row "cinder $("$CINDER" --version | awk '{print $2}') (markdown, -c $conc${host_conn[*]:+, host-conn $conc})" "$c_pps" "$c_cpu" "$c_rss" "$c_wall"
  row "wget2 $(wget2 --version | awk 'NR==1 {print $3}') (HTML only, $WGET2_THREADS threads)" "$w_pps" "$w_cpu" "$w_rss" "$w_wall"
  echo "  ratio cinder/wget2 pages/s: $ratio"
}

fails=0
check() { # $1 = condition (awk), $2 = label
  if awk "BEGIN {exit !($1)}"; then echo "  PASS  $2"; else echo "  FAIL  $2"; fails=$((fails + 1)); fi
}

# --- generated: the site of bench/gen_site.py ---
workload_generated() {
  python3 bench/gen_site.py "$work/site" "$N" "$SEED"
  local site_bytes
  site_bytes=$(du -sb "$work/site" | cut -f1)
  echo "generated site: $N pages, $((site_bytes / 1000000)) MB, nginx $(nginx -v 2>&1 | sed 's|.*/||') (1 worker), $(nproc) cores"
  pages_want=$N
  crawl_workload "$work/site" "" "$RUNS" "$CONCURRENCY"
  echo "targets:"
  check "$c_pps >= 1000" "cinder >= 1000 pages/s with markdown ($(printf '%.0f' "$c_pps"))"
  check "$ratio >= 0.5" "cinder within 2x of wget2 (ratio $ratio >= 0.5)"
  check "$c_rss < 150" "cinder peak RSS < 150 MB ($(printf '%.1f' "$c_rss") MB)"
}

# --- pgdoc: the PostgreSQL manual (every page is reachable from index.html) ---
workload_pgdoc() {
  pages_want=$(find "$PG_DOC" -maxdepth 1 -name '*.html' | wc -l)
  local site_bytes
  site_bytes=$(du -sbL "$PG_DOC" | cut -f1)
  echo "pgdoc site: $PG_DOC, $pages_want pages, $((site_bytes / 1000000)) MB, nginx (1 worker), $(nproc) cores"
  crawl_workload "$PG_DOC" index.html "$PG_RUNS" "$PG_CONCURRENCY"
}

first=1
for wl in $WORKLOADS; do
  [ "$first" = 1 ] || echo
  first=0
  case "$wl" in
    generated) workload_generated ;;
    pgdoc) workload_pgdoc ;;
    *) echo "crawl.sh: unknown workload $wl" >&2; exit 1 ;;
  esac
done
if [ "$fails" -gt 0 ] && [ "${STRICT:-0}" = 1 ]; then exit 1; fi
