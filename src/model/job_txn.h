/*
 * model/job_txn: the opening every job-model operation on one job shares.
 */
#ifndef CINDER_MODEL_JOB_TXN_H
#define CINDER_MODEL_JOB_TXN_H

#include "store/store_txn.h"
#include "util/error.h"

/* Begins a store transaction on st and reads job_id's row into *row. On success *tx is open (end
 * it with store_txn_end); on an error (CINDER_E_NOT_FOUND for an unknown job) nothing is. */
CINDER_MUST_CHECK cinder_err job_txn_begin(store_t *st, const char *job_id, store_txn_t **tx,
                                           store_job_row_t *row);

#endif
