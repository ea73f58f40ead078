/*
 * Per-page work of a crawl, on a worker thread: the fetched response becomes a document (or a
 * failure with a reason, or a retry), and the page's links are checked against the crawl's scope
 * and turned into canonical keys — all CPU work kept off the scheduler thread. The page is then
 * queued for the scheduler's group commit. Everything here is owned by the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/items.h"
#include "page/page.h"
#include "crawl/crawler_int.h"
#include "html/pipeline.h"
#include "util/clock.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/uuid.h"

#define MAX_ATTEMPTS       4 /* fetches of one URL answering 429/503 before it fails */
#define MAX_LINKS_PER_PAGE 5000

/* The machine reason recorded for a fetch failure. */
static const char *fetch_reason(cinder_err e)
{
    switch (e) {
    case CINDER_E_TIMEOUT:
        return "timeout";
    case CINDER_E_DNS:
        return "dns";
    case CINDER_E_TLS:
        return "tls";
    case CINDER_E_CONNECT:
        return "connect";
    case CINDER_E_TOO_MANY_REDIRECTS:
        return "too_many_redirects";
    case CINDER_E_PAGE_TOO_LARGE:
        return "too_large";
    case CINDER_E_BLOCKED_ADDRESS:
        return "blocked";
    case CINDER_E_UNSUPPORTED_FILE:
        return "unsupported_content_type";
    case CINDER_E_PARSE:
        return "parse_error";
    default:
        return "fetch_error";
    }
}

void crawl_page_fail(page_t *p, cinder_err e, const char *detail)
{
    size_t n = strlen(cinder_strerror(e)) + (detail ? strlen(detail) : 0) + 4;
    p->error = xmalloc(n);
    snprintf(p->error, n, "%s%s%s", cinder_strerror(e), detail ? ": " : "", detail ? detail : "");
    p->res.status = ITEM_FAILED;
    p->res.reason = fetch_reason(e);
    p->res.error = p->error;
    p->res.error_code = cinder_err_name(e);
}

/* 429 and 503 pause the host (Retry-After, or the host's backoff) and the page is tried again
 * after the pause, a bounded number of times; then it is recorded as failed. */
static bool maybe_retry(page_t *p)
{
    long st = p->fres->status;
    if (p->job->opts.interactive) /* a scrape answers with the page as the target sent it */
        return false;
    if (st != 429 && st != 503) {
        hostgate_ok(p->c->gate, p->item.url);
        return false;
    }
    int64_t ra = p->fres->retry_after_s > 0 ? p->fres->retry_after_s * 1000LL : 0;
    int64_t pause = hostgate_pause(p->c->gate, p->item.url, ra, clock_mono_ms());
    if (p->item.attempts + 1 >= MAX_ATTEMPTS) {
        char detail[64];
        snprintf(detail, sizeof detail, "HTTP %ld after %d attempts", st, p->item.attempts + 1);
        crawl_page_fail(p, CINDER_E_FETCH, detail);
        p->res.reason = st == 429 ? "http_429" : "http_503";
        return true;
    }
    p->res.status = ITEM_PENDING;
    p->res.not_before_ms = clock_wall_ms() + pause;
    return true;
}

/* Adds link url to the page's discoveries when the scope allows it. */
static void consider_link(page_t *p, const char *url, bool from_external, buf_t *key)
{
    cjob_t *j = p->job;
    buf_reset(key);
    if (urlkey_make(url, &j->kopts, key) != CINDER_OK || known_has(j->known, buf_str(key)))
        return; /* held by the store already (in scope or not, it would ignore it) */
    if (scope_check(j->scope, url, p->item.depth + 1, from_external) != SCOPE_OK)
        return;
    model_item_new_t *it = &p->found[p->n_found++];
    it->url = xstrdup(url);
    it->key = xstrdup(buf_str(key));
    it->depth = p->item.depth + 1;
}

/* Links refused by an origin's known robots.txt are recorded as skipped (they never consume the
 * budget); links of origins not known yet are admitted and checked when claimed. */
