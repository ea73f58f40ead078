/*
 * store_jobs: jobs, their items (the frontier and each item's outcome) and their documents, in
 * the store. Strings inside records returned are heap copies owned by the record.
 */
#ifndef CINDER_STORE_STORE_JOBS_H
#define CINDER_STORE_STORE_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

/* A URL offered to a job's frontier. Strings are borrowed for the call. */
typedef struct {
    const char *url;         /* absolute URL as discovered */
    const char *key;         /* canonical de-duplication key (unique per job) */
    int depth;               /* discovery hops from the start URL */
    const char *skip_reason; /* NULL: admit (budget permitting); else record as skipped */
} store_item_new_t;

/* A claimed item; url is owned by the record (store_item_cleanup). */
typedef struct {
    int64_t seq;
    char *url;
    int depth;
    int attempts; /* fetches already made for this item (retries) */
} store_item_t;

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
    const store_item_new_t *found; /* links discovered on the page */
    size_t n_found;
    const store_event_t *event; /* optional webhook event, written only when the outcome applies
                                   and is ITEM_SUCCEEDED or ITEM_FAILED; else NULL */
} store_item_result_t;

/* One failed or skipped item, for the errors endpoint; strings owned (store_item_error_cleanup). */
typedef struct {
    int64_t seq;
    item_status status;
    char *url, *reason, *error, *error_code;
    int64_t finished_ms;
} store_item_error_t;

/* One item of a job with its outcome, for per-item listings; strings owned
 * (store_item_infos_free). doc is the item's document JSON when asked for and stored. */
typedef struct {
    int64_t seq;
    item_status status;
    char *url, *reason, *error, *error_code;
    long http_status;
    int attempts;
    int64_t created_ms, finished_ms;
    char *doc;
} store_item_info_t;

/* One job record. */
typedef struct {
    char id[40];
    job_kind kind;
    job_status status;
    int api_version;     /* 0, 1 or 2: the dialect that created the job */
    int64_t created_ms;  /* wall-clock epoch ms */
    int64_t finished_ms; /* 0 while running */
    int64_t expires_ms;  /* results are readable until then */
    char *url;           /* the URL as requested */
    char *options;       /* JSON text of the normalised options */
    char *error;         /* failure message, or NULL */
    char *error_code;    /* machine code (e.g. "SCRAPE_TIMEOUT"), or NULL */
    int64_t total, completed, failed;
    int64_t admitted;     /* items admitted to the frontier (never more than the job's limit) */
    int64_t cancelled;    /* items cancelled before they ran */
    int64_t cancelled_ms; /* when the job was cancelled, or 0 */
    char team[64];        /* the owning team ("" when the server runs open) */
    /* Credits ledger of the job: reserved when created (store_job_create checks and debits the
     * team's balance), charged per succeeded item, refunded for failed, cancelled and never-run
     * items. Once the job has ended and its items have settled, reserved = charged + refunded. */
    int64_t credits_reserved, credits_charged, credits_refunded;
    /* job_create and job_finish only (borrowed; NULL in records read back): a webhook event
     * written in the same transaction, when the change applies. */
    const store_event_t *event;
} store_job_t;

/* What a cancel did: pending items cancelled, and the credits refunded at once (everything the
 * job reserved except what is charged and what its running items may still be charged). */
typedef struct {
    int64_t cancelled, refunded;
    const store_event_t *event; /* in (borrowed, may be NULL): a webhook event written with the
                                   cancel when it applies */
    const int64_t *unstarted;   /* in (borrowed, may be NULL): running items whose fetch never
                                   started (waiting for robots.txt or a host slot); cancelled
                                   with the pending ones */
    size_t n_unstarted;
} store_cancel_t;

/* Inserts a new job. */
CINDER_MUST_CHECK cinder_err store_job_create(store_t *st, const store_job_t *job);

/* Reads a job by id into *out (caller runs store_job_cleanup). CINDER_E_NOT_FOUND if unknown;
 * CINDER_E_EXPIRED once its expiry time has passed (whether or not store_expire ran). A job never
 * expires while it is queued or running; finishing or cancelling it restarts its TTL. */
CINDER_MUST_CHECK cinder_err store_job_get(store_t *st, const char *id, store_job_t *out);

/* Writes the job's final state (status, finished_ms, error, counters), only while the job is
 * still queued or running (a job cancelled meanwhile stays cancelled: CINDER_E_NOT_FOUND). */
CINDER_MUST_CHECK cinder_err store_job_finish(store_t *st, const store_job_t *job);

