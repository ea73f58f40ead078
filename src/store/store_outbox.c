#include "store/store_outbox.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/mem.h"

cinder_err store_outbox_due(store_t *st, int64_t now_ms, size_t max, store_outbox_t **out,
                            size_t *n)
{
    return st->ops->outbox->outbox_due(st->impl, now_ms, max, out, n);
}

cinder_err store_outbox_retry(store_t *st, int64_t id, int64_t next_ms)
{
    return st->ops->outbox->outbox_retry(st->impl, id, next_ms);
}

cinder_err store_outbox_delete(store_t *st, int64_t id)
{
    return st->ops->outbox->outbox_delete(st->impl, id);
}

void store_outbox_free(store_outbox_t *ev, size_t n)
{
    if (!ev)
        return;
    for (size_t i = 0; i < n; i++) {
        free(ev[i].url);
        free(ev[i].headers);
        free(ev[i].body);
        free(ev[i].doc);
    }
    free(ev);
}
