/*
 * Firecrawl scrape endpoints. The POST handler validates on the API thread,
 * starts a one-item job and defers its reply; the completion callback runs
 * on a worker thread, builds the dialect's envelope and replies.
 */
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/errmap.h"
#include "dialect/firecrawl/firecrawl.h"
#include "api/params.h"
#include "jobs/scrape.h"
#include "util/mem.h"
#include "util/uuid.h"

typedef struct {
    api_req_t *req;
    int version;
    bool include_links; /* v0 pageOptions.includeLinks */
    char *warning;      /* NULL or the warnings to add to data */
} scrape_ctx_t;

void fc_reply_error(api_req_t *r, int version, cinder_err e, const char *detail)
{
    const errmap_entry_t *m = errmap_get(e);
    char msg[1024];
    errmap_message(e, detail, msg, sizeof msg);
    json_t *body = json_object();
    if (version != 0)
        json_object_set_new(body, "success", json_false());
    if (m->code && version != 0)
        json_object_set_new(body, "code", json_string(m->code));
    json_object_set_new(body, "error", json_string(msg));
    api_reply_json(r, m->status, body);
}

/* The not-found and already-terminal answers of each route: Firecrawl's documented shapes. */
static const struct {
    const char *not_found;
    bool success_key;     /* the body has success:false (v1 and v2 only on the status route) */
    const char *terminal; /* "%s" is the job's state; NULL: no 409 on this route */
} fc_route_replies[] = {
    [FC_ROUTE_STATUS] = {"Job not found", true, NULL},
    [FC_ROUTE_CANCEL] = {"Job not found", false, "Job is already %s"},
    [FC_ROUTE_APPEND] = {"Job not found", true, "The batch has already ended; start a new one"},
    [FC_ROUTE_SCRAPE] = {"Job not found.", true, NULL},
};

void fc_reply_job_error(api_req_t *r, int version, fc_route route, cinder_err e, const char *state)
{
    char msg[160];
    if (e == CINDER_E_NOT_FOUND) {
        json_t *b = json_pack("{s:s}", "error", fc_route_replies[route].not_found);
        bool success = fc_route_replies[route].success_key;
        if (success && (route != FC_ROUTE_STATUS || version != 0))
            json_object_set_new(b, "success", json_false());
        api_reply_json(r, 404, b);
    } else if (e == CINDER_E_ALREADY_TERMINAL && fc_route_replies[route].terminal) {
        snprintf(msg, sizeof msg, fc_route_replies[route].terminal, state ? state : "finished");
        api_reply_json(
            r, 409,
            json_pack("{s:b, s:s, s:s}", "success", 0, "code", "ALREADY_TERMINAL", "error", msg));
    } else {
        fc_reply_error(r, version, e, NULL);
    }
}

json_t *fc_parse_body(api_req_t *r, int version)
{
    size_t len = 0;
    const char *text = api_body(r, &len);
    json_error_t err;
    json_t *body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!body) {
        fc_reply_error(r, version, CINDER_E_BAD_JSON, NULL);
        return NULL;
    }
    if (!json_is_object(body)) {
        params_report_t rep;
        params_report_init(&rep);
        params_issue(&rep, "invalid_type", "", "Expected object");
        api_reply_json(r, 400, params_error_body(&rep));
        params_report_cleanup(&rep);
        json_decref(body);
        return NULL;
    }
    return body;
}

bool fc_check_job_id(api_req_t *r)
{
    if (uuid_is_valid(api_param(r, 0)))
        return true;
    api_reply_json(r, 400,
                   json_pack("{s:b, s:s}", "success", 0, "error",
                             "Invalid job ID format. Job ID must be a valid UUID."));
    return false;
}

json_t *fc_v0_document(json_t *doc, bool include_links)
{
    json_t *out = json_object();
    json_t *md = json_object_get(doc, "markdown");
    json_object_set(out, "content", md ? md : json_string(""));
    json_object_set(out, "markdown", md ? md : json_string(""));
    if (json_object_get(doc, "html"))
        json_object_set(out, "html", json_object_get(doc, "html"));
    if (json_object_get(doc, "rawHtml"))
        json_object_set(out, "rawHtml", json_object_get(doc, "rawHtml"));
    if (include_links)
        json_object_set(out, "linksOnPage", json_object_get(doc, "links"));
    json_t *meta = json_deep_copy(json_object_get(doc, "metadata"));
    json_t *status = json_object_get(meta, "statusCode");
    if (status)
        json_object_set(meta, "pageStatusCode", status);
    if (json_object_get(meta, "error"))
        json_object_set(meta, "pageError", json_object_get(meta, "error"));
    json_object_set_new(out, "metadata", meta);
    return out;
}

