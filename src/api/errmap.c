#include "api/errmap.h"

#include <stdio.h>
#include <string.h>

static const struct {
    cinder_err err;
    errmap_entry_t e;
} table[] = {
    {CINDER_E_BAD_JSON, {400, "BAD_REQUEST_INVALID_JSON", "Bad request, malformed JSON"}},
    {CINDER_E_BAD_REQUEST, {400, "BAD_REQUEST", "Bad Request"}},
    {CINDER_E_URL_INVALID, {400, "BAD_REQUEST", "Invalid URL: %s"}},
    {CINDER_E_ACTIONS_UNSUPPORTED,
     {400, "SCRAPE_ACTIONS_NOT_SUPPORTED",
      "Actions are not supported: they need a browser engine, which this cinder server does "
      "not have. Remove `actions` (an empty array is accepted)."}},
    {CINDER_E_UNSUPPORTED, {400, "BAD_REQUEST", "Unsupported option: %s"}},
    {CINDER_E_BLOCKED_ADDRESS,
     {403, "SCRAPE_BLOCKED_ADDRESS",
      "Refused to fetch: %s. Targets on private, loopback or link-local addresses are refused "
      "unless cinder runs with --allow-private."}},
    {CINDER_E_UNAUTHORIZED, {401, "UNAUTHORIZED", "Unauthorized: %s"}},
    {CINDER_E_KEY_INVALID, {401, "UNAUTHORIZED", "Unauthorized: %s"}}, /* Spidra: 403 */
    {CINDER_E_NO_CREDITS, {402, "INSUFFICIENT_CREDITS", "Insufficient credits: %s"}},
    {CINDER_E_FORBIDDEN, {403, "FORBIDDEN", "Forbidden: %s"}},
    {CINDER_E_NOT_FOUND, {404, NULL, "Job not found"}},
    {CINDER_E_EXPIRED, {404, "JOB_EXPIRED", "Job expired"}},
    {CINDER_E_TIMEOUT, {408, "SCRAPE_TIMEOUT", "Scrape timed out"}},
    {CINDER_E_ALREADY_TERMINAL, {409, "ALREADY_TERMINAL", "Job is already %s"}},
    {CINDER_E_CONFLICT, {409, "CONFLICT", "Conflict: %s"}},
    {CINDER_E_BODY_TOO_LARGE, {413, NULL, "Request body too large: the limit is 10 MB."}},
    {CINDER_E_UNSUPPORTED_FILE,
     {415, "SCRAPE_UNSUPPORTED_FILE_ERROR",
      "Unsupported file type: %s. cinder converts HTML, XML, JSON and plain text."}},
    {CINDER_E_RATE_LIMITED, {429, "RATE_LIMIT_EXCEEDED", "Rate limit exceeded: %s"}},
    {CINDER_E_DNS,
     {500, "SCRAPE_DNS_RESOLUTION_ERROR",
      "DNS resolution failed for hostname: %s. Please check if the domain is valid and "
      "accessible."}},
    {CINDER_E_TLS,
     {500, "SCRAPE_SSL_ERROR",
      "An SSL error occurred while scraping the URL. If you're not inputting any sensitive "
      "data, try scraping with `skipTlsVerification: true`. (%s)"}},
    {CINDER_E_CONNECT,
     {500, "SCRAPE_SITE_ERROR", "Specified URL is failing to load: could not connect (%s)."}},
    {CINDER_E_TOO_MANY_REDIRECTS,
     {500, "SCRAPE_SITE_ERROR", "Specified URL is failing to load: too many redirects (%s)."}},
    {CINDER_E_PAGE_TOO_LARGE,
     {500, "SCRAPE_SITE_ERROR",
      "Specified URL is failing to load: the page is larger than the body size cap (%s)."}},
    {CINDER_E_FETCH,
     {500, "SCRAPE_ALL_ENGINES_FAILED",
      "All scraping engines failed! -- Double check the URL to make sure it's not broken. "
      "(%s)"}},
    {CINDER_E_PARSE, {500, "SCRAPE_SITE_ERROR", "The page could not be parsed (%s)."}},
    {CINDER_E_NOT_IMPLEMENTED, {501, "NOT_IMPLEMENTED", "%s"}},
    {CINDER_E_SHUTDOWN, {503, NULL, "The server is shutting down; retry shortly."}},
    {CINDER_E_BUSY, {503, NULL, "The server is overloaded; retry shortly."}},
};

static const errmap_entry_t unknown = {500, "UNKNOWN_ERROR", "An unexpected error occurred (%s)."};

const errmap_entry_t *errmap_get(cinder_err e)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].err == e)
            return &table[i].e;
    return &unknown;
}

const errmap_entry_t *errmap_get_by_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(cinder_err_name(table[i].err), name))
            return &table[i].e;
    return NULL;
}

void errmap_message(cinder_err e, const char *detail, char *out, size_t outlen)
{
    const errmap_entry_t *m = errmap_get(e);
    const char *pct = strstr(m->message, "%s");
    if (!pct) {
        snprintf(out, outlen, "%s", m->message);
        return;
    }
    if (!detail || !*detail)
        detail = cinder_strerror(e);
    snprintf(out, outlen, "%.*s%s%s", (int)(pct - m->message), m->message, detail, pct + 2);
}
