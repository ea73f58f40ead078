/*
 * fixture-site: the web server that the system and end-to-end tests point
 * cinder at. It serves pages, statuses, redirects, legacy charsets, slow and
 * hanging responses, and records every request (stats.c) so that tests can
 * assert on what the target saw. This file holds main() and the routing; the
 * handlers live in routes_*.c and the README lists them.
 *
 * Threads. libmicrohttpd runs one listening thread and one thread per
 * connection (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD).
 * A handler runs on its connection's thread and may block there: /slow and
 * /hang wait in site_wait(), which polls the connection's socket (to notice a
 * client that hangs up) together with a stop pipe (to notice shutdown), and
 * /trickle's content reader waits the same way between bytes. A waiting
 * request therefore holds only its own thread and never delays another.
 *
 * Shutdown. main() blocks SIGINT and SIGTERM before starting the daemon, so
 * every thread inherits the mask, and takes them with sigwait(). It then writes
 * one byte into the stop pipe, which is never read, so every current and future
 * site_wait() returns at once, and calls MHD_stop_daemon(), which shuts the
 * sockets down and joins the connection threads.
 *
 * Shared state. The counters and the request log live in stats.c behind one
 * mutex; the robots.txt settings live in routes_robots.c behind another. Everything else is either
 * per request (site_request: created by the URI log callback, freed by the completion callback,
 * touched only by its connection's thread) or fixed before the daemon starts (site_cfg, routes).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site.h"
#include "stats.h"
#include "util/log.h"
#include "util/mem.h"

#define CONNECTION_LIMIT  1024
#define CONNECTION_MEMORY (128 * 1024) /* per-connection pool: caps the request head */
#define THREAD_STACK      (512 * 1024)

site_config site_cfg;

static int stop_pipe[2] = {-1, -1};

/* Exact paths, or prefixes ending in '/'. HEAD is allowed wherever GET is. */
static const site_route routes[] = {
    {"/", false, SITE_GET, false, route_index},
    {"/pages/", true, SITE_GET, false, route_pages},
    {"/status/", true, SITE_ANY, false, route_status},
    {"/redirect/", true, SITE_ANY, false, route_redirect},
    {"/redirect-to", false, SITE_ANY, false, route_redirect_to},
    {"/redirect-loop", false, SITE_ANY, false, route_redirect_loop},
    {"/charset/", true, SITE_GET, false, route_charset},
    {"/slow", false, SITE_ANY, false, route_slow},
    {"/hang", false, SITE_ANY, false, route_hang},
    {"/trickle", false, SITE_GET, false, route_trickle},
    {"/big", false, SITE_GET, false, route_big},
    {"/gzip", false, SITE_GET, false, route_gzip},
    {"/json", false, SITE_GET, false, route_json},
    {"/text", false, SITE_GET, false, route_text},
    {"/binary", false, SITE_GET, false, route_binary},
    {"/pdf", false, SITE_GET, false, route_pdf},
    {"/octet", false, SITE_GET, false, route_octet},
    {"/headers", false, SITE_ANY, false, route_headers},
    {"/ua", false, SITE_ANY, false, route_ua},
    {"/retry-after", false, SITE_ANY, false, route_retry_after},
    {"/flaky", false, SITE_ANY, false, route_flaky},
    {"/crawl/", true, SITE_GET, false, route_crawl},
    {"/outside/", true, SITE_GET, false, route_outside},
    {"/docs-site/", true, SITE_GET, false, route_docs},
    {"/trieve/", true, SITE_GET, false, route_trieve},
    {"/robots.txt", false, SITE_GET, false, route_robots},
    {"/_robots", false, SITE_GET | SITE_POST, true, route_robots_control},
    {"/_stats", false, SITE_GET, true, route_stats},
    {"/_log", false, SITE_GET, true, route_log},
    {"/_reset", false, SITE_GET | SITE_POST, true, route_reset},
};

int site_stop_fd(void)
{
    return stop_pipe[0];
}

static const site_route *route_find(const char *url)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const site_route *r = &routes[i];
        if (r->prefix ? strncmp(url, r->path, strlen(r->path)) == 0 : strcmp(url, r->path) == 0)
            return r;
    }
    return NULL;
}

static unsigned method_bit(const char *method)
{
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        return SITE_GET;
    return strcmp(method, "POST") == 0 ? SITE_POST : SITE_OTHER;
}

static enum MHD_Result dispatch(site_request *rq)
{
    const site_route *r = rq->route;
    if (!r)
        return route_not_found(rq);
    if (!(r->methods & method_bit(rq->method)))
        return site_send_status(rq, MHD_HTTP_METHOD_NOT_ALLOWED, "Try GET.");
    return r->fn(rq);
}

/* MHD_OPTION_URI_LOG_CALLBACK: the first sight of a request, with its raw target. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    site_request *rq = xcalloc(1, sizeof *rq);
    rq->conn = conn;
    rq->uri = xstrndup(uri, strnlen(uri, SITE_URI_MAX));
    rq->t0 = site_now_ms();
    return rq;
}

/* The first handler call: the head is complete; route and record the request. */
static void request_start(site_request *rq, const char *url, const char *method)
{
    rq->started = true;
    rq->url = url;
    snprintf(rq->method, sizeof rq->method, "%s", method);
    rq->route = route_find(url);
    if (rq->route && rq->route->control)
        return;
    const char *host = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Host");
    rq->host = host ? xstrndup(host, strnlen(host, STATS_HOST_MAX)) : NULL;
    rq->stat_flags = stats_begin(rq->method, rq->uri, rq->host);
    rq->counted = true;
}

