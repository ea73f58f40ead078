/*
 * Scrape jobs.
 *
 * Threads: scrape_submit runs on the caller's thread (an API thread): it
 * writes the job row and hands the fetch to the fetch loop. The fetch
 * callback runs on the fetch thread and only queues the task to the worker
 * pool. Everything else (pipeline, store writes, the user callback) runs on
 * a worker thread. The task is heap memory owned by whichever stage holds it.
 */
#include "jobs/scrape.h"

#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strv.h"
#include "util/uuid.h"

/* A scrape without a timeout (v2's default) still ends: Firecrawl's API waits 180 s. */
#define SCRAPE_MAX_WAIT_MS 180000

typedef struct {
    engine_t *e;
    store_job_t job;
    scrape_opts_t opts;
    char *source_url;
    scrape_cb cb;
    void *ud;
    fetch_result_t *fres;
} scrape_task_t;

/* Format names as the options are persisted. */
static const struct {
    unsigned flag;
    const char *name;
} fmts[] = {{PIPE_FMT_MARKDOWN, "markdown"},
            {PIPE_FMT_HTML, "html"},
            {PIPE_FMT_RAW_HTML, "rawHtml"},
            {PIPE_FMT_LINKS, "links"},
            {PIPE_FMT_IMAGES, "images"}};

void scrape_opts_init(scrape_opts_t *o, int api_version)
{
    memset(o, 0, sizeof *o);
    o->formats = PIPE_FMT_MARKDOWN;
    o->only_main_content = true;
    o->remove_base64_images = true;
    o->api_version = api_version;
    o->timeout_ms = api_version == 2 ? 0 : 30000;
    o->skip_tls_verify = api_version == 2;
}

void scrape_opts_cleanup(scrape_opts_t *o)
{
    strv_free(o->include_tags, o->n_include);
    strv_free(o->exclude_tags, o->n_exclude);
    strv_free(o->headers, o->n_headers);
    memset(o, 0, sizeof *o);
}

static void scrape_opts_copy(scrape_opts_t *dst, const scrape_opts_t *src)
{
    *dst = *src;
    dst->include_tags = strv_copy(src->include_tags, src->n_include);
    dst->exclude_tags = strv_copy(src->exclude_tags, src->n_exclude);
    dst->headers = strv_copy(src->headers, src->n_headers);
}

/* Request headers as a JSON object {name: value}, the form requests give them in. */
static json_t *headers_to_json(const scrape_opts_t *o)
{
    json_t *h = json_object();
    for (size_t i = 0; i < o->n_headers; i++) {
        const char *colon = strchr(o->headers[i], ':');
        if (!colon)
            continue;
        char *name = xstrndup(o->headers[i], (size_t)(colon - o->headers[i]));
        json_object_set_new(h, name, json_string(colon[1] == ' ' ? colon + 2 : colon + 1));
        free(name);
    }
    return h;
}

json_t *scrape_opts_to_json(const scrape_opts_t *o)
{
    json_t *f = json_array();
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
        if (o->formats & fmts[i].flag)
            json_array_append_new(f, json_string(fmts[i].name));
    json_t *j =
        json_pack("{s:o, s:b, s:o, s:o, s:I, s:b, s:b, s:b, s:i}", "formats", f, "onlyMainContent",
                  o->only_main_content, "includeTags", strv_to_json(o->include_tags, o->n_include),
                  "excludeTags", strv_to_json(o->exclude_tags, o->n_exclude), "timeout",
                  (json_int_t)o->timeout_ms, "skipTlsVerification", o->skip_tls_verify,
                  "removeBase64Images", o->remove_base64_images, "zeroDataRetention",
                  o->zero_data_retention, "apiVersion", o->api_version);
    if (o->n_headers)
        json_object_set_new(j, "headers", headers_to_json(o));
    return j;
}

void scrape_opts_add_header(scrape_opts_t *o, const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 3;
    o->headers = xrealloc(o->headers, (o->n_headers + 2) * sizeof *o->headers);
    o->headers[o->n_headers] = xmalloc(n);
    snprintf(o->headers[o->n_headers++], n, "%s: %s", name, value);
    o->headers[o->n_headers] = NULL;
}

