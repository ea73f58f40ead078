/*
 * CSS selectors over Modest (mycss parses, the finder matches).
 *
 * Threads: mycss and the finder are not thread-safe, so each thread owns one
 * instance of each, created lazily and destroyed by a pthread key destructor
 * when the thread exits (the same scheme as dom.c). dom_node_t is a cast of
 * myhtml_tree_node_t.
 */
#include "html/select.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <myhtml/myhtml.h>
#include <mycss/mycss.h>
#include <mycss/selectors/init.h>
#include <modest/finder/finder.h>

#include "util/mem.h"

typedef struct {
    mycss_t *css;
    mycss_entry_t *entry;
    modest_finder_t *finder;
} select_engine_t;

static pthread_key_t engine_key;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void engine_destroy(void *p)
{
    select_engine_t *e = p;
    if (!e)
        return;
    if (e->finder)
        modest_finder_destroy(e->finder, true);
    if (e->entry)
        mycss_entry_destroy(e->entry, true);
    if (e->css)
        mycss_destroy(e->css, true);
    free(e);
}

static void engine_key_init(void)
{
    pthread_key_create(&engine_key, engine_destroy);
}

static select_engine_t *thread_engine(void)
{
    pthread_once(&engine_once, engine_key_init);
    select_engine_t *e = pthread_getspecific(engine_key);
    if (e)
        return e;
    e = xcalloc(1, sizeof *e);
    e->css = mycss_create();
    if (!e->css || mycss_init(e->css) != MyCSS_STATUS_OK)
        goto fail;
    e->entry = mycss_entry_create();
    if (!e->entry || mycss_entry_init(e->css, e->entry) != MyCSS_STATUS_OK)
        goto fail;
    e->finder = modest_finder_create_simple();
    if (!e->finder)
        goto fail;
    pthread_setspecific(engine_key, e);
    return e;
fail:
    engine_destroy(e);
    return NULL;
}

static bool list_ok(const mycss_selectors_list_t *list, int depth);

/* mycss accepts some truncated input ("div >", "::", "p,") by leaving empty or untyped entries:
 * those, and anything it flagged bad, make the selector invalid. */
static bool entry_ok(const mycss_selectors_entry_t *x, int depth)
{
    if (x->type == MyCSS_SELECTORS_TYPE_UNDEF || x->type >= MyCSS_SELECTORS_TYPE_LAST_ENTRY ||
        (x->flags & MyCSS_SELECTORS_FLAGS_SELECTOR_BAD))
        return false;
    if (x->type != MyCSS_SELECTORS_TYPE_PSEUDO_CLASS_FUNCTION)
        return true;
    switch (x->sub_type) {
    case MyCSS_SELECTORS_SUB_TYPE_PSEUDO_CLASS_FUNCTION_UNDEF:
    case MyCSS_SELECTORS_SUB_TYPE_PSEUDO_CLASS_FUNCTION_UNKNOWN:
        return false;
    case MyCSS_SELECTORS_SUB_TYPE_PSEUDO_CLASS_FUNCTION_NOT:
    case MyCSS_SELECTORS_SUB_TYPE_PSEUDO_CLASS_FUNCTION_HAS:
    case MyCSS_SELECTORS_SUB_TYPE_PSEUDO_CLASS_FUNCTION_MATCHES:
    case MyCSS_SELECTORS_SUB_TYPE_PSEUDO_CLASS_FUNCTION_CURRENT:
        return x->value && list_ok(x->value, depth + 1);
    default:
        return x->value != NULL;
    }
}

static bool list_ok(const mycss_selectors_list_t *list, int depth)
{
    if (depth > 16 || (list->flags & MyCSS_SELECTORS_FLAGS_SELECTOR_BAD) ||
        list->entries_list_length == 0)
        return false;
    for (size_t i = 0; i < list->entries_list_length; i++) {
        const mycss_selectors_entry_t *x = list->entries_list[i].entry;
        if (!x)
            return false;
        for (; x; x = x->next)
            if (!entry_ok(x, depth))
                return false;
    }
    return true;
}

