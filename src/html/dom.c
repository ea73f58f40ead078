/*
 * MyHTML behind dom.h.
 *
 * Threads: MyHTML parser instances are not thread-safe, so each thread gets
 * its own myhtml_t (single-threaded parse mode), created lazily and destroyed
 * by a pthread key destructor when the thread exits. Documents are owned by
 * the thread that parsed them. Each thread also keeps one spare tree: a
 * freed document's tree is cleaned and reused by the thread's next parse
 * (creating a tree allocates all its memory pools), unless the document was
 * large, so that one huge page does not pin its pools for the thread's life.
 */
#include "html/dom.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <myhtml/myhtml.h>
#include <myhtml/serialization.h>

#include "html/nesting.h"
#include "util/mem.h"

#define SPARE_MAX_INPUT (1u << 20) /* trees of larger inputs are not kept */

struct dom_doc {
    myhtml_tree_t *tree;
    size_t input_len;
    buf_t guarded; /* the input rewritten by the nesting guard, when it had to */
};

#define NODE(n)  ((myhtml_tree_node_t *)(n))
#define DNODE(n) ((dom_node_t *)(n))

static pthread_key_t parser_key;
static pthread_once_t parser_once = PTHREAD_ONCE_INIT;
static unsigned char tag_map[MyHTML_TAG_LAST_ENTRY + 1];

typedef struct {
    myhtml_t *m;
    myhtml_tree_t *spare; /* a cleaned tree of m, or NULL */
} parser_t;

static void parser_destroy(void *p)
{
    parser_t *t = p;
    myhtml_tree_destroy(t->spare);
    myhtml_destroy(t->m);
    free(t);
}

static void parser_key_init(void)
{
    pthread_key_create(&parser_key, parser_destroy);
#define DOM_TAG_MAP(name) tag_map[MyHTML_TAG_##name] = DOM_TAG_##name;
    DOM_TAGS(DOM_TAG_MAP)
#undef DOM_TAG_MAP
    tag_map[MyHTML_TAG__TEXT] = DOM_TAG_TEXT;
    tag_map[MyHTML_TAG__COMMENT] = DOM_TAG_COMMENT;
    tag_map[MyHTML_TAG__DOCTYPE] = DOM_TAG_DOCTYPE;
}

static parser_t *thread_parser(void)
{
    pthread_once(&parser_once, parser_key_init);
    parser_t *t = pthread_getspecific(parser_key);
    if (t)
        return t;
    myhtml_t *m = myhtml_create();
    if (!m || myhtml_init(m, MyHTML_OPTIONS_PARSE_MODE_SINGLE, 1, 0) != MyHTML_STATUS_OK) {
        myhtml_destroy(m);
        return NULL;
    }
    t = xcalloc(1, sizeof *t);
    t->m = m;
    pthread_setspecific(parser_key, t);
    return t;
}

/* The thread's spare tree, or a new one. */
static myhtml_tree_t *tree_take(parser_t *t)
{
    myhtml_tree_t *tree = t->spare;
    t->spare = NULL;
    if (tree)
        return tree;
    tree = myhtml_tree_create();
    if (tree && myhtml_tree_init(tree, t->m) != MyHTML_STATUS_OK) {
        myhtml_tree_destroy(tree);
        tree = NULL;
    }
    return tree;
}

dom_doc_t *dom_parse(const char *html, size_t len)
{
    parser_t *t = thread_parser();
    if (!t)
        return NULL;
    dom_doc_t *doc = xcalloc(1, sizeof *doc);
    buf_init(&doc->guarded, 0);
    if (!html)
        html = "";
    doc->input_len = len;
    if (nesting_limit(html, len, NESTING_MAX_DEPTH, &doc->guarded)) {
        html = buf_str(&doc->guarded);
        len = doc->guarded.len;
    }
    doc->tree = tree_take(t);
    if (!doc->tree || myhtml_parse(doc->tree, MyENCODING_UTF_8, html, len) != MyHTML_STATUS_OK) {
        dom_doc_free(doc);
        return NULL;
    }
    return doc;
}

void dom_doc_free(dom_doc_t *doc)
{
    if (!doc)
        return;
    parser_t *t = pthread_getspecific(parser_key);
    if (doc->tree && t && !t->spare && doc->input_len <= SPARE_MAX_INPUT &&
        myhtml_tree_get_myhtml(doc->tree) == t->m) {
        myhtml_tree_clean(doc->tree);
        t->spare = doc->tree;
    } else {
        myhtml_tree_destroy(doc->tree);
    }
    buf_cleanup(&doc->guarded);
    free(doc);
}

dom_node_t *dom_root(dom_doc_t *doc)
{
    return DNODE(myhtml_tree_get_document(doc->tree));
}

dom_node_t *dom_html(dom_doc_t *doc)
{
    return DNODE(myhtml_tree_get_node_html(doc->tree));
}

dom_node_t *dom_head(dom_doc_t *doc)
{
    return DNODE(myhtml_tree_get_node_head(doc->tree));
}

dom_node_t *dom_body(dom_doc_t *doc)
{
    return DNODE(myhtml_tree_get_node_body(doc->tree));
}

dom_node_t *dom_first_child(const dom_node_t *n)
{
    return DNODE(NODE(n)->child);
}

dom_node_t *dom_last_child(const dom_node_t *n)
{
    return DNODE(NODE(n)->last_child);
}

