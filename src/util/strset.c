/*
 * Open addressing with linear probing over a power-of-two table kept at most
 * half full. Each slot caches the key's 64-bit hash so probes compare hashes
 * before bytes; the hash is seeded per set so hostile input cannot aim at
 * one probe chain.
 */
#include "util/strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util/mem.h"

typedef struct {
    char *key; /* NULL: empty slot */
    size_t len;
    uint64_t hash;
} slot_t;

struct strset {
    slot_t *slots;
    size_t cap; /* power of two */
    size_t count;
    uint64_t seed;
};

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t hash_bytes(uint64_t seed, const char *p, size_t len)
{
    uint64_t h = seed ^ 0xcbf29ce484222325ULL;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = mix64(h ^ w) + 0x9e3779b97f4a7c15ULL;
    }
    uint64_t tail = 0;
    memcpy(&tail, p + i, len - i);
    return mix64(h ^ tail ^ ((uint64_t)len << 56));
}

static uint64_t new_seed(const strset_t *s)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed)
        seed = mix64((uint64_t)(uintptr_t)s);
    return seed;
}

strset_t *strset_new(size_t expected)
{
    strset_t *s = xcalloc(1, sizeof *s);
    size_t cap = 16;
    while (cap < expected * 2 && cap < ((size_t)1 << 40))
        cap <<= 1;
    s->slots = xcalloc(cap, sizeof *s->slots);
    s->cap = cap;
    s->seed = new_seed(s);
    return s;
}

void strset_free(strset_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i].key);
    free(s->slots);
    free(s);
}

/* The slot holding the key, or the empty slot where it belongs. */
static slot_t *find_slot(const strset_t *s, const char *key, size_t len, uint64_t hash)
{
    size_t mask = s->cap - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        slot_t *sl = &s->slots[i];
        if (!sl->key)
            return sl;
        if (sl->hash == hash && sl->len == len && memcmp(sl->key, key, len) == 0)
            return sl;
    }
}

static void grow(strset_t *s)
{
    slot_t *old = s->slots;
    size_t old_cap = s->cap;
    s->cap = old_cap * 2;
    s->slots = xcalloc(s->cap, sizeof *s->slots);
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].key)
            continue;
        *find_slot(s, old[i].key, old[i].len, old[i].hash) = old[i];
    }
    free(old);
}

bool strset_addn(strset_t *s, const char *key, size_t len)
{
    uint64_t hash = hash_bytes(s->seed, key, len);
    slot_t *sl = find_slot(s, key, len, hash);
    if (sl->key)
        return false;
    sl->key = xstrndup(key, len);
    sl->len = len;
    sl->hash = hash;
    if (++s->count * 2 > s->cap)
        grow(s);
    return true;
}

bool strset_add(strset_t *s, const char *key)
{
    return strset_addn(s, key, strlen(key));
}

bool strset_contains(const strset_t *s, const char *key, size_t len)
{
    return find_slot(s, key, len, hash_bytes(s->seed, key, len))->key != NULL;
}

size_t strset_count(const strset_t *s)
{
    return s->count;
}
