/*
 * strset: a set of strings (open addressing, linear probing, seeded hash).
 * The set keeps its own copies of the keys. Not thread-safe; one owner.
 */
#ifndef CINDER_UTIL_STRSET_H
#define CINDER_UTIL_STRSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strset strset_t;

/* Creates an empty set sized for about expected keys (0: a small default).
 * Never NULL (aborts on out of memory). Free with strset_free. */
strset_t *strset_new(size_t expected);

/* Frees the set and its key copies. Accepts NULL. */
void strset_free(strset_t *s);

/* Adds a copy of the NUL-terminated key. Returns true if it was not in the set yet. */
bool strset_add(strset_t *s, const char *key);

/* Adds a copy of the len-byte key (may contain NUL). Returns true if it was new. */
bool strset_addn(strset_t *s, const char *key, size_t len);

/* True if the len-byte key is in the set. */
bool strset_contains(const strset_t *s, const char *key, size_t len);

/* Number of keys in the set. */
size_t strset_count(const strset_t *s);

#endif
