/*
 * The store a contract test runs on. The store contract suite (store_jobs_test.c,
 * store_items_test.c, store_accounts_test.c, store_outbox_test.c, store_trieve_test.c) goes
 * through src/store/'s public headers only and opens its stores here, so that every backend
 * passes the same tests: CINDER_TEST_STORE names the backend ("sqlite", the default, in a fresh
 * temporary directory). An unknown name fails the test instead of testing something else.
 */
#ifndef CINDER_TEST_STORE_H
#define CINDER_TEST_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_jobs.h"

typedef struct {
    char dir[64]; /* the backend's scratch directory (SQLite: the data directory) */
    store_t *st;
} test_store_t;

/* Opens a new, empty store into ts. False (the test failed) when it cannot. */
bool test_store_open(test_store_t *ts);

/* Closes the store and opens the same one again (what survives a restart). */
bool test_store_reopen(test_store_t *ts);

/* Closes the store and removes what it wrote. */
void test_store_close(test_store_t *ts);

/* Adds a new API key of team (created with credits when new; -1: unlimited); key receives the
 * key's text. */
void test_store_add_key(test_store_t *ts, const char *team, int64_t credits, char key[64]);

/* The credit balance of team (-1: unlimited). */
int64_t test_store_balance(test_store_t *ts, const char *team);

/* Creates a running batch job of team through the job model, reserving reserve credits; *j
 * receives its record (strings borrowed from literals). */
cinder_err test_store_new_job(test_store_t *ts, const char *team, int64_t reserve, store_job_t *j);

#endif
