/*
 * Document discovery records → ranked documents. Merging collects every mention of a document
 * URL (a document link on a page, a file record, a plain link on a page to a URL that turned
 * out to be a file), sorts the mentions by URL and folds each run into one document.
 */
#include "dialect/skop/discover.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/charset.h"
#include "dialect/skop/rank.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strset.h"
#include "util/url.h"

#define TEXT_MAX    400 /* joined link texts of one document */
#define CONTEXT_MAX 800 /* joined surrounding texts of one document */
#define PAGE_DOCS   200 /* records read per store page */
#define PAGE_BYTES  (8u << 20)

static const struct {
    const char *ext, *mime;
} types[] = {
    {"pdf", "application/pdf"},
    {"pdf", "application/x-pdf"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
};

/* The last segment of url's path: [*start, *end). */
static void last_segment(const char *url, const char **start, const char **end)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *stop = p + strcspn(p, "?#");
    const char *slash = memchr(p, '/', (size_t)(stop - p));
    const char *seg = stop;
    for (const char *q = slash; q && q < stop; q++)
        if (*q == '/')
            seg = q + 1;
    *start = seg;
    *end = stop;
}

/* The extension of url's last path segment ("" when none). */
static void extension(const char *url, const char **ext, size_t *len)
{
    const char *s, *e;
    last_segment(url, &s, &e);
    const char *dot = NULL;
    for (const char *q = s; q < e; q++)
        if (*q == '.')
            dot = q;
    *ext = dot ? dot + 1 : e;
    *len = dot ? (size_t)(e - dot - 1) : 0;
}

const char *discover_type_of_url(const char *url)
{
    const char *ext;
    size_t len;
    extension(url, &ext, &len);
    for (size_t i = 0; len && i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i].ext) == len && !strncasecmp(types[i].ext, ext, len))
            return types[i].ext;
    return NULL;
}

const char *discover_type_of_mime(const char *ct)
{
    if (!ct)
        return NULL;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, "; \t");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i].mime) == n && !strncasecmp(types[i].mime, ct, n))
            return types[i].ext;
    return NULL;
}

bool discover_url_looks_like_page(const char *url)
{
    const char *ext;
    size_t len;
    extension(url, &ext, &len);
    return len > 0 && !discover_type_of_url(url);
}

/* ---- merging ------------------------------------------------------------------------------ */

typedef struct {
    const char *url, *text, *context, *page, *title;
    const char *type; /* file records: from the Content-Type */
    int64_t size, found_ms;
    size_t order;
    bool document; /* a document link or a file record (a plain link only lends its words) */
} mention_t;

typedef struct {
    mention_t *v;
    size_t n, cap;
} mentions_t;

