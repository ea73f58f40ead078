#!/usr/bin/env bash
# Runs every test suite and ends with one line a CI runner reads: "N passed, M failed".
#   layers       scripts/check-layers.sh (the folder dependency graph has no upward edge)
#   unit tests   build/asan/tests/*  (AddressSanitizer + UndefinedBehaviorSanitizer)
#   unit tests   build/tsan/tests/*  (ThreadSanitizer; any report fails the test)
#   site         tests/site/selftest.sh (the fixture web server itself)
#   e2e          tests/e2e/*.test.mjs against build/asan/cinder (raw HTTP + Firecrawl JS SDK)
#   TSan smoke   tests/tsan/*.test.mjs against build/tsan/cinder (every server thread at work)
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}"
# TSan: report every race (halt_on_error=0) and exit 66 after any report; tests/tsan.supp holds
# the library-internal reports (each with its reason).
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp:print_suppressions=0}"
TSAN_REPORT='WARNING: ThreadSanitizer|ERROR: ThreadSanitizer|ThreadSanitizer:DEADLYSIGNAL'

count() { # $1 = label, $2 = passed, $3 = failed
  passed=$((passed + $2))
  failed=$((failed + $3))
  [ "$3" -gt 0 ] && failures+=("$1 ($3)")
}

echo "== layers (no include goes up a layer: docs/architecture.md)"
if out=$(bash scripts/check-layers.sh 2>&1); then echo "$out"; count "layers" 1 0; else echo "$out"; count "layers" 0 1; fi

