/* Tests of the item state machine and the limit budget (model/items.c) over the store under
 * test (test_store.h): admission, claims, outcomes, cancels, recovery and redirect locks. */
#include "test.h"
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/items.h"
#include "model/job.h"
#include "store/store_jobs.h"
#include "util/clock.h"
#include "util/uuid.h"

typedef struct {
    test_store_t ts; /* the store under test (test_store.h) */
    store_job_t job;
} fixture_t;

static bool setup(fixture_t *f)
{
    if (!test_store_open(&f->ts))
        return false;
    memset(&f->job, 0, sizeof f->job);
    uuid_generate_v4(f->job.id);
    f->job.kind = JOB_KIND_CRAWL;
    f->job.status = JOB_RUNNING;
    f->job.api_version = 1;
    f->job.created_ms = clock_wall_ms();
    f->job.expires_ms = f->job.created_ms + 3600000;
    f->job.url = "https://ex.com/";
    return model_job_create(f->ts.st, &f->job) == CINDER_OK;
}

static void teardown(fixture_t *f)
{
    test_store_close(&f->ts);
}

static store_job_t job_now(fixture_t *f)
{
    store_job_t j;
    memset(&j, 0, sizeof j);
    CHECK_INT(store_job_get(f->ts.st, f->job.id, &j), CINDER_OK);
    return j;
}

static void claim(fixture_t *f, size_t max, int64_t now, store_item_t *out, size_t *n)
{
    CHECK_INT(model_items_claim(f->ts.st, f->job.id, max, now, out, n), CINDER_OK);
}

/* Adds the pending items a, b and c, without a limit. */
static void add_abc(fixture_t *f, int64_t now)
{
    model_item_new_t in[] = {{"https://ex.com/a", "a", 0, NULL},
                             {"https://ex.com/b", "b", 0, NULL},
                             {"https://ex.com/c", "c", 0, NULL}};
    CHECK_INT(model_items_add(f->ts.st, f->job.id, in, 3, -1, now, NULL), CINDER_OK);
}

/* Sets up a job with the items a, b and c and claims the first k of them into it. */
static bool setup_claimed(fixture_t *f, int64_t now, size_t k, store_item_t *it)
{
    size_t n = 0;
    if (!setup(f))
        return false;
    add_abc(f, now);
    claim(f, k, now, it, &n);
    return n == k;
}

static void release(store_item_t *it, size_t n)
{
    for (size_t i = 0; i < n; i++)
        store_item_cleanup(&it[i]);
}

TEST(items_admission_respects_limit_dedupe_and_skips)
{
    fixture_t f;
    REQUIRE(setup(&f));
    model_item_new_t in[] = {
        {"https://ex.com/", "ex.com/", 0, NULL},
        {"https://ex.com/a", "ex.com/a", 1, NULL},
        {"https://ex.com/a/", "ex.com/a", 1, NULL}, /* same key: ignored */
        {"https://ex.com/private", "ex.com/private", 1, "robots"},
        {"https://ex.com/b", "ex.com/b", 1, NULL},
        {"https://ex.com/c", "ex.com/c", 1, NULL}, /* over the limit of 3 */
        {"https://other.com/", "other.com/", 1, "external"},
    };
    size_t admitted = 0;
    int64_t now = clock_wall_ms();
    CHECK_INT(model_items_add(f.ts.st, f.job.id, in, 7, 3, now, &admitted), CINDER_OK);
    CHECK_INT(admitted, 3);
    store_job_t j = job_now(&f);
    CHECK_INT(j.admitted, 3);
    store_job_cleanup(&j);
    /* c comes back when offered again: still over the limit; a robots URL stays skipped */
    CHECK_INT(model_items_add(f.ts.st, f.job.id, in + 5, 1, 3, now, &admitted), CINDER_OK);
    CHECK_INT(admitted, 0);
    store_item_error_t *errs = NULL;
    size_t ne = 0;
    CHECK_INT(store_items_errors(f.ts.st, f.job.id, 10, &errs, &ne), CINDER_OK);
    REQUIRE(ne == 2);
    CHECK_STR(errs[0].reason, "robots");
    CHECK_STR(errs[0].url, "https://ex.com/private");
    CHECK_INT(errs[0].status, ITEM_SKIPPED);
    CHECK_STR(errs[1].reason, "external");
    store_item_errors_free(errs, ne);
    teardown(&f);
}

