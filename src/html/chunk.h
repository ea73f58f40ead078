/*
 * chunk: splits a page's HTML into heading-delimited chunks, the way Trieve turns crawled pages
 * into searchable chunks (shared/reference/seed-apis.md §1.5).
 *
 * Rules, in order:
 * 1. Split: every h1–h6 element starts a chunk; a chunk is that heading plus the content up to
 *    the next heading (wrappers that contain a heading are dropped, their other children kept as
 *    they are). Content before the first heading forms a chunk without heading. Past
 *    max_chunks, headings no longer split (their content joins the last chunk).
 * 2. Remove strings: every occurrence of heading_remove strings goes from the heading text,
 *    every occurrence of body_remove strings from the body (its HTML and its text).
 * 3. Merge: a chunk whose text (heading and body) has at most CHUNK_MIN_WORDS words, or whose
 *    body is empty, is merged forward into the next chunk (its HTML and text go first; the
 *    next chunk keeps its own heading, or takes the merged one when it has none). A short last
 *    chunk is appended to the chunk before it.
 * 4. Drop: a chunk left with an empty body is dropped.
 * The chunk's HTML is "<hN>heading</hN>" (escaped) followed by the body's HTML, trimmed.
 *
 * No state, no threads: any thread may call it (the parser is per thread, see html/dom.h).
 */
#ifndef CINDER_HTML_CHUNK_H
#define CINDER_HTML_CHUNK_H

#include <stddef.h>

#include "util/error.h"

#define CHUNK_MIN_WORDS     5   /* chunks with this many words or fewer are merged */
#define CHUNK_MAX_PER_PAGE  500 /* default cap on the chunks of one page */
#define CHUNK_MAX_HIERARCHY 6

typedef struct {
    const char *const *heading_remove; /* strings removed from headings */
    size_t n_heading_remove;
    const char *const *body_remove; /* strings removed from bodies */
    size_t n_body_remove;
    size_t max_chunks; /* headings that may start a chunk; 0: CHUNK_MAX_PER_PAGE */
} chunk_opts_t;

typedef struct {
    char *heading; /* the heading's text after heading_remove; "" when the chunk has none */
    int level;     /* 1–6; 0 without heading */
    char *html;    /* the chunk's HTML */
    char *text;    /* its text (heading, then body), whitespace collapsed */
    /* the headings enclosing this one, outermost first, ending with the chunk's own heading */
    char *hierarchy[CHUNK_MAX_HIERARCHY];
    size_t n_hierarchy;
} chunk_t;

/* Splits len bytes of UTF-8 HTML (a page or a fragment) into chunks. *out is a heap array of
 * *n chunks (possibly none) that the caller frees with chunks_free. CINDER_E_PARSE when the
 * parser fails. */
CINDER_MUST_CHECK cinder_err chunk_split(const char *html, size_t len, const chunk_opts_t *o,
                                         chunk_t **out, size_t *n);

/* Frees an array from chunk_split. Accepts NULL. */
void chunks_free(chunk_t *c, size_t n);

/* Number of whitespace-separated words in s. */
size_t chunk_words(const char *s);

#endif
