/* known: the keys a job's store rows already hold (crawl/known.h). */
#include "crawl/known.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

typedef struct {
    uint64_t hash; /* 0: empty */
    char *key;
} slot_t;

struct known {
    pthread_mutex_t mu;
    size_t mask;
    slot_t *slots;
};

/* FNV-1a, never 0 (0 marks an empty slot). */
static uint64_t hash_of(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

known_t *known_new(size_t slots)
{
    size_t n = 16;
    while (n < slots)
        n *= 2;
    known_t *k = xcalloc(1, sizeof *k);
    pthread_mutex_init(&k->mu, NULL);
    k->mask = n - 1;
    k->slots = xcalloc(n, sizeof *k->slots);
    return k;
}

void known_free(known_t *k)
{
    if (!k)
        return;
    for (size_t i = 0; i <= k->mask; i++)
        free(k->slots[i].key);
    free(k->slots);
    pthread_mutex_destroy(&k->mu);
    free(k);
}

bool known_has(known_t *k, const char *key)
{
    if (!k)
        return false;
    uint64_t h = hash_of(key);
    pthread_mutex_lock(&k->mu);
    const slot_t *s = &k->slots[h & k->mask];
    bool found = s->hash == h && strcmp(s->key, key) == 0;
    pthread_mutex_unlock(&k->mu);
    return found;
}

void known_add(known_t *k, const char *key)
{
    if (!k)
        return;
    uint64_t h = hash_of(key);
    pthread_mutex_lock(&k->mu);
    slot_t *s = &k->slots[h & k->mask];
    if (s->hash != h || strcmp(s->key, key) != 0) {
        free(s->key);
        s->key = xstrdup(key);
        s->hash = h;
    }
    pthread_mutex_unlock(&k->mu);
}
