/*
 * The chunks option of a crawl and the per-page chunking. crawl_chunks_page runs on worker
 * threads, each on its own page; the option it reads is shared but never written after the
 * crawl started.
 */
#include "dialect/trieve/chunks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "html/chunk.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strv.h"

#define TRACKING_HEX 32 /* hex digits of the SHA-256 kept as tracking id */

void crawl_chunks_free(crawl_chunks_t *c)
{
    if (!c)
        return;
    free(c->site_url);
    strv_free(c->heading_remove, c->n_heading_remove);
    strv_free(c->body_remove, c->n_body_remove);
    strv_free(c->tags, c->n_tags);
    free(c);
}

json_t *crawl_chunks_to_json(const crawl_chunks_t *c)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "team", c->team, "dataset", c->dataset,
                     "requestId", c->request_id, "siteURL", c->site_url ? c->site_url : "",
                     "headingRemove", strv_to_json(c->heading_remove, c->n_heading_remove),
                     "bodyRemove", strv_to_json(c->body_remove, c->n_body_remove), "tags",
                     strv_to_json(c->tags, c->n_tags));
}

crawl_chunks_t *crawl_chunks_from_json(json_t *j)
{
    const char *team = json_string_value(json_object_get(j, "team"));
    const char *dataset = json_string_value(json_object_get(j, "dataset"));
    const char *req = json_string_value(json_object_get(j, "requestId"));
    if (!team || !dataset || !req)
        return NULL;
    crawl_chunks_t *c = xcalloc(1, sizeof *c);
    snprintf(c->team, sizeof c->team, "%s", team);
    snprintf(c->dataset, sizeof c->dataset, "%s", dataset);
    snprintf(c->request_id, sizeof c->request_id, "%s", req);
    c->site_url = xstrdup(json_string_value(json_object_get(j, "siteURL")));
    c->heading_remove = strv_from_json(json_object_get(j, "headingRemove"), &c->n_heading_remove);
    c->body_remove = strv_from_json(json_object_get(j, "bodyRemove"), &c->n_body_remove);
    c->tags = strv_from_json(json_object_get(j, "tags"), &c->n_tags);
    return c;
}

/* ---- per page ------------------------------------------------------------------------ */

/* The page's link: its final URL (else the URL requested) without a trailing slash. */
static char *page_link(json_t *meta)
{
    const char *u = json_string_value(json_object_get(meta, "url"));
    if (!u)
        u = json_string_value(json_object_get(meta, "sourceURL"));
    if (!u)
        return NULL;
    char *link = xstrdup(u);
    size_t n = strlen(link);
    while (n > 0 && link[n - 1] == '/')
        link[--n] = '\0';
    return link;
}

/* The path of url ("/" when empty), without query or fragment; heap string. */
static char *url_path(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    if (!p)
        return xstrdup("/");
    return xstrndup(p, strcspn(p, "?#"));
}

static void tracking_id(const char *path, const char *a, const char *b, char out[TRACKING_HEX + 1])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(ctx, path, strlen(path)) || !EVP_DigestUpdate(ctx, "\n", 1) ||
        !EVP_DigestUpdate(ctx, a, strlen(a)) || !EVP_DigestUpdate(ctx, b, strlen(b)) ||
        !EVP_DigestFinal_ex(ctx, md, &len))
        len = 0;
    EVP_MD_CTX_free(ctx);
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < TRACKING_HEX / 2; i++) {
        unsigned char v = i < len ? md[i] : 0;
        out[2 * i] = hex[v >> 4];
        out[2 * i + 1] = hex[v & 15];
    }
    out[TRACKING_HEX] = '\0';
}

static void add_tag(json_t *tags, const char *t, size_t len)
{
    size_t i;
    json_t *v;
    json_array_foreach(tags, i, v)
    {
        if (json_string_length(v) == len && !memcmp(json_string_value(v), t, len))
            return;
    }
    json_array_append_new(tags, json_stringn(t, len));
}

/* The page's tag set: its path segments, the crawl's site_url and tags. */
static char *tag_set(const char *path, const crawl_chunks_t *c)
{
    json_t *tags = json_array();
    for (const char *s = path; *s;) {
        s += strspn(s, "/");
        size_t n = strcspn(s, "/");
        if (n)
            add_tag(tags, s, n);
        s += n;
    }
    if (c->site_url && *c->site_url)
        add_tag(tags, c->site_url, strlen(c->site_url));
    for (size_t i = 0; i < c->n_tags; i++)
        add_tag(tags, c->tags[i], strlen(c->tags[i]));
    char *out = json_dumps(tags, JSON_COMPACT);
    json_decref(tags);
    return out;
}

