/*
 * skop: Skop's document-discovery API (/scrape/) over the shared job engine. A Skop job is a
 * discovery crawl (crawl/crawl_discover.c, kind JOB_KIND_DISCOVER) of the given website; its
 * stored records are merged and ranked against the prompt when status or results are read
 * (jobs/discover.h, jobs/rank.h: lexical BM25, not semantic). Handlers run on API threads; they
 * write through the crawler and read through the store.
 *
 * Job ids: "job_" and the 32 hex digits of the engine's job UUID (dashes dropped); any other
 * shape is an unknown job (404).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect/skop/skop.h"
#include "api/app.h"
#include "api/errmap.h"
#include "api/params.h"
#include "api/router.h"
#include "jobs/jobs.h"
#include "dialect/skop/discover.h"
#include "model/job.h"
#include "util/clock.h"
#include "util/mem.h"

#define PAGE_CAP          100 /* pages a multi-page job may fetch (and the credits it reserves) */
#define TIMEOUT_DEFAULT_S 1800
#define THRESHOLD_DEFAULT 0.1
#define MAX_FILE_DEFAULT  100
#define SINGLE_DEFAULT    true /* docs.skop.dev; another copy of the reference says false */
#define RECORDS_MAX       100000
#define ERRORS_MAX        1000
#define SKOP_ID_LEN       (4 + 32)

/* Skop's envelope: {"error":true,"message","status_code","path","timestamp"}. */
/* Skop's envelope with an explicit status, and details {field, reason} when field is set. */
static void skop_reply(api_req_t *r, unsigned status, const char *msg, const char *field,
                       const char *reason)
{
    char iso[40];
    clock_iso8601(clock_wall_ms(), iso, sizeof iso);
    json_t *b = json_pack("{s:b, s:s, s:i, s:s, s:s}", "error", 1, "message", msg, "status_code",
                          (int)status, "path", api_path(r), "timestamp", iso);
    if (field)
        json_object_set_new(b, "details",
                            json_pack("{s:s, s:s}", "field", field, "reason", reason));
    api_reply_json(r, status, b);
}

void skop_error(api_req_t *r, cinder_err e, const char *detail)
{
    char msg[1024];
    errmap_message(e, detail, msg, sizeof msg);
    skop_reply(r, errmap_get(e)->status, msg, NULL, NULL);
}

static json_t *iso_or_null(int64_t ms)
{
    char iso[40];
    if (ms <= 0)
        return json_null();
    clock_iso8601(ms, iso, sizeof iso);
    return json_string(iso);
}

/* ---- job ids ------------------------------------------------------------------------------ */

static void skop_id(const char *uuid, char out[SKOP_ID_LEN + 1])
{
    size_t n = 0;
    memcpy(out, "job_", 4);
    for (const char *p = uuid; *p && n < 32; p++)
        if (*p != '-')
            out[4 + n++] = *p;
    out[4 + n] = '\0';
}

/* The engine's job id for a Skop id; false for any other shape. */
static bool engine_id(const char *s, char out[40])
{
    if (!s || strlen(s) != SKOP_ID_LEN || strncmp(s, "job_", 4) != 0)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < 32; i++) {
        char c = s[4 + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[n++] = '-';
        out[n++] = c;
    }
    out[n] = '\0';
    return true;
}

/* ---- create ------------------------------------------------------------------------------- */

typedef struct {
    char *url;           /* normalised */
    const char *website; /* as sent (borrowed from the body) */
    const char *prompt;
    bool single_page;
    long timeout_s;
    double threshold;
    double max_file_mb;
    const char *field, *reason; /* the first problem */
    char reason_buf[256];
} skop_params_t;