/* Stores document seq of a job (JSON text; compressed by the backend when large). */
CINDER_MUST_CHECK cinder_err store_doc_put(store_t *st, const char *job_id, int64_t seq,
                                           const char *json, size_t len);

/* Reads document seq of a job; *json is NUL-terminated, caller frees. */
CINDER_MUST_CHECK cinder_err store_doc_get(store_t *st, const char *job_id, int64_t seq,
                                           char **json, size_t *len);

/* Drops the documents of jobs whose expiry has passed (the job row stays as a tombstone
 * so reads answer "expired"); sets *removed to the number of jobs expired. */
CINDER_MUST_CHECK cinder_err store_expire(store_t *st, int64_t now_ms, int64_t *removed);

/* Frees the strings of a job record and zeroes it. */
void store_job_cleanup(store_job_t *job);

/* Offers items to a job's frontier in one transaction. Each new key is recorded once (a key seen
 * before is ignored); items without skip_reason are admitted as ITEM_PENDING while the job has
 * admitted fewer than limit items (limit < 0: no limit), the rest are dropped. Items with a
 * skip_reason are recorded as ITEM_SKIPPED and never count toward the limit. *admitted (may be
 * NULL) receives how many were admitted. */
CINDER_MUST_CHECK cinder_err store_items_add(store_t *st, const char *job_id,
                                             const store_item_new_t *items, size_t n, int64_t limit,
                                             int64_t now_ms, size_t *admitted);

/* Claims up to max pending items due at now_ms (in admission order), marking them running.
 * Fills out[0..*n); each record's url is owned (store_item_cleanup). */
CINDER_MUST_CHECK cinder_err store_items_claim(store_t *st, const char *job_id, size_t max,
                                               int64_t now_ms, store_item_t *out, size_t *n);

/* Applies n item outcomes in one transaction (group commit): a succeeded item's document gets the
 * next position in the job's finish order; failed items keep their reason; ITEM_PENDING puts the
 * item back for a retry; links found are offered as by store_items_add under limit. A redirect
 * target's key is locked: a pending item with that key is dropped (freeing its budget), and when
 * a document for that key already exists this page is recorded as a skipped "duplicate". Outcomes
 * for items that are no longer running (e.g. cancelled) are ignored, but a document that finished
 * is still kept. CINDER_E_NOT_FOUND when the job was deleted (store_job_delete). */
CINDER_MUST_CHECK cinder_err store_items_finish(store_t *st, const char *job_id,
                                                const store_item_result_t *res, size_t n,
                                                int64_t limit, int64_t now_ms);

/* After a restart: puts every running item of every job back to pending (in-flight work is
 * re-run). *reset (may be NULL) receives how many. */
CINDER_MUST_CHECK cinder_err store_items_recover(store_t *st, int64_t *reset);

/* Cancels a job: status cancelled at once, pending items cancelled, running items left to
 * finish; *out (may be NULL) says what was done. CINDER_E_ALREADY_TERMINAL when the job is
 * already completed, failed or cancelled; CINDER_E_NOT_FOUND / CINDER_E_EXPIRED as job_get. */
CINDER_MUST_CHECK cinder_err store_job_cancel(store_t *st, const char *job_id, int64_t now_ms,
                                              store_cancel_t *out);

/* Reads documents skip.. in finish order: at most limit, stopping before max_bytes of JSON (but
 * always at least one when one exists). *docs is a heap array of heap strings: free each, then
 * the array (store_docs_free). */
CINDER_MUST_CHECK cinder_err store_docs_page(store_t *st, const char *job_id, int64_t skip,
                                             size_t limit, size_t max_bytes, char ***docs,
                                             size_t *n);

/* Encodes a document the way the backend stores it (SQLite: deflated when large), so that the
 * CPU work runs on the caller's thread instead of inside the store's single writer. Thread-safe;
 * any thread. *out is heap memory (free it) to pass as store_item_result_t.doc with doc_packed
 * set. */
CINDER_MUST_CHECK cinder_err store_doc_pack(store_t *st, const char *json, size_t len, char **out,
                                            size_t *out_len);

/* Frees an array from store_docs_page. */
void store_docs_free(char **docs, size_t n);

/* Lists up to max failed and skipped items of a job, oldest first. *out is a heap array; free
 * with store_item_errors_free. */
CINDER_MUST_CHECK cinder_err store_items_errors(store_t *st, const char *job_id, size_t max,
                                                store_item_error_t **out, size_t *n);

