/*
 * webhook_event: a job's webhook (receiver, extra headers, metadata, subscribed events) as it is
 * persisted in the job's options, and the events it produces, ready for the store's outbox.
 *
 * Body of every event (Firecrawl's v1 shape plus a webhookId for de-duplication):
 *   {"success", "type": "<crawl|batch_scrape>.<started|page|completed|failed|cancelled>",
 *    "id": job id, "webhookId": uuid, "data": [...], "metadata": {...}, "error"?}
 * A succeeded page's event gets its document in data when the outbox hands it out; a failed
 * page's event has success false, an error, and data [{url, error, reason, statusCode}].
 */
#ifndef CINDER_JOBS_WEBHOOK_EVENT_H
#define CINDER_JOBS_WEBHOOK_EVENT_H

#include <stdbool.h>

#include <jansson.h>

#include "model/items.h"
#include "spec/webhook_cfg.h"
#include "store/store_jobs.h"

/* An event ready for the outbox; ev points into the strings, which the event owns. */
typedef struct {
    store_event_t ev;
    char *body, *headers;
} webhook_event_t;

/* Event kind (one WEBHOOK_* bit) of a job (batch: a batch scrape, else a crawl), with data
 * (stolen; NULL: empty) and error (NULL: none). NULL when w has no receiver or does not
 * subscribe to kind. Completed, failed and cancelled events are final. Free with
 * webhook_event_free. */
webhook_event_t *webhook_event_new(const webhook_cfg_t *w, unsigned kind, bool batch,
                                   const char *job_id, bool success, const char *error,
                                   json_t *data);

/* The page event of the outcome res of the item at url: for a succeeded item (its document is
 * added by the outbox) or a failed one; NULL for other outcomes or when not subscribed. */
webhook_event_t *webhook_event_item(const webhook_cfg_t *w, bool batch, const char *job_id,
                                    const char *url, const model_item_result_t *res);

/* The final event of a job ending with status (completed, failed or cancelled); error may be
 * NULL. NULL when not subscribed. */
webhook_event_t *webhook_event_end(const webhook_cfg_t *w, bool batch, const char *job_id,
                                   job_status status, const char *error);

/* Frees an event. Accepts NULL. */
void webhook_event_free(webhook_event_t *e);

#endif
