/*
 * Main-content extraction: scoring, container selection, attempts. The side
 * table is built in readable_table.c; pruning inside the chosen article lives
 * in readable_prune.c.
 */
#include "html/readable.h"

#include <stdlib.h>
#include <string.h>

#include "html/readable_int.h"

static bool is_inline_div(const rnode_t *r)
{
    return r->tag == DOM_TAG_DIV && (r->flags & (RF_HAS_INLINE | RF_HAS_BLOCK)) == RF_HAS_INLINE;
}

/* ---- one attempt: aggregate, score, select ----------------------------- */

static void attempt_reset(rtab_t *rt, unsigned mode)
{
    rt->mode = mode;
    for (int32_t i = 0; i < rt->n; i++) {
        rnode_t *r = &rt->t[i];
        r->flags &= ~RF_ATTEMPT_MASK;
        r->score = 0;
        r->runs = 0;
        if (((mode & RM_STRIP) && (r->flags & RF_UNLIKELY)))
            r->flags |= RF_SKIP;
        if (!(r->flags & RF_TEXT)) {
            r->text = r->link = r->commas = 0;
        }
    }
}

/* Sums text, link text and commas bottom-up, leaving out skipped subtrees. */
static void aggregate(rtab_t *rt)
{
    for (int32_t i = rt->n - 1; i > 0; i--) {
        const rnode_t *r = &rt->t[i];
        if (r->flags & RF_SKIP)
            continue;
        rnode_t *p = &rt->t[r->parent];
        p->text += r->text;
        p->link += r->link;
        p->commas += r->commas;
    }
}

/* Gives each div its role this attempt: a paragraph (inline content, few links), transparent
 * (wraps a single paragraph, no text of its own), or a container. */
static void mark_div_roles(rtab_t *rt)
{
    for (int32_t i = 1; i < rt->n; i++) {
        rnode_t *r = &rt->t[i];
        if (r->tag != DOM_TAG_DIV || rt_link_density(rt, i) >= 0.25f)
            continue;
        if (is_inline_div(r)) {
            r->flags |= RF_PARA;
            continue;
        }
        if (r->flags & RF_HAS_INLINE)
            continue;
        int32_t only = -1, elems = 0;
        for (int32_t c = i + 1; c < r->end; c = rt->t[c].end) {
            if (rt->t[c].flags & RF_ELEM) {
                only = c;
                elems++;
            }
        }
        if (elems == 1 && rt->t[only].tag == DOM_TAG_P)
            r->flags |= RF_PASS;
    }
}

static float tag_base_score(unsigned tag)
{
    switch (tag) {
    case DOM_TAG_DIV:
        return 5;
    case DOM_TAG_PRE:
    case DOM_TAG_TD:
    case DOM_TAG_BLOCKQUOTE:
        return 3;
    case DOM_TAG_ADDRESS:
    case DOM_TAG_OL:
    case DOM_TAG_UL:
    case DOM_TAG_DL:
    case DOM_TAG_DD:
    case DOM_TAG_DT:
    case DOM_TAG_LI:
    case DOM_TAG_FORM:
        return -3;
    case DOM_TAG_H1:
    case DOM_TAG_H2:
    case DOM_TAG_H3:
    case DOM_TAG_H4:
    case DOM_TAG_H5:
    case DOM_TAG_H6:
    case DOM_TAG_TH:
        return -5;
    default:
        return 0;
    }
}

static void init_candidate(rtab_t *rt, int32_t i)
{
    rnode_t *r = &rt->t[i];
    if (r->flags & RF_SCORED)
        return;
    r->flags |= RF_SCORED;
    r->score = tag_base_score(r->tag) + ((rt->mode & RM_WEIGHT) ? r->weight : 0);
}

/* Credits a paragraph of len characters to up to five ancestors, starting at node a. */
static void credit(rtab_t *rt, int32_t a, uint32_t len, uint32_t commas)
{
    if (len < 25)
        return;
    uint32_t lenbonus = len / 100 > 3 ? 3 : len / 100;
    float s = 2.0f + (float)commas + (float)lenbonus;
    for (int level = 0; a >= 0 && level < 5; a = rt->t[a].parent) {
        if (rt->t[a].flags & RF_PASS)
            continue;
        init_candidate(rt, a);
        float div = level == 0 ? 1.0f : level == 1 ? 2.0f : (float)level * 3.0f;
        rt->t[a].score += s / div;
        level++;
    }
}

