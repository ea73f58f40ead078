#include "page/page.h"

#include <string.h>

void page_pipeline_opts(const scrape_opts_t *o, pipeline_opts_t *out)
{
    memset(out, 0, sizeof *out);
    out->formats = o->formats;
    out->only_main_content = o->only_main_content;
    out->include_tags = (const char *const *)o->include_tags;
    out->n_include = o->n_include;
    out->exclude_tags = (const char *const *)o->exclude_tags;
    out->n_exclude = o->n_exclude;
    out->keep_base64_images = !o->remove_base64_images;
}

static const char *http_reason(long status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 410:
        return "Gone";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status >= 500 ? "Server Error" : "Client Error";
    }
}

void page_decorate(json_t *doc, const char *scrape_id, long status)
{
    json_t *meta = json_object_get(doc, "metadata");
    if (!meta) {
        meta = json_object();
        json_object_set_new(doc, "metadata", meta);
    }
    if (scrape_id)
        json_object_set_new(meta, "scrapeId", json_string(scrape_id));
    json_object_set_new(meta, "proxyUsed", json_string("basic"));
    json_object_set_new(meta, "creditsUsed", json_integer(1));
    if (status >= 400)
        json_object_set_new(meta, "error", json_string(http_reason(status)));
}

cinder_err page_build(const fetch_result_t *f, const char *url, const scrape_opts_t *o,
                      unsigned extra_formats, const char *scrape_id, json_t **doc)
{
    pipeline_opts_t po;
    page_pipeline_opts(o, &po);
    po.formats |= extra_formats;
    pipeline_input_t in = {
        url,        f->final_url, f->status, f->content_type, f->body.data ? f->body.data : "",
        f->body.len};
    cinder_err rc = pipeline_run(&in, &po, doc);
    if (!rc)
        page_decorate(*doc, scrape_id, f->status);
    return rc;
}
