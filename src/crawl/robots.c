/*
 * robots.txt parsing and matching (RFC 9309).
 *
 * Parsing: the body is cut into lines (CR, LF or CRLF); a line is
 * "key: value" after dropping a '#' comment and surrounding whitespace. A group
 * is one or more consecutive user-agent lines followed by its rules; a rule or
 * Crawl-delay line closes the run of user-agent lines, so the next user-agent
 * line starts a new group. Rules of every group naming one of our product
 * tokens are collected into "mine", rules of every `*` group into "star"
 * (a group naming both feeds both). Sitemap lines belong to no group.
 *
 * Matching: patterns are stored percent-normalised with runs of '*' collapsed
 * and a final '$' turned into an anchored flag, sorted by length (longest
 * first, Allow before Disallow at equal length), so the first rule that
 * matches decides. A pattern is matched as literal segments split at '*': the
 * first segment must be a prefix, each middle segment is found leftmost
 * (see find: linear), the last one must end the text when anchored. Leftmost
 * placement of middle segments is always safe for '*'-only globs, so there is
 * no backtracking.
 */
#include "crawl/robots.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/url.h"

#define MAX_BODY     (500u * 1024u)
#define MAX_LINE     (16u * 1024u)
#define MAX_RULES    10000u
#define MAX_SITEMAPS 100u
#define MAX_DELAY_MS 60000L
#define STACK_URL    2048u
#define LONG_TEXT    256u /* texts at least this long: memchr, then memmem */
#define MAX_MISSES   32   /* first-byte hits that fail before switching to memmem */

struct rule {
    char *pat;     /* normalised, '*' runs collapsed, without the final '$' */
    size_t len;    /* bytes in pat */
    size_t weight; /* precedence: octets of the normalised pattern, '$' included */
    size_t head;   /* bytes before the first '*' (len when there is none) */
    bool allow;
    bool anchored; /* pattern ended with '$' */
    bool dirlike;  /* literal Disallow ending in '/': also refuses the path without it */
};

struct ruleset {
    struct rule *v;
    size_t n, cap;
    long delay_ms;
    bool seen; /* some user-agent line selected this set */
};

struct robots {
    struct rule *rules;
    size_t n_rules;
    long delay_ms;
    bool disallow_all;
    char **sitemaps;
    size_t n_sitemaps;
};

struct parser {
    const char *const *agents;
    size_t n_agents;
    struct ruleset mine, star;
    bool in_group; /* a user-agent line has been seen */
    bool ua_open;  /* the last group line was a user-agent line */
    bool cur_mine, cur_star;
    char *scratch; /* MAX_LINE * 3 + 1 bytes for normalising a pattern */
    char **sitemaps;
    size_t n_sitemaps;
};

/* ---- bytes ---- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static bool ieq(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_space((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* ---- percent normalisation (RFC 9309 §2.2.2) ---- */

static size_t put_pct(char *out, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    out[0] = '%';
    out[1] = hex[c >> 4];
    out[2] = hex[c & 15];
    return 3;
}

/* Writes the normal form of s (at most 3n bytes): %xx of an unreserved
 * character becomes the character, other %xx are upper-cased, a stray '%' and
 * bytes outside printable ASCII are encoded. With collapse, runs of '*' become
 * one. Returns the length written. */
static size_t normalise(const char *s, size_t n, char *out, bool collapse)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && url_hex_digit((unsigned char)s[i + 1]) >= 0 &&
            url_hex_digit((unsigned char)s[i + 2]) >= 0) {
            unsigned char v = (unsigned char)(url_hex_digit((unsigned char)s[i + 1]) * 16 +
                                              url_hex_digit((unsigned char)s[i + 2]));
            i += 2;
            if (is_unreserved(v))
                out[o++] = (char)v;
            else
                o += put_pct(out + o, v);
        } else if (c == '%' || c <= 0x20 || c >= 0x7f) {
            o += put_pct(out + o, c);
        } else if (!(collapse && c == '*' && o && out[o - 1] == '*')) {
            out[o++] = (char)c;
        }
    }
    return o;
}

/* ---- wildcard matching ---- */

