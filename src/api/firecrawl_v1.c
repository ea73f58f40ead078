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

const api_route_t firecrawl_v1_routes[] = {
    {"POST", "/v1/scrape", v1_scrape},
    {"GET", "/v1/scrape/:id", v1_scrape_get},
    {NULL, NULL, NULL},
};
