/* Simple routes: statuses, redirects, fixed bodies of various types, echoes, retries. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "stats.h"

#define HEADERS_MAX      64   /* request headers echoed by /headers */
#define HEADER_VALUE_MAX 8192 /* bytes of one echoed header value */
#define REDIRECTS_MAX    1000

const unsigned char site_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0xf8, 0xdf, 0xc0, 0xf0, 0x1f, 0x00, 0x06, 0x80, 0x02, 0x7f, 0x10, 0x4c,
    0x1b, 0xe1, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};
const size_t site_png_len = sizeof site_png;

/* A one-page PDF saying "Hello PDF fixture", with a correct xref table. */
static const char pdf_doc[] = "%PDF-1.4\n"
                              "1 0 obj\n"
                              "<< /Type /Catalog /Pages 2 0 R >>\n"
                              "endobj\n"
                              "2 0 obj\n"
                              "<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
                              "endobj\n"
                              "3 0 obj\n"
                              "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 "
                              "R /Resources << /Font << /F1 5 0 R >> >> >>\n"
                              "endobj\n"
                              "4 0 obj\n"
                              "<< /Length 48 >>\n"
                              "stream\n"
                              "BT /F1 18 Tf 20 100 Td (Hello PDF fixture) Tj ET\n"
                              "endstream\n"
                              "endobj\n"
                              "5 0 obj\n"
                              "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n"
                              "endobj\n"
                              "xref\n"
                              "0 6\n"
                              "0000000000 65535 f \n"
                              "0000000009 00000 n \n"
                              "0000000058 00000 n \n"
                              "0000000115 00000 n \n"
                              "0000000241 00000 n \n"
                              "0000000339 00000 n \n"
                              "trailer\n"
                              "<< /Size 6 /Root 1 0 R >>\n"
                              "startxref\n"
                              "409\n"
                              "%%EOF\n";

static const char text_body[] = "snake_case *stars* # not heading\n"
                                "<b>not html</b> [not a link](x) `tick` _under_ 1. not a list\n";

static const char json_body[] = "{\"hello\":\"world\",\"n\":[1,2,3]}";

enum MHD_Result route_index(site_request *rq)
{
    return site_send_page(rq, "index.html");
}

enum MHD_Result route_not_found(site_request *rq)
{
    return site_send_status(rq, MHD_HTTP_NOT_FOUND, "There is no page at this address.");
}

/* A Location header value must not smuggle in another header. */
static bool header_safe(const char *v)
{
    return strpbrk(v, "\r\n") == NULL && strlen(v) <= HEADER_VALUE_MAX;
}

static enum MHD_Result send_redirect(site_request *rq, unsigned code, const char *location)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location) != MHD_YES) {
        MHD_destroy_response(r);
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "Unusable redirect target.");
    }
    if (r)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    return site_send(rq, code, r);
}

enum MHD_Result route_status(site_request *rq)
{
    long code;
    if (!site_parse_digits(rq->url + strlen("/status/"), 999, &code) || code < 200 || code > 599)
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "Use /status/CODE with 200-599.");
    return site_send_status(rq, (unsigned)code, "This status was requested from /status.");
}

enum MHD_Result route_redirect(site_request *rq)
{
    long n;
    if (!site_parse_digits(rq->url + strlen("/redirect/"), REDIRECTS_MAX, &n))
        return route_not_found(rq);
    if (n == 0)
        return site_send_html(rq, MHD_HTTP_OK, "Redirect target",
                              "<h1>redirect target</h1>\n<p>The redirect chain ended here.</p>");
    char location[64];
    snprintf(location, sizeof location, "/redirect/%ld", n - 1);
    return send_redirect(rq, MHD_HTTP_FOUND, location);
}

enum MHD_Result route_redirect_to(site_request *rq)
{
    const char *url = site_query(rq, "url");
    long code;
    if (!url || !*url || !header_safe(url))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "Use /redirect-to?url=URL&code=3xx.");
    if (!site_query_long(rq, "code", 302, 0, 999, &code) || code < 300 || code > 399)
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "code must be a 3xx status.");
    return send_redirect(rq, (unsigned)code, url);
}

