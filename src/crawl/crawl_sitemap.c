/*
 * Sitemaps in a crawl's kickoff: once the start origin's robots.txt is known, its Sitemap: lines
 * and <origin>/sitemap.xml are fetched (at most CRAWL_MAX_SITEMAPS files, nested indexes
 * included). Each file is streamed: the body is parsed piece by piece as it arrives and never
 * held whole, its page URLs go through the crawl's scope, keys and robots policy like discovered
 * links, in batches of SM_BATCH, and the scheduler admits them under the limit. Reading stops
 * once the crawl has accepted `limit` URLs. A crawl is not complete while one of its sitemaps is
 * still being read.
 *
 * Threads: the body pieces arrive on the fetch thread, which parses them (a piece is at most a
 * few hundred URLs). Batches are handed to the scheduler under the crawler mutex, which also
 * guards the per-crawl sitemap counters and the list of readers. Back-pressure: while a crawl
 * has SM_QUEUE_MAX batches waiting for the scheduler, its readers pause their transfers
 * (fetch_chunk_rc PAUSE) and the scheduler resumes them once it has admitted the batches, so
 * memory stays bounded however large the sitemap.
 */
#include <stdlib.h>
#include <string.h>

#include "crawl/crawler_int.h"
#include "crawl/sitemap.h"
#include "model/items.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"

#define SM_BATCH      1000
#define SM_QUEUE_MAX  4            /* batches of one crawl waiting for the scheduler */
#define SM_FETCH_MAX  (512u << 20) /* bytes on the wire (streamed, never held) */
#define SM_PARSE_MAX  (512u << 20) /* bytes after gunzip */
#define SM_TIMEOUT_MS 120000

struct smreader {
    struct smreader *next; /* the crawl's readers, guarded by the crawler mutex */
    crawler_t *c;
    cjob_t *j;
    sitemap_parser_t *parser;
    cinder_err rc; /* first parse error */
    bool paused;   /* waiting for the scheduler to drain (guarded by the crawler mutex) */
    smbatch_t *cur;
    buf_t key;
    int64_t accepted;
};

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
static void flush(smreader_t *sp, bool last)
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
    sp->j->sitemap_batches++;
    pthread_cond_signal(&sp->c->cv);
    pthread_mutex_unlock(&sp->c->mu);
}

static bool on_url(void *ud, sitemap_kind kind, const char *url, size_t len, const char *lastmod)
{
    (void)len;
    (void)lastmod;
    smreader_t *sp = ud;
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
    b->items[b->n] = (model_item_new_t){xstrdup(url), xstrdup(buf_str(&sp->key)), 0, NULL};
    if (++b->n == SM_BATCH)
        flush(sp, false);
    /* no crawl admits more than its limit: reading further is wasted work */
    return ++sp->accepted < sp->j->opts.limit || sp->j->opts.limit < 0;
}

/* A piece of a sitemap body (fetch thread): parsed now, or the transfer pauses while the crawl's
 * queue of batches is full, or stops when the crawl no longer wants URLs. */
static fetch_chunk_rc on_piece(const char *data, size_t len, void *ud)
{
    smreader_t *sp = ud;
    pthread_mutex_lock(&sp->c->mu);
    bool stop = sp->j->cancelled;
    bool full = sp->j->sitemap_batches >= SM_QUEUE_MAX;
    sp->paused = full && !stop;
    pthread_mutex_unlock(&sp->c->mu);
    if (stop || sp->rc)
        return FETCH_CHUNK_STOP;
    if (full)
        return FETCH_CHUNK_PAUSE;
    sp->rc = sitemap_parser_feed(sp->parser, data, len);
    return sp->rc ? FETCH_CHUNK_STOP : FETCH_CHUNK_OK;
}

static void reader_unlink(smreader_t *sp)
{
    pthread_mutex_lock(&sp->c->mu);
    for (smreader_t **pp = &sp->j->sitemap_readers; *pp; pp = &(*pp)->next) {
        if (*pp == sp) {
            *pp = sp->next;
            break;
        }
    }
    pthread_mutex_unlock(&sp->c->mu);
}

static void on_sitemap(fetch_result_t *res, void *ud)
{
    smreader_t *sp = ud;
    bool ok = !res->err && res->status >= 200 && res->status < 300;
    if (ok && !sp->rc)
        sp->rc = sitemap_parser_finish(sp->parser);
    cinder_err e = res->err && res->err != CINDER_E_DECLINED ? res->err : sp->rc;
    if (e && e != CINDER_E_DECLINED) /* a sitemap that answers 404 is normal: not logged */
        log_warn("crawl %s: sitemap %s: %s", sp->j->id, res->final_url ? res->final_url : "?",
                 cinder_strerror(e));
    reader_unlink(sp);
    flush(sp, true);
    fetch_result_free(res);
    sitemap_parser_free(sp->parser);
    buf_cleanup(&sp->key);
    free(sp);
}

/* Requests one sitemap file. Caller holds c->mu. */
static void fetch_sitemap(crawler_t *c, cjob_t *j, const char *url)
{
    if (j->sitemaps_fetched >= CRAWL_MAX_SITEMAPS || j->cancelled)
        return;
    smreader_t *sp = xcalloc(1, sizeof *sp);
    sp->c = c;
    sp->j = j;
    sp->parser = sitemap_parser_new(on_url, sp, SM_PARSE_MAX);
    sp->cur = batch_new(j);
    buf_init(&sp->key, 16384);
    fetch_request_t req = {0};
    req.url = url;
    req.timeout_ms = SM_TIMEOUT_MS;
    req.max_body = SM_FETCH_MAX;
    req.skip_tls_verify = j->opts.page.skip_tls_verify;
    req.on_chunk = on_piece;
    req.on_done = on_sitemap;
    req.ud = sp;
    sp->next = j->sitemap_readers; /* listed before the fetch can call back */
    j->sitemap_readers = sp;
    if (fetcher_submit(c->fetcher, &req) != CINDER_OK) {
        j->sitemap_readers = sp->next;
        sitemap_parser_free(sp->parser);
        crawl_smbatch_free(sp->cur);
        buf_cleanup(&sp->key);
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

/* Lets paused readers of j go on once its queue has room. Caller holds c->mu. */
static void resume_readers(crawler_t *c, cjob_t *j)
{
    if (j->sitemap_batches >= SM_QUEUE_MAX)
        return;
    for (smreader_t *sp = j->sitemap_readers; sp; sp = sp->next) {
        if (sp->paused) {
            sp->paused = false;
            fetcher_resume(c->fetcher, sp);
        }
    }
}

void crawl_sitemaps_commit(crawler_t *c)
{
    smbatch_t *list = c->sitemap_done;
    c->sitemap_done = NULL;
    pthread_mutex_unlock(&c->mu);
    for (smbatch_t *b = list; b; b = b->next)
        if (b->n && model_items_add(c->st, b->job->id, b->items, b->n, b->job->opts.limit,
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
        b->job->sitemap_batches--;
        resume_readers(c, b->job);
        crawl_smbatch_free(b);
    }
}
