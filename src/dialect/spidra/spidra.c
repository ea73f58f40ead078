/*
 * spidra: Spidra's batch-scrape API (/api/batch/scrape) over the shared job engine: a Spidra
 * batch is a cinder batch job (one item per URL, one credit reserved per URL), listed with its
 * per-item status and result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dialect/spidra/spidra.h"
#include "api/app.h"
#include "api/errmap.h"
#include "api/params.h"
#include "api/router.h"
#include "jobs/jobs.h"
#include "model/job.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/uuid.h"

#define MAX_URLS     50 /* Spidra's cap per batch */
#define LIST_DEFAULT 20 /* GET /api/batch/scrape page size */
#define LIST_MAX     50
#define ITEMS_MAX    1000 /* items listed in a status (larger batches come from Firecrawl) */
#define COOKIE_MAX   8192

/* Spidra's words for the engine's job and item states. */
static const char *const job_words[] = {
    [JOB_QUEUED] = "pending", [JOB_RUNNING] = "running",     [JOB_COMPLETED] = "completed",
    [JOB_FAILED] = "failed",  [JOB_CANCELLED] = "cancelled",
};
static const char *const item_words[] = {
    [ITEM_PENDING] = "pending", [ITEM_RUNNING] = "running",     [ITEM_SUCCEEDED] = "completed",
    [ITEM_FAILED] = "failed",   [ITEM_CANCELLED] = "cancelled", [ITEM_SKIPPED] = "failed",
};

static void reply_message(api_req_t *r, unsigned status, const char *code, const char *msg)
{
    api_reply_json(r, status,
                   json_pack("{s:s, s:s, s:s}", "status", "error", "message", msg, "code", code));
}

/* Spidra's envelope: {"status":"error","message":...,"code":...}. A missing key is 401 and an
 * invalid one 403 (the error table's statuses); Spidra answers 403 when credits run out. */
/* The code of an error without one of its own, by its HTTP status. */
static const char *status_code(unsigned status)
{
    switch (status) {
    case 400:
        return "BAD_REQUEST";
    case 401:
    case 403:
        return "UNAUTHORIZED";
    case 404:
        return "NOT_FOUND";
    case 409:
        return "CONFLICT";
    case 429:
        return "RATE_LIMITED";
    case 503:
        return "SERVICE_UNAVAILABLE";
    default:
        return status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
    }
}

void spidra_error(api_req_t *r, cinder_err e, const char *detail)
{
    const errmap_entry_t *m = errmap_get(e);
    char msg[1024];
    errmap_message(e, detail, msg, sizeof msg);
    /* Spidra documents 403 for an invalid or expired key and for missing credits */
    unsigned status = e == CINDER_E_NO_CREDITS || e == CINDER_E_KEY_INVALID ? 403 : m->status;
    reply_message(r, status, m->code ? m->code : status_code(status), msg);
}

static void iso_or_null(json_t *o, const char *key, int64_t ms)
{
    char iso[40];
    if (ms <= 0) {
        json_object_set_new(o, key, json_null());
        return;
    }
    clock_iso8601(ms, iso, sizeof iso);
    json_object_set_new(o, key, json_string(iso));
}

/* ---- create -------------------------------------------------------------------------------- */

/* Options cinder cannot honour: refused with a clear message instead of ignored. */
static void refuse_unsupported(json_t *body, params_report_t *rep)
{
    static const struct {
        const char *key, *why;
    } no[] = {
        {"prompt", "AI extraction (prompt) is not available: cinder returns the page as markdown"},
        {"schema", "AI extraction (schema) is not available: cinder returns the page as markdown"},
        {"screenshot", "screenshots need a browser, which this cinder server does not have"},
        {"fullPageScreenshot",
         "screenshots need a browser, which this cinder server does not have"},
        {"useProxy", "proxies are not available on this cinder server"},
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        json_t *v = json_object_get(body, no[i].key);
        bool set = json_is_true(v) || (json_is_string(v) && json_string_length(v) > 0) ||
                   json_is_object(v);
        if (set)
            params_issue(rep, "unsupported", no[i].key, no[i].why);
    }
    const char *out = json_string_value(json_object_get(body, "output"));
    if (json_object_get(body, "output") && (!out || strcmp(out, "markdown") != 0))
        params_issue(rep, "unsupported", "output",
                     "only \"markdown\" output is available (json needs AI extraction)");
}

