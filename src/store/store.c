#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

struct store {
    const struct store_ops *ops;
    void *impl;
};

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

cinder_err store_job_create(store_t *st, const store_job_t *job)
{
    return st->ops->job_create(st->impl, job);
}

cinder_err store_job_get(store_t *st, const char *id, store_job_t *out)
{
    return st->ops->job_get(st->impl, id, out);
}

cinder_err store_job_finish(store_t *st, const store_job_t *job)
{
    return st->ops->job_finish(st->impl, job);
}

cinder_err store_doc_put(store_t *st, const char *job_id, int64_t seq, const char *json, size_t len)
{
    return st->ops->doc_put(st->impl, job_id, seq, json, len);
}

cinder_err store_doc_get(store_t *st, const char *job_id, int64_t seq, char **json, size_t *len)
{
    return st->ops->doc_get(st->impl, job_id, seq, json, len);
}

cinder_err store_expire(store_t *st, int64_t now_ms, int64_t *removed)
{
    return st->ops->expire(st->impl, now_ms, removed);
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
