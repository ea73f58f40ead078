/*
 * router: maps (method, path) to a handler through static route tables.
 * Patterns are literal segments and ":name" parameters ("/v1/crawl/:id").
 * Tables are tried in order, so literal routes go before parameter routes.
 */
#ifndef CINDER_API_ROUTER_H
#define CINDER_API_ROUTER_H

#include "api/http.h"

#define ROUTER_MAX_PARAMS 4

typedef void (*api_handler)(api_req_t *r);

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

typedef struct {
    api_handler handler;  /* NULL: no route */
    bool method_mismatch; /* the path exists under another method */
    int nparams;
    const char *params[ROUTER_MAX_PARAMS]; /* pointers into params_buf */
    char params_buf[512];
} route_match_t;

/* Finds the handler for method and path; fills m. */
void router_match(const char *method, const char *path, route_match_t *m);

#endif
