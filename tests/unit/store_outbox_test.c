/* Contract tests of the webhook outbox of the store (run against SQLite). */
#include "test.h"
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/items.h"
#include "model/job.h"
#include "store/store_jobs.h"
#include "store/store_outbox.h"
#include "util/clock.h"
#include "util/uuid.h"

typedef struct {
    test_store_t ts; /* the store under test (test_store.h) */
    store_job_t job;
} fixture_t;

static const store_event_t started = {"http://hook.test/a", "{\"X-A\":\"1\"}",
                                      "{\"n\":\"started\"}", false};
static const store_event_t page = {"http://hook.test/a", NULL, "{\"n\":\"page\",\"data\":[]}",
                                   false};
static const store_event_t failure = {"http://hook.test/a", NULL, "{\"n\":\"failure\"}", false};
static const store_event_t final = {"http://hook.test/a", NULL, "{\"n\":\"final\"}", true};

static cinder_err create_job(fixture_t *f, const store_event_t *ev)
{
    memset(&f->job, 0, sizeof f->job);
    uuid_generate_v4(f->job.id);
    f->job.kind = JOB_KIND_CRAWL;
    f->job.status = JOB_RUNNING;
    f->job.api_version = 1;
    f->job.created_ms = clock_wall_ms();
    f->job.expires_ms = f->job.created_ms + 3600000;
    f->job.url = "https://ex.com/";
    f->job.event = ev;
    return model_job_create(f->ts.st, &f->job);
}

static bool setup(fixture_t *f)
{
    if (!test_store_open(&f->ts))
        return false;
    return create_job(f, &started) == CINDER_OK;
}

static void teardown(fixture_t *f)
{
    test_store_close(&f->ts);
}

/* The events due at now (at most 16); *n receives how many. Free with store_outbox_free. */
static store_outbox_t *due(fixture_t *f, int64_t now, size_t *n)
{
    store_outbox_t *ev = NULL;
    *n = 0;
    CHECK_INT(store_outbox_due(f->ts.st, now, 16, &ev, n), CINDER_OK);
    return ev;
}

static size_t n_due(fixture_t *f, int64_t now)
{
    size_t n = 0;
    store_outbox_t *ev = due(f, now, &n);
    store_outbox_free(ev, n);
    return n;
}

/* Takes the head of the outbox at now, checks its body and document, deletes it. */
static void expect_head(fixture_t *f, int64_t now, const char *body, const char *doc)
{
    size_t n = 0;
    store_outbox_t *ev = due(f, now, &n);
    CHECK(n >= 1);
    if (n >= 1) {
        CHECK_STR(ev[0].body, body);
        if (doc)
            CHECK_STR(ev[0].doc, doc);
        else
            CHECK(ev[0].doc == NULL);
        CHECK_INT(store_outbox_delete(f->ts.st, ev[0].id), CINDER_OK);
    }
    store_outbox_free(ev, n);
}

static void claim_all(fixture_t *f, int64_t now, store_item_t *it, size_t want)
{
    size_t n = 0;
    CHECK_INT(model_items_claim(f->ts.st, f->job.id, want, now, it, &n), CINDER_OK);
    CHECK_INT(n, want);
}

TEST(events_go_out_in_order_one_per_job_with_their_documents)
{
    fixture_t f;
    REQUIRE(setup(&f));
    int64_t now = clock_wall_ms();
    model_item_new_t in[] = {{"https://ex.com/a", "a", 0, NULL},
                             {"https://ex.com/b", "b", 0, NULL},
                             {"https://ex.com/c", "c", 0, NULL}};
    CHECK_INT(model_items_add(f.ts.st, f.job.id, in, 3, -1, now, NULL), CINDER_OK);
    store_item_t it[3];
    claim_all(&f, now, it, 3);
    model_item_result_t r[2] = {
        {.seq = it[0].seq,
         .status = ITEM_SUCCEEDED,
         .doc = "{\"d\":1}",
         .doc_len = 7,
         .event = &page},
        {.seq = it[1].seq, .status = ITEM_FAILED, .reason = "connect", .event = &failure},
    };
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, r, 2, -1, now), CINDER_OK);

    size_t n = 0;
    store_outbox_t *ev = due(&f, now, &n);
    CHECK_INT(n, 1); /* one job: only its oldest event */
    REQUIRE(n == 1);
    CHECK_STR(ev[0].body, "{\"n\":\"started\"}");
    CHECK_STR(ev[0].headers, "{\"X-A\":\"1\"}");
    CHECK_STR(ev[0].url, "http://hook.test/a");
    CHECK_STR(ev[0].job_id, f.job.id);
    CHECK_INT(ev[0].attempts, 0);
    /* a failed delivery: due again later, with its attempt counted */
    CHECK_INT(store_outbox_retry(f.ts.st, ev[0].id, now + 1000), CINDER_OK);
    CHECK_INT(n_due(&f, now), 0);
    size_t m = 0;
    store_outbox_t *later = due(&f, now + 1000, &m);
    CHECK_INT(m, 1);
    if (m == 1) {
        CHECK_INT(later[0].id, ev[0].id);
        CHECK_INT(later[0].attempts, 1);
    }
    store_outbox_free(later, m);
    CHECK_INT(store_outbox_delete(f.ts.st, ev[0].id), CINDER_OK);
    store_outbox_free(ev, n);

    expect_head(&f, now + 1000, "{\"n\":\"page\",\"data\":[]}", "{\"d\":1}");
    expect_head(&f, now + 1000, "{\"n\":\"failure\"}", NULL);
    CHECK_INT(n_due(&f, now + 1000), 0);

    /* cancel while c runs: the final event waits until c settles, and c's event goes first */
    model_cancel_t cancel = {.event = &final};
    CHECK_INT(model_job_cancel(f.ts.st, f.job.id, now, &cancel), CINDER_OK);
    CHECK(cancel.event == &final);
    CHECK_INT(n_due(&f, now + 1000), 0);
    model_item_result_t rc = {.seq = it[2].seq,
                              .status = ITEM_SUCCEEDED,
                              .doc = "{\"d\":2}",
                              .doc_len = 7,
                              .event = &page};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &rc, 1, -1, now), CINDER_OK);
    expect_head(&f, now + 1000, "{\"n\":\"page\",\"data\":[]}", "{\"d\":2}");
    expect_head(&f, now + 1000, "{\"n\":\"final\"}", NULL);
    CHECK_INT(n_due(&f, now + 1000), 0);
    for (int i = 0; i < 3; i++)
        store_item_cleanup(&it[i]);
    teardown(&f);
}

