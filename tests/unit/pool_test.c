#include "test.h"

#include <stdatomic.h>

#include "util/pool.h"
#include "util/uuid.h"

static atomic_int counter;

static void bump(void *arg)
{
    atomic_fetch_add(&counter, *(int *)arg);
}

TEST(pool_runs_every_task_before_free_returns)
{
    static int one = 1;
    atomic_store(&counter, 0);
    pool_t *p = pool_new(3, 4);
    for (int i = 0; i < 1000; i++)
        CHECK_INT(pool_submit(p, bump, &one), CINDER_OK);
    pool_free(p);
    CHECK_INT(atomic_load(&counter), 1000);
    pool_free(NULL);
}

TEST(pool_stop_runs_queued_tasks_then_refuses_new_ones)
{
    static int one = 1;
    atomic_store(&counter, 0);
    pool_t *p = pool_new(3, 64);
    REQUIRE(p != NULL);
    CHECK_INT(pool_threads(p), 3);
    for (int i = 0; i < 50; i++)
        CHECK_INT(pool_submit(p, bump, &one), CINDER_OK);
    pool_stop(p);
    CHECK_INT(atomic_load(&counter), 50);
    CHECK_INT(pool_submit(p, bump, &one), CINDER_E_SHUTDOWN);
    CHECK_INT(pool_try_submit(p, bump, &one), CINDER_E_SHUTDOWN);
    CHECK_INT(pool_pending(p), 0);
    pool_stop(p); /* a second stop does nothing */
    pool_free(p);
    CHECK_INT(atomic_load(&counter), 50);
    pool_stop(NULL);
}

TEST(uuid_format)
{
    char a[UUID_STR_LEN], b[UUID_STR_LEN];
    uuid_generate_v4(a);
    uuid_generate_v4(b);
    CHECK(uuid_is_valid(a));
    CHECK(strcmp(a, b) != 0);
    CHECK(a[14] == '4');
    CHECK(!uuid_is_valid("not-a-uuid"));
    CHECK(!uuid_is_valid("123e4567-e89b-12d3-a456-42661417400g"));
    CHECK(uuid_is_valid("123E4567-e89b-12d3-a456-426614174000"));
}
