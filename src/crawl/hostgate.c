/*
 * hostgate: per-host fetch slots and 429/503 pauses across crawls (see hostgate.h).
 *
 * Threads: the scheduler acquires, the fetch thread releases and workers pause; one mutex
 * guards the table and is held only for a list walk. The list holds only hosts with something
 * in flight, a pending pause or a recent backoff, so it stays as short as the in-flight window.
 */
#include "crawl/hostgate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/mem.h"

#define KEY_MAX         256
#define BACKOFF_BASE_MS 1000
#define BACKOFF_MAX_MS  60000
#define FORGET_AFTER_MS 60000

typedef struct ghost {
    struct ghost *next;
    int active;
    int strikes;          /* 429/503 answers since the last normal one */
    int64_t paused_until; /* monotonic ms */
    char key[KEY_MAX];
} ghost_t;

struct hostgate {
    pthread_mutex_t mu;
    int cap;
    ghost_t *hosts;
};

hostgate_t *hostgate_new(int cap)
{
    hostgate_t *g = xcalloc(1, sizeof *g);
    g->cap = cap > 0 ? cap : 1;
    pthread_mutex_init(&g->mu, NULL);
    return g;
}

void hostgate_free(hostgate_t *g)
{
    if (!g)
        return;
    while (g->hosts) {
        ghost_t *h = g->hosts;
        g->hosts = h->next;
        free(h);
    }
    pthread_mutex_destroy(&g->mu);
    free(g);
}

size_t hostgate_size(hostgate_t *g)
{
    pthread_mutex_lock(&g->mu);
    size_t n = 0;
    for (ghost_t *h = g->hosts; h; h = h->next)
        n++;
    pthread_mutex_unlock(&g->mu);
    return n;
}

int hostgate_cap(const hostgate_t *g)
{
    return g->cap;
}

/* The authority of url (after "scheme://", without userinfo), lower case, into key. */
static void key_of(const char *url, char key[KEY_MAX])
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    if (n >= KEY_MAX)
        n = KEY_MAX - 1;
    for (size_t i = 0; i < n; i++)
        key[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
    key[n] = '\0';
}

static bool forgettable(const ghost_t *h, int64_t now)
{
    return h->active == 0 && now >= h->paused_until + (h->strikes ? FORGET_AFTER_MS : 0);
}

/* Finds (or with create, adds) url's host, dropping forgettable hosts met on the way. Caller
 * holds g->mu. */
static ghost_t *find(hostgate_t *g, const char *url, bool create, int64_t now)
{
    char key[KEY_MAX];
    key_of(url, key);
    for (ghost_t **hp = &g->hosts; *hp;) {
        ghost_t *h = *hp;
        if (!strcmp(h->key, key))
            return h;
        if (forgettable(h, now)) {
            *hp = h->next;
            free(h);
            continue;
        }
        hp = &h->next;
    }
    if (!create)
        return NULL;
    ghost_t *h = xcalloc(1, sizeof *h);
    memcpy(h->key, key, sizeof key);
    h->next = g->hosts;
    g->hosts = h;
    return h;
}

bool hostgate_acquire(hostgate_t *g, const char *url, int64_t now_mono)
{
    pthread_mutex_lock(&g->mu);
    ghost_t *h = find(g, url, true, now_mono);
    bool ok = h->active < g->cap && now_mono >= h->paused_until;
    if (ok)
        h->active++;
    pthread_mutex_unlock(&g->mu);
    return ok;
}

void hostgate_release(hostgate_t *g, const char *url)
{
    pthread_mutex_lock(&g->mu);
    ghost_t *h = find(g, url, false, clock_mono_ms());
    if (h && h->active > 0)
        h->active--;
    pthread_mutex_unlock(&g->mu);
}

int64_t hostgate_pause(hostgate_t *g, const char *url, int64_t retry_after_ms, int64_t now_mono)
{
    pthread_mutex_lock(&g->mu);
    ghost_t *h = find(g, url, true, now_mono);
    int step = h->strikes < 6 ? h->strikes : 6;
    int64_t ms = retry_after_ms > 0 ? retry_after_ms : (int64_t)BACKOFF_BASE_MS << step;
    if (ms > BACKOFF_MAX_MS)
        ms = BACKOFF_MAX_MS;
    h->strikes++;
    if (now_mono + ms > h->paused_until)
        h->paused_until = now_mono + ms;
    pthread_mutex_unlock(&g->mu);
    return ms;
}

void hostgate_ok(hostgate_t *g, const char *url)
{
    pthread_mutex_lock(&g->mu);
    ghost_t *h = find(g, url, false, clock_mono_ms());
    if (h)
        h->strikes = 0;
    pthread_mutex_unlock(&g->mu);
}
