/*
 * SQLite backend of the store: one database file (cinder.db) in the data
 * directory, WAL journal, schema versioned through PRAGMA user_version with
 * an ordered list of migrations.
 *
 * Threads: one connection shared by all threads; every operation holds the
 * backend mutex for its whole bind/step/reset sequence, so prepared
 * statements are never used by two threads at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libdeflate.h>
#include <sqlite3.h>
#include <zlib.h>

#include "store/sqlite_int.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"

#define COMPRESS_MIN 2048         /* documents larger than this are deflated */
#define DOC_MAX      (512u << 20) /* refuse to inflate anything claiming more */

static const char *const migrations[] = {
    /* 1: jobs and documents */
    "CREATE TABLE jobs ("
    "  id TEXT PRIMARY KEY, kind INTEGER NOT NULL, status INTEGER NOT NULL,"
    "  api_version INTEGER NOT NULL DEFAULT 1,"
    "  created_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL DEFAULT 0,"
    "  expires_ms INTEGER NOT NULL, expired INTEGER NOT NULL DEFAULT 0,"
    "  url TEXT, options TEXT, error TEXT, error_code TEXT,"
    "  total INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0,"
    "  failed INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX jobs_expiry ON jobs(expired, expires_ms);"
    "CREATE TABLE documents ("
    "  job_id TEXT NOT NULL, seq INTEGER NOT NULL, compressed INTEGER NOT NULL,"
    "  raw_len INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (job_id, seq)"
    ") WITHOUT ROWID;",
    /* 2: crawl items (frontier, seen keys and outcomes in one table), job counters */
    "ALTER TABLE jobs ADD COLUMN admitted INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE jobs ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE jobs ADD COLUMN cancelled_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE documents ADD COLUMN item_seq INTEGER NOT NULL DEFAULT -1;"
    "CREATE TABLE items ("
    "  job_id TEXT NOT NULL, seq INTEGER NOT NULL, key TEXT NOT NULL, url TEXT NOT NULL,"
    "  depth INTEGER NOT NULL DEFAULT 0, status INTEGER NOT NULL, reason TEXT, error TEXT,"
    "  error_code TEXT, http_status INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (job_id, seq)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX items_key ON items(job_id, key);"
    "CREATE INDEX items_status ON items(job_id, status, seq);",
    /* 3: partial indexes instead of items_status: an item is in items_pending only while it
     * waits, and in items_problems once it failed or was skipped, so the usual path
     * (pending → running → succeeded) touches an index twice instead of four times */
    "DROP INDEX items_status;"
    "CREATE INDEX items_pending ON items(job_id, seq) WHERE status = " SQ_ITEM_PENDING ";"
    "CREATE INDEX items_problems ON items(job_id, seq) WHERE status IN (" SQ_ITEM_FAILED
    ", " SQ_ITEM_SKIPPED ");",
    /* 4: items and documents keyed by the job's integer rowid instead of its 36-character id
     * (shorter keys in every B-tree; rows of a job are purged before its jobs row, so a reused
     * rowid never meets old rows) */
    "CREATE TABLE items4 ("
    "  job_no INTEGER NOT NULL, seq INTEGER NOT NULL, key TEXT NOT NULL, url TEXT NOT NULL,"
    "  depth INTEGER NOT NULL DEFAULT 0, status INTEGER NOT NULL, reason TEXT, error TEXT,"
    "  error_code TEXT, http_status INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (job_no, seq)) WITHOUT ROWID;"
    "INSERT INTO items4 SELECT j.rowid, i.seq, i.key, i.url, i.depth, i.status, i.reason,"
    "  i.error, i.error_code, i.http_status, i.attempts, i.not_before_ms, i.created_ms,"
    "  i.finished_ms FROM items i JOIN jobs j ON j.id = i.job_id;"
    "DROP TABLE items;"
    "ALTER TABLE items4 RENAME TO items;"
    "CREATE UNIQUE INDEX items_key ON items(job_no, key);"
    "CREATE INDEX items_pending ON items(job_no, seq) WHERE status = " SQ_ITEM_PENDING ";"
    "CREATE INDEX items_problems ON items(job_no, seq) WHERE status IN (" SQ_ITEM_FAILED
    ", " SQ_ITEM_SKIPPED ");"
    "CREATE TABLE documents4 ("
    "  job_no INTEGER NOT NULL, seq INTEGER NOT NULL, compressed INTEGER NOT NULL,"
    "  raw_len INTEGER NOT NULL, body BLOB NOT NULL, item_seq INTEGER NOT NULL DEFAULT -1,"
    "  PRIMARY KEY (job_no, seq)) WITHOUT ROWID;"
    "INSERT INTO documents4 SELECT j.rowid, d.seq, d.compressed, d.raw_len, d.body, d.item_seq"
    "  FROM documents d JOIN jobs j ON j.id = d.job_id;"
    "DROP TABLE documents;"
    "ALTER TABLE documents4 RENAME TO documents;",
    /* 5: teams, API keys (hashed), the credits ledger, idempotency keys; jobs belong to a team
     * and carry their credit figures (older jobs were charged one credit per document) */
    "ALTER TABLE jobs ADD COLUMN team TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE jobs ADD COLUMN credits_reserved INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE jobs ADD COLUMN credits_charged INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE jobs ADD COLUMN credits_refunded INTEGER NOT NULL DEFAULT 0;"
    "UPDATE jobs SET credits_reserved = completed, credits_charged = completed;"
    "CREATE INDEX jobs_team ON jobs(team, kind, created_ms);"
    "CREATE TABLE teams (name TEXT PRIMARY KEY, credits INTEGER NOT NULL DEFAULT -1,"
    "  created_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE api_keys (hash TEXT PRIMARY KEY, prefix TEXT NOT NULL UNIQUE,"
    "  team TEXT NOT NULL, rate_per_min INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL, revoked_ms INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE ledger (id INTEGER PRIMARY KEY, team TEXT NOT NULL, job_id TEXT,"
    "  kind TEXT NOT NULL, amount INTEGER NOT NULL, ms INTEGER NOT NULL);"
    "CREATE INDEX ledger_team ON ledger(team, id);"
    "CREATE TABLE idempotency (team TEXT NOT NULL, key TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL, PRIMARY KEY (team, key)) WITHOUT ROWID;",
    /* 6: Trieve: datasets (an id names a different dataset in every team), crawl requests (durable
     * crawl configurations; trieve_jobs lists every job each one ran) and the chunks crawled
     * pages became (one per team, dataset and tracking id: a re-crawl overwrites) */
    "CREATE TABLE trieve_datasets (team TEXT NOT NULL, id TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL, PRIMARY KEY (team, id)) WITHOUT ROWID;"
    "CREATE TABLE trieve_crawls (id TEXT PRIMARY KEY, team TEXT NOT NULL, dataset TEXT NOT NULL,"
    "  scrape_id TEXT NOT NULL, url TEXT NOT NULL, options TEXT NOT NULL, crawl TEXT NOT NULL,"
    "  status TEXT, interval_ms INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL, started_ms INTEGER NOT NULL,"
    "  done INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX trieve_crawls_dataset ON trieve_crawls(team, dataset, created_ms);"
    "CREATE INDEX trieve_crawls_open ON trieve_crawls(done, next_ms);"
    "CREATE TABLE trieve_jobs (request_id TEXT NOT NULL, job_id TEXT NOT NULL,"
    "  PRIMARY KEY (request_id, job_id)) WITHOUT ROWID;"
    "CREATE TABLE trieve_chunks (team TEXT NOT NULL, dataset TEXT NOT NULL,"
    "  tracking_id TEXT NOT NULL, request_id TEXT NOT NULL, url TEXT NOT NULL,"
    "  position INTEGER NOT NULL, heading TEXT NOT NULL, chunk_html TEXT NOT NULL,"
    "  text TEXT NOT NULL, metadata TEXT NOT NULL, tag_set TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
    "  UNIQUE (team, dataset, tracking_id));"
    "CREATE INDEX trieve_chunks_request ON trieve_chunks(request_id);"
    "CREATE INDEX trieve_chunks_page ON trieve_chunks(team, dataset, url, position);",
    /* 7: the webhook outbox: events waiting for delivery, handed out in order per job (its
     * final event last); a page event names its document (doc_seq) instead of copying it */
    "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL,"
    "  final INTEGER NOT NULL DEFAULT 0, url TEXT NOT NULL, headers TEXT, body TEXT NOT NULL,"
    "  doc_seq INTEGER NOT NULL DEFAULT -1, attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_ms INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL);"
    "CREATE INDEX outbox_job ON outbox(job_id, final, id);",
    /* 8: the running items of a job, found without reading its other items (a final webhook
     * event waits until there are none) */
    "CREATE INDEX items_running ON items(job_no) WHERE status = " SQ_ITEM_RUNNING ";",
};

