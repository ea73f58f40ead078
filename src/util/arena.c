#include "util/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

typedef struct chunk {
    struct chunk *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
} chunk_t;

struct arena {
    chunk_t *head;
    size_t chunk_size;
    size_t total;
};

arena_t *arena_new(size_t chunk_size)
{
    arena_t *a = xcalloc(1, sizeof *a);
    a->chunk_size = chunk_size ? chunk_size : 16384;
    return a;
}

void arena_free(arena_t *a)
{
    if (!a)
        return;
    chunk_t *c = a->head;
    while (c) {
        chunk_t *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

static chunk_t *chunk_add(arena_t *a, size_t need)
{
    size_t size = need > a->chunk_size ? need : a->chunk_size;
    chunk_t *c = xmalloc(sizeof *c + size);
    c->size = size;
    c->used = 0;
    if (a->head && need > a->chunk_size) {
        /* oversized: keep the current chunk on top for later small allocations */
        c->next = a->head->next;
        a->head->next = c;
    } else {
        c->next = a->head;
        a->head = c;
    }
    return c;
}

void *arena_alloc(arena_t *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (!n)
        n = align;
    chunk_t *c = a->head;
    if (!c || c->size - c->used < n)
        c = chunk_add(a, n);
    void *p = c->data + c->used;
    c->used += n;
    a->total += n;
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena_t *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

size_t arena_used(const arena_t *a)
{
    return a->total;
}
