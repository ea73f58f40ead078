#include "util/url.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "util/buf.h"
#include "util/mem.h"

static bool is_url_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Copies ref without leading/trailing whitespace and without inner tabs/newlines
 * (the URL standard strips them). Caller frees. */
static char *clean_ref(const char *ref, size_t len)
{
    while (len && is_url_space(*ref)) {
        ref++;
        len--;
    }
    while (len && is_url_space(ref[len - 1]))
        len--;
    char *out = xmalloc(len + 1);
    size_t j = 0;
    for (size_t i = 0; i < len; i++)
        if (ref[i] != '\t' && ref[i] != '\n' && ref[i] != '\r')
            out[j++] = ref[i];
    out[j] = '\0';
    return out;
}

bool url_has_scheme(const char *s, size_t len)
{
    if (!len || !isalpha((unsigned char)s[0]))
        return false;
    for (size_t i = 1; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ':')
            return true;
        if (!isalnum(c) && c != '+' && c != '-' && c != '.')
            return false;
    }
    return false;
}

bool url_is_fragment_only(const char *ref, size_t len)
{
    while (len && is_url_space(*ref)) {
        ref++;
        len--;
    }
    return len && ref[0] == '#';
}

static bool is_http_scheme(const char *s)
{
    return strncasecmp(s, "http:", 5) == 0 || strncasecmp(s, "https:", 6) == 0;
}

/* Lower-cases the host in place (libcurl keeps the case it was given). */
static void curlu_lower_host(CURLU *u)
{
    char *host = NULL;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        return;
    bool upper = false;
    for (char *p = host; *p; p++)
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
            upper = true;
        }
    if (upper)
        curl_url_set(u, CURLUPART_HOST, host, 0);
    curl_free(host);
}

static char *curlu_get_url(CURLU *u)
{
    char *s = NULL;
    curlu_lower_host(u);
    if (curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK)
        return NULL;
    char *out = xstrdup(s);
    curl_free(s);
    return out;
}

char *url_resolve(const char *base, const char *ref, size_t len)
{
    char *clean = clean_ref(ref, len);
    char *out = NULL;
    CURLU *u = NULL;
    size_t n = strlen(clean);
    if (!n || strncasecmp(clean, "javascript:", 11) == 0)
        goto out;
    if (url_has_scheme(clean, n) && !is_http_scheme(clean)) {
        out = clean;
        clean = NULL;
        goto out;
    }
    u = curl_url();
    if (!u)
        goto out;
    if (base && curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
        goto out;
    if (curl_url_set(u, CURLUPART_URL, clean, CURLU_URLENCODE) != CURLUE_OK)
        goto out;
    out = curlu_get_url(u);
out:
    curl_url_cleanup(u);
    free(clean);
    return out;
}

char *url_normalize_http(const char *s, char **host_out)
{
    char *out = NULL, *host = NULL, *scheme = NULL;
    CURLU *u = curl_url();
    if (host_out)
        *host_out = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, s, CURLU_URLENCODE) != CURLUE_OK)
        goto out;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        goto out;
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
        goto out;
    out = curlu_get_url(u);
    if (!out || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
        free(out);
        out = NULL;
        goto out;
    }
    if (out && host_out)
        *host_out = xstrdup(host);
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return out;
}
