#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "html/charset.h"
#include "html/metadata.h"
#include "util/buf.h"

static json_t *extract(const char *html, const char *url)
{
    dom_doc_t *doc = dom_parse(html, strlen(html));
    if (!doc)
        return NULL;
    json_t *m = metadata_extract(doc, url);
    dom_doc_free(doc);
    return m;
}

static const char *get_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static const char *item_str(const json_t *obj, const char *key, size_t i)
{
    return json_string_value(json_array_get(json_object_get(obj, key), i));
}

static const char rich_page[] =
    "<!doctype html><html lang=\"en-US\"><head>"
    "<base href=\"https://cdn.example.org/site/\">"
    "<title>\n  Hello \t\n  World  </title>"
    "<meta charset=\"utf-8\">"
    "<meta http-equiv=\"refresh\" content=\"5\">"
    "<meta name=\"description\" content=\"First description\">"
    "<meta name=\"description\" content=\"Second description\">"
    "<meta name=\"keywords\" content=\"a, b\">"
    "<meta name=\"robots\" content=\"index, follow\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<meta property=\"og:title\" content=\"OG Title\">"
    "<meta property=\"og:description\" content=\"OG Desc\">"
    "<meta property=\"og:url\" content=\"/canonical\">"
    "<meta property=\"og:image\" content=\"img/cover.png\">"
    "<meta property=\"og:site_name\" content=\"Example\">"
    "<meta property=\"og:locale\" content=\"en_US\">"
    "<meta property=\"og:locale:alternate\" content=\"de_DE\">"
    "<meta property=\"og:locale:alternate\" content=\"fr_FR\">"
    "<meta name=\"twitter:card\" content=\"summary\">"
    "<meta name=\"twitter:card\" content=\"summary_large_image\">"
    "<meta name=\"twitter:site\" content=\"@example\">"
    "<meta property=\"article:published_time\" content=\"2024-01-02T03:04:05Z\">"
    "<meta property=\"article:modified_time\" content=\"2024-02-03T04:05:06Z\">"
    "<meta name=\"article:tag\" content=\"tag1\">"
    "<meta name=\"article:section\" content=\"News\">"
    "<meta name=\"DC.Date.Created\" content=\"2001-01-01\">"
    "<meta name=\"dc.date\" content=\"2001-01-02\">"
    "<meta name=\"dc.type\" content=\"Text\">"
    "<meta name=\"dc.subject\" content=\"Subj\">"
    "<meta name=\"dc.description\" content=\"DC desc\">"
    "<meta name=\"dcterms.created\" content=\"2002-02-02\">"
    "<meta name=\"DCTERMS.Subject\" content=\"Topic\">"
    "<meta name=\"dcterms.audience\" content=\"Everyone\">"
    "<meta name=\"dcterms.type\" content=\"Article\">"
    "<meta name=\"dcterms.keywords\" content=\"k1\">"
    "<meta itemprop=\"name\" content=\"Item name\">"
    "<meta itemprop=\"description\" content=\"microdata, not the page\">"
    "<meta name=\"title\" content=\"Meta title\">"
    "<meta name=\"language\" content=\"English\">"
    "<link rel=\"stylesheet\" href=\"x.css\">"
    "<link rel=\"apple-touch-icon\" href=\"/apple.png\">"
    "<link rel=\"icon\" href=\"favicon.ico\">"
    "<link rel=\"icon\" href=\"second.ico\">"
    "</head><body><svg><title>svg title</title></svg>"
    "<p>text</p><meta name=\"late\" content=\"in body\"></body></html>";

