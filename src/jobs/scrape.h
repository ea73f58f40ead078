/*
 * scrape: one URL → one document, run as a one-item job (DESIGN.md §1).
 * The job row is written when the scrape starts and finished when it ends;
 * the document is kept for the result TTL (unless zero data retention).
 */
#ifndef CINDER_JOBS_SCRAPE_H
#define CINDER_JOBS_SCRAPE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "jobs/jobs.h"
#include "jobs/processor.h"
#include "spec/scrape_opts.h"
#include "util/error.h"

/* The outcome handed to the completion callback. */
typedef struct {
    cinder_err err;     /* CINDER_OK: document is set */
    char *error_detail; /* extra detail for errors (e.g. the host that failed DNS), or NULL */
    json_t *document;   /* the Firecrawl document; the callback owns this reference */
    char job_id[40];
    long status; /* target HTTP status when a response arrived */
} scrape_result_t;

/* Runs once when the scrape's outcome is stored (on the crawler's scheduler thread: it must only
 * queue a reply), or when the server stops first (err CINDER_E_SHUTDOWN); must free res with
 * scrape_result_free. */
typedef void (*scrape_cb)(scrape_result_t *res, void *ud);

/* Starts a scrape of url (already validated; source_url is the string the client sent, kept
 * verbatim in metadata.sourceURL) for team ("" when the server runs open; the job reserves one
 * credit: CINDER_E_NO_CREDITS when the team has none): a one-item job on the scheduler, resumed
 * after a restart. Writes the job id into id_out (>= 40 bytes). cb runs exactly once unless this
 * returns an error. */
CINDER_MUST_CHECK cinder_err scrape_submit(jobs_t *e, const char *team, const char *url,
                                           const char *source_url, const scrape_opts_t *opts,
                                           scrape_cb cb, void *ud, char *id_out);

/* Frees a result (and its document reference). Accepts NULL. */
void scrape_result_free(scrape_result_t *r);

/* Reads a stored scrape document by job id. *doc is a new reference. CINDER_E_NOT_FOUND (also
 * when the job belongs to another team than team), CINDER_E_EXPIRED as store_job_get. */
CINDER_MUST_CHECK cinder_err scrape_lookup(jobs_t *e, const char *team, const char *id,
                                           json_t **doc);

/* Requests waiting for their scrape jobs (one per job model; jobs.c owns it). */
typedef struct scrape_waiters scrape_waiters_t;

/* A new, empty registry. Free with scrape_waiters_free (accepts NULL). */
scrape_waiters_t *scrape_waiters_new(void);
void scrape_waiters_free(scrape_waiters_t *w);

/* The processor of jobs of kind scrape; its ctx is the registry. */
extern const jobs_processor_t scrape_processor;

#endif
