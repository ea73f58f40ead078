/*
 * Trieve crawl requests: create, update, delete, status, and the re-crawl scheduler.
 *
 * Threads: API threads create, update and delete requests; the scheduler thread (one, started
 * by `cinder serve`) wakes every TICK_MS, records the final status of requests whose newest job
 * has ended and starts the re-crawls that are due. Every change of a request together with the
 * crawl it starts or cancels happens under one process-wide mutex (mu), so a delete never races
 * a re-crawl or an update of the same request (the store serialises the rest). Pages of a
 * deleted request that were in flight find their request gone and store no chunk (the store
 * checks it in the chunk transaction).
 */
#include "dialect/trieve/recrawl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialect/trieve/chunks.h"
#include "jobs/jobs.h"
#include "model/job.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/uuid.h"

#define TICK_MS     1000
#define DAY_MS      86400000LL
#define MIN_PERIOD  1000 /* a scaled interval never goes below a second */
#define SCALE_ENV   "CINDER_TRIEVE_INTERVAL_SCALE"
#define STATUS_SIZE 48

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

struct trieve_sched {
    jobs_t *e;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
};

static double interval_scale(void)
{
    const char *s = getenv(SCALE_ENV);
    char *end = NULL;
    double v = s ? strtod(s, &end) : 1.0;
    return s && (end == s || *end || !(v > 0.0) || v > 1.0) ? 1.0 : v;
}

int64_t trieve_interval_ms(const char *name)
{
    int64_t days = !name                      ? 0
                   : !strcmp(name, "daily")   ? 1
                   : !strcmp(name, "weekly")  ? 7
                   : !strcmp(name, "monthly") ? 30
                                              : 0;
    if (!days)
        return 0;
    int64_t ms = (int64_t)((double)(days * DAY_MS) * interval_scale());
    return ms < MIN_PERIOD ? MIN_PERIOD : ms;
}

void trieve_status_word(const store_job_t *j, char *out, size_t len)
{
    switch (j->status) {
    case JOB_QUEUED:
    case JOB_RUNNING:
        if (j->completed > 0)
            snprintf(out, len, "Processed %lld pages", (long long)j->completed);
        else
            snprintf(out, len, "Pending");
        return;
    case JOB_COMPLETED:
        snprintf(out, len, j->completed == 0 && j->failed > 0 ? "Failed" : "Completed");
        return;
    case JOB_CANCELLED:
        snprintf(out, len, "Cancelled");
        return;
    default:
        snprintf(out, len, "Failed");
    }
}

/* The request's status: the word kept once its newest job ended (or a re-crawl could not
 * start), else that job's word. */
static void request_status(jobs_t *e, const store_trieve_t *rec, char *out, size_t len)
{
    store_job_t job;
    if (rec->done && rec->status) {
        snprintf(out, len, "%s", rec->status);
        return;
    }
    if (store_job_get(jobs_store(e), rec->scrape_id, &job) == CINDER_OK) {
        trieve_status_word(&job, out, len);
        store_job_cleanup(&job);
        return;
    }
    snprintf(out, len, "%s", rec->status ? rec->status : "Failed");
}

/* Trieve's timestamps: UTC without a zone ("2025-08-25T10:00:00.000"). */
static json_t *naive_time(int64_t ms)
{
    char iso[40];
    clock_iso8601(ms, iso, sizeof iso);
    size_t n = strlen(iso);
    if (n && iso[n - 1] == 'Z')
        iso[n - 1] = '\0';
    return json_string(iso);
}

json_t *trieve_request_json(jobs_t *e, const store_trieve_t *rec)
{
    json_error_t jerr;
    json_t *opts = rec->options ? json_loads(rec->options, 0, &jerr) : NULL;
    if (!opts)
        opts = json_object();
    char status[STATUS_SIZE];
    request_status(e, rec, status, sizeof status);
    json_t *interval = json_object_get(opts, "interval");
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:O, s:o, s:s, s:s, s:o, s:i}", "id", rec->id,
                     "url", rec->url ? rec->url : "", "status", status, "crawl_type", "firecrawl",
                     "next_crawl_at", rec->interval_ms ? naive_time(rec->next_ms) : json_null(),
                     "interval", json_is_string(interval) ? interval : json_null(), "crawl_options",
                     opts, "scrape_id", rec->scrape_id, "dataset_id", rec->dataset, "created_at",
                     naive_time(rec->created_ms), "attempt_number", 0);
}

