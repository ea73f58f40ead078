/* Contract tests of the store's Trieve operations (datasets, crawl requests, chunks) and of
 * job deletion, run against SQLite. */
#include "test.h"
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/items.h"
#include "model/job.h"
#include "store/store_jobs.h"
#include "store/store_trieve.h"
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

/* A running crawl job with one document and one pending item; its id goes to id. */
static void make_job(fixture_t *f, char id[40])
{
    store_job_t j;
    memset(&j, 0, sizeof j);
    uuid_generate_v4(j.id);
    j.kind = JOB_KIND_CRAWL;
    j.status = JOB_RUNNING;
    j.created_ms = clock_wall_ms();
    j.expires_ms = j.created_ms + 3600000;
    j.url = "https://ex.com/";
    CHECK_INT(model_job_create(f->ts.st, &j), CINDER_OK);
    model_item_new_t it[] = {{"https://ex.com/", "ex.com/", 0, NULL},
                             {"https://ex.com/a", "ex.com/a", 1, NULL}};
    CHECK_INT(model_items_add(f->ts.st, j.id, it, 2, -1, j.created_ms, NULL), CINDER_OK);
    CHECK_INT(store_doc_put(f->ts.st, j.id, 0, "{\"markdown\":\"x\"}", 16), CINDER_OK);
    memcpy(id, j.id, 40);
}

static store_trieve_t request(const char *team, const char *dataset, const char *job,
                              int64_t created)
{
    store_trieve_t r;
    memset(&r, 0, sizeof r);
    uuid_generate_v4(r.id);
    snprintf(r.team, sizeof r.team, "%s", team);
    snprintf(r.dataset, sizeof r.dataset, "%s", dataset);
    snprintf(r.scrape_id, sizeof r.scrape_id, "%s", job);
    r.url = "https://ex.com/";
    r.options = "{\"site_url\":\"https://ex.com/\"}";
    r.crawl = "{}";
    r.created_ms = r.started_ms = created;
    return r;
}

static store_chunk_t chunk(const char *tracking, const char *request, const char *text, int pos)
{
    store_chunk_t c;
    memset(&c, 0, sizeof c);
    c.tracking_id = (char *)tracking;
    c.request_id = (char *)request;
    c.url = "https://ex.com/a";
    c.heading = "H";
    c.html = "<h2>H</h2><p>x</p>";
    c.text = (char *)text;
    c.metadata = "{\"url\":\"https://ex.com/a\"}";
    c.tag_set = "[\"a\"]";
    c.position = pos;
    return c;
}

TEST(trieve_requests_are_scoped_by_team_and_dataset)
{
    fixture_t f;
    REQUIRE(setup(&f));
    CHECK_INT(store_dataset_touch(f.ts.st, "t1", "ds", 1), CINDER_OK);
    CHECK_INT(store_dataset_touch(f.ts.st, "t1", "ds", 2), CINDER_OK); /* known: no error */
    store_trieve_t a = request("t1", "ds", "job-a", 1000), b = request("t1", "ds", "job-b", 2000),
                   c = request("t2", "ds", "job-c", 3000);
    CHECK_INT(store_trieve_put(f.ts.st, &a), CINDER_OK);
    CHECK_INT(store_trieve_put(f.ts.st, &b), CINDER_OK);
    CHECK_INT(store_trieve_put(f.ts.st, &c), CINDER_OK);
    store_trieve_t got;
    CHECK_INT(store_trieve_get(f.ts.st, "t1", "ds", a.id, &got), CINDER_OK);
    CHECK_STR(got.scrape_id, "job-a");
    CHECK_STR(got.options, a.options);
    store_trieve_cleanup(&got);
    CHECK_INT(store_trieve_get(f.ts.st, "t1", "ds", "job-b", &got), CINDER_OK); /* by scrape_id */
    CHECK_STR(got.id, b.id);
    store_trieve_cleanup(&got);
    CHECK_INT(store_trieve_get(f.ts.st, "t2", "ds", a.id, &got), CINDER_E_NOT_FOUND);
    CHECK_INT(store_trieve_get(f.ts.st, "t1", "other", a.id, &got), CINDER_E_NOT_FOUND);
    store_trieve_t *list = NULL;
    size_t n = 0;
    CHECK_INT(store_trieve_list(f.ts.st, "t1", "ds", 0, 10, &list, &n), CINDER_OK);
    REQUIRE(n == 2);
    CHECK_STR(list[0].id, b.id); /* newest first */
    CHECK_STR(list[1].id, a.id);
    store_trieve_free(list, n);
    CHECK_INT(store_trieve_list(f.ts.st, "t1", "ds", 1, 10, &list, &n), CINDER_OK);
    CHECK_INT(n, 1);
    store_trieve_free(list, n);
    CHECK_INT(store_trieve_delete(f.ts.st, "t2", "ds", a.id), CINDER_E_NOT_FOUND);
    teardown(&f);
}

