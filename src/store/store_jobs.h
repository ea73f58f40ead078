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

/* A claimed item; url is owned by the record (store_item_cleanup). */
typedef struct {
    int64_t seq;
    char *url;
    int depth;
    int attempts; /* fetches already made for this item (retries) */
} store_item_t;

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
    /* Credits ledger of the job (the rules: model/job.h): reserved, charged and refunded. */
    int64_t credits_reserved, credits_charged, credits_refunded;
    /* model_job_create and model_job_finish only (borrowed; NULL in records read back): a
     * webhook event written in the same transaction, when the change applies. */
    const store_event_t *event;
} store_job_t;

/* Reads a job by id into *out (caller runs store_job_cleanup). CINDER_E_NOT_FOUND if unknown;
 * CINDER_E_EXPIRED once its expiry time has passed (whether or not store_expire ran). A job never
 * expires while it is queued or running; finishing or cancelling it restarts its TTL. */
CINDER_MUST_CHECK cinder_err store_job_get(store_t *st, const char *id, store_job_t *out);

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

/* Reads documents skip.. in finish order: at most limit, stopping before max_bytes of JSON (but
 * always at least one when one exists). *docs is a heap array of heap strings: free each, then
 * the array (store_docs_free). */
CINDER_MUST_CHECK cinder_err store_docs_page(store_t *st, const char *job_id, int64_t skip,
                                             size_t limit, size_t max_bytes, char ***docs,
                                             size_t *n);

/* Encodes a document the way the backend stores it (SQLite: deflated when large), so that the
 * CPU work runs on the caller's thread instead of inside the store's single writer. Thread-safe;
 * any thread. *out is heap memory (free it) to pass as model_item_result_t.doc with doc_packed
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

/* The job, item and document operations a backend provides. impl is the backend's own handle. */
struct store_job_ops {
    cinder_err (*job_get)(void *impl, const char *id, store_job_t *out);
    cinder_err (*doc_put)(void *impl, const char *job_id, int64_t seq, const char *json,
                          size_t len);
    cinder_err (*doc_get)(void *impl, const char *job_id, int64_t seq, char **json, size_t *len);
    cinder_err (*expire)(void *impl, int64_t now_ms, int64_t *removed);
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
};

#endif
