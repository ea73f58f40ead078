/*
 * utf8: validation of UTF-8 text, the test jansson applies before it accepts a string (no
 * overlong forms, no surrogates, nothing above U+10FFFF), with a fast path for runs of ASCII:
 * a page's markdown is tens of kilobytes of mostly ASCII text.
 */
#ifndef CINDER_UTIL_UTF8_H
#define CINDER_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is valid UTF-8 (NUL bytes included). */
bool utf8_valid(const char *s, size_t len);

#endif