TEST(items_claim_finish_retry_and_documents_in_finish_order)
{
    fixture_t f;
    REQUIRE(setup(&f));
    int64_t now = clock_wall_ms();
    model_item_new_t in[] = {{"https://ex.com/", "k0", 0, NULL},
                             {"https://ex.com/1", "k1", 1, NULL},
                             {"https://ex.com/2", "k2", 1, NULL}};
    CHECK_INT(model_items_add(f.ts.st, f.job.id, in, 3, 5, now, NULL), CINDER_OK);
    store_item_t it[8];
    size_t n = 0;
    claim(&f, 2, now, it, &n);
    REQUIRE(n == 2);
    CHECK_INT(it[0].seq, 0);
    CHECK_STR(it[0].url, "https://ex.com/");
    CHECK_INT(it[0].attempts, 0);
    CHECK_INT(it[1].seq, 1);
    /* item 1 finishes first: its document is number 0 */
    model_item_new_t found[] = {{"https://ex.com/3", "k3", 2, NULL},
                                {"https://ex.com/2", "k2", 2, NULL},
                                {"https://ex.com/4", "k4", 2, NULL},
                                {"https://ex.com/5", "k5", 2, NULL}};
    model_item_result_t r1 = {.seq = 1,
                              .status = ITEM_SUCCEEDED,
                              .http_status = 200,
                              .doc = "{\"n\":1}",
                              .doc_len = 7,
                              .found = found,
                              .n_found = 4};
    model_item_result_t r0 = {.seq = 0, .status = ITEM_PENDING, .not_before_ms = now + 1000};
    model_item_result_t batch[] = {r1, r0};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, batch, 2, 5, now), CINDER_OK);
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &r1, 1, 5, now), CINDER_OK); /* duplicate */
    release(it, n);
    store_job_t j = job_now(&f);
    CHECK_INT(j.completed, 1); /* the duplicate outcome stored nothing */
    CHECK_INT(j.admitted, 5);  /* k3, k4 admitted; k5 over the limit of 5 */
    store_job_cleanup(&j);
    /* item 0 waits for its retry time */
    claim(&f, 10, now, it, &n);
    CHECK_INT(n, 3); /* k2, k3 and k4; not the retry */
    bool has0 = false;
    for (size_t i = 0; i < n; i++)
        has0 |= it[i].seq == 0;
    CHECK(!has0);
    release(it, n);
    claim(&f, 10, now + 1001, it, &n);
    REQUIRE(n == 1); /* the retried item 0, once due */
    CHECK_INT(it[0].seq, 0);
    CHECK_INT(it[0].attempts, 1);
    model_item_result_t fail = {.seq = 0,
                                .status = ITEM_FAILED,
                                .reason = "http_error",
                                .error = "HTTP 500",
                                .http_status = 500};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &fail, 1, 5, now), CINDER_OK);
    release(it, n);
    j = job_now(&f);
    CHECK_INT(j.failed, 1);
    store_job_cleanup(&j);
    teardown(&f);
}

