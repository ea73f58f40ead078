#include "html/chunk.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/dom.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strset.h"

#define TEXT_CAP (256u << 20) /* per buffer; a page is far smaller (the fetch cap) */

/* One heading-delimited section, before merging. Strings are heap copies. */
typedef struct {
    char *heading; /* collapsed text; "" without heading */
    int level;
    char *body_html;
    char *body_text;
    char *hierarchy[CHUNK_MAX_HIERARCHY];
    size_t n_hierarchy;
} part_t;

/* Sections being collected by the walk. */
typedef struct {
    part_t *v;
    size_t n, cap;
    buf_t html, text; /* the body of the last part, while it is open */
    cinder_err rc;    /* the first append that failed (a buffer cap) */
} parts_t;

static int heading_level(const dom_node_t *n)
{
    dom_tag t = dom_tag_of(n);
    if (t < DOM_TAG_H1 || t > DOM_TAG_H6 || !dom_is_html_element(n))
        return 0;
    return (int)(t - DOM_TAG_H1) + 1;
}

static bool skipped(dom_tag t)
{
    return t == DOM_TAG_SCRIPT || t == DOM_TAG_STYLE || t == DOM_TAG_NOSCRIPT ||
           t == DOM_TAG_TEMPLATE || t == DOM_TAG_HEAD || t == DOM_TAG_COMMENT ||
           t == DOM_TAG_DOCTYPE;
}

/* Elements whose boundaries separate words in the text. */
static bool separates(dom_tag t)
{
    static const dom_tag tags[] = {
        DOM_TAG_P,      DOM_TAG_DIV,     DOM_TAG_LI,      DOM_TAG_BR,         DOM_TAG_TR,
        DOM_TAG_TD,     DOM_TAG_TH,      DOM_TAG_SECTION, DOM_TAG_ARTICLE,    DOM_TAG_UL,
        DOM_TAG_OL,     DOM_TAG_PRE,     DOM_TAG_TABLE,   DOM_TAG_BLOCKQUOTE, DOM_TAG_DD,
        DOM_TAG_DT,     DOM_TAG_H1,      DOM_TAG_H2,      DOM_TAG_H3,         DOM_TAG_H4,
        DOM_TAG_H5,     DOM_TAG_H6,      DOM_TAG_HR,      DOM_TAG_FIGURE,     DOM_TAG_FIGCAPTION,
        DOM_TAG_HEADER, DOM_TAG_FOOTER,  DOM_TAG_MAIN,    DOM_TAG_NAV,        DOM_TAG_ASIDE,
        DOM_TAG_DL,     DOM_TAG_CAPTION, DOM_TAG_DETAILS, DOM_TAG_SUMMARY,    DOM_TAG_ADDRESS};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (tags[i] == t)
            return true;
    return false;
}

/* Appends n bytes of s to b unless an earlier append failed; a failure is kept in *rc. */
static void put(buf_t *b, const char *s, size_t n, cinder_err *rc)
{
    if (!*rc)
        *rc = buf_append(b, s, n);
}

static void puts_(buf_t *b, const char *s, cinder_err *rc)
{
    put(b, s, strlen(s), rc);
}

/* Appends the text under n, with a space at element boundaries that separate words. */
static void text_of(const dom_node_t *n, buf_t *out, cinder_err *rc)
{
    bool skip = false;
    for (const dom_node_t *c = n; c; c = dom_walk_next(n, c, skip)) {
        dom_tag t = dom_tag_of(c);
        skip = skipped(t);
        size_t len = 0;
        const char *s = t == DOM_TAG_TEXT ? dom_text(c, &len) : NULL;
        const dom_node_t *prev = s ? dom_prev(c) : NULL;
        if ((!s && separates(t)) || (prev && separates(dom_tag_of(prev))))
            put(out, " ", 1, rc);
        if (s)
            put(out, s, len, rc);
    }
    put(out, " ", 1, rc);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Collapses runs of whitespace to one space and trims both ends, in place. */
static void collapse(char *s)
{
    char *w = s;
    bool space = true; /* drops leading whitespace */
    for (const char *r = s; *r; r++) {
        if (is_space(*r)) {
            if (!space)
                *w++ = ' ';
            space = true;
        } else {
            *w++ = *r;
            space = false;
        }
    }
    if (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

/* Trims leading and trailing whitespace of s, in place; returns s. */
static char *trim(char *s)
{
    size_t lead = 0, n = strlen(s);
    while (lead < n && is_space(s[lead]))
        lead++;
    while (n > lead && is_space(s[n - 1]))
        n--;
    memmove(s, s + lead, n - lead);
    s[n - lead] = '\0';
    return s;
}

/* Removes every occurrence of needle from s, in place. */
static void remove_all(char *s, const char *needle)
{
    size_t m = needle ? strlen(needle) : 0;
    if (!m)
        return;
    char *hit;
    while ((hit = strstr(s, needle)) != NULL)
        memmove(hit, hit + m, strlen(hit + m) + 1);
}

size_t chunk_words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; s && *s; s++) {
        if (is_space(*s))
            in = false;
        else if (!in) {
            in = true;
            n++;
        }
    }
    return n;
}

/* Closes the open part: its body buffers become its strings. */
static void close_part(parts_t *ps)
{
    if (!ps->n)
        return;
    part_t *p = &ps->v[ps->n - 1];
    p->body_html = buf_steal(&ps->html);
    p->body_text = buf_steal(&ps->text);
}

static void open_part(parts_t *ps, const dom_node_t *heading)
{
    close_part(ps);
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 16;
        ps->v = xrealloc(ps->v, ps->cap * sizeof *ps->v);
    }
    part_t *p = &ps->v[ps->n++];
    memset(p, 0, sizeof *p);
    buf_t h;
    buf_init(&h, TEXT_CAP);
    if (heading)
        text_of(heading, &h, &ps->rc);
    p->heading = buf_steal(&h);
    collapse(p->heading);
    p->level = heading ? heading_level(heading) : 0;
}

