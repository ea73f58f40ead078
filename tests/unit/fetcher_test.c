/* Fetcher tests against two small libmicrohttpd servers on 127.0.0.1. */
#include "test.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "fetch/fetcher.h"
#include "fetch/guard.h"

#define BIG_SIZE  (2 * 1024 * 1024)
#define GZIP_TEXT "compressible text, compressible text, compressible text. "

static struct MHD_Daemon *srv_a, *srv_b;
static unsigned port_a, port_b;
static atomic_int stopping;
static atomic_int connections; /* TCP connections accepted by either server */
static unsigned char *gz_body;
static size_t gz_len;

/* ---- the test server ---------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
                             const void *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
    if (ctype)
        MHD_add_response_header(r, "Content-Type", ctype);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *s)
{
    return reply(c, status, "text/html", s, strlen(s), MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *location)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Location", location);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result count_accept(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    if (strcasecmp(key, "Accept") == 0)
        (*(int *)cls)++;
    return MHD_YES;
}

static enum MHD_Result echo(struct MHD_Connection *c)
{
    const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    const char *x = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Test");
    const char *acc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    const char *lang = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    int n_accept = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_accept, &n_accept);
    char body[2048];
    snprintf(body, sizeof body, "UA=%s\nX=%s\nAccept=%s\nAcceptCount=%d\nLang=%s\n", ua ? ua : "",
             x ? x : "", acc ? acc : "", n_accept, lang ? lang : "");
    return reply(c, 200, "text/plain", body, strlen(body), MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result cookies(struct MHD_Connection *c, const char *url)
{
    if (strcmp(url, "/cookie/echo") == 0) {
        const char *ck = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
        return text(c, 200, ck ? ck : "(none)");
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Set-Cookie", "sid=42; Path=/");
    MHD_add_response_header(r, "Location", "/cookie/echo");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
    MHD_destroy_response(r);
    return ret;
}

static ssize_t big_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    if (pos >= BIG_SIZE)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = BIG_SIZE - pos < max ? BIG_SIZE - pos : max;
    memset(buf, 'y', n);
    return (ssize_t)n;
}

static enum MHD_Result big(struct MHD_Connection *c, bool chunked)
{
    static char *bytes;
    if (!chunked) {
        if (!bytes) {
            bytes = malloc(BIG_SIZE);
            memset(bytes, 'x', BIG_SIZE);
        }
        return reply(c, 200, "text/plain", bytes, BIG_SIZE, MHD_RESPMEM_PERSISTENT);
    }
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, big_reader, NULL, NULL);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result slow(struct MHD_Connection *c)
{
    for (int i = 0; i < 500 && !atomic_load(&stopping); i++)
        usleep(10 * 1000);
    return text(c, 200, "late");
}

static enum MHD_Result gzip_page(struct MHD_Connection *c)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(gz_len, gz_body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "text/plain");
    MHD_add_response_header(r, "Content-Encoding", "gzip");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result retry_later(struct MHD_Connection *c)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(4, (void *)"busy", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Retry-After", "120");
    MHD_add_response_header(r, "Content-Type", "text/plain");
    enum MHD_Result ret = MHD_queue_response(c, 503, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result huge_headers(struct MHD_Connection *c)
{
    static char value[8000];
    memset(value, 'h', sizeof value - 1);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "X-Filler-%d", i);
        MHD_add_response_header(r, name, value);
    }
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result redirects(struct MHD_Connection *c, const char *url)
{
    char loc[128];
    if (strncmp(url, "/redir/", 7) == 0) {
        int n = atoi(url + 7);
        if (n <= 0)
            return text(c, 200, "end of chain");
        snprintf(loc, sizeof loc, "/redir/%d", n - 1);
        return redirect(c, loc);
    }
    if (strcmp(url, "/loop") == 0)
        return redirect(c, "/loop");
    if (strcmp(url, "/to-ftp") == 0)
        return redirect(c, "ftp://127.0.0.1/file");
    snprintf(loc, sizeof loc, "http://127.0.0.1:%u/page", port_b);
    return redirect(c, loc);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    static int first_call;
    if (!*con_cls) { /* headers only so far: answer on the next call */
        *con_cls = &first_call;
        return MHD_YES;
    }
    if (strcmp(url, "/page") == 0)
        return text(c, 200, "<html><body>hello</body></html>");
    if (strcmp(url, "/404") == 0)
        return text(c, 404, "not found");
    if (strcmp(url, "/500") == 0)
        return text(c, 500, "boom");
    if (strcmp(url, "/503") == 0)
        return retry_later(c);
    if (strcmp(url, "/charset") == 0)
        return reply(c, 200, "text/html; charset=ISO-8859-1", "caf\xe9", 4, MHD_RESPMEM_PERSISTENT);
    if (strcmp(url, "/echo") == 0)
        return echo(c);
    if (strcmp(url, "/gzip") == 0)
        return gzip_page(c);
    if (strcmp(url, "/big") == 0 || strcmp(url, "/bigchunked") == 0)
        return big(c, url[4] == 'c');
    if (strcmp(url, "/slow") == 0)
        return slow(c);
    if (strncmp(url, "/cookie/", 8) == 0)
        return cookies(c, url);
    if (strcmp(url, "/huge-headers") == 0)
        return huge_headers(c);
    if (strncmp(url, "/redir/", 7) == 0 || strcmp(url, "/loop") == 0 ||
        strcmp(url, "/to-ftp") == 0 || strcmp(url, "/to-b") == 0)
        return redirects(c, url);
    return text(c, 404, "no such test page");
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&connections, 1);
}