TEST(items_docs_page_skip_limit_and_byte_budget)
{
    fixture_t f;
    REQUIRE(setup(&f));
    int64_t now = clock_wall_ms();
    char keys[5][16], big[6000];
    memset(big, 'x', sizeof big);
    big[0] = '"';
    big[sizeof big - 2] = '"';
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 5; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        model_item_new_t in = {keys[i], keys[i], 0, NULL};
        CHECK_INT(model_items_add(f.ts.st, f.job.id, &in, 1, -1, now, NULL), CINDER_OK);
    }
    store_item_t it[5];
    size_t n = 0;
    claim(&f, 5, now, it, &n);
    REQUIRE(n == 5);
    for (int i = 0; i < 5; i++) {
        char doc[16];
        snprintf(doc, sizeof doc, "{\"i\":%d}", i);
        model_item_result_t r = {.seq = it[i].seq,
                                 .status = ITEM_SUCCEEDED,
                                 .doc = i == 2 ? big : doc,
                                 .doc_len = i == 2 ? strlen(big) : strlen(doc)};
        CHECK_INT(model_items_finish(f.ts.st, f.job.id, &r, 1, -1, now), CINDER_OK);
    }
    release(it, n);
    char **docs = NULL;
    size_t nd = 0;
    CHECK_INT(store_docs_page(f.ts.st, f.job.id, 0, 100, 1 << 20, &docs, &nd), CINDER_OK);
    CHECK_INT(nd, 5);
    CHECK_STR(docs[0], "{\"i\":0}");
    CHECK_STR(docs[4], "{\"i\":4}");
    CHECK_STR(docs[2], big); /* compressed and back */
    store_docs_free(docs, nd);
    CHECK_INT(store_docs_page(f.ts.st, f.job.id, 1, 2, 1 << 20, &docs, &nd), CINDER_OK);
    CHECK_INT(nd, 2);
    CHECK_STR(docs[0], "{\"i\":1}");
    store_docs_free(docs, nd);
    /* byte budget: the big document does not fit after another, but alone it is returned */
    CHECK_INT(store_docs_page(f.ts.st, f.job.id, 1, 100, 1000, &docs, &nd), CINDER_OK);
    CHECK_INT(nd, 1);
    store_docs_free(docs, nd);
    CHECK_INT(store_docs_page(f.ts.st, f.job.id, 2, 100, 1000, &docs, &nd), CINDER_OK);
    CHECK_INT(nd, 1);
    CHECK_STR(docs[0], big);
    store_docs_free(docs, nd);
    CHECK_INT(store_docs_page(f.ts.st, f.job.id, 5, 100, 1000, &docs, &nd), CINDER_OK);
    CHECK_INT(nd, 0);
    store_docs_free(docs, nd);
    teardown(&f);
}

TEST(items_cancel_recover_and_persistence)
{
    fixture_t f;
    int64_t now = clock_wall_ms();
    store_item_t it[3];
    size_t n = 1;
    REQUIRE(setup_claimed(&f, now, n, it));
    model_cancel_t cancelled = {0};
    CHECK_INT(model_job_cancel(f.ts.st, f.job.id, now, &cancelled), CINDER_OK);
    CHECK_INT(cancelled.cancelled, 2);
    CHECK_INT(model_job_cancel(f.ts.st, f.job.id, now, &cancelled), CINDER_E_ALREADY_TERMINAL);
    store_job_t j = job_now(&f);
    CHECK_INT(j.status, JOB_CANCELLED);
    CHECK_INT(j.cancelled, 2);
    CHECK(j.cancelled_ms >= now);
    store_job_cleanup(&j);
    size_t none = 0;
    claim(&f, 5, now, it + 1, &none);
    CHECK_INT(none, 0); /* nothing left to fetch */
    /* the running item finishes after the cancel: kept, but its links are not admitted */
    model_item_new_t found = {"https://ex.com/new", "new", 1, NULL};
    model_item_result_t r = {.seq = it[0].seq,
                             .status = ITEM_SUCCEEDED,
                             .doc = "{}",
                             .doc_len = 2,
                             .found = &found,
                             .n_found = 1};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &r, 1, -1, now), CINDER_OK);
    release(it, n);
    j = job_now(&f);
    CHECK_INT(j.completed, 1);
    CHECK_INT(j.admitted, 3);
    store_job_cleanup(&j);
    CHECK_INT(model_job_cancel(f.ts.st, "123e4567-e89b-42d3-a456-426614174000", now, &cancelled),
              CINDER_E_NOT_FOUND);

    /* a second job with a running item survives a restart as pending */
    fixture_t g = f;
    uuid_generate_v4(g.job.id);
    CHECK_INT(model_job_create(g.ts.st, &g.job), CINDER_OK);
    add_abc(&g, now);
    claim(&g, 2, now, it, &n);
    release(it, n);
    REQUIRE(test_store_reopen(&f.ts));
    g.ts.st = f.ts.st;
    int64_t reset = 0;
    CHECK_INT(model_items_recover(f.ts.st, &reset), CINDER_OK);
    CHECK_INT(reset, 2);
    claim(&g, 5, now, it, &n);
    CHECK_INT(n, 3);
    CHECK_INT(it[0].attempts, 1); /* the first fetch attempt was recorded */
    release(it, n);
    teardown(&f);
}

