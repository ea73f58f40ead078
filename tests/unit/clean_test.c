#include "test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "html/clean.h"
#include "html/dom.h"

/* Parses html, cleans it with opt and returns the text of the content (caller frees; "" when
 * there is no content). NULL when clean_document fails; its code goes to *rc. */
static char *clean_text(const char *html, const clean_options_t *opt, cinder_err *rc)
{
    dom_doc_t *doc = dom_parse(html, strlen(html));
    if (!doc)
        return NULL;
    dom_node_t *content = NULL;
    char *out = NULL;
    buf_t b;
    buf_init(&b, 0);
    *rc = clean_document(doc, opt, &content);
    if (*rc == CINDER_OK && (!content || dom_text_content(content, &b) == CINDER_OK))
        out = buf_steal(&b);
    buf_cleanup(&b);
    dom_doc_free(doc);
    return out;
}

static const char *chrome_page =
    "<html><head><title>T</title><style>p{}</style><script>var s='script text';</script>"
    "</head><body><!-- a comment -->"
    "<nav class=menu><a href=/>Home</a> <a href=/a>About</a></nav>"
    "<div class=ad><span>Buy now</span></div>"
    "<article><h2>Heading</h2><p class=keep>First para.</p><p>Second para.</p>"
    "<noscript>enable js</noscript><template>tpl</template></article>"
    "<div id=extra>Extra box</div>"
    "<footer>Copyright</footer></body></html>";

TEST(clean_strips_markup_only_nodes)
{
    clean_options_t opt = {0};
    cinder_err rc;
    char *t = clean_text(chrome_page, &opt, &rc);
    REQUIRE(t);
    CHECK_INT(rc, CINDER_OK);
    CHECK_CONTAINS(t, "First para.");
    CHECK_CONTAINS(t, "Home"); /* no main-content narrowing */
    CHECK_CONTAINS(t, "Copyright");
    CHECK_NOT_CONTAINS(t, "script text");
    CHECK_NOT_CONTAINS(t, "enable js");
    CHECK_NOT_CONTAINS(t, "tpl");
    CHECK_NOT_CONTAINS(t, "p{}");
    free(t);
}

TEST(clean_include_tags_keep_matches_in_document_order)
{
    const char *inc[] = {"#extra", "article .keep, h2"};
    clean_options_t opt = {inc, 2, NULL, 0, false};
    cinder_err rc;
    char *t = clean_text(chrome_page, &opt, &rc);
    REQUIRE(t);
    CHECK_STR(t, "HeadingFirst para.Extra box");
    free(t);
}

TEST(clean_include_nested_matches_and_no_match)
{
    const char *inc[] = {"article", "p"}; /* the paragraphs are inside the article */
    clean_options_t opt = {inc, 2, NULL, 0, true};
    cinder_err rc;
    char *t = clean_text(chrome_page, &opt, &rc);
    REQUIRE(t);
    CHECK_STR(t, "HeadingFirst para.Second para.");
    free(t);
    const char *none[] = {"table"};
    clean_options_t opt2 = {none, 1, NULL, 0, false};
    t = clean_text(chrome_page, &opt2, &rc);
    REQUIRE(t);
    CHECK_INT(rc, CINDER_OK);
    CHECK_STR(t, "");
    free(t);
}

TEST(clean_exclude_tags_nested_matches)
{
    const char *exc[] = {"nav, nav a", ".ad span, .ad", "footer"};
    clean_options_t opt = {NULL, 0, exc, 3, false};
    cinder_err rc;
    char *t = clean_text(chrome_page, &opt, &rc);
    REQUIRE(t);
    CHECK_STR(t, "HeadingFirst para.Second para.Extra box");
    free(t);
}

TEST(clean_exclude_the_frame_empties_it)
{
    const char *exc[] = {"body, p", "html"};
    clean_options_t opt = {NULL, 0, exc, 2, true};
    cinder_err rc;
    char *t = clean_text(chrome_page, &opt, &rc);
    REQUIRE(t);
    CHECK_INT(rc, CINDER_OK);
    CHECK_STR(t, "");
    free(t);
}

TEST(clean_invalid_selector_is_reported)
{
    const char *bad[] = {"p", "div["};
    clean_options_t inc = {bad, 2, NULL, 0, true};
    clean_options_t exc = {NULL, 0, bad, 2, true};
    cinder_err rc = CINDER_OK;
    CHECK(clean_text(chrome_page, &inc, &rc) == NULL);
    CHECK_INT(rc, CINDER_E_INVALID);
    rc = CINDER_OK;
    CHECK(clean_text(chrome_page, &exc, &rc) == NULL);
    CHECK_INT(rc, CINDER_E_INVALID);
}

