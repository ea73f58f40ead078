/*
 * Firecrawl crawl endpoints (v1 and v2; v0 maps onto the same calls): create, status with
 * stable paging, cancel, errors, ongoing. Handlers run on API threads; they write through the
 * crawler and read through the store, never fetching or parsing.
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
#include "model/job.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX     1000
#define PAGE_BYTES   (10u << 20)
#define MAX_PATTERNS 100

#define MAX_DELAY_S                                                                                \
    60 /* crawl `delay` is seconds between pages; milliseconds sent by mistake                     \
          (1000 meaning 1000 s per page) are refused instead of obeyed */

/* True when v is a valid crawl delay (0 to MAX_DELAY_S seconds); else records why. */
static bool delay_ok(json_t *v, params_report_t *rep)
{
    if (!json_is_number(v) || json_number_value(v) < 0) {
        params_issue(rep, "invalid_type", "delay", "delay must be a number of seconds, 0 or more");
        return false;
    }
    if (json_number_value(v) > MAX_DELAY_S) {
        char msg[128];
        snprintf(msg, sizeof msg,
                 "delay is in seconds between pages and must not exceed %d (was %g)", MAX_DELAY_S,
                 json_number_value(v));
        params_issue(rep, "too_big", "delay", msg);
        return false;
    }
    return true;
}

/* Crawler-level keys of a v1/v2 crawl body. Returns false when k is not one of them. */
static bool crawl_key(const char *k, json_t *v, int version, crawl_opts_t *o, params_report_t *rep)
{
    long n = 0;
    bool b = false;
    if (!strcmp(k, "includePaths"))
        o->include = params_strv(v, k, MAX_PATTERNS, &o->n_include, rep);
    else if (!strcmp(k, "excludePaths"))
        o->exclude = params_strv(v, k, MAX_PATTERNS, &o->n_exclude, rep);
    else if (!strcmp(k, "limit") && params_int(v, k, 1, 100000000, &n, rep))
        o->limit = n;
    else if (version == 1 && !strcmp(k, "maxDepth") && params_int(v, k, 0, 10000, &n, rep))
        o->max_depth = (int)n;
    else if (!strcmp(k, "maxDiscoveryDepth") && params_int(v, k, 0, 10000, &n, rep))
        o->max_discovery_depth = (int)n;
    else if (!strcmp(k, "delay") && delay_ok(v, rep))
        o->delay_ms = (long)(json_number_value(v) * 1000);
    else if (!strcmp(k, "maxConcurrency") && params_int(v, k, 1, 1000, &n, rep))
        o->max_concurrency = (int)n;
    else if (!strcmp(k, "crawlEntireDomain") || (version == 1 && !strcmp(k, "allowBackwardLinks")))
        o->crawl_entire_domain |= params_bool(v, k, &b, rep) && b;
    else if (!strcmp(k, "allowExternalLinks"))
        params_bool(v, k, &o->allow_external_links, rep);
    else if (!strcmp(k, "allowSubdomains"))
        params_bool(v, k, &o->allow_subdomains, rep);
    else if (!strcmp(k, "ignoreRobotsTxt"))
        params_bool(v, k, &o->ignore_robots, rep);
    else if (!strcmp(k, "deduplicateSimilarURLs"))
        params_bool(v, k, &o->dedupe_similar, rep);
    else if (!strcmp(k, "ignoreQueryParameters"))
        params_bool(v, k, &o->ignore_query, rep);
    else if (!strcmp(k, "regexOnFullURL"))
        params_bool(v, k, &o->regex_on_full_url, rep);
    else
        return false;
    return true;
}

static bool sitemap_key(const char *k, json_t *v, int version, crawl_opts_t *o,
                        params_report_t *rep)
{
    bool b = false;
    if (version == 1 && !strcmp(k, "ignoreSitemap")) {
        if (params_bool(v, k, &b, rep))
            o->sitemap = b ? CRAWL_SITEMAP_SKIP : CRAWL_SITEMAP_INCLUDE;
        return true;
    }
    if (version != 2 || strcmp(k, "sitemap") != 0)
        return false;
    const char *m = json_string_value(v);
    if (m && !strcmp(m, "include"))
        o->sitemap = CRAWL_SITEMAP_INCLUDE;
    else if (m && !strcmp(m, "skip"))
        o->sitemap = CRAWL_SITEMAP_SKIP;
    else if (m && !strcmp(m, "only"))
        o->sitemap = CRAWL_SITEMAP_ONLY;
    else
        params_issue(rep, "invalid_enum_value", k, "sitemap must be include, skip or only");
    return true;
}

