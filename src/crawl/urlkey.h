/*
 * urlkey: canonical de-duplication keys for crawl URLs (DESIGN §3).
 *
 * A key is an opaque string: two URLs that must be crawled only once get the
 * same key. Rules, applied to absolute http(s) URLs of at most URLKEY_MAX_LEN
 * bytes (parsed by hand: no allocation besides the output buffer):
 *   - scheme and host lower-cased, one trailing dot of the host dropped,
 *     the default port (80 for http, 443 for https) dropped, port written
 *     without leading zeros, userinfo dropped, fragment dropped;
 *   - percent-encoding normalised in path and query: escapes of unreserved
 *     characters (ALPHA DIGIT - . _ ~) decoded, other escapes upper-cased, a
 *     stray '%' becomes %25, bytes that cannot appear literally (controls,
 *     space, non-ASCII, "<>\^`{|}) are escaped;
 *   - "." and ".." path segments resolved (also when written %2E);
 *   - a final "index.html"/"index.php" segment and one trailing slash dropped,
 *     so "/a", "/a/" and "/a/index.html" share a key (the root stays "/");
 *     path case is kept;
 *   - tracking parameters (names utm_*, fbclid, gclid, case-insensitive) are
 *     dropped from the query; the other parameters keep their order and
 *     spelling; an empty query is dropped; with ignore_query the whole query
 *     is dropped;
 *   - with dedupe_similar the key has no scheme (http and https merge) and a
 *     leading "www." is dropped from a host that has another dot after it
 *     ("www.example.com" -> "example.com", but "www.com" stays).
 * Key shape: "[scheme://]host[:port]/path[?query]".
 * All functions are pure and thread-safe.
 */
#ifndef CINDER_CRAWL_URLKEY_H
#define CINDER_CRAWL_URLKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

/* URLs longer than this are rejected as invalid. */
#define URLKEY_MAX_LEN 8192

typedef struct {
    bool dedupe_similar; /* deduplicateSimilarURLs (API default true) */
    bool ignore_query;   /* ignoreQueryParameters */
} urlkey_opts_t;

/* The raw components of an absolute http(s) URL, as slices of the input (not
 * normalised, not NUL-terminated). port_len is 0 when there is no port; path
 * may be empty; has_query is true when a '?' was present. */
typedef struct {
    bool https;
    const char *host, *port, *path, *query;
    size_t host_len, port_len, path_len, query_len;
    bool has_query;
} urlkey_parts_t;

/* Splits an absolute http(s) URL into its components. Returns
 * CINDER_E_URL_INVALID for other schemes, an empty or malformed host
 * (characters outside a hostname or IP literal, more than 255 bytes), a bad
 * port, URLs over URLKEY_MAX_LEN bytes, or url NULL. */
CINDER_MUST_CHECK cinder_err urlkey_split(const char *url, urlkey_parts_t *p);

/* Writes the canonical key of an absolute http(s) URL into out, replacing its
 * contents. o NULL means the API defaults (dedupe_similar on, ignore_query
 * off). Returns CINDER_E_URL_INVALID for URLs urlkey_split rejects (out is
 * then empty), or CINDER_E_TOO_LARGE when out's cap is too small. */
CINDER_MUST_CHECK cinder_err urlkey_make(const char *url, const urlkey_opts_t *o, buf_t *out);

/* Writes the normalised URL "scheme://host[:port]/path[?query]" into out,
 * replacing its contents: the key rules that keep it the same resource
 * (case, default port, percent-encoding, dot segments; no fragment, no
 * userinfo), without the index/trailing-slash, www, scheme, empty-query and
 * tracking-parameter merges. Errors as urlkey_make. */
CINDER_MUST_CHECK cinder_err urlkey_normalize(const char *url, buf_t *out);

/* Path depth for maxDepth: the number of non-empty path segments after
 * resolving "." and "..", not counting a final index.html/index.php
 * ("/" and "/index.html" are 0, "/a/b/" is 2). Returns -1 for URLs
 * urlkey_split rejects. */
int urlkey_depth(const char *url);

#endif
