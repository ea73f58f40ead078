/*
 * Worker pool.
 *
 * Threads: nthreads workers block on one condition variable waiting for tasks
 * in a ring buffer guarded by one mutex; submitters block on a second
 * condition variable while the ring is full. pool_stop sets `stopping`,
 * wakes everyone, lets the workers drain the ring, then joins them; pool_free
 * stops, then frees. When the system refuses some threads, pool_new runs with
 * those that started (at least one, else it fails).
 */
#include "util/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/mem.h"

typedef struct {
    pool_fn fn;
    void *arg;
} task_t;

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    task_t *ring;
    size_t cap, head, count;
    bool stopping;
    bool joined; /* pool_stop's caller only */
    int nthreads;
    pthread_t *threads;
};

static void *worker_main(void *ud)
{
    pool_t *p = ud;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->count && !p->stopping)
            pthread_cond_wait(&p->not_empty, &p->mu);
        if (!p->count)
            break;
        task_t t = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        pthread_cond_signal(&p->not_full);
        pthread_mutex_unlock(&p->mu);
        t.fn(t.arg);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Starts up to `want` workers; returns how many started. */
static int start_workers(pool_t *p, int want)
{
    int n = 0;
    for (; n < want; n++) {
        int err = pthread_create(&p->threads[n], NULL, worker_main, p);
        if (err) {
            log_warn("worker pool: thread %d of %d could not start (%s)", n + 1, want,
                     strerror(err));
            break;
        }
        pthread_setname_np(p->threads[n], "cinder-worker");
    }
    return n;
}

pool_t *pool_new(int nthreads, size_t qcap)
{
    pool_t *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->not_empty, NULL);
    pthread_cond_init(&p->not_full, NULL);
    p->cap = qcap ? qcap : 1;
    p->ring = xcalloc(p->cap, sizeof *p->ring);
    int want = nthreads > 0 ? nthreads : 1;
    p->threads = xcalloc((size_t)want, sizeof *p->threads);
    p->nthreads = start_workers(p, want);
    if (p->nthreads == 0) {
        pool_free(p);
        return NULL;
    }
    return p;
}

int pool_threads(const pool_t *p)
{
    return p->nthreads;
}

void pool_stop(pool_t *p)
{
    if (!p || p->joined)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->not_empty);
    pthread_cond_broadcast(&p->not_full);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    p->joined = true;
}

void pool_free(pool_t *p)
{
    if (!p)
        return;
    pool_stop(p);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->not_empty);
    pthread_cond_destroy(&p->not_full);
    free(p->threads);
    free(p->ring);
    free(p);
}

static cinder_err enqueue(pool_t *p, pool_fn fn, void *arg, bool wait)
{
    cinder_err rc = CINDER_OK;
    pthread_mutex_lock(&p->mu);
    while (wait && p->count == p->cap && !p->stopping)
        pthread_cond_wait(&p->not_full, &p->mu);
    if (p->stopping) {
        rc = CINDER_E_SHUTDOWN;
        goto out;
    }
    if (p->count == p->cap) {
        rc = CINDER_E_BUSY;
        goto out;
    }
    p->ring[(p->head + p->count) % p->cap] = (task_t){fn, arg};
    p->count++;
    pthread_cond_signal(&p->not_empty);
out:
    pthread_mutex_unlock(&p->mu);
    return rc;
}

cinder_err pool_submit(pool_t *p, pool_fn fn, void *arg)
{
    return enqueue(p, fn, arg, true);
}

cinder_err pool_try_submit(pool_t *p, pool_fn fn, void *arg)
{
    return enqueue(p, fn, arg, false);
}

size_t pool_pending(pool_t *p)
{
    pthread_mutex_lock(&p->mu);
    size_t n = p->count;
    pthread_mutex_unlock(&p->mu);
    return n;
}
