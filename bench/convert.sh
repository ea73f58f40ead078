#!/usr/bin/env bash
# HTML→markdown throughput of `cinder convert` beside turndown (npm), on the real pages of
# ../shared/corpus/readability, single thread, in the same run; plus main-content extraction F1.
# Usage: bench/convert.sh [RUNS]   (default 5; medians reported)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
CORPUS=${CORPUS:-../shared/corpus/readability/pages}
SCORER=${SCORER:-../shared/tools/extraction_f1.py}
[ -d "$CORPUS" ] || { echo "corpus not found: $CORPUS" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/md"
for d in "$CORPUS"/*/; do
  name=$(basename "$d")
  ln -s "$(realpath "$d/source.html")" "$work/in/$name.html"
done
files=("$work"/in/*.html)
bytes=$(cat "${files[@]}" | wc -c)
echo "corpus: ${#files[@]} pages, $bytes bytes"

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
time_cinder() { # $@ = extra convert options
  for _ in $(seq "$RUNS"); do
    s=$(date +%s%N)
    taskset -c 0 build/cinder convert "$@" -o "$work/md" "${files[@]}" >/dev/null
    e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median
}

main_ms=$(time_cinder)
whole_ms=$(time_cinder --no-main)
td_json=$(taskset -c 0 node bench/turndown_bench.mjs "$RUNS" "${files[@]}")
td_ms=$(printf '%s' "$td_json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s).runs_ms.sort((a,b)=>a-b);const n=r.length;console.log((n%2?r[(n-1)/2]:(r[n/2-1]+r[n/2])/2).toFixed(1))})')

mbps() { awk -v b="$bytes" -v ms="$1" 'BEGIN {printf "%.1f", b / 1e6 / (ms / 1000)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b / a}'; }
echo
echo "HTML -> markdown, single thread, median of $RUNS runs:"
printf '  %-44s %8s ms  %7s MB/s\n' "cinder convert (main content, default)" "$main_ms" "$(mbps "$main_ms")"
printf '  %-44s %8s ms  %7s MB/s\n' "cinder convert --no-main (whole page)" "$whole_ms" "$(mbps "$whole_ms")"
printf '  %-44s %8s ms  %7s MB/s\n' "turndown 7.2.5 + gfm (node $(node --version))" "$td_ms" "$(mbps "$td_ms")"
echo "  ratio cinder/turndown: $(ratio "$main_ms" "$td_ms")x (main content), $(ratio "$whole_ms" "$td_ms")x (whole page)"

echo
echo "main-content extraction F1 (python3 $SCORER):"
rm -rf "$work/md" && mkdir -p "$work/md"
build/cinder convert -o "$work/md" "${files[@]}" >/dev/null
python3 "$SCORER" "$work/md" --corpus "$CORPUS" --worst 5 | sed 's/^/  /'
