/*
 * params: validation of request bodies into normalised options, reporting
 * every problem the way Firecrawl's zod schemas do (a `details` array naming
 * each bad field) and collecting warnings for accepted-but-ignored input.
 */
#ifndef CINDER_API_PARAMS_H
#define CINDER_API_PARAMS_H

#include <stdbool.h>

#include <jansson.h>

#include "spec/scrape_opts.h"
#include "util/buf.h"
#include "util/error.h"

typedef struct {
    json_t *details; /* zod-like issues; non-empty means 400 BAD_REQUEST */
    buf_t warnings;  /* sentences for the response's `warning` */
    cinder_err err;  /* set for failures that are not a plain 400 (e.g. actions) */
} params_report_t;

/* Initialises an empty report. */
void params_report_init(params_report_t *rep);

/* Frees the report's contents. */
void params_report_cleanup(params_report_t *rep);

/* True when the report holds a validation failure (details or err). */
bool params_failed(const params_report_t *rep);

/* Adds one issue naming field (a top-level key, or "a.b" for nested keys). */
void params_issue(params_report_t *rep, const char *code, const char *field, const char *msg);

/* Adds a warning sentence. */
void params_warn(params_report_t *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Typed readers of one body field: on a wrong type or range they add an issue naming field and
 * return false (params_strv returns NULL). params_strv's vector and strings are heap-allocated
 * (the caller frees them); at most max items. */
bool params_bool(json_t *v, const char *field, bool *out, params_report_t *rep);
bool params_int(json_t *v, const char *field, long min, long max, long *out, params_report_t *rep);
char **params_strv(json_t *v, const char *field, size_t max, size_t *n, params_report_t *rep);

/* Validates a request URL (Firecrawl rules: http:// prepended when there is no scheme,
 * http/https only, a real top-level domain unless allow_private). Returns the normalised URL
 * (caller frees) or NULL after adding an issue for field. */
char *params_url(json_t *v, const char *field, bool allow_private, params_report_t *rep);

/* Parses a v1/v2 scrape body (version 1 or 2) into o (initialised by the caller with
 * scrape_opts_init). Keys listed in `extra_keys` (NULL-terminated, may be NULL) are left to the
 * caller; other unknown keys are named in a warning. "url" is never read here. */
void params_scrape(json_t *body, int version, const char *const *extra_keys, scrape_opts_t *o,
                   params_report_t *rep);

/* Parses v0 `pageOptions` (may be NULL) into o; v0 flags that select extra fields are returned
 * through include_links. */
void params_v0_page_options(json_t *page_options, scrape_opts_t *o, bool *include_links,
                            params_report_t *rep);

/* The 400 body for a failed report: {success:false, code, error, details}. New reference. */
json_t *params_error_body(const params_report_t *rep);

#endif
