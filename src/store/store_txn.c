/* store_txn: dispatches the transaction primitives to the backend (store/store_txn.h). */
#include "store/store_txn.h"

#include <stdlib.h>

#include "store/store_int.h"
#include "util/mem.h"

struct store_txn {
    const struct store_txn_ops *ops;
    void *impl;
};

cinder_err store_txn_begin(store_t *st, store_txn_t **out)
{
    void *impl = NULL;
    *out = NULL;
    cinder_err rc = st->ops->txn->begin(st->impl, &impl);
    if (rc)
        return rc;
    store_txn_t *tx = xmalloc(sizeof *tx);
    tx->ops = st->ops->txn;
    tx->impl = impl;
    *out = tx;
    return CINDER_OK;
}

cinder_err store_txn_end(store_txn_t *tx, cinder_err rc)
{
    rc = tx->ops->end(tx->impl, rc);
    free(tx);
    return rc;
}

cinder_err store_tx_job_insert(store_txn_t *tx, const store_job_t *job)
{
    return tx->ops->job_insert(tx->impl, job);
}

cinder_err store_tx_job_read(store_txn_t *tx, const char *id, store_job_row_t *out)
{
    return tx->ops->job_read(tx->impl, id, out);
}

cinder_err store_tx_job_write(store_txn_t *tx, const char *id, const store_job_row_t *row)
{
    return tx->ops->job_write(tx->impl, id, row);
}

cinder_err store_tx_job_error(store_txn_t *tx, const char *id, const char *error, const char *code)
{
    return tx->ops->job_error(tx->impl, id, error, code);
}

cinder_err store_tx_job_delete(store_txn_t *tx, const char *id)
{
    return tx->ops->job_delete(tx->impl, id);
}

cinder_err store_tx_item_insert(store_txn_t *tx, const char *job_id, const store_item_row_t *row,
                                bool *inserted)
{
    return tx->ops->item_insert(tx->impl, job_id, row, inserted);
}

cinder_err store_tx_item_find(store_txn_t *tx, const char *job_id, const char *key,
                              store_item_key_t *out)
{
    return tx->ops->item_find(tx->impl, job_id, key, out);
}

cinder_err store_tx_item_set(store_txn_t *tx, const char *job_id, int64_t seq, item_status from,
                             const store_item_set_t *to, bool *changed)
{
    return tx->ops->item_set(tx->impl, job_id, seq, from, to, changed);
}

cinder_err store_tx_items_set_all(store_txn_t *tx, const char *job_id, item_status from,
                                  const store_item_set_t *to, int64_t *changed)
{
    int64_t none = 0;
    return tx->ops->items_set_all(tx->impl, job_id, from, to, changed ? changed : &none);
}

cinder_err store_tx_items_due(store_txn_t *tx, const char *job_id, size_t max, int64_t now_ms,
                              store_item_t *out, size_t *n)
{
    return tx->ops->items_due(tx->impl, job_id, max, now_ms, out, n);
}

cinder_err store_tx_doc_insert(store_txn_t *tx, const char *job_id, int64_t doc_seq,
                               int64_t item_seq, const char *doc, size_t len, bool packed)
{
    return tx->ops->doc_insert(tx->impl, job_id, doc_seq, item_seq, doc, len, packed);
}

cinder_err store_tx_team_credits(store_txn_t *tx, const char *team, int64_t *credits)
{
    return tx->ops->team_credits(tx->impl, team, credits);
}

cinder_err store_tx_team_set_credits(store_txn_t *tx, const char *team, int64_t credits)
{
    return tx->ops->team_set_credits(tx->impl, team, credits);
}

cinder_err store_tx_ledger(store_txn_t *tx, const char *team, const char *job_id, const char *kind,
                           int64_t amount, int64_t now_ms)
{
    return tx->ops->ledger(tx->impl, team, job_id, kind, amount, now_ms);
}

cinder_err store_tx_event(store_txn_t *tx, const char *job_id, const store_event_t *ev,
                          int64_t doc_seq, int64_t now_ms)
{
    return tx->ops->event(tx->impl, job_id, ev, doc_seq, now_ms);
}
