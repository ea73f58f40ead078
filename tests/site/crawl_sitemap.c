/*
 * Sitemaps of the crawl sites. The index documents are small and built in
 * memory; the URL lists are generated line by line inside MHD's content
 * reader (chunked), optionally through a streaming gzip, so that even
 * sitemap-big.xml?n=100000000 holds only one line and one block at a time.
 * The reader runs on the connection's own thread; its state is per response.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crawl.h"
#include "util/mem.h"

#define BIG_DEFAULT  1000L
#define BIG_MAX      100000000L
#define READER_BLOCK (32 * 1024)
#define RAW_BLOCK    (16 * 1024)

static const char urlset_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
static const char urlset_tail[] = "</urlset>\n";

typedef enum { LIST_PART1, LIST_PART2, LIST_BIG } list_kind;

typedef struct {
    char base[CRAWL_NAME_MAX + 300]; /* http://host/crawl/<name> */
    list_kind kind;
    long pages, half; /* N and ceil(N/2) */
    long count, next; /* entries, and the next one to write */
    int phase;        /* 0: head, 1: entries, 2: tail written */
    char line[CRAWL_NAME_MAX + 400];
    size_t line_len, line_off;
    bool gzip, finishing, z_end;
    z_stream z;
    unsigned char raw[RAW_BLOCK];
} list_stream;

/* Entry i as a path under the site: part 1 is home, private/0 and the first half of the tree;
 * part 2 the second half and the orphans; big is p/0..p/n-1. */
static void entry_path(const list_stream *ls, long i, char *out, size_t cap)
{
    if (ls->kind == LIST_PART1 && i < 2)
        snprintf(out, cap, "%s", i == 0 ? "/" : "/private/0");
    else if (ls->kind == LIST_PART1)
        snprintf(out, cap, "/p/%ld", i - 2);
    else if (ls->kind == LIST_PART2 && i >= ls->pages - ls->half)
        snprintf(out, cap, "/orphan/%ld", i - (ls->pages - ls->half));
    else
        snprintf(out, cap, "/p/%ld", ls->kind == LIST_PART2 ? ls->half + i : i);
}

/* Prepares the next line; false once the tail has been written. */
static bool next_line(list_stream *ls)
{
    char path[64];
    if (ls->phase == 2)
        return false;
    if (ls->phase == 0) {
        ls->line_len = (size_t)snprintf(ls->line, sizeof ls->line, "%s", urlset_head);
        ls->phase = 1;
    } else if (ls->next < ls->count) {
        entry_path(ls, ls->next++, path, sizeof path);
        ls->line_len = (size_t)snprintf(ls->line, sizeof ls->line, "<url><loc>%s%s</loc></url>\n",
                                        ls->base, path);
    } else {
        ls->line_len = (size_t)snprintf(ls->line, sizeof ls->line, "%s", urlset_tail);
        ls->phase = 2;
    }
    ls->line_off = 0;
    return true;
}

/* Writes up to max bytes of the XML; returns how many (0 at the end). */
static size_t fill_raw(list_stream *ls, char *out, size_t max)
{
    size_t n = 0;
    while (n < max) {
        if (ls->line_off == ls->line_len && !next_line(ls))
            break;
        size_t take = ls->line_len - ls->line_off;
        take = take < max - n ? take : max - n;
        memcpy(out + n, ls->line + ls->line_off, take);
        ls->line_off += take;
        n += take;
    }
    return n;
}

/* Deflates the XML into out; returns the bytes produced, or -1 on a zlib error. */
static ssize_t fill_gzip(list_stream *ls, char *out, size_t max)
{
    ls->z.next_out = (Bytef *)out;
    ls->z.avail_out = (uInt)max;
    while (ls->z.avail_out > 0 && !ls->z_end) {
        if (ls->z.avail_in == 0 && !ls->finishing) {
            ls->z.next_in = ls->raw;
            ls->z.avail_in = (uInt)fill_raw(ls, (char *)ls->raw, sizeof ls->raw);
            ls->finishing = ls->z.avail_in == 0;
        }
        int rc = deflate(&ls->z, ls->finishing ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            ls->z_end = true;
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            return -1;
    }
    return (ssize_t)(max - ls->z.avail_out);
}

static ssize_t list_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    list_stream *ls = cls;
    ssize_t n = ls->gzip ? fill_gzip(ls, buf, max) : (ssize_t)fill_raw(ls, buf, max);
    if (n < 0)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : n;
}

static void list_free(void *cls)
{
    list_stream *ls = cls;
    if (ls->gzip)
        deflateEnd(&ls->z);
    free(ls);
}

static enum MHD_Result send_list(site_request *rq, list_stream *ls, const char *type)
{
    if (ls->gzip && deflateInit2(&ls->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(ls);
        return MHD_NO;
    }
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, READER_BLOCK, list_read, ls, list_free);
    if (!r) {
        list_free(ls);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    return site_send(rq, MHD_HTTP_OK, r);
}

static list_stream *list_new(const crawl_site *cs, list_kind kind)
{
    list_stream *ls = xcalloc(1, sizeof *ls);
    snprintf(ls->base, sizeof ls->base, "http://%s/crawl/%s", cs->host, cs->name);
    ls->kind = kind;
    ls->pages = cs->pages;
    ls->half = (cs->pages + 1) / 2;
    return ls;
}

enum MHD_Result crawl_sitemap_part(site_request *rq, const crawl_site *cs, int part)
{
    list_stream *ls = list_new(cs, part == 1 ? LIST_PART1 : LIST_PART2);
    ls->count = part == 1 ? 2 + ls->half : ls->pages - ls->half + CRAWL_ORPHANS;
    ls->gzip = part == 2;
    return send_list(rq, ls, part == 2 ? "application/octet-stream" : "application/xml");
}

enum MHD_Result crawl_sitemap_big(site_request *rq, const crawl_site *cs)
{
    long n;
    if (!site_query_long(rq, "n", BIG_DEFAULT, 0, BIG_MAX, &n))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "n must be an integer.");
    list_stream *ls = list_new(cs, LIST_BIG);
    ls->count = n;
    return send_list(rq, ls, "application/xml");
}

/* A <sitemapindex> naming the two parts of site name (as seen from host). */
static enum MHD_Result send_index(site_request *rq, const char *host, const char *name)
{
    char xml[1024];
    int n = snprintf(xml, sizeof xml,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
                     "<sitemap><loc>http://%s/crawl/%s/sitemap-1.xml</loc></sitemap>\n"
                     "<sitemap><loc>http://%s/crawl/%s/sitemap-2.xml.gz</loc></sitemap>\n"
                     "</sitemapindex>\n",
                     host, name, host, name);
    size_t len = n < (int)sizeof xml ? (size_t)n : sizeof xml - 1;
    return site_send_bytes(rq, MHD_HTTP_OK, "application/xml", xml, len);
}

enum MHD_Result crawl_sitemap_index(site_request *rq, const crawl_site *cs)
{
    return send_index(rq, cs->host, cs->name);
}

enum MHD_Result crawl_sitemaps_root(site_request *rq, const crawl_site *cs)
{
    return send_index(rq, cs->host, "small");
}
