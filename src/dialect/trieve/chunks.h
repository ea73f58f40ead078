/*
 * crawl_chunks: the "chunks" option of a crawl (set by the Trieve dialect). Every page the crawl
 * builds is split into heading chunks (html/chunk.h) and upserted into a dataset's chunks, on the
 * worker thread that built the page. The option is persisted with the crawl's options, so a
 * crawl resumed after a restart keeps chunking.
 *
 * A chunk's tracking id is a hash of the page's URL path and the chunk's heading (the k-th chunk
 * with the same heading on a page adds "#k"), or of the path and the chunk's HTML when it has
 * no heading: a re-crawl of the page overwrites its chunks instead of adding copies.
 */
#ifndef CINDER_DIALECT_TRIEVE_CHUNKS_H
#define CINDER_DIALECT_TRIEVE_CHUNKS_H

#include <stddef.h>

#include <jansson.h>

#include "jobs/processor.h"
#include "store/store_trieve.h"

typedef struct crawl_chunks {
    char team[64];       /* the dataset's team ("" when the server runs open) */
    char dataset[72];    /* the dataset the chunks go to */
    char request_id[40]; /* the crawl request writing them */
    char *site_url;      /* added to every chunk's tag set */
    char **heading_remove, **body_remove, **tags;
    size_t n_heading_remove, n_body_remove, n_tags;
} crawl_chunks_t;

/* Frees c and what it owns. Accepts NULL. */
void crawl_chunks_free(crawl_chunks_t *c);

/* The option as JSON (caller owns the reference). */
json_t *crawl_chunks_to_json(const crawl_chunks_t *c);

/* Reads the option written by crawl_chunks_to_json; NULL when j is not one (absent: no
 * chunking). Free with crawl_chunks_free. */
crawl_chunks_t *crawl_chunks_from_json(json_t *j);

/* Chunks one built document (status 200 pages with an "html" field; others are left alone) and
 * upserts the chunks. Runs on a worker thread; doc is borrowed. Failures are logged: the page
 * itself is still recorded. */
void crawl_chunks_page(store_t *st, const crawl_chunks_t *c, json_t *doc);

/* The job model's processor for crawls with a "chunks" option (its ctx: the store_t). */
extern const jobs_processor_t chunks_processor;

#endif
