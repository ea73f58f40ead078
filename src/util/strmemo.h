/*
 * strmemo: remembers a small value (0..255) computed from a short string, for pure functions a
 * page calls again and again with the same few strings (class and id values). Direct-mapped by
 * a hash of the string: a colliding string replaces the one in its slot. A value type the
 * caller owns (one per thread: it has no lock); zero-initialised storage is an empty memo.
 */
#ifndef CINDER_UTIL_STRMEMO_H
#define CINDER_UTIL_STRMEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STRMEMO_SLOTS 256
#define STRMEMO_MAX   40 /* longer strings are never remembered */

typedef struct {
    struct {
        uint8_t len; /* 0: empty */
        uint8_t value;
        char s[STRMEMO_MAX];
    } slot[STRMEMO_SLOTS];
} strmemo_t;

/* True, with *value, when s[0..len) is remembered in m. */
bool strmemo_get(const strmemo_t *m, const char *s, size_t len, unsigned *value);

/* Remembers value for s[0..len) (nothing when len is 0 or above STRMEMO_MAX). */
void strmemo_put(strmemo_t *m, const char *s, size_t len, unsigned value);

#endif
