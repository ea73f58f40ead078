/*
 * store_outbox: the webhook outbox (store/sqlite_outbox.c for SQLite). Events are written with the
 * changes they report (store_event_t, store/store.h); they leave the outbox when delivered, given
 * up, or their job expires.
 */
#ifndef CINDER_STORE_STORE_OUTBOX_H
#define CINDER_STORE_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

/* An outbox event due for delivery; strings owned (store_outbox_free). */
typedef struct {
    int64_t id; /* outbox position (increasing) */
    char job_id[40];
    char *url, *headers, *body;
    char *doc;    /* the document of a succeeded item's event, or NULL */
    int attempts; /* deliveries tried before */
} store_outbox_t;

/* Hands out up to max events due at now_ms: per job only its oldest remaining event (so a job's
 * events go out one at a time, in order), the final event last and only once none of the job's
 * items runs. Oldest due first. *out is a heap array (store_outbox_free). */
CINDER_MUST_CHECK cinder_err store_outbox_due(store_t *st, int64_t now_ms, size_t max,
                                              store_outbox_t **out, size_t *n);

/* Counts a failed delivery of event id and makes it due again at next_ms. */
CINDER_MUST_CHECK cinder_err store_outbox_retry(store_t *st, int64_t id, int64_t next_ms);

/* Removes event id (delivered, or given up). */
CINDER_MUST_CHECK cinder_err store_outbox_delete(store_t *st, int64_t id);

/* Frees an array from store_outbox_due. Accepts NULL. */
void store_outbox_free(store_outbox_t *ev, size_t n);

/* The outbox operations a backend provides. impl is the backend's own handle. */
struct store_outbox_ops {
    cinder_err (*outbox_due)(void *impl, int64_t now_ms, size_t max, store_outbox_t **out,
                             size_t *n);
    cinder_err (*outbox_retry)(void *impl, int64_t id, int64_t next_ms);
    cinder_err (*outbox_delete)(void *impl, int64_t id);
};

#endif
