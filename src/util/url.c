#include "util/url.h"

#include <ctype.h>
#include <stdint.h>
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

/* The pre-checks of url_resolve on a cleaned ref: NULL and *done for an empty or javascript:
 * ref, the ref itself (taken) and *done for a non-http scheme. */
static char *pre_resolve(char **clean, bool *done)
{
    size_t n = strlen(*clean);
    *done = true;
    if (!n || strncasecmp(*clean, "javascript:", 11) == 0)
        return NULL;
    if (url_has_scheme(*clean, n) && !is_http_scheme(*clean)) {
        char *out = *clean;
        *clean = NULL;
        return out;
    }
    *done = false;
    return NULL;
}

/* Sets clean on u (which holds the base, if any) and returns the resulting URL. */
static char *resolve_on(CURLU *u, const char *clean)
{
    if (!u || curl_url_set(u, CURLUPART_URL, clean, CURLU_URLENCODE) != CURLUE_OK)
        return NULL;
    return curlu_get_url(u);
}

char *url_resolve(const char *base, const char *ref, size_t len)
{
    char *clean = clean_ref(ref, len);
    bool done;
    char *out = pre_resolve(&clean, &done);
    if (!done) {
        CURLU *u = curl_url();
        if (u && (!base || curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK))
            out = resolve_on(u, clean);
        curl_url_cleanup(u);
    }
    free(clean);
    return out;
}

/* ---- resolver ---------------------------------------------------------------------------- */

/* One remembered resolution: a page repeats its references (navigation, the same link in the
 * links list and in the markdown). */
#define MEMO_SLOTS 128
#define MEMO_REF   200 /* longer references are resolved each time */

typedef struct {
    uint8_t len; /* of ref; 0: empty */
    char ref[MEMO_REF];
    char *abs; /* heap; NULL when the reference did not resolve */
} memo_t;

struct url_resolver {
    memo_t *memo; /* MEMO_SLOTS entries, allocated on first use */
    char *base;
    CURLU *base_u;  /* the parsed base (NULL: not parsed yet, or base is NULL) */
    bool base_bad;  /* base given but not parseable: http refs do not resolve */
    bool fast_init; /* origin and dir computed */
    char *origin;   /* "https://host" of base, or NULL (no fast path) */
    char *dir;      /* base up to its last '/', or NULL */
};

url_resolver_t *url_resolver_new(const char *base)
{
    url_resolver_t *r = xcalloc(1, sizeof *r);
    r->base = base ? xstrdup(base) : NULL;
    return r;
}

void url_resolver_free(url_resolver_t *r)
{
    if (!r)
        return;
    for (int i = 0; r->memo && i < MEMO_SLOTS; i++)
        free(r->memo[i].abs);
    free(r->memo);
    curl_url_cleanup(r->base_u);
    free(r->base);
    free(r->origin);
    free(r->dir);
    free(r);
}

static bool is_lower_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A reference url_resolve would return unchanged once joined: printable ASCII without
 * characters it percent-encodes, no dot segments, no empty query or fragment. */
static bool ref_clean(const char *s, size_t n)
{
    static const bool unclean[256] = {
        [0 ... 0x20] = true, [0x7f ... 0xff] = true, ['\\'] = true, ['"'] = true,
        ['<'] = true,        ['>'] = true,           ['`'] = true,  ['{'] = true,
        ['}'] = true,        ['|'] = true,           ['^'] = true,  ['%'] = true,
    };
    for (size_t j = 0; j < n; j++) {
        unsigned char c = (unsigned char)s[j];
        char next = j + 1 < n ? s[j + 1] : '\0';
        if (unclean[c])
            return false;
        if (c == '.' && (j == 0 || s[j - 1] == '/') && (!next || strchr("/?#.", next)))
            return false;
    }
    return n && s[n - 1] != '?' && s[n - 1] != '#' && !memmem(s, n, "?#", 2);
}

/* Length of "http://" or "https://" at s (lower case only), else 0. */
static size_t http_prefix(const char *s, size_t n)
{
    if (n > 8 && memcmp(s, "https://", 8) == 0)
        return 8;
    return n > 7 && memcmp(s, "http://", 7) == 0 ? 7 : 0;
}

/* "http(s)://host/..." with a lower-case host and no port or user: already normalised. */
static bool normal_abs(const char *s, size_t n)
{
    size_t i = http_prefix(s, n), h = i;
    while (i && i < n && (is_lower_alnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '-'))
        i++;
    return i > h && i < n && s[i] == '/';
}

/* Splits the base's normalised directory ("https://host:port/a/b/") into r->dir and r->origin
 * ("https://host:port"); both stay NULL (no fast path) when the base is not such a URL. */
