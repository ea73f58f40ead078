/*
 * arena: a bump allocator for memory that lives as long as one request or one
 * page. Everything allocated from an arena belongs to it and is freed by
 * arena_free(). An arena is used by one thread at a time; arena pointers never
 * cross threads.
 */
#ifndef CINDER_UTIL_ARENA_H
#define CINDER_UTIL_ARENA_H

#include <stddef.h>

typedef struct arena arena_t;

/* Creates an arena whose chunks are chunk_size bytes (0: 16 KiB). Free with arena_free. */
arena_t *arena_new(size_t chunk_size);

/* Frees the arena and everything allocated from it. Accepts NULL. */
void arena_free(arena_t *a);

/* Returns n bytes aligned for any type; owned by the arena. Never NULL. */
void *arena_alloc(arena_t *a, size_t n);

/* Copies n bytes plus a NUL terminator into the arena. */
char *arena_strndup(arena_t *a, const char *s, size_t n);

/* Copies a C string into the arena; NULL gives NULL. */
char *arena_strdup(arena_t *a, const char *s);

/* Bytes handed out so far (for tests and statistics). */
size_t arena_used(const arena_t *a);

#endif
