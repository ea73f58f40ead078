/*
 * HTML -> GitHub-flavoured markdown: the tree walk and the element renderers
 * (links, images, lists, quotes, headings, blocks). Code is in md_code.c,
 * tables in md_table.c, and the writer they all write through (pending
 * whitespace, prefixes, inline markers, escaping) in md_writer.c. See
 * md_internal.h for the writer model and markdown.h for the rendering
 * decisions.
 */
#include "html/markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/md_internal.h"
#include "util/mem.h"
#include "util/url.h"

enum { K_INLINE, K_BLOCK, K_SKIP };

/* How each tag is treated when it has no dedicated renderer. */
static const unsigned char tag_kind[DOM_TAG_COUNT] = {
    [DOM_TAG_COMMENT] = K_SKIP,   [DOM_TAG_DOCTYPE] = K_SKIP,     [DOM_TAG_ADDRESS] = K_BLOCK,
    [DOM_TAG_ARTICLE] = K_BLOCK,  [DOM_TAG_ASIDE] = K_BLOCK,      [DOM_TAG_AUDIO] = K_SKIP,
    [DOM_TAG_BASE] = K_SKIP,      [DOM_TAG_BLOCKQUOTE] = K_BLOCK, [DOM_TAG_BODY] = K_BLOCK,
    [DOM_TAG_CANVAS] = K_SKIP,    [DOM_TAG_CAPTION] = K_BLOCK,    [DOM_TAG_CENTER] = K_BLOCK,
    [DOM_TAG_COL] = K_SKIP,       [DOM_TAG_COLGROUP] = K_SKIP,    [DOM_TAG_DD] = K_BLOCK,
    [DOM_TAG_DETAILS] = K_BLOCK,  [DOM_TAG_DIALOG] = K_BLOCK,     [DOM_TAG_DIV] = K_BLOCK,
    [DOM_TAG_DL] = K_BLOCK,       [DOM_TAG_DT] = K_BLOCK,         [DOM_TAG_EMBED] = K_SKIP,
    [DOM_TAG_FIELDSET] = K_BLOCK, [DOM_TAG_FIGCAPTION] = K_BLOCK, [DOM_TAG_FIGURE] = K_BLOCK,
    [DOM_TAG_FOOTER] = K_BLOCK,   [DOM_TAG_FORM] = K_BLOCK,       [DOM_TAG_FRAME] = K_SKIP,
    [DOM_TAG_FRAMESET] = K_SKIP,  [DOM_TAG_H1] = K_BLOCK,         [DOM_TAG_H2] = K_BLOCK,
    [DOM_TAG_H3] = K_BLOCK,       [DOM_TAG_H4] = K_BLOCK,         [DOM_TAG_H5] = K_BLOCK,
    [DOM_TAG_H6] = K_BLOCK,       [DOM_TAG_HEAD] = K_SKIP,        [DOM_TAG_HEADER] = K_BLOCK,
    [DOM_TAG_HGROUP] = K_BLOCK,   [DOM_TAG_HR] = K_BLOCK,         [DOM_TAG_HTML] = K_BLOCK,
    [DOM_TAG_IFRAME] = K_SKIP,    [DOM_TAG_INPUT] = K_SKIP,       [DOM_TAG_LEGEND] = K_BLOCK,
    [DOM_TAG_LI] = K_BLOCK,       [DOM_TAG_LINK] = K_SKIP,        [DOM_TAG_LISTING] = K_BLOCK,
    [DOM_TAG_MAIN] = K_BLOCK,     [DOM_TAG_MAP] = K_SKIP,         [DOM_TAG_MENU] = K_BLOCK,
    [DOM_TAG_META] = K_SKIP,      [DOM_TAG_NAV] = K_BLOCK,        [DOM_TAG_NOSCRIPT] = K_SKIP,
    [DOM_TAG_OBJECT] = K_SKIP,    [DOM_TAG_OL] = K_BLOCK,         [DOM_TAG_OPTION] = K_SKIP,
    [DOM_TAG_P] = K_BLOCK,        [DOM_TAG_PARAM] = K_SKIP,       [DOM_TAG_PRE] = K_BLOCK,
    [DOM_TAG_SCRIPT] = K_SKIP,    [DOM_TAG_SECTION] = K_BLOCK,    [DOM_TAG_SELECT] = K_SKIP,
    [DOM_TAG_SOURCE] = K_SKIP,    [DOM_TAG_STYLE] = K_SKIP,       [DOM_TAG_SUMMARY] = K_BLOCK,
    [DOM_TAG_SVG] = K_SKIP,       [DOM_TAG_TABLE] = K_BLOCK,      [DOM_TAG_TBODY] = K_BLOCK,
    [DOM_TAG_TEMPLATE] = K_SKIP,  [DOM_TAG_TEXTAREA] = K_SKIP,    [DOM_TAG_TFOOT] = K_BLOCK,
    [DOM_TAG_THEAD] = K_BLOCK,    [DOM_TAG_TITLE] = K_SKIP,       [DOM_TAG_TR] = K_BLOCK,
    [DOM_TAG_UL] = K_BLOCK,       [DOM_TAG_VIDEO] = K_SKIP,       [DOM_TAG_XMP] = K_BLOCK,
};