static void mark_robots(page_t *p)
{
    pthread_mutex_lock(&p->c->mu);
    for (size_t i = 0; i < p->n_found; i++) {
        const robots_t *r = crawl_robots_known(p->job, p->found[i].url);
        if (r && !robots_allows(r, p->found[i].url))
            p->found[i].skip_reason = "robots";
    }
    pthread_mutex_unlock(&p->c->mu);
}

/* True when the page's links may be offered (page_may_discover). The cancel flag is written
 * under the crawler mutex and read here, on a worker, without it: it is atomic. */
static bool crawl_page_may_discover(const page_t *p)
{
    const cjob_t *j = p->job;
    return !atomic_load(&j->cancelled) && !j->opts.batch && j->opts.sitemap != CRAWL_SITEMAP_ONLY;
}

/* The URL the page was read from: after redirects, else the item's URL. */
static const char *crawl_page_final_url(const page_t *p)
{
    return p->fres && p->fres->final_url ? p->fres->final_url : p->item.url;
}

/* Whether the page's own URL lies outside the job's scope (its links are then one hop from an
 * external page); worked out once per page. */
static bool page_external(page_t *p)
{
    if (!p->external_known) {
        p->external =
            scope_check(p->job->scope, crawl_page_final_url(p), 0, true) == SCOPE_EXTERNAL;
        p->external_known = true;
    }
    return p->external;
}

void crawl_page_discover(page_t *p, json_t *links)
{
    size_t n = json_array_size(links);
    if (!n)
        return;
    if (n > MAX_LINKS_PER_PAGE)
        n = MAX_LINKS_PER_PAGE;
    p->found = xcalloc(n, sizeof *p->found);
    p->found_held = xcalloc(n, 1);
    bool from_external = page_external(p);
    buf_t key;
    buf_init(&key, 16384);
    for (size_t i = 0; i < n; i++) {
        const char *u = json_string_value(json_array_get(links, i));
        if (u)
            consider_link(p, u, from_external, &key);
    }
    buf_cleanup(&key);
    if (!p->job->opts.ignore_robots)
        mark_robots(p);
    p->res.found = p->found;
    p->res.n_found = p->n_found;
    p->res.found_held = p->found_held;
}

/* When the page redirected to a URL with another key, hands that key to the store to lock. */
static void note_redirect(page_t *p)
{
    const char *final = p->fres->final_url;
    if (!final || !strcmp(final, p->item.url))
        return;
    buf_t a, b;
    buf_init(&a, 16384);
    buf_init(&b, 16384);
    if (!urlkey_make(final, &p->job->kopts, &a) && !urlkey_make(p->item.url, &p->job->kopts, &b) &&
        strcmp(buf_str(&a), buf_str(&b)) != 0) {
        p->final_key = buf_steal(&a);
        p->res.final_key = p->final_key;
        p->res.final_url = final;
    }
    buf_cleanup(&a);
    buf_cleanup(&b);
}

static void build_document(page_t *p)
{
    cjob_t *j = p->job;
    char id[UUID_STR_LEN];
    uuid_generate_v4(id);
    json_t *doc = NULL; /* links are always built: they are needed to discover pages */
    cinder_err rc = page_build(p->fres, p->item.url, &j->opts.page, PIPE_FMT_LINKS, id, &doc);
    if (rc) {
        crawl_page_fail(p, rc, p->fres->content_type);
        return;
    }
    if (crawl_page_may_discover(p))
        crawl_page_discover(p, json_object_get(doc, "links"));
    if (!(j->opts.page.formats & PIPE_FMT_LINKS))
        json_object_del(doc, "links");
    if (j->hooks.document)
        j->hooks.document(doc, j->hooks.ud);
    if (j->opts.on_document)
        j->opts.on_document(doc, j->opts.on_document_ud);
    char *text = j->opts.on_document ? xstrdup("{}") : json_out_compact(doc, NULL);
    json_decref(doc);
    crawl_page_succeed(p, text);
}