TEST(no_event_without_its_change)
{
    fixture_t f;
    REQUIRE(setup(&f));
    int64_t now = clock_wall_ms();
    expect_head(&f, now, "{\"n\":\"started\"}", NULL);
    model_item_new_t in[] = {{"https://ex.com/a", "a", 0, NULL}};
    CHECK_INT(model_items_add(f.ts.st, f.job.id, in, 1, -1, now, NULL), CINDER_OK);
    /* an outcome for an item that is not running, a retry, a skip: nothing written */
    model_item_result_t stale = {
        .seq = 0, .status = ITEM_SUCCEEDED, .doc = "{}", .doc_len = 2, .event = &page};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &stale, 1, -1, now), CINDER_OK);
    store_item_t it;
    claim_all(&f, now, &it, 1);
    model_item_result_t retry = {.seq = it.seq, .status = ITEM_PENDING, .event = &page};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &retry, 1, -1, now), CINDER_OK);
    store_item_cleanup(&it);
    claim_all(&f, now, &it, 1);
    model_item_result_t skip = {
        .seq = it.seq, .status = ITEM_SKIPPED, .reason = "robots", .event = &page};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &skip, 1, -1, now), CINDER_OK);
    store_item_cleanup(&it);
    CHECK_INT(n_due(&f, now), 0);
    /* a finish after a cancel is declined, and so is its event */
    model_cancel_t cancel = {0};
    CHECK_INT(model_job_cancel(f.ts.st, f.job.id, now, &cancel), CINDER_OK);
    store_job_t j = f.job;
    j.status = JOB_COMPLETED;
    j.finished_ms = now;
    j.event = &final;
    CHECK_INT(model_job_finish(f.ts.st, &j), CINDER_E_NOT_FOUND);
    cancel.event = &final;
    CHECK_INT(model_job_cancel(f.ts.st, f.job.id, now, &cancel), CINDER_E_ALREADY_TERMINAL);
    CHECK_INT(n_due(&f, now), 0);
    teardown(&f);
}

TEST(jobs_are_served_side_by_side_and_events_survive_a_reopen)
{
    fixture_t f;
    REQUIRE(setup(&f));
    char first[40];
    memcpy(first, f.job.id, sizeof first);
    REQUIRE(create_job(&f, &started) == CINDER_OK);
    int64_t now = clock_wall_ms();
    REQUIRE(test_store_reopen(&f.ts));
    store_outbox_t *ev = NULL;
    size_t n = 0;
    CHECK_INT(store_outbox_due(f.ts.st, now, 16, &ev, &n), CINDER_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(ev[0].job_id, first);
        CHECK_STR(ev[1].job_id, f.job.id);
        CHECK(ev[0].id < ev[1].id);
    }
    store_outbox_free(ev, n);
    CHECK_INT(store_outbox_due(f.ts.st, now, 1, &ev, &n), CINDER_OK);
    CHECK_INT(n, 1); /* max is honoured */
    store_outbox_free(ev, n);
    teardown(&f);
}

TEST(a_finished_job_gets_its_final_event_and_expiry_drops_the_rest)
{
    fixture_t f;
    REQUIRE(setup(&f));
    int64_t now = clock_wall_ms();
    store_job_t j = f.job;
    j.status = JOB_COMPLETED;
    j.finished_ms = now;
    j.event = &final;
    CHECK_INT(model_job_finish(f.ts.st, &j), CINDER_OK);
    expect_head(&f, now, "{\"n\":\"started\"}", NULL);
    CHECK_INT(n_due(&f, now), 1);
    int64_t removed = 0;
    CHECK_INT(store_expire(f.ts.st, now + 7200000, &removed), CINDER_OK);
    CHECK_INT(removed, 1);
    CHECK_INT(n_due(&f, now + 7200000), 0);
    teardown(&f);
}
