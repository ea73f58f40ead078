/*
 * Anchors with their words: one walk over the page finds the links; for each, a bounded walk of
 * its enclosing block collects the text around it (a tail before the link and a head after it,
 * whitespace collapsed) and a bounded walk back through earlier siblings finds the nearest
 * heading. The budgets keep a page with thousands of links in one huge block linear enough.
 */
#include "html/anchors.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/dom.h"
#include "html/metadata.h"
#include "util/mem.h"
#include "util/url.h"

#define DEFAULT_MAX   5000
#define WALK_BUDGET   2000 /* nodes visited to collect one link's surrounding text */
#define SIDE_MAX      130  /* bytes of block text kept on each side of the link */
#define HEADING_MAX   120
#define HEADING_STEPS 256 /* siblings and ancestors looked at to find the heading */

/* Collapsed text into a fixed array: whitespace runs become one space, none leading. In tail
 * mode a full array drops its older half, so it ends up holding the last bytes added. */
typedef struct {
    char *s;
    size_t n, cap;
    bool space; /* a space is due before the next character */
    bool tail;
    bool full; /* head mode: characters were refused */
    bool lead; /* whitespace came before the first character */
} tbuf_t;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of the longest prefix of s[0..n) that does not end inside a UTF-8 sequence. */
static size_t utf8_whole(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return 0;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return n - (i - 1) >= want ? n : i - 1;
}

static void tb_drop_front(tbuf_t *t)
{
    size_t from = t->n - t->cap / 2;
    while (from < t->n && ((unsigned char)t->s[from] & 0xC0) == 0x80)
        from++;
    memmove(t->s, t->s + from, t->n - from);
    t->n -= from;
}

static void tb_add(tbuf_t *t, const char *p, size_t len)
{
    for (size_t i = 0; i < len && !t->full; i++) {
        if (is_ws(p[i])) {
            t->space = t->n > 0;
            t->lead |= t->n == 0;
            continue;
        }
        size_t need = t->space ? 2 : 1;
        if (t->n + need > t->cap) {
            if (!t->tail) {
                t->full = true;
                break;
            }
            tb_drop_front(t);
        }
        if (t->space)
            t->s[t->n++] = ' ';
        t->space = false;
        t->s[t->n++] = p[i];
    }
}

/* The text as a heap string, cut at a character boundary. */
static char *tb_dup(const tbuf_t *t)
{
    return xstrndup(t->s, utf8_whole(t->s, t->n));
}

static bool skipped_subtree(dom_tag t)
{
    return t == DOM_TAG_SCRIPT || t == DOM_TAG_STYLE || t == DOM_TAG_NOSCRIPT ||
           t == DOM_TAG_TEMPLATE || t == DOM_TAG_SVG || t == DOM_TAG_MATH;
}

static bool is_block(dom_tag t)
{
    switch (t) {
    case DOM_TAG_P:
    case DOM_TAG_LI:
    case DOM_TAG_TD:
    case DOM_TAG_TH:
    case DOM_TAG_DD:
    case DOM_TAG_DT:
    case DOM_TAG_DIV:
    case DOM_TAG_SECTION:
    case DOM_TAG_ARTICLE:
    case DOM_TAG_ASIDE:
    case DOM_TAG_MAIN:
    case DOM_TAG_HEADER:
    case DOM_TAG_FOOTER:
    case DOM_TAG_NAV:
    case DOM_TAG_FIGURE:
    case DOM_TAG_FIGCAPTION:
    case DOM_TAG_CAPTION:
    case DOM_TAG_BLOCKQUOTE:
    case DOM_TAG_TR:
    case DOM_TAG_TABLE:
    case DOM_TAG_UL:
    case DOM_TAG_OL:
    case DOM_TAG_DL:
    case DOM_TAG_FORM:
    case DOM_TAG_FIELDSET:
    case DOM_TAG_DETAILS:
    case DOM_TAG_ADDRESS:
    case DOM_TAG_PRE:
    case DOM_TAG_BR:
    case DOM_TAG_BODY:
        return true;
    default:
        return false;
    }
}

static bool is_heading(dom_tag t)
{
    return t >= DOM_TAG_H1 && t <= DOM_TAG_H6;
}

/* Appends the text under n to t (blocks separated by a space), visiting at most WALK_BUDGET
 * nodes. */
static void subtree_text(const dom_node_t *n, tbuf_t *t)
{
    int budget = WALK_BUDGET;
    for (const dom_node_t *c = n; c && budget-- > 0 && !t->full;) {
        dom_tag tag = dom_tag_of(c);
        size_t len = 0;
        if (tag == DOM_TAG_TEXT) {
            const char *s = dom_text(c, &len);
            tb_add(t, s, len);
        } else if (is_block(tag)) {
            t->space = t->n > 0;
        }
        c = dom_walk_next(n, c, skipped_subtree(tag));
    }
}

/* The link text; else the alt of an image inside, the title or the aria-label. */
static char *link_text(const dom_node_t *a)
{
    char s[ANCHOR_TEXT_MAX];
    tbuf_t t = {s, 0, sizeof s, false, false, false, false};
    subtree_text(a, &t);
    for (const dom_node_t *c = a; c && t.n == 0; c = dom_walk_next(a, c, false)) {
        size_t len = 0;
        const char *alt = dom_tag_of(c) == DOM_TAG_IMG ? dom_attr(c, "alt", &len) : NULL;
        if (alt)
            tb_add(&t, alt, len);
    }
    static const char *const attrs[] = {"title", "aria-label"};
    for (size_t i = 0; i < 2 && t.n == 0; i++) {
        size_t len = 0;
        const char *v = dom_attr(a, attrs[i], &len);
        if (v)
            tb_add(&t, v, len);
    }
    return tb_dup(&t);
}

