#include "test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "crawl/robots.h"

static const char *const AGENTS[] = {"cinder", "FirecrawlAgent", "FireCrawlAgent"};

static robots_t *parse_as(const char *body, const char *agent)
{
    const char *agents[] = {agent};
    return robots_parse(body, strlen(body), agents, 1);
}

static robots_t *parse(const char *body)
{
    return robots_parse(body, strlen(body), AGENTS, 3);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The example file of RFC 9309 §5.1. */
static const char RFC_EXAMPLE[] = "User-Agent: *\n"
                                  "Disallow: *.gif$\n"
                                  "Disallow: /example/\n"
                                  "Allow: /publications/\n"
                                  "\n"
                                  "User-Agent: foobot\n"
                                  "Disallow:/\n"
                                  "Allow:/example/page.html\n"
                                  "Allow:/example/allowed.gif\n"
                                  "\n"
                                  "User-Agent: barbot\n"
                                  "User-Agent: bazbot\n"
                                  "Disallow: /example/page.html\n"
                                  "\n"
                                  "User-Agent: quxbot\n"
                                  "\n"
                                  "EOF\n";

TEST(robots_rfc_example_groups)
{
    robots_t *r = parse_as(RFC_EXAMPLE, "foobot");
    CHECK(robots_allows(r, "/example/page.html"));
    CHECK(robots_allows(r, "https://ex.com/example/allowed.gif"));
    CHECK(!robots_allows(r, "/example/other.html"));
    CHECK(!robots_allows(r, "/"));
    robots_free(r);

    const char *barbaz[] = {"barbot", "bazbot"};
    for (size_t i = 0; i < 2; i++) {
        r = parse_as(RFC_EXAMPLE, barbaz[i]);
        CHECK(!robots_allows(r, "/example/page.html"));
        CHECK(robots_allows(r, "/example/other.html")); /* no fallback to '*' */
        CHECK(robots_allows(r, "/a.gif"));
        robots_free(r);
    }

    r = parse_as(RFC_EXAMPLE, "quxbot"); /* an empty group allows everything */
    CHECK(robots_allows(r, "/example/page.html"));
    CHECK(robots_allows(r, "/a.gif"));
    robots_free(r);

    r = parse_as(RFC_EXAMPLE, "otherbot");
    CHECK(!robots_allows(r, "/a.gif"));
    CHECK(robots_allows(r, "/a.gif?x=1")); /* '$' anchors the end of path+query */
    CHECK(!robots_allows(r, "/example/x"));
    CHECK(robots_allows(r, "/publications/x"));
    CHECK(robots_allows(r, "/other"));
    robots_free(r);
}

TEST(robots_longest_match_and_ties)
{
    robots_t *r = parse("User-agent: *\n"
                        "Allow: /example/page/\n"
                        "Disallow: /example/page/disallowed.gif\n"
                        "Allow: /p\n"
                        "Disallow: /p\n"
                        "Disallow: /*.html\n"
                        "Allow: /page\n"
                        "Allow: /$\n"
                        "Disallow: /\n");
    CHECK(robots_allows(r, "/example/page/ok.gif"));
    CHECK(!robots_allows(r, "/example/page/disallowed.gif"));
    CHECK(robots_allows(r, "/p"));          /* equal length: Allow wins */
    CHECK(!robots_allows(r, "/page.html")); /* the 7-octet "*.html" rule beats "/page" (5) */
    CHECK(robots_allows(r, "/pageX"));      /* "/page" beats "/p" and "/" */
    CHECK(robots_allows(r, "/"));           /* "/$" (2) beats "/" (1) */
    CHECK(!robots_allows(r, "/elsewhere"));
    CHECK(robots_allows(r, "http://ex.com")); /* an empty path is "/" */
    robots_free(r);
}

TEST(robots_wildcards_rfc_table)
{
    robots_t *r = parse("user-agent: *\ndisallow: /*.php$\ndisallow: /fish*.php\n");
    CHECK(!robots_allows(r, "/filename.php"));
    CHECK(!robots_allows(r, "/folder/filename.php"));
    CHECK(robots_allows(r, "/filename.php?parameters"));
    CHECK(robots_allows(r, "/filename.php/"));
    CHECK(robots_allows(r, "/filename.php5"));
    CHECK(!robots_allows(r, "/fish.php"));
    CHECK(!robots_allows(r, "/fishheads/catfish.php?parameters"));
    CHECK(robots_allows(r, "/Fish.PHP"));
    CHECK(robots_allows(r, "/fis.php5"));
    robots_free(r);

    r = parse("User-agent: *\nDisallow: /a**b***c\nDisallow: /*/x/*$\nDisallow: /$lit\n");
    CHECK(!robots_allows(r, "/a-b-c"));
    CHECK(!robots_allows(r, "/abc"));
    CHECK(robots_allows(r, "/acb"));
    CHECK(!robots_allows(r, "/q/x/"));
    CHECK(!robots_allows(r, "/q/x/tail"));
    CHECK(!robots_allows(r, "/$lit")); /* '$' not at the end is a literal */
    CHECK(robots_allows(r, "/lit"));
    robots_free(r);

    r = parse("User-agent: *\nDisallow: *\n"); /* a pattern may start with '*' */
    CHECK(!robots_allows(r, "/anything"));
    robots_free(r);
}

TEST(robots_percent_encoding)
{
    robots_t *r = parse("User-agent: *\n"
                        "Disallow: /foo/bar/\xE3\x83\x84\n"
                        "Disallow: /enc/%62%61%7A\n"
                        "Disallow: /a/b\n"
                        "Disallow: /c%2fd\n"
                        "Disallow: /sp ace\n");
    CHECK(!robots_allows(r, "/foo/bar/%E3%83%84"));
    CHECK(!robots_allows(r, "/foo/bar/%e3%83%84"));
    CHECK(!robots_allows(r, "/foo/bar/\xE3\x83\x84"));
    CHECK(!robots_allows(r, "/enc/baz"));
    CHECK(!robots_allows(r, "/enc/%62az"));
    CHECK(robots_allows(r, "/a%2Fb")); /* %2F is reserved: not the same as '/' */
    CHECK(!robots_allows(r, "/a/b"));
    CHECK(!robots_allows(r, "/c%2Fd")); /* hex case does not matter */
    CHECK(robots_allows(r, "/c/d"));
    CHECK(!robots_allows(r, "/sp%20ace"));
    CHECK(robots_allows(r, "/stray%zz%"));
    robots_free(r);
}

TEST(robots_agent_selection)
{
    const char *body = "User-agent: *\nDisallow: /star\n\n"
                       "User-agent: cinder\nDisallow: /cinder\n\n"
                       "User-agent: FirecrawlAgent/1.0 (+https://firecrawl.dev)\nDisallow: /fc\n\n"
                       "User-agent: Googlebot\nDisallow: /google\n";
    robots_t *r = parse(body); /* cinder and FirecrawlAgent groups merged; '*' not used */
    CHECK(!robots_allows(r, "/cinder"));
    CHECK(!robots_allows(r, "/fc"));
    CHECK(robots_allows(r, "/star"));
    CHECK(robots_allows(r, "/google"));
    robots_free(r);

    r = parse_as(body, "CINDER/2.3");
    CHECK(!robots_allows(r, "/cinder"));
    CHECK(robots_allows(r, "/fc"));
    robots_free(r);

    r = parse_as(body, "firecrawlagent");
    CHECK(!robots_allows(r, "/fc"));
    CHECK(robots_allows(r, "/cinder"));
    robots_free(r);

    r = parse_as(body, "cinderella"); /* product tokens match exactly, not by prefix */
    CHECK(!robots_allows(r, "/star"));
    CHECK(robots_allows(r, "/cinder"));
    robots_free(r);

    r = parse("User-agent: Googlebot\nDisallow: /\n"); /* no '*' group: allow all */
    CHECK(robots_allows(r, "/x"));
    robots_free(r);

    r = robots_parse(body, strlen(body), NULL, 0); /* no agents: '*' */
    CHECK(!robots_allows(r, "/star"));
    robots_free(r);
}

TEST(robots_groups_merge_and_rules_outside_groups)
{
    robots_t *r = parse("Disallow: /before-any-group\n"
                        "User-agent: cinder\nDisallow: /one\n"
                        "User-agent: other\nDisallow: /other\n"
                        "user-agent: CINDER\nDisallow: /two\nAllow: /one/open\n"
                        "User-agent: *\nUser-agent: FirecrawlAgent\nDisallow: /three\n");
    CHECK(robots_allows(r, "/before-any-group"));
    CHECK(!robots_allows(r, "/one"));
    CHECK(robots_allows(r, "/one/open"));
    CHECK(!robots_allows(r, "/two"));
    CHECK(!robots_allows(r, "/three"));
    CHECK(robots_allows(r, "/other"));
    robots_free(r);

    /* Rules of different agents' groups compete by length (RFC merge), not "either allows". */
    r = parse("User-agent: cinder\nDisallow: /a/deep\nUser-agent: FirecrawlAgent\nAllow: /a\n");
    CHECK(!robots_allows(r, "/a/deep/x"));
    CHECK(robots_allows(r, "/a/x"));
    robots_free(r);

    /* Unknown lines do not split a run of user-agent lines. */
    r = parse("User-agent: cinder\nFoo: bar\nSitemap: https://ex.com/s.xml\nUser-agent: x\n"
              "Disallow: /shared\n");
    CHECK(!robots_allows(r, "/shared"));
    robots_free(r);
}

TEST(robots_empty_disallow_and_allow_all)
{
    robots_t *r = parse("User-agent: *\nDisallow:\n");
    CHECK(robots_allows(r, "/anything"));
    robots_free(r);
    r = parse("User-agent: cinder\nDisallow:   # nothing\nUser-agent: *\nDisallow: /\n");
    CHECK(robots_allows(r, "/anything"));
    robots_free(r);
    r = parse("User-agent: *\nDisallow: relative\nDisallow: $\n"); /* invalid patterns */
    CHECK(robots_allows(r, "/relative"));
    robots_free(r);
    r = parse("");
    CHECK(robots_allows(r, "/x"));
    CHECK_INT(robots_crawl_delay_ms(r), -1);
    robots_free(r);
    r = robots_parse(NULL, 0, AGENTS, 3);
    CHECK(robots_allows(r, "/x"));
    robots_free(r);
}

TEST(robots_crawl_delay)
{
    struct {
        const char *v;
        long want;
    } cases[] = {{"10", 10000}, {"0.5", 500},    {"1.25", 1250}, {".75", 750},
                 {"3.", 3000},  {"0", 0},        {"120", 60000}, {"99999999999999999999", 60000},
                 {"abc", -1},   {"-1", -1},      {"1.5s", -1},   {"", -1},
                 {"1.2.3", -1}, {"2.9999", 2999}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[128];
        snprintf(body, sizeof body, "User-agent: *\nCrawl-delay: %s\n", cases[i].v);
        robots_t *r = parse(body);
        if (robots_crawl_delay_ms(r) != cases[i].want)
            test_fail(__FILE__, __LINE__, "Crawl-delay: %s gave %ld, want %ld", cases[i].v,
                      robots_crawl_delay_ms(r), cases[i].want);
        robots_free(r);
    }
    const char *body = "User-agent: *\nCrawl-delay: 7\n\nUser-agent: cinder\nCrawl-delay: 2\n"
                       "Crawl-delay: 3\nDisallow: /x\n";
    robots_t *r = parse(body);
    CHECK_INT(robots_crawl_delay_ms(r), 2000); /* our group, first value */
    CHECK(!robots_allows(r, "/x"));
    robots_free(r);
    r = parse_as(body, "otherbot");
    CHECK_INT(robots_crawl_delay_ms(r), 7000);
    robots_free(r);
    r = parse("User-agent: cinder\nDisallow: /\nUser-agent: *\nCrawl-delay: 5\n");
    CHECK_INT(robots_crawl_delay_ms(r), -1); /* the '*' delay is not ours */
    robots_free(r);
    CHECK_INT(robots_crawl_delay_ms(NULL), -1);
}

TEST(robots_sitemaps)
{
    robots_t *r = parse("Sitemap: https://ex.com/a.xml\n"
                        "User-agent: *\nDisallow: /x\n"
                        "sitemap:https://ex.com/b.xml # comment\n"
                        "SITEMAP: https://ex.com/a.xml\n"
                        "Sitemap: /relative.xml\n"
                        "Sitemap: ftp://ex.com/c.xml\n"
                        "Sitemap: http://\n"
                        "Sitemap: http://ex.com/has space.xml\n"
                        "User-agent: googlebot\nSitemap: HTTP://ex.com/c.xml\n");
    size_t n = 0;
    const char *const *s = robots_sitemaps(r, &n);
    REQUIRE(n == 3 && s);
    CHECK_STR(s[0], "https://ex.com/a.xml");
    CHECK_STR(s[1], "https://ex.com/b.xml");
    CHECK_STR(s[2], "HTTP://ex.com/c.xml");
    CHECK(!robots_allows(r, "/x")); /* sitemap lines do not disturb groups */
    robots_free(r);

    r = parse("User-agent: *\nDisallow: /\n");
    n = 99;
    CHECK(robots_sitemaps(r, &n) == NULL);
    CHECK_INT(n, 0);
    robots_free(r);

    char *big = malloc(200 * 48);
    REQUIRE(big);
    size_t len = 0;
    for (int i = 0; i < 200; i++)
        len += (size_t)sprintf(big + len, "Sitemap: https://ex.com/s%d.xml\n", i);
    r = robots_parse(big, len, AGENTS, 3);
    robots_sitemaps(r, &n);
    CHECK_INT(n, 100);
    CHECK_STR(robots_sitemaps(r, &n)[99], "https://ex.com/s99.xml");
    robots_free(r);
    free(big);
}

TEST(robots_html_body_is_allow_all)
{
    robots_t *r = parse("  \n<!DOCTYPE html><html><body>User-agent: *\nDisallow: /\n"
                        "Sitemap: https://ex.com/s.xml\n</body></html>");
    CHECK(robots_allows(r, "/x"));
    size_t n;
    CHECK(robots_sitemaps(r, &n) == NULL);
    robots_free(r);
    r = parse("\xEF\xBB\xBF<?xml version=\"1.0\"?><x/>\nUser-agent: *\nDisallow: /\n");
    CHECK(robots_allows(r, "/x"));
    robots_free(r);
    r = parse("{\"error\": \"not found\"}\nUser-agent: *\nDisallow: /\n");
    CHECK(robots_allows(r, "/x"));
    robots_free(r);
}

TEST(robots_bom_crlf_whitespace_comments)
{
    robots_t *r = parse("\xEF\xBB\xBFUser-agent: cinder\r\n"
                        "   DISALLOW   :   /crlf   # trailing comment\r\n"
                        "\tallow:/crlf/ok\r"
                        "# Disallow: /commented\r\n"
                        "Disallow /nocolon\n"
                        "Noise: /x\n"
                        "Disallow: /last");
    CHECK(!robots_allows(r, "/crlf"));
    CHECK(robots_allows(r, "/crlf/ok"));
    CHECK(robots_allows(r, "/commented"));
    CHECK(robots_allows(r, "/nocolon"));
    CHECK(!robots_allows(r, "/last"));
    robots_free(r);
}

TEST(robots_long_lines_and_rule_cap)
{
    size_t big = 20 * 1024;
    char *body = malloc(big + 64);
    REQUIRE(body);
    size_t len = (size_t)sprintf(body, "User-agent: *\nDisallow: /");
    memset(body + len, 'a', big);
    len += big;
    len += (size_t)sprintf(body + len, "\nDisallow: /short\n");
    robots_t *r = robots_parse(body, len, AGENTS, 3);
    char *url = malloc(big + 3);
    REQUIRE(url);
    url[0] = '/';
    memset(url + 1, 'a', big + 1);
    url[big + 2] = '\0';
    CHECK(robots_allows(r, url)); /* the 20 KiB line is ignored */
    CHECK(!robots_allows(r, "/short"));
    robots_free(r);
    free(url);
    free(body);

    size_t cap = 12000 * 24 + 32;
    body = malloc(cap);
    REQUIRE(body);
    len = (size_t)sprintf(body, "User-agent: *\n");
    for (int i = 0; i < 12000; i++)
        len += (size_t)sprintf(body + len, "Disallow: /r%d$\n", i);
    r = robots_parse(body, len, AGENTS, 3);
    CHECK(!robots_allows(r, "/r0"));
    CHECK(!robots_allows(r, "/r9999"));
    CHECK(robots_allows(r, "/r10000")); /* beyond the 10,000-rule cap */
    CHECK(robots_allows(r, "/r11999"));
    robots_free(r);
    free(body);
}

TEST(robots_body_cap_500k)
{
    size_t len = 600 * 1024;
    char *body = malloc(len);
    REQUIRE(body);
    memset(body, '\n', len);
    memcpy(body, "User-agent: *\n", 14);
    const char *late = "Disallow: /late\n";
    memcpy(body + 550 * 1024, late, strlen(late));
    const char *early = "Disallow: /early\n";
    memcpy(body + 400 * 1024, early, strlen(early));
    robots_t *r = robots_parse(body, len, AGENTS, 3);
    CHECK(!robots_allows(r, "/early"));
    CHECK(robots_allows(r, "/late"));
    robots_free(r);
    free(body);
}

TEST(robots_robots_txt_always_allowed)
{
    robots_t *r = parse("User-agent: *\nDisallow: /\n");
    CHECK(robots_allows(r, "/robots.txt"));
    CHECK(robots_allows(r, "https://ex.com/robots.txt"));
    CHECK(robots_allows(r, "https://ex.com/robots.txt?x=1#f"));
    CHECK(!robots_allows(r, "/robots.txt.bak"));
    CHECK(!robots_allows(r, "/x/robots.txt"));
    robots_free(r);
    r = robots_disallow_all();
    CHECK(robots_allows(r, "http://ex.com/robots.txt"));
    robots_free(r);
}

TEST(robots_allow_all_disallow_all)
{
    robots_t *a = robots_allow_all(), *d = robots_disallow_all();
    const char *urls[] = {"/", "/x", "https://ex.com", "https://ex.com/a?b#c", "//ex.com/p"};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        CHECK(robots_allows(a, urls[i]));
        CHECK(!robots_allows(d, urls[i]));
    }
    CHECK_INT(robots_crawl_delay_ms(a), -1);
    CHECK_INT(robots_crawl_delay_ms(d), -1);
    size_t n = 5;
    CHECK(robots_sitemaps(d, &n) == NULL && n == 0);
    CHECK(robots_allows(NULL, "/x"));
    robots_free(a);
    robots_free(d);
    robots_free(NULL);
}

