/*
 * known: a bounded set of the URL keys the store already holds for one job (admitted, skipped or
 * locked items), so that workers stop offering the links every page repeats (navigation, headers,
 * footers) to the store, which would only ignore them. Lossy and safe: a slot holds one key and a
 * colliding key replaces it (that key is then offered again and ignored again); a key is added
 * only once the store has reported it held, so a link dropped for the job's limit is never
 * mistaken for a held one.
 *
 * Threads: the scheduler adds keys after its group commits while workers look keys up; a mutex
 * guards the slots.
 */
#ifndef CINDER_CRAWL_KNOWN_H
#define CINDER_CRAWL_KNOWN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct known known_t;

/* A set of slots keys (rounded up to a power of two). Free with known_free. */
known_t *known_new(size_t slots);

/* Frees the set. Accepts NULL. */
void known_free(known_t *k);

/* True when key is in the set. Accepts NULL (false). */
bool known_has(known_t *k, const char *key);

/* Records key as held by the store. Accepts NULL (nothing). */
void known_add(known_t *k, const char *key);

#endif
