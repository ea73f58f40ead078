/* Trieve: crawl options validation (api/trieve_opts.h), the status words and the intervals
 * (jobs/trieve.h). */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "dialect/trieve/options.h"
#include "dialect/trieve/chunks.h"
#include "dialect/trieve/recrawl.h"

/* Parses the JSON text co; returns whether it was accepted, the message in err. */
static bool parse(const char *co, json_t **norm, crawl_opts_t *o, char *err, size_t len)
{
    json_error_t jerr;
    json_t *j = json_loads(co, 0, &jerr);
    if (!j)
        return false;
    bool ok = trieve_opts_parse(j, false, norm, o, err, len);
    json_decref(j);
    return ok;
}

static void expect_error(const char *co, const char *needle)
{
    json_t *norm = NULL;
    crawl_opts_t o;
    char err[512] = "";
    CHECK(!parse(co, &norm, &o, err, sizeof err));
    CHECK(norm == NULL);
    CHECK_CONTAINS(err, needle);
    crawl_opts_cleanup(&o);
}

TEST(trieve_options_map_to_the_crawl)
{
    json_t *norm = NULL;
    crawl_opts_t o;
    char err[512] = "";
    REQUIRE(parse("{\"site_url\":\"https://docs.example.com/guide/\",\"limit\":20,"
                  "\"include_paths\":[\"*\",\"^/guide\"],\"exclude_tags\":[\"nav\"],"
                  "\"allow_external_links\":true,\"ignore_sitemap\":true,\"interval\":\"weekly\","
                  "\"heading_remove_strings\":[\" | Docs\"],\"tags\":[\"x\"],\"unknown\":1}",
                  &norm, &o, err, sizeof err));
    CHECK_STR(o.url, "https://docs.example.com/guide/");
    CHECK_INT(o.limit, 20);
    REQUIRE(o.n_include == 2);
    CHECK_STR(o.include[0], ".*");
    CHECK_STR(o.include[1], "^/guide");
    REQUIRE(o.page.n_exclude == 1);
    CHECK_STR(o.page.exclude_tags[0], "nav");
    CHECK(o.allow_external_links);
    CHECK_INT(o.sitemap, CRAWL_SITEMAP_SKIP);
    CHECK_INT(o.max_depth, -1);
    CHECK(o.page.formats & PIPE_FMT_HTML);
    REQUIRE(o.chunks != NULL);
    json_object_set_new(o.chunks, "team", json_string("t"));
    json_object_set_new(o.chunks, "dataset", json_string("d"));
    json_object_set_new(o.chunks, "requestId", json_string("r"));
    crawl_chunks_t *ch = crawl_chunks_from_json(o.chunks);
    REQUIRE(ch != NULL);
    CHECK_STR(ch->site_url, "https://docs.example.com/guide/");
    REQUIRE(ch->n_heading_remove == 1);
    CHECK_STR(ch->heading_remove[0], " | Docs");
    CHECK_INT(ch->n_tags, 1);
    crawl_chunks_free(ch);
    /* normalised: every known key, defaults filled, unknown keys dropped */
    CHECK_INT(json_object_size(norm), 17);
    CHECK(json_object_get(norm, "unknown") == NULL);
    CHECK(json_is_true(json_object_get(norm, "boost_titles")));
    CHECK(json_is_null(json_object_get(norm, "body_remove_strings")));
    CHECK_STR(json_string_value(json_object_get(norm, "interval")), "weekly");
    json_t *inc = json_object_get(norm, "include_paths");
    CHECK_STR(json_string_value(json_array_get(inc, 0)), "*"); /* echoed as given */
    json_decref(norm);
    crawl_opts_cleanup(&o);
}

TEST(trieve_options_defaults_and_no_chunks)
{
    json_t *norm = NULL;
    crawl_opts_t o;
    char err[512] = "";
    REQUIRE(parse("{\"site_url\":\"example.com\",\"add_chunks_to_dataset\":false,"
                  "\"limit\":null}",
                  &norm, &o, err, sizeof err));
    CHECK_STR(o.url, "http://example.com/");
    CHECK_INT(o.limit, 1000);
    CHECK(o.chunks == NULL);
    CHECK_INT(json_integer_value(json_object_get(norm, "limit")), 1000);
    CHECK(json_is_false(json_object_get(norm, "add_chunks_to_dataset")));
    json_decref(norm);
    crawl_opts_cleanup(&o);
}

