/*
 * Pruning inside the chosen article: one reverse pre-order pass over the
 * article, so each block is judged on what is left of it after its own
 * descendants were judged (counts are summed from the kept children).
 */
#include <stdlib.h>
#include <string.h>

#include "html/readable_int.h"
#include "util/mem.h"

/* What is left of a subtree after pruning. */
typedef struct {
    uint32_t text, link, commas;
    uint32_t heading;   /* text inside headings */
    uint32_t list_text; /* text inside lists */
    uint32_t p, img, li, input, embed;
    bool data_table; /* is, or holds, a data table */
} pstat_t;

/* The shape of the table a node belongs to, summed bottom-up and stopped at each table. */
typedef struct {
    uint32_t rows, cols; /* rows and widest row */
    bool markup;         /* caption, th, thead, tfoot or colgroup */
    bool nested;         /* holds another table */
} tshape_t;

static bool is_heading(unsigned tag)
{
    return tag >= DOM_TAG_H1 && tag <= DOM_TAG_H6;
}

static bool is_list(unsigned tag)
{
    return tag == DOM_TAG_UL || tag == DOM_TAG_OL;
}

/* Adds a kept child's counts to its parent's. */
static void add_child(pstat_t *p, const pstat_t *c, unsigned tag)
{
    p->text += c->text;
    p->link += c->link;
    p->commas += c->commas;
    p->heading += is_heading(tag) ? c->text : c->heading;
    p->list_text += is_list(tag) ? c->text : c->list_text;
    p->p += c->p;
    p->img += c->img;
    p->li += c->li;
    p->input += c->input;
    p->embed += c->embed;
    p->data_table = p->data_table || c->data_table;
}

static uint32_t row_cells(const rtab_t *rt, int32_t tr)
{
    uint32_t cells = 0;
    for (int32_t c = tr + 1; c < rt->t[tr].end; c = rt->t[c].end) {
        if (rt->t[c].tag != DOM_TAG_TD && rt->t[c].tag != DOM_TAG_TH)
            continue;
        const char *span = dom_attr(rt->t[c].node, "colspan", NULL);
        long v = span ? strtol(span, NULL, 10) : 1;
        cells += (uint32_t)(v > 0 && v < 1000 ? v : 1);
    }
    return cells;
}

static bool attr_equals(const dom_node_t *n, const char *key, const char *value)
{
    size_t len;
    const char *v = dom_attr(n, key, &len);
    return v && len == strlen(value) && strncasecmp(v, value, len) == 0;
}

/* Tells a table of data from a table used for layout. */
static bool is_data_table(const rnode_t *r, const tshape_t *s)
{
    if (attr_equals(r->node, "role", "presentation") || attr_equals(r->node, "datatable", "0"))
        return false;
    if (dom_attr(r->node, "summary", NULL) || s->markup)
        return true;
    if (s->nested)
        return false;
    if (s->rows >= 10 || s->cols > 4)
        return true;
    return s->rows * s->cols > 10;
}

static void shape_self(const rtab_t *rt, int32_t i, tshape_t *s)
{
    switch (rt->t[i].tag) {
    case DOM_TAG_TR:
        s->rows = 1;
        s->cols = row_cells(rt, i);
        break;
    case DOM_TAG_CAPTION:
    case DOM_TAG_TH:
    case DOM_TAG_THEAD:
    case DOM_TAG_TFOOT:
    case DOM_TAG_COLGROUP:
    case DOM_TAG_COL:
        s->markup = true;
        break;
    default:
        break;
    }
}

static void shape_add(tshape_t *p, const tshape_t *c, unsigned tag)
{
    if (tag == DOM_TAG_TABLE) {
        p->nested = true;
        return;
    }
    p->rows += c->rows;
    if (c->cols > p->cols)
        p->cols = c->cols;
    p->markup = p->markup || c->markup;
    p->nested = p->nested || c->nested;
}

