/*
 * page_ctx: a fetched page as a job kind's page processor sees it, whoever runs the page (the
 * crawler's scheduler today). A processor reads the fetch result and records exactly one outcome:
 * a stored record (page_succeed) or a failure (page_fail); it may offer links to the job's
 * frontier. The runner implements the operations (page_ops_t) and owns the page and what it
 * holds; a processor calls them on a worker thread, for the page it was handed only.
 */
#ifndef CINDER_PAGE_PAGE_CTX_H
#define CINDER_PAGE_PAGE_CTX_H

#include <stdbool.h>

#include <jansson.h>

#include "fetch/fetcher.h"
#include "spec/crawl_opts.h"
#include "util/error.h"

typedef struct page_ctx page_ctx_t;

/* What the runner of a page provides. */
typedef struct {
    const fetch_result_t *(*fetched)(const page_ctx_t *p);
    const char *(*url)(const page_ctx_t *p);
    const char *(*final_url)(const page_ctx_t *p);
    const crawl_opts_t *(*opts)(const page_ctx_t *p);
    bool (*may_discover)(const page_ctx_t *p);
    bool (*link_in_scope)(const page_ctx_t *p, const char *url);
    void (*discover)(page_ctx_t *p, json_t *links);
    void (*succeed)(page_ctx_t *p, char *doc);
    void (*fail)(page_ctx_t *p, cinder_err e, const char *detail);
} page_ops_t;

/* The head of every page a runner hands out (its first member). */
struct page_ctx {
    const page_ops_t *ops;
};

/* The fetch result of the page (borrowed). */
const fetch_result_t *page_fetched(const page_ctx_t *p);

/* The URL of the item as it was claimed (before redirects; borrowed). */
const char *page_url(const page_ctx_t *p);

/* The URL the page was finally read from: after redirects, else page_url. */
const char *page_final_url(const page_ctx_t *p);

/* The options of the page's job (borrowed). */
const crawl_opts_t *page_opts(const page_ctx_t *p);

/* True when the page's links may be offered: the job is not cancelled, discovers links (not a
 * batch) and does not read its URLs from sitemaps only. */
bool page_may_discover(const page_ctx_t *p);

/* True when url, linked from this page, is inside the job's scope one hop deeper. */
bool page_link_in_scope(const page_ctx_t *p, const char *url);

/* Offers links (a JSON array of URL strings, borrowed) found on the page to the job's frontier,
 * through its scope and known robots.txt policies. At most once per page. */
void page_discover(page_ctx_t *p, json_t *links);

/* Records the page as succeeded with the record doc to store (JSON text, or NULL for an empty
 * one; the page takes it). */
void page_succeed(page_ctx_t *p, char *doc);

/* Records the page as failed with e (detail, may be NULL, is added to the message). */
void page_fail(page_ctx_t *p, cinder_err e, const char *detail);

#endif
