#include "spec/webhook_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static const struct {
    const char *name;
    unsigned bit;
} event_names[] = {
    {"started", WEBHOOK_STARTED},     {"page", WEBHOOK_PAGE},
    {"completed", WEBHOOK_COMPLETED}, {"failed", WEBHOOK_FAILED},
    {"cancelled", WEBHOOK_CANCELLED},
};

#define N_EVENTS (sizeof event_names / sizeof event_names[0])

unsigned webhook_event_bit(const char *name)
{
    for (size_t i = 0; name && i < N_EVENTS; i++)
        if (!strcmp(name, event_names[i].name))
            return event_names[i].bit;
    return 0;
}

void webhook_cfg_cleanup(webhook_cfg_t *w)
{
    free(w->url);
    json_decref(w->headers);
    json_decref(w->metadata);
    memset(w, 0, sizeof *w);
}

json_t *webhook_cfg_to_json(const webhook_cfg_t *w)
{
    if (!w->url)
        return NULL;
    json_t *events = json_array();
    for (size_t i = 0; i < N_EVENTS; i++)
        if (w->events & event_names[i].bit)
            json_array_append_new(events, json_string(event_names[i].name));
    json_t *j = json_pack("{s:s, s:o}", "url", w->url, "events", events);
    if (w->headers)
        json_object_set(j, "headers", w->headers);
    if (w->metadata)
        json_object_set(j, "metadata", w->metadata);
    return j;
}

void webhook_cfg_from_json(json_t *j, webhook_cfg_t *w)
{
    const char *url = json_string_value(json_object_get(j, "url"));
    if (!url)
        return;
    w->url = xstrdup(url);
    json_t *h = json_object_get(j, "headers"), *m = json_object_get(j, "metadata");
    w->headers = json_is_object(h) ? json_incref(h) : NULL;
    w->metadata = json_is_object(m) ? json_incref(m) : NULL;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(j, "events"), i, e) w->events |=
        webhook_event_bit(json_string_value(e));
}

const char *webhook_event_name(unsigned bit)
{
    for (size_t i = 0; i < N_EVENTS; i++)
        if (event_names[i].bit == bit)
            return event_names[i].name;
    return "unknown";
}
