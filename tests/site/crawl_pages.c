/*
 * HTML of the crawl sites: the home page, the binary tree of pages p/<n>, and
 * the private, orphan, deep and letter-chain pages. Text is generated from a
 * seed (site name and page number), so every fetch of a URL gives the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawl.h"
#include "util/buf.h"

#define PAGE_MAX   (64 * 1024)
#define PARA_WORDS 95
#define ALPHA_MAX  26

static const char *const words[] = {
    "lantern", "harbor",  "granite",  "meadow",   "signal",  "copper",  "willow",  "beacon",
    "orchard", "thunder", "compass",  "velvet",   "glacier", "ember",   "falcon",  "prairie",
    "quartz",  "saffron", "tundra",   "anchor",   "canyon",  "mosaic",  "cobalt",  "juniper",
    "lattice", "monsoon", "nectar",   "obsidian", "pebble",  "ripple",  "sextant", "timber",
    "umber",   "vortex",  "walnut",   "zephyr",   "archive", "bramble", "cinder",  "delta",
    "estuary", "fjord",   "gossamer", "heron",    "island",  "jasper",  "kestrel", "lagoon",
    "marble",  "nimbus",  "oxbow",    "pinnacle", "quiver",  "rampart", "summit",  "trellis",
    "upland",  "valley",  "wharf",    "yarrow",   "bastion", "cairn",   "dune",    "ferry",
};
#define NWORDS (sizeof words / sizeof words[0])

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t seed_of(const char *name, long n)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 1099511628211ULL;
    h ^= (uint64_t)(n + 1) * 0x9E3779B97F4A7C15ULL;
    return h ? h : 1;
}

/* One paragraph of sentences of 6-13 words. */
static cinder_err paragraph(buf_t *b, uint64_t *seed)
{
    cinder_err err = buf_puts(b, "<p>");
    int left_in_sentence = 0;
    for (int i = 0; i < PARA_WORDS && err == CINDER_OK; i++) {
        const char *w = words[next_rand(seed) % NWORDS];
        bool first = left_in_sentence == 0;
        if (first)
            left_in_sentence = 6 + (int)(next_rand(seed) % 8);
        bool last = --left_in_sentence == 0 || i == PARA_WORDS - 1;
        err = buf_printf(b, "%s%c%s%s", i ? " " : "", first ? w[0] - 'a' + 'A' : w[0], w + 1,
                         last ? "." : "");
        if (last)
            left_in_sentence = 0;
    }
    return err == CINDER_OK ? buf_puts(b, "</p>\n") : err;
}

static cinder_err paragraphs(buf_t *b, const crawl_site *cs, long n, int count)
{
    uint64_t seed = seed_of(cs->name, n);
    cinder_err err = CINDER_OK;
    for (int i = 0; i < count && err == CINDER_OK; i++)
        err = paragraph(b, &seed);
    return err;
}

static cinder_err page_head(buf_t *b, const crawl_site *cs, const char *title)
{
    return buf_printf(b,
                      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<title>%s · %s</title></head>\n<body>\n<nav><a href=\"/crawl/%s/\">Home</a>"
                      " | <a href=\"http://%s/crawl/%s/\">Home (absolute)</a></nav>\n",
                      title, cs->name, cs->name, cs->host, cs->name);
}

/* Sends b (taking its bytes) as a 200 HTML page, or fails when an append failed. */
static enum MHD_Result send_page(site_request *rq, buf_t *b, cinder_err err)
{
    if (err == CINDER_OK)
        err = buf_puts(b, "</body></html>\n");
    if (err != CINDER_OK) {
        buf_cleanup(b);
        return site_send_status(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "Page too large.");
    }
    size_t len = b->len;
    char *p = buf_steal(b);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, p, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(p);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    return site_send(rq, MHD_HTTP_OK, r);
}