TEST(metadata_typed_keys)
{
    json_t *m = extract(rich_page, "https://www.example.com/a/b.html");
    REQUIRE(m);
    CHECK_STR(get_str(m, "title"), "Hello World");
    CHECK_STR(get_str(m, "language"), "en-US");
    CHECK_STR(get_str(m, "description"), "First description, Second description");
    CHECK_STR(get_str(m, "keywords"), "a, b");
    CHECK_STR(get_str(m, "robots"), "index, follow");
    CHECK_STR(get_str(m, "ogTitle"), "OG Title");
    CHECK_STR(get_str(m, "ogDescription"), "OG Desc");
    CHECK_STR(get_str(m, "ogUrl"), "https://cdn.example.org/canonical");
    CHECK_STR(get_str(m, "ogImage"), "https://cdn.example.org/site/img/cover.png");
    CHECK_STR(get_str(m, "ogSiteName"), "Example");
    CHECK_STR(get_str(m, "ogLocale"), "en_US");
    CHECK_INT(json_array_size(json_object_get(m, "ogLocaleAlternate")), 2);
    CHECK_STR(item_str(m, "ogLocaleAlternate", 0), "de_DE");
    CHECK_STR(item_str(m, "ogLocaleAlternate", 1), "fr_FR");
    CHECK_STR(get_str(m, "publishedTime"), "2024-01-02T03:04:05Z");
    CHECK_STR(get_str(m, "modifiedTime"), "2024-02-03T04:05:06Z");
    CHECK_STR(get_str(m, "articleTag"), "tag1");
    CHECK_STR(get_str(m, "articleSection"), "News");
    CHECK_STR(get_str(m, "dcDateCreated"), "2001-01-01");
    CHECK_STR(get_str(m, "dcDate"), "2001-01-02");
    CHECK_STR(get_str(m, "dcType"), "Text");
    CHECK_STR(get_str(m, "dcSubject"), "Subj");
    CHECK_STR(get_str(m, "dcDescription"), "DC desc");
    CHECK_STR(get_str(m, "dcTermsCreated"), "2002-02-02");
    CHECK_STR(get_str(m, "dcTermsSubject"), "Topic");
    CHECK_STR(get_str(m, "dcTermsAudience"), "Everyone");
    CHECK_STR(get_str(m, "dcTermsType"), "Article");
    CHECK_STR(get_str(m, "dcTermsKeywords"), "k1");
    /* rel=icon wins over an earlier apple-touch-icon; made absolute against <base href> */
    CHECK_STR(get_str(m, "favicon"), "https://cdn.example.org/site/favicon.ico");
    CHECK(json_object_get(m, "ogAudio") == NULL);
    CHECK(json_object_get(m, "ogVideo") == NULL);
    CHECK(json_object_get(m, "ogDeterminer") == NULL);
    json_decref(m);
}

TEST(metadata_raw_meta_copies)
{
    json_t *m = extract(rich_page, "https://www.example.com/a/b.html");
    REQUIRE(m);
    CHECK_STR(get_str(m, "viewport"), "width=device-width, initial-scale=1");
    CHECK_STR(get_str(m, "og:title"), "OG Title");
    CHECK_STR(get_str(m, "og:image"), "img/cover.png"); /* raw copies stay as written */
    CHECK_STR(get_str(m, "twitter:site"), "@example");
    CHECK_INT(json_array_size(json_object_get(m, "twitter:card")), 2);
    CHECK_STR(item_str(m, "twitter:card", 0), "summary");
    CHECK_STR(item_str(m, "twitter:card", 1), "summary_large_image");
    CHECK_INT(json_array_size(json_object_get(m, "og:locale:alternate")), 2);
    CHECK_STR(get_str(m, "article:published_time"), "2024-01-02T03:04:05Z");
    CHECK_STR(get_str(m, "DC.Date.Created"), "2001-01-01");
    CHECK_STR(get_str(m, "DCTERMS.Subject"), "Topic");
    CHECK_STR(get_str(m, "name"), "Item name");
    CHECK_STR(get_str(m, "late"), "in body");
    /* <title> and <html lang> win over metas of the same name */
    CHECK_STR(get_str(m, "title"), "Hello World");
    CHECK_STR(get_str(m, "language"), "en-US");
    /* charset and http-equiv metas are not copied */
    CHECK(json_object_get(m, "charset") == NULL);
    CHECK(json_object_get(m, "refresh") == NULL);
    CHECK(json_object_get(m, "utf-8") == NULL);
    json_decref(m);
}

TEST(metadata_page_without_head)
{
    json_t *m = extract("<p>Just <b>text</b></p>", "https://example.com/");
    REQUIRE(m);
    CHECK_INT(json_object_size(m), 0);
    json_decref(m);
    m = extract("", NULL);
    REQUIRE(m);
    CHECK_INT(json_object_size(m), 0);
    json_decref(m);
}

TEST(metadata_fallbacks)
{
    /* no <title>: a meta title is used; favicon from rel*=icon; names compared case-insensitively
     */
    json_t *m = extract("<html lang=\"  \"><meta name=\"title\" content=\"From meta\">"
                        "<meta name=\"title\" content=\"Second\">"
                        "<meta name=\"OG:Title\" content=\"Upper\">"
                        "<meta name=\"Description\" content=\"Capital\">"
                        "<link rel=\"Shortcut Icon\" href=\" /f.ico \">"
                        "<meta property=\"og:video\" content=\"//videos.example.com/v.mp4\">",
                        "https://example.com/dir/page");
    REQUIRE(m);
    CHECK_STR(get_str(m, "title"), "From meta");
    CHECK_STR(get_str(m, "ogTitle"), "Upper");
    CHECK_STR(get_str(m, "description"), "Capital");
    CHECK_STR(get_str(m, "Description"), "Capital");
    CHECK_STR(get_str(m, "favicon"), "https://example.com/f.ico");
    CHECK_STR(get_str(m, "ogVideo"), "https://videos.example.com/v.mp4");
    CHECK(json_object_get(m, "language") == NULL);
    json_decref(m);
    /* no icon link: no favicon is invented; an empty <title> is kept */
    m = extract("<title></title><link rel=\"stylesheet\" href=\"a.css\">", "https://example.com/");
    REQUIRE(m);
    CHECK(json_object_get(m, "favicon") == NULL);
    CHECK_STR(get_str(m, "title"), "");
    json_decref(m);
}