/* memcmp(a, b, n) == 0, inlined: rules mostly differ within a few bytes. */
static bool same(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Leftmost occurrence in a long text: memchr on the first byte while that byte
 * is rare, then memmem (linear in glibc) once it proves common. */
static size_t find_long(const char *text, size_t from, size_t tlen, const char *needle, size_t nlen)
{
    const char *p = text + from, *end = text + tlen;
    for (int misses = 0; misses < MAX_MISSES && (size_t)(end - p) >= nlen; misses++, p++) {
        p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1);
        if (!p)
            return SIZE_MAX;
        if (same(p, needle, nlen))
            return (size_t)(p - text);
    }
    const char *hit = (size_t)(end - p) >= nlen ? memmem(p, (size_t)(end - p), needle, nlen) : NULL;
    return hit ? (size_t)(hit - text) : SIZE_MAX;
}

/* Leftmost occurrence of needle in text[from, tlen), or SIZE_MAX. Short texts
 * (most URLs) get a plain scan without call set-up. */
static size_t find(const char *text, size_t from, size_t tlen, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return from;
    if (tlen - from >= LONG_TEXT)
        return find_long(text, from, tlen, needle, nlen);
    for (size_t i = from; i + nlen <= tlen; i++)
        if (text[i] == needle[0] && same(text + i, needle, nlen))
            return i;
    return SIZE_MAX;
}

/* Matches the segments after the first '*' (rest, rn bytes) from text[pos]. */
static bool match_tail(const struct rule *r, const char *rest, size_t rn, const char *text,
                       size_t pos, size_t tlen)
{
    for (;;) {
        const char *star = memchr(rest, '*', rn);
        size_t seg = star ? (size_t)(star - rest) : rn;
        if (!star) {
            if (!r->anchored)
                return find(text, pos, tlen, rest, seg) != SIZE_MAX;
            return tlen - pos >= seg && memcmp(text + tlen - seg, rest, seg) == 0;
        }
        size_t at = find(text, pos, tlen, rest, seg);
        if (at == SIZE_MAX)
            return false;
        pos = at + seg;
        rest += seg + 1;
        rn -= seg + 1;
    }
}

static bool rule_matches(const struct rule *r, const char *text, size_t tlen)
{
    size_t head = r->head;
    if (tlen < head || !same(text, r->pat, head))
        return false;
    if (head == r->len)
        return !r->anchored || tlen == head;
    return match_tail(r, r->pat + head + 1, r->len - head - 1, text, head, tlen);
}

/* The trailing-slash variant: "Disallow: /dir/" (or "/dir/$", then only
 * without a query) also refuses exactly "/dir" (plen bytes of path). */
static bool dir_variant_matches(const struct rule *r, const char *text, size_t plen, bool query)
{
    if (!r->dirlike || plen == 0 || text[plen - 1] == '/' || r->len != plen + 1)
        return false;
    return (!r->anchored || !query) && memcmp(r->pat, text, plen) == 0;
}

static bool decide(const robots_t *r, const char *text, size_t tlen, size_t plen)
{
    for (size_t i = 0; i < r->n_rules; i++) {
        const struct rule *ru = &r->rules[i];
        if (rule_matches(ru, text, tlen) || dir_variant_matches(ru, text, plen, tlen > plen))
            return ru->allow;
    }
    return true;
}

/* ---- URLs ---- */

/* Points *p and *n at the path+query of url (fragment dropped; may be empty). */
static void path_of(const char *url, const char **p, size_t *n)
{
    const char *s = url;
    const char *sep = strstr(url, "://");
    if (sep && (size_t)(sep - url) + 1 == strcspn(url, "/?#"))
        s = sep + 3 + strcspn(sep + 3, "/?#");
    else if (s[0] == '/' && s[1] == '/')
        s += 2 + strcspn(s + 2, "/?#");
    *p = s;
    *n = strcspn(s, "#");
}

static bool is_robots_txt(const char *p, size_t n)
{
    static const char name[] = "/robots.txt";
    size_t plen = strcspn(p, "?#");
    if (plen > n)
        plen = n;
    return plen == sizeof name - 1 && memcmp(p, name, plen) == 0;
}

bool robots_allows(const robots_t *r, const char *url)
{
    if (!r || !url)
        return true;
    const char *p;
    size_t n;
    path_of(url, &p, &n);
    if (is_robots_txt(p, n))
        return true;
    if (r->disallow_all)
        return false;
    if (r->n_rules == 0)
        return true;
    char stack[STACK_URL];
    size_t need = 3 * n + 2;
    char *text = need <= sizeof stack ? stack : xmalloc(need);
    size_t tlen = 0;
    if (n == 0 || p[0] != '/')
        text[tlen++] = '/';
    tlen += normalise(p, n, text + tlen, false);
    const char *q = memchr(text, '?', tlen);
    bool ok = decide(r, text, tlen, q ? (size_t)(q - text) : tlen);
    if (text != stack)
        free(text);
    return ok;
}

