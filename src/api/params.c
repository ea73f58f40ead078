#include "api/params.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/pipeline.h"
#include "api/errmap.h"
#include "html/select.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/url.h"

#define MAX_TAGS       100
#define MAX_HEADERS    64
#define MAX_HEADER_LEN 8192

void params_report_init(params_report_t *rep)
{
    rep->details = json_array();
    buf_init(&rep->warnings, 64 * 1024);
    rep->err = CINDER_OK;
}

void params_report_cleanup(params_report_t *rep)
{
    json_decref(rep->details);
    rep->details = NULL;
    buf_cleanup(&rep->warnings);
}

bool params_failed(const params_report_t *rep)
{
    return rep->err || json_array_size(rep->details) > 0;
}

static json_t *path_of(const char *field)
{
    json_t *path = json_array();
    const char *p = field;
    while (p && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char *end = NULL;
        long idx = strtol(p, &end, 10);
        if (end == p + n && n)
            json_array_append_new(path, json_integer(idx));
        else
            json_array_append_new(path, json_stringn(p, n));
        p = dot ? dot + 1 : NULL;
    }
    return path;
}

void params_issue(params_report_t *rep, const char *code, const char *field, const char *msg)
{
    json_array_append_new(rep->details, json_pack("{s:s, s:o, s:s}", "code", code, "path",
                                                  path_of(field), "message", msg));
}

void params_warn(params_report_t *rep, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (rep->warnings.len && buf_putc(&rep->warnings, ' '))
        return;
    if (buf_puts(&rep->warnings, text))
        return;
}

static const char *type_name(const json_t *v)
{
    if (!v)
        return "undefined";
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

static void type_issue(params_report_t *rep, const char *field, const char *expected,
                       const json_t *v)
{
    char msg[160];
    snprintf(msg, sizeof msg, "Expected %s, received %s", expected, type_name(v));
    json_array_append_new(rep->details,
                          json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", "invalid_type", "expected",
                                    expected, "received", type_name(v), "path", path_of(field),
                                    "message", msg));
}

bool params_bool(json_t *v, const char *field, bool *out, params_report_t *rep)
{
    if (!json_is_boolean(v)) {
        type_issue(rep, field, "boolean", v);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

bool params_int(json_t *v, const char *field, long min, long max, long *out, params_report_t *rep)
{
    double d = json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
    if (!json_is_number(v) || d != (double)(long)d) {
        type_issue(rep, field, json_is_number(v) ? "integer" : "number", v);
        return false;
    }
    if (d < (double)min || d > (double)max) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s must be between %ld and %ld", field, min, max);
        params_issue(rep, d < (double)min ? "too_small" : "too_big", field, msg);
        return false;
    }
    *out = (long)d;
    return true;
}

/* A string array (each <= 4 KiB, at most max items). Returns a heap vector or NULL. */
char **params_strv(json_t *v, const char *field, size_t max, size_t *n, params_report_t *rep)
{
    *n = 0;
    if (!json_is_array(v)) {
        type_issue(rep, field, "array", v);
        return NULL;
    }
    if (json_array_size(v) > max) {
        params_issue(rep, "too_big", field, "too many items");
        return NULL;
    }
    char **out = xcalloc(json_array_size(v) + 1, sizeof *out);
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *s = json_array_get(v, i);
        char f[96];
        snprintf(f, sizeof f, "%s.%zu", field, i);
        if (!json_is_string(s)) {
            type_issue(rep, f, "string", s);
            continue;
        }
        out[(*n)++] = xstrdup(json_string_value(s));
    }
    return out;
}

static void set_selectors(json_t *v, const char *field, char ***dst, size_t *n,
                          params_report_t *rep)
{
    char **sel = params_strv(v, field, MAX_TAGS, n, rep);
    for (size_t i = 0; sel && i < *n; i++) {
        if (select_valid(sel[i]))
            continue;
        char msg[256];
        snprintf(msg, sizeof msg, "Invalid CSS selector: %.200s", sel[i]);
        params_issue(rep, "custom", field, msg);
    }
    *dst = sel;
}

static bool header_ok(const char *name, const char *value)
{
    if (!*name || strlen(name) + strlen(value) > MAX_HEADER_LEN)
        return false;
    for (const char *p = name; *p; p++)
        if (!isgraph((unsigned char)*p) || *p == ':')
            return false;
    return !strpbrk(value, "\r\n");
}

