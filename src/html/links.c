/*
 * Link and image extraction: one walk over the document, each reference
 * resolved with url_resolve and de-duplicated through a strset, so the cost is
 * linear in the number of references.
 */
#include "html/links.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strset.h"
#include "util/url.h"

typedef struct {
    json_t *arr;
    strset_t *seen;
    size_t max;
    url_resolver_t *res;
} acc_t;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool acc_init(acc_t *a, url_resolver_t *res, size_t max)
{
    a->arr = json_array();
    a->seen = strset_new(64);
    a->max = max ? max : LINKS_DEFAULT_MAX;
    a->res = res;
    return a->arr != NULL;
}

static void acc_cleanup(acc_t *a)
{
    strset_free(a->seen);
}

static bool acc_full(const acc_t *a)
{
    return json_array_size(a->arr) >= a->max;
}

/* Resolves ref and appends it unless it was seen before. */
static void acc_add(acc_t *a, const char *ref, size_t len)
{
    if (acc_full(a) || url_is_fragment_only(ref, len))
        return;
    char *abs = url_resolver_resolve(a->res, ref, len);
    if (abs && strset_add(a->seen, abs)) {
        json_t *s = json_string(abs);
        if (s)
            json_array_append_new(a->arr, s);
    }
    free(abs);
}

json_t *links_extract(dom_doc_t *doc, url_resolver_t *res, size_t max_links)
{
    acc_t a;
    if (!acc_init(&a, res, max_links)) {
        acc_cleanup(&a);
        return NULL;
    }
    dom_node_t *root = dom_root(doc);
    for (dom_node_t *n = root; n && !acc_full(&a); n = dom_walk_next(root, n, false)) {
        size_t len;
        const char *href;
        if (dom_tag_of(n) == DOM_TAG_A && (href = dom_attr(n, "href", &len)))
            acc_add(&a, href, len);
    }
    acc_cleanup(&a);
    return a.arr;
}

/* ---- images ---- */

static bool is_inline_uri(const char *s, size_t len)
{
    while (len && is_space(*s)) {
        s++;
        len--;
    }
    return (len >= 5 && strncasecmp(s, "data:", 5) == 0) ||
           (len >= 5 && strncasecmp(s, "blob:", 5) == 0);
}

static void add_image(acc_t *a, const char *ref, size_t len)
{
    if (!is_inline_uri(ref, len))
        acc_add(a, ref, len);
}

/* Adds the URL of each srcset candidate ("a.png 1x, b.png 2x"). */
static void add_srcset(acc_t *a, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (is_space(s[i]) || s[i] == ','))
            i++;
        size_t start = i;
        while (i < len && !is_space(s[i]))
            i++;
        size_t end = i;
        while (end > start && s[end - 1] == ',')
            end--;
        if (end > start)
            add_image(a, s + start, end - start);
        if (end < i)
            continue;
        while (i < len && s[i] != ',')
            i++;
    }
}

static void image_node(acc_t *a, const dom_node_t *n)
{
    static const char *const attrs[] = {"src", "data-src"};
    dom_tag tag = dom_tag_of(n);
    size_t len;
    const char *v;
    if (tag != DOM_TAG_IMG && tag != DOM_TAG_SOURCE)
        return;
    for (size_t i = 0; tag == DOM_TAG_IMG && i < 2; i++)
        if ((v = dom_attr(n, attrs[i], &len)))
            add_image(a, v, len);
    if ((v = dom_attr(n, "srcset", &len)))
        add_srcset(a, v, len);
}

json_t *links_images(dom_doc_t *doc, url_resolver_t *res, size_t max)
{
    acc_t a;
    if (!acc_init(&a, res, max)) {
        acc_cleanup(&a);
        return NULL;
    }
    dom_node_t *root = dom_root(doc);
    for (dom_node_t *n = root; n && !acc_full(&a); n = dom_walk_next(root, n, false))
        image_node(&a, n);
    acc_cleanup(&a);
    return a.arr;
}
