/*
 * Per-page work of a document-discovery crawl, on a worker thread (see crawl_page.c for the
 * general path): a fetched page becomes a record of the document links it holds (with their
 * words), its other links go to the frontier, and a URL that answers with a document type is
 * recorded as a found file instead of failing as unsupported content. Record formats are in
 * jobs/discover.h. Everything here is owned by the page.
 */
#include <stdlib.h>
#include <string.h>

#include "html/anchors.h"
#include "html/charset.h"
#include "html/pipeline.h"
#include "dialect/skop/discover.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/strset.h"

#define ANCHORS_MAX 5000
#define TEXT_CAP    (64u << 20)

/* When the fetched URL is a document by its Content-Type (also when its body was over the size
 * cap), records it as a file record and returns true. */
static bool discover_file(page_ctx_t *p, void *ud)
{
    const fetch_result_t *f = page_fetched(p);
    if ((f->err && f->err != CINDER_E_PAGE_TOO_LARGE) || f->status >= 400)
        return false;
    const char *type = discover_type_of_mime(f->content_type);
    if (!type)
        return false;
    int64_t size = f->content_length > 0 ? f->content_length : f->err ? -1 : (int64_t)f->body.len;
    json_t *rec =
        json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "kind", "file", "url", page_final_url(p),
                  "sourceURL", page_url(p), "contentType", f->content_type, "size",
                  (json_int_t)size, "foundAt", (json_int_t)clock_wall_ms());
    if (!rec)
        return false;
    page_succeed(p, json_dumps(rec, JSON_COMPACT));
    json_decref(rec);
    return true;
}

static json_t *link_json(const anchor_t *a)
{
    return json_pack("{s:s, s:s, s:s}", "url", a->url, "text", a->text, "context", a->context);
}

/* Sorts the page's anchors into document links, kept links and crawl candidates. */
static void sort_anchors(page_ctx_t *p, const anchor_list_t *l, json_t *rec, json_t *candidates)
{
    json_t *docs = json_object_get(rec, "documentLinks"), *links = json_object_get(rec, "links");
    strset_t *seen = strset_new(l->n);
    for (size_t i = 0; i < l->n; i++) {
        const anchor_t *a = &l->v[i];
        bool first = strset_add(seen, a->url);
        if (discover_type_of_url(a->url)) {
            if (first)
                json_array_append_new(docs, link_json(a));
            continue;
        }
        if (!first)
            continue;
        json_array_append_new(candidates, json_string(a->url));
        if (json_array_size(links) < DISCOVER_LINKS_MAX && !discover_url_looks_like_page(a->url) &&
            page_link_in_scope(p, a->url))
            json_array_append_new(links, link_json(a));
    }
    strset_free(seen);
}

/* Fills rec from an HTML body and collects the links to crawl. */
static cinder_err read_html(page_ctx_t *p, const char *at_url, json_t *rec, json_t *candidates)
{
    const fetch_result_t *f = page_fetched(p);
    buf_t text;
    buf_init(&text, TEXT_CAP);
    anchor_list_t l = {0};
    cinder_err rc = charset_to_utf8(f->body.data ? f->body.data : "", f->body.len, f->content_type,
                                    &text, NULL);
    if (!rc)
        rc = anchors_extract(buf_str(&text), text.len, at_url, ANCHORS_MAX, &l);
    if (!rc) {
        json_object_set_new(rec, "title", json_string(l.title));
        sort_anchors(p, &l, rec, candidates);
    }
    anchor_list_cleanup(&l);
    buf_cleanup(&text);
    return rc;
}

/* Turns a fetched page into its record of document links and offers its links to the frontier;
 * documents are never offered, they are recorded. */
static void discover_page(page_ctx_t *p, void *ud)
{
    if (discover_file(p, ud))
        return;
    const fetch_result_t *f = page_fetched(p);
    const char *at_url = page_final_url(p);
    pipe_body_kind kind =
        pipeline_classify(f->content_type, f->body.data ? f->body.data : "", f->body.len);
    if (kind == PIPE_BODY_UNSUPPORTED) {
        page_fail(p, CINDER_E_UNSUPPORTED_FILE, f->content_type);
        return;
    }
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:I, s:[], s:[]}", "kind", "page", "url", at_url,
                            "sourceURL", page_url(p), "title", "", "foundAt",
                            (json_int_t)clock_wall_ms(), "documentLinks", "links");
    json_t *candidates = json_array();
    cinder_err rc = kind == PIPE_BODY_HTML ? read_html(p, at_url, rec, candidates) : CINDER_OK;
    if (rc)
        page_fail(p, rc, f->content_type);
    else {
        if (page_may_discover(p))
            page_discover(p, candidates);
        page_succeed(p, json_dumps(rec, JSON_COMPACT));
    }
    json_decref(candidates);
    json_decref(rec);
}

/* A fetch error: a document over the size cap is still a document found. */
static bool discover_fetch_failed(page_ctx_t *p, void *ud)
{
    return discover_file(p, ud);
}

const jobs_processor_t discover_processor = {
    .kind = JOB_KIND_DISCOVER,
    .name = "discover",
    .page = discover_page,
    .fetch_failed = discover_fetch_failed,
};
