/*
 * cinder serve.
 *
 * Threads: SIGINT/SIGTERM are blocked before any thread starts, so every
 * thread inherits the mask; the main thread then waits for them with
 * sigwait and runs the shutdown sequence itself:
 *   1. the server drains: the listener closes, new requests get 503, and the
 *      main thread waits (at most --drain-timeout) for the requests already
 *      in a handler to finish and their replies to go out;
 *   2. the engine stops: fetches still running end with CINDER_E_SHUTDOWN, so
 *      the sync scrapes still waiting are answered (503), and those replies
 *      get REPLY_GRACE_MS to go out;
 *   3. the server stops (no handler runs after MHD_stop_daemon), then the
 *      Trieve scheduler and the engine are freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/app.h"
#include "api/server.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "dialect/dialects.h"
#include "engine.h"
#include "dialect/trieve/recrawl.h"
#include "util/log.h"
#include "version.h"

#define REPLY_GRACE_MS 2000 /* for the replies the engine's stop makes */

typedef struct {
    const char *host;
    long port;
    const char *data;
    long workers;
    long api_threads;
    bool allow_private;
    bool open;
    long long result_ttl_ms;
    size_t max_page;
    long host_connections;
    const char *log_level;
    const char *resolve[OPT_LIST_MAX];
    const char *webhook_secret;
    long long webhook_retry_base_ms;
    long long drain_timeout_ms;
} serve_cfg_t;

#define F(x) offsetof(serve_cfg_t, x)
static const opt_def_t serve_opts[] = {
    {"host", 0, "CINDER_HOST", OPT_STR, F(host), "127.0.0.1", "ADDR", "address to listen on"},
    {"port", 'p', "CINDER_PORT", OPT_INT, F(port), "3002", "N", "TCP port"},
    {"data", 'd', "CINDER_DATA", OPT_STR, F(data), "./data", "DIR",
     "data directory (SQLite store)"},
    {"workers", 'w', "CINDER_WORKERS", OPT_INT, F(workers), "0", "N",
     "worker threads for parsing and conversion (0: one per core)"},
    {"api-threads", 0, "CINDER_API_THREADS", OPT_INT, F(api_threads), "2", "N",
     "HTTP threads (requests waiting on a scrape hold none)"},
    {"allow-private", 0, "CINDER_ALLOW_PRIVATE", OPT_FLAG, F(allow_private), NULL, NULL,
     "allow targets on loopback, private and link-local addresses (off by default)"},
    {"open", 0, "CINDER_OPEN", OPT_FLAG, F(open), NULL, NULL,
     "while no API key exists, serve without keys on a non-loopback address too (by default "
     "open mode is for loopback only)"},
    {"result-ttl", 0, "CINDER_RESULT_TTL", OPT_DURATION, F(result_ttl_ms), "24h", "DURATION",
     "how long job results stay readable (e.g. 24h, 90m)"},
    {"max-page-size", 0, "CINDER_MAX_PAGE_SIZE", OPT_SIZE, F(max_page), "20MiB", "SIZE",
     "largest page body fetched; larger pages fail cleanly"},
    {"host-connections", 0, "CINDER_HOST_CONNECTIONS", OPT_INT, F(host_connections), "16", "N",
     "crawl fetches in flight to one host at once, across all crawls"},
    {"resolve", 0, NULL, OPT_LIST, F(resolve), NULL, "HOST:PORT:ADDR",
     "pin a host name to an address, as curl --resolve (repeatable; the address guard still "
     "applies)"},
    {"webhook-secret", 0, "CINDER_WEBHOOK_SECRET", OPT_STR, F(webhook_secret), NULL, "SECRET",
     "sign webhook bodies: X-Firecrawl-Signature: sha256=<hex HMAC-SHA256 of the body>"},
    {"webhook-retry-base", 0, "CINDER_WEBHOOK_RETRY_BASE", OPT_DURATION, F(webhook_retry_base_ms),
     "1s", "DURATION", "delay before a failed webhook is retried, doubling each time (8 attempts)"},
    {"drain-timeout", 0, "CINDER_DRAIN_TIMEOUT", OPT_DURATION, F(drain_timeout_ms), "5s",
     "DURATION",
     "on SIGTERM/SIGINT, how long requests in progress may take to finish (new ones get 503)"},
    {"log-level", 0, "CINDER_LOG_LEVEL", OPT_STR, F(log_level), "info", "LEVEL",
     "debug, info, warn or error"},
    {NULL, 0, NULL, 0, 0, NULL, NULL, NULL},
};
#undef F

static const char usage[] = "usage: cinder serve [OPTIONS]\n\n"
                            "Runs the API server (Firecrawl v0/v1/v2 scrape endpoints, health).";

static void set_log_level(const char *s)
{
    log_level l = LOG_INFO;
    if (!strcmp(s, "debug"))
        l = LOG_DEBUG;
    else if (!strcmp(s, "warn"))
        l = LOG_WARN;
    else if (!strcmp(s, "error"))
        l = LOG_ERROR;
    log_set_level(l);
}

static bool is_loopback(const char *host)
{
    return !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "::1");
}

/* Starts the key checker and says which mode the server runs in; false when it must not start
 * (no key exists, a non-loopback address, and no --open). */
