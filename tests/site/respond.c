/* Response helpers, query parsing and the shutdown-aware wait shared by the routes. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "site.h"
#include "util/buf.h"

#define HTML_PAGE_MAX (64 * 1024) /* cap of a page built by site_send_html */

enum MHD_Result site_send(site_request *rq, unsigned status, struct MHD_Response *r)
{
    if (!r)
        return MHD_NO;
    enum MHD_Result ret = MHD_queue_response(rq->conn, status, r);
    MHD_destroy_response(r);
    if (ret == MHD_YES)
        rq->status = status;
    return ret;
}

static struct MHD_Response *with_type(struct MHD_Response *r, const char *type)
{
    if (r && type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    return r;
}

enum MHD_Result site_send_bytes(site_request *rq, unsigned status, const char *type, const void *p,
                                size_t n)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(n, (void *)p, MHD_RESPMEM_MUST_COPY);
    return site_send(rq, status, with_type(r, type));
}

enum MHD_Result site_send_static(site_request *rq, unsigned status, const char *type, const void *p,
                                 size_t n)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(n, (void *)p, MHD_RESPMEM_PERSISTENT);
    return site_send(rq, status, with_type(r, type));
}

enum MHD_Result site_send_html(site_request *rq, unsigned status, const char *title,
                               const char *fmt, ...)
{
    buf_t b;
    buf_init(&b, HTML_PAGE_MAX);
    cinder_err err = buf_printf(&b,
                                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                "<title>%s</title></head>\n<body>\n",
                                title);
    va_list ap;
    va_start(ap, fmt);
    char body[HTML_PAGE_MAX / 2];
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (err == CINDER_OK)
        err = buf_puts(&b, body);
    if (err == CINDER_OK)
        err = buf_puts(&b, "\n</body></html>\n");
    enum MHD_Result ret = MHD_NO;
    if (err == CINDER_OK)
        ret = site_send_bytes(rq, status, "text/html; charset=utf-8", b.data, b.len);
    buf_cleanup(&b);
    return ret;
}

enum MHD_Result site_send_status(site_request *rq, unsigned status, const char *text)
{
    const char *reason = MHD_get_reason_phrase_for(status);
    char title[128];
    snprintf(title, sizeof title, "%u %s", status, reason);
    return site_send_html(rq, status, title,
                          "<h1>Status %u</h1>\n<p>The fixture server answered %u %s. %s</p>",
                          status, status, reason, text ? text : "");
}

const char *site_query(site_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool site_query_long(site_request *rq, const char *name, long def, long min, long max, long *out)
{
    const char *s = site_query(rq, name);
    *out = def;
    if (!s)
        return true;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0')
        return false;
    if (errno == ERANGE)
        v = v < 0 ? LONG_MIN : LONG_MAX;
    *out = v < min ? min : v > max ? max : v;
    return true;
}

bool site_parse_digits(const char *s, long max, long *out)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > 9 || s[n] != '\0')
        return false;
    long v = strtol(s, NULL, 10);
    if (v > max)
        return false;
    *out = v;
    return true;
}

int site_conn_fd(site_request *rq)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    return ci ? ci->connect_fd : -1;
}

double site_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool site_wait(int fd, long ms)
{
    double deadline = site_now_ms() + (double)ms;
    for (;;) {
        int timeout = -1;
        if (ms >= 0) {
            double left = deadline - site_now_ms();
            if (left <= 0)
                return true;
            timeout = left > INT_MAX ? INT_MAX : (int)left + 1;
        }
        struct pollfd p[2] = {{.fd = site_stop_fd(), .events = POLLIN},
                              {.fd = fd, .events = POLLRDHUP}};
        int n = poll(p, fd >= 0 ? 2 : 1, timeout);
        if (n < 0 && errno != EINTR)
            return false;
        if (n > 0 && (p[0].revents || p[1].revents))
            return false;
    }
}

const char *site_host(site_request *rq)
{
    const char *h = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Host");
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]";
    if (!h || !*h || strlen(h) > 255 || h[strspn(h, ok)] != '\0')
        return "localhost";
    return h;
}
