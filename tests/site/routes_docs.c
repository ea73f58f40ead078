/*
 * /docs-site/<key>/...: a small council website whose pages link to documents (PDF, DOCX, XLSX,
 * PPTX) with meaningful anchor texts, for document discovery (Skop). <key> (letters, digits,
 * '-') only separates the tests' request counters; every key serves the same site:
 *
 *   ""             home: budget PDF, minutes DOCX, a report behind /download/42 (no extension,
 *                  answers application/pdf), a brochure PPTX on another host, links to the pages
 *   finance        the budget PDF again (other words), a grants XLSX
 *   planning       local plan PDF, "Transport Strategy.PDF" (upper-case, %20), big-report
 *   about          no documents
 *   files/<name>   a small body typed by the name's extension (should never be requested)
 *   download/42    a small PDF without extension in its URL
 *   big-report     a 2 MiB PDF (Content-Length set) without extension
 *   chain/<n>      waits 200 ms; links chain/<n+1> (n < 30) and files/chain-<n>.pdf
 *
 * Waits run on the connection's own thread through site_wait() (see site.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"

#define KEY_MAX    64
#define CHAIN_LAST 30
#define CHAIN_MS   200
#define BIG_BYTES  (2u << 20)

static const char home[] =
    "<h1>City council documents</h1>"
    "<h2>Finance</h2>"
    "<p>The <a href='files/annual-budget-2023.pdf'>Annual budget 2023</a> sets out spending "
    "on housing, parks and libraries.</p>"
    "<h2>Meetings</h2>"
    "<ul><li><a href='files/council-minutes-march.docx'>Council meeting minutes "
    "(March)</a></li></ul>"
    "<h2>Safety</h2>"
    "<p>Read the <a href='download/42'>road safety report</a> on cycling accidents.</p>"
    "<p>Visitors: <a href='http://docs-cdn.invalid/tourism-brochure.pptx'>tourism "
    "brochure</a>.</p>"
    "<nav><a href='finance'>Finance pages</a> <a href='planning'>Planning</a> "
    "<a href='about'>About us</a></nav>";

static const char finance[] =
    "<h1>Finance</h1>"
    "<p>Download the <a href='files/annual-budget-2023.pdf'>Budget 2023 (PDF)</a> approved "
    "in February.</p>"
    "<p>The <a href='files/grants-2023.xlsx'>Community grants spreadsheet</a> lists every "
    "grant paid to local groups.</p>"
    "<a href='./'>Home</a>";

static const char planning[] =
    "<h1>Planning</h1>"
    "<ul><li><a href='files/local-plan.pdf'>Local development plan</a> for new homes</li>"
    "<li><a href='files/Transport%20Strategy.PDF'>Transport strategy</a>: buses, trams and "
    "bike lanes</li>"
    "<li><a href='big-report'>Environmental impact assessment</a></li></ul>"
    "<a href='./'>Home</a>";

static const char about[] = "<h1>About us</h1><p>The council serves the city.</p>"
                            "<a href='./'>Home</a>";

static const char pdf_body[] = "%PDF-1.4\n% small fixture document\n%%EOF\n";

static const struct {
    const char *ext, *type;
} file_types[] = {
    {".pdf", "application/pdf"},
    {".PDF", "application/pdf"},
    {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

static enum MHD_Result send_file(site_request *rq, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof file_types / sizeof file_types[0]; i++) {
        size_t m = strlen(file_types[i].ext);
        if (n > m && !strcmp(name + n - m, file_types[i].ext))
            return site_send_static(rq, 200, file_types[i].type, pdf_body, sizeof pdf_body - 1);
    }
    return route_not_found(rq);
}

static enum MHD_Result send_big(site_request *rq)
{
    char *body = malloc(BIG_BYTES);
    if (!body)
        return site_send_status(rq, 500, "out of memory");
    memset(body, ' ', BIG_BYTES);
    memcpy(body, pdf_body, sizeof pdf_body - 1);
    enum MHD_Result r = site_send_bytes(rq, 200, "application/pdf", body, BIG_BYTES);
    free(body);
    return r;
}

static enum MHD_Result send_chain(site_request *rq, const char *num)
{
    long n = 0;
    if (!site_parse_digits(num, CHAIN_LAST, &n))
        return route_not_found(rq);
    if (!site_wait(site_conn_fd(rq), CHAIN_MS))
        return site_send(rq, 0, NULL);
    char next[64] = "";
    if (n < CHAIN_LAST)
        snprintf(next, sizeof next, "<a href='%ld'>Next page</a>", n + 1);
    return site_send_html(rq, 200, "Chain",
                          "<p>Archive page %ld: <a href='../files/chain-%ld.pdf'>Archive report "
                          "%ld</a></p>%s",
                          n, n, n, next);
}

static enum MHD_Result send_page(site_request *rq, const char *rest)
{
    if (!*rest)
        return site_send_html(rq, 200, "City council", "%s", home);
    if (!strcmp(rest, "finance"))
        return site_send_html(rq, 200, "Finance", "%s", finance);
    if (!strcmp(rest, "planning"))
        return site_send_html(rq, 200, "Planning", "%s", planning);
    if (!strcmp(rest, "about"))
        return site_send_html(rq, 200, "About", "%s", about);
    if (!strcmp(rest, "download/42"))
        return site_send_static(rq, 200, "application/pdf", pdf_body, sizeof pdf_body - 1);
    if (!strcmp(rest, "big-report"))
        return send_big(rq);
    if (!strncmp(rest, "files/", 6))
        return send_file(rq, rest + 6);
    if (!strncmp(rest, "chain/", 6))
        return send_chain(rq, rest + 6);
    return route_not_found(rq);
}

enum MHD_Result route_docs(site_request *rq)
{
    const char *s = rq->url + strlen("/docs-site/");
    size_t n = strcspn(s, "/");
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
    if (n == 0 || n > KEY_MAX || strspn(s, ok) < n || s[n] != '/')
        return route_not_found(rq);
    return send_page(rq, s + n + 1);
}