/* ---- parsing: rules ---- */

static void ruleset_add(struct ruleset *rs, const struct rule *ru)
{
    if (rs->n == MAX_RULES)
        return;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->v = xrealloc(rs->v, rs->cap * sizeof *rs->v);
    }
    rs->v[rs->n] = *ru;
    rs->v[rs->n].pat = xstrndup(ru->pat, ru->len);
    rs->n++;
}

static void ruleset_cleanup(struct ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->v[i].pat);
    free(rs->v);
    rs->v = NULL;
    rs->n = rs->cap = 0;
}

static void on_rule(struct parser *p, bool allow, const char *v, size_t n)
{
    if (!p->in_group)
        return;
    p->ua_open = false;
    if (n == 0 || (v[0] != '/' && v[0] != '*') || !(p->cur_mine || p->cur_star))
        return;
    struct rule ru = {.pat = p->scratch, .allow = allow};
    ru.len = normalise(v, n, p->scratch, true);
    ru.weight = ru.len;
    if (ru.len > 1 && ru.pat[ru.len - 1] == '$') {
        ru.anchored = true;
        ru.len--;
    }
    const char *star = memchr(ru.pat, '*', ru.len);
    ru.head = star ? (size_t)(star - ru.pat) : ru.len;
    ru.dirlike = !allow && ru.len > 1 && ru.pat[ru.len - 1] == '/' && !star;
    if (p->cur_mine)
        ruleset_add(&p->mine, &ru);
    if (p->cur_star)
        ruleset_add(&p->star, &ru);
}

/* ---- parsing: user-agent, crawl-delay, sitemap ---- */

/* Length of the product token at the start of s: up to '/' or whitespace. */
static size_t token_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] != '/' && !is_space((unsigned char)s[i]))
        i++;
    return i;
}

static bool is_our_agent(const struct parser *p, const char *tok, size_t tn)
{
    for (size_t i = 0; i < p->n_agents; i++) {
        const char *a = p->agents[i];
        if (a && tn > 0 && ieq(tok, tn, a, token_len(a, strlen(a))))
            return true;
    }
    return false;
}

static void on_agent(struct parser *p, const char *v, size_t n)
{
    if (!p->ua_open) {
        p->cur_mine = p->cur_star = false;
        p->ua_open = p->in_group = true;
    }
    size_t tn = token_len(v, n);
    if (tn == 1 && v[0] == '*') {
        p->cur_star = p->star.seen = true;
    } else if (is_our_agent(p, v, tn)) {
        p->cur_mine = p->mine.seen = true;
    }
}

/* Parses "12", "0.5", "3." or ".25" seconds into milliseconds (capped);
 * -1 for anything else. */
static long parse_delay(const char *v, size_t n)
{
    size_t i = 0, digits = 0;
    long secs = 0, ms = 0, scale = 100;
    for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++)
        if (secs <= MAX_DELAY_MS / 1000)
            secs = secs * 10 + (v[i] - '0');
    if (i < n && v[i] == '.')
        for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++, scale /= 10)
            ms += (v[i] - '0') * scale;
    if (i != n || digits == 0)
        return -1;
    long total = secs * 1000 + ms;
    return total > MAX_DELAY_MS ? MAX_DELAY_MS : total;
}

static void on_delay(struct parser *p, const char *v, size_t n)
{
    if (!p->in_group)
        return;
    p->ua_open = false;
    long ms = parse_delay(v, n);
    if (ms < 0)
        return;
    if (p->cur_mine && p->mine.delay_ms < 0)
        p->mine.delay_ms = ms;
    if (p->cur_star && p->star.delay_ms < 0)
        p->star.delay_ms = ms;
}

