#!/usr/bin/env bash
# Self-test of the fixture web server: builds build/fixture-site, starts it on a
# free port, checks every route with curl (status, a content check, the request
# counter in /_stats), checks that /hang blocks nobody, checks the generated crawl sites,
# sitemaps, robots control and per-prefix stats, and stops it.
# Usage: tests/site/selftest.sh   (FIXTURE_SITE_BIN=path skips the build)
# Last line: "site selftest: N passed, M failed"; exit status 1 on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 1

PASS=0
FAIL=0
TMP=$(mktemp -d)
PID=

cleanup() {
    [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); }
bad() {
    FAIL=$((FAIL + 1))
    echo "FAIL: $*"
}
expect() { # expect NAME CONDITION-COMMAND...
    local name=$1
    shift
    if "$@"; then ok; else bad "$name"; fi
}
finish() {
    echo "site selftest: $PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
    exit $?
}

BIN=${FIXTURE_SITE_BIN:-build/fixture-site}
if [ -z "${FIXTURE_SITE_BIN:-}" ]; then
    if ! make --no-print-directory build/fixture-site >"$TMP/build.log" 2>&1; then
        tail -20 "$TMP/build.log"
        bad "build"
        finish
    fi
fi
ok

# --- start on port 0 and read the port ---------------------------------------------------
"$BIN" --port 0 >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 100); do
    grep -q '^listening on [0-9]*$' "$TMP/out" 2>/dev/null && break
    sleep 0.05
done
PORT=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$TMP/out")
if [ -z "$PORT" ]; then
    cat "$TMP/err"
    bad "startup: no 'listening on PORT' line"
    finish
fi
ok
BASE="http://127.0.0.1:$PORT"

# get PATH [curl args]: fetches into $TMP/body and $TMP/hdr; sets CODE.
get() {
    local path=$1
    shift
    CODE=$(curl -s -o "$TMP/body" -D "$TMP/hdr" -w '%{http_code}' --max-time 10 "$@" "$BASE$path")
}
# count PATH: the /_stats counter of PATH (0 when absent).
count() {
    local n
    n=$(curl -s --max-time 5 "$BASE/_stats" | tr ',{}' '\n\n\n' | grep -F "\"$1\":" | head -1 |
        sed 's/.*://')
    echo "${n:-0}"
}
has() { grep -aqF -- "$1" "$TMP/body"; }
header() { grep -aqi -- "^$1" "$TMP/hdr"; }

# route NAME STATUS PATH TEXT [curl args]: status, body contains TEXT, counter +1.
route() {
    local name=$1 status=$2 path=$3 text=$4
    shift 4
    local key=${path%%\?*} before after
    before=$(count "$key")
    get "$path" "$@"
    after=$(count "$key")
    if [ "$CODE" != "$status" ]; then
        bad "$name: status $CODE, want $status"
    elif [ -n "$text" ] && ! has "$text"; then
        bad "$name: body lacks '$text'"
    elif [ "$after" != $((before + 1)) ]; then
        bad "$name: counter of $key went $before -> $after"
    else
        ok
    fi
}

# --- pages ---------------------------------------------------------------------------------
route "index" 200 / "Fixture site"
route "article" 200 /pages/article.html "How Lighthouses Work"
expect "article type" header 'Content-Type: text/html; charset=utf-8'
expect "article has chrome" has 'class="sidebar"'
route "elements" 200 /pages/elements.html '<base href="/pages/docs/">'
expect "elements table" has '<td>Jupiter</td>'
route "meta" 200 /pages/meta.html 'property="og:title"'
expect "meta lang" has '<html lang="fr-CA">'
route "links" 200 /pages/links.html 'mailto:someone@example.com'
route "subdir page" 200 /pages/docs/intro.html "Introduction"
route "png file" 200 /pages/docs/img/pixel.png "PNG"
expect "png type" header 'Content-Type: image/png'
route "missing page" 404 /pages/nope.html "Status 404"
route "traversal" 404 /pages/../site.c "Status 404" --path-as-is
route "encoded traversal" 404 /pages/..%2fsite.h "Status 404"
route "dir as page" 404 /pages/docs/ "Status 404"
get /pages/article.html -I
expect "HEAD page" [ "$CODE" = 200 ] # with -I, curl writes the head (and nothing else) to body
expect "HEAD no body" cmp -s "$TMP/body" "$TMP/hdr"