static void scrape_options(json_t *v, int version, crawl_opts_t *o, params_report_t *rep)
{
    if (!json_is_object(v)) {
        params_issue(rep, "invalid_type", "scrapeOptions", "Expected object");
        return;
    }
    params_scrape(v, version, NULL, &o->page, rep);
}

static void parse_crawl(json_t *body, int version, bool allow_private, crawl_opts_t *o,
                        params_report_t *rep)
{
    static const char *const ignored[] = {"url", "origin", "integration", NULL};
    o->url = params_url(json_object_get(body, "url"), "url", allow_private, rep);
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        bool known = false;
        for (int i = 0; ignored[i]; i++)
            known |= !strcmp(k, ignored[i]);
        if (known || crawl_key(k, v, version, o, rep) || sitemap_key(k, v, version, o, rep))
            continue;
        if (!strcmp(k, "scrapeOptions"))
            scrape_options(v, version, o, rep);
        else if (!strcmp(k, "zeroDataRetention"))
            params_bool(v, k, &o->page.zero_data_retention, rep);
        else if (!strcmp(k, "webhook"))
            fc_webhook_parse(v, allow_private, &o->webhook, rep);
        else if (!strcmp(k, "prompt"))
            params_issue(rep, "custom", k, "prompt needs an LLM, which cinder does not have");
        else
            params_warn(rep, "Unrecognized key ignored: %s.", k);
    }
    if (!jobs_crawl_depth_ok(o))
        params_issue(rep, "custom", "url", "URL depth exceeds the specified maxDepth");
}

void fc_job_url(api_req_t *r, int version, const char *path, const char *id, const char *query,
                char *out, size_t len)
{
    const char *host = api_header(r, "Host");
    snprintf(out, len, "http://%s/v%d/%s/%s%s", host ? host : "localhost", version, path, id,
             query ? query : "");
}

bool fc_idem_claim(api_req_t *r, int version, bool *claimed)
{
    *claimed = false;
    const char *key = api_header(r, "x-idempotency-key");
    if (!key)
        return true;
    size_t n = strlen(key);
    const char *msg = "Idempotency key already used";
    cinder_err rc = CINDER_E_CONFLICT;
    if (n == 0 || n > 128)
        msg = "Invalid idempotency key: 1 to 128 characters";
    else
        rc = store_idem_claim(jobs_store(api_app(r)->jobs), api_team(r), key, clock_wall_ms());
    if (rc == CINDER_OK) {
        *claimed = true;
        return true;
    }
    if (rc == CINDER_E_CONFLICT)
        api_reply_json(r, 409,
                       json_pack("{s:b, s:s, s:s}", "success", 0, "code", "IDEMPOTENCY_KEY_USED",
                                 "error", msg));
    else
        fc_reply_error(r, version, rc, NULL);
    return false;
}

void fc_idem_release(api_req_t *r, bool claimed)
{
    const char *key = api_header(r, "x-idempotency-key");
    if (claimed && key &&
        store_idem_release(jobs_store(api_app(r)->jobs), api_team(r), key) != CINDER_OK)
        log_warn("idempotency key of a failed request could not be released");
}

void fc_reply_start_error(api_req_t *r, int version, cinder_err rc, const char *err, int64_t need)
{
    store_team_t team;
    char detail[512];
    if (rc == CINDER_E_BAD_REQUEST && err && *err) {
        json_t *b = json_pack("{s:s}", "error", err);
        if (version)
            json_object_set_new(b, "success", json_false());
        api_reply_json(r, 400, b);
        return;
    }
    if (rc == CINDER_E_NO_CREDITS &&
        store_team_get(jobs_store(api_app(r)->jobs), api_team(r), &team) == CINDER_OK) {
        snprintf(detail, sizeof detail,
                 "the job reserves %lld credit(s) (one per page it may produce: its limit or "
                 "its URLs) and team %s has %lld left. Lower the limit or add credits "
                 "(cinder keys credits --team %s --add N).",
                 (long long)need, team.name, (long long)team.credits, team.name);
        err = detail;
    }
    fc_reply_error(r, version, rc, err && *err ? err : NULL);
}

