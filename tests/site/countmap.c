#include "countmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

typedef struct entry {
    struct entry *next;
    long n;
    char key[]; /* NUL-terminated */
} entry;

struct countmap {
    entry **buckets;
    size_t nbuckets; /* a power of two */
    size_t count;
    size_t max_keys;
    long overflow;
};

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

countmap *countmap_new(size_t max_keys)
{
    countmap *m = xcalloc(1, sizeof *m);
    m->nbuckets = 256;
    m->buckets = xcalloc(m->nbuckets, sizeof *m->buckets);
    m->max_keys = max_keys;
    return m;
}

void countmap_clear(countmap *m)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        entry *e = m->buckets[i];
        while (e) {
            entry *next = e->next;
            free(e);
            e = next;
        }
        m->buckets[i] = NULL;
    }
    m->count = 0;
    m->overflow = 0;
}

void countmap_free(countmap *m)
{
    if (!m)
        return;
    countmap_clear(m);
    free(m->buckets);
    free(m);
}

/* Doubles the bucket array once the chains average two entries. */
static void grow(countmap *m)
{
    size_t n = m->nbuckets * 2;
    entry **b = xcalloc(n, sizeof *b);
    for (size_t i = 0; i < m->nbuckets; i++) {
        entry *e = m->buckets[i];
        while (e) {
            entry *next = e->next;
            size_t slot = hash(e->key, strlen(e->key)) & (n - 1);
            e->next = b[slot];
            b[slot] = e;
            e = next;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = n;
}

long countmap_incr(countmap *m, const char *key, size_t len)
{
    len = strnlen(key, len < COUNTMAP_KEY_MAX ? len : COUNTMAP_KEY_MAX);
    size_t slot = hash(key, len) & (m->nbuckets - 1);
    for (entry *e = m->buckets[slot]; e; e = e->next) {
        if (strncmp(e->key, key, len) == 0 && e->key[len] == '\0')
            return ++e->n;
    }
    if (m->count >= m->max_keys)
        return ++m->overflow;
    entry *e = xmalloc(sizeof *e + len + 1);
    memcpy(e->key, key, len);
    e->key[len] = '\0';
    e->n = 1;
    e->next = m->buckets[slot];
    m->buckets[slot] = e;
    if (++m->count > m->nbuckets * 2)
        grow(m);
    return 1;
}

void countmap_each(const countmap *m, void (*fn)(const char *key, long n, void *arg), void *arg)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        for (const entry *e = m->buckets[i]; e; e = e->next)
            fn(e->key, e->n, arg);
    }
    if (m->overflow > 0)
        fn("(overflow)", m->overflow, arg);
}
