#include "crawl/urlkey.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/url.h"

/*
 * Output is produced in one pass: the buffer is reserved for the worst case
 * (every input byte becoming a three-byte escape) and written through a plain
 * pointer, so no per-byte capacity checks are needed.
 */

static const char HEX[] = "0123456789ABCDEF";

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_unreserved(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Bytes that are never written literally in a normalised path or query. */
static bool needs_escape(unsigned char c)
{
    if (c <= 0x20 || c >= 0x7f)
        return true;
    return c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' ||
           c == '|' || c == '}';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char *put_escape(char *w, unsigned char c)
{
    *w++ = '%';
    *w++ = HEX[c >> 4];
    *w++ = HEX[c & 15];
    return w;
}

/* Normalises the byte or escape at s[i] (s has n bytes) into *w; returns the
 * number of input bytes consumed. */
static size_t norm_byte(const char *s, size_t n, size_t i, char **w)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '%' && i + 2 < n) {
        int hi = url_hex_digit((unsigned char)s[i + 1]);
        int lo = url_hex_digit((unsigned char)s[i + 2]);
        if (hi >= 0 && lo >= 0) {
            unsigned char v = (unsigned char)(hi * 16 + lo);
            if (is_unreserved(v))
                *(*w)++ = (char)v;
            else
                *w = put_escape(*w, v);
            return 3;
        }
    }
    if (c == '%' || needs_escape(c))
        *w = put_escape(*w, c);
    else
        *(*w)++ = (char)c;
    return 1;
}

static bool valid_host_char(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == '.' || c == '_' || c >= 0x80;
}

static bool valid_ip6_char(unsigned char c)
{
    return url_hex_digit(c) >= 0 || c == ':' || c == '.';
}

/* Validates host[0..n): a hostname (no leading dot, no empty label) or a
 * bracketed IPv6 literal. */
static bool valid_host(const char *h, size_t n)
{
    if (n == 0 || n > 255)
        return false;
    if (h[0] == '[') {
        if (n < 3 || h[n - 1] != ']')
            return false;
        for (size_t i = 1; i + 1 < n; i++)
            if (!valid_ip6_char((unsigned char)h[i]))
                return false;
        return true;
    }
    if (h[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!valid_host_char((unsigned char)h[i]))
            return false;
        if (h[i] == '.' && i + 1 < n && h[i + 1] == '.')
            return false;
    }
    return true;
}

/* Parses the port digits; returns -1 when they are not a port number. */
static long parse_port(const char *s, size_t n)
{
    long v = 0;
    if (n > 5)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= 65535 ? v : -1;
}

/* Splits the authority [s, e) into host and port. */
static cinder_err split_authority(const char *s, const char *e, urlkey_parts_t *p)
{
    for (const char *q = s; q < e; q++)
        if (*q == '@')
            s = q + 1;
    const char *colon = NULL;
    if (s < e && *s == '[') {
        const char *rb = memchr(s, ']', (size_t)(e - s));
        if (!rb || (rb + 1 < e && rb[1] != ':'))
            return CINDER_E_URL_INVALID;
        colon = rb + 1 < e ? rb + 1 : NULL;
    } else {
        colon = memchr(s, ':', (size_t)(e - s));
    }
    const char *hend = colon ? colon : e;
    p->host = s;
    p->host_len = (size_t)(hend - s);
    if (colon) {
        p->port = colon + 1;
        p->port_len = (size_t)(e - p->port);
    }
    if (!valid_host(p->host, p->host_len) || parse_port(p->port, p->port_len) < 0)
        return CINDER_E_URL_INVALID;
    return CINDER_OK;
}

cinder_err urlkey_split(const char *url, urlkey_parts_t *p)
{
    memset(p, 0, sizeof(*p));
    if (!url || strnlen(url, URLKEY_MAX_LEN + 1) > URLKEY_MAX_LEN)
        return CINDER_E_URL_INVALID;
    const char *s;
    if (strncasecmp(url, "http://", 7) == 0) {
        s = url + 7;
    } else if (strncasecmp(url, "https://", 8) == 0) {
        s = url + 8;
        p->https = true;
    } else {
        return CINDER_E_URL_INVALID;
    }
    const char *e = s + strcspn(s, "/?#");
    cinder_err err = split_authority(s, e, p);
    if (err != CINDER_OK)
        return err;
    p->path = e;
    p->path_len = strcspn(e, "?#");
    if (e[p->path_len] == '?') {
        p->has_query = true;
        p->query = e + p->path_len + 1;
        p->query_len = strcspn(p->query, "#");
    }
    return CINDER_OK;
}

static char *put_lower(char *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *w++ = lower(s[i]);
    return w;
}

static char *emit_host(char *w, const urlkey_parts_t *p, bool strip_www)
{
    const char *h = p->host;
    size_t n = p->host_len;
    if (n > 1 && h[n - 1] == '.')
        n--;
    if (strip_www && n > 4 && strncasecmp(h, "www.", 4) == 0 && memchr(h + 4, '.', n - 4)) {
        h += 4;
        n -= 4;
    }
    w = put_lower(w, h, n);
    long port = p->port_len ? parse_port(p->port, p->port_len) : -1;
    if (port >= 0 && port != (p->https ? 443 : 80)) {
        char tmp[8];
        int len = 0;
        do {
            tmp[len++] = (char)('0' + port % 10);
            port /= 10;
        } while (port);
        *w++ = ':';
        while (len)
            *w++ = tmp[--len];
    }
    return w;
}

