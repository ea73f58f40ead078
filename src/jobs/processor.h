/*
 * processor: the page work of a job kind, as a dialect provides it to the job model (Skop's
 * discovery records, Trieve's chunking; the sync scrape's is jobs/scrape.c). A processor is
 * registered once, at start-up (jobs_add_processor), and chosen for the jobs of its kind, or
 * whose persisted options name it; its functions run on worker threads (committed: on the
 * scheduler's), for one job's state (ud) at a time per page.
 */
#ifndef CINDER_JOBS_PROCESSOR_H
#define CINDER_JOBS_PROCESSOR_H

#include <stdbool.h>

#include <jansson.h>

#include "jobs/jobs.h"
#include "model/items.h"
#include "page/page_ctx.h"
#include "store/store_jobs.h"
#include "util/error.h"

/* A page processor a dialect registers: chosen for the jobs of kind (when not 0), else for the
 * jobs whose persisted options hold the key name (an object the processor reads). */
typedef struct {
    job_kind kind;
    const char *name;
    /* Per-job state from the job's record and persisted options (borrowed); *ud is freed with
     * job_free. */
    cinder_err (*job_new)(void *ctx, const store_job_t *rec, json_t *opts, void **ud);
    void (*job_free)(void *ud);
    void (*page)(page_ctx_t *p, void *ud);         /* as the crawler's hook page (NULL: document) */
    bool (*fetch_failed)(page_ctx_t *p, void *ud); /* as the crawler's hook fetch_failed */
    void (*document)(json_t *doc, void *ud);       /* as the crawler's hook document */
    void (*committed)(void *ud, const model_item_result_t *res, cinder_err rc); /* likewise */
} jobs_processor_t;

/* Registers processor p (static; ctx borrowed, handed to p->job_new). Before jobs_attach only. */
void jobs_add_processor(jobs_t *js, const jobs_processor_t *p, void *ctx);

#endif
