/*
 * Scrape jobs: a one-item job on the crawler's scheduler, like every other job (host limits,
 * durability, credits), with a page processor of its own that builds the document with the
 * URL as the client sent it and the job id as its scrapeId, and a waiter that hands the outcome
 * to the request that is waiting for it.
 *
 * Threads: scrape_submit runs on an API thread: it registers the waiter, then creates and
 * schedules the job (binding takes the waiter out of the registry, under its mutex). The page
 * processor runs on a worker thread and records the document or the error in the job's state;
 * the crawler's scheduler thread calls committed once the outcome is in the store, and the
 * callback runs there (it only queues the reply). The job's state is then freed by the scheduler
 * when the job leaves it: if no outcome was committed by then (the server is stopping), the
 * callback runs with CINDER_E_SHUTDOWN. The crawler's mutex orders the worker's writes before
 * the scheduler's reads. After a restart a scrape job is resumed with no waiter: it runs to its
 * end, its document is readable and its credit settles.
 */
#include "jobs/scrape.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/processor.h"
#include "model/items.h"
#include "page/page.h"
#include "util/json_out.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/uuid.h"

/* A scrape without a timeout (v2's default) still ends: Firecrawl's API waits 180 s. */
#define SCRAPE_MAX_WAIT_MS 180000

/* A request waiting for the outcome of its scrape job. */
typedef struct waiter {
    struct waiter *next;
    char job_id[40];
    scrape_cb cb;
    void *ud;
} waiter_t;

struct scrape_waiters {
    pthread_mutex_t mu;
    waiter_t *head;
};

/* The state of one scheduled scrape job (the processor's per-job state). */
typedef struct {
    char job_id[40];
    waiter_t *waiter; /* NULL once fired, or for a resumed job */
    cinder_err err;   /* the outcome's error, recorded by the worker */
    char *detail;     /* its detail, or NULL */
    json_t *document; /* the document built, or NULL */
    long status;      /* target HTTP status */
    bool zdr;         /* zero data retention: the document is not stored */
} scrape_job_t;

scrape_waiters_t *scrape_waiters_new(void)
{
    scrape_waiters_t *w = xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    return w;
}

void scrape_waiters_free(scrape_waiters_t *w)
{
    if (!w)
        return;
    while (w->head) { /* never bound: their submit failed before scheduling */
        waiter_t *x = w->head;
        w->head = x->next;
        free(x);
    }
    pthread_mutex_destroy(&w->mu);
    free(w);
}

/* Takes the waiter of job_id out of the registry; NULL when there is none. */
static waiter_t *waiter_take(scrape_waiters_t *w, const char *job_id)
{
    pthread_mutex_lock(&w->mu);
    waiter_t **pp = &w->head;
    while (*pp && strcmp((*pp)->job_id, job_id) != 0)
        pp = &(*pp)->next;
    waiter_t *x = *pp;
    if (x)
        *pp = x->next;
    pthread_mutex_unlock(&w->mu);
    return x;
}

static void waiter_put(scrape_waiters_t *w, waiter_t *x)
{
    pthread_mutex_lock(&w->mu);
    x->next = w->head;
    w->head = x;
    pthread_mutex_unlock(&w->mu);
}

/* ---- the processor --------------------------------------------------------------------------- */

static cinder_err scrape_job_new(void *ctx, const store_job_t *rec, json_t *opts, void **ud)
{
    scrape_job_t *sj = xcalloc(1, sizeof *sj);
    memcpy(sj->job_id, rec->id, sizeof sj->job_id);
    sj->waiter = waiter_take(ctx, rec->id);
    sj->zdr =
        json_is_true(json_object_get(json_object_get(opts, "scrapeOptions"), "zeroDataRetention"));
    *ud = sj;
    return CINDER_OK;
}

/* Hands the outcome to the waiting request, once. */
static void fire(scrape_job_t *sj, cinder_err err)
{
    waiter_t *x = sj->waiter;
    if (!x)
        return;
    sj->waiter = NULL;
    scrape_result_t *r = xcalloc(1, sizeof *r);
    memcpy(r->job_id, sj->job_id, sizeof r->job_id);
    r->err = err;
    r->status = sj->status;
    r->error_detail = err ? sj->detail : NULL;
    sj->detail = err ? NULL : sj->detail;
    r->document = err ? NULL : sj->document;
    sj->document = err ? sj->document : NULL;
    x->cb(r, x->ud);
    free(x);
}

static void scrape_job_free(void *ud)
{
    scrape_job_t *sj = ud;
    if (!sj)
        return;
    fire(sj, CINDER_E_SHUTDOWN); /* no outcome was committed: the server is stopping */
    json_decref(sj->document);
    free(sj->detail);
    free(sj);
}