int64_t sq_now_ms(void)
{
    return clock_wall_ms();
}

void sq_bind_job(sq_t *s, sqlite3_stmt *st, int i, const char *job_id)
{
    if (strcmp(s->job_cache_id, job_id) != 0) {
        sqlite3_stmt *q = sq_prepare(s, "SELECT rowid FROM jobs WHERE id = ?");
        int64_t no = -1; /* unknown job: matches no row */
        if (q) {
            sqlite3_bind_text(q, 1, job_id, -1, SQLITE_STATIC);
            if (sqlite3_step(q) == SQLITE_ROW)
                no = sqlite3_column_int64(q, 0);
        }
        sq_done(s, q);
        if (no < 0) {
            sqlite3_bind_int64(st, i, -1);
            return;
        }
        snprintf(s->job_cache_id, sizeof s->job_cache_id, "%s", job_id);
        s->job_cache_no = no;
    }
    sqlite3_bind_int64(st, i, s->job_cache_no);
}

sqlite3_stmt *sq_prepare(sq_t *s, const char *sql)
{
    size_t i = 0;
    for (; i < SQ_STMT_CACHE && s->stmts[i].sql; i++)
        if (s->stmts[i].sql == sql)
            return s->stmts[i].st;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        sq_err(s, rc, sql);
        sqlite3_finalize(st);
        return NULL;
    }
    if (i < SQ_STMT_CACHE) {
        s->stmts[i].sql = sql;
        s->stmts[i].st = st;
    }
    return st;
}

