/* Health and root routes (no auth, no store access). */
#include "api/http.h"
#include "api/router.h"
#include "version.h"

static void health_ok(api_req_t *r)
{
    api_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* Firecrawl's root answer, exactly; the server's name goes in a header. */
static void root(api_req_t *r)
{
    api_add_header(r, "Server", "cinder/" CINDER_VERSION);
    api_reply_json(r, 200,
                   json_pack("{s:s, s:s}", "message", "Firecrawl API", "documentation_url",
                             "https://docs.firecrawl.dev"));
}

const api_route_t health_routes[] = {
    {"GET", "/", root},
    {"GET", "/health", health_ok},
    {"GET", "/v0/health/liveness", health_ok},
    {"GET", "/v0/health/readiness", health_ok},
    {NULL, NULL, NULL},
};
