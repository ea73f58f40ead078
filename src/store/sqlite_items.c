/*
 * SQLite backend, reads of crawl items and documents: the frontier, the seen-set and the per-URL
 * outcome ledger are one table (items), unique per (job, canonical key); documents of a job are
 * numbered in finish order. Writes go through the transaction primitives (sqlite_txn.c).
 *
 * Threads: every read runs on a reader connection in one read transaction (sq_read_begin).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/mem.h"

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
