/*
 * hostgate: politeness toward each host, shared by every crawl of the process. A host (the
 * authority of a URL: host[:port], lower case) may have at most `cap` fetches in flight at
 * once, and a 429 or 503 answer pauses it — all crawls' fetches to it wait — for the
 * Retry-After time, or with no Retry-After for an exponential backoff (1 s, 2 s, 4 s … 60 s)
 * that a successful answer resets.
 *
 * Threads: every function may be called from any thread; the table has its own mutex, held
 * only for a lookup. Memory stays bounded: a host is forgotten once nothing is in flight, no
 * pause is pending and its backoff has been quiet for a minute.
 */
#ifndef CINDER_CRAWL_HOSTGATE_H
#define CINDER_CRAWL_HOSTGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hostgate hostgate_t;

/* Default per-host cap on fetches in flight. */
#define HOSTGATE_DEFAULT_CAP 16

/* A gate allowing cap (>= 1) fetches in flight per host. Free with hostgate_free. */
hostgate_t *hostgate_new(int cap);

/* Frees the gate. Accepts NULL. */
void hostgate_free(hostgate_t *g);

/* Takes a fetch slot of url's host when one is free and the host is not paused at now_mono
 * (clock_mono_ms); true when taken — give it back with hostgate_release. */
bool hostgate_acquire(hostgate_t *g, const char *url, int64_t now_mono);

/* Gives back a slot taken by hostgate_acquire for the same url's host. */
void hostgate_release(hostgate_t *g, const char *url);

/* Records a 429/503 answer from url's host: pauses the host for retry_after_ms when > 0, else
 * for the host's next backoff step. Returns the pause applied, in ms. */
int64_t hostgate_pause(hostgate_t *g, const char *url, int64_t retry_after_ms, int64_t now_mono);

/* Records a normal answer from url's host: its backoff starts again from the first step. */
void hostgate_ok(hostgate_t *g, const char *url);

/* Hosts remembered now (in flight, paused or with a recent backoff). */
size_t hostgate_size(hostgate_t *g);

/* The per-host cap. */
int hostgate_cap(const hostgate_t *g);

#endif
