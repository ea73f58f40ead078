/* Control routes under /_: what the server saw, and a way to forget it. Never counted.
 * (/_robots lives in routes_robots.c.) */
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

/* /_stats[?prefix=P | ?host=H] */
enum MHD_Result route_stats(site_request *rq)
{
    const char *host = site_query(rq, "host");
    if (host)
        return send_json(rq, stats_host_json(host));
    return send_json(rq, stats_json(site_query(rq, "prefix")));
}

/* /_log[?prefix=P][&host=H][&since=MS] */
enum MHD_Result route_log(site_request *rq)
{
    const char *since = site_query(rq, "since");
    char *end = NULL;
    double ms = since ? strtod(since, &end) : -1.0;
    if (since && (end == since || *end != '\0'))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "since must be a number of ms.");
    return send_json(rq, stats_log_json(site_query(rq, "prefix"), site_query(rq, "host"), ms));
}

enum MHD_Result route_reset(site_request *rq)
{
    stats_reset();
    return send_json(rq, xstrdup("{\"ok\":true}"));
}