static void render_node(md_t *m, const dom_node_t *n);

bool md_is_block(dom_tag t)
{
    return tag_kind[t] == K_BLOCK;
}

bool md_is_skipped(dom_tag t)
{
    return tag_kind[t] == K_SKIP;
}

long md_attr_long(const dom_node_t *n, const char *key, long dflt)
{
    size_t len;
    const char *v = dom_attr(n, key, &len);
    char tmp[24];
    if (!v)
        return dflt;
    v = md_trim(v, &len);
    if (!len || len >= sizeof tmp)
        return dflt;
    memcpy(tmp, v, len);
    tmp[len] = '\0';
    char *end;
    long x = strtol(tmp, &end, 10);
    return end == tmp ? dflt : x;
}

/* ---- links and images -------------------------------------------------------------------- */

static bool has_scheme(const char *s, size_t len, const char *scheme)
{
    size_t n = strlen(scheme);
    return len >= n && strncasecmp(s, scheme, n) == 0;
}

/* The absolute URL for ref (resolved against base_url when there is one), or NULL for an
 * empty or javascript: reference. Caller frees. */
static char *make_url(md_t *m, const char *ref, size_t len)
{
    char *u;
    ref = md_trim(ref, &len);
    if (!len || has_scheme(ref, len, "javascript:"))
        return NULL;
    if (!m->opt->base_url)
        return xstrndup(ref, len);
    if (!m->resolver)
        m->resolver = m->own_resolver = url_resolver_new(m->opt->base_url);
    u = url_resolver_resolve(m->resolver, ref, len);
    return u ? u : xstrndup(ref, len);
}

/* Renders content as the text of a link to url (owned: freed here). */
static void link_body(md_t *m, const dom_node_t *content, const dom_node_t *a, char *url)
{
    if (m->nmark >= MD_MAX_MARKS) {
        free(url);
        md_render_children(m, content);
        return;
    }
    md_flat saved = m->flat;
    md_push_mark(m, MD_MK_LINK, url, a);
    m->flat = MD_FLAT_SPACE;
    m->link_depth++;
    md_render_children(m, content);
    m->link_depth--;
    m->flat = saved;
    md_pop_mark(m);
}

/* "Skip to content"-style links: the start of their text, lower-cased, collapsed. */
static bool is_skip_link(const dom_node_t *a)
{
    static const char *const starts[] = {"skip to", "skip nav", "jump to content", "jump to main"};
    char t[24];
    size_t n = 0;
    bool space = false;
    for (const dom_node_t *c = a; c && n < sizeof t - 1; c = dom_walk_next(a, c, false)) {
        size_t len;
        const char *s = dom_tag_of(c) == DOM_TAG_TEXT ? dom_text(c, &len) : NULL;
        for (size_t i = 0; s && i < len && n < sizeof t - 1; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (md_is_ws(ch) || ch == 0xC2 || ch == 0xA0) {
                space = n > 0;
                continue;
            }
            if (space && n < sizeof t - 2)
                t[n++] = ' ';
            t[n++] = (char)(ch | (md_is_alpha(ch) ? 0x20 : 0));
            space = false;
        }
    }
    t[n] = '\0';
    for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
        if (strncmp(t, starts[i], strlen(starts[i])) == 0)
            return true;
    return false;
}

