/*
 * model/items: the item state machine and the limit budget of a job, in C over the store's
 * transaction primitives (store/store_txn.h): which items a job admits, claiming due items,
 * applying page outcomes (with the credits each charges or refunds, and the links each page
 * found), putting in-flight items back after a restart, and re-queuing failed items.
 *
 * An item is pending (admitted, waiting), running (claimed), then succeeded (its document stored
 * and one credit charged), failed (refunded), cancelled (refunded) or skipped (refused before
 * any fetch; it frees its budget slot). A job admits at most `limit` items, so it never fetches
 * or stores more whatever the concurrency. Every function runs one store transaction.
 */
#ifndef CINDER_MODEL_ITEMS_H
#define CINDER_MODEL_ITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_jobs.h"
#include "util/error.h"

/* A URL offered to a job's frontier. Strings are borrowed for the call. */
typedef struct {
    const char *url;         /* absolute URL as discovered */
    const char *key;         /* canonical de-duplication key (unique per job) */
    int depth;               /* discovery hops from the start URL */
    const char *skip_reason; /* NULL: admit (budget permitting); else record as skipped */
} model_item_new_t;

/* The outcome of one item, applied with the links found on its page in one transaction. */
typedef struct {
    int64_t seq;
    item_status status;     /* ITEM_SUCCEEDED, ITEM_FAILED, ITEM_PENDING (retry later; in a
                               cancelled job it is cancelled instead), ITEM_CANCELLED (never
                               fetched: its job was cancelled; refunded) or ITEM_SKIPPED
                               (refused before fetching; frees its budget slot) */
    const char *reason;     /* machine reason for FAILED (http_error, timeout, ...) */
    const char *error;      /* human message for FAILED */
    const char *error_code; /* API error code for FAILED (e.g. SCRAPE_TIMEOUT), or NULL */
    long http_status;
    int64_t not_before_ms; /* ITEM_PENDING: do not claim before this time */
    const char *final_url; /* ITEM_SUCCEEDED after a redirect: the URL reached, and its key; */
    const char *final_key; /* NULL when the page did not redirect */
    const char *doc;       /* ITEM_SUCCEEDED: the document JSON, or with doc_packed the bytes */
    size_t doc_len;        /* store_doc_pack made of it */
    bool doc_packed;
    const model_item_new_t *found; /* links discovered on the page */
    size_t n_found;
    uint8_t *found_held; /* out (may be NULL): n_found flags, set to 1 for each found link whose
                            key the job's items hold once the outcome is applied (recorded now
                            or before); left 0 for links dropped (over the limit, or the job had
                            ended) and when the outcome did not apply */
    const store_event_t *event; /* optional webhook event, written only when the outcome applies
                                   and is ITEM_SUCCEEDED or ITEM_FAILED; else NULL */
} model_item_result_t;

/* Offers items to a job's frontier. Each new key is recorded once (a key seen before is
 * ignored); items without skip_reason are admitted as pending while the job has admitted fewer
 * than limit items (limit < 0: no limit), the rest are dropped. Items with a skip_reason are
 * recorded as skipped and never count toward the limit. Nothing is admitted to a job that has
 * ended. *admitted (may be NULL) receives how many were admitted. */
CINDER_MUST_CHECK cinder_err model_items_add(store_t *st, const char *job_id,
                                             const model_item_new_t *items, size_t n, int64_t limit,
                                             int64_t now_ms, size_t *admitted);

/* Claims up to max pending items due at now_ms (in admission order), marking them running and
 * counting the attempt. Fills out[0..*n); each url is owned (store_item_cleanup). */
CINDER_MUST_CHECK cinder_err model_items_claim(store_t *st, const char *job_id, size_t max,
                                               int64_t now_ms, store_item_t *out, size_t *n);

/* Applies n item outcomes in one transaction (group commit): a succeeded item's document gets
 * the next position in the job's finish order and is charged; failed and cancelled items are
 * refunded; ITEM_PENDING puts the item back for a retry; links found are offered as by
 * model_items_add under limit. A redirect target's key is locked: a pending item with that key
 * is dropped (freeing its budget), and when a document for that key already exists this page is
 * recorded as a skipped "duplicate". Outcomes for items that are no longer running (e.g.
 * cancelled) are ignored. CINDER_E_NOT_FOUND when the job was deleted. */
CINDER_MUST_CHECK cinder_err model_items_finish(store_t *st, const char *job_id,
                                                const model_item_result_t *res, size_t n,
                                                int64_t limit, int64_t now_ms);

/* After a restart: puts every running item of every job back to pending (in-flight work is
 * re-run). *reset (may be NULL) receives how many. */
CINDER_MUST_CHECK cinder_err model_items_recover(store_t *st, int64_t *reset);

/* Puts a job's failed items back to pending (attempts reset), reserves a credit for each and
 * reopens the job (status running): *n receives how many. CINDER_E_NO_CREDITS when the balance
 * cannot cover them, CINDER_E_ALREADY_TERMINAL for a cancelled job, CINDER_E_NOT_FOUND /
 * CINDER_E_EXPIRED as store_job_get. Nothing changes on error; *n = 0 (and OK) when none
 * failed. */
CINDER_MUST_CHECK cinder_err model_items_retry(store_t *st, const char *job_id, int64_t now_ms,
                                               int64_t *n);

#endif
