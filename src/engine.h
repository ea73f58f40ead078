/*
 * engine: the running service's shared parts — the store, the fetch loop,
 * the worker pool and the expiry reaper — created together and torn down in
 * the one order that lets every in-flight job finish.
 */
#ifndef CINDER_ENGINE_H
#define CINDER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch/fetcher.h"
#include "store/store.h"
#include "util/error.h"
#include "util/pool.h"

typedef struct {
    const char *data_dir;  /* store location (directory) */
    int workers;           /* CPU worker threads; <= 0: number of cores */
    bool allow_private;    /* allow loopback/private/link-local targets */
    int64_t result_ttl_ms; /* how long results stay readable */
    size_t max_body;       /* fetched page cap in bytes */
    const char *user_agent;
    const char *const *resolve;    /* NULL-terminated "HOST:PORT:ADDR" DNS pins, or NULL */
    int host_connections;          /* crawl fetches in flight per host; <= 0: default (16) */
    const char *webhook_secret;    /* key of the webhook signature (copied), or NULL */
    int64_t webhook_retry_base_ms; /* first webhook retry delay; <= 0: 1 s */
} engine_config_t;

typedef struct engine engine_t;
typedef struct jobs jobs_t; /* jobs/jobs.h */

/* Opens the store and starts the fetch loop, workers, reaper and webhook delivery. Free with
 * engine_free. */
CINDER_MUST_CHECK cinder_err engine_new(const engine_config_t *cfg, engine_t **out);

/* Stops every engine thread: in-flight fetches complete with CINDER_E_SHUTDOWN and every
 * callback has run (so every deferred scrape reply was made) when it returns. The engine stays
 * valid (the store still answers; new fetches fail with CINDER_E_SHUTDOWN). Call from one
 * thread; a second call does nothing. Accepts NULL. */
void engine_stop(engine_t *e);

/* engine_stop, then records the crawl pages that finished meanwhile, closes the store and frees
 * everything. Nothing may use the engine any more. Accepts NULL. */
void engine_free(engine_t *e);

/* Accessors; the objects belong to the engine. */
store_t *engine_store(engine_t *e);
fetcher_t *engine_fetcher(engine_t *e);
pool_t *engine_pool(engine_t *e);
jobs_t *engine_jobs(engine_t *e);
const engine_config_t *engine_config(const engine_t *e);

/* Number of worker threads in use. */
int engine_workers(const engine_t *e);

#endif
