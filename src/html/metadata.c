/*
 * One walk over the whole document collects the first <title>, the favicon
 * candidates and up to METADATA_MAX_METAS named <meta> elements; the JSON
 * object is then built from that list. Derived keys (title, language, favicon)
 * are set first and win over raw <meta> copies of the same name.
 */
#include "html/metadata.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/charset.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/url.h"

/* Longest raw <meta> name copied as a key. */
#define MAX_KEY 256

typedef struct {
    const char *key, *value;
    size_t key_len, value_len;
    bool itemprop; /* named by itemprop (microdata): raw copy only */
} meta_t;

typedef struct {
    const dom_node_t *title;
    const char *icon, *icon_any; /* href of link[rel=icon], of link[rel*=icon] */
    size_t icon_len, icon_any_len;
    meta_t *metas;
    size_t n_metas;
} page_t;

typedef struct {
    const char *meta; /* lower-case meta name */
    const char *key;  /* metadata key */
    bool is_url;      /* made absolute against the base URL */
} typed_t;

static const typed_t typed_keys[] = {
    {"og:title", "ogTitle", false},
    {"og:description", "ogDescription", false},
    {"og:url", "ogUrl", true},
    {"og:image", "ogImage", true},
    {"og:audio", "ogAudio", true},
    {"og:determiner", "ogDeterminer", false},
    {"og:locale", "ogLocale", false},
    {"og:site_name", "ogSiteName", false},
    {"og:video", "ogVideo", true},
    {"article:section", "articleSection", false},
    {"article:tag", "articleTag", false},
    {"article:published_time", "publishedTime", false},
    {"article:modified_time", "modifiedTime", false},
    {"dcterms.keywords", "dcTermsKeywords", false},
    {"dc.description", "dcDescription", false},
    {"dc.subject", "dcSubject", false},
    {"dcterms.subject", "dcTermsSubject", false},
    {"dcterms.audience", "dcTermsAudience", false},
    {"dc.type", "dcType", false},
    {"dcterms.type", "dcTermsType", false},
    {"dc.date", "dcDate", false},
    {"dc.date.created", "dcDateCreated", false},
    {"dcterms.created", "dcTermsCreated", false},
    {"keywords", "keywords", false},
    {"robots", "robots", false},
};

#define N_TYPED (sizeof typed_keys / sizeof typed_keys[0])

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static const char *trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    while (n && is_space(s[n - 1]))
        n--;
    *len = n;
    return s;
}

/* True for a name= or property= meta called name (any case). */
static bool name_is(const meta_t *m, const char *name)
{
    size_t n = strlen(name);
    return !m->itemprop && m->key_len == n && strncasecmp(m->key, name, n) == 0;
}

/* Cuts len down to max bytes without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* A JSON string of at most METADATA_MAX_VALUE bytes; invalid UTF-8 is repaired. */
static json_t *jstr(const char *s, size_t len)
{
    json_t *j = json_stringn(s, utf8_cut(s, len, METADATA_MAX_VALUE));
    if (j)
        return j;
    buf_t b;
    buf_init(&b, 0);
    if (charset_utf8_sanitize(s, len, &b) == CINDER_OK)
        j = json_stringn(buf_str(&b), utf8_cut(buf_str(&b), b.len, METADATA_MAX_VALUE));
    buf_cleanup(&b);
    return j;
}

/* Sets key to value (consumed); NULL values are ignored. */
static void set_new(json_t *obj, const char *key, json_t *value)
{
    if (value)
        json_object_set_new(obj, key, value);
}

/* ---- collecting ---- */

static void collect_meta(page_t *pg, const dom_node_t *n)
{
    size_t klen = 0, vlen = 0;
    const char *key = dom_attr(n, "name", &klen);
    if (!key)
        key = dom_attr(n, "property", &klen);
    bool itemprop = !key;
    if (!key)
        key = dom_attr(n, "itemprop", &klen);
    const char *value = dom_attr(n, "content", &vlen);
    if (!key || !value || pg->n_metas >= METADATA_MAX_METAS)
        return;
    key = trim(key, &klen);
    if (!klen || klen > MAX_KEY || memchr(key, '\0', klen))
        return;
    pg->metas[pg->n_metas++] = (meta_t){key, value, klen, vlen, itemprop};
}