/* The heading that is a link's only content (whitespace aside), or NULL. */
static const dom_node_t *sole_heading(const dom_node_t *a)
{
    const dom_node_t *h = NULL;
    for (const dom_node_t *c = dom_first_child(a); c; c = dom_next(c)) {
        dom_tag t = dom_tag_of(c);
        size_t len;
        if (t == DOM_TAG_COMMENT)
            continue;
        if (t == DOM_TAG_TEXT) {
            const char *s = dom_text(c, &len);
            if (md_trim(s, &len), len)
                return NULL;
            continue;
        }
        if (h || t < DOM_TAG_H1 || t > DOM_TAG_H6)
            return NULL;
        h = c;
    }
    return h;
}

static void render_heading(md_t *m, const dom_node_t *h, const dom_node_t *a, char *url)
{
    int level = (int)(dom_tag_of(h) - DOM_TAG_H1) + 1;
    if (m->flat != MD_FLAT_NONE) {
        md_want_break(m, 1);
        if (url)
            link_body(m, h, a, url);
        else
            md_render_children(m, h);
        md_want_break(m, 1);
        return;
    }
    md_want_break(m, 2);
    memset(m->block_marker, '#', (size_t)level);
    m->block_marker[level] = ' ';
    m->bm_len = (unsigned char)(level + 1);
    m->flat = MD_FLAT_SPACE;
    if (url)
        link_body(m, h, a, url);
    else
        md_render_children(m, h);
    m->flat = MD_FLAT_NONE;
    md_end_heading(m);
    md_want_break(m, 2);
}

static void render_link(md_t *m, const dom_node_t *a)
{
    size_t len;
    const char *href = dom_attr(a, "href", &len);
    if (href)
        href = md_trim(href, &len);
    if (!href || !len || m->link_depth) {
        md_render_children(m, a);
        return;
    }
    if (memchr(href, '#', len) && is_skip_link(a))
        return;
    char *url = href[0] == '#' ? NULL : make_url(m, href, len);
    if (!url) {
        md_render_children(m, a);
        return;
    }
    const dom_node_t *h = m->flat == MD_FLAT_NONE ? sole_heading(a) : NULL;
    if (h)
        render_heading(m, h, a, url);
    else
        link_body(m, a, a, url);
}

/* A decimal number at s ("1.5", "800"); 1 when there is none. */
static double parse_number(const char *s, const char *end)
{
    double x = 0, scale = 0;
    const char *start = s;
    for (; s < end && (md_is_digit((unsigned char)*s) || (*s == '.' && !scale)); s++) {
        if (*s == '.')
            scale = 1;
        else if (scale)
            x += (*s - '0') / (scale *= 10);
        else
            x = x * 10 + (*s - '0');
    }
    return s == start ? 1 : x;
}

/* The URL of the largest srcset candidate (by its w or x descriptor). */
static const char *srcset_best(const char *s, size_t len, size_t *out_len)
{
    const char *end = s + len, *best = NULL;
    double best_size = -1;
    while (s < end) {
        while (s < end && (md_is_ws((unsigned char)*s) || *s == ','))
            s++;
        const char *u = s;
        while (s < end && !md_is_ws((unsigned char)*s))
            s++;
        const char *ue = s;
        bool ended = ue > u && ue[-1] == ',';
        while (ue > u && ue[-1] == ',')
            ue--;
        double size = 1;
        if (!ended) {
            while (s < end && md_is_ws((unsigned char)*s))
                s++;
            size = parse_number(s, end);
            while (s < end && *s != ',')
                s++;
        }
        if (ue > u && size > best_size) {
            best_size = size;
            best = u;
            *out_len = (size_t)(ue - u);
        }
    }
    return best;
}

