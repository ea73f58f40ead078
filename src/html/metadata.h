/*
 * metadata: the page-derived part of Firecrawl's document metadata (title,
 * description, language, favicon, the og/article/Dublin Core keys and a raw
 * copy of every <meta name|property|itemprop=... content=...>). The keys the
 * scraper adds itself (sourceURL, url, statusCode, contentType, scrapeId, ...)
 * are not set here; the caller sets them afterwards, overwriting any raw <meta>
 * copy of the same name.
 */
#ifndef CINDER_HTML_METADATA_H
#define CINDER_HTML_METADATA_H

#include <jansson.h>

#include "html/dom.h"

/* Most <meta> elements read from one page; the rest are ignored. */
#define METADATA_MAX_METAS 1000
/* Longest string value kept (bytes; longer values are cut at a UTF-8 boundary). */
#define METADATA_MAX_VALUE (64 * 1024)

/* Extracts Firecrawl document metadata from the parsed page (before cleaning).
 * page_url is the final URL (after redirects), used with <base href> to make
 * favicon and og:url/image/audio/video absolute. Keys appear only when the page
 * has them: title (first HTML <title>, whitespace collapsed), language
 * (<html lang>), description (every <meta name=description> joined with ", "),
 * keywords, robots, og*, ogLocaleAlternate (array), article and dc/dcterms keys
 * (first match of name= or property=, compared case-insensitively), favicon;
 * plus each <meta> under its raw name= / property= / itemprop= value (a
 * repeated name becomes an array of strings, except "description", and
 * "title"/"language"/"favicon" which keep the values above; itemprop metas
 * never feed the typed keys or description). Returns a new object (caller owns
 * the reference); NULL only when out of memory. */
json_t *metadata_extract(dom_doc_t *doc, const char *page_url);

/* The document's base URL: the first <base href> resolved against page_url when
 * that gives an http(s) URL, else a copy of page_url (NULL if page_url is NULL).
 * Caller frees. */
char *metadata_base_url(dom_doc_t *doc, const char *page_url);

#endif
