/* Firecrawl v1 routes. */
#include "dialect/firecrawl/firecrawl.h"
#include "api/router.h"

FC_VERSIONED(v1_scrape, fc_scrape, 1)
FC_VERSIONED(v1_scrape_get, fc_scrape_get, 1)
FC_VERSIONED(v1_credit_usage, fc_credit_usage, 1)
FC_VERSIONED(v1_token_usage, fc_token_usage, 1)
FC_VERSIONED(v1_concurrency, fc_concurrency_check, 1)
FC_VERSIONED(v1_crawl, fc_crawl_create, 1)
FC_VERSIONED(v1_crawl_status, fc_crawl_status, 1)
FC_VERSIONED(v1_crawl_cancel, fc_crawl_cancel, 1)
FC_VERSIONED(v1_crawl_errors, fc_crawl_errors, 1)
FC_VERSIONED(v1_crawl_ongoing, fc_crawl_ongoing, 1)
FC_VERSIONED(v1_batch, fc_batch_create, 1)
FC_VERSIONED(v1_batch_status, fc_batch_status, 1)
FC_VERSIONED(v1_missing, fc_not_implemented, 1)

const api_route_t firecrawl_v1_routes[] = {
    {"POST", "/v1/scrape", v1_scrape},
    {"GET", "/v1/team/credit-usage", v1_credit_usage},
    {"GET", "/v1/team/token-usage", v1_token_usage},
    {"GET", "/v1/concurrency-check", v1_concurrency},
    {"GET", "/v1/scrape/:id", v1_scrape_get},
    {"POST", "/v1/crawl", v1_crawl},
    {"GET", "/v1/crawl/ongoing", v1_crawl_ongoing},
    {"GET", "/v1/crawl/active", v1_crawl_ongoing},
    {"GET", "/v1/crawl/:id", v1_crawl_status},
    {"DELETE", "/v1/crawl/:id", v1_crawl_cancel},
    {"GET", "/v1/crawl/:id/errors", v1_crawl_errors},
    /* the v1 JS SDK (4.42) sends checkCrawlErrors as a DELETE: answered like the GET, read-only */
    {"DELETE", "/v1/crawl/:id/errors", v1_crawl_errors},
    {"POST", "/v1/batch/scrape", v1_batch},
    {"GET", "/v1/batch/scrape/:id", v1_batch_status},
    {"DELETE", "/v1/batch/scrape/:id", v1_crawl_cancel},
    {"GET", "/v1/batch/scrape/:id/errors", v1_crawl_errors},
    /* checkBatchScrapeErrors of the v1 SDK sends a DELETE too: answered like the GET */
    {"DELETE", "/v1/batch/scrape/:id/errors", v1_crawl_errors},
    {"POST", "/v1/map", v1_missing},
    {"POST", "/v1/search", v1_missing},
    {"POST", "/v1/x402/search", v1_missing},
    {"POST", "/v1/extract", v1_missing},
    {"GET", "/v1/extract/:id", v1_missing},
    {"POST", "/v1/llmstxt", v1_missing},
    {"GET", "/v1/llmstxt/:id", v1_missing},
    {"POST", "/v1/deep-research", v1_missing},
    {"GET", "/v1/deep-research/:id", v1_missing},
    {NULL, NULL, NULL},
};

void fc_v1_error(api_req_t *r, cinder_err e, const char *detail)
{
    fc_reply_error(r, 1, e, detail);
}
