/*
 * The crawl scheduler.
 *
 * Threads: one scheduler thread owns the list of running crawls. Under the crawler mutex it
 * claims due items from the store and submits their fetches; fetch callbacks (fetch thread) hand
 * pages to the worker pool; workers build each page's outcome and queue it on the done list
 * (mutex) and signal. The scheduler commits all queued outcomes in one store transaction (group
 * commit), then schedules again. No store I/O runs under the crawler mutex: the scheduler
 * releases it while it commits, claims and asks whether idle crawls are done (it alone starts
 * pages and frees crawls, so what it looked at stays put). crawler_cancel marks the crawl
 * cancelled under the mutex before it writes the cancel, and every fetch starts under the mutex
 * after checking that mark, so once it returns no new fetch of that crawl can start (it waits
 * for a claim in progress to become pages, so that every claimed, unstarted page is cancelled
 * and refunded with the cancel); a crawl
 * being cancelled is not freed until its cancel is written. A crawl's cjob_t is freed only by
 * the scheduler and only when none of its pages is in flight.
 *
 * Job kinds: the crawler knows none. Each scheduled job carries the hooks its kind supplies
 * (crawl_hooks_t, bound by jobs/ when the job is scheduled or resumed): a page processor run on
 * the workers, and the outbox events written in the same transactions as what they report (each
 * page's with its outcome, the final one with the job's completion). Jobs are created by jobs/;
 * the crawler seeds and schedules them, and resumes from the store alone after a restart.
 *
 * Exactness: the store admits items only while the crawl has admitted fewer than `limit`, and
 * only admitted items are ever fetched, so a crawl never fetches or stores more than `limit`
 * pages whatever the concurrency.
 */
#include "crawl/crawler_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/items.h"
#include "model/job.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strv.h"

#define DEFAULT_CONCURRENCY     8
#define MAX_CONCURRENCY         256
#define DEFAULT_PAGE_TIMEOUT_MS 60000
#define IDLE_WAIT_MS            100
#define GROUP_MIN               8    /* outcomes worth a transaction of their own */
#define GROUP_WINDOW_MS         1    /* how long a small group may wait for company */
#define INTERACTIVE_HOST_CAP    256  /* fetches in flight to one host for jobs a client waits on */
#define KNOWN_KEYS              4096 /* keys per crawl remembered as held by the store */

static int concurrency(const cjob_t *j)
{
    if (j->opts.delay_ms > 0)
        return 1;
    int n = j->opts.max_concurrency > 0 ? j->opts.max_concurrency : DEFAULT_CONCURRENCY;
    return n > MAX_CONCURRENCY ? MAX_CONCURRENCY : n;
}

static cinder_err make_scope(cjob_t *j, char *err, size_t errlen)
{
    scope_config_t sc = {j->opts.url,
                         (const char *const *)j->opts.include,
                         j->opts.n_include,
                         (const char *const *)j->opts.exclude,
                         j->opts.n_exclude,
                         j->opts.regex_on_full_url,
                         j->opts.crawl_entire_domain,
                         j->opts.allow_subdomains,
                         j->opts.allow_external_links,
                         j->opts.max_depth,
                         j->opts.max_discovery_depth};
    j->kopts.dedupe_similar = j->opts.dedupe_similar;
    j->kopts.ignore_query = j->opts.ignore_query;
    return scope_new(&sc, &j->scope, err, errlen);
}

static void cjob_free(cjob_t *j)
{
    if (!j)
        return;
    while (j->held) { /* only at shutdown: the store still lists them as running */
        page_t *p = j->held;
        j->held = p->next;
        crawl_page_free(p);
    }
    scope_free(j->scope);
    known_free(j->known);
    crawl_hosts_free(j);
    if (j->hooks.ud_free)
        j->hooks.ud_free(j->hooks.ud);
    crawl_opts_cleanup(&j->opts);
    free(j);
}

/* ---- per-page fetch ---------------------------------------------------- */

static void on_fetched(fetch_result_t *res, void *ud)
{
    page_t *p = ud;
    p->fres = res;
    if (p->gated) {
        hostgate_release(p->gated, p->item.url);
        p->gated = NULL;
    }
    if (pool_submit(p->c->pool, crawl_page_process, p) != CINDER_OK)
        crawl_page_process(p);
}

