/*
 * Per-transfer work of the fetcher: copying requests, configuring easy
 * handles, the header/body callbacks (caps, Content-Type, Retry-After) and the
 * mapping from CURLcode to cinder_err.
 */
#include "fetch/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/mem.h"
#include "util/url.h"

/* Cap on the header block of one response (status line and all fields). */
#define HEADER_CAP (256 * 1024)

static const char *const default_header_lines[] = {
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language: en-US,en;q=0.9",
};

double transfer_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

struct curl_slist *transfer_default_headers(void)
{
    struct curl_slist *l = NULL;
    for (size_t i = 0; i < sizeof default_header_lines / sizeof default_header_lines[0]; i++) {
        struct curl_slist *n = curl_slist_append(l, default_header_lines[i]);
        if (!n) {
            curl_slist_free_all(l);
            return NULL;
        }
        l = n;
    }
    return l;
}

/* True when line is "Name: value" with a non-empty name and no CR/LF. */
static bool header_line_valid(const char *line)
{
    const char *colon = line ? strchr(line, ':') : NULL;
    return colon && colon != line && !strpbrk(line, "\r\n");
}

/* True when the header line's name equals name (case-insensitive). */
static bool header_named(const char *line, const char *name)
{
    size_t n = strlen(name);
    return strncasecmp(line, name, n) == 0 && (line[n] == ':' || line[n] == ' ');
}

static bool user_sets(const fetch_request_t *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (header_named(req->headers[i], name))
            return true;
    return false;
}

static cinder_err slist_add(struct curl_slist **l, const char *line)
{
    struct curl_slist *n = curl_slist_append(*l, line);
    if (!n)
        return CINDER_E_NOMEM;
    *l = n;
    return CINDER_OK;
}

/* Builds the header list: user lines, then defaults the user did not set. */
static cinder_err build_headers(const fetch_request_t *req, struct curl_slist **out)
{
    cinder_err rc = CINDER_OK;
    struct curl_slist *l = NULL;
    for (size_t i = 0; i < req->n_headers && !rc; i++)
        rc = header_line_valid(req->headers[i]) ? slist_add(&l, req->headers[i]) : CINDER_E_INVALID;
    for (size_t i = 0; i < sizeof default_header_lines / sizeof default_header_lines[0] && !rc;
         i++) {
        const char *line = default_header_lines[i];
        char name[32];
        size_t n = (size_t)(strchr(line, ':') - line);
        snprintf(name, sizeof name, "%.*s", (int)n, line);
        if (!user_sets(req, name))
            rc = slist_add(&l, line);
    }
    if (rc)
        curl_slist_free_all(l);
    else
        *out = l;
    return rc;
}

