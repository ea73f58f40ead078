/*
 * The fetch loop.
 *
 * Threads. fetcher_new() starts one thread that owns the libcurl multi handle
 * and every easy handle; no other thread calls curl on them. Other threads
 * only call fetcher_submit(), which copies the request into a heap transfer
 * (transfer_new: URL, header list, result struct) on the caller's thread,
 * pushes it onto a mutex-protected ring and wakes the loop with
 * curl_multi_wakeup() (at most one wake-up per loop turn: wake_pending).
 *
 * Loop turn: take queued transfers while fewer than max_inflight are running
 * (attach an easy handle from the spare list or a new one, add it to the
 * multi), curl_multi_perform, reap finished transfers (curl_multi_info_read),
 * then curl_multi_poll until a socket, a curl timer or a wake-up fires.
 *
 * Ownership. A queued or running transfer belongs to the fetcher. When it
 * ends, its easy handle is removed from the multi, cleared (cookies, pointers)
 * and kept on the spare list (up to SPARE_MAX) or freed; then the result is
 * handed to on_done on the fetch thread, which owns it from then on. The
 * connection cache and DNS cache live in the multi handle, so keep-alive
 * connections and HTTP/2 sessions are reused across transfers. Spare handles
 * are not curl_easy_reset: the shared options stay set and transfer_setup
 * overwrites every per-transfer one (libcurl 7.88 leaks the cookie-file list
 * on reset, and this saves ~20 setopt calls per transfer). Each handle has its
 * own cookie engine, emptied between transfers, so a transfer sees the
 * cookies its own redirects set and nothing else.
 *
 * Back-pressure. At most max_inflight transfers are inside curl (curl itself
 * parks those beyond the connection caps); at most queue_capacity wait in the
 * ring; beyond that fetcher_submit returns CINDER_E_BUSY and the caller (the
 * scheduler) retries later. Memory is bounded by those two numbers times the
 * per-transfer body cap. max_inflight defaults to a small multiple of the
 * connection cap because curl walks its parked transfers on every
 * curl_multi_perform (8 connections: 30k pages/s with 32 in flight, 3k/s with
 * 8192) and because their timeout clocks already run while parked.
 *
 * After a turn that finished transfers the loop goes round again without
 * sleeping, so freed slots are refilled from the ring at once.
 *
 * Shutdown. fetcher_stop() sets shutting_down under the lock (so every later
 * submit returns CINDER_E_SHUTDOWN), wakes the loop and joins it; the loop
 * completes queued and running transfers with CINDER_E_SHUTDOWN, calling
 * their callbacks, before it exits. fetcher_free() stops, then frees the
 * multi handle and the rest.
 *
 * Streaming. A request with on_chunk gets its 2xx body piece by piece on the
 * fetch thread instead of in the result. The callback may pause the transfer
 * (CURL_WRITEFUNC_PAUSE: curl keeps the piece and offers it again); another
 * thread's fetcher_resume(ud) queues a resume under the lock and wakes the
 * loop, which unpauses the matching active transfers at the start of a turn.
 *
 * curl_global_init() runs once per process from fetcher_new (pthread_once).
 */
#include "fetch/fetcher.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/transfer.h"
#include "util/log.h"
#include "util/mem.h"

#define SPARE_MAX   64
#define ADMIT_BATCH 64
#define POLL_MAX_MS 1000

struct fetcher {
    CURLM *multi;
    pthread_t thread;
    struct fetch_opts opts;
    char *user_agent;
    struct curl_slist *default_headers;
    struct curl_slist *resolve;
    long max_inflight;

    pthread_mutex_t mu; /* guards the fields up to the next blank line */
    struct transfer **ring;
    size_t ring_cap, ring_head, ring_len;
    bool shutting_down;
    bool wake_pending;
    void **resume; /* uds whose paused transfers fetcher_resume asked to continue */
    size_t n_resume, resume_cap;

