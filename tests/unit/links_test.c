#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "html/links.h"
#include "html/metadata.h"
#include "util/buf.h"

/* Extracts links (or images) from html with the base computed like the pipeline does. */
static json_t *run(const char *html, const char *page_url, size_t max, bool images)
{
    dom_doc_t *doc = dom_parse(html, strlen(html));
    if (!doc)
        return NULL;
    char *base = metadata_base_url(doc, page_url);
    url_resolver_t *res = url_resolver_new(base);
    json_t *arr = images ? links_images(doc, res, max) : links_extract(doc, res, max);
    url_resolver_free(res);
    free(base);
    dom_doc_free(doc);
    return arr;
}

/* Joins the array's strings with newlines (caller frees). */
static char *joined(const json_t *arr)
{
    buf_t b;
    buf_init(&b, 0);
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        CHECK_INT(buf_printf(&b, "%s%s", i ? "\n" : "", json_string_value(v)), CINDER_OK);
    }
    return buf_steal(&b);
}

static void check_links(const char *html, const char *url, size_t max, bool images,
                        const char *want)
{
    json_t *arr = run(html, url, max, images);
    CHECK(json_is_array(arr));
    char *got = joined(arr);
    CHECK_STR(got, want);
    free(got);
    json_decref(arr);
}

TEST(links_resolution_and_filtering)
{
    const char *html = "<a href=\"other.html\">1</a>"
                       "<a href=\"/root\">2</a>"
                       "<a href=\"//cdn.example.org/x\">3</a>"
                       "<a href=\"https://Elsewhere.com/A?b=1#c\">4</a>"
                       "<a href=\"#top\">fragment only</a>"
                       "<a href=\"  #also  \">fragment only</a>"
                       "<a href=\"javascript:void(0)\">js</a>"
                       "<a href=\"JavaScript:alert(1)\">js</a>"
                       "<a href=\"mailto:someone@example.com\">mail</a>"
                       "<a href=\"tel:+123\">tel</a>"
                       "<a href=\"\">empty</a>"
                       "<a>no href</a>"
                       "<a href=\"other.html\">dup</a>"
                       "<a href=\"./other.html\">dup after resolution</a>"
                       "<a href=\"page.html#sec\">keeps fragment</a>"
                       "<svg><a href=\"svg-link\">svg</a></svg>";
    check_links(html, "https://example.com/docs/index.html", 0, false,
                "https://example.com/docs/other.html\n"
                "https://example.com/root\n"
                "https://cdn.example.org/x\n"
                "https://elsewhere.com/A?b=1#c\n"
                "mailto:someone@example.com\n"
                "tel:+123\n"
                "https://example.com/docs/page.html#sec\n"
                "https://example.com/docs/svg-link");
}

TEST(links_honour_base_href)
{
    const char *html = "<head><base href=\"https://static.example.net/v2/\"></head>"
                       "<a href=\"a\">a</a><a href=\"/b\">b</a><a href=\"../c\">c</a>";
    check_links(html, "https://example.com/x/y", 0, false,
                "https://static.example.net/v2/a\n"
                "https://static.example.net/b\n"
                "https://static.example.net/c");
    /* a relative <base href> is itself resolved against the page URL */
    check_links("<base href=\"/sub/\"><a href=\"p\">p</a>", "https://example.com/x/y", 0, false,
                "https://example.com/sub/p");
}

TEST(links_duplicates_removed_in_order)
{
    const char *html =
        "<a href=\"/c\"></a><a href=\"/a\"></a><a href=\"/c\"></a>"
        "<a href=\"/b\"></a><a href=\"/a\"></a><a href=\"https://example.com/b\"></a>";
    check_links(html, "https://example.com/", 0, false,
                "https://example.com/c\nhttps://example.com/a\nhttps://example.com/b");
}

TEST(links_cap_honoured)
{
    buf_t b;
    buf_init(&b, 0);
    for (int i = 0; i < 12000; i++)
        CHECK_INT(buf_printf(&b, "<a href=\"/p%d\">x</a><a href=\"/p%d\">dup</a>", i, i),
                  CINDER_OK);
    json_t *arr = run(buf_str(&b), "https://example.com/", 5, false);
    CHECK_INT(json_array_size(arr), 5);
    CHECK_STR(json_string_value(json_array_get(arr, 4)), "https://example.com/p4");
    json_decref(arr);
    arr = run(buf_str(&b), "https://example.com/", 0, false);
    CHECK_INT(json_array_size(arr), LINKS_DEFAULT_MAX);
    CHECK_STR(json_string_value(json_array_get(arr, LINKS_DEFAULT_MAX - 1)),
              "https://example.com/p9999");
    json_decref(arr);
    buf_cleanup(&b);
}

TEST(links_empty_page)
{
    json_t *arr = run("", "https://example.com/", 0, false);
    CHECK(json_is_array(arr));
    CHECK_INT(json_array_size(arr), 0);
    json_decref(arr);
}

TEST(links_images)
{
    const char *html = "<img src=\"a.png\"><img src=\"/a.png\"><img src=\"a.png\">"
                       "<img src=\"data:image/png;base64,AAAA\" data-src=\"lazy.jpg\">"
                       "<img src=\" blob:https://example.com/uuid\">"
                       "<img srcset=\"s1.jpg 1x, s2.jpg 2x,s3.jpg\">"
                       "<picture><source srcset=\"w_100,h_50/p.webp 100w, q.webp 2x\"></picture>"
                       "<a href=\"not-an-image.html\">x</a>";
    check_links(html, "https://example.com/img/page", 0, true,
                "https://example.com/img/a.png\n"
                "https://example.com/a.png\n"
                "https://example.com/img/lazy.jpg\n"
                "https://example.com/img/s1.jpg\n"
                "https://example.com/img/s2.jpg\n"
                "https://example.com/img/s3.jpg\n"
                "https://example.com/img/w_100,h_50/p.webp\n"
                "https://example.com/img/q.webp");
    check_links(html, "https://example.com/img/page", 2, true,
                "https://example.com/img/a.png\nhttps://example.com/a.png");
}
