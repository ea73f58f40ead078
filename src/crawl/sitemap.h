/*
 * sitemap: a streaming sitemap parser. The fetcher pushes the body chunk by
 * chunk as it arrives; each <loc> is reported through a callback as soon as
 * its entry is complete, so memory stays O(chunk + one URL) whatever the size
 * of the sitemap. Handles XML (<urlset>, <sitemapindex>, any namespace prefix),
 * plain-text sitemaps (one URL per line) and gzip (detected by magic bytes,
 * whatever the Content-Type). XML is parsed by libxml2's push SAX parser with
 * no DTD loading, no entity substitution and no network access.
 *
 * A parser is for one sitemap file and one thread; separate parsers may run
 * on separate threads.
 */
#ifndef CINDER_CRAWL_SITEMAP_H
#define CINDER_CRAWL_SITEMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* Longest <loc> (or text line) accepted, in bytes after trimming; longer ones are skipped. */
#define SITEMAP_MAX_LOC 8192
/* Most URLs reported by one parser; past it the parser stops with CINDER_E_TOO_LARGE. */
#define SITEMAP_MAX_URLS 50000000u
/* Decompressed-size cap used when sitemap_parser_new() is given 0. */
#define SITEMAP_DEFAULT_MAX_BYTES ((size_t)200 << 20)

typedef struct sitemap_parser sitemap_parser_t;

typedef enum {
    SITEMAP_PAGE, /* a page to crawl */
    SITEMAP_CHILD /* a nested sitemap to fetch */
} sitemap_kind;

/*
 * Called once per accepted <loc> (or text line): url is trimmed, entity-decoded,
 * absolute http(s) (scheme matched case-insensitively), NUL-terminated and
 * valid only during the call; len excludes the NUL. Other values (relative,
 * ftp:, javascript:, empty, longer than SITEMAP_MAX_LOC) are counted as skipped
 * and not reported.
 *
 * kind is SITEMAP_CHILD for the <loc> of a <sitemap> (or a bare <loc> of a
 * <sitemapindex>), and for a <urlset> <loc> whose path ends in ".xml" or
 * ".xml.gz" (case-insensitive, query and fragment ignored), as Firecrawl
 * recurses into those; SITEMAP_PAGE otherwise. Text sitemaps only give pages.
 *
 * lastmod is the entry's trimmed <lastmod> (NUL-terminated), or NULL when
 * absent or longer than 63 bytes. To see a <lastmod> that follows its <loc>
 * (the usual order), an entry is reported when its </url> or </sitemap> is
 * seen (or the next <loc> of the same entry starts, or input ends); a <loc>
 * outside any entry is reported at its </loc>.
 *
 * Only a <loc> whose parent is <url>, <sitemap>, <urlset> or <sitemapindex>
 * counts (by local name, whatever the prefix or namespace), so extension
 * elements such as <image:image><image:loc> are ignored.
 *
 * Return false to stop parsing (e.g. the crawl limit is reached): no further
 * callbacks are made and feed/finish return CINDER_E_DECLINED.
 */
typedef bool (*sitemap_url_cb)(void *ud, sitemap_kind kind, const char *url, size_t len,
                               const char *lastmod);

/*
 * Creates a parser for one sitemap file. max_bytes caps the decompressed body
 * (0: SITEMAP_DEFAULT_MAX_BYTES); past it parsing stops with CINDER_E_TOO_LARGE,
 * which also defeats gzip bombs. Never returns NULL (allocation failure aborts).
 * Free with sitemap_parser_free().
 */
sitemap_parser_t *sitemap_parser_new(sitemap_url_cb cb, void *ud, size_t max_bytes);

/*
 * Feeds the next len bytes of the body (any chunking, even one byte at a time;
 * results do not depend on it). Callbacks run from inside this call.
 * Returns CINDER_OK; CINDER_E_DECLINED once the callback asked to stop;
 * CINDER_E_TOO_LARGE past max_bytes or SITEMAP_MAX_URLS; CINDER_E_PARSE on
 * malformed gzip; CINDER_E_NOMEM if libxml2 or zlib cannot allocate. An error is sticky: later
 * calls return it and do nothing. Malformed XML is not an error: the URLs seen so far are kept,
 * parsing recovers where libxml2 can and otherwise ignores the rest of the input.
 */
CINDER_MUST_CHECK cinder_err sitemap_parser_feed(sitemap_parser_t *p, const char *data, size_t len);

/*
 * Signals the end of the body: flushes the last entry or text line. Same
 * returns as feed, plus CINDER_E_PARSE when a gzip stream is truncated.
 */
CINDER_MUST_CHECK cinder_err sitemap_parser_finish(sitemap_parser_t *p);

/* Number of URLs reported to the callback so far. */
size_t sitemap_parser_urls(const sitemap_parser_t *p);

/* Number of <loc> values (or text lines) rejected so far. */
size_t sitemap_parser_skipped(const sitemap_parser_t *p);

/* Frees the parser; accepts NULL. */
void sitemap_parser_free(sitemap_parser_t *p);

#endif
