/*
 * A job model over a running crawler for the unit tests (jobs_test.c, crawl_*_test.c): a store
 * from test_store.h, a fetcher with the default address guard (so targets on loopback are
 * refused: nothing a test schedules reaches the network), one worker, the job model and the
 * crawler bound to it. No dialect processors are registered.
 */
#ifndef CINDER_TEST_ENGINE_H
#define CINDER_TEST_ENGINE_H

#include <stdbool.h>

#include "test_store.h"

#include "crawl/crawler.h"
#include "fetch/fetcher.h"
#include "jobs/wiring.h"
#include "util/pool.h"

typedef struct {
    test_store_t ts;
    fetcher_t *f;
    pool_t *pool;
    jobs_t *js;
    crawler_t *c; /* resumed the store's running jobs when it started */
} test_engine_t;

/* Opens a new store and starts everything over it. False (the test failed) when it cannot. */
bool test_engine_open(test_engine_t *e);

/* Starts everything over e->ts, opened (and filled) by the caller. */
bool test_engine_start(test_engine_t *e);

/* Stops the crawler, frees everything in the right order and removes the store. */
void test_engine_close(test_engine_t *e);

#endif