/* cookies: a "a=b; c=d" string or [{name, value}] → one Cookie header. */
static void parse_cookies(json_t *v, scrape_opts_t *page, params_report_t *rep)
{
    if (!v || json_is_null(v))
        return;
    buf_t b;
    buf_init(&b, COOKIE_MAX);
    size_t i;
    json_t *c;
    bool ok = true;
    if (json_is_string(v)) {
        ok = buf_append(&b, json_string_value(v), json_string_length(v)) == CINDER_OK;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c)
        {
            const char *n = json_string_value(json_object_get(c, "name"));
            const char *val = json_string_value(json_object_get(c, "value"));
            ok = ok && n && val && buf_printf(&b, "%s%s=%s", i ? "; " : "", n, val) == CINDER_OK;
        }
    } else {
        ok = false;
    }
    if (!ok || strpbrk(buf_str(&b), "\r\n"))
        params_issue(rep, "invalid_type", "cookies",
                     "cookies must be a \"name=value; ...\" string or [{name, value}] (8 KB max)");
    else if (b.len)
        scrape_opts_add_header(page, "Cookie", buf_str(&b));
    buf_cleanup(&b);
}

static char **parse_urls(json_t *v, bool allow_private, size_t *n, params_report_t *rep)
{
    *n = 0;
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > MAX_URLS) {
        params_issue(rep, "invalid_type", "urls", "urls must be an array of 1 to 50 URLs");
        return NULL;
    }
    char **urls = xcalloc(json_array_size(v), sizeof *urls);
    size_t i;
    json_t *u;
    json_array_foreach(v, i, u)
    {
        char field[32];
        snprintf(field, sizeof field, "urls[%zu]", i);
        char *url = params_url(u, field, allow_private, rep);
        if (url)
            urls[(*n)++] = url;
    }
    return urls;
}

static void parse_create(json_t *body, bool allow_private, crawl_opts_t *o, char ***urls, size_t *n,
                         params_report_t *rep)
{
    refuse_unsupported(body, rep);
    *urls = parse_urls(json_object_get(body, "urls"), allow_private, n, rep);
    bool main_only = false;
    json_t *eco = json_object_get(body, "extractContentOnly");
    if (eco)
        params_bool(eco, "extractContentOnly", &main_only, rep);
    o->page.only_main_content = main_only;
    parse_cookies(json_object_get(body, "cookies"), &o->page, rep);
    o->batch = true;
    o->limit = -1;
    o->ignore_robots = true; /* a list of URLs to scrape, as a Firecrawl batch */
    o->sitemap = CRAWL_SITEMAP_SKIP;
    o->dedupe_similar = false;
    if (*n)
        o->url = xstrdup((*urls)[0]);
}

static json_t *parse_body(api_req_t *r)
{
    size_t len = 0;
    const char *text = api_body(r, &len);
    json_error_t err;
    json_t *body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(body)) {
        json_decref(body);
        spidra_error(r, CINDER_E_BAD_JSON, NULL);
        return NULL;
    }
    return body;
}

static void reply_invalid(api_req_t *r, params_report_t *rep)
{
    json_t *d = params_error_body(rep);
    json_t *b = json_pack("{s:s, s:s, s:s}", "status", "error", "message",
                          "Validation failed: see errors", "code", "VALIDATION_ERROR");
    json_object_set(b, "errors", json_object_get(d, "details"));
    json_decref(d);
    api_reply_json(r, 400, b);
}

static void batch_create(api_req_t *r)
{
    json_t *body = parse_body(r);
    if (!body)
        return;
    params_report_t rep;
    params_report_init(&rep);
    crawl_opts_t o;
    crawl_opts_init(&o, 1);
    char **urls = NULL, id[40], err[512] = "";
    size_t n = 0;
    parse_create(body, api_app(r)->allow_private, &o, &urls, &n, &rep);
    if (params_failed(&rep)) {
        reply_invalid(r, &rep);
        goto out;
    }
    snprintf(o.team, sizeof o.team, "%s", api_team(r));
    cinder_err rc =
        jobs_batch_start(api_app(r)->jobs, &o, (const char *const *)urls, n, id, err, sizeof err);
    if (rc) {
        spidra_error(r, rc, *err ? err : NULL);
        goto out;
    }
    char loc[80];
    snprintf(loc, sizeof loc, "/api/batch/scrape/%s", id);
    api_add_header(r, "Location", loc);
    api_reply_json(
        r, 202,
        json_pack("{s:s, s:s, s:I}", "status", "queued", "batchId", id, "total", (json_int_t)n));
out:
    for (size_t i = 0; i < n; i++)
        free(urls[i]);
    free(urls);
    crawl_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(body);
}

