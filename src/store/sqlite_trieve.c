/*
 * SQLite backend, Trieve: datasets, crawl requests (with the jobs each one ran) and the chunks
 * that crawled pages became; and deleting a job with its rows.
 *
 * Threads: every function holds the backend mutex for its statements (sqlite_int.h); the writes
 * of several statements (a request with its job, a delete, a page's chunks) run in one
 * IMMEDIATE transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/mem.h"

#define TRIEVE_COLS                                                                                \
    "id, team, dataset, scrape_id, url, options, crawl, status, interval_ms, next_ms, "            \
    "created_ms, started_ms, done"

static char *col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

static void col_copy(sqlite3_stmt *st, int i, char *out, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, len, "%s", t ? (const char *)t : "");
}

/* ---- jobs ---------------------------------------------------------------------------- */

cinder_err sq_job_delete_locked(sq_t *s, const char *job_id)
{
    cinder_err rc = CINDER_OK;
    static const char *const sql[] = {
        "DELETE FROM documents WHERE job_no = (SELECT rowid FROM jobs WHERE id = ?)",
        "DELETE FROM items WHERE job_no = (SELECT rowid FROM jobs WHERE id = ?)",
        "DELETE FROM outbox WHERE job_id = ?",
        "DELETE FROM jobs WHERE id = ?",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0] && !rc; i++) {
        sqlite3_stmt *st = sq_prepare(s, sql[i]);
        if (!st)
            return CINDER_E_STORE;
        sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
        rc = sq_err(s, sqlite3_step(st), "delete job");
        sq_done(s, st);
    }
    if (!rc && sqlite3_changes(s->db) == 0)
        rc = CINDER_E_NOT_FOUND;
    s->job_cache_id[0] = '\0'; /* the row is gone: forget its cached key */
    return rc;
}

/* ---- datasets ------------------------------------------------------------------------ */

cinder_err sq_dataset_touch(void *impl, const char *team, const char *dataset, int64_t now_ms)
{
    sq_t *s = impl;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = sq_prepare(s, "SELECT 1 FROM trieve_datasets WHERE team = ? AND id = ?");
    cinder_err rc = st ? CINDER_OK : CINDER_E_STORE;
    bool known = false;
    if (st) {
        sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, dataset, -1, SQLITE_STATIC);
        known = sqlite3_step(st) == SQLITE_ROW;
    }
    sq_done(s, st);
    if (!rc && !known) {
        st = sq_prepare(s, "INSERT OR IGNORE INTO trieve_datasets(team, id, created_ms) "
                           "VALUES(?, ?, ?)");
        rc = st ? CINDER_OK : CINDER_E_STORE;
        if (st) {
            sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, dataset, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, now_ms);
            rc = sq_err(s, sqlite3_step(st), "dataset");
        }
        sq_done(s, st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* ---- crawl requests ------------------------------------------------------------------ */

static void read_trieve(sqlite3_stmt *st, store_trieve_t *r)
{
    memset(r, 0, sizeof *r);
    col_copy(st, 0, r->id, sizeof r->id);
    col_copy(st, 1, r->team, sizeof r->team);
    col_copy(st, 2, r->dataset, sizeof r->dataset);
    col_copy(st, 3, r->scrape_id, sizeof r->scrape_id);
    r->url = col_str(st, 4);
    r->options = col_str(st, 5);
    r->crawl = col_str(st, 6);
    r->status = col_str(st, 7);
    r->interval_ms = sqlite3_column_int64(st, 8);
    r->next_ms = sqlite3_column_int64(st, 9);
    r->created_ms = sqlite3_column_int64(st, 10);
    r->started_ms = sqlite3_column_int64(st, 11);
    r->done = sqlite3_column_int(st, 12) != 0;
}

/* Steps a bound query and collects its rows. Caller holds s->mu; st is handed back. */
static cinder_err collect(sq_t *s, sqlite3_stmt *st, store_trieve_t **out, size_t *n)
{
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        read_trieve(st, &(*out)[(*n)++]);
    }
    cinder_err err = sq_err(s, rc, "crawl requests");
    sq_done(s, st);
    if (err) {
        store_trieve_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return err;
}

static cinder_err put_locked(sq_t *s, const store_trieve_t *r)
{
    sqlite3_stmt *st = sq_prepare(
        s, "INSERT INTO trieve_crawls(" TRIEVE_COLS ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) "
           "ON CONFLICT(id) DO UPDATE SET scrape_id = excluded.scrape_id, url = excluded.url, "
           "options = excluded.options, crawl = excluded.crawl, status = excluded.status, "
           "interval_ms = excluded.interval_ms, next_ms = excluded.next_ms, "
           "started_ms = excluded.started_ms, done = excluded.done");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, r->id);
    sq_bind_text_or_null(st, 2, r->team);
    sq_bind_text_or_null(st, 3, r->dataset);
    sq_bind_text_or_null(st, 4, r->scrape_id);
    sq_bind_text_or_null(st, 5, r->url ? r->url : "");
    sq_bind_text_or_null(st, 6, r->options ? r->options : "{}");
    sq_bind_text_or_null(st, 7, r->crawl ? r->crawl : "{}");
    sq_bind_text_or_null(st, 8, r->status);
    sqlite3_bind_int64(st, 9, r->interval_ms);
    sqlite3_bind_int64(st, 10, r->next_ms);
    sqlite3_bind_int64(st, 11, r->created_ms);
    sqlite3_bind_int64(st, 12, r->started_ms);
    sqlite3_bind_int(st, 13, r->done);
    cinder_err rc = sq_err(s, sqlite3_step(st), "crawl request");
    sq_done(s, st);
    if (rc || !*r->scrape_id)
        return rc;
    st = sq_prepare(s, "INSERT OR IGNORE INTO trieve_jobs(request_id, job_id) VALUES(?, ?)");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, r->id);
    sq_bind_text_or_null(st, 2, r->scrape_id);
    rc = sq_err(s, sqlite3_step(st), "crawl request job");
    sq_done(s, st);
    return rc;
}

