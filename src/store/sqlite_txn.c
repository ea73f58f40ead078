/*
 * SQLite backend, transaction primitives (store/store_txn.h): row reads and writes the job model
 * composes. The transaction handle is the writer connection itself.
 *
 * Threads: store_txn_begin takes the writer's mutex and begins an IMMEDIATE transaction; every
 * primitive runs under it, and store_txn_end commits or rolls back and releases it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store_txn.h"
#include "util/mem.h"

static cinder_err tx_begin(void *impl, void **tx)
{
    cinder_err rc = sq_begin(impl);
    *tx = rc ? NULL : impl;
    return rc;
}

static cinder_err tx_end(void *tx, cinder_err rc)
{
    return sq_end(tx, rc);
}

static cinder_err tx_job_insert(void *tx, const store_job_t *job)
{
    sqlite3_stmt *st =
        sq_prepare(tx, "INSERT INTO jobs(id,kind,status,api_version,created_ms,expires_ms,url,"
                       "options,total,team,credits_reserved) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_job_create(st, job);
    return sq_step(tx, st, "insert job", NULL);
}

static void read_row(sqlite3_stmt *st, store_job_row_t *r)
{
    memset(r, 0, sizeof *r);
    r->kind = (job_kind)sqlite3_column_int(st, 0);
    r->status = (job_status)sqlite3_column_int(st, 1);
    r->created_ms = sqlite3_column_int64(st, 2);
    r->finished_ms = sqlite3_column_int64(st, 3);
    r->cancelled_ms = sqlite3_column_int64(st, 4);
    r->expires_ms = sqlite3_column_int64(st, 5);
    r->expired = sqlite3_column_int(st, 6) != 0;
    r->admitted = sqlite3_column_int64(st, 7);
    r->completed = sqlite3_column_int64(st, 8);
    r->failed = sqlite3_column_int64(st, 9);
    r->cancelled = sqlite3_column_int64(st, 10);
    r->credits_reserved = sqlite3_column_int64(st, 11);
    r->credits_charged = sqlite3_column_int64(st, 12);
    r->credits_refunded = sqlite3_column_int64(st, 13);
    r->next_seq = sqlite3_column_int64(st, 14);
    const unsigned char *team = sqlite3_column_text(st, 15);
    snprintf(r->team, sizeof r->team, "%s", team ? (const char *)team : "");
}

static cinder_err tx_job_read(void *tx, const char *id, store_job_row_t *out)
{
    sq_t *s = tx;
    sqlite3_stmt *st = sq_prepare(
        s, "SELECT kind, status, created_ms, finished_ms, cancelled_ms, expires_ms, expired, "
           "admitted, completed, failed, cancelled, credits_reserved, credits_charged, "
           "credits_refunded, (SELECT COALESCE(MAX(seq), -1) + 1 FROM items WHERE "
           "job_no = jobs.rowid), team FROM jobs WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    cinder_err rc = CINDER_E_NOT_FOUND;
    if (sq_next(s, st, &rc, "read job")) {
        read_row(st, out);
        rc = CINDER_OK;
    }
    sq_done(s, st);
    return rc;
}

static cinder_err tx_job_write(void *tx, const char *id, const store_job_row_t *r)
{
    sqlite3_stmt *st = sq_prepare(
        tx, "UPDATE jobs SET status = ?, finished_ms = ?, cancelled_ms = ?, expires_ms = ?, "
            "admitted = ?, total = ?, completed = ?, failed = ?, cancelled = ?, "
            "credits_reserved = ?, credits_charged = ?, credits_refunded = ? WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    const int64_t v[] = {r->finished_ms,      r->cancelled_ms,    r->expires_ms,      r->admitted,
                         r->admitted,         r->completed,       r->failed,          r->cancelled,
                         r->credits_reserved, r->credits_charged, r->credits_refunded};
    sqlite3_bind_int(st, 1, r->status);
    for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++)
        sqlite3_bind_int64(st, i + 2, v[i]);
    sqlite3_bind_text(st, 13, id, -1, SQLITE_STATIC);
    return sq_step(tx, st, "write job", NULL);
}

static cinder_err tx_job_error(void *tx, const char *id, const char *error, const char *code)
{
    sqlite3_stmt *st = sq_prepare(tx, "UPDATE jobs SET error = ?, error_code = ? WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, error);
    sq_bind_text_or_null(st, 2, code);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    return sq_step(tx, st, "job error", NULL);
}

static cinder_err tx_job_delete(void *tx, const char *id)
{
    return sq_job_delete_locked(tx, id);
}

static cinder_err tx_item_insert(void *tx, const char *job_id, const store_item_row_t *row,
                                 bool *inserted)
{
    sq_t *s = tx;
    sqlite3_stmt *st = sq_prepare(s, "INSERT OR IGNORE INTO items(job_no, seq, key, url, depth, "
                                     "status, reason, created_ms) VALUES(?,?,?,?,?,?,?,?)");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_job(s, st, 1, job_id);
    sqlite3_bind_int64(st, 2, row->seq);
    sqlite3_bind_text(st, 3, row->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, row->url, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, row->depth);
    sqlite3_bind_int(st, 6, row->status);
    sq_bind_text_or_null(st, 7, row->reason);
    sqlite3_bind_int64(st, 8, row->created_ms);
    int64_t changes = 0;
    cinder_err rc = sq_step(s, st, "insert item", &changes);
    *inserted = changes == 1;
    return rc;
}

static cinder_err tx_item_find(void *tx, const char *job_id, const char *key, store_item_key_t *out)
{
    sq_t *s = tx;
    sqlite3_stmt *st = sq_prepare(s, "SELECT seq, status, reason FROM items WHERE job_no = ? AND "
                                     "key = ?");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_job(s, st, 1, job_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    cinder_err rc = CINDER_E_NOT_FOUND;
    if (sq_next(s, st, &rc, "find item")) {
        out->seq = sqlite3_column_int64(st, 0);
        out->status = (item_status)sqlite3_column_int(st, 1);
        const unsigned char *reason = sqlite3_column_text(st, 2);
        snprintf(out->reason, sizeof out->reason, "%s", reason ? (const char *)reason : "");
        rc = CINDER_OK;
    }
    sq_done(s, st);
    return rc;
}

/* Binds *to at 1..8 (status, reason, error, error_code, http_status, not_before_ms, finished_ms,
 * attempts) as the item updates below expect. */
