/*
 * /robots.txt for the whole server (robots rules are per host, and every Host
 * gets the same file), and POST /_robots, through which a test sets what it
 * serves. "{host}" in the body is replaced by the request's Host header.
 *
 * Threads. Every connection thread may serve /robots.txt while another sets it
 * through /_robots: the settings live in one struct behind one mutex, and
 * readers build their response from them while holding it (a few KB of work).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "stats.h"
#include "util/buf.h"
#include "util/mem.h"

#define ROBOTS_OUT_MAX (1024 * 1024) /* cap of robots.txt after {host} substitution */

static const char robots_default[] =
    "# fixture-site default robots.txt (set yours with POST /_robots)\n"
    "User-agent: *\n"
    "Disallow: /crawl/*/private/\n"
    "\n"
    "User-agent: cinder\n"
    "Disallow: /crawl/*/private/\n"
    "Allow: /crawl/\n"
    "\n"
    "User-agent: BadBot\n"
    "Disallow: /\n"
    "\n"
    "Sitemap: http://{host}/crawl/sitemaps/index.xml\n";

static struct {
    pthread_mutex_t lock;
    char *body; /* NULL: robots_default */
    long status;
} rb = {.lock = PTHREAD_MUTEX_INITIALIZER, .status = 200};

void robots_init(void)
{
    rb.body = NULL;
    rb.status = 200;
}

void robots_cleanup(void)
{
    free(rb.body);
    rb.body = NULL;
}

/* Appends s to b with every "{host}" replaced by host; stops quietly at the cap. */
static void substitute(buf_t *b, const char *s, const char *host)
{
    for (const char *p; (p = strstr(s, "{host}")); s = p + 6) {
        if (buf_append(b, s, (size_t)(p - s)) != CINDER_OK || buf_puts(b, host) != CINDER_OK)
            return;
    }
    if (buf_puts(b, s) != CINDER_OK)
        return;
}

enum MHD_Result route_robots(site_request *rq)
{
    buf_t b;
    buf_init(&b, ROBOTS_OUT_MAX);
    pthread_mutex_lock(&rb.lock);
    long status = rb.status;
    if (status == 200)
        substitute(&b, rb.body ? rb.body : robots_default, site_host(rq));
    pthread_mutex_unlock(&rb.lock);
    enum MHD_Result ret;
    if (status != 200)
        ret = site_send_status(rq, (unsigned)status, "robots.txt set by POST /_robots.");
    else
        ret = site_send_bytes(rq, 200, "text/plain; charset=utf-8", buf_str(&b), b.len);
    buf_cleanup(&b);
    return ret;
}

/* Sends the current settings as JSON; the caller holds the lock. */
static enum MHD_Result send_settings(site_request *rq)
{
    json_t *j = json_pack("{s:I,s:o,s:b}", "status", (json_int_t)rb.status, "body",
                          json_str_lossy(rb.body ? rb.body : robots_default), "default", !rb.body);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (!s)
        return MHD_NO;
    enum MHD_Result ret = site_send_bytes(rq, 200, "application/json", s, strlen(s));
    free(s);
    return ret;
}

/* Applies a POST: ?default=1 restores the default; ?status=N sets the status; a body (or no
 * status) replaces the text. */
static void apply_post(site_request *rq, long status)
{
    const char *def = site_query(rq, "default");
    if (def && strcmp(def, "0") != 0) {
        free(rb.body);
        rb.body = NULL;
        rb.status = 200;
        return;
    }
    if (rq->body_len > 0 || !site_query(rq, "status")) {
        free(rb.body);
        rb.body = xstrdup(rq->body ? rq->body : "");
    }
    rb.status = status;
}

/* GET /_robots: the settings. POST /_robots[?status=N][&default=1] with the text as body. */
enum MHD_Result route_robots_control(site_request *rq)
{
    long status;
    if (!site_query_long(rq, "status", 200, 0, 999, &status) || status < 200 || status > 599)
        return site_send_status(rq, MHD_HTTP_BAD_REQUEST, "status must be 200-599.");
    if (rq->body_bytes > SITE_BODY_MAX)
        return site_send_status(rq, MHD_HTTP_CONTENT_TOO_LARGE, "robots.txt is capped at 64 KiB.");
    pthread_mutex_lock(&rb.lock);
    if (strcmp(rq->method, "POST") == 0)
        apply_post(rq, status);
    enum MHD_Result ret = send_settings(rq);
    pthread_mutex_unlock(&rb.lock);
    return ret;
}
