/*
 * Shared declarations of the fixture web server (tests/site): the per-request
 * context, the route table entry, the response helpers (respond.c) and every
 * route handler (routes_*.c). See site.c for the threading design.
 */
#ifndef CINDER_TESTS_SITE_H
#define CINDER_TESTS_SITE_H

#include <microhttpd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SITE_URI_MAX  8192        /* raw request-target bytes kept per request */
#define SITE_BODY_MAX (64 * 1024) /* body bytes kept for a control route (POST /_robots) */

/* Methods a route accepts (HEAD is always accepted where GET is). */
enum { SITE_GET = 1, SITE_POST = 2, SITE_OTHER = 4, SITE_ANY = 7 };

/* One request, from the request line to MHD's completion callback. */
typedef struct site_request {
    struct MHD_Connection *conn;
    const char *url; /* decoded path, owned by MHD, valid until completion */
    char *uri;       /* raw request target (path and query), truncated */
    char method[16]; /* truncated copy */
    const struct site_route *route;
    bool started;        /* the first handler call has been seen */
    bool counted;        /* recorded in the stats: decrement inflight at the end */
    unsigned status;     /* status queued, 0 = none yet */
    uint64_t body_bytes; /* request body bytes received */
    char *body;          /* the body of a control route (NUL-terminated, capped), or NULL */
    size_t body_len;     /* bytes kept in body */
    char *host;          /* copy of the Host header when counted, or NULL */
    unsigned stat_flags; /* from stats_begin(), for stats_end() */
    double t0;           /* site_now_ms() when the request line arrived */
} site_request;

typedef enum MHD_Result (*site_handler)(site_request *rq);

/* A route: exact path, or every path under a prefix ending in '/'. */
typedef struct site_route {
    const char *path;
    bool prefix;
    unsigned methods;
    bool control; /* a /_ control route: never counted or logged */
    site_handler fn;
} site_route;

/* Server settings, fixed before the daemon starts. */
typedef struct {
    const char *pages_dir; /* absolute path of tests/site/pages */
    bool verbose;
} site_config;

extern site_config site_cfg;

/* --- respond.c ------------------------------------------------------------------------- */

/* Queues r (which may be NULL: then the connection is closed) and destroys it. */
enum MHD_Result site_send(site_request *rq, unsigned status, struct MHD_Response *r);

/* Sends a copy of n bytes with the given Content-Type. */
enum MHD_Result site_send_bytes(site_request *rq, unsigned status, const char *type, const void *p,
                                size_t n);

/* Sends n bytes that live for the whole program (not copied). */
enum MHD_Result site_send_static(site_request *rq, unsigned status, const char *type, const void *p,
                                 size_t n);

/* Sends a small UTF-8 HTML page: <title>title</title> and a body from fmt (HTML). */
enum MHD_Result site_send_html(site_request *rq, unsigned status, const char *title,
                               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Sends the standard page for a status: "<h1>Status CODE</h1>" with a title and a line of text. */
enum MHD_Result site_send_status(site_request *rq, unsigned status, const char *text);

/* Returns a query argument or NULL. */
const char *site_query(site_request *rq, const char *name);

/*
 * Reads an integer query argument: absent gives def, a value outside [min, max] is clamped.
 * Returns false when it is present but not a decimal integer.
 */
bool site_query_long(site_request *rq, const char *name, long def, long min, long max, long *out);

/* Parses s as 1-9 decimal digits with a value at most max. */
bool site_parse_digits(const char *s, long max, long *out);

/* Sends tests/site/pages/<name> (404 when missing or unsafe). */
enum MHD_Result site_send_page(site_request *rq, const char *name);

/* Returns the socket of the request's connection, or -1. */
int site_conn_fd(site_request *rq);

/*
 * Waits ms milliseconds (ms < 0: forever). Returns true when the time elapsed, false as soon
 * as the peer on fd (if fd >= 0) hangs up or the server starts shutting down.
 */
bool site_wait(int fd, long ms);

/* Milliseconds on the monotonic clock. */
double site_now_ms(void);

/* --- site.c ---------------------------------------------------------------------------- */

/* A descriptor that becomes readable (forever) once shutdown begins. */
int site_stop_fd(void);

/* --- handlers -------------------------------------------------------------------------- */

/* routes_basic.c */
enum MHD_Result route_index(site_request *rq);
enum MHD_Result route_status(site_request *rq);
enum MHD_Result route_redirect(site_request *rq);
enum MHD_Result route_redirect_to(site_request *rq);
enum MHD_Result route_redirect_loop(site_request *rq);
enum MHD_Result route_json(site_request *rq);
enum MHD_Result route_text(site_request *rq);
enum MHD_Result route_binary(site_request *rq);
enum MHD_Result route_pdf(site_request *rq);
enum MHD_Result route_octet(site_request *rq);
enum MHD_Result route_headers(site_request *rq);
enum MHD_Result route_ua(site_request *rq);
enum MHD_Result route_retry_after(site_request *rq);
enum MHD_Result route_flaky(site_request *rq);
enum MHD_Result route_not_found(site_request *rq);

/* routes_pages.c */
enum MHD_Result route_pages(site_request *rq);

/* routes_charset.c */
enum MHD_Result route_charset(site_request *rq);

/* routes_stream.c */
enum MHD_Result route_slow(site_request *rq);
enum MHD_Result route_hang(site_request *rq);
enum MHD_Result route_trickle(site_request *rq);
enum MHD_Result route_big(site_request *rq);
enum MHD_Result route_gzip(site_request *rq);

/* routes_crawl.c: the generated crawl sites under /crawl/ and /outside/ */
enum MHD_Result route_crawl(site_request *rq);
enum MHD_Result route_outside(site_request *rq);

/* routes_docs.c: the document-discovery site under /docs-site/ */
enum MHD_Result route_docs(site_request *rq);
/* routes_trieve.c: the heading pages of the Trieve tests, /trieve/_set?version=N */
enum MHD_Result route_trieve(site_request *rq);

/* routes_robots.c */
enum MHD_Result route_robots(site_request *rq);
enum MHD_Result route_robots_control(site_request *rq);
void robots_init(void);
void robots_cleanup(void);

/* The Host header when it is a plain host[:port], else "localhost" (safe in HTML and URLs). */
const char *site_host(site_request *rq);

/* routes_control.c */
enum MHD_Result route_stats(site_request *rq);
enum MHD_Result route_log(site_request *rq);
enum MHD_Result route_reset(site_request *rq);

/* The PNG served by /binary (a real 1x1 image). */
extern const unsigned char site_png[];
extern const size_t site_png_len;

#endif
