/*
 * auth: API keys and per-key rate limits for the HTTP API.
 *
 * Keys are random strings ("fc-" and 40 hex digits) of which the store keeps only the SHA-256;
 * a presented key is hashed and compared with the stored hash in constant time. Keys live in
 * the store, so `cinder keys` can add and revoke them while a server runs: the server re-reads a
 * key at most AUTH_CACHE_MS after it last looked.
 *
 * With no valid key in the store the server runs open (any or no key accepted, one anonymous
 * team ""), but only when open mode is allowed (a loopback address, or --open).
 */
#ifndef CINDER_API_AUTH_H
#define CINDER_API_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_accounts.h"
#include "util/error.h"

#define AUTH_CACHE_MS 2000

typedef struct auth auth_t;

/* The outcome of a check. */
typedef struct {
    cinder_err err;      /* OK, E_UNAUTHORIZED (no key), E_FORBIDDEN (unknown or revoked key),
                            E_RATE_LIMITED */
    char team[64];       /* the key's team; "" in open mode */
    int retry_after_s;   /* E_RATE_LIMITED: seconds until a request is allowed */
    const char *message; /* static text for the error */
} auth_result_t;

/* Creates the checker over st (borrowed). open_allowed: run open while no key exists. */
CINDER_MUST_CHECK cinder_err auth_new(store_t *st, bool open_allowed, auth_t **out);

/* Frees the checker. Accepts NULL. */
void auth_free(auth_t *a);

/* True while no valid key exists (the server then runs open if allowed). */
bool auth_no_keys(auth_t *a);

/* Checks a presented key (NULL or "" when none was sent) and takes one token from its rate
 * limit. Thread-safe. */
void auth_check(auth_t *a, const char *key, auth_result_t *out);

/* Makes a new key: writes the key (>= 48 bytes) and its store record (hash, prefix). */
CINDER_MUST_CHECK cinder_err auth_key_make(char *key, size_t keylen, store_key_t *rec);

/* The SHA-256 of key as 64 hex digits (+ NUL) into hex. */
void auth_key_hash(const char *key, char hex[65]);

#endif
