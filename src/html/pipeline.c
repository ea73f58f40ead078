#include "html/pipeline.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/charset.h"
#include "html/clean.h"
#include "html/dom.h"
#include "html/links.h"
#include "html/markdown.h"
#include "html/metadata.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/url.h"
#include "util/utf8.h"

#define DEFAULT_MAX_OUTPUT (64u << 20)
#define DEFAULT_MAX_LINKS  10000

static bool type_is(const char *ct, const char *prefix)
{
    return strncasecmp(ct, prefix, strlen(prefix)) == 0;
}

static bool type_has(const char *ct, const char *needle)
{
    const char *semi = strchr(ct, ';');
    size_t n = semi ? (size_t)(semi - ct) : strlen(ct);
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (strncasecmp(ct + i, needle, m) == 0)
            return true;
    return false;
}

static pipe_body_kind sniff(const char *body, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
        i++;
    if (i < len && body[i] == '<')
        return PIPE_BODY_HTML;
    if (i < len && (body[i] == '{' || body[i] == '['))
        return PIPE_BODY_JSON;
    if (memchr(body, '\0', len < 1024 ? len : 1024))
        return PIPE_BODY_UNSUPPORTED;
    return PIPE_BODY_TEXT;
}

pipe_body_kind pipeline_classify(const char *ct, const char *body, size_t len)
{
    if (!ct || !*ct)
        return sniff(body, len);
    if (type_is(ct, "text/html") || type_has(ct, "xhtml") || type_is(ct, "text/xml") ||
        type_is(ct, "application/xml") || type_has(ct, "+xml"))
        return PIPE_BODY_HTML;
    if (type_has(ct, "json"))
        return PIPE_BODY_JSON;
    if (type_is(ct, "text/"))
        return PIPE_BODY_TEXT;
    return PIPE_BODY_UNSUPPORTED;
}

/* Sets obj[key] to s[0..len) (left unset when s is not valid UTF-8, as jansson would refuse
 * it); validated by utf8_valid, whose ASCII fast path suits long markdown and HTML. */
static void set_string(json_t *obj, const char *key, const char *s, size_t len)
{
    if (utf8_valid(s, len))
        json_object_set_new(obj, key, json_stringn_nocheck(s, len));
}

static json_t *base_metadata(const pipeline_input_t *in)
{
    json_t *meta = json_object();
    if (in->source_url)
        json_object_set_new(meta, "sourceURL", json_string(in->source_url));
    if (in->final_url)
        json_object_set_new(meta, "url", json_string(in->final_url));
    if (in->status)
        json_object_set_new(meta, "statusCode", json_integer(in->status));
    if (in->content_type)
        json_object_set_new(meta, "contentType", json_string(in->content_type));
    return meta;
}

/* JSON and plain-text bodies: markdown is the text (JSON inside a fence). */
static cinder_err run_text(const pipeline_input_t *in, const pipeline_opts_t *o, pipe_body_kind k,
                           const buf_t *text, json_t *doc)
{
    if (o->formats & PIPE_FMT_MARKDOWN) {
        buf_t md;
        buf_init(&md, 0);
        cinder_err rc = k == PIPE_BODY_JSON
                            ? buf_printf(&md, "```json\n%s\n```", buf_str(text))
                            : buf_append(&md, text->data ? text->data : "", text->len);
        if (!rc)
            set_string(doc, "markdown", buf_str(&md), md.len);
        buf_cleanup(&md);
        if (rc)
            return rc;
    }
    if (o->formats & PIPE_FMT_HTML)
        set_string(doc, "html", buf_str(text), text->len);
    if (o->formats & PIPE_FMT_RAW_HTML)
        set_string(doc, "rawHtml", buf_str(text), text->len);
    if (o->formats & PIPE_FMT_LINKS)
        json_object_set_new(doc, "links", json_array());
    if (o->formats & PIPE_FMT_IMAGES)
        json_object_set_new(doc, "images", json_array());
    json_object_set_new(doc, "metadata", base_metadata(in));
    return CINDER_OK;
}

/* Merges metadata extracted from the page under the fixed keys. */
static json_t *page_metadata(dom_doc_t *dom, const pipeline_input_t *in, const char *page_url)
{
    json_t *meta = metadata_extract(dom, page_url);
    if (!meta)
        meta = json_object();
    json_t *fixed = base_metadata(in);
    json_object_update(meta, fixed);
    json_decref(fixed);
    return meta;
}

/* Rewrites a[href] and img[src] under content to absolute URLs (img: the largest srcset
 * candidate), as Firecrawl's cleaned html has them. */