static void make_gzip(void)
{
    char plain[sizeof GZIP_TEXT * 20];
    plain[0] = '\0';
    for (int i = 0; i < 20; i++)
        strcat(plain, GZIP_TEXT);
    z_stream zs = {0};
    deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    gz_body = malloc(4096);
    zs.next_in = (unsigned char *)plain;
    zs.avail_in = (unsigned)strlen(plain);
    zs.next_out = gz_body;
    zs.avail_out = 4096;
    deflate(&zs, Z_FINISH);
    gz_len = zs.total_out;
    deflateEnd(&zs);
}

static struct MHD_Daemon *start_server(unsigned *port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler,
        NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(1024 * 1024), MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "cannot start the test server\n");
        exit(2);
    }
    *port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return d;
}

static pthread_once_t server_once = PTHREAD_ONCE_INIT;

static void servers_start(void)
{
    make_gzip();
    srv_a = start_server(&port_a);
    srv_b = start_server(&port_b);
}

__attribute__((destructor)) static void servers_stop(void)
{
    atomic_store(&stopping, 1);
    if (srv_a)
        MHD_stop_daemon(srv_a);
    if (srv_b)
        MHD_stop_daemon(srv_b);
    free(gz_body);
}

/* ---- helpers ------------------------------------------------------------ */