TEST(robots_url_forms)
{
    robots_t *r = parse("User-agent: *\nDisallow: /p?q=1\nDisallow: /$\nAllow: /ok:colon\n"
                        "Disallow: /ok\n");
    CHECK(!robots_allows(r, "https://ex.com/p?q=1"));
    CHECK(!robots_allows(r, "HTTPS://EX.COM:8443/p?q=1&r"));
    CHECK(robots_allows(r, "https://ex.com/p?q=2"));
    CHECK(robots_allows(r, "https://ex.com/p#?q=1")); /* the fragment is not matched */
    CHECK(!robots_allows(r, "https://ex.com"));
    CHECK(!robots_allows(r, "https://ex.com#frag"));
    CHECK(!robots_allows(r, "//ex.com/"));
    CHECK(robots_allows(r, "https://ex.com?x")); /* path "/" with a query is not "/$" */
    CHECK(robots_allows(r, "/ok:colon/x://y"));
    CHECK(!robots_allows(r, "/okay"));
    robots_free(r);
}

TEST(robots_trailing_slash_variant)
{
    robots_t *r = parse("User-agent: *\n"
                        "Disallow: /private/\n"
                        "Disallow: /exact/$\n"
                        "Disallow: /wild*/\n"
                        "Allow: /private/public\n"
                        "Allow: /open/\n"
                        "Disallow: /\n"
                        "User-agent: cinder\n"
                        "Disallow: /private/\n"
                        "Disallow: /exact/$\n"
                        "Disallow: /wild*/\n"
                        "Allow: /private/public\n"
                        "Allow: /zzz/\n"
                        "Disallow: /deep/dir/\n");
    CHECK(!robots_allows(r, "/private/"));
    CHECK(!robots_allows(r, "/private"));     /* the variant "/private/" is disallowed */
    CHECK(!robots_allows(r, "/private?x=1")); /* path "/private" → "/private/" */
    CHECK(robots_allows(r, "/privateer"));    /* not a directory match */
    CHECK(robots_allows(r, "/priv"));
    CHECK(robots_allows(r, "/private/public"));
    CHECK(!robots_allows(r, "/exact"));
    CHECK(robots_allows(r, "/exact?q")); /* "/exact/$" would not match "/exact/?q" */
    CHECK(robots_allows(r, "/wildcat")); /* wildcard rules get no variant */
    CHECK(robots_allows(r, "/zzz"));     /* Allow rules get no variant */
    CHECK(!robots_allows(r, "/deep/dir"));
    CHECK(robots_allows(r, "/deep"));
    robots_free(r);
}

