/*
 * firecrawl: what the Firecrawl dialects (v0, v1, v2) share — body parsing,
 * error envelopes, and the scrape endpoints, parameterised by API version.
 */
#ifndef CINDER_API_FIRECRAWL_H
#define CINDER_API_FIRECRAWL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "api/http.h"
#include "api/router.h"
#include "jobs/jobs.h"
#include "util/error.h"

/* The routes of Firecrawl's API versions, each ending with a {NULL} entry. */
extern const api_route_t firecrawl_v0_routes[];
extern const api_route_t firecrawl_v1_routes[];
extern const api_route_t firecrawl_v2_routes[];

/* The error envelope of each version (status from api/errmap.c; detail may be NULL). */
void fc_v0_error(api_req_t *r, cinder_err e, const char *detail);
void fc_v1_error(api_req_t *r, cinder_err e, const char *detail);
void fc_v2_error(api_req_t *r, cinder_err e, const char *detail);

/* The job kinds the crawl routes serve: crawls and batches (not scrapes, not Skop's discovery
 * jobs, which keep their own record format). */
#define FC_JOB_KINDS (JOBS_KIND(JOB_KIND_CRAWL) | JOBS_KIND(JOB_KIND_BATCH))

/* Defines a route handler `name` that calls fn(r, version): the dialect files bind the shared
 * handlers to their version with it. */
/* Answers 501 NOT_IMPLEMENTED for a Firecrawl route cinder knows but does not implement,
 * naming it and why (dialect/firecrawl/unimplemented.c). */
void fc_not_implemented(api_req_t *r, int version);

#define FC_VERSIONED(name, fn, version)                                                            \
    static void name(api_req_t *r)                                                                 \
    {                                                                                              \
        fn(r, version);                                                                            \
    }

/* Replies with the version's error envelope for e (status from the error table). */
void fc_reply_error(api_req_t *r, int version, cinder_err e, const char *detail);

/* The Firecrawl routes whose documented answer for a job they cannot serve differs. */
typedef enum {
    FC_ROUTE_STATUS, /* crawl and batch status and errors: {success:false, error} (v0: no
                        success) */
    FC_ROUTE_CANCEL, /* DELETE of a crawl or batch: {error} */
    FC_ROUTE_APPEND, /* a batch's appendToId: {success:false, error} */
    FC_ROUTE_SCRAPE, /* GET of a scrape: {success:false, error:"Job not found."} */
} fc_route;

/* Replies for a job operation that failed with e on route (state: the job's state, for an
 * already-terminal job): 404 for an unknown, another team's or another kind's job and 409
 * ALREADY_TERMINAL in the shape Firecrawl documents for that route; any other error as
 * fc_reply_error. */
void fc_reply_job_error(api_req_t *r, int version, fc_route route, cinder_err e, const char *state);

/* Parses the JSON body as an object; on failure replies (400) and returns NULL.
 * Caller owns the returned reference. */
json_t *fc_parse_body(api_req_t *r, int version);

/* POST /v{0,1,2}/scrape. */
void fc_scrape(api_req_t *r, int version);

/* GET /v{1,2}/scrape/:id. */
void fc_scrape_get(api_req_t *r, int version);

/* Crawl routes: POST /vN/crawl, GET /vN/crawl/:id, DELETE /vN/crawl/:id, GET /vN/crawl/:id/errors,
 * GET /vN/crawl/ongoing (and /active). */
void fc_crawl_create(api_req_t *r, int version);
void fc_crawl_status(api_req_t *r, int version);
void fc_crawl_cancel(api_req_t *r, int version);
void fc_crawl_errors(api_req_t *r, int version);
void fc_crawl_ongoing(api_req_t *r, int version);

/* Batch scrape routes: POST /vN/batch/scrape (firecrawl_batch.c), GET /vN/batch/scrape/:id (status
 * with `next` on the batch path); cancel and errors are the crawl handlers. */
void fc_batch_create(api_req_t *r, int version);
void fc_batch_status(api_req_t *r, int version);

/* Claims the request's x-idempotency-key for its team (*claimed tells whether one was claimed);
 * replies 409 and returns false when the key was used before. */
bool fc_idem_claim(api_req_t *r, int version, bool *claimed);

/* Releases a claimed idempotency key after the request failed. */
void fc_idem_release(api_req_t *r, bool claimed);

/* Replies to a job start that failed with rc: 400 with err for a bad request, 402 naming the
 * need (credits the job would reserve) and the team's balance, else the error table's reply. */
void fc_reply_start_error(api_req_t *r, int version, cinder_err rc, const char *err, int64_t need);

/* Account routes (firecrawl_team.c): GET /vN/team/credit-usage, /vN/team/token-usage,
 * /vN/concurrency-check. */
void fc_credit_usage(api_req_t *r, int version);
void fc_token_usage(api_req_t *r, int version);
void fc_concurrency_check(api_req_t *r, int version);

/* "http://<Host>/vN/<path>/<id><query>" from the request's Host header, into out. */
void fc_job_url(api_req_t *r, int version, const char *path, const char *id, const char *query,
                char *out, size_t len);

/* v0 crawl routes: POST /v0/crawl, GET /v0/crawl/status/:id, DELETE /v0/crawl/cancel/:id. */
void fc_v0_crawl_create(api_req_t *r);
void fc_v0_crawl_status(api_req_t *r);

/* A document in the v0 shape (content, markdown, metadata.pageStatusCode/pageError); new
 * reference. */
json_t *fc_v0_document(json_t *doc, bool include_links);

/* True when route parameter 0 is a UUID; otherwise replies 400 and returns false. */
bool fc_check_job_id(api_req_t *r);

#endif