static char *url_a(const char *path)
{
    pthread_once(&server_once, servers_start);
    static __thread char buf[256];
    snprintf(buf, sizeof buf, "http://127.0.0.1:%u%s", port_a, path);
    return buf;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static fetcher_t *open_fetcher(bool allow_private)
{
    fetcher_config_t cfg = {.allow_private = allow_private};
    return fetcher_new(&cfg);
}

static fetch_result_t *fetch(fetcher_t *f, const fetch_request_t *req)
{
    fetch_result_t *res = NULL;
    cinder_err rc = fetcher_fetch_sync(f, req, &res);
    if (rc != CINDER_OK)
        test_fail(__FILE__, __LINE__, "fetcher_fetch_sync: %s", cinder_err_name(rc));
    return res;
}

static fetch_result_t *get(fetcher_t *f, const char *url)
{
    fetch_request_t req = {.url = url, .timeout_ms = 10000};
    return fetch(f, &req);
}

/* ---- tests -------------------------------------------------------------- */

TEST(fetch_normal_page)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/page"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_OK);
    CHECK_INT(r->status, 200);
    CHECK_STR(buf_str(&r->body), "<html><body>hello</body></html>");
    CHECK_STR(r->content_type, "text/html");
    CHECK_STR(r->final_url, url_a("/page"));
    CHECK_INT(r->redirect_count, 0);
    CHECK(r->error_detail == NULL);
    CHECK(r->retry_after_s == 0);
    CHECK(r->elapsed_ms >= 0 && r->elapsed_ms < 5000);
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_gzip_and_charset)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/gzip"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_OK);
    CHECK_INT(r->body.len, strlen(GZIP_TEXT) * 20);
    CHECK(strncmp(buf_str(&r->body), GZIP_TEXT, strlen(GZIP_TEXT)) == 0);
    CHECK(gz_len < r->body.len);
    fetch_result_free(r);
    r = get(f, url_a("/charset"));
    REQUIRE(r);
    CHECK_STR(r->content_type, "text/html; charset=ISO-8859-1");
    CHECK_STR(buf_str(&r->body), "caf\xe9");
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_redirect_chain_and_loop)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/redir/3"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_OK);
    CHECK_INT(r->redirect_count, 3);
    CHECK_STR(r->final_url, url_a("/redir/0"));
    CHECK_STR(buf_str(&r->body), "end of chain");
    CHECK_STR(r->content_type, "text/html");
    fetch_result_free(r);
    r = get(f, url_a("/loop"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_TOO_MANY_REDIRECTS);
    CHECK_INT(r->body.len, 0);
    CHECK(r->error_detail != NULL);
    fetch_result_free(r);
    r = get(f, url_a("/to-ftp"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_URL_INVALID);
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_redirect_cap_configurable)
{
    fetcher_config_t cfg = {.allow_private = true, .max_redirects = 2};
    fetcher_t *f = fetcher_new(&cfg);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/redir/3"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_TOO_MANY_REDIRECTS);
    fetch_result_free(r);
    r = get(f, url_a("/redir/2"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_OK);
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_error_statuses_are_responses)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/404"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_OK);
    CHECK_INT(r->status, 404);
    CHECK_STR(buf_str(&r->body), "not found");
    fetch_result_free(r);
    r = get(f, url_a("/500"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_OK);
    CHECK_INT(r->status, 500);
    CHECK_STR(buf_str(&r->body), "boom");
    fetch_result_free(r);
    r = get(f, url_a("/503"));
    REQUIRE(r);
    CHECK_INT(r->status, 503);
    CHECK(r->retry_after_s == 120);
    CHECK_STR(r->content_type, "text/plain");
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_body_cap)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    const char *paths[] = {"/big", "/bigchunked"};
    for (int i = 0; i < 2; i++) {
        fetch_request_t req = {.url = url_a(paths[i]), .timeout_ms = 10000, .max_body = 1 << 20};
        fetch_result_t *r = fetch(f, &req);
        REQUIRE(r);
        CHECK_INT(r->err, CINDER_E_PAGE_TOO_LARGE);
        CHECK_INT(r->body.len, 0);
        fetch_result_free(r);
        req.max_body = 4 << 20;
        r = fetch(f, &req);
        REQUIRE(r);
        CHECK_INT(r->err, CINDER_OK);
        CHECK_INT(r->body.len, BIG_SIZE);
        fetch_result_free(r);
    }
    fetcher_free(f);
}

TEST(fetch_header_cap)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/huge-headers"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_FETCH);
    CHECK_CONTAINS(r->error_detail, "headers");
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_timeout)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_request_t req = {.url = url_a("/slow"), .timeout_ms = 300};
    double t0 = now_ms();
    fetch_result_t *r = fetch(f, &req);
    double took = now_ms() - t0;
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_TIMEOUT);
    CHECK(took >= 290 && took < 800);
    CHECK(r->elapsed_ms >= 290 && r->elapsed_ms < 800);
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_headers_user_agent_override)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/echo"));
    REQUIRE(r);
    CHECK_CONTAINS(buf_str(&r->body), "UA=cinder/");
    CHECK_CONTAINS(buf_str(&r->body), "Accept=text/html,application/xhtml+xml");
    CHECK_CONTAINS(buf_str(&r->body), "AcceptCount=1\n");
    CHECK_CONTAINS(buf_str(&r->body), "Lang=en-US,en;q=0.9\n");
    fetch_result_free(r);
    const char *hdrs[] = {"User-Agent: custom-agent/1", "X-Test: hello world",
                          "accept: text/plain"};
    fetch_request_t req = {.url = url_a("/echo"), .headers = hdrs, .n_headers = 3};
    r = fetch(f, &req);
    REQUIRE(r);
    CHECK_CONTAINS(buf_str(&r->body), "UA=custom-agent/1\n");
    CHECK_CONTAINS(buf_str(&r->body), "X=hello world\n");
    CHECK_CONTAINS(buf_str(&r->body), "Accept=text/plain\nAcceptCount=1\n");
    CHECK_CONTAINS(buf_str(&r->body), "Lang=en-US");
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_configured_user_agent)
{
    fetcher_config_t cfg = {.allow_private = true, .user_agent = "cinder/9.9"};
    fetcher_t *f = fetcher_new(&cfg);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/echo"));
    REQUIRE(r);
    CHECK_CONTAINS(buf_str(&r->body), "UA=cinder/9.9\n");
    fetch_result_free(r);
    fetcher_free(f);
}