TEST(trieve_open_lists_running_and_due_requests)
{
    fixture_t f;
    REQUIRE(setup(&f));
    store_trieve_t a = request("", "ds", "job-a", 1000), b = request("", "ds", "job-b", 1000);
    b.interval_ms = 500;
    b.next_ms = 1500;
    CHECK_INT(store_trieve_put(f.ts.st, &a), CINDER_OK);
    CHECK_INT(store_trieve_put(f.ts.st, &b), CINDER_OK);
    store_trieve_t *open = NULL;
    size_t n = 0;
    CHECK_INT(store_trieve_open(f.ts.st, 1200, &open, &n), CINDER_OK);
    CHECK_INT(n, 2); /* both run */
    store_trieve_free(open, n);
    CHECK_INT(store_trieve_done(f.ts.st, a.id, "stale-job", "Completed"), CINDER_OK); /* no-op */
    CHECK_INT(store_trieve_done(f.ts.st, a.id, "job-a", "Completed"), CINDER_OK);
    CHECK_INT(store_trieve_done(f.ts.st, b.id, "job-b", "Completed"), CINDER_OK);
    CHECK_INT(store_trieve_open(f.ts.st, 1200, &open, &n), CINDER_OK);
    CHECK_INT(n, 0); /* b is not due yet */
    store_trieve_free(open, n);
    CHECK_INT(store_trieve_open(f.ts.st, 1500, &open, &n), CINDER_OK);
    REQUIRE(n == 1);
    CHECK_STR(open[0].id, b.id);
    CHECK(open[0].done);
    CHECK_STR(open[0].status, "Completed");
    store_trieve_free(open, n);
    teardown(&f);
}

TEST(chunks_upsert_by_tracking_id_and_page)
{
    fixture_t f;
    REQUIRE(setup(&f));
    store_trieve_t r = request("t", "ds", "job", 1000);
    CHECK_INT(store_trieve_put(f.ts.st, &r), CINDER_OK);
    store_chunk_t c[] = {chunk("k1", r.id, "first", 0), chunk("k2", r.id, "second", 1)};
    CHECK_INT(store_chunks_upsert(f.ts.st, "t", "ds", c, 2, 10), CINDER_OK);
    store_chunk_t again[] = {chunk("k2", r.id, "second, updated", 1)};
    CHECK_INT(store_chunks_upsert(f.ts.st, "t", "ds", again, 1, 20), CINDER_OK);
    CHECK_INT(store_chunks_upsert(f.ts.st, "t", "other", c, 1, 20), CINDER_OK); /* its own copy */
    store_chunk_t *out = NULL;
    size_t n = 0;
    int64_t total = 0;
    CHECK_INT(store_chunks_page(f.ts.st, "t", "ds", 0, 10, &out, &n, &total), CINDER_OK);
    CHECK_INT(total, 2);
    REQUIRE(n == 2);
    CHECK_STR(out[0].tracking_id, "k1");
    CHECK_STR(out[1].text, "second, updated");
    CHECK_INT(out[1].created_ms, 10);
    CHECK_INT(out[1].updated_ms, 20);
    CHECK_STR(out[1].tag_set, "[\"a\"]");
    store_chunks_free(out, n);
    CHECK_INT(store_chunks_page(f.ts.st, "t", "ds", 1, 10, &out, &n, NULL), CINDER_OK);
    REQUIRE(n == 1);
    CHECK_STR(out[0].tracking_id, "k2");
    store_chunks_free(out, n);
    CHECK_INT(store_chunks_page(f.ts.st, "t2", "ds", 0, 10, &out, &n, &total), CINDER_OK);
    CHECK_INT(n, 0);
    CHECK_INT(total, 0);
    store_chunks_free(out, n);
    store_chunk_t orphan[] = {chunk("k3", "no-such-request", "x", 0)};
    CHECK_INT(store_chunks_upsert(f.ts.st, "t", "ds", orphan, 1, 30), CINDER_E_NOT_FOUND);
    teardown(&f);
}

