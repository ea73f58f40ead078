#!/usr/bin/env bash
# All benchmarks (`make bench`). RUNS (default 5): convert.sh runs; CRAWL_RUNS (default 3): crawl.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
(cd tests/e2e && ([ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error))
bash bench/convert.sh "${RUNS:-5}"
bash bench/crawl.sh "${CRAWL_RUNS:-3}"
bash bench/status.sh
bash bench/status_busy.sh
bash bench/memory.sh
