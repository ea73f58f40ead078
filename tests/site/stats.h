/*
 * stats: what the fixture server saw. Counters per path, the number of
 * requests in flight and its maximum, a ring of the last STATS_LOG_MAX
 * requests, the per-key counters of /flaky, and per-group counters (total,
 * in flight, max in flight) for every path prefix (the first two segments)
 * and every Host header. Every function is thread-safe (one mutex).
 */
#ifndef CINDER_TESTS_SITE_STATS_H
#define CINDER_TESTS_SITE_STATS_H

#include <jansson.h>

#define STATS_LOG_MAX    100000 /* requests kept in the log */
#define STATS_PATHS_MAX  100000 /* distinct paths counted; more go to "(overflow)" */
#define STATS_FLAKY_MAX  10000  /* distinct /flaky keys */
#define STATS_HOST_MAX   256    /* Host header bytes kept per log entry */
#define STATS_GROUP_MAX  4096   /* distinct prefixes (and hosts) tracked; more share "(overflow)" */
#define STATS_PREFIX_MAX 256    /* bytes of a prefix key */

void stats_init(void);
void stats_cleanup(void);

/* What stats_begin() returns, to be handed back to stats_end(). */
enum { STATS_PREFIX_OVERFLOW = 1, STATS_HOST_OVERFLOW = 2 };

/* Records the start of a request (uri: raw target; host may be NULL); returns flags. */
unsigned stats_begin(const char *method, const char *uri, const char *host);

/* Records the end of a request recorded by stats_begin(): same uri and host, and its flags. */
void stats_end(const char *uri, const char *host, unsigned flags);

/*
 * {"total","paths","inflight","maxInflight"} as compact JSON; free() it. With a prefix (not
 * NULL), only paths starting with it, "prefix" added, and the in-flight numbers of its group
 * (stats_prefix_key); total is the group's total when prefix is a whole, known group key,
 * else the sum of the matching paths.
 */
char *stats_json(const char *prefix);

/* {"host","total","inflight","maxInflight"} for one Host header value; free() it. */
char *stats_host_json(const char *host);

/*
 * The log as a JSON array, oldest first; free() it. Only entries whose path starts with prefix,
 * whose host equals host, and whose time is at least since_ms (NULL / negative: no filter).
 */
char *stats_log_json(const char *prefix, const char *host, double since_ms);

/* The group of a path: its first two segments, each followed by '/' ("/crawl/x/p/1" ->
 * "/crawl/x/", "/json" -> "/json/"); the query is ignored. Writes at most cap bytes. */
void stats_prefix_key(const char *path, char *out, size_t cap);

/* Zeroes the counters, the log and the /flaky keys (requests in flight stay in flight). */
void stats_reset(void);

/* Counts one /flaky request for key and returns how many there have been, this one included. */
long stats_flaky_hit(const char *key);

/* A JSON string from possibly invalid UTF-8: bad bytes become '?'. Never NULL. */
json_t *json_str_lossy(const char *s);

#endif
