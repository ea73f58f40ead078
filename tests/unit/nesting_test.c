#include "test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "html/dom.h"
#include "html/nesting.h"

static char *repeat(const char *head, const char *unit, int n, const char *mid, const char *tail,
                    int m)
{
    buf_t b;
    buf_init(&b, 0);
    CHECK_INT(buf_puts(&b, head), CINDER_OK);
    for (int i = 0; i < n; i++)
        CHECK_INT(buf_puts(&b, unit), CINDER_OK);
    CHECK_INT(buf_puts(&b, mid), CINDER_OK);
    for (int i = 0; i < m; i++)
        CHECK_INT(buf_puts(&b, tail), CINDER_OK);
    return buf_steal(&b);
}

TEST(nesting_shallow_input_untouched)
{
    const char *html = "<html><body><div><p>a<p>b<ul><li>x<li>y</ul><br><img src=a>"
                       "<script>if (a < b && '<div>') {}</script><!-- <div><div> -->"
                       "<textarea><div><div></textarea></div></body></html>";
    buf_t out;
    buf_init(&out, 0);
    CHECK(!nesting_limit(html, strlen(html), 3, &out));
    CHECK_INT(out.len, 0);
    buf_cleanup(&out);
}

TEST(nesting_deep_input_flattened_text_kept)
{
    char *html = repeat("<body>", "<div>", 100, "<b>deep text</b>", "</div>", 100);
    buf_t out;
    buf_init(&out, 0);
    REQUIRE(nesting_limit(html, strlen(html), 10, &out));
    CHECK_CONTAINS(buf_str(&out), "deep text"); /* the <b> beyond the limit goes, its text stays */
    CHECK_NOT_CONTAINS(buf_str(&out), "<b>");
    /* the body is neutral: 10 divs stay, opened and closed; the other 90 pairs are gone */
    int opens = 0, closes = 0;
    for (const char *p = buf_str(&out); (p = strstr(p, "<div>")); p++)
        opens++;
    for (const char *p = buf_str(&out); (p = strstr(p, "</div>")); p++)
        closes++;
    CHECK_INT(opens, 10);
    CHECK_INT(closes, 10);
    buf_cleanup(&out);
    free(html);
}

TEST(nesting_hostile_page_parses_fast)
{
    char *html = repeat("<html><body>", "<div>", 100000, "x", "</div>", 100000);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    dom_doc_t *doc = dom_parse(html, strlen(html));
    clock_gettime(CLOCK_MONOTONIC, &b);
    REQUIRE(doc);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    CHECK(secs < 5.0); /* unguarded, MyHTML takes ~30 s here (far more under ASan) */
    buf_t text;
    buf_init(&text, 0);
    CHECK_INT(dom_text_content(dom_body(doc), &text), CINDER_OK);
    CHECK_STR(buf_str(&text), "x");
    buf_cleanup(&text);
    dom_doc_free(doc);
    free(html);
    char *formatting = repeat("<body>", "<b>", 50000, "y", "", 0);
    doc = dom_parse(formatting, strlen(formatting));
    CHECK(doc != NULL);
    dom_doc_free(doc);
    free(formatting);
}

TEST(nesting_real_pages_never_rewritten)
{
    const char *root = "../shared/corpus/readability/pages";
    DIR *d = opendir(root);
    if (!d)
        return; /* corpus not present: nothing to check */
    struct dirent *e;
    int pages = 0, rewritten = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/source.html", root, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fclose(f);
        size_t len;
        char *html = test_read_file(path, &len);
        buf_t out;
        buf_init(&out, 0);
        rewritten += nesting_limit(html, len, NESTING_MAX_DEPTH, &out);
        buf_cleanup(&out);
        free(html);
        pages++;
    }
    closedir(d);
    CHECK(pages >= 100);
    CHECK_INT(rewritten, 0);
}
