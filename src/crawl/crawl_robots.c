/*
 * robots.txt inside a crawl (RFC 9309): a policy per origin, fetched the first time a page of
 * that origin is about to be fetched. Claimed pages of an origin whose policy is unknown are
 * parked; once the policy arrives they are fetched or recorded as skipped (reason "robots"),
 * which frees their budget slot since nothing was fetched. robots.txt answering 404/410 (any
 * 4xx) allows everything; a 5xx or an unreachable robots.txt blocks the origin while it is
 * retried (3 tries over about 12 s), after which cinder proceeds as if it allowed everything
 * (RFC 9309 §2.3.1.4 lets a crawler assume so after a reasonable period). Crawl-delay of the
 * start origin becomes the crawl's delay when the request gave none.
 *
 * Threads: the host table is guarded by the crawler mutex; the robots.txt fetch completes on
 * the fetch thread, which parses outside the mutex and then publishes the policy under it. A
 * published robots_t is immutable; it lives until the crawl is freed or its origin is evicted
 * (at most CRAWL_MAX_HOSTS origins are kept per crawl, least recently used goes first), so
 * callers use it only while they hold the mutex. A robots.txt fetch in flight points at its
 * crawl and host: the scheduler frees neither until it has come back (a cancelled crawl whose
 * parked pages are gone waits for it).
 */
#include <stdlib.h>
#include <string.h>

#include "crawl/crawler_int.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/url.h"

#define ROBOTS_TIMEOUT_MS   10000
#define ROBOTS_MAX_BYTES    (512u * 1024)
#define ROBOTS_MAX_FAILURES 3
#define ROBOTS_RETRY_MS     2000

static const char *const agents[] = {"cinder", "FirecrawlAgent", "FireCrawlAgent"};

bool crawl_origin_of(const char *url, char *out, size_t len)
{
    const char *p = strstr(url, "://");
    if (!p || (size_t)(p - url) > 5)
        return false;
    const char *end = p + 3;
    while (*end && *end != '/' && *end != '?' && *end != '#')
        end++;
    size_t n = (size_t)(end - url);
    if (n + 1 > len)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(url[i] >= 'A' && url[i] <= 'Z' ? url[i] + 32 : url[i]);
    out[n] = '\0';
    return true;
}

static void host_free(host_t *h)
{
    while (h->parked) { /* only at shutdown: the store still lists them as running */
        page_t *p = h->parked;
        h->parked = p->next;
        crawl_page_free(p);
    }
    robots_free(h->robots);
    free(h->origin);
    free(h);
}

/* Forgets the least recently used origin that has no page waiting and no robots.txt fetch in
 * flight (its policy is fetched again if the crawl meets the origin again). */
static void evict_one(cjob_t *j)
{
    host_t **victim = NULL;
    for (host_t **hp = &j->hosts; *hp; hp = &(*hp)->next)
        if (!(*hp)->parked && !(*hp)->fetching)
            victim = hp;
    if (!victim)
        return;
    host_t *h = *victim;
    *victim = h->next;
    host_free(h);
    j->n_hosts--;
}

/* The origin's entry (moved to the front: the list is kept in recency order), or with create a
 * new one; at most CRAWL_MAX_HOSTS are kept per crawl. */
static host_t *host_get(cjob_t *j, const char *origin, bool create)
{
    for (host_t **hp = &j->hosts; *hp; hp = &(*hp)->next) {
        host_t *h = *hp;
        if (!strcmp(h->origin, origin)) {
            *hp = h->next;
            h->next = j->hosts;
            j->hosts = h;
            return h;
        }
    }
    if (!create)
        return NULL;
    if (j->n_hosts >= CRAWL_MAX_HOSTS)
        evict_one(j);
    host_t *h = xcalloc(1, sizeof *h);
    h->origin = xstrdup(origin);
    h->next = j->hosts;
    j->hosts = h;
    j->n_hosts++;
    return h;
}

bool crawl_robots_fetching(const cjob_t *j)
{
    for (const host_t *h = j->hosts; h; h = h->next)
        if (h->fetching)
            return true;
    return false;
}

const robots_t *crawl_robots_known(cjob_t *j, const char *url)
{
    char origin[1024];
    if (!crawl_origin_of(url, origin, sizeof origin))
        return NULL;
    host_t *h = host_get(j, origin, false);
    return h ? h->robots : NULL;
}