static bool rel_is_icon(const char *rel, size_t len)
{
    rel = trim(rel, &len);
    return len == 4 && strncasecmp(rel, "icon", 4) == 0;
}

static bool rel_has_icon(const char *rel, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (strncasecmp(rel + i, "icon", 4) == 0)
            return true;
    return false;
}

static void collect_link(page_t *pg, const dom_node_t *n)
{
    size_t rlen, hlen;
    const char *rel = dom_attr(n, "rel", &rlen);
    const char *href = dom_attr(n, "href", &hlen);
    if (!rel || !href)
        return;
    href = trim(href, &hlen);
    if (!hlen)
        return;
    if (!pg->icon && rel_is_icon(rel, rlen)) {
        pg->icon = href;
        pg->icon_len = hlen;
    }
    if (!pg->icon_any && rel_has_icon(rel, rlen)) {
        pg->icon_any = href;
        pg->icon_any_len = hlen;
    }
}

static void collect(dom_doc_t *doc, page_t *pg)
{
    dom_node_t *root = dom_root(doc);
    for (dom_node_t *n = root; n; n = dom_walk_next(root, n, false)) {
        dom_tag tag = dom_tag_of(n);
        if (tag == DOM_TAG_META)
            collect_meta(pg, n);
        else if (tag == DOM_TAG_LINK)
            collect_link(pg, n);
        else if (tag == DOM_TAG_TITLE && !pg->title && dom_is_html_element(n))
            pg->title = n;
    }
}

/* ---- derived keys ---- */

/* Collapses runs of ASCII whitespace to one space and trims, in place. */
static size_t collapse_spaces(char *s, size_t len)
{
    size_t j = 0;
    bool pending = false;
    for (size_t i = 0; i < len; i++) {
        if (is_space(s[i])) {
            pending = j > 0;
            continue;
        }
        if (pending)
            s[j++] = ' ';
        pending = false;
        s[j++] = s[i];
    }
    return j;
}

static void set_title(json_t *obj, const dom_node_t *title)
{
    buf_t b;
    buf_init(&b, 0);
    if (dom_text_content(title, &b) == CINDER_OK) {
        size_t n = b.data ? collapse_spaces(b.data, b.len) : 0;
        set_new(obj, "title", jstr(buf_str(&b), n));
    }
    buf_cleanup(&b);
}

static void set_language(json_t *obj, dom_doc_t *doc)
{
    dom_node_t *html = dom_html(doc);
    size_t len = 0;
    const char *lang = html ? dom_attr(html, "lang", &len) : NULL;
    if (!lang)
        return;
    lang = trim(lang, &len);
    if (len)
        set_new(obj, "language", jstr(lang, len));
}

/* Sets key to ref made absolute against base (ref as written if that fails). */
static void set_url(json_t *obj, const char *key, const char *base, const char *ref, size_t len)
{
    char *abs = url_resolve(base, ref, len);
    if (abs)
        set_new(obj, key, jstr(abs, strlen(abs)));
    else
        set_new(obj, key, jstr(ref, len));
    free(abs);
}

static void set_favicon(json_t *obj, const page_t *pg, const char *base)
{
    const char *href = pg->icon ? pg->icon : pg->icon_any;
    size_t len = pg->icon ? pg->icon_len : pg->icon_any_len;
    if (!href)
        return;
    char *abs = url_resolve(base, href, len);
    if (abs)
        set_new(obj, "favicon", jstr(abs, strlen(abs)));
    free(abs);
}

/* ---- <meta> keys ---- */

static bool is_derived_key(const char *key)
{
    return !strcmp(key, "title") || !strcmp(key, "language") || !strcmp(key, "favicon");
}

