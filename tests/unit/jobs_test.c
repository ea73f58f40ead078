/* The job model (jobs/jobs.h) over a real SQLite store and a running crawler whose pages never
 * reach a fetch (they wait for a robots.txt that the address guard refuses, retried seconds
 * later), so every rule is checked in isolation: another team's job, another kind
 * or a malformed id all answer not found; a batch's repeated URLs give their credits back at
 * once, at create and at append; cancel refunds what is pending, a second cancel and an append
 * after it are refused as already terminal; retry serves batches only. */
#include "test.h"
#include "test_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/auth.h"
#include "crawl/crawler.h"
#include "jobs/wiring.h"
#include "model/job.h"
#include "store/store_accounts.h"
#include "store/store_outbox.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/uuid.h"

typedef test_engine_t fixture_t;

/* A team with credits and a key (the key itself is not used). */
static void add_team(store_t *st, const char *team, int64_t credits)
{
    char key[64];
    store_key_t k;
    CHECK_INT(auth_key_make(key, sizeof key, &k), CINDER_OK);
    snprintf(k.team, sizeof k.team, "%s", team);
    CHECK_INT(store_key_add(st, &k, credits), CINDER_OK);
}

static bool setup(fixture_t *x)
{
    if (!test_engine_open(x))
        return false;
    add_team(x->ts.st, "a", 100);
    add_team(x->ts.st, "b", 100);
    return true;
}

static void teardown(fixture_t *x)
{
    test_engine_close(x);
}

static int64_t balance(fixture_t *x, const char *team)
{
    store_team_t t;
    return store_team_get(x->ts.st, team, &t) == CINDER_OK ? t.credits : -2;
}

/* Starts a batch of team a over urls, with a webhook; writes its id. */
static cinder_err start_batch(fixture_t *x, const char *const *urls, size_t n, char id[40])
{
    crawl_opts_t o;
    crawl_opts_init(&o, 1);
    o.batch = true;
    o.webhook.url = xstrdup("http://127.0.0.1:9/hook");
    o.webhook.events = WEBHOOK_ALL;
    o.url = xstrdup(urls[0]);
    snprintf(o.team, sizeof o.team, "a");
    char err[256] = "";
    cinder_err rc = jobs_batch_start(x->js, &o, urls, n, id, err, sizeof err);
    crawl_opts_cleanup(&o);
    return rc;
}

TEST(jobs_get_hides_other_teams_kinds_and_bad_ids)
{
    fixture_t x;
    REQUIRE(setup(&x));
    const char *urls[] = {"http://127.0.0.1:9/a", "http://127.0.0.1:9/b"};
    char id[40];
    REQUIRE(start_batch(&x, urls, 2, id) == CINDER_OK);
    store_job_t job;
    CHECK_INT(jobs_get(x.js, "a", id, JOBS_KIND(JOB_KIND_BATCH), &job), CINDER_OK);
    CHECK_STR(job.team, "a");
    store_job_cleanup(&job);
    CHECK_INT(jobs_get(x.js, "b", id, JOBS_ANY_KIND, &job), CINDER_E_NOT_FOUND);
    CHECK_INT(jobs_get(x.js, "a", id, JOBS_KIND(JOB_KIND_CRAWL), &job), CINDER_E_NOT_FOUND);
    CHECK_INT(jobs_get(x.js, "a", "not-a-job-id", JOBS_ANY_KIND, &job), CINDER_E_NOT_FOUND);
    CHECK_INT(jobs_get(x.js, "a", "123e4567-e89b-42d3-a456-426614174000", JOBS_ANY_KIND, &job),
              CINDER_E_NOT_FOUND);
    CHECK_INT(jobs_get(x.js, NULL, id, JOBS_ANY_KIND, &job), CINDER_OK); /* internal callers */
    store_job_cleanup(&job);
    teardown(&x);
}

