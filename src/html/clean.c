/*
 * Document cleaning: markup removal, includeTags/excludeTags, hidden
 * elements and consent banners, then main-content extraction.
 */
#include "html/clean.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html/readable.h"
#include "html/select.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strmemo.h"

/* Nodes never part of the content. */
static bool is_markup_only(const dom_node_t *n)
{
    switch (dom_tag_of(n)) {
    case DOM_TAG_HEAD:
    case DOM_TAG_SCRIPT:
    case DOM_TAG_STYLE:
    case DOM_TAG_NOSCRIPT:
    case DOM_TAG_TEMPLATE:
    case DOM_TAG_META:
    case DOM_TAG_LINK:
    case DOM_TAG_COMMENT:
        return true;
    default:
        return false;
    }
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Position just after the first case-insensitive occurrence of needle (lower case) in s, from
 * *pos; false when there is none. */
static bool find_ci(const char *s, size_t len, size_t *pos, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = *pos; i + nl <= len; i++) {
        if (lower((unsigned char)s[i]) != (unsigned char)needle[0])
            continue;
        size_t k = 1;
        while (k < nl && lower((unsigned char)s[i + k]) == (unsigned char)needle[k])
            k++;
        if (k == nl) {
            *pos = i + nl;
            return true;
        }
    }
    return false;
}

/* True when the declarations in style set property to value ("display", "none"). */
static bool style_sets(const char *s, size_t len, const char *property, const char *value)
{
    size_t pos = 0;
    while (find_ci(s, len, &pos, property)) {
        size_t i = pos;
        while (i < len && is_space(s[i]))
            i++;
        if (i >= len || s[i] != ':')
            continue;
        i++;
        while (i < len && is_space(s[i]))
            i++;
        size_t at = i;
        if (find_ci(s, len, &at, value) && at == i + strlen(value))
            return true;
    }
    return false;
}

/* The attributes the hidden and consent tests look at. */
typedef struct {
    const char *cls, *id, *style, *aria_hidden;
    size_t cl, il, sl, al;
    bool hidden;
} clean_attrs_t;

static bool key_is(const char *k, size_t kl, const char *name)
{
    return kl == strlen(name) && memcmp(k, name, kl) == 0;
}

static void read_attrs(const dom_node_t *n, clean_attrs_t *a)
{
    memset(a, 0, sizeof *a);
    for (dom_attr_t *x = dom_attr_first(n); x; x = dom_attr_next(x)) {
        size_t kl;
        const char *k = dom_attr_key(x, &kl);
        if (key_is(k, kl, "class"))
            a->cls = dom_attr_value(x, &a->cl);
        else if (key_is(k, kl, "id"))
            a->id = dom_attr_value(x, &a->il);
        else if (key_is(k, kl, "style"))
            a->style = dom_attr_value(x, &a->sl);
        else if (key_is(k, kl, "aria-hidden"))
            a->aria_hidden = dom_attr_value(x, &a->al);
        else if (key_is(k, kl, "hidden"))
            a->hidden = true;
    }
}

static bool is_hidden(const clean_attrs_t *a)
{
    size_t pos = 0;
    if (a->hidden)
        return true;
    if (a->aria_hidden && a->al == 4 && strncasecmp(a->aria_hidden, "true", 4) == 0)
        return !(a->cls && find_ci(a->cls, a->cl, &pos, "fallback-image"));
    return a->style && (style_sets(a->style, a->sl, "display", "none") ||
                        style_sets(a->style, a->sl, "visibility", "hidden"));
}

#define CONSENT_MAX_TEXT  2000  /* a consent banner is shorter than this (visible chars) */
#define CONSENT_MAX_NODES 20000 /* and has fewer nodes */

/* True when the subtree of n has fewer than CONSENT_MAX_TEXT visible characters (and fewer than
 * CONSENT_MAX_NODES nodes: the count stops there). */