static void on_scrape_done(scrape_result_t *res, void *ud)
{
    scrape_ctx_t *c = ud;
    if (res->err) {
        fc_reply_error(c->req, c->version, res->err, res->error_detail);
        goto out;
    }
    json_t *data = res->document;
    if (c->version == 0) {
        if (c->include_links && !json_object_get(data, "links"))
            json_object_set_new(data, "links", json_array());
        data = fc_v0_document(res->document, c->include_links);
    } else {
        json_incref(data);
    }
    if (c->warning)
        json_object_set_new(data, "warning", json_string(c->warning));
    api_reply_json(c->req, 200, json_pack("{s:b, s:o}", "success", 1, "data", data));
out:
    scrape_result_free(res);
    free(c->warning);
    free(c);
}

/* The URL as the client sent it (with http:// prepended when it had no scheme). */
static char *source_url(json_t *body)
{
    const char *s = json_string_value(json_object_get(body, "url"));
    if (strstr(s, "://"))
        return xstrdup(s);
    size_t n = strlen(s) + 8;
    char *out = xmalloc(n);
    snprintf(out, n, "http://%s", s);
    return out;
}

static void parse_request(json_t *body, int version, bool allow_private, scrape_opts_t *o,
                          char **url, bool *include_links, params_report_t *rep)
{
    static const char *const v0_keys[] = {"pageOptions", "extractorOptions", "timeout",
                                          "crawlerOptions", NULL};
    *url = params_url(json_object_get(body, "url"), "url", allow_private, rep);
    *include_links = false;
    if (version != 0) {
        params_scrape(body, version, NULL, o, rep);
        return;
    }
    params_v0_page_options(json_object_get(body, "pageOptions"), o, include_links, rep);
    if (*include_links)
        o->formats |= PIPE_FMT_LINKS;
    json_t *t = json_object_get(body, "timeout");
    if (json_is_integer(t) && json_integer_value(t) > 0)
        o->timeout_ms = (long)json_integer_value(t);
    for (void *it = json_object_iter(body); it; it = json_object_iter_next(body, it)) {
        const char *k = json_object_iter_key(it);
        bool known = !strcmp(k, "url") || !strcmp(k, "origin");
        for (int i = 0; !known && v0_keys[i]; i++)
            known = !strcmp(k, v0_keys[i]);
        if (!known)
            params_warn(rep, "Unrecognized key ignored: %s.", k);
    }
}

void fc_scrape(api_req_t *r, int version)
{
    api_app_t *app = api_app(r);
    json_t *body = fc_parse_body(r, version);
    if (!body)
        return;
    params_report_t rep;
    params_report_init(&rep);
    scrape_opts_t o;
    scrape_opts_init(&o, version);
    char *url = NULL, *src = NULL;
    bool links = false;
    parse_request(body, version, app->allow_private, &o, &url, &links, &rep);
    if (params_failed(&rep)) {
        api_reply_json(r, 400, params_error_body(&rep));
        goto out;
    }
    src = source_url(body);
    scrape_ctx_t *c = xcalloc(1, sizeof *c);
    c->req = r;
    c->version = version;
    c->include_links = links;
    c->warning = rep.warnings.len ? xstrdup(buf_str(&rep.warnings)) : NULL;
    char id[40];
    api_defer(r);
    cinder_err rc = scrape_submit(app->jobs, api_team(r), url, src, &o, on_scrape_done, c, id);
    if (rc) {
        fc_reply_error(r, version, rc, NULL);
        free(c->warning);
        free(c);
    }
out:
    free(src);
    free(url);
    scrape_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(body);
}

void fc_scrape_get(api_req_t *r, int version)
{
    if (!fc_check_job_id(r))
        return;
    json_t *doc = NULL;
    cinder_err rc = scrape_lookup(api_app(r)->jobs, api_team(r), api_param(r, 0), &doc);
    if (rc) {
        fc_reply_job_error(r, version, FC_ROUTE_SCRAPE, rc, NULL);
        return;
    }
    api_reply_json(r, 200, json_pack("{s:b, s:o}", "success", 1, "data", doc));
}
