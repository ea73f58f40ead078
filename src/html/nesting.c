#include "html/nesting.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { TAG_NONE, TAG_NEUTRAL, TAG_OPEN, TAG_CLOSE, TAG_RAWTEXT } tag_kind;

typedef struct {
    const char *p;
    size_t n, i;
    size_t depth, dropped, max_depth, deepest;
    buf_t *out; /* NULL: measuring only */
    size_t copied;
} scan_t;

/* Elements that never hold children, or whose end tag is optional (neutral: they do not add to
 * the depth estimate), and elements holding raw text (skipped to their end tag). Looked up by
 * exact lower-case match, first by length (a tag is classified at every '<' of a page). */
static const char *const neutral_tags[] = {
    "area",  "base",  "br",       "col",      "embed", "hr",  "img", "input",
    "link",  "meta",  "param",    "source",   "track", "wbr", "p",   "li",
    "dt",    "dd",    "option",   "optgroup", "tr",    "td",  "th",  "tbody",
    "thead", "tfoot", "colgroup", "rb",       "rt",    "rp",  "rtc", "html",
    "head",  "body",  "frame",    "keygen",   "image", NULL};
static const char *const rawtext_tags[] = {"script",   "style",     "textarea", "title",
                                           "xmp",      "iframe",    "noembed",  "noframes",
                                           "noscript", "plaintext", NULL};

#define MAX_LISTED_NAME 10
#define MAX_PER_LENGTH  12

/* A list of names as 16-byte keys grouped by length, built once from the string lists above. */
typedef struct {
    uint64_t key[MAX_LISTED_NAME + 1][MAX_PER_LENGTH][2];
    int n[MAX_LISTED_NAME + 1];
} name_set_t;

static name_set_t neutral_set, rawtext_set;
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

/* The 16-byte key of a name of at most MAX_LISTED_NAME characters, lower-cased (ASCII). */
static void name_key(const char *name, size_t len, uint64_t out[2])
{
    char b[16] = {0};
    for (size_t i = 0; i < len; i++)
        b[i] = (char)(name[i] | 0x20); /* non-letters never match a listed name */
    memcpy(out, b, sizeof b);
}

static void set_fill(name_set_t *set, const char *const *list)
{
    for (const char *const *t = list; *t; t++) {
        size_t len = strlen(*t);
        if (len > MAX_LISTED_NAME || set->n[len] == MAX_PER_LENGTH)
            abort(); /* the lists above outgrew the set: raise MAX_PER_LENGTH */
        name_key(*t, len, set->key[len][set->n[len]++]);
    }
}

static void sets_init(void)
{
    set_fill(&neutral_set, neutral_tags);
    set_fill(&rawtext_set, rawtext_tags);
}

/* True when key (of a name of len characters) is in set. */
static bool in_set(const name_set_t *set, size_t len, const uint64_t k[2])
{
    for (int i = 0; i < set->n[len]; i++)
        if (set->key[len][i][0] == k[0] && set->key[len][i][1] == k[1])
            return true;
    return false;
}

typedef enum { LISTED_NONE, LISTED_NEUTRAL, LISTED_RAWTEXT } listed_t;