static bool is_short(const dom_node_t *n)
{
    size_t total = 0, nodes = 0;
    for (const dom_node_t *d = n; d; d = dom_walk_next(n, d, false)) {
        if (++nodes >= CONSENT_MAX_NODES)
            return false;
        if (dom_tag_of(d) != DOM_TAG_TEXT)
            continue;
        size_t len;
        const char *s = dom_text(d, &len);
        for (size_t i = 0; i < len; i++)
            total += !is_space(s[i]);
        if (total >= CONSENT_MAX_TEXT)
            return false;
    }
    return true;
}

static bool names_consent_uncached(const char *s, size_t len)
{
    static const char *const words[] = {"cookie", "consent", "gdpr", NULL};
    for (const char *const *w = words; s && *w; w++) {
        size_t pos = 0;
        if (find_ci(s, len, &pos, *w))
            return true;
    }
    return false;
}

/* names_consent_uncached through a per-thread memo: a page repeats its class values. */
static bool names_consent(const char *s, size_t len)
{
    static _Thread_local strmemo_t memo;
    unsigned v;
    if (strmemo_get(&memo, s, len, &v))
        return v != 0;
    v = names_consent_uncached(s, len);
    strmemo_put(&memo, s, len, v);
    return v != 0;
}

/* What the onlyMainContent pre-pass does with an element. */
typedef enum { KEEP, DROP, KEEP_CONSENT_NAMED } verdict_t;

/* Hidden elements and cookie/consent banners (named so by class or id, and short) go. A long
 * element named so (a cookie policy page) stays, and so does everything inside it. */
static verdict_t judge(const dom_node_t *n, bool consent_checks)
{
    dom_tag t = dom_tag_of(n);
    if (t == DOM_TAG_TEXT || t == DOM_TAG_HTML || t == DOM_TAG_BODY || !dom_is_html_element(n))
        return KEEP;
    clean_attrs_t a;
    read_attrs(n, &a);
    if (is_hidden(&a))
        return DROP;
    if (!consent_checks || t == DOM_TAG_MAIN || t == DOM_TAG_ARTICLE ||
        (!names_consent(a.cls, a.cl) && !names_consent(a.id, a.il)))
        return KEEP;
    return is_short(n) ? DROP : KEEP_CONSENT_NAMED;
}

/* Removes markup-only nodes under root and, with hidden_too, hidden elements and consent
 * banners (consent_checks). One walk; each node is measured by is_short at most once. */
static void strip(dom_node_t *root, bool hidden_too, bool consent_checks)
{
    dom_node_t *n = dom_first_child(root);
    while (n) {
        verdict_t v = is_markup_only(n) ? DROP : hidden_too ? judge(n, consent_checks) : KEEP;
        if (v == KEEP_CONSENT_NAMED)
            strip(n, true, false);
        dom_node_t *next = dom_walk_next(root, n, v != KEEP);
        if (v == DROP)
            dom_remove(n);
        n = next;
    }
}

/* Joins (valid) selectors into one selector list ("a, b"), so one match pass returns them all in
 * document order. Caller frees. */
static char *join_selectors(const char *const *sel, size_t n)
{
    buf_t b;
    buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        if ((i && buf_puts(&b, ", ")) || buf_puts(&b, sel[i])) {
            buf_cleanup(&b);
            return NULL;
        }
    }
    return buf_steal(&b);
}

/* The document's frame (html, body) is emptied rather than removed: the document keeps pointers
 * to it. */
static bool is_frame(const dom_node_t *n)
{
    dom_tag t = dom_tag_of(n);
    return t == DOM_TAG_HTML || t == DOM_TAG_BODY || t == DOM_TAG_DOCTYPE;
}

static void remove_or_empty(dom_node_t *n)
{
    if (!is_frame(n)) {
        dom_remove(n);
        return;
    }
    for (dom_node_t *c = dom_first_child(n), *next; c; c = next) {
        next = dom_next(c);
        remove_or_empty(c);
    }
}

/* A set of nodes (open addressing, linear probing, grows at half full). */
typedef struct {
    const dom_node_t **slot;
    size_t cap, count; /* cap is a power of two */
} node_set_t;

