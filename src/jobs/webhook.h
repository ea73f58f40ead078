/*
 * webhook: delivers the events of the store's outbox to their receivers. One thread with its own
 * libcurl multi handle (never the crawl fetcher's) POSTs each due event as application/json (10 s
 * timeout), several jobs at once but one event at a time per job, so a job's events arrive in
 * order and a slow or failing receiver delays only its own job's later events. A 2xx answer
 * removes the event; anything else is retried with exponential backoff (base, 2 base, 4 base, ...)
 * until max_attempts, then the event is dropped and logged. A receiver that resolves to a
 * private, loopback or link-local address is refused (the event is dropped) unless allowed.
 * Delivery is at least once: the body's webhookId identifies an event for de-duplication.
 */
#ifndef CINDER_JOBS_WEBHOOK_H
#define CINDER_JOBS_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_outbox.h"
#include "util/error.h"

typedef struct {
    bool allow_private;     /* receivers on private, loopback and link-local addresses allowed */
    const char *secret;     /* key of the X-Firecrawl-Signature HMAC; NULL or "": no signature */
    int64_t retry_base_ms;  /* delay before the first retry (doubles each time); <= 0: 1 s */
    int max_attempts;       /* deliveries tried before giving up; <= 0: 8 */
    const char *user_agent; /* may be NULL */
} webhook_config_t;

typedef struct webhook webhook_t;

/* Starts the delivery thread over st (borrowed; it must outlive the webhook); cfg is copied.
 * Free with webhook_free. */
CINDER_MUST_CHECK cinder_err webhook_new(store_t *st, const webhook_config_t *cfg, webhook_t **out);

/* Stops the thread; deliveries in flight are abandoned (their events stay in the outbox and go
 * out again after a restart). Accepts NULL. */
void webhook_free(webhook_t *w);

/* The X-Firecrawl-Signature value of body under secret: "sha256=" and the hex HMAC-SHA256 of
 * the bytes, into out. */
void webhook_sign(const char *secret, const char *body, size_t len, char out[72]);

#endif
