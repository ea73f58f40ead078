/*
 * /trieve/...: a three-page documentation site with headings for the Trieve chunking tests, and
 * /trieve/_set?version=N, which changes the text of every page (the version number appears in
 * the home page and in the guide's "Install" section) so a re-crawl can be seen to update chunks
 * in place. The version is one atomic shared by all connection threads.
 *
 * /trieve/tree/<name>/[<n>]: a generated tree of N pages (N: the name's trailing digits, default
 * 10), each answered after TREE_DELAY_MS (waiting on the connection's own thread, see site.c):
 * page n (the root is 0) has two heading sections and links to pages 2n+1 and 2n+2.
 */
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"

#define TREE_DELAY_MS 200
#define TREE_DEFAULT  10
#define TREE_MAX      100000
#define TREE_NAME_MAX 64

static atomic_long version = 1;

static enum MHD_Result home(site_request *rq, long v)
{
    return site_send_html(
        rq, MHD_HTTP_OK, "Trieve fixture docs",
        "<main><h1>Docs home</h1><p>Welcome to the fixture documentation, version %ld of "
        "the manual.</p><p><a href=\"/trieve/guide\">Guide</a> <a href=\"/trieve/api\">API</a>"
        "</p></main>",
        v);
}

static enum MHD_Result guide(site_request *rq, long v)
{
    return site_send_html(
        rq, MHD_HTTP_OK, "Guide",
        "<main><h1>Guide</h1>"
        "<h2>Install</h2><p>Install version %ld by downloading the archive and unpacking it.</p>"
        "<h2>Configure</h2><p>Edit the configuration file and set the listening port there.</p>"
        "<h3>Tiny</h3><p>too short</p>"
        "<h3>Details</h3><p>Every option has a default that suits a small installation.</p>"
        "<p>Edit this page on GitHub</p>"
        "<p><a href=\"/trieve/\">Home</a> <a href=\"/trieve/api\">API</a></p></main>",
        v);
}

static enum MHD_Result api(site_request *rq)
{
    return site_send_html(rq, MHD_HTTP_OK, "API",
                          "<main><h1>API | Docs</h1><p>The HTTP API takes JSON bodies and "
                          "answers with JSON documents.</p><p><a href=\"/trieve/\">Home</a>"
                          "</p></main>");
}

/* /_set?version=N: the version the pages show from now on. */
static enum MHD_Result set_version(site_request *rq)
{
    long v = 0;
    if (!site_query_long(rq, "version", 1, 1, 1000000, &v))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "version must be a number.");
    atomic_store(&version, v);
    char body[64];
    int n = snprintf(body, sizeof body, "{\"version\":%ld}", v);
    return site_send_bytes(rq, MHD_HTTP_OK, "application/json", body, (size_t)n);
}

/* The number of pages of tree name (its trailing digits). */
static long tree_size(const char *name, size_t len)
{
    size_t d = len;
    while (d > 0 && isdigit((unsigned char)name[d - 1]))
        d--;
    long n = d < len && len - d <= 6 ? strtol(name + d, NULL, 10) : 0;
    return n <= 0 ? TREE_DEFAULT : n > TREE_MAX ? TREE_MAX : n;
}

static void tree_link(char *out, size_t len, const char *name, size_t nlen, long child, long size)
{
    if (child < size)
        snprintf(out, len, "<a href=\"/trieve/tree/%.*s/%ld\">Page %ld</a> ", (int)nlen, name,
                 child, child);
    else
        out[0] = '\0';
}

/* rest: "<name>/" or "<name>/<n>". */
static enum MHD_Result tree(site_request *rq, const char *rest)
{
    size_t nlen = strcspn(rest, "/");
    long n = 0, size = tree_size(rest, nlen);
    const char *num = rest[nlen] ? rest + nlen + 1 : NULL;
    if (!num || nlen == 0 || nlen > TREE_NAME_MAX ||
        (*num && !site_parse_digits(num, size - 1, &n)))
        return route_not_found(rq);
    if (!site_wait(site_conn_fd(rq), TREE_DELAY_MS))
        return MHD_NO;
    char a[160], b[160], title[32];
    tree_link(a, sizeof a, rest, nlen, 2 * n + 1, size);
    tree_link(b, sizeof b, rest, nlen, 2 * n + 2, size);
    snprintf(title, sizeof title, "Tree page %ld", n);
    return site_send_html(rq, MHD_HTTP_OK, title,
                          "<main><h1>Tree page %ld</h1><h2>Overview</h2><p>This page of the "
                          "tree has two sections with enough words each.</p><h2>Children</h2>"
                          "<p>The pages below this one are linked right here: %s%s</p></main>",
                          n, a, b);
}

enum MHD_Result route_trieve(site_request *rq)
{
    const char *rest = rq->url + strlen("/trieve/");
    long v = atomic_load(&version);
    if (!*rest)
        return home(rq, v);
    if (!strcmp(rest, "guide"))
        return guide(rq, v);
    if (!strcmp(rest, "api"))
        return api(rq);
    if (!strcmp(rest, "_set"))
        return set_version(rq);
    if (!strncmp(rest, "tree/", 5))
        return tree(rq, rest + 5);
    return route_not_found(rq);
}