static void absolutize(dom_node_t *content, url_resolver_t *res)
{
    for (dom_node_t *n = content; n; n = dom_walk_next(content, n, false)) {
        dom_tag tag = dom_tag_of(n);
        size_t len = 0;
        const char *ref = tag == DOM_TAG_A     ? dom_attr(n, "href", &len)
                          : tag == DOM_TAG_IMG ? md_img_source(n, &len)
                                               : NULL;
        char *abs = ref ? url_resolver_resolve(res, ref, len) : NULL;
        if (abs)
            dom_attr_set(n, tag == DOM_TAG_A ? "href" : "src", abs, strlen(abs));
        free(abs);
    }
}

static cinder_err convert_content(dom_doc_t *dom, const pipeline_opts_t *o, bool main_only,
                                  const char *base, url_resolver_t *res, json_t *doc,
                                  size_t *md_len)
{
    clean_options_t co = {o->include_tags, o->n_include, o->exclude_tags, o->n_exclude, main_only};
    dom_node_t *content = NULL;
    buf_t out;
    buf_init(&out, o->max_output ? o->max_output : DEFAULT_MAX_OUTPUT);
    cinder_err rc = clean_document(dom, &co, &content);
    if (rc)
        goto out;
    if ((o->formats & PIPE_FMT_HTML) && content && base)
        absolutize(content, res);
    if (o->formats & PIPE_FMT_HTML) {
        rc = content ? dom_serialize(content, &out) : CINDER_OK;
        if (rc)
            goto out;
        set_string(doc, "html", buf_str(&out), out.len);
        buf_reset(&out);
    }
    *md_len = 0;
    if (o->formats & PIPE_FMT_MARKDOWN) {
        md_options_t mo = {base, o->keep_base64_images, res};
        rc = content ? md_convert(content, &mo, &out) : CINDER_OK;
        if (rc)
            goto out;
        set_string(doc, "markdown", buf_str(&out), out.len);
        *md_len = out.len;
    }
out:
    buf_cleanup(&out);
    return rc;
}

static cinder_err run_html(const pipeline_input_t *in, const pipeline_opts_t *o, const buf_t *text,
                           json_t *doc)
{
    cinder_err rc = CINDER_E_PARSE;
    const char *page_url = in->final_url ? in->final_url : in->source_url;
    char *base = NULL;
    url_resolver_t *res = NULL;
    dom_doc_t *dom = dom_parse(text->data ? text->data : "", text->len);
    if (!dom)
        goto out;
    base = page_url ? metadata_base_url(dom, page_url) : NULL;
    res = url_resolver_new(base); /* one per page: the base is parsed once */
    json_object_set_new(doc, "metadata", page_metadata(dom, in, page_url));
    if (o->formats & PIPE_FMT_LINKS)
        json_object_set_new(doc, "links", links_extract(dom, res, o->max_links));
    if (o->formats & PIPE_FMT_IMAGES)
        json_object_set_new(doc, "images", links_images(dom, res, o->max_links));
    if (o->formats & PIPE_FMT_RAW_HTML)
        set_string(doc, "rawHtml", buf_str(text), text->len);
    size_t md_len = 0;
    rc = convert_content(dom, o, o->only_main_content, base, res, doc, &md_len);
    if (rc || md_len || !o->only_main_content || !(o->formats & PIPE_FMT_MARKDOWN))
        goto out;
    /* main-content extraction left nothing: redo on the whole page */
    dom_doc_free(dom);
    dom = dom_parse(text->data ? text->data : "", text->len);
    rc = dom ? convert_content(dom, o, false, base, res, doc, &md_len) : CINDER_E_PARSE;
out:
    dom_doc_free(dom);
    url_resolver_free(res);
    free(base);
    return rc;
}

cinder_err pipeline_run(const pipeline_input_t *in, const pipeline_opts_t *o, json_t **doc_out)
{
    pipe_body_kind kind = pipeline_classify(in->content_type, in->body, in->len);
    if (kind == PIPE_BODY_UNSUPPORTED)
        return CINDER_E_UNSUPPORTED_FILE;
    buf_t text;
    buf_init(&text, o->max_output ? o->max_output : DEFAULT_MAX_OUTPUT);
    json_t *doc = json_object();
    cinder_err rc = charset_to_utf8(in->body, in->len, in->content_type, &text, NULL);
    if (rc)
        goto out;
    rc = kind == PIPE_BODY_HTML ? run_html(in, o, &text, doc) : run_text(in, o, kind, &text, doc);
out:
    buf_cleanup(&text);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *doc_out = doc;
    return CINDER_OK;
}