/* The debug line of a scrape's fetch. */
static void log_fetch(const scrape_job_t *sj, const page_ctx_t *p, const fetch_result_t *f)
{
    log_debug("scrape %s: %s -> %ld HTTP/%d %s %.1fms", sj->job_id, page_url(p), f->status,
              f->http_version, f->err ? cinder_err_name(f->err) : "ok", f->elapsed_ms);
}

static void scrape_page(page_ctx_t *p, void *ud)
{
    scrape_job_t *sj = ud;
    const fetch_result_t *f = page_fetched(p);
    log_fetch(sj, p, f);
    const crawl_opts_t *o = page_opts(p);
    json_t *doc = NULL;
    sj->status = f->status;
    sj->err =
        page_build(f, o->source_url ? o->source_url : page_url(p), &o->page, 0, sj->job_id, &doc);
    if (sj->err) {
        page_fail(p, sj->err, f->content_type);
        return;
    }
    sj->document = doc;
    page_succeed(p, sj->zdr ? NULL : json_out_compact(doc, NULL));
}

static bool scrape_fetch_failed(page_ctx_t *p, void *ud)
{
    scrape_job_t *sj = ud;
    const fetch_result_t *f = page_fetched(p);
    log_fetch(sj, p, f);
    sj->err = f->err;
    sj->status = f->status;
    sj->detail = f->error_detail ? xstrdup(f->error_detail) : NULL;
    return false; /* recorded as a failure by the crawler */
}

static void scrape_committed(void *ud, const model_item_result_t *res, cinder_err rc)
{
    scrape_job_t *sj = ud;
    if (rc)
        fire(sj, rc);
    else if (res->status == ITEM_SUCCEEDED)
        fire(sj, CINDER_OK);
    else
        fire(sj, sj->err ? sj->err : CINDER_E_FETCH);
}

const jobs_processor_t scrape_processor = {
    .kind = JOB_KIND_SCRAPE,
    .name = "scrape",
    .job_new = scrape_job_new,
    .job_free = scrape_job_free,
    .page = scrape_page,
    .fetch_failed = scrape_fetch_failed,
    .committed = scrape_committed,
};

/* ---- submit and read ------------------------------------------------------------------------ */

/* The crawl options of a scrape of url: one item, no discovery, no robots.txt, no retries. */
static void scrape_crawl_opts(const char *team, const char *url, const char *source_url,
                              const scrape_opts_t *opts, crawl_opts_t *o)
{
    crawl_opts_init(o, opts->api_version);
    scrape_opts_cleanup(&o->page);
    scrape_opts_copy(&o->page, opts);
    if (o->page.timeout_ms <= 0)
        o->page.timeout_ms = SCRAPE_MAX_WAIT_MS;
    o->url = xstrdup(url);
    o->source_url = xstrdup(source_url ? source_url : url);
    o->batch = true;
    o->limit = -1;
    o->ignore_robots = true;
    o->interactive = true;
    o->sitemap = CRAWL_SITEMAP_SKIP;
    o->dedupe_similar = false;
    o->max_concurrency = 1;
    snprintf(o->team, sizeof o->team, "%s", team ? team : "");
}

cinder_err scrape_submit(jobs_t *js, const char *team, const char *url, const char *source_url,
                         const scrape_opts_t *opts, scrape_cb cb, void *ud, char *id_out)
{
    crawl_opts_t o;
    scrape_crawl_opts(team, url, source_url, opts, &o);
    waiter_t *x = xcalloc(1, sizeof *x);
    x->cb = cb;
    x->ud = ud;
    char err[256] = "", id[40];
    uuid_generate_v4(id);
    memcpy(x->job_id, id, sizeof id);
    waiter_put(jobs_scrape_waiters(js), x); /* from here on x may fire and be freed at once */
    cinder_err rc = jobs_start_scrape(js, &o, id, err, sizeof err);
    if (rc) /* the job was never scheduled: its waiter is still registered */
        free(waiter_take(jobs_scrape_waiters(js), id));
    else
        memcpy(id_out, id, sizeof id);
    crawl_opts_cleanup(&o);
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

cinder_err scrape_lookup(jobs_t *js, const char *team, const char *id, json_t **doc)
{
    store_job_t job;
    cinder_err rc = jobs_get(js, team, id, JOBS_KIND(JOB_KIND_SCRAPE), &job);
    bool zdr = !rc && job.options && strstr(job.options, "\"zeroDataRetention\":true");
    store_job_cleanup(&job);
    if (rc || zdr)
        return rc ? rc : CINDER_E_NOT_FOUND;
    char *text = NULL;
    size_t len = 0;
    rc = store_doc_get(jobs_store(js), id, 0, &text, &len);
    if (rc)
        return rc;
    json_error_t jerr;
    *doc = json_loadb(text, len, 0, &jerr);
    free(text);
    return *doc ? CINDER_OK : CINDER_E_STORE;
}
