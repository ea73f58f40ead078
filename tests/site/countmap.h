/*
 * countmap: string -> counter, with a cap on distinct keys. Not thread-safe:
 * the caller holds its own lock. Once the cap is reached, new keys are counted
 * together in an overflow counter, reported as "(overflow)".
 */
#ifndef CINDER_TESTS_SITE_COUNTMAP_H
#define CINDER_TESTS_SITE_COUNTMAP_H

#include <stddef.h>

#define COUNTMAP_KEY_MAX 2048 /* longer keys are truncated */

typedef struct countmap countmap;

/* A new empty map holding at most max_keys distinct keys. */
countmap *countmap_new(size_t max_keys);

void countmap_free(countmap *m);

/* Removes every key and zeroes the overflow counter. */
void countmap_clear(countmap *m);

/* Adds one to key (the first len bytes of it) and returns the new count. */
long countmap_incr(countmap *m, const char *key, size_t len);

/* Calls fn for every key, then for "(overflow)" when it is non-zero. */
void countmap_each(const countmap *m, void (*fn)(const char *key, long n, void *arg), void *arg);

#endif
