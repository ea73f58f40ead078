/*
 * pipeline: turns one fetched response into a Firecrawl document —
 * decode to UTF-8, parse, extract metadata and links, clean, pick the main
 * content, convert to markdown. Runs on a worker thread (or the CLI); all the
 * memory it uses is its own and released before it returns.
 */
#ifndef CINDER_HTML_PIPELINE_H
#define CINDER_HTML_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "util/error.h"

/* Output formats (bit flags). */
enum {
    PIPE_FMT_MARKDOWN = 1u << 0,
    PIPE_FMT_HTML = 1u << 1,
    PIPE_FMT_RAW_HTML = 1u << 2,
    PIPE_FMT_LINKS = 1u << 3,
    PIPE_FMT_IMAGES = 1u << 4,
};

typedef struct {
    const char *source_url;   /* the URL exactly as requested (metadata.sourceURL) */
    const char *final_url;    /* the URL after redirects (metadata.url, base for links) */
    long status;              /* HTTP status of the target (metadata.statusCode); 0 if local */
    const char *content_type; /* Content-Type of the response, or NULL */
    const char *body;
    size_t len;
} pipeline_input_t;

typedef struct {
    unsigned formats; /* PIPE_FMT_* */
    bool only_main_content;
    const char *const *include_tags;
    size_t n_include;
    const char *const *exclude_tags;
    size_t n_exclude;
    bool keep_base64_images;
    size_t max_links;  /* 0: default cap */
    size_t max_output; /* cap on each text field; 0: default (64 MiB) */
} pipeline_opts_t;

/* Kinds of body the pipeline knows. */
typedef enum {
    PIPE_BODY_HTML,
    PIPE_BODY_JSON,
    PIPE_BODY_TEXT,
    PIPE_BODY_UNSUPPORTED
} pipe_body_kind;

/* Classifies a response by Content-Type, sniffing the first bytes when the type is absent. */
pipe_body_kind pipeline_classify(const char *content_type, const char *body, size_t len);

/* Builds the document. On success *doc is a new object (caller owns the reference) with the
 * requested formats and a metadata object (title, description, language, og*, raw <meta>
 * copies, sourceURL, url, statusCode, contentType). CINDER_E_UNSUPPORTED_FILE for binary
 * content types. */
CINDER_MUST_CHECK cinder_err pipeline_run(const pipeline_input_t *in, const pipeline_opts_t *opts,
                                          json_t **doc);

#endif