/* The six spellings of page v linked from the home page; all but "/P/" serve page v. */
static cinder_err variants(buf_t *b, const crawl_site *cs, long v)
{
    static const char *const fmt[] = {
        "/crawl/%s/p/%ld", "/crawl/%s/p/%ld/",           "/crawl/%s/p/%ld#frag",
        "/crawl/%s/P/%ld", "/crawl/%s/p/%ld/index.html", "/crawl/%s/p/%ld?utm_source=x",
    };
    cinder_err err = buf_puts(b, "<ul class=\"variants\">\n");
    for (size_t i = 0; i < sizeof fmt / sizeof fmt[0] && err == CINDER_OK; i++) {
        err = buf_puts(b, "<li><a href=\"");
        if (err == CINDER_OK)
            err = buf_printf(b, fmt[i], cs->name, v);
        if (err == CINDER_OK)
            err = buf_printf(b, "\">Page %ld, spelling %zu</a></li>\n", v, i);
    }
    return err == CINDER_OK ? buf_puts(b, "</ul>\n") : err;
}

static cinder_err traps(buf_t *b, const crawl_site *cs)
{
    const char *s = cs->name;
    cinder_err err = variants(b, cs, cs->pages > 5 ? 5 : cs->pages - 1);
    if (err == CINDER_OK)
        err = buf_printf(
            b,
            "<ul class=\"traps\">\n<li><a href=\"/crawl/%s/private/0\">Private 0</a></li>"
            "\n<li><a href=\"/crawl/%s/private/1\">Private 1</a></li>\n"
            "<li><a href=\"/crawl/%s/moved/1\">Moved page</a></li>\n"
            "<li><a href=\"/crawl/%s/away\">Leaves the site</a></li>\n",
            s, s, s, s);
    if (err == CINDER_OK)
        err = buf_printf(b,
                         "<li><a href=\"/crawl/%s/err/404\">Broken</a></li>\n"
                         "<li><a href=\"/crawl/%s/err/500\">Server error</a></li>\n"
                         "<li><a href=\"/crawl/%s/err/429\">Rate limited</a></li>\n"
                         "<li><a href=\"/crawl/%s/hang\">Never answers</a></li>\n",
                         s, s, s, s);
    if (err == CINDER_OK)
        err = buf_printf(b,
                         "<li><a href=\"/crawl/%s/deep/1\">Deep chain</a></li>\n"
                         "<li><a href=\"/crawl/%s/a\">Letters</a></li>\n"
                         "<li><a href=\"/crawl/%s/a/b/c/d/e/f\">Six levels down</a></li>\n</ul>\n",
                         s, s, s);
    return err;
}

enum MHD_Result crawl_home(site_request *rq, const crawl_site *cs)
{
    buf_t b;
    buf_init(&b, PAGE_MAX);
    cinder_err err = page_head(&b, cs, "Home");
    if (err == CINDER_OK)
        err = buf_printf(&b, "<h1>Crawl site %s</h1>\n", cs->name);
    if (err == CINDER_OK)
        err = paragraphs(&b, cs, -1, 1);
    if (err == CINDER_OK)
        err = buf_printf(&b, "<p><a href=\"/crawl/%s/p/0\">Start of the tree</a></p>\n", cs->name);
    if (err == CINDER_OK && !cs->quiet)
        err = traps(&b, cs);
    return send_page(rq, &b, err);
}

/* The related link of page n: absolute, and (unless quiet) in one of six spellings. */
static cinder_err related(buf_t *b, const crawl_site *cs, long n)
{
    static const char *const fmt[] = {
        "%s/p/%ld", "%s/p/%ld/", "%s/p/%ld#frag", "%s/p/%ld/index.html", "%s/p/%ld?utm_source=x",
        "%s/P/%ld",
    };
    long r = (n * 7 + 3) % cs->pages;
    char base[CRAWL_NAME_MAX + 300];
    snprintf(base, sizeof base, "http://%s/crawl/%s", cs->host, cs->name);
    cinder_err err = buf_puts(b, "<p class=\"related\">Related: <a href=\"");
    if (err == CINDER_OK)
        err = buf_printf(b, fmt[cs->quiet ? 0 : n % 6], base, r);
    return err == CINDER_OK ? buf_printf(b, "\">Page %ld</a></p>\n", r) : err;
}

