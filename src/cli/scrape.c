/* cinder scrape URL: fetch one page with the same pipeline the server uses, print it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page/page.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "fetch/fetcher.h"
#include "html/pipeline.h"
#include "jobs/scrape.h"
#include "util/url.h"
#include "version.h"

typedef struct {
    const char *format;
    bool no_main;
    bool allow_private;
    long long timeout_ms;
    bool insecure;
    const char *headers[OPT_LIST_MAX];
    size_t max_page;
} scrape_cfg_t;

#define F(x) offsetof(scrape_cfg_t, x)
static const opt_def_t scrape_opts[] = {
    {"format", 'f', NULL, OPT_STR, F(format), "markdown", "FORMAT",
     "markdown, html (cleaned), rawHtml, links or json (the whole document)"},
    {"no-main", 0, NULL, OPT_FLAG, F(no_main), NULL, NULL,
     "keep the whole page instead of only its main content"},
    {"allow-private", 0, "CINDER_ALLOW_PRIVATE", OPT_FLAG, F(allow_private), NULL, NULL,
     "allow loopback, private and link-local targets"},
    {"timeout", 't', NULL, OPT_DURATION, F(timeout_ms), "30s", "DURATION", "whole fetch deadline"},
    {"insecure", 'k', NULL, OPT_FLAG, F(insecure), NULL, NULL, "skip TLS certificate checks"},
    {"header", 'H', NULL, OPT_LIST, F(headers), NULL, "'NAME: VALUE'", "extra request header"},
    {"max-page-size", 0, "CINDER_MAX_PAGE_SIZE", OPT_SIZE, F(max_page), "20MiB", "SIZE",
     "largest page body fetched"},
    {NULL, 0, NULL, 0, 0, NULL, NULL, NULL},
};
#undef F

static const char usage[] = "usage: cinder scrape [OPTIONS] URL\n\n"
                            "Fetches URL and prints it as markdown (or another format) without a "
                            "server.";

static unsigned format_flags(const char *f)
{
    if (!strcmp(f, "markdown"))
        return PIPE_FMT_MARKDOWN;
    if (!strcmp(f, "html"))
        return PIPE_FMT_HTML;
    if (!strcmp(f, "rawHtml"))
        return PIPE_FMT_RAW_HTML;
    if (!strcmp(f, "links"))
        return PIPE_FMT_LINKS;
    if (!strcmp(f, "json"))
        return PIPE_FMT_MARKDOWN | PIPE_FMT_LINKS;
    return 0;
}

static void print_doc(json_t *doc, const char *format)
{
    if (!strcmp(format, "json")) {
        char *s = json_dumps(doc, JSON_INDENT(2));
        puts(s ? s : "{}");
        free(s);
    } else if (!strcmp(format, "links")) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(doc, "links"), i, v) puts(json_string_value(v));
    } else {
        const char *key = strcmp(format, "markdown") == 0 ? "markdown" : format;
        const char *s = json_string_value(json_object_get(doc, key));
        fputs(s ? s : "", stdout);
        if (s && *s && s[strlen(s) - 1] != '\n')
            fputc('\n', stdout);
    }
}

static int run(const scrape_cfg_t *cfg, const char *url)
{
    size_t nh = 0;
    while (cfg->headers[nh])
        nh++;
    fetcher_config_t fc = {0};
    fc.allow_private = cfg->allow_private;
    fc.user_agent = CINDER_USER_AGENT;
    fc.max_body = cfg->max_page;
    fetcher_t *f = fetcher_new(&fc);
    fetch_request_t req = {0};
    req.url = url;
    req.headers = cfg->headers;
    req.n_headers = nh;
    req.timeout_ms = (long)cfg->timeout_ms;
    req.skip_tls_verify = cfg->insecure;
    fetch_result_t *res = NULL;
    cinder_err rc = f ? fetcher_fetch_sync(f, &req, &res) : CINDER_E_FETCH;
    if (!rc)
        rc = res->err;
    json_t *doc = NULL;
    if (!rc) {
        pipeline_opts_t po = {0};
        po.formats = format_flags(cfg->format);
        po.only_main_content = !cfg->no_main;
        pipeline_input_t in = {url,
                               res->final_url,
                               res->status,
                               res->content_type,
                               res->body.data ? res->body.data : "",
                               res->body.len};
        rc = pipeline_run(&in, &po, &doc);
    }
    if (rc) {
        fprintf(stderr, "cinder scrape: %s: %s%s%s\n", url, cinder_strerror(rc),
                res && res->error_detail ? ": " : "",
                res && res->error_detail ? res->error_detail : "");
    } else {
        page_decorate(doc, NULL, res->status);
        print_doc(doc, cfg->format);
    }
    json_decref(doc);
    fetch_result_free(res);
    fetcher_free(f);
    return rc ? 1 : 0;
}

int cmd_scrape(int argc, char **argv)
{
    scrape_cfg_t cfg = {0};
    const char *pos[1];
    int npos = 0;
    cinder_err rc = opts_parse(scrape_opts, &cfg, argc, argv, usage, pos, 1, &npos);
    if (rc)
        return rc == CINDER_E_DECLINED ? 0 : 2;
    if (npos != 1 || !format_flags(cfg.format)) {
        fprintf(stderr, "%s\n", npos != 1 ? usage : "cinder scrape: unknown --format");
        return 2;
    }
    char *url = url_normalize_http(pos[0], NULL);
    if (!url && !strstr(pos[0], "://")) {
        char buf[8200];
        snprintf(buf, sizeof buf, "http://%s", pos[0]);
        url = url_normalize_http(buf, NULL);
    }
    if (!url) {
        fprintf(stderr, "cinder scrape: not an http(s) URL: %s\n", pos[0]);
        return 2;
    }
    int status = run(&cfg, url);
    free(url);
    return status;
}
