/*
 * router: maps (method, path) to a handler through static route tables.
 * Patterns are literal segments and ":name" parameters ("/v1/crawl/:id").
 * Tables are tried in order, so literal routes go before parameter routes.
 */
#ifndef CINDER_API_ROUTER_H
#define CINDER_API_ROUTER_H

#include "api/http.h"
#include "util/error.h"

#define ROUTER_MAX_PARAMS 4

typedef void (*api_handler)(api_req_t *r);

/* The API family a route belongs to: decides the error envelope and how the key is sent. */
typedef enum {
    API_HEALTH = 0, /* no key needed */
    API_FC_V0,
    API_FC_V1,
    API_FC_V2,
    API_SPIDRA,
    API_SKOP,
    API_TRIEVE,
} api_dialect;

/* Replies with a dialect's error envelope for e (HTTP status from the error table in
 * api/errmap.c; detail fills the message's %s, may be NULL). */
typedef void (*api_error_fn)(api_req_t *r, cinder_err e, const char *detail);

typedef struct {
    const char *method; /* "GET", "POST", "DELETE", "PUT" */
    const char *pattern;
    api_handler handler;
} api_route_t;

/* The routes of one API family with its error envelope; routes end with a {NULL} entry. The
 * tables are handed to the server from above (dialect/dialects.h): api/ names no dialect. */
typedef struct {
    api_dialect dialect;
    const api_route_t *routes;
    api_error_fn error;
} api_table_t;

/* The health routes (api/health.c). */
extern const api_route_t health_routes[];

typedef struct {
    api_handler handler;  /* NULL: no route */
    bool method_mismatch; /* the path exists under another method */
    api_dialect dialect;  /* of the route matched, or of the path when only the method differs */
    api_error_fn error;   /* that dialect's error envelope */
    int nparams;
    const char *params[ROUTER_MAX_PARAMS]; /* pointers into params_buf */
    char params_buf[512];
} route_match_t;

/* Finds the handler for method and path in tables[0..n) (tried in order); fills m. */
void router_match(const api_table_t *tables, size_t n, const char *method, const char *path,
                  route_match_t *m);

#endif