/* Cookies set during a transfer's redirects are sent on its later hops and
 * forgotten afterwards (the reused handle starts empty). */
TEST(fetch_cookies_per_transfer)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/cookie/set"));
    REQUIRE(r);
    CHECK_INT(r->redirect_count, 1);
    CHECK_STR(buf_str(&r->body), "sid=42");
    fetch_result_free(r);
    r = get(f, url_a("/cookie/echo"));
    REQUIRE(r);
    CHECK_STR(buf_str(&r->body), "(none)");
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_invalid_requests)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = NULL;
    const char *bad1[] = {"NoColonHere"};
    const char *bad2[] = {"X-A: a\r\nX-B: b"};
    fetch_request_t req = {.url = url_a("/echo"), .headers = bad1, .n_headers = 1};
    CHECK_INT(fetcher_fetch_sync(f, &req, &r), CINDER_E_INVALID);
    req.headers = bad2;
    CHECK_INT(fetcher_fetch_sync(f, &req, &r), CINDER_E_INVALID);
    fetch_request_t none = {.url = NULL};
    CHECK_INT(fetcher_fetch_sync(f, &none, &r), CINDER_E_INVALID);
    CHECK_INT(fetcher_submit(f, &req), CINDER_E_INVALID); /* no callback */
    CHECK(r == NULL);
    r = get(f, "ftp://127.0.0.1/x");
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_URL_INVALID);
    fetch_result_free(r);
    r = get(f, "http://");
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_URL_INVALID);
    fetch_result_free(r);
    fetcher_free(f);
    fetcher_free(NULL);
    fetch_result_free(NULL);
}

TEST(fetch_guard_blocks_private_targets)
{
    fetcher_t *f = open_fetcher(false);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/page"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_BLOCKED_ADDRESS);
    CHECK_CONTAINS(r->error_detail, "127.0.0.1");
    CHECK_INT(r->body.len, 0);
    fetch_result_free(r);
    char url[128];
    snprintf(url, sizeof url, "http://localhost:%u/page", port_a);
    r = get(f, url);
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_BLOCKED_ADDRESS);
    CHECK_CONTAINS(r->error_detail, "localhost");
    fetch_result_free(r);
    snprintf(url, sizeof url, "http://[::1]:%u/page", port_a);
    r = get(f, url);
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_BLOCKED_ADDRESS);
    CHECK_CONTAINS(r->error_detail, "::1");
    fetch_result_free(r);
    r = get(f, "http://169.254.169.254/latest/meta-data/");
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_BLOCKED_ADDRESS);
    fetch_result_free(r);
    fetcher_free(f);
}