static bool bad(skop_params_t *p, const char *field, const char *reason)
{
    if (!p->field) {
        p->field = field;
        p->reason = reason;
    }
    return false;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool number_in(json_t *v, double min, double max, double *out)
{
    if (!json_is_number(v))
        return false;
    double d = json_number_value(v);
    if (!(d >= min && d <= max))
        return false;
    *out = d;
    return true;
}

static bool read_website(json_t *v, bool allow_private, skop_params_t *p)
{
    const char *s = json_string_value(v);
    if (!v)
        return bad(p, "website", "field required");
    if (!s)
        return bad(p, "website", "must be a string");
    if (strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0)
        return bad(p, "website", "must be an http or https URL");
    params_report_t rep;
    params_report_init(&rep);
    p->url = params_url(v, "website", allow_private, &rep);
    if (!p->url) {
        const char *m =
            json_string_value(json_object_get(json_array_get(rep.details, 0), "message"));
        snprintf(p->reason_buf, sizeof p->reason_buf, "%s", m ? m : "invalid URL");
        bad(p, "website", p->reason_buf);
    }
    params_report_cleanup(&rep);
    p->website = s;
    return p->url != NULL;
}

static bool read_prompt(json_t *v, skop_params_t *p)
{
    const char *s = json_string_value(v);
    if (!v)
        return bad(p, "prompt", "field required");
    if (!s)
        return bad(p, "prompt", "must be a string");
    size_t n = utf8_chars(s);
    if (n < 10 || n > 500)
        return bad(p, "prompt", "must be between 10 and 500 characters");
    p->prompt = s;
    return true;
}

static void read_parameter(const char *k, json_t *v, skop_params_t *p)
{
    double d = 0;
    if (!strcmp(k, "single_page")) {
        if (!json_is_boolean(v))
            bad(p, "parameters.single_page", "must be a boolean");
        p->single_page = json_is_true(v);
    } else if (!strcmp(k, "timeout")) {
        if (!number_in(v, 60, 3600, &d) || d != floor(d))
            bad(p, "parameters.timeout", "must be an integer from 60 to 3600 (seconds)");
        p->timeout_s = (long)d;
    } else if (!strcmp(k, "confidence_threshold")) {
        if (!number_in(v, 0, 1, &d))
            bad(p, "parameters.confidence_threshold", "must be a number from 0 to 1");
        p->threshold = d;
    } else if (!strcmp(k, "file_type")) {
        const char *s = json_string_value(v);
        if (!s || strcmp(s, "document") != 0)
            bad(p, "parameters.file_type", "must be \"document\"");
    } else if (!strcmp(k, "max_file_size_mb")) {
        if (!number_in(v, 1, 500, &d))
            bad(p, "parameters.max_file_size_mb", "must be a number from 1 to 500");
        p->max_file_mb = d;
    }
}

/* Validates a create body; p->field names the first problem. */
static bool read_request(json_t *body, bool allow_private, skop_params_t *p)
{
    memset(p, 0, sizeof *p);
    p->single_page = SINGLE_DEFAULT;
    p->timeout_s = TIMEOUT_DEFAULT_S;
    p->threshold = THRESHOLD_DEFAULT;
    p->max_file_mb = MAX_FILE_DEFAULT;
    read_website(json_object_get(body, "website"), allow_private, p);
    read_prompt(json_object_get(body, "prompt"), p);
    json_t *params = json_object_get(body, "parameters");
    if (params && !json_is_object(params) && !json_is_null(params))
        bad(p, "parameters", "must be an object");
    const char *k;
    json_t *v;
    if (json_is_object(params)) {
        json_object_foreach(params, k, v) read_parameter(k, v, p);
    }
    return p->field == NULL;
}

/* The parameters as stored with the job and echoed in results' metadata. */
static json_t *params_json(const skop_params_t *p)
{
    return json_pack("{s:b, s:I, s:f, s:s, s:f}", "single_page", p->single_page, "timeout",
                     (json_int_t)p->timeout_s, "confidence_threshold", p->threshold, "file_type",
                     "document", "max_file_size_mb", p->max_file_mb);
}

static void opts_from_params(const skop_params_t *p, api_req_t *r, int64_t now, crawl_opts_t *o)
{
    crawl_opts_init(o, 2);
    o->url = xstrdup(p->url);
    o->source_url = xstrdup(p->website);
    o->limit = p->single_page ? 1 : PAGE_CAP;
    o->max_discovery_depth = p->single_page ? 0 : -1;
    o->crawl_entire_domain = true; /* the whole site, not only below the start path */
    o->sitemap = CRAWL_SITEMAP_SKIP;
    o->discover = true;
    o->deadline_ms = now + p->timeout_s * 1000;
    o->meta = json_pack("{s:s, s:s, s:o, s:I}", "website", p->website, "prompt", p->prompt,
                        "parameters", params_json(p), "pageCap", (json_int_t)o->limit);
    snprintf(o->team, sizeof o->team, "%s", api_team(r));
}

/* 402 in Skop's billing shape (error is a string code here, unlike the generic envelope). */
static void reply_no_credits(api_req_t *r, int64_t need)
{
    store_team_t team = {0};
    if (store_team_get(jobs_store(api_app(r)->jobs), api_team(r), &team) != CINDER_OK)
        team.credits = 0;
    char msg[256], action[256];
    snprintf(msg, sizeof msg,
             "This job reserves %lld credit(s), one per page it may fetch, and the team has "
             "%lld.",
             (long long)need, (long long)team.credits);
    snprintf(action, sizeof action,
             "Add credits (cinder keys credits --team %s --add N) or set "
             "parameters.single_page to true (1 credit).",
             team.name[0] ? team.name : "NAME");
    api_reply_json(r, 402,
                   json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "error", "insufficient_credits",
                             "message", msg, "estimated_cost", (json_int_t)need, "current_credits",
                             (json_int_t)team.credits, "shortfall",
                             (json_int_t)(need - team.credits), "suggested_action", action));
}

