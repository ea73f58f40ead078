/*
 * wiring: how the process builds the job model and ties it to the crawler (engine.c, tests):
 * jobs_new, then each processor (jobs/processor.h), then crawler_new with jobs_bind, then
 * jobs_attach. Everything else talks to jobs/jobs.h.
 */
#ifndef CINDER_JOBS_WIRING_H
#define CINDER_JOBS_WIRING_H

#include <stdint.h>

#include <jansson.h>

#include "crawl/crawler.h"
#include "jobs/jobs.h"
#include "jobs/processor.h"
#include "store/store_jobs.h"
#include "util/error.h"

/* A job model over st (borrowed), whose results stay readable for ttl_ms. Free with jobs_free. */
CINDER_MUST_CHECK cinder_err jobs_new(store_t *st, int64_t ttl_ms, jobs_t **out);

/* Frees the job model (after the crawler). Accepts NULL. */
void jobs_free(jobs_t *js);

/* The crawl_bind_fn to give crawler_new, with the jobs_t as its ctx. */
cinder_err jobs_bind(void *jobs, const store_job_t *rec, json_t *opts, crawl_hooks_t *out);

/* Hands the running crawler (borrowed) to the job model. */
void jobs_attach(jobs_t *js, crawler_t *c);

#endif
