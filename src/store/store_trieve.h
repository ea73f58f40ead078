/*
 * store_trieve: the Trieve dialect's tables: datasets, crawl requests and the chunks of crawled
 * pages (store/sqlite_trieve.c for SQLite).
 */
#ifndef CINDER_STORE_STORE_TRIEVE_H
#define CINDER_STORE_STORE_TRIEVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

/* A Trieve crawl request (store/sqlite_trieve.c): a durable crawl configuration of one dataset of
 * one team, whose newest crawl job is scrape_id. Strings are owned (store_trieve_cleanup). */
typedef struct {
    char id[40];
    char team[64];
    char dataset[72];
    char scrape_id[40];  /* the newest crawl job */
    char *url;           /* site_url */
    char *options;       /* the Trieve crawl_options as normalised by the API (JSON text) */
    char *crawl;         /* the crawler options its jobs run with (crawl_opts_to_json text) */
    char *status;        /* the final status word of the newest job once done, or NULL */
    int64_t interval_ms; /* 0: one-shot */
    int64_t next_ms;     /* when the next crawl is due (0: none) */
    int64_t created_ms, started_ms;
    bool done; /* the newest job has ended (status holds its final word) */
} store_trieve_t;

/* A chunk of a crawled page in a dataset. Strings are owned (store_chunks_free). */
typedef struct {
    char *tracking_id; /* unique per team and dataset: an upsert replaces the chunk */
    char *request_id;  /* the crawl request that wrote it last */
    char *url, *heading, *html, *text;
    char *metadata; /* JSON object text */
    char *tag_set;  /* JSON array text */
    int position;   /* index of the chunk in its page */
    int64_t created_ms, updated_ms;
} store_chunk_t;

/* Records dataset of team when it is new (a dataset id names a different dataset in every
 * team). */
CINDER_MUST_CHECK cinder_err store_dataset_touch(store_t *st, const char *team, const char *dataset,
                                                 int64_t now_ms);

/* Inserts or updates a crawl request (by id) and remembers its scrape_id as one of its jobs. */
CINDER_MUST_CHECK cinder_err store_trieve_put(store_t *st, const store_trieve_t *rec);

/* Reads the crawl request of team and dataset whose id, or whose scrape_id, is id.
 * CINDER_E_NOT_FOUND otherwise (also for another team's or dataset's request). */
CINDER_MUST_CHECK cinder_err store_trieve_get(store_t *st, const char *team, const char *dataset,
                                              const char *id, store_trieve_t *out);

/* Lists a dataset's crawl requests, newest first: skip, then at most limit. *out is a heap array
 * (store_trieve_free). */
CINDER_MUST_CHECK cinder_err store_trieve_list(store_t *st, const char *team, const char *dataset,
                                               int64_t skip, size_t limit, store_trieve_t **out,
                                               size_t *n);

/* Lists the crawl requests the re-crawl scheduler must look at: those whose newest job is not
 * done, and the recurring ones due at now_ms. *out as store_trieve_list. */
CINDER_MUST_CHECK cinder_err store_trieve_open(store_t *st, int64_t now_ms, store_trieve_t **out,
                                               size_t *n);

/* Marks request id done with its final status, if its newest job is still scrape_id. */
CINDER_MUST_CHECK cinder_err store_trieve_done(store_t *st, const char *id, const char *scrape_id,
                                               const char *status);

/* Removes a crawl request of team and dataset with every job it ran (rows, items, documents) and
 * the chunks it wrote, in one transaction. CINDER_E_NOT_FOUND when it is not theirs. */
CINDER_MUST_CHECK cinder_err store_trieve_delete(store_t *st, const char *team, const char *dataset,
                                                 const char *id);

/* Frees the strings of a crawl request and zeroes it. */
void store_trieve_cleanup(store_trieve_t *rec);

/* Frees an array of crawl requests. Accepts NULL. */
void store_trieve_free(store_trieve_t *recs, size_t n);

/* Inserts or replaces (by tracking_id within team and dataset) n chunks of one page in one
 * transaction, only while their crawl request (c[i].request_id) exists: CINDER_E_NOT_FOUND, and
 * nothing written, once it was deleted. A replaced chunk keeps its created_ms. */
CINDER_MUST_CHECK cinder_err store_chunks_upsert(store_t *st, const char *team, const char *dataset,
                                                 const store_chunk_t *c, size_t n, int64_t now_ms);

/* Reads a dataset's chunks ordered by page URL and position: skip, then at most limit; *total
 * (may be NULL) receives the dataset's chunk count. *out is a heap array (store_chunks_free). */
CINDER_MUST_CHECK cinder_err store_chunks_page(store_t *st, const char *team, const char *dataset,
                                               int64_t skip, size_t limit, store_chunk_t **out,
                                               size_t *n, int64_t *total);

/* Frees an array of chunks. Accepts NULL. */
void store_chunks_free(store_chunk_t *c, size_t n);

/* The Trieve operations a backend provides. impl is the backend's own handle. */
struct store_trieve_ops {
    cinder_err (*dataset_touch)(void *impl, const char *team, const char *dataset, int64_t now_ms);
    cinder_err (*trieve_put)(void *impl, const store_trieve_t *rec);
    cinder_err (*trieve_get)(void *impl, const char *team, const char *dataset, const char *id,
                             store_trieve_t *out);
    cinder_err (*trieve_list)(void *impl, const char *team, const char *dataset, int64_t skip,
                              size_t limit, store_trieve_t **out, size_t *n);
    cinder_err (*trieve_open)(void *impl, int64_t now_ms, store_trieve_t **out, size_t *n);
    cinder_err (*trieve_done)(void *impl, const char *id, const char *scrape_id,
                              const char *status);
    cinder_err (*trieve_delete)(void *impl, const char *team, const char *dataset, const char *id);
    cinder_err (*chunks_upsert)(void *impl, const char *team, const char *dataset,
                                const store_chunk_t *c, size_t n, int64_t now_ms);
    cinder_err (*chunks_page)(void *impl, const char *team, const char *dataset, int64_t skip,
                              size_t limit, store_chunk_t **out, size_t *n, int64_t *total);
};

#endif