const char *md_img_source(const dom_node_t *img, size_t *len)
{
    size_t sl = 0, dl = 0;
    const char *s = dom_attr(img, "srcset", len);
    if (s && (s = srcset_best(s, *len, len)))
        return s;
    const char *src = dom_attr(img, "src", &sl);
    const char *lazy = dom_attr(img, "data-src", &dl);
    if (src)
        src = md_trim(src, &sl);
    if (lazy)
        lazy = md_trim(lazy, &dl);
    if (src && sl && !(lazy && dl && has_scheme(src, sl, "data:"))) {
        *len = sl;
        return src;
    }
    *len = dl;
    return lazy && dl ? lazy : NULL;
}

static void render_img(md_t *m, const dom_node_t *img)
{
    size_t len, alt_len = 0;
    const char *src = md_img_source(img, &len);
    if (!src)
        return;
    src = md_trim(src, &len);
    bool removed = has_scheme(src, len, "data:") && !m->opt->keep_base64_images;
    char *url = removed ? NULL : make_url(m, src, len);
    if (!removed && !url)
        return;
    const char *alt = dom_attr(img, "alt", &alt_len);
    md_flush(m, true);
    md_emit(m, "![", 2);
    if (alt)
        md_put_attr_text(m, alt, alt_len, "\\[]`");
    md_emit(m, "](", 2);
    if (url)
        md_put_dest(m, url);
    else
        md_emit(m, "<Base64-Image-Removed>", 22);
    md_put_title(m, img);
    md_emit(m, ")", 1);
    m->at_line_start = false;
    free(url);
}

/* ---- inline markers, blocks, lists, quotes ----------------------------------------------- */

static void render_mark(md_t *m, const dom_node_t *n, int kind)
{
    bool nests = kind == MD_MK_QUOTE;
    if ((m->mark_depth[kind] && !nests) || m->nmark >= MD_MAX_MARKS) {
        md_render_children(m, n);
        return;
    }
    m->mark_depth[kind]++;
    md_push_mark(m, kind, NULL, n);
    md_render_children(m, n);
    md_pop_mark(m);
    m->mark_depth[kind]--;
}

static void render_block(md_t *m, const dom_node_t *n)
{
    md_want_break(m, 2);
    md_render_children(m, n);
    md_want_break(m, 2);
}

static void render_hr(md_t *m)
{
    if (m->flat != MD_FLAT_NONE) {
        md_want_break(m, 1);
        return;
    }
    md_want_break(m, 2);
    md_put_raw(m, "---", 3);
    md_want_break(m, 2);
}

static void push_seg(md_t *m, const char *text, size_t len, const char *marker, bool item)
{
    md_seg_t *s = &m->segs[m->nseg++];
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    s->len = (unsigned char)len;
    s->marker_len = (unsigned char)(marker ? len : 0);
    if (marker)
        memcpy(s->marker, marker, len);
    s->item = item;
}

/* Renders n's children inside the segment just pushed, then pops it. Returns whether any
 * content was written. */
static bool render_in_seg(md_t *m, const dom_node_t *n)
{
    bool saved = m->fresh;
    m->fresh = true;
    md_render_children(m, n);
    m->nseg--;
    if (m->pending_depth > m->nseg)
        m->pending_depth = m->nseg;
    if (!m->fresh)
        return true;
    m->fresh = saved;
    return false;
}

static void render_quote(md_t *m, const dom_node_t *n)
{
    if (m->flat != MD_FLAT_NONE || m->nseg >= MD_MAX_SEGS) {
        render_block(m, n);
        return;
    }
    md_want_break(m, 2);
    push_seg(m, "> ", 2, NULL, false);
    render_in_seg(m, n);
    md_want_break(m, 2);
}

