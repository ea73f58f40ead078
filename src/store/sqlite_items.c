/*
 * SQLite backend, crawl items: the frontier, the seen-set and the per-URL outcome ledger are one
 * table (items), unique per (job, canonical key). Documents of a job are numbered in finish order.
 *
 * Threads: every function runs one IMMEDIATE transaction while holding the backend mutex
 * (sqlite_int.h), so a batch of outcomes and the links they discovered commit together (group
 * commit) and a kill -9 leaves either all of a batch or none of it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/mem.h"

typedef struct {
    int64_t admitted;  /* items admitted so far */
    int64_t completed; /* documents so far = next document position */
    int64_t failed;
    int64_t cancelled;
    int64_t next_seq;          /* next item number */
    int64_t charged, refunded; /* credit movements of this transaction */
    int status;
    bool found;
} job_state_t;

static cinder_err read_state(sq_t *s, const char *job_id, job_state_t *js)
{
    memset(js, 0, sizeof *js);
    sqlite3_stmt *st = sq_prepare(s, "SELECT admitted, completed, failed, status, "
                                     "(SELECT COALESCE(MAX(seq), -1) + 1 FROM items WHERE "
                                     "job_no = jobs.rowid), cancelled FROM jobs WHERE id = ?1");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        js->admitted = sqlite3_column_int64(st, 0);
        js->completed = sqlite3_column_int64(st, 1);
        js->failed = sqlite3_column_int64(st, 2);
        js->status = sqlite3_column_int(st, 3);
        js->next_seq = sqlite3_column_int64(st, 4);
        js->cancelled = sqlite3_column_int64(st, 5);
        js->found = true;
    }
    sq_done(s, st);
    return rc == SQLITE_ROW ? CINDER_OK : rc == SQLITE_DONE ? CINDER_E_NOT_FOUND : CINDER_E_STORE;
}

