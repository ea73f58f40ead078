/*
 * markdown: converts a parsed HTML subtree to GitHub-flavoured markdown in the
 * style Firecrawl users expect (ATX headings, "-" bullets, fenced code, GFM
 * tables with outer pipes), in one pass over the tree, written straight into
 * the caller's buffer.
 *
 * Rendering decisions a caller may need to know:
 * - <br> is a hard break written as two spaces + newline ("a  \nb"); two or
 *   more <br> in a row make a paragraph break. In a heading or link text it is
 *   a space; in a table cell it is "<br>".
 * - Table cells hold one line: block boundaries and <br> inside a cell become
 *   "<br>", list items inside a cell keep their "- " / "1. " markers, a <pre>
 *   inside a cell becomes an inline code span, a table inside a cell is
 *   flattened to text. The first row (the first <thead> row if there is one)
 *   is the header row. A table without <th> that has a single column, a single
 *   row, or a heading/table/blockquote/pre/hr/form inside is a layout table
 *   and is rendered as its cells' content, one block per cell.
 * - Link text is one line: blocks inside a link become spaces ("[Title
 *   Description](url)"); a link whose only child is a heading becomes
 *   "## [Title](url)". Links without text or image are dropped; fragment-only
 *   and javascript: links keep their text only; "Skip to content"-style links
 *   (text starting "skip to", "skip nav", "jump to content"/"jump to main"
 *   with a '#' in the href) are dropped with their text.
 * - Images use the largest srcset candidate when there is a srcset, else src,
 *   else data-src (also used when src is a data: placeholder). data: URLs
 *   become "<Base64-Image-Removed>" unless keep_base64_images.
 * - Dropped with their content: script, style, noscript, template, head,
 *   title, meta, link, select/option, input, textarea, svg, canvas, iframe,
 *   frame(set), video, audio, object, embed, map, comments. <button> and
 *   <label> text is kept. <math> is replaced by its alttext when it has one,
 *   unless it (or its parent) is display:none, as on Wikipedia, where the
 *   visible fallback <img> carries the same TeX in its alt.
 * - sup, sub, abbr, mark, u, ins, small, span, font and unknown elements are
 *   plain text; q is wrapped in '"'; dt is bold on its own paragraph and dd a
 *   following paragraph; figcaption and summary are paragraphs.
 * - U+00A0 (&nbsp;) and the other Unicode space separators (U+2000-U+200A,
 *   U+3000, ...) outside <pre> are collapsible whitespace written as a plain
 *   space. Text inside <pre> is byte-exact.
 * - Emphasis is "**" / "*" / "~~", kept valid under CommonMark's flanking
 *   rules: a closer that would follow punctuation and precede a letter goes
 *   before the punctuation ("**Note**:text"); an emphasis that cannot be
 *   written validly is dropped (its text kept).
 * - Escaping is minimal: '\', '*', '_' (not inside words), '`', '[', ']'
 *   (inside link text, or before '(' '[' ':'), '<' (before a letter, '/',
 *   '!', '?' or the end of a text node), '&' (before an entity-like name),
 *   '~', '|' (in tables), and block starters at line start ("# ", "> ",
 *   "- ", "1. ", "---", ...).
 * - Elements nested deeper than 512 levels are flattened to text (paragraph
 *   breaks at block boundaries), so the recursion depth is bounded (under
 *   100 KB of stack at -O2).
 * - Relative URLs are resolved against base_url (common cases without
 *   libcurl, with results identical to url_resolve()).
 */
#ifndef CINDER_HTML_MARKDOWN_H
#define CINDER_HTML_MARKDOWN_H

#include <stdbool.h>

#include "html/dom.h"
#include "util/buf.h"
#include "util/url.h"
#include "util/error.h"

typedef struct {
    const char *base_url;     /* absolute URL for resolving links and images (caller already applied
                                 <base href>); NULL: leave URLs as written */
    bool keep_base64_images;  /* false (default): ![alt](data:...) becomes
                                 ![alt](<Base64-Image-Removed>) */
    url_resolver_t *resolver; /* optional, borrowed: a resolver for base_url shared with the
                                 caller (NULL: one is made when a URL needs resolving) */
} md_options_t;

/* Converts the subtree rooted at root (an element, or the document node) to GitHub-flavoured
 * markdown, appended to out. The result is empty or ends with exactly one '\n'. opt may be NULL
 * (defaults). Returns CINDER_E_TOO_LARGE if out's cap is hit, in which case out is restored to
 * its length on entry. The caller owns out; nothing else is allocated for the caller. */
CINDER_MUST_CHECK cinder_err md_convert(const dom_node_t *root, const md_options_t *opt,
                                        buf_t *out);

/* The URL an <img> shows, as the converter picks it: the largest srcset candidate, else src, else
 * data-src (also preferred over a data: placeholder in src). Points into the document (len bytes,
 * not NUL-terminated); NULL when there is none. */
const char *md_img_source(const dom_node_t *img, size_t *len);

#endif
