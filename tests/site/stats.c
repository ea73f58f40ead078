#include "stats.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "countmap.h"
#include "site.h"
#include "util/mem.h"

typedef struct {
    double t; /* ms since start */
    char method[16];
    char *path;
    char *host;
    long inflight;
} log_entry;

static struct {
    pthread_mutex_t lock;
    double start_ms;
    long total;
    long inflight;
    long max_inflight;
    countmap *paths;
    countmap *flaky;
    log_entry *log;  /* ring of STATS_LOG_MAX */
    size_t log_next; /* slot of the next entry */
    size_t log_len;
} st = {.lock = PTHREAD_MUTEX_INITIALIZER};

void stats_init(void)
{
    st.start_ms = site_now_ms();
    st.paths = countmap_new(STATS_PATHS_MAX);
    st.flaky = countmap_new(STATS_FLAKY_MAX);
    st.log = xcalloc(STATS_LOG_MAX, sizeof *st.log);
}

static void log_clear(void)
{
    for (size_t i = 0; i < STATS_LOG_MAX; i++) {
        free(st.log[i].path);
        free(st.log[i].host);
        st.log[i].path = st.log[i].host = NULL;
    }
    st.log_next = st.log_len = 0;
}

void stats_cleanup(void)
{
    if (!st.log)
        return;
    log_clear();
    free(st.log);
    st.log = NULL;
    countmap_free(st.paths);
    countmap_free(st.flaky);
}

static void log_add(double t, const char *method, const char *uri, const char *host)
{
    log_entry *e = &st.log[st.log_next];
    free(e->path);
    free(e->host);
    e->t = t;
    snprintf(e->method, sizeof e->method, "%s", method);
    e->path = xstrndup(uri, strnlen(uri, SITE_URI_MAX));
    e->host = host ? xstrndup(host, strnlen(host, STATS_HOST_MAX)) : NULL;
    e->inflight = st.inflight;
    st.log_next = (st.log_next + 1) % STATS_LOG_MAX;
    if (st.log_len < STATS_LOG_MAX)
        st.log_len++;
}

void stats_begin(const char *method, const char *uri, const char *host)
{
    double t = (double)(long long)((site_now_ms() - st.start_ms) * 1000.0 + 0.5) / 1000.0;
    size_t path_len = strcspn(uri, "?");
    pthread_mutex_lock(&st.lock);
    st.total++;
    if (++st.inflight > st.max_inflight)
        st.max_inflight = st.inflight;
    countmap_incr(st.paths, uri, path_len);
    log_add(t, method, uri, host);
    pthread_mutex_unlock(&st.lock);
}

void stats_end(void)
{
    pthread_mutex_lock(&st.lock);
    st.inflight--;
    pthread_mutex_unlock(&st.lock);
}

/* A copy of s with every non-ASCII byte replaced by '?'; free() it. */
static char *ascii_copy(const char *s)
{
    char *copy = xstrdup(s);
    for (char *p = copy; *p; p++) {
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    }
    return copy;
}

json_t *json_str_lossy(const char *s)
{
    json_t *j = json_string(s ? s : "");
    if (j)
        return j;
    char *copy = ascii_copy(s);
    j = json_string(copy);
    free(copy);
    return j ? j : json_string("");
}

static void add_path(const char *key, long n, void *arg)
{
    if (json_object_set_new(arg, key, json_integer(n)) == 0)
        return;
    char *copy = ascii_copy(key);
    json_t *old = json_object_get(arg, copy);
    json_int_t sum = n + (old ? json_integer_value(old) : 0);
    json_object_set_new(arg, copy, json_integer(sum));
    free(copy);
}

/* Serialises j (which it takes) as compact JSON; never NULL. Times print as 1234.567. */
static char *dump(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(j);
    return s ? s : xstrdup("null");
}

char *stats_json(void)
{
    json_t *paths = json_object();
    pthread_mutex_lock(&st.lock);
    countmap_each(st.paths, add_path, paths);
    json_t *j =
        json_pack("{s:I,s:o,s:I,s:I}", "total", (json_int_t)st.total, "paths", paths, "inflight",
                  (json_int_t)st.inflight, "maxInflight", (json_int_t)st.max_inflight);
    pthread_mutex_unlock(&st.lock);
    return dump(j);
}

static json_t *entry_json(const log_entry *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "t", json_real(e->t));
    json_object_set_new(o, "method", json_str_lossy(e->method));
    json_object_set_new(o, "path", json_str_lossy(e->path));
    json_object_set_new(o, "inflight", json_integer(e->inflight));
    json_object_set_new(o, "host", e->host ? json_str_lossy(e->host) : json_null());
    return o;
}

char *stats_log_json(void)
{
    json_t *a = json_array();
    pthread_mutex_lock(&st.lock);
    size_t first = (st.log_next + STATS_LOG_MAX - st.log_len) % STATS_LOG_MAX;
    for (size_t i = 0; i < st.log_len; i++)
        json_array_append_new(a, entry_json(&st.log[(first + i) % STATS_LOG_MAX]));
    pthread_mutex_unlock(&st.lock);
    return dump(a);
}

void stats_reset(void)
{
    pthread_mutex_lock(&st.lock);
    st.total = 0;
    st.max_inflight = st.inflight;
    countmap_clear(st.paths);
    countmap_clear(st.flaky);
    log_clear();
    pthread_mutex_unlock(&st.lock);
}

long stats_flaky_hit(const char *key)
{
    pthread_mutex_lock(&st.lock);
    long n = countmap_incr(st.flaky, key, strlen(key));
    pthread_mutex_unlock(&st.lock);
    return n;
}