static cinder_err write_state(sq_t *s, const char *job_id, const job_state_t *js)
{
    sqlite3_stmt *st =
        sq_prepare(s, "UPDATE jobs SET admitted = ?, total = ?, completed = ?, failed = ?, "
                      "cancelled = ? WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_int64(st, 1, js->admitted);
    sqlite3_bind_int64(st, 2, js->admitted);
    sqlite3_bind_int64(st, 3, js->completed);
    sqlite3_bind_int64(st, 4, js->failed);
    sqlite3_bind_int64(st, 5, js->cancelled);
    sqlite3_bind_text(st, 6, job_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sq_done(s, st);
    return sq_err(s, rc, "write job counters");
}

/* Inserts new keys; admits pending items while under limit. Caller holds the transaction. */
static cinder_err add_locked(sq_t *s, const char *job_id, const store_item_new_t *items, size_t n,
                             int64_t limit, int64_t now_ms, job_state_t *js, size_t *admitted)
{
    sqlite3_stmt *st = sq_prepare(s, "INSERT OR IGNORE INTO items(job_no, seq, key, url, depth, "
                                     "status, reason, created_ms) VALUES(?,?,?,?,?,?,?,?)");
    if (!st)
        return CINDER_E_STORE;
    cinder_err rc = CINDER_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const store_item_new_t *it = &items[i];
        bool skip = it->skip_reason != NULL;
        if (!skip && limit >= 0 && js->admitted >= limit)
            continue; /* over the limit: dropped, never fetched */
        sqlite3_reset(st);
        sq_bind_job(s, st, 1, job_id);
        sqlite3_bind_int64(st, 2, js->next_seq);
        sqlite3_bind_text(st, 3, it->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, it->url, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, it->depth);
        sqlite3_bind_int(st, 6, skip ? ITEM_SKIPPED : ITEM_PENDING);
        if (skip)
            sqlite3_bind_text(st, 7, it->skip_reason, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 7);
        sqlite3_bind_int64(st, 8, now_ms);
        rc = sq_err(s, sqlite3_step(st), "insert item");
        if (rc || sqlite3_changes(s->db) != 1)
            continue;
        js->next_seq++;
        if (!skip) {
            js->admitted++;
            (*admitted)++;
        }
    }
    sq_done(s, st);
    return rc;
}

cinder_err sq_items_add(void *impl, const char *job_id, const store_item_new_t *items, size_t n,
                        int64_t limit, int64_t now_ms, size_t *admitted)
{
    sq_t *s = impl;
    job_state_t js;
    *admitted = 0;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    rc = read_state(s, job_id, &js);
    bool open = js.status == JOB_QUEUED || js.status == JOB_RUNNING;
    if (!rc && open)
        rc = add_locked(s, job_id, items, n, limit, now_ms, &js, admitted);
    if (!rc)
        rc = write_state(s, job_id, &js);
    if (!rc)
        rc = sq_credits_locked(s, job_id, js.charged, js.refunded, now_ms);
    return sq_end(s, rc);
}

static cinder_err claim_locked(sq_t *s, const char *job_id, size_t max, int64_t now_ms,
                               store_item_t *out, size_t *n)
{
    /* INDEXED BY: without statistics the planner walks the primary key in seq order past every
     * finished item (O(job size) per claim); the partial index holds only pending items */
    sqlite3_stmt *sel =
        sq_prepare(s, "SELECT seq, url, depth, attempts FROM items INDEXED BY items_pending "
                      "WHERE job_no = ? AND status = " SQ_ITEM_PENDING
                      " AND not_before_ms <= ? ORDER BY seq LIMIT ?");
    sqlite3_stmt *upd =
        sq_prepare(s, "UPDATE items SET status = " SQ_ITEM_RUNNING ", attempts = attempts + 1 "
                      "WHERE job_no = ? AND seq = ?");
    cinder_err rc = sel && upd ? CINDER_OK : CINDER_E_STORE;
    if (!rc) {
        sq_bind_job(s, sel, 1, job_id);
        sqlite3_bind_int64(sel, 2, now_ms);
        sqlite3_bind_int64(sel, 3, (sqlite3_int64)max);
    }
    while (!rc && *n < max && sq_next(s, sel, &rc, "claim items")) {
        store_item_t *it = &out[(*n)++];
        it->seq = sqlite3_column_int64(sel, 0);
        it->url = xstrdup((const char *)sqlite3_column_text(sel, 1));
        it->depth = sqlite3_column_int(sel, 2);
        it->attempts = sqlite3_column_int(sel, 3);
        sqlite3_reset(upd);
        sq_bind_job(s, upd, 1, job_id);
        sqlite3_bind_int64(upd, 2, it->seq);
        rc = sq_err(s, sqlite3_step(upd), "claim item");
    }
    sq_done(s, sel);
    sq_done(s, upd);
    return rc;
}

cinder_err sq_items_claim(void *impl, const char *job_id, size_t max, int64_t now_ms,
                          store_item_t *out, size_t *n)
{
    sq_t *s = impl;
    *n = 0;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    rc = claim_locked(s, job_id, max, now_ms, out, n);
    if (rc) {
        for (size_t i = 0; i < *n; i++)
            store_item_cleanup(&out[i]);
        *n = 0;
    }
    return sq_end(s, rc);
}

/* Moves a running item to its outcome; *changed tells whether it was still running. */
static cinder_err settle(sq_t *s, const char *job_id, const store_item_result_t *r, int64_t now_ms,
                         bool *changed)
{
    sqlite3_stmt *st = sq_prepare(
        s, "UPDATE items SET status = ?, reason = ?, error = ?, "
           "error_code = ?, http_status = ?, not_before_ms = ?, "
           "finished_ms = ? WHERE job_no = ? AND seq = ? AND status = " SQ_ITEM_RUNNING "");
    if (!st)
        return CINDER_E_STORE;
    bool retry = r->status == ITEM_PENDING;
    sqlite3_bind_int(st, 1, r->status);
    sqlite3_bind_text(st, 2, r->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->error, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->error_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, r->http_status);
    sqlite3_bind_int64(st, 6, retry ? r->not_before_ms : 0);
    sqlite3_bind_int64(st, 7, retry ? 0 : now_ms);
    sq_bind_job(s, st, 8, job_id);
    sqlite3_bind_int64(st, 9, r->seq);
    cinder_err rc = sq_err(s, sqlite3_step(st), "settle item");
    *changed = !rc && sqlite3_changes(s->db) == 1;
    sq_done(s, st);
    return rc;
}

static cinder_err put_doc(sq_t *s, const char *job_id, const store_item_result_t *r,
                          job_state_t *js)
{
    sqlite3_stmt *st = sq_prepare(s, "INSERT INTO documents(job_no, seq, compressed, raw_len, "
                                     "body, item_seq) VALUES(?,?,?,?,?,?)");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_job(s, st, 1, job_id);
    sqlite3_bind_int64(st, 2, js->completed);
    if (r->doc && r->doc_packed)
        sq_bind_packed(st, 3, r->doc, r->doc_len, SQLITE_STATIC);
    else
        sq_bind_doc(st, 3, r->doc ? r->doc : "{}", r->doc ? r->doc_len : 2);
    sqlite3_bind_int64(st, 6, r->seq);
    cinder_err rc = sq_err(s, sqlite3_step(st), "insert document");
    sq_done(s, st);
    if (!rc)
        js->completed++;
    return rc;
}

/* Status of the item holding key (-1 if none; *seq receives its number). A key recorded as a
 * redirect target counts as ITEM_SUCCEEDED: a document for it is stored under another item. */
static int key_status(sq_t *s, const char *job_id, const char *key, int64_t *seq)
{
    sqlite3_stmt *st =
        sq_prepare(s, "SELECT CASE WHEN reason = 'redirect_target' THEN " SQ_ITEM_SUCCEEDED " ELSE "
                      "status END, seq FROM items WHERE job_no = ? AND key = ?");
    int status = -1;
    if (!st)
        return -1;
    sq_bind_job(s, st, 1, job_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        status = sqlite3_column_int(st, 0);
        *seq = sqlite3_column_int64(st, 1);
    }
    sq_done(s, st);
    return status;
}

/* Locks the key of the page's redirect target. Returns true when a document for it is already
 * stored (this page is then a duplicate). */
static bool lock_redirect_target(sq_t *s, const char *job_id, const store_item_result_t *r,
                                 int64_t now_ms, job_state_t *js)
{
    int64_t other = -1;
    int st = key_status(s, job_id, r->final_key, &other);
    if (st == ITEM_SUCCEEDED)
        return other != r->seq;
    if (st == ITEM_PENDING) {
        sqlite3_stmt *up = sq_prepare(s, "UPDATE items SET status = " SQ_ITEM_SKIPPED ", "
                                         "reason = 'redirect_target' WHERE job_no = ? AND seq = ?");
        if (up) {
            sq_bind_job(s, up, 1, job_id);
            sqlite3_bind_int64(up, 2, other);
            if (sqlite3_step(up) == SQLITE_DONE && js->admitted > 0)
                js->admitted--;
        }
        sq_done(s, up);
    } else if (st < 0) {
        store_item_new_t lock = {r->final_url ? r->final_url : r->final_key, r->final_key, 0,
                                 "redirect_target"};
        size_t none = 0;
        add_locked(s, job_id, &lock, 1, -1, now_ms, js, &none);
    }
    return false;
}

static cinder_err finish_one(sq_t *s, const char *job_id, const store_item_result_t *in,
                             int64_t limit, int64_t now_ms, job_state_t *js)
{
    bool changed = false;
    store_item_result_t dup;
    const store_item_result_t *r = in;
    bool open = js->status == JOB_QUEUED || js->status == JOB_RUNNING;
    if (in->status == ITEM_PENDING && !open) { /* a retry or a shutdown after the cancel */
        dup = *in;
        dup.status = ITEM_CANCELLED;
        dup.reason = "cancelled";
        r = &dup;
    } else if (in->status == ITEM_SUCCEEDED && in->final_key &&
               lock_redirect_target(s, job_id, in, now_ms, js)) {
        dup = *in;
        dup.status = ITEM_SKIPPED;
        dup.reason = "duplicate";
        r = &dup;
    }
    cinder_err rc = settle(s, job_id, r, now_ms, &changed);
    if (rc || !changed)
        return rc; /* not running any more: a duplicate or stale outcome */
    if (r->status == ITEM_SUCCEEDED) {
        rc = put_doc(s, job_id, r, js);
        js->charged++;
        if (!rc)
            rc = sq_outbox_put_locked(s, job_id, r->event, js->completed - 1, now_ms);
    } else if (r->status == ITEM_FAILED) {
        js->failed++;
        js->refunded++; /* a failed item costs nothing */
        rc = sq_outbox_put_locked(s, job_id, r->event, -1, now_ms);
    } else if (r->status == ITEM_CANCELLED) {
        js->cancelled++;
        js->refunded++; /* kept reserved at the cancel while it ran: returned now */
    } else if (r->status == ITEM_SKIPPED && js->admitted > 0)
        js->admitted--; /* refused before any fetch (robots): its budget slot is free again */
    size_t added = 0;
    if (!rc && open && r->n_found)
        rc = add_locked(s, job_id, r->found, r->n_found, limit, now_ms, js, &added);
    return rc;
}

cinder_err sq_items_finish(void *impl, const char *job_id, const store_item_result_t *res, size_t n,
                           int64_t limit, int64_t now_ms)
{
    sq_t *s = impl;
    job_state_t js;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    rc = read_state(s, job_id, &js);
    for (size_t i = 0; i < n && !rc; i++)
        rc = finish_one(s, job_id, &res[i], limit, now_ms, &js);
    if (!rc)
        rc = write_state(s, job_id, &js);
    if (!rc)
        rc = sq_credits_locked(s, job_id, js.charged, js.refunded, now_ms);
    return sq_end(s, rc);
}

cinder_err sq_items_recover(void *impl, int64_t *reset)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    rc = sq_exec(s, "UPDATE items SET status = " SQ_ITEM_PENDING " WHERE status = " SQ_ITEM_RUNNING
                    "");
    *reset = rc ? 0 : sqlite3_changes(s->db);
    return sq_end(s, rc);
}

