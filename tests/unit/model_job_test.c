/* Tests of the job model's credits and job life (model/job.c, model/items.c) over the store
 * under test: reserve, charge, refund on failure, cancel, finish, retry, release and delete. */
#include "test.h"
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/auth.h"
#include "model/items.h"
#include "model/job.h"
#include "store/store_accounts.h"
#include "store/store_jobs.h"
#include "util/clock.h"
#include "util/uuid.h"

static store_job_t reread(test_store_t *ts, const char *id)
{
    store_job_t j;
    memset(&j, 0, sizeof j);
    CHECK_INT(store_job_get(ts->st, id, &j), CINDER_OK);
    return j;
}

/* Admits n items and claims them all. */
static void run_items(test_store_t *ts, const char *id, size_t n, store_item_t *out)
{
    model_item_new_t in[8];
    char keys[8][24], urls[8][48];
    for (size_t i = 0; i < n; i++) {
        snprintf(keys[i], sizeof keys[i], "k%zu", i);
        snprintf(urls[i], sizeof urls[i], "https://ex.com/%zu", i);
        in[i] = (model_item_new_t){urls[i], keys[i], 0, NULL};
    }
    int64_t now = clock_wall_ms();
    CHECK_INT(model_items_add(ts->st, id, in, n, -1, now, NULL), CINDER_OK);
    size_t got = 0;
    CHECK_INT(model_items_claim(ts->st, id, n, now, out, &got), CINDER_OK);
    CHECK_INT(got, n);
}

TEST(a_job_reserves_charges_documents_and_refunds_failures_and_the_rest)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    char key[64];
    test_store_add_key(&ts, "acme", 10, key);
    store_job_t j;
    CHECK_INT(test_store_new_job(&ts, "acme", 11, &j), CINDER_E_NO_CREDITS);
    CHECK_INT(test_store_balance(&ts, "acme"), 10);
    CHECK_INT(test_store_new_job(&ts, "acme", 4, &j), CINDER_OK);
    CHECK_INT(test_store_balance(&ts, "acme"), 6);
    store_item_t it[3];
    run_items(&ts, j.id, 3, it);
    model_item_result_t res[2] = {
        {.seq = it[0].seq, .status = ITEM_SUCCEEDED, .doc = "{}", .doc_len = 2},
        {.seq = it[1].seq, .status = ITEM_FAILED, .reason = "http_error"},
    };
    CHECK_INT(model_items_finish(ts.st, j.id, res, 2, -1, clock_wall_ms()), CINDER_OK);
    store_job_t now = reread(&ts, j.id);
    CHECK_INT(now.credits_charged, 1);
    CHECK_INT(now.credits_refunded, 1);
    CHECK_INT(test_store_balance(&ts, "acme"), 7);
    store_job_cleanup(&now);
    res[0].seq = it[2].seq;
    CHECK_INT(model_items_finish(ts.st, j.id, res, 1, -1, clock_wall_ms()), CINDER_OK);
    store_job_t fin = reread(&ts, j.id);
    fin.status = JOB_COMPLETED;
    fin.finished_ms = clock_wall_ms();
    CHECK_INT(model_job_finish(ts.st, &fin), CINDER_OK);
    store_job_cleanup(&fin);
    now = reread(&ts, j.id);
    CHECK_INT(now.credits_charged, 2);
    CHECK_INT(now.credits_reserved, now.credits_charged + now.credits_refunded);
    CHECK_INT(test_store_balance(&ts, "acme"), 8); /* 10 - 2 documents */
    store_job_cleanup(&now);
    for (int i = 0; i < 3; i++)
        store_item_cleanup(&it[i]);
    test_store_close(&ts);
}

TEST(cancel_refunds_pending_and_keeps_running_items_chargeable)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    char key[64];
    test_store_add_key(&ts, "acme", 100, key);
    store_job_t j;
    CHECK_INT(test_store_new_job(&ts, "acme", 5, &j), CINDER_OK);
    model_item_new_t in[5] = {{"https://ex.com/0", "0", 0, NULL},
                              {"https://ex.com/1", "1", 0, NULL},
                              {"https://ex.com/2", "2", 0, NULL},
                              {"https://ex.com/3", "3", 0, NULL},
                              {"https://ex.com/4", "4", 0, NULL}};
    int64_t t = clock_wall_ms();
    CHECK_INT(model_items_add(ts.st, j.id, in, 5, -1, t, NULL), CINDER_OK);
    store_item_t it[2];
    size_t got = 0;
    CHECK_INT(model_items_claim(ts.st, j.id, 2, t, it, &got), CINDER_OK);
    REQUIRE(got == 2);
    model_cancel_t c = {0};
    CHECK_INT(model_job_cancel(ts.st, j.id, t, &c), CINDER_OK);
    CHECK_INT(c.cancelled, 3);
    CHECK_INT(c.refunded, 3);
    CHECK_INT(test_store_balance(&ts, "acme"), 98); /* 100 - 5 reserved + 3 refunded */
    model_item_result_t res[2] = {
        {.seq = it[0].seq, .status = ITEM_SUCCEEDED, .doc = "{}", .doc_len = 2},
        {.seq = it[1].seq, .status = ITEM_FAILED, .reason = "timeout"},
    };
    CHECK_INT(model_items_finish(ts.st, j.id, res, 2, -1, t), CINDER_OK);
    store_job_t now = reread(&ts, j.id);
    CHECK_INT(now.credits_charged, 1);
    CHECK_INT(now.credits_reserved, now.credits_charged + now.credits_refunded);
    CHECK_INT(test_store_balance(&ts, "acme"), 99);
    store_job_cleanup(&now);
    CHECK_INT(model_items_retry(ts.st, j.id, t, &(int64_t){0}), CINDER_E_ALREADY_TERMINAL);
    store_item_cleanup(&it[0]);
    store_item_cleanup(&it[1]);
    test_store_close(&ts);
}