TEST(jobs_batch_repeated_urls_release_their_credits_at_create_and_append)
{
    fixture_t x;
    REQUIRE(setup(&x));
    const char *urls[] = {"http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "http://127.0.0.1:9/a"};
    char id[40];
    REQUIRE(start_batch(&x, urls, 3, id) == CINDER_OK);
    CHECK_INT(balance(&x, "a"), 98);
    const char *more[] = {"http://127.0.0.1:9/b", "http://127.0.0.1:9/c"};
    size_t added = 0;
    CHECK_INT(jobs_batch_append(x.js, "a", id, more, 2, &added), CINDER_OK);
    CHECK_INT(added, 1);
    CHECK_INT(balance(&x, "a"), 97);
    CHECK_INT(jobs_batch_append(x.js, "b", id, more, 2, &added), CINDER_E_NOT_FOUND);
    CHECK_INT(balance(&x, "b"), 100);
    teardown(&x);
}

TEST(jobs_cancel_refunds_pending_then_refuses_as_terminal)
{
    fixture_t x;
    REQUIRE(setup(&x));
    const char *urls[] = {"http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "http://127.0.0.1:9/c"};
    char id[40];
    REQUIRE(start_batch(&x, urls, 3, id) == CINDER_OK);
    CHECK_INT(balance(&x, "a"), 97);
    model_cancel_t c = {0};
    CHECK_INT(jobs_cancel(x.js, "b", id, JOBS_ANY_KIND, &c), CINDER_E_NOT_FOUND);
    CHECK_INT(jobs_cancel(x.js, "a", id, JOBS_KIND(JOB_KIND_CRAWL), &c), CINDER_E_NOT_FOUND);
    CHECK_INT(jobs_cancel(x.js, "a", id, JOBS_ANY_KIND, &c), CINDER_OK);
    CHECK_INT(c.cancelled, 3);
    CHECK_INT(c.refunded, 3);
    CHECK_INT(balance(&x, "a"), 100);
    CHECK_INT(jobs_cancel(x.js, "a", id, JOBS_ANY_KIND, &c), CINDER_E_ALREADY_TERMINAL);
    const char *more[] = {"http://127.0.0.1:9/d"};
    size_t added = 9;
    CHECK_INT(jobs_batch_append(x.js, "a", id, more, 1, &added), CINDER_E_ALREADY_TERMINAL);
    CHECK_INT(added, 0);
    CHECK_INT(balance(&x, "a"), 100);
    store_outbox_t *ev = NULL; /* started, then cancelled (final: no item runs) */
    size_t n = 0;
    REQUIRE(store_outbox_due(x.ts.st, clock_wall_ms() + 1, 10, &ev, &n) == CINDER_OK);
    REQUIRE(n == 1);
    CHECK_CONTAINS(ev[0].body, "batch_scrape.started");
    CHECK_STR(ev[0].url, "http://127.0.0.1:9/hook");
    CHECK_INT(store_outbox_delete(x.ts.st, ev[0].id), CINDER_OK);
    store_outbox_free(ev, n);
    REQUIRE(store_outbox_due(x.ts.st, clock_wall_ms() + 1, 10, &ev, &n) == CINDER_OK);
    REQUIRE(n == 1);
    CHECK_CONTAINS(ev[0].body, "batch_scrape.cancelled");
    store_outbox_free(ev, n);
    store_job_t job;
    REQUIRE(jobs_get(x.js, "a", id, JOBS_ANY_KIND, &job) == CINDER_OK);
    CHECK_INT(job.status, JOB_CANCELLED);
    CHECK_INT(job.credits_reserved, job.credits_charged + job.credits_refunded);
    store_job_cleanup(&job);
    teardown(&x);
}

TEST(jobs_crawl_limit_is_reserved_and_retry_serves_batches_only)
{
    fixture_t x;
    REQUIRE(setup(&x));
    crawl_opts_t o;
    crawl_opts_init(&o, 2);
    o.url = xstrdup("http://127.0.0.1:9/");
    o.limit = 40;
    snprintf(o.team, sizeof o.team, "a");
    char id[40], err[256] = "";
    CHECK_INT(jobs_crawl_start(x.js, &o, id, err, sizeof err), CINDER_OK);
    CHECK_INT(balance(&x, "a"), 60);
    o.limit = 61; /* more than the balance: refused, nothing reserved */
    CHECK_INT(jobs_crawl_start(x.js, &o, id, err, sizeof err), CINDER_E_NO_CREDITS);
    CHECK_INT(balance(&x, "a"), 60);
    o.limit = 5;
    o.include = xcalloc(1, sizeof *o.include);
    o.include[0] = xstrdup("([unclosed");
    o.n_include = 1;
    CHECK_INT(jobs_crawl_start(x.js, &o, id, err, sizeof err), CINDER_E_BAD_REQUEST);
    CHECK_CONTAINS(err, "([unclosed");
    crawl_opts_cleanup(&o);
    int64_t retried = 7;
    char crawl_id[40];
    store_job_t job;
    REQUIRE(jobs_get(x.js, "a", id, JOBS_KIND(JOB_KIND_CRAWL), &job) == CINDER_OK);
    memcpy(crawl_id, job.id, sizeof crawl_id);
    store_job_cleanup(&job);
    CHECK_INT(jobs_retry(x.js, "a", crawl_id, &retried), CINDER_E_NOT_FOUND);
    CHECK_INT(retried, 0);
    teardown(&x);
}

TEST(jobs_that_cannot_run_are_failed_and_refunded_at_restart)
{
    /* a running job whose options cannot be read back (e.g. a sync scrape recorded by an older
     * version, which kept scrape options only): the restarted crawler fails it, with its
     * reserved credit given back, instead of leaving it running forever */
    test_store_t ts;
    REQUIRE(test_store_open(&ts));
    add_team(ts.st, "old", 10);
    store_job_t rec = {0};
    uuid_generate_v4(rec.id);
    snprintf(rec.team, sizeof rec.team, "old");
    rec.kind = JOB_KIND_SCRAPE;
    rec.status = JOB_RUNNING;
    rec.api_version = 1;
    rec.created_ms = clock_wall_ms();
    rec.expires_ms = rec.created_ms + 3600000;
    rec.url = "https://old.example/";
    rec.options = "{\"formats\":[\"markdown\"],\"onlyMainContent\":true}";
    rec.credits_reserved = 1;
    REQUIRE(model_job_create(ts.st, &rec) == CINDER_OK);
    store_team_t team;
    REQUIRE(store_team_get(ts.st, "old", &team) == CINDER_OK);
    CHECK_INT(team.credits, 9);

    test_engine_t e = {.ts = ts};
    REQUIRE(test_engine_start(&e)); /* resumes the store's running jobs */
    store_job_t got;
    REQUIRE(store_job_get(ts.st, rec.id, &got) == CINDER_OK);
    CHECK_INT(got.status, JOB_FAILED);
    CHECK_CONTAINS(got.error, "could not be run");
    CHECK_INT(got.credits_reserved, got.credits_charged + got.credits_refunded);
    store_job_cleanup(&got);
    REQUIRE(store_team_get(ts.st, "old", &team) == CINDER_OK);
    CHECK_INT(team.credits, 10);
    test_engine_close(&e);
}
