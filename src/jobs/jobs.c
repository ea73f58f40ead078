/*
 * The job model over the store and the crawler.
 *
 * Threads: called from API threads, the command line and the Trieve re-crawl thread. Nothing
 * here holds a lock of its own: the store serialises writes, the crawler guards its schedule, and
 * the processor table is read-only once the crawler runs. The per-job binding (webhook and
 * processor state) belongs to the crawler's job once bound, and is used from the workers (page
 * hooks, item events) and the scheduler (end event); it is never written after jobs_bind.
 */
#include "jobs/jobs.h"

#include "crawl/urlkey.h"
#include "jobs/wiring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/scrape.h"
#include "model/items.h"
#include "model/job.h"
#include "store/store_accounts.h"
#include "jobs/webhook_event.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/uuid.h"

#define MAX_PROCESSORS 8

struct jobs {
    store_t *st;
    crawler_t *crawler;
    int64_t ttl_ms;
    scrape_waiters_t *waiters;
    struct {
        const jobs_processor_t *p;
        void *ctx;
    } procs[MAX_PROCESSORS];
    size_t n_procs;
};

/* What a bound job carries: its webhook, and its processor with that processor's state. */
typedef struct {
    webhook_cfg_t webhook;
    bool batch;
    const jobs_processor_t *proc;
    void *proc_ud;
} binding_t;

cinder_err jobs_new(store_t *st, int64_t ttl_ms, jobs_t **out)
{
    jobs_t *js = xcalloc(1, sizeof *js);
    js->st = st;
    js->ttl_ms = ttl_ms;
    js->waiters = scrape_waiters_new();
    jobs_add_processor(js, &scrape_processor, js->waiters);
    *out = js;
    return CINDER_OK;
}

void jobs_free(jobs_t *js)
{
    if (!js)
        return;
    scrape_waiters_free(js->waiters);
    free(js);
}

struct scrape_waiters *jobs_scrape_waiters(jobs_t *js)
{
    return js->waiters;
}

void jobs_add_processor(jobs_t *js, const jobs_processor_t *p, void *ctx)
{
    if (js->n_procs == MAX_PROCESSORS)
        return;
    js->procs[js->n_procs].p = p;
    js->procs[js->n_procs++].ctx = ctx;
}

void jobs_attach(jobs_t *js, crawler_t *c)
{
    js->crawler = c;
}

bool jobs_crawl_depth_ok(const crawl_opts_t *o)
{
    return !o->url || o->max_depth < 0 || urlkey_depth(o->url) <= o->max_depth;
}

store_t *jobs_store(jobs_t *js)
{
    return js->st;
}

/* ---- hooks: what the crawler calls back for a bound job ------------------------------------ */

static void hook_page(page_ctx_t *p, void *ud)
{
    binding_t *b = ud;
    b->proc->page(p, b->proc_ud);
}

static bool hook_fetch_failed(page_ctx_t *p, void *ud)
{
    binding_t *b = ud;
    return b->proc->fetch_failed(p, b->proc_ud);
}

static void hook_document(json_t *doc, void *ud)
{
    binding_t *b = ud;
    b->proc->document(doc, b->proc_ud);
}

static void hook_committed(void *ud, const model_item_result_t *res, cinder_err rc)
{
    binding_t *b = ud;
    b->proc->committed(b->proc_ud, res, rc);
}

static store_event_t *hook_item_event(void *ud, const char *job_id, const char *url,
                                      const model_item_result_t *res)
{
    binding_t *b = ud;
    webhook_event_t *ev = webhook_event_item(&b->webhook, b->batch, job_id, url, res);
    return ev ? &ev->ev : NULL;
}

static store_event_t *hook_end_event(void *ud, const char *job_id)
{
    binding_t *b = ud;
    webhook_event_t *ev = webhook_event_end(&b->webhook, b->batch, job_id, JOB_COMPLETED, NULL);
    return ev ? &ev->ev : NULL;
}

/* ev is the first member of the webhook_event_t hook_item_event or hook_end_event made. */
static void hook_event_free(store_event_t *ev)
{
    webhook_event_free((webhook_event_t *)ev);
}

static void binding_free(void *ud)
{
    binding_t *b = ud;
    if (!b)
        return;
    if (b->proc && b->proc->job_free)
        b->proc->job_free(b->proc_ud);
    webhook_cfg_cleanup(&b->webhook);
    free(b);
}

/* The processor of job rec: the one of its kind, or the one its persisted options name; -1 for
 * the default document. */
static int find_processor(const jobs_t *js, const store_job_t *rec, json_t *opts)
{
    for (size_t i = 0; i < js->n_procs; i++) {
        const jobs_processor_t *p = js->procs[i].p;
        if (p->kind ? p->kind == rec->kind : json_is_object(json_object_get(opts, p->name)))
            return (int)i;
    }
    return -1;
}

