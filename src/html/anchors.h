/*
 * anchors: the links of a page with the words around them — link text, the nearest heading
 * before the link and the text of the block that holds it — for document discovery, where a
 * link is judged by what the page says about it. Runs on the calling thread (it parses the page
 * with html/dom.h); everything returned is heap memory owned by the result.
 */
#ifndef CINDER_HTML_ANCHORS_H
#define CINDER_HTML_ANCHORS_H

#include <stddef.h>

#include "util/error.h"

#define ANCHOR_TEXT_MAX    200 /* bytes of link text kept (cut at a character boundary) */
#define ANCHOR_CONTEXT_MAX 400 /* bytes of heading and surrounding text kept */
#define ANCHOR_TITLE_MAX   300 /* bytes of the page title kept */

typedef struct {
    char *url;     /* absolute http(s) URL (resolved against the page's base) */
    char *text;    /* the link's text, whitespace collapsed; else its image alt, title or
                      aria-label; may be "" */
    char *context; /* the nearest heading before the link, then the text of the enclosing block
                      around the link (whitespace collapsed); may be "" */
} anchor_t;

typedef struct {
    char *title; /* the page's <title>, whitespace collapsed; "" when none */
    anchor_t *v;
    size_t n;
} anchor_list_t;

/* Parses len bytes of UTF-8 HTML and lists its a[href] links to http(s) URLs, in document order
 * (repeats kept), at most max (0: 5000). page_url is the page's address (for relative links and
 * <base href>). CINDER_E_PARSE when the page cannot be parsed. out is cleaned up with
 * anchor_list_cleanup (also after a failure). */
CINDER_MUST_CHECK cinder_err anchors_extract(const char *html, size_t len, const char *page_url,
                                             size_t max, anchor_list_t *out);

/* Frees what l owns and zeroes it. */
void anchor_list_cleanup(anchor_list_t *l);

#endif