struct hop_state {
    guard_state_t guard;
    int responses;
};

/* Turns the guard on once the first (redirect) response has arrived. */
static size_t hop_header(char *p, size_t size, size_t n, void *ud)
{
    struct hop_state *hs = ud;
    if (size * n >= 5 && memcmp(p, "HTTP/", 5) == 0 && hs->responses++ == 0)
        hs->guard.allow_private = false;
    return size * n;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    return size * n;
}

/* The guard runs on every redirect hop: allowed for the first connection,
 * refused for the hop to the second server. */
TEST(guard_checks_each_redirect_hop)
{
    struct hop_state hs = {.guard = {.allow_private = true}};
    CURL *easy = curl_easy_init();
    REQUIRE(easy);
    guard_install(easy, &hs.guard);
    curl_easy_setopt(easy, CURLOPT_URL, url_a("/to-b"));
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, hop_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &hs);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 5000L);
    CURLcode rc = curl_easy_perform(easy);
    CHECK_INT(rc, CURLE_COULDNT_CONNECT);
    CHECK_INT(hs.responses, 1);
    CHECK_INT(hs.guard.connects, 2);
    CHECK(hs.guard.blocked);
    CHECK_STR(hs.guard.blocked_addr, "127.0.0.1");

    hs = (struct hop_state){.guard = {.allow_private = true}, .responses = 1};
    rc = curl_easy_perform(easy);
    CHECK_INT(rc, CURLE_OK);
    CHECK_INT(hs.guard.connects, 1); /* the connection to A is reused; B is new */
    CHECK(!hs.guard.blocked);
    curl_easy_cleanup(easy);
}

TEST(fetch_redirect_across_servers)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/to-b"));
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_OK);
    CHECK_INT(r->redirect_count, 1);
    char want[128];
    snprintf(want, sizeof want, "http://127.0.0.1:%u/page", port_b);
    CHECK_STR(r->final_url, want);
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_dns_failure)
{
    fetcher_t *f = open_fetcher(false);
    REQUIRE(f);
    fetch_result_t *r = get(f, "http://does-not-exist.invalid/");
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_DNS);
    CHECK_STR(r->error_detail, "does-not-exist.invalid");
    fetch_result_free(r);
    fetcher_free(f);
}

TEST(fetch_connect_refused)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, "http://127.0.0.1:1/");
    REQUIRE(r);
    CHECK_INT(r->err, CINDER_E_CONNECT);
    CHECK(r->error_detail != NULL);
    fetch_result_free(r);
    fetcher_free(f);
}

struct collect {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, ok, shutdown, other;
    fetcher_t *f;
    int resubmit_rc; /* what fetcher_submit returned from inside a callback */
};

static void collect_init(struct collect *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->resubmit_rc = -1;
}

static void collect_cb(fetch_result_t *res, void *ud)
{
    struct collect *c = ud;
    if (res->err == CINDER_E_SHUTDOWN && c->f) {
        fetch_request_t req = {.url = "http://127.0.0.1/", .on_done = collect_cb, .ud = c};
        c->resubmit_rc = fetcher_submit(c->f, &req);
    }
    pthread_mutex_lock(&c->mu);
    c->done++;
    if (res->err == CINDER_OK && res->status == 200)
        c->ok++;
    else if (res->err == CINDER_E_SHUTDOWN)
        c->shutdown++;
    else
        c->other++;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    fetch_result_free(res);
}

