/*
 * HTTP server over libmicrohttpd (poll mode: epoll in MHD 0.9.75 was seen to stall
 * under hundreds of concurrent connections).
 *
 * Threads: MHD runs `threads` polling threads; the access handler
 * and the completion callback run on them. A handler that defers (a sync
 * scrape) returns at once; the connection is suspended, so no thread waits.
 * The reply may come from any thread: it stores the response under the
 * request's mutex and resumes the connection; MHD then calls the access
 * handler again on its own thread, which queues the stored response. The
 * mutex makes "reply arrives before the handler returned" safe too.
 *
 * Draining (shutdown): server_drain_start stops the listener and sets `draining` under the
 * server mutex; from then on a request that reaches dispatch is answered 503 without running a
 * handler. Every request that did get a handler is counted in `inflight` (same mutex) until MHD
 * reports it completed, i.e. its reply was sent, so server_drain_wait (condition variable
 * `idle`) returns once every handler has finished and every deferred reply has gone out.
 */
#include "api/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/errmap.h"
#include "api/router.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/json_out.h"
#include "util/log.h"
#include "util/mem.h"

#define MAX_EXTRA_HEADERS 8

struct server {
    struct MHD_Daemon *d;
    server_config_t cfg;
    int port;
    MHD_socket listen_fd; /* once quiesced: closed after MHD_stop_daemon, as MHD requires */
    pthread_mutex_t mu;   /* guards the fields below */
    pthread_cond_t idle;  /* signalled when inflight drops to 0 */
    int inflight;         /* requests that reached a handler and are not completed */
    bool draining;
};

struct api_req {
    struct MHD_Connection *conn;
    server_t *srv;
    char method[16];
    char *path;
    buf_t body;
    bool too_large, dispatched, deferred, suspended, queued;
    bool counted; /* in srv->inflight (guarded by srv->mu) */
    route_match_t match;
    char id[24];
    int64_t start_us;
    pthread_mutex_t mu;
    unsigned status;
    struct MHD_Response *resp;
    int nextra;
    char *extra[MAX_EXTRA_HEADERS][2];
    char team[64]; /* the authenticated team ("" when open) */
};

static atomic_ullong req_counter;

const char *api_method(const api_req_t *r)
{
    return r->method;
}

const char *api_path(const api_req_t *r)
{
    return r->path;
}

const char *api_body(const api_req_t *r, size_t *len)
{
    if (len)
        *len = r->body.len;
    return buf_str(&r->body);
}