/* Flags the data tables of the article and everything inside them with RF_DATA. */
static void mark_data_tables(rtab_t *rt, int32_t content)
{
    int32_t end = rt->t[content].end;
    tshape_t *ts = xcalloc((size_t)(end - content), sizeof *ts);
    bool any = false;
    for (int32_t i = end - 1; i >= content; i--) {
        rnode_t *r = &rt->t[i];
        if (!(r->flags & RF_TABLE) || !(r->flags & RF_ELEM))
            continue;
        shape_self(rt, i, &ts[i - content]);
        if (r->tag == DOM_TAG_TABLE && is_data_table(r, &ts[i - content])) {
            r->flags |= RF_DATA;
            any = true;
        }
        if (i > content)
            shape_add(&ts[r->parent - content], &ts[i - content], r->tag);
    }
    free(ts);
    for (int32_t i = content + 1; any && i < end; i++)
        if (rt->t[rt->t[i].parent].flags & RF_DATA)
            rt->t[i].flags |= RF_DATA;
}

/* Counts the node itself into its stats (children were added already). */
static void count_self(const rtab_t *rt, int32_t i, pstat_t *s)
{
    const rnode_t *r = &rt->t[i];
    s->p += r->runs; /* runs of inline content are paragraphs */
    switch (r->tag) {
    case DOM_TAG_DIV:
        s->p += (r->flags & RF_PARA) != 0;
        break;
    case DOM_TAG_P:
        s->p++;
        break;
    case DOM_TAG_IMG:
        s->img++;
        break;
    case DOM_TAG_LI:
        s->li++;
        break;
    case DOM_TAG_INPUT:
        s->input++;
        break;
    case DOM_TAG_EMBED:
    case DOM_TAG_OBJECT:
    case DOM_TAG_IFRAME:
        s->embed++;
        break;
    case DOM_TAG_TABLE:
        s->data_table = s->data_table || (r->flags & RF_DATA);
        break;
    default:
        break;
    }
}

/* Elements never part of an article's text. */
static bool always_dropped(unsigned tag)
{
    switch (tag) {
    case DOM_TAG_OBJECT:
    case DOM_TAG_EMBED:
    case DOM_TAG_FOOTER:
    case DOM_TAG_LINK:
    case DOM_TAG_ASIDE:
    case DOM_TAG_IFRAME:
    case DOM_TAG_INPUT:
    case DOM_TAG_TEXTAREA:
    case DOM_TAG_SELECT:
    case DOM_TAG_BUTTON:
        return true;
    default:
        return false;
    }
}

/* Forms, tables, lists, navigation and container divs (a div of inline content is a paragraph, a
 * div around a single paragraph is transparent). */
static bool judged_conditionally(const rnode_t *r, unsigned tag)
{
    if (tag == DOM_TAG_DIV)
        return !(r->flags & (RF_PARA | RF_PASS));
    return tag == DOM_TAG_FORM || tag == DOM_TAG_FIELDSET || tag == DOM_TAG_TABLE ||
           tag == DOM_TAG_UL || tag == DOM_TAG_NAV;
}

/* True when s (len bytes, trailing space trimmed) ends with a sentence closer. */
static bool closes_sentence(const char *s, size_t len)
{
    static const char *const closers[] = {".",      "!",      "?",      "\"",     "'",
                                          ")",      "\u201D", "\u2019", "\u00BB", "\u2026",
                                          "\u3002", "\uFF01", "\uFF1F", NULL};
    for (const char *const *c = closers; *c; c++) {
        size_t cl = strlen(*c);
        if (len >= cl && memcmp(s + len - cl, *c, cl) == 0)
            return true;
    }
    return false;
}

/* True when the last visible character under i closes a sentence. */
static bool ends_sentence(const rtab_t *rt, int32_t i)
{
    for (int32_t d = rt->t[i].end - 1; d > i; d--) {
        if (!(rt->t[d].flags & RF_TEXT) || !rt->t[d].text)
            continue;
        size_t len;
        const char *s = dom_text(rt->t[d].node, &len);
        while (len && strchr(" \t\r\n\f", s[len - 1]))
            len--;
        return closes_sentence(s, len);
    }
    return false;
}

/* A list whose every item is a single element (and there are as many images as items): a
 * gallery, kept. */