# --- statuses and redirects --------------------------------------------------------------
route "status 200" 200 /status/200 "<h1>Status 200</h1>"
route "status 404" 404 /status/404 "<title>404 Not Found</title>"
route "status 500" 500 /status/500 "<h1>Status 500</h1>"
route "status 503" 503 /status/503 "Status 503"
route "status 1xx" 400 /status/100 ""
route "status junk" 400 /status/abc ""
route "redirect 3" 302 /redirect/3 ""
expect "redirect location" header 'Location: /redirect/2'
route "redirect 0" 200 /redirect/0 "redirect target"
N=$(curl -s -L -o "$TMP/body" -w '%{num_redirects} %{http_code}' "$BASE/redirect/3")
expect "redirect chain" [ "$N" = "3 200" ]
route "redirect-to abs" 301 "/redirect-to?url=https%3A%2F%2Fexample.com%2Fx&code=301" ""
expect "redirect-to location" header 'Location: https://example.com/x'
route "redirect-to rel" 302 "/redirect-to?url=/json" ""
expect "redirect-to rel location" header 'Location: /json'
route "redirect-to 307" 307 "/redirect-to?url=/json&code=307" ""
route "redirect-to bad code" 400 "/redirect-to?url=/json&code=200" ""
route "redirect-to CRLF" 400 "/redirect-to?url=/a%0d%0aX-Evil:%201" ""
route "redirect-loop" 302 /redirect-loop ""
expect "loop location" header 'Location: /redirect-loop'
curl -s -L --max-redirs 5 -o /dev/null "$BASE/redirect-loop"
expect "loop is a loop" [ $? -eq 47 ]

# --- charsets: the bytes decode to the known text --------------------------------------------
decodes() { # decodes CHARSET TEXT
    iconv -f "$1" -t UTF-8 <"$TMP/body" 2>/dev/null | grep -qF -- "$2"
}
route "sjis" 200 /charset/sjis ""
expect "sjis header" header 'Content-Type: text/html; charset=Shift_JIS'
expect "sjis text" decodes SHIFT_JIS "日本語のページ"
expect "sjis not utf-8" test "$(has '日本語' && echo y)" != y
route "sjis-meta" 200 /charset/sjis-meta '<meta charset="shift_jis">'
expect "sjis-meta header" header 'Content-Type: text/html.$'
expect "sjis-meta text" decodes SHIFT_JIS "日本語のページ"
route "win1252" 200 /charset/win1252 ""
expect "win1252 header" header 'Content-Type: text/html; charset=iso-8859-1'
expect "win1252 text" decodes WINDOWS-1252 "“Café €5”"
route "win1252-meta" 200 /charset/win1252-meta 'charset=windows-1252'
expect "win1252-meta text" decodes WINDOWS-1252 "“Café €5”"
route "utf8-bom" 200 /charset/utf8-bom "Ünïcödé BOM ✓"
expect "utf8 bom bytes" [ "$(head -c 3 "$TMP/body" | od -An -tx1 | tr -d ' ')" = efbbbf ]
route "utf16" 200 /charset/utf16 ""
expect "utf16 bom bytes" [ "$(head -c 2 "$TMP/body" | od -An -tx1 | tr -d ' ')" = fffe ]
expect "utf16 text" decodes UTF-16 "UTF-16 página 日本語"
route "charset unknown" 404 /charset/klingon ""