void crawl_page_skip(crawler_t *c, page_t *p, const char *reason)
{
    p->res.seq = p->item.seq;
    p->res.status = ITEM_SKIPPED;
    p->res.reason = reason;
    p->next = c->done;
    c->done = p;
}

void crawl_page_cancelled(crawler_t *c, page_t *p)
{
    crawl_page_skip(c, p, "cancelled");
    p->res.status = ITEM_CANCELLED;
}

static void hold(cjob_t *j, page_t *p)
{
    p->next = NULL;
    if (j->held_tail)
        j->held_tail->next = p;
    else
        j->held = p;
    j->held_tail = p;
}

/* Starts the held pages whose hosts have a free slot again. Caller holds c->mu. */
static void release_held(crawler_t *c, cjob_t *j)
{
    page_t *p = j->held;
    j->held = j->held_tail = NULL;
    while (p) {
        page_t *next = p->next;
        if (j->cancelled)
            crawl_page_cancelled(c, p);
        else
            crawl_fetch_page(c, p);
        p = next;
    }
}

/* The gate j's fetches go through: jobs a client waits on have their own. */
static hostgate_t *gate_of(crawler_t *c, const cjob_t *j)
{
    return j->opts.interactive ? c->interactive_gate : c->gate;
}

void crawl_fetch_page(crawler_t *c, page_t *p)
{
    cjob_t *j = p->job;
    hostgate_t *gate = gate_of(c, j);
    if (!hostgate_acquire(gate, p->item.url, clock_mono_ms())) {
        hold(j, p);
        return;
    }
    p->gated = gate;
    fetch_request_t req = {0};
    req.url = p->item.url;
    req.headers = (const char *const *)j->opts.page.headers;
    req.n_headers = j->opts.page.n_headers;
    req.timeout_ms =
        j->opts.page.timeout_ms > 0 ? j->opts.page.timeout_ms : DEFAULT_PAGE_TIMEOUT_MS;
    req.skip_tls_verify = j->opts.page.skip_tls_verify;
    req.on_done = on_fetched;
    req.ud = p;
    cinder_err rc = fetcher_submit(c->fetcher, &req);
    if (rc) { /* recorded as failed (or retried after a shutdown) without the pool */
        hostgate_release(gate, p->item.url);
        p->gated = NULL;
        p->fres = xcalloc(1, sizeof *p->fres);
        p->fres->err = rc == CINDER_E_BUSY ? CINDER_E_SHUTDOWN : rc;
        buf_init(&p->fres->body, 0);
        crawl_page_outcome(p);
        p->next = c->done;
        c->done = p;
    }
}

/* True once the crawl's deadline has passed: no page fetch may start any more. */
static bool past_deadline(const cjob_t *j)
{
    return j->opts.deadline_ms > 0 && clock_wall_ms() >= j->opts.deadline_ms;
}

/* The items j may claim now. Caller holds c->mu. */
static int free_slots(const cjob_t *j, int64_t now)
{
    if (j->cancelled || now < j->next_start_ms)
        return 0;
    return concurrency(j) - j->running;
}

/* Starts the pages of items[0..n), claimed for j: their fetches, or at once their outcome when
 * the crawl was cancelled or its deadline passed while they were claimed. Caller holds c->mu. */
static void start_claimed(crawler_t *c, cjob_t *j, store_item_t *items, size_t n, int64_t now)
{
    bool late = past_deadline(j);
    for (size_t i = 0; i < n; i++) {
        page_t *p = xcalloc(1, sizeof *p);
        p->ctx.ops = &crawl_page_ops;
        p->c = c;
        p->job = j;
        p->item = items[i];
        j->running++;
        c->inflight++;
        if (j->cancelled)
            crawl_page_cancelled(c, p);
        else if (late)
            crawl_page_skip(c, p, "deadline");
        else
            crawl_robots_route(c, j, p);
    }
    if (n && j->opts.delay_ms > 0)
        j->next_start_ms = now + j->opts.delay_ms;
}

/* A job's claim of one scheduler turn. */
typedef struct {
    cjob_t *j;
    int slots;
    store_item_t *items;
    size_t n;
} claim_t;

/* Claims due items of every job with free slots and starts their fetches. Caller holds c->mu;
 * it is released while the store claims (only the scheduler thread claims, starts pages and
 * frees jobs, so the jobs and their free slots stay as they were). */
