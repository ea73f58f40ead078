/*
 * store_accounts: teams, their API keys and credit balances, the credits of jobs, and
 * idempotency keys (store/sqlite_accounts.c for SQLite).
 */
#ifndef CINDER_STORE_STORE_ACCOUNTS_H
#define CINDER_STORE_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

/* A team: its credit balance (-1: unlimited). */
typedef struct {
    char name[64];
    int64_t credits;
    int64_t created_ms;
} store_team_t;

/* An API key as stored: the SHA-256 of the key (hex), a display prefix, its team and rate limit. */
typedef struct {
    char hash[65];
    char prefix[16]; /* the key's first characters, for listing and revoking */
    char team[64];
    int rate_per_min; /* requests per minute; 0: unlimited */
    int64_t created_ms;
    int64_t revoked_ms; /* 0 while valid */
} store_key_t;

/* Stores a new API key; creates its team when the team does not exist yet, with team_credits
 * (-1: unlimited). CINDER_E_CONFLICT when the hash or prefix is already stored. */
CINDER_MUST_CHECK cinder_err store_key_add(store_t *st, const store_key_t *key,
                                           int64_t team_credits);

/* Looks a key up by its hash: CINDER_E_NOT_FOUND when unknown (revoked keys are returned with
 * revoked_ms set). */
CINDER_MUST_CHECK cinder_err store_key_find(store_t *st, const char *hash, store_key_t *out);

/* Lists every key, oldest first. *out is a heap array (free it). */
CINDER_MUST_CHECK cinder_err store_keys_list(store_t *st, store_key_t **out, size_t *n);

/* Revokes the keys whose prefix is prefix (an exact prefix match of one key):
 * CINDER_E_NOT_FOUND when none. */
CINDER_MUST_CHECK cinder_err store_key_revoke(store_t *st, const char *prefix, int64_t now_ms);

/* Reads a team: CINDER_E_NOT_FOUND when unknown. */
CINDER_MUST_CHECK cinder_err store_team_get(store_t *st, const char *name, store_team_t *out);

/* Adds delta credits to a team's balance (set: makes the balance delta; -1 = unlimited), with a
 * ledger entry. CINDER_E_NOT_FOUND for an unknown team, CINDER_E_INVALID when adding to an
 * unlimited balance or the result would be negative. */
CINDER_MUST_CHECK cinder_err store_team_credits(store_t *st, const char *name, int64_t delta,
                                                bool set, int64_t now_ms);

/* Records an idempotency key of a team: CINDER_E_CONFLICT when it was used before. */
CINDER_MUST_CHECK cinder_err store_idem_claim(store_t *st, const char *team, const char *key,
                                              int64_t now_ms);

/* Forgets an idempotency key (the request that claimed it failed). */
CINDER_MUST_CHECK cinder_err store_idem_release(store_t *st, const char *team, const char *key);

/* The account operations a backend provides. impl is the backend's own handle. */
struct store_account_ops {
    cinder_err (*key_add)(void *impl, const store_key_t *key, int64_t team_credits);
    cinder_err (*key_find)(void *impl, const char *hash, store_key_t *out);
    cinder_err (*keys_list)(void *impl, store_key_t **out, size_t *n);
    cinder_err (*key_revoke)(void *impl, const char *prefix, int64_t now_ms);
    cinder_err (*team_get)(void *impl, const char *name, store_team_t *out);
    cinder_err (*team_credits)(void *impl, const char *name, int64_t delta, bool set,
                               int64_t now_ms);
    cinder_err (*idem_claim)(void *impl, const char *team, const char *key, int64_t now_ms);
    cinder_err (*idem_release)(void *impl, const char *team, const char *key);
};

#endif
