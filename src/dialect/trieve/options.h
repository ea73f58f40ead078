/*
 * trieve_opts: Trieve's CrawlOptions (seed-apis.md §1.3) validated into the normalised options
 * a crawl request keeps and echoes, and the crawler options its crawls run with.
 */
#ifndef CINDER_API_TRIEVE_OPTS_H
#define CINDER_API_TRIEVE_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "spec/crawl_opts.h"

/* Validates crawl_options (an object; JSON null counts as absent for every field). On success
 * *norm is a new object with every known field (given values, the defaults limit 1000,
 * boost_titles and add_chunks_to_dataset true, null for the rest; unknown keys dropped) and o
 * (initialised here; crawl_opts_cleanup it either way) holds the crawler options, chunking
 * included unless add_chunks_to_dataset is false. On failure returns false with a message
 * naming the field in err. */
bool trieve_opts_parse(json_t *crawl_options, bool allow_private, json_t **norm, crawl_opts_t *o,
                       char *err, size_t errlen);

#endif