static void dispatch(crawler_t *c, int64_t now)
{
    size_t n = 0, cap = 0;
    claim_t *cl = NULL;
    for (cjob_t *j = c->jobs; j; j = j->next) {
        int slots = free_slots(j, now);
        if (slots <= 0)
            continue;
        if (n == cap)
            cl = xrealloc(cl, (cap = cap ? cap * 2 : 8) * sizeof *cl);
        cl[n++] = (claim_t){j, slots, NULL, 0};
    }
    if (!n)
        return;
    c->claiming = true;
    pthread_mutex_unlock(&c->mu);
    for (size_t i = 0; i < n; i++) {
        cl[i].items = xcalloc((size_t)cl[i].slots, sizeof *cl[i].items);
        if (model_items_claim(c->st, cl[i].j->id, (size_t)cl[i].slots, clock_wall_ms(), cl[i].items,
                              &cl[i].n) != CINDER_OK)
            cl[i].n = 0;
    }
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < n; i++) {
        start_claimed(c, cl[i].j, cl[i].items, cl[i].n, now);
        free(cl[i].items);
    }
    c->claiming = false;
    pthread_cond_broadcast(&c->claimed);
    free(cl);
}

/* ---- group commit -------------------------------------------------------- */

/* Commits the outcomes of one crawl's pages in one transaction. */
static void commit_job_pages(crawler_t *c, cjob_t *j, page_t **pages, size_t n)
{
    model_item_result_t *res = xcalloc(n, sizeof *res);
    for (size_t i = 0; i < n; i++)
        res[i] = pages[i]->res;
    cinder_err rc = model_items_finish(c->st, j->id, res, n, j->opts.limit, clock_wall_ms());
    if (rc == CINDER_E_NOT_FOUND) /* deleted (Trieve DELETE) while these pages were in flight */
        log_debug("crawl %s: %zu page outcome(s) dropped: the job was deleted", j->id, n);
    else if (rc)
        log_error("crawl %s: could not record %zu page outcome(s)", j->id, n);
    for (size_t i = 0; i < n && j->hooks.committed; i++)
        if (res[i].status != ITEM_PENDING)
            j->hooks.committed(j->hooks.ud, &res[i], rc);
    for (size_t i = 0; i < n && rc == CINDER_OK; i++)
        for (size_t k = 0; k < pages[i]->n_found; k++)
            if (pages[i]->found_held[k])
                known_add(j->known, pages[i]->found[k].key);
    free(res);
}

/* Commits everything on the done list (taken by the caller), grouped by crawl. */
static void commit_done(crawler_t *c, page_t *done)
{
    size_t cap = 64, n;
    page_t **batch = xmalloc(cap * sizeof *batch);
    while (done) {
        cjob_t *j = done->job;
        n = 0;
        for (page_t **pp = &done; *pp;) {
            page_t *p = *pp;
            if (p->job != j) {
                pp = &p->next;
                continue;
            }
            *pp = p->next;
            if (n == cap)
                batch = xrealloc(batch, (cap *= 2) * sizeof *batch);
            batch[n++] = p;
        }
        commit_job_pages(c, j, batch, n);
        pthread_mutex_lock(&c->mu);
        j->running -= (int)n;
        c->inflight -= (int)n;
        pthread_mutex_unlock(&c->mu);
        for (size_t i = 0; i < n; i++)
            crawl_page_free(batch[i]);
    }
    free(batch);
}

/* ---- completion ---------------------------------------------------------- */

/* True when an idle, uncancelled crawl has nothing outstanding; then records it completed.
 * Store I/O: called without c->mu. */
static bool finish_if_done(crawler_t *c, cjob_t *j)
{
    store_job_t job;
    if (store_job_get(c->st, j->id, &job) != CINDER_OK)
        return true; /* gone or expired: stop scheduling it */
    bool terminal = job.status != JOB_QUEUED && job.status != JOB_RUNNING;
    int64_t outstanding = job.admitted - job.completed - job.failed - job.cancelled;
    if (!terminal && outstanding <= 0) {
        job.status = JOB_COMPLETED;
        job.finished_ms = clock_wall_ms();
        store_event_t *ev = j->hooks.end_event ? j->hooks.end_event(j->hooks.ud, j->id) : NULL;
        job.event = ev;
        cinder_err rc = model_job_finish(c->st, &job);
        if (ev && j->hooks.event_free)
            j->hooks.event_free(ev);
        if (rc == CINDER_OK && !j->opts.interactive)
            log_info("crawl %s completed: %lld documents, %lld failed", j->id,
                     (long long)job.completed, (long long)job.failed);
        terminal = rc != CINDER_E_AGAIN; /* AGAIN: items were re-queued meanwhile (a retry) */
    }
    store_job_cleanup(&job);
    return terminal;
}