# Runs every unit test binary in $1; $2 is the suffix of the suite names in the summary. A
# test that exits non-zero after its tests (a leak, a sanitizer report) counts as one failure.
run_units() {
  local t out rc line p f
  for t in "$1"/*_test; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    rc=$?
    line=$(printf '%s\n' "$out" | grep -E '^unit .*: [0-9]+ passed, [0-9]+ failed' | tail -1)
    p=$(printf '%s' "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
    f=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    [ -n "$line" ] || { p=0; f=1; }
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi   # crashed, leaked or raced after its tests
    if [ "$f" = 0 ] && printf '%s' "$out" | grep -qE "$TSAN_REPORT"; then f=1; fi
    if [ "$f" != 0 ]; then printf '%s\n' "$out" | grep -vE '^ok ' ; fi
    echo "${line:-unit $(basename "$t"): crashed (exit $rc)}"
    count "$(basename "$t")$2" "$p" "$f"
  done
}

echo "== unit tests (ASan+UBSan)"
run_units build/asan/tests ""

echo "== unit tests (TSan)"
t0=$SECONDS
run_units build/tsan/tests " (TSan)"
echo "  TSan unit tests: $((SECONDS - t0)) s"

echo "== fuzz corpora replayed (ASan+UBSan)"
for t in build/asan/replay/fuzz_*; do
  [ -x "$t" ] || continue
  n=$(basename "$t")
  out=$("$t" "tests/fuzz/corpus/$n" 2>&1)
  rc=$?
  line=$(printf '%s\n' "$out" | tail -1)
  if [ $rc -ne 0 ]; then printf '%s\n' "$out" | tail -30; count "$n" 0 1; else echo "$line"; count "$n" 1 0; fi
done

echo "== fixture site self-test"
if [ -x tests/site/selftest.sh ]; then
  out=$(bash tests/site/selftest.sh 2>&1)
  line=$(printf '%s\n' "$out" | tail -1)
  echo "$line"
  p=$(printf '%s' "$line" | sed -nE 's/.*: ([0-9]+) passed.*/\1/p')
  f=$(printf '%s' "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
  [ -n "$p" ] || { p=0; f=1; printf '%s\n' "$out"; }
  [ "$f" != 0 ] && printf '%s\n' "$out" | tail -20
  count "site selftest" "$p" "$f"
fi

echo "== end-to-end (raw HTTP + Firecrawl JS SDK, server under ASan)"
# Results stream as they come (a stuck test shows where it stuck); the whole log is kept in
# build/e2e.log. A test file over E2E_TEST_TIMEOUT ms fails, --test-force-exit ends one whose
# children outlive it, and the whole phase is bounded by E2E_TIMEOUT seconds.
log=build/e2e.log
mkdir -p build
(cd tests/e2e && CINDER_BIN="$PWD/../../build/asan/cinder" SITE_BIN="$PWD/../../build/fixture-site" \
  timeout -k 30 "${E2E_TIMEOUT:-2700}" node --test --test-concurrency=1 --test-force-exit \
    --test-timeout="${E2E_TEST_TIMEOUT:-600000}" --test-reporter=spec ./*.test.mjs) >"$log" 2>&1 &
e2e_pid=$!
tail -n +1 --pid=$e2e_pid -f "$log" | grep --line-buffered -E '^\s*(✔|✖|ℹ (tests|pass|fail))' | sed -u 's/^/  /'
wait $e2e_pid
rc=$?
out=$(cat "$log")
p=$(printf '%s\n' "$out" | sed -nE 's/^ℹ pass ([0-9]+)/\1/p' | tail -1)
f=$(printf '%s\n' "$out" | sed -nE 's/^ℹ fail ([0-9]+)/\1/p' | tail -1)
[ $rc -eq 124 ] && echo "  e2e phase stopped after ${E2E_TIMEOUT:-2700} s"
[ -n "$p" ] || { p=0; f=1; printf '%s\n' "$out" | tail -60; }
if [ "${f:-0}" != 0 ]; then printf '%s\n' "$out" | sed -n '/failing tests:/,$p' | head -150; fi
count "e2e" "$p" "${f:-0}"

echo "== server smoke (TSan)"
# The cinder servers the smoke test starts write their logs to build/tsan-cinder.log; a TSan
# report there fails the phase even if the test itself missed it.
t0=$SECONDS
log=build/tsan-smoke.log
clog=build/tsan-cinder.log
rm -f "$clog"
(cd tests/tsan && CINDER_BIN="$PWD/../../build/tsan/cinder" SITE_BIN="$PWD/../../build/fixture-site" \
  TSAN_SMOKE_LOG="$PWD/../../$clog" timeout -k 30 "${TSAN_SMOKE_TIMEOUT:-600}" node --test \
    --test-concurrency=1 --test-force-exit --test-timeout="${TSAN_SMOKE_TEST_TIMEOUT:-300000}" \
    --test-reporter=spec ./*.test.mjs) >"$log" 2>&1
rc=$?
out=$(cat "$log")
printf '%s\n' "$out" | grep -E '^\s*(✔|✖|ℹ (tests|pass|fail))' | sed 's/^/  /'
p=$(printf '%s\n' "$out" | sed -nE 's/^ℹ pass ([0-9]+)/\1/p' | tail -1)
f=$(printf '%s\n' "$out" | sed -nE 's/^ℹ fail ([0-9]+)/\1/p' | tail -1)
[ $rc -eq 124 ] && echo "  TSan smoke stopped after ${TSAN_SMOKE_TIMEOUT:-600} s"
[ -n "$p" ] || { p=0; f=1; printf '%s\n' "$out" | tail -60; }
if [ "${f:-0}" != 0 ]; then printf '%s\n' "$out" | sed -n '/failing tests:/,$p' | head -150; fi
if [ ! -s "$clog" ] || grep -qE "$TSAN_REPORT" "$clog"; then
  echo "  ThreadSanitizer reports (or no server log) in $clog:"
  grep -E -A40 "$TSAN_REPORT" "$clog" | head -200
  [ "${f:-0}" = 0 ] && f=1
fi
count "TSan smoke" "$p" "${f:-0}"
echo "  TSan smoke: $((SECONDS - t0)) s"

echo
[ ${#failures[@]} -gt 0 ] && echo "failing suites: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