/* Starts a crawl of o for rec (team, dataset and id set) and points rec at it. Caller holds mu. */
static cinder_err start_crawl(jobs_t *e, store_trieve_t *rec, crawl_opts_t *o, char *err,
                              size_t errlen)
{
    snprintf(o->team, sizeof o->team, "%s", rec->team);
    if (o->chunks) {
        json_object_set_new(o->chunks, "team", json_string(rec->team));
        json_object_set_new(o->chunks, "dataset", json_string(rec->dataset));
        json_object_set_new(o->chunks, "requestId", json_string(rec->id));
    }
    char id[40];
    cinder_err rc = jobs_crawl_start(e, o, id, err, errlen);
    if (rc)
        return rc;
    json_t *jo = crawl_opts_to_json(o);
    free(rec->crawl);
    rec->crawl = json_dumps(jo, JSON_COMPACT);
    json_decref(jo);
    snprintf(rec->scrape_id, sizeof rec->scrape_id, "%s", id);
    rec->started_ms = clock_wall_ms();
    rec->next_ms = rec->interval_ms ? rec->started_ms + rec->interval_ms : 0;
    rec->done = false;
    free(rec->status);
    rec->status = NULL;
    return CINDER_OK;
}

/* Cancels job id when it still runs (a finished or vanished job is fine). */
static void cancel_quietly(jobs_t *e, const char *id)
{
    model_cancel_t c = {0};
    cinder_err rc = jobs_cancel(e, NULL, id, JOBS_ANY_KIND, &c);
    if (rc && rc != CINDER_E_ALREADY_TERMINAL && rc != CINDER_E_NOT_FOUND && rc != CINDER_E_EXPIRED)
        log_warn("crawl %s could not be cancelled: %s", id, cinder_strerror(rc));
}

/* Records rec (its crawl just started); cancels that crawl when the store refuses. */
static cinder_err save(jobs_t *e, const store_trieve_t *rec)
{
    cinder_err rc = store_trieve_put(jobs_store(e), rec);
    if (rc) {
        log_error("crawl request %s could not be stored; its crawl %s is cancelled", rec->id,
                  rec->scrape_id);
        cancel_quietly(e, rec->scrape_id);
    }
    return rc;
}

static void apply_spec(store_trieve_t *rec, const trieve_spec_t *spec)
{
    free(rec->url);
    free(rec->options);
    rec->url = xstrdup(spec->url);
    rec->options = json_dumps(spec->options, JSON_COMPACT);
    rec->interval_ms = spec->interval_ms;
}

cinder_err trieve_create(jobs_t *e, const trieve_spec_t *spec, crawl_opts_t *o, store_trieve_t *out,
                         char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    uuid_generate_v4(out->id);
    snprintf(out->team, sizeof out->team, "%s", spec->team);
    snprintf(out->dataset, sizeof out->dataset, "%s", spec->dataset);
    apply_spec(out, spec);
    out->created_ms = clock_wall_ms();
    pthread_mutex_lock(&mu);
    cinder_err rc = start_crawl(e, out, o, err, errlen);
    if (!rc)
        rc = save(e, out);
    pthread_mutex_unlock(&mu);
    if (rc)
        store_trieve_cleanup(out);
    return rc;
}

cinder_err trieve_update(jobs_t *e, const trieve_spec_t *spec, const char *id, crawl_opts_t *o,
                         store_trieve_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&mu);
    cinder_err rc = store_trieve_get(jobs_store(e), spec->team, spec->dataset, id, out);
    char old[40] = "";
    if (!rc) {
        snprintf(old, sizeof old, "%s", out->scrape_id);
        apply_spec(out, spec);
        rc = start_crawl(e, out, o, err, errlen);
    }
    if (!rc)
        rc = save(e, out);
    if (!rc)
        cancel_quietly(e, old);
    pthread_mutex_unlock(&mu);
    if (rc)
        store_trieve_cleanup(out);
    return rc;
}

