/* The trieve dialect's routes and its error envelope (dialect/trieve/trieve.c). */
#ifndef CINDER_DIALECT_TRIEVE_TRIEVE_H
#define CINDER_DIALECT_TRIEVE_TRIEVE_H

#include "api/router.h"

/* The routes of the dialect; ends with a {NULL} entry. */
extern const api_route_t trieve_routes[];

/* Replies with the dialect's error envelope for e (status from api/errmap.c; detail may be NULL).
 */
void trieve_error(api_req_t *r, cinder_err e, const char *detail);

#endif
