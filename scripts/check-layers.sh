#!/usr/bin/env bash
# Fails when a source file includes a header of a higher layer, or one dialect includes another:
# the folder dependency graph of src/ stays acyclic (docs/architecture.md). Also fails on the
# edges that skip layers on purpose forbidden: api/ and the dialects never include crawl/ (they
# reach it through jobs/ only). Run by `make test`.
#   scripts/check-layers.sh          check, print every upward include, exit 1 if any
set -u
cd "$(dirname "$0")/../src"

# The rank of a source path (lower layers have lower ranks; a file may include its own folder
# and any folder of a lower rank).
rank() {
  case "$1" in
    util/* | version.h) echo 0 ;;
    store/* | html/* | fetch/*) echo 1 ;;
    model/*) echo 2 ;;
    spec/*) echo 2 ;;
    page/*) echo 3 ;;
    crawl/*) echo 4 ;;
    jobs/*) echo 5 ;;
    api/*) echo 6 ;;
    dialect/*/*) echo 7 ;;
    dialect/*) echo 8 ;; # dialects.c: the table of every dialect's routes
    engine.c | engine.h) echo 9 ;;
    cli/*) echo 10 ;;
    main.c) echo 11 ;;
    *) echo 99 ;;
  esac
}

# The folder a path belongs to (a dialect is its own folder).
folder() {
  case "$1" in
    dialect/*/*) echo "${1%/*}" ;;
    */*) echo "${1%%/*}" ;;
    *) echo "." ;;
  esac
}

# "FROM TO": folders (prefixes) that may not include headers of TO, whatever their layers.
forbidden=("api/ crawl/" "dialect/ crawl/")

# True when the include of $2 by $1 is a forbidden edge.
forbidden_edge() {
  local e
  for e in "${forbidden[@]}"; do
    case "$1" in ${e% *}*) case "$2" in ${e#* }*) return 0 ;; esac ;; esac
  done
  return 1
}

bad=0
checked=0
while IFS= read -r f; do
  f=${f#./}
  fr=$(rank "$f")
  if [ "$fr" = 99 ]; then echo "check-layers: $f is in no layer (add its folder to scripts/check-layers.sh)"; bad=$((bad + 1)); continue; fi
  while IFS= read -r inc; do
    [ -n "$inc" ] || continue
    [ -e "$inc" ] || continue # a system or library header
    checked=$((checked + 1))
    if forbidden_edge "$f" "$inc"; then
      echo "check-layers: $f includes $inc (api/ and dialects reach crawl/ through jobs/ only)"
      bad=$((bad + 1))
    fi
    [ "$(folder "$f")" = "$(folder "$inc")" ] && continue
    ir=$(rank "$inc")
    if [ "$ir" -ge "$fr" ]; then
      echo "check-layers: $f (layer $fr) includes $inc (layer $ir)"
      bad=$((bad + 1))
    fi
  done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$f")
done < <(find . -name '*.[ch]' | sort)

if [ "$bad" -gt 0 ]; then
  echo "check-layers: $bad upward include(s) among $checked checked"
  exit 1
fi
echo "check-layers: $checked includes checked, none upward"
