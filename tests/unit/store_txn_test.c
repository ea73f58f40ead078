/* Contract tests of the store's transaction primitives (store/store_txn.h): each primitive does
 * exactly the row change it names, a rolled-back transaction leaves nothing, and a committed
 * one survives a reopen. Every backend must pass them. */
#include "test.h"
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_jobs.h"
#include "store/store_txn.h"
#include "util/clock.h"
#include "util/uuid.h"

static void make_job(store_job_t *j)
{
    memset(j, 0, sizeof *j);
    uuid_generate_v4(j->id);
    j->kind = JOB_KIND_CRAWL;
    j->status = JOB_RUNNING;
    j->api_version = 2;
    j->created_ms = clock_wall_ms();
    j->expires_ms = j->created_ms + 60000;
    j->url = "https://ex.com/";
    j->options = "{}";
    snprintf(j->team, sizeof j->team, "t1");
    j->credits_reserved = 7;
}

/* Inserts job j in a transaction of its own. */
static void insert_job(store_t *st, const store_job_t *j)
{
    store_txn_t *tx = NULL;
    REQUIRE(store_txn_begin(st, &tx) == CINDER_OK);
    CHECK_INT(store_txn_end(tx, store_tx_job_insert(tx, j)), CINDER_OK);
}

TEST(job_rows_are_read_and_written_whole_and_rollback_leaves_nothing)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    store_job_t j;
    make_job(&j);
    store_txn_t *tx = NULL;
    REQUIRE(store_txn_begin(ts.st, &tx) == CINDER_OK);
    CHECK_INT(store_tx_job_insert(tx, &j), CINDER_OK);
    CHECK_INT(store_txn_end(tx, CINDER_E_DECLINED), CINDER_E_DECLINED); /* rolled back */
    store_job_t r;
    CHECK_INT(store_job_get(ts.st, j.id, &r), CINDER_E_NOT_FOUND);
    insert_job(ts.st, &j);
    REQUIRE(store_txn_begin(ts.st, &tx) == CINDER_OK);
    CHECK_INT(store_tx_job_insert(tx, &j), CINDER_E_CONFLICT);
    store_job_row_t row;
    CHECK_INT(store_tx_job_read(tx, j.id, &row), CINDER_OK);
    CHECK_INT(row.kind, JOB_KIND_CRAWL);
    CHECK_INT(row.credits_reserved, 7);
    CHECK_INT(row.next_seq, 0);
    CHECK_STR(row.team, "t1");
    row.status = JOB_COMPLETED;
    row.finished_ms = j.created_ms + 10;
    row.expires_ms = j.created_ms + 120000;
    row.admitted = 3;
    row.completed = 2;
    row.failed = 1;
    row.credits_charged = 2;
    row.credits_refunded = 5;
    CHECK_INT(store_tx_job_write(tx, j.id, &row), CINDER_OK);
    CHECK_INT(store_tx_job_error(tx, j.id, "boom", "E_X"), CINDER_OK);
    CHECK_INT(store_tx_job_read(tx, "123e4567-e89b-42d3-a456-426614174000", &row),
              CINDER_E_NOT_FOUND);
    CHECK_INT(store_txn_end(tx, CINDER_OK), CINDER_OK);
    REQUIRE(test_store_reopen(&ts));
    CHECK_INT(store_job_get(ts.st, j.id, &r), CINDER_OK);
    CHECK_INT(r.status, JOB_COMPLETED);
    CHECK_INT(r.total, 3);
    CHECK_INT(r.completed, 2);
    CHECK_INT(r.failed, 1);
    CHECK_INT(r.expires_ms, j.created_ms + 120000);
    CHECK_INT(r.credits_refunded, 5);
    CHECK_STR(r.error, "boom");
    CHECK_STR(r.error_code, "E_X");
    store_job_cleanup(&r);
    test_store_close(&ts);
}

/* Inserts item seq with key k as status s. */
static bool put_item(store_txn_t *tx, const char *job, int64_t seq, const char *k, item_status s)
{
    char url[64];
    snprintf(url, sizeof url, "https://ex.com/%s", k);
    store_item_row_t row = {seq, k, url, 1, s, s == ITEM_SKIPPED ? "robots" : NULL, 10};
    bool inserted = false;
    CHECK_INT(store_tx_item_insert(tx, job, &row, &inserted), CINDER_OK);
    return inserted;
}

