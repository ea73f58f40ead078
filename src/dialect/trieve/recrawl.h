/*
 * trieve: Trieve crawl requests over the crawl engine. A crawl request is a durable crawl
 * configuration of one dataset of one team (store_trieve_t); each of its crawls is an ordinary
 * crawl job (scrape_id: the newest) whose pages are chunked into the dataset on the workers
 * (crawl/crawl_chunks.h). A recurring request is crawled again every interval by a small
 * scheduler thread (trieve_sched_new).
 *
 * Status vocabulary — the one mapping from the newest job to Trieve's words:
 *   job queued or running, no document yet     → "Pending"
 *   job queued or running, N documents         → "Processed N pages"
 *   job completed with documents (or no error) → "Completed"
 *   job completed with no document and errors  → "Failed"
 *   job failed                                 → "Failed"
 *   job cancelled (e.g. on /v1/crawl/:id)      → "Cancelled"
 * Once the job has ended its word is also kept with the request, so the status outlives the
 * job's result TTL.
 *
 * Intervals: daily, weekly and monthly are 1, 7 and 30 days, counted from the start of the
 * previous crawl; a re-crawl never overlaps the previous one (when that one is still running at
 * the due time, the re-crawl starts as soon as it ends). CINDER_TRIEVE_INTERVAL_SCALE (test
 * only; a factor in (0, 1]) shortens them, e.g. 0.001 makes "daily" 86.4 s.
 */
#ifndef CINDER_JOBS_TRIEVE_H
#define CINDER_JOBS_TRIEVE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "spec/crawl_opts.h"
#include "jobs/jobs.h"
#include "store/store_jobs.h"
#include "store/store_trieve.h"
#include "util/error.h"

/* What creating or updating a request takes besides the crawler options. */
typedef struct {
    const char *team;    /* "" when the server runs open */
    const char *dataset; /* the TR-Dataset id */
    const char *url;     /* site_url, normalised */
    json_t *options;     /* the normalised Trieve crawl_options (borrowed; stored as given) */
    int64_t interval_ms; /* 0: one-shot (trieve_interval_ms) */
} trieve_spec_t;

typedef struct trieve_sched trieve_sched_t;

/* The interval named daily, weekly or monthly in ms (scaled, see above); 0 for NULL or another
 * name. */
int64_t trieve_interval_ms(const char *name);

/* Writes the Trieve status word of a job (the table above) into out. */
void trieve_status_word(const store_job_t *job, char *out, size_t len);

/* Creates a crawl request and starts its first crawl with o (validated by the caller; its
 * chunks option, when set, is completed here with the team, dataset and request id). *out
 * receives the request (store_trieve_cleanup). CINDER_E_BAD_REQUEST (message in err) and
 * CINDER_E_NO_CREDITS as crawler_start. */
CINDER_MUST_CHECK cinder_err trieve_create(jobs_t *e, const trieve_spec_t *spec, crawl_opts_t *o,
                                           store_trieve_t *out, char *err, size_t errlen);

/* Replaces the options of request id (its id or scrape_id) of the team's dataset: starts a crawl
 * with o, then cancels the request's running crawl; the request keeps its id. Errors as
 * trieve_create, and CINDER_E_NOT_FOUND. */
CINDER_MUST_CHECK cinder_err trieve_update(jobs_t *e, const trieve_spec_t *spec, const char *id,
                                           crawl_opts_t *o, store_trieve_t *out, char *err,
                                           size_t errlen);

/* Cancels the running crawl of request id of the team's dataset, then removes the request, its
 * jobs and its chunks. CINDER_E_NOT_FOUND when it is not theirs. */
CINDER_MUST_CHECK cinder_err trieve_delete(jobs_t *e, const char *team, const char *dataset,
                                           const char *id);

/* The CrawlRequest object of a request (status from its newest job). Caller owns the
 * reference. */
json_t *trieve_request_json(jobs_t *e, const store_trieve_t *rec);

/* Starts the re-crawl scheduler over e (borrowed; free the scheduler before the engine).
 * NULL when the thread cannot start. */
trieve_sched_t *trieve_sched_new(jobs_t *e);

/* Stops and frees the scheduler. Accepts NULL. */
void trieve_sched_free(trieve_sched_t *s);

#endif
