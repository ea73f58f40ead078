#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

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