/* The elements that contain a heading (their wrappers are dropped by the split). */
static strset_t *heading_ancestors(const dom_node_t *scope)
{
    strset_t *set = strset_new(64);
    for (const dom_node_t *n = scope; n; n = dom_walk_next(scope, n, false)) {
        if (!heading_level(n))
            continue;
        for (const dom_node_t *a = dom_parent(n); a; a = dom_parent(a))
            if (!strset_addn(set, (const char *)&a, sizeof a) || a == scope)
                break;
    }
    return set;
}

static void add_content(parts_t *ps, const dom_node_t *n)
{
    if (!ps->rc)
        ps->rc = dom_serialize(n, &ps->html);
    text_of(n, &ps->text, &ps->rc);
}

/* Rule 1: walks the content in document order, cutting at headings. */
static void split(const dom_node_t *scope, size_t max, parts_t *ps)
{
    strset_t *wrappers = heading_ancestors(scope);
    open_part(ps, NULL);
    bool skip = false;
    for (const dom_node_t *n = dom_walk_next(scope, scope, false); n;
         n = dom_walk_next(scope, n, skip)) {
        const dom_node_t *key = n;
        skip = true;
        if (skipped(dom_tag_of(n)))
            continue;
        if (heading_level(n) && ps->n <= max) /* part 0 is the text before any heading */
            open_part(ps, n);
        else if (strset_contains(wrappers, (const char *)&key, sizeof key))
            skip = false; /* descend: the wrapper itself is dropped */
        else
            add_content(ps, n);
    }
    close_part(ps);
    strset_free(wrappers);
}

/* Rule 2, and the hierarchy of each part (from the headings left after removal). */
static void clean_parts(parts_t *ps, const chunk_opts_t *o)
{
    char *stack[CHUNK_MAX_HIERARCHY + 1] = {0};
    for (size_t i = 0; i < ps->n; i++) {
        part_t *p = &ps->v[i];
        for (size_t k = 0; k < o->n_heading_remove; k++)
            remove_all(p->heading, o->heading_remove[k]);
        collapse(p->heading);
        for (size_t k = 0; k < o->n_body_remove; k++) {
            remove_all(p->body_html, o->body_remove[k]);
            remove_all(p->body_text, o->body_remove[k]);
        }
        collapse(p->body_text);
        if (!*p->heading)
            p->level = 0;
        if (!p->level)
            continue;
        stack[p->level] = p->heading;
        for (int l = p->level + 1; l <= CHUNK_MAX_HIERARCHY; l++)
            stack[l] = NULL;
        for (int l = 1; l <= p->level; l++)
            if (stack[l])
                p->hierarchy[p->n_hierarchy++] = xstrdup(stack[l]);
    }
}

static void escape_into(buf_t *b, const char *s, cinder_err *rc)
{
    for (; *s; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
        put(b, e ? e : s, e ? strlen(e) : 1, rc);
    }
}

/* A chunk being assembled from one or more parts. */
typedef struct {
    buf_t html, text;
    const part_t *head; /* the part whose heading the chunk carries, or NULL */
    bool body;          /* some merged part had a non-empty body */
    bool used;
    cinder_err rc;
} acc_t;

