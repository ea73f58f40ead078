/*
 * pool: a fixed set of worker threads fed by one bounded FIFO queue.
 * Submitting to a full queue blocks the submitter (back-pressure) unless
 * pool_try_submit is used. Tasks own their argument; the pool never frees it.
 */
#ifndef CINDER_UTIL_POOL_H
#define CINDER_UTIL_POOL_H

#include <stddef.h>

#include "util/error.h"

typedef struct pool pool_t;
typedef void (*pool_fn)(void *arg);

/* Starts nthreads workers (< 1: one) with a queue of qcap tasks. When the system refuses to
 * start some threads the pool runs with those that started (a warning is logged; pool_threads
 * says how many); NULL when not even one could start. Free with pool_free. */
pool_t *pool_new(int nthreads, size_t qcap);

/* Number of worker threads running. */
int pool_threads(const pool_t *p);

/* Runs every queued task, stops and joins the workers; the pool stays valid (submissions return
 * CINDER_E_SHUTDOWN). Call from one thread; a second call does nothing. Accepts NULL. */
void pool_stop(pool_t *p);

/* pool_stop, then frees the pool. Accepts NULL. */
void pool_free(pool_t *p);

/* Queues fn(arg), waiting while the queue is full. CINDER_E_SHUTDOWN once pool_stop began. */
CINDER_MUST_CHECK cinder_err pool_submit(pool_t *p, pool_fn fn, void *arg);

/* Queues fn(arg) without waiting: CINDER_E_BUSY when the queue is full. */
CINDER_MUST_CHECK cinder_err pool_try_submit(pool_t *p, pool_fn fn, void *arg);

/* Number of tasks waiting (not yet started). */
size_t pool_pending(pool_t *p);

#endif
