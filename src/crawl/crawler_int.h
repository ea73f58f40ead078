/* Internals shared by crawler.c (scheduler) and crawl_page.c (per-page work). */
#ifndef CINDER_CRAWL_CRAWLER_INT_H
#define CINDER_CRAWL_CRAWLER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "crawl/crawler.h"
#include "crawl/hostgate.h"
#include "crawl/known.h"
#include "crawl/robots.h"
#include "crawl/scope.h"
#include "crawl/urlkey.h"
#include "model/items.h"

struct page;
typedef struct smreader smreader_t; /* a sitemap being read (crawl_sitemap.c) */

/* What the crawl knows of one origin (scheme://host:port): its robots.txt policy. */
typedef struct host {
    struct host *next;
    char *origin;
    robots_t *robots;    /* NULL until known */
    bool fetching;       /* a robots.txt fetch is in flight */
    int failures;        /* robots.txt answered 5xx or could not be fetched */
    int64_t retry_at_ms; /* monotonic; when to try robots.txt again */
    struct page *parked; /* claimed pages waiting for the policy */
} host_t;

/* One running crawl, owned by the scheduler. Freed only when no page, sitemap or robots.txt
 * fetch of it is in flight. */
typedef struct cjob {
    struct cjob *next;
    char id[40];
    crawl_opts_t opts;
    crawl_hooks_t hooks; /* the job kind's page processor and events (jobs/) */
    scope_t *scope;
    urlkey_opts_t kopts;
    known_t *known; /* keys the store holds for the job: links not worth offering again */
    int running;    /* pages claimed and not yet recorded */
    /* No new fetch may start. Written under the crawler mutex; workers read it without the
     * mutex (crawl_page_may_discover: a cancelled crawl discovers no more links),
     * hence atomic. */
    atomic_bool cancelled;
    int cancelling;        /* cancels being written: the job is not freed meanwhile */
    bool reapable;         /* reap: ended and idle (scheduler only) */
    int64_t next_start_ms; /* pacing for `delay` */
    host_t *hosts;         /* guarded by the crawler mutex; most recently used first */
    int n_hosts;
    bool kickoff_started; /* sitemap reading begun */
    int sitemaps_fetched; /* sitemap files requested (at most CRAWL_MAX_SITEMAPS) */
    int sitemaps_pending; /* sitemap files being fetched or parsed */
    int sitemap_batches;  /* sitemap batches queued for the scheduler */
    smreader_t *sitemap_readers;
    struct page *held; /* allowed pages waiting for a slot of their host (FIFO) */
    struct page *held_tail;
} cjob_t;

#define CRAWL_MAX_SITEMAPS 20
#define CRAWL_MAX_HOSTS    1024 /* robots.txt policies kept per crawl */

/* URLs read from a sitemap, handed to the scheduler to admit (one batch at a time). */
typedef struct smbatch {
    struct smbatch *next;
    cjob_t *job;
    model_item_new_t *items;
    size_t n;
    char **children; /* nested sitemaps to fetch */
    size_t n_children;
    bool last; /* the sitemap file is done */
} smbatch_t;

/* One page in flight: claimed item → fetch → worker → outcome → group commit. */
typedef struct page {
    page_ctx_t ctx; /* first: what the job kind's processor is handed (crawl_page_ops) */
    struct page *next;
    crawler_t *c;
    cjob_t *job;
    store_item_t item;
    hostgate_t *gated; /* the gate whose slot it holds until its fetch completes, or NULL */
    bool external_known, external; /* its URL is outside the job's scope (page_external) */
    fetch_result_t *fres;
    model_item_result_t res; /* the outcome, pointing into the fields below */
    char *doc;
    char *error;
    char *final_key; /* key of the redirect target, when the page redirected elsewhere */
    model_item_new_t *found;
    size_t n_found;
    uint8_t *found_held; /* the store's answer: which found keys it holds (crawl/known.h) */
    store_event_t *hook; /* the outcome's outbox event (res.event is it), or NULL */
} page_t;

