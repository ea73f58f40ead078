/*
 * buf: a growable byte buffer with a hard cap. A value type: the caller owns
 * the struct, buf_init() cannot fail, buf_cleanup() frees the bytes. The data
 * is always NUL-terminated (the NUL is not counted in len), so it can be used
 * as a C string when it holds text.
 */
#ifndef CINDER_UTIL_BUF_H
#define CINDER_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/error.h"

typedef struct {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* appends beyond this fail with CINDER_E_TOO_LARGE; 0 = unlimited */
} buf_t;

/* Initialises an empty buffer that may grow up to max bytes (0: no cap). */
void buf_init(buf_t *b, size_t max);

/* Frees the bytes; the buffer is left empty and reusable. */
void buf_cleanup(buf_t *b);

/* Makes room for n more bytes. */
CINDER_MUST_CHECK cinder_err buf_reserve(buf_t *b, size_t n);

/* Appends n bytes. Fails without writing anything when the cap would be exceeded. */
CINDER_MUST_CHECK cinder_err buf_append(buf_t *b, const void *p, size_t n);

/* Appends a NUL-terminated string. */
CINDER_MUST_CHECK cinder_err buf_puts(buf_t *b, const char *s);

/* Appends one byte. */
CINDER_MUST_CHECK cinder_err buf_putc(buf_t *b, char c);

/* Appends printf-formatted text. */
CINDER_MUST_CHECK cinder_err buf_printf(buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties the buffer, keeping its memory. */
void buf_reset(buf_t *b);

/* Takes the bytes (caller frees with free()); the buffer becomes empty. Never NULL. */
char *buf_steal(buf_t *b);

/* Returns the contents as a C string ("" when empty); owned by the buffer. */
const char *buf_str(const buf_t *b);

#endif
