/*
 * Firecrawl batch scrape (v1 and v2): POST /vN/batch/scrape creates a batch job on the crawl
 * engine (the URLs are its items, nothing is discovered) or, with appendToId, adds URLs to a
 * running one. Status, cancel and errors are the crawl handlers (a batch id also answers on
 * /vN/crawl/:id, where the v1 SDK polls).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/errmap.h"
#include "dialect/firecrawl/firecrawl.h"
#include "dialect/firecrawl/webhook.h"
#include "api/params.h"
#include "jobs/jobs.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/strv.h"

#define BATCH_MAX_URLS 100000

typedef struct {
    char **urls; /* normalised, valid */
    size_t n;
    bool lenient;    /* the body says ignoreInvalidURLs: true */
    json_t *invalid; /* the URLs dropped then, as sent */
} batch_urls_t;

static void batch_urls_cleanup(batch_urls_t *b)
{
    strv_free(b->urls, b->n);
    json_decref(b->invalid);
}

/* Validates `urls`: each invalid one is a 400 naming urls[i], or when b->lenient dropped into
 * b->invalid. */
static void parse_urls(json_t *v, bool allow_private, batch_urls_t *b, params_report_t *rep)
{
    b->invalid = json_array();
    if (!json_is_array(v) || json_array_size(v) == 0) {
        params_issue(rep, "invalid_type", "urls", "urls must be a non-empty array of URLs");
        return;
    }
    if (json_array_size(v) > BATCH_MAX_URLS) {
        params_issue(rep, "too_big", "urls", "at most 100000 URLs per request");
        return;
    }
    b->urls = xcalloc(json_array_size(v) + 1, sizeof *b->urls);
    size_t i;
    json_t *u;
    json_array_foreach(v, i, u)
    {
        char field[32];
        snprintf(field, sizeof field, "urls[%zu]", i);
        params_report_t one;
        params_report_init(&one);
        char *url = params_url(u, field, allow_private, b->lenient ? &one : rep);
        if (url)
            b->urls[b->n++] = url;
        else if (b->lenient)
            json_array_append(b->invalid, u); /* echoed as sent */
        params_report_cleanup(&one);
    }
    if (b->n == 0 && !params_failed(rep))
        params_issue(rep, "custom", "urls", "none of the URLs is valid");
}

/* The batch-level keys besides urls and ignoreInvalidURLs. */
static void batch_keys(json_t *body, bool allow_private, crawl_opts_t *o, const char **append_to,
                       params_report_t *rep)
{
    json_t *v;
    long n = 0;
    if ((v = json_object_get(body, "maxConcurrency")) &&
        params_int(v, "maxConcurrency", 1, 1000, &n, rep))
        o->max_concurrency = (int)n;
    if ((v = json_object_get(body, "appendToId")) && !(*append_to = json_string_value(v)))
        params_issue(rep, "invalid_type", "appendToId", "appendToId must be a batch id");
    if ((v = json_object_get(body, "webhook")))
        fc_webhook_parse(v, allow_private, &o->webhook, rep);
}

static void parse_batch(json_t *body, int version, bool allow_private, crawl_opts_t *o,
                        batch_urls_t *b, const char **append_to, params_report_t *rep)
{
    static const char *const not_scrape[] = {
        "urls",   "maxConcurrency", "appendToId", "webhook", "ignoreInvalidURLs",
        "origin", "integration",    NULL};
    json_t *iiu = json_object_get(body, "ignoreInvalidURLs");
    if (iiu && !json_is_boolean(iiu))
        params_issue(rep, "invalid_type", "ignoreInvalidURLs", "Expected boolean");
    /* as Firecrawl: the lenient URL check only when the client sends ignoreInvalidURLs: true */
    b->lenient = json_is_true(iiu);
    parse_urls(json_object_get(body, "urls"), allow_private, b, rep);
    batch_keys(body, allow_private, o, append_to, rep);
    params_scrape(body, version, not_scrape, &o->page, rep);
    o->batch = true;
    o->limit = -1;
    o->ignore_robots = true; /* as a scrape: robots.txt is for crawlers that discover */
    o->sitemap = CRAWL_SITEMAP_SKIP;
    o->dedupe_similar = false;
    if (b->n)
        o->url = xstrdup(b->urls[0]);
}

/* Starts the batch or appends to one; replies on failure and returns false. */
static bool run_batch(api_req_t *r, int version, crawl_opts_t *o, batch_urls_t *b,
                      const char *append_to, char id[40])
{
    jobs_t *c = api_app(r)->jobs;
    char err[512] = "";
    cinder_err rc;
    bool claimed = false;
    if (!fc_idem_claim(r, version, &claimed))
        return false;
    snprintf(o->team, sizeof o->team, "%s", api_team(r));
    if (append_to) {
        size_t added = 0;
        snprintf(id, 40, "%s", append_to);
        rc = jobs_batch_append(c, api_team(r), append_to, (const char *const *)b->urls, b->n,
                               &added);
    } else {
        rc = jobs_batch_start(c, o, (const char *const *)b->urls, b->n, id, err, sizeof err);
    }
    if (rc)
        fc_idem_release(r, claimed);
    if (rc == CINDER_E_NOT_FOUND || rc == CINDER_E_ALREADY_TERMINAL) {
        fc_reply_job_error(r, version, FC_ROUTE_APPEND, rc, NULL);
    } else if (rc) {
        fc_reply_start_error(r, version, rc, err, (int64_t)b->n);
    }
    return rc == CINDER_OK;
}

void fc_batch_create(api_req_t *r, int version)
{
    api_app_t *app = api_app(r);
    json_t *body = fc_parse_body(r, version);
    if (!body)
        return;
    params_report_t rep;
    params_report_init(&rep);
    crawl_opts_t o;
    crawl_opts_init(&o, version);
    batch_urls_t b = {0};
    const char *append_to = NULL;
    char id[40], url[600];
    parse_batch(body, version, app->allow_private, &o, &b, &append_to, &rep);
    if (params_failed(&rep)) {
        api_reply_json(r, 400, params_error_body(&rep));
        goto out;
    }
    if (!run_batch(r, version, &o, &b, append_to, id))
        goto out;
    fc_job_url(r, version, "batch/scrape", id, NULL, url, sizeof url);
    json_t *resp = json_pack("{s:b, s:s, s:s}", "success", 1, "id", id, "url", url);
    if (version == 2 || b.lenient)
        json_object_set(resp, "invalidURLs", b.invalid);
    if (rep.warnings.len)
        json_object_set_new(resp, "warning", json_string(buf_str(&rep.warnings)));
    api_reply_json(r, 200, resp);
out:
    batch_urls_cleanup(&b);
    crawl_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(body);
}
