#include "test.h"

#include "html/dom.h"

TEST(dom_parse_walk_and_entities)
{
    const char *html =
        "<html lang=en><head><title>T &amp; U</title></head>"
        "<body><p class=x>a &lt;b&gt; &nbsp;c</p><svg><a href=q></a></svg></body></html>";
    dom_doc_t *doc = dom_parse(html, strlen(html));
    REQUIRE(doc);
    dom_node_t *body = dom_body(doc);
    REQUIRE(body);
    CHECK_INT(dom_tag_of(body), DOM_TAG_BODY);
    dom_node_t *p = dom_first_child(body);
    CHECK_INT(dom_tag_of(p), DOM_TAG_P);
    CHECK_STR(dom_attr(p, "class", NULL), "x");
    CHECK(dom_attr(p, "id", NULL) == NULL);
    buf_t b;
    buf_init(&b, 0);
    CHECK_INT(dom_text_content(p, &b), CINDER_OK);
    CHECK_STR(buf_str(&b), "a <b> \xc2\xa0"
                           "c");
    buf_reset(&b);
    dom_node_t *svg = dom_next(p);
    CHECK_INT(dom_tag_of(svg), DOM_TAG_SVG);
    CHECK(!dom_is_html_element(dom_first_child(svg)));
    CHECK(dom_is_html_element(p));
    CHECK_INT(dom_tag_of(dom_html(doc)), DOM_TAG_HTML);
    CHECK_STR(dom_attr(dom_html(doc), "lang", NULL), "en");
    CHECK_INT(dom_tag_of(dom_root(doc)), DOM_TAG_DOCUMENT);
    dom_remove(svg);
    CHECK(dom_next(p) == NULL);
    CHECK_INT(dom_serialize(body, &b), CINDER_OK);
    CHECK_STR(buf_str(&b), "<body><p class=\"x\">a &lt;b&gt; &nbsp;c</p></body>");
    buf_cleanup(&b);
    dom_doc_free(doc);
}

TEST(dom_unknown_tag_and_walk)
{
    const char *html = "<div><picture><img src=a></picture><span>x</span></div>";
    dom_doc_t *doc = dom_parse(html, strlen(html));
    REQUIRE(doc);
    dom_node_t *div = dom_first_child(dom_body(doc));
    int count = 0;
    for (dom_node_t *n = div; n; n = dom_walk_next(div, n, false))
        count++;
    CHECK_INT(count, 5); /* div picture img span #text */
    dom_node_t *pic = dom_first_child(div);
    CHECK_INT(dom_tag_of(pic), DOM_TAG_OTHER);
    size_t len;
    const char *name = dom_tag_name(pic, &len);
    CHECK(len == 7 && memcmp(name, "picture", 7) == 0);
    dom_doc_free(doc);
}
