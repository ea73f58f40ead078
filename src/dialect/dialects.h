/*
 * dialects: the API families cinder answers, in the order the router tries them (literal
 * Firecrawl routes before parameter routes of later families). Handed to the server by the
 * command line; api/ itself names no dialect.
 */
#ifndef CINDER_DIALECT_DIALECTS_H
#define CINDER_DIALECT_DIALECTS_H

#include <stddef.h>

#include "api/router.h"

/* The route tables of every dialect (static). */
extern const api_table_t dialect_tables[];

/* Number of entries in dialect_tables. */
extern const size_t dialect_n_tables;

#endif
