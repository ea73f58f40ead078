#include "test.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "crawl/scope.h"

/* A config with no limits and every switch off, starting at url. */
static scope_config_t base_cfg(const char *url)
{
    scope_config_t c = {0};
    c.start_url = url;
    c.max_depth = -1;
    c.max_discovery_depth = -1;
    return c;
}

static scope_t *make(const scope_config_t *c)
{
    scope_t *s = NULL;
    char err[256] = "";
    cinder_err e = scope_new(c, &s, err, sizeof(err));
    if (e != CINDER_OK)
        test_fail(__FILE__, __LINE__, "scope_new: %s (%s)", cinder_err_name(e), err);
    return s;
}

#define CHECK_V(s, url, hops, ext, want)                                                           \
    do {                                                                                           \
        scope_verdict got_ = scope_check((s), (url), (hops), (ext));                               \
        if (got_ != (want))                                                                        \
            test_fail(__FILE__, __LINE__, "%s: got %s, want %s", (url), scope_verdict_name(got_),  \
                      scope_verdict_name(want));                                                   \
    } while (0)

#define OK(s, url) CHECK_V(s, url, 1, false, SCOPE_OK)

TEST(scope_verdict_names)
{
    CHECK_STR(scope_verdict_name(SCOPE_OK), "ok");
    CHECK_STR(scope_verdict_name(SCOPE_EXCLUDED), "excluded");
    CHECK_STR(scope_verdict_name(SCOPE_NOT_INCLUDED), "not_included");
    CHECK_STR(scope_verdict_name(SCOPE_OUTSIDE), "outside_scope");
    CHECK_STR(scope_verdict_name(SCOPE_EXTERNAL), "external");
    CHECK_STR(scope_verdict_name(SCOPE_DEPTH), "depth");
    CHECK_STR(scope_verdict_name(SCOPE_DISCOVERY_DEPTH), "discovery_depth");
    CHECK_STR(scope_verdict_name(SCOPE_FILE_TYPE), "file_type");
    CHECK_STR(scope_verdict_name(SCOPE_SCHEME), "scheme");
}

TEST(scope_scheme_and_garbage)
{
    scope_config_t c = base_cfg("https://example.com/");
    scope_t *s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "mailto:a@example.com", 1, false, SCOPE_SCHEME);
    CHECK_V(s, "ftp://example.com/a", 1, false, SCOPE_SCHEME);
    CHECK_V(s, "javascript:void(0)", 1, false, SCOPE_SCHEME);
    CHECK_V(s, "/relative", 1, false, SCOPE_SCHEME);
    CHECK_V(s, "https://exa mple.com/", 1, false, SCOPE_SCHEME);
    CHECK_INT(scope_check(s, NULL, 1, false), SCOPE_SCHEME);
    OK(s, "HTTP://EXAMPLE.COM/a");
    OK(s, "http://example.com:80/a");
    scope_free(s);
    scope_free(NULL);
}

TEST(scope_path_prefix_rule)
{
    scope_config_t c = base_cfg("https://example.com/docs/");
    scope_t *s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/docs/a");
    OK(s, "https://example.com/docs/");
    OK(s, "https://example.com/docs");
    OK(s, "https://example.com/docs/a/b?x=1");
    OK(s, "https://example.com/docs/../docs/x");
    OK(s, "https://example.com/docs/%7Euser");
    CHECK_V(s, "https://example.com/pricing", 1, false, SCOPE_OUTSIDE);
    CHECK_V(s, "https://example.com/docs-x", 1, false, SCOPE_OUTSIDE);
    CHECK_V(s, "https://example.com/Docs/a", 1, false, SCOPE_OUTSIDE);
    CHECK_V(s, "https://example.com/docs/../pricing", 1, false, SCOPE_OUTSIDE);
    CHECK_V(s, "https://example.com/", 1, false, SCOPE_OUTSIDE);
    scope_free(s);

    c = base_cfg("https://example.com/docs");
    s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/docs/a");
    OK(s, "https://example.com/docs");
    CHECK_V(s, "https://example.com/docs-x", 1, false, SCOPE_OUTSIDE);
    CHECK_V(s, "https://example.com/docsx/a", 1, false, SCOPE_OUTSIDE);
    scope_free(s);

    c = base_cfg("https://example.com/docs/index.html");
    s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/docs/a");
    CHECK_V(s, "https://example.com/blog", 1, false, SCOPE_OUTSIDE);
    scope_free(s);

    c = base_cfg("https://example.com");
    s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/anything/at/all");
    OK(s, "https://example.com/");
    scope_free(s);

    c = base_cfg("https://example.com/docs/");
    c.crawl_entire_domain = true;
    s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/pricing");
    OK(s, "https://example.com/");
    scope_free(s);
}

