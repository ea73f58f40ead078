/*
 * dom: the parsed-HTML tree behind one small interface, so the parser (MyHTML
 * today) can be swapped without touching the converters.
 *
 * Threads: each thread that parses gets its own parser instance, created on
 * first use and destroyed when the thread exits. A dom_doc_t and its nodes
 * belong to the thread that parsed them; never hand them to another thread.
 *
 * Input must be UTF-8 (see html/charset.h). Text and attribute values are
 * returned decoded (character references resolved), as pointers into the
 * document: valid until the document is freed (or, for an attribute, replaced by dom_attr_set).
 */
#ifndef CINDER_HTML_DOM_H
#define CINDER_HTML_DOM_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct dom_doc dom_doc_t;
typedef struct dom_node dom_node_t;
typedef struct dom_attr dom_attr_t;

/* The tags cinder treats specially; everything else is DOM_TAG_OTHER (use dom_tag_name). */
#define DOM_TAGS(X)                                                                                \
    X(A)                                                                                           \
    X(ABBR)                                                                                        \
    X(ADDRESS)                                                                                     \
    X(ARTICLE)                                                                                     \
    X(ASIDE)                                                                                       \
    X(AUDIO)                                                                                       \
    X(B)                                                                                           \
    X(BASE)                                                                                        \
    X(BIG) X(BLOCKQUOTE) X(BODY) X(BR) X(BUTTON) X(CANVAS) X(CAPTION) X(CENTER) X(CITE) X(CODE)    \
        X(COL) X(COLGROUP) X(DD) X(DEL) X(DETAILS) X(DFN) X(DIALOG) X(DIV) X(DL) X(DT) X(EM)       \
            X(EMBED) X(FIELDSET) X(FIGCAPTION) X(FIGURE) X(FONT) X(FOOTER) X(FORM) X(FRAME)        \
                X(FRAMESET) X(H1) X(H2) X(H3) X(H4) X(H5) X(H6) X(HEAD) X(HEADER) X(HGROUP) X(HR)  \
                    X(HTML) X(I) X(IFRAME) X(IMG) X(INPUT) X(INS) X(KBD) X(LABEL) X(LEGEND) X(LI)  \
                        X(LINK) X(LISTING) X(MAIN) X(MAP) X(MARK) X(MATH) X(MENU) X(META) X(NAV)   \
                            X(NOSCRIPT) X(OBJECT) X(OL) X(OPTION) X(OUTPUT) X(P) X(PARAM) X(PRE)   \
                                X(Q) X(RP) X(RT) X(RUBY) X(S) X(SAMP) X(SCRIPT) X(SECTION)         \
                                    X(SELECT) X(SMALL) X(SOURCE) X(SPAN) X(STRIKE) X(STRONG)       \
                                        X(STYLE) X(SUB) X(SUMMARY) X(SUP) X(SVG) X(TABLE) X(TBODY) \
                                            X(TD) X(TEMPLATE) X(TEXTAREA) X(TFOOT) X(TH) X(THEAD)  \
                                                X(TIME) X(TITLE) X(TR) X(TT) X(U) X(UL) X(VAR)     \
                                                    X(VIDEO) X(WBR) X(XMP)

typedef enum {
    DOM_TAG_OTHER = 0, /* an element cinder has no special rule for */
    DOM_TAG_TEXT,      /* a text node: see dom_text() */
    DOM_TAG_COMMENT,
    DOM_TAG_DOCTYPE,
    DOM_TAG_DOCUMENT, /* the document node (root of the tree) */
#define DOM_TAG_ENUM(name) DOM_TAG_##name,
    DOM_TAGS(DOM_TAG_ENUM)
#undef DOM_TAG_ENUM
        DOM_TAG_COUNT
} dom_tag;

/* Parses len bytes of UTF-8 HTML (nesting deeper than NESTING_MAX_DEPTH is flattened first, see
 * html/nesting.h). Returns NULL only on parser failure. Free with dom_doc_free. */
dom_doc_t *dom_parse(const char *html, size_t len);

/* Frees a document and all its nodes. Accepts NULL. */
void dom_doc_free(dom_doc_t *doc);

/* The document node, and the <html>, <head> and <body> elements (NULL if absent). */
dom_node_t *dom_root(dom_doc_t *doc);
dom_node_t *dom_html(dom_doc_t *doc);
dom_node_t *dom_head(dom_doc_t *doc);
dom_node_t *dom_body(dom_doc_t *doc);

/* Tree navigation; NULL when there is no such node. */
dom_node_t *dom_first_child(const dom_node_t *n);
dom_node_t *dom_last_child(const dom_node_t *n);
dom_node_t *dom_next(const dom_node_t *n);
dom_node_t *dom_prev(const dom_node_t *n);
dom_node_t *dom_parent(const dom_node_t *n);

/* Pre-order successor of n within the subtree rooted at scope (skips n's children if
 * skip_children). NULL when the walk is done. */
dom_node_t *dom_walk_next(const dom_node_t *scope, const dom_node_t *n, bool skip_children);

/* The node's tag. */
dom_tag dom_tag_of(const dom_node_t *n);

/* Lower-case tag name ("div", "#text"); static or document storage. */
const char *dom_tag_name(const dom_node_t *n, size_t *len);

/* True for elements in the HTML namespace (false for text, comments, SVG and MathML children). */
bool dom_is_html_element(const dom_node_t *n);

/* Text of a text or comment node (decoded); "" for other nodes. */
const char *dom_text(const dom_node_t *n, size_t *len);

/* Value of attribute key (ASCII, lower case) or NULL when absent. */
const char *dom_attr(const dom_node_t *n, const char *key, size_t *len);

/* Attribute iteration: first attribute of n, then the following ones; NULL at the end. */
dom_attr_t *dom_attr_first(const dom_node_t *n);
dom_attr_t *dom_attr_next(const dom_attr_t *a);
const char *dom_attr_key(const dom_attr_t *a, size_t *len);
const char *dom_attr_value(const dom_attr_t *a, size_t *len);

/* Sets (adds or replaces) an attribute. */
void dom_attr_set(dom_node_t *n, const char *key, const char *value, size_t value_len);

/* Detaches n and its subtree from the tree. Their memory is released with the document (no
 * per-node free: see dom.c), so n stays readable until dom_doc_free. */
void dom_remove(dom_node_t *n);

/* Appends all text under n (text nodes only, in document order) to out. */
CINDER_MUST_CHECK cinder_err dom_text_content(const dom_node_t *n, buf_t *out);

/* Serialises n and its subtree as HTML into out (children only if n is the document). */
CINDER_MUST_CHECK cinder_err dom_serialize(const dom_node_t *n, buf_t *out);

#endif
