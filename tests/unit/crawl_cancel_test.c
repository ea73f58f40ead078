/* A page whose fetch completes after its crawl was cancelled is built without discovering links,
 * and the worker that builds it reads the cancel flag the API thread set without the crawler
 * mutex: under ThreadSanitizer this test fails if that flag is not atomic. No network: the crawl's
 * seed waits for a robots.txt that the address guard refuses (retried seconds later), so the
 * crawl stays running while the test hands one page of its own to a worker thread. */
#include "test.h"
#include "test_engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crawl/crawler_int.h"
#include "jobs/wiring.h"

static const char page_html[] = "<html><body><h1>Page</h1><p>text</p>"
                                "<a href=\"/a\">a</a> <a href=\"/b\">b</a></body></html>";

typedef struct {
    page_t *p;
    atomic_int go; /* relaxed on purpose: no happens-before with the cancel */
} worker_t;

static void *worker_main(void *ud)
{
    worker_t *w = ud;
    while (!atomic_load_explicit(&w->go, memory_order_relaxed))
        usleep(100);
    crawl_page_outcome(w->p);
    return NULL;
}

/* A fetched page of job j, as the fetch callback hands it to the pool. */
static page_t *fetched_page(crawler_t *c, cjob_t *j, const char *url)
{
    page_t *p = calloc(1, sizeof *p);
    p->c = c;
    p->job = j;
    p->item.url = strdup(url);
    p->fres = calloc(1, sizeof *p->fres);
    p->fres->status = 200;
    p->fres->content_type = strdup("text/html; charset=utf-8");
    buf_init(&p->fres->body, 0);
    CHECK_INT(buf_append(&p->fres->body, page_html, sizeof page_html - 1), CINDER_OK);
    return p;
}

/* The crawl's job, with one more page counted in flight (so the scheduler keeps it). */
static cjob_t *hold_job(crawler_t *c, const char *id, int delta)
{
    pthread_mutex_lock(&c->mu);
    cjob_t *j = c->jobs;
    while (j && strcmp(j->id, id) != 0)
        j = j->next;
    if (j)
        j->running += delta;
    pthread_mutex_unlock(&c->mu);
    return j;
}

TEST(page_built_after_cancel_discovers_nothing)
{
    test_engine_t e;
    REQUIRE(test_engine_open(&e));
    crawler_t *c = e.c;

    crawl_opts_t o;
    crawl_opts_init(&o, 1);
    o.url = strdup("http://127.0.0.1:9/");
    o.limit = 10;
    o.sitemap = CRAWL_SITEMAP_SKIP;
    char id[40], err[256] = "";
    REQUIRE(jobs_crawl_start(e.js, &o, id, err, sizeof err) == CINDER_OK);
    crawl_opts_cleanup(&o);
    cjob_t *j = hold_job(c, id, 1);
    REQUIRE(j != NULL);

    worker_t w;
    w.p = fetched_page(c, j, "http://127.0.0.1:9/p");
    atomic_init(&w.go, 0);
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, worker_main, &w) == 0);
    CHECK_INT(crawler_cancel(c, id, NULL), CINDER_OK);
    atomic_store_explicit(&w.go, 1, memory_order_relaxed);
    pthread_join(t, NULL);

    CHECK_INT(w.p->res.status, ITEM_SUCCEEDED);
    CHECK_INT(w.p->n_found, 0); /* the links /a and /b are in scope, but the crawl ended */
    crawl_page_free(w.p);
    hold_job(c, id, -1);

    test_engine_close(&e);
}