cinder_err sq_trieve_put(void *impl, const store_trieve_t *rec)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    return sq_end(s, put_locked(s, rec));
}

/* Reads the request of team/dataset named by id or scrape_id. Caller holds s->mu. */
static cinder_err get_locked(sq_t *s, const char *team, const char *dataset, const char *id,
                             store_trieve_t *out)
{
    sqlite3_stmt *st = sq_prepare(s, "SELECT " TRIEVE_COLS " FROM trieve_crawls WHERE team = ?1 "
                                     "AND dataset = ?2 AND (id = ?3 OR scrape_id = ?3) "
                                     "ORDER BY id = ?3 DESC LIMIT 1");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_trieve(st, out);
    cinder_err err = rc == SQLITE_ROW    ? CINDER_OK
                     : rc == SQLITE_DONE ? CINDER_E_NOT_FOUND
                                         : sq_err(s, rc, "crawl request");
    sq_done(s, st);
    return err;
}

cinder_err sq_trieve_get(void *impl, const char *team, const char *dataset, const char *id,
                         store_trieve_t *out)
{
    sq_t *s = sq_read_begin(impl);
    cinder_err rc = get_locked(s, team, dataset, id, out);
    sq_read_end(s);
    return rc;
}

cinder_err sq_trieve_list(void *impl, const char *team, const char *dataset, int64_t skip,
                          size_t limit, store_trieve_t **out, size_t *n)
{
    sq_t *s = sq_read_begin(impl);
    sqlite3_stmt *st = sq_prepare(s, "SELECT " TRIEVE_COLS " FROM trieve_crawls WHERE team = ? "
                                     "AND dataset = ? ORDER BY created_ms DESC, rowid DESC "
                                     "LIMIT ? OFFSET ?");
    cinder_err rc = CINDER_E_STORE;
    if (st) {
        sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, dataset, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
        sqlite3_bind_int64(st, 4, skip);
        rc = collect(s, st, out, n);
    }
    sq_read_end(s);
    return rc;
}

cinder_err sq_trieve_open(void *impl, int64_t now_ms, store_trieve_t **out, size_t *n)
{
    sq_t *s = sq_read_begin(impl);
    sqlite3_stmt *st = sq_prepare(s, "SELECT " TRIEVE_COLS " FROM trieve_crawls WHERE done = 0 "
                                     "OR (interval_ms > 0 AND next_ms <= ?) ORDER BY next_ms");
    cinder_err rc = CINDER_E_STORE;
    if (st) {
        sqlite3_bind_int64(st, 1, now_ms);
        rc = collect(s, st, out, n);
    }
    sq_read_end(s);
    return rc;
}