TEST(trieve_options_errors_name_the_field)
{
    expect_error("{}", "crawl_options.site_url: Required");
    expect_error("{\"site_url\":\"ftp://x.com\"}", "crawl_options.site_url");
    expect_error("{\"site_url\":\"x.com\",\"limit\":\"5\"}", "crawl_options.limit");
    expect_error("{\"site_url\":\"x.com\",\"limit\":0}", "crawl_options.limit must be between");
    expect_error("{\"site_url\":\"x.com\",\"interval\":\"hourly\"}", "crawl_options.interval");
    expect_error("{\"site_url\":\"x.com\",\"tags\":[1]}", "crawl_options.tags.0");
    expect_error("{\"site_url\":\"x.com\",\"ignore_sitemap\":1}", "crawl_options.ignore_sitemap");
    expect_error("{\"site_url\":\"x.com\",\"allow_external_links\":true}",
                 "crawl_options.include_paths: allow_external_links");
    expect_error("{\"site_url\":\"x.com\",\"allow_external_links\":true,\"include_paths\":[\"*\"]}",
                 "other than");
    expect_error("{\"site_url\":\"x.com\",\"scrape_options\":{\"type\":\"shopify\"}}",
                 "\"shopify\" is not supported");
    expect_error("{\"site_url\":\"x.com\",\"scrape_options\":{\"type\":\"other\"}}",
                 "crawl_options.scrape_options: type must be");
    expect_error("{\"site_url\":\"x.com\",\"scrape_options\":[]}", "crawl_options.scrape_options");
}

TEST(trieve_status_words)
{
    store_job_t j;
    memset(&j, 0, sizeof j);
    char w[48];
    j.status = JOB_RUNNING;
    trieve_status_word(&j, w, sizeof w);
    CHECK_STR(w, "Pending");
    j.completed = 7;
    trieve_status_word(&j, w, sizeof w);
    CHECK_STR(w, "Processed 7 pages");
    j.status = JOB_COMPLETED;
    trieve_status_word(&j, w, sizeof w);
    CHECK_STR(w, "Completed");
    j.completed = 0;
    j.failed = 1;
    trieve_status_word(&j, w, sizeof w);
    CHECK_STR(w, "Failed");
    j.failed = 0;
    trieve_status_word(&j, w, sizeof w);
    CHECK_STR(w, "Completed"); /* an empty site is not a failure */
    j.status = JOB_CANCELLED;
    trieve_status_word(&j, w, sizeof w);
    CHECK_STR(w, "Cancelled");
    j.status = JOB_FAILED;
    trieve_status_word(&j, w, sizeof w);
    CHECK_STR(w, "Failed");
}

TEST(trieve_intervals_and_their_test_scale)
{
    unsetenv("CINDER_TRIEVE_INTERVAL_SCALE");
    CHECK_INT(trieve_interval_ms("daily"), 86400000LL);
    CHECK_INT(trieve_interval_ms("weekly"), 7 * 86400000LL);
    CHECK_INT(trieve_interval_ms("monthly"), 30 * 86400000LL);
    CHECK_INT(trieve_interval_ms(NULL), 0);
    CHECK_INT(trieve_interval_ms("hourly"), 0);
    setenv("CINDER_TRIEVE_INTERVAL_SCALE", "0.001", 1);
    CHECK_INT(trieve_interval_ms("daily"), 86400);
    setenv("CINDER_TRIEVE_INTERVAL_SCALE", "0.0000001", 1);
    CHECK_INT(trieve_interval_ms("daily"), 1000); /* never below a second */
    setenv("CINDER_TRIEVE_INTERVAL_SCALE", "2", 1);
    CHECK_INT(trieve_interval_ms("daily"), 86400000LL); /* only shortens */
    setenv("CINDER_TRIEVE_INTERVAL_SCALE", "abc", 1);
    CHECK_INT(trieve_interval_ms("daily"), 86400000LL);
    unsetenv("CINDER_TRIEVE_INTERVAL_SCALE");
}