TEST(robots_random_garbage_1mb)
{
    size_t len = 1024 * 1024;
    char *body = malloc(len);
    REQUIRE(body);
    static const char *frags[] = {"User-agent: ",
                                  "Disallow: ",
                                  "Allow: ",
                                  "Crawl-delay: ",
                                  "Sitemap: http://",
                                  "*",
                                  "$",
                                  "%",
                                  "%4",
                                  "%41",
                                  "\r",
                                  "\n",
                                  "#",
                                  ":",
                                  "/",
                                  "cinder",
                                  "\xEF\xBB\xBF",
                                  "\0",
                                  " "};
    uint32_t seed = 12345;
    for (size_t i = 0; i < len;) {
        seed = seed * 1103515245u + 12345u;
        uint32_t x = seed >> 8;
        if (x % 3 == 0) {
            body[i++] = (char)(x >> 8);
            continue;
        }
        const char *f = frags[(x >> 4) % (sizeof frags / sizeof frags[0])];
        size_t fl = f[0] ? strlen(f) : 1;
        for (size_t k = 0; k < fl && i < len; k++)
            body[i++] = f[k];
    }
    robots_t *r = robots_parse(body, len, AGENTS, 3);
    const char *urls[] = {"/", "/a", "/%41*", "https://x.y/z?q=%zz", "/cinder/$", ""};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
        (void)robots_allows(r, urls[i]);
    size_t n;
    const char *const *s = robots_sitemaps(r, &n);
    CHECK(n <= 100);
    for (size_t i = 0; i < n; i++)
        CHECK(strncmp(s[i], "http", 4) == 0 || strncmp(s[i], "HTTP", 4) == 0);
    long d = robots_crawl_delay_ms(r);
    CHECK(d >= -1 && d <= 60000);
    robots_free(r);

    for (size_t i = 0; i < len; i++) { /* pure noise too */
        seed = seed * 1103515245u + 12345u;
        body[i] = (char)(seed >> 16);
    }
    r = robots_parse(body, len, AGENTS, 3);
    (void)robots_allows(r, "/x");
    robots_free(r);
    free(body);
}