void fc_crawl_create(api_req_t *r, int version)
{
    api_app_t *app = api_app(r);
    json_t *body = fc_parse_body(r, version);
    if (!body)
        return;
    params_report_t rep;
    params_report_init(&rep);
    crawl_opts_t o;
    crawl_opts_init(&o, version);
    parse_crawl(body, version, app->allow_private, &o, &rep);
    if (params_failed(&rep)) {
        api_reply_json(r, 400, params_error_body(&rep));
        goto out;
    }
    const char *src = json_string_value(json_object_get(body, "url"));
    o.source_url = xstrdup(src);
    snprintf(o.team, sizeof o.team, "%s", api_team(r));
    char id[40], err[512] = "", url[600];
    bool claimed = false;
    if (!fc_idem_claim(r, version, &claimed))
        goto out;
    cinder_err rc = jobs_crawl_start(app->jobs, &o, id, err, sizeof err);
    if (rc) {
        fc_idem_release(r, claimed);
        fc_reply_start_error(r, version, rc, err, o.limit);
    } else {
        fc_job_url(r, version, "crawl", id, NULL, url, sizeof url);
        json_t *resp = json_pack("{s:b, s:s, s:s}", "success", 1, "id", id, "url", url);
        if (rep.warnings.len)
            json_object_set_new(resp, "warning", json_string(buf_str(&rep.warnings)));
        api_reply_json(r, 200, resp);
    }
out:
    crawl_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(body);
}

/* Reads a crawl (or batch) job for the status routes; replies and returns false on failure. */
static bool load_job(api_req_t *r, int version, store_job_t *job)
{
    if (!fc_check_job_id(r))
        return false;
    cinder_err rc = jobs_get(api_app(r)->jobs, api_team(r), api_param(r, 0), FC_JOB_KINDS, job);
    if (rc) {
        fc_reply_job_error(r, version, FC_ROUTE_STATUS, rc, NULL);
        return false;
    }
    return true;
}

/* Firecrawl's status word for a job state. */
static const char *status_word(job_status s, int version)
{
    switch (s) {
    case JOB_COMPLETED:
        return "completed";
    case JOB_FAILED:
        return "failed";
    case JOB_CANCELLED:
        return "cancelled";
    default:
        return version == 0 ? "active" : "scraping";
    }
}

/* Pages not yet recorded: in flight or waiting (they may still become documents). */
static int64_t outstanding(const store_job_t *j)
{
    int64_t n = j->admitted - j->completed - j->failed - j->cancelled;
    return n > 0 ? n : 0;
}

static json_t *docs_array(char **docs, size_t n)
{
    json_t *a = json_array();
    json_error_t err;
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_loads(docs[i], 0, &err);
        json_array_append_new(a, d ? d : json_object());
    }
    return a;
}

static void add_times(json_t *b, const store_job_t *j, int version)
{
    char iso[40];
    clock_iso8601(j->expires_ms - j->expires_ms % 1000, iso, sizeof iso);
    json_object_set_new(b, "expiresAt", json_string(iso));
    if (version != 2)
        return;
    clock_iso8601(j->created_ms, iso, sizeof iso);
    json_object_set_new(b, "createdAt", json_string(iso));
    if (j->finished_ms) {
        clock_iso8601(j->finished_ms, iso, sizeof iso);
        json_object_set_new(b, "completedAt", json_string(iso));
        json_object_set_new(b, "duration",
                            json_real((double)(j->finished_ms - j->created_ms) / 1000.0));
    }
}

/* Status and a page of documents; `next` continues on path ("crawl" or "batch/scrape"). */
static void status_reply(api_req_t *r, int version, const char *path)
{
    long skip = 0, limit = PAGE_DEFAULT;
    bool limit_given = api_query(r, "limit") != NULL;
    if (!api_query_long(r, "skip", 0, 0x7fffffffL, &skip) ||
        !api_query_long(r, "limit", 1, PAGE_MAX, &limit)) {
        api_reply_json(r, 400,
                       json_pack("{s:b, s:s}", "success", 0, "error",
                                 "Invalid pagination: skip must be a non-negative "
                                 "integer and limit an integer from 1 to 1000"));
        return;
    }
    store_job_t job;
    if (!load_job(r, version, &job))
        return;
    char **docs = NULL;
    size_t n = 0;
    cinder_err rc = store_docs_page(jobs_store(api_app(r)->jobs), job.id, skip, (size_t)limit,
                                    PAGE_BYTES, &docs, &n);
    if (rc) {
        fc_reply_error(r, version, rc, NULL);
        store_job_cleanup(&job);
        return;
    }
    json_t *b = json_pack("{s:b, s:s, s:I, s:I, s:I}", "success", 1, "status",
                          status_word(job.status, version), "completed", (json_int_t)job.completed,
                          "total", (json_int_t)(job.completed + outstanding(&job)), "creditsUsed",
                          (json_int_t)job.credits_charged);
    add_times(b, &job, version);
    /* next only while documents stored so far remain unread: for a running job whose stored
     * documents were all read, a client polls again (from skip 0, as the SDKs do) instead of
     * following next back to back (the v2 SDK's waiter made 890 GETs in 2.2 s that way) */
    if (skip + (long)n < job.completed) {
        char q[64], url[700];
        snprintf(q, sizeof q, "?skip=%ld", skip + (long)n);
        if (limit_given)
            snprintf(q + strlen(q), sizeof q - strlen(q), "&limit=%ld", limit);
        fc_job_url(r, version, path, job.id, q, url, sizeof url);
        json_object_set_new(b, "next", json_string(url));
    }
    json_object_set_new(b, "data", docs_array(docs, n));
    store_docs_free(docs, n);
    store_job_cleanup(&job);
    api_reply_json(r, 200, b);
}

