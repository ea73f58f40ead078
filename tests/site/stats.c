#include "stats.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "countmap.h"
#include "groupmap.h"
#include "site.h"
#include "util/mem.h"

typedef struct {
    double t; /* ms since start */
    char method[16];
    char *path;
    char *host;
    long inflight;
    long prefix_inflight; /* in flight in this request's prefix group, this one included */
    long host_inflight;   /* in flight with this request's Host, this one included */
} log_entry;

static struct {
    pthread_mutex_t lock;
    double start_ms;
    long total;
    long inflight;
    long max_inflight;
    countmap *paths;
    countmap *flaky;
    groupmap *prefixes;
    groupmap *hosts;
    log_entry *log;  /* ring of STATS_LOG_MAX */
    size_t log_next; /* slot of the next entry */
    size_t log_len;
} st = {.lock = PTHREAD_MUTEX_INITIALIZER};

void stats_init(void)
{
    st.start_ms = site_now_ms();
    st.paths = countmap_new(STATS_PATHS_MAX);
    st.flaky = countmap_new(STATS_FLAKY_MAX);
    st.prefixes = groupmap_new(STATS_GROUP_MAX);
    st.hosts = groupmap_new(STATS_GROUP_MAX);
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
    groupmap_free(st.prefixes);
    groupmap_free(st.hosts);
}

static log_entry *log_add(double t, const char *method, const char *uri, const char *host)
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
    return e;
}

void stats_prefix_key(const char *path, char *out, size_t cap)
{
    size_t n = 0, end = strcspn(path, "?#");
    int segs = 0;
    for (size_t i = 0; i < end && segs < 2 && n + 2 < cap; i++) {
        if (path[i] == '/' && i > 0)
            segs++;
        if (segs < 2)
            out[n++] = path[i];
    }
    if (n == 0 || out[n - 1] != '/')
        out[n++] = '/';
    out[n] = '\0';
}

/* Counts one more request in flight in c. */
static long group_begin(group_counts *c)
{
    c->total++;
    if (++c->inflight > c->max)
        c->max = c->inflight;
    return c->inflight;
}

unsigned stats_begin(const char *method, const char *uri, const char *host)
{
    double t = (double)(long long)((site_now_ms() - st.start_ms) * 1000.0 + 0.5) / 1000.0;
    size_t path_len = strcspn(uri, "?");
    char key[STATS_PREFIX_MAX];
    stats_prefix_key(uri, key, sizeof key);
    pthread_mutex_lock(&st.lock);
    st.total++;
    if (++st.inflight > st.max_inflight)
        st.max_inflight = st.inflight;
    countmap_incr(st.paths, uri, path_len);
    log_entry *e = log_add(t, method, uri, host);
    group_counts *p = groupmap_get(st.prefixes, key, 1);
    group_counts *h = groupmap_get(st.hosts, host ? host : "", 1);
    e->prefix_inflight = group_begin(p);
    e->host_inflight = group_begin(h);
    unsigned flags = (p == groupmap_overflow(st.prefixes) ? STATS_PREFIX_OVERFLOW : 0) |
                     (h == groupmap_overflow(st.hosts) ? STATS_HOST_OVERFLOW : 0);
    pthread_mutex_unlock(&st.lock);
    return flags;
}

static void group_end(group_counts *c)
{
    if (c && c->inflight > 0)
        c->inflight--;
}

/* The group a request was counted in: the overflow one when flags say so. */
static group_counts *group_of(groupmap *m, const char *key, bool overflow)
{
    return overflow ? groupmap_overflow(m) : groupmap_get(m, key, 0);
}