/* True when nothing of j is in flight (pages, sitemaps, robots.txt: their callbacks point at
 * the crawl) and no cancel of it is being written. Caller holds c->mu. */
static bool idle(const cjob_t *j)
{
    return j->running == 0 && j->sitemaps_pending == 0 && !crawl_robots_fetching(j) &&
           j->cancelling == 0;
}

/* True when j has read its start (sitemaps) and may be done once idle. */
static bool kickoff_done(const cjob_t *j)
{
    return j->opts.sitemap == CRAWL_SITEMAP_SKIP || j->kickoff_started || past_deadline(j);
}

/* Drops crawls that are finished or cancelled and idle. Caller holds c->mu; it is released
 * while the store is asked which idle crawls are done (only the scheduler starts work for a
 * crawl or frees it, so an idle crawl stays idle unless a cancel begins, which is looked at
 * again before freeing). */
static void reap(crawler_t *c)
{
    size_t n = 0, cap = 0;
    cjob_t **done = NULL;
    for (cjob_t *j = c->jobs; j; j = j->next) {
        j->reapable = idle(j) && (j->cancelled || kickoff_done(j));
        if (j->reapable && !j->cancelled) {
            if (n == cap)
                done = xrealloc(done, (cap = cap ? cap * 2 : 8) * sizeof *done);
            done[n++] = j;
        }
    }
    if (n) {
        pthread_mutex_unlock(&c->mu);
        for (size_t i = 0; i < n; i++)
            done[i]->reapable = finish_if_done(c, done[i]);
        pthread_mutex_lock(&c->mu);
    }
    free(done);
    for (cjob_t **jp = &c->jobs; *jp;) {
        cjob_t *j = *jp;
        if (j->reapable && idle(j)) {
            *jp = j->next;
            cjob_free(j);
            continue;
        }
        jp = &j->next;
    }
}

static void wait_a_little(crawler_t *c)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += IDLE_WAIT_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&c->cv, &c->mu, &ts);
}

/* Group commit: when a turn just committed and only a few outcomes are waiting, let more gather
 * for a moment, so each transaction carries more pages (fewer commits, fewer claims); not when a
 * client waits on one of them (a sync scrape). Caller holds c->mu; it is released while
 * waiting. */
static void gather(crawler_t *c, int64_t last_commit_ms)
{
    int n = 0;
    bool waited_on = false; /* a client waits on one of them: commit at once */
    for (page_t *p = c->done; p && n < GROUP_MIN; p = p->next, n++)
        waited_on |= p->job->opts.interactive;
    if (n == 0 || n >= GROUP_MIN || waited_on || c->sitemap_done ||
        clock_mono_ms() - last_commit_ms >= GROUP_WINDOW_MS)
        return;
    pthread_mutex_unlock(&c->mu);
    struct timespec ts = {0, GROUP_WINDOW_MS * 1000000L};
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&c->mu);
}

