/*
 * The side table of main-content extraction: one entry per node in
 * pre-order, with the per-node facts computed once per page (class/id hints,
 * kinds of children, text counts of text nodes).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "html/readable_int.h"
#include "util/mem.h"
#include "util/strmemo.h"

/* ---- class/id hints ---------------------------------------------------- */

/* What a word in a class or id says about the element. */
enum {
    H_POS = 1u << 0,      /* article-like */
    H_NEG = 1u << 1,      /* chrome-like */
    H_UNLIKELY = 1u << 2, /* chrome: ignored when looking for the article */
    H_RESCUE = 1u << 3,   /* cancels H_UNLIKELY */
    H_SHARE = 1u << 4,    /* share/social widget */
    H_BYLINE = 1u << 5,   /* author line */
    H_TOKEN = 1u << 7,    /* must be a whole token (between non-alphanumerics) */
};

typedef struct {
    const char *word; /* lower case */
    unsigned char kinds;
} hint_t;

/* Sorted by first letter (the index below relies on it). */
static const hint_t hints[] = {
    {"-ad-", H_NEG | H_UNLIKELY},
    {"ad", H_NEG | H_UNLIKELY | H_TOKEN},
    {"ad-break", H_UNLIKELY},
    {"ads", H_NEG | H_UNLIKELY | H_TOKEN},
    {"advert", H_NEG},
    {"agegate", H_UNLIKELY},
    {"ai2html", H_UNLIKELY},
    {"and", H_RESCUE},
    {"article", H_POS | H_RESCUE},
    {"author", H_BYLINE},
    {"banner", H_NEG | H_UNLIKELY},
    {"blog", H_POS},
    {"body", H_POS | H_RESCUE},
    {"breadcrumb", H_NEG | H_UNLIKELY},
    {"byline", H_BYLINE},
    {"column", H_RESCUE},
    {"combx", H_NEG | H_UNLIKELY},
    {"comment", H_NEG | H_UNLIKELY},
    {"community", H_UNLIKELY},
    {"consent", H_UNLIKELY},
    {"contact", H_NEG},
    {"content", H_POS | H_RESCUE},
    {"cookie", H_NEG | H_UNLIKELY},
    {"cover-wrap", H_UNLIKELY},
    {"dateline", H_BYLINE},
    {"disqus", H_UNLIKELY},
    {"entry", H_POS},
    {"extra", H_UNLIKELY},
    {"footer", H_NEG | H_UNLIKELY},
    {"gdpr", H_NEG | H_UNLIKELY},
    {"header", H_UNLIKELY},
    {"hentry", H_POS},
    {"hid", H_NEG | H_TOKEN},
    {"hidden", H_NEG},
    {"legends", H_UNLIKELY},
    {"main", H_POS | H_RESCUE},
    {"masthead", H_NEG | H_UNLIKELY},
    {"mathjax", H_RESCUE},
    {"media", H_NEG},
    {"menu", H_UNLIKELY},
    {"menu", H_NEG | H_TOKEN},
    {"meta", H_NEG},
    {"nav", H_NEG | H_UNLIKELY | H_TOKEN},
    {"newsletter", H_NEG | H_UNLIKELY},
    {"outbrain", H_NEG | H_UNLIKELY},
    {"page", H_POS},
    {"pager", H_UNLIKELY},
    {"pagination", H_UNLIKELY},
    {"popup", H_UNLIKELY},
    {"popup", H_NEG | H_TOKEN},
    {"post", H_POS},
    {"promo", H_NEG},
    {"prose", H_POS},
    {"related", H_NEG | H_UNLIKELY},
    {"remark", H_UNLIKELY},
    {"replies", H_UNLIKELY},
    {"rss", H_UNLIKELY},
    {"scroll", H_NEG},
    {"shadow", H_RESCUE},
    {"share", H_NEG | H_SHARE},
    {"sharing", H_SHARE},
    {"shopping", H_NEG},
    {"shoutbox", H_NEG | H_UNLIKELY},
    {"sidebar", H_NEG | H_UNLIKELY},
    {"skyscraper", H_NEG | H_UNLIKELY},
    {"sociable", H_SHARE},
    {"social", H_NEG | H_UNLIKELY | H_SHARE},
    {"sponsor", H_NEG | H_UNLIKELY},
    {"story", H_POS},
    {"subscribe", H_NEG},
    {"supplemental", H_UNLIKELY},
    {"taboola", H_NEG | H_UNLIKELY},
    {"tags", H_NEG},
    {"text", H_POS},
    {"widget", H_NEG},
    {"writtenby", H_BYLINE},
    {"yom-remote", H_UNLIKELY},
};
#define N_HINTS (sizeof hints / sizeof *hints)

