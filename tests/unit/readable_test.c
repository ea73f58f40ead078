#include "test.h"

#include <stdlib.h>

#include "html/clean.h"
#include "html/dom.h"
#include "html/readable.h"

typedef struct {
    dom_doc_t *doc;
    dom_node_t *content;
    char *text;
} extracted_t;

/* Extracts the main content of html with readable_extract on the body. */
static bool extract(const char *html, extracted_t *x)
{
    memset(x, 0, sizeof *x);
    x->doc = dom_parse(html, strlen(html));
    if (!x->doc || !dom_body(x->doc))
        return false;
    if (readable_extract(dom_body(x->doc), &x->content) != CINDER_OK || !x->content)
        return false;
    buf_t b;
    buf_init(&b, 0);
    if (dom_text_content(x->content, &b) != CINDER_OK) {
        buf_cleanup(&b);
        return false;
    }
    x->text = buf_steal(&b);
    return true;
}

static void extracted_free(extracted_t *x)
{
    free(x->text);
    dom_doc_free(x->doc);
}

static const char *tag_of(const dom_node_t *n)
{
    return dom_tag_name(n, NULL);
}

TEST(readable_blog_post_keeps_article_drops_chrome)
{
    char *html = test_read_file(TEST_DATA_DIR "/golden/clean/blog_post.html", NULL);
    dom_doc_t *doc = dom_parse(html, strlen(html));
    REQUIRE(doc);
    dom_node_t *content = NULL;
    clean_options_t opt = {NULL, 0, NULL, 0, true};
    REQUIRE(clean_document(doc, &opt, &content) == CINDER_OK);
    REQUIRE(content);
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(dom_text_content(content, &b) == CINDER_OK);
    const char *t = buf_str(&b);
    CHECK_CONTAINS(t, "approved the reconstruction of the Old Mill");
    CHECK_CONTAINS(t, "What the plan includes");
    CHECK_CONTAINS(t, "shortly after its first restoration");
    CHECK_CONTAINS(t, "1.2 million"); /* the data table stays */
    CHECK_CONTAINS(t, "schedule of road closures");
    CHECK_NOT_CONTAINS(t, "Sports");                     /* navigation */
    CHECK_NOT_CONTAINS(t, "Home");                       /* breadcrumbs */
    CHECK_NOT_CONTAINS(t, "Ten best walks");             /* sidebar */
    CHECK_NOT_CONTAINS(t, "newsletter");                 /* sidebar widget */
    CHECK_NOT_CONTAINS(t, "All rights");                 /* footer */
    CHECK_NOT_CONTAINS(t, "waiting for this");           /* comments */
    CHECK_NOT_CONTAINS(t, "Share on Facebook");          /* share widget */
    CHECK_NOT_CONTAINS(t, "Council approves");           /* related links */
    CHECK_NOT_CONTAINS(t, "Jane Porter");                /* byline */
    CHECK_CONTAINS(t, "Rebuilding the Old Mill Bridge"); /* the article keeps its title */
    CHECK_NOT_CONTAINS(t, "tracking code");
    buf_cleanup(&b);
    dom_doc_free(doc);
    free(html);
}

static const char *para =
    "<p>The committee met on Tuesday, as planned, and discussed the proposal at length, "
    "weighing its costs, its risks, and its benefits for the town and its residents.</p>";

TEST(readable_siblings_with_the_article_are_kept)
{
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(buf_puts(&b, "<body><div class=nav><a href=/>Home</a> <a href=/x>X</a></div>"
                         "<div id=wrap><div class=part>") == CINDER_OK);
    for (int i = 0; i < 4; i++)
        REQUIRE(buf_puts(&b, para) == CINDER_OK);
    REQUIRE(buf_puts(&b, "</div><p>A short closing remark follows here, ending the story. And "
                         "it matters.</p><div class=part>") == CINDER_OK);
    for (int i = 0; i < 3; i++)
        REQUIRE(buf_puts(&b, para) == CINDER_OK);
    REQUIRE(buf_puts(&b, "<p>Second part, last words.</p></div></div></body>") == CINDER_OK);
    extracted_t x;
    REQUIRE(extract(buf_str(&b), &x));
    CHECK_STR(dom_attr(x.content, "id", NULL), "wrap");
    CHECK_CONTAINS(x.text, "A short closing remark");
    CHECK_CONTAINS(x.text, "Second part, last words.");
    CHECK_NOT_CONTAINS(x.text, "Home");
    extracted_free(&x);
    buf_cleanup(&b);
}

