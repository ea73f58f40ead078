/*
 * readable: main-content extraction (onlyMainContent).
 *
 * Scores the blocks of a page by their text (length, commas), link density,
 * tag and class/id hints, propagates the scores to their ancestors, picks the
 * best container plus the siblings that belong to it, then prunes the
 * boilerplate left inside (share widgets, link lists, forms, navigation).
 * When the result is short it retries with looser rules; a page that is still
 * short is not an article: its <main> landmark is used when it holds more,
 * else the whole root when no container stands out.
 *
 * Cost: a few linear passes over a side table built once per call (text and
 * link lengths computed bottom-up); no subtree is measured twice.
 */
#ifndef CINDER_HTML_READABLE_H
#define CINDER_HTML_READABLE_H

#include "html/dom.h"
#include "util/error.h"

/* Narrows the subtree of root (normally the body, already stripped of scripts, styles and hidden
 * elements) to the page's main content: removes from the document what lies outside the article
 * and the boilerplate inside it, and sets *content to the node whose subtree is the article —
 * root itself when no container stands out. The article keeps its own
 * headings, its title included (users of a scrape want it). Never
 * leaves an empty result when root has text. */
CINDER_MUST_CHECK cinder_err readable_extract(dom_node_t *root, dom_node_t **content);

#endif
