/*
 * Allocation wrappers with one out-of-memory policy: abort with a message.
 * Everything in cinder allocates through these (or through an arena).
 */
#ifndef CINDER_UTIL_MEM_H
#define CINDER_UTIL_MEM_H

#include <stddef.h>

/* malloc that never returns NULL; free with free(). */
void *xmalloc(size_t n);

/* calloc that never returns NULL; free with free(). */
void *xcalloc(size_t n, size_t size);

/* realloc that never returns NULL; free with free(). */
void *xrealloc(void *p, size_t n);

/* strdup that never returns NULL; NULL in gives NULL out. Free with free(). */
char *xstrdup(const char *s);

/* Copies n bytes and NUL-terminates; free with free(). */
char *xstrndup(const char *s, size_t n);

#endif