void fc_crawl_status(api_req_t *r, int version)
{
    status_reply(r, version, "crawl");
}

void fc_batch_status(api_req_t *r, int version)
{
    status_reply(r, version, "batch/scrape");
}

void fc_crawl_cancel(api_req_t *r, int version)
{
    if (!fc_check_job_id(r))
        return;
    model_cancel_t cancelled = {0};
    store_job_t job;
    cinder_err rc =
        jobs_cancel(api_app(r)->jobs, api_team(r), api_param(r, 0), FC_JOB_KINDS, &cancelled);
    if (rc == CINDER_E_ALREADY_TERMINAL &&
        store_job_get(jobs_store(api_app(r)->jobs), api_param(r, 0), &job) == CINDER_OK) {
        fc_reply_job_error(r, version, FC_ROUTE_CANCEL, rc, job_status_name(job.status));
        store_job_cleanup(&job);
    } else if (rc) {
        fc_reply_job_error(r, version, FC_ROUTE_CANCEL, rc, NULL);
    } else {
        api_reply_json(r, 200,
                       json_pack("{s:s, s:I, s:I}", "status", "cancelled", "cancelledItems",
                                 (json_int_t)cancelled.cancelled, "creditsRefunded",
                                 (json_int_t)cancelled.refunded));
    }
}

void fc_crawl_errors(api_req_t *r, int version)
{
    store_job_t job;
    if (!load_job(r, version, &job))
        return;
    store_item_error_t *e = NULL;
    size_t n = 0;
    cinder_err rc = store_items_errors(jobs_store(api_app(r)->jobs), job.id, 10000, &e, &n);
    store_job_cleanup(&job);
    if (rc) {
        fc_reply_error(r, version, rc, NULL);
        return;
    }
    json_t *errors = json_array(), *robots = json_array();
    for (size_t i = 0; i < n; i++) {
        if (e[i].status == ITEM_SKIPPED) {
            if (e[i].reason && !strcmp(e[i].reason, "robots"))
                json_array_append_new(robots, json_string(e[i].url));
            continue;
        }
        char iso[40], id[24];
        clock_iso8601(e[i].finished_ms, iso, sizeof iso);
        snprintf(id, sizeof id, "%lld", (long long)e[i].seq); /* Firecrawl's ids are strings */
        const errmap_entry_t *m = errmap_get_by_name(e[i].error_code);
        json_array_append_new(
            errors, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "id", id, "timestamp", iso, "url",
                              e[i].url, "code", m && m->code ? m->code : "SCRAPE_SITE_ERROR",
                              "error", e[i].error ? e[i].error : "failed", "reason", e[i].reason));
    }
    store_item_errors_free(e, n);
    api_reply_json(r, 200, json_pack("{s:o, s:o}", "errors", errors, "robotsBlocked", robots));
}

/* The listing shows which headers a crawl (and its webhook) sends, not their values (they may be
 * credentials). */
static void redact_headers(json_t *scrape_options)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(scrape_options, "headers"), k, v)
    {
        if (json_is_string(v))
            json_string_set(v, "[redacted]");
    }
}

void fc_crawl_ongoing(api_req_t *r, int version)
{
    store_t *st = jobs_store(api_app(r)->jobs);
    char **ids = NULL;
    size_t n = 0;
    if (store_jobs_active(st, JOB_KIND_CRAWL, &ids, &n) != CINDER_OK) {
        fc_reply_error(r, version, CINDER_E_STORE, NULL);
        return;
    }
    json_t *crawls = json_array();
    for (size_t i = 0; i < n; i++) {
        store_job_t job;
        if (store_job_get(st, ids[i], &job) != CINDER_OK)
            continue;
        if (!api_owns(r, job.team)) {
            store_job_cleanup(&job);
            continue;
        }
        char iso[40];
        clock_iso8601(job.created_ms, iso, sizeof iso);
        json_error_t err;
        json_t *opts = job.options ? json_loads(job.options, 0, &err) : NULL;
        redact_headers(json_object_get(opts, "scrapeOptions"));
        redact_headers(json_object_get(opts, "webhook"));
        json_array_append_new(crawls,
                              json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", job.id, "teamId",
                                        "bypass", "url", job.url ? job.url : "", "created_at", iso,
                                        "options", opts ? opts : json_object()));
        store_job_cleanup(&job);
    }
    store_docs_free(ids, n);
    api_reply_json(r, 200, json_pack("{s:b, s:o}", "success", 1, "crawls", crawls));
}