/* Request headers back from their JSON object form. */
static void headers_from_json(json_t *h, scrape_opts_t *o)
{
    const char *k;
    json_t *v;
    json_object_foreach(h, k, v)
    {
        if (json_is_string(v))
            scrape_opts_add_header(o, k, json_string_value(v));
    }
}

cinder_err scrape_opts_from_json(json_t *j, scrape_opts_t *o)
{
    if (!json_is_object(j))
        return CINDER_E_INVALID;
    o->formats = 0;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(j, "formats"), i, f)
    {
        for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++)
            if (json_is_string(f) && !strcmp(json_string_value(f), fmts[k].name))
                o->formats |= fmts[k].flag;
    }
    o->only_main_content = json_is_true(json_object_get(j, "onlyMainContent"));
    o->include_tags = strv_from_json(json_object_get(j, "includeTags"), &o->n_include);
    o->exclude_tags = strv_from_json(json_object_get(j, "excludeTags"), &o->n_exclude);
    o->timeout_ms = (long)json_integer_value(json_object_get(j, "timeout"));
    o->skip_tls_verify = json_is_true(json_object_get(j, "skipTlsVerification"));
    o->remove_base64_images = json_is_true(json_object_get(j, "removeBase64Images"));
    o->zero_data_retention = json_is_true(json_object_get(j, "zeroDataRetention"));
    o->api_version = (int)json_integer_value(json_object_get(j, "apiVersion"));
    if (json_is_object(json_object_get(j, "headers")))
        headers_from_json(json_object_get(j, "headers"), o);
    return CINDER_OK;
}

void scrape_pipeline_opts(const scrape_opts_t *o, pipeline_opts_t *out)
{
    memset(out, 0, sizeof *out);
    out->formats = o->formats;
    out->only_main_content = o->only_main_content;
    out->include_tags = (const char *const *)o->include_tags;
    out->n_include = o->n_include;
    out->exclude_tags = (const char *const *)o->exclude_tags;
    out->n_exclude = o->n_exclude;
    out->keep_base64_images = !o->remove_base64_images;
}

static const char *http_reason(long status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 410:
        return "Gone";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status >= 500 ? "Server Error" : "Client Error";
    }
}

void scrape_decorate(json_t *doc, const char *scrape_id, long status)
{
    json_t *meta = json_object_get(doc, "metadata");
    if (!meta) {
        meta = json_object();
        json_object_set_new(doc, "metadata", meta);
    }
    if (scrape_id)
        json_object_set_new(meta, "scrapeId", json_string(scrape_id));
    json_object_set_new(meta, "proxyUsed", json_string("basic"));
    json_object_set_new(meta, "creditsUsed", json_integer(1));
    if (status >= 400)
        json_object_set_new(meta, "error", json_string(http_reason(status)));
}

static void task_free(scrape_task_t *t)
{
    fetch_result_free(t->fres);
    scrape_opts_cleanup(&t->opts);
    store_job_cleanup(&t->job);
    free(t->source_url);
    free(t);
}

static void finish_job(scrape_task_t *t, job_status st, cinder_err err)
{
    t->job.status = st;
    t->job.finished_ms = clock_wall_ms();
    t->job.completed = st == JOB_COMPLETED;
    t->job.failed = st == JOB_FAILED;
    if (err && !t->job.error)
        t->job.error = xstrdup(cinder_strerror(err));
    if (err && !t->job.error_code)
        t->job.error_code = xstrdup(cinder_err_name(err));
    if (store_job_finish(engine_store(t->e), &t->job))
        log_warn("scrape %s: could not record the job's end", t->job.id);
}

static cinder_err build_document(scrape_task_t *t, json_t **doc)
{
    fetch_result_t *f = t->fres;
    pipeline_opts_t po;
    scrape_pipeline_opts(&t->opts, &po);
    pipeline_input_t in = {
        t->source_url, f->final_url, f->status, f->content_type, f->body.data ? f->body.data : "",
        f->body.len};
    cinder_err rc = pipeline_run(&in, &po, doc);
    if (rc)
        return rc;
    scrape_decorate(*doc, t->job.id, f->status);
    if (t->opts.zero_data_retention)
        return CINDER_OK;
    char *text = json_dumps(*doc, JSON_COMPACT);
    rc =
        text ? store_doc_put(engine_store(t->e), t->job.id, 0, text, strlen(text)) : CINDER_E_NOMEM;
    free(text);
    return rc;
}