static void set_headers(json_t *v, scrape_opts_t *o, params_report_t *rep)
{
    if (!json_is_object(v)) {
        type_issue(rep, "headers", "object", v);
        return;
    }
    if (json_object_size(v) > MAX_HEADERS) {
        params_issue(rep, "too_big", "headers", "too many headers");
        return;
    }
    const char *k;
    json_t *val;
    json_object_foreach(v, k, val)
    {
        char f[300];
        snprintf(f, sizeof f, "headers.%.250s", k);
        if (!json_is_string(val)) {
            type_issue(rep, f, "string", val);
        } else if (!header_ok(k, json_string_value(val))) {
            params_issue(rep, "custom", f, "invalid header name or value");
        } else {
            scrape_opts_add_header(o, k, json_string_value(val));
        }
    }
}

/* Formats: v1 strings, v2 strings or {type:...} objects. */
static unsigned format_flag(const char *name, int version)
{
    static const struct {
        const char *name;
        unsigned flag;
        int versions; /* bit v set: valid in version v */
    } known[] = {
        {"markdown", PIPE_FMT_MARKDOWN, 6},
        {"html", PIPE_FMT_HTML, 6},
        {"rawHtml", PIPE_FMT_RAW_HTML, 6},
        {"links", PIPE_FMT_LINKS, 6},
        {"images", PIPE_FMT_IMAGES, 4},
        {"screenshot", 0, 6},
        {"screenshot@fullPage", 0, 2},
        {"extract", 0, 2},
        {"json", 0, 6},
        {"summary", 0, 6},
        {"changeTracking", 0, 6},
        {"branding", 0, 4},
        {"attributes", 0, 4},
        {"question", 0, 4},
        {"highlights", 0, 4},
        {"query", 0, 4},
        {"audio", 0, 4},
        {"video", 0, 4},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].name, name) == 0 && (known[i].versions & (1 << version)))
            return known[i].flag ? known[i].flag : 0x80000000u;
    return 0;
}

static void set_formats(json_t *v, int version, scrape_opts_t *o, params_report_t *rep)
{
    if (!json_is_array(v)) {
        type_issue(rep, "formats", "array", v);
        return;
    }
    o->formats = 0;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *it = json_array_get(v, i);
        char f[32];
        snprintf(f, sizeof f, "formats.%zu", i);
        if (version == 2 && json_is_object(it))
            it = json_object_get(it, "type");
        if (!json_is_string(it)) {
            type_issue(rep, f, version == 2 ? "string or {type}" : "string", it);
            continue;
        }
        unsigned flag = format_flag(json_string_value(it), version);
        char msg[256];
        if (!flag) {
            snprintf(msg, sizeof msg, "Invalid format '%.100s'", json_string_value(it));
            params_issue(rep, "invalid_enum_value", f, msg);
        } else if (flag == 0x80000000u) {
            snprintf(msg, sizeof msg,
                     "Format '%.100s' is not supported by cinder (it needs a browser or an "
                     "LLM); supported: markdown, html, rawHtml, links%s",
                     json_string_value(it), version == 2 ? ", images" : "");
            params_issue(rep, "custom", f, msg);
        } else {
            o->formats |= flag;
        }
    }
}

typedef struct {
    long wait_for;
    bool has_timeout, has_wait_for;
} scrape_ctx_t;

/* Keys that shape the content. Returns false when key is not one of them. */
static bool content_key(const char *k, json_t *v, int version, scrape_opts_t *o,
                        params_report_t *rep)
{
    if (strcmp(k, "formats") == 0)
        set_formats(v, version, o, rep);
    else if (strcmp(k, "onlyMainContent") == 0)
        params_bool(v, k, &o->only_main_content, rep);
    else if (strcmp(k, "includeTags") == 0)
        set_selectors(v, k, &o->include_tags, &o->n_include, rep);
    else if (strcmp(k, "excludeTags") == 0)
        set_selectors(v, k, &o->exclude_tags, &o->n_exclude, rep);
    else if (strcmp(k, "removeBase64Images") == 0)
        params_bool(v, k, &o->remove_base64_images, rep);
    else
        return false;
    return true;
}

/* Keys that shape the fetch. */
static bool fetch_key(const char *k, json_t *v, scrape_opts_t *o, scrape_ctx_t *c,
                      params_report_t *rep)
{
    if (strcmp(k, "headers") == 0) {
        set_headers(v, o, rep);
    } else if (strcmp(k, "timeout") == 0) {
        c->has_timeout = params_int(v, k, 1, 3600000, &o->timeout_ms, rep);
    } else if (strcmp(k, "waitFor") == 0) {
        c->has_wait_for = params_int(v, k, 0, 60000, &c->wait_for, rep);
        if (c->has_wait_for && c->wait_for > 0)
            params_warn(rep, "waitFor is ignored: cinder fetches pages without a browser, so "
                             "there is nothing to wait for.");
    } else if (strcmp(k, "skipTlsVerification") == 0) {
        params_bool(v, k, &o->skip_tls_verify, rep);
    } else if (strcmp(k, "zeroDataRetention") == 0) {
        params_bool(v, k, &o->zero_data_retention, rep);
    } else {
        return false;
    }
    return true;
}