cinder_err transfer_new(const fetch_request_t *req, const struct fetch_opts *o,
                        struct transfer **out)
{
    cinder_err rc = CINDER_OK;
    struct transfer *t = NULL;
    if (!req || !req->url || !req->on_done || (req->n_headers && !req->headers)) {
        rc = CINDER_E_INVALID;
        goto out;
    }
    t = xcalloc(1, sizeof *t);
    t->res = xcalloc(1, sizeof *t->res);
    buf_init(&t->res->body, req->max_body ? req->max_body : o->max_body);
    if (req->n_headers) {
        rc = build_headers(req, &t->headers);
        if (rc)
            goto out;
    }
    t->url = xstrdup(req->url);
    t->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : 0;
    t->skip_tls_verify = req->skip_tls_verify;
    t->on_done = req->on_done;
    t->on_chunk = req->on_chunk;
    t->max_body = req->max_body ? req->max_body : o->max_body;
    t->ud = req->ud;
    t->guard.allow_private = o->allow_private;
out:
    if (rc) {
        transfer_free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

/* Starts a new response (first hop or a redirect): forget captured headers. */
static void new_response(struct transfer *t)
{
    fetch_result_t *r = t->res;
    free(r->content_type);
    r->content_type = NULL;
    buf_reset(&r->body);
    t->header_bytes = 0;
}

/* If the header line p[0..len) is "name: value", replaces *dst with the value. */
static void capture_header(const char *p, size_t len, const char *name, char **dst)
{
    size_t n = strlen(name);
    if (len <= n || p[n] != ':' || strncasecmp(p, name, n) != 0)
        return;
    const char *v = p + n + 1, *end = p + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    free(*dst);
    *dst = xstrndup(v, (size_t)(end - v));
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    struct transfer *t = ud;
    size_t len = size * nmemb;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
        new_response(t);
    t->header_bytes += len;
    if (t->header_bytes > HEADER_CAP) {
        t->headers_too_large = true;
        return 0;
    }
    capture_header(p, len, "content-type", &t->res->content_type);
    return len;
}

/* Pre-sizes the body from Content-Length (when it fits the cap). */
static void reserve_for_length(struct transfer *t)
{
    curl_off_t cl = -1;
    buf_t *b = &t->res->body;
    if (curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) != CURLE_OK || cl <= 0)
        return;
    if ((!b->max || (curl_off_t)b->max >= cl) && buf_reserve(b, (size_t)cl) != CINDER_OK)
        return; /* the append that follows reports the cap */
}

/* A piece of a streamed body: counted against the cap, then handed to on_chunk. */
static size_t stream_body(struct transfer *t, char *p, size_t len)
{
    if (len > t->max_body - t->streamed) {
        t->body_too_large = true;
        return 0;
    }
    switch (t->on_chunk(p, len, t->ud)) {
    case FETCH_CHUNK_OK:
        t->streamed += len;
        return len;
    case FETCH_CHUNK_PAUSE:
        t->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    default:
        t->stopped = true;
        return 0;
    }
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct transfer *t = ud;
    size_t len = size * nmemb;
    long status = 0;
    if (t->on_chunk) { /* streamed: a non-2xx body is not wanted, and never held */
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        return status >= 200 && status < 300 ? stream_body(t, p, len) : len;
    }
    if (!t->res->body.data)
        reserve_for_length(t);
    if (buf_append(&t->res->body, p, len) != CINDER_OK) {
        t->body_too_large = true;
        return 0;
    }
    return len;
}

CURL *transfer_easy_new(const struct fetch_opts *o)
{
    CURL *easy = curl_easy_init();
    if (!easy)
        return NULL;
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_USERAGENT, o->user_agent);
    curl_easy_setopt(easy, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, o->max_redirects >= 0 ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, o->max_redirects);
    curl_easy_setopt(easy, CURLOPT_AUTOREFERER, 1L);
    curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    if (o->resolve)
        curl_easy_setopt(easy, CURLOPT_RESOLVE, o->resolve);
    return easy;
}

void transfer_easy_clear(CURL *easy)
{
    curl_easy_setopt(easy, CURLOPT_COOKIELIST, "ALL");
    curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(easy, CURLOPT_URL, NULL);
}

void transfer_setup(struct transfer *t, CURL *easy, const struct fetch_opts *o)
{
    t->easy = easy;
    t->start_ms = transfer_now_ms();
    curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t);
    guard_install(easy, &t->guard);
    curl_easy_setopt(easy, CURLOPT_URL, t->url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers ? t->headers : o->default_headers);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, t->timeout_ms);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->res->body.max);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, t->skip_tls_verify ? 0L : 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, t->skip_tls_verify ? 0L : 2L);
}

static bool is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        return true;
    default:
        return false;
    }
}

