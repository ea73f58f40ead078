/*
 * URL helpers over libcurl's URL API: resolving references against a base and
 * validating request URLs. All returned strings are heap-allocated; the caller
 * frees them with free().
 */
#ifndef CINDER_UTIL_URL_H
#define CINDER_UTIL_URL_H

#include <stdbool.h>
#include <stddef.h>

/* Resolves ref (len bytes, may be relative, may carry surrounding whitespace)
 * against the absolute URL base. http(s) results are normalised by libcurl
 * (spaces and non-ASCII bytes percent-encoded); other schemes (mailto:, tel:)
 * are returned as written. Returns NULL for an empty ref, javascript: refs and
 * refs that cannot be resolved. Caller frees. */
char *url_resolve(const char *base, const char *ref, size_t len);

/* Resolves many references against one base: the base is parsed once, and the common cases
 * (clean absolute http(s) URLs, root-relative and plain relative paths) are joined without
 * libcurl; the results are those url_resolve would give. Not thread-safe; one owner. */
typedef struct url_resolver url_resolver_t;

/* A resolver for base (copied; may be NULL: only absolute references resolve). Never NULL. */
url_resolver_t *url_resolver_new(const char *base);

/* url_resolve(base, ref, len) for the resolver's base. Caller frees. */
char *url_resolver_resolve(url_resolver_t *r, const char *ref, size_t len);

/* Frees the resolver. Accepts NULL. */
void url_resolver_free(url_resolver_t *r);

/* The value of hexadecimal digit c (either case), or -1: for %XX escapes. */
static inline int url_hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* True when s starts with a URI scheme followed by ':' (e.g. "mailto:"). */
bool url_has_scheme(const char *s, size_t len);

/* True when the reference is only a fragment ("#top") after trimming. */
bool url_is_fragment_only(const char *ref, size_t len);

/* Parses an absolute http(s) URL; on success returns the normalised URL and,
 * if host_out is not NULL, a copy of its host (both caller-freed). Returns NULL
 * when s is not a usable http(s) URL. */
char *url_normalize_http(const char *s, char **host_out);

#endif