static void *scheduler_main(void *arg)
{
    crawler_t *c = arg;
    int64_t last_commit = 0;
    pthread_mutex_lock(&c->mu);
    while (!c->stopping) {
        gather(c, last_commit);
        /* one turn does everything that is due, so a stream of sitemap batches or outcomes
         * never starves dispatching */
        bool worked = c->sitemap_done || c->done;
        if (c->sitemap_done)
            crawl_sitemaps_commit(c);
        page_t *done = c->done;
        c->done = NULL;
        if (done) {
            pthread_mutex_unlock(&c->mu);
            commit_done(c, done);
            pthread_mutex_lock(&c->mu);
            last_commit = clock_mono_ms();
        }
        int64_t now = clock_mono_ms();
        for (cjob_t *j = c->jobs; j; j = j->next) {
            crawl_robots_tick(c, j, now);
            release_held(c, j);
            crawl_sitemaps_kickoff(c, j);
        }
        dispatch(c, now);
        reap(c);
        if (!worked)
            wait_a_little(c);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

void crawl_page_done(page_t *p)
{
    crawler_t *c = p->c;
    pthread_mutex_lock(&c->mu);
    p->next = c->done;
    c->done = p;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* ---- jobs ---------------------------------------------------------------- */

static cjob_t *resume_one(crawler_t *c, const char *id);

/* The scheduled job id, or NULL. Caller holds c->mu. */
static cjob_t *find_job(crawler_t *c, const char *id)
{
    cjob_t *j = c->jobs;
    while (j && strcmp(j->id, id) != 0)
        j = j->next;
    return j;
}

/* Offers urls[0..n) to job id's frontier under limit, keyed with kopts; *admitted (may be
 * NULL) receives how many were new. */
static cinder_err seed(crawler_t *c, const char *id, const urlkey_opts_t *kopts,
                       const char *const *urls, size_t n, int64_t limit, size_t *admitted)
{
    model_item_new_t *items = xcalloc(n ? n : 1, sizeof *items);
    char **keys = xcalloc(n ? n : 1, sizeof *keys);
    buf_t key;
    buf_init(&key, 16384);
    size_t k = 0;
    cinder_err rc = CINDER_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        buf_reset(&key);
        rc = urlkey_make(urls[i], kopts, &key);
        if (!rc) {
            keys[k] = buf_steal(&key);
            items[k] = (model_item_new_t){urls[i], keys[k], 0, NULL};
            k++;
        }
    }
    if (!rc)
        rc = model_items_add(c->st, id, items, k, limit, clock_wall_ms(), admitted);
    for (size_t i = 0; i < k; i++)
        free(keys[i]);
    free(keys);
    free(items);
    buf_cleanup(&key);
    return rc;
}

cinder_err crawler_check(const crawl_opts_t *o, char *err, size_t errlen)
{
    cjob_t j = {.opts = *o};
    cinder_err rc = make_scope(&j, err, errlen);
    scope_free(j.scope);
    return rc;
}

cinder_err crawler_seed(crawler_t *c, const char *id, const crawl_opts_t *o,
                        const char *const *urls, size_t n, int64_t limit, size_t *admitted)
{
    urlkey_opts_t kopts = {.dedupe_similar = o->dedupe_similar, .ignore_query = o->ignore_query};
    return seed(c, id, &kopts, urls, n, limit, admitted);
}

/* Links a loaded job into the scheduler and wakes it; false once the crawler is stopping. */
static bool link_job(crawler_t *c, cjob_t *j)
{
    pthread_mutex_lock(&c->mu);
    bool open = !c->stopping;
    if (open) {
        j->next = c->jobs;
        c->jobs = j;
        pthread_cond_signal(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return open;
}

cinder_err crawler_schedule(crawler_t *c, const char *id, void (*on_document)(json_t *, void *),
                            void *ud)
{
    cjob_t *j = resume_one(c, id);
    if (!j)
        return CINDER_E_STORE;
    j->opts.on_document = on_document;
    j->opts.on_document_ud = ud;
    if (link_job(c, j)) /* from here on the scheduler may finish and free j at once */
        return CINDER_OK;
    cjob_free(j); /* stopping: the job stays in the store and is resumed after a restart */
    return CINDER_E_SHUTDOWN;
}

cinder_err crawler_append(crawler_t *c, const char *id, const char *const *urls, size_t n,
                          size_t *added)
{
    urlkey_opts_t kopts = {0};
    pthread_mutex_lock(&c->mu);
    cjob_t *j = find_job(c, id);
    bool open = j && j->opts.batch && !j->cancelled;
    if (open)
        kopts = j->kopts;
    pthread_mutex_unlock(&c->mu);
    *added = 0;
    cinder_err rc = open ? seed(c, id, &kopts, urls, n, -1, added) : CINDER_E_ALREADY_TERMINAL;
    pthread_mutex_lock(&c->mu);
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

/* Writes the item numbers of j's claimed pages whose fetch has not started (held for a host
 * slot or parked for robots.txt) into seqs when it is not NULL; returns how many there are.
 * Caller holds c->mu. */
static size_t unstarted_seqs(const cjob_t *j, int64_t *seqs)
{
    size_t n = 0;
    for (const page_t *p = j->held; p; p = p->next, n++)
        if (seqs)
            seqs[n] = p->item.seq;
    for (const host_t *h = j->hosts; h; h = h->next)
        for (const page_t *p = h->parked; p; p = p->next, n++)
            if (seqs)
                seqs[n] = p->item.seq;
    return n;
}

/* Marks scheduled job id cancelled (no fetch of it starts from now on) and kept (not freed
 * until end_cancel); returns it, or NULL, with the items of its unstarted pages in
 * out->unstarted (heap; the caller frees it). */
static cjob_t *begin_cancel(crawler_t *c, const char *id, model_cancel_t *out, bool *was)
{
    pthread_mutex_lock(&c->mu);
    while (c->claiming) /* items claimed just now become pages first: then they are counted */
        pthread_cond_wait(&c->claimed, &c->mu);
    cjob_t *j = find_job(c, id);
    int64_t *unstarted = NULL;
    out->n_unstarted = j ? unstarted_seqs(j, NULL) : 0;
    if (out->n_unstarted) {
        unstarted = xcalloc(out->n_unstarted, sizeof *unstarted);
        unstarted_seqs(j, unstarted);
    }
    out->unstarted = unstarted;
    *was = j && j->cancelled;
    if (j) {
        j->cancelled = true;
        j->cancelling++;
    }
    pthread_mutex_unlock(&c->mu);
    return j;
}

/* Lets go of j after its cancel was written with outcome rc: when the store could not write it
 * (the job still runs there), j runs on. */
static void end_cancel(crawler_t *c, cjob_t *j, bool was, cinder_err rc)
{
    pthread_mutex_lock(&c->mu);
    if (j) {
        j->cancelling--;
        if (rc && rc != CINDER_E_ALREADY_TERMINAL && rc != CINDER_E_NOT_FOUND &&
            rc != CINDER_E_EXPIRED && !was) {
            log_error("crawl %s: the cancel could not be recorded; the crawl goes on", j->id);
            j->cancelled = false;
        }
    }
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

cinder_err crawler_cancel(crawler_t *c, const char *id, model_cancel_t *out)
{
    model_cancel_t local = {0};
    if (!out)
        out = &local;
    bool was = false;
    cjob_t *j = begin_cancel(c, id, out, &was);
    cinder_err rc = model_job_cancel(c->st, id, clock_wall_ms(), out);
    free((int64_t *)out->unstarted);
    out->unstarted = NULL;
    out->n_unstarted = 0;
    end_cancel(c, j, was, rc);
    return rc;
}

/* Links j into the scheduler unless a job with its id is scheduled already or the crawler is
 * stopping; frees it then. */
static void link_unless_scheduled(crawler_t *c, cjob_t *j)
{
    pthread_mutex_lock(&c->mu);
    bool link = !c->stopping && !find_job(c, j->id);
    if (link) {
        j->next = c->jobs;
        c->jobs = j;
        pthread_cond_signal(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    if (!link)
        cjob_free(j);
}

cinder_err crawler_retry(crawler_t *c, const char *id, int64_t *retried)
{
    cinder_err rc = model_items_retry(c->st, id, clock_wall_ms(), retried);
    if (rc || *retried == 0)
        return rc;
    pthread_mutex_lock(&c->mu);
    bool scheduled = find_job(c, id) != NULL; /* it will claim the re-queued items */
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    cjob_t *j = scheduled ? NULL : resume_one(c, id); /* it had ended: schedule it again */
    if (j)
        link_unless_scheduled(c, j);
    return rc;
}

/* Loads one running crawl from the store. */
/* Ends job rec, which cannot run (its options are unreadable, or its kind refuses them), as
 * failed with its unused credits given back, instead of leaving it running forever. */
static void fail_unrunnable(crawler_t *c, store_job_t *rec)
{
    rec->status = JOB_FAILED;
    rec->finished_ms = clock_wall_ms();
    free(rec->error);
    free(rec->error_code);
    rec->error = xstrdup("the job could not be run: its stored options are not readable");
    rec->error_code = xstrdup(cinder_err_name(CINDER_E_STORE));
    rec->event = NULL;
    if (model_job_finish(c->st, rec) == CINDER_OK)
        log_error("job %s cannot run (options unreadable): recorded as failed", rec->id);
}

static cjob_t *resume_one(crawler_t *c, const char *id)
{
    store_job_t rec;
    if (store_job_get(c->st, id, &rec) != CINDER_OK)
        return NULL;
    json_error_t jerr;
    json_t *jo = rec.options ? json_loads(rec.options, 0, &jerr) : NULL;
    cjob_t *j = xcalloc(1, sizeof *j);
    memcpy(j->id, rec.id, sizeof j->id);
    j->known = known_new(KNOWN_KEYS);
    crawl_opts_init(&j->opts, rec.api_version);
    cinder_err rc = jo ? crawl_opts_from_json(jo, &j->opts) : CINDER_E_STORE;
    if (!rc)
        rc = make_scope(j, NULL, 0);
    if (!rc && c->bind)
        rc = c->bind(c->bind_ctx, &rec, jo, &j->hooks);
    json_decref(jo);
    if (rc)
        fail_unrunnable(c, &rec);
    store_job_cleanup(&rec);
    if (rc) {
        cjob_free(j);
        return NULL;
    }
    return j;
}

/* Loads the running jobs of a kind from the store; returns how many. */
static size_t resume_kind(crawler_t *c, job_kind kind)
{
    char **ids = NULL;
    size_t n = 0;
    if (store_jobs_active(c->st, kind, &ids, &n) != CINDER_OK)
        return 0;
    for (size_t i = 0; i < n; i++) {
        cjob_t *j = resume_one(c, ids[i]);
        if (!j)
            continue;
        j->next = c->jobs;
        c->jobs = j;
    }
    store_docs_free(ids, n);
    return n;
}

static void resume_all(crawler_t *c)
{
    int64_t reset = 0;
    if (model_items_recover(c->st, &reset) != CINDER_OK)
        return;
    size_t crawls = resume_kind(c, JOB_KIND_CRAWL), batches = resume_kind(c, JOB_KIND_BATCH);
    size_t discoveries = resume_kind(c, JOB_KIND_DISCOVER);
    size_t scrapes = resume_kind(c, JOB_KIND_SCRAPE);
    if (crawls + batches + discoveries + scrapes)
        log_info("resumed %zu crawl(s), %zu batch scrape(s), %zu discovery job(s) and %zu "
                 "scrape(s); %lld page(s) that were in flight will be fetched again",
                 crawls, batches, discoveries, scrapes, (long long)reset);
}

cinder_err crawler_new(store_t *st, fetcher_t *f, pool_t *pool, int host_connections,
                       crawl_bind_fn bind, void *ctx, crawler_t **out)
{
    crawler_t *c = xcalloc(1, sizeof *c);
    c->gate = hostgate_new(host_connections > 0 ? host_connections : HOSTGATE_DEFAULT_CAP);
    c->interactive_gate = hostgate_new(INTERACTIVE_HOST_CAP);
    c->st = st;
    c->fetcher = f;
    c->pool = pool;
    c->bind = bind;
    c->bind_ctx = ctx;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    pthread_cond_init(&c->claimed, NULL);
    resume_all(c);
    c->started = pthread_create(&c->thread, NULL, scheduler_main, c) == 0;
    if (c->started)
        pthread_setname_np(c->thread, "cinder-sched");
    if (!c->started) {
        crawler_free(c);
        return CINDER_E_NOMEM;
    }
    *out = c;
    return CINDER_OK;
}

void crawler_stop(crawler_t *c)
{
    if (!c || c->stopping)
        return;
    pthread_mutex_lock(&c->mu);
    c->stopping = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (c->started)
        pthread_join(c->thread, NULL);
}

void crawler_settle(crawler_t *c)
{
    if (!c)
        return;
    crawler_stop(c);
    pthread_mutex_lock(&c->mu);
    page_t *done = c->done;
    smbatch_t *sitemaps = c->sitemap_done;
    cjob_t *jobs = c->jobs;
    c->done = NULL;
    c->sitemap_done = NULL;
    c->jobs = NULL;
    pthread_mutex_unlock(&c->mu);
    commit_done(c, done); /* pages that finished while the fetcher and pool drained */
    while (sitemaps) {    /* re-read after a restart: the kickoff is idempotent */
        smbatch_t *b = sitemaps;
        sitemaps = b->next;
        crawl_smbatch_free(b);
    }
    while (jobs) { /* their hooks see the end: a client waiting on one is answered */
        cjob_t *j = jobs;
        jobs = j->next;
        cjob_free(j);
    }
}

void crawler_free(crawler_t *c)
{
    if (!c)
        return;
    crawler_settle(c);
    hostgate_free(c->gate);
    hostgate_free(c->interactive_gate);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    pthread_cond_destroy(&c->claimed);
    free(c);
}