/* ---- read ---------------------------------------------------------------------------------- */

/* Loads the caller's batch named by route parameter 0; replies 404 and returns false otherwise. */
static bool load_batch(api_req_t *r, store_job_t *job)
{
    const char *id = api_param(r, 0);
    cinder_err rc = uuid_is_valid(id) ? store_job_get(jobs_store(api_app(r)->jobs), id, job)
                                      : CINDER_E_NOT_FOUND;
    if (!rc && (job->kind != JOB_KIND_BATCH || !api_owns(r, job->team))) {
        store_job_cleanup(job);
        rc = CINDER_E_NOT_FOUND;
    }
    if (rc == CINDER_E_NOT_FOUND || rc == CINDER_E_EXPIRED)
        reply_message(r, 404, "NOT_FOUND", "Batch not found");
    else if (rc)
        spidra_error(r, rc, NULL);
    return rc == CINDER_OK;
}

/* The batch's word: "pending" until an item has started. */
static const char *batch_word(const store_job_t *j, const store_item_info_t *items, size_t n)
{
    if (j->status > JOB_RUNNING)
        return job_words[j->status];
    for (size_t i = 0; i < n; i++)
        if (items[i].status != ITEM_PENDING)
            return "running";
    return "pending";
}

/* An item's id: the batch id with the item number in its last group. */
static void item_uuid(const char *batch, int64_t seq, char out[40])
{
    snprintf(out, 40, "%.24s%012llx", batch, (unsigned long long)seq);
}

static json_t *item_result(const char *doc_text)
{
    json_error_t err;
    json_t *doc = doc_text ? json_loads(doc_text, 0, &err) : NULL;
    if (!doc)
        return json_null();
    json_t *meta = json_object_get(doc, "metadata");
    json_t *res =
        json_pack("{s:O?, s:O?, s:O?, s:O?}", "content", json_object_get(doc, "markdown"), "title",
                  json_object_get(meta, "title"), "url", json_object_get(meta, "url"), "statusCode",
                  json_object_get(meta, "statusCode"));
    json_decref(doc);
    return res;
}

static json_t *item_json(const char *batch, const store_item_info_t *it)
{
    char uuid[40];
    item_uuid(batch, it->seq, uuid);
    bool ok = it->status == ITEM_SUCCEEDED;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:n}", "uuid", uuid, "url", it->url,
                          "jobId", uuid, "status", item_words[it->status], "result",
                          ok ? item_result(it->doc) : json_null(), "creditsUsed", ok ? 1 : 0,
                          "screenshotUrl");
    const char *err = it->error ? it->error : it->reason;
    json_object_set_new(o, "error",
                        it->status == ITEM_FAILED || it->status == ITEM_SKIPPED
                            ? json_string(err ? err : "failed")
                            : json_null());
    iso_or_null(o, "startedAt", it->status == ITEM_PENDING ? 0 : it->created_ms);
    iso_or_null(o, "finishedAt", it->finished_ms);
    return o;
}

static void batch_status(api_req_t *r)
{
    store_job_t job;
    if (!load_batch(r, &job))
        return;
    store_item_info_t *items = NULL;
    size_t n = 0;
    cinder_err rc =
        store_items_list(jobs_store(api_app(r)->jobs), job.id, ITEMS_MAX, true, &items, &n);
    if (rc) {
        spidra_error(r, rc, NULL);
        goto out;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, item_json(job.id, &items[i]));
    json_t *b = json_pack("{s:s, s:I, s:I, s:I, s:I, s:o}", "status", batch_word(&job, items, n),
                          "totalUrls", (json_int_t)n, "completedCount", (json_int_t)job.completed,
                          "failedCount", (json_int_t)job.failed, "creditsUsed",
                          (json_int_t)job.credits_charged, "items", arr);
    iso_or_null(b, "createdAt", job.created_ms);
    iso_or_null(b, "finishedAt", job.finished_ms);
    api_reply_json(r, 200, b);
out:
    store_item_infos_free(items, n);
    store_job_cleanup(&job);
}

