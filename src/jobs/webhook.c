/*
 * Webhook delivery from the store's outbox.
 *
 * Threads: one delivery thread owns the multi handle, every easy handle and the list of
 * transfers; it reads and updates the outbox through the store (thread-safe). webhook_free (any
 * thread) only sets `stopping`, wakes the multi handle and joins the thread.
 */
#include "jobs/webhook.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fetch/guard.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"

#define MAX_INFLIGHT     16  /* deliveries at once (each of another job) */
#define DUE_BATCH        64  /* events read from the outbox at once */
#define POLL_MS          250 /* how often the outbox is read when nothing else happens */
#define TIMEOUT_MS       10000
#define DEFAULT_BASE_MS  1000
#define DEFAULT_ATTEMPTS 8
#define MAX_BACKOFF_MS   (3600 * 1000LL)
#define MAX_HEADER_LINE  9000

/* One delivery attempt in flight. */
typedef struct transfer {
    struct transfer *next;
    CURL *easy;
    struct curl_slist *headers;
    char *body;
    char *url;
    int64_t id;
    char job_id[40];
    int attempts; /* tried before this one */
    guard_state_t guard;
    char error[CURL_ERROR_SIZE];
} transfer_t;

struct webhook {
    store_t *st;
    webhook_config_t cfg; /* strings point at the copies below */
    char *secret, *user_agent;
    CURLM *multi;
    transfer_t *transfers;
    int n_transfers;
    int64_t next_read_ms; /* wall clock: when to read the outbox again */
    atomic_bool stopping;
    pthread_t thread;
    bool started;
};

void webhook_sign(const char *secret, const char *body, size_t len, char out[72])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, len, md, &n);
    memcpy(out, "sha256=", 7);
    for (unsigned int i = 0; i < n && i < 32; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
    out[7 + 2 * (n < 32 ? n : 32)] = '\0';
}

/* The body to send: the stored one, with the page's document added to its data. */
static char *event_body(const store_outbox_t *ev)
{
    if (!ev->doc)
        return xstrdup(ev->body);
    json_error_t err;
    json_t *b = json_loads(ev->body, JSON_ALLOW_NUL, &err);
    json_t *d = json_loads(ev->doc, JSON_ALLOW_NUL, &err);
    json_t *data = json_object_get(b, "data");
    if (d && json_is_array(data))
        json_array_append(data, d);
    char *out = b ? json_dumps(b, JSON_COMPACT) : NULL;
    json_decref(b);
    json_decref(d);
    return out ? out : xstrdup(ev->body);
}

static struct curl_slist *add_line(struct curl_slist *l, const char *name, const char *value)
{
    char line[MAX_HEADER_LINE];
    size_t nn = strlen(name), nv = strlen(value);
    if (strpbrk(value, "\r\n") || nn + nv + 3 > sizeof line)
        return l; /* checked when the job was created; never let one through here */
    memcpy(line, name, nn);
    memcpy(line + nn, ": ", 2);
    memcpy(line + nn + 2, value, nv + 1);
    struct curl_slist *n = curl_slist_append(l, line);
    return n ? n : l;
}

/* Content type, the receiver's extra headers (a JSON object as text, or NULL), the signature. */
static struct curl_slist *request_headers(const webhook_t *w, const char *extra, const char *body)
{
    struct curl_slist *l = add_line(NULL, "Content-Type", "application/json");
    struct curl_slist *e = curl_slist_append(l, "Expect:"); /* no 100-continue round trip */
    l = e ? e : l;
    json_error_t err;
    json_t *h = extra ? json_loads(extra, 0, &err) : NULL;
    const char *k;
    json_t *v;
    json_object_foreach(h, k, v)
    {
        if (json_is_string(v))
            l = add_line(l, k, json_string_value(v));
    }
    json_decref(h);
    if (w->secret) {
        char sig[72];
        webhook_sign(w->secret, body, strlen(body), sig);
        l = add_line(l, "X-Firecrawl-Signature", sig);
    }
    return l;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

static void transfer_free(transfer_t *t)
{
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    free(t->body);
    free(t->url);
    free(t);
}

static void setup_easy(const webhook_t *w, transfer_t *t)
{
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, t->url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(t->body));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    if (w->user_agent)
        curl_easy_setopt(e, CURLOPT_USERAGENT, w->user_agent);
    guard_install(e, &t->guard);
}

/* Starts the delivery of ev. */
static void start(webhook_t *w, const store_outbox_t *ev)
{
    transfer_t *t = xcalloc(1, sizeof *t);
    t->id = ev->id;
    memcpy(t->job_id, ev->job_id, sizeof t->job_id);
    t->attempts = ev->attempts;
    t->url = xstrdup(ev->url);
    t->body = event_body(ev);
    t->headers = request_headers(w, ev->headers, t->body);
    t->guard.allow_private = w->cfg.allow_private;
    t->easy = curl_easy_init();
    if (!t->easy) {
        transfer_free(t);
        return;
    }
    setup_easy(w, t);
    if (curl_multi_add_handle(w->multi, t->easy) != CURLM_OK) {
        transfer_free(t);
        return;
    }
    t->next = w->transfers;
    w->transfers = t;
    w->n_transfers++;
}

static bool job_busy(const webhook_t *w, const char *job_id)
{
    for (const transfer_t *t = w->transfers; t; t = t->next)
        if (!strcmp(t->job_id, job_id))
            return true;
    return false;
}

