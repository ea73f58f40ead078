/*
 * SQLite backend, accounts: teams, hashed API keys, idempotency keys, grants to balances and the
 * listing of a team's jobs. The credits jobs reserve, are charged and get refunded move through
 * the job model (src/model/) over the transaction primitives (sqlite_txn.c).
 *
 * Threads: every function holds the backend mutex (sqlite_int.h) for its statements; a grant
 * runs one IMMEDIATE transaction, so a balance never changes without its ledger entry.
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

cinder_err sq_key_add(void *impl, const store_key_t *key, int64_t team_credits)
{
    sq_t *s = impl;
    cinder_err rc = sq_begin(s);
    if (rc)
        return rc;
    sqlite3_stmt *st =
        sq_prepare(s, "INSERT OR IGNORE INTO teams(name, credits, created_ms) VALUES(?, ?, ?)");
    int64_t added = 0;
    rc = st ? CINDER_OK : CINDER_E_STORE;
    if (st) {
        sqlite3_bind_text(st, 1, key->team, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, team_credits < 0 ? -1 : team_credits);
        sqlite3_bind_int64(st, 3, key->created_ms);
        rc = sq_step(s, st, "accounts", &added);
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
        rc = sq_step(s, st, "accounts", NULL);
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
    int64_t changes = 0;
    cinder_err rc = CINDER_E_STORE;
    if (st) {
        sqlite3_bind_int64(st, 1, now_ms);
        sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
        rc = sq_step(s, st, "accounts", &changes);
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
        rc = sq_step(s, st, "accounts", NULL);
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
        rc = sq_step(s, st, "accounts", NULL);
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
        rc = sq_step(s, st, "accounts", NULL);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}
