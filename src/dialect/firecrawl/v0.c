/* Firecrawl v0 routes (legacy shapes: `content`, `pageStatusCode`, `{error}` envelopes). */
#include "dialect/firecrawl/firecrawl.h"
#include "api/router.h"

FC_VERSIONED(v0_scrape, fc_scrape, 0)
FC_VERSIONED(v0_crawl_cancel, fc_crawl_cancel, 0)
FC_VERSIONED(v0_missing, fc_not_implemented, 0)

const api_route_t firecrawl_v0_routes[] = {
    {"POST", "/v0/scrape", v0_scrape},
    {"POST", "/v0/crawl", fc_v0_crawl_create},
    {"GET", "/v0/crawl/status/:id", fc_v0_crawl_status},
    {"DELETE", "/v0/crawl/cancel/:id", v0_crawl_cancel},
    {"POST", "/v0/search", v0_missing},
    {NULL, NULL, NULL},
};

void fc_v0_error(api_req_t *r, cinder_err e, const char *detail)
{
    fc_reply_error(r, 0, e, detail);
}
