/*
 * store_txn: the storage primitives the job model (src/model/) composes its rules from. A
 * transaction reads and writes rows of jobs, items, documents, teams, the credits ledger and the
 * outbox; it decides nothing: which status an item moves to, what a job may admit and what is
 * charged or refunded are the model's (model/items.c, model/job.c). A backend implements these
 * primitives once and every rule works on it.
 *
 * Threads: a transaction belongs to the thread that began it and is serialised against every
 * other write transaction of the store (SQLite: the writer connection's mutex and BEGIN
 * IMMEDIATE; a server database: a row lock on the job read with store_tx_job_read).
 */
#ifndef CINDER_STORE_STORE_TXN_H
#define CINDER_STORE_STORE_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_jobs.h"
#include "util/error.h"

typedef struct store_txn store_txn_t;

/* The mutable state of one job row, read and written whole by the model. */
typedef struct {
    job_kind kind;
    job_status status;
    int64_t created_ms, finished_ms, cancelled_ms, expires_ms;
    bool expired; /* its documents were dropped by store_expire */
    int64_t admitted, completed, failed, cancelled;
    int64_t credits_reserved, credits_charged, credits_refunded;
    int64_t next_seq; /* read only: the number the job's next new item gets */
    char team[64];    /* read only: the owning team ("" when the server runs open) */
} store_job_row_t;

/* A new item row. Strings are borrowed for the call. */
typedef struct {
    int64_t seq;
    const char *key, *url;
    int depth;
    item_status status;
    const char *reason; /* NULL or a reason code */
    int64_t created_ms;
} store_item_row_t;

/* The item holding a key, as store_tx_item_find reads it. */
typedef struct {
    int64_t seq;
    item_status status;
    char reason[32]; /* "" when none */
} store_item_key_t;

/* What an item row becomes. Strings are borrowed for the call; NULL clears a column. */
typedef struct {
    item_status status;
    const char *reason, *error, *error_code;
    long http_status;
    int64_t not_before_ms, finished_ms;
    int attempts; /* < 0: unchanged */
} store_item_set_t;

/* Begins a write transaction on st; *out is ended (and freed) by store_txn_end. */
CINDER_MUST_CHECK cinder_err store_txn_begin(store_t *st, store_txn_t **out);

/* Commits tx when rc is CINDER_OK, else rolls it back; frees tx. Returns rc, or the commit's
 * error. */
cinder_err store_txn_end(store_txn_t *tx, cinder_err rc);

/* Inserts a new job row from job (counters and credits as given). CINDER_E_CONFLICT when the
 * id exists. */
CINDER_MUST_CHECK cinder_err store_tx_job_insert(store_txn_t *tx, const store_job_t *job);

/* Reads job id's row into *out (locking it for the transaction): CINDER_E_NOT_FOUND if none. */
CINDER_MUST_CHECK cinder_err store_tx_job_read(store_txn_t *tx, const char *id,
                                               store_job_row_t *out);

/* Writes the mutable state of job id (every field of row except next_seq and team). */
CINDER_MUST_CHECK cinder_err store_tx_job_write(store_txn_t *tx, const char *id,
                                                const store_job_row_t *row);

/* Sets (or with NULLs clears) the failure message and code of job id. */
CINDER_MUST_CHECK cinder_err store_tx_job_error(store_txn_t *tx, const char *id, const char *error,
                                                const char *code);

/* Deletes job id with its items, documents and outbox events: CINDER_E_NOT_FOUND if none. */
CINDER_MUST_CHECK cinder_err store_tx_job_delete(store_txn_t *tx, const char *id);

/* Inserts an item unless the job already has one with its key; *inserted tells which. */
CINDER_MUST_CHECK cinder_err store_tx_item_insert(store_txn_t *tx, const char *job_id,
                                                  const store_item_row_t *row, bool *inserted);

/* Reads the item of job_id holding key: CINDER_E_NOT_FOUND if none. */
CINDER_MUST_CHECK cinder_err store_tx_item_find(store_txn_t *tx, const char *job_id,
                                                const char *key, store_item_key_t *out);

/* Sets item seq of job_id to *to when its status is from; *changed tells whether it was. */
CINDER_MUST_CHECK cinder_err store_tx_item_set(store_txn_t *tx, const char *job_id, int64_t seq,
                                               item_status from, const store_item_set_t *to,
                                               bool *changed);