/* hints[hint_start[c] .. hint_start[c + 1]) begin with byte c. */
static uint8_t hint_start[257];
static pthread_once_t hint_once = PTHREAD_ONCE_INIT;

static void hint_index(void)
{
    size_t k = 0;
    for (unsigned c = 0; c < 256; c++) {
        hint_start[c] = (uint8_t)k;
        while (k < N_HINTS && (unsigned char)hints[k].word[0] == c)
            k++;
    }
    hint_start[256] = (uint8_t)k;
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Length of word if it occurs at s[i] (case-insensitively), else 0. */
static size_t match_at(const char *s, size_t len, size_t i, const char *word)
{
    size_t k = 1;
    while (word[k] && i + k < len && lower((unsigned char)s[i + k]) == (unsigned char)word[k])
        k++;
    return word[k] ? 0 : k;
}

/* True when the word starting at s[i] follows a layout modifier ("has-", "with-", "no-"): in
 * "has-sidebar" the element is a page with a sidebar, not the sidebar. */
static bool after_modifier(const char *s, size_t i)
{
    static const char *const mods[] = {"has", "with", "no", NULL};
    if (i < 2 || (s[i - 1] != '-' && s[i - 1] != '_'))
        return false;
    for (const char *const *m = mods; *m; m++) {
        size_t ml = strlen(*m);
        if (i - 1 >= ml && strncasecmp(s + i - 1 - ml, *m, ml) == 0 &&
            (i - 1 == ml || !is_alnum((unsigned char)s[i - 2 - ml])))
            return true;
    }
    return false;
}

/* The union of the kinds of the hint words found in s (one pass). */
static unsigned hint_scan_uncached(const char *s, size_t len)
{
    unsigned kinds = 0;
    for (size_t i = 0; s && i < len; i++) {
        unsigned char c = lower((unsigned char)s[i]);
        bool token_start = i == 0 || !is_alnum((unsigned char)s[i - 1]);
        for (unsigned h = hint_start[c]; h < hint_start[c + 1]; h++) {
            if ((hints[h].kinds & H_TOKEN) && !token_start)
                continue;
            size_t k = match_at(s, len, i, hints[h].word);
            if (!k ||
                ((hints[h].kinds & H_TOKEN) && i + k < len && is_alnum((unsigned char)s[i + k])))
                continue;
            if (!after_modifier(s, i))
                kinds |= hints[h].kinds;
        }
    }
    return kinds & ~(unsigned)H_TOKEN;
}

/* Recent hint_scan results, per thread: a page repeats a few class values thousands of times
 * (syntax highlighting, list items, table cells), and the scan tries every hint word at every
 * character. */
static _Thread_local strmemo_t hint_memo;

/* hint_scan_uncached through the thread's memo. */
static unsigned hint_scan(const char *s, size_t len)
{
    unsigned kinds;
    if (strmemo_get(&hint_memo, s, len, &kinds))
        return kinds;
    kinds = hint_scan_uncached(s, len);
    strmemo_put(&hint_memo, s, len, kinds);
    return kinds;
}

_Static_assert(H_TOKEN < 256, "hint kinds fit the memo's byte");

static int hint_weight(unsigned kinds)
{
    return ((kinds & H_POS) ? 25 : 0) - ((kinds & H_NEG) ? 25 : 0);
}

static bool value_is(const char *v, size_t len, const char *want)
{
    return v && len == strlen(want) && strncasecmp(v, want, len) == 0;
}

static bool key_is(const char *k, size_t kl, const char *name)
{
    return kl == strlen(name) && memcmp(k, name, kl) == 0;
}

static bool role_unlikely(const char *v, size_t len)
{
    static const char *const roles[] = {"menu",  "menubar",     "complementary", "navigation",
                                        "alert", "alertdialog", "dialog",        NULL};
    for (const char *const *r = roles; v && *r; r++)
        if (value_is(v, len, *r))
            return true;
    return false;
}

/* Reads the attributes that carry hints (one pass over the attribute list). */
static void scan_attributes(rnode_t *r, unsigned *kc, unsigned *ki)
{
    *kc = *ki = 0;
    for (dom_attr_t *a = dom_attr_first(r->node); a; a = dom_attr_next(a)) {
        size_t kl, vl;
        const char *k = dom_attr_key(a, &kl), *v = dom_attr_value(a, &vl);
        if (key_is(k, kl, "class"))
            *kc = hint_scan(v, vl);
        else if (key_is(k, kl, "id"))
            *ki = hint_scan(v, vl);
        else if ((key_is(k, kl, "role") && role_unlikely(v, vl)) ||
                 (key_is(k, kl, "aria-modal") && value_is(v, vl, "true")))
            r->flags |= RF_UNLIKELY;
        else if ((key_is(k, kl, "rel") || key_is(k, kl, "itemprop")) && value_is(v, vl, "author"))
            r->flags |= RF_BYLINE;
        else if (key_is(k, kl, "role") && value_is(v, vl, "main"))
            r->flags |= RF_MAIN | RF_LANDMARK;
        else if (key_is(k, kl, "itemprop") && value_is(v, vl, "articleBody"))
            r->flags |= RF_MAIN;
    }
}

/* Computes the once-per-call hints of an element: weight, unlikely, share, byline. */
static void classify_element(rnode_t *r, const rnode_t *parent)
{
    unsigned kc, ki;
    scan_attributes(r, &kc, &ki);
    unsigned k = kc | ki;
    r->weight = (int8_t)(hint_weight(kc) + hint_weight(ki));
    if ((k & (H_UNLIKELY | H_RESCUE)) == H_UNLIKELY)
        r->flags |= RF_UNLIKELY;
    if (k & H_SHARE)
        r->flags |= RF_SHARE;
    if (k & H_BYLINE)
        r->flags |= RF_BYLINE;
    if ((parent && (parent->flags & (RF_TABLE | RF_CODE))) || r->tag == DOM_TAG_BODY ||
        r->tag == DOM_TAG_A)
        r->flags &= ~(uint32_t)RF_UNLIKELY;
}

/* ---- side table -------------------------------------------------------- */

bool rt_is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

/* Counts characters (UTF-8 code points; each whitespace run counts one) and commas. */
static void count_text(const char *s, size_t len, uint32_t *chars, uint32_t *commas)
{
    uint32_t c = 0, k = 0, runs = 0;
    bool space = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)s[i];
        if (rt_is_space(b)) {
            space = true;
            continue;
        }
        if (space)
            runs++;
        space = false;
        if ((b & 0xC0) != 0x80)
            c++;
        if (b == ',')
            k++;
        else if (b == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBC &&
                 (unsigned char)s[i + 2] == 0x8C)
            k++; /* U+FF0C fullwidth comma */
    }
    if (c && space)
        runs++;
    *chars = c ? c + runs : 0;
    *commas = k;
}

