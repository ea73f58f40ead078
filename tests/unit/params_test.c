#include "test.h"

#include <stdlib.h>

#include "api/params.h"
#include "html/pipeline.h"

static json_t *parse(const char *s)
{
    json_error_t e;
    return json_loads(s, 0, &e);
}

static bool has_path(json_t *details, const char *want)
{
    size_t i;
    json_t *d;
    json_array_foreach(details, i, d)
    {
        char *p = json_dumps(json_object_get(d, "path"), JSON_COMPACT);
        bool eq = p && strcmp(p, want) == 0;
        free(p);
        if (eq)
            return true;
    }
    return false;
}

TEST(params_url_rules)
{
    params_report_t rep;
    params_report_init(&rep);
    json_t *v = json_string("example.com/a b");
    char *u = params_url(v, "url", false, &rep);
    CHECK_STR(u, "http://example.com/a%20b");
    free(u);
    json_decref(v);
    v = json_string("http://localhost:8080/");
    CHECK(params_url(v, "url", false, &rep) == NULL);
    u = params_url(v, "url", true, &rep);
    CHECK(u != NULL);
    free(u);
    json_decref(v);
    v = json_string("ftp://example.com/");
    CHECK(params_url(v, "url", true, &rep) == NULL);
    json_decref(v);
    v = json_integer(5);
    CHECK(params_url(v, "url", true, &rep) == NULL);
    json_decref(v);
    CHECK(params_url(NULL, "url", true, &rep) == NULL);
    CHECK_INT(json_array_size(rep.details), 4);
    params_report_cleanup(&rep);
}

TEST(params_scrape_v1_types_and_defaults)
{
    json_t *b =
        parse("{\"url\":\"x\",\"formats\":[\"markdown\",\"html\",\"bogus\",\"screenshot\"],"
              "\"onlyMainContent\":\"no\",\"timeout\":0,\"headers\":{\"X-A\":\"1\",\"B\":2},"
              "\"includeTags\":[\"article\",\"p.x\"],\"brandNew\":true,\"origin\":\"sdk\"}");
    scrape_opts_t o;
    scrape_opts_init(&o, 1);
    params_report_t rep;
    params_report_init(&rep);
    params_scrape(b, 1, NULL, &o, &rep);
    CHECK(params_failed(&rep));
    CHECK(has_path(rep.details, "[\"formats\",2]"));
    CHECK(has_path(rep.details, "[\"formats\",3]"));
    CHECK(has_path(rep.details, "[\"onlyMainContent\"]"));
    CHECK(has_path(rep.details, "[\"timeout\"]"));
    CHECK(has_path(rep.details, "[\"headers\",\"B\"]"));
    CHECK_INT(o.formats, PIPE_FMT_MARKDOWN | PIPE_FMT_HTML);
    CHECK_INT(o.n_headers, 1);
    CHECK_STR(o.headers[0], "X-A: 1");
    CHECK_INT(o.n_include, 2);
    CHECK_CONTAINS(buf_str(&rep.warnings), "brandNew");
    CHECK_NOT_CONTAINS(buf_str(&rep.warnings), "origin");
    scrape_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(b);
}

TEST(params_scrape_v2_objects_and_refusals)
{
    json_t *b = parse("{\"url\":\"x\",\"formats\":[{\"type\":\"markdown\"},\"images\"],"
                      "\"actions\":[{\"type\":\"click\"}],\"proxy\":\"stealth\"}");
    scrape_opts_t o;
    scrape_opts_init(&o, 2);
    CHECK(o.skip_tls_verify);
    CHECK_INT(o.timeout_ms, 0);
    params_report_t rep;
    params_report_init(&rep);
    params_scrape(b, 2, NULL, &o, &rep);
    CHECK_INT(rep.err, CINDER_E_ACTIONS_UNSUPPORTED);
    CHECK_INT(o.formats, PIPE_FMT_MARKDOWN | PIPE_FMT_IMAGES);
    CHECK_CONTAINS(buf_str(&rep.warnings), "stealth");
    json_t *body = params_error_body(&rep);
    CHECK_STR(json_string_value(json_object_get(body, "code")), "SCRAPE_ACTIONS_NOT_SUPPORTED");
    json_decref(body);
    scrape_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(b);
}

TEST(params_v2_format_object_without_type)
{
    json_t *b = parse("{\"formats\":[{\"prompt\":\"x\"}, {}]}");
    scrape_opts_t o;
    scrape_opts_init(&o, 2);
    params_report_t rep;
    params_report_init(&rep);
    params_scrape(b, 2, NULL, &o, &rep);
    CHECK(has_path(rep.details, "[\"formats\",0]"));
    CHECK(has_path(rep.details, "[\"formats\",1]"));
    scrape_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(b);
}

TEST(params_wait_for_half_timeout)
{
    json_t *b = parse("{\"timeout\":1000,\"waitFor\":600}");
    scrape_opts_t o;
    scrape_opts_init(&o, 1);
    params_report_t rep;
    params_report_init(&rep);
    params_scrape(b, 1, NULL, &o, &rep);
    CHECK(has_path(rep.details, "[\"waitFor\"]"));
    scrape_opts_cleanup(&o);
    params_report_cleanup(&rep);
    json_decref(b);
}
