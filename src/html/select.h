/*
 * select: CSS selectors (Modest's mycss + finder) over a dom.h tree.
 *
 * Threads: each thread gets its own selector parser and finder, created on
 * first use and destroyed when the thread exits; like documents, nodes and
 * results never cross threads.
 */
#ifndef CINDER_HTML_SELECT_H
#define CINDER_HTML_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "html/dom.h"
#include "util/error.h"

/* True when selector (a selector list, commas allowed) parses as valid CSS. NULL and "" are
 * invalid. Used to reject bad includeTags/excludeTags before a job starts. */
bool select_valid(const char *selector);

/* Finds the elements under scope (scope itself excluded) matching selector. Sets *out to a
 * malloc'd array of *n nodes in document order without duplicates (NULL when none; caller frees
 * the array, not the nodes). Fails with CINDER_E_INVALID for an invalid selector, leaving
 * *out NULL and *n 0. */
CINDER_MUST_CHECK cinder_err select_all(dom_node_t *scope, const char *selector, dom_node_t ***out,
                                        size_t *n);

#endif