/* Scores the runs of inline content directly inside element i as paragraphs, and counts them.
 * Runs are separated by block elements and double line breaks; the first one counts only when
 * first_too (in a div: elsewhere loose text before a double break is not a paragraph). */
static void score_runs(rtab_t *rt, int32_t i, bool first_too)
{
    uint32_t len = 0, commas = 0, runs = 0;
    bool open = false, counting = first_too;
    int32_t end = rt->t[i].end;
    for (int32_t c = i + 1; c < end; c = rt->t[c].end) {
        const rnode_t *r = &rt->t[c];
        if (rt_breaks_paragraph(r) || rt_is_double_br(rt, c, end)) {
            if (counting)
                credit(rt, i, len, commas);
            len = commas = 0;
            open = false;
            counting = counting || r->tag == DOM_TAG_BR;
        } else if (!(r->flags & RF_SKIP)) {
            if (!open && counting && (r->text || ((r->flags & RF_ELEM) && r->tag != DOM_TAG_BR))) {
                open = true;
                runs++;
            }
            len += r->text;
            commas += r->commas;
        }
    }
    if (counting)
        credit(rt, i, len, commas);
    rt->t[i].runs = (uint16_t)(runs > UINT16_MAX ? UINT16_MAX : runs);
}

static bool is_paragraph_unit(const rnode_t *r)
{
    switch (r->tag) {
    case DOM_TAG_P:
    case DOM_TAG_PRE:
    case DOM_TAG_TD:
    case DOM_TAG_SECTION:
    case DOM_TAG_H2:
    case DOM_TAG_H3:
    case DOM_TAG_H4:
    case DOM_TAG_H5:
    case DOM_TAG_H6:
        return true;
    case DOM_TAG_DIV:
        return (r->flags & RF_PARA) != 0;
    default:
        return false;
    }
}

static void score_all(rtab_t *rt)
{
    for (int32_t i = 0; i < rt->n;) {
        const rnode_t *r = &rt->t[i];
        if (r->flags & RF_SKIP) {
            i = r->end;
            continue;
        }
        if (i > 0 && is_paragraph_unit(r))
            credit(rt, r->parent, r->text, r->commas);
        if (r->tag == DOM_TAG_DIV && !(r->flags & (RF_PASS | RF_PARA)))
            score_runs(rt, i, true);
        else if ((r->flags & RF_BRBR) && r->tag != DOM_TAG_P && r->tag != DOM_TAG_PRE)
            score_runs(rt, i, false);
        i++;
    }
    for (int32_t i = 0; i < rt->n; i++) {
        if (rt->t[i].flags & RF_SCORED)
            rt->t[i].score *= 1.0f - rt_link_density(rt, i);
    }
}

#define TOP_N 5

/* The TOP_N best candidates, best first (earlier in the document wins ties). */
static int top_candidates(const rtab_t *rt, int32_t *top)
{
    int k = 0;
    for (int32_t i = 0; i < rt->n; i++) {
        if (!(rt->t[i].flags & RF_SCORED))
            continue;
        int pos = k;
        while (pos > 0 && rt->t[top[pos - 1]].score < rt->t[i].score)
            pos--;
        if (pos >= TOP_N)
            continue;
        if (k < TOP_N)
            k++;
        memmove(top + pos + 1, top + pos, (size_t)(k - 1 - pos) * sizeof *top);
        top[pos] = i;
    }
    return k;
}

/* When several near-best candidates share an ancestor, that ancestor is the article. */
static int32_t common_ancestor(const rtab_t *rt, const int32_t *top, int k)
{
    int32_t best = top[0];
    int32_t alt[TOP_N];
    int na = 0;
    for (int j = 1; j < k; j++)
        if (rt->t[top[j]].score >= 0.75f * rt->t[best].score)
            alt[na++] = top[j];
    if (na < 3)
        return best;
    for (int32_t a = rt->t[best].parent; a > 0; a = rt->t[a].parent) {
        int hits = 0;
        for (int j = 0; j < na; j++)
            hits += rt_contains(rt, a, alt[j]);
        if (hits >= 3)
            return a;
    }
    return best;
}