cinder_err jobs_bind(void *jobs, const store_job_t *rec, json_t *opts, crawl_hooks_t *out)
{
    jobs_t *js = jobs;
    binding_t *b = xcalloc(1, sizeof *b);
    b->batch = rec->kind == JOB_KIND_BATCH;
    webhook_cfg_from_json(json_object_get(opts, "webhook"), &b->webhook);
    int k = find_processor(js, rec, opts);
    cinder_err rc = CINDER_OK;
    if (k >= 0) {
        b->proc = js->procs[k].p;
        rc = b->proc->job_new ? b->proc->job_new(js->procs[k].ctx, rec, opts, &b->proc_ud)
                              : CINDER_OK;
    }
    if (rc) {
        b->proc = NULL;
        binding_free(b);
        return rc;
    }
    *out = (crawl_hooks_t){
        .page = b->proc && b->proc->page ? hook_page : NULL,
        .fetch_failed = b->proc && b->proc->fetch_failed ? hook_fetch_failed : NULL,
        .document = b->proc && b->proc->document ? hook_document : NULL,
        .committed = b->proc && b->proc->committed ? hook_committed : NULL,
        .item_event = b->webhook.url ? hook_item_event : NULL,
        .end_event = b->webhook.url ? hook_end_event : NULL,
        .event_free = hook_event_free,
        .ud_free = binding_free,
        .ud = b,
    };
    return CINDER_OK;
}

/* ---- create ---------------------------------------------------------------------------------- */

/* Writes the record of a new job of o; it reserves a credit per page it may produce (the
 * crawl's limit, or the batch's n URLs) and carries the "started" event. */
static cinder_err create_record(jobs_t *js, job_kind kind, const crawl_opts_t *o, size_t n,
                                const char *id)
{
    store_job_t rec = {0};
    memcpy(rec.team, o->team, sizeof rec.team);
    rec.credits_reserved = o->batch ? (int64_t)n : o->limit;
    memcpy(rec.id, id, sizeof rec.id);
    rec.kind = kind;
    rec.status = JOB_RUNNING;
    rec.api_version = o->api_version;
    rec.created_ms = clock_wall_ms();
    rec.expires_ms = rec.created_ms + js->ttl_ms;
    rec.url = o->source_url ? o->source_url : o->url;
    json_t *jo = crawl_opts_to_json(o);
    rec.options = json_dumps(jo, JSON_COMPACT);
    json_decref(jo);
    webhook_event_t *ev =
        webhook_event_new(&o->webhook, WEBHOOK_STARTED, o->batch, rec.id, true, NULL, NULL);
    rec.event = ev ? &ev->ev : NULL;
    cinder_err rc = rec.options ? model_job_create(js->st, &rec) : CINDER_E_NOMEM;
    webhook_event_free(ev);
    free(rec.options);
    return rc;
}

static const char *kind_name(job_kind k)
{
    return k == JOB_KIND_BATCH ? "batch" : k == JOB_KIND_DISCOVER ? "discovery" : "crawl";
}

static job_kind kind_of(const crawl_opts_t *o)
{
    return o->batch ? JOB_KIND_BATCH : o->discover ? JOB_KIND_DISCOVER : JOB_KIND_CRAWL;
}

/* Creates the job id (of kind) of o with urls as its first items and schedules it. */
static cinder_err start(jobs_t *js, job_kind kind, const crawl_opts_t *o, const char *const *urls,
                        size_t n, const char *id, char *err, size_t errlen)
{
    size_t admitted = 0;
    cinder_err rc = crawler_check(o, err, errlen);
    if (!rc)
        rc = create_record(js, kind, o, n, id);
    if (rc)
        return rc;
    rc = crawler_seed(js->crawler, id, o, urls, n, o->batch ? -1 : o->limit, &admitted);
    if (!rc && o->batch && admitted < n) /* repeated URLs: their credits go back at once */
        rc = model_job_reserve(js->st, id, -(int64_t)(n - admitted), clock_wall_ms());
    if (!rc)
        rc = crawler_schedule(js->crawler, id, o->on_document, o->on_document_ud);
    if (!rc && kind == JOB_KIND_SCRAPE)
        log_debug("scrape %s started: %s", id, o->url);
    else if (!rc)
        log_info("%s %s started: %s (%zu URL(s), limit %lld)", kind_name(kind), id, o->url, n,
                 (long long)o->limit);
    return rc;
}

/* Starts a job of o under a new id, written to id_out. */
static cinder_err start_new(jobs_t *js, const crawl_opts_t *o, const char *const *urls, size_t n,
                            char *id_out, char *err, size_t errlen)
{
    char id[40];
    uuid_generate_v4(id);
    cinder_err rc = start(js, kind_of(o), o, urls, n, id, err, errlen);
    if (!rc)
        memcpy(id_out, id, sizeof id);
    return rc;
}

cinder_err jobs_start_scrape(jobs_t *js, const crawl_opts_t *o, const char *id, char *err,
                             size_t errlen)
{
    const char *seeds[1] = {o->url};
    return start(js, JOB_KIND_SCRAPE, o, seeds, 1, id, err, errlen);
}