static bool is_http_url(const char *v, size_t n)
{
    size_t skip = 0;
    if (n > 7 && ieq(v, 7, "http://", 7))
        skip = 7;
    else if (n > 8 && ieq(v, 8, "https://", 8))
        skip = 8;
    if (skip == 0 || v[skip] == '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] == 0x7f)
            return false;
    return true;
}

static void on_sitemap(struct parser *p, const char *v, size_t n)
{
    if (p->n_sitemaps == MAX_SITEMAPS || !is_http_url(v, n))
        return;
    for (size_t i = 0; i < p->n_sitemaps; i++)
        if (strlen(p->sitemaps[i]) == n && memcmp(p->sitemaps[i], v, n) == 0)
            return;
    if (!p->sitemaps)
        p->sitemaps = xcalloc(MAX_SITEMAPS, sizeof *p->sitemaps);
    p->sitemaps[p->n_sitemaps++] = xstrndup(v, n);
}

/* ---- parsing: lines ---- */

static void on_line(struct parser *p, const char *s, size_t n)
{
    const char *hash = memchr(s, '#', n);
    if (hash)
        n = (size_t)(hash - s);
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return;
    const char *k = s, *v = colon + 1;
    size_t kn = (size_t)(colon - s), vn = n - kn - 1;
    trim(&k, &kn);
    trim(&v, &vn);
    if (ieq(k, kn, "user-agent", 10) || ieq(k, kn, "useragent", 9))
        on_agent(p, v, vn);
    else if (ieq(k, kn, "allow", 5) || ieq(k, kn, "disallow", 8))
        on_rule(p, kn == 5, v, vn);
    else if (ieq(k, kn, "crawl-delay", 11))
        on_delay(p, v, vn);
    else if (ieq(k, kn, "sitemap", 7))
        on_sitemap(p, v, vn);
}

static void split_lines(struct parser *p, const char *s, size_t n)
{
    size_t start = 0;
    while (start < n) {
        size_t end = start;
        while (end < n && s[end] != '\n' && s[end] != '\r')
            end++;
        if (end - start <= MAX_LINE)
            on_line(p, s + start, end - start);
        if (end + 1 < n && s[end] == '\r' && s[end + 1] == '\n')
            end++;
        start = end + 1;
    }
}

/* True when the body (after a BOM and whitespace) is HTML, XML or JSON. */
static bool not_robots_txt(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_space((unsigned char)s[i]))
        i++;
    return i < n && (s[i] == '<' || s[i] == '{');
}

/* ---- policies ---- */

static int rule_cmp(const void *a, const void *b)
{
    const struct rule *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return (int)y->allow - (int)x->allow;
}

static robots_t *policy_new(void)
{
    robots_t *r = xcalloc(1, sizeof *r);
    r->delay_ms = -1;
    return r;
}

/* Moves the chosen rule set into r and frees the other one. */
static void adopt(robots_t *r, struct parser *p)
{
    struct ruleset *keep = p->mine.seen ? &p->mine : p->star.seen ? &p->star : NULL;
    if (keep) {
        r->rules = keep->v;
        r->n_rules = keep->n;
        r->delay_ms = keep->delay_ms;
        keep->v = NULL;
        keep->n = 0;
    }
    ruleset_cleanup(&p->mine);
    ruleset_cleanup(&p->star);
    if (r->n_rules > 1)
        qsort(r->rules, r->n_rules, sizeof *r->rules, rule_cmp);
    r->sitemaps = p->sitemaps;
    r->n_sitemaps = p->n_sitemaps;
}

robots_t *robots_parse(const char *body, size_t len, const char *const *agents, size_t n_agents)
{
    robots_t *r = policy_new();
    if (!body)
        return r;
    if (len > MAX_BODY)
        len = MAX_BODY;
    if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
        body += 3;
        len -= 3;
    }
    if (not_robots_txt(body, len))
        return r;
    struct parser p = {.agents = agents, .n_agents = agents ? n_agents : 0};
    p.mine.delay_ms = p.star.delay_ms = -1;
    p.scratch = xmalloc(MAX_LINE * 3 + 1);
    split_lines(&p, body, len);
    free(p.scratch);
    adopt(r, &p);
    return r;
}

robots_t *robots_allow_all(void)
{
    return policy_new();
}

robots_t *robots_disallow_all(void)
{
    robots_t *r = policy_new();
    r->disallow_all = true;
    return r;
}

void robots_free(robots_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_rules; i++)
        free(r->rules[i].pat);
    free(r->rules);
    for (size_t i = 0; i < r->n_sitemaps; i++)
        free(r->sitemaps[i]);
    free(r->sitemaps);
    free(r);
}

long robots_crawl_delay_ms(const robots_t *r)
{
    return r ? r->delay_ms : -1;
}

const char *const *robots_sitemaps(const robots_t *r, size_t *n)
{
    size_t count = r ? r->n_sitemaps : 0;
    if (n)
        *n = count;
    return count ? (const char *const *)r->sitemaps : NULL;
}
