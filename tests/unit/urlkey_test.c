#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "crawl/urlkey.h"

static const urlkey_opts_t DEF = {.dedupe_similar = true, .ignore_query = false};
static const urlkey_opts_t EXACT = {.dedupe_similar = false, .ignore_query = false};
static const urlkey_opts_t NOQ = {.dedupe_similar = true, .ignore_query = true};

/* Returns the key of url under o (caller frees), or NULL when it is invalid. */
static char *key(const char *url, const urlkey_opts_t *o)
{
    buf_t b;
    buf_init(&b, 0);
    if (urlkey_make(url, o, &b) != CINDER_OK) {
        buf_cleanup(&b);
        return NULL;
    }
    return buf_steal(&b);
}

static void check_key(const char *url, const urlkey_opts_t *o, const char *want)
{
    char *got = key(url, o);
    if (!want)
        CHECK(got == NULL);
    else
        CHECK_STR(got, want);
    free(got);
}

static void check_same(const char *a, const char *b, const urlkey_opts_t *o, bool same)
{
    char *ka = key(a, o), *kb = key(b, o);
    if (!ka || !kb || (strcmp(ka, kb) == 0) != same)
        test_fail(__FILE__, __LINE__, "%s -> %s and %s -> %s should %s", a, ka ? ka : "(null)", b,
                  kb ? kb : "(null)", same ? "collide" : "differ");
    free(ka);
    free(kb);
}

static void check_norm(const char *url, const char *want)
{
    buf_t b;
    buf_init(&b, 0);
    cinder_err err = urlkey_normalize(url, &b);
    if (!want)
        CHECK_INT(err, CINDER_E_URL_INVALID);
    else
        CHECK_STR(buf_str(&b), want);
    buf_cleanup(&b);
}

TEST(urlkey_slash_index_fragment_variants_collide)
{
    const char *variants[] = {
        "https://example.com/a",
        "https://example.com/a/",
        "https://example.com/a#x",
        "https://example.com/a/#top",
        "https://example.com/a/index.html",
        "https://example.com/a/index.php",
        "https://example.com/a/index.html#frag",
    };
    for (size_t i = 0; i < sizeof(variants) / sizeof(*variants); i++) {
        check_key(variants[i], &DEF, "example.com/a");
        check_key(variants[i], &EXACT, "https://example.com/a");
    }
    check_key("https://example.com", &DEF, "example.com/");
    check_key("https://example.com/", &DEF, "example.com/");
    check_key("https://example.com/index.html", &DEF, "example.com/");
    check_key("https://example.com/#x", &DEF, "example.com/");
    check_same("https://example.com/a/index.htm", "https://example.com/a", &DEF, false);
    check_same("https://example.com/a/myindex.html", "https://example.com/a", &DEF, false);
    check_same("https://example.com/index.html/a", "https://example.com/a", &DEF, false);
}

TEST(urlkey_path_case_is_significant)
{
    check_same("https://example.com/A", "https://example.com/a", &DEF, false);
    check_same("https://example.com/a/INDEX.HTML", "https://example.com/a", &DEF, false);
    check_key("https://EXAMPLE.com/Docs/Intro", &DEF, "example.com/Docs/Intro");
}

TEST(urlkey_scheme_host_port)
{
    check_key("HTTP://WWW.Example.com:80/a", &DEF, "example.com/a");
    check_same("HTTP://WWW.Example.com:80/a", "https://example.com/a", &DEF, true);
    check_same("http://example.com/a", "https://www.example.com/a/", &DEF, true);
    check_key("HTTP://WWW.Example.com:80/a", &EXACT, "http://www.example.com/a");
    check_key("https://Example.com:443/a", &EXACT, "https://example.com/a");
    check_key("https://example.com:0443/a", &EXACT, "https://example.com/a");
    check_key("https://example.com:80/a", &EXACT, "https://example.com:80/a");
    check_key("http://example.com:443/a", &EXACT, "http://example.com:443/a");
    check_key("http://example.com:8080/a", &DEF, "example.com:8080/a");
    check_key("http://example.com:/a", &EXACT, "http://example.com/a");
    check_key("http://example.com./a", &DEF, "example.com/a");
    check_key("http://user:pw@Example.com/a", &EXACT, "http://example.com/a");
    check_key("http://[::1]:8080/a", &EXACT, "http://[::1]:8080/a");
    check_key("http://[2001:DB8::1]/", &EXACT, "http://[2001:db8::1]/");
    check_key("http://www.com/", &DEF, "www.com/");
    check_key("http://www2.example.com/", &DEF, "www2.example.com/");
    check_key("http://wwwexample.com/", &DEF, "wwwexample.com/");
}

TEST(urlkey_dedupe_similar_off_keeps_scheme_and_www)
{
    check_same("http://example.com/a", "https://example.com/a", &EXACT, false);
    check_same("https://www.example.com/a", "https://example.com/a", &EXACT, false);
    check_same("https://example.com/a/", "https://example.com/a", &EXACT, true);
    check_same("https://example.com/a#b", "https://example.com/a", &EXACT, true);
}