TEST(readable_layout_modifier_classes_do_not_hide_the_article)
{
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(buf_puts(&b, "<body><div class='site has-sidebar'><div class=primary><article>") ==
            CINDER_OK);
    for (int i = 0; i < 6; i++)
        REQUIRE(buf_puts(&b, para) == CINDER_OK);
    REQUIRE(buf_puts(&b, "</article></div><div class=sidebar><a href=/1>One</a></div></div>"
                         "<div class=about>") == CINDER_OK);
    for (int i = 0; i < 6; i++)
        REQUIRE(buf_puts(&b, "<p>About the paper: founded in 1901, run by volunteers, funded by "
                             "readers, and printed in the valley, every week.</p>") == CINDER_OK);
    REQUIRE(buf_puts(&b, "</div></body>") == CINDER_OK);
    extracted_t x;
    REQUIRE(extract(buf_str(&b), &x));
    CHECK_CONTAINS(x.text, "The committee met"); /* not only the (long enough) about box */
    CHECK_NOT_CONTAINS(x.text, "One");
    extracted_free(&x);
    buf_cleanup(&b);
}

TEST(readable_navigation_inside_the_article_is_dropped)
{
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(buf_puts(&b, "<body><article><nav><ul><li><a href=/p>Previous chapter</a></li>"
                         "<li><a href=/n>Next chapter</a></li></ul></nav>") == CINDER_OK);
    for (int i = 0; i < 5; i++)
        REQUIRE(buf_puts(&b, para) == CINDER_OK);
    REQUIRE(buf_puts(&b, "</article></body>") == CINDER_OK);
    extracted_t x;
    REQUIRE(extract(buf_str(&b), &x));
    CHECK_CONTAINS(x.text, "The committee met");
    CHECK_NOT_CONTAINS(x.text, "chapter");
    extracted_free(&x);
    buf_cleanup(&b);
}

TEST(readable_link_list_page_is_kept_whole)
{
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(buf_puts(&b, "<body><h1>Index</h1><ul>") == CINDER_OK);
    for (int i = 0; i < 40; i++)
        REQUIRE(buf_printf(&b, "<li><a href=/p%d>Page number %d of the archive</a></li>", i, i) ==
                CINDER_OK);
    REQUIRE(buf_puts(&b, "</ul></body>") == CINDER_OK);
    extracted_t x;
    REQUIRE(extract(buf_str(&b), &x));
    CHECK_CONTAINS(x.text, "Page number 0 of");
    CHECK_CONTAINS(x.text, "Page number 39 of");
    extracted_free(&x);
    buf_cleanup(&b);
}

TEST(readable_text_directly_in_body)
{
    const char *html = "<body>Plain text straight in the body, with commas, and more words.<br>"
                       "<br>A second paragraph after a double line break, still in the body."
                       "<br><br>Third one, short.</body>";
    extracted_t x;
    REQUIRE(extract(html, &x));
    CHECK_STR(tag_of(x.content), "body");
    CHECK_CONTAINS(x.text, "Plain text straight");
    CHECK_CONTAINS(x.text, "Third one, short.");
    extracted_free(&x);
}

TEST(readable_empty_body)
{
    const char *pages[] = {"<body></body>", "<body>  \n </body>", "<body><div><span></span></div>"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        extracted_t x;
        REQUIRE(extract(pages[i], &x));
        CHECK_STR(tag_of(x.content), "body");
        extracted_free(&x);
    }
}