/* Climbs to an ancestor that scores better than the candidate, if the chain stays strong. */
static int32_t climb_scores(const rtab_t *rt, int32_t top)
{
    float last = rt->t[top].score, threshold = last / 3.0f;
    for (int32_t a = rt->t[top].parent; a > 0; a = rt->t[a].parent) {
        if (!(rt->t[a].flags & RF_SCORED))
            continue;
        if (rt->t[a].score < threshold)
            break;
        if (rt->t[a].score > last)
            return a;
        last = rt->t[a].score;
    }
    return top;
}

static int element_children(const rtab_t *rt, int32_t i)
{
    int k = 0;
    for (int32_t c = i + 1; c < rt->t[i].end; c = rt->t[c].end)
        k += (rt->t[c].flags & (RF_ELEM | RF_SKIP)) == RF_ELEM;
    return k;
}

static int32_t pick_top(rtab_t *rt)
{
    int32_t top[TOP_N];
    int k = top_candidates(rt, top);
    if (k == 0)
        return 0;
    int32_t best = common_ancestor(rt, top, k);
    init_candidate(rt, best);
    best = climb_scores(rt, best);
    while (best > 0 && rt->t[best].parent > 0 && element_children(rt, rt->t[best].parent) == 1)
        best = rt->t[best].parent;
    init_candidate(rt, best);
    return best;
}

/* ---- siblings ---------------------------------------------------------- */

static bool same_class(const rnode_t *a, const rnode_t *b)
{
    size_t la, lb;
    const char *ca = dom_attr(a->node, "class", &la);
    const char *cb = dom_attr(b->node, "class", &lb);
    return ca && cb && la && la == lb && memcmp(ca, cb, la) == 0;
}

/* True when the text under i has a sentence end ("." followed by a space or the end). */
static bool has_sentence_end(const rtab_t *rt, int32_t i)
{
    int last = 0;
    for (int32_t d = i + 1; d < rt->t[i].end; d++) {
        if (!(rt->t[d].flags & RF_TEXT) || !rt->t[d].text)
            continue;
        size_t len;
        const char *s = dom_text(rt->t[d].node, &len);
        for (size_t k = 0; k < len; k++) {
            if (last == '.' && rt_is_space((unsigned char)s[k]))
                return true;
            last = (unsigned char)s[k];
        }
    }
    return last == '.';
}

static bool sibling_belongs(const rtab_t *rt, int32_t s, int32_t top)
{
    const rnode_t *r = &rt->t[s], *tr = &rt->t[top];
    float threshold = tr->score * 0.2f > 10.0f ? tr->score * 0.2f : 10.0f;
    float bonus = same_class(r, tr) ? tr->score * 0.2f : 0.0f;
    if ((r->flags & RF_SCORED) && r->score + bonus >= threshold)
        return true;
    bool para = r->tag == DOM_TAG_P || (r->flags & (RF_PARA | RF_PASS));
    if (!para)
        return false;
    float ld = rt_link_density(rt, s);
    if (r->text > 80)
        return ld < 0.25f;
    return r->text > 0 && ld == 0.0f && has_sentence_end(rt, s);
}

/* Marks the article pieces; returns the node whose subtree holds them all. */
static int32_t mark_pieces(rtab_t *rt, int32_t top)
{
    rt->t[top].flags |= RF_TOP;
    if (top == 0) {
        rt->t[0].flags |= RF_PIECE;
        return 0;
    }
    int32_t parent = rt->t[top].parent;
    int pieces = 0;
    for (int32_t c = parent + 1; c < rt->t[parent].end; c = rt->t[c].end) {
        if ((rt->t[c].flags & (RF_ELEM | RF_SKIP)) != RF_ELEM)
            continue;
        if (c == top || sibling_belongs(rt, c, top)) {
            rt->t[c].flags |= RF_PIECE;
            pieces++;
        }
    }
    return pieces == 1 ? top : parent;
}

static int32_t mark_alone(rtab_t *rt, int32_t top)
{
    rt->t[top].flags |= RF_TOP | RF_PIECE;
    return top;
}

static void mark_inside(rtab_t *rt, int32_t content)
{
    for (int32_t i = content; i < rt->t[content].end; i++) {
        rnode_t *r = &rt->t[i];
        if ((r->flags & RF_PIECE) || (i > content && (rt->t[r->parent].flags & RF_IN)))
            r->flags |= RF_IN;
    }
}

