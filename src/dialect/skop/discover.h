/*
 * discover: document discovery on the crawl engine (the Skop dialect). A discovery job is a crawl
 * whose pages are not converted to markdown: each fetched page is stored as a compact JSON
 * record of the document links it holds, and each fetched URL that turns out to be a document
 * (by Content-Type) as a file record. This module defines those records, recognises document
 * types, and turns a job's records into one ranked list of documents (merged by URL, scored with
 * jobs/rank.h against the job's prompt).
 *
 * Stored records (one per succeeded item, in finish order):
 *   page: {"kind":"page", "url", "sourceURL", "title", "foundAt" (epoch ms),
 *          "documentLinks": [{"url","text","context"}],  links whose URL names a document type
 *          "links": [{"url","text","context"}]}          other crawlable links that might still
 *                                                        answer with a document (no page-like
 *                                                        extension), for their words
 *   file: {"kind":"file", "url" (after redirects), "sourceURL" (as linked), "contentType",
 *          "size" (bytes, -1 unknown), "foundAt"}
 *
 * Not thread-safe: one discover_set_t per reader.
 */
#ifndef CINDER_DIALECT_SKOP_DISCOVER_H
#define CINDER_DIALECT_SKOP_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "jobs/processor.h"
#include "store/store.h"
#include "util/error.h"

#define DISCOVER_LINKS_MAX 300 /* "links" kept per page record */

/* The document type named by the extension of url's path ("pdf", "doc", "docx", "xls", "xlsx",
 * "ppt", "pptx"; case-insensitive), or NULL. Static strings. */
const char *discover_type_of_url(const char *url);

/* The document type of a Content-Type (parameters ignored), or NULL. */
const char *discover_type_of_mime(const char *content_type);

/* True when url's path ends in an extension that names a web page or a non-document resource
 * (.html, .php, .css, .png, ...): such links are not kept in a page record's "links". */
bool discover_url_looks_like_page(const char *url);

/* One document found, merged over every page that links to it. Strings are owned. */
typedef struct {
    char *url;         /* as linked (no fragment) */
    char *name;        /* file name from the URL path (percent-decoded when that is UTF-8) */
    const char *type;  /* "pdf", "docx", ... (static) */
    char *source_page; /* the first page linking to it; the URL itself when nothing links it */
    char *text;        /* link texts, distinct ones joined with " | " */
    char *context;     /* surrounding texts, likewise */
    char *page_title;  /* title of the source page */
    int64_t size;      /* bytes when known (fetched by Content-Type), else -1 */
    int64_t found_ms;
    double confidence; /* rank.h confidence against the prompt, 0..1 */
} discover_doc_t;

typedef struct {
    discover_doc_t *v; /* after discover_set_rank: by confidence, best first */
    size_t n;
    int64_t pages; /* page records read */
    int64_t files; /* file records read */
    size_t terms;  /* searchable terms in the prompt (0: every confidence is 0) */
} discover_set_t;

/* Reads every record of job_id from st (at most max_records) and merges them into s (zeroed
 * first; clean up with discover_set_cleanup, also after a failure). */
CINDER_MUST_CHECK cinder_err discover_load(store_t *st, const char *job_id, size_t max_records,
                                           discover_set_t *s);

/* Merges records[0..n) (parsed stored records, borrowed) into s (zeroed first). */
void discover_merge(json_t *const *records, size_t n, discover_set_t *s);

/* Scores every document against prompt and sorts them by confidence (ties: first found
 * first). Field weights: link text 3, file name 2, surrounding text 1, page title 0.5. */
void discover_set_rank(discover_set_t *s, const char *prompt);

/* Frees what s owns and zeroes it. */
void discover_set_cleanup(discover_set_t *s);

/* The job model's processor for discovery jobs (kind discover; discover_page.c): a
 * fetched page becomes a record of its document links, a document by Content-Type a file
 * record. */
extern const jobs_processor_t discover_processor;

#endif
