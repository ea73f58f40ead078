/* A crawl past its deadline fetches nothing: its pending pages are skipped with reason
 * "deadline" and the job completes (Skop's `timeout`). Discovery jobs get their own kind and
 * keep their options (meta included) in the job record. No network: the fetch never starts. */
#include "test.h"
#include "test_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crawl/crawler.h"
#include "jobs/wiring.h"
#include "util/clock.h"

TEST(deadline_skips_pending_pages_and_completes)
{
    test_engine_t eng;
    REQUIRE(test_engine_open(&eng));
    store_t *st = eng.ts.st;

    crawl_opts_t o;
    crawl_opts_init(&o, 2);
    o.url = strdup("http://127.0.0.1:9/start");
    o.limit = 5;
    o.discover = true;
    o.deadline_ms = clock_wall_ms() - 1;
    o.meta = json_pack("{s:s}", "prompt", "annual report");
    char id[40], err[256] = "";
    REQUIRE(jobs_crawl_start(eng.js, &o, id, err, sizeof err) == CINDER_OK);
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

    test_engine_close(&eng);
}