/* Cancels the running items listed in c->unstarted; adds how many to c->cancelled. */
static cinder_err cancel_unstarted(sq_t *s, const char *job_id, int64_t now_ms, store_cancel_t *c)
{
    if (!c->n_unstarted)
        return CINDER_OK;
    sqlite3_stmt *st = sq_prepare(
        s, "UPDATE items SET status = " SQ_ITEM_CANCELLED ", reason = 'cancelled', "
           "finished_ms = ? WHERE job_no = ? AND seq = ? AND status = " SQ_ITEM_RUNNING "");
    if (!st)
        return CINDER_E_STORE;
    cinder_err rc = CINDER_OK;
    sqlite3_bind_int64(st, 1, now_ms);
    sq_bind_job(s, st, 2, job_id);
    for (size_t i = 0; i < c->n_unstarted && !rc; i++) {
        sqlite3_bind_int64(st, 3, c->unstarted[i]);
        rc = sq_err(s, sqlite3_step(st), "cancel unstarted item");
        if (!rc)
            c->cancelled += sqlite3_changes(s->db);
        sqlite3_reset(st);
    }
    sq_done(s, st);
    return rc;
}

static cinder_err cancel_locked(sq_t *s, const char *job_id, int64_t now_ms, store_cancel_t *c)
{
    sqlite3_stmt *st =
        sq_prepare(s, "UPDATE items INDEXED BY items_pending SET status = " SQ_ITEM_CANCELLED ", "
                      "reason = 'cancelled', "
                      "finished_ms = ? WHERE job_no = ? AND status = " SQ_ITEM_PENDING "");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_int64(st, 1, now_ms);
    sq_bind_job(s, st, 2, job_id);
    cinder_err rc = sq_err(s, sqlite3_step(st), "cancel items");
    c->cancelled = rc ? 0 : sqlite3_changes(s->db);
    sq_done(s, st);
    if (!rc)
        rc = cancel_unstarted(s, job_id, now_ms, c);
    if (rc)
        return rc;
    st = sq_prepare(s, "UPDATE jobs SET status = " SQ_JOB_CANCELLED
                       ", cancelled_ms = ?1, finished_ms = ?1, "
                       "expires_ms = ?1 + (expires_ms - created_ms), "
                       "cancelled = cancelled + ?2 WHERE id = ?3");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, c->cancelled);
    sqlite3_bind_text(st, 3, job_id, -1, SQLITE_STATIC);
    rc = sq_err(s, sqlite3_step(st), "cancel job");
    sq_done(s, st);
    return rc;
}