TEST(scope_hosts_and_www)
{
    scope_config_t c = base_cfg("https://www.example.com/");
    scope_t *s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/a");
    OK(s, "http://www.example.com/a");
    OK(s, "https://EXAMPLE.com./a");
    CHECK_V(s, "https://blog.example.com/a", 1, false, SCOPE_OUTSIDE);
    CHECK_V(s, "https://example.org/a", 1, false, SCOPE_EXTERNAL);
    CHECK_V(s, "https://notexample.com/a", 1, false, SCOPE_EXTERNAL);
    scope_free(s);
}

TEST(scope_subdomains_use_registrable_domain)
{
    scope_config_t c = base_cfg("https://a.example.co.uk/");
    c.allow_subdomains = true;
    scope_t *s = make(&c);
    REQUIRE(s);
    OK(s, "https://b.example.co.uk/x");
    OK(s, "https://example.co.uk/x");
    OK(s, "https://deep.b.example.co.uk/x");
    CHECK_V(s, "https://other.co.uk/x", 1, false, SCOPE_EXTERNAL);
    CHECK_V(s, "https://co.uk/x", 1, false, SCOPE_EXTERNAL);
    scope_free(s);

    c = base_cfg("https://x.github.io/");
    c.allow_subdomains = true;
    s = make(&c);
    REQUIRE(s);
    OK(s, "https://x.github.io/repo");
    CHECK_V(s, "https://y.github.io/repo", 1, false, SCOPE_EXTERNAL);
    CHECK_V(s, "https://github.io/repo", 1, false, SCOPE_EXTERNAL);
    scope_free(s);

    c = base_cfg("https://a.example.co.uk/");
    s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "https://b.example.co.uk/x", 1, false, SCOPE_OUTSIDE);
    scope_free(s);

    c = base_cfg("http://10.0.0.1/");
    c.allow_subdomains = true;
    s = make(&c);
    REQUIRE(s);
    OK(s, "http://10.0.0.1/a");
    CHECK_V(s, "http://192.168.0.1/a", 1, false, SCOPE_EXTERNAL);
    CHECK_V(s, "http://11.0.0.1/a", 1, false, SCOPE_EXTERNAL);
    scope_free(s);
}

TEST(scope_external_links)
{
    scope_config_t c = base_cfg("https://example.com/");
    c.allow_external_links = true;
    scope_t *s = make(&c);
    REQUIRE(s);
    OK(s, "https://other.org/article");
    CHECK_V(s, "https://other.org/article", 1, true, SCOPE_EXTERNAL);
    CHECK_V(s, "https://example.com/page", 2, true, SCOPE_OK);
    CHECK_V(s, "https://other.org/", 1, false, SCOPE_EXTERNAL);
    CHECK_V(s, "https://other.org", 1, false, SCOPE_EXTERNAL);
    CHECK_V(s, "https://other.org/index.html", 1, false, SCOPE_EXTERNAL);
    CHECK_V(s, "https://other.org/?ref=x", 1, false, SCOPE_EXTERNAL);
    const char *social[] = {
        "https://facebook.com/page", "https://www.facebook.com/page",  "https://twitter.com/u",
        "https://linkedin.com/in/u", "https://instagram.com/u",        "https://pinterest.com/u",
        "https://github.com/u/r",    "https://gist.github.com/u/1",    "https://calendly.com/u",
        "https://discord.gg/abc",    "https://discord.com/invite/abc",
    };
    for (size_t i = 0; i < sizeof(social) / sizeof(*social); i++)
        CHECK_V(s, social[i], 1, false, SCOPE_EXTERNAL);
    OK(s, "https://notgithub.com/u");
    CHECK_V(s, "mailto:hi@example.com", 1, false, SCOPE_SCHEME);
    OK(s, "https://blog.example.com/a");
    scope_free(s);

    c = base_cfg("https://example.com/docs/");
    c.allow_external_links = true;
    s = make(&c);
    REQUIRE(s);
    OK(s, "https://other.org/docs/a");
    CHECK_V(s, "https://other.org/blog/a", 1, false, SCOPE_OUTSIDE);
    scope_free(s);

    c = base_cfg("https://github.com/org/");
    s = make(&c);
    REQUIRE(s);
    OK(s, "https://github.com/org/repo");
    scope_free(s);
}

