/* Contract tests of the store's accounts: keys, team balances, and the credits ledger of jobs
 * through their whole life (reserve, charge, refund on failure, cancel, finish, retry). */
#include "test.h"
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/auth.h"
#include "store/store_accounts.h"
#include "store/store_jobs.h"
#include "util/clock.h"
#include "util/uuid.h"

typedef struct {
    test_store_t ts; /* the store under test (test_store.h) */
} fixture_t;

static bool setup(fixture_t *f)
{
    return test_store_open(&f->ts);
}

static void teardown(fixture_t *f)
{
    test_store_close(&f->ts);
}

static void add_key(fixture_t *f, const char *team, int64_t credits, char key[64])
{
    store_key_t k;
    CHECK_INT(auth_key_make(key, 64, &k), CINDER_OK);
    snprintf(k.team, sizeof k.team, "%s", team);
    CHECK_INT(store_key_add(f->ts.st, &k, credits), CINDER_OK);
}

static int64_t balance(fixture_t *f, const char *team)
{
    store_team_t t;
    CHECK_INT(store_team_get(f->ts.st, team, &t), CINDER_OK);
    return t.credits;
}

static cinder_err new_job(fixture_t *f, const char *team, int64_t reserve, store_job_t *j)
{
    memset(j, 0, sizeof *j);
    uuid_generate_v4(j->id);
    j->kind = JOB_KIND_BATCH;
    j->status = JOB_RUNNING;
    j->api_version = 1;
    j->created_ms = clock_wall_ms();
    j->expires_ms = j->created_ms + 3600000;
    j->url = "https://ex.com/";
    snprintf(j->team, sizeof j->team, "%s", team);
    j->credits_reserved = reserve;
    return store_job_create(f->ts.st, j);
}

static store_job_t reread(fixture_t *f, const char *id)
{
    store_job_t j;
    memset(&j, 0, sizeof j);
    CHECK_INT(store_job_get(f->ts.st, id, &j), CINDER_OK);
    return j;
}

/* Admits n items and claims them all. */
static void run_items(fixture_t *f, const char *id, size_t n, store_item_t *out)
{
    store_item_new_t in[8];
    char keys[8][24], urls[8][48];
    for (size_t i = 0; i < n; i++) {
        snprintf(keys[i], sizeof keys[i], "k%zu", i);
        snprintf(urls[i], sizeof urls[i], "https://ex.com/%zu", i);
        in[i] = (store_item_new_t){urls[i], keys[i], 0, NULL};
    }
    int64_t now = clock_wall_ms();
    CHECK_INT(store_items_add(f->ts.st, id, in, n, -1, now, NULL), CINDER_OK);
    size_t got = 0;
    CHECK_INT(store_items_claim(f->ts.st, id, n, now, out, &got), CINDER_OK);
    CHECK_INT(got, n);
}

TEST(keys_are_found_by_hash_listed_and_revoked)
{
    fixture_t f;
    REQUIRE(setup(&f));
    char key[64];
    add_key(&f, "acme", 10, key);
    store_key_t k;
    char hash[65];
    auth_key_hash(key, hash);
    CHECK_INT(store_key_find(f.ts.st, hash, &k), CINDER_OK);
    CHECK_STR(k.team, "acme");
    CHECK_INT(k.revoked_ms, 0);
    CHECK_INT(strncmp(k.prefix, key, 11), 0);
    auth_key_hash("fc-unknown", hash);
    CHECK_INT(store_key_find(f.ts.st, hash, &k), CINDER_E_NOT_FOUND);
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%.11s", key);
    CHECK_INT(store_key_revoke(f.ts.st, prefix, 5), CINDER_OK);
    CHECK_INT(store_key_revoke(f.ts.st, prefix, 6), CINDER_E_NOT_FOUND);
    store_key_t *all = NULL;
    size_t n = 0;
    CHECK_INT(store_keys_list(f.ts.st, &all, &n), CINDER_OK);
    CHECK_INT(n, 1);
    CHECK_INT(all[0].revoked_ms, 5);
    free(all);
    CHECK_INT(balance(&f, "acme"), 10);
    CHECK_INT(store_team_credits(f.ts.st, "acme", -11, false, 1), CINDER_E_INVALID);
    CHECK_INT(store_team_credits(f.ts.st, "acme", 5, false, 1), CINDER_OK);
    CHECK_INT(balance(&f, "acme"), 15);
    CHECK_INT(store_team_credits(f.ts.st, "nobody", 5, false, 1), CINDER_E_NOT_FOUND);
    teardown(&f);
}