static const char *first_string(json_t *meta, const char *a, const char *b)
{
    const char *s = json_string_value(json_object_get(meta, a));
    return s ? s : json_string_value(json_object_get(meta, b));
}

static char *chunk_metadata(const chunk_t *ch, const char *link, json_t *meta)
{
    const char *title = first_string(meta, "ogTitle", "title");
    const char *desc = first_string(meta, "ogDescription", "description");
    json_t *hier = json_array();
    if (title && *title)
        json_array_append_new(hier, json_string(title));
    for (size_t i = 0; i < ch->n_hierarchy; i++)
        json_array_append_new(hier, json_string(ch->hierarchy[i]));
    json_t *m =
        json_pack("{s:s, s:s, s:o, s:s, s:s}", "url", link, "heading", ch->heading, "hierarchy",
                  hier, "title", title ? title : "", "description", desc ? desc : "");
    char *out = m ? json_dumps(m, JSON_COMPACT) : NULL;
    json_decref(m);
    return out;
}

/* How many chunks before i carry the same heading. */
static int repeats(const chunk_t *ch, size_t i)
{
    int k = 0;
    for (size_t j = 0; j < i; j++)
        k += !strcmp(ch[j].heading, ch[i].heading);
    return k;
}

static void fill_row(store_chunk_t *row, const chunk_t *ch, size_t i, const char *path,
                     const char *link, json_t *meta, const crawl_chunks_t *c)
{
    char id[TRACKING_HEX + 1], rep[16] = "";
    int k = repeats(ch, i);
    if (k)
        snprintf(rep, sizeof rep, "#%d", k + 1);
    if (*ch[i].heading)
        tracking_id(path, ch[i].heading, rep, id);
    else
        tracking_id(path, ch[i].html, "", id);
    row->tracking_id = xstrdup(id);
    row->request_id = xstrdup(c->request_id);
    row->url = xstrdup(link);
    row->heading = xstrdup(ch[i].heading);
    row->html = xstrdup(ch[i].html);
    row->text = xstrdup(ch[i].text);
    row->metadata = chunk_metadata(&ch[i], link, meta);
    row->position = (int)i;
}

void crawl_chunks_page(store_t *st, const crawl_chunks_t *c, json_t *doc)
{
    json_t *meta = json_object_get(doc, "metadata");
    const char *html = json_string_value(json_object_get(doc, "html"));
    char *link = page_link(meta);
    if (json_integer_value(json_object_get(meta, "statusCode")) != 200 || !html || !link) {
        free(link);
        return;
    }
    chunk_opts_t o = {(const char *const *)c->heading_remove, c->n_heading_remove,
                      (const char *const *)c->body_remove, c->n_body_remove, 0};
    chunk_t *ch = NULL;
    size_t n = 0;
    cinder_err rc = chunk_split(html, strlen(html), &o, &ch, &n);
    char *path = url_path(link);
    char *tags = tag_set(path, c);
    store_chunk_t *rows = xcalloc(n ? n : 1, sizeof *rows);
    for (size_t i = 0; !rc && i < n; i++) {
        fill_row(&rows[i], ch, i, path, link, meta, c);
        rows[i].tag_set = xstrdup(tags);
    }
    if (!rc)
        rc = store_chunks_upsert(st, c->team, c->dataset, rows, n, clock_wall_ms());
    if (rc == CINDER_E_NOT_FOUND)
        log_debug("chunks of %s dropped: crawl request %s was deleted", link, c->request_id);
    else if (rc)
        log_warn("chunks of %s not stored: %s", link, cinder_strerror(rc));
    store_chunks_free(rows, n);
    chunks_free(ch, n);
    free(tags);
    free(path);
    free(link);
}

/* ---- the job model's processor ------------------------------------------------------------- */

typedef struct {
    store_t *st;
    crawl_chunks_t *chunks;
} chunks_job_t;

static cinder_err chunks_job_new(void *ctx, const store_job_t *rec, json_t *opts, void **ud)
{
    crawl_chunks_t *c = crawl_chunks_from_json(json_object_get(opts, "chunks"));
    if (!c)
        return CINDER_E_INVALID;
    chunks_job_t *cj = xcalloc(1, sizeof *cj);
    cj->st = ctx;
    cj->chunks = c;
    *ud = cj;
    return CINDER_OK;
}

static void chunks_job_free(void *ud)
{
    chunks_job_t *cj = ud;
    if (!cj)
        return;
    crawl_chunks_free(cj->chunks);
    free(cj);
}

static void chunks_document(json_t *doc, void *ud)
{
    chunks_job_t *cj = ud;
    crawl_chunks_page(cj->st, cj->chunks, doc);
}

const jobs_processor_t chunks_processor = {
    .name = "chunks",
    .job_new = chunks_job_new,
    .job_free = chunks_job_free,
    .document = chunks_document,
};
