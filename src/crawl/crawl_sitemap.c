/*
 * Sitemaps in a crawl's kickoff: once the start origin's robots.txt is known, its Sitemap: lines
 * and <origin>/sitemap.xml are fetched (at most CRAWL_MAX_SITEMAPS files, nested indexes
 * included). Each file is parsed on a worker; its page URLs go through the crawl's scope, keys and
 * robots policy like discovered links, in batches of SM_BATCH, and the scheduler admits them under
 * the limit. A crawl is not complete while one of its sitemaps is still being read.
 *
 * Threads: fetch callbacks run on the fetch thread and only queue the parse; parsing runs on a
 * worker; batches are handed to the scheduler under the crawler mutex, which also guards the
 * per-crawl sitemap counters.
 */
#include <stdlib.h>
#include <string.h>

#include "crawl/crawler_int.h"
#include "crawl/sitemap.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"

#define SM_BATCH 1000
#define SM_FETCH_MAX (64u << 20)  /* bytes on the wire */
#define SM_PARSE_MAX (256u << 20) /* bytes after gunzip */
#define SM_TIMEOUT_MS 30000

typedef struct {
    crawler_t *c;
    cjob_t *j;
    fetch_result_t *fres;
    smbatch_t *cur;
    buf_t key;
    int64_t accepted;
} smparse_t;

void crawl_smbatch_free(smbatch_t *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free((char *)b->items[i].url);
        free((char *)b->items[i].key);
    }
    for (size_t i = 0; i < b->n_children; i++)
        free(b->children[i]);
    free(b->items);
    free(b->children);
    free(b);
}

static smbatch_t *batch_new(cjob_t *j)
{
    smbatch_t *b = xcalloc(1, sizeof *b);
    b->job = j;
    b->items = xcalloc(SM_BATCH, sizeof *b->items);
    b->children = xcalloc(CRAWL_MAX_SITEMAPS, sizeof *b->children);
    return b;
}

/* Hands the current batch to the scheduler (marking robots-refused URLs on the way). */
static void flush(smparse_t *sp, bool last)
{
    smbatch_t *b = sp->cur;
    b->last = last;
    sp->cur = last ? NULL : batch_new(sp->j);
    pthread_mutex_lock(&sp->c->mu);
    for (size_t i = 0; i < b->n && !sp->j->opts.ignore_robots; i++) {
        const robots_t *r = crawl_robots_known(sp->j, b->items[i].url);
        if (r && !robots_allows(r, b->items[i].url))
            b->items[i].skip_reason = "robots";
    }
    b->next = sp->c->sitemap_done;
    sp->c->sitemap_done = b;
    pthread_cond_signal(&sp->c->cv);
    pthread_mutex_unlock(&sp->c->mu);
}

static bool on_url(void *ud, sitemap_kind kind, const char *url, size_t len, const char *lastmod)
{
    (void)len;
    (void)lastmod;
    smparse_t *sp = ud;
    smbatch_t *b = sp->cur;
    if (kind == SITEMAP_CHILD) {
        if (b->n_children < CRAWL_MAX_SITEMAPS)
            b->children[b->n_children++] = xstrdup(url);
        return true;
    }
    if (scope_check(sp->j->scope, url, 0, false) != SCOPE_OK)
        return true;
    buf_reset(&sp->key);
    if (urlkey_make(url, &sp->j->kopts, &sp->key) != CINDER_OK)
        return true;
    b->items[b->n] = (store_item_new_t){xstrdup(url), xstrdup(buf_str(&sp->key)), 0, NULL};
    if (++b->n == SM_BATCH)
        flush(sp, false);
    /* no crawl admits more than its limit: reading further is wasted work */
    return ++sp->accepted < sp->j->opts.limit || sp->j->opts.limit < 0;
}

