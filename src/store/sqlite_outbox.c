/*
 * SQLite backend, webhook outbox: events waiting for delivery. An event is written inside the
 * transaction of the change it reports (job creation, an item outcome, the job's end or cancel),
 * so a kill -9 never separates the two. Events of one job are handed out one at a time in outbox
 * order, its final event after all others and only once no item of the job is running (pages in
 * flight at a cancel settle first). A page event does not copy its document: it names the
 * document's position (doc_seq) and the document is read when the event is handed out.
 *
 * Threads: every function holds the backend mutex (sqlite_int.h) for its statements; puts run
 * inside the caller's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/mem.h"

cinder_err sq_outbox_put_locked(sq_t *s, const char *job_id, const store_event_t *ev,
                                int64_t doc_seq, int64_t now_ms)
{
    if (!ev || !ev->url || !ev->body)
        return CINDER_OK;
    sqlite3_stmt *st = sq_prepare(s, "INSERT INTO outbox(job_id, final, url, headers, body, "
                                     "doc_seq, created_ms) VALUES(?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, ev->final);
    sqlite3_bind_text(st, 3, ev->url, -1, SQLITE_STATIC);
    if (ev->headers)
        sqlite3_bind_text(st, 4, ev->headers, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, ev->body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, doc_seq);
    sqlite3_bind_int64(st, 7, now_ms);
    cinder_err rc = sq_err(s, sqlite3_step(st), "outbox put");
    sq_done(s, st);
    return rc;
}

static char *text_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

/* Reads one head row (see sq_outbox_due's query) into ev. */
static cinder_err read_head(sqlite3_stmt *st, store_outbox_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->id = sqlite3_column_int64(st, 0);
    snprintf(ev->job_id, sizeof ev->job_id, "%s", (const char *)sqlite3_column_text(st, 1));
    ev->url = text_dup(st, 2);
    ev->headers = text_dup(st, 3);
    ev->body = text_dup(st, 4);
    ev->attempts = sqlite3_column_int(st, 5);
    if (sqlite3_column_type(st, 8) == SQLITE_NULL)
        return CINDER_OK;
    return sq_read_doc(st, 6, &ev->doc, NULL);
}

cinder_err sq_outbox_due(void *impl, int64_t now_ms, size_t max, store_outbox_t **out, size_t *n)
{
    sq_t *s = sq_read_begin(impl);
    *out = xcalloc(max ? max : 1, sizeof **out);
    *n = 0;
    /* Only the head of each job's queue can be due. The jobs are walked through the outbox_job
     * index (one seek per job, a skip scan), so a backlog of N events behind a dead receiver
     * costs O(jobs * log N) a poll, not a scan of every row. */
    sqlite3_stmt *st = sq_prepare(
        s, "WITH RECURSIVE q(job) AS (SELECT (SELECT MIN(job_id) FROM outbox) UNION ALL "
           "SELECT (SELECT MIN(job_id) FROM outbox WHERE job_id > q.job) FROM q WHERE q.job IS "
           "NOT NULL) "
           "SELECT o.id, o.job_id, o.url, o.headers, o.body, o.attempts, d.compressed, "
           "d.raw_len, d.body FROM q JOIN outbox o ON o.id = (SELECT h.id FROM outbox h WHERE "
           "h.job_id = q.job ORDER BY h.final, h.id LIMIT 1) LEFT JOIN jobs j ON j.id = o.job_id "
           "LEFT JOIN documents d ON o.doc_seq >= 0 AND d.job_no = j.rowid AND d.seq = o.doc_seq "
           "WHERE o.next_ms <= ?1 AND (o.final = 0 OR NOT EXISTS (SELECT 1 "
           "FROM items i INDEXED BY items_running WHERE i.job_no = j.rowid AND i.status "
           "= " SQ_ITEM_RUNNING ")) "
           "ORDER BY o.next_ms, o.id LIMIT ?2");
    cinder_err rc = st ? CINDER_OK : CINDER_E_STORE;
    if (st) {
        sqlite3_bind_int64(st, 1, now_ms);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    }
    while (!rc && *n < max && sq_next(s, st, &rc, "outbox")) {
        rc = read_head(st, &(*out)[*n]);
        (*n)++;
    }
    sq_done(s, st);
    sq_read_end(s);
    if (rc) {
        store_outbox_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* Runs one write statement with (a, b) bound as integers 1 and 2, under the mutex. */
static cinder_err write_ids(sq_t *s, const char *sql, int64_t a, int64_t b, int nbind)
{
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = sq_prepare(s, sql);
    cinder_err rc = st ? CINDER_OK : CINDER_E_STORE;
    if (st) {
        sqlite3_bind_int64(st, 1, a);
        if (nbind > 1)
            sqlite3_bind_int64(st, 2, b);
        rc = sq_err(s, sqlite3_step(st), sql);
    }
    sq_done(s, st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

cinder_err sq_outbox_retry(void *impl, int64_t id, int64_t next_ms)
{
    return write_ids(impl, "UPDATE outbox SET attempts = attempts + 1, next_ms = ?2 WHERE id = ?1",
                     id, next_ms, 2);
}

cinder_err sq_outbox_delete(void *impl, int64_t id)
{
    return write_ids(impl, "DELETE FROM outbox WHERE id = ?1", id, 0, 1);
}