TEST(readable_short_article_beside_a_menu)
{
    const char *html =
        "<body><ul class=menu><li><a href=/a>Alpha</a></li><li><a href=/b>Beta</a></li></ul>"
        "<div class=story><p>This short notice, published today, says that the library will "
        "close early on Friday, at four, for the staff training day.</p></div></body>";
    extracted_t x;
    REQUIRE(extract(html, &x));
    CHECK_CONTAINS(x.text, "library will close early");
    CHECK_NOT_CONTAINS(x.text, "Alpha");
    extracted_free(&x);
}

TEST(readable_short_page_uses_its_main_landmark)
{
    const char *html =
        "<body><header><nav><a href=/k>Kitchen</a> <a href=/g>Garden</a></nav></header>"
        "<main><div class=product><div class=price>$39.99</div>"
        "<div class=description><p>A quiet, fast kettle with a 1.7 litre capacity, automatic "
        "shut-off, and a washable filter.</p><ul><li>Power: 2200 W</li></ul></div>"
        "<div class=reviews><h2>Reviews</h2><p>Great kettle, very quiet. - Sam</p></div></div>"
        "<div class=related><a href=/p/1>Toaster</a> <a href=/p/2>Mug set</a></div></main>"
        "<footer>Free delivery over $50</footer></body>";
    extracted_t x;
    REQUIRE(extract(html, &x));
    CHECK_STR(tag_of(x.content), "main");
    CHECK_CONTAINS(x.text, "$39.99");
    CHECK_CONTAINS(x.text, "A quiet, fast kettle");
    CHECK_CONTAINS(x.text, "Great kettle");
    CHECK_NOT_CONTAINS(x.text, "Toaster");
    CHECK_NOT_CONTAINS(x.text, "Kitchen");
    CHECK_NOT_CONTAINS(x.text, "Free delivery");
    extracted_free(&x);
}

TEST(readable_empty_main_shell_is_ignored)
{
    const char *html = "<body><main id=root></main><div><p>Server-rendered fallback text, with "
                       "a few words, commas, and a full stop.</p></div></body>";
    extracted_t x;
    REQUIRE(extract(html, &x));
    CHECK_CONTAINS(x.text, "Server-rendered fallback text");
    extracted_free(&x);
}

TEST(readable_title_heading_kept_with_other_headings)
{
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(buf_puts(&b, "<body><div class=post><h1>Spring Fair Returns</h1><h2>Schedule</h2>") ==
            CINDER_OK);
    for (int i = 0; i < 5; i++)
        REQUIRE(buf_puts(&b, para) == CINDER_OK);
    REQUIRE(buf_puts(&b, "</div></body>") == CINDER_OK);
    extracted_t x;
    REQUIRE(extract(buf_str(&b), &x));
    CHECK_CONTAINS(x.text, "Spring Fair Returns");
    CHECK_CONTAINS(x.text, "Schedule");
    extracted_free(&x);
    buf_cleanup(&b);
}

TEST(readable_prunes_link_lists_and_forms_inside_article)
{
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(buf_puts(&b, "<body><div class=content>") == CINDER_OK);
    for (int i = 0; i < 5; i++)
        REQUIRE(buf_puts(&b, para) == CINDER_OK);
    REQUIRE(buf_puts(&b, "<div class=more><a href=/1>More stories from the town</a> "
                         "<a href=/2>Weather for the weekend</a></div>"
                         "<form><input name=q><button>Search</button></form>"
                         "<pre><code>code, kept verbatim</code></pre>"
                         "</div></body>") == CINDER_OK);
    extracted_t x;
    REQUIRE(extract(buf_str(&b), &x));
    CHECK_CONTAINS(x.text, "The committee met");
    CHECK_CONTAINS(x.text, "code, kept verbatim");
    CHECK_NOT_CONTAINS(x.text, "More stories");
    CHECK_NOT_CONTAINS(x.text, "Search");
    extracted_free(&x);
    buf_cleanup(&b);
}

TEST(readable_is_deterministic)
{
    char *html = test_read_file(TEST_DATA_DIR "/golden/clean/blog_post.html", NULL);
    extracted_t a, c;
    REQUIRE(extract(html, &a));
    REQUIRE(extract(html, &c));
    CHECK_STR(a.text, c.text);
    extracted_free(&a);
    extracted_free(&c);
    free(html);
}