static void collect_wait(struct collect *c, int n)
{
    pthread_mutex_lock(&c->mu);
    while (c->done < n)
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

static void collect_destroy(struct collect *c)
{
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
}

TEST(fetch_100_concurrent)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    struct collect c;
    collect_init(&c);
    const char *paths[] = {"/page", "/redir/2", "/gzip", "/echo"};
    for (int i = 0; i < 100; i++) {
        fetch_request_t req = {
            .url = url_a(paths[i % 4]), .timeout_ms = 10000, .on_done = collect_cb, .ud = &c};
        CHECK_INT(fetcher_submit(f, &req), CINDER_OK);
    }
    collect_wait(&c, 100);
    CHECK_INT(c.ok, 100);
    fetcher_free(f);
    collect_destroy(&c);
}

TEST(fetch_reuses_connections)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    fetch_result_t *r = get(f, url_a("/page"));
    fetch_result_free(r);
    int before = atomic_load(&connections);
    for (int i = 0; i < 50; i++) {
        r = get(f, url_a(i % 2 ? "/page" : "/redir/1"));
        CHECK(r && r->err == CINDER_OK);
        fetch_result_free(r);
    }
    CHECK(atomic_load(&connections) - before <= 1);
    fetcher_free(f);
}

TEST(fetch_shutdown_completes_inflight)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    struct collect c;
    collect_init(&c);
    c.f = f;
    for (int i = 0; i < 20; i++) {
        fetch_request_t req = {.url = url_a("/slow"), .on_done = collect_cb, .ud = &c};
        CHECK_INT(fetcher_submit(f, &req), CINDER_OK);
    }
    usleep(200 * 1000);
    double t0 = now_ms();
    fetcher_free(f);
    CHECK(now_ms() - t0 < 1000);
    CHECK_INT(c.done, 20);
    CHECK_INT(c.shutdown, 20);
    CHECK_INT(c.resubmit_rc, CINDER_E_SHUTDOWN);
    collect_destroy(&c);
}

TEST(fetch_stop_keeps_the_fetcher_valid)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    struct collect c;
    collect_init(&c);
    fetch_request_t req = {.url = url_a("/slow"), .on_done = collect_cb, .ud = &c};
    CHECK_INT(fetcher_submit(f, &req), CINDER_OK);
    usleep(100 * 1000);
    fetcher_stop(f); /* returns once the callback ran */
    CHECK_INT(c.done, 1);
    CHECK_INT(c.shutdown, 1);
    CHECK_INT(fetcher_submit(f, &req), CINDER_E_SHUTDOWN);
    fetcher_resume(f, &c); /* ignored once stopped */
    fetcher_stop(f);       /* a second stop does nothing */
    fetcher_free(f);
    CHECK_INT(c.done, 1);
    collect_destroy(&c);
}

TEST(fetch_queue_full_is_busy)
{
    fetcher_config_t cfg = {.allow_private = true, .max_inflight = 1, .queue_capacity = 4};
    fetcher_t *f = fetcher_new(&cfg);
    REQUIRE(f);
    struct collect c;
    collect_init(&c);
    fetch_request_t req = {.url = url_a("/slow"), .on_done = collect_cb, .ud = &c};
    CHECK_INT(fetcher_submit(f, &req), CINDER_OK);
    usleep(100 * 1000); /* the first one is now inside curl */
    for (int i = 0; i < 4; i++)
        CHECK_INT(fetcher_submit(f, &req), CINDER_OK);
    CHECK_INT(fetcher_submit(f, &req), CINDER_E_BUSY);
    fetcher_free(f);
    CHECK_INT(c.done, 5);
    CHECK_INT(c.shutdown, 5);
    collect_destroy(&c);
}

