/*
 * Internals shared by the SQLite backend's files (sqlite.c: connection, schema, jobs and
 * documents; sqlite_items.c: crawl items). Not for use outside src/store/.
 */
#ifndef CINDER_STORE_SQLITE_INT_H
#define CINDER_STORE_SQLITE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/store_backend.h"

#define SQ_STMT_CACHE 64

/* The stored values of job and item states, as SQL text for statements and partial indexes (a
 * partial index's WHERE must appear literally in a query for SQLite to use it; a bound parameter
 * cannot match it). Tied to the enums of store/store.h below. */
#define SQ_JOB_QUEUED     "0"
#define SQ_JOB_RUNNING    "1"
#define SQ_JOB_COMPLETED  "2"
#define SQ_JOB_FAILED     "3"
#define SQ_JOB_CANCELLED  "4"
#define SQ_ITEM_PENDING   "0"
#define SQ_ITEM_RUNNING   "1"
#define SQ_ITEM_SUCCEEDED "2"
#define SQ_ITEM_FAILED    "3"
#define SQ_ITEM_CANCELLED "4"
#define SQ_ITEM_SKIPPED   "5"
_Static_assert(JOB_QUEUED == 0 && JOB_RUNNING == 1 && JOB_COMPLETED == 2 && JOB_FAILED == 3 &&
                   JOB_CANCELLED == 4,
               "SQ_JOB_* must match job_status");
_Static_assert(ITEM_PENDING == 0 && ITEM_RUNNING == 1 && ITEM_SUCCEEDED == 2 && ITEM_FAILED == 3 &&
                   ITEM_CANCELLED == 4 && ITEM_SKIPPED == 5,
               "SQ_ITEM_* must match item_status");

#define SQ_READERS                                                                                 \
    4 /* read-only connections: reads never wait behind the writer, nor it on them                 \
       */

/* One connection: the writer (the store's handle), or one of its readers. */
typedef struct sq {
    sqlite3 *db;
    struct {
        const char *sql; /* the statement's text (a string literal: compared by address) */
        sqlite3_stmt *st;
    } stmts[SQ_STMT_CACHE]; /* prepared once, reused (guarded by mu) */
    pthread_mutex_t mu;     /* held for every statement sequence and transaction */
    char job_cache_id[40];  /* the job last mapped to its integer key (guarded by mu) */
    int64_t job_cache_no;
    struct sq *readers[SQ_READERS]; /* the writer's read-only connections (WAL: each reads the
                                       last commit, beside the writer) */
    int n_readers;
    atomic_uint next_reader; /* round robin when every reader is busy */
} sq_t;

/* Logs and maps a SQLite result code (OK/DONE/ROW are CINDER_OK). */
cinder_err sq_err(sq_t *s, int rc, const char *what);

/* Steps a read: true while st yields a row; false at its end, or on an error, which is logged and
 * stored in *rc (a read loop then returns the error, never the rows read so far as complete). */
bool sq_next(sq_t *s, sqlite3_stmt *st, cinder_err *rc, const char *what);

/* The prepared statement for sql, a string literal (cached by its address: prepared once per
 * connection); NULL on error (logged). Caller holds s->mu and hands it back with sq_done. */
sqlite3_stmt *sq_prepare(sq_t *s, const char *sql);

/* Binds the integer key of job job_id (items and documents are keyed by it) at index i; an
 * unknown job binds -1, which matches no row. Caller holds s->mu. */
void sq_bind_job(sq_t *s, sqlite3_stmt *st, int i, const char *job_id);

/* Resets a statement from sq_prepare for its next use (or finalizes one that is not cached).
 * Accepts NULL. */
void sq_done(sq_t *s, sqlite3_stmt *st);

/* Takes the mutex and begins an IMMEDIATE transaction (the mutex is released on failure). */
cinder_err sq_begin(sq_t *s);

/* Starts a read: a free reader connection of s (or s itself when it has none), locked, in a read
 * transaction (one snapshot for the whole read). Every read function runs on the connection this
 * returns and hands it back with sq_read_end. */
sq_t *sq_read_begin(sq_t *s);

/* Ends the read transaction of r and unlocks it. */
void sq_read_end(sq_t *r);

/* Commits when rc is CINDER_OK, else rolls back; releases the mutex. Returns the outcome. */
cinder_err sq_end(sq_t *s, cinder_err rc);

/* Steps st (prepared by sq_prepare and bound by the caller) once and hands it back; a
 * constraint violation is CINDER_E_CONFLICT, other errors are logged as what. *changes (may be
 * NULL) receives the rows changed. Caller holds s->mu. */
cinder_err sq_step(sq_t *s, sqlite3_stmt *st, const char *what, int64_t *changes);

/* Binds v at index i (SQLITE_STATIC: v must outlive the step), or NULL when v is NULL. */
void sq_bind_text_or_null(sqlite3_stmt *st, int i, const char *v);

/* Runs sql through sqlite3_exec (caller holds s->mu). */
cinder_err sq_exec(sq_t *s, const char *sql);