TEST(metadata_entities_and_empty_content)
{
    json_t *m = extract("<title>A &amp; B</title><meta name=\"x\" content=\"\">"
                        "<meta name=\"y\" content=\"caf&eacute; &#x1F600;\"><meta name=\"z\">",
                        "https://example.com/");
    REQUIRE(m);
    CHECK_STR(get_str(m, "title"), "A & B");
    CHECK_STR(get_str(m, "x"), "");
    CHECK_STR(get_str(m, "y"), "café 😀");
    CHECK(json_object_get(m, "z") == NULL);
    json_decref(m);
}

/* A page with n metas, named m<i> if distinct, else all "same". */
static char *many_metas(size_t n, bool distinct)
{
    buf_t b;
    buf_init(&b, 0);
    CHECK_INT(buf_puts(&b, "<html><head><title>t</title>"), CINDER_OK);
    for (size_t i = 0; i < n; i++) {
        char name[32] = "same";
        if (distinct)
            snprintf(name, sizeof name, "m%zu", i);
        CHECK_INT(buf_printf(&b, "<meta name=\"%s\" content=\"v%zu\">", name, i), CINDER_OK);
    }
    CHECK_INT(buf_puts(&b, "</head><body></body></html>"), CINDER_OK);
    return buf_steal(&b);
}

TEST(metadata_hostile_meta_count)
{
    char *html = many_metas(5000, true);
    json_t *m = extract(html, "https://example.com/");
    REQUIRE(m);
    CHECK_INT(json_object_size(m), METADATA_MAX_METAS + 1); /* + title */
    CHECK_STR(get_str(m, "m0"), "v0");
    CHECK_STR(get_str(m, "m999"), "v999");
    CHECK(json_object_get(m, "m1000") == NULL);
    CHECK(json_object_get(m, "m4999") == NULL);
    json_decref(m);
    free(html);
    html = many_metas(5000, false);
    m = extract(html, "https://example.com/");
    REQUIRE(m);
    CHECK_INT(json_array_size(json_object_get(m, "same")), METADATA_MAX_METAS);
    json_decref(m);
    free(html);
}

TEST(metadata_hostile_value_size)
{
    /* 100,000 two-byte characters: cut to at most 64 KiB on a character boundary */
    buf_t val, b;
    buf_init(&val, 0);
    buf_init(&b, 0);
    CHECK_INT(buf_putc(&val, 'x'), CINDER_OK);
    for (int i = 0; i < 100000; i++)
        CHECK_INT(buf_puts(&val, "é"), CINDER_OK);
    CHECK_INT(buf_printf(&b, "<meta name=\"big\" content=\"%s\">", buf_str(&val)), CINDER_OK);
    /* three 50,000-byte descriptions: the joined value is capped too */
    for (int i = 0; i < 3; i++)
        CHECK_INT(buf_printf(&b, "<meta name=\"description\" content=\"%.50000s\">", buf_str(&val)),
                  CINDER_OK);
    buf_cleanup(&val);
    json_t *m = extract(buf_str(&b), "https://example.com/");
    buf_cleanup(&b);
    REQUIRE(m);
    const char *big = get_str(m, "big");
    REQUIRE(big);
    size_t len = strlen(big);
    CHECK(len <= METADATA_MAX_VALUE && len > METADATA_MAX_VALUE - 4);
    CHECK(charset_is_utf8(big, len));
    const char *desc = get_str(m, "description");
    REQUIRE(desc);
    CHECK(strlen(desc) <= METADATA_MAX_VALUE);
    CHECK(charset_is_utf8(desc, strlen(desc)));
    json_decref(m);
}

TEST(metadata_base_url_rules)
{
    const char *bases = "<base target=_blank><base href=\"/sub/\"><base href=\"https://other/\">";
    dom_doc_t *doc = dom_parse(bases, strlen(bases));
    REQUIRE(doc);
    char *u = metadata_base_url(doc, "https://example.com/a/b");
    CHECK_STR(u, "https://example.com/sub/");
    free(u);
    dom_doc_free(doc);
    const char *js = "<base href=\"javascript:alert(1)\">";
    doc = dom_parse(js, strlen(js));
    u = metadata_base_url(doc, "https://example.com/a/b");
    CHECK_STR(u, "https://example.com/a/b");
    free(u);
    CHECK(metadata_base_url(doc, NULL) == NULL);
    dom_doc_free(doc);
    doc = dom_parse("<p>x", 4);
    u = metadata_base_url(doc, "https://example.com/");
    CHECK_STR(u, "https://example.com/");
    free(u);
    dom_doc_free(doc);
}
