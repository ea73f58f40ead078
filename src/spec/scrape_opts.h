/*
 * scrape_opts: the normalised options of one page scrape (formats, main content, tags, request
 * headers, timeout, TLS), shared by every dialect, the sync scrape and every page of a crawl or
 * batch, and their persisted JSON form. Plain data: no threads, no I/O.
 */
#ifndef CINDER_SPEC_SCRAPE_OPTS_H
#define CINDER_SPEC_SCRAPE_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "html/pipeline.h"
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

/* Makes dst a deep copy of src (dst's previous contents are not freed). */
void scrape_opts_copy(scrape_opts_t *dst, const scrape_opts_t *src);

/* Serialises the options (for the job record), request headers included as an object: a crawl
 * resumed after a restart must send them again. Caller owns the reference. */
json_t *scrape_opts_to_json(const scrape_opts_t *o);

/* Appends the request header "name: value" to o (copies both). */
void scrape_opts_add_header(scrape_opts_t *o, const char *name, const char *value);

/* Reads options written by scrape_opts_to_json into o (initialised by the caller). */
CINDER_MUST_CHECK cinder_err scrape_opts_from_json(json_t *j, scrape_opts_t *o);

#endif