void stats_end(const char *uri, const char *host, unsigned flags)
{
    char key[STATS_PREFIX_MAX];
    stats_prefix_key(uri, key, sizeof key);
    pthread_mutex_lock(&st.lock);
    st.inflight--;
    group_end(group_of(st.prefixes, key, flags & STATS_PREFIX_OVERFLOW));
    group_end(group_of(st.hosts, host ? host : "", flags & STATS_HOST_OVERFLOW));
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

typedef struct {
    const char *prefix;
    size_t len;
    json_t *paths;
    long sum;
} path_filter;

static void add_path_if(const char *key, long n, void *arg)
{
    path_filter *f = arg;
    if (strncmp(key, f->prefix, f->len) != 0)
        return;
    f->sum += n;
    add_path(key, n, f->paths);
}

static json_t *counts_json(long total, long inflight, long max)
{
    return json_pack("{s:I,s:I,s:I}", "total", (json_int_t)total, "inflight", (json_int_t)inflight,
                     "maxInflight", (json_int_t)max);
}

/* The stats of the paths under prefix; the caller holds the lock. */
static json_t *prefix_json(const char *prefix)
{
    char key[STATS_PREFIX_MAX];
    stats_prefix_key(prefix, key, sizeof key);
    path_filter f = {prefix, strlen(prefix), json_object(), 0};
    countmap_each(st.paths, add_path_if, &f);
    group_counts none = {0}, *g = groupmap_get(st.prefixes, key, 0);
    long total = g && strcmp(key, prefix) == 0 ? g->total : f.sum;
    if (!g)
        g = &none;
    json_t *j = counts_json(total, g->inflight, g->max);
    json_object_set_new(j, "paths", f.paths);
    json_object_set_new(j, "prefix", json_str_lossy(prefix));
    return j;
}

char *stats_json(const char *prefix)
{
    pthread_mutex_lock(&st.lock);
    json_t *j = NULL;
    if (prefix) {
        j = prefix_json(prefix);
    } else {
        j = counts_json(st.total, st.inflight, st.max_inflight);
        json_t *paths = json_object();
        countmap_each(st.paths, add_path, paths);
        json_object_set_new(j, "paths", paths);
    }
    pthread_mutex_unlock(&st.lock);
    return dump(j);
}

char *stats_host_json(const char *host)
{
    pthread_mutex_lock(&st.lock);
    group_counts none = {0}, *g = groupmap_get(st.hosts, host, 0);
    if (!g)
        g = &none;
    json_t *j = counts_json(g->total, g->inflight, g->max);
    pthread_mutex_unlock(&st.lock);
    json_object_set_new(j, "host", json_str_lossy(host));
    return dump(j);
}

static json_t *entry_json(const log_entry *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "t", json_real(e->t));
    json_object_set_new(o, "method", json_str_lossy(e->method));
    json_object_set_new(o, "path", json_str_lossy(e->path));
    json_object_set_new(o, "inflight", json_integer(e->inflight));
    json_object_set_new(o, "prefixInflight", json_integer(e->prefix_inflight));
    json_object_set_new(o, "hostInflight", json_integer(e->host_inflight));
    json_object_set_new(o, "host", e->host ? json_str_lossy(e->host) : json_null());
    return o;
}

static bool entry_matches(const log_entry *e, const char *prefix, const char *host, double since)
{
    if (prefix && strncmp(e->path, prefix, strlen(prefix)) != 0)
        return false;
    if (host && (!e->host || strcmp(e->host, host) != 0))
        return false;
    return e->t >= since;
}

char *stats_log_json(const char *prefix, const char *host, double since_ms)
{
    json_t *a = json_array();
    pthread_mutex_lock(&st.lock);
    size_t first = (st.log_next + STATS_LOG_MAX - st.log_len) % STATS_LOG_MAX;
    for (size_t i = 0; i < st.log_len; i++) {
        const log_entry *e = &st.log[(first + i) % STATS_LOG_MAX];
        if (entry_matches(e, prefix, host, since_ms))
            json_array_append_new(a, entry_json(e));
    }
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
    groupmap_reset(st.prefixes);
    groupmap_reset(st.hosts);
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
