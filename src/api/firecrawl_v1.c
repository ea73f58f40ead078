/* Firecrawl v1 routes. */
#include "api/firecrawl.h"
#include "api/router.h"

static void v1_scrape(api_req_t *r)
{
    fc_scrape(r, 1);
}

static void v1_scrape_get(api_req_t *r)
{
    fc_scrape_get(r, 1);
}

static void v1_crawl(api_req_t *r)
{
    fc_crawl_create(r, 1);
}

static void v1_crawl_status(api_req_t *r)
{
    fc_crawl_status(r, 1);
}

static void v1_crawl_cancel(api_req_t *r)
{
    fc_crawl_cancel(r, 1);
}

static void v1_crawl_errors(api_req_t *r)
{
    fc_crawl_errors(r, 1);
}

static void v1_crawl_ongoing(api_req_t *r)
{
    fc_crawl_ongoing(r, 1);
}

const api_route_t firecrawl_v1_routes[] = {
    {"POST", "/v1/scrape", v1_scrape},
    {"GET", "/v1/scrape/:id", v1_scrape_get},
    {"POST", "/v1/crawl", v1_crawl},
    {"GET", "/v1/crawl/ongoing", v1_crawl_ongoing},
    {"GET", "/v1/crawl/active", v1_crawl_ongoing},
    {"GET", "/v1/crawl/:id", v1_crawl_status},
    {"DELETE", "/v1/crawl/:id", v1_crawl_cancel},
    {"GET", "/v1/crawl/:id/errors", v1_crawl_errors},
    /* the v1 JS SDK (4.42) sends checkCrawlErrors as a DELETE: answered like the GET, read-only */
    {"DELETE", "/v1/crawl/:id/errors", v1_crawl_errors},
    {NULL, NULL, NULL},
};
