/*
 * Routes about time and size: /slow, /hang, /trickle, /big, /gzip. Waiting
 * happens on the connection's own thread (see site.c) through site_wait(), so
 * it ends early when the client hangs up or the server shuts down.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "site.h"
#include "util/mem.h"

#define SLOW_MAX_MS    (10L * 60 * 1000)
#define TRICKLE_MAX    (1000L * 1000)
#define TRICKLE_MAX_MS (60L * 1000)
#define BIG_MAX        (200L * 1024 * 1024)
#define BIG_DEFAULT    (1000L * 1000)
#define READER_BLOCK   (32 * 1024)

static const char html_type[] = "text/html; charset=utf-8";

enum MHD_Result route_slow(site_request *rq)
{
    long ms;
    if (!site_query_long(rq, "ms", 1000, 0, SLOW_MAX_MS, &ms))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "ms must be an integer.");
    if (!site_wait(site_conn_fd(rq), ms))
        return MHD_NO;
    return site_send_html(rq, MHD_HTTP_OK, "Slow page",
                          "<h1>slow page</h1>\n<p>This page waited %ld ms before answering.</p>",
                          ms);
}

enum MHD_Result route_hang(site_request *rq)
{
    site_wait(site_conn_fd(rq), -1);
    return MHD_NO; /* close without a response */
}

/* --- /trickle ---------------------------------------------------------------------------- */

static const char trickle_pattern[] = "<p>trickle</p>\n";

typedef struct {
    long left;
    long ms;
    int fd;
} trickle_state;

static ssize_t trickle_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    trickle_state *t = cls;
    if (t->left <= 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (max == 0 || !site_wait(t->fd, t->ms))
        return MHD_CONTENT_READER_END_WITH_ERROR;
    buf[0] = trickle_pattern[pos % (sizeof trickle_pattern - 1)];
    t->left--;
    return 1;
}

enum MHD_Result route_trickle(site_request *rq)
{
    long bytes, ms;
    if (!site_query_long(rq, "bytes", 10, 0, TRICKLE_MAX, &bytes) ||
        !site_query_long(rq, "ms", 100, 0, TRICKLE_MAX_MS, &ms))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "bytes and ms must be integers.");
    trickle_state *t = xmalloc(sizeof *t);
    *t = (trickle_state){.left = bytes, .ms = ms, .fd = site_conn_fd(rq)};
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64, trickle_read, t, free);
    if (!r) {
        free(t);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, html_type);
    return site_send(rq, MHD_HTTP_OK, r);
}

/* --- /big: head, whole filler lines, spaces to the exact size, tail ----------------------- */

static const char big_head[] = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                               "<title>Big page</title></head>\n<body>\n<h1>Big page</h1>\n";
static const char big_line[] = "<p>The quick brown fox jumps over the lazy dog, again.</p>\n";
static const char big_tail[] = "</body></html>\n";

#define BIG_H (sizeof big_head - 1)
#define BIG_L (sizeof big_line - 1)
#define BIG_T (sizeof big_tail - 1)

typedef struct {
    uint64_t total; /* body size */
    uint64_t fill;  /* bytes between head and tail */
    uint64_t lines; /* bytes of whole lines at the start of the fill */
} big_state;

static size_t min_size(uint64_t a, size_t b)
{
    return a < b ? (size_t)a : b;
}

/* Writes up to max bytes of the body at pos from one segment; returns how many. */
static size_t big_segment(const big_state *b, uint64_t pos, char *out, size_t max)
{
    size_t n;
    if (pos < BIG_H) {
        n = min_size(BIG_H - pos, max);
        memcpy(out, big_head + pos, n);
    } else if ((pos -= BIG_H) < b->lines) {
        uint64_t off = pos % BIG_L;
        n = min_size(BIG_L - off, max);
        memcpy(out, big_line + off, n);
    } else if (pos < b->fill) {
        n = min_size(b->fill - pos, max);
        memset(out, ' ', n);
    } else {
        pos -= b->fill;
        n = min_size(BIG_T - pos, max);
        memcpy(out, big_tail + pos, n);
    }
    return n;
}

static ssize_t big_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    const big_state *b = cls;
    if (pos >= b->total)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t done = 0;
    while (done < max && pos + done < b->total)
        done += big_segment(b, pos + done, buf + done, max - done);
    return (ssize_t)done;
}

enum MHD_Result route_big(site_request *rq)
{
    long bytes;
    if (!site_query_long(rq, "bytes", BIG_DEFAULT, 0, BIG_MAX, &bytes))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "bytes must be an integer.");
    big_state *b = xmalloc(sizeof *b);
    b->total = (uint64_t)bytes > BIG_H + BIG_T ? (uint64_t)bytes : BIG_H + BIG_T;
    b->fill = b->total - BIG_H - BIG_T;
    b->lines = b->fill / BIG_L * BIG_L;
    struct MHD_Response *r =
        MHD_create_response_from_callback(b->total, READER_BLOCK, big_read, b, free);
    if (!r) {
        free(b);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, html_type);
    return site_send(rq, MHD_HTTP_OK, r);
}

/* --- /gzip --------------------------------------------------------------------------------- */

static const char gzip_page[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gzip page</title>"
    "</head>\n<body>\n<h1>gzip page</h1>\n<p>This page was sent with Content-Encoding: gzip. "
    "Compressed, compressed, compressed, compressed.</p>\n</body></html>\n";

/* Gzips n bytes of p into a new buffer; returns its size, or 0 on failure. */
static size_t gzip_bytes(const char *p, size_t n, unsigned char **out)
{
    z_stream z = {0};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    size_t cap = deflateBound(&z, n);
    *out = xmalloc(cap);
    z.next_in = (Bytef *)p;
    z.avail_in = (uInt)n;
    z.next_out = *out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t len = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(*out);
        *out = NULL;
        return 0;
    }
    return len;
}

enum MHD_Result route_gzip(site_request *rq)
{
    unsigned char *gz;
    size_t n = gzip_bytes(gzip_page, sizeof gzip_page - 1, &gz);
    if (n == 0)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(n, gz, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(gz);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, html_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    return site_send(rq, MHD_HTTP_OK, r);
}