TEST(scope_include_exclude_on_path)
{
    const char *inc[] = {"^/blog/", "", "news"};
    const char *exc[] = {"draft", NULL, "/blog/private.*"};
    scope_config_t c = base_cfg("https://example.com/");
    c.include = inc;
    c.n_include = 3;
    c.exclude = exc;
    c.n_exclude = 3;
    scope_t *s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/blog/post-1");
    OK(s, "https://example.com/latest-news");
    OK(s, "https://example.com/x/news/y");
    CHECK_V(s, "https://example.com/about", 1, false, SCOPE_NOT_INCLUDED);
    CHECK_V(s, "https://example.com/x/blog/", 1, false, SCOPE_NOT_INCLUDED);
    CHECK_V(s, "https://example.com/about?q=news", 1, false, SCOPE_NOT_INCLUDED);
    CHECK_V(s, "https://example.com/blog/draft-2", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://example.com/blog/private/x", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://example.com/about#blog/", 1, false, SCOPE_NOT_INCLUDED);
    scope_free(s);
}

TEST(scope_regex_on_full_url)
{
    const char *inc[] = {"^https://example\\.com/blog", "\\?page=\\d+$"};
    const char *exc[] = {"utm_"};
    scope_config_t c = base_cfg("https://example.com/");
    c.include = inc;
    c.n_include = 2;
    c.exclude = exc;
    c.n_exclude = 1;
    c.regex_on_full_url = true;
    scope_t *s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/blog/a");
    OK(s, "HTTPS://Example.COM:443/blog/a");
    OK(s, "https://example.com/list?page=3");
    CHECK_V(s, "http://example.com/blog/a", 1, false, SCOPE_NOT_INCLUDED);
    CHECK_V(s, "https://example.com/blog/a?utm_source=x", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://example.com/list?page=x", 1, false, SCOPE_NOT_INCLUDED);
    scope_free(s);

    const char *path_only[] = {"^https://"};
    c = base_cfg("https://example.com/");
    c.include = path_only;
    c.n_include = 1;
    s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "https://example.com/blog/a", 1, false, SCOPE_NOT_INCLUDED);
    scope_free(s);
}

TEST(scope_excludes_read_as_host_prefixes_for_external_links)
{
    const char *exc[] = {"other.org/blog", "https://blocked.net", "BLOG.third.io", "^/admin",
                         "www.fifth.io"};
    scope_config_t c = base_cfg("https://example.com/");
    c.allow_external_links = true;
    c.exclude = exc;
    c.n_exclude = 5;
    scope_t *s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "https://other.org/blog/x", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://www.fifth.io/x", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://fifth.io/x", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://www.other.org/blog/x", 1, false, SCOPE_EXCLUDED);
    OK(s, "https://other.org/news/x");
    CHECK_V(s, "https://blocked.net/a", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://sub.blocked.net/a", 1, false, SCOPE_EXCLUDED);
    OK(s, "https://notblocked.net/a");
    CHECK_V(s, "https://blog.third.io/a", 1, false, SCOPE_EXCLUDED);
    OK(s, "https://third.io/a");
    CHECK_V(s, "https://fourth.io/admin", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://example.com/admin/x", 1, false, SCOPE_EXCLUDED);
    OK(s, "https://example.com/blog/x");
    scope_free(s);
}

TEST(scope_invalid_regex_message)
{
    const char *inc[] = {"ok", "(unclosed"};
    scope_config_t c = base_cfg("https://example.com/");
    c.include = inc;
    c.n_include = 2;
    scope_t *s = (scope_t *)&c;
    char err[256] = "";
    CHECK_INT(scope_new(&c, &s, err, sizeof(err)), CINDER_E_BAD_REQUEST);
    CHECK(s == NULL);
    CHECK_CONTAINS(err, "includePaths");
    CHECK_CONTAINS(err, "\"(unclosed\"");
    CHECK_CONTAINS(err, "missing closing parenthesis");
    CHECK_CONTAINS(err, "at offset 9");

    const char *exc[] = {"a{2,1}"};
    c = base_cfg("https://example.com/");
    c.exclude = exc;
    c.n_exclude = 1;
    CHECK_INT(scope_new(&c, &s, err, sizeof(err)), CINDER_E_BAD_REQUEST);
    CHECK_CONTAINS(err, "excludePaths regex \"a{2,1}\"");
    CHECK_CONTAINS(err, "offset");
    CHECK_INT(scope_new(&c, &s, NULL, 0), CINDER_E_BAD_REQUEST);
    char tiny[8];
    CHECK_INT(scope_new(&c, &s, tiny, sizeof(tiny)), CINDER_E_BAD_REQUEST);
    CHECK_INT(strlen(tiny), 7);

    c = base_cfg("ftp://example.com/");
    CHECK_INT(scope_new(&c, &s, err, sizeof(err)), CINDER_E_URL_INVALID);
    CHECK(s == NULL);
    CHECK_STR(err, "invalid start URL");
}

TEST(scope_max_depth)
{
    scope_config_t c = base_cfg("https://example.com/");
    c.max_depth = 2;
    scope_t *s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/");
    OK(s, "https://example.com/a/b");
    OK(s, "https://example.com/a/b/");
    OK(s, "https://example.com/a/b/index.html");
    OK(s, "https://example.com/a/b/c/..");
    CHECK_V(s, "https://example.com/a/b/c", 1, false, SCOPE_DEPTH);
    scope_free(s);

    c.max_depth = 0;
    s = make(&c);
    REQUIRE(s);
    OK(s, "https://example.com/index.php");
    CHECK_V(s, "https://example.com/a", 1, false, SCOPE_DEPTH);
    scope_free(s);
}

TEST(scope_max_discovery_depth)
{
    scope_config_t c = base_cfg("https://example.com/");
    c.max_discovery_depth = 1;
    scope_t *s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "https://example.com/a", 0, false, SCOPE_OK);
    CHECK_V(s, "https://example.com/a", 1, false, SCOPE_OK);
    CHECK_V(s, "https://example.com/a", 2, false, SCOPE_DISCOVERY_DEPTH);
    scope_free(s);
    c.max_discovery_depth = 0;
    s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "https://example.com/", 0, false, SCOPE_OK);
    CHECK_V(s, "https://example.com/a", 1, false, SCOPE_DISCOVERY_DEPTH);
    scope_free(s);
    c.max_discovery_depth = -1;
    s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "https://example.com/a", 1000000, false, SCOPE_OK);
    scope_free(s);
}