TEST(urlkey_percent_encoding)
{
    check_same("https://example.com/%7euser", "https://example.com/~user", &DEF, true);
    check_same("https://example.com/%7Euser", "https://example.com/~user", &DEF, true);
    check_key("https://example.com/%7euser", &DEF, "example.com/~user");
    check_key("https://example.com/a%2fb", &DEF, "example.com/a%2Fb");
    check_same("https://example.com/a%2fb", "https://example.com/a/b", &DEF, false);
    check_key("https://example.com/%41%42c", &DEF, "example.com/ABc");
    check_key("https://example.com/100%", &DEF, "example.com/100%25");
    check_key("https://example.com/%zz%4", &DEF, "example.com/%25zz%254");
    check_key("https://example.com/a b\x01\xc3\xa9", &DEF, "example.com/a%20b%01%C3%A9");
    check_same("https://example.com/a b", "https://example.com/a%20b", &DEF, true);
    check_key("https://example.com/a\\b<c>", &DEF, "example.com/a%5Cb%3Cc%3E");
    check_key("https://example.com/?q=%e2%82%ac&r=%2d", &DEF, "example.com/?q=%E2%82%AC&r=-");
}

TEST(urlkey_dot_segments)
{
    check_key("https://example.com/a/b/../c", &DEF, "example.com/a/c");
    check_key("https://example.com/a/./b", &DEF, "example.com/a/b");
    check_key("https://example.com/a/b/..", &DEF, "example.com/a");
    check_key("https://example.com/a/b/.", &DEF, "example.com/a/b");
    check_key("https://example.com/../../a", &DEF, "example.com/a");
    check_key("https://example.com/..", &DEF, "example.com/");
    check_key("https://example.com/a/%2e%2E/b", &DEF, "example.com/b");
    check_key("https://example.com/a/%2e/b", &DEF, "example.com/a/b");
    check_key("https://example.com/a/..b/c", &DEF, "example.com/a/..b/c");
    check_key("https://example.com/a//b", &DEF, "example.com/a//b");
    check_key("https://example.com/a/b/../index.html", &DEF, "example.com/a");
}

TEST(urlkey_query_rules)
{
    check_key("https://example.com/a?", &DEF, "example.com/a");
    check_key("https://example.com/a/?#x", &DEF, "example.com/a");
    check_key("https://example.com/a?b=2&a=1", &DEF, "example.com/a?b=2&a=1");
    check_same("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2", &DEF, false);
    check_key("https://example.com/a/?x=1#f", &DEF, "example.com/a?x=1");
    check_key("https://example.com/a?x=1&&y", &DEF, "example.com/a?x=1&&y");
    check_key("https://example.com/a?x=1&", &DEF, "example.com/a?x=1&");
    check_key("https://example.com/a?x=1", &NOQ, "example.com/a");
    check_same("https://example.com/a?x=1", "https://example.com/a?x=2", &NOQ, true);
    check_same("https://example.com/a?x=1", "https://example.com/a?x=2", &DEF, false);
    check_same("https://example.com/a?x=1", "https://example.com/a", &DEF, false);
    check_key("https://example.com/a?x=1", &EXACT, "https://example.com/a?x=1");
}

TEST(urlkey_tracking_params_dropped)
{
    check_key("https://example.com/a?utm_source=x&id=3&utm_medium=y", &DEF, "example.com/a?id=3");
    check_key("https://example.com/a?fbclid=abc", &DEF, "example.com/a");
    check_key("https://example.com/a?gclid=1&UTM_Campaign=2", &DEF, "example.com/a");
    check_key("https://example.com/a?id=1&fbclid", &EXACT, "https://example.com/a?id=1");
    check_key("https://example.com/a?utm=1&fbclidx=2&xgclid=3", &DEF,
              "example.com/a?utm=1&fbclidx=2&xgclid=3");
    check_same("https://example.com/p?utm_source=news", "https://example.com/p", &DEF, true);
}

TEST(urlkey_invalid_urls)
{
    check_key("ftp://example.com/a", &DEF, NULL);
    check_key("mailto:a@example.com", &DEF, NULL);
    check_key("/relative/path", &DEF, NULL);
    check_key("https://", &DEF, NULL);
    check_key("https:///a", &DEF, NULL);
    check_key("https://exa mple.com/", &DEF, NULL);
    check_key("https://example.com:99999/", &DEF, NULL);
    check_key("https://example.com:8x/", &DEF, NULL);
    check_key("https://.example.com/", &DEF, NULL);
    check_key("https://a..b/", &DEF, NULL);
    check_key("https://[::1/", &DEF, NULL);
    check_key("https://[::1]x/", &DEF, NULL);
    check_key("https://[zz]/", &DEF, NULL);
    check_key("https://exa%41mple.com/", &DEF, NULL);
    check_key(NULL, &DEF, NULL);
    check_key("https://example.com/a", NULL, "example.com/a");

    size_t n = URLKEY_MAX_LEN + 10;
    char *big = malloc(n + 1);
    memcpy(big, "https://example.com/", 20);
    memset(big + 20, 'a', n - 20);
    big[n] = '\0';
    check_key(big, &DEF, NULL);
    big[URLKEY_MAX_LEN] = '\0';
    char *k = key(big, &DEF);
    CHECK(k != NULL);
    free(k);
    free(big);
}