TEST(items_skipped_after_claim_frees_its_budget_slot)
{
    fixture_t f;
    REQUIRE(setup(&f));
    int64_t now = clock_wall_ms();
    model_item_new_t in[] = {{"https://ex.com/a", "a", 0, NULL},
                             {"https://ex.com/b", "b", 0, NULL}};
    CHECK_INT(model_items_add(f.ts.st, f.job.id, in, 2, 2, now, NULL), CINDER_OK);
    store_item_t it[2];
    size_t n = 0;
    claim(&f, 1, now, it, &n);
    REQUIRE(n == 1);
    model_item_result_t skip = {.seq = it[0].seq, .status = ITEM_SKIPPED, .reason = "robots"};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &skip, 1, 2, now), CINDER_OK);
    release(it, n);
    model_item_new_t more = {"https://ex.com/c", "c", 0, NULL};
    size_t admitted = 0;
    CHECK_INT(model_items_add(f.ts.st, f.job.id, &more, 1, 2, now, &admitted), CINDER_OK);
    CHECK_INT(admitted, 1);
    store_item_error_t *e = NULL;
    size_t ne = 0;
    CHECK_INT(store_items_errors(f.ts.st, f.job.id, 10, &e, &ne), CINDER_OK);
    REQUIRE(ne == 1);
    CHECK_STR(e[0].reason, "robots");
    store_item_errors_free(e, ne);
    teardown(&f);
}

TEST(items_cancel_takes_claimed_items_that_never_started)
{
    fixture_t f;
    int64_t now = clock_wall_ms();
    store_item_t it[2];
    size_t n = 2;
    REQUIRE(setup_claimed(&f, now, n, it));
    /* it[1] waits for a host slot: cancelled with the pending item; it[0] is being fetched */
    int64_t waiting[] = {it[1].seq, 999};
    model_cancel_t c = {.unstarted = waiting, .n_unstarted = 2};
    CHECK_INT(model_job_cancel(f.ts.st, f.job.id, now, &c), CINDER_OK);
    CHECK_INT(c.cancelled, 2);
    /* its later outcome is stale and ignored; the fetched one still completes */
    model_item_result_t r[] = {
        {.seq = it[1].seq, .status = ITEM_SKIPPED, .reason = "cancelled"},
        {.seq = it[0].seq, .status = ITEM_SUCCEEDED, .doc = "{}", .doc_len = 2}};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, r, 2, -1, now), CINDER_OK);
    release(it, n);
    store_job_t j = job_now(&f);
    CHECK_INT(j.cancelled, 2);
    CHECK_INT(j.completed, 1);
    CHECK_INT(j.admitted, 3);
    CHECK_INT(j.admitted - j.completed - j.failed - j.cancelled, 0);
    store_job_cleanup(&j);
    teardown(&f);
}

TEST(items_a_retry_after_the_cancel_is_cancelled_not_left_pending)
{
    fixture_t f;
    int64_t now = clock_wall_ms();
    store_item_t it[2];
    size_t n = 2;
    REQUIRE(setup_claimed(&f, now, n, it));
    model_cancel_t c = {0};
    CHECK_INT(model_job_cancel(f.ts.st, f.job.id, now, &c), CINDER_OK);
    CHECK_INT(c.cancelled, 1);
    /* it[0] answered 429 (retry later), it[1] was cut short by a shutdown */
    model_item_result_t r[] = {{.seq = it[0].seq, .status = ITEM_PENDING, .not_before_ms = now},
                               {.seq = it[1].seq, .status = ITEM_PENDING}};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, r, 2, -1, now), CINDER_OK);
    release(it, n);
    store_job_t j = job_now(&f);
    CHECK_INT(j.cancelled, 3);
    CHECK_INT(j.admitted - j.completed - j.failed - j.cancelled, 0);
    store_job_cleanup(&j);
    store_item_info_t *items = NULL;
    CHECK_INT(store_items_list(f.ts.st, f.job.id, 10, false, &items, &n), CINDER_OK);
    REQUIRE(n == 3);
    for (size_t i = 0; i < n; i++)
        CHECK_INT(items[i].status, ITEM_CANCELLED);
    store_item_infos_free(items, n);
    size_t none = 0;
    claim(&f, 5, now, it, &none);
    CHECK_INT(none, 0);
    teardown(&f);
}

