/*
 * /crawl/<site>/...: parses the site name and dispatches to the generated
 * pages (crawl_pages.c) and sitemaps (crawl_sitemap.c); the small routes
 * (redirects, errors, /hang) are here. /outside/... is the page that the
 * site's out-of-scope redirect lands on. Slow sites wait on the connection's
 * own thread through site_wait() (see site.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "crawl.h"
#include "stats.h"

#define DELAY_MAX_MS 60000L

/* Parses "<name>/<rest>" (after "/crawl/") into cs; false for an invalid name. */
static bool parse_site(const char *s, crawl_site *cs)
{
    size_t n = strcspn(s, "/");
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    if (n == 0 || n > CRAWL_NAME_MAX || strspn(s, ok) < n)
        return false;
    memcpy(cs->name, s, n);
    cs->name[n] = '\0';
    cs->rest = s[n] ? s + n + 1 : "";
    size_t d = n;
    while (d > 0 && isdigit((unsigned char)s[d - 1]))
        d--;
    long v = 0;
    for (size_t i = d; i < n && v <= CRAWL_PAGES_MAX; i++)
        v = v * 10 + (s[i] - '0');
    cs->pages = v == 0 ? CRAWL_PAGES_DEFAULT : v > CRAWL_PAGES_MAX ? CRAWL_PAGES_MAX : v;
    cs->quiet = strncmp(cs->name, "quiet", 5) == 0;
    return true;
}

/* Parses "<digits><tail>" where tail is one of the accepted suffixes. */
static bool number_then(const char *s, long max, const char *const *tails, long *out)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > 9)
        return false;
    for (const char *const *t = tails; *t; t++) {
        if (strcmp(s + n, *t) == 0) {
            long v = 0;
            for (size_t i = 0; i < n; i++)
                v = v * 10 + (s[i] - '0');
            *out = v;
            return v <= max;
        }
    }
    return false;
}

static const char *const plain_tail[] = {"", NULL};
static const char *const page_tails[] = {"", "/", "/index.html", NULL};

/* "a", "a/b", ... consecutive single letters from 'a'; returns the depth or 0. */
static int alpha_depth(const char *s)
{
    int d = 0;
    for (; s[0] == 'a' + d && (s[1] == '\0' || s[1] == '/'); s += s[1] ? 2 : 1) {
        d++;
        if (s[1] == '\0')
            return d;
    }
    return 0;
}

static enum MHD_Result redirect(site_request *rq, unsigned code, const char *location)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (r)
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
    return site_send(rq, code, r);
}

/* /err/429: 429 with Retry-After: 1 the first two times per site (until /_reset), then 200. */
static enum MHD_Result err_429(site_request *rq, const crawl_site *cs)
{
    char key[CRAWL_NAME_MAX + 16];
    snprintf(key, sizeof key, "crawl-429/%s", cs->name);
    long hit = stats_flaky_hit(key);
    if (hit > 2)
        return site_send_html(rq, MHD_HTTP_OK, "Recovered",
                              "<h1>recovered</h1>\n<p>Attempt %ld succeeded.</p>", hit);
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen("Too many requests\n"), "Too many requests\n", MHD_RESPMEM_PERSISTENT);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    }
    return site_send(rq, MHD_HTTP_TOO_MANY_REQUESTS, r);
}

