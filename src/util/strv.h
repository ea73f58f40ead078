/*
 * strv: heap vectors of heap strings (char **v with a separate count), as the option structs
 * keep their lists, and their JSON array form (jansson).
 */
#ifndef CINDER_UTIL_STRV_H
#define CINDER_UTIL_STRV_H

#include <stddef.h>

#include <jansson.h>

/* Frees the n strings of v and v itself. Accepts NULL. */
void strv_free(char **v, size_t n);

/* Copies n strings; NULL when n is 0. Caller frees with strv_free. */
char **strv_copy(char *const *v, size_t n);

/* The strings as a new JSON array (caller owns the reference). */
json_t *strv_to_json(char *const *v, size_t n);

/* The string items of a JSON array (non-strings skipped); *n receives the count; NULL when there
 * are none. Caller frees with strv_free. */
char **strv_from_json(json_t *a, size_t *n);

#endif