/* Counts body bytes; keeps up to SITE_BODY_MAX of them for control routes, drops the rest. */
static void keep_body(site_request *rq, const char *p, size_t n)
{
    rq->body_bytes += n;
    if (!rq->route || !rq->route->control || rq->body_len >= SITE_BODY_MAX)
        return;
    size_t take = n < SITE_BODY_MAX - rq->body_len ? n : SITE_BODY_MAX - rq->body_len;
    rq->body = xrealloc(rq->body, rq->body_len + take + 1);
    memcpy(rq->body + rq->body_len, p, take);
    rq->body_len += take;
    rq->body[rq->body_len] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    site_request *rq = *con_cls;
    if (!rq)
        rq = *con_cls = on_uri(NULL, url, conn);
    if (!rq->started) {
        request_start(rq, url, method);
        return MHD_YES;
    }
    if (*upload_size > 0) {
        keep_body(rq, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return dispatch(rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    site_request *rq = *con_cls;
    if (!rq)
        return;
    if (rq->counted)
        stats_end(rq->uri, rq->host, rq->stat_flags);
    if (site_cfg.verbose && rq->started)
        log_info("%s %s -> %u (%.1f ms)%s", rq->method, rq->uri, rq->status, site_now_ms() - rq->t0,
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    free(rq->uri);
    free(rq->body);
    free(rq->host);
    free(rq);
    *con_cls = NULL;
}

/* --- startup ------------------------------------------------------------------------------- */

typedef struct {
    const char *host;
    long port;
    const char *pages;
} site_opts;

static void usage(FILE *f)
{
    fprintf(f, "usage: fixture-site [--port N] [--host ADDR] [--pages DIR] [--verbose]\n"
               "Prints \"listening on PORT\" once ready; port 0 picks a free port.\n");
}

/* Parses the command line; returns false (after printing why) on a bad one. */
static bool parse_args(int argc, char **argv, site_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            site_cfg.verbose = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (!v || (strcmp(a, "--port") && strcmp(a, "--host") && strcmp(a, "--pages"))) {
            usage(stderr);
            return false;
        }
        i++;
        if (strcmp(a, "--host") == 0)
            o->host = v;
        else if (strcmp(a, "--pages") == 0)
            o->pages = v;
        else if (!site_parse_digits(v, 65535, &o->port)) {
            fprintf(stderr, "fixture-site: bad port '%s'\n", v);
            return false;
        }
    }
    return true;
}

static bool is_dir(const char *p)
{
    struct stat sb;
    return p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* --pages, else ./tests/site/pages, else <dir of the binary>/../tests/site/pages. */
static char *find_pages_dir(const char *opt)
{
    if (opt)
        return is_dir(opt) ? realpath(opt, NULL) : NULL;
    if (is_dir("tests/site/pages"))
        return realpath("tests/site/pages", NULL);
    char exe[PATH_MAX], guess[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    snprintf(guess, sizeof guess, "%s/../tests/site/pages", dirname(exe));
    return is_dir(guess) ? realpath(guess, NULL) : NULL;
}

/* Resolves host into ss with the given port; sets *v6 for an IPv6 address. */
static bool resolve(const char *host, long port, struct sockaddr_storage *ss, bool *v6)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res;
    if (getaddrinfo(host, NULL, &hints, &res) != 0)
        return false;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    *v6 = ss->ss_family == AF_INET6;
    if (*v6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
    return ss->ss_family == AF_INET || *v6;
}

static struct MHD_Daemon *start_daemon(const site_opts *o)
{
    struct sockaddr_storage ss = {0};
    bool v6 = false;
    if (!resolve(o->host, o->port, &ss, &v6)) {
        fprintf(stderr, "fixture-site: cannot resolve host '%s'\n", o->host);
        return NULL;
    }
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | (v6 ? MHD_USE_IPv6 : 0) |
                     (site_cfg.verbose ? MHD_USE_ERROR_LOG : 0);
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
                            (struct sockaddr *)&ss, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
                            MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK, MHD_OPTION_END);
}

/* The port the daemon actually listens on (it differs from the request for port 0). */
static int bound_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (!info || getsockname(info->listen_fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Blocks SIGINT/SIGTERM (for sigwait) and ignores SIGPIPE; before any thread starts. */
static void setup_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int serve(const site_opts *o, sigset_t *set)
{
    struct MHD_Daemon *d = start_daemon(o);
    int port = d ? bound_port(d) : -1;
    if (port < 0) {
        fprintf(stderr, "fixture-site: cannot listen on %s:%ld: %s\n", o->host, o->port,
                strerror(errno));
        if (d)
            MHD_stop_daemon(d);
        return 1;
    }
    printf("listening on %d\n", port);
    fflush(stdout);
    int sig = 0;
    while (sigwait(set, &sig) != 0) {
    }
    if (site_cfg.verbose)
        log_info("signal %d: shutting down", sig);
    ssize_t w = write(stop_pipe[1], "x", 1);
    (void)w;
    MHD_stop_daemon(d);
    return 0;
}

int main(int argc, char **argv)
{
    site_opts o = {.host = "127.0.0.1", .port = 0};
    if (!parse_args(argc, argv, &o))
        return 2;
    char *pages = find_pages_dir(o.pages);
    if (!pages) {
        fprintf(stderr, "fixture-site: pages directory not found (use --pages DIR)\n");
        return 2;
    }
    site_cfg.pages_dir = pages;
    sigset_t set;
    setup_signals(&set);
    if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
        perror("fixture-site: pipe");
        return 1;
    }
    stats_init();
    robots_init();
    int rc = serve(&o, &set);
    robots_cleanup();
    stats_cleanup();
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    free(pages);
    return rc;
}
