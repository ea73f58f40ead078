/*
 * Tables in markdown. A data table becomes a GFM grid: outer pipes, the first
 * row (the first <thead> row when there is one) as header, a "| --- |"
 * separator, every row padded to the same number of cells, colspan and
 * rowspan filled with empty cells, each cell on one line (md_t.flat =
 * MD_FLAT_BR). A layout table (no <th>/<thead>, and a single column, a single
 * row, or a heading/table/blockquote/pre/hr/form inside) is rendered as its
 * cells' content, one block per cell. Inside a cell, link or heading, a table
 * is flattened: rows are line breaks, cells are separated by spaces.
 *
 * Two passes over the rows: the first counts columns (simulating rowspans),
 * the second writes. Rows come in a fixed order: header first, then the rest
 * in document order.
 */
#include <stdlib.h>
#include <string.h>

#include "html/md_internal.h"
#include "util/mem.h"

typedef struct {
    const dom_node_t *header; /* first row written; NULL when the table has no cells */
    int ncols;
    int nrows;
    bool has_th;
} tinfo_t;

static bool is_section(dom_tag t)
{
    return t == DOM_TAG_THEAD || t == DOM_TAG_TBODY || t == DOM_TAG_TFOOT;
}

static bool has_cells(const dom_node_t *tr)
{
    for (const dom_node_t *c = dom_first_child(tr); c; c = dom_next(c))
        if (dom_tag_of(c) == DOM_TAG_TD || dom_tag_of(c) == DOM_TAG_TH)
            return true;
    return false;
}

static const dom_node_t *tr_from(const dom_node_t *c)
{
    for (; c; c = dom_next(c))
        if (dom_tag_of(c) == DOM_TAG_TR)
            return c;
    return NULL;
}

/* The first row at or after c, a child of the table (rows of sections included). */
static const dom_node_t *row_from(const dom_node_t *c)
{
    for (; c; c = dom_next(c)) {
        dom_tag t = dom_tag_of(c);
        const dom_node_t *r = t == DOM_TAG_TR ? c
                              : is_section(t) ? tr_from(dom_first_child(c))
                                              : NULL;
        if (r)
            return r;
    }
    return NULL;
}

/* The row after row in document order (the first row when row is NULL). */
static const dom_node_t *row_next(const dom_node_t *table, const dom_node_t *row)
{
    if (!row)
        return row_from(dom_first_child(table));
    const dom_node_t *parent = dom_parent(row);
    if (parent == table)
        return row_from(dom_next(row));
    const dom_node_t *r = tr_from(dom_next(row));
    return r ? r : row_from(dom_next(parent));
}

/* The next row to write after cur (the header is written first). */
static const dom_node_t *row_after(const dom_node_t *table, const tinfo_t *ti,
                                   const dom_node_t *cur)
{
    const dom_node_t *r = row_next(table, cur == ti->header ? NULL : cur);
    while (r && (r == ti->header || !has_cells(r)))
        r = row_next(table, r);
    return r;
}

/* The header row: the first <thead> row with cells, else the first row with cells. */
static const dom_node_t *find_header(const dom_node_t *table, bool *in_thead)
{
    for (const dom_node_t *c = dom_first_child(table); c; c = dom_next(c)) {
        if (dom_tag_of(c) != DOM_TAG_THEAD)
            continue;
        for (const dom_node_t *r = tr_from(dom_first_child(c)); r; r = tr_from(dom_next(r)))
            if (has_cells(r)) {
                *in_thead = true;
                return r;
            }
    }
    const dom_node_t *r = row_next(table, NULL);
    while (r && !has_cells(r))
        r = row_next(table, r);
    return r;
}

static void reset_spans(md_t *m)
{
    if (!m->spans)
        m->spans = xcalloc(MD_MAX_COLS, sizeof *m->spans);
    memset(m->spans, 0, (size_t)m->nspans * sizeof *m->spans);
    m->nspans = 0;
}

static void cover(md_t *m, int col, int rows)
{
    if (col >= MD_MAX_COLS)
        return;
    m->spans[col] = rows;
    if (col >= m->nspans)
        m->nspans = col + 1;
}

static void empty_cell(md_t *m)
{
    md_emit(m, " |", 2);
}

/* Skips (and writes empty) the columns still covered by a rowspan from above. */
static int skip_covered(md_t *m, int col, bool emit)
{
    while (col < m->nspans && m->spans[col] > 0) {
        m->spans[col]--;
        if (emit)
            empty_cell(m);
        col++;
    }
    return col;
}

static void render_cell(md_t *m, const dom_node_t *cell)
{
    md_flat saved_flat = m->flat;
    int saved_base = m->mark_base;
    md_emit(m, " ", 1);
    size_t start = m->out->len;
    m->flat = MD_FLAT_BR;
    m->fresh = true;
    m->mark_base = m->nmark;
    m->in_cell++;
    md_render_children(m, cell);
    m->in_cell--;
    m->mark_base = saved_base;
    m->flat = saved_flat;
    m->fresh = m->pending_space = m->pending_br = m->hard = false;
    m->pending_nl = 0;
    m->bm_len = 0;
    if (!m->rc && m->out->len == start)
        m->out->data[--m->out->len] = '\0';
    md_emit(m, " |", 2);
}