TEST(retry_reopens_a_job_and_reserves_again)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    char key[64];
    test_store_add_key(&ts, "acme", 2, key);
    store_job_t j;
    CHECK_INT(test_store_new_job(&ts, "acme", 2, &j), CINDER_OK);
    store_item_t it[2];
    run_items(&ts, j.id, 2, it);
    model_item_result_t res[2] = {
        {.seq = it[0].seq, .status = ITEM_FAILED, .reason = "timeout"},
        {.seq = it[1].seq, .status = ITEM_FAILED, .reason = "timeout"},
    };
    CHECK_INT(model_items_finish(ts.st, j.id, res, 2, -1, clock_wall_ms()), CINDER_OK);
    store_job_t fin = reread(&ts, j.id);
    fin.status = JOB_COMPLETED;
    fin.finished_ms = clock_wall_ms();
    CHECK_INT(model_job_finish(ts.st, &fin), CINDER_OK);
    store_job_cleanup(&fin);
    CHECK_INT(test_store_balance(&ts, "acme"), 2);
    CHECK_INT(store_team_credits(ts.st, "acme", 1, true, 1), CINDER_OK);
    int64_t n = -1;
    CHECK_INT(model_items_retry(ts.st, j.id, clock_wall_ms(), &n), CINDER_E_NO_CREDITS);
    CHECK_INT(n, 0);
    CHECK_INT(store_team_credits(ts.st, "acme", 5, true, 1), CINDER_OK);
    CHECK_INT(model_items_retry(ts.st, j.id, clock_wall_ms(), &n), CINDER_OK);
    CHECK_INT(n, 2);
    CHECK_INT(test_store_balance(&ts, "acme"), 3);
    store_job_t now = reread(&ts, j.id);
    CHECK_INT(now.status, JOB_RUNNING);
    CHECK_INT(now.failed, 0);
    CHECK_INT(now.credits_reserved, 4);
    store_job_cleanup(&now);
    store_item_info_t *items = NULL;
    size_t k = 0;
    CHECK_INT(store_items_list(ts.st, j.id, 10, true, &items, &k), CINDER_OK);
    CHECK_INT(k, 2);
    CHECK_INT(items[0].status, ITEM_PENDING);
    CHECK(items[0].doc == NULL);
    store_item_infos_free(items, k);
    for (int i = 0; i < 2; i++)
        store_item_cleanup(&it[i]);
    test_store_close(&ts);
}

TEST(a_job_completes_only_once_nothing_is_outstanding)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    char key[64];
    test_store_add_key(&ts, "acme", 10, key);
    store_job_t j;
    CHECK_INT(test_store_new_job(&ts, "acme", 2, &j), CINDER_OK);
    store_item_t it[2];
    run_items(&ts, j.id, 2, it);
    store_job_t fin = reread(&ts, j.id);
    fin.status = JOB_COMPLETED;
    fin.finished_ms = clock_wall_ms();
    CHECK_INT(model_job_finish(ts.st, &fin), CINDER_E_AGAIN); /* two items still run */
    store_job_t now = reread(&ts, j.id);
    CHECK_INT(now.status, JOB_RUNNING);
    store_job_cleanup(&now);
    model_item_result_t res[2] = {
        {.seq = it[0].seq, .status = ITEM_SUCCEEDED, .doc = "{}", .doc_len = 2},
        {.seq = it[1].seq, .status = ITEM_SKIPPED, .reason = "robots"},
    };
    CHECK_INT(model_items_finish(ts.st, j.id, res, 2, -1, clock_wall_ms()), CINDER_OK);
    CHECK_INT(model_job_finish(ts.st, &fin), CINDER_OK);
    CHECK_INT(model_job_finish(ts.st, &fin), CINDER_E_NOT_FOUND); /* ended: stays as it is */
    now = reread(&ts, j.id);
    CHECK_INT(now.status, JOB_COMPLETED);
    CHECK_INT(now.completed, 1);
    CHECK_INT(now.total, 1); /* the skipped item gave its budget slot back */
    CHECK_INT(now.credits_charged, 1);
    CHECK_INT(now.credits_refunded, 1);
    CHECK_INT(test_store_balance(&ts, "acme"), 9);
    store_job_cleanup(&now);
    store_job_cleanup(&fin);
    for (int i = 0; i < 2; i++)
        store_item_cleanup(&it[i]);
    test_store_close(&ts);
}

