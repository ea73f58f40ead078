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

/* A removed subtree is detached, not freed: it stays readable until the document is freed, and
 * the thread's reused tree parses the next document cleanly after many removals. */
TEST(dom_remove_detaches_and_tree_is_reused)
{
    buf_t html;
    buf_init(&html, 0);
    REQUIRE(buf_puts(&html, "<nav>") == CINDER_OK);
    for (int i = 0; i < 2000; i++)
        REQUIRE(buf_printf(&html, "<a class=c%d href=/p/%d>link %d</a>", i, i, i) == CINDER_OK);
    REQUIRE(buf_puts(&html, "</nav><p id=keep>text</p>") == CINDER_OK);
    dom_doc_t *doc = dom_parse(buf_str(&html), html.len);
    REQUIRE(doc);
    dom_node_t *nav = dom_first_child(dom_body(doc));
    dom_node_t *a = dom_first_child(nav);
    for (dom_node_t *n = a, *next; n; n = next) {
        next = dom_next(n);
        dom_remove(n);
    }
    dom_remove(nav);
    CHECK(dom_parent(nav) == NULL);
    CHECK_INT(dom_tag_of(dom_first_child(dom_body(doc))), DOM_TAG_P);
    CHECK_STR(dom_attr(a, "href", NULL), "/p/0");
    dom_attr_set(a, "href", "https://x.test/p/0", strlen("https://x.test/p/0"));
    CHECK_STR(dom_attr(a, "href", NULL), "https://x.test/p/0");
    CHECK(dom_attr_next(dom_attr_first(a)) != NULL);
    CHECK(dom_attr_next(dom_attr_next(dom_attr_first(a))) == NULL);
    dom_doc_free(doc);
    doc = dom_parse("<p>again</p>", 12);
    REQUIRE(doc);
    buf_reset(&html);
    CHECK_INT(dom_serialize(dom_body(doc), &html), CINDER_OK);
    CHECK_STR(buf_str(&html), "<body><p>again</p></body>");
    buf_cleanup(&html);
    dom_doc_free(doc);
}
