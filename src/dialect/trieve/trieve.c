/*
 * trieve: Trieve's dataset crawl API (/api/crawl) over the shared job engine, plus the cinder
 * extension GET /api/chunks (the chunks a dataset holds). Every call names its dataset in the
 * TR-Dataset header; a dataset belongs to the caller's team (the same id in another team is
 * another dataset). Handlers run on API threads; the work is in jobs/trieve.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dialect/trieve/trieve.h"
#include "api/app.h"
#include "api/errmap.h"
#include "api/router.h"
#include "dialect/trieve/options.h"
#include "dialect/trieve/recrawl.h"
#include "util/clock.h"

#define DATASET_MAX   64
#define LIST_DEFAULT  10
#define LIST_MAX      100
#define PAGE_MAX      1000000L
#define CRAWL_ID_MAX  64
#define NOT_FOUND_MSG "Crawl request not found"

/* Trieve's envelope: {"message": ...}. The status comes from the error table; a detail fills the
 * table's message, or is the message when the table's has no place for one. */
void trieve_error(api_req_t *r, cinder_err e, const char *detail)
{
    const errmap_entry_t *m = errmap_get(e);
    char msg[1024];
    if (detail && *detail && !strstr(m->message, "%s"))
        snprintf(msg, sizeof msg, "%s", detail);
    else
        errmap_message(e, detail, msg, sizeof msg);
    api_reply_json(r, m->status, json_pack("{s:s}", "message", msg));
}

/* Reads and checks the TR-Dataset header into out (and records the dataset for the team);
 * replies and returns false when it is missing or invalid. */
