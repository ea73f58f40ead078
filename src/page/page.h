/*
 * page: what every job does to a fetched page, whichever job kind and dialect: the pipeline
 * options its scrape options ask for, and the job-level metadata a built document carries.
 * Sits below crawl/ and jobs/ so both use it without knowing each other. No threads of its own;
 * callable from any thread.
 */
#ifndef CINDER_PAGE_PAGE_H
#define CINDER_PAGE_PAGE_H

#include <jansson.h>

#include "fetch/fetcher.h"
#include "html/pipeline.h"
#include "spec/scrape_opts.h"

/* The pipeline options matching scrape options (arrays borrowed from o). */
void page_pipeline_opts(const scrape_opts_t *o, pipeline_opts_t *out);

/* Adds the job-level metadata keys (scrapeId, proxyUsed, creditsUsed, error for 4xx/5xx). */
void page_decorate(json_t *doc, const char *scrape_id, long status);

/* Builds the Firecrawl document of the fetched page f requested as url (kept verbatim in
 * metadata.sourceURL), in o's formats plus extra_formats (PIPE_FMT_*), decorated with scrape_id.
 * *doc is a new reference. Errors as pipeline_run. */
CINDER_MUST_CHECK cinder_err page_build(const fetch_result_t *f, const char *url,
                                        const scrape_opts_t *o, unsigned extra_formats,
                                        const char *scrape_id, json_t **doc);

#endif