static void render_list(md_t *m, const dom_node_t *n, bool ordered)
{
    bool saved_ordered = m->list_ordered;
    long saved_num = m->list_num;
    int saved_step = m->list_step;
    bool nested = m->nseg > 0 && m->segs[m->nseg - 1].item;
    md_want_break(m, nested ? 1 : 2);
    m->list_ordered = ordered;
    m->list_step = 1;
    m->list_num = 1;
    if (ordered && dom_attr(n, "reversed", NULL)) {
        m->list_step = -1;
        m->list_num = 0;
        for (const dom_node_t *c = dom_first_child(n); c; c = dom_next(c))
            m->list_num += dom_tag_of(c) == DOM_TAG_LI;
    }
    if (ordered)
        m->list_num = md_attr_long(n, "start", m->list_num);
    md_render_children(m, n);
    m->list_ordered = saved_ordered;
    m->list_num = saved_num;
    m->list_step = saved_step;
    md_want_break(m, 2);
}

/* The marker of the next item ("- " or "12. "); returns its length. */
static size_t item_marker(md_t *m, const dom_node_t *li, char *buf)
{
    if (!m->list_ordered) {
        memcpy(buf, "- ", 3);
        return 2;
    }
    long v = md_attr_long(li, "value", m->list_num);
    m->list_num = v + m->list_step;
    v = v < 0 ? 0 : v > 999999999 ? 999999999 : v;
    return (size_t)snprintf(buf, 16, "%ld. ", v);
}

static void render_item(md_t *m, const dom_node_t *li)
{
    char marker[16];
    size_t ml = item_marker(m, li, marker);
    if (m->flat == MD_FLAT_SPACE || m->nseg >= MD_MAX_SEGS) {
        render_block(m, li);
        return;
    }
    md_want_break(m, 1);
    if (m->flat == MD_FLAT_BR) {
        memcpy(m->block_marker, marker, ml);
        m->bm_len = (unsigned char)ml;
        md_render_children(m, li);
        m->bm_len = 0;
        md_want_break(m, 1);
        return;
    }
    push_seg(m, "                ", ml, marker, true);
    if (render_in_seg(m, li) && m->pending_nl > 1)
        m->pending_nl = 1; /* keep the list tight */
}

/* A table cell met outside a table renderer (flattened table): space-separated. */
static void render_loose_cell(md_t *m, const dom_node_t *n)
{
    md_want_space(m);
    md_render_children(m, n);
    md_want_space(m);
}

/* True when n's style attribute hides it ("display:none", any spacing). */
static bool style_hidden(const dom_node_t *n)
{
    size_t len, j = 0;
    const char *s = n ? dom_attr(n, "style", &len) : NULL;
    char t[13];
    for (size_t i = 0; s && i < len; i++) {
        if (md_is_ws((unsigned char)s[i]))
            continue;
        t[j++] = (char)(s[i] | (md_is_alpha((unsigned char)s[i]) ? 0x20 : 0));
        if (j == sizeof t - 1) {
            t[j] = '\0';
            if (strcmp(t, "display:none") == 0)
                return true;
            memmove(t, t + 1, --j);
        }
    }
    return false;
}

/* <math>: its alttext, unless it is a hidden accessibility copy of a visible image (as on
 * Wikipedia, whose fallback <img> carries the same TeX in its alt). */
static void render_math(md_t *m, const dom_node_t *n)
{
    size_t len;
    const char *alt = dom_attr(n, "alttext", &len);
    if (alt && !style_hidden(n) && !style_hidden(dom_parent(n)))
        md_put_text(m, alt, len);
}

/* ---- dispatch ---------------------------------------------------------------------------- */