static int clamp_attr(const dom_node_t *n, const char *key, long max)
{
    long v = md_attr_long(n, key, 1);
    return (int)(v < 1 ? 1 : v > max ? max : v);
}

/* Walks one row's cells: writes them when emit (padding to ncols), and returns the number
 * of columns the row occupies. Sets *th when the row has a <th>. */
static int row_walk(md_t *m, const dom_node_t *tr, int ncols, bool emit, bool *th)
{
    int col = 0;
    for (const dom_node_t *c = dom_first_child(tr); c && !m->rc; c = dom_next(c)) {
        dom_tag t = dom_tag_of(c);
        if (t != DOM_TAG_TD && t != DOM_TAG_TH)
            continue;
        *th |= t == DOM_TAG_TH;
        col = skip_covered(m, col, emit);
        int cs = clamp_attr(c, "colspan", 1000), rs = clamp_attr(c, "rowspan", 65534);
        if (emit)
            render_cell(m, c);
        for (int k = 0; k < cs && (k == 0 || col < MD_MAX_COLS); k++, col++) {
            if (k && emit)
                empty_cell(m);
            cover(m, col, rs - 1);
        }
    }
    int width = col;
    for (int j = col; j < m->nspans; j++)
        if (m->spans[j] > 0) {
            m->spans[j]--;
            width = j + 1;
        }
    for (; emit && col < ncols; col++)
        empty_cell(m);
    return width;
}

static bool has_block_content(const dom_node_t *table)
{
    for (const dom_node_t *c = dom_first_child(table); c; c = dom_walk_next(table, c, false)) {
        switch (dom_tag_of(c)) {
        case DOM_TAG_TABLE:
        case DOM_TAG_H1:
        case DOM_TAG_H2:
        case DOM_TAG_H3:
        case DOM_TAG_H4:
        case DOM_TAG_H5:
        case DOM_TAG_H6:
        case DOM_TAG_BLOCKQUOTE:
        case DOM_TAG_PRE:
        case DOM_TAG_HR:
        case DOM_TAG_FORM:
            return true;
        default:
            break;
        }
    }
    return false;
}

static void scan(md_t *m, const dom_node_t *table, tinfo_t *ti)
{
    memset(ti, 0, sizeof *ti);
    ti->header = find_header(table, &ti->has_th);
    reset_spans(m);
    for (const dom_node_t *r = ti->header; r; r = row_after(table, ti, r)) {
        int w = row_walk(m, r, 0, false, &ti->has_th);
        ti->ncols = w > ti->ncols ? w : ti->ncols;
        ti->nrows++;
    }
}

static bool is_layout(const dom_node_t *table, const tinfo_t *ti)
{
    return !ti->has_th && (ti->ncols <= 1 || ti->nrows <= 1 || has_block_content(table));
}

static void write_row(md_t *m, const dom_node_t *tr, int ncols)
{
    bool th = false;
    md_want_break(m, 1);
    md_put_raw(m, "|", 1);
    row_walk(m, tr, ncols, true, &th);
}

static void render_grid(md_t *m, const dom_node_t *table, const tinfo_t *ti)
{
    reset_spans(m);
    md_want_break(m, 2);
    write_row(m, ti->header, ti->ncols);
    md_want_break(m, 1);
    md_put_raw(m, "|", 1);
    for (int i = 0; i < ti->ncols; i++)
        md_emit(m, " --- |", 6);
    for (const dom_node_t *r = row_after(table, ti, ti->header); r && !m->rc;
         r = row_after(table, ti, r))
        write_row(m, r, ti->ncols);
    md_want_break(m, 2);
}

static void render_layout(md_t *m, const dom_node_t *table, const tinfo_t *ti)
{
    for (const dom_node_t *r = ti->header; r && !m->rc; r = row_after(table, ti, r)) {
        for (const dom_node_t *c = dom_first_child(r); c && !m->rc; c = dom_next(c)) {
            dom_tag t = dom_tag_of(c);
            if (t != DOM_TAG_TD && t != DOM_TAG_TH)
                continue;
            md_want_break(m, 2);
            md_render_children(m, c);
            md_want_break(m, 2);
        }
    }
}

static void render_captions(md_t *m, const dom_node_t *table)
{
    for (const dom_node_t *c = dom_first_child(table); c; c = dom_next(c)) {
        if (dom_tag_of(c) != DOM_TAG_CAPTION)
            continue;
        md_want_break(m, 2);
        md_render_children(m, c);
        md_want_break(m, 2);
    }
}

void md_render_table(md_t *m, const dom_node_t *n)
{
    tinfo_t ti;
    if (m->flat != MD_FLAT_NONE) {
        md_want_break(m, 1);
        md_render_children(m, n);
        md_want_break(m, 1);
        return;
    }
    scan(m, n, &ti);
    render_captions(m, n);
    if (!ti.header)
        return;
    if (is_layout(n, &ti))
        render_layout(m, n, &ti);
    else
        render_grid(m, n, &ti);
}