static void check_proxy(json_t *v, int version, params_report_t *rep)
{
    const char *p = json_string_value(v);
    if (!p) {
        type_issue(rep, "proxy", "string", v);
        return;
    }
    bool ok = !strcmp(p, "basic") || !strcmp(p, "stealth") || !strcmp(p, "auto") ||
              (version == 2 && !strcmp(p, "enhanced"));
    if (!ok)
        params_issue(rep, "invalid_enum_value", "proxy", "Invalid proxy mode");
    else if (strcmp(p, "basic") != 0 && strcmp(p, "auto") != 0)
        params_warn(rep,
                    "proxy '%s' is not available: cinder fetched with a basic (direct) "
                    "connection.",
                    p);
}

/* Keys that are accepted; some produce a warning because cinder cannot honour them. */
static bool accepted_key(const char *k, json_t *v, int version, params_report_t *rep)
{
    bool b = false;
    long n = 0;
    if (!strcmp(k, "origin") || !strcmp(k, "integration")) {
        if (!json_is_string(v) && !json_is_null(v))
            type_issue(rep, k, "string", v);
    } else if (!strcmp(k, "mobile")) {
        if (params_bool(v, k, &b, rep) && b)
            params_warn(rep, "mobile emulation is not available: the page was fetched with the "
                             "default user agent.");
    } else if (!strcmp(k, "fastMode") || !strcmp(k, "blockAds") || !strcmp(k, "storeInCache") ||
               (version == 1 && !strcmp(k, "parsePDF"))) {
        params_bool(v, k, &b, rep);
    } else if (!strcmp(k, "maxAge") || !strcmp(k, "minAge")) {
        params_int(v, k, 0, 0x7fffffffL, &n, rep);
    } else if (!strcmp(k, "proxy")) {
        check_proxy(v, version, rep);
    } else if (!strcmp(k, "location") || (version == 1 && !strcmp(k, "geolocation"))) {
        if (!json_is_object(v))
            type_issue(rep, k, "object", v);
        else
            params_warn(rep, "location is ignored: cinder fetches from its own network location.");
    } else if (version == 2 && !strcmp(k, "parsers")) {
        if (!json_is_array(v))
            type_issue(rep, k, "array", v);
    } else {
        return false;
    }
    return true;
}

/* Keys that ask for something cinder cannot do: a clear 400. */
static bool refused_key(const char *k, json_t *v, int version, params_report_t *rep)
{
    static const char *const llm_v1[] = {"extract", "jsonOptions", "changeTrackingOptions", "agent",
                                         NULL};
    if (!strcmp(k, "actions")) {
        if (!json_is_array(v))
            type_issue(rep, k, "array", v);
        else if (json_array_size(v) > 0)
            rep->err = CINDER_E_ACTIONS_UNSUPPORTED;
        return true;
    }
    for (int i = 0; version == 1 && llm_v1[i]; i++) {
        if (strcmp(k, llm_v1[i]) != 0)
            continue;
        char msg[200];
        snprintf(msg, sizeof msg, "%s needs an LLM or a browser, which cinder does not have", k);
        params_issue(rep, "custom", k, msg);
        return true;
    }
    return false;
}

static bool listed(const char *k, const char *const *keys)
{
    for (int i = 0; keys && keys[i]; i++)
        if (strcmp(k, keys[i]) == 0)
            return true;
    return false;
}

void params_scrape(json_t *body, int version, const char *const *extra_keys, scrape_opts_t *o,
                   params_report_t *rep)
{
    scrape_ctx_t c = {0};
    buf_t unknown;
    buf_init(&unknown, 4096);
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (!strcmp(k, "url") || listed(k, extra_keys) || content_key(k, v, version, o, rep) ||
            fetch_key(k, v, o, &c, rep) || accepted_key(k, v, version, rep) ||
            refused_key(k, v, version, rep))
            continue;
        if ((unknown.len && buf_puts(&unknown, ", ")) || buf_puts(&unknown, k))
            break;
    }
    if (c.has_timeout && c.has_wait_for && c.wait_for > o->timeout_ms / 2)
        params_issue(rep, "custom", "waitFor", "waitFor must not exceed half of timeout");
    if (unknown.len)
        params_warn(rep, "Unrecognized keys in body were ignored: %s.", buf_str(&unknown));
    buf_cleanup(&unknown);
}

static bool host_has_tld(const char *host)
{
    const char *dot = strrchr(host, '.');
    if (!dot)
        return false;
    if (strncasecmp(dot + 1, "xn--", 4) == 0)
        return true;
    size_t n = 0;
    for (const char *p = dot + 1; *p; p++, n++)
        if (!isalnum((unsigned char)*p))
            return false;
    return n >= 2;
}

