/*
 * groupmap: per-group request counters (a group is a path prefix or a Host),
 * with a cap on distinct groups. Not thread-safe: the caller holds its own
 * lock. Groups past the cap share one overflow group named "(overflow)".
 */
#ifndef CINDER_TESTS_SITE_GROUPMAP_H
#define CINDER_TESTS_SITE_GROUPMAP_H

#include <stddef.h>

#define GROUPMAP_KEY_MAX 256 /* longer keys are truncated */

typedef struct {
    long total;    /* requests started since the last reset */
    long inflight; /* requests started and not yet finished */
    long max;      /* highest inflight since the last reset */
} group_counts;

typedef struct groupmap groupmap;

/* A new empty map holding at most max_keys groups. */
groupmap *groupmap_new(size_t max_keys);

void groupmap_free(groupmap *m);

/* The counters of key; creates them when create is set (else NULL when absent). */
group_counts *groupmap_get(groupmap *m, const char *key, int create);

/* The shared counters of the groups past the cap. */
group_counts *groupmap_overflow(groupmap *m);

/* Zeroes totals, sets max to inflight, and forgets groups with nothing in flight. */
void groupmap_reset(groupmap *m);

#endif
