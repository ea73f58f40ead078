/*
 * crawl_page: one claimed page of a running job, as a job kind's page processor sees it on a
 * worker thread (crawl/crawler.h, crawl_hooks_t). A processor reads the fetch result and records
 * exactly one outcome: a stored record (crawl_page_succeed) or a failure (crawl_page_fail); it
 * may offer links to the job's frontier. The page and what it holds belong to the crawler.
 */
#ifndef CINDER_CRAWL_CRAWL_PAGE_H
#define CINDER_CRAWL_CRAWL_PAGE_H

#include <stdbool.h>

#include <jansson.h>

#include "fetch/fetcher.h"
#include "spec/crawl_opts.h"
#include "util/error.h"

typedef struct page crawl_page_t;

/* The fetch result of the page (borrowed). */
const fetch_result_t *crawl_page_fetched(const crawl_page_t *p);

/* The URL of the item as it was claimed (before redirects; borrowed). */
const char *crawl_page_url(const crawl_page_t *p);

/* The URL the page was finally read from: after redirects, else crawl_page_url. */
const char *crawl_page_final_url(const crawl_page_t *p);

/* The options of the page's job (borrowed). */
const crawl_opts_t *crawl_page_opts(const crawl_page_t *p);

/* True when the page's links may be offered: the job is not cancelled, discovers links (not a
 * batch) and does not read its URLs from sitemaps only. */
bool crawl_page_may_discover(const crawl_page_t *p);

/* True when url, linked from this page, is inside the job's scope one hop deeper. */
bool crawl_page_link_in_scope(const crawl_page_t *p, const char *url);

/* Offers links (a JSON array of URL strings, borrowed) found on the page at page_url to the
 * job's frontier, through its scope and known robots.txt policies. At most once per page. */
void crawl_page_discover(crawl_page_t *p, json_t *links, const char *page_url);

/* Records the page as succeeded with the record doc to store (JSON text; the page takes it). */
void crawl_page_succeed(crawl_page_t *p, char *doc);

/* Records the page as failed with e (detail, may be NULL, is added to the message). */
void crawl_page_fail(crawl_page_t *p, cinder_err e, const char *detail);

#endif
