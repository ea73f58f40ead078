/*
 * cinder crawl URL: a crawl without a server, on the same engine. Documents are written as they
 * finish (one markdown file per page, or JSON lines); a progress line is shown on a terminal.
 *
 * Threads: the engine's threads do the crawl and its worker threads write each document as it is
 * built (crawl_opts_t.on_document; the store keeps the crawl's state, not the documents); the
 * main thread polls the store every 20 ms for the end (the progress line is redrawn every
 * 200 ms). SIGINT sets a flag
 * the main thread turns into a cancel.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "jobs/jobs.h"
#include "engine.h"
#include "model/job.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/url.h"
#include "version.h"

typedef struct {
    long limit, max_depth, concurrency, host_connections;
    const char *include[OPT_LIST_MAX], *exclude[OPT_LIST_MAX];
    const char *outdir, *jsonl, *data;
    bool allow_private, ignore_robots, entire_domain, no_main;
} crawl_cfg_t;

#define F(x) offsetof(crawl_cfg_t, x)
static const opt_def_t crawl_opts[] = {
    {"limit", 'l', NULL, OPT_INT, F(limit), "10000", "N", "most pages fetched and written"},
    {"max-depth", 0, NULL, OPT_INT, F(max_depth), "-1", "N",
     "most path segments of a URL (-1: no limit)"},
    {"include", 'i', NULL, OPT_LIST, F(include), NULL, "REGEX", "only paths matching (repeatable)"},
    {"exclude", 'x', NULL, OPT_LIST, F(exclude), NULL, "REGEX", "skip paths matching (repeatable)"},
    {"output", 'o', NULL, OPT_STR, F(outdir), NULL, "DIR", "write one NNNNN-name.md per page"},
    {"jsonl", 0, NULL, OPT_STR, F(jsonl), NULL, "FILE", "write one JSON document per line"},
    {"concurrency", 'c', NULL, OPT_INT, F(concurrency), "8", "N", "pages fetched at once"},
    {"host-connections", 0, "CINDER_HOST_CONNECTIONS", OPT_INT, F(host_connections), "16", "N",
     "fetches in flight to one host at once"},
    {"entire-domain", 0, NULL, OPT_FLAG, F(entire_domain), NULL, NULL,
     "follow links anywhere on the host, not only under the start path"},
    {"ignore-robots", 0, NULL, OPT_FLAG, F(ignore_robots), NULL, NULL, "ignore robots.txt"},
    {"no-main", 0, NULL, OPT_FLAG, F(no_main), NULL, NULL, "keep whole pages, not main content"},
    {"allow-private", 0, "CINDER_ALLOW_PRIVATE", OPT_FLAG, F(allow_private), NULL, NULL,
     "allow loopback, private and link-local targets"},
    {"data", 'd', NULL, OPT_STR, F(data), NULL, "DIR",
     "keep the crawl's store here (default: a temporary directory, removed at the end)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL, NULL},
};
#undef F

static const char usage[] = "usage: cinder crawl [OPTIONS] URL\n\n"
                            "Crawls a site without a server and writes its pages as markdown.";

/* Set by the SIGINT handler, which may run on any engine thread (the signal is not blocked in
 * them), and read by the main thread: a lock-free atomic, where volatile sig_atomic_t is only
 * safe for a handler on the reading thread. */
static atomic_int interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Documents arrive on the engine's worker threads (crawl_opts_t.on_document): the counter and
 * the JSON lines file are guarded by mu; each markdown file is written outside it. */
typedef struct {
    const crawl_cfg_t *cfg;
    pthread_mutex_t mu;
    FILE *jsonl;
    int64_t written;
    int64_t write_errors; /* markdown files that could not be written */
    int first_error;      /* errno of the first */
} writer_t;

/* "NNNNN-host_path.md" from a document's URL. */
static void file_name(const char *url, int64_t n, char *out, size_t len)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    int k = snprintf(out, len, "%05lld-", (long long)n);
    for (; *p && k < (int)len - 4 && k < 120; p++)
        out[k++] = (char)((*p == '/' || *p == '?' || *p == '#' || *p == ':') ? '_' : *p);
    snprintf(out + k, len - (size_t)k, ".md");
}

