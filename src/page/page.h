/*
 * page: what every job does to a fetched page, whichever job kind and dialect: the pipeline
 * options its scrape options ask for, and the job-level metadata a built document carries.
 * Sits below crawl/ and jobs/ so both use it without knowing each other. No threads of its own;
 * callable from any thread.
 */
#ifndef CINDER_PAGE_PAGE_H
#define CINDER_PAGE_PAGE_H

#include <jansson.h>

#include "html/pipeline.h"
#include "spec/scrape_opts.h"

/* The pipeline options matching scrape options (arrays borrowed from o). */
void page_pipeline_opts(const scrape_opts_t *o, pipeline_opts_t *out);

/* Adds the job-level metadata keys (scrapeId, proxyUsed, creditsUsed, error for 4xx/5xx). */
void page_decorate(json_t *doc, const char *scrape_id, long status);

#endif
