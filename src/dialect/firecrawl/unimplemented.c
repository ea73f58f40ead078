/*
 * Firecrawl routes cinder knows but does not implement: a clear 501 NOT_IMPLEMENTED naming the
 * route and why, instead of 404 "no such route" (a client then knows the server is not at
 * fault, nor its URL). The v1 llms.txt and deep-research routes, which Firecrawl deprecated,
 * also carry its deprecation headers.
 */
#include <stdio.h>
#include <string.h>

#include "api/router.h"
#include "dialect/firecrawl/firecrawl.h"

/* Why a route is not here, by its path's first segments. */
static const struct {
    const char *prefix, *why;
    const char *successor; /* deprecated routes: the route Firecrawl points to, else NULL */
} missing[] = {
    {"/v0/search", "web search is not available yet", NULL},
    {"/v1/search", "web search is not available yet", NULL},
    {"/v2/search", "web search is not available yet", NULL},
    {"/v1/x402/search", "web search is not available yet", NULL},
    {"/v1/map", "map is not available yet", NULL},
    {"/v2/map", "map is not available yet", NULL},
    {"/v1/extract", "extraction needs an LLM, which cinder does not run", NULL},
    {"/v2/extract", "extraction needs an LLM, which cinder does not run", NULL},
    {"/v2/agent", "the agent needs an LLM, which cinder does not run", NULL},
    {"/v2/crawl/params-preview", "crawl parameters from a prompt need an LLM", NULL},
    {"/v1/llmstxt", "llms.txt generation needs an LLM, and Firecrawl deprecated it", "/v2/map"},
    {"/v1/deep-research", "deep research needs an LLM, and Firecrawl deprecated it", "/v2/search"},
};

/* The 501 of a route Firecrawl deprecated, with its deprecation headers and a warnings array. */
static void reply_deprecated(api_req_t *r, const char *path, const char *successor, const char *msg)
{
    char link[128], warning[256];
    snprintf(link, sizeof link, "<%s>; rel=\"successor-version\"", successor);
    snprintf(warning, sizeof warning, "%s is deprecated; use %s", path, successor);
    char header[300];
    snprintf(header, sizeof header, "299 - \"%s\"", warning);
    api_add_header(r, "Deprecation", "true");
    api_add_header(r, "Warning", header);
    api_add_header(r, "Link", link);
    api_reply_json(r, 501,
                   json_pack("{s:b, s:s, s:s, s:[s]}", "success", 0, "code", "NOT_IMPLEMENTED",
                             "error", msg, "warnings", warning));
}

void fc_not_implemented(api_req_t *r, int version)
{
    const char *path = api_path(r), *why = "it is not available", *successor = NULL;
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++)
        if (!strncmp(path, missing[i].prefix, strlen(missing[i].prefix))) {
            why = missing[i].why;
            successor = missing[i].successor;
            break;
        }
    char msg[512];
    snprintf(msg, sizeof msg, "%s %s is not implemented by this cinder server: %s.", api_method(r),
             path, why);
    if (successor)
        reply_deprecated(r, path, successor, msg);
    else
        fc_reply_error(r, version, CINDER_E_NOT_IMPLEMENTED, msg);
}