/* Sets every item of job_id (NULL: of every job) whose status is from to *to; *changed
 * receives how many. */
CINDER_MUST_CHECK cinder_err store_tx_items_set_all(store_txn_t *tx, const char *job_id,
                                                    item_status from, const store_item_set_t *to,
                                                    int64_t *changed);

/* Reads up to max pending items of job_id due at now_ms, in admission order, into out[0..*n)
 * (each url owned: store_item_cleanup). Changes nothing. */
CINDER_MUST_CHECK cinder_err store_tx_items_due(store_txn_t *tx, const char *job_id, size_t max,
                                                int64_t now_ms, store_item_t *out, size_t *n);

/* Stores the document at position doc_seq of job_id's finish order, made by item item_seq:
 * doc[0..len) is JSON text, or with packed the bytes store_doc_pack made of it. */
CINDER_MUST_CHECK cinder_err store_tx_doc_insert(store_txn_t *tx, const char *job_id,
                                                 int64_t doc_seq, int64_t item_seq, const char *doc,
                                                 size_t len, bool packed);

/* Reads a team's credit balance (-1: unlimited): CINDER_E_NOT_FOUND for an unknown team. */
CINDER_MUST_CHECK cinder_err store_tx_team_credits(store_txn_t *tx, const char *team,
                                                   int64_t *credits);

/* Sets a team's credit balance. */
CINDER_MUST_CHECK cinder_err store_tx_team_set_credits(store_txn_t *tx, const char *team,
                                                       int64_t credits);

/* Appends a credits ledger entry (kind: "reserve", "refund", "release", ...; job_id may be
 * NULL). */
CINDER_MUST_CHECK cinder_err store_tx_ledger(store_txn_t *tx, const char *team, const char *job_id,
                                             const char *kind, int64_t amount, int64_t now_ms);

/* Queues webhook event ev (borrowed; NULL or one without url or body: nothing) of job_id in the
 * outbox; doc_seq names the document a page event carries (-1: none). */
CINDER_MUST_CHECK cinder_err store_tx_event(store_txn_t *tx, const char *job_id,
                                            const store_event_t *ev, int64_t doc_seq,
                                            int64_t now_ms);

/* The transaction primitives a backend provides (store_backend.h). tx is the backend's own
 * transaction handle. */
struct store_txn_ops {
    cinder_err (*begin)(void *impl, void **tx);
    cinder_err (*end)(void *tx, cinder_err rc);
    cinder_err (*job_insert)(void *tx, const store_job_t *job);
    cinder_err (*job_read)(void *tx, const char *id, store_job_row_t *out);
    cinder_err (*job_write)(void *tx, const char *id, const store_job_row_t *row);
    cinder_err (*job_error)(void *tx, const char *id, const char *error, const char *code);
    cinder_err (*job_delete)(void *tx, const char *id);
    cinder_err (*item_insert)(void *tx, const char *job_id, const store_item_row_t *row,
                              bool *inserted);
    cinder_err (*item_find)(void *tx, const char *job_id, const char *key, store_item_key_t *out);
    cinder_err (*item_set)(void *tx, const char *job_id, int64_t seq, item_status from,
                           const store_item_set_t *to, bool *changed);
    cinder_err (*items_set_all)(void *tx, const char *job_id, item_status from,
                                const store_item_set_t *to, int64_t *changed);
    cinder_err (*items_due)(void *tx, const char *job_id, size_t max, int64_t now_ms,
                            store_item_t *out, size_t *n);
    cinder_err (*doc_insert)(void *tx, const char *job_id, int64_t doc_seq, int64_t item_seq,
                             const char *doc, size_t len, bool packed);
    cinder_err (*team_credits)(void *tx, const char *team, int64_t *credits);
    cinder_err (*team_set_credits)(void *tx, const char *team, int64_t credits);
    cinder_err (*ledger)(void *tx, const char *team, const char *job_id, const char *kind,
                         int64_t amount, int64_t now_ms);
    cinder_err (*event)(void *tx, const char *job_id, const store_event_t *ev, int64_t doc_seq,
                        int64_t now_ms);
};

#endif
