#include "jobs/webhook_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/items.h"
#include "util/mem.h"
#include "util/uuid.h"

static bool is_final(unsigned kind)
{
    return kind == WEBHOOK_COMPLETED || kind == WEBHOOK_FAILED || kind == WEBHOOK_CANCELLED;
}

/* A JSON string of s; text that is not valid UTF-8 is replaced by a note. */
static json_t *text(const char *s)
{
    json_t *j = json_string(s);
    return j ? j : json_string("(text that is not valid UTF-8)");
}

webhook_event_t *webhook_event_new(const webhook_cfg_t *w, unsigned kind, bool batch,
                                   const char *job_id, bool success, const char *error,
                                   json_t *data)
{
    if (!w->url || !(w->events & kind)) {
        json_decref(data);
        return NULL;
    }
    char type[48], id[UUID_STR_LEN];
    snprintf(type, sizeof type, "%s.%s", batch ? "batch_scrape" : "crawl",
             webhook_event_name(kind));
    uuid_generate_v4(id);
    json_t *body = json_object();
    json_object_set_new(body, "success", json_boolean(success));
    json_object_set_new(body, "type", json_string(type));
    json_object_set_new(body, "id", json_string(job_id));
    json_object_set_new(body, "webhookId", json_string(id));
    json_object_set_new(body, "data", data ? data : json_array());
    json_object_set_new(body, "metadata", w->metadata ? json_incref(w->metadata) : json_object());
    if (error)
        json_object_set_new(body, "error", text(error));
    webhook_event_t *e = xcalloc(1, sizeof *e);
    e->body = json_dumps(body, JSON_COMPACT);
    e->headers = w->headers ? json_dumps(w->headers, JSON_COMPACT) : NULL;
    json_decref(body);
    e->ev = (store_event_t){w->url, e->headers, e->body, is_final(kind)};
    return e;
}

webhook_event_t *webhook_event_item(const webhook_cfg_t *w, bool batch, const char *job_id,
                                    const char *url, const model_item_result_t *res)
{
    if (res->status == ITEM_SUCCEEDED)
        return webhook_event_new(w, WEBHOOK_PAGE, batch, job_id, true, NULL, NULL);
    if (res->status != ITEM_FAILED || !w->url || !(w->events & WEBHOOK_PAGE))
        return NULL;
    const char *error = res->error ? res->error : "failed";
    json_t *item = json_object();
    json_object_set_new(item, "url", text(url));
    json_object_set_new(item, "error", text(error));
    if (res->reason)
        json_object_set_new(item, "reason", text(res->reason));
    if (res->http_status > 0)
        json_object_set_new(item, "statusCode", json_integer(res->http_status));
    json_t *data = json_array();
    json_array_append_new(data, item);
    return webhook_event_new(w, WEBHOOK_PAGE, batch, job_id, false, error, data);
}

webhook_event_t *webhook_event_end(const webhook_cfg_t *w, bool batch, const char *job_id,
                                   job_status status, const char *error)
{
    unsigned kind = status == JOB_FAILED      ? WEBHOOK_FAILED
                    : status == JOB_CANCELLED ? WEBHOOK_CANCELLED
                                              : WEBHOOK_COMPLETED;
    return webhook_event_new(w, kind, batch, job_id, kind != WEBHOOK_FAILED, error, NULL);
}

void webhook_event_free(webhook_event_t *e)
{
    if (!e)
        return;
    free(e->body);
    free(e->headers);
    free(e);
}