TEST(trieve_delete_removes_jobs_documents_and_chunks)
{
    fixture_t f;
    REQUIRE(setup(&f));
    char j1[40], j2[40], other[40];
    make_job(&f, j1);
    make_job(&f, j2);
    make_job(&f, other);
    store_trieve_t r = request("t", "ds", j1, 1000), keep = request("t", "ds", other, 1000);
    CHECK_INT(store_trieve_put(f.ts.st, &r), CINDER_OK);
    snprintf(r.scrape_id, sizeof r.scrape_id, "%s", j2); /* a re-crawl */
    CHECK_INT(store_trieve_put(f.ts.st, &r), CINDER_OK);
    CHECK_INT(store_trieve_put(f.ts.st, &keep), CINDER_OK);
    store_chunk_t c[] = {chunk("k1", r.id, "mine", 0)};
    store_chunk_t k[] = {chunk("k2", keep.id, "kept", 0)};
    CHECK_INT(store_chunks_upsert(f.ts.st, "t", "ds", c, 1, 10), CINDER_OK);
    CHECK_INT(store_chunks_upsert(f.ts.st, "t", "ds", k, 1, 10), CINDER_OK);
    CHECK_INT(store_trieve_delete(f.ts.st, "t", "ds", r.id), CINDER_OK);
    store_job_t j;
    CHECK_INT(store_job_get(f.ts.st, j1, &j), CINDER_E_NOT_FOUND);
    CHECK_INT(store_job_get(f.ts.st, j2, &j), CINDER_E_NOT_FOUND);
    char *doc = NULL;
    size_t len = 0;
    CHECK_INT(store_doc_get(f.ts.st, j2, 0, &doc, &len), CINDER_E_NOT_FOUND);
    CHECK_INT(store_doc_get(f.ts.st, other, 0, &doc, &len), CINDER_OK);
    free(doc);
    store_trieve_t got;
    CHECK_INT(store_trieve_get(f.ts.st, "t", "ds", r.id, &got), CINDER_E_NOT_FOUND);
    CHECK_INT(store_trieve_delete(f.ts.st, "t", "ds", r.id), CINDER_E_NOT_FOUND);
    store_chunk_t *out = NULL;
    size_t n = 0;
    CHECK_INT(store_chunks_page(f.ts.st, "t", "ds", 0, 10, &out, &n, NULL), CINDER_OK);
    REQUIRE(n == 1);
    CHECK_STR(out[0].tracking_id, "k2");
    store_chunks_free(out, n);
    teardown(&f);
}

TEST(job_delete_removes_items_and_documents)
{
    fixture_t f;
    REQUIRE(setup(&f));
    char id[40];
    make_job(&f, id);
    CHECK_INT(model_job_delete(f.ts.st, id), CINDER_OK);
    store_job_t j;
    CHECK_INT(store_job_get(f.ts.st, id, &j), CINDER_E_NOT_FOUND);
    store_item_t it[2];
    size_t n = 9;
    CHECK_INT(model_items_claim(f.ts.st, id, 2, clock_wall_ms(), it, &n), CINDER_OK);
    CHECK_INT(n, 0);
    CHECK_INT(model_job_delete(f.ts.st, id), CINDER_E_NOT_FOUND);
    teardown(&f);
}