cinder_err trieve_delete(jobs_t *e, const char *team, const char *dataset, const char *id)
{
    store_trieve_t rec;
    pthread_mutex_lock(&mu);
    cinder_err rc = store_trieve_get(jobs_store(e), team, dataset, id, &rec);
    if (!rc) {
        /* its newest job may still run and hold credits: settled by deleting it; the older ones
         * ended and settled before it started */
        cinder_err del = jobs_delete(e, NULL, rec.scrape_id);
        if (del && del != CINDER_E_NOT_FOUND)
            log_warn("crawl %s could not be deleted: %s", rec.scrape_id, cinder_strerror(del));
        rc = store_trieve_delete(jobs_store(e), team, dataset, rec.id);
        store_trieve_cleanup(&rec);
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

/* ---- scheduler ----------------------------------------------------------------------- */

/* Records the final word of rec's newest job once it has ended. */
static void settle(jobs_t *e, store_trieve_t *rec)
{
    store_job_t job;
    char word[STATUS_SIZE] = "Failed"; /* a vanished job */
    cinder_err rc = store_job_get(jobs_store(e), rec->scrape_id, &job);
    if (!rc) {
        bool running = job.status == JOB_QUEUED || job.status == JOB_RUNNING;
        trieve_status_word(&job, word, sizeof word);
        store_job_cleanup(&job);
        if (running)
            return;
    }
    if (store_trieve_done(jobs_store(e), rec->id, rec->scrape_id, word) == CINDER_OK)
        rec->done = true;
}

/* Starts the re-crawl of rec and records it, or records why it could not start (the period is
 * skipped). Caller holds mu. */
static void start_due(jobs_t *e, store_trieve_t *rec)
{
    crawl_opts_t o;
    crawl_opts_init(&o, 1);
    json_error_t jerr;
    json_t *jo = json_loads(rec->crawl, 0, &jerr);
    char err[512] = "";
    cinder_err rc = jo ? crawl_opts_from_json(jo, &o) : CINDER_E_STORE;
    if (!rc)
        rc = start_crawl(e, rec, &o, err, sizeof err);
    if (!rc && save(e, rec) == CINDER_OK)
        log_info("re-crawl of request %s started: crawl %s", rec->id, rec->scrape_id);
    if (rc) {
        log_warn("re-crawl of request %s not started: %s %s", rec->id, cinder_strerror(rc), err);
        rec->next_ms = clock_wall_ms() + rec->interval_ms;
        free(rec->status);
        rec->status = xstrdup("Failed");
        if (store_trieve_put(jobs_store(e), rec) != CINDER_OK)
            log_error("crawl request %s could not be updated", rec->id);
    }
    json_decref(jo);
    crawl_opts_cleanup(&o);
}

/* Starts the re-crawl of a request seen due, if it still is (re-read under mu: a PUT or a DELETE
 * may have come first). */
static void recrawl(jobs_t *e, const store_trieve_t *seen)
{
    store_trieve_t rec;
    pthread_mutex_lock(&mu);
    if (store_trieve_get(jobs_store(e), seen->team, seen->dataset, seen->id, &rec) == CINDER_OK) {
        if (rec.done && rec.interval_ms > 0 && rec.next_ms <= clock_wall_ms())
            start_due(e, &rec);
        store_trieve_cleanup(&rec);
    }
    pthread_mutex_unlock(&mu);
}

static void tick(jobs_t *e)
{
    store_trieve_t *recs = NULL;
    size_t n = 0;
    int64_t now = clock_wall_ms();
    if (store_trieve_open(jobs_store(e), now, &recs, &n) != CINDER_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!recs[i].done)
            settle(e, &recs[i]);
        if (recs[i].done && recs[i].interval_ms > 0 && recs[i].next_ms <= now)
            recrawl(e, &recs[i]);
    }
    store_trieve_free(recs, n);
}

static void *sched_main(void *ud)
{
    trieve_sched_t *s = ud;
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        pthread_mutex_unlock(&s->mu);
        tick(s->e);
        pthread_mutex_lock(&s->mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += TICK_MS / 1000;
        while (!s->stopping && pthread_cond_timedwait(&s->cv, &s->mu, &ts) == 0)
            ;
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

trieve_sched_t *trieve_sched_new(jobs_t *e)
{
    trieve_sched_t *s = xcalloc(1, sizeof *s);
    s->e = e;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->thread, NULL, sched_main, s) != 0) {
        log_error("the Trieve re-crawl scheduler could not start: recurring crawls will not run");
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        free(s);
        return NULL;
    }
    pthread_setname_np(s->thread, "cinder-trieve");
    double scale = interval_scale();
    if (scale != 1.0)
        log_warn("%s=%g: Trieve crawl intervals are scaled (for tests only)", SCALE_ENV, scale);
    return s;
}

void trieve_sched_free(trieve_sched_t *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
