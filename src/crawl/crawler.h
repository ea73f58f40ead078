/*
 * crawler: runs the items of jobs of any kind (crawl, batch, discovery). One scheduler thread
 * claims due items from the store, hands their fetches to the fetch loop, and applies page outcomes
 * (documents, failures, discovered links) in group commits; workers do the per-page CPU work. All
 * crawl state is in the store, so a restarted server resumes every running crawl where it stopped.
 */
#ifndef CINDER_CRAWL_CRAWLER_H
#define CINDER_CRAWL_CRAWLER_H

#include <stdint.h>

#include "model/items.h"
#include "model/job.h"
#include "page/page_ctx.h"
#include "spec/crawl_opts.h"
#include "fetch/fetcher.h"
#include "store/store_jobs.h"
#include "util/error.h"
#include "util/pool.h"

typedef struct crawler crawler_t;

/* What a job kind does with its pages and life events; jobs/ supplies one per job (a crawler
 * knows no dialect). Every member may be NULL. */
typedef struct {
    /* Worker thread: turns a fetched page (no fetch error, not a 429/503 to retry) into its
     * outcome through page/page_ctx.h. NULL: the page becomes a Firecrawl document. */
    void (*page)(page_ctx_t *p, void *ud);
    /* Worker thread: a fetch that ended in an error; true when the hook recorded the outcome
     * itself, false to record the failure. */
    bool (*fetch_failed)(page_ctx_t *p, void *ud);
    /* Worker thread: a document built by the default page path, before it is stored (borrowed;
     * the hook may read it or add to it). */
    void (*document)(json_t *doc, void *ud);
    /* Worker thread: the outbox event written with the outcome res of the item at url, or
     * NULL. Freed with event_free. */
    store_event_t *(*item_event)(void *ud, const char *job_id, const char *url,
                                 const model_item_result_t *res);
    /* Scheduler thread: the event written with the job's completion, or NULL. */
    store_event_t *(*end_event)(void *ud, const char *job_id);
    void (*event_free)(store_event_t *ev);
    /* Scheduler thread (or the thread freeing the crawler): the outcome res of one of the job's
     * items was committed (rc: how the commit went). Not called for an item put back to
     * pending (a retry later, or a fetch cut short by a shutdown). */
    void (*committed)(void *ud, const model_item_result_t *res, cinder_err rc);
    void (*ud_free)(void *ud); /* frees ud when the job leaves the scheduler */
    void *ud;
} crawl_hooks_t;

/* Supplies the hooks of job rec, whose persisted options are opts (both borrowed), when the job
 * is scheduled (created or resumed). An error keeps the job from being scheduled. */
typedef cinder_err (*crawl_bind_fn)(void *ctx, const store_job_t *rec, json_t *opts,
                                    crawl_hooks_t *out);

/* Starts the scheduler over the engine's store, fetcher and pool (borrowed; they must outlive
 * the crawler) and resumes the jobs the store lists as running, binding each through bind(ctx).
 * host_connections caps the fetches in flight to one host across all jobs (<= 0: default).
 * Free with crawler_free. */
CINDER_MUST_CHECK cinder_err crawler_new(store_t *st, fetcher_t *f, pool_t *pool,
                                         int host_connections, crawl_bind_fn bind, void *ctx,
                                         crawler_t **out);

/* Stops scheduling: no new fetch starts. Call before the fetcher and the pool are freed (their
 * draining completes the pages in flight). Accepts NULL. */
void crawler_stop(crawler_t *c);

/* Call after the fetcher and the pool have stopped: records the pages that completed while they
 * drained and lets go of every job, whose hooks then see their end (a client waiting on a job is
 * answered); scheduling refuses new jobs from then on. Idempotent; accepts NULL. */
void crawler_settle(crawler_t *c);

/* Records the pages that completed while the fetcher and pool drained (pages cut short by the
 * shutdown go back to pending and run again after a restart), then frees the crawler. Call
 * after the fetcher and the pool are freed. Accepts NULL. */
void crawler_free(crawler_t *c);

/* Checks that o can be crawled (its scope compiles): CINDER_E_BAD_REQUEST with a message in err
 * naming the invalid regex. */
CINDER_MUST_CHECK cinder_err crawler_check(const crawl_opts_t *o, char *err, size_t errlen);

/* Offers urls[0..n) to the frontier of job id (created by the caller with options o) under limit
 * (< 0: none), keyed by o's URL-key rules; *admitted (may be NULL) receives how many were new. */
CINDER_MUST_CHECK cinder_err crawler_seed(crawler_t *c, const char *id, const crawl_opts_t *o,
                                          const char *const *urls, size_t n, int64_t limit,
                                          size_t *admitted);

/* Schedules job id, already in the store with its items, reading its options back from the
 * store (the path a resumed job takes). on_document (may be NULL; not persisted) receives each
 * document on a worker thread as it is built (thread-safe; doc borrowed); the store then keeps an
 * empty placeholder in its place: for the command line, which writes documents itself. */
CINDER_MUST_CHECK cinder_err crawler_schedule(crawler_t *c, const char *id,
                                              void (*on_document)(json_t *doc, void *ud), void *ud);

/* Adds urls[0..n) to the scheduled batch id (*added receives how many were new).
 * CINDER_E_ALREADY_TERMINAL when it is not scheduled (ended or cancelled). */
CINDER_MUST_CHECK cinder_err crawler_append(crawler_t *c, const char *id, const char *const *urls,
                                            size_t n, size_t *added);

/* Cancels a job: from the moment this returns no new page fetch starts; pending items, and
 * claimed ones whose fetch has not started, are cancelled and their credits refunded. out->event
 * (the caller's, may be NULL) is written with the cancel; out says how many. Errors as
 * model_job_cancel. */
CINDER_MUST_CHECK cinder_err crawler_cancel(crawler_t *c, const char *id, model_cancel_t *out);

/* Re-queues the failed items of job id (a batch) and schedules it again, also when it had
 * completed; *retried receives how many (0: none had failed, nothing changed). Errors as
 * model_items_retry. */
CINDER_MUST_CHECK cinder_err crawler_retry(crawler_t *c, const char *id, int64_t *retried);

#endif
