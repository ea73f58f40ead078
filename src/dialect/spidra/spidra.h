/* The spidra dialect's routes and its error envelope (dialect/spidra/spidra.c). */
#ifndef CINDER_DIALECT_SPIDRA_SPIDRA_H
#define CINDER_DIALECT_SPIDRA_SPIDRA_H

#include "api/router.h"

/* The routes of the dialect; ends with a {NULL} entry. */
extern const api_route_t spidra_routes[];

/* Replies with the dialect's error envelope for e (status from api/errmap.c; detail may be NULL).
 */
void spidra_error(api_req_t *r, cinder_err e, const char *detail);

#endif
