/*
 * firecrawl_team: the account endpoints of the Firecrawl dialects — credit usage (from the
 * credits ledger), token usage and the concurrency check.
 */
#include <stdlib.h>

#include "api/app.h"
#include "dialect/firecrawl/firecrawl.h"
#include "store/store_accounts.h"
#include "store/store_jobs.h"

/* What self-hosted Firecrawl reports for an account without limits. */
#define UNLIMITED 99999999

/* The caller's remaining credits: the team's balance, or UNLIMITED for the open team and teams
 * without a limit. */
static cinder_err remaining(api_req_t *r, json_int_t *out)
{
    *out = UNLIMITED;
    if (!*api_team(r))
        return CINDER_OK;
    store_team_t t;
    cinder_err rc = store_team_get(jobs_store(api_app(r)->jobs), api_team(r), &t);
    if (!rc && t.credits >= 0)
        *out = t.credits;
    return rc;
}

void fc_credit_usage(api_req_t *r, int version)
{
    json_int_t left = 0;
    cinder_err rc = remaining(r, &left);
    if (rc) {
        fc_reply_error(r, version, rc == CINDER_E_NOT_FOUND ? CINDER_E_STORE : rc, NULL);
        return;
    }
    json_t *data = version == 1 ? json_pack("{s:I}", "remaining_credits", left)
                                : json_pack("{s:I, s:n, s:n}", "remainingCredits", left,
                                            "billingPeriodStart", "billingPeriodEnd");
    api_reply_json(r, 200, json_pack("{s:b, s:o}", "success", 1, "data", data));
}

void fc_token_usage(api_req_t *r, int version)
{
    /* cinder runs no LLM features, so nothing is ever charged in tokens */
    json_t *data =
        json_pack("{s:i}", version == 1 ? "remaining_tokens" : "remainingTokens", UNLIMITED);
    api_reply_json(r, 200, json_pack("{s:b, s:o}", "success", 1, "data", data));
}

/* Crawls and batch scrapes of the caller's team that are queued or running. */
static size_t active_jobs(api_req_t *r)
{
    store_t *st = jobs_store(api_app(r)->jobs);
    static const job_kind kinds[] = {JOB_KIND_CRAWL, JOB_KIND_BATCH};
    size_t count = 0;
    for (size_t k = 0; k < 2; k++) {
        char **ids = NULL;
        size_t n = 0;
        if (store_jobs_active(st, kinds[k], &ids, &n) != CINDER_OK)
            continue;
        for (size_t i = 0; i < n; i++) {
            store_job_t job;
            if (store_job_get(st, ids[i], &job) != CINDER_OK)
                continue;
            count += api_owns(r, job.team);
            store_job_cleanup(&job);
        }
        store_docs_free(ids, n);
    }
    return count;
}

void fc_concurrency_check(api_req_t *r, int version)
{
    (void)version;
    api_reply_json(r, 200,
                   json_pack("{s:b, s:I, s:i}", "success", 1, "concurrency",
                             (json_int_t)active_jobs(r), "maxConcurrency", UNLIMITED));
}