void sq_done(sq_t *s, sqlite3_stmt *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < SQ_STMT_CACHE && s->stmts[i].sql; i++) {
        if (s->stmts[i].st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return;
        }
    }
    sqlite3_finalize(st);
}

cinder_err sq_begin(sq_t *s)
{
    pthread_mutex_lock(&s->mu);
    cinder_err rc = sq_exec(s, "BEGIN IMMEDIATE");
    if (rc)
        pthread_mutex_unlock(&s->mu);
    return rc;
}

/* Makes r ready for a read: its job cache is cleared (the writer may have deleted that job since),
 * and a read transaction begins. */
static sq_t *read_ready(sq_t *r)
{
    r->job_cache_id[0] = '\0';
    sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL);
    return r;
}

sq_t *sq_read_begin(sq_t *s)
{
    if (!s->n_readers) {
        pthread_mutex_lock(&s->mu);
        return s;
    }
    for (int i = 0; i < s->n_readers; i++)
        if (pthread_mutex_trylock(&s->readers[i]->mu) == 0)
            return read_ready(s->readers[i]);
    sq_t *r = s->readers[atomic_fetch_add(&s->next_reader, 1) % (unsigned)s->n_readers];
    pthread_mutex_lock(&r->mu);
    return read_ready(r);
}

void sq_read_end(sq_t *r)
{
    if (!sqlite3_get_autocommit(r->db))
        sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
    pthread_mutex_unlock(&r->mu);
}

cinder_err sq_end(sq_t *s, cinder_err rc)
{
    if (!rc)
        rc = sq_exec(s, "COMMIT");
    if (rc)
        sq_exec(s, "ROLLBACK");
    pthread_mutex_unlock(&s->mu);
    return rc;
}

cinder_err sq_step(sq_t *s, sqlite3_stmt *st, const char *what, int64_t *changes)
{
    int r = sqlite3_step(st);
    cinder_err rc = (r & 0xff) == SQLITE_CONSTRAINT ? CINDER_E_CONFLICT : sq_err(s, r, what);
    if (changes)
        *changes = rc ? 0 : sqlite3_changes(s->db);
    sq_done(s, st);
    return rc;
}

void sq_bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

cinder_err sq_exec(sq_t *s, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        log_error("sqlite: %s: %s", sql, err ? err : sqlite3_errmsg(s->db));
    sqlite3_free(err);
    return rc == SQLITE_OK ? CINDER_OK : CINDER_E_STORE;
}

cinder_err sq_err(sq_t *s, int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return CINDER_OK;
    log_error("sqlite: %s: %s", what, sqlite3_errmsg(s->db));
    return CINDER_E_STORE;
}