TEST(scope_file_types)
{
    scope_config_t c = base_cfg("https://example.com/");
    scope_t *s = make(&c);
    REQUIRE(s);
    const char *skip[] = {"png",  "jpg", "jpeg", "gif",  "css", "js",    "ico",  "svg",
                          "tiff", "zip", "exe",  "dmg",  "mp4", "mp3",   "wav",  "pptx",
                          "xlsx", "avi", "flv",  "woff", "ttf", "woff2", "webp", "inc"};
    for (size_t i = 0; i < sizeof(skip) / sizeof(*skip); i++) {
        char url[128];
        snprintf(url, sizeof(url), "https://example.com/assets/file.%s", skip[i]);
        CHECK_V(s, url, 1, false, SCOPE_FILE_TYPE);
    }
    CHECK_V(s, "https://example.com/img/LOGO.PNG", 1, false, SCOPE_FILE_TYPE);
    CHECK_V(s, "https://example.com/app.js?v=3", 1, false, SCOPE_FILE_TYPE);
    OK(s, "https://example.com/paper.pdf");
    OK(s, "https://example.com/report.docx");
    OK(s, "https://example.com/sitemap.xml");
    OK(s, "https://example.com/page.html");
    OK(s, "https://example.com/v1.2/guide");
    OK(s, "https://example.com/file.jsx");
    OK(s, "https://example.com/css");
    OK(s, "https://example.com/?file=a.png");
    OK(s, "https://example.com/a.png/");
    scope_free(s);
}

TEST(scope_rebase_follows_redirect)
{
    scope_config_t c = base_cfg("https://example.com/docs/");
    scope_t *s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "https://docs.example.org/v2/a", 1, false, SCOPE_EXTERNAL);
    CHECK_INT(scope_rebase(s, "https://docs.example.org/v2/"), CINDER_OK);
    OK(s, "https://docs.example.org/v2/a");
    CHECK_V(s, "https://docs.example.org/v1/a", 1, false, SCOPE_OUTSIDE);
    CHECK_V(s, "https://example.com/docs/a", 1, false, SCOPE_EXTERNAL);
    CHECK_INT(scope_rebase(s, "not a url"), CINDER_E_URL_INVALID);
    OK(s, "https://docs.example.org/v2/b");
    CHECK_INT(scope_rebase(s, "http://www.example.com/index.html"), CINDER_OK);
    OK(s, "https://example.com/pricing");
    scope_free(s);

    c = base_cfg("https://a.example.co.uk/");
    c.allow_subdomains = true;
    s = make(&c);
    REQUIRE(s);
    CHECK_INT(scope_rebase(s, "https://x.github.io/"), CINDER_OK);
    OK(s, "https://x.github.io/p");
    CHECK_V(s, "https://b.example.co.uk/x", 1, false, SCOPE_EXTERNAL);
    scope_free(s);
}