static void render_element(md_t *m, const dom_node_t *n, dom_tag t)
{
    if (t >= DOM_TAG_H1 && t <= DOM_TAG_H6) {
        render_heading(m, n, NULL, NULL);
        return;
    }
    switch (t) {
    case DOM_TAG_A:
        render_link(m, n);
        return;
    case DOM_TAG_IMG:
        render_img(m, n);
        return;
    case DOM_TAG_BR:
        md_want_hard_break(m);
        return;
    case DOM_TAG_HR:
        render_hr(m);
        return;
    case DOM_TAG_B:
    case DOM_TAG_STRONG:
        render_mark(m, n, MD_MK_STRONG);
        return;
    case DOM_TAG_I:
    case DOM_TAG_EM:
        render_mark(m, n, MD_MK_EM);
        return;
    case DOM_TAG_DEL:
    case DOM_TAG_S:
    case DOM_TAG_STRIKE:
        render_mark(m, n, MD_MK_DEL);
        return;
    case DOM_TAG_Q:
        render_mark(m, n, MD_MK_QUOTE);
        return;
    case DOM_TAG_CODE:
    case DOM_TAG_KBD:
    case DOM_TAG_SAMP:
    case DOM_TAG_TT:
        md_render_code(m, n);
        return;
    case DOM_TAG_PRE:
    case DOM_TAG_LISTING:
    case DOM_TAG_XMP:
        md_render_pre(m, n);
        return;
    case DOM_TAG_UL:
    case DOM_TAG_MENU:
    case DOM_TAG_OL:
        render_list(m, n, t == DOM_TAG_OL);
        return;
    case DOM_TAG_LI:
        render_item(m, n);
        return;
    case DOM_TAG_BLOCKQUOTE:
        render_quote(m, n);
        return;
    case DOM_TAG_TABLE:
        md_render_table(m, n);
        return;
    case DOM_TAG_DT:
        md_want_break(m, 2);
        render_mark(m, n, MD_MK_STRONG);
        md_want_break(m, 2);
        return;
    case DOM_TAG_TD:
    case DOM_TAG_TH:
        render_loose_cell(m, n);
        return;
    case DOM_TAG_MATH:
        render_math(m, n);
        return;
    default:
        break;
    }
    if (md_is_block(t))
        render_block(m, n);
    else
        md_render_children(m, n);
}

/* Past MD_MAX_DEPTH: the subtree as text, iteratively, with paragraph breaks at blocks. */
static void render_deep(md_t *m, const dom_node_t *root)
{
    bool skip = false;
    for (const dom_node_t *c = root; c && !m->rc; c = dom_walk_next(root, c, skip)) {
        dom_tag t = dom_tag_of(c);
        skip = false;
        if (t == DOM_TAG_TEXT) {
            const dom_node_t *prev = dom_prev(c);
            size_t len;
            const char *s = dom_text(c, &len);
            if (prev && md_is_block(dom_tag_of(prev)))
                md_want_break(m, 2);
            md_put_text(m, s, len);
        } else if (tag_kind[t] == K_SKIP || t == DOM_TAG_MATH) {
            skip = true;
        } else if (t == DOM_TAG_BR) {
            md_want_hard_break(m);
        } else if (t == DOM_TAG_IMG) {
            render_img(m, c);
        } else if (md_is_block(t)) {
            md_want_break(m, 2);
        }
    }
}

static void render_node(md_t *m, const dom_node_t *n)
{
    dom_tag t = dom_tag_of(n);
    if (t == DOM_TAG_TEXT) {
        size_t len;
        const char *s = dom_text(n, &len);
        md_put_text(m, s, len);
    } else if (tag_kind[t] == K_SKIP) {
        return;
    } else if (m->depth >= MD_MAX_DEPTH) {
        render_deep(m, n);
    } else {
        m->depth++;
        render_element(m, n, t);
        m->depth--;
    }
}

void md_render_children(md_t *m, const dom_node_t *n)
{
    for (const dom_node_t *c = dom_first_child(n); c && !m->rc; c = dom_next(c))
        render_node(m, c);
}

cinder_err md_convert(const dom_node_t *root, const md_options_t *opt, buf_t *out)
{
    static const md_options_t defaults = {NULL, false, NULL};
    if (!root || !out)
        return CINDER_E_INVALID;
    md_t m;
    memset(&m, 0, sizeof m);
    m.out = out;
    m.start_len = out->len;
    m.opt = opt ? opt : &defaults;
    m.resolver = m.opt->resolver;
    m.fresh = m.need_prefix = m.at_line_start = true;
    m.closed_at = m.digits_end = (size_t)-1;
    buf_init(&m.scratch, 0);
    render_node(&m, root);
    if (out->len > m.start_len)
        md_emit(&m, "\n", 1);
    if (m.rc) {
        out->len = m.start_len;
        if (out->data)
            out->data[out->len] = '\0';
    }
    buf_cleanup(&m.scratch);
    free(m.spans);
    url_resolver_free(m.own_resolver);
    return m.rc;
}
