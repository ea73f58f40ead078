#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#include "api/auth.h"
#include "model/job.h"
#include "store/store_accounts.h"
#include "util/clock.h"
#include "util/uuid.h"

/* The backend under test: CINDER_TEST_STORE, "sqlite" when unset. */
static const char *backend(void)
{
    const char *b = getenv("CINDER_TEST_STORE");
    return b && *b ? b : "sqlite";
}

bool test_store_open(test_store_t *ts)
{
    memset(ts, 0, sizeof *ts);
    if (strcmp(backend(), "sqlite") != 0) {
        test_fail(__FILE__, __LINE__, "CINDER_TEST_STORE=%s: no such backend", backend());
        return false;
    }
    snprintf(ts->dir, sizeof ts->dir, "/tmp/cinder-store-XXXXXX");
    return mkdtemp(ts->dir) && store_open(ts->dir, &ts->st) == CINDER_OK;
}

bool test_store_reopen(test_store_t *ts)
{
    store_close(ts->st);
    ts->st = NULL;
    return store_open(ts->dir, &ts->st) == CINDER_OK;
}

void test_store_close(test_store_t *ts)
{
    store_close(ts->st);
    ts->st = NULL;
    if (!ts->dir[0])
        return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", ts->dir);
    CHECK_INT(system(cmd), 0);
}

void test_store_add_key(test_store_t *ts, const char *team, int64_t credits, char key[64])
{
    store_key_t k;
    CHECK_INT(auth_key_make(key, 64, &k), CINDER_OK);
    snprintf(k.team, sizeof k.team, "%s", team);
    CHECK_INT(store_key_add(ts->st, &k, credits), CINDER_OK);
}

int64_t test_store_balance(test_store_t *ts, const char *team)
{
    store_team_t t;
    CHECK_INT(store_team_get(ts->st, team, &t), CINDER_OK);
    return t.credits;
}

cinder_err test_store_new_job(test_store_t *ts, const char *team, int64_t reserve, store_job_t *j)
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
    return model_job_create(ts->st, j);
}