static void parse_task(void *arg)
{
    smparse_t *sp = arg;
    fetch_result_t *f = sp->fres;
    sp->cur = batch_new(sp->j);
    buf_init(&sp->key, 16384);
    if (!f->err && f->status >= 200 && f->status < 300) {
        sitemap_parser_t *p = sitemap_parser_new(on_url, sp, SM_PARSE_MAX);
        cinder_err rc = p ? sitemap_parser_feed(p, f->body.data ? f->body.data : "", f->body.len)
                          : CINDER_E_NOMEM;
        if (!rc)
            rc = sitemap_parser_finish(p);
        if (rc && rc != CINDER_E_DECLINED)
            log_warn("crawl %s: sitemap %s: %s", sp->j->id, f->final_url ? f->final_url : "?",
                     cinder_strerror(rc));
        sitemap_parser_free(p);
    }
    flush(sp, true);
    buf_cleanup(&sp->key);
    fetch_result_free(f);
    free(sp);
}

static void on_sitemap(fetch_result_t *res, void *ud)
{
    smparse_t *sp = ud;
    sp->fres = res;
    if (pool_submit(sp->c->pool, parse_task, sp) != CINDER_OK)
        parse_task(sp);
}

/* Requests one sitemap file. Caller holds c->mu. */
static void fetch_sitemap(crawler_t *c, cjob_t *j, const char *url)
{
    if (j->sitemaps_fetched >= CRAWL_MAX_SITEMAPS || j->cancelled)
        return;
    smparse_t *sp = xcalloc(1, sizeof *sp);
    sp->c = c;
    sp->j = j;
    fetch_request_t req = {0};
    req.url = url;
    req.timeout_ms = SM_TIMEOUT_MS;
    req.max_body = SM_FETCH_MAX;
    req.skip_tls_verify = j->opts.page.skip_tls_verify;
    req.on_done = on_sitemap;
    req.ud = sp;
    if (fetcher_submit(c->fetcher, &req) != CINDER_OK) {
        free(sp);
        return;
    }
    j->sitemaps_fetched++;
    j->sitemaps_pending++;
}

void crawl_sitemaps_kickoff(crawler_t *c, cjob_t *j)
{
    if (j->kickoff_started || j->cancelled || j->opts.sitemap == CRAWL_SITEMAP_SKIP)
        return;
    const robots_t *r = crawl_robots_known(j, j->opts.url);
    if (!r && !j->opts.ignore_robots)
        return; /* wait for the start origin's robots.txt (its Sitemap: lines) */
    j->kickoff_started = true;
    char origin[1024], own[1100];
    if (!crawl_origin_of(j->opts.url, origin, sizeof origin))
        return;
    snprintf(own, sizeof own, "%s/sitemap.xml", origin);
    size_t n = 0;
    const char *const *listed = r ? robots_sitemaps(r, &n) : NULL;
    bool own_listed = false;
    for (size_t i = 0; i < n; i++) {
        own_listed |= !strcmp(listed[i], own);
        fetch_sitemap(c, j, listed[i]);
    }
    if (!own_listed)
        fetch_sitemap(c, j, own);
}

void crawl_sitemaps_commit(crawler_t *c)
{
    smbatch_t *list = c->sitemap_done;
    c->sitemap_done = NULL;
    pthread_mutex_unlock(&c->mu);
    for (smbatch_t *b = list; b; b = b->next)
        if (b->n && store_items_add(c->st, b->job->id, b->items, b->n, b->job->opts.limit,
                                    clock_wall_ms(), NULL) != CINDER_OK)
            log_error("crawl %s: could not admit %zu sitemap URL(s)", b->job->id, b->n);
    pthread_mutex_lock(&c->mu);
    while (list) {
        smbatch_t *b = list;
        list = b->next;
        for (size_t i = 0; i < b->n_children; i++)
            fetch_sitemap(c, b->job, b->children[i]);
        if (b->last)
            b->job->sitemaps_pending--;
        crawl_smbatch_free(b);
    }
}
