#include "groupmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define BUCKETS 1024

typedef struct group {
    struct group *next;
    group_counts c;
    char key[]; /* NUL-terminated */
} group;

struct groupmap {
    group *buckets[BUCKETS];
    size_t count;
    size_t max_keys;
    group_counts overflow;
};

static size_t slot_of(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return (size_t)(h % BUCKETS);
}

groupmap *groupmap_new(size_t max_keys)
{
    groupmap *m = xcalloc(1, sizeof *m);
    m->max_keys = max_keys;
    return m;
}

void groupmap_free(groupmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < BUCKETS; i++) {
        for (group *g = m->buckets[i], *next; g; g = next) {
            next = g->next;
            free(g);
        }
    }
    free(m);
}

group_counts *groupmap_get(groupmap *m, const char *key, int create)
{
    char k[GROUPMAP_KEY_MAX + 1];
    size_t len = strnlen(key, GROUPMAP_KEY_MAX);
    memcpy(k, key, len);
    k[len] = '\0';
    if (strcmp(k, "(overflow)") == 0)
        return &m->overflow;
    size_t slot = slot_of(k);
    for (group *g = m->buckets[slot]; g; g = g->next) {
        if (strcmp(g->key, k) == 0)
            return &g->c;
    }
    if (!create)
        return NULL;
    if (m->count >= m->max_keys)
        return &m->overflow;
    group *g = xcalloc(1, sizeof *g + len + 1);
    memcpy(g->key, k, len + 1);
    g->next = m->buckets[slot];
    m->buckets[slot] = g;
    m->count++;
    return &g->c;
}

group_counts *groupmap_overflow(groupmap *m)
{
    return &m->overflow;
}

static void reset_counts(group_counts *c)
{
    c->total = 0;
    c->max = c->inflight;
}

void groupmap_reset(groupmap *m)
{
    for (size_t i = 0; i < BUCKETS; i++) {
        group **link = &m->buckets[i];
        while (*link) {
            group *g = *link;
            if (g->c.inflight > 0) {
                reset_counts(&g->c);
                link = &g->next;
                continue;
            }
            *link = g->next;
            free(g);
            m->count--;
        }
    }
    reset_counts(&m->overflow);
}