cinder_err sq_trieve_done(void *impl, const char *id, const char *scrape_id, const char *status)
{
    sq_t *s = impl;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = sq_prepare(s, "UPDATE trieve_crawls SET done = 1, status = ? "
                                     "WHERE id = ? AND scrape_id = ?");
    cinder_err rc = CINDER_E_STORE;
    if (st) {
        sq_bind_text_or_null(st, 1, status);
        sq_bind_text_or_null(st, 2, id);
        sq_bind_text_or_null(st, 3, scrape_id);
        rc = sq_err(s, sqlite3_step(st), "crawl request done");
    }
    sq_done(s, st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* The ids of the jobs request id ran. Caller holds s->mu. */
static cinder_err request_jobs(sq_t *s, const char *id, char ***jobs, size_t *n)
{
    sqlite3_stmt *st = sq_prepare(s, "SELECT job_id FROM trieve_jobs WHERE request_id = ?");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *jobs = xrealloc(*jobs, cap * sizeof **jobs);
        }
        (*jobs)[(*n)++] = col_str(st, 0);
    }
    sq_done(s, st);
    return sq_err(s, rc, "crawl request jobs");
}

/* Runs a one-parameter DELETE for request id. Caller holds s->mu. */
static cinder_err delete_by(sq_t *s, const char *sql, const char *id)
{
    sqlite3_stmt *st = sq_prepare(s, sql);
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, id);
    cinder_err rc = sq_err(s, sqlite3_step(st), sql);
    sq_done(s, st);
    return rc;
}

static cinder_err delete_locked(sq_t *s, const char *id)
{
    char **jobs = NULL;
    size_t n = 0;
    cinder_err rc = request_jobs(s, id, &jobs, &n);
    for (size_t i = 0; i < n; i++) {
        cinder_err e = rc ? rc : sq_job_delete_locked(s, jobs[i]);
        rc = e == CINDER_E_NOT_FOUND ? CINDER_OK : e; /* expired and purged already */
        free(jobs[i]);
    }
    free(jobs);
    if (!rc)
        rc = delete_by(s, "DELETE FROM trieve_chunks WHERE request_id = ?", id);
    if (!rc)
        rc = delete_by(s, "DELETE FROM trieve_jobs WHERE request_id = ?", id);
    if (!rc)
        rc = delete_by(s, "DELETE FROM trieve_crawls WHERE id = ?", id);
    return rc;
}

cinder_err sq_trieve_delete(void *impl, const char *team, const char *dataset, const char *id)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    store_trieve_t rec;
    rc = get_locked(s, team, dataset, id, &rec);
    if (!rc) {
        rc = delete_locked(s, rec.id);
        store_trieve_cleanup(&rec);
    }
    cinder_err end = sq_end(s, rc == CINDER_E_NOT_FOUND ? CINDER_OK : rc);
    return rc ? rc : end;
}

/* ---- chunks -------------------------------------------------------------------------- */

static cinder_err request_exists(sq_t *s, const char *id)
{
    sqlite3_stmt *st = sq_prepare(s, "SELECT 1 FROM trieve_crawls WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, id);
    int rc = sqlite3_step(st);
    sq_done(s, st);
    return rc == SQLITE_ROW ? CINDER_OK : rc == SQLITE_DONE ? CINDER_E_NOT_FOUND : CINDER_E_STORE;
}

static cinder_err upsert_one(sq_t *s, const char *team, const char *dataset, const store_chunk_t *c,
                             int64_t now_ms)
{
    sqlite3_stmt *st = sq_prepare(
        s, "INSERT INTO trieve_chunks(team, dataset, tracking_id, request_id, url, position, "
           "heading, chunk_html, text, metadata, tag_set, created_ms, updated_ms) "
           "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(team, dataset, tracking_id) DO UPDATE "
           "SET request_id = excluded.request_id, url = excluded.url, "
           "position = excluded.position, heading = excluded.heading, "
           "chunk_html = excluded.chunk_html, text = excluded.text, "
           "metadata = excluded.metadata, tag_set = excluded.tag_set, "
           "updated_ms = excluded.updated_ms");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, team);
    sq_bind_text_or_null(st, 2, dataset);
    sq_bind_text_or_null(st, 3, c->tracking_id);
    sq_bind_text_or_null(st, 4, c->request_id);
    sq_bind_text_or_null(st, 5, c->url ? c->url : "");
    sqlite3_bind_int(st, 6, c->position);
    sq_bind_text_or_null(st, 7, c->heading ? c->heading : "");
    sq_bind_text_or_null(st, 8, c->html ? c->html : "");
    sq_bind_text_or_null(st, 9, c->text ? c->text : "");
    sq_bind_text_or_null(st, 10, c->metadata ? c->metadata : "{}");
    sq_bind_text_or_null(st, 11, c->tag_set ? c->tag_set : "[]");
    sqlite3_bind_int64(st, 12, now_ms);
    sqlite3_bind_int64(st, 13, now_ms);
    cinder_err rc = sq_err(s, sqlite3_step(st), "chunk");
    sq_done(s, st);
    return rc;
}

