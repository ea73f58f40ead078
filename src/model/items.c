/*
 * model/items: the item state machine and the limit budget (model/items.h). Each function runs
 * one store transaction: it reads the job's row, applies the rules to it and to the item rows,
 * and writes the row back with the credits moved.
 */
#include "model/items.h"

#include <stdlib.h>
#include <string.h>

#include "model/credits.h"
#include "model/job_txn.h"
#include "model/rules.h"
#include "store/store_txn.h"

/* Reasons the model writes itself. */
#define REASON_CANCELLED "cancelled"
#define REASON_DUPLICATE "duplicate"
#define REASON_REDIRECT_TARGET                                                                     \
    "redirect_target" /* a key locked by a redirect: its document is                               \
                         stored under the item that redirected */

/* The credits one transaction moves for a job. */
typedef struct {
    int64_t charged, refunded;
} moves_t;

/* Records new keys; admits pending items while the budget allows. *admitted counts them. */
static cinder_err add(store_txn_t *tx, const char *job_id, store_job_row_t *row,
                      const model_item_new_t *items, size_t n, int64_t limit, int64_t now_ms,
                      size_t *admitted, uint8_t *held)
{
    cinder_err rc = CINDER_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const model_item_new_t *it = &items[i];
        bool skip = it->skip_reason != NULL;
        if (!skip && !rules_budget_admits(row, limit))
            continue; /* over the limit: dropped, never fetched */
        store_item_row_t r = {
            row->next_seq,   it->key, it->url, it->depth, skip ? ITEM_SKIPPED : ITEM_PENDING,
            it->skip_reason, now_ms};
        bool inserted = false;
        rc = store_tx_item_insert(tx, job_id, &r, &inserted);
        if (!rc && held)
            held[i] = 1; /* inserted now, or its key was there already */
        if (rc || !inserted)
            continue;
        row->next_seq++;
        if (!skip) {
            row->admitted++;
            (*admitted)++;
        }
    }
    return rc;
}

/* Applies the credits moved and writes the row back. */
static cinder_err write_back(store_txn_t *tx, const char *job_id, store_job_row_t *row,
                             const moves_t *m, int64_t now_ms)
{
    row->credits_charged += m->charged;
    cinder_err rc = credits_refund(tx, job_id, row, m->refunded, now_ms);
    return rc ? rc : store_tx_job_write(tx, job_id, row);
}

cinder_err model_items_add(store_t *st, const char *job_id, const model_item_new_t *items, size_t n,
                           int64_t limit, int64_t now_ms, size_t *admitted)
{
    size_t none = 0;
    admitted = admitted ? admitted : &none;
    *admitted = 0;
    store_txn_t *tx = NULL;
    store_job_row_t row;
    cinder_err rc = job_txn_begin(st, job_id, &tx, &row);
    if (rc)
        return rc;
    if (!rc && rules_job_open(&row))
        rc = add(tx, job_id, &row, items, n, limit, now_ms, admitted, NULL);
    if (!rc)
        rc = store_tx_job_write(tx, job_id, &row);
    rc = store_txn_end(tx, rc);
    if (rc)
        *admitted = 0;
    return rc;
}

/* Marks the due items claimed as running, counting the attempt. */
static cinder_err mark_running(store_txn_t *tx, const char *job_id, store_item_t *items, size_t n)
{
    cinder_err rc = CINDER_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        store_item_set_t to = {.status = ITEM_RUNNING, .attempts = items[i].attempts + 1};
        bool changed = false;
        rc = store_tx_item_set(tx, job_id, items[i].seq, ITEM_PENDING, &to, &changed);
    }
    return rc;
}

cinder_err model_items_claim(store_t *st, const char *job_id, size_t max, int64_t now_ms,
                             store_item_t *out, size_t *n)
{
    *n = 0;
    store_txn_t *tx = NULL;
    cinder_err rc = store_txn_begin(st, &tx);
    if (rc)
        return rc;
    rc = store_tx_items_due(tx, job_id, max, now_ms, out, n);
    if (!rc)
        rc = mark_running(tx, job_id, out, *n);
    rc = store_txn_end(tx, rc);
    if (rc) {
        for (size_t i = 0; i < *n; i++)
            store_item_cleanup(&out[i]);
        *n = 0;
    }
    return rc;
}

