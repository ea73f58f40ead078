/*
 * webhook_cfg: a job's webhook as the client asked for it (receiver, extra headers, metadata,
 * subscribed events) and its persisted JSON form. Plain data; jobs/webhook_event.h builds the
 * events from it.
 */
#ifndef CINDER_SPEC_WEBHOOK_CFG_H
#define CINDER_SPEC_WEBHOOK_CFG_H

#include <jansson.h>

/* The events a webhook subscribes to (bits). */
#define WEBHOOK_STARTED   (1u << 0)
#define WEBHOOK_PAGE      (1u << 1)
#define WEBHOOK_COMPLETED (1u << 2)
#define WEBHOOK_FAILED    (1u << 3)
#define WEBHOOK_CANCELLED (1u << 4)
#define WEBHOOK_ALL       0x1fu

typedef struct {
    char *url;        /* the receiver; NULL: the job has no webhook */
    json_t *headers;  /* object of string values sent with every event, or NULL */
    json_t *metadata; /* object echoed in every event, or NULL */
    unsigned events;  /* WEBHOOK_* bits */
} webhook_cfg_t;

/* The bit of an event name ("started", "page", "completed", "failed", "cancelled"); 0 when
 * unknown. */
unsigned webhook_event_bit(const char *name);

/* Frees what w owns and zeroes it. */
void webhook_cfg_cleanup(webhook_cfg_t *w);

/* The configuration as JSON {url, headers, metadata, events:[names]}; NULL when w has no
 * receiver. Caller owns the reference. */
json_t *webhook_cfg_to_json(const webhook_cfg_t *w);

/* Reads what webhook_cfg_to_json wrote (j may be NULL: no webhook) into w (zeroed by the
 * caller). */
void webhook_cfg_from_json(json_t *j, webhook_cfg_t *w);

/* The name of one WEBHOOK_* bit ("started", ...; "unknown" otherwise). Static string. */
const char *webhook_event_name(unsigned bit);

#endif