/* Starts the due events of jobs with no delivery in flight. */
static void fill(webhook_t *w)
{
    store_outbox_t *ev = NULL;
    size_t n = 0;
    if (store_outbox_due(w->st, clock_wall_ms(), DUE_BATCH, &ev, &n) != CINDER_OK)
        return;
    for (size_t i = 0; i < n && w->n_transfers < MAX_INFLIGHT; i++)
        if (!job_busy(w, ev[i].job_id))
            start(w, &ev[i]);
    store_outbox_free(ev, n);
}

static int64_t backoff_ms(const webhook_t *w, int attempts)
{
    int64_t d = w->cfg.retry_base_ms;
    for (int i = 0; i < attempts && d < MAX_BACKOFF_MS; i++)
        d *= 2;
    return d < MAX_BACKOFF_MS ? d : MAX_BACKOFF_MS;
}

/* Records the outcome of a finished delivery. */
static void settle(webhook_t *w, transfer_t *t, CURLcode code)
{
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    int tried = t->attempts + 1;
    char why[CURL_ERROR_SIZE + 32];
    if (code != CURLE_OK)
        snprintf(why, sizeof why, "%s", t->error[0] ? t->error : curl_easy_strerror(code));
    else
        snprintf(why, sizeof why, "HTTP %ld", status);
    cinder_err rc;
    if (code == CURLE_OK && status >= 200 && status < 300) {
        rc = store_outbox_delete(w->st, t->id);
        w->next_read_ms = 0; /* the job's next event is due now */
    } else if (t->guard.blocked) {
        log_warn("webhook of job %s: %s resolves to %s (private, loopback or link-local; "
                 "start the server with --allow-private to allow it): event dropped",
                 t->job_id, t->url, t->guard.blocked_addr);
        rc = store_outbox_delete(w->st, t->id);
    } else if (tried >= w->cfg.max_attempts) {
        log_warn("webhook of job %s: giving up on an event after %d attempts (last: %s)", t->job_id,
                 tried, why);
        rc = store_outbox_delete(w->st, t->id);
    } else {
        int64_t next = clock_wall_ms() + backoff_ms(w, t->attempts);
        log_debug("webhook of job %s: attempt %d failed (%s); next in %lld ms", t->job_id, tried,
                  why, (long long)(next - clock_wall_ms()));
        rc = store_outbox_retry(w->st, t->id, next);
        if (next < w->next_read_ms)
            w->next_read_ms = next;
    }
    if (rc)
        log_error("webhook of job %s: could not update the outbox", t->job_id);
}

/* Settles and frees the finished transfers. */
static void collect(webhook_t *w)
{
    CURLMsg *m;
    int left = 0;
    while ((m = curl_multi_info_read(w->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        transfer_t *t = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        CURLcode code = m->data.result;
        curl_multi_remove_handle(w->multi, m->easy_handle);
        settle(w, t, code);
        for (transfer_t **pp = &w->transfers; *pp; pp = &(*pp)->next) {
            if (*pp == t) {
                *pp = t->next;
                break;
            }
        }
        w->n_transfers--;
        transfer_free(t);
    }
}

static void *deliver_main(void *arg)
{
    webhook_t *w = arg;
    while (!atomic_load(&w->stopping)) {
        int64_t now = clock_wall_ms();
        if (now >= w->next_read_ms && w->n_transfers < MAX_INFLIGHT) {
            w->next_read_ms = now + POLL_MS;
            fill(w);
        }
        int running = 0;
        curl_multi_perform(w->multi, &running);
        collect(w);
        int64_t wait = w->next_read_ms - clock_wall_ms();
        if (wait < 0)
            wait = 0;
        if (wait > POLL_MS || w->n_transfers >= MAX_INFLIGHT)
            wait = POLL_MS;
        curl_multi_poll(w->multi, NULL, 0, (int)wait, NULL);
    }
    while (w->transfers) { /* abandoned: the events stay in the outbox */
        transfer_t *t = w->transfers;
        w->transfers = t->next;
        curl_multi_remove_handle(w->multi, t->easy);
        transfer_free(t);
    }
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

cinder_err webhook_new(store_t *st, const webhook_config_t *cfg, webhook_t **out)
{
    webhook_t *w = xcalloc(1, sizeof *w);
    w->st = st;
    w->cfg = *cfg;
    w->secret = dup_or_null(cfg->secret);
    w->user_agent = dup_or_null(cfg->user_agent);
    w->cfg.secret = w->secret;
    w->cfg.user_agent = w->user_agent;
    if (w->cfg.retry_base_ms <= 0)
        w->cfg.retry_base_ms = DEFAULT_BASE_MS;
    if (w->cfg.max_attempts <= 0)
        w->cfg.max_attempts = DEFAULT_ATTEMPTS;
    atomic_init(&w->stopping, false);
    w->multi = curl_multi_init();
    w->started = w->multi && pthread_create(&w->thread, NULL, deliver_main, w) == 0;
    if (!w->started) {
        webhook_free(w);
        return CINDER_E_NOMEM;
    }
    pthread_setname_np(w->thread, "cinder-webhook");
    *out = w;
    return CINDER_OK;
}

void webhook_free(webhook_t *w)
{
    if (!w)
        return;
    atomic_store(&w->stopping, true);
    if (w->started) {
        curl_multi_wakeup(w->multi);
        pthread_join(w->thread, NULL);
    }
    curl_multi_cleanup(w->multi);
    free(w->secret);
    free(w->user_agent);
    free(w);
}