static size_t node_hash(const dom_node_t *n, size_t cap)
{
    return (size_t)(((uint64_t)(uintptr_t)n * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

static void node_set_init(node_set_t *s, size_t n)
{
    s->cap = 16;
    while (s->cap < 2 * n)
        s->cap <<= 1;
    s->count = 0;
    s->slot = xcalloc(s->cap, sizeof *s->slot);
}

static bool node_set_has(const node_set_t *s, const dom_node_t *n)
{
    for (size_t i = node_hash(n, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
        if (s->slot[i] == n)
            return true;
    return false;
}

/* Adds n; returns false when it was already there. */
static bool node_set_add(node_set_t *s, const dom_node_t *n)
{
    if (node_set_has(s, n))
        return false;
    if (2 * (s->count + 1) > s->cap) {
        node_set_t bigger;
        node_set_init(&bigger, s->cap);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                node_set_add(&bigger, s->slot[i]);
        free(s->slot);
        *s = bigger;
    }
    size_t i = node_hash(n, s->cap);
    while (s->slot[i])
        i = (i + 1) & (s->cap - 1);
    s->slot[i] = n;
    s->count++;
    return true;
}

/* Keeps only the matched subtrees (m) and the ancestors holding them. Linear: each ancestor
 * chain is walked up only until it meets one already recorded. */
static void keep_only(dom_node_t *root, dom_node_t **m, size_t cnt)
{
    node_set_t keep, holders;
    node_set_init(&keep, cnt);
    node_set_init(&holders, cnt);
    for (size_t i = 0; i < cnt; i++) {
        node_set_add(&keep, m[i]);
        for (dom_node_t *a = dom_parent(m[i]); a && a != root; a = dom_parent(a))
            if (!node_set_add(&holders, a))
                break;
    }
    dom_node_t *n = dom_first_child(root);
    while (n) {
        bool kept = node_set_has(&keep, n);
        bool holds = !kept && (is_frame(n) || node_set_has(&holders, n));
        dom_node_t *next = dom_walk_next(root, n, !holds);
        if (!kept && !holds)
            dom_remove(n);
        n = next;
    }
    free(keep.slot);
    free(holders.slot);
}

static cinder_err apply_selectors(dom_doc_t *doc, const char *const *sel, size_t n, bool include)
{
    dom_node_t **m = NULL;
    size_t cnt = 0;
    cinder_err rc = CINDER_E_NOMEM;
    char *joined = join_selectors(sel, n);
    if (!joined)
        goto out;
    rc = select_all(dom_root(doc), joined, &m, &cnt);
    if (rc)
        goto out;
    if (include) {
        keep_only(dom_root(doc), m, cnt);
    } else {
        for (size_t i = cnt; i-- > 0;) /* descendants before their ancestors */
            remove_or_empty(m[i]);
    }
out:
    free(m);
    free(joined);
    return rc;
}

static bool all_valid(const char *const *sel, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!select_valid(sel[i]))
            return false;
    return true;
}

cinder_err clean_document(dom_doc_t *doc, const clean_options_t *opt, dom_node_t **content)
{
    cinder_err rc = CINDER_OK;
    *content = NULL;
    if (!all_valid(opt->include_tags, opt->n_include) ||
        !all_valid(opt->exclude_tags, opt->n_exclude))
        return CINDER_E_INVALID;
    /* without selectors, hidden elements and banners go in the same walk as the markup */
    bool early = opt->only_main_content && !opt->n_include && !opt->n_exclude;
    strip(dom_root(doc), early, early);
    if (opt->n_include && (rc = apply_selectors(doc, opt->include_tags, opt->n_include, true)))
        goto out;
    if (opt->n_exclude && (rc = apply_selectors(doc, opt->exclude_tags, opt->n_exclude, false)))
        goto out;
    dom_node_t *body = dom_body(doc);
    *content = body;
    if (!body || !opt->only_main_content)
        goto out;
    if (!early)
        strip(body, true, true);
    if (!opt->n_include)
        rc = readable_extract(body, content);
out:
    return rc;
}
