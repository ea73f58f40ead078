#include "dialect/trieve/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/params.h"
#include "dialect/trieve/chunks.h"
#include "util/mem.h"
#include "util/strv.h"

#define DEFAULT_LIMIT 1000
#define MAX_LIMIT     10000000L
#define MAX_LIST      100 /* patterns, tags, remove strings */
#define MAX_WEBHOOKS  20
#define MAX_METADATA  (16u << 10)

static const char *const known[] = {
    "site_url",
    "interval",
    "limit",
    "include_paths",
    "exclude_paths",
    "include_tags",
    "exclude_tags",
    "allow_external_links",
    "ignore_sitemap",
    "boost_titles",
    "heading_remove_strings",
    "body_remove_strings",
    "scrape_options",
    "webhook_urls",
    "webhook_metadata",
    "add_chunks_to_dataset",
    "tags",
    NULL,
};

/* The value of key, or NULL when it is absent or null. */
static json_t *field(json_t *co, const char *key)
{
    json_t *v = json_object_get(co, key);
    return json_is_null(v) ? NULL : v;
}

/* "crawl_options.<key>" into out. */
static const char *name(const char *key, char *out, size_t len)
{
    snprintf(out, len, "crawl_options.%s", key);
    return out;
}

/* A string list; NULL (and *n = 0) when absent. */
static char **list(json_t *co, const char *key, size_t max, size_t *n, params_report_t *rep)
{
    char f[80];
    json_t *v = field(co, key);
    *n = 0;
    return v ? params_strv(v, name(key, f, sizeof f), max, n, rep) : NULL;
}

static void parse_bools(json_t *co, crawl_opts_t *o, bool *chunks, params_report_t *rep)
{
    char f[80];
    bool b = false;
    json_t *v;
    if ((v = field(co, "allow_external_links")))
        params_bool(v, name("allow_external_links", f, sizeof f), &o->allow_external_links, rep);
    if ((v = field(co, "ignore_sitemap")) &&
        params_bool(v, name("ignore_sitemap", f, sizeof f), &b, rep))
        o->sitemap = b ? CRAWL_SITEMAP_SKIP : CRAWL_SITEMAP_INCLUDE;
    if ((v = field(co, "boost_titles")))
        params_bool(v, name("boost_titles", f, sizeof f), &b, rep);
    if ((v = field(co, "add_chunks_to_dataset")))
        params_bool(v, name("add_chunks_to_dataset", f, sizeof f), chunks, rep);
}

static void parse_scalars(json_t *co, crawl_opts_t *o, params_report_t *rep)
{
    char f[80];
    long n = 0;
    json_t *v = field(co, "limit");
    if (v && params_int(v, name("limit", f, sizeof f), 1, MAX_LIMIT, &n, rep))
        o->limit = n;
    v = field(co, "interval");
    const char *iv = json_string_value(v);
    if (v && (!iv || (strcmp(iv, "daily") && strcmp(iv, "weekly") && strcmp(iv, "monthly"))))
        params_issue(rep, "invalid_enum_value", name("interval", f, sizeof f),
                     "must be \"daily\", \"weekly\" or \"monthly\"");
}

/* Firecrawl takes regexes: a lone "*" (a glob for "everything") becomes ".*". */
static void star_to_regex(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v[i], "*")) {
            free(v[i]);
            v[i] = xstrdup(".*");
        }
    }
}

static bool has_real_pattern(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], ".*") != 0)
            return true;
    return false;
}

static void parse_lists(json_t *co, crawl_opts_t *o, crawl_chunks_t *ch, params_report_t *rep)
{
    o->include = list(co, "include_paths", MAX_LIST, &o->n_include, rep);
    o->exclude = list(co, "exclude_paths", MAX_LIST, &o->n_exclude, rep);
    star_to_regex(o->include, o->n_include);
    star_to_regex(o->exclude, o->n_exclude);
    o->page.include_tags = list(co, "include_tags", MAX_LIST, &o->page.n_include, rep);
    o->page.exclude_tags = list(co, "exclude_tags", MAX_LIST, &o->page.n_exclude, rep);
    ch->heading_remove = list(co, "heading_remove_strings", MAX_LIST, &ch->n_heading_remove, rep);
    ch->body_remove = list(co, "body_remove_strings", MAX_LIST, &ch->n_body_remove, rep);
    ch->tags = list(co, "tags", MAX_LIST, &ch->n_tags, rep);
    size_t n = 0;
    char **hooks = list(co, "webhook_urls", MAX_WEBHOOKS, &n, rep); /* kept in the options only */
    strv_free(hooks, n);
}