/* The job's status for cancel: NOT_FOUND, EXPIRED, or OK with *status set. */
static cinder_err job_status_locked(sq_t *s, const char *job_id, int64_t now_ms, int *status)
{
    sqlite3_stmt *st = sq_prepare(s, "SELECT status, expired, expires_ms FROM jobs WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
    cinder_err rc = CINDER_E_NOT_FOUND;
    if (sq_next(s, st, &rc, "job status")) {
        *status = sqlite3_column_int(st, 0);
        bool expired = sqlite3_column_int(st, 1) ||
                       (*status > JOB_RUNNING && sqlite3_column_int64(st, 2) <= now_ms);
        rc = expired ? CINDER_E_EXPIRED : CINDER_OK;
    }
    sq_done(s, st);
    return rc;
}

cinder_err sq_job_cancel(void *impl, const char *job_id, int64_t now_ms, store_cancel_t *out)
{
    sq_t *s = impl;
    int status = 0;
    out->cancelled = out->refunded = 0;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    rc = job_status_locked(s, job_id, now_ms, &status);
    if (!rc && status != JOB_QUEUED && status != JOB_RUNNING)
        rc = CINDER_E_ALREADY_TERMINAL;
    if (!rc)
        rc = cancel_locked(s, job_id, now_ms, out);
    if (!rc)
        rc = sq_cancel_refund_locked(s, job_id, now_ms, &out->refunded);
    if (!rc)
        rc = sq_outbox_put_locked(s, job_id, out->event, -1, now_ms);
    if (rc == CINDER_E_ALREADY_TERMINAL || rc == CINDER_E_NOT_FOUND || rc == CINDER_E_EXPIRED) {
        sq_end(s, CINDER_E_DECLINED); /* nothing written: roll back */
        return rc;
    }
    return sq_end(s, rc);
}

cinder_err sq_docs_page(void *impl, const char *job_id, int64_t skip, size_t limit,
                        size_t max_bytes, char ***docs, size_t *n)
{
    sq_t *s = sq_read_begin(impl);
    *docs = NULL;
    *n = 0;
    sqlite3_stmt *st = sq_prepare(s, "SELECT compressed, raw_len, body FROM documents WHERE "
                                     "job_no = ? AND seq >= ? ORDER BY seq LIMIT ?");
    cinder_err rc = st ? CINDER_OK : CINDER_E_STORE;
    if (!rc) {
        sq_bind_job(s, st, 1, job_id);
        sqlite3_bind_int64(st, 2, skip);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
        *docs = xcalloc(limit ? limit : 1, sizeof **docs);
    }
    size_t bytes = 0;
    while (!rc && *n < limit && sq_next(s, st, &rc, "documents page")) {
        size_t raw = (size_t)sqlite3_column_int64(st, 1);
        if (*n && bytes + raw > max_bytes)
            break; /* the page is full; a single huge document still goes alone */
        rc = sq_read_doc(st, 0, &(*docs)[*n], NULL);
        if (!rc) {
            bytes += raw;
            (*n)++;
        }
    }
    sq_done(s, st);
    sq_read_end(s);
    if (rc) {
        store_docs_free(*docs, *n);
        *docs = NULL;
        *n = 0;
    }
    return rc;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

cinder_err sq_items_errors(void *impl, const char *job_id, size_t max, store_item_error_t **out,
                           size_t *n)
{
    sq_t *s = sq_read_begin(impl);
    *out = xcalloc(max ? max : 1, sizeof **out);
    *n = 0;
    sqlite3_stmt *st =
        sq_prepare(s, "SELECT seq, status, url, reason, error, error_code, "
                      "finished_ms, created_ms FROM items INDEXED BY items_problems "
                      "WHERE job_no = ? AND "
                      "status IN (" SQ_ITEM_FAILED ", " SQ_ITEM_SKIPPED ") ORDER BY seq LIMIT ?");
    if (st) {
        sq_bind_job(s, st, 1, job_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    }
    cinder_err rc = st ? CINDER_OK : CINDER_E_STORE;
    while (!rc && *n < max && sq_next(s, st, &rc, "item errors")) {
        store_item_error_t *e = &(*out)[(*n)++];
        e->seq = sqlite3_column_int64(st, 0);
        e->status = (item_status)sqlite3_column_int(st, 1);
        e->url = col_dup(st, 2);
        e->reason = col_dup(st, 3);
        e->error = col_dup(st, 4);
        e->error_code = col_dup(st, 5);
        e->finished_ms = sqlite3_column_int64(st, 6);
        if (!e->finished_ms)
            e->finished_ms = sqlite3_column_int64(st, 7);
    }
    sq_done(s, st);
    sq_read_end(s);
    if (rc) {
        store_item_errors_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

cinder_err sq_jobs_active(void *impl, job_kind kind, char ***ids, size_t *n)
{
    sq_t *s = sq_read_begin(impl);
    size_t cap = 16;
    *ids = xcalloc(cap, sizeof **ids);
    *n = 0;
    sqlite3_stmt *st =
        sq_prepare(s, "SELECT id FROM jobs WHERE kind = ? AND status IN (" SQ_JOB_QUEUED
                      ", " SQ_JOB_RUNNING ") "
                      "AND expired = 0 ORDER BY created_ms");
    if (st)
        sqlite3_bind_int(st, 1, kind);
    cinder_err rc = st ? CINDER_OK : CINDER_E_STORE;
    while (!rc && sq_next(s, st, &rc, "active jobs")) {
        if (*n == cap) {
            cap *= 2;
            *ids = xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sq_done(s, st);
    sq_read_end(s);
    if (rc) {
        store_docs_free(*ids, *n);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

static void read_item_info(sqlite3_stmt *st, store_item_info_t *it)
{
    it->seq = sqlite3_column_int64(st, 0);
    it->status = (item_status)sqlite3_column_int(st, 1);
    it->url = col_dup(st, 2);
    it->reason = col_dup(st, 3);
    it->error = col_dup(st, 4);
    it->error_code = col_dup(st, 5);
    it->http_status = (long)sqlite3_column_int64(st, 6);
    it->attempts = sqlite3_column_int(st, 7);
    it->created_ms = sqlite3_column_int64(st, 8);
    it->finished_ms = sqlite3_column_int64(st, 9);
}

/* The item numbered seq in items[0..n) (sorted by seq), or NULL. */
static store_item_info_t *find_item(store_item_info_t *items, size_t n, int64_t seq)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (items[mid].seq == seq)
            return &items[mid];
        if (items[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Attaches the documents of the listed items (one pass over the job's documents). */
static cinder_err attach_docs(sq_t *s, const char *job_id, store_item_info_t *items, size_t n)
{
    sqlite3_stmt *st = sq_prepare(s, "SELECT item_seq, compressed, raw_len, body FROM documents "
                                     "WHERE job_no = ?");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_job(s, st, 1, job_id);
    cinder_err rc = CINDER_OK;
    while (!rc && sq_next(s, st, &rc, "item documents")) {
        store_item_info_t *it = find_item(items, n, sqlite3_column_int64(st, 0));
        if (it && !it->doc)
            rc = sq_read_doc(st, 1, &it->doc, NULL);
    }
    sq_done(s, st);
    return rc;
}

cinder_err sq_items_list(void *impl, const char *job_id, size_t max, bool docs,
                         store_item_info_t **out, size_t *n)
{
    sq_t *s = sq_read_begin(impl);
    *out = xcalloc(max ? max : 1, sizeof **out);
    *n = 0;
    sqlite3_stmt *st = sq_prepare(s, "SELECT seq, status, url, reason, error, error_code, "
                                     "http_status, attempts, created_ms, finished_ms FROM items "
                                     "WHERE job_no = ? AND (reason IS NULL OR reason <> "
                                     "'redirect_target') ORDER BY seq LIMIT ?");
    if (st) {
        sq_bind_job(s, st, 1, job_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    }
    cinder_err rc = st ? CINDER_OK : CINDER_E_STORE;
    while (!rc && *n < max && sq_next(s, st, &rc, "items"))
        read_item_info(st, &(*out)[(*n)++]);
    sq_done(s, st);
    if (!rc && docs)
        rc = attach_docs(s, job_id, *out, *n);
    sq_read_end(s);
    if (rc) {
        store_item_infos_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* Re-queues the failed items and reopens the job; *n receives how many. */
static cinder_err retry_locked(sq_t *s, const char *job_id, int64_t now_ms, int64_t *n)
{
    sqlite3_stmt *st =
        sq_prepare(s, "UPDATE items SET status = " SQ_ITEM_PENDING ", reason = NULL, error = NULL, "
                      "error_code = NULL, http_status = 0, attempts = 0, "
                      "not_before_ms = 0, finished_ms = 0 "
                      "WHERE job_no = ? AND status = " SQ_ITEM_FAILED "");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_job(s, st, 1, job_id);
    cinder_err rc = sq_err(s, sqlite3_step(st), "retry items");
    *n = rc ? 0 : sqlite3_changes(s->db);
    sq_done(s, st);
    if (rc || *n == 0)
        return rc;
    st =
        sq_prepare(s, "UPDATE jobs SET status = " SQ_JOB_RUNNING ", finished_ms = 0, error = NULL, "
                      "error_code = NULL, failed = MAX(0, failed - ?1) WHERE id = ?2");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_int64(st, 1, *n);
    sqlite3_bind_text(st, 2, job_id, -1, SQLITE_STATIC);
    rc = sq_err(s, sqlite3_step(st), "reopen job");
    sq_done(s, st);
    return rc ? rc : sq_reserve_locked(s, job_id, *n, now_ms);
}

cinder_err sq_items_retry(void *impl, const char *job_id, int64_t now_ms, int64_t *n)
{
    sq_t *s = impl;
    int status = 0;
    *n = 0;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    rc = job_status_locked(s, job_id, now_ms, &status);
    if (!rc && status == JOB_CANCELLED)
        rc = CINDER_E_ALREADY_TERMINAL;
    if (!rc)
        rc = retry_locked(s, job_id, now_ms, n);
    if (rc == CINDER_E_ALREADY_TERMINAL || rc == CINDER_E_NOT_FOUND || rc == CINDER_E_EXPIRED ||
        rc == CINDER_E_NO_CREDITS || *n == 0) {
        *n = 0;
        sq_end(s, CINDER_E_DECLINED);
        return rc;
    }
    return sq_end(s, rc);
}
