/*
 * model/job: the life of a job record and its credits, in C over the store's transaction
 * primitives (store/store_txn.h): create (reserving credits from the team's balance), finish
 * (completed only once nothing is outstanding; whatever stays reserved is refunded), cancel
 * (pending items cancelled, unused credits refunded at once), further reservations (batch
 * appends) and delete. Each function runs one store transaction, with the webhook event that
 * reports the change written inside it.
 *
 * Credits of a job: reserved when created, charged per succeeded item, refunded for failed,
 * cancelled and never-run items; once the job has ended and its items have settled, reserved =
 * charged + refunded. Teams with an unlimited balance (-1) and the open team "" are never
 * debited.
 */
#ifndef CINDER_MODEL_JOB_H
#define CINDER_MODEL_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_jobs.h"
#include "util/error.h"

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
} model_cancel_t;

/* Inserts job (its id, kind, options, team, expiry and credits_reserved) and debits the
 * reservation from its team: CINDER_E_NO_CREDITS when the balance cannot cover it,
 * CINDER_E_CONFLICT when the id exists. job->event (may be NULL) is written with it. */
CINDER_MUST_CHECK cinder_err model_job_create(store_t *st, const store_job_t *job);

/* Ends job->id with job->status (completed or failed), job->finished_ms, job->error and
 * job->error_code, only while it is still queued or running (a job cancelled meanwhile stays
 * cancelled: CINDER_E_NOT_FOUND); a job becomes completed only once none of its admitted items
 * is outstanding (else CINDER_E_AGAIN, nothing changes). Its TTL restarts; whatever it still
 * holds reserved is refunded; job->event (may be NULL) is written with it. */
CINDER_MUST_CHECK cinder_err model_job_finish(store_t *st, const store_job_t *job);

/* Cancels a job: status cancelled at once, pending items (and out->unstarted) cancelled,
 * running items left to finish; out (may be NULL) says what was done. CINDER_E_ALREADY_TERMINAL
 * when the job is already completed, failed or cancelled; CINDER_E_NOT_FOUND / CINDER_E_EXPIRED
 * as store_job_get. */
CINDER_MUST_CHECK cinder_err model_job_cancel(store_t *st, const char *job_id, int64_t now_ms,
                                              model_cancel_t *out);

/* Reserves credits more for a job (a batch append): CINDER_E_NO_CREDITS when the team's
 * balance cannot cover them (nothing changes then). Negative credits release a reservation that
 * cannot be used (returned to the team at once). */
CINDER_MUST_CHECK cinder_err model_job_reserve(store_t *st, const char *job_id, int64_t credits,
                                               int64_t now_ms);

/* Removes a job with its items and documents, whatever its state (cancel a running job first:
 * its in-flight pages then find nothing to update); credits it still holds reserved go back to
 * its team. CINDER_E_NOT_FOUND when unknown. */
CINDER_MUST_CHECK cinder_err model_job_delete(store_t *st, const char *job_id);

#endif