bool sq_next(sq_t *s, sqlite3_stmt *st, cinder_err *rc, const char *what)
{
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        return true;
    if (r != SQLITE_DONE)
        *rc = sq_err(s, r, what);
    return false;
}

static cinder_err migrate(sq_t *s)
{
    sqlite3_stmt *st = NULL;
    int version = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    int n = (int)(sizeof migrations / sizeof migrations[0]);
    for (int v = version; v < n; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
        char *err = NULL;
        int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, migrations[v], NULL, NULL, &err);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, pragma, NULL, NULL, &err);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, &err);
        if (rc != SQLITE_OK) {
            log_error("sqlite: migration %d failed: %s", v + 1, err ? err : "?");
            sqlite3_free(err);
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return CINDER_E_STORE;
        }
    }
    return CINDER_OK;
}

static void sq_free(sq_t *s);

/* Opens the read-only connections of the writer s on the database at path (after its schema is
 * current). A reader that cannot be opened is logged and left out: reads then share fewer. */
static void open_readers(sq_t *s, const char *path)
{
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX;
    for (int i = 0; i < SQ_READERS; i++) {
        sq_t *r = xcalloc(1, sizeof *r);
        pthread_mutex_init(&r->mu, NULL);
        if (sqlite3_open_v2(path, &r->db, flags, NULL) != SQLITE_OK) {
            log_warn("store: cannot open a reader of %s: %s", path, sqlite3_errmsg(r->db));
            sq_free(r);
            return;
        }
        sqlite3_busy_timeout(r->db, 5000);
        sqlite3_exec(r->db, "PRAGMA cache_size=-4096;", NULL, NULL, NULL);
        s->readers[s->n_readers++] = r;
    }
}

static cinder_err sq_open(const char *dir, void **impl)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_error("store: cannot create data directory %s: %s", dir, strerror(errno));
        return CINDER_E_IO;
    }
    buf_t path;
    buf_init(&path, 4096);
    cinder_err rc = buf_printf(&path, "%s/cinder.db", dir);
    sq_t *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    if (rc)
        goto out;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(path.data, &s->db, flags, NULL) != SQLITE_OK) {
        log_error("store: cannot open %s: %s", path.data, sqlite3_errmsg(s->db));
        rc = CINDER_E_STORE;
        goto out;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_exec(s->db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                 "PRAGMA cache_size=-16384;",
                 NULL, NULL, NULL);
    rc = migrate(s);
    if (!rc)
        open_readers(s, path.data);
out:
    buf_cleanup(&path);
    if (rc) {
        sqlite3_close(s->db);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return rc;
    }
    *impl = s;
    return CINDER_OK;
}

/* Closes one connection (and, for the writer, its readers). Accepts NULL. */
static void sq_free(sq_t *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_readers; i++)
        sq_free(s->readers[i]);
    for (size_t i = 0; i < SQ_STMT_CACHE && s->stmts[i].sql; i++)
        sqlite3_finalize(s->stmts[i].st);
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static void sq_close(void *impl)
{
    sq_free(impl);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Prepares sql, runs bind(st, ud) and steps once, all under the backend mutex. With a reader,
 * the statement is a one-row query: read(st, ud) handles the row, and no row is
 * CINDER_E_NOT_FOUND. Without one, it is a write; *changes (if not NULL) gets the rows changed. */
static cinder_err run_stmt(sq_t *s, const char *sql, void (*bind)(sqlite3_stmt *, const void *),
                           cinder_err (*read)(sqlite3_stmt *, void *), void *ud, int *changes)
{
    sqlite3_stmt *st = NULL;
    cinder_err err;
    if (read)
        s = sq_read_begin(s);
    else
        pthread_mutex_lock(&s->mu);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind(st, ud);
        rc = sqlite3_step(st);
    }
    if (rc == SQLITE_ROW && read)
        err = read(st, ud);
    else if (rc == SQLITE_DONE && read)
        err = CINDER_E_NOT_FOUND;
    else
        err = sq_err(s, rc, sql);
    if (changes)
        *changes = sqlite3_changes(s->db);
    sqlite3_finalize(st);
    if (read)
        sq_read_end(s);
    else
        pthread_mutex_unlock(&s->mu);
    return err;
}

static cinder_err exec_one(sq_t *s, const char *sql, void (*bind)(sqlite3_stmt *, const void *),
                           const void *ud, int *changes)
{
    return run_stmt(s, sql, bind, NULL, (void *)ud, changes);
}