TEST(robots_pathological_wildcards_are_fast)
{
    size_t plen = 100 * 1024;
    char *url = malloc(plen + 1);
    REQUIRE(url);
    url[0] = '/';
    memset(url + 1, 'a', plen - 1);
    url[plen] = '\0';

    size_t seg = 8000;
    char *body = malloc(seg + 256);
    REQUIRE(body);
    size_t len = (size_t)sprintf(body, "User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*b\n"
                                       "Disallow: /*a*a*a*a*a*b$\nDisallow: /*");
    memset(body + len, 'a', seg);
    len += seg;
    len += (size_t)sprintf(body + len, "b*a\nDisallow: /**********************c\n");
    robots_t *r = robots_parse(body, len, AGENTS, 3);
    double t0 = now_ms();
    CHECK(robots_allows(r, url));
    url[plen - 1] = 'b';
    CHECK(!robots_allows(r, url));
    double dt = now_ms() - t0;
    if (dt >= 100.0)
        test_fail(__FILE__, __LINE__, "pathological match took %.1f ms", dt);
    robots_free(r);
    free(body);
    free(url);
}

TEST(robots_speed_1000_rules)
{
    char *body = malloc(1000 * 48 + 32);
    REQUIRE(body);
    size_t len = (size_t)sprintf(body, "User-agent: *\n");
    for (int i = 0; i < 1000; i++) {
        if (i % 4 == 0)
            len += (size_t)sprintf(body + len, "Disallow: /*/section%d/*.pdf$\n", i);
        else
            len +=
                (size_t)sprintf(body + len, "%s: /dir%d/sub/\n", i % 2 ? "Allow" : "Disallow", i);
    }
    robots_t *r = robots_parse(body, len, AGENTS, 3);
    const char *url = "https://example.com/dir999/sub/some/longer/path/page.html?x=1&y=2";
    int iters = 20000;
    int allowed = 0;
    double t0 = now_ms();
    for (int i = 0; i < iters; i++)
        allowed += robots_allows(r, url);
    double us = (now_ms() - t0) * 1000.0 / iters;
    CHECK_INT(allowed, iters);
    CHECK(!robots_allows(r, "/a/section4/b.pdf"));
    fprintf(stderr, "  robots_allows on 1,000 rules: %.2f us/call (this build)\n", us);
    CHECK(us < 1000.0);
    robots_free(r);
    free(body);
}