static void reply_created(api_req_t *r, const char *id, const skop_params_t *p, int64_t now)
{
    char sid[SKOP_ID_LEN + 1], msg[160];
    skop_id(id, sid);
    int64_t estimate = now + (p->single_page ? 30000 : 300000);
    if (estimate > now + p->timeout_s * 1000)
        estimate = now + p->timeout_s * 1000;
    snprintf(msg, sizeof msg, "Job created: looking for documents on %s",
             p->single_page ? "the start page" : "the website");
    json_t *b = json_pack("{s:s, s:s, s:s}", "job_id", sid, "status", "pending", "message", msg);
    json_object_set_new(b, "estimated_completion", iso_or_null(estimate));
    json_object_set_new(b, "created_at", iso_or_null(now));
    api_reply_json(r, 201, b);
}

static void skop_create(api_req_t *r)
{
    size_t len = 0;
    const char *text = api_body(r, &len);
    json_error_t jerr;
    json_t *body = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &jerr);
    skop_params_t p;
    if (!json_is_object(body)) {
        skop_reply(r, 400, "Validation error: the body must be a JSON object", "body",
                   body ? "must be an object" : jerr.text);
        json_decref(body);
        return;
    }
    if (!read_request(body, api_app(r)->allow_private, &p)) {
        char msg[400];
        snprintf(msg, sizeof msg, "Validation error: %s %s", p.field, p.reason);
        skop_reply(r, 400, msg, p.field, p.reason);
        free(p.url);
        json_decref(body);
        return;
    }
    int64_t now = clock_wall_ms();
    crawl_opts_t o;
    opts_from_params(&p, r, now, &o);
    char id[40], err[512] = "";
    cinder_err rc = jobs_crawl_start(api_app(r)->jobs, &o, id, err, sizeof err);
    if (rc == CINDER_E_NO_CREDITS)
        reply_no_credits(r, o.limit);
    else if (rc)
        skop_error(r, rc, err[0] ? err : NULL);
    else
        reply_created(r, id, &p, now);
    crawl_opts_cleanup(&o);
    free(p.url);
    json_decref(body);
}

/* ---- reading a job ------------------------------------------------------------------------ */

typedef struct {
    store_job_t job;
    char sid[SKOP_ID_LEN + 1];
    json_t *meta; /* website, prompt, parameters, pageCap */
    discover_set_t set;
    size_t found;     /* documents that pass the threshold and the size cap */
    size_t too_large; /* documents left out for max_file_size_mb */
    json_t *errors, *warnings;
} skop_view_t;

static const char *status_word(job_status s)
{
    static const char *const words[] = {
        [JOB_QUEUED] = "pending", [JOB_RUNNING] = "in_progress", [JOB_COMPLETED] = "completed",
        [JOB_FAILED] = "failed",  [JOB_CANCELLED] = "cancelled",
    };
    return (unsigned)s < sizeof words / sizeof words[0] ? words[s] : "in_progress";
}

static double param_num(const skop_view_t *v, const char *k)
{
    return json_number_value(json_object_get(json_object_get(v->meta, "parameters"), k));
}

/* Loads the caller's discovery job for :id; replies 404 and returns false otherwise. */
static bool load_job(api_req_t *r, skop_view_t *v)
{
    char id[40];
    memset(v, 0, sizeof *v);
    cinder_err rc = CINDER_E_NOT_FOUND;
    if (engine_id(api_param(r, 0), id))
        rc = store_job_get(jobs_store(api_app(r)->jobs), id, &v->job);
    if (!rc && (v->job.kind != JOB_KIND_DISCOVER || !api_owns(r, v->job.team))) {
        store_job_cleanup(&v->job);
        rc = CINDER_E_NOT_FOUND;
    }
    if (rc) {
        skop_error(r, rc == CINDER_E_EXPIRED ? rc : CINDER_E_NOT_FOUND, NULL);
        return false;
    }
    json_error_t err;
    json_t *opts = v->job.options ? json_loads(v->job.options, 0, &err) : NULL;
    v->meta = json_incref(json_object_get(opts, "meta"));
    json_decref(opts);
    if (!v->meta)
        v->meta = json_object();
    skop_id(v->job.id, v->sid);
    return true;
}

