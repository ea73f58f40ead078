/*
 * stats: what the fixture server saw. Counters per path, the number of
 * requests in flight and its maximum, a ring of the last STATS_LOG_MAX
 * requests, and the per-key counters of /flaky. Every function is
 * thread-safe (one mutex).
 */
#ifndef CINDER_TESTS_SITE_STATS_H
#define CINDER_TESTS_SITE_STATS_H

#include <jansson.h>

#define STATS_LOG_MAX   10000  /* requests kept in the log */
#define STATS_PATHS_MAX 100000 /* distinct paths counted; more go to "(overflow)" */
#define STATS_FLAKY_MAX 10000  /* distinct /flaky keys */
#define STATS_HOST_MAX  256    /* Host header bytes kept per log entry */

void stats_init(void);
void stats_cleanup(void);

/* Records the start of a request (uri: raw target; host may be NULL). */
void stats_begin(const char *method, const char *uri, const char *host);

/* Records the end of a request recorded by stats_begin(). */
void stats_end(void);

/* {"total","paths","inflight","maxInflight"} as compact JSON; free() it. */
char *stats_json(void);

/* The log as a JSON array, oldest first; free() it. */
char *stats_log_json(void);

/* Zeroes the counters, the log and the /flaky keys (requests in flight stay in flight). */
void stats_reset(void);

/* Counts one /flaky request for key and returns how many there have been, this one included. */
long stats_flaky_hit(const char *key);

/* A JSON string from possibly invalid UTF-8: bad bytes become '?'. Never NULL. */
json_t *json_str_lossy(const char *s);

#endif