static bool dataset_of(api_req_t *r, char out[DATASET_MAX + 1])
{
    const char *d = api_header(r, "TR-Dataset");
    const char *problem = NULL;
    if (!d || !*d)
        problem = "The TR-Dataset header (the dataset id) is required";
    else if (strlen(d) > DATASET_MAX)
        problem = "TR-Dataset must be at most 64 characters";
    for (const char *p = d; !problem && *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            problem = "TR-Dataset must be printable ASCII without spaces";
    if (problem) {
        trieve_error(r, CINDER_E_BAD_REQUEST, problem);
        return false;
    }
    snprintf(out, DATASET_MAX + 1, "%s", d);
    cinder_err rc =
        store_dataset_touch(jobs_store(api_app(r)->jobs), api_team(r), out, clock_wall_ms());
    if (rc)
        trieve_error(r, rc, NULL);
    return rc == CINDER_OK;
}

/* The request body as a JSON object; replies and returns NULL otherwise. */
static json_t *body_object(api_req_t *r)
{
    size_t len = 0;
    const char *b = api_body(r, &len);
    json_error_t jerr;
    json_t *j = b && len ? json_loadb(b, len, 0, &jerr) : NULL;
    if (!json_is_object(j)) {
        json_decref(j);
        trieve_error(r, CINDER_E_BAD_JSON, "The body must be a JSON object");
        return NULL;
    }
    return j;
}

/* body.crawl_options (Trieve's docs once nested it twice: {crawl_options:{crawl_options:…}}). */
static json_t *crawl_options_of(api_req_t *r, json_t *body)
{
    json_t *co = json_object_get(body, "crawl_options");
    json_t *inner = json_object_get(co, "crawl_options");
    if (json_is_object(inner) && json_object_size(co) == 1)
        co = inner;
    if (!json_is_object(co))
        trieve_error(r, CINDER_E_BAD_REQUEST, "crawl_options: Required (an object)");
    return json_is_object(co) ? co : NULL;
}

/* Replies to a failed create or update. */
static void start_error(api_req_t *r, cinder_err rc, const char *err)
{
    char msg[600];
    if (rc == CINDER_E_BAD_REQUEST) {
        snprintf(msg, sizeof msg, "Could not crawl site: %s", *err ? err : "invalid options");
        trieve_error(r, rc, msg);
    } else if (rc == CINDER_E_NOT_FOUND) {
        trieve_error(r, rc, NOT_FOUND_MSG);
    } else if (rc == CINDER_E_NO_CREDITS) {
        trieve_error(r, rc,
                     "the crawl reserves one credit per page of its limit; lower limit "
                     "or add credits to the team");
    } else {
        trieve_error(r, rc, err && *err ? err : NULL);
    }
}

/* Validates co and creates (id NULL) or updates request id; replies either way. */
static void create_or_update(api_req_t *r, const char *dataset, json_t *co, const char *id)
{
    api_app_t *app = api_app(r);
    json_t *norm = NULL;
    crawl_opts_t o;
    char err[512] = "";
    if (!trieve_opts_parse(co, app->allow_private, &norm, &o, err, sizeof err)) {
        trieve_error(r, CINDER_E_BAD_REQUEST, err);
        crawl_opts_cleanup(&o);
        return;
    }
    trieve_spec_t spec = {api_team(r), dataset, o.url, norm,
                          trieve_interval_ms(json_string_value(json_object_get(norm, "interval")))};
    store_trieve_t rec;
    cinder_err rc = id ? trieve_update(app->jobs, &spec, id, &o, &rec, err, sizeof err)
                       : trieve_create(app->jobs, &spec, &o, &rec, err, sizeof err);
    if (rc) {
        start_error(r, rc, err);
    } else {
        api_reply_json(r, 200, trieve_request_json(app->jobs, &rec));
        store_trieve_cleanup(&rec);
    }
    json_decref(norm);
    crawl_opts_cleanup(&o);
}

static void crawl_create(api_req_t *r)
{
    char dataset[DATASET_MAX + 1];
    if (!dataset_of(r, dataset))
        return;
    json_t *body = body_object(r);
    json_t *co = body ? crawl_options_of(r, body) : NULL;
    if (co)
        create_or_update(r, dataset, co, NULL);
    json_decref(body);
}

/* Reads page and limit; replies and returns false when they are invalid. */
static bool paging(api_req_t *r, long *page, long *limit)
{
    *page = 1;
    *limit = LIST_DEFAULT;
    if (api_query_long(r, "page", 1, PAGE_MAX, page) &&
        api_query_long(r, "limit", 1, LIST_MAX, limit))
        return true;
    trieve_error(r, CINDER_E_BAD_REQUEST,
                 "page must be an integer from 1 and limit an integer from 1 to 100");
    return false;
}

static void crawl_list(api_req_t *r)
{
    char dataset[DATASET_MAX + 1];
    long page = 1, limit = LIST_DEFAULT;
    if (!dataset_of(r, dataset) || !paging(r, &page, &limit))
        return;
    jobs_t *e = api_app(r)->jobs;
    store_trieve_t *recs = NULL;
    size_t n = 0;
    cinder_err rc = store_trieve_list(jobs_store(e), api_team(r), dataset, (page - 1) * limit,
                                      (size_t)limit, &recs, &n);
    if (rc) {
        trieve_error(r, rc, NULL);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, trieve_request_json(e, &recs[i]));
    store_trieve_free(recs, n);
    api_reply_json(r, 200, a);
}

/* Updates request id with co merged over its stored options (null resets a field to its
 * default); replies either way. */
static void update_with(api_req_t *r, const char *dataset, const char *id, json_t *co)
{
    if (!id || !*id || strlen(id) > CRAWL_ID_MAX) {
        trieve_error(r, CINDER_E_BAD_REQUEST, "crawl_id: Required (a crawl request id)");
        return;
    }
    store_trieve_t rec;
    cinder_err rc = store_trieve_get(jobs_store(api_app(r)->jobs), api_team(r), dataset, id, &rec);
    if (rc) {
        trieve_error(r, rc, rc == CINDER_E_NOT_FOUND ? NOT_FOUND_MSG : NULL);
        return;
    }
    json_error_t jerr;
    json_t *merged = json_loads(rec.options, 0, &jerr);
    if (merged) {
        json_object_update(merged, co);
        create_or_update(r, dataset, merged, rec.id);
    } else {
        trieve_error(r, CINDER_E_STORE, NULL);
    }
    json_decref(merged);
    store_trieve_cleanup(&rec);
}

static void crawl_update(api_req_t *r)
{
    char dataset[DATASET_MAX + 1];
    if (!dataset_of(r, dataset))
        return;
    json_t *body = body_object(r);
    json_t *co = body ? crawl_options_of(r, body) : NULL;
    if (co)
        update_with(r, dataset, json_string_value(json_object_get(body, "crawl_id")), co);
    json_decref(body);
}

static void crawl_delete(api_req_t *r)
{
    char dataset[DATASET_MAX + 1];
    if (!dataset_of(r, dataset))
        return;
    const char *id = api_param(r, 0);
    cinder_err rc = strlen(id) > CRAWL_ID_MAX
                        ? CINDER_E_NOT_FOUND
                        : trieve_delete(api_app(r)->jobs, api_team(r), dataset, id);
    if (rc)
        trieve_error(r, rc, rc == CINDER_E_NOT_FOUND ? NOT_FOUND_MSG : NULL);
    else
        api_reply_text(r, 204, "text/plain", "", 0);
}

static json_t *chunk_json(const store_chunk_t *c, const char *dataset)
{
    json_error_t jerr;
    json_t *meta = c->metadata ? json_loads(c->metadata, 0, &jerr) : NULL;
    json_t *tags = c->tag_set ? json_loads(c->tag_set, 0, &jerr) : NULL;
    char created[40], updated[40];
    clock_iso8601(c->created_ms, created, sizeof created);
    clock_iso8601(c->updated_ms, updated, sizeof updated);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "tracking_id",
                     c->tracking_id, "crawl_id", c->request_id, "link", c->url, "heading",
                     c->heading, "chunk_html", c->html, "text", c->text, "metadata",
                     meta ? meta : json_object(), "tag_set", tags ? tags : json_array(),
                     "dataset_id", dataset, "created_at", created, "updated_at", updated);
}

/* cinder extension: the dataset's chunks, by page URL and position. */
static void chunks_list(api_req_t *r)
{
    char dataset[DATASET_MAX + 1];
    long page = 1, limit = LIST_DEFAULT;
    if (!dataset_of(r, dataset) || !paging(r, &page, &limit))
        return;
    store_chunk_t *c = NULL;
    size_t n = 0;
    int64_t total = 0;
    cinder_err rc = store_chunks_page(jobs_store(api_app(r)->jobs), api_team(r), dataset,
                                      (page - 1) * limit, (size_t)limit, &c, &n, &total);
    if (rc) {
        trieve_error(r, rc, NULL);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, chunk_json(&c[i], dataset));
    store_chunks_free(c, n);
    api_reply_json(r, 200, json_pack("{s:o, s:I}", "chunks", a, "total", (json_int_t)total));
}

const api_route_t trieve_routes[] = {
    {"POST", "/api/crawl", crawl_create}, {"GET", "/api/crawl", crawl_list},
    {"PUT", "/api/crawl", crawl_update},  {"DELETE", "/api/crawl/:crawl_id", crawl_delete},
    {"GET", "/api/chunks", chunks_list},  {NULL, NULL, NULL},
};