/* Skips the author line (the first short element named so): it is metadata, not article text. */
static void skip_byline(rtab_t *rt)
{
    for (int32_t i = 0; i < rt->n;) {
        rnode_t *r = &rt->t[i];
        if (r->flags & RF_SKIP) {
            i = r->end;
            continue;
        }
        if ((r->flags & RF_BYLINE) && r->text > 0 && r->text < 100) {
            r->flags |= RF_SKIP;
            for (int32_t a = r->parent; a >= 0; a = rt->t[a].parent) {
                rt->t[a].text -= r->text;
                rt->t[a].link -= r->link;
                rt->t[a].commas -= r->commas;
            }
            return;
        }
        i++;
    }
}

/* Runs one attempt; returns the content node and sets *len to the article's text length. With
 * forced >= 0, that node is the article (alone) instead of the best candidate. */
static int32_t run_attempt(rtab_t *rt, unsigned mode, int32_t forced, uint32_t *len)
{
    attempt_reset(rt, mode);
    aggregate(rt);
    skip_byline(rt);
    mark_div_roles(rt);
    score_all(rt);
    int32_t top = forced >= 0 ? forced : pick_top(rt);
    int32_t content = forced >= 0 ? mark_alone(rt, forced) : mark_pieces(rt, top);
    mark_inside(rt, content);
    *len = readable_prune(rt, content);
    return content;
}

/* ---- applying the result ----------------------------------------------- */

/* Removes from the document what the attempt left out under content. */
static void apply(rtab_t *rt, int32_t content)
{
    for (int32_t i = content + 1; i < rt->t[content].end;) {
        const rnode_t *r = &rt->t[i];
        if (!(r->flags & RF_IN) || (r->flags & (RF_SKIP | RF_DROP))) {
            dom_remove(r->node);
            i = r->end;
            continue;
        }
        i++;
    }
}

static const unsigned attempt_modes[] = {RM_STRIP | RM_WEIGHT | RM_COND, RM_WEIGHT | RM_COND,
                                         RM_COND, 0};
#define MIN_ARTICLE_CHARS 500 /* an article shorter than this is retried with looser rules */
#define MIN_SHARE_PERCENT 20  /* a short result must hold this share of the page's text */
#define LOOSER_GAIN       4   /* a looser short result wins when 1/4 longer */

/* The first main element or [role=main], or -1. */
static int32_t first_landmark(const rtab_t *rt)
{
    for (int32_t i = 1; i < rt->n; i++)
        if (rt->t[i].flags & RF_LANDMARK)
            return i;
    return -1;
}

/* Runs the attempts from the strictest to the loosest; returns the content index of the first
 * long enough result. A page where none is long enough is not an article: its main landmark is
 * the answer when it holds more text than the longest attempt (a looser attempt must be a
 * quarter longer to win: what it adds is mostly what stricter rules left out on purpose); else
 * that attempt, unless it is empty or a small part of the page: -1, all of it is kept. The
 * returned index is always from the last attempt run (its flags are what apply() reads). */
static int32_t run_attempts(rtab_t *rt)
{
    size_t n_modes = sizeof attempt_modes / sizeof *attempt_modes, best = 0;
    uint32_t best_len = 0, page = 0, len = 0;
    for (size_t m = 0; m < n_modes; m++) {
        int32_t chosen = run_attempt(rt, attempt_modes[m], -1, &len);
        if (len >= MIN_ARTICLE_CHARS)
            return chosen;
        if (rt->t[0].text > page)
            page = rt->t[0].text;
        if (len > best_len + best_len / LOOSER_GAIN) {
            best = m;
            best_len = len;
        }
    }
    int32_t landmark = first_landmark(rt);
    if (landmark > 0) {
        int32_t chosen = run_attempt(rt, attempt_modes[0], landmark, &len);
        if (len > best_len)
            return chosen;
    }
    if (best_len == 0 || (uint64_t)best_len * 100 < (uint64_t)page * MIN_SHARE_PERCENT)
        return -1;
    return run_attempt(rt, attempt_modes[best], -1, &len);
}

cinder_err readable_extract(dom_node_t *root, dom_node_t **content)
{
    rtab_t rt = {0};
    rt_build(&rt, root);
    int32_t chosen = run_attempts(&rt);
    *content = root;
    if (chosen >= 0) {
        apply(&rt, chosen);
        *content = rt.t[chosen].node;
    }
    free(rt.t);
    return CINDER_OK;
}