/* The routes without a number: home, sitemaps, errors, redirects, /hang. */
static enum MHD_Result named(site_request *rq, const crawl_site *cs, bool *done)
{
    const char *r = cs->rest;
    char loc[512];
    *done = true;
    if (r[0] == '\0' && rq->url[strlen(rq->url) - 1] != '/') {
        snprintf(loc, sizeof loc, "/crawl/%s/", cs->name);
        return redirect(rq, MHD_HTTP_MOVED_PERMANENTLY, loc);
    }
    if (r[0] == '\0')
        return crawl_home(rq, cs);
    if (strcmp(r, "sitemap.xml") == 0)
        return crawl_sitemap_index(rq, cs);
    if (strcmp(r, "sitemap-1.xml") == 0)
        return crawl_sitemap_part(rq, cs, 1);
    if (strcmp(r, "sitemap-2.xml.gz") == 0)
        return crawl_sitemap_part(rq, cs, 2);
    if (strcmp(r, "sitemap-big.xml") == 0)
        return crawl_sitemap_big(rq, cs);
    if (strcmp(cs->name, "sitemaps") == 0 && strcmp(r, "index.xml") == 0)
        return crawl_sitemaps_root(rq, cs);
    if (strcmp(r, "err/404") == 0)
        return site_send_status(rq, MHD_HTTP_NOT_FOUND, "A broken link of the crawl site.");
    if (strcmp(r, "err/500") == 0)
        return site_send_status(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "Crawl site error.");
    if (strcmp(r, "err/429") == 0)
        return err_429(rq, cs);
    if (strcmp(r, "away") == 0) {
        snprintf(loc, sizeof loc, "http://%s/outside/%s", cs->host, cs->name);
        return redirect(rq, MHD_HTTP_MOVED_PERMANENTLY, loc);
    }
    *done = false;
    return MHD_NO;
}

/* The numbered routes: tree pages, private, orphans, moved, deep, and the letter chain. */
static enum MHD_Result numbered(site_request *rq, const crawl_site *cs)
{
    const char *r = cs->rest;
    long n;
    char loc[512];
    if (strncmp(r, "p/", 2) == 0 && number_then(r + 2, cs->pages - 1, page_tails, &n))
        return crawl_page(rq, cs, n);
    if (strncmp(r, "private/", 8) == 0 && number_then(r + 8, 999999999, plain_tail, &n))
        return crawl_private(rq, cs, n);
    if (strncmp(r, "orphan/", 7) == 0 && number_then(r + 7, CRAWL_ORPHANS - 1, plain_tail, &n))
        return crawl_orphan(rq, cs, n);
    if (strncmp(r, "deep/", 5) == 0 && number_then(r + 5, CRAWL_DEEP_MAX, plain_tail, &n) && n)
        return crawl_deep(rq, cs, n);
    if (strncmp(r, "moved/", 6) == 0 && number_then(r + 6, 999999999, plain_tail, &n)) {
        snprintf(loc, sizeof loc, "/crawl/%s/p/%ld", cs->name, n);
        return redirect(rq, MHD_HTTP_MOVED_PERMANENTLY, loc);
    }
    int depth = alpha_depth(r);
    if (depth > 0)
        return crawl_alpha(rq, cs, depth);
    return site_send_status(rq, MHD_HTTP_NOT_FOUND, "No such page in this crawl site.");
}

enum MHD_Result route_crawl(site_request *rq)
{
    crawl_site cs;
    if (!parse_site(rq->url + strlen("/crawl/"), &cs))
        return site_send_status(rq, MHD_HTTP_NOT_FOUND, "Not a crawl site name.");
    cs.host = site_host(rq);
    if (strstr(cs.name, "auth")) { /* sites named *auth* want a credential on every request */
        const char *a =
            MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        if (!a || strcmp(a, CRAWL_AUTH) != 0)
            return site_send_status(rq, MHD_HTTP_UNAUTHORIZED, "Authorization required.");
    }
    if (strcmp(cs.rest, "hang") == 0) {
        site_wait(site_conn_fd(rq), -1);
        return MHD_NO;
    }
    long delay;
    long def = strncmp(cs.name, "slow", 4) == 0 ? CRAWL_SLOW_MS : 0;
    if (!site_query_long(rq, "delay", def, 0, DELAY_MAX_MS, &delay))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "delay must be an integer.");
    if (delay > 0 && !site_wait(site_conn_fd(rq), delay))
        return MHD_NO;
    bool done;
    enum MHD_Result ret = named(rq, &cs, &done);
    return done ? ret : numbered(rq, &cs);
}

enum MHD_Result route_outside(site_request *rq)
{
    return site_send_html(rq, MHD_HTTP_OK, "Outside",
                          "<h1>outside the crawl</h1>\n<p>A redirect led out of the crawl "
                          "site to this page.</p>\n<p><a href=\"/\">Fixture home</a></p>");
}
