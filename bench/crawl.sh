#!/usr/bin/env bash
# Crawl throughput: `cinder crawl` (markdown on) beside `wget2 --recursive` (saves HTML only), in
# the same run, on a generated N-page documentation site (bench/gen_site.py: no sitemap, every
# page found through links) served by nginx on loopback. RUNS rounds, each one cinder crawl then
# one wget2 crawl; medians of wall-clock pages/s, CPU seconds (user+sys) per 1,000 pages and peak
# RSS, all from /usr/bin/time. Checks that each crawler wrote exactly N pages and fails if not.
# Targets (PASS/FAIL): cinder >= 1,000 pages/s, within 2x of wget2, peak RSS < 150 MB.
#
# Usage: bench/crawl.sh [RUNS]                  (default 3)
# Environment:
#   N=20000 SEED=1        site size (pages, home page included) and generator seed
#   CONCURRENCY=64        cinder --concurrency (and --host-connections, where cinder has it)
#   WGET2_THREADS=5       wget2 --max-threads (wget2's own default)
#   STRICT=1              exit 1 when a target is missed (default: report only)
#   CINDER=build/cinder   the binary measured (built with `make build/cinder` when it is missing)
#   KEEP=1                keep the work directory (site, outputs, logs) and print its path
#   OUT_TMP=/dev/shm      where the crawlers' output goes (a tmpfs; see below)
# Needs (scripts/install-deps.sh --test): nginx-light, wget2, time, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
N=${N:-20000}
SEED=${SEED:-1}
# cinder: 64 pages in flight (and --host-connections 64). On the 2-core reference machine
# -c 8/16/32/64/128/256 took 8.5/7.3/6.5/5.9/6.4/5.9 s for the 20,000 pages: with 2 parse
# workers and nginx sharing the 2 cores, more pages in flight keep the workers fed while fetches
# and commits wait; past 64 nothing is gained. (wget2 likewise runs at its fastest setting.)
CONCURRENCY=${CONCURRENCY:-64}
# wget2: its default of 5 threads, its fastest there (1/2/5/10 threads: 4.1-4.4/3.5-3.8/2.5-3.1/
# 2.6-3.7 s for 20,000 pages into a tmpfs).
WGET2_THREADS=${WGET2_THREADS:-5}

for tool in nginx wget2 /usr/bin/time python3 curl; do
  command -v "$tool" >/dev/null || { echo "crawl.sh: $tool missing (run scripts/install-deps.sh --test)" >&2; exit 1; }
done
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

# --- the site ---
python3 bench/gen_site.py "$work/site" "$N" "$SEED"
site_bytes=$(du -sb "$work/site" | cut -f1)

# --- nginx serving the site on loopback (bench/nginx.sh) ---
. bench/nginx.sh
nginx_start "$work/site" "$work/nginx"
base="http://127.0.0.1:$nginx_port/"

# --- the crawlers ---
host_conn=()
if "$CINDER" crawl --help 2>&1 | grep -q -- '--host-connections'; then
  host_conn=(--host-connections "$CONCURRENCY")
fi
cinder_cmd=("$CINDER" crawl --allow-private --limit $((N + 1000)) --concurrency "$CONCURRENCY"
  "${host_conn[@]}" --data "$work/cinder-data" -o "$out_root/out-cinder" "$base")
wget2_cmd=(wget2 --no-config --quiet --recursive --level=inf --no-parent --max-threads="$WGET2_THREADS"
  --no-hsts --no-hpkp --no-netrc --directory-prefix="$out_root/out-wget2" --no-host-directories "$base")

