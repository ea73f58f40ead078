/* Contract tests of the store's jobs and documents (every backend must pass them). */
#include "test.h"
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/job.h"
#include "store/store_jobs.h"
#include "util/clock.h"
#include "util/uuid.h"

TEST(store_job_and_document_round_trip)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    store_t *st = ts.st;
    CHECK(store_backend(st) && *store_backend(st));
    store_job_t j = {0};
    uuid_generate_v4(j.id);
    j.kind = JOB_KIND_SCRAPE;
    j.status = JOB_RUNNING;
    j.api_version = 1;
    j.created_ms = clock_wall_ms();
    j.expires_ms = j.created_ms + 60000;
    j.url = "https://example.com/";
    j.options = "{\"formats\":[\"markdown\"]}";
    j.total = 1;
    CHECK_INT(model_job_create(st, &j), CINDER_OK);
    CHECK(model_job_create(st, &j) != CINDER_OK); /* duplicate id */

    /* a large, compressible document and a small one */
    size_t big_len = 100000;
    char *big = malloc(big_len + 1);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (char)('a' + i % 7);
    big[big_len] = '\0';
    CHECK_INT(store_doc_put(st, j.id, 0, big, big_len), CINDER_OK);
    CHECK_INT(store_doc_put(st, j.id, 1, "{}", 2), CINDER_OK);
    char *got = NULL;
    size_t len = 0;
    CHECK_INT(store_doc_get(st, j.id, 0, &got, &len), CINDER_OK);
    CHECK_INT(len, big_len);
    CHECK(got && memcmp(got, big, big_len) == 0);
    free(got);
    CHECK_INT(store_doc_get(st, j.id, 1, &got, &len), CINDER_OK);
    CHECK_STR(got, "{}");
    free(got);
    CHECK_INT(store_doc_get(st, j.id, 7, &got, &len), CINDER_E_NOT_FOUND);

    j.status = JOB_COMPLETED;
    j.finished_ms = j.created_ms + 5;
    CHECK_INT(model_job_finish(st, &j), CINDER_OK);
    store_job_t r;
    CHECK_INT(store_job_get(st, j.id, &r), CINDER_OK);
    CHECK_INT(r.status, JOB_COMPLETED);
    CHECK_STR(r.url, "https://example.com/");
    CHECK_INT(r.completed, 0); /* counted from items only: these documents were put directly */
    store_job_cleanup(&r);

    /* reopen: data survives */
    REQUIRE(test_store_reopen(&ts));
    st = ts.st;
    CHECK_INT(store_job_get(st, j.id, &r), CINDER_OK);
    store_job_cleanup(&r);

    /* past its expiry the job answers "expired" at once, before any reaping */
    store_job_t soon = j;
    uuid_generate_v4(soon.id);
    soon.status = JOB_RUNNING;
    soon.created_ms = clock_wall_ms() - 10000;
    soon.expires_ms = clock_wall_ms() - 1;
    CHECK_INT(model_job_create(st, &soon), CINDER_OK);
    CHECK_INT(store_job_get(st, soon.id, &r), CINDER_OK); /* a running job never expires */
    store_job_cleanup(&r);
    soon.status = JOB_COMPLETED;
    soon.finished_ms = clock_wall_ms();
    CHECK_INT(model_job_finish(st, &soon), CINDER_OK);
    CHECK_INT(store_job_get(st, soon.id, &r), CINDER_OK); /* its TTL restarted when it finished */
    CHECK(r.expires_ms >= soon.finished_ms + 9000);
    store_job_cleanup(&r);
    CHECK_INT(store_job_get(st, j.id, &r), CINDER_OK);
    store_job_cleanup(&r);

    /* expiry: documents dropped, the job answers "expired" */
    int64_t removed = 0;
    /* j finished 5 ms after it was created: its TTL runs from then */
    CHECK_INT(store_expire(st, j.expires_ms + 10, &removed), CINDER_OK);
    CHECK_INT(removed, 2);
    CHECK_INT(store_job_get(st, j.id, &r), CINDER_E_EXPIRED);
    CHECK_INT(store_doc_get(st, j.id, 0, &got, &len), CINDER_E_NOT_FOUND);
    CHECK_INT(store_job_get(st, "00000000-0000-4000-8000-000000000000", &r), CINDER_E_NOT_FOUND);
    store_close(NULL);
    free(big);
    test_store_close(&ts);
}
