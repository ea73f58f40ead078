#!/usr/bin/env bash
# The one place cinder's dependencies are listed. Installs whatever is missing.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also what the tests and benchmarks need
set -euo pipefail

BUILD_PKGS=(
  build-essential pkg-config
  libcurl4-openssl-dev   # fetching (HTTP/1.1, HTTP/2, TLS, compression)
  libmodest-dev          # MyHTML HTML5 parser + Modest CSS selectors
  libmicrohttpd-dev      # HTTP server
  libjansson-dev         # JSON
  libpsl-dev             # public suffix list
  libpcre2-dev           # regular expressions
  zlib1g-dev             # compression (reading documents back)
  libdeflate-dev         # compression of stored documents (zlib format, faster than zlib)
  libsqlite3-dev         # embedded store
  libxml2-dev            # XML (streamed sitemaps)
  libssl-dev             # SHA-256 of API keys, HMAC signatures of webhooks
  ca-certificates
)
TEST_PKGS=(
  clang libclang-rt-14-dev  # sanitizers, libFuzzer
  python3                   # extraction F1 scorer
  nodejs npm                # Firecrawl JS SDK end-to-end tests
  valgrind
  openssl                   # a throwaway TLS server for the SSL-error test
  nghttp2-server            # nghttpd: an HTTP/2 server for the HTTP/2 test
  nginx-light               # bench/crawl.sh: serves the generated site on loopback
  wget2                     # bench/crawl.sh: the crawler cinder is compared with
  postgresql-doc-15         # bench/crawl.sh: a real documentation site (the PostgreSQL manual)
  python3.11-doc            # bench/crawl.sh: a real documentation site of larger pages (the Python manual)
  time                      # /usr/bin/time: CPU seconds and peak RSS in the benchmarks
)

want=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${TEST_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm/python3 may come from outside Debian on some machines; accept them if on PATH.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    python3) command -v python3 >/dev/null 2>&1 && continue ;;
  esac
  filtered+=("$p")
done
if [ "${#filtered[@]}" -gt 0 ]; then
  echo "install-deps: installing ${filtered[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
fi