TEST(items_redirect_targets_are_locked_and_never_stored_twice)
{
    fixture_t f;
    REQUIRE(setup(&f));
    int64_t now = clock_wall_ms();
    model_item_new_t in[] = {{"https://ex.com/moved", "moved", 0, NULL},
                             {"https://ex.com/target", "target", 0, NULL},
                             {"https://ex.com/old", "old", 0, NULL}};
    CHECK_INT(model_items_add(f.ts.st, f.job.id, in, 3, -1, now, NULL), CINDER_OK);
    store_item_t it[3];
    size_t n = 0;
    claim(&f, 1, now, it, &n); /* "moved" redirects to "target", which is still pending */
    model_item_result_t r = {.seq = it[0].seq,
                             .status = ITEM_SUCCEEDED,
                             .doc = "{}",
                             .doc_len = 2,
                             .final_url = "https://ex.com/target",
                             .final_key = "target"};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &r, 1, -1, now), CINDER_OK);
    release(it, n);
    claim(&f, 5, now, it, &n);
    REQUIRE(n == 1); /* "target" was dropped; only "old" is left */
    CHECK_STR(it[0].url, "https://ex.com/old");
    /* "old" also redirects to "target", whose document exists: a duplicate, not stored */
    model_item_result_t r2 = {.seq = it[0].seq,
                              .status = ITEM_SUCCEEDED,
                              .doc = "{}",
                              .doc_len = 2,
                              .final_url = "https://ex.com/target",
                              .final_key = "moved"};
    r2.final_key = "target";
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &r2, 1, -1, now), CINDER_OK);
    release(it, n);
    store_job_t j = job_now(&f);
    CHECK_INT(j.completed, 1);
    CHECK_INT(j.admitted, 1);
    store_job_cleanup(&j);
    teardown(&f);
}

TEST(items_outcomes_report_which_found_keys_the_job_holds)
{
    fixture_t f;
    REQUIRE(setup(&f));
    int64_t now = clock_wall_ms();
    model_item_new_t seed = {"https://ex.com/", "ex.com/", 0, NULL};
    CHECK_INT(model_items_add(f.ts.st, f.job.id, &seed, 1, 3, now, NULL), CINDER_OK);
    store_item_t it;
    size_t n = 0;
    CHECK_INT(model_items_claim(f.ts.st, f.job.id, 1, now, &it, &n), CINDER_OK);
    REQUIRE(n == 1);
    model_item_new_t found[4] = {{"https://ex.com/a", "ex.com/a", 1, NULL},
                                 {"https://ex.com/", "ex.com/", 1, NULL}, /* held already */
                                 {"https://ex.com/b", "ex.com/b", 1, NULL},
                                 {"https://ex.com/c", "ex.com/c", 1, NULL}}; /* over limit 3 */
    uint8_t held[4] = {0};
    model_item_result_t r = {.seq = it.seq,
                             .status = ITEM_SUCCEEDED,
                             .doc = "{}",
                             .doc_len = 2,
                             .found = found,
                             .n_found = 4,
                             .found_held = held};
    CHECK_INT(model_items_finish(f.ts.st, f.job.id, &r, 1, 3, now), CINDER_OK);
    CHECK_INT(held[0], 1);
    CHECK_INT(held[1], 1);
    CHECK_INT(held[2], 1);
    CHECK_INT(held[3], 0); /* dropped for the limit: not held, may be offered again */
    store_item_cleanup(&it);
    teardown(&f);
}