static const char *hidden_page =
    "<body><div><p>Visible text one.</p>"
    "<p hidden>Hidden attribute.</p><p aria-hidden=true>Aria hidden.</p>"
    "<p style='color: red; DISPLAY : none'>Display none.</p>"
    "<p style='visibility:hidden'>Visibility hidden.</p>"
    "<p style='display:block'>Displayed block.</p>"
    "<div id=cookie-banner>We use cookies. <button>Accept</button></div>"
    "<div class='gdpr-consent'>Consent text</div></div></body>";

TEST(clean_hidden_and_consent_removed_with_main_content)
{
    clean_options_t opt = {NULL, 0, NULL, 0, true};
    cinder_err rc;
    char *t = clean_text(hidden_page, &opt, &rc);
    REQUIRE(t);
    CHECK_CONTAINS(t, "Visible text one.");
    CHECK_CONTAINS(t, "Displayed block.");
    CHECK_NOT_CONTAINS(t, "Hidden attribute");
    CHECK_NOT_CONTAINS(t, "Aria hidden");
    CHECK_NOT_CONTAINS(t, "Display none");
    CHECK_NOT_CONTAINS(t, "Visibility hidden");
    CHECK_NOT_CONTAINS(t, "cookies");
    CHECK_NOT_CONTAINS(t, "Consent text");
    free(t);
    opt.only_main_content = false;
    t = clean_text(hidden_page, &opt, &rc);
    REQUIRE(t);
    CHECK_CONTAINS(t, "Display none.");
    CHECK_CONTAINS(t, "We use cookies.");
    free(t);
}

TEST(clean_long_consent_named_content_is_kept)
{
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(buf_puts(&b, "<body><div id=cookie-policy>") == CINDER_OK);
    for (int i = 0; i < 60; i++)
        REQUIRE(buf_puts(&b, "<p>This policy explains, in detail, how cookies are used.</p>") ==
                CINDER_OK);
    REQUIRE(buf_puts(&b, "</div></body>") == CINDER_OK);
    clean_options_t opt = {NULL, 0, NULL, 0, true};
    cinder_err rc;
    char *t = clean_text(buf_str(&b), &opt, &rc);
    REQUIRE(t);
    CHECK_CONTAINS(t, "how cookies are used");
    free(t);
    buf_cleanup(&b);
}

TEST(clean_empty_documents)
{
    const char *pages[] = {"", "<html><body></body></html>", "<body>   </body>",
                           "<html><head><title>x</title></head></html>"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        for (int main_only = 0; main_only < 2; main_only++) {
            clean_options_t opt = {NULL, 0, NULL, 0, main_only};
            cinder_err rc;
            char *t = clean_text(pages[i], &opt, &rc);
            REQUIRE(t);
            CHECK_INT(rc, CINDER_OK);
            for (const char *p = t; *p; p++)
                CHECK(*p == ' ');
            free(t);
        }
    }
}

#define CORPUS_DIR "../shared/corpus/readability/pages"

static bool has_visible_text(const dom_node_t *content)
{
    buf_t b;
    buf_init(&b, 0);
    bool any = false;
    if (dom_text_content(content, &b) == CINDER_OK)
        for (size_t i = 0; i < b.len && !any; i++)
            any = b.data[i] > ' ';
    buf_cleanup(&b);
    return any;
}

static void smoke_one(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/source.html", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    fclose(f);
    size_t len;
    char *html = test_read_file(path, &len);
    dom_doc_t *doc = dom_parse(html, len);
    dom_node_t *content = NULL;
    clean_options_t opt = {NULL, 0, NULL, 0, true};
    if (!doc || clean_document(doc, &opt, &content) != CINDER_OK || !content ||
        !has_visible_text(content))
        test_fail(__FILE__, __LINE__, "%s: no content", name);
    dom_doc_free(doc);
    free(html);
}

/* Every corpus page (real-world HTML) cleans without error and keeps some text. */
TEST(clean_corpus_smoke)
{
    DIR *d = opendir(CORPUS_DIR);
    if (!d) {
        fprintf(stderr, "  (corpus %s not found: skipped)\n", CORPUS_DIR);
        return;
    }
    int pages = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        smoke_one(CORPUS_DIR, e->d_name);
        pages++;
    }
    closedir(d);
    CHECK(pages > 100);
}
