/* Firecrawl v2 routes (formats as strings or {type} objects, v2 defaults). */
#include "api/firecrawl.h"
#include "api/router.h"

static void v2_scrape(api_req_t *r)
{
    fc_scrape(r, 2);
}

static void v2_scrape_get(api_req_t *r)
{
    fc_scrape_get(r, 2);
}

static void v2_crawl(api_req_t *r)
{
    fc_crawl_create(r, 2);
}

static void v2_crawl_status(api_req_t *r)
{
    fc_crawl_status(r, 2);
}

static void v2_crawl_cancel(api_req_t *r)
{
    fc_crawl_cancel(r, 2);
}

static void v2_crawl_errors(api_req_t *r)
{
    fc_crawl_errors(r, 2);
}

static void v2_crawl_ongoing(api_req_t *r)
{
    fc_crawl_ongoing(r, 2);
}

const api_route_t firecrawl_v2_routes[] = {
    {"POST", "/v2/scrape", v2_scrape},
    {"GET", "/v2/scrape/:id", v2_scrape_get},
    {"POST", "/v2/crawl", v2_crawl},
    {"GET", "/v2/crawl/ongoing", v2_crawl_ongoing},
    {"GET", "/v2/crawl/active", v2_crawl_ongoing},
    {"GET", "/v2/crawl/:id", v2_crawl_status},
    {"DELETE", "/v2/crawl/:id", v2_crawl_cancel},
    {"GET", "/v2/crawl/:id/errors", v2_crawl_errors},
    {NULL, NULL, NULL},
};