static bool is_image_list(const rtab_t *rt, int32_t i, const pstat_t *s, unsigned tag)
{
    if (!is_list(tag) || s->li == 0 || s->img != s->li)
        return false;
    for (int32_t c = i + 1; c < rt->t[i].end; c = rt->t[c].end) {
        int elems = 0;
        for (int32_t g = c + 1; g < rt->t[c].end; g = rt->t[g].end)
            elems += (rt->t[g].flags & RF_ELEM) != 0;
        if (elems > 1)
            return false;
    }
    return true;
}

/* The weak-block test: link lists, image strips, form debris, near-empty wrappers. */
static bool weak_block(const rtab_t *rt, int32_t i, const pstat_t *s, unsigned tag)
{
    const rnode_t *r = &rt->t[i];
    if (s->data_table || (r->flags & (RF_CODE | RF_DATA)))
        return false;
    int weight = (rt->mode & RM_WEIGHT) ? r->weight : 0;
    if (weight < 0)
        return true;
    if (s->commas >= 10 || is_image_list(rt, i, s, tag))
        return false;
    bool list = tag != DOM_TAG_NAV &&
                (is_list(tag) || (s->text && (float)s->list_text / (float)s->text > 0.9f));
    bool figure = (r->flags & RF_FIGURE) != 0;
    float ld = s->text ? (float)s->link / 10.0f / (float)s->text : 0.0f;
    float headings = s->text ? (float)s->heading / (float)s->text : 0.0f;
    if (s->img > 1 && (float)s->p / (float)s->img < 0.5f && !figure)
        return true;
    if (!list && s->li > s->p + 100)
        return true;
    if (s->input > s->p / 3)
        return true;
    if (!list && headings < 0.9f && s->text < 25 && (s->img == 0 || s->img > 2) && !figure &&
        !(s->p && s->link == 0 && ends_sentence(rt, i)))
        return true;
    if (!list && weight < 25 && ld > 0.2f)
        return true;
    if (weight >= 25 && ld > 0.5f)
        return true;
    return (s->embed == 1 && s->text < 75) || s->embed > 1;
}

/* The tag the pruning rules see: a piece of the article other than a div, article, section or
 * paragraph (say an aside or a table next to the text) is kept for its score, as a plain block. */
static unsigned effective_tag(const rnode_t *r)
{
    if (!(r->flags & RF_PIECE))
        return r->tag;
    switch (r->tag) {
    case DOM_TAG_ARTICLE:
    case DOM_TAG_SECTION:
    case DOM_TAG_P:
        return r->tag;
    default:
        return DOM_TAG_DIV;
    }
}

static bool should_drop(const rtab_t *rt, int32_t i, const pstat_t *s)
{
    const rnode_t *r = &rt->t[i];
    unsigned tag = effective_tag(r);
    if (always_dropped(tag))
        return true;
    if ((tag == DOM_TAG_H1 || tag == DOM_TAG_H2) && (rt->mode & RM_WEIGHT) && r->weight < 0)
        return true;
    if ((r->flags & RF_SHARE) && !(r->flags & RF_PIECE) && s->text < 500)
        return true;
    if (!(rt->mode & RM_COND) || !judged_conditionally(r, tag))
        return false;
    return weak_block(rt, i, s, tag);
}

uint32_t readable_prune(rtab_t *rt, int32_t content)
{
    int32_t end = rt->t[content].end;
    pstat_t *ps = xcalloc((size_t)(end - content), sizeof *ps);
    uint32_t total = 0;
    mark_data_tables(rt, content);
    for (int32_t i = end - 1; i >= content; i--) {
        rnode_t *r = &rt->t[i];
        if (!(r->flags & RF_IN) || (r->flags & RF_SKIP) || !(r->flags & (RF_TEXT | RF_ELEM)))
            continue;
        pstat_t *s = &ps[i - content];
        if (r->flags & RF_TEXT) {
            s->text = r->text;
            s->link = r->link;
            s->commas = r->commas;
        } else {
            count_self(rt, i, s);
            if (!(r->flags & RF_TOP) && should_drop(rt, i, s)) {
                r->flags |= RF_DROP;
                continue;
            }
        }
        if (r->flags & RF_PIECE)
            total += s->text;
        else if (i > content)
            add_child(&ps[r->parent - content], s, r->tag);
    }
    free(ps);
    return total;
}