static void bind_set(sqlite3_stmt *st, const store_item_set_t *to)
{
    sqlite3_bind_int(st, 1, to->status);
    sq_bind_text_or_null(st, 2, to->reason);
    sq_bind_text_or_null(st, 3, to->error);
    sq_bind_text_or_null(st, 4, to->error_code);
    sqlite3_bind_int64(st, 5, to->http_status);
    sqlite3_bind_int64(st, 6, to->not_before_ms);
    sqlite3_bind_int64(st, 7, to->finished_ms);
    sqlite3_bind_int(st, 8, to->attempts);
}

#define SET_COLUMNS                                                                                \
    "SET status = ?1, reason = ?2, error = ?3, error_code = ?4, http_status = ?5, "                \
    "not_before_ms = ?6, finished_ms = ?7, attempts = CASE WHEN ?8 < 0 THEN attempts ELSE ?8 END "

static cinder_err tx_item_set(void *tx, const char *job_id, int64_t seq, item_status from,
                              const store_item_set_t *to, bool *changed)
{
    sq_t *s = tx;
    sqlite3_stmt *st = sq_prepare(s, "UPDATE items " SET_COLUMNS
                                     "WHERE job_no = ?9 AND seq = ?10 AND status = ?11");
    if (!st)
        return CINDER_E_STORE;
    bind_set(st, to);
    sq_bind_job(s, st, 9, job_id);
    sqlite3_bind_int64(st, 10, seq);
    sqlite3_bind_int(st, 11, from);
    int64_t changes = 0;
    cinder_err rc = sq_step(s, st, "set item", &changes);
    *changed = changes == 1;
    return rc;
}

/* The statement for items_set_all: pending items of one job through their partial index (its
 * WHERE must appear literally), other states of one job, or a state in every job. */
static sqlite3_stmt *set_all_stmt(sq_t *s, const char *job_id, item_status from)
{
    if (!job_id)
        return sq_prepare(s, "UPDATE items " SET_COLUMNS "WHERE status = ?9");
    sqlite3_stmt *st =
        from == ITEM_PENDING
            ? sq_prepare(s, "UPDATE items INDEXED BY items_pending " SET_COLUMNS
                            "WHERE job_no = ?10 AND status = " SQ_ITEM_PENDING)
            : sq_prepare(s, "UPDATE items " SET_COLUMNS "WHERE job_no = ?10 AND status = ?9");
    if (st)
        sq_bind_job(s, st, 10, job_id);
    return st;
}

static cinder_err tx_items_set_all(void *tx, const char *job_id, item_status from,
                                   const store_item_set_t *to, int64_t *changed)
{
    sq_t *s = tx;
    sqlite3_stmt *st = set_all_stmt(s, job_id, from);
    if (!st)
        return CINDER_E_STORE;
    bind_set(st, to);
    sqlite3_bind_int(st, 9, from);
    return sq_step(s, st, "set items", changed);
}

