/*
 * auth: key checks with a small cache of known keys and their token buckets.
 *
 * Threads: auth_check runs on the HTTP threads; one mutex guards the cache and the buckets.
 * Store reads happen outside the mutex.
 */
#include "api/auth.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/clock.h"
#include "util/url.h"
#include "util/mem.h"

#define SLOTS 1024 /* cached valid keys; a collision replaces the older entry */

typedef struct {
    char hash[65];
    char team[64];
    int rate_per_min;
    bool revoked;
    int64_t checked_ms; /* when the store was last read for this key */
    double tokens;      /* token bucket: capacity rate_per_min, refilled continuously */
    int64_t last_ms;
} slot_t;

struct auth {
    store_t *st;
    bool open_allowed;
    pthread_mutex_t mu;
    int64_t keys_checked_ms;
    bool no_keys;
    slot_t slots[SLOTS];
};

cinder_err auth_new(store_t *st, bool open_allowed, auth_t **out)
{
    auth_t *a = xcalloc(1, sizeof *a);
    a->st = st;
    a->open_allowed = open_allowed;
    pthread_mutex_init(&a->mu, NULL);
    a->keys_checked_ms = -AUTH_CACHE_MS;
    *out = a;
    return CINDER_OK;
}

void auth_free(auth_t *a)
{
    if (!a)
        return;
    pthread_mutex_destroy(&a->mu);
    free(a);
}

void auth_key_hash(const char *key, char hex[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(key, strlen(key), md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

cinder_err auth_key_make(char *key, size_t keylen, store_key_t *rec)
{
    unsigned char raw[20];
    if (keylen < 48 || RAND_bytes(raw, sizeof raw) != 1)
        return CINDER_E_INVALID;
    memcpy(key, "fc-", 3);
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(key + 3 + 2 * i, 3, "%02x", raw[i]);
    memset(rec, 0, sizeof *rec);
    auth_key_hash(key, rec->hash);
    snprintf(rec->prefix, sizeof rec->prefix, "%.11s", key);
    rec->created_ms = clock_wall_ms();
    return CINDER_OK;
}

bool auth_no_keys(auth_t *a)
{
    int64_t now = clock_mono_ms();
    pthread_mutex_lock(&a->mu);
    bool fresh = now - a->keys_checked_ms < AUTH_CACHE_MS, none = a->no_keys;
    pthread_mutex_unlock(&a->mu);
    if (fresh)
        return none;
    store_key_t *keys = NULL;
    size_t n = 0, valid = 0;
    if (store_keys_list(a->st, &keys, &n) != CINDER_OK)
        return false; /* cannot tell: keep keys required */
    for (size_t i = 0; i < n; i++)
        valid += keys[i].revoked_ms == 0;
    free(keys);
    pthread_mutex_lock(&a->mu);
    a->no_keys = valid == 0;
    a->keys_checked_ms = now;
    pthread_mutex_unlock(&a->mu);
    return valid == 0;
}

/* The slot of a key: its hash's first three hex digits (the hash is uniform). */
static slot_t *slot_for(auth_t *a, const char *hash)
{
    unsigned i = 0;
    for (int k = 0; k < 3; k++)
        i = i << 4 | (unsigned)url_hex_digit(hash[k]);
    return &a->slots[i % SLOTS];
}

/* Reads key hash into *k, from the cache while fresh, else from the store (refreshing the
 * cache). Returns false for an unknown key. Called without the mutex. */
static bool lookup(auth_t *a, const char *hash, int64_t now, store_key_t *k)
{
    pthread_mutex_lock(&a->mu);
    slot_t *s = slot_for(a, hash);
    bool fresh = CRYPTO_memcmp(s->hash, hash, 64) == 0 && now - s->checked_ms < AUTH_CACHE_MS;
    if (fresh) {
        memcpy(k->team, s->team, sizeof k->team);
        k->revoked_ms = s->revoked;
    }
    pthread_mutex_unlock(&a->mu);
    if (fresh)
        return true;
    if (store_key_find(a->st, hash, k) != CINDER_OK || CRYPTO_memcmp(k->hash, hash, 64) != 0)
        return false;
    pthread_mutex_lock(&a->mu);
    if (CRYPTO_memcmp(s->hash, hash, 64) != 0) {
        memset(s, 0, sizeof *s);
        memcpy(s->hash, hash, sizeof s->hash);
        s->tokens = k->rate_per_min;
        s->last_ms = now;
    }
    memcpy(s->team, k->team, sizeof s->team);
    s->rate_per_min = k->rate_per_min;
    s->revoked = k->revoked_ms != 0;
    s->checked_ms = now;
    pthread_mutex_unlock(&a->mu);
    return true;
}

/* Takes a token from the slot's bucket; 0 when allowed, else the seconds to wait. */
static int take_token(slot_t *s, int64_t now)
{
    if (s->rate_per_min <= 0)
        return 0;
    double per_ms = s->rate_per_min / 60000.0;
    s->tokens += (double)(now - s->last_ms) * per_ms;
    if (s->tokens > s->rate_per_min)
        s->tokens = s->rate_per_min;
    s->last_ms = now;
    if (s->tokens >= 1.0) {
        s->tokens -= 1.0;
        return 0;
    }
    int wait = (int)ceil((1.0 - s->tokens) / per_ms / 1000.0);
    return wait > 0 ? wait : 1;
}

static void fail(auth_result_t *out, cinder_err e, const char *msg)
{
    out->err = e;
    out->message = msg;
}

void auth_check(auth_t *a, const char *key, auth_result_t *out)
{
    memset(out, 0, sizeof *out);
    if (auth_no_keys(a)) {
        if (!a->open_allowed)
            fail(out, CINDER_E_UNAUTHORIZED, "no API key is configured on this server");
        return;
    }
    if (!key || !*key) {
        fail(out, CINDER_E_UNAUTHORIZED, "missing API key");
        return;
    }
    char hash[65];
    auth_key_hash(key, hash);
    int64_t now = clock_mono_ms();
    store_key_t k = {0};
    if (!lookup(a, hash, now, &k)) {
        fail(out, CINDER_E_KEY_INVALID, "Invalid token"); /* Firecrawl's words */
        return;
    }
    if (k.revoked_ms) {
        fail(out, CINDER_E_KEY_INVALID, "Invalid token (the API key was revoked)");
        return;
    }
    pthread_mutex_lock(&a->mu);
    slot_t *s = slot_for(a, hash); /* another key may have taken the slot: not limited then */
    if (CRYPTO_memcmp(s->hash, hash, 64) == 0 && (out->retry_after_s = take_token(s, now)) > 0)
        fail(out, CINDER_E_RATE_LIMITED, "too many requests for this API key");
    else
        memcpy(out->team, k.team, sizeof out->team);
    pthread_mutex_unlock(&a->mu);
}