void crawl_hosts_free(cjob_t *j)
{
    while (j->hosts) {
        host_t *h = j->hosts;
        j->hosts = h->next;
        host_free(h);
    }
    j->n_hosts = 0;
}

typedef struct {
    crawler_t *c;
    cjob_t *j;
    host_t *h;
} robots_fetch_t;

/* The policy a robots.txt response gives, or NULL to retry later. */
static robots_t *policy_of(fetch_result_t *res)
{
    if (!res->err && res->status >= 200 && res->status < 300)
        return robots_parse(res->body.data, res->body.len, agents, 3);
    if (!res->err && res->status >= 400 && res->status < 500)
        return robots_allow_all();
    return NULL;
}

static void publish(robots_fetch_t *rf, robots_t *policy)
{
    host_t *h = rf->h;
    cjob_t *j = rf->j;
    h->fetching = false;
    if (!policy && ++h->failures >= ROBOTS_MAX_FAILURES) {
        log_warn("crawl %s: %s/robots.txt failed %d times; proceeding as if it allowed all", j->id,
                 h->origin, h->failures);
        policy = robots_allow_all();
    }
    if (!policy) {
        h->retry_at_ms = clock_mono_ms() + (int64_t)ROBOTS_RETRY_MS * h->failures;
        return;
    }
    h->robots = policy;
    long delay = robots_crawl_delay_ms(policy);
    char start[1024];
    if (delay > 0 && j->opts.delay_ms == 0 && crawl_origin_of(j->opts.url, start, sizeof start) &&
        !strcmp(start, h->origin))
        j->opts.delay_ms = delay;
}

static void on_robots(fetch_result_t *res, void *ud)
{
    robots_fetch_t *rf = ud;
    robots_t *policy = policy_of(res); /* parsed outside the mutex */
    fetch_result_free(res);
    pthread_mutex_lock(&rf->c->mu);
    publish(rf, policy);
    pthread_cond_signal(&rf->c->cv);
    pthread_mutex_unlock(&rf->c->mu);
    free(rf);
}

static void fetch_robots(crawler_t *c, cjob_t *j, host_t *h)
{
    char url[1100];
    snprintf(url, sizeof url, "%s/robots.txt", h->origin);
    robots_fetch_t *rf = xcalloc(1, sizeof *rf);
    *rf = (robots_fetch_t){c, j, h};
    fetch_request_t req = {0};
    req.url = url;
    req.timeout_ms = ROBOTS_TIMEOUT_MS;
    req.max_body = ROBOTS_MAX_BYTES;
    req.skip_tls_verify = j->opts.page.skip_tls_verify;
    req.on_done = on_robots;
    req.ud = rf;
    h->fetching = true;
    if (fetcher_submit(c->fetcher, &req) != CINDER_OK) {
        h->fetching = false;
        h->failures++;
        h->retry_at_ms = clock_mono_ms() + ROBOTS_RETRY_MS;
        free(rf);
    }
}

void crawl_robots_route(crawler_t *c, cjob_t *j, page_t *p)
{
    char origin[1024];
    if (j->opts.ignore_robots || !crawl_origin_of(p->item.url, origin, sizeof origin)) {
        crawl_fetch_page(c, p);
        return;
    }
    host_t *h = host_get(j, origin, true);
    if (h->robots) {
        if (robots_allows(h->robots, p->item.url))
            crawl_fetch_page(c, p);
        else
            crawl_page_skip(c, p, "robots");
        return;
    }
    p->next = h->parked;
    h->parked = p;
    if (!h->fetching && clock_mono_ms() >= h->retry_at_ms)
        fetch_robots(c, j, h);
}

void crawl_robots_tick(crawler_t *c, cjob_t *j, int64_t now_mono)
{
    for (host_t *h = j->hosts; h; h = h->next) {
        if (!h->parked)
            continue;
        if (j->cancelled || h->robots) {
            page_t *p = h->parked;
            h->parked = NULL;
            while (p) { /* decided here, not through host_get, which reorders the list */
                page_t *next = p->next;
                if (j->cancelled)
                    crawl_page_cancelled(c, p);
                else if (j->opts.ignore_robots || robots_allows(h->robots, p->item.url))
                    crawl_fetch_page(c, p);
                else
                    crawl_page_skip(c, p, "robots");
                p = next;
            }
        } else if (!h->fetching && now_mono >= h->retry_at_ms) {
            fetch_robots(c, j, h);
        }
    }
}