/* Which list name (len bytes, any case) is on. The sets are built (sets_init) by then. */
static listed_t listed(const char *name, size_t len)
{
    if (len == 0 || len > MAX_LISTED_NAME)
        return LISTED_NONE;
    uint64_t k[2];
    name_key(name, len, k);
    if (in_set(&neutral_set, len, k))
        return LISTED_NEUTRAL;
    return in_set(&rawtext_set, len, k) ? LISTED_RAWTEXT : LISTED_NONE;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Index just past the '>' closing the tag starting at i (quotes respected), or n. */
static size_t tag_end(const char *p, size_t n, size_t i, bool *self_closing)
{
    char quote = 0;
    for (size_t j = i + 1; j < n; j++) {
        if (quote) {
            if (p[j] == quote)
                quote = 0;
        } else if (p[j] == '"' || p[j] == '\'') {
            quote = p[j];
        } else if (p[j] == '>') {
            *self_closing = p[j - 1] == '/';
            return j + 1;
        }
    }
    *self_closing = false;
    return n;
}

/* Index where the raw text of element name ends (the start of "</name"), or n. */
static size_t rawtext_end(const char *p, size_t n, size_t i, const char *name, size_t len)
{
    for (const char *q = p + i; (q = memchr(q, '<', (size_t)(p + n - q))) != NULL; q++) {
        size_t j = (size_t)(q - p);
        if (j + 2 + len <= n && q[1] == '/' && strncasecmp(q + 2, name, len) == 0)
            return j;
    }
    return n;
}

/* Classifies the markup at sc->i (a '<') and sets *end past it. */
static tag_kind classify(scan_t *sc, size_t *end, const char **name, size_t *nlen)
{
    const char *p = sc->p;
    size_t i = sc->i, n = sc->n;
    bool closing = i + 1 < n && p[i + 1] == '/';
    size_t s = i + 1 + closing;
    if (!closing && i + 3 < n && memcmp(p + i, "<!--", 4) == 0) {
        const char *e = memmem(p + i + 4, n - i - 4, "-->", 3);
        *end = e ? (size_t)(e - p) + 3 : n;
        return TAG_NONE;
    }
    if (s >= n || !is_alpha(p[s])) {
        bool sc_unused;
        *end = (i + 1 < n && (p[i + 1] == '!' || p[i + 1] == '?')) ? tag_end(p, n, i, &sc_unused)
                                                                   : i + 1;
        return TAG_NONE;
    }
    size_t e = s;
    while (e < n && p[e] != '>' && p[e] != '/' && p[e] != ' ' && p[e] != '\t' && p[e] != '\n' &&
           p[e] != '\r' && p[e] != '\f')
        e++;
    *name = p + s;
    *nlen = e - s;
    bool self_closing = false;
    *end = tag_end(p, n, i, &self_closing);
    listed_t l = listed(*name, *nlen);
    if (l == LISTED_NEUTRAL)
        return TAG_NEUTRAL;
    if (closing)
        return TAG_CLOSE;
    if (l == LISTED_RAWTEXT)
        return TAG_RAWTEXT;
    return self_closing ? TAG_NEUTRAL : TAG_OPEN;
}

/* Copies p[sc->copied, upto) to the output (when rewriting). */
static void flush(scan_t *sc, size_t upto)
{
    if (sc->out && upto > sc->copied && buf_append(sc->out, sc->p + sc->copied, upto - sc->copied))
        sc->out = NULL; /* cap hit: the caller falls back to the original */
    sc->copied = upto;
}

/* Handles one tag; drops it from the output when it is beyond the depth limit. */
static void step(scan_t *sc)
{
    size_t end;
    const char *name = NULL;
    size_t nlen = 0;
    tag_kind k = classify(sc, &end, &name, &nlen);
    bool drop = false;
    if (k == TAG_OPEN) {
        drop = sc->depth >= sc->max_depth;
        if (drop)
            sc->dropped++;
        else if (++sc->depth > sc->deepest)
            sc->deepest = sc->depth;
    } else if (k == TAG_CLOSE) {
        drop = sc->dropped > 0;
        if (drop)
            sc->dropped--;
        else if (sc->depth)
            sc->depth--;
    } else if (k == TAG_RAWTEXT) {
        end = rawtext_end(sc->p, sc->n, end, name, nlen);
    }
    if (drop && sc->out) {
        flush(sc, sc->i);
        sc->copied = end;
    }
    sc->i = end > sc->i ? end : sc->i + 1;
}

static void scan(scan_t *sc)
{
    while (sc->i < sc->n) {
        const char *lt = memchr(sc->p + sc->i, '<', sc->n - sc->i);
        if (!lt)
            break;
        sc->i = (size_t)(lt - sc->p);
        step(sc);
    }
    flush(sc, sc->n);
}

/* True when html has more than max '<' characters (only then can its depth exceed max). */
static bool more_tags_than(const char *html, size_t len, size_t max)
{
    const char *p = html, *end = html + len;
    size_t n = 0;
    while (n <= max && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n > max;
}

bool nesting_limit(const char *html, size_t len, size_t max_depth, buf_t *out)
{
    if (!more_tags_than(html, len, max_depth)) /* most pages: no tag scan needed */
        return false;
    pthread_once(&sets_once, sets_init);
    scan_t sc = {html, len, 0, 0, 0, max_depth + 1, 0, NULL, 0};
    scan(&sc); /* measure with a limit that never drops */
    if (sc.deepest <= max_depth)
        return false;
    scan_t rw = {html, len, 0, 0, 0, max_depth, 0, out, 0};
    scan(&rw);
    return rw.out != NULL;
}