TEST(a_job_reserves_charges_documents_and_refunds_failures_and_the_rest)
{
    fixture_t f;
    REQUIRE(setup(&f));
    char key[64];
    add_key(&f, "acme", 10, key);
    store_job_t j;
    CHECK_INT(new_job(&f, "acme", 11, &j), CINDER_E_NO_CREDITS);
    CHECK_INT(balance(&f, "acme"), 10);
    CHECK_INT(new_job(&f, "acme", 4, &j), CINDER_OK);
    CHECK_INT(balance(&f, "acme"), 6);
    store_item_t it[3];
    run_items(&f, j.id, 3, it);
    store_item_result_t res[2] = {
        {.seq = it[0].seq, .status = ITEM_SUCCEEDED, .doc = "{}", .doc_len = 2},
        {.seq = it[1].seq, .status = ITEM_FAILED, .reason = "http_error"},
    };
    CHECK_INT(store_items_finish(f.ts.st, j.id, res, 2, -1, clock_wall_ms()), CINDER_OK);
    store_job_t now = reread(&f, j.id);
    CHECK_INT(now.credits_charged, 1);
    CHECK_INT(now.credits_refunded, 1);
    CHECK_INT(balance(&f, "acme"), 7);
    store_job_cleanup(&now);
    res[0].seq = it[2].seq;
    CHECK_INT(store_items_finish(f.ts.st, j.id, res, 1, -1, clock_wall_ms()), CINDER_OK);
    store_job_t fin = reread(&f, j.id);
    fin.status = JOB_COMPLETED;
    fin.finished_ms = clock_wall_ms();
    CHECK_INT(store_job_finish(f.ts.st, &fin), CINDER_OK);
    store_job_cleanup(&fin);
    now = reread(&f, j.id);
    CHECK_INT(now.credits_charged, 2);
    CHECK_INT(now.credits_reserved, now.credits_charged + now.credits_refunded);
    CHECK_INT(balance(&f, "acme"), 8); /* 10 - 2 documents */
    store_job_cleanup(&now);
    for (int i = 0; i < 3; i++)
        store_item_cleanup(&it[i]);
    teardown(&f);
}

TEST(cancel_refunds_pending_and_keeps_running_items_chargeable)
{
    fixture_t f;
    REQUIRE(setup(&f));
    char key[64];
    add_key(&f, "acme", 100, key);
    store_job_t j;
    CHECK_INT(new_job(&f, "acme", 5, &j), CINDER_OK);
    store_item_new_t in[5] = {{"https://ex.com/0", "0", 0, NULL},
                              {"https://ex.com/1", "1", 0, NULL},
                              {"https://ex.com/2", "2", 0, NULL},
                              {"https://ex.com/3", "3", 0, NULL},
                              {"https://ex.com/4", "4", 0, NULL}};
    int64_t t = clock_wall_ms();
    CHECK_INT(store_items_add(f.ts.st, j.id, in, 5, -1, t, NULL), CINDER_OK);
    store_item_t it[2];
    size_t got = 0;
    CHECK_INT(store_items_claim(f.ts.st, j.id, 2, t, it, &got), CINDER_OK);
    REQUIRE(got == 2);
    store_cancel_t c = {0};
    CHECK_INT(store_job_cancel(f.ts.st, j.id, t, &c), CINDER_OK);
    CHECK_INT(c.cancelled, 3);
    CHECK_INT(c.refunded, 3);
    CHECK_INT(balance(&f, "acme"), 98); /* 100 - 5 reserved + 3 refunded */
    store_item_result_t res[2] = {
        {.seq = it[0].seq, .status = ITEM_SUCCEEDED, .doc = "{}", .doc_len = 2},
        {.seq = it[1].seq, .status = ITEM_FAILED, .reason = "timeout"},
    };
    CHECK_INT(store_items_finish(f.ts.st, j.id, res, 2, -1, t), CINDER_OK);
    store_job_t now = reread(&f, j.id);
    CHECK_INT(now.credits_charged, 1);
    CHECK_INT(now.credits_reserved, now.credits_charged + now.credits_refunded);
    CHECK_INT(balance(&f, "acme"), 99);
    store_job_cleanup(&now);
    CHECK_INT(store_items_retry(f.ts.st, j.id, t, &(int64_t){0}), CINDER_E_ALREADY_TERMINAL);
    store_item_cleanup(&it[0]);
    store_item_cleanup(&it[1]);
    teardown(&f);
}

