/*
 * Thread-safety design: after scope_new a scope_t is read-only. scope_check
 * only reads it; everything it mutates is per call: the normalised URL (a
 * heap buf_t), a stack copy of the host, and one PCRE2 match-data block
 * created for the call and shared by all its pattern tests (the compiled,
 * JIT-compiled patterns and the match context are immutable and documented
 * by PCRE2 as shareable between threads). The Public Suffix List context is
 * loaded once per process (pthread_once) and only read afterwards. scope_new,
 * scope_rebase and scope_free write the scope and need exclusive access.
 */
#include "crawl/scope.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <libpsl.h>
#include <pcre2.h>

#include "crawl/urlkey.h"
#include "util/buf.h"
#include "util/mem.h"

/* Backtracking budget per regex test; exceeding it counts as no match. */
#define SCOPE_MATCH_LIMIT 200000

/* An exclude pattern read as a host[/path] prefix (for non-internal hosts). */
typedef struct {
    char *host;
    char *path;
} host_rule_t;

typedef struct {
    pcre2_code **code;
    size_t n;
} regex_list_t;

struct scope {
    regex_list_t inc, exc;
    host_rule_t *rules;
    size_t n_rules;
    pcre2_match_context *mctx;
    bool full_url, entire_domain, subdomains, external;
    int max_depth, max_disc;
    char *host;   /* start host: lower-case, no www., no trailing dot */
    char *regdom; /* its registrable domain; NULL for IPs and suffix-only hosts */
    char *prefix; /* normalised start path, no index file, no trailing '/' */
};

static const char *const SOCIAL_HOSTS[] = {
    "facebook.com", "twitter.com",  "linkedin.com", "instagram.com", "pinterest.com",
    "github.com",   "calendly.com", "discord.gg",   "discord.com",
};

static const char *const SKIP_EXTENSIONS[] = {
    "png", "jpg", "jpeg", "gif",  "css",  "js",  "ico", "svg",  "tiff", "zip",   "exe",  "dmg",
    "mp4", "mp3", "wav",  "pptx", "xlsx", "avi", "flv", "woff", "ttf",  "woff2", "webp", "inc",
};

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *psl_ctx;

static void psl_load(void)
{
    psl_ctx_t *latest = psl_latest(NULL);
    psl_ctx = latest ? latest : psl_builtin();
}

static const psl_ctx_t *psl(void)
{
    pthread_once(&psl_once, psl_load);
    return psl_ctx;
}

static bool is_ip_literal(const char *h)
{
    if (h[0] == '[')
        return true;
    return h[strspn(h, "0123456789.")] == '\0';
}

/* The registrable domain of a lower-case host, or NULL when there is none. */
static const char *registrable(const char *host)
{
    if (is_ip_literal(host) || !psl())
        return NULL;
    return psl_registrable_domain(psl(), host);
}

/* Copies host[0..n) lower-case (already, from normalisation) into out
 * (256 bytes) without a trailing dot and without a leading "www.". */
static const char *bare_host(const char *h, size_t n, char out[256])
{
    if (n > 1 && h[n - 1] == '.')
        n--;
    if (n > 4 && strncmp(h, "www.", 4) == 0) {
        h += 4;
        n -= 4;
    }
    if (n > 255)
        n = 255;
    memcpy(out, h, n);
    out[n] = '\0';
    return out;
}

static bool host_within(const char *host, const char *domain)
{
    size_t hl = strlen(host), dl = strlen(domain);
    if (hl == dl)
        return strcmp(host, domain) == 0;
    return hl > dl && host[hl - dl - 1] == '.' && strcmp(host + hl - dl, domain) == 0;
}

static bool is_social(const char *host)
{
    for (size_t i = 0; i < sizeof(SOCIAL_HOSTS) / sizeof(*SOCIAL_HOSTS); i++)
        if (host_within(host, SOCIAL_HOSTS[i]))
            return true;
    return false;
}

/* True when the last path segment ends in a skipped file extension. */
static bool is_skipped_file(const char *path, size_t n)
{
    const char *slash = path, *dot = NULL;
    for (size_t i = 0; i < n; i++) {
        if (path[i] == '/')
            slash = path + i;
        else if (path[i] == '.')
            dot = path + i;
    }
    if (!dot || dot < slash)
        return false;
    size_t el = (size_t)(path + n - dot - 1);
    for (size_t i = 0; i < sizeof(SKIP_EXTENSIONS) / sizeof(*SKIP_EXTENSIONS); i++)
        if (strlen(SKIP_EXTENSIONS[i]) == el && strncasecmp(dot + 1, SKIP_EXTENSIONS[i], el) == 0)
            return true;
    return false;
}

/* True when path[0..n) equals prefix or continues it after a '/'. */
static bool path_in_prefix(const char *prefix, const char *path, size_t n)
{
    size_t pl = strlen(prefix);
    if (pl == 0)
        return true;
    if (n < pl || memcmp(path, prefix, pl) != 0)
        return false;
    return n == pl || path[pl] == '/';
}