    /* fetch thread only */
    struct transfer *active;
    long n_active;
    CURL *spare[SPARE_MAX];
    size_t n_spare;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void active_link(fetcher_t *f, struct transfer *t)
{
    t->prev = NULL;
    t->next = f->active;
    if (f->active)
        f->active->prev = t;
    f->active = t;
    f->n_active++;
}

static void active_unlink(fetcher_t *f, struct transfer *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        f->active = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->prev = t->next = NULL;
    f->n_active--;
}

static CURL *easy_acquire(fetcher_t *f)
{
    return f->n_spare ? f->spare[--f->n_spare] : transfer_easy_new(&f->opts);
}

/* Keeps a finished handle for reuse (cleared: cookies are per transfer), or
 * frees it when the spare list is full. */
static void easy_release(fetcher_t *f, CURL *easy)
{
    if (f->n_spare == SPARE_MAX) {
        curl_easy_cleanup(easy);
        return;
    }
    transfer_easy_clear(easy);
    f->spare[f->n_spare++] = easy;
}

/* Detaches a running transfer from curl and delivers its result. */
static void finish_transfer(fetcher_t *f, struct transfer *t)
{
    active_unlink(f, t);
    curl_multi_remove_handle(f->multi, t->easy);
    easy_release(f, t->easy);
    t->easy = NULL;
    transfer_deliver(t);
}

static void start_transfer(fetcher_t *f, struct transfer *t)
{
    CURL *easy = easy_acquire(f);
    if (!easy) {
        transfer_fail(t, CINDER_E_NOMEM, "curl_easy_init failed");
        transfer_deliver(t);
        return;
    }
    transfer_setup(t, easy, &f->opts);
    CURLMcode mc = curl_multi_add_handle(f->multi, easy);
    if (mc != CURLM_OK) {
        easy_release(f, easy);
        t->easy = NULL;
        transfer_fail(t, CINDER_E_FETCH, curl_multi_strerror(mc));
        transfer_deliver(t);
        return;
    }
    active_link(f, t);
}

static struct transfer *ring_pop(fetcher_t *f)
{
    struct transfer *t = f->ring[f->ring_head];
    f->ring_head = (f->ring_head + 1) % f->ring_cap;
    f->ring_len--;
    return t;
}

/* Moves queued transfers into curl while slots are free. Returns false once
 * shutdown was requested. */
static bool admit_queued(fetcher_t *f)
{
    struct transfer *batch[ADMIT_BATCH];
    for (;;) {
        size_t n = 0;
        pthread_mutex_lock(&f->mu);
        bool stop = f->shutting_down;
        f->wake_pending = false;
        while (!stop && n < ADMIT_BATCH && f->ring_len && f->n_active + (long)n < f->max_inflight)
            batch[n++] = ring_pop(f);
        pthread_mutex_unlock(&f->mu);
        for (size_t i = 0; i < n; i++)
            start_transfer(f, batch[i]);
        if (stop)
            return false;
        if (n < ADMIT_BATCH)
            return true;
    }
}

/* Delivers finished transfers; returns how many there were. */
static int reap_done(fetcher_t *f)
{
    CURLMsg *m;
    int left, n = 0;
    while ((m = curl_multi_info_read(f->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct transfer *t = NULL;
        CURLcode rc = m->data.result;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
        transfer_complete(t, rc);
        finish_transfer(f, t);
        n++;
    }
    return n;
}

/* Completes every queued and running transfer with CINDER_E_SHUTDOWN. */
static void abort_all(fetcher_t *f)
{
    for (;;) {
        pthread_mutex_lock(&f->mu);
        struct transfer *t = f->ring_len ? ring_pop(f) : NULL;
        pthread_mutex_unlock(&f->mu);
        if (!t)
            break;
        transfer_fail(t, CINDER_E_SHUTDOWN, NULL);
        transfer_deliver(t);
    }
    while (f->active) {
        struct transfer *t = f->active;
        transfer_fail(t, CINDER_E_SHUTDOWN, NULL);
        finish_transfer(f, t);
    }
}

/* Continues the paused streaming transfers fetcher_resume named. */
static void resume_paused(fetcher_t *f)
{
    pthread_mutex_lock(&f->mu);
    void **uds = f->resume;
    size_t n = f->n_resume;
    f->resume = NULL;
    f->n_resume = f->resume_cap = 0;
    pthread_mutex_unlock(&f->mu);
    for (size_t i = 0; i < n; i++) {
        for (struct transfer *t = f->active; t; t = t->next) {
            if (t->ud == uds[i] && t->paused) {
                t->paused = false;
                curl_easy_pause(t->easy, CURLPAUSE_CONT); /* may pause it again at once */
            }
        }
    }
    free(uds);
}

static void *fetch_loop(void *arg)
{
    fetcher_t *f = arg;
    while (admit_queued(f)) {
        resume_paused(f);
        int running = 0;
        CURLMcode mc = curl_multi_perform(f->multi, &running);
        if (mc != CURLM_OK)
            log_error("fetcher: curl_multi_perform: %s", curl_multi_strerror(mc));
        if (reap_done(f) > 0)
            continue; /* slots were freed: admit queued work before sleeping */
        mc = curl_multi_poll(f->multi, NULL, 0, POLL_MAX_MS, NULL);
        if (mc != CURLM_OK)
            log_error("fetcher: curl_multi_poll: %s", curl_multi_strerror(mc));
    }
    abort_all(f);
    return NULL;
}

static void apply_defaults(fetcher_config_t *c)
{
    if (!c->user_agent || !*c->user_agent)
        c->user_agent = FETCHER_DEFAULT_USER_AGENT;
    if (!c->max_redirects)
        c->max_redirects = 10;
    if (!c->max_body)
        c->max_body = 20u * 1024 * 1024;
    if (c->max_total_connections <= 0)
        c->max_total_connections = 256;
    if (c->max_host_connections <= 0)
        c->max_host_connections = 8;
    if (c->max_inflight <= 0)
        c->max_inflight = 4 * c->max_total_connections;
    if (!c->queue_capacity)
        c->queue_capacity = 4096;
}

static void configure(fetcher_t *f, const fetcher_config_t *c)
{
    f->user_agent = xstrdup(c->user_agent);
    f->opts.allow_private = c->allow_private;
    f->opts.user_agent = f->user_agent;
    f->opts.max_redirects = c->max_redirects;
    f->opts.max_body = c->max_body;
    f->max_inflight = c->max_inflight;
    f->ring_cap = c->queue_capacity;
    f->ring = xcalloc(f->ring_cap, sizeof *f->ring);
    for (const char *const *r = c->resolve; r && *r; r++)
        f->resolve = curl_slist_append(f->resolve, *r);
    f->opts.resolve = f->resolve;
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, c->max_total_connections);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, c->max_host_connections);
    curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, c->max_total_connections);
}