TEST(scope_rule_order)
{
    const char *exc[] = {"secret"};
    scope_config_t c = base_cfg("https://example.com/docs/");
    c.exclude = exc;
    c.n_exclude = 1;
    c.max_depth = 3;
    c.max_discovery_depth = 2;
    scope_t *s = make(&c);
    REQUIRE(s);
    CHECK_V(s, "https://other.org/a/b/c/d/secret.png", 3, false, SCOPE_DISCOVERY_DEPTH);
    CHECK_V(s, "https://other.org/a/b/c/d/secret.png", 1, false, SCOPE_DEPTH);
    CHECK_V(s, "https://other.org/secret.png", 1, false, SCOPE_EXTERNAL);
    CHECK_V(s, "https://example.com/secret.png", 1, false, SCOPE_EXCLUDED);
    CHECK_V(s, "https://example.com/pub.png", 1, false, SCOPE_OUTSIDE);
    CHECK_V(s, "https://example.com/docs/pub.png", 1, false, SCOPE_FILE_TYPE);
    scope_free(s);
}

TEST(scope_catastrophic_regex_is_bounded)
{
    const char *exc[] = {"^(a+)+$"};
    scope_config_t c = base_cfg("https://example.com/");
    c.exclude = exc;
    c.n_exclude = 1;
    c.regex_on_full_url = true;
    scope_t *s = make(&c);
    REQUIRE(s);
    char url[256] = "https://example.com/";
    size_t n = strlen(url);
    memset(url + n, 'a', 60);
    url[n + 60] = '!';
    url[n + 61] = '\0';
    OK(s, url);
    scope_free(s);
}

typedef struct {
    const scope_t *s;
    int bad;
} thread_arg_t;

static void *hammer(void *p)
{
    thread_arg_t *a = p;
    char url[128];
    for (int i = 0; i < 10000; i++) {
        snprintf(url, sizeof(url), "https://example.co.uk/blog/post-%d", i);
        a->bad += scope_check(a->s, url, 1, false) != SCOPE_OK;
        snprintf(url, sizeof(url), "https://www.example.co.uk/blog/draft-%d", i);
        a->bad += scope_check(a->s, url, 1, false) != SCOPE_EXCLUDED;
        snprintf(url, sizeof(url), "https://sub%d.example.co.uk/blog/x", i);
        a->bad += scope_check(a->s, url, 1, false) != SCOPE_OK;
        a->bad += scope_check(a->s, "https://x.co.uk/blog/y", 1, false) != SCOPE_EXTERNAL;
    }
    return NULL;
}

TEST(scope_thread_safety_smoke)
{
    const char *inc[] = {"^/blog/"};
    const char *exc[] = {"draft"};
    scope_config_t c = base_cfg("https://example.co.uk/");
    c.include = inc;
    c.n_include = 1;
    c.exclude = exc;
    c.n_exclude = 1;
    c.allow_subdomains = true;
    scope_t *s = make(&c);
    REQUIRE(s);
    pthread_t t[4];
    thread_arg_t a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (thread_arg_t){s, 0};
        REQUIRE(pthread_create(&t[i], NULL, hammer, &a[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(a[i].bad, 0);
    }
    scope_free(s);
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(scope_speed)
{
    const char *inc[] = {"^/docs/", "/guide/"};
    const char *exc[] = {"/private/", "\\.bak$"};
    scope_config_t c = base_cfg("https://www.example.com/docs/");
    c.include = inc;
    c.n_include = 2;
    c.exclude = exc;
    c.n_exclude = 2;
    c.allow_subdomains = true;
    c.max_depth = 10;
    scope_t *s = make(&c);
    REQUIRE(s);
    const char *urls[] = {
        "https://example.com/docs/guide/getting-started?x=1",
        "https://api.example.com/docs/reference/endpoint",
        "https://other.org/docs/a",
    };
    int n = 100000;
    double t0 = now_sec();
    for (int i = 0; i < n; i++)
        (void)scope_check(s, urls[i % 3], 1, false);
    double per = (now_sec() - t0) / n * 1e9;
    printf("    scope_check: %.0f ns/URL (sanitizer build)\n", per);
    CHECK(per < 50000);
    scope_free(s);
}
