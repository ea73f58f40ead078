/*
 * robots: a robots.txt policy (RFC 9309) for one crawler identity.
 *
 * A policy is parsed once per host and then only read, so robots_allows may be
 * called from any number of threads at once. Parsing never fails: malformed
 * lines are skipped, and bodies that are not robots.txt at all (HTML, XML,
 * JSON) give an allow-all policy, as Firecrawl does.
 *
 * Decisions beyond the RFC (see robots.c for the details):
 *  - Several of our agent tokens may match different groups; all of them are
 *    merged into one rule set (RFC 9309 §2.2.1 merging), so the longest match
 *    over the union decides.
 *  - Trailing-slash variant: a path without a trailing slash ("/private") is
 *    also refused by a literal Disallow rule naming exactly that path plus '/'
 *    ("Disallow: /private/" or "/private/$"), which then competes with the
 *    other rules by its length like any match.
 */
#ifndef CINDER_CRAWL_ROBOTS_H
#define CINDER_CRAWL_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct robots robots_t;

/* Parses a robots.txt body (len bytes, any bytes; only the first 500 KiB are
 * read). Keeps the groups whose user-agent product token equals, case-
 * insensitively, the product token of any of the n_agents agents (e.g.
 * {"cinder", "FirecrawlAgent"}), merged; falls back to the `*` groups when none
 * matches, and to allow-all when there is neither. Also collects Sitemap: lines
 * (absolute http(s) only) and the chosen groups' Crawl-delay. A body starting
 * with '<' or '{' (after a BOM and whitespace) is treated as empty. At most
 * 10,000 rules are kept; lines over 16 KiB are ignored. Never NULL (aborts on
 * out of memory). Free with robots_free. */
robots_t *robots_parse(const char *body, size_t len, const char *const *agents, size_t n_agents);

/* A policy that allows everything (robots.txt 404/410/absent, or
 * ignoreRobotsTxt). Never NULL. Free with robots_free. */
robots_t *robots_allow_all(void);

/* A policy that disallows everything but /robots.txt (robots.txt answered 5xx
 * or was unreachable: RFC 9309 §2.3.1.4). Never NULL. Free with robots_free. */
robots_t *robots_disallow_all(void);

/* Frees a policy. Accepts NULL. */
void robots_free(robots_t *r);

/* True when the path+query of url (an absolute URL, a scheme-relative
 * "//host/..." or a path starting with '/'; the fragment is ignored) may be
 * fetched. Longest match wins, Allow wins ties; `*` matches any sequence and a
 * final `$` anchors the end; both sides are percent-normalised (%xx of an
 * unreserved character decoded, other %xx upper-cased, bytes outside
 * printable ASCII encoded). /robots.txt is always allowed. A NULL r is
 * allow-all; a NULL url gives true. Time is linear in the URL length per rule
 * (no backtracking); the worst case is rules x URL length (10,000 hostile
 * rules against a 100 KB URL: about a second), so callers should cap URL
 * length. Thread-safe. */
bool robots_allows(const robots_t *r, const char *url);

/* Crawl-delay of the chosen group in milliseconds (fractional seconds accepted,
 * capped at 60,000), or -1 when there is none. */
long robots_crawl_delay_ms(const robots_t *r);

/* The Sitemap: URLs found, in file order, de-duplicated, at most 100; *n gets
 * their number. NULL (and *n = 0) when there are none. Owned by r. */
const char *const *robots_sitemaps(const robots_t *r, size_t *n);

#endif
