#include "spec/crawl_opts.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/strv.h"

void crawl_opts_init(crawl_opts_t *o, int api_version)
{
    memset(o, 0, sizeof *o);
    o->limit = 10000;
    o->max_depth = api_version == 1 ? 10 : -1;
    o->max_discovery_depth = -1;
    o->dedupe_similar = true;
    o->sitemap = CRAWL_SITEMAP_INCLUDE;
    o->api_version = api_version;
    scrape_opts_init(&o->page, api_version);
    o->page.timeout_ms = 0; /* crawl pages have no default timeout in Firecrawl */
}

void crawl_opts_cleanup(crawl_opts_t *o)
{
    free(o->url);
    free(o->source_url);
    strv_free(o->include, o->n_include);
    strv_free(o->exclude, o->n_exclude);
    scrape_opts_cleanup(&o->page);
    json_decref(o->meta);
    json_decref(o->chunks);
    webhook_cfg_cleanup(&o->webhook);
    memset(o, 0, sizeof *o);
}

json_t *crawl_opts_to_json(const crawl_opts_t *o)
{
    static const char *const modes[] = {"include", "skip", "only"};
    json_t *j = json_pack(
        "{s:s, s:s, s:I, s:o, s:o, s:i, s:i, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s,"
        " s:I, s:i, s:o, s:i}",
        "url", o->url, "sourceURL", o->source_url ? o->source_url : o->url, "limit",
        (json_int_t)o->limit, "includePaths", strv_to_json(o->include, o->n_include),
        "excludePaths", strv_to_json(o->exclude, o->n_exclude), "maxDepth", o->max_depth,
        "maxDiscoveryDepth", o->max_discovery_depth, "crawlEntireDomain", o->crawl_entire_domain,
        "allowSubdomains", o->allow_subdomains, "allowExternalLinks", o->allow_external_links,
        "ignoreRobotsTxt", o->ignore_robots, "deduplicateSimilarURLs", o->dedupe_similar,
        "ignoreQueryParameters", o->ignore_query, "regexOnFullURL", o->regex_on_full_url, "sitemap",
        modes[o->sitemap], "delay", (json_int_t)o->delay_ms, "maxConcurrency", o->max_concurrency,
        "scrapeOptions", scrape_opts_to_json(&o->page), "apiVersion", o->api_version);
    if (o->batch && j)
        json_object_set_new(j, "batch", json_true());
    if (o->interactive && j)
        json_object_set_new(j, "interactive", json_true());
    if (o->discover && j)
        json_object_set_new(j, "discover", json_true());
    if (o->deadline_ms && j)
        json_object_set_new(j, "deadlineMs", json_integer(o->deadline_ms));
    if (o->meta && j)
        json_object_set(j, "meta", o->meta);
    if (o->chunks && j)
        json_object_set(j, "chunks", o->chunks);
    if (o->webhook.url && j)
        json_object_set_new(j, "webhook", webhook_cfg_to_json(&o->webhook));
    return j;
}

static bool flag(json_t *j, const char *k)
{
    return json_is_true(json_object_get(j, k));
}

cinder_err crawl_opts_from_json(json_t *j, crawl_opts_t *o)
{
    const char *url = json_string_value(json_object_get(j, "url"));
    if (!url)
        return CINDER_E_INVALID;
    o->url = xstrdup(url);
    o->source_url = xstrdup(json_string_value(json_object_get(j, "sourceURL")));
    o->limit = json_integer_value(json_object_get(j, "limit"));
    o->include = strv_from_json(json_object_get(j, "includePaths"), &o->n_include);
    o->exclude = strv_from_json(json_object_get(j, "excludePaths"), &o->n_exclude);
    o->max_depth = (int)json_integer_value(json_object_get(j, "maxDepth"));
    o->max_discovery_depth = (int)json_integer_value(json_object_get(j, "maxDiscoveryDepth"));
    o->crawl_entire_domain = flag(j, "crawlEntireDomain");
    o->allow_subdomains = flag(j, "allowSubdomains");
    o->allow_external_links = flag(j, "allowExternalLinks");
    o->ignore_robots = flag(j, "ignoreRobotsTxt");
    o->dedupe_similar = flag(j, "deduplicateSimilarURLs");
    o->ignore_query = flag(j, "ignoreQueryParameters");
    o->regex_on_full_url = flag(j, "regexOnFullURL");
    const char *mode = json_string_value(json_object_get(j, "sitemap"));
    o->sitemap = mode && !strcmp(mode, "skip")   ? CRAWL_SITEMAP_SKIP
                 : mode && !strcmp(mode, "only") ? CRAWL_SITEMAP_ONLY
                                                 : CRAWL_SITEMAP_INCLUDE;
    o->delay_ms = (long)json_integer_value(json_object_get(j, "delay"));
    o->max_concurrency = (int)json_integer_value(json_object_get(j, "maxConcurrency"));
    o->api_version = (int)json_integer_value(json_object_get(j, "apiVersion"));
    o->batch = flag(j, "batch");
    o->discover = flag(j, "discover");
    o->interactive = flag(j, "interactive");
    o->deadline_ms = json_integer_value(json_object_get(j, "deadlineMs"));
    json_t *meta = json_object_get(j, "meta");
    o->meta = meta ? json_incref(meta) : NULL;
    json_t *chunks = json_object_get(j, "chunks");
    o->chunks = json_is_object(chunks) ? json_incref(chunks) : NULL;
    webhook_cfg_from_json(json_object_get(j, "webhook"), &o->webhook);
    return scrape_opts_from_json(json_object_get(j, "scrapeOptions"), &o->page);
}
