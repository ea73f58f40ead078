/* Contract tests of the store's accounts: keys, team balances, a team's job listing and
 * idempotency keys. The credits of jobs are the job model's (model_job_test.c). */
#include "test.h"
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/auth.h"
#include "model/job.h"
#include "store/store_accounts.h"
#include "store/store_jobs.h"
#include "util/clock.h"
#include "util/uuid.h"

TEST(keys_are_found_by_hash_listed_and_revoked)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    char key[64];
    test_store_add_key(&ts, "acme", 10, key);
    store_key_t k;
    char hash[65];
    auth_key_hash(key, hash);
    CHECK_INT(store_key_find(ts.st, hash, &k), CINDER_OK);
    CHECK_STR(k.team, "acme");
    CHECK_INT(k.revoked_ms, 0);
    CHECK_INT(strncmp(k.prefix, key, 11), 0);
    auth_key_hash("fc-unknown", hash);
    CHECK_INT(store_key_find(ts.st, hash, &k), CINDER_E_NOT_FOUND);
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%.11s", key);
    CHECK_INT(store_key_revoke(ts.st, prefix, 5), CINDER_OK);
    CHECK_INT(store_key_revoke(ts.st, prefix, 6), CINDER_E_NOT_FOUND);
    store_key_t *all = NULL;
    size_t n = 0;
    CHECK_INT(store_keys_list(ts.st, &all, &n), CINDER_OK);
    CHECK_INT(n, 1);
    CHECK_INT(all[0].revoked_ms, 5);
    free(all);
    CHECK_INT(test_store_balance(&ts, "acme"), 10);
    CHECK_INT(store_team_credits(ts.st, "acme", -11, false, 1), CINDER_E_INVALID);
    CHECK_INT(store_team_credits(ts.st, "acme", 5, false, 1), CINDER_OK);
    CHECK_INT(test_store_balance(&ts, "acme"), 15);
    CHECK_INT(store_team_credits(ts.st, "nobody", 5, false, 1), CINDER_E_NOT_FOUND);
    test_store_close(&ts);
}

TEST(jobs_list_is_per_team_newest_first_and_idempotency_keys_are_per_team)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    store_job_t j[3];
    for (int i = 0; i < 3; i++) {
        CHECK_INT(test_store_new_job(&ts, i < 2 ? "a" : "b", 0, &j[i]), CINDER_OK);
        usleep(2000);
    }
    char **ids = NULL;
    size_t n = 0;
    int64_t total = 0;
    CHECK_INT(store_jobs_list(ts.st, "a", JOB_KIND_BATCH, 0, 1, &ids, &n, &total), CINDER_OK);
    CHECK_INT(total, 2);
    REQUIRE(n == 1);
    CHECK_STR(ids[0], j[1].id);
    store_docs_free(ids, n);
    CHECK_INT(store_jobs_list(ts.st, "a", JOB_KIND_BATCH, 1, 5, &ids, &n, &total), CINDER_OK);
    REQUIRE(n == 1);
    CHECK_STR(ids[0], j[0].id);
    store_docs_free(ids, n);
    CHECK_INT(store_idem_claim(ts.st, "a", "k1", 1), CINDER_OK);
    CHECK_INT(store_idem_claim(ts.st, "a", "k1", 2), CINDER_E_CONFLICT);
    CHECK_INT(store_idem_claim(ts.st, "b", "k1", 2), CINDER_OK);
    CHECK_INT(store_idem_release(ts.st, "a", "k1"), CINDER_OK);
    CHECK_INT(store_idem_claim(ts.st, "a", "k1", 3), CINDER_OK);
    test_store_close(&ts);
}