TEST(fetch_throughput)
{
    fetcher_config_t cfg = {.allow_private = true, .max_host_connections = 16};
    fetcher_t *f = fetcher_new(&cfg);
    REQUIRE(f);
    struct collect c;
    collect_init(&c);
    enum { N = 3000 };
    const char *url = url_a("/page");
    double t0 = now_ms();
    for (int i = 0; i < N; i++) {
        fetch_request_t req = {.url = url, .timeout_ms = 20000, .on_done = collect_cb, .ud = &c};
        CHECK_INT(fetcher_submit(f, &req), CINDER_OK);
    }
    collect_wait(&c, N);
    double took = now_ms() - t0;
    CHECK_INT(c.ok, N);
    printf("     %d pages in %.0f ms: %.0f pages/s\n", N, took, N * 1000.0 / took);
    fetcher_free(f);
    collect_destroy(&c);
}

/* ---- streaming bodies ------------------------------------------------------ */

struct stream {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int mode; /* 0: take all, 1: pause before every piece, 2: stop after 100 KB */
    bool pause_next, done;
    size_t bytes;
    int pieces, pauses;
    fetch_result_t *res;
};

static fetch_chunk_rc stream_piece(const char *data, size_t len, void *ud)
{
    struct stream *s = ud;
    (void)data;
    fetch_chunk_rc rc = FETCH_CHUNK_OK;
    pthread_mutex_lock(&s->mu);
    if (s->mode == 1 && s->pause_next) {
        s->pause_next = false;
        s->pauses++;
        rc = FETCH_CHUNK_PAUSE;
    } else {
        s->bytes += len;
        s->pieces++;
        s->pause_next = true;
        if (s->mode == 2 && s->bytes >= 100000)
            rc = FETCH_CHUNK_STOP;
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static void stream_done(fetch_result_t *res, void *ud)
{
    struct stream *s = ud;
    pthread_mutex_lock(&s->mu);
    s->res = res;
    s->done = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* Streams url in mode; resumes the transfer every 2 ms while it runs. */
static void stream(fetcher_t *f, const char *url, int mode, size_t max_body, struct stream *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->mode = mode;
    s->pause_next = true;
    fetch_request_t req = {.url = url,
                           .timeout_ms = 20000,
                           .max_body = max_body,
                           .on_chunk = stream_piece,
                           .on_done = stream_done,
                           .ud = s};
    if (fetcher_submit(f, &req) != CINDER_OK)
        test_fail(__FILE__, __LINE__, "fetcher_submit failed");
    pthread_mutex_lock(&s->mu);
    while (!s->done) {
        pthread_mutex_unlock(&s->mu);
        usleep(2000);
        fetcher_resume(f, s);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
}

TEST(fetch_streams_bodies_with_pause_and_stop)
{
    fetcher_t *f = open_fetcher(true);
    REQUIRE(f);
    struct stream s;
    stream(f, url_a("/big"), 0, 0, &s);
    CHECK_INT(s.res->err, CINDER_OK);
    CHECK_INT(s.bytes, BIG_SIZE);
    CHECK_INT(s.res->body.len, 0); /* never collected */
    fetch_result_free(s.res);

    stream(f, url_a("/bigchunked"), 1, 0, &s);
    CHECK_INT(s.res->err, CINDER_OK);
    CHECK_INT(s.bytes, BIG_SIZE); /* every paused piece was offered again, none lost */
    CHECK(s.pauses >= s.pieces);
    CHECK(s.pieces > 1);
    fetch_result_free(s.res);

    stream(f, url_a("/big"), 2, 0, &s);
    CHECK_INT(s.res->err, CINDER_E_DECLINED);
    CHECK(s.bytes >= 100000 && s.bytes < BIG_SIZE);
    fetch_result_free(s.res);

    stream(f, url_a("/big"), 0, 1 << 20, &s); /* the cap still holds */
    CHECK_INT(s.res->err, CINDER_E_PAGE_TOO_LARGE);
    fetch_result_free(s.res);

    stream(f, url_a("/404"), 0, 0, &s); /* not 2xx: nothing streamed */
    CHECK_INT(s.res->err, CINDER_OK);
    CHECK_INT(s.res->status, 404);
    CHECK_INT(s.bytes, 0);
    fetch_result_free(s.res);
    fetcher_free(f);
}