TEST(a_failed_job_keeps_its_reason_and_returns_what_it_reserved)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    char key[64];
    test_store_add_key(&ts, "acme", 10, key);
    store_job_t j;
    CHECK_INT(test_store_new_job(&ts, "acme", 3, &j), CINDER_OK);
    store_job_t fin = reread(&ts, j.id);
    fin.status = JOB_FAILED;
    fin.finished_ms = clock_wall_ms();
    free(fin.error);
    fin.error = strdup("the start URL could not be fetched");
    fin.error_code = strdup("SCRAPE_DNS_RESOLUTION_ERROR");
    CHECK_INT(model_job_finish(ts.st, &fin), CINDER_OK);
    store_job_t now = reread(&ts, j.id);
    CHECK_INT(now.status, JOB_FAILED);
    CHECK_STR(now.error, "the start URL could not be fetched");
    CHECK_STR(now.error_code, "SCRAPE_DNS_RESOLUTION_ERROR");
    CHECK_INT(now.credits_refunded, 3);
    CHECK(now.expires_ms >= fin.finished_ms + 3600000 - 5); /* its TTL restarted */
    CHECK_INT(test_store_balance(&ts, "acme"), 10);
    store_job_cleanup(&now);
    store_job_cleanup(&fin);
    test_store_close(&ts);
}

TEST(reserve_more_release_and_delete_settle_the_team_balance)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    char key[64];
    test_store_add_key(&ts, "acme", 10, key);
    store_job_t j;
    CHECK_INT(test_store_new_job(&ts, "acme", 2, &j), CINDER_OK);
    CHECK_INT(model_job_reserve(ts.st, j.id, 9, clock_wall_ms()), CINDER_E_NO_CREDITS);
    CHECK_INT(test_store_balance(&ts, "acme"), 8);
    CHECK_INT(model_job_reserve(ts.st, j.id, 5, clock_wall_ms()), CINDER_OK);
    CHECK_INT(test_store_balance(&ts, "acme"), 3);
    CHECK_INT(model_job_reserve(ts.st, j.id, -2, clock_wall_ms()), CINDER_OK);
    CHECK_INT(test_store_balance(&ts, "acme"), 5);
    store_job_t now = reread(&ts, j.id);
    CHECK_INT(now.credits_reserved, 5);
    store_job_cleanup(&now);
    store_item_t it[1];
    run_items(&ts, j.id, 1, it);
    model_item_result_t ok = {
        .seq = it[0].seq, .status = ITEM_SUCCEEDED, .doc = "{}", .doc_len = 2};
    CHECK_INT(model_items_finish(ts.st, j.id, &ok, 1, -1, clock_wall_ms()), CINDER_OK);
    CHECK_INT(model_job_delete(ts.st, j.id), CINDER_OK); /* 4 of 5 were never used */
    CHECK_INT(test_store_balance(&ts, "acme"), 9);
    CHECK_INT(store_job_get(ts.st, j.id, &now), CINDER_E_NOT_FOUND);
    CHECK_INT(model_job_delete(ts.st, j.id), CINDER_E_NOT_FOUND);
    CHECK_INT(model_job_reserve(ts.st, j.id, 1, clock_wall_ms()), CINDER_E_NOT_FOUND);
    store_item_cleanup(&it[0]);
    test_store_close(&ts);
}

TEST(the_open_team_and_unlimited_teams_are_never_debited)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    char key[64];
    test_store_add_key(&ts, "big", -1, key);
    store_job_t a, b;
    CHECK_INT(test_store_new_job(&ts, "big", 1000000, &a), CINDER_OK);
    CHECK_INT(test_store_new_job(&ts, "", 1000000, &b), CINDER_OK);
    CHECK_INT(test_store_balance(&ts, "big"), -1);
    model_cancel_t c = {0};
    CHECK_INT(model_job_cancel(ts.st, a.id, clock_wall_ms(), &c), CINDER_OK);
    CHECK_INT(c.refunded, 1000000);
    CHECK_INT(test_store_balance(&ts, "big"), -1);
    CHECK_INT(model_job_cancel(ts.st, a.id, clock_wall_ms(), &c), CINDER_E_ALREADY_TERMINAL);
    test_store_close(&ts);
}