static bool recoverable(const char *reason)
{
    static const char *const r[] = {"timeout", "http_429", "http_503",
                                    "connect", "dns",      "fetch_error"};
    for (size_t i = 0; reason && i < sizeof r / sizeof r[0]; i++)
        if (!strcmp(reason, r[i]))
            return true;
    return false;
}

static void warn(skop_view_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(skop_view_t *v, const char *fmt, ...)
{
    char s[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    json_array_append_new(v->warnings, json_string(s));
}

/* errors[] from failed items; skipped items become warnings. */
static cinder_err collect_problems(api_req_t *r, skop_view_t *v)
{
    store_item_error_t *e = NULL;
    size_t n = 0;
    cinder_err rc = store_items_errors(jobs_store(api_app(r)->jobs), v->job.id, ERRORS_MAX, &e, &n);
    long long robots = 0, late = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *reason = e[i].reason ? e[i].reason : "fetch_error";
        if (e[i].status == ITEM_SKIPPED) {
            robots += !strcmp(reason, "robots");
            late += !strcmp(reason, "deadline");
            continue;
        }
        char eid[32];
        snprintf(eid, sizeof eid, "err_%lld", (long long)e[i].seq);
        json_t *item =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "error_id", eid, "agent_name", "crawler",
                      "error_type", reason, "error_message", e[i].error ? e[i].error : reason,
                      "page_url", e[i].url, "is_recoverable", recoverable(reason));
        json_object_set_new(item, "timestamp", iso_or_null(e[i].finished_ms));
        json_array_append_new(v->errors, item);
    }
    store_item_errors_free(e, n);
    if (robots)
        warn(v, "%lld page(s) not crawled: disallowed by robots.txt", robots);
    if (late)
        warn(v, "%lld page(s) not crawled: the job's timeout of %lld s was reached", late,
             (long long)param_num(v, "timeout"));
    return rc;
}

/* Reads the records, ranks them and counts what passes the filters. */
static bool build_view(api_req_t *r, skop_view_t *v)
{
    v->errors = json_array();
    v->warnings = json_array();
    store_t *st = jobs_store(api_app(r)->jobs);
    cinder_err rc = discover_load(st, v->job.id, RECORDS_MAX, &v->set);
    if (!rc)
        rc = collect_problems(r, v);
    if (rc) {
        skop_error(r, rc, NULL);
        return false;
    }
    discover_set_rank(&v->set, json_string_value(json_object_get(v->meta, "prompt")));
    double threshold = param_num(v, "confidence_threshold");
    double max_bytes = param_num(v, "max_file_size_mb") * 1048576.0;
    for (size_t i = 0; i < v->set.n; i++) {
        bool big = v->set.v[i].size >= 0 && (double)v->set.v[i].size > max_bytes;
        v->too_large += big;
        v->found += !big && v->set.v[i].confidence >= threshold;
    }
    if (v->too_large)
        warn(v, "%lld document(s) left out: larger than max_file_size_mb (%lld MB)",
             (long long)v->too_large, (long long)param_num(v, "max_file_size_mb"));
    if (!v->set.terms && v->set.n)
        warn(v, "The prompt has no searchable words (only stop words): every document scores 0");
    int64_t cap = json_integer_value(json_object_get(v->meta, "pageCap"));
    if (cap > 1 && v->job.admitted >= cap)
        warn(v, "The page cap of %lld pages was reached; the site may hold more documents",
             (long long)cap);
    return true;
}

static void view_cleanup(skop_view_t *v)
{
    store_job_cleanup(&v->job);
    json_decref(v->meta);
    json_decref(v->errors);
    json_decref(v->warnings);
    discover_set_cleanup(&v->set);
}

static bool active(const store_job_t *j)
{
    return j->status == JOB_QUEUED || j->status == JOB_RUNNING;
}

