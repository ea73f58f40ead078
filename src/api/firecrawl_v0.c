/* Firecrawl v0 routes (legacy shapes: `content`, `pageStatusCode`, `{error}` envelopes). */
#include "api/firecrawl.h"
#include "api/router.h"

static void v0_scrape(api_req_t *r)
{
    fc_scrape(r, 0);
}

const api_route_t firecrawl_v0_routes[] = {
    {"POST", "/v0/scrape", v0_scrape},
    {NULL, NULL, NULL},
};
