/*
 * scope: may a discovered URL be crawled? One scope_t per crawl, built from
 * the crawl options (firecrawl-api.md §3). scope_check is pure and may be
 * called concurrently from any number of threads on one scope_t; scope_new,
 * scope_rebase and scope_free need exclusive access.
 *
 * scope_check works on the URL normalised by urlkey_normalize (lower-case
 * host, default port dropped, percent-encoding normalised, dot segments
 * resolved, fragment dropped) and applies the rules in this order, returning
 * the first that fails:
 *   1. scheme: not an absolute, well-formed http(s) URL         SCOPE_SCHEME
 *   2. hops > max_discovery_depth (when >= 0)                   SCOPE_DISCOVERY_DEPTH
 *   3. urlkey_depth > max_depth (when >= 0)                     SCOPE_DEPTH
 *   4. host: the start host (www. ignored both sides) is internal; with
 *      allow_subdomains so is any host with the start host's registrable
 *      domain (Public Suffix List, private section included, so x.github.io
 *      and y.github.io differ; IP literals only match exactly). Any other
 *      host is rejected (SCOPE_OUTSIDE for a sibling subdomain, SCOPE_EXTERNAL
 *      otherwise) unless allow_external_links, and even then rejected as
 *      SCOPE_EXTERNAL when found on an external page (one hop), when it is a
 *      bare root page (depth 0, e.g. "/" or "/index.html"), or when it is a
 *      social/email host (facebook.com, twitter.com, linkedin.com,
 *      instagram.com, pinterest.com, github.com, calendly.com, discord.gg,
 *      discord.com, or a subdomain of one). Internal URLs found on an external
 *      page are allowed.
 *   5. excludePaths: any regex matching the subject                SCOPE_EXCLUDED
 *      For non-internal hosts an exclude also matches when read as a
 *      host[/path] prefix ("example.com/blog", "https://blog.example.com"):
 *      same host or a subdomain of it, and the path starts with its path.
 *   6. includePaths: none matching the subject (non-empty list)  SCOPE_NOT_INCLUDED
 *   7. path prefix (unless crawl_entire_domain): the path must equal the
 *      start prefix or continue it at a segment boundary         SCOPE_OUTSIDE
 *   8. file extension in the skip list, case-insensitive        SCOPE_FILE_TYPE
 * The regex subject is the normalised pathname ("/blog/post-1"), or the whole
 * normalised URL without fragment with regex_on_full_url. Regexes are PCRE2,
 * unanchored, byte-oriented; empty (or NULL) patterns are ignored; a match
 * that exceeds PCRE2's match limit (catastrophic backtracking) counts as no
 * match.
 *
 * Path-prefix decision: the start prefix is the start URL's normalised path
 * without a final index.html/index.php and without trailing slashes. It
 * matches at segment boundaries only: start "/docs" or "/docs/" admits
 * "/docs", "/docs/" and "/docs/a" but not "/docs-x" (Firecrawl's plain string
 * prefix would admit "/docs-x" for "/docs"); start "/" admits every path.
 */
#ifndef CINDER_CRAWL_SCOPE_H
#define CINDER_CRAWL_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

typedef struct scope scope_t;

typedef struct {
    const char *start_url; /* the crawl's (possibly re-based) start URL */
    const char *const *include;
    size_t n_include; /* includePaths regexes (PCRE2) */
    const char *const *exclude;
    size_t n_exclude; /* excludePaths */
    bool regex_on_full_url, crawl_entire_domain, allow_subdomains, allow_external_links;
    int max_depth;           /* v1 maxDepth (path segments); <0: none */
    int max_discovery_depth; /* link hops; <0: none */
} scope_config_t;

typedef enum {
    SCOPE_OK,
    SCOPE_EXCLUDED,     /* excludePaths */
    SCOPE_NOT_INCLUDED, /* includePaths */
    SCOPE_OUTSIDE,      /* path prefix / host */
    SCOPE_EXTERNAL,
    SCOPE_DEPTH,
    SCOPE_DISCOVERY_DEPTH,
    SCOPE_FILE_TYPE,
    SCOPE_SCHEME
} scope_verdict;

/* Builds a scope: compiles (and JIT-compiles) the regexes and records the
 * start URL's host, registrable domain and path prefix. The config's strings
 * are copied or compiled; cfg need not outlive the scope. Returns
 * CINDER_E_BAD_REQUEST on an invalid regex, writing a message naming the
 * option, the pattern and PCRE2's error with its offset into err (may be
 * NULL; truncated to errlen), or CINDER_E_URL_INVALID (message "invalid start
 * URL") when start_url is not an absolute http(s) URL. On error *out is NULL.
 * Free with scope_free. */
CINDER_MUST_CHECK cinder_err scope_new(const scope_config_t *cfg, scope_t **out, char *err,
                                       size_t errlen);

/* Frees the scope. Accepts NULL. */
void scope_free(scope_t *s);

/* Decides whether url (absolute), found at discovery depth hops from the start
 * (start = 0) on a page that was itself internal (from_external=false) or
 * external, may be crawled. Thread-safe; see the rule order above. */
scope_verdict scope_check(const scope_t *s, const char *url, int hops, bool from_external);

/* Re-bases the scope on the start URL's redirect target: host, registrable
 * domain and path prefix follow final_start_url. Returns CINDER_E_URL_INVALID
 * (scope unchanged) when it is not an absolute http(s) URL. Not to be called
 * while other threads run scope_check on s. */
CINDER_MUST_CHECK cinder_err scope_rebase(scope_t *s, const char *final_start_url);

/* A short machine name for a verdict ("ok", "excluded", "not_included",
 * "outside_scope", "external", "depth", "discovery_depth", "file_type",
 * "scheme"), used as the item's reason code. Static storage. */
const char *scope_verdict_name(scope_verdict v);

#endif
