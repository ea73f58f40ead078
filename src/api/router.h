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

/* Route tables, one per dialect; each ends with a {NULL} entry. */
extern const api_route_t health_routes[];
extern const api_route_t firecrawl_v0_routes[];
extern const api_route_t firecrawl_v1_routes[];
extern const api_route_t firecrawl_v2_routes[];
extern const api_route_t spidra_routes[];
extern const api_route_t skop_routes[];
extern const api_route_t trieve_routes[];

/* The error envelope of each dialect (defined beside its routes). */
void fc_v0_error(api_req_t *r, cinder_err e, const char *detail);
void fc_v1_error(api_req_t *r, cinder_err e, const char *detail);
void fc_v2_error(api_req_t *r, cinder_err e, const char *detail);
void spidra_error(api_req_t *r, cinder_err e, const char *detail);
void skop_error(api_req_t *r, cinder_err e, const char *detail);
void trieve_error(api_req_t *r, cinder_err e, const char *detail);

typedef struct {
    api_handler handler;  /* NULL: no route */
    bool method_mismatch; /* the path exists under another method */
    api_dialect dialect;  /* of the route matched, or of the path when only the method differs */
    api_error_fn error;   /* that dialect's error envelope */
    int nparams;
    const char *params[ROUTER_MAX_PARAMS]; /* pointers into params_buf */
    char params_buf[512];
} route_match_t;

/* Finds the handler for method and path; fills m. */
void router_match(const char *method, const char *path, route_match_t *m);

#endif
