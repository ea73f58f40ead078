/*
 * Engine wiring.
 *
 * Threads: the fetcher owns one thread (the libcurl multi loop), the pool
 * owns `workers` threads, and the reaper is one thread that wakes once a
 * minute (or on shutdown) to expire old results; the crawler runs one
 * scheduler thread; webhook delivery runs one thread with its own libcurl
 * handles. Shutdown order (engine_stop): stop webhook delivery, stop the reaper, stop the
 * crawler's scheduling (no new fetch), stop the fetcher (its in-flight transfers
 * complete with CINDER_E_SHUTDOWN and their callbacks queue work), drain and
 * stop the pool (so every callback has run). Nothing is freed until engine_free, which
 * then records the crawl pages that finished meanwhile and closes the store, so a caller
 * still inside the engine meanwhile gets CINDER_E_SHUTDOWN, not freed memory.
 */
#include "engine.h"

#include "crawl/crawler.h"
#include "dialect/skop/discover.h"
#include "dialect/trieve/chunks.h"
#include "jobs/wiring.h"
#include "jobs/webhook.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"

#define REAP_INTERVAL_MS 60000

struct engine {
    engine_config_t cfg;
    char *data_dir;
    char *user_agent;
    store_t *store;
    fetcher_t *fetcher;
    pool_t *pool;
    crawler_t *crawler;
    jobs_t *jobs;
    webhook_t *webhook;
    int workers;
    pthread_t reaper;
    bool reaper_running;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
};

static void *reaper_main(void *ud)
{
    engine_t *e = ud;
    pthread_mutex_lock(&e->mu);
    while (!e->stopping) {
        pthread_mutex_unlock(&e->mu);
        int64_t n = 0;
        if (store_expire(e->store, clock_wall_ms(), &n) == CINDER_OK && n)
            log_info("expired the results of %lld job(s)", (long long)n);
        pthread_mutex_lock(&e->mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += REAP_INTERVAL_MS / 1000;
        while (!e->stopping && pthread_cond_timedwait(&e->cv, &e->mu, &ts) == 0)
            ;
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

static int default_workers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

cinder_err engine_new(const engine_config_t *cfg, engine_t **out)
{
    engine_t *e = xcalloc(1, sizeof *e);
    e->cfg = *cfg;
    e->data_dir = xstrdup(cfg->data_dir);
    e->user_agent = xstrdup(cfg->user_agent);
    e->cfg.data_dir = e->data_dir;
    e->cfg.user_agent = e->user_agent;
    e->cfg.resolve = NULL;        /* only used while starting the fetcher, which copies it */
    e->cfg.webhook_secret = NULL; /* copied by the webhook delivery */
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
    cinder_err rc = store_open(cfg->data_dir, &e->store);
    if (rc)
        goto out;
    fetcher_config_t fc = {0};
    fc.allow_private = cfg->allow_private;
    fc.user_agent = e->user_agent;
    fc.max_redirects = 10;
    fc.max_body = cfg->max_body;
    fc.resolve = cfg->resolve;
    /* Sync scrapes are independent user requests: no per-host politeness cap here (the crawl
     * scheduler paces hosts itself); the totals only bound sockets. */
    fc.max_total_connections = 1024;
    fc.max_host_connections = 1024;
    e->fetcher = fetcher_new(&fc);
    if (!e->fetcher) {
        rc = CINDER_E_FETCH;
        goto out;
    }
    e->pool = pool_new(cfg->workers > 0 ? cfg->workers : default_workers(), 4096);
    if (!e->pool) {
        rc = CINDER_E_NOMEM;
        goto out;
    }
    e->workers = pool_threads(e->pool);
    rc = jobs_new(e->store, cfg->result_ttl_ms, &e->jobs);
    if (rc)
        goto out;
    jobs_add_processor(e->jobs, &discover_processor, NULL);   /* Skop */
    jobs_add_processor(e->jobs, &chunks_processor, e->store); /* Trieve */
    rc = crawler_new(e->store, e->fetcher, e->pool, cfg->host_connections, jobs_bind, e->jobs,
                     &e->crawler);
    if (rc)
        goto out;
    jobs_attach(e->jobs, e->crawler);
    webhook_config_t wc = {cfg->allow_private, cfg->webhook_secret, cfg->webhook_retry_base_ms, 0,
                           e->user_agent};
    rc = webhook_new(e->store, &wc, &e->webhook);
    if (rc)
        goto out;
    e->reaper_running = pthread_create(&e->reaper, NULL, reaper_main, e) == 0;
    if (!e->reaper_running) {
        rc = CINDER_E_NOMEM; /* results would never expire */
        goto out;
    }
    pthread_setname_np(e->reaper, "cinder-reaper");
out:
    if (rc) {
        engine_free(e);
        return rc;
    }
    *out = e;
    return CINDER_OK;
}

void engine_stop(engine_t *e)
{
    if (!e)
        return;
    webhook_free(e->webhook);
    e->webhook = NULL;
    pthread_mutex_lock(&e->mu);
    e->stopping = true;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    if (e->reaper_running)
        pthread_join(e->reaper, NULL);
    e->reaper_running = false;
    crawler_stop(e->crawler);
    fetcher_stop(e->fetcher);
    pool_stop(e->pool);
    crawler_settle(e->crawler); /* waiting scrapes are answered now, while the server can */
}

void engine_free(engine_t *e)
{
    if (!e)
        return;
    engine_stop(e);
    crawler_free(e->crawler);
    fetcher_free(e->fetcher);
    pool_free(e->pool);
    jobs_free(e->jobs);
    store_close(e->store);
    pthread_mutex_destroy(&e->mu);
    pthread_cond_destroy(&e->cv);
    free(e->data_dir);
    free(e->user_agent);
    free(e);
}

store_t *engine_store(engine_t *e)
{
    return e->store;
}

fetcher_t *engine_fetcher(engine_t *e)
{
    return e->fetcher;
}

pool_t *engine_pool(engine_t *e)
{
    return e->pool;
}

jobs_t *engine_jobs(engine_t *e)
{
    return e->jobs;
}

const engine_config_t *engine_config(const engine_t *e)
{
    return &e->cfg;
}

int engine_workers(const engine_t *e)
{
    return e->workers;
}