static void process_task(void *arg)
{
    scrape_task_t *t = arg;
    scrape_result_t *r = xcalloc(1, sizeof *r);
    memcpy(r->job_id, t->job.id, sizeof r->job_id);
    r->err = t->fres->err;
    r->status = t->fres->status;
    if (r->err)
        r->error_detail = xstrdup(t->fres->error_detail);
    else
        r->err = build_document(t, &r->document);
    if (r->err && r->document) {
        json_decref(r->document);
        r->document = NULL;
    }
    finish_job(t, r->err ? JOB_FAILED : JOB_COMPLETED, r->err);
    scrape_cb cb = t->cb;
    void *ud = t->ud;
    task_free(t);
    cb(r, ud);
}

static void on_fetched(fetch_result_t *res, void *ud)
{
    scrape_task_t *t = ud;
    t->fres = res;
    log_debug("scrape %s: %s -> %ld HTTP/%d %s %.1fms", t->job.id, t->job.url, res->status,
              res->http_version, res->err ? cinder_err_name(res->err) : "ok", res->elapsed_ms);
    if (pool_submit(engine_pool(t->e), process_task, t) != CINDER_OK)
        process_task(t);
}

static cinder_err create_job(scrape_task_t *t, const char *team, const char *url)
{
    store_job_t *j = &t->job;
    snprintf(j->team, sizeof j->team, "%s", team ? team : "");
    j->credits_reserved = 1;
    uuid_generate_v4(j->id);
    j->kind = JOB_KIND_SCRAPE;
    j->status = JOB_RUNNING;
    j->api_version = t->opts.api_version;
    j->created_ms = clock_wall_ms();
    j->expires_ms = j->created_ms + engine_config(t->e)->result_ttl_ms;
    j->url = xstrdup(url);
    json_t *o = scrape_opts_to_json(&t->opts);
    j->options = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    j->total = 1;
    return store_job_create(engine_store(t->e), j);
}

cinder_err scrape_submit(engine_t *e, const char *team, const char *url, const char *source_url,
                         const scrape_opts_t *opts, scrape_cb cb, void *ud, char *id_out)
{
    scrape_task_t *t = xcalloc(1, sizeof *t);
    t->e = e;
    t->cb = cb;
    t->ud = ud;
    t->source_url = xstrdup(source_url ? source_url : url);
    scrape_opts_copy(&t->opts, opts);
    cinder_err rc = create_job(t, team, url);
    if (rc)
        goto out;
    fetch_request_t req = {0};
    req.url = url;
    req.headers = (const char *const *)t->opts.headers;
    req.n_headers = t->opts.n_headers;
    req.timeout_ms = t->opts.timeout_ms > 0 ? t->opts.timeout_ms : SCRAPE_MAX_WAIT_MS;
    req.skip_tls_verify = t->opts.skip_tls_verify;
    req.on_done = on_fetched;
    req.ud = t;
    memcpy(id_out, t->job.id, sizeof t->job.id);
    rc = fetcher_submit(engine_fetcher(e), &req);
    if (rc)
        finish_job(t, JOB_FAILED, rc);
out:
    if (rc)
        task_free(t);
    return rc;
}

void scrape_result_free(scrape_result_t *r)
{
    if (!r)
        return;
    json_decref(r->document);
    free(r->error_detail);
    free(r);
}

cinder_err scrape_lookup(engine_t *e, const char *team, const char *id, json_t **doc)
{
    store_job_t job;
    cinder_err rc = store_job_get(engine_store(e), id, &job);
    if (rc)
        return rc;
    bool is_scrape = job.kind == JOB_KIND_SCRAPE && !strcmp(job.team, team);
    store_job_cleanup(&job);
    if (!is_scrape)
        return CINDER_E_NOT_FOUND;
    char *text = NULL;
    size_t len = 0;
    rc = store_doc_get(engine_store(e), id, 0, &text, &len);
    if (rc)
        return rc;
    json_error_t jerr;
    *doc = json_loadb(text, len, 0, &jerr);
    free(text);
    return *doc ? CINDER_OK : CINDER_E_STORE;
}