static cinder_err compile_one(const char *pat, const char *what, pcre2_code **out, char *err,
                              size_t errlen)
{
    int code = 0;
    PCRE2_SIZE off = 0;
    *out = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
    if (*out) {
        (void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
        return CINDER_OK;
    }
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
        snprintf((char *)msg, sizeof(msg), "error %d", code);
    if (err && errlen)
        snprintf(err, errlen, "invalid %s regex \"%s\": %s at offset %zu", what, pat,
                 (const char *)msg, (size_t)off);
    return CINDER_E_BAD_REQUEST;
}

static cinder_err compile_list(regex_list_t *l, const char *const *pats, size_t n, const char *what,
                               char *err, size_t errlen)
{
    cinder_err e = CINDER_OK;
    l->code = n ? xcalloc(n, sizeof(*l->code)) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (!pats[i] || !pats[i][0])
            continue;
        e = compile_one(pats[i], what, &l->code[l->n], err, errlen);
        if (e != CINDER_OK)
            goto out;
        l->n++;
    }
out:
    return e;
}

static void free_list(regex_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        pcre2_code_free(l->code[i]);
    free(l->code);
}

static bool is_rule_host(const char *h, size_t n)
{
    if (n == 0 || !memchr(h, '.', n))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_'))
            return false;
    }
    return true;
}

/* Reads an exclude pattern as host[/path] (scheme and "www." dropped, as hosts
 * are compared without them); skips patterns that are not. */
