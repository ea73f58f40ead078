/* Webhook configuration, event bodies and the signature. */
#include "test.h"

#include <stdlib.h>

#include <jansson.h>

#include "jobs/webhook.h"
#include "jobs/webhook_event.h"
#include "model/items.h"

static webhook_cfg_t config(unsigned events)
{
    webhook_cfg_t w = {0};
    w.url = strdup("https://hook.example.com/in");
    w.headers = json_pack("{s:s}", "X-Token", "t0k");
    w.metadata = json_pack("{s:s, s:i}", "run", "nightly", "n", 3);
    w.events = events;
    return w;
}

static json_t *body_of(const webhook_event_t *e)
{
    json_error_t err;
    return json_loads(e->body, 0, &err);
}

TEST(signature_is_hmac_sha256_of_the_body)
{
    char sig[72];
    const char *msg = "The quick brown fox jumps over the lazy dog";
    webhook_sign("key", msg, strlen(msg), sig);
    CHECK_STR(sig, "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(config_round_trips_through_json)
{
    webhook_cfg_t w = config(WEBHOOK_PAGE | WEBHOOK_CANCELLED), back = {0};
    json_t *j = webhook_cfg_to_json(&w);
    webhook_cfg_from_json(j, &back);
    CHECK_STR(back.url, w.url);
    CHECK_INT(back.events, WEBHOOK_PAGE | WEBHOOK_CANCELLED);
    CHECK(json_equal(back.headers, w.headers));
    CHECK(json_equal(back.metadata, w.metadata));
    CHECK_INT(json_array_size(json_object_get(j, "events")), 2);
    json_decref(j);
    webhook_cfg_cleanup(&back);
    webhook_cfg_cleanup(&w);
    CHECK(webhook_cfg_to_json(&w) == NULL); /* no receiver: nothing persisted */
    webhook_cfg_from_json(NULL, &back);
    CHECK(back.url == NULL);
    CHECK_INT(webhook_event_bit("completed"), WEBHOOK_COMPLETED);
    CHECK_INT(webhook_event_bit("crawl.page"), 0);
}

TEST(events_carry_type_id_metadata_and_a_unique_webhook_id)
{
    webhook_cfg_t w = config(WEBHOOK_ALL);
    webhook_event_t *a = webhook_event_new(&w, WEBHOOK_STARTED, false, "job-1", true, NULL, NULL);
    webhook_event_t *b = webhook_event_new(&w, WEBHOOK_STARTED, true, "job-2", true, NULL, NULL);
    REQUIRE(a && b);
    json_t *ja = body_of(a), *jb = body_of(b);
    CHECK_STR(json_string_value(json_object_get(ja, "type")), "crawl.started");
    CHECK_STR(json_string_value(json_object_get(jb, "type")), "batch_scrape.started");
    CHECK_STR(json_string_value(json_object_get(ja, "id")), "job-1");
    CHECK(json_is_true(json_object_get(ja, "success")));
    CHECK_INT(json_array_size(json_object_get(ja, "data")), 0);
    CHECK(json_equal(json_object_get(ja, "metadata"), w.metadata));
    const char *ida = json_string_value(json_object_get(ja, "webhookId"));
    const char *idb = json_string_value(json_object_get(jb, "webhookId"));
    CHECK(ida && idb && strlen(ida) == 36 && strcmp(ida, idb) != 0);
    CHECK(!a->ev.final);
    CHECK_STR(a->ev.url, w.url);
    CHECK_STR(a->ev.headers, "{\"X-Token\":\"t0k\"}");
    json_decref(ja);
    json_decref(jb);
    webhook_event_free(a);
    webhook_event_free(b);
    webhook_cfg_cleanup(&w);
}

TEST(item_and_final_events)
{
    webhook_cfg_t w = config(WEBHOOK_ALL);
    model_item_result_t ok = {.status = ITEM_SUCCEEDED};
    model_item_result_t bad = {
        .status = ITEM_FAILED, .reason = "http_429", .error = "fetch failed", .http_status = 429};
    model_item_result_t retry = {.status = ITEM_PENDING};
    webhook_event_t *p = webhook_event_item(&w, false, "j", "https://ex.com/a", &ok);
    webhook_event_t *f = webhook_event_item(&w, false, "j", "https://ex.com/b", &bad);
    CHECK(webhook_event_item(&w, false, "j", "https://ex.com/c", &retry) == NULL);
    REQUIRE(p && f);
    json_t *jf = body_of(f);
    CHECK(json_is_false(json_object_get(jf, "success")));
    CHECK_STR(json_string_value(json_object_get(jf, "type")), "crawl.page");
    CHECK_STR(json_string_value(json_object_get(jf, "error")), "fetch failed");
    json_t *item = json_array_get(json_object_get(jf, "data"), 0);
    CHECK_STR(json_string_value(json_object_get(item, "url")), "https://ex.com/b");
    CHECK_STR(json_string_value(json_object_get(item, "reason")), "http_429");
    CHECK_INT(json_integer_value(json_object_get(item, "statusCode")), 429);
    json_decref(jf);
    webhook_event_t *c = webhook_event_end(&w, true, "j", JOB_CANCELLED, NULL);
    webhook_event_t *x = webhook_event_end(&w, false, "j", JOB_FAILED, "boom");
    REQUIRE(c && x);
    CHECK(c->ev.final && x->ev.final && !p->ev.final);
    json_t *jc = body_of(c), *jx = body_of(x);
    CHECK_STR(json_string_value(json_object_get(jc, "type")), "batch_scrape.cancelled");
    CHECK_STR(json_string_value(json_object_get(jx, "type")), "crawl.failed");
    CHECK(json_is_false(json_object_get(jx, "success")));
    json_decref(jc);
    json_decref(jx);
    webhook_event_free(p);
    webhook_event_free(f);
    webhook_event_free(c);
    webhook_event_free(x);
    webhook_cfg_cleanup(&w);
}

TEST(unsubscribed_events_are_not_built)
{
    webhook_cfg_t w = config(WEBHOOK_COMPLETED);
    CHECK(webhook_event_new(&w, WEBHOOK_STARTED, false, "j", true, NULL, NULL) == NULL);
    CHECK(webhook_event_end(&w, false, "j", JOB_CANCELLED, NULL) == NULL);
    webhook_event_t *e = webhook_event_end(&w, false, "j", JOB_COMPLETED, NULL);
    CHECK(e != NULL);
    webhook_event_free(e);
    webhook_cfg_cleanup(&w);
    CHECK(webhook_event_new(&w, WEBHOOK_COMPLETED, false, "j", true, NULL, NULL) == NULL);
}