/* Appends s to b, after a space when b is not empty. */
static void put_words(buf_t *b, const char *s, cinder_err *rc)
{
    if (b->len)
        put(b, " ", 1, rc);
    puts_(b, s, rc);
}

static void acc_add(acc_t *a, const part_t *p)
{
    if (p->level) {
        char tag[8];
        snprintf(tag, sizeof tag, "<h%d>", p->level);
        puts_(&a->html, tag, &a->rc);
        escape_into(&a->html, p->heading, &a->rc);
        snprintf(tag, sizeof tag, "</h%d>", p->level);
        puts_(&a->html, tag, &a->rc);
        put_words(&a->text, p->heading, &a->rc);
        a->head = p;
    }
    puts_(&a->html, p->body_html, &a->rc);
    if (*p->body_text)
        put_words(&a->text, p->body_text, &a->rc);
    a->body |= *p->body_text != '\0';
    a->used = true;
}

static bool acc_short(const acc_t *a)
{
    return !a->body || chunk_words(buf_str(&a->text)) <= CHUNK_MIN_WORDS;
}

static void emit(acc_t *a, chunk_t **out, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *out = xrealloc(*out, *cap * sizeof **out);
    }
    chunk_t *c = &(*out)[(*n)++];
    memset(c, 0, sizeof *c);
    c->heading = xstrdup(a->head ? a->head->heading : "");
    c->level = a->head ? a->head->level : 0;
    for (size_t i = 0; a->head && i < a->head->n_hierarchy; i++)
        c->hierarchy[c->n_hierarchy++] = xstrdup(a->head->hierarchy[i]);
    c->html = trim(buf_steal(&a->html));
    c->text = buf_steal(&a->text);
    a->head = NULL;
    a->body = a->used = false;
}

/* Appends a short trailing chunk to the last chunk emitted. */
static void append_to_last(chunk_t *last, acc_t *a)
{
    buf_t h, t;
    buf_init(&h, 0);
    buf_init(&t, 0);
    puts_(&h, last->html, &a->rc);
    puts_(&h, buf_str(&a->html), &a->rc);
    puts_(&t, last->text, &a->rc);
    put_words(&t, buf_str(&a->text), &a->rc);
    free(last->html);
    free(last->text);
    last->html = trim(buf_steal(&h));
    last->text = buf_steal(&t);
}

/* Rules 3 and 4. */
static cinder_err merge(const parts_t *ps, chunk_t **out, size_t *n)
{
    size_t cap = 0;
    acc_t a;
    memset(&a, 0, sizeof a);
    buf_init(&a.html, 0);
    buf_init(&a.text, 0);
    for (size_t i = 0; i < ps->n; i++) {
        acc_add(&a, &ps->v[i]);
        if (!acc_short(&a))
            emit(&a, out, n, &cap);
    }
    if (a.used && *n)
        append_to_last(&(*out)[*n - 1], &a);
    else if (a.used && a.body)
        emit(&a, out, n, &cap);
    buf_cleanup(&a.html);
    buf_cleanup(&a.text);
    return a.rc;
}

static void parts_cleanup(parts_t *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->v[i].heading);
        free(ps->v[i].body_html);
        free(ps->v[i].body_text);
        for (size_t k = 0; k < ps->v[i].n_hierarchy; k++)
            free(ps->v[i].hierarchy[k]);
    }
    free(ps->v);
    buf_cleanup(&ps->html);
    buf_cleanup(&ps->text);
}

cinder_err chunk_split(const char *html, size_t len, const chunk_opts_t *o, chunk_t **out,
                       size_t *n)
{
    *out = NULL;
    *n = 0;
    dom_doc_t *doc = dom_parse(html, len);
    if (!doc)
        return CINDER_E_PARSE;
    parts_t ps;
    memset(&ps, 0, sizeof ps);
    buf_init(&ps.html, TEXT_CAP);
    buf_init(&ps.text, TEXT_CAP);
    const dom_node_t *scope = dom_body(doc) ? dom_body(doc) : dom_root(doc);
    split(scope, o->max_chunks ? o->max_chunks : CHUNK_MAX_PER_PAGE, &ps);
    clean_parts(&ps, o);
    cinder_err rc = ps.rc ? ps.rc : merge(&ps, out, n);
    parts_cleanup(&ps);
    dom_doc_free(doc);
    if (rc) {
        chunks_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void chunks_free(chunk_t *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].heading);
        free(c[i].html);
        free(c[i].text);
        for (size_t k = 0; k < c[i].n_hierarchy; k++)
            free(c[i].hierarchy[k]);
    }
    free(c);
}