/* The nearest heading before a: earlier siblings of a and of its ancestors. */
static void heading_before(const dom_node_t *a, tbuf_t *t)
{
    const dom_node_t *n = a;
    for (int steps = 0; n && steps < HEADING_STEPS; steps++) {
        const dom_node_t *prev = dom_prev(n);
        if (!prev) {
            n = dom_parent(n);
            if (n && (dom_tag_of(n) == DOM_TAG_BODY || dom_tag_of(n) == DOM_TAG_DOCUMENT))
                return;
            continue;
        }
        n = prev;
        if (is_heading(dom_tag_of(n))) {
            subtree_text(n, t);
            return;
        }
    }
}

static const dom_node_t *enclosing_block(const dom_node_t *a)
{
    const dom_node_t *n = dom_parent(a);
    while (n && !is_block(dom_tag_of(n)) && dom_tag_of(n) != DOM_TAG_DOCUMENT)
        n = dom_parent(n);
    return n;
}

/* The block's text around a: the last SIDE_MAX bytes before it, its text, the first SIDE_MAX
 * bytes after it. */
static void block_window(const dom_node_t *block, const dom_node_t *a, tbuf_t *out)
{
    char bs[2 * SIDE_MAX], as[SIDE_MAX];
    tbuf_t before = {bs, 0, sizeof bs, false, true, false, false};
    tbuf_t after = {as, 0, sizeof as, false, false, false, false};
    tbuf_t *cur = &before;
    int budget = WALK_BUDGET;
    for (const dom_node_t *c = block; c && budget-- > 0 && !after.full;) {
        dom_tag tag = dom_tag_of(c);
        size_t len = 0;
        if (c == a) {
            cur = &after;
            c = dom_walk_next(block, c, true);
            continue;
        }
        if (tag == DOM_TAG_TEXT) {
            const char *s = dom_text(c, &len);
            tb_add(cur, s, len);
        } else if (is_block(tag)) {
            cur->space = cur->n > 0;
        }
        c = dom_walk_next(block, c, skipped_subtree(tag));
    }
    if (cur != &after)
        before.n = 0; /* the budget ran out before the link: that text is not around it */
    size_t from = before.n > SIDE_MAX ? before.n - SIDE_MAX : 0;
    while (from < before.n && ((unsigned char)bs[from] & 0xC0) == 0x80)
        from++;
    tb_add(out, bs + from, before.n - from);
    out->space = out->n > 0 && (before.space || before.n == 0);
    subtree_text(a, out);
    out->space = out->n > 0 && after.lead;
    tb_add(out, as, utf8_whole(as, after.n));
}

static char *context_of(const dom_node_t *a)
{
    char head[HEADING_MAX], s[ANCHOR_CONTEXT_MAX];
    tbuf_t h = {head, 0, sizeof head, false, false, false, false};
    tbuf_t t = {s, 0, sizeof s, false, false, false, false};
    heading_before(a, &h);
    tb_add(&t, head, utf8_whole(head, h.n));
    if (t.n)
        tb_add(&t, " —", strlen(" —"));
    t.space = t.n > 0;
    const dom_node_t *block = enclosing_block(a);
    if (block)
        block_window(block, a, &t);
    return tb_dup(&t);
}

/* The absolute http(s) URL of an href without its fragment, or NULL. */
static char *resolve_href(url_resolver_t *res, const char *href, size_t len)
{
    if (url_is_fragment_only(href, len))
        return NULL;
    char *abs = url_resolver_resolve(res, href, len);
    if (abs && strncasecmp(abs, "http://", 7) != 0 && strncasecmp(abs, "https://", 8) != 0) {
        free(abs);
        return NULL;
    }
    char *hash = abs ? strchr(abs, '#') : NULL;
    if (hash)
        *hash = '\0';
    return abs;
}

static char *page_title(dom_doc_t *doc)
{
    char s[ANCHOR_TITLE_MAX];
    tbuf_t t = {s, 0, sizeof s, false, false, false, false};
    dom_node_t *root = dom_root(doc);
    for (dom_node_t *n = root; n; n = dom_walk_next(root, n, false))
        if (dom_tag_of(n) == DOM_TAG_TITLE) {
            subtree_text(n, &t);
            break;
        }
    return tb_dup(&t);
}

cinder_err anchors_extract(const char *html, size_t len, const char *page_url, size_t max,
                           anchor_list_t *out)
{
    memset(out, 0, sizeof *out);
    dom_doc_t *doc = dom_parse(html, len);
    if (!doc)
        return CINDER_E_PARSE;
    max = max ? max : DEFAULT_MAX;
    char *base = metadata_base_url(doc, page_url);
    url_resolver_t *res = url_resolver_new(base);
    out->title = page_title(doc);
    size_t cap = 0;
    dom_node_t *root = dom_root(doc);
    for (dom_node_t *n = root; n && out->n < max; n = dom_walk_next(root, n, false)) {
        size_t hlen = 0;
        const char *href = dom_tag_of(n) == DOM_TAG_A ? dom_attr(n, "href", &hlen) : NULL;
        char *url = href ? resolve_href(res, href, hlen) : NULL;
        if (!url)
            continue;
        if (out->n == cap)
            out->v = xrealloc(out->v, (cap = cap ? cap * 2 : 32) * sizeof *out->v);
        out->v[out->n++] = (anchor_t){url, link_text(n), context_of(n)};
    }
    url_resolver_free(res);
    free(base);
    dom_doc_free(doc);
    return CINDER_OK;
}

void anchor_list_cleanup(anchor_list_t *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].url);
        free(l->v[i].text);
        free(l->v[i].context);
    }
    free(l->v);
    free(l->title);
    memset(l, 0, sizeof *l);
}