/* ---- v0 -------------------------------------------------------------------------------- */

static void v0_crawler_options(json_t *co, crawl_opts_t *o, params_report_t *rep)
{
    static const struct {
        const char *v0, *v1;
    } names[] = {{"includes", "includePaths"},
                 {"excludes", "excludePaths"},
                 {"maxDepth", "maxDepth"},
                 {"limit", "limit"},
                 {"allowBackwardCrawling", "crawlEntireDomain"},
                 {"allowExternalContentLinks", "allowExternalLinks"},
                 {"ignoreSitemap", "ignoreSitemap"}};
    if (co && !json_is_object(co)) {
        params_issue(rep, "invalid_type", "crawlerOptions", "Expected object");
        return;
    }
    for (size_t i = 0; co && i < sizeof names / sizeof names[0]; i++) {
        json_t *v = json_object_get(co, names[i].v0);
        if (v && !crawl_key(names[i].v1, v, 1, o, rep))
            sitemap_key(names[i].v1, v, 1, o, rep);
    }
}

void fc_v0_crawl_create(api_req_t *r)
{
    api_app_t *app = api_app(r);
    json_t *body = fc_parse_body(r, 0);
    if (!body)
        return;
    params_report_t rep;
    params_report_init(&rep);
    crawl_opts_t o;
    crawl_opts_init(&o, 1);
    o.url = params_url(json_object_get(body, "url"), "url", app->allow_private, &rep);
    v0_crawler_options(json_object_get(body, "crawlerOptions"), &o, &rep);
    if (json_object_get(body, "webhook"))
        fc_webhook_parse(json_object_get(body, "webhook"), app->allow_private, &o.webhook, &rep);
    bool links = false;
    params_v0_page_options(json_object_get(body, "pageOptions"), &o.page, &links, &rep);
    char id[40], err[512] = "";
    if (params_failed(&rep)) {
        api_reply_json(r, 400,
                       json_pack("{s:s, s:O}", "error", "Bad Request", "details", rep.details));
        goto out;
    }
    o.source_url = xstrdup(json_string_value(json_object_get(body, "url")));
    snprintf(o.team, sizeof o.team, "%s", api_team(r));
    bool claimed = false;
    if (!fc_idem_claim(r, 0, &claimed))
        goto out;
    cinder_err rc = jobs_crawl_start(app->jobs, &o, id, err, sizeof err);
    if (rc) {
        fc_idem_release(r, claimed);
        fc_reply_start_error(r, 0, rc, err, o.limit);
    } else
        api_reply_json(r, 200, json_pack("{s:s}", "jobId", id));
out:
    crawl_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(body);
}

static json_t *v0_docs(store_t *st, const char *id, int64_t skip, size_t max)
{
    char **docs = NULL;
    size_t n = 0;
    json_t *a = json_array();
    if (store_docs_page(st, id, skip, max, 50u << 20, &docs, &n) != CINDER_OK)
        return a;
    json_t *full = docs_array(docs, n);
    size_t i;
    json_t *d;
    json_array_foreach(full, i, d) json_array_append_new(a, fc_v0_document(d, false));
    json_decref(full);
    store_docs_free(docs, n);
    return a;
}

void fc_v0_crawl_status(api_req_t *r)
{
    store_job_t job;
    if (!load_job(r, 0, &job))
        return;
    store_t *st = jobs_store(api_app(r)->jobs);
    bool done = job.status == JOB_COMPLETED;
    json_t *b = json_pack("{s:s, s:I, s:I}", "status", status_word(job.status, 0), "current",
                          (json_int_t)job.completed, "total",
                          (json_int_t)(job.completed + outstanding(&job)));
    int64_t from = job.completed > 50 ? job.completed - 50 : 0;
    json_object_set_new(b, "data", done ? v0_docs(st, job.id, 0, 100000) : json_null());
    json_object_set_new(b, "partial_data", done ? json_array() : v0_docs(st, job.id, from, 50));
    store_job_cleanup(&job);
    api_reply_json(r, 200, b);
}
