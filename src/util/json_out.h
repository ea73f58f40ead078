/*
 * json_out: compact JSON text of a jansson value, byte for byte what json_dumps(v, JSON_COMPACT)
 * writes (keys in insertion order, the same escapes and integer forms) except for reals, which
 * get their shortest round-trip form (0.099, not jansson's 0.099000000000000005); in one pass
 * into one buffer: documents are mostly long strings (markdown, HTML), and this copies runs of
 * bytes that need no escape instead of stepping through them one code point at a time.
 */
#ifndef CINDER_UTIL_JSON_OUT_H
#define CINDER_UTIL_JSON_OUT_H

#include <stddef.h>

#include <jansson.h>

/* The compact text of v (an object, array or any value); *len (may be NULL) receives its length.
 * Heap memory the caller frees; NULL when v is NULL or nested deeper than JSON_OUT_MAX_DEPTH. */
char *json_out_compact(const json_t *v, size_t *len);

#define JSON_OUT_MAX_DEPTH 512

#endif
