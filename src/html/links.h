/*
 * links: the URLs a page points at, for the `links` and `images` formats and
 * for crawl discovery.
 */
#ifndef CINDER_HTML_LINKS_H
#define CINDER_HTML_LINKS_H

#include <jansson.h>
#include <stddef.h>

#include "html/dom.h"
#include "util/url.h"

/* Default cap on the number of URLs returned (max 0). */
#define LINKS_DEFAULT_MAX 10000

/* Every a[href] of the page resolved by res (a resolver for the page's base, see
 * metadata_base_url; borrowed),
 * in document order, de-duplicated (exact string after resolution), at most
 * max_links (0: LINKS_DEFAULT_MAX). Fragment-only hrefs ("#top") and
 * javascript: are dropped; mailto:, tel: and other schemes are kept as written.
 * Returns a new JSON array of strings (caller owns); NULL only when out of memory. */
json_t *links_extract(dom_doc_t *doc, url_resolver_t *res, size_t max_links);

/* The page's images for the `images` format: every img src, data-src and
 * srcset candidate (and <picture><source srcset>), resolved by res (borrowed),
 * de-duplicated, in document order, at most max (0: LINKS_DEFAULT_MAX); data:
 * and blob: URIs are skipped. Returns a new JSON array of strings (caller owns). */
json_t *links_images(dom_doc_t *doc, url_resolver_t *res, size_t max);

#endif
