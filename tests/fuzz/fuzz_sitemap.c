/* Fuzz target: the streaming sitemap parser (XML urlset/sitemapindex, gzip by magic bytes, plain
 * text). The input is the body. A seed hashed from it picks the decompressed-size cap, whether the
 * callback stops early and the chunk sizes. The body is parsed once in one feed and once in
 * chunks (sitemap.h: results do not depend on chunking): unless the size cap cut either run short,
 * both must report the same URLs and end with the same status. Not when libxml2 reported an error
 * or a warning: how and where it recovers from malformed XML (text before a stray "]]>" dropped,
 * a bad start tag found early or late, so a later gzip error seen or not) depends on where its
 * input ended. Every reported URL must keep the callback's contract: absolute http(s), at most
 * SITEMAP_MAX_LOC bytes, no control bytes, a lastmod of at most 63 bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlerror.h>

#include "crawl/sitemap.h"

#define MAX_CHUNKS 64 /* chunked feeds per run; the rest of the body goes in one last feed */

typedef struct {
    uint64_t hash; /* of every (kind, url, lastmod) reported, in order */
    size_t calls;
    size_t stop_after; /* 0: never stop */
    bool malformed;    /* libxml2 reported an error or a warning */
} run_t;

static void check(bool ok, const char *what, const char *url)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz_sitemap: %s: \"%s\"\n", what, url ? url : "(null)");
    abort();
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static void check_url(sitemap_kind kind, const char *url, size_t len, const char *lastmod)
{
    check(kind == SITEMAP_PAGE || kind == SITEMAP_CHILD, "kind", url);
    check(strlen(url) == len && len <= SITEMAP_MAX_LOC, "length", url);
    check(!strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8), "scheme", url);
    for (size_t i = 0; i < len; i++)
        check((unsigned char)url[i] >= 0x20 && url[i] != 0x7f, "control byte", url);
    check(!lastmod || strlen(lastmod) <= 63, "lastmod", lastmod);
}

static bool on_url(void *ud, sitemap_kind kind, const char *url, size_t len, const char *lastmod)
{
    run_t *r = ud;
    check_url(kind, url, len, lastmod);
    r->hash = mix(r->hash, &kind, sizeof kind);
    r->hash = mix(r->hash, url, len + 1);
    r->hash = mix(r->hash, lastmod ? lastmod : "", lastmod ? strlen(lastmod) + 1 : 0);
    r->calls++;
    return !(r->stop_after && r->calls >= r->stop_after);
}

/* xorshift64*: the chunk sizes and options of one input. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* Feeds the body in one call (seed 0) or in chunks of 1 to 4096 bytes drawn from seed. */
static cinder_err feed(sitemap_parser_t *p, const uint8_t *data, size_t size, uint64_t seed)
{
    cinder_err err = CINDER_OK;
    size_t off = 0;
    for (int i = 0; seed && i < MAX_CHUNKS && off < size && err == CINDER_OK; i++) {
        uint64_t x = next(&seed);
        size_t n = 1 + (size_t)(x >> 8) % ((size_t)1 << (x % 13));
        n = n < size - off ? n : size - off;
        err = sitemap_parser_feed(p, (const char *)data + off, n);
        off += n;
    }
    if (err == CINDER_OK && off < size)
        err = sitemap_parser_feed(p, (const char *)data + off, size - off);
    return err;
}

static cinder_err parse(const uint8_t *data, size_t size, size_t max_bytes, uint64_t seed, run_t *r)
{
    xmlResetLastError();
    sitemap_parser_t *p = sitemap_parser_new(on_url, r, max_bytes);
    cinder_err err = feed(p, data, size, seed);
    if (err == CINDER_OK)
        err = sitemap_parser_finish(p);
    else
        check(sitemap_parser_finish(p) == err, "error not sticky", NULL);
    check(sitemap_parser_urls(p) == r->calls, "URL count", NULL);
    r->malformed = xmlGetLastError() != NULL;
    sitemap_parser_free(p);
    return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t seed = mix(0xcbf29ce484222325ull, data, size) | 1;
    uint64_t x = next(&seed);
    size_t max_bytes = (size_t)1 << (10 + x % 11); /* 1 KiB .. 1 MiB decompressed */
    size_t stop_after = (x >> 8) % 4 == 0 ? 1 + (x >> 16) % 4 : 0;
    run_t whole = {.stop_after = stop_after}, chunked = {.stop_after = stop_after};
    cinder_err e1 = parse(data, size, max_bytes, 0, &whole);
    cinder_err e2 = parse(data, size, max_bytes, seed, &chunked);
    if (e1 == CINDER_E_TOO_LARGE || e2 == CINDER_E_TOO_LARGE || whole.malformed ||
        chunked.malformed)
        return 0;
    check(e1 == e2, "status depends on chunking", NULL);
    check(whole.calls == chunked.calls && whole.hash == chunked.hash, "URLs depend on chunking",
          NULL);
    return 0;
}
