/* Firecrawl v2 routes (formats as strings or {type} objects, v2 defaults). */
#include "dialect/firecrawl/firecrawl.h"
#include "api/router.h"

FC_VERSIONED(v2_scrape, fc_scrape, 2)
FC_VERSIONED(v2_scrape_get, fc_scrape_get, 2)
FC_VERSIONED(v2_credit_usage, fc_credit_usage, 2)
FC_VERSIONED(v2_token_usage, fc_token_usage, 2)
FC_VERSIONED(v2_concurrency, fc_concurrency_check, 2)
FC_VERSIONED(v2_crawl, fc_crawl_create, 2)
FC_VERSIONED(v2_crawl_status, fc_crawl_status, 2)
FC_VERSIONED(v2_crawl_cancel, fc_crawl_cancel, 2)
FC_VERSIONED(v2_crawl_errors, fc_crawl_errors, 2)
FC_VERSIONED(v2_crawl_ongoing, fc_crawl_ongoing, 2)
FC_VERSIONED(v2_batch, fc_batch_create, 2)
FC_VERSIONED(v2_batch_status, fc_batch_status, 2)
FC_VERSIONED(v2_missing, fc_not_implemented, 2)

const api_route_t firecrawl_v2_routes[] = {
    {"POST", "/v2/scrape", v2_scrape},
    {"GET", "/v2/team/credit-usage", v2_credit_usage},
    {"GET", "/v2/team/token-usage", v2_token_usage},
    {"GET", "/v2/concurrency-check", v2_concurrency},
    {"GET", "/v2/scrape/:id", v2_scrape_get},
    {"POST", "/v2/crawl", v2_crawl},
    {"GET", "/v2/crawl/ongoing", v2_crawl_ongoing},
    {"GET", "/v2/crawl/active", v2_crawl_ongoing},
    {"GET", "/v2/crawl/:id", v2_crawl_status},
    {"DELETE", "/v2/crawl/:id", v2_crawl_cancel},
    {"GET", "/v2/crawl/:id/errors", v2_crawl_errors},
    {"POST", "/v2/batch/scrape", v2_batch},
    {"GET", "/v2/batch/scrape/:id", v2_batch_status},
    {"DELETE", "/v2/batch/scrape/:id", v2_crawl_cancel},
    {"GET", "/v2/batch/scrape/:id/errors", v2_crawl_errors},
    {"POST", "/v2/map", v2_missing},
    {"POST", "/v2/search", v2_missing},
    {"POST", "/v2/extract", v2_missing},
    {"GET", "/v2/extract/:id", v2_missing},
    {"POST", "/v2/agent", v2_missing},
    {"GET", "/v2/agent/:id", v2_missing},
    {"DELETE", "/v2/agent/:id", v2_missing},
    {"POST", "/v2/crawl/params-preview", v2_missing},
    {NULL, NULL, NULL},
};

void fc_v2_error(api_req_t *r, cinder_err e, const char *detail)
{
    fc_reply_error(r, 2, e, detail);
}