dom_node_t *dom_next(const dom_node_t *n)
{
    return DNODE(NODE(n)->next);
}

dom_node_t *dom_prev(const dom_node_t *n)
{
    return DNODE(NODE(n)->prev);
}

dom_node_t *dom_parent(const dom_node_t *n)
{
    return DNODE(NODE(n)->parent);
}

dom_node_t *dom_walk_next(const dom_node_t *scope, const dom_node_t *n, bool skip_children)
{
    const myhtml_tree_node_t *cur = NODE(n);
    if (!skip_children && cur->child)
        return DNODE(cur->child);
    while (cur && cur != NODE(scope)) {
        if (cur->next)
            return DNODE(cur->next);
        cur = cur->parent;
    }
    return NULL;
}

dom_tag dom_tag_of(const dom_node_t *n)
{
    const myhtml_tree_node_t *node = NODE(n);
    if (node->tree && node == node->tree->document)
        return DOM_TAG_DOCUMENT;
    if (node->tag_id > MyHTML_TAG_LAST_ENTRY)
        return DOM_TAG_OTHER;
    return (dom_tag)tag_map[node->tag_id];
}

const char *dom_tag_name(const dom_node_t *n, size_t *len)
{
    size_t l = 0;
    const char *s = myhtml_tag_name_by_id(NODE(n)->tree, NODE(n)->tag_id, &l);
    if (!s) {
        s = "";
        l = 0;
    }
    if (len)
        *len = l;
    return s;
}

bool dom_is_html_element(const dom_node_t *n)
{
    const myhtml_tree_node_t *node = NODE(n);
    return node->ns == MyHTML_NAMESPACE_HTML && node->tag_id > MyHTML_TAG__DOCTYPE;
}

const char *dom_text(const dom_node_t *n, size_t *len)
{
    size_t l = 0;
    const char *s = myhtml_node_text(NODE(n), &l);
    if (!s) {
        s = "";
        l = 0;
    }
    if (len)
        *len = l;
    return s;
}

const char *dom_attr(const dom_node_t *n, const char *key, size_t *len)
{
    myhtml_tree_attr_t *a = myhtml_attribute_by_key(NODE(n), key, strlen(key));
    if (!a)
        return NULL;
    return dom_attr_value((dom_attr_t *)a, len);
}

dom_attr_t *dom_attr_first(const dom_node_t *n)
{
    return (dom_attr_t *)myhtml_node_attribute_first(NODE(n));
}

dom_attr_t *dom_attr_next(const dom_attr_t *a)
{
    return (dom_attr_t *)myhtml_attribute_next((myhtml_tree_attr_t *)a);
}

const char *dom_attr_key(const dom_attr_t *a, size_t *len)
{
    size_t l = 0;
    const char *s = myhtml_attribute_key((myhtml_tree_attr_t *)a, &l);
    if (!s) {
        s = "";
        l = 0;
    }
    if (len)
        *len = l;
    return s;
}

const char *dom_attr_value(const dom_attr_t *a, size_t *len)
{
    size_t l = 0;
    const char *s = myhtml_attribute_value((myhtml_tree_attr_t *)a, &l);
    if (!s) {
        s = "";
        l = 0;
    }
    if (len)
        *len = l;
    return s;
}

/* Replaced attributes and removed nodes are unlinked, never freed one by one: MyHTML files each
 * freed string in a per-tree list sorted by size that every later free and allocation walks, so
 * freeing k of them costs O(k^2). Their memory goes back with the whole tree (dom_doc_free). */
void dom_attr_set(dom_node_t *n, const char *key, const char *value, size_t value_len)
{
    myhtml_tree_attr_t *old = myhtml_attribute_by_key(NODE(n), key, strlen(key));
    if (old)
        myhtml_attribute_remove(NODE(n), old);
    myhtml_attribute_add(NODE(n), key, strlen(key), value, value_len, MyENCODING_UTF_8);
}

void dom_remove(dom_node_t *n)
{
    myhtml_node_remove(NODE(n));
}

cinder_err dom_text_content(const dom_node_t *n, buf_t *out)
{
    for (const dom_node_t *c = n; c; c = dom_walk_next(n, c, false)) {
        if (NODE(c)->tag_id != MyHTML_TAG__TEXT)
            continue;
        size_t len;
        const char *s = dom_text(c, &len);
        cinder_err rc = buf_append(out, s, len);
        if (rc)
            return rc;
    }
    return CINDER_OK;
}

typedef struct {
    buf_t *out;
    cinder_err rc;
} serialize_ctx_t;

static mystatus_t serialize_cb(const char *data, size_t len, void *ud)
{
    serialize_ctx_t *ctx = ud;
    if (!ctx->rc)
        ctx->rc = buf_append(ctx->out, data, len);
    return ctx->rc ? MyHTML_STATUS_ERROR : MyHTML_STATUS_OK;
}

cinder_err dom_serialize(const dom_node_t *n, buf_t *out)
{
    serialize_ctx_t ctx = {out, CINDER_OK};
    const myhtml_tree_node_t *node = NODE(n);
    if (dom_tag_of(n) == DOM_TAG_DOCUMENT) {
        for (node = node->child; node && !ctx.rc; node = node->next)
            myhtml_serialization_tree_callback((myhtml_tree_node_t *)node, serialize_cb, &ctx);
        return ctx.rc;
    }
    myhtml_serialization_tree_callback((myhtml_tree_node_t *)node, serialize_cb, &ctx);
    return ctx.rc;
}
