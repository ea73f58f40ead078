#include "dialect/firecrawl/webhook.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "fetch/guard.h"
#include "util/mem.h"
#include "util/url.h"

#define MAX_URL          2048
#define MAX_HEADERS      32
#define MAX_HEADER_VALUE 4096
#define MAX_METADATA     16384

/* Headers cinder sets itself (or that would break the request). */
static const char *const reserved[] = {
    "content-type", "content-length",        "host", "transfer-encoding", "connection",
    "expect",       "x-firecrawl-signature", NULL};

/* Resolves host; false with a message in why when it cannot be resolved or one of its addresses
 * is not public. */
static bool host_public(const char *host, char *why, size_t len)
{
    char name[256];
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
        snprintf(name, sizeof name, "%.*s", (int)(n - 2), host + 1);
    else
        snprintf(name, sizeof name, "%s", host);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL, *ai;
    if (getaddrinfo(name, NULL, &hints, &res) != 0) {
        snprintf(why, len, "the receiver's host %s could not be resolved", name);
        return false;
    }
    bool ok = true;
    for (ai = res; ai && ok; ai = ai->ai_next) {
        if (guard_addr_allowed(ai->ai_addr))
            continue;
        char addr[INET6_ADDRSTRLEN];
        guard_format_addr(ai->ai_addr, addr, sizeof addr);
        snprintf(why, len,
                 "the receiver %s resolves to %s, a private, loopback or link-local address; "
                 "such receivers need a server started with --allow-private",
                 name, addr);
        ok = false;
    }
    freeaddrinfo(res);
    return ok;
}

static void parse_url(json_t *v, bool allow_private, webhook_cfg_t *w, const char *field,
                      params_report_t *rep)
{
    const char *s = json_string_value(v);
    if (!s || strlen(s) > MAX_URL ||
        (strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0)) {
        params_issue(rep, "custom", field, "webhook URL must be an http or https URL");
        return;
    }
    char *host = NULL, why[512];
    char *url = url_normalize_http(s, &host);
    if (!url)
        params_issue(rep, "custom", field, "Invalid webhook URL");
    else if (!allow_private && !host_public(host, why, sizeof why))
        params_issue(rep, "custom", field, why);
    else
        w->url = xstrdup(url);
    free(url);
    free(host);
}

static bool is_token(const char *s)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    size_t n = strlen(s);
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(extra, *p)))
            return false;
    return n > 0 && n <= 128;
}

static bool is_reserved(const char *name)
{
    for (int i = 0; reserved[i]; i++)
        if (!strcasecmp(name, reserved[i]))
            return true;
    return false;
}

/* The problem with one header, or NULL. */
static const char *header_problem(const char *name, json_t *v)
{
    if (!is_token(name))
        return "header names must be HTTP tokens";
    if (is_reserved(name))
        return "this header is set by cinder and cannot be overridden";
    if (!json_is_string(v))
        return "header values must be strings";
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n != strlen(s) || strpbrk(s, "\r\n") || n > MAX_HEADER_VALUE)
        return "header values must be single lines of at most 4096 bytes";
    return NULL;
}

static void parse_headers(json_t *v, webhook_cfg_t *w, params_report_t *rep)
{
    if (!json_is_object(v) || json_object_size(v) > MAX_HEADERS) {
        params_issue(rep, "invalid_type", "webhook.headers",
                     "webhook headers must be an object of at most 32 string values");
        return;
    }
    const char *k;
    json_t *h;
    json_object_foreach(v, k, h)
    {
        const char *why = header_problem(k, h);
        if (why) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s (%.64s)", why, k);
            params_issue(rep, "custom", "webhook.headers", msg);
            return;
        }
    }
    w->headers = json_incref(v);
}

static void parse_metadata(json_t *v, webhook_cfg_t *w, params_report_t *rep)
{
    if (!json_is_object(v) || json_dumpb(v, NULL, 0, JSON_COMPACT) > MAX_METADATA) {
        params_issue(rep, "invalid_type", "webhook.metadata",
                     "webhook metadata must be an object of at most 16 KiB of JSON");
        return;
    }
    w->metadata = json_incref(v);
}

static void parse_events(json_t *v, webhook_cfg_t *w, params_report_t *rep)
{
    w->events = 0;
    if (!json_is_array(v)) {
        params_issue(rep, "invalid_type", "webhook.events", "webhook events must be an array");
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        unsigned bit = webhook_event_bit(json_string_value(e));
        if (!bit) {
            params_issue(rep, "invalid_enum_value", "webhook.events",
                         "webhook events are started, page, completed, failed and cancelled");
            return;
        }
        w->events |= bit;
    }
}

void fc_webhook_parse(json_t *v, bool allow_private, webhook_cfg_t *w, params_report_t *rep)
{
    w->events = WEBHOOK_ALL;
    if (json_is_string(v)) {
        parse_url(v, allow_private, w, "webhook", rep);
        return;
    }
    if (!json_is_object(v)) {
        params_issue(rep, "invalid_type", "webhook",
                     "webhook must be a URL or an object {url, headers, metadata, events}");
        return;
    }
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x)
    {
        if (!strcmp(k, "url"))
            parse_url(x, allow_private, w, "webhook.url", rep);
        else if (!strcmp(k, "headers"))
            parse_headers(x, w, rep);
        else if (!strcmp(k, "metadata"))
            parse_metadata(x, w, rep);
        else if (!strcmp(k, "events"))
            parse_events(x, w, rep);
        else
            params_warn(rep, "Unrecognized webhook key ignored: %s.", k);
    }
    if (!json_object_get(v, "url"))
        params_issue(rep, "invalid_type", "webhook.url", "Required");
}
