#include "store/store_trieve.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/mem.h"

cinder_err store_dataset_touch(store_t *st, const char *team, const char *dataset, int64_t now_ms)
{
    return st->ops->trieve->dataset_touch(st->impl, team, dataset, now_ms);
}

cinder_err store_trieve_put(store_t *st, const store_trieve_t *rec)
{
    return st->ops->trieve->trieve_put(st->impl, rec);
}

cinder_err store_trieve_get(store_t *st, const char *team, const char *dataset, const char *id,
                            store_trieve_t *out)
{
    return st->ops->trieve->trieve_get(st->impl, team, dataset, id, out);
}

cinder_err store_trieve_list(store_t *st, const char *team, const char *dataset, int64_t skip,
                             size_t limit, store_trieve_t **out, size_t *n)
{
    return st->ops->trieve->trieve_list(st->impl, team, dataset, skip, limit, out, n);
}

cinder_err store_trieve_open(store_t *st, int64_t now_ms, store_trieve_t **out, size_t *n)
{
    return st->ops->trieve->trieve_open(st->impl, now_ms, out, n);
}

cinder_err store_trieve_done(store_t *st, const char *id, const char *scrape_id, const char *status)
{
    return st->ops->trieve->trieve_done(st->impl, id, scrape_id, status);
}

cinder_err store_trieve_delete(store_t *st, const char *team, const char *dataset, const char *id)
{
    return st->ops->trieve->trieve_delete(st->impl, team, dataset, id);
}

void store_trieve_cleanup(store_trieve_t *rec)
{
    free(rec->url);
    free(rec->options);
    free(rec->crawl);
    free(rec->status);
    memset(rec, 0, sizeof *rec);
}

void store_trieve_free(store_trieve_t *recs, size_t n)
{
    for (size_t i = 0; recs && i < n; i++)
        store_trieve_cleanup(&recs[i]);
    free(recs);
}

cinder_err store_chunks_upsert(store_t *st, const char *team, const char *dataset,
                               const store_chunk_t *c, size_t n, int64_t now_ms)
{
    return st->ops->trieve->chunks_upsert(st->impl, team, dataset, c, n, now_ms);
}

cinder_err store_chunks_page(store_t *st, const char *team, const char *dataset, int64_t skip,
                             size_t limit, store_chunk_t **out, size_t *n, int64_t *total)
{
    return st->ops->trieve->chunks_page(st->impl, team, dataset, skip, limit, out, n, total);
}

void store_chunks_free(store_chunk_t *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].tracking_id);
        free(c[i].request_id);
        free(c[i].url);
        free(c[i].heading);
        free(c[i].html);
        free(c[i].text);
        free(c[i].metadata);
        free(c[i].tag_set);
    }
    free(c);
}