static void add_host_rule(scope_t *s, const char *pat)
{
    if (strncasecmp(pat, "https://", 8) == 0)
        pat += 8;
    else if (strncasecmp(pat, "http://", 7) == 0)
        pat += 7;
    size_t hl = strcspn(pat, "/");
    if (!is_rule_host(pat, hl))
        return;
    if (hl > 4 && strncasecmp(pat, "www.", 4) == 0) {
        pat += 4;
        hl -= 4;
    }
    host_rule_t *r = &s->rules[s->n_rules++];
    r->host = xstrndup(pat, hl);
    for (char *c = r->host; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    r->path = xstrdup(pat[hl] ? pat + hl : "/");
}

static bool matches_host_rule(const scope_t *s, const char *host, const char *path, size_t n)
{
    for (size_t i = 0; i < s->n_rules; i++) {
        const host_rule_t *r = &s->rules[i];
        size_t pl = strlen(r->path);
        if (host_within(host, r->host) && n >= pl && memcmp(path, r->path, pl) == 0)
            return true;
    }
    return false;
}

/* Computes host, registrable domain and path prefix of a start URL into s. */
static cinder_err set_origin(scope_t *s, const char *url)
{
    buf_t norm;
    urlkey_parts_t p;
    char host[256];
    buf_init(&norm, 0);
    cinder_err err = urlkey_normalize(url, &norm);
    if (err != CINDER_OK || (err = urlkey_split(norm.data, &p)) != CINDER_OK)
        goto out;
    size_t pl = p.path_len;
    static const char *const index_files[] = {"/index.html", "/index.php"};
    for (size_t i = 0; i < 2; i++) {
        size_t il = strlen(index_files[i]);
        if (pl >= il && memcmp(p.path + pl - il, index_files[i], il) == 0) {
            pl -= il - 1;
            break;
        }
    }
    while (pl > 0 && p.path[pl - 1] == '/')
        pl--;
    free(s->host);
    free(s->prefix);
    s->host = xstrdup(bare_host(p.host, p.host_len, host));
    s->prefix = xstrndup(p.path, pl);
    const char *rd = registrable(s->host);
    free(s->regdom);
    s->regdom = rd ? xstrdup(rd) : NULL;
out:
    buf_cleanup(&norm);
    return err;
}

cinder_err scope_new(const scope_config_t *cfg, scope_t **out, char *err, size_t errlen)
{
    scope_t *s = xcalloc(1, sizeof(*s));
    cinder_err e = compile_list(&s->inc, cfg->include, cfg->n_include, "includePaths", err, errlen);
    if (e == CINDER_OK)
        e = compile_list(&s->exc, cfg->exclude, cfg->n_exclude, "excludePaths", err, errlen);
    if (e != CINDER_OK)
        goto out;
    s->rules = cfg->n_exclude ? xcalloc(cfg->n_exclude, sizeof(*s->rules)) : NULL;
    for (size_t i = 0; i < cfg->n_exclude; i++)
        if (cfg->exclude[i] && cfg->exclude[i][0])
            add_host_rule(s, cfg->exclude[i]);
    s->mctx = pcre2_match_context_create(NULL);
    if (s->mctx)
        pcre2_set_match_limit(s->mctx, SCOPE_MATCH_LIMIT);
    s->full_url = cfg->regex_on_full_url;
    s->entire_domain = cfg->crawl_entire_domain;
    s->subdomains = cfg->allow_subdomains;
    s->external = cfg->allow_external_links;
    s->max_depth = cfg->max_depth;
    s->max_disc = cfg->max_discovery_depth;
    e = set_origin(s, cfg->start_url);
    if (e != CINDER_OK && err && errlen)
        snprintf(err, errlen, "invalid start URL");
out:
    if (e != CINDER_OK) {
        scope_free(s);
        s = NULL;
    }
    *out = s;
    return e;
}

void scope_free(scope_t *s)
{
    if (!s)
        return;
    free_list(&s->inc);
    free_list(&s->exc);
    for (size_t i = 0; i < s->n_rules; i++) {
        free(s->rules[i].host);
        free(s->rules[i].path);
    }
    free(s->rules);
    pcre2_match_context_free(s->mctx);
    free(s->host);
    free(s->regdom);
    free(s->prefix);
    free(s);
}

cinder_err scope_rebase(scope_t *s, const char *final_start_url)
{
    return set_origin(s, final_start_url);
}

/* Per-call state of one scope_check. */
typedef struct {
    const char *subject;
    size_t subject_len;
    pcre2_match_data *md;
} match_t;

static bool any_match(const scope_t *s, const regex_list_t *l, match_t *m)
{
    if (!m->md)
        m->md = pcre2_match_data_create(1, NULL);
    if (!m->md)
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (pcre2_match(l->code[i], (PCRE2_SPTR)m->subject, m->subject_len, 0, 0, m->md, s->mctx) >=
            0)
            return true;
    return false;
}

typedef enum { HOST_INTERNAL, HOST_SIBLING, HOST_FOREIGN } host_class;

static host_class classify(const scope_t *s, const char *host)
{
    if (strcmp(host, s->host) == 0)
        return HOST_INTERNAL;
    const char *rd = s->regdom ? registrable(host) : NULL;
    if (!rd || strcmp(rd, s->regdom) != 0)
        return HOST_FOREIGN;
    return s->subdomains ? HOST_INTERNAL : HOST_SIBLING;
}

static scope_verdict check_host(const scope_t *s, host_class c, const char *host, int depth,
                                bool from_external)
{
    if (c == HOST_INTERNAL)
        return SCOPE_OK;
    if (!s->external)
        return c == HOST_SIBLING ? SCOPE_OUTSIDE : SCOPE_EXTERNAL;
    if (from_external || depth == 0 || is_social(host))
        return SCOPE_EXTERNAL;
    return SCOPE_OK;
}

static scope_verdict check_parts(const scope_t *s, const char *url, const urlkey_parts_t *p,
                                 int hops, bool from_external)
{
    char hbuf[256];
    if (s->max_disc >= 0 && hops > s->max_disc)
        return SCOPE_DISCOVERY_DEPTH;
    int depth = urlkey_depth(url);
    if (s->max_depth >= 0 && depth > s->max_depth)
        return SCOPE_DEPTH;
    const char *host = bare_host(p->host, p->host_len, hbuf);
    host_class c = classify(s, host);
    scope_verdict v = check_host(s, c, host, depth, from_external);
    if (v != SCOPE_OK)
        return v;
    match_t m = {s->full_url ? url : p->path, s->full_url ? strlen(url) : p->path_len, NULL};
    if ((s->exc.n && any_match(s, &s->exc, &m)) ||
        (c != HOST_INTERNAL && matches_host_rule(s, host, p->path, p->path_len)))
        v = SCOPE_EXCLUDED;
    else if (s->inc.n && !any_match(s, &s->inc, &m))
        v = SCOPE_NOT_INCLUDED;
    else if (!s->entire_domain && !path_in_prefix(s->prefix, p->path, p->path_len))
        v = SCOPE_OUTSIDE;
    else if (is_skipped_file(p->path, p->path_len))
        v = SCOPE_FILE_TYPE;
    pcre2_match_data_free(m.md);
    return v;
}

scope_verdict scope_check(const scope_t *s, const char *url, int hops, bool from_external)
{
    buf_t norm;
    urlkey_parts_t p;
    scope_verdict v = SCOPE_SCHEME;
    buf_init(&norm, 0);
    if (urlkey_normalize(url, &norm) == CINDER_OK && urlkey_split(norm.data, &p) == CINDER_OK)
        v = check_parts(s, norm.data, &p, hops, from_external);
    buf_cleanup(&norm);
    return v;
}

const char *scope_verdict_name(scope_verdict v)
{
    switch (v) {
    case SCOPE_OK:
        return "ok";
    case SCOPE_EXCLUDED:
        return "excluded";
    case SCOPE_NOT_INCLUDED:
        return "not_included";
    case SCOPE_OUTSIDE:
        return "outside_scope";
    case SCOPE_EXTERNAL:
        return "external";
    case SCOPE_DEPTH:
        return "depth";
    case SCOPE_DISCOVERY_DEPTH:
        return "discovery_depth";
    case SCOPE_FILE_TYPE:
        return "file_type";
    case SCOPE_SCHEME:
        return "scheme";
    }
    return "unknown";
}
