#include "test_engine.h"

#include <string.h>

#include "test.h"

bool test_engine_open(test_engine_t *e)
{
    memset(e, 0, sizeof *e);
    return test_store_open(&e->ts) && test_engine_start(e);
}

bool test_engine_start(test_engine_t *e)
{
    e->f = fetcher_new(NULL);
    e->pool = pool_new(1, 16);
    if (!e->f || !e->pool || jobs_new(e->ts.st, 3600000, &e->js) != CINDER_OK)
        return false;
    if (crawler_new(e->ts.st, e->f, e->pool, 0, jobs_bind, e->js, &e->c) != CINDER_OK)
        return false;
    jobs_attach(e->js, e->c);
    return true;
}

void test_engine_close(test_engine_t *e)
{
    crawler_stop(e->c); /* no new fetch, before the fetcher and the pool go */
    fetcher_free(e->f);
    pool_free(e->pool);
    crawler_free(e->c);
    jobs_free(e->js);
    test_store_close(&e->ts);
}
