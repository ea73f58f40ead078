/* trieve: Trieve's dataset crawl API (/api/crawl) over the shared job engine. */
#include <jansson.h>

#include "api/errmap.h"
#include "api/router.h"

/* Trieve's envelope: {"message": ...}. */
void trieve_error(api_req_t *r, cinder_err e, const char *detail)
{
    const errmap_entry_t *m = errmap_get(e);
    char msg[1024];
    errmap_message(e, detail, msg, sizeof msg);
    api_reply_json(r, m->status, json_pack("{s:s}", "message", msg));
}

const api_route_t trieve_routes[] = {
    {NULL, NULL, NULL},
};
