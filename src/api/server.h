/*
 * server: the HTTP front end (libmicrohttpd, internal thread pool, poll).
 * Handlers run on its threads; deferred requests are suspended connections.
 * Shutdown: server_drain_start, server_drain_wait, then (once no deferred
 * reply can come any more) server_free.
 */
#ifndef CINDER_API_SERVER_H
#define CINDER_API_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "api/http.h"
#include "api/router.h"
#include "util/error.h"

typedef struct server server_t;

typedef struct {
    const char *host;          /* address to bind (IPv4 or IPv6 literal, or "localhost") */
    int port;                  /* 0: pick a free port */
    int threads;               /* API threads */
    size_t max_body;           /* request body cap (bytes); larger bodies get 413 */
    api_app_t *app;            /* handed to handlers; owned by the caller */
    const api_table_t *tables; /* the routes served, tried in order (borrowed, static) */
    size_t n_tables;
} server_config_t;

/* Binds and starts serving. Free with server_free. */
CINDER_MUST_CHECK cinder_err server_new(const server_config_t *cfg, server_t **out);

/* The port actually bound. */
int server_port(const server_t *s);

/* Begins draining: the listener closes (new connections are refused) and every request that
 * reaches dispatch from now on, also on a kept-alive connection, gets 503 with the
 * CINDER_E_SHUTDOWN message and "Connection: close", without running a handler. Requests
 * already in a handler continue. */
void server_drain_start(server_t *s);

/* Waits until every request that reached a handler has completed (its reply, deferred or not,
 * was sent) or timeout_ms passed; returns how many are still in flight. */
int server_drain_wait(server_t *s, int64_t timeout_ms);

/* Stops the server: connections close and no handler runs any more once it returns. Every
 * deferred request must have been answered (a reply after this would touch freed memory).
 * Accepts NULL. */
void server_free(server_t *s);

#endif
