#include "spec/scrape_opts.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/strv.h"

/* Format names as the options are persisted. */
static const struct {
    unsigned flag;
    const char *name;
} fmts[] = {{PIPE_FMT_MARKDOWN, "markdown"},
            {PIPE_FMT_HTML, "html"},
            {PIPE_FMT_RAW_HTML, "rawHtml"},
            {PIPE_FMT_LINKS, "links"},
            {PIPE_FMT_IMAGES, "images"}};

void scrape_opts_init(scrape_opts_t *o, int api_version)
{
    memset(o, 0, sizeof *o);
    o->formats = PIPE_FMT_MARKDOWN;
    o->only_main_content = true;
    o->remove_base64_images = true;
    o->api_version = api_version;
    o->timeout_ms = api_version == 2 ? 0 : 30000;
    o->skip_tls_verify = api_version == 2;
}

void scrape_opts_cleanup(scrape_opts_t *o)
{
    strv_free(o->include_tags, o->n_include);
    strv_free(o->exclude_tags, o->n_exclude);
    strv_free(o->headers, o->n_headers);
    memset(o, 0, sizeof *o);
}

void scrape_opts_copy(scrape_opts_t *dst, const scrape_opts_t *src)
{
    *dst = *src;
    dst->include_tags = strv_copy(src->include_tags, src->n_include);
    dst->exclude_tags = strv_copy(src->exclude_tags, src->n_exclude);
    dst->headers = strv_copy(src->headers, src->n_headers);
}

/* Request headers as a JSON object {name: value}, the form requests give them in. */
static json_t *headers_to_json(const scrape_opts_t *o)
{
    json_t *h = json_object();
    for (size_t i = 0; i < o->n_headers; i++) {
        const char *colon = strchr(o->headers[i], ':');
        if (!colon)
            continue;
        char *name = xstrndup(o->headers[i], (size_t)(colon - o->headers[i]));
        json_object_set_new(h, name, json_string(colon[1] == ' ' ? colon + 2 : colon + 1));
        free(name);
    }
    return h;
}

json_t *scrape_opts_to_json(const scrape_opts_t *o)
{
    json_t *f = json_array();
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
        if (o->formats & fmts[i].flag)
            json_array_append_new(f, json_string(fmts[i].name));
    json_t *j =
        json_pack("{s:o, s:b, s:o, s:o, s:I, s:b, s:b, s:b, s:i}", "formats", f, "onlyMainContent",
                  o->only_main_content, "includeTags", strv_to_json(o->include_tags, o->n_include),
                  "excludeTags", strv_to_json(o->exclude_tags, o->n_exclude), "timeout",
                  (json_int_t)o->timeout_ms, "skipTlsVerification", o->skip_tls_verify,
                  "removeBase64Images", o->remove_base64_images, "zeroDataRetention",
                  o->zero_data_retention, "apiVersion", o->api_version);
    if (o->n_headers)
        json_object_set_new(j, "headers", headers_to_json(o));
    return j;
}

void scrape_opts_add_header(scrape_opts_t *o, const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 3;
    o->headers = xrealloc(o->headers, (o->n_headers + 2) * sizeof *o->headers);
    o->headers[o->n_headers] = xmalloc(n);
    snprintf(o->headers[o->n_headers++], n, "%s: %s", name, value);
    o->headers[o->n_headers] = NULL;
}

/* Request headers back from their JSON object form. */
static void headers_from_json(json_t *h, scrape_opts_t *o)
{
    const char *k;
    json_t *v;
    json_object_foreach(h, k, v)
    {
        if (json_is_string(v))
            scrape_opts_add_header(o, k, json_string_value(v));
    }
}

cinder_err scrape_opts_from_json(json_t *j, scrape_opts_t *o)
{
    if (!json_is_object(j))
        return CINDER_E_INVALID;
    o->formats = 0;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(j, "formats"), i, f)
    {
        for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++)
            if (json_is_string(f) && !strcmp(json_string_value(f), fmts[k].name))
                o->formats |= fmts[k].flag;
    }
    o->only_main_content = json_is_true(json_object_get(j, "onlyMainContent"));
    o->include_tags = strv_from_json(json_object_get(j, "includeTags"), &o->n_include);
    o->exclude_tags = strv_from_json(json_object_get(j, "excludeTags"), &o->n_exclude);
    o->timeout_ms = (long)json_integer_value(json_object_get(j, "timeout"));
    o->skip_tls_verify = json_is_true(json_object_get(j, "skipTlsVerification"));
    o->remove_base64_images = json_is_true(json_object_get(j, "removeBase64Images"));
    o->zero_data_retention = json_is_true(json_object_get(j, "zeroDataRetention"));
    o->api_version = (int)json_integer_value(json_object_get(j, "apiVersion"));
    if (json_is_object(json_object_get(j, "headers")))
        headers_from_json(json_object_get(j, "headers"), o);
    return CINDER_OK;
}
