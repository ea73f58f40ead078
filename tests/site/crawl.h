/*
 * The generated crawl sites under /crawl/<site>/ (routes_crawl.c parses and
 * dispatches, crawl_pages.c writes the HTML pages, crawl_sitemap.c streams the
 * sitemaps). Everything is computed from the URL: no files, no shared state
 * except the per-site /err/429 counter kept in stats.c.
 */
#ifndef CINDER_TESTS_SITE_CRAWL_H
#define CINDER_TESTS_SITE_CRAWL_H

#include <stdbool.h>

#include "site.h"

#define CRAWL_NAME_MAX      64
#define CRAWL_PAGES_DEFAULT 50
#define CRAWL_PAGES_MAX     10000000L
#define CRAWL_ORPHANS       10
#define CRAWL_DEEP_MAX      50
#define CRAWL_SLOW_MS       200

/* One request to a crawl site, parsed from /crawl/<name>/<rest>. */
/* The Authorization header value that sites named *auth* require (401 without it). */
#define CRAWL_AUTH "Bearer cinder-fixture"

typedef struct {
    char name[CRAWL_NAME_MAX + 1];
    long pages;       /* N: the trailing digits of the name, else CRAWL_PAGES_DEFAULT */
    bool quiet;       /* name starts with "quiet": home links only to the tree */
    const char *host; /* site_host(): for absolute links */
    const char *rest; /* the path after "/crawl/<name>/" ("" for the home page) */
} crawl_site;

/* crawl_pages.c */
enum MHD_Result crawl_home(site_request *rq, const crawl_site *cs);
enum MHD_Result crawl_page(site_request *rq, const crawl_site *cs, long n);
enum MHD_Result crawl_private(site_request *rq, const crawl_site *cs, long n);
enum MHD_Result crawl_orphan(site_request *rq, const crawl_site *cs, long k);
enum MHD_Result crawl_deep(site_request *rq, const crawl_site *cs, long k);

/* /crawl/<site>/a/b/c...: depth consecutive letters from 'a' (1..26). */
enum MHD_Result crawl_alpha(site_request *rq, const crawl_site *cs, int depth);

/* crawl_sitemap.c */
enum MHD_Result crawl_sitemap_index(site_request *rq, const crawl_site *cs);
enum MHD_Result crawl_sitemap_part(site_request *rq, const crawl_site *cs, int part);
enum MHD_Result crawl_sitemap_big(site_request *rq, const crawl_site *cs);

/* /crawl/sitemaps/index.xml: the index named by the default robots.txt (site "small"). */
enum MHD_Result crawl_sitemaps_root(site_request *rq, const crawl_site *cs);

#endif
