/*
 * model/credits: moving credits between a team's balance and a job's ledger inside a store
 * transaction, for model/items.c and model/job.c. The rules: the open team "" and teams with an
 * unlimited balance (-1) are never debited nor credited; unknown teams neither; every movement
 * of a finite balance gets a ledger entry.
 */
#ifndef CINDER_MODEL_CREDITS_H
#define CINDER_MODEL_CREDITS_H

#include <stdint.h>

#include "store/store_txn.h"
#include "util/error.h"

/* Takes amount from team's balance: CINDER_E_NO_CREDITS when a finite balance cannot cover it. */
CINDER_MUST_CHECK cinder_err credits_debit(store_txn_t *tx, const char *team, int64_t amount);

/* Gives amount back to team's balance. */
CINDER_MUST_CHECK cinder_err credits_credit(store_txn_t *tx, const char *team, int64_t amount);

/* Records a ledger entry of team (none for the open team or a zero amount). */
CINDER_MUST_CHECK cinder_err credits_ledger(store_txn_t *tx, const char *team, const char *job_id,
                                            const char *kind, int64_t amount, int64_t now_ms);

/* Reserves credits more for job job_id, whose row is *row (updated; the caller writes it):
 * debited from its team (CINDER_E_NO_CREDITS when a finite balance cannot cover them), with a
 * ledger entry. Negative credits release a reservation back to the team. */
CINDER_MUST_CHECK cinder_err credits_reserve(store_txn_t *tx, const char *job_id,
                                             store_job_row_t *row, int64_t credits, int64_t now_ms);

/* Refunds amount (> 0) of job job_id, whose row is *row (updated; the caller writes it), to its
 * team with a ledger entry. */
CINDER_MUST_CHECK cinder_err credits_refund(store_txn_t *tx, const char *job_id,
                                            store_job_row_t *row, int64_t amount, int64_t now_ms);

/* Refunds whatever job job_id still holds reserved and has neither charged nor refunded. */
CINDER_MUST_CHECK cinder_err credits_settle(store_txn_t *tx, const char *job_id,
                                            store_job_row_t *row, int64_t now_ms);

#endif
