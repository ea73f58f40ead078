/* Health and root routes (no auth, no store access). */
#include "api/router.h"
#include "version.h"

static void health_ok(api_req_t *r)
{
    api_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static void root(api_req_t *r)
{
    api_reply_json(r, 200,
                   json_pack("{s:s, s:s, s:s}", "message", "Firecrawl API", "documentation_url",
                             "https://docs.firecrawl.dev", "server", "cinder " CINDER_VERSION));
}

const api_route_t health_routes[] = {
    {"GET", "/", root},
    {"GET", "/health", health_ok},
    {"GET", "/v0/health/liveness", health_ok},
    {"GET", "/v0/health/readiness", health_ok},
    {NULL, NULL, NULL},
};
