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

#include "html/pipeline.h"
#include "jobs/engine.h"
#include "util/error.h"

/* Normalised scrape options, shared by every dialect. */
typedef struct {
    unsigned formats; /* PIPE_FMT_* from html/pipeline.h */
    bool only_main_content;
    char **include_tags;
    size_t n_include;
    char **exclude_tags;
    size_t n_exclude;
    char **headers; /* "Name: value" lines */
    size_t n_headers;
    long timeout_ms; /* whole scrape deadline; 0: none */
    bool skip_tls_verify;
    bool remove_base64_images;
    bool zero_data_retention;
    int api_version; /* 0, 1, 2 */
} scrape_opts_t;

/* Fills defaults for the given API version (formats markdown, main content on, base64 images
 * removed, v1 timeout 30 s, v2 TLS verification skipped as Firecrawl v2 does). */
void scrape_opts_init(scrape_opts_t *o, int api_version);

/* Frees the arrays inside o. */
void scrape_opts_cleanup(scrape_opts_t *o);

/* Serialises the options (for the job record), request headers included as an object: a crawl
 * resumed after a restart must send them again. Caller owns the reference. */
json_t *scrape_opts_to_json(const scrape_opts_t *o);

/* Appends the request header "name: value" to o (copies both). */
void scrape_opts_add_header(scrape_opts_t *o, const char *name, const char *value);

/* Reads options written by scrape_opts_to_json into o (initialised by the caller). */
CINDER_MUST_CHECK cinder_err scrape_opts_from_json(json_t *j, scrape_opts_t *o);

/* The outcome handed to the completion callback. */
typedef struct {
    cinder_err err;     /* CINDER_OK: document is set */
    char *error_detail; /* extra detail for errors (e.g. the host that failed DNS), or NULL */
    json_t *document;   /* the Firecrawl document; the callback owns this reference */
    char job_id[40];
    long status; /* target HTTP status when a response arrived */
} scrape_result_t;

/* Runs on a worker thread when the scrape ends; must free res with scrape_result_free. */
typedef void (*scrape_cb)(scrape_result_t *res, void *ud);

/* Starts a scrape of url (already validated; source_url is the string the client sent, kept
 * verbatim in metadata.sourceURL) for team ("" when the server runs open; the job reserves one
 * credit: CINDER_E_NO_CREDITS when the team has none). Writes the job id into id_out (>= 40
 * bytes). cb runs exactly once, on a worker thread, unless this returns an error. */
CINDER_MUST_CHECK cinder_err scrape_submit(engine_t *e, const char *team, const char *url,
                                           const char *source_url, const scrape_opts_t *opts,
                                           scrape_cb cb, void *ud, char *id_out);

/* Frees a result (and its document reference). Accepts NULL. */
void scrape_result_free(scrape_result_t *r);

/* Reads a stored scrape document by job id. *doc is a new reference. CINDER_E_NOT_FOUND (also
 * when the job belongs to another team than team), CINDER_E_EXPIRED as store_job_get. */
CINDER_MUST_CHECK cinder_err scrape_lookup(engine_t *e, const char *team, const char *id,
                                           json_t **doc);

/* The pipeline options matching scrape options (arrays borrowed from o). */
void scrape_pipeline_opts(const scrape_opts_t *o, pipeline_opts_t *out);

/* Adds the job-level metadata keys (scrapeId, proxyUsed, creditsUsed, error for 4xx/5xx). */
void scrape_decorate(json_t *doc, const char *scrape_id, long status);

#endif