/* Moves a running item to the outcome r; *changed tells whether it was still running. */
static cinder_err settle(store_txn_t *tx, const char *job_id, const model_item_result_t *r,
                         int64_t now_ms, bool *changed)
{
    bool retry = r->status == ITEM_PENDING;
    store_item_set_t to = {
        .status = r->status,
        .reason = r->reason,
        .error = r->error,
        .error_code = r->error_code,
        .http_status = r->http_status,
        .not_before_ms = retry ? r->not_before_ms : 0,
        .finished_ms = retry ? 0 : now_ms,
        .attempts = -1,
    };
    return store_tx_item_set(tx, job_id, r->seq, ITEM_RUNNING, &to, changed);
}

/* The status a key stands for: a key locked by a redirect counts as succeeded (a document for it
 * is stored under another item); -1 when no item holds it. */
static int key_status(store_txn_t *tx, const char *job_id, const char *key, int64_t *seq,
                      cinder_err *rc)
{
    store_item_key_t k;
    *rc = store_tx_item_find(tx, job_id, key, &k);
    if (*rc == CINDER_E_NOT_FOUND) {
        *rc = CINDER_OK;
        return -1;
    }
    if (*rc)
        return -1;
    *seq = k.seq;
    return strcmp(k.reason, REASON_REDIRECT_TARGET) == 0 ? ITEM_SUCCEEDED : (int)k.status;
}

/* Locks the key of the page's redirect target. *dup is set when a document for it is already
 * stored by another item (this page is then a duplicate). */
static cinder_err lock_redirect_target(store_txn_t *tx, const char *job_id,
                                       const model_item_result_t *r, int64_t now_ms,
                                       store_job_row_t *row, bool *dup)
{
    int64_t other = -1;
    cinder_err rc;
    int status = key_status(tx, job_id, r->final_key, &other, &rc);
    *dup = status == ITEM_SUCCEEDED && other != r->seq;
    if (rc || status == ITEM_SUCCEEDED)
        return rc;
    if (status == ITEM_PENDING) { /* not fetched yet: dropped, its budget slot freed */
        store_item_set_t to = {
            .status = ITEM_SKIPPED, .reason = REASON_REDIRECT_TARGET, .attempts = -1};
        bool changed = false;
        rc = store_tx_item_set(tx, job_id, other, ITEM_PENDING, &to, &changed);
        if (!rc && changed && row->admitted > 0)
            row->admitted--;
    } else if (status < 0) {
        model_item_new_t lock = {r->final_url ? r->final_url : r->final_key, r->final_key, 0,
                                 REASON_REDIRECT_TARGET};
        size_t none = 0;
        rc = add(tx, job_id, row, &lock, 1, -1, now_ms, &none, NULL);
    }
    return rc;
}

/* The outcome actually applied for in: a retry in a job that has ended is a cancel; a page whose
 * redirect target is already stored is a duplicate. *out holds the changed copy. */
static cinder_err outcome_of(store_txn_t *tx, const char *job_id, const model_item_result_t *in,
                             int64_t now_ms, store_job_row_t *row, model_item_result_t *out,
                             const model_item_result_t **r)
{
    *r = in;
    bool dup = false;
    if (in->status == ITEM_PENDING && !rules_job_open(row)) {
        *out = *in;
        out->status = ITEM_CANCELLED;
        out->reason = REASON_CANCELLED;
        *r = out;
        return CINDER_OK;
    }
    if (in->status != ITEM_SUCCEEDED || !in->final_key)
        return CINDER_OK;
    cinder_err rc = lock_redirect_target(tx, job_id, in, now_ms, row, &dup);
    if (!rc && dup) {
        *out = *in;
        out->status = ITEM_SKIPPED;
        out->reason = REASON_DUPLICATE;
        *r = out;
    }
    return rc;
}

/* Stores a succeeded item's document at the next position and charges it. */
static cinder_err store_document(store_txn_t *tx, const char *job_id, const model_item_result_t *r,
                                 int64_t now_ms, store_job_row_t *row, moves_t *m)
{
    bool packed = r->doc && r->doc_packed;
    cinder_err rc = store_tx_doc_insert(tx, job_id, row->completed, r->seq, r->doc ? r->doc : "{}",
                                        r->doc ? r->doc_len : 2, packed);
    if (rc)
        return rc;
    row->completed++;
    m->charged++;
    return store_tx_event(tx, job_id, r->event, row->completed - 1, now_ms);
}

