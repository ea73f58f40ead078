/*
 * SQLite backend, accounts: teams, hashed API keys, idempotency keys, and the credits ledger of
 * jobs (reserve on create, charge and refund per item, settle when the job ends).
 *
 * Threads: every function holds the backend mutex (sqlite_int.h) for its statements; the ones
 * that move credits run one IMMEDIATE transaction, so a balance never changes without its job's
 * figures and its ledger entry.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/mem.h"

/* Appends a ledger entry for team (skipped for the open team ""). */
static cinder_err ledger_add(sq_t *s, const char *team, const char *job_id, const char *kind,
                             int64_t amount, int64_t now_ms)
{
    if (!team || !*team || !amount)
        return CINDER_OK;
    sqlite3_stmt *st = sq_prepare(s, "INSERT INTO ledger(team, job_id, kind, amount, ms) "
                                     "VALUES(?, ?, ?, ?, ?)");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, job_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, amount);
    sqlite3_bind_int64(st, 5, now_ms);
    cinder_err rc = sq_err(s, sqlite3_step(st), "ledger");
    sq_done(s, st);
    return rc;
}

/* Debits amount from a team with a finite balance: CINDER_E_NO_CREDITS when it cannot cover it.
 * Unknown and unlimited teams are not debited. */
static cinder_err debit(sq_t *s, const char *team, int64_t amount)
{
    if (!team || !*team || amount <= 0)
        return CINDER_OK;
    sqlite3_stmt *st = sq_prepare(s, "SELECT credits FROM teams WHERE name = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
    int64_t have = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int64(st, 0);
    sq_done(s, st);
    if (have < 0)
        return CINDER_OK;
    if (have < amount)
        return CINDER_E_NO_CREDITS;
    st = sq_prepare(s, "UPDATE teams SET credits = credits - ? WHERE name = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_int64(st, 1, amount);
    sqlite3_bind_text(st, 2, team, -1, SQLITE_STATIC);
    cinder_err rc = sq_err(s, sqlite3_step(st), "debit team");
    sq_done(s, st);
    return rc;
}

/* Credits amount back to a team with a finite balance. */
static cinder_err credit(sq_t *s, const char *team, int64_t amount)
{
    if (!team || !*team || amount <= 0)
        return CINDER_OK;
    sqlite3_stmt *st =
        sq_prepare(s, "UPDATE teams SET credits = credits + ? WHERE name = ? AND credits >= 0");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_int64(st, 1, amount);
    sqlite3_bind_text(st, 2, team, -1, SQLITE_STATIC);
    cinder_err rc = sq_err(s, sqlite3_step(st), "credit team");
    sq_done(s, st);
    return rc;
}

/* The team of a job ("" for the open team); CINDER_E_NOT_FOUND when there is no such job. */
static cinder_err job_team(sq_t *s, const char *job_id, char *team, size_t len)
{
    sqlite3_stmt *st = sq_prepare(s, "SELECT team FROM jobs WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
    cinder_err rc = CINDER_E_NOT_FOUND;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(team, len, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = CINDER_OK;
    }
    sq_done(s, st);
    return rc;
}

cinder_err sq_job_create(void *impl, const store_job_t *job)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    rc = debit(s, job->team, job->credits_reserved);
    if (!rc) {
        sqlite3_stmt *st = sq_prepare(
            s, "INSERT INTO jobs(id,kind,status,api_version,created_ms,expires_ms,url,options,"
               "total,team,credits_reserved) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
        rc = st ? CINDER_OK : CINDER_E_STORE;
        if (st) {
            sq_bind_job_create(st, job);
            rc = sq_err(s, sqlite3_step(st), "insert job");
        }
        sq_done(s, st);
    }
    if (!rc)
        rc = ledger_add(s, job->team, job->id, "reserve", -job->credits_reserved, job->created_ms);
    if (!rc)
        rc = sq_outbox_put_locked(s, job->id, job->event, -1, job->created_ms);
    return sq_end(s, rc);
}

cinder_err sq_credits_locked(sq_t *s, const char *job_id, int64_t charged, int64_t refunded,
                             int64_t now_ms)
{
    if (!charged && !refunded)
        return CINDER_OK;
    sqlite3_stmt *st = sq_prepare(s, "UPDATE jobs SET credits_charged = credits_charged + ?, "
                                     "credits_refunded = credits_refunded + ? WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_int64(st, 1, charged);
    sqlite3_bind_int64(st, 2, refunded);
    sqlite3_bind_text(st, 3, job_id, -1, SQLITE_STATIC);
    cinder_err rc = sq_err(s, sqlite3_step(st), "job credits");
    sq_done(s, st);
    char team[64] = "";
    if (!rc && refunded)
        rc = job_team(s, job_id, team, sizeof team);
    if (!rc && refunded)
        rc = credit(s, team, refunded);
    if (!rc && refunded)
        rc = ledger_add(s, team, job_id, "refund", refunded, now_ms);
    return rc;
}

/* Refunds whatever a finished job reserved and neither charged nor refunded yet. A sync scrape
 * is charged by its outcome here (one credit when it produced its document). */
cinder_err sq_settle_locked(sq_t *s, const char *job_id, int64_t now_ms)
{
    sqlite3_stmt *st = sq_prepare(s, "SELECT credits_reserved - credits_charged - credits_refunded "
                                     "FROM jobs WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
    cinder_err rc = CINDER_OK;
    int64_t rest = sq_next(s, st, &rc, "settle") ? sqlite3_column_int64(st, 0) : 0;
    sq_done(s, st);
    return rc ? rc : sq_credits_locked(s, job_id, 0, rest > 0 ? rest : 0, now_ms);
}

cinder_err sq_cancel_refund_locked(sq_t *s, const char *job_id, int64_t now_ms, int64_t *refunded)
{
    sqlite3_stmt *st =
        sq_prepare(s, "SELECT credits_reserved - credits_charged - credits_refunded - "
                      "MAX(0, admitted - completed - failed - cancelled) FROM jobs WHERE id = ?");
    if (!st)
        return CINDER_E_STORE;
    sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
    int64_t rest = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sq_done(s, st);
    *refunded = rest > 0 ? rest : 0;
    return sq_credits_locked(s, job_id, 0, *refunded, now_ms);
}

cinder_err sq_job_finish(void *impl, const store_job_t *job)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    sqlite3_stmt *st =
        sq_prepare(s, "UPDATE jobs SET status=?1,finished_ms=?2,error=?3,"
                      "error_code=?4,total=?5,completed=?6,failed=?7,"
                      "expires_ms=?2+(expires_ms-created_ms) "
                      "WHERE id=?8 AND status IN (" SQ_JOB_QUEUED ", " SQ_JOB_RUNNING ")");
    if (!st)
        return sq_end(s, CINDER_E_STORE);
    sqlite3_bind_int(st, 1, job->status);
    sqlite3_bind_int64(st, 2, job->finished_ms);
    sqlite3_bind_text(st, 3, job->error, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, job->error_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, job->total);
    sqlite3_bind_int64(st, 6, job->completed);
    sqlite3_bind_int64(st, 7, job->failed);
    sqlite3_bind_text(st, 8, job->id, -1, SQLITE_STATIC);
    rc = sq_err(s, sqlite3_step(st), "finish job");
    if (!rc && sqlite3_changes(s->db) == 0)
        rc = CINDER_E_NOT_FOUND; /* cancelled meanwhile: it stays cancelled */
    sq_done(s, st);
    int64_t now_ms = job->finished_ms ? job->finished_ms : sq_now_ms();
    if (!rc)
        rc = sq_settle_locked(s, job->id, now_ms);
    if (!rc)
        rc = sq_outbox_put_locked(s, job->id, job->event, -1, now_ms);
    if (rc == CINDER_E_NOT_FOUND) {
        sq_end(s, CINDER_E_DECLINED);
        return rc;
    }
    return sq_end(s, rc);
}

cinder_err sq_reserve_locked(sq_t *s, const char *job_id, int64_t credits, int64_t now_ms)
{
    char team[64] = "";
    cinder_err rc = job_team(s, job_id, team, sizeof team);
    if (!rc)
        rc = credits >= 0 ? debit(s, team, credits) : credit(s, team, -credits);
    sqlite3_stmt *st = rc ? NULL
                          : sq_prepare(s, "UPDATE jobs SET credits_reserved = credits_reserved "
                                          "+ ? WHERE id = ?");
    if (st) {
        sqlite3_bind_int64(st, 1, credits);
        sqlite3_bind_text(st, 2, job_id, -1, SQLITE_STATIC);
        rc = sq_err(s, sqlite3_step(st), "reserve");
        sq_done(s, st);
    } else if (!rc) {
        rc = CINDER_E_STORE;
    }
    if (!rc)
        rc = ledger_add(s, team, job_id, credits >= 0 ? "reserve" : "release", -credits, now_ms);
    return rc;
}

cinder_err sq_job_reserve(void *impl, const char *job_id, int64_t credits, int64_t now_ms)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    rc = sq_reserve_locked(s, job_id, credits, now_ms);
    if (rc == CINDER_E_NO_CREDITS || rc == CINDER_E_NOT_FOUND) {
        sq_end(s, CINDER_E_DECLINED);
        return rc;
    }
    return sq_end(s, rc);
}

cinder_err sq_jobs_list(void *impl, const char *team, job_kind kind, int64_t offset, size_t limit,
                        char ***ids, size_t *n, int64_t *total)
{
    sq_t *s = sq_read_begin(impl);
    *ids = xcalloc(limit ? limit : 1, sizeof **ids);
    *n = 0;
    *total = 0;
    sqlite3_stmt *st = sq_prepare(s, "SELECT count(*) FROM jobs WHERE team = ? AND kind = ? AND "
                                     "expired = 0");
    if (st) {
        sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, kind);
        if (sqlite3_step(st) == SQLITE_ROW)
            *total = sqlite3_column_int64(st, 0);
    }
    sq_done(s, st);
    sqlite3_stmt *q = sq_prepare(s, "SELECT id FROM jobs WHERE team = ? AND kind = ? AND "
                                    "expired = 0 ORDER BY created_ms DESC, rowid DESC "
                                    "LIMIT ? OFFSET ?");
    if (q) {
        sqlite3_bind_text(q, 1, team, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 2, kind);
        sqlite3_bind_int64(q, 3, (sqlite3_int64)limit);
        sqlite3_bind_int64(q, 4, offset);
    }
    cinder_err rc = st && q ? CINDER_OK : CINDER_E_STORE;
    while (!rc && *n < limit && sq_next(s, q, &rc, "jobs list"))
        (*ids)[(*n)++] = xstrdup((const char *)sqlite3_column_text(q, 0));
    sq_done(s, q);
    sq_read_end(s);
    if (rc) {
        store_docs_free(*ids, *n);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

/* Runs one statement bound by the caller under the mutex; *changes (may be NULL) receives the
 * rows changed. A constraint violation is CINDER_E_CONFLICT. */
static cinder_err step_one(sq_t *s, sqlite3_stmt *st, int *changes)
{
    int r = sqlite3_step(st);
    cinder_err rc = (r & 0xff) == SQLITE_CONSTRAINT ? CINDER_E_CONFLICT : sq_err(s, r, "accounts");
    if (changes)
        *changes = rc ? 0 : sqlite3_changes(s->db);
    sq_done(s, st);
    return rc;
}

cinder_err sq_key_add(void *impl, const store_key_t *key, int64_t team_credits)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    sqlite3_stmt *st =
        sq_prepare(s, "INSERT OR IGNORE INTO teams(name, credits, created_ms) VALUES(?, ?, ?)");
    int added = 0;
    rc = st ? CINDER_OK : CINDER_E_STORE;
    if (st) {
        sqlite3_bind_text(st, 1, key->team, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, team_credits < 0 ? -1 : team_credits);
        sqlite3_bind_int64(st, 3, key->created_ms);
        rc = step_one(s, st, &added);
    }
    if (!rc && added && team_credits > 0)
        rc = ledger_add(s, key->team, NULL, "grant", team_credits, key->created_ms);
    st = rc ? NULL
            : sq_prepare(s, "INSERT INTO api_keys(hash, prefix, team, rate_per_min, created_ms) "
                            "VALUES(?, ?, ?, ?, ?)");
    if (st) {
        sqlite3_bind_text(st, 1, key->hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key->prefix, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, key->team, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, key->rate_per_min);
        sqlite3_bind_int64(st, 5, key->created_ms);
        rc = step_one(s, st, NULL);
    } else if (!rc) {
        rc = CINDER_E_STORE;
    }
    return sq_end(s, rc);
}

static void read_key(sqlite3_stmt *st, store_key_t *k)
{
    memset(k, 0, sizeof *k);
    snprintf(k->hash, sizeof k->hash, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(k->prefix, sizeof k->prefix, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(k->team, sizeof k->team, "%s", (const char *)sqlite3_column_text(st, 2));
    k->rate_per_min = sqlite3_column_int(st, 3);
    k->created_ms = sqlite3_column_int64(st, 4);
    k->revoked_ms = sqlite3_column_int64(st, 5);
}

cinder_err sq_key_find(void *impl, const char *hash, store_key_t *out)
{
    sq_t *s = sq_read_begin(impl);
    sqlite3_stmt *st = sq_prepare(s, "SELECT hash, prefix, team, rate_per_min, created_ms, "
                                     "revoked_ms FROM api_keys WHERE hash = ?");
    cinder_err rc = st ? CINDER_E_NOT_FOUND : CINDER_E_STORE;
    if (st) {
        sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
        if (sq_next(s, st, &rc, "key")) {
            read_key(st, out);
            rc = CINDER_OK;
        }
    }
    sq_done(s, st);
    sq_read_end(s);
    return rc;
}

cinder_err sq_keys_list(void *impl, store_key_t **out, size_t *n)
{
    sq_t *s = sq_read_begin(impl);
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    sqlite3_stmt *st = sq_prepare(s, "SELECT hash, prefix, team, rate_per_min, created_ms, "
                                     "revoked_ms FROM api_keys ORDER BY created_ms, prefix");
    cinder_err rc = st ? CINDER_OK : CINDER_E_STORE;
    while (!rc && sq_next(s, st, &rc, "keys")) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        read_key(st, &(*out)[(*n)++]);
    }
    sq_done(s, st);
    sq_read_end(s);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

cinder_err sq_key_revoke(void *impl, const char *prefix, int64_t now_ms)
{
    sq_t *s = impl;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = sq_prepare(s, "UPDATE api_keys SET revoked_ms = ? WHERE prefix = ? AND "
                                     "revoked_ms = 0");
    int changes = 0;
    cinder_err rc = CINDER_E_STORE;
    if (st) {
        sqlite3_bind_int64(st, 1, now_ms);
        sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
        rc = step_one(s, st, &changes);
    }
    pthread_mutex_unlock(&s->mu);
    return rc ? rc : changes ? CINDER_OK : CINDER_E_NOT_FOUND;
}

cinder_err sq_team_get(void *impl, const char *name, store_team_t *out)
{
    sq_t *s = sq_read_begin(impl);
    sqlite3_stmt *st = sq_prepare(s, "SELECT name, credits, created_ms FROM teams WHERE name = ?");
    cinder_err rc = st ? CINDER_E_NOT_FOUND : CINDER_E_STORE;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sq_next(s, st, &rc, "team")) {
            memset(out, 0, sizeof *out);
            snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 0));
            out->credits = sqlite3_column_int64(st, 1);
            out->created_ms = sqlite3_column_int64(st, 2);
            rc = CINDER_OK;
        }
    }
    sq_done(s, st);
    sq_read_end(s);
    return rc;
}

/* The new balance of a team for store_team_credits; CINDER_E_INVALID when not allowed. */
static cinder_err new_balance(int64_t have, int64_t delta, bool set, int64_t *out)
{
    if (set) {
        if (delta < -1)
            return CINDER_E_INVALID;
        *out = delta;
        return CINDER_OK;
    }
    if (have < 0 || have + delta < 0)
        return CINDER_E_INVALID;
    *out = have + delta;
    return CINDER_OK;
}

cinder_err sq_team_credits(void *impl, const char *name, int64_t delta, bool set, int64_t now_ms)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    sqlite3_stmt *st = sq_prepare(s, "SELECT credits FROM teams WHERE name = ?");
    int64_t have = 0, now = 0;
    rc = st ? CINDER_E_NOT_FOUND : CINDER_E_STORE;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            have = sqlite3_column_int64(st, 0);
            rc = CINDER_OK;
        }
    }
    sq_done(s, st);
    if (!rc)
        rc = new_balance(have, delta, set, &now);
    st = rc ? NULL : sq_prepare(s, "UPDATE teams SET credits = ? WHERE name = ?");
    if (st) {
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        rc = step_one(s, st, NULL);
    }
    if (!rc)
        rc = ledger_add(s, name, NULL, set ? "set" : "grant", set ? now : delta, now_ms);
    if (rc == CINDER_E_NOT_FOUND || rc == CINDER_E_INVALID) {
        sq_end(s, CINDER_E_DECLINED);
        return rc;
    }
    return sq_end(s, rc);
}

cinder_err sq_idem_claim(void *impl, const char *team, const char *key, int64_t now_ms)
{
    sq_t *s = impl;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st =
        sq_prepare(s, "INSERT INTO idempotency(team, key, created_ms) VALUES(?, ?, ?)");
    cinder_err rc = CINDER_E_STORE;
    if (st) {
        sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now_ms);
        rc = step_one(s, st, NULL);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

cinder_err sq_idem_release(void *impl, const char *team, const char *key)
{
    sq_t *s = impl;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = sq_prepare(s, "DELETE FROM idempotency WHERE team = ? AND key = ?");
    cinder_err rc = CINDER_E_STORE;
    if (st) {
        sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        rc = step_one(s, st, NULL);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}
