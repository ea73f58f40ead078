/*
 * crawler: runs crawl jobs. One scheduler thread claims due items from the store, hands their
 * fetches to the fetch loop, and applies page outcomes (documents, failures, discovered links)
 * in group commits; workers do the per-page CPU work. All crawl state is in the store, so a
 * restarted server resumes every running crawl where it stopped.
 */
#ifndef CINDER_CRAWL_CRAWLER_H
#define CINDER_CRAWL_CRAWLER_H

#include <stdint.h>

#include "crawl/crawl_opts.h"
#include "fetch/fetcher.h"
#include "store/store.h"
#include "util/error.h"
#include "util/pool.h"

typedef struct crawler crawler_t;

/* Starts the scheduler over the engine's store, fetcher and pool (borrowed; they must outlive
 * the crawler) and resumes the crawls the store lists as running. result_ttl_ms sets expiry;
 * host_connections caps the fetches in flight to one host across all crawls (<= 0: default).
 * Free with crawler_free. */
CINDER_MUST_CHECK cinder_err crawler_new(store_t *st, fetcher_t *f, pool_t *pool,
                                         int64_t result_ttl_ms, int host_connections,
                                         crawler_t **out);

/* Stops scheduling: no new fetch starts. Call before the fetcher and the pool are freed (their
 * draining completes the pages in flight). Accepts NULL. */
void crawler_stop(crawler_t *c);

/* Records the pages that completed while the fetcher and pool drained (pages cut short by the
 * shutdown go back to pending and run again after a restart), then frees the crawler. Call
 * after the fetcher and the pool are freed. Accepts NULL. */
void crawler_free(crawler_t *c);

/* Creates a crawl job for o (validated by the caller; copied) and starts it. Writes the job id
 * into id_out (>= 40 bytes). CINDER_E_BAD_REQUEST when a regex is invalid (message in err). */
CINDER_MUST_CHECK cinder_err crawler_start(crawler_t *c, const crawl_opts_t *o, char *id_out,
                                           char *err, size_t errlen);

/* Creates a batch scrape job (o->batch set; o's page options and concurrency apply) of
 * urls[0..n) (absolute http(s) URLs; repeated URLs are scraped once) and starts it. Nothing is
 * discovered, robots.txt and sitemaps are not read. Writes the job id into id_out. */
CINDER_MUST_CHECK cinder_err crawler_start_batch(crawler_t *c, const crawl_opts_t *o,
                                                 const char *const *urls, size_t n, char *id_out,
                                                 char *err, size_t errlen);

/* Adds urls[0..n) to the running batch id (*added receives how many were new).
 * CINDER_E_NOT_FOUND when id is not a batch, CINDER_E_ALREADY_TERMINAL when it has ended. */
CINDER_MUST_CHECK cinder_err crawler_append(crawler_t *c, const char *id, const char *const *urls,
                                            size_t n, size_t *added);

/* Cancels a crawl: from the moment this returns no new page fetch starts; pending items, and
 * claimed ones whose fetch has not started, are cancelled and their credits refunded (*out,
 * may be NULL, says how many; its inputs are set here). Errors as store_job_cancel. */
CINDER_MUST_CHECK cinder_err crawler_cancel(crawler_t *c, const char *id, store_cancel_t *out);

/* Re-queues the failed items of job id (a batch) and schedules it again, also when it had
 * completed; *retried receives how many (0: none had failed, nothing changed). Errors as
 * store_items_retry. */
CINDER_MUST_CHECK cinder_err crawler_retry(crawler_t *c, const char *id, int64_t *retried);

/* Number of crawls being scheduled. */
int crawler_active(crawler_t *c);

#endif