static cinder_err children(buf_t *b, const crawl_site *cs, long n)
{
    cinder_err err = buf_puts(b, "<ul class=\"children\">\n");
    for (long c = 2 * n + 1; c <= 2 * n + 2 && c < cs->pages && err == CINDER_OK; c++)
        err = buf_printf(b, "<li><a href=\"/crawl/%s/p/%ld\">Page %ld</a></li>\n", cs->name, c, c);
    return err == CINDER_OK ? buf_puts(b, "</ul>\n") : err;
}

enum MHD_Result crawl_page(site_request *rq, const crawl_site *cs, long n)
{
    buf_t b;
    buf_init(&b, PAGE_MAX);
    char title[64];
    snprintf(title, sizeof title, "Page %ld", n);
    cinder_err err = page_head(&b, cs, title);
    if (err == CINDER_OK)
        err = buf_printf(&b, "<h1>Page %ld of %ld</h1>\n", n, cs->pages);
    if (err == CINDER_OK)
        err = paragraphs(&b, cs, n, 3);
    if (err == CINDER_OK)
        err = children(&b, cs, n);
    if (err == CINDER_OK)
        err = related(&b, cs, n);
    return send_page(rq, &b, err);
}

/* A short page: title, h1 and one paragraph, then extra (HTML) when not NULL. */
static enum MHD_Result small_page(site_request *rq, const crawl_site *cs, const char *title,
                                  long seed, const char *extra)
{
    buf_t b;
    buf_init(&b, PAGE_MAX);
    cinder_err err = page_head(&b, cs, title);
    if (err == CINDER_OK)
        err = buf_printf(&b, "<h1>%s</h1>\n", title);
    if (err == CINDER_OK)
        err = paragraphs(&b, cs, seed, 1);
    if (err == CINDER_OK && extra)
        err = buf_puts(&b, extra);
    return send_page(rq, &b, err);
}

enum MHD_Result crawl_private(site_request *rq, const crawl_site *cs, long n)
{
    char title[64];
    snprintf(title, sizeof title, "Private %ld", n);
    return small_page(rq, cs, title, -1000 - n, NULL);
}

enum MHD_Result crawl_orphan(site_request *rq, const crawl_site *cs, long k)
{
    char title[64];
    snprintf(title, sizeof title, "Orphan %ld", k);
    return small_page(rq, cs, title, -2000 - k, NULL);
}

enum MHD_Result crawl_deep(site_request *rq, const crawl_site *cs, long k)
{
    char title[64], next[CRAWL_NAME_MAX + 128] = "";
    snprintf(title, sizeof title, "Deep %ld", k);
    if (k < CRAWL_DEEP_MAX)
        snprintf(next, sizeof next, "<p><a href=\"/crawl/%s/deep/%ld\">Deeper</a></p>\n", cs->name,
                 k + 1);
    return small_page(rq, cs, title, -3000 - k, next);
}

enum MHD_Result crawl_alpha(site_request *rq, const crawl_site *cs, int depth)
{
    char title[64], next[CRAWL_NAME_MAX + 160] = "";
    snprintf(title, sizeof title, "Level %d", depth);
    if (depth < ALPHA_MAX) {
        int n = snprintf(next, sizeof next, "<p><a href=\"/crawl/%s/", cs->name);
        for (int i = 0; i <= depth; i++)
            n += snprintf(next + n, sizeof next - (size_t)n, "%c%s", 'a' + i, i < depth ? "/" : "");
        snprintf(next + n, sizeof next - (size_t)n, "\">Down</a></p>\n");
    }
    return small_page(rq, cs, title, -4000 - depth, next);
}