/* Counts an applied outcome in the job's row and credits. */
static cinder_err account(store_txn_t *tx, const char *job_id, const model_item_result_t *r,
                          int64_t now_ms, store_job_row_t *row, moves_t *m)
{
    switch (r->status) {
    case ITEM_SUCCEEDED:
        return store_document(tx, job_id, r, now_ms, row, m);
    case ITEM_FAILED:
        row->failed++;
        m->refunded++; /* a failed item costs nothing */
        return store_tx_event(tx, job_id, r->event, -1, now_ms);
    case ITEM_CANCELLED:
        row->cancelled++;
        m->refunded++; /* kept reserved at the cancel while it ran: returned now */
        return CINDER_OK;
    case ITEM_SKIPPED:
        if (row->admitted > 0)
            row->admitted--; /* refused before any fetch (robots): its budget slot is free */
        return CINDER_OK;
    default:
        return CINDER_OK; /* back to pending: a retry later */
    }
}

static cinder_err finish_one(store_txn_t *tx, const char *job_id, const model_item_result_t *in,
                             int64_t limit, int64_t now_ms, store_job_row_t *row, moves_t *m)
{
    model_item_result_t copy;
    const model_item_result_t *r = in;
    bool open = rules_job_open(row), changed = false;
    cinder_err rc = outcome_of(tx, job_id, in, now_ms, row, &copy, &r);
    if (!rc)
        rc = settle(tx, job_id, r, now_ms, &changed);
    if (rc || !changed)
        return rc; /* not running any more: a duplicate or stale outcome */
    rc = account(tx, job_id, r, now_ms, row, m);
    size_t added = 0;
    if (!rc && open && r->n_found)
        rc = add(tx, job_id, row, r->found, r->n_found, limit, now_ms, &added, r->found_held);
    return rc;
}

cinder_err model_items_finish(store_t *st, const char *job_id, const model_item_result_t *res,
                              size_t n, int64_t limit, int64_t now_ms)
{
    store_txn_t *tx = NULL;
    store_job_row_t row;
    moves_t m = {0};
    cinder_err rc = job_txn_begin(st, job_id, &tx, &row);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++)
        rc = finish_one(tx, job_id, &res[i], limit, now_ms, &row, &m);
    if (!rc)
        rc = write_back(tx, job_id, &row, &m, now_ms);
    return store_txn_end(tx, rc);
}

cinder_err model_items_recover(store_t *st, int64_t *reset)
{
    int64_t none = 0;
    reset = reset ? reset : &none;
    *reset = 0;
    store_txn_t *tx = NULL;
    cinder_err rc = store_txn_begin(st, &tx);
    if (rc)
        return rc;
    store_item_set_t to = {.status = ITEM_PENDING, .attempts = -1};
    rc = store_tx_items_set_all(tx, NULL, ITEM_RUNNING, &to, reset);
    rc = store_txn_end(tx, rc);
    if (rc)
        *reset = 0;
    return rc;
}

/* Re-queues the failed items of a job read into *row and reopens it, reserving a credit for
 * each; *n receives how many. */
static cinder_err retry_locked(store_txn_t *tx, const char *job_id, store_job_row_t *row,
                               int64_t now_ms, int64_t *n)
{
    store_item_set_t to = {.status = ITEM_PENDING, .attempts = 0};
    cinder_err rc = store_tx_items_set_all(tx, job_id, ITEM_FAILED, &to, n);
    if (rc || *n == 0)
        return rc;
    row->status = JOB_RUNNING;
    row->finished_ms = 0;
    row->failed = row->failed > *n ? row->failed - *n : 0;
    rc = credits_reserve(tx, job_id, row, *n, now_ms);
    if (!rc)
        rc = store_tx_job_error(tx, job_id, NULL, NULL);
    return rc ? rc : store_tx_job_write(tx, job_id, row);
}

cinder_err model_items_retry(store_t *st, const char *job_id, int64_t now_ms, int64_t *n)
{
    *n = 0;
    store_txn_t *tx = NULL;
    store_job_row_t row;
    cinder_err rc = job_txn_begin(st, job_id, &tx, &row);
    if (rc)
        return rc;
    if (!rc && rules_job_gone(&row, now_ms))
        rc = CINDER_E_EXPIRED;
    if (!rc && row.status == JOB_CANCELLED)
        rc = CINDER_E_ALREADY_TERMINAL;
    if (!rc)
        rc = retry_locked(tx, job_id, &row, now_ms, n);
    rc = store_txn_end(tx, rc ? rc : *n ? CINDER_OK : CINDER_E_DECLINED);
    if (rc)
        *n = 0;
    return rc == CINDER_E_DECLINED ? CINDER_OK : rc;
}