enum MHD_Result route_redirect_loop(site_request *rq)
{
    return send_redirect(rq, MHD_HTTP_FOUND, "/redirect-loop");
}

enum MHD_Result route_json(site_request *rq)
{
    return site_send_static(rq, MHD_HTTP_OK, "application/json", json_body, strlen(json_body));
}

enum MHD_Result route_text(site_request *rq)
{
    return site_send_static(rq, MHD_HTTP_OK, "text/plain; charset=utf-8", text_body,
                            strlen(text_body));
}

enum MHD_Result route_binary(site_request *rq)
{
    return site_send_static(rq, MHD_HTTP_OK, "image/png", site_png, site_png_len);
}

enum MHD_Result route_pdf(site_request *rq)
{
    return site_send_static(rq, MHD_HTTP_OK, "application/pdf", pdf_doc, sizeof pdf_doc - 1);
}

enum MHD_Result route_octet(site_request *rq)
{
    unsigned char bytes[256];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)i;
    return site_send_bytes(rq, MHD_HTTP_OK, "application/octet-stream", bytes, sizeof bytes);
}

/* Adds one request header to the JSON object in cls, name lower-cased, repeats joined. */
static enum MHD_Result echo_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    json_t *obj = cls;
    char name[256];
    size_t i = 0;
    for (; key && key[i] && i < sizeof name - 1; i++)
        name[i] = (char)tolower((unsigned char)key[i]);
    name[i] = '\0';
    json_t *old = json_object_get(obj, name);
    if (!old && json_object_size(obj) >= HEADERS_MAX)
        return MHD_YES;
    char val[HEADER_VALUE_MAX + 1];
    if (old)
        snprintf(val, sizeof val, "%s, %s", json_string_value(old), value ? value : "");
    else
        snprintf(val, sizeof val, "%s", value ? value : "");
    json_object_set_new(obj, name, json_str_lossy(val));
    return MHD_YES;
}

enum MHD_Result route_headers(site_request *rq)
{
    json_t *obj = json_object();
    MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, echo_header, obj);
    char *s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(obj);
    if (!s)
        return MHD_NO;
    enum MHD_Result ret = site_send_bytes(rq, MHD_HTTP_OK, "application/json", s, strlen(s));
    free(s);
    return ret;
}

enum MHD_Result route_ua(site_request *rq)
{
    const char *ua =
        MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT);
    if (!ua)
        ua = "";
    return site_send_bytes(rq, MHD_HTTP_OK, "text/plain; charset=utf-8", ua, strlen(ua));
}

enum MHD_Result route_retry_after(site_request *rq)
{
    long secs;
    if (!site_query_long(rq, "seconds", 1, 0, 86400, &secs))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "seconds must be an integer.");
    char body[256], value[32];
    snprintf(value, sizeof value, "%ld", secs);
    int n = snprintf(body, sizeof body,
                     "<!DOCTYPE html>\n<html><head><title>Too Many Requests</title></head>"
                     "<body><h1>Status 429</h1><p>Retry after %ld seconds.</p></body></html>\n",
                     secs);
    struct MHD_Response *r =
        MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, value);
    }
    return site_send(rq, MHD_HTTP_TOO_MANY_REQUESTS, r);
}

enum MHD_Result route_flaky(site_request *rq)
{
    const char *key = site_query(rq, "key");
    long fails;
    if (!site_query_long(rq, "fails", 1, 0, 1000000, &fails))
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "fails must be an integer.");
    long hit = stats_flaky_hit(key ? key : "");
    if (hit <= fails)
        return site_send_html(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "Flaky failure",
                              "<h1>Status 503</h1>\n<p>Failure %ld of %ld.</p>", hit, fails);
    return site_send_html(rq, MHD_HTTP_OK, "Flaky success",
                          "<h1>flaky success</h1>\n<p>Succeeded on attempt %ld.</p>", hit);
}
