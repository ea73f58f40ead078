/* skop: Skop's document-discovery API (/scrape/) over the shared job engine. */
#include <jansson.h>

#include "api/errmap.h"
#include "api/router.h"
#include "util/clock.h"

/* Skop's envelope: {"error":true,"message","status_code","path","timestamp"}. */
void skop_error(api_req_t *r, cinder_err e, const char *detail)
{
    const errmap_entry_t *m = errmap_get(e);
    char msg[1024], iso[40];
    errmap_message(e, detail, msg, sizeof msg);
    clock_iso8601(clock_wall_ms(), iso, sizeof iso);
    api_reply_json(r, m->status,
                   json_pack("{s:b, s:s, s:i, s:s, s:s}", "error", 1, "message", msg, "status_code",
                             (int)m->status, "path", api_path(r), "timestamp", iso));
}

const api_route_t skop_routes[] = {
    {NULL, NULL, NULL},
};