static void status_message(const skop_view_t *v, char *out, size_t len)
{
    const store_job_t *j = &v->job;
    if (j->status == JOB_COMPLETED)
        snprintf(out, len, "Found %zu document(s) on %lld page(s)", v->found,
                 (long long)v->set.pages);
    else if (j->status == JOB_CANCELLED)
        snprintf(out, len, "Job was cancelled after %lld page(s)", (long long)v->set.pages);
    else if (j->status == JOB_FAILED)
        snprintf(out, len, "Job failed: %s", j->error ? j->error : "unknown error");
    else
        snprintf(out, len, "Crawling: %lld page(s) read, %zu document(s) found so far",
                 (long long)v->set.pages, v->found);
}

static int progress(const store_job_t *j)
{
    if (j->status == JOB_COMPLETED)
        return 100;
    int64_t done = j->completed + j->failed;
    if (j->admitted <= 0 || done <= 0)
        return 0;
    int64_t pct = done * 100 / j->admitted;
    return (int)(pct > 99 ? 99 : pct);
}

/* When the job ended, or a guess from its pace, never past its deadline. */
static int64_t estimated_completion(const skop_view_t *v, int64_t now)
{
    const store_job_t *j = &v->job;
    if (!active(j))
        return j->finished_ms;
    int64_t deadline = j->created_ms + (int64_t)param_num(v, "timeout") * 1000;
    int64_t done = j->completed + j->failed, left = j->admitted - done;
    int64_t guess =
        done > 0 ? now + (now - j->created_ms) / done * (left > 0 ? left : 0) : deadline;
    return guess < deadline ? guess : deadline;
}

/* load_job and build_view: the whole view of the caller's job; replies and returns false on
 * failure (nothing to clean up then). */
static bool load_view(api_req_t *r, skop_view_t *v)
{
    if (!load_job(r, v))
        return false;
    if (build_view(r, v))
        return true;
    view_cleanup(v);
    return false;
}

static void skop_status(api_req_t *r)
{
    skop_view_t v;
    if (!load_view(r, &v))
        return;
    const store_job_t *j = &v.job;
    char msg[300];
    status_message(&v, msg, sizeof msg);
    json_t *b = json_pack("{s:s, s:s, s:s, s:i}", "job_id", v.sid, "status", status_word(j->status),
                          "message", msg, "progress", progress(j));
    json_object_set_new(b, "created_at", iso_or_null(j->created_ms));
    json_object_set_new(b, "started_at", iso_or_null(j->created_ms));
    json_object_set_new(b, "completed_at", iso_or_null(active(j) ? 0 : j->finished_ms));
    json_object_set_new(b, "estimated_completion",
                        iso_or_null(estimated_completion(&v, clock_wall_ms())));
    json_object_set_new(b, "current_agent", active(j) ? json_string("crawler") : json_null());
    json_object_set_new(b, "agents_completed",
                        j->status == JOB_COMPLETED ? json_pack("[s]", "crawler") : json_array());
    json_object_set_new(b, "total_pages_crawled", json_integer(v.set.pages));
    json_object_set_new(b, "total_documents_found", json_integer((json_int_t)v.found));
    json_object_set_new(b, "is_active", json_boolean(active(j)));
    json_object_set_new(b, "has_errors", json_boolean(json_array_size(v.errors) > 0));
    json_object_set(b, "errors", v.errors);
    json_object_set(b, "warnings", v.warnings);
    view_cleanup(&v);
    api_reply_json(r, 200, b);
}

/* x rounded to `digits` decimals (the double nearest to that decimal). */
static double round_to(double x, int digits)
{
    double scale = pow(10, digits);
    return round(x * scale) / scale;
}

static json_t *document_json(const discover_doc_t *d)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f}", "name", d->name, "url", d->url,
                          "source_page", d->source_page, "document_type", d->type,
                          "confidence_score", round_to(d->confidence, 4));
    json_object_set_new(o, "file_size_mb",
                        d->size >= 0 ? json_real(round_to((double)d->size / 1048576.0, 6))
                                     : json_null());
    json_object_set_new(o, "extracted_at", iso_or_null(d->found_ms));
    json_object_set_new(o, "link_text", json_string(d->text));
    json_object_set_new(o, "context", json_string(d->context));
    json_object_set_new(o, "page_title", json_string(d->page_title));
    return o;
}

static json_t *documents_json(const skop_view_t *v)
{
    json_t *a = json_array();
    double threshold = param_num(v, "confidence_threshold");
    double max_bytes = param_num(v, "max_file_size_mb") * 1048576.0;
    for (size_t i = 0; i < v->set.n; i++) {
        const discover_doc_t *d = &v->set.v[i];
        if (d->confidence >= threshold && !(d->size >= 0 && (double)d->size > max_bytes))
            json_array_append_new(a, document_json(d));
    }
    return a;
}