void sq_bind_job_create(sqlite3_stmt *st, const store_job_t *j)
{
    bind_text(st, 1, j->id);
    sqlite3_bind_int(st, 2, j->kind);
    sqlite3_bind_int(st, 3, j->status);
    sqlite3_bind_int(st, 4, j->api_version);
    sqlite3_bind_int64(st, 5, j->created_ms);
    sqlite3_bind_int64(st, 6, j->expires_ms);
    bind_text(st, 7, j->url);
    bind_text(st, 8, j->options);
    sqlite3_bind_int64(st, 9, j->total);
    bind_text(st, 10, j->team);
    sqlite3_bind_int64(st, 11, j->credits_reserved);
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

static void read_job_row(sqlite3_stmt *st, store_job_t *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", (const char *)sqlite3_column_text(st, 0));
    out->kind = (job_kind)sqlite3_column_int(st, 1);
    out->status = (job_status)sqlite3_column_int(st, 2);
    out->api_version = sqlite3_column_int(st, 3);
    out->created_ms = sqlite3_column_int64(st, 4);
    out->finished_ms = sqlite3_column_int64(st, 5);
    out->expires_ms = sqlite3_column_int64(st, 6);
    out->url = col_text(st, 7);
    out->options = col_text(st, 8);
    out->error = col_text(st, 9);
    out->error_code = col_text(st, 10);
    out->total = sqlite3_column_int64(st, 11);
    out->completed = sqlite3_column_int64(st, 12);
    out->failed = sqlite3_column_int64(st, 13);
    out->admitted = sqlite3_column_int64(st, 15);
    out->cancelled = sqlite3_column_int64(st, 16);
    out->cancelled_ms = sqlite3_column_int64(st, 17);
    const unsigned char *team = sqlite3_column_text(st, 18);
    snprintf(out->team, sizeof out->team, "%s", team ? (const char *)team : "");
    out->credits_reserved = sqlite3_column_int64(st, 19);
    out->credits_charged = sqlite3_column_int64(st, 20);
    out->credits_refunded = sqlite3_column_int64(st, 21);
}

static cinder_err query_row(sq_t *s, const char *sql, void (*bind)(sqlite3_stmt *, const void *),
                            cinder_err (*read)(sqlite3_stmt *, void *), void *ud)
{
    return run_stmt(s, sql, bind, read, ud, NULL);
}

typedef struct {
    const char *id;
    int64_t seq;
    store_job_t *job;
    char **json;
    size_t *len;
} row_ctx_t;

static void bind_id(sqlite3_stmt *st, const void *ud)
{
    const row_ctx_t *c = ud;
    sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) > 1)
        sqlite3_bind_int64(st, 2, c->seq);
}

static cinder_err read_job(sqlite3_stmt *st, void *ud)
{
    row_ctx_t *c = ud;
    bool running = sqlite3_column_int(st, 2) <= JOB_RUNNING; /* never expires while it runs */
    if (sqlite3_column_int(st, 14) || (!running && sqlite3_column_int64(st, 6) <= sq_now_ms()))
        return CINDER_E_EXPIRED;
    read_job_row(st, c->job);
    return CINDER_OK;
}

static cinder_err sq_job_get(void *impl, const char *id, store_job_t *out)
{
    row_ctx_t c = {id, 0, out, NULL, NULL};
    return query_row(
        impl,
        "SELECT id,kind,status,api_version,created_ms,finished_ms,expires_ms,url,"
        "options,error,error_code,total,completed,failed,expired,admitted,cancelled,cancelled_ms,"
        "team,credits_reserved,credits_charged,credits_refunded FROM jobs WHERE id=?1",
        bind_id, read_job, &c);
}

/* Compresses json (zlib format, libdeflate's level 1: what zlib's uncompress reads back) into a
 * heap buffer after SQ_PACK_HEADER bytes. NULL when it does not shrink. */
static unsigned char *deflate_with(struct libdeflate_compressor *c, const char *json, size_t len,
                                   size_t *zlen)
{
    size_t cap = libdeflate_zlib_compress_bound(c, len);
    unsigned char *out = xmalloc(cap + SQ_PACK_HEADER);
    size_t n = libdeflate_zlib_compress(c, json, len, out + SQ_PACK_HEADER, cap);
    if (n == 0 || n >= len) {
        free(out);
        return NULL;
    }
    *zlen = n;
    return out;
}

