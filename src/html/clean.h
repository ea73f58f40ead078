/*
 * clean: prepares a parsed page for conversion — drops non-content markup,
 * applies the user's includeTags/excludeTags selectors and, with
 * onlyMainContent, removes hidden elements and consent banners and narrows
 * the page to its main content (html/readable.h).
 *
 * Runs after the metadata and links extractors: it destroys the document in
 * place.
 */
#ifndef CINDER_HTML_CLEAN_H
#define CINDER_HTML_CLEAN_H

#include <stdbool.h>
#include <stddef.h>

#include "html/dom.h"
#include "util/error.h"

typedef struct {
    const char *const *include_tags; /* CSS selectors: keep only matches (and their subtrees) */
    size_t n_include;
    const char *const *exclude_tags; /* CSS selectors: remove matches */
    size_t n_exclude;
    bool only_main_content;
} clean_options_t;

/* Cleans doc in place and sets *content to the node whose subtree is the page content (the
 * body, or the main-content container; owned by doc; NULL only when the document has no body).
 * Order: head, script, style, noscript, template, meta, link and comments are dropped; then
 * includeTags keep only the matched subtrees (their ancestors stay as bare wrappers; no match
 * leaves an empty body); then excludeTags remove their matches (html/body are emptied, not
 * removed); then, with only_main_content, hidden elements (hidden, aria-hidden="true", inline
 * display:none / visibility:hidden) and short cookie/consent banners go, and the body is
 * narrowed to its main content (html/readable.h) — unless includeTags were given: the user has
 * picked the content already. Never yields an empty result for a page with visible text.
 * CINDER_E_INVALID when a selector is invalid (checked before anything is touched).
 * Afterwards dom_head() and nodes outside *content may be dangling: use only *content. */
CINDER_MUST_CHECK cinder_err clean_document(dom_doc_t *doc, const clean_options_t *opt,
                                            dom_node_t **content);

#endif