/* Parses selector; NULL when it is invalid (or empty). Destroy with list_free. */
static mycss_selectors_list_t *list_parse(select_engine_t *e, const char *selector)
{
    if (!selector)
        return NULL;
    size_t len = strlen(selector);
    size_t i = 0;
    while (i < len && strchr(" \t\r\n\f", selector[i]))
        i++;
    if (i == len)
        return NULL;
    mystatus_t st = MyCSS_STATUS_OK;
    mycss_selectors_list_t *list = mycss_selectors_parse(mycss_entry_selectors(e->entry),
                                                         MyENCODING_UTF_8, selector, len, &st);
    if (list && (st != MyCSS_STATUS_OK || !list_ok(list, 0))) {
        mycss_selectors_list_destroy(mycss_entry_selectors(e->entry), list, true);
        list = NULL;
    }
    mycss_entry_clean(e->entry);
    return list;
}

static void list_free(select_engine_t *e, mycss_selectors_list_t *list)
{
    if (list)
        mycss_selectors_list_destroy(mycss_entry_selectors(e->entry), list, true);
}

bool select_valid(const char *selector)
{
    select_engine_t *e = thread_engine();
    if (!e)
        return false;
    mycss_selectors_list_t *list = list_parse(e, selector);
    list_free(e, list);
    return list != NULL;
}

/* A set of node pointers (open addressing, linear probing); cap is a power of two. */
typedef struct {
    const void **slot;
    size_t cap;
} ptr_set_t;

static size_t ptr_hash(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (cap - 1);
}

static void ptr_set_init(ptr_set_t *s, size_t n)
{
    s->cap = 16;
    while (s->cap < 2 * n)
        s->cap <<= 1;
    s->slot = xcalloc(s->cap, sizeof *s->slot);
}

static void ptr_set_add(ptr_set_t *s, const void *p)
{
    size_t i = ptr_hash(p, s->cap);
    while (s->slot[i] && s->slot[i] != p)
        i = (i + 1) & (s->cap - 1);
    s->slot[i] = p;
}

static bool ptr_set_has(const ptr_set_t *s, const void *p)
{
    size_t i = ptr_hash(p, s->cap);
    while (s->slot[i]) {
        if (s->slot[i] == p)
            return true;
        i = (i + 1) & (s->cap - 1);
    }
    return false;
}

/* Copies the finder's matches into a fresh array in document order, without duplicates and
 * without scope itself. Returns the count. */
static size_t collect_in_order(dom_node_t *scope, const myhtml_collection_t *c, dom_node_t ***out)
{
    ptr_set_t set;
    ptr_set_init(&set, c->length);
    for (size_t i = 0; i < c->length; i++)
        ptr_set_add(&set, c->list[i]);
    dom_node_t **arr = xmalloc(c->length * sizeof *arr);
    size_t n = 0;
    for (dom_node_t *d = dom_walk_next(scope, scope, false); d && n < c->length;
         d = dom_walk_next(scope, d, false)) {
        if (ptr_set_has(&set, d))
            arr[n++] = d;
    }
    free(set.slot);
    if (n == 0) {
        free(arr);
        arr = NULL;
    }
    *out = arr;
    return n;
}

cinder_err select_all(dom_node_t *scope, const char *selector, dom_node_t ***out, size_t *n)
{
    cinder_err rc = CINDER_OK;
    myhtml_collection_t *found = NULL;
    *out = NULL;
    *n = 0;
    select_engine_t *e = thread_engine();
    if (!e)
        return CINDER_E_NOMEM;
    mycss_selectors_list_t *list = list_parse(e, selector);
    if (!list) {
        rc = CINDER_E_INVALID;
        goto out;
    }
    if (modest_finder_by_selectors_list(e->finder, (myhtml_tree_node_t *)scope, list, &found) !=
        MyCSS_STATUS_OK) {
        rc = CINDER_E_NOMEM;
        goto out;
    }
    if (found && found->length)
        *n = collect_in_order(scope, found, out);
out:
    if (found)
        myhtml_collection_destroy(found);
    list_free(e, list);
    return rc;
}
