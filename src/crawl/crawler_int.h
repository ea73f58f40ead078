/* Internals shared by crawler.c (scheduler) and crawl_page.c (per-page work). */
#ifndef CINDER_CRAWL_CRAWLER_INT_H
#define CINDER_CRAWL_CRAWLER_INT_H

#include <pthread.h>
#include <stdbool.h>

#include "crawl/crawler.h"
#include "crawl/scope.h"
#include "crawl/urlkey.h"

/* One running crawl, owned by the scheduler. Freed only when no page of it is in flight. */
typedef struct cjob {
    struct cjob *next;
    char id[40];
    crawl_opts_t opts;
    scope_t *scope;
    urlkey_opts_t kopts;
    int running;           /* pages claimed and not yet recorded */
    bool cancelled;        /* no new fetch may start */
    int64_t next_start_ms; /* pacing for `delay` */
} cjob_t;

/* One page in flight: claimed item → fetch → worker → outcome → group commit. */
typedef struct page {
    struct page *next;
    crawler_t *c;
    cjob_t *job;
    store_item_t item;
    fetch_result_t *fres;
    store_item_result_t res; /* the outcome, pointing into the fields below */
    char *doc;
    char *error;
    store_item_new_t *found;
    size_t n_found;
} page_t;

struct crawler {
    store_t *st;
    fetcher_t *fetcher;
    pool_t *pool;
    int64_t ttl_ms;
    pthread_t thread;
    bool started; /* the scheduler thread runs */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
    cjob_t *jobs;
    page_t *done; /* outcomes waiting for the next group commit */
    int inflight;
};

/* Worker task: turns a fetched page into its outcome, then queues it for the scheduler. */
void crawl_page_process(void *arg);

/* Frees a page and everything it owns. */
void crawl_page_free(page_t *p);

/* Queues a finished page for the scheduler's next group commit and wakes it. */
void crawl_page_done(page_t *p);

#endif