static json_t *metadata_json(const skop_view_t *v)
{
    const store_job_t *j = &v->job;
    json_t *m = json_pack("{s:O?, s:O?, s:O?, s:O?, s:s, s:s, s:[s]}", "original_website",
                          json_object_get(v->meta, "website"), "original_prompt",
                          json_object_get(v->meta, "prompt"), "parameters",
                          json_object_get(v->meta, "parameters"), "page_cap",
                          json_object_get(v->meta, "pageCap"), "final_status",
                          status_word(j->status), "ranking", "bm25 (lexical)", "agents", "crawler");
    json_object_set_new(m, "created_at", iso_or_null(j->created_ms));
    json_object_set_new(m, "started_at", iso_or_null(j->created_ms));
    json_object_set_new(m, "completed_at", iso_or_null(active(j) ? 0 : j->finished_ms));
    return m;
}

static void skop_results(api_req_t *r)
{
    skop_view_t v;
    if (!load_view(r, &v))
        return;
    const store_job_t *j = &v.job;
    char msg[300];
    status_message(&v, msg, sizeof msg);
    int64_t end = active(j) ? clock_wall_ms() : j->finished_ms;
    double runtime = (double)(end - j->created_ms) / 1000.0;
    int64_t attempted = j->completed + j->failed;
    json_t *b =
        json_pack("{s:s, s:s, s:s, s:o, s:o}", "job_id", v.sid, "status", status_word(j->status),
                  "message", msg, "documents", documents_json(&v), "metadata", metadata_json(&v));
    json_object_set_new(b, "total_documents_found", json_integer((json_int_t)v.found));
    json_object_set_new(b, "total_documents_downloaded", json_integer(0));
    json_object_set_new(b, "total_pages_crawled", json_integer(v.set.pages));
    json_object_set_new(b, "success_rate",
                        json_real(attempted ? round_to((double)j->completed / attempted, 4) : 0));
    json_object_set_new(b, "cost", json_integer(j->credits_charged));
    json_object_set_new(b, "total_runtime_seconds", json_real(round_to(runtime, 3)));
    json_object_set_new(b, "runtime_minutes", json_real(round_to(runtime / 60.0, 2)));
    json_object_set_new(b, "has_errors", json_boolean(json_array_size(v.errors) > 0));
    json_object_set(b, "errors", v.errors);
    json_object_set(b, "warnings", v.warnings);
    view_cleanup(&v);
    api_reply_json(r, 200, b);
}

/* ---- cancel ------------------------------------------------------------------------------- */

static void skop_cancel(api_req_t *r)
{
    skop_view_t v;
    if (!load_job(r, &v))
        return;
    model_cancel_t c = {0};
    char msg[200];
    cinder_err rc =
        jobs_cancel(api_app(r)->jobs, api_team(r), v.job.id, JOBS_KIND(JOB_KIND_DISCOVER), &c);
    if (rc == CINDER_E_ALREADY_TERMINAL) {
        store_job_t now;
        job_status s = v.job.status;
        if (store_job_get(jobs_store(api_app(r)->jobs), v.job.id, &now) == CINDER_OK) {
            s = now.status;
            store_job_cleanup(&now);
        }
        snprintf(msg, sizeof msg,
                 "Job %s cannot be cancelled: it is already %s (only pending or in_progress "
                 "jobs can be cancelled)",
                 v.sid, status_word(s));
        skop_reply(r, 400, msg, NULL, NULL);
    } else if (rc) {
        skop_error(r, rc, NULL);
    } else {
        snprintf(msg, sizeof msg, "Job %s cancelled successfully", v.sid);
        json_t *b =
            json_pack("{s:s, s:s, s:s}", "job_id", v.sid, "message", msg, "status", "cancelled");
        json_object_set_new(b, "cancelled_at", iso_or_null(clock_wall_ms()));
        api_reply_json(r, 200, b);
    }
    view_cleanup(&v);
}

const api_route_t skop_routes[] = {
    {"POST", "/scrape", skop_create},
    {"GET", "/scrape/status/:job_id", skop_status},
    {"GET", "/scrape/results/:job_id", skop_results},
    {"DELETE", "/scrape/:job_id", skop_cancel},
    {NULL, NULL, NULL},
};
