/*
 * model/rules: the predicates on a job's row every part of the job model shares.
 */
#ifndef CINDER_MODEL_RULES_H
#define CINDER_MODEL_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store_txn.h"

/* True while the job is queued or running: it admits items, and can be cancelled or finished. */
static inline bool rules_job_open(const store_job_row_t *row)
{
    return row->status == JOB_QUEUED || row->status == JOB_RUNNING;
}

/* True when a job's results are gone: expired, or ended with its expiry time passed (a job
 * never expires while it runs). */
static inline bool rules_job_gone(const store_job_row_t *row, int64_t now_ms)
{
    return row->expired || (!rules_job_open(row) && row->expires_ms <= now_ms);
}

/* Items admitted to the job and not settled yet (pending or running). */
static inline int64_t rules_outstanding(const store_job_row_t *row)
{
    int64_t n = row->admitted - row->completed - row->failed - row->cancelled;
    return n > 0 ? n : 0;
}

/* True when the job may admit one item more under limit (< 0: no limit). */
static inline bool rules_budget_admits(const store_job_row_t *row, int64_t limit)
{
    return limit < 0 || row->admitted < limit;
}

/* Moves an ended job's expiry: results stay readable for the job's TTL from when it ended. */
static inline void rules_restart_ttl(store_job_row_t *row, int64_t ended_ms)
{
    row->expires_ms = ended_ms + (row->expires_ms - row->created_ms);
}

#endif
