/*
 * model/job: a job record's life and credits (model/job.h). Each function runs one store
 * transaction; the rule-level refusals (no credits, already ended, not found) roll it back.
 */
#include "model/job.h"

#include <stdlib.h>

#include "model/credits.h"
#include "model/job_txn.h"
#include "model/rules.h"
#include "store/store_txn.h"
#include "util/clock.h"

#define REASON_CANCELLED "cancelled"

cinder_err model_job_create(store_t *st, const store_job_t *job)
{
    store_txn_t *tx = NULL;
    cinder_err rc = store_txn_begin(st, &tx);
    if (rc)
        return rc;
    rc = credits_debit(tx, job->team, job->credits_reserved);
    if (!rc)
        rc = store_tx_job_insert(tx, job);
    if (!rc)
        rc = credits_ledger(tx, job->team, job->id, "reserve", -job->credits_reserved,
                            job->created_ms);
    if (!rc)
        rc = store_tx_event(tx, job->id, job->event, -1, job->created_ms);
    return store_txn_end(tx, rc);
}

/* Ends the open job read into *row as job says, refunding what it still holds reserved. */
static cinder_err finish_locked(store_txn_t *tx, const store_job_t *job, store_job_row_t *row,
                                int64_t now_ms)
{
    if (!rules_job_open(row))
        return CINDER_E_NOT_FOUND; /* cancelled meanwhile: it stays cancelled */
    if (job->status == JOB_COMPLETED && rules_outstanding(row) > 0)
        return CINDER_E_AGAIN; /* items were added or re-queued since the caller looked */
    row->status = job->status;
    row->finished_ms = job->finished_ms;
    rules_restart_ttl(row, job->finished_ms);
    cinder_err rc = store_tx_job_error(tx, job->id, job->error, job->error_code);
    if (!rc)
        rc = credits_settle(tx, job->id, row, now_ms);
    if (!rc)
        rc = store_tx_event(tx, job->id, job->event, -1, now_ms);
    return rc ? rc : store_tx_job_write(tx, job->id, row);
}

cinder_err model_job_finish(store_t *st, const store_job_t *job)
{
    store_txn_t *tx = NULL;
    store_job_row_t row;
    int64_t now_ms = job->finished_ms ? job->finished_ms : clock_wall_ms();
    cinder_err rc = job_txn_begin(st, job->id, &tx, &row);
    if (rc)
        return rc;
    if (!rc)
        rc = finish_locked(tx, job, &row, now_ms);
    return store_txn_end(tx, rc);
}

/* Cancels the running items listed in c->unstarted; adds how many to c->cancelled. */
static cinder_err cancel_unstarted(store_txn_t *tx, const char *job_id, const store_item_set_t *to,
                                   model_cancel_t *c)
{
    cinder_err rc = CINDER_OK;
    for (size_t i = 0; i < c->n_unstarted && !rc; i++) {
        bool changed = false;
        rc = store_tx_item_set(tx, job_id, c->unstarted[i], ITEM_RUNNING, to, &changed);
        c->cancelled += changed;
    }
    return rc;
}

/* Cancels the open job read into *row: its pending and unstarted items, what it reserved beyond
 * its charges and its running items. */
static cinder_err cancel_locked(store_txn_t *tx, const char *job_id, store_job_row_t *row,
                                int64_t now_ms, model_cancel_t *c)
{
    store_item_set_t to = {.status = ITEM_CANCELLED,
                           .reason = REASON_CANCELLED,
                           .finished_ms = now_ms,
                           .attempts = -1};
    cinder_err rc = store_tx_items_set_all(tx, job_id, ITEM_PENDING, &to, &c->cancelled);
    if (!rc)
        rc = cancel_unstarted(tx, job_id, &to, c);
    if (rc)
        return rc;
    row->status = JOB_CANCELLED;
    row->cancelled_ms = row->finished_ms = now_ms;
    rules_restart_ttl(row, now_ms);
    row->cancelled += c->cancelled;
    /* running items may still be charged: they keep their credit until they settle */
    int64_t rest = row->credits_reserved - row->credits_charged - row->credits_refunded -
                   rules_outstanding(row);
    c->refunded = rest > 0 ? rest : 0;
    rc = credits_refund(tx, job_id, row, c->refunded, now_ms);
    if (!rc)
        rc = store_tx_event(tx, job_id, c->event, -1, now_ms);
    return rc ? rc : store_tx_job_write(tx, job_id, row);
}

cinder_err model_job_cancel(store_t *st, const char *job_id, int64_t now_ms, model_cancel_t *out)
{
    model_cancel_t none = {0};
    out = out ? out : &none;
    out->cancelled = out->refunded = 0;
    store_txn_t *tx = NULL;
    store_job_row_t row;
    cinder_err rc = job_txn_begin(st, job_id, &tx, &row);
    if (rc)
        return rc;
    if (rules_job_gone(&row, now_ms))
        rc = CINDER_E_EXPIRED;
    else if (!rules_job_open(&row))
        rc = CINDER_E_ALREADY_TERMINAL;
    if (!rc)
        rc = cancel_locked(tx, job_id, &row, now_ms, out);
    rc = store_txn_end(tx, rc);
    if (rc)
        out->cancelled = out->refunded = 0;
    return rc;
}

cinder_err model_job_reserve(store_t *st, const char *job_id, int64_t credits, int64_t now_ms)
{
    store_txn_t *tx = NULL;
    store_job_row_t row;
    cinder_err rc = job_txn_begin(st, job_id, &tx, &row);
    if (rc)
        return rc;
    rc = credits_reserve(tx, job_id, &row, credits, now_ms);
    if (!rc)
        rc = store_tx_job_write(tx, job_id, &row);
    return store_txn_end(tx, rc);
}

cinder_err model_job_delete(store_t *st, const char *job_id)
{
    store_txn_t *tx = NULL;
    store_job_row_t row;
    cinder_err rc = job_txn_begin(st, job_id, &tx, &row);
    if (rc)
        return rc;
    if (!rc) /* its in-flight pages will find nothing to charge */
        rc = credits_settle(tx, job_id, &row, clock_wall_ms());
    if (!rc)
        rc = store_tx_job_delete(tx, job_id);
    return store_txn_end(tx, rc);
}