/* Writes all of s to a new file at path; 0 or an errno value. */
static int write_file(const char *path, const char *s, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    int err = 0;
    while (len && !err) {
        ssize_t k = write(fd, s, len);
        if (k < 0 && errno != EINTR)
            err = errno;
        else if (k > 0) {
            s += k;
            len -= (size_t)k;
        }
    }
    if (close(fd) != 0 && !err)
        err = errno;
    return err;
}

/* Writes the document's markdown as file n of dir; 0 or an errno value. */
static int write_markdown(const char *dir, int64_t n, json_t *doc)
{
    const char *url =
        json_string_value(json_object_get(json_object_get(doc, "metadata"), "sourceURL"));
    char name[160], path[4200];
    file_name(url ? url : "page", n, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    json_t *md = json_object_get(doc, "markdown");
    return write_file(path, md ? json_string_value(md) : "", md ? json_string_length(md) : 0);
}

/* crawl_opts_t.on_document: runs on a worker thread. */
static void write_doc(json_t *doc, void *ud)
{
    writer_t *w = ud;
    pthread_mutex_lock(&w->mu);
    int64_t n = w->written++;
    if (w->jsonl) {
        json_dumpf(doc, w->jsonl, JSON_COMPACT);
        fputc('\n', w->jsonl);
    }
    pthread_mutex_unlock(&w->mu);
    int err = w->cfg->outdir ? write_markdown(w->cfg->outdir, n, doc) : 0;
    if (err) {
        pthread_mutex_lock(&w->mu);
        if (!w->write_errors++)
            w->first_error = err;
        pthread_mutex_unlock(&w->mu);
    }
}

static int64_t written(writer_t *w)
{
    pthread_mutex_lock(&w->mu);
    int64_t n = w->written;
    pthread_mutex_unlock(&w->mu);
    return n;
}

static void progress(const store_job_t *j, int64_t start_ms, bool final)
{
    double secs = (double)(clock_mono_ms() - start_ms) / 1000.0;
    int64_t queued = j->admitted - j->completed - j->failed - j->cancelled;
    fprintf(stderr, "%s%lld done, %lld queued, %lld failed, %.1f pages/s, %.1fs%s",
            final ? "" : "\r", (long long)j->completed, (long long)(queued > 0 ? queued : 0),
            (long long)j->failed, secs > 0 ? (double)j->completed / secs : 0.0, secs,
            final ? "\n" : "   ");
}

/* Polls until the crawl ends, writing documents; returns the final job record. */
static void follow(engine_t *e, const char *id, writer_t *w, store_job_t *job)
{
    bool tty = isatty(STDERR_FILENO), cancelled = false;
    int64_t start = clock_mono_ms();
    unsigned ticks = 0;
    for (;;) {
        if (interrupted && !cancelled) {
            model_cancel_t n = {0};
            cancelled = jobs_cancel(engine_jobs(e), NULL, id, JOBS_ANY_KIND, &n) == CINDER_OK;
            fprintf(stderr, "\ncancelled: %lld queued page(s) dropped\n", (long long)n.cancelled);
        }
        memset(job, 0, sizeof *job);
        if (store_job_get(engine_store(e), id, job) != CINDER_OK)
            return;
        bool done = job->status != JOB_RUNNING && job->status != JOB_QUEUED &&
                    written(w) >= job->completed &&
                    job->admitted - job->completed - job->failed - job->cancelled <= 0;
        if ((tty && ++ticks % 10 == 0) || done)
            progress(job, start, done);
        if (done)
            return;
        store_job_cleanup(job);
        struct timespec ts = {0, 20 * 1000000L}; /* the end is noticed within 20 ms */
        nanosleep(&ts, NULL);
    }
}

static void fill_opts(const crawl_cfg_t *cfg, const char *url, crawl_opts_t *o)
{
    crawl_opts_init(o, 1);
    o->url = (char *)url;
    o->limit = cfg->limit;
    o->max_depth = (int)cfg->max_depth;
    o->max_concurrency = (int)cfg->concurrency;
    o->crawl_entire_domain = cfg->entire_domain;
    o->ignore_robots = cfg->ignore_robots;
    o->page.only_main_content = !cfg->no_main;
    for (; o->n_include < OPT_LIST_MAX && cfg->include[o->n_include]; o->n_include++)
        ;
    for (; o->n_exclude < OPT_LIST_MAX && cfg->exclude[o->n_exclude]; o->n_exclude++)
        ;
    o->include = (char **)cfg->include;
    o->exclude = (char **)cfg->exclude;
}

static int run(const crawl_cfg_t *cfg, const char *url, const char *data)
{
    engine_config_t ec = {data,
                          0,
                          cfg->allow_private,
                          24LL * 3600 * 1000,
                          20u << 20,
                          CINDER_USER_AGENT,
                          NULL,
                          (int)cfg->host_connections,
                          NULL,
                          0};
    writer_t w = {cfg, PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, 0};
    w.jsonl = cfg->jsonl ? fopen(cfg->jsonl, "w") : NULL;
    if (cfg->jsonl && !w.jsonl) {
        fprintf(stderr, "cinder crawl: cannot write %s: %s\n", cfg->jsonl, strerror(errno));
        return 2;
    }
    engine_t *e = NULL;
    if (engine_new(&ec, &e)) {
        fprintf(stderr, "cinder crawl: cannot open a store in %s\n", data);
        if (w.jsonl)
            fclose(w.jsonl);
        return 1;
    }
    crawl_opts_t o;
    fill_opts(cfg, url, &o);
    o.on_document = write_doc;
    o.on_document_ud = &w;
    char id[40], err[512] = "";
    cinder_err rc = jobs_crawl_start(engine_jobs(e), &o, id, err, sizeof err);
    int status = 0;
    store_job_t job = {0};
    if (rc) {
        fprintf(stderr, "cinder crawl: %s\n", *err ? err : cinder_strerror(rc));
        status = 2;
    } else {
        follow(e, id, &w, &job);
        status = job.status == JOB_COMPLETED ? 0 : 1;
    }
    engine_free(e); /* no worker writes after this */
    if (!rc)
        fprintf(stderr, "crawl %s: %s, %lld page(s) written, %lld failed\n", id,
                job_status_name(job.status), (long long)w.written, (long long)job.failed);
    store_job_cleanup(&job);
    if (w.write_errors) {
        fprintf(stderr, "cinder crawl: %lld file(s) could not be written to %s: %s\n",
                (long long)w.write_errors, cfg->outdir, strerror(w.first_error));
        status = 1;
    }
    if (w.jsonl && (ferror(w.jsonl) | fclose(w.jsonl))) {
        fprintf(stderr, "cinder crawl: could not write %s\n", cfg->jsonl);
        status = 1;
    }
    pthread_mutex_destroy(&w.mu);
    return status;
}

int cmd_crawl(int argc, char **argv)
{
    crawl_cfg_t cfg = {0};
    const char *pos[1];
    int npos = 0;
    cinder_err rc = opts_parse(crawl_opts, &cfg, argc, argv, usage, pos, 1, &npos);
    if (rc)
        return rc == CINDER_E_DECLINED ? 0 : 2;
    char *url = npos == 1 ? url_normalize_http(pos[0], NULL) : NULL;
    bool bad = cfg.limit < 1 || cfg.host_connections < 1 || cfg.host_connections > 1024;
    if (!url || bad || (cfg.outdir && mkdir(cfg.outdir, 0755) && errno != EEXIST)) {
        fprintf(stderr, "%s\n",
                !url ? usage : "cinder crawl: bad --limit, --host-connections or --output");
        free(url);
        return 2;
    }
    char tmpl[] = "/tmp/cinder-crawl-XXXXXX";
    const char *data = cfg.data ? cfg.data : mkdtemp(tmpl);
    log_set_level(LOG_WARN); /* the progress line and the summary are the output */
    signal(SIGINT, on_sigint);
    signal(SIGPIPE, SIG_IGN);
    int status = data ? run(&cfg, url, data) : 1;
    if (data && !cfg.data) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", data);
        if (system(cmd) != 0)
            fprintf(stderr, "cinder crawl: could not remove %s\n", data);
    }
    free(url);
    return status;
}
