/* Control routes under /_: what the server saw, and a way to forget it. Never counted. */
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "stats.h"
#include "util/mem.h"

/* Sends s (from malloc) as JSON and frees it. */
static enum MHD_Result send_json(site_request *rq, char *s)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return site_send(rq, MHD_HTTP_OK, r);
}

enum MHD_Result route_stats(site_request *rq)
{
    return send_json(rq, stats_json());
}

enum MHD_Result route_log(site_request *rq)
{
    return send_json(rq, stats_log_json());
}

enum MHD_Result route_reset(site_request *rq)
{
    stats_reset();
    return send_json(rq, xstrdup("{\"ok\":true}"));
}