TEST(items_are_keyed_once_and_change_only_from_the_state_named)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    store_job_t j;
    make_job(&j);
    insert_job(ts.st, &j);
    store_txn_t *tx = NULL;
    REQUIRE(store_txn_begin(ts.st, &tx) == CINDER_OK);
    CHECK(put_item(tx, j.id, 0, "a", ITEM_PENDING));
    CHECK(!put_item(tx, j.id, 1, "a", ITEM_PENDING)); /* the key is taken */
    CHECK(put_item(tx, j.id, 1, "b", ITEM_PENDING));
    CHECK(put_item(tx, j.id, 2, "c", ITEM_SKIPPED));
    store_item_key_t k;
    CHECK_INT(store_tx_item_find(tx, j.id, "c", &k), CINDER_OK);
    CHECK_INT(k.seq, 2);
    CHECK_INT(k.status, ITEM_SKIPPED);
    CHECK_STR(k.reason, "robots");
    CHECK_INT(store_tx_item_find(tx, j.id, "zz", &k), CINDER_E_NOT_FOUND);
    store_job_row_t row;
    CHECK_INT(store_tx_job_read(tx, j.id, &row), CINDER_OK);
    CHECK_INT(row.next_seq, 3);
    store_item_set_t run = {.status = ITEM_RUNNING, .attempts = 1};
    bool changed = true;
    CHECK_INT(store_tx_item_set(tx, j.id, 0, ITEM_RUNNING, &run, &changed), CINDER_OK);
    CHECK(!changed); /* item 0 is pending, not running */
    CHECK_INT(store_tx_item_set(tx, j.id, 0, ITEM_PENDING, &run, &changed), CINDER_OK);
    CHECK(changed);
    store_item_set_t done = {.status = ITEM_FAILED,
                             .reason = "http_error",
                             .error = "HTTP 500",
                             .http_status = 500,
                             .finished_ms = 20,
                             .attempts = -1};
    CHECK_INT(store_tx_item_set(tx, j.id, 0, ITEM_RUNNING, &done, &changed), CINDER_OK);
    CHECK(changed);
    CHECK_INT(store_txn_end(tx, CINDER_OK), CINDER_OK);
    store_item_info_t *items = NULL;
    size_t n = 0;
    CHECK_INT(store_items_list(ts.st, j.id, 10, false, &items, &n), CINDER_OK);
    REQUIRE(n == 3);
    CHECK_INT(items[0].status, ITEM_FAILED);
    CHECK_INT(items[0].attempts, 1); /* kept: attempts < 0 leaves the column alone */
    CHECK_INT(items[0].http_status, 500);
    CHECK_STR(items[0].error, "HTTP 500");
    CHECK_INT(items[1].status, ITEM_PENDING);
    store_item_infos_free(items, n);
    test_store_close(&ts);
}

TEST(due_items_come_in_order_and_set_all_moves_one_state)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    store_job_t j, other;
    make_job(&j);
    make_job(&other);
    insert_job(ts.st, &j);
    insert_job(ts.st, &other);
    store_txn_t *tx = NULL;
    REQUIRE(store_txn_begin(ts.st, &tx) == CINDER_OK);
    const char *keys[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++)
        put_item(tx, j.id, i, keys[i], ITEM_PENDING);
    put_item(tx, other.id, 0, "a", ITEM_PENDING);
    store_item_set_t later = {.status = ITEM_PENDING, .not_before_ms = 500, .attempts = -1};
    bool changed = false;
    CHECK_INT(store_tx_item_set(tx, j.id, 1, ITEM_PENDING, &later, &changed), CINDER_OK);
    store_item_t due[4];
    size_t n = 0;
    CHECK_INT(store_tx_items_due(tx, j.id, 2, 100, due, &n), CINDER_OK);
    REQUIRE(n == 2);
    CHECK_INT(due[0].seq, 0);
    CHECK_INT(due[1].seq, 2); /* item 1 is not due before 500 */
    CHECK_STR(due[1].url, "https://ex.com/c");
    for (size_t i = 0; i < n; i++)
        store_item_cleanup(&due[i]);
    CHECK_INT(store_tx_items_due(tx, j.id, 4, 600, due, &n), CINDER_OK);
    CHECK_INT(n, 4);
    for (size_t i = 0; i < n; i++)
        store_item_cleanup(&due[i]);
    store_item_set_t cancel = {.status = ITEM_CANCELLED, .reason = "cancelled", .attempts = -1};
    int64_t moved = 0;
    CHECK_INT(store_tx_items_set_all(tx, j.id, ITEM_PENDING, &cancel, &moved), CINDER_OK);
    CHECK_INT(moved, 4);
    CHECK_INT(store_tx_items_due(tx, other.id, 4, 600, due, &n), CINDER_OK);
    CHECK_INT(n, 1); /* the other job's item is untouched */
    store_item_cleanup(&due[0]);
    CHECK_INT(store_tx_items_set_all(tx, NULL, ITEM_CANCELLED, &later, &moved), CINDER_OK);
    CHECK_INT(moved, 4); /* every job */
    CHECK_INT(store_txn_end(tx, CINDER_OK), CINDER_OK);
    test_store_close(&ts);
}

TEST(documents_teams_ledger_events_and_delete)
{
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    store_job_t j;
    make_job(&j);
    insert_job(ts.st, &j);
    store_txn_t *tx = NULL;
    REQUIRE(store_txn_begin(ts.st, &tx) == CINDER_OK);
    CHECK_INT(store_tx_doc_insert(tx, j.id, 0, 5, "{\"a\":1}", 7, false), CINDER_OK);
    int64_t credits = 0;
    CHECK_INT(store_tx_team_credits(tx, "nobody", &credits), CINDER_E_NOT_FOUND);
    store_event_t ev = {.url = "http://127.0.0.1:1/hook", .body = "{\"type\":\"x\"}"};
    CHECK_INT(store_tx_event(tx, j.id, &ev, -1, 30), CINDER_OK);
    CHECK_INT(store_tx_ledger(tx, "t1", j.id, "reserve", -7, 30), CINDER_OK);
    CHECK_INT(store_txn_end(tx, CINDER_OK), CINDER_OK);
    char *doc = NULL;
    size_t len = 0;
    CHECK_INT(store_doc_get(ts.st, j.id, 0, &doc, &len), CINDER_OK);
    CHECK_STR(doc, "{\"a\":1}");
    free(doc);
    REQUIRE(store_txn_begin(ts.st, &tx) == CINDER_OK);
    CHECK_INT(store_tx_job_delete(tx, j.id), CINDER_OK);
    CHECK_INT(store_tx_job_delete(tx, j.id), CINDER_E_NOT_FOUND);
    CHECK_INT(store_txn_end(tx, CINDER_OK), CINDER_OK);
    store_job_t r;
    CHECK_INT(store_job_get(ts.st, j.id, &r), CINDER_E_NOT_FOUND);
    CHECK_INT(store_doc_get(ts.st, j.id, 0, &doc, &len), CINDER_E_NOT_FOUND);
    test_store_close(&ts);
}
