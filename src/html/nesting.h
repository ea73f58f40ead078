/*
 * nesting: a guard in front of the HTML parser against pathological nesting.
 * MyHTML's tree construction is superlinear in element depth (100,000 nested
 * <div>s take ~30 s), so a hostile page could tie up a worker. Browsers cap
 * parser depth too (Blink: 512). This pass estimates the open-element depth
 * with a linear scan and, only when it exceeds the limit, copies the input
 * without the excess start tags (and the end tags that close them). Text is
 * never removed.
 */
#ifndef CINDER_HTML_NESTING_H
#define CINDER_HTML_NESTING_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

#define NESTING_MAX_DEPTH 2048

/* Returns true when html (len bytes) nests deeper than max_depth; then *out (initialised by the
 * caller) receives the input with the excess tags removed. Returns false and leaves out untouched
 * otherwise (the common case: one scan, no copy). */
bool nesting_limit(const char *html, size_t len, size_t max_depth, buf_t *out);

#endif