static cinder_err tx_items_due(void *tx, const char *job_id, size_t max, int64_t now_ms,
                               store_item_t *out, size_t *n)
{
    sq_t *s = tx;
    /* INDEXED BY: without statistics the planner walks the primary key in seq order past every
     * finished item (O(job size) per claim); the partial index holds only pending items */
    sqlite3_stmt *st =
        sq_prepare(s, "SELECT seq, url, depth, attempts FROM items INDEXED BY items_pending "
                      "WHERE job_no = ? AND status = " SQ_ITEM_PENDING
                      " AND not_before_ms <= ? ORDER BY seq LIMIT ?");
    *n = 0;
    if (!st)
        return CINDER_E_STORE;
    sq_bind_job(s, st, 1, job_id);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
    cinder_err rc = CINDER_OK;
    while (*n < max && sq_next(s, st, &rc, "due items")) {
        store_item_t *it = &out[(*n)++];
        it->seq = sqlite3_column_int64(st, 0);
        it->url = xstrdup((const char *)sqlite3_column_text(st, 1));
        it->depth = sqlite3_column_int(st, 2);
        it->attempts = sqlite3_column_int(st, 3);
    }
    sq_done(s, st);
    for (size_t i = 0; rc && i < *n; i++)
        store_item_cleanup(&out[i]);
    if (rc)
        *n = 0;
    return rc;
}

static cinder_err tx_doc_insert(void *tx, const char *job_id, int64_t doc_seq, int64_t item_seq,
                                const char *doc, size_t len, bool packed)
{
    sq_t *s = tx;
    sqlite3_stmt *st = sq_prepare(s, "INSERT INTO documents(job_no, seq, compressed, raw_len, "
                                     "body, item_seq) VALUES(?,?,?,?,?,?)");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_job(s, st, 1, job_id);
    sqlite3_bind_int64(st, 2, doc_seq);
    if (packed)
        sq_bind_packed(st, 3, doc, len, SQLITE_STATIC);
    else
        sq_bind_doc(st, 3, doc, len);
    sqlite3_bind_int64(st, 6, item_seq);
    return sq_step(s, st, "insert document", NULL);
}

static cinder_err tx_team_credits(void *tx, const char *team, int64_t *credits)
{
    sq_t *s = tx;
    sqlite3_stmt *st = sq_prepare(s, "SELECT credits FROM teams WHERE name = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
    cinder_err rc = CINDER_E_NOT_FOUND;
    if (sq_next(s, st, &rc, "team credits")) {
        *credits = sqlite3_column_int64(st, 0);
        rc = CINDER_OK;
    }
    sq_done(s, st);
    return rc;
}

static cinder_err tx_team_set_credits(void *tx, const char *team, int64_t credits)
{
    sqlite3_stmt *st = sq_prepare(tx, "UPDATE teams SET credits = ? WHERE name = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_int64(st, 1, credits);
    sqlite3_bind_text(st, 2, team, -1, SQLITE_STATIC);
    return sq_step(tx, st, "set team credits", NULL);
}

static cinder_err tx_ledger(void *tx, const char *team, const char *job_id, const char *kind,
                            int64_t amount, int64_t now_ms)
{
    sqlite3_stmt *st = sq_prepare(tx, "INSERT INTO ledger(team, job_id, kind, amount, ms) "
                                      "VALUES(?, ?, ?, ?, ?)");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
    sq_bind_text_or_null(st, 2, job_id);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, amount);
    sqlite3_bind_int64(st, 5, now_ms);
    return sq_step(tx, st, "ledger", NULL);
}

static cinder_err tx_event(void *tx, const char *job_id, const store_event_t *ev, int64_t doc_seq,
                           int64_t now_ms)
{
    return sq_outbox_put_locked(tx, job_id, ev, doc_seq, now_ms);
}

const struct store_txn_ops sq_txn_ops = {
    .begin = tx_begin,
    .end = tx_end,
    .job_insert = tx_job_insert,
    .job_read = tx_job_read,
    .job_write = tx_job_write,
    .job_error = tx_job_error,
    .job_delete = tx_job_delete,
    .item_insert = tx_item_insert,
    .item_find = tx_item_find,
    .item_set = tx_item_set,
    .items_set_all = tx_items_set_all,
    .items_due = tx_items_due,
    .doc_insert = tx_doc_insert,
    .team_credits = tx_team_credits,
    .team_set_credits = tx_team_set_credits,
    .ledger = tx_ledger,
    .event = tx_event,
};