/* Frees an array from store_items_errors. Accepts NULL. */
void store_item_errors_free(store_item_error_t *e, size_t n);

/* Frees the url of a claimed item. */
void store_item_cleanup(store_item_t *it);

/* Lists the ids of the queued and running jobs of a kind (for resuming after a restart).
 * Free with store_docs_free (same shape: an array of heap strings). */
CINDER_MUST_CHECK cinder_err store_jobs_active(store_t *st, job_kind kind, char ***ids, size_t *n);

/* Lists the ids of a team's jobs of a kind, newest first, skipping offset and returning at most
 * limit; *total receives how many there are (expired jobs are not listed). *ids: free with
 * store_docs_free. */
CINDER_MUST_CHECK cinder_err store_jobs_list(store_t *st, const char *team, job_kind kind,
                                             int64_t offset, size_t limit, char ***ids, size_t *n,
                                             int64_t *total);

/* Lists up to max items of a job in admission order, with their documents when docs is set.
 * *out: free with store_item_infos_free. */
CINDER_MUST_CHECK cinder_err store_items_list(store_t *st, const char *job_id, size_t max,
                                              bool docs, store_item_info_t **out, size_t *n);

/* Frees an array from store_items_list. Accepts NULL. */
void store_item_infos_free(store_item_info_t *items, size_t n);

/* Puts a job's failed items back to pending (attempts reset), reserves a credit for each and
 * reopens the job (status running): *n receives how many. CINDER_E_NO_CREDITS when the balance
 * cannot cover them, CINDER_E_ALREADY_TERMINAL for a cancelled job, CINDER_E_NOT_FOUND /
 * CINDER_E_EXPIRED as job_get. Nothing changes on error; *n = 0 (and OK) when none failed. */
CINDER_MUST_CHECK cinder_err store_items_retry(store_t *st, const char *job_id, int64_t now_ms,
                                               int64_t *n);

/* Removes a job with its items and documents, whatever its state (cancel a running job first:
 * its in-flight pages then find nothing to update); credits it still holds reserved go back to
 * its team. CINDER_E_NOT_FOUND when unknown. */
CINDER_MUST_CHECK cinder_err store_job_delete(store_t *st, const char *job_id);

/* The job, item and document operations a backend provides. impl is the backend's own handle. */
struct store_job_ops {
    cinder_err (*job_create)(void *impl, const store_job_t *job);
    cinder_err (*job_get)(void *impl, const char *id, store_job_t *out);
    cinder_err (*job_finish)(void *impl, const store_job_t *job);
    cinder_err (*doc_put)(void *impl, const char *job_id, int64_t seq, const char *json,
                          size_t len);
    cinder_err (*doc_get)(void *impl, const char *job_id, int64_t seq, char **json, size_t *len);
    cinder_err (*expire)(void *impl, int64_t now_ms, int64_t *removed);
    cinder_err (*items_add)(void *impl, const char *job_id, const store_item_new_t *items, size_t n,
                            int64_t limit, int64_t now_ms, size_t *admitted);
    cinder_err (*items_claim)(void *impl, const char *job_id, size_t max, int64_t now_ms,
                              store_item_t *out, size_t *n);
    cinder_err (*items_finish)(void *impl, const char *job_id, const store_item_result_t *res,
                               size_t n, int64_t limit, int64_t now_ms);
    cinder_err (*items_recover)(void *impl, int64_t *reset);
    cinder_err (*job_cancel)(void *impl, const char *job_id, int64_t now_ms, store_cancel_t *out);
    cinder_err (*docs_page)(void *impl, const char *job_id, int64_t skip, size_t limit,
                            size_t max_bytes, char ***docs, size_t *n);
    cinder_err (*items_errors)(void *impl, const char *job_id, size_t max, store_item_error_t **out,
                               size_t *n);
    cinder_err (*jobs_active)(void *impl, job_kind kind, char ***ids, size_t *n);
    cinder_err (*doc_pack)(void *impl, const char *json, size_t len, char **out, size_t *out_len);
    cinder_err (*jobs_list)(void *impl, const char *team, job_kind kind, int64_t offset,
                            size_t limit, char ***ids, size_t *n, int64_t *total);
    cinder_err (*items_list)(void *impl, const char *job_id, size_t max, bool docs,
                             store_item_info_t **out, size_t *n);
    cinder_err (*items_retry)(void *impl, const char *job_id, int64_t now_ms, int64_t *n);
    cinder_err (*job_delete)(void *impl, const char *job_id);
};

#endif