static bool seg_is(const char *seg, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - seg) == n && memcmp(seg, lit, n) == 0;
}

/* Removes the segment before seg (seg follows a '/'), returning the new write
 * position; at the root nothing is removed. */
static char *pop_segment(char *base, char *seg)
{
    char *q = seg - 1;
    if (q == base)
        return seg;
    while (q > base && q[-1] != '/')
        q--;
    return q;
}

/* Writes the normalised path (always starting with '/') with dot segments
 * resolved. */
static char *emit_path(char *w, const char *p, size_t n)
{
    char *base = w;
    size_t i = (n && p[0] == '/') ? 1 : 0;
    *w++ = '/';
    for (;;) {
        char *seg = w;
        while (i < n && p[i] != '/')
            i += norm_byte(p, n, i, &w);
        bool removed = true;
        if (seg_is(seg, w, "."))
            w = seg;
        else if (seg_is(seg, w, ".."))
            w = pop_segment(base, seg);
        else
            removed = false;
        if (i >= n)
            return w;
        i++;
        if (!removed)
            *w++ = '/';
    }
}

static bool ends_with(const char *start, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - start) >= n && memcmp(end - n, lit, n) == 0;
}

/* Merges "/a/index.html", "/a/index.php" and "/a/" into "/a". */
static char *merge_index(char *base, char *w)
{
    if (ends_with(base, w, "/index.html"))
        w -= strlen("index.html");
    else if (ends_with(base, w, "/index.php"))
        w -= strlen("index.php");
    if (w - base > 1 && w[-1] == '/')
        w--;
    return w;
}

static bool is_tracking_param(const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n);
    size_t name = eq ? (size_t)(eq - s) : n;
    if (name >= 4 && strncasecmp(s, "utm_", 4) == 0)
        return true;
    return (name == 6 && strncasecmp(s, "fbclid", 6) == 0) ||
           (name == 5 && strncasecmp(s, "gclid", 5) == 0);
}

/* Writes "?query" with parameters normalised (tracking ones dropped when
 * asked); writes nothing when no byte of query would remain. */
static char *emit_query(char *w, const char *q, size_t n, bool drop_tracking)
{
    char *start = w;
    bool first = true;
    *w++ = '?';
    for (size_t i = 0; i <= n;) {
        const char *amp = memchr(q + i, '&', n - i);
        size_t j = amp ? (size_t)(amp - q) : n;
        if (!drop_tracking || !is_tracking_param(q + i, j - i)) {
            if (!first)
                *w++ = '&';
            first = false;
            for (size_t k = i; k < j;)
                k += norm_byte(q + i, j - i, k - i, &w);
        }
        i = j + 1;
    }
    return w == start + 1 ? start : w;
}

typedef enum { MODE_NORMALIZE, MODE_KEY } emit_mode;

static cinder_err emit(const char *url, const urlkey_opts_t *o, emit_mode mode, buf_t *out)
{
    urlkey_parts_t p;
    buf_reset(out);
    cinder_err err = urlkey_split(url, &p);
    if (err != CINDER_OK)
        return err;
    err = buf_reserve(out, 3 * (p.path_len + p.query_len) + p.host_len + 32);
    if (err != CINDER_OK)
        return err;
    bool similar = mode == MODE_KEY && o->dedupe_similar;
    char *w = out->data + out->len;
    if (!similar) {
        const char *scheme = p.https ? "https://" : "http://";
        memcpy(w, scheme, strlen(scheme));
        w += strlen(scheme);
    }
    w = emit_host(w, &p, similar);
    char *path = w;
    w = emit_path(w, p.path, p.path_len);
    if (mode == MODE_KEY)
        w = merge_index(path, w);
    if (p.has_query && !(mode == MODE_KEY && o->ignore_query))
        w = emit_query(w, p.query, p.query_len, mode == MODE_KEY);
    *w = '\0';
    out->len = (size_t)(w - out->data);
    return CINDER_OK;
}

cinder_err urlkey_make(const char *url, const urlkey_opts_t *o, buf_t *out)
{
    static const urlkey_opts_t defaults = {.dedupe_similar = true, .ignore_query = false};
    return emit(url, o ? o : &defaults, MODE_KEY, out);
}

cinder_err urlkey_normalize(const char *url, buf_t *out)
{
    return emit(url, NULL, MODE_NORMALIZE, out);
}

/* Counts non-empty segments of a path without dot segments or escapes of
 * unreserved characters; a final index.html/index.php is not counted. */
static int count_segments(const char *p, size_t n)
{
    int depth = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && p[i] == '/')
            i++;
        size_t start = i;
        while (i < n && p[i] != '/')
            i++;
        if (i == start)
            break;
        bool final = i == n;
        if (final &&
            (seg_is(p + start, p + i, "index.html") || seg_is(p + start, p + i, "index.php")))
            break;
        depth++;
    }
    return depth;
}

int urlkey_depth(const char *url)
{
    urlkey_parts_t p;
    if (urlkey_split(url, &p) != CINDER_OK)
        return -1;
    if (!memchr(p.path, '.', p.path_len) && !memchr(p.path, '%', p.path_len))
        return count_segments(p.path, p.path_len);
    char *tmp = xmalloc(3 * p.path_len + 2);
    char *end = emit_path(tmp, p.path, p.path_len);
    int depth = count_segments(tmp, (size_t)(end - tmp));
    free(tmp);
    return depth;
}