TEST(retry_reopens_a_job_and_reserves_again)
{
    fixture_t f;
    REQUIRE(setup(&f));
    char key[64];
    add_key(&f, "acme", 2, key);
    store_job_t j;
    CHECK_INT(new_job(&f, "acme", 2, &j), CINDER_OK);
    store_item_t it[2];
    run_items(&f, j.id, 2, it);
    store_item_result_t res[2] = {
        {.seq = it[0].seq, .status = ITEM_FAILED, .reason = "timeout"},
        {.seq = it[1].seq, .status = ITEM_FAILED, .reason = "timeout"},
    };
    CHECK_INT(store_items_finish(f.ts.st, j.id, res, 2, -1, clock_wall_ms()), CINDER_OK);
    store_job_t fin = reread(&f, j.id);
    fin.status = JOB_COMPLETED;
    fin.finished_ms = clock_wall_ms();
    CHECK_INT(store_job_finish(f.ts.st, &fin), CINDER_OK);
    store_job_cleanup(&fin);
    CHECK_INT(balance(&f, "acme"), 2);
    CHECK_INT(store_team_credits(f.ts.st, "acme", 1, true, 1), CINDER_OK);
    int64_t n = -1;
    CHECK_INT(store_items_retry(f.ts.st, j.id, clock_wall_ms(), &n), CINDER_E_NO_CREDITS);
    CHECK_INT(n, 0);
    CHECK_INT(store_team_credits(f.ts.st, "acme", 5, true, 1), CINDER_OK);
    CHECK_INT(store_items_retry(f.ts.st, j.id, clock_wall_ms(), &n), CINDER_OK);
    CHECK_INT(n, 2);
    CHECK_INT(balance(&f, "acme"), 3);
    store_job_t now = reread(&f, j.id);
    CHECK_INT(now.status, JOB_RUNNING);
    CHECK_INT(now.failed, 0);
    CHECK_INT(now.credits_reserved, 4);
    store_job_cleanup(&now);
    store_item_info_t *items = NULL;
    size_t k = 0;
    CHECK_INT(store_items_list(f.ts.st, j.id, 10, true, &items, &k), CINDER_OK);
    CHECK_INT(k, 2);
    CHECK_INT(items[0].status, ITEM_PENDING);
    CHECK(items[0].doc == NULL);
    store_item_infos_free(items, k);
    for (int i = 0; i < 2; i++)
        store_item_cleanup(&it[i]);
    teardown(&f);
}

TEST(jobs_list_is_per_team_newest_first_and_idempotency_keys_are_per_team)
{
    fixture_t f;
    REQUIRE(setup(&f));
    store_job_t j[3];
    for (int i = 0; i < 3; i++) {
        CHECK_INT(new_job(&f, i < 2 ? "a" : "b", 0, &j[i]), CINDER_OK);
        usleep(2000);
    }
    char **ids = NULL;
    size_t n = 0;
    int64_t total = 0;
    CHECK_INT(store_jobs_list(f.ts.st, "a", JOB_KIND_BATCH, 0, 1, &ids, &n, &total), CINDER_OK);
    CHECK_INT(total, 2);
    REQUIRE(n == 1);
    CHECK_STR(ids[0], j[1].id);
    store_docs_free(ids, n);
    CHECK_INT(store_jobs_list(f.ts.st, "a", JOB_KIND_BATCH, 1, 5, &ids, &n, &total), CINDER_OK);
    REQUIRE(n == 1);
    CHECK_STR(ids[0], j[0].id);
    store_docs_free(ids, n);
    CHECK_INT(store_idem_claim(f.ts.st, "a", "k1", 1), CINDER_OK);
    CHECK_INT(store_idem_claim(f.ts.st, "a", "k1", 2), CINDER_E_CONFLICT);
    CHECK_INT(store_idem_claim(f.ts.st, "b", "k1", 2), CINDER_OK);
    CHECK_INT(store_idem_release(f.ts.st, "a", "k1"), CINDER_OK);
    CHECK_INT(store_idem_claim(f.ts.st, "a", "k1", 3), CINDER_OK);
    teardown(&f);
}