static void base_parts(url_resolver_t *r)
{
    char *d = r->base ? url_resolve(r->base, ".", 1) : NULL;
    size_t n = d ? strlen(d) : 0, p = d ? http_prefix(d, n) : 0;
    const char *slash = p ? memchr(d + p, '/', n - p) : NULL;
    if (!slash || d[n - 1] != '/') {
        free(d);
        return;
    }
    r->dir = d;
    r->origin = xstrndup(d, (size_t)(slash - d));
}

/* Joins the leading "./" and "../" segments of *ref onto the directory: returns the length of
 * the directory prefix to keep (never above the origin's "/") and advances *ref past them. */
static size_t pop_dots(const url_resolver_t *r, const char **ref, size_t *len)
{
    size_t keep = strlen(r->dir), root = strlen(r->origin) + 1;
    for (;;) {
        if (*len >= 2 && memcmp(*ref, "./", 2) == 0) {
            *ref += 2;
            *len -= 2;
        } else if (*len >= 3 && memcmp(*ref, "../", 3) == 0) {
            *ref += 3;
            *len -= 3;
            if (keep > root) /* drop the last segment: "…/b/" → "…/" */
                for (keep--; keep > root && r->dir[keep - 1] != '/'; keep--)
                    ;
        } else {
            return keep;
        }
    }
}

static char *join(const char *a, size_t alen, const char *b, size_t blen)
{
    char *r = xmalloc(alen + blen + 1);
    memcpy(r, a, alen);
    memcpy(r + alen, b, blen);
    r[alen + blen] = '\0';
    return r;
}

/* The common cases without libcurl (a measured 2x on real pages): clean absolute URLs,
 * root-relative and plain relative paths. ref is trimmed. NULL when libcurl is needed. */
static char *resolve_fast(url_resolver_t *r, const char *ref, size_t len)
{
    if (!r->fast_init) {
        r->fast_init = true;
        base_parts(r);
    }
    if (!r->origin)
        return NULL;
    if (ref_clean(ref, len) && normal_abs(ref, len))
        return xstrndup(ref, len);
    if (ref_clean(ref, len) && ref[0] == '/' && len > 1 && ref[1] != '/')
        return join(r->origin, strlen(r->origin), ref, len);
    size_t keep = pop_dots(r, &ref, &len);
    if (len == 0)
        return join(r->dir, keep, "", 0);
    if (!ref_clean(ref, len))
        return NULL;
    size_t k = 0;
    while (k < len && ref[k] != ':' && ref[k] != '/' && ref[k] != '?' && ref[k] != '#' && ref[k])
        k++;
    unsigned char c0 = (unsigned char)ref[0];
    if ((isalnum(c0) || c0 == '_' || c0 == '-') && (k >= len || ref[k] != ':'))
        return join(r->dir, keep, ref, len);
    return NULL;
}

/* url_resolve with the base parsed once (each use works on a copy of it). */
static char *resolve_slow(url_resolver_t *r, const char *ref, size_t len)
{
    char *clean = clean_ref(ref, len);
    bool done;
    char *out = pre_resolve(&clean, &done);
    if (!done && r->base && !r->base_u && !r->base_bad) {
        r->base_u = curl_url();
        r->base_bad = !r->base_u || curl_url_set(r->base_u, CURLUPART_URL, r->base, 0) != CURLUE_OK;
    }
    if (!done && !r->base_bad) {
        CURLU *u = r->base_u ? curl_url_dup(r->base_u) : curl_url();
        out = resolve_on(u, clean);
        curl_url_cleanup(u);
    }
    free(clean);
    return out;
}

static char *resolve_uncached(url_resolver_t *r, const char *ref, size_t len)
{
    const char *t = ref;
    size_t n = len;
    while (n && is_url_space(*t)) {
        t++;
        n--;
    }
    while (n && is_url_space(t[n - 1]))
        n--;
    char *out =
        n && !(n >= 11 && strncasecmp(t, "javascript:", 11) == 0) ? resolve_fast(r, t, n) : NULL;
    return out ? out : resolve_slow(r, ref, len);
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

/* The memo slot of ref (FNV-1a of its bytes). */
static memo_t *memo_slot(url_resolver_t *r, const char *ref, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)ref[i]) * 16777619u;
    if (!r->memo)
        r->memo = xcalloc(MEMO_SLOTS, sizeof *r->memo);
    return &r->memo[h % MEMO_SLOTS];
}

char *url_resolver_resolve(url_resolver_t *r, const char *ref, size_t len)
{
    if (len == 0 || len > MEMO_REF)
        return resolve_uncached(r, ref, len);
    memo_t *m = memo_slot(r, ref, len);
    if (m->len == len && memcmp(m->ref, ref, len) == 0)
        return m->abs ? xstrdup(m->abs) : NULL;
    char *abs = resolve_uncached(r, ref, len);
    free(m->abs);
    m->len = (uint8_t)len;
    memcpy(m->ref, ref, len);
    m->abs = abs ? xstrdup(abs) : NULL;
    return abs;
}