TEST(urlkey_output_cap_and_reuse)
{
    buf_t b;
    buf_init(&b, 8);
    CHECK_INT(urlkey_make("https://example.com/a-long-path", &DEF, &b), CINDER_E_TOO_LARGE);
    buf_cleanup(&b);
    buf_init(&b, 0);
    CHECK_INT(urlkey_make("https://example.com/first", &DEF, &b), CINDER_OK);
    CHECK_INT(urlkey_make("https://example.com/b", &DEF, &b), CINDER_OK);
    CHECK_STR(buf_str(&b), "example.com/b");
    CHECK_INT(b.len, strlen("example.com/b"));
    CHECK_INT(urlkey_make("gopher://x/", &DEF, &b), CINDER_E_URL_INVALID);
    CHECK_INT(b.len, 0);
    buf_cleanup(&b);
}

TEST(urlkey_normalize_keeps_resource_identity)
{
    check_norm("HTTPS://WWW.Example.COM:443/a/./b/../c/?utm_source=x#frag",
               "https://www.example.com/a/c/?utm_source=x");
    check_norm("http://example.com", "http://example.com/");
    check_norm("http://example.com/index.html?", "http://example.com/index.html");
    check_norm("http://example.com/%7e%2f", "http://example.com/~%2F");
    check_norm("javascript:alert(1)", NULL);
}

TEST(urlkey_split_parts)
{
    urlkey_parts_t p;
    REQUIRE(urlkey_split("https://u@Host.com:8443/p/q?x=1#f", &p) == CINDER_OK);
    CHECK(p.https);
    CHECK_INT(p.host_len, 8);
    CHECK(memcmp(p.host, "Host.com", 8) == 0);
    CHECK_INT(p.port_len, 4);
    CHECK_INT(p.path_len, 4);
    CHECK(memcmp(p.path, "/p/q", 4) == 0);
    CHECK(p.has_query);
    CHECK_INT(p.query_len, 3);
    REQUIRE(urlkey_split("http://h#/x?y", &p) == CINDER_OK);
    CHECK(!p.https);
    CHECK_INT(p.path_len, 0);
    CHECK(!p.has_query);
}

TEST(urlkey_depth_counts_segments)
{
    CHECK_INT(urlkey_depth("https://example.com"), 0);
    CHECK_INT(urlkey_depth("https://example.com/"), 0);
    CHECK_INT(urlkey_depth("https://example.com/index.html"), 0);
    CHECK_INT(urlkey_depth("https://example.com/index.php?x=1"), 0);
    CHECK_INT(urlkey_depth("https://example.com/a"), 1);
    CHECK_INT(urlkey_depth("https://example.com/a/"), 1);
    CHECK_INT(urlkey_depth("https://example.com/a/index.html"), 1);
    CHECK_INT(urlkey_depth("https://example.com/a/b/c"), 3);
    CHECK_INT(urlkey_depth("https://example.com/a//b///"), 2);
    CHECK_INT(urlkey_depth("https://example.com/a/b/../c"), 2);
    CHECK_INT(urlkey_depth("https://example.com/a/%2e%2e/b/./c"), 2);
    CHECK_INT(urlkey_depth("https://example.com/index.html/a"), 2);
    CHECK_INT(urlkey_depth("https://example.com/a/b.html#x/y/z"), 2);
    CHECK_INT(urlkey_depth("https://example.com/a?x=/b/c/d"), 1);
    CHECK_INT(urlkey_depth("ftp://example.com/a"), -1);
    CHECK_INT(urlkey_depth(NULL), -1);
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(urlkey_speed)
{
    const char *urls[] = {
        "https://www.example.com/docs/guide/getting-started/index.html?utm_source=x&page=2#top",
        "http://example.com/blog/2024/03/a-post-about-things/",
        "https://example.com/a/b/../c/%7euser/file.pdf?q=1&r=2",
    };
    buf_t b;
    buf_init(&b, 0);
    int n = 100000;
    double t0 = now_sec();
    for (int i = 0; i < n; i++)
        CHECK_INT(urlkey_make(urls[i % 3], &DEF, &b), CINDER_OK);
    double per = (now_sec() - t0) / n * 1e9;
    buf_cleanup(&b);
    printf("    urlkey_make: %.0f ns/URL (sanitizer build)\n", per);
    CHECK(per < 20000);
}
