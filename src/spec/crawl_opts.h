/*
 * crawl_opts: the normalised options of one crawl, as the scheduler uses them and as they are
 * persisted in the job record (so a restarted server resumes a crawl from the store alone).
 */
#ifndef CINDER_SPEC_CRAWL_OPTS_H
#define CINDER_SPEC_CRAWL_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "spec/scrape_opts.h"
#include "spec/webhook_cfg.h"
#include "util/error.h"

typedef enum { CRAWL_SITEMAP_INCLUDE, CRAWL_SITEMAP_SKIP, CRAWL_SITEMAP_ONLY } crawl_sitemap_mode;

typedef struct {
    char *url;        /* normalised start URL */
    char *source_url; /* as the client sent it */
    int64_t limit;    /* most documents and page fetches (default 10,000) */
    char **include;   /* includePaths regexes */
    size_t n_include;
    char **exclude; /* excludePaths regexes */
    size_t n_exclude;
    int max_depth;           /* v1 maxDepth (path segments, default 10); -1: none */
    int max_discovery_depth; /* link hops; -1: none */
    bool crawl_entire_domain, allow_subdomains, allow_external_links, ignore_robots;
    bool dedupe_similar, ignore_query, regex_on_full_url;
    crawl_sitemap_mode sitemap;
    long delay_ms;       /* pause between page fetches (forces concurrency 1); 0: none */
    int max_concurrency; /* pages in flight at once; 0: default */
    scrape_opts_t page;  /* scrapeOptions applied to every page */
    int api_version;
    bool interactive; /* a client waits on the job (a sync scrape): 429 and 503 answers are pages
                         like any other (no pause, no retry), and its fetches have their own
                         per-host cap instead of the crawls' one */
    bool batch;    /* a batch scrape: the URLs are given (crawler_start_batch), none discovered */
    bool discover; /* document discovery (Skop): pages become document-link records and files
                      found by Content-Type are recorded, not failed (jobs/discover.h) */
    int64_t deadline_ms; /* wall clock (epoch ms) after which no page fetch starts: the pages
                            still pending are skipped with reason "deadline"; 0: none */
    json_t *meta; /* opaque to the crawler, persisted with the options as "meta": the creating
                     dialect's own parameters (a reference owned by o, or NULL) */
    webhook_cfg_t webhook; /* where the job's events go (url NULL: nowhere) */
    char team[64];  /* not persisted (the job record holds it): the owning team, "" when open */
    json_t *chunks; /* Trieve: each page is chunked into a dataset, as this object says
                       (read by dialect/trieve/chunks.h; a reference owned by o); NULL: no */
    /* Optional, not persisted: receives each document on a worker thread as it is built (must be
     * thread-safe; doc is borrowed for the call). The store then keeps an empty placeholder in
     * its place: for the command line, which writes documents to files itself. */
    void (*on_document)(json_t *doc, void *ud);
    void *on_document_ud;
} crawl_opts_t;

/* Defaults for the API version (limit 10,000, v1 maxDepth 10, dedupe on, sitemap include). */
void crawl_opts_init(crawl_opts_t *o, int api_version);

/* Frees what o owns. */
void crawl_opts_cleanup(crawl_opts_t *o);

/* The options as JSON (Firecrawl-like names); caller owns the reference. */
json_t *crawl_opts_to_json(const crawl_opts_t *o);

/* Reads options written by crawl_opts_to_json (o initialised by the caller). */
CINDER_MUST_CHECK cinder_err crawl_opts_from_json(json_t *j, crawl_opts_t *o);

#endif