/* Adds one raw <meta> copy: first value a string, later ones turn it into an array. */
static void add_raw(json_t *obj, const meta_t *m)
{
    char *key = xstrndup(m->key, m->key_len);
    json_t *old = json_object_get(obj, key);
    json_t *value = NULL;
    if (!strcmp(key, "description") || (old && is_derived_key(key)))
        goto out;
    value = jstr(m->value, m->value_len);
    if (!value)
        goto out;
    if (json_is_array(old)) {
        json_array_append_new(old, value);
    } else if (old) {
        json_t *arr = json_array();
        json_array_append(arr, old);
        json_array_append_new(arr, value);
        json_object_set_new(obj, key, arr);
    } else {
        json_object_set_new(obj, key, value);
    }
out:
    free(key);
}

/* description: every <meta name=description> (any case) joined with ", ". */
static void set_description(json_t *obj, const page_t *pg)
{
    buf_t b;
    bool any = false;
    buf_init(&b, METADATA_MAX_VALUE);
    for (size_t i = 0; i < pg->n_metas; i++) {
        const meta_t *m = &pg->metas[i];
        if (!name_is(m, "description"))
            continue;
        if ((any && buf_append(&b, ", ", 2)) ||
            buf_append(&b, m->value, utf8_cut(m->value, m->value_len, METADATA_MAX_VALUE - b.len)))
            break;
        any = true;
    }
    if (any)
        set_new(obj, "description", jstr(buf_str(&b), b.len));
    buf_cleanup(&b);
}

static void set_locale_alternates(json_t *obj, const page_t *pg)
{
    json_t *arr = NULL;
    for (size_t i = 0; i < pg->n_metas; i++) {
        const meta_t *m = &pg->metas[i];
        if (!name_is(m, "og:locale:alternate"))
            continue;
        if (!arr)
            arr = json_array();
        json_t *v = jstr(m->value, m->value_len);
        if (v)
            json_array_append_new(arr, v);
    }
    set_new(obj, "ogLocaleAlternate", arr);
}

/* The typed keys: first <meta> of each name; a key already set is kept. */
static void set_typed(json_t *obj, const page_t *pg, const char *base)
{
    for (size_t t = 0; t < N_TYPED; t++) {
        const typed_t *tk = &typed_keys[t];
        if (json_object_get(obj, tk->key))
            continue;
        for (size_t i = 0; i < pg->n_metas; i++) {
            const meta_t *m = &pg->metas[i];
            if (!name_is(m, tk->meta))
                continue;
            if (tk->is_url)
                set_url(obj, tk->key, base, m->value, m->value_len);
            else
                set_new(obj, tk->key, jstr(m->value, m->value_len));
            break;
        }
    }
}

json_t *metadata_extract(dom_doc_t *doc, const char *page_url)
{
    json_t *obj = json_object();
    page_t pg = {0};
    if (!obj)
        return NULL;
    pg.metas = xmalloc(METADATA_MAX_METAS * sizeof *pg.metas);
    collect(doc, &pg);
    char *base = metadata_base_url(doc, page_url);
    if (pg.title)
        set_title(obj, pg.title);
    set_language(obj, doc);
    set_favicon(obj, &pg, base);
    for (size_t i = 0; i < pg.n_metas; i++)
        add_raw(obj, &pg.metas[i]);
    set_description(obj, &pg);
    set_locale_alternates(obj, &pg);
    set_typed(obj, &pg, base);
    free(base);
    free(pg.metas);
    return obj;
}

static bool is_http_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

char *metadata_base_url(dom_doc_t *doc, const char *page_url)
{
    dom_node_t *root = dom_root(doc);
    for (dom_node_t *n = root; n; n = dom_walk_next(root, n, false)) {
        size_t len;
        const char *href;
        if (dom_tag_of(n) != DOM_TAG_BASE || !dom_is_html_element(n))
            continue;
        if (!(href = dom_attr(n, "href", &len)))
            continue;
        char *abs = url_resolve(page_url, href, len);
        if (abs && is_http_url(abs))
            return abs;
        free(abs);
        break;
    }
    return page_url ? xstrdup(page_url) : NULL;
}
