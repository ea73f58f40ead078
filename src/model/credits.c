/*
 * model/credits: credit movements between teams and jobs (model/credits.h).
 */
#include "model/credits.h"

#include <stddef.h>

/* Reads a finite balance of team into *have; false when there is none to move (the open team,
 * an unknown team or an unlimited balance) or on an error (*rc). */
static bool finite_balance(store_txn_t *tx, const char *team, int64_t *have, cinder_err *rc)
{
    *rc = CINDER_OK;
    if (!team || !*team)
        return false;
    *rc = store_tx_team_credits(tx, team, have);
    if (*rc == CINDER_E_NOT_FOUND)
        *rc = CINDER_OK;
    else if (!*rc && *have >= 0)
        return true;
    return false;
}

cinder_err credits_debit(store_txn_t *tx, const char *team, int64_t amount)
{
    int64_t have = 0;
    cinder_err rc = CINDER_OK;
    if (amount <= 0 || !finite_balance(tx, team, &have, &rc))
        return rc;
    if (have < amount)
        return CINDER_E_NO_CREDITS;
    return store_tx_team_set_credits(tx, team, have - amount);
}

cinder_err credits_credit(store_txn_t *tx, const char *team, int64_t amount)
{
    int64_t have = 0;
    cinder_err rc = CINDER_OK;
    if (amount <= 0 || !finite_balance(tx, team, &have, &rc))
        return rc;
    return store_tx_team_set_credits(tx, team, have + amount);
}

cinder_err credits_ledger(store_txn_t *tx, const char *team, const char *job_id, const char *kind,
                          int64_t amount, int64_t now_ms)
{
    if (!team || !*team || !amount)
        return CINDER_OK;
    return store_tx_ledger(tx, team, job_id, kind, amount, now_ms);
}

cinder_err credits_reserve(store_txn_t *tx, const char *job_id, store_job_row_t *row,
                           int64_t credits, int64_t now_ms)
{
    cinder_err rc = credits >= 0 ? credits_debit(tx, row->team, credits)
                                 : credits_credit(tx, row->team, -credits);
    if (rc)
        return rc;
    row->credits_reserved += credits;
    return credits_ledger(tx, row->team, job_id, credits >= 0 ? "reserve" : "release", -credits,
                          now_ms);
}

cinder_err credits_refund(store_txn_t *tx, const char *job_id, store_job_row_t *row, int64_t amount,
                          int64_t now_ms)
{
    if (amount <= 0)
        return CINDER_OK;
    row->credits_refunded += amount;
    cinder_err rc = credits_credit(tx, row->team, amount);
    return rc ? rc : credits_ledger(tx, row->team, job_id, "refund", amount, now_ms);
}

cinder_err credits_settle(store_txn_t *tx, const char *job_id, store_job_row_t *row, int64_t now_ms)
{
    int64_t rest = row->credits_reserved - row->credits_charged - row->credits_refunded;
    return credits_refund(tx, job_id, row, rest, now_ms);
}
