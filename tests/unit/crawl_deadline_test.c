/* A crawl past its deadline fetches nothing: its pending pages are skipped with reason
 * "deadline" and the job completes (Skop's `timeout`). Discovery jobs get their own kind and
 * keep their options (meta included) in the job record. No network: the fetch never starts. */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crawl/crawler.h"
#include "jobs/wiring.h"
#include "util/clock.h"

TEST(deadline_skips_pending_pages_and_completes)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/cinder-deadline-XXXXXX");
    REQUIRE(mkdtemp(dir) != NULL);
    store_t *st = NULL;
    REQUIRE(store_open(dir, &st) == CINDER_OK);
    fetcher_t *f = fetcher_new(NULL);
    pool_t *pool = pool_new(1, 16);
    crawler_t *c = NULL;
    jobs_t *js = NULL;
    REQUIRE(jobs_new(st, 3600000, &js) == CINDER_OK);
    REQUIRE(f && pool && crawler_new(st, f, pool, 0, jobs_bind, js, &c) == CINDER_OK);
    jobs_attach(js, c);

    crawl_opts_t o;
    crawl_opts_init(&o, 2);
    o.url = strdup("http://127.0.0.1:9/start");
    o.limit = 5;
    o.discover = true;
    o.deadline_ms = clock_wall_ms() - 1;
    o.meta = json_pack("{s:s}", "prompt", "annual report");
    char id[40], err[256] = "";
    REQUIRE(jobs_crawl_start(js, &o, id, err, sizeof err) == CINDER_OK);
    crawl_opts_cleanup(&o);

    store_job_t job = {0};
    for (int i = 0; i < 200; i++) {
        store_job_cleanup(&job);
        REQUIRE(store_job_get(st, id, &job) == CINDER_OK);
        if (job.status == JOB_COMPLETED)
            break;
        usleep(20000);
    }
    CHECK_INT(job.status, JOB_COMPLETED);
    CHECK_INT(job.kind, JOB_KIND_DISCOVER);
    CHECK_INT(job.completed, 0);
    CHECK_CONTAINS(job.options, "\"discover\":true");
    CHECK_CONTAINS(job.options, "\"meta\":{\"prompt\":\"annual report\"}");
    store_job_cleanup(&job);

    store_item_error_t *e = NULL;
    size_t n = 0;
    REQUIRE(store_items_errors(st, id, 10, &e, &n) == CINDER_OK);
    CHECK_INT(n, 1);
    if (n) {
        CHECK_INT(e[0].status, ITEM_SKIPPED);
        CHECK_STR(e[0].reason, "deadline");
    }
    store_item_errors_free(e, n);

    crawler_stop(c);
    fetcher_free(f);
    pool_free(pool);
    crawler_free(c);
    jobs_free(js);
    store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}
