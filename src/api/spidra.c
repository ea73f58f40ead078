/* spidra: Spidra's batch-scrape API (/api/batch/scrape) over the shared job engine. */
#include <jansson.h>

#include "api/errmap.h"
#include "api/router.h"

/* Spidra's envelope: {"status":"error","message":...,"code":...}. A missing key is 401 and an
 * invalid one 403 (the error table's statuses). */
void spidra_error(api_req_t *r, cinder_err e, const char *detail)
{
    const errmap_entry_t *m = errmap_get(e);
    char msg[1024];
    errmap_message(e, detail, msg, sizeof msg);
    json_t *b = json_pack("{s:s, s:s}", "status", "error", "message", msg);
    json_object_set_new(b, "code", json_string(m->code ? m->code : "NOT_FOUND"));
    api_reply_json(r, m->status, b);
}

const api_route_t spidra_routes[] = {
    {NULL, NULL, NULL},
};
