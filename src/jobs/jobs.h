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

#include "crawl/crawler.h"
#include "spec/crawl_opts.h"
#include "store/store_jobs.h"
#include "util/error.h"

typedef struct jobs jobs_t;

/* The bit of a job kind in a kinds mask (jobs_get, jobs_cancel). */
#define JOBS_KIND(k)  (1u << (k))
#define JOBS_ANY_KIND 0xffu

/* A page processor a dialect registers: chosen for the jobs whose persisted options hold the
 * key name (true, or an object the processor reads). */
typedef struct {
    const char *name;
    /* Per-job state from the job's record and persisted options (borrowed); *ud is freed with
     * job_free. */
    cinder_err (*job_new)(void *ctx, const store_job_t *rec, json_t *opts, void **ud);
    void (*job_free)(void *ud);
    void (*page)(crawl_page_t *p, void *ud);         /* as crawl_hooks_t.page (NULL: document) */
    bool (*fetch_failed)(crawl_page_t *p, void *ud); /* as crawl_hooks_t.fetch_failed */
    void (*document)(json_t *doc, void *ud);         /* as crawl_hooks_t.document */
    void (*committed)(void *ud, const store_item_result_t *res, cinder_err rc); /* likewise */
} jobs_processor_t;

/* A job model over st (borrowed), whose results stay readable for ttl_ms. Free with jobs_free. */
CINDER_MUST_CHECK cinder_err jobs_new(store_t *st, int64_t ttl_ms, jobs_t **out);

/* Frees the job model (after the crawler). Accepts NULL. */
void jobs_free(jobs_t *js);

/* Registers processor p (static; ctx borrowed, handed to p->job_new). Before jobs_attach only. */
void jobs_add_processor(jobs_t *js, const jobs_processor_t *p, void *ctx);

/* The crawl_bind_fn to give crawler_new, with the jobs_t as its ctx. */
cinder_err jobs_bind(void *jobs, const store_job_t *rec, json_t *opts, crawl_hooks_t *out);

/* Hands the running crawler, the fetch loop and the worker pool (borrowed) to the job model. */
void jobs_attach(jobs_t *js, crawler_t *c, fetcher_t *f, pool_t *pool);

/* The store, for reads (results, errors, listings). */
store_t *jobs_store(jobs_t *js);

/* The fetch loop and the worker pool the jobs run on, and how long results stay readable (for
 * the job modules of jobs/). */
fetcher_t *jobs_fetcher(jobs_t *js);
pool_t *jobs_pool(jobs_t *js);
int64_t jobs_ttl(const jobs_t *js);

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
                                         unsigned kinds, store_cancel_t *out);

/* Re-queues the failed items of team's batch id and runs it again (*retried: how many; 0: none
 * had failed). Errors as jobs_get and store_items_retry. */
CINDER_MUST_CHECK cinder_err jobs_retry(jobs_t *js, const char *team, const char *id,
                                        int64_t *retried);

#endif