static void check_scrape_options(json_t *v, params_report_t *rep)
{
    char f[80];
    if (!v)
        return;
    if (!json_is_object(v)) {
        params_issue(rep, "invalid_type", name("scrape_options", f, sizeof f), "Expected object");
        return;
    }
    const char *t = json_string_value(json_object_get(v, "type"));
    if (t && !strcmp(t, "firecrawl"))
        return;
    char msg[200];
    if (t && (!strcmp(t, "openapi") || !strcmp(t, "shopify") || !strcmp(t, "youtube")))
        snprintf(msg, sizeof msg,
                 "type \"%s\" is not supported by cinder (web crawls only: omit scrape_options)",
                 t);
    else
        snprintf(msg, sizeof msg,
                 "type must be \"openapi\", \"shopify\" or \"youtube\" (none "
                 "supported by cinder) or \"firecrawl\"");
    params_issue(rep, "custom", name("scrape_options", f, sizeof f), msg);
}

static void check_metadata(json_t *v, params_report_t *rep)
{
    char f[80];
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (s && strlen(s) > MAX_METADATA)
        params_issue(rep, "too_big", name("webhook_metadata", f, sizeof f),
                     "must be at most 16 KiB of JSON");
    free(s);
}

/* The first issue as "field: message" (the message alone when it names the field). */
static void first_issue(const params_report_t *rep, char *err, size_t len)
{
    json_t *d = json_array_get(rep->details, 0);
    const char *msg = json_string_value(json_object_get(d, "message"));
    char path[256] = "";
    size_t i;
    json_t *seg;
    json_array_foreach(json_object_get(d, "path"), i, seg)
    {
        size_t at = strlen(path);
        if (json_is_integer(seg))
            snprintf(path + at, sizeof path - at, "%s%lld", i ? "." : "",
                     (long long)json_integer_value(seg));
        else
            snprintf(path + at, sizeof path - at, "%s%s", i ? "." : "", json_string_value(seg));
    }
    if (!msg)
        snprintf(err, len, "invalid crawl_options");
    else if (!strncmp(msg, path, strlen(path)))
        snprintf(err, len, "%s", msg);
    else
        snprintf(err, len, "%s: %s", path, msg);
}

static json_t *normalise(json_t *co)
{
    json_t *n = json_object();
    for (size_t i = 0; known[i]; i++) {
        json_t *v = field(co, known[i]);
        json_object_set_new(n, known[i], v ? json_deep_copy(v) : json_null());
    }
    if (!field(co, "limit"))
        json_object_set_new(n, "limit", json_integer(DEFAULT_LIMIT));
    if (!field(co, "boost_titles"))
        json_object_set_new(n, "boost_titles", json_true());
    if (!field(co, "add_chunks_to_dataset"))
        json_object_set_new(n, "add_chunks_to_dataset", json_true());
    return n;
}

static void crawl_defaults(crawl_opts_t *o)
{
    crawl_opts_init(o, 1);
    o->max_depth = -1; /* Trieve removed max_depth */
    o->limit = DEFAULT_LIMIT;
    o->page.formats = PIPE_FMT_MARKDOWN | PIPE_FMT_HTML; /* chunks are cut from the html */
    o->page.skip_tls_verify = false;
}

bool trieve_opts_parse(json_t *co, bool allow_private, json_t **norm, crawl_opts_t *o, char *err,
                       size_t errlen)
{
    crawl_defaults(o);
    *norm = NULL;
    params_report_t rep;
    params_report_init(&rep);
    crawl_chunks_t *ch = xcalloc(1, sizeof *ch);
    bool chunks = true;
    char f[80];
    json_t *url = field(co, "site_url");
    o->url = params_url(url, name("site_url", f, sizeof f), allow_private, &rep);
    parse_scalars(co, o, &rep);
    parse_bools(co, o, &chunks, &rep);
    parse_lists(co, o, ch, &rep);
    check_scrape_options(field(co, "scrape_options"), &rep);
    check_metadata(field(co, "webhook_metadata"), &rep);
    if (!params_failed(&rep) && o->allow_external_links &&
        !has_real_pattern(o->include, o->n_include))
        params_issue(&rep, "custom", name("include_paths", f, sizeof f),
                     "allow_external_links needs at least one include path other than \"*\"");
    bool ok = !params_failed(&rep);
    if (!ok)
        first_issue(&rep, err, errlen);
    params_report_cleanup(&rep);
    if (ok && chunks) {
        ch->site_url = xstrdup(json_string_value(url));
        o->chunks = crawl_chunks_to_json(ch);
    }
    crawl_chunks_free(ch);
    if (!ok)
        return false;
    o->source_url = xstrdup(json_string_value(url));
    *norm = normalise(co);
    return true;
}