# One measured run: $1 = name; the command follows. Appends "wall user sys maxrss_kb" to
# $work/$name.times after checking that N pages were written.
measure() {
  local name=$1; shift
  rm -rf "$out_root/out-$name" "$work/cinder-data"
  sync
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >"$work/$name.log" 2>&1 || rc=$?
  local ext=html pages
  [ "$name" = cinder ] && ext=md
  pages=$({ find "$out_root/out-$name" -type f -name "*.$ext" 2>/dev/null || true; } | wc -l)
  if [ "$rc" -ne 0 ] || [ "$pages" -ne "$N" ]; then
    echo "crawl.sh: $name wrote $pages of $N pages (exit $rc); its output:" >&2
    tail -n 20 "$work/$name.log" >&2
    grep -v '^Command exited' "$work/time.txt" >&2 || true
    exit 1
  fi
  tail -n 1 "$work/time.txt" >>"$work/$name.times"
  read -r wall user sys rss <<<"$(tail -n 1 "$work/time.txt")"
  printf '  run %d %-7s %7.2f s wall  %6.2f s CPU  %6.1f MB peak RSS\n' "$run" "$name" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" "$(awk -v r="$rss" 'BEGIN {print r / 1024}')"
}

echo "site: $N pages, $((site_bytes / 1000000)) MB, nginx $(nginx -v 2>&1 | sed 's|.*/||') on $base (1 worker), $(nproc) cores"
echo "cinder: ${cinder_cmd[*]}" | sed "s|$work|\$WORK|g; s|$out_root|\$OUT|g"
echo "wget2:  ${wget2_cmd[*]}" | sed "s|$work|\$WORK|g; s|$out_root|\$OUT|g"
for run in $(seq "$RUNS"); do
  measure cinder "${cinder_cmd[@]}"
  measure wget2 "${wget2_cmd[@]}"
done
if grep -qv '^$' "$work/nginx/error.log" 2>/dev/null; then
  echo "nginx error log:" >&2; head -n 5 "$work/nginx/error.log" >&2
fi

# --- medians and targets ---
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
metric() { # $1 = name, $2 = awk expression over wall, cpu, rss (KB)
  awk -v n="$N" "{wall=\$1; cpu=\$2+\$3; rss=\$4; print $2}" "$work/$1.times" | median
}
c_pps=$(metric cinder 'n / wall');   w_pps=$(metric wget2 'n / wall')
c_cpu=$(metric cinder 'cpu * 1000 / n'); w_cpu=$(metric wget2 'cpu * 1000 / n')
c_rss=$(metric cinder 'rss / 1024'); w_rss=$(metric wget2 'rss / 1024')
c_wall=$(metric cinder 'wall');      w_wall=$(metric wget2 'wall')
ratio=$(awk -v a="$c_pps" -v b="$w_pps" 'BEGIN {printf "%.2f", a / b}')

echo
echo "crawl of $N pages, median of $RUNS runs (alternating):"
printf '  %-44s %9s %18s %13s %8s\n' "" "pages/s" "CPU s/1000 pages" "peak RSS MB" "wall s"
row() { printf '  %-44s %9.0f %18.2f %13.1f %8.2f\n' "$@"; }
row "cinder $("$CINDER" --version | awk '{print $2}') (markdown, -c $CONCURRENCY${host_conn[*]:+, host-conn $CONCURRENCY})" "$c_pps" "$c_cpu" "$c_rss" "$c_wall"
row "wget2 $(wget2 --version | awk 'NR==1 {print $3}') (HTML only, $WGET2_THREADS threads)" "$w_pps" "$w_cpu" "$w_rss" "$w_wall"
echo "  ratio cinder/wget2 pages/s: $ratio"

fails=0
check() { # $1 = condition (awk), $2 = label
  if awk "BEGIN {exit !($1)}"; then echo "  PASS  $2"; else echo "  FAIL  $2"; fails=$((fails + 1)); fi
}
echo "targets:"
check "$c_pps >= 1000" "cinder >= 1000 pages/s with markdown ($(printf '%.0f' "$c_pps"))"
check "$ratio >= 0.5" "cinder within 2x of wget2 (ratio $ratio >= 0.5)"
check "$c_rss < 150" "cinder peak RSS < 150 MB ($(printf '%.1f' "$c_rss") MB)"
if [ "$fails" -gt 0 ] && [ "${STRICT:-0}" = 1 ]; then exit 1; fi