static bool host_is_ip(const char *host)
{
    if (host[0] == '[')
        return true;
    for (const char *p = host; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return false;
    return true;
}

char *params_url(json_t *v, const char *field, bool allow_private, params_report_t *rep)
{
    if (!json_is_string(v)) {
        if (!v)
            params_issue(rep, "invalid_type", field, "Required");
        else
            type_issue(rep, field, "string", v);
        return NULL;
    }
    const char *s = json_string_value(v);
    char *with_scheme = NULL;
    if (!strstr(s, "://")) {
        size_t n = strlen(s) + 8;
        with_scheme = xmalloc(n);
        snprintf(with_scheme, n, "http://%s", s);
        s = with_scheme;
    }
    char *host = NULL;
    char *url = strlen(s) <= 8192 ? url_normalize_http(s, &host) : NULL;
    if (!url) {
        bool http = !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
        params_issue(rep, "custom", field, http ? "Invalid URL" : "URL uses unsupported protocol");
    } else if (!allow_private && !host_is_ip(host) && !host_has_tld(host)) {
        params_issue(rep, "custom", field,
                     "URL must have a valid top-level domain or be a valid path");
        free(url);
        url = NULL;
    }
    free(host);
    free(with_scheme);
    return url;
}

void params_v0_page_options(json_t *po, scrape_opts_t *o, bool *include_links, params_report_t *rep)
{
    bool b;
    *include_links = false;
    o->only_main_content = false; /* the v0 default */
    if (!po)
        return;
    if (!json_is_object(po)) {
        type_issue(rep, "pageOptions", "object", po);
        return;
    }
    json_t *v;
    if ((v = json_object_get(po, "onlyMainContent")))
        params_bool(v, "pageOptions.onlyMainContent", &o->only_main_content, rep);
    if ((v = json_object_get(po, "includeHtml")) &&
        params_bool(v, "pageOptions.includeHtml", &b, rep) && b)
        o->formats |= PIPE_FMT_HTML;
    if ((v = json_object_get(po, "includeRawHtml")) &&
        params_bool(v, "pageOptions.includeRawHtml", &b, rep) && b)
        o->formats |= PIPE_FMT_RAW_HTML;
    if ((v = json_object_get(po, "includeLinks")) &&
        params_bool(v, "pageOptions.includeLinks", &b, rep) && b)
        *include_links = true;
    if ((v = json_object_get(po, "onlyIncludeTags")))
        set_selectors(v, "pageOptions.onlyIncludeTags", &o->include_tags, &o->n_include, rep);
    if ((v = json_object_get(po, "removeTags")))
        set_selectors(v, "pageOptions.removeTags", &o->exclude_tags, &o->n_exclude, rep);
    if ((v = json_object_get(po, "headers")))
        set_headers(v, o, rep);
    if ((v = json_object_get(po, "removeBase64Images")))
        params_bool(v, "pageOptions.removeBase64Images", &o->remove_base64_images, rep);
    if ((v = json_object_get(po, "screenshot")) && json_is_true(v))
        params_issue(rep, "custom", "pageOptions.screenshot",
                     "screenshots need a browser, which cinder does not have");
}

/* The human sentences of the first issues, joined ("url: Invalid URL; timeout: ..."), as
 * Firecrawl puts its validation message in `error`. */
static void issues_sentence(const params_report_t *rep, buf_t *out)
{
    size_t n = json_array_size(rep->details);
    for (size_t i = 0; i < n && i < 3; i++) {
        const char *msg =
            json_string_value(json_object_get(json_array_get(rep->details, i), "message"));
        if (msg && (out->len ? buf_puts(out, "; ") || buf_puts(out, msg) : buf_puts(out, msg)))
            break;
    }
    cinder_err rc = CINDER_OK; /* the buffer's cap is never reached: a few sentences */
    if (n > 3)
        rc = buf_printf(out, " (and %zu more: see details)", n - 3);
    if (!rc && !out->len)
        rc = buf_puts(out, "Bad Request");
}

json_t *params_error_body(const params_report_t *rep)
{
    if (rep->err && !json_array_size(rep->details)) {
        const errmap_entry_t *m = errmap_get(rep->err);
        return json_pack("{s:b, s:s, s:s}", "success", 0, "code", m->code ? m->code : "BAD_REQUEST",
                         "error", m->message);
    }
    buf_t sentence;
    buf_init(&sentence, 4096);
    issues_sentence(rep, &sentence);
    json_t *out = json_pack("{s:b, s:s, s:s%, s:O}", "success", 0, "code", "BAD_REQUEST", "error",
                            buf_str(&sentence), sentence.len, "details", rep->details);
    buf_cleanup(&sentence);
    return out;
}
