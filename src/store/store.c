#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/mem.h"

cinder_err store_open(const char *spec, store_t **out)
{
    const struct store_ops *ops = &store_sqlite_ops;
    const char *location = spec;
    if (strncmp(spec, "sqlite:", 7) == 0)
        location = spec + 7;
    void *impl = NULL;
    cinder_err rc = ops->open(location, &impl);
    if (rc)
        return rc;
    store_t *st = xmalloc(sizeof *st);
    st->ops = ops;
    st->impl = impl;
    *out = st;
    return CINDER_OK;
}

void store_close(store_t *st)
{
    if (!st)
        return;
    st->ops->close(st->impl);
    free(st);
}

const char *store_backend(const store_t *st)
{
    return st->ops->name;
}

cinder_err store_job_get(store_t *st, const char *id, store_job_t *out)
{
    return st->ops->jobs->job_get(st->impl, id, out);
}

cinder_err store_doc_put(store_t *st, const char *job_id, int64_t seq, const char *json, size_t len)
{
    return st->ops->jobs->doc_put(st->impl, job_id, seq, json, len);
}

cinder_err store_doc_pack(store_t *st, const char *json, size_t len, char **out, size_t *out_len)
{
    return st->ops->jobs->doc_pack(st->impl, json, len, out, out_len);
}

cinder_err store_doc_get(store_t *st, const char *job_id, int64_t seq, char **json, size_t *len)
{
    return st->ops->jobs->doc_get(st->impl, job_id, seq, json, len);
}

cinder_err store_expire(store_t *st, int64_t now_ms, int64_t *removed)
{
    return st->ops->jobs->expire(st->impl, now_ms, removed);
}

void store_job_cleanup(store_job_t *job)
{
    free(job->url);
    free(job->options);
    free(job->error);
    free(job->error_code);
    memset(job, 0, sizeof *job);
}

const char *job_status_name(job_status s)
{
    static const char *const names[] = {"queued", "running", "completed", "failed", "cancelled"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

cinder_err store_docs_page(store_t *st, const char *job_id, int64_t skip, size_t limit,
                           size_t max_bytes, char ***docs, size_t *n)
{
    return st->ops->jobs->docs_page(st->impl, job_id, skip, limit, max_bytes, docs, n);
}

void store_docs_free(char **docs, size_t n)
{
    for (size_t i = 0; docs && i < n; i++)
        free(docs[i]);
    free(docs);
}

cinder_err store_items_errors(store_t *st, const char *job_id, size_t max, store_item_error_t **out,
                              size_t *n)
{
    return st->ops->jobs->items_errors(st->impl, job_id, max, out, n);
}

void store_item_errors_free(store_item_error_t *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++) {
        free(e[i].url);
        free(e[i].reason);
        free(e[i].error);
        free(e[i].error_code);
    }
    free(e);
}

void store_item_cleanup(store_item_t *it)
{
    free(it->url);
    it->url = NULL;
}

const char *item_status_name(item_status s)
{
    static const char *const names[] = {"pending", "running",   "succeeded",
                                        "failed",  "cancelled", "skipped"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

cinder_err store_jobs_active(store_t *st, job_kind kind, char ***ids, size_t *n)
{
    return st->ops->jobs->jobs_active(st->impl, kind, ids, n);
}

cinder_err store_jobs_list(store_t *st, const char *team, job_kind kind, int64_t offset,
                           size_t limit, char ***ids, size_t *n, int64_t *total)
{
    return st->ops->jobs->jobs_list(st->impl, team, kind, offset, limit, ids, n, total);
}

cinder_err store_items_list(store_t *st, const char *job_id, size_t max, bool docs,
                            store_item_info_t **out, size_t *n)
{
    return st->ops->jobs->items_list(st->impl, job_id, max, docs, out, n);
}

void store_item_infos_free(store_item_info_t *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free(items[i].url);
        free(items[i].reason);
        free(items[i].error);
        free(items[i].error_code);
        free(items[i].doc);
    }
    free(items);
}
