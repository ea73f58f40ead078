/*
 * jobs: the job model, and the only write path for jobs. Creating a crawl or a batch (its record,
 * its credit reservation, its first items, its "started" event), appending, cancelling, retrying
 * and reading a job on behalf of a team all go through here; handlers and the command line never
 * call the crawler. The crawler runs the items; what a job kind does with its pages comes from
 * here, bound per job (jobs_bind): the default Firecrawl document, or a processor a dialect
 * registered (Skop's discovery, Trieve's chunking), and the job's webhook events.
 *
 * Threads: every function may be called from any thread once jobs_attach has run; the processor
 * table is written only before that (at start-up).
 */
#ifndef CINDER_JOBS_JOBS_H
#define CINDER_JOBS_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/items.h"
#include "model/job.h"
#include "spec/crawl_opts.h"
#include "store/store_jobs.h"
#include "util/error.h"

typedef struct jobs jobs_t; /* built and wired by jobs/wiring.h */

/* The bit of a job kind in a kinds mask (jobs_get, jobs_cancel). */
#define JOBS_KIND(k)  (1u << (k))
#define JOBS_ANY_KIND 0xffu

/* The store, for reads (results, errors, listings). */
store_t *jobs_store(jobs_t *js);

/* False when o's start URL is deeper than its maxDepth (a crawl that could fetch nothing): the
 * dialects refuse such a crawl as invalid. */
bool jobs_crawl_depth_ok(const crawl_opts_t *o);

/* Creates a crawl of o (validated by the caller) for o->team and starts it: the record reserves
 * o->limit credits (CINDER_E_NO_CREDITS when the team cannot cover them). Writes the job id into
 * id_out (>= 40 bytes). CINDER_E_BAD_REQUEST when a regex is invalid (message in err).
 * o->on_document, when set, receives the documents (crawler_schedule). */
CINDER_MUST_CHECK cinder_err jobs_crawl_start(jobs_t *js, const crawl_opts_t *o, char *id_out,
                                              char *err, size_t errlen);

/* Creates a scrape job (kind scrape) with the id id (chosen by the caller) of o (a one-URL
 * batch: jobs/scrape.c) and starts it. */
CINDER_MUST_CHECK cinder_err jobs_start_scrape(jobs_t *js, const crawl_opts_t *o, const char *id,
                                               char *err, size_t errlen);

/* The registry of requests waiting for scrape jobs (jobs/scrape.c). */
struct scrape_waiters *jobs_scrape_waiters(jobs_t *js);

/* Creates a batch scrape (o->batch set) of urls[0..n) (absolute http(s) URLs; repeated URLs are
 * scraped once and their credits released at once) and starts it. */
CINDER_MUST_CHECK cinder_err jobs_batch_start(jobs_t *js, const crawl_opts_t *o,
                                              const char *const *urls, size_t n, char *id_out,
                                              char *err, size_t errlen);

/* Adds urls[0..n) to team's running batch id, reserving a credit for each new one (*added).
 * CINDER_E_NOT_FOUND unless id is a batch of team, CINDER_E_ALREADY_TERMINAL once it ended. */
CINDER_MUST_CHECK cinder_err jobs_batch_append(jobs_t *js, const char *team, const char *id,
                                               const char *const *urls, size_t n, size_t *added);

/* Reads job id for team, when its kind is in kinds: CINDER_E_NOT_FOUND for an unknown id, a
 * malformed one, another team's job or another kind (the same answer for all four: another
 * team's jobs are never revealed), CINDER_E_EXPIRED as store_job_get. *out: store_job_cleanup. */
CINDER_MUST_CHECK cinder_err jobs_get(jobs_t *js, const char *team, const char *id, unsigned kinds,
                                      store_job_t *out);

/* Cancels team's job id of a kind in kinds: no new fetch starts once this returns, pending items
 * are cancelled and refunded, the job's "cancelled" event is written with it. *out (may be NULL)
 * says how many. Errors as jobs_get, and CINDER_E_ALREADY_TERMINAL for an ended job. */
CINDER_MUST_CHECK cinder_err jobs_cancel(jobs_t *js, const char *team, const char *id,
                                         unsigned kinds, model_cancel_t *out);

/* Cancels team's job id (any kind) when it still runs, then removes it with its items and
 * documents; the credits it still holds go back to the team. Errors as jobs_get. */
CINDER_MUST_CHECK cinder_err jobs_delete(jobs_t *js, const char *team, const char *id);

/* Re-queues the failed items of team's batch id and runs it again (*retried: how many; 0: none
 * had failed). Errors as jobs_get and model_items_retry. */
CINDER_MUST_CHECK cinder_err jobs_retry(jobs_t *js, const char *team, const char *id,
                                        int64_t *retried);

#endif