static void inherit_flags(rnode_t *r, const rnode_t *p)
{
    if (!p)
        return;
    r->flags |= p->flags & (RF_CODE | RF_LINK | RF_HASH | RF_FIGURE | RF_TABLE);
    if (!(r->flags & RF_ELEM))
        return;
    switch (r->tag) {
    case DOM_TAG_PRE:
    case DOM_TAG_CODE:
        r->flags |= RF_CODE;
        break;
    case DOM_TAG_FIGURE:
        r->flags |= RF_FIGURE;
        break;
    case DOM_TAG_TABLE:
        r->flags |= RF_TABLE;
        break;
    case DOM_TAG_A: {
        size_t len;
        const char *href = dom_attr(r->node, "href", &len);
        r->flags |= RF_LINK;
        if (href && len && href[0] == '#')
            r->flags |= RF_HASH;
        break;
    }
    default:
        break;
    }
}

static int32_t tab_add(rtab_t *rt, dom_node_t *node, int32_t parent)
{
    if (rt->n == rt->cap) {
        rt->cap = rt->cap ? rt->cap * 2 : 1024;
        rt->t = xrealloc(rt->t, (size_t)rt->cap * sizeof *rt->t);
    }
    rnode_t *r = &rt->t[rt->n];
    const rnode_t *p = parent >= 0 ? &rt->t[parent] : NULL;
    memset(r, 0, sizeof *r);
    r->node = node;
    r->parent = parent;
    r->tag = (uint8_t)dom_tag_of(node);
    if (r->tag == DOM_TAG_TEXT) {
        size_t len;
        const char *s = dom_text(node, &len);
        r->flags |= RF_TEXT;
        count_text(s, len, &r->text, &r->commas);
    } else if (r->tag != DOM_TAG_COMMENT && r->tag != DOM_TAG_DOCTYPE) {
        r->flags |= RF_ELEM;
    }
    inherit_flags(r, p);
    if (r->flags & RF_ELEM)
        classify_element(r, p);
    if ((r->flags & RF_TEXT) && (r->flags & RF_LINK))
        r->link = r->text * ((r->flags & RF_HASH) ? 3 : 10);
    return rt->n++;
}