static bool start_auth(const serve_cfg_t *cfg, engine_t *engine, auth_t **out)
{
    bool open_ok = cfg->open || is_loopback(cfg->host);
    if (auth_new(engine_store(engine), open_ok, out))
        return false;
    if (!auth_no_keys(*out)) {
        log_info("API keys required (create and revoke them with `cinder keys`)");
        return true;
    }
    if (!open_ok) {
        log_error("refusing to serve %s without API keys: create one with `cinder keys create "
                  "--team NAME --data %s`, or pass --open to serve without keys",
                  cfg->host, cfg->data);
        return false;
    }
    log_info("open mode: no API key exists, so any or no key is accepted%s (create one with "
             "`cinder keys create` to require keys)",
             cfg->open ? " (--open)" : " on loopback");
    return true;
}

/* Takes DIR/serve.lock for the life of the process, so that two servers never run one SQLite
 * store's jobs twice (`cinder keys` and the other commands do not take it). Returns the lock's
 * descriptor, or -1 after saying why. */
static int lock_data_dir(const char *dir)
{
    char path[4096], pid[32];
    if (snprintf(path, sizeof path, "%s/serve.lock", dir) >= (int)sizeof path ||
        (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
        log_error("cannot use the data directory %s: %s", dir,
                  strerror(errno ? errno : ENAMETOOLONG));
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_error("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ssize_t n = read(fd, pid, sizeof pid - 1);
        pid[n > 0 ? n : 0] = 0;
        log_error("another cinder serve%s%s is using the data directory %s; stop it or pass "
                  "another --data",
                  n > 0 ? " with pid " : "", pid, dir);
        close(fd);
        return -1;
    }
    int len = snprintf(pid, sizeof pid, "%ld", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len)
        log_warn("cannot write the pid into %s: %s", path, strerror(errno));
    return fd;
}

static int wait_for_signal(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    sigwait(&set, &sig);
    return sig;
}

static void block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Steps 1 and 2 of the shutdown (see the top of the file). */
static void drain(server_t *srv, engine_t *engine, long long timeout_ms, int sig)
{
    server_drain_start(srv);
    log_info("received %s: draining (new requests get 503; up to %lld ms for those in progress)",
             sig == SIGINT ? "SIGINT" : "SIGTERM", timeout_ms);
    int left = server_drain_wait(srv, timeout_ms);
    if (left)
        log_warn("%d request(s) still in progress after %lld ms: stopping the fetches they wait "
                 "for",
                 left, timeout_ms);
    engine_stop(engine);
    if (left && (left = server_drain_wait(srv, REPLY_GRACE_MS)) > 0)
        log_warn("%d reply(ies) not sent: their connections are closed", left);
}

/* Runs the server until SIGINT or SIGTERM; returns the exit status. */
static int serve(const serve_cfg_t *cfg)
{
    int status = 1;
    server_t *srv = NULL;
    trieve_sched_t *recrawls = NULL;
    block_signals();
    engine_config_t ec = {cfg->data,           (int)cfg->workers,
                          cfg->allow_private,  cfg->result_ttl_ms,
                          cfg->max_page,       CINDER_USER_AGENT,
                          cfg->resolve,        (int)cfg->host_connections,
                          cfg->webhook_secret, cfg->webhook_retry_base_ms};
    engine_t *engine = NULL;
    cinder_err rc = engine_new(&ec, &engine);
    if (rc) {
        log_error("cannot start: %s (store in %s)", cinder_strerror(rc), cfg->data);
        return 1;
    }
    api_app_t app = {engine_jobs(engine), cfg->allow_private, NULL};
    if (!start_auth(cfg, engine, &app.auth))
        goto out;
    server_config_t sc = {.host = cfg->host,
                          .port = (int)cfg->port,
                          .threads = (int)cfg->api_threads,
                          .max_body = 10u * 1000 * 1000,
                          .app = &app,
                          .tables = dialect_tables,
                          .n_tables = dialect_n_tables};
    if (server_new(&sc, &srv))
        goto out;
    recrawls = trieve_sched_new(engine_jobs(engine)); /* Trieve's recurring crawls */
    log_info("cinder %s listening on http://%s:%d (store: %s in %s; %d workers; private targets "
             "%s; results kept %llds)",
             CINDER_VERSION, cfg->host, server_port(srv), store_backend(engine_store(engine)),
             cfg->data, engine_workers(engine), cfg->allow_private ? "allowed" : "refused",
             cfg->result_ttl_ms / 1000);
    drain(srv, engine, cfg->drain_timeout_ms, wait_for_signal());
    status = 0;
out:
    server_free(srv);
    trieve_sched_free(recrawls);
    engine_free(engine);
    auth_free(app.auth);
    if (status == 0)
        log_info("stopped");
    return status;
}

int cmd_serve(int argc, char **argv)
{
    serve_cfg_t cfg = {0};
    const char *pos[1];
    int npos = 0;
    cinder_err rc = opts_parse(serve_opts, &cfg, argc, argv, usage, pos, 0, &npos);
    if (rc)
        return rc == CINDER_E_DECLINED ? 0 : 2;
    if (cfg.port < 0 || cfg.port > 65535 || cfg.result_ttl_ms <= 0 || cfg.host_connections < 1 ||
        cfg.host_connections > 1024 || cfg.webhook_retry_base_ms <= 0 || cfg.drain_timeout_ms < 0) {
        fprintf(stderr, "cinder serve: --port must be 0-65535, --result-ttl and "
                        "--webhook-retry-base positive, --drain-timeout not negative and "
                        "--host-connections 1-1024\n");
        return 2;
    }
    set_log_level(cfg.log_level);
    int lock = lock_data_dir(cfg.data);
    if (lock < 0)
        return 1;
    int status = serve(&cfg);
    close(lock);
    return status;
}
