/* Fuzz target: the robots.txt parser and matcher. The input is the body. The values of its first
 * "key: value" lines (rule patterns, '*' and '$' included), the same values made concrete ('*'
 * filled in, '$' dropped) and a few fixed URLs are then matched against the policy, checking what
 * robots.h promises: /robots.txt is always allowed, neither a fragment nor the URL form (path,
 * //host/path, https://host/path) changes a decision, the crawl delay is -1 or 0..60,000 ms, and
 * the sitemaps are at most 100 distinct absolute http(s) URLs. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawl/robots.h"

#define MAX_VALUES 12   /* line values turned into paths */
#define MAX_PATH   4096 /* robots.h: callers cap URL length */
#define URL_ROOM   (MAX_PATH * 2 + 64)

static const char *const AGENTS[] = {"cinder/1.0", "FirecrawlAgent"};

static void check(bool ok, const char *what, const char *url)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz_robots: %s: \"%s\"\n", what, url);
    abort();
}

/* The decision for path must not change with a fragment or when the path is put in a URL. */
static void check_forms(const robots_t *r, const char *path, bool allowed)
{
    char url[URL_ROOM];
    snprintf(url, sizeof url, "%s#frag", path);
    check(robots_allows(r, url) == allowed, "fragment changed the decision", path);
    if (path[0] != '/' || path[1] == '/' || strchr(path, '#'))
        return;
    snprintf(url, sizeof url, "https://fuzz.example%s", path);
    check(robots_allows(r, url) == allowed, "absolute URL changed the decision", path);
    snprintf(url, sizeof url, "//fuzz.example%s", path);
    check(robots_allows(r, url) == allowed, "scheme-relative URL changed the decision", path);
}

static void check_path(const robots_t *r, const char *path)
{
    bool allowed = robots_allows(r, path);
    check_forms(r, path, allowed);
    char url[URL_ROOM];
    snprintf(url, sizeof url, "/robots.txt?from=%s", path);
    check(robots_allows(r, url), "/robots.txt refused", url);
}

/* Checks value (n bytes) as a path, then with '*' filled in and a final '$' dropped. */
static void check_value(const robots_t *r, const char *v, size_t n)
{
    char path[MAX_PATH + 1], concrete[MAX_PATH + 1];
    size_t o = 0;
    n = n > MAX_PATH / 2 ? MAX_PATH / 2 : n;
    memcpy(path, v, n);
    path[n] = '\0';
    check_path(r, path);
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '*') {
            memcpy(concrete + o, "x/", 2);
            o += 2;
        } else if (v[i] != '$' || i + 1 < n) {
            concrete[o++] = v[i];
        }
    }
    concrete[o] = '\0';
    check_path(r, concrete);
}

/* Feeds the trimmed value of each of the first MAX_VALUES "key: value" lines to check_value. */
static void check_lines(const robots_t *r, const char *s, size_t len)
{
    size_t done = 0;
    for (size_t i = 0; i < len && done < MAX_VALUES;) {
        size_t end = i + strcspn(s + i, "\r\n");
        const char *colon = memchr(s + i, ':', end - i);
        if (colon) {
            const char *v = colon + 1 + strspn(colon + 1, " \t");
            size_t vn = strcspn(v, "# \t\r\n");
            check_value(r, v, vn < (size_t)(s + end - v) ? vn : (size_t)(s + end - v));
            done++;
        }
        i = end + 1;
    }
}

static void check_fixed(const robots_t *r)
{
    static const char *const paths[] = {"/",       "",          "/index.html", "/a/b.gif?c=d",
                                        "*",       "/%7Ea/%e2", "/robots.txt", "//fuzz.example",
                                        "/private"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        check_path(r, paths[i]);
    check(robots_allows(r, "https://Fuzz.Example/robots.txt#x"), "/robots.txt refused", "");
    check(robots_allows(r, NULL), "NULL URL refused", "");
}

static void check_meta(const robots_t *r)
{
    long ms = robots_crawl_delay_ms(r);
    check(ms >= -1 && ms <= 60000, "crawl delay out of range", "");
    size_t n = 99999;
    const char *const *v = robots_sitemaps(r, &n);
    check(n <= 100 && (n == 0) == (v == NULL), "sitemap count", "");
    for (size_t i = 0; i < n; i++) {
        const char *u = v[i];
        check(!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8), "sitemap URL", u);
        for (size_t j = 0; j < i; j++)
            check(strcmp(v[j], u) != 0, "duplicate sitemap", u);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    robots_t *r = robots_parse(s, size, AGENTS, size % 3);
    check_meta(r);
    check_fixed(r);
    check_lines(r, s, size);
    robots_free(r);
    free(s);
    return 0;
}
