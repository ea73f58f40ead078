/*
 * server: the HTTP front end (libmicrohttpd, internal thread pool, epoll).
 * Handlers run on its threads; deferred requests are suspended connections.
 */
#ifndef CINDER_API_SERVER_H
#define CINDER_API_SERVER_H

#include <stddef.h>

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

/* Stops accepting new connections; requests in progress continue. */
void server_quiesce(server_t *s);

/* Stops the server (all deferred requests must have been answered). Accepts NULL. */
void server_free(server_t *s);

#endif