cinder_err jobs_crawl_start(jobs_t *js, const crawl_opts_t *o, char *id_out, char *err,
                            size_t errlen)
{
    const char *seeds[1] = {o->url};
    if (o->batch)
        return CINDER_E_INVALID;
    return start_new(js, o, seeds, 1, id_out, err, errlen);
}

cinder_err jobs_batch_start(jobs_t *js, const crawl_opts_t *o, const char *const *urls, size_t n,
                            char *id_out, char *err, size_t errlen)
{
    if (!o->batch || n == 0)
        return CINDER_E_INVALID;
    return start_new(js, o, urls, n, id_out, err, errlen);
}

/* ---- read, append, cancel, retry ----------------------------------------------------------- */

cinder_err jobs_get(jobs_t *js, const char *team, const char *id, unsigned kinds, store_job_t *out)
{
    memset(out, 0, sizeof *out);
    if (!id || !uuid_is_valid(id))
        return CINDER_E_NOT_FOUND;
    cinder_err rc = store_job_get(js->st, id, out);
    if (rc)
        return rc;
    if ((team && strcmp(out->team, team) != 0) || !(kinds & JOBS_KIND(out->kind))) {
        store_job_cleanup(out);
        return CINDER_E_NOT_FOUND;
    }
    return CINDER_OK;
}

static bool is_open(const store_job_t *job)
{
    return job->status == JOB_QUEUED || job->status == JOB_RUNNING;
}

/* The state of team's batch id: CINDER_E_ALREADY_TERMINAL once it ended, errors as jobs_get. */
static cinder_err batch_state(jobs_t *js, const char *team, const char *id)
{
    store_job_t job;
    cinder_err rc = jobs_get(js, team, id, JOBS_KIND(JOB_KIND_BATCH), &job);
    if (!rc && !is_open(&job))
        rc = CINDER_E_ALREADY_TERMINAL;
    store_job_cleanup(&job);
    return rc;
}

cinder_err jobs_batch_append(jobs_t *js, const char *team, const char *id, const char *const *urls,
                             size_t n, size_t *added)
{
    *added = 0;
    cinder_err rc = batch_state(js, team, id);
    if (!rc)
        rc = model_job_reserve(js->st, id, (int64_t)n, clock_wall_ms());
    if (rc)
        return rc;
    rc = crawler_append(js->crawler, id, urls, n, added);
    if (!rc && *added == 0) /* nothing new: a duplicate list, or the batch ended meanwhile */
        rc = batch_state(js, team, id);
    int64_t unused = rc ? (int64_t)n : (int64_t)(n - *added); /* repeated or refused URLs */
    if (unused > 0 && model_job_reserve(js->st, id, -unused, clock_wall_ms()) != CINDER_OK)
        log_warn("batch %s: %lld unused credit(s) stay reserved until it ends", id,
                 (long long)unused);
    return rc;
}

/* Reads the webhook of job from its persisted options into w (zeroed by the caller). */
static void job_webhook(const store_job_t *job, webhook_cfg_t *w)
{
    json_error_t jerr;
    json_t *jo = job->options ? json_loads(job->options, 0, &jerr) : NULL;
    webhook_cfg_from_json(json_object_get(jo, "webhook"), w);
    json_decref(jo);
}

cinder_err jobs_cancel(jobs_t *js, const char *team, const char *id, unsigned kinds,
                       model_cancel_t *out)
{
    model_cancel_t local = {0};
    store_job_t job;
    cinder_err rc = jobs_get(js, team, id, kinds, &job);
    if (rc)
        return rc;
    if (!out)
        out = &local;
    webhook_cfg_t w = {0}; /* the event borrows its strings: kept until the cancel is written */
    job_webhook(&job, &w);
    webhook_event_t *ev =
        webhook_event_end(&w, job.kind == JOB_KIND_BATCH, job.id, JOB_CANCELLED, NULL);
    out->event = ev ? &ev->ev : NULL;
    rc = crawler_cancel(js->crawler, job.id, out);
    out->event = NULL;
    webhook_event_free(ev);
    webhook_cfg_cleanup(&w);
    store_job_cleanup(&job);
    return rc;
}

cinder_err jobs_delete(jobs_t *js, const char *team, const char *id)
{
    cinder_err rc = jobs_cancel(js, team, id, JOBS_ANY_KIND, NULL);
    if (rc && rc != CINDER_E_ALREADY_TERMINAL && rc != CINDER_E_EXPIRED)
        return rc;
    return model_job_delete(js->st, id);
}

cinder_err jobs_retry(jobs_t *js, const char *team, const char *id, int64_t *retried)
{
    store_job_t job;
    *retried = 0;
    cinder_err rc = jobs_get(js, team, id, JOBS_KIND(JOB_KIND_BATCH), &job);
    if (!rc)
        rc = crawler_retry(js->crawler, job.id, retried);
    store_job_cleanup(&job);
    return rc;
}
