#include "store/store_accounts.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/mem.h"

cinder_err store_key_add(store_t *st, const store_key_t *key, int64_t team_credits)
{
    return st->ops->accounts->key_add(st->impl, key, team_credits);
}

cinder_err store_key_find(store_t *st, const char *hash, store_key_t *out)
{
    return st->ops->accounts->key_find(st->impl, hash, out);
}

cinder_err store_keys_list(store_t *st, store_key_t **out, size_t *n)
{
    return st->ops->accounts->keys_list(st->impl, out, n);
}

cinder_err store_key_revoke(store_t *st, const char *prefix, int64_t now_ms)
{
    return st->ops->accounts->key_revoke(st->impl, prefix, now_ms);
}

cinder_err store_team_get(store_t *st, const char *name, store_team_t *out)
{
    return st->ops->accounts->team_get(st->impl, name, out);
}

cinder_err store_team_credits(store_t *st, const char *name, int64_t delta, bool set,
                              int64_t now_ms)
{
    return st->ops->accounts->team_credits(st->impl, name, delta, set, now_ms);
}

cinder_err store_idem_claim(store_t *st, const char *team, const char *key, int64_t now_ms)
{
    return st->ops->accounts->idem_claim(st->impl, team, key, now_ms);
}

cinder_err store_idem_release(store_t *st, const char *team, const char *key)
{
    return st->ops->accounts->idem_release(st->impl, team, key);
}
