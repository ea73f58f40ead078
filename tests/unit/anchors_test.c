#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "html/anchors.h"
#include "util/buf.h"

static cinder_err extract(const char *html, anchor_list_t *l)
{
    return anchors_extract(html, strlen(html), "https://example.org/docs/index.html", 0, l);
}

TEST(text_heading_and_block_window)
{
    const char *html =
        "<html><head><title>  Council\n documents </title></head><body>"
        "<h2>Finance</h2><p>See the council's <a href='/files/budget-2023.pdf'>2023 <b>budget"
        "</b></a> for spending on transport.</p>"
        "<ul><li><a href='minutes.docx#p2'>Minutes</a> of the March meeting</li>"
        "<li>(<a href='/plan.pdf'>Plan</a>): buses</li></ul>"
        "<script>var a = '<a href=x.pdf>no</a>';</script>"
        "<a href='javascript:void(0)'>js</a><a href='#top'>top</a>"
        "<a href='mailto:x@example.org'>mail</a></body></html>";
    anchor_list_t l;
    REQUIRE(extract(html, &l) == CINDER_OK);
    CHECK_STR(l.title, "Council documents");
    REQUIRE(l.n == 3);
    CHECK_STR(l.v[0].url, "https://example.org/files/budget-2023.pdf");
    CHECK_STR(l.v[0].text, "2023 budget");
    CHECK_STR(l.v[0].context, "Finance — See the council's 2023 budget for spending on transport.");
    CHECK_STR(l.v[1].url, "https://example.org/docs/minutes.docx");
    CHECK_STR(l.v[1].text, "Minutes");
    CHECK_STR(l.v[1].context, "Finance — Minutes of the March meeting");
    CHECK_STR(l.v[2].context, "Finance — (Plan): buses");
    anchor_list_cleanup(&l);
}

TEST(image_alt_title_and_base_href)
{
    const char *html = "<base href='https://cdn.example.net/a/'>"
                       "<div><a href='r.pdf'><img src=i.png alt='Annual report'></a></div>"
                       "<div><a href='s.xlsx' title='Spreadsheet of grants'></a></div>";
    anchor_list_t l;
    REQUIRE(extract(html, &l) == CINDER_OK);
    REQUIRE(l.n == 2);
    CHECK_STR(l.v[0].url, "https://cdn.example.net/a/r.pdf");
    CHECK_STR(l.v[0].text, "Annual report");
    CHECK_STR(l.v[1].text, "Spreadsheet of grants");
    CHECK_STR(l.v[1].context, "");
    CHECK_STR(l.title, "");
    anchor_list_cleanup(&l);
}

TEST(long_block_keeps_a_window_around_the_link)
{
    buf_t b;
    buf_init(&b, 0);
    CHECK(buf_puts(&b, "<p>") == CINDER_OK);
    for (int i = 0; i < 200; i++)
        CHECK(buf_printf(&b, "before%d ", i) == CINDER_OK);
    CHECK(buf_puts(&b, "<a href='/t.pdf'>Target</a>") == CINDER_OK);
    for (int i = 0; i < 200; i++)
        CHECK(buf_printf(&b, " after%d", i) == CINDER_OK);
    CHECK(buf_puts(&b, "</p>") == CINDER_OK);
    anchor_list_t l;
    REQUIRE(extract(buf_str(&b), &l) == CINDER_OK);
    REQUIRE(l.n == 1);
    const char *c = l.v[0].context;
    CHECK(strlen(c) <= ANCHOR_CONTEXT_MAX);
    CHECK_CONTAINS(c, "before199 Target after0 after1");
    CHECK_NOT_CONTAINS(c, "before0 ");
    CHECK_NOT_CONTAINS(c, "after199");
    anchor_list_cleanup(&l);
    buf_cleanup(&b);
}

TEST(cuts_at_character_boundaries_and_caps_count)
{
    buf_t b;
    buf_init(&b, 0);
    CHECK(buf_puts(&b, "<p><a href='/x.pdf'>") == CINDER_OK);
    for (int i = 0; i < 150; i++)
        CHECK(buf_puts(&b, "é") == CINDER_OK); /* 300 bytes of two-byte characters */
    CHECK(buf_puts(&b, "</a></p>") == CINDER_OK);
    for (int i = 0; i < 20; i++)
        CHECK(buf_printf(&b, "<a href='/p%d'>p</a>", i) == CINDER_OK);
    anchor_list_t l;
    REQUIRE(anchors_extract(buf_str(&b), b.len, "https://example.org/", 5, &l) == CINDER_OK);
    CHECK_INT(l.n, 5);
    CHECK(strlen(l.v[0].text) <= ANCHOR_TEXT_MAX && strlen(l.v[0].text) > 190);
    CHECK_INT(strlen(l.v[0].text) % 2, 0);
    CHECK(strlen(l.v[0].context) <= ANCHOR_CONTEXT_MAX);
    anchor_list_cleanup(&l);
    buf_cleanup(&b);
}

TEST(heading_found_through_ancestors)
{
    char html[20000];
    size_t n = (size_t)snprintf(html, sizeof html, "<h3>Planning applications</h3><table>");
    for (int i = 0; i < 100; i++)
        n +=
            (size_t)snprintf(html + n, sizeof html - n,
                             "<tr><td>%d</td><td><a href='/a%d.pdf'>App %d</a></td></tr>", i, i, i);
    snprintf(html + n, sizeof html - n, "</table>");
    anchor_list_t l;
    REQUIRE(extract(html, &l) == CINDER_OK);
    REQUIRE(l.n == 100);
    CHECK_STR(l.v[0].context, "Planning applications — App 0");
    CHECK_STR(l.v[99].context, "Planning applications — App 99");
    anchor_list_cleanup(&l);
}