/* Each thread packs documents with a compressor of its own (allocated once per thread, not per
 * document), freed when the thread ends. */
static pthread_key_t pack_key;
static pthread_once_t pack_once = PTHREAD_ONCE_INIT;

static void pack_compressor_free(void *p)
{
    libdeflate_free_compressor(p);
}

static void pack_key_init(void)
{
    pthread_key_create(&pack_key, pack_compressor_free);
}

static struct libdeflate_compressor *thread_compressor(void)
{
    pthread_once(&pack_once, pack_key_init);
    struct libdeflate_compressor *c = pthread_getspecific(pack_key);
    if (c)
        return c;
    c = libdeflate_alloc_compressor(1);
    if (c)
        pthread_setspecific(pack_key, c);
    return c;
}

static bool worth_packing(size_t len)
{
    return len > COMPRESS_MIN && len < DOC_MAX; /* DOC_MAX also keeps uInt sizes valid */
}

/* Packed form: one byte (1: deflated), the raw length (8 bytes, little endian), the body. */
static cinder_err sq_doc_pack(void *impl, const char *json, size_t len, char **out, size_t *out_len)
{
    (void)impl;
    struct libdeflate_compressor *c = worth_packing(len) ? thread_compressor() : NULL;
    size_t zlen = 0;
    unsigned char *p = c ? deflate_with(c, json, len, &zlen) : NULL;
    bool deflated = p != NULL;
    if (!p) {
        p = xmalloc(len + SQ_PACK_HEADER);
        memcpy(p + SQ_PACK_HEADER, json, len);
        zlen = len;
    }
    p[0] = deflated;
    for (int i = 0; i < 8; i++)
        p[1 + i] = (unsigned char)((uint64_t)len >> (8 * i));
    *out = (char *)p;
    *out_len = zlen + SQ_PACK_HEADER;
    return CINDER_OK;
}

void sq_bind_packed(sqlite3_stmt *st, int i, const char *packed, size_t len,
                    sqlite3_destructor_type keep)
{
    uint64_t raw = 0;
    for (int k = 0; k < 8; k++)
        raw |= (uint64_t)(unsigned char)packed[1 + k] << (8 * k);
    sqlite3_bind_int(st, i, packed[0] != 0);
    sqlite3_bind_int64(st, i + 1, (sqlite3_int64)raw);
    sqlite3_bind_blob64(st, i + 2, packed + SQ_PACK_HEADER, len - SQ_PACK_HEADER, keep);
}

void sq_bind_doc(sqlite3_stmt *st, int i, const char *json, size_t len)
{
    char *packed = NULL;
    size_t n = 0;
    (void)sq_doc_pack(NULL, json, len, &packed, &n);
    sq_bind_packed(st, i, packed, n, SQLITE_TRANSIENT);
    free(packed);
}

typedef struct {
    sq_t *s;
    const char *job_id;
    int64_t seq;
    const char *json;
    size_t len;
} doc_row_t;

static void bind_doc(sqlite3_stmt *st, const void *ud)
{
    const doc_row_t *d = ud;
    sq_bind_job(d->s, st, 1, d->job_id);
    sqlite3_bind_int64(st, 2, d->seq);
    sq_bind_doc(st, 3, d->json, d->len);
}

static cinder_err sq_doc_put(void *impl, const char *job_id, int64_t seq, const char *json,
                             size_t len)
{
    doc_row_t d = {impl, job_id, seq, json, len};
    return exec_one(impl,
                    "INSERT OR REPLACE INTO documents(job_no,seq,compressed,raw_len,body)"
                    " VALUES(?,?,?,?,?)",
                    bind_doc, &d, NULL);
}

cinder_err sq_read_doc(sqlite3_stmt *st, int col, char **json, size_t *len)
{
    size_t raw_len = (size_t)sqlite3_column_int64(st, col + 1);
    const void *body = sqlite3_column_blob(st, col + 2);
    size_t blen = (size_t)sqlite3_column_bytes(st, col + 2);
    if (!sqlite3_column_int(st, col)) {
        *json = xstrndup(body ? body : "", blen);
    } else {
        if (raw_len > DOC_MAX)
            return CINDER_E_STORE;
        char *out = xmalloc(raw_len + 1);
        uLongf got = raw_len;
        if (uncompress((Bytef *)out, &got, body, blen) != Z_OK || got != raw_len) {
            free(out);
            return CINDER_E_STORE;
        }
        out[raw_len] = '\0';
        *json = out;
    }
    if (len)
        *len = raw_len;
    return CINDER_OK;
}

