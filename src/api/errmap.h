/*
 * errmap: the one table that maps cinder errors to HTTP statuses and to the
 * Firecrawl error codes and messages clients expect.
 */
#ifndef CINDER_API_ERRMAP_H
#define CINDER_API_ERRMAP_H

#include <stddef.h>

#include "util/error.h"

typedef struct {
    unsigned status;     /* HTTP status */
    const char *code;    /* Firecrawl error code, or NULL when Firecrawl sends none */
    const char *message; /* user-facing message; may contain one %s for the detail */
} errmap_entry_t;

/* The entry for e (never NULL; unknown errors map to 500 UNKNOWN_ERROR). */
const errmap_entry_t *errmap_get(cinder_err e);

/* The entry for an error given by its name (cinder_err_name, e.g. "E_TIMEOUT"), or NULL. */
const errmap_entry_t *errmap_get_by_name(const char *name);

/* Formats the user-facing message for e with detail (may be NULL) into out. */
void errmap_message(cinder_err e, const char *detail, char *out, size_t outlen);

#endif