cinder_err sq_chunks_upsert(void *impl, const char *team, const char *dataset,
                            const store_chunk_t *c, size_t n, int64_t now_ms)
{
    sq_t *s = impl;
    if (!n)
        return CINDER_OK;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        if (!c[i].tracking_id || !c[i].request_id)
            rc = CINDER_E_INVALID;
        else if (i == 0 || strcmp(c[i].request_id, c[i - 1].request_id) != 0)
            rc = request_exists(s, c[i].request_id);
        if (!rc)
            rc = upsert_one(s, team, dataset, &c[i], now_ms);
    }
    cinder_err end = sq_end(s, rc);
    return rc ? rc : end;
}

static void read_chunk(sqlite3_stmt *st, store_chunk_t *c)
{
    memset(c, 0, sizeof *c);
    c->tracking_id = col_str(st, 0);
    c->request_id = col_str(st, 1);
    c->url = col_str(st, 2);
    c->position = sqlite3_column_int(st, 3);
    c->heading = col_str(st, 4);
    c->html = col_str(st, 5);
    c->text = col_str(st, 6);
    c->metadata = col_str(st, 7);
    c->tag_set = col_str(st, 8);
    c->created_ms = sqlite3_column_int64(st, 9);
    c->updated_ms = sqlite3_column_int64(st, 10);
}

static cinder_err count_chunks(sq_t *s, const char *team, const char *dataset, int64_t *total)
{
    sqlite3_stmt *st =
        sq_prepare(s, "SELECT count(*) FROM trieve_chunks WHERE team = ? AND dataset = ?");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, team);
    sq_bind_text_or_null(st, 2, dataset);
    int rc = sqlite3_step(st);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sq_done(s, st);
    return sq_err(s, rc, "count chunks");
}

static cinder_err page_locked(sq_t *s, const char *team, const char *dataset, int64_t skip,
                              size_t limit, store_chunk_t **out, size_t *n)
{
    sqlite3_stmt *st = sq_prepare(
        s, "SELECT tracking_id, request_id, url, position, heading, chunk_html, text, metadata, "
           "tag_set, created_ms, updated_ms FROM trieve_chunks WHERE team = ? AND dataset = ? "
           "ORDER BY url, position, tracking_id LIMIT ? OFFSET ?");
    if (!st)
        return CINDER_E_STORE;
    sq_bind_text_or_null(st, 1, team);
    sq_bind_text_or_null(st, 2, dataset);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
    sqlite3_bind_int64(st, 4, skip);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        read_chunk(st, &(*out)[(*n)++]);
    }
    sq_done(s, st);
    return sq_err(s, rc, "chunks");
}

cinder_err sq_chunks_page(void *impl, const char *team, const char *dataset, int64_t skip,
                          size_t limit, store_chunk_t **out, size_t *n, int64_t *total)
{
    sq_t *s = sq_read_begin(impl);
    *out = NULL;
    *n = 0;
    int64_t count = 0;
    cinder_err rc = total ? count_chunks(s, team, dataset, &count) : CINDER_OK;
    if (!rc)
        rc = page_locked(s, team, dataset, skip, limit, out, n);
    sq_read_end(s);
    if (rc) {
        store_chunks_free(*out, *n);
        *out = NULL;
        *n = 0;
    } else if (total) {
        *total = count;
    }
    return rc;
}
