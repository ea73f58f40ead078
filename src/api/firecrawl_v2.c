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

const api_route_t firecrawl_v2_routes[] = {
    {"POST", "/v2/scrape", v2_scrape},
    {"GET", "/v2/scrape/:id", v2_scrape_get},
    {NULL, NULL, NULL},
};