/* Builds the table over root's subtree in pre-order (one walk). */
static void tab_build(rtab_t *rt, dom_node_t *root)
{
    int32_t cur = tab_add(rt, root, -1);
    dom_node_t *n = root;
    for (;;) {
        dom_node_t *c = dom_first_child(n);
        if (c) {
            cur = tab_add(rt, c, cur);
            n = c;
            continue;
        }
        for (;;) {
            rt->t[cur].end = rt->n;
            if (cur == 0)
                return;
            dom_node_t *s = dom_next(n);
            int32_t p = rt->t[cur].parent;
            if (s) {
                cur = tab_add(rt, s, p);
                n = s;
                break;
            }
            cur = p;
            n = rt->t[p].node;
        }
    }
}

/* Elements that flow inside a paragraph (phrasing content). */
static bool is_phrasing(unsigned tag)
{
    switch (tag) {
    case DOM_TAG_A:
    case DOM_TAG_ABBR:
    case DOM_TAG_AUDIO:
    case DOM_TAG_B:
    case DOM_TAG_BIG:
    case DOM_TAG_BR:
    case DOM_TAG_BUTTON:
    case DOM_TAG_CITE:
    case DOM_TAG_CODE:
    case DOM_TAG_DEL:
    case DOM_TAG_DFN:
    case DOM_TAG_EM:
    case DOM_TAG_EMBED:
    case DOM_TAG_FONT:
    case DOM_TAG_I:
    case DOM_TAG_IMG:
    case DOM_TAG_INPUT:
    case DOM_TAG_INS:
    case DOM_TAG_KBD:
    case DOM_TAG_LABEL:
    case DOM_TAG_MARK:
    case DOM_TAG_MATH:
    case DOM_TAG_NOSCRIPT:
    case DOM_TAG_OBJECT:
    case DOM_TAG_OUTPUT:
    case DOM_TAG_Q:
    case DOM_TAG_RUBY:
    case DOM_TAG_S:
    case DOM_TAG_SAMP:
    case DOM_TAG_SCRIPT:
    case DOM_TAG_SELECT:
    case DOM_TAG_SMALL:
    case DOM_TAG_SPAN:
    case DOM_TAG_STRIKE:
    case DOM_TAG_STRONG:
    case DOM_TAG_SUB:
    case DOM_TAG_SUP:
    case DOM_TAG_TEXTAREA:
    case DOM_TAG_TIME:
    case DOM_TAG_TT:
    case DOM_TAG_U:
    case DOM_TAG_VAR:
    case DOM_TAG_WBR:
        return true;
    default:
        return false;
    }
}

bool rt_breaks_paragraph(const rnode_t *r)
{
    return (r->flags & RF_ELEM) && !is_phrasing(r->tag);
}

/* True for a br followed (across whitespace) by another br. */
bool rt_is_double_br(const rtab_t *rt, int32_t c, int32_t end)
{
    if (rt->t[c].tag != DOM_TAG_BR)
        return false;
    for (int32_t d = rt->t[c].end; d < end; d = rt->t[d].end) {
        if (rt->t[d].tag == DOM_TAG_BR)
            return true;
        if (rt->t[d].text || (rt->t[d].flags & RF_ELEM))
            return false;
    }
    return false;
}

/* Flags what kind of children each element has: blocks (double line breaks count as block
 * boundaries), and/or inline content. Also spreads RF_MAIN up to the ancestors, which are then
 * never unlikely (a "has-sidebar" layout wrapper holding the article is not a sidebar). */
static void mark_children_kinds(rtab_t *rt)
{
    for (int32_t i = rt->n - 1; i > 0; i--) {
        rnode_t *r = &rt->t[i];
        rnode_t *p = &rt->t[r->parent];
        if (r->tag == DOM_TAG_MAIN)
            r->flags |= RF_MAIN | RF_LANDMARK;
        if (r->flags & RF_MAIN) {
            r->flags &= ~(uint32_t)RF_UNLIKELY;
            p->flags |= RF_MAIN;
        }
        if (rt_breaks_paragraph(r))
            p->flags |= RF_HAS_BLOCK;
        else if (rt_is_double_br(rt, i, p->end))
            p->flags |= RF_HAS_BLOCK | RF_BRBR;
        else if (r->text || ((r->flags & RF_ELEM) && r->tag != DOM_TAG_BR))
            p->flags |= RF_HAS_INLINE;
    }
}

void rt_build(rtab_t *rt, dom_node_t *root)
{
    pthread_once(&hint_once, hint_index);
    tab_build(rt, root);
    mark_children_kinds(rt);
}
