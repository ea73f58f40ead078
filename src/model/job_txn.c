/* model/job_txn: a transaction opened on one job's row (model/job_txn.h). */
#include "model/job_txn.h"

#include <stddef.h>

cinder_err job_txn_begin(store_t *st, const char *job_id, store_txn_t **tx, store_job_row_t *row)
{
    cinder_err rc = store_txn_begin(st, tx);
    if (rc)
        return rc;
    rc = store_tx_job_read(*tx, job_id, row);
    if (rc) {
        store_txn_end(*tx, rc);
        *tx = NULL;
    }
    return rc;
}
