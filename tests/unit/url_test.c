#include "test.h"

#include <stdlib.h>

#include "util/url.h"

static void check_resolve(const char *base, const char *ref, const char *want)
{
    char *got = url_resolve(base, ref, strlen(ref));
    if (!want)
        CHECK(got == NULL);
    else
        CHECK_STR(got, want);
    free(got);
}

TEST(url_resolve_relative_forms)
{
    const char *b = "https://ex.com/docs/guide/page.html?x=1#top";
    check_resolve(b, "other.html", "https://ex.com/docs/guide/other.html");
    check_resolve(b, "../api/", "https://ex.com/docs/api/");
    check_resolve(b, "/root", "https://ex.com/root");
    check_resolve(b, "//cdn.ex.com/a.png", "https://cdn.ex.com/a.png");
    check_resolve(b, "?q=2", "https://ex.com/docs/guide/page.html?q=2");
    check_resolve(b, "  spaced name.html \n", "https://ex.com/docs/guide/spaced%20name.html");
    check_resolve(b, "mailto:a@b.c", "mailto:a@b.c");
    check_resolve(b, "javascript:void(0)", NULL);
    check_resolve(b, "", NULL);
    check_resolve(b, "HTTP://Other.COM/X", "http://other.com/X");
}

TEST(url_fragment_and_scheme)
{
    CHECK(url_is_fragment_only(" #a", 3));
    CHECK(!url_is_fragment_only("a#b", 3));
    CHECK(url_has_scheme("tel:123", 7));
    CHECK(!url_has_scheme("/a:b", 4));
}

TEST(url_normalize_http_checks)
{
    char *host = NULL;
    char *u = url_normalize_http("https://Example.COM:443/a b", &host);
    CHECK_STR(u, "https://example.com:443/a%20b");
    CHECK_STR(host, "example.com");
    free(u);
    free(host);
    CHECK(url_normalize_http("ftp://example.com/", NULL) == NULL);
    CHECK(url_normalize_http("not a url", NULL) == NULL);
}