# --- bodies of other types ----------------------------------------------------------------
route "json" 200 /json '{"hello":"world","n":[1,2,3]}'
expect "json type" header 'Content-Type: application/json'
route "text" 200 /text 'snake_case *stars* # not heading'
expect "text type" header 'Content-Type: text/plain'
route "binary" 200 /binary ""
expect "binary png" [ "$(head -c 8 "$TMP/body" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
expect "binary type" header 'Content-Type: image/png'
route "pdf" 200 /pdf "%PDF-1.4"
expect "pdf type" header 'Content-Type: application/pdf'
route "octet" 200 /octet ""
expect "octet type" header 'Content-Type: application/octet-stream'
expect "octet size" [ "$(wc -c <"$TMP/body")" -eq 256 ]
route "headers" 200 /headers '"x-selftest":"Hello There"' -H 'X-Selftest: Hello There'
expect "headers ua" has '"user-agent":"curl/'
route "ua" 200 /ua "" -A 'cinder-selftest/2.0 (+https://example.com)'
expect "ua body" [ "$(cat "$TMP/body")" = 'cinder-selftest/2.0 (+https://example.com)' ]
route "method not allowed" 405 /json "" -X DELETE

# --- retries ----------------------------------------------------------------------------------
route "retry-after" 429 "/retry-after?seconds=7" "Retry after 7"
expect "retry-after header" header 'Retry-After: 7'
route "flaky 1" 503 "/flaky?key=st&fails=2" "Failure 1 of 2"
route "flaky 2" 503 "/flaky?key=st&fails=2" "Failure 2 of 2"
route "flaky 3" 200 "/flaky?key=st&fails=2" "flaky success"
route "flaky other key" 503 "/flaky?key=other&fails=1" ""
route "flaky bad" 400 "/flaky?key=x&fails=lots" ""

# --- size and time ----------------------------------------------------------------------------
route "big" 200 "/big?bytes=100000" "</body></html>"
expect "big size" [ "$(wc -c <"$TMP/body")" -eq 100000 ]
S=$(curl -s -o /dev/null -w '%{size_download}' "$BASE/big?bytes=999999999")
expect "big cap" [ "$S" = 209715200 ]
route "big tiny" 200 "/big?bytes=-5" "</html>"
route "gzip" 200 /gzip ""
expect "gzip header" header 'Content-Encoding: gzip'
expect "gzip magic" [ "$(head -c 2 "$TMP/body" | od -An -tx1 | tr -d ' ')" = 1f8b ]
expect "gzip decoded" [ "$(curl -s --compressed "$BASE/gzip" | grep -c 'gzip page')" = 1 ]
route "slow" 200 "/slow?ms=300" "slow page"
T=$(curl -s -o /dev/null -w '%{time_total}' "$BASE/slow?ms=300")
expect "slow waits" awk -v t="$T" 'BEGIN { exit !(t >= 0.3 && t < 2) }'
route "slow bad" 400 "/slow?ms=soon" ""
T=$(curl -s -o "$TMP/body" -w '%{time_total} %{size_download}' "$BASE/trickle?bytes=5&ms=100")
expect "trickle" awk -v t="${T% *}" -v n="${T#* }" 'BEGIN { exit !(t >= 0.45 && n == 5) }'
S=$(curl -s -o /dev/null -m 0.5 -w '%{size_download}' "$BASE/trickle?bytes=50&ms=100")
expect "trickle partial" awk -v n="$S" 'BEGIN { exit !(n >= 2 && n < 50) }'

# --- /hang blocks nobody ---------------------------------------------------------------------
curl -s -o /dev/null -m 3 "$BASE/hang" &
HANG=$!
sleep 0.3
T=$(curl -s -o /dev/null -m 2 -w '%{http_code} %{time_total}' "$BASE/status/200")
expect "status during hang" awk -v c="${T% *}" -v t="${T#* }" 'BEGIN { exit !(c == 200 && t < 1) }'
expect "hang in flight" grep -q '"inflight":1,' <(curl -s "$BASE/_stats")
wait $HANG
expect "hang never answers" [ $? -eq 28 ]
sleep 0.2
expect "hang released" grep -q '"inflight":0,' <(curl -s "$BASE/_stats")

# --- control routes -------------------------------------------------------------------------
route "not found" 404 /no/such/route "Status 404"
get /_log
expect "log json" has '"method":"GET","path":"/flaky?key=st&fails=2"'
expect "log fields" grep -aqE '"host":"127.0.0.1:[0-9]+","hostInflight":[0-9]+,"inflight":[0-9]+,' \
    "$TMP/body"
get /_reset -X POST
expect "reset" [ "$CODE" = 200 ]
expect "reset zeroes" grep -q '^{"inflight":0,"maxInflight":0,"paths":{},"total":0}$' \
    <(curl -s "$BASE/_stats")
expect "reset log" [ "$(curl -s "$BASE/_log")" = "[]" ]
route "flaky after reset" 503 "/flaky?key=st&fails=2" ""
SLOW=()
for _ in 1 2 3 4 5; do
    curl -s -o /dev/null "$BASE/slow?ms=400" &
    SLOW+=($!)
done
wait "${SLOW[@]}"
expect "max inflight" grep -q '"maxInflight":[5-9],' <(curl -s "$BASE/_stats")
expect "total" grep -q '"total":6}' <(curl -s "$BASE/_stats")

# --- crawl sites: generated pages ---------------------------------------------------------------
C=/crawl/small
links() { grep -aoE 'href="[^"]*"' "$TMP/body" | sed 's/^href="//; s/"$//'; }
linked() { links | grep -qxF -- "$1"; } # linked HREF: the last body links to exactly HREF
route "crawl home" 200 $C/ "<h1>Crawl site small</h1>"
for h in $C/p/0 $C/private/0 $C/moved/1 $C/away $C/err/404 $C/err/500 $C/err/429 $C/hang \
    $C/deep/1 $C/a/b/c/d/e/f $C/p/5 $C/p/5/ "$C/p/5#frag" $C/p/5/index.html $C/P/5 \
    "$C/p/5?utm_source=x" "http://127.0.0.1:$PORT$C/"; do
    expect "home links $h" linked "$h"
done
route "crawl no slash" 301 /crawl/small ""
expect "no slash location" header "Location: /crawl/small/"
route "crawl page" 200 $C/p/3 "<h1>Page 3 of 50</h1>"
expect "page title" has "<title>Page 3 · small</title>"
expect "page children" linked $C/p/7
expect "page child 2" linked $C/p/8
expect "page related (variant 3 % 6)" linked "http://127.0.0.1:$PORT$C/p/24/index.html"
expect "page 3 paragraphs" [ "$(grep -c '^<p>' "$TMP/body")" -eq 3 ]
S=$(wc -c <"$TMP/body")
expect "page about 2 KB+" [ "$S" -gt 2000 -a "$S" -lt 6000 ]
cp "$TMP/body" "$TMP/p3"
get $C/p/3
expect "page deterministic" cmp -s "$TMP/body" "$TMP/p3"
get $C/p/5
cp "$TMP/body" "$TMP/p5"
for v in $C/p/5/ $C/p/5/index.html "$C/p/5?utm_source=x"; do
    route "variant $v" 200 "$v" ""
    expect "variant $v same" cmp -s "$TMP/body" "$TMP/p5"
done
route "variant upper P" 404 $C/P/5 ""
route "page past N" 404 $C/p/50 ""
route "page junk" 404 $C/p/5x ""
route "big site last" 200 /crawl/big20000/p/19999 "Page 19999 of 20000"
route "big site past N" 404 /crawl/big20000/p/20000 ""
get /crawl/big20000/p/9999
expect "big site leaf edge" [ "$(links | grep -c '/p/19999$')" = 1 -a "$(links | grep -c '/p/20000$')" = 0 ]
route "quiet home" 200 /crawl/quiet10/ "Start of the tree"
expect "quiet has no traps" [ "$(links | grep -c -e private -e hang -e err/)" = 0 ]
get /crawl/small/ -H 'Host: example.test:8080'
expect "links use Host" linked "http://example.test:8080/crawl/small/"
get /crawl/small/ -H 'Host: a"b<c'
expect "bad Host -> localhost" linked "http://localhost/crawl/small/"
CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' --resolve "fixture.test:$PORT:127.0.0.1" \
    "http://fixture.test:$PORT$C/p/1")
expect "resolve host links" linked "http://fixture.test:$PORT$C/p/10/"
route "private page" 200 $C/private/7 "<h1>Private 7</h1>"
route "orphan page" 200 $C/orphan/9 "<h1>Orphan 9</h1>"
route "orphan past 10" 404 $C/orphan/10 ""
route "moved" 301 $C/moved/7 ""
expect "moved location" header "Location: /crawl/small/p/7"
route "away" 301 $C/away ""
expect "away location" header "Location: http://127.0.0.1:$PORT/outside/small"
N=$(curl -s -L -o "$TMP/body" -w '%{num_redirects} %{http_code}' "$BASE$C/away")
expect "away lands outside" [ "$N" = "1 200" ] && expect "outside page" has "outside the crawl"
route "deep 1" 200 $C/deep/1 "<h1>Deep 1</h1>"
expect "deep links on" linked $C/deep/2
route "deep 50" 200 $C/deep/50 "<h1>Deep 50</h1>"
expect "deep 50 is the end" [ "$(links | grep -c deep/)" = 0 ]
route "deep 51" 404 $C/deep/51 ""
route "deep 0" 404 $C/deep/0 ""
route "path depth 6" 200 $C/a/b/c/d/e/f "<h1>Level 6</h1>"
expect "path depth links on" linked $C/a/b/c/d/e/f/g
route "path depth gap" 404 $C/a/c ""
route "bad site name" 404 "/crawl/bad%20name/" ""

# --- crawl sites: errors, hang, delay -------------------------------------------------------------
route "err 404" 404 $C/err/404 ""
route "err 500" 500 $C/err/500 ""
route "err 429 #1" 429 $C/err/429 ""
expect "429 retry-after" header "Retry-After: 1"
route "err 429 #2" 429 $C/err/429 ""
route "err 429 #3" 200 $C/err/429 "recovered"
route "err 429 other site" 429 /crawl/other/err/429 ""
curl -s -o /dev/null "$BASE/_reset"
route "err 429 after reset" 429 $C/err/429 ""
curl -s -o /dev/null -m 1 "$BASE$C/hang"
expect "crawl hang never answers" [ $? -eq 28 ]
T=$(curl -s -o /dev/null -w '%{time_total}' "$BASE/crawl/slowsite/p/1")
expect "slow site waits 200ms" awk -v t="$T" 'BEGIN { exit !(t >= 0.2 && t < 1.5) }'
T=$(curl -s -o /dev/null -w '%{time_total}' "$BASE$C/p/1?delay=300")
expect "delay query" awk -v t="$T" 'BEGIN { exit !(t >= 0.3 && t < 1.5) }'
route "delay bad" 400 "$C/p/1?delay=soon" ""

# --- per-prefix and per-host stats ------------------------------------------------------------------
curl -s -o /dev/null "$BASE/_reset"
PAR=()
for i in 1 2 3 4; do
    curl -s -o /dev/null "$BASE/crawl/slowsite/p/$i" &
    PAR+=($!)
done
curl -s -o /dev/null -H "Host: localhost:$PORT" "$BASE$C/p/2" &
PAR+=($!)
wait "${PAR[@]}"
J=$(curl -s "$BASE/_stats?prefix=/crawl/slowsite/")
expect "prefix stats" grep -q '"inflight":0,"maxInflight":4,.*"prefix":"/crawl/slowsite/","total":4}' <<<"$J"
expect "prefix paths" grep -q '"paths":{[^}]*"/crawl/slowsite/p/4":1' <<<"$J"
expect "prefix excludes others" [ "$(grep -c small <<<"$J")" = 0 ]
J=$(curl -s "$BASE/_stats?prefix=/crawl/small/")
expect "other prefix" grep -q '"maxInflight":1,.*"total":1}' <<<"$J"
expect "shallow prefix total" grep -q '"total":5}' <(curl -s "$BASE/_stats?prefix=/crawl/")
expect "deep prefix total" grep -q '"total":1}' <(curl -s "$BASE/_stats?prefix=/crawl/slowsite/p/3")
expect "host stats" grep -q "\"host\":\"localhost:$PORT\",\"inflight\":0,\"maxInflight\":1,\"total\":1" \
    <(curl -s "$BASE/_stats?host=localhost:$PORT")
get "/_log?prefix=/crawl/slowsite/"
expect "log prefix" [ "$(grep -o '"path"' "$TMP/body" | wc -l)" = 4 ]
expect "log prefixInflight" grep -q '"prefixInflight":4' "$TMP/body"
expect "log host filter" [ "$(curl -s "$BASE/_log?host=localhost:$PORT" | grep -o '"path"' | wc -l)" = 1 ]
expect "log since" [ "$(curl -s "$BASE/_log?since=99999999")" = "[]" ]
get "/_log?since=x"
expect "log since bad" [ "$CODE" = 400 ]

# --- sitemaps ---------------------------------------------------------------------------------------
route "sitemap index" 200 $C/sitemap.xml "<sitemapindex"
expect "index part 1" has "<loc>http://127.0.0.1:$PORT$C/sitemap-1.xml</loc>"
expect "index part 2" has "<loc>http://127.0.0.1:$PORT$C/sitemap-2.xml.gz</loc>"
route "sitemap 1" 200 $C/sitemap-1.xml "<urlset"
expect "sitemap 1 type" header "Content-Type: application/xml"
expect "sitemap 1 size" [ "$(grep -c '<loc>' "$TMP/body")" = 27 ]
grep -o '<loc>[^<]*' "$TMP/body" >"$TMP/locs"
route "sitemap 2 gz" 200 $C/sitemap-2.xml.gz ""
expect "sitemap 2 octet type" header "Content-Type: application/octet-stream"
expect "sitemap 2 no encoding" [ "$(grep -ci '^Content-Encoding' "$TMP/hdr")" = 0 ]
expect "sitemap 2 gzip magic" [ "$(head -c 2 "$TMP/body" | od -An -tx1 | tr -d ' ')" = 1f8b ]
gzip -dc <"$TMP/body" >"$TMP/s2" 2>/dev/null
expect "sitemap 2 gunzips" grep -q '</urlset>' "$TMP/s2"
grep -o '<loc>[^<]*' "$TMP/s2" >>"$TMP/locs"
expect "sitemaps list all pages" [ "$(grep -cE "$C/p/[0-9]+$" "$TMP/locs" | head -1)" = 50 ]
expect "sitemaps list orphans" [ "$(grep -c "$C/orphan/" "$TMP/locs")" = 10 ]
ORPH=0
for p in "" $(seq 0 49 | sed 's|^|p/|'); do
    ORPH=$((ORPH + $(curl -s "$BASE$C/$p" | grep -c orphan)))
done
expect "orphans linked from no page" [ "$ORPH" = 0 ]
route "sitemaps root" 200 /crawl/sitemaps/index.xml "/crawl/small/sitemap-2.xml.gz</loc>"
route "sitemap big small n" 200 "/crawl/x/sitemap-big.xml?n=3" "/crawl/x/p/2</loc>"
expect "sitemap big n=3" [ "$(grep -c '<loc>' "$TMP/body")" = 3 ]
PIDSTAT=/proc/$PID/status
curl -s --limit-rate 20M -o "$TMP/bigmap" -w '%{time_starttransfer}' \
    "$BASE/crawl/x/sitemap-big.xml?n=1000000" >"$TMP/ttfb" &
BIGMAP=$!
sleep 1
RSS=$(awk '/^VmRSS/ { print $2 }' "$PIDSTAT")
wait $BIGMAP
expect "sitemap big first byte fast" awk -v t="$(cat "$TMP/ttfb")" 'BEGIN { exit !(t < 0.5) }'
expect "sitemap big RSS small while streaming ($RSS kB)" [ "${RSS:-999999}" -lt 65536 ]
expect "sitemap big complete" [ "$(grep -c '<loc>' "$TMP/bigmap")" = 1000000 ]
expect "sitemap big ends" [ "$(tail -1 "$TMP/bigmap")" = "</urlset>" ]
rm -f "$TMP/bigmap"
expect "peak RSS small" [ "$(awk '/^VmHWM/ { print $2 }' "$PIDSTAT")" -lt 262144 ]

# --- robots.txt and its control endpoint ---------------------------------------------------------------
route "robots default" 200 /robots.txt "Disallow: /crawl/*/private/"
expect "robots sitemap line" has "Sitemap: http://127.0.0.1:$PORT/crawl/sitemaps/index.xml"
expect "robots cinder group" has "User-agent: cinder"
expect "robots type" header "Content-Type: text/plain"
printf 'User-agent: cinder\nDisallow: /crawl/small/p/\nCrawl-delay: 2\nSitemap: http://{host}/crawl/small/sitemap.xml\n' >"$TMP/robots"
get /_robots --data-binary @"$TMP/robots"
expect "robots set" has '"default":false,"status":200}'
route "robots custom" 200 /robots.txt "Crawl-delay: 2" -H "Host: localhost:$PORT"
expect "robots {host}" has "Sitemap: http://localhost:$PORT/crawl/small/sitemap.xml"
get "/_robots?status=503" -X POST
route "robots 503" 503 /robots.txt ""
get "/_robots?status=404" -X POST
route "robots 404" 404 /robots.txt ""
get "/_robots?status=200" -X POST
route "robots body kept" 200 /robots.txt "Crawl-delay: 2"
get /_robots --data-binary ''
route "robots empty" 200 /robots.txt ""
expect "robots empty body" [ ! -s "$TMP/body" ]
get "/_robots?status=700" -X POST
expect "robots bad status" [ "$CODE" = 400 ]
head -c 70000 /dev/zero | tr '\0' x >"$TMP/huge"
get /_robots --data-binary @"$TMP/huge"
expect "robots too large" [ "$CODE" = 413 ]
get "/_robots?default=1" -X POST
expect "robots default restored" has '"default":true,"status":200}'
route "robots default again" 200 /robots.txt "User-agent: BadBot"
expect "control not counted" [ "$(count /_robots)" = 0 ]

# --- hostile input ----------------------------------------------------------------------------
LONG=$(head -c 300000 /dev/zero | tr '\0' a)
# raw() REQUEST-TARGET: sends a GET over bash's /dev/tcp; prints the status line's code.
raw() {
    {
        exec 3<>"/dev/tcp/127.0.0.1/$PORT" &&
            printf 'GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$1" >&3 &&
            head -c 12 <&3 | cut -c10-12
    } 2>/dev/null
}
C=$(raw "/$LONG") # too long for curl's command line; 414, or a reset before it is read
expect "long url rejected" [ "$C" = 414 -o -z "$C" ]
expect "raw request" [ "$(raw /json)" = 200 ]
route "long query" 200 "/status/200?x=${LONG:0:20000}" "Status 200"
route "weird query" 200 "/status/200?&&=&%ff%00=%zz&x" "Status 200"
route "binary key" 503 "/flaky?key=%ff%fe%00&fails=1" ""
get /headers -H "X-Bin: $(printf '\xff\xfe')"
expect "non-utf8 header" [ "$CODE" = 200 ]
route "post body" 200 /status/200 "" --data-binary @"$TMP/hdr"
route "still alive" 200 /json "hello"

# --- shutdown with a hanging request ------------------------------------------------------------
curl -s -o /dev/null -m 10 "$BASE/hang" &
HANG=$!
sleep 0.3
START=$(date +%s%N)
kill -TERM "$PID"
wait "$PID"
RC=$?
END=$(date +%s%N)
PID=
expect "clean exit" [ "$RC" -eq 0 ]
expect "prompt exit" [ $(((END - START) / 1000000)) -lt 2000 ]
wait $HANG
expect "no stderr without --verbose" [ ! -s "$TMP/err" ]

finish
