/*
 * store: everything durable (jobs, documents) goes through this interface.
 * A backend fills `struct store_ops`; nothing outside src/store/ may assume
 * which one is in use. All functions are safe to call from any thread.
 *
 * Strings inside records returned by the store are heap copies owned by the
 * record; release them with store_job_cleanup().
 */
#ifndef CINDER_STORE_STORE_H
#define CINDER_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct store store_t;

typedef enum { JOB_KIND_SCRAPE = 1, JOB_KIND_CRAWL, JOB_KIND_BATCH } job_kind;

typedef enum {
    JOB_QUEUED = 0,
    JOB_RUNNING,
    JOB_COMPLETED,
    JOB_FAILED,
    JOB_CANCELLED,
} job_status;

/* One job record. */
typedef struct {
    char id[40];
    job_kind kind;
    job_status status;
    int api_version;     /* 0, 1 or 2: the dialect that created the job */
    int64_t created_ms;  /* wall-clock epoch ms */
    int64_t finished_ms; /* 0 while running */
    int64_t expires_ms;  /* results are readable until then */
    char *url;           /* the URL as requested */
    char *options;       /* JSON text of the normalised options */
    char *error;         /* failure message, or NULL */
    char *error_code;    /* machine code (e.g. "SCRAPE_TIMEOUT"), or NULL */
    int64_t total, completed, failed;
} store_job_t;

/* The operations a backend provides. impl is the backend's own handle. */
struct store_ops {
    const char *name;
    cinder_err (*open)(const char *location, void **impl);
    void (*close)(void *impl);
    cinder_err (*job_create)(void *impl, const store_job_t *job);
    cinder_err (*job_get)(void *impl, const char *id, store_job_t *out);
    cinder_err (*job_finish)(void *impl, const store_job_t *job);
    cinder_err (*doc_put)(void *impl, const char *job_id, int64_t seq, const char *json,
                          size_t len);
    cinder_err (*doc_get)(void *impl, const char *job_id, int64_t seq, char **json, size_t *len);
    cinder_err (*expire)(void *impl, int64_t now_ms, int64_t *removed);
};

/* The SQLite backend (default). */
extern const struct store_ops store_sqlite_ops;

/* Opens the store described by spec: a data directory (SQLite file cinder.db inside it,
 * created if needed) or "sqlite:PATH-TO-DIR". *out is freed with store_close. */
CINDER_MUST_CHECK cinder_err store_open(const char *spec, store_t **out);

/* Closes the store. Accepts NULL. */
void store_close(store_t *st);

/* The backend's name ("sqlite"). */
const char *store_backend(const store_t *st);

/* Inserts a new job. */
CINDER_MUST_CHECK cinder_err store_job_create(store_t *st, const store_job_t *job);

/* Reads a job by id into *out (caller runs store_job_cleanup). CINDER_E_NOT_FOUND if unknown;
 * CINDER_E_EXPIRED once its expiry time has passed (whether or not store_expire ran). */
CINDER_MUST_CHECK cinder_err store_job_get(store_t *st, const char *id, store_job_t *out);

/* Writes the job's final state (status, finished_ms, error, counters). */
CINDER_MUST_CHECK cinder_err store_job_finish(store_t *st, const store_job_t *job);

/* Stores document seq of a job (JSON text; compressed by the backend when large). */
CINDER_MUST_CHECK cinder_err store_doc_put(store_t *st, const char *job_id, int64_t seq,
                                           const char *json, size_t len);

/* Reads document seq of a job; *json is NUL-terminated, caller frees. */
CINDER_MUST_CHECK cinder_err store_doc_get(store_t *st, const char *job_id, int64_t seq,
                                           char **json, size_t *len);

/* Drops the documents of jobs whose expiry has passed (the job row stays as a tombstone
 * so reads answer "expired"); sets *removed to the number of jobs expired. */
CINDER_MUST_CHECK cinder_err store_expire(store_t *st, int64_t now_ms, int64_t *removed);

/* Frees the strings of a job record and zeroes it. */
void store_job_cleanup(store_job_t *job);

/* Status names used in storage and logs ("queued", "running", ...). Static strings. */
const char *job_status_name(job_status s);

#endif
