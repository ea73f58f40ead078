/*
 * store: everything durable goes through this interface, split by concept: store_jobs.h (jobs,
 * items, documents), store_accounts.h (teams, keys, credits), store_outbox.h (webhook events),
 * store_trieve.h (Trieve's tables). A backend fills `struct store_ops` (store/store_backend.h);
 * nothing outside src/store/ may assume which one is in use. All functions are safe to call from
 * any thread. This header holds the handle and the types every concept shares.
 */
#ifndef CINDER_STORE_STORE_H
#define CINDER_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct store store_t;

typedef enum {
    JOB_KIND_SCRAPE = 1,
    JOB_KIND_CRAWL,
    JOB_KIND_BATCH,
    JOB_KIND_DISCOVER, /* a document-discovery crawl (Skop): not served by the Firecrawl routes */
} job_kind;

typedef enum {
    JOB_QUEUED = 0,
    JOB_RUNNING,
    JOB_COMPLETED,
    JOB_FAILED,
    JOB_CANCELLED,
} job_status;

/* Item states (DESIGN.md §1). Every FAILED or SKIPPED item carries a reason code. */
typedef enum {
    ITEM_PENDING = 0,
    ITEM_RUNNING,
    ITEM_SUCCEEDED,
    ITEM_FAILED,
    ITEM_CANCELLED,
    ITEM_SKIPPED,
} item_status;

/* A webhook event for the outbox, written in the same transaction as the change it reports
 * (job_create, items_finish, job_finish, job_cancel). Strings are borrowed for the call. */
typedef struct {
    const char *url;     /* the receiver */
    const char *headers; /* JSON object of extra request headers, or NULL */
    const char *body;    /* the JSON body; for a succeeded item, the store hands the item's
                            document out with it (store_outbox_t.doc) */
    bool final;          /* the job's last event: handed out after every other event of the job,
                            and only once none of the job's items is running */
} store_event_t;

/* Opens the store described by spec: a data directory (SQLite file cinder.db inside it,
 * created if needed) or "sqlite:PATH-TO-DIR". *out is freed with store_close. */
CINDER_MUST_CHECK cinder_err store_open(const char *spec, store_t **out);

/* Closes the store. Accepts NULL. */
void store_close(store_t *st);

/* The backend's name ("sqlite"). */
const char *store_backend(const store_t *st);

/* Status names used in storage and logs ("queued", "running", ...). Static strings. */
const char *job_status_name(job_status s);

/* Item status names ("pending", "running", ...). Static strings. */
const char *item_status_name(item_status s);

#endif