void crawl_page_succeed(page_t *p, char *doc)
{
    p->doc = doc;
    note_redirect(p);
    p->res.status = ITEM_SUCCEEDED;
    p->res.doc = p->doc;
    p->res.doc_len = p->doc ? strlen(p->doc) : 0;
    char *packed = NULL; /* encoded here, in parallel, not by the store's single writer */
    size_t plen = 0;
    if (p->doc && store_doc_pack(p->c->st, p->doc, p->res.doc_len, &packed, &plen) == CINDER_OK) {
        free(p->doc);
        p->res.doc = p->doc = packed;
        p->res.doc_len = plen;
        p->res.doc_packed = true;
    }
}

/* A fetch error goes to the job kind first (a discovery job records a document over the size
 * cap), else it is recorded as a failure. */
static void fetch_failed(page_t *p)
{
    const crawl_hooks_t *h = &p->job->hooks;
    if (!h->fetch_failed || !h->fetch_failed(&p->ctx, h->ud))
        crawl_page_fail(p, p->fres->err, p->fres->error_detail);
}

void crawl_page_outcome(page_t *p)
{
    cjob_t *j = p->job;
    p->res.seq = p->item.seq;
    p->res.http_status = p->fres->status;
    if (p->fres->err == CINDER_E_SHUTDOWN)
        p->res.status = ITEM_PENDING; /* cut short by a shutdown: fetched again after restart */
    else if (p->fres->err)
        fetch_failed(p);
    else if (maybe_retry(p))
        ; /* put back for a retry, or failed after the last attempt */
    else if (j->hooks.page)
        j->hooks.page(&p->ctx, j->hooks.ud);
    else
        build_document(p);
    if (j->hooks.item_event)
        p->hook = j->hooks.item_event(j->hooks.ud, j->id, p->item.url, &p->res);
    p->res.event = p->hook;
}

void crawl_page_process(void *arg)
{
    page_t *p = arg;
    crawl_page_outcome(p);
    crawl_page_done(p);
}

void crawl_page_free(page_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_found; i++) {
        free((char *)p->found[i].url);
        free((char *)p->found[i].key);
    }
    free(p->found);
    free(p->found_held);
    free(p->doc);
    free(p->error);
    free(p->final_key);
    if (p->hook && p->job->hooks.event_free)
        p->job->hooks.event_free(p->hook);
    fetch_result_free(p->fres);
    store_item_cleanup(&p->item);
    free(p);
}

/* ---- page_ctx_t: what a job kind's processor sees of a page -------------------------------- */

/* The page whose head ctx is (page_t begins with its page_ctx_t). */
static page_t *page_of(const page_ctx_t *ctx)
{
    return (page_t *)ctx;
}

static const fetch_result_t *ops_fetched(const page_ctx_t *ctx)
{
    return page_of(ctx)->fres;
}

static const char *ops_url(const page_ctx_t *ctx)
{
    return page_of(ctx)->item.url;
}

static const char *ops_final_url(const page_ctx_t *ctx)
{
    return crawl_page_final_url(page_of(ctx));
}

static const crawl_opts_t *ops_opts(const page_ctx_t *ctx)
{
    return &page_of(ctx)->job->opts;
}

static bool ops_may_discover(const page_ctx_t *ctx)
{
    return crawl_page_may_discover(page_of(ctx));
}

static bool ops_link_in_scope(const page_ctx_t *ctx, const char *url)
{
    page_t *p = page_of(ctx);
    return scope_check(p->job->scope, url, p->item.depth + 1, page_external(p)) == SCOPE_OK;
}

static void ops_discover(page_ctx_t *ctx, json_t *links)
{
    crawl_page_discover(page_of(ctx), links);
}

static void ops_succeed(page_ctx_t *ctx, char *doc)
{
    crawl_page_succeed(page_of(ctx), doc);
}

static void ops_fail(page_ctx_t *ctx, cinder_err e, const char *detail)
{
    crawl_page_fail(page_of(ctx), e, detail);
}

const page_ops_t crawl_page_ops = {
    .fetched = ops_fetched,
    .url = ops_url,
    .final_url = ops_final_url,
    .opts = ops_opts,
    .may_discover = ops_may_discover,
    .link_in_scope = ops_link_in_scope,
    .discover = ops_discover,
    .succeed = ops_succeed,
    .fail = ops_fail,
};