/* Reads the document text of a documents row (compressed, raw_len, body columns at col, col+1,
 * col+2) into a heap string. */
cinder_err sq_read_doc(sqlite3_stmt *st, int col, char **json, size_t *len);

/* Packs (as store_doc_pack: deflated when large) and binds a document as (compressed, raw_len,
 * body) at index i; the bytes are copied. */
void sq_bind_doc(sqlite3_stmt *st, int i, const char *json, size_t len);

/* Bytes before the body in a document packed by store_doc_pack. */
#define SQ_PACK_HEADER 9

/* Binds a document packed by store_doc_pack as (compressed, raw_len, body) at index i; with
 * keep SQLITE_STATIC the packed bytes must outlive the statement's step. */
void sq_bind_packed(sqlite3_stmt *st, int i, const char *packed, size_t len,
                    sqlite3_destructor_type keep);

/* Wall-clock now in ms. */
int64_t sq_now_ms(void);

/* Binds a job record for "INSERT INTO jobs(id,kind,status,api_version,created_ms,expires_ms,
 * url,options,total,team,credits_reserved) VALUES(?,...)". */
void sq_bind_job_create(sqlite3_stmt *st, const store_job_t *j);

/* The account operations (sqlite_accounts.c). */
cinder_err sq_key_add(void *impl, const store_key_t *key, int64_t team_credits);
cinder_err sq_key_find(void *impl, const char *hash, store_key_t *out);
cinder_err sq_keys_list(void *impl, store_key_t **out, size_t *n);
cinder_err sq_key_revoke(void *impl, const char *prefix, int64_t now_ms);
cinder_err sq_team_get(void *impl, const char *name, store_team_t *out);
cinder_err sq_team_credits(void *impl, const char *name, int64_t delta, bool set, int64_t now_ms);
cinder_err sq_idem_claim(void *impl, const char *team, const char *key, int64_t now_ms);
cinder_err sq_idem_release(void *impl, const char *team, const char *key);
cinder_err sq_jobs_list(void *impl, const char *team, job_kind kind, int64_t offset, size_t limit,
                        char ***ids, size_t *n, int64_t *total);

/* The transaction primitives (sqlite_txn.c). */
extern const struct store_txn_ops sq_txn_ops;

/* Deletes a job's documents, items, outbox events and row: CINDER_E_NOT_FOUND when there is no
 * such job. Caller holds s->mu inside a transaction. */
cinder_err sq_job_delete_locked(sq_t *s, const char *job_id);

/* The reads of items and documents (sqlite_items.c). */
cinder_err sq_docs_page(void *impl, const char *job_id, int64_t skip, size_t limit,
                        size_t max_bytes, char ***docs, size_t *n);
cinder_err sq_jobs_active(void *impl, job_kind kind, char ***ids, size_t *n);
cinder_err sq_items_list(void *impl, const char *job_id, size_t max, bool docs,
                         store_item_info_t **out, size_t *n);
cinder_err sq_items_errors(void *impl, const char *job_id, size_t max, store_item_error_t **out,
                           size_t *n);

/* Trieve datasets, crawl requests and chunks (sqlite_trieve.c). */
cinder_err sq_dataset_touch(void *impl, const char *team, const char *dataset, int64_t now_ms);
cinder_err sq_trieve_put(void *impl, const store_trieve_t *rec);
cinder_err sq_trieve_get(void *impl, const char *team, const char *dataset, const char *id,
                         store_trieve_t *out);
cinder_err sq_trieve_list(void *impl, const char *team, const char *dataset, int64_t skip,
                          size_t limit, store_trieve_t **out, size_t *n);
cinder_err sq_trieve_open(void *impl, int64_t now_ms, store_trieve_t **out, size_t *n);
cinder_err sq_trieve_done(void *impl, const char *id, const char *scrape_id, const char *status);
cinder_err sq_trieve_delete(void *impl, const char *team, const char *dataset, const char *id);
cinder_err sq_chunks_upsert(void *impl, const char *team, const char *dataset,
                            const store_chunk_t *c, size_t n, int64_t now_ms);
cinder_err sq_chunks_page(void *impl, const char *team, const char *dataset, int64_t skip,
                          size_t limit, store_chunk_t **out, size_t *n, int64_t *total);
/* The webhook outbox (sqlite_outbox.c). sq_outbox_put_locked writes ev for job_id inside the
 * caller's transaction (caller holds s->mu); doc_seq names the document a page event carries
 * (-1: none). */
cinder_err sq_outbox_put_locked(sq_t *s, const char *job_id, const store_event_t *ev,
                                int64_t doc_seq, int64_t now_ms);
cinder_err sq_outbox_due(void *impl, int64_t now_ms, size_t max, store_outbox_t **out, size_t *n);
cinder_err sq_outbox_retry(void *impl, int64_t id, int64_t next_ms);
cinder_err sq_outbox_delete(void *impl, int64_t id);

#endif
