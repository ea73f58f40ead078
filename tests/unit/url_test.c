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

TEST(url_resolver_matches_url_resolve)
{
    static const char *const bases[] = {
        "https://example.com/docs/guide/intro.html",
        "http://Example.COM:8080/a/b/",
        "https://x.io",
        "https://example.com/a/b?q=1#f",
        "not a url",
        "https://h.com/d1/d2/d3/page",
        NULL,
    };
    static const char *const refs[] = {
        "page.html",
        "/root/x",
        "//cdn.example.com/y",
        "https://other.org/p?q=1",
        "HTTPS://UP.org/Z",
        "../up",
        "./same",
        ".",
        "..",
        "?only=query",
        "#frag",
        "",
        "   ",
        " spaced.html ",
        "a b.html",
        "caf\xc3\xa9.html",
        "mailto:a@b.c",
        "javascript:void(0)",
        "JavaScript:x",
        "tel:+1",
        "x:y",
        "_under",
        "-dash",
        "9lives",
        "q?",
        "p#",
        "p?#",
        "a/./b",
        "a/../b",
        "%20pre",
        "with\ttab",
        "line\nbreak",
        "http://h.com",
        "http://h.com/",
        "https://h.com/a?b",
        "/",
        "//",
        "///x",
        "\\back",
        "data:text/plain,hi",
        "https://user:pw@h.com/",
        "http://h.com:80/p",
        "../../../../../x",
        "../",
        "./",
        "./../a",
        "../a/./b",
        ".././x",
        "../..",
        "../.",
        "..//x",
        "../?q",
        "../#f",
        "./?q",
        "../x?q=1#f",
        "../../a/b.html",
        "../caf\xc3\xa9",
    };
    for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
        url_resolver_t *r = url_resolver_new(bases[b]);
        for (int pass = 0; pass < 2; pass++) { /* the second pass reuses the parsed base */
            for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
                char *want = url_resolve(bases[b], refs[i], strlen(refs[i]));
                char *got = url_resolver_resolve(r, refs[i], strlen(refs[i]));
                if ((want == NULL) != (got == NULL) || (want && strcmp(want, got) != 0))
                    test_fail(__FILE__, __LINE__, "base %s ref \"%s\": url_resolve %s, resolver %s",
                              bases[b] ? bases[b] : "(null)", refs[i], want ? want : "(null)",
                              got ? got : "(null)");
                free(want);
                free(got);
            }
        }
        url_resolver_free(r);
    }
    url_resolver_free(NULL);
}