static json_t *list_entry(store_t *st, const char *id)
{
    store_job_t job;
    if (store_job_get(st, id, &job) != CINDER_OK)
        return NULL;
    const char *word = job.status > JOB_RUNNING                         ? job_words[job.status]
                       : job.completed + job.failed + job.cancelled > 0 ? "running"
                                                                        : "pending";
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s}", "uuid", job.id, "status", word,
                          "totalUrls", (json_int_t)job.admitted, "completedCount",
                          (json_int_t)job.completed, "failedCount", (json_int_t)job.failed,
                          "outputFormat", "markdown", "scrapingChannel", "api");
    iso_or_null(o, "createdAt", job.created_ms);
    iso_or_null(o, "finishedAt", job.finished_ms);
    store_job_cleanup(&job);
    return o;
}

static void batch_list(api_req_t *r)
{
    long page = 1, limit = LIST_DEFAULT;
    if (!api_query_long(r, "page", 1, 1000000, &page) ||
        !api_query_long(r, "limit", 1, LIST_MAX, &limit)) {
        reply_message(r, 400, "VALIDATION_ERROR",
                      "page must be an integer >= 1 and limit an integer from 1 to 50");
        return;
    }
    store_t *st = jobs_store(api_app(r)->jobs);
    char **ids = NULL;
    size_t n = 0;
    int64_t total = 0;
    cinder_err rc = store_jobs_list(st, api_team(r), JOB_KIND_BATCH, (page - 1) * limit,
                                    (size_t)limit, &ids, &n, &total);
    if (rc) {
        store_docs_free(ids, n);
        spidra_error(r, rc, NULL);
        return;
    }
    json_t *jobs = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *e = list_entry(st, ids[i]);
        if (e)
            json_array_append_new(jobs, e);
    }
    store_docs_free(ids, n);
    json_int_t pages = (json_int_t)((total + limit - 1) / limit);
    api_reply_json(r, 200,
                   json_pack("{s:o, s:{s:i, s:i, s:I, s:I}}", "jobs", jobs, "pagination", "page",
                             (int)page, "limit", (int)limit, "total", (json_int_t)total,
                             "totalPages", pages));
}

/* ---- retry and cancel ---------------------------------------------------------------------- */

static void batch_retry(api_req_t *r)
{
    store_job_t job;
    if (!load_batch(r, &job))
        return;
    int64_t retried = 0;
    cinder_err rc = jobs_retry(api_app(r)->jobs, api_team(r), job.id, &retried);
    if (rc == CINDER_E_ALREADY_TERMINAL)
        reply_message(r, 400, "ALREADY_TERMINAL", "A cancelled batch cannot be retried.");
    else if (rc)
        spidra_error(r, rc, rc == CINDER_E_NO_CREDITS ? "not enough credits to retry" : NULL);
    else if (retried == 0)
        reply_message(r, 400, "NOTHING_TO_RETRY", "The batch has no failed items to retry.");
    else
        api_reply_json(
            r, 202,
            json_pack("{s:s, s:I}", "status", "queued", "retriedCount", (json_int_t)retried));
    store_job_cleanup(&job);
}

static void batch_cancel(api_req_t *r)
{
    store_job_t job;
    if (!load_batch(r, &job))
        return;
    model_cancel_t c = {0};
    cinder_err rc =
        jobs_cancel(api_app(r)->jobs, api_team(r), job.id, JOBS_KIND(JOB_KIND_BATCH), &c);
    if (rc == CINDER_E_ALREADY_TERMINAL) {
        char msg[96];
        snprintf(msg, sizeof msg, "Cannot cancel a batch that is already %s.",
                 job_words[job.status]);
        reply_message(r, 409, "ALREADY_TERMINAL", msg);
    } else if (rc) {
        spidra_error(r, rc, NULL);
    } else {
        api_reply_json(r, 200,
                       json_pack("{s:s, s:I, s:I}", "status", "cancelled", "cancelledItems",
                                 (json_int_t)c.cancelled, "creditsRefunded",
                                 (json_int_t)c.refunded));
    }
    store_job_cleanup(&job);
}

const api_route_t spidra_routes[] = {
    {"POST", "/api/batch/scrape", batch_create},
    {"GET", "/api/batch/scrape", batch_list},
    {"GET", "/api/batch/scrape/:id", batch_status},
    {"DELETE", "/api/batch/scrape/:id", batch_cancel},
    {"POST", "/api/batch/scrape/:id/retry", batch_retry},
    {NULL, NULL, NULL},
};