/* Frees what fetcher_new set up (the thread is not running). */
static void fetcher_release(fetcher_t *f)
{
    while (f->n_spare)
        curl_easy_cleanup(f->spare[--f->n_spare]);
    if (f->multi)
        curl_multi_cleanup(f->multi);
    curl_slist_free_all(f->default_headers);
    curl_slist_free_all(f->resolve);
    pthread_mutex_destroy(&f->mu);
    free(f->resume);
    free(f->ring);
    free(f->user_agent);
    free(f);
}

fetcher_t *fetcher_new(const fetcher_config_t *cfg)
{
    fetcher_config_t c = {0};
    if (cfg)
        c = *cfg;
    apply_defaults(&c);
    pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK)
        return NULL;
    fetcher_t *f = xcalloc(1, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    f->multi = curl_multi_init();
    f->default_headers = transfer_default_headers();
    f->opts.default_headers = f->default_headers;
    if (!f->multi || !f->default_headers)
        goto fail;
    configure(f, &c);
    if (pthread_create(&f->thread, NULL, fetch_loop, f) != 0)
        goto fail;
    pthread_setname_np(f->thread, "cinder-fetch");
    return f;
fail:
    fetcher_release(f);
    return NULL;
}

void fetcher_stop(fetcher_t *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    bool running = !f->shutting_down;
    f->shutting_down = true;
    curl_multi_wakeup(f->multi);
    pthread_mutex_unlock(&f->mu);
    if (running)
        pthread_join(f->thread, NULL);
}

void fetcher_free(fetcher_t *f)
{
    if (!f)
        return;
    fetcher_stop(f);
    fetcher_release(f);
}

/* Pushes t unless the fetcher is stopping or the ring is full. The wake-up
 * happens under the lock, so it can never race with the multi's cleanup. */
static cinder_err enqueue(fetcher_t *f, struct transfer *t)
{
    cinder_err rc = CINDER_OK;
    pthread_mutex_lock(&f->mu);
    if (f->shutting_down)
        rc = CINDER_E_SHUTDOWN;
    else if (f->ring_len == f->ring_cap)
        rc = CINDER_E_BUSY;
    if (rc)
        goto out;
    f->ring[(f->ring_head + f->ring_len) % f->ring_cap] = t;
    f->ring_len++;
    if (!f->wake_pending) {
        f->wake_pending = true;
        curl_multi_wakeup(f->multi);
    }
out:
    pthread_mutex_unlock(&f->mu);
    return rc;
}

cinder_err fetcher_submit(fetcher_t *f, const fetch_request_t *req)
{
    struct transfer *t = NULL;
    cinder_err rc = f ? transfer_new(req, &f->opts, &t) : CINDER_E_INVALID;
    if (rc)
        goto out;
    rc = enqueue(f, t);
out:
    if (rc)
        transfer_free(t);
    return rc;
}

void fetcher_resume(fetcher_t *f, void *ud)
{
    pthread_mutex_lock(&f->mu);
    if (!f->shutting_down) {
        if (f->n_resume == f->resume_cap) {
            f->resume_cap = f->resume_cap ? f->resume_cap * 2 : 8;
            f->resume = xrealloc(f->resume, f->resume_cap * sizeof *f->resume);
        }
        f->resume[f->n_resume++] = ud;
        if (!f->wake_pending) {
            f->wake_pending = true;
            curl_multi_wakeup(f->multi);
        }
    }
    pthread_mutex_unlock(&f->mu);
}

struct sync_wait {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    fetch_result_t *res;
};

static void sync_done(fetch_result_t *res, void *ud)
{
    struct sync_wait *w = ud;
    pthread_mutex_lock(&w->mu);
    w->res = res;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

cinder_err fetcher_fetch_sync(fetcher_t *f, const fetch_request_t *req, fetch_result_t **out)
{
    struct sync_wait w = {.res = NULL};
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    fetch_request_t r = req ? *req : (fetch_request_t){0};
    r.on_done = sync_done;
    r.ud = &w;
    cinder_err rc = req ? fetcher_submit(f, &r) : CINDER_E_INVALID;
    if (rc)
        goto out;
    pthread_mutex_lock(&w.mu);
    while (!w.res)
        pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    *out = w.res;
out:
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    return rc;
}