struct crawler {
    store_t *st;
    fetcher_t *fetcher;
    pool_t *pool;
    hostgate_t *gate;             /* per-host slots and pauses, shared by all crawls */
    hostgate_t *interactive_gate; /* per-host slots of the jobs a client waits on */
    crawl_bind_fn bind;           /* supplies each scheduled job's hooks */
    void *bind_ctx;
    pthread_t thread;
    bool started; /* the scheduler thread runs */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
    bool claiming;          /* the scheduler claims items with mu released (dispatch) */
    pthread_cond_t claimed; /* signalled when a claim's pages are started */
    cjob_t *jobs;
    page_t *done;            /* outcomes waiting for the next group commit */
    smbatch_t *sitemap_done; /* sitemap URLs waiting to be admitted */
    int inflight;
};

/* Starts the fetch of a page whose policy allows it, or holds it until its host has a free
 * slot and is not paused. Caller holds c->mu. */
void crawl_fetch_page(crawler_t *c, page_t *p);

/* Records a claimed page as skipped with reason (nothing fetched; its budget slot is freed) on
 * the next group commit. Caller holds c->mu. */
void crawl_page_skip(crawler_t *c, page_t *p, const char *reason);

/* Records a claimed page of a cancelled crawl as cancelled (nothing fetched; refunded) on the
 * next group commit. Caller holds c->mu. */
void crawl_page_cancelled(crawler_t *c, page_t *p);

/* Routes a claimed page through its origin's robots.txt policy: fetched, recorded as skipped, or
 * parked until the policy is known (starting the robots.txt fetch). Caller holds c->mu. */
void crawl_robots_route(crawler_t *c, cjob_t *j, page_t *p);

/* Releases parked pages whose policy became known, and retries failed robots.txt fetches that
 * are due. Caller holds c->mu. */
void crawl_robots_tick(crawler_t *c, cjob_t *j, int64_t now_mono);

/* True while a robots.txt fetch of the crawl is in flight (its callback will touch the crawl).
 * Caller holds c->mu. */
bool crawl_robots_fetching(const cjob_t *j);

/* The known policy of url's origin, or NULL. Caller holds c->mu. */
const robots_t *crawl_robots_known(cjob_t *j, const char *url);

/* Writes "scheme://host[:port]" of url (lower case) into out; false when url is not http(s). */
bool crawl_origin_of(const char *url, char *out, size_t len);

/* Starts reading the crawl's sitemaps once its start origin's robots.txt is known: the robots
 * Sitemap: lines and <origin>/sitemap.xml. Caller holds c->mu. */
void crawl_sitemaps_kickoff(crawler_t *c, cjob_t *j);

/* Admits the sitemap URLs queued by workers and starts nested sitemap fetches. Takes and
 * releases c->mu around store writes (caller holds it on entry and on return). */
void crawl_sitemaps_commit(crawler_t *c);

/* Frees a batch. */
void crawl_smbatch_free(smbatch_t *b);

/* Frees the host table of a crawl with no page in flight. */
void crawl_hosts_free(cjob_t *j);

/* Turns a fetched page (p->fres) into its outcome (p->res); no locking. */
void crawl_page_outcome(page_t *p);

/* Worker task: crawl_page_outcome, then queues the page for the scheduler. */
void crawl_page_process(void *arg);

/* The operations of a page handed to a processor (crawl_page.c). */
extern const page_ops_t crawl_page_ops;

/* Records the page as failed with e (detail, may be NULL, is added to the message). */
void crawl_page_fail(page_t *p, cinder_err e, const char *detail);

/* Offers links (a JSON array of URL strings, borrowed) found on the page to the job's frontier,
 * through its scope and known robots.txt policies. */
void crawl_page_discover(page_t *p, json_t *links);

/* Records the page as succeeded with its record doc (JSON text or NULL; the page takes it):
 * notes a redirect and packs the record for the store. */
void crawl_page_succeed(page_t *p, char *doc);

/* Frees a page and everything it owns. */
void crawl_page_free(page_t *p);

/* Queues a finished page for the scheduler's next group commit and wakes it. */
void crawl_page_done(page_t *p);

#endif