static const char *str_of(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void mention_add(mentions_t *m, const mention_t *x)
{
    if (m->n == m->cap)
        m->v = xrealloc(m->v, (m->cap = m->cap ? m->cap * 2 : 64) * sizeof *m->v);
    m->v[m->n] = *x;
    m->v[m->n].order = m->n;
    m->n++;
}

/* Mentions from a page record: its document links, and its plain links to files. */
static void page_mentions(json_t *rec, const strset_t *files, mentions_t *m)
{
    static const char *const arrays[] = {"documentLinks", "links"};
    const char *page = str_of(rec, "url"), *title = str_of(rec, "title");
    int64_t found = json_integer_value(json_object_get(rec, "foundAt"));
    for (size_t a = 0; a < 2; a++) {
        size_t i;
        json_t *l;
        json_array_foreach(json_object_get(rec, arrays[a]), i, l)
        {
            const char *url = str_of(l, "url");
            bool doc = a == 0 && discover_type_of_url(url);
            if (!*url || (!doc && !strset_contains(files, url, strlen(url))))
                continue;
            mention_t x = {
                url, str_of(l, "text"), str_of(l, "context"), page, title, NULL, -1, found, 0, doc};
            mention_add(m, &x);
        }
    }
}

static void file_mention(json_t *rec, mentions_t *m)
{
    const char *url = str_of(rec, "sourceURL");
    const char *type = discover_type_of_mime(str_of(rec, "contentType"));
    json_t *size = json_object_get(rec, "size");
    mention_t x = {url,
                   "",
                   "",
                   NULL,
                   "",
                   type ? type : discover_type_of_url(url),
                   json_is_integer(size) ? json_integer_value(size) : -1,
                   json_integer_value(json_object_get(rec, "foundAt")),
                   0,
                   true};
    if (*url && x.type)
        mention_add(m, &x);
}

static int by_url_then_order(const void *a, const void *b)
{
    const mention_t *x = a, *y = b;
    int c = strcmp(x->url, y->url);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Appends piece to a " | "-joined list unless it is empty, already there, or does not fit. */
static void join_distinct(buf_t *b, const char *piece)
{
    if (!*piece || (b->len && strstr(buf_str(b), piece)))
        return;
    size_t mark = b->len;
    if ((b->len && buf_puts(b, " | ") != CINDER_OK) || buf_puts(b, piece) != CINDER_OK) {
        b->len = mark; /* does not fit: leave the list as it was */
        if (b->data)
            b->data[mark] = '\0';
    }
}

/* The file name of url: its last path segment, percent-decoded when that gives UTF-8. */
static char *file_name(const char *url)
{
    const char *s, *e;
    last_segment(url, &s, &e);
    char *out = xmalloc((size_t)(e - s) + 1);
    size_t n = 0;
    for (const char *p = s; p < e; p++) {
        int hi = p + 2 < e && *p == '%' ? url_hex_digit((unsigned char)p[1]) : -1;
        int lo = hi >= 0 ? url_hex_digit((unsigned char)p[2]) : -1;
        if (lo >= 0 && (hi || lo)) {
            out[n++] = (char)(hi * 16 + lo);
            p += 2;
        } else
            out[n++] = *p;
    }
    out[n] = '\0';
    if (!charset_is_utf8(out, n)) {
        free(out);
        return xstrndup(s, (size_t)(e - s));
    }
    return out;
}

/* Folds the mentions v[0..n) of one URL into a document (false when none is a document). */
static bool fold(const mention_t *v, size_t n, discover_doc_t *d)
{
    const mention_t *src = NULL, *file = NULL, *doc = NULL;
    buf_t text, ctx;
    for (size_t i = 0; i < n; i++) {
        src = !src && v[i].page ? &v[i] : src;
        file = !file && v[i].type ? &v[i] : file;
        doc = !doc && v[i].document ? &v[i] : doc;
    }
    if (!doc)
        return false;
    buf_init(&text, TEXT_MAX);
    buf_init(&ctx, CONTEXT_MAX);
    memset(d, 0, sizeof *d);
    d->found_ms = v[0].found_ms;
    for (size_t i = 0; i < n; i++) {
        join_distinct(&text, v[i].text);
        join_distinct(&ctx, v[i].context);
        if (v[i].found_ms && (!d->found_ms || v[i].found_ms < d->found_ms))
            d->found_ms = v[i].found_ms;
    }
    d->url = xstrdup(v[0].url);
    d->name = file_name(d->url);
    d->type = file ? file->type : discover_type_of_url(d->url);
    d->size = file ? file->size : -1;
    d->source_page = xstrdup(src ? src->page : d->url);
    d->page_title = xstrdup(src ? src->title : "");
    d->text = buf_steal(&text);
    d->context = buf_steal(&ctx);
    return true;
}

static size_t first_order(const mention_t *v, size_t n)
{
    size_t o = v[0].order;
    for (size_t i = 1; i < n; i++)
        o = v[i].order < o ? v[i].order : o;
    return o;
}

typedef struct {
    discover_doc_t d;
    size_t order;
} ordered_doc_t;

static int by_order(const void *a, const void *b)
{
    const ordered_doc_t *x = a, *y = b;
    return (x->order > y->order) - (x->order < y->order);
}

/* Groups the sorted mentions by URL into documents, in first-found order. */
static void group(const mentions_t *m, discover_set_t *s)
{
    ordered_doc_t *out = xcalloc(m->n ? m->n : 1, sizeof *out);
    size_t n = 0;
    for (size_t i = 0, j; i < m->n; i = j) {
        for (j = i + 1; j < m->n && !strcmp(m->v[j].url, m->v[i].url); j++)
            ;
        if (fold(&m->v[i], j - i, &out[n].d))
            out[n++].order = first_order(&m->v[i], j - i);
    }
    qsort(out, n, sizeof *out, by_order);
    s->v = xcalloc(n ? n : 1, sizeof *s->v);
    for (size_t i = 0; i < n; i++)
        s->v[i] = out[i].d;
    s->n = n;
    free(out);
}

void discover_merge(json_t *const *records, size_t n, discover_set_t *s)
{
    memset(s, 0, sizeof *s);
    strset_t *files = strset_new(16);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(str_of(records[i], "kind"), "file"))
            strset_add(files, str_of(records[i], "sourceURL"));
    mentions_t m = {0};
    for (size_t i = 0; i < n; i++) {
        const char *kind = str_of(records[i], "kind");
        if (!strcmp(kind, "page")) {
            s->pages++;
            page_mentions(records[i], files, &m);
        } else if (!strcmp(kind, "file")) {
            s->files++;
            file_mention(records[i], &m);
        }
    }
    if (m.n)
        qsort(m.v, m.n, sizeof *m.v, by_url_then_order);
    group(&m, s);
    free(m.v);
    strset_free(files);
}

cinder_err discover_load(store_t *st, const char *job_id, size_t max_records, discover_set_t *s)
{
    memset(s, 0, sizeof *s);
    json_t **recs = NULL;
    size_t n = 0, cap = 0;
    cinder_err rc = CINDER_OK;
    for (;;) {
        char **docs = NULL;
        size_t got = 0, want = max_records - n < PAGE_DOCS ? max_records - n : PAGE_DOCS;
        if (want == 0)
            break;
        rc = store_docs_page(st, job_id, (int64_t)n, want, PAGE_BYTES, &docs, &got);
        if (rc || got == 0) {
            store_docs_free(docs, got);
            break;
        }
        if (n + got > cap)
            recs = xrealloc(recs, (cap = (n + got) * 2) * sizeof *recs);
        for (size_t i = 0; i < got; i++) {
            json_error_t err;
            json_t *j = json_loads(docs[i], 0, &err);
            recs[n++] = j ? j : json_object();
        }
        store_docs_free(docs, got);
    }
    if (!rc)
        discover_merge(recs, n, s);
    for (size_t i = 0; i < n; i++)
        json_decref(recs[i]);
    free(recs);
    return rc;
}

/* ---- ranking ------------------------------------------------------------------------------ */

static int by_confidence(const void *a, const void *b)
{
    const discover_doc_t *x = *(discover_doc_t *const *)a, *y = *(discover_doc_t *const *)b;
    if (x->confidence != y->confidence)
        return x->confidence < y->confidence ? 1 : -1;
    return (x > y) - (x < y); /* the array is in first-found order */
}

void discover_set_rank(discover_set_t *s, const char *prompt)
{
    static const double weights[4] = {3.0, 2.0, 1.0, 0.5};
    rank_t *r = rank_new(prompt, weights, 4);
    s->terms = rank_terms(r);
    for (size_t i = 0; i < s->n; i++) {
        const char *fields[4] = {s->v[i].text, s->v[i].name, s->v[i].context, s->v[i].page_title};
        rank_add(r, fields);
    }
    double *c = xcalloc(s->n ? s->n : 1, sizeof *c);
    rank_confidence(r, c);
    rank_free(r);
    discover_doc_t **order = xcalloc(s->n ? s->n : 1, sizeof *order);
    for (size_t i = 0; i < s->n; i++) {
        s->v[i].confidence = c[i];
        order[i] = &s->v[i];
    }
    qsort(order, s->n, sizeof *order, by_confidence);
    discover_doc_t *sorted = xcalloc(s->n ? s->n : 1, sizeof *sorted);
    for (size_t i = 0; i < s->n; i++)
        sorted[i] = *order[i];
    free(s->v);
    s->v = sorted;
    free(order);
    free(c);
}

void discover_set_cleanup(discover_set_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        discover_doc_t *d = &s->v[i];
        free(d->url);
        free(d->name);
        free(d->source_page);
        free(d->text);
        free(d->context);
        free(d->page_title);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}
