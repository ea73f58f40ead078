/*
 * Internals shared by readable_table.c (the side table), readable.c (scoring,
 * selection) and readable_prune.c (cleaning inside the chosen article). Not a
 * public API.
 *
 * The side table holds one entry per node of the root's subtree in pre-order,
 * so a subtree is the index range [i, t[i].end) and a node's children are
 * i + 1, then t[child].end for each next one.
 */
#ifndef CINDER_HTML_READABLE_INT_H
#define CINDER_HTML_READABLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "html/dom.h"

/* Per-node flags. The first group is computed once, the second per attempt. */
enum {
    RF_TEXT = 1u << 0,        /* text node */
    RF_ELEM = 1u << 1,        /* element */
    RF_HAS_BLOCK = 1u << 2,   /* has a child element that is not phrasing content */
    RF_UNLIKELY = 1u << 3,    /* class, id, role or tag marks it as page chrome */
    RF_CODE = 1u << 4,        /* inside pre or code */
    RF_LINK = 1u << 5,        /* inside a link */
    RF_HASH = 1u << 6,        /* inside a link to a fragment of the page */
    RF_FIGURE = 1u << 7,      /* inside a figure */
    RF_TABLE = 1u << 8,       /* inside a table */
    RF_SHARE = 1u << 9,       /* class or id names a share/social widget */
    RF_BYLINE = 1u << 10,     /* author line */
    RF_HAS_INLINE = 1u << 12, /* has phrasing content (text, inline elements) as children */
    RF_BRBR = 1u << 13,       /* has a double line break among its children: paragraphs */
    RF_MAIN = 1u << 14,       /* is or holds main, [role=main] or [itemprop=articleBody] */
    RF_LANDMARK = 1u << 15,   /* is main or [role=main] */

    RF_SKIP = 1u << 16,   /* ignored this attempt (unlikely, and stripping is on) */
    RF_PASS = 1u << 17,   /* div around one paragraph: scores pass through it */
    RF_SCORED = 1u << 18, /* a candidate: has a content score */
    RF_PIECE = 1u << 19,  /* top-level piece of the article */
    RF_IN = 1u << 20,     /* inside a piece of the article */
    RF_DROP = 1u << 21,   /* pruned */
    RF_DATA = 1u << 22,   /* a data table, or inside one */
    RF_PARA = 1u << 23,   /* div of inline content with few links: a paragraph */
    RF_TOP = 1u << 24,    /* the best candidate: the article's main piece, never pruned */
};
#define RF_ATTEMPT_MASK 0xffff0000u

/* Attempt modes, loosened one at a time when the result is too short. */
enum {
    RM_STRIP = 1u << 0,  /* ignore unlikely candidates */
    RM_WEIGHT = 1u << 1, /* class/id hints weigh in */
    RM_COND = 1u << 2,   /* prune weak blocks inside the article */
};

typedef struct {
    dom_node_t *node;
    int32_t parent; /* -1 for the root */
    int32_t end;    /* one past the last node of the subtree */
    uint32_t flags;
    uint8_t tag;   /* dom_tag */
    int8_t weight; /* class/id hint: -50 .. +50 */
    uint16_t runs; /* divs: runs of inline content, each one paragraph (saturates) */
    uint32_t text; /* visible characters in the subtree (whitespace runs count one) */
    uint32_t link; /* characters inside links, times 10 (fragment links count 3) */
    uint32_t commas;
    float score;
} rnode_t;

typedef struct {
    rnode_t *t;
    int32_t n, cap;
    unsigned mode;
} rtab_t;

/* Link density of node i (0..1, from the aggregated counts). */
static inline float rt_link_density(const rtab_t *rt, int32_t i)
{
    const rnode_t *r = &rt->t[i];
    return r->text ? (float)r->link / 10.0f / (float)r->text : 0.0f;
}

/* True when node a's subtree contains node b (a != b). */
static inline bool rt_contains(const rtab_t *rt, int32_t a, int32_t b)
{
    return b > a && b < rt->t[a].end;
}

/* Builds the side table over root's subtree (pre-order) with the once-per-page facts.
 * Free rt->t with free(). */
void rt_build(rtab_t *rt, dom_node_t *root);

/* True for an element that ends a run of inline content (not phrasing content). */
bool rt_breaks_paragraph(const rnode_t *r);

/* True when child c of a node whose subtree ends at end is a br followed by another br. */
bool rt_is_double_br(const rtab_t *rt, int32_t c, int32_t end);

/* ASCII whitespace. */
bool rt_is_space(unsigned char c);

/* Marks RF_DROP on the boilerplate inside the article pieces (RF_IN nodes under content) and
 * returns the article's remaining text length. */
uint32_t readable_prune(rtab_t *rt, int32_t content);

#endif
