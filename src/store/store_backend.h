/*
 * store_backend: what a store backend provides: its operations, one sub-table per concept. For
 * src/store/ only (store.c dispatches to it; sqlite.c fills it). Every backend must pass the
 * contract suite (tests/unit/store_*_test.c, sqlite_*_test.c, outbox_test.c).
 */
#ifndef CINDER_STORE_STORE_BACKEND_H
#define CINDER_STORE_STORE_BACKEND_H

#include "store/store.h"
#include "store/store_accounts.h"
#include "store/store_jobs.h"
#include "store/store_outbox.h"
#include "store/store_trieve.h"
#include "store/store_txn.h"

/* The operations of a backend. impl is the backend's own handle. */
struct store_ops {
    const char *name;
    cinder_err (*open)(const char *location, void **impl);
    void (*close)(void *impl);
    const struct store_job_ops *jobs;
    const struct store_account_ops *accounts;
    const struct store_outbox_ops *outbox;
    const struct store_trieve_ops *trieve;
    const struct store_txn_ops *txn;
};

/* The SQLite backend (default). */
extern const struct store_ops store_sqlite_ops;

#endif
