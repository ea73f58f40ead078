/*
 * Private to the markdown converter (markdown.c, md_writer.c, md_code.c, md_table.c): the
 * converter state and the writer primitives the element renderers share.
 *
 * The writer never writes whitespace eagerly. Spaces, line breaks, block
 * separators, line prefixes ("> ", list indentation), list markers, heading
 * markers and inline openers ("**", "[") are recorded as pending and only
 * written by md_flush() right before the next visible content, so empty
 * elements leave no trace, runs of blank lines cannot happen and the output
 * never ends with whitespace. Errors are sticky: after the first failed
 * append every write is a no-op and the renderers unwind.
 */
#ifndef CINDER_HTML_MD_INTERNAL_H
#define CINDER_HTML_MD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "html/dom.h"
#include "html/markdown.h"
#include "util/buf.h"
#include "util/url.h"

#define MD_MAX_DEPTH 512  /* element nesting rendered structurally; deeper is flattened */
#define MD_MAX_SEGS  32   /* nested list items + blockquotes that get their own prefix */
#define MD_MAX_MARKS 32   /* nested inline markers (emphasis, links, quotes) */
#define MD_MAX_COLS  1024 /* table columns tracked for rowspan and padding */

/* How block boundaries are written: as newlines, as "<br>" (table cells) or as a space
 * (link text, headings). */
typedef enum { MD_FLAT_NONE, MD_FLAT_BR, MD_FLAT_SPACE } md_flat;

/* Kinds of inline markers. */
enum { MD_MK_STRONG, MD_MK_EM, MD_MK_DEL, MD_MK_QUOTE, MD_MK_LINK, MD_MK_COUNT };

/* One level of line prefix: "> " for a blockquote, spaces for a list item. A list item's
 * marker replaces its spaces on the item's first line. */
typedef struct {
    char text[16];
    unsigned char len;
    char marker[16];
    unsigned char marker_len; /* 0 once the marker has been written */
    bool item;
} md_seg_t;

/* One inline marker; opened lazily, so markers around nothing are never written. */
typedef struct {
    unsigned char kind;
    bool open;
    bool alt;               /* written with '_' instead of '*' */
    size_t open_at;         /* out->len right after the opener (once open) */
    char *url;              /* links: owned destination */
    const dom_node_t *node; /* the element (link title; what follows an emphasis) */
} md_mark_t;

typedef struct {
    buf_t *out;
    size_t start_len; /* out->len on entry: bytes before it are the caller's */
    const md_options_t *opt;
    cinder_err rc; /* sticky */
    int depth;

    md_seg_t segs[MD_MAX_SEGS];
    int nseg;
    md_mark_t marks[MD_MAX_MARKS];
    int nmark;
    int first_pending; /* lowest index of a mark not yet written (nmark when none) */
    int mark_base;     /* marks below this index are not opened (inside a table cell) */
    int mark_depth[MD_MK_COUNT];
    size_t closed_at; /* out->len right after the last emphasis closer; the same emphasis */
    int closed_kind;  /* reopening there continues it (closed_* restore its state) */
    bool closed_alt;
    size_t closed_open_at;
    size_t closed_markup_end;
    size_t markup_end; /* out->len after the last markup (anything but text) */
    size_t digits_end; /* out->len after digits that started a line, e.g. "1" + "<b>.</b>" */

    int pending_nl;    /* 0, 1 (line break) or 2 (blank line) */
    int pending_depth; /* prefix levels the blank line of a pending break belongs to */
    bool pending_br;   /* the pending break is a "<br>" (table cell) */
    bool hard;         /* the pending line break is a hard break */
    bool pending_space;
    bool fresh;            /* no content yet in the current container: breaks are ignored */
    bool need_prefix;      /* the current line's prefix has not been written */
    bool at_line_start;    /* nothing but the prefix on the current line */
    char block_marker[12]; /* "## " or a list marker inside a cell, written before content */
    unsigned char bm_len;

    md_flat flat;
    int link_depth;
    int in_cell;

    bool list_ordered;
    long list_num;
    int list_step;

    url_resolver_t *resolver;     /* for base_url: the caller's, or own_resolver */
    url_resolver_t *own_resolver; /* made at the first link when the caller gave none */
    buf_t scratch;                /* code text */
    int *spans;                   /* per table column: rows still covered by a rowspan */
    int nspans;
} md_t;

static inline bool md_is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static inline bool md_is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline bool md_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Strips ASCII whitespace from both ends of s (len updated); returns the new start. */
static inline const char *md_trim(const char *s, size_t *len)
{
    while (*len && md_is_ws((unsigned char)*s)) {
        s++;
        (*len)--;
    }
    while (*len && md_is_ws((unsigned char)s[*len - 1]))
        (*len)--;
    return s;
}

/* Renders every child of n. */
void md_render_children(md_t *m, const dom_node_t *n);

/* Requests a block boundary: n = 1 for a line break, 2 for a blank line. */
void md_want_break(md_t *m, int n);

/* Requests a collapsible space before the next content. */
void md_want_space(md_t *m);

/* Writes everything pending (breaks, prefixes, markers; inline openers only if marks). */
void md_flush(md_t *m, bool marks);

/* Appends bytes verbatim. */
void md_emit(md_t *m, const char *s, size_t n);

/* A <br>: a hard line break; a second one in a row makes a paragraph break. */
void md_want_hard_break(md_t *m);

/* Ends a heading: drops its marker if nothing was written, else escapes a trailing run of
 * '#' (it would read as the closing sequence of an ATX heading). */
void md_end_heading(md_t *m);

/* Pushes an inline marker (url: owned by the mark, may be NULL; node: the element). */
void md_push_mark(md_t *m, int kind, char *url, const dom_node_t *node);

/* Pops the innermost marker, writing its closer if its opener was written. */
void md_pop_mark(md_t *m);

/* Writes text with whitespace collapsed like a browser (Unicode spaces included) and
 * markdown-escaped. */
void md_put_text(md_t *m, const char *s, size_t len);

/* Writes attribute text (alt, title): whitespace collapsed, bytes in esc backslash-escaped
 * ('\\' only where it would escape what follows). */
void md_put_attr_text(md_t *m, const char *s, size_t len, const char *esc);

/* Writes a link destination, percent-encoding what would end or break it. */
void md_put_dest(md_t *m, const char *url);

/* Writes ' "title"' for n's title attribute, if it has one. */
void md_put_title(md_t *m, const dom_node_t *n);

/* Flushes pending breaks and prefixes (not inline openers), then appends markup verbatim. */
void md_put_raw(md_t *m, const char *s, size_t n);

/* Writes the prefix of a new line inside a verbatim block (blank: trailing spaces trimmed). */
void md_put_line_prefix(md_t *m, bool blank);

/* Integer value of attribute key, or dflt when absent or not a number. */
long md_attr_long(const dom_node_t *n, const char *key, long dflt);

/* True for elements rendered as blocks (block boundary before and after). */
bool md_is_block(dom_tag t);

/* True for elements dropped with their content (script, svg, select, ...). */
bool md_is_skipped(dom_tag t);

/* Renders <pre> (fenced block) and inline <code>/<kbd>/<samp>/<tt> (code span). */
void md_render_pre(md_t *m, const dom_node_t *n);
void md_render_code(md_t *m, const dom_node_t *n);

/* Renders a <table> (GFM grid, layout content, or flattened text when inside a cell). */
void md_render_table(md_t *m, const dom_node_t *n);

#endif