/* Detail for a failure: curl's message for this transfer, else the generic one. */
static char *curl_detail(struct transfer *t, CURLcode rc)
{
    return xstrdup(t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
}

static char *host_detail(struct transfer *t)
{
    char *host = NULL;
    free(url_normalize_http(t->res->final_url ? t->res->final_url : t->url, &host));
    return host ? host : xstrdup(t->url);
}

static char *printf_detail(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *s = xmalloc(n);
    snprintf(s, n, fmt, a, b);
    return s;
}

static cinder_err map_write_error(struct transfer *t, CURLcode rc, char **detail)
{
    if (t->stopped) {
        *detail = xstrdup("the reader stopped the transfer");
        return CINDER_E_DECLINED;
    }
    if (t->body_too_large) {
        *detail = xstrdup("response body exceeds the size cap");
        return CINDER_E_PAGE_TOO_LARGE;
    }
    *detail =
        t->headers_too_large ? xstrdup("response headers exceed the size cap") : curl_detail(t, rc);
    return CINDER_E_FETCH;
}

static cinder_err map_connect_error(struct transfer *t, CURLcode rc, char **detail)
{
    if (!t->guard.blocked) {
        *detail = curl_detail(t, rc);
        return CINDER_E_CONNECT;
    }
    char *host = host_detail(t);
    *detail = printf_detail("refused to connect to %s (address %s is not public)", host,
                            t->guard.blocked_addr);
    free(host);
    return CINDER_E_BLOCKED_ADDRESS;
}

/* Maps a curl result to a cinder error and a heap detail (NULL on success). */
static cinder_err map_curl_error(struct transfer *t, CURLcode rc, char **detail)
{
    *detail = NULL;
    switch (rc) {
    case CURLE_OK:
        return CINDER_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
        *detail = host_detail(t);
        return CINDER_E_DNS;
    case CURLE_COULDNT_CONNECT:
        return map_connect_error(t, rc, detail);
    case CURLE_WRITE_ERROR:
        return map_write_error(t, rc, detail);
    case CURLE_FILESIZE_EXCEEDED:
        *detail = xstrdup("response body exceeds the size cap");
        return CINDER_E_PAGE_TOO_LARGE;
    default:
        break;
    }
    *detail = curl_detail(t, rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return CINDER_E_TIMEOUT;
    if (rc == CURLE_TOO_MANY_REDIRECTS)
        return CINDER_E_TOO_MANY_REDIRECTS;
    if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT)
        return CINDER_E_URL_INVALID;
    return is_tls_error(rc) ? CINDER_E_TLS : CINDER_E_FETCH;
}

void transfer_complete(struct transfer *t, CURLcode rc)
{
    fetch_result_t *r = t->res;
    char *url = NULL;
    if (curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url)
        r->final_url = xstrdup(url);
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_COUNT, &r->redirect_count);
    curl_off_t length = -1;
    if (curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK &&
        length > 0)
        r->content_length = (int64_t)length;
    curl_off_t retry_after = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
        retry_after > 0)
        r->retry_after_s = retry_after > 86400 ? 86400 : (long)retry_after;
    long version = 0;
    curl_easy_getinfo(t->easy, CURLINFO_HTTP_VERSION, &version);
    r->http_version = version == CURL_HTTP_VERSION_2_0 ? 2
                      : version == CURL_HTTP_VERSION_3 ? 3
                      : version                        ? 1
                                                       : 0;
    r->elapsed_ms = transfer_now_ms() - t->start_ms;
    char *detail = NULL;
    cinder_err e = map_curl_error(t, rc, &detail);
    if (e) {
        transfer_fail(t, e, NULL);
        r->error_detail = detail;
    }
}

void transfer_fail(struct transfer *t, cinder_err e, const char *detail)
{
    fetch_result_t *r = t->res;
    r->err = e;
    free(r->error_detail);
    r->error_detail = xstrdup(detail);
    buf_cleanup(&r->body);
    if (t->start_ms > 0 && r->elapsed_ms == 0)
        r->elapsed_ms = transfer_now_ms() - t->start_ms;
}

void transfer_deliver(struct transfer *t)
{
    fetch_result_t *r = t->res;
    fetch_done_cb cb = t->on_done;
    void *ud = t->ud;
    t->res = NULL;
    transfer_free(t);
    cb(r, ud);
}

void transfer_free(struct transfer *t)
{
    if (!t)
        return;
    fetch_result_free(t->res);
    curl_slist_free_all(t->headers);
    free(t->url);
    free(t);
}

void fetch_result_free(fetch_result_t *r)
{
    if (!r)
        return;
    free(r->error_detail);
    free(r->final_url);
    free(r->content_type);
    buf_cleanup(&r->body);
    free(r);
}