const char *api_header(api_req_t *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *api_query(api_req_t *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool api_query_long(api_req_t *r, const char *name, long min, long max, long *out)
{
    const char *s = api_query(r, name);
    if (!s)
        return true;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

const char *api_request_id(const api_req_t *r)
{
    return r->id;
}

api_app_t *api_app(const api_req_t *r)
{
    return r->srv->cfg.app;
}

const char *api_team(const api_req_t *r)
{
    return r->team;
}

bool api_owns(const api_req_t *r, const char *team)
{
    return team && strcmp(team, r->team) == 0;
}

const char *api_param(const api_req_t *r, int i)
{
    return i >= 0 && i < r->match.nparams ? r->match.params[i] : NULL;
}

void api_add_header(api_req_t *r, const char *name, const char *value)
{
    if (r->nextra == MAX_EXTRA_HEADERS)
        return;
    r->extra[r->nextra][0] = xstrdup(name);
    r->extra[r->nextra][1] = xstrdup(value);
    r->nextra++;
}

void api_defer(api_req_t *r)
{
    r->deferred = true;
}

/* Stores the response; resumes the connection if it is suspended. */
static void reply(api_req_t *r, unsigned status, struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Request-Id", r->id);
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
    for (int i = 0; i < r->nextra; i++)
        MHD_add_response_header(resp, r->extra[i][0], r->extra[i][1]);
    pthread_mutex_lock(&r->mu);
    if (r->resp) {
        pthread_mutex_unlock(&r->mu);
        log_error("req=%s: second reply dropped", r->id);
        MHD_destroy_response(resp);
        return;
    }
    r->status = status;
    r->resp = resp;
    bool resume = r->suspended;
    r->suspended = false;
    struct MHD_Connection *conn = r->conn;
    pthread_mutex_unlock(&r->mu);
    if (resume)
        MHD_resume_connection(conn); /* r may be freed from here on */
}

void api_reply_text(api_req_t *r, unsigned status, const char *ctype, const char *text, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", ctype);
    reply(r, status, resp);
}

void api_reply_json(api_req_t *r, unsigned status, json_t *body)
{
    size_t len = 0;
    char *text = json_out_compact(body, &len);
    json_decref(body);
    if (!text) {
        text = xstrdup("{\"success\":false,\"error\":\"response could not be encoded\"}");
        len = strlen(text);
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    reply(r, status, resp);
}

static void reply_error(api_req_t *r, unsigned status, const char *msg)
{
    api_reply_json(r, status, json_pack("{s:b, s:s}", "success", 0, "error", msg));
}

/* The key a request presents: "Authorization: Bearer KEY", "Authorization: KEY" (Trieve) or
 * "x-api-key: KEY" (Spidra, Skop). */
static const char *presented_key(api_req_t *r)
{
    const char *v = api_header(r, "Authorization");
    if (v && *v) {
        if (!strncasecmp(v, "Bearer ", 7))
            v += 7;
        while (*v == ' ')
            v++;
        return v;
    }
    return api_header(r, "x-api-key");
}

/* Checks the key for every route but health; on failure replies in the route's dialect. */
static bool authenticate(api_req_t *r)
{
    api_app_t *app = r->srv->cfg.app;
    if (r->match.dialect == API_HEALTH || !app || !app->auth)
        return true;
    auth_result_t res;
    auth_check(app->auth, presented_key(r), &res);
    if (res.err == CINDER_OK) {
        memcpy(r->team, res.team, sizeof r->team);
        return true;
    }
    if (res.err == CINDER_E_RATE_LIMITED) {
        char s[16];
        snprintf(s, sizeof s, "%d", res.retry_after_s);
        api_add_header(r, "Retry-After", s);
    }
    r->match.error(r, res.err, res.message);
    return false;
}

static void dispatch(api_req_t *r)
{
    if (strcmp(r->method, "OPTIONS") == 0) {
        api_add_header(r, "Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        api_add_header(r, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, x-api-key, x-idempotency-key, TR-Dataset");
        api_reply_text(r, 204, "text/plain", "", 0);
        return;
    }
    if (r->too_large) {
        reply_error(r, 413, "Request body too large: the limit is 10 MB.");
        return;
    }
    router_match(r->srv->cfg.tables, r->srv->cfg.n_tables, r->method, r->path, &r->match);
    if (r->match.handler) {
        if (authenticate(r))
            r->match.handler(r);
        return;
    }
    char msg[300];
    snprintf(msg, sizeof msg, "%s %.200s: %s", r->method, r->path,
             r->match.method_mismatch ? "method not allowed" : "no such route");
    reply_error(r, r->match.method_mismatch ? 405 : 404, msg);
}

/* Counts r in flight unless the server is draining; false: r must not reach a handler. */
static bool admit(server_t *s, api_req_t *r)
{
    pthread_mutex_lock(&s->mu);
    r->counted = !s->draining;
    s->inflight += r->counted;
    pthread_mutex_unlock(&s->mu);
    return r->counted;
}

static void release(server_t *s, api_req_t *r)
{
    pthread_mutex_lock(&s->mu);
    if (r->counted && --s->inflight == 0)
        pthread_cond_broadcast(&s->idle);
    r->counted = false;
    pthread_mutex_unlock(&s->mu);
}

/* The reply to a request that arrives while the server drains: 503 in the envelope of the
 * route's dialect (a neutral one when no route matches), and the connection closes. */
static void reply_draining(api_req_t *r)
{
    const errmap_entry_t *m = errmap_get(CINDER_E_SHUTDOWN);
    api_add_header(r, "Connection", "close");
    api_add_header(r, "Retry-After", "5");
    router_match(r->srv->cfg.tables, r->srv->cfg.n_tables, r->method, r->path, &r->match);
    if (r->match.error)
        r->match.error(r, CINDER_E_SHUTDOWN, NULL);
    else
        reply_error(r, m->status, m->message);
}

static api_req_t *req_new(server_t *s, struct MHD_Connection *c, const char *url,
                          const char *method)
{
    api_req_t *r = xcalloc(1, sizeof *r);
    r->conn = c;
    r->srv = s;
    snprintf(r->method, sizeof r->method, "%s", method);
    r->path = xstrdup(url);
    buf_init(&r->body, s->cfg.max_body);
    snprintf(r->id, sizeof r->id, "%08llx", (unsigned long long)atomic_fetch_add(&req_counter, 1));
    r->start_us = clock_mono_us();
    pthread_mutex_init(&r->mu, NULL);
    return r;
}

static void req_free(api_req_t *r)
{
    if (!r)
        return;
    if (r->resp && !r->queued)
        MHD_destroy_response(r->resp);
    for (int i = 0; i < r->nextra; i++) {
        free(r->extra[i][0]);
        free(r->extra[i][1]);
    }
    buf_cleanup(&r->body);
    pthread_mutex_destroy(&r->mu);
    free(r->path);
    free(r);
}

/* Queues a stored response (MHD thread only). Caller holds r->mu. */
static enum MHD_Result queue_stored(api_req_t *r)
{
    r->queued = true;
    enum MHD_Result ok = MHD_queue_response(r->conn, r->status, r->resp);
    MHD_destroy_response(r->resp);
    return ok;
}

static void take_upload(api_req_t *r, const char *data, size_t *size)
{
    if (!r->too_large && buf_append(&r->body, data, *size) != CINDER_OK) {
        r->too_large = true;
        buf_cleanup(&r->body);
    }
    *size = 0;
}

static enum MHD_Result after_dispatch(api_req_t *r)
{
    enum MHD_Result ok = MHD_YES;
    pthread_mutex_lock(&r->mu);
    if (r->resp && !r->queued) {
        ok = queue_stored(r);
    } else if (!r->resp && r->deferred && !r->suspended) {
        r->suspended = true;
        MHD_suspend_connection(r->conn);
    } else if (!r->resp && !r->deferred) {
        pthread_mutex_unlock(&r->mu);
        log_error("req=%s: handler returned without replying", r->id);
        reply_error(r, 500, "internal error: no reply");
        pthread_mutex_lock(&r->mu);
        ok = queue_stored(r);
    }
    pthread_mutex_unlock(&r->mu);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    server_t *s = cls;
    api_req_t *r = *con_cls;
    if (!r) {
        *con_cls = req_new(s, c, url, method);
        return MHD_YES;
    }
    if (*upload_size) {
        take_upload(r, upload, upload_size);
        return MHD_YES;
    }
    if (!r->dispatched) {
        r->dispatched = true;
        if (admit(s, r))
            dispatch(r);
        else
            reply_draining(r);
    }
    return after_dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    api_req_t *r = *con_cls;
    if (!r)
        return;
    release(cls, r);
    double ms = (double)(clock_mono_us() - r->start_us) / 1000.0;
    log_info("req=%s %s %s %u %.1fms%s", r->id, r->method, r->path, r->queued ? r->status : 0, ms,
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed early)");
    req_free(r);
    *con_cls = NULL;
}

static cinder_err resolve_bind(const char *host, int port, struct sockaddr_storage *ss,
                               socklen_t *len)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    if (getaddrinfo(host, portstr, &hints, &res) != 0 || !res)
        return CINDER_E_INVALID;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return CINDER_OK;
}

cinder_err server_new(const server_config_t *cfg, server_t **out)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    if (resolve_bind(cfg->host, cfg->port, &ss, &sslen)) {
        log_error("cannot resolve bind address %s", cfg->host);
        return CINDER_E_INVALID;
    }
    server_t *s = xcalloc(1, sizeof *s);
    s->cfg = *cfg;
    s->listen_fd = MHD_INVALID_SOCKET;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->idle, NULL);
    unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->d =
        MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, s,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
                         (unsigned)(cfg->threads > 0 ? cfg->threads : 2),
                         MHD_OPTION_CONNECTION_LIMIT, 8192u, MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->d) {
        log_error("cannot listen on %s:%d", cfg->host, cfg->port);
        server_free(s);
        return CINDER_E_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    *out = s;
    return CINDER_OK;
}

int server_port(const server_t *s)
{
    return s->port;
}

void server_drain_start(server_t *s)
{
    pthread_mutex_lock(&s->mu);
    bool first = !s->draining;
    s->draining = true;
    pthread_mutex_unlock(&s->mu);
    if (!first || !s->d)
        return;
    s->listen_fd = MHD_quiesce_daemon(s->d);
    /* refuse new connections now instead of leaving them in the backlog until exit (the
     * descriptor itself stays open until MHD has stopped) */
    if (s->listen_fd != MHD_INVALID_SOCKET && shutdown(s->listen_fd, SHUT_RDWR) != 0)
        log_warn("cannot shut the listening socket: %s", strerror(errno));
}

int server_drain_wait(server_t *s, int64_t timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(timeout_ms / 1000);
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (s->inflight > 0 && pthread_cond_timedwait(&s->idle, &s->mu, &ts) == 0)
        ;
    int left = s->inflight;
    pthread_mutex_unlock(&s->mu);
    return left;
}

void server_free(server_t *s)
{
    if (!s)
        return;
    if (s->d)
        MHD_stop_daemon(s->d);
    if (s->listen_fd != MHD_INVALID_SOCKET)
        close(s->listen_fd);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->idle);
    free(s);
}