static cinder_err read_doc(sqlite3_stmt *st, void *ud)
{
    row_ctx_t *c = ud;
    return sq_read_doc(st, 0, c->json, c->len);
}

static cinder_err sq_doc_get(void *impl, const char *job_id, int64_t seq, char **json, size_t *len)
{
    row_ctx_t c = {job_id, seq, NULL, json, len};
    return query_row(impl,
                     "SELECT compressed,raw_len,body FROM documents WHERE "
                     "job_no=(SELECT rowid FROM jobs WHERE id=?1) AND seq=?2",
                     bind_id, read_doc, &c);
}

static cinder_err sq_expire(void *impl, int64_t now_ms, int64_t *removed)
{
    sq_t *s = impl;
    char *err = NULL;
    char sql[1280];
    snprintf(sql, sizeof sql,
             "BEGIN;"
             "DELETE FROM outbox WHERE job_id IN (SELECT id FROM jobs WHERE expired=0 AND "
             "status> " SQ_JOB_RUNNING " AND expires_ms<=%lld);"
             "DELETE FROM documents WHERE job_no IN (SELECT rowid FROM jobs WHERE expired=0 AND "
             "status> " SQ_JOB_RUNNING " AND expires_ms<=%lld);"
             "DELETE FROM items WHERE job_no IN (SELECT rowid FROM jobs WHERE expired=0 AND "
             "status> " SQ_JOB_RUNNING " AND expires_ms<=%lld);"
             "UPDATE jobs SET expired=1, options=NULL WHERE expired=0 AND status> " SQ_JOB_RUNNING
             " AND "
             "expires_ms<=%lld;"
             "DELETE FROM jobs WHERE expired=1 AND expires_ms<=%lld;"
             "COMMIT;",
             (long long)now_ms, (long long)now_ms, (long long)now_ms, (long long)now_ms,
             (long long)(now_ms - 7LL * 86400 * 1000));
    int64_t n = 0;
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&s->mu);
    if (sqlite3_prepare_v2(s->db,
                           "SELECT count(*) FROM jobs WHERE expired=0 AND status> " SQ_JOB_RUNNING
                           " AND expires_ms<=?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, now_ms);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    s->job_cache_id[0] = '\0'; /* jobs rows may go: forget the cached key */
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        log_error("sqlite: expire: %s", err ? err : "?");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&s->mu);
    sqlite3_free(err);
    if (removed)
        *removed = rc == SQLITE_OK ? n : 0;
    return rc == SQLITE_OK ? CINDER_OK : CINDER_E_STORE;
}

static const struct store_job_ops sq_jobs_ops = {
    .doc_pack = sq_doc_pack,
    .job_get = sq_job_get,
    .jobs_list = sq_jobs_list,
    .items_list = sq_items_list,
    .doc_put = sq_doc_put,
    .doc_get = sq_doc_get,
    .expire = sq_expire,
    .docs_page = sq_docs_page,
    .items_errors = sq_items_errors,
    .jobs_active = sq_jobs_active,
};

static const struct store_account_ops sq_accounts_ops = {
    .key_add = sq_key_add,
    .key_find = sq_key_find,
    .keys_list = sq_keys_list,
    .key_revoke = sq_key_revoke,
    .team_get = sq_team_get,
    .team_credits = sq_team_credits,
    .idem_claim = sq_idem_claim,
    .idem_release = sq_idem_release,
};

static const struct store_outbox_ops sq_outbox_ops = {
    .outbox_due = sq_outbox_due,
    .outbox_retry = sq_outbox_retry,
    .outbox_delete = sq_outbox_delete,
};

static const struct store_trieve_ops sq_trieve_ops = {
    .dataset_touch = sq_dataset_touch,
    .trieve_put = sq_trieve_put,
    .trieve_get = sq_trieve_get,
    .trieve_list = sq_trieve_list,
    .trieve_open = sq_trieve_open,
    .trieve_done = sq_trieve_done,
    .trieve_delete = sq_trieve_delete,
    .chunks_upsert = sq_chunks_upsert,
    .chunks_page = sq_chunks_page,
};

const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .jobs = &sq_jobs_ops,
    .accounts = &sq_accounts_ops,
    .outbox = &sq_outbox_ops,
    .trieve = &sq_trieve_ops,
    .txn = &sq_txn_ops,
};
