#!/usr/bin/env bash
# Runs every libFuzzer target in build/fuzz for $1 seconds each (make fuzz FUZZ_SECONDS=N).
# New inputs go to build/fuzz/corpus/NAME; a crash leaves build/fuzz/NAME-crash-* and fails the run.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}
failed=0
for t in build/fuzz/fuzz_*; do
  [ -x "$t" ] && [ -f "$t" ] || continue
  n=$(basename "$t")
  case "$n" in *-crash-*|*-leak-*|*-timeout-*) continue ;; esac
  mkdir -p "build/fuzz/corpus/$n"
  out=$("$t" -max_total_time="$secs" -artifact_prefix="build/fuzz/$n-" -max_len=65536 \
        -timeout=10 "build/fuzz/corpus/$n" "tests/fuzz/corpus/$n" 2>&1)
  rc=$?
  if [ $rc -ne 0 ]; then
    failed=1
    printf '%s: FAILED\n%s\n' "$n" "$(printf '%s\n' "$out" | grep -E 'ERROR|SUMMARY|artifact' | head -5)"
  else
    printf '%s: %s\n' "$n" "$(printf '%s\n' "$out" | grep -E '^Done' | tail -1)"
  fi
done
exit $failed
